// ember-cli's backend commands read the backend plugins' option schemas:
// backend-add parses values by kind and reports every problem at once before
// anything is stored, and backend-add --help and backend-types list every
// registered type from its schema (checked here against backendTypes()
// in-process, so a new plugin needs no change to this test either).
#include "clitestsupport.h"

#include "backendregistry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace ember;
using namespace ember::test;

class CliBackendsTest : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_home;

    ProcessResult cli(const QStringList& arguments) { return runCli(m_home, arguments); }

    // Fails with exit status 1 and one "ERROR: ..." line; returns that line.
    QString errorOf(const QStringList& arguments)
    {
        const ProcessResult result = cli(arguments);
        const QString err = QString::fromUtf8(result.err);
        if (result.exitCode != 1 || err.count(QLatin1Char('\n')) != 1 ||
            !err.startsWith(QStringLiteral("ERROR: "))) {
            qWarning().noquote() << describe(result);
            return {};
        }
        return err.trimmed();
    }

    QStringList backendNames()
    {
        const ProcessResult result = cli(
            {QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("backend-list")});
        QStringList names;
        for (const QJsonValue& backend : jsonOf(result).array())
            names.append(backend.toObject().value(QStringLiteral("name")).toString());
        return names;
    }

    static QStringList addArguments(const QString& name, const QString& type,
                                    const QStringList& options)
    {
        QStringList arguments{QStringLiteral("--format"), QStringLiteral("json"),
                              QStringLiteral("backend-add"), name, type};
        for (const QString& option : options)
            arguments << QStringLiteral("--option") << option;
        return arguments;
    }

    static const BackendType& typeNamed(const QString& name)
    {
        const BackendType* type = findBackendType(name);
        if (!type)
            qFatal("backend type %s is not registered", qPrintable(name));
        return *type;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = freshDir(QString::fromLatin1(QTest::currentTestFunction()));
        m_home = m_dir + QStringLiteral("/home");
    }
    void cleanup()
    {
        if (!QTest::currentTestFailed())
            QDir(m_dir).removeRecursively();
    }

    // Each kind of problem is named with its option, alone and all together,
    // and nothing is stored.
    void backendAddNamesEachProblem_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QStringList>("named");
        const QString path = QStringLiteral("backup_posix_path=/tmp/ember-never-created");
        QTest::newRow("wrong kind")
            << QStringList{path, QStringLiteral("backup_file_size=big")}
            << QStringList{QStringLiteral("backup_file_size must be a whole number")};
        QTest::newRow("unknown choice")
            << QStringList{path, QStringLiteral("backup_compression_algorithm=lz4")}
            << QStringList{QStringLiteral("backup_compression_algorithm must be one of")};
        QTest::newRow("out of range")
            << QStringList{path, QStringLiteral("backup_sha_block_size_bytes=0")}
            << QStringList{QStringLiteral("backup_sha_block_size_bytes must be a whole number")};
        QTest::newRow("missing required")
            << QStringList{QStringLiteral("backup_compression_algorithm=zstd")}
            << QStringList{QStringLiteral("backup_posix_path is required")};
        QTest::newRow("all together")
            << QStringList{QStringLiteral("backup_file_size=big"),
                           QStringLiteral("backup_compression_algorithm=lz4"),
                           QStringLiteral("backup_sha_block_size_bytes=0"),
                           QStringLiteral("colour=blue")}
            << QStringList{QStringLiteral("5 problems"),
                           QStringLiteral("backup_file_size must be a whole number"),
                           QStringLiteral("backup_compression_algorithm must be one of"),
                           QStringLiteral("backup_sha_block_size_bytes must be a whole number"),
                           QStringLiteral("Unknown option 'colour'"),
                           QStringLiteral("backup_posix_path is required")};
    }
    void backendAddNamesEachProblem()
    {
        QFETCH(QStringList, options);
        QFETCH(QStringList, named);
        const QString error =
            errorOf(addArguments(QStringLiteral("p"), QStringLiteral("posix"), options));
        QVERIFY(!error.isEmpty());
        for (const QString& part : named)
            QVERIFY2(error.contains(part),
                     qPrintable(QStringLiteral("expected '%1' in: %2").arg(part, error)));
        QCOMPARE(backendNames(), QStringList{QStringLiteral("local")});
    }

    // A Text option keeps digits as text; numbers stay numbers; the posix
    // record keeps what it held when it copied the embedded default (the
    // directory, object size, hash block size and compression).
    void valuesFollowTheirKind()
    {
        const ProcessResult swift =
            cli(addArguments(QStringLiteral("sw"), QStringLiteral("swift"),
                             {QStringLiteral("backup_swift_auth_url=http://127.0.0.1:9/auth/v1.0"),
                              QStringLiteral("backup_swift_container=2024"),
                              QStringLiteral("backup_swift_user=12345")}));
        QVERIFY2(swift.exitCode == 0, qPrintable(describe(swift)));
        const QJsonObject swiftOptions =
            jsonOf(swift).object().value(QStringLiteral("options")).toObject();
        QVERIFY(swiftOptions.value(QStringLiteral("backup_swift_container")).isString());
        QCOMPARE(swiftOptions.value(QStringLiteral("backup_swift_container")).toString(),
                 QStringLiteral("2024"));
        QCOMPARE(swiftOptions.value(QStringLiteral("backup_swift_user")).toString(),
                 QStringLiteral("12345"));

        const QString dir = m_dir + QStringLiteral("/store");
        const ProcessResult posix = cli(addArguments(QStringLiteral("p"), QStringLiteral("posix"),
                                                     {QStringLiteral("backup_posix_path=") + dir,
                                                      QStringLiteral("backup_file_size=4194304")}));
        QVERIFY2(posix.exitCode == 0, qPrintable(describe(posix)));
        const QJsonObject posixOptions =
            jsonOf(posix).object().value(QStringLiteral("options")).toObject();
        const QJsonObject expected{
            {QStringLiteral("backup_posix_path"), dir},
            {QStringLiteral("backup_file_size"), 4194304.0},
            {QStringLiteral("backup_sha_block_size_bytes"), 32768.0},
            {QStringLiteral("backup_compression_algorithm"), QStringLiteral("zlib")}};
        QCOMPARE(posixOptions, expected);
        QCOMPARE(jsonOf(posix).object().value(QStringLiteral("location")).toString(), dir);
    }

    // backend-types lists every registered type with its whole schema.
    void backendTypesListsEverySchema()
    {
        CLI_OK(json, {QStringLiteral("--format"), QStringLiteral("json"),
                      QStringLiteral("backend-types")});
        const QJsonArray listed = jsonOf(json).array();
        const QList<BackendType> types = backendTypes();
        QCOMPARE(listed.size(), types.size());
        QVERIFY(findBackendType(QStringLiteral("s3")));
        for (qsizetype i = 0; i < types.size(); ++i) {
            const BackendType& type = types.at(i);
            const QJsonObject entry = listed.at(i).toObject();
            QCOMPARE(entry.value(QStringLiteral("type")).toString(), type.type);
            QCOMPARE(entry.value(QStringLiteral("display_name")).toString(), type.displayName);
            QCOMPARE(entry.value(QStringLiteral("description")).toString(), type.description);
            QCOMPARE(entry.value(QStringLiteral("available")).toBool(), type.available);
            const QJsonArray options = entry.value(QStringLiteral("options")).toArray();
            QCOMPARE(options.size(), type.options.size());
            for (qsizetype j = 0; j < type.options.size(); ++j) {
                const OptionSpec& spec = type.options.at(j);
                const QJsonObject option = options.at(j).toObject();
                QCOMPARE(option.value(QStringLiteral("key")).toString(), spec.key);
                QCOMPARE(option.value(QStringLiteral("default")), spec.defaultValue);
                QCOMPARE(option.value(QStringLiteral("help")).toString(), spec.help);
                QCOMPARE(option.value(QStringLiteral("secret")).toBool(), spec.secret);
                QCOMPARE(option.value(QStringLiteral("required")).toBool(), spec.required);
                QCOMPARE(option.value(QStringLiteral("location")).toBool(), spec.location);
                QCOMPARE(option.value(QStringLiteral("choices")).toVariant().toStringList(),
                         spec.choices);
            }
        }

        // S3 and its secrets, with where they go.
        const BackendType& s3 = typeNamed(QStringLiteral("s3"));
        QVERIFY(s3.secretKeys.contains(QStringLiteral("backup_s3_store_secret_key")));
        CLI_OK(table, {QStringLiteral("backend-types")});
        const QString text = QString::fromUtf8(table.out);
        QVERIFY2(text.contains(QStringLiteral("s3: %1").arg(s3.displayName)),
                 table.out.constData());
        for (const QString& secret : s3.secretKeys)
            QVERIFY2(
                text.contains(
                    QStringLiteral("keyring: ember-cli backend-set-secret NAME %1").arg(secret)),
                qPrintable(secret));
        QVERIFY(text.contains(QStringLiteral("backup_s3_endpoint_url (url; required")));
        // --help never opens the catalog.
        QVERIFY(!QFileInfo::exists(m_home));
    }

    // backend-add --help carries every type and every option's help from the schema.
    void backendAddHelpShowsTheSchemas()
    {
        CLI_OK(help, {QStringLiteral("backend-add"), QStringLiteral("--help")});
        const QString text = QString::fromUtf8(help.out);
        for (const BackendType& type : backendTypes()) {
            QVERIFY2(text.contains(QStringLiteral("%1: %2").arg(type.type, type.displayName)),
                     qPrintable(type.type));
            for (const OptionSpec& option : type.options) {
                QVERIFY2(text.contains(QStringLiteral("    %1 (").arg(option.key)),
                         qPrintable(option.key));
                if (!option.help.isEmpty())
                    QVERIFY2(text.contains(option.help), qPrintable(option.help));
            }
        }
        QVERIFY(!QFileInfo::exists(m_home));
    }

    // An S3 backend is configured from options alone; its keys come later
    // through the keyring. Nothing connects.
    void s3BackendAddedWithOptionsOnly()
    {
        const QString error =
            errorOf(addArguments(QStringLiteral("s3b"), QStringLiteral("s3"),
                                 {QStringLiteral("backup_s3_endpoint_url=http://127.0.0.1:9"),
                                  QStringLiteral("backup_s3_store_bucket=ember"),
                                  QStringLiteral("Backup-S3-Store-Secret-Key=do-not-store")}));
        QVERIFY2(error.contains(QStringLiteral(
                     "'ember-cli backend-set-secret s3b backup_s3_store_secret_key'")),
                 qPrintable(error));

        const ProcessResult added =
            cli(addArguments(QStringLiteral("s3b"), QStringLiteral("s3"),
                             {QStringLiteral("backup_s3_endpoint_url=http://127.0.0.1:9"),
                              QStringLiteral("backup_s3_store_bucket=2024")}));
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
        const QJsonObject backend = jsonOf(added).object();
        QCOMPARE(backend.value(QStringLiteral("type")).toString(), QStringLiteral("s3"));
        QCOMPARE(backend.value(QStringLiteral("location")).toString(), QStringLiteral("2024"));
        QVERIFY(backend.value(QStringLiteral("capabilities"))
                    .toObject()
                    .value(QStringLiteral("object_lock"))
                    .toBool());
        const QJsonObject options = backend.value(QStringLiteral("options")).toObject();
        QCOMPARE(options.value(QStringLiteral("backup_s3_store_bucket")).toString(),
                 QStringLiteral("2024"));
        QCOMPARE(options.value(QStringLiteral("backup_s3_endpoint_url")).toString(),
                 QStringLiteral("http://127.0.0.1:9"));
        const BackendType& s3 = typeNamed(QStringLiteral("s3"));
        for (const QString& secret : s3.secretKeys)
            QVERIFY2(!options.contains(secret), qPrintable(secret));

        // The list and the detail view show where the backups go.
        CLI_OK(list, {QStringLiteral("backend-list")});
        QVERIFY2(list.out.contains("| Location ") && list.out.contains("| 2024 "),
                 list.out.constData());
        CLI_OK(show, {QStringLiteral("backend-show"), QStringLiteral("s3b")});
        QVERIFY2(show.out.contains("| location ") && show.out.contains("object lock"),
                 show.out.constData());
        QFile catalogFile(m_home + QStringLiteral("/catalog.sqlite"));
        QVERIFY(catalogFile.open(QIODevice::ReadOnly));
        QVERIFY(!catalogFile.readAll().contains("do-not-store"));
    }

    // Every chunked type takes bandwidth limits: a malformed one is refused
    // with the parser's words and nothing is stored; a valid one is kept as written.
    void bandwidthLimitsAreChecked()
    {
        const QMap<QString, QStringList> required{
            {QStringLiteral("posix"),
             {QStringLiteral("backup_posix_path=") + m_dir + QStringLiteral("/store")}},
            {QStringLiteral("swift"),
             {QStringLiteral("backup_swift_auth_url=http://127.0.0.1:9/auth/v1.0"),
              QStringLiteral("backup_swift_user=test:tester")}},
            {QStringLiteral("s3"),
             {QStringLiteral("backup_s3_endpoint_url=http://127.0.0.1:9"),
              QStringLiteral("backup_s3_store_bucket=ember")}}};
        for (auto it = required.begin(); it != required.end(); ++it) {
            const QString name = QStringLiteral("limited-") + it.key();
            const QString unit = errorOf(addArguments(
                name, it.key(),
                it.value() + QStringList{QStringLiteral("ember_bandwidth_upload=10 MX/s")}));
            QVERIFY2(unit.contains(QStringLiteral(
                         "ember_bandwidth_upload: bandwidth limit '10 MX/s': unknown unit 'MX/s'")),
                     qPrintable(it.key() + QStringLiteral(": ") + unit));
            const QString window = errorOf(addArguments(
                name, it.key(),
                it.value() +
                    QStringList{QStringLiteral("ember_bandwidth_download=10MB/s 25:00-18:00")}));
            QVERIFY2(window.contains(QStringLiteral("ember_bandwidth_download: bandwidth limit "
                                                    "'10MB/s 25:00-18:00': window "
                                                    "'25:00-18:00': hour 25 out of range")),
                     qPrintable(it.key() + QStringLiteral(": ") + window));
            QVERIFY(!backendNames().contains(name));

            const ProcessResult added = cli(addArguments(
                name, it.key(),
                it.value() +
                    QStringList{QStringLiteral("ember_bandwidth_upload=10MB/s 08:00-18:00, 50MB/s"),
                                QStringLiteral("ember_bandwidth_download=5MiB/s")}));
            QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
            const QJsonObject options =
                jsonOf(added).object().value(QStringLiteral("options")).toObject();
            QCOMPARE(options.value(QStringLiteral("ember_bandwidth_upload")).toString(),
                     QStringLiteral("10MB/s 08:00-18:00, 50MB/s"));
            QCOMPARE(options.value(QStringLiteral("ember_bandwidth_download")).toString(),
                     QStringLiteral("5MiB/s"));
            QVERIFY(backendNames().contains(name));
        }

        // backend-types names both options for every chunked type.
        CLI_OK(types, {QStringLiteral("backend-types")});
        const QString text = QLatin1Char('\n') + QString::fromUtf8(types.out);
        for (const QString& type : required.keys()) {
            const qsizetype start = text.indexOf(QStringLiteral("\n%1: ").arg(type));
            QVERIFY2(start >= 0, qPrintable(type));
            const qsizetype next =
                text.indexOf(QRegularExpression(QStringLiteral("\\n\\S")), start + 1);
            const QString section = text.mid(start, next < 0 ? -1 : next - start);
            QVERIFY2(section.contains(QStringLiteral("ember_bandwidth_upload")) &&
                         section.contains(QStringLiteral("ember_bandwidth_download")),
                     qPrintable(section));
        }
    }
};

QTEST_GUILESS_MAIN(CliBackendsTest)
#include "test_cli_backends.moc"
