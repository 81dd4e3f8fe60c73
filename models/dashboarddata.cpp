#include "dashboarddata.h"

#include "calendar.h"
#include "catalog.h"

#include <QHash>
#include <QMap>
#include <algorithm>

namespace ember::ui {

namespace {

constexpr qint64 daySeconds = 24 * 3600;
// How far back an elapse is looked for: beyond a year (yearly schedules).
constexpr qint64 searchBackSeconds = 400 * daySeconds;

// The latest elapse at or before `at`, not before `notBefore`. Searched in
// widening windows so frequent schedules stay cheap whatever the calendar's
// search costs.
std::optional<QDateTime> latestElapse(const CalendarSpec& spec, const QDateTime& at,
                                      const QDateTime& notBefore)
{
    for (qint64 window : {2 * daySeconds, 40 * daySeconds, searchBackSeconds}) {
        QDateTime from = at.addSecs(-window);
        const bool last = window == searchBackSeconds || (notBefore.isValid() && from <= notBefore);
        if (notBefore.isValid() && from < notBefore)
            from = notBefore;
        if (auto found = spec.latestAtOrBefore(at, from))
            return found;
        if (last)
            break;
    }
    return std::nullopt;
}

// A backup that completed: its data is on the backend and can be restored.
bool isSuccessful(const Backup& backup)
{
    return backup.status == BackupStatus::Available || backup.status == BackupStatus::Restoring;
}

// A backup whose bytes are (or were, until deletedAt) on its backend. Backups
// still being written, and failed ones (their objects are removed), count
// nothing.
bool occupiesBackend(const Backup& backup)
{
    return backup.status != BackupStatus::Creating && backup.status != BackupStatus::Error;
}

} // namespace

int DashboardData::overdueCount() const
{
    return static_cast<int>(std::count_if(volumes.begin(), volumes.end(),
                                          [](const VolumeOverview& v) { return v.overdue; }));
}

ScheduleCheck checkSchedule(const Schedule& schedule, const QDateTime& lastSuccess,
                            const QDateTime& nowUtc)
{
    ScheduleCheck check;
    check.scheduleId = schedule.id;
    check.scheduleName = schedule.name;
    check.calendar = schedule.calendar;
    CalendarSpec spec;
    try {
        spec = CalendarSpec::parse(schedule.calendar);
    } catch (const Error& error) {
        check.problem = error.message();
        return check;
    }
    const QDateTime now = nowUtc.toUTC();
    const auto newest = latestElapse(spec, now, QDateTime());
    if (!newest)
        return check; // nothing elapsed within a year
    // The interval between the two newest elapses; a calendar with a single
    // elapse so far takes the one after it instead.
    qint64 interval = 0;
    if (const auto previous = latestElapse(spec, newest->addSecs(-1), QDateTime()))
        interval = previous->secsTo(*newest);
    else if (const auto following = spec.nextAfter(*newest))
        interval = newest->secsTo(*following);
    check.graceSeconds = static_cast<qint64>(double(interval) * dashboardGraceShare);
    const auto due = latestElapse(spec, now.addSecs(-check.graceSeconds), QDateTime());
    if (!due)
        return check;
    if (schedule.createdAt.isValid() && *due < schedule.createdAt.toUTC())
        return check; // created after it: the schedule has not been due yet
    check.dueOccurrence = *due;
    check.overdue = !lastSuccess.isValid() || lastSuccess.toUTC() < *due;
    return check;
}

DashboardData computeDashboard(Catalog& catalog, const QDateTime& nowUtc)
{
    DashboardData data;
    const QDateTime now = nowUtc.toUTC();
    data.computedAt = now;

    const QList<Volume> volumes = catalog.volumes();
    BackupFilter everyBackup;
    everyBackup.includeDeleted = true;
    const QList<Backup> backups = catalog.backups(everyBackup);
    const QList<Schedule> schedules = catalog.schedules();
    QString defaultBackend;
    for (const BackendConfig& backend : catalog.backends())
        if (backend.isDefault)
            defaultBackend = backend.name;

    // The newest successful backup per volume.
    QHash<QString, const Backup*> lastSuccess;
    for (const Backup& backup : backups) {
        if (backup.deleted || !isSuccessful(backup))
            continue;
        const Backup*& newest = lastSuccess[backup.volumeId];
        if (!newest || backup.createdAt > newest->createdAt)
            newest = &backup;
    }

    QHash<QString, QString> volumeNames;
    for (const Volume& volume : volumes) {
        volumeNames.insert(volume.id, volume.name);
        VolumeOverview row;
        row.volumeId = volume.id;
        row.volumeName = volume.name;
        if (const Backup* newest = lastSuccess.value(volume.id)) {
            row.lastBackupId = newest->id;
            row.lastSuccess = newest->createdAt.toUTC();
            row.ageSeconds = std::max<qint64>(0, row.lastSuccess.secsTo(now));
        }
        for (const Schedule& schedule : schedules) {
            if (!schedule.enabled || !schedule.volumeIds.contains(volume.id))
                continue;
            row.schedules.append(checkSchedule(schedule, row.lastSuccess, now));
            row.overdue = row.overdue || row.schedules.last().overdue;
        }
        data.volumes.append(row);
    }
    std::sort(data.volumes.begin(), data.volumes.end(),
              [](const VolumeOverview& a, const VolumeOverview& b) {
                  return a.volumeName.localeAwareCompare(b.volumeName) < 0;
              });

    // Failures of the last 30 days: two narrow queries instead of every job.
    for (JobResult result : {JobResult::Failed, JobResult::Interrupted}) {
        JobHistoryFilter filter;
        filter.result = result;
        filter.from = now.addDays(-dashboardFailureDays);
        filter.withLog = false;
        for (const JobRecord& job : catalog.jobHistory(filter)) {
            FailureOverview failure;
            failure.jobId = job.id;
            failure.kind = job.kind;
            failure.title = job.title;
            failure.volumeName =
                job.volumeName.isEmpty() ? volumeNames.value(job.volumeId) : job.volumeName;
            failure.origin = job.origin;
            failure.startedAt = job.startedAt.toUTC();
            failure.finishedAt = job.finishedAt.toUTC();
            failure.result = job.result;
            failure.reason = job.reason;
            data.failures.append(failure);
        }
    }
    std::sort(data.failures.begin(), data.failures.end(),
              [](const FailureOverview& a, const FailureOverview& b) {
                  return a.startedAt != b.startedAt ? a.startedAt > b.startedAt : a.jobId > b.jobId;
              });

    // Stored bytes per backend: + storedBytes when a backup is created,
    // - storedBytes when it is deleted (a soft-deleted row keeps its size and
    // deletedAt). Changes at the same instant make one point.
    QMap<QString, QMap<QDateTime, qint64>> changes; // backend -> time -> delta
    for (const Backup& backup : backups) {
        if (!occupiesBackend(backup) || !backup.createdAt.isValid())
            continue;
        if (backup.deleted && !backup.deletedAt.isValid())
            continue; // deleted at an unknown time: left out rather than counted forever
        const QString backend = backup.backendName.isEmpty() ? defaultBackend : backup.backendName;
        QMap<QDateTime, qint64>& deltas = changes[backend];
        deltas[backup.createdAt.toUTC()] += backup.storedBytes;
        if (backup.deleted)
            deltas[std::max(backup.deletedAt.toUTC(), backup.createdAt.toUTC())] -=
                backup.storedBytes;
    }
    for (auto backend = changes.cbegin(); backend != changes.cend(); ++backend) {
        BackendStorage series;
        series.backendName = backend.key();
        qint64 total = 0;
        for (auto change = backend->cbegin(); change != backend->cend(); ++change) {
            if (change.key() > now)
                break; // clock skew: a future row is not history yet
            total += change.value();
            series.points.append({change.key(), total});
        }
        if (series.points.isEmpty() || series.points.last().at < now)
            series.points.append({now, total});
        data.storage.append(series);
    }

    // The next runs over every enabled schedule.
    for (const Schedule& schedule : schedules) {
        if (!schedule.enabled)
            continue;
        CalendarSpec spec;
        try {
            spec = CalendarSpec::parse(schedule.calendar);
        } catch (const Error&) {
            continue; // shown as the schedule's problem in the volumes table
        }
        QStringList names;
        for (const QString& id : schedule.volumeIds)
            names.append(volumeNames.value(id, id));
        for (const QDateTime& at : spec.next(now, dashboardUpcomingCount)) {
            UpcomingRun run;
            run.at = at.toUTC();
            run.scheduleId = schedule.id;
            run.scheduleName = schedule.name;
            run.volumeNames = names;
            run.backendName = schedule.backendName;
            run.mode = schedule.mode;
            data.nextRuns.append(run);
        }
    }
    std::sort(data.nextRuns.begin(), data.nextRuns.end(),
              [](const UpcomingRun& a, const UpcomingRun& b) {
                  return a.at != b.at ? a.at < b.at : a.scheduleName < b.scheduleName;
              });
    if (data.nextRuns.size() > dashboardUpcomingCount)
        data.nextRuns.resize(dashboardUpcomingCount);
    return data;
}

} // namespace ember::ui
