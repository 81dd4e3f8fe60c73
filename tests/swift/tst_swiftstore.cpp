// SwiftObjectStore against a real Swift (the `swift` CTest fixture), with a
// fault-injecting proxy for ETag corruption, 503 bursts, token expiry and
// stalls.
#include "swiftbackend.h"
#include "swiftobjectstore.h"
#include "swifttestsupport.h"

#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>
#include <atomic>
#include <cstring>
#include <thread>

using namespace ember;

namespace {

QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char(generator.generate() & 0xFF);
    return data;
}

// A producer that hands out `data` in pieces of at most `piece` bytes.
DataProducer producerFor(const QByteArray& data, std::shared_ptr<qint64> position,
                         size_t piece = 100000)
{
    return [data, position, piece](char* buffer, size_t capacity) {
        const size_t count = std::min({capacity, piece, size_t(data.size() - *position)});
        std::memcpy(buffer, data.constData() + *position, count);
        *position += qint64(count);
        return count;
    };
}

QString errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const Error& error) {
        return error.message();
    }
    return QStringLiteral("(no error)");
}

} // namespace

class TestSwiftStore : public QObject
{
    Q_OBJECT

private:
    QMap<QString, QString> m_facts;
    QString m_container;
    test::FaultProxy m_proxy;

    BackendConfig config(const QString& authUrl, const QString& user) const
    {
        BackendConfig backend;
        backend.name = QStringLiteral("swift-test");
        backend.type = QStringLiteral("swift");
        backend.options = QJsonObject{{QStringLiteral("backup_swift_auth_url"), authUrl},
                                      {QStringLiteral("backup_swift_user"), user},
                                      {QStringLiteral("backup_swift_container"), m_container},
                                      {QStringLiteral("backup_swift_retry_attempts"), 3},
                                      {QStringLiteral("backup_swift_retry_backoff"), 0.05},
                                      {QStringLiteral("ember_swift_connect_timeout"), 3},
                                      {QStringLiteral("ember_swift_timeout"), 20}};
        return backend;
    }
    BackendSecrets key(const QString& value) const
    {
        return {{QStringLiteral("backup_swift_key"), value}};
    }
    SwiftSettings directSettings() const
    {
        return SwiftSettings::fromConfig(config(m_facts.value(QStringLiteral("SWIFT_AUTH_URL")),
                                                m_facts.value(QStringLiteral("SWIFT_USER"))),
                                         key(m_facts.value(QStringLiteral("SWIFT_KEY"))));
    }
    SwiftSettings proxiedSettings() const
    {
        const QString authPath = QUrl(m_facts.value(QStringLiteral("SWIFT_AUTH_URL"))).path();
        return SwiftSettings::fromConfig(
            config(m_proxy.baseUrl() + authPath, m_facts.value(QStringLiteral("SWIFT_USER"))),
            key(m_facts.value(QStringLiteral("SWIFT_KEY"))));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_facts = test::swiftFacts();
        QVERIFY2(!m_facts.value(QStringLiteral("SWIFT_AUTH_URL")).isEmpty(),
                 "no Swift facts: run through ctest (fixture `swift`) or export the output of "
                 "tests/services/swift.sh start DIR");
        m_container = QStringLiteral("ember-test-%1").arg(newUuid().left(8));
        const QUrl auth(m_facts.value(QStringLiteral("SWIFT_AUTH_URL")));
        QVERIFY(m_proxy.start(QStringLiteral("http://%1:%2").arg(auth.host()).arg(auth.port())));
    }

    void cleanupTestCase()
    {
        if (m_container.isEmpty() || m_facts.isEmpty())
            return;
        SwiftObjectStore store(directSettings());
        for (const QString& name : store.list(m_container, {}))
            store.remove(m_container, name);
    }

    void init() { QCOMPARE(m_proxy.command("reset"), QByteArray("ok")); }

    void namesFollowCinder()
    {
        SwiftObjectStore store(directSettings());
        Backup backup;
        backup.id = QStringLiteral("5e1f6b6c-0000-4000-8000-000000000001");
        backup.volumeId = QStringLiteral("0a7d1c9e-0000-4000-8000-000000000002");
        const QDateTime start(QDate(2024, 1, 2), QTime(3, 4, 5), Qt::UTC);
        QCOMPARE(store.objectPrefix(backup, start),
                 QStringLiteral("volume_0a7d1c9e-0000-4000-8000-000000000002/20240102030405/"
                                "az_nova_backup_5e1f6b6c-0000-4000-8000-000000000001"));
        backup.availabilityZone = QStringLiteral("zone2");
        QVERIFY(store.objectPrefix(backup, start).contains(QStringLiteral("/az_zone2_backup_")));
        QCOMPARE(store.serviceName(),
                 QStringLiteral("cinder.backup.drivers.swift.SwiftBackupDriver"));
        QCOMPARE(store.defaultContainer(backup), m_container);
        BackendConfig defaults =
            config(QStringLiteral("http://127.0.0.1:1/auth/v1.0"), QStringLiteral("a:b"));
        defaults.options.remove(QStringLiteral("backup_swift_container"));
        defaults.options.remove(QStringLiteral("backup_swift_retry_attempts"));
        defaults.options.remove(QStringLiteral("backup_swift_retry_backoff"));
        const SwiftSettings cinderDefaults =
            SwiftSettings::fromConfig(defaults, key(QStringLiteral("k")));
        QCOMPARE(cinderDefaults.container, QStringLiteral("volumebackups"));
        QCOMPARE(cinderDefaults.retryAttempts, 3);
        QCOMPARE(cinderDefaults.retryBackoffSeconds, 2.0);
        QCOMPARE(cinderDefaults.authVersion, 1);
    }

    void badOptionsAreExplained()
    {
        BackendConfig backend =
            config(QStringLiteral("http://127.0.0.1:1/auth/v1.0"), QStringLiteral("a:b"));
        QVERIFY(errorOf([&] {
                    SwiftSettings::fromConfig(backend, {});
                }).contains(QStringLiteral("no Swift key (backup_swift_key)")));
        backend.options.insert(QStringLiteral("backup_swift_auth_version"), QStringLiteral("4"));
        QVERIFY(errorOf([&] {
                    SwiftSettings::fromConfig(backend, key(QStringLiteral("k")));
                }).contains(QStringLiteral("must be 1, 2 or 3, not '4'")));
        backend.options.insert(QStringLiteral("backup_swift_auth_version"), QStringLiteral("3"));
        QVERIFY(errorOf([&] {
                    SwiftSettings::fromConfig(backend, key(QStringLiteral("k")));
                }).contains(QStringLiteral("needs backup_swift_project")));
        backend.options.remove(QStringLiteral("backup_swift_auth_url"));
        QVERIFY(errorOf([&] {
                    SwiftSettings::fromConfig(backend, key(QStringLiteral("k")));
                }).contains(QStringLiteral("has no backup_swift_auth_url")));
        backend = config(QStringLiteral("http://x/auth/v1.0"), QStringLiteral("a:b"));
        backend.options.insert(QStringLiteral("backup_swift_retry_attempts"),
                               QStringLiteral("many"));
        QVERIFY(errorOf([&] {
                    SwiftSettings::fromConfig(backend, key(QStringLiteral("k")));
                }).contains(QStringLiteral("backup_swift_retry_attempts")));
    }

    void putGetRoundTrip_data()
    {
        QTest::addColumn<qsizetype>("size");
        QTest::addColumn<bool>("lengthKnown");
        QTest::addColumn<QString>("name");
        QTest::newRow("empty") << qsizetype(0) << true << QStringLiteral("empty");
        QTest::newRow("3 MiB + 1, Content-Length")
            << qsizetype(3 * 1048576 + 1) << true << QStringLiteral("dir/sub/object-00001");
        QTest::newRow("1 MiB + 7, chunked")
            << qsizetype(1048576 + 7) << false << QStringLiteral("chunked object é+%?#");
    }
    void putGetRoundTrip()
    {
        QFETCH(qsizetype, size);
        QFETCH(bool, lengthKnown);
        QFETCH(QString, name);
        SwiftObjectStore store(directSettings());
        store.ensureContainer(m_container);
        const QByteArray data = randomBytes(size, quint32(size));
        store.put(m_container, name, producerFor(data, std::make_shared<qint64>(0)),
                  lengthKnown ? std::optional<qint64>(size) : std::nullopt);
        QByteArray back;
        qint64 calls = 0;
        store.get(m_container, name, [&](const char* bytes, size_t length) {
            back.append(bytes, qsizetype(length));
            ++calls;
        });
        QCOMPARE(back.size(), data.size());
        QVERIFY(back == data);
        QVERIFY(store.list(m_container, name).contains(name));
        store.remove(m_container, name);
        QVERIFY(!store.list(m_container, name).contains(name));
    }

    void missingObjects()
    {
        SwiftObjectStore store(directSettings());
        store.ensureContainer(m_container);
        bool missing = false;
        try {
            store.getAll(m_container, QStringLiteral("never-written"));
        } catch (const ObjectMissing& error) {
            missing = error.message().contains(QStringLiteral("never-written"));
        }
        QVERIFY(missing);
        store.remove(m_container, QStringLiteral("never-written")); // no error
        QVERIFY(store.list(QStringLiteral("no-such-container-%1").arg(newUuid().left(8)), {})
                    .isEmpty());
    }

    void listingPagesWithMarker()
    {
        SwiftSettings settings = proxiedSettings();
        settings.listingLimit = 3;
        SwiftObjectStore store(settings);
        store.ensureContainer(m_container);
        const QString prefix = QStringLiteral("paged/volume_x/backup_y");
        QStringList expected;
        for (int i = 1; i <= 10; ++i) {
            const QString name =
                QStringLiteral("%1-%2").arg(prefix).arg(i, 5, 10, QLatin1Char('0'));
            store.putAll(m_container, name, QByteArray::number(i));
            expected << name;
        }
        store.putAll(m_container, QStringLiteral("paged/other"), "x");
        store.putAll(m_container, prefix + QStringLiteral("_metadata"), "{}");
        expected << prefix + QStringLiteral("_metadata");
        const int listingsBefore = m_proxy.counter(QStringLiteral("listings"));
        const QStringList names = store.list(m_container, prefix);
        QCOMPARE(names, expected);
        // 11 names, 3 per page: 4 pages with names and the empty one that ends it.
        QCOMPARE(m_proxy.counter(QStringLiteral("listings")) - listingsBefore, 5);
        for (const QString& name : names)
            store.remove(m_container, name);
        store.remove(m_container, QStringLiteral("paged/other"));
        QVERIFY(store.list(m_container, QStringLiteral("paged/")).isEmpty());
    }

    void etagMismatchNamesTheObject()
    {
        SwiftObjectStore store(proxiedSettings());
        store.ensureContainer(m_container);
        QCOMPARE(m_proxy.command("corrupt 1"), QByteArray("ok"));
        const QString message = errorOf([&] {
            store.putAll(m_container, QStringLiteral("bent-object"), randomBytes(5000, 9));
        });
        QVERIFY2(message.contains(QStringLiteral("'bent-object'")) &&
                     message.contains(QStringLiteral("MD5")),
                 qPrintable(message));
        QCOMPARE(m_proxy.counter(QStringLiteral("corrupted")), 1);
        store.remove(m_container, QStringLiteral("bent-object"));
    }

    void wrongKeyIsRejectedClearly()
    {
        SwiftSettings settings = directSettings();
        settings.key = QStringLiteral("not-the-key");
        SwiftObjectStore store(settings);
        const QString message = errorOf([&] { store.ensureContainer(m_container); });
        QVERIFY2(
            message.contains(QStringLiteral("Swift rejected the credentials for user %1 (HTTP 401)")
                                 .arg(m_facts.value(QStringLiteral("SWIFT_USER")))),
            qPrintable(message));
        QVERIFY(!message.contains(QStringLiteral("not-the-key")));
        QCOMPARE(store.authenticationCount(), 0);
    }

    void unreachablePortIsExplained()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        SwiftSettings settings = directSettings();
        settings.authUrl = QStringLiteral("http://127.0.0.1:%1/auth/v1.0").arg(port);
        settings.retryAttempts = 1;
        SwiftObjectStore store(settings);
        bool transient = false;
        QString message;
        try {
            store.list(m_container, {});
        } catch (const TransientError& error) {
            transient = true;
            message = error.message();
        }
        QVERIFY(transient);
        QVERIFY2(
            message.contains(QStringLiteral("cannot connect to Swift at 127.0.0.1:%1").arg(port)),
            qPrintable(message));
    }

    void stalledServerTimesOut()
    {
        SwiftSettings settings = proxiedSettings();
        settings.retryAttempts = 0;
        settings.timeouts.stallSeconds = 1;
        SwiftObjectStore store(settings);
        store.ensureContainer(m_container);
        QCOMPARE(m_proxy.command("stall 3 1"), QByteArray("ok"));
        const QString message = errorOf([&] { store.list(m_container, {}); });
        QVERIFY2(message.contains(QStringLiteral("timed out")), qPrintable(message));
    }

    void burstOf503IsRetried()
    {
        SwiftObjectStore store(proxiedSettings());
        store.ensureContainer(m_container);
        const QByteArray data = randomBytes(200000, 5);
        store.putAll(m_container, QStringLiteral("burst"), data);

        QCOMPARE(m_proxy.command("fail 503 2"), QByteArray("ok"));
        QVERIFY(store.getAll(m_container, QStringLiteral("burst")) == data);
        QCOMPARE(m_proxy.command("fail 503 2"), QByteArray("ok"));
        QVERIFY(store.list(m_container, QStringLiteral("burst")).contains(QStringLiteral("burst")));
        QCOMPARE(m_proxy.command("fail 500 1 HEAD"), QByteArray("ok"));
        store.ensureContainer(m_container);
        QCOMPARE(m_proxy.counter(QStringLiteral("injected_failures")), 5);

        // An upload consumed its producer: the engine repeats it, so the store
        // reports a TransientError instead of retrying.
        QCOMPARE(m_proxy.command("fail 503 1 PUT"), QByteArray("ok"));
        bool transient = false;
        try {
            store.putAll(m_container, QStringLiteral("burst"), data);
        } catch (const TransientError& error) {
            transient = error.message().contains(QStringLiteral("HTTP 503"));
        }
        QVERIFY(transient);

        // More failures than attempts: the last error comes through.
        QCOMPARE(m_proxy.command("fail 503 10 DELETE"), QByteArray("ok"));
        QVERIFY(errorOf([&] {
                    store.remove(m_container, QStringLiteral("burst"));
                }).contains(QStringLiteral("HTTP 503")));
        QCOMPARE(m_proxy.command("reset"), QByteArray("ok"));
        store.remove(m_container, QStringLiteral("burst"));
    }

    void expiredTokenLogsInAgain()
    {
        SwiftObjectStore store(proxiedSettings());
        store.ensureContainer(m_container);
        QCOMPARE(store.authenticationCount(), 1);
        QCOMPARE(m_proxy.command("unauth 1"), QByteArray("ok"));
        store.list(m_container, {});
        QCOMPARE(store.authenticationCount(), 2);

        // Refused before the body was sent: repeated with the same producer.
        const QByteArray data = randomBytes(300000, 6);
        QCOMPARE(m_proxy.command("unauth 1"), QByteArray("ok"));
        store.putAll(m_container, QStringLiteral("after-expiry"), data);
        QCOMPARE(store.authenticationCount(), 3);
        QCOMPARE(m_proxy.counter(QStringLiteral("injected_401")), 2);
        QVERIFY(store.getAll(m_container, QStringLiteral("after-expiry")) == data);

        // Refused twice in a row: the credentials no longer work.
        QCOMPARE(m_proxy.command("unauth 2"), QByteArray("ok"));
        const QString message = errorOf([&] { store.list(m_container, {}); });
        QVERIFY2(message.contains(QStringLiteral("HTTP 401")), qPrintable(message));
        store.remove(m_container, QStringLiteral("after-expiry"));
    }

    void parallelTransfers()
    {
        SwiftObjectStore store(directSettings());
        store.ensureContainer(m_container);
        QCOMPARE(store.parallelTransfers(), 4);
        std::atomic<int> good{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 6; ++t) {
            threads.emplace_back([&, t] {
                try {
                    for (int i = 0; i < 4; ++i) {
                        const QString name = QStringLiteral("parallel/%1-%2").arg(t).arg(i);
                        const QByteArray data =
                            randomBytes(150000 + t * 1000 + i, quint32(t * 10 + i));
                        store.putAll(m_container, name, data);
                        if (store.getAll(m_container, name) == data)
                            ++good;
                        store.remove(m_container, name);
                    }
                } catch (const std::exception& error) {
                    qWarning("thread %d: %s", t, error.what());
                }
            });
        }
        for (std::thread& thread : threads)
            thread.join();
        QCOMPARE(good.load(), 24);
    }

    void keystoneLogins_data()
    {
        QTest::addColumn<int>("version");
        QTest::newRow("v3") << 3;
        QTest::newRow("v2") << 2;
    }
    void keystoneLogins()
    {
        QFETCH(int, version);
        const QString authUrl =
            m_facts.value(version == 3 ? QStringLiteral("SWIFT_KS_AUTH_URL_V3")
                                       : QStringLiteral("SWIFT_KS_AUTH_URL_V2"));
        QVERIFY2(!authUrl.isEmpty(), "the Swift fixture runs no fake Keystone");
        BackendConfig backend = config(authUrl, m_facts.value(QStringLiteral("SWIFT_KS_USER")));
        backend.options.insert(QStringLiteral("backup_swift_auth_version"),
                               QString::number(version));
        backend.options.insert(QStringLiteral("backup_swift_project"),
                               m_facts.value(QStringLiteral("SWIFT_KS_PROJECT")));
        backend.options.insert(QStringLiteral("backup_swift_user_domain"),
                               m_facts.value(QStringLiteral("SWIFT_KS_DOMAIN")));
        backend.options.insert(QStringLiteral("backup_swift_project_domain"),
                               m_facts.value(QStringLiteral("SWIFT_KS_DOMAIN")));
        const BackendSecrets secrets = key(m_facts.value(QStringLiteral("SWIFT_KS_PASSWORD")));
        SwiftObjectStore store(SwiftSettings::fromConfig(backend, secrets));
        QCOMPARE(store.authenticate(), m_facts.value(QStringLiteral("SWIFT_STORAGE_URL")));
        store.ensureContainer(m_container);
        const QString name = QStringLiteral("keystone-v%1").arg(version);
        store.putAll(m_container, name, "via keystone");
        QCOMPARE(store.getAll(m_container, name), QByteArray("via keystone"));
        store.remove(m_container, name);

        backend.options.insert(QStringLiteral("backup_swift_region_name"),
                               QStringLiteral("Nowhere"));
        SwiftObjectStore wrongRegion(SwiftSettings::fromConfig(backend, secrets));
        const QString regionMessage = errorOf([&] { wrongRegion.authenticate(); });
        QVERIFY2(regionMessage.contains(QStringLiteral("no public object-store endpoint in region "
                                                       "Nowhere")) &&
                     regionMessage.contains(QStringLiteral("RegionOne")),
                 qPrintable(regionMessage));

        backend.options.remove(QStringLiteral("backup_swift_region_name"));
        SwiftObjectStore wrongKey(SwiftSettings::fromConfig(backend, key(QStringLiteral("wrong"))));
        const QString keyMessage = errorOf([&] { wrongKey.authenticate(); });
        QVERIFY2(keyMessage.contains(QStringLiteral("Keystone rejected the credentials for user %1")
                                         .arg(m_facts.value(QStringLiteral("SWIFT_KS_USER")))) &&
                     keyMessage.contains(QStringLiteral("HTTP 401")),
                 qPrintable(keyMessage));
    }

    void storagePolicyOnCreation()
    {
        SwiftSettings settings = directSettings();
        settings.storagePolicy = QStringLiteral("no-such-policy");
        SwiftObjectStore store(settings);
        const QString container = QStringLiteral("ember-policy-%1").arg(newUuid().left(8));
        const QString message = errorOf([&] { store.ensureContainer(container); });
        QVERIFY2(message.contains(QStringLiteral("storage policy 'no-such-policy'")),
                 qPrintable(message));
        settings.storagePolicy = QStringLiteral("gold"); // the SAIO's only policy
        SwiftObjectStore gold(settings);
        gold.ensureContainer(container);
        gold.putAll(container, QStringLiteral("x"), "y");
        QCOMPARE(gold.list(container, {}), QStringList{QStringLiteral("x")});
        gold.remove(container, QStringLiteral("x"));
    }

    void tlsTrustIsChecked()
    {
        // A TLS proxy with a fresh self-signed certificate in front of Swift.
        const QString dir = qEnvironmentVariable("EMBER_TEST_TMP", QDir::tempPath()) +
                            QStringLiteral("/tls-%1").arg(newUuid().left(8));
        QVERIFY(QDir().mkpath(dir));
        const QString certificate = dir + QStringLiteral("/cert.pem");
        const QString privateKey = dir + QStringLiteral("/key.pem");
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), privateKey, QStringLiteral("-out"), certificate,
                       QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                       QStringLiteral("subjectAltName=IP:127.0.0.1")});
        QVERIFY2(openssl.waitForFinished(60000) && openssl.exitCode() == 0,
                 "openssl (Debian package openssl) could not make a test certificate");
        const QUrl auth(m_facts.value(QStringLiteral("SWIFT_AUTH_URL")));
        test::FaultProxy tlsProxy;
        QVERIFY(tlsProxy.start(QStringLiteral("http://%1:%2").arg(auth.host()).arg(auth.port()),
                               certificate, privateKey));
        BackendConfig backend =
            config(tlsProxy.baseUrl() + auth.path(), m_facts.value(QStringLiteral("SWIFT_USER")));
        backend.options.insert(QStringLiteral("backup_swift_retry_attempts"), 0);
        const BackendSecrets secrets = key(m_facts.value(QStringLiteral("SWIFT_KEY")));

        SwiftObjectStore untrusted(SwiftSettings::fromConfig(backend, secrets));
        const QString message = errorOf([&] { untrusted.ensureContainer(m_container); });
        QVERIFY2(message.contains(
                     QStringLiteral("TLS certificate of Swift at 127.0.0.1:%1 is not trusted")
                         .arg(tlsProxy.port())) &&
                     message.contains(QStringLiteral("backup_swift_ca_cert_file")),
                 qPrintable(message));

        backend.options.insert(QStringLiteral("backup_swift_ca_cert_file"), certificate);
        SwiftObjectStore trusted(SwiftSettings::fromConfig(backend, secrets));
        QVERIFY(trusted.authenticate().startsWith(QStringLiteral("https://127.0.0.1:")));
        trusted.ensureContainer(m_container);
        const QByteArray data = randomBytes(400000, 11);
        trusted.putAll(m_container, QStringLiteral("over-tls"), data);
        QVERIFY(trusted.getAll(m_container, QStringLiteral("over-tls")) == data);

        backend.options.remove(QStringLiteral("backup_swift_ca_cert_file"));
        backend.options.insert(QStringLiteral("backup_swift_auth_insecure"), true);
        QTest::ignoreMessage(
            QtWarningMsg,
            QRegularExpression(QStringLiteral(
                "backup_swift_auth_insecure is set, TLS certificates .* NOT checked")));
        SwiftObjectStore insecure(SwiftSettings::fromConfig(backend, secrets));
        QCOMPARE(insecure.list(m_container, QStringLiteral("over-tls")),
                 QStringList{QStringLiteral("over-tls")});
        insecure.remove(m_container, QStringLiteral("over-tls"));

        // https to a server that speaks plain HTTP.
        backend =
            config(QStringLiteral("https://127.0.0.1:%1%2").arg(m_proxy.port()).arg(auth.path()),
                   m_facts.value(QStringLiteral("SWIFT_USER")));
        backend.options.insert(QStringLiteral("backup_swift_retry_attempts"), 0);
        SwiftObjectStore plain(SwiftSettings::fromConfig(backend, secrets));
        const QString handshake = errorOf([&] { plain.authenticate(); });
        QVERIFY2(
            handshake.contains(QStringLiteral("TLS handshake with Swift at 127.0.0.1:%1 failed")
                                   .arg(m_proxy.port())),
            qPrintable(handshake));
    }

    void probeReportsEverySteps()
    {
        BackendConfig backend = config(m_facts.value(QStringLiteral("SWIFT_AUTH_URL")),
                                       m_facts.value(QStringLiteral("SWIFT_USER")));
        const SwiftProbeResult good =
            probeSwift(backend, key(m_facts.value(QStringLiteral("SWIFT_KEY"))));
        QStringList names;
        for (const SwiftProbeResult::Step& step : good.steps) {
            names << step.name;
            QVERIFY2(step.ok, qPrintable(step.name + QStringLiteral(": ") + step.detail));
        }
        QCOMPARE(names, (QStringList{QStringLiteral("authenticate"), QStringLiteral("account"),
                                     QStringLiteral("container"), QStringLiteral("write"),
                                     QStringLiteral("read"), QStringLiteral("delete")}));
        QVERIFY(good.ok());
        QCOMPARE(good.storageUrl, m_facts.value(QStringLiteral("SWIFT_STORAGE_URL")));
        QVERIFY(good.accountBytesUsed >= 0);
        SwiftObjectStore store(directSettings());
        for (const QString& name : store.list(m_container, QStringLiteral("ember-probe-")))
            QFAIL(qPrintable(QStringLiteral("probe object left behind: ") + name));

        const SwiftProbeResult bad = probeSwift(backend, key(QStringLiteral("wrong")));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.steps.size(), 1);
        QVERIFY(bad.steps.first().detail.contains(QStringLiteral("rejected the credentials")));
    }
};

QTEST_GUILESS_MAIN(TestSwiftStore)
#include "tst_swiftstore.moc"
