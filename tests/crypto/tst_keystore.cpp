// KeyStore: key sets in the keyring (here the SecretStore's file fallback) and
// the secret-free keys.json index (drivers/crypto/keystore.h).
#include "keystore.h"
#include "secretstore.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace ember;

namespace {

// A SecretStore on its own fallback file and a KeyStore with its own index, in a fresh directory.
struct Fixture
{
    explicit Fixture(const QString& tag)
        : dir(test::freshDir(tag)), secrets(std::make_unique<SecretStore>())
    {
        secrets->setFallbackFile(dir + QStringLiteral("/secrets/secrets.json"));
        secrets->setAllowFileFallback(true);
        keys = std::make_unique<KeyStore>(*secrets, dir + QStringLiteral("/index/keys.json"));
    }
    QString dir;
    std::unique_ptr<SecretStore> secrets;
    std::unique_ptr<KeyStore> keys;
};

KeySet keyCreatedAt(KeySet::Kind kind, const QString& label, int daysAgo)
{
    KeySet key = generateKeySet(kind, label);
    key.created = QDateTime::currentDateTimeUtc().addDays(-daysAgo);
    return key;
}

QString compact(const QString& fingerprint)
{
    return QString(fingerprint).remove(QLatin1Char('-'));
}

// The first four groups of each material line of a key's text form, as written.
QStringList materialGroups(const KeySet& key)
{
    QStringList groups;
    static const QRegularExpression materialLine(QStringLiteral("^([A-Z2-7]{4} )+"));
    for (const QString& line : exportKeyText(key).split(QLatin1Char('\n'))) {
        if (materialLine.match(line).hasMatch())
            groups << line.left(19);
    }
    return groups;
}

} // namespace

class TestKeyStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addListInfoFindRemove()
    {
        Fixture fixture(QStringLiteral("basics"));
        KeyStore& store = *fixture.keys;
        QVERIFY(store.list().isEmpty());
        const KeySet older = keyCreatedAt(KeySet::Kind::Symmetric, QStringLiteral("older"), 3);
        const KeySet newer = keyCreatedAt(KeySet::Kind::X25519, QStringLiteral("newer"), 1);
        const KeyInfo added = store.add(older);
        QCOMPARE(added.fingerprint, older.fingerprint);
        QCOMPARE(added.kind, QStringLiteral("aes-256"));
        QVERIFY(added.canUnwrap);
        QVERIFY(!added.exported);
        store.add(newer);

        const QList<KeyInfo> listed = store.list();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed[0].fingerprint, newer.fingerprint); // newest first
        QCOMPARE(listed[1].fingerprint, older.fingerprint);
        QCOMPARE(listed[0].kind, QStringLiteral("x25519"));
        QCOMPARE(listed[0].label, QStringLiteral("newer"));
        QCOMPARE(listed[0].created.toSecsSinceEpoch(), newer.created.toSecsSinceEpoch());

        const std::optional<KeyInfo> info = store.info(older.fingerprint);
        QVERIFY(info);
        QCOMPARE(info->label, QStringLiteral("older"));
        QCOMPARE(store.unwrappable(), (QSet<QString>{older.fingerprint, newer.fingerprint}));

        // A second store on the same files sees the same keys.
        KeyStore reopened(*fixture.secrets, store.indexFile());
        const std::optional<KeySet> found = reopened.find(newer.fingerprint);
        QVERIFY(found);
        QCOMPARE(found->secret, newer.secret);
        QCOMPARE(found->publicKey, newer.publicKey);
        QCOMPARE(found->macKey, newer.macKey);
        QCOMPARE(found->kind, KeySet::Kind::X25519);
        // The keyring entry is the key text under "@keys".
        const std::optional<QString> entry =
            fixture.secrets->readBlocking(KeyStore::secretsName(), older.fingerprint);
        QVERIFY(entry);
        QCOMPARE(importKeyText(*entry).secret, older.secret);

        QVERIFY(!store.find(QStringLiteral("0000-0000-0000-0000-0000-0000-0000-0000")));
        store.remove(older.fingerprint);
        QVERIFY(!store.info(older.fingerprint));
        QVERIFY(!store.find(older.fingerprint));
        QVERIFY(!fixture.secrets->readBlocking(KeyStore::secretsName(), older.fingerprint));
        QCOMPARE(store.list().size(), 1);
        QVERIFY(test::errorOf([&] { store.remove(older.fingerprint); })
                    .message()
                    .contains(older.fingerprint));
    }

    void publicHalfThenFullKeyCompletesIt()
    {
        Fixture fixture(QStringLiteral("complete"));
        KeyStore& store = *fixture.keys;
        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("pair"));
        QVERIFY(!store.add(pair.publicOnly()).canUnwrap);
        QVERIFY(!store.info(pair.fingerprint)->canUnwrap);
        QVERIFY(store.unwrappable().isEmpty());
        QVERIFY(store.find(pair.fingerprint)->secret.isEmpty());
        QCOMPARE(store.find(pair.fingerprint)->publicKey, pair.publicKey);

        QVERIFY(store.add(pair, true).canUnwrap);
        QCOMPARE(store.list().size(), 1);
        QVERIFY(store.info(pair.fingerprint)->canUnwrap);
        QCOMPARE(store.find(pair.fingerprint)->secret, pair.secret);
        QCOMPARE(store.unwrappable(), QSet<QString>{pair.fingerprint});
    }

    void publicHalfDoesNotReplaceTheFullKey()
    {
        Fixture fixture(QStringLiteral("keepfull"));
        KeyStore& store = *fixture.keys;
        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("pair"));
        store.add(pair);
        QVERIFY(store.add(pair.publicOnly()).canUnwrap);
        QVERIFY(store.info(pair.fingerprint)->canUnwrap);
        QCOMPARE(store.find(pair.fingerprint)->secret, pair.secret);
        QCOMPARE(store.list().size(), 1);
    }

    void refusesAKeyThatDoesNotMatchItsFingerprint()
    {
        Fixture fixture(QStringLiteral("mismatch"));
        KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("k"));
        key.fingerprint =
            generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("other")).fingerprint;
        QVERIFY(!test::errorOf([&] { fixture.keys->add(key); }).message().isEmpty());
        QVERIFY(fixture.keys->list().isEmpty());
    }

    void resolvesWholeAndPrefixFingerprints()
    {
        Fixture fixture(QStringLiteral("resolve"));
        KeyStore& store = *fixture.keys;
        // Two keys whose fingerprints share their first four digits.
        QHash<QString, KeySet> byPrefix;
        KeySet first;
        KeySet second;
        for (int attempt = 0; attempt < 100000 && first.fingerprint.isEmpty(); ++attempt) {
            KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("k"));
            const QString prefix = key.fingerprint.left(4);
            if (byPrefix.contains(prefix)) {
                first = byPrefix.value(prefix);
                second = key;
            } else {
                byPrefix.insert(prefix, key);
            }
        }
        QVERIFY(!first.fingerprint.isEmpty());
        store.add(first);
        store.add(second);
        const QString shared = first.fingerprint.left(4);

        QCOMPARE(store.resolve(first.fingerprint), first.fingerprint);
        QCOMPARE(store.resolve(QStringLiteral("  ") + second.fingerprint.toUpper()),
                 second.fingerprint);
        // The shortest unique prefix, typed without dashes.
        int unique = 5;
        while (compact(first.fingerprint).left(unique) == compact(second.fingerprint).left(unique))
            ++unique;
        QCOMPARE(store.resolve(compact(first.fingerprint).left(unique)), first.fingerprint);
        QCOMPARE(store.resolve(compact(second.fingerprint).left(unique)), second.fingerprint);

        const QString ambiguous = test::errorOf([&] { store.resolve(shared); }).message();
        QVERIFY2(ambiguous.contains(first.fingerprint) && ambiguous.contains(second.fingerprint),
                 qPrintable(ambiguous));
        QString unused = QStringLiteral("0000");
        for (int value = 0; value < 0x10000; ++value) {
            unused = QStringLiteral("%1").arg(value, 4, 16, QLatin1Char('0'));
            if (unused != shared)
                break;
        }
        QVERIFY(test::errorOf([&] { store.resolve(unused); })
                    .message()
                    .contains(QStringLiteral("no key")));
        QVERIFY(test::errorOf([&] { store.resolve(shared.left(3)); })
                    .message()
                    .contains(QStringLiteral("at least 4")));
        QVERIFY(test::errorOf([&] { store.resolve(QStringLiteral("prod")); })
                    .message()
                    .contains(QStringLiteral("not a key fingerprint")));
    }

    void exportedAndImportedKeysAreMarked()
    {
        Fixture fixture(QStringLiteral("exported"));
        KeyStore& store = *fixture.keys;
        const KeySet made = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("made here"));
        QVERIFY(!store.add(made).exported);
        store.markExported(made.fingerprint);
        QVERIFY(KeyStore(*fixture.secrets, store.indexFile()).info(made.fingerprint)->exported);
        // Adding it again (a label change, a re-import) keeps the mark.
        store.add(made);
        QVERIFY(store.info(made.fingerprint)->exported);

        const KeySet imported = generateKeySet(KeySet::Kind::X25519, QStringLiteral("imported"));
        QVERIFY(store.add(imported, true).exported);
        QVERIFY(store.info(imported.fingerprint)->exported);
        // A public half imported over nothing is marked too; the full key added later keeps it.
        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("pair"));
        QVERIFY(store.add(pair.publicOnly(), true).exported);
        store.add(pair);
        QVERIFY(store.info(pair.fingerprint)->exported);

        QVERIFY(test::errorOf([&] {
                    store.markExported(QStringLiteral("0000-0000-0000-0000-0000-0000-0000-0000"));
                })
                    .message()
                    .contains(QStringLiteral("no key")));
    }

    void indexHoldsNoSecretAndIsPrivate()
    {
        Fixture fixture(QStringLiteral("private"));
        KeyStore& store = *fixture.keys;
        const mode_t previous = ::umask(0022);
        const KeySet symmetric = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("sym"));
        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("pair"));
        store.add(symmetric);
        store.add(pair);
        ::umask(previous);

        const QByteArray index = test::readWholeFile(store.indexFile());
        QVERIFY(index.contains(symmetric.fingerprint.toUtf8()));
        QVERIFY(index.contains(pair.fingerprint.toUtf8()));
        for (const QByteArray& secret :
             {symmetric.secret, symmetric.macKey, pair.secret, pair.macKey}) {
            QVERIFY(!index.contains(secret.toHex()));
            QVERIFY(!index.contains(secret.toBase64()));
            QVERIFY(!index.contains(secret.left(8)));
        }
        const QStringList groups = materialGroups(symmetric) + materialGroups(pair);
        QVERIFY(groups.size() >= 10);
        for (const QString& group : groups) {
            QVERIFY2(!index.toUpper().contains(group.toLatin1()), qPrintable(group));
            QVERIFY2(!index.toUpper().contains(QString(group).remove(QLatin1Char(' ')).toLatin1()),
                     qPrintable(group));
        }
        // Only the documented fields.
        const QJsonArray entries =
            QJsonDocument::fromJson(index).object().value(QStringLiteral("keys")).toArray();
        QCOMPARE(entries.size(), 2);
        for (const QJsonValue& entry : entries) {
            QStringList fields = entry.toObject().keys();
            fields.sort();
            QCOMPARE(fields, (QStringList{QStringLiteral("canUnwrap"), QStringLiteral("created"),
                                          QStringLiteral("exported"), QStringLiteral("fingerprint"),
                                          QStringLiteral("kind"), QStringLiteral("label")}));
        }
        // The material went to the secret store instead.
        const QByteArray secrets = test::readWholeFile(fixture.secrets->fallbackFile());
        QVERIFY(secrets.contains(materialGroups(symmetric).first().toLatin1()));

        struct stat info = {};
        QCOMPARE(::stat(QFile::encodeName(store.indexFile()).constData(), &info), 0);
        QCOMPARE(int(info.st_mode & 0777), 0600);
    }

    void damagedKeyringEntryIsNamed()
    {
        Fixture fixture(QStringLiteral("damaged"));
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("k"));
        fixture.keys->add(key);
        fixture.secrets->writeBlocking(KeyStore::secretsName(), key.fingerprint,
                                       QStringLiteral("not a key"));
        const QString damaged =
            test::errorOf([&] { fixture.keys->find(key.fingerprint); }).message();
        QVERIFY2(damaged.contains(QStringLiteral("damaged")) && damaged.contains(key.fingerprint),
                 qPrintable(damaged));
        fixture.secrets->removeBlocking(KeyStore::secretsName(), key.fingerprint);
        const QString missing =
            test::errorOf([&] { fixture.keys->find(key.fingerprint); }).message();
        QVERIFY2(missing.contains(key.fingerprint), qPrintable(missing));
        // Another key's text under this fingerprint.
        const KeySet other = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("other"));
        fixture.secrets->writeBlocking(KeyStore::secretsName(), key.fingerprint,
                                       exportKeyText(other));
        QVERIFY(test::errorOf([&] { fixture.keys->find(key.fingerprint); })
                    .message()
                    .contains(other.fingerprint));
    }

    void lookupCaches()
    {
        Fixture fixture(QStringLiteral("cache"));
        KeyStore& store = *fixture.keys;
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("k"));
        store.add(key);
        const KeyLookup lookup = store.lookup();
        QCOMPARE(lookup(key.fingerprint)->secret, key.secret);
        QVERIFY(!lookup(QStringLiteral("0000-0000-0000-0000-0000-0000-0000-0000")));
        // The keyring entry goes away behind the store's back: find() notices, the cache still
        // answers.
        fixture.secrets->removeBlocking(KeyStore::secretsName(), key.fingerprint);
        QVERIFY(!test::errorOf([&] { store.find(key.fingerprint); }).message().isEmpty());
        QCOMPARE(lookup(key.fingerprint)->secret, key.secret);

        // Completing a public-only key replaces what the cache holds.
        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("pair"));
        store.add(pair.publicOnly());
        QVERIFY(!lookup(pair.fingerprint)->canUnwrap());
        store.add(pair);
        QCOMPARE(lookup(pair.fingerprint)->secret, pair.secret);
        // A removed key is gone from the cache too.
        store.remove(pair.fingerprint);
        QVERIFY(!lookup(pair.fingerprint));
    }

    void lookupIsSafeFromSeveralThreads()
    {
        Fixture fixture(QStringLiteral("threads"));
        QList<KeySet> keys;
        for (int i = 0; i < 3; ++i) {
            keys << generateKeySet(i % 2 ? KeySet::Kind::X25519 : KeySet::Kind::Symmetric,
                                   QStringLiteral("k%1").arg(i));
            fixture.keys->add(keys.last());
        }
        // A fresh store: the threads race for the first keyring reads.
        KeyStore store(*fixture.secrets, fixture.keys->indexFile());
        const KeyLookup lookup = store.lookup();
        std::atomic<int> wrong{0};
        std::atomic<int> failed{0};
        std::vector<std::thread> workers;
        for (int t = 0; t < 6; ++t) {
            workers.emplace_back([&, t] {
                for (int i = 0; i < 30; ++i) {
                    const KeySet& expected = keys[(i + t) % keys.size()];
                    try {
                        const std::optional<KeySet> found = lookup(expected.fingerprint);
                        if (!found || found->secret != expected.secret ||
                            found->macKey != expected.macKey)
                            ++wrong;
                    } catch (const Error&) {
                        ++failed;
                    }
                }
            });
        }
        for (std::thread& worker : workers)
            worker.join();
        QCOMPARE(failed.load(), 0);
        QCOMPARE(wrong.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestKeyStore)
#include "tst_keystore.moc"
