// Encryption at rest for RBD-to-chunked (issue 16): an RBD image of the
// micro-cluster backed up, sealed under a master key, into the chunked
// engine over a posix store; the incremental takes librbd's snapshot diff.
// Full and incremental restore byte for byte into new RBD images and into a
// file; a marker string written all over the image is in no byte under the
// backup directory, and is there when the same image is stored in the clear.
#include "cephtestenv.h"
#include "chunkeddriver.h"
#include "keys.h"
#include "posixstore.h"
#include "sealing.h"
#include "testsupport.h"
#include "volumedevice.h"

#include <QFile>
#include <QTemporaryDir>

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

} // namespace

class TestRbdEncryption : public QObject
{
    Q_OBJECT

private:
    CephEnv m_env;
    BackendConfig m_cluster;
    QStringList m_images;
    std::unique_ptr<QTemporaryDir> m_tmp;

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

    // The engine over a fresh posix directory (4 MiB objects, 32 KiB blocks).
    std::unique_ptr<ChunkedBackupDriver> engine(const QString& storeDir, const QString& compression,
                                                const QString& sealWith,
                                                const QList<KeySet>& known)
    {
        ChunkedOptions options;
        options.objectSize = 4 << 20;
        options.shaBlockSize = 32768;
        options.compression = compression;
        options.encryptionKey = sealWith;
        auto driver = posixChunkedDriver(storeDir, options);
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

    // The files under `storeDir` whose bytes contain `needle`.
    static QStringList filesHolding(const QString& storeDir, const QByteArray& needle)
    {
        QStringList found;
        for (const QString& path : filesInTree(storeDir))
            if (readWholeFile(path).contains(needle))
                found << path;
        return found;
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
    }

    void fullIncrementalRoundTrip_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::newRow("zlib") << QStringLiteral("zlib");
        QTest::newRow("zstd") << QStringLiteral("zstd");
        QTest::newRow("none") << QStringLiteral("none");
    }

    // Full + snapshot-diff incremental, sealed: restored into new images and
    // into a file, byte for byte; no file of the store holds the marker.
    void fullIncrementalRoundTrip()
    {
        QFETCH(QString, compression);
        QByteArray content;
        const Volume volume = markedVolume(&content);
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("rbd test"));
        const QString storeDir = m_tmp->filePath(QStringLiteral("store-") + newUuid().left(8));
        auto driver = engine(storeDir, compression, key.fingerprint, {key});

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

        QVERIFY(!filesInTree(storeDir).isEmpty());
        QCOMPARE(filesHolding(storeDir, kMarker), QStringList());
        QCOMPARE(filesHolding(storeDir, kMarker.left(20)), QStringList());

        restoreToImage(*driver, {full}, atFull);
        restoreToImage(*driver, {full, incremental}, content);
        restoreToFile(*driver, {full, incremental}, content);

        // Another host with the key and a fresh engine restores the chain too;
        // one without it is refused.
        auto withKey = engine(storeDir, compression, {}, {key});
        restoreToFile(*withKey, {full, incremental}, content);
        auto keyless = engine(storeDir, compression, {}, {});
        const QString message =
            errorOf([&] {
                restoreChain(*keyless, {full}, m_tmp->filePath(QStringLiteral("keyless.img")),
                             content.size());
            }).message();
        QVERIFY2(message.startsWith(QStringLiteral("key not available")), qPrintable(message));
    }

    // The same search finds the marker when the image is stored in the clear
    // (compression none): it is a real test of the store's bytes.
    void markerFoundInTheClear()
    {
        QByteArray content;
        const Volume volume = markedVolume(&content);
        const QString storeDir = m_tmp->filePath(QStringLiteral("clear-") + newUuid().left(8));
        auto driver = engine(storeDir, QStringLiteral("none"), {}, {});
        const Backup clear = backup(*driver, volume, std::nullopt, {});
        QCOMPARE(clear.encryption, QString());
        // The data objects with marker text (objects 1, 4, 6 of 4 MiB).
        QCOMPARE(filesHolding(storeDir, kMarker).size(), 3);
        restoreToFile(*driver, {clear}, content);
    }
};

QTEST_GUILESS_MAIN(TestRbdEncryption)
#include "tst_rbdencryption.moc"
