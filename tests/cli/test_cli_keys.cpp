// ember-cli's master keys (encryption at rest) driven as an admin would:
// create, list, show, export (stdout, key file, paper PDF), import (file,
// stdin, the text pdftotext extracts from the paper key), remove and rotate;
// backend-add's key checks; a host holding only the public half backs up but
// cannot restore, a host with the whole key restores. Each host is its own
// EMBER_HOME; the keyring is the file fallback (no D-Bus session here).
#include "clitestsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

#include <memory>
#include <vector>

using namespace ember;
using namespace ember::test;

namespace {
constexpr qint64 MiB = 1024 * 1024;
const QByteArray marker = "EMBER-KEYS-MARKER-7f3c91d2-not-in-the-clear";
} // namespace

class CliKeysTest : public QObject
{
    Q_OBJECT

private:
    QString m_dir;

    QString home(const QString& name) const { return m_dir + QStringLiteral("/") + name; }

    // `arguments` in host `host`, --format json; the parsed output (the run must succeed).
    static ProcessResult run(const QString& host, const QStringList& arguments)
    {
        return runCli(host, arguments);
    }
    static QJsonDocument json(const QString& host, const QStringList& arguments)
    {
        const ProcessResult result = runCli(
            host, QStringList{QStringLiteral("--format"), QStringLiteral("json")} + arguments);
        if (result.exitCode != 0)
            qWarning().noquote() << describe(result);
        return jsonOf(result);
    }
    // Fails with exit status 1 and one "ERROR: ..." line; returns that line.
    static QString errorOf(const QString& host, const QStringList& arguments)
    {
        const ProcessResult result = runCli(host, arguments);
        const QString err = QString::fromUtf8(result.err);
        if (result.exitCode != 1 || !err.trimmed().startsWith(QStringLiteral("ERROR: ")) ||
            err.trimmed().contains(QLatin1Char('\n'))) {
            qWarning().noquote() << describe(result);
            return {};
        }
        return err.trimmed();
    }
    // ember-cli with `input` on its standard input.
    static ProcessResult runWithInput(const QString& host, const QStringList& arguments,
                                      const QByteArray& input)
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("EMBER_HOME"), host);
        process.setProcessEnvironment(environment);
        process.start(qEnvironmentVariable("EMBER_CLI"), arguments);
        ProcessResult result;
        if (!process.waitForStarted(30000))
            return result;
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(120000)) {
            process.kill();
            process.waitForFinished();
            return result;
        }
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        return result;
    }
    // A helper program's run; empty `err` and exit 0 expected.
    static ProcessResult tool(const QString& program, const QStringList& arguments)
    {
        ProcessResult result;
        const QString path = QStandardPaths::findExecutable(program);
        if (path.isEmpty()) {
            result.err = program.toUtf8() + " is not installed";
            return result;
        }
        QProcess process;
        process.start(path, arguments);
        if (!process.waitForFinished(120000))
            return result;
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        result.exitCode = process.exitCode();
        return result;
    }

    static QString createKey(const QString& host, const QStringList& options = {})
    {
        return json(host, QStringList{QStringLiteral("key-create")} + options)
            .object()
            .value(QStringLiteral("fingerprint"))
            .toString();
    }
    static QJsonObject showKey(const QString& host, const QString& fingerprint)
    {
        return json(host, {QStringLiteral("key-show"), fingerprint}).object();
    }
    static QByteArray exportText(const QString& host, const QStringList& arguments)
    {
        const ProcessResult result =
            runCli(host, QStringList{QStringLiteral("key-export")} + arguments);
        if (result.exitCode != 0)
            qWarning().noquote() << describe(result);
        return result.out;
    }
    // An encrypted posix backend storing in `store`, uncompressed so the marker
    // would show if the data were in the clear.
    static ProcessResult addEncryptedBackend(const QString& host, const QString& name,
                                             const QString& store, const QString& key)
    {
        return runCli(
            host,
            {QStringLiteral("backend-add"), name, QStringLiteral("posix"),
             QStringLiteral("--option"), QStringLiteral("backup_posix_path=%1").arg(store),
             QStringLiteral("--option"), QStringLiteral("backup_compression_algorithm=none"),
             QStringLiteral("--option"), QStringLiteral("backup_ember_encryption=aes-256-gcm"),
             QStringLiteral("--option"), QStringLiteral("ember_encryption_key=%1").arg(key)});
    }
    // A volume file with the marker in it, registered in `host` as `name`.
    QString addVolume(const QString& host, const QString& name, qint64 size, quint32 seed)
    {
        const QString path = m_dir + QStringLiteral("/%1.img").arg(name);
        makeVolumeFile(path, size, Fill::Mixed, seed);
        QFile file(path);
        if (!file.open(QIODevice::ReadWrite) || !file.seek(size / 3) || file.write(marker) < 0)
            qFatal("cannot write the marker into %s", qPrintable(path));
        file.close();
        const ProcessResult added =
            runCli(host, {QStringLiteral("volume-add"), path, QStringLiteral("--name"), name});
        if (added.exitCode != 0)
            qWarning().noquote() << describe(added);
        return path;
    }
    static QString backUp(const QString& host, const QStringList& arguments)
    {
        return json(host, QStringList{QStringLiteral("backup-create")} + arguments)
            .object()
            .value(QStringLiteral("id"))
            .toString();
    }
    static bool storeContains(const QString& store, const QByteArray& needle)
    {
        for (const QString& file : filesInTree(store))
            if (readWholeFile(file).contains(needle))
                return true;
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The keyring is the warned-about file fallback in each EMBER_HOME.
        qputenv("EMBER_ALLOW_FILE_SECRETS", "1");
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ember-no-bus");
        qputenv("DISPLAY", "");
        QVERIFY(!qEnvironmentVariableIsEmpty("EMBER_CLI"));
    }
    void init() { m_dir = freshDir(QString::fromLatin1(QTest::currentTestFunction())); }
    void cleanup()
    {
        if (!QTest::currentTestFailed())
            QDir(m_dir).removeRecursively();
    }

    void helpNamesEveryKeyCommand()
    {
        const ProcessResult help = run(home(QStringLiteral("a")), {QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        for (const char* command : {"key-create", "key-list", "key-show", "key-export",
                                    "key-import", "key-remove", "key-rotate"})
            QVERIFY2(help.out.contains(command), command);
        const ProcessResult exportHelp = run(
            home(QStringLiteral("a")), {QStringLiteral("key-export"), QStringLiteral("--help")});
        QCOMPARE(exportHelp.exitCode, 0);
        for (const char* option : {"--public", "--output", "--paper"})
            QVERIFY2(exportHelp.out.contains(option), option);
    }

    // create, list, show, export to stdout and to a file, import from a file and
    // from stdin into another host, remove; and the refusals on the way.
    void createListShowExportImportRemove()
    {
        const QString a = home(QStringLiteral("a"));
        const ProcessResult created = run(
            a, {QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("key-create"),
                QStringLiteral("--label"), QStringLiteral("prod backups")});
        QVERIFY2(created.exitCode == 0, qPrintable(describe(created)));
        // The warning goes to stderr, so stdout stays JSON.
        QVERIFY2(created.err.contains("WARNING") && created.err.contains("export"),
                 created.err.constData());
        const QString fingerprint =
            jsonOf(created).object().value(QStringLiteral("fingerprint")).toString();
        static const QRegularExpression shape(QStringLiteral("^[0-9a-f]{4}(-[0-9a-f]{4}){7}$"));
        QVERIFY2(shape.match(fingerprint).hasMatch(), qPrintable(fingerprint));

        const QJsonArray list = json(a, {QStringLiteral("key-list")}).array();
        QCOMPARE(list.size(), 1);
        const QJsonObject listed = list.first().toObject();
        QCOMPARE(listed.value(QStringLiteral("fingerprint")).toString(), fingerprint);
        QCOMPARE(listed.value(QStringLiteral("kind")).toString(), QStringLiteral("aes-256"));
        QCOMPARE(listed.value(QStringLiteral("label")).toString(), QStringLiteral("prod backups"));
        QCOMPARE(listed.value(QStringLiteral("can_unwrap")).toBool(), true);
        QCOMPARE(listed.value(QStringLiteral("exported")).toBool(), false);
        QCOMPARE(listed.value(QStringLiteral("backups")).toInt(), 0);
        const ProcessResult table = run(a, {QStringLiteral("key-list")});
        QVERIFY(table.out.contains(fingerprint.toUtf8()) && table.out.contains("| Exported"));

        // A prefix of 4 hex digits is enough; the key itself never shows here.
        const QJsonObject shown = showKey(a, fingerprint.left(4));
        QCOMPARE(shown.value(QStringLiteral("fingerprint")).toString(), fingerprint);
        QCOMPARE(shown.value(QStringLiteral("secret")).toString(),
                 QStringLiteral("secret key here"));
        QVERIFY(
            !errorOf(a, {QStringLiteral("key-show"), QStringLiteral("ffff-ffff-ffff")}).isEmpty());

        // Export to stdout: the armored text; the key is now exported.
        const QByteArray text = exportText(a, {fingerprint});
        QVERIFY2(text.contains("-----BEGIN EMBER KEY-----") &&
                     text.contains("-----END EMBER KEY-----") &&
                     text.contains(fingerprint.toUtf8()),
                 text.constData());
        QCOMPARE(showKey(a, fingerprint).value(QStringLiteral("exported")).toBool(), true);
        const QJsonObject asJson = json(a, {QStringLiteral("key-export"), fingerprint}).object();
        QCOMPARE(asJson.value(QStringLiteral("key_text")).toString().toUtf8(), text);
        QCOMPARE(asJson.value(QStringLiteral("part")).toString(), QStringLiteral("full"));
        QVERIFY(errorOf(a, {QStringLiteral("key-export"), fingerprint, QStringLiteral("--public")})
                    .contains(QStringLiteral("no public half")));

        // To a file: mode 0600, the same text, never written over.
        const QString keyFile = m_dir + QStringLiteral("/prod.key");
        const ProcessResult toFile = run(
            a, {QStringLiteral("key-export"), fingerprint, QStringLiteral("--output"), keyFile});
        QVERIFY2(toFile.exitCode == 0, qPrintable(describe(toFile)));
        QVERIFY(!toFile.out.contains(text.mid(text.indexOf("\n\n") + 2, 20)));
        QCOMPARE(readWholeFile(keyFile), text);
        QCOMPARE(QFileInfo(keyFile).permissions() &
                     (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup |
                      QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        QVERIFY(errorOf(a, {QStringLiteral("key-export"), fingerprint, QStringLiteral("--output"),
                            keyFile})
                    .contains(QStringLiteral("exists already")));
        QCOMPARE(readWholeFile(keyFile), text);

        // Import into another host from the file, and into a third from stdin.
        const QString b = home(QStringLiteral("b"));
        const QJsonObject imported = json(b, {QStringLiteral("key-import"), keyFile}).object();
        QCOMPARE(imported.value(QStringLiteral("fingerprint")).toString(), fingerprint);
        QCOMPARE(imported.value(QStringLiteral("can_unwrap")).toBool(), true);
        QCOMPARE(imported.value(QStringLiteral("exported")).toBool(), true);
        QCOMPARE(exportText(b, {fingerprint}), text);
        const QString c = home(QStringLiteral("c"));
        const ProcessResult fromStdin =
            runWithInput(c,
                         {QStringLiteral("--format"), QStringLiteral("json"),
                          QStringLiteral("key-import"), QStringLiteral("-")},
                         QByteArray("notes around the key\n") + text + "\nmore notes\n");
        QVERIFY2(fromStdin.exitCode == 0, qPrintable(describe(fromStdin)));
        QCOMPARE(jsonOf(fromStdin).object().value(QStringLiteral("fingerprint")).toString(),
                 fingerprint);

        QVERIFY(errorOf(c, {QStringLiteral("key-create"), QStringLiteral("--kind"),
                            QStringLiteral("rsa")})
                    .contains(QStringLiteral("Unknown key kind 'rsa'")));
        QVERIFY(errorOf(c, {QStringLiteral("key-import"), m_dir + QStringLiteral("/none.key")})
                    .contains(QStringLiteral("Cannot read")));

        // A damaged line is refused and nothing is added.
        QByteArray damaged = text;
        const qsizetype material = damaged.indexOf("\n\n") + 2;
        damaged[material] = damaged[material] == 'A' ? 'B' : 'A';
        const QString d = home(QStringLiteral("d"));
        const QString damagedFile = m_dir + QStringLiteral("/damaged.key");
        writeWholeFile(damagedFile, damaged);
        QVERIFY(errorOf(d, {QStringLiteral("key-import"), damagedFile})
                    .contains(QStringLiteral("No key imported from")));
        QCOMPARE(json(d, {QStringLiteral("key-list")}).array().size(), 0);

        // Remove: unused, so allowed; then it is gone.
        const ProcessResult removed = run(b, {QStringLiteral("key-remove"), fingerprint});
        QVERIFY2(removed.exitCode == 0, qPrintable(describe(removed)));
        QCOMPARE(json(b, {QStringLiteral("key-list")}).array().size(), 0);
        QVERIFY(!errorOf(b, {QStringLiteral("key-show"), fingerprint}).isEmpty());
    }

    // The paper key: its text (as pdftotext extracts it, page text and all)
    // imports to the same key; its QR code decodes to the same text.
    // The GUI and ember-cli may change keys at the same moment: every key made
    // by processes running side by side stays in the index and the keyring.
    void concurrentKeyCreatesKeepEveryKey()
    {
        const QString host = home(QStringLiteral("a"));
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("EMBER_HOME"), host);
        constexpr int kProcesses = 6;
        std::vector<std::unique_ptr<QProcess>> processes;
        for (int i = 0; i < kProcesses; ++i) {
            auto process = std::make_unique<QProcess>();
            process->setProcessEnvironment(environment);
            process->start(qEnvironmentVariable("EMBER_CLI"),
                           {QStringLiteral("key-create"), QStringLiteral("--label"),
                            QStringLiteral("parallel %1").arg(i)});
            processes.push_back(std::move(process));
        }
        for (auto& process : processes) {
            QVERIFY(process->waitForFinished(120000));
            QVERIFY2(process->exitCode() == 0, process->readAllStandardError().constData());
        }
        const QJsonArray keys = json(host, {QStringLiteral("key-list")}).array();
        QCOMPARE(keys.size(), kProcesses);
        for (const QJsonValue& key : keys) {
            const ProcessResult exported =
                run(host,
                    {QStringLiteral("key-export"), key[QStringLiteral("fingerprint")].toString()});
            QVERIFY2(exported.exitCode == 0, describe(exported).toUtf8().constData());
            QVERIFY(exported.out.contains("BEGIN EMBER KEY"));
        }
    }

    void paperKeyRoundTrip()
    {
        const QString a = home(QStringLiteral("a"));
        const QString fingerprint =
            createKey(a, {QStringLiteral("--kind"), QStringLiteral("x25519"),
                          QStringLiteral("--label"), QStringLiteral("paper test")});
        QVERIFY(!fingerprint.isEmpty());
        const QString pdf = m_dir + QStringLiteral("/key.pdf");
        const ProcessResult paper =
            run(a, {QStringLiteral("key-export"), fingerprint, QStringLiteral("--paper"), pdf});
        QVERIFY2(paper.exitCode == 0, qPrintable(describe(paper)));
        QVERIFY(readWholeFile(pdf).startsWith("%PDF"));
        QCOMPARE(QFileInfo(pdf).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        QCOMPARE(showKey(a, fingerprint).value(QStringLiteral("exported")).toBool(), true);
        QVERIFY(
            errorOf(a, {QStringLiteral("key-export"), fingerprint, QStringLiteral("--paper"), pdf})
                .contains(QStringLiteral("exists already")));

        const ProcessResult extracted = tool(QStringLiteral("pdftotext"),
                                             {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
        QVERIFY2(extracted.exitCode == 0, qPrintable(describe(extracted)));
        QVERIFY2(extracted.out.contains("Ember paper key") &&
                     extracted.out.contains(fingerprint.toUtf8()),
                 extracted.out.constData());
        const QString textFile = m_dir + QStringLiteral("/key.txt");
        writeWholeFile(textFile, extracted.out);
        const QString b = home(QStringLiteral("b"));
        const QJsonObject imported = json(b, {QStringLiteral("key-import"), textFile}).object();
        QCOMPARE(imported.value(QStringLiteral("fingerprint")).toString(), fingerprint);
        QCOMPARE(imported.value(QStringLiteral("kind")).toString(), QStringLiteral("x25519"));
        QCOMPARE(imported.value(QStringLiteral("can_unwrap")).toBool(), true);
        QCOMPARE(imported.value(QStringLiteral("label")).toString(), QStringLiteral("paper test"));

        const QByteArray text = exportText(a, {fingerprint});
        const ProcessResult rendered =
            tool(QStringLiteral("pdftoppm"),
                 {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("150"),
                  QStringLiteral("-singlefile"), pdf, m_dir + QStringLiteral("/page")});
        QVERIFY2(rendered.exitCode == 0, qPrintable(describe(rendered)));
        const ProcessResult scanned =
            tool(QStringLiteral("zbarimg"), {QStringLiteral("--raw"), QStringLiteral("-q"),
                                             m_dir + QStringLiteral("/page.png")});
        QVERIFY2(scanned.exitCode == 0, qPrintable(describe(scanned)));
        // zbarimg ends its output with a line break of its own.
        QCOMPARE(scanned.out.trimmed(), text.trimmed());
    }

    // backend-add: an encrypted backend needs a key that is here and exported;
    // a prefix is stored as the whole fingerprint.
    void backendAddChecksTheKey()
    {
        const QString a = home(QStringLiteral("a"));
        const QString store = m_dir + QStringLiteral("/store");
        const ProcessResult missing =
            addEncryptedBackend(a, QStringLiteral("enc"), store, QStringLiteral("abcd"));
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("was not added") && missing.err.contains("key-create"),
                 missing.err.constData());
        const QString fingerprint = createKey(a);
        const ProcessResult unexported =
            addEncryptedBackend(a, QStringLiteral("enc"), store, fingerprint.left(9));
        QCOMPARE(unexported.exitCode, 1);
        QVERIFY2(
            unexported.err.contains("never been exported") &&
                unexported.err.contains(
                    QStringLiteral("ember-cli key-export %1 --paper").arg(fingerprint).toUtf8()) &&
                unexported.err.contains("a lost key means lost backups"),
            unexported.err.constData());
        const QJsonArray backends = json(a, {QStringLiteral("backend-list")}).array();
        for (const QJsonValue& backend : backends)
            QVERIFY(backend.toObject().value(QStringLiteral("name")).toString() !=
                    QLatin1String("enc"));

        QVERIFY(!exportText(
                     a, {fingerprint, QStringLiteral("--output"), m_dir + QStringLiteral("/k.key")})
                     .isEmpty());
        const ProcessResult added =
            addEncryptedBackend(a, QStringLiteral("enc"), store, fingerprint.left(9));
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
        const QJsonObject shown =
            json(a, {QStringLiteral("backend-show"), QStringLiteral("enc")}).object();
        QCOMPARE(shown.value(QStringLiteral("options"))
                     .toObject()
                     .value(QStringLiteral("ember_encryption_key"))
                     .toString(),
                 fingerprint);
        const QJsonObject key = showKey(a, fingerprint);
        QCOMPARE(key.value(QStringLiteral("backends")).toArray(),
                 QJsonArray{QStringLiteral("enc")});
        // In use by a backend: removal is refused and says by whom.
        const QString refusal = errorOf(a, {QStringLiteral("key-remove"), fingerprint});
        QVERIFY2(refusal.contains(QStringLiteral("still needed")) &&
                     refusal.contains(QStringLiteral("enc")),
                 qPrintable(refusal));
    }

    // Public-key mode: host A holds only the public half, backs up and cannot
    // restore; host B imports the whole key, finds the backups and restores.
    void publicKeyHostBacksUpPrivateKeyHostRestores()
    {
        const QString admin = home(QStringLiteral("admin"));
        const QString fingerprint =
            createKey(admin, {QStringLiteral("--kind"), QStringLiteral("x25519")});
        const QString publicFile = m_dir + QStringLiteral("/public.key");
        const QString fullFile = m_dir + QStringLiteral("/full.key");
        QVERIFY(!exportText(admin, {fingerprint, QStringLiteral("--public"),
                                    QStringLiteral("--output"), publicFile})
                     .isEmpty());
        QVERIFY(!exportText(admin, {fingerprint, QStringLiteral("--output"), fullFile}).isEmpty());
        QVERIFY(!readWholeFile(publicFile).isEmpty());
        QVERIFY(readWholeFile(publicFile) != readWholeFile(fullFile));

        const QString a = home(QStringLiteral("a"));
        const QJsonObject imported = json(a, {QStringLiteral("key-import"), publicFile}).object();
        QCOMPARE(imported.value(QStringLiteral("fingerprint")).toString(), fingerprint);
        QCOMPARE(imported.value(QStringLiteral("can_unwrap")).toBool(), false);
        QCOMPARE(imported.value(QStringLiteral("secret")).toString(),
                 QStringLiteral("public only"));
        QVERIFY(errorOf(a, {QStringLiteral("key-rotate"), fingerprint})
                    .contains(QStringLiteral("only its public half")));

        const QString store = m_dir + QStringLiteral("/store");
        const ProcessResult added =
            addEncryptedBackend(a, QStringLiteral("enc"), store, fingerprint);
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
        const qint64 size = 6 * MiB + 4096;
        const QString source = addVolume(a, QStringLiteral("src"), size, 21);
        const QString full =
            backUp(a, {QStringLiteral("src"), QStringLiteral("--backend"), QStringLiteral("enc")});
        QVERIFY(!full.isEmpty());
        mutateFile(source, 4, 64 * 1024, 5);
        const QString incremental =
            backUp(a, {QStringLiteral("src"), QStringLiteral("--incremental"),
                       QStringLiteral("--backend"), QStringLiteral("enc")});
        QVERIFY(!incremental.isEmpty());
        QVERIFY(!storeContains(store, marker));

        const QJsonObject shown = json(a, {QStringLiteral("backup-show"), incremental}).object();
        QCOMPARE(shown.value(QStringLiteral("encryption")).toString(),
                 QStringLiteral("aes-256-gcm"));
        QCOMPARE(shown.value(QStringLiteral("encryption_key")).toString(), fingerprint);
        QVERIFY2(shown.value(QStringLiteral("key_problem"))
                     .toString()
                     .startsWith(QStringLiteral("key not available")),
                 qPrintable(shown.value(QStringLiteral("key_problem")).toString()));
        const ProcessResult table = run(a, {QStringLiteral("backup-list")});
        QVERIFY2(table.out.contains("aes-256-gcm (key not available)"), table.out.constData());
        QCOMPARE(showKey(a, fingerprint).value(QStringLiteral("backups")).toInt(), 2);

        const QString target = m_dir + QStringLiteral("/restored-a.img");
        QVERIFY(errorOf(a, {QStringLiteral("backup-restore"), incremental, QStringLiteral("--path"),
                            target})
                    .contains(QStringLiteral("key not available")));
        QVERIFY(!QFileInfo::exists(target));

        // Host B: the whole key, the same backend directory, the backups found again.
        const QString b = home(QStringLiteral("b"));
        const QJsonObject wholeKey = json(b, {QStringLiteral("key-import"), fullFile}).object();
        QCOMPARE(wholeKey.value(QStringLiteral("can_unwrap")).toBool(), true);
        const ProcessResult addedB =
            addEncryptedBackend(b, QStringLiteral("enc"), store, fingerprint);
        QVERIFY2(addedB.exitCode == 0, qPrintable(describe(addedB)));
        const ProcessResult rescan =
            run(b, {QStringLiteral("backend-rescan"), QStringLiteral("enc")});
        QVERIFY2(rescan.exitCode == 0, qPrintable(describe(rescan)));
        const QJsonObject found = json(b, {QStringLiteral("backup-show"), incremental}).object();
        QCOMPARE(found.value(QStringLiteral("status")).toString(), QStringLiteral("available"));
        QVERIFY(found.value(QStringLiteral("key_problem")).isNull());
        const QString restored = m_dir + QStringLiteral("/restored-b.img");
        const ProcessResult restore =
            run(b, {QStringLiteral("backup-restore"), incremental, QStringLiteral("--path"),
                    restored, QStringLiteral("--name"), QStringLiteral("r")});
        QVERIFY2(restore.exitCode == 0, qPrintable(describe(restore)));
        QCOMPARE(compareFiles(source, restored), QString());
    }

    // Rotation re-wraps every backup and switches the backend; the old key can
    // go, the backups still restore. Removing the new one is refused (and
    // --force leaves them "key not available"). Cinder export is refused.
    void rotationThenOldKeyRemoved()
    {
        const QString a = home(QStringLiteral("a"));
        const QString old = createKey(a, {QStringLiteral("--label"), QStringLiteral("first")});
        QVERIFY(!exportText(a, {old}).isEmpty());
        const QString store = m_dir + QStringLiteral("/store");
        const ProcessResult added = addEncryptedBackend(a, QStringLiteral("enc"), store, old);
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
        const qint64 size = 5 * MiB + 512;
        const QString source = addVolume(a, QStringLiteral("src"), size, 33);
        const QString original = m_dir + QStringLiteral("/original.img");
        QVERIFY(QFile::copy(source, original));
        const QString full =
            backUp(a, {QStringLiteral("src"), QStringLiteral("--backend"), QStringLiteral("enc")});
        QVERIFY(!full.isEmpty());
        mutateFile(source, 3, 32 * 1024, 8);
        const QString incremental =
            backUp(a, {QStringLiteral("src"), QStringLiteral("--incremental"),
                       QStringLiteral("--backend"), QStringLiteral("enc")});
        QVERIFY(!incremental.isEmpty());

        const QString exportRefusal = errorOf(a, {QStringLiteral("backup-export"), full});
        QVERIFY2(exportRefusal.contains(QStringLiteral("encrypt"), Qt::CaseInsensitive),
                 qPrintable(exportRefusal));

        const QString removeRefusal = errorOf(a, {QStringLiteral("key-remove"), old});
        QVERIFY2(removeRefusal.contains(QStringLiteral("2 backups need it")) &&
                     removeRefusal.contains(full) && removeRefusal.contains(incremental) &&
                     removeRefusal.contains(QStringLiteral("enc")),
                 qPrintable(removeRefusal));

        const ProcessResult rotated = run(a, {QStringLiteral("--format"), QStringLiteral("json"),
                                              QStringLiteral("key-rotate"), old,
                                              QStringLiteral("--label"), QStringLiteral("second")});
        QVERIFY2(rotated.exitCode == 0, qPrintable(describe(rotated)));
        const QJsonObject report = jsonOf(rotated).object();
        const QString fresh = report.value(QStringLiteral("new_fingerprint")).toString();
        QVERIFY(!fresh.isEmpty() && fresh != old);
        QCOMPARE(report.value(QStringLiteral("rewrapped")).toArray().size(), 2);
        QCOMPARE(report.value(QStringLiteral("refused")).toArray().size(), 0);
        QCOMPARE(report.value(QStringLiteral("backends_switched")).toArray(),
                 QJsonArray{QStringLiteral("enc")});
        QCOMPARE(report.value(QStringLiteral("old_key_removable")).toBool(), true);
        QVERIFY(rotated.err.contains("WARNING") && rotated.err.contains(fresh.toUtf8()));
        QCOMPARE(showKey(a, fresh).value(QStringLiteral("label")).toString(),
                 QStringLiteral("second"));

        const ProcessResult removedOld = run(a, {QStringLiteral("key-remove"), old});
        QVERIFY2(removedOld.exitCode == 0, qPrintable(describe(removedOld)));
        const QJsonArray keys = json(a, {QStringLiteral("key-list")}).array();
        QCOMPARE(keys.size(), 1);
        QCOMPARE(keys.first().toObject().value(QStringLiteral("fingerprint")).toString(), fresh);
        QCOMPARE(json(a, {QStringLiteral("backup-show"), full})
                     .object()
                     .value(QStringLiteral("encryption_key"))
                     .toString(),
                 fresh);

        const QString restoredFull = m_dir + QStringLiteral("/full.img");
        const ProcessResult restoreFull = run(
            a, {QStringLiteral("backup-restore"), full, QStringLiteral("--path"), restoredFull});
        QVERIFY2(restoreFull.exitCode == 0, qPrintable(describe(restoreFull)));
        QCOMPARE(compareFiles(original, restoredFull), QString());
        const QString restoredInc = m_dir + QStringLiteral("/inc.img");
        const ProcessResult restoreInc = run(a, {QStringLiteral("backup-restore"), incremental,
                                                 QStringLiteral("--path"), restoredInc});
        QVERIFY2(restoreInc.exitCode == 0, qPrintable(describe(restoreInc)));
        QCOMPARE(compareFiles(source, restoredInc), QString());

        // The new key is needed now: refused, and --force warns.
        QVERIFY(errorOf(a, {QStringLiteral("key-remove"), fresh})
                    .contains(QStringLiteral("still needed")));
        const ProcessResult forced =
            run(a, {QStringLiteral("key-remove"), fresh, QStringLiteral("--force")});
        QVERIFY2(forced.exitCode == 0, qPrintable(describe(forced)));
        QVERIFY2(forced.err.contains("WARNING") && forced.err.contains("cannot be restored"),
                 forced.err.constData());
        QVERIFY(json(a, {QStringLiteral("backup-show"), full})
                    .object()
                    .value(QStringLiteral("key_problem"))
                    .toString()
                    .startsWith(QStringLiteral("key not available")));
        const QString target = m_dir + QStringLiteral("/never.img");
        QVERIFY(
            errorOf(a, {QStringLiteral("backup-restore"), full, QStringLiteral("--path"), target})
                .contains(QStringLiteral("key not available")));
        QVERIFY(!QFileInfo::exists(target));
    }

    // A backup rotation cannot rewrite (its backend's files are gone) keeps the
    // old key: the report says so, and removing the old key is refused.
    void rotationWithRefusalKeepsOldKey()
    {
        const QString a = home(QStringLiteral("a"));
        const QString old = createKey(a);
        QVERIFY(!exportText(a, {old}).isEmpty());
        const QString reachable = m_dir + QStringLiteral("/reachable");
        const QString lost = m_dir + QStringLiteral("/lost");
        QCOMPARE(addEncryptedBackend(a, QStringLiteral("enc1"), reachable, old).exitCode, 0);
        QCOMPARE(addEncryptedBackend(a, QStringLiteral("enc2"), lost, old).exitCode, 0);
        const QString source = addVolume(a, QStringLiteral("src"), 2 * MiB, 4);
        const QString kept =
            backUp(a, {QStringLiteral("src"), QStringLiteral("--backend"), QStringLiteral("enc1")});
        const QString stranded =
            backUp(a, {QStringLiteral("src"), QStringLiteral("--backend"), QStringLiteral("enc2")});
        QVERIFY(!kept.isEmpty() && !stranded.isEmpty());
        QVERIFY(QDir().rename(lost, lost + QStringLiteral(".away")));

        const QJsonObject report = json(a, {QStringLiteral("key-rotate"), old}).object();
        const QString fresh = report.value(QStringLiteral("new_fingerprint")).toString();
        QVERIFY(!fresh.isEmpty());
        QCOMPARE(report.value(QStringLiteral("rewrapped")).toArray(), QJsonArray{kept});
        const QJsonArray refused = report.value(QStringLiteral("refused")).toArray();
        QCOMPARE(refused.size(), 1);
        QCOMPARE(refused.first().toObject().value(QStringLiteral("backup_id")).toString(),
                 stranded);
        QCOMPARE(report.value(QStringLiteral("old_key_removable")).toBool(), false);
        QVERIFY(report.value(QStringLiteral("advice"))
                    .toString()
                    .startsWith(QStringLiteral("Keep the old key")));
        const QString refusal = errorOf(a, {QStringLiteral("key-remove"), old});
        QVERIFY2(refusal.contains(QStringLiteral("1 backup needs it")) &&
                     refusal.contains(stranded),
                 qPrintable(refusal));

        // Back in place, the stranded backup still restores with the old key.
        QVERIFY(QDir().rename(lost + QStringLiteral(".away"), lost));
        const QString restored = m_dir + QStringLiteral("/restored.img");
        const ProcessResult restore = run(
            a, {QStringLiteral("backup-restore"), stranded, QStringLiteral("--path"), restored});
        QVERIFY2(restore.exitCode == 0, qPrintable(describe(restore)));
        QCOMPARE(compareFiles(source, restored), QString());
    }
};

QTEST_GUILESS_MAIN(CliKeysTest)
#include "test_cli_keys.moc"
