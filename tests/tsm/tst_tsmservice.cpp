// A TSM backend configured in the catalog and used through BackupService:
// the registry builds the TSM driver, the service records its rows, and the
// dsmc emulator plays the server.
#include "backupservice.h"
#include "catalog.h"
#include "operation.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace ember;

namespace {

const QString Emulator = QStringLiteral(DSMC_EMULATOR_PATH);
const QString ServerPassword = QStringLiteral("service-test-pw");

void writeRandomFile(const QString& path, qint64 size, quint32 seed)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QRandomGenerator random(seed);
    QByteArray block(1 << 16, Qt::Uninitialized);
    for (qint64 written = 0; written < size;) {
        const qint64 n = std::min<qint64>(block.size(), size - written);
        random.fillRange(reinterpret_cast<quint32*>(block.data()), block.size() / 4);
        QCOMPARE(file.write(block.constData(), n), n);
        written += n;
    }
}

QByteArray sha256Of(const QString& path, qint64 length)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(file.read(length));
    return hash.result().toHex();
}

} // namespace

class TsmServiceTest : public QObject
{
    Q_OBJECT

private:
    QString m_root;
    QString m_store;

    int storedObjects() const
    {
        return int(QDir(m_store + QStringLiteral("/objects"))
                       .entryList({QStringLiteral("*.json")}, QDir::Files)
                       .size());
    }

    // The emulated TSM backend both service slots use, and its password.
    BackendConfig tapeBackend() const
    {
        BackendConfig backend;
        backend.name = QStringLiteral("tape");
        backend.type = QStringLiteral("tsm");
        backend.options.insert(QStringLiteral("ember_tsm_dsmc_path"), Emulator);
        backend.options.insert(QStringLiteral("ember_tsm_image_link_dir"),
                               m_root + QStringLiteral("/links"));
        return backend;
    }
    static BackendSecrets tapeSecrets(const BackendConfig&)
    {
        return BackendSecrets{{QStringLiteral("backup_tsm_password"), ServerPassword}};
    }

private Q_SLOTS:
    void init()
    {
        const QString base = qEnvironmentVariableIsSet("EMBER_TEST_TMP")
                                 ? qEnvironmentVariable("EMBER_TEST_TMP")
                                 : QDir::tempPath() + QStringLiteral("/ember-tst-tsmservice");
        m_root = base + u'/' + QString::fromLatin1(QTest::currentTestFunction());
        QDir(m_root).removeRecursively();
        m_store = m_root + QStringLiteral("/server");
        QVERIFY(QDir().mkpath(m_store));
        QVERIFY(QDir().mkpath(m_root + QStringLiteral("/links")));
        QFile server(m_store + QStringLiteral("/server.json"));
        QVERIFY(server.open(QIODevice::WriteOnly));
        server.write(
            QJsonDocument(QJsonObject{{QStringLiteral("password"), ServerPassword}}).toJson());
        server.close();
        qputenv("DSMC_EMULATOR_STORE", QFile::encodeName(m_store));
        qputenv("EMBER_HOME", QFile::encodeName(m_root + QStringLiteral("/home")));
        qunsetenv("DSMC_EMULATOR_FAULT");
    }

    void backupRestoreDeleteThroughTheService()
    {
        Catalog catalog(m_root + QStringLiteral("/catalog.sqlite"));
        const BackendConfig backend = tapeBackend();
        catalog.upsertBackend(backend);
        BackupService service(catalog, tapeSecrets);

        const QString source = m_root + QStringLiteral("/volume.img");
        const qint64 size = 6 * 1024 * 1024 + 512;
        writeRandomFile(source, size, 7);
        const Volume volume = service.addVolume(source, QStringLiteral("vol1"));

        OperationControl control;
        CreateBackupRequest request;
        request.volume = volume.id;
        request.backend = backend.name;
        request.name = QStringLiteral("nightly");
        auto prepared = service.prepareBackup(request);
        const Backup backup = service.runBackup(prepared, control);
        QCOMPARE(backup.status, BackupStatus::Available);
        QCOMPARE(backup.service, QStringLiteral("cinder.backup.drivers.tsm.TSMBackupDriver"));
        QCOMPARE(backup.serviceMetadata,
                 QStringLiteral("{\"backup_mode\": \"file\", \"backup_path\": \"%1/backup-%2\"}")
                     .arg(m_root, backup.id));
        QCOMPARE(catalog.backup(backup.id)->serviceMetadata, backup.serviceMetadata);
        QCOMPARE(storedObjects(), 1);

        // Every TSM backup is full: an incremental is refused up front.
        CreateBackupRequest incremental = request;
        incremental.incremental = true;
        try {
            service.prepareBackup(incremental);
            QFAIL("an incremental on TSM must be refused");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("--incremental")),
                     qPrintable(error.message()));
            QVERIFY2(error.message().contains(backend.name), qPrintable(error.message()));
        }

        RestoreRequest restore;
        restore.backup = backup.id;
        restore.newVolumeName = QStringLiteral("restored");
        restore.newVolumePath = m_root + QStringLiteral("/restored.img");
        auto preparedRestore = service.prepareRestore(restore);
        const Volume restored = service.runRestore(preparedRestore, control);
        QCOMPARE(sha256Of(restored.path, size), sha256Of(source, size));
        QVERIFY(QDir(m_root)
                    .entryList({QStringLiteral("backup-*")}, QDir::System | QDir::Files)
                    .isEmpty());

        service.deleteBackup(backup.id, false, control);
        QCOMPARE(storedObjects(), 0);
        QVERIFY(!catalog.backup(backup.id).has_value());
    }

    // TSM checks a backup only as a whole (the server lists the object; its
    // content cannot be read in parts): a sample becomes a whole verification
    // and the log says so; the result is recorded as 100%.
    void sampledVerifyFallsBackToTheWholeBackup()
    {
        Catalog catalog(m_root + QStringLiteral("/catalog.sqlite"));
        const BackendConfig backend = tapeBackend();
        catalog.upsertBackend(backend);
        BackupService service(catalog, tapeSecrets);
        const QString source = m_root + QStringLiteral("/volume.img");
        writeRandomFile(source, 2 * 1024 * 1024, 9);
        const Volume volume = service.addVolume(source, QStringLiteral("vol1"));
        OperationControl control;
        CreateBackupRequest request;
        request.volume = volume.id;
        request.backend = backend.name;
        auto prepared = service.prepareBackup(request);
        const Backup backup = service.runBackup(prepared, control);

        QStringList log;
        OperationControl verifying;
        verifying.setLogCallback([&](const QString& line) { log.append(line); });
        const VerifyReport report = service.verifyBackup(backup.id, verifying, 25);
        QVERIFY2(report.problems.isEmpty(), qPrintable(report.problems.join('\n')));
        QCOMPARE(report.objectsChecked, qint64(1));
        QVERIFY2(log.join('\n').contains(QStringLiteral("verifies whole backups only")),
                 qPrintable(log.join('\n')));
        const std::optional<VerifyResult> result = catalog.verifyResult(backup.id);
        QVERIFY(result);
        QVERIFY(result->ok);
        QCOMPARE(result->samplePercent, 100);
        QCOMPARE(result->objectsChecked, qint64(1));
        QVERIFY(catalog.verifiedObjects(backup.id).isEmpty());
    }

    void failedBackupRecordsTheReason()
    {
        qputenv("DSMC_EMULATOR_FAULT", "fail-midway");
        Catalog catalog(m_root + QStringLiteral("/catalog.sqlite"));
        BackendConfig backend;
        backend.name = QStringLiteral("tape");
        backend.type = QStringLiteral("tsm");
        backend.options.insert(QStringLiteral("ember_tsm_dsmc_path"), Emulator);
        catalog.upsertBackend(backend);
        BackupService service(catalog, [](const BackendConfig&) {
            return BackendSecrets{{QStringLiteral("backup_tsm_password"), ServerPassword}};
        });
        const QString source = m_root + QStringLiteral("/volume.img");
        writeRandomFile(source, 2 * 1024 * 1024, 8);
        const Volume volume = service.addVolume(source, QStringLiteral("vol1"));
        CreateBackupRequest request;
        request.volume = volume.id;
        request.backend = backend.name;
        auto prepared = service.prepareBackup(request);
        const QString id = prepared.backup.id;
        OperationControl control;
        QVERIFY_THROWS_EXCEPTION(Error, service.runBackup(prepared, control));
        const std::optional<Backup> row = catalog.backup(id);
        QVERIFY(row.has_value());
        QCOMPARE(row->status, BackupStatus::Error);
        QVERIFY2(row->failReason.contains(QStringLiteral("ANS1301E")), qPrintable(row->failReason));
        QCOMPARE(storedObjects(), 0);
        QCOMPARE(catalog.volume(volume.id)->status, VolumeStatus::Available);
    }
};

QTEST_GUILESS_MAIN(TsmServiceTest)
#include "tst_tsmservice.moc"
