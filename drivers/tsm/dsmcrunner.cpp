#include "dsmcrunner.h"

#include "bandwidth.h"
#include "operation.h"
#include "records.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace ember::tsm {

namespace {

class FileDescriptor
{
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { reset(); }
    int get() const { return m_fd; }
    void reset(int fd = -1)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd = -1;
};

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// A prompt is an unterminated line that waits for input, e.g.
// 'Please enter password for user id "NODE1": '.
enum class Prompt
{
    None,
    Password,
    UserId
};

Prompt promptIn(const QString& partialLine)
{
    const QString text = partialLine.trimmed();
    if (!text.endsWith(u':'))
        return Prompt::None;
    if (text.contains(QStringLiteral("password"), Qt::CaseInsensitive))
        return Prompt::Password;
    if (text.contains(QStringLiteral("user id"), Qt::CaseInsensitive))
        return Prompt::UserId;
    return Prompt::None;
}

void sendToChild(int fd, const QByteArray& data)
{
    // A socket, so a child that already exited gives EPIPE, not SIGPIPE.
    qsizetype sent = 0;
    while (sent < data.size()) {
        const ssize_t n =
            ::send(fd, data.constData() + sent, size_t(data.size() - sent), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        sent += n;
    }
}

// Charges what dsmc read or wrote to the bucket and holds dsmc (its
// process group) stopped while the bucket is in debt.
class Pacer
{
public:
    Pacer(const DsmcPacing& pacing, pid_t pid)
        : m_bucket(pacing.bucket), m_pid(pid),
          m_ioPath(QByteArrayLiteral("/proc/") + QByteArray::number(pid) + "/io"),
          m_field(pacing.count == DsmcPacing::Count::BytesRead ? QByteArrayLiteral("rchar:")
                                                               : QByteArrayLiteral("wchar:"))
    {
        m_clock.start();
        if (!m_bucket)
            return;
        // The counts start before dsmc's first byte; one that cannot be read
        // now (dsmc made unreadable to us) never will be.
        const std::optional<qint64> start = count();
        if (!start) {
            m_problem = QStringLiteral("cannot read %1 (%2), so dsmc ran without the bandwidth "
                                       "limit")
                            .arg(QString::fromLatin1(m_ioPath), systemError(m_readError));
            m_bucket.reset();
            return;
        }
        m_last = *start;
    }
    Pacer(const Pacer&) = delete;
    Pacer& operator=(const Pacer&) = delete;
    ~Pacer() { release(); }

    bool active() const { return bool(m_bucket); }
    bool holding() const { return m_holding; }
    // How long the event loop may wait before the next sample.
    int pollMs() const
    {
        if (!m_bucket)
            return 100;
        if (!m_holding)
            return 10;
        return int(std::clamp<qint64>(m_debt.count() / 1000000, 1, 20));
    }
    // Charges what dsmc moved since the last sample; holds or releases it.
    void sample()
    {
        if (!m_bucket)
            return;
        chargeMoved();
        if (m_debt.count() > 0 && !m_holding) {
            signal(SIGSTOP);
            m_holding = true;
            m_heldSince = m_clock.elapsed();
        } else if (m_debt.count() == 0) {
            release();
        }
    }
    // dsmc has exited (not yet reaped): its last bytes still count, for the
    // transfers that share the bucket.
    void finish()
    {
        if (m_bucket)
            chargeMoved();
        stop();
    }
    // No more pacing (dsmc is being stopped, or has exited).
    void stop()
    {
        release();
        m_bucket.reset();
    }
    qint64 charged() const { return m_charged; }
    qint64 heldMs() const { return m_heldMs; }
    const QString& problem() const { return m_problem; }

private:
    std::optional<qint64> count()
    {
        const FileDescriptor io(::open(m_ioPath.constData(), O_RDONLY | O_CLOEXEC));
        char buffer[512];
        const ssize_t length = io.get() < 0 ? -1 : ::read(io.get(), buffer, sizeof buffer);
        if (length < 0) {
            m_readError = errno;
            return std::nullopt;
        }
        const QByteArray text = QByteArray::fromRawData(buffer, length);
        const qsizetype at = text.indexOf(m_field);
        if (at < 0) {
            m_readError = EINVAL;
            return std::nullopt;
        }
        const qsizetype end = text.indexOf('\n', at);
        bool ok = false;
        const qint64 value = text.mid(at + m_field.size(), end < 0 ? -1 : end - at - m_field.size())
                                 .trimmed()
                                 .toLongLong(&ok);
        if (!ok) {
            m_readError = EINVAL;
            return std::nullopt;
        }
        return value;
    }
    void chargeMoved()
    {
        // A count that cannot be read any more belongs to a process that is gone.
        const std::optional<qint64> now = count();
        const qint64 moved = now ? std::max<qint64>(*now - m_last, 0) : 0;
        if (now)
            m_last = *now;
        m_charged += moved;
        m_debt = m_bucket->charge(moved);
    }
    void signal(int number)
    {
        ::kill(-m_pid, number);
        ::kill(m_pid, number);
    }
    void release()
    {
        if (!m_holding)
            return;
        signal(SIGCONT);
        m_holding = false;
        m_heldMs += m_clock.elapsed() - m_heldSince;
    }

    std::shared_ptr<TokenBucket> m_bucket;
    pid_t m_pid;
    QByteArray m_ioPath;
    QByteArray m_field;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_charged = 0;
    std::chrono::nanoseconds m_debt{};
    bool m_holding = false;
    qint64 m_heldSince = 0;
    qint64 m_heldMs = 0;
    int m_readError = 0;
    QString m_problem;
};

} // namespace

DsmcResult runDsmc(const DsmcInvocation& invocation)
{
    int outputPipe[2];
    if (::pipe2(outputPipe, O_CLOEXEC) != 0)
        throw Error(
            QStringLiteral("Cannot start %1: %2").arg(invocation.program, systemError(errno)));
    FileDescriptor outputRead(outputPipe[0]);
    FileDescriptor outputWrite(outputPipe[1]);
    // Non-blocking: a leftover grandchild holding the pipe must not hang us.
    ::fcntl(outputRead.get(), F_SETFL, ::fcntl(outputRead.get(), F_GETFL) | O_NONBLOCK);

    int inputPair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, inputPair) != 0)
        throw Error(
            QStringLiteral("Cannot start %1: %2").arg(invocation.program, systemError(errno)));
    FileDescriptor inputParent(inputPair[0]);
    FileDescriptor inputChild(inputPair[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, inputChild.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, outputWrite.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, outputWrite.get(), 2);

    // Own process group, so a cancel also stops anything dsmc started;
    // default signal handling whatever this process has set up.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t noSignals;
    sigemptyset(&noSignals);
    sigset_t defaultSignals;
    sigemptyset(&defaultSignals);
    sigaddset(&defaultSignals, SIGPIPE);
    sigaddset(&defaultSignals, SIGTERM);
    sigaddset(&defaultSignals, SIGINT);
    posix_spawnattr_setsigmask(&attributes, &noSignals);
    posix_spawnattr_setsigdefault(&attributes, &defaultSignals);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                              POSIX_SPAWN_SETSIGDEF);

    std::vector<QByteArray> argumentBytes;
    argumentBytes.push_back(invocation.program.toLocal8Bit());
    for (const QString& argument : invocation.arguments)
        argumentBytes.push_back(argument.toLocal8Bit());
    std::vector<char*> argv;
    for (QByteArray& bytes : argumentBytes)
        argv.push_back(bytes.data());
    argv.push_back(nullptr);

    pid_t pid = -1;
    const int spawnError = ::posix_spawn(&pid, argumentBytes.front().constData(), &actions,
                                         &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawnError != 0)
        throw Error(QStringLiteral("Cannot start the IBM Spectrum Protect client %1: %2")
                        .arg(invocation.program, systemError(spawnError)));
    outputWrite.reset();
    inputChild.reset();

    DsmcResult result;
    result.timeoutSeconds = invocation.timeoutSeconds;
    QByteArray pending; // bytes of the line being received
    QByteArray all;
    bool passwordSent = false;
    bool outputOpen = true;
    bool stopping = false;
    int status = 0;
    bool exited = false;
    QElapsedTimer clock;
    clock.start();
    QElapsedTimer stopClock;
    qint64 lastTickMs = 0;
    Pacer pacer(invocation.pacing, pid);
    result.pacingProblem = pacer.problem();
    // When paced, the loop wakes every 10 ms, so silence means a prompt only
    // after 100 ms of it while dsmc was running.
    const bool paced = pacer.active();
    qint64 lastActivityMs = 0;

    auto stopChild = [&](int signal) {
        ::kill(-pid, signal);
        ::kill(pid, signal);
    };
    auto beginStop = [&] {
        if (stopping)
            return;
        stopping = true;
        stopClock.start();
        stopChild(SIGTERM);
        pacer.stop(); // a held dsmc must run to see the SIGTERM
    };
    auto emitLine = [&](const QByteArray& line) {
        if (invocation.onLine)
            invocation.onLine(QString::fromLocal8Bit(line));
    };

    while (!exited) {
        if (outputOpen) {
            pollfd descriptor{outputRead.get(), POLLIN, 0};
            const int ready = ::poll(&descriptor, 1, pacer.pollMs());
            if (ready > 0) {
                char buffer[8192];
                const ssize_t n = ::read(outputRead.get(), buffer, sizeof buffer);
                if (n > 0) {
                    lastActivityMs = clock.elapsed();
                    all.append(buffer, n);
                    pending.append(buffer, n);
                    qsizetype newline;
                    while ((newline = pending.indexOf('\n')) >= 0) {
                        emitLine(pending.left(newline));
                        pending.remove(0, newline + 1);
                    }
                } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                    outputOpen = false;
                }
            }
            // A prompt is an unterminated line after which dsmc falls silent
            // (a line merely split between two reads goes on at once).
            if (pacer.holding())
                lastActivityMs = clock.elapsed();
            const bool silent = ready == 0 && (!paced || clock.elapsed() - lastActivityMs >= 100);
            const Prompt prompt =
                stopping || !silent ? Prompt::None : promptIn(QString::fromLocal8Bit(pending));
            if (prompt != Prompt::None) {
                emitLine(pending);
                all.append('\n');
                pending.clear();
                if (prompt == Prompt::UserId) {
                    sendToChild(inputParent.get(), "\n"); // accept the default node
                } else if (invocation.password.isEmpty()) {
                    result.passwordMissing = true;
                    beginStop();
                } else if (passwordSent) {
                    result.passwordRefused = true;
                    beginStop();
                } else {
                    passwordSent = true;
                    sendToChild(inputParent.get(), invocation.password.toLocal8Bit() + '\n');
                }
            }
        } else {
            ::usleep(pacer.active() ? useconds_t(pacer.pollMs()) * 1000 : 20000);
        }

        if (pacer.active()) {
            // Exited but not reaped yet: its final counts can still be read.
            siginfo_t exit{};
            if (::waitid(P_PID, id_t(pid), &exit, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                exit.si_pid == pid)
                pacer.finish();
        }
        const pid_t waited = ::waitpid(pid, &status, WNOHANG);
        if (waited == pid) {
            exited = true;
            break;
        }
        if (waited < 0 && errno == ECHILD) {
            // Someone else reaped it (SIGCHLD ignored): the status is lost.
            status = -1;
            break;
        }

        const qint64 elapsedMs = clock.elapsed();
        if (invocation.onTick && elapsedMs - lastTickMs >= 1000) {
            lastTickMs = elapsedMs;
            invocation.onTick();
        }
        if (!stopping && invocation.control && invocation.control->isCancelRequested()) {
            result.cancelled = true;
            beginStop();
        }
        if (!stopping && invocation.timeoutSeconds > 0 &&
            elapsedMs > qint64(invocation.timeoutSeconds) * 1000) {
            result.timedOut = true;
            beginStop();
        }
        // dsmc gets a few seconds to end its session cleanly, then it is killed.
        if (stopping && stopClock.elapsed() > 3000)
            stopChild(SIGKILL);
        if (!stopping)
            pacer.sample();
    }
    pacer.stop();
    result.pacedBytes = pacer.charged();
    result.heldMs = pacer.heldMs();

    // Whatever is still buffered in the pipe after the exit.
    if (outputOpen) {
        char buffer[8192];
        ssize_t n;
        while ((n = ::read(outputRead.get(), buffer, sizeof buffer)) > 0) {
            all.append(buffer, n);
            pending.append(buffer, n);
        }
    }
    qsizetype newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
        emitLine(pending.left(newline));
        pending.remove(0, newline + 1);
    }
    if (!pending.isEmpty())
        emitLine(pending);

    if (status == -1) {
        result.exitCode = -1;
    } else if (WIFEXITED(status)) {
        result.exitCode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.exitCode = -1;
        result.crashed = !stopping;
    }
    result.rawOutput = QString::fromLocal8Bit(all);
    result.output = parseDsmcOutput(result.rawOutput);
    return result;
}

} // namespace ember::tsm
