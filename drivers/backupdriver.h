// A backend as the service layer sees it. The chunked engine implements it
// over any ObjectStore (posix, Swift); Ceph and TSM implement it directly.
#pragma once

#include "keys.h"
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

// A synthetic full: a new full backup whose content equals the restored state
// of the chain's last backup, built from the chain's stored objects without
// reading the volume, in the same backend, format and compression.
struct SynthesizeJob
{
    QList<Backup> chain; // full backup first, the backup whose state is copied last
    Backup& backup;      // in: id, volumeId, container, names, volumeSizeBytes;
                         // out: serviceMetadata, container, objectCount, storedBytes
    OperationControl& control;
    // As BackupJob::recordLocation: called before any object is written.
    std::function<void(const Backup&)> recordLocation = {};
};

// Which of a backup's own objects a sampled verification reads.
struct VerifySample
{
    // Object names as verifiableObjects() gives them. Empty = every object of
    // the whole chain (a full verification).
    QStringList objects;
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
    // The backup's own stored objects, in volume order, for sampled
    // verification (chunked: its data objects; others: fixed-size ranges named
    // so that verifySample() understands them). Empty = no sampling possible.
    virtual QStringList verifiableObjects(const Backup&) { return {}; }
    // Reads and checks only `sample.objects` of the chain's last backup (their
    // data against its hashes). The report's problems name object and offset.
    virtual VerifyReport verifySample(const QList<Backup>& chain, const VerifySample& sample,
                                      OperationControl& control)
    {
        Q_UNUSED(sample);
        return verify(chain, control);
    }

    // Synthetic fulls and re-parenting (retention).
    virtual bool canSynthesize() const { return false; }
    // On failure or cancel the driver removes what it wrote, then throws.
    virtual void synthesize(SynthesizeJob& job)
    {
        Q_UNUSED(job);
        throw Error(QStringLiteral("%1 cannot build synthetic full backups").arg(serviceName()));
    }
    // Makes `child`'s own stored description name `newParent` as its parent
    // (chunked: the parent_id of its `_metadata`, replaced in one write). The
    // caller guarantees that both parents hold the same state, so the child
    // restores from either at every moment.
    virtual void reparent(const Backup& child, const Backup& newParent, OperationControl& control)
    {
        Q_UNUSED(child);
        Q_UNUSED(newParent);
        Q_UNUSED(control);
    }
    // True when any backup can be deleted without harming the others (Ceph:
    // every backup is a snapshot of one base image); its children then take
    // over its parent. False keeps Cinder's newest-first rule.
    virtual bool deletesInAnyOrder() const { return false; }
    // Encryption at rest (chunked engine only): where encrypted backups find
    // their master keys by fingerprint. Without it they are "key not available".
    virtual void setKeyLookup(KeyLookup keys) { Q_UNUSED(keys); }
    // Rotation: wraps `backup`'s data key again under `newKey` (the old key
    // comes from the key lookup), rewriting only its small stored
    // description (chunked: `_metadata`); data objects are not touched.
    virtual void rewrapKey(const Backup& backup, const KeySet& newKey, OperationControl& control)
    {
        Q_UNUSED(newKey);
        Q_UNUSED(control);
        throw Error(
            QStringLiteral("backup %1 is not encrypted by %2").arg(backup.id, serviceName()));
    }

    // Removes whatever a crashed or failed backup may have left behind.
    virtual void removeLeftovers(const Backup& backup) = 0;
    // Exact volume size recorded by the backup (for imported records).
    virtual std::optional<qint64> storedVolumeSize(const QList<Backup>&) { return std::nullopt; }
};

} // namespace ember
