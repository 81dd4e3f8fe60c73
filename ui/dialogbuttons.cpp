#include "dialogbuttons.h"

#include <QBoxLayout>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>

namespace ember::ui {

QDialogButtonBox* okCancelButtons(QDialog* dialog, QBoxLayout* layout, const QString& okText,
                                  std::function<void()> onOk)
{
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    if (!okText.isEmpty())
        buttons->button(QDialogButtonBox::Ok)->setText(okText);
    layout->addWidget(buttons);
    if (onOk)
        QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, std::move(onOk));
    else
        QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return buttons;
}

void showProblem(QLabel* problemLabel, QDialogButtonBox* buttons, const QString& problem)
{
    problemLabel->setText(problem);
    problemLabel->setVisible(!problem.isEmpty());
    buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace ember::ui
