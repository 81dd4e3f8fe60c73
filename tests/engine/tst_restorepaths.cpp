// The chunked engine's restore path: the object MD5 choice (ember_restore_md5),
// the block check that is never skipped (zero blocks by scanning), the stage
// figures, zero blocks left as holes, verify reading everything, and the
// run's summary line. Every restore is compared byte for byte.
#include "chunkeddriver.h"
#include "operation.h"
#include "posixstore.h"
#include "testsupport.h"
#include "volumedevice.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <sys/stat.h>

using namespace ember;
using namespace ember::test;

namespace {

constexpr qint64 kBlock = 32768;
constexpr qint64 kObjectSize = 1 << 20;

// What a restore or verify logged.
struct LogLines
{
    std::mutex mutex;
    QStringList lines;

    void attach(OperationControl& control)
    {
        control.setLogCallback([this](const QString& line) {
            std::lock_guard lock(mutex);
            lines.append(line);
        });
    }
    QString find(const QString& start)
    {
        std::lock_guard lock(mutex);
        for (const QString& line : lines)
            if (line.startsWith(start))
                return line;
        return {};
    }
};

struct Harness
{
    QString dir;
    QString store;
    ChunkedOptions options;

    Harness(const QString& tag, const QString& compression, bool checkMd5)
        : dir(freshDir(tag)), store(dir + QStringLiteral("/store"))
    {
        options.objectSize = kObjectSize;
        options.compression = compression;
        options.pieceSize = 64 * 1024; // 16 pieces per object
        options.checkObjectMd5 = checkMd5;
    }

    std::unique_ptr<ChunkedBackupDriver> driver() const
    {
        return posixChunkedDriver(store, options);
    }

    QString path(const QString& name) const { return dir + QLatin1Char('/') + name; }

    Backup backUp(const QString& source, const std::optional<Backup>& parent)
    {
        return backUpFile(*driver(), source, parent);
    }

    // Restores `chain` into a fresh sparse file `name` under `control`.
    QString restore(const QList<Backup>& chain, qint64 size, const QString& name,
                    OperationControl& control)
    {
        const QString target = path(name);
        QFile::remove(target);
        createSparseImage(target, size);
        auto device = openLocalVolume(target, OpenMode::ReadWrite);
        Volume volume = engineVolume(target);
        RestoreJob job{chain, volume, *device, control};
        driver()->restore(job);
        return target;
    }
    QString restore(const QList<Backup>& chain, qint64 size, const QString& name)
    {
        OperationControl control;
        return restore(chain, size, name, control);
    }

    QString objectPath(const Backup& backup, const QString& suffix) const
    {
        return store + QLatin1Char('/') + backup.container + QLatin1Char('/') +
               backup.serviceMetadata + suffix;
    }
};

QString copyOf(const QString& path, const QString& copy)
{
    QFile::remove(copy);
    if (!QFile::copy(path, copy))
        qFatal("copy failed");
    return copy;
}

void writeAt(const QString& path, qint64 offset, const QByteArray& bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite) || !file.seek(offset) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

void flipByte(const QString& path, qint64 offset)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite) || !file.seek(offset))
        qFatal("cannot open %s", qPrintable(path));
    const char byte = file.read(1).at(0);
    file.seek(offset);
    file.write(QByteArray(1, char(byte ^ 0x20)));
}

// The message of what `work` throws; empty when it throws nothing.
QString failureOf(const std::function<void()>& work)
{
    try {
        work();
    } catch (const Error& error) {
        return error.message().isEmpty() ? QStringLiteral("(empty message)") : error.message();
    }
    return {};
}

QString md5Tag(bool checkMd5)
{
    return checkMd5 ? QStringLiteral("check") : QStringLiteral("skip");
}

} // namespace

class RestorePathsTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void optionParses()
    {
        QJsonObject options;
        QVERIFY(chunkedOptionsFrom(options, QStringLiteral("size"), 1 << 20,
                                   QStringLiteral("block"), kBlock)
                    .checkObjectMd5);
        options[QStringLiteral("ember_restore_md5")] = QStringLiteral("skip");
        QVERIFY(!chunkedOptionsFrom(options, QStringLiteral("size"), 1 << 20,
                                    QStringLiteral("block"), kBlock)
                     .checkObjectMd5);
    }

    void chainRoundTrips_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::addColumn<bool>("checkMd5");
        for (const QString& compression : {QStringLiteral("none"), QStringLiteral("zlib"),
                                           QStringLiteral("bz2"), QStringLiteral("zstd")})
            for (bool checkMd5 : {true, false})
                QTest::addRow("%s-md5-%s", qPrintable(compression), qPrintable(md5Tag(checkMd5)))
                    << compression << checkMd5;
    }
    void chainRoundTrips()
    {
        QFETCH(QString, compression);
        QFETCH(bool, checkMd5);
        Harness h(QStringLiteral("chain-%1").arg(QString::fromLatin1(QTest::currentDataTag())),
                  compression, checkMd5);
        // Not a multiple of the block or object size; objects of 16 pieces.
        const qint64 size = 6 * kObjectSize + 5000;
        const QString source = h.path(QStringLiteral("source.img"));
        makeVolumeFile(source, size, Fill::Mixed, 17);
        QList<Backup> chain{h.backUp(source, std::nullopt)};
        QStringList states{copyOf(source, h.path(QStringLiteral("state0.img")))};
        for (int level = 1; level <= 2; ++level) {
            mutateFile(source, 4, 150000, quint32(200 + level));
            chain.append(h.backUp(source, chain.last()));
            states.append(copyOf(source, h.path(QStringLiteral("state%1.img").arg(level))));
        }
        for (int level = 0; level <= 2; ++level) {
            OperationControl control;
            LogLines log;
            log.attach(control);
            const QString restored = h.restore(chain.mid(0, level + 1), size,
                                               QStringLiteral("r%1.img").arg(level), control);
            QCOMPARE(compareFiles(states[level], restored), QString());
            const QString summary = log.find(QStringLiteral("restore: "));
            QVERIFY2(summary.contains(QStringLiteral("objects read")), qPrintable(summary));
            QVERIFY2(summary.contains(QStringLiteral("segments decoded in parallel")),
                     qPrintable(summary));
            if (checkMd5) {
                QVERIFY2(summary.contains(QStringLiteral("object MD5s checked")),
                         qPrintable(summary));
                QCOMPARE(log.find(QStringLiteral("object MD5s are skipped")), QString());
            } else {
                QVERIFY2(summary.contains(QStringLiteral("object MD5s skipped as configured")),
                         qPrintable(summary));
                QVERIFY(!log.find(QStringLiteral("object MD5s are skipped")).isEmpty());
            }
        }
    }

    // A byte flipped in a stored object (stored raw, so it still decodes):
    // with MD5s skipped the block check finds it and names the block.
    void flippedByteIsFound_data()
    {
        QTest::addColumn<bool>("checkMd5");
        QTest::newRow("md5-skip") << false;
        QTest::newRow("md5-check") << true;
    }
    void flippedByteIsFound()
    {
        QFETCH(bool, checkMd5);
        Harness h(QStringLiteral("flip-%1").arg(md5Tag(checkMd5)), QStringLiteral("none"),
                  checkMd5);
        const qint64 size = 3 * kObjectSize;
        const QString source = h.path(QStringLiteral("source.img"));
        makeVolumeFile(source, size, Fill::Text, 5);
        const Backup backup = h.backUp(source, std::nullopt);
        QCOMPARE(compareFiles(source, h.restore({backup}, size, QStringLiteral("good.img"))),
                 QString());

        const QString second = h.objectPath(backup, QStringLiteral("-00002"));
        const qint64 flipped = 5 * kBlock + 1234; // in the object's sixth block
        flipByte(second, flipped);
        const QString failure =
            failureOf([&] { h.restore({backup}, size, QStringLiteral("bad.img")); });
        QVERIFY2(!failure.isEmpty(), "a flipped byte must fail the restore");
        QVERIFY2(failure.contains(backup.serviceMetadata + QStringLiteral("-00002")),
                 qPrintable(failure));
        if (!checkMd5) {
            const QString block =
                QStringLiteral("block at volume offset %1").arg(kObjectSize + 5 * kBlock);
            QVERIFY2(failure.contains(block), qPrintable(failure));
            QVERIFY2(!failure.contains(QStringLiteral("MD5")), qPrintable(failure));
        }
        // Verify finds it too.
        OperationControl control;
        const VerifyReport report = h.driver()->verify({backup}, control);
        QCOMPARE(report.problems.size(), 1);
        QVERIFY2(report.problems.first().contains(QStringLiteral("-00002")),
                 qPrintable(report.problems.first()));
    }

    // A block the list records as zeros is checked by a scan, not skipped:
    // non-zero bytes there fail the restore, on a zeroed target too.
    void zeroListedBlockMustBeZero_data()
    {
        QTest::addColumn<bool>("checkMd5");
        QTest::newRow("md5-skip") << false;
        QTest::newRow("md5-check") << true;
    }
    void zeroListedBlockMustBeZero()
    {
        QFETCH(bool, checkMd5);
        Harness h(QStringLiteral("zero-%1").arg(md5Tag(checkMd5)), QStringLiteral("none"),
                  checkMd5);
        const qint64 size = 3 * kObjectSize;
        const QString source = h.path(QStringLiteral("source.img"));
        makeVolumeFile(source, size, Fill::Text, 6);
        writeAt(source, kObjectSize + 2 * kBlock, QByteArray(4 * kBlock, '\0'));
        const Backup backup = h.backUp(source, std::nullopt);
        const QString restored = h.restore({backup}, size, QStringLiteral("good.img"));
        QCOMPARE(compareFiles(source, restored), QString());

        writeAt(h.objectPath(backup, QStringLiteral("-00002")), 3 * kBlock + 77,
                QByteArray("not zero"));
        const QString failure =
            failureOf([&] { h.restore({backup}, size, QStringLiteral("bad.img")); });
        QVERIFY2(!failure.isEmpty(), "non-zero bytes in a zero block must fail the restore");
        QVERIFY2(failure.contains(QStringLiteral("-00002")), qPrintable(failure));
        if (!checkMd5)
            QVERIFY2(failure.contains(
                         QStringLiteral("block at volume offset %1").arg(kObjectSize + 3 * kBlock)),
                     qPrintable(failure));
    }

    void stagesAreReported()
    {
        Harness h(QStringLiteral("stages"), QStringLiteral("zlib"), true);
        const qint64 size = 4 * kObjectSize;
        const QString source = h.path(QStringLiteral("source.img"));
        makeVolumeFile(source, size, Fill::Mixed, 8);
        const Backup backup = h.backUp(source, std::nullopt);
        OperationControl control;
        const QString restored = h.restore({backup}, size, QStringLiteral("r.img"), control);
        QCOMPARE(compareFiles(source, restored), QString());
        const Progress progress = control.progress();
        QVERIFY(progress.hasStages());
        for (int stage = 0; stage < kStageCount; ++stage) {
            const StageStats& stats = progress.stages[size_t(stage)];
            QVERIFY2(stats.bytes > 0, qPrintable(stageName(Stage(stage))));
            QVERIFY2(stats.busyNs > 0, qPrintable(stageName(Stage(stage))));
        }
        // Raw bytes: every byte of the volume is checked and written once, and
        // inflated at least once (a segment may be decoded again).
        QVERIFY(progress.stages[size_t(Stage::Inflate)].bytes >= size);
        QCOMPARE(progress.stages[size_t(Stage::Check)].bytes, size);
        QCOMPARE(progress.stages[size_t(Stage::Write)].bytes, size);
        const QString text = progress.stagesText();
        for (const char* name : {"fetch", "inflate", "check", "write"})
            QVERIFY2(text.contains(QLatin1String(name)), qPrintable(text));
    }

    void zeroBlocksStayHoles_data()
    {
        QTest::addColumn<bool>("checkMd5");
        QTest::newRow("md5-skip") << false;
        QTest::newRow("md5-check") << true;
    }
    void zeroBlocksStayHoles()
    {
        QFETCH(bool, checkMd5);
        Harness h(QStringLiteral("holes-%1").arg(md5Tag(checkMd5)), QStringLiteral("zlib"),
                  checkMd5);
        h.options.objectSize = 4 * kObjectSize;
        const qint64 size = 32 * kObjectSize;
        const QString source = h.path(QStringLiteral("source.img"));
        makeVolumeFile(source, size, Fill::Sparse, 5);
        const Backup backup = h.backUp(source, std::nullopt);
        const QString restored = h.restore({backup}, size, QStringLiteral("r.img"));
        QCOMPARE(compareFiles(source, restored), QString());
        struct stat info
        {
        };
        QCOMPARE(::stat(QFile::encodeName(restored).constData(), &info), 0);
        // Allocated 512-byte sectors: far fewer than the size needs.
        QVERIFY2(qint64(info.st_blocks) * 512 < size / 4,
                 qPrintable(QStringLiteral("%1 sectors allocated").arg(info.st_blocks)));
    }

    void verifyReadsEverything_data()
    {
        QTest::addColumn<bool>("checkMd5");
        QTest::newRow("md5-skip") << false;
        QTest::newRow("md5-check") << true;
    }
    void verifyReadsEverything()
    {
        QFETCH(bool, checkMd5);
        Harness h(QStringLiteral("verify-%1").arg(md5Tag(checkMd5)), QStringLiteral("zlib"),
                  checkMd5);
        const qint64 size = 5 * kObjectSize + 777;
        const QString source = h.path(QStringLiteral("source.img"));
        makeVolumeFile(source, size, Fill::Mixed, 9);
        QList<Backup> chain{h.backUp(source, std::nullopt)};
        for (int level = 1; level <= 2; ++level) {
            mutateFile(source, 3, 70000, quint32(300 + level));
            chain.append(h.backUp(source, chain.last()));
        }
        qint64 objects = 0;
        for (const Backup& backup : chain)
            objects += backup.objectCount;
        OperationControl control;
        LogLines log;
        log.attach(control);
        const VerifyReport report = h.driver()->verify(chain, control);
        QCOMPARE(report.problems, QStringList());
        // Every object of the chain, superseded ones included; every byte's newest block.
        QCOMPARE(report.objectsChecked, objects);
        QCOMPARE(report.bytesChecked, size);
        QCOMPARE(report.blocksChecked, (size + kBlock - 1) / kBlock);
        const QString summary = log.find(QStringLiteral("verify: "));
        QVERIFY2(summary.contains(QStringLiteral("%1 objects read").arg(objects)),
                 qPrintable(summary));
        QCOMPARE(compareFiles(source, h.restore(chain, size, QStringLiteral("r.img"))), QString());
    }

    // Each reader hashes its objects on a thread of its own, batch by batch:
    // objects of several batches, of unequal sizes, two in flight, restore
    // with their MD5s checked; a recorded MD5 that differs from the bytes
    // (which match their blocks) fails the restore only when MD5s are checked.
    void objectMd5sAreCheckedAcrossBatches_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::addColumn<bool>("checkMd5");
        for (const QString& compression : {QStringLiteral("none"), QStringLiteral("zlib")}) {
            QTest::addRow("%s-md5-skip", qPrintable(compression)) << compression << false;
            QTest::addRow("%s-md5-check", qPrintable(compression)) << compression << true;
        }
    }
    void objectMd5sAreCheckedAcrossBatches()
    {
        QFETCH(QString, compression);
        QFETCH(bool, checkMd5);
        Harness h(QStringLiteral("md5lane-%1-%2").arg(compression, md5Tag(checkMd5)), compression,
                  checkMd5);
        h.options.objectSize = 12 * kObjectSize; // three 4 MiB batches per object
        h.options.pieceSize = kObjectSize;
        // Two whole objects and a short third one.
        const qint64 size = 2 * h.options.objectSize + 3 * kObjectSize + 5 * kBlock;
        const QString source = h.path(QStringLiteral("source.img"));
        makeVolumeFile(source, size, Fill::Mixed, 17);
        const Backup backup = h.backUp(source, std::nullopt);
        QCOMPARE(backup.objectCount, 3);
        QCOMPARE(compareFiles(source, h.restore({backup}, size, QStringLiteral("good.img"))),
                 QString());

        // The second object's recorded MD5 becomes the first object's.
        const QString metadataPath = h.objectPath(backup, QStringLiteral("_metadata"));
        QFile metadataFile(metadataPath);
        QVERIFY(metadataFile.open(QIODevice::ReadOnly));
        QByteArray metadata = metadataFile.readAll();
        metadataFile.close();
        const QJsonArray objects =
            QJsonDocument::fromJson(metadata).object().value(QStringLiteral("objects")).toArray();
        QCOMPARE(objects.size(), 3);
        auto md5Of = [&](int index) {
            const QJsonObject entry = objects.at(index).toObject();
            return entry.value(entry.keys().first())
                .toObject()
                .value(QStringLiteral("md5"))
                .toString()
                .toLatin1();
        };
        const QByteArray first = md5Of(0);
        const QByteArray second = md5Of(1);
        QCOMPARE(second.size(), 32);
        QVERIFY(first != second);
        QCOMPARE(metadata.count(second), 1);
        metadata.replace(second, first);
        QVERIFY(metadataFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(metadataFile.write(metadata), metadata.size());
        metadataFile.close();

        const QString failure =
            failureOf([&] { h.restore({backup}, size, QStringLiteral("edited.img")); });
        if (checkMd5) {
            QVERIFY2(
                failure.contains(QStringLiteral("MD5 %1, expected %2")
                                     .arg(QString::fromLatin1(second), QString::fromLatin1(first))),
                qPrintable(failure));
            QVERIFY2(failure.contains(backup.serviceMetadata + QStringLiteral("-00002")),
                     qPrintable(failure));
        } else {
            QCOMPARE(failure, QString());
            QCOMPARE(compareFiles(source, h.path(QStringLiteral("edited.img"))), QString());
        }
    }

    // With MD5s skipped, an object whose tail a newer backup replaced is read
    // only up to the last byte taken from it: a damaged byte in that tail
    // does not stop the restore (nothing restored comes from it), while the
    // MD5 check, and verify, still find it.
    void supersededTailIsNotRead_data()
    {
        QTest::addColumn<bool>("checkMd5");
        QTest::newRow("md5-skip") << false;
        QTest::newRow("md5-check") << true;
    }
    void supersededTailIsNotRead()
    {
        QFETCH(bool, checkMd5);
        Harness h(QStringLiteral("tail-%1").arg(md5Tag(checkMd5)), QStringLiteral("none"),
                  checkMd5);
        const qint64 size = 3 * kObjectSize;
        const QString source = h.path(QStringLiteral("source.img"));
        makeVolumeFile(source, size, Fill::Text, 23);
        const Backup full = h.backUp(source, std::nullopt);
        // The second object's last eight blocks change.
        const qint64 tail = 8 * kBlock;
        writeAt(source, 2 * kObjectSize - tail, QByteArray(int(tail), 'x'));
        const Backup incremental = h.backUp(source, full);

        flipByte(h.objectPath(full, QStringLiteral("-00002")), kObjectSize - tail / 2);
        OperationControl control;
        LogLines log;
        log.attach(control);
        const QString failure = failureOf([&] {
            h.restore({full, incremental}, size, QStringLiteral("r.img"), control);
        });
        if (checkMd5) {
            QVERIFY2(failure.contains(QStringLiteral("MD5")), qPrintable(failure));
            QVERIFY2(failure.contains(full.serviceMetadata + QStringLiteral("-00002")),
                     qPrintable(failure));
        } else {
            QCOMPARE(failure, QString());
            QCOMPARE(compareFiles(source, h.path(QStringLiteral("r.img"))), QString());
            const QString summary = log.find(QStringLiteral("restore: "));
            QVERIFY2(summary.contains(QStringLiteral("(1 of them only up to the last byte")),
                     qPrintable(summary));
        }
        OperationControl verifying;
        const VerifyReport report = h.driver()->verify({full, incremental}, verifying);
        QCOMPARE(report.problems.size(), 1);
        QVERIFY2(report.problems.first().contains(QStringLiteral("-00002")),
                 qPrintable(report.problems.first()));
    }

    // A local target takes aligned writes past the page cache (O_DIRECT) and
    // the rest through it; on a file system without O_DIRECT (tmpfs) all go
    // through the cache. Either way the file holds exactly what was written,
    // whatever the mix: aligned, unaligned buffer, unaligned offset, the
    // unaligned tail, and an aligned write over cached bytes.
    void localTargetWritesDirectAndBuffered_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::newRow("test-dir") << freshDir(QStringLiteral("direct"));
        if (QFileInfo(QStringLiteral("/dev/shm")).isWritable())
            QTest::newRow("tmpfs") << QStringLiteral("/dev/shm");
    }
    void localTargetWritesDirectAndBuffered()
    {
        QFETCH(QString, dir);
        const QString path =
            dir + QStringLiteral("/ember-direct-%1.img").arg(QCoreApplication::applicationPid());
        QFile::remove(path);
        const qint64 size = (1 << 20) + 777;
        createSparseImage(path, size);
        QByteArray expected(size, '\0');
        {
            auto device = openLocalVolume(path, OpenMode::ReadWrite);
            constexpr size_t kAlign = 4096;
            const size_t capacity = 256 << 10;
            std::unique_ptr<char, void (*)(char*)> aligned(
                static_cast<char*>(::operator new[](capacity + kAlign, std::align_val_t(kAlign))),
                [](char* bytes) { ::operator delete[](bytes, std::align_val_t(kAlign)); });
            quint32 seed = 1;
            auto write = [&](qint64 offset, qint64 length, size_t bufferShift) {
                char* data = aligned.get() + bufferShift;
                for (qint64 i = 0; i < length; ++i)
                    data[i] = char((seed * 2654435761u + quint32(i) * 40503u) >> 13);
                ++seed;
                device->writeAt(offset, data, length);
                std::memcpy(expected.data() + offset, data, size_t(length));
            };
            write(0, 128 << 10, 0);           // aligned: past the cache where it can
            write(128 << 10, 64 << 10, 1);    // unaligned buffer
            write((256 << 10) + 3, 5000, 0);  // unaligned offset
            write(size - 777, 777, 0);        // the unaligned tail
            write(256 << 10, 64 << 10, 0);    // aligned, over the cached bytes above
            write((512 << 10), 256 << 10, 0); // aligned, fresh
            device->flush();
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray actual = file.readAll();
        file.close();
        QFile::remove(path);
        QCOMPARE(actual.size(), expected.size());
        QVERIFY(actual == expected);
    }
};

QTEST_GUILESS_MAIN(RestorePathsTest)
#include "tst_restorepaths.moc"
