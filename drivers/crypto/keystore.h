// The host's master keys (keys.h): the material in the OS keyring through
// SecretStore (under the name "@keys", one entry per fingerprint, the
// exportKeyText form), and an index of what is here (fingerprint, kind,
// label, created, which halves) in <data dir>/keys.json (mode 0600, no
// secret in it) so lists and "key not available" need no keyring access.
#pragma once

#include "keys.h"

#include <QList>
#include <QSet>
#include <QString>

#include <map>
#include <mutex>

namespace ember {

class SecretStore;

struct KeyInfo
{
    QString fingerprint;
    QString kind; // KeySet::kindName()
    QString label;
    QDateTime created;
    bool canUnwrap = false; // the secret (symmetric key or private half) is here
    // A copy exists outside this host: the key was exported (file or paper)
    // or imported. Encryption is turned on only with an exported key.
    bool exported = false;
};

class KeyStore
{
public:
    // `indexFile` defaults to <defaultDataDirectory()>/keys.json.
    explicit KeyStore(SecretStore& secrets, const QString& indexFile = {});

    // The index, newest first. Never touches the keyring.
    QList<KeyInfo> list() const;
    std::optional<KeyInfo> info(const QString& fingerprint) const;
    // Fingerprints whose secret part is here (from the index).
    QSet<QString> unwrappable() const;

    // The whole key set from the keyring; nullopt when not in the index.
    // Throws Error when the keyring cannot be read or its entry is damaged.
    std::optional<KeySet> find(const QString& fingerprint);

    // Stores `key` (keyring first, then the index). Adding the full key set
    // over a public-only one of the same fingerprint completes it; adding a
    // public-only one over a full one keeps the full one.
    KeyInfo add(const KeySet& key, bool imported = false);
    void remove(const QString& fingerprint);
    // Records that a copy of the key left this host (after a key file or a
    // paper key was written); imports are marked by add() when `imported`.
    void markExported(const QString& fingerprint);

    // A fingerprint from what a user typed: a whole fingerprint, or a unique
    // prefix of at least 4 hex digits (dashes ignored). Throws Error naming
    // the candidates when it is ambiguous, or saying none matches.
    QString resolve(const QString& typed) const;

    // For the engine: find() with an in-process cache; thread-safe. The store
    // must outlive it.
    KeyLookup lookup();

    QString indexFile() const { return m_indexFile; }
    static QString secretsName() { return QStringLiteral("@keys"); }

private:
    SecretStore& m_secrets;
    QString m_indexFile;
    std::mutex m_cacheMutex;
    std::map<QString, KeySet> m_cache;
};

} // namespace ember
