// The schedule runner (ember-cli schedule-run) with an injectable clock: what
// is due runs once (missed runs collapse into one), fulls are forced every N
// backups or N days, a busy volume is skipped and recorded, a failing backend
// is recorded with its reason, two runners never run one occurrence twice,
// and the retention policy is applied after the backup. Every backup a test
// makes is restored and compared byte for byte with the volume it was taken of.
#include "backupservice.h"
#include "scheduler.h"
#include "testsupport.h"

#include <QFile>
#include <QtTest>

using namespace ember;
using namespace ember::test;

namespace {

// The clock starts at the current minute (backups carry the real time, and
// "a full every N days" compares them with the clock), and each schedule
// elapses daily half an hour later, in UTC.
QDateTime startOfTest()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return QDateTime(now.date(), QTime(now.time().hour(), now.time().minute()), Qt::UTC);
}

struct ScheduleFixture : ServiceFixture
{
    QDateTime start = startOfTest();
    QDateTime clock = start;
    QDateTime firstElapse = start.addSecs(30 * 60);
    ScheduleRunner runner;
    int restores = 0;

    explicit ScheduleFixture(const QString& tag)
        : ServiceFixture(tag), runner(*service, [this] { return clock; })
    {
    }

    QString dailyCalendar(const QDateTime& at) const
    {
        return QStringLiteral("*-*-* %1 UTC").arg(at.time().toString(QStringLiteral("HH:mm:ss")));
    }

    Schedule addSchedule(const QString& name, const QStringList& volumeIds,
                         const std::function<void(Schedule&)>& adjust = {})
    {
        Schedule schedule;
        schedule.id = newUuid();
        schedule.name = name;
        schedule.volumeIds = volumeIds;
        schedule.calendar = dailyCalendar(firstElapse);
        schedule.createdAt = start;
        schedule.updatedAt = start;
        schedule.applyRetention = false;
        if (adjust)
            adjust(schedule);
        catalog->insertSchedule(schedule);
        return *catalog->schedule(schedule.id);
    }

    // Restores `backupId` and compares it with `source` (the volume's
    // current content, which the backup was just taken of).
    QString restoreDifference(const QString& backupId, const QString& source)
    {
        const QString restored =
            restoreToNewFile(backupId, QStringLiteral("restored-%1.img").arg(++restores));
        const QString difference = compareFiles(restored, source);
        QFile::remove(restored);
        return difference;
    }

    // Runs what is due at `at`; every backup made is restored and compared
    // with `source` right away.
    QList<JobRecord> runAt(const QDateTime& at, const QString& source = QString())
    {
        clock = at;
        OperationControl control;
        const QList<JobRecord> records = runner.runDue(control);
        for (const JobRecord& record : records) {
            if (record.kind != QLatin1String("backup") || record.result != JobResult::Succeeded)
                continue;
            const QString difference =
                restoreDifference(record.backupId, source.isEmpty() ? volumeFile() : source);
            if (!difference.isEmpty())
                qFatal("backup %s does not restore its volume: %s", qPrintable(record.backupId),
                       qPrintable(difference));
        }
        return records;
    }

    Backup backupOf(const JobRecord& record) const
    {
        const std::optional<Backup> backup = catalog->backup(record.backupId);
        if (!backup)
            qFatal("job %lld names backup %s, which is not in the catalog", record.id,
                   qPrintable(record.backupId));
        return *backup;
    }

    QList<Backup> availableBackups() const
    {
        QList<Backup> result;
        for (const Backup& backup : catalog->backups())
            if (backup.status == BackupStatus::Available)
                result << backup;
        return result;
    }
};

QString describe(const QList<JobRecord>& records)
{
    QStringList lines;
    for (const JobRecord& record : records)
        lines << QStringLiteral("%1 %2 %3: %4")
                     .arg(record.kind, record.volumeName, jobResultText(record.result),
                          record.reason);
    return lines.join(QLatin1Char('\n'));
}

RetentionPolicy keepLast(int count)
{
    RetentionPolicy policy;
    policy.keepLast = count;
    return policy;
}

} // namespace

class ScheduleTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void dueNotDueAndMissedRunsCollapseIntoOne()
    {
        ScheduleFixture f(QStringLiteral("schedule-due"));
        const Volume volume = f.addVolumeFile(2 << 20, Fill::Mixed, 3);
        const Schedule schedule = f.addSchedule(QStringLiteral("nightly"), {volume.id});

        QVERIFY(!f.runner.dueOccurrence(schedule, f.start.addSecs(600)));
        QVERIFY(f.runAt(f.start.addSecs(600)).isEmpty());
        QVERIFY(!f.catalog->schedule(schedule.id)->lastOccurrence.isValid());

        // Due at the very second of the elapse.
        const std::optional<QDateTime> due = f.runner.dueOccurrence(schedule, f.firstElapse);
        QVERIFY(due && *due == f.firstElapse);
        QList<JobRecord> records = f.runAt(f.firstElapse);
        QVERIFY2(records.size() == 1 && records.first().result == JobResult::Succeeded,
                 qPrintable(describe(records)));
        const JobRecord first = records.first();
        QCOMPARE(first.kind, QStringLiteral("backup"));
        QCOMPARE(first.origin, QStringLiteral("schedule"));
        QCOMPARE(first.scheduleId, schedule.id);
        QCOMPARE(first.volumeId, volume.id);
        QCOMPARE(first.backendName, QStringLiteral("local"));
        QVERIFY(first.bytesRead > 0);
        const Backup full = f.backupOf(first);
        QVERIFY(!full.isIncremental());
        QCOMPARE(first.bytesStored, full.storedBytes);
        QVERIFY(full.displayName.startsWith(QStringLiteral("scheduled nightly ")));
        QCOMPARE(f.catalog->schedule(schedule.id)->lastOccurrence, f.firstElapse);
        // The history holds the same record.
        JobHistoryFilter filter;
        filter.scheduleId = schedule.id;
        const QList<JobRecord> history = f.catalog->jobHistory(filter);
        QCOMPARE(history.size(), 1);
        QCOMPARE(history.first().id, first.id);
        QCOMPARE(history.first().result, JobResult::Succeeded);

        // Handled: not due again until the next elapse.
        QVERIFY(f.runAt(f.firstElapse).isEmpty());
        QVERIFY(f.runAt(f.firstElapse.addSecs(3600)).isEmpty());

        // The machine was off for three days: one run, for the latest elapse.
        mutateFile(f.volumeFile(), 2, 40000, 7);
        const QDateTime later = f.firstElapse.addDays(3).addSecs(3600);
        records = f.runAt(later);
        QVERIFY2(records.size() == 1 && records.first().result == JobResult::Succeeded,
                 qPrintable(describe(records)));
        QCOMPARE(f.backupOf(records.first()).parentId, full.id);
        QCOMPARE(f.catalog->schedule(schedule.id)->lastOccurrence, f.firstElapse.addDays(3));
        QVERIFY(f.runAt(later).isEmpty());
        QCOMPARE(f.catalog->backups().size(), 2);
    }

    void fullForcedEveryNBackups()
    {
        ScheduleFixture f(QStringLiteral("schedule-full-every"));
        const Volume volume = f.addVolumeFile(2 << 20, Fill::Mixed, 5);
        const Schedule schedule = f.addSchedule(QStringLiteral("every3"), {volume.id},
                                                [](Schedule& s) { s.fullEvery = 3; });
        QList<Backup> made;
        for (int run = 0; run < 7; ++run) {
            if (run > 0)
                mutateFile(f.volumeFile(), 2, 30000, quint32(100 + run));
            const QList<JobRecord> records = f.runAt(f.firstElapse.addDays(run));
            QVERIFY2(records.size() == 1 && records.first().result == JobResult::Succeeded,
                     qPrintable(describe(records)));
            made << f.backupOf(records.first());
            if (run == 3 || run == 6)
                QVERIFY2(records.first().reason.contains(QStringLiteral("a full every 3 backups")),
                         qPrintable(records.first().reason));
        }
        // full, inc, inc, full, inc, inc, full
        for (int run = 0; run < made.size(); ++run) {
            const bool full = run % 3 == 0;
            QVERIFY2(made.at(run).isIncremental() != full, qPrintable(QString::number(run)));
            if (!full)
                QCOMPARE(made.at(run).parentId, made.at(run - 1).id);
        }
        const ScheduleRunner::ModeDecision next =
            f.runner.decideMode(*f.catalog->schedule(schedule.id), volume.id, f.clock.addDays(1));
        QVERIFY(next.incremental);
    }

    void fullForcedAfterNDays()
    {
        ScheduleFixture f(QStringLiteral("schedule-full-days"));
        const Volume volume = f.addVolumeFile(2 << 20, Fill::Mixed, 9);
        f.addSchedule(QStringLiteral("weekly-full"), {volume.id},
                      [](Schedule& s) { s.fullEveryDays = 3; });
        QList<Backup> made;
        // (Four days only: the backups carry the real time, so after the
        // clock's day 3 every full made today is already days old.)
        for (int day = 0; day < 4; ++day) {
            if (day > 0)
                mutateFile(f.volumeFile(), 2, 30000, quint32(200 + day));
            const QList<JobRecord> records = f.runAt(f.firstElapse.addDays(day));
            QVERIFY2(records.size() == 1 && records.first().result == JobResult::Succeeded,
                     qPrintable(describe(records)));
            made << f.backupOf(records.first());
            if (day == 3)
                QVERIFY2(records.first().reason.contains(QStringLiteral("a full every 3 days")),
                         qPrintable(records.first().reason));
        }
        // Day 0 full; days 1 and 2 build on it; on day 3 the full is 3 days old.
        QVERIFY(!made.at(0).isIncremental());
        QCOMPARE(made.at(1).parentId, made.at(0).id);
        QCOMPARE(made.at(2).parentId, made.at(1).id);
        QVERIFY(!made.at(3).isIncremental());
    }

    void overlappingRunIsSkippedAndRecorded()
    {
        ScheduleFixture f(QStringLiteral("schedule-overlap"));
        const Volume volume = f.addVolumeFile(2 << 20, Fill::Mixed, 13);
        const Schedule schedule = f.addSchedule(QStringLiteral("busy"), {volume.id});
        VolumeJobLock held = f.catalog->lockVolume(volume.id, QStringLiteral("restore"));

        QList<JobRecord> records = f.runAt(f.firstElapse);
        QVERIFY2(records.size() == 1, qPrintable(describe(records)));
        const JobRecord skipped = records.first();
        QCOMPARE(skipped.result, JobResult::Skipped);
        QVERIFY2(
            skipped.reason.startsWith(QStringLiteral("overlapping run: restore running since")),
            qPrintable(skipped.reason));
        QCOMPARE(skipped.origin, QStringLiteral("schedule"));
        QCOMPARE(skipped.scheduleId, schedule.id);
        QCOMPARE(skipped.kind, QStringLiteral("backup"));
        QVERIFY(f.catalog->backups().isEmpty());
        const std::optional<JobRecord> stored = f.catalog->job(skipped.id);
        QVERIFY(stored);
        QCOMPARE(stored->result, JobResult::Skipped);
        QCOMPARE(stored->reason, skipped.reason);
        // The skip handled the occurrence: it is not retried behind the other job.
        QCOMPARE(f.catalog->schedule(schedule.id)->lastOccurrence, f.firstElapse);
        QVERIFY(f.runAt(f.firstElapse.addSecs(60)).isEmpty());

        held.release();
        records = f.runAt(f.firstElapse.addDays(1));
        QVERIFY2(records.size() == 1 && records.first().result == JobResult::Succeeded,
                 qPrintable(describe(records)));
    }

    void failingBackendIsRecordedWithItsReason()
    {
        ScheduleFixture f(QStringLiteral("schedule-failing-backend"));
        const Volume volume = f.addVolumeFile(2 << 20, Fill::Mixed, 17);
        // A posix backend whose directory is a file.
        const QString brokenStore = f.dir + QStringLiteral("/broken-store");
        writeWholeFile(brokenStore, "not a directory");
        BackendConfig broken;
        broken.name = QStringLiteral("broken");
        broken.type = QStringLiteral("posix");
        broken.options[QStringLiteral("backup_posix_path")] = brokenStore;
        f.catalog->upsertBackend(broken);
        f.addSchedule(QStringLiteral("to-broken"), {volume.id},
                      [](Schedule& s) { s.backendName = QStringLiteral("broken"); });
        f.addSchedule(QStringLiteral("to-nowhere"), {volume.id},
                      [](Schedule& s) { s.backendName = QStringLiteral("nowhere"); });

        const QList<JobRecord> records = f.runAt(f.firstElapse);
        QVERIFY2(records.size() == 2, qPrintable(describe(records)));
        const JobRecord& toBroken = records.at(0);
        QCOMPARE(toBroken.result, JobResult::Failed);
        QCOMPARE(toBroken.backendName, QStringLiteral("broken"));
        QVERIFY2(toBroken.reason.contains(brokenStore), qPrintable(toBroken.reason));
        // The same reason as the failed backup's row (which Cinder cuts at 255 characters).
        const Backup failed = f.backupOf(toBroken);
        QCOMPARE(failed.status, BackupStatus::Error);
        QCOMPARE(toBroken.reason.left(255), failed.failReason);
        QCOMPARE(f.catalog->job(toBroken.id)->reason, toBroken.reason);
        const JobRecord& toNowhere = records.at(1);
        QCOMPARE(toNowhere.result, JobResult::Failed);
        QVERIFY2(toNowhere.reason.contains(QStringLiteral("no backend named 'nowhere'")),
                 qPrintable(toNowhere.reason));
        QCOMPARE(f.catalog->job(toNowhere.id)->reason, toNowhere.reason);
        QVERIFY(f.availableBackups().isEmpty());
    }

    void failingVolumeDoesNotStopTheOthers()
    {
        ScheduleFixture f(QStringLiteral("schedule-failing-volume"));
        const Volume good = f.addVolumeFile(2 << 20, Fill::Mixed, 19);
        const QString goneFile = f.dir + QStringLiteral("/gone.img");
        makeVolumeFile(goneFile, 1 << 20, Fill::Random, 20);
        const Volume gone = f.service->addVolume(goneFile, QStringLiteral("gone"));
        QVERIFY(QFile::remove(goneFile));
        f.addSchedule(QStringLiteral("group"), {gone.id, good.id});

        const QList<JobRecord> records = f.runAt(f.firstElapse);
        QVERIFY2(records.size() == 2, qPrintable(describe(records)));
        QCOMPARE(records.at(0).volumeId, gone.id);
        QCOMPARE(records.at(0).result, JobResult::Failed);
        QVERIFY2(!records.at(0).reason.isEmpty(), qPrintable(describe(records)));
        QCOMPARE(records.at(1).volumeId, good.id);
        QCOMPARE(records.at(1).result, JobResult::Succeeded);
    }

    void twoRunnersRunAnOccurrenceOnce()
    {
        ScheduleFixture f(QStringLiteral("schedule-claim"));
        const Volume volume = f.addVolumeFile(2 << 20, Fill::Mixed, 23);
        const Schedule schedule = f.addSchedule(QStringLiteral("claimed"), {volume.id});

        // A second process: its own catalog connection and runner.
        Catalog otherCatalog(f.catalog->path());
        BackupService otherService(otherCatalog);
        ScheduleRunner other(otherService, [&] { return f.firstElapse; });

        // The second runner reads the schedules first, then asks the clock;
        // the other runner runs the whole occurrence in between, so the
        // second one still sees it due and only the claim stops it.
        QList<JobRecord> otherRecords;
        bool otherRan = false;
        ScheduleRunner second(*f.service, [&] {
            if (!otherRan) {
                otherRan = true;
                OperationControl control;
                otherRecords = other.runDue(control);
            }
            return f.firstElapse;
        });
        OperationControl control;
        QStringList log;
        control.setLogCallback([&](const QString& line) { log << line; });
        const QList<JobRecord> secondRecords = second.runDue(control);

        QVERIFY(otherRan);
        QVERIFY2(otherRecords.size() == 1 && otherRecords.first().result == JobResult::Succeeded,
                 qPrintable(describe(otherRecords)));
        QVERIFY2(secondRecords.isEmpty(), qPrintable(describe(secondRecords)));
        QVERIFY2(log.join(QLatin1Char('\n')).contains(QStringLiteral("taken by another process")),
                 qPrintable(log.join(QLatin1Char('\n'))));
        QCOMPARE(f.catalog->backups().size(), 1);
        JobHistoryFilter filter;
        filter.scheduleId = schedule.id;
        QCOMPARE(f.catalog->jobHistory(filter).size(), 1);
        const QString difference =
            f.restoreDifference(otherRecords.first().backupId, f.volumeFile());
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void retentionIsAppliedAfterTheBackup()
    {
        ScheduleFixture f(QStringLiteral("schedule-retention"));
        const Volume volume = f.addVolumeFile(2 << 20, Fill::Mixed, 29);
        f.catalog->setRetentionPolicy(Catalog::volumePolicyScope(volume.id), keepLast(2));
        const Schedule schedule =
            f.addSchedule(QStringLiteral("pruned"), {volume.id}, [](Schedule& s) {
                s.mode = Schedule::Mode::Full;
                s.applyRetention = true;
            });
        QStringList made;
        for (int run = 0; run < 4; ++run) {
            if (run > 0)
                mutateFile(f.volumeFile(), 2, 30000, quint32(300 + run));
            const QList<JobRecord> records = f.runAt(f.firstElapse.addDays(run));
            QVERIFY2(records.size() == 2, qPrintable(describe(records)));
            QCOMPARE(records.at(0).kind, QStringLiteral("backup"));
            QCOMPARE(records.at(0).result, JobResult::Succeeded);
            QVERIFY(!f.backupOf(records.at(0)).isIncremental());
            made << records.at(0).backupId;
            const JobRecord& prune = records.at(1);
            QCOMPARE(prune.kind, QStringLiteral("prune"));
            QCOMPARE(prune.origin, QStringLiteral("schedule"));
            QCOMPARE(prune.scheduleId, schedule.id);
            QVERIFY2(prune.result == JobResult::Succeeded, qPrintable(describe(records)));
            QVERIFY2(prune.reason.startsWith(
                         QStringLiteral("keep-last=2: %1 removed").arg(run >= 2 ? 1 : 0)),
                     qPrintable(prune.reason));
            QCOMPARE(f.catalog->job(prune.id)->result, JobResult::Succeeded);
        }
        QStringList kept;
        for (const Backup& backup : f.availableBackups())
            kept << backup.id;
        kept.sort();
        QStringList newest = made.mid(2);
        newest.sort();
        QCOMPARE(kept, newest);
    }

    void cancelStopsTheRun()
    {
        ScheduleFixture f(QStringLiteral("schedule-cancel"));
        const Volume first = f.addVolumeFile(4 << 20, Fill::Random, 37);
        const QString secondFile = f.dir + QStringLiteral("/w.img");
        makeVolumeFile(secondFile, 1 << 20, Fill::Mixed, 38);
        const Volume second = f.service->addVolume(secondFile, QStringLiteral("w"));
        f.addSchedule(QStringLiteral("cancelled"), {first.id, second.id});

        // The caller's own progress callback stays called under the recorder:
        // it cancels the run at the first report.
        OperationControl control;
        int reports = 0;
        control.setProgressCallback([&](const Progress&) {
            ++reports;
            control.requestCancel();
        });
        f.clock = f.firstElapse;
        const QList<JobRecord> records = f.runner.runDue(control);
        QVERIFY(reports > 0);
        QVERIFY2(records.size() == 1, qPrintable(describe(records)));
        QCOMPARE(records.first().volumeId, first.id);
        QCOMPARE(records.first().result, JobResult::Cancelled);
        QCOMPARE(f.catalog->job(records.first().id)->result, JobResult::Cancelled);
        QVERIFY(f.availableBackups().isEmpty());
    }

    void forcedRunOfANamedSchedule()
    {
        ScheduleFixture f(QStringLiteral("schedule-force"));
        const Volume volume = f.addVolumeFile(2 << 20, Fill::Mixed, 41);
        const Schedule schedule = f.addSchedule(QStringLiteral("by-hand"), {volume.id});
        f.clock = f.start.addSecs(60); // not due
        OperationControl control;
        ScheduleRunner::RunOptions options;
        options.force = true; // without a name: nothing is forced
        QVERIFY(f.runner.runDue(control, options).isEmpty());
        options.only = QStringLiteral("by-hand");
        const QList<JobRecord> records = f.runner.runDue(control, options);
        QVERIFY2(records.size() == 1 && records.first().result == JobResult::Succeeded,
                 qPrintable(describe(records)));
        QString difference = f.restoreDifference(records.first().backupId, f.volumeFile());
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        // Nothing was due, so nothing was claimed: the next elapse still runs.
        QVERIFY(!f.catalog->schedule(schedule.id)->lastOccurrence.isValid());
        mutateFile(f.volumeFile(), 2, 30000, 42);
        const QList<JobRecord> due = f.runAt(f.firstElapse);
        QVERIFY2(due.size() == 1 && due.first().result == JobResult::Succeeded,
                 qPrintable(describe(due)));
    }

    void upcomingMergesTheSchedules()
    {
        ScheduleFixture f(QStringLiteral("schedule-upcoming"));
        const Volume volume = f.addVolumeFile(1 << 20, Fill::Zeros, 31);
        const QDateTime hourLater = f.firstElapse.addSecs(3600);
        f.addSchedule(QStringLiteral("a"), {volume.id});
        f.addSchedule(QStringLiteral("b"), {volume.id},
                      [&](Schedule& s) { s.calendar = f.dailyCalendar(hourLater); });
        f.addSchedule(QStringLiteral("off"), {volume.id}, [&](Schedule& s) {
            s.enabled = false;
            s.calendar = f.dailyCalendar(f.start.addSecs(60));
        });
        const QList<ScheduleRunner::Upcoming> next = f.runner.upcoming(5);
        QCOMPARE(next.size(), 5);
        const QList<QPair<QString, QDateTime>> expected = {
            {QStringLiteral("a"), f.firstElapse},
            {QStringLiteral("b"), hourLater},
            {QStringLiteral("a"), f.firstElapse.addDays(1)},
            {QStringLiteral("b"), hourLater.addDays(1)},
            {QStringLiteral("a"), f.firstElapse.addDays(2)}};
        for (int i = 0; i < next.size(); ++i) {
            QCOMPARE(next.at(i).schedule.name, expected.at(i).first);
            QCOMPARE(next.at(i).at, expected.at(i).second);
        }
    }
};

QTEST_GUILESS_MAIN(ScheduleTest)
#include "engine_schedule.moc"
