// The buttons of Ember's dialogs and pages: the OK/Cancel row, the problem
// line that greys out OK, and Browse… beside a path.
#pragma once

#include <QFileDialog>
#include <QString>
#include <functional>

class QBoxLayout;
class QDialog;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace ember::ui {

// OK (labelled okText, Qt's own "OK" when empty) and Cancel, added to layout.
// Cancel rejects the dialog; OK calls onOk, or accepts the dialog without one.
QDialogButtonBox* okCancelButtons(QDialog* dialog, QBoxLayout* layout, const QString& okText,
                                  std::function<void()> onOk = {});

// Shows why OK is greyed out, or hides the line and enables OK when nothing is.
void showProblem(QLabel* problemLabel, QDialogButtonBox* buttons, const QString& problem);

// A button (labelled text) that lets the user pick a path for target in a
// file dialog titled caption, showing the files nameFilter lets through.
QPushButton* browseButton(QWidget* parent, QLineEdit* target, const QString& text,
                          const QString& caption, QFileDialog::FileMode mode,
                          const QString& nameFilter = {});

} // namespace ember::ui
