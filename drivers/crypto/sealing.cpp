#include "sealing.h"

#include <QJsonValue>
#include <QRegularExpression>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <vector>

namespace ember {

namespace {

constexpr int kKeySize = 32;
constexpr int kMacSize = 32;
constexpr int kWrappedSize = kObjectNonceSize + 2 * kKeySize + kObjectTagSize;
// Decrypted data goes to the sink in pieces of this size at most.
constexpr size_t kDecryptPiece = 64 * 1024;

const QString kWrapSymmetric = QStringLiteral("aes-256-gcm-kek");
const QString kWrapX25519 = QStringLiteral("x25519-hkdf-aes-256-gcm");

struct PkeyDeleter
{
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
struct PkeyContextDeleter
{
    void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
using PkeyContextPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter>;
struct CipherContextDeleter
{
    void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContextPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

const unsigned char* bytes(const QByteArray& data)
{
    return reinterpret_cast<const unsigned char*>(data.constData());
}

// Wipes key material held in a QByteArray when it goes out of scope.
struct Wiped
{
    QByteArray data;
    ~Wiped()
    {
        if (!data.isEmpty())
            OPENSSL_cleanse(data.data(), size_t(data.size()));
    }
};

QByteArray randomBytes(int size)
{
    QByteArray out(size, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), size) != 1)
        throw Error(QStringLiteral("OpenSSL's random generator failed"));
    return out;
}

QByteArray hmacSha256(const QByteArray& key, const QByteArray& data)
{
    unsigned char out[kMacSize];
    size_t size = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.constData(), size_t(key.size()),
                   bytes(data), size_t(data.size()), out, sizeof out, &size) ||
        size != sizeof out)
        throw Error(QStringLiteral("OpenSSL could not compute HMAC-SHA-256"));
    return QByteArray(reinterpret_cast<const char*>(out), kMacSize);
}

QByteArray hkdfSha256(const QByteArray& secret, const QByteArray& salt, const QByteArray& info)
{
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    EVP_KDF_CTX* context = kdf ? EVP_KDF_CTX_new(kdf) : nullptr;
    EVP_KDF_free(kdf);
    if (!context)
        throw Error(QStringLiteral("OpenSSL has no HKDF"));
    char digest[] = "SHA256";
    OSSL_PARAM params[5];
    int count = 0;
    params[count++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
    params[count++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_KEY, const_cast<char*>(secret.constData()), size_t(secret.size()));
    if (!salt.isEmpty())
        params[count++] = OSSL_PARAM_construct_octet_string(
            OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.constData()), size_t(salt.size()));
    params[count++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_INFO, const_cast<char*>(info.constData()), size_t(info.size()));
    params[count] = OSSL_PARAM_construct_end();
    QByteArray out(kKeySize, '\0');
    const int ok = EVP_KDF_derive(context, reinterpret_cast<unsigned char*>(out.data()),
                                  size_t(out.size()), params);
    EVP_KDF_CTX_free(context);
    if (ok != 1)
        throw Error(QStringLiteral("OpenSSL could not derive a key with HKDF"));
    return out;
}

PkeyPtr x25519Private(const QByteArray& raw)
{
    return PkeyPtr(
        EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, bytes(raw), size_t(raw.size())));
}

PkeyPtr x25519Public(const QByteArray& raw)
{
    return PkeyPtr(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, bytes(raw), size_t(raw.size())));
}

QByteArray rawPublic(EVP_PKEY* key)
{
    QByteArray raw(kKeySize, '\0');
    size_t size = size_t(raw.size());
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &size) !=
            1 ||
        size != size_t(kKeySize))
        throw Error(QStringLiteral("OpenSSL could not read an X25519 public key"));
    return raw;
}

// ECDH; empty when OpenSSL refuses (e.g. a low-order point giving an all-zero secret).
QByteArray x25519Derive(EVP_PKEY* own, EVP_PKEY* peer)
{
    PkeyContextPtr context(EVP_PKEY_CTX_new(own, nullptr));
    size_t size = 0;
    if (!context || EVP_PKEY_derive_init(context.get()) != 1 ||
        EVP_PKEY_derive_set_peer(context.get(), peer) != 1 ||
        EVP_PKEY_derive(context.get(), nullptr, &size) != 1 || size != size_t(kKeySize))
        return {};
    QByteArray shared(int(size), '\0');
    if (EVP_PKEY_derive(context.get(), reinterpret_cast<unsigned char*>(shared.data()), &size) != 1)
        return {};
    return shared;
}

QByteArray envelopeAad(const QString& backupId, const QString& fingerprint)
{
    return QByteArrayLiteral("ember envelope v1") + '\0' + backupId.toUtf8() + '\0' +
           fingerprint.toUtf8();
}

QByteArray x25519Kek(const QByteArray& shared, const QByteArray& ephemeralPublic,
                     const QByteArray& recipientPublic)
{
    return hkdfSha256(shared, ephemeralPublic + recipientPublic,
                      QByteArrayLiteral("ember envelope x25519 v1"));
}

QByteArray symmetricKek(const QByteArray& masterKey)
{
    return hkdfSha256(masterKey, {}, QByteArrayLiteral("ember envelope kek v1"));
}

// nonce || ciphertext || tag
QByteArray gcmSeal(const QByteArray& key, const QByteArray& plaintext, const QByteArray& aad)
{
    const QByteArray nonce = randomBytes(kObjectNonceSize);
    CipherContextPtr context(EVP_CIPHER_CTX_new());
    QByteArray ciphertext(plaintext.size(), '\0');
    unsigned char tag[kObjectTagSize];
    int length = 0;
    if (!context ||
        EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) !=
            1 ||
        EVP_EncryptUpdate(context.get(), nullptr, &length, bytes(aad), int(aad.size())) != 1 ||
        EVP_EncryptUpdate(context.get(), reinterpret_cast<unsigned char*>(ciphertext.data()),
                          &length, bytes(plaintext), int(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(context.get(), nullptr, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kObjectTagSize, tag) != 1)
        throw Error(QStringLiteral("OpenSSL could not encrypt with AES-256-GCM"));
    return nonce + ciphertext + QByteArray(reinterpret_cast<const char*>(tag), kObjectTagSize);
}

// The plaintext, or nullopt when the tag does not authenticate.
std::optional<QByteArray> gcmOpen(const QByteArray& key, const QByteArray& sealed,
                                  const QByteArray& aad)
{
    if (sealed.size() < kObjectOverhead)
        return std::nullopt;
    const QByteArray nonce = sealed.left(kObjectNonceSize);
    const QByteArray ciphertext = sealed.mid(kObjectNonceSize, sealed.size() - kObjectOverhead);
    QByteArray tag = sealed.right(kObjectTagSize);
    CipherContextPtr context(EVP_CIPHER_CTX_new());
    QByteArray plaintext(ciphertext.size(), '\0');
    int length = 0;
    if (!context ||
        EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce)) !=
            1 ||
        EVP_DecryptUpdate(context.get(), nullptr, &length, bytes(aad), int(aad.size())) != 1 ||
        EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(plaintext.data()),
                          &length, bytes(ciphertext), int(ciphertext.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kObjectTagSize, tag.data()) != 1)
        throw Error(QStringLiteral("OpenSSL could not decrypt with AES-256-GCM"));
    if (EVP_DecryptFinal_ex(context.get(), nullptr, &length) != 1) {
        OPENSSL_cleanse(plaintext.data(), size_t(plaintext.size()));
        return std::nullopt;
    }
    return plaintext;
}

void requireKeySize(const QByteArray& key, const QString& what)
{
    if (key.size() != kKeySize)
        throw Error(
            QStringLiteral("%1 must be %2 bytes, not %3").arg(what).arg(kKeySize).arg(key.size()));
}

QString wrapMethodFor(const KeySet& key)
{
    return key.kind == KeySet::Kind::Symmetric ? kWrapSymmetric : kWrapX25519;
}

// --- Envelope JSON validation ---

Error badField(const QString& field, const QString& problem)
{
    return Error(
        QStringLiteral(
            "the encryption record (ember_encryption) of the backup's metadata is damaged: "
            "field \"%1\" %2")
            .arg(field, problem));
}

QString stringField(const QJsonObject& json, const QString& field)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined())
        throw badField(field, QStringLiteral("is missing"));
    if (!value.isString())
        throw badField(field, QStringLiteral("is not a string"));
    return value.toString();
}

void requireHex(const QString& field, const QString& value, int digits)
{
    static const QRegularExpression lowerHex(QStringLiteral("^[0-9a-f]*$"));
    if (value.size() != digits || !lowerHex.match(value).hasMatch())
        throw badField(field, QStringLiteral("is not %1 lowercase hex digits").arg(digits));
}

QByteArray base64Field(const QJsonObject& json, const QString& field, int size)
{
    const QString text = stringField(json, field);
    const auto decoded =
        QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || text.size() > 4 * ((size + 2) / 3) + 4)
        throw badField(field, QStringLiteral("is not base64"));
    if (decoded.decoded.size() != size)
        throw badField(field, QStringLiteral("holds %1 bytes where %2 are expected")
                                  .arg(decoded.decoded.size())
                                  .arg(size));
    return decoded.decoded;
}

} // namespace

BackupKeys newBackupKeys(const KeySet& key)
{
    requireKeySize(key.macKey, QStringLiteral("the block-MAC key of key %1").arg(key.fingerprint));
    return BackupKeys{randomBytes(kKeySize), key.macKey};
}

QJsonObject Envelope::toJson() const
{
    QJsonObject json;
    json[QStringLiteral("scheme")] = scheme;
    json[QStringLiteral("key")] = keyFingerprint;
    json[QStringLiteral("wrap")] = wrapMethod;
    json[QStringLiteral("wrapped_key")] = QString::fromLatin1(wrappedKeys.toBase64());
    if (wrapMethod == kWrapX25519 || !ephemeralPublic.isEmpty())
        json[QStringLiteral("ephemeral_public")] = QString::fromLatin1(ephemeralPublic.toBase64());
    json[QStringLiteral("block_mac")] = blockMac;
    json[QStringLiteral("mac_key_id")] = macKeyId;
    json[QStringLiteral("sha256file_mac")] = shaFileMac;
    return json;
}

Envelope Envelope::fromJson(const QJsonObject& json)
{
    Envelope envelope;
    envelope.scheme = stringField(json, QStringLiteral("scheme"));
    if (envelope.scheme != kEncryptionScheme)
        throw badField(
            QStringLiteral("scheme"),
            QStringLiteral("names the unknown encryption scheme \"%1\" (this Ember knows %2)")
                .arg(envelope.scheme.left(40), kEncryptionScheme));
    envelope.keyFingerprint = stringField(json, QStringLiteral("key"));
    static const QRegularExpression fingerprintPattern(
        QStringLiteral("^[0-9a-f]{4}(-[0-9a-f]{4}){7}$"));
    if (!fingerprintPattern.match(envelope.keyFingerprint).hasMatch())
        throw badField(
            QStringLiteral("key"),
            QStringLiteral("is not a key fingerprint (8 groups of 4 lowercase hex digits)"));
    envelope.wrapMethod = stringField(json, QStringLiteral("wrap"));
    if (envelope.wrapMethod != kWrapSymmetric && envelope.wrapMethod != kWrapX25519)
        throw badField(
            QStringLiteral("wrap"),
            QStringLiteral("names the unknown wrapping method \"%1\" (this Ember knows %2 and %3)")
                .arg(envelope.wrapMethod.left(40), kWrapSymmetric, kWrapX25519));
    envelope.wrappedKeys = base64Field(json, QStringLiteral("wrapped_key"), kWrappedSize);
    if (envelope.wrapMethod == kWrapX25519)
        envelope.ephemeralPublic = base64Field(json, QStringLiteral("ephemeral_public"), kKeySize);
    else if (json.contains(QStringLiteral("ephemeral_public")))
        throw badField(QStringLiteral("ephemeral_public"),
                       QStringLiteral("is present although the wrapping method %1 has none")
                           .arg(kWrapSymmetric));
    envelope.blockMac = stringField(json, QStringLiteral("block_mac"));
    if (envelope.blockMac != kBlockMacScheme)
        throw badField(QStringLiteral("block_mac"),
                       QStringLiteral("names the unknown block MAC \"%1\" (this Ember knows %2)")
                           .arg(envelope.blockMac.left(40), kBlockMacScheme));
    envelope.macKeyId = stringField(json, QStringLiteral("mac_key_id"));
    requireHex(QStringLiteral("mac_key_id"), envelope.macKeyId, 16);
    envelope.shaFileMac = stringField(json, QStringLiteral("sha256file_mac"));
    requireHex(QStringLiteral("sha256file_mac"), envelope.shaFileMac, 64);
    return envelope;
}

Envelope sealBackupKeys(const KeySet& key, const BackupKeys& keys, const QString& backupId)
{
    requireKeySize(keys.dataKey, QStringLiteral("a backup's data key"));
    requireKeySize(keys.macKey, QStringLiteral("a backup's block-MAC key"));
    Envelope envelope;
    envelope.keyFingerprint = key.fingerprint;
    envelope.wrapMethod = wrapMethodFor(key);
    envelope.macKeyId = macKeyIdOf(keys.macKey);
    Wiped plaintext{keys.dataKey + keys.macKey};
    const QByteArray aad = envelopeAad(backupId, key.fingerprint);
    if (key.kind == KeySet::Kind::Symmetric) {
        requireKeySize(key.secret, QStringLiteral("the master key of key %1").arg(key.fingerprint));
        Wiped kek{symmetricKek(key.secret)};
        envelope.wrappedKeys = gcmSeal(kek.data, plaintext.data, aad);
        return envelope;
    }
    requireKeySize(key.publicKey, QStringLiteral("the public key of key %1").arg(key.fingerprint));
    PkeyPtr recipient = x25519Public(key.publicKey);
    PkeyPtr ephemeral(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    if (!recipient || !ephemeral)
        throw Error(
            QStringLiteral("OpenSSL could not set up X25519 for key %1").arg(key.fingerprint));
    envelope.ephemeralPublic = rawPublic(ephemeral.get());
    Wiped shared{x25519Derive(ephemeral.get(), recipient.get())};
    if (shared.data.isEmpty())
        throw Error(QStringLiteral("the public key of key %1 is not usable for X25519")
                        .arg(key.fingerprint));
    Wiped kek{x25519Kek(shared.data, envelope.ephemeralPublic, key.publicKey)};
    envelope.wrappedKeys = gcmSeal(kek.data, plaintext.data, aad);
    return envelope;
}

BackupKeys openBackupKeys(const KeySet& key, const Envelope& envelope, const QString& backupId)
{
    if (envelope.keyFingerprint != key.fingerprint)
        throw Error(QStringLiteral("backup %1 is sealed under key %2, not under key %3")
                        .arg(backupId, envelope.keyFingerprint, key.fingerprint));
    if (!key.canUnwrap())
        throw Error(
            QStringLiteral(
                "key not available: only the public half of key %1 is here; the private key "
                "is needed to restore")
                .arg(key.fingerprint));
    const QString broken =
        QStringLiteral("the wrapped key of backup %1 does not authenticate under key %2 "
                       "(tampered with or damaged)")
            .arg(backupId, key.fingerprint);
    if (envelope.wrapMethod != wrapMethodFor(key) || envelope.wrappedKeys.size() != kWrappedSize)
        throw SealBroken(broken);
    const QByteArray aad = envelopeAad(backupId, envelope.keyFingerprint);
    Wiped kek;
    if (key.kind == KeySet::Kind::Symmetric) {
        requireKeySize(key.secret, QStringLiteral("the master key of key %1").arg(key.fingerprint));
        kek.data = symmetricKek(key.secret);
    } else {
        requireKeySize(key.secret,
                       QStringLiteral("the private key of key %1").arg(key.fingerprint));
        if (envelope.ephemeralPublic.size() != kKeySize)
            throw SealBroken(broken);
        PkeyPtr own = x25519Private(key.secret);
        if (!own)
            throw Error(
                QStringLiteral("OpenSSL refused the private key of key %1").arg(key.fingerprint));
        const QByteArray recipientPublic =
            key.publicKey.size() == kKeySize ? key.publicKey : rawPublic(own.get());
        PkeyPtr ephemeral = x25519Public(envelope.ephemeralPublic);
        if (!ephemeral)
            throw SealBroken(broken);
        Wiped shared{x25519Derive(own.get(), ephemeral.get())};
        if (shared.data.isEmpty())
            throw SealBroken(broken);
        kek.data = x25519Kek(shared.data, envelope.ephemeralPublic, recipientPublic);
    }
    const std::optional<QByteArray> opened = gcmOpen(kek.data, envelope.wrappedKeys, aad);
    if (!opened || opened->size() != 2 * kKeySize)
        throw SealBroken(broken);
    Wiped plaintext{*opened};
    BackupKeys keys{plaintext.data.left(kKeySize), plaintext.data.mid(kKeySize)};
    if (macKeyIdOf(keys.macKey) != envelope.macKeyId)
        throw SealBroken(
            QStringLiteral("the block-MAC key of backup %1 does not match its mac_key_id %2: the "
                           "metadata was tampered with or damaged")
                .arg(backupId, envelope.macKeyId));
    return keys;
}

Envelope rewrapBackupKeys(const KeySet& oldKey, const KeySet& newKey, const Envelope& envelope,
                          const QString& backupId)
{
    BackupKeys keys = openBackupKeys(oldKey, envelope, backupId);
    Envelope rewrapped = sealBackupKeys(newKey, keys, backupId);
    OPENSSL_cleanse(keys.dataKey.data(), size_t(keys.dataKey.size()));
    rewrapped.scheme = envelope.scheme;
    rewrapped.blockMac = envelope.blockMac;
    rewrapped.macKeyId = envelope.macKeyId;
    rewrapped.shaFileMac = envelope.shaFileMac;
    return rewrapped;
}

QString macKeyIdOf(const QByteArray& macKey)
{
    return QString::fromLatin1(
        hmacSha256(macKey, QByteArrayLiteral("ember mac key id v1")).left(8).toHex());
}

// --- BlockMac ---

struct BlockMac::State
{
    EVP_MAC* mac = nullptr;
    // Keyed once; every compute() works on a copy, so calls from several
    // threads never share a context and never re-run the key schedule.
    EVP_MAC_CTX* keyed = nullptr;
    ~State()
    {
        EVP_MAC_CTX_free(keyed);
        EVP_MAC_free(mac);
    }
};

BlockMac::BlockMac(const QByteArray& macKey) : m_state(std::make_unique<State>())
{
    requireKeySize(macKey, QStringLiteral("the block-MAC key"));
    m_state->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    m_state->keyed = m_state->mac ? EVP_MAC_CTX_new(m_state->mac) : nullptr;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (!m_state->keyed ||
        EVP_MAC_init(m_state->keyed, bytes(macKey), size_t(macKey.size()), params) != 1)
        throw Error(QStringLiteral("OpenSSL could not set up HMAC-SHA-256"));
}

BlockMac::~BlockMac() = default;

void BlockMac::compute(const char* data, size_t length, unsigned char out[32]) const
{
    EVP_MAC_CTX* context = EVP_MAC_CTX_dup(m_state->keyed);
    size_t size = 0;
    const bool ok =
        context &&
        EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(data), length) == 1 &&
        EVP_MAC_final(context, out, &size, kMacSize) == 1 && size == size_t(kMacSize);
    EVP_MAC_CTX_free(context);
    if (!ok)
        throw Error(QStringLiteral("OpenSSL could not compute a block's HMAC-SHA-256"));
}

QString shaFileMac(const QByteArray& macKey, const QString& backupId, const QByteArray& shaFile)
{
    requireKeySize(macKey, QStringLiteral("the block-MAC key"));
    return QString::fromLatin1(hmacSha256(macKey, QByteArrayLiteral("ember sha256file v1") + '\0' +
                                                      backupId.toUtf8() + '\0' + shaFile)
                                   .toHex());
}

// --- objects ---

QByteArray ObjectBinding::associatedData() const
{
    const QList<QByteArray> fields{backupId.toUtf8(),          objectName.toUtf8(),
                                   QByteArray::number(index),  QByteArray::number(objectCount),
                                   QByteArray::number(offset), QByteArray::number(length),
                                   compression.toUtf8()};
    QByteArray aad = QByteArrayLiteral("ember object v1");
    for (const QByteArray& field : fields)
        aad += '\0' + field;
    return aad;
}

ObjectEncryptor::ObjectEncryptor(const QByteArray& dataKey, const ObjectBinding& binding)
{
    // Checked before the context exists: a throwing constructor runs no destructor.
    requireKeySize(dataKey, QStringLiteral("a backup's data key"));
    m_nonce = randomBytes(kObjectNonceSize);
    m_context = EVP_CIPHER_CTX_new();
    const QByteArray aad = binding.associatedData();
    int length = 0;
    if (!m_context ||
        EVP_EncryptInit_ex(m_context, EVP_aes_256_gcm(), nullptr, bytes(dataKey), bytes(m_nonce)) !=
            1 ||
        EVP_EncryptUpdate(m_context, nullptr, &length, bytes(aad), int(aad.size())) != 1) {
        EVP_CIPHER_CTX_free(m_context);
        throw Error(QStringLiteral("OpenSSL could not start AES-256-GCM for object %1")
                        .arg(binding.objectName));
    }
}

ObjectEncryptor::~ObjectEncryptor()
{
    EVP_CIPHER_CTX_free(m_context);
}

QByteArray ObjectEncryptor::begin()
{
    return m_nonce;
}

void ObjectEncryptor::update(const char* data, size_t length, QByteArray& out)
{
    const qsizetype start = out.size();
    out.resize(start + qsizetype(length));
    auto* target = reinterpret_cast<unsigned char*>(out.data() + start);
    const auto* source = reinterpret_cast<const unsigned char*>(data);
    // EVP takes int lengths: large inputs go in pieces.
    size_t done = 0;
    while (done < length) {
        const int piece = int(std::min<size_t>(length - done, size_t(1) << 30));
        int written = 0;
        if (EVP_EncryptUpdate(m_context, target + done, &written, source + done, piece) != 1 ||
            written != piece)
            throw Error(QStringLiteral("OpenSSL could not encrypt with AES-256-GCM"));
        done += size_t(piece);
    }
}

QByteArray ObjectEncryptor::finish()
{
    int length = 0;
    unsigned char tag[kObjectTagSize];
    if (EVP_EncryptFinal_ex(m_context, nullptr, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(m_context, EVP_CTRL_GCM_GET_TAG, kObjectTagSize, tag) != 1)
        throw Error(QStringLiteral("OpenSSL could not finish AES-256-GCM"));
    return QByteArray(reinterpret_cast<const char*>(tag), kObjectTagSize);
}

ObjectDecryptor::ObjectDecryptor(const QByteArray& dataKey, const ObjectBinding& binding)
    : m_binding(binding), m_dataKey(dataKey)
{
    requireKeySize(dataKey, QStringLiteral("a backup's data key"));
    m_context = EVP_CIPHER_CTX_new();
    if (!m_context ||
        EVP_DecryptInit_ex(m_context, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1) {
        EVP_CIPHER_CTX_free(m_context);
        throw Error(QStringLiteral("OpenSSL could not start AES-256-GCM for object %1")
                        .arg(binding.objectName));
    }
}

ObjectDecryptor::~ObjectDecryptor()
{
    EVP_CIPHER_CTX_free(m_context);
    if (!m_dataKey.isEmpty())
        OPENSSL_cleanse(m_dataKey.data(), size_t(m_dataKey.size()));
}

void ObjectDecryptor::feed(const char* data, size_t length, const Sink& sink)
{
    if (!m_started) {
        const size_t wanted = std::min(length, size_t(kObjectNonceSize - m_pending.size()));
        m_pending.append(data, qsizetype(wanted));
        data += wanted;
        length -= wanted;
        if (m_pending.size() < kObjectNonceSize)
            return;
        const QByteArray aad = m_binding.associatedData();
        int written = 0;
        if (EVP_DecryptInit_ex(m_context, nullptr, nullptr, bytes(m_dataKey), bytes(m_pending)) !=
                1 ||
            EVP_DecryptUpdate(m_context, nullptr, &written, bytes(aad), int(aad.size())) != 1)
            throw Error(QStringLiteral("OpenSSL could not start AES-256-GCM for object %1")
                            .arg(m_binding.objectName));
        OPENSSL_cleanse(m_dataKey.data(), size_t(m_dataKey.size()));
        m_dataKey.clear();
        m_pending.clear();
        m_started = true;
    }
    if (length == 0)
        return;

    std::vector<unsigned char> plain;
    auto decrypt = [&](const char* source, size_t size) {
        while (size > 0) {
            const size_t piece = std::min(size, kDecryptPiece);
            plain.resize(piece);
            int written = 0;
            if (EVP_DecryptUpdate(m_context, plain.data(), &written,
                                  reinterpret_cast<const unsigned char*>(source),
                                  int(piece)) != 1 ||
                written != int(piece))
                throw Error(QStringLiteral("OpenSSL could not decrypt object %1")
                                .arg(m_binding.objectName));
            sink(reinterpret_cast<const char*>(plain.data()), piece);
            source += piece;
            size -= piece;
        }
    };
    // The last kObjectTagSize bytes seen so far may be the tag: hold them back.
    if (length >= size_t(kObjectTagSize)) {
        const QByteArray held = m_pending;
        decrypt(held.constData(), size_t(held.size()));
        decrypt(data, length - kObjectTagSize);
        m_pending = QByteArray(data + length - kObjectTagSize, kObjectTagSize);
    } else {
        m_pending.append(data, qsizetype(length));
        const qsizetype release = m_pending.size() - kObjectTagSize;
        if (release > 0) {
            const QByteArray released = m_pending.left(release);
            m_pending.remove(0, release);
            decrypt(released.constData(), size_t(released.size()));
        }
    }
}

void ObjectDecryptor::finish()
{
    const QString broken =
        QStringLiteral("object %1 of backup %2 does not authenticate: tampered with, damaged "
                       "or sealed under another key")
            .arg(m_binding.objectName, m_binding.backupId);
    if (!m_started || m_pending.size() < kObjectTagSize)
        throw SealBroken(broken + QStringLiteral(" (it is too short to hold a nonce and a tag)"));
    int length = 0;
    if (EVP_CIPHER_CTX_ctrl(m_context, EVP_CTRL_GCM_SET_TAG, kObjectTagSize, m_pending.data()) != 1)
        throw Error(QStringLiteral("OpenSSL could not check the tag of object %1")
                        .arg(m_binding.objectName));
    if (EVP_DecryptFinal_ex(m_context, nullptr, &length) != 1)
        throw SealBroken(broken);
}

} // namespace ember
