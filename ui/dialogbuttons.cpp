#include "dialogbuttons.h"

#include <QBoxLayout>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
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

QPushButton* browseButton(QWidget* parent, QLineEdit* target, const QString& text,
                          const QString& caption, QFileDialog::FileMode mode,
                          const QString& nameFilter)
{
    auto* button = new QPushButton(text, parent);
    QObject::connect(
        button, &QPushButton::clicked, parent, [parent, target, caption, mode, nameFilter] {
            auto* dialog = new QFileDialog(parent, caption, target->text(), nameFilter);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setFileMode(mode);
            if (mode == QFileDialog::Directory)
                dialog->setOption(QFileDialog::ShowDirsOnly);
            QObject::connect(dialog, &QFileDialog::fileSelected, target, &QLineEdit::setText);
            dialog->open();
        });
    return button;
}

} // namespace ember::ui
