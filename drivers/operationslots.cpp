#include "operationslots.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace ember {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(200);
// The wait is sliced so a cancel ends it well within one poll interval.
constexpr auto kCancelCheckInterval = std::chrono::milliseconds(20);

// A backend name as part of a file name: letters, digits, '.', '_' and '-'
// stay, every other byte becomes %XX (so two names never share slots); a
// very long name is cut and told apart by a digest.
QString fileNamePart(const QString& name)
{
    // '~' is unreserved for toPercentEncoding: included so it is encoded as well.
    QString part = QString::fromLatin1(name.toUtf8().toPercentEncoding({}, "~"));
    if (part.size() > 100) {
        const QByteArray digest =
            QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex().left(16);
        part = part.left(80) + QLatin1Char('~') + QString::fromLatin1(digest);
    }
    return part;
}

QString backendSlotPath(const QString& directory, const QString& backendName, int index)
{
    // Concatenated: the encoded name holds '%' that arg() would take for placeholders.
    return directory + QStringLiteral("/backend-") + fileNamePart(backendName) + QLatin1Char('-') +
           QString::number(index) + QStringLiteral(".lock");
}

QString totalSlotPath(const QString& directory, int index)
{
    return directory + QStringLiteral("/total-") + QString::number(index) + QStringLiteral(".lock");
}

// The descriptor holding slot file `path` locked, or -1 when another holder
// has it. The lock belongs to this open file description, so a second open()
// in the same process conflicts with it as another process would.
int tryLockSlotFile(const QString& path)
{
    const QByteArray native = QFile::encodeName(path);
    int fd = -1;
    do {
        fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        throw Error(QStringLiteral("cannot open the operation slot %1: %2")
                        .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    int result = -1;
    do {
        result = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (result != 0 && errno == EINTR);
    if (result == 0)
        return fd;
    const int lockErrno = errno;
    ::close(fd);
    if (lockErrno == EWOULDBLOCK)
        return -1;
    throw Error(QStringLiteral("cannot lock the operation slot %1: %2")
                    .arg(path, QString::fromLocal8Bit(std::strerror(lockErrno))));
}

// The first free one of `limit` slots (its descriptor), or -1 when all are held.
template <typename PathOf> int tryAnySlot(int limit, PathOf pathOf)
{
    for (int index = 0; index < limit; ++index) {
        const int fd = tryLockSlotFile(pathOf(index));
        if (fd >= 0)
            return fd;
    }
    return -1;
}

void makeSlotDirectory(const QString& directory)
{
    const QFileInfo info(directory);
    if (info.isDir())
        return;
    const QString parent = info.absolutePath();
    if (!QDir().mkpath(parent))
        throw Error(QStringLiteral("cannot create %1 for the operation slots").arg(parent));
    if (::mkdir(QFile::encodeName(directory).constData(), 0700) != 0 && errno != EEXIST)
        throw Error(QStringLiteral("cannot create the operation slot directory %1: %2")
                        .arg(directory, QString::fromLocal8Bit(std::strerror(errno))));
}

void closeDescriptor(int fd)
{
    if (fd >= 0)
        ::close(fd);
}

// Sleeps one poll interval, ending early (Cancelled) on a cancel.
void waitOnePoll(OperationControl& control)
{
    const auto until = std::chrono::steady_clock::now() + kPollInterval;
    while (std::chrono::steady_clock::now() < until) {
        control.throwIfCancelled();
        std::this_thread::sleep_for(kCancelCheckInterval);
    }
    control.throwIfCancelled();
}

} // namespace

QString operationSlotDirectory(const QString& catalogPath)
{
    return QFileInfo(catalogPath).absolutePath() + QStringLiteral("/operation-slots");
}

struct OperationSlot::Held
{
    int backendFd = -1;
    int totalFd = -1;

    Held() = default;
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held()
    {
        // The reverse of the order taken.
        closeDescriptor(totalFd);
        closeDescriptor(backendFd);
    }
};

OperationSlot::OperationSlot() = default;
OperationSlot::OperationSlot(OperationSlot&&) noexcept = default;
OperationSlot& OperationSlot::operator=(OperationSlot&&) noexcept = default;
OperationSlot::~OperationSlot() = default;
bool OperationSlot::holdsAny() const
{
    return m_held != nullptr;
}

OperationSlot acquireOperationSlot(const QString& slotDirectory, const QString& backendName,
                                   const OperationLimits& limits, OperationControl& control)
{
    OperationSlot slot;
    if (limits.perBackend <= 0 && limits.total <= 0)
        return slot;
    control.throwIfCancelled();
    makeSlotDirectory(slotDirectory);

    QString shownWait; // the phase text of the current wait, to set it once
    QElapsedTimer waited;
    Progress before; // the phase the wait interrupted, shown again after it
    for (;;) {
        auto held = std::make_unique<OperationSlot::Held>();
        QString waitingFor;
        if (limits.perBackend > 0) {
            held->backendFd = tryAnySlot(limits.perBackend, [&](int index) {
                return backendSlotPath(slotDirectory, backendName, index);
            });
            if (held->backendFd < 0)
                waitingFor = QStringLiteral("waiting: backend '%1' is running %2 of %2 operations")
                                 .arg(backendName, QString::number(limits.perBackend));
        }
        if (waitingFor.isEmpty() && limits.total > 0) {
            held->totalFd = tryAnySlot(
                limits.total, [&](int index) { return totalSlotPath(slotDirectory, index); });
            // Not holding the backend's slot while waiting here: two
            // processes each holding one kind could otherwise wait forever.
            if (held->totalFd < 0)
                waitingFor = QStringLiteral(
                                 "waiting: %1 of %1 operations are running (backup_max_operations)")
                                 .arg(limits.total);
        }
        if (waitingFor.isEmpty()) {
            if (waited.isValid()) {
                control.log(QStringLiteral("operation slot free after waiting %1 s")
                                .arg(double(waited.elapsed()) / 1000.0, 0, 'f', 1));
                control.setPhase(before.phase, before.bytesTotal);
            }
            slot.m_held = std::move(held);
            return slot;
        }
        held.reset(); // the backend slot too, if one was taken
        if (!waited.isValid()) {
            waited.start();
            before = control.progress();
            control.log(waitingFor);
        }
        if (waitingFor != shownWait) {
            control.setPhase(waitingFor, 0);
            shownWait = waitingFor;
        }
        waitOnePoll(control);
    }
}

} // namespace ember
