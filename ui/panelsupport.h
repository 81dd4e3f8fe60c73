// Small helpers the main window's panels and actions share.
#pragma once

#include <QIcon>

class QAbstractItemModel;
class QObject;
class QSortFilterProxyModel;

namespace ember::ui {

// An icon of resources/icons (":/icons/<name>.svg").
QIcon icon(const char* name);

// A filter proxy that sorts on the raw values (bytes, times) rather than the
// shown text and filters case-insensitively on every column, keeping the
// parents of matching rows.
QSortFilterProxyModel* rawSortingProxy(QAbstractItemModel* source, QObject* parent);

} // namespace ember::ui
