#include "itemroles.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

namespace ember::ui {

QString formatBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

QString formatRate(double bytesPerSecond)
{
    if (bytesPerSecond <= 0)
        return {};
    return QCoreApplication::translate("Format", "%1/s")
        .arg(formatBytes(static_cast<qint64>(bytesPerSecond)));
}

QString formatDuration(qint64 seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 60)
        return QCoreApplication::translate("Format", "%1 s").arg(seconds);
    if (seconds < 3600)
        return QCoreApplication::translate("Format", "%1 min %2 s")
            .arg(seconds / 60)
            .arg(seconds % 60);
    return QCoreApplication::translate("Format", "%1 h %2 min")
        .arg(seconds / 3600)
        .arg((seconds % 3600) / 60);
}

QString formatTime(const QDateTime& time)
{
    if (!time.isValid())
        return {};
    return QLocale().toString(time.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString shortFingerprint(const QString& fingerprint)
{
    const QStringList groups = fingerprint.split(QLatin1Char('-'));
    if (groups.size() <= 2)
        return fingerprint;
    return groups[0] + QLatin1Char('-') + groups[1] + QChar(0x2026);
}

} // namespace ember::ui
