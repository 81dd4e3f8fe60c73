#include "posixstore.h"

#include "chunkeddriver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ember {

namespace {
QString systemError(int code)
{
    return QString::fromLocal8Bit(std::strerror(code));
}

void fsyncDirectory(const QString& path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}
} // namespace

PosixObjectStore::PosixObjectStore(const QString& basePath) : m_basePath(QDir::cleanPath(basePath))
{
}

QString PosixObjectStore::serviceName() const
{
    return QStringLiteral("cinder.backup.drivers.posix.PosixBackupDriver");
}

QString PosixObjectStore::objectPrefix(const Backup& backup, const QDateTime& startUtc) const
{
    return QStringLiteral("volume_%1_%2_backup_%3")
        .arg(backup.volumeId, startUtc.toUTC().toString(QStringLiteral("yyyyMMddHHmmss")),
             backup.id);
}

QString PosixObjectStore::defaultContainer(const Backup& backup) const
{
    return QStringLiteral("%1/%2/%3").arg(backup.id.left(2), backup.id.mid(2, 2), backup.id);
}

QString PosixObjectStore::containerPath(const QString& container) const
{
    if (container.contains(QLatin1String("..")))
        throw Error(QStringLiteral("container '%1' may not contain '..'").arg(container));
    return m_basePath + QLatin1Char('/') + container;
}

QString PosixObjectStore::invalidContainer(const QString& container) const
{
    try {
        containerPath(container); // the one place that knows what stays under the base
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

void PosixObjectStore::ensureContainer(const QString& container)
{
    const QString path = containerPath(container);
    if (!QDir().mkpath(path))
        throw Error(QStringLiteral("cannot create the backup directory %1").arg(path));
    // Cinder's modes: the leaf directory 0770, files 0660.
    ::chmod(QFile::encodeName(path).constData(), 0770);
}

void PosixObjectStore::put(const QString& container, const QString& name,
                           const DataProducer& producer, std::optional<qint64>)
{
    const QString path = containerPath(container) + QLatin1Char('/') + name;
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0660);
    if (fd < 0)
        throw Error(QStringLiteral("cannot create %1: %2").arg(path, systemError(errno)));
    ::fchmod(fd, 0660);
    std::vector<char> buffer(1 << 20);
    // Start writeback as we go, so the final fdatasync has little left to
    // wait for and the disk works while the next pieces are compressed.
    constexpr off_t kWritebackStep = 16 << 20;
    off_t total = 0;
    off_t writebackStart = 0;
    try {
        for (;;) {
            const size_t count = producer(buffer.data(), buffer.size());
            if (count == 0)
                break;
            total += off_t(count);
            if (total - writebackStart >= kWritebackStep) {
                ::sync_file_range(fd, writebackStart, total - writebackStart,
                                  SYNC_FILE_RANGE_WRITE);
                writebackStart = total;
            }
            size_t written = 0;
            while (written < count) {
                const ssize_t result = ::write(fd, buffer.data() + written, count - written);
                if (result < 0) {
                    if (errno == EINTR)
                        continue;
                    throw Error(
                        QStringLiteral("cannot write %1: %2").arg(path, systemError(errno)));
                }
                written += size_t(result);
            }
        }
        if (::fdatasync(fd) != 0)
            throw Error(QStringLiteral("cannot flush %1: %2").arg(path, systemError(errno)));
    } catch (...) {
        ::close(fd);
        ::unlink(native.constData());
        throw;
    }
    ::close(fd);
}

void PosixObjectStore::get(const QString& container, const QString& name,
                           const DataConsumer& consumer)
{
    const QString path = containerPath(container) + QLatin1Char('/') + name;
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int code = errno;
        if (code == ENOENT)
            throw ObjectMissing(
                QStringLiteral("object %1 is missing from %2").arg(name, containerPath(container)));
        throw Error(QStringLiteral("cannot open %1: %2").arg(path, systemError(code)));
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    std::vector<char> buffer(1 << 20);
    try {
        for (;;) {
            const ssize_t count = ::read(fd, buffer.data(), buffer.size());
            if (count < 0) {
                if (errno == EINTR)
                    continue;
                throw Error(QStringLiteral("cannot read %1: %2").arg(path, systemError(errno)));
            }
            if (count == 0)
                break;
            consumer(buffer.data(), size_t(count));
        }
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
}

QStringList PosixObjectStore::list(const QString& container, const QString& prefix)
{
    const QDir directory(containerPath(container));
    QStringList names;
    if (!directory.exists())
        return names;
    const QStringList entries = directory.entryList(QDir::Files | QDir::Hidden, QDir::Name);
    for (const QString& entry : entries)
        if (entry.startsWith(prefix))
            names.append(entry);
    return names;
}

void PosixObjectStore::remove(const QString& container, const QString& name)
{
    const QString directory = containerPath(container);
    const QString path = directory + QLatin1Char('/') + name;
    if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT)
        throw Error(QStringLiteral("cannot delete %1: %2").arg(path, systemError(errno)));
    fsyncDirectory(directory);
}

std::unique_ptr<BackupDriver> createPosixDriver(const BackendConfig& config)
{
    const QString base = config.options.value(QStringLiteral("backup_posix_path")).toString();
    if (base.isEmpty())
        throw Error(QStringLiteral("backend %1 has no backup_posix_path").arg(config.name));
    ChunkedOptions options =
        chunkedOptionsFrom(config.options, QStringLiteral("backup_file_size"), 1999994880,
                           QStringLiteral("backup_sha_block_size_bytes"), 32768);
    return std::make_unique<ChunkedBackupDriver>(std::make_unique<PosixObjectStore>(base), options);
}

} // namespace ember
