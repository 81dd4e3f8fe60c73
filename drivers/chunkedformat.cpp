#include "chunkedformat.h"

#include "compression.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>
#include <optional>

namespace ember {

namespace {

QJsonObject parseJsonObject(const QByteArray& text, const QString& name)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("%1 is not valid JSON: %2 at offset %3")
                        .arg(name, error.errorString())
                        .arg(error.offset));
    if (!document.isObject())
        throw Error(QStringLiteral("%1 is not a JSON object").arg(name));
    return document.object();
}

QString describe(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        return QStringLiteral("missing");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::String:
        return QStringLiteral("'%1'").arg(value.toString().left(80));
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    }
    return QStringLiteral("unknown");
}

// A JSON number that is a whole number in [minimum, maximum]; doubles are
// exact only below 2^53, so nothing at or above it is accepted.
qint64 wholeNumber(const QJsonValue& value, qint64 minimum, qint64 maximum, const QString& what)
{
    const double number = value.isDouble() ? value.toDouble() : std::nan("");
    if (!std::isfinite(number) || std::trunc(number) != number || number < double(minimum) ||
        number > double(maximum))
        throw Error(QStringLiteral("%1 must be a whole number from %2 to %3, not %4")
                        .arg(what)
                        .arg(minimum)
                        .arg(maximum)
                        .arg(describe(value)));
    return qint64(number);
}

// A string, or null/missing when `nullable`.
QString textField(const QJsonObject& object, const QString& key, bool nullable, const QString& what)
{
    const QJsonValue value = object.value(key);
    if (value.isString())
        return value.toString();
    if (nullable && (value.isNull() || value.isUndefined()))
        return {};
    throw Error(QStringLiteral("%1 must be a string, not %2").arg(what, describe(value)));
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool parseSha256Hex(const QString& text, Sha256& digest)
{
    if (text.size() != 64)
        return false;
    for (int i = 0; i < 32; ++i) {
        const QChar high = text.at(2 * i);
        const QChar low = text.at(2 * i + 1);
        if (high.unicode() > 127 || low.unicode() > 127)
            return false;
        const int h = hexDigit(char(high.unicode()));
        const int l = hexDigit(char(low.unicode()));
        if (h < 0 || l < 0)
            return false;
        digest[size_t(i)] = uint8_t(h * 16 + l);
    }
    return true;
}

void checkVersion(const QJsonObject& root, const QString& name)
{
    const QJsonValue version = root.value(QStringLiteral("version"));
    if (!version.isString() || version.toString() != kChunkedFormatVersion)
        throw Error(QStringLiteral("%1 has format version %2; only %3 is supported")
                        .arg(name, describe(version), kChunkedFormatVersion));
}

} // namespace

QString metadataObjectName(const QString& prefix)
{
    return prefix + QStringLiteral("_metadata");
}

QString shaFileObjectName(const QString& prefix)
{
    return prefix + QStringLiteral("_sha256file");
}

bool isDataObjectName(const QString& name, const QString& prefix)
{
    if (prefix.isEmpty() || name.size() < prefix.size() + 6 || !name.startsWith(prefix) ||
        name.at(prefix.size()) != QLatin1Char('-'))
        return false;
    for (qsizetype i = prefix.size() + 1; i < name.size(); ++i)
        if (name.at(i) < QLatin1Char('0') || name.at(i) > QLatin1Char('9'))
            return false;
    return true;
}

bool belongsToPrefix(const QString& name, const QString& prefix)
{
    return !prefix.isEmpty() &&
           (isDataObjectName(name, prefix) || name == metadataObjectName(prefix) ||
            name == shaFileObjectName(prefix));
}

BackupMetadata parseBackupMetadata(const QByteArray& text, const QString& name)
{
    const QJsonObject root = parseJsonObject(text, name);
    checkVersion(root, name);
    const QString suffix = QStringLiteral("_metadata");
    const QString prefix = name.endsWith(suffix) ? name.chopped(suffix.size()) : QString();

    BackupMetadata metadata;
    metadata.backupId =
        textField(root, QStringLiteral("backup_id"), true, name + QStringLiteral(": backup_id"));
    metadata.parentId =
        textField(root, QStringLiteral("parent_id"), true, name + QStringLiteral(": parent_id"));
    metadata.volumeId =
        textField(root, QStringLiteral("volume_id"), true, name + QStringLiteral(": volume_id"));
    metadata.volumeMeta =
        textField(root, QStringLiteral("volume_meta"), true, name + QStringLiteral(": volume_meta"))
            .toUtf8();
    const QJsonValue encryption = root.value(QStringLiteral("ember_encryption"));
    if (!encryption.isUndefined()) {
        if (!encryption.isObject() || encryption.toObject().isEmpty())
            throw Error(QStringLiteral("%1: ember_encryption must be an object, not %2")
                            .arg(name, describe(encryption)));
        metadata.encryption = encryption.toObject();
    }
    const QJsonValue objects = root.value(QStringLiteral("objects"));
    if (!objects.isArray())
        throw Error(
            QStringLiteral("%1: objects must be a list, not %2").arg(name, describe(objects)));
    const QJsonArray list = objects.toArray();
    QSet<QString> names;
    qint64 previousEnd = 0;
    QString previousName;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonValue item = list.at(i);
        const QJsonObject wrapper = item.toObject();
        if (!item.isObject() || wrapper.size() != 1 || !wrapper.begin().value().isObject())
            throw Error(QStringLiteral("%1: entry %2 of objects is not {\"<name>\": {...}}")
                            .arg(name)
                            .arg(i));
        const QJsonObject fields = wrapper.begin().value().toObject();
        ObjectEntry entry;
        entry.name = wrapper.begin().key();
        const QString what = QStringLiteral("%1: object %2").arg(name, entry.name.left(200));
        if (!prefix.isEmpty() && !isDataObjectName(entry.name, prefix))
            throw Error(QStringLiteral("%1: object name '%2' is not %3-NNNNN")
                            .arg(name, entry.name.left(200), prefix));
        if (names.contains(entry.name))
            throw Error(QStringLiteral("%1 is listed twice").arg(what));
        names.insert(entry.name);
        entry.offset = wholeNumber(fields.value(QStringLiteral("offset")), 0,
                                   kMaxExactJsonInteger - 1, what + QStringLiteral(": offset"));
        entry.length = wholeNumber(fields.value(QStringLiteral("length")), 1,
                                   kMaxExactJsonInteger - 1, what + QStringLiteral(": length"));
        qint64 end = 0;
        if (__builtin_add_overflow(entry.offset, entry.length, &end) || end > kMaxExactJsonInteger)
            throw Error(QStringLiteral("%1: offset %2 + length %3 is beyond 2^53")
                            .arg(what)
                            .arg(entry.offset)
                            .arg(entry.length));
        if (entry.offset < previousEnd)
            throw Error(QStringLiteral("%1: offset %2 overlaps or precedes object %3, which ends "
                                       "at %4 (objects must be in volume order)")
                            .arg(what)
                            .arg(entry.offset)
                            .arg(previousName)
                            .arg(previousEnd));
        entry.md5 = textField(fields, QStringLiteral("md5"), true, what + QStringLiteral(": md5"));
        // Encrypted objects have no MD5 (a plaintext MD5 would tell equal objects apart);
        // an empty one in the clear is a damaged entry, not a check to skip.
        if (entry.md5.isEmpty() && fields.value(QStringLiteral("md5")).isString() &&
            metadata.encryption.isEmpty())
            throw Error(
                QStringLiteral("%1: md5 is empty, but the backup is not encrypted").arg(what));
        entry.compression = textField(fields, QStringLiteral("compression"), true,
                                      what + QStringLiteral(": compression"));
        if (entry.compression.isEmpty())
            entry.compression = QStringLiteral("none");
        try {
            codecForTag(entry.compression);
        } catch (const Error& error) {
            throw Error(QStringLiteral("%1: %2").arg(what, error.message()));
        }
        previousEnd = end;
        previousName = entry.name;
        metadata.objects.append(entry);
    }
    return metadata;
}

namespace {

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// The list as json.dumps writes it (every entry a plain string of 64 hex
// digits) read straight from the bytes: a QJsonDocument of 32768 strings
// costs tens of milliseconds, a large part of an unchanged incremental. The
// rest of the file, the list cut out, still goes through the JSON parser.
// nullopt whenever anything is unusual (escapes, another "sha256s", a parse
// or field error): the full parse then decides, with its own messages.
std::optional<ShaFile> parseShaFileFast(const QByteArray& text, const QString& name)
{
    static const QByteArray key = QByteArrayLiteral("\"sha256s\"");
    const qsizetype keyAt = text.indexOf(key);
    if (keyAt < 0 || text.indexOf(key, keyAt + 1) >= 0)
        return std::nullopt;
    const char* const bytes = text.constData();
    const qsizetype size = text.size();
    qsizetype at = keyAt + key.size();
    auto skipSpace = [&] {
        while (at < size && isJsonSpace(bytes[at]))
            ++at;
    };
    skipSpace();
    if (at >= size || bytes[at] != ':')
        return std::nullopt;
    ++at;
    skipSpace();
    if (at >= size || bytes[at] != '[')
        return std::nullopt;
    const qsizetype open = at++;
    ShaFile file;
    file.hashes.reserve(size_t((size - at) / 66 + 1));
    skipSpace();
    if (at < size && bytes[at] != ']') {
        for (;;) {
            if (size - at < 66 || bytes[at] != '"' || bytes[at + 65] != '"')
                return std::nullopt;
            Sha256 digest;
            for (int i = 0; i < 32; ++i) {
                const int high = hexDigit(bytes[at + 1 + 2 * i]);
                const int low = hexDigit(bytes[at + 2 + 2 * i]);
                if (high < 0 || low < 0)
                    return std::nullopt;
                digest[size_t(i)] = uint8_t(high * 16 + low);
            }
            file.hashes.push_back(digest);
            at += 66;
            skipSpace();
            if (at < size && bytes[at] == ',') {
                ++at;
                skipSpace();
                continue;
            }
            break;
        }
    }
    if (at >= size || bytes[at] != ']')
        return std::nullopt;
    try {
        const QJsonObject root =
            parseJsonObject(text.left(open + 1) + text.mid(at), name); // the list now "[]"
        checkVersion(root, name);
        const QJsonValue list = root.value(QStringLiteral("sha256s"));
        if (!list.isArray() || !list.toArray().isEmpty())
            return std::nullopt;
        file.blockSize = wholeNumber(root.value(QStringLiteral("chunk_size")), 1, kMaxShaBlockSize,
                                     name + QStringLiteral(": chunk_size"));
    } catch (const Error&) {
        return std::nullopt;
    }
    return file;
}

} // namespace

ShaFile parseShaFile(const QByteArray& text, const QString& name)
{
    if (std::optional<ShaFile> file = parseShaFileFast(text, name))
        return std::move(*file);
    const QJsonObject root = parseJsonObject(text, name);
    checkVersion(root, name);
    ShaFile file;
    file.blockSize = wholeNumber(root.value(QStringLiteral("chunk_size")), 1, kMaxShaBlockSize,
                                 name + QStringLiteral(": chunk_size"));
    const QJsonValue hashes = root.value(QStringLiteral("sha256s"));
    if (!hashes.isArray())
        throw Error(
            QStringLiteral("%1: sha256s must be a list, not %2").arg(name, describe(hashes)));
    const QJsonArray list = hashes.toArray();
    // Each entry takes at least 66 bytes of text ("<64 hex>"): never size
    // the list from anything but the text.
    if (list.size() > text.size() / 66 + 1)
        throw Error(
            QStringLiteral("%1: sha256s lists more entries than the file can hold").arg(name));
    file.hashes.resize(size_t(list.size()));
    for (qsizetype i = 0; i < list.size(); ++i)
        if (!parseSha256Hex(list.at(i).toString(), file.hashes[size_t(i)]))
            throw Error(QStringLiteral("%1: sha256s entry %2 is not 64 hex digits: %3")
                            .arg(name)
                            .arg(i)
                            .arg(describe(list.at(i))));
    return file;
}

qint64 fullBackupVolumeSize(const BackupMetadata& metadata, const QString& name)
{
    qint64 size = 0;
    for (const ObjectEntry& entry : metadata.objects) {
        if (entry.offset != size)
            throw Error(QStringLiteral("%1: object %2 starts at offset %3, but a full backup's "
                                       "objects must cover the volume without gaps (expected %4)")
                            .arg(name, entry.name)
                            .arg(entry.offset)
                            .arg(size));
        size = entry.end(); // no overflow: the parser checked offset + length <= 2^53
    }
    return size;
}

void checkObjectsWithinVolume(const BackupMetadata& metadata, qint64 volumeSize,
                              const QString& name)
{
    for (const ObjectEntry& entry : metadata.objects) {
        qint64 end = 0;
        if (entry.offset < 0 || entry.length <= 0 ||
            __builtin_add_overflow(entry.offset, entry.length, &end) || end > volumeSize)
            throw Error(QStringLiteral("%1: object %2 (offset %3, length %4) reaches beyond the "
                                       "volume's end at %5")
                            .arg(name, entry.name)
                            .arg(entry.offset)
                            .arg(entry.length)
                            .arg(volumeSize));
    }
}

void checkShaFileCoversVolume(const ShaFile& file, qint64 volumeSize, const QString& name)
{
    if (file.blockSize <= 0 || volumeSize < 0)
        throw Error(
            QStringLiteral("%1: chunk_size %2 is not positive").arg(name).arg(file.blockSize));
    const qint64 expected = volumeSize / file.blockSize + (volumeSize % file.blockSize ? 1 : 0);
    if (qint64(file.hashes.size()) != expected)
        throw Error(QStringLiteral("%1: sha256s lists %2 blocks but the volume of %3 bytes has %4 "
                                   "blocks of %5 bytes")
                        .arg(name)
                        .arg(file.hashes.size())
                        .arg(volumeSize)
                        .arg(expected)
                        .arg(file.blockSize));
}

} // namespace ember
