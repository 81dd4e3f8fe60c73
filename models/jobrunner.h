// Runs the long operations (backup, restore, delete, verify, ...) on a
// QThreadPool: jobs queue up, at most `maxConcurrent` run at once and never
// two on the same volume. Each job opens its own catalog connection and
// BackupService on its worker thread; progress reaches the UI thread through
// queued calls, throttled to about ten per second per job. Every job that
// starts is recorded in the catalog's job history (origin "gui") from its
// worker thread.
#pragma once

#include "backupservice.h"
#include "operation.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QThreadPool>
#include <functional>
#include <memory>

namespace ember::ui {

enum class JobState
{
    Queued,
    Running,
    Cancelling,
    Succeeded,
    Failed,
    Cancelled
};
QString jobStateText(JobState state);
bool isFinished(JobState state);

// The work of one job, run on a worker thread. Returns a one-line outcome
// ("backup 1234… available, 3 objects"); throws Error / Cancelled.
using JobWork = std::function<QString(BackupService& service, OperationControl& control)>;
// Work that needs no local catalog (a cloud's API does the work): the same
// contract without the BackupService.
using RemoteJobWork = std::function<QString(OperationControl& control)>;
// Quick work outside the job list (a preview, a plan, a setting), on a
// worker thread: runs `work` with a catalog at `catalogPath` and a service of
// its own. Returns the failure's message; empty when it succeeded.
QString runOnOwnService(const QString& catalogPath, const SecretProvider& secrets,
                        const std::function<void(BackupService& service)>& work);

struct JobSpec
{
    QString kind;     // "backup", "restore", "delete", "verify", ...
    QString title;    // shown in the jobs panel
    QString volumeId; // jobs on the same volume never run together; may be empty
    QString volumeName;
    QString backupId;
    JobWork work;
    // The work records its own jobs in the history (a schedule's run records
    // each backup it makes): the runner adds no record of its own.
    bool recordsItself = false;
};

// A job whose work is done elsewhere (a cloud's services): no BackupService
// is opened for it, only a catalog connection that records its history.
struct RemoteJobSpec
{
    QString kind;
    QString title;
    QString volumeId; // as in JobSpec: jobs on one volume never run together
    QString volumeName;
    QString backupId;
    RemoteJobWork work;
    // Shown instead of a percentage when the service reports none (e.g.
    // "Cinder reports no percentage"); the job's log carries its status
    // transitions instead.
    QString noProgressNote;
    QString cloud; // the cloud's name, kept in the job's history record
};

struct JobInfo
{
    quint64 id = 0;
    QString kind;
    QString title;
    QString volumeId;
    QString volumeName;
    QString backupId;
    bool recordsItself = false; // see JobSpec
    JobState state = JobState::Queued;
    Progress progress;
    QDateTime queuedAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    QString outcome;
    QStringList log;
    QString noProgressNote; // see RemoteJobSpec
    QString cloud;          // see RemoteJobSpec
    qint64 historyId = 0;   // the job's record in the catalog's history; 0 until started
    qint64 elapsedSeconds() const;
};

class JobRunner : public QObject
{
    Q_OBJECT
public:
    explicit JobRunner(const QString& catalogPath, QObject* parent = nullptr);
    ~JobRunner() override; // cancels everything and waits for the workers

    quint64 submit(JobSpec spec);
    quint64 submitRemote(RemoteJobSpec spec);
    // Queued jobs are dropped at once; running ones are asked to stop and
    // show "cancelling" until the engine has stopped.
    void cancel(quint64 jobId);
    void cancelAll();
    void removeFinished();

    // How jobs get backend secrets (the keyring); none by default.
    void setSecretProvider(SecretProvider provider) { m_secrets = std::move(provider); }
    // How jobs find master keys of encrypted backups (KeyStore::lookup());
    // none by default (encrypted backups are then "key not available").
    void setKeyLookup(KeyLookup keys) { m_keys = std::move(keys); }

    void setMaxConcurrent(int jobs);
    int maxConcurrent() const { return m_maxConcurrent; }
    // Queued plus running jobs.
    int activeCount() const;
    bool isVolumeBusy(const QString& volumeId) const;

    const QList<JobInfo>& jobs() const { return m_jobs; }
    const JobInfo* job(quint64 jobId) const;
    int indexOf(quint64 jobId) const;
    // Blocks; only for shutdown and tests.
    bool waitForWorkers(int msecs);

Q_SIGNALS:
    // Around changes of jobs(), so a model can announce them.
    void jobAboutToBeAdded(int index);
    void jobAdded(int index);
    void jobChanged(int index);
    void jobAboutToBeRemoved(int index);
    void jobRemoved(int index);
    void jobFinished(quint64 jobId);
    // A job changed the catalog (the catalog watcher reloads on this).
    void catalogTouched();
    void idle();

private:
    struct Running;
    void startReadyJobs();
    void onProgress(quint64 jobId, const Progress& progress);
    void onLog(quint64 jobId, const QString& line);
    void onStarted(quint64 jobId);
    void onRecorded(quint64 jobId, qint64 historyId);
    void onDone(quint64 jobId, JobState state, const QString& outcome);
    JobInfo* find(quint64 jobId);

    QString m_catalogPath;
    SecretProvider m_secrets;
    KeyLookup m_keys;
    QThreadPool m_pool;
    int m_maxConcurrent = 2;
    quint64 m_nextId = 1;
    QList<JobInfo> m_jobs;
    QHash<quint64, JobWork> m_pendingWork;
    QHash<quint64, RemoteJobWork> m_pendingRemoteWork;
    QHash<quint64, std::shared_ptr<Running>> m_running;
};

} // namespace ember::ui
