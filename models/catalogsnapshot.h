// Everything the views show, read from the catalog in one go on a worker
// thread and handed to the UI thread as an immutable value.
#pragma once

#include "catalog.h"
#include "records.h"

#include <QHash>
#include <QList>

namespace ember::ui {

struct CatalogSnapshot
{
    QList<Volume> volumes;
    QList<Backup> backups; // not deleted
    QList<BackendConfig> backends;
    QList<RunningJob> runningJobs;
    qint64 changeCounter = 0;
    qint64 loadMilliseconds = 0;

    std::optional<Volume> volume(const QString& id) const;
    std::optional<Backup> backup(const QString& id) const;
    std::optional<BackendConfig> backend(const QString& name) const;
    std::optional<BackendConfig> defaultBackend() const;
    QList<Backup> backupsOf(const QString& volumeId) const;
    QList<Backup> childrenOf(const QString& backupId) const;
    // Running job on the volume in any process (GUI or ember-cli), if any.
    std::optional<RunningJob> runningJobOn(const QString& volumeId) const;
};

CatalogSnapshot loadSnapshot(const Catalog& catalog);

} // namespace ember::ui
