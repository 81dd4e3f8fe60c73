#include "panelsupport.h"

#include "itemroles.h"

#include <QAbstractItemView>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QVBoxLayout>

namespace ember::ui {

QIcon icon(const char* name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}

QSortFilterProxyModel* rawSortingProxy(QAbstractItemModel* source, QObject* parent)
{
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(RawValueRole);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setFilterKeyColumn(-1);
    proxy->setRecursiveFilteringEnabled(true);
    proxy->setDynamicSortFilter(true);
    return proxy;
}

QSplitter* panelSplitter(QWidget* panel, Qt::Orientation orientation, const QString& objectName)
{
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* splitter = new QSplitter(orientation, panel);
    splitter->setObjectName(objectName);
    layout->addWidget(splitter);
    return splitter;
}

QLineEdit* filterEdit(QWidget* parent, const QString& objectName, const QString& placeholder)
{
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    return edit;
}

void offerContextMenu(QAbstractItemView* view, std::function<QMenu*()> menu)
{
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(view, &QWidget::customContextMenuRequested, view,
                     [view, menu = std::move(menu)](const QPoint& position) {
                         if (QMenu* shown = menu())
                             shown->popup(view->viewport()->mapToGlobal(position));
                     });
}

void orderColumns(QHeaderView* header, const QList<int>& columns)
{
    for (int position = 0; position < columns.size(); ++position)
        header->moveSection(header->visualIndex(columns.at(position)), position);
}

} // namespace ember::ui
