// Shared by the wizard tests: opening the wizard on a backend type's page and
// reading what the connection test page shows.
#pragma once

#include "backendwizard.h"

#include <QComboBox>
#include <QStringList>
#include <QTreeWidget>

namespace ember::ui::test {

// Names the backend `name`, picks `type` and moves on to that type's options page.
inline QWizardPage* openOptionsPage(BackendWizard& wizard, const QString& name, const QString& type)
{
    wizard.show();
    wizard.setField(QStringLiteral("name"), name);
    auto* types = wizard.findChild<QComboBox*>(QStringLiteral("backendType"));
    types->setCurrentIndex(types->findData(type));
    wizard.next();
    return wizard.currentPage();
}

// What the test page's list of checks shows, one "check: detail" a line.
inline QString checkLines(const BackendWizard& wizard)
{
    QStringList result;
    auto* tree = wizard.currentPage()->findChild<QTreeWidget*>(QStringLiteral("checks"));
    for (int row = 0; tree && row < tree->topLevelItemCount(); ++row)
        result << tree->topLevelItem(row)->text(0) + QStringLiteral(": ") +
                      tree->topLevelItem(row)->text(1);
    return result.join(u'\n');
}

} // namespace ember::ui::test
