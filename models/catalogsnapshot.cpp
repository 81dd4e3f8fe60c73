#include "catalogsnapshot.h"

#include <QElapsedTimer>

namespace ember::ui {

std::optional<Volume> CatalogSnapshot::volume(const QString& id) const
{
    for (const Volume& volume : volumes)
        if (volume.id == id)
            return volume;
    return std::nullopt;
}

std::optional<Backup> CatalogSnapshot::backup(const QString& id) const
{
    for (const Backup& backup : backups)
        if (backup.id == id)
            return backup;
    return std::nullopt;
}

std::optional<BackendConfig> CatalogSnapshot::backend(const QString& name) const
{
    for (const BackendConfig& backend : backends)
        if (backend.name == name)
            return backend;
    return std::nullopt;
}

std::optional<BackendConfig> CatalogSnapshot::defaultBackend() const
{
    for (const BackendConfig& backend : backends)
        if (backend.isDefault)
            return backend;
    if (!backends.isEmpty())
        return backends.first();
    return std::nullopt;
}

QList<Backup> CatalogSnapshot::backupsOf(const QString& volumeId) const
{
    QList<Backup> result;
    for (const Backup& backup : backups)
        if (backup.volumeId == volumeId)
            result.append(backup);
    return result;
}

QList<Backup> CatalogSnapshot::childrenOf(const QString& backupId) const
{
    QList<Backup> result;
    for (const Backup& backup : backups)
        if (backup.parentId == backupId)
            result.append(backup);
    return result;
}

std::optional<RunningJob> CatalogSnapshot::runningJobOn(const QString& volumeId) const
{
    for (const RunningJob& job : runningJobs)
        if (job.volumeId == volumeId)
            return job;
    return std::nullopt;
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
    snapshot.loadMilliseconds = clock.elapsed();
    return snapshot;
}

} // namespace ember::ui
