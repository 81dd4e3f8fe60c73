// The Ceph backend and RBD volumes, as the registry and the service layer
// see them (compiled when EMBER_HAVE_CEPH is defined).
//
// A Ceph backend's options (Cinder's names, Cinder's defaults):
//   backup_ceph_conf (/etc/ceph/ceph.conf), backup_ceph_user (cinder),
//   backup_ceph_chunk_size (134217728), backup_ceph_pool (backups),
//   backup_ceph_stripe_unit (0), backup_ceph_stripe_count (0),
//   backup_ceph_image_journals (false), restore_discard_excess_bytes (true)
// plus Ember's: ember_ceph_mon_host (connect without a conf file),
//   ember_ceph_keyring (path), ember_ceph_timeout (seconds, default 60),
//   ember_ceph_threads (parallel copy workers, default 4: 8 copied 10-20% faster
//   on the test cluster, but one CI run saw three concurrent librbd writes to a
//   base image never complete, cause not found; the default stays at the count
//   tested longest), ember_bandwidth_upload / ember_bandwidth_download (limits
//   on the bytes a backup copies into the backup pool and a restore or verify
//   reads from it; drivers/bandwidth.h), ember_max_operations.
// Secret (keyring, never in options): ceph_key.
#pragma once

#include "backendregistry.h"
#include "backupdriver.h"
#include "volumedevice.h"

#include <memory>

namespace ember {

BackendType cephBackendType();
std::unique_ptr<BackupDriver> createCephDriver(const BackendConfig& config,
                                               const BackendSecrets& secrets);

struct RbdOpenOptions
{
    // For a backup: take the consistent-read snapshot backup.<backupId>.snap.<ts>
    // on the image and read from it. Unless keepRbdBackupSnapshot() is called
    // after the backup succeeded, the snapshot is removed when the device closes.
    QString backupId;
    // The incremental parent's backup id: changedSinceParent() then lists the
    // extents changed since the parent's snapshot, while the image still has it.
    QString parentBackupId;
    // The volume's other backups: once this backup is kept, their snapshots on
    // the source are removed (an incremental's parent is always the newest).
    // Snapshots of backups not named here (other tools') are left alone.
    QStringList supersededBackupIds;
    // Remove those snapshots as soon as the changes since the parent are known,
    // while the backup runs (chunked backends: should the backup fail, the
    // next incremental reads the whole volume), not after it is stored.
    bool releaseSupersededEarly = false;
    // Read-only at this existing snapshot instead (ignored with backupId).
    QString snapshot;
};

// Opens "pool/image" on the cluster described by a Ceph backend's config
// (Volume::backendName names it). Throws Error for a malformed path, a
// missing pool or image, or an unreachable cluster.
std::unique_ptr<VolumeDevice> openRbdVolume(const BackendConfig& cluster,
                                            const BackendSecrets& secrets,
                                            const QString& poolSlashImage, OpenMode mode,
                                            const RbdOpenOptions& options = {});

// After a successful backup read from an RBD device opened with a backupId:
// keep its snapshot as the base of the next incremental and remove the older
// backup.*.snap.* snapshots from the source image (only the newest is ever
// needed: chains are linear). Returns false (and does nothing) for devices
// that are not RBD. The Ceph backend does this itself.
bool keepRbdBackupSnapshot(VolumeDevice& device);

// Helpers for the volume dialogs and the CLI.
QStringList listCephPools(const BackendConfig& cluster, const BackendSecrets& secrets);
QStringList listRbdImages(const BackendConfig& cluster, const BackendSecrets& secrets,
                          const QString& pool);
// A restore target: a new image with Cinder's features, reading as zeros.
void createRbdImage(const BackendConfig& cluster, const BackendSecrets& secrets,
                    const QString& poolSlashImage, qint64 sizeBytes);
qint64 rbdImageSize(const BackendConfig& cluster, const BackendSecrets& secrets,
                    const QString& poolSlashImage);
// What the image is, whatever it is called: "rbd:FSID/POOL/NAMESPACE/IMAGE-ID".
QString rbdImageIdentity(const BackendConfig& cluster, const BackendSecrets& secrets,
                         const QString& poolSlashImage);
// Removes an image and all its snapshots; a missing image is not an error.
void removeRbdImage(const BackendConfig& cluster, const BackendSecrets& secrets,
                    const QString& poolSlashImage);

// The "Test connection" button and `ember-cli backend test`.
struct CephProbeResult
{
    bool ok = false; // connected, pool present, probe object written/read/removed
    QString fsid;
    QString health; // "HEALTH_OK", "HEALTH_WARN ...", empty when not asked
    QString pool;
    bool poolExists = false;
    QStringList steps; // what was checked, one line each, for display
    QString error;     // the first failure, in plain words
};
CephProbeResult probeCeph(const BackendConfig& config, const BackendSecrets& secrets);

} // namespace ember
