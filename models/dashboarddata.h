// What the overview page shows, computed in one go from the catalog on a
// worker thread (computeDashboard reads SQLite: never call it on the UI
// thread) and handed to the UI thread as a plain value:
//   - each volume's last successful backup, its age, and whether one of its
//     enabled schedules has been missed ("overdue");
//   - the failed and interrupted jobs of the last 30 days;
//   - the bytes stored on each backend over time;
//   - the next scheduled runs.
#pragma once

#include "schedule.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace ember {
class Catalog;
}

namespace ember::ui {

// One enabled schedule of a volume, checked against the volume's last success.
//
// Overdue rule. Let `interval` be the time between the schedule's two newest
// calendar elapses at or before now, and `grace` a tenth of it (a daily run
// gets 2 h 24 min, an hourly one 6 min: time for the timer to start the run
// and for the backup to finish). The run that must have succeeded by now is
// the one of `dueOccurrence`, the newest elapse at or before now - grace. The
// volume is overdue for this schedule when `dueOccurrence` exists, is not
// before the schedule was created (nothing was due yet), and the volume has
// no successful backup created at or after it.
struct ScheduleCheck
{
    QString scheduleId;
    QString scheduleName;
    QString calendar;        // as entered
    QDateTime dueOccurrence; // UTC; invalid when nothing is due yet
    qint64 graceSeconds = 0;
    bool overdue = false;
    QString problem; // the calendar expression could not be read (never overdue then)
};

struct VolumeOverview
{
    QString volumeId;
    QString volumeName;
    // The newest backup that completed (available, or being restored from).
    QString lastBackupId;
    QDateTime lastSuccess;          // UTC; invalid = never backed up
    qint64 ageSeconds = -1;         // now - lastSuccess; -1 = never
    QList<ScheduleCheck> schedules; // enabled schedules naming the volume
    bool overdue = false;           // any of `schedules` is overdue
    bool hasSchedule() const { return !schedules.isEmpty(); }
};

// A failed or interrupted job (newest first).
struct FailureOverview
{
    qint64 jobId = 0;
    QString kind;
    QString title;
    QString volumeName;
    QString origin;
    QDateTime startedAt;  // UTC
    QDateTime finishedAt; // UTC
    JobResult result = JobResult::Failed;
    QString reason;
};

// The bytes one backend holds after each change (a backup created, a backup
// deleted), oldest first; the last point is at `computedAt` with the current
// total, so the line reaches now.
struct StoragePoint
{
    QDateTime at; // UTC
    qint64 bytes = 0;
};
struct BackendStorage
{
    QString backendName;
    QList<StoragePoint> points;
    qint64 currentBytes() const { return points.isEmpty() ? 0 : points.last().bytes; }
};

struct UpcomingRun
{
    QDateTime at; // UTC
    QString scheduleId;
    QString scheduleName;
    QStringList volumeNames;
    QString backendName; // empty = the default backend
    Schedule::Mode mode = Schedule::Mode::Incremental;
};

struct DashboardData
{
    QDateTime computedAt;            // UTC, the `now` used
    QList<VolumeOverview> volumes;   // by name
    QList<FailureOverview> failures; // newest first
    QList<BackendStorage> storage;   // by backend name
    QList<UpcomingRun> nextRuns;     // soonest first
    int overdueCount() const;
    // Nothing to show: no volume, no job failed, no schedule.
    bool isEmpty() const { return volumes.isEmpty() && failures.isEmpty() && nextRuns.isEmpty(); }
};

inline constexpr int dashboardFailureDays = 30;
inline constexpr int dashboardUpcomingCount = 5;
// The grace after a due occurrence, as a share of the schedule's interval.
inline constexpr double dashboardGraceShare = 0.1;

// Reads the volumes, backups (deleted ones too, for the storage history),
// schedules and the last 30 days' failures from `catalog`. Blocking.
DashboardData computeDashboard(Catalog& catalog, const QDateTime& nowUtc);

// The check of one schedule against a volume's last success (the overdue rule
// above). Public for the tests.
ScheduleCheck checkSchedule(const Schedule& schedule, const QDateTime& lastSuccess,
                            const QDateTime& nowUtc);

} // namespace ember::ui

Q_DECLARE_METATYPE(ember::ui::DashboardData)
