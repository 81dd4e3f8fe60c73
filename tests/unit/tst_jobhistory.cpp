// Schedules, job history and settings in the catalog, against a real SQLite
// file: CRUD and resolve rules, the compare-and-set claim of an occurrence
// between two connections, history filters, pruning, settling jobs whose
// process ended, the migration from schema 4 and a history of 100,000 jobs.
#include "catalog.h"
#include "schedule.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <atomic>
#include <sqlite3.h>
#include <thread>
#include <unistd.h>

using namespace ember;

namespace {

QString tempRoot()
{
    const QString root = qEnvironmentVariable("EMBER_TEST_TMP", QDir::tempPath());
    QDir().mkpath(root);
    return root;
}

QDateTime at(int year, int month, int day, int hour = 0, int minute = 0, int second = 0, int ms = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second, ms), QTimeZone::utc());
}

Volume makeVolume(const QString& name)
{
    Volume volume;
    volume.id = newUuid();
    volume.name = name;
    volume.kind = VolumeKind::File;
    volume.path = QStringLiteral("/tmp/%1.img").arg(name);
    volume.sizeBytes = 1024 * 1024;
    volume.status = QStringLiteral("available");
    volume.createdAt = QDateTime::currentDateTimeUtc();
    return volume;
}

Schedule makeSchedule(const QString& name, const QStringList& volumeIds)
{
    Schedule schedule;
    schedule.id = newUuid();
    schedule.name = name;
    schedule.volumeIds = volumeIds;
    schedule.calendar = QStringLiteral("Mon..Fri 02:00");
    schedule.backendName = QStringLiteral("local");
    schedule.mode = Schedule::Mode::Incremental;
    schedule.fullEvery = 7;
    schedule.fullEveryDays = 30;
    schedule.applyRetention = false;
    schedule.enabled = true;
    return schedule;
}

// Every field with a distinct, non-default value.
JobRecord makeJob(const QString& volumeId, const QDateTime& startedAt, JobResult result,
                  const QString& kind = QStringLiteral("backup"))
{
    JobRecord job;
    job.kind = kind;
    job.origin = QStringLiteral("schedule");
    job.title = QStringLiteral("Backup of disk (incremental)");
    job.volumeId = volumeId;
    job.volumeName = QStringLiteral("disk");
    job.backupId = newUuid();
    job.backendName = QStringLiteral("local");
    job.scheduleId = QStringLiteral("schedule-1");
    job.cloud = QStringLiteral("cloud-a");
    job.startedAt = startedAt;
    job.finishedAt = result == JobResult::Running ? QDateTime() : startedAt.addSecs(90);
    job.bytesRead = 1000000;
    job.bytesStored = 250000;
    job.bytesPerSecond = 11111.5;
    job.result = result;
    job.reason = result == JobResult::Failed ? QStringLiteral("backend unreachable")
                                             : QStringLiteral("stored 250 kB");
    job.log = QStringLiteral("started\nread 1 MB\nfinished");
    job.pid = 4242;
    return job;
}

void compareJobs(const JobRecord& actual, const JobRecord& expected, bool withLog = true)
{
    QCOMPARE(actual.kind, expected.kind);
    QCOMPARE(actual.origin, expected.origin);
    QCOMPARE(actual.title, expected.title);
    QCOMPARE(actual.volumeId, expected.volumeId);
    QCOMPARE(actual.volumeName, expected.volumeName);
    QCOMPARE(actual.backupId, expected.backupId);
    QCOMPARE(actual.backendName, expected.backendName);
    QCOMPARE(actual.scheduleId, expected.scheduleId);
    QCOMPARE(actual.cloud, expected.cloud);
    QCOMPARE(actual.startedAt, expected.startedAt);
    QCOMPARE(actual.finishedAt, expected.finishedAt);
    QCOMPARE(actual.bytesRead, expected.bytesRead);
    QCOMPARE(actual.bytesStored, expected.bytesStored);
    QCOMPARE(actual.bytesPerSecond, expected.bytesPerSecond);
    QCOMPARE(actual.result, expected.result);
    QCOMPARE(actual.reason, expected.reason);
    QCOMPARE(actual.pid, expected.pid);
    QCOMPARE(actual.log, withLog ? expected.log : QString());
}

void executeRaw(const QString& path, const QString& sql)
{
    sqlite3* raw = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 10000);
    char* message = nullptr;
    const int rc = sqlite3_exec(raw, sql.toUtf8().constData(), nullptr, nullptr, &message);
    const QString problem = QString::fromUtf8(message ? message : "");
    sqlite3_free(message);
    sqlite3_close(raw);
    QVERIFY2(rc == SQLITE_OK, qPrintable(problem));
}

// The first column of every row `sql` gives, read from the file directly.
QStringList queryRaw(const QString& path, const char* sql)
{
    sqlite3* raw = nullptr;
    QStringList values;
    if (sqlite3_open(QFile::encodeName(path).constData(), &raw) != SQLITE_OK)
        return values;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(raw, sql, -1, &statement, nullptr) == SQLITE_OK) {
        while (sqlite3_step(statement) == SQLITE_ROW)
            values << QString::fromUtf8(
                reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    }
    sqlite3_finalize(statement);
    sqlite3_close(raw);
    return values;
}

QStringList columnsOf(const QString& path, const char* table)
{
    sqlite3* raw = nullptr;
    QStringList names;
    if (sqlite3_open(QFile::encodeName(path).constData(), &raw) != SQLITE_OK)
        return names;
    sqlite3_stmt* statement = nullptr;
    const QByteArray sql = QByteArray("PRAGMA table_info(") + table + ")";
    if (sqlite3_prepare_v2(raw, sql.constData(), -1, &statement, nullptr) == SQLITE_OK) {
        while (sqlite3_step(statement) == SQLITE_ROW)
            names << QString::fromUtf8(
                reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)));
    }
    sqlite3_finalize(statement);
    sqlite3_close(raw);
    return names;
}

// The catalog as Ember wrote it before schedules (schema version 4: the
// first four migrations, frozen here as they were), with a volume, two
// backups, a backend, a retention policy and a prune record.
const char* const kVersion4Schema = R"sql(
CREATE TABLE volumes (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,
    backend_name TEXT, size_bytes INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
    previous_status TEXT, created_at TEXT, updated_at TEXT, metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX volumes_path ON volumes(path);
CREATE TABLE backends (
    name TEXT PRIMARY KEY, type TEXT NOT NULL, options TEXT NOT NULL DEFAULT '{}',
    is_default INTEGER NOT NULL DEFAULT 0, created_at TEXT
);
CREATE TABLE backups (
    id TEXT PRIMARY KEY, user_id TEXT, project_id TEXT, volume_id TEXT, host TEXT,
    availability_zone TEXT, display_name TEXT, display_description TEXT, container TEXT,
    parent_id TEXT, status TEXT NOT NULL, fail_reason TEXT, service_metadata TEXT, service TEXT,
    size INTEGER NOT NULL DEFAULT 0, object_count INTEGER NOT NULL DEFAULT 0,
    temp_volume_id TEXT, temp_snapshot_id TEXT, num_dependent_backups INTEGER NOT NULL DEFAULT 0,
    snapshot_id TEXT, data_timestamp TEXT, restore_volume_id TEXT, encryption_key_id TEXT,
    metadata TEXT NOT NULL DEFAULT '{}', created_at TEXT, updated_at TEXT, deleted_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0, backend_name TEXT,
    volume_size_bytes INTEGER NOT NULL DEFAULT 0, stored_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX backups_volume ON backups(volume_id, deleted);
CREATE INDEX backups_parent ON backups(parent_id, deleted);
CREATE TABLE volume_jobs (
    volume_id TEXT PRIMARY KEY, operation TEXT NOT NULL, backup_id TEXT, pid INTEGER NOT NULL,
    started_at TEXT NOT NULL
);
ALTER TABLE volumes ADD COLUMN identity TEXT NOT NULL DEFAULT '';
CREATE INDEX volumes_identity ON volumes(identity);
ALTER TABLE volume_jobs ADD COLUMN lock_key TEXT NOT NULL DEFAULT '';
ALTER TABLE backups ADD COLUMN protected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE backups ADD COLUMN synthesized_from TEXT NOT NULL DEFAULT '';
CREATE TABLE retention_policies (scope TEXT PRIMARY KEY, policy TEXT NOT NULL, updated_at TEXT);
CREATE TABLE prune_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, volume_id TEXT, backup_id TEXT, action TEXT,
    detail TEXT, policy TEXT
);
CREATE INDEX prune_log_volume ON prune_log(volume_id);
CREATE TABLE verified_objects (
    backup_id TEXT, object TEXT, verified_at TEXT, PRIMARY KEY (backup_id, object)
);
CREATE TABLE verify_results (
    backup_id TEXT PRIMARY KEY, checked_at TEXT, ok INTEGER, problem TEXT, sample_percent INTEGER,
    objects_checked INTEGER, objects_total INTEGER
);
INSERT INTO volumes (id, name, kind, path, size_bytes, status, created_at, identity)
    VALUES ('11111111-1111-4111-8111-111111111111', 'old', 'file', '/tmp/old.img', 1048576,
            'available', '2025-03-04T05:06:07.000Z', 'file:1:2');
INSERT INTO backends (name, type, options, is_default, created_at)
    VALUES ('local', 'posix', '{"backup_posix_path":"/tmp/b"}', 1, '2025-03-04T05:00:00.000Z');
INSERT INTO backups (id, volume_id, display_name, container, status, service_metadata, service,
                     size, object_count, created_at, backend_name, volume_size_bytes,
                     stored_bytes, protected)
    VALUES ('22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111',
            'full', 'c', 'available', 'prefix_full',
            'cinder.backup.drivers.posix.PosixBackupDriver', 1, 3,
            '2025-03-04T06:00:00.000Z', 'local', 1048576, 4096, 1);
INSERT INTO backups (id, volume_id, display_name, container, parent_id, status,
                     service_metadata, service, size, object_count, created_at, backend_name,
                     volume_size_bytes, stored_bytes)
    VALUES ('33333333-3333-4333-8333-333333333333', '11111111-1111-4111-8111-111111111111',
            'incr', 'c', '22222222-2222-4222-8222-222222222222', 'available', 'prefix_incr',
            'cinder.backup.drivers.posix.PosixBackupDriver', 1, 1,
            '2025-03-05T06:00:00.000Z', 'local', 1048576, 512);
INSERT INTO retention_policies (scope, policy, updated_at)
    VALUES ('backend:local', '{"keep_last":3}', '2025-03-04T05:00:00.000Z');
INSERT INTO prune_log (at, volume_id, backup_id, action, detail, policy)
    VALUES ('2025-03-06T00:00:00.000Z', '11111111-1111-4111-8111-111111111111', 'gone',
            'removed', 'kept by nothing', 'keep last 3');
PRAGMA user_version=4;
)sql";
const QString kOldVolume = QStringLiteral("11111111-1111-4111-8111-111111111111");
const QString kOldFull = QStringLiteral("22222222-2222-4222-8222-222222222222");
const QString kOldIncremental = QStringLiteral("33333333-3333-4333-8333-333333333333");

// A pid that belonged to a process which has ended (and was reaped).
qint64 deadPid()
{
    QProcess process;
    process.start(QStringLiteral("true"), {});
    if (!process.waitForStarted())
        return 0;
    const qint64 pid = process.processId();
    process.waitForFinished();
    return pid;
}

} // namespace

class JobHistoryTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir* m_dir = nullptr;
    QString dbPath(const QString& name = QStringLiteral("catalog.sqlite")) const
    {
        return m_dir->filePath(name);
    }

private Q_SLOTS:
    void init()
    {
        m_dir = new QTemporaryDir(tempRoot() + QStringLiteral("/jobhistory-XXXXXX"));
        QVERIFY(m_dir->isValid());
    }
    void cleanup()
    {
        delete m_dir;
        m_dir = nullptr;
    }

    void textsRoundTrip()
    {
        for (const Schedule::Mode mode : {Schedule::Mode::Incremental, Schedule::Mode::Full})
            QCOMPARE(scheduleModeFromText(scheduleModeText(mode)), mode);
        QCOMPARE(scheduleModeText(Schedule::Mode::Full), QStringLiteral("full"));
        QCOMPARE(scheduleModeFromText(QStringLiteral(" Incremental ")),
                 Schedule::Mode::Incremental);
        QVERIFY_THROWS_EXCEPTION(Error, scheduleModeFromText(QStringLiteral("differential")));
        for (const JobResult result :
             {JobResult::Running, JobResult::Succeeded, JobResult::Failed, JobResult::Cancelled,
              JobResult::Skipped, JobResult::Interrupted})
            QCOMPARE(jobResultFromText(jobResultText(result)), result);
        QCOMPARE(jobResultText(JobResult::Interrupted), QStringLiteral("interrupted"));
        QVERIFY_THROWS_EXCEPTION(Error, jobResultFromText(QStringLiteral("exploded")));
    }

    void recordsAsJson()
    {
        Schedule schedule =
            makeSchedule(QStringLiteral("nightly"), {QStringLiteral("a"), QStringLiteral("b")});
        schedule.lastOccurrence = at(2026, 5, 1, 2, 0, 0, 0);
        const QJsonObject scheduleJson = schedule.toJson();
        QCOMPARE(scheduleJson.value(QStringLiteral("name")).toString(), QStringLiteral("nightly"));
        QCOMPARE(scheduleJson.value(QStringLiteral("volume_ids")).toArray().size(), 2);
        QCOMPARE(scheduleJson.value(QStringLiteral("mode")).toString(),
                 QStringLiteral("incremental"));
        QCOMPARE(scheduleJson.value(QStringLiteral("full_every")).toInt(), 7);
        QCOMPARE(scheduleJson.value(QStringLiteral("last_occurrence")).toString(),
                 QStringLiteral("2026-05-01T02:00:00.000Z"));
        QVERIFY(scheduleJson.value(QStringLiteral("created_at")).isNull());

        const JobRecord job =
            makeJob(QStringLiteral("vol"), at(2026, 5, 1, 2, 0, 0), JobResult::Failed);
        QCOMPARE(job.durationSeconds(), qint64(90));
        QVERIFY(!job.toJson().contains(QStringLiteral("log")));
        QCOMPARE(job.toJson(true).value(QStringLiteral("log")).toString(), job.log);
        QCOMPARE(job.toJson().value(QStringLiteral("result")).toString(), QStringLiteral("failed"));
        QCOMPARE(job.toJson().value(QStringLiteral("duration_seconds")).toInteger(), 90);
        JobRecord running = job;
        running.finishedAt = QDateTime();
        running.startedAt = QDateTime::currentDateTimeUtc().addSecs(-30);
        QVERIFY(running.durationSeconds() >= 30 && running.durationSeconds() < 300);
    }

    void freshCatalogHasTheTables()
    {
        Catalog catalog(dbPath());
        QCOMPARE(catalog.schemaVersion(), Catalog::currentSchemaVersion());
        QVERIFY(Catalog::currentSchemaVersion() >= 5);
        QVERIFY(columnsOf(dbPath(), "schedules").contains(QStringLiteral("last_occurrence")));
        QVERIFY(columnsOf(dbPath(), "job_history").contains(QStringLiteral("log")));
        QVERIFY(columnsOf(dbPath(), "settings").contains(QStringLiteral("value")));
    }

    void schedulesCrudAndResolve()
    {
        Catalog catalog(dbPath());
        const Volume a = makeVolume(QStringLiteral("a"));
        const Volume b = makeVolume(QStringLiteral("b"));
        catalog.insertVolume(a);
        catalog.insertVolume(b);

        Schedule nightly = makeSchedule(QStringLiteral("nightly"), {a.id, b.id});
        catalog.insertSchedule(nightly);
        Schedule weekly = makeSchedule(QStringLiteral("weekly"), {b.id});
        weekly.mode = Schedule::Mode::Full;
        weekly.enabled = false;
        weekly.applyRetention = true;
        weekly.backendName.clear();
        catalog.insertSchedule(weekly);

        const QList<Schedule> all = catalog.schedules();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.at(0).name, QStringLiteral("nightly"));
        QCOMPARE(all.at(1).name, QStringLiteral("weekly"));

        const Schedule stored = catalog.schedule(nightly.id).value();
        QCOMPARE(stored.id, nightly.id);
        QCOMPARE(stored.volumeIds, QStringList({a.id, b.id}));
        QCOMPARE(stored.calendar, nightly.calendar);
        QCOMPARE(stored.backendName, QStringLiteral("local"));
        QCOMPARE(stored.mode, Schedule::Mode::Incremental);
        QCOMPARE(stored.fullEvery, 7);
        QCOMPARE(stored.fullEveryDays, 30);
        QCOMPARE(stored.applyRetention, false);
        QCOMPARE(stored.enabled, true);
        QVERIFY(stored.createdAt.isValid());
        QVERIFY(!stored.lastOccurrence.isValid());
        const Schedule storedWeekly = catalog.schedule(weekly.id).value();
        QCOMPARE(storedWeekly.mode, Schedule::Mode::Full);
        QCOMPARE(storedWeekly.enabled, false);
        QCOMPARE(storedWeekly.applyRetention, true);
        QVERIFY(storedWeekly.backendName.isEmpty());
        QVERIFY(!catalog.schedule(newUuid()).has_value());

        // By id, by unique prefix, by name; ambiguous and unknown ones refused.
        QCOMPARE(catalog.resolveSchedule(nightly.id).id, nightly.id);
        QCOMPARE(catalog.resolveSchedule(nightly.id.left(8)).id, nightly.id);
        QCOMPARE(catalog.resolveSchedule(QStringLiteral(" weekly ")).id, weekly.id);
        QVERIFY_THROWS_EXCEPTION(Error, catalog.resolveSchedule(QStringLiteral("monthly")));
        QVERIFY_THROWS_EXCEPTION(Error, catalog.resolveSchedule(QString()));
        Schedule twin = makeSchedule(QStringLiteral("twin"), {a.id});
        twin.id = nightly.id.left(8) + newUuid().mid(8);
        catalog.insertSchedule(twin);
        try {
            catalog.resolveSchedule(nightly.id.left(8));
            QFAIL("an ambiguous prefix was resolved");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("Multiple schedules")),
                     qPrintable(error.message()));
        }

        // Update: every column by id, updatedAt set.
        Schedule changed = stored;
        changed.calendar = QStringLiteral("*-*-* 00/6:00");
        changed.volumeIds = {b.id};
        changed.mode = Schedule::Mode::Full;
        changed.fullEvery = 0;
        changed.lastOccurrence = at(2026, 1, 2, 6, 0, 0, 0);
        changed.updatedAt = at(2000, 1, 1);
        catalog.updateSchedule(changed);
        const Schedule updated = catalog.schedule(nightly.id).value();
        QCOMPARE(updated.calendar, changed.calendar);
        QCOMPARE(updated.volumeIds, QStringList({b.id}));
        QCOMPARE(updated.mode, Schedule::Mode::Full);
        QCOMPARE(updated.fullEvery, 0);
        QCOMPARE(updated.lastOccurrence, changed.lastOccurrence);
        QCOMPARE(updated.createdAt, stored.createdAt);
        QVERIFY(updated.updatedAt > at(2020, 1, 1));
        Schedule missing = changed;
        missing.id = newUuid();
        missing.name = QStringLiteral("missing");
        QVERIFY_THROWS_EXCEPTION(Error, catalog.updateSchedule(missing));

        catalog.removeSchedule(weekly.id);
        QVERIFY(!catalog.schedule(weekly.id).has_value());
        QCOMPARE(catalog.schedules().size(), 2);
        QVERIFY_THROWS_EXCEPTION(Error, catalog.removeSchedule(weekly.id));
    }

    void scheduleNamesAreUnique()
    {
        Catalog catalog(dbPath());
        const Volume a = makeVolume(QStringLiteral("a"));
        catalog.insertVolume(a);
        const Schedule nightly = makeSchedule(QStringLiteral("nightly"), {a.id});
        catalog.insertSchedule(nightly);
        try {
            catalog.insertSchedule(makeSchedule(QStringLiteral("nightly"), {a.id}));
            QFAIL("a duplicate schedule name was accepted");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("already exists")),
                     qPrintable(error.message()));
        }
        // Renaming onto another's name is refused too; nothing changes.
        Schedule other = makeSchedule(QStringLiteral("other"), {a.id});
        catalog.insertSchedule(other);
        other.name = QStringLiteral("nightly");
        QVERIFY_THROWS_EXCEPTION(Error, catalog.updateSchedule(other));
        QCOMPARE(catalog.schedule(other.id)->name, QStringLiteral("other"));
        QVERIFY_THROWS_EXCEPTION(Error, catalog.insertSchedule(nightly)); // same id
        QVERIFY_THROWS_EXCEPTION(Error, catalog.insertSchedule(makeSchedule(QString(), {a.id})));
        QVERIFY_THROWS_EXCEPTION(Error,
                                 catalog.insertSchedule(makeSchedule(QStringLiteral("empty"), {})));
        QCOMPARE(catalog.schedules().size(), 2);
    }

    void claimIsCompareAndSetBetweenConnections()
    {
        Catalog first(dbPath());
        Catalog second(dbPath());
        const Volume a = makeVolume(QStringLiteral("a"));
        first.insertVolume(a);
        const Schedule schedule = makeSchedule(QStringLiteral("nightly"), {a.id});
        first.insertSchedule(schedule);

        // Both read the schedule as never run; the first claim wins.
        const QDateTime stale = second.schedule(schedule.id)->lastOccurrence;
        QVERIFY(!stale.isValid());
        const QDateTime monday = at(2026, 3, 2, 2, 0, 0, 0);
        QVERIFY(first.claimScheduleOccurrence(schedule.id, QDateTime(), monday));
        QVERIFY(!second.claimScheduleOccurrence(schedule.id, stale, monday));
        QCOMPARE(second.schedule(schedule.id)->lastOccurrence, monday);
        // With the value it now holds the second one claims the next occurrence.
        const QDateTime tuesday = monday.addDays(1);
        QVERIFY(second.claimScheduleOccurrence(schedule.id, monday, tuesday));
        QVERIFY(!first.claimScheduleOccurrence(schedule.id, monday, tuesday));
        QVERIFY(!first.claimScheduleOccurrence(schedule.id, QDateTime(), tuesday));
        QCOMPARE(first.schedule(schedule.id)->lastOccurrence, tuesday);
        // A time given in another zone is the same instant.
        QVERIFY(first.claimScheduleOccurrence(schedule.id, tuesday.toOffsetFromUtc(3600),
                                              tuesday.addDays(1)));
        QVERIFY(!first.claimScheduleOccurrence(newUuid(), QDateTime(), monday));

        // Racing for the same occurrence: exactly one of the two wins each time.
        QDateTime expected = first.schedule(schedule.id)->lastOccurrence;
        for (int round = 0; round < 20; ++round) {
            const QDateTime next = expected.addSecs(3600);
            std::atomic<int> wins = 0;
            std::atomic<int> failures = 0;
            auto claim = [&](Catalog* catalog) {
                try {
                    if (catalog->claimScheduleOccurrence(schedule.id, expected, next))
                        ++wins;
                } catch (const std::exception&) {
                    ++failures;
                }
            };
            std::thread one(claim, &first);
            std::thread two(claim, &second);
            one.join();
            two.join();
            QCOMPARE(failures.load(), 0);
            QCOMPARE(wins.load(), 1);
            expected = next;
        }
        QCOMPARE(second.schedule(schedule.id)->lastOccurrence, expected);
    }

    void removingAVolumeEditsSchedules()
    {
        Catalog catalog(dbPath());
        const Volume a = makeVolume(QStringLiteral("a"));
        const Volume b = makeVolume(QStringLiteral("b"));
        catalog.insertVolume(a);
        catalog.insertVolume(b);
        const Schedule group = makeSchedule(QStringLiteral("group"), {a.id, b.id});
        const Schedule alone = makeSchedule(QStringLiteral("alone"), {a.id});
        const Schedule other = makeSchedule(QStringLiteral("other"), {b.id});
        catalog.insertSchedule(group);
        catalog.insertSchedule(alone);
        catalog.insertSchedule(other);

        catalog.removeVolume(a.id);
        QCOMPARE(catalog.schedule(group.id)->volumeIds, QStringList({b.id}));
        QVERIFY(!catalog.schedule(alone.id).has_value());
        QCOMPARE(catalog.schedule(other.id)->volumeIds, QStringList({b.id}));
        QCOMPARE(catalog.schedules().size(), 2);

        catalog.removeVolume(b.id);
        QVERIFY(catalog.schedules().isEmpty());
    }

    void historySurvivesReopening()
    {
        JobRecord job =
            makeJob(QStringLiteral("vol-1"), at(2026, 4, 1, 10, 0, 0, 123), JobResult::Succeeded);
        job.pid = 0;
        qint64 id = 0;
        {
            Catalog catalog(dbPath());
            JobRecord started = job;
            started.finishedAt = at(2026, 4, 1, 11, 0, 0); // a running job has none
            id = catalog.beginJob(started);
            QVERIFY(id > 0);
        }
        {
            Catalog catalog(dbPath());
            const JobRecord running = catalog.job(id).value();
            QCOMPARE(running.id, id);
            QCOMPARE(running.result, JobResult::Running);
            QCOMPARE(running.pid, qint64(::getpid()));
            QVERIFY(!running.finishedAt.isValid());
            QCOMPARE(running.startedAt, job.startedAt);
            job.id = id;
            job.pid = ::getpid();
            job.finishedAt = at(2026, 4, 1, 10, 1, 30, 456);
            job.bytesPerSecond = 12345.25;
            catalog.finishJob(job);
        }
        Catalog catalog(dbPath());
        QCOMPARE(catalog.jobCount(), qint64(1));
        compareJobs(catalog.job(id).value(), job);
        compareJobs(catalog.jobHistory().value(0), job);
        QCOMPARE(catalog.jobHistory().value(0).id, id);
        QVERIFY(!catalog.job(id + 1).has_value());
        JobRecord unknown = job;
        unknown.id = id + 100;
        QVERIFY_THROWS_EXCEPTION(Error, catalog.finishJob(unknown));
        // Stored in the catalog's time format: UTC, milliseconds.
        QCOMPARE(queryRaw(dbPath(), "SELECT started_at FROM job_history"),
                 QStringList({QStringLiteral("2026-04-01T10:00:00.123Z")}));

        // A finished job recorded in one go.
        const JobRecord skipped =
            makeJob(QStringLiteral("vol-2"), at(2026, 4, 2, 2, 0, 0), JobResult::Skipped);
        const qint64 skippedId = catalog.recordJob(skipped);
        QVERIFY(skippedId > id);
        compareJobs(catalog.job(skippedId).value(), skipped);
    }

    void historyFilters()
    {
        Catalog catalog(dbPath());
        const QDateTime base = at(2026, 6, 1, 12, 0, 0);
        // Day 0..9; even days volume A, odd days volume B; every third fails.
        QList<qint64> ids;
        catalog.transaction([&] {
            for (int day = 0; day < 10; ++day) {
                JobRecord job = makeJob(
                    day % 2 == 0 ? QStringLiteral("A") : QStringLiteral("B"), base.addDays(day),
                    day % 3 == 0 ? JobResult::Failed : JobResult::Succeeded,
                    day == 4 ? QStringLiteral("verify") : QStringLiteral("backup"));
                job.scheduleId = day < 5 ? QStringLiteral("s1") : QString();
                ids << catalog.recordJob(job);
            }
        });
        // Two jobs that started in the same millisecond: the later id first.
        const qint64 tieFirst =
            catalog.recordJob(makeJob(QStringLiteral("C"), base.addDays(20), JobResult::Succeeded));
        const qint64 tieSecond =
            catalog.recordJob(makeJob(QStringLiteral("C"), base.addDays(20), JobResult::Succeeded));

        const QList<JobRecord> all = catalog.jobHistory();
        QCOMPARE(all.size(), 12);
        QCOMPARE(all.at(0).id, tieSecond);
        QCOMPARE(all.at(1).id, tieFirst);
        for (int i = 1; i < all.size(); ++i)
            QVERIFY(all.at(i - 1).startedAt >= all.at(i).startedAt);
        QCOMPARE(all.last().id, ids.first());
        QCOMPARE(all.at(2).log, QStringLiteral("started\nread 1 MB\nfinished"));

        JobHistoryFilter byVolume;
        byVolume.volumeId = QStringLiteral("A");
        const QList<JobRecord> volumeA = catalog.jobHistory(byVolume);
        QCOMPARE(volumeA.size(), 5);
        for (const JobRecord& job : volumeA)
            QCOMPARE(job.volumeId, QStringLiteral("A"));
        QCOMPARE(volumeA.first().startedAt, base.addDays(8));

        JobHistoryFilter failed;
        failed.result = JobResult::Failed;
        const QList<JobRecord> failures = catalog.jobHistory(failed);
        QCOMPARE(failures.size(), 4); // days 0, 3, 6, 9
        QCOMPARE(failures.first().startedAt, base.addDays(9));
        for (const JobRecord& job : failures)
            QCOMPARE(job.result, JobResult::Failed);

        JobHistoryFilter range; // [day 2, day 5)
        range.from = base.addDays(2);
        range.to = base.addDays(5);
        const QList<JobRecord> inRange = catalog.jobHistory(range);
        QCOMPARE(inRange.size(), 3);
        QCOMPARE(inRange.first().startedAt, base.addDays(4));
        QCOMPARE(inRange.last().startedAt, base.addDays(2));
        // Bounds given in another zone mean the same instants.
        range.from = range.from.toOffsetFromUtc(-5 * 3600);
        range.to = range.to.toOffsetFromUtc(9 * 3600);
        QCOMPARE(catalog.jobHistory(range).size(), 3);

        JobHistoryFilter kind;
        kind.kind = QStringLiteral("verify");
        QCOMPARE(catalog.jobHistory(kind).size(), 1);
        QCOMPARE(catalog.jobHistory(kind).first().startedAt, base.addDays(4));

        JobHistoryFilter bySchedule;
        bySchedule.scheduleId = QStringLiteral("s1");
        QCOMPARE(catalog.jobHistory(bySchedule).size(), 5);

        JobHistoryFilter limited;
        limited.limit = 3;
        const QList<JobRecord> newest = catalog.jobHistory(limited);
        QCOMPARE(newest.size(), 3);
        QCOMPARE(newest.at(0).id, tieSecond);
        QCOMPARE(newest.at(2).startedAt, base.addDays(9));

        JobHistoryFilter combined;
        combined.volumeId = QStringLiteral("B");
        combined.result = JobResult::Succeeded;
        combined.from = base.addDays(4);
        combined.limit = 1;
        combined.withLog = false;
        const QList<JobRecord> one = catalog.jobHistory(combined);
        QCOMPARE(one.size(), 1); // B succeeded after day 4: days 5 and 7; newest is 7
        QCOMPARE(one.first().startedAt, base.addDays(7));
        QVERIFY(one.first().log.isEmpty());
        compareJobs(one.first(), catalog.job(one.first().id).value(), false);
        QCOMPARE(catalog.job(one.first().id)->log, QStringLiteral("started\nread 1 MB\nfinished"));

        JobHistoryFilter nothing;
        nothing.volumeId = QStringLiteral("none");
        QVERIFY(catalog.jobHistory(nothing).isEmpty());
    }

    void pruneByAge()
    {
        Catalog catalog(dbPath());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const qint64 old = catalog.recordJob(
            makeJob(QStringLiteral("A"), now.addDays(-120), JobResult::Succeeded));
        const qint64 oldFailure =
            catalog.recordJob(makeJob(QStringLiteral("A"), now.addDays(-91), JobResult::Failed));
        const qint64 oldRunning =
            catalog.recordJob(makeJob(QStringLiteral("A"), now.addDays(-100), JobResult::Running));
        const qint64 recent =
            catalog.recordJob(makeJob(QStringLiteral("A"), now.addDays(-89), JobResult::Failed));

        QCOMPARE(catalog.pruneJobHistory(now.addDays(-90)), 2);
        QVERIFY(!catalog.job(old).has_value());
        QVERIFY(!catalog.job(oldFailure).has_value());
        QVERIFY(catalog.job(oldRunning).has_value()); // still running: not finished
        QVERIFY(catalog.job(recent).has_value());
        QCOMPARE(catalog.jobCount(), qint64(2));
        QCOMPARE(catalog.pruneJobHistory(now.addDays(-90)), 0);
        QCOMPARE(catalog.pruneJobHistory(QDateTime()), 0);
    }

    void settlesJobsWhoseProcessEnded()
    {
        const qint64 dead = deadPid();
        QVERIFY(dead > 0);
        QVERIFY(!Catalog::processAlive(dead));
        QProcess sleeper;
        sleeper.start(QStringLiteral("sleep"), {QStringLiteral("60")});
        QVERIFY(sleeper.waitForStarted());

        Catalog catalog(dbPath());
        const QDateTime started = QDateTime::currentDateTimeUtc().addSecs(-600);
        JobRecord deadJob = makeJob(QStringLiteral("A"), started, JobResult::Running);
        deadJob.pid = dead;
        const qint64 deadId = catalog.beginJob(deadJob);
        JobRecord ownJob = makeJob(QStringLiteral("B"), started, JobResult::Running);
        ownJob.pid = 0; // this process
        const qint64 ownId = catalog.beginJob(ownJob);
        JobRecord liveJob = makeJob(QStringLiteral("C"), started, JobResult::Running);
        liveJob.pid = sleeper.processId();
        const qint64 liveId = catalog.beginJob(liveJob);
        JobRecord finished = makeJob(QStringLiteral("D"), started, JobResult::Failed);
        finished.pid = dead;
        const qint64 finishedId = catalog.recordJob(finished);
        // A job of an earlier boot whose pid now belongs to a live process.
        JobRecord earlierBoot = makeJob(QStringLiteral("E"), started, JobResult::Running);
        earlierBoot.pid = sleeper.processId();
        const qint64 earlierBootId = catalog.beginJob(earlierBoot);
        executeRaw(dbPath(), QStringLiteral("UPDATE job_history SET boot_id = "
                                            "'00000000-0000-0000-0000-000000000000' WHERE id = %1")
                                 .arg(earlierBootId));

        const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
        QCOMPARE(catalog.settleInterruptedJobs(), 2);
        const JobRecord settled = catalog.job(deadId).value();
        QCOMPARE(settled.result, JobResult::Interrupted);
        QCOMPARE(settled.reason, QStringLiteral("the process ended while the job ran"));
        QVERIFY(settled.finishedAt >= before);
        QVERIFY(settled.finishedAt <= QDateTime::currentDateTimeUtc().addSecs(1));
        QCOMPARE(settled.log, deadJob.log);
        QCOMPARE(catalog.job(earlierBootId)->result, JobResult::Interrupted);
        QCOMPARE(catalog.job(ownId)->result, JobResult::Running);
        QCOMPARE(catalog.job(ownId)->pid, qint64(::getpid()));
        QCOMPARE(catalog.job(liveId)->result, JobResult::Running);
        compareJobs(catalog.job(finishedId).value(), finished);
        QCOMPARE(catalog.settleInterruptedJobs(), 0);

        sleeper.kill();
        QVERIFY(sleeper.waitForFinished());
        QCOMPARE(catalog.settleInterruptedJobs(), 1);
        QCOMPARE(catalog.job(liveId)->result, JobResult::Interrupted);
        QCOMPARE(catalog.job(ownId)->result, JobResult::Running);
    }

    void settings()
    {
        {
            Catalog catalog(dbPath());
            QCOMPARE(catalog.setting(QLatin1String(settingkeys::historyRetentionDays),
                                     QStringLiteral("90")),
                     QStringLiteral("90"));
            QVERIFY(catalog.setting(QLatin1String(settingkeys::hookCommand)).isEmpty());
            catalog.setSetting(QLatin1String(settingkeys::historyRetentionDays),
                               QStringLiteral("30"));
            catalog.setSetting(QLatin1String(settingkeys::hookCommand),
                               QStringLiteral("/usr/local/bin/notify --job"));
            catalog.setSetting(QLatin1String(settingkeys::hookCommand),
                               QStringLiteral("/usr/local/bin/mail-admin"));
            QVERIFY_THROWS_EXCEPTION(Error, catalog.setSetting(QString(), QStringLiteral("x")));
        }
        Catalog catalog(dbPath());
        Catalog other(dbPath());
        QCOMPARE(
            other.setting(QLatin1String(settingkeys::historyRetentionDays), QStringLiteral("90")),
            QStringLiteral("30"));
        QCOMPARE(other.setting(QLatin1String(settingkeys::hookCommand)),
                 QStringLiteral("/usr/local/bin/mail-admin"));
        catalog.setSetting(QLatin1String(settingkeys::historyRetentionDays), QString());
        QCOMPARE(
            other.setting(QLatin1String(settingkeys::historyRetentionDays), QStringLiteral("90")),
            QStringLiteral("90"));
        QCOMPARE(queryRaw(dbPath(), "SELECT key FROM settings"),
                 QStringList({QLatin1String(settingkeys::hookCommand)}));
    }

    void migratesFromSchema4()
    {
        const QString path = dbPath(QStringLiteral("old.sqlite"));
        executeRaw(path, QLatin1String(kVersion4Schema));
        QCOMPARE(queryRaw(path, "PRAGMA user_version"), QStringList({QStringLiteral("4")}));
        QVERIFY(columnsOf(path, "job_history").isEmpty());
        {
            Catalog catalog(path);
            QCOMPARE(catalog.schemaVersion(), Catalog::currentSchemaVersion());
            QVERIFY(catalog.schemaVersion() >= 5);
            // The old data is all there.
            const Volume volume = catalog.volume(kOldVolume).value();
            QCOMPARE(volume.name, QStringLiteral("old"));
            QCOMPARE(volume.identity, QStringLiteral("file:1:2"));
            QVERIFY(catalog.backup(kOldFull)->isProtected);
            QCOMPARE(catalog.backup(kOldIncremental)->parentId, kOldFull);
            QCOMPARE(catalog.backups().size(), 2);
            QCOMPARE(catalog.defaultBackend().name, QStringLiteral("local"));
            QCOMPARE(catalog.pruneLog().size(), 1);
            QCOMPARE(catalog.pruneLog().first().detail, QStringLiteral("kept by nothing"));
            QVERIFY(catalog.retentionPolicy(Catalog::backendPolicyScope(QStringLiteral("local")))
                        .has_value());
            // The new tables work.
            QVERIFY(catalog.schedules().isEmpty());
            QCOMPARE(catalog.jobCount(), qint64(0));
            catalog.insertSchedule(makeSchedule(QStringLiteral("nightly"), {kOldVolume}));
            catalog.recordJob(makeJob(kOldVolume, at(2026, 1, 1), JobResult::Succeeded));
            catalog.setSetting(QLatin1String(settingkeys::notifyOnSuccess), QStringLiteral("1"));
        }
        Catalog reopened(path);
        QCOMPARE(reopened.schemaVersion(), Catalog::currentSchemaVersion());
        QCOMPARE(reopened.resolveSchedule(QStringLiteral("nightly")).volumeIds,
                 QStringList({kOldVolume}));
        QCOMPARE(reopened.jobCount(), qint64(1));
        QCOMPARE(reopened.setting(QLatin1String(settingkeys::notifyOnSuccess)),
                 QStringLiteral("1"));
        QCOMPARE(reopened.backups().size(), 2);
        const QStringList indexes =
            queryRaw(path, "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                           "tbl_name = 'job_history' ORDER BY name");
        QVERIFY(indexes.contains(QStringLiteral("job_history_started")));
        QVERIFY(indexes.contains(QStringLiteral("job_history_volume")));
        QVERIFY(indexes.contains(QStringLiteral("job_history_result")));
    }

    // Not a benchmark: a history of 100,000 jobs is written in one
    // transaction and listed without logs in well under the bound.
    void hundredThousandJobs()
    {
        Catalog catalog(dbPath());
        const int count = 100000;
        const QDateTime base = at(2026, 1, 1);
        const QString log = QStringLiteral("line of the job's log\n").repeated(10);
        QElapsedTimer timer;
        timer.start();
        catalog.transaction([&] {
            for (int i = 0; i < count; ++i) {
                JobRecord job =
                    makeJob(QStringLiteral("volume-%1").arg(i % 50), base.addSecs(qint64(i) * 60),
                            i % 17 == 0 ? JobResult::Failed : JobResult::Succeeded);
                job.log = log;
                catalog.recordJob(job);
            }
        });
        qInfo("recorded %d jobs in one transaction in %lld ms", count,
              static_cast<long long>(timer.elapsed()));
        QCOMPARE(catalog.jobCount(), qint64(count));

        JobHistoryFilter withoutLog;
        withoutLog.withLog = false;
        timer.restart();
        const QList<JobRecord> all = catalog.jobHistory(withoutLog);
        const qint64 listed = timer.elapsed();
        qInfo("listed %lld jobs without their logs in %lld ms", static_cast<long long>(all.size()),
              static_cast<long long>(listed));
        QCOMPARE(all.size(), count);
        QCOMPARE(all.first().startedAt, base.addSecs(qint64(count - 1) * 60));
        QVERIFY(all.first().log.isEmpty());
        QVERIFY2(listed < 5000, qPrintable(QStringLiteral("%1 ms").arg(listed)));

        JobHistoryFilter filtered;
        filtered.withLog = false;
        filtered.volumeId = QStringLiteral("volume-7");
        filtered.result = JobResult::Failed;
        filtered.from = base.addDays(10);
        timer.restart();
        const QList<JobRecord> some = catalog.jobHistory(filtered);
        qInfo("a filtered list of %lld jobs in %lld ms", static_cast<long long>(some.size()),
              static_cast<long long>(timer.elapsed()));
        QVERIFY(!some.isEmpty());
        QVERIFY(timer.elapsed() < 5000);
    }
};

QTEST_GUILESS_MAIN(JobHistoryTest)
#include "tst_jobhistory.moc"
