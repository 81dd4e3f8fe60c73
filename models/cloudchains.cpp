#include "cloudchains.h"

#include <QCoreApplication>
#include <QSet>

namespace ember::ui::cloudchains {

namespace {

bool isFailed(const Backup& backup)
{
    return backup.status == BackupStatus::Error || backup.status == BackupStatus::ErrorDeleting;
}

QString tr(const char* text)
{
    return QCoreApplication::translate("CloudChains", text);
}

} // namespace

QString inferredLinkNote()
{
    return tr("link inferred from Cinder's rule (the volume's newest backup by data_timestamp "
              "when the incremental was made)");
}

QString inferParent(const ChainInput& incremental, const QList<ChainInput>& backupsOfVolume)
{
    const Backup& child = incremental.backup;
    const bool fromSnapshot = !child.snapshotId.isEmpty();
    const ChainInput* best = nullptr;
    QDateTime bestKey;
    for (const ChainInput& candidate : backupsOfVolume) {
        const Backup& backup = candidate.backup;
        if (backup.id == child.id || backup.volumeId != child.volumeId)
            continue;
        if (!child.projectId.isEmpty() && !backup.projectId.isEmpty() &&
            backup.projectId != child.projectId)
            continue;
        // Only what existed when the incremental was asked for.
        if (!backup.createdAt.isValid() || !child.createdAt.isValid() ||
            backup.createdAt >= child.createdAt)
            continue;
        if (isFailed(backup))
            continue;
        QDateTime key = backup.dataTimestamp.isValid() ? backup.dataTimestamp : backup.createdAt;
        // A snapshot backup: candidates not older than the snapshot rank lowest
        // (Cinder gives them the key 0001-01-01).
        if (fromSnapshot && child.dataTimestamp.isValid() && key >= child.dataTimestamp)
            key = QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC);
        // Ties: the earlier created row wins, as Cinder's first row would.
        if (!best || key > bestKey ||
            (key == bestKey && backup.createdAt < best->backup.createdAt)) {
            best = &candidate;
            bestKey = key;
        }
    }
    return best ? best->backup.id : QString();
}

QHash<QString, ChainLink> resolveChains(const QList<ChainInput>& backups,
                                        const QHash<QString, QString>& knownParents)
{
    QHash<QString, QList<ChainInput>> byVolume;
    QHash<QString, const ChainInput*> byId;
    for (const ChainInput& input : backups) {
        byVolume[input.backup.volumeId].append(input);
        byId.insert(input.backup.id, &input);
    }

    QHash<QString, ChainLink> links;
    for (const ChainInput& input : backups) {
        ChainLink link;
        const QString known = knownParents.value(input.backup.id);
        if (!known.isEmpty()) {
            link.parentId = known;
            link.origin = LinkOrigin::ExportRecord;
            if (!byId.contains(known))
                link.problem = tr("its parent %1 is not in the list (another project?)").arg(known);
        } else if (input.incremental) {
            link.parentId = inferParent(input, byVolume.value(input.backup.volumeId));
            if (link.parentId.isEmpty()) {
                link.problem = tr("incremental, but no earlier backup of its volume is listed: "
                                  "the parent is unknown");
            } else {
                link.origin = LinkOrigin::Inferred;
                const ChainInput* parent = byId.value(link.parentId);
                // Cinder counts a dependent when the incremental completes.
                if (input.backup.status == BackupStatus::Available && parent &&
                    !parent->hasDependentBackups)
                    link.problem = tr("the inferred parent %1 reports no dependent backups: "
                                      "the link is doubtful")
                                       .arg(link.parentId);
            }
        }
        links.insert(input.backup.id, link);
    }

    // A backup Cinder says others depend on must have a child here.
    QSet<QString> parentsWithChildren;
    for (const ChainLink& link : std::as_const(links))
        if (!link.parentId.isEmpty())
            parentsWithChildren.insert(link.parentId);
    for (const ChainInput& input : backups) {
        if (!input.hasDependentBackups || parentsWithChildren.contains(input.backup.id))
            continue;
        ChainLink& link = links[input.backup.id];
        const QString problem = tr("Cinder reports dependent backups, but none of the listed "
                                   "backups was found to depend on it");
        link.problem =
            link.problem.isEmpty() ? problem : link.problem + QStringLiteral("; ") + problem;
    }
    return links;
}

} // namespace ember::ui::cloudchains
