// Cinder's chunked format in Ceph's radosgw (fixture "rgw") through the
// registry's createDriver (type "s3"): a full and two incremental backups
// restored byte for byte for every compression Ember writes, and a volume of
// a few hundred small objects whose restore and delete page through short
// listings (counted by tests/swift/faultproxy.py --s3 in front of radosgw).
// What is in the bucket is checked from outside Ember, with boto3.
#include "backendregistry.h"
#include "s3testenv.h"
#include "swifttestsupport.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace ember;
using namespace ember::test;

namespace {

constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * KiB;

// faultproxy.py with --s3: the Host header goes upstream unchanged (Signature V4).
class S3FaultProxy : public HelperScript
{
public:
    bool start(const QString& upstreamBase)
    {
        return startScript(QStringLiteral("faultproxy.py"), {upstreamBase, QStringLiteral("--s3")});
    }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }
    int counter(const QString& name) { return stats().value(name).toInt(); }
};

} // namespace

class TestS3Engine : public QObject
{
    Q_OBJECT

private:
    S3Env m_env;
    QString m_dir;
    QStringList m_buckets; // dropped at the end, whatever happened

    QString newBucket(const QString& slot)
    {
        const QString bucket = S3Env::uniqueBucket(slot);
        m_buckets << bucket;
        return bucket;
    }

    static Backup backUp(BackupDriver& driver, const Volume& volume,
                         const std::optional<Backup>& parent)
    {
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = volume.id;
        backup.parentId = parent ? parent->id : QString();
        backup.createdAt = QDateTime::currentDateTimeUtc();
        backup.displayName = QStringLiteral("s3 engine test");
        auto device = openLocalVolume(volume.path, OpenMode::Read);
        OperationControl control;
        BackupJob job{backup, volume, *device, parent, control};
        driver.backup(job);
        return backup;
    }

    QString restore(BackupDriver& driver, const Volume& volume, const QList<Backup>& chain,
                    const QString& name) const
    {
        const QString target = m_dir + QLatin1Char('/') + name;
        QFile::remove(target);
        createSparseImage(target, volume.sizeBytes);
        auto device = openLocalVolume(target, OpenMode::ReadWrite);
        Volume restored = volume;
        restored.path = target;
        OperationControl control;
        RestoreJob job{chain, restored, *device, control};
        driver.restore(job);
        return target;
    }

    QString copyOf(const QString& path, const QString& name) const
    {
        const QString copy = m_dir + QLatin1Char('/') + name;
        QFile::remove(copy);
        if (!QFile::copy(path, copy))
            return {};
        return copy;
    }

    // Every key in the bucket, read with boto3; fails the test on a boto3 error.
    QStringList keysIn(const QString& bucket) const
    {
        const Boto3Result result = m_env.keysIn(bucket);
        if (!result.ok())
            qWarning("%s", result.describe().constData());
        QStringList keys;
        for (const QJsonValue& key : result.json().toArray())
            keys << key.toString();
        return keys;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_env = S3Env::load();
        QVERIFY2(m_env.error.isEmpty(), qPrintable(m_env.error));
        m_dir = freshDir(QStringLiteral("s3-engine"));
        QVERIFY2(findBackendType(QStringLiteral("s3")), "no backend type \"s3\" in the registry");
    }

    void cleanupTestCase()
    {
        for (const QString& bucket : std::as_const(m_buckets)) {
            const Boto3Result dropped = m_env.dropBucket(bucket);
            if (!dropped.ok())
                qWarning("cleanup of %s: %s", qPrintable(bucket), dropped.describe().constData());
        }
    }

    void chainPerCompression_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::addColumn<QString>("tag"); // what _metadata records per object
        QTest::newRow("none") << QStringLiteral("none") << QStringLiteral("none");
        QTest::newRow("zlib") << QStringLiteral("zlib") << QStringLiteral("zlib");
        QTest::newRow("bz2") << QStringLiteral("bz2") << QStringLiteral("bz2");
        QTest::newRow("zstd") << QStringLiteral("zstd") << QStringLiteral("zstd");
    }

    void chainPerCompression()
    {
        failOnError([&] {
            QFETCH(QString, compression);
            QFETCH(QString, tag);
            const QString bucket = newBucket(QStringLiteral("engine-") + compression);
            const BackendConfig config =
                m_env.backend(QStringLiteral("s3-engine-") + compression, bucket, compression);
            const std::unique_ptr<BackupDriver> driver = createDriver(config, m_env.secrets());
            QVERIFY(driver);
            QCOMPARE(driver->serviceName(),
                     QStringLiteral("cinder.backup.drivers.s3.S3BackupDriver"));

            Volume volume;
            volume.id = QStringLiteral("3b1f9e20-6c4d-4a7e-8f10-00000000053e");
            volume.name = QStringLiteral("s3-vol-") + compression;
            volume.path = m_dir + QStringLiteral("/source-%1.img").arg(compression);
            volume.sizeBytes = 3 * MiB + 12345; // not a multiple of block or object size
            makeVolumeFile(volume.path, volume.sizeBytes, Fill::Mixed, 53);

            // full: 4 objects of 1 MiB (the last one short); the bucket is created by the backup
            const Backup full = backUp(*driver, volume, std::nullopt);
            QCOMPARE(full.container, bucket);
            QVERIFY2(QRegularExpression(QStringLiteral("^volume_%1/\\d{14}/az_[^/]+_backup_%2$")
                                            .arg(volume.id, full.id))
                         .match(full.serviceMetadata)
                         .hasMatch(),
                     qPrintable(full.serviceMetadata));
            QCOMPARE(full.objectCount, qint64(4));
            QStringList expected;
            for (int i = 1; i <= 4; ++i)
                expected << full.serviceMetadata +
                                QStringLiteral("-%1").arg(i, 5, 10, QLatin1Char('0'));
            expected << full.serviceMetadata + QStringLiteral("_metadata")
                     << full.serviceMetadata + QStringLiteral("_sha256file");
            expected.sort();
            QCOMPARE(keysIn(bucket), expected);
            // _metadata as boto3 reads it: Cinder's JSON, every object with our compression tag
            const Boto3Result metadata = m_env.boto3(
                QStringLiteral("print(s3.get_object(Bucket=argv[0], Key=argv[1])['Body'].read()"
                               ".decode())"),
                {bucket, full.serviceMetadata + QStringLiteral("_metadata")});
            QVERIFY2(metadata.ok(), metadata.describe().constData());
            const QJsonObject metadataJson = QJsonDocument::fromJson(metadata.out).object();
            QCOMPARE(metadataJson.value(QStringLiteral("backup_id")).toString(), full.id);
            const QJsonArray objects = metadataJson.value(QStringLiteral("objects")).toArray();
            QCOMPARE(objects.size(), 4);
            for (const QJsonValue& entry : objects) {
                const QJsonObject object = entry.toObject().begin()->toObject();
                const QJsonValue recorded = object.value(QStringLiteral("compression"));
                // Cinder writes null for uncompressed objects
                QVERIFY2(recorded.toString(QStringLiteral("none")) == tag,
                         qPrintable(QJsonDocument(object).toJson(QJsonDocument::Compact)));
            }
            const QString fullState =
                copyOf(volume.path, QStringLiteral("full-%1.img").arg(compression));
            QVERIFY(!fullState.isEmpty());

            mutateFile(volume.path, 3, 5000, 54);
            QVERIFY(!compareFiles(volume.path, fullState).isEmpty());
            const Backup first = backUp(*driver, volume, full);
            QVERIFY2(first.objectCount >= 1 && first.objectCount <= 3,
                     qPrintable(QString::number(first.objectCount)));
            const QString firstState =
                copyOf(volume.path, QStringLiteral("incr1-%1.img").arg(compression));

            mutateFile(volume.path, 2, 70000, 55);
            const Backup second = backUp(*driver, volume, first);
            QVERIFY2(second.objectCount >= 1 && second.objectCount <= 4,
                     qPrintable(QString::number(second.objectCount)));
            QCOMPARE(keysIn(bucket).size(),
                     int(full.objectCount + first.objectCount + second.objectCount + 6));

            // every point of the chain, byte for byte
            QCOMPARE(
                compareFiles(fullState, restore(*driver, volume, {full},
                                                QStringLiteral("r-full-%1.img").arg(compression))),
                QString());
            QCOMPARE(compareFiles(firstState,
                                  restore(*driver, volume, {full, first},
                                          QStringLiteral("r-incr1-%1.img").arg(compression))),
                     QString());
            QCOMPARE(compareFiles(volume.path,
                                  restore(*driver, volume, {full, first, second},
                                          QStringLiteral("r-incr2-%1.img").arg(compression))),
                     QString());

            OperationControl control;
            driver->remove(second, control);
            driver->remove(first, control);
            driver->remove(full, control);
            QCOMPARE(keysIn(bucket), QStringList());
            for (const QString& name :
                 {QStringLiteral("r-full-%1.img"), QStringLiteral("r-incr1-%1.img"),
                  QStringLiteral("r-incr2-%1.img"), QStringLiteral("full-%1.img"),
                  QStringLiteral("incr1-%1.img"), QStringLiteral("source-%1.img")})
                QFile::remove(m_dir + QLatin1Char('/') + name.arg(compression));
        });
    }

    void manySmallObjectsPaginated()
    {
        failOnError([&] {
            S3FaultProxy proxy;
            QVERIFY(proxy.start(m_env.endpoint()));
            const QString bucket = newBucket(QStringLiteral("engine-pages"));
            BackendConfig config = m_env.backend(QStringLiteral("s3-pages"), bucket,
                                                 QStringLiteral("zlib"), proxy.baseUrl());
            config.options.insert(QStringLiteral("backup_s3_object_size"), 64 * KiB);
            config.options.insert(QStringLiteral("backup_s3_block_size"), 4 * KiB);
            const int listingLimit = 10;
            config.options.insert(QStringLiteral("ember_s3_listing_limit"), listingLimit);
            const std::unique_ptr<BackupDriver> driver = createDriver(config, m_env.secrets());

            Volume volume;
            volume.id = QStringLiteral("3b1f9e20-6c4d-4a7e-8f10-0000000a9e55");
            volume.name = QStringLiteral("s3-pages-vol");
            volume.path = m_dir + QStringLiteral("/pages.img");
            volume.sizeBytes = 300 * 64 * KiB + 777; // 301 objects
            makeVolumeFile(volume.path, volume.sizeBytes, Fill::Mixed, 56);

            QElapsedTimer clock;
            clock.start();
            const Backup full = backUp(*driver, volume, std::nullopt);
            const qint64 backupMs = clock.restart();
            QCOMPARE(full.objectCount, qint64(301));
            const QStringList keys = keysIn(bucket);
            QCOMPARE(keys.size(), 303); // the data objects, _metadata and _sha256file
            QCOMPARE(keys.filter(full.serviceMetadata).size(), 303);

            QCOMPARE(proxy.command("reset"), QByteArray("ok"));
            clock.restart();
            const QString restored =
                restore(*driver, volume, {full}, QStringLiteral("pages-r.img"));
            const qint64 restoreMs = clock.elapsed();
            QCOMPARE(compareFiles(volume.path, restored), QString());
            const int restoreListings = proxy.counter(QStringLiteral("listings"));

            QCOMPARE(proxy.command("reset"), QByteArray("ok"));
            OperationControl control;
            driver->remove(full, control);
            const int deleteListings = proxy.counter(QStringLiteral("listings"));
            QCOMPARE(keysIn(bucket), QStringList());
            // 303 names in pages of 10 take 31 listings; deleting must see every page
            const int pages = (303 + listingLimit - 1) / listingLimit;
            QVERIFY2(deleteListings >= pages,
                     qPrintable(QStringLiteral("%1 listings on delete").arg(deleteListings)));
            qInfo(
                "301 objects of 64 KiB: backup %lld ms, restore %lld ms; listings: %d on restore, "
                "%d on delete (pages of %d)",
                backupMs, restoreMs, restoreListings, deleteListings, listingLimit);
            QFile::remove(restored);
            QFile::remove(volume.path);
        });
    }
};

QTEST_GUILESS_MAIN(TestS3Engine)
#include "tst_s3engine.moc"
