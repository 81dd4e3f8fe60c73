// What happens around every job, whoever started it (GUI, ember-cli, a
// schedule): it is recorded in the catalog's job history, and when it ends the
// after-job actions run: the hook command, the Prometheus metrics file and
// (through a notifier the caller sets) a desktop notification.
#pragma once

#include "catalog.h"
#include "operation.h"
#include "schedule.h"

#include <QProcessEnvironment>
#include <functional>
#include <mutex>

namespace ember {

struct AfterJobSettings
{
    QString hookCommand; // run by /bin/sh -c; empty = none
    int hookTimeoutSeconds = 300;
    QString metricsFile; // Prometheus textfile; empty = none
    bool notifyOnFailure = true;
    bool notifyOnSuccess = false;
    int historyRetentionDays = 90;

    static AfterJobSettings load(const Catalog& catalog); // settingkeys in schedule.h
    void save(Catalog& catalog) const;
};

// The job's facts as EMBER_* variables for the hook (added to the process's
// own environment): EMBER_JOB_ID, EMBER_JOB_KIND, EMBER_JOB_ORIGIN,
// EMBER_JOB_TITLE, EMBER_JOB_RESULT, EMBER_JOB_REASON, EMBER_VOLUME_ID,
// EMBER_VOLUME_NAME, EMBER_BACKUP_ID, EMBER_BACKEND, EMBER_SCHEDULE_ID,
// EMBER_CLOUD, EMBER_STARTED_AT, EMBER_FINISHED_AT (ISO 8601 UTC),
// EMBER_DURATION_SECONDS, EMBER_BYTES_READ, EMBER_BYTES_STORED,
// EMBER_BYTES_PER_SECOND, EMBER_CATALOG.
QProcessEnvironment jobHookEnvironment(const JobRecord& job, const QString& catalogPath);
// Runs the hook (no shell expansion of the job's facts: they travel only in
// the environment), killed after its timeout. Returns one line for the job's
// log ("hook: exit 0", "hook: killed after 300 s", "hook: cannot start: ...").
// Never throws: a failing hook does not fail the job. Synchronous (it waits
// for the hook, up to the timeout): call it on a worker thread or in
// ember-cli, never on the GUI thread. The hook gets its own process group,
// which the timeout kills whole. Its output (stdout and stderr) is read and
// its first lines end the returned line.
QString runJobHook(const AfterJobSettings& settings, const JobRecord& job,
                   const QString& catalogPath);

// The metrics in Prometheus text format (node_exporter's textfile collector),
// per volume from the history's latest jobs:
//   ember_backup_last_success_timestamp_seconds{volume_id,volume}
//   ember_backup_last_duration_seconds{volume_id,volume}
//   ember_backup_last_bytes_read{...}, ember_backup_last_bytes_stored{...}
//   ember_backup_last_result{volume_id,volume,result}  (1 for the last result)
//   ember_jobs_failed_total{kind} over the history kept.
QString renderMetrics(const Catalog& catalog);
// Writes renderMetrics() to `path` atomically (temporary file + rename in the
// same directory, mode 0644). Throws Error when the directory is not writable.
void writeMetricsFile(const QString& path, const Catalog& catalog);

// Records one job from start to finish. Construct it when the job starts
// (the record is inserted as Running), attach it to the job's control to
// collect progress and log lines, then call finish() once.
class JobRecorder
{
public:
    using Notifier = std::function<void(const JobRecord& job)>;

    JobRecorder(Catalog& catalog, JobRecord job);
    // Not finished (an exception path that skipped finish): recorded as Failed
    // with reason "ended without a result".
    ~JobRecorder();
    JobRecorder(const JobRecorder&) = delete;
    JobRecorder& operator=(const JobRecorder&) = delete;

    // Chains in front of the control's current progress and log callbacks.
    // The control must outlive the recorder's use of it: finish() and the
    // destructor put the control's previous callbacks back.
    void attach(OperationControl& control);
    // Thread-safe; what attach() calls.
    void noteProgress(const Progress& progress); // bytesRead = the most seen
    void addLog(const QString& line);

    // Fields known only later (the new backup's id, its stored bytes, ...).
    void setBackupId(const QString& backupId);
    void setBytesStored(qint64 bytes);
    void setVolume(const QString& volumeId, const QString& volumeName);
    JobRecord record() const; // a copy, thread-safe

    // Writes the final record, prunes history older than its retention, then
    // runs the after-job actions (hook, metrics file, notifier) with the
    // catalog's AfterJobSettings. Returns the actions' log lines (also added
    // to the record's log before it is written). Call from the thread that
    // owns `catalog`.
    QStringList finish(JobResult result, const QString& reason = {});
    void setNotifier(Notifier notifier) { m_notifier = std::move(notifier); }
    bool isFinished() const { return m_finished; }

private:
    // Gives the control its own callbacks back (at finish and destruction).
    void detach();
    void appendLogLocked(const QString& line);

    Catalog& m_catalog;
    mutable std::mutex m_mutex;
    JobRecord m_job;
    Notifier m_notifier;
    bool m_finished = false;
    OperationControl* m_control = nullptr;
    OperationControl::ProgressCallback m_previousProgress;
    OperationControl::LogCallback m_previousLog;
    int m_logLines = 0;
    int m_droppedLogLines = 0;
};

} // namespace ember
