#include "jobrunner.h"

#include "jobevents.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>
#include <QRunnable>
#include <QSet>
#include <mutex>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace ember::ui {

QString jobStateText(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QCoreApplication::translate("JobState", "queued");
    case JobState::Running:
        return QCoreApplication::translate("JobState", "running");
    case JobState::Cancelling:
        return QCoreApplication::translate("JobState", "cancelling");
    case JobState::Succeeded:
        return QCoreApplication::translate("JobState", "done");
    case JobState::Failed:
        return QCoreApplication::translate("JobState", "failed");
    case JobState::Cancelled:
        return QCoreApplication::translate("JobState", "cancelled");
    }
    return {};
}

bool isFinished(JobState state)
{
    return state == JobState::Succeeded || state == JobState::Failed ||
           state == JobState::Cancelled;
}

qint64 JobInfo::elapsedSeconds() const
{
    if (!startedAt.isValid())
        return 0;
    const QDateTime end = finishedAt.isValid() ? finishedAt : QDateTime::currentDateTimeUtc();
    return qMax<qint64>(0, startedAt.secsTo(end));
}

QString runOnOwnService(const QString& catalogPath, const SecretProvider& secrets,
                        const std::function<void(BackupService& service)>& work)
{
    try {
        Catalog catalog(catalogPath);
        BackupService service(catalog, secrets);
        work(service);
    } catch (const std::exception& failure) {
        return QString::fromUtf8(failure.what());
    }
    return {};
}

// Shared between the UI thread and the job's worker thread.
struct JobRunner::Running
{
    OperationControl control;
    std::mutex mutex;
    QElapsedTimer sinceLastReport;
    bool reportedOnce = false;
};

namespace {

constexpr qint64 progressIntervalMs = 100; // about ten updates a second

// What the job's history record starts with (the worker adds the rest).
JobRecord historyRecord(const JobInfo& info)
{
    JobRecord record;
    record.kind = info.kind;
    record.title = info.title;
    record.volumeId = info.volumeId;
    record.volumeName = info.volumeName;
    record.backupId = info.backupId;
    record.cloud = info.cloud;
    // An empty kind tells the worker not to record the job (JobSpec::recordsItself).
    if (info.recordsItself)
        record.kind.clear();
    return record;
}

// Job threads, and the engine threads they start (which inherit it), give
// way to the UI thread when the cores are busy: the window stays responsive
// during a backup that uses every core.
void lowerThreadPriority()
{
#ifdef Q_OS_LINUX
    const auto thread = static_cast<id_t>(syscall(SYS_gettid));
    if (getpriority(PRIO_PROCESS, thread) < 10)
        setpriority(PRIO_PROCESS, thread, 10);
#endif
}

class JobRunnable : public QRunnable
{
public:
    JobRunnable(JobRunner* runner, quint64 jobId, QString catalogPath, SecretProvider secrets,
                JobWork work, RemoteJobWork remoteWork, std::shared_ptr<void> running,
                OperationControl& control, std::mutex& mutex, QElapsedTimer& sinceLastReport,
                bool& reportedOnce, std::function<void(quint64, const Progress&)> progress,
                std::function<void(quint64, const QString&)> log,
                std::function<void(quint64)> started,
                std::function<void(quint64, JobState, const QString&)> done, JobRecord record,
                std::function<void(quint64, qint64)> recorded)
        : m_runner(runner), m_jobId(jobId), m_catalogPath(std::move(catalogPath)),
          m_secrets(std::move(secrets)), m_work(std::move(work)),
          m_remoteWork(std::move(remoteWork)), m_keepAlive(std::move(running)), m_control(control),
          m_mutex(mutex), m_sinceLastReport(sinceLastReport), m_reportedOnce(reportedOnce),
          m_progress(std::move(progress)), m_log(std::move(log)), m_started(std::move(started)),
          m_done(std::move(done)), m_record(std::move(record)), m_recorded(std::move(recorded))
    {
        setAutoDelete(true);
    }

    void run() override
    {
        lowerThreadPriority();
        const quint64 id = m_jobId;
        JobRunner* runner = m_runner;
        auto post = [runner](std::function<void()> call) {
            QMetaObject::invokeMethod(runner, std::move(call), Qt::QueuedConnection);
        };
        post([this_started = m_started, id] { this_started(id); });
        m_control.setProgressCallback([&, id, post](const Progress& progress) {
            {
                std::lock_guard lock(m_mutex);
                const bool complete =
                    progress.bytesTotal > 0 && progress.bytesDone >= progress.bytesTotal;
                if (m_reportedOnce && !complete && m_sinceLastReport.elapsed() < progressIntervalMs)
                    return;
                m_reportedOnce = true;
                m_sinceLastReport.restart();
            }
            post([callback = m_progress, id, progress] { callback(id, progress); });
        });
        m_control.setLogCallback([id, post, callback = m_log](const QString& line) {
            post([callback, id, line] { callback(id, line); });
        });

        JobState state = JobState::Succeeded;
        QString outcome;
        // Declared before the recorder, which writes through it until the end.
        std::unique_ptr<Catalog> catalog;
        std::unique_ptr<JobRecorder> recorder;
        try {
            m_control.throwIfCancelled();
            if (m_remoteWork) {
                // The cloud does the work; the catalog only records it, so a
                // catalog that cannot be opened does not stop the job.
                try {
                    catalog = std::make_unique<Catalog>(m_catalogPath);
                } catch (const std::exception& error) {
                    m_control.log(QCoreApplication::translate(
                                      "JobRunner", "history: the job is not recorded: %1")
                                      .arg(QString::fromUtf8(error.what())));
                }
                recorder = startRecording(catalog.get(), id, post);
                outcome = m_remoteWork(m_control);
            } else {
                catalog = std::make_unique<Catalog>(m_catalogPath);
                recorder = startRecording(catalog.get(), id, post);
                BackupService service(*catalog, m_secrets);
                outcome = m_work(service, m_control);
            }
        } catch (const Cancelled&) {
            state = JobState::Cancelled;
            outcome = QCoreApplication::translate("JobRunner", "Cancelled by request.");
        } catch (const Error& error) {
            state = JobState::Failed;
            outcome = error.message();
        } catch (const std::exception& error) {
            state = JobState::Failed;
            outcome = QString::fromUtf8(error.what());
        }
        if (recorder)
            finishRecording(*catalog, *recorder, state, outcome, id, post);
        // Drop the callbacks: nothing may post after the final report.
        m_control.setProgressCallback({});
        m_control.setLogCallback({});
        const Progress last = m_control.progress();
        post([progress = m_progress, done = m_done, id, state, outcome, last] {
            progress(id, last);
            done(id, state, outcome);
        });
    }

private:
    using Post = std::function<void(std::function<void()>)>;

    // Inserts the job's history record (result running) and chains the
    // recorder in front of the control's callbacks. A history that cannot be
    // written costs the job nothing but a log line.
    std::unique_ptr<JobRecorder> startRecording(Catalog* catalog, quint64 id, const Post& post)
    {
        if (!catalog || m_record.kind.isEmpty())
            return {};
        try {
            m_record.origin = QStringLiteral("gui");
            m_record.startedAt = QDateTime::currentDateTimeUtc();
            m_record.pid = QCoreApplication::applicationPid();
            if (!m_remoteWork && !m_record.volumeId.isEmpty() && m_record.backendName.isEmpty())
                if (const std::optional<Volume> volume = catalog->volume(m_record.volumeId))
                    m_record.backendName = volume->backendName;
            auto recorder = std::make_unique<JobRecorder>(*catalog, m_record);
            recorder->attach(m_control);
            post([recorded = m_recorded, id, historyId = recorder->record().id] {
                recorded(id, historyId);
            });
            return recorder;
        } catch (const std::exception& error) {
            m_control.log(
                QCoreApplication::translate("JobRunner", "history: the job is not recorded: %1")
                    .arg(QString::fromUtf8(error.what())));
        }
        return {};
    }

    void finishRecording(Catalog& catalog, JobRecorder& recorder, JobState state,
                         const QString& outcome, quint64 id, const Post& post)
    {
        const JobResult result = state == JobState::Succeeded   ? JobResult::Succeeded
                                 : state == JobState::Cancelled ? JobResult::Cancelled
                                                                : JobResult::Failed;
        try {
            noteNewBackup(catalog, recorder);
            // The log read later ends the way the jobs panel's does.
            recorder.addLog(QStringLiteral("%1: %2").arg(jobStateText(state), outcome));
            const QStringList lines = recorder.finish(result, outcome);
            // The after-job actions' lines (hook, metrics) reach the jobs panel too.
            for (const QString& line : lines)
                post([callback = m_log, id, line] { callback(id, line); });
        } catch (const std::exception& error) {
            const QString line =
                QCoreApplication::translate("JobRunner", "history: the result is not recorded: %1")
                    .arg(QString::fromUtf8(error.what()));
            post([callback = m_log, id, line] { callback(id, line); });
        }
    }

    // A backup's work returns only its outcome line: the backup it made is
    // the volume's newest one created since the job started (the volume's
    // lock keeps every other job off it meanwhile).
    void noteNewBackup(Catalog& catalog, JobRecorder& recorder)
    {
        const JobRecord record = recorder.record();
        if (record.kind != QLatin1String("backup") || record.volumeId.isEmpty() || m_remoteWork)
            return;
        BackupFilter filter;
        filter.volumeId = record.volumeId;
        const QDateTime since = record.startedAt; // the catalog keeps milliseconds
        std::optional<Backup> newest;
        for (const Backup& backup : catalog.backups(filter)) {
            if (backup.createdAt.isValid() && backup.createdAt >= since &&
                (!newest || backup.createdAt >= newest->createdAt))
                newest = backup;
        }
        if (!newest)
            return;
        recorder.setBackupId(newest->id);
        if (newest->storedBytes > 0)
            recorder.setBytesStored(newest->storedBytes);
    }

    JobRunner* m_runner;
    quint64 m_jobId;
    QString m_catalogPath;
    SecretProvider m_secrets;
    JobWork m_work;
    RemoteJobWork m_remoteWork;
    std::shared_ptr<void> m_keepAlive;
    OperationControl& m_control;
    std::mutex& m_mutex;
    QElapsedTimer& m_sinceLastReport;
    bool& m_reportedOnce;
    std::function<void(quint64, const Progress&)> m_progress;
    std::function<void(quint64, const QString&)> m_log;
    std::function<void(quint64)> m_started;
    std::function<void(quint64, JobState, const QString&)> m_done;
    JobRecord m_record;
    std::function<void(quint64, qint64)> m_recorded;
};

} // namespace

JobRunner::JobRunner(const QString& catalogPath, QObject* parent)
    : QObject(parent), m_catalogPath(catalogPath)
{
    // The pool is only a thread supply: how many jobs run is decided here.
    m_pool.setMaxThreadCount(64);
    m_pool.setExpiryTimeout(30000);
}

JobRunner::~JobRunner()
{
    m_pendingWork.clear();
    m_pendingRemoteWork.clear();
    for (auto& running : m_running)
        running->control.requestCancel();
    m_pool.waitForDone();
}

quint64 JobRunner::submit(JobSpec spec)
{
    if (m_keys && spec.work)
        spec.work = [keys = m_keys, work = std::move(spec.work)](BackupService& service,
                                                                 OperationControl& control) {
            service.setKeyLookup(keys);
            return work(service, control);
        };
    JobInfo info;
    info.id = m_nextId++;
    info.kind = spec.kind;
    info.title = spec.title;
    info.volumeId = spec.volumeId;
    info.volumeName = spec.volumeName;
    info.backupId = spec.backupId;
    info.recordsItself = spec.recordsItself;
    info.queuedAt = QDateTime::currentDateTimeUtc();
    info.log.append(tr("%1 queued").arg(info.queuedAt.toLocalTime().toString(Qt::ISODate)));
    Q_EMIT jobAboutToBeAdded(static_cast<int>(m_jobs.size()));
    m_jobs.append(info);
    m_pendingWork.insert(info.id, std::move(spec.work));
    Q_EMIT jobAdded(static_cast<int>(m_jobs.size()) - 1);
    // Start from the event loop so the caller sees the job queued first.
    QMetaObject::invokeMethod(this, &JobRunner::startReadyJobs, Qt::QueuedConnection);
    return info.id;
}

quint64 JobRunner::submitRemote(RemoteJobSpec spec)
{
    JobSpec local;
    local.kind = spec.kind;
    local.title = spec.title;
    local.volumeId = spec.volumeId;
    local.volumeName = spec.volumeName;
    local.backupId = spec.backupId;
    const quint64 id = submit(std::move(local));
    m_pendingWork.remove(id);
    m_pendingRemoteWork.insert(id, std::move(spec.work));
    JobInfo* info = find(id);
    info->noProgressNote = spec.noProgressNote;
    info->cloud = spec.cloud;
    Q_EMIT jobChanged(indexOf(id));
    return id;
}

JobInfo* JobRunner::find(quint64 jobId)
{
    const int index = indexOf(jobId);
    return index < 0 ? nullptr : &m_jobs[index];
}

const JobInfo* JobRunner::job(quint64 jobId) const
{
    const int index = indexOf(jobId);
    return index < 0 ? nullptr : &m_jobs.at(index);
}

int JobRunner::indexOf(quint64 jobId) const
{
    for (int index = 0; index < m_jobs.size(); ++index)
        if (m_jobs.at(index).id == jobId)
            return index;
    return -1;
}

int JobRunner::activeCount() const
{
    int count = 0;
    for (const JobInfo& info : m_jobs)
        if (!isFinished(info.state))
            ++count;
    return count;
}

bool JobRunner::isVolumeBusy(const QString& volumeId) const
{
    if (volumeId.isEmpty())
        return false;
    for (const JobInfo& info : m_jobs)
        if (!isFinished(info.state) && info.volumeId == volumeId)
            return true;
    return false;
}

void JobRunner::setMaxConcurrent(int jobs)
{
    m_maxConcurrent = qBound(1, jobs, 16);
    startReadyJobs();
}

void JobRunner::startReadyJobs()
{
    QSet<QString> busyVolumes;
    int running = 0;
    for (const JobInfo& info : m_jobs) {
        if (info.state == JobState::Running || info.state == JobState::Cancelling) {
            ++running;
            busyVolumes.insert(info.volumeId);
        }
    }
    for (int index = 0; index < m_jobs.size() && running < m_maxConcurrent; ++index) {
        JobInfo& info = m_jobs[index];
        if (info.state != JobState::Queued)
            continue;
        if (!info.volumeId.isEmpty() && busyVolumes.contains(info.volumeId))
            continue; // waits for the job ahead of it on the same volume
        auto shared = std::make_shared<Running>();
        m_running.insert(info.id, shared);
        info.state = JobState::Running;
        busyVolumes.insert(info.volumeId);
        ++running;
        QPointer<JobRunner> self(this);
        auto* runnable = new JobRunnable(
            this, info.id, m_catalogPath, m_secrets, m_pendingWork.take(info.id),
            m_pendingRemoteWork.take(info.id), shared, shared->control, shared->mutex,
            shared->sinceLastReport, shared->reportedOnce,
            [self](quint64 id, const Progress& progress) {
                if (self)
                    self->onProgress(id, progress);
            },
            [self](quint64 id, const QString& line) {
                if (self)
                    self->onLog(id, line);
            },
            [self](quint64 id) {
                if (self)
                    self->onStarted(id);
            },
            [self](quint64 id, JobState state, const QString& outcome) {
                if (self)
                    self->onDone(id, state, outcome);
            },
            historyRecord(info),
            [self](quint64 id, qint64 historyId) {
                if (self)
                    self->onRecorded(id, historyId);
            });
        m_pool.start(runnable);
        Q_EMIT jobChanged(index);
    }
}

void JobRunner::onStarted(quint64 jobId)
{
    JobInfo* info = find(jobId);
    if (!info)
        return;
    info->startedAt = QDateTime::currentDateTimeUtc();
    info->log.append(tr("%1 started").arg(info->startedAt.toLocalTime().toString(Qt::ISODate)));
    Q_EMIT jobChanged(indexOf(jobId));
}

void JobRunner::onRecorded(quint64 jobId, qint64 historyId)
{
    JobInfo* info = find(jobId);
    if (!info)
        return;
    info->historyId = historyId;
    Q_EMIT jobChanged(indexOf(jobId));
}

void JobRunner::onProgress(quint64 jobId, const Progress& progress)
{
    JobInfo* info = find(jobId);
    if (!info || isFinished(info->state))
        return;
    if (progress.phase != info->progress.phase && !progress.phase.isEmpty())
        info->log.append(tr("phase: %1").arg(progress.phase));
    info->progress = progress;
    Q_EMIT jobChanged(indexOf(jobId));
}

void JobRunner::onLog(quint64 jobId, const QString& line)
{
    JobInfo* info = find(jobId);
    if (!info)
        return;
    info->log.append(line);
    Q_EMIT jobChanged(indexOf(jobId));
}

void JobRunner::onDone(quint64 jobId, JobState state, const QString& outcome)
{
    m_running.remove(jobId);
    JobInfo* info = find(jobId);
    if (info) {
        info->state = state;
        info->outcome = outcome;
        info->finishedAt = QDateTime::currentDateTimeUtc();
        info->log.append(tr("%1 %2: %3")
                             .arg(info->finishedAt.toLocalTime().toString(Qt::ISODate),
                                  jobStateText(state), outcome));
        Q_EMIT jobChanged(indexOf(jobId));
    }
    Q_EMIT catalogTouched();
    Q_EMIT jobFinished(jobId);
    startReadyJobs();
    if (activeCount() == 0)
        Q_EMIT idle();
}

void JobRunner::cancel(quint64 jobId)
{
    JobInfo* info = find(jobId);
    if (!info)
        return;
    if (info->state == JobState::Queued) {
        m_pendingWork.remove(jobId);
        m_pendingRemoteWork.remove(jobId);
        info->state = JobState::Cancelled;
        info->outcome = tr("Cancelled before it started.");
        info->finishedAt = QDateTime::currentDateTimeUtc();
        info->log.append(info->outcome);
        Q_EMIT jobChanged(indexOf(jobId));
        Q_EMIT jobFinished(jobId);
        if (activeCount() == 0)
            Q_EMIT idle();
        return;
    }
    if (info->state == JobState::Running) {
        if (auto running = m_running.value(jobId))
            running->control.requestCancel();
        info->state = JobState::Cancelling;
        info->log.append(tr("cancel requested"));
        Q_EMIT jobChanged(indexOf(jobId));
    }
}

void JobRunner::cancelAll()
{
    QList<quint64> ids;
    for (const JobInfo& info : m_jobs)
        if (!isFinished(info.state))
            ids.append(info.id);
    for (quint64 id : ids)
        cancel(id);
}

void JobRunner::removeFinished()
{
    for (int index = static_cast<int>(m_jobs.size()) - 1; index >= 0; --index) {
        if (isFinished(m_jobs.at(index).state)) {
            Q_EMIT jobAboutToBeRemoved(index);
            m_jobs.removeAt(index);
            Q_EMIT jobRemoved(index);
        }
    }
}

bool JobRunner::waitForWorkers(int msecs)
{
    return m_pool.waitForDone(msecs);
}

} // namespace ember::ui
