#include "posixstore.h"

#include "chunkeddriver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
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

PosixObjectStore::PosixObjectStore(const QString& basePath)
    : m_basePath(QDir::cleanPath(QFileInfo(basePath).absoluteFilePath()))
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
    // Containers come from the user and from imported records: only a
    // relative path of plain components may name one, and it must stay under
    // the base after normalisation.
    auto refuse = [&](const QString& why) {
        return Error(QStringLiteral("container '%1' is not a path under %2: %3")
                         .arg(container, m_basePath, why));
    };
    if (container.isEmpty())
        throw refuse(QStringLiteral("it is empty"));
    if (container.contains(QChar(0)))
        throw refuse(QStringLiteral("it contains a NUL character"));
    if (container.startsWith(QLatin1Char('/')))
        throw refuse(QStringLiteral("it is an absolute path"));
    for (const QString& component : container.split(QLatin1Char('/'))) {
        if (component.isEmpty())
            throw refuse(QStringLiteral("it has an empty path component"));
        if (component == QLatin1String(".") || component == QLatin1String(".."))
            throw refuse(QStringLiteral("it has a '%1' component").arg(component));
    }
    const QString base =
        m_basePath.endsWith(QLatin1Char('/')) ? m_basePath : m_basePath + QLatin1Char('/');
    const QString path = base + container;
    if (QDir::cleanPath(path) != path || !path.startsWith(base))
        throw refuse(QStringLiteral("it does not stay under the base after normalisation"));
    // A symbolic link planted inside the base must not lead out of it either.
    // The deepest part of it that exists decides (the rest is made by mkdir).
    QString existing = path;
    while (existing.size() >= base.size() && !QFileInfo::exists(existing))
        existing = existing.section(QLatin1Char('/'), 0, -2);
    if (existing.size() >= base.size()) {
        const QString realBase = QFileInfo(m_basePath).canonicalFilePath();
        const QString real = QFileInfo(existing).canonicalFilePath();
        if (!real.startsWith(realBase + QLatin1Char('/')))
            throw refuse(
                QStringLiteral("a symbolic link takes it to %1, outside the base").arg(real));
    }
    return path;
}

QString PosixObjectStore::objectPath(const QString& container, const QString& name) const
{
    // Object names come from backends and records too: one plain file name.
    if (name.isEmpty() || name.contains(QLatin1Char('/')) || name.contains(QChar(0)) ||
        name == QLatin1String(".") || name == QLatin1String(".."))
        throw Error(QStringLiteral("object name '%1' is not a plain file name (no '/', not '.' "
                                   "or '..', not empty)")
                        .arg(name));
    return containerPath(container) + QLatin1Char('/') + name;
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

QString PosixObjectStore::invalidObjectPrefix(const QString& prefix) const
{
    // Objects are files of the container directory: the prefix is part of one file name.
    try {
        objectPath(QStringLiteral("x"), prefix);
    } catch (const Error&) {
        return QStringLiteral("object prefix '%1' is not a plain file name (no '/', not '.' or "
                              "'..', not empty)")
            .arg(prefix);
    }
    return {};
}

void PosixObjectStore::ensureContainer(const QString& container)
{
    const QString path = containerPath(container);
    // One mkdir per component, so the error says why (read-only file system,
    // permission denied, no space, a file in the way) and where.
    QString at;
    for (const QString& component : path.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        at += QLatin1Char('/') + component;
        const QByteArray native = QFile::encodeName(at);
        if (::mkdir(native.constData(), 0777) == 0)
            continue;
        const int code = errno;
        struct stat info
        {
        };
        if (code == EEXIST && ::stat(native.constData(), &info) == 0 && S_ISDIR(info.st_mode))
            continue;
        if (code == EEXIST)
            throw Error(QStringLiteral("cannot create the backup directory %1: %2 exists and is "
                                       "not a directory")
                            .arg(path, at));
        throw Error(QStringLiteral("cannot create the backup directory %1: %2%3")
                        .arg(path, systemError(code),
                             at == path ? QString() : QStringLiteral(" (creating %1)").arg(at)));
    }
    // Cinder's modes: the leaf directory 0770, files 0660.
    ::chmod(QFile::encodeName(path).constData(), 0770);
}

void PosixObjectStore::put(const QString& container, const QString& name,
                           const DataProducer& producer, std::optional<qint64>)
{
    const QString path = objectPath(container, name);
    // An object planted as a symbolic link is not written through.
    struct stat existing
    {
    };
    const bool exists = ::lstat(QFile::encodeName(path).constData(), &existing) == 0;
    if (exists && S_ISLNK(existing.st_mode))
        throw Error(QStringLiteral("cannot create %1: it is a symbolic link, which is not followed")
                        .arg(path));
    // An object that is replaced (a `_metadata` rewritten with a new parent)
    // is written under a temporary name and renamed over the old one, so a
    // reader or a crash sees the old object or the new one whole, never a mix;
    // the leading dot keeps it out of every prefix listing. A new object is
    // written in place: a crash leaves it under its own name, where removing
    // the backup's leftovers finds it.
    static std::atomic<quint64> temporaryCounter{0};
    const QString written = exists ? objectPath(container, QStringLiteral(".%1.%2-%3.tmp")
                                                               .arg(name)
                                                               .arg(::getpid())
                                                               .arg(temporaryCounter.fetch_add(1)))
                                   : path;
    const QByteArray native = QFile::encodeName(written);
    // O_NOFOLLOW: a symbolic link planted meanwhile is not written through.
    const int fd =
        ::open(native.constData(),
               O_WRONLY | O_CREAT | (exists ? O_EXCL : O_TRUNC) | O_CLOEXEC | O_NOFOLLOW, 0660);
    if (fd < 0) {
        const int code = errno;
        throw Error(QStringLiteral("cannot create %1: %2")
                        .arg(written, code == ELOOP ? QStringLiteral("it is a symbolic link, which "
                                                                     "is not followed")
                                                    : systemError(code)));
    }
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
        if (exists) {
            if (::rename(native.constData(), QFile::encodeName(path).constData()) != 0)
                throw Error(QStringLiteral("cannot store %1: %2").arg(path, systemError(errno)));
            fsyncDirectory(containerPath(container)); // the rename itself survives a crash
        }
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
    const QString path = objectPath(container, name);
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        const int code = errno;
        if (code == ENOENT)
            throw ObjectMissing(
                QStringLiteral("object %1 is missing from %2").arg(name, containerPath(container)));
        if (code == ELOOP)
            throw Error(QStringLiteral("object %1 is a symbolic link; links in the backup "
                                       "directory are not followed")
                            .arg(path));
        throw Error(QStringLiteral("cannot open %1: %2").arg(path, systemError(code)));
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    // One buffer per reading thread, kept: a restore reads thousands of
    // small objects, and a fresh 1 MiB buffer each time cost a zero fill and
    // page faults per object.
    // A consumer that reads another object on this thread gets its own.
    constexpr size_t kReadBytes = size_t(1) << 20;
    thread_local std::unique_ptr<char[]> threadBuffer;
    thread_local bool threadBufferInUse = false;
    std::unique_ptr<char[]> ownBuffer;
    char* buffer = nullptr;
    if (threadBufferInUse) {
        ownBuffer.reset(new char[kReadBytes]);
        buffer = ownBuffer.get();
    } else {
        if (!threadBuffer)
            threadBuffer.reset(new char[kReadBytes]);
        buffer = threadBuffer.get();
        threadBufferInUse = true;
    }
    struct Release
    {
        bool owned;
        ~Release()
        {
            if (owned)
                threadBufferInUse = false;
        }
    } release{!ownBuffer};
    try {
        for (;;) {
            const ssize_t count = ::read(fd, buffer, kReadBytes);
            if (count < 0) {
                if (errno == EINTR)
                    continue;
                throw Error(QStringLiteral("cannot read %1: %2").arg(path, systemError(errno)));
            }
            if (count == 0)
                break;
            consumer(buffer, size_t(count));
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
    const QString path = objectPath(container, name);
    if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT)
        throw Error(QStringLiteral("cannot delete %1: %2").arg(path, systemError(errno)));
    fsyncDirectory(directory);
}

std::unique_ptr<BackupDriver> createPosixDriver(const BackendConfig& config)
{
    const QString base = config.options.value(QStringLiteral("backup_posix_path")).toString();
    if (base.isEmpty())
        throw Error(QStringLiteral("backend %1 has no backup_posix_path").arg(config.name));
    return std::make_unique<ChunkedBackupDriver>(
        std::make_unique<PosixObjectStore>(base),
        chunkedOptionsFrom(config, QStringLiteral("backup_file_size"), 1999994880,
                           QStringLiteral("backup_sha_block_size_bytes"), 32768));
}

} // namespace ember
