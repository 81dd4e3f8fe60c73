#include "catalogsnapshot.h"

#include <QElapsedTimer>

namespace ember::ui {

std::optional<Volume> SourceSnapshot::volume(const QString& id) const
{
    for (const Volume& volume : volumes)
        if (volume.id == id)
            return volume;
    return std::nullopt;
}

std::optional<Backup> SourceSnapshot::backup(const QString& id) const
{
    for (const Backup& backup : backups)
        if (backup.id == id)
            return backup;
    return std::nullopt;
}

std::optional<BackendConfig> SourceSnapshot::backend(const QString& name) const
{
    for (const BackendConfig& backend : backends)
        if (backend.name == name)
            return backend;
    return std::nullopt;
}

std::optional<BackendConfig> SourceSnapshot::defaultBackend() const
{
    for (const BackendConfig& backend : backends)
        if (backend.isDefault)
            return backend;
    if (!backends.isEmpty())
        return backends.first();
    return std::nullopt;
}

QList<Backup> SourceSnapshot::backupsOf(const QString& volumeId) const
{
    QList<Backup> result;
    for (const Backup& backup : backups)
        if (backup.volumeId == volumeId)
            result.append(backup);
    return result;
}

QList<Backup> SourceSnapshot::childrenOf(const QString& backupId) const
{
    QList<Backup> result;
    for (const Backup& backup : backups)
        if (backup.parentId == backupId)
            result.append(backup);
    return result;
}

std::optional<RunningJob> SourceSnapshot::runningJobOn(const QString& volumeId) const
{
    for (const RunningJob& job : runningJobs)
        if (job.volumeId == volumeId)
            return job;
    return std::nullopt;
}

bool SourceSnapshot::isIncremental(const Backup& backup) const
{
    return backup.isIncremental() || backupFacts.value(backup.id).incremental;
}

LinkOrigin SourceSnapshot::linkOrigin(const QString& backupId) const
{
    const auto facts = backupFacts.constFind(backupId);
    if (facts != backupFacts.constEnd())
        return facts->link;
    const auto found = backup(backupId);
    return found && found->isIncremental() ? LinkOrigin::Recorded : LinkOrigin::None;
}

bool SourceSnapshot::hasDependents(const Backup& backup) const
{
    return backup.hasDependentBackups() || backupFacts.value(backup.id).hasDependentBackups;
}

CatalogSnapshot loadSnapshot(const Catalog& catalog)
{
    QElapsedTimer clock;
    clock.start();
    CatalogSnapshot snapshot;
    // Read the counter first: a change made while we read shows up as a new
    // counter on the next poll, so nothing is missed.
    snapshot.changeCounter = catalog.changeCounter();
    snapshot.volumes = catalog.volumes();
    snapshot.backups = catalog.backups();
    snapshot.backends = catalog.backends();
    snapshot.runningJobs = catalog.runningJobs();
    for (const VerifyResult& result : catalog.verifyResults())
        snapshot.verifyResults.insert(result.backupId, result);
    snapshot.loadMilliseconds = clock.elapsed();
    return snapshot;
}

} // namespace ember::ui
