// The backend plugins as the registry publishes them: every schema's
// defaults are valid, secrets stay out of the options, option values are
// parsed and checked by kind, capabilities are as each backend declares, and
// a driver made through the posix plugin from its defaults backs up and
// restores byte for byte.
#include "backendregistry.h"
#include "backupservice.h"
#include "bandwidth.h"
#include "catalog.h"
#include "chunkeddriver.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QTest>

#include <cmath>
#include <future>
#include <limits>
#include <thread>

using namespace ember;
using namespace ember::test;

namespace {

// A value a required option without a default might really have.
QJsonValue sampleValue(const OptionSpec& spec)
{
    switch (spec.kind) {
    case OptionSpec::Kind::Integer:
    case OptionSpec::Kind::Number:
        return std::isfinite(spec.minimum) ? spec.minimum : 1.0;
    case OptionSpec::Kind::Boolean:
        return true;
    case OptionSpec::Kind::Choice:
        return spec.choices.value(0);
    case OptionSpec::Kind::Url:
        return QStringLiteral("https://storage.example.com:8080/v1");
    case OptionSpec::Kind::Path:
        return QStringLiteral("/srv/backups");
    case OptionSpec::Kind::Text:
        break;
    }
    return QStringLiteral("volumebackups");
}

// Every default of the schema, plus a sample for each required option without one.
QJsonObject defaultsOf(const BackendType& type)
{
    QJsonObject options;
    for (const OptionSpec& spec : type.options) {
        if (spec.secret)
            continue;
        if (!spec.defaultValue.isNull())
            options.insert(spec.key, spec.defaultValue);
        else if (spec.required)
            options.insert(spec.key, sampleValue(spec));
    }
    return options;
}

const BackendType& typeNamed(const QString& name)
{
    const BackendType* type = findBackendType(name);
    if (!type)
        qFatal("backend type %s is not registered", qPrintable(name));
    return *type;
}

OptionSpec integerSpec(const QString& key, double minimum, double maximum)
{
    OptionSpec spec;
    spec.key = key;
    spec.kind = OptionSpec::Kind::Integer;
    spec.minimum = minimum;
    spec.maximum = maximum;
    return spec;
}

QString parseError(const OptionSpec& spec, const QString& text)
{
    return errorOf([&] { parseOptionValue(spec, text); }).message();
}

bool anyContains(const QStringList& problems, const QString& part)
{
    for (const QString& problem : problems)
        if (problem.contains(part))
            return true;
    return false;
}

} // namespace

class BackendPluginsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyBackendIsRegisteredOnce()
    {
        QStringList names;
        for (const BackendType& type : backendTypes())
            names.append(type.type);
        for (const char* expected : {"posix", "swift", "ceph", "tsm", "s3"})
            QCOMPARE(names.count(QLatin1String(expected)), 1);
    }

    void defaultsPassTheirOwnChecks()
    {
        for (const BackendType& type : backendTypes()) {
            if (type.options.isEmpty()) {
                // Only a type this build lacks has no schema.
                QVERIFY2(!type.available && !type.create, qPrintable(type.type));
                continue;
            }
            const QStringList problems = optionProblems(type, defaultsOf(type));
            QVERIFY2(problems.isEmpty(), qPrintable(type.type + QStringLiteral(": ") +
                                                    problems.join(QStringLiteral(" | "))));
            // Unset options take the schema's defaults: nothing but the
            // required options is missing.
            QJsonObject requiredOnly;
            for (const OptionSpec& spec : type.options)
                if (spec.required && !spec.secret && spec.defaultValue.isNull())
                    requiredOnly.insert(spec.key, sampleValue(spec));
            QVERIFY2(optionProblems(type, requiredOnly).isEmpty(), qPrintable(type.type));

            QVERIFY2(type.create && type.probe, qPrintable(type.type));
            int locations = 0;
            QSet<QString> keys;
            for (const OptionSpec& spec : type.options) {
                locations += spec.location ? 1 : 0;
                QVERIFY2(!keys.contains(spec.key), qPrintable(spec.key));
                keys.insert(spec.key);
                QCOMPARE(normalizedOptionName(spec.key), spec.key);
                QVERIFY2(!spec.label.isEmpty() && !spec.help.isEmpty(), qPrintable(spec.key));
                if (spec.kind == OptionSpec::Kind::Choice)
                    QVERIFY2(!spec.choices.isEmpty(), qPrintable(spec.key));
            }
            QVERIFY2(locations <= 1, qPrintable(type.type));
            QCOMPARE(backendOptionNames(type.type), type.optionNames());
        }
    }

    // Stored configurations and scripts use these names: none may go missing.
    void everyOptionNameOfBeforeIsKept()
    {
        const QStringList engine{
            QStringLiteral("backup_compression_algorithm"), QStringLiteral("ember_zlib_engine"),
            QStringLiteral("ember_worker_threads"), QStringLiteral("ember_objects_in_flight"),
            // Encryption at rest (issue 16): every chunked type.
            QStringLiteral("backup_ember_encryption"), QStringLiteral("ember_encryption_key"),
            // Restore performance (issue 17): the object MD5 check and bandwidth limits.
            QStringLiteral("ember_restore_md5"), QStringLiteral("ember_bandwidth_upload"),
            QStringLiteral("ember_bandwidth_download")};
        const QMap<QString, QStringList> names{
            {QStringLiteral("posix"),
             engine + QStringList{QStringLiteral("backup_posix_path"),
                                  QStringLiteral("backup_file_size"),
                                  QStringLiteral("backup_sha_block_size_bytes")}},
            {QStringLiteral("swift"),
             engine + QStringList{QStringLiteral("backup_swift_url"),
                                  QStringLiteral("backup_swift_auth_url"),
                                  QStringLiteral("backup_swift_auth"),
                                  QStringLiteral("backup_swift_auth_version"),
                                  QStringLiteral("backup_swift_auth_insecure"),
                                  QStringLiteral("backup_swift_ca_cert_file"),
                                  QStringLiteral("backup_swift_user"),
                                  QStringLiteral("backup_swift_user_domain"),
                                  QStringLiteral("backup_swift_tenant"),
                                  QStringLiteral("backup_swift_project"),
                                  QStringLiteral("backup_swift_project_domain"),
                                  QStringLiteral("backup_swift_region_name"),
                                  QStringLiteral("backup_swift_container"),
                                  QStringLiteral("backup_swift_object_size"),
                                  QStringLiteral("backup_swift_block_size"),
                                  QStringLiteral("backup_swift_retry_attempts"),
                                  QStringLiteral("backup_swift_retry_backoff"),
                                  QStringLiteral("backup_swift_create_storage_policy"),
                                  QStringLiteral("ember_swift_timeout"),
                                  QStringLiteral("ember_swift_connect_timeout"),
                                  QStringLiteral("ember_swift_listing_limit"),
                                  QStringLiteral("ember_swift_parallel_transfers")}},
            {QStringLiteral("ceph"),
             {QStringLiteral("backup_ceph_conf"), QStringLiteral("backup_ceph_user"),
              QStringLiteral("backup_ceph_pool"), QStringLiteral("backup_ceph_chunk_size"),
              QStringLiteral("backup_ceph_stripe_unit"), QStringLiteral("backup_ceph_stripe_count"),
              QStringLiteral("backup_ceph_image_journals"),
              QStringLiteral("restore_discard_excess_bytes"), QStringLiteral("ember_ceph_mon_host"),
              QStringLiteral("ember_ceph_keyring"), QStringLiteral("ember_ceph_timeout"),
              QStringLiteral("ember_ceph_threads")}},
            {QStringLiteral("tsm"),
             {QStringLiteral("backup_tsm_volume_prefix"), QStringLiteral("backup_tsm_compression"),
              QStringLiteral("ember_tsm_dsmc_path"), QStringLiteral("ember_tsm_optfile"),
              QStringLiteral("ember_tsm_servername"), QStringLiteral("ember_tsm_nodename"),
              QStringLiteral("ember_tsm_asnodename"), QStringLiteral("ember_tsm_file_link"),
              QStringLiteral("ember_tsm_image_link_dir"),
              QStringLiteral("ember_tsm_timeout_seconds")}},
        };
        // Names may be added (other work adds options at the same time); none may go.
        for (auto it = names.begin(); it != names.end(); ++it) {
            const QStringList known = backendOptionNames(it.key());
            for (const QString& name : it.value())
                QVERIFY2(known.contains(name), qPrintable(it.key() + QLatin1Char(' ') + name));
        }
    }

    // Every chunked type takes the engine's restore and bandwidth options,
    // checked by the engine's own parser (the same words in the CLI and the forms).
    void chunkedTypesTakeTheEngineOptions()
    {
        QStringList chunked;
        for (const BackendType& type : backendTypes()) {
            if (!type.capabilities.chunked)
                continue;
            chunked.append(type.type);
            QJsonObject options;
            for (const OptionSpec& spec : type.options)
                if (spec.required && !spec.secret)
                    options.insert(spec.key, sampleValue(spec));
            QVERIFY2(optionProblems(type, options).isEmpty(), qPrintable(type.type));

            const OptionSpec* md5 = type.option(QStringLiteral("ember_restore_md5"));
            QVERIFY2(md5, qPrintable(type.type));
            QCOMPARE(md5->choices, (QStringList{QStringLiteral("check"), QStringLiteral("skip")}));
            QCOMPARE(md5->defaultValue, QJsonValue(QStringLiteral("check")));
            for (const QString& key : {QStringLiteral("ember_bandwidth_upload"),
                                       QStringLiteral("ember_bandwidth_download")}) {
                const OptionSpec* limit = type.option(key);
                QVERIFY2(limit, qPrintable(type.type + QLatin1Char(' ') + key));
                QCOMPARE(limit->kind, OptionSpec::Kind::Text);
                QCOMPARE(limit->defaultValue.toString(), QString());
                for (const QString& valid :
                     {QStringLiteral("20MB/s"), QStringLiteral("10MB/s 08:00-18:00, 50MB/s"),
                      QStringLiteral("unlimited"), QString()}) {
                    QJsonObject limited = options;
                    limited.insert(key, valid);
                    QVERIFY2(optionProblems(type, limited).isEmpty(),
                             qPrintable(optionProblems(type, limited).join(u'|')));
                }
                QJsonObject malformed = options;
                malformed.insert(key, QStringLiteral("10 MX/s"));
                QCOMPARE(optionProblems(type, malformed),
                         QStringList{key + QStringLiteral(": ") +
                                     bandwidthScheduleProblem(QStringLiteral("10 MX/s"))});
                malformed.insert(key, QStringLiteral("10MB/s 25:00-18:00"));
                QVERIFY(anyContains(optionProblems(type, malformed),
                                    QStringLiteral("window '25:00-18:00': hour 25 out of range")));
            }
            QVERIFY(
                bandwidthScheduleProblem(QStringLiteral("10 MX/s"))
                    .startsWith(QStringLiteral("bandwidth limit '10 MX/s': unknown unit 'MX/s'")));
        }
        chunked.sort();
        QCOMPARE(chunked, (QStringList{QStringLiteral("posix"), QStringLiteral("s3"),
                                       QStringLiteral("swift")}));

        // The engine reads them as given.
        const ChunkedOptions read = chunkedOptionsFrom(
            QJsonObject{
                {QStringLiteral("ember_bandwidth_upload"), QStringLiteral("5MB/s")},
                {QStringLiteral("ember_bandwidth_download"), QStringLiteral("1MB/s 22:00-06:00")},
                {QStringLiteral("ember_restore_md5"), QStringLiteral("skip")}},
            QStringLiteral("backup_file_size"), 1999994880,
            QStringLiteral("backup_sha_block_size_bytes"), 32768);
        QCOMPARE(read.uploadLimit, QStringLiteral("5MB/s"));
        QCOMPARE(read.downloadLimit, QStringLiteral("1MB/s 22:00-06:00"));
        QVERIFY(!read.checkObjectMd5);
    }

    // A chunked backend's backups and restores draw from the backend's
    // buckets: the same ones another transfer of that backend uses.
    void chunkedDriverDrawsFromTheBackendsBuckets()
    {
        ServiceFixture fixture(QStringLiteral("bandwidth"), QStringLiteral("none"));
        BackendConfig local = *fixture.catalog->backend(QStringLiteral("local"));
        const QString limit = QStringLiteral("2MB/s");
        local.options.insert(QStringLiteral("ember_bandwidth_upload"), limit);
        local.options.insert(QStringLiteral("ember_bandwidth_download"), limit);
        fixture.catalog->upsertBackend(local);
        fixture.addVolumeFile(4000000, Fill::Random, 11);

        const BandwidthBuckets shared = bandwidthBucketsFor(local.name, limit, limit);
        QVERIFY(shared.upload && shared.download);
        QElapsedTimer timer;
        timer.start();
        auto other =
            std::async(std::launch::async, [&] { return shared.upload->acquire(4000000); });
        const Backup backup = fixture.backUp(QStringLiteral("v"));
        QVERIFY(other.get());
        // Alone, each would take (4 MB - 0.5 MB of burst) / 2 MB/s = 1.75 s;
        // sharing one bucket, both together take 3.75 s.
        const double backupSeconds = double(timer.elapsed()) / 1000;
        QVERIFY2(backupSeconds > 3.0 && backupSeconds < 10,
                 qPrintable(QString::number(backupSeconds)));

        timer.restart();
        const QString restored = fixture.restoreToNewFile(backup.id, QStringLiteral("r.img"));
        const double restoreSeconds = double(timer.elapsed()) / 1000;
        QCOMPARE(compareFiles(fixture.volumeFile(), restored), QString());
        qInfo("4 MB backup beside 4 MB more of the backend: %.2f s; restore: %.2f s", backupSeconds,
              restoreSeconds);
        QVERIFY2(restoreSeconds > 1.4 && restoreSeconds < 8,
                 qPrintable(QString::number(restoreSeconds)));
    }

    // A paced transfer stops within one slice of a cancel, not at the end of
    // the object: 8 MB at 1 MB/s would take 8 s.
    void throttledTransfersStopOnCancel()
    {
        ServiceFixture fixture(QStringLiteral("bandwidth-cancel"), QStringLiteral("none"),
                               16 << 20);
        fixture.addVolumeFile(8000000, Fill::Random, 12);
        const Backup backup = fixture.backUp(QStringLiteral("v"));
        BackendConfig local = *fixture.catalog->backend(QStringLiteral("local"));
        const QString limit = QStringLiteral("1MB/s");
        local.options.insert(QStringLiteral("ember_bandwidth_upload"), limit);
        local.options.insert(QStringLiteral("ember_bandwidth_download"), limit);
        fixture.catalog->upsertBackend(local);

        RestoreRequest restore;
        restore.backup = backup.id;
        restore.newVolumePath = fixture.dir + QStringLiteral("/r.img");
        auto prepared = fixture.service->prepareRestore(restore);
        OperationControl control;
        QElapsedTimer timer;
        timer.start();
        auto cancelLater = std::async(std::launch::async, [&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(1000));
            control.requestCancel();
        });
        bool cancelled = false;
        try {
            fixture.service->runRestore(prepared, control);
        } catch (const Cancelled&) {
            cancelled = true;
        }
        cancelLater.get();
        const double restoreSeconds = double(timer.elapsed()) / 1000;
        QVERIFY(cancelled);
        QVERIFY2(restoreSeconds < 3.0, qPrintable(QString::number(restoreSeconds)));

        CreateBackupRequest request;
        request.volume = QStringLiteral("v");
        auto preparedBackup = fixture.service->prepareBackup(request);
        OperationControl backupControl;
        timer.restart();
        auto cancelBackup = std::async(std::launch::async, [&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(1000));
            backupControl.requestCancel();
        });
        cancelled = false;
        try {
            fixture.service->runBackup(preparedBackup, backupControl);
        } catch (const Cancelled&) {
            cancelled = true;
        }
        cancelBackup.get();
        const double backupSeconds = double(timer.elapsed()) / 1000;
        QVERIFY(cancelled);
        QVERIFY2(backupSeconds < 3.0, qPrintable(QString::number(backupSeconds)));
    }

    void secretsStayOutOfOptions()
    {
        QCOMPARE(typeNamed(QStringLiteral("swift")).secretKeys,
                 QStringList{QStringLiteral("backup_swift_key")});
        QCOMPARE(typeNamed(QStringLiteral("ceph")).secretKeys,
                 QStringList{QStringLiteral("ceph_key")});
        QCOMPARE(typeNamed(QStringLiteral("tsm")).secretKeys,
                 QStringList{QStringLiteral("backup_tsm_password")});
        QVERIFY(typeNamed(QStringLiteral("posix")).secretKeys.isEmpty());
        for (const BackendType& type : backendTypes()) {
            QStringList schemaSecrets;
            for (const OptionSpec& spec : type.options)
                if (spec.secret)
                    schemaSecrets.append(spec.key);
            QCOMPARE(type.secretKeys, schemaSecrets);
            for (const QString& secret : type.secretKeys) {
                QVERIFY2(!type.optionNames().contains(secret), qPrintable(secret));
                // Refused in any spelling, naming the keyring command.
                QString spelled = secret.toUpper();
                spelled.replace(QLatin1Char('_'), QLatin1Char('-'));
                const QString refusal = errorOf([&] {
                                            checkedOptionName(type, QStringLiteral("b1"), spelled);
                                        }).message();
                QVERIFY2(
                    refusal.contains(QStringLiteral("%1 is a secret").arg(spelled)) &&
                        refusal.contains(QStringLiteral("backend-set-secret b1 %1").arg(secret)),
                    qPrintable(refusal));
                QJsonObject options = defaultsOf(type);
                options.insert(secret, QStringLiteral("hunter2"));
                const QStringList problems = optionProblems(type, options);
                QCOMPARE(problems.size(), 1);
                QVERIFY2(problems.first().startsWith(secret + QStringLiteral(" is a secret")),
                         qPrintable(problems.first()));
                QVERIFY(!problems.first().contains(QStringLiteral("hunter2")));
            }
        }
    }

    void parsesIntegers()
    {
        const OptionSpec size =
            integerSpec(QStringLiteral("backup_s3_object_size"), 65536, 5368709120.0);
        QCOMPARE(parseOptionValue(size, QStringLiteral("5368709120")), QJsonValue(5368709120.0));
        QCOMPARE(parseOptionValue(size, QStringLiteral(" 65536 ")), QJsonValue(65536.0));
        QCOMPARE(parseError(size, QStringLiteral("abc")),
                 QStringLiteral("backup_s3_object_size must be a whole number of bytes between "
                                "65536 and 5368709120, not 'abc'"));
        QVERIFY(parseError(size, QStringLiteral("65536.5")).contains(QStringLiteral("'65536.5'")));
        QVERIFY(parseError(size, QStringLiteral("65535")).contains(QStringLiteral("'65535'")));
        QVERIFY(parseError(size, QStringLiteral("5368709121")).contains(QStringLiteral("between")));
        QVERIFY(parseError(size, QString()).contains(QStringLiteral("whole number")));

        const OptionSpec threads = integerSpec(QStringLiteral("ember_worker_threads"), 0,
                                               std::numeric_limits<double>::infinity());
        QCOMPARE(parseError(threads, QStringLiteral("-1")),
                 QStringLiteral("ember_worker_threads must be a whole number of at least 0, not "
                                "'-1'"));
        const OptionSpec timeout = integerSpec(QStringLiteral("ember_swift_timeout"), 1, 600);
        QCOMPARE(parseError(timeout, QStringLiteral("0")),
                 QStringLiteral("ember_swift_timeout must be a whole number of seconds between 1 "
                                "and 600, not '0'"));
    }

    void parsesOtherKinds()
    {
        OptionSpec number;
        number.key = QStringLiteral("backup_swift_retry_backoff");
        number.kind = OptionSpec::Kind::Number;
        number.minimum = 0;
        QCOMPARE(parseOptionValue(number, QStringLiteral("2.5")), QJsonValue(2.5));
        QCOMPARE(parseError(number, QStringLiteral("soon")),
                 QStringLiteral("backup_swift_retry_backoff must be a number of at least 0, not "
                                "'soon'"));
        QVERIFY(parseError(number, QStringLiteral("-0.5")).contains(QStringLiteral("'-0.5'")));
        QVERIFY(parseError(number, QStringLiteral("inf")).contains(QStringLiteral("'inf'")));

        OptionSpec flag;
        flag.key = QStringLiteral("backup_swift_auth_insecure");
        flag.kind = OptionSpec::Kind::Boolean;
        for (const char* yes : {"true", "True", "TRUE", "1"})
            QCOMPARE(parseOptionValue(flag, QLatin1String(yes)), QJsonValue(true));
        for (const char* no : {"false", "False", "0"})
            QCOMPARE(parseOptionValue(flag, QLatin1String(no)), QJsonValue(false));
        QCOMPARE(parseError(flag, QStringLiteral("maybe")),
                 QStringLiteral("backup_swift_auth_insecure must be true or false, not 'maybe'"));

        const OptionSpec* compression = typeNamed(QStringLiteral("posix"))
                                            .option(QStringLiteral("backup_compression_algorithm"));
        QVERIFY(compression);
        QCOMPARE(compression->kind, OptionSpec::Kind::Choice);
        // Cinder ignores the case; the schema's spelling is stored.
        QCOMPARE(parseOptionValue(*compression, QStringLiteral("ZSTD")),
                 QJsonValue(QStringLiteral("zstd")));
        for (const char* accepted : {"zlib", "gzip", "bz2", "bzip2", "zstd", "none", "off", "no"})
            QCOMPARE(parseOptionValue(*compression, QLatin1String(accepted)),
                     QJsonValue(QLatin1String(accepted)));
        const QString lz4 = parseError(*compression, QStringLiteral("lz4"));
        QVERIFY2(lz4.startsWith(QStringLiteral("backup_compression_algorithm must be one of zlib, "
                                               "bz2, zstd, none")) &&
                     lz4.endsWith(QStringLiteral("not 'lz4'")),
                 qPrintable(lz4));

        OptionSpec url;
        url.key = QStringLiteral("backup_swift_auth_url");
        url.kind = OptionSpec::Kind::Url;
        QCOMPARE(parseOptionValue(url, QStringLiteral(" http://127.0.0.1:9/auth/v1.0 ")),
                 QJsonValue(QStringLiteral("http://127.0.0.1:9/auth/v1.0")));
        QVERIFY(parseError(url, QStringLiteral("swift.example.com"))
                    .startsWith(QStringLiteral("backup_swift_auth_url must be a URL")));

        OptionSpec text;
        text.key = QStringLiteral("backup_swift_user");
        QCOMPARE(parseOptionValue(text, QStringLiteral("12345")),
                 QJsonValue(QStringLiteral("12345")));
        OptionSpec path;
        path.key = QStringLiteral("backup_posix_path");
        path.kind = OptionSpec::Kind::Path;
        QCOMPARE(parseOptionValue(path, QStringLiteral("/srv/b")),
                 QJsonValue(QStringLiteral("/srv/b")));
    }

    void optionProblemsNameEachProblem()
    {
        const BackendType& posix = typeNamed(QStringLiteral("posix"));
        QJsonObject valid{{QStringLiteral("backup_posix_path"), QStringLiteral("/srv/b")}};
        QCOMPARE(optionProblems(posix, valid), QStringList());
        // Values stored as text by older configurations are read as typed in.
        QJsonObject stored = valid;
        stored.insert(QStringLiteral("backup_file_size"), QStringLiteral("4194304"));
        stored.insert(QStringLiteral("backup_compression_algorithm"), QStringLiteral("Zlib"));
        QCOMPARE(optionProblems(posix, stored), QStringList());

        auto problemsWith = [&](const QString& key, const QJsonValue& value) {
            QJsonObject options = valid;
            options.insert(key, value);
            return optionProblems(posix, options);
        };
        // Wrong kind.
        QCOMPARE(problemsWith(QStringLiteral("backup_file_size"), true),
                 QStringList{QStringLiteral("backup_file_size must be a whole number of bytes of "
                                            "at least 1, not true")});
        QCOMPARE(problemsWith(QStringLiteral("backup_posix_path"), 5.0),
                 QStringList{QStringLiteral("backup_posix_path must be a path, not 5")});
        QVERIFY(anyContains(problemsWith(QStringLiteral("backup_file_size"), QStringLiteral("big")),
                            QStringLiteral("backup_file_size must be a whole number")));
        QVERIFY(anyContains(problemsWith(QStringLiteral("ember_worker_threads"), 2.5),
                            QStringLiteral("ember_worker_threads must be a whole number")));
        // Out of range.
        QCOMPARE(problemsWith(QStringLiteral("ember_worker_threads"), -1.0),
                 QStringList{QStringLiteral("ember_worker_threads must be a whole number between "
                                            "0 and 256, not '-1'")});
        // Unknown choice.
        const QStringList lz4 =
            problemsWith(QStringLiteral("backup_compression_algorithm"), QStringLiteral("lz4"));
        QCOMPARE(lz4.size(), 1);
        QVERIFY2(lz4.first().startsWith(QStringLiteral("backup_compression_algorithm must be "
                                                       "one of zlib")),
                 qPrintable(lz4.first()));
        // Unknown name, with the closest known one.
        QCOMPARE(problemsWith(QStringLiteral("backup_file_sise"), 4194304.0),
                 QStringList{QStringLiteral("Unknown option 'backup_file_sise' for a posix "
                                            "backend: did you mean backup_file_size? (see "
                                            "ember-cli backend-add --help)")});
        QVERIFY(anyContains(problemsWith(QStringLiteral("colour"), QStringLiteral("blue")),
                            QStringLiteral("Unknown option 'colour' for a posix backend; its "
                                           "options are: backup_posix_path")));
        // Missing required option.
        const QStringList missing = optionProblems(posix, QJsonObject());
        QCOMPARE(missing.size(), 1);
        QVERIFY2(missing.first().startsWith(QStringLiteral("backup_posix_path is required")),
                 qPrintable(missing.first()));
        QCOMPARE(problemsWith(QStringLiteral("backup_posix_path"), QStringLiteral("  ")).size(), 1);
        // An object size that is no multiple of the block size, whichever of
        // the two is set.
        QCOMPARE(problemsWith(QStringLiteral("backup_file_size"), 1000.0),
                 QStringList{QStringLiteral("backup_file_size (1000 bytes) must be a multiple of "
                                            "the 32768-byte hash block "
                                            "(backup_sha_block_size_bytes), as Cinder requires")});
        QVERIFY(anyContains(problemsWith(QStringLiteral("backup_sha_block_size_bytes"), 65536.0),
                            QStringLiteral("backup_file_size (1999994880 bytes) must be a "
                                           "multiple of the 65536-byte hash block")));
        QCOMPARE(problemsWith(QStringLiteral("backup_sha_block_size_bytes"), 4096.0),
                 QStringList());

        const BackendType& swift = typeNamed(QStringLiteral("swift"));
        QJsonObject swiftOptions{
            {QStringLiteral("backup_swift_auth_url"),
             QStringLiteral("http://127.0.0.1:9/auth/v1.0")},
            {QStringLiteral("backup_swift_user"), QStringLiteral("test:tester")}};
        QCOMPARE(optionProblems(swift, swiftOptions), QStringList());
        swiftOptions.insert(QStringLiteral("backup_swift_object_size"), 52428801.0);
        swiftOptions.insert(QStringLiteral("backup_swift_auth_version"), 4.0);
        swiftOptions.insert(QStringLiteral("backup_swift_container"), QStringLiteral("a/b"));
        const QStringList swiftProblems = optionProblems(swift, swiftOptions);
        QCOMPARE(swiftProblems.size(), 3);
        QVERIFY(anyContains(swiftProblems, QStringLiteral("backup_swift_object_size (52428801 "
                                                          "bytes) must be a multiple")));
        QVERIFY(anyContains(swiftProblems, QStringLiteral("backup_swift_auth_version must be one "
                                                          "of 1, 2, 3")));
        QVERIFY(anyContains(swiftProblems, QStringLiteral("backup_swift_container must be a name "
                                                          "without '/'")));
        // A number where a version is expected (older configurations stored 3 as a number).
        swiftOptions = QJsonObject{
            {QStringLiteral("backup_swift_auth_url"), QStringLiteral("https://k.example/v3")},
            {QStringLiteral("backup_swift_user"), QStringLiteral("u")},
            {QStringLiteral("backup_swift_auth_version"), 3.0}};
        QCOMPARE(optionProblems(swift, swiftOptions), QStringList());
        QVERIFY(anyContains(optionProblems(swift, QJsonObject()),
                            QStringLiteral("backup_swift_auth_url is required")));
    }

    void capabilitiesAreAsDeclared()
    {
        const BackendType& posix = typeNamed(QStringLiteral("posix"));
        QVERIFY(posix.capabilities.chunked);
        QVERIFY(!posix.capabilities.hostsRbdVolumes && !posix.capabilities.managesSourceSnapshots);
        QCOMPARE(posix.objectSizeKey, QStringLiteral("backup_file_size"));
        QCOMPARE(posix.blockSizeKey, QStringLiteral("backup_sha_block_size_bytes"));
        QCOMPARE(posix.locationKey(), QStringLiteral("backup_posix_path"));

        const BackendType& swift = typeNamed(QStringLiteral("swift"));
        QVERIFY(swift.capabilities.chunked);
        QVERIFY(!swift.capabilities.hostsRbdVolumes && !swift.capabilities.managesSourceSnapshots);
        QCOMPARE(swift.objectSizeKey, QStringLiteral("backup_swift_object_size"));
        QCOMPARE(swift.blockSizeKey, QStringLiteral("backup_swift_block_size"));
        QCOMPARE(swift.value(QJsonObject(), swift.objectSizeKey), QJsonValue(52428800.0));

        const BackendType& ceph = typeNamed(QStringLiteral("ceph"));
        QVERIFY(!ceph.capabilities.chunked);
        QVERIFY(ceph.capabilities.hostsRbdVolumes && ceph.capabilities.managesSourceSnapshots);
        QCOMPARE(ceph.locationKey(), QStringLiteral("backup_ceph_pool"));
        QCOMPARE(ceph.value(QJsonObject(), QStringLiteral("backup_ceph_chunk_size")),
                 QJsonValue(134217728.0));

        const BackendType& tsm = typeNamed(QStringLiteral("tsm"));
        QVERIFY(!tsm.capabilities.chunked && !tsm.capabilities.hostsRbdVolumes &&
                !tsm.capabilities.managesSourceSnapshots && !tsm.capabilities.objectLock);
        QCOMPARE(tsm.value(QJsonObject(), QStringLiteral("ember_tsm_timeout_seconds")),
                 QJsonValue(86400.0));
    }

    // Only the directory is set: every other option comes from the schema's
    // defaults, through the plugin's factory and probe.
    void posixDriverFromDefaults()
    {
        ServiceFixture fixture(QStringLiteral("posix-defaults"));
        BackendConfig plain;
        plain.name = QStringLiteral("plain");
        plain.type = QStringLiteral("posix");
        plain.isDefault = true;
        plain.options.insert(QStringLiteral("backup_posix_path"),
                             fixture.dir + QStringLiteral("/plain"));
        QCOMPARE(optionProblems(typeNamed(plain.type), plain.options), QStringList());

        const std::unique_ptr<BackupDriver> driver = createDriver(plain, {});
        QVERIFY(dynamic_cast<ChunkedBackupDriver*>(driver.get()));
        QCOMPARE(driver->serviceName(),
                 QStringLiteral("cinder.backup.drivers.posix.PosixBackupDriver"));

        const ConnectionReport report = testBackendConnection(plain, {});
        QCOMPARE(report.checks.size(), 3);
        QVERIFY(report.checks.at(0).ok); // created inside the fixture's directory
        QVERIFY2(report.checks.at(2).ok, qPrintable(report.checks.at(2).detail));

        fixture.catalog->upsertBackend(plain);
        fixture.addVolumeFile(3 * 1024 * 1024 + 4096, Fill::Mixed, 7);
        const Backup backup = fixture.backUp(QStringLiteral("v"));
        QCOMPARE(backup.backendName, QStringLiteral("plain"));
        QVERIFY(!filesInTree(fixture.dir + QStringLiteral("/plain")).isEmpty());
        const QString restored = fixture.restoreToNewFile(backup.id, QStringLiteral("r.img"));
        QCOMPARE(compareFiles(fixture.volumeFile(), restored), QString());

        BackendConfig unknown = plain;
        unknown.type = QStringLiteral("floppy");
        QCOMPARE(errorOf([&] { createDriver(unknown, {}); }).message(),
                 QStringLiteral("backend plain has unknown type 'floppy'"));
        QVERIFY(!testBackendConnection(unknown, {}).ok());
        BackendConfig noPath = plain;
        noPath.options = QJsonObject();
        QCOMPARE(errorOf([&] { createDriver(noPath, {}); }).message(),
                 QStringLiteral("backend plain has no backup_posix_path"));
    }
};

QTEST_GUILESS_MAIN(BackendPluginsTest)
#include "tst_backendplugins.moc"
