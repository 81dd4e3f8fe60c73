// Concurrency stress for the start-up repair: ember-cli processes back up
// several volumes at once while other processes keep starting (each start
// runs the repair). No live job may be taken for a dead one: every backup a
// process reported available stays available and restores byte for byte, no
// volume leaves backing-up while its backup runs, nothing is repaired (no
// process dies here), no row is stuck. Then a kill -9'd backup whose pid now
// belongs to a live unrelated process must still be repaired.
#include "faultsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMutex>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <thread>

using namespace ember::faults;
using ember::test::Fill;
using ember::test::makeVolumeFile;

namespace {

constexpr qint64 kMiB = 1 << 20;
constexpr int kVolumes = 4;
constexpr int kWritersPerVolume = 3;
constexpr int kListers = 2;
constexpr int kTargetBackups = 300;
constexpr qint64 kTimeLimitMs = 200000; // ~30 s alone, ~90 s beside the kill tests

struct Made
{
    QString id;
    int volume = 0;
};

} // namespace

class FaultStressTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void concurrentBackupsWhileProcessesStart()
    {
        QString error;
        const Setup setup =
            makeSetup(QStringLiteral("stress"), QStringLiteral("none"), 1 * kMiB, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList volumes;
        for (int i = 0; i < kVolumes; ++i) {
            volumes << setup.dir + QStringLiteral("/vol%1.img").arg(i);
            makeVolumeFile(volumes.last(), 2 * kMiB, Fill::Random, quint32(70 + i));
            CLI_OK(cli(setup.home, {QStringLiteral("volume-add"), volumes.last(),
                                    QStringLiteral("--name"), QStringLiteral("vol%1").arg(i)}));
        }
        // Each volume's first backup, so that any later one may be an incremental.
        for (int i = 0; i < kVolumes; ++i)
            CLI_OK(
                cli(setup.home, {QStringLiteral("backup-create"), QStringLiteral("vol%1").arg(i)}));
        std::mt19937_64 seeds = seededRng("faults_stress");

        QMutex mutex;
        QList<Made> made;       // reported available by the creating process
        QStringList violations; // anything that must not happen
        std::atomic<int> successes{0};
        std::atomic<int> refusals{0};
        std::atomic<int> starts{0};
        std::atomic<bool> done{false};
        QElapsedTimer clock;
        clock.start();
        auto violation = [&](const QString& what) {
            QMutexLocker lock(&mutex);
            if (violations.size() < 20)
                violations << what;
        };
        // The start-up repair reports what it repaired; here nothing died.
        static const QRegularExpression repaired(
            QStringLiteral("interrupted|was left|reset on restart|could not recover|repaired"),
            QRegularExpression::CaseInsensitiveOption);

        std::vector<std::thread> threads;
        for (int v = 0; v < kVolumes; ++v) {
            for (int w = 0; w < kWritersPerVolume; ++w) {
                const quint64 seed = seeds();
                threads.emplace_back([&, v, seed] {
                    std::mt19937_64 rng(seed);
                    while (!done && successes < kTargetBackups && clock.elapsed() < kTimeLimitMs) {
                        QStringList arguments{QStringLiteral("--format"), QStringLiteral("json"),
                                              QStringLiteral("backup-create"),
                                              QStringLiteral("vol%1").arg(v)};
                        if (rng() % 2)
                            arguments << QStringLiteral("--incremental");
                        const ProcessResult result = cli(setup.home, arguments, 120000);
                        if (repaired.match(QString::fromUtf8(result.err)).hasMatch())
                            violation(QStringLiteral("a backup process repaired a live job: ") +
                                      QString::fromUtf8(result.err));
                        if (result.exitCode == 0) {
                            const QJsonObject backup = QJsonDocument::fromJson(result.out).object();
                            if (backup.value(QStringLiteral("status")).toString() !=
                                QLatin1String("available"))
                                violation(QStringLiteral("backup-create succeeded with status ") +
                                          backup.value(QStringLiteral("status")).toString());
                            QMutexLocker lock(&mutex);
                            made << Made{backup.value(QStringLiteral("id")).toString(), v};
                            ++successes;
                        } else if (result.exitCode == 1 &&
                                   (result.err.contains("busy") ||
                                    result.err.contains("backing-up") ||
                                    result.err.contains("must be available"))) {
                            // Another writer holds the volume, or its newest backup
                            // is still being made (no parent yet): expected.
                            ++refusals;
                        } else {
                            violation(QStringLiteral("backup of vol%1 failed: %2")
                                          .arg(v)
                                          .arg(QString::fromUtf8(describe(result))));
                        }
                    }
                });
            }
        }
        for (int l = 0; l < kListers; ++l) {
            threads.emplace_back([&] {
                while (!done) {
                    const ProcessResult result = cli(setup.home, {QStringLiteral("backup-list")});
                    ++starts;
                    if (result.exitCode != 0)
                        violation(QStringLiteral("backup-list failed: ") +
                                  QString::fromUtf8(describe(result)));
                    else if (repaired.match(QString::fromUtf8(result.err)).hasMatch())
                        violation(QStringLiteral("a starting process repaired a live job: ") +
                                  QString::fromUtf8(result.err));
                }
            });
        }
        // One consistent read: a backup being created on a volume that is not
        // backing-up means the volume was reset under a running backup.
        threads.emplace_back([&] {
            while (!done) {
                QString sqlError;
                const QList<QStringList> rows =
                    sqlRows(setup.catalog(),
                            QStringLiteral(
                                "SELECT b.id, v.name, v.status FROM backups b JOIN volumes v ON "
                                "v.id = b.volume_id WHERE b.status = 'creating' AND b.deleted = 0 "
                                "AND v.status != 'backing-up'"),
                            &sqlError);
                for (const QStringList& row : rows)
                    violation(QStringLiteral("volume %1 was %2 while its backup %3 ran")
                                  .arg(row.at(1), row.at(2), row.at(0)));
                QThread::msleep(20);
            }
        });
        while (successes < kTargetBackups && clock.elapsed() < kTimeLimitMs && violations.isEmpty())
            QThread::msleep(50);
        done = true;
        for (std::thread& thread : threads)
            thread.join();
        qInfo("%d backups available, %d busy refusals, %d other starts in %lld ms", int(successes),
              int(refusals), int(starts), clock.elapsed());
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join(QLatin1Char('\n'))));
        QVERIFY2(successes >= kTargetBackups, qPrintable(QStringLiteral("only %1 backups in %2 s")
                                                             .arg(int(successes))
                                                             .arg(kTimeLimitMs / 1000)));

        // Every backup reported available is still available and restores.
        const QString stuck = stuckRows(setup.home);
        QVERIFY2(stuck.isEmpty(), qPrintable(stuck));
        ProcessResult listing;
        QHash<QString, QJsonObject> listed;
        for (const QJsonValue& value :
             cliArray(setup.home, {QStringLiteral("backup-list")}, &listing))
            listed.insert(value.toObject().value(QStringLiteral("id")).toString(),
                          value.toObject());
        for (const QJsonObject& backup : std::as_const(listed))
            QVERIFY2(backup.value(QStringLiteral("status")).toString() ==
                         QLatin1String("available"),
                     qPrintable(QStringLiteral("backup %1 is %2: %3")
                                    .arg(backup.value(QStringLiteral("id")).toString(),
                                         backup.value(QStringLiteral("status")).toString(),
                                         backup.value(QStringLiteral("fail_reason")).toString())));
        for (const Made& backup : std::as_const(made))
            QVERIFY2(listed.contains(backup.id),
                     qPrintable(backup.id + QStringLiteral(" vanished")));
        const QString orphans = orphanObjects(setup.home, setup.store);
        QVERIFY2(orphans.isEmpty(), qPrintable(orphans));
        std::atomic<int> next{0};
        std::vector<std::thread> restorers;
        for (int r = 0; r < 3; ++r) {
            restorers.emplace_back([&, r] {
                for (qsizetype i = next++; i < made.size(); i = next++) {
                    const QString bad =
                        restoresIdentical(setup.home, made.at(i).id, volumes.at(made.at(i).volume),
                                          setup.dir + QStringLiteral("/restore-%1.img").arg(r));
                    if (!bad.isEmpty())
                        violation(bad);
                }
            });
        }
        for (std::thread& thread : restorers)
            thread.join();
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join(QLatin1Char('\n'))));
    }

    // The dead backup's job row names the pid of a live unrelated process:
    // the next start must still see the job as dead.
    void killedBackupWithReusedPidIsRepaired()
    {
        QString error;
        const Setup setup =
            makeSetup(QStringLiteral("pid-reuse"), QStringLiteral("bz2"), 4 * kMiB, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString volume = setup.dir + QStringLiteral("/vol.img");
        makeVolumeFile(volume, 48 * kMiB, Fill::Text, 80);
        CLI_OK(cli(setup.home, {QStringLiteral("volume-add"), volume, QStringLiteral("--name"),
                                QStringLiteral("vol")}));
        auto backup =
            startCli(setup.home, {QStringLiteral("backup-create"), QStringLiteral("vol")});
        QElapsedTimer clock;
        clock.start();
        QString id;
        while (id.isEmpty() && clock.elapsed() < 60000 && backup->state() == QProcess::Running) {
            const QList<QStringList> rows =
                sqlRows(setup.catalog(),
                        QStringLiteral("SELECT id FROM backups WHERE status = 'creating'"));
            if (!rows.isEmpty())
                id = rows.first().first();
            else
                QThread::msleep(10);
        }
        QVERIFY2(!id.isEmpty(), "the backup never showed as creating");
        QThread::msleep(200);
        QVERIFY2(backup->state() == QProcess::Running,
                 "the backup finished before it could be killed");
        killHard(*backup);

        QProcess unrelated;
        unrelated.start(QStringLiteral("sleep"), {QStringLiteral("120")});
        QVERIFY(unrelated.waitForStarted());
        const QString rewritten =
            sqlExec(setup.catalog(),
                    QStringLiteral("UPDATE volume_jobs SET pid = %1").arg(unrelated.processId()));
        if (!rewritten.isEmpty())
            qInfo("the catalog keeps no job pid to fake (%s): the plain kill is tested",
                  qPrintable(rewritten));
        for (const QStringList& row :
             sqlRows(setup.catalog(), QStringLiteral("SELECT * FROM volume_jobs")))
            qInfo("job row after the pid was rewritten: %s",
                  qPrintable(row.join(QLatin1Char('|'))));
        // Every check runs while the unrelated process lives: each ember-cli start repairs.
        auto stopUnrelated = qScopeGuard([&] {
            unrelated.kill();
            unrelated.waitForFinished();
        });
        const ProcessResult listing = cli(setup.home, {QStringLiteral("backup-list")});
        CLI_OK(listing);
        const QString status =
            backupNamed(setup.home, id).value(QStringLiteral("status")).toString();
        QVERIFY2(
            status == QLatin1String("error"),
            qPrintable(QStringLiteral("the killed backup is %1 after the next start").arg(status)));
        QCOMPARE(volumeNamed(setup.home, QStringLiteral("vol"))
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("available"));
        const QString orphans = orphanObjects(setup.home, setup.store);
        QVERIFY2(orphans.isEmpty(), qPrintable(orphans));
        // And the volume can be backed up again.
        CLI_OK(cli(setup.home, {QStringLiteral("backup-create"), QStringLiteral("vol")}));
        QVERIFY(unrelated.state() == QProcess::Running);
    }
};

QTEST_GUILESS_MAIN(FaultStressTest)
#include "tst_faultstress.moc"
