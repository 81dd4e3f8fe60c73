// Faults and scale against a real Swift:
// - the proxy stops in the middle of a backup (tcpgate.py resets every
//   connection and refuses new ones): the engine retries, then fails cleanly,
//   the objects already written are removed once the proxy is back, and
//   through BackupService the catalog row ends `error` with a clear reason;
// - a 64 MiB volume in 1 MiB objects with a listing page of 10 names, so
//   restore and delete page through every listing (counted by faultproxy.py),
//   full + incremental restored byte for byte, deletes leave nothing.
#include "backupservice.h"
#include "catalog.h"
#include "chunkeddriver.h"
#include "swiftbackend.h"
#include "swiftobjectstore.h"
#include "swifttestsupport.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTest>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace ember;
using namespace ember::test;

namespace {

// tests/swift/tcpgate.py: a TCP forwarder that can play a stopped proxy.
class TcpGate : public HelperScript
{
public:
    bool start(const QString& host, int port)
    {
        return startScript(QStringLiteral("tcpgate.py"), {host, QString::number(port)});
    }
};

constexpr qint64 MiB = 1048576;

} // namespace

class TestSwiftFaults : public QObject
{
    Q_OBJECT

private:
    QMap<QString, QString> m_facts;
    QString m_dir;

    BackendConfig config(const QString& authUrl, const QString& container) const
    {
        BackendConfig backend;
        backend.name = QStringLiteral("swift-faults");
        backend.type = QStringLiteral("swift");
        backend.isDefault = true;
        backend.options = QJsonObject{
            {QStringLiteral("backup_swift_auth_url"), authUrl},
            {QStringLiteral("backup_swift_user"), m_facts.value(QStringLiteral("SWIFT_USER"))},
            {QStringLiteral("backup_swift_container"), container},
            {QStringLiteral("backup_swift_object_size"), MiB},
            {QStringLiteral("backup_swift_block_size"), 32768},
            {QStringLiteral("backup_compression_algorithm"), QStringLiteral("zlib")}};
        return backend;
    }
    BackendSecrets secrets() const
    {
        return {{QStringLiteral("backup_swift_key"), m_facts.value(QStringLiteral("SWIFT_KEY"))}};
    }
    SwiftObjectStore directStore(const QString& container) const
    {
        return SwiftObjectStore(SwiftSettings::fromConfig(
            config(m_facts.value(QStringLiteral("SWIFT_AUTH_URL")), container), secrets()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_facts = swiftFacts();
        QVERIFY2(!m_facts.value(QStringLiteral("SWIFT_AUTH_URL")).isEmpty(),
                 "no Swift facts: run through ctest (fixture `swift`) or export the output of "
                 "tests/services/swift.sh start DIR");
        m_dir = freshDir(QStringLiteral("swift-faults"));
    }

    void proxyStoppedDuringBackup()
    {
        const QUrl auth(m_facts.value(QStringLiteral("SWIFT_AUTH_URL")));
        TcpGate gate;
        QVERIFY(gate.start(auth.host(), auth.port()));
        const QString container = QStringLiteral("ember-faults-%1").arg(newUuid().left(8));
        const double backoffSeconds = 1.0;
        BackendConfig backend =
            config(QStringLiteral("http://127.0.0.1:%1/auth/v1.0").arg(gate.port()), container);
        backend.options.insert(QStringLiteral("backup_swift_retry_attempts"), 3);
        backend.options.insert(QStringLiteral("backup_swift_retry_backoff"), backoffSeconds);
        backend.options.insert(QStringLiteral("backup_compression_algorithm"),
                               QStringLiteral("none"));

        Catalog catalog(m_dir + QStringLiteral("/catalog.sqlite"));
        catalog.upsertBackend(backend);
        BackupService service(catalog, [this](const BackendConfig&) { return secrets(); });
        const QString volumePath = m_dir + QStringLiteral("/stopped.img");
        makeVolumeFile(volumePath, 16 * MiB + 4321, Fill::Random, 41);
        const Volume volume = service.addVolume(volumePath, QStringLiteral("stopped-proxy-vol"));

        CreateBackupRequest request;
        request.volume = volume.name;
        request.name = QStringLiteral("interrupted");
        BackupService::PreparedBackup prepared = service.prepareBackup(request);
        const QString backupId = prepared.backup.id;

        // The proxy "stops" once about 5 of the 17 objects have gone up.
        QCOMPARE(gate.command("down-after " + QByteArray::number(5 * MiB)), QByteArray("ok"));
        std::mutex logMutex;
        QStringList logLines;
        OperationControl control;
        control.setLogCallback([&](const QString& line) {
            std::lock_guard lock(logMutex);
            logLines << line;
        });
        std::atomic<bool> finished{false};
        QString failure;
        bool succeeded = false;
        std::thread worker([&] {
            try {
                service.runBackup(prepared, control);
                succeeded = true;
            } catch (const Error& error) {
                failure = error.message();
            }
            finished = true;
        });

        // While it is down: objects written before the stop are in Swift. Once one
        // object has used up its retries (3 logged), its last attempt comes within
        // 1.25 x 4 x backoff; the proxy comes back a little after that, in time for
        // the clean-up (which retries too) but too late to save the backup.
        QElapsedTimer clock;
        clock.start();
        qint64 partialObjects = -1;
        qint64 lastRetryLoggedMs = -1;
        bool broughtBack = false;
        while (!finished && clock.elapsed() < 180000) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (partialObjects < 0 &&
                gate.stats().value(QStringLiteral("state")).toString() == QLatin1String("down"))
                partialObjects = directStore(container).list(container, {}).size();
            if (lastRetryLoggedMs < 0) {
                std::lock_guard lock(logMutex);
                QMap<QString, int> retriesPerObject;
                for (const QString& line : logLines) {
                    if (line.startsWith(QLatin1String("retrying ")) &&
                        ++retriesPerObject[line.section(QLatin1Char(':'), 0, 0)] == 3)
                        lastRetryLoggedMs = clock.elapsed();
                }
            }
            if (!broughtBack && lastRetryLoggedMs >= 0 &&
                clock.elapsed() > lastRetryLoggedMs + qint64(5750 * backoffSeconds)) {
                QCOMPARE(gate.command("up"), QByteArray("ok"));
                broughtBack = true;
            }
        }
        if (!finished)
            control.requestCancel();
        worker.join();
        if (!broughtBack)
            gate.command("up");

        qInfo("%lld objects were in Swift while the proxy was down; the backup failed with: %s",
              partialObjects, qPrintable(failure));
        QVERIFY2(!succeeded, "the backup succeeded although the proxy was down");
        QVERIFY2(broughtBack, "no object used up its retries");
        QCOMPARE(gate.stats().value(QStringLiteral("went_down")).toInt(), 1);
        QVERIFY2(partialObjects >= 2, "the proxy stopped before any object was written");
        {
            std::lock_guard lock(logMutex);
            QVERIFY2(logLines.filter(QStringLiteral("retrying ")).size() >= 3,
                     qPrintable(logLines.join(QLatin1Char('\n'))));
        }
        QVERIFY2(failure.contains(
                     QStringLiteral("cannot connect to Swift at 127.0.0.1:%1").arg(gate.port())),
                 qPrintable(failure));

        // Clean failure: nothing of the backup is left in the container ...
        const std::optional<Backup> row = catalog.backup(backupId);
        QVERIFY(row);
        QVERIFY(!row->serviceMetadata.isEmpty());
        QCOMPARE(directStore(container).list(container, row->serviceMetadata), QStringList());
        QCOMPARE(directStore(container).list(container, {}), QStringList());
        // ... and the catalog says why.
        QCOMPARE(row->status, BackupStatus::Error);
        QVERIFY2(row->failReason.contains(QStringLiteral("cannot connect to Swift")),
                 qPrintable(row->failReason));
        QCOMPARE(catalog.volume(volume.id)->status, VolumeStatus::Available);
        QVERIFY(!catalog.isJobRunning(volume.id));

        // The proxy is back: the next backup of the same volume succeeds.
        BackupService::PreparedBackup again = service.prepareBackup(request);
        OperationControl againControl;
        const Backup done = service.runBackup(again, againControl);
        QCOMPARE(done.status, BackupStatus::Available);
        QCOMPARE(done.objectCount, qint64(17));
        OperationControl deleteControl;
        service.deleteBackup(done.id, false, deleteControl);
        QCOMPARE(directStore(container).list(container, {}), QStringList());
    }

    void largeVolumeManyObjectsPaginated()
    {
        const QUrl auth(m_facts.value(QStringLiteral("SWIFT_AUTH_URL")));
        FaultProxy proxy;
        QVERIFY(proxy.start(QStringLiteral("http://%1:%2").arg(auth.host()).arg(auth.port())));
        const QString container = QStringLiteral("ember-large-%1").arg(newUuid().left(8));
        BackendConfig backend = config(proxy.baseUrl() + auth.path(), container);
        backend.options.insert(QStringLiteral("ember_swift_listing_limit"), 10);
        const std::unique_ptr<BackupDriver> driver = createSwiftDriver(backend, secrets());

        Volume volume;
        volume.id = QStringLiteral("5e1f0c9a-2b7d-4e3a-8c6f-000000064a1b");
        volume.name = QStringLiteral("large-vol");
        volume.path = m_dir + QStringLiteral("/large.img");
        volume.sizeBytes = 64 * MiB;
        makeVolumeFile(volume.path, volume.sizeBytes, Fill::Mixed, 64);

        auto backUp = [&](const std::optional<Backup>& parent) {
            Backup backup;
            backup.id = newUuid();
            backup.volumeId = volume.id;
            backup.parentId = parent ? parent->id : QString();
            backup.createdAt = QDateTime::currentDateTimeUtc();
            auto device = openLocalVolume(volume.path, OpenMode::Read);
            OperationControl control;
            BackupJob job{backup, volume, *device, parent, control};
            driver->backup(job);
            return backup;
        };
        auto restore = [&](const QList<Backup>& chain, const QString& name) {
            const QString target = m_dir + QLatin1Char('/') + name;
            QFile::remove(target);
            createSparseImage(target, volume.sizeBytes);
            auto device = openLocalVolume(target, OpenMode::ReadWrite);
            Volume restored = volume;
            restored.path = target;
            OperationControl control;
            RestoreJob job{chain, restored, *device, control};
            driver->restore(job);
            return target;
        };

        QElapsedTimer clock;
        clock.start();
        const Backup full = backUp(std::nullopt);
        const qint64 backupMs = clock.restart();
        QCOMPARE(full.objectCount, qint64(64));
        // Listing this prefix takes 7 pages of 10 (64 data objects, metadata, sha256file).
        QCOMPARE(directStore(container).list(container, full.serviceMetadata).size(), 66);

        const QString fullState = m_dir + QStringLiteral("/large-full.img");
        QFile::remove(fullState);
        QVERIFY(QFile::copy(volume.path, fullState));
        mutateFile(volume.path, 12, 70000, 65);
        const Backup incremental = backUp(full);
        QVERIFY2(incremental.objectCount >= 5 && incremental.objectCount < 64,
                 qPrintable(QString::number(incremental.objectCount)));

        QCOMPARE(proxy.command("reset"), QByteArray("ok"));
        clock.restart();
        const QString restoredChain =
            restore({full, incremental}, QStringLiteral("large-chain.img"));
        const qint64 restoreMs = clock.elapsed();
        QCOMPARE(compareFiles(volume.path, restoredChain), QString());
        // The restore lists each backup's prefix: at least 7 pages for the full one.
        const int restoreListings = proxy.counter(QStringLiteral("listings"));
        QVERIFY2(restoreListings >= 8, qPrintable(QString::number(restoreListings)));
        QCOMPARE(
            compareFiles(fullState, restore({full}, QStringLiteral("large-full-restored.img"))),
            QString());

        QCOMPARE(proxy.command("reset"), QByteArray("ok"));
        OperationControl control;
        driver->remove(incremental, control);
        driver->remove(full, control);
        QVERIFY(proxy.counter(QStringLiteral("listings")) >= 7 + 1);
        QCOMPARE(directStore(container).list(container, {}), QStringList());
        qInfo("64 MiB through the fault proxy: backup %lld ms, chain restore %lld ms, %d listing "
              "pages on restore",
              backupMs, restoreMs, restoreListings);
        for (const QString& name :
             {QStringLiteral("large-chain.img"), QStringLiteral("large-full-restored.img"),
              QStringLiteral("large-full.img"), QStringLiteral("large.img")})
            QFile::remove(m_dir + QLatin1Char('/') + name);
    }
};

QTEST_GUILESS_MAIN(TestSwiftFaults)
#include "tst_swiftfaults.moc"
