#include "output.h"

#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace ember::cli {

namespace {

QString border(const QList<qsizetype>& widths)
{
    QString line = QStringLiteral("+");
    for (qsizetype width : widths)
        line += QString(width + 2, QLatin1Char('-')) + QLatin1Char('+');
    return line;
}

QString row(const QStringList& cells, const QList<qsizetype>& widths)
{
    QString line = QStringLiteral("|");
    for (qsizetype i = 0; i < widths.size(); ++i) {
        const QString cell = i < cells.size() ? cells.at(i) : QString();
        line += QLatin1Char(' ') + cell.leftJustified(widths.at(i)) + QStringLiteral(" |");
    }
    return line;
}

// Cells are single lines: newlines and carriage returns become spaces.
QString flat(QString text)
{
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text;
}

} // namespace

QString renderTable(const QStringList& headers, const QList<QStringList>& rows)
{
    QList<qsizetype> widths;
    for (const QString& header : headers)
        widths << header.size();
    QList<QStringList> cleaned;
    for (const QStringList& cells : rows) {
        QStringList line;
        for (qsizetype i = 0; i < headers.size(); ++i) {
            const QString cell = flat(i < cells.size() ? cells.at(i) : QString());
            widths[i] = std::max(widths[i], cell.size());
            line << cell;
        }
        cleaned << line;
    }
    QStringList lines;
    lines << border(widths) << row(headers, widths) << border(widths);
    for (const QStringList& cells : cleaned)
        lines << row(cells, widths);
    lines << border(widths);
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString renderPropertyTable(const QList<QPair<QString, QString>>& properties)
{
    QList<QPair<QString, QString>> sorted = properties;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    QList<QStringList> rows;
    for (const auto& [key, value] : sorted)
        rows << QStringList{key, value};
    return renderTable({QStringLiteral("Property"), QStringLiteral("Value")}, rows);
}

QString apiTime(const QDateTime& time)
{
    if (!time.isValid())
        return {};
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz000"));
}

QString humanSize(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

qint64 parseSize(const QString& text)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^\s*(\d+(?:\.\d+)?)\s*(?:([KMGTP])(?:i?B)?|B)?\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(text);
    const QString rule = QStringLiteral("use a number of bytes or a number with K, M, G or T "
                                        "(powers of 1024), e.g. 10G or 512M");
    if (!match.hasMatch())
        throw Error(QStringLiteral("Invalid size '%1': %2.").arg(text, rule));
    const double number = match.captured(1).toDouble();
    int shift = 0;
    const QString unit = match.captured(2).toUpper();
    switch (unit.isEmpty() ? 'B' : unit.front().toLatin1()) {
    case 'K':
        shift = 10;
        break;
    case 'M':
        shift = 20;
        break;
    case 'G':
        shift = 30;
        break;
    case 'T':
        shift = 40;
        break;
    case 'P':
        shift = 50;
        break;
    default:
        break;
    }
    const double bytes = std::ldexp(number, shift);
    if (bytes >= 9.0e18)
        throw Error(QStringLiteral("Invalid size '%1': too large.").arg(text));
    if (bytes != std::floor(bytes))
        throw Error(
            QStringLiteral("Invalid size '%1': it is not a whole number of bytes.").arg(text));
    if (bytes <= 0)
        throw Error(
            QStringLiteral("Invalid size '%1': the size must be greater than zero.").arg(text));
    return qint64(bytes);
}

namespace {

QJsonValue nullable(const QString& text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonValue nullableTime(const QDateTime& time)
{
    return time.isValid() ? QJsonValue(apiTime(time)) : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject backupJson(const Backup& b)
{
    QJsonObject json;
    json[QStringLiteral("id")] = b.id;
    json[QStringLiteral("name")] = nullable(b.displayName);
    json[QStringLiteral("description")] = nullable(b.displayDescription);
    json[QStringLiteral("status")] = b.status;
    json[QStringLiteral("size")] = double(b.size);
    json[QStringLiteral("object_count")] = double(b.objectCount);
    json[QStringLiteral("availability_zone")] = nullable(b.availabilityZone);
    json[QStringLiteral("container")] = nullable(b.container);
    json[QStringLiteral("created_at")] = nullableTime(b.createdAt);
    json[QStringLiteral("updated_at")] = nullableTime(b.updatedAt);
    json[QStringLiteral("fail_reason")] = nullable(b.failReason);
    json[QStringLiteral("volume_id")] = b.volumeId;
    json[QStringLiteral("is_incremental")] = b.isIncremental();
    json[QStringLiteral("has_dependent_backups")] = b.hasDependentBackups();
    json[QStringLiteral("snapshot_id")] = nullable(b.snapshotId);
    json[QStringLiteral("data_timestamp")] = nullableTime(b.dataTimestamp);
    json[QStringLiteral("metadata")] = b.metadata;
    json[QStringLiteral("encryption_key_id")] = nullable(b.encryptionKeyId);
    // Ember's extras.
    json[QStringLiteral("parent_id")] = nullable(b.parentId);
    json[QStringLiteral("num_dependent_backups")] = double(b.numDependentBackups);
    json[QStringLiteral("service")] = nullable(b.service);
    json[QStringLiteral("service_metadata")] = nullable(b.serviceMetadata);
    json[QStringLiteral("backend")] = nullable(b.backendName);
    json[QStringLiteral("volume_size_bytes")] = double(b.volumeSizeBytes);
    json[QStringLiteral("stored_bytes")] = double(b.storedBytes);
    json[QStringLiteral("protected")] = b.isProtected;
    json[QStringLiteral("synthesized_from")] = nullable(b.synthesizedFrom);
    // S3 Object Lock as recorded (a date past means the lock has ended).
    json[QStringLiteral("immutable_until")] = nullableTime(b.immutableUntil);
    json[QStringLiteral("immutable_mode")] = nullable(b.immutableMode);
    return json;
}

QString cellText(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QStringLiteral("None");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("True") : QStringLiteral("False");
    case QJsonValue::Double:
        return QString::number(qint64(value.toDouble()));
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

QList<QPair<QString, QString>> propertiesOf(const QJsonObject& object)
{
    QList<QPair<QString, QString>> properties;
    for (auto it = object.begin(); it != object.end(); ++it)
        properties.append({it.key(), cellText(it.value())});
    return properties;
}

QList<QPair<QString, QString>> backupProperties(const Backup& backup)
{
    QList<QPair<QString, QString>> properties = propertiesOf(backupJson(backup));
    for (auto& [key, value] : properties) {
        if (key == QLatin1String("volume_size_bytes") || key == QLatin1String("stored_bytes"))
            value = QStringLiteral("%1 (%2)").arg(value, humanSize(value.toLongLong()));
        else if (key == QLatin1String("immutable_until") && backup.immutableUntil.isValid())
            value = backup.isImmutableAt(QDateTime::currentDateTimeUtc())
                        ? QStringLiteral("%1 (locked: deletable from %2)")
                              .arg(value, immutableUntilText(backup.immutableUntil))
                        : QStringLiteral("%1 (lock ended)").arg(value);
    }
    return properties;
}

QJsonObject volumeJson(const Volume& v)
{
    QJsonObject json;
    json[QStringLiteral("id")] = v.id;
    json[QStringLiteral("name")] = nullable(v.name);
    json[QStringLiteral("kind")] = toString(v.kind);
    json[QStringLiteral("path")] = v.path;
    json[QStringLiteral("backend")] = nullable(v.backendName);
    json[QStringLiteral("size")] = double(v.sizeGiB());
    json[QStringLiteral("size_bytes")] = double(v.sizeBytes);
    json[QStringLiteral("status")] = v.status;
    json[QStringLiteral("previous_status")] = nullable(v.previousStatus);
    json[QStringLiteral("created_at")] = nullableTime(v.createdAt);
    json[QStringLiteral("updated_at")] = nullableTime(v.updatedAt);
    json[QStringLiteral("metadata")] = v.metadata;
    return json;
}

QList<QPair<QString, QString>> volumeProperties(const Volume& volume)
{
    QList<QPair<QString, QString>> properties = propertiesOf(volumeJson(volume));
    for (auto& [key, value] : properties) {
        if (key == QLatin1String("size_bytes"))
            value = QStringLiteral("%1 (%2)").arg(value, humanSize(volume.sizeBytes));
    }
    return properties;
}

QJsonObject backendJson(const BackendConfig& backend)
{
    QJsonObject json;
    json[QStringLiteral("name")] = backend.name;
    json[QStringLiteral("type")] = backend.type;
    json[QStringLiteral("is_default")] = backend.isDefault;
    json[QStringLiteral("options")] = backend.options;
    json[QStringLiteral("created_at")] = nullableTime(backend.createdAt);
    return json;
}

} // namespace ember::cli
