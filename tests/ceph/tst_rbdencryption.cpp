// Encryption at rest for RBD-to-chunked (issue 16): an RBD image of the
// micro-cluster backed up, sealed under a master key, into the chunked
// engine over a posix store (and Swift when built with it); the incremental
// takes librbd's snapshot diff. Full and incremental restore byte for byte
// into new RBD images and into a file; a marker string written all over the
// image is in no stored byte (every file under the backup directory, every
// object of the container), and is there when the image is stored in the clear.
#include "cephtestenv.h"
#include "chunkeddriver.h"
#include "failonerror.h"
#include "keys.h"
#include "posixstore.h"
#include "sealing.h"
#include "testsupport.h"
#include "volumedevice.h"
#ifdef EMBER_RBD_CHUNKED_SWIFT
#include "../swift/swifttestsupport.h"
#include "swiftobjectstore.h"
#endif

#include <QFile>
#include <QTemporaryDir>

#include <functional>

using namespace ember;
using namespace ember::test;

namespace {

const QByteArray kMarker = QByteArrayLiteral("EMBER-ISSUE16-RBD-MARKER:customer-records-SECRET");

// `size` bytes of text lines carrying the marker, with a random word per line.
QByteArray markerText(qint64 size, quint32 seed)
{
    QRandomGenerator generator(seed);
    QByteArray text;
    text.reserve(size + 200);
    while (text.size() < size)
        text += kMarker + " row " + QByteArray::number(generator.generate()) + '\n';
    text.truncate(size);
    return text;
}

// Where a test's backups go: a fresh posix directory, or a fresh container of
// the Swift fixture.
struct Place
{
    QString kind;  // "posix" or "swift"
    QString where; // the directory, or the container
};

} // namespace

class TestRbdEncryption : public QObject
{
    Q_OBJECT

private:
    CephEnv m_env;
    BackendConfig m_cluster;
    QStringList m_images;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QList<Place> m_containers; // Swift containers to empty at the end

    void write(const QString& spec, qint64 offset, const QByteArray& data, QByteArray* content)
    {
        auto device = openRbdVolume(m_cluster, {}, spec, OpenMode::ReadWrite);
        device->writeAt(offset, data.constData(), data.size());
        device->flush();
        content->replace(offset, data.size(), data);
    }

    // A 24 MiB image: marker text and random data in places, holes between.
    Volume markedVolume(QByteArray* content)
    {
        const qint64 size = 24 << 20;
        const Volume volume = newRbdVolume(m_cluster, size, QStringLiteral("tst-enc"));
        m_images << volume.path;
        *content = QByteArray(size, '\0');
        write(volume.path, 0, markerText(3 << 20, 1), content);
        write(volume.path, 6 << 20, randomBytes(2 << 20, 2), content);
        write(volume.path, 13 << 20, markerText(1 << 20, 3), content);
        write(volume.path, 20 << 20, markerText(4 << 20, 4), content);
        return volume;
    }

    Place freshPlace(const QString& kind)
    {
        const QString unique = newUuid().left(8);
        if (kind == QLatin1String("posix"))
            return {kind, m_tmp->filePath(QStringLiteral("store-") + unique)};
        return {kind, QStringLiteral("ember-rbd-enc-") + unique};
    }

    std::unique_ptr<ObjectStore> storeAt(const Place& place) const
    {
        if (place.kind == QLatin1String("posix"))
            return std::make_unique<PosixObjectStore>(place.where);
#ifdef EMBER_RBD_CHUNKED_SWIFT
        const QMap<QString, QString> facts = swiftFacts();
        if (facts.value(QStringLiteral("SWIFT_AUTH_URL")).isEmpty())
            throw Error(QStringLiteral("no Swift facts: run through ctest (fixture swift)"));
        return std::make_unique<SwiftObjectStore>(SwiftSettings::fromConfig(
            swiftTestBackend(facts, QStringLiteral("rbd-encryption"),
                             facts.value(QStringLiteral("SWIFT_AUTH_URL")), place.where,
                             QStringLiteral("zlib")),
            swiftTestSecrets(facts)));
#else
        throw Error(QStringLiteral("this test was built without Swift"));
#endif
    }

    // The engine over `place` (4 MiB objects, 32 KiB blocks).
    std::unique_ptr<ChunkedBackupDriver> engine(const Place& place, const QString& compression,
                                                const QString& sealWith, const QList<KeySet>& known)
    {
        ChunkedOptions options;
        options.objectSize = 4 << 20;
        options.shaBlockSize = 32768;
        options.compression = compression;
        options.encryptionKey = sealWith;
        auto driver = std::make_unique<ChunkedBackupDriver>(storeAt(place), options);
        driver->setKeyLookup([known](const QString& fingerprint) -> std::optional<KeySet> {
            for (const KeySet& key : known)
                if (key.fingerprint == fingerprint)
                    return key;
            return std::nullopt;
        });
        return driver;
    }

    // One backup read from the image through a backup snapshot, kept as the
    // service keeps it, so the next incremental reads librbd's diff.
    Backup backup(BackupDriver& driver, const Volume& volume, const std::optional<Backup>& parent,
                  const QStringList& superseded)
    {
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = volume.id;
        backup.parentId = parent ? parent->id : QString();
        backup.createdAt = QDateTime::currentDateTimeUtc();
        RbdOpenOptions options;
        options.backupId = backup.id;
        options.parentBackupId = backup.parentId;
        options.supersededBackupIds = superseded;
        options.releaseSupersededEarly = true;
        auto source = openRbdVolume(m_cluster, {}, volume.path, OpenMode::Read, options);
        if (parent && !source->changedSinceParent())
            throw Error(QStringLiteral("the incremental has no snapshot diff"));
        OperationControl control;
        BackupJob job{backup, volume, *source, parent, control};
        driver.backup(job);
        if (!keepRbdBackupSnapshot(*source))
            throw Error(QStringLiteral("not an RBD device"));
        return backup;
    }

    void restoreToImage(BackupDriver& driver, const QList<Backup>& chain,
                        const QByteArray& expected)
    {
        const QString spec = QStringLiteral("volumes/tst-enc-r-%1").arg(newUuid().left(8));
        createRbdImage(m_cluster, {}, spec, expected.size());
        m_images << spec;
        auto target = openRbdVolume(m_cluster, {}, spec, OpenMode::ReadWrite);
        Volume targetVolume;
        targetVolume.id = newUuid();
        targetVolume.kind = VolumeKind::Rbd;
        targetVolume.path = spec;
        targetVolume.sizeBytes = expected.size();
        OperationControl control;
        RestoreJob job{chain, targetVolume, *target, control};
        driver.restore(job);
        const QByteArray restored = readAll(*target);
        QVERIFY2(firstDifference(restored, expected) < 0,
                 qPrintable(QStringLiteral("chain of %1 into an image: first difference at %2")
                                .arg(chain.size())
                                .arg(firstDifference(restored, expected))));
    }

    void restoreToFile(ChunkedBackupDriver& driver, const QList<Backup>& chain,
                       const QByteArray& expected)
    {
        const QString target = m_tmp->filePath(QStringLiteral("restored-%1.img").arg(newUuid()));
        restoreChain(driver, chain, target, expected.size());
        const QString expectedFile = target + QStringLiteral(".expected");
        writeWholeFile(expectedFile, expected);
        QCOMPARE(compareFiles(expectedFile, target), QString());
        QFile::remove(target);
        QFile::remove(expectedFile);
    }

    // Every stored byte of `place`: each file under the directory, or each
    // object of the container (listed and fetched with plain GETs).
    QMap<QString, QByteArray> rawObjects(const Place& place) const
    {
        QMap<QString, QByteArray> objects;
        if (place.kind == QLatin1String("posix")) {
            for (const QString& path : filesInTree(place.where))
                objects.insert(path, readWholeFile(path));
            return objects;
        }
        const std::unique_ptr<ObjectStore> store = storeAt(place);
        for (const QString& name : store->list(place.where, {}))
            objects.insert(name, store->getAll(place.where, name));
        return objects;
    }

    static QStringList holding(const QMap<QString, QByteArray>& objects, const QByteArray& needle)
    {
        QStringList names;
        for (auto it = objects.cbegin(); it != objects.cend(); ++it)
            if (it.value().contains(needle))
                names << it.key();
        return names;
    }

    void emptyContainers()
    {
        for (const Place& place : std::as_const(m_containers)) {
            const std::unique_ptr<ObjectStore> store = storeAt(place);
            for (const QString& name : store->list(place.where, {}))
                store->remove(place.where, name);
        }
        m_containers.clear();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_env = CephEnv::load();
        if (!m_env.error.isEmpty())
            QFAIL(qPrintable(m_env.error));
        m_cluster = m_env.adminConfig();
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }

    void cleanupTestCase()
    {
        for (const QString& spec : std::as_const(m_images))
            removeRbdImage(m_cluster, {}, spec);
        emptyContainers();
    }

    void fullIncrementalRoundTrip_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<QString>("compression");
        QTest::newRow("posix zlib") << QStringLiteral("posix") << QStringLiteral("zlib");
        QTest::newRow("posix zstd") << QStringLiteral("posix") << QStringLiteral("zstd");
        QTest::newRow("posix none") << QStringLiteral("posix") << QStringLiteral("none");
#ifdef EMBER_RBD_CHUNKED_SWIFT
        QTest::newRow("swift zlib") << QStringLiteral("swift") << QStringLiteral("zlib");
        QTest::newRow("swift none") << QStringLiteral("swift") << QStringLiteral("none");
#endif
    }

    // Full + snapshot-diff incremental, sealed: restored into new images and
    // into a file, byte for byte; no stored byte holds the marker.
    void fullIncrementalRoundTrip()
    {
        failOnError([&] {
            QFETCH(QString, backend);
            QFETCH(QString, compression);
            QByteArray content;
            const Volume volume = markedVolume(&content);
            const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("rbd test"));
            const Place place = freshPlace(backend);
            if (backend == QLatin1String("swift"))
                m_containers << place;
            auto driver = engine(place, compression, key.fingerprint, {key});

            const Backup full = backup(*driver, volume, std::nullopt, {});
            QCOMPARE(full.objectCount, qint64(6));
            QCOMPARE(full.encryption, kEncryptionScheme);
            QCOMPARE(full.encryptionKeyFingerprint, key.fingerprint);
            const QByteArray atFull = content;

            write(volume.path, (1 << 20) + 4096, markerText(65536, 5), &content);
            write(volume.path, 21 << 20, randomBytes(40000, 6), &content);
            const Backup incremental = backup(*driver, volume, full, {full.id});
            QCOMPARE(incremental.objectCount, qint64(2));
            QCOMPARE(incremental.encryptionKeyFingerprint, key.fingerprint);

            const QMap<QString, QByteArray> stored = rawObjects(place);
            QCOMPARE(stored.size(), 6 + 2 + 2 * 2); // data + _metadata and _sha256file each
            QCOMPARE(holding(stored, kMarker), QStringList());
            QCOMPARE(holding(stored, kMarker.left(20)), QStringList());

            restoreToImage(*driver, {full}, atFull);
            restoreToImage(*driver, {full, incremental}, content);
            restoreToFile(*driver, {full, incremental}, content);

            // Another host with the key and a fresh engine restores the chain too;
            // one without it is refused.
            auto withKey = engine(place, compression, {}, {key});
            restoreToFile(*withKey, {full, incremental}, content);
            auto keyless = engine(place, compression, {}, {});
            const QString message =
                errorOf([&] {
                    restoreChain(*keyless, {full}, m_tmp->filePath(QStringLiteral("keyless.img")),
                                 content.size());
                }).message();
            QVERIFY2(message.startsWith(QStringLiteral("key not available")), qPrintable(message));
        });
    }

    void markerFoundInTheClear_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("posix") << QStringLiteral("posix");
#ifdef EMBER_RBD_CHUNKED_SWIFT
        QTest::newRow("swift") << QStringLiteral("swift");
#endif
    }

    // The same search finds the marker when the image is stored in the clear
    // (compression none): it is a real test of the store's bytes.
    void markerFoundInTheClear()
    {
        failOnError([&] {
            QFETCH(QString, backend);
            QByteArray content;
            const Volume volume = markedVolume(&content);
            const Place place = freshPlace(backend);
            if (backend == QLatin1String("swift"))
                m_containers << place;
            auto driver = engine(place, QStringLiteral("none"), {}, {});
            const Backup clear = backup(*driver, volume, std::nullopt, {});
            QCOMPARE(clear.encryption, QString());
            // The data objects with marker text (objects 1, 4, 6 of 4 MiB).
            const QStringList found = holding(rawObjects(place), kMarker);
            QCOMPARE(found.size(), 3);
            for (const QString& name : found)
                QVERIFY2(name.endsWith(QStringLiteral("-00001")) ||
                             name.endsWith(QStringLiteral("-00004")) ||
                             name.endsWith(QStringLiteral("-00006")),
                         qPrintable(name));
            restoreToFile(*driver, {clear}, content);
        });
    }
};

QTEST_GUILESS_MAIN(TestRbdEncryption)
#include "tst_rbdencryption.moc"
