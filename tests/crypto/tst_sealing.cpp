// Sealing a backup: envelopes, object encryption, block MACs (drivers/crypto/sealing.h).
#include "sealing.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <limits>
#include <thread>
#include <vector>

using namespace ember;

namespace {

QByteArray counting(int size, int start = 0)
{
    QByteArray bytes(size, '\0');
    for (int i = 0; i < size; ++i)
        bytes[i] = char(start + i);
    return bytes;
}

QByteArray randomBytes(int size, quint32 seed)
{
    QRandomGenerator random(seed);
    QByteArray bytes(size, '\0');
    for (char& byte : bytes)
        byte = char(random.bounded(256));
    return bytes;
}

QByteArray flipBit(QByteArray data, int bit)
{
    data[bit / 8] = char(data[bit / 8] ^ (1 << (bit % 8)));
    return data;
}

// The message of the SealBroken `work` throws; fails the test for no throw or another Error.
QString sealBrokenOf(const std::function<void()>& work)
{
    try {
        work();
    } catch (const SealBroken& broken) {
        return broken.message();
    } catch (const Error& error) {
        return QStringLiteral("<not SealBroken: %1>").arg(error.message());
    }
    return QStringLiteral("<nothing thrown>");
}

bool isSealBroken(const QString& message)
{
    return !message.startsWith(QLatin1Char('<'));
}

ObjectBinding sampleBinding()
{
    ObjectBinding binding;
    binding.backupId = QStringLiteral("b7e1c2d4-0000-4000-8000-000000000001");
    binding.objectName = QStringLiteral("volume_1/backup_1/volume_1_backup_1-00003");
    binding.index = 2;
    binding.objectCount = 5;
    binding.offset = 3 * 1024 * 1024;
    binding.length = 1024 * 1024;
    binding.compression = QStringLiteral("zstd");
    return binding;
}

QByteArray encryptInPieces(const QByteArray& dataKey, const ObjectBinding& binding,
                           const QByteArray& plain, int piece)
{
    ObjectEncryptor encryptor(dataKey, binding);
    QByteArray stored = encryptor.begin();
    for (qsizetype at = 0; at < plain.size(); at += piece)
        encryptor.update(plain.constData() + at,
                         size_t(std::min<qsizetype>(piece, plain.size() - at)), stored);
    stored += encryptor.finish();
    return stored;
}

QByteArray decryptInPieces(const QByteArray& dataKey, const ObjectBinding& binding,
                           const QByteArray& stored, int piece)
{
    ObjectDecryptor decryptor(dataKey, binding);
    QByteArray plain;
    const auto sink = [&](const char* data, size_t length) {
        plain.append(data, qsizetype(length));
    };
    for (qsizetype at = 0; at < stored.size(); at += piece)
        decryptor.feed(stored.constData() + at,
                       size_t(std::min<qsizetype>(piece, stored.size() - at)), sink);
    decryptor.finish();
    return plain;
}

QByteArray opensslHmac(const QByteArray& key, const QByteArray& data)
{
    unsigned char out[32];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.constData(), int(key.size()),
         reinterpret_cast<const unsigned char*>(data.constData()), size_t(data.size()), out, &size);
    return QByteArray(reinterpret_cast<const char*>(out), int(size));
}

QByteArray blockMac(const BlockMac& mac, const QByteArray& data)
{
    unsigned char out[32];
    mac.compute(data.constData(), size_t(data.size()), out);
    return QByteArray(reinterpret_cast<const char*>(out), 32);
}

// HKDF-SHA-256 straight from OpenSSL, to check the documented envelope construction.
QByteArray hkdf(const QByteArray& secret, const QByteArray& info)
{
    EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
    QByteArray out(32, '\0');
    size_t size = 32;
    if (EVP_PKEY_derive_init(context) != 1 ||
        EVP_PKEY_CTX_set_hkdf_md(context, EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set1_hkdf_key(context,
                                   reinterpret_cast<const unsigned char*>(secret.constData()),
                                   int(secret.size())) != 1 ||
        EVP_PKEY_CTX_add1_hkdf_info(context,
                                    reinterpret_cast<const unsigned char*>(info.constData()),
                                    int(info.size())) != 1 ||
        EVP_PKEY_derive(context, reinterpret_cast<unsigned char*>(out.data()), &size) != 1)
        out.clear();
    EVP_PKEY_CTX_free(context);
    return out;
}

// AES-256-GCM open of nonce||ciphertext||tag straight from OpenSSL; empty on failure.
QByteArray gcmOpen(const QByteArray& key, const QByteArray& sealed, const QByteArray& aad)
{
    EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
    const auto* in = reinterpret_cast<const unsigned char*>(sealed.constData());
    QByteArray plain(sealed.size() - 28, '\0');
    QByteArray tag = sealed.right(16);
    int length = 0;
    const bool ok =
        EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nullptr,
                           reinterpret_cast<const unsigned char*>(key.constData()), in) == 1 &&
        EVP_DecryptUpdate(context, nullptr, &length,
                          reinterpret_cast<const unsigned char*>(aad.constData()),
                          int(aad.size())) == 1 &&
        EVP_DecryptUpdate(context, reinterpret_cast<unsigned char*>(plain.data()), &length, in + 12,
                          int(plain.size())) == 1 &&
        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1 &&
        EVP_DecryptFinal_ex(context, nullptr, &length) == 1;
    EVP_CIPHER_CTX_free(context);
    return ok ? plain : QByteArray();
}

Envelope sealedEnvelope(const KeySet& key, const BackupKeys& keys, const QString& backupId)
{
    Envelope envelope = sealBackupKeys(key, keys, backupId);
    envelope.shaFileMac = shaFileMac(keys.macKey, backupId, QByteArrayLiteral("{}"));
    return envelope;
}

const QString kBackupA = QStringLiteral("backup-a");
const QString kBackupB = QStringLiteral("backup-b");

} // namespace

class TestSealing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void symmetricEnvelopeRoundTrip()
    {
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("sym"));
        const BackupKeys keys = newBackupKeys(key);
        QCOMPARE(keys.dataKey.size(), 32);
        QCOMPARE(keys.macKey, key.macKey);
        QVERIFY(newBackupKeys(key).dataKey != keys.dataKey); // fresh per backup
        const Envelope envelope = sealedEnvelope(key, keys, kBackupA);
        QCOMPARE(envelope.scheme, QStringLiteral("aes-256-gcm"));
        QCOMPARE(envelope.keyFingerprint, key.fingerprint);
        QCOMPARE(envelope.wrapMethod, QStringLiteral("aes-256-gcm-kek"));
        QCOMPARE(envelope.wrappedKeys.size(), 12 + 64 + 16);
        QVERIFY(envelope.ephemeralPublic.isEmpty());
        QCOMPARE(envelope.blockMac, QStringLiteral("hmac-sha256"));
        QCOMPARE(envelope.macKeyId, macKeyIdOf(keys.macKey));
        QVERIFY(!envelope.wrappedKeys.contains(keys.dataKey.left(8)));
        const QJsonObject json = envelope.toJson();
        QCOMPARE(json.value(QStringLiteral("key")).toString(), key.fingerprint);
        QVERIFY(!json.contains(QStringLiteral("ephemeral_public")));
        const BackupKeys opened = openBackupKeys(key, Envelope::fromJson(json), kBackupA);
        QCOMPARE(opened.dataKey, keys.dataKey);
        QCOMPARE(opened.macKey, keys.macKey);
    }

    void symmetricEnvelopeFollowsTheDocumentedConstruction()
    {
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("doc"));
        const BackupKeys keys = newBackupKeys(key);
        const Envelope envelope = sealBackupKeys(key, keys, kBackupA);
        const QByteArray kek = hkdf(key.secret, QByteArrayLiteral("ember envelope kek v1"));
        const QByteArray aad = QByteArrayLiteral("ember envelope v1") + '\0' + kBackupA.toUtf8() +
                               '\0' + key.fingerprint.toUtf8();
        QCOMPARE(gcmOpen(kek, envelope.wrappedKeys, aad), keys.dataKey + keys.macKey);
    }

    void x25519EnvelopeRoundTrip()
    {
        const KeySet key = generateKeySet(KeySet::Kind::X25519, QStringLiteral("pair"));
        const BackupKeys keys = newBackupKeys(key.publicOnly());
        // The host with only the public half seals.
        const Envelope envelope = sealedEnvelope(key.publicOnly(), keys, kBackupA);
        QCOMPARE(envelope.wrapMethod, QStringLiteral("x25519-hkdf-aes-256-gcm"));
        QCOMPARE(envelope.ephemeralPublic.size(), 32);
        QVERIFY(envelope.ephemeralPublic != key.publicKey);
        const Envelope again = sealedEnvelope(key.publicOnly(), keys, kBackupA);
        QVERIFY(again.ephemeralPublic !=
                envelope.ephemeralPublic); // fresh ephemeral pair each time
        QVERIFY(again.wrappedKeys != envelope.wrappedKeys);
        // The host with the private half opens.
        const BackupKeys opened =
            openBackupKeys(key, Envelope::fromJson(envelope.toJson()), kBackupA);
        QCOMPARE(opened.dataKey, keys.dataKey);
        QCOMPARE(opened.macKey, keys.macKey);
        // A private key set without its public half stored opens too (it is derived).
        KeySet privateOnly = key;
        privateOnly.publicKey.clear();
        QCOMPARE(openBackupKeys(privateOnly, envelope, kBackupA).dataKey, keys.dataKey);
    }

    void publicHalfCannotOpen()
    {
        const KeySet key = generateKeySet(KeySet::Kind::X25519, QStringLiteral("pair"));
        const Envelope envelope = sealedEnvelope(key.publicOnly(), newBackupKeys(key), kBackupA);
        try {
            openBackupKeys(key.publicOnly(), envelope, kBackupA);
            QFAIL("the public half opened an envelope");
        } catch (const SealBroken& broken) {
            QFAIL(qPrintable(QStringLiteral("SealBroken instead of key not available: ") +
                             broken.message()));
        } catch (const Error& error) {
            QVERIFY2(error.message().startsWith(QStringLiteral("key not available")),
                     qPrintable(error.message()));
            QVERIFY(error.message().contains(key.fingerprint));
        }
    }

    void anotherKeyUnderTheSameFingerprintDoesNotOpen()
    {
        for (const KeySet::Kind kind : {KeySet::Kind::Symmetric, KeySet::Kind::X25519}) {
            const KeySet key = generateKeySet(kind, QStringLiteral("right"));
            const Envelope envelope = sealedEnvelope(key, newBackupKeys(key), kBackupA);
            KeySet forged = generateKeySet(kind, QStringLiteral("wrong"));
            forged.macKey = key.macKey;
            forged.fingerprint = key.fingerprint;
            const QString message =
                sealBrokenOf([&] { openBackupKeys(forged, envelope, kBackupA); });
            QVERIFY2(isSealBroken(message), qPrintable(message));
            QVERIFY2(message.contains(
                         QStringLiteral("the wrapped key of backup backup-a does not authenticate "
                                        "under key ") +
                         key.fingerprint),
                     qPrintable(message));
            // Without the forgery the mismatch is named before any decryption.
            const KeySet other = generateKeySet(kind, QStringLiteral("other"));
            const Error error = test::errorOf([&] { openBackupKeys(other, envelope, kBackupA); });
            QVERIFY2(error.message().contains(key.fingerprint) &&
                         error.message().contains(other.fingerprint),
                     qPrintable(error.message()));
        }
    }

    void envelopeOfAnotherBackupIsRefused()
    {
        for (const KeySet::Kind kind : {KeySet::Kind::Symmetric, KeySet::Kind::X25519}) {
            const KeySet key = generateKeySet(kind, QStringLiteral("k"));
            const Envelope envelope = sealedEnvelope(key, newBackupKeys(key), kBackupA);
            const QString message = sealBrokenOf([&] { openBackupKeys(key, envelope, kBackupB); });
            QVERIFY2(isSealBroken(message), qPrintable(message));
            QVERIFY(message.contains(kBackupB));
        }
    }

    void everyFlippedBitOfTheWrappedKeyIsCaught()
    {
        for (const KeySet::Kind kind : {KeySet::Kind::Symmetric, KeySet::Kind::X25519}) {
            const KeySet key = generateKeySet(kind, QStringLiteral("bits"));
            const Envelope envelope = sealedEnvelope(key, newBackupKeys(key), kBackupA);
            for (int bit = 0; bit < envelope.wrappedKeys.size() * 8; ++bit) {
                Envelope tampered = envelope;
                tampered.wrappedKeys = flipBit(envelope.wrappedKeys, bit);
                const QString message =
                    sealBrokenOf([&] { openBackupKeys(key, tampered, kBackupA); });
                QVERIFY2(isSealBroken(message),
                         qPrintable(QStringLiteral("bit %1: %2").arg(bit).arg(message)));
            }
            for (int bit = 0; bit < envelope.ephemeralPublic.size() * 8; ++bit) {
                Envelope tampered = envelope;
                tampered.ephemeralPublic = flipBit(envelope.ephemeralPublic, bit);
                const QString message =
                    sealBrokenOf([&] { openBackupKeys(key, tampered, kBackupA); });
                QVERIFY2(isSealBroken(message),
                         qPrintable(QStringLiteral("ephemeral bit %1: %2").arg(bit).arg(message)));
            }
            // A mac_key_id that does not belong to the wrapped block-MAC key.
            Envelope otherId = envelope;
            otherId.macKeyId = macKeyIdOf(counting(32));
            const QString message = sealBrokenOf([&] { openBackupKeys(key, otherId, kBackupA); });
            QVERIFY2(isSealBroken(message) && message.contains(QStringLiteral("mac_key_id")),
                     qPrintable(message));
        }
    }

    void rewrapOpensWithTheNewKeyOnly()
    {
        const KeySet oldKey = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("old"));
        const BackupKeys keys = newBackupKeys(oldKey);
        const Envelope envelope = sealedEnvelope(oldKey, keys, kBackupA);
        const KeySet newKey = rotatedKey(oldKey);
        const Envelope rewrapped = rewrapBackupKeys(oldKey, newKey, envelope, kBackupA);
        QCOMPARE(rewrapped.keyFingerprint, newKey.fingerprint);
        QCOMPARE(rewrapped.macKeyId, envelope.macKeyId);
        QCOMPARE(rewrapped.shaFileMac, envelope.shaFileMac);
        QVERIFY(rewrapped.wrappedKeys != envelope.wrappedKeys);
        const BackupKeys opened = openBackupKeys(newKey, rewrapped, kBackupA);
        QCOMPARE(opened.dataKey, keys.dataKey);
        QCOMPARE(opened.macKey, keys.macKey);
        QVERIFY(!test::errorOf([&] { openBackupKeys(oldKey, rewrapped, kBackupA); })
                     .message()
                     .isEmpty());

        // Into public-key mode: the public half of the new pair is enough to rewrap.
        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("pair"));
        const Envelope toPair = rewrapBackupKeys(newKey, pair.publicOnly(), rewrapped, kBackupA);
        QCOMPARE(toPair.wrapMethod, QStringLiteral("x25519-hkdf-aes-256-gcm"));
        QCOMPARE(toPair.shaFileMac, envelope.shaFileMac);
        QCOMPARE(openBackupKeys(pair, Envelope::fromJson(toPair.toJson()), kBackupA).dataKey,
                 keys.dataKey);
        // Rewrapping needs the old key to open: a wrong one changes nothing.
        QVERIFY(isSealBroken(sealBrokenOf([&] {
            KeySet forged = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("forged"));
            forged.fingerprint = newKey.fingerprint;
            rewrapBackupKeys(forged, pair, rewrapped, kBackupA);
        })));
    }

    void envelopeJsonRejectsEachBadField_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value"); // undefined: the field is removed

        const QJsonValue missing(QJsonValue::Undefined);
        const QString sym = QStringLiteral("aes-256");
        const QString pair = QStringLiteral("x25519");
        for (const QString& field :
             {QStringLiteral("scheme"), QStringLiteral("key"), QStringLiteral("wrap"),
              QStringLiteral("wrapped_key"), QStringLiteral("block_mac"),
              QStringLiteral("mac_key_id"), QStringLiteral("sha256file_mac")}) {
            QTest::addRow("%s missing", qPrintable(field)) << sym << field << missing;
            QTest::addRow("%s a number", qPrintable(field)) << sym << field << QJsonValue(7);
        }
        QTest::addRow("unknown scheme")
            << sym << "scheme" << QJsonValue(QStringLiteral("aes-128-gcm"));
        QTest::addRow("key not a fingerprint") << sym << "key" << QJsonValue(QStringLiteral("xyz"));
        QTest::addRow("key upper case")
            << sym << "key"
            << QJsonValue(QStringLiteral("3F2A-9C1D-0000-0000-0000-0000-0000-0000"));
        QTest::addRow("key too short")
            << sym << "key" << QJsonValue(QStringLiteral("3f2a-9c1d-0000-0000-0000-0000-0000"));
        QTest::addRow("unknown wrap") << sym << "wrap" << QJsonValue(QStringLiteral("rsa-oaep"));
        QTest::addRow("wrapped_key not base64")
            << sym << "wrapped_key" << QJsonValue(QStringLiteral("!!!!"));
        QTest::addRow("wrapped_key short")
            << sym << "wrapped_key"
            << QJsonValue(QString::fromLatin1(QByteArray(91, 'x').toBase64()));
        QTest::addRow("wrapped_key long")
            << sym << "wrapped_key"
            << QJsonValue(QString::fromLatin1(QByteArray(93, 'x').toBase64()));
        QTest::addRow("ephemeral_public with a symmetric key")
            << sym << "ephemeral_public"
            << QJsonValue(QString::fromLatin1(QByteArray(32, 'x').toBase64()));
        QTest::addRow("ephemeral_public missing") << pair << "ephemeral_public" << missing;
        QTest::addRow("ephemeral_public short")
            << pair << "ephemeral_public"
            << QJsonValue(QString::fromLatin1(QByteArray(31, 'x').toBase64()));
        QTest::addRow("ephemeral_public not base64")
            << pair << "ephemeral_public" << QJsonValue(QStringLiteral("@@"));
        QTest::addRow("ephemeral_public an array")
            << pair << "ephemeral_public" << QJsonValue(QJsonArray());
        QTest::addRow("unknown block_mac")
            << sym << "block_mac" << QJsonValue(QStringLiteral("sha256"));
        QTest::addRow("mac_key_id short")
            << sym << "mac_key_id" << QJsonValue(QStringLiteral("0123456789abcde"));
        QTest::addRow("mac_key_id upper case")
            << sym << "mac_key_id" << QJsonValue(QStringLiteral("0123456789ABCDEF"));
        QTest::addRow("mac_key_id not hex")
            << sym << "mac_key_id" << QJsonValue(QStringLiteral("0123456789abcdeg"));
        QTest::addRow("sha256file_mac short")
            << sym << "sha256file_mac" << QJsonValue(QString(63, QLatin1Char('a')));
        QTest::addRow("sha256file_mac empty") << sym << "sha256file_mac" << QJsonValue(QString());
    }

    void envelopeJsonRejectsEachBadField()
    {
        QFETCH(QString, kind);
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        const KeySet key = generateKeySet(kind == QLatin1String("x25519") ? KeySet::Kind::X25519
                                                                          : KeySet::Kind::Symmetric,
                                          QStringLiteral("json"));
        QJsonObject json = sealedEnvelope(key, newBackupKeys(key), kBackupA).toJson();
        Envelope::fromJson(json); // the unaltered record reads
        if (value.isUndefined())
            json.remove(field);
        else
            json[field] = value;
        const Error error = test::errorOf([&] { Envelope::fromJson(json); });
        QVERIFY2(error.message().contains(QLatin1Char('"') + field + QLatin1Char('"')),
                 qPrintable(error.message()));
    }

    void objectRoundTripInAnyPieces()
    {
        const QByteArray dataKey = counting(32, 3);
        const ObjectBinding binding = sampleBinding();
        QByteArray plain = randomBytes(100'003, 11);
        plain.replace(5000, 18, QByteArrayLiteral("MARKER-EMBER-PLAIN"));
        for (const int encryptPiece : {1, 7, 4096, int(plain.size())}) {
            const QByteArray stored = encryptInPieces(dataKey, binding, plain, encryptPiece);
            QCOMPARE(stored.size(), plain.size() + kObjectOverhead);
            QVERIFY(!stored.contains(QByteArrayLiteral("MARKER-EMBER-PLAIN")));
            for (const int decryptPiece : {1, 7, 4096, int(stored.size())})
                QVERIFY2(decryptInPieces(dataKey, binding, stored, decryptPiece) == plain,
                         qPrintable(QStringLiteral("encrypted in %1, decrypted in %2")
                                        .arg(encryptPiece)
                                        .arg(decryptPiece)));
        }
        // Same content, fresh nonce: the stored objects differ.
        QVERIFY(encryptInPieces(dataKey, binding, plain, 4096) !=
                encryptInPieces(dataKey, binding, plain, 4096));
        // An empty object is just nonce and tag, and still authenticates.
        const QByteArray empty = encryptInPieces(dataKey, binding, QByteArray(), 1);
        QCOMPARE(empty.size(), kObjectOverhead);
        QCOMPARE(decryptInPieces(dataKey, binding, empty, 5), QByteArray());
    }

    void objectFollowsTheDocumentedLayout()
    {
        const QByteArray dataKey = counting(32, 9);
        const ObjectBinding binding = sampleBinding();
        QCOMPARE(binding.associatedData(),
                 QByteArray("ember object v1\0b7e1c2d4-0000-4000-8000-000000000001\0"
                            "volume_1/backup_1/volume_1_backup_1-00003\0"
                            "2\0"
                            "5\0"
                            "3145728\0"
                            "1048576\0zstd",
                            15 + 1 + 36 + 1 + 41 + 1 + 1 + 1 + 1 + 1 + 7 + 1 + 7 + 1 + 4));
        const QByteArray plain = randomBytes(5000, 4);
        const QByteArray stored = encryptInPieces(dataKey, binding, plain, 999);
        QCOMPARE(gcmOpen(dataKey, stored, binding.associatedData()), plain);
    }

    void tamperedObjectsNameThemselves()
    {
        const QByteArray dataKey = counting(32, 5);
        const ObjectBinding binding = sampleBinding();
        const QByteArray plain = randomBytes(3000, 5);
        const QByteArray stored = encryptInPieces(dataKey, binding, plain, 3000);
        QList<int> bits;
        for (int bit = 0; bit < kObjectNonceSize * 8; ++bit)
            bits << bit; // nonce
        for (int bit = kObjectNonceSize * 8; bit < (stored.size() - kObjectTagSize) * 8; bit += 997)
            bits << bit; // ciphertext
        for (int bit = (stored.size() - kObjectTagSize) * 8; bit < stored.size() * 8; ++bit)
            bits << bit; // tag
        for (const int bit : bits) {
            const QByteArray tampered = flipBit(stored, bit);
            const QString message =
                sealBrokenOf([&] { decryptInPieces(dataKey, binding, tampered, 1000); });
            QVERIFY2(isSealBroken(message),
                     qPrintable(QStringLiteral("bit %1: %2").arg(bit).arg(message)));
            QVERIFY2(message.contains(QStringLiteral("object %1 of backup %2 does not authenticate")
                                          .arg(binding.objectName, binding.backupId)),
                     qPrintable(message));
        }
        // Another data key.
        QVERIFY(isSealBroken(
            sealBrokenOf([&] { decryptInPieces(counting(32, 6), binding, stored, 100); })));
    }

    void changedBindingFailsTheTag_data()
    {
        QTest::addColumn<int>("field");
        const char* names[] = {"backupId", "objectName", "index",      "objectCount",
                               "offset",   "length",     "compression"};
        for (int field = 0; field < 7; ++field)
            QTest::newRow(names[field]) << field;
    }

    void changedBindingFailsTheTag()
    {
        QFETCH(int, field);
        const QByteArray dataKey = counting(32, 8);
        const ObjectBinding binding = sampleBinding();
        const QByteArray plain = randomBytes(2048, 8);
        const QByteArray stored = encryptInPieces(dataKey, binding, plain, 2048);
        QCOMPARE(decryptInPieces(dataKey, binding, stored, 2048), plain);
        ObjectBinding moved = binding;
        switch (field) {
        case 0:
            moved.backupId = QStringLiteral("b7e1c2d4-0000-4000-8000-000000000002");
            break;
        case 1:
            moved.objectName = QStringLiteral("volume_1/backup_1/volume_1_backup_1-00004");
            break;
        case 2:
            moved.index = 3;
            break;
        case 3:
            moved.objectCount = 4;
            break;
        case 4:
            moved.offset = 4 * 1024 * 1024;
            break;
        case 5:
            moved.length = 1024 * 1024 - 1;
            break;
        case 6:
            moved.compression = QStringLiteral("none");
            break;
        }
        QVERIFY(moved.associatedData() != binding.associatedData());
        const QString message = sealBrokenOf([&] { decryptInPieces(dataKey, moved, stored, 512); });
        QVERIFY2(isSealBroken(message), qPrintable(message));
        QVERIFY(message.contains(moved.objectName) && message.contains(moved.backupId));
    }

    void truncatedObjectsAreRefused()
    {
        const QByteArray dataKey = counting(32, 2);
        const ObjectBinding binding = sampleBinding();
        const QByteArray stored = encryptInPieces(dataKey, binding, randomBytes(500, 2), 500);
        for (const int length : {0, 1, 11, 12, 27, 28, 100, int(stored.size()) - 1}) {
            const QString message =
                sealBrokenOf([&] { decryptInPieces(dataKey, binding, stored.left(length), 7); });
            QVERIFY2(isSealBroken(message),
                     qPrintable(QStringLiteral("%1 bytes: %2").arg(length).arg(message)));
            QVERIFY(message.contains(binding.objectName));
            if (length < kObjectOverhead)
                QVERIFY2(message.contains(QStringLiteral("too short")), qPrintable(message));
        }
        // Bytes appended after the tag.
        QVERIFY(isSealBroken(
            sealBrokenOf([&] { decryptInPieces(dataKey, binding, stored + "x", 64); })));
    }

    void wrongSizedKeysAreRefused()
    {
        const ObjectBinding binding = sampleBinding();
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("k"));
        for (const int size : {0, 16, 31, 33}) {
            const QByteArray wrong(size, 'k');
            QVERIFY(!test::errorOf([&] { ObjectEncryptor encryptor(wrong, binding); })
                         .message()
                         .isEmpty());
            QVERIFY(!test::errorOf([&] { ObjectDecryptor decryptor(wrong, binding); })
                         .message()
                         .isEmpty());
            QVERIFY(!test::errorOf([&] {
                         sealBackupKeys(key, BackupKeys{wrong, key.macKey}, kBackupA);
                     })
                         .message()
                         .isEmpty());
            QVERIFY(!test::errorOf([&] {
                         sealBackupKeys(key, BackupKeys{key.secret, wrong}, kBackupA);
                     })
                         .message()
                         .isEmpty());
        }
    }

    void blockMacIsHmacSha256()
    {
        const QByteArray key = counting(32);
        const BlockMac mac(key);
        // Known answer: openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f
        QCOMPARE(
            blockMac(mac, QByteArrayLiteral("Ember block MAC known answer")).toHex(),
            QByteArrayLiteral("b12c42d22cc7d140d228cf8c52a067b2f21b05f78dbad960e30a2c45a93552ed"));
        const QByteArray otherKey = randomBytes(32, 77);
        const BlockMac other(otherKey);
        for (const int size : {0, 1, 63, 64, 65, 4096, 32768, 100'001}) {
            const QByteArray block = randomBytes(size, quint32(size));
            QCOMPARE(blockMac(mac, block), opensslHmac(key, block));
            QCOMPARE(blockMac(other, block), opensslHmac(otherKey, block));
            QVERIFY(blockMac(mac, block) != blockMac(other, block));
        }
        QVERIFY(!test::errorOf([] { BlockMac shortKey(QByteArray(16, 'k')); }).message().isEmpty());
    }

    void blockMacIsSafeFromSeveralThreads()
    {
        const QByteArray key = randomBytes(32, 12);
        const BlockMac mac(key);
        constexpr int threads = 4;
        constexpr int blocksPerThread = 200;
        std::vector<QByteArray> blocks;
        std::vector<QByteArray> expected;
        for (int i = 0; i < blocksPerThread; ++i) {
            blocks.push_back(randomBytes(4096 + i, quint32(i)));
            expected.push_back(opensslHmac(key, blocks.back()));
        }
        std::vector<int> wrong(threads, 0);
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&, t] {
                for (int i = 0; i < blocksPerThread; ++i) {
                    const int index = (i + t * 37) % blocksPerThread;
                    unsigned char out[32];
                    mac.compute(blocks[size_t(index)].constData(),
                                size_t(blocks[size_t(index)].size()), out);
                    if (QByteArray(reinterpret_cast<const char*>(out), 32) !=
                        expected[size_t(index)])
                        ++wrong[size_t(t)];
                }
            });
        }
        for (std::thread& worker : workers)
            worker.join();
        for (int t = 0; t < threads; ++t)
            QCOMPARE(wrong[size_t(t)], 0);
    }

    void blockMacCostsAboutAsMuchAsSha256()
    {
        const QByteArray block = randomBytes(32 * 1024, 21);
        const BlockMac mac(randomBytes(32, 22));
        constexpr int rounds = 2000;
        qint64 bestMac = std::numeric_limits<qint64>::max();
        qint64 bestSha = std::numeric_limits<qint64>::max();
        unsigned char out[32];
        unsigned int size = 0;
        for (int attempt = 0; attempt < 5; ++attempt) {
            QElapsedTimer timer;
            timer.start();
            for (int i = 0; i < rounds; ++i)
                mac.compute(block.constData(), size_t(block.size()), out);
            bestMac = std::min(bestMac, timer.nsecsElapsed());
            timer.restart();
            for (int i = 0; i < rounds; ++i)
                EVP_Digest(block.constData(), size_t(block.size()), out, &size, EVP_sha256(),
                           nullptr);
            bestSha = std::min(bestSha, timer.nsecsElapsed());
        }
        const double ratio = double(bestMac) / double(bestSha);
        qInfo("32 KiB blocks: HMAC-SHA-256 %.1f us, SHA-256 %.1f us, ratio %.2f",
              double(bestMac) / rounds / 1000.0, double(bestSha) / rounds / 1000.0, ratio);
        // Loose bound: a per-call key schedule or fetch would show as a large factor on small
        // blocks too.
        QVERIFY2(ratio < 2.0, qPrintable(QString::number(ratio)));
    }

    void macKeyIdsAndShaFileMacs()
    {
        const QByteArray key = counting(32);
        // Known answers from openssl dgst -sha256 -mac HMAC.
        QCOMPARE(macKeyIdOf(key), QStringLiteral("d8038dfb62e32351"));
        QCOMPARE(macKeyIdOf(counting(32)), macKeyIdOf(key));
        QVERIFY(macKeyIdOf(counting(32, 1)) != macKeyIdOf(key));
        QCOMPARE(
            shaFileMac(key, QStringLiteral("backup-1"), QByteArrayLiteral("abc\n")),
            QStringLiteral("63abf19de19109bc016e76743aad528a3270e45e0ce9e7dedd6976b070d29204"));
        QVERIFY(shaFileMac(key, QStringLiteral("backup-2"), QByteArrayLiteral("abc\n")) !=
                shaFileMac(key, QStringLiteral("backup-1"), QByteArrayLiteral("abc\n")));
        QVERIFY(shaFileMac(key, QStringLiteral("backup-1"), QByteArrayLiteral("abd\n")) !=
                shaFileMac(key, QStringLiteral("backup-1"), QByteArrayLiteral("abc\n")));
    }
};

QTEST_GUILESS_MAIN(TestSealing)
#include "tst_sealing.moc"
