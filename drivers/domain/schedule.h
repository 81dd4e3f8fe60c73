// Schedules and job history: what runs by itself, and what ran.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ember {

// A backup schedule for one volume or a group of volumes.
struct Schedule
{
    enum class Mode
    {
        Incremental, // incremental when a chain exists, full otherwise
        Full         // always a full
    };

    QString id; // UUID
    QString name;
    QStringList volumeIds; // one volume, or a group, in order
    QString calendar;      // systemd OnCalendar expression (calendar.h), as entered
    QString backendName;   // empty = the catalog's default backend
    Mode mode = Mode::Incremental;
    // Keep restore chains short: a full is forced when `fullEvery` backups
    // (full included) have been made since the last full, or when the last
    // full is `fullEveryDays` days old or older. 0 = never.
    int fullEvery = 0;
    int fullEveryDays = 0;
    bool applyRetention = true; // prune with the volume's effective policy afterwards
    bool enabled = true;
    QDateTime createdAt; // UTC
    QDateTime updatedAt; // UTC
    // The last occurrence handled (run or skipped), UTC; empty = never. Runs
    // due between this and now collapse into one run (a missed run runs once).
    QDateTime lastOccurrence;

    QJsonObject toJson() const;
};
QString scheduleModeText(Schedule::Mode mode);            // "incremental" / "full"
Schedule::Mode scheduleModeFromText(const QString& text); // throws Error

enum class JobResult
{
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Skipped,    // e.g. a scheduled run found its volume busy
    Interrupted // the process ended while the job ran (found at next start)
};
QString jobResultText(JobResult result);          // "running", "succeeded", ...
JobResult jobResultFromText(const QString& text); // throws Error

// One job in the history: GUI, CLI, scheduled and cloud jobs alike.
struct JobRecord
{
    qint64 id = 0;  // assigned by the catalog
    QString kind;   // "backup", "restore", "delete", "verify", "synthesize", "prune", ...
    QString origin; // "gui", "cli", "schedule"
    QString title;  // one line, e.g. "Backup of db-disk (incremental)"
    QString volumeId;
    QString volumeName;
    QString backupId;
    QString backendName;
    QString scheduleId;   // set for scheduled jobs
    QString cloud;        // the cloud's name for jobs done through Cinder's API
    QDateTime startedAt;  // UTC
    QDateTime finishedAt; // UTC; empty while running
    qint64 bytesRead = 0;
    qint64 bytesStored = 0;
    double bytesPerSecond = 0;
    JobResult result = JobResult::Running;
    QString reason; // why it failed, was cancelled or skipped; the outcome line on success
    QString log;    // the job's log lines, newline-separated
    qint64 pid = 0; // the process that ran it

    qint64 durationSeconds() const; // finishedAt (or now) - startedAt
    QJsonObject toJson() const;     // without the log unless `withLog`
    QJsonObject toJson(bool withLog) const;
};

struct JobHistoryFilter
{
    QString volumeId;   // empty = all
    QString scheduleId; // empty = all
    QString kind;       // empty = all
    std::optional<JobResult> result;
    QDateTime from;      // started at or after (UTC); invalid = no bound
    QDateTime to;        // started before; invalid = no bound
    int limit = 0;       // newest first; 0 = no limit
    bool withLog = true; // false skips the log column (lists of many jobs)
};

// Catalog settings shared by the GUI, ember-cli and scheduled runs (keys).
namespace settingkeys {
inline constexpr const char* historyRetentionDays = "history.retention_days";  // default 90
inline constexpr const char* hookCommand = "jobs.hook_command";                // empty = none
inline constexpr const char* hookTimeoutSeconds = "jobs.hook_timeout_seconds"; // default 300
inline constexpr const char* metricsFile = "jobs.metrics_file"; // Prometheus textfile; empty = none
inline constexpr const char* notifyOnFailure = "notify.on_failure"; // "1" (default) / "0"
inline constexpr const char* notifyOnSuccess = "notify.on_success"; // "0" (default) / "1"
// Cinder's name: operations (backups, restores, verifies, synthetic fulls) at
// once across every backend; default 15, 0 = unlimited (operationslots.h).
inline constexpr const char* backupMaxOperations = "backup_max_operations";
} // namespace settingkeys

} // namespace ember
