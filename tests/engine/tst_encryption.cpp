// Encryption at rest in the chunked engine, against a posix store in a temp
// directory: round trips for every compression (each restore compared byte
// for byte with its source), a marker from the volume that must not appear in
// the store, tampering with every stored part, missing, public-only and
// forged keys refused before anything is written, rotation, incrementals
// across a key change, synthetic fulls and sampled verification.
#include "chunkeddriver.h"
#include "chunkedformat.h"
#include "posixstore.h"
#include "sealing.h"
#include "testsupport.h"
#include "volumedevice.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <map>
#include <memory>

using namespace ember;
using namespace ember::test;

namespace {

constexpr qint64 MiB = 1 << 20;

// The keys "this host" has; tests change them between steps.
struct KeyRing
{
    std::map<QString, KeySet> keys;
    void add(const KeySet& key) { keys[key.fingerprint] = key; }
    KeyLookup lookup()
    {
        return [this](const QString& fingerprint) -> std::optional<KeySet> {
            auto found = keys.find(fingerprint);
            if (found == keys.end())
                return std::nullopt;
            return found->second;
        };
    }
};

// The posix store with S3 Object Lock's promise (a retention on every object
// it writes), counting the puts of each object.
class RetainingStore : public PosixObjectStore
{
public:
    RetainingStore(const QString& base, QHash<QString, int>& puts)
        : PosixObjectStore(base), m_puts(puts)
    {
    }
    void put(const QString& container, const QString& name, const DataProducer& producer,
             std::optional<qint64> length) override
    {
        ++m_puts[name];
        PosixObjectStore::put(container, name, producer, length);
    }
    std::optional<ObjectRetention> retentionForNewObjects() const override
    {
        return ObjectRetention{QStringLiteral("COMPLIANCE"),
                               QDateTime::currentDateTimeUtc().addDays(2)};
    }

private:
    QHash<QString, int>& m_puts;
};

struct Harness
{
    QString dir;
    QString store;
    ChunkedOptions options;
    KeyRing ring;
    QHash<QString, int>* retainingPuts = nullptr; // set: a store that locks what it writes

    std::unique_ptr<ChunkedBackupDriver> driver()
    {
        auto made = retainingPuts
                        ? std::make_unique<ChunkedBackupDriver>(
                              std::make_unique<RetainingStore>(store, *retainingPuts), options)
                        : posixChunkedDriver(store, options);
        made->setKeyLookup(ring.lookup());
        return made;
    }

    Backup backUp(const QString& path, const std::optional<Backup>& parent)
    {
        return backUpFile(*driver(), path, parent);
    }

    QString restore(const QList<Backup>& chain, qint64 size, const QString& name)
    {
        return restoreChain(*driver(), chain, dir + QLatin1Char('/') + name, size);
    }

    // Restores into a file pre-filled with a pattern; returns the error (empty
    // message when none).
    Error restoreOver(const QList<Backup>& chain, const QString& target)
    {
        auto device = openLocalVolume(target, OpenMode::ReadWrite);
        Volume volume = engineVolume(target);
        OperationControl control;
        RestoreJob job{chain, volume, *device, control};
        return errorOf([&] { driver()->restore(job); });
    }

    QString containerDir(const Backup& backup) const
    {
        return store + QLatin1Char('/') + backup.container;
    }
    QString objectPath(const Backup& backup, const QString& suffix) const
    {
        return containerDir(backup) + QLatin1Char('/') + backup.serviceMetadata + suffix;
    }
};

QJsonObject readJson(const QString& path)
{
    return QJsonDocument::fromJson(readWholeFile(path)).object();
}

void writeJson(const QString& path, const QJsonObject& json)
{
    writeWholeFile(path, QJsonDocument(json).toJson());
}

QString copyOf(const QString& path, const QString& copy)
{
    QFile::remove(copy);
    if (!QFile::copy(path, copy))
        qFatal("copy failed");
    return copy;
}

void flipBit(const QString& path, qint64 offset)
{
    QByteArray data = readWholeFile(path);
    data[offset] = char(data[offset] ^ 0x10);
    writeWholeFile(path, data);
}

// A target of `size` bytes holding a pattern, to see that nothing was written.
QString patternFile(const QString& path, qint64 size)
{
    QByteArray data(size, '\0');
    for (qint64 i = 0; i < size; ++i)
        data[i] = char(0xA5 ^ (i % 251));
    writeWholeFile(path, data);
    return copyOf(path, path + QStringLiteral(".pattern"));
}

QJsonObject objectFields(const QJsonObject& metadata, int index)
{
    return metadata.value(QStringLiteral("objects"))
        .toArray()
        .at(index)
        .toObject()
        .begin()
        .value()
        .toObject();
}

QString dataObjectAt(const QJsonObject& metadata, int index)
{
    return metadata.value(QStringLiteral("objects")).toArray().at(index).toObject().begin().key();
}

QJsonObject withObjectField(QJsonObject metadata, int index, const QString& field,
                            const QJsonValue& value)
{
    QJsonArray objects = metadata.value(QStringLiteral("objects")).toArray();
    QJsonObject wrapper = objects.at(index).toObject();
    const QString name = wrapper.begin().key();
    QJsonObject fields = wrapper.begin().value().toObject();
    fields[field] = value;
    wrapper[name] = fields;
    objects[index] = wrapper;
    metadata[QStringLiteral("objects")] = objects;
    return metadata;
}

QJsonObject withEnvelopeField(QJsonObject metadata, const QString& field, const QJsonValue& value)
{
    QJsonObject envelope = metadata.value(QStringLiteral("ember_encryption")).toObject();
    envelope[field] = value;
    metadata[QStringLiteral("ember_encryption")] = envelope;
    return metadata;
}

// `hex` with its last digit changed.
QString otherHex(const QString& hex)
{
    QString changed = hex;
    changed[changed.size() - 1] =
        hex.endsWith(QLatin1Char('0')) ? QLatin1Char('1') : QLatin1Char('0');
    return changed;
}

qint64 storedSize(const Harness& h, const Backup& backup)
{
    qint64 total = 0;
    for (const QString& file : QDir(h.containerDir(backup)).entryList(QDir::Files))
        if (file.startsWith(backup.serviceMetadata))
            total += QFileInfo(h.containerDir(backup) + QLatin1Char('/') + file).size();
    return total;
}

} // namespace

class EncryptionTest : public QObject
{
    Q_OBJECT
private:
    Harness harness(const QString& tag, const QString& compression = QStringLiteral("zlib"),
                    KeySet::Kind kind = KeySet::Kind::Symmetric)
    {
        Harness h;
        h.dir = freshDir(QStringLiteral("encryption-") + tag);
        h.store = h.dir + QStringLiteral("/store");
        h.options.objectSize = MiB;
        h.options.compression = compression;
        h.options.pieceSize = 64 * 1024;
        const KeySet key = generateKeySet(kind, QStringLiteral("test key"));
        h.ring.add(key);
        h.options.encryptionKey = key.fingerprint;
        return h;
    }

    KeySet keyOf(Harness& h) { return h.ring.keys.at(h.options.encryptionKey); }

    // A full backup and two incrementals of a mixed volume; each state kept.
    struct Chain
    {
        QString source;
        QList<Backup> backups;
        QStringList states;
        qint64 size = 0;
    };
    Chain makeChain(Harness& h, int incrementals = 2)
    {
        Chain chain;
        chain.size = 5 * MiB + 12345;
        chain.source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(chain.source, chain.size, Fill::Mixed, 7);
        chain.backups.append(h.backUp(chain.source, std::nullopt));
        chain.states.append(copyOf(chain.source, h.dir + QStringLiteral("/state0.img")));
        for (int level = 1; level <= incrementals; ++level) {
            mutateFile(chain.source, 3, 40000, quint32(100 + level));
            chain.backups.append(h.backUp(chain.source, chain.backups.last()));
            chain.states.append(
                copyOf(chain.source, h.dir + QStringLiteral("/state%1.img").arg(level)));
        }
        return chain;
    }

private Q_SLOTS:
    void optionsFromBackendConfiguration()
    {
        const auto read = [](const QJsonObject& options) {
            return chunkedOptionsFrom(options, QStringLiteral("backup_file_size"), 1999994880,
                                      QStringLiteral("backup_sha_block_size_bytes"), 32768);
        };
        QCOMPARE(read({}).encryptionKey, QString());
        QCOMPARE(read({{QStringLiteral("backup_ember_encryption"), QStringLiteral("none")},
                       {QStringLiteral("ember_encryption_key"), QStringLiteral("ab")}})
                     .encryptionKey,
                 QString());
        QCOMPARE(read({{QStringLiteral("backup_ember_encryption"), QStringLiteral("aes-256-gcm")},
                       {QStringLiteral("ember_encryption_key"), QStringLiteral("ab-cd")}})
                     .encryptionKey,
                 QStringLiteral("ab-cd"));
        QVERIFY(
            errorOf([&] {
                read({{QStringLiteral("backup_ember_encryption"), QStringLiteral("aes-256-gcm")}});
            })
                .message()
                .contains(QStringLiteral("ember_encryption_key")));
        QVERIFY(errorOf([&] {
                    read({{QStringLiteral("backup_ember_encryption"), QStringLiteral("rot13")}});
                })
                    .message()
                    .contains(QStringLiteral("rot13")));
    }

    void chainRoundTrip_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::addColumn<QString>("zlibEngine");
        QTest::newRow("none") << QStringLiteral("none") << QStringLiteral("isal");
        QTest::newRow("zlib-isal") << QStringLiteral("zlib") << QStringLiteral("isal");
        QTest::newRow("zlib-zlib") << QStringLiteral("zlib") << QStringLiteral("zlib");
        QTest::newRow("bz2") << QStringLiteral("bz2") << QStringLiteral("isal");
        QTest::newRow("zstd") << QStringLiteral("zstd") << QStringLiteral("isal");
    }
    void chainRoundTrip()
    {
        QFETCH(QString, compression);
        QFETCH(QString, zlibEngine);
        Harness h =
            harness(QStringLiteral("chain-") + QLatin1String(QTest::currentDataTag()), compression);
        h.options.zlibEngine = zlibEngine;
        const Chain chain = makeChain(h);
        const KeySet key = keyOf(h);
        for (qsizetype level = 0; level < chain.backups.size(); ++level) {
            const Backup& backup = chain.backups[level];
            QCOMPARE(backup.encryption, kEncryptionScheme);
            QCOMPARE(backup.encryptionKeyFingerprint, key.fingerprint);
            QCOMPARE(backup.storedBytes, storedSize(h, backup));
            const QJsonObject metadata =
                readJson(h.objectPath(backup, QStringLiteral("_metadata")));
            const Envelope envelope =
                Envelope::fromJson(metadata.value(QStringLiteral("ember_encryption")).toObject());
            QCOMPARE(envelope.keyFingerprint, key.fingerprint);
            QCOMPARE(envelope.macKeyId, macKeyIdOf(key.macKey));
            const QJsonArray objects = metadata.value(QStringLiteral("objects")).toArray();
            QVERIFY(!objects.isEmpty());
            for (int i = 0; i < objects.size(); ++i) {
                const QJsonObject fields = objectFields(metadata, i);
                QCOMPARE(fields.value(QStringLiteral("md5")).toString(), QString());
                const QString tag = fields.value(QStringLiteral("compression")).toString();
                if (compression == QLatin1String("none"))
                    QCOMPARE(tag, QStringLiteral("none"));
                const qint64 stored =
                    QFileInfo(h.containerDir(backup) + QLatin1Char('/') + dataObjectAt(metadata, i))
                        .size();
                const qint64 length = qint64(fields.value(QStringLiteral("length")).toDouble());
                if (tag == QLatin1String("none"))
                    QCOMPARE(stored, length + kObjectOverhead);
                else
                    QVERIFY(stored < length + kObjectOverhead);
            }
            const QString restored = h.restore(chain.backups.mid(0, level + 1), chain.size,
                                               QStringLiteral("restored%1.img").arg(level));
            QCOMPARE(compareFiles(chain.states[level], restored), QString());
        }
        const VerifyReport report =
            h.driver()->verify(chain.backups, *std::make_unique<OperationControl>());
        QVERIFY2(report.problems.isEmpty(), qPrintable(report.problems.join('\n')));
        QVERIFY(report.objectsChecked > 0);
    }

    // The block list is keyed: the same volume under another key has other
    // entries, and no entry is the plain SHA-256 of its block.
    void blockListIsKeyed()
    {
        Harness h = harness(QStringLiteral("keyed"));
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 2 * MiB, Fill::Zeros, 1);
        const Backup encrypted = h.backUp(source, std::nullopt);
        h.options.encryptionKey.clear();
        const Backup clear = h.backUp(source, std::nullopt);
        const QJsonArray macs = readJson(h.objectPath(encrypted, QStringLiteral("_sha256file")))
                                    .value(QStringLiteral("sha256s"))
                                    .toArray();
        const QJsonArray hashes = readJson(h.objectPath(clear, QStringLiteral("_sha256file")))
                                      .value(QStringLiteral("sha256s"))
                                      .toArray();
        QCOMPARE(macs.size(), hashes.size());
        for (const QJsonValue& mac : macs)
            QVERIFY(!hashes.contains(mac));
    }

    void markerIsNotInTheStore()
    {
        const QByteArray marker = "EMBER-MARKER:secret-volume-12345";
        QCOMPARE(marker.size(), 32);
        for (const bool encrypted : {true, false}) {
            Harness h =
                harness(encrypted ? QStringLiteral("marker-on") : QStringLiteral("marker-off"),
                        QStringLiteral("none"));
            if (!encrypted)
                h.options.encryptionKey.clear();
            QByteArray volume;
            for (int i = 0; volume.size() < 3 * MiB; ++i)
                volume += marker + QByteArray::number(i).rightJustified(96, '.');
            const QString source = h.dir + QStringLiteral("/source.img");
            writeWholeFile(source, volume);
            const Backup backup = h.backUp(source, std::nullopt);
            bool found = false;
            const QStringList files = filesInTree(h.store);
            QVERIFY(files.size() >= 5);
            for (const QString& file : files)
                found = found || readWholeFile(file).contains(marker);
            QCOMPARE(found, !encrypted);
            const QString restored =
                h.restore({backup}, volume.size(), QStringLiteral("restored.img"));
            QCOMPARE(compareFiles(source, restored), QString());
        }
    }

    void tampering_data()
    {
        QTest::addColumn<QString>("part");
        QTest::addColumn<QString>("named");
        for (const char* part :
             {"object-first", "object-middle", "object-last", "wrapped-key", "offset", "length",
              "compression", "mac-key-id", "sha256file-mac", "sha256file", "truncated-object"})
            QTest::newRow(part) << QString::fromLatin1(part) << QString();
    }
    void tampering()
    {
        QFETCH(QString, part);
        Harness h = harness(QStringLiteral("tamper-") + part);
        const Chain chain = makeChain(h, 1);
        const Backup& newest = chain.backups.last();
        const Backup& full = chain.backups.first();
        const QString metadataPath = h.objectPath(newest, QStringLiteral("_metadata"));
        const QJsonObject metadata = readJson(metadataPath);
        const QJsonObject fullMetadata = readJson(h.objectPath(full, QStringLiteral("_metadata")));
        QString named; // what the message must name
        // Or, for a changed place of an object that authenticates where it is
        // read: the newest block list its bytes do not match there.
        QString namedOtherwise = QStringLiteral("(none)");
        bool nothingWritten = false; // tampering found before any object is read
        if (part.startsWith(QLatin1String("object-")) ||
            part == QLatin1String("truncated-object")) {
            const int index = part == QLatin1String("object-first")    ? 0
                              : part == QLatin1String("object-middle") ? 2
                                                                       : 5;
            named = dataObjectAt(fullMetadata, index);
            const QString path = h.containerDir(full) + QLatin1Char('/') + named;
            const qint64 size = QFileInfo(path).size();
            if (part == QLatin1String("truncated-object"))
                writeWholeFile(path, readWholeFile(path).left(20));
            else
                flipBit(path, part == QLatin1String("object-first") ? 3 : size / 2);
        } else if (part == QLatin1String("wrapped-key")) {
            QByteArray wrapped =
                QByteArray::fromBase64(metadata.value(QStringLiteral("ember_encryption"))
                                           .toObject()
                                           .value(QStringLiteral("wrapped_key"))
                                           .toString()
                                           .toLatin1());
            wrapped[20] = char(wrapped[20] ^ 1);
            writeJson(metadataPath, withEnvelopeField(metadata, QStringLiteral("wrapped_key"),
                                                      QString::fromLatin1(wrapped.toBase64())));
            named = newest.id;
            nothingWritten = true;
        } else if (part == QLatin1String("offset") || part == QLatin1String("length") ||
                   part == QLatin1String("compression")) {
            // The incremental's first object: a changed run inside the volume.
            const QJsonObject fields = objectFields(metadata, 0);
            QJsonValue value;
            if (part == QLatin1String("offset"))
                value = fields.value(QStringLiteral("offset")).toDouble() + 32768;
            else if (part == QLatin1String("length"))
                value = fields.value(QStringLiteral("length")).toDouble() - 32768;
            else
                value =
                    fields.value(QStringLiteral("compression")).toString() == QLatin1String("zlib")
                        ? QStringLiteral("none")
                        : QStringLiteral("zlib");
            QVERIFY(fields.value(QStringLiteral("length")).toDouble() > 32768);
            writeJson(metadataPath, withObjectField(metadata, 0, part, value));
            named = dataObjectAt(metadata, 0);
            namedOtherwise = newest.serviceMetadata + QStringLiteral("_sha256file");
        } else if (part == QLatin1String("mac-key-id")) {
            const QString id = metadata.value(QStringLiteral("ember_encryption"))
                                   .toObject()
                                   .value(QStringLiteral("mac_key_id"))
                                   .toString();
            writeJson(metadataPath,
                      withEnvelopeField(metadata, QStringLiteral("mac_key_id"), otherHex(id)));
            named = newest.id;
            nothingWritten = true;
        } else if (part == QLatin1String("sha256file-mac")) {
            const QString mac = metadata.value(QStringLiteral("ember_encryption"))
                                    .toObject()
                                    .value(QStringLiteral("sha256file_mac"))
                                    .toString();
            writeJson(metadataPath,
                      withEnvelopeField(metadata, QStringLiteral("sha256file_mac"), otherHex(mac)));
            named = newest.serviceMetadata + QStringLiteral("_sha256file");
            nothingWritten = true;
        } else if (part == QLatin1String("sha256file")) {
            const QString path = h.objectPath(newest, QStringLiteral("_sha256file"));
            QByteArray text = readWholeFile(path);
            // A hex digit of the first MAC, changed to another hex digit.
            const qsizetype at = text.indexOf("\"sha256s\": [\n    \"") + 20;
            text[at] = text[at] == '0' ? '1' : '0';
            writeWholeFile(path, text);
            named = newest.serviceMetadata + QStringLiteral("_sha256file");
            nothingWritten = true;
        }
        const QString target = h.dir + QStringLiteral("/target.img");
        const QString pattern = patternFile(target, chain.size);
        const Error error = h.restoreOver(chain.backups, target);
        QVERIFY2(!error.message().isEmpty(), "the tampered chain restored");
        QVERIFY2(error.message().contains(named) || error.message().contains(namedOtherwise),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("does not authenticate")),
                 qPrintable(error.message()));
        if (nothingWritten)
            QCOMPARE(compareFiles(target, pattern), QString());
        // Verification finds it too.
        OperationControl control;
        const VerifyReport report = h.driver()->verify(chain.backups, control);
        QVERIFY(!report.problems.isEmpty());
        QVERIFY2(report.problems.first().contains(named) ||
                     report.problems.first().contains(namedOtherwise),
                 qPrintable(report.problems.first()));
        QVERIFY2(report.problems.first().contains(QStringLiteral("does not authenticate")),
                 qPrintable(report.problems.first()));
    }

    void swappedObjectsFail()
    {
        Harness h = harness(QStringLiteral("swap"), QStringLiteral("none"));
        const Chain chain = makeChain(h, 0);
        const Backup& full = chain.backups.first();
        const QString a = h.objectPath(full, QStringLiteral("-00002"));
        const QString b = h.objectPath(full, QStringLiteral("-00003"));
        QVERIFY(QFile::rename(a, a + QStringLiteral(".tmp")));
        QVERIFY(QFile::rename(b, a));
        QVERIFY(QFile::rename(a + QStringLiteral(".tmp"), b));
        const Error error =
            errorOf([&] { h.restore(chain.backups, chain.size, QStringLiteral("restored.img")); });
        QVERIFY2(error.message().contains(QStringLiteral("does not authenticate")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(full.serviceMetadata + QStringLiteral("-0000")),
                 qPrintable(error.message()));
    }

    void replayedObjectFails()
    {
        Harness h = harness(QStringLiteral("replay"), QStringLiteral("none"));
        const Chain chain = makeChain(h, 0);
        // A second full of the same, unchanged volume: same offsets, lengths, tags.
        const Backup second = h.backUp(chain.source, std::nullopt);
        const QString restoredSecond =
            h.restore({second}, chain.size, QStringLiteral("second.img"));
        QCOMPARE(compareFiles(chain.source, restoredSecond), QString());
        const QString target = h.objectPath(second, QStringLiteral("-00002"));
        QFile::remove(target);
        copyOf(h.objectPath(chain.backups.first(), QStringLiteral("-00002")), target);
        const Error error =
            errorOf([&] { h.restore({second}, chain.size, QStringLiteral("restored.img")); });
        QVERIFY2(error.message().contains(second.serviceMetadata + QStringLiteral("-00002")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("does not authenticate")),
                 qPrintable(error.message()));
    }

    void missingOrPublicOnlyKeyWritesNothing()
    {
        Harness h =
            harness(QStringLiteral("missing"), QStringLiteral("zlib"), KeySet::Kind::X25519);
        const Chain chain = makeChain(h, 1);
        const KeySet key = keyOf(h);
        const QString target = h.dir + QStringLiteral("/target.img");
        const QString pattern = patternFile(target, chain.size);

        h.ring.keys.clear();
        Error error = h.restoreOver(chain.backups, target);
        QVERIFY2(error.message().startsWith(QStringLiteral("key not available")),
                 qPrintable(error.message()));
        QVERIFY(error.message().contains(key.fingerprint));
        QCOMPARE(compareFiles(target, pattern), QString());
        OperationControl control;
        QVERIFY(h.driver()
                    ->verify(chain.backups, control)
                    .problems.value(0)
                    .startsWith(QStringLiteral("key not available")));

        h.ring.add(key.publicOnly());
        error = h.restoreOver(chain.backups, target);
        QVERIFY2(error.message().startsWith(QStringLiteral("key not available")),
                 qPrintable(error.message()));
        QCOMPARE(compareFiles(target, pattern), QString());

        // A backup to a backend whose key this host lacks writes nothing at all.
        h.ring.keys.clear();
        const QStringList before = filesInTree(h.store);
        error = errorOf([&] { h.backUp(chain.source, std::nullopt); });
        QVERIFY2(error.message().startsWith(
                     QStringLiteral("key not available: backend encrypts with key %1")
                         .arg(key.fingerprint)),
                 qPrintable(error.message()));
        QCOMPARE(filesInTree(h.store), before);
    }

    void forgedKeyWritesNothing()
    {
        Harness h = harness(QStringLiteral("forged"));
        const Chain chain = makeChain(h, 1);
        KeySet forged = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("forged"));
        forged.fingerprint = h.options.encryptionKey;
        forged.macKey = keyOf(h).macKey; // even with the right block-MAC key
        h.ring.add(forged);
        const QString target = h.dir + QStringLiteral("/target.img");
        const QString pattern = patternFile(target, chain.size);
        const Error error = h.restoreOver(chain.backups, target);
        QVERIFY2(error.message().contains(QStringLiteral("does not authenticate")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(chain.backups.first().id), qPrintable(error.message()));
        QCOMPARE(compareFiles(target, pattern), QString());
    }

    void publicKeyMode()
    {
        Harness h = harness(QStringLiteral("public"), QStringLiteral("zstd"), KeySet::Kind::X25519);
        const KeySet key = keyOf(h);
        QVERIFY(key.canUnwrap());
        h.ring.keys.clear();
        h.ring.add(key.publicOnly());
        const Chain chain = makeChain(h, 1);
        QCOMPARE(chain.backups.last().encryptionKeyFingerprint, key.fingerprint);
        const Error error =
            errorOf([&] { h.restore(chain.backups, chain.size, QStringLiteral("refused.img")); });
        QVERIFY2(error.message().startsWith(QStringLiteral("key not available")),
                 qPrintable(error.message()));
        h.ring.add(key);
        const QString restored =
            h.restore(chain.backups, chain.size, QStringLiteral("restored.img"));
        QCOMPARE(compareFiles(chain.states.last(), restored), QString());
    }

    void rotationRewrapsOnlyMetadata()
    {
        Harness h = harness(QStringLiteral("rotate"));
        const Chain chain = makeChain(h, 1);
        const KeySet old = keyOf(h);
        const KeySet rotated = rotatedKey(old);
        QVERIFY(rotated.fingerprint != old.fingerprint);
        QMap<QString, QByteArray> before;
        for (const QString& file : filesInTree(h.store))
            before[file] = readWholeFile(file);
        OperationControl control;
        for (const Backup& backup : chain.backups)
            h.driver()->rewrapKey(backup, rotated, control);
        for (const QString& file : filesInTree(h.store)) {
            if (file.endsWith(QLatin1String("_metadata")))
                QVERIFY(readWholeFile(file) != before.value(file));
            else
                QCOMPARE(readWholeFile(file), before.value(file));
        }
        h.ring.keys.clear();
        h.ring.add(rotated);
        const QString restored =
            h.restore(chain.backups, chain.size, QStringLiteral("restored.img"));
        QCOMPARE(compareFiles(chain.states.last(), restored), QString());
        for (const Backup& backup : chain.backups)
            QCOMPARE(Envelope::fromJson(readJson(h.objectPath(backup, QStringLiteral("_metadata")))
                                            .value(QStringLiteral("ember_encryption"))
                                            .toObject())
                         .keyFingerprint,
                     rotated.fingerprint);
        // The chain goes on under the rotated key (same block-MAC key).
        h.options.encryptionKey = rotated.fingerprint;
        mutateFile(chain.source, 2, 30000, 77);
        QList<Backup> longer = chain.backups;
        longer.append(h.backUp(chain.source, longer.last()));
        QCOMPARE(
            compareFiles(chain.source, h.restore(longer, chain.size, QStringLiteral("longer.img"))),
            QString());

        // Without the key it is sealed under nothing rotates; a backup in the clear has
        // nothing to rotate.
        h.ring.keys.clear();
        h.ring.add(old);
        Error error = errorOf([&] { h.driver()->rewrapKey(chain.backups.first(), old, control); });
        QVERIFY2(error.message().startsWith(QStringLiteral("key not available")),
                 qPrintable(error.message()));
        h.options.encryptionKey.clear();
        const Backup clear = h.backUp(chain.source, std::nullopt);
        h.ring.add(rotated);
        error = errorOf([&] { h.driver()->rewrapKey(clear, rotated, control); });
        QVERIFY2(error.message().contains(QStringLiteral("not encrypted")),
                 qPrintable(error.message()));
    }

    void incrementalAcrossKeyChangeIsRefused()
    {
        Harness h = harness(QStringLiteral("keychange"));
        const Chain chain = makeChain(h, 0);
        const KeySet other = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("other"));
        h.ring.add(other);
        mutateFile(chain.source, 2, 30000, 5);
        const QStringList before = filesInTree(h.store);
        auto refused = [&](const QString& why) {
            const Error error = errorOf([&] { h.backUp(chain.source, chain.backups.last()); });
            QVERIFY2(error.message().startsWith(QStringLiteral("encryption changed since backup %1")
                                                    .arg(chain.backups.last().id)),
                     qPrintable(why + QStringLiteral(": ") + error.message()));
            QVERIFY2(error.message().endsWith(QStringLiteral("do a full backup")),
                     qPrintable(error.message()));
            QCOMPARE(filesInTree(h.store), before);
        };
        h.options.encryptionKey = other.fingerprint;
        refused(QStringLiteral("another block-MAC key"));
        h.options.encryptionKey.clear();
        refused(QStringLiteral("the backend stopped encrypting"));
        // The other way round: an encrypting backend after a backup in the clear.
        const Backup clear = h.backUp(chain.source, std::nullopt);
        h.options.encryptionKey = other.fingerprint;
        const Error error = errorOf([&] { h.backUp(chain.source, clear); });
        QVERIFY2(error.message().startsWith(
                     QStringLiteral("encryption changed since backup %1").arg(clear.id)),
                 qPrintable(error.message()));
    }

    // On a store that locks what it writes, each object is encoded in memory
    // and stored once: compressed and encrypted, or raw and encrypted when
    // compressing did not shrink it.
    void lockingStoreStoresEachObjectOnce()
    {
        Harness h = harness(QStringLiteral("locking"));
        QHash<QString, int> puts;
        h.retainingPuts = &puts;
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 2 * MiB, Fill::Random, 3);
        const QString text = h.dir + QStringLiteral("/text.img");
        makeVolumeFile(text, 2 * MiB + 777, Fill::Text, 4);
        writeWholeFile(source, readWholeFile(source) + readWholeFile(text));
        const qint64 size = QFileInfo(source).size();
        const Backup backup = h.backUp(source, std::nullopt);
        const QJsonObject metadata = readJson(h.objectPath(backup, QStringLiteral("_metadata")));
        QStringList tags;
        for (int i = 0; i < int(backup.objectCount); ++i) {
            const QString name = dataObjectAt(metadata, i);
            QCOMPARE(puts.value(name), 1);
            const QJsonObject fields = objectFields(metadata, i);
            tags << fields.value(QStringLiteral("compression")).toString();
            const qint64 stored =
                QFileInfo(h.containerDir(backup) + QLatin1Char('/') + name).size();
            if (tags.last() == QLatin1String("none"))
                QCOMPARE(stored, qint64(fields.value(QStringLiteral("length")).toDouble()) +
                                     kObjectOverhead);
        }
        QCOMPARE(tags.first(), QStringLiteral("none"));
        QCOMPARE(tags.last(), QStringLiteral("zlib"));
        QCOMPARE(backup.storedBytes, storedSize(h, backup));
        QCOMPARE(compareFiles(source, h.restore({backup}, size, QStringLiteral("restored.img"))),
                 QString());
    }

    // Where the parent opens, its block list must be the one it sealed.
    void incrementalChecksItsParentsList()
    {
        Harness h = harness(QStringLiteral("parentlist"));
        const Chain chain = makeChain(h, 0);
        const Backup& full = chain.backups.first();
        const QString path = h.objectPath(full, QStringLiteral("_sha256file"));
        QByteArray text = readWholeFile(path);
        const qsizetype at = text.indexOf("\"sha256s\": [\n    \"") + 20;
        text[at] = text[at] == '0' ? '1' : '0';
        writeWholeFile(path, text);
        mutateFile(chain.source, 2, 30000, 9);
        const QStringList before = filesInTree(h.store);
        const Error error = errorOf([&] { h.backUp(chain.source, full); });
        QVERIFY2(error.message().contains(QStringLiteral("does not authenticate")) &&
                     error.message().contains(full.serviceMetadata + QStringLiteral("_sha256file")),
                 qPrintable(error.message()));
        QCOMPARE(filesInTree(h.store), before);
    }

    void syntheticFullOfEncryptedChain()
    {
        Harness h = harness(QStringLiteral("synthetic"), QStringLiteral("zlib"));
        const Chain chain = makeChain(h, 2);
        Backup synthetic;
        synthetic.id = newUuid();
        synthetic.volumeId = chain.backups.last().volumeId;
        synthetic.createdAt = QDateTime::currentDateTimeUtc();
        synthetic.displayName = QStringLiteral("synthetic");
        OperationControl control;
        const QList<Backup> source = chain.backups.mid(0, 2);
        SynthesizeJob job{source, synthetic, control};
        h.driver()->synthesize(job);
        QCOMPARE(synthetic.encryption, kEncryptionScheme);
        QCOMPARE(synthetic.encryptionKeyFingerprint, h.options.encryptionKey);
        QCOMPARE(synthetic.storedBytes, storedSize(h, synthetic));
        const Envelope envelope =
            Envelope::fromJson(readJson(h.objectPath(synthetic, QStringLiteral("_metadata")))
                                   .value(QStringLiteral("ember_encryption"))
                                   .toObject());
        QCOMPARE(envelope.macKeyId, macKeyIdOf(keyOf(h).macKey));
        // Nothing is copied as stored: every object is sealed for the new backup.
        for (const QString& number : {QStringLiteral("-00001"), QStringLiteral("-00005")})
            QVERIFY(readWholeFile(h.objectPath(synthetic, number)) !=
                    readWholeFile(h.objectPath(chain.backups.first(), number)));
        QCOMPARE(compareFiles(chain.states[1],
                              h.restore({synthetic}, chain.size, QStringLiteral("synthetic.img"))),
                 QString());
        // The last incremental, re-parented onto the synthetic full, still restores.
        Backup child = chain.backups.last();
        h.driver()->reparent(child, synthetic, control);
        child.parentId = synthetic.id;
        QVERIFY(readJson(h.objectPath(child, QStringLiteral("_metadata")))
                    .contains(QStringLiteral("ember_encryption")));
        QCOMPARE(compareFiles(chain.states[2], h.restore({synthetic, child}, chain.size,
                                                         QStringLiteral("child.img"))),
                 QString());
        // Without the key, no synthetic full is made.
        h.ring.keys.clear();
        Backup refused;
        refused.id = newUuid();
        refused.volumeId = synthetic.volumeId;
        refused.createdAt = QDateTime::currentDateTimeUtc();
        SynthesizeJob refusedJob{source, refused, control};
        const Error error = errorOf([&] { h.driver()->synthesize(refusedJob); });
        QVERIFY2(error.message().startsWith(QStringLiteral("key not available")),
                 qPrintable(error.message()));
    }

    void sampledVerification()
    {
        Harness h = harness(QStringLiteral("sample"), QStringLiteral("bz2"));
        const Chain chain = makeChain(h, 1);
        auto driver = h.driver();
        const QStringList own = driver->verifiableObjects(chain.backups.last());
        QVERIFY(!own.isEmpty());
        OperationControl control;
        VerifyReport report = driver->verifySample(chain.backups, {{own.first()}}, control);
        QVERIFY2(report.problems.isEmpty(), qPrintable(report.problems.join('\n')));
        QCOMPARE(report.objectsChecked, qint64(1));
        flipBit(h.containerDir(chain.backups.last()) + QLatin1Char('/') + own.first(), 30);
        report = driver->verifySample(chain.backups, {{own.first()}}, control);
        QVERIFY(!report.problems.isEmpty());
        QVERIFY2(report.problems.first().contains(own.first()) &&
                     report.problems.first().contains(QStringLiteral("does not authenticate")),
                 qPrintable(report.problems.first()));
        h.ring.keys.clear();
        report = driver->verifySample(chain.backups, {{own.first()}}, control);
        QVERIFY(report.problems.value(0).startsWith(QStringLiteral("key not available")));
    }

    // Encryption off: `_metadata` is Cinder's, with no new field and an MD5 per object.
    void clearMetadataIsUnchanged()
    {
        Harness h = harness(QStringLiteral("clear"));
        h.options.encryptionKey.clear();
        const Chain chain = makeChain(h, 1);
        for (const Backup& backup : chain.backups) {
            QVERIFY(backup.encryption.isEmpty());
            QVERIFY(backup.encryptionKeyFingerprint.isEmpty());
            const QJsonObject metadata =
                readJson(h.objectPath(backup, QStringLiteral("_metadata")));
            QStringList keys = metadata.keys();
            QCOMPARE(keys,
                     (QStringList{QStringLiteral("backup_description"), QStringLiteral("backup_id"),
                                  QStringLiteral("backup_name"), QStringLiteral("created_at"),
                                  QStringLiteral("objects"), QStringLiteral("parent_id"),
                                  QStringLiteral("version"), QStringLiteral("volume_id"),
                                  QStringLiteral("volume_meta")}));
            const QJsonArray objects = metadata.value(QStringLiteral("objects")).toArray();
            for (int i = 0; i < objects.size(); ++i) {
                const QJsonObject fields = objectFields(metadata, i);
                QCOMPARE(fields.keys(),
                         (QStringList{QStringLiteral("compression"), QStringLiteral("length"),
                                      QStringLiteral("md5"), QStringLiteral("offset")}));
                QCOMPARE(fields.value(QStringLiteral("md5")).toString().size(), 32);
            }
        }
        QCOMPARE(compareFiles(chain.states.last(),
                              h.restore(chain.backups, chain.size, QStringLiteral("restored.img"))),
                 QString());
        // A chain mixing clear and encrypted backups is refused.
        QJsonObject metadata =
            readJson(h.objectPath(chain.backups.last(), QStringLiteral("_metadata")));
        metadata[QStringLiteral("ember_encryption")] =
            QJsonObject{{QStringLiteral("scheme"), kEncryptionScheme}};
        writeJson(h.objectPath(chain.backups.last(), QStringLiteral("_metadata")), metadata);
        const Error error =
            errorOf([&] { h.restore(chain.backups, chain.size, QStringLiteral("mixed.img")); });
        QVERIFY2(!error.message().isEmpty(), "a mixed chain restored");
    }

    // backend-rescan reads the scheme and key from the envelope; a malformed
    // envelope is the find's problem.
    void rescanReadsTheEnvelope()
    {
        Harness h = harness(QStringLiteral("rescan"));
        const Chain chain = makeChain(h, 0);
        const Backup& full = chain.backups.first();
        OperationControl control;
        QList<DiscoveredBackup> found = h.driver()->discoverBackups({}, control);
        QCOMPARE(found.size(), 1);
        QVERIFY2(found.first().problem.isEmpty(), qPrintable(found.first().problem));
        QCOMPARE(found.first().backup.encryption, kEncryptionScheme);
        QCOMPARE(found.first().backup.encryptionKeyFingerprint, h.options.encryptionKey);
        const QString path = h.objectPath(full, QStringLiteral("_metadata"));
        writeJson(path, withEnvelopeField(readJson(path), QStringLiteral("wrapped_key"), 17));
        found = h.driver()->discoverBackups({}, control);
        QCOMPARE(found.size(), 1);
        QVERIFY2(found.first().problem.contains(QStringLiteral("ember_encryption")),
                 qPrintable(found.first().problem));
    }

    // An empty md5 is accepted only in an encrypted backup's `_metadata`.
    void emptyMd5OnlyWhenEncrypted()
    {
        const QByteArray clear = R"({"version": "1.0.0", "backup_id": null, "parent_id": null,
            "volume_id": null, "volume_meta": null, "objects": [{"p-00001": {"offset": 0,
            "length": 10, "md5": "", "compression": "none"}}]})";
        QVERIFY(errorOf([&] { parseBackupMetadata(clear, QStringLiteral("p_metadata")); })
                    .message()
                    .contains(QStringLiteral("md5")));
        QByteArray encrypted = clear;
        encrypted.replace("\"objects\"",
                          "\"ember_encryption\": {\"scheme\": \"aes-256-gcm\"}, \"objects\"");
        const BackupMetadata parsed = parseBackupMetadata(encrypted, QStringLiteral("p_metadata"));
        QVERIFY(parsed.isEncrypted());
        QCOMPARE(parsed.objects.first().md5, QString());
    }
};

QTEST_GUILESS_MAIN(EncryptionTest)
#include "tst_encryption.moc"
