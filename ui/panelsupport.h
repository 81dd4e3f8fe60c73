// Small helpers the main window's panels and actions share.
#pragma once

#include <QIcon>
#include <QList>
#include <functional>

class QAbstractItemModel;
class QAbstractItemView;
class QHeaderView;
class QLineEdit;
class QMenu;
class QObject;
class QSortFilterProxyModel;
class QSplitter;

namespace ember::ui {

// An icon of resources/icons (":/icons/<name>.svg").
QIcon icon(const char* name);

// A filter proxy that sorts on the raw values (bytes, times) rather than the
// shown text and filters case-insensitively on every column, keeping the
// parents of matching rows.
QSortFilterProxyModel* rawSortingProxy(QAbstractItemModel* source, QObject* parent);

// A splitter filling the panel edge to edge (the panel's own layout).
QSplitter* panelSplitter(QWidget* panel, Qt::Orientation orientation, const QString& objectName);

// The line edit above a panel's view that filters it as the user types.
QLineEdit* filterEdit(QWidget* parent, const QString& objectName, const QString& placeholder);

// Right-clicking the view pops up the menu that menu() gives then (none while
// it gives null: the main window sets the panels' menus after building them).
void offerContextMenu(QAbstractItemView* view, std::function<QMenu*()> menu);

// Moves the columns to the front of the header in the given order.
void orderColumns(QHeaderView* header, const QList<int>& columns);

} // namespace ember::ui
