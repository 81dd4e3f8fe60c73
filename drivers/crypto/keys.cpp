#include "keys.h"

#include <QRegularExpression>
#include <QStringList>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace ember {

namespace {

constexpr int kKeySize = 32;
// Material bytes per text line: 20 bytes are exactly 32 base32 characters,
// so every full line decodes on its own.
constexpr int kBytesPerLine = 20;
constexpr int kGroupSize = 4;
constexpr int kMaterialVersion = 1;
constexpr int kMaterialChecksumSize = 4;

const char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const QString kBeginLine = QStringLiteral("-----BEGIN EMBER KEY-----");
const QString kEndLine = QStringLiteral("-----END EMBER KEY-----");
const QString kSymmetricName = QStringLiteral("aes-256");
const QString kX25519Name = QStringLiteral("x25519");
const QString kX25519PublicName = QStringLiteral("x25519-public");

// The kind code inside the material: the header's Kind line must agree.
enum MaterialKind : unsigned char
{
    MaterialSymmetric = 1,
    MaterialX25519 = 2,
    MaterialX25519Public = 3
};

struct PkeyDeleter
{
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

QByteArray randomBytes(int size)
{
    QByteArray bytes(size, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), size) != 1)
        throw Error(QStringLiteral("OpenSSL's random generator failed; no key was made"));
    return bytes;
}

QByteArray sha256(const QByteArray& data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.constData(), size_t(data.size()), out, &size, EVP_sha256(), nullptr) != 1)
        throw Error(QStringLiteral("OpenSSL could not compute SHA-256"));
    return QByteArray(reinterpret_cast<const char*>(out), int(size));
}

QByteArray rawX25519Key(EVP_PKEY* key, bool privateHalf)
{
    QByteArray raw(kKeySize, '\0');
    size_t size = size_t(raw.size());
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    const int ok = privateHalf ? EVP_PKEY_get_raw_private_key(key, out, &size)
                               : EVP_PKEY_get_raw_public_key(key, out, &size);
    if (ok != 1 || size != size_t(kKeySize))
        throw Error(QStringLiteral("OpenSSL could not read an X25519 key"));
    return raw;
}

// The public half of an X25519 private key; empty when OpenSSL refuses it.
QByteArray x25519PublicOf(const QByteArray& privateKey)
{
    if (privateKey.size() != kKeySize)
        return {};
    PkeyPtr key(EVP_PKEY_new_raw_private_key(
        EVP_PKEY_X25519, nullptr, reinterpret_cast<const unsigned char*>(privateKey.constData()),
        size_t(privateKey.size())));
    if (!key)
        return {};
    return rawX25519Key(key.get(), false);
}

void fillWithFreshKeys(KeySet& key)
{
    if (key.kind == KeySet::Kind::Symmetric) {
        key.secret = randomBytes(kKeySize);
        key.publicKey.clear();
        return;
    }
    PkeyPtr pair(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    if (!pair)
        throw Error(QStringLiteral("OpenSSL could not generate an X25519 key pair"));
    key.secret = rawX25519Key(pair.get(), true);
    key.publicKey = rawX25519Key(pair.get(), false);
}

// Compiled once: importKeyText runs them on every line.
const QRegularExpression& whitespace()
{
    static const QRegularExpression pattern(QStringLiteral("\\s"));
    return pattern;
}

// --- base32 (RFC 4648 alphabet, no padding) ---

QString base32Encode(const QByteArray& bytes)
{
    QString out;
    quint32 buffer = 0;
    int bits = 0;
    for (const char byte : bytes) {
        buffer = (buffer << 8) | quint8(byte);
        bits += 8;
        while (bits >= 5) {
            out += QLatin1Char(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0)
        out += QLatin1Char(kBase32Alphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

int base32Value(QChar character)
{
    const char16_t c = character.unicode();
    if (c >= u'A' && c <= u'Z')
        return c - u'A';
    if (c >= u'2' && c <= u'7')
        return c - u'2' + 26;
    return -1;
}

// `text` holds only alphabet characters (checked line by line before).
QByteArray base32Decode(const QString& text)
{
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    for (const QChar character : text) {
        buffer = (buffer << 5) | quint32(base32Value(character));
        bits += 5;
        if (bits >= 8) {
            out += char((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

// Two base32 characters (10 bits) from SHA-256 of the line's number and
// characters: a typo or a swapped line changes them.
QString lineChecksum(int lineNumber, const QString& characters)
{
    const QByteArray digest = sha256(QByteArrayLiteral("ember key line v1") + '\0' +
                                     QByteArray::number(lineNumber) + '\0' + characters.toLatin1());
    const int value = (quint8(digest[0]) << 2) | (quint8(digest[1]) >> 6);
    return QString(QLatin1Char(kBase32Alphabet[(value >> 5) & 31])) +
           QLatin1Char(kBase32Alphabet[value & 31]);
}

QByteArray materialChecksum(const QByteArray& body)
{
    return sha256(QByteArrayLiteral("ember key material v1") + '\0' + body)
        .left(kMaterialChecksumSize);
}

QString kindLineName(MaterialKind kind)
{
    switch (kind) {
    case MaterialSymmetric:
        return kSymmetricName;
    case MaterialX25519:
        return kX25519Name;
    case MaterialX25519Public:
        return kX25519PublicName;
    }
    return {};
}

// How many bytes the material of `kind` has: version, kind, the keys, checksum.
int materialSize(MaterialKind kind)
{
    const int keys = kind == MaterialX25519 ? 3 : 2;
    return 2 + keys * kKeySize + kMaterialChecksumSize;
}

QString normalisedFingerprint(QString text)
{
    text.remove(whitespace());
    return text.toLower();
}

// A header value: the text after the first ':' of the line, trimmed.
QString headerValue(const QString& line)
{
    return line.mid(line.indexOf(QLatin1Char(':')) + 1).trimmed();
}

// True for the armor line `marker` ("BEGINEMBERKEY" or "ENDEMBERKEY"),
// whatever its case, spacing and number of dashes.
bool isArmorLine(const QString& line, const QString& marker)
{
    QString compact = line;
    compact.remove(whitespace());
    compact = compact.toUpper();
    if (!compact.startsWith(QLatin1Char('-')) || !compact.endsWith(QLatin1Char('-')))
        return false;
    while (compact.startsWith(QLatin1Char('-')))
        compact.remove(0, 1);
    while (compact.endsWith(QLatin1Char('-')))
        compact.chop(1);
    return compact == marker;
}

} // namespace

QString KeySet::kindName() const
{
    return kind == Kind::Symmetric ? kSymmetricName : kX25519Name;
}

KeySet KeySet::publicOnly() const
{
    KeySet copy = *this;
    if (kind == Kind::X25519)
        copy.secret.clear();
    return copy;
}

QString keyFingerprint(KeySet::Kind kind, const QByteArray& secretOrPublic)
{
    const QByteArray kindName =
        (kind == KeySet::Kind::Symmetric ? kSymmetricName : kX25519Name).toLatin1();
    const QByteArray digest = sha256(QByteArrayLiteral("ember key fingerprint v1") + '\0' +
                                     kindName + '\0' + secretOrPublic)
                                  .left(16)
                                  .toHex();
    QStringList groups;
    for (int i = 0; i < digest.size(); i += kGroupSize)
        groups << QString::fromLatin1(digest.mid(i, kGroupSize));
    return groups.join(QLatin1Char('-'));
}

static QString fingerprintOf(const KeySet& key)
{
    return keyFingerprint(key.kind,
                          key.kind == KeySet::Kind::Symmetric ? key.secret : key.publicKey);
}

KeySet generateKeySet(KeySet::Kind kind, const QString& label)
{
    KeySet key;
    key.kind = kind;
    key.label = label;
    key.created = QDateTime::currentDateTimeUtc();
    fillWithFreshKeys(key);
    key.macKey = randomBytes(kKeySize);
    key.fingerprint = fingerprintOf(key);
    return key;
}

KeySet rotatedKey(const KeySet& old, const QString& label)
{
    if (old.macKey.size() != kKeySize)
        throw Error(QStringLiteral("key %1 has no block-MAC key; it cannot be rotated")
                        .arg(old.fingerprint));
    KeySet key;
    key.kind = old.kind;
    key.label = label.isEmpty() ? old.label + QStringLiteral(" (rotated)") : label;
    key.created = QDateTime::currentDateTimeUtc();
    fillWithFreshKeys(key);
    key.macKey = old.macKey; // the chains of `old` go on: their block MACs stay comparable
    key.fingerprint = fingerprintOf(key);
    return key;
}

QString exportKeyText(const KeySet& key, KeyPart part)
{
    if (key.macKey.size() != kKeySize)
        throw Error(QStringLiteral("key %1 has no valid block-MAC key; it cannot be exported")
                        .arg(key.fingerprint));
    MaterialKind kind = MaterialSymmetric;
    QByteArray body;
    if (key.kind == KeySet::Kind::Symmetric) {
        if (key.secret.size() != kKeySize)
            throw Error(QStringLiteral("key %1 has no valid master key; it cannot be exported")
                            .arg(key.fingerprint));
        body = key.secret + key.macKey;
    } else {
        if (key.publicKey.size() != kKeySize)
            throw Error(QStringLiteral("key %1 has no valid public key; it cannot be exported")
                            .arg(key.fingerprint));
        const bool withPrivate = part == KeyPart::Full && key.canUnwrap();
        if (withPrivate && key.secret.size() != kKeySize)
            throw Error(QStringLiteral("key %1 has no valid private key; it cannot be exported")
                            .arg(key.fingerprint));
        kind = withPrivate ? MaterialX25519 : MaterialX25519Public;
        body = (withPrivate ? key.secret : QByteArray()) + key.publicKey + key.macKey;
    }
    QByteArray material;
    material += char(kMaterialVersion);
    material += char(kind);
    material += body;
    material += materialChecksum(material);
    OPENSSL_cleanse(body.data(), size_t(body.size()));

    QString label = key.label;
    label.replace(QRegularExpression(QStringLiteral("[\\r\\n]+")), QStringLiteral(" "));
    QStringList lines;
    lines << kBeginLine;
    lines << QStringLiteral("Fingerprint: ") + fingerprintOf(key);
    lines << QStringLiteral("Kind: ") + kindLineName(kind);
    lines << QStringLiteral("Label: ") + label;
    lines << QStringLiteral("Created: ") + key.created.toUTC().toString(Qt::ISODate);
    lines << QString();
    int lineNumber = 1;
    for (int offset = 0; offset < material.size(); offset += kBytesPerLine, ++lineNumber) {
        const QString characters = base32Encode(material.mid(offset, kBytesPerLine));
        QStringList groups;
        for (int i = 0; i < characters.size(); i += kGroupSize)
            groups << characters.mid(i, kGroupSize);
        lines << groups.join(QLatin1Char(' ')) + QStringLiteral("  ") +
                     lineChecksum(lineNumber, characters);
    }
    OPENSSL_cleanse(material.data(), size_t(material.size()));
    lines << kEndLine;
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

KeySet importKeyText(const QString& text)
{
    const QStringList allLines = text.split(QRegularExpression(QStringLiteral("\\r\\n|\\r|\\n")));
    qsizetype begin = -1;
    qsizetype end = -1;
    for (qsizetype i = 0; i < allLines.size(); ++i) {
        if (begin < 0 && isArmorLine(allLines[i], QStringLiteral("BEGINEMBERKEY")))
            begin = i;
        else if (begin >= 0 && isArmorLine(allLines[i], QStringLiteral("ENDEMBERKEY"))) {
            end = i;
            break;
        }
    }
    if (begin < 0)
        throw Error(
            QStringLiteral("this is not an Ember key: the line \"%1\" is missing").arg(kBeginLine));
    if (end < 0)
        throw Error(
            QStringLiteral("the Ember key is cut off: the line \"%1\" is missing").arg(kEndLine));

    QString fingerprintLine;
    QString kindLine;
    QString label;
    QString createdLine;
    bool haveFingerprint = false;
    bool haveKind = false;
    bool haveCreated = false;
    QStringList materialLines;
    for (qsizetype i = begin + 1; i < end; ++i) {
        const QString line = allLines[i].trimmed();
        if (line.isEmpty())
            continue;
        if (line.contains(QLatin1Char(':'))) {
            const QString name = line.left(line.indexOf(QLatin1Char(':'))).trimmed().toLower();
            if (name == QLatin1String("fingerprint")) {
                fingerprintLine = normalisedFingerprint(headerValue(line));
                haveFingerprint = true;
            } else if (name == QLatin1String("kind")) {
                kindLine = headerValue(line).toLower().remove(whitespace());
                haveKind = true;
            } else if (name == QLatin1String("label")) {
                label = headerValue(line);
            } else if (name == QLatin1String("created")) {
                createdLine = headerValue(line).toUpper().remove(whitespace());
                haveCreated = true;
            }
            // Other header lines are left for later versions.
            continue;
        }
        materialLines << line;
    }
    if (!haveFingerprint)
        throw Error(QStringLiteral("the Ember key has no Fingerprint line"));
    if (!haveKind)
        throw Error(QStringLiteral("the Ember key has no Kind line"));
    MaterialKind kind;
    if (kindLine == kSymmetricName)
        kind = MaterialSymmetric;
    else if (kindLine == kX25519Name)
        kind = MaterialX25519;
    else if (kindLine == kX25519PublicName)
        kind = MaterialX25519Public;
    else
        throw Error(QStringLiteral("the Ember key's Kind \"%1\" is unknown (expected aes-256, "
                                   "x25519 or x25519-public)")
                        .arg(kindLine.left(40)));

    const int expectedSize = materialSize(kind);
    const int expectedLines = (expectedSize + kBytesPerLine - 1) / kBytesPerLine;
    QString characters;
    for (int i = 0; i < materialLines.size(); ++i) {
        const int lineNumber = i + 1;
        QString line = materialLines[i];
        line.remove(whitespace());
        line = line.toUpper();
        for (const QChar character : line) {
            if (base32Value(character) < 0)
                throw Error(
                    QStringLiteral("line %1 of the key material has a character that cannot be in "
                                   "a key: \"%2\" (only letters and the digits 2 to 7 are used)")
                        .arg(lineNumber)
                        .arg(character));
        }
        if (line.size() < 3)
            throw Error(QStringLiteral(
                            "line %1 of the key material is too short: it is mistyped or cut off")
                            .arg(lineNumber));
        const QString content = line.left(line.size() - 2);
        if (lineChecksum(lineNumber, content) != line.right(2))
            throw Error(QStringLiteral("line %1 of the key material is mistyped").arg(lineNumber));
        characters += content;
    }
    if (materialLines.size() != expectedLines)
        throw Error(QStringLiteral(
                        "the key material of a %1 key has %2 lines, but %3 were found: a line is "
                        "missing or extra")
                        .arg(kindLine)
                        .arg(expectedLines)
                        .arg(materialLines.size()));
    QByteArray material = base32Decode(characters);
    if (material.size() != expectedSize)
        throw Error(QStringLiteral(
                        "the key material has the wrong length (%1 bytes where a %2 key has %3): a "
                        "line is incomplete")
                        .arg(material.size())
                        .arg(kindLine)
                        .arg(expectedSize));
    const QByteArray body = material.left(expectedSize - kMaterialChecksumSize);
    if (materialChecksum(body) != material.right(kMaterialChecksumSize))
        throw Error(QStringLiteral(
            "the key material does not match its checksum: a line is mistyped, doubled "
            "or out of order"));
    if (quint8(material[0]) != kMaterialVersion)
        throw Error(
            QStringLiteral("the key material is of version %1, which this Ember does not read")
                .arg(quint8(material[0])));
    if (quint8(material[1]) != kind)
        throw Error(
            QStringLiteral(
                "the Kind line says \"%1\" but the key material is of another kind: the key "
                "was altered")
                .arg(kindLine));

    KeySet key;
    key.label = label;
    int offset = 2;
    auto take = [&]() {
        const QByteArray part = material.mid(offset, kKeySize);
        offset += kKeySize;
        return part;
    };
    if (kind == MaterialSymmetric) {
        key.kind = KeySet::Kind::Symmetric;
        key.secret = take();
    } else {
        key.kind = KeySet::Kind::X25519;
        if (kind == MaterialX25519)
            key.secret = take();
        key.publicKey = take();
        if (kind == MaterialX25519 && x25519PublicOf(key.secret) != key.publicKey)
            throw Error(QStringLiteral(
                "the key's private and public halves do not belong together: the key was "
                "altered"));
    }
    key.macKey = take();
    OPENSSL_cleanse(material.data(), size_t(material.size()));

    key.fingerprint = fingerprintOf(key);
    if (key.fingerprint != fingerprintLine)
        throw Error(
            QStringLiteral(
                "the Fingerprint line (%1) does not match the key material (%2): the line is "
                "mistyped or the key was altered")
                .arg(fingerprintLine.left(60), key.fingerprint));
    if (haveCreated && !createdLine.isEmpty()) {
        key.created = QDateTime::fromString(createdLine, Qt::ISODate);
        if (!key.created.isValid())
            throw Error(
                QStringLiteral(
                    "the Created line \"%1\" is not a date and time like 2026-12-07T12:00:00Z")
                    .arg(createdLine.left(40)));
        key.created = key.created.toUTC();
    } else {
        key.created = QDateTime::currentDateTimeUtc();
    }
    return key;
}

} // namespace ember
