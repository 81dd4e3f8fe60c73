#include "scheduler.h"

#include "calendar.h"
#include "chainrules.h"

#include <QHash>

#include <algorithm>

namespace ember {

namespace {

QString describeHolder(const Catalog& catalog, const QString& volumeId)
{
    for (const RunningJob& job : catalog.runningJobs()) {
        if (job.volumeId != volumeId)
            continue;
        return QStringLiteral("%1 running since %2 (pid %3)")
            .arg(job.operation, job.startedAt.toUTC().toString(Qt::ISODate))
            .arg(job.pid);
    }
    return QStringLiteral("another Ember process is working on it");
}

QString defaultBackendName(const Catalog& catalog)
{
    try {
        return catalog.defaultBackend().name;
    } catch (const Error&) {
        return {};
    }
}

} // namespace

ScheduleRunner::ScheduleRunner(BackupService& service, Clock clock)
    : m_service(service), m_clock(std::move(clock))
{
}

QDateTime ScheduleRunner::now() const
{
    return (m_clock ? m_clock() : QDateTime::currentDateTimeUtc()).toUTC();
}

std::optional<QDateTime> ScheduleRunner::dueOccurrence(const Schedule& schedule,
                                                       const QDateTime& now) const
{
    if (!schedule.enabled)
        return std::nullopt;
    const QDateTime since =
        schedule.lastOccurrence.isValid() ? schedule.lastOccurrence : schedule.createdAt;
    if (!since.isValid())
        return std::nullopt;
    const CalendarSpec spec = CalendarSpec::parse(schedule.calendar);
    const std::optional<QDateTime> latest = spec.latestAtOrBefore(now, since);
    // Every elapse since the last one handled collapses into the latest; the
    // one handled last (or one at the very moment of creation) is not due.
    if (!latest || *latest <= since)
        return std::nullopt;
    return latest->toUTC();
}

ScheduleRunner::ModeDecision ScheduleRunner::decideMode(const Schedule& schedule,
                                                        const QString& volumeId,
                                                        const QDateTime& now) const
{
    if (schedule.mode == Schedule::Mode::Full)
        return {false, QStringLiteral("the schedule makes full backups")};

    Catalog& catalog = m_service.catalog();
    const QString backendName =
        schedule.backendName.isEmpty() ? catalog.defaultBackend().name : schedule.backendName;
    BackupFilter filter;
    filter.volumeId = volumeId;
    const QList<Backup> backups = catalog.backups(filter);

    // The parent an incremental would get (the service's own choice).
    const ChainRules::ParentChoice choice = ChainRules::chooseParent(backups);
    if (!choice.parent)
        return {false, QStringLiteral("no backup to build on: %1").arg(choice.refusal)};
    const Backup& parent = *choice.parent;
    const QString parentBackend =
        parent.backendName.isEmpty() ? defaultBackendName(catalog) : parent.backendName;
    if (parentBackend != backendName)
        return {false, QStringLiteral("the latest backup (%1) is on backend %2, this schedule "
                                      "backs up to %3")
                           .arg(parent.id, parentBackend, backendName)};

    // Backends that store only fulls for this volume (TSM, Ceph for files).
    if (const std::optional<BackendConfig> backend = catalog.backend(backendName)) {
        if (const std::optional<Volume> volume = catalog.volume(volumeId)) {
            try {
                if (!m_service.driverFor(*backend)->supportsIncremental(*volume))
                    return {false, QStringLiteral("backend %1 (%2) makes only full backups of "
                                                  "this volume")
                                       .arg(backend->name, backend->type)};
            } catch (const Error&) {
                // The backup itself reports why the backend cannot be used.
            }
        }
    }

    // The chain from the parent up to its full, all of it available.
    QHash<QString, Backup> byId;
    for (const Backup& backup : backups)
        byId.insert(backup.id, backup);
    int sinceFull = 1; // the parent itself
    Backup full = parent;
    while (full.isIncremental()) {
        const auto up = byId.constFind(full.parentId);
        if (up == byId.constEnd())
            return {false, QStringLiteral("the chain of the latest backup (%1) is incomplete: "
                                          "its ancestor %2 is gone")
                               .arg(parent.id, full.parentId)};
        if (up->status != BackupStatus::Available)
            return {false, QStringLiteral("the chain of the latest backup (%1) is incomplete: "
                                          "its ancestor %2 is %3")
                               .arg(parent.id, up->id, up->status)};
        full = *up;
        ++sinceFull;
    }

    const QString made =
        sinceFull == 1 ? QStringLiteral("1 backup") : QStringLiteral("%1 backups").arg(sinceFull);
    if (schedule.fullEvery > 0 && sinceFull >= schedule.fullEvery)
        return {false, QStringLiteral("a full every %1 backups: %2 made since and including the "
                                      "last full (%3)")
                           .arg(schedule.fullEvery)
                           .arg(made, full.id)};
    if (schedule.fullEveryDays > 0 &&
        full.createdAt.toUTC().addDays(schedule.fullEveryDays) <= now.toUTC())
        return {false, QStringLiteral("a full every %1 days: the last full (%2) is %3 days old")
                           .arg(schedule.fullEveryDays)
                           .arg(full.id)
                           .arg(full.createdAt.toUTC().daysTo(now.toUTC()))};
    return {true, QStringLiteral("incremental on %1: %2 since and including the last full (%3)")
                      .arg(parent.id, made, full.id)};
}

QList<JobRecord> ScheduleRunner::runDue(OperationControl& control, const RunOptions& options)
{
    Catalog& catalog = m_service.catalog();
    // The list is read before the clock: what another runner claims in
    // between is caught by the claim below, not by this list.
    const QList<Schedule> schedules = options.only.isEmpty()
                                          ? catalog.schedules()
                                          : QList<Schedule>{catalog.resolveSchedule(options.only)};
    const QDateTime at = now();
    // Forcing is for one named schedule (schedule-run --now NAME), never for all.
    const bool force = options.force && !options.only.isEmpty();

    QList<JobRecord> records;
    for (const Schedule& schedule : schedules) {
        if (control.isCancelRequested())
            break;
        std::optional<QDateTime> occurrence;
        try {
            occurrence = dueOccurrence(schedule, at);
        } catch (const Error& error) {
            control.log(QStringLiteral("schedule %1: %2").arg(schedule.name, error.message()));
            if (!force)
                continue;
        }
        if (occurrence) {
            if (!catalog.claimScheduleOccurrence(schedule.id, schedule.lastOccurrence,
                                                 *occurrence)) {
                control.log(QStringLiteral("schedule %1: the run of %2 was taken by another "
                                           "process")
                                .arg(schedule.name, occurrence->toString(Qt::ISODate)));
                continue;
            }
        } else if (!force) {
            continue;
        }
        // A forced run with nothing due claims nothing: the next elapse still runs.
        const QDateTime runFor = occurrence ? *occurrence : at;

        Next next = Next::Continue;
        for (const QString& volumeId : schedule.volumeIds) {
            if (control.isCancelRequested()) {
                next = Next::Stop;
                break;
            }
            next = runVolume(schedule, volumeId, runFor, at, control, options, records);
            if (next == Next::Stop)
                break;
        }
        if (next == Next::Stop)
            break;
    }
    return records;
}

ScheduleRunner::Next ScheduleRunner::runVolume(const Schedule& schedule, const QString& volumeId,
                                               const QDateTime& occurrence, const QDateTime& at,
                                               OperationControl& control, const RunOptions& options,
                                               QList<JobRecord>& records)
{
    Catalog& catalog = m_service.catalog();
    const std::optional<Volume> volume = catalog.volume(volumeId);
    const QString volumeName = volume ? volume->name : volumeId;

    JobRecord job;
    job.kind = QStringLiteral("backup");
    job.origin = QStringLiteral("schedule");
    job.scheduleId = schedule.id;
    job.volumeId = volumeId;
    job.volumeName = volumeName;
    job.backendName =
        schedule.backendName.isEmpty() ? defaultBackendName(catalog) : schedule.backendName;
    job.title = QStringLiteral("Scheduled backup of %1").arg(volumeName);

    const auto finishRecorded = [&](JobRecorder& recorder, JobResult result,
                                    const QString& reason) {
        recorder.finish(result, reason);
        records << recorder.record();
    };

    if (!volume) {
        JobRecorder recorder(catalog, job);
        recorder.setNotifier(options.notifier);
        finishRecorded(recorder, JobResult::Failed,
                       QStringLiteral("volume %1 is not registered any more").arg(volumeId));
        return Next::Continue;
    }
    // Busy: skipped and recorded, never queued behind the other job.
    if (catalog.isJobRunning(volumeId)) {
        JobRecorder recorder(catalog, job);
        recorder.setNotifier(options.notifier);
        finishRecorded(
            recorder, JobResult::Skipped,
            QStringLiteral("overlapping run: %1").arg(describeHolder(catalog, volumeId)));
        return Next::Continue;
    }

    std::optional<ModeDecision> decision;
    QString decisionError;
    try {
        decision = decideMode(schedule, volumeId, at);
        job.title = QStringLiteral("Scheduled backup of %1 (%2)")
                        .arg(volumeName, decision->incremental ? QStringLiteral("incremental")
                                                               : QStringLiteral("full"));
    } catch (const Error& error) {
        decisionError = error.message();
    }

    JobRecorder recorder(catalog, job);
    recorder.setNotifier(options.notifier);
    if (!decision) {
        finishRecorded(recorder, JobResult::Failed, decisionError);
        return Next::Continue;
    }
    recorder.attach(control);
    recorder.addLog(
        QStringLiteral("schedule %1, run of %2: %3 (%4)")
            .arg(schedule.name, occurrence.toString(Qt::ISODate),
                 decision->incremental ? QStringLiteral("incremental") : QStringLiteral("full"),
                 decision->reason));

    CreateBackupRequest request;
    request.volume = volumeId;
    request.incremental = decision->incremental;
    request.name =
        QStringLiteral("scheduled %1 %2")
            .arg(schedule.name, occurrence.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ")));
    request.description = QStringLiteral("schedule %1: %2").arg(schedule.name, decision->reason);
    request.backend = schedule.backendName; // empty: the default backend, as prepareBackup picks
    Backup made;
    bool started = false; // past prepareBackup: the volume lock was ours
    try {
        BackupService::PreparedBackup prepared = m_service.prepareBackup(request);
        started = true;
        recorder.setBackupId(prepared.backup.id);
        made = m_service.runBackup(prepared, control);
        recorder.setBytesStored(made.storedBytes);
    } catch (const Cancelled& cancelled) {
        finishRecorded(recorder, JobResult::Cancelled, cancelled.message());
        return Next::Stop;
    } catch (const Error& error) {
        // Another job took the volume between the check above and the lock.
        if (!started &&
            (catalog.isJobRunning(volumeId) || error.message().contains(QLatin1String(" is busy"))))
            finishRecorded(recorder, JobResult::Skipped,
                           QStringLiteral("overlapping run: %1").arg(error.message()));
        else
            finishRecorded(recorder, JobResult::Failed, error.message());
        return Next::Continue;
    } catch (const std::exception& error) {
        finishRecorded(recorder, JobResult::Failed, QString::fromLocal8Bit(error.what()));
        return Next::Continue;
    }
    finishRecorded(
        recorder, JobResult::Succeeded,
        QStringLiteral("%1 backup %2 (%3)")
            .arg(decision->incremental ? QStringLiteral("incremental") : QStringLiteral("full"),
                 made.id, decision->reason));

    if (!schedule.applyRetention)
        return Next::Continue;
    return applyRetention(schedule, volumeId, control, options, records);
}

ScheduleRunner::Next ScheduleRunner::applyRetention(const Schedule& schedule,
                                                    const QString& volumeId,
                                                    OperationControl& control,
                                                    const RunOptions& options,
                                                    QList<JobRecord>& records)
{
    Catalog& catalog = m_service.catalog();
    const std::optional<Volume> volume = catalog.volume(volumeId);
    if (!volume)
        return Next::Continue;
    std::optional<RetentionPolicy> policy;
    try {
        policy = m_service.effectivePolicy(*volume);
    } catch (const Error&) {
        // No policy to read is no policy to apply; the backup stands.
    }
    if (!policy)
        return Next::Continue;

    JobRecord job;
    job.kind = QStringLiteral("prune");
    job.origin = QStringLiteral("schedule");
    job.scheduleId = schedule.id;
    job.volumeId = volume->id;
    job.volumeName = volume->name;
    job.backendName =
        schedule.backendName.isEmpty() ? defaultBackendName(catalog) : schedule.backendName;
    job.title = QStringLiteral("Scheduled prune of %1 (%2)").arg(volume->name, policy->describe());
    JobRecorder recorder(catalog, job);
    recorder.setNotifier(options.notifier);
    recorder.attach(control);
    try {
        const PrunePlan plan = m_service.planPrune(volume->id, policy);
        const BackupService::PruneReport report = m_service.runPrune(volume->id, plan, control);
        recorder.finish(JobResult::Succeeded, QStringLiteral("%1: %2 removed, %3 synthesized")
                                                  .arg(plan.policy)
                                                  .arg(report.removed.size())
                                                  .arg(report.synthesized.size()));
    } catch (const Cancelled& cancelled) {
        recorder.finish(JobResult::Cancelled, cancelled.message());
        records << recorder.record();
        return Next::Stop;
    } catch (const std::exception& error) {
        recorder.finish(JobResult::Failed, QString::fromLocal8Bit(error.what()));
    }
    records << recorder.record();
    return Next::Continue;
}

QList<ScheduleRunner::Upcoming> ScheduleRunner::upcoming(int count) const
{
    QList<Upcoming> result;
    if (count <= 0)
        return result;
    const QDateTime from = now();
    for (const Schedule& schedule : m_service.catalog().schedules()) {
        if (!schedule.enabled)
            continue;
        QList<QDateTime> times;
        try {
            times = CalendarSpec::parse(schedule.calendar).next(from, count);
        } catch (const Error&) {
            continue; // an expression that no longer parses has no next run
        }
        for (const QDateTime& at : times)
            result.append({schedule, at.toUTC()});
    }
    std::stable_sort(result.begin(), result.end(), [](const Upcoming& a, const Upcoming& b) {
        return a.at != b.at ? a.at < b.at : a.schedule.name < b.schedule.name;
    });
    if (result.size() > count)
        result.resize(count);
    return result;
}

} // namespace ember
