// SecretStore: the file fallback on a machine without a keyring (the normal
// ctest run removes the D-Bus session), and the real keyring path when run
// by with-keyring.sh inside a private D-Bus session with GNOME Keyring
// (EMBER_EXPECT_KEYRING=1).
#include "secretstore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <sys/stat.h>

using namespace ember;

namespace {

int fileMode(const QString& path)
{
    struct stat status = {};
    if (::stat(QFile::encodeName(path).constData(), &status) != 0)
        return -1;
    return int(status.st_mode & 0777);
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

class TestSecretStore : public QObject
{
    Q_OBJECT

private:
    bool m_expectKeyring = false;
    QString m_dir;

    QString freshFile(const QString& tag)
    {
        const QString dir = m_dir + QLatin1Char('/') + tag;
        QDir(dir).removeRecursively();
        QDir().mkpath(dir);
        return dir + QStringLiteral("/data/secrets.json");
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_expectKeyring = qEnvironmentVariable("EMBER_EXPECT_KEYRING") == QLatin1String("1");
        m_dir = qEnvironmentVariable("EMBER_TEST_TMP",
                                     QDir::tempPath() + QStringLiteral("/ember-secrets-test"));
        QDir().mkpath(m_dir);
        qunsetenv("EMBER_ALLOW_FILE_SECRETS");
    }

    void withoutKeyringFallbackMustBeAllowed()
    {
        if (m_expectKeyring)
            QSKIP("a keyring is running in this run (covered by withKeyring*)");
        SecretStore store;
        store.setFallbackFile(freshFile(QStringLiteral("refused")));
        QVERIFY(!store.fileFallbackAllowed());
        const QString message = errorOf([&] {
            store.writeBlocking(QStringLiteral("swift-a"), QStringLiteral("backup_swift_key"),
                                QStringLiteral("s3cret"));
        });
        QVERIFY2(message.contains(QStringLiteral("no OS keyring is available")) &&
                     message.contains(QStringLiteral("EMBER_ALLOW_FILE_SECRETS=1")) &&
                     message.contains(store.fallbackFile()),
                 qPrintable(message));
        QVERIFY(!message.contains(QStringLiteral("s3cret")));
        QVERIFY(!QFile::exists(store.fallbackFile()));
        QVERIFY(errorOf([&] {
                    store.readBlocking(QStringLiteral("swift-a"),
                                       QStringLiteral("backup_swift_key"));
                }).contains(QStringLiteral("EMBER_ALLOW_FILE_SECRETS=1")));
    }

    void withoutKeyringFileFallbackWorks()
    {
        if (m_expectKeyring)
            QSKIP("a keyring is running in this run");
        SecretStore store;
        const QString path = freshFile(QStringLiteral("fallback"));
        store.setFallbackFile(path);
        store.setAllowFileFallback(true);
        QSignalSpy warnings(&store, &SecretStore::warning);
        store.writeBlocking(QStringLiteral("swift-a"), QStringLiteral("backup_swift_key"),
                            QStringLiteral("s3cret"));
        store.writeBlocking(QStringLiteral("swift-b"), QStringLiteral("backup_swift_key"),
                            QStringLiteral("other"));
        QCOMPARE(warnings.count(), 2);
        const QString warning = warnings.first().first().toString();
        QVERIFY2(
            warning.contains(QStringLiteral("no OS keyring available")) &&
                warning.contains(
                    QStringLiteral("storing the Swift key of backend 'swift-a' in %1 (mode 0600)")
                        .arg(path)),
            qPrintable(warning));
        QVERIFY(!warning.contains(QStringLiteral("s3cret")));
        QCOMPARE(fileMode(path), 0600);

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject backends = QJsonDocument::fromJson(file.readAll())
                                         .object()
                                         .value(QStringLiteral("backends"))
                                         .toObject();
        QCOMPARE(backends.value(QStringLiteral("swift-a"))
                     .toObject()
                     .value(QStringLiteral("backup_swift_key"))
                     .toString(),
                 QStringLiteral("s3cret"));

        QCOMPARE(store.readBlocking(QStringLiteral("swift-a"), QStringLiteral("backup_swift_key")),
                 std::optional<QString>(QStringLiteral("s3cret")));
        QCOMPARE(warnings.count(), 3); // reading from the file warns too
        QCOMPARE(store.readSecretsBlocking(
                     QStringLiteral("swift-b"),
                     {QStringLiteral("backup_swift_key"), QStringLiteral("absent")}),
                 (BackendSecrets{{QStringLiteral("backup_swift_key"), QStringLiteral("other")}}));

        store.removeBlocking(QStringLiteral("swift-a"), QStringLiteral("backup_swift_key"));
        QCOMPARE(store.readBlocking(QStringLiteral("swift-a"), QStringLiteral("backup_swift_key")),
                 std::nullopt);
        QCOMPARE(store.readBlocking(QStringLiteral("swift-b"), QStringLiteral("backup_swift_key")),
                 std::optional<QString>(QStringLiteral("other")));

        // A file someone loosened is tightened again.
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ReadGroup | QFileDevice::ReadOther));
        QCOMPARE(fileMode(path), 0644);
        store.readBlocking(QStringLiteral("swift-b"), QStringLiteral("backup_swift_key"));
        QCOMPARE(fileMode(path), 0600);
    }

    void withoutKeyringAsyncSignals()
    {
        if (m_expectKeyring)
            QSKIP("a keyring is running in this run");
        qputenv("EMBER_ALLOW_FILE_SECRETS", "1"); // the environment switch allows it too
        SecretStore store;
        qunsetenv("EMBER_ALLOW_FILE_SECRETS");
        QVERIFY(store.fileFallbackAllowed());
        store.setFallbackFile(freshFile(QStringLiteral("async")));
        QSignalSpy written(&store, &SecretStore::writeFinished);
        QSignalSpy read(&store, &SecretStore::readFinished);
        store.write(QStringLiteral("swift-c"), QStringLiteral("backup_swift_key"),
                    QStringLiteral("k3y"));
        QVERIFY(written.wait(30000));
        QVERIFY(written.first().first().value<SecretResult>().ok);
        QVERIFY(written.first().first().value<SecretResult>().fromFile);
        store.read(QStringLiteral("swift-c"), QStringLiteral("backup_swift_key"));
        QVERIFY(read.wait(30000));
        const SecretResult result = read.first().first().value<SecretResult>();
        QVERIFY(result.ok && result.found && result.fromFile);
        QCOMPARE(result.value, QStringLiteral("k3y"));
        QCOMPARE(result.backendName, QStringLiteral("swift-c"));
    }

    void withoutKeyringProviderReadsTheTypesSecrets()
    {
        if (m_expectKeyring)
            QSKIP("a keyring is running in this run");
        SecretStore store;
        store.setFallbackFile(freshFile(QStringLiteral("provider")));
        store.setAllowFileFallback(true);
        store.writeBlocking(QStringLiteral("swift-p"), QStringLiteral("backup_swift_key"),
                            QStringLiteral("s3cret"));
        // Not a secret of the Swift type: the provider leaves it out.
        store.writeBlocking(QStringLiteral("swift-p"), QStringLiteral("backup_swift_user"),
                            QStringLiteral("not-asked-for"));
        QSignalSpy warnings(&store, &SecretStore::warning);

        BackendConfig swift;
        swift.name = QStringLiteral("swift-p");
        swift.type = QStringLiteral("swift");
        const SecretProvider provider = store.provider();
        QCOMPARE(provider(swift),
                 (BackendSecrets{{QStringLiteral("backup_swift_key"), QStringLiteral("s3cret")}}));
        // The file fallback still warns, through the store's own signal.
        QVERIFY(warnings.count() >= 1);
        QVERIFY(warnings.first().first().toString().contains(store.fallbackFile()));

        // Same answer from any thread (transfers ask from worker threads).
        BackendSecrets fromWorker;
        QThread* worker = QThread::create([&] { fromWorker = provider(swift); });
        worker->start();
        QVERIFY(worker->wait(60000));
        delete worker;
        QCOMPARE(fromWorker, provider(swift));

        // Nothing stored yet for a backend: no secrets, no error.
        BackendConfig fresh = swift;
        fresh.name = QStringLiteral("swift-new");
        QCOMPARE(provider(fresh), BackendSecrets());
    }

    void providerOpensTheStoreOnlyForTypesWithSecrets()
    {
        // A local-directory backend never touches the keyring (no prompt, no warning).
        int opened = 0;
        SecretStore store;
        store.setFallbackFile(freshFile(QStringLiteral("lazy")));
        store.setAllowFileFallback(true);
        const SecretProvider provider = SecretStore::provider([&]() -> SecretStore& {
            ++opened;
            return store;
        });
        BackendConfig posix;
        posix.name = QStringLiteral("local");
        posix.type = QStringLiteral("posix");
        QCOMPARE(provider(posix), BackendSecrets());
        BackendConfig unknown;
        unknown.name = QStringLiteral("mystery");
        unknown.type = QStringLiteral("no-such-type");
        QCOMPARE(provider(unknown), BackendSecrets());
        QCOMPARE(opened, 0);

        BackendConfig swift;
        swift.name = QStringLiteral("swift-lazy");
        swift.type = QStringLiteral("swift");
        QCOMPARE(provider(swift), BackendSecrets());
        QCOMPARE(opened, 1);
    }

    void withKeyringSecretsStayOutOfFiles()
    {
        if (!m_expectKeyring)
            QSKIP("no keyring in this run (see tst_secretstore_keyring)");
        SecretStore store;
        const QString path = freshFile(QStringLiteral("keyring"));
        store.setFallbackFile(path);
        store.setAllowFileFallback(true); // allowed, yet not needed
        QSignalSpy warnings(&store, &SecretStore::warning);
        store.writeBlocking(QStringLiteral("swift-k"), QStringLiteral("backup_swift_key"),
                            QStringLiteral("in-the-keyring"));
        QCOMPARE(store.readBlocking(QStringLiteral("swift-k"), QStringLiteral("backup_swift_key")),
                 std::optional<QString>(QStringLiteral("in-the-keyring")));
        QCOMPARE(warnings.count(), 0);
        QVERIFY(!QFile::exists(path));

        // Another client of the Secret Service sees it: it really is in the keyring.
        QProcess lookup;
        lookup.start(QStringLiteral("secret-tool"),
                     {QStringLiteral("lookup"), QStringLiteral("server"),
                      SecretStore::keyringService(), QStringLiteral("user"),
                      SecretStore::keyringKey(QStringLiteral("swift-k"),
                                              QStringLiteral("backup_swift_key"))});
        QVERIFY(lookup.waitForFinished(30000));
        QCOMPARE(lookup.readAllStandardOutput().trimmed(), QByteArray("in-the-keyring"));

        QSignalSpy read(&store, &SecretStore::readFinished);
        store.read(QStringLiteral("swift-k"), QStringLiteral("backup_swift_key"));
        QVERIFY(read.wait(30000));
        const SecretResult result = read.first().first().value<SecretResult>();
        QVERIFY(result.ok && result.found && !result.fromFile);
        QCOMPARE(result.value, QStringLiteral("in-the-keyring"));

        store.removeBlocking(QStringLiteral("swift-k"), QStringLiteral("backup_swift_key"));
        QCOMPARE(store.readBlocking(QStringLiteral("swift-k"), QStringLiteral("backup_swift_key")),
                 std::nullopt);
        QVERIFY(!QFile::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
