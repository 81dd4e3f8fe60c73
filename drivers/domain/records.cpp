#include "records.h"

#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

namespace ember {

QString toString(VolumeKind kind)
{
    switch (kind) {
    case VolumeKind::File:
        return QStringLiteral("file");
    case VolumeKind::BlockDevice:
        return QStringLiteral("block");
    case VolumeKind::Rbd:
        return QStringLiteral("rbd");
    }
    return QStringLiteral("file");
}

VolumeKind volumeKindFromString(const QString& text)
{
    const QString kind = text.trimmed().toLower();
    if (kind == QLatin1String("file"))
        return VolumeKind::File;
    if (kind == QLatin1String("block"))
        return VolumeKind::BlockDevice;
    if (kind == QLatin1String("rbd"))
        return VolumeKind::Rbd;
    throw Error(QStringLiteral("Unknown volume kind '%1': expected file, block or rbd.").arg(text));
}

QStringList BackupStatus::all()
{
    return {Creating, Available, Deleting, Deleted, Error, ErrorDeleting, Restoring};
}

bool isCanonicalUuid(const QString& text)
{
    if (text.size() != 36)
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const bool ok = (i == 8 || i == 13 || i == 18 || i == 23)
                            ? c == QLatin1Char('-')
                            : (c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
                                  (c >= QLatin1Char('a') && c <= QLatin1Char('f'));
        if (!ok)
            return false;
    }
    return true;
}

QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).toLower();
}

QString immutableUntilText(const QDateTime& until)
{
    if (!until.isValid())
        return {};
    QDateTime minute = until.toUTC();
    const QTime time = minute.time();
    const bool exact = time.second() == 0 && time.msec() == 0;
    minute.setTime(QTime(time.hour(), time.minute()));
    if (!exact)
        minute = minute.addSecs(60);
    return minute.toString(QStringLiteral("yyyy-MM-dd HH:mm")) + QStringLiteral(" UTC");
}

QString describeImmutability(const Backup& backup, const QDateTime& now)
{
    if (!backup.isImmutableAt(now))
        return {};
    const QString until = immutableUntilText(backup.immutableUntil);
    if (backup.immutableMode.isEmpty())
        return QStringLiteral("until %1 (S3 Object Lock)").arg(until);
    return QStringLiteral("until %1 (S3 Object Lock, %2 mode)").arg(until, backup.immutableMode);
}

QString immutabilityRefusal(const Backup& backup, const QDateTime& now)
{
    const QString lock = describeImmutability(backup, now);
    if (lock.isEmpty())
        return {};
    return QStringLiteral("backup %1 is immutable %2; it can be deleted from then on")
        .arg(backup.id, lock);
}

QString cinderIsoTime(const QDateTime& time)
{
    if (!time.isValid())
        return {};
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QLatin1Char('Z');
}

QDateTime parseCinderTime(const QString& text)
{
    // Cinder writes "2024-01-02T03:04:05Z" in records, str() of a datetime
    // ("2024-01-02 03:04:05.123456+00:00") in metadata, and naive UTC elsewhere.
    static const QRegularExpression pattern(QStringLiteral(
        R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$)"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return {};
    const QDate date(match.captured(1).toInt(), match.captured(2).toInt(),
                     match.captured(3).toInt());
    int milliseconds = 0;
    if (match.hasCaptured(7) && !match.captured(7).isEmpty())
        milliseconds = (match.captured(7) + QStringLiteral("00")).left(3).toInt();
    const QTime clock(match.captured(4).toInt(), match.captured(5).toInt(),
                      match.captured(6).toInt(), milliseconds);
    if (!date.isValid() || !clock.isValid())
        return {};
    QDateTime result(date, clock, QTimeZone::utc());
    const QString zone = match.captured(8);
    if (!zone.isEmpty() && zone != QLatin1String("Z")) {
        QString digits = zone.mid(1);
        digits.remove(QLatin1Char(':'));
        const int offsetSeconds = (digits.left(2).toInt() * 60 + digits.mid(2, 2).toInt()) * 60;
        // Local time = UTC + offset, so UTC = local - offset.
        result = result.addSecs(zone.startsWith(QLatin1Char('-')) ? offsetSeconds : -offsetSeconds);
    }
    // An offset can carry a time past the years the record format can write.
    if (result.date().year() < 1 || result.date().year() > 9999)
        return {};
    return result;
}

} // namespace ember
