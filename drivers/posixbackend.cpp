#include "posixbackend.h"

#include "engineoptions.h"
#include "posixstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>

namespace ember {

namespace {

const QString kPathKey = QStringLiteral("backup_posix_path");
const QString kFileSizeKey = QStringLiteral("backup_file_size");
const QString kBlockSizeKey = QStringLiteral("backup_sha_block_size_bytes");
constexpr qint64 kDefaultFileSize = 1999994880; // Cinder's backup_file_size
constexpr qint64 kDefaultBlockSize = 32768;     // Cinder's backup_sha_block_size_bytes

QList<OptionSpec> posixOptions()
{
    using Kind = OptionSpec::Kind;
    OptionSpec path = makeOptionSpec(
        kPathKey, Kind::Path, QJsonValue(), QStringLiteral("Directory"),
        QStringLiteral("The directory that holds the backups (created on first use); a mounted "
                       "share works too."));
    path.required = true;
    path.location = true;

    OptionSpec fileSize = makeOptionSpec(
        kFileSizeKey, Kind::Integer, double(kDefaultFileSize), QStringLiteral("Object size"),
        QStringLiteral("The largest file a backup is split into, in bytes; a multiple of the "
                       "SHA block size."));
    fileSize.minimum = 1;
    fileSize.check = multipleOfBlockSizeCheck(kFileSizeKey, kBlockSizeKey, kDefaultBlockSize);

    OptionSpec blockSize = makeOptionSpec(
        kBlockSizeKey, Kind::Integer, double(kDefaultBlockSize), QStringLiteral("SHA block size"),
        QStringLiteral("The size in bytes whose changes incremental backups track."));
    blockSize.minimum = 1;
    blockSize.advanced = true;

    return QList<OptionSpec>{path, fileSize, blockSize} + chunkedEngineOptionSpecs() +
           encryptionOptionSpecs();
}

// Existence, free space and write permission of a local backup directory.
ConnectionReport probePosix(const BackendConfig& config, const BackendSecrets&)
{
    ConnectionReport report;
    const QString path = config.options.value(kPathKey).toString();
    report.facts.append(QStringLiteral("directory: %1").arg(path));
    const bool exists = !path.isEmpty() && QDir(path).exists();
    // The nearest existing ancestor: a missing directory is created on first use.
    QString existing = path;
    while (!existing.isEmpty() && !QDir(existing).exists())
        existing = QFileInfo(existing).absolutePath() == existing
                       ? QString()
                       : QFileInfo(existing).absolutePath();
    report.checks.append(
        {QStringLiteral("directory"), exists || !existing.isEmpty(),
         exists           ? QStringLiteral("%1 exists").arg(path)
         : path.isEmpty() ? QStringLiteral("no backup_posix_path is set")
                          : QStringLiteral("%1 does not exist yet; it will be created inside %2")
                                .arg(path, existing)});
    const QStorageInfo storage(existing.isEmpty() ? QStringLiteral("/") : existing);
    const qint64 freeBytes = storage.bytesAvailable();
    const bool enoughSpace = freeBytes > (qint64(1) << 30);
    report.checks.append(
        {QStringLiteral("free space"), enoughSpace,
         QStringLiteral("%1 GiB free on %2%3")
             .arg(double(freeBytes) / (1 << 30), 0, 'f', 1)
             .arg(storage.rootPath(),
                  enoughSpace ? QString() : QStringLiteral(" (less than 1 GiB)"))});
    const QString probe = (exists ? path : existing) + QStringLiteral("/.ember-write-test");
    QFile file(probe);
    const bool writable =
        !existing.isEmpty() && file.open(QIODevice::WriteOnly) && file.write("ok", 2) == 2;
    file.close();
    QFile::remove(probe);
    report.checks.append(
        {QStringLiteral("write permission"), writable,
         writable ? QStringLiteral("can write in %1").arg(exists ? path : existing)
                  : QStringLiteral("cannot write in %1").arg(exists ? path : existing)});
    return report;
}

} // namespace

BackendType posixBackendType()
{
    BackendType type;
    type.type = QStringLiteral("posix");
    type.displayName = QStringLiteral("Local directory");
    type.description = QStringLiteral("Backups in a local directory or a mounted share, in the "
                                      "format of Cinder's posix backup driver.");
    type.options = posixOptions();
    type.capabilities.chunked = true;
    type.objectSizeKey = kFileSizeKey;
    type.blockSizeKey = kBlockSizeKey;
    type.create = [](const BackendConfig& config, const BackendSecrets&) {
        return createPosixDriver(config);
    };
    type.probe = probePosix;
    return type;
}

} // namespace ember
