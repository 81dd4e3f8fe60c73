// ember-cli's schedules, schedule-run, the job history and the shared settings
// end to end, on a local (posix) backend. schedule-run is driven by the
// test-only EMBER_FAKE_NOW clock; every restore is compared byte for byte
// with the volume state the backup was taken from.
#include "clitestsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace ember::test;

namespace {

constexpr qint64 MiB = 1024 * 1024;

// Sets EMBER_FAKE_NOW for the ember-cli runs in its scope.
class FakeNow
{
public:
    explicit FakeNow(const QString& at) { qputenv("EMBER_FAKE_NOW", at.toUtf8()); }
    ~FakeNow() { qunsetenv("EMBER_FAKE_NOW"); }
    FakeNow(const FakeNow&) = delete;
    FakeNow& operator=(const FakeNow&) = delete;
};

const QString kCalendar = QStringLiteral("*-*-* 02:00:00 UTC");

} // namespace

class CliScheduleTest : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_home;
    QString m_store;
    QString m_volume;
    int m_restores = 0;

    ProcessResult cli(const QStringList& arguments) { return runCli(m_home, arguments); }
    ProcessResult cliAt(const QString& now, const QStringList& arguments)
    {
        const FakeNow clock(now);
        return cli(arguments);
    }
    QJsonDocument json(const QStringList& arguments, ProcessResult* result = nullptr)
    {
        const ProcessResult run =
            cli(QStringList{QStringLiteral("--format"), QStringLiteral("json")} + arguments);
        if (result)
            *result = run;
        if (run.exitCode != 0)
            qWarning().noquote() << describe(run);
        return jsonOf(run);
    }
    QJsonDocument jsonAt(const QString& now, const QStringList& arguments,
                         ProcessResult* result = nullptr)
    {
        const FakeNow clock(now);
        return json(arguments, result);
    }
    void expectError(const ProcessResult& result, const QString& expected)
    {
        QVERIFY2(result.exitCode == 1, qPrintable(describe(result)));
        const QString err = QString::fromUtf8(result.err).trimmed();
        QVERIFY2(err.startsWith(QStringLiteral("ERROR: ")) && err.contains(expected),
                 qPrintable(QStringLiteral("expected '%1' in: %2").arg(expected, err)));
    }
    QJsonArray history(const QStringList& filters = {})
    {
        return json(QStringList{QStringLiteral("history")} + filters).array();
    }
    QJsonArray backups() { return json({QStringLiteral("backup-list")}).array(); }

    // A fresh data directory, a local backend "disk" (the default) and volume "vol".
    void setUp(const QString& tag)
    {
        m_dir = freshDir(tag);
        m_home = m_dir + QStringLiteral("/home");
        m_store = m_dir + QStringLiteral("/store");
        m_volume = m_dir + QStringLiteral("/vol.img");
        QVERIFY(QDir().mkpath(m_home));
        CLI_OK(backend, {QStringLiteral("backend-add-local"), QStringLiteral("disk"), m_store,
                         QStringLiteral("--object-size"), QStringLiteral("1M"),
                         QStringLiteral("--default")});
        makeVolumeFile(m_volume, 4 * MiB + 4096, Fill::Mixed, 11);
        CLI_OK(added, {QStringLiteral("volume-add"), m_volume, QStringLiteral("--name"),
                       QStringLiteral("vol")});
    }
    // Restores `id` into a new file and compares it with `state`.
    void restoresTo(const QString& id, const QString& state)
    {
        const QString name = QStringLiteral("r%1").arg(++m_restores);
        const QString path = m_dir + QLatin1Char('/') + name + QStringLiteral(".img");
        CLI_OK(restored, {QStringLiteral("backup-restore"), id, QStringLiteral("--name"), name,
                          QStringLiteral("--path"), path});
        const QString difference = compareFiles(path, state);
        QVERIFY2(difference.isEmpty(),
                 qPrintable(QStringLiteral("backup %1: %2").arg(id, difference)));
        CLI_OK(removed, {QStringLiteral("volume-remove"), name});
        QFile::remove(path);
    }
    // schedule-run at `now`: the jobs it reports (JSON), checked to have succeeded.
    QJsonArray runAt(const QString& now)
    {
        ProcessResult result;
        const QJsonArray jobs = jsonAt(now, {QStringLiteral("schedule-run")}, &result).array();
        if (result.exitCode != 0)
            qWarning().noquote() << describe(result);
        return jobs;
    }

private Q_SLOTS:
    void addListShowEditRemove()
    {
        setUp(QStringLiteral("schedule-crud"));
        const QString now = QStringLiteral("2026-03-01T12:00:00Z");
        ProcessResult result;
        const QJsonObject added =
            jsonAt(now,
                   {QStringLiteral("schedule-add"), QStringLiteral("nightly"),
                    QStringLiteral("--volume"), QStringLiteral("vol"), QStringLiteral("--calendar"),
                    kCalendar, QStringLiteral("--full-every"), QStringLiteral("7")},
                   &result)
                .object();
        QVERIFY2(result.exitCode == 0 && result.err.isEmpty(), qPrintable(describe(result)));
        const QString id = added.value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(added.value(QStringLiteral("name")).toString(), QStringLiteral("nightly"));
        QCOMPARE(added.value(QStringLiteral("calendar")).toString(), kCalendar);
        QCOMPARE(added.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
        QCOMPARE(added.value(QStringLiteral("full_every")).toInt(), 7);
        QCOMPARE(added.value(QStringLiteral("enabled")).toBool(), true);
        QCOMPARE(added.value(QStringLiteral("volumes")).toArray().size(), 1);
        QCOMPARE(added.value(QStringLiteral("volumes"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("name"))
                     .toString(),
                 QStringLiteral("vol"));
        const QJsonArray next = added.value(QStringLiteral("next_runs")).toArray();
        QCOMPARE(next.size(), 5);
        QCOMPARE(next.at(0).toString(), QStringLiteral("2026-03-02T02:00:00Z"));
        QCOMPARE(next.at(4).toString(), QStringLiteral("2026-03-06T02:00:00Z"));

        // The table form names its next runs too.
        {
            const FakeNow clock(now);
            CLI_OK(table, {QStringLiteral("schedule-show"), QStringLiteral("nightly")});
            QVERIFY2(table.out.contains("2026-03-02T02:00:00Z"), table.out.constData());
        }

        const QJsonArray listed = jsonAt(now, {QStringLiteral("schedule-list")}).array();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0).toObject().value(QStringLiteral("id")).toString(), id);
        QCOMPARE(listed.at(0).toObject().value(QStringLiteral("next_run")).toString(),
                 QStringLiteral("2026-03-02T02:00:00Z"));

        // Only the options given change.
        const QJsonObject edited =
            jsonAt(now,
                   {QStringLiteral("schedule-edit"), QStringLiteral("nightly"),
                    QStringLiteral("--calendar"), QStringLiteral("Mon..Fri 03:00 UTC"),
                    QStringLiteral("--full"), QStringLiteral("--no-retention")},
                   &result)
                .object();
        QVERIFY2(result.exitCode == 0 && result.err.isEmpty(), qPrintable(describe(result)));
        QCOMPARE(edited.value(QStringLiteral("calendar")).toString(),
                 QStringLiteral("Mon..Fri 03:00 UTC"));
        QCOMPARE(edited.value(QStringLiteral("mode")).toString(), QStringLiteral("full"));
        QCOMPARE(edited.value(QStringLiteral("apply_retention")).toBool(), false);
        QCOMPARE(edited.value(QStringLiteral("full_every")).toInt(), 7);
        QCOMPARE(edited.value(QStringLiteral("name")).toString(), QStringLiteral("nightly"));

        // 2026-03-01 is a Sunday: the next weekday run is Monday 03:00.
        const QJsonObject shown =
            jsonAt(now, {QStringLiteral("schedule-show"), QStringLiteral("nightly")}).object();
        QCOMPARE(shown.value(QStringLiteral("id")).toString(), id);
        QCOMPARE(shown.value(QStringLiteral("next_runs")).toArray().at(0).toString(),
                 QStringLiteral("2026-03-02T03:00:00Z"));
        QCOMPARE(shown.value(QStringLiteral("next_runs")).toArray().at(4).toString(),
                 QStringLiteral("2026-03-06T03:00:00Z"));
        QCOMPARE(shown.value(QStringLiteral("recent_jobs")).toArray().size(), 0);

        const QJsonObject disabled =
            jsonAt(now, {QStringLiteral("schedule-disable"), QStringLiteral("nightly")}).object();
        QCOMPARE(disabled.value(QStringLiteral("enabled")).toBool(), false);
        QVERIFY(jsonAt(now, {QStringLiteral("schedule-list")})
                    .array()
                    .at(0)
                    .toObject()
                    .value(QStringLiteral("next_run"))
                    .isNull());
        const QJsonObject enabled =
            jsonAt(now, {QStringLiteral("schedule-enable"), id.left(8)}).object();
        QCOMPARE(enabled.value(QStringLiteral("enabled")).toBool(), true);

        // Names are unique.
        expectError(cli({QStringLiteral("schedule-add"), QStringLiteral("nightly"),
                         QStringLiteral("--volume"), QStringLiteral("vol"),
                         QStringLiteral("--calendar"), QStringLiteral("daily")}),
                    QStringLiteral("nightly"));
        // An unknown volume is refused before anything is stored.
        expectError(cli({QStringLiteral("schedule-add"), QStringLiteral("other"),
                         QStringLiteral("--volume"), QStringLiteral("nope"),
                         QStringLiteral("--calendar"), QStringLiteral("daily")}),
                    QStringLiteral("nope"));

        const QJsonObject removed =
            json({QStringLiteral("schedule-remove"), QStringLiteral("nightly")}).object();
        QCOMPARE(removed.value(QStringLiteral("removed")).toString(), id);
        QCOMPARE(json({QStringLiteral("schedule-list")}).array().size(), 0);
        expectError(cli({QStringLiteral("schedule-show"), QStringLiteral("nightly")}),
                    QStringLiteral("nightly"));
    }

    void invalidCalendarIsRefused()
    {
        setUp(QStringLiteral("schedule-calendar"));
        const ProcessResult result =
            cli({QStringLiteral("schedule-add"), QStringLiteral("bad"), QStringLiteral("--volume"),
                 QStringLiteral("vol"), QStringLiteral("--calendar"),
                 QStringLiteral("Mon..Fry 02:00")});
        // Like systemd-analyze calendar: the expression and the part not understood.
        expectError(result, QStringLiteral("calendar expression 'Mon..Fry 02:00'"));
        expectError(result, QStringLiteral("Fry"));
        QCOMPARE(json({QStringLiteral("schedule-list")}).array().size(), 0);
        // An edit with a bad calendar leaves the schedule as it was.
        CLI_OK(added,
               {QStringLiteral("schedule-add"), QStringLiteral("good"), QStringLiteral("--volume"),
                QStringLiteral("vol"), QStringLiteral("--calendar"), QStringLiteral("daily")});
        expectError(cli({QStringLiteral("schedule-edit"), QStringLiteral("good"),
                         QStringLiteral("--calendar"), QStringLiteral("*-*-* 25:00")}),
                    QStringLiteral("*-*-* 25:00"));
        QCOMPARE(json({QStringLiteral("schedule-show"), QStringLiteral("good")})
                     .object()
                     .value(QStringLiteral("calendar"))
                     .toString(),
                 QStringLiteral("daily"));
    }

    void scheduleRunDueNotDueMissedAndForcedFulls()
    {
        setUp(QStringLiteral("schedule-run"));
        // Added at a known time: runs are due from then on.
        {
            const FakeNow clock(QStringLiteral("2026-03-01T12:00:00Z"));
            CLI_OK(added, {QStringLiteral("schedule-add"), QStringLiteral("nightly"),
                           QStringLiteral("--volume"), QStringLiteral("vol"),
                           QStringLiteral("--calendar"), kCalendar, QStringLiteral("--full-every"),
                           QStringLiteral("2"), QStringLiteral("--no-retention")});
        }

        // Not due: nothing runs.
        QCOMPARE(runAt(QStringLiteral("2026-03-01T13:00:00Z")).size(), 0);
        QCOMPARE(backups().size(), 0);
        const ProcessResult quiet =
            cliAt(QStringLiteral("2026-03-02T01:59:59Z"), {QStringLiteral("schedule-run")});
        QVERIFY2(quiet.exitCode == 0, qPrintable(describe(quiet)));
        QVERIFY2(quiet.out.contains("Nothing is due"), qPrintable(describe(quiet)));

        // Due: one backup, a full (no chain yet).
        QStringList ids;
        QStringList states;
        auto runOnce = [&](const QString& now) {
            const QJsonArray jobs = runAt(now);
            QCOMPARE(jobs.size(), 1);
            const QJsonObject job = jobs.at(0).toObject();
            QCOMPARE(job.value(QStringLiteral("result")).toString(), QStringLiteral("succeeded"));
            QCOMPARE(job.value(QStringLiteral("origin")).toString(), QStringLiteral("schedule"));
            QCOMPARE(job.value(QStringLiteral("kind")).toString(), QStringLiteral("backup"));
            const QString id = job.value(QStringLiteral("backup_id")).toString();
            QVERIFY(!id.isEmpty());
            const QString state = m_dir + QStringLiteral("/state-%1.img").arg(ids.size());
            QVERIFY(QFile::copy(m_volume, state));
            ids << id;
            states << state;
        };
        runOnce(QStringLiteral("2026-03-02T02:30:00Z"));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(backups().size(), 1);
        // The same occurrence does not run twice.
        QCOMPARE(runAt(QStringLiteral("2026-03-02T02:45:00Z")).size(), 0);

        // Three days later: the missed runs collapse into one.
        mutateFile(m_volume, 3, 64 * 1024, 201);
        runOnce(QStringLiteral("2026-03-05T02:30:00Z"));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(backups().size(), 2);
        QCOMPARE(runAt(QStringLiteral("2026-03-05T03:00:00Z")).size(), 0);

        mutateFile(m_volume, 3, 64 * 1024, 202);
        runOnce(QStringLiteral("2026-03-06T02:00:00Z"));
        mutateFile(m_volume, 3, 64 * 1024, 203);
        runOnce(QStringLiteral("2026-03-07T02:10:00Z"));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(backups().size(), 4);

        // --full-every 2: full, incremental, full, incremental.
        const QList<bool> incremental{false, true, false, true};
        for (int i = 0; i < ids.size(); ++i) {
            const QJsonObject backup = json({QStringLiteral("backup-show"), ids.at(i)}).object();
            QCOMPARE(backup.value(QStringLiteral("is_incremental")).toBool(), incremental.at(i));
        }
        for (int i = 0; i < ids.size(); ++i)
            restoresTo(ids.at(i), states.at(i));

        // The history has them, and schedule-show the schedule's own.
        const QJsonArray scheduled = history({QStringLiteral("--kind"), QStringLiteral("backup"),
                                              QStringLiteral("--volume"), QStringLiteral("vol")});
        int fromSchedule = 0;
        for (const QJsonValue& value : scheduled)
            fromSchedule += value.toObject().value(QStringLiteral("origin")).toString() ==
                            QLatin1String("schedule");
        QCOMPARE(fromSchedule, 4);
        const QJsonObject shown =
            jsonAt(QStringLiteral("2026-03-07T02:10:00Z"),
                   {QStringLiteral("schedule-show"), QStringLiteral("nightly")})
                .object();
        QCOMPARE(shown.value(QStringLiteral("recent_jobs")).toArray().size(), 4);
        QCOMPARE(QDateTime::fromString(shown.value(QStringLiteral("last_occurrence")).toString(),
                                       Qt::ISODateWithMs),
                 QDateTime(QDate(2026, 3, 7), QTime(2, 0), Qt::UTC));
    }

    void scheduleRunFailureIsExitStatusOne()
    {
        setUp(QStringLiteral("schedule-run-fails"));
        {
            const FakeNow clock(QStringLiteral("2026-03-01T12:00:00Z"));
            CLI_OK(added,
                   {QStringLiteral("schedule-add"), QStringLiteral("nightly"),
                    QStringLiteral("--volume"), QStringLiteral("vol"), QStringLiteral("--calendar"),
                    kCalendar, QStringLiteral("--no-retention")});
        }
        QVERIFY(QFile::remove(m_volume));
        const ProcessResult result =
            cliAt(QStringLiteral("2026-03-02T02:30:00Z"), {QStringLiteral("schedule-run")});
        expectError(result, QStringLiteral("did not succeed"));
        QVERIFY2(result.out.contains("failed"), qPrintable(describe(result)));
        const QJsonArray failed = history({QStringLiteral("--result"), QStringLiteral("failed")});
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).toObject().value(QStringLiteral("origin")).toString(),
                 QStringLiteral("schedule"));
        QVERIFY(!failed.at(0).toObject().value(QStringLiteral("reason")).toString().isEmpty());
    }

    void cliJobsAreRecorded()
    {
        setUp(QStringLiteral("cli-history"));
        ProcessResult result;
        const QString id = json({QStringLiteral("backup-create"), QStringLiteral("vol")}, &result)
                               .object()
                               .value(QStringLiteral("id"))
                               .toString();
        QVERIFY2(result.exitCode == 0 && !id.isEmpty(), qPrintable(describe(result)));
        const QJsonObject backup = json({QStringLiteral("backup-show"), id}).object();
        const QString state = m_dir + QStringLiteral("/state.img");
        QVERIFY(QFile::copy(m_volume, state));
        restoresTo(id, state);

        const QJsonArray jobs = history();
        QCOMPARE(jobs.size(), 2); // the backup and the restore, newest first
        const QJsonObject restore = jobs.at(0).toObject();
        const QJsonObject job = jobs.at(1).toObject();
        QCOMPARE(restore.value(QStringLiteral("kind")).toString(), QStringLiteral("restore"));
        QCOMPARE(restore.value(QStringLiteral("result")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(job.value(QStringLiteral("kind")).toString(), QStringLiteral("backup"));
        QCOMPARE(job.value(QStringLiteral("origin")).toString(), QStringLiteral("cli"));
        QCOMPARE(job.value(QStringLiteral("result")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(job.value(QStringLiteral("backup_id")).toString(), id);
        QCOMPARE(job.value(QStringLiteral("volume_name")).toString(), QStringLiteral("vol"));
        QCOMPARE(job.value(QStringLiteral("backend_name")).toString(), QStringLiteral("disk"));
        QCOMPARE(qint64(job.value(QStringLiteral("bytes_read")).toDouble()),
                 QFileInfo(m_volume).size());
        QCOMPARE(qint64(job.value(QStringLiteral("bytes_stored")).toDouble()),
                 qint64(backup.value(QStringLiteral("stored_bytes")).toDouble()));
        QVERIFY(job.value(QStringLiteral("bytes_stored")).toDouble() > 0);
        QVERIFY(!job.value(QStringLiteral("finished_at")).toString().isEmpty());

        // history-show has every field and the log.
        const QString jobId = QString::number(job.value(QStringLiteral("id")).toInteger());
        const QJsonObject shown = json({QStringLiteral("history-show"), jobId}).object();
        QCOMPARE(shown.value(QStringLiteral("backup_id")).toString(), id);
        QVERIFY(shown.contains(QStringLiteral("log")));
        CLI_OK(table, {QStringLiteral("history-show"), jobId});
        QVERIFY2(table.out.contains(id.toUtf8()), table.out.constData());

        CLI_OK(verified, {QStringLiteral("backup-verify"), id});
        const QJsonObject verify =
            history({QStringLiteral("--limit"), QStringLiteral("1")}).at(0).toObject();
        QCOMPARE(verify.value(QStringLiteral("kind")).toString(), QStringLiteral("verify"));
        QCOMPARE(verify.value(QStringLiteral("result")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(verify.value(QStringLiteral("backup_id")).toString(), id);

        // A refusal before a job starts is no job.
        const QString restoreTarget = m_dir + QStringLiteral("/never.img");
        expectError(cli({QStringLiteral("backup-restore"), QStringLiteral("no-such-backup"),
                         QStringLiteral("--path"), restoreTarget}),
                    QStringLiteral("no-such-backup"));
        QCOMPARE(history().size(), 3);

        // A job that fails while it runs is recorded with its reason (here a restore
        // that finds a data object of the backup gone from the store); the command's
        // own ERROR line is unchanged by the recording.
        int removedObjects = 0;
        for (const QString& file : filesInTree(m_store)) {
            if (file.contains(id) && !file.endsWith(QStringLiteral("_metadata")) &&
                !file.endsWith(QStringLiteral("_sha256file")))
                removedObjects += QFile::remove(file) ? 1 : 0;
        }
        QVERIFY(removedObjects > 0);
        const ProcessResult failing =
            cli({QStringLiteral("backup-restore"), id, QStringLiteral("--name"),
                 QStringLiteral("broken"), QStringLiteral("--path"), restoreTarget});
        QVERIFY2(failing.exitCode == 1, qPrintable(describe(failing)));
        QVERIFY2(!failing.err.contains("not recorded"), qPrintable(describe(failing)));
        QCOMPARE(failing.err.count('\n'), 1);
        const QJsonArray failed = history({QStringLiteral("--result"), QStringLiteral("failed")});
        QCOMPARE(failed.size(), 1);
        const QJsonObject failure = failed.at(0).toObject();
        QCOMPARE(failure.value(QStringLiteral("origin")).toString(), QStringLiteral("cli"));
        QCOMPARE(failure.value(QStringLiteral("kind")).toString(), QStringLiteral("restore"));
        QCOMPARE(failure.value(QStringLiteral("backup_id")).toString(), id);
        const QString reason = failure.value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.contains(QStringLiteral("missing")), qPrintable(reason));
        QVERIFY2(QString::fromUtf8(failing.err).contains(reason.left(40)),
                 qPrintable(reason + QLatin1Char('\n') + describe(failing)));

        // The filters.
        QCOMPARE(history({QStringLiteral("--kind"), QStringLiteral("restore")}).size(), 2);
        QCOMPARE(history({QStringLiteral("--limit"), QStringLiteral("1")}).size(), 1);
        QCOMPARE(history({QStringLiteral("--since"), QStringLiteral("2000-01-01"),
                          QStringLiteral("--until"), QStringLiteral("2000-12-31")})
                     .size(),
                 0);
        QCOMPARE(history({QStringLiteral("--result"), QStringLiteral("succeeded")}).size(), 3);
        expectError(
            cli({QStringLiteral("history"), QStringLiteral("--result"), QStringLiteral("fine")}),
            QStringLiteral("fine"));
        expectError(cli({QStringLiteral("history-show"), QStringLiteral("999999")}),
                    QStringLiteral("999999"));
    }

    void settingsRoundTripAndValidation()
    {
        setUp(QStringLiteral("settings"));
        const QJsonObject defaults = json({QStringLiteral("settings-show")}).object();
        QCOMPARE(defaults.value(QStringLiteral("history.retention_days")).toString(),
                 QStringLiteral("90"));
        QCOMPARE(defaults.value(QStringLiteral("notify.on_failure")).toString(),
                 QStringLiteral("1"));

        CLI_OK(days, {QStringLiteral("settings-set"), QStringLiteral("history.retention_days"),
                      QStringLiteral("30")});
        CLI_OK(hook, {QStringLiteral("settings-set"), QStringLiteral("jobs.hook_command"),
                      QStringLiteral("logger ember")});
        CLI_OK(success, {QStringLiteral("settings-set"), QStringLiteral("notify.on_success"),
                         QStringLiteral("1")});
        const QJsonObject changed = json({QStringLiteral("settings-show")}).object();
        QCOMPARE(changed.value(QStringLiteral("history.retention_days")).toString(),
                 QStringLiteral("30"));
        QCOMPARE(changed.value(QStringLiteral("jobs.hook_command")).toString(),
                 QStringLiteral("logger ember"));
        QCOMPARE(changed.value(QStringLiteral("notify.on_success")).toString(),
                 QStringLiteral("1"));

        expectError(cli({QStringLiteral("settings-set"), QStringLiteral("history.retention_days"),
                         QStringLiteral("0")}),
                    QStringLiteral("whole number"));
        expectError(cli({QStringLiteral("settings-set"), QStringLiteral("history.retention_days"),
                         QStringLiteral("ten")}),
                    QStringLiteral("ten"));
        expectError(cli({QStringLiteral("settings-set"),
                         QStringLiteral("jobs.hook_timeout_seconds"), QStringLiteral("1.5")}),
                    QStringLiteral("whole number"));
        expectError(cli({QStringLiteral("settings-set"), QStringLiteral("notify.on_failure"),
                         QStringLiteral("yes")}),
                    QStringLiteral("1 (on) or 0 (off)"));
        expectError(cli({QStringLiteral("settings-set"), QStringLiteral("jobs.metrics_file"),
                         QStringLiteral("/tmp/ember.txt")}),
                    QStringLiteral("must end in .prom"));
        expectError(cli({QStringLiteral("settings-set"), QStringLiteral("history.days"),
                         QStringLiteral("5")}),
                    QStringLiteral("history.retention_days"));
        // Refusals changed nothing; an empty value restores the default.
        QCOMPARE(json({QStringLiteral("settings-show")})
                     .object()
                     .value(QStringLiteral("history.retention_days"))
                     .toString(),
                 QStringLiteral("30"));
        CLI_OK(reset, {QStringLiteral("settings-set"), QStringLiteral("history.retention_days"),
                       QString()});
        QCOMPARE(json({QStringLiteral("settings-show")})
                     .object()
                     .value(QStringLiteral("history.retention_days"))
                     .toString(),
                 QStringLiteral("90"));
    }
};

QTEST_GUILESS_MAIN(CliScheduleTest)
#include "test_cli_schedule.moc"
