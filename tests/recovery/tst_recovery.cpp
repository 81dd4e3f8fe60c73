// Crash safety: ember-cli is killed with SIGKILL in the middle of a backup and
// of a restore; the next start must leave a consistent catalog, no orphan
// objects, and older backups that still restore byte for byte.
#include "backupservice.h"
#include "catalog.h"
#include "testsupport.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <csignal>
#include <sqlite3.h>

using namespace ember;
using namespace ember::test;

namespace {

QProcess* startCli(const QString& home, const QStringList& arguments)
{
    auto* process = new QProcess;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("EMBER_HOME"), home);
    process->setProcessEnvironment(environment);
    process->start(qEnvironmentVariable("EMBER_CLI"), arguments);
    if (!process->waitForStarted())
        qFatal("ember-cli did not start");
    return process;
}

QJsonArray jsonList(const QString& home, const QStringList& arguments)
{
    const ProcessResult result =
        runCli(home, QStringList{QStringLiteral("--format"), QStringLiteral("json")} + arguments);
    if (result.exitCode != 0)
        qFatal("ember-cli failed: %s", result.err.constData());
    return QJsonDocument::fromJson(result.out).array();
}

QStringList filesUnder(const QString& directory)
{
    QStringList files;
    QDirIterator it(directory, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    return files;
}

// Polls the catalog (as another process would) until `condition` holds.
bool waitFor(Catalog& catalog, const std::function<bool(Catalog&)>& condition, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        if (condition(catalog))
            return true;
        QThread::msleep(20);
    }
    return false;
}

// The volume_jobs row of a job that died, naming `pid` (now someone else's).
void insertDeadJobRow(const QString& catalogPath, const QString& volumeId, const QString& backupId,
                      qint64 pid)
{
    sqlite3* raw = nullptr;
    if (sqlite3_open(QFile::encodeName(catalogPath).constData(), &raw) != SQLITE_OK)
        qFatal("cannot open %s", qPrintable(catalogPath));
    sqlite3_busy_timeout(raw, 10000);
    const QByteArray sql = QStringLiteral("INSERT OR REPLACE INTO volume_jobs (volume_id, "
                                          "operation, backup_id, pid, started_at) VALUES "
                                          "('%1', 'backup', '%2', %3, '2026-01-01T00:00:00.000Z')")
                               .arg(volumeId, backupId)
                               .arg(pid)
                               .toUtf8();
    if (sqlite3_exec(raw, sql.constData(), nullptr, nullptr, nullptr) != SQLITE_OK)
        qFatal("cannot insert the job row: %s", sqlite3_errmsg(raw));
    sqlite3_close(raw);
}

} // namespace

class RecoveryTest : public QObject
{
    Q_OBJECT
private:
    QString m_home;
    QString m_volume;
    QString m_firstBackupId;
    QString m_firstState;

private Q_SLOTS:
    void initTestCase()
    {
        const QString dir = freshDir(QStringLiteral("recovery"));
        m_home = dir + QStringLiteral("/home");
        m_volume = dir + QStringLiteral("/volume.img");
        m_firstState = dir + QStringLiteral("/first-state.img");
        // Text compresses well with bzip2 but slowly: time enough to kill mid-way.
        makeVolumeFile(m_volume, 96 << 20, Fill::Text, 21);
        QFile::copy(m_volume, m_firstState);
        QCOMPARE(runCli(m_home, {QStringLiteral("volume-add"), m_volume, QStringLiteral("--name"),
                                 QStringLiteral("vol")})
                     .exitCode,
                 0);
        QCOMPARE(runCli(m_home, {QStringLiteral("backend-add-local"), QStringLiteral("slow"),
                                 m_home + QStringLiteral("/slow"), QStringLiteral("--compression"),
                                 QStringLiteral("bz2"), QStringLiteral("--object-size"),
                                 QStringLiteral("8388608"), QStringLiteral("--default")})
                     .exitCode,
                 0);
        const ProcessResult first =
            runCli(m_home, {QStringLiteral("--format"), QStringLiteral("json"),
                            QStringLiteral("backup-create"), QStringLiteral("vol"),
                            QStringLiteral("--name"), QStringLiteral("first")});
        QVERIFY2(first.exitCode == 0, first.err.constData());
        m_firstBackupId =
            QJsonDocument::fromJson(first.out).object().value(QStringLiteral("id")).toString();
        QVERIFY(!m_firstBackupId.isEmpty());
        mutateFile(m_volume, 20, 1 << 20, 5);
    }

    void killDuringBackup()
    {
        Catalog catalog(m_home + QStringLiteral("/catalog.sqlite"));
        std::unique_ptr<QProcess> process(
            startCli(m_home, {QStringLiteral("backup-create"), QStringLiteral("vol"),
                              QStringLiteral("--name"), QStringLiteral("doomed")}));
        // Wait until objects of the new backup are on disk, then kill it hard.
        QString doomedId;
        QVERIFY(waitFor(
            catalog,
            [&](Catalog& c) {
                for (const Backup& backup : c.backups())
                    if (backup.displayName == QLatin1String("doomed") &&
                        !backup.serviceMetadata.isEmpty()) {
                        doomedId = backup.id;
                        for (const QString& file : filesUnder(m_home + QStringLiteral("/slow")))
                            if (file.contains(backup.serviceMetadata + QStringLiteral("-0000")))
                                return true;
                    }
                return false;
            },
            60000));
        ::kill(pid_t(process->processId()), SIGKILL);
        QVERIFY(process->waitForFinished());
        QCOMPARE(catalog.backup(doomedId)->status, BackupStatus::Creating);

        // The next ember-cli start recovers, as Cinder's service restart does.
        const ProcessResult listing = runCli(m_home, {QStringLiteral("backup-list")});
        QCOMPARE(listing.exitCode, 0);
        QVERIFY2(listing.err.contains(doomedId.toLatin1()), listing.err.constData());
        const std::optional<Backup> doomed = catalog.backup(doomedId);
        QCOMPARE(doomed->status, BackupStatus::Error);
        QCOMPARE(doomed->failReason, QStringLiteral("incomplete backup reset on restart"));
        for (const QString& file : filesUnder(m_home + QStringLiteral("/slow")))
            QVERIFY2(!file.contains(doomed->serviceMetadata), qPrintable(file));
        QCOMPARE(catalog.resolveVolume(QStringLiteral("vol")).status, VolumeStatus::Available);
        QVERIFY(catalog.runningJobs().isEmpty());

        // The older backup is untouched and restores byte for byte.
        const QString restored =
            QFileInfo(m_volume).absolutePath() + QStringLiteral("/after-backup-crash.img");
        const ProcessResult restore = runCli(
            m_home, {QStringLiteral("backup-restore"), m_firstBackupId, QStringLiteral("--name"),
                     QStringLiteral("after-backup-crash"), QStringLiteral("--path"), restored});
        QVERIFY2(restore.exitCode == 0, restore.err.constData());
        QCOMPARE(compareFiles(m_firstState, restored), QString());
    }

    void killDuringRestore()
    {
        Catalog catalog(m_home + QStringLiteral("/catalog.sqlite"));
        const QString target =
            QFileInfo(m_volume).absolutePath() + QStringLiteral("/half-restored.img");
        std::unique_ptr<QProcess> process(startCli(
            m_home, {QStringLiteral("backup-restore"), m_firstBackupId, QStringLiteral("--name"),
                     QStringLiteral("half"), QStringLiteral("--path"), target}));
        QVERIFY(waitFor(
            catalog,
            [&](Catalog& c) {
                const std::optional<Backup> backup = c.backup(m_firstBackupId);
                return backup && backup->status == BackupStatus::Restoring;
            },
            60000));
        QThread::msleep(300);
        ::kill(pid_t(process->processId()), SIGKILL);
        QVERIFY(process->waitForFinished());
        if (catalog.backup(m_firstBackupId)->status != BackupStatus::Restoring)
            QSKIP("the restore finished before it could be killed");

        const ProcessResult listing = runCli(m_home, {QStringLiteral("volume-list")});
        QCOMPARE(listing.exitCode, 0);
        QCOMPARE(catalog.backup(m_firstBackupId)->status, BackupStatus::Available);
        QCOMPARE(catalog.resolveVolume(QStringLiteral("half")).status,
                 VolumeStatus::ErrorRestoring);
        QVERIFY(catalog.runningJobs().isEmpty());

        // Restoring again into the same (damaged) volume repairs it.
        const ProcessResult again =
            runCli(m_home, {QStringLiteral("backup-reset-state"), m_firstBackupId});
        QCOMPARE(again.exitCode, 0);
        Volume half = catalog.resolveVolume(QStringLiteral("half"));
        half.status =
            VolumeStatus::Available; // an administrator's decision, as Cinder's reset-state
        catalog.updateVolume(half);
        const ProcessResult restore =
            runCli(m_home, {QStringLiteral("backup-restore"), m_firstBackupId,
                            QStringLiteral("--volume"), QStringLiteral("half")});
        QVERIFY2(restore.exitCode == 0, restore.err.constData());
        QCOMPARE(compareFiles(m_firstState, target), QString());
    }

    // A backup killed with -9 whose PID now belongs to an unrelated live
    // process: the next start repairs its rows all the same.
    void reusedPidDoesNotKeepABackupCreating()
    {
        const QString dir = freshDir(QStringLiteral("recovery-reused-pid"));
        const QString home = dir + QStringLiteral("/home");
        const QString volumePath = dir + QStringLiteral("/reused.img");
        makeVolumeFile(volumePath, 4 << 20, Fill::Random, 31);
        QCOMPARE(runCli(home, {QStringLiteral("volume-add"), volumePath, QStringLiteral("--name"),
                               QStringLiteral("reused")})
                     .exitCode,
                 0);
        const QString catalogPath = home + QStringLiteral("/catalog.sqlite");
        QString backupId;
        QString volumeId;
        QProcess unrelated;
        unrelated.start(QStringLiteral("sleep"), {QStringLiteral("120")});
        QVERIFY(unrelated.waitForStarted());
        {
            // The rows a killed backup left, as its process wrote them.
            Catalog catalog(catalogPath);
            Volume volume = catalog.resolveVolume(QStringLiteral("reused"));
            volumeId = volume.id;
            Backup backup;
            backup.id = newUuid();
            backupId = backup.id;
            backup.volumeId = volume.id;
            backup.status = BackupStatus::Creating;
            backup.backendName = QStringLiteral("local");
            backup.serviceMetadata = QStringLiteral("volume_%1/20260101000000/az_nova_backup_%2")
                                         .arg(volume.id, backup.id);
            catalog.insertBackup(backup);
            volume.previousStatus = VolumeStatus::Available;
            volume.status = VolumeStatus::BackingUp;
            catalog.updateVolume(volume);
        }
        insertDeadJobRow(catalogPath, volumeId, backupId, unrelated.processId());

        const ProcessResult listing = runCli(home, {QStringLiteral("backup-list")});
        QVERIFY2(listing.exitCode == 0, listing.err.constData());
        QVERIFY2(listing.err.contains(backupId.toLatin1()), listing.err.constData());
        Catalog catalog(catalogPath);
        QCOMPARE(catalog.backup(backupId)->status, BackupStatus::Error);
        QCOMPARE(catalog.volume(volumeId)->status, VolumeStatus::Available);
        QVERIFY(catalog.runningJobs().isEmpty());
        unrelated.kill();
        unrelated.waitForFinished();

        // The volume is usable again: a backup of it restores byte for byte.
        const ProcessResult backup =
            runCli(home, {QStringLiteral("--format"), QStringLiteral("json"),
                          QStringLiteral("backup-create"), QStringLiteral("reused")});
        QVERIFY2(backup.exitCode == 0, backup.err.constData());
        const QString id =
            QJsonDocument::fromJson(backup.out).object().value(QStringLiteral("id")).toString();
        const QString restored = dir + QStringLiteral("/reused-restored.img");
        const ProcessResult restore =
            runCli(home, {QStringLiteral("backup-restore"), id, QStringLiteral("--name"),
                          QStringLiteral("reused-restored"), QStringLiteral("--path"), restored});
        QVERIFY2(restore.exitCode == 0, restore.err.constData());
        QCOMPARE(compareFiles(volumePath, restored), QString());
    }

    // Another process's live backup: starts of ember-cli (each runs the
    // repair) and a repair in this process leave it alone; it completes.
    void liveBackupOfAnotherProcessIsLeftAlone()
    {
        const QString dir = freshDir(QStringLiteral("recovery-live"));
        const QString home = dir + QStringLiteral("/home");
        const QString volumePath = dir + QStringLiteral("/live.img");
        // Random data through bzip2: seconds to back up, time enough to look.
        makeVolumeFile(volumePath, 64 << 20, Fill::Random, 41);
        QCOMPARE(runCli(home, {QStringLiteral("volume-add"), volumePath, QStringLiteral("--name"),
                               QStringLiteral("live")})
                     .exitCode,
                 0);
        QCOMPARE(runCli(home, {QStringLiteral("backend-add-local"), QStringLiteral("slow"),
                               home + QStringLiteral("/slow"), QStringLiteral("--compression"),
                               QStringLiteral("bz2"), QStringLiteral("--object-size"),
                               QStringLiteral("4194304"), QStringLiteral("--default")})
                     .exitCode,
                 0);
        Catalog catalog(home + QStringLiteral("/catalog.sqlite"));
        std::unique_ptr<QProcess> process(
            startCli(home, {QStringLiteral("--format"), QStringLiteral("json"),
                            QStringLiteral("backup-create"), QStringLiteral("live")}));
        QString liveId;
        QVERIFY(waitFor(
            catalog,
            [&](Catalog& c) {
                for (const Backup& backup : c.backups())
                    if (backup.status == BackupStatus::Creating &&
                        !backup.serviceMetadata.isEmpty()) {
                        liveId = backup.id;
                        return true;
                    }
                return false;
            },
            60000));
        const QString volumeId = catalog.resolveVolume(QStringLiteral("live")).id;
        for (int start = 0; start < 3; ++start) {
            const ProcessResult listing = runCli(home, {QStringLiteral("backup-list")});
            QVERIFY2(listing.exitCode == 0, listing.err.constData());
            QVERIFY2(!listing.err.contains(liveId.toLatin1()), listing.err.constData());
        }
        {
            BackupService service(catalog);
            QCOMPARE(service.recoverInterruptedOperations(), QStringList());
        }
        QVERIFY(process->state() == QProcess::Running);
        QCOMPARE(catalog.backup(liveId)->status, BackupStatus::Creating);
        QCOMPARE(catalog.volume(volumeId)->status, VolumeStatus::BackingUp);
        QCOMPARE(catalog.runningJobs().size(), 1);

        QVERIFY(process->waitForFinished(300000));
        QVERIFY2(process->exitCode() == 0, process->readAllStandardError().constData());
        QCOMPARE(catalog.backup(liveId)->status, BackupStatus::Available);
        QCOMPARE(catalog.volume(volumeId)->status, VolumeStatus::Available);
        const QString restored = dir + QStringLiteral("/live-restored.img");
        const ProcessResult restore =
            runCli(home, {QStringLiteral("backup-restore"), liveId, QStringLiteral("--name"),
                          QStringLiteral("live-restored"), QStringLiteral("--path"), restored});
        QVERIFY2(restore.exitCode == 0, restore.err.constData());
        QCOMPARE(compareFiles(volumePath, restored), QString());
    }

    void catalogStaysConsistent()
    {
        const QJsonArray backups = jsonList(m_home, {QStringLiteral("backup-list")});
        QCOMPARE(backups.size(), 2);
        for (const QJsonValue& value : backups) {
            const QString status = value.toObject().value(QStringLiteral("status")).toString();
            QVERIFY2(status == BackupStatus::Available || status == BackupStatus::Error,
                     qPrintable(status));
        }
    }
};

QTEST_GUILESS_MAIN(RecoveryTest)
#include "tst_recovery.moc"
