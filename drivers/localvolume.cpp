// Raw image files and block devices.
#include "volumedevice.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <mutex>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace ember {

namespace {

QString systemError(int code)
{
    return QString::fromLocal8Bit(std::strerror(code));
}

qint64 sizeOfDescriptor(int fd, const QString& path)
{
    struct stat info
    {
    };
    if (fstat(fd, &info) != 0)
        throw Error(QStringLiteral("cannot stat %1: %2").arg(path, systemError(errno)));
    if (S_ISBLK(info.st_mode)) {
        quint64 bytes = 0;
        if (ioctl(fd, BLKGETSIZE64, &bytes) != 0)
            throw Error(
                QStringLiteral("cannot read the size of %1: %2").arg(path, systemError(errno)));
        return qint64(bytes);
    }
    if (!S_ISREG(info.st_mode))
        throw Error(QStringLiteral("%1 is neither a regular file nor a block device").arg(path));
    return info.st_size;
}

QString fileTypeName(mode_t mode)
{
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO (named pipe)");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    if (S_ISDIR(mode))
        return QStringLiteral("a directory");
    if (S_ISCHR(mode))
        return QStringLiteral("a character device");
    return QStringLiteral("not a regular file");
}

// Only regular files and block devices are volumes; a FIFO would block an
// open() forever, so the type is checked before anything opens the path.
void requireVolumeType(const struct stat& info, const QString& path)
{
    if (!S_ISREG(info.st_mode) && !S_ISBLK(info.st_mode))
        throw Error(QStringLiteral("%1 is %2, not a volume: only image files and block devices "
                                   "can be volumes")
                        .arg(path, fileTypeName(info.st_mode)));
}

struct stat statVolumePath(const QString& path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0) {
        const int code = errno;
        if (code == ENOENT)
            throw Error(QStringLiteral("%1 does not exist").arg(path));
        throw Error(QStringLiteral("cannot examine %1: %2").arg(path, systemError(code)));
    }
    requireVolumeType(info, path);
    return info;
}

// Opens a file or block device after checking its type; O_NONBLOCK covers a
// path swapped for a FIFO between the check and the open, and the opened
// file must be the one checked. `opened` receives its fstat.
int openVolumeFile(const QString& path, int access, struct stat* opened)
{
    const struct stat checked = statVolumePath(path);
    const int fd = ::open(QFile::encodeName(path).constData(), access | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        const int code = errno;
        if (code == ENOENT)
            throw Error(QStringLiteral("volume %1 does not exist").arg(path));
        throw Error(QStringLiteral("cannot open volume %1: %2").arg(path, systemError(code)));
    }
    if (::fstat(fd, opened) != 0 || opened->st_dev != checked.st_dev ||
        opened->st_ino != checked.st_ino) {
        ::close(fd);
        throw Error(QStringLiteral("%1 changed while it was being opened; try again").arg(path));
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

class LocalVolume : public VolumeDevice
{
public:
    LocalVolume(const QString& path, OpenMode mode) : m_path(path)
    {
        m_fd = openVolumeFile(path, mode == OpenMode::Read ? O_RDONLY : O_RDWR, &m_opened);
        m_isBlockDevice = S_ISBLK(m_opened.st_mode);
        try {
            m_size = sizeOfDescriptor(m_fd, path);
        } catch (...) {
            ::close(m_fd);
            throw;
        }
        // Reads go front to back; let the kernel read ahead generously.
        posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    ~LocalVolume() override
    {
        if (m_directFd >= 0)
            ::close(m_directFd);
        if (m_fd >= 0)
            ::close(m_fd);
    }

    qint64 size() const override { return m_size; }

    qint64 readAt(qint64 offset, char* buffer, qint64 length) override
    {
        qint64 done = 0;
        length = std::min(length, m_size - offset);
        while (done < length) {
            const ssize_t count =
                ::pread(m_fd, buffer + done, size_t(length - done), offset + done);
            if (count < 0) {
                if (errno == EINTR)
                    continue;
                throw Error(QStringLiteral("read error on %1 at offset %2: %3")
                                .arg(m_path)
                                .arg(offset + done)
                                .arg(systemError(errno)));
            }
            if (count == 0)
                throw shrunkError(offset + done);
            done += count;
        }
        return done;
    }

    void writeAt(qint64 offset, const char* data, qint64 length) override
    {
        if (!writeDirect(offset, data, length))
            writeBuffered(offset, data, length);
    }

    std::vector<Extent> dataExtents(qint64 offset, qint64 length) override
    {
        const qint64 end = std::min(offset + length, m_size);
        if (m_isBlockDevice || !m_seekDataWorks)
            return {{offset, end - offset}};
        std::vector<Extent> extents;
        qint64 position = offset;
        while (position < end) {
            const off_t data = ::lseek(m_fd, position, SEEK_DATA);
            if (data < 0) {
                if (errno == ENXIO) { // no data after position: a hole, or the end
                    if (currentSize() < end)
                        throw shrunkError(currentSize());
                    break;
                }
                m_seekDataWorks = false;
                return {{offset, end - offset}};
            }
            if (data >= end)
                break;
            off_t hole = ::lseek(m_fd, data, SEEK_HOLE);
            if (hole < 0)
                hole = end;
            extents.push_back({data, std::min<qint64>(hole, end) - data});
            position = hole;
        }
        return extents;
    }

    void zeroRange(qint64 offset, qint64 length) override
    {
        if (!m_isBlockDevice &&
            ::fallocate(m_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) == 0)
            return;
        if (m_isBlockDevice) {
            quint64 range[2] = {quint64(offset), quint64(length)};
            if (ioctl(m_fd, BLKZEROOUT, range) == 0)
                return;
        }
        static const std::vector<char> zeros(1 << 20, 0);
        for (qint64 done = 0; done < length;) {
            const qint64 count = std::min<qint64>(qint64(zeros.size()), length - done);
            writeAt(offset + done, zeros.data(), count);
            done += count;
        }
    }

    void flush() override
    {
        if (::fsync(m_fd) != 0) {
            const int code = errno;
            throw VolumeWriteError(
                QStringLiteral("cannot flush %1: %2").arg(m_path, systemError(code)), code);
        }
    }

    QString describe() const override { return m_path; }

    void checkUnchanged() const override
    {
        const qint64 now = currentSize();
        if (now != m_size)
            throw Error(QStringLiteral("volume %1 changed size from %2 to %3 bytes while it was "
                                       "being read")
                            .arg(m_path)
                            .arg(m_size)
                            .arg(now));
        struct stat named
        {
        };
        if (::stat(QFile::encodeName(m_path).constData(), &named) != 0)
            throw Error(QStringLiteral("volume %1 was removed while it was being read: %2")
                            .arg(m_path, systemError(errno)));
        const bool same = m_isBlockDevice
                              ? named.st_rdev == m_opened.st_rdev
                              : named.st_dev == m_opened.st_dev && named.st_ino == m_opened.st_ino;
        if (!same)
            throw Error(
                QStringLiteral("volume %1 was replaced by another file while it was being read")
                    .arg(m_path));
    }

    void markKnownZero() { m_knownZero = true; }
    bool knownZero() const override { return m_knownZero; }

private:
    VolumeWriteError writeError(qint64 offset, int code) const
    {
        return VolumeWriteError(QStringLiteral("write error on %1 at offset %2: %3")
                                    .arg(m_path)
                                    .arg(offset)
                                    .arg(systemError(code)),
                                code);
    }

    void writeBuffered(qint64 offset, const char* data, qint64 length)
    {
        qint64 done = 0;
        while (done < length) {
            const ssize_t count = ::pwrite(m_fd, data + done, size_t(length - done), offset + done);
            if (count < 0) {
                const int code = errno;
                if (code == EINTR)
                    continue;
                throw writeError(offset + done, code);
            }
            done += count;
        }
        // Start writeback every so often (restores write gigabytes; the final
        // fsync then finds little left to do).
        if (m_unflushedBytes.fetch_add(length) + length >= kWritebackStep) {
            m_unflushedBytes = 0;
            ::sync_file_range(m_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
        }
    }

    // Aligned writes (a restore's runs of whole blocks from aligned buffers)
    // bypass the page cache: the data goes to the device once, without a
    // copy into the cache that the final fsync then writes back, and the
    // cache is not filled with a volume nobody reads. False when the write
    // is not aligned or the file system refuses O_DIRECT (tmpfs): the caller
    // writes through the cache.
    bool writeDirect(qint64 offset, const char* data, qint64 length)
    {
        constexpr quintptr kAlignment = 4096;
        if (m_directState == DirectState::Refused || length <= 0 ||
            (quintptr(data) | quintptr(offset) | quintptr(length)) % kAlignment != 0)
            return false;
        {
            std::lock_guard lock(m_directMutex);
            if (m_directState == DirectState::Untried) {
                // Through the open descriptor, so it is the same file.
                const QByteArray self = "/proc/self/fd/" + QByteArray::number(m_fd);
                m_directFd = ::open(self.constData(), O_WRONLY | O_DIRECT | O_CLOEXEC);
                m_directState = m_directFd >= 0 ? DirectState::Open : DirectState::Refused;
            }
        }
        if (m_directState != DirectState::Open)
            return false;
        qint64 done = 0;
        while (done < length) {
            const ssize_t count =
                ::pwrite(m_directFd, data + done, size_t(length - done), offset + done);
            if (count < 0) {
                const int code = errno;
                if (code == EINTR)
                    continue;
                if (code == EINVAL && done == 0) {
                    // An alignment the device wants stricter than 4 KiB.
                    m_directState = DirectState::Refused;
                    return false;
                }
                throw writeError(offset + done, code);
            }
            done += count;
            if (count % qint64(kAlignment) != 0 && done < length) {
                // A short, unaligned direct write: the rest goes through the cache.
                const qint64 rest = length - done;
                writeBuffered(offset + done, data + done, rest);
                return true;
            }
        }
        return true;
    }

    // The size now, through the open descriptor (a path may name another file).
    qint64 currentSize() const { return sizeOfDescriptor(m_fd, m_path); }

    // Reading stopped before the size the volume had when it was opened: it
    // shrank, and what is missing must not be stored as zeros.
    Error shrunkError(qint64 offset) const
    {
        return Error(QStringLiteral("volume %1 ended at offset %2 while being read, short of the "
                                    "%3 bytes it had when the job started: it was truncated "
                                    "meanwhile")
                         .arg(m_path)
                         .arg(offset)
                         .arg(m_size));
    }

    QString m_path;
    struct stat m_opened
    {
    };
    int m_fd = -1;
    qint64 m_size = 0;
    bool m_isBlockDevice = false;
    bool m_seekDataWorks = true;
    bool m_knownZero = false;
    static constexpr qint64 kWritebackStep = 32 << 20;
    std::atomic<qint64> m_unflushedBytes{0};
    enum class DirectState
    {
        Untried,
        Open,
        Refused
    };
    std::mutex m_directMutex;
    std::atomic<DirectState> m_directState{DirectState::Untried};
    int m_directFd = -1; // the same file opened O_DIRECT, once an aligned write came
};

} // namespace

std::unique_ptr<VolumeDevice> openLocalVolume(const QString& path, OpenMode mode)
{
    auto volume = std::make_unique<LocalVolume>(path, mode);
    // A file with no data extents at all reads as zeros: a fresh sparse image.
    if (mode == OpenMode::ReadWrite && !isBlockDevice(path) &&
        volume->dataExtents(0, volume->size()).empty())
        volume->markKnownZero();
    return volume;
}

void createSparseImage(const QString& path, qint64 size)
{
    if (size <= 0)
        throw Error(QStringLiteral("a volume needs a size greater than zero"));
    const QFileInfo info(path);
    if (info.exists())
        throw Error(QStringLiteral("%1 already exists; choose another path").arg(path));
    if (!QDir().mkpath(info.absolutePath()))
        throw Error(QStringLiteral("cannot create the directory %1").arg(info.absolutePath()));
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        throw Error(QStringLiteral("cannot create %1: %2").arg(path, systemError(errno)));
    const int result = ::ftruncate(fd, size);
    const int code = errno;
    ::close(fd);
    if (result != 0) {
        QFile::remove(path);
        throw Error(QStringLiteral("cannot size %1 to %2 bytes: %3")
                        .arg(path)
                        .arg(size)
                        .arg(systemError(code)));
    }
}

bool isBlockDevice(const QString& path)
{
    struct stat info
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 && S_ISBLK(info.st_mode);
}

qint64 localVolumeSize(const QString& path)
{
    struct stat opened
    {
    };
    const int fd = openVolumeFile(path, O_RDONLY, &opened);
    try {
        const qint64 size = sizeOfDescriptor(fd, path);
        ::close(fd);
        return size;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

bool VolumeWriteError::outOfSpace() const
{
    return m_code == ENOSPC || m_code == EDQUOT;
}

QString localVolumeIdentity(const QString& path)
{
    const struct stat info = statVolumePath(path);
    if (S_ISBLK(info.st_mode))
        return QStringLiteral("block:%1:%2").arg(major(info.st_rdev)).arg(minor(info.st_rdev));
    return QStringLiteral("file:%1:%2").arg(quint64(info.st_dev)).arg(quint64(info.st_ino));
}

QString deviceInUse(const QString& path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0 || !S_ISBLK(info.st_mode))
        return {};
    // Mounted (the device itself or, for a whole disk, one of its partitions)?
    QFile mounts(QStringLiteral("/proc/self/mountinfo"));
    if (mounts.open(QIODevice::ReadOnly)) {
        const QString wanted =
            QStringLiteral("%1:%2").arg(major(info.st_rdev)).arg(minor(info.st_rdev));
        for (const QByteArray& line : mounts.readAll().split('\n')) {
            const QList<QByteArray> fields = line.split(' ');
            if (fields.size() > 4 && QString::fromLatin1(fields[2]) == wanted)
                return QStringLiteral("mounted at %1").arg(QString::fromLocal8Bit(fields[4]));
        }
    }
    // Held by device-mapper, md or LVM?
    const QString holders = QStringLiteral("/sys/dev/block/%1:%2/holders")
                                .arg(major(info.st_rdev))
                                .arg(minor(info.st_rdev));
    const QStringList held = QDir(holders).entryList(QDir::NoDotAndDotDot | QDir::AllEntries);
    if (!held.isEmpty())
        return QStringLiteral("held by %1").arg(held.join(QStringLiteral(", ")));
    // Open exclusively by someone else (the kernel refuses O_EXCL then).
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_EXCL | O_CLOEXEC);
    if (fd < 0 && errno == EBUSY)
        return QStringLiteral("open exclusively by another program");
    if (fd >= 0)
        ::close(fd);
    return {};
}

} // namespace ember
