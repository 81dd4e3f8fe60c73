// Export records must be byte-identical to Cinder's (Python json.dumps of
// the Backup fields); checked against the real /usr/bin/python3.
#include "backuprecord.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QTimeZone>

using namespace ember;

#include "recordsamples.h"

class BackupRecordTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonIsByteIdenticalToPython()
    {
        const QByteArray expected = runPython(pythonScript(false));
        QVERIFY(!expected.isEmpty());
        const QByteArray ours = exportRecordJson(sampleBackup());
        QCOMPARE(ours, expected);
    }

    void base64MatchesPythonAndCinderDecodes()
    {
        const BackupRecord record = exportRecord(sampleBackup());
        QCOMPARE(record.backupService,
                 QStringLiteral("cinder.backup.drivers.posix.PosixBackupDriver"));
        QCOMPARE(record.backupUrl.toLatin1(), runPython(pythonScript(true)));
        // Cinder's own decoder reads it back.
        const QByteArray decoded =
            runPython("import sys\nfrom cinder.objects.backup import Backup\n"
                      "d = Backup.decode_record('" +
                      record.backupUrl.toLatin1() +
                      "')\n"
                      "sys.stdout.write(d['id'] + ' ' + str(d['object_count']) + ' ' + "
                      "d['display_name'][:4])\n");
        QCOMPARE(decoded, QByteArray("0b6f3a3e-1111-4222-8333-944455556666 41 caf\xc3\xa9"));
    }

    void urlIsByteIdenticalToCinderEncodeRecord()
    {
        // Cinder's real export code path on the same field values.
        const QByteArray cinder = runPython(cinderScript());
        QVERIFY(!cinder.isEmpty());
        QCOMPARE(exportRecord(sampleBackup()).backupUrl.toLatin1(), cinder);
    }

    void roundTrip()
    {
        const Backup original = sampleBackup();
        const Backup imported = importRecord(exportRecord(original));
        QCOMPARE(imported.id, original.id);
        QCOMPARE(imported.volumeId, original.volumeId);
        QCOMPARE(imported.container, original.container);
        QCOMPARE(imported.parentId, original.parentId);
        QCOMPARE(imported.size, original.size);
        QCOMPARE(imported.displayName, original.displayName);
        QCOMPARE(imported.displayDescription, original.displayDescription);
        QCOMPARE(imported.serviceMetadata, original.serviceMetadata);
        QCOMPARE(imported.objectCount, original.objectCount);
        QCOMPARE(imported.numDependentBackups, original.numDependentBackups);
        QCOMPARE(imported.metadata, original.metadata);
        // Seconds precision, like Cinder's record.
        QCOMPARE(imported.createdAt, original.createdAt.addMSecs(-123));
        QCOMPARE(imported.dataTimestamp, original.dataTimestamp.addMSecs(-678));
        // Dropped or overwritten by import.
        QCOMPARE(imported.status, BackupStatus::Creating);
        QCOMPARE(imported.service, original.service);
        QVERIFY(imported.userId.isEmpty());
        QVERIFY(imported.projectId.isEmpty());
        QVERIFY(!imported.deleted);
    }

    void importRefusals()
    {
        QCOMPARE(importError({QStringLiteral("svc"), QStringLiteral("not base64!!")}),
                 QStringLiteral("Can't decode backup record: the URL is not valid Base64."));
        QCOMPARE(importError({QString(), QString::fromLatin1(QByteArray("{}").toBase64())}),
                 QStringLiteral("The backup service of the record is empty: give the driver "
                                "path, e.g. cinder.backup.drivers.posix.PosixBackupDriver."));
        QVERIFY(importError({QStringLiteral("svc"),
                             QString::fromLatin1(QByteArray("{\"id\": ").toBase64())})
                    .startsWith(QStringLiteral("Can't parse backup record:")));
        QCOMPARE(importError(
                     {QStringLiteral("svc"),
                      QString::fromLatin1(QByteArray("{\"id\": \"x\", \"size\": 1}").toBase64())}),
                 QStringLiteral("The backup record is missing required fields: display_name, "
                                "display_description, container, service_metadata, object_count."));
        const QByteArray badSize = kBadSizeRecord;
        QCOMPARE(importError({QStringLiteral("svc"), QString::fromLatin1(badSize.toBase64())}),
                 QStringLiteral("The backup record's size must be a whole number from 0 to 2^53."));
        const QByteArray badTime = kBadTimeRecord;
        QCOMPARE(
            importError({QStringLiteral("svc"), QString::fromLatin1(badTime.toBase64())}),
            QStringLiteral("The backup record's created_at is not a valid time: 'yesterday'."));
    }

    // Inputs the record fuzzer found (tests/fuzz/corpus/record_json/regression-*).
    void fuzzerFindingsStayFixed()
    {
        auto seed = [](const char* name) {
            QFile file(qEnvironmentVariable("EMBER_SOURCE_DIR") +
                       QStringLiteral("/tests/fuzz/corpus/record_json/") +
                       QString::fromLatin1(name));
            if (!file.open(QIODevice::ReadOnly))
                qFatal("missing seed %s", name);
            return BackupRecord{QStringLiteral("cinder.backup.drivers.posix.PosixBackupDriver"),
                                QString::fromLatin1(file.readAll().toBase64())};
        };
        // 1e19 used to become a negative size (UB in the double-to-int cast).
        QVERIFY_THROWS_EXCEPTION(Error, importRecord(seed("regression-size-1e19.json")));
        // An offset carried created_at before year 1, which no record can hold.
        QVERIFY_THROWS_EXCEPTION(Error,
                                 importRecord(seed("regression-created-at-before-year-1.json")));
        // Integers above 2^53 in metadata came back rounded; Python keeps them.
        const Backup imported = importRecord(seed("regression-metadata-integer-above-2-53.json"));
        QVERIFY2(exportRecordJson(imported).contains("12345678901234567"),
                 exportRecordJson(imported).constData());
    }

    // Ids become file and object names: only canonical UUIDs pass.
    void importRefusesIdsThatAreNotUuids_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("id with path") << "id"
                                      << "../../../../tmp/evil";
        QTest::newRow("id absolute") << "id"
                                     << "/etc/passwd";
        QTest::newRow("id short") << "id"
                                  << "0b6f3a3e-1111-4222-8333-94445555";
        QTest::newRow("id no dashes") << "id"
                                      << "0b6f3a3e111142228333944455556666";
        QTest::newRow("id non-hex") << "id"
                                    << "0b6f3a3e-1111-4222-8333-94445555zzzz";
        QTest::newRow("id dash moved") << "id"
                                       << "0b6f3a3e1-111-4222-8333-944455556666";
        QTest::newRow("id trailing") << "id"
                                     << "0b6f3a3e-1111-4222-8333-944455556666/..";
        QTest::newRow("id empty") << "id"
                                  << "";
        QTest::newRow("parent with path") << "parent_id"
                                          << "../x";
        QTest::newRow("volume with path") << "volume_id"
                                          << "volume/../../x";
    }
    void importRefusesIdsThatAreNotUuids()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QJsonObject json = QJsonDocument::fromJson(kMinimalRecord).object();
        json[key] = value;
        const QString error = importError(
            {QStringLiteral("svc"),
             QString::fromLatin1(QJsonDocument(json).toJson(QJsonDocument::Compact).toBase64())});
        QVERIFY2(error.startsWith(QStringLiteral("The backup record's %1 must be a UUID").arg(key)),
                 qPrintable(error));
    }

    void importKeepsUuidsAndNullParents()
    {
        QJsonObject json = QJsonDocument::fromJson(kMinimalRecord).object();
        json[QStringLiteral("parent_id")] = QStringLiteral("0B6F3A3E-1111-4222-8333-944455556666");
        json[QStringLiteral("volume_id")] = QStringLiteral("1b6f3a3e-1111-4222-8333-944455556666");
        Backup imported = importOf(QJsonDocument(json).toJson(QJsonDocument::Compact));
        QCOMPARE(imported.parentId, QStringLiteral("0b6f3a3e-1111-4222-8333-944455556666"));
        QCOMPARE(imported.volumeId, QStringLiteral("1b6f3a3e-1111-4222-8333-944455556666"));
        json[QStringLiteral("parent_id")] = QJsonValue::Null;
        imported = importOf(QJsonDocument(json).toJson(QJsonDocument::Compact));
        QVERIFY(imported.parentId.isEmpty());
    }

    void importMinimalRecord()
    {
        const QByteArray minimal = kMinimalRecord;
        const Backup imported = importOf(minimal);
        QCOMPARE(imported.id, QStringLiteral("0b6f3a3e-abcd-4222-8333-94445555000a"));
        QCOMPARE(imported.volumeId, QStringLiteral("00000000-0000-0000-0000-000000000000"));
        QCOMPARE(imported.status, BackupStatus::Creating);
        QVERIFY(imported.userId.isEmpty());
        QVERIFY(imported.failReason.isEmpty());
        QVERIFY(!imported.deleted);
        QCOMPARE(imported.createdAt,
                 QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9, 123), QTimeZone::utc()));
        QCOMPARE(imported.dataTimestamp, imported.createdAt);
    }

    void records()
    {
        QCOMPARE(toString(VolumeKind::File), QStringLiteral("file"));
        QCOMPARE(toString(VolumeKind::BlockDevice), QStringLiteral("block"));
        QCOMPARE(toString(VolumeKind::Rbd), QStringLiteral("rbd"));
        for (VolumeKind kind : {VolumeKind::File, VolumeKind::BlockDevice, VolumeKind::Rbd})
            QVERIFY(volumeKindFromString(toString(kind)) == kind);
        QVERIFY_THROWS_EXCEPTION(Error, volumeKindFromString(QStringLiteral("tape")));
        QCOMPARE(BackupStatus::all().size(), 7);
        QVERIFY(BackupStatus::all().contains(QStringLiteral("error_deleting")));

        const QString uuid = newUuid();
        QVERIFY(
            QRegularExpression(
                QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))
                .match(uuid)
                .hasMatch());
        QVERIFY(newUuid() != uuid);

        const QDateTime time(QDate(2024, 1, 2), QTime(3, 4, 5, 999), QTimeZone::utc());
        QCOMPARE(cinderIsoTime(time), QStringLiteral("2024-01-02T03:04:05Z"));
        QCOMPARE(cinderIsoTime(time.toOffsetFromUtc(3600)), QStringLiteral("2024-01-02T03:04:05Z"));
        QVERIFY(cinderIsoTime(QDateTime()).isEmpty());

        const QDateTime whole(QDate(2024, 1, 2), QTime(3, 4, 5), QTimeZone::utc());
        QCOMPARE(parseCinderTime(QStringLiteral("2024-01-02T03:04:05Z")), whole);
        QCOMPARE(parseCinderTime(QStringLiteral("2024-01-02T03:04:05.250000Z")),
                 whole.addMSecs(250));
        QCOMPARE(parseCinderTime(QStringLiteral("2024-01-02 03:04:05+00:00")), whole);
        QCOMPARE(parseCinderTime(QStringLiteral("2024-01-02 03:04:05.5+00:00")),
                 whole.addMSecs(500));
        QCOMPARE(parseCinderTime(QStringLiteral("2024-01-02 05:04:05+02:00")), whole);
        QCOMPARE(parseCinderTime(QStringLiteral("2024-01-02T03:04:05")), whole);
        QVERIFY(!parseCinderTime(QStringLiteral("2024-13-02T03:04:05Z")).isValid());
        QVERIFY(!parseCinderTime(QStringLiteral("soon")).isValid());
    }
};

QTEST_GUILESS_MAIN(BackupRecordTest)
#include "test_backuprecord.moc"
