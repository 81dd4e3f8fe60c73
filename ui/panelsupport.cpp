#include "panelsupport.h"

#include "itemroles.h"

#include <QSortFilterProxyModel>

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

} // namespace ember::ui
