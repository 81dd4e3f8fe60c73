// Operation slots (drivers/operationslots.h): per-backend and total limits
// held as flock'ed files, shared by threads and processes alike; the waiting
// phase, cancel while waiting, and slots freed by a holder that ends or dies.
#include "operationslots.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <csignal>
#include <exception>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ember;

namespace {

// How long a waiter must stay blocked to count as waiting: several polls.
constexpr int kStillWaitingMs = 600;
// Generous bound for "gets it soon" on a loaded machine.
constexpr int kSoonMs = 10000;

OperationLimits backendLimit(int perBackend)
{
    OperationLimits limits;
    limits.perBackend = perBackend;
    return limits;
}

OperationLimits totalLimit(int total)
{
    OperationLimits limits;
    limits.total = total;
    return limits;
}

// An acquisition on a thread of its own, as another job would do it.
class Waiter
{
public:
    Waiter(const QString& directory, const QString& backend, const OperationLimits& limits)
    {
        m_control.setProgressCallback([this](const Progress& progress) {
            std::lock_guard lock(m_mutex);
            if (m_phases.isEmpty() || m_phases.last() != progress.phase)
                m_phases << progress.phase;
        });
        m_control.setLogCallback([this](const QString& line) {
            std::lock_guard lock(m_mutex);
            m_log << line;
        });
        m_clock.start();
        m_thread = std::thread([this, directory, backend, limits] {
            try {
                OperationSlot slot = acquireOperationSlot(directory, backend, limits, m_control);
                std::lock_guard lock(m_mutex);
                m_slot = std::move(slot);
            } catch (const Cancelled&) {
                m_cancelledAt.store(m_clock.nsecsElapsed());
            } catch (...) {
                std::lock_guard lock(m_mutex);
                m_failure = std::current_exception();
            }
            m_finished.store(true);
        });
    }
    ~Waiter()
    {
        m_control.requestCancel();
        m_thread.join();
    }
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;

    bool finished() const { return m_finished.load(); }
    bool waitFinished(int timeoutMs) const
    {
        QElapsedTimer timer;
        timer.start();
        while (!finished() && timer.elapsed() < timeoutMs)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return finished();
    }
    // Still blocked after `ms`: it waits for a slot.
    bool stillWaitingAfter(int ms) const { return !waitFinished(ms); }
    bool holds() const
    {
        std::lock_guard lock(m_mutex);
        return m_slot.holdsAny();
    }
    void release()
    {
        std::lock_guard lock(m_mutex);
        m_slot = OperationSlot();
    }
    void cancel()
    {
        m_cancelRequestedAt.store(m_clock.nsecsElapsed());
        m_control.requestCancel();
    }
    bool wasCancelled() const { return m_cancelledAt.load() >= 0; }
    qint64 cancelLatencyMs() const
    {
        return (m_cancelledAt.load() - m_cancelRequestedAt.load()) / 1000000;
    }
    QString failure() const
    {
        std::lock_guard lock(m_mutex);
        if (!m_failure)
            return {};
        try {
            std::rethrow_exception(m_failure);
        } catch (const Error& error) {
            return error.message();
        } catch (const std::exception& error) {
            return QString::fromLocal8Bit(error.what());
        }
    }
    // Polls (no event loop) until the phases include `phase`.
    bool waitForPhase(const QString& phase, int timeoutMs) const
    {
        QElapsedTimer timer;
        timer.start();
        while (!phases().contains(phase) && timer.elapsed() < timeoutMs)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return phases().contains(phase);
    }
    QStringList phases() const
    {
        std::lock_guard lock(m_mutex);
        return m_phases;
    }
    QStringList log() const
    {
        std::lock_guard lock(m_mutex);
        return m_log;
    }

private:
    OperationControl m_control;
    mutable std::mutex m_mutex;
    OperationSlot m_slot;
    std::exception_ptr m_failure;
    QStringList m_phases;
    QStringList m_log;
    QElapsedTimer m_clock;
    std::atomic<bool> m_finished{false};
    std::atomic<qint64> m_cancelRequestedAt{-1};
    std::atomic<qint64> m_cancelledAt{-1};
    std::thread m_thread;
};

OperationSlot acquireNow(const QString& directory, const QString& backend,
                         const OperationLimits& limits)
{
    OperationControl control;
    return acquireOperationSlot(directory, backend, limits, control);
}

// True when some descriptor holds `path` locked (this test cannot lock it).
bool lockedByAnother(const QString& path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
    ::close(fd);
    return locked;
}

} // namespace

class TestOperationSlots : public QObject
{
    Q_OBJECT

private:
    QString slotDir(const QString& tag)
    {
        const QString path = m_tmp.path() + QLatin1Char('/') + tag + QStringLiteral("/slots");
        return path;
    }

    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void unlimitedTakesNoLock()
    {
        const QString dir = slotDir(QStringLiteral("unlimited"));
        OperationSlot first = acquireNow(dir, QStringLiteral("nas"), OperationLimits{});
        OperationSlot second = acquireNow(dir, QStringLiteral("nas"), OperationLimits{});
        QVERIFY(!first.holdsAny());
        QVERIFY(!second.holdsAny());
        QVERIFY2(!QFileInfo::exists(dir), "no slot directory without a limit");
    }

    void directoryAndFileNames()
    {
        const QString dir = slotDir(QStringLiteral("names"));
        OperationLimits limits;
        limits.perBackend = 2;
        limits.total = 3;
        const QString name = QStringLiteral("my nas/1~é");
        OperationSlot slot = acquireNow(dir, name, limits);
        QVERIFY(slot.holdsAny());
        struct stat info = {};
        QCOMPARE(::stat(QFile::encodeName(dir).constData(), &info), 0);
        QCOMPARE(info.st_mode & 0777, mode_t(0700));
        QCOMPARE(QDir(dir).entryList(QDir::Files, QDir::Name),
                 QStringList({QStringLiteral("backend-my%20nas%2F1%7E%C3%A9-0.lock"),
                              QStringLiteral("total-0.lock")}));
        QVERIFY(lockedByAnother(dir + QStringLiteral("/backend-my%20nas%2F1%7E%C3%A9-0.lock")));
        QVERIFY(lockedByAnother(dir + QStringLiteral("/total-0.lock")));
        // A name made of the same characters otherwise encoded has slots of its own.
        OperationSlot other = acquireNow(dir, QStringLiteral("my%20nas%2F1%7E%C3%A9"), limits);
        QVERIFY(other.holdsAny());
        QVERIFY(QFileInfo::exists(
            dir + QStringLiteral("/backend-my%2520nas%252F1%257E%25C3%25A9-0.lock")));
    }

    void limitOneAcrossThreads()
    {
        const QString dir = slotDir(QStringLiteral("one"));
        OperationSlot held = acquireNow(dir, QStringLiteral("nas"), backendLimit(1));
        QVERIFY(held.holdsAny());
        // The second open() of the same slot file conflicts, even in this process.
        Waiter second(dir, QStringLiteral("nas"), backendLimit(1));
        QVERIFY(second.stillWaitingAfter(kStillWaitingMs));
        held = OperationSlot();
        QVERIFY(second.waitFinished(kSoonMs));
        QVERIFY2(second.failure().isEmpty(), qPrintable(second.failure()));
        QVERIFY(second.holds());
        // Now the other way round.
        Waiter third(dir, QStringLiteral("nas"), backendLimit(1));
        QVERIFY(third.stillWaitingAfter(kStillWaitingMs));
        second.release();
        QVERIFY(third.waitFinished(kSoonMs));
        QVERIFY(third.holds());
    }

    void limitTwo()
    {
        const QString dir = slotDir(QStringLiteral("two"));
        OperationSlot first = acquireNow(dir, QStringLiteral("nas"), backendLimit(2));
        OperationSlot second = acquireNow(dir, QStringLiteral("nas"), backendLimit(2));
        QVERIFY(first.holdsAny());
        QVERIFY(second.holdsAny());
        Waiter third(dir, QStringLiteral("nas"), backendLimit(2));
        QVERIFY(third.stillWaitingAfter(kStillWaitingMs));
        second = OperationSlot();
        QVERIFY(third.waitFinished(kSoonMs));
        QVERIFY(third.holds());
        // Two held again (first, third): a fourth waits until one ends.
        Waiter fourth(dir, QStringLiteral("nas"), backendLimit(2));
        QVERIFY(fourth.stillWaitingAfter(kStillWaitingMs));
        first = OperationSlot();
        QVERIFY(fourth.waitFinished(kSoonMs));
        QVERIFY(fourth.holds());
    }

    void backendsAreIndependent()
    {
        const QString dir = slotDir(QStringLiteral("independent"));
        OperationSlot nas = acquireNow(dir, QStringLiteral("nas"), backendLimit(1));
        QVERIFY(nas.holdsAny());
        QElapsedTimer timer;
        timer.start();
        OperationSlot cloud = acquireNow(dir, QStringLiteral("cloud"), backendLimit(1));
        QVERIFY(cloud.holdsAny());
        QVERIFY2(timer.elapsed() < 150, "another backend's slot was waited for");
        Waiter secondNas(dir, QStringLiteral("nas"), backendLimit(1));
        QVERIFY(secondNas.stillWaitingAfter(kStillWaitingMs));
        cloud = OperationSlot(); // the other backend's end frees nothing here
        QVERIFY(secondNas.stillWaitingAfter(kStillWaitingMs));
        nas = OperationSlot();
        QVERIFY(secondNas.waitFinished(kSoonMs));
        QVERIFY(secondNas.holds());
    }

    void totalLimitAcrossBackends()
    {
        const QString dir = slotDir(QStringLiteral("total"));
        OperationLimits limits;
        limits.perBackend = 5;
        limits.total = 2;
        OperationSlot nas = acquireNow(dir, QStringLiteral("nas"), limits);
        OperationSlot cloud = acquireNow(dir, QStringLiteral("cloud"), limits);
        Waiter tape(dir, QStringLiteral("tape"), limits);
        QVERIFY(tape.stillWaitingAfter(kStillWaitingMs));
        cloud = OperationSlot();
        QVERIFY(tape.waitFinished(kSoonMs));
        QVERIFY(tape.holds());
        // Without a limit of its own, a backend still counts in the total.
        Waiter unlimitedBackend(dir, QStringLiteral("local"), totalLimit(2));
        QVERIFY(unlimitedBackend.stillWaitingAfter(kStillWaitingMs));
        tape.release();
        QVERIFY(unlimitedBackend.waitFinished(kSoonMs));
        QVERIFY(unlimitedBackend.holds());
    }

    void noBackendSlotHeldWhileWaitingForTheTotal()
    {
        const QString dir = slotDir(QStringLiteral("nostarve"));
        OperationSlot total = acquireNow(dir, QStringLiteral("cloud"), totalLimit(1));
        OperationLimits both;
        both.perBackend = 1;
        both.total = 1;
        Waiter nas(dir, QStringLiteral("nas"), both);
        QVERIFY(nas.stillWaitingAfter(kStillWaitingMs));
        // The waiter holds nas's only slot at most for an instant per poll:
        // a job with the backend limit alone gets it.
        QElapsedTimer timer;
        timer.start();
        OperationSlot nasAlone = acquireNow(dir, QStringLiteral("nas"), backendLimit(1));
        QVERIFY(nasAlone.holdsAny());
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(!nas.finished());
        // Now nas's waiter waits for its backend, whose phase says so.
        total = OperationSlot();
        QVERIFY(nas.waitForPhase(
            QStringLiteral("waiting: backend 'nas' is running 1 of 1 operations"), kSoonMs));
        QVERIFY(!nas.finished());
        nasAlone = OperationSlot();
        QVERIFY(nas.waitFinished(kSoonMs));
        QVERIFY(nas.holds());
    }

    void waitingPhaseAndLog()
    {
        const QString dir = slotDir(QStringLiteral("phase"));
        OperationSlot a = acquireNow(dir, QStringLiteral("nas"), backendLimit(2));
        OperationSlot b = acquireNow(dir, QStringLiteral("nas"), backendLimit(2));
        {
            Waiter waiter(dir, QStringLiteral("nas"), backendLimit(2));
            QVERIFY(waiter.stillWaitingAfter(kStillWaitingMs));
            const QString text =
                QStringLiteral("waiting: backend 'nas' is running 2 of 2 operations");
            QCOMPARE(waiter.phases(), QStringList{text});
            QCOMPARE(waiter.log(), QStringList{text}); // logged once, not per poll
            b = OperationSlot();
            QVERIFY(waiter.waitFinished(kSoonMs));
            // The phase before the wait (none) is shown again.
            QCOMPARE(waiter.phases(), QStringList({text, QString()}));
            QCOMPARE(waiter.log().size(), 2);
            QVERIFY2(waiter.log().last().startsWith(
                         QStringLiteral("operation slot free after waiting ")),
                     qPrintable(waiter.log().last()));
        }
        // A name with placeholders of its own is shown as it is.
        const QString odd = QStringLiteral("50%1 %2off");
        OperationSlot oddHeld = acquireNow(dir, odd, backendLimit(1));
        {
            Waiter oddWaiter(dir, odd, backendLimit(1));
            QVERIFY(oddWaiter.waitForPhase(
                QStringLiteral("waiting: backend '50%1 %2off' is running 1 of 1 operations"),
                kSoonMs));
        }
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/backend-50%251%20%252off-0.lock")));
        OperationSlot c = acquireNow(dir, QStringLiteral("cloud"), totalLimit(2));
        OperationSlot d = acquireNow(dir, QStringLiteral("cloud"), totalLimit(2));
        Waiter totalWaiter(dir, QStringLiteral("tape"), totalLimit(2));
        QVERIFY(totalWaiter.stillWaitingAfter(kStillWaitingMs));
        QCOMPARE(totalWaiter.phases(),
                 QStringList{QStringLiteral(
                     "waiting: 2 of 2 operations are running (backup_max_operations)")});
    }

    void cancelEndsTheWait()
    {
        const QString dir = slotDir(QStringLiteral("cancel"));
        OperationSlot held = acquireNow(dir, QStringLiteral("nas"), backendLimit(1));
        Waiter waiter(dir, QStringLiteral("nas"), backendLimit(1));
        QVERIFY(waiter.stillWaitingAfter(kStillWaitingMs));
        waiter.cancel();
        QVERIFY(waiter.waitFinished(kSoonMs));
        QVERIFY(waiter.wasCancelled());
        QVERIFY(!waiter.holds());
        QVERIFY2(waiter.cancelLatencyMs() < 300,
                 qPrintable(QStringLiteral("%1 ms").arg(waiter.cancelLatencyMs())));
        // A cancelled control never starts waiting.
        OperationControl cancelled;
        cancelled.requestCancel();
        bool threw = false;
        try {
            acquireOperationSlot(dir, QStringLiteral("other"), backendLimit(1), cancelled);
        } catch (const Cancelled&) {
            threw = true;
        }
        QVERIFY(threw);
    }

    void slotFreedWhenItsHolderEnds()
    {
        const QString dir = slotDir(QStringLiteral("holder"));
        const QString file = dir + QStringLiteral("/backend-nas-0.lock");
        {
            OperationSlot slot = acquireNow(dir, QStringLiteral("nas"), backendLimit(1));
            QVERIFY(lockedByAnother(file));
            // Moved, it is still one slot, held once.
            OperationSlot moved = std::move(slot);
            QVERIFY(moved.holdsAny());
            QVERIFY(lockedByAnother(file));
        }
        QVERIFY(!lockedByAnother(file));
        QElapsedTimer timer;
        timer.start();
        OperationSlot again = acquireNow(dir, QStringLiteral("nas"), backendLimit(1));
        QVERIFY(again.holdsAny());
        QVERIFY(timer.elapsed() < 150);
    }

    void slotOfAKilledProcessIsFree()
    {
        const QString dir = slotDir(QStringLiteral("killed"));
        QVERIFY(QDir().mkpath(dir));
        const QByteArray file = QFile::encodeName(dir + QStringLiteral("/backend-nas-0.lock"));
        int ready[2];
        QCOMPARE(::pipe(ready), 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // Another Ember process holding the slot (async-signal-safe calls only).
            ::close(ready[0]);
            const int fd = ::open(file.constData(), O_RDWR | O_CREAT, 0600);
            if (fd < 0 || ::flock(fd, LOCK_EX) != 0)
                ::_exit(1);
            const char byte = 'x';
            if (::write(ready[1], &byte, 1) != 1)
                ::_exit(1);
            for (;;)
                ::pause();
        }
        ::close(ready[1]);
        char byte = 0;
        const bool childLocked = ::read(ready[0], &byte, 1) == 1;
        ::close(ready[0]);
        auto killChild = [&] {
            ::kill(child, SIGKILL);
            int status = 0;
            ::waitpid(child, &status, 0);
        };
        if (!childLocked) {
            killChild();
            QFAIL("the child process could not lock the slot");
        }
        Waiter waiter(dir, QStringLiteral("nas"), backendLimit(1));
        const bool waited = waiter.stillWaitingAfter(kStillWaitingMs);
        killChild();
        QVERIFY2(waited, "the slot the other process holds was taken");
        QVERIFY(waiter.waitFinished(kSoonMs));
        QVERIFY(waiter.holds());
    }
};

QTEST_GUILESS_MAIN(TestOperationSlots)
#include "tst_operationslots.moc"
