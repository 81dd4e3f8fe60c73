// Immutable backups against Ceph's radosgw (fixture "rgw"): a bucket created
// with S3 Object Lock, a backend with ember_s3_object_lock_mode=GOVERNANCE and
// ember_s3_object_lock_days=1, and through BackupService:
// - a full and an incremental backup, each restored byte-identical;
// - every object of both carries the retention the catalog row records;
// - Ember refuses to delete either (forced too), naming the date and mode, and
//   its store refuses to remove an object; retention keeps them;
// - a plain S3 client with the same keys (boto3) cannot delete an object
//   version (AccessDenied), and the delete markers its plain DELETEs leave do
//   not stop Ember listing and restoring the chain;
// - objects above ember_s3_part_size (multipart uploads) carry the retention too;
// - cleanup with the governance bypass removes every version and the bucket.
#include "backendregistry.h"
#include "backupservice.h"
#include "catalog.h"
#include "retention.h"
#include "s3objectstore.h"
#include "s3testenv.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace ember;
using namespace ember::test;

namespace {

constexpr qint64 MiB = 1024 * 1024;

} // namespace

class TestS3ObjectLock : public QObject
{
    Q_OBJECT

private:
    S3Env m_env;
    QString m_dir;
    QStringList m_buckets;

    // A bucket of this slot's own, created with Object Lock through Ember's store.
    QString lockedBucket(const QString& slot)
    {
        const QString bucket = S3Env::uniqueBucket(slot);
        m_buckets << bucket;
        S3ObjectStore store(S3Settings::fromConfig(m_env.backend(QStringLiteral("setup"), bucket),
                                                   m_env.secrets()));
        store.createBucket(bucket, true);
        const S3ObjectStore::ObjectLockStatus status = store.objectLockStatus(bucket);
        if (!status.enabled)
            qWarning("bucket %s: Object Lock not enabled", qPrintable(bucket));
        return bucket;
    }

    BackendConfig lockingBackend(const QString& bucket) const
    {
        BackendConfig backend = m_env.backend(QStringLiteral("locked-s3"), bucket);
        backend.options.insert(QStringLiteral("ember_s3_object_lock_mode"),
                               QStringLiteral("GOVERNANCE"));
        backend.options.insert(QStringLiteral("ember_s3_object_lock_days"), 1);
        backend.isDefault = true;
        return backend;
    }

    // The names of every stored object under a backup's prefix (also those a
    // delete marker hides).
    static QStringList objectsOf(S3ObjectStore& store, const Backup& backup)
    {
        return store.list(backup.container, backup.serviceMetadata);
    }

    // A full and an incremental of a new volume through BackupService into a
    // locked bucket; the volume's state at each backup is kept for comparison.
    struct LockedChain
    {
        QString bucket;
        BackendConfig backend;
        std::unique_ptr<Catalog> catalog;
        std::unique_ptr<BackupService> service;
        Volume volume;
        QDateTime started;
        QList<Backup> backups; // full first
        QStringList states;
    };
    void makeLockedChain(LockedChain& chain, const QString& slot,
                         qint64 volumeSize = 5 * MiB + 1234, Fill fill = Fill::Mixed,
                         const QJsonObject& extraOptions = {})
    {
        chain.bucket = lockedBucket(slot);
        chain.backend = lockingBackend(chain.bucket);
        for (auto option = extraOptions.begin(); option != extraOptions.end(); ++option)
            chain.backend.options.insert(option.key(), option.value());
        const QString dir = m_dir + QLatin1Char('/') + slot;
        QVERIFY(QDir().mkpath(dir));
        chain.catalog = std::make_unique<Catalog>(dir + QStringLiteral("/catalog.sqlite"));
        chain.catalog->upsertBackend(chain.backend);
        chain.service = std::make_unique<BackupService>(
            *chain.catalog, [this](const BackendConfig&) { return m_env.secrets(); });
        const QString volumePath = dir + QStringLiteral("/locked.img");
        makeVolumeFile(volumePath, volumeSize, fill, 23);
        chain.volume = chain.service->addVolume(volumePath, QStringLiteral("locked-vol"));
        chain.started = QDateTime::currentDateTimeUtc();
        for (int i = 0; i < 2; ++i) {
            if (i > 0)
                mutateFile(volumePath, 3, 100000, 31);
            CreateBackupRequest request;
            request.volume = chain.volume.name;
            request.incremental = i > 0;
            request.name = i == 0 ? QStringLiteral("full") : QStringLiteral("incremental");
            BackupService::PreparedBackup prepared = chain.service->prepareBackup(request);
            OperationControl control;
            chain.backups << chain.service->runBackup(prepared, control);
            const QString state = dir + QStringLiteral("/state-%1.img").arg(i);
            QFile::remove(state);
            QVERIFY(QFile::copy(volumePath, state));
            chain.states << state;
        }
        QCOMPARE(chain.backups.last().parentId, chain.backups.first().id);
    }
    // Restores every backup of the chain into new files, each byte-compared
    // with the state it was taken from.
    void restoresByteIdentical(LockedChain& chain, const QString& tag)
    {
        for (int i = 0; i < chain.backups.size(); ++i) {
            RestoreRequest request;
            request.backup = chain.backups.at(i).id;
            request.newVolumeName = QStringLiteral("%1-%2").arg(tag).arg(i);
            request.newVolumePath = m_dir + QStringLiteral("/%1-%2.img").arg(tag).arg(i);
            BackupService::PreparedRestore prepared = chain.service->prepareRestore(request);
            OperationControl control;
            const Volume restored = chain.service->runRestore(prepared, control);
            QCOMPARE(compareFiles(restored.path, chain.states.at(i)), QString());
            chain.service->removeVolume(restored.id);
            QFile::remove(restored.path);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_env = S3Env::load();
        QVERIFY2(m_env.error.isEmpty(), qPrintable(m_env.error));
        m_dir = freshDir(QStringLiteral("s3-objectlock"));
    }

    void cleanupTestCase()
    {
        for (const QString& bucket : std::as_const(m_buckets)) {
            const Boto3Result dropped = m_env.dropBucket(bucket);
            if (!dropped.ok())
                qWarning("cleanup of %s: %s", qPrintable(bucket), dropped.describe().constData());
        }
    }

    void lockedChainRestoresAndNoOneCanDeleteIt()
    {
        failOnError([&] {
            LockedChain chain;
            makeLockedChain(chain, QStringLiteral("objectlock-chain"));
            if (QTest::currentTestFailed())
                return;
            const Backup& full = chain.backups.first();
            const Backup& incremental = chain.backups.last();
            restoresByteIdentical(chain, QStringLiteral("restored"));

            // The catalog records the lock: GOVERNANCE, a day from the backup.
            for (const Backup& backup : std::as_const(chain.backups)) {
                const Backup row = chain.catalog->backup(backup.id).value();
                QCOMPARE(row.status, BackupStatus::Available);
                QCOMPARE(row.immutableMode, QStringLiteral("GOVERNANCE"));
                QVERIFY(row.immutableUntil.isValid());
                const qint64 ahead = chain.started.secsTo(row.immutableUntil);
                QVERIFY2(ahead > 86400 - 120 && ahead < 86400 + 600,
                         qPrintable(row.immutableUntil.toString(Qt::ISODate)));
            }

            // Every object of both backups carries that retention.
            S3ObjectStore store(S3Settings::fromConfig(chain.backend, m_env.secrets()));
            for (const Backup& backup : std::as_const(chain.backups)) {
                const QStringList objects = objectsOf(store, backup);
                QVERIFY2(objects.size() >= 3, qPrintable(objects.join(QLatin1Char(' '))));
                for (const QString& name : objects) {
                    const ObjectRetention retention = store.objectRetention(chain.bucket, name);
                    QCOMPARE(retention.mode, QStringLiteral("GOVERNANCE"));
                    QVERIFY2(qAbs(retention.until.secsTo(backup.immutableUntil)) <= 1,
                             qPrintable(name + QLatin1Char(' ') +
                                        retention.until.toString(Qt::ISODate) + QLatin1Char(' ') +
                                        backup.immutableUntil.toString(Qt::ISODate)));
                }
            }

            // Ember refuses both deletes, forced or not, with the date and mode.
            for (const Backup& backup : {incremental, full}) {
                for (const bool force : {false, true}) {
                    OperationControl control;
                    const Error error =
                        errorOf([&] { chain.service->deleteBackup(backup.id, force, control); });
                    qInfo("ember's delete: %s", qPrintable(error.message()));
                    QCOMPARE(error.message(),
                             QStringLiteral("backup %1 is immutable until %2 (S3 Object Lock, "
                                            "GOVERNANCE mode); it can be deleted from then on")
                                 .arg(backup.id, immutableUntilText(backup.immutableUntil)));
                    QCOMPARE(chain.catalog->backup(backup.id)->status, BackupStatus::Available);
                }
            }
            // Retention keeps them whatever the policy says.
            RetentionPolicy keepNothing;
            keepNothing.keepLast = 0;
            const PrunePlan plan = chain.service->planPrune(chain.volume.name, keepNothing);
            QVERIFY(plan.steps.isEmpty());
            QCOMPARE(plan.decisions.size(), qsizetype(2));
            for (const RetentionDecision& decision : plan.decisions)
                QVERIFY(decision.keep && decision.reasons.contains(KeepReason::Immutable));
            // Below the service, radosgw refuses the store itself.
            const QString someObject = objectsOf(store, incremental).first();
            try {
                store.remove(chain.bucket, someObject);
                QFAIL("the store removed a locked object");
            } catch (const ObjectLocked& locked) {
                qInfo("store's remove: %s", qPrintable(locked.message()));
            }

            // A plain S3 client with the same keys cannot delete a version either.
            const Boto3Result versionDelete = m_env.boto3(QStringLiteral(R"(
versions = [v for v in s3.list_object_versions(Bucket=argv[0], Prefix=argv[1])["Versions"]
            if v["Key"] == argv[1]]
try:
    s3.delete_object(Bucket=argv[0], Key=argv[1], VersionId=versions[0]["VersionId"])
    print(json.dumps("deleted"))
except botocore.exceptions.ClientError as e:
    print(json.dumps(e.response["Error"]["Code"]))
)"),
                                                          {chain.bucket, someObject});
            QVERIFY2(versionDelete.ok(), versionDelete.describe().constData());
            QCOMPARE(versionDelete.json().toString(), QStringLiteral("AccessDenied"));
            restoresByteIdentical(chain, QStringLiteral("after-attempts"));

            // Cleanup with the governance bypass removes every version and the bucket.
            const Boto3Result dropped = m_env.dropBucket(chain.bucket);
            QVERIFY2(dropped.ok(), dropped.describe().constData());
            const Boto3Result exists = m_env.bucketExists(chain.bucket);
            QVERIFY2(exists.ok(), exists.describe().constData());
            QCOMPARE(exists.json().toBool(), false);
            m_buckets.removeAll(chain.bucket);
        });
    }

    // A plain client's DELETE without a version id only adds a delete marker
    // over each object: the locked versions stay, and Ember restores the chain.
    void deleteMarkersDoNotStopARestore()
    {
        failOnError([&] {
            LockedChain chain;
            makeLockedChain(chain, QStringLiteral("objectlock-markers"));
            if (QTest::currentTestFailed())
                return;
            S3ObjectStore store(S3Settings::fromConfig(chain.backend, m_env.secrets()));
            QStringList everyObject;
            for (const Backup& backup : std::as_const(chain.backups))
                everyObject << objectsOf(store, backup);
            const Boto3Result markers = m_env.boto3(QStringLiteral(R"(
for key in argv[1:]:
    s3.delete_object(Bucket=argv[0], Key=key)
print(json.dumps(len(argv) - 1))
)"),
                                                    QStringList{chain.bucket} + everyObject);
            QVERIFY2(markers.ok(), markers.describe().constData());
            QCOMPARE(markers.json().toInt(), int(everyObject.size()));
            // Each name: a delete marker on top, its locked data version below.
            const Boto3Result hidden = m_env.boto3(QStringLiteral(R"(
latest_markers, with_data = set(), set()
for page in s3.get_paginator("list_object_versions").paginate(Bucket=argv[0]):
    latest_markers |= {m["Key"] for m in page.get("DeleteMarkers", []) if m["IsLatest"]}
    with_data |= {v["Key"] for v in page.get("Versions", [])}
print(json.dumps(len(latest_markers & with_data)))
)"),
                                                   {chain.bucket});
            QVERIFY2(hidden.ok(), hidden.describe().constData());
            QCOMPARE(hidden.json().toInt(), int(everyObject.size()));
            // A plain listing no longer shows them; Ember's store still lists
            // every one, so a restore finds the backup whole.
            const Boto3Result plainListing = m_env.boto3(QStringLiteral(R"(
keys = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=argv[0]):
    keys += [o["Key"] for o in page.get("Contents", [])]
print(json.dumps(len(keys)))
)"),
                                                         {chain.bucket});
            QVERIFY2(plainListing.ok(), plainListing.describe().constData());
            QCOMPARE(plainListing.json().toInt(), 0);
            QStringList listed;
            for (const Backup& backup : std::as_const(chain.backups))
                listed << objectsOf(store, backup);
            QCOMPARE(listed, everyObject);
            restoresByteIdentical(chain, QStringLiteral("behind-markers"));
        });
    }

    // Objects above ember_s3_part_size go up in parts, and radosgw 16 ignores
    // the lock headers of CreateMultipartUpload: each assembled object must
    // still carry the backup's retention, and the chain restore byte-identical.
    void multipartObjectsCarryTheRetention()
    {
        failOnError([&] {
            LockedChain chain;
            const QJsonObject bigObjects{
                {QStringLiteral("ember_s3_part_size"), 5 * MiB},
                {QStringLiteral("backup_s3_object_size"), 8 * MiB},
                {QStringLiteral("backup_compression_algorithm"), QStringLiteral("none")}};
            makeLockedChain(chain, QStringLiteral("objectlock-multipart"), 3 * 8 * MiB + 3 * MiB,
                            Fill::Random, bigObjects);
            if (QTest::currentTestFailed())
                return;

            S3ObjectStore store(S3Settings::fromConfig(chain.backend, m_env.secrets()));
            QStringList everyObject;
            for (const Backup& backup : std::as_const(chain.backups)) {
                QCOMPARE(backup.immutableMode, QStringLiteral("GOVERNANCE"));
                const QStringList objects = objectsOf(store, backup);
                QVERIFY2(objects.size() >= 3, qPrintable(objects.join(QLatin1Char(' '))));
                for (const QString& name : objects) {
                    const ObjectRetention retention = store.objectRetention(chain.bucket, name);
                    QVERIFY2(retention.mode == QStringLiteral("GOVERNANCE"),
                             qPrintable(name + QStringLiteral(": mode '") + retention.mode +
                                        QLatin1Char('\'')));
                    QVERIFY2(retention.until.isValid() &&
                                 qAbs(retention.until.secsTo(backup.immutableUntil)) <= 1,
                             qPrintable(name + QLatin1Char(' ') +
                                        retention.until.toString(Qt::ISODate) + QLatin1Char(' ') +
                                        backup.immutableUntil.toString(Qt::ISODate)));
                }
                everyObject << objects;
            }

            // The case is real: at least the full's three whole 8 MiB objects
            // went up in parts (a multipart ETag is "<md5>-<parts>").
            const Boto3Result multipart = m_env.boto3(QStringLiteral(R"(
sizes = {}
for key in argv[1:]:
    head = s3.head_object(Bucket=argv[0], Key=key)
    if "-" in head["ETag"]:
        sizes[key] = head["ContentLength"]
print(json.dumps(sizes))
)"),
                                                      QStringList{chain.bucket} + everyObject);
            QVERIFY2(multipart.ok(), multipart.describe().constData());
            const QJsonObject multipartSizes = multipart.json().toObject();
            qInfo("%d of %d objects went up in parts", int(multipartSizes.size()),
                  int(everyObject.size()));
            QVERIFY2(multipartSizes.size() >= 3,
                     QJsonDocument(multipartSizes).toJson(QJsonDocument::Compact).constData());
            for (auto object = multipartSizes.begin(); object != multipartSizes.end(); ++object)
                QVERIFY2(object.value().toInteger() > 5 * MiB, qPrintable(object.key()));

            restoresByteIdentical(chain, QStringLiteral("multipart"));
        });
    }

    // Random data does not compress, so its objects are stored raw ("none"),
    // as Cinder does. On a locked bucket each name must be written once: a
    // compressed upload replaced by a raw one would leave a locked version
    // no one can remove before its date.
    void incompressibleObjectsAreStoredOnce()
    {
        failOnError([&] {
            LockedChain chain;
            const QJsonObject zlibObjects{
                {QStringLiteral("backup_s3_object_size"), 1 * MiB},
                {QStringLiteral("backup_compression_algorithm"), QStringLiteral("zlib")}};
            makeLockedChain(chain, QStringLiteral("objectlock-incompressible"), 4 * MiB + 4096,
                            Fill::Random, zlibObjects);
            if (QTest::currentTestFailed())
                return;
            const Boto3Result versions = m_env.boto3(QStringLiteral(R"(
counts = {}
for page in s3.get_paginator("list_object_versions").paginate(Bucket=argv[0]):
    for version in page.get("Versions", []):
        counts[version["Key"]] = counts.get(version["Key"], 0) + 1
print(json.dumps(counts))
)"),
                                                     QStringList{chain.bucket});
            QVERIFY2(versions.ok(), versions.describe().constData());
            const QJsonObject counts = versions.json().toObject();
            QVERIFY2(counts.size() >= 5, QJsonDocument(counts).toJson().constData());
            for (auto key = counts.begin(); key != counts.end(); ++key)
                QVERIFY2(key.value().toInt() == 1, qPrintable(QStringLiteral("%1 has %2 versions")
                                                                  .arg(key.key())
                                                                  .arg(key.value().toInt())));
            // And they were stored raw: the full's _metadata tags them "none".
            S3ObjectStore store(S3Settings::fromConfig(chain.backend, m_env.secrets()));
            const QByteArray metadata = store.getAll(
                chain.bucket, chain.backups.first().serviceMetadata + QStringLiteral("_metadata"));
            QVERIFY2(metadata.contains("\"compression\": \"none\"") &&
                         !metadata.contains("\"compression\": \"zlib\""),
                     metadata.constData());
            restoresByteIdentical(chain, QStringLiteral("incompressible"));
        });
    }
};

QTEST_GUILESS_MAIN(TestS3ObjectLock)
#include "tst_s3objectlock.moc"
