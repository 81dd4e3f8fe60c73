// ember-cli end to end: the real binary with its own EMBER_HOME, real image
// files, every restore compared byte for byte, every refusal checked for its
// exit status and message.
#include "clitestsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>
#include <QThread>

#include <signal.h>

using namespace ember::test;

namespace {

constexpr qint64 MiB = 1024 * 1024;

} // namespace

class CliTest : public QObject
{
    Q_OBJECT

private:
    QString m_dir;  // scratch space of the current test
    QString m_home; // EMBER_HOME of the current test

    ProcessResult cli(const QStringList& arguments, const QString& home = {})
    {
        return runCli(home.isEmpty() ? m_home : home, arguments);
    }
    // The command must fail with exit status 1 and exactly one stderr line
    // "ERROR: <message>"; `expected` must occur in the message.
    void expectError(const QStringList& arguments, const QString& expected)
    {
        const ProcessResult result = cli(arguments);
        QVERIFY2(result.exitCode == 1, qPrintable(describe(result)));
        const QString err = QString::fromUtf8(result.err);
        QVERIFY2(err.endsWith(QLatin1Char('\n')) && err.count(QLatin1Char('\n')) == 1,
                 qPrintable(describe(result)));
        const QString last = err.trimmed();
        QVERIFY2(last.startsWith(QStringLiteral("ERROR: ")), qPrintable(describe(result)));
        QVERIFY2(last.contains(expected),
                 qPrintable(QStringLiteral("expected '%1' in: %2").arg(expected, last)));
    }
    QString createBackup(const QStringList& arguments)
    {
        const ProcessResult result =
            cli(QStringList{QStringLiteral("--format"), QStringLiteral("json"),
                            QStringLiteral("backup-create")} +
                arguments);
        if (result.exitCode != 0) {
            qWarning().noquote() << describe(result);
            return {};
        }
        return jsonOf(result).object().value(QStringLiteral("id")).toString();
    }
    QJsonObject showBackup(const QString& id)
    {
        const ProcessResult result = cli({QStringLiteral("backup-show"), id,
                                          QStringLiteral("--format"), QStringLiteral("json")});
        return jsonOf(result).object();
    }
    QString volumeAdd(const QString& path, const QString& name)
    {
        const ProcessResult result =
            cli({QStringLiteral("volume-add"), path, QStringLiteral("--name"), name,
                 QStringLiteral("--format"), QStringLiteral("json")});
        if (result.exitCode != 0)
            qWarning().noquote() << describe(result);
        return jsonOf(result).object().value(QStringLiteral("id")).toString();
    }

    // A slow default backend (bz2 over random data) and a volume big enough
    // that a backup of it is still running a moment after it started.
    void setUpSlowBackup(const QString& storeDir)
    {
        const ProcessResult added = cli(
            {QStringLiteral("backend-add-local"), QStringLiteral("slow"), storeDir,
             QStringLiteral("--compression"), QStringLiteral("bz2"),
             QStringLiteral("--object-size"), QStringLiteral("1M"), QStringLiteral("--default")});
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
        const QString source = m_dir + QStringLiteral("/big.img");
        makeVolumeFile(source, 192 * MiB, Fill::Random, 4);
        QVERIFY(!volumeAdd(source, QStringLiteral("big")).isEmpty());
    }
    // Starts `backup-create big` and returns once its backup row exists.
    void startBackup(QProcess& process)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("EMBER_HOME"), m_home);
        process.setProcessEnvironment(environment);
        process.start(qEnvironmentVariable("EMBER_CLI"),
                      {QStringLiteral("backup-create"), QStringLiteral("big")});
        QVERIFY(process.waitForStarted());
        bool started = false;
        for (int i = 0; i < 200 && !started; ++i) {
            QThread::msleep(100);
            const ProcessResult list = cli({QStringLiteral("backup-list"),
                                            QStringLiteral("--format"), QStringLiteral("json")});
            started = jsonOf(list).array().size() == 1;
        }
        QVERIFY(started);
        QThread::msleep(100);
        QCOMPARE(process.state(), QProcess::Running);
    }
    QDir containerOf(const QString& storeDir, const QString& id)
    {
        return QDir(storeDir + QLatin1Char('/') + id.left(2) + QLatin1Char('/') + id.mid(2, 2) +
                    QLatin1Char('/') + id);
    }

private Q_SLOTS:
    void init()
    {
        m_dir = freshDir(QString::fromLatin1(QTest::currentTestFunction()));
        m_home = m_dir + QStringLiteral("/home");
    }
    void cleanup()
    {
        // Volumes take room; keep them only to look into a failure.
        if (!QTest::currentTestFailed())
            QDir(m_dir).removeRecursively();
    }

    void versionAndHelp()
    {
        CLI_OK(version, {QStringLiteral("--version")});
        QVERIFY(version.out.startsWith("ember-cli "));
        CLI_OK(help, {QStringLiteral("--help")});
        QVERIFY(help.out.contains("backup-create"));
        QVERIFY(help.out.contains("backend-add-local"));
        CLI_OK(commandHelp, {QStringLiteral("backup-create"), QStringLiteral("--help")});
        QVERIFY2(commandHelp.out.contains("Usage: ember-cli backup-create [options] VOLUME"),
                 commandHelp.out.constData());
        QVERIFY(commandHelp.out.contains("--incremental"));
        CLI_OK(helpCommand, {QStringLiteral("help"), QStringLiteral("backup-restore")});
        QVERIFY(helpCommand.out.contains("--volume"));
        // --help never creates the data directory.
        QVERIFY(!QFileInfo::exists(m_home));

        expectError({QStringLiteral("frobnicate")}, QStringLiteral("Unknown command 'frobnicate'"));
        expectError({}, QStringLiteral("No command given"));
        expectError(
            {QStringLiteral("--format"), QStringLiteral("xml"), QStringLiteral("volume-list")},
            QStringLiteral("Invalid format 'xml': use table or json."));
        expectError({QStringLiteral("backup-show")}, QStringLiteral("needs more arguments"));
        expectError({QStringLiteral("backup-list"), QStringLiteral("--bogus")},
                    QStringLiteral("Unknown option 'bogus'"));
    }

    void volumes()
    {
        const QString image = m_dir + QStringLiteral("/created.img");
        CLI_OK(created,
               {QStringLiteral("volume-create"), QStringLiteral("--size"), QStringLiteral("8M"),
                image, QStringLiteral("--name"), QStringLiteral("fresh"),
                QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonObject volume = jsonOf(created).object();
        QCOMPARE(volume.value(QStringLiteral("name")).toString(), QStringLiteral("fresh"));
        QCOMPARE(volume.value(QStringLiteral("size_bytes")).toDouble(), double(8 * MiB));
        QCOMPARE(volume.value(QStringLiteral("path")).toString(), image);
        QCOMPARE(QFileInfo(image).size(), 8 * MiB);
        // The default backend was set up on first use.
        CLI_OK(backends, {QStringLiteral("backend-list"), QStringLiteral("--format"),
                          QStringLiteral("json")});
        QCOMPARE(jsonOf(backends).array().size(), 1);
        QCOMPARE(jsonOf(backends)
                     .array()
                     .first()
                     .toObject()
                     .value(QStringLiteral("is_default"))
                     .toBool(),
                 true);

        const QString existing = m_dir + QStringLiteral("/existing.img");
        makeVolumeFile(existing, 3 * MiB + 4096, Fill::Text, 7);
        const QString existingId = volumeAdd(existing, QStringLiteral("old"));
        QVERIFY(!existingId.isEmpty());

        CLI_OK(table, {QStringLiteral("volume-list")});
        QVERIFY2(table.out.contains("| fresh") && table.out.contains("| old"),
                 table.out.constData());
        QVERIFY(table.out.startsWith("+-"));
        CLI_OK(json,
               {QStringLiteral("volume-list"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(json).array().size(), 2);

        CLI_OK(shown, {QStringLiteral("volume-show"), existingId.left(8),
                       QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(shown).object().value(QStringLiteral("size_bytes")).toDouble(),
                 double(3 * MiB + 4096));
        CLI_OK(shownTable, {QStringLiteral("volume-show"), QStringLiteral("old")});
        QVERIFY(shownTable.out.contains("| Property"));
        QVERIFY(shownTable.out.contains(existingId.toUtf8()));

        expectError({QStringLiteral("volume-create"), QStringLiteral("--size"),
                     QStringLiteral("10X"), m_dir + QStringLiteral("/bad.img")},
                    QStringLiteral("Invalid size '10X'"));
        expectError({QStringLiteral("volume-create"), m_dir + QStringLiteral("/nosize.img")},
                    QStringLiteral("needs --size"));
        expectError({QStringLiteral("volume-show"), QStringLiteral("nope")},
                    QStringLiteral("No volume with a name or ID of 'nope' exists."));

        CLI_OK(removed, {QStringLiteral("volume-remove"), QStringLiteral("old")});
        QVERIFY(QFileInfo::exists(existing)); // data is never deleted
        CLI_OK(after,
               {QStringLiteral("volume-list"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(after).array().size(), 1);
    }

    void sizesAccepted()
    {
        const QList<QPair<QString, qint64>> sizes{{QStringLiteral("4096"), 4096},
                                                  {QStringLiteral("512K"), 512 * 1024},
                                                  {QStringLiteral("2M"), 2 * MiB},
                                                  {QStringLiteral("1G"), 1024 * MiB},
                                                  {QStringLiteral("1.5MiB"), 3 * MiB / 2}};
        int n = 0;
        for (const auto& [text, bytes] : sizes) {
            const QString path = m_dir + QStringLiteral("/s%1.img").arg(n++);
            CLI_OK(result, {QStringLiteral("volume-create"), QStringLiteral("--size"), text, path});
            QCOMPARE(QFileInfo(path).size(), bytes);
        }
    }

    void fullIncrementalRestoreAndRefusals()
    {
        const QString source = m_dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 12 * MiB + 12345, Fill::Mixed, 11);
        const QString original = m_dir + QStringLiteral("/original.img");
        QVERIFY(QFile::copy(source, original));
        const QString volumeId = volumeAdd(source, QStringLiteral("src"));
        QVERIFY(!volumeId.isEmpty());

        // Incremental without any backup.
        expectError({QStringLiteral("backup-create"), QStringLiteral("--incremental"),
                     QStringLiteral("src")},
                    QStringLiteral("No backups available to do an incremental backup."));
        expectError({QStringLiteral("backup-create"), QStringLiteral("nope")},
                    QStringLiteral("No volume with a name or ID of 'nope' exists."));

        const QString fullId =
            createBackup({QStringLiteral("src"), QStringLiteral("--name"), QStringLiteral("full"),
                          QStringLiteral("--description"), QStringLiteral("first one")});
        QVERIFY(!fullId.isEmpty());
        mutateFile(source, 5, 64 * 1024, 3);
        const QString incId = createBackup({QStringLiteral("src"), QStringLiteral("--incremental"),
                                            QStringLiteral("--name"), QStringLiteral("inc")});
        QVERIFY(!incId.isEmpty());

        const QJsonObject full = showBackup(fullId);
        QCOMPARE(full.value(QStringLiteral("status")).toString(), QStringLiteral("available"));
        QCOMPARE(full.value(QStringLiteral("description")).toString(), QStringLiteral("first one"));
        QCOMPARE(full.value(QStringLiteral("is_incremental")).toBool(), false);
        QCOMPARE(full.value(QStringLiteral("has_dependent_backups")).toBool(), true);
        QCOMPARE(full.value(QStringLiteral("size")).toInt(), 1);
        QCOMPARE(full.value(QStringLiteral("volume_size_bytes")).toDouble(),
                 double(12 * MiB + 12345));
        QVERIFY(full.value(QStringLiteral("object_count")).toInt() >= 1);
        const QJsonObject inc = showBackup(incId);
        QCOMPARE(inc.value(QStringLiteral("is_incremental")).toBool(), true);
        QCOMPARE(inc.value(QStringLiteral("parent_id")).toString(), fullId);
        QCOMPARE(inc.value(QStringLiteral("volume_id")).toString(), volumeId);

        // Lists: table columns of the cinder client, JSON, filters and sort.
        CLI_OK(table, {QStringLiteral("backup-list")});
        for (const char* column :
             {"ID", "Volume ID", "Status", "Name", "Size", "Object Count", "Container"})
            QVERIFY2(table.out.contains(QByteArray("| ") + column), table.out.constData());
        QVERIFY(table.out.contains(fullId.toUtf8()) && table.out.contains(incId.toUtf8()));
        CLI_OK(sorted,
               {QStringLiteral("backup-list"), QStringLiteral("--sort"), QStringLiteral("name:asc"),
                QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonArray byName = jsonOf(sorted).array();
        QCOMPARE(byName.size(), 2);
        QCOMPARE(byName.at(0).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("full"));
        CLI_OK(sortedDesc,
               {QStringLiteral("backup-list"), QStringLiteral("--sort"),
                QStringLiteral("name:desc"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(
            jsonOf(sortedDesc).array().at(0).toObject().value(QStringLiteral("name")).toString(),
            QStringLiteral("inc"));
        CLI_OK(named, {QStringLiteral("backup-list"), QStringLiteral("--name"),
                       QStringLiteral("inc"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(named).array().size(), 1);
        CLI_OK(byVolume,
               {QStringLiteral("backup-list"), QStringLiteral("--volume-id"), QStringLiteral("src"),
                QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(byVolume).array().size(), 2);
        expectError(
            {QStringLiteral("backup-list"), QStringLiteral("--sort"), QStringLiteral("colour")},
            QStringLiteral("Invalid sort key 'colour'"));
        CLI_OK(showTable, {QStringLiteral("backup-show"), QStringLiteral("inc")});
        for (const char* field :
             {"| id ", "| is_incremental ", "| data_timestamp ", "| object_count ",
              "| has_dependent_backups ", "| backend ", "| stored_bytes "})
            QVERIFY2(showTable.out.contains(field), showTable.out.constData());

        // Restore the incremental into a new volume: the mutated data.
        const QString restored = m_dir + QStringLiteral("/restored.img");
        CLI_OK(restore, {QStringLiteral("backup-restore"), incId, QStringLiteral("--name"),
                         QStringLiteral("r1"), QStringLiteral("--path"), restored,
                         QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(restore).object().value(QStringLiteral("backup_id")).toString(), incId);
        QCOMPARE(jsonOf(restore).object().value(QStringLiteral("volume_name")).toString(),
                 QStringLiteral("r1"));
        QCOMPARE(compareFiles(source, restored, 12 * MiB + 12345), QString());

        // Restore the full backup onto an existing volume of the same size.
        const QString target = m_dir + QStringLiteral("/target.img");
        CLI_OK(createdTarget, {QStringLiteral("volume-create"), QStringLiteral("--size"),
                               QString::number(12 * MiB + 12345), target, QStringLiteral("--name"),
                               QStringLiteral("target")});
        CLI_OK(restoreFull, {QStringLiteral("backup-restore"), fullId, QStringLiteral("--volume"),
                             QStringLiteral("target")});
        QCOMPARE(compareFiles(original, target), QString());

        // Refusals.
        const QString small = m_dir + QStringLiteral("/small.img");
        CLI_OK(createdSmall,
               {QStringLiteral("volume-create"), QStringLiteral("--size"), QStringLiteral("4M"),
                small, QStringLiteral("--name"), QStringLiteral("small")});
        expectError({QStringLiteral("backup-restore"), fullId, QStringLiteral("--volume"),
                     QStringLiteral("small")},
                    QStringLiteral("too small"));
        expectError(
            {QStringLiteral("backup-delete"), fullId},
            QStringLiteral("1 incremental backup(s) depend on this one: delete them first"));
        expectError(
            {QStringLiteral("backup-delete"), QStringLiteral("--force"), fullId},
            QStringLiteral("1 incremental backup(s) depend on this one: delete them first"));
        expectError({QStringLiteral("backup-reset-state"), QStringLiteral("--state"),
                     QStringLiteral("creating"), incId},
                    QStringLiteral("Invalid backup state 'creating': reset-state accepts only "
                                   "available or error."));
        expectError({QStringLiteral("backup-update"), incId},
                    QStringLiteral("Must supply at least one"));
        expectError({QStringLiteral("backup-show"), QStringLiteral("missing")},
                    QStringLiteral("No backup with a name or ID of 'missing' exists."));

        // Reset-state and update.
        CLI_OK(toError, {QStringLiteral("backup-reset-state"), QStringLiteral("--state"),
                         QStringLiteral("error"), incId});
        QCOMPARE(showBackup(incId).value(QStringLiteral("status")).toString(),
                 QStringLiteral("error"));
        // An errored latest backup holds nothing to build on: the next
        // incremental builds on the full one, as later Cinder releases do.
        const QString overId =
            createBackup({QStringLiteral("src"), QStringLiteral("--incremental")});
        QVERIFY(!overId.isEmpty());
        QCOMPARE(showBackup(overId).value(QStringLiteral("parent_id")).toString(), fullId);
        CLI_OK(deleteOver, {QStringLiteral("backup-delete"), overId});
        expectError({QStringLiteral("backup-restore"), incId, QStringLiteral("--name"),
                     QStringLiteral("r2")},
                    QStringLiteral("available"));
        CLI_OK(toAvailable, {QStringLiteral("backup-reset-state"), incId});
        QCOMPARE(showBackup(incId).value(QStringLiteral("status")).toString(),
                 QStringLiteral("available"));
        CLI_OK(updated,
               {QStringLiteral("backup-update"), incId, QStringLiteral("--name"),
                QStringLiteral("renamed"), QStringLiteral("--description"), QStringLiteral("d2")});
        QCOMPARE(showBackup(incId).value(QStringLiteral("name")).toString(),
                 QStringLiteral("renamed"));
        QCOMPARE(showBackup(incId).value(QStringLiteral("description")).toString(),
                 QStringLiteral("d2"));

        // Delete newest first.
        CLI_OK(deleteInc, {QStringLiteral("backup-delete"), incId});
        CLI_OK(deleteFull, {QStringLiteral("backup-delete"), fullId});
        CLI_OK(empty,
               {QStringLiteral("backup-list"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(empty).array().size(), 0);
        expectError({QStringLiteral("backup-delete"), fullId},
                    QStringLiteral("No backup with a name or ID of"));
    }

    void exportImportRoundTrip()
    {
        const QString source = m_dir + QStringLiteral("/source.img");
        makeVolumeFile(source, 6 * MiB, Fill::Text, 5);
        QVERIFY(!volumeAdd(source, QStringLiteral("src")).isEmpty());
        const QString fullId =
            createBackup({QStringLiteral("src"), QStringLiteral("--name"), QStringLiteral("f")});
        QVERIFY(!fullId.isEmpty());
        mutateFile(source, 3, 100 * 1024, 9);
        const QString incId =
            createBackup({QStringLiteral("src"), QStringLiteral("--incremental")});
        QVERIFY(!incId.isEmpty());

        QList<QPair<QString, QString>> records;
        for (const QString& id : {fullId, incId}) {
            CLI_OK(exported, {QStringLiteral("backup-export"), id, QStringLiteral("--format"),
                              QStringLiteral("json")});
            const QJsonObject record = jsonOf(exported).object();
            const QString service = record.value(QStringLiteral("backup_service")).toString();
            const QString url = record.value(QStringLiteral("backup_url")).toString();
            QVERIFY(service.startsWith(QStringLiteral("cinder.backup.drivers.")));
            const QJsonObject decoded =
                QJsonDocument::fromJson(QByteArray::fromBase64(url.toLatin1())).object();
            QCOMPARE(decoded.value(QStringLiteral("id")).toString(), id);
            QVERIFY(decoded.value(QStringLiteral("driver_info")).isObject());
            records.append({service, url});
        }
        CLI_OK(exportTable, {QStringLiteral("backup-export"), fullId});
        QVERIFY(exportTable.out.contains("| backup_service"));
        QVERIFY(exportTable.out.contains("| backup_url"));

        // A second ember (another EMBER_HOME) reads the same backup directory.
        const QString otherHome = m_dir + QStringLiteral("/other-home");
        const QString backupDir = m_home + QStringLiteral("/backups");
        QVERIFY(QFileInfo(backupDir).isDir());
        const ProcessResult added = cli(
            {QStringLiteral("backend-add-local"), QStringLiteral("shared"), backupDir}, otherHome);
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
        for (const auto& [service, url] : records) {
            const ProcessResult imported =
                cli({QStringLiteral("backup-import"), service, url, QStringLiteral("--backend"),
                     QStringLiteral("shared")},
                    otherHome);
            QVERIFY2(imported.exitCode == 0, qPrintable(describe(imported)));
        }
        const QString restored = m_dir + QStringLiteral("/restored.img");
        const ProcessResult restore =
            cli({QStringLiteral("backup-restore"), incId, QStringLiteral("--path"), restored},
                otherHome);
        QVERIFY2(restore.exitCode == 0, qPrintable(describe(restore)));
        QCOMPARE(compareFiles(source, restored, 6 * MiB), QString());

        // Importing a live id again is refused.
        const ProcessResult again =
            cli({QStringLiteral("backup-import"), records.first().first, records.first().second,
                 QStringLiteral("--backend"), QStringLiteral("shared")},
                otherHome);
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.startsWith("ERROR: ") && again.err.contains(fullId.toUtf8()),
                 again.err.constData());
        expectError({QStringLiteral("backup-import"), records.first().first, QStringLiteral("@@@")},
                    QStringLiteral("Can't decode backup record"));
    }

    void backendAddLocal()
    {
        const QString dir = m_dir + QStringLiteral("/store");
        CLI_OK(added,
               {QStringLiteral("backend-add-local"), QStringLiteral("fast"), dir,
                QStringLiteral("--compression"), QStringLiteral("zstd"),
                QStringLiteral("--object-size"), QStringLiteral("4M"), QStringLiteral("--default"),
                QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonObject backend = jsonOf(added).object();
        QCOMPARE(backend.value(QStringLiteral("type")).toString(), QStringLiteral("posix"));
        QVERIFY(backend.value(QStringLiteral("is_default")).toBool());
        const QJsonObject options = backend.value(QStringLiteral("options")).toObject();
        QCOMPARE(options.value(QStringLiteral("backup_posix_path")).toString(), dir);
        QCOMPARE(options.value(QStringLiteral("backup_compression_algorithm")).toString(),
                 QStringLiteral("zstd"));
        QCOMPARE(options.value(QStringLiteral("backup_file_size")).toDouble(), double(4 * MiB));
        QVERIFY(QFileInfo(dir).isDir());

        expectError({QStringLiteral("backend-add-local"), QStringLiteral("fast"), dir},
                    QStringLiteral("A backend named 'fast' already exists."));
        expectError({QStringLiteral("backend-add-local"), QStringLiteral("x"), dir,
                     QStringLiteral("--compression"), QStringLiteral("lz4")},
                    QStringLiteral("Invalid compression 'lz4'"));
        expectError({QStringLiteral("backend-add-local"), QStringLiteral("y"), dir,
                     QStringLiteral("--object-size"), QStringLiteral("1000")},
                    QStringLiteral("must be a multiple of the 32768-byte hash block"));

        // Backups go to the new default backend, in Cinder's posix layout.
        const QString source = m_dir + QStringLiteral("/v.img");
        makeVolumeFile(source, 9 * MiB, Fill::Random, 2);
        QVERIFY(!volumeAdd(source, QStringLiteral("v")).isEmpty());
        const QString id = createBackup({QStringLiteral("v")});
        QVERIFY(!id.isEmpty());
        QCOMPARE(showBackup(id).value(QStringLiteral("backend")).toString(),
                 QStringLiteral("fast"));
        QCOMPARE(showBackup(id).value(QStringLiteral("object_count")).toInt(), 3); // 9 MiB / 4 MiB
        const QString container = dir + QLatin1Char('/') + id.left(2) + QLatin1Char('/') +
                                  id.mid(2, 2) + QLatin1Char('/') + id;
        QVERIFY2(QFileInfo(container).isDir(), qPrintable(container));
        const QString restored = m_dir + QStringLiteral("/r.img");
        CLI_OK(restore, {QStringLiteral("backup-restore"), id, QStringLiteral("--path"), restored});
        QCOMPARE(compareFiles(source, restored), QString());
    }

    // Secret option names in any spelling stay out of the catalog; unknown
    // ones are refused with the close match; known ones are stored normalised.
    void backendOptionNamesAreNormalised()
    {
        expectError({QStringLiteral("backend-add"), QStringLiteral("sw"), QStringLiteral("swift"),
                     QStringLiteral("--option"), QStringLiteral("backup_swift_user=test:tester"),
                     QStringLiteral("--option"), QStringLiteral("Backup_Swift_Key=secret")},
                    QStringLiteral("Backup_Swift_Key is a secret"));
        expectError({QStringLiteral("backend-add"), QStringLiteral("sw"), QStringLiteral("swift"),
                     QStringLiteral("--option"), QStringLiteral("backup-swift-key=secret")},
                    QStringLiteral("'ember-cli backend-set-secret sw backup_swift_key'"));
        expectError({QStringLiteral("backend-add"), QStringLiteral("sw"), QStringLiteral("swift"),
                     QStringLiteral("--option"), QStringLiteral("backup_swift_auth_urll=http://x")},
                    QStringLiteral("did you mean backup_swift_auth_url?"));
        expectError(
            {QStringLiteral("backend-add"), QStringLiteral("p"), QStringLiteral("posix"),
             QStringLiteral("--option"), QStringLiteral("colour=blue")},
            QStringLiteral("Unknown option 'colour' for a posix backend; its options are: "));
        CLI_OK(added,
               {QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("backend-add"),
                QStringLiteral("sw"), QStringLiteral("swift"), QStringLiteral("--option"),
                QStringLiteral("Backup-Swift-Auth-URL=http://127.0.0.1:9/auth/v1.0"),
                QStringLiteral("--option"), QStringLiteral("BACKUP_SWIFT_USER=test:tester")});
        const QJsonObject options =
            jsonOf(added).object().value(QStringLiteral("options")).toObject();
        QCOMPARE(options.value(QStringLiteral("backup_swift_auth_url")).toString(),
                 QStringLiteral("http://127.0.0.1:9/auth/v1.0"));
        QCOMPARE(options.value(QStringLiteral("backup_swift_user")).toString(),
                 QStringLiteral("test:tester"));
        // Besides them only the schema's defaults that fix the backup format
        // are kept, never a secret.
        for (auto it = options.begin(); it != options.end(); ++it)
            QVERIFY2(!it.key().contains(QLatin1String("key")), qPrintable(it.key()));
        QCOMPARE(options.value(QStringLiteral("backup_compression_algorithm")).toString(),
                 QStringLiteral("zlib"));
        QFile catalogFile(m_home + QStringLiteral("/catalog.sqlite"));
        QVERIFY(catalogFile.open(QIODevice::ReadOnly));
        QVERIFY(!catalogFile.readAll().contains("secret"));
    }

    void emptyCatalogIsRefusedAndRestoredFromACopy()
    {
        const QString source = m_dir + QStringLiteral("/vol.img");
        makeVolumeFile(source, 5 * MiB + 4096, Fill::Mixed, 61);
        QVERIFY(!volumeAdd(source, QStringLiteral("vol")).isEmpty());
        const QString id = createBackup({QStringLiteral("vol")});
        QVERIFY(!id.isEmpty());
        CLI_OK(copies, {QStringLiteral("--format"), QStringLiteral("json"),
                        QStringLiteral("catalog-copies")});
        const QJsonArray list = jsonOf(copies).array();
        QVERIFY2(!list.isEmpty(), copies.out.constData());
        const QString copyName = list.first().toObject().value(QStringLiteral("name")).toString();

        // The catalog file is lost (0 bytes): ember-cli refuses, names it and
        // says how to recover, and leaves it as it is.
        const QString catalogPath = m_home + QStringLiteral("/catalog.sqlite");
        QFile catalogFile(catalogPath);
        QVERIFY(catalogFile.resize(0));
        expectError({QStringLiteral("backup-list")},
                    QStringLiteral("The catalog %1 is empty (0 bytes)").arg(catalogPath));
        expectError({QStringLiteral("backup-list")}, QStringLiteral("ember-cli catalog-restore"));
        QCOMPARE(QFileInfo(catalogPath).size(), 0);

        CLI_OK(restoredCatalog, {QStringLiteral("catalog-restore"), copyName});
        QVERIFY(restoredCatalog.out.contains("catalog.sqlite.damaged-"));
        CLI_OK(show, {QStringLiteral("backup-show"), id});
        const QString restored = m_dir + QStringLiteral("/restored.img");
        CLI_OK(restore, {QStringLiteral("backup-restore"), id, QStringLiteral("--path"), restored});
        QCOMPARE(compareFiles(source, restored), QString());
    }

    void catalogRestoreRefusedWhileAJobRuns()
    {
        setUpSlowBackup(m_dir + QStringLiteral("/store"));
        const QString copy = m_dir + QStringLiteral("/copy.sqlite");
        QVERIFY(QFile::copy(m_home + QStringLiteral("/catalog.sqlite"), copy));
        QProcess backup;
        startBackup(backup);
        expectError({QStringLiteral("catalog-restore"), copy}, QStringLiteral("has the catalog"));
        backup.kill();
        backup.waitForFinished();
    }

    // The catalog is lost entirely: backend-rescan rebuilds the rows of a
    // full backup and its incremental from the backend's files, and both
    // restore byte for byte. Crafted finds are skipped, with the reason.
    void backendRescanRebuildsTheCatalog()
    {
        const QString store = m_dir + QStringLiteral("/store");
        CLI_OK(backend, {QStringLiteral("backend-add-local"), QStringLiteral("store"), store,
                         QStringLiteral("--object-size"), QStringLiteral("1M"),
                         QStringLiteral("--default")});
        const QString source = m_dir + QStringLiteral("/vol.img");
        const QString firstState = m_dir + QStringLiteral("/first.img");
        makeVolumeFile(source, 6 * MiB + 12345, Fill::Mixed, 71);
        QVERIFY(QFile::copy(source, firstState));
        QVERIFY(!volumeAdd(source, QStringLiteral("vol")).isEmpty());
        const QString full = createBackup(
            {QStringLiteral("vol"), QStringLiteral("--name"), QStringLiteral("full one")});
        mutateFile(source, 4, 64 * 1024, 72);
        const QString incremental =
            createBackup({QStringLiteral("vol"), QStringLiteral("--incremental")});
        QVERIFY(!full.isEmpty() && !incremental.isEmpty());

        // A crafted find: the full backup's files, consistently renamed to a
        // prefix of another id while its _metadata still names the full's id.
        const QDir fullDir = containerOf(store, full);
        const QString fullPrefix =
            fullDir.entryList({QStringLiteral("*_metadata")}).first().chopped(9);
        QVERIFY(QDir().mkpath(store + QStringLiteral("/crafted")));
        const QString otherId = QStringLiteral("11111111-2222-3333-4444-555555555555");
        const QString craftedPrefix = QStringLiteral("volume_x_backup_") + otherId;
        for (const QString& name : fullDir.entryList(QDir::Files)) {
            QString target = name;
            target.replace(fullPrefix, craftedPrefix);
            QFile in(fullDir.filePath(name));
            QVERIFY(in.open(QIODevice::ReadOnly));
            QByteArray content = in.readAll();
            if (name.endsWith(QLatin1String("_metadata")))
                content.replace(fullPrefix.toUtf8(), craftedPrefix.toUtf8());
            QFile out(store + QStringLiteral("/crafted/") + target);
            QVERIFY(out.open(QIODevice::WriteOnly));
            QCOMPARE(out.write(content), content.size());
        }

        // The catalog is gone; a new one knows the backend, not the backups.
        for (const char* suffix : {"", "-wal", "-shm"})
            QFile::remove(m_home + QStringLiteral("/catalog.sqlite") + QLatin1String(suffix));
        QDir(m_home + QStringLiteral("/catalog-backups")).removeRecursively();
        CLI_OK(again, {QStringLiteral("backend-add-local"), QStringLiteral("store"), store,
                       QStringLiteral("--object-size"), QStringLiteral("1M"),
                       QStringLiteral("--default")});
        CLI_OK(rescan, {QStringLiteral("--format"), QStringLiteral("json"),
                        QStringLiteral("backend-rescan"), QStringLiteral("store")});
        const QJsonObject report = jsonOf(rescan).object();
        const QJsonArray added = report.value(QStringLiteral("added")).toArray();
        QCOMPARE(added.size(), 2);
        QCOMPARE(added.at(0).toObject().value(QStringLiteral("id")).toString(), full);
        QCOMPARE(added.at(1).toObject().value(QStringLiteral("id")).toString(), incremental);
        const QJsonArray skipped = report.value(QStringLiteral("skipped")).toArray();
        QCOMPARE(skipped.size(), 1);
        QVERIFY2(skipped.at(0)
                     .toObject()
                     .value(QStringLiteral("reason"))
                     .toString()
                     .contains(QStringLiteral("prefix does not end in backup_")),
                 rescan.out.constData());

        const QJsonObject shown = showBackup(full);
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("available"));
        QCOMPARE(shown.value(QStringLiteral("name")).toString(), QStringLiteral("full one"));
        QCOMPARE(showBackup(incremental).value(QStringLiteral("is_incremental")).toBool(), true);

        // Backends of other formats are refused (when this build has one).
        if (cli({QStringLiteral("backend-add"), QStringLiteral("rbd"), QStringLiteral("ceph"),
                 QStringLiteral("--option"), QStringLiteral("backup_ceph_pool=backups")})
                .exitCode == 0)
            expectError({QStringLiteral("backend-rescan"), QStringLiteral("rbd")},
                        QStringLiteral("backend rbd is a ceph backend: backend-rescan reads"));
        expectError({QStringLiteral("backend-rescan"), QStringLiteral("store"),
                     QStringLiteral("--container"), QStringLiteral("../elsewhere")},
                    QStringLiteral("it has a '..' component"));

        // A second rescan adds nothing and says why.
        CLI_OK(second, {QStringLiteral("backend-rescan"), QStringLiteral("store")});
        QVERIFY(second.out.contains("already in the catalog"));
        QVERIFY(second.out.contains("0 backup(s) added"));

        const QString restoredFull = m_dir + QStringLiteral("/restored-full.img");
        CLI_OK(restoreFull,
               {QStringLiteral("backup-restore"), full, QStringLiteral("--path"), restoredFull});
        QCOMPARE(compareFiles(firstState, restoredFull), QString());
        const QString restoredIncremental = m_dir + QStringLiteral("/restored-incremental.img");
        CLI_OK(restoreIncremental, {QStringLiteral("backup-restore"), incremental,
                                    QStringLiteral("--path"), restoredIncremental});
        QCOMPARE(compareFiles(source, restoredIncremental), QString());
    }

    void dataDirectoryIsPrivate()
    {
        QVERIFY(QDir().mkpath(m_home));
        QVERIFY(QFile::setPermissions(m_home, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                  QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                                                  QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                  QFileDevice::ExeOther));
        CLI_OK(list, {QStringLiteral("volume-list")});
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                QFileDevice::WriteOther | QFileDevice::ExeOther;
        QCOMPARE(QFileInfo(m_home).permissions() & others, QFileDevice::Permissions());
        QCOMPARE(QFileInfo(m_home + QStringLiteral("/catalog.sqlite")).permissions() & others,
                 QFileDevice::Permissions());
    }

    void backendCommands()
    {
        CLI_OK(local, {QStringLiteral("backend-test"), QStringLiteral("local")});
        QVERIFY(local.out.contains("write permission"));

        // Secrets are refused as options: they would land in the catalog in clear.
        expectError({QStringLiteral("backend-add"), QStringLiteral("sw"), QStringLiteral("swift"),
                     QStringLiteral("--option"), QStringLiteral("backup_swift_user=test:tester"),
                     QStringLiteral("--option"), QStringLiteral("backup_swift_key=secret")},
                    QStringLiteral("backup_swift_key is a secret"));
        expectError({QStringLiteral("backend-add"), QStringLiteral("x"), QStringLiteral("nfs")},
                    QStringLiteral("Unknown backend type 'nfs'"));
        CLI_OK(added,
               {QStringLiteral("backend-add"), QStringLiteral("sw"), QStringLiteral("swift"),
                QStringLiteral("--option"),
                QStringLiteral("backup_swift_auth_url=http://127.0.0.1:9/auth/v1.0"),
                QStringLiteral("--option"), QStringLiteral("backup_swift_user=test:tester")});
        QVERIFY(!added.out.contains("secret"));

        // The key comes from standard input, never from the command line.
        QProcess setSecret;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("EMBER_HOME"), m_home);
        environment.insert(QStringLiteral("EMBER_ALLOW_FILE_SECRETS"), QStringLiteral("1"));
        environment.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        environment.remove(QStringLiteral("DISPLAY"));
        setSecret.setProcessEnvironment(environment);
        setSecret.start(qEnvironmentVariable("EMBER_CLI"),
                        {QStringLiteral("backend-set-secret"), QStringLiteral("sw"),
                         QStringLiteral("backup_swift_key")});
        setSecret.write("very-secret-key\n");
        setSecret.closeWriteChannel();
        QVERIFY(setSecret.waitForFinished(60000));
        QCOMPARE(setSecret.exitCode(), 0);
        QVERIFY(setSecret.readAllStandardError().contains("WARNING"));
        QFile catalogFile(m_home + QStringLiteral("/catalog.sqlite"));
        QVERIFY(catalogFile.open(QIODevice::ReadOnly));
        QVERIFY(!catalogFile.readAll().contains("very-secret-key"));
        QCOMPARE(QFileInfo(m_home + QStringLiteral("/secrets.json")).permissions() &
                     (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());

        // The connection test reads the key and says plainly what is wrong.
        QProcess test;
        test.setProcessEnvironment(environment);
        test.start(qEnvironmentVariable("EMBER_CLI"),
                   {QStringLiteral("backend-test"), QStringLiteral("sw")});
        QVERIFY(test.waitForFinished(60000));
        QCOMPARE(test.exitCode(), 1);
        const QByteArray output = test.readAllStandardOutput() + test.readAllStandardError();
        QVERIFY2(output.contains("cannot connect"), output.constData());
        QVERIFY(!output.contains("very-secret-key"));
        CLI_OK(removed, {QStringLiteral("backend-remove"), QStringLiteral("sw")});
    }

    void interruptCancelsBackup()
    {
        const QString store = m_dir + QStringLiteral("/store");
        setUpSlowBackup(store);
        QProcess process;
        startBackup(process);
        // While it runs, other processes see the volume busy.
        expectError({QStringLiteral("backup-create"), QStringLiteral("big")},
                    QStringLiteral("must be available or in-use, but the current status is "
                                   "\"backing-up\"."));
        expectError({QStringLiteral("volume-remove"), QStringLiteral("big")},
                    QStringLiteral("busy"));
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(120000));
        const QByteArray err = process.readAllStandardError();
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == 1, err.constData());
        QVERIFY2(err.trimmed().endsWith("ERROR: cancelled by request"), err.constData());

        CLI_OK(list,
               {QStringLiteral("backup-list"), QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonArray backups = jsonOf(list).array();
        QCOMPARE(backups.size(), 1);
        const QJsonObject backup = backups.first().toObject();
        QCOMPARE(backup.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
        // What was written has been removed again.
        const QString id = backup.value(QStringLiteral("id")).toString();
        const QDir container = containerOf(store, id);
        QVERIFY2(!container.exists() || container.isEmpty(QDir::Files),
                 qPrintable(container.entryList().join(QLatin1Char(' '))));
        // The volume is available again and its lock released.
        CLI_OK(volume, {QStringLiteral("volume-show"), QStringLiteral("big"),
                        QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(volume).object().value(QStringLiteral("status")).toString(),
                 QStringLiteral("available"));
        CLI_OK(deleted, {QStringLiteral("backup-delete"), id});
    }

    void killedBackupIsRecoveredAtNextStart()
    {
        const QString store = m_dir + QStringLiteral("/store");
        setUpSlowBackup(store);
        QProcess process;
        startBackup(process);
        ::kill(pid_t(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished(30000));

        // The next ember-cli run finds the dead job and cleans up after it.
        CLI_OK(list,
               {QStringLiteral("backup-list"), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(list.err.contains("was interrupted while being created"), list.err.constData());
        const QJsonObject backup = jsonOf(list).array().first().toObject();
        QCOMPARE(backup.value(QStringLiteral("status")).toString(), QStringLiteral("error"));
        QVERIFY(!backup.value(QStringLiteral("fail_reason")).toString().isEmpty());
        const QDir container = containerOf(store, backup.value(QStringLiteral("id")).toString());
        QVERIFY2(!container.exists() || container.isEmpty(QDir::Files),
                 qPrintable(container.entryList().join(QLatin1Char(' '))));
        CLI_OK(volume, {QStringLiteral("volume-show"), QStringLiteral("big"),
                        QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(volume).object().value(QStringLiteral("status")).toString(),
                 QStringLiteral("available"));
        // Recovery happens once.
        CLI_OK(again, {QStringLiteral("backup-list")});
        QVERIFY2(!again.err.contains("interrupted"), again.err.constData());
    }

    void verifyFindsDamage()
    {
        const QString source = m_dir + QStringLiteral("/v.img");
        makeVolumeFile(source, 5 * MiB, Fill::Text, 21);
        QVERIFY(!volumeAdd(source, QStringLiteral("v")).isEmpty());
        const QString id = createBackup({QStringLiteral("v")});
        QVERIFY(!id.isEmpty());
        CLI_OK(intact, {QStringLiteral("backup-verify"), id, QStringLiteral("--format"),
                        QStringLiteral("json")});
        const QJsonObject report = jsonOf(intact).object();
        QCOMPARE(report.value(QStringLiteral("result")).toString(), QStringLiteral("intact"));
        QVERIFY(report.value(QStringLiteral("objects_checked")).toInt() >= 1);
        QCOMPARE(report.value(QStringLiteral("bytes_checked")).toDouble(), double(5 * MiB));

        // Damage the first data object in place.
        const QDir container = containerOf(m_home + QStringLiteral("/backups"), id);
        const QStringList objects = container.entryList({QStringLiteral("*-00001")}, QDir::Files);
        QCOMPARE(objects.size(), 1);
        QFile object(container.filePath(objects.first()));
        QVERIFY(object.open(QIODevice::ReadWrite));
        const qint64 middle = object.size() / 2;
        QVERIFY(object.seek(middle));
        QByteArray bytes = object.read(16);
        for (char& byte : bytes)
            byte = char(~byte);
        QVERIFY(object.seek(middle));
        QCOMPARE(object.write(bytes), qint64(bytes.size()));
        object.close();

        const ProcessResult damaged = cli({QStringLiteral("backup-verify"), id});
        QCOMPARE(damaged.exitCode, 1);
        QVERIFY2(damaged.err.startsWith("ERROR: "), qPrintable(describe(damaged)));
        QVERIFY2(damaged.err.contains(id.toUtf8()) || damaged.err.contains("-00001"),
                 qPrintable(describe(damaged)));
    }

    // backup-verify --sample: each run reads its share of the backup's objects,
    // those not read before first, and says how much of the backup has been
    // verified so far; a percentage outside 1..100 is refused.
    void verifySampleCoversTheBackup()
    {
        const ProcessResult added =
            cli({QStringLiteral("backend-add-local"), QStringLiteral("b"),
                 m_dir + QStringLiteral("/store"), QStringLiteral("--object-size"),
                 QStringLiteral("1M"), QStringLiteral("--default")});
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
        const QString source = m_dir + QStringLiteral("/v.img");
        makeVolumeFile(source, 22 * MiB, Fill::Random, 31);
        QVERIFY(!volumeAdd(source, QStringLiteral("v")).isEmpty());
        const QString id = createBackup({QStringLiteral("v")});
        QVERIFY(!id.isEmpty());

        for (const QString& percent : {QStringLiteral("0"), QStringLiteral("101"),
                                       QStringLiteral("-3"), QStringLiteral("half")})
            expectError({QStringLiteral("backup-verify"), id, QStringLiteral("--sample"), percent},
                        QStringLiteral("--sample takes a percentage from 1 to 100"));

        // 25% of 22 objects is 6; four runs read all 22.
        for (int run = 1; run <= 4; ++run) {
            CLI_OK(sampled,
                   {QStringLiteral("backup-verify"), id, QStringLiteral("--sample"),
                    QStringLiteral("25"), QStringLiteral("--format"), QStringLiteral("json")});
            const QJsonObject report = jsonOf(sampled).object();
            QCOMPARE(report.value(QStringLiteral("result")).toString(), QStringLiteral("intact"));
            QCOMPARE(report.value(QStringLiteral("sample_percent")).toInt(), 25);
            QCOMPARE(report.value(QStringLiteral("objects_checked")).toInt(), 6);
            QCOMPARE(report.value(QStringLiteral("backup_objects")).toInt(), 22);
            QCOMPARE(report.value(QStringLiteral("backup_objects_verified")).toInt(),
                     std::min(22, run * 6));
            QCOMPARE(report.value(QStringLiteral("bytes_checked")).toDouble(), double(6 * MiB));
        }
        CLI_OK(table, {QStringLiteral("backup-verify"), id, QStringLiteral("--sample"),
                       QStringLiteral("10%")});
        QVERIFY2(table.out.contains("checked 3 of 22 objects of backup " + id.toUtf8() +
                                    " (10%); 22 of 22 verified so far"),
                 qPrintable(describe(table)));

        // A damaged object is named, with its volume offset, by the whole verification.
        const QDir container = containerOf(m_dir + QStringLiteral("/store"), id);
        const QStringList objects = container.entryList({QStringLiteral("*-00007")}, QDir::Files);
        QCOMPARE(objects.size(), 1);
        QFile object(container.filePath(objects.first()));
        QVERIFY(object.open(QIODevice::ReadWrite));
        QVERIFY(object.seek(object.size() / 2));
        QByteArray bytes = object.read(8);
        for (char& byte : bytes)
            byte = char(~byte);
        QVERIFY(object.seek(object.size() / 2));
        QCOMPARE(object.write(bytes), qint64(bytes.size()));
        object.close();
        const ProcessResult damaged = cli({QStringLiteral("backup-verify"), id,
                                           QStringLiteral("--sample"), QStringLiteral("100")});
        QCOMPARE(damaged.exitCode, 1);
        QVERIFY2(damaged.out.contains("problem: ") && damaged.out.contains("-00007") &&
                     damaged.out.contains("offset"),
                 qPrintable(describe(damaged)));
        QVERIFY2(damaged.out.contains("of 22 objects of backup " + id.toUtf8() + " (100%)"),
                 qPrintable(describe(damaged)));
    }

    // Whatever happened on the way (here: the repair of a killed backup), a
    // failing command prints exactly one line, and a job on the volume
    // refuses volume-reset-state.
    void failureIsOneLine()
    {
        const QString store = m_dir + QStringLiteral("/store");
        setUpSlowBackup(store);
        QProcess process;
        startBackup(process);
        expectError({QStringLiteral("volume-reset-state"), QStringLiteral("big")},
                    QStringLiteral("while a job runs"));
        ::kill(pid_t(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished(30000));

        const ProcessResult failed = cli({QStringLiteral("backup-show"), QStringLiteral("nope")});
        QCOMPARE(failed.exitCode, 1);
        const QString err = QString::fromUtf8(failed.err);
        QVERIFY2(err.count(QLatin1Char('\n')) == 1 && err.startsWith(QStringLiteral("ERROR: ")),
                 qPrintable(describe(failed)));
        QVERIFY2(err.contains(QStringLiteral("No backup with a name or ID of 'nope'")) &&
                     err.contains(QStringLiteral("was interrupted while being created")),
                 qPrintable(describe(failed)));
    }

    // A full restore target: named, with its errno text; the backup stays
    // available; the volume is error_restoring until volume-reset-state; a
    // new volume is removed again.
    void fullDiskRestoreAndVolumeResetState()
    {
        const QString source = m_dir + QStringLiteral("/v.img");
        makeVolumeFile(source, 24 * MiB, Fill::Random, 31);
        QVERIFY(!volumeAdd(source, QStringLiteral("v")).isEmpty());
        const QString id = createBackup({QStringLiteral("v")});
        QVERIFY(!id.isEmpty());
        const QString small = m_dir + QStringLiteral("/small");
        const TmpfsMount disk(small, QStringLiteral("size=8m"));
        if (!disk.mounted())
            QSKIP("mounting a tmpfs needs root (CAP_SYS_ADMIN)");

        const QString target = small + QStringLiteral("/t.img");
        CLI_OK(created, {QStringLiteral("volume-create"), target, QStringLiteral("--size"),
                         QStringLiteral("24M"), QStringLiteral("--name"), QStringLiteral("t")});
        expectError(
            {QStringLiteral("backup-restore"), id, QStringLiteral("--volume"), QStringLiteral("t")},
            QStringLiteral("the restore target %1 ran out of space").arg(target));
        expectError(
            {QStringLiteral("backup-restore"), id, QStringLiteral("--volume"), QStringLiteral("t")},
            QStringLiteral("error_restoring"));
        QCOMPARE(showBackup(id).value(QStringLiteral("status")).toString(),
                 QStringLiteral("available"));
        expectError({QStringLiteral("volume-reset-state"), QStringLiteral("t"),
                     QStringLiteral("--state"), QStringLiteral("restoring")},
                    QStringLiteral("Invalid volume state 'restoring'"));
        CLI_OK(reset, {QStringLiteral("volume-reset-state"), QStringLiteral("t")});
        CLI_OK(shown, {QStringLiteral("volume-show"), QStringLiteral("t"),
                       QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(shown).object().value(QStringLiteral("status")).toString(),
                 QStringLiteral("available"));
        CLI_OK(removed, {QStringLiteral("volume-remove"), QStringLiteral("t")});
        QVERIFY(QFile::remove(target));

        const QString fresh = small + QStringLiteral("/new.img");
        expectError({QStringLiteral("backup-restore"), id, QStringLiteral("--path"), fresh},
                    QStringLiteral("was removed"));
        QVERIFY(!QFile::exists(fresh));
        CLI_OK(volumes,
               {QStringLiteral("volume-list"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(jsonOf(volumes).array().size(), 1);

        const QString elsewhere = m_dir + QStringLiteral("/elsewhere.img");
        CLI_OK(restored,
               {QStringLiteral("backup-restore"), id, QStringLiteral("--path"), elsewhere});
        QCOMPARE(compareFiles(source, elsewhere), QString());
    }

    // Refused before the backup row exists, so nothing blocks the next
    // incremental: a shrunk volume (unrestorable if accepted), a grown one
    // (Cinder's refusal), a container outside the store.
    void refusedBackupsLeaveNoRow()
    {
        const QString source = m_dir + QStringLiteral("/v.img");
        makeVolumeFile(source, 64 * MiB, Fill::Mixed, 41);
        QVERIFY(!volumeAdd(source, QStringLiteral("v")).isEmpty());
        const QString fullId = createBackup({QStringLiteral("v")});
        QVERIFY(!fullId.isEmpty());
        auto backupCount = [&] {
            const ProcessResult list = cli({QStringLiteral("backup-list"),
                                            QStringLiteral("--format"), QStringLiteral("json")});
            return jsonOf(list).array().size();
        };

        QVERIFY(QFile::resize(source, 8 * MiB));
        expectError(
            {QStringLiteral("backup-create"), QStringLiteral("v"), QStringLiteral("--incremental")},
            QStringLiteral("Volume size decreased since the last backup"));
        QVERIFY(QFile::resize(source, 72 * MiB));
        expectError(
            {QStringLiteral("backup-create"), QStringLiteral("v"), QStringLiteral("--incremental")},
            QStringLiteral("Volume size increased since the last backup"));
        QVERIFY(QFile::resize(source, 64 * MiB));
        expectError({QStringLiteral("backup-create"), QStringLiteral("v"),
                     QStringLiteral("--incremental"), QStringLiteral("--container"),
                     QStringLiteral("../outside")},
                    QStringLiteral("invalid container '../outside'"));
        QCOMPARE(backupCount(), 1);

        mutateFile(source, 4, 4096, 42);
        const QString incId = createBackup({QStringLiteral("v"), QStringLiteral("--incremental")});
        QVERIFY(!incId.isEmpty());
        QCOMPARE(showBackup(incId).value(QStringLiteral("parent_id")).toString(), fullId);
        const QString restored = m_dir + QStringLiteral("/r.img");
        CLI_OK(restore,
               {QStringLiteral("backup-restore"), incId, QStringLiteral("--path"), restored});
        QCOMPARE(compareFiles(source, restored), QString());

        // The shrunk volume takes a full backup, which restores.
        QVERIFY(QFile::resize(source, 8 * MiB));
        const QString smallId = createBackup({QStringLiteral("v")});
        QVERIFY(!smallId.isEmpty());
        const QString restoredSmall = m_dir + QStringLiteral("/r8.img");
        CLI_OK(restoreSmall, {QStringLiteral("backup-restore"), smallId, QStringLiteral("--path"),
                              restoredSmall});
        QCOMPARE(compareFiles(source, restoredSmall), QString());
    }

    void progressBarOnlyOnTerminals()
    {
        const QString source = m_dir + QStringLiteral("/v.img");
        makeVolumeFile(source, 24 * MiB, Fill::Mixed, 8);
        QVERIFY(!volumeAdd(source, QStringLiteral("v")).isEmpty());
        // Not a terminal: no bar, no escape sequences.
        CLI_OK(plain, {QStringLiteral("backup-create"), QStringLiteral("v")});
        QVERIFY2(!plain.err.contains("\033[K") && !plain.err.contains("MB/s"),
                 plain.err.constData());

        // Under a pseudo-terminal (util-linux script): the bar reaches 100%.
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("EMBER_HOME"), m_home);
        process.setProcessEnvironment(environment);
        const QString command = QStringLiteral("'%1' backup-create v --incremental")
                                    .arg(qEnvironmentVariable("EMBER_CLI"));
        process.start(QStringLiteral("script"),
                      {QStringLiteral("-qec"), command, QStringLiteral("/dev/null")});
        QVERIFY(process.waitForFinished(120000));
        const QByteArray terminal = process.readAllStandardOutput();
        QVERIFY2(process.exitCode() == 0, terminal.constData());
        QVERIFY2(terminal.contains("100%") && terminal.contains("MB/s") &&
                     terminal.contains("[###"),
                 terminal.constData());
        QVERIFY(terminal.contains("| is_incremental | True"));
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "test_cli.moc"
