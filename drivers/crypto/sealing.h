// How one backup is sealed: its data key and block-MAC key, wrapped by a
// master key (keys.h) into an envelope stored in the backup's `_metadata`;
// each data object encrypted with AES-256-GCM under the data key, with its
// name, index, place and backup bound as associated data; the `_sha256file`
// list made of HMAC-SHA-256 block MACs and itself authenticated.
//
// Stored object layout: 12-byte random nonce || ciphertext || 16-byte tag.
// Everything read back is untrusted: every failure throws ember::Error (or
// SealBroken) naming what did not authenticate.
#pragma once

#include "keys.h"

#include <QJsonObject>

#include <array>
#include <functional>
#include <memory>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace ember {

inline const QString kEncryptionScheme = QStringLiteral("aes-256-gcm");
inline const QString kBlockMacScheme = QStringLiteral("hmac-sha256");
constexpr int kObjectNonceSize = 12;
constexpr int kObjectTagSize = 16;
constexpr int kObjectOverhead = kObjectNonceSize + kObjectTagSize;

// A stored object, wrapped key or MAC that did not authenticate: tampered
// with, damaged, or sealed under another key.
class SealBroken : public Error
{
public:
    using Error::Error;
};

// The secrets of one backup: a fresh data key per backup, and the chain's
// block-MAC key (the key set's macKey).
struct BackupKeys
{
    QByteArray dataKey; // 32 bytes
    QByteArray macKey;  // 32 bytes
};

// Fresh data key, `key.macKey` as the block-MAC key.
BackupKeys newBackupKeys(const KeySet& key);

// The envelope: the backup's keys wrapped by a master key, with what is
// needed to open it again. Its JSON is the `_metadata` field
// "ember_encryption":
//   {"scheme": "aes-256-gcm", "key": <fingerprint>, "wrap": <method>,
//    "wrapped_key": <base64>, "ephemeral_public": <base64, x25519 only>,
//    "block_mac": "hmac-sha256", "mac_key_id": <16 hex>,
//    "sha256file_mac": <64 hex>}
struct Envelope
{
    QString scheme = kEncryptionScheme;
    QString keyFingerprint;
    // "aes-256-gcm-kek": AES-256-GCM under a key derived (HKDF-SHA-256) from
    // the master key; "x25519-hkdf-aes-256-gcm": ECDH of a fresh ephemeral
    // key pair with the recipient's public key, HKDF-SHA-256, AES-256-GCM.
    // The backup id and the fingerprint are the associated data, so an
    // envelope moved to another backup does not open.
    QString wrapMethod;
    QByteArray wrappedKeys;     // nonce || ciphertext(dataKey || macKey) || tag
    QByteArray ephemeralPublic; // x25519 only
    QString blockMac = kBlockMacScheme;
    QString macKeyId;   // macKeyIdOf(macKey): compares chains without unwrapping
    QString shaFileMac; // shaFileMac(...) of the backup's `_sha256file`, 64 hex

    QJsonObject toJson() const;
    // Throws Error naming the field for anything missing, of the wrong type
    // or size, or an unknown scheme or method.
    static Envelope fromJson(const QJsonObject& json);
};

// Wraps `keys` for `backupId` under `key` (symmetric or public half).
Envelope sealBackupKeys(const KeySet& key, const BackupKeys& keys, const QString& backupId);

// Unwraps with `key` (must match envelope.keyFingerprint and canUnwrap());
// throws SealBroken when the envelope does not open ("the wrapped key of
// backup X does not authenticate under key F") and Error when the key cannot
// unwrap (public half only). Checks macKeyId against the unwrapped key.
BackupKeys openBackupKeys(const KeySet& key, const Envelope& envelope, const QString& backupId);

// The same keys wrapped again by `newKey` (rotation): wrappedKeys,
// ephemeralPublic, wrapMethod and keyFingerprint change; the rest is kept.
Envelope rewrapBackupKeys(const KeySet& oldKey, const KeySet& newKey, const Envelope& envelope,
                          const QString& backupId);

// 16 hex digits naming a block-MAC key without revealing it.
QString macKeyIdOf(const QByteArray& macKey);

// HMAC-SHA-256 of whole blocks under the block-MAC key: the encrypted
// mode's `_sha256file` entries. Thread-safe (const); cheap to call per block.
class BlockMac
{
public:
    explicit BlockMac(const QByteArray& macKey);
    ~BlockMac();
    BlockMac(const BlockMac&) = delete;
    BlockMac& operator=(const BlockMac&) = delete;
    void compute(const char* data, size_t length, unsigned char out[32]) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// HMAC-SHA-256 (64 hex) of a backup's `_sha256file` bytes bound to its id.
QString shaFileMac(const QByteArray& macKey, const QString& backupId, const QByteArray& shaFile);

// Associated data of one data object: a backup's objects cannot be swapped,
// dropped, moved or replayed from another backup without failing the tag.
struct ObjectBinding
{
    QString backupId;
    QString objectName;
    qint64 index = 0;       // 0-based position in `_metadata`
    qint64 objectCount = 0; // objects the backup has
    qint64 offset = 0;      // volume offset
    qint64 length = 0;      // raw length
    QString compression;    // the tag recorded in `_metadata`
    QByteArray associatedData() const;
};

// Streams one object's encryption: begin() gives the nonce (the first bytes
// to store), update() ciphertext, finish() the tag (the last bytes).
class ObjectEncryptor
{
public:
    ObjectEncryptor(const QByteArray& dataKey, const ObjectBinding& binding);
    ~ObjectEncryptor();
    ObjectEncryptor(const ObjectEncryptor&) = delete;
    ObjectEncryptor& operator=(const ObjectEncryptor&) = delete;
    QByteArray begin();
    void update(const char* data, size_t length, QByteArray& out); // appends to out
    QByteArray finish();

private:
    EVP_CIPHER_CTX* m_context = nullptr;
    QByteArray m_nonce;
};

// Streams one object's decryption: feed() the stored bytes in any pieces,
// plaintext goes to `sink` as it is decrypted (the caller must not trust it
// before finish()); finish() checks the tag and throws SealBroken
// ("object X of backup Y does not authenticate: tampered with, damaged or
// sealed under another key") when it fails or the object is too short.
class ObjectDecryptor
{
public:
    using Sink = std::function<void(const char* data, size_t length)>;
    ObjectDecryptor(const QByteArray& dataKey, const ObjectBinding& binding);
    ~ObjectDecryptor();
    ObjectDecryptor(const ObjectDecryptor&) = delete;
    ObjectDecryptor& operator=(const ObjectDecryptor&) = delete;
    void feed(const char* data, size_t length, const Sink& sink);
    void finish();

private:
    EVP_CIPHER_CTX* m_context = nullptr;
    ObjectBinding m_binding;
    QByteArray m_dataKey;
    QByteArray m_pending; // nonce until complete, then the held-back tail (tag candidate)
    bool m_started = false;
};

} // namespace ember
