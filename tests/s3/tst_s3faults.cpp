// Faults of the S3 backend against Ceph's radosgw (fixture "rgw"):
// - wrong keys, a missing bucket, an endpoint that is down and an untrusted TLS
//   certificate (radosgw's own TLS endpoint, signed by a CA nobody trusts), each
//   through probeS3 and a backup (or restore), each with its own message in plain
//   words that names S3, never another backend;
// - 503 bursts, SlowDown answers (tests/swift/faultproxy.py --s3) and a connection
//   reset in the middle of an upload (tests/swift/tcpgate.py) are retried: the
//   backup succeeds and restores byte for byte, the helpers' counters show the faults;
// - a backup whose failures outlast the retry budget (through BackupService) fails
//   with the reason in the catalog and leaves no object in the bucket.
// What is in the bucket is checked from outside Ember, with boto3.
#include "backendregistry.h"
#include "backupservice.h"
#include "catalog.h"
#include "s3backend.h"
#include "s3testenv.h"
#include "swifttestsupport.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>
#include <QUrl>

using namespace ember;
using namespace ember::test;

namespace {

constexpr qint64 MiB = 1048576;

class S3FaultProxy : public HelperScript
{
public:
    bool start(const QString& upstreamBase)
    {
        return startScript(QStringLiteral("faultproxy.py"), {upstreamBase, QStringLiteral("--s3")});
    }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }
    int counter(const QString& name) { return stats().value(name).toInt(); }
};

class TcpGate : public HelperScript
{
public:
    bool start(const QString& host, int port)
    {
        return startScript(QStringLiteral("tcpgate.py"), {host, QString::number(port)});
    }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }
};

QRegularExpression words(const QString& pattern)
{
    return QRegularExpression(pattern, QRegularExpression::CaseInsensitiveOption);
}

// The report's failed checks, one "name: detail" line each.
QString failures(const ConnectionReport& report)
{
    QStringList lines;
    for (const ConnectionCheck& check : report.checks)
        if (!check.ok)
            lines << check.name + QStringLiteral(": ") + check.detail;
    return lines.join(QLatin1Char('\n'));
}

QString describe(const ConnectionReport& report)
{
    QStringList lines;
    for (const ConnectionCheck& check : report.checks)
        lines << QStringLiteral("%1 %2: %3")
                     .arg(check.ok ? QStringLiteral("ok  ") : QStringLiteral("FAIL"), check.name,
                          check.detail);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestS3Faults : public QObject
{
    Q_OBJECT

private:
    S3Env m_env;
    QString m_dir;
    Volume m_volume;
    QStringList m_buckets;

    QString newBucket(const QString& slot)
    {
        const QString bucket = S3Env::uniqueBucket(slot);
        m_buckets << bucket;
        return bucket;
    }
    // A bucket made with boto3 (so a test's first request is not a bucket creation).
    QString readyBucket(const QString& slot)
    {
        const QString bucket = newBucket(slot);
        const Boto3Result created = m_env.createBucket(bucket);
        if (!created.ok())
            qWarning("%s", created.describe().constData());
        return bucket;
    }
    QStringList keysIn(const QString& bucket) const
    {
        const Boto3Result result = m_env.keysIn(bucket);
        if (!result.ok())
            qWarning("%s", result.describe().constData());
        QStringList keys;
        for (const QJsonValue& key : result.json().toArray())
            keys << key.toString();
        return keys;
    }

    // Uncompressed 1 MiB objects of random data: uploads are as big as the objects,
    // so byte counts (tcpgate) land inside an upload.
    BackendConfig config(const QString& bucket, const QString& endpoint = {}) const
    {
        BackendConfig backend =
            m_env.backend(QStringLiteral("s3-faults"), bucket, QStringLiteral("none"), endpoint);
        backend.options.insert(QStringLiteral("backup_s3_object_size"), MiB);
        return backend;
    }

    Backup newBackup() const
    {
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = m_volume.id;
        backup.createdAt = QDateTime::currentDateTimeUtc();
        backup.displayName = QStringLiteral("s3 faults test");
        return backup;
    }
    // Runs a full backup of m_volume; the error message, empty on success.
    QString tryBackup(const BackendConfig& backend, const BackendSecrets& secrets,
                      Backup* done = nullptr) const
    {
        Backup backup = newBackup();
        try {
            const std::unique_ptr<BackupDriver> driver = createDriver(backend, secrets);
            auto device = openLocalVolume(m_volume.path, OpenMode::Read);
            OperationControl control;
            BackupJob job{backup, m_volume, *device, std::nullopt, control};
            driver->backup(job);
        } catch (const Error& error) {
            return error.message();
        }
        if (done)
            *done = backup;
        return {};
    }
    QString tryRestore(const BackendConfig& backend, const Backup& backup, const QString& name,
                       QString* target = nullptr) const
    {
        const QString path = m_dir + QLatin1Char('/') + name;
        QFile::remove(path);
        createSparseImage(path, m_volume.sizeBytes);
        try {
            const std::unique_ptr<BackupDriver> driver = createDriver(backend, m_env.secrets());
            auto device = openLocalVolume(path, OpenMode::ReadWrite);
            Volume volume = m_volume;
            volume.path = path;
            OperationControl control;
            RestoreJob job{{backup}, volume, *device, control};
            driver->restore(job);
        } catch (const Error& error) {
            return error.message();
        }
        if (target)
            *target = path;
        return {};
    }
    void removeBackup(const BackendConfig& backend, const Backup& backup) const
    {
        const std::unique_ptr<BackupDriver> driver = createDriver(backend, m_env.secrets());
        OperationControl control;
        driver->remove(backup, control);
    }

    // A message of ours about S3: names S3 (or its options), never another backend.
    static void checkNamesS3(const QString& message)
    {
        QVERIFY2(!message.isEmpty(), "no message");
        QVERIFY2(!message.contains(QLatin1String("Swift")) &&
                     !message.contains(QLatin1String("Ceph")) &&
                     !message.contains(QLatin1String("TSM")),
                 qPrintable(message));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_env = S3Env::load();
        QVERIFY2(m_env.error.isEmpty(), qPrintable(m_env.error));
        QVERIFY2(!m_env.tlsEndpoint().isEmpty() && QFile::exists(m_env.tlsCa()),
                 "rgw.env lacks RGW_S3_TLS_ENDPOINT / RGW_S3_TLS_CA");
        m_dir = freshDir(QStringLiteral("s3-faults"));
        m_volume.id = QStringLiteral("9c2e4b70-1d3f-4a5b-8c6d-0000000fa017");
        m_volume.name = QStringLiteral("s3-faults-vol");
        m_volume.path = m_dir + QStringLiteral("/source.img");
        m_volume.sizeBytes = 6 * MiB + 4321; // 7 objects
        makeVolumeFile(m_volume.path, m_volume.sizeBytes, Fill::Random, 71);
    }

    void cleanupTestCase()
    {
        for (const QString& bucket : std::as_const(m_buckets)) {
            const Boto3Result dropped = m_env.dropBucket(bucket);
            if (!dropped.ok())
                qWarning("cleanup of %s: %s", qPrintable(bucket), dropped.describe().constData());
        }
    }

    void probeAcceptsTheRealService()
    {
        const QString bucket = readyBucket(QStringLiteral("faults-probe-ok"));
        const ConnectionReport report = probeS3(config(bucket), m_env.secrets());
        QVERIFY2(report.ok(), qPrintable(describe(report)));
        // the probe object is gone again
        QCOMPARE(keysIn(bucket), QStringList());
    }

    void wrongKeys_data()
    {
        QTest::addColumn<QString>("accessKey");
        QTest::addColumn<QString>("secretKey");
        QTest::addColumn<QString>("distinguishing");
        const QString access = m_env.facts.value(QStringLiteral("RGW_S3_ACCESS_KEY"));
        const QString secret = m_env.facts.value(QStringLiteral("RGW_S3_SECRET_KEY"));
        // radosgw: SignatureDoesNotMatch / InvalidAccessKeyId (both 403; a HEAD answer
        // has no body to name the code in). The words must name the key that is wrong.
        QTest::newRow("wrong secret key")
            << access << QString(40, QLatin1Char('0')) << QStringLiteral("secret key|signature");
        QTest::newRow("unknown access key")
            << QStringLiteral("EMBERNOSUCHKEY000000") << secret
            << QStringLiteral("access key.*(not known|unknown|invalid|does not exist)");
    }

    void wrongKeys()
    {
        QFETCH(QString, accessKey);
        QFETCH(QString, secretKey);
        QFETCH(QString, distinguishing);
        const QString bucket = readyBucket(QStringLiteral("faults-keys"));
        const BackendSecrets wrong{{QStringLiteral("backup_s3_store_access_key"), accessKey},
                                   {QStringLiteral("backup_s3_store_secret_key"), secretKey}};
        BackendConfig backend = config(bucket);
        backend.options.insert(QStringLiteral("backup_s3_retry_max_attempts"), 1);

        const ConnectionReport report = probeS3(backend, wrong);
        QVERIFY2(!report.ok(), qPrintable(describe(report)));
        const QString probeMessage = failures(report);
        QVERIFY2(probeMessage.contains(words(distinguishing)), qPrintable(probeMessage));
        QVERIFY2(!probeMessage.contains(words(QStringLiteral("certificate|cannot connect"))),
                 qPrintable(probeMessage));
        checkNamesS3(probeMessage);

        const QString backupMessage = tryBackup(backend, wrong);
        QVERIFY2(backupMessage.contains(words(distinguishing)), qPrintable(backupMessage));
        checkNamesS3(backupMessage);
        QCOMPARE(keysIn(bucket), QStringList());
        qInfo("probe: %s\nbackup: %s", qPrintable(probeMessage), qPrintable(backupMessage));
    }

    void missingBucket()
    {
        failOnError([&] {
            const QString bucket = newBucket(QStringLiteral("faults-missing"));
            const BackendConfig backend = config(bucket);
            const ConnectionReport report = probeS3(backend, m_env.secrets());
            QVERIFY2(!report.ok(), qPrintable(describe(report)));
            const QString probeMessage = failures(report);
            const QRegularExpression missing = words(
                QStringLiteral("does not exist|doesn't exist|no such bucket|not found|missing"));
            QVERIFY2(probeMessage.contains(bucket) && probeMessage.contains(missing),
                     qPrintable(probeMessage));
            QVERIFY2(
                !probeMessage.contains(words(QStringLiteral("access key|secret key|certificate"))),
                qPrintable(probeMessage));
            checkNamesS3(probeMessage);
            // the probe only looks: the bucket is still missing
            QCOMPARE(m_env.bucketExists(bucket).json().toBool(true), false);

            // A backup creates the bucket, as Cinder's S3 driver does ...
            Backup backup;
            QCOMPARE(tryBackup(backend, m_env.secrets(), &backup), QString());
            QCOMPARE(m_env.bucketExists(bucket).json().toBool(false), true);
            QCOMPARE(keysIn(bucket).size(), int(backup.objectCount + 2));
            // ... and a restore from a bucket that was removed since names it.
            const Boto3Result dropped = m_env.dropBucket(bucket);
            QVERIFY2(dropped.ok(), dropped.describe().constData());
            const QString restoreMessage =
                tryRestore(backend, backup, QStringLiteral("missing.img"));
            QVERIFY2(restoreMessage.contains(bucket) && restoreMessage.contains(missing),
                     qPrintable(restoreMessage));
            checkNamesS3(restoreMessage);
            qInfo("probe: %s\nrestore: %s", qPrintable(probeMessage), qPrintable(restoreMessage));
        });
    }

    void endpointDown()
    {
        // a port nobody listens on: bound once, then released
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const quint16 port = server.serverPort();
        server.close();
        const QString endpoint = QStringLiteral("http://127.0.0.1:%1").arg(port);
        BackendConfig backend = config(QStringLiteral("ember-nowhere"), endpoint);
        backend.options.insert(QStringLiteral("backup_s3_retry_max_attempts"), 1);
        backend.options.insert(QStringLiteral("backup_s3_timeout"), 5);

        const QRegularExpression down =
            words(QStringLiteral("cannot connect|could not connect|couldn't connect|connection "
                                 "refused|not reachable|unreachable"));
        const QString where = QStringLiteral("127.0.0.1:%1").arg(port);
        const ConnectionReport report = probeS3(backend, m_env.secrets());
        QVERIFY2(!report.ok(), qPrintable(describe(report)));
        const QString probeMessage = failures(report);
        QVERIFY2(probeMessage.contains(down) && probeMessage.contains(where),
                 qPrintable(probeMessage));
        QVERIFY2(!probeMessage.contains(words(QStringLiteral("certificate|access key|secret key"))),
                 qPrintable(probeMessage));
        checkNamesS3(probeMessage);

        const QString backupMessage = tryBackup(backend, m_env.secrets());
        QVERIFY2(backupMessage.contains(down) && backupMessage.contains(where),
                 qPrintable(backupMessage));
        checkNamesS3(backupMessage);
        qInfo("probe: %s\nbackup: %s", qPrintable(probeMessage), qPrintable(backupMessage));
    }

    void untrustedTls()
    {
        failOnError([&] {
            const QString bucket = readyBucket(QStringLiteral("faults-tls"));
            BackendConfig backend = config(bucket, m_env.tlsEndpoint());
            backend.options.insert(QStringLiteral("backup_s3_retry_max_attempts"), 1);
            const QRegularExpression untrusted =
                words(QStringLiteral("certificate.*(not trusted|untrusted|verif)|"
                                     "(not trusted|untrusted|verif).*certificate"));
            const QString where = QUrl(m_env.tlsEndpoint()).authority();

            const ConnectionReport report = probeS3(backend, m_env.secrets());
            QVERIFY2(!report.ok(), qPrintable(describe(report)));
            const QString probeMessage = failures(report);
            QVERIFY2(probeMessage.contains(untrusted) && probeMessage.contains(where),
                     qPrintable(probeMessage));
            QVERIFY2(!probeMessage.contains(
                         words(QStringLiteral("access key|secret key|does not exist"))),
                     qPrintable(probeMessage));
            checkNamesS3(probeMessage);
            const QString backupMessage = tryBackup(backend, m_env.secrets());
            QVERIFY2(backupMessage.contains(untrusted), qPrintable(backupMessage));
            checkNamesS3(backupMessage);
            QCOMPARE(keysIn(bucket), QStringList());

            // Trusting the fixture's CA: the same endpoint works, byte for byte.
            backend.options.insert(QStringLiteral("backup_s3_ca_cert_file"), m_env.tlsCa());
            const ConnectionReport trusted = probeS3(backend, m_env.secrets());
            QVERIFY2(trusted.ok(), qPrintable(describe(trusted)));
            Backup backup;
            QCOMPARE(tryBackup(backend, m_env.secrets(), &backup), QString());
            QString restored;
            QCOMPARE(tryRestore(backend, backup, QStringLiteral("over-tls.img"), &restored),
                     QString());
            QCOMPARE(compareFiles(m_volume.path, restored), QString());
            removeBackup(backend, backup);
            QCOMPARE(keysIn(bucket), QStringList());
            QFile::remove(restored);
            qInfo("probe: %s\nbackup: %s", qPrintable(probeMessage), qPrintable(backupMessage));
        });
    }

    void messagesDiffer()
    {
        // Each fault its own words: the fault tests above assert them one by one;
        // here the four probe reports side by side must all differ.
        QMap<QString, QString> messages;
        const QString bucket = readyBucket(QStringLiteral("faults-differ"));
        BackendSecrets wrong = m_env.secrets();
        wrong.insert(QStringLiteral("backup_s3_store_secret_key"), QString(40, QLatin1Char('1')));
        messages.insert(QStringLiteral("wrong keys"), failures(probeS3(config(bucket), wrong)));
        messages.insert(QStringLiteral("missing bucket"),
                        failures(probeS3(config(newBucket(QStringLiteral("faults-differ-missing"))),
                                         m_env.secrets())));
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const QString down = QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort());
        server.close();
        messages.insert(QStringLiteral("endpoint down"),
                        failures(probeS3(config(bucket, down), m_env.secrets())));
        messages.insert(QStringLiteral("untrusted TLS"),
                        failures(probeS3(config(bucket, m_env.tlsEndpoint()), m_env.secrets())));
        const QStringList values = messages.values();
        for (qsizetype i = 0; i < values.size(); ++i) {
            QVERIFY2(!values[i].isEmpty(), qPrintable(messages.key(values[i])));
            for (qsizetype j = i + 1; j < values.size(); ++j)
                QVERIFY2(values[i] != values[j], qPrintable(values[i]));
        }
    }

    void burstsOf503AreRetried()
    {
        failOnError([&] {
            S3FaultProxy proxy;
            QVERIFY(proxy.start(m_env.endpoint()));
            const QString bucket = readyBucket(QStringLiteral("faults-503"));
            const BackendConfig backend = config(bucket, proxy.baseUrl());
            QCOMPARE(proxy.command("fail 503 3 PUT"), QByteArray("ok"));
            Backup backup;
            QCOMPARE(tryBackup(backend, m_env.secrets(), &backup), QString());
            QCOMPARE(proxy.counter(QStringLiteral("injected_failures")), 3);
            QCOMPARE(keysIn(bucket).size(), int(backup.objectCount + 2));

            QCOMPARE(proxy.command("fail 503 2 GET"), QByteArray("ok"));
            QString restored;
            QCOMPARE(tryRestore(backend, backup, QStringLiteral("after-503.img"), &restored),
                     QString());
            QCOMPARE(compareFiles(m_volume.path, restored), QString());
            QCOMPARE(proxy.counter(QStringLiteral("injected_failures")), 5);
            removeBackup(backend, backup);
            QCOMPARE(keysIn(bucket), QStringList());
            QFile::remove(restored);
        });
    }

    void slowDownIsRetried()
    {
        failOnError([&] {
            S3FaultProxy proxy;
            QVERIFY(proxy.start(m_env.endpoint()));
            const QString bucket = readyBucket(QStringLiteral("faults-slowdown"));
            const BackendConfig backend = config(bucket, proxy.baseUrl());
            // 503 SlowDown with S3's XML body, on uploads and on reads
            QCOMPARE(proxy.command("slowdown 3 PUT"), QByteArray("ok"));
            Backup backup;
            QCOMPARE(tryBackup(backend, m_env.secrets(), &backup), QString());
            QCOMPARE(proxy.counter(QStringLiteral("injected_failures")), 3);
            QCOMPARE(proxy.command("slowdown 2 GET"), QByteArray("ok"));
            QString restored;
            QCOMPARE(tryRestore(backend, backup, QStringLiteral("after-slowdown.img"), &restored),
                     QString());
            QCOMPARE(compareFiles(m_volume.path, restored), QString());
            QCOMPARE(proxy.counter(QStringLiteral("injected_failures")), 5);
            removeBackup(backend, backup);
            QCOMPARE(keysIn(bucket), QStringList());
            QFile::remove(restored);
        });
    }

    void connectionDroppedMidUploadIsRetried()
    {
        failOnError([&] {
            const QUrl rgw(m_env.endpoint());
            TcpGate gate;
            QVERIFY(gate.start(rgw.host(), rgw.port()));
            const QString bucket = readyBucket(QStringLiteral("faults-drop"));
            const BackendConfig backend = config(bucket, gate.baseUrl());
            // 2.5 MiB into the backup: inside the third 1 MiB upload; the gate stays up
            QCOMPARE(gate.command("drop-after " + QByteArray::number(5 * MiB / 2)),
                     QByteArray("ok"));
            Backup backup;
            QCOMPARE(tryBackup(backend, m_env.secrets(), &backup), QString());
            QCOMPARE(gate.stats().value(QStringLiteral("dropped")).toInt(), 1);
            QCOMPARE(backup.objectCount, qint64(7));
            QCOMPARE(keysIn(bucket).size(), 9);
            QString restored;
            QCOMPARE(tryRestore(backend, backup, QStringLiteral("after-drop.img"), &restored),
                     QString());
            QCOMPARE(compareFiles(m_volume.path, restored), QString());

            // The same through the fault proxy: the upload's connection reset after half its body.
            S3FaultProxy proxy;
            QVERIFY(proxy.start(m_env.endpoint()));
            const BackendConfig proxied = config(bucket, proxy.baseUrl());
            QCOMPARE(proxy.command("drop 1"), QByteArray("ok"));
            Backup second;
            QCOMPARE(tryBackup(proxied, m_env.secrets(), &second), QString());
            QCOMPARE(proxy.counter(QStringLiteral("dropped")), 1);
            QCOMPARE(tryRestore(proxied, second, QStringLiteral("after-drop2.img"), &restored),
                     QString());
            QCOMPARE(compareFiles(m_volume.path, restored), QString());

            removeBackup(backend, backup);
            removeBackup(backend, second);
            QCOMPARE(keysIn(bucket), QStringList());
            QFile::remove(restored);
        });
    }

    void failedBackupLeavesNoObjects()
    {
        failOnError([&] {
            S3FaultProxy proxy;
            QVERIFY(proxy.start(m_env.endpoint()));
            const QString bucket = readyBucket(QStringLiteral("faults-fail"));
            BackendConfig backend = config(bucket, proxy.baseUrl());
            backend.isDefault = true;
            backend.options.insert(QStringLiteral("backup_s3_retry_max_attempts"), 2);

            Catalog catalog(m_dir + QStringLiteral("/catalog.sqlite"));
            catalog.upsertBackend(backend);
            BackupService service(catalog,
                                  [this](const BackendConfig&) { return m_env.secrets(); });
            const QString volumePath = m_dir + QStringLiteral("/failing.img");
            QVERIFY(QFile::copy(m_volume.path, volumePath));
            const Volume volume = service.addVolume(volumePath, QStringLiteral("s3-failing-vol"));
            CreateBackupRequest request;
            request.volume = volume.name;
            request.name = QStringLiteral("fails");
            BackupService::PreparedBackup prepared = service.prepareBackup(request);
            const QString backupId = prepared.backup.id;

            // Three uploads go through, then every upload answers 503 (beyond any retry
            // budget); deletes still pass, so the failed backup can clean up after itself.
            QCOMPARE(proxy.command("fail 503 100000 PUT 3"), QByteArray("ok"));
            OperationControl control;
            QString failure;
            try {
                service.runBackup(prepared, control);
            } catch (const Error& error) {
                failure = error.message();
            }
            QVERIFY2(!failure.isEmpty(),
                     "the backup succeeded through a proxy failing every upload");
            QVERIFY2(failure.contains(words(QStringLiteral("503|ServiceUnavailable|unavailable"))),
                     qPrintable(failure));
            checkNamesS3(failure);
            // retried: more failures than the objects that failed once
            QVERIFY2(
                proxy.counter(QStringLiteral("injected_failures")) >= 2,
                qPrintable(QString::number(proxy.counter(QStringLiteral("injected_failures")))));

            const std::optional<Backup> row = catalog.backup(backupId);
            QVERIFY(row);
            QCOMPARE(row->status, BackupStatus::Error);
            QVERIFY2(!row->failReason.isEmpty(), "no fail reason in the catalog");
            QVERIFY(!row->serviceMetadata.isEmpty());
            // nothing of it in the bucket: no object, no version, no delete marker
            QCOMPARE(keysIn(bucket), QStringList());
            qInfo("failed backup: %s (%d injected failures)", qPrintable(failure),
                  proxy.counter(QStringLiteral("injected_failures")));

            // the proxy heals: the next backup of the volume succeeds
            QCOMPARE(proxy.command("reset"), QByteArray("ok"));
            BackupService::PreparedBackup again = service.prepareBackup(request);
            OperationControl againControl;
            const Backup done = service.runBackup(again, againControl);
            QCOMPARE(done.status, BackupStatus::Available);
            QCOMPARE(done.objectCount, qint64(7));
            OperationControl deleteControl;
            service.deleteBackup(done.id, false, deleteControl);
            QCOMPARE(keysIn(bucket), QStringList());
            QFile::remove(volumePath);
        });
    }
};

QTEST_GUILESS_MAIN(TestS3Faults)
#include "tst_s3faults.moc"
