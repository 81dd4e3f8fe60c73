// Runs the schedules that are due (ember-cli schedule-run, started every
// minute by the systemd timer). Each schedule's calendar decides when it is
// due; occurrences missed while the machine was off collapse into one run. A
// volume that is busy (another job holds its lock) is skipped and the skip is
// recorded, never queued behind it. The clock is injectable for tests.
#pragma once

#include "backupservice.h"
#include "jobevents.h"
#include "schedule.h"

#include <QDateTime>
#include <functional>

namespace ember {

class ScheduleRunner
{
public:
    using Clock = std::function<QDateTime()>; // UTC now

    explicit ScheduleRunner(BackupService& service, Clock clock = {});

    // The occurrence a schedule should run for at `now`: the latest calendar
    // elapse in (lastOccurrence or createdAt, now]; empty when not due
    // (disabled, or nothing elapsed since).
    std::optional<QDateTime> dueOccurrence(const Schedule& schedule, const QDateTime& now) const;
    // Full or incremental for the next backup of `volumeId` under `schedule`
    // (mode, no chain yet, fullEvery, fullEveryDays), with the reason
    // ("every 7th backup is a full", "the last full is 8 days old", ...).
    struct ModeDecision
    {
        bool incremental = false;
        QString reason;
    };
    ModeDecision decideMode(const Schedule& schedule, const QString& volumeId,
                            const QDateTime& now) const;

    struct RunOptions
    {
        QString only;                   // one schedule (id/name); empty = every due one
        bool force = false;             // run `only` now even if not due (schedule-run --now);
                                        // ignored without `only`. Claims nothing when not due.
        JobRecorder::Notifier notifier; // desktop notifications, optional
    };
    // Runs what is due: one backup per volume (then the retention policy when
    // the schedule says so), each recorded in the job history with origin
    // "schedule". Claims each occurrence first (Catalog::claimScheduleOccurrence)
    // so two runners never run it twice. Returns the records of the jobs it
    // ran or skipped. A failing volume does not stop the others; cancel stops
    // the run (the current job is recorded Cancelled).
    QList<JobRecord> runDue(OperationControl& control, const RunOptions& options);
    // Every due schedule, no notifier. (An overload: a default argument of a
    // nested type with member initializers is refused inside its class.)
    QList<JobRecord> runDue(OperationControl& control) { return runDue(control, RunOptions()); }

    // The next `count` runs over all enabled schedules, soonest first.
    struct Upcoming
    {
        Schedule schedule;
        QDateTime at; // UTC
    };
    QList<Upcoming> upcoming(int count) const;
    QDateTime now() const;

private:
    // Whether the run goes on with the next volume, or stops (cancelled).
    enum class Next
    {
        Continue,
        Stop
    };
    Next runVolume(const Schedule& schedule, const QString& volumeId, const QDateTime& occurrence,
                   const QDateTime& at, OperationControl& control, const RunOptions& options,
                   QList<JobRecord>& records);
    Next applyRetention(const Schedule& schedule, const QString& volumeId,
                        OperationControl& control, const RunOptions& options,
                        QList<JobRecord>& records);

    BackupService& m_service;
    Clock m_clock;
};

} // namespace ember
