// Everything read from a backend or an imported record is untrusted input:
// crafted _metadata and _sha256file contents, decompression bombs, container
// and prefix names that leave the store, records that name another backup's
// objects. Every case here passed (or did damage) before these checks.
#include "backupservice.h"
#include "chunkeddriver.h"
#include "chunkedformat.h"
#include "compression.h"
#include "posixstore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <sys/resource.h>

using namespace ember;
using namespace ember::test;

namespace {

// A JSON value written as the raw literal `text` (numbers JSON cannot
// round-trip through QJsonValue: 9223372036854775000, 1e300).
QJsonValue raw(const QString& text)
{
    return QStringLiteral("@RAW:%1@").arg(text);
}

void editJson(const QString& path, const std::function<void(QJsonObject&)>& edit)
{
    QJsonObject root = QJsonDocument::fromJson(readWholeFile(path)).object();
    edit(root);
    const QString text = QString::fromUtf8(QJsonDocument(root).toJson());
    // Each "@RAW:...@" string becomes its (unescaped) content.
    const QRegularExpression marker(QStringLiteral("\"@RAW:(.*?)@\""));
    QString result;
    qsizetype at = 0;
    for (auto it = marker.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        result += text.mid(at, match.capturedStart() - at);
        result += match.captured(1).replace(QStringLiteral("\\\""), QStringLiteral("\""));
        at = match.capturedEnd();
    }
    result += text.mid(at);
    writeWholeFile(path, result.toUtf8());
}

// Sets field `key` of the `index`th object of a _metadata file.
void editObject(const QString& path, int index, const QString& key, const QJsonValue& value)
{
    editJson(path, [&](QJsonObject& root) {
        QJsonArray objects = root.value(QStringLiteral("objects")).toArray();
        QJsonObject wrapper = objects.at(index).toObject();
        QJsonObject fields = wrapper.begin().value().toObject();
        fields[key] = value;
        wrapper[wrapper.begin().key()] = fields;
        objects[index] = wrapper;
        root[QStringLiteral("objects")] = objects;
    });
}

// The chunked engine over a posix store, without a catalog.
struct Engine
{
    QString dir;
    QString store;
    ChunkedOptions options;

    explicit Engine(const QString& tag, const QString& compression = QStringLiteral("zlib"))
    {
        dir = freshDir(tag);
        store = dir + QStringLiteral("/store");
        options.objectSize = 1 << 20;
        options.compression = compression;
        options.pieceSize = 64 * 1024;
    }

    std::unique_ptr<ChunkedBackupDriver> driver() const
    {
        return posixChunkedDriver(store, options);
    }

    Backup backUp(const QString& path, const std::optional<Backup>& parent)
    {
        const Volume volume = engineVolume(path);
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = volume.id;
        backup.parentId = parent ? parent->id : QString();
        backup.createdAt = QDateTime::currentDateTimeUtc();
        auto device = openLocalVolume(path, OpenMode::Read);
        OperationControl control;
        BackupJob job{backup, volume, *device, parent, control};
        driver()->backup(job);
        return backup;
    }

    QString restore(const QList<Backup>& chain, qint64 size)
    {
        return restoreChain(*driver(), chain, dir + QStringLiteral("/restored.img"), size);
    }

    QStringList verify(const QList<Backup>& chain)
    {
        OperationControl control;
        return driver()->verify(chain, control).problems;
    }

    QString path(const Backup& backup, const QString& suffix) const
    {
        return store + QLatin1Char('/') + backup.container + QLatin1Char('/') +
               backup.serviceMetadata + suffix;
    }
};

// A catalog with one posix backend of 1 MiB objects.
struct Service : ServiceFixture
{
    explicit Service(const QString& tag) : ServiceFixture(tag, QString(), 1 << 20) {}

    // Uses `owner`'s backup directory as this catalog's default backend.
    void useStoreOf(const Service& owner)
    {
        BackendConfig backend = catalog->defaultBackend();
        backend.options[QStringLiteral("backup_posix_path")] = owner.backupsDir();
        catalog->upsertBackend(backend);
    }

    // The record of `backup` with some fields replaced.
    BackupRecord recordOf(const Backup& backup, const QJsonObject& changes)
    {
        const BackupRecord original = service->exportBackup(backup.id);
        QJsonObject json =
            QJsonDocument::fromJson(QByteArray::fromBase64(original.backupUrl.toLatin1())).object();
        for (auto it = changes.begin(); it != changes.end(); ++it)
            json[it.key()] = it.value();
        return {original.backupService,
                QString::fromLatin1(QJsonDocument(json).toJson(QJsonDocument::Compact).toBase64())};
    }

    // A volume "v" of 3 MiB with one full backup.
    std::pair<QString, Backup> volumeWithBackup()
    {
        addVolumeFile(3 << 20, Fill::Mixed, 3);
        return {volumeFile(), backUp(QStringLiteral("v"))};
    }
};

} // namespace

class UntrustedTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The case from the issue: an object offset near INT64_MAX (the largest
    // double below 2^63, so offset + length overflowed) passed verify
    // and restore and gave a wrong image.
    void overflowingOffsetIsRefused()
    {
        Engine e(QStringLiteral("overflow"));
        const QString source = e.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 3 << 20, Fill::Text, 1);
        const Backup full = e.backUp(source, std::nullopt);
        mutateFile(source, 1, 4096, 7);
        const Backup incremental = e.backUp(source, full);
        QVERIFY(e.verify({full, incremental}).isEmpty());
        const QString metadata = e.path(incremental, QStringLiteral("_metadata"));
        editObject(metadata, 0, QStringLiteral("offset"),
                   raw(QStringLiteral("9223372036854774784")));

        const QStringList problems = e.verify({full, incremental});
        QCOMPARE(problems.size(), 1);
        for (const QString& expected :
             {incremental.id, incremental.serviceMetadata + QStringLiteral("_metadata"),
              QStringLiteral("offset")})
            QVERIFY2(problems.first().contains(expected), qPrintable(problems.first()));
        const Error error = errorOf([&] { e.restore({full, incremental}, 3 << 20); });
        QVERIFY2(error.message().contains(QStringLiteral("offset")), qPrintable(error.message()));
        QVERIFY(error.message().contains(incremental.id));
    }

    void malformedMetadataIsRefused_data()
    {
        QTest::addColumn<QString>("file");     // _metadata or _sha256file
        QTest::addColumn<int>("object");       // index into objects (metadata)
        QTest::addColumn<QString>("key");      // field to replace
        QTest::addColumn<QString>("literal");  // its new raw JSON text
        QTest::addColumn<QString>("expected"); // in the message

        const QString metadata = QStringLiteral("_metadata");
        const QString sha = QStringLiteral("_sha256file");
        QTest::newRow("offset 2^53") << metadata << 1 << "offset"
                                     << "9007199254740992"
                                     << "offset";
        QTest::newRow("offset negative") << metadata << 1 << "offset"
                                         << "-1"
                                         << "offset";
        QTest::newRow("offset fraction") << metadata << 1 << "offset"
                                         << "1048576.5"
                                         << "offset";
        QTest::newRow("offset string") << metadata << 1 << "offset"
                                       << "\"1048576\""
                                       << "offset";
        QTest::newRow("offset huge double") << metadata << 2 << "offset"
                                            << "1e300"
                                            << "offset";
        QTest::newRow("length zero") << metadata << 2 << "length"
                                     << "0"
                                     << "length";
        QTest::newRow("length huge") << metadata << 2 << "length"
                                     << "9007199254740991"
                                     << "length";
        QTest::newRow("length past the volume") << metadata << 2 << "length"
                                                << "2097152"
                                                << "sha256s";
        QTest::newRow("overlap") << metadata << 1 << "offset"
                                 << "0"
                                 << "overlaps";
        QTest::newRow("gap") << metadata << 2 << "offset"
                             << "3145728"
                             << "without gaps";
        QTest::newRow("unknown compression") << metadata << 0 << "compression"
                                             << "\"lzma\""
                                             << "lzma";
        QTest::newRow("chunk_size huge") << sha << -1 << "chunk_size"
                                         << "1e300"
                                         << "chunk_size";
        QTest::newRow("chunk_size zero") << sha << -1 << "chunk_size"
                                         << "0"
                                         << "chunk_size";
        QTest::newRow("chunk_size string") << sha << -1 << "chunk_size"
                                           << "\"32768\""
                                           << "chunk_size";
        QTest::newRow("sha256s too short") << sha << -1 << "sha256s"
                                           << "drop"
                                           << "sha256s";
        QTest::newRow("sha256s too long") << sha << -1 << "sha256s"
                                          << "add"
                                          << "sha256s";
        QTest::newRow("sha256s not hex") << sha << -1 << "sha256s"
                                         << "nothex"
                                         << "sha256s";
        QTest::newRow("version") << sha << -1 << "version"
                                 << "\"2.0.0\""
                                 << "version";
    }
    void malformedMetadataIsRefused()
    {
        QFETCH(QString, file);
        QFETCH(int, object);
        QFETCH(QString, key);
        QFETCH(QString, literal);
        QFETCH(QString, expected);
        Engine e(QStringLiteral("malformed"));
        const QString source = e.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 3 << 20, Fill::Mixed, 2);
        const Backup backup = e.backUp(source, std::nullopt);
        QVERIFY(e.verify({backup}).isEmpty());
        const QString path = e.path(backup, file);
        if (object >= 0) {
            editObject(path, object, key, raw(literal));
        } else {
            editJson(path, [&](QJsonObject& root) {
                if (key != QLatin1String("sha256s")) {
                    root[key] = raw(literal);
                    return;
                }
                QJsonArray list = root.value(key).toArray();
                if (literal == QLatin1String("drop"))
                    list.removeLast();
                else if (literal == QLatin1String("add"))
                    list.append(list.last());
                else
                    list[1] = QString(64, QLatin1Char('z'));
                root[key] = list;
            });
        }
        const QStringList problems = e.verify({backup});
        QCOMPARE(problems.size(), 1);
        // The message names the backup, the file (the _sha256file when a
        // length makes the volume disagree with its hash list) and the field.
        for (const QString& part : {backup.id, backup.serviceMetadata + QLatin1Char('_'), expected})
            QVERIFY2(problems.first().contains(part), qPrintable(problems.first()));
        const Error error = errorOf([&] { e.restore({backup}, 3 << 20); });
        QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
    }

    // The parsers are total: any bytes give a result or an Error.
    void parsersRefuseGarbage()
    {
        const QString name = QStringLiteral("p_metadata");
        for (const QByteArray& text :
             {QByteArray(), QByteArray("[]"), QByteArray("{"), QByteArray("null"),
              QByteArray("{\"version\": \"1.0.0\"}"),
              QByteArray("{\"version\": \"1.0.0\", \"objects\": {}}"),
              QByteArray("{\"version\": \"1.0.0\", \"objects\": [1]}"),
              QByteArray("{\"version\": \"1.0.0\", \"objects\": [{\"p-00001\": 1}]}"),
              QByteArray("{\"version\": \"1.0.0\", \"objects\": [{\"q-00001\": {\"offset\": 0, "
                         "\"length\": 1}}]}"),
              QByteArray("{\"version\": \"1.0.0\", \"objects\": [{\"p-00001\": {\"offset\": 0, "
                         "\"length\": 1}}, {\"p-00001\": {\"offset\": 1, \"length\": 1}}]}"),
              QByteArray("{\"version\": \"1.0.0\", \"objects\": [{\"p-00001\": {\"offset\": "
                         "9007199254740990, \"length\": 9007199254740990}}]}")}) {
            QVERIFY2(!errorOf([&] { parseBackupMetadata(text, name); }).message().isEmpty(),
                     text.constData());
            QVERIFY2(!errorOf([&] { parseShaFile(text, QStringLiteral("p_sha256file")); })
                          .message()
                          .isEmpty(),
                     text.constData());
        }
        const BackupMetadata good = parseBackupMetadata(
            "{\"version\": \"1.0.0\", \"objects\": [{\"p-00001\": {\"offset\": 0, \"length\": 5, "
            "\"compression\": null}}], \"parent_id\": null, \"volume_meta\": null}",
            name);
        QCOMPARE(good.objects.size(), 1);
        QCOMPARE(good.objects.first().compression, QStringLiteral("none"));
        QVERIFY(isDataObjectName(QStringLiteral("p-00001"), QStringLiteral("p")));
        QVERIFY(isDataObjectName(QStringLiteral("p-123456"), QStringLiteral("p")));
        QVERIFY(!isDataObjectName(QStringLiteral("pq-00001"), QStringLiteral("p")));
        QVERIFY(!isDataObjectName(QStringLiteral("p-0001"), QStringLiteral("p")));
        QVERIFY(!isDataObjectName(QStringLiteral("p-00001/.."), QStringLiteral("p")));
        QVERIFY(!belongsToPrefix(QStringLiteral("abcdef-00001"), QStringLiteral("abc")));
        QVERIFY(!belongsToPrefix(QStringLiteral("abcdef_metadata"), QStringLiteral("abc")));
    }

    // A small zlib object that inflates to 4 GiB, recorded as 1 MiB: decoding
    // stops at once instead of producing all of it.
    void decompressionBombStopsEarly()
    {
        Engine e(QStringLiteral("bomb"), QStringLiteral("none"));
        const QString source = e.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 1 << 20, Fill::Random, 4);
        const Backup backup = e.backUp(source, std::nullopt);
        auto encoder = makeEncoder(Codec::Zlib, QStringLiteral("zlib"), 0, 1);
        const QByteArray zeros(1 << 20, '\0');
        const EncodedPiece piece = encoder->encodePiece(zeros.constData(), size_t(zeros.size()));
        QByteArray bomb;
        for (int i = 0; i < 4096; ++i)
            encoder->appendEncoded(piece, bomb);
        encoder->finish(bomb);
        QVERIFY(bomb.size() < (8 << 20));
        writeWholeFile(e.path(backup, QStringLiteral("-00001")), bomb);
        editObject(e.path(backup, QStringLiteral("_metadata")), 0, QStringLiteral("compression"),
                   QStringLiteral("zlib"));

        QElapsedTimer timer;
        timer.start();
        const QStringList problems = e.verify({backup});
        const qint64 elapsed = timer.elapsed();
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().contains(QStringLiteral("inflates beyond its recorded length")),
                 qPrintable(problems.first()));
        QVERIFY2(elapsed < 1000, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));
        const Error error = errorOf([&] { e.restore({backup}, 1 << 20); });
        QVERIFY2(error.message().contains(QStringLiteral("inflates beyond its recorded length")),
                 qPrintable(error.message()));
        struct rusage usage
        {
        };
        ::getrusage(RUSAGE_SELF, &usage);
        QVERIFY2(usage.ru_maxrss < 1024 * 1024, qPrintable(QString::number(usage.ru_maxrss)));
    }

    void decodersStopAtTheLimit_data()
    {
        QTest::addColumn<int>("codec");
        QTest::newRow("zlib") << int(Codec::Zlib);
        QTest::newRow("bz2") << int(Codec::Bz2);
        QTest::newRow("zstd") << int(Codec::Zstd);
        QTest::newRow("none") << int(Codec::None);
    }
    void decodersStopAtTheLimit()
    {
        QFETCH(int, codec);
        const QByteArray data(8 << 20, 'a');
        const QByteArray packed = compressWhole(Codec(codec), data);
        QCOMPARE(decompressWhole(Codec(codec), packed, data.size()), data);
        const Error error = errorOf([&] { decompressWhole(Codec(codec), packed, 1 << 20); });
        QVERIFY2(
            error.message().contains(QStringLiteral("than its recorded length of 1048576")) ||
                error.message().contains(QStringLiteral("beyond its recorded length of 1048576")),
            qPrintable(error.message()));
    }

    void containersStayUnderTheBase()
    {
        const QString dir = freshDir(QStringLiteral("containers"));
        PosixObjectStore store(dir + QStringLiteral("/base"));
        for (const QString& bad :
             {QStringLiteral(""), QStringLiteral("/etc"), QStringLiteral(".."),
              QStringLiteral("../outside"), QStringLiteral("a/../../outside"),
              QStringLiteral("a/.."), QStringLiteral("a//b"), QStringLiteral("a/"),
              QStringLiteral("./a"), QStringLiteral("a/./b"), QStringLiteral("a") + QChar(0)}) {
            QVERIFY2(!store.invalidContainer(bad).isEmpty(), qPrintable(bad));
            QVERIFY(!errorOf([&] { store.ensureContainer(bad); }).message().isEmpty());
        }
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/outside")));
        for (const QString& good :
             {QStringLiteral("ab/cd/abcdef"), QStringLiteral("my..container"), QStringLiteral("c")})
            QVERIFY2(store.invalidContainer(good).isEmpty(), qPrintable(good));
        for (const QString& badName : {QStringLiteral("../x"), QStringLiteral("a/b"),
                                       QStringLiteral(".."), QStringLiteral("")}) {
            QVERIFY(!errorOf([&] { store.putAll(QStringLiteral("c"), badName, "x"); })
                         .message()
                         .isEmpty());
            QVERIFY(
                !errorOf([&] { store.getAll(QStringLiteral("c"), badName); }).message().isEmpty());
            QVERIFY(
                !errorOf([&] { store.remove(QStringLiteral("c"), badName); }).message().isEmpty());
            QVERIFY(!store.invalidObjectPrefix(badName).isEmpty());
        }
        QVERIFY(filesInTree(dir).isEmpty());
    }

    // The name checks are lexical: a symbolic link planted inside the base
    // (a container directory or an object file) must not lead out of it.
    void symbolicLinksInsideTheBaseAreNotFollowed()
    {
        const QString dir = freshDir(QStringLiteral("symlinks"));
        PosixObjectStore store(dir + QStringLiteral("/base"));
        store.ensureContainer(QStringLiteral("c"));
        QVERIFY(QDir().mkpath(dir + QStringLiteral("/outside")));
        writeWholeFile(dir + QStringLiteral("/outside/x_metadata"), "decoy");
        QVERIFY(QFile::link(dir + QStringLiteral("/outside"), dir + QStringLiteral("/base/evil")));
        QVERIFY(!store.invalidContainer(QStringLiteral("evil")).isEmpty());
        QVERIFY(!store.invalidContainer(QStringLiteral("evil/deeper")).isEmpty());
        QVERIFY(errorOf([&] { store.getAll(QStringLiteral("evil"), QStringLiteral("x_metadata")); })
                    .message()
                    .contains(QStringLiteral("symbolic link")));
        QVERIFY(QFile::link(dir + QStringLiteral("/outside/x_metadata"),
                            dir + QStringLiteral("/base/c/y_metadata")));
        QVERIFY(errorOf([&] { store.getAll(QStringLiteral("c"), QStringLiteral("y_metadata")); })
                    .message()
                    .contains(QStringLiteral("symbolic link")));
        QVERIFY(!errorOf([&] {
                     store.putAll(QStringLiteral("c"), QStringLiteral("y_metadata"), "new");
                 })
                     .message()
                     .isEmpty());
        QCOMPARE(readWholeFile(dir + QStringLiteral("/outside/x_metadata")), QByteArray("decoy"));
        store.putAll(QStringLiteral("c"), QStringLiteral("z"), "fine");
        QCOMPARE(store.getAll(QStringLiteral("c"), QStringLiteral("z")), QByteArray("fine"));
    }

    void backupDirectoryErrorsSayWhy()
    {
        const QString dir = freshDir(QStringLiteral("mkdir"));
        writeWholeFile(dir + QStringLiteral("/file"), "x");
        PosixObjectStore blocked(dir + QStringLiteral("/file/base"));
        const Error notDirectory = errorOf([&] { blocked.ensureContainer(QStringLiteral("a/b")); });
        QVERIFY2(
            notDirectory.message().contains(QStringLiteral("not a directory"), Qt::CaseInsensitive),
            qPrintable(notDirectory.message()));

        const QString readOnly = dir + QStringLiteral("/ro");
        Error error(QString{});
        {
            const TmpfsMount disk(readOnly, QStringLiteral("ro,size=1m"));
            if (!disk.mounted())
                QSKIP("cannot mount a read-only tmpfs here (needs root)");
            PosixObjectStore store(readOnly);
            error = errorOf([&] { store.ensureContainer(QStringLiteral("a/b")); });
        }
        QVERIFY2(error.message().contains(QStringLiteral("Read-only file system")),
                 qPrintable(error.message()));
    }

    // Deleting a backup whose prefix is a prefix of another's ("abc" and
    // "abcdef") removes none of the other's objects.
    void removeTakesOnlyItsOwnObjects()
    {
        Engine e(QStringLiteral("ownobjects"));
        const QString source = e.dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 3 << 20, Fill::Mixed, 9);
        const Backup victim = e.backUp(source, std::nullopt);
        const QStringList before = filesInTree(e.store);
        QCOMPARE(before.size(), 5);
        Backup shorter = victim;
        shorter.id = newUuid();
        shorter.serviceMetadata = victim.serviceMetadata.chopped(6);
        OperationControl control;
        e.driver()->remove(shorter, control);
        QCOMPARE(filesInTree(e.store), before);
        QVERIFY(e.verify({victim}).isEmpty());
        QCOMPARE(compareFiles(source, e.restore({victim}, 3 << 20)), QString());
    }

    void importRefusesACopyUnderANewId()
    {
        Service s(QStringLiteral("importcopy"));
        const auto [path, original] = s.volumeWithBackup();
        const QString copyId = newUuid();
        const BackupRecord copy = s.recordOf(original, {{QStringLiteral("id"), copyId}});
        const Error error = errorOf([&] { s.service->importBackup(copy); });
        QVERIFY2(error.message().contains(original.id), qPrintable(error.message()));
        QVERIFY(!s.catalog->backup(copyId, true));
        QCOMPARE(compareFiles(path, s.restoreToNewFile(original.id, QStringLiteral("r.img"))),
                 QString());
    }

    void importRefusesLocationsOutsideTheStore_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("container parent") << "container"
                                          << "../../outside";
        QTest::newRow("container absolute") << "container"
                                            << "/tmp";
        QTest::newRow("container empty component") << "container"
                                                   << "a//b";
        QTest::newRow("prefix parent") << "service_metadata"
                                       << "../../../outside/x";
        QTest::newRow("prefix slash") << "service_metadata"
                                      << "a/b";
        QTest::newRow("prefix dotdot") << "service_metadata"
                                       << "..";
        QTest::newRow("prefix empty") << "service_metadata"
                                      << "";
    }
    void importRefusesLocationsOutsideTheStore()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        Service s(QStringLiteral("importpaths"));
        const auto [path, original] = s.volumeWithBackup();
        const QString id = newUuid();
        const BackupRecord record =
            s.recordOf(original, {{QStringLiteral("id"), id}, {key, value}});
        const Error error = errorOf([&] { s.service->importBackup(record); });
        QVERIFY2(error.message().startsWith(QStringLiteral("cannot import backup %1").arg(id)),
                 qPrintable(error.message()));
        QVERIFY(!s.catalog->backup(id, true));
    }

    // A refused import leaves no row behind (it used to stay as `error`, and
    // deleting it removed whatever its prefix matched).
    void failedImportLeavesNoRow()
    {
        Service s(QStringLiteral("importfail"));
        const auto [path, original] = s.volumeWithBackup();
        const QString id = newUuid();
        const BackupRecord record = s.recordOf(
            original, {{QStringLiteral("id"), id},
                       {QStringLiteral("service_metadata"), QStringLiteral("nothing_here")}});
        const Error error = errorOf([&] { s.service->importBackup(record); });
        QVERIFY2(error.message().contains(QStringLiteral("unusable")), qPrintable(error.message()));
        QVERIFY(!s.catalog->backup(id, true));
        QCOMPARE(s.catalog->backups().size(), 1);

        // An incremental whose parent is not imported yet is still accepted
        // (a second catalog on the same store imports the child first).
        mutateFile(path, 2, 4096, 9);
        CreateBackupRequest request;
        request.volume = QStringLiteral("v");
        request.incremental = true;
        auto prepared = s.service->prepareBackup(request);
        OperationControl control;
        const Backup incremental = s.service->runBackup(prepared, control);
        Service other(QStringLiteral("importfail-other"));
        other.useStoreOf(s);
        const Backup child = other.service->importBackup(s.service->exportBackup(incremental.id));
        QCOMPARE(child.status, BackupStatus::Available);
        other.service->importBackup(s.service->exportBackup(original.id));
        QCOMPARE(compareFiles(path, other.restoreToNewFile(child.id, QStringLiteral("r.img"))),
                 QString());
    }

    // The store's own _metadata names the backup its objects belong to: a
    // record copied under a new id is refused in a catalog that has never
    // seen the original too.
    void importRefusesACopyInAnotherCatalog()
    {
        Service s(QStringLiteral("importcopyelsewhere"));
        const auto [path, original] = s.volumeWithBackup();
        Service other(QStringLiteral("importcopyelsewhere-other"));
        other.useStoreOf(s);
        const QString copyId = newUuid();
        const Error error = errorOf([&] {
            other.service->importBackup(s.recordOf(original, {{QStringLiteral("id"), copyId}}));
        });
        QVERIFY2(error.message().contains(QStringLiteral("belong to backup %1").arg(original.id)),
                 qPrintable(error.message()));
        QVERIFY(!other.catalog->backup(copyId, true));
        const QString otherVolume = newUuid();
        const Error volumeError = errorOf([&] {
            other.service->importBackup(
                s.recordOf(original, {{QStringLiteral("volume_id"), otherVolume}}));
        });
        QVERIFY2(volumeError.message().contains(QStringLiteral("records volume")),
                 qPrintable(volumeError.message()));
        QVERIFY(other.catalog->backups().isEmpty());
    }

    // A record whose prefix is a prefix of another backup's objects: deleting
    // it leaves the other's objects, and the other still restores.
    void deletingAPrefixSharingBackupKeepsTheOther()
    {
        Service s(QStringLiteral("deleteprefix"));
        const auto [path, victim] = s.volumeWithBackup();
        const QString container = s.dir + QStringLiteral("/backups/") + victim.container;
        const QStringList before = filesInTree(container);
        const QString id = newUuid();
        const BackupRecord record = s.recordOf(
            victim, {{QStringLiteral("id"), id},
                     {QStringLiteral("parent_id"), newUuid()},
                     {QStringLiteral("service_metadata"), victim.serviceMetadata.chopped(4)}});
        // Refused at import (no _metadata of its own) ...
        QVERIFY_THROWS_EXCEPTION(Error, s.service->importBackup(record));
        QVERIFY(!s.catalog->backup(id, true));
        // ... and a row imported before that check cannot take the other's objects.
        Backup imported = importRecord(record);
        imported.backendName = victim.backendName;
        imported.status = BackupStatus::Available;
        s.catalog->insertBackup(imported);
        OperationControl control;
        s.service->deleteBackup(id, false, control);
        QCOMPARE(filesInTree(container), before);
        QCOMPARE(s.catalog->backup(victim.id)->status, BackupStatus::Available);
        QCOMPARE(compareFiles(path, s.restoreToNewFile(victim.id, QStringLiteral("r.img"))),
                 QString());
    }

    // Two rows naming the same objects (imported before imports were
    // checked): deleting one keeps the objects for the other.
    void deletingARowThatSharesObjectsKeepsThem()
    {
        Service s(QStringLiteral("deleteshared"));
        const auto [path, victim] = s.volumeWithBackup();
        Backup copy = victim;
        copy.id = newUuid();
        s.catalog->insertBackup(copy);
        const QString container = s.dir + QStringLiteral("/backups/") + victim.container;
        const QStringList before = filesInTree(container);
        OperationControl control;
        QStringList log;
        control.setLogCallback([&log](const QString& line) { log.append(line); });
        s.service->deleteBackup(copy.id, false, control);
        QCOMPARE(filesInTree(container), before);
        QVERIFY2(log.join(QLatin1Char('\n')).contains(victim.id), qPrintable(log.join('\n')));
        QCOMPARE(compareFiles(path, s.restoreToNewFile(victim.id, QStringLiteral("r.img"))),
                 QString());
    }

    // A verify that finds damage reports it and leaves the backup's status alone.
    void verifyOfDamagedBackupLeavesStatus()
    {
        Service s(QStringLiteral("verifystatus"));
        const auto [path, backup] = s.volumeWithBackup();
        const QString metadata = s.dir + QStringLiteral("/backups/") + backup.container +
                                 QLatin1Char('/') + backup.serviceMetadata +
                                 QStringLiteral("_metadata");
        editObject(metadata, 1, QStringLiteral("offset"), raw(QStringLiteral("1e19")));
        OperationControl control;
        const VerifyReport report = s.service->verifyBackup(backup.id, control);
        QCOMPARE(report.problems.size(), 1);
        QVERIFY2(report.problems.first().contains(QStringLiteral("offset")),
                 qPrintable(report.problems.first()));
        QCOMPARE(s.catalog->backup(backup.id)->status, BackupStatus::Available);
    }
};

QTEST_GUILESS_MAIN(UntrustedTest)
#include "tst_untrusted.moc"
