#include "chainrules.h"

#include <QLocale>
#include <QSet>

namespace ember::ChainRules {

namespace {

QString readableSize(qint64 bytes)
{
    return QStringLiteral("%1 (%2 bytes)")
        .arg(QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat))
        .arg(bytes);
}

QString volumeLabel(const Volume& volume)
{
    return volume.name.isEmpty() ? volume.id : volume.name;
}

} // namespace

ParentChoice chooseParent(const QList<Backup>& backupsOfVolume)
{
    // Cinder (backup/api.py): max() over the non-deleted backups of the
    // volume by data_timestamp; the first maximum wins. Failed backups
    // (error, error_deleting) hold no data to build on and are passed over,
    // as later Cinder releases do, so a refused or failed backup never blocks
    // the next incremental. A newer backup still in flight does block it.
    // Records keep whole seconds: a backup imported from Cinder that was made
    // from one of Ember's in the same second sorts before its own parent. An
    // incremental is newer than its parent all the same, so a child within that
    // second of its parent wins over it.
    auto keyOf = [](const Backup& backup) {
        return backup.dataTimestamp.isValid() ? backup.dataTimestamp : backup.createdAt;
    };
    auto wholeSecond = [](const QDateTime& time) { return time.addMSecs(-time.time().msec()); };
    auto isNewer = [&](const Backup& candidate, const Backup& best) {
        if (!candidate.parentId.isEmpty() && candidate.parentId == best.id)
            return keyOf(candidate) >= wholeSecond(keyOf(best));
        if (!best.parentId.isEmpty() && best.parentId == candidate.id)
            return keyOf(best) < wholeSecond(keyOf(candidate));
        return keyOf(candidate) > keyOf(best);
    };
    std::optional<Backup> latest;
    for (const Backup& candidate : backupsOfVolume) {
        if (candidate.deleted || candidate.status == BackupStatus::Deleted ||
            candidate.status == BackupStatus::Error ||
            candidate.status == BackupStatus::ErrorDeleting)
            continue;
        if (!latest || isNewer(candidate, *latest))
            latest = candidate;
    }
    ParentChoice choice;
    if (!latest) {
        choice.refusal = QStringLiteral("No backups available to do an incremental backup.");
        return choice;
    }
    if (latest->status != BackupStatus::Available) {
        choice.refusal =
            QStringLiteral("The parent backup must be available for incremental backup (the "
                           "latest backup, %1, is %2).")
                .arg(latest->id, latest->status);
        return choice;
    }
    choice.parent = latest;
    return choice;
}

Verdict canBackup(const Volume& volume, bool force)
{
    return canBackup(volume, force, QString());
}

Verdict canBackup(const Volume& volume, bool force, const QString& inUseReason)
{
    const bool inUse = volume.status == VolumeStatus::InUse || !inUseReason.isEmpty();
    if (inUse) {
        if (force)
            return {};
        const QString reason = inUseReason.isEmpty() ? QStringLiteral("attached") : inUseReason;
        return QStringLiteral("Volume is in use (%1): backing it up needs --force").arg(reason);
    }
    if (volume.status != VolumeStatus::Available)
        return QStringLiteral("Volume to be backed up must be available or in-use, but the "
                              "current status is \"%1\".")
            .arg(volume.status);
    return {};
}

Verdict canDelete(const Backup& backup, const QList<Backup>& children, bool force)
{
    if (backup.deleted || backup.status == BackupStatus::Deleted)
        return QStringLiteral("Backup %1 is already deleted.").arg(backup.id);
    qsizetype dependents = 0;
    for (const Backup& child : children) {
        if (!child.deleted && child.status != BackupStatus::Deleted)
            ++dependents;
    }
    // Cinder refuses this even with force: chains are deleted newest first.
    if (dependents > 0)
        return QStringLiteral("%1 incremental backup(s) depend on this one: delete them first")
            .arg(dependents);
    if (!force && backup.status != BackupStatus::Available && backup.status != BackupStatus::Error)
        return QStringLiteral("Backup status must be available or error, but is \"%1\" "
                              "(use --force to delete it anyway).")
            .arg(backup.status);
    return {};
}

Verdict canRestore(const Backup& backup, const Volume& target, bool targetIsInUse)
{
    if (backup.status != BackupStatus::Available)
        return QStringLiteral("Backup status must be available, but is \"%1\".").arg(backup.status);
    if (targetIsInUse || target.status == VolumeStatus::InUse)
        return QStringLiteral("Volume %1 is in use: detach it before restoring onto it.")
            .arg(volumeLabel(target));
    if (target.status != VolumeStatus::Available)
        return QStringLiteral("Volume to be restored to must be available, but the current "
                              "status of %1 is \"%2\".")
            .arg(volumeLabel(target), target.status);
    // Exact bytes when ember made the backup; Cinder's whole GiB otherwise.
    const qint64 needed =
        backup.volumeSizeBytes > 0 ? backup.volumeSizeBytes : backup.size * (Q_INT64_C(1) << 30);
    if (target.sizeBytes < needed)
        return QStringLiteral("Volume %1 is too small: it holds %2 but backup %3 needs %4.")
            .arg(volumeLabel(target), readableSize(target.sizeBytes), backup.id,
                 readableSize(needed));
    return {};
}

Verdict canResetState(const QString& newState)
{
    if (newState == BackupStatus::Available || newState == BackupStatus::Error)
        return {};
    return QStringLiteral("Invalid backup state '%1': reset-state accepts only available or "
                          "error.")
        .arg(newState);
}

QStringList volumeResetStates()
{
    return {VolumeStatus::Available, VolumeStatus::InUse, VolumeStatus::Error,
            VolumeStatus::ErrorRestoring};
}

Verdict canResetVolumeState(const QString& newState)
{
    if (volumeResetStates().contains(newState))
        return {};
    return QStringLiteral("Invalid volume state '%1': volume-reset-state accepts %2.")
        .arg(newState, volumeResetStates().join(QStringLiteral(", ")));
}

QList<Backup> chainOf(const Backup& backup,
                      const std::function<std::optional<Backup>(const QString&)>& lookup)
{
    QList<Backup> chain{backup};
    QSet<QString> seen{backup.id};
    Backup current = backup;
    while (!current.parentId.isEmpty()) {
        if (seen.contains(current.parentId))
            throw Error(QStringLiteral("The backup chain of %1 loops back to %2: the catalog is "
                                       "damaged.")
                            .arg(backup.id, current.parentId));
        const std::optional<Backup> parent = lookup(current.parentId);
        if (!parent)
            throw Error(QStringLiteral("Backup %1 depends on parent backup %2, which does not "
                                       "exist: the chain cannot be restored.")
                            .arg(current.id, current.parentId));
        seen.insert(parent->id);
        chain.prepend(*parent);
        current = *parent;
    }
    return chain;
}

} // namespace ember::ChainRules
