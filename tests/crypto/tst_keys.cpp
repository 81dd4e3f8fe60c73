// Key sets, fingerprints and the key text form (drivers/crypto/keys.h).
#include "keys.h"
#include "testsupport.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

#include <openssl/evp.h>

using namespace ember;

namespace {

const QRegularExpression kFingerprintPattern(QStringLiteral("^[0-9a-f]{4}(-[0-9a-f]{4}){7}$"));

QByteArray counting(int size, int start = 0)
{
    QByteArray bytes(size, '\0');
    for (int i = 0; i < size; ++i)
        bytes[i] = char(start + i);
    return bytes;
}

// The public half of an X25519 private key, computed by OpenSSL directly.
QByteArray x25519PublicOf(const QByteArray& secret)
{
    EVP_PKEY* key = EVP_PKEY_new_raw_private_key(
        EVP_PKEY_X25519, nullptr, reinterpret_cast<const unsigned char*>(secret.constData()),
        size_t(secret.size()));
    QByteArray raw(32, '\0');
    size_t size = 32;
    if (!key ||
        EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &size) != 1)
        raw.clear();
    EVP_PKEY_free(key);
    return raw;
}

// The lines of the material block (between the blank line and the END line).
QStringList materialLines(const QString& text)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    QStringList material;
    bool inMaterial = false;
    for (const QString& line : lines) {
        if (line.startsWith(QStringLiteral("-----END")))
            break;
        if (inMaterial)
            material << line;
        if (line.isEmpty())
            inMaterial = true;
    }
    return material;
}

QString replaceLine(const QString& text, const QString& oldLine, const QString& newLine)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    const qsizetype index = lines.indexOf(oldLine);
    if (index < 0)
        qFatal("line not found: %s", qPrintable(oldLine));
    lines[index] = newLine;
    return lines.join(QLatin1Char('\n'));
}

// Another base32 character than `c`.
QChar otherBase32(QChar c)
{
    return c == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
}

// A key set with fixed material: the same text every run.
KeySet fixedKey(KeySet::Kind kind)
{
    KeySet key;
    key.kind = kind;
    key.label = QStringLiteral("fixed");
    key.created = QDateTime(QDate(2026, 12, 7), QTime(12, 0), Qt::UTC);
    key.secret = counting(32, 7);
    key.macKey = counting(32, 100);
    if (kind == KeySet::Kind::X25519)
        key.publicKey = x25519PublicOf(key.secret);
    key.fingerprint =
        keyFingerprint(kind, kind == KeySet::Kind::X25519 ? key.publicKey : key.secret);
    return key;
}

void compareKeys(const KeySet& actual, const KeySet& expected)
{
    QCOMPARE(actual.kind, expected.kind);
    QCOMPARE(actual.fingerprint, expected.fingerprint);
    QCOMPARE(actual.label, expected.label);
    QCOMPARE(actual.created.toSecsSinceEpoch(), expected.created.toSecsSinceEpoch());
    QCOMPARE(actual.secret, expected.secret);
    QCOMPARE(actual.publicKey, expected.publicKey);
    QCOMPARE(actual.macKey, expected.macKey);
}

} // namespace

class TestKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generatesSymmetricKeys()
    {
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("prod backups"));
        QCOMPARE(key.kind, KeySet::Kind::Symmetric);
        QCOMPARE(key.kindName(), QStringLiteral("aes-256"));
        QCOMPARE(key.secret.size(), 32);
        QVERIFY(key.publicKey.isEmpty());
        QCOMPARE(key.macKey.size(), 32);
        QVERIFY(key.secret != key.macKey);
        QVERIFY(key.canUnwrap());
        QCOMPARE(key.label, QStringLiteral("prod backups"));
        QVERIFY(key.created >= before && key.created <= QDateTime::currentDateTimeUtc());
        QCOMPARE(key.created.timeSpec(), Qt::UTC);
        QVERIFY2(kFingerprintPattern.match(key.fingerprint).hasMatch(),
                 qPrintable(key.fingerprint));
        QCOMPARE(key.fingerprint, keyFingerprint(KeySet::Kind::Symmetric, key.secret));
        // A symmetric key has no public half to split off.
        QCOMPARE(key.publicOnly().secret, key.secret);

        const KeySet other =
            generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("prod backups"));
        QVERIFY(other.secret != key.secret);
        QVERIFY(other.macKey != key.macKey);
        QVERIFY(other.fingerprint != key.fingerprint);
    }

    void generatesX25519Pairs()
    {
        const KeySet key = generateKeySet(KeySet::Kind::X25519, QStringLiteral("offsite"));
        QCOMPARE(key.kindName(), QStringLiteral("x25519"));
        QCOMPARE(key.secret.size(), 32);
        QCOMPARE(key.publicKey.size(), 32);
        QCOMPARE(key.macKey.size(), 32);
        QCOMPARE(x25519PublicOf(key.secret), key.publicKey);
        QCOMPARE(key.fingerprint, keyFingerprint(KeySet::Kind::X25519, key.publicKey));

        const KeySet publicHalf = key.publicOnly();
        QVERIFY(!publicHalf.canUnwrap());
        QVERIFY(publicHalf.secret.isEmpty());
        QCOMPARE(publicHalf.publicKey, key.publicKey);
        QCOMPARE(publicHalf.macKey, key.macKey);
        QCOMPARE(publicHalf.fingerprint, key.fingerprint);

        const KeySet other = generateKeySet(KeySet::Kind::X25519, QStringLiteral("offsite"));
        QVERIFY(other.secret != key.secret);
        QVERIFY(other.publicKey != key.publicKey);
        QVERIFY(other.fingerprint != key.fingerprint);
    }

    void fingerprintsAreStableAndDistinctPerKind()
    {
        const QByteArray material = counting(32);
        // Known answers: SHA-256("ember key fingerprint v1\0" kind "\0" material), first 16 bytes.
        QCOMPARE(keyFingerprint(KeySet::Kind::Symmetric, material),
                 QStringLiteral("1331-e469-1b63-9647-e5bb-92e6-d901-b0e8"));
        QCOMPARE(keyFingerprint(KeySet::Kind::X25519, material),
                 QStringLiteral("5001-21b9-a0cc-343c-079f-8e8a-621b-2e25"));
        QCOMPARE(keyFingerprint(KeySet::Kind::Symmetric, material),
                 keyFingerprint(KeySet::Kind::Symmetric, counting(32)));
        QVERIFY(keyFingerprint(KeySet::Kind::Symmetric, material) !=
                keyFingerprint(KeySet::Kind::Symmetric, counting(32, 1)));
    }

    void textMatchesTheDocumentedExample()
    {
        // docs/encryption.md shows this key: master key 0x00..0x1f, block-MAC key 0x40..0x5f.
        const QString documented =
            QStringLiteral("-----BEGIN EMBER KEY-----\n"
                           "Fingerprint: 1331-e469-1b63-9647-e5bb-92e6-d901-b0e8\n"
                           "Kind: aes-256\n"
                           "Label: prod backups 2026\n"
                           "Created: 2026-12-07T12:00:00Z\n"
                           "\n"
                           "AEAQ AAIC AMCA KBQH BAEQ UCYM BUHA 6EAR  6Z\n"
                           "CIJR IFIW C4MB SGQ3 DQOR 4H2A IFBE GRCF  NH\n"
                           "IZDU QSKK JNGE 2TSP KBIV EU2U KVLF OWCZ  NL\n"
                           "LJNV YXK6 L4WM O465  43\n"
                           "-----END EMBER KEY-----\n");
        KeySet key;
        key.kind = KeySet::Kind::Symmetric;
        key.label = QStringLiteral("prod backups 2026");
        key.created = QDateTime(QDate(2026, 12, 7), QTime(12, 0), Qt::UTC);
        key.secret = counting(32);
        key.macKey = counting(32, 0x40);
        key.fingerprint = keyFingerprint(key.kind, key.secret);
        QCOMPARE(exportKeyText(key), documented);
        compareKeys(importKeyText(documented), key);
    }

    void symmetricTextRoundTrip()
    {
        const KeySet key =
            generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("prod: backups 2026"));
        const QString text = exportKeyText(key);
        QVERIFY(text.startsWith(QStringLiteral("-----BEGIN EMBER KEY-----\n")));
        QVERIFY(
            text.contains(QStringLiteral("\nFingerprint: ") + key.fingerprint + QLatin1Char('\n')));
        QVERIFY(text.contains(QStringLiteral("\nKind: aes-256\n")));
        QVERIFY(text.contains(QStringLiteral("\nLabel: prod: backups 2026\n")));
        QVERIFY(text.contains(QStringLiteral("\nCreated: ")));
        QVERIFY(text.trimmed().endsWith(QStringLiteral("-----END EMBER KEY-----")));
        // Every material line: up to 8 groups of up to 4 base32 characters, then a 2-character
        // checksum.
        const QRegularExpression linePattern(
            QStringLiteral("^([A-Z2-7]{1,4} ){0,7}[A-Z2-7]{1,4}  [A-Z2-7]{2}$"));
        const QStringList lines = materialLines(text);
        QVERIFY(lines.size() >= 4);
        for (const QString& line : lines)
            QVERIFY2(linePattern.match(line).hasMatch(), qPrintable(line));
        QVERIFY(!text.contains(QString::fromLatin1(key.secret.toHex())));
        compareKeys(importKeyText(text), key);
    }

    void x25519TextRoundTrip()
    {
        const KeySet key = generateKeySet(KeySet::Kind::X25519, QStringLiteral("offsite"));
        const QString full = exportKeyText(key, KeyPart::Full);
        QVERIFY(full.contains(QStringLiteral("\nKind: x25519\n")));
        compareKeys(importKeyText(full), key);

        const QString publicText = exportKeyText(key, KeyPart::PublicOnly);
        QVERIFY(publicText.contains(QStringLiteral("\nKind: x25519-public\n")));
        QVERIFY(materialLines(publicText).size() < materialLines(full).size());
        const KeySet publicHalf = importKeyText(publicText);
        compareKeys(publicHalf, key.publicOnly());
        QVERIFY(!publicHalf.canUnwrap());
        // A public-only key set exports as public-only even when asked for everything.
        QCOMPARE(exportKeyText(key.publicOnly(), KeyPart::Full), publicText);
    }

    void paperKeyRetypedImports()
    {
        const KeySet key = generateKeySet(KeySet::Kind::X25519, QStringLiteral("Paper Key"));
        const QString text = exportKeyText(key);
        // Typed back from paper: lower case, spacing changed, blank lines,
        // and a PDF's page header and footer around the armor.
        QStringList retyped;
        retyped << QStringLiteral("Ember paper key - keep it safe")
                << QStringLiteral("Printed 2026-12-07") << QString();
        for (const QString& line : text.split(QLatin1Char('\n'))) {
            QString typed = line.toLower();
            if (!line.contains(QLatin1Char(':')) && !line.startsWith(QLatin1Char('-')))
                typed.replace(QLatin1Char(' '), QStringLiteral("   "));
            retyped << QStringLiteral("  ") + typed + QStringLiteral(" ") << QString();
        }
        retyped << QStringLiteral("Page 1 of 1");
        const KeySet imported = importKeyText(retyped.join(QStringLiteral("\r\n")));
        QCOMPARE(imported.fingerprint, key.fingerprint);
        QCOMPARE(imported.secret, key.secret);
        QCOMPARE(imported.publicKey, key.publicKey);
        QCOMPARE(imported.macKey, key.macKey);
        QCOMPARE(imported.created.toSecsSinceEpoch(), key.created.toSecsSinceEpoch());
        QCOMPARE(imported.label, QStringLiteral("paper key")); // typed in lower case
    }

    void mistypedCharacterNamesItsLine()
    {
        const KeySet key = fixedKey(KeySet::Kind::X25519);
        const QString text = exportKeyText(key);
        const QStringList lines = materialLines(text);
        QCOMPARE(lines.size(), 6);
        for (int i = 0; i < lines.size(); ++i) {
            const QString expected =
                QStringLiteral("line %1 of the key material is mistyped").arg(i + 1);
            // A typo in the groups and one in the line checksum.
            for (const qsizetype position : {qsizetype(0), lines[i].size() - 1}) {
                QString typo = lines[i];
                typo[position] = otherBase32(typo[position]);
                const Error error =
                    test::errorOf([&] { importKeyText(replaceLine(text, lines[i], typo)); });
                QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
            }
        }
        // A character outside the alphabet is named with its line.
        QString badCharacter = lines[2];
        badCharacter[1] = QLatin1Char('1');
        const Error error =
            test::errorOf([&] { importKeyText(replaceLine(text, lines[2], badCharacter)); });
        QVERIFY2(error.message().contains(QStringLiteral("line 3 of the key material")),
                 qPrintable(error.message()));
        QVERIFY(error.message().contains(QStringLiteral("\"1\"")));
    }

    void swappedMissingAndDoubledLinesAreRefused()
    {
        const KeySet key = fixedKey(KeySet::Kind::Symmetric);
        const QString text = exportKeyText(key);
        const QStringList lines = materialLines(text);
        QString swapped = replaceLine(text, lines[0], QStringLiteral("@@"));
        swapped = replaceLine(swapped, lines[1], lines[0]);
        swapped = replaceLine(swapped, QStringLiteral("@@"), lines[1]);
        QVERIFY(test::errorOf([&] { importKeyText(swapped); })
                    .message()
                    .contains(QStringLiteral("line 1 of the key material is mistyped")));
        const QString missing = replaceLine(text, lines[3], QString());
        QVERIFY(test::errorOf([&] { importKeyText(missing); })
                    .message()
                    .contains(QStringLiteral("missing or extra")));
        const QString doubled =
            replaceLine(text, lines[3], lines[3] + QLatin1Char('\n') + lines[3]);
        QVERIFY(!test::errorOf([&] { importKeyText(doubled); }).message().isEmpty());
        QString withoutChecksum = lines[0];
        withoutChecksum.chop(2);
        QVERIFY(test::errorOf([&] { importKeyText(replaceLine(text, lines[0], withoutChecksum)); })
                    .message()
                    .contains(QStringLiteral("line 1 of the key material")));
    }

    void tamperedFingerprintIsRefused()
    {
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("fp"));
        const QString text = exportKeyText(key);
        QString fingerprint = key.fingerprint;
        fingerprint[0] = fingerprint[0] == QLatin1Char('0') ? QLatin1Char('1') : QLatin1Char('0');
        const QString tampered =
            replaceLine(text, QStringLiteral("Fingerprint: ") + key.fingerprint,
                        QStringLiteral("Fingerprint: ") + fingerprint);
        const Error error = test::errorOf([&] { importKeyText(tampered); });
        QVERIFY2(error.message().contains(QStringLiteral("Fingerprint line")),
                 qPrintable(error.message()));
        const QString missing =
            replaceLine(text, QStringLiteral("Fingerprint: ") + key.fingerprint, QString());
        QVERIFY(test::errorOf([&] { importKeyText(missing); })
                    .message()
                    .contains(QStringLiteral("no Fingerprint")));
    }

    void tamperedKindIsRefused()
    {
        const KeySet symmetric = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("kind"));
        const QString text = exportKeyText(symmetric);
        // Same material length as aes-256: only the kind inside the material tells them apart.
        const QString asPublic = replaceLine(text, QStringLiteral("Kind: aes-256"),
                                             QStringLiteral("Kind: x25519-public"));
        Error error = test::errorOf([&] { importKeyText(asPublic); });
        QVERIFY2(error.message().contains(QStringLiteral("Kind line says")),
                 qPrintable(error.message()));
        const QString asPair =
            replaceLine(text, QStringLiteral("Kind: aes-256"), QStringLiteral("Kind: x25519"));
        QVERIFY(!test::errorOf([&] { importKeyText(asPair); }).message().isEmpty());
        const QString unknown =
            replaceLine(text, QStringLiteral("Kind: aes-256"), QStringLiteral("Kind: rsa"));
        QVERIFY(test::errorOf([&] { importKeyText(unknown); })
                    .message()
                    .contains(QStringLiteral("unknown")));

        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("kind"));
        const QString pairText = exportKeyText(pair);
        const QString pairAsPublic = replaceLine(pairText, QStringLiteral("Kind: x25519"),
                                                 QStringLiteral("Kind: x25519-public"));
        QVERIFY(!test::errorOf([&] { importKeyText(pairAsPublic); }).message().isEmpty());
    }

    void truncatedTextIsRefused()
    {
        const QString text =
            exportKeyText(generateKeySet(KeySet::Kind::X25519, QStringLiteral("cut")));
        const qsizetype endLine = text.indexOf(QStringLiteral("-----END EMBER KEY"));
        QVERIFY(endLine > 0);
        for (qsizetype length = 0; length <= endLine + 18; ++length) {
            const Error error = test::errorOf([&] { importKeyText(text.left(length)); });
            QVERIFY2(!error.message().isEmpty(),
                     qPrintable(QStringLiteral("accepted %1 characters").arg(length)));
        }
        QVERIFY(test::errorOf([&] { importKeyText(QString()); })
                    .message()
                    .contains(QStringLiteral("not an Ember key")));
    }

    void garbageIsRefusedWithoutCrashing()
    {
        auto* random = QRandomGenerator::global();
        const QString text =
            exportKeyText(generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("junk")));
        const QStringList lines = materialLines(text);
        for (int round = 0; round < 300; ++round) {
            QByteArray bytes(int(random->bounded(400)), '\0');
            for (char& byte : bytes)
                byte = char(random->bounded(256));
            // Raw bytes, and random lines inside a valid armor and headers.
            QVERIFY(!test::errorOf([&] { importKeyText(QString::fromLatin1(bytes)); })
                         .message()
                         .isEmpty());
            QString inside = text;
            inside.replace(lines.join(QLatin1Char('\n')),
                           QString::fromLatin1(bytes.toBase64()).left(40 + round % 100));
            QVERIFY(!test::errorOf([&] { importKeyText(inside); }).message().isEmpty());
        }
        QString badDate = text;
        badDate.replace(QRegularExpression(QStringLiteral("Created: [^\n]*")),
                        QStringLiteral("Created: yesterday"));
        QVERIFY(test::errorOf([&] { importKeyText(badDate); })
                    .message()
                    .contains(QStringLiteral("Created")));
    }

    void rotationKeepsTheMacKey()
    {
        for (const KeySet::Kind kind : {KeySet::Kind::Symmetric, KeySet::Kind::X25519}) {
            const KeySet old = generateKeySet(kind, QStringLiteral("nightly"));
            const KeySet rotated = rotatedKey(old);
            QCOMPARE(rotated.kind, old.kind);
            QCOMPARE(rotated.macKey, old.macKey);
            QVERIFY(rotated.secret != old.secret);
            QCOMPARE(rotated.secret.size(), 32);
            QVERIFY(rotated.fingerprint != old.fingerprint);
            QCOMPARE(rotated.label, QStringLiteral("nightly (rotated)"));
            if (kind == KeySet::Kind::X25519) {
                QVERIFY(rotated.publicKey != old.publicKey);
                QCOMPARE(x25519PublicOf(rotated.secret), rotated.publicKey);
                QCOMPARE(rotated.fingerprint, keyFingerprint(kind, rotated.publicKey));
            } else {
                QCOMPARE(rotated.fingerprint, keyFingerprint(kind, rotated.secret));
            }
            QCOMPARE(rotatedKey(old, QStringLiteral("2027")).label, QStringLiteral("2027"));
        }
    }
};

QTEST_GUILESS_MAIN(TestKeys)
#include "tst_keys.moc"
