// Cinder's chunked backup format (reference §2) over any ObjectStore, with a
// pipelined engine: reading, hashing, compressing and writing overlap on all
// cores, several objects in flight, memory bounded by the options alone.
#pragma once

#include "backupdriver.h"
#include "objectstore.h"

#include <memory>

namespace ember {

struct ChunkedOptions
{
    qint64 objectSize = 52428800; // backup_file_size / backup_swift_object_size
    qint64 shaBlockSize = 32768;  // backup_sha_block_size_bytes / backup_swift_block_size
    QString compression = QStringLiteral("zlib"); // backup_compression_algorithm, as configured
    // How zlib-format streams are written: "isal" (ISA-L igzip, fast) or
    // "zlib" (the zlib library at Cinder's level 6). Both are read by zlib.
    QString zlibEngine = QStringLiteral("isal");
    int workerThreads = 0;      // 0 = QThread::idealThreadCount()
    qint64 pieceSize = 1 << 20; // unit of parallel work; a multiple of shaBlockSize
    int objectsInFlight = 0;    // 0 = store.parallelTransfers()
    // Encryption at rest: with backup_ember_encryption = aes-256-gcm, the
    // fingerprint (ember_encryption_key) of the key set new backups are
    // sealed under (crypto/sealing.h). Empty = new backups are stored in the
    // clear. Backups already encrypted are read whatever this says, with the
    // key the driver's key lookup finds.
    QString encryptionKey;
    // ember_restore_md5: "check" (default) checks each object's MD5 on restore
    // and verify, as Cinder does; "skip" leaves it out where it is the
    // bottleneck (one thread per object). The block check against the
    // newest `_sha256file` (and zlib's Adler-32, an encrypted object's tag)
    // is never skipped.
    bool checkObjectMd5 = true;
    // ember_bandwidth_upload / ember_bandwidth_download (drivers/bandwidth.h):
    // rate rules, optionally in time windows; empty = unlimited.
    QString uploadLimit;
    QString downloadLimit;
    // The backend's name: transfers of one backend share its limits within a
    // process. Empty = the limits are the driver's own.
    QString backendName;
};

struct DiscoveredBackup;

class ChunkedBackupDriver : public BackupDriver
{
public:
    ChunkedBackupDriver(std::unique_ptr<ObjectStore> store, ChunkedOptions options);
    ~ChunkedBackupDriver() override;

    QString serviceName() const override;
    QString invalidContainer(const QString& container) const override
    {
        return m_store->invalidContainer(container);
    }
    // Why `backup` cannot live in this store (empty = it can): its container
    // or its object prefix (service_metadata) could leave the store's root.
    QString invalidLocation(const Backup& backup) const;
    // Why the backup's own `_metadata` contradicts the record (another
    // backup's id, volume or parent; empty = it agrees). Throws Error when
    // the file is missing or malformed.
    QString recordMismatch(const Backup& backup);
    void backup(BackupJob& job) override;
    void restore(RestoreJob& job) override;
    void remove(const Backup& backup, OperationControl& control) override;
    VerifyReport verify(const QList<Backup>& chain, OperationControl& control) override;
    // Its data objects, from its `_metadata`, in volume order.
    QStringList verifiableObjects(const Backup& backup) override;
    // Reads the sampled objects of chain.last() only: MD5 and SHA-256 blocks.
    VerifyReport verifySample(const QList<Backup>& chain, const VerifySample& sample,
                              OperationControl& control) override;
    void removeLeftovers(const Backup& backup) override;
    void setKeyLookup(KeyLookup keys) override { m_keys = std::move(keys); }
    void rewrapKey(const Backup& backup, const KeySet& newKey, OperationControl& control) override;
    std::optional<qint64> storedVolumeSize(const QList<Backup>& chain) override;
    // Synthetic fulls and re-parenting (chunkedsynthesize.cpp).
    bool canSynthesize() const override;
    void synthesize(SynthesizeJob& job) override;
    void reparent(const Backup& child, const Backup& newParent, OperationControl& control) override;

    // backend-rescan: every `<prefix>_metadata` object in `containers`, or
    // in every container when none are named (the posix store walks its
    // base directory; other stores need them named). Every byte read is
    // untrusted; what is wrong with a find is in its `problem`.
    QList<DiscoveredBackup> discoverBackups(const QStringList& containers,
                                            OperationControl& control);

    ObjectStore& store() { return *m_store; }
    const ChunkedOptions& options() const { return m_options; }

private:
    std::unique_ptr<ObjectStore> m_store;
    ChunkedOptions m_options;
    KeyLookup m_keys;
};

// A backup backend-rescan found: one `<prefix>_metadata` in a container.
struct DiscoveredBackup
{
    QString container;
    QString prefix;  // becomes service_metadata
    QString problem; // why it cannot be added; empty when its own files check out
    // The row it describes: id, volume_id, parent_id, name, description,
    // created_at, container, service_metadata, service, object_count.
    Backup backup;
    qint64 fullVolumeSize = 0; // a full backup: the size its objects cover
    qint64 objectsEnd = 0;     // where its last object ends
    qint64 shaBlockSize = 0;
    qint64 shaBlockCount = 0;
};

// Reads ChunkedOptions from a backend's options with Cinder's names:
// `<objectSizeKey>`, `<blockSizeKey>`, backup_compression_algorithm,
// plus ember_zlib_engine, ember_worker_threads, ember_objects_in_flight,
// ember_restore_md5, ember_bandwidth_upload/_download, backup_ember_encryption
// and ember_encryption_key.
ChunkedOptions chunkedOptionsFrom(const QJsonObject& options, const QString& objectSizeKey,
                                  qint64 defaultObjectSize, const QString& blockSizeKey,
                                  qint64 defaultBlockSize);
// The same for backend `config`, with its name as ChunkedOptions::backendName,
// so its transfers share the backend's bandwidth limits: what every chunked
// backend's factory calls.
ChunkedOptions chunkedOptionsFrom(const BackendConfig& config, const QString& objectSizeKey,
                                  qint64 defaultObjectSize, const QString& blockSizeKey,
                                  qint64 defaultBlockSize);

} // namespace ember
