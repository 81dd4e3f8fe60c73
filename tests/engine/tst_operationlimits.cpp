// The service waits for a free operation slot: a backend's own limit
// (ember_max_operations) and the total (backup_max_operations), between
// threads with their own catalog connections as the GUI's jobs run, and
// between ember-cli processes.
#include "backupservice.h"
#include "operationslots.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

using namespace ember;
using namespace ember::test;

namespace {

constexpr qint64 MiB = 1024 * 1024;
// Bound for anything that should happen soon, on a loaded machine.
constexpr int kPatienceMs = 60000;

QString describe(const ProcessResult& result)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
        .arg(result.exitCode)
        .arg(QString::fromUtf8(result.out), QString::fromUtf8(result.err));
}

QJsonDocument jsonOf(const QByteArray& out)
{
    return QJsonDocument::fromJson(out);
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool waitUntil(const std::function<bool()>& condition, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

// One restore on a thread of its own, with its own catalog connection and
// service (as the GUI's job runner does), and what it reported when.
class RestoreThread
{
public:
    // `holdWhileRunning` is called on the restore's thread once its data
    // transfer starts (it may block to keep the slot held).
    RestoreThread(const QString& catalogPath, const QString& backupId, const QString& targetPath,
                  std::function<void()> holdWhileRunning = {})
        : m_holdWhileRunning(std::move(holdWhileRunning))
    {
        m_control.setProgressCallback([this](const Progress& progress) {
            if (progress.phase.startsWith(QLatin1String("waiting: "))) {
                std::lock_guard lock(m_mutex);
                if (!m_waitingPhases.contains(progress.phase))
                    m_waitingPhases << progress.phase;
                m_waited.store(true);
            }
        });
        m_control.setLogCallback([this](const QString& line) {
            if (line.startsWith(QLatin1String("restoring backup "))) {
                m_startedNs.store(nowNs());
                if (m_holdWhileRunning)
                    m_holdWhileRunning();
            } else if (line.startsWith(QLatin1String("restored backup "))) {
                m_finishedNs.store(nowNs()); // still holding its slot
            }
        });
        m_thread = std::thread([this, catalogPath, backupId, targetPath] {
            try {
                Catalog catalog(catalogPath);
                BackupService service(catalog);
                RestoreRequest request;
                request.backup = backupId;
                request.newVolumePath = targetPath;
                auto prepared = service.prepareRestore(request);
                const Volume restored = service.runRestore(prepared, m_control);
                std::lock_guard lock(m_mutex);
                m_restoredPath = restored.path;
            } catch (const Error& error) {
                std::lock_guard lock(m_mutex);
                m_failure = error.message();
            }
            m_done.store(true);
        });
    }
    ~RestoreThread()
    {
        m_control.requestCancel();
        if (m_thread.joinable())
            m_thread.join();
    }
    RestoreThread(const RestoreThread&) = delete;
    RestoreThread& operator=(const RestoreThread&) = delete;

    bool started() const { return m_startedNs.load() > 0; }
    bool waited() const { return m_waited.load(); }
    bool done() const { return m_done.load(); }
    void join() { m_thread.join(); }
    qint64 startedNs() const { return m_startedNs.load(); }
    qint64 finishedNs() const { return m_finishedNs.load(); }
    QString failure() const
    {
        std::lock_guard lock(m_mutex);
        return m_failure;
    }
    QString restoredPath() const
    {
        std::lock_guard lock(m_mutex);
        return m_restoredPath;
    }
    QStringList waitingPhases() const
    {
        std::lock_guard lock(m_mutex);
        return m_waitingPhases;
    }

private:
    std::function<void()> m_holdWhileRunning;
    OperationControl m_control;
    mutable std::mutex m_mutex;
    QString m_failure;
    QString m_restoredPath;
    QStringList m_waitingPhases;
    std::atomic<qint64> m_startedNs{0};
    std::atomic<qint64> m_finishedNs{0};
    std::atomic<bool> m_waited{false};
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

// A full backup of volume "v" on `backend`, and a copy of what it holds.
struct StoredBackup
{
    QString id;
    QString content; // a copy of the volume as backed up
};

StoredBackup backUpCopy(ServiceFixture& f, const QString& backend, const QString& copyName)
{
    CreateBackupRequest request;
    request.volume = QStringLiteral("v");
    request.backend = backend;
    auto prepared = f.service->prepareBackup(request);
    OperationControl control;
    const Backup backup = f.service->runBackup(prepared, control);
    const QString copy = f.dir + QLatin1Char('/') + copyName;
    QFile::remove(copy);
    if (!QFile::copy(f.volumeFile(), copy))
        qFatal("cannot copy the volume");
    return {backup.id, copy};
}

void addPosixBackend(Catalog& catalog, const QString& name, const QString& directory)
{
    BackendConfig backend;
    backend.name = name;
    backend.type = QStringLiteral("posix");
    backend.options[QStringLiteral("backup_posix_path")] = directory;
    backend.options[QStringLiteral("backup_file_size")] = double(4 << 20);
    catalog.upsertBackend(backend);
}

// A process's stderr lines with the time each was logged (QT_MESSAGE_PATTERN).
struct TimedLine
{
    QDateTime at;
    QString text;
};

QList<TimedLine> timedLines(const QByteArray& err)
{
    QList<TimedLine> lines;
    for (const QString& line : QString::fromUtf8(err).split(QLatin1Char('\n'))) {
        const qsizetype bar = line.indexOf(QLatin1Char('|'));
        if (bar < 0)
            continue;
        const QDateTime at =
            QDateTime::fromString(line.left(bar), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        if (at.isValid())
            lines.append({at, line.mid(bar + 1)});
    }
    return lines;
}

std::optional<QDateTime> firstLineTime(const QList<TimedLine>& lines, const QString& prefix)
{
    for (const TimedLine& line : lines)
        if (line.text.startsWith(prefix))
            return line.at;
    return std::nullopt;
}

} // namespace

// Runs ember-cli and checks it succeeded; yields the result.
#define CLI_OK(result, ...)                                                                        \
    const ProcessResult result = cli(__VA_ARGS__);                                                 \
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)))

class TestOperationLimits : public QObject
{
    Q_OBJECT

private:
    // Two restores where the first keeps its slot until the second reports
    // that it waits; checks the second started only after the first ended,
    // and both restores byte for byte.
    void restoreOneAfterTheOther(ServiceFixture& f, const StoredBackup& first,
                                 const StoredBackup& second, const QString& expectedWait)
    {
        const QString catalogPath = f.catalog->path();
        std::atomic<RestoreThread*> secondThread{nullptr};
        std::atomic<bool> heldLongEnough{false};
        RestoreThread one(catalogPath, first.id, f.dir + QStringLiteral("/restored-1.img"), [&] {
            // Keeps the slot until the second restore waits for it.
            heldLongEnough.store(waitUntil(
                [&] {
                    RestoreThread* other = secondThread.load();
                    return other && other->waited();
                },
                kPatienceMs));
        });
        QVERIFY2(waitUntil([&] { return one.started() || one.done(); }, kPatienceMs),
                 "the first restore did not start");
        QVERIFY2(one.failure().isEmpty(), qPrintable(one.failure()));
        QVERIFY(!one.waited());

        RestoreThread two(catalogPath, second.id, f.dir + QStringLiteral("/restored-2.img"));
        secondThread.store(&two);
        one.join();
        two.join();
        QVERIFY2(one.failure().isEmpty(), qPrintable(one.failure()));
        QVERIFY2(two.failure().isEmpty(), qPrintable(two.failure()));
        QVERIFY2(heldLongEnough.load(), "the second restore never reported waiting");
        QCOMPARE(two.waitingPhases(), QStringList{expectedWait});
        QVERIFY(one.finishedNs() > 0);
        QVERIFY2(two.startedNs() >= one.finishedNs(),
                 qPrintable(QStringLiteral("the second restore started %1 ms before the first "
                                           "ended")
                                .arg(double(one.finishedNs() - two.startedNs()) / 1e6)));
        QCOMPARE(compareFiles(first.content, one.restoredPath()), QString());
        QCOMPARE(compareFiles(second.content, two.restoredPath()), QString());
    }

    QString m_cliHome;
    ProcessResult cli(const QStringList& arguments) { return runCli(m_cliHome, arguments); }

private Q_SLOTS:
    void backendLimitOneRunsRestoresOneAfterTheOther()
    {
        ServiceFixture f(QStringLiteral("backendlimit"), QStringLiteral("zlib"));
        BackendConfig backend = *f.catalog->backend(QStringLiteral("local"));
        backend.options[QStringLiteral("ember_max_operations")] = 1;
        f.catalog->upsertBackend(backend);
        f.addVolumeFile(8 * MiB, Fill::Mixed, 1);
        const StoredBackup first = backUpCopy(f, QString(), QStringLiteral("v-1.copy"));
        mutateFile(f.volumeFile(), 4, 100000, 2);
        const StoredBackup second = backUpCopy(f, QString(), QStringLiteral("v-2.copy"));
        QVERIFY(compareFiles(first.content, second.content) != QString());
        restoreOneAfterTheOther(
            f, first, second,
            QStringLiteral("waiting: backend 'local' is running 1 of 1 operations"));
        // Both slots were free again at once.
        OperationControl control;
        OperationLimits both;
        both.perBackend = 1;
        both.total = 1;
        const OperationSlot slot = acquireOperationSlot(operationSlotDirectory(f.catalog->path()),
                                                        QStringLiteral("local"), both, control);
        QVERIFY(slot.holdsAny());
        QCOMPARE(control.progress().phase, QString());
    }

    void totalLimitOneAcrossTwoBackends()
    {
        ServiceFixture f(QStringLiteral("totallimit"), QStringLiteral("zlib"));
        addPosixBackend(*f.catalog, QStringLiteral("other"), f.dir + QStringLiteral("/other"));
        f.catalog->setSetting(QString::fromLatin1(settingkeys::backupMaxOperations),
                              QStringLiteral("1"));
        f.addVolumeFile(8 * MiB, Fill::Mixed, 3);
        const StoredBackup onLocal =
            backUpCopy(f, QStringLiteral("local"), QStringLiteral("v-local.copy"));
        mutateFile(f.volumeFile(), 4, 100000, 4);
        const StoredBackup onOther =
            backUpCopy(f, QStringLiteral("other"), QStringLiteral("v-other.copy"));
        QCOMPARE(f.catalog->backup(onOther.id)->backendName, QStringLiteral("other"));
        restoreOneAfterTheOther(
            f, onLocal, onOther,
            QStringLiteral("waiting: 1 of 1 operations are running (backup_max_operations)"));
    }

    void unlimitedRestoresOverlap()
    {
        // 0 = unlimited: the second restore starts while the first holds on.
        ServiceFixture f(QStringLiteral("unlimited"), QStringLiteral("zlib"));
        f.catalog->setSetting(QString::fromLatin1(settingkeys::backupMaxOperations),
                              QStringLiteral("0"));
        f.addVolumeFile(4 * MiB, Fill::Mixed, 5);
        const StoredBackup first = backUpCopy(f, QString(), QStringLiteral("v-1.copy"));
        mutateFile(f.volumeFile(), 4, 100000, 6);
        const StoredBackup second = backUpCopy(f, QString(), QStringLiteral("v-2.copy"));
        std::atomic<bool> secondStarted{false};
        std::atomic<RestoreThread*> secondThread{nullptr};
        RestoreThread one(f.catalog->path(), first.id, f.dir + QStringLiteral("/r1.img"), [&] {
            secondStarted.store(waitUntil(
                [&] {
                    RestoreThread* other = secondThread.load();
                    return other && other->started();
                },
                kPatienceMs));
        });
        QVERIFY(waitUntil([&] { return one.started() || one.done(); }, kPatienceMs));
        RestoreThread two(f.catalog->path(), second.id, f.dir + QStringLiteral("/r2.img"));
        secondThread.store(&two);
        one.join();
        two.join();
        QVERIFY2(one.failure().isEmpty(), qPrintable(one.failure()));
        QVERIFY2(two.failure().isEmpty(), qPrintable(two.failure()));
        QVERIFY(secondStarted.load());
        QVERIFY(!two.waited());
        QVERIFY(!QFileInfo::exists(operationSlotDirectory(f.catalog->path())));
        QCOMPARE(compareFiles(first.content, one.restoredPath()), QString());
        QCOMPARE(compareFiles(second.content, two.restoredPath()), QString());
    }

    void twoCliBackupsWithLimitOne()
    {
        const QString dir = freshDir(QStringLiteral("cli"));
        m_cliHome = dir + QStringLiteral("/home");
        QVERIFY(QDir().mkpath(m_cliHome));

        // The setting: Cinder's default, checked values.
        {
            CLI_OK(shown, {QStringLiteral("settings-show"), QStringLiteral("--format"),
                           QStringLiteral("json")});
            QCOMPARE(jsonOf(shown.out).object().value(QStringLiteral("backup_max_operations")),
                     QJsonValue(QStringLiteral("15")));
            for (const QString& bad :
                 {QStringLiteral("-1"), QStringLiteral("two"), QStringLiteral("1.5")}) {
                const ProcessResult refused =
                    cli({QStringLiteral("settings-set"), QStringLiteral("--"),
                         QStringLiteral("backup_max_operations"), bad});
                QVERIFY2(
                    refused.exitCode == 1 &&
                        QString::fromUtf8(refused.err).contains(QStringLiteral("0 (unlimited)")),
                    qPrintable(describe(refused)));
            }
            CLI_OK(set, {QStringLiteral("settings-set"), QStringLiteral("backup_max_operations"),
                         QStringLiteral("1")});
            QCOMPARE(QString::fromUtf8(set.out).trimmed(),
                     QStringLiteral("backup_max_operations = 1"));
        }
        // The backend option is checked by its schema like any other.
        {
            const ProcessResult refused = cli(
                {QStringLiteral("backend-add"), QStringLiteral("limited"), QStringLiteral("posix"),
                 QStringLiteral("--option"), QStringLiteral("backup_posix_path=%1/x").arg(dir),
                 QStringLiteral("--option"), QStringLiteral("ember_max_operations=-1")});
            QVERIFY2(
                refused.exitCode == 1 &&
                    QString::fromUtf8(refused.err).contains(QStringLiteral("ember_max_operations")),
                qPrintable(describe(refused)));
        }
        CLI_OK(added, {QStringLiteral("backend-add-local"), QStringLiteral("store"),
                       dir + QStringLiteral("/store"), QStringLiteral("--default")});
        QStringList copies;
        for (const QString& name : {QStringLiteral("a"), QStringLiteral("b")}) {
            const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".img");
            makeVolumeFile(path, 24 * MiB, Fill::Random, name == QLatin1String("a") ? 7 : 8);
            CLI_OK(volume, {QStringLiteral("volume-add"), path, QStringLiteral("--name"), name});
            copies << path;
        }

        // The test holds the only slot until both processes wait for it.
        OperationControl holderControl;
        OperationLimits totalOfOne;
        totalOfOne.total = 1;
        OperationSlot held = acquireOperationSlot(
            operationSlotDirectory(m_cliHome + QStringLiteral("/catalog.sqlite")),
            QStringLiteral("test"), totalOfOne, holderControl);
        QVERIFY(held.holdsAny());

        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("EMBER_HOME"), m_cliHome);
        // Every job log line on stderr as it happens, with the time it was logged.
        environment.insert(QStringLiteral("QT_LOGGING_RULES"),
                           QStringLiteral("ember.cli.debug=true"));
        environment.insert(QStringLiteral("QT_MESSAGE_PATTERN"),
                           QStringLiteral("%{time yyyy-MM-dd HH:mm:ss.zzz}|%{message}"));
        QProcess processes[2];
        QByteArray errs[2];
        const QString waitingLine =
            QStringLiteral("waiting: 1 of 1 operations are running (backup_max_operations)");
        for (int i = 0; i < 2; ++i) {
            processes[i].setProcessEnvironment(environment);
            processes[i].setReadChannel(QProcess::StandardError);
            processes[i].start(qEnvironmentVariable("EMBER_CLI"),
                               {QStringLiteral("--format"), QStringLiteral("json"),
                                QStringLiteral("backup-create"),
                                i == 0 ? QStringLiteral("a") : QStringLiteral("b")});
            QVERIFY(processes[i].waitForStarted());
        }
        QElapsedTimer patience;
        patience.start();
        auto bothWaiting = [&] {
            return errs[0].contains(waitingLine.toUtf8()) && errs[1].contains(waitingLine.toUtf8());
        };
        while (!bothWaiting() && patience.elapsed() < kPatienceMs) {
            for (int i = 0; i < 2; ++i) {
                processes[i].waitForReadyRead(50);
                errs[i] += processes[i].readAllStandardError();
                QVERIFY2(processes[i].state() == QProcess::Running,
                         qPrintable(QString::fromUtf8(errs[i])));
            }
        }
        QVERIFY2(bothWaiting(), qPrintable(QString::fromUtf8(errs[0] + "\n----\n" + errs[1])));
        held = OperationSlot();

        QByteArray outs[2];
        for (int i = 0; i < 2; ++i) {
            QVERIFY(processes[i].waitForFinished(300000));
            errs[i] += processes[i].readAllStandardError();
            outs[i] = processes[i].readAllStandardOutput();
            QVERIFY2(processes[i].exitStatus() == QProcess::NormalExit &&
                         processes[i].exitCode() == 0,
                     qPrintable(QString::fromUtf8(errs[i])));
        }

        // One ran after the other: whichever got the slot second did so
        // only after the first logged its backup available.
        struct Run
        {
            QDateTime obtained;
            QDateTime available;
        };
        Run runs[2];
        QString ids[2];
        for (int i = 0; i < 2; ++i) {
            ids[i] = jsonOf(outs[i]).object().value(QStringLiteral("id")).toString();
            QVERIFY(!ids[i].isEmpty());
            const QList<TimedLine> lines = timedLines(errs[i]);
            const auto obtained =
                firstLineTime(lines, QStringLiteral("operation slot free after waiting "));
            const auto available =
                firstLineTime(lines, QStringLiteral("backup %1 is available").arg(ids[i]));
            QVERIFY2(obtained && available, qPrintable(QString::fromUtf8(errs[i])));
            runs[i] = {*obtained, *available};
        }
        const int firstRun = runs[0].obtained <= runs[1].obtained ? 0 : 1;
        const Run& earlier = runs[firstRun];
        const Run& later = runs[1 - firstRun];
        QVERIFY2(later.obtained >= earlier.available,
                 qPrintable(QStringLiteral("the second backup got its slot at %1, the first was "
                                           "available at %2")
                                .arg(later.obtained.toString(Qt::ISODateWithMs),
                                     earlier.available.toString(Qt::ISODateWithMs))));

        // The job history of both says they waited.
        CLI_OK(history,
               {QStringLiteral("history"), QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonArray jobs = jsonOf(history.out).array();
        int waitedJobs = 0;
        for (const QJsonValue& job : jobs) {
            const QString id =
                QString::number(job.toObject().value(QStringLiteral("id")).toInteger());
            CLI_OK(shown, {QStringLiteral("history-show"), id});
            if (QString::fromUtf8(shown.out).contains(waitingLine))
                ++waitedJobs;
        }
        QCOMPARE(waitedJobs, 2);

        // Both backups restore byte for byte.
        for (int i = 0; i < 2; ++i) {
            const QString target = dir + QStringLiteral("/restored-%1.img").arg(i);
            CLI_OK(restored,
                   {QStringLiteral("backup-restore"), ids[i], QStringLiteral("--path"), target});
            QCOMPARE(compareFiles(copies[i], target), QString());
        }
    }
};

QTEST_GUILESS_MAIN(TestOperationLimits)
#include "tst_operationlimits.moc"
