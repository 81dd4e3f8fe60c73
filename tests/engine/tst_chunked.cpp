// The chunked engine against a real directory: every restore is compared
// byte for byte with what was backed up, and the files on disk are checked
// against Cinder's format.
#include "chunkeddriver.h"
#include "posixstore.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <sys/stat.h>

using namespace ember;

namespace {
template <typename Function> bool throwsError(Function function)
{
    try {
        function();
    } catch (const ember::Error&) {
        return true;
    }
    return false;
}
} // namespace
using namespace ember::test;

namespace {

struct Harness
{
    QString dir;
    QString store;
    ChunkedOptions options;

    std::unique_ptr<ChunkedBackupDriver> driver() const
    {
        return posixChunkedDriver(store, options);
    }

    Backup backUp(const QString& path, const std::optional<Backup>& parent,
                  OperationControl* control = nullptr)
    {
        return backUpFile(*driver(), path, parent, control);
    }

    // Restores the chain into a fresh sparse file and returns its path.
    QString restore(const QList<Backup>& chain, qint64 size, const QString& name)
    {
        return restoreChain(*driver(), chain, dir + QLatin1Char('/') + name, size);
    }

    QString objectPath(const Backup& backup, const QString& suffix) const
    {
        return store + QLatin1Char('/') + backup.container + QLatin1Char('/') +
               backup.serviceMetadata + suffix;
    }
};

QJsonObject readJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return QJsonDocument::fromJson(file.readAll()).object();
}

QString copyOf(const QString& path, const QString& copy)
{
    QFile::remove(copy);
    if (!QFile::copy(path, copy))
        qFatal("copy failed");
    return copy;
}

} // namespace

class ChunkedTest : public QObject
{
    Q_OBJECT
private:
    Harness harness(const QString& tag, qint64 objectSize, const QString& compression)
    {
        Harness h;
        h.dir = freshDir(tag);
        h.store = h.dir + QStringLiteral("/store");
        h.options.objectSize = objectSize;
        h.options.compression = compression;
        h.options.pieceSize = 64 * 1024;
        return h;
    }

private Q_SLOTS:
    void fullRoundTrip_data()
    {
        QTest::addColumn<qint64>("size");
        QTest::addColumn<int>("fill");
        QTest::addColumn<qint64>("objectSize");
        QTest::addColumn<QString>("compression");
        const qint64 odd = 5 * 1048576 + 12345; // not a multiple of block or object
        for (const QString& compression :
             {QStringLiteral("none"), QStringLiteral("zlib"), QStringLiteral("gzip"),
              QStringLiteral("bz2"), QStringLiteral("zstd")}) {
            QTest::addRow("mixed-%s", qPrintable(compression))
                << odd << int(Fill::Mixed) << qint64(1 << 20) << compression;
        }
        QTest::newRow("sparse-zlib")
            << qint64(24 << 20) << int(Fill::Sparse) << qint64(4 << 20) << QStringLiteral("zlib");
        QTest::newRow("zeros-zlib")
            << qint64(3 << 20) << int(Fill::Zeros) << qint64(1 << 20) << QStringLiteral("zlib");
        QTest::newRow("random-zlib") << qint64(2 << 20) + 1 << int(Fill::Random) << qint64(1 << 20)
                                     << QStringLiteral("zlib");
        QTest::newRow("text-one-object")
            << odd << int(Fill::Text) << qint64(1999994880) << QStringLiteral("zlib");
        QTest::newRow("tiny") << qint64(1000) << int(Fill::Text) << qint64(65536)
                              << QStringLiteral("zlib");
    }
    void fullRoundTrip()
    {
        QFETCH(qint64, size);
        QFETCH(int, fill);
        QFETCH(qint64, objectSize);
        QFETCH(QString, compression);
        Harness h =
            harness(QStringLiteral("full-%1").arg(QString::fromLatin1(QTest::currentDataTag())),
                    objectSize, compression);
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, size, Fill(fill), 42);
        const Backup backup = h.backUp(source, std::nullopt);
        QCOMPARE(backup.objectCount, (size + objectSize - 1) / objectSize);
        const QString restored = h.restore({backup}, size, QStringLiteral("restored.img"));
        QCOMPARE(compareFiles(source, restored), QString());

        // Objects whose compression did not help are stored raw and tagged so.
        const QJsonObject metadata = readJson(h.objectPath(backup, QStringLiteral("_metadata")));
        int compressedObjects = 0;
        for (const QJsonValue& item : metadata.value(QStringLiteral("objects")).toArray()) {
            const QJsonObject fields = item.toObject().begin().value().toObject();
            const QString tag = fields.value(QStringLiteral("compression")).toString();
            const QString name = item.toObject().begin().key();
            const qint64 stored =
                QFileInfo(h.store + QLatin1Char('/') + backup.container + QLatin1Char('/') + name)
                    .size();
            if (tag == QLatin1String("none"))
                QCOMPARE(stored, qint64(fields.value(QStringLiteral("length")).toDouble()));
            else
                QVERIFY(stored < qint64(fields.value(QStringLiteral("length")).toDouble()));
            if (compression == QLatin1String("none"))
                QCOMPARE(tag, QStringLiteral("none"));
            else if (tag != QLatin1String("none"))
                QCOMPARE(tag, compression);
            compressedObjects += tag != QLatin1String("none");
        }
        if (compression != QLatin1String("none") && Fill(fill) != Fill::Random)
            QVERIFY(compressedObjects > 0);
        if (Fill(fill) == Fill::Random)
            QVERIFY(metadata.value(QStringLiteral("objects"))
                        .toArray()
                        .first()
                        .toObject()
                        .begin()
                        .value()
                        .toObject()
                        .value(QStringLiteral("compression"))
                        .toString() == QLatin1String("none"));
    }

    void formatMatchesCinder()
    {
        Harness h = harness(QStringLiteral("format"), 1 << 20, QStringLiteral("zlib"));
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 3 * 1048576 + 100, Fill::Mixed, 3);
        const Backup backup = h.backUp(source, std::nullopt);

        // Posix layout: <id[0:2]>/<id[2:4]>/<id>, prefix volume_<vol>_<ts>_backup_<id>.
        QCOMPARE(backup.container,
                 QStringLiteral("%1/%2/%3").arg(backup.id.left(2), backup.id.mid(2, 2), backup.id));
        QVERIFY(QRegularExpression(
                    QStringLiteral("^volume_%1_\\d{14}_backup_%2$").arg(backup.volumeId, backup.id))
                    .match(backup.serviceMetadata)
                    .hasMatch());
        const QString containerDir = h.store + QLatin1Char('/') + backup.container;
        struct stat info
        {
        };
        QCOMPARE(::stat(QFile::encodeName(containerDir).constData(), &info), 0);
        QCOMPARE(int(info.st_mode & 0777), 0770);
        QCOMPARE(
            ::stat(QFile::encodeName(h.objectPath(backup, QStringLiteral("-00001"))).constData(),
                   &info),
            0);
        QCOMPARE(int(info.st_mode & 0777), 0660);
        QStringList expected{backup.serviceMetadata + QStringLiteral("-00001"),
                             backup.serviceMetadata + QStringLiteral("-00002"),
                             backup.serviceMetadata + QStringLiteral("-00003"),
                             backup.serviceMetadata + QStringLiteral("-00004"),
                             backup.serviceMetadata + QStringLiteral("_metadata"),
                             backup.serviceMetadata + QStringLiteral("_sha256file")};
        QCOMPARE(QDir(containerDir).entryList(QDir::Files, QDir::Name), expected);

        // Both JSON files are exactly what json.dumps(sort_keys=True, indent=2) writes.
        for (const QString& suffix : {QStringLiteral("_metadata"), QStringLiteral("_sha256file")}) {
            QProcess python;
            python.start(
                QStringLiteral("/usr/bin/python3"),
                {QStringLiteral("-c"),
                 QStringLiteral(
                     "import json,sys; d=open(sys.argv[1],'rb').read(); "
                     "sys.stdout.write('same' if json.dumps(json.loads(d), sort_keys=True, "
                     "indent=2).encode()==d else 'different')"),
                 h.objectPath(backup, suffix)});
            QVERIFY(python.waitForFinished());
            QCOMPARE(python.readAllStandardOutput(), QByteArray("same"));
        }
        const QJsonObject metadata = readJson(h.objectPath(backup, QStringLiteral("_metadata")));
        QCOMPARE(metadata.keys(),
                 (QStringList{QStringLiteral("backup_description"), QStringLiteral("backup_id"),
                              QStringLiteral("backup_name"), QStringLiteral("created_at"),
                              QStringLiteral("objects"), QStringLiteral("parent_id"),
                              QStringLiteral("version"), QStringLiteral("volume_id"),
                              QStringLiteral("volume_meta")}));
        QCOMPARE(metadata.value(QStringLiteral("version")).toString(), QStringLiteral("1.0.0"));
        QVERIFY(metadata.value(QStringLiteral("created_at"))
                    .toString()
                    .endsWith(QLatin1String("+00:00")));
        const QJsonArray objects = metadata.value(QStringLiteral("objects")).toArray();
        QCOMPARE(objects.size(), 4);
        const QJsonObject last = objects.last().toObject().begin().value().toObject();
        QCOMPARE(qint64(last.value(QStringLiteral("offset")).toDouble()), qint64(3 << 20));
        QCOMPARE(qint64(last.value(QStringLiteral("length")).toDouble()), qint64(100));
        const QJsonObject sha = readJson(h.objectPath(backup, QStringLiteral("_sha256file")));
        QCOMPARE(sha.value(QStringLiteral("chunk_size")).toInt(), 32768);
        // Every 32 KiB block of the whole volume, the last one short.
        QCOMPARE(sha.value(QStringLiteral("sha256s")).toArray().size(),
                 (3 * 1048576 + 100 + 32767) / 32768);
        QFile file(source);
        QVERIFY(file.open(QIODevice::ReadOnly));
        file.seek(3 * 1048576);
        const QByteArray tail = file.read(100);
        QCOMPARE(sha.value(QStringLiteral("sha256s")).toArray().last().toString().toLatin1(),
                 QCryptographicHash::hash(tail, QCryptographicHash::Sha256).toHex());
    }

    void incrementalChains_data()
    {
        QTest::addColumn<int>("depth");
        QTest::addColumn<QString>("compression");
        QTest::newRow("depth1-zlib") << 1 << QStringLiteral("zlib");
        QTest::newRow("depth5-bz2") << 5 << QStringLiteral("bz2");
        QTest::newRow("depth10-zstd") << 10 << QStringLiteral("zstd");
        QTest::newRow("depth3-none") << 3 << QStringLiteral("none");
    }
    void incrementalChains()
    {
        QFETCH(int, depth);
        QFETCH(QString, compression);
        Harness h =
            harness(QStringLiteral("chain-%1").arg(QString::fromLatin1(QTest::currentDataTag())),
                    1 << 20, compression);
        const qint64 size = 6 * 1048576 + 5000;
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, size, Fill::Mixed, 9);
        QList<Backup> chain{h.backUp(source, std::nullopt)};
        QStringList states{copyOf(source, h.dir + QStringLiteral("/state0.img"))};
        for (int level = 1; level <= depth; ++level) {
            mutateFile(source, 3, 40000, quint32(100 + level));
            chain.append(h.backUp(source, chain.last()));
            states.append(copyOf(source, h.dir + QStringLiteral("/state%1.img").arg(level)));
            // Only changed blocks travel: far fewer bytes than the volume.
            QVERIFY2(chain.last().objectCount > 0 && chain.last().objectCount <= 9,
                     qPrintable(QString::number(chain.last().objectCount)));
        }
        // Every point of the chain restores to exactly what the volume was then.
        for (int level = 0; level <= depth; ++level) {
            const QString restored =
                h.restore(chain.mid(0, level + 1), size, QStringLiteral("r%1.img").arg(level));
            QCOMPARE(compareFiles(states[level], restored), QString());
        }
        // An unchanged incremental writes no data objects at all.
        const Backup unchanged = h.backUp(source, chain.last());
        QCOMPARE(unchanged.objectCount, qint64(0));
        chain.append(unchanged);
        QCOMPARE(compareFiles(source, h.restore(chain, size, QStringLiteral("unchanged.img"))),
                 QString());
    }

    void incrementalRunsStopAtChunkBoundaries()
    {
        Harness h = harness(QStringLiteral("runs"), 256 * 1024, QStringLiteral("zlib"));
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 1 << 20, Fill::Text, 1);
        const Backup full = h.backUp(source, std::nullopt);
        // Change 4 blocks straddling the boundary between chunk 0 and chunk 1.
        QFile file(source);
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(256 * 1024 - 2 * 32768);
        file.write(QByteArray(4 * 32768, 'Z'));
        file.close();
        const Backup increment = h.backUp(source, full);
        const QJsonArray objects = readJson(h.objectPath(increment, QStringLiteral("_metadata")))
                                       .value(QStringLiteral("objects"))
                                       .toArray();
        QCOMPARE(objects.size(), 2);
        const QJsonObject first = objects[0].toObject().begin().value().toObject();
        const QJsonObject second = objects[1].toObject().begin().value().toObject();
        QCOMPARE(qint64(first.value(QStringLiteral("offset")).toDouble()),
                 qint64(256 * 1024 - 2 * 32768));
        QCOMPARE(qint64(first.value(QStringLiteral("length")).toDouble()), qint64(2 * 32768));
        QCOMPARE(qint64(second.value(QStringLiteral("offset")).toDouble()), qint64(256 * 1024));
        QCOMPARE(qint64(second.value(QStringLiteral("length")).toDouble()), qint64(2 * 32768));
        QCOMPARE(
            compareFiles(source, h.restore({full, increment}, 1 << 20, QStringLiteral("r.img"))),
            QString());
    }

    void grownVolumeNeedsFullBackup()
    {
        Harness h = harness(QStringLiteral("grown"), 1 << 20, QStringLiteral("zlib"));
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 1 << 20, Fill::Text, 1);
        const Backup full = h.backUp(source, std::nullopt);
        QVERIFY(QFile::resize(source, 2 << 20));
        try {
            h.backUp(source, full);
            QFAIL("an incremental of a grown volume must be refused");
        } catch (const Error& error) {
            QCOMPARE(
                error.message(),
                QStringLiteral("Volume size increased since the last backup. Do a full backup."));
        }
    }

    void corruptAndMissingObjectsAreNamed()
    {
        Harness h = harness(QStringLiteral("corrupt"), 1 << 20, QStringLiteral("zlib"));
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 3 << 20, Fill::Text, 5);
        const Backup backup = h.backUp(source, std::nullopt);
        OperationControl control;
        QVERIFY(h.driver()->verify({backup}, control).problems.isEmpty());

        // Flip one byte in the middle of the second object.
        const QString second = h.objectPath(backup, QStringLiteral("-00002"));
        QFile file(second);
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(file.size() / 2);
        const char byte = file.read(1)[0];
        file.seek(file.size() / 2);
        file.write(QByteArray(1, char(byte ^ 0x10)));
        file.close();
        const VerifyReport report = h.driver()->verify({backup}, control);
        QCOMPARE(report.problems.size(), 1);
        QVERIFY2(
            report.problems.first().contains(backup.serviceMetadata + QStringLiteral("-00002")),
            qPrintable(report.problems.first()));
        QVERIFY(report.problems.first().contains(QStringLiteral("offset 1048576")));
        try {
            h.restore({backup}, 3 << 20, QStringLiteral("r.img"));
            QFAIL("restore of a corrupt object must fail");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("-00002")),
                     qPrintable(error.message()));
        }

        QVERIFY(QFile::remove(second));
        const VerifyReport missing = h.driver()->verify({backup}, control);
        QCOMPARE(missing.problems.size(), 1);
        QVERIFY2(missing.problems.first().contains(QStringLiteral("missing")),
                 qPrintable(missing.problems.first()));
        QVERIFY(
            missing.problems.first().contains(backup.serviceMetadata + QStringLiteral("-00002")));
    }

    void strayObjectIsRefused()
    {
        Harness h = harness(QStringLiteral("stray"), 1 << 20, QStringLiteral("zlib"));
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 2 << 20, Fill::Text, 5);
        const Backup backup = h.backUp(source, std::nullopt);
        QFile stray(h.objectPath(backup, QStringLiteral("-00099")));
        QVERIFY(stray.open(QIODevice::WriteOnly));
        stray.write("x");
        stray.close();
        QVERIFY(throwsError([&] { h.restore({backup}, 2 << 20, QStringLiteral("r.img")); }));
    }

    void cancelRemovesEverything()
    {
        Harness h = harness(QStringLiteral("cancel"), 1 << 20, QStringLiteral("bz2"));
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 16 << 20, Fill::Random, 5);
        OperationControl control;
        control.setProgressCallback([&control](const Progress& progress) {
            if (progress.bytesDone >= (3 << 20))
                control.requestCancel();
        });
        Backup backup;
        try {
            h.backUp(source, std::nullopt, &control);
            QFAIL("the backup should have been cancelled");
        } catch (const Cancelled&) {
        }
        // The container directory is left (as Cinder leaves it) but holds nothing.
        QDirIterator it(h.store, QDir::Files, QDirIterator::Subdirectories);
        QStringList left;
        while (it.hasNext())
            left.append(it.next());
        QCOMPARE(left, QStringList());
    }

    void restoreIntoNewVolumeLeavesHoles()
    {
        Harness h = harness(QStringLiteral("holes"), 4 << 20, QStringLiteral("zlib"));
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 32 << 20, Fill::Sparse, 5);
        const Backup backup = h.backUp(source, std::nullopt);
        const QString restored = h.restore({backup}, 32 << 20, QStringLiteral("r.img"));
        QCOMPARE(compareFiles(source, restored), QString());
        struct stat sourceInfo
        {
        }, restoredInfo{};
        ::stat(QFile::encodeName(source).constData(), &sourceInfo);
        ::stat(QFile::encodeName(restored).constData(), &restoredInfo);
        // Holes stay holes: zeros are skipped in whole 32 KiB blocks, so allow
        // for islands rounded up to blocks, but nowhere near the 32 MiB size.
        QVERIFY2(
            restoredInfo.st_blocks <= 2 * sourceInfo.st_blocks + 2048 &&
                restoredInfo.st_blocks < 65536 / 4,
            qPrintable(
                QStringLiteral("%1 vs %2").arg(restoredInfo.st_blocks).arg(sourceInfo.st_blocks)));
    }

    void restoreRefusesSmallerTarget()
    {
        Harness h = harness(QStringLiteral("small"), 1 << 20, QStringLiteral("zlib"));
        const QString source = h.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 2 << 20, Fill::Text, 5);
        const Backup backup = h.backUp(source, std::nullopt);
        QVERIFY(throwsError([&] { h.restore({backup}, 1 << 20, QStringLiteral("r.img")); }));
    }
};

QTEST_GUILESS_MAIN(ChunkedTest)
#include "tst_chunked.moc"
