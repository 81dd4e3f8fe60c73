// Cinder's Ceph backup driver (reference §3) over librbd: base images
// volume-<vol>.backup.<id> in the backup pool, one snapshot per backup,
// incrementals as the extents changed between two source snapshots,
// backup.<id>.meta beside them.
#pragma once

#include "backupdriver.h"
#include "bandwidth.h"
#include "cephcluster.h"

#include <QJsonValue>
#include <mutex>

namespace ember::ceph {

struct CephOptions
{
    ConnectionOptions connection;
    qint64 chunkSize = 134217728;             // backup_ceph_chunk_size
    QString pool = QStringLiteral("backups"); // backup_ceph_pool
    quint64 stripeUnit = 0;                   // backup_ceph_stripe_unit
    quint64 stripeCount = 0;                  // backup_ceph_stripe_count
    bool imageJournals = false;               // backup_ceph_image_journals
    bool discardExcessBytes = true;           // restore_discard_excess_bytes
    int threads = 4;                          // ember_ceph_threads
    // ember_bandwidth_upload / _download (drivers/bandwidth.h): the bytes
    // copied into the backup pool by backups, and read from it by restores and
    // verify; shared with the backend's other jobs in the process by name.
    QString backendName;
    QString uploadLimit;
    QString downloadLimit;

    // Throws Error for values that make no sense (negative sizes, ...).
    static CephOptions from(const BackendConfig& config, const BackendSecrets& secrets);
    // The copy piece: the chunk size, capped so memory stays small.
    qint64 pieceSize() const;
    // The restore's piece: larger, so that each worker keeps several 4 MiB aio
    // requests in flight (threads x this bytes of memory).
    qint64 restorePieceSize() const;
    // The backend's token buckets (null members = unlimited), looked up per
    // operation so that a changed limit applies to the next one.
    BandwidthBuckets bandwidthBuckets() const;
};

class CephBackupDriver : public BackupDriver
{
public:
    explicit CephBackupDriver(CephOptions options);

    QString serviceName() const override;
    bool supportsIncremental(const Volume& volume) const override;
    bool supportsForceDelete() const override { return false; }
    // export-diff/import-diff carry size changes between snapshots.
    bool incrementalNeedsSameSize() const override { return false; }
    // Every backup is a snapshot of one base image holding a complete state:
    // removing one (the full or a middle one included) leaves the others whole.
    bool deletesInAnyOrder() const override { return true; }

    void backup(BackupJob& job) override;
    void restore(RestoreJob& job) override;
    void remove(const Backup& backup, OperationControl& control) override;
    VerifyReport verify(const QList<Backup>& chain, OperationControl& control) override;
    // Fixed ranges of the backup's snapshot ("range-<offset>-<length>"); a
    // sample reads the allocated bytes of its ranges as verify() reads all.
    QStringList verifiableObjects(const Backup& backup) override;
    VerifyReport verifySample(const QList<Backup>& chain, const VerifySample& sample,
                              OperationControl& control) override;
    void removeLeftovers(const Backup& backup) override;
    std::optional<qint64> storedVolumeSize(const QList<Backup>& chain) override;

    std::shared_ptr<Cluster> cluster();
    const CephOptions& options() const { return m_options; }

    // Where a backup's data is: its base image and its snapshot there (empty
    // snapshot = the image itself, a full copy of a non-RBD volume).
    struct Location
    {
        QString image;
        QString snapshot;
    };
    Location locate(const std::shared_ptr<IoContext>& io, const Backup& backup);

private:
    QString poolOf(const Backup& backup) const;

    CephOptions m_options;
    std::mutex m_mutex;
    std::shared_ptr<Cluster> m_cluster;
};

// {"base": "<name>"} as Python's json.dumps writes it, and back.
QString serviceMetadataForBase(const QString& base);
QString baseFromServiceMetadata(const QString& serviceMetadata);
// The base image a backup's service_metadata names, checked to be one of its
// volume's backup base images; empty when none is recorded. Throws otherwise.
QString recordedBaseOf(const Backup& backup);

} // namespace ember::ceph
