#include "jobevents.h"

#include <QFileDevice>
#include <QHash>
#include <QMap>
#include <QProcess>
#include <QSaveFile>

#include <algorithm>
#include <csignal>
#include <unistd.h>

namespace ember {

namespace {

// A job's log keeps this many lines; a job that logs more keeps the first
// ones and a note of how many were left out (history rows stay small).
constexpr int kMaxLogLines = 2000;
// What of a hook's output goes into the job's log line.
constexpr int kHookOutputLines = 3;
constexpr int kHookOutputLineChars = 200;

int settingInt(const Catalog& catalog, const char* key, int fallback)
{
    bool ok = false;
    const int value = catalog.setting(QString::fromLatin1(key)).trimmed().toInt(&ok);
    return ok ? value : fallback;
}

bool settingBool(const Catalog& catalog, const char* key, bool fallback)
{
    const QString text = catalog.setting(QString::fromLatin1(key)).trimmed();
    if (text.isEmpty())
        return fallback;
    return text != QLatin1String("0") &&
           text.compare(QLatin1String("false"), Qt::CaseInsensitive) != 0;
}

QString isoUtc(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

qint64 durationMs(const JobRecord& job)
{
    if (!job.startedAt.isValid() || !job.finishedAt.isValid())
        return 0;
    return std::max<qint64>(0, job.startedAt.msecsTo(job.finishedAt));
}

bool isFailure(JobResult result)
{
    return result == JobResult::Failed || result == JobResult::Interrupted;
}

// The first lines of a hook's output, for its log line.
QString outputSummary(const QByteArray& output)
{
    const QStringList all =
        QString::fromLocal8Bit(output).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QStringList lines;
    for (const QString& line : all) {
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty())
            continue;
        if (lines.size() == kHookOutputLines) {
            lines << QStringLiteral("...");
            break;
        }
        lines << (trimmed.size() > kHookOutputLineChars
                      ? trimmed.left(kHookOutputLineChars) + QStringLiteral("...")
                      : trimmed);
    }
    return lines.isEmpty() ? QString()
                           : QStringLiteral("; output: ") + lines.join(QStringLiteral(" | "));
}

// Label values in the text exposition format: backslash, double quote and
// line feed are escaped.
QString labelValue(QString value)
{
    value.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    value.replace(QLatin1Char('"'), QLatin1String("\\\""));
    value.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return QLatin1Char('"') + value + QLatin1Char('"');
}

// One metric family: its HELP and TYPE lines, then its samples together, as
// the format requires.
struct Family
{
    QString name;
    QString help;
    QStringList samples;

    void add(const QList<QPair<QString, QString>>& labels, const QString& value)
    {
        QStringList parts;
        for (const auto& [label, text] : labels)
            parts << label + QLatin1Char('=') + labelValue(text);
        samples << name +
                       (parts.isEmpty()
                            ? QString()
                            : QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}')) +
                       QLatin1Char(' ') + value;
    }
    QString text() const
    {
        if (samples.isEmpty())
            return {};
        return QStringLiteral("# HELP %1 %2\n# TYPE %1 gauge\n").arg(name, help) +
               samples.join(QLatin1Char('\n')) + QLatin1Char('\n');
    }
};

} // namespace

AfterJobSettings AfterJobSettings::load(const Catalog& catalog)
{
    AfterJobSettings settings;
    settings.hookCommand = catalog.setting(QString::fromLatin1(settingkeys::hookCommand)).trimmed();
    const int timeout =
        settingInt(catalog, settingkeys::hookTimeoutSeconds, settings.hookTimeoutSeconds);
    if (timeout > 0)
        settings.hookTimeoutSeconds = timeout;
    settings.metricsFile = catalog.setting(QString::fromLatin1(settingkeys::metricsFile)).trimmed();
    settings.notifyOnFailure =
        settingBool(catalog, settingkeys::notifyOnFailure, settings.notifyOnFailure);
    settings.notifyOnSuccess =
        settingBool(catalog, settingkeys::notifyOnSuccess, settings.notifyOnSuccess);
    settings.historyRetentionDays =
        settingInt(catalog, settingkeys::historyRetentionDays, settings.historyRetentionDays);
    return settings;
}

void AfterJobSettings::save(Catalog& catalog) const
{
    catalog.transaction([&] {
        catalog.setSetting(QString::fromLatin1(settingkeys::hookCommand), hookCommand);
        catalog.setSetting(QString::fromLatin1(settingkeys::hookTimeoutSeconds),
                           QString::number(hookTimeoutSeconds));
        catalog.setSetting(QString::fromLatin1(settingkeys::metricsFile), metricsFile);
        catalog.setSetting(QString::fromLatin1(settingkeys::notifyOnFailure),
                           notifyOnFailure ? QStringLiteral("1") : QStringLiteral("0"));
        catalog.setSetting(QString::fromLatin1(settingkeys::notifyOnSuccess),
                           notifyOnSuccess ? QStringLiteral("1") : QStringLiteral("0"));
        catalog.setSetting(QString::fromLatin1(settingkeys::historyRetentionDays),
                           QString::number(historyRetentionDays));
    });
}

QProcessEnvironment jobHookEnvironment(const JobRecord& job, const QString& catalogPath)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const auto set = [&](const char* name, const QString& value) {
        environment.insert(QString::fromLatin1(name), value);
    };
    set("EMBER_JOB_ID", QString::number(job.id));
    set("EMBER_JOB_KIND", job.kind);
    set("EMBER_JOB_ORIGIN", job.origin);
    set("EMBER_JOB_TITLE", job.title);
    set("EMBER_JOB_RESULT", jobResultText(job.result));
    set("EMBER_JOB_REASON", job.reason);
    set("EMBER_VOLUME_ID", job.volumeId);
    set("EMBER_VOLUME_NAME", job.volumeName);
    set("EMBER_BACKUP_ID", job.backupId);
    set("EMBER_BACKEND", job.backendName);
    set("EMBER_SCHEDULE_ID", job.scheduleId);
    set("EMBER_CLOUD", job.cloud);
    set("EMBER_STARTED_AT", isoUtc(job.startedAt));
    set("EMBER_FINISHED_AT", isoUtc(job.finishedAt));
    set("EMBER_DURATION_SECONDS", QString::number(durationMs(job) / 1000));
    set("EMBER_BYTES_READ", QString::number(job.bytesRead));
    set("EMBER_BYTES_STORED", QString::number(job.bytesStored));
    set("EMBER_BYTES_PER_SECOND", QString::number(job.bytesPerSecond, 'f', 0));
    set("EMBER_CATALOG", catalogPath);
    return environment;
}

// Synchronous: it waits for the hook (up to its timeout) with
// waitForFinished, so call it on a worker thread or in ember-cli, never on
// the GUI thread. The hook runs in its own process group so that a timeout
// kills what it started too, not only the shell.
QString runJobHook(const AfterJobSettings& settings, const JobRecord& job,
                   const QString& catalogPath)
{
    if (settings.hookCommand.trimmed().isEmpty())
        return {};
    QProcess process;
    process.setProgram(QStringLiteral("/bin/sh"));
    process.setArguments({QStringLiteral("-c"), settings.hookCommand});
    process.setProcessEnvironment(jobHookEnvironment(job, catalogPath));
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setChildProcessModifier([] { ::setpgid(0, 0); });
    process.start();
    if (!process.waitForStarted(30000))
        return QStringLiteral("hook: cannot start: %1").arg(process.errorString());

    const int timeoutSeconds = settings.hookTimeoutSeconds > 0 ? settings.hookTimeoutSeconds : 300;
    if (!process.waitForFinished(timeoutSeconds * 1000)) {
        const qint64 pid = process.processId();
        if (pid > 0)
            ::kill(-pid_t(pid), SIGKILL);
        process.kill();
        process.waitForFinished(10000);
        return QStringLiteral("hook: killed after %1 s%2")
            .arg(timeoutSeconds)
            .arg(outputSummary(process.readAll()));
    }
    const QString output = outputSummary(process.readAll());
    if (process.exitStatus() == QProcess::CrashExit)
        return QStringLiteral("hook: ended by a signal%1").arg(output);
    return QStringLiteral("hook: exit %1%2").arg(process.exitCode()).arg(output);
}

QString renderMetrics(const Catalog& catalog)
{
    Family lastSuccess{
        QStringLiteral("ember_backup_last_success_timestamp_seconds"),
        QStringLiteral("When the volume's last successful backup finished (Unix time)."),
        {}};
    Family lastDuration{QStringLiteral("ember_backup_last_duration_seconds"),
                        QStringLiteral("How long the volume's last successful backup took."),
                        {}};
    Family lastRead{QStringLiteral("ember_backup_last_bytes_read"),
                    QStringLiteral("Bytes the volume's last successful backup read."),
                    {}};
    Family lastStored{
        QStringLiteral("ember_backup_last_bytes_stored"),
        QStringLiteral("Bytes the volume's last successful backup stored on its backend."),
        {}};
    Family lastResult{
        QStringLiteral("ember_backup_last_result"),
        QStringLiteral(
            "The result of the volume's last finished backup job (1 for it, 0 for the others)."),
        {}};
    Family failed{QStringLiteral("ember_jobs_failed_total"),
                  QStringLiteral("Failed and interrupted jobs in the job history kept, by kind."),
                  {}};

    const QList<JobResult> finishedResults = {JobResult::Succeeded, JobResult::Failed,
                                              JobResult::Cancelled, JobResult::Skipped,
                                              JobResult::Interrupted};
    QList<Volume> volumes = catalog.volumes();
    std::sort(volumes.begin(), volumes.end(), [](const Volume& a, const Volume& b) {
        return a.name != b.name ? a.name < b.name : a.id < b.id;
    });
    for (const Volume& volume : volumes) {
        const QList<QPair<QString, QString>> labels = {{QStringLiteral("volume_id"), volume.id},
                                                       {QStringLiteral("volume"), volume.name}};
        JobHistoryFilter filter;
        filter.volumeId = volume.id;
        filter.kind = QStringLiteral("backup");
        filter.withLog = false;
        filter.result = JobResult::Succeeded;
        filter.limit = 1;
        const QList<JobRecord> succeeded = catalog.jobHistory(filter);
        if (!succeeded.isEmpty()) {
            const JobRecord& job = succeeded.first();
            lastSuccess.add(labels, QString::number(job.finishedAt.toSecsSinceEpoch()));
            lastDuration.add(labels, QString::number(durationMs(job) / 1000.0, 'f', 3));
            lastRead.add(labels, QString::number(job.bytesRead));
            lastStored.add(labels, QString::number(job.bytesStored));
        }
        // The newest finished one: a job of another process may still run.
        filter.result.reset();
        filter.limit = 10;
        for (const JobRecord& job : catalog.jobHistory(filter)) {
            if (job.result == JobResult::Running)
                continue;
            for (JobResult result : finishedResults) {
                auto withResult = labels;
                withResult.append({QStringLiteral("result"), jobResultText(result)});
                lastResult.add(withResult,
                               job.result == result ? QStringLiteral("1") : QStringLiteral("0"));
            }
            break;
        }
    }

    QMap<QString, qint64> failedByKind{{QStringLiteral("backup"), 0}};
    for (JobResult result : {JobResult::Failed, JobResult::Interrupted}) {
        JobHistoryFilter filter;
        filter.result = result;
        filter.withLog = false;
        for (const JobRecord& job : catalog.jobHistory(filter))
            ++failedByKind[job.kind];
    }
    for (auto it = failedByKind.cbegin(); it != failedByKind.cend(); ++it)
        failed.add({{QStringLiteral("kind"), it.key()}}, QString::number(it.value()));

    QString text;
    for (const Family* family :
         {&lastSuccess, &lastDuration, &lastRead, &lastStored, &lastResult, &failed})
        text += family->text();
    return text;
}

void writeMetricsFile(const QString& path, const Catalog& catalog)
{
    const QByteArray content = renderMetrics(catalog).toUtf8();
    // QSaveFile writes a temporary file beside `path` and renames it over
    // `path` on commit, so the collector never reads half a file.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(
            QStringLiteral("cannot write the metrics file %1: %2").arg(path, file.errorString()));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                        QFileDevice::ReadOther);
    if (file.write(content) != content.size() || !file.commit())
        throw Error(
            QStringLiteral("cannot write the metrics file %1: %2").arg(path, file.errorString()));
}

JobRecorder::JobRecorder(Catalog& catalog, JobRecord job)
    : m_catalog(catalog), m_job(std::move(job))
{
    if (!m_job.startedAt.isValid())
        m_job.startedAt = QDateTime::currentDateTimeUtc();
    if (m_job.pid == 0)
        m_job.pid = qint64(::getpid());
    m_job.result = JobResult::Running;
    m_job.finishedAt = QDateTime();
    m_job.id = m_catalog.beginJob(m_job);
}

JobRecorder::~JobRecorder()
{
    if (!m_finished) {
        try {
            finish(JobResult::Failed, QStringLiteral("ended without a result"));
        } catch (...) {
            // A destructor must not throw; the row stays Running and the next
            // start settles it as Interrupted.
        }
    }
    detach();
}

void JobRecorder::attach(OperationControl& control)
{
    detach();
    m_control = &control;
    m_previousProgress = control.progressCallback();
    m_previousLog = control.logCallback();
    control.setProgressCallback([this, next = m_previousProgress](const Progress& progress) {
        noteProgress(progress);
        if (next)
            next(progress);
    });
    control.setLogCallback([this, next = m_previousLog](const QString& line) {
        addLog(line);
        if (next)
            next(line);
    });
}

void JobRecorder::detach()
{
    if (!m_control)
        return;
    m_control->setProgressCallback(m_previousProgress);
    m_control->setLogCallback(m_previousLog);
    m_control = nullptr;
    m_previousProgress = {};
    m_previousLog = {};
}

void JobRecorder::noteProgress(const Progress& progress)
{
    std::lock_guard lock(m_mutex);
    m_job.bytesRead = std::max(m_job.bytesRead, progress.bytesDone);
}

void JobRecorder::addLog(const QString& line)
{
    std::lock_guard lock(m_mutex);
    appendLogLocked(line);
}

void JobRecorder::appendLogLocked(const QString& line)
{
    if (m_logLines >= kMaxLogLines) {
        ++m_droppedLogLines;
        return;
    }
    if (!m_job.log.isEmpty())
        m_job.log += QLatin1Char('\n');
    m_job.log += line;
    ++m_logLines;
}

void JobRecorder::setBackupId(const QString& backupId)
{
    std::lock_guard lock(m_mutex);
    m_job.backupId = backupId;
}

void JobRecorder::setBytesStored(qint64 bytes)
{
    std::lock_guard lock(m_mutex);
    m_job.bytesStored = bytes;
}

void JobRecorder::setVolume(const QString& volumeId, const QString& volumeName)
{
    std::lock_guard lock(m_mutex);
    m_job.volumeId = volumeId;
    m_job.volumeName = volumeName;
}

JobRecord JobRecorder::record() const
{
    std::lock_guard lock(m_mutex);
    return m_job;
}

QStringList JobRecorder::finish(JobResult result, const QString& reason)
{
    JobRecord job;
    {
        std::lock_guard lock(m_mutex);
        if (m_finished)
            return {};
        m_finished = true;
        m_job.result = result;
        m_job.reason = reason;
        m_job.finishedAt = std::max(QDateTime::currentDateTimeUtc(), m_job.startedAt);
        const double seconds = m_job.startedAt.msecsTo(m_job.finishedAt) / 1000.0;
        m_job.bytesPerSecond = seconds > 0 ? double(m_job.bytesRead) / seconds : 0;
        if (m_droppedLogLines > 0) {
            m_job.log += QStringLiteral("\n(%1 more log lines not kept)").arg(m_droppedLogLines);
            m_droppedLogLines = 0;
        }
        job = m_job;
    }
    // What the control reports from now on belongs to whatever runs next.
    detach();
    m_catalog.finishJob(job);

    QStringList lines;
    AfterJobSettings settings;
    try {
        settings = AfterJobSettings::load(m_catalog);
    } catch (const std::exception& error) {
        lines << QStringLiteral("settings: cannot read them, defaults used: %1")
                     .arg(QString::fromLocal8Bit(error.what()));
    }
    if (settings.historyRetentionDays > 0) {
        try {
            const int removed =
                m_catalog.pruneJobHistory(job.finishedAt.addDays(-settings.historyRetentionDays));
            if (removed > 0)
                lines << QStringLiteral("history: removed %1 jobs older than %2 days")
                             .arg(removed)
                             .arg(settings.historyRetentionDays);
        } catch (const std::exception& error) {
            lines << QStringLiteral("history: cannot remove old jobs: %1")
                         .arg(QString::fromLocal8Bit(error.what()));
        }
    }
    if (!settings.hookCommand.isEmpty())
        lines << runJobHook(settings, job, m_catalog.path());
    if (!settings.metricsFile.isEmpty()) {
        try {
            writeMetricsFile(settings.metricsFile, m_catalog);
            lines << QStringLiteral("metrics: wrote %1").arg(settings.metricsFile);
        } catch (const std::exception& error) {
            lines << QStringLiteral("metrics: %1").arg(QString::fromLocal8Bit(error.what()));
        }
    }
    // Failures are what an unattended job must report. A skip is not: it
    // means another job holds the volume, and that job reports for itself. A
    // cancel was asked for by someone who already knows.
    const bool notify = (isFailure(result) && settings.notifyOnFailure) ||
                        (result == JobResult::Succeeded && settings.notifyOnSuccess);
    if (notify && m_notifier) {
        try {
            m_notifier(job);
        } catch (const std::exception& error) {
            lines << QStringLiteral("notification: %1").arg(QString::fromLocal8Bit(error.what()));
        }
    }

    if (!lines.isEmpty()) {
        {
            std::lock_guard lock(m_mutex);
            // Always kept, even past the log's limit.
            for (const QString& line : lines)
                m_job.log += (m_job.log.isEmpty() ? QString() : QStringLiteral("\n")) + line;
            job = m_job;
        }
        m_catalog.finishJob(job);
    }
    return lines;
}

} // namespace ember
