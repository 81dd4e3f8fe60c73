#include "backendmodel.h"

#include "itemroles.h"

#include "backendregistry.h"

#include <QSet>

namespace ember::ui {

BackendModel::BackendModel(QObject* parent) : QAbstractTableModel(parent) {}

int BackendModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_backends.size());
}

int BackendModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString BackendModel::locationOf(const BackendConfig& backend)
{
    // The plugin's schema names its location option (path, URL, bucket, pool).
    const BackendType* type = findBackendType(backend.type);
    if (!type || type->locationKey().isEmpty())
        return {};
    const QJsonValue value = type->value(backend.options, type->locationKey());
    return value.isDouble() ? QString::number(value.toDouble()) : value.toString();
}

QString BackendModel::typeNameOf(const BackendConfig& backend)
{
    const BackendType* type = findBackendType(backend.type);
    return type && !type->displayName.isEmpty() ? type->displayName : backend.type;
}

QVariant BackendModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BackendConfig& backend = m_backends.at(index.row());
    const int backups = m_backupCounts.value(backend.name);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return backend.name;
        case Type:
            return typeNameOf(backend);
        case Location:
            return locationOf(backend);
        case IsDefault:
            return backend.isDefault ? tr("default") : QString();
        case BackupCount:
            return backups;
        }
        break;
    case RawValueRole:
        switch (index.column()) {
        case Name:
            return backend.name.toLower();
        case Type:
            return backend.type;
        case Location:
            return locationOf(backend);
        case IsDefault:
            return backend.isDefault ? 1 : 0;
        case BackupCount:
            return backups;
        }
        break;
    case IdRole:
        return backend.name;
    }
    return {};
}

QVariant BackendModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Type:
        return tr("Type");
    case Location:
        return tr("Location");
    case IsDefault:
        return tr("Default");
    case BackupCount:
        return tr("Backups");
    }
    return {};
}

static bool sameBackend(const BackendConfig& a, const BackendConfig& b)
{
    return a.name == b.name && a.type == b.type && a.options == b.options &&
           a.isDefault == b.isDefault;
}

void BackendModel::apply(const CatalogSnapshot& snapshot)
{
    QHash<QString, int> counts;
    for (const Backup& backup : snapshot.backups)
        ++counts[backup.backendName];
    QHash<QString, BackendConfig> incoming;
    for (const BackendConfig& backend : snapshot.backends)
        incoming.insert(backend.name, backend);

    for (int row = static_cast<int>(m_backends.size()) - 1; row >= 0; --row) {
        if (!incoming.contains(m_backends.at(row).name)) {
            beginRemoveRows({}, row, row);
            m_backends.removeAt(row);
            endRemoveRows();
        }
    }
    QSet<QString> present;
    for (int row = 0; row < m_backends.size(); ++row) {
        const QString name = m_backends.at(row).name;
        present.insert(name);
        if (!sameBackend(m_backends.at(row), incoming[name]) ||
            counts.value(name) != m_backupCounts.value(name)) {
            m_backends[row] = incoming[name];
            m_backupCounts[name] = counts.value(name);
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    for (const BackendConfig& backend : snapshot.backends) {
        if (present.contains(backend.name))
            continue;
        const int row = static_cast<int>(m_backends.size());
        beginInsertRows({}, row, row);
        m_backends.append(backend);
        endInsertRows();
    }
    m_backupCounts = counts;
}

std::optional<BackendConfig> BackendModel::backend(int row) const
{
    if (row < 0 || row >= m_backends.size())
        return std::nullopt;
    return m_backends.at(row);
}

} // namespace ember::ui
