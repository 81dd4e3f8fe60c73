// The red "why this cannot go on" line that dialogs and wizard pages show.
#pragma once

#include <QLabel>

namespace ember::ui {

// Word-wrapped, red, named "problem" (tests find it by that name).
inline QLabel* problemLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QStringLiteral("problem"));
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #c62828"));
    return label;
}

} // namespace ember::ui
