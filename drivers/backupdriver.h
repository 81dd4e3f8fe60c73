// A backend as the service layer sees it. The chunked engine implements it
// over any ObjectStore (posix, Swift); Ceph and TSM implement it directly.
#pragma once

#include "operation.h"
#include "records.h"
#include "volumedevice.h"

#include <QList>
#include <functional>
#include <memory>

namespace ember {

struct BackupJob
{
    Backup& backup; // in: id, volumeId, container, parentId, names;
                    // out: serviceMetadata, container, objectCount, storedBytes
    const Volume& volume;
    VolumeDevice& source;
    std::optional<Backup> parent; // set for incrementals
    OperationControl& control;
    // Drivers call this as soon as they know where the backup will live
    // (container, service_metadata), before writing data, so a crash leaves
    // a catalog row that points at whatever must be cleaned up.
    std::function<void(const Backup&)> recordLocation = {};
};

struct RestoreJob
{
    QList<Backup> chain; // full backup first, the backup to restore last
    const Volume& target;
    VolumeDevice& device;
    OperationControl& control;
    // Set by the driver: the restored backup's volume metadata container
    // (volumemeta.h), empty when the backup has none.
    QByteArray volumeMeta = {};
};

struct VerifyReport
{
    qint64 objectsChecked = 0;
    qint64 bytesChecked = 0;
    qint64 blocksChecked = 0;
    QStringList problems; // empty = intact
};

class BackupDriver
{
public:
    virtual ~BackupDriver() = default;
    virtual QString serviceName() const = 0;
    virtual bool supportsIncremental(const Volume&) const { return true; }
    virtual bool supportsForceDelete() const { return true; }
    // Why this driver cannot back up this volume (empty = it can).
    virtual QString cannotBackup(const Volume&) const { return {}; }
    // Why `container` cannot hold a backup here (empty = it can): checked
    // before a backup row exists, so a refusal leaves nothing behind.
    virtual QString invalidContainer(const QString&) const { return {}; }
    // True when an incremental compares block hashes at the same offsets, so
    // the volume must keep its parent's exact size: Cinder refuses a grown
    // volume, and a shrunk one would give a backup that does not restore.
    virtual bool incrementalNeedsSameSize() const { return true; }

    // On failure or cancel the driver removes what it wrote, then throws.
    virtual void backup(BackupJob& job) = 0;
    virtual void restore(RestoreJob& job) = 0;
    virtual void remove(const Backup& backup, OperationControl& control) = 0;
    // Reads everything the chain needs and checks it, writing nothing.
    virtual VerifyReport verify(const QList<Backup>& chain, OperationControl& control) = 0;
    // Removes whatever a crashed or failed backup may have left behind.
    virtual void removeLeftovers(const Backup& backup) = 0;
    // Exact volume size recorded by the backup (for imported records).
    virtual std::optional<qint64> storedVolumeSize(const QList<Backup>&) { return std::nullopt; }
};

} // namespace ember
