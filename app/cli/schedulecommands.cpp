// ember-cli's schedules, their runner, the job history and the settings every
// Ember process shares. They act on this computer's catalog only.
#include "command.h"

#include "calendar.h"
#include "desktopnotifier.h"
#include "operationslots.h"
#include "scheduler.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSet>
#include <QUuid>

#include <algorithm>

namespace ember::cli {

namespace {

constexpr int kNextRuns = 5;
constexpr int kShownJobs = 10;

// ---- the clock ----

// "Now" for the schedule commands: the real UTC time, or EMBER_FAKE_NOW (ISO 8601,
// UTC when it names no zone). EMBER_FAKE_NOW is for tests only: it lets them run
// schedules at chosen times end to end.
ScheduleRunner::Clock scheduleClock()
{
    const QString fake = qEnvironmentVariable("EMBER_FAKE_NOW");
    if (fake.isEmpty())
        return [] { return QDateTime::currentDateTimeUtc(); };
    QDateTime at = QDateTime::fromString(fake, Qt::ISODate);
    if (!at.isValid())
        throw Error(QStringLiteral("EMBER_FAKE_NOW '%1' is not an ISO 8601 time such as "
                                   "2026-01-31T02:00:00Z (it is meant for tests; unset it).")
                        .arg(fake));
    if (at.timeSpec() == Qt::LocalTime)
        at.setTimeSpec(Qt::UTC);
    at = at.toUTC();
    return [at] { return at; };
}

QString timeText(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

// ---- schedules ----

QList<QDateTime> nextRuns(const Schedule& schedule, const QDateTime& now, int count)
{
    if (!schedule.enabled)
        return {};
    try {
        return CalendarSpec::parse(schedule.calendar).next(now, count);
    } catch (const Error& error) {
        // A calendar stored by an older version that this one no longer accepts.
        holdNotice(QStringLiteral("WARNING: schedule %1: %2").arg(schedule.name, error.message()));
        return {};
    }
}

QString volumeLabel(const Catalog& catalog, const QString& volumeId)
{
    const std::optional<Volume> volume = catalog.volume(volumeId);
    if (!volume)
        return volumeId;
    return volume->name.isEmpty() ? volume->id : volume->name;
}

QString modeText(const Schedule& schedule)
{
    QString text = scheduleModeText(schedule.mode);
    QStringList forced;
    if (schedule.mode == Schedule::Mode::Incremental) {
        if (schedule.fullEvery > 0)
            forced << QStringLiteral("every %1 backups").arg(schedule.fullEvery);
        if (schedule.fullEveryDays > 0)
            forced << QStringLiteral("every %1 days").arg(schedule.fullEveryDays);
    }
    if (!forced.isEmpty())
        text += QStringLiteral(" (a full %1)").arg(forced.join(QStringLiteral(" or ")));
    return text;
}

QJsonObject scheduleJson(const Catalog& catalog, const Schedule& schedule, const QDateTime& now,
                         int runs)
{
    QJsonObject json = schedule.toJson();
    QJsonArray volumes;
    for (const QString& id : schedule.volumeIds)
        volumes.append(QJsonObject{{QStringLiteral("id"), id},
                                   {QStringLiteral("name"), volumeLabel(catalog, id)}});
    json[QStringLiteral("volumes")] = volumes;
    QJsonArray next;
    for (const QDateTime& at : nextRuns(schedule, now, runs))
        next.append(timeText(at));
    json[QStringLiteral("next_runs")] = next;
    json[QStringLiteral("next_run")] = next.isEmpty() ? QJsonValue() : next.first();
    return json;
}

QList<QPair<QString, QString>> scheduleProperties(const Catalog& catalog, const Schedule& schedule,
                                                  const QDateTime& now)
{
    QStringList volumes;
    for (const QString& id : schedule.volumeIds)
        volumes << QStringLiteral("%1 (%2)").arg(volumeLabel(catalog, id), id);
    QStringList next;
    for (const QDateTime& at : nextRuns(schedule, now, kNextRuns))
        next << timeText(at);
    QString normalized;
    try {
        normalized = CalendarSpec::parse(schedule.calendar).normalized();
    } catch (const Error&) {
        normalized = QStringLiteral("(not understood)");
    }
    return {{QStringLiteral("id"), schedule.id},
            {QStringLiteral("name"), schedule.name},
            {QStringLiteral("volumes"), volumes.join(QLatin1Char('\n'))},
            {QStringLiteral("calendar"), schedule.calendar},
            {QStringLiteral("calendar_normalized"), normalized},
            {QStringLiteral("backend"),
             schedule.backendName.isEmpty() ? QStringLiteral("(default)") : schedule.backendName},
            {QStringLiteral("mode"), modeText(schedule)},
            {QStringLiteral("apply_retention"),
             schedule.applyRetention ? QStringLiteral("yes") : QStringLiteral("no")},
            {QStringLiteral("enabled"),
             schedule.enabled ? QStringLiteral("yes") : QStringLiteral("no")},
            {QStringLiteral("created_at"), timeText(schedule.createdAt)},
            {QStringLiteral("updated_at"), timeText(schedule.updatedAt)},
            {QStringLiteral("last_occurrence"), orDash(timeText(schedule.lastOccurrence))},
            {QStringLiteral("next_runs"),
             next.isEmpty() ? QStringLiteral("none") : next.join(QLatin1Char('\n'))}};
}

void printSchedule(Context& context, const Schedule& schedule, const QDateTime& now)
{
    const Catalog& catalog = context.backups().catalog();
    context.printObject(scheduleJson(catalog, schedule, now, kNextRuns),
                        scheduleProperties(catalog, schedule, now));
}

int wholeNumber(const QCommandLineParser& parser, const char* name, int minimum)
{
    const QString option = QString::fromLatin1(name);
    bool ok = false;
    const int value = parser.value(option).trimmed().toInt(&ok);
    if (!ok || value < minimum)
        throw Error(QStringLiteral("--%1 needs a whole number of %2 or more, not '%3'.")
                        .arg(option)
                        .arg(minimum)
                        .arg(parser.value(option)));
    return value;
}

void addScheduleOptions(QCommandLineParser& parser, bool forEdit)
{
    auto text = [&](const char* name, const char* description, const char* valueName) {
        parser.addOption(QCommandLineOption(QString::fromLatin1(name),
                                            QString::fromLatin1(description),
                                            QString::fromLatin1(valueName)));
    };
    auto flag = [&](const char* name, const char* description) {
        parser.addOption(
            QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description)));
    };
    text("volume",
         forEdit ? "The volumes it backs up, replacing the current ones (repeatable)."
                 : "A volume it backs up (repeatable: a group of volumes, backed up in order).",
         "VOLUME");
    text("calendar",
         "When it runs, in systemd's OnCalendar syntax: daily, 'Mon..Fri 02:00', "
         "'*-*-* 00/6:00', '03:30 UTC' (see systemd.time(7)).",
         "EXPR");
    text("backend", "The backend its backups go to (default: the default backend).", "BACKEND");
    flag("full", "Always a full backup.");
    text("full-every",
         "Force a full when N backups (the full included) were made since the last "
         "full (0 = never).",
         "N");
    text("full-every-days", "Force a full when the last full is N days old (0 = never).", "N");
    flag("no-retention", "Do not prune with the volume's retention policy afterwards.");
    flag("disabled", "Keep it, but do not run it.");
    if (forEdit) {
        text("name", "A new name.", "NAME");
        flag("incremental", "Incremental backups (a full when no chain exists).");
        flag("retention", "Prune with the volume's retention policy afterwards.");
        flag("enabled", "Run it again.");
    }
}

// Applies the options given; the others leave `schedule` as it is.
void applyScheduleOptions(Catalog& catalog, const QCommandLineParser& parser, Schedule& schedule)
{
    // optionNames(): the options given, without asking about those only edit defines.
    const QStringList given = parser.optionNames();
    auto isSet = [&](const char* name) { return given.contains(QString::fromLatin1(name)); };
    auto both = [&](const char* a, const char* b) {
        if (isSet(a) && isSet(b))
            throw Error(QStringLiteral("--%1 and --%2 contradict each other: give one.").arg(a, b));
    };
    both("full", "incremental");
    both("no-retention", "retention");
    both("disabled", "enabled");
    if (isSet("name")) {
        const QString name = optionValue(parser, "name").trimmed();
        if (name.isEmpty())
            throw Error(QStringLiteral("A schedule's name cannot be empty."));
        schedule.name = name;
    }
    if (isSet("volume")) {
        QStringList ids;
        for (const QString& reference : parser.values(QStringLiteral("volume"))) {
            const Volume volume = catalog.resolveVolume(reference);
            if (ids.contains(volume.id))
                throw Error(QStringLiteral("Volume %1 is named twice.").arg(reference));
            ids << volume.id;
        }
        schedule.volumeIds = ids;
    }
    if (isSet("calendar")) {
        // The parser's message names the part it did not understand.
        const CalendarSpec spec = CalendarSpec::parse(optionValue(parser, "calendar").trimmed());
        schedule.calendar = spec.expression();
    }
    if (isSet("backend")) {
        const QString backend = optionValue(parser, "backend").trimmed();
        if (!backend.isEmpty() && !catalog.backend(backend))
            throw Error(QStringLiteral("No backend named '%1' (see backend-list).").arg(backend));
        schedule.backendName = backend;
    }
    if (isSet("full"))
        schedule.mode = Schedule::Mode::Full;
    if (isSet("incremental"))
        schedule.mode = Schedule::Mode::Incremental;
    if (isSet("full-every"))
        schedule.fullEvery = wholeNumber(parser, "full-every", 0);
    if (isSet("full-every-days"))
        schedule.fullEveryDays = wholeNumber(parser, "full-every-days", 0);
    if (isSet("no-retention"))
        schedule.applyRetention = false;
    if (isSet("retention"))
        schedule.applyRetention = true;
    if (isSet("disabled"))
        schedule.enabled = false;
    if (isSet("enabled"))
        schedule.enabled = true;
}

void warnIfNeverRuns(const Schedule& schedule, const QDateTime& now)
{
    if (schedule.enabled && nextRuns(schedule, now, 1).isEmpty())
        holdNotice(QStringLiteral("WARNING: calendar '%1' never elapses after %2: schedule %3 "
                                  "will not run.")
                       .arg(schedule.calendar, timeText(now), schedule.name));
}

int scheduleAdd(Context& context, QCommandLineParser& parser)
{
    const QDateTime now = scheduleClock()();
    Catalog& catalog = context.backups().catalog();
    if (!parser.isSet(QStringLiteral("volume")))
        throw Error(QStringLiteral("schedule-add needs at least one --volume."));
    if (!parser.isSet(QStringLiteral("calendar")))
        throw Error(QStringLiteral("schedule-add needs --calendar (e.g. --calendar daily or "
                                   "--calendar 'Mon..Fri 02:00')."));
    Schedule schedule;
    schedule.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    schedule.name = parser.positionalArguments().first().trimmed();
    if (schedule.name.isEmpty())
        throw Error(QStringLiteral("A schedule's name cannot be empty."));
    applyScheduleOptions(catalog, parser, schedule);
    // Runs are due from now on, not for elapses before the schedule existed.
    schedule.createdAt = now;
    schedule.updatedAt = now;
    catalog.insertSchedule(schedule);
    warnIfNeverRuns(schedule, now);
    printSchedule(context, catalog.schedule(schedule.id).value_or(schedule), now);
    return 0;
}

int scheduleEdit(Context& context, QCommandLineParser& parser)
{
    const QDateTime now = scheduleClock()();
    Catalog& catalog = context.backups().catalog();
    Schedule schedule = catalog.resolveSchedule(parser.positionalArguments().first());
    applyScheduleOptions(catalog, parser, schedule);
    schedule.updatedAt = now;
    catalog.updateSchedule(schedule);
    warnIfNeverRuns(schedule, now);
    printSchedule(context, catalog.schedule(schedule.id).value_or(schedule), now);
    return 0;
}

int scheduleList(Context& context, QCommandLineParser&)
{
    const QDateTime now = scheduleClock()();
    const Catalog& catalog = context.backups().catalog();
    printList(
        context, catalog.schedules(),
        [&](const Schedule& schedule) { return scheduleJson(catalog, schedule, now, 1); },
        {QStringLiteral("Name"), QStringLiteral("Volumes"), QStringLiteral("Calendar"),
         QStringLiteral("Mode"), QStringLiteral("Next Run"), QStringLiteral("Last Occurrence"),
         QStringLiteral("Enabled")},
        [&](const Schedule& schedule) {
            QStringList volumes;
            for (const QString& id : schedule.volumeIds)
                volumes << volumeLabel(catalog, id);
            const QList<QDateTime> next = nextRuns(schedule, now, 1);
            return QStringList{schedule.name,
                               volumes.join(QStringLiteral(", ")),
                               schedule.calendar,
                               modeText(schedule),
                               next.isEmpty() ? QStringLiteral("-") : timeText(next.first()),
                               orDash(timeText(schedule.lastOccurrence)),
                               schedule.enabled ? QStringLiteral("yes") : QStringLiteral("no")};
        });
    return 0;
}

QString durationText(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg(seconds % 3600 / 60);
}

QStringList jobRow(const JobRecord& job)
{
    return QStringList{QString::number(job.id),
                       timeText(job.startedAt),
                       job.kind,
                       job.origin,
                       job.title,
                       jobResultText(job.result),
                       job.finishedAt.isValid() ? durationText(job.durationSeconds())
                                                : QStringLiteral("-"),
                       humanSize(job.bytesRead),
                       humanSize(job.bytesStored),
                       orDash(job.reason)};
}

const QStringList& jobHeaders()
{
    static const QStringList headers{QStringLiteral("ID"),       QStringLiteral("Started (UTC)"),
                                     QStringLiteral("Kind"),     QStringLiteral("Origin"),
                                     QStringLiteral("Title"),    QStringLiteral("Result"),
                                     QStringLiteral("Duration"), QStringLiteral("Read"),
                                     QStringLiteral("Stored"),   QStringLiteral("Reason")};
    return headers;
}

int scheduleShow(Context& context, QCommandLineParser& parser)
{
    const QDateTime now = scheduleClock()();
    const Catalog& catalog = context.backups().catalog();
    const Schedule schedule = catalog.resolveSchedule(parser.positionalArguments().first());
    JobHistoryFilter filter;
    filter.scheduleId = schedule.id;
    filter.limit = kShownJobs;
    filter.withLog = false;
    const QList<JobRecord> jobs = catalog.jobHistory(filter);
    if (context.format == Format::Json) {
        QJsonObject json = scheduleJson(catalog, schedule, now, kNextRuns);
        QJsonArray recent;
        for (const JobRecord& job : jobs)
            recent.append(job.toJson(false));
        json[QStringLiteral("recent_jobs")] = recent;
        context.printJson(json);
        return 0;
    }
    printOut(renderPropertyTable(scheduleProperties(catalog, schedule, now)));
    if (jobs.isEmpty()) {
        printOut(QStringLiteral("No jobs of this schedule in the history.\n"));
        return 0;
    }
    QList<QStringList> rows;
    for (const JobRecord& job : jobs)
        rows << jobRow(job);
    printOut(renderTable(jobHeaders(), rows));
    return 0;
}

int scheduleRemove(Context& context, QCommandLineParser& parser)
{
    Catalog& catalog = context.backups().catalog();
    const Schedule schedule = catalog.resolveSchedule(parser.positionalArguments().first());
    catalog.removeSchedule(schedule.id);
    if (context.format == Format::Json)
        context.printJson(QJsonObject{{QStringLiteral("removed"), schedule.id},
                                      {QStringLiteral("name"), schedule.name}});
    else
        printOut(QStringLiteral("Removed schedule %1 (%2); its jobs stay in the history.\n")
                     .arg(schedule.name, schedule.id));
    return 0;
}

int scheduleSetEnabled(Context& context, QCommandLineParser& parser, bool enabled)
{
    const QDateTime now = scheduleClock()();
    Catalog& catalog = context.backups().catalog();
    Schedule schedule = catalog.resolveSchedule(parser.positionalArguments().first());
    schedule.enabled = enabled;
    schedule.updatedAt = now;
    catalog.updateSchedule(schedule);
    printSchedule(context, catalog.schedule(schedule.id).value_or(schedule), now);
    return 0;
}

// ---- running ----

// Desktop notifications for scheduled jobs. The session bus is reached only when a
// job has something to say; a host without one gets a held notice instead.
JobRecorder::Notifier desktopNotifier()
{
    auto notifier = std::make_shared<std::unique_ptr<DesktopNotifier>>();
    return [notifier](const JobRecord& job) {
        if (!*notifier)
            *notifier = std::make_unique<DesktopNotifier>();
        QString error;
        if ((*notifier)->notify(job, &error) == 0)
            holdNotice(
                QStringLiteral("NOTICE: no desktop notification for job %1 (%2): %3")
                    .arg(job.id)
                    .arg(job.title, error.isEmpty() ? QStringLiteral("no reason given") : error));
    };
}

bool failed(const JobRecord& job)
{
    return job.result == JobResult::Failed || job.result == JobResult::Interrupted ||
           job.result == JobResult::Cancelled;
}

int scheduleRun(Context& context, QCommandLineParser& parser)
{
    ScheduleRunner::RunOptions options;
    options.only = optionValue(parser, "schedule");
    options.force = parser.isSet(QStringLiteral("now"));
    if (options.force && options.only.isEmpty())
        throw Error(QStringLiteral("--now runs one schedule: name it with --schedule."));
    BackupService& service = context.backups();
    QHash<QString, QString> scheduleNames;
    if (!options.only.isEmpty()) {
        const Schedule schedule = service.catalog().resolveSchedule(options.only);
        options.only = schedule.id;
        if (!schedule.enabled && !options.force)
            holdNotice(QStringLiteral("NOTICE: schedule %1 is disabled: it runs only with --now.")
                           .arg(schedule.name));
    }
    for (const Schedule& schedule : service.catalog().schedules())
        scheduleNames.insert(schedule.id, schedule.name);
    options.notifier = desktopNotifier();
    ScheduleRunner runner(service, scheduleClock());
    const QList<JobRecord> jobs =
        withProgress([&](OperationControl& control) { return runner.runDue(control, options); });

    if (context.format == Format::Json) {
        QJsonArray array;
        for (const JobRecord& job : jobs)
            array.append(job.toJson(false));
        context.printJson(array);
    } else if (jobs.isEmpty()) {
        printOut(QStringLiteral("Nothing is due (%1).\n").arg(timeText(runner.now())));
    } else {
        for (const JobRecord& job : jobs) {
            const QString verb = job.result == JobResult::Skipped ? QStringLiteral("skipped")
                                                                  : QStringLiteral("ran");
            QString line =
                QStringLiteral("%1 %2 [schedule %3]: %4")
                    .arg(verb, job.title, scheduleNames.value(job.scheduleId, job.scheduleId),
                         jobResultText(job.result));
            if (!job.backupId.isEmpty())
                line += QStringLiteral(", backup %1").arg(job.backupId);
            if (!job.reason.isEmpty())
                line += QStringLiteral(" (%1)").arg(job.reason);
            printOut(line + QLatin1Char('\n'));
        }
    }
    QStringList failures;
    for (const JobRecord& job : jobs) {
        if (failed(job))
            failures << QStringLiteral("%1: %2").arg(job.title, orDash(job.reason));
    }
    if (!failures.isEmpty())
        throw Error(QStringLiteral("%1 of %2 scheduled job(s) did not succeed: %3")
                        .arg(failures.size())
                        .arg(jobs.size())
                        .arg(failures.join(QStringLiteral("; "))));
    return 0;
}

// ---- history ----

// A date (YYYY-MM-DD, UTC; `endOfDay` = the next midnight) or an ISO 8601 time.
QDateTime historyBound(const QCommandLineParser& parser, const char* name, bool endOfDay)
{
    const QString option = QString::fromLatin1(name);
    if (!parser.isSet(option))
        return {};
    const QString text = parser.value(option).trimmed();
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (date.isValid() && text.size() == 10)
        return QDateTime(endOfDay ? date.addDays(1) : date, QTime(0, 0), Qt::UTC);
    QDateTime time = QDateTime::fromString(text, Qt::ISODate);
    if (!time.isValid())
        throw Error(QStringLiteral("--%1 needs a date (2026-01-31) or an ISO 8601 time "
                                   "(2026-01-31T02:00:00Z), not '%2'.")
                        .arg(option, text));
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeSpec(Qt::UTC);
    return time.toUTC();
}

int history(Context& context, QCommandLineParser& parser)
{
    const Catalog& catalog = context.backups().catalog();
    JobHistoryFilter filter;
    filter.withLog = false;
    filter.limit = 50;
    if (parser.isSet(QStringLiteral("limit")))
        filter.limit = wholeNumber(parser, "limit", 0);
    if (parser.isSet(QStringLiteral("volume"))) {
        const QString reference = optionValue(parser, "volume");
        try {
            filter.volumeId = catalog.resolveVolume(reference).id;
        } catch (const Error&) {
            filter.volumeId = reference; // a removed volume's id
        }
    }
    if (parser.isSet(QStringLiteral("schedule")))
        filter.scheduleId = catalog.resolveSchedule(optionValue(parser, "schedule")).id;
    if (parser.isSet(QStringLiteral("result")))
        filter.result = jobResultFromText(optionValue(parser, "result").trimmed().toLower());
    filter.kind = optionValue(parser, "kind").trimmed();
    filter.from = historyBound(parser, "since", false);
    filter.to = historyBound(parser, "until", true);
    if (filter.from.isValid() && filter.to.isValid() && filter.to <= filter.from)
        throw Error(QStringLiteral("--until (%1) is not after --since (%2).")
                        .arg(timeText(filter.to), timeText(filter.from)));
    printList(
        context, catalog.jobHistory(filter), [](const JobRecord& job) { return job.toJson(false); },
        jobHeaders(), jobRow);
    return 0;
}

int historyShow(Context& context, QCommandLineParser& parser)
{
    const QString text = parser.positionalArguments().first().trimmed();
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        throw Error(
            QStringLiteral("'%1' is not a job number (see the ID column of history).").arg(text));
    const std::optional<JobRecord> job = context.backups().catalog().job(id);
    if (!job)
        throw Error(QStringLiteral("No job %1 in the history (it may be older than the history "
                                   "keeps: see settings-show).")
                        .arg(id));
    if (context.format == Format::Json) {
        context.printJson(job->toJson(true));
        return 0;
    }
    QJsonObject json = job->toJson(false);
    json.remove(QStringLiteral("log"));
    printOut(renderPropertyTable(propertiesOf(json)));
    printOut(job->log.isEmpty() ? QStringLiteral("(no log)\n")
                                : QStringLiteral("Log:\n%1\n").arg(job->log));
    return 0;
}

// ---- settings ----

struct SettingKey
{
    QString key;
    QString fallback;
    QString description;
};

const QList<SettingKey>& settingKeys()
{
    static const QList<SettingKey> keys{
        {QString::fromLatin1(settingkeys::historyRetentionDays), QStringLiteral("90"),
         QStringLiteral("Days the job history keeps finished jobs (a whole number, 1 or more).")},
        {QString::fromLatin1(settingkeys::hookCommand), QString(),
         QStringLiteral("Command run by /bin/sh after each job, with the job's facts in EMBER_* "
                        "variables (empty = none).")},
        {QString::fromLatin1(settingkeys::hookTimeoutSeconds), QStringLiteral("300"),
         QStringLiteral("Seconds the hook may run before it is killed (1 or more).")},
        {QString::fromLatin1(settingkeys::metricsFile), QString(),
         QStringLiteral("Prometheus text file written after each job (node_exporter's textfile "
                        "collector; empty = none).")},
        {QString::fromLatin1(settingkeys::notifyOnFailure), QStringLiteral("1"),
         QStringLiteral("Desktop notification when a background job fails (1 or 0).")},
        {QString::fromLatin1(settingkeys::notifyOnSuccess), QStringLiteral("0"),
         QStringLiteral("Desktop notification when a background job succeeds (1 or 0).")},
        {QString::fromLatin1(settingkeys::backupMaxOperations),
         QString::number(kDefaultMaxOperations),
         QStringLiteral("Backups, restores, verifications and synthetic fulls running at once "
                        "over all backends, from every Ember program; the others wait (a "
                        "backend's own limit is its ember_max_operations; 0 = unlimited).")}};
    return keys;
}

int settingsShow(Context& context, QCommandLineParser&)
{
    const Catalog& catalog = context.backups().catalog();
    if (context.format == Format::Json) {
        QJsonObject json;
        for (const SettingKey& key : settingKeys())
            json[key.key] = catalog.setting(key.key, key.fallback);
        context.printJson(json);
        return 0;
    }
    QList<QStringList> rows;
    for (const SettingKey& key : settingKeys()) {
        const QString value = catalog.setting(key.key, key.fallback);
        rows << QStringList{key.key, value.isEmpty() ? QStringLiteral("(none)") : value,
                            key.description};
    }
    printOut(renderTable(
        {QStringLiteral("Key"), QStringLiteral("Value"), QStringLiteral("Meaning")}, rows));
    return 0;
}

// The value as stored, or Error saying what the key takes.
QString checkedSetting(const QString& key, const QString& given)
{
    const QString value = given.trimmed();
    const bool known = std::any_of(settingKeys().begin(), settingKeys().end(),
                                   [&](const SettingKey& setting) { return setting.key == key; });
    if (!known) {
        QStringList keys;
        for (const SettingKey& setting : settingKeys())
            keys << setting.key;
        throw Error(QStringLiteral("Unknown setting '%1': the settings are %2.")
                        .arg(key, keys.join(QStringLiteral(", "))));
    }
    if (value.isEmpty())
        return value; // back to the default
    auto positive = [&] {
        bool ok = false;
        const qint64 number = value.toLongLong(&ok);
        if (!ok || number < 1 || number > 1000000)
            throw Error(
                QStringLiteral("%1 takes a whole number of 1 or more, not '%2'.").arg(key, given));
        return QString::number(number);
    };
    if (key == QLatin1String(settingkeys::historyRetentionDays) ||
        key == QLatin1String(settingkeys::hookTimeoutSeconds))
        return positive();
    if (key == QLatin1String(settingkeys::backupMaxOperations)) {
        bool ok = false;
        const qint64 number = value.toLongLong(&ok);
        if (!ok || number < 0 || number > 1000000)
            throw Error(QStringLiteral("%1 takes a whole number of 0 (unlimited) or more, not "
                                       "'%2'.")
                            .arg(key, given));
        return QString::number(number);
    }
    if (key == QLatin1String(settingkeys::notifyOnFailure) ||
        key == QLatin1String(settingkeys::notifyOnSuccess)) {
        if (value != QLatin1String("0") && value != QLatin1String("1"))
            throw Error(QStringLiteral("%1 takes 1 (on) or 0 (off), not '%2'.").arg(key, given));
        return value;
    }
    // Scheduled runs start elsewhere: a relative path would land in their directory.
    if (key == QLatin1String(settingkeys::metricsFile)) {
        // node_exporter's textfile collector reads *.prom only (as the dialog says).
        if (!value.endsWith(QLatin1String(".prom")))
            throw Error(QStringLiteral("%1 must end in .prom (node_exporter's textfile collector "
                                       "reads only those), not '%2'.")
                            .arg(key, given));
        return QFileInfo(value).absoluteFilePath();
    }
    return value; // the hook command
}

int settingsSet(Context& context, QCommandLineParser& parser)
{
    const QString key = parser.positionalArguments().at(0).trimmed();
    const QString value = checkedSetting(key, parser.positionalArguments().at(1));
    Catalog& catalog = context.backups().catalog();
    catalog.setSetting(key, value);
    QString shown = value;
    for (const SettingKey& setting : settingKeys()) {
        if (setting.key == key)
            shown = catalog.setting(key, setting.fallback);
    }
    if (context.format == Format::Json)
        context.printJson(QJsonObject{{key, shown}});
    else
        printOut(QStringLiteral("%1 = %2\n")
                     .arg(key, shown.isEmpty() ? QStringLiteral("(none)") : shown));
    return 0;
}

} // namespace

QList<Command> scheduleCommands()
{
    const auto text = &valueOption;
    const auto flag = &flagOption;
    QList<Command> list;
    list << Command{QStringLiteral("schedule-add"),
                    QStringLiteral("NAME"),
                    QStringLiteral("Adds a backup schedule for a volume or a group of volumes and "
                                   "shows its next five runs."),
                    [](QCommandLineParser& p) { addScheduleOptions(p, false); },
                    scheduleAdd,
                    1,
                    1};
    list << Command{QStringLiteral("schedule-list"),
                    QString(),
                    QStringLiteral("Lists the schedules with their next run."),
                    {},
                    scheduleList,
                    0,
                    0};
    list << Command{QStringLiteral("schedule-show"),
                    QStringLiteral("SCHEDULE"),
                    QStringLiteral("Shows a schedule, its next five runs and its last ten jobs."),
                    {},
                    scheduleShow,
                    1,
                    1};
    list << Command{QStringLiteral("schedule-edit"),
                    QStringLiteral("SCHEDULE"),
                    QStringLiteral("Changes a schedule: only the options given change."),
                    [](QCommandLineParser& p) { addScheduleOptions(p, true); },
                    scheduleEdit,
                    1,
                    1};
    list << Command{QStringLiteral("schedule-remove"),
                    QStringLiteral("SCHEDULE"),
                    QStringLiteral("Removes a schedule (its jobs stay in the history)."),
                    {},
                    scheduleRemove,
                    1,
                    1};
    list << Command{
        QStringLiteral("schedule-enable"),
        QStringLiteral("SCHEDULE"),
        QStringLiteral("Lets a disabled schedule run again."),
        {},
        [](Context& c, QCommandLineParser& p) { return scheduleSetEnabled(c, p, true); },
        1,
        1};
    list << Command{
        QStringLiteral("schedule-disable"),
        QStringLiteral("SCHEDULE"),
        QStringLiteral("Stops a schedule from running (it is kept)."),
        {},
        [](Context& c, QCommandLineParser& p) { return scheduleSetEnabled(c, p, false); },
        1,
        1};
    list << Command{
        QStringLiteral("schedule-run"),
        QString(),
        QStringLiteral("Runs the schedules that are due (what the systemd timer starts); missed "
                       "runs run once. Exit status 1 when a job failed. For tests only: "
                       "EMBER_FAKE_NOW=2026-01-31T02:00:00Z sets the clock."),
        [=](QCommandLineParser& p) {
            p.addOption(text("schedule", "Only this schedule.", "SCHEDULE"));
            p.addOption(flag("now", "Run the --schedule now even if it is not due."));
        },
        scheduleRun,
        0,
        0};
    list << Command{
        QStringLiteral("history"),
        QString(),
        QStringLiteral("Lists the jobs that ran (GUI, ember-cli and schedules), newest first."),
        [=](QCommandLineParser& p) {
            p.addOption(text("volume", "Only jobs of this volume.", "VOLUME"));
            p.addOption(text("schedule", "Only jobs of this schedule.", "SCHEDULE"));
            p.addOption(text("result",
                             "Only jobs with this result: running, succeeded, failed, "
                             "cancelled, skipped or interrupted.",
                             "RESULT"));
            p.addOption(text("kind",
                             "Only jobs of this kind: backup, restore, delete, verify, "
                             "synthesize, prune, ...",
                             "KIND"));
            p.addOption(
                text("since", "Only jobs started on or after this date or time (UTC).", "DATE"));
            p.addOption(text("until",
                             "Only jobs started before the end of this date, or before "
                             "this time (UTC).",
                             "DATE"));
            p.addOption(text("limit", "At most N jobs (default 50; 0 = all).", "N"));
        },
        history,
        0,
        0};
    list << Command{QStringLiteral("history-show"),
                    QStringLiteral("JOB"),
                    QStringLiteral("Shows a job of the history with its log."),
                    {},
                    historyShow,
                    1,
                    1};
    list << Command{QStringLiteral("settings-show"),
                    QString(),
                    QStringLiteral("Shows the settings every Ember process shares (history, hook, "
                                   "metrics, notifications, operations at once)."),
                    {},
                    settingsShow,
                    0,
                    0};
    list << Command{QStringLiteral("settings-set"),
                    QStringLiteral("KEY VALUE"),
                    QStringLiteral("Changes a shared setting (see settings-show; an empty VALUE "
                                   "restores the default)."),
                    {},
                    settingsSet,
                    2,
                    2};
    return list;
}

} // namespace ember::cli
