// The overview's data from a catalog filled by hand: the overdue rule at its
// boundaries (grace, creation time, calendar problems), the last success and
// its age per volume, the 30-day failure window, the stored-bytes series per
// backend (deleted backups subtracted at their deletion time, failed and
// unfinished ones never counted) and the next five runs.
#include "catalog.h"
#include "dashboarddata.h"

#include <QDir>
#include <QTest>
#include <QTimeZone>

using namespace ember;
using namespace ember::ui;

namespace {

QString freshDirectory(const QString& tag)
{
    QDir root(qEnvironmentVariable("EMBER_TEST_TMP", QDir::tempPath()));
    const QString path = root.filePath(QStringLiteral("dashboard-") + tag);
    QDir(path).removeRecursively();
    QDir().mkpath(path);
    return path;
}

QDateTime utc(const QDate& date, int hour, int minute = 0, int second = 0)
{
    return QDateTime(date, QTime(hour, minute, second), QTimeZone::utc());
}

Schedule makeSchedule(const QString& name, const QString& calendar, const QStringList& volumeIds,
                      const QDateTime& createdAt)
{
    Schedule schedule;
    schedule.id = newUuid();
    schedule.name = name;
    schedule.calendar = calendar;
    schedule.volumeIds = volumeIds;
    schedule.createdAt = createdAt;
    schedule.updatedAt = createdAt;
    return schedule;
}

const QString daily = QStringLiteral("*-*-* 02:00:00 UTC");
constexpr qint64 dailyGrace = 86400 / 10; // 2 h 24 min

} // namespace

class TestDashboardData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A daily 02:00 run: due once 02:00 + grace has passed, satisfied by a
    // backup created at or after 02:00.
    void overdueAtTheGraceBoundary()
    {
        const QDate day(2026, 3, 10);
        const Schedule schedule =
            makeSchedule(QStringLiteral("nightly"), daily, {}, utc(day.addDays(-30), 0));
        const QDateTime occurrence = utc(day, 2);
        const QDateTime deadline = occurrence.addSecs(dailyGrace); // 04:24
        const QDateTime yesterdaysRun = occurrence.addDays(-1);

        ScheduleCheck check = checkSchedule(schedule, yesterdaysRun, deadline.addSecs(-1));
        QCOMPARE(check.graceSeconds, dailyGrace);
        QCOMPARE(check.dueOccurrence, yesterdaysRun); // today's run still has time
        QVERIFY(!check.overdue);
        QVERIFY(check.problem.isEmpty());

        check = checkSchedule(schedule, yesterdaysRun, deadline);
        QCOMPARE(check.dueOccurrence, occurrence);
        QVERIFY(check.overdue);

        QVERIFY(!checkSchedule(schedule, occurrence, deadline).overdue);
        QVERIFY(checkSchedule(schedule, occurrence.addSecs(-1), deadline).overdue);
        // Never backed up, and due: overdue.
        QVERIFY(checkSchedule(schedule, QDateTime(), deadline).overdue);
        // A day later the next occurrence is the one that counts.
        QVERIFY(checkSchedule(schedule, occurrence, deadline.addDays(1)).overdue);
    }

    void graceIsATenthOfTheInterval()
    {
        const QDate day(2026, 3, 10);
        const Schedule hourly =
            makeSchedule(QStringLiteral("hourly"), QStringLiteral("*-*-* *:00:00 UTC"), {},
                         utc(day.addDays(-1), 0));
        const QDateTime lastRun = utc(day, 9);
        ScheduleCheck check = checkSchedule(hourly, lastRun, utc(day, 10, 5, 59));
        QCOMPARE(check.graceSeconds, qint64(360));
        QVERIFY(!check.overdue);
        check = checkSchedule(hourly, lastRun, utc(day, 10, 6));
        QCOMPARE(check.dueOccurrence, utc(day, 10));
        QVERIFY(check.overdue);
    }

    // A schedule created after its latest occurrence has not been due yet.
    void notDueBeforeTheScheduleExisted()
    {
        const QDate day(2026, 3, 10);
        const QDateTime now = utc(day, 12);
        ScheduleCheck check = checkSchedule(
            makeSchedule(QStringLiteral("new"), daily, {}, utc(day, 2, 0, 1)), QDateTime(), now);
        QVERIFY(!check.overdue);
        QVERIFY(!check.dueOccurrence.isValid());
        // Created exactly at the occurrence: that run was due.
        check = checkSchedule(makeSchedule(QStringLiteral("new"), daily, {}, utc(day, 2)),
                              QDateTime(), now);
        QVERIFY(check.overdue);
        QCOMPARE(check.dueOccurrence, utc(day, 2));
    }

    void unreadableCalendarIsNeverOverdue()
    {
        const QDate day(2026, 3, 10);
        const ScheduleCheck check =
            checkSchedule(makeSchedule(QStringLiteral("typo"), QStringLiteral("Mon..Fry 02:00"), {},
                                       utc(day.addDays(-30), 0)),
                          QDateTime(), utc(day, 12));
        QVERIFY(!check.overdue);
        QVERIFY2(check.problem.contains(QStringLiteral("Fry")), qPrintable(check.problem));
    }

    void computedFromTheCatalog()
    {
        // Tomorrow noon: later than anything the catalog may stamp itself.
        const QDate today = QDateTime::currentDateTimeUtc().date();
        const QDateTime now = utc(today.addDays(1), 12);
        const QString dir = freshDirectory(QStringLiteral("catalog"));
        Catalog catalog(QDir(dir).filePath(QStringLiteral("catalog.sqlite")));
        for (const QString& name : {QStringLiteral("local"), QStringLiteral("archive")}) {
            BackendConfig backend;
            backend.name = name;
            backend.type = QStringLiteral("posix");
            backend.options.insert(QStringLiteral("backup_posix_path"), QDir(dir).filePath(name));
            backend.isDefault = name == QLatin1String("local");
            catalog.upsertBackend(backend);
        }
        QHash<QString, QString> ids;
        for (const QString& name :
             {QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma"),
              QStringLiteral("delta"), QStringLiteral("epsilon")}) {
            Volume volume;
            volume.id = newUuid();
            volume.name = name;
            volume.path = QDir(dir).filePath(name + QStringLiteral(".img"));
            volume.sizeBytes = 1 << 20;
            volume.createdAt = now.addDays(-60);
            catalog.insertVolume(volume);
            ids.insert(name, volume.id);
        }
        auto addBackup = [&](const QString& volume, const QString& backend, qint64 secondsAgo,
                             qint64 storedBytes, const QString& status,
                             qint64 deletedSecondsAgo = -1) {
            Backup backup;
            backup.id = newUuid();
            backup.volumeId = ids.value(volume);
            backup.backendName = backend;
            backup.status = status;
            backup.storedBytes = storedBytes;
            backup.createdAt = now.addSecs(-secondsAgo);
            if (deletedSecondsAgo >= 0) {
                backup.status = BackupStatus::Deleted;
                backup.deleted = true;
                backup.deletedAt = now.addSecs(-deletedSecondsAgo);
            }
            catalog.insertBackup(backup);
            return backup.id;
        };
        constexpr qint64 day = 86400;
        const QString available = BackupStatus::Available;
        addBackup(QStringLiteral("gamma"), QStringLiteral("local"), 10 * day, 100, available);
        addBackup(QStringLiteral("alpha"), QStringLiteral("local"), 5 * day, 1000, available);
        // Deleted yesterday: in the series until then, never a last success.
        addBackup(QStringLiteral("epsilon"), QStringLiteral("local"), 4 * day, 200, available, day);
        addBackup(QStringLiteral("beta"), QStringLiteral("local"), 3 * day, 999,
                  BackupStatus::Error);
        addBackup(QStringLiteral("beta"), QStringLiteral("local"), 2 * day, 500, available);
        const QString alphaNewest =
            addBackup(QStringLiteral("alpha"), QStringLiteral("local"), 1200, 50, available);
        addBackup(QStringLiteral("alpha"), QStringLiteral("local"), 600, 777,
                  BackupStatus::Creating);
        addBackup(QStringLiteral("epsilon"), QStringLiteral("archive"), 20 * day, 300, available);
        addBackup(QStringLiteral("epsilon"), QStringLiteral("archive"), 3600, 40,
                  BackupStatus::Error);

        const QDateTime created = now.addDays(-30);
        catalog.insertSchedule(
            makeSchedule(QStringLiteral("nightly"), daily,
                         {ids.value(QStringLiteral("alpha")), ids.value(QStringLiteral("beta")),
                          ids.value(QStringLiteral("epsilon"))},
                         created));
        catalog.insertSchedule(makeSchedule(QStringLiteral("six-hourly"),
                                            QStringLiteral("*-*-* 00/6:00:00 UTC"),
                                            {ids.value(QStringLiteral("alpha"))}, created));
        Schedule paused =
            makeSchedule(QStringLiteral("paused"), QStringLiteral("*-*-* 03:00:00 UTC"),
                         {ids.value(QStringLiteral("delta"))}, created);
        paused.enabled = false;
        catalog.insertSchedule(paused);

        auto recordJob = [&](const QString& volume, qint64 secondsAgo, JobResult result,
                             const QString& reason) {
            JobRecord job;
            job.kind = QStringLiteral("backup");
            job.origin = QStringLiteral("schedule");
            job.title = QStringLiteral("Backup of ") + volume;
            job.volumeId = ids.value(volume);
            job.volumeName = volume;
            job.startedAt = now.addSecs(-secondsAgo);
            job.finishedAt = job.startedAt.addSecs(30);
            job.result = result;
            job.reason = reason;
            return catalog.recordJob(job);
        };
        const qint64 failedYesterday =
            recordJob(QStringLiteral("beta"), day, JobResult::Failed, QStringLiteral("disk full"));
        const qint64 interrupted = recordJob(QStringLiteral("epsilon"), 30 * day - 60,
                                             JobResult::Interrupted, QStringLiteral("power lost"));
        recordJob(QStringLiteral("beta"), 30 * day + 60, JobResult::Failed,
                  QStringLiteral("too old to show"));
        recordJob(QStringLiteral("alpha"), 1200, JobResult::Succeeded, QString());
        recordJob(QStringLiteral("alpha"), 3 * 3600, JobResult::Cancelled,
                  QStringLiteral("cancelled by request"));
        recordJob(QStringLiteral("alpha"), 4 * 3600, JobResult::Skipped,
                  QStringLiteral("volume busy"));

        const DashboardData data = computeDashboard(catalog, now);
        QCOMPARE(data.computedAt, now);

        // Volumes, by name.
        QStringList names;
        for (const VolumeOverview& volume : data.volumes)
            names << volume.volumeName;
        QCOMPARE(names, (QStringList{"alpha", "beta", "delta", "epsilon", "gamma"}));
        const VolumeOverview& alpha = data.volumes.at(0);
        QCOMPARE(alpha.lastBackupId, alphaNewest);
        QCOMPARE(alpha.lastSuccess, now.addSecs(-1200));
        QCOMPARE(alpha.ageSeconds, qint64(1200));
        QCOMPARE(alpha.schedules.size(), 2);
        QVERIFY(!alpha.overdue);
        const VolumeOverview& beta = data.volumes.at(1);
        QCOMPARE(beta.ageSeconds, 2 * day);
        QVERIFY(beta.overdue);
        QCOMPARE(beta.schedules.size(), 1);
        QCOMPARE(beta.schedules.first().scheduleName, QStringLiteral("nightly"));
        QCOMPARE(beta.schedules.first().dueOccurrence, utc(now.date(), 2));
        const VolumeOverview& delta = data.volumes.at(2);
        QVERIFY(!delta.lastSuccess.isValid());
        QCOMPARE(delta.ageSeconds, qint64(-1));
        QVERIFY(!delta.hasSchedule()); // its only schedule is disabled
        QVERIFY(!delta.overdue);
        const VolumeOverview& epsilon = data.volumes.at(3);
        QCOMPARE(epsilon.lastSuccess, now.addDays(-20)); // not the deleted one, not the error
        QVERIFY(epsilon.overdue);
        const VolumeOverview& gamma = data.volumes.at(4);
        QCOMPARE(gamma.ageSeconds, 10 * day);
        QVERIFY(!gamma.hasSchedule());
        QVERIFY(!gamma.overdue); // old, but nothing says how old it may be
        QCOMPARE(data.overdueCount(), 2);

        // Failures of the last 30 days, newest first.
        QCOMPARE(data.failures.size(), 2);
        QCOMPARE(data.failures.at(0).jobId, failedYesterday);
        QCOMPARE(data.failures.at(0).reason, QStringLiteral("disk full"));
        QCOMPARE(data.failures.at(0).volumeName, QStringLiteral("beta"));
        QCOMPARE(data.failures.at(0).result, JobResult::Failed);
        QCOMPARE(data.failures.at(1).jobId, interrupted);
        QCOMPARE(data.failures.at(1).result, JobResult::Interrupted);

        // Stored bytes per backend, by backend name.
        QCOMPARE(data.storage.size(), 2);
        const BackendStorage& archive = data.storage.at(0);
        QCOMPARE(archive.backendName, QStringLiteral("archive"));
        QCOMPARE(archive.points.size(), 2);
        QCOMPARE(archive.points.at(0).at, now.addDays(-20));
        QCOMPARE(archive.points.at(0).bytes, qint64(300));
        QCOMPARE(archive.points.at(1).at, now);
        QCOMPARE(archive.currentBytes(), qint64(300));
        const BackendStorage& local = data.storage.at(1);
        QCOMPARE(local.backendName, QStringLiteral("local"));
        const QList<QPair<qint64, qint64>> expected{
            {10 * day, 100}, {5 * day, 1100}, {4 * day, 1300}, {2 * day, 1800},
            {day, 1600},     {1200, 1650},    {0, 1650}};
        QCOMPARE(local.points.size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QCOMPARE(local.points.at(i).at, now.addSecs(-expected.at(i).first));
            QCOMPARE(local.points.at(i).bytes, expected.at(i).second);
        }

        // The next five runs over the enabled schedules, soonest first.
        const QDate tomorrow = now.date().addDays(1);
        const QList<QPair<QDateTime, QString>> runs{
            {utc(now.date(), 18), QStringLiteral("six-hourly")},
            {utc(tomorrow, 0), QStringLiteral("six-hourly")},
            {utc(tomorrow, 2), QStringLiteral("nightly")},
            {utc(tomorrow, 6), QStringLiteral("six-hourly")},
            {utc(tomorrow, 12), QStringLiteral("six-hourly")}};
        QCOMPARE(data.nextRuns.size(), runs.size());
        for (qsizetype i = 0; i < runs.size(); ++i) {
            QCOMPARE(data.nextRuns.at(i).at, runs.at(i).first);
            QCOMPARE(data.nextRuns.at(i).scheduleName, runs.at(i).second);
        }
        QCOMPARE(data.nextRuns.at(2).volumeNames, (QStringList{"alpha", "beta", "epsilon"}));
        QVERIFY(!data.isEmpty());
    }

    void emptyCatalogIsEmpty()
    {
        const QString dir = freshDirectory(QStringLiteral("empty"));
        Catalog catalog(QDir(dir).filePath(QStringLiteral("catalog.sqlite")));
        const DashboardData data = computeDashboard(catalog, QDateTime::currentDateTimeUtc());
        QVERIFY(data.isEmpty());
        QVERIFY(data.storage.isEmpty());
        QCOMPARE(data.overdueCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDashboardData)
#include "tst_dashboarddata.moc"
