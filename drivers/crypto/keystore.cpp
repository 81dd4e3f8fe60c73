#include "keystore.h"

#include "backendregistry.h"
#include "secretstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>

namespace ember {

namespace {

constexpr int kIndexVersion = 1;
constexpr int kMinimumPrefix = 4;

QString compactFingerprint(QString text)
{
    text.remove(QRegularExpression(QStringLiteral("[\\s-]")));
    return text.toLower();
}

QJsonObject toJson(const KeyInfo& info)
{
    QJsonObject json;
    json[QStringLiteral("fingerprint")] = info.fingerprint;
    json[QStringLiteral("kind")] = info.kind;
    json[QStringLiteral("label")] = info.label;
    json[QStringLiteral("created")] = info.created.toUTC().toString(Qt::ISODate);
    json[QStringLiteral("canUnwrap")] = info.canUnwrap;
    json[QStringLiteral("exported")] = info.exported;
    return json;
}

QList<KeyInfo> readIndex(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly))
        throw Error(
            QStringLiteral("cannot read the key index %1: %2").arg(path, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject() ||
        !document.object().value(QStringLiteral("keys")).isArray())
        throw Error(QStringLiteral(
                        "the key index %1 is damaged (%2); the keys themselves are in the keyring "
                        "and can be imported again from their exported copies")
                        .arg(path, parseError.error != QJsonParseError::NoError
                                       ? parseError.errorString()
                                       : QStringLiteral("no key list")));
    QList<KeyInfo> keys;
    for (const QJsonValue& value : document.object().value(QStringLiteral("keys")).toArray()) {
        const QJsonObject json = value.toObject();
        KeyInfo info;
        info.fingerprint = json.value(QStringLiteral("fingerprint")).toString();
        info.kind = json.value(QStringLiteral("kind")).toString();
        info.label = json.value(QStringLiteral("label")).toString();
        info.created =
            QDateTime::fromString(json.value(QStringLiteral("created")).toString(), Qt::ISODate);
        info.canUnwrap = json.value(QStringLiteral("canUnwrap")).toBool();
        info.exported = json.value(QStringLiteral("exported")).toBool();
        if (info.fingerprint.isEmpty())
            throw Error(QStringLiteral("the key index %1 is damaged: an entry has no fingerprint")
                            .arg(path));
        keys << info;
    }
    return keys;
}

void ensureIndexDirectory(const QString& path)
{
    if (path == defaultDataDirectory() + QStringLiteral("/keys.json"))
        privateDataDirectory(); // created 0700
    else
        QDir().mkpath(QFileInfo(path).absolutePath());
}

void writeIndex(const QString& path, const QList<KeyInfo>& keys)
{
    ensureIndexDirectory(path);
    QJsonArray array;
    for (const KeyInfo& info : keys)
        array.append(toJson(info));
    QJsonObject root;
    root[QStringLiteral("version")] = kIndexVersion;
    root[QStringLiteral("keys")] = array;
    const QByteArray content = QJsonDocument(root).toJson(QJsonDocument::Indented);
    // Written beside the index and renamed over it: a crash never leaves half an index.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        throw Error(
            QStringLiteral("cannot write the key index %1: %2").arg(path, file.errorString()));
    if (file.write(content) != content.size() || !file.commit())
        throw Error(
            QStringLiteral("cannot write the key index %1: %2").arg(path, file.errorString()));
}

// Held across a read-modify-write of the index: the GUI and ember-cli may
// change keys at the same moment, and the later write must not drop the
// earlier one's entry. A lock left by a crashed process goes stale after 30 s.
class IndexLock
{
public:
    explicit IndexLock(const QString& indexFile) : m_lock(indexFile + QStringLiteral(".lock"))
    {
        ensureIndexDirectory(indexFile);
        m_lock.setStaleLockTime(30000);
        if (!m_lock.tryLock(60000))
            throw Error(QStringLiteral("the key index %1 is locked by another Ember process (%2); "
                                       "try again when it has finished")
                            .arg(indexFile, m_lock.fileName()));
    }

private:
    QLockFile m_lock;
};

// The fingerprint the key's own material gives: an entry never goes in under another name.
QString materialFingerprint(const KeySet& key)
{
    return keyFingerprint(key.kind,
                          key.kind == KeySet::Kind::Symmetric ? key.secret : key.publicKey);
}

// The index entry of `wanted`; Error naming what was `typed` when there is none.
QList<KeyInfo>::iterator indexEntry(QList<KeyInfo>& keys, const QString& wanted,
                                    const QString& typed)
{
    const auto found = std::find_if(
        keys.begin(), keys.end(), [&](const KeyInfo& info) { return info.fingerprint == wanted; });
    if (found == keys.end())
        throw Error(QStringLiteral("there is no key %1 on this host").arg(typed));
    return found;
}

} // namespace

KeyStore::KeyStore(SecretStore& secrets, const QString& indexFile)
    : m_secrets(secrets),
      m_indexFile(indexFile.isEmpty() ? defaultDataDirectory() + QStringLiteral("/keys.json")
                                      : indexFile)
{
}

QList<KeyInfo> KeyStore::list() const
{
    QList<KeyInfo> keys = readIndex(m_indexFile);
    std::stable_sort(keys.begin(), keys.end(),
                     [](const KeyInfo& a, const KeyInfo& b) { return a.created > b.created; });
    return keys;
}

std::optional<KeyInfo> KeyStore::info(const QString& fingerprint) const
{
    const QString wanted = fingerprint.trimmed().toLower();
    for (const KeyInfo& info : readIndex(m_indexFile)) {
        if (info.fingerprint == wanted)
            return info;
    }
    return std::nullopt;
}

QSet<QString> KeyStore::unwrappable() const
{
    QSet<QString> fingerprints;
    for (const KeyInfo& info : readIndex(m_indexFile)) {
        if (info.canUnwrap)
            fingerprints.insert(info.fingerprint);
    }
    return fingerprints;
}

std::optional<KeySet> KeyStore::find(const QString& fingerprint)
{
    const std::optional<KeyInfo> known = info(fingerprint);
    if (!known)
        return std::nullopt;
    const std::optional<QString> text = m_secrets.readBlocking(secretsName(), known->fingerprint);
    if (!text)
        throw Error(QStringLiteral(
                        "key %1 is listed on this host but the keyring has no entry for it; import "
                        "it again from its key file or paper key")
                        .arg(known->fingerprint));
    KeySet key;
    try {
        key = importKeyText(*text);
    } catch (const Error& error) {
        throw Error(QStringLiteral(
                        "the keyring entry of key %1 is damaged: %2; import the key again from its "
                        "key file or paper key")
                        .arg(known->fingerprint, error.message()));
    }
    if (key.fingerprint != known->fingerprint)
        throw Error(
            QStringLiteral(
                "the keyring entry of key %1 holds key %2 instead; import the key again from "
                "its key file or paper key")
                .arg(known->fingerprint, key.fingerprint));
    return key;
}

KeyInfo KeyStore::add(const KeySet& key, bool imported)
{
    if (key.fingerprint.isEmpty() || materialFingerprint(key) != key.fingerprint)
        throw Error(QStringLiteral("key %1 does not match its own material; it was not stored")
                        .arg(key.fingerprint));
    const IndexLock indexLock(m_indexFile);
    QList<KeyInfo> keys = readIndex(m_indexFile);
    auto existing = std::find_if(keys.begin(), keys.end(), [&](const KeyInfo& info) {
        return info.fingerprint == key.fingerprint;
    });
    const bool keepExisting = existing != keys.end() && existing->canUnwrap && !key.canUnwrap();
    if (keepExisting) {
        // The full key set is here already; the public half adds nothing.
        if (imported && !existing->exported) {
            existing->exported = true;
            writeIndex(m_indexFile, keys);
        }
        return *existing;
    }
    // The keyring first: an index entry always has its material.
    m_secrets.writeBlocking(secretsName(), key.fingerprint, exportKeyText(key, KeyPart::Full));
    KeyInfo info;
    info.fingerprint = key.fingerprint;
    info.kind = key.kindName();
    info.label = key.label;
    info.created = key.created.isValid() ? key.created.toUTC() : QDateTime::currentDateTimeUtc();
    info.canUnwrap = key.canUnwrap();
    info.exported = imported;
    if (existing != keys.end()) {
        info.exported = info.exported || existing->exported;
        if (info.label.isEmpty())
            info.label = existing->label;
        *existing = info;
    } else {
        keys << info;
    }
    writeIndex(m_indexFile, keys);
    {
        std::lock_guard lock(m_cacheMutex);
        m_cache.erase(key.fingerprint);
    }
    return info;
}

void KeyStore::remove(const QString& fingerprint)
{
    const IndexLock indexLock(m_indexFile);
    QList<KeyInfo> keys = readIndex(m_indexFile);
    const QString wanted = fingerprint.trimmed().toLower();
    const auto found = indexEntry(keys, wanted, fingerprint);
    m_secrets.removeBlocking(secretsName(), wanted);
    keys.erase(found);
    writeIndex(m_indexFile, keys);
    std::lock_guard lock(m_cacheMutex);
    m_cache.erase(wanted);
}

void KeyStore::markExported(const QString& fingerprint)
{
    const IndexLock indexLock(m_indexFile);
    QList<KeyInfo> keys = readIndex(m_indexFile);
    const QString wanted = fingerprint.trimmed().toLower();
    const auto found = indexEntry(keys, wanted, fingerprint);
    if (found->exported)
        return;
    found->exported = true;
    writeIndex(m_indexFile, keys);
}

QString KeyStore::resolve(const QString& typed) const
{
    const QString prefix = compactFingerprint(typed);
    static const QRegularExpression hexOnly(QStringLiteral("^[0-9a-f]*$"));
    if (!hexOnly.match(prefix).hasMatch())
        throw Error(QStringLiteral(
                        "\"%1\" is not a key fingerprint: fingerprints are hex digits in groups of "
                        "four, like 3f2a-9c1d-...")
                        .arg(typed));
    if (prefix.size() < kMinimumPrefix)
        throw Error(QStringLiteral(
                        "\"%1\" is too short: type at least %2 hex digits of the key's fingerprint")
                        .arg(typed)
                        .arg(kMinimumPrefix));
    QStringList matches;
    for (const KeyInfo& info : list()) {
        if (compactFingerprint(info.fingerprint).startsWith(prefix))
            matches << info.fingerprint;
    }
    if (matches.isEmpty())
        throw Error(
            QStringLiteral("no key on this host has a fingerprint starting with %1").arg(typed));
    if (matches.size() > 1)
        throw Error(QStringLiteral("%1 matches several keys (%2): type more of the fingerprint")
                        .arg(typed, matches.join(QStringLiteral(", "))));
    return matches.first();
}

KeyLookup KeyStore::lookup()
{
    return [this](const QString& fingerprint) -> std::optional<KeySet> {
        // One lookup at a time: parallel workers asking for the same key make
        // one keyring read (and at most one prompt), not one each.
        std::lock_guard lock(m_cacheMutex);
        const QString wanted = fingerprint.trimmed().toLower();
        if (const auto cached = m_cache.find(wanted); cached != m_cache.end())
            return cached->second;
        std::optional<KeySet> key = find(wanted);
        if (key)
            m_cache.emplace(wanted, *key);
        return key;
    };
}

} // namespace ember
