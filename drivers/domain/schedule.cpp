#include "schedule.h"

#include "records.h"

#include <QJsonArray>

#include <algorithm>

namespace ember {

namespace {

// UTC with milliseconds, as the catalog stores times; null when unset.
QJsonValue jsonTime(const QDateTime& time)
{
    if (!time.isValid())
        return QJsonValue::Null;
    return time.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace

QString scheduleModeText(Schedule::Mode mode)
{
    switch (mode) {
    case Schedule::Mode::Incremental:
        return QStringLiteral("incremental");
    case Schedule::Mode::Full:
        return QStringLiteral("full");
    }
    return QStringLiteral("incremental");
}

Schedule::Mode scheduleModeFromText(const QString& text)
{
    const QString mode = text.trimmed().toLower();
    if (mode == QLatin1String("incremental"))
        return Schedule::Mode::Incremental;
    if (mode == QLatin1String("full"))
        return Schedule::Mode::Full;
    throw Error(
        QStringLiteral("Unknown schedule mode '%1': expected incremental or full.").arg(text));
}

QJsonObject Schedule::toJson() const
{
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("volume_ids"), QJsonArray::fromStringList(volumeIds)},
        {QStringLiteral("calendar"), calendar},
        {QStringLiteral("backend_name"), backendName},
        {QStringLiteral("mode"), scheduleModeText(mode)},
        {QStringLiteral("full_every"), fullEvery},
        {QStringLiteral("full_every_days"), fullEveryDays},
        {QStringLiteral("apply_retention"), applyRetention},
        {QStringLiteral("enabled"), enabled},
        {QStringLiteral("created_at"), jsonTime(createdAt)},
        {QStringLiteral("updated_at"), jsonTime(updatedAt)},
        {QStringLiteral("last_occurrence"), jsonTime(lastOccurrence)},
    };
}

QString jobResultText(JobResult result)
{
    switch (result) {
    case JobResult::Running:
        return QStringLiteral("running");
    case JobResult::Succeeded:
        return QStringLiteral("succeeded");
    case JobResult::Failed:
        return QStringLiteral("failed");
    case JobResult::Cancelled:
        return QStringLiteral("cancelled");
    case JobResult::Skipped:
        return QStringLiteral("skipped");
    case JobResult::Interrupted:
        return QStringLiteral("interrupted");
    }
    return QStringLiteral("running");
}

JobResult jobResultFromText(const QString& text)
{
    const QString wanted = text.trimmed().toLower();
    for (const JobResult result :
         {JobResult::Running, JobResult::Succeeded, JobResult::Failed, JobResult::Cancelled,
          JobResult::Skipped, JobResult::Interrupted}) {
        if (wanted == jobResultText(result))
            return result;
    }
    throw Error(QStringLiteral("Unknown job result '%1': expected running, succeeded, failed, "
                               "cancelled, skipped or interrupted.")
                    .arg(text));
}

qint64 JobRecord::durationSeconds() const
{
    if (!startedAt.isValid())
        return 0;
    const QDateTime end = finishedAt.isValid() ? finishedAt : QDateTime::currentDateTimeUtc();
    // A clock set back while the job ran must not give a negative duration.
    return std::max<qint64>(0, startedAt.secsTo(end));
}

QJsonObject JobRecord::toJson() const
{
    return toJson(false);
}

QJsonObject JobRecord::toJson(bool withLog) const
{
    QJsonObject object{
        {QStringLiteral("id"), id},
        {QStringLiteral("kind"), kind},
        {QStringLiteral("origin"), origin},
        {QStringLiteral("title"), title},
        {QStringLiteral("volume_id"), volumeId},
        {QStringLiteral("volume_name"), volumeName},
        {QStringLiteral("backup_id"), backupId},
        {QStringLiteral("backend_name"), backendName},
        {QStringLiteral("schedule_id"), scheduleId},
        {QStringLiteral("cloud"), cloud},
        {QStringLiteral("started_at"), jsonTime(startedAt)},
        {QStringLiteral("finished_at"), jsonTime(finishedAt)},
        {QStringLiteral("duration_seconds"), durationSeconds()},
        {QStringLiteral("bytes_read"), bytesRead},
        {QStringLiteral("bytes_stored"), bytesStored},
        {QStringLiteral("bytes_per_second"), bytesPerSecond},
        {QStringLiteral("result"), jobResultText(result)},
        {QStringLiteral("reason"), reason},
        {QStringLiteral("pid"), pid},
    };
    if (withLog)
        object.insert(QStringLiteral("log"), log);
    return object;
}

} // namespace ember
