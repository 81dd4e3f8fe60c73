#include "backuprecord.h"

#include "pythonjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace ember {

namespace {

void appendPythonString(QByteArray& out, const QString& text)
{
    out += PythonJson::quote(text);
}

void appendNullableString(QByteArray& out, const QString& text)
{
    if (text.isEmpty())
        out += "null";
    else
        appendPythonString(out, text);
}

void appendTime(QByteArray& out, const QDateTime& time)
{
    if (!time.isValid())
        out += "null";
    else
        appendPythonString(out, cinderIsoTime(time));
}

class RecordWriter
{
public:
    RecordWriter() { m_out += "{\"driver_info\": {}"; }
    void key(const char* name)
    {
        m_out += ", \"";
        m_out += name;
        m_out += "\": ";
    }
    void string(const char* name, const QString& value)
    {
        key(name);
        appendNullableString(m_out, value);
    }
    void integer(const char* name, qint64 value)
    {
        key(name);
        m_out += QByteArray::number(value);
    }
    void time(const char* name, const QDateTime& value)
    {
        key(name);
        appendTime(m_out, value);
    }
    QByteArray& out() { return m_out; }
    QByteArray finish()
    {
        m_out += '}';
        return m_out;
    }

private:
    QByteArray m_out;
};

QString requireString(const QJsonObject& json, const QString& key, bool nullable)
{
    const QJsonValue value = json.value(key);
    if (value.isNull() || value.isUndefined()) {
        if (nullable)
            return {};
        throw Error(QStringLiteral("The backup record's %1 must not be null.").arg(key));
    }
    if (!value.isString())
        throw Error(QStringLiteral("The backup record's %1 must be a string.").arg(key));
    return value.toString();
}

qint64 requireInteger(const QJsonObject& json, const QString& key)
{
    const QJsonValue value = json.value(key);
    if (value.isNull() || value.isUndefined())
        return 0;
    const double number = value.toDouble(std::nan(""));
    // Past 2^53 a JSON number is not exact, and past 2^63 it does not even fit.
    constexpr double kLargestExact = 9007199254740992.0;
    if (!value.isDouble() || !std::isfinite(number) || std::trunc(number) != number || number < 0 ||
        number > kLargestExact)
        throw Error(QStringLiteral("The backup record's %1 must be a whole number from 0 to "
                                   "2^53.")
                        .arg(key));
    return qint64(number);
}

// Cinder's ids are canonical UUIDs (8-4-4-4-12 hex digits); upper case is
// accepted and lowered. Ids become file and object names: nothing else passes.
QString requireUuid(const QJsonObject& json, const QString& key, bool nullable)
{
    const QString text = requireString(json, key, nullable);
    if (text.isEmpty() && nullable)
        return {};
    const QString id = text.toLower();
    if (!isCanonicalUuid(id))
        throw Error(QStringLiteral("The backup record's %1 must be a UUID "
                                   "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), not '%2'.")
                        .arg(key, text.left(80)));
    return id;
}

QDateTime optionalTime(const QJsonObject& json, const QString& key)
{
    const QString text = requireString(json, key, true);
    if (text.isEmpty())
        return {};
    const QDateTime time = parseCinderTime(text);
    if (!time.isValid())
        throw Error(
            QStringLiteral("The backup record's %1 is not a valid time: '%2'.").arg(key, text));
    return time;
}

} // namespace

QByteArray exportRecordJson(const Backup& backup)
{
    // Field order of cinder.objects.Backup.fields (reference §1.7).
    RecordWriter w;
    w.string("id", backup.id);
    w.string("user_id", backup.userId);
    w.string("project_id", backup.projectId);
    w.string("volume_id", backup.volumeId);
    w.string("host", backup.host);
    w.string("availability_zone", backup.availabilityZone);
    w.string("container", backup.container);
    w.string("parent_id", backup.parentId);
    w.string("status", backup.status);
    w.string("fail_reason", backup.failReason);
    w.integer("size", backup.size);
    w.string("display_name", backup.displayName);
    w.string("display_description", backup.displayDescription);
    w.string("service_metadata", backup.serviceMetadata);
    w.string("service", backup.service);
    w.integer("object_count", backup.objectCount);
    w.string("temp_volume_id", backup.tempVolumeId);
    w.string("temp_snapshot_id", backup.tempSnapshotId);
    w.integer("num_dependent_backups", backup.numDependentBackups);
    w.string("snapshot_id", backup.snapshotId);
    w.time("data_timestamp", backup.dataTimestamp);
    w.string("restore_volume_id", backup.restoreVolumeId);
    w.key("metadata");
    w.out() += PythonJson::dumps(backup.metadata); // default separators, as json.dumps
    w.string("encryption_key_id", backup.encryptionKeyId);
    w.time("created_at", backup.createdAt);
    w.time("updated_at", backup.updatedAt);
    w.time("deleted_at", backup.deletedAt);
    w.key("deleted");
    w.out() += backup.deleted ? "true" : "false";
    return w.finish();
}

BackupRecord exportRecord(const Backup& backup)
{
    BackupRecord record;
    record.backupService = backup.service;
    record.backupUrl = QString::fromLatin1(exportRecordJson(backup).toBase64());
    return record;
}

Backup importRecord(const BackupRecord& record)
{
    const QString service = record.backupService.trimmed();
    if (service.isEmpty())
        throw Error(QStringLiteral("The backup service of the record is empty: give the driver "
                                   "path, e.g. cinder.backup.drivers.posix.PosixBackupDriver."));
    const auto decoded = QByteArray::fromBase64Encoding(record.backupUrl.trimmed().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || record.backupUrl.trimmed().isEmpty())
        throw Error(QStringLiteral("Can't decode backup record: the URL is not valid Base64."));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(*decoded, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("Can't parse backup record: %1 at offset %2.")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!document.isObject())
        throw Error(QStringLiteral("Can't parse backup record: it is not a JSON object."));
    const QJsonObject json = document.object();

    // Cinder's import (backup/api.py _get_import_backup) insists on these.
    const QStringList required{QStringLiteral("display_name"),
                               QStringLiteral("display_description"),
                               QStringLiteral("container"),
                               QStringLiteral("size"),
                               QStringLiteral("service_metadata"),
                               QStringLiteral("object_count"),
                               QStringLiteral("id")};
    QStringList missing;
    for (const QString& key : required) {
        if (!json.contains(key))
            missing << key;
    }
    if (!missing.isEmpty())
        throw Error(QStringLiteral("The backup record is missing required fields: %1.")
                        .arg(missing.join(QStringLiteral(", "))));

    Backup backup;
    backup.id = requireUuid(json, QStringLiteral("id"), false);
    backup.volumeId = requireUuid(json, QStringLiteral("volume_id"), true);
    if (backup.volumeId.isEmpty())
        backup.volumeId = QStringLiteral("00000000-0000-0000-0000-000000000000");
    backup.container = requireString(json, QStringLiteral("container"), true);
    if (backup.container.contains(QChar(0)))
        throw Error(QStringLiteral("The backup record's container contains a NUL character."));
    backup.parentId = requireUuid(json, QStringLiteral("parent_id"), true);
    backup.size = requireInteger(json, QStringLiteral("size"));
    backup.displayName = requireString(json, QStringLiteral("display_name"), true);
    backup.displayDescription = requireString(json, QStringLiteral("display_description"), true);
    // Checked further by the backend that imports it (an object prefix for
    // chunked backends, JSON for Ceph and TSM).
    backup.serviceMetadata = requireString(json, QStringLiteral("service_metadata"), true);
    if (backup.serviceMetadata.contains(QChar(0)))
        throw Error(
            QStringLiteral("The backup record's service_metadata contains a NUL character."));
    backup.objectCount = requireInteger(json, QStringLiteral("object_count"));
    backup.tempVolumeId = requireString(json, QStringLiteral("temp_volume_id"), true);
    backup.tempSnapshotId = requireString(json, QStringLiteral("temp_snapshot_id"), true);
    backup.numDependentBackups = requireInteger(json, QStringLiteral("num_dependent_backups"));
    backup.snapshotId = requireString(json, QStringLiteral("snapshot_id"), true);
    backup.dataTimestamp = optionalTime(json, QStringLiteral("data_timestamp"));
    backup.restoreVolumeId = requireString(json, QStringLiteral("restore_volume_id"), true);
    const QJsonValue metadata = json.value(QStringLiteral("metadata"));
    if (metadata.isObject())
        backup.metadata = metadata.toObject();
    else if (!metadata.isNull() && !metadata.isUndefined())
        throw Error(QStringLiteral("The backup record's metadata must be an object."));
    backup.encryptionKeyId = requireString(json, QStringLiteral("encryption_key_id"), true);
    backup.createdAt = optionalTime(json, QStringLiteral("created_at"));
    backup.updatedAt = optionalTime(json, QStringLiteral("updated_at"));
    if (!backup.dataTimestamp.isValid())
        backup.dataTimestamp = backup.createdAt;

    // Overwritten or dropped by Cinder's import: status, service, host, AZ,
    // user/project ids, deleted flags and fail_reason.
    backup.status = BackupStatus::Creating;
    backup.service = service;
    return backup;
}

} // namespace ember
