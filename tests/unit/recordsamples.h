// Sample records for test_backuprecord.cpp, kept out of the test's source
// because AUTOMOC's scanner trips over the raw strings.
#pragma once

#include "backuprecord.h"

#include <QProcess>
#include <QTimeZone>
#include <QtDebug>

using namespace ember;

namespace {

QByteArray runPython(const QByteArray& script)
{
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"), QString::fromUtf8(script)});
    if (!python.waitForFinished(60000) || python.exitCode() != 0)
        qWarning() << "python failed:" << python.readAllStandardError();
    return python.readAllStandardOutput();
}

// Unicode with a BMP char, a line separator, an astral char (surrogate
// pair), quotes, backslash, control characters and DEL.
QString trickyText()
{
    return QString::fromUtf8(
        "caf\xc3\xa9 \"q\" \\ /\n\t\r\b\f\x01\x7f \xe2\x80\xa8 \xf0\x9f\x98\x80 end");
}
const char* const kTrickyPython =
    R"("caf\u00e9 \"q\" \\ /\n\t\r\b\f\x01\x7f \u2028 \U0001F600 end")";

Backup sampleBackup()
{
    Backup b;
    b.id = QStringLiteral("0b6f3a3e-1111-4222-8333-944455556666");
    b.userId = QStringLiteral("u1");
    b.projectId = QStringLiteral("p1");
    b.volumeId = QStringLiteral("9a2d1c4e-aaaa-4bbb-8ccc-ddddeeeeffff");
    b.host = QStringLiteral("backup-host@posix");
    b.availabilityZone = QStringLiteral("nova");
    b.container = QStringLiteral("0b/6f/0b6f3a3e-1111-4222-8333-944455556666");
    b.parentId = QString(); // null
    b.status = BackupStatus::Available;
    b.failReason = QStringLiteral(""); // empty -> null
    b.size = 2;
    b.displayName = trickyText();
    b.displayDescription = QStringLiteral("plain");
    b.serviceMetadata = QStringLiteral(
        "volume_9a2d1c4e-aaaa-4bbb-8ccc-ddddeeeeffff_20240102030405_backup_0b6f3a3e-1111-4222-"
        "8333-944455556666");
    b.service = QStringLiteral("cinder.backup.drivers.posix.PosixBackupDriver");
    b.objectCount = 41;
    b.numDependentBackups = 3;
    b.dataTimestamp = QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 678), QTimeZone::utc());
    b.metadata = QJsonObject{{QStringLiteral("a"), QStringLiteral("1")},
                             {QStringLiteral("\u00fc"), QStringLiteral("x\"y")}};
    b.createdAt = QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 123), QTimeZone::utc());
    b.updatedAt = QDateTime(QDate(2024, 1, 2), QTime(3, 9, 0), QTimeZone::utc());
    return b;
}

// The same dict Cinder would build, dumped by Python itself.
QByteArray pythonScript(bool base64)
{
    QByteArray script = R"(import json, base64, sys
d = {"driver_info": {},
 "id": "0b6f3a3e-1111-4222-8333-944455556666", "user_id": "u1", "project_id": "p1",
 "volume_id": "9a2d1c4e-aaaa-4bbb-8ccc-ddddeeeeffff", "host": "backup-host@posix",
 "availability_zone": "nova", "container": "0b/6f/0b6f3a3e-1111-4222-8333-944455556666",
 "parent_id": None, "status": "available", "fail_reason": None, "size": 2,
 "display_name": TRICKY, "display_description": "plain",
 "service_metadata": "volume_9a2d1c4e-aaaa-4bbb-8ccc-ddddeeeeffff_20240102030405_backup_0b6f3a3e-1111-4222-8333-944455556666",
 "service": "cinder.backup.drivers.posix.PosixBackupDriver", "object_count": 41,
 "temp_volume_id": None, "temp_snapshot_id": None, "num_dependent_backups": 3,
 "snapshot_id": None, "data_timestamp": "2024-01-02T03:04:05Z", "restore_volume_id": None,
 "metadata": {"a": "1", "\u00fc": "x\"y"}, "encryption_key_id": None,
 "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:09:00Z",
 "deleted_at": None, "deleted": False}
text = json.dumps(d)
sys.stdout.write(base64.b64encode(text.encode()).decode() if BASE64 else text)
)";
    script.replace("TRICKY", kTrickyPython);
    script.replace("BASE64", base64 ? "True" : "False");
    return script;
}

// Cinder's own Backup object and encode_record() (python3-cinder 21.3.1)
// for the same sample: prints the backup_url Cinder would export.
QByteArray cinderScript()
{
    QByteArray script = R"(import datetime, sys
from cinder import objects
objects.register_all()
utc = datetime.timezone.utc
b = objects.Backup(context=None, id="0b6f3a3e-1111-4222-8333-944455556666", user_id="u1",
 project_id="p1", volume_id="9a2d1c4e-aaaa-4bbb-8ccc-ddddeeeeffff", host="backup-host@posix",
 availability_zone="nova", container="0b/6f/0b6f3a3e-1111-4222-8333-944455556666",
 parent_id=None, status="available", fail_reason=None, size=2, display_name=TRICKY,
 display_description="plain",
 service_metadata="volume_9a2d1c4e-aaaa-4bbb-8ccc-ddddeeeeffff_20240102030405_backup_0b6f3a3e-1111-4222-8333-944455556666",
 service="cinder.backup.drivers.posix.PosixBackupDriver", object_count=41,
 temp_volume_id=None, temp_snapshot_id=None, num_dependent_backups=3, snapshot_id=None,
 data_timestamp=datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=utc),
 restore_volume_id=None, metadata={"a": "1", "\u00fc": "x\"y"}, encryption_key_id=None,
 created_at=datetime.datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=utc),
 updated_at=datetime.datetime(2024, 1, 2, 3, 9, 0, tzinfo=utc), deleted_at=None, deleted=False)
sys.stdout.write(b.encode_record(driver_info={}))
)";
    script.replace("TRICKY", kTrickyPython);
    return script;
}

Backup importOf(const QByteArray& json, const QString& service = QStringLiteral("svc"))
{
    return importRecord({service, QString::fromLatin1(json.toBase64())});
}

QString importError(const BackupRecord& record)
{
    try {
        importRecord(record);
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

const QByteArray kBadSizeRecord =
    R"({"id": "0b6f3a3e-1111-4222-8333-944455550001", "size": "2", "display_name": null, "display_description": null,
                "container": null, "service_metadata": null, "object_count": 0})";
const QByteArray kBadTimeRecord =
    R"({"id": "0b6f3a3e-1111-4222-8333-944455550001", "size": 2, "display_name": null, "display_description": null,
                "container": null, "service_metadata": null, "object_count": 0,
                "created_at": "yesterday"})";
const QByteArray kMinimalRecord =
    R"({"id": "0B6F3A3E-ABCD-4222-8333-94445555000A", "size": 1, "display_name": null, "display_description": null,
                "container": "c", "service_metadata": "p", "object_count": 0,
                "created_at": "2024-05-06 07:08:09.123456+00:00", "status": "available",
                "user_id": "someone", "deleted": true, "fail_reason": "old"})";

} // namespace
