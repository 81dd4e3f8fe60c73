// Cinder's posix backup layout (reference §2.10): one directory per backup
// under backup_posix_path (<id[0:2]>/<id[2:4]>/<id> unless a container is
// named), leaf directory mode 0770, files 0660.
#pragma once

#include "backupdriver.h"
#include "objectstore.h"

namespace ember {

class PosixObjectStore : public ObjectStore
{
public:
    explicit PosixObjectStore(const QString& basePath);

    QString serviceName() const override;
    QString objectPrefix(const Backup& backup, const QDateTime& startUtc) const override;
    QString defaultContainer(const Backup& backup) const override;
    QString invalidContainer(const QString& container) const override;
    QString invalidObjectPrefix(const QString& prefix) const override;
    void ensureContainer(const QString& container) override;
    void put(const QString& container, const QString& name, const DataProducer& producer,
             std::optional<qint64> length) override;
    void get(const QString& container, const QString& name, const DataConsumer& consumer) override;
    QStringList list(const QString& container, const QString& prefix) override;
    void remove(const QString& container, const QString& name) override;
    int parallelTransfers() const override { return 2; }

    QString basePath() const { return m_basePath; }
    // Throws Error unless `container` is a relative path of plain components
    // that stays under the base path.
    QString containerPath(const QString& container) const;
    // Throws Error unless `name` is one plain file name.
    QString objectPath(const QString& container, const QString& name) const;

private:
    QString m_basePath;
};

// backup_posix_path, backup_file_size (1999994880), backup_sha_block_size_bytes
// (32768), backup_compression_algorithm (zlib).
std::unique_ptr<BackupDriver> createPosixDriver(const BackendConfig& config);

} // namespace ember
