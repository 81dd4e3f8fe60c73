// Cinder's chunked format in a real Swift through the registry's driver
// (createSwiftDriver -> ChunkedBackupDriver over SwiftObjectStore): full and
// incremental backups of a file volume, restores compared byte for byte,
// 503 bursts retried by the engine, a corrupted upload refused and cleaned
// up, deletes that leave nothing behind.
#include "chunkeddriver.h"
#include "swiftbackend.h"
#include "swiftobjectstore.h"
#include "swifttestsupport.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace ember;
using namespace ember::test;

class TestSwiftEngine : public QObject
{
    Q_OBJECT

private:
    QMap<QString, QString> m_facts;
    QString m_container;
    QString m_dir;
    FaultProxy m_proxy;
    Volume m_volume;

    BackendConfig config(bool throughProxy) const
    {
        QString authUrl = m_facts.value(QStringLiteral("SWIFT_AUTH_URL"));
        if (throughProxy)
            authUrl = m_proxy.baseUrl() + QUrl(authUrl).path();
        return swiftTestBackend(m_facts, QStringLiteral("swift-engine-test"), authUrl, m_container,
                                QStringLiteral("zlib"));
    }
    BackendSecrets secrets() const { return swiftTestSecrets(m_facts); }
    SwiftObjectStore directStore() const
    {
        return SwiftObjectStore(SwiftSettings::fromConfig(config(false), secrets()));
    }

    Backup backUp(BackupDriver& driver, const QString& path, const std::optional<Backup>& parent)
    {
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = m_volume.id;
        backup.parentId = parent ? parent->id : QString();
        backup.createdAt = QDateTime::currentDateTimeUtc();
        backup.displayName = QStringLiteral("swift engine test");
        auto device = openLocalVolume(path, OpenMode::Read);
        OperationControl control;
        BackupJob job{backup, m_volume, *device, parent, control};
        driver.backup(job);
        return backup;
    }

    QString restore(BackupDriver& driver, const QList<Backup>& chain, const QString& name)
    {
        const QString target = m_dir + QLatin1Char('/') + name;
        QFile::remove(target);
        createSparseImage(target, m_volume.sizeBytes);
        auto device = openLocalVolume(target, OpenMode::ReadWrite);
        Volume volume = m_volume;
        volume.path = target;
        OperationControl control;
        RestoreJob job{chain, volume, *device, control};
        driver.restore(job);
        return target;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_facts = swiftFacts();
        REQUIRE_SWIFT_FACTS(m_facts);
        m_container = QStringLiteral("ember-engine-%1").arg(newUuid().left(8));
        m_dir = freshDir(QStringLiteral("swift-engine"));
        const QUrl auth(m_facts.value(QStringLiteral("SWIFT_AUTH_URL")));
        QVERIFY(m_proxy.start(QStringLiteral("http://%1:%2").arg(auth.host()).arg(auth.port())));
        m_volume.id = QStringLiteral("7d3c6a10-5b2e-4c1f-9a8b-0c1d2e3f4a5b");
        m_volume.name = QStringLiteral("swift-vol");
        m_volume.path = m_dir + QStringLiteral("/source.img");
        m_volume.sizeBytes = 6 * 1048576 + 12345; // not a multiple of block or object size
        makeVolumeFile(m_volume.path, m_volume.sizeBytes, Fill::Mixed, 17);
    }

    void cleanupTestCase()
    {
        if (m_container.isEmpty() || m_facts.isEmpty())
            return;
        SwiftObjectStore store = directStore();
        for (const QString& name : store.list(m_container, {}))
            store.remove(m_container, name);
    }

    void fullAndIncrementalRoundTrip()
    {
        const std::unique_ptr<BackupDriver> driver = createSwiftDriver(config(false), secrets());
        QCOMPARE(driver->serviceName(),
                 QStringLiteral("cinder.backup.drivers.swift.SwiftBackupDriver"));
        const Backup full = backUp(*driver, m_volume.path, std::nullopt);
        QCOMPARE(full.container, m_container);
        QVERIFY2(
            QRegularExpression(
                QStringLiteral("^volume_%1/\\d{14}/az_nova_backup_%2$").arg(m_volume.id, full.id))
                .match(full.serviceMetadata)
                .hasMatch(),
            qPrintable(full.serviceMetadata));
        QCOMPARE(full.objectCount, qint64(7)); // 6 MiB + 12345 bytes in 1 MiB objects

        SwiftObjectStore store = directStore();
        QStringList expected;
        for (int i = 1; i <= 7; ++i)
            expected << full.serviceMetadata +
                            QStringLiteral("-%1").arg(i, 5, 10, QLatin1Char('0'));
        expected << full.serviceMetadata + QStringLiteral("_metadata")
                 << full.serviceMetadata + QStringLiteral("_sha256file");
        expected.sort();
        QCOMPARE(store.list(m_container, full.serviceMetadata), expected);
        const QJsonObject metadata =
            QJsonDocument::fromJson(
                store.getAll(m_container, full.serviceMetadata + QStringLiteral("_metadata")))
                .object();
        QCOMPARE(metadata.value(QStringLiteral("backup_id")).toString(), full.id);
        QCOMPARE(metadata.value(QStringLiteral("objects")).toArray().size(), 7);

        const QString restoredFull = restore(*driver, {full}, QStringLiteral("restored-full.img"));
        QCOMPARE(compareFiles(m_volume.path, restoredFull), QString());

        const QString original = m_dir + QStringLiteral("/original.img");
        QFile::remove(original);
        QVERIFY(QFile::copy(m_volume.path, original));
        mutateFile(m_volume.path, 3, 5000, 99);
        QVERIFY(!compareFiles(m_volume.path, original).isEmpty());
        const Backup incremental = backUp(*driver, m_volume.path, full);
        QVERIFY(incremental.objectCount >= 1 && incremental.objectCount <= 3);
        const QString restoredChain =
            restore(*driver, {full, incremental}, QStringLiteral("restored-chain.img"));
        QCOMPARE(compareFiles(m_volume.path, restoredChain), QString());
        // The full backup alone still gives the old content.
        QCOMPARE(compareFiles(original, restore(*driver, {full}, QStringLiteral("again.img"))),
                 QString());

        OperationControl control;
        driver->remove(incremental, control);
        driver->remove(full, control);
        QVERIFY(store.list(m_container, full.serviceMetadata).isEmpty());
        QVERIFY(store.list(m_container, incremental.serviceMetadata).isEmpty());
    }

    void cindersDefaultObjectSize()
    {
        // 50 MiB objects (backup_swift_object_size's default): two whole objects and a tail.
        Volume big = m_volume;
        big.id = QStringLiteral("7d3c6a10-5b2e-4c1f-9a8b-00000000b16e");
        big.path = m_dir + QStringLiteral("/big.img");
        big.sizeBytes = 2 * 52428800 + 3 * 1048576 + 4321;
        makeVolumeFile(big.path, big.sizeBytes, Fill::Mixed, 23);
        BackendConfig backend = config(false);
        backend.options.remove(QStringLiteral("backup_swift_object_size"));
        backend.options.remove(QStringLiteral("backup_swift_block_size"));
        const std::unique_ptr<BackupDriver> driver = createSwiftDriver(backend, secrets());
        std::swap(m_volume, big);
        QElapsedTimer clock;
        clock.start();
        const Backup backup = backUp(*driver, m_volume.path, std::nullopt);
        const qint64 backupMs = std::max<qint64>(1, clock.restart());
        QCOMPARE(backup.objectCount, qint64(3));
        const QString restored = restore(*driver, {backup}, QStringLiteral("big-restored.img"));
        const qint64 restoreMs = std::max<qint64>(1, clock.elapsed());
        QCOMPARE(compareFiles(m_volume.path, restored), QString());
        qInfo("%lld MiB: backup %.1f MiB/s, restore %.1f MiB/s (stored %lld bytes)",
              m_volume.sizeBytes >> 20, (m_volume.sizeBytes / 1048576.0) / (backupMs / 1000.0),
              (m_volume.sizeBytes / 1048576.0) / (restoreMs / 1000.0), backup.storedBytes);
        OperationControl control;
        driver->remove(backup, control);
        QVERIFY(directStore().list(m_container, backup.serviceMetadata).isEmpty());
        std::swap(m_volume, big);
        QFile::remove(big.path);
        QFile::remove(restored);
    }

    void burstOf503DuringBackupIsRetried()
    {
        QCOMPARE(m_proxy.command("reset"), QByteArray("ok"));
        const std::unique_ptr<BackupDriver> driver = createSwiftDriver(config(true), secrets());
        QCOMPARE(m_proxy.command("fail 503 3 PUT"), QByteArray("ok"));
        const Backup backup = backUp(*driver, m_volume.path, std::nullopt);
        QCOMPARE(m_proxy.counter(QStringLiteral("injected_failures")), 3);
        QCOMPARE(m_proxy.command("fail 503 2 GET"), QByteArray("ok"));
        const QString restored = restore(*driver, {backup}, QStringLiteral("after-503.img"));
        QCOMPARE(compareFiles(m_volume.path, restored), QString());
        QCOMPARE(m_proxy.counter(QStringLiteral("injected_failures")), 5);
        OperationControl control;
        driver->remove(backup, control);
        QVERIFY(directStore().list(m_container, backup.serviceMetadata).isEmpty());
    }

    void corruptedUploadFailsAndLeavesNothing()
    {
        QCOMPARE(m_proxy.command("reset"), QByteArray("ok"));
        const std::unique_ptr<BackupDriver> driver = createSwiftDriver(config(true), secrets());
        QCOMPARE(m_proxy.command("corrupt 1"), QByteArray("ok"));
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = m_volume.id;
        backup.createdAt = QDateTime::currentDateTimeUtc();
        auto device = openLocalVolume(m_volume.path, OpenMode::Read);
        OperationControl control;
        BackupJob job{backup, m_volume, *device, std::nullopt, control};
        QString message;
        try {
            driver->backup(job);
        } catch (const Error& error) {
            message = error.message();
        }
        QVERIFY2(message.contains(QStringLiteral("MD5")) &&
                     message.contains(backup.serviceMetadata),
                 qPrintable(message));
        QCOMPARE(m_proxy.counter(QStringLiteral("corrupted")), 1);
        QVERIFY(!backup.serviceMetadata.isEmpty());
        QVERIFY(directStore().list(m_container, backup.serviceMetadata).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSwiftEngine)
#include "tst_swiftengine.moc"
