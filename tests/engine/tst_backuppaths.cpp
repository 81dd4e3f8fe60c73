// The backup's fast paths: zero blocks recognised and given the zero
// block's digest without hashing, all-zero pieces stored as the cached zero
// piece, the object MD5 on a thread of its own and reused piece buffers. Each
// must give exactly what hashing, compressing and summing every byte gives:
// the lists and MD5s are compared with ones computed here from the source
// file, and every restore is compared byte for byte.
#include "backoff.h"
#include "chunkeddriver.h"
#include "chunkedformat.h"
#include "compression.h"
#include "hashing.h"
#include "posixstore.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QtTest>

#include <unistd.h>

using namespace ember;
using namespace ember::test;

namespace {

constexpr qint64 kBlock = 32768;

struct Harness
{
    QString dir;
    QString store;
    ChunkedOptions options;

    Backup backUp(const QString& path, const std::optional<Backup>& parent)
    {
        return backUpFile(*posixChunkedDriver(store, options), path, parent);
    }
    QString restore(const QList<Backup>& chain, qint64 size, const QString& name)
    {
        return restoreChain(*posixChunkedDriver(store, options), chain,
                            dir + QLatin1Char('/') + name, size);
    }
    QString objectPath(const Backup& backup, const QString& name) const
    {
        return store + QLatin1Char('/') + backup.container + QLatin1Char('/') + name;
    }
    QJsonObject json(const Backup& backup, const QString& suffix) const
    {
        return QJsonDocument::fromJson(
                   readWholeFile(objectPath(backup, backup.serviceMetadata + suffix)))
            .object();
    }
    QStringList shaList(const Backup& backup) const
    {
        QStringList list;
        for (const QJsonValue& value :
             json(backup, QStringLiteral("_sha256file")).value(QStringLiteral("sha256s")).toArray())
            list.append(value.toString());
        return list;
    }
    // name -> (offset, length, md5)
    QList<std::tuple<QString, qint64, qint64, QString>> objects(const Backup& backup) const
    {
        QList<std::tuple<QString, qint64, qint64, QString>> result;
        for (const QJsonValue& item :
             json(backup, QStringLiteral("_metadata")).value(QStringLiteral("objects")).toArray()) {
            const QJsonObject fields = item.toObject().begin().value().toObject();
            result.append({item.toObject().begin().key(),
                           qint64(fields.value(QStringLiteral("offset")).toDouble()),
                           qint64(fields.value(QStringLiteral("length")).toDouble()),
                           fields.value(QStringLiteral("md5")).toString()});
        }
        return result;
    }
};

Harness harness(const QString& tag, qint64 objectSize, const QString& compression)
{
    Harness h;
    h.dir = freshDir(tag);
    h.store = h.dir + QStringLiteral("/store");
    h.options.objectSize = objectSize;
    h.options.compression = compression;
    h.options.pieceSize = 256 * 1024;
    return h;
}

// The `_sha256file` list computed here, block by block with Qt's SHA-256.
QStringList expectedShaList(const QByteArray& data)
{
    QStringList list;
    for (qint64 at = 0; at < data.size(); at += kBlock)
        list.append(QString::fromLatin1(
            QCryptographicHash::hash(data.mid(at, kBlock), QCryptographicHash::Sha256).toHex()));
    return list;
}

// A volume image: pieces of written zeros, holes, text, random bytes, and a
// piece that is zero but for one byte in its last block.
QByteArray volumeWithZeros(qint64 size, quint32 seed)
{
    QByteArray data = mixedSample(size, seed);
    QRandomGenerator random(seed);
    const qint64 piece = 256 * 1024;
    for (qint64 at = 0; at + piece <= size; at += piece) {
        const quint32 kind = random.bounded(4);
        if (kind == 0)
            std::memset(data.data() + at, 0, size_t(piece));
        if (kind == 1) {
            std::memset(data.data() + at, 0, size_t(piece));
            data[at + piece - 1 - qint64(random.bounded(100))] = char(1 + random.bounded(200));
        }
    }
    return data;
}

// Writes `data` to `path`; with `holes`, every all-zero 64 KiB stretch is
// left a hole instead of written zeros.
void writeVolume(const QString& path, const QByteArray& data, bool holes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QVERIFY(file.resize(data.size()));
    const qint64 stretch = 65536;
    for (qint64 at = 0; at < data.size(); at += stretch) {
        const QByteArray part = data.mid(at, stretch);
        if (holes && part == QByteArray(part.size(), '\0'))
            continue;
        QVERIFY(file.seek(at));
        QCOMPARE(file.write(part), part.size());
    }
}

// The posix store, but the first put of a data object stops after
// `failAfter` bytes: with a TransientError (retried) or an Error.
class FailingStore : public PosixObjectStore
{
public:
    FailingStore(const QString& base, qint64 failAfter, bool transient)
        : PosixObjectStore(base), m_failAfter(failAfter), m_transient(transient)
    {
    }
    void put(const QString& container, const QString& name, const DataProducer& producer,
             std::optional<qint64> length) override
    {
        const bool dataObject = !name.endsWith(QLatin1String("_metadata")) &&
                                !name.endsWith(QLatin1String("_sha256file"));
        if (!dataObject || failed)
            return PosixObjectStore::put(container, name, producer, length);
        failed = true;
        std::vector<char> buffer(65536);
        qint64 pulled = 0;
        while (pulled < m_failAfter) {
            const size_t count = producer(buffer.data(), buffer.size());
            if (count == 0)
                break;
            pulled += qint64(count);
        }
        if (m_transient)
            throw TransientError(QStringLiteral("connection reset (test)"));
        throw Error(QStringLiteral("disk on fire (test)"));
    }
    RetryPolicy retryPolicy() const override { return {1, 0.01, 0.01}; }
    bool failed = false;

private:
    qint64 m_failAfter;
    bool m_transient;
};

} // namespace

class BackupPathsTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void zeroTestIsExact()
    {
        QCOMPARE(isAllZero(nullptr, 0), true);
        for (const qsizetype size : {1, 15, 16, 17, 31, 32, 33, 4095, 32768, 1048577}) {
            QByteArray data(size, '\0');
            QVERIFY2(isAllZero(data.constData(), size_t(size)), qPrintable(QString::number(size)));
            // A single non-zero byte anywhere, of any value, is seen.
            for (const qsizetype at : {qsizetype(0), size / 3, size / 2, size - 17, size - 1}) {
                if (at < 0 || at >= size)
                    continue;
                for (const char value : {char(1), char(0x80), char(0xff)}) {
                    data[at] = value;
                    QVERIFY2(!isAllZero(data.constData(), size_t(size)),
                             qPrintable(QStringLiteral("%1 at %2").arg(size).arg(at)));
                    data[at] = '\0';
                }
            }
        }
    }

    // The digest a zero block is given equals SHA-256 of 32 KiB of zeros,
    // for written zeros and holes alike, and a short last block of zeros is
    // hashed over its own length.
    void zeroBlocksTakeTheZeroDigest()
    {
        const QString zeroDigest = QString::fromLatin1(
            QCryptographicHash::hash(QByteArray(kBlock, '\0'), QCryptographicHash::Sha256).toHex());
        QCOMPARE(
            zeroDigest,
            QStringLiteral("c35020473aed1b4642cd726cad727b63fff2824ad68cedd7ffb73c7cbd890479"));
        for (const bool holes : {false, true}) {
            Harness h = harness(QStringLiteral("zero-digest-%1").arg(holes), 1 << 20,
                                QStringLiteral("zlib"));
            const qint64 size = 3 * (1 << 20) + 1000; // a short last block
            const QString source = h.dir + QStringLiteral("/zeros.img");
            writeVolume(source, QByteArray(size, '\0'), holes);
            const Backup backup = h.backUp(source, std::nullopt);
            const QStringList list = h.shaList(backup);
            QCOMPARE(list.size(), int((size + kBlock - 1) / kBlock));
            for (int i = 0; i + 1 < list.size(); ++i)
                QCOMPARE(list[i], zeroDigest);
            QCOMPARE(list.last(),
                     QString::fromLatin1(QCryptographicHash::hash(QByteArray(1000, '\0'),
                                                                  QCryptographicHash::Sha256)
                                             .toHex()));
            QCOMPARE(compareFiles(source, h.restore({backup}, size, QStringLiteral("r.img"))),
                     QString());
        }
    }

    // Every codec, written zeros and holes: the list and each object's MD5
    // are those of the bytes, and the restore is the source.
    void listsAndMd5sMatchTheBytes_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::addColumn<bool>("holes");
        for (const char* compression : {"none", "zlib", "bz2", "zstd"})
            for (const bool holes : {false, true})
                QTest::addRow("%s-%s", compression, holes ? "sparse" : "written")
                    << QString::fromLatin1(compression) << holes;
    }
    void listsAndMd5sMatchTheBytes()
    {
        QFETCH(QString, compression);
        QFETCH(bool, holes);
        Harness h =
            harness(QStringLiteral("md5-%1").arg(QString::fromLatin1(QTest::currentDataTag())),
                    3 << 20, compression);
        const qint64 size = 8 * (1 << 20) + 12345;
        const QByteArray data = volumeWithZeros(size, 7);
        const QString source = h.dir + QStringLiteral("/source.img");
        writeVolume(source, data, holes);
        const Backup backup = h.backUp(source, std::nullopt);
        QCOMPARE(h.shaList(backup), expectedShaList(data));
        const auto objects = h.objects(backup);
        QCOMPARE(objects.size(), 3);
        for (const auto& [name, offset, length, md5] : objects)
            QCOMPARE(md5, QString::fromLatin1(QCryptographicHash::hash(data.mid(offset, length),
                                                                       QCryptographicHash::Md5)
                                                  .toHex()));
        QCOMPARE(compareFiles(source, h.restore({backup}, size, QStringLiteral("r.img"))),
                 QString());
    }

    // A sparse image and the same image with its holes written as zeros are
    // the same volume: the same list, the same object MD5s.
    void sparseAndWrittenImagesBackUpAlike()
    {
        Harness h = harness(QStringLiteral("sparse-written"), 4 << 20, QStringLiteral("zlib"));
        const qint64 size = 10 * (1 << 20);
        const QByteArray data = volumeWithZeros(size, 11);
        const QString sparse = h.dir + QStringLiteral("/sparse.img");
        const QString written = h.dir + QStringLiteral("/written.img");
        writeVolume(sparse, data, true);
        writeVolume(written, data, false);
        const Backup a = h.backUp(sparse, std::nullopt);
        const Backup b = h.backUp(written, std::nullopt);
        QCOMPARE(h.shaList(a), h.shaList(b));
        QList<QString> md5sA, md5sB;
        for (const auto& object : h.objects(a))
            md5sA.append(std::get<3>(object));
        for (const auto& object : h.objects(b))
            md5sB.append(std::get<3>(object));
        QCOMPARE(md5sA, md5sB);
        QCOMPARE(compareFiles(sparse, h.restore({a}, size, QStringLiteral("ra.img"))), QString());
        QCOMPARE(compareFiles(written, h.restore({b}, size, QStringLiteral("rb.img"))), QString());
    }

    // An incremental of an unchanged volume writes no data object and
    // repeats its parent's list; a change inside a zero stretch is found.
    void unchangedIncrementalWritesNothing()
    {
        Harness h = harness(QStringLiteral("unchanged"), 2 << 20, QStringLiteral("zlib"));
        const qint64 size = 6 * (1 << 20) + 4096;
        QByteArray data = volumeWithZeros(size, 5);
        const QString source = h.dir + QStringLiteral("/source.img");
        writeVolume(source, data, true);
        const Backup full = h.backUp(source, std::nullopt);
        const Backup unchanged = h.backUp(source, full);
        QCOMPARE(unchanged.objectCount, qint64(0));
        QCOMPARE(h.objects(unchanged).size(), 0);
        QCOMPARE(h.shaList(unchanged), h.shaList(full));
        QStringList dataObjects;
        for (const QString& name :
             QDir(h.store + QLatin1Char('/') + unchanged.container).entryList(QDir::Files))
            if (name.startsWith(unchanged.serviceMetadata + QLatin1Char('-')))
                dataObjects.append(name);
        QCOMPARE(dataObjects, QStringList());

        // One byte in the middle of the first all-zero block.
        qint64 zeroAt = -1;
        for (qint64 at = 0; at + kBlock <= size && zeroAt < 0; at += kBlock)
            if (isAllZero(data.constData() + at, kBlock))
                zeroAt = at + kBlock / 2;
        QVERIFY(zeroAt >= 0);
        data[zeroAt] = 'x';
        writeVolume(source, data, true);
        const Backup changed = h.backUp(source, unchanged);
        QCOMPARE(changed.objectCount, qint64(1));
        QCOMPARE(h.shaList(changed), expectedShaList(data));
        const auto objects = h.objects(changed);
        QCOMPARE(std::get<1>(objects.first()), zeroAt / kBlock * kBlock);
        QCOMPARE(std::get<2>(objects.first()), kBlock);
        QCOMPARE(compareFiles(source,
                              h.restore({full, unchanged, changed}, size, QStringLiteral("r.img"))),
                 QString());
    }

    // The list is read from the bytes when it is written as json.dumps
    // writes it; anything else goes through the JSON parser, and both read
    // the same hashes (or refuse with the parser's message).
    void shaFileParsing_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("count"); // -1: refused
        const QByteArray a = QByteArray(64, 'a');
        const QByteArray b = QByteArrayLiteral("0123456789abcdef0123456789ABCDEF"
                                               "0123456789abcdef0123456789abcdef");
        const QByteArray head = "{\n  \"chunk_size\": 32768,\n  \"sha256s\": [\n    \"";
        const QByteArray tail = "\"\n  ],\n  \"version\": \"1.0.0\"\n}";
        QTest::newRow("dumps") << head + a + "\",\n    \"" + b + tail << 2;
        QTest::newRow("compact") << "{\"sha256s\":[\"" + a + "\",\"" + b +
                                        "\"],\"chunk_size\":32768,\"version\":\"1.0.0\"}"
                                 << 2;
        QTest::newRow("empty") << QByteArray("{\"chunk_size\": 4096, \"sha256s\": [], "
                                             "\"version\": \"1.0.0\"}")
                               << 0;
        // An escaped digit is still a digit to JSON.
        QTest::newRow("escaped") << head + "\\u0061" + QByteArray(63, 'a') + "\",\n    \"" + b +
                                        tail
                                 << 2;
        QTest::newRow("short-entry") << head + "abc\",\n    \"" + b + tail << -1;
        QTest::newRow("not-hex") << head + QByteArray(64, 'g') + tail << -1;
        QTest::newRow("number-entry") << QByteArray("{\"chunk_size\": 4096, \"sha256s\": [1], "
                                                    "\"version\": \"1.0.0\"}")
                                      << -1;
        QTest::newRow("bad-version") << head + a + "\"\n  ],\n  \"version\": \"2.0.0\"\n}" << -1;
        QTest::newRow("broken-json") << head + a + "\"\n  ],\n  \"version\": \"1.0.0\"\n" << -1;
        // A nested "sha256s" before the real one: the parser decides.
        QTest::newRow("nested") << "{\"x\": {\"sha256s\": []}, \"chunk_size\": 4096, \"sha256s\": "
                                   "[\"" +
                                       a + "\"], \"version\": \"1.0.0\"}"
                                << 1;
    }
    void shaFileParsing()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, count);
        const QString name = QStringLiteral("x_sha256file");
        if (count < 0) {
            const QString message = errorOf([&] { parseShaFile(text, name); }).message();
            QVERIFY2(message.startsWith(name), qPrintable(message));
            // The same message the JSON parser's path gives for the same fault.
            if (QByteArray(QTest::currentDataTag()) == "short-entry")
                QCOMPARE(message, QStringLiteral("x_sha256file: sha256s entry 0 is not 64 hex "
                                                 "digits: 'abc'"));
            return;
        }
        const ShaFile file = parseShaFile(text, name);
        QCOMPARE(int(file.hashes.size()), count);
        const QJsonObject root = QJsonDocument::fromJson(text).object();
        QCOMPARE(file.blockSize, qint64(root.value(QStringLiteral("chunk_size")).toInt()));
        const QJsonArray list = root.value(QStringLiteral("sha256s")).toArray();
        for (int i = 0; i < count; ++i)
            QCOMPARE(QByteArray(reinterpret_cast<const char*>(file.hashes[size_t(i)].data()), 32)
                         .toHex(),
                     list.at(i).toString().toLatin1().toLower());
    }

    // A list written by a backup reads back as the digests it was made of.
    void writtenListReadsBack()
    {
        Harness h = harness(QStringLiteral("list"), 4 << 20, QStringLiteral("zlib"));
        const qint64 size = 5 * (1 << 20) + 99;
        const QByteArray data = volumeWithZeros(size, 13);
        const QString source = h.dir + QStringLiteral("/source.img");
        writeVolume(source, data, false);
        const Backup backup = h.backUp(source, std::nullopt);
        const ShaFile file =
            parseShaFile(readWholeFile(h.objectPath(backup, backup.serviceMetadata +
                                                                QStringLiteral("_sha256file"))),
                         QStringLiteral("list"));
        const QStringList expected = expectedShaList(data);
        QCOMPARE(int(file.hashes.size()), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(
                QString::fromLatin1(
                    QByteArray(reinterpret_cast<const char*>(file.hashes[size_t(i)].data()), 32)
                        .toHex()),
                expected[i]);
    }

    // Incompressible pieces inside a compressed object are stored as they
    // are (deflate's stored blocks): the object still shrinks, Python's zlib
    // (Cinder's reader) and Ember's restore both give back the bytes.
    void incompressiblePiecesInACompressedObject()
    {
        Harness h = harness(QStringLiteral("stored"), 4 << 20, QStringLiteral("zlib"));
        const qint64 piece = h.options.pieceSize;
        const qint64 size = 4 << 20;
        QByteArray data = mixedSample(size, 17);
        QRandomGenerator random(99);
        for (qint64 at = 0; at < size; at += 2 * piece) // every other piece random
            for (qint64 i = at; i < at + piece; ++i)
                data[i] = char(random.generate());
        const QString source = h.dir + QStringLiteral("/source.img");
        writeVolume(source, data, false);
        const Backup backup = h.backUp(source, std::nullopt);
        const QJsonObject fields = h.json(backup, QStringLiteral("_metadata"))
                                       .value(QStringLiteral("objects"))
                                       .toArray()
                                       .first()
                                       .toObject()
                                       .begin()
                                       .value()
                                       .toObject();
        QCOMPARE(fields.value(QStringLiteral("compression")).toString(), QStringLiteral("zlib"));
        const QString object =
            h.objectPath(backup, backup.serviceMetadata + QStringLiteral("-00001"));
        const qint64 stored = QFileInfo(object).size();
        QVERIFY2(stored < size * 3 / 4 && stored > size / 2, qPrintable(QString::number(stored)));
        // A random piece is in the object as it is.
        QVERIFY(readWholeFile(object).contains(data.mid(piece * 2 + 1000, 60000)));
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral("-c"),
                      QStringLiteral("import sys,zlib,hashlib; d=zlib.decompress(open(sys.argv[1],"
                                     "'rb').read()); print(len(d), hashlib.sha256(d).hexdigest())"),
                      object});
        QVERIFY(python.waitForFinished(60000));
        QCOMPARE(python.readAllStandardOutput().trimmed(),
                 QByteArray::number(size) + ' ' +
                     QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
        QCOMPARE(compareFiles(source, h.restore({backup}, size, QStringLiteral("r.img"))),
                 QString());
        // The one-shot helpers agree, for one random piece and for the whole.
        for (const QByteArray& sample : {data.left(piece), data})
            QCOMPARE(decompressWhole(Codec::Zlib,
                                     compressWhole(Codec::Zlib, sample, QStringLiteral("isal"))),
                     sample);
    }

    // A store failing in the middle of an object: the MD5 thread and the
    // pieces in flight stop, a retry writes the object again from its start
    // with the right MD5, and a lasting failure fails the backup.
    void storeFailsMidObject_data()
    {
        QTest::addColumn<bool>("transient");
        QTest::newRow("retried") << true;
        QTest::newRow("lasting") << false;
    }
    void storeFailsMidObject()
    {
        QFETCH(bool, transient);
        Harness h =
            harness(QStringLiteral("failing-%1").arg(transient), 8 << 20, QStringLiteral("zlib"));
        const qint64 size = 8 << 20;
        const QByteArray data = volumeWithZeros(size, 23);
        const QString source = h.dir + QStringLiteral("/source.img");
        writeVolume(source, data, false);
        auto store = std::make_unique<FailingStore>(h.store, 300000, transient);
        FailingStore& failing = *store;
        ChunkedBackupDriver driver(std::move(store), h.options);
        if (!transient) {
            const QString message =
                errorOf([&] { backUpFile(driver, source, std::nullopt); }).message();
            QVERIFY2(message.contains(QLatin1String("disk on fire")), qPrintable(message));
            return;
        }
        const Backup backup = backUpFile(driver, source, std::nullopt);
        QVERIFY(failing.failed);
        const auto objects = h.objects(backup);
        QCOMPARE(objects.size(), 1);
        QCOMPARE(
            std::get<3>(objects.first()),
            QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex()));
        QCOMPARE(compareFiles(source, h.restore({backup}, size, QStringLiteral("r.img"))),
                 QString());
    }

    // Many objects written at once (several MD5 threads), some all zeros.
    void manyObjectsInParallel()
    {
        Harness h = harness(QStringLiteral("many"), 1 << 20, QStringLiteral("zlib"));
        h.options.pieceSize = 64 * 1024;
        const qint64 size = 12 * (1 << 20) + 777;
        const QByteArray data = volumeWithZeros(size, 3);
        const QString source = h.dir + QStringLiteral("/source.img");
        writeVolume(source, data, false);
        const Backup backup = h.backUp(source, std::nullopt);
        const auto objects = h.objects(backup);
        QCOMPARE(objects.size(), 13);
        for (const auto& [name, offset, length, md5] : objects)
            QCOMPARE(md5, QString::fromLatin1(QCryptographicHash::hash(data.mid(offset, length),
                                                                       QCryptographicHash::Md5)
                                                  .toHex()));
        QCOMPARE(compareFiles(source, h.restore({backup}, size, QStringLiteral("r.img"))),
                 QString());
    }
};

QTEST_GUILESS_MAIN(BackupPathsTest)
#include "tst_backuppaths.moc"
