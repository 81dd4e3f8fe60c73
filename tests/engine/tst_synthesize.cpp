// Synthetic full backups and re-parenting in the chunked engine over the
// posix store: chains of depth 1, 5 and 20 for every compression, cancel and
// damaged chains leaving nothing behind, and re-parenting that rewrites one
// field of `_metadata` in one step.
#include "chunkeddriver.h"
#include "chunkedformat.h"
#include "posixstore.h"
#include "synthesizescenario.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <ctime>
#include <functional>

using namespace ember;
using namespace ember::test;

namespace {

struct Setup
{
    QString dir;
    QString store;
    ChunkedOptions options;
    Volume volume;
    std::unique_ptr<ChunkedBackupDriver> driver;

    Setup(const QString& tag, const QString& compression, qint64 size, quint32 seed)
    {
        dir = freshDir(tag);
        store = dir + QStringLiteral("/store");
        options.objectSize = 1 << 20;
        options.compression = compression;
        options.pieceSize = 64 * 1024;
        const QString path = dir + QStringLiteral("/volume.img");
        makeVolumeFile(path, size, Fill::Mixed, seed);
        volume = engineVolume(path);
        driver = posixChunkedDriver(store, options);
    }

    QList<Backup> chain(int depth, quint32 seed)
    {
        QList<Backup> backups;
        backups.append(backUpVolume(*driver, volume, std::nullopt, QStringLiteral("full")));
        for (int i = 1; i < depth; ++i) {
            writeRandomly(volume.path, seed + quint32(i));
            backups.append(backUpVolume(*driver, volume, backups.last(), QStringLiteral("inc")));
        }
        return backups;
    }

    QString containerDirectory(const Backup& backup) const
    {
        return store + QLatin1Char('/') + backup.container;
    }
    QString objectFile(const Backup& backup, const QString& suffix) const
    {
        return containerDirectory(backup) + QLatin1Char('/') + backup.serviceMetadata + suffix;
    }
};

} // namespace

class SynthesizeTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chains_data() { addSynthesisChainRows(); }
    void chains()
    {
        QFETCH(QString, compression);
        QFETCH(int, depth);
        // Not a multiple of the block or object size.
        Setup setup(QStringLiteral("chain-%1-%2").arg(compression).arg(depth), compression,
                    3 * 1048576 + 12345, quint32(depth));
        runSynthesisScenario(*setup.driver, setup.volume, setup.dir, depth, quint32(depth) * 7,
                             compression, setup.options.objectSize);
    }

    // A chain whose objects were written with another object size than the
    // one configured now: output objects draw on source objects that span them.
    void objectSizeChangedSinceTheChain()
    {
        Setup setup(QStringLiteral("resized"), QStringLiteral("zlib"), 5 * 1048576 + 777, 3);
        setup.options.objectSize = 3 << 19; // 1.5 MiB
        setup.driver = posixChunkedDriver(setup.store, setup.options);
        const QList<Backup> chain = setup.chain(4, 40);
        const QString state = copyState(setup.volume.path, setup.dir + QStringLiteral("/state"));
        ChunkedOptions now = setup.options;
        now.objectSize = 1 << 20;
        auto driver = posixChunkedDriver(setup.store, now);
        Backup synthetic = newSyntheticRecord(chain.last());
        OperationControl control;
        SynthesizeJob job{chain, synthetic, control};
        driver->synthesize(job);
        QCOMPARE(synthetic.objectCount, qint64(6));
        const QString difference = restoreAndCompare(
            *driver, {synthetic}, setup.volume, setup.dir + QStringLiteral("/restored"), state);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    // An object no newer backup touched is copied as stored (after its checks);
    // the others are assembled and compressed again.
    void unchangedObjectsAreCopiedAsStored()
    {
        Setup setup(QStringLiteral("copied"), QStringLiteral("zlib"), 4 * 1048576, 11);
        QList<Backup> chain = setup.chain(1, 0);
        {
            QFile file(setup.volume.path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            file.seek(1048576 + 200000);
            file.write(QByteArray(100000, 'x'));
        }
        chain.append(
            backUpVolume(*setup.driver, setup.volume, chain.last(), QStringLiteral("inc")));
        QCOMPARE(chain.last().objectCount, qint64(1));
        Backup synthetic = newSyntheticRecord(chain.last());
        OperationControl control;
        SynthesizeJob job{chain, synthetic, control};
        setup.driver->synthesize(job);
        for (const char* number : {"-00001", "-00003", "-00004"})
            QCOMPARE(readWholeFile(setup.objectFile(synthetic, QLatin1String(number))),
                     readWholeFile(setup.objectFile(chain.first(), QLatin1String(number))));
        QVERIFY(readWholeFile(setup.objectFile(synthetic, QStringLiteral("-00002"))) !=
                readWholeFile(setup.objectFile(chain.first(), QStringLiteral("-00002"))));
        const QString difference =
            restoreAndCompare(*setup.driver, {synthetic}, setup.volume,
                              setup.dir + QStringLiteral("/restored"), setup.volume.path);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));

        // With another configured compression nothing is copied.
        ChunkedOptions zstd = setup.options;
        zstd.compression = QStringLiteral("zstd");
        Backup recompressed = newSyntheticRecord(chain.last());
        SynthesizeJob zstdJob{chain, recompressed, control};
        posixChunkedDriver(setup.store, zstd)->synthesize(zstdJob);
        const QJsonArray objects =
            QJsonDocument::fromJson(
                readWholeFile(setup.objectFile(recompressed, QStringLiteral("_metadata"))))
                .object()
                .value(QStringLiteral("objects"))
                .toArray();
        QCOMPARE(objects.size(), 4);
        for (const QJsonValue& object : objects)
            QCOMPARE(object.toObject()
                         .begin()
                         ->toObject()
                         .value(QStringLiteral("compression"))
                         .toString(),
                     QStringLiteral("zstd"));
        const QString zstdDifference =
            restoreAndCompare(*setup.driver, {recompressed}, setup.volume,
                              setup.dir + QStringLiteral("/restored-zstd"), setup.volume.path);
        QVERIFY2(zstdDifference.isEmpty(), qPrintable(zstdDifference));
    }

    void cancelLeavesNothingOfTheNewBackup()
    {
        Setup setup(QStringLiteral("cancel"), QStringLiteral("zlib"), 6 * 1048576, 5);
        const QList<Backup> chain = setup.chain(5, 50);
        OperationControl control;
        int dataObjectsWritten = 0;
        auto hooked = std::make_unique<HookedStore>(
            std::make_unique<PosixObjectStore>(setup.store), [&](const QString& name) {
                if (name.contains(QStringLiteral("-000")) && ++dataObjectsWritten == 2)
                    control.requestCancel();
            });
        ChunkedBackupDriver driver(std::move(hooked), setup.options);
        Backup located;
        QVERIFY(synthesizeUntilCancelled(driver, chain, control, located));
        QVERIFY(dataObjectsWritten >= 2);
        QVERIFY(!located.serviceMetadata.isEmpty());
        QVERIFY(driver.store().list(located.container, located.serviceMetadata).isEmpty());
        // Not even a temporary file: the new backup's directory is empty.
        QCOMPARE(filesInTree(setup.containerDirectory(located)), QStringList());
        // The chain is untouched.
        const QString difference =
            restoreAndCompare(*setup.driver, chain, setup.volume,
                              setup.dir + QStringLiteral("/restored"), setup.volume.path);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    // The assembled data is checked against the source's `_sha256file` while
    // it is written: a chain that does not add up fails and leaves nothing.
    void hashMismatchFailsAndLeavesNothing()
    {
        Setup setup(QStringLiteral("hash"), QStringLiteral("zstd"), 3 * 1048576, 6);
        const QList<Backup> chain = setup.chain(3, 60);
        const QString shaPath = setup.objectFile(chain.last(), QStringLiteral("_sha256file"));
        QJsonObject sha = QJsonDocument::fromJson(readWholeFile(shaPath)).object();
        QJsonArray hashes = sha.value(QStringLiteral("sha256s")).toArray();
        hashes[70] = QString(64, QLatin1Char('0'));
        sha[QStringLiteral("sha256s")] = hashes;
        writeWholeFile(shaPath, QJsonDocument(sha).toJson());
        Backup synthetic = newSyntheticRecord(chain.last());
        OperationControl control;
        SynthesizeJob job{chain, synthetic, control};
        const Error error = errorOf([&] { setup.driver->synthesize(job); });
        QVERIFY2(error.message().contains(QStringLiteral("does not match its SHA-256")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(QString::number(70 * 32768)),
                 qPrintable(error.message()));
        QCOMPARE(filesInTree(setup.containerDirectory(synthetic)), QStringList());
    }

    // A source object is checked as a restore checks it (MD5, length).
    void damagedSourceObjectIsRefused()
    {
        Setup setup(QStringLiteral("damaged"), QStringLiteral("none"), 3 * 1048576, 7);
        const QList<Backup> chain = setup.chain(1, 70);
        const QString objectPath = setup.objectFile(chain.first(), QStringLiteral("-00002"));
        QByteArray object = readWholeFile(objectPath);
        object[1000] = char(object[1000] ^ 0x5a);
        writeWholeFile(objectPath, object);
        Backup synthetic = newSyntheticRecord(chain.last());
        OperationControl control;
        SynthesizeJob job{chain, synthetic, control};
        const Error error = errorOf([&] { setup.driver->synthesize(job); });
        // The object's MD5 or the assembled block's SHA-256, whichever is checked first.
        QVERIFY2((error.message().contains(QStringLiteral("-00002")) &&
                  error.message().contains(QStringLiteral("MD5"))) ||
                     error.message().contains(QStringLiteral("does not match its SHA-256")),
                 qPrintable(error.message()));
        QCOMPARE(filesInTree(setup.containerDirectory(synthetic)), QStringList());

        // A short object too.
        object.chop(10);
        object[1000] = char(object[1000] ^ 0x5a);
        writeWholeFile(objectPath, object);
        Backup second = newSyntheticRecord(chain.last());
        SynthesizeJob secondJob{chain, second, control};
        const Error shortError = errorOf([&] { setup.driver->synthesize(secondJob); });
        QVERIFY2(shortError.message().contains(QStringLiteral("corrupt")),
                 qPrintable(shortError.message()));
        QCOMPARE(filesInTree(setup.containerDirectory(second)), QStringList());
    }

    void reparentRefusesAnotherBackupsMetadata()
    {
        Setup setup(QStringLiteral("refuse"), QStringLiteral("zlib"), 2 * 1048576, 8);
        const QList<Backup> chain = setup.chain(2, 80);
        const QString path = setup.objectFile(chain.last(), QStringLiteral("_metadata"));
        const QByteArray before = readWholeFile(path);
        Backup impostor = chain.last();
        impostor.id = newUuid();
        OperationControl control;
        const Error error =
            errorOf([&] { setup.driver->reparent(impostor, chain.first(), control); });
        QVERIFY2(error.message().contains(QStringLiteral("refusing to re-parent")) &&
                     error.message().contains(chain.last().id),
                 qPrintable(error.message()));
        QCOMPARE(readWholeFile(path), before);
    }

    // A put replaces the object in one step: a failed put leaves the old
    // object whole and no temporary file.
    void posixPutReplacesInOneStep()
    {
        const QString dir = freshDir(QStringLiteral("atomic-put"));
        PosixObjectStore store(dir + QStringLiteral("/base"));
        store.ensureContainer(QStringLiteral("c"));
        store.putAll(QStringLiteral("c"), QStringLiteral("x_metadata"), "old content");
        int calls = 0;
        const Error error = errorOf([&] {
            store.put(
                QStringLiteral("c"), QStringLiteral("x_metadata"),
                [&](char* buffer, size_t) -> size_t {
                    if (++calls > 1)
                        throw Error(QStringLiteral("producer failed"));
                    buffer[0] = 'n';
                    return 1;
                },
                std::nullopt);
        });
        QCOMPARE(error.message(), QStringLiteral("producer failed"));
        QCOMPARE(store.getAll(QStringLiteral("c"), QStringLiteral("x_metadata")),
                 QByteArray("old content"));
        store.putAll(QStringLiteral("c"), QStringLiteral("x_metadata"), "new content");
        QCOMPARE(store.getAll(QStringLiteral("c"), QStringLiteral("x_metadata")),
                 QByteArray("new content"));
        QCOMPARE(QDir(dir + QStringLiteral("/base/c"))
                     .entryList(QDir::Files | QDir::Hidden | QDir::System),
                 QStringList{QStringLiteral("x_metadata")});
        QCOMPARE(QFile::permissions(dir + QStringLiteral("/base/c/x_metadata")) & 0x0f00,
                 QFileDevice::ReadUser | QFileDevice::WriteUser);
    }

    // Timing of a synthetic full against a chain restore and a fresh full
    // (EMBER_SYNTH_BENCH_MIB sets the volume size; skipped when unset).
    void timing()
    {
        const qint64 mib = qEnvironmentVariableIntValue("EMBER_SYNTH_BENCH_MIB");
        if (mib <= 0)
            QSKIP("set EMBER_SYNTH_BENCH_MIB to time a synthetic full");
        Setup setup(QStringLiteral("timing"), QStringLiteral("zlib"), mib << 20, 9);
        setup.options.objectSize = 52428800;
        setup.options.pieceSize = 1 << 20;
        setup.driver = posixChunkedDriver(setup.store, setup.options);
        const QList<Backup> chain = setup.chain(5, 90);
        // Wall time and the process's CPU time of each step.
        QElapsedTimer timer;
        auto cpuMs = [] {
            timespec now{};
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
            return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
        };
        QStringList lines;
        auto step = [&](const char* what, const std::function<void()>& work) {
            const qint64 cpuBefore = cpuMs();
            timer.start();
            work();
            lines << QStringLiteral("%1 %2 ms (CPU %3 ms)")
                         .arg(QLatin1String(what))
                         .arg(timer.elapsed())
                         .arg(cpuMs() - cpuBefore);
        };
        const QString restored = setup.dir + QStringLiteral("/restored");
        createSparseImage(restored, setup.volume.sizeBytes);
        step("chain restore", [&] {
            auto device = openLocalVolume(restored, OpenMode::ReadWrite);
            Volume target = setup.volume;
            target.path = restored;
            OperationControl control;
            RestoreJob job{chain, target, *device, control};
            setup.driver->restore(job);
        });
        QCOMPARE(compareFiles(setup.volume.path, restored), QString());
        Backup synthetic = newSyntheticRecord(chain.last());
        step("synthetic full", [&] {
            OperationControl control;
            SynthesizeJob job{chain, synthetic, control};
            setup.driver->synthesize(job);
        });
        step("fresh full (ISA-L)", [&] {
            backUpVolume(*setup.driver, setup.volume, std::nullopt, QStringLiteral("fresh"));
        });
        // The same with the zlib library at Cinder's level 6 instead of ISA-L.
        ChunkedOptions zlibLibrary = setup.options;
        zlibLibrary.zlibEngine = QStringLiteral("zlib");
        step("fresh full (zlib library)", [&] {
            backUpVolume(*posixChunkedDriver(setup.store, zlibLibrary), setup.volume, std::nullopt,
                         QStringLiteral("fresh zlib library"));
        });
        qInfo("%lld MiB depth 5, zlib: %s", mib, qPrintable(lines.join(QStringLiteral(", "))));
        const QString check =
            restoreAndCompare(*setup.driver, {synthetic}, setup.volume,
                              setup.dir + QStringLiteral("/restored-synthetic"), setup.volume.path);
        QVERIFY2(check.isEmpty(), qPrintable(check));
    }
};

QTEST_GUILESS_MAIN(SynthesizeTest)
#include "tst_synthesize.moc"
