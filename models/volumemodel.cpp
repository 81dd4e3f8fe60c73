#include "volumemodel.h"

#include "itemroles.h"
#include "statusstyle.h"

#include <QHash>
#include <QSet>

namespace ember::ui {

bool VolumeModel::Row::operator==(const Row& other) const
{
    const Volume& a = volume;
    const Volume& b = other.volume;
    return a.id == b.id && a.name == b.name && a.kind == b.kind && a.path == b.path &&
           a.sizeBytes == b.sizeBytes && a.status == b.status && a.backendName == b.backendName &&
           facts == other.facts && backupCount == other.backupCount &&
           lastBackup == other.lastBackup;
}

QList<int> VolumeModel::columnsFor(SourceKind kind)
{
    if (kind == SourceKind::Cloud)
        return {Name,        Project,  Status,      Size,      VolumeType,
                Attachments, Bootable, BackupCount, LastBackup};
    return {Name, Kind, Path, Size, Status, BackupCount, LastBackup};
}

VolumeModel::VolumeModel(QObject* parent) : QAbstractTableModel(parent) {}

int VolumeModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int VolumeModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

static QString kindText(VolumeKind kind)
{
    switch (kind) {
    case VolumeKind::File:
        return VolumeModel::tr("Image file");
    case VolumeKind::BlockDevice:
        return VolumeModel::tr("Block device");
    case VolumeKind::Rbd:
        return VolumeModel::tr("RBD image");
    }
    return {};
}

QVariant VolumeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const Volume& volume = row.volume;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return volume.name;
        case Kind:
            return kindText(volume.kind);
        case Path:
            return volume.path;
        case Size:
            return formatBytes(volume.sizeBytes);
        case Status:
            return statusText(volume.status);
        case BackupCount:
            return row.backupCount;
        case LastBackup:
            return row.lastBackup.isValid() ? formatTime(row.lastBackup) : tr("never");
        case Project:
            return row.facts.projectId;
        case VolumeType:
            return row.facts.volumeType;
        case Attachments:
            return row.facts.attachedTo.join(QStringLiteral(", "));
        case Bootable:
            return row.facts.bootable ? tr("yes") : tr("no");
        }
        break;
    case RawValueRole:
        switch (index.column()) {
        case Name:
            return volume.name.toLower();
        case Kind:
            return static_cast<int>(volume.kind);
        case Path:
            return volume.path;
        case Size:
            return volume.sizeBytes;
        case Status:
            return volume.status;
        case BackupCount:
            return row.backupCount;
        case LastBackup:
            return row.lastBackup.isValid() ? row.lastBackup.toMSecsSinceEpoch() : qint64(0);
        case Project:
            return row.facts.projectId;
        case VolumeType:
            return row.facts.volumeType;
        case Attachments:
            return row.facts.attachedTo.size();
        case Bootable:
            return row.facts.bootable;
        }
        break;
    case IdRole:
        return volume.id;
    case Qt::DecorationRole:
        if (index.column() == Status)
            return statusIcon(volume.status);
        break;
    case Qt::ForegroundRole:
        if (index.column() == Status)
            return statusColor(volume.status);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Size || index.column() == BackupCount)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ToolTipRole:
        return tr("%1\n%2\nid %3").arg(volume.name, volume.path, volume.id);
    }
    return {};
}

QVariant VolumeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Kind:
        return tr("Kind");
    case Path:
        return tr("Path");
    case Size:
        return tr("Size");
    case Status:
        return tr("Status");
    case BackupCount:
        return tr("Backups");
    case LastBackup:
        return tr("Last backup");
    case Project:
        return tr("Project");
    case VolumeType:
        return tr("Type");
    case Attachments:
        return tr("Attached to");
    case Bootable:
        return tr("Bootable");
    }
    return {};
}

void VolumeModel::apply(const CatalogSnapshot& snapshot)
{
    QHash<QString, Row> incoming;
    QList<QString> order;
    for (const Volume& volume : snapshot.volumes) {
        Row row;
        row.volume = volume;
        row.facts = snapshot.volumeFacts.value(volume.id);
        incoming.insert(volume.id, row);
        order.append(volume.id);
    }
    for (const Backup& backup : snapshot.backups) {
        auto found = incoming.find(backup.volumeId);
        if (found == incoming.end())
            continue;
        ++found->backupCount;
        if (backup.status == BackupStatus::Available &&
            (!found->lastBackup.isValid() || backup.createdAt > found->lastBackup))
            found->lastBackup = backup.createdAt;
    }

    // Remove vanished rows, from the bottom so row numbers stay valid.
    for (int row = static_cast<int>(m_rows.size()) - 1; row >= 0; --row) {
        if (!incoming.contains(m_rows.at(row).volume.id)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    // Update the rows that stayed.
    QSet<QString> present;
    for (int row = 0; row < m_rows.size(); ++row) {
        const QString id = m_rows.at(row).volume.id;
        present.insert(id);
        const Row& fresh = incoming[id];
        if (!(fresh == m_rows.at(row))) {
            m_rows[row] = fresh;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    // Append the new ones in catalog order.
    QList<Row> added;
    for (const QString& id : order)
        if (!present.contains(id))
            added.append(incoming[id]);
    if (!added.isEmpty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
        m_rows.append(added);
        endInsertRows();
    }
}

QString VolumeModel::volumeId(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return m_rows.at(row).volume.id;
}

int VolumeModel::rowOf(const QString& volumeId) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).volume.id == volumeId)
            return row;
    return -1;
}

std::optional<Volume> VolumeModel::volume(const QString& volumeId) const
{
    const int row = rowOf(volumeId);
    if (row < 0)
        return std::nullopt;
    return m_rows.at(row).volume;
}

} // namespace ember::ui
