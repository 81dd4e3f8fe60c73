// The OK/Cancel row of Ember's dialogs, and the problem line that greys out OK.
#pragma once

#include <QString>
#include <functional>

class QBoxLayout;
class QDialog;
class QDialogButtonBox;
class QLabel;

namespace ember::ui {

// OK (labelled okText, Qt's own "OK" when empty) and Cancel, added to layout.
// Cancel rejects the dialog; OK calls onOk, or accepts the dialog without one.
QDialogButtonBox* okCancelButtons(QDialog* dialog, QBoxLayout* layout, const QString& okText,
                                  std::function<void()> onOk = {});

// Shows why OK is greyed out, or hides the line and enables OK when nothing is.
void showProblem(QLabel* problemLabel, QDialogButtonBox* buttons, const QString& problem);

} // namespace ember::ui
