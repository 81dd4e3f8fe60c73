// What happens around every job: the job recorder (history row from start to
// finish, chained in front of the control's own callbacks) and the after-job
// actions: the hook with the job's facts in its environment (killed after its
// timeout), the Prometheus textfile and the notifier.
#include "catalog.h"
#include "jobevents.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QtTest>

#include <csignal>
#include <sys/stat.h>

using namespace ember;
using namespace ember::test;

namespace {

struct CatalogFixture
{
    QString dir;
    std::unique_ptr<Catalog> catalog;

    explicit CatalogFixture(const QString& tag)
        : dir(freshDir(tag)),
          catalog(std::make_unique<Catalog>(dir + QStringLiteral("/catalog.sqlite")))
    {
    }
};

JobRecord backupJob(const QString& volumeId = QString(), const QString& volumeName = QString())
{
    JobRecord job;
    job.kind = QStringLiteral("backup");
    job.origin = QStringLiteral("cli");
    job.title = QStringLiteral("Backup of %1")
                    .arg(volumeName.isEmpty() ? QStringLiteral("vol") : volumeName);
    job.volumeId = volumeId;
    job.volumeName = volumeName;
    job.backendName = QStringLiteral("local");
    return job;
}

// A finished job as the history holds it.
JobRecord finishedJob(const QString& kind, const Volume& volume, JobResult result,
                      const QDateTime& startedAt, qint64 seconds, qint64 bytesRead,
                      qint64 bytesStored)
{
    JobRecord job;
    job.kind = kind;
    job.origin = QStringLiteral("schedule");
    job.title = QStringLiteral("%1 of %2").arg(kind, volume.name);
    job.volumeId = volume.id;
    job.volumeName = volume.name;
    job.startedAt = startedAt;
    job.finishedAt = startedAt.addSecs(seconds);
    job.bytesRead = bytesRead;
    job.bytesStored = bytesStored;
    job.result = result;
    return job;
}

QHash<QString, QString> readEnvFile(const QString& path)
{
    QHash<QString, QString> values;
    for (const QByteArray& line : readWholeFile(path).split('\n')) {
        const qsizetype equals = line.indexOf('=');
        if (equals > 0)
            values.insert(QString::fromUtf8(line.left(equals)),
                          QString::fromUtf8(line.mid(equals + 1)));
    }
    return values;
}

// True while `pid` is a process that has not ended (a zombie has ended).
bool processRunning(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close > 0 && text.size() > close + 2 && text.at(close + 2) != 'Z' &&
           text.at(close + 2) != 'X';
}

Volume addVolumeRow(Catalog& catalog, const QString& name)
{
    Volume volume;
    volume.id = newUuid();
    volume.name = name;
    volume.path = QStringLiteral("/dev/null/%1").arg(volume.id);
    volume.sizeBytes = 1 << 20;
    volume.createdAt = QDateTime::currentDateTimeUtc();
    volume.updatedAt = volume.createdAt;
    catalog.insertVolume(volume);
    return volume;
}

} // namespace

class JobEventsTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hookGetsTheJobFactsInItsEnvironment()
    {
        CatalogFixture f(QStringLiteral("jobevents-hook-env"));
        const QString envFile = f.dir + QStringLiteral("/env.txt");
        const QString marker = f.dir + QStringLiteral("/interpolated");
        AfterJobSettings settings;
        settings.hookCommand =
            QStringLiteral("env > '%1'; echo to-stdout; echo to-stderr >&2").arg(envFile);
        settings.save(*f.catalog);

        // Facts that a shell would expand if they were put into the command.
        JobRecord job = backupJob(newUuid(), QStringLiteral("db disk \"1\""));
        job.title = QStringLiteral("Backup of it's $(touch %1) `touch %1`").arg(marker);
        job.scheduleId = newUuid();
        JobRecorder recorder(*f.catalog, job);
        const qint64 id = recorder.record().id;
        QVERIFY(id > 0);
        Progress progress;
        progress.bytesDone = 5000;
        recorder.noteProgress(progress);
        progress.bytesDone = 3000; // a later phase starts again at 0: the most seen counts
        recorder.noteProgress(progress);
        recorder.setBackupId(QStringLiteral("0b0e0e0e-1111-2222-3333-444455556666"));
        recorder.setBytesStored(1234);
        const QStringList lines =
            recorder.finish(JobResult::Failed, QStringLiteral("disk on fire"));

        QVERIFY2(lines.size() == 1 && lines.first().startsWith(QStringLiteral("hook: exit 0")),
                 qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY2(lines.first().contains(QStringLiteral("to-stdout")) &&
                     lines.first().contains(QStringLiteral("to-stderr")),
                 qPrintable(lines.first()));
        QVERIFY(!QFile::exists(marker));

        const QHash<QString, QString> env = readEnvFile(envFile);
        const std::optional<JobRecord> stored = f.catalog->job(id);
        QVERIFY(stored);
        QCOMPARE(env.value(QStringLiteral("EMBER_JOB_ID")), QString::number(id));
        QCOMPARE(env.value(QStringLiteral("EMBER_JOB_KIND")), QStringLiteral("backup"));
        QCOMPARE(env.value(QStringLiteral("EMBER_JOB_ORIGIN")), QStringLiteral("cli"));
        QCOMPARE(env.value(QStringLiteral("EMBER_JOB_TITLE")), job.title);
        QCOMPARE(env.value(QStringLiteral("EMBER_JOB_RESULT")), QStringLiteral("failed"));
        QCOMPARE(env.value(QStringLiteral("EMBER_JOB_REASON")), QStringLiteral("disk on fire"));
        QCOMPARE(env.value(QStringLiteral("EMBER_VOLUME_ID")), job.volumeId);
        QCOMPARE(env.value(QStringLiteral("EMBER_VOLUME_NAME")), job.volumeName);
        QCOMPARE(env.value(QStringLiteral("EMBER_BACKUP_ID")),
                 QStringLiteral("0b0e0e0e-1111-2222-3333-444455556666"));
        QCOMPARE(env.value(QStringLiteral("EMBER_BACKEND")), QStringLiteral("local"));
        QCOMPARE(env.value(QStringLiteral("EMBER_SCHEDULE_ID")), job.scheduleId);
        QVERIFY(env.contains(QStringLiteral("EMBER_CLOUD")));
        QCOMPARE(env.value(QStringLiteral("EMBER_BYTES_READ")), QStringLiteral("5000"));
        QCOMPARE(env.value(QStringLiteral("EMBER_BYTES_STORED")), QStringLiteral("1234"));
        QCOMPARE(env.value(QStringLiteral("EMBER_CATALOG")), f.catalog->path());
        const QDateTime started =
            QDateTime::fromString(env.value(QStringLiteral("EMBER_STARTED_AT")), Qt::ISODate);
        const QDateTime finished =
            QDateTime::fromString(env.value(QStringLiteral("EMBER_FINISHED_AT")), Qt::ISODate);
        QVERIFY(started.isValid() && finished.isValid());
        QVERIFY(env.value(QStringLiteral("EMBER_STARTED_AT")).endsWith(QLatin1Char('Z')));
        QCOMPARE(started.toSecsSinceEpoch(), stored->startedAt.toSecsSinceEpoch());
        QCOMPARE(finished.toSecsSinceEpoch(), stored->finishedAt.toSecsSinceEpoch());
        QCOMPARE(env.value(QStringLiteral("EMBER_DURATION_SECONDS")),
                 QString::number(started.secsTo(finished)));
        bool numeric = false;
        env.value(QStringLiteral("EMBER_BYTES_PER_SECOND")).toDouble(&numeric);
        QVERIFY(numeric);
        // The process's own environment is kept (PATH for the hook's commands).
        QCOMPARE(env.value(QStringLiteral("PATH")), qEnvironmentVariable("PATH"));

        // The hook's line is in the stored log too.
        QCOMPARE(stored->result, JobResult::Failed);
        QVERIFY2(stored->log.contains(QStringLiteral("hook: exit 0")), qPrintable(stored->log));
    }

    void hookExitCodeIsReported()
    {
        CatalogFixture f(QStringLiteral("jobevents-hook-exit"));
        AfterJobSettings settings;
        settings.hookCommand = QStringLiteral("echo \"result $EMBER_JOB_RESULT\"; exit 3");
        const QString line = runJobHook(settings, backupJob(), f.catalog->path());
        QVERIFY2(line.startsWith(QStringLiteral("hook: exit 3")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("result running")), qPrintable(line));
    }

    void hookTimeoutKillsItAndTheJobStillRecords()
    {
        CatalogFixture f(QStringLiteral("jobevents-hook-timeout"));
        const QString pidFile = f.dir + QStringLiteral("/sleeper.pid");
        AfterJobSettings settings;
        // The shell's child must die with it: the whole process group is killed.
        settings.hookCommand =
            QStringLiteral("echo started; sleep 60 & echo $! > '%1'; wait").arg(pidFile);
        settings.hookTimeoutSeconds = 1;
        settings.save(*f.catalog);

        JobRecorder recorder(*f.catalog, backupJob());
        QElapsedTimer clock;
        clock.start();
        const QStringList lines = recorder.finish(JobResult::Succeeded, QStringLiteral("ok"));
        QVERIFY2(clock.elapsed() < 20000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(lines.size() == 1 &&
                     lines.first().startsWith(QStringLiteral("hook: killed after 1 s")),
                 qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY2(lines.first().contains(QStringLiteral("started")), qPrintable(lines.first()));

        const qint64 sleeper = readWholeFile(pidFile).trimmed().toLongLong();
        QVERIFY(sleeper > 0);
        QTRY_VERIFY_WITH_TIMEOUT(!processRunning(sleeper), 5000);

        const std::optional<JobRecord> stored = f.catalog->job(recorder.record().id);
        QVERIFY(stored);
        QCOMPARE(stored->result, JobResult::Succeeded);
        QCOMPARE(stored->reason, QStringLiteral("ok"));
        QVERIFY(stored->finishedAt.isValid());
        QVERIFY2(stored->log.contains(QStringLiteral("hook: killed after 1 s")),
                 qPrintable(stored->log));
    }

    void metricsFileIsPrometheusText()
    {
        CatalogFixture f(QStringLiteral("jobevents-metrics"));
        Catalog& catalog = *f.catalog;
        const Volume odd = addVolumeRow(catalog, QStringLiteral("we\"ird\\name\nx"));
        const Volume plain = addVolumeRow(catalog, QStringLiteral("plain"));
        const Volume never = addVolumeRow(catalog, QStringLiteral("never"));
        const QDateTime base = QDateTime::currentDateTimeUtc().addDays(-2);
        // odd: an older success, then a failure (the last result).
        catalog.recordJob(
            finishedJob(QStringLiteral("backup"), odd, JobResult::Succeeded, base, 42, 1000, 400));
        catalog.recordJob(finishedJob(QStringLiteral("backup"), odd, JobResult::Failed,
                                      base.addSecs(3600), 5, 10, 0));
        // plain: a failure, then a success; a prune after it does not count as a backup.
        catalog.recordJob(
            finishedJob(QStringLiteral("backup"), plain, JobResult::Failed, base, 1, 0, 0));
        catalog.recordJob(finishedJob(QStringLiteral("backup"), plain, JobResult::Succeeded,
                                      base.addSecs(7200), 100, 8000, 3000));
        catalog.recordJob(finishedJob(QStringLiteral("prune"), plain, JobResult::Failed,
                                      base.addSecs(9000), 2, 0, 0));

        const QString path = f.dir + QStringLiteral("/metrics/ember.prom");
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        writeMetricsFile(path, catalog);
        const QString text = QString::fromUtf8(readWholeFile(path));
        QCOMPARE(text, renderMetrics(catalog));
        struct stat status
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &status), 0);
        QCOMPARE(status.st_mode & 07777, mode_t(0644));
        QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files),
                 QStringList{QStringLiteral("ember.prom")});

        // The text exposition format, line by line.
        static const QRegularExpression helpLine(
            QStringLiteral(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$)"));
        static const QRegularExpression typeLine(
            QStringLiteral(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|untyped)$)"));
        static const QRegularExpression sampleLine(QStringLiteral(
            R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$)"));
        QVERIFY(text.endsWith(QLatin1Char('\n')));
        QHash<QString, QString> values; // sample (name and labels) -> value
        QSet<QString> typed;
        QString currentFamily;
        for (const QString& line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            if (const auto help = helpLine.match(line); help.hasMatch()) {
                currentFamily = help.captured(1);
                continue;
            }
            if (const auto type = typeLine.match(line); type.hasMatch()) {
                QCOMPARE(type.captured(1), currentFamily);
                QVERIFY2(!typed.contains(currentFamily), qPrintable(line)); // one block per family
                typed.insert(currentFamily);
                continue;
            }
            const auto sample = sampleLine.match(line);
            QVERIFY2(sample.hasMatch(), qPrintable(QStringLiteral("not a sample line: ") + line));
            QCOMPARE(sample.captured(1), currentFamily);
            values.insert(line.left(line.lastIndexOf(QLatin1Char(' '))), sample.captured(5));
        }

        const auto labels = [](const Volume& volume) {
            QString name = volume.name;
            name.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
                .replace(QLatin1Char('"'), QLatin1String("\\\""))
                .replace(QLatin1Char('\n'), QLatin1String("\\n"));
            return QStringLiteral("volume_id=\"%1\",volume=\"%2\"").arg(volume.id, name);
        };
        const auto value = [&](const QString& name, const QString& labelText) {
            return values.value(QStringLiteral("%1{%2}").arg(name, labelText),
                                QStringLiteral("missing"));
        };
        QCOMPARE(labels(odd),
                 QStringLiteral("volume_id=\"%1\",volume=\"we\\\"ird\\\\name\\nx\"").arg(odd.id));
        QCOMPARE(value(QStringLiteral("ember_backup_last_success_timestamp_seconds"), labels(odd)),
                 QString::number(base.addSecs(42).toSecsSinceEpoch()));
        QCOMPARE(
            value(QStringLiteral("ember_backup_last_duration_seconds"), labels(odd)).toDouble(),
            42.0);
        QCOMPARE(value(QStringLiteral("ember_backup_last_bytes_read"), labels(odd)),
                 QStringLiteral("1000"));
        QCOMPARE(value(QStringLiteral("ember_backup_last_bytes_stored"), labels(odd)),
                 QStringLiteral("400"));
        QCOMPARE(value(QStringLiteral("ember_backup_last_result"),
                       labels(odd) + QStringLiteral(",result=\"failed\"")),
                 QStringLiteral("1"));
        QCOMPARE(value(QStringLiteral("ember_backup_last_result"),
                       labels(odd) + QStringLiteral(",result=\"succeeded\"")),
                 QStringLiteral("0"));
        QCOMPARE(
            value(QStringLiteral("ember_backup_last_success_timestamp_seconds"), labels(plain)),
            QString::number(base.addSecs(7300).toSecsSinceEpoch()));
        QCOMPARE(value(QStringLiteral("ember_backup_last_bytes_stored"), labels(plain)),
                 QStringLiteral("3000"));
        QCOMPARE(value(QStringLiteral("ember_backup_last_result"),
                       labels(plain) + QStringLiteral(",result=\"succeeded\"")),
                 QStringLiteral("1"));
        QCOMPARE(value(QStringLiteral("ember_backup_last_result"),
                       labels(plain) + QStringLiteral(",result=\"failed\"")),
                 QStringLiteral("0"));
        QVERIFY(!text.contains(never.id)); // no backup job, no sample
        QCOMPARE(
            value(QStringLiteral("ember_jobs_failed_total"), QStringLiteral("kind=\"backup\"")),
            QStringLiteral("2"));
        QCOMPARE(value(QStringLiteral("ember_jobs_failed_total"), QStringLiteral("kind=\"prune\"")),
                 QStringLiteral("1"));
    }

    void metricsAfterEachJobAndTheirErrorsAreLogLines()
    {
        CatalogFixture f(QStringLiteral("jobevents-metrics-recorder"));
        const Volume volume = addVolumeRow(*f.catalog, QStringLiteral("v"));
        const QString path = f.dir + QStringLiteral("/ember.prom");
        AfterJobSettings settings;
        settings.metricsFile = path;
        settings.save(*f.catalog);
        {
            JobRecorder recorder(*f.catalog, backupJob(volume.id, volume.name));
            recorder.setBytesStored(777);
            const QStringList lines = recorder.finish(JobResult::Succeeded);
            QCOMPARE(lines, QStringList{QStringLiteral("metrics: wrote %1").arg(path)});
        }
        const QString text = QString::fromUtf8(readWholeFile(path));
        QVERIFY2(
            text.contains(
                QStringLiteral("ember_backup_last_bytes_stored{volume_id=\"%1\",volume=\"v\"} 777")
                    .arg(volume.id)),
            qPrintable(text));

        // A directory that does not exist: a log line, never an exception.
        settings.metricsFile = f.dir + QStringLiteral("/missing/ember.prom");
        settings.save(*f.catalog);
        JobRecorder recorder(*f.catalog, backupJob(volume.id, volume.name));
        QStringList lines;
        try {
            lines = recorder.finish(JobResult::Succeeded);
        } catch (const std::exception& error) {
            QFAIL(error.what());
        }
        QVERIFY2(lines.size() == 1 && lines.first().startsWith(
                                          QStringLiteral("metrics: cannot write the metrics file")),
                 qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY(f.catalog->job(recorder.record().id)->log.contains(lines.first()));
        const Error error = errorOf([&] { writeMetricsFile(settings.metricsFile, *f.catalog); });
        QVERIFY2(error.message().contains(settings.metricsFile), qPrintable(error.message()));
    }

    void chainingKeepsTheOriginalCallbacks()
    {
        CatalogFixture f(QStringLiteral("jobevents-chain"));
        OperationControl control;
        QStringList originalLog;
        qint64 originalBytes = 0;
        int originalProgressCalls = 0;
        control.setLogCallback([&](const QString& line) { originalLog << line; });
        control.setProgressCallback([&](const Progress& progress) {
            ++originalProgressCalls;
            originalBytes = progress.bytesDone;
        });
        qint64 id = 0;
        {
            JobRecorder recorder(*f.catalog, backupJob());
            id = recorder.record().id;
            recorder.attach(control);
            control.log(QStringLiteral("first line"));
            control.setPhase(QStringLiteral("reading"), 4096);
            control.addBytesDone(4096); // the last report of a phase is always delivered
            control.log(QStringLiteral("second line"));
            QCOMPARE(originalLog,
                     (QStringList{QStringLiteral("first line"), QStringLiteral("second line")}));
            QVERIFY(originalProgressCalls >= 2);
            QCOMPARE(originalBytes, qint64(4096));
            const JobRecord seen = recorder.record();
            QCOMPARE(seen.bytesRead, qint64(4096));
            QCOMPARE(seen.log, QStringLiteral("first line\nsecond line"));
            recorder.finish(JobResult::Succeeded);
            // Once finished, what the control reports is no longer this job's.
            control.log(QStringLiteral("after finish"));
            QCOMPARE(recorder.record().log, QStringLiteral("first line\nsecond line"));
        }
        // The recorder is gone: the control's own callbacks are back.
        control.log(QStringLiteral("after the recorder"));
        QCOMPARE(originalLog.last(), QStringLiteral("after the recorder"));
        const std::optional<JobRecord> stored = f.catalog->job(id);
        QVERIFY(stored);
        QCOMPARE(stored->log, QStringLiteral("first line\nsecond line"));
        QCOMPARE(stored->bytesRead, qint64(4096));
        QCOMPARE(stored->result, JobResult::Succeeded);
    }

    void destructorWithoutFinishRecordsFailed()
    {
        CatalogFixture f(QStringLiteral("jobevents-unfinished"));
        OperationControl control;
        qint64 id = 0;
        try {
            JobRecorder recorder(*f.catalog, backupJob());
            id = recorder.record().id;
            recorder.attach(control);
            QCOMPARE(f.catalog->job(id)->result, JobResult::Running);
            throw Error(QStringLiteral("the job failed before its result was known"));
        } catch (const Error&) {
        }
        const std::optional<JobRecord> stored = f.catalog->job(id);
        QVERIFY(stored);
        QCOMPARE(stored->result, JobResult::Failed);
        QCOMPARE(stored->reason, QStringLiteral("ended without a result"));
        QVERIFY(stored->finishedAt.isValid());
        QVERIFY(!control.logCallback()); // given back as it was
    }

    void notifierFollowsTheSettings()
    {
        CatalogFixture f(QStringLiteral("jobevents-notify"));
        QList<JobResult> notified;
        const auto runOne = [&](JobResult result) {
            JobRecorder recorder(*f.catalog, backupJob());
            recorder.setNotifier([&](const JobRecord& job) { notified << job.result; });
            recorder.finish(result, QStringLiteral("why"));
        };
        const QList<JobResult> all = {JobResult::Succeeded, JobResult::Failed, JobResult::Cancelled,
                                      JobResult::Skipped, JobResult::Interrupted};
        for (JobResult result : all)
            runOne(result);
        QCOMPARE(notified, (QList<JobResult>{JobResult::Failed, JobResult::Interrupted}));

        AfterJobSettings settings;
        settings.notifyOnFailure = false;
        settings.notifyOnSuccess = true;
        settings.save(*f.catalog);
        QCOMPARE(AfterJobSettings::load(*f.catalog).notifyOnSuccess, true);
        notified.clear();
        for (JobResult result : all)
            runOne(result);
        QCOMPARE(notified, QList<JobResult>{JobResult::Succeeded});
    }

    void historyOlderThanItsRetentionIsPruned()
    {
        CatalogFixture f(QStringLiteral("jobevents-retention"));
        const Volume volume = addVolumeRow(*f.catalog, QStringLiteral("v"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const qint64 old = f.catalog->recordJob(finishedJob(
            QStringLiteral("backup"), volume, JobResult::Succeeded, now.addDays(-40), 10, 1, 1));
        const qint64 recent = f.catalog->recordJob(finishedJob(
            QStringLiteral("backup"), volume, JobResult::Succeeded, now.addDays(-20), 10, 1, 1));
        AfterJobSettings settings;
        settings.historyRetentionDays = 30;
        settings.save(*f.catalog);
        JobRecorder recorder(*f.catalog, backupJob(volume.id, volume.name));
        const QStringList lines = recorder.finish(JobResult::Succeeded);
        QVERIFY2(lines.contains(QStringLiteral("history: removed 1 jobs older than 30 days")),
                 qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY(!f.catalog->job(old));
        QVERIFY(f.catalog->job(recent));
        QVERIFY(f.catalog->job(recorder.record().id));
    }
};

QTEST_GUILESS_MAIN(JobEventsTest)
#include "engine_jobevents.moc"
