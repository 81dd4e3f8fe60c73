// Encryption at rest on a real Swift (issue 16), through the chunked engine
// (ChunkedBackupDriver over SwiftObjectStore, keys found by a KeyLookup):
// encrypted full + incremental chains restore byte for byte for zlib, zstd
// and none (and with a public-key-only backing-up host); a marker string
// repeated in the source volume is in no byte of the container when
// encrypted and is found with encryption off; the block list no longer
// holds the blocks' plain SHA-256; a flipped bit in one stored object, an
// object replayed from another backup, two objects swapped or a damaged
// wrapped key fail the restore naming what is wrong; a missing key is
// refused before the target is touched.
#include "chunkeddriver.h"
#include "failonerror.h"
#include "keys.h"
#include "sealing.h"
#include "swiftobjectstore.h"
#include "swifttestsupport.h"
#include "testsupport.h"
#include "volumedevice.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <functional>

using namespace ember;
using namespace ember::test;

namespace {

// Text no encrypted byte sequence should ever contain by chance.
const QByteArray kMarker = QByteArrayLiteral("EMBER-ISSUE16-MARKER:payroll-of-2026-CONFIDENTIAL");

constexpr qint64 kObjectSize = 1 << 20;
constexpr qint64 kBlockSize = 32768;

// `size` bytes: 16 KiB random runs alternating with 16 KiB of text lines
// carrying the marker, so every object holds the marker and both compressible
// and incompressible data. Deterministic for a seed.
QByteArray markerVolume(qint64 size, quint32 seed)
{
    QByteArray data;
    data.reserve(size);
    QRandomGenerator generator(seed);
    qint64 line = 0;
    while (data.size() < size) {
        QByteArray random(16384, Qt::Uninitialized);
        generator.fillRange(reinterpret_cast<quint32*>(random.data()), random.size() / 4);
        data += random;
        QByteArray text;
        while (text.size() < 16384)
            text += QByteArray::number(line++) + ' ' + kMarker + " account " +
                    QByteArray::number(generator.generate()) + '\n';
        data += text.left(16384);
    }
    data.truncate(size);
    return data;
}

QString hexSha256(const QByteArray& data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

} // namespace

class TestSwiftEncryption : public QObject
{
    Q_OBJECT

private:
    QMap<QString, QString> m_facts;
    QString m_dir;
    QStringList m_containers; // emptied at the end
    Volume m_volume;
    QByteArray m_content; // the volume file's bytes

    BackendConfig config(const QString& container) const
    {
        return swiftTestBackend(m_facts, QStringLiteral("swift-encryption-test"),
                                m_facts.value(QStringLiteral("SWIFT_AUTH_URL")), container,
                                QStringLiteral("zlib"));
    }
    std::unique_ptr<SwiftObjectStore> store(const QString& container) const
    {
        return std::make_unique<SwiftObjectStore>(
            SwiftSettings::fromConfig(config(container), swiftTestSecrets(m_facts)));
    }
    QString freshContainer()
    {
        const QString container = QStringLiteral("ember-enc-%1").arg(newUuid().left(8));
        m_containers << container;
        return container;
    }

    // The engine over Swift: 1 MiB objects, 32 KiB blocks, `compression`, new
    // backups sealed under `sealWith` (empty: in the clear), keys found in `known`.
    std::unique_ptr<ChunkedBackupDriver> driver(const QString& container,
                                                const QString& compression, const QString& sealWith,
                                                const QList<KeySet>& known) const
    {
        ChunkedOptions options;
        options.objectSize = kObjectSize;
        options.shaBlockSize = kBlockSize;
        options.compression = compression;
        options.encryptionKey = sealWith;
        auto engine = std::make_unique<ChunkedBackupDriver>(store(container), options);
        engine->setKeyLookup([known](const QString& fingerprint) -> std::optional<KeySet> {
            for (const KeySet& key : known)
                if (key.fingerprint == fingerprint)
                    return key;
            return std::nullopt;
        });
        return engine;
    }

    void writeVolume(const QByteArray& content)
    {
        writeWholeFile(m_volume.path, content);
        m_content = content;
    }

    Backup backUp(ChunkedBackupDriver& engine, const std::optional<Backup>& parent)
    {
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = m_volume.id;
        backup.parentId = parent ? parent->id : QString();
        backup.createdAt = QDateTime::currentDateTimeUtc();
        backup.displayName = QStringLiteral("swift encryption test");
        auto device = openLocalVolume(m_volume.path, OpenMode::Read);
        OperationControl control;
        BackupJob job{backup, m_volume, *device, parent, control};
        engine.backup(job);
        return backup;
    }

    // Restores into a fresh sparse file; returns its path.
    QString restore(ChunkedBackupDriver& engine, const QList<Backup>& chain, const QString& name)
    {
        return restoreChain(engine, chain, m_dir + QLatin1Char('/') + name, m_volume.sizeBytes);
    }

    // The data object names of a backup, from its `_metadata`, in order.
    QStringList dataObjects(SwiftObjectStore& swift, const Backup& backup)
    {
        const QJsonObject metadata = metadataOf(swift, backup);
        QStringList names;
        for (const QJsonValue& entry : metadata.value(QStringLiteral("objects")).toArray())
            names << entry.toObject().keys().value(0);
        return names;
    }
    QJsonObject metadataOf(SwiftObjectStore& swift, const Backup& backup)
    {
        return QJsonDocument::fromJson(
                   swift.getAll(backup.container,
                                backup.serviceMetadata + QStringLiteral("_metadata")))
            .object();
    }

    // Every object of `container`, listed and fetched with plain GETs.
    QMap<QString, QByteArray> rawContainer(SwiftObjectStore& swift, const QString& container)
    {
        QMap<QString, QByteArray> objects;
        for (const QString& name : swift.list(container, {}))
            objects.insert(name, swift.getAll(container, name));
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

    // The restore's error; checks it names `object` and no other data object of `chain`.
    void expectRestoreNaming(ChunkedBackupDriver& engine, const QList<Backup>& chain,
                             SwiftObjectStore& swift, const QString& object)
    {
        const QString target = m_dir + QStringLiteral("/tampered.img");
        const QString message =
            errorOf([&] { restore(engine, chain, QStringLiteral("tampered.img")); }).message();
        QVERIFY2(message.contains(object), qPrintable(QStringLiteral("restore said: ") + message));
        for (const Backup& backup : chain)
            for (const QString& other : dataObjects(swift, backup))
                if (other != object)
                    QVERIFY2(!message.contains(other),
                             qPrintable(QStringLiteral("names %1 too: %2").arg(other, message)));
        QFile::remove(target);
    }

    static void flipBit(SwiftObjectStore& swift, const QString& container, const QString& name,
                        qint64 byte, int bit)
    {
        QByteArray data = swift.getAll(container, name);
        QVERIFY(byte < data.size());
        data[byte] = char(data[byte] ^ (1 << bit));
        swift.putAll(container, name, data);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_facts = swiftFacts();
        REQUIRE_SWIFT_FACTS(m_facts);
        m_dir = freshDir(QStringLiteral("swift-encryption"));
        m_volume.id = QStringLiteral("5e1c0a44-16aa-4e5f-8a9b-0c1d2e3f1616");
        m_volume.name = QStringLiteral("payroll");
        m_volume.path = m_dir + QStringLiteral("/source.img");
        m_volume.sizeBytes = 4 * kObjectSize + 40000; // a short last object, marker text in it too
    }

    void init() { writeVolume(markerVolume(m_volume.sizeBytes, 16)); }

    void cleanupTestCase()
    {
        if (m_facts.isEmpty())
            return;
        for (const QString& container : std::as_const(m_containers)) {
            auto swift = store(container);
            for (const QString& name : swift->list(container, {}))
                swift->remove(container, name);
        }
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::addColumn<bool>("publicKeyHost");
        QTest::newRow("zlib") << QStringLiteral("zlib") << false;
        QTest::newRow("zstd") << QStringLiteral("zstd") << false;
        QTest::newRow("none") << QStringLiteral("none") << false;
        // The backing-up host holds only the public half; only a host with the
        // private half restores.
        QTest::newRow("zstd, x25519 public key only") << QStringLiteral("zstd") << true;
    }

    // Full + incremental sealed under one key: both restore byte for byte;
    // `_metadata` carries the envelope and empty MD5s; no object holds the
    // marker; the block list does not give away the blocks' plain SHA-256.
    void roundTrip()
    {
        failOnError([&] {
            QFETCH(QString, compression);
            QFETCH(bool, publicKeyHost);
            const KeySet key =
                generateKeySet(publicKeyHost ? KeySet::Kind::X25519 : KeySet::Kind::Symmetric,
                               QStringLiteral("swift round trip"));
            const KeySet backingUpKey = publicKeyHost ? key.publicOnly() : key;
            const QString container = freshContainer();
            auto engine = driver(container, compression, key.fingerprint, {backingUpKey});
            auto swift = store(container);

            const Backup full = backUp(*engine, std::nullopt);
            QCOMPARE(full.objectCount, qint64(5));
            QCOMPARE(full.encryption, kEncryptionScheme);
            QCOMPARE(full.encryptionKeyFingerprint, key.fingerprint);
            const QByteArray atFull = m_content;

            const QJsonObject metadata = metadataOf(*swift, full);
            const Envelope envelope =
                Envelope::fromJson(metadata.value(QStringLiteral("ember_encryption")).toObject());
            QCOMPARE(envelope.keyFingerprint, key.fingerprint);
            QCOMPARE(envelope.macKeyId, macKeyIdOf(key.macKey));
            for (const QJsonValue& entry : metadata.value(QStringLiteral("objects")).toArray()) {
                const QJsonObject object = entry.toObject().begin().value().toObject();
                QCOMPARE(object.value(QStringLiteral("md5")).toString(), QString());
            }

            // Change a few blocks in two objects, then an incremental.
            QByteArray changed = m_content;
            const QByteArray patch = markerVolume(70000, 99);
            changed.replace(kObjectSize + 5000, patch.size(), patch);
            changed.replace(3 * kObjectSize + 200000, 4096, QByteArray(4096, 'x'));
            writeVolume(changed);
            const Backup incremental = backUp(*engine, full);
            QCOMPARE(incremental.objectCount, qint64(2));
            QCOMPARE(incremental.encryptionKeyFingerprint, key.fingerprint);

            const QMap<QString, QByteArray> objects = rawContainer(*swift, container);
            QCOMPARE(objects.size(), 5 + 2 + 2 * 2); // data + _metadata and _sha256file each
            QCOMPARE(holding(objects, kMarker), QStringList());
            QCOMPARE(holding(objects, kMarker.left(24)), QStringList());
            // The plain SHA-256 of the first block (hex as Cinder writes it) is nowhere.
            QCOMPARE(holding(objects, hexSha256(atFull.left(kBlockSize)).toLatin1()),
                     QStringList());

            ChunkedBackupDriver* restorer = engine.get();
            std::unique_ptr<ChunkedBackupDriver> privateHost;
            if (publicKeyHost) {
                // The public half cannot open the backups: refused before anything is written.
                const QString message = errorOf([&] {
                                            restore(*engine, {full}, QStringLiteral("refused.img"));
                                        }).message();
                QVERIFY2(message.startsWith(QStringLiteral("key not available")),
                         qPrintable(message));
                privateHost = driver(container, compression, {}, {key});
                restorer = privateHost.get();
            }
            QCOMPARE(compareFiles(m_volume.path, restore(*restorer, {full, incremental},
                                                         QStringLiteral("chain.img"))),
                     QString());
            const QString fullOnly = m_dir + QStringLiteral("/at-full.img");
            writeWholeFile(fullOnly, atFull);
            QCOMPARE(compareFiles(fullOnly, restore(*restorer, {full}, QStringLiteral("full.img"))),
                     QString());

            OperationControl control;
            restorer->remove(incremental, control);
            restorer->remove(full, control);
            QCOMPARE(swift->list(container, {}), QStringList());
        });
    }

    // The search that finds nothing above does find the marker and the plain
    // block hashes when the same volume is stored in the clear, uncompressed.
    void markerFoundInTheClear()
    {
        failOnError([&] {
            const QString container = freshContainer();
            auto engine = driver(container, QStringLiteral("none"), {}, {});
            auto swift = store(container);
            const Backup clear = backUp(*engine, std::nullopt);
            QCOMPARE(clear.encryption, QString());
            QVERIFY(!metadataOf(*swift, clear).contains(QStringLiteral("ember_encryption")));
            const QMap<QString, QByteArray> objects = rawContainer(*swift, container);
            QStringList data = dataObjects(*swift, clear);
            QCOMPARE(data.size(), 5);
            QStringList found = holding(objects, kMarker);
            data.sort();
            QCOMPARE(found, data); // every data object, nothing else
            QCOMPARE(holding(objects, hexSha256(m_content.left(kBlockSize)).toLatin1()),
                     QStringList{clear.serviceMetadata + QStringLiteral("_sha256file")});
            QCOMPARE(
                compareFiles(m_volume.path, restore(*engine, {clear}, QStringLiteral("clear.img"))),
                QString());
        });
    }

    // One flipped bit in one stored data object (of the full, or of the
    // incremental): the chain's restore fails naming that object only.
    void flippedBitNamesTheObject_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::addColumn<int>("backupIndex");
        QTest::addColumn<int>("objectIndex");
        QTest::addColumn<int>("where"); // 0 nonce, 1 middle, 2 tag
        QTest::newRow("zlib full, object 2, middle") << QStringLiteral("zlib") << 0 << 1 << 1;
        QTest::newRow("zstd full, last object, tag") << QStringLiteral("zstd") << 0 << 4 << 2;
        QTest::newRow("none incremental, nonce") << QStringLiteral("none") << 1 << 0 << 0;
    }
    void flippedBitNamesTheObject()
    {
        failOnError([&] {
            QFETCH(QString, compression);
            QFETCH(int, backupIndex);
            QFETCH(int, objectIndex);
            QFETCH(int, where);
            const KeySet key =
                generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("swift tampering"));
            const QString container = freshContainer();
            auto engine = driver(container, compression, key.fingerprint, {key});
            auto swift = store(container);
            const Backup full = backUp(*engine, std::nullopt);
            QByteArray changed = m_content;
            changed.replace(2 * kObjectSize + 100, 20000, markerVolume(20000, 5));
            writeVolume(changed);
            const Backup incremental = backUp(*engine, full);
            const QList<Backup> chain{full, incremental};
            // Untampered, the chain restores.
            QCOMPARE(compareFiles(m_volume.path, restore(*engine, chain, QStringLiteral("ok.img"))),
                     QString());

            const Backup& victim = chain[backupIndex];
            const QString object = dataObjects(*swift, victim).value(objectIndex);
            QVERIFY(!object.isEmpty());
            const qint64 size = swift->getAll(container, object).size();
            const qint64 byte = where == 0 ? 3 : where == 1 ? size / 2 : size - 5;
            flipBit(*swift, container, object, byte, 4);
            expectRestoreNaming(*engine, chain, *swift, object);
        });
    }

    // An object of another backup (same key, same volume, same place in the
    // volume) stored under this backup's name fails; so do two objects of one
    // backup swapped.
    void replayedAndSwappedObjectsFail()
    {
        failOnError([&] {
            const KeySet key =
                generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("swift replay"));
            const QString container = freshContainer();
            auto engine = driver(container, QStringLiteral("zlib"), key.fingerprint, {key});
            auto swift = store(container);
            const Backup first = backUp(*engine, std::nullopt);
            const Backup second = backUp(*engine, std::nullopt); // same bytes, another backup
            const QStringList firstObjects = dataObjects(*swift, first);
            const QStringList secondObjects = dataObjects(*swift, second);
            QCOMPARE(firstObjects.size(), 5);
            QCOMPARE(secondObjects.size(), 5);

            const QByteArray original = swift->getAll(container, firstObjects[2]);
            swift->putAll(container, firstObjects[2], swift->getAll(container, secondObjects[2]));
            expectRestoreNaming(*engine, {first}, *swift, firstObjects[2]);
            swift->putAll(container, firstObjects[2], original);
            QCOMPARE(
                compareFiles(m_volume.path, restore(*engine, {first}, QStringLiteral("back.img"))),
                QString());

            // Objects 1 and 2 (both full 1 MiB of the same mix) swapped in place.
            const QByteArray a = swift->getAll(container, secondObjects[0]);
            const QByteArray b = swift->getAll(container, secondObjects[1]);
            swift->putAll(container, secondObjects[0], b);
            swift->putAll(container, secondObjects[1], a);
            const QString message = errorOf([&] {
                                        restore(*engine, {second}, QStringLiteral("swapped.img"));
                                    }).message();
            QVERIFY2(message.contains(secondObjects[0]) || message.contains(secondObjects[1]),
                     qPrintable(message));
        });
    }

    // A damaged wrapped key in `_metadata` fails the restore with the
    // envelope named; a key this host does not have is refused before the
    // target file is written.
    void wrappedKeyAndMissingKey()
    {
        failOnError([&] {
            const KeySet key =
                generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("swift envelope"));
            const QString container = freshContainer();
            auto engine = driver(container, QStringLiteral("zlib"), key.fingerprint, {key});
            auto swift = store(container);
            const Backup backup = backUp(*engine, std::nullopt);

            // No key: refused, the target is as it was (all zeros).
            auto keyless = driver(container, QStringLiteral("zlib"), {}, {});
            const QString target = m_dir + QStringLiteral("/keyless.img");
            QFile::remove(target);
            createSparseImage(target, m_volume.sizeBytes);
            const QByteArray before = fileSha256(target);
            {
                auto device = openLocalVolume(target, OpenMode::ReadWrite);
                Volume volume = engineVolume(target);
                OperationControl control;
                RestoreJob job{{backup}, volume, *device, control};
                const QString message = errorOf([&] { keyless->restore(job); }).message();
                QVERIFY2(message.startsWith(QStringLiteral("key not available")),
                         qPrintable(message));
                QVERIFY2(message.contains(key.fingerprint), qPrintable(message));
            }
            QCOMPARE(fileSha256(target), before);

            // One bit of the wrapped key flipped.
            const QString metadataName = backup.serviceMetadata + QStringLiteral("_metadata");
            const QByteArray originalMetadata = swift->getAll(container, metadataName);
            QJsonObject metadata = QJsonDocument::fromJson(originalMetadata).object();
            QJsonObject envelope = metadata.value(QStringLiteral("ember_encryption")).toObject();
            QByteArray wrapped = QByteArray::fromBase64(
                envelope.value(QStringLiteral("wrapped_key")).toString().toLatin1());
            QVERIFY(wrapped.size() > 20);
            wrapped[20] = char(wrapped[20] ^ 0x01);
            envelope.insert(QStringLiteral("wrapped_key"), QString::fromLatin1(wrapped.toBase64()));
            metadata.insert(QStringLiteral("ember_encryption"), envelope);
            swift->putAll(container, metadataName, QJsonDocument(metadata).toJson());
            const QString message = errorOf([&] {
                                        restore(*engine, {backup}, QStringLiteral("badkey.img"));
                                    }).message();
            QVERIFY2(message.contains(QStringLiteral("wrapped key")) && message.contains(backup.id),
                     qPrintable(message));

            swift->putAll(container, metadataName, originalMetadata);
            QCOMPARE(
                compareFiles(m_volume.path, restore(*engine, {backup}, QStringLiteral("ok.img"))),
                QString());
        });
    }
};

QTEST_GUILESS_MAIN(TestSwiftEncryption)
#include "tst_swiftencryption.moc"
