// One test per hostile case of issue 11 ("Trust first"), end to end through
// ember-cli as a user (or an attacker handing over a record) would hit it.
#include "faultsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>
#include <QUuid>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace ember::faults;
using ember::test::compareFiles;
using ember::test::Fill;
using ember::test::makeVolumeFile;
using ember::test::mutateFile;

namespace {

constexpr qint64 kMiB = 1 << 20;
constexpr qint64 kDefaultObjectSize = 1999994880; // Cinder's backup_file_size

#define SETUP(var, tag, compression, objectSize)                                                   \
    QString var##Error;                                                                            \
    const Setup var =                                                                              \
        makeSetup(QStringLiteral(tag), QStringLiteral(compression), objectSize, &var##Error);      \
    QVERIFY2(var##Error.isEmpty(), qPrintable(var##Error))

#define CLI_REFUSED(result, what)                                                                  \
    QVERIFY2((result).exitCode == 1,                                                               \
             (QByteArray(what " was not refused: ") + describe(result)).constData())
#define ONE_ERROR_LINE(result)                                                                     \
    do {                                                                                           \
        const QString problem = oneErrorLine((result).err);                                        \
        QVERIFY2(problem.isEmpty(), qPrintable(problem));                                          \
    } while (false)
// The error names the problem: one of `words` (a regular expression) appears.
#define MENTIONS(result, words)                                                                    \
    QVERIFY2(                                                                                      \
        QString::fromUtf8((result).err)                                                            \
            .contains(QRegularExpression(QStringLiteral(words),                                    \
                                         QRegularExpression::CaseInsensitiveOption)),              \
        (QByteArray("the error does not say what happened (expected " words "): ") + (result).err) \
            .constData())

QString addVolume(const Setup& setup, const QString& file, const QString& name, qint64 size,
                  Fill fill, quint32 seed, QByteArray* problem)
{
    makeVolumeFile(file, size, fill, seed);
    const ProcessResult added =
        cli(setup.home, {QStringLiteral("volume-add"), file, QStringLiteral("--name"), name});
    if (added.exitCode != 0)
        *problem = "volume-add failed: " + describe(added);
    return file;
}

ProcessResult backup(const Setup& setup, const QString& volume, const QStringList& extra = {})
{
    return cli(setup.home, QStringList{QStringLiteral("--format"), QStringLiteral("json"),
                                       QStringLiteral("backup-create"), volume} +
                               extra);
}

// A file setup.dir/vol.img of `size` bytes of `fill`, registered as volume
// "vol"; `path` names the file.
#define VOLUME(setup, path, size, fill, seed)                                                      \
    QByteArray path##Problem;                                                                      \
    [[maybe_unused]] const QString path =                                                          \
        addVolume(setup, (setup).dir + QStringLiteral("/vol.img"), QStringLiteral("vol"), size,    \
                  fill, seed, &path##Problem);                                                     \
    QVERIFY2(path##Problem.isEmpty(), path##Problem.constData())
// A full backup of volume "vol" that must succeed; `id` names the backup's id.
#define BACKED_UP(setup, id)                                                                       \
    const ProcessResult id##Made = backup(setup, QStringLiteral("vol"));                           \
    CLI_OK(id##Made);                                                                              \
    const QString id = createdId(id##Made)

QJsonArray backupsOf(const Setup& setup)
{
    ProcessResult result;
    return cliArray(setup.home, {QStringLiteral("backup-list")}, &result);
}

QStringList backupIds(const Setup& setup)
{
    QStringList ids;
    for (const QJsonValue& value : backupsOf(setup))
        ids << value.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

// "the catalog holds: id status fail_reason; ..." for failure messages.
QString rowsText(const Setup& setup)
{
    QStringList rows;
    for (const QJsonValue& value : backupsOf(setup)) {
        const QJsonObject backup = value.toObject();
        rows << QStringLiteral("%1 %2 %3 (incremental: %4)")
                    .arg(backup.value(QStringLiteral("id")).toString(),
                         backup.value(QStringLiteral("status")).toString(),
                         backup.value(QStringLiteral("fail_reason")).toString())
                    .arg(backup.value(QStringLiteral("is_incremental")).toBool());
    }
    return QStringLiteral("expected one backup; the catalog holds: ") +
           rows.join(QStringLiteral("; "));
}

// The files of a backup in the posix store: its container directory and prefix.
QString objectPath(const Setup& setup, const QJsonObject& backup, const QString& suffix)
{
    return setup.store + QLatin1Char('/') + backup.value(QStringLiteral("container")).toString() +
           QLatin1Char('/') + backup.value(QStringLiteral("service_metadata")).toString() + suffix;
}

QJsonObject decodeRecord(const QString& url)
{
    return QJsonDocument::fromJson(QByteArray::fromBase64(url.toLatin1())).object();
}

QString encodeRecord(const QJsonObject& record)
{
    return QString::fromLatin1(QJsonDocument(record).toJson(QJsonDocument::Compact).toBase64());
}

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// A zlib stream of `gibibytes` GiB of zeros in a few MB: one 64 MiB segment
// ending in a full flush (byte aligned, no reference to earlier data) repeated,
// then an empty final block and the Adler-32 of the whole.
QByteArray zlibBomb(int gibibytes)
{
    const qint64 segmentBytes = 64 * kMiB;
    const QByteArray zeros(int(segmentBytes), '\0');
    z_stream stream{};
    deflateInit(&stream, 9);
    QByteArray segment(int(deflateBound(&stream, uLong(segmentBytes))) + 64, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.constData()));
    stream.avail_in = uInt(segmentBytes);
    stream.next_out = reinterpret_cast<Bytef*>(segment.data());
    stream.avail_out = uInt(segment.size());
    deflate(&stream, Z_FULL_FLUSH);
    segment.truncate(int(stream.total_out));
    deflateEnd(&stream);
    const QByteArray header = segment.left(2); // 0x78 0xDA
    const QByteArray body = segment.mid(2);
    const qint64 segments = qint64(gibibytes) * 16;
    QByteArray bomb = header;
    for (qint64 i = 0; i < segments; ++i)
        bomb += body;
    bomb += QByteArray::fromHex("0300"); // final fixed-Huffman block with no data
    // Adler-32 of n zeros: a = 1, b = n mod 65521.
    const quint64 total = quint64(segments * segmentBytes);
    const quint32 adler = quint32((total % 65521) << 16) | 1;
    for (int shift = 24; shift >= 0; shift -= 8)
        bomb += char((adler >> shift) & 0xff);
    return bomb;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

// A backup of a 32 MiB volume and a small tmpfs to restore onto.
struct FullDisk
{
    Setup setup;
    QString volume;
    QString backupId;
    QString mount;
};

} // namespace

class FaultCasesTest : public QObject
{
    Q_OBJECT

    QStringList m_mounts;

    // Sets `disk` up: a zlib backup of a 32 MiB volume, a 4 MiB tmpfs.
    void prepareFullDisk(const char* tag, FullDisk& disk)
    {
        // zlib and Cinder's default object size: the write error surfaced as a
        // "corrupt" object there.
        SETUP(setup, "full-disk", "zlib", kDefaultObjectSize);
        disk.setup = setup;
        disk.setup.dir = setup.dir;
        QByteArray problem;
        disk.volume = addVolume(setup, setup.dir + QStringLiteral("/vol.img"),
                                QStringLiteral("vol"), 32 * kMiB, Fill::Text, 31, &problem);
        QVERIFY2(problem.isEmpty(), problem.constData());
        const ProcessResult made = backup(setup, QStringLiteral("vol"));
        CLI_OK(made);
        disk.backupId = createdId(made);
        disk.mount = setup.dir + QStringLiteral("/full-") + QLatin1String(tag);
        const QString mounted = mountTmpfs(disk.mount, 4 * kMiB);
        QVERIFY2(mounted.isEmpty(), qPrintable(mounted));
        m_mounts << disk.mount;
    }

private Q_SLOTS:
    void cleanup()
    {
        for (const QString& mount : std::as_const(m_mounts))
            unmount(mount);
        m_mounts.clear();
    }

    // A 200 MiB volume cut to 1 MiB while its backup reads it: the backup
    // must fail, not end available with zeros where the data was.
    void volumeTruncatedDuringBackup()
    {
        SETUP(setup, "truncated", "none", 4 * kMiB);
        VOLUME(setup, volume, 200 * kMiB, Fill::Random, 11);
        auto process =
            startCli(setup.home, {QStringLiteral("--format"), QStringLiteral("json"),
                                  QStringLiteral("backup-create"), QStringLiteral("vol")});
        // Cut the volume as soon as the backup has written its first object.
        QElapsedTimer clock;
        clock.start();
        bool started = false;
        while (!started && clock.elapsed() < 60000 && process->state() == QProcess::Running) {
            for (const QString& file : filesUnder(setup.store))
                started = started || file.endsWith(QLatin1String("-00001"));
            if (!started)
                QThread::msleep(2);
        }
        QVERIFY2(process->state() == QProcess::Running,
                 "the backup ended before the volume could be truncated; the race was lost, "
                 "not won: make the volume larger");
        QVERIFY2(started, "the backup wrote no object within 60 s");
        QCOMPARE(::truncate(QFile::encodeName(volume).constData(), 1 * kMiB), 0);
        qInfo("volume truncated to 1 MiB %lld ms after the backup started", clock.elapsed());
        QVERIFY(process->waitForFinished(120000));
        ProcessResult result;
        result.exitCode = process->exitCode();
        result.out = process->readAllStandardOutput();
        result.err = process->readAllStandardError();
        if (result.exitCode == 0) {
            const QString restored = setup.dir + QStringLiteral("/restored.img");
            const QString id = createdId(result);
            const QString difference = restoresIdentical(setup.home, id, volume, restored);
            QFAIL(qPrintable(
                QStringLiteral("the backup of a volume truncated mid-read ended "
                               "available; restoring it and comparing with the "
                               "truncated volume: %1")
                    .arg(difference.isEmpty() ? QStringLiteral("identical") : difference)));
        }
        CLI_REFUSED(result, "a backup of a volume truncated mid-read");
        ONE_ERROR_LINE(result);
        MENTIONS(result, "size|shr[ua]nk|truncat|changed|short read|end of|ended early");
        for (const QJsonValue& value : backupsOf(setup))
            QCOMPARE(value.toObject().value(QStringLiteral("status")).toString(),
                     QStringLiteral("error"));
        QCOMPARE(volumeNamed(setup.home, QStringLiteral("vol"))
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("available"));
        const QString orphans = orphanObjects(setup.home, setup.store);
        QVERIFY2(orphans.isEmpty(), qPrintable(orphans));
    }

    // 64 MiB volume, full backup, shrunk to 8 MiB, then an incremental: refused
    // with a clear message, and no row left behind.
    void incrementalAfterVolumeShrank()
    {
        SETUP(setup, "shrunk", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 64 * kMiB, Fill::Mixed, 12);
        CLI_OK(backup(setup, QStringLiteral("vol")));
        QCOMPARE(::truncate(QFile::encodeName(volume).constData(), 8 * kMiB), 0);
        const ProcessResult incremental =
            backup(setup, QStringLiteral("vol"), {QStringLiteral("--incremental")});
        CLI_REFUSED(incremental, "an incremental backup of a shrunk volume");
        ONE_ERROR_LINE(incremental);
        MENTIONS(incremental, "full");
        QVERIFY2(backupIds(setup).size() == 1, qPrintable(rowsText(setup)));
        // A full backup of the shrunk volume works and restores.
        const ProcessResult full = backup(setup, QStringLiteral("vol"));
        CLI_OK(full);
        const QString same = restoresIdentical(setup.home, createdId(full), volume,
                                               setup.dir + QStringLiteral("/restored.img"));
        QVERIFY2(same.isEmpty(), qPrintable(same));
    }

    // One file registered under a second path: refused.
    void sameFileRegisteredTwice_data()
    {
        QTest::addColumn<bool>("symbolic");
        QTest::newRow("via symlink") << true;
        QTest::newRow("via hard link") << false;
    }
    void sameFileRegisteredTwice()
    {
        QFETCH(bool, symbolic);
        SETUP(setup, "twice", "zlib", 4 * kMiB);
        QByteArray problem;
        const QString volume =
            addVolume(setup, setup.dir + QStringLiteral("/vol.img"), QStringLiteral("first"),
                      4 * kMiB, Fill::Random, 13, &problem);
        QVERIFY2(problem.isEmpty(), problem.constData());
        const QString alias = setup.dir + QStringLiteral("/alias.img");
        if (symbolic)
            QVERIFY(QFile::link(volume, alias));
        else
            QCOMPARE(
                ::link(QFile::encodeName(volume).constData(), QFile::encodeName(alias).constData()),
                0);
        const ProcessResult second =
            cli(setup.home, {QStringLiteral("volume-add"), alias, QStringLiteral("--name"),
                             QStringLiteral("second")});
        CLI_REFUSED(second, "a second registration of the same file");
        ONE_ERROR_LINE(second);
        QCOMPARE(volumeNames(setup.home), QStringList{QStringLiteral("first")});
    }

    // An object offset near INT64_MAX in a backup's _metadata: verify and
    // restore fail clearly; the catalog's other backup is untouched.
    void overflowingOffsetInMetadata()
    {
        SETUP(setup, "offset", "none", 4 * kMiB);
        VOLUME(setup, volume, 12 * kMiB, Fill::Random, 14);
        const ProcessResult good = backup(setup, QStringLiteral("vol"));
        CLI_OK(good);
        const QString goodState = setup.dir + QStringLiteral("/good-state.img");
        QVERIFY(QFile::copy(volume, goodState));
        mutateFile(volume, 4, 256 * 1024, 3);
        const ProcessResult tampered = backup(setup, QStringLiteral("vol"));
        CLI_OK(tampered);
        const QString tamperedId = createdId(tampered);

        const QString metadata =
            objectPath(setup, backupNamed(setup.home, tamperedId), QStringLiteral("_metadata"));
        QString text = QString::fromUtf8(readAll(metadata));
        QVERIFY2(text.contains(QLatin1String("\"offset\": 4194304")), qPrintable(metadata));
        text.replace(QLatin1String("\"offset\": 4194304"),
                     QLatin1String("\"offset\": 9223372036854774784")); // 2^63 - 1024
        QVERIFY(writeAll(metadata, text.toUtf8()));

        const ProcessResult verify = cli(setup.home, {QStringLiteral("backup-verify"), tamperedId});
        CLI_REFUSED(verify, "verify of a backup whose _metadata has an offset near INT64_MAX");
        ONE_ERROR_LINE(verify);
        ProcessResult verifyReport = verify; // verify lists its problems on stdout
        verifyReport.err += verify.out;
        MENTIONS(verifyReport, "offset|range|overflow|outside|beyond");
        const QString target = setup.dir + QStringLiteral("/tampered.img");
        const ProcessResult restore =
            cli(setup.home, {QStringLiteral("backup-restore"), tamperedId, QStringLiteral("--name"),
                             QStringLiteral("tampered"), QStringLiteral("--path"), target});
        CLI_REFUSED(restore, "restore of a backup whose _metadata has an offset near INT64_MAX");
        ONE_ERROR_LINE(restore);
        MENTIONS(restore, "offset|range|overflow|outside|beyond");

        CLI_OK(cli(setup.home, {QStringLiteral("backup-verify"), createdId(good)}));
        const QString same = restoresIdentical(setup.home, createdId(good), goodState,
                                               setup.dir + QStringLiteral("/good.img"));
        QVERIFY2(same.isEmpty(), qPrintable(same));
    }

    // An imported record whose id holds "../": refused, and nothing is created
    // outside the data directory (the default restore path derives from the id).
    void importedBackupIdWithPathComponents()
    {
        SETUP(setup, "dotdot-id", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 4 * kMiB, Fill::Text, 15);
        BACKED_UP(setup, id);
        ProcessResult exported;
        const QJsonObject record =
            cliObject(setup.home, {QStringLiteral("backup-export"), id}, &exported);
        CLI_OK(exported);
        // The catalog forgets the backup; its objects are the record's only user.
        QCOMPARE(
            sqlExec(setup.catalog(), QStringLiteral("DELETE FROM backups WHERE id = '%1'").arg(id)),
            QString());
        QJsonObject hostile = decodeRecord(record.value(QStringLiteral("backup_url")).toString());
        // home/volumes/restore_backup_x/../../../outside/escaped.img is dir/outside/escaped.img
        const QString hostileId = QStringLiteral("x/../../../outside/escaped");
        hostile[QStringLiteral("id")] = hostileId;
        const ProcessResult imported =
            cli(setup.home,
                {QStringLiteral("backup-import"),
                 record.value(QStringLiteral("backup_service")).toString(), encodeRecord(hostile)});
        if (imported.exitCode == 0) // show where the accepted id leads
            cli(setup.home, {QStringLiteral("backup-restore"), hostileId});
        const QString outside = setup.dir + QStringLiteral("/outside");
        QVERIFY2(
            !QFileInfo::exists(outside),
            qPrintable(QStringLiteral("%1 was created outside the data directory").arg(outside)));
        CLI_REFUSED(imported, "a record whose id holds ../");
        ONE_ERROR_LINE(imported);
        QVERIFY(backupIds(setup).isEmpty());
    }

    // A record whose service_metadata or container leads outside the backend's
    // directory, to a valid decoy backup planted there: refused, no row.
    void recordLeadingOutsideStore_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("how");
        QTest::newRow("service_metadata with ../") << "service_metadata"
                                                   << "dotdot";
        QTest::newRow("container with ../") << "container"
                                            << "dotdot";
        QTest::newRow("container absolute") << "container"
                                            << "absolute";
    }
    void recordLeadingOutsideStore()
    {
        QFETCH(QString, field);
        QFETCH(QString, how);
        SETUP(setup, "outside", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 4 * kMiB, Fill::Text, 16);
        BACKED_UP(setup, ownId);
        const QString ownContainer =
            backupNamed(setup.home, ownId).value(QStringLiteral("container")).toString();

        // The decoy: a valid backup in another data directory, outside the store.
        const QString decoyHome = setup.dir + QStringLiteral("/decoy-home");
        const QString decoyStore = setup.dir + QStringLiteral("/decoy");
        CLI_OK(cli(decoyHome, {QStringLiteral("backend-add-local"), QStringLiteral("decoy"),
                               decoyStore, QStringLiteral("--default")}));
        makeVolumeFile(setup.dir + QStringLiteral("/decoy.img"), 4 * kMiB, Fill::Text, 17);
        CLI_OK(cli(decoyHome,
                   {QStringLiteral("volume-add"), setup.dir + QStringLiteral("/decoy.img")}));
        const ProcessResult decoy =
            cli(decoyHome, {QStringLiteral("--format"), QStringLiteral("json"),
                            QStringLiteral("backup-create"), QStringLiteral("decoy.img")});
        CLI_OK(decoy);
        ProcessResult exported;
        const QJsonObject record =
            cliObject(decoyHome, {QStringLiteral("backup-export"), createdId(decoy)}, &exported);
        CLI_OK(exported);
        QJsonObject hostile = decodeRecord(record.value(QStringLiteral("backup_url")).toString());
        const QString decoyContainer = hostile.value(QStringLiteral("container")).toString();
        const QString decoyPrefix = hostile.value(QStringLiteral("service_metadata")).toString();
        const QString hostileId = newId();
        hostile[QStringLiteral("id")] = hostileId;
        if (field == QLatin1String("service_metadata")) {
            // store/<own container>/../../../../decoy/<container>/<prefix>
            hostile[QStringLiteral("container")] = ownContainer;
            hostile[QStringLiteral("service_metadata")] =
                QStringLiteral("../../../../decoy/%1/%2").arg(decoyContainer, decoyPrefix);
        } else if (how == QLatin1String("dotdot")) {
            hostile[QStringLiteral("container")] = QStringLiteral("../decoy/") + decoyContainer;
        } else {
            hostile[QStringLiteral("container")] = decoyStore + QLatin1Char('/') + decoyContainer;
        }
        QVERIFY(QFileInfo::exists(decoyStore + QLatin1Char('/') + decoyContainer +
                                  QLatin1Char('/') + decoyPrefix + QStringLiteral("_metadata")));
        const ProcessResult imported =
            cli(setup.home,
                {QStringLiteral("backup-import"),
                 record.value(QStringLiteral("backup_service")).toString(), encodeRecord(hostile),
                 QStringLiteral("--backend"), QStringLiteral("store")});
        CLI_REFUSED(imported, "a record leading outside the store");
        ONE_ERROR_LINE(imported);
        QVERIFY2(!backupIds(setup).contains(hostileId),
                 "the refused import left a backup row behind");
    }

    // A copy of a record under a new id shares its container and prefix: refused.
    void importOfRecordCopyRefused()
    {
        SETUP(setup, "copy", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 8 * kMiB, Fill::Text, 18);
        BACKED_UP(setup, victim);
        ProcessResult exported;
        const QJsonObject record =
            cliObject(setup.home, {QStringLiteral("backup-export"), victim}, &exported);
        CLI_OK(exported);
        QJsonObject copy = decodeRecord(record.value(QStringLiteral("backup_url")).toString());
        const QString copyId = newId();
        copy[QStringLiteral("id")] = copyId;
        const QHash<QString, qint64> before = fileSizes(setup.store);
        const ProcessResult imported =
            cli(setup.home,
                {QStringLiteral("backup-import"),
                 record.value(QStringLiteral("backup_service")).toString(), encodeRecord(copy)});
        if (imported.exitCode == 0) // what that allows: deleting the copy
            cli(setup.home, {QStringLiteral("backup-delete"), copyId});
        const QString lost = missingFiles(before);
        QVERIFY2(lost.isEmpty(),
                 qPrintable(QStringLiteral("objects of %1 removed: %2").arg(victim, lost)));
        CLI_REFUSED(imported, "a copy of a record under a new id");
        ONE_ERROR_LINE(imported);
        QVERIFY(!backupIds(setup).contains(copyId));
        const QString same = restoresIdentical(setup.home, victim, volume,
                                               setup.dir + QStringLiteral("/restored.img"));
        QVERIFY2(same.isEmpty(), qPrintable(same));
    }

    // A record whose prefix is a prefix of another backup's: whatever the
    // import does, deleting that record leaves the other backup's objects.
    void deletingRecordWithSharedPrefixSparesOthers()
    {
        SETUP(setup, "prefix", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 8 * kMiB, Fill::Text, 19);
        BACKED_UP(setup, victim);
        ProcessResult exported;
        const QJsonObject record =
            cliObject(setup.home, {QStringLiteral("backup-export"), victim}, &exported);
        CLI_OK(exported);
        QJsonObject hostile = decodeRecord(record.value(QStringLiteral("backup_url")).toString());
        const QString prefix = hostile.value(QStringLiteral("service_metadata")).toString();
        QVERIFY(prefix.contains(QLatin1String("_backup_")));
        hostile[QStringLiteral("service_metadata")] =
            prefix.left(prefix.indexOf(QLatin1String("_backup_")));
        const QString hostileId = newId();
        hostile[QStringLiteral("id")] = hostileId;
        const QHash<QString, qint64> before = fileSizes(setup.store);
        const ProcessResult imported =
            cli(setup.home,
                {QStringLiteral("backup-import"),
                 record.value(QStringLiteral("backup_service")).toString(), encodeRecord(hostile)});
        if (backupIds(setup).contains(hostileId)) {
            QVERIFY2(imported.exitCode == 0,
                     qPrintable(QStringLiteral("a failed import left row %1 behind: %2")
                                    .arg(hostileId, QString::fromUtf8(describe(imported)))));
            cli(setup.home,
                {QStringLiteral("backup-delete"), QStringLiteral("--force"), hostileId});
        }
        const QString lost = missingFiles(before);
        QVERIFY2(lost.isEmpty(), qPrintable(QStringLiteral("deleting %1 removed objects of %2: %3")
                                                .arg(hostileId, victim, lost)));
        QCOMPARE(backupNamed(setup.home, victim).value(QStringLiteral("status")).toString(),
                 QStringLiteral("available"));
        const QString same = restoresIdentical(setup.home, victim, volume,
                                               setup.dir + QStringLiteral("/restored.img"));
        QVERIFY2(same.isEmpty(), qPrintable(same));
    }

    // A 4 MB zlib object inflating to 4 GiB while its recorded length is
    // 4 MiB: restore and verify stop at once (< 3 s), not after decoding it all.
    void decompressionBombRefusedFast()
    {
        SETUP(setup, "bomb", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 8 * kMiB, Fill::Text, 20);
        BACKED_UP(setup, id);
        const QJsonObject record = backupNamed(setup.home, id);
        const QString object = objectPath(setup, record, QStringLiteral("-00001"));
        const QString metadata = objectPath(setup, record, QStringLiteral("_metadata"));
        QVERIFY2(readAll(metadata).contains("\"length\": 4194304"), qPrintable(metadata));
        // The recorded length (and MD5, of the data) stay those of the real object.
        const QByteArray bomb = zlibBomb(4);
        qInfo("zlib bomb: %lld bytes inflating to 4 GiB", qint64(bomb.size()));
        QVERIFY(bomb.size() < 8 * kMiB);
        QVERIFY(writeAll(object, bomb));

        QElapsedTimer clock;
        clock.start();
        const ProcessResult verify = cli(setup.home, {QStringLiteral("backup-verify"), id}, 60000);
        const qint64 verifyMs = clock.restart();
        const ProcessResult restore =
            cli(setup.home,
                {QStringLiteral("backup-restore"), id, QStringLiteral("--name"),
                 QStringLiteral("bombed"), QStringLiteral("--path"),
                 setup.dir + QStringLiteral("/bombed.img")},
                60000);
        const qint64 restoreMs = clock.elapsed();
        qInfo("verify took %lld ms, restore %lld ms", verifyMs, restoreMs);
        CLI_REFUSED(verify, "verify of a decompression bomb");
        CLI_REFUSED(restore, "restore of a decompression bomb");
        ONE_ERROR_LINE(verify);
        ONE_ERROR_LINE(restore);
        QVERIFY2(verifyMs < 3000, qPrintable(QStringLiteral("verify took %1 ms").arg(verifyMs)));
        QVERIFY2(restoreMs < 3000, qPrintable(QStringLiteral("restore took %1 ms").arg(restoreMs)));
    }

    // volume-add on a FIFO refuses at once instead of waiting for a writer.
    void fifoAsVolumeRefusedQuickly()
    {
        SETUP(setup, "fifo", "zlib", 4 * kMiB);
        const QString fifo = setup.dir + QStringLiteral("/fifo");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QElapsedTimer clock;
        clock.start();
        const ProcessResult added = cli(setup.home, {QStringLiteral("volume-add"), fifo}, 10000);
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(added.exitCode != -1, "volume-add on a FIFO hung (killed after 10 s)");
        CLI_REFUSED(added, "volume-add on a FIFO");
        ONE_ERROR_LINE(added);
        QVERIFY2(elapsed < 1500, qPrintable(QStringLiteral("volume-add took %1 ms").arg(elapsed)));
        QVERIFY(volumeNames(setup.home).isEmpty());
    }

    // A restore onto a full disk says so, and the backup stays available.
    void restoreOntoFullDiskSaysOutOfSpace()
    {
        FullDisk disk;
        prepareFullDisk("space", disk);
        if (QTest::currentTestFailed())
            return;
        const ProcessResult restore =
            cli(disk.setup.home,
                {QStringLiteral("backup-restore"), disk.backupId, QStringLiteral("--name"),
                 QStringLiteral("onfull"), QStringLiteral("--path"),
                 disk.mount + QStringLiteral("/onfull.img")});
        CLI_REFUSED(restore, "a restore onto a full disk");
        ONE_ERROR_LINE(restore);
        MENTIONS(restore, "space");
        QVERIFY2(!restore.err.contains("corrupt"), restore.err.constData());
        QCOMPARE(
            backupNamed(disk.setup.home, disk.backupId).value(QStringLiteral("status")).toString(),
            QStringLiteral("available"));
        const QString same = restoresIdentical(disk.setup.home, disk.backupId, disk.volume,
                                               disk.setup.dir + QStringLiteral("/restored.img"));
        QVERIFY2(same.isEmpty(), qPrintable(same));
    }

    // A failed restore into a new volume leaves neither the row nor the file.
    void failedRestoreIntoNewVolumeLeavesNothing()
    {
        FullDisk disk;
        prepareFullDisk("new", disk);
        if (QTest::currentTestFailed())
            return;
        const QString target = disk.mount + QStringLiteral("/new.img");
        const ProcessResult restore =
            cli(disk.setup.home,
                {QStringLiteral("backup-restore"), disk.backupId, QStringLiteral("--name"),
                 QStringLiteral("new"), QStringLiteral("--path"), target});
        CLI_REFUSED(restore, "a restore onto a full disk");
        QVERIFY2(!volumeNames(disk.setup.home).contains(QStringLiteral("new")),
                 "the failed restore left its new volume registered");
        QVERIFY2(!QFileInfo::exists(target),
                 qPrintable(QStringLiteral("the failed restore left %1").arg(target)));
    }

    // A refused request leaves no error row, and the next incremental works.
    void refusedRequestLeavesNoErrorRow()
    {
        SETUP(setup, "refused", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 8 * kMiB, Fill::Mixed, 22);
        CLI_OK(backup(setup, QStringLiteral("vol")));
        const ProcessResult refused =
            backup(setup, QStringLiteral("vol"),
                   {QStringLiteral("--container"), QStringLiteral("../elsewhere")});
        CLI_REFUSED(refused, "a backup with --container ../elsewhere");
        ONE_ERROR_LINE(refused);
        QVERIFY2(backupIds(setup).size() == 1, qPrintable(rowsText(setup)));
        QVERIFY(!QFileInfo::exists(setup.dir + QStringLiteral("/elsewhere")));
        mutateFile(volume, 3, 64 * 1024, 4);
        const ProcessResult incremental =
            backup(setup, QStringLiteral("vol"), {QStringLiteral("--incremental")});
        CLI_OK(incremental);
        const QString same = restoresIdentical(setup.home, createdId(incremental), volume,
                                               setup.dir + QStringLiteral("/restored.img"));
        QVERIFY2(same.isEmpty(), qPrintable(same));
    }

    // A failing command prints exactly one ERROR: line on stderr, whatever
    // warnings arose on the way.
    void failingCommandPrintsOneErrorLine_data()
    {
        QTest::addColumn<QString>("situation");
        QTest::newRow("unknown backup") << "unknown backup";
        QTest::newRow("volume file gone") << "volume file gone";
        QTest::newRow("object missing") << "object missing";
        QTest::newRow("after an interrupted backup") << "after an interrupted backup";
        QTest::newRow("read-only backend") << "read-only backend";
    }
    void failingCommandPrintsOneErrorLine()
    {
        QFETCH(QString, situation);
        SETUP(setup, "one-line", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 8 * kMiB, Fill::Text, 23);
        ProcessResult failed;
        if (situation == QLatin1String("unknown backup")) {
            failed = cli(setup.home, {QStringLiteral("backup-restore"), QStringLiteral("nosuch")});
        } else if (situation == QLatin1String("volume file gone")) {
            QVERIFY(QFile::remove(volume));
            failed = backup(setup, QStringLiteral("vol"));
        } else if (situation == QLatin1String("object missing")) {
            BACKED_UP(setup, id);
            QVERIFY(QFile::remove(
                objectPath(setup, backupNamed(setup.home, id), QStringLiteral("-00002"))));
            failed =
                cli(setup.home, {QStringLiteral("backup-restore"), id, QStringLiteral("--name"),
                                 QStringLiteral("r"), QStringLiteral("--path"),
                                 setup.dir + QStringLiteral("/r.img")});
        } else if (situation == QLatin1String("after an interrupted backup")) {
            // The rows a backup killed mid-way leaves, then a command that fails.
            BACKED_UP(setup, id);
            QCOMPARE(
                sqlExec(setup.catalog(),
                        QStringLiteral("UPDATE backups SET status = 'creating' WHERE id = '%1'; "
                                       "UPDATE volumes SET status = 'backing-up'")
                            .arg(id)),
                QString());
            failed = cli(setup.home, {QStringLiteral("backup-restore"), QStringLiteral("nosuch")});
        } else {
            const QString mount = setup.dir + QStringLiteral("/ro");
            const QString mounted = mountTmpfs(mount, 64 * kMiB);
            QVERIFY2(mounted.isEmpty(), qPrintable(mounted));
            m_mounts << mount;
            CLI_OK(cli(setup.home, {QStringLiteral("backend-add-local"), QStringLiteral("ro"),
                                    mount + QStringLiteral("/store")}));
            const QString readOnly = remount(mount, true);
            QVERIFY2(readOnly.isEmpty(), qPrintable(readOnly));
            failed = backup(setup, QStringLiteral("vol"),
                            {QStringLiteral("--backend"), QStringLiteral("ro")});
        }
        QCOMPARE(failed.exitCode, 1);
        ONE_ERROR_LINE(failed);
    }

    // A zero-length catalog is refused, naming the file, not replaced.
    void zeroLengthCatalogRefused()
    {
        SETUP(setup, "empty-catalog", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 4 * kMiB, Fill::Text, 24);
        CLI_OK(backup(setup, QStringLiteral("vol")));
        QFile::remove(setup.catalog() + QStringLiteral("-wal"));
        QFile::remove(setup.catalog() + QStringLiteral("-shm"));
        QCOMPARE(::truncate(QFile::encodeName(setup.catalog()).constData(), 0), 0);
        const ProcessResult listing = cli(setup.home, {QStringLiteral("backup-list")});
        CLI_REFUSED(listing, "starting on a zero-length catalog");
        ONE_ERROR_LINE(listing);
        QVERIFY2(listing.err.contains(setup.catalog().toUtf8()), listing.err.constData());
        QCOMPARE(QFileInfo(setup.catalog()).size(), 0);
    }

    // Secret option names in another spelling are not stored in plain text.
    void secretOptionNotStoredInPlainText_data()
    {
        QTest::addColumn<QString>("option");
        QTest::newRow("Backup_Swift_Key") << "Backup_Swift_Key";
        QTest::newRow("backup-swift-key") << "backup-swift-key";
    }
    void secretOptionNotStoredInPlainText()
    {
        QFETCH(QString, option);
        SETUP(setup, "secret", "zlib", 4 * kMiB);
        const QByteArray secret = "Pl41nText-" + QUuid::createUuid().toByteArray(QUuid::Id128);
        const ProcessResult added = cli(
            setup.home,
            {QStringLiteral("backend-add"), QStringLiteral("sw"), QStringLiteral("swift"),
             QStringLiteral("--option"),
             QStringLiteral("backup_swift_auth_url=http://127.0.0.1:9/auth/v1.0"),
             QStringLiteral("--option"), QStringLiteral("backup_swift_user=acct:user"),
             QStringLiteral("--option"), option + QLatin1Char('=') + QString::fromLatin1(secret)});
        for (const QString& file : filesUnder(setup.home))
            QVERIFY2(
                !readAll(file).contains(secret),
                qPrintable(QStringLiteral("the secret is stored in plain text in %1").arg(file)));
        CLI_REFUSED(added, "a secret under another spelling");
        ONE_ERROR_LINE(added);
    }

    // The data directory and the catalog are private to their user.
    void dataDirectoryAndCatalogArePrivate()
    {
        const QString dir = ember::test::freshDir(QStringLiteral("private"));
        const QString home = dir + QStringLiteral("/home");
        CLI_OK(cli(home, {QStringLiteral("volume-list")}));
        struct stat info
        {
        };
        QCOMPARE(::stat(QFile::encodeName(home).constData(), &info), 0);
        QCOMPARE(QString::number(info.st_mode & 07777, 8), QStringLiteral("700"));
        QCOMPARE(
            ::stat(QFile::encodeName(home + QStringLiteral("/catalog.sqlite")).constData(), &info),
            0);
        QCOMPARE(QString::number(info.st_mode & 07777, 8), QStringLiteral("600"));
    }

    // volume-reset-state takes a volume out of error_restoring.
    void volumeResetStateLeavesErrorRestoring()
    {
        SETUP(setup, "reset-state", "zlib", 4 * kMiB);
        VOLUME(setup, volume, 8 * kMiB, Fill::Text, 25);
        BACKED_UP(setup, id);
        CLI_OK(cli(setup.home,
                   {QStringLiteral("volume-create"), setup.dir + QStringLiteral("/target.img"),
                    QStringLiteral("--size"), QStringLiteral("8M"), QStringLiteral("--name"),
                    QStringLiteral("target")}));
        // A restore that fails half-way leaves its target error_restoring.
        QVERIFY(QFile::remove(
            objectPath(setup, backupNamed(setup.home, id), QStringLiteral("-00002"))));
        const ProcessResult restore =
            cli(setup.home, {QStringLiteral("backup-restore"), id, QStringLiteral("--volume"),
                             QStringLiteral("target")});
        QCOMPARE(restore.exitCode, 1);
        const QString status = volumeNamed(setup.home, QStringLiteral("target"))
                                   .value(QStringLiteral("status"))
                                   .toString();
        if (status != QLatin1String("error_restoring")) {
            qInfo("the failed restore left the target %s; setting error_restoring directly",
                  qPrintable(status));
            QCOMPARE(
                sqlExec(setup.catalog(), QStringLiteral("UPDATE volumes SET status = "
                                                        "'error_restoring' WHERE name = 'target'")),
                QString());
        }
        const ProcessResult reset =
            cli(setup.home, {QStringLiteral("volume-reset-state"), QStringLiteral("target"),
                             QStringLiteral("--state"), QStringLiteral("available")});
        CLI_OK(reset);
        QCOMPARE(volumeNamed(setup.home, QStringLiteral("target"))
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("available"));
    }
};

QTEST_GUILESS_MAIN(FaultCasesTest)
#include "tst_faultcases.moc"
