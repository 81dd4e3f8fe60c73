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
};

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
    void backup(BackupJob& job) override;
    void restore(RestoreJob& job) override;
    void remove(const Backup& backup, OperationControl& control) override;
    VerifyReport verify(const QList<Backup>& chain, OperationControl& control) override;
    void removeLeftovers(const Backup& backup) override;
    std::optional<qint64> storedVolumeSize(const QList<Backup>& chain) override;

    ObjectStore& store() { return *m_store; }
    const ChunkedOptions& options() const { return m_options; }

private:
    std::unique_ptr<ObjectStore> m_store;
    ChunkedOptions m_options;
};

// Reads ChunkedOptions from a backend's options with Cinder's names:
// `<objectSizeKey>`, `<blockSizeKey>`, backup_compression_algorithm,
// plus ember_zlib_engine, ember_worker_threads.
ChunkedOptions chunkedOptionsFrom(const QJsonObject& options, const QString& objectSizeKey,
                                  qint64 defaultObjectSize, const QString& blockSizeKey,
                                  qint64 defaultBlockSize);

} // namespace ember
