// Master keys for encryption at rest: what they are, how they are named
// (a fingerprint), and their text form (a key file and the paper key).
//
// A key set is either symmetric (one AES-256 master key that wraps and
// unwraps data keys) or an X25519 key pair (the public half wraps, only the
// private half unwraps: a host holding only the public half makes backups it
// cannot restore). Every key set also carries a block-MAC key: the secret
// the per-block HMAC-SHA-256 list of a backup is keyed with. Incrementals
// compare those MACs with their parent's, so a chain keeps one block-MAC key;
// rotation (rotatedKey) keeps it and replaces only the wrapping key.
//
// Everything parsed here (key files, paper keys typed back in) is untrusted
// input: importKeyText throws ember::Error naming what is wrong and never
// crashes.
#pragma once

#include "records.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <functional>
#include <optional>

namespace ember {

struct KeySet
{
    enum class Kind
    {
        Symmetric, // "aes-256"
        X25519     // "x25519"
    };
    Kind kind = Kind::Symmetric;
    // Identifies the key set without revealing it: 32 lowercase hex digits in
    // groups of four joined by '-', e.g. "3f2a-9c1d-...". Symmetric: from the
    // master key; X25519: from the public key. Same key -> same fingerprint.
    QString fingerprint;
    QString label;     // free text the admin chose ("prod backups 2026")
    QDateTime created; // UTC
    // Symmetric: the 32-byte master key. X25519: the 32-byte private key, or
    // empty when only the public half is here.
    QByteArray secret;
    QByteArray publicKey; // X25519: 32 bytes; symmetric: empty
    QByteArray macKey;    // 32 bytes, always present

    // True when this key set can open (unwrap) data keys.
    bool canUnwrap() const { return !secret.isEmpty(); }
    // "aes-256" or "x25519".
    QString kindName() const;
    // The key set without its private half (X25519 only; a symmetric key has
    // no public half and is returned unchanged).
    KeySet publicOnly() const;
};

// A fresh random key set (OpenSSL's CSPRNG). `created` is now.
KeySet generateKeySet(KeySet::Kind kind, const QString& label);

// A new key set of the same kind (fresh wrapping key or key pair), same
// label with " (rotated)" appended unless `label` is given, same block-MAC
// key: the chains of `old` go on with the new key.
KeySet rotatedKey(const KeySet& old, const QString& label = {});

// The fingerprint of a key set's identifying material (see KeySet).
QString keyFingerprint(KeySet::Kind kind, const QByteArray& secretOrPublic);

// Which halves the text form holds.
enum class KeyPart
{
    Full,      // everything this key set has (symmetric: the key; X25519: both halves)
    PublicOnly // X25519: the public half and the block-MAC key (no private key)
};

// The key file and paper key text: armored, line-oriented, every line
// typable by hand. Layout:
//   -----BEGIN EMBER KEY-----
//   Fingerprint: 3f2a-9c1d-...
//   Kind: aes-256 | x25519 | x25519-public
//   Label: ...
//   Created: 2026-12-07T12:00:00Z
//   (blank line)
//   groups of 4 base32 (RFC 4648, no padding) characters, 8 groups a line,
//   each line followed by a 2-character line checksum, so a mistyped line is
//   named by number
//   -----END EMBER KEY-----
// The material encodes secret (may be empty), public key, block-MAC key and
// a whole-key checksum.
QString exportKeyText(const KeySet& key, KeyPart part = KeyPart::Full);

// Reads a key file or a paper key typed back in: case, spaces, blank lines
// and text around the armor are ignored; a wrong line checksum names the
// line; the fingerprint must match the material.
KeySet importKeyText(const QString& text);

// Finds a key set by fingerprint; nullopt when this host does not have it.
// May throw Error when the keyring cannot be read.
using KeyLookup = std::function<std::optional<KeySet>(const QString& fingerprint)>;

} // namespace ember
