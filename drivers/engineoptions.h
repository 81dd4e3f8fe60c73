// Option schema pieces every chunked backend plugin shares (the chunked
// engine's options and the object-size rule), so no plugin repeats their
// names, defaults or wording. Header only: the backend libraries use it
// without linking the registry.
#pragma once

#include "backendregistry.h"
#include "bandwidth.h"

#include <optional>

namespace ember {

inline OptionSpec makeOptionSpec(const QString& key, OptionSpec::Kind kind,
                                 const QJsonValue& defaultValue, const QString& label,
                                 const QString& help)
{
    OptionSpec spec;
    spec.key = key;
    spec.kind = kind;
    spec.defaultValue = defaultValue;
    spec.label = label;
    spec.help = help;
    return spec;
}

// A whole number from an option value as stored (a JSON number, or text from
// an older configuration); nullopt when it is neither.
inline std::optional<qint64> storedInteger(const QJsonValue& value)
{
    if (value.isDouble())
        return qint64(value.toDouble());
    if (value.isString()) {
        bool ok = false;
        const qint64 parsed = value.toString().trimmed().toLongLong(&ok);
        if (ok)
            return parsed;
    }
    return std::nullopt;
}

// OptionSpec::check for a chunked type's object size: Cinder tracks changes
// per SHA block, so an object must hold whole blocks.
inline std::function<QString(const QJsonValue&, const QJsonObject&)>
multipleOfBlockSizeCheck(const QString& objectSizeKey, const QString& blockSizeKey,
                         qint64 defaultBlockSize)
{
    return [=](const QJsonValue& value, const QJsonObject& options) -> QString {
        const std::optional<qint64> objectSize = storedInteger(value);
        const std::optional<qint64> blockSize = options.contains(blockSizeKey)
                                                    ? storedInteger(options.value(blockSizeKey))
                                                    : std::optional<qint64>(defaultBlockSize);
        if (!objectSize || !blockSize || *blockSize <= 0 || *objectSize % *blockSize == 0)
            return {};
        return QStringLiteral("%1 (%2 bytes) must be a multiple of the %3-byte hash block "
                              "(%4), as Cinder requires")
            .arg(objectSizeKey)
            .arg(*objectSize)
            .arg(*blockSize)
            .arg(blockSizeKey);
    };
}

// The compression values Cinder's chunked driver accepts (case is ignored).
inline QStringList chunkedCompressionChoices()
{
    return {QStringLiteral("zlib"), QStringLiteral("bz2"),  QStringLiteral("zstd"),
            QStringLiteral("none"), QStringLiteral("gzip"), QStringLiteral("bzip2"),
            QStringLiteral("off"),  QStringLiteral("no")};
}

// How many operations may use one backend at once, whatever its type (the
// total over all backends is the catalog setting backup_max_operations).
inline OptionSpec operationLimitOptionSpec()
{
    OptionSpec spec = makeOptionSpec(
        QStringLiteral("ember_max_operations"), OptionSpec::Kind::Integer, 0,
        QStringLiteral("Operations at once"),
        QStringLiteral("Backups, restores, verifications and synthetic fulls this backend runs "
                       "at the same time, from every Ember program; the others wait their turn. "
                       "0 = unlimited (only backup_max_operations, the total, applies)."));
    spec.minimum = 0;
    spec.maximum = 1000;
    return spec;
}

// ember_bandwidth_upload / _download (bandwidth.h), for every backend type
// whose transfers Ember paces; `uploadWhat` and `downloadWhat` say which
// bytes count there ("writing to this backend").
inline QList<OptionSpec> bandwidthOptionSpecs(const QString& uploadWhat,
                                              const QString& downloadWhat)
{
    using Kind = OptionSpec::Kind;
    const auto check = [](const QJsonValue& value, const QJsonObject&) {
        return bandwidthScheduleProblem(value.toString());
    };
    OptionSpec upload = makeOptionSpec(
        QStringLiteral("ember_bandwidth_upload"), Kind::Text, QString(),
        QStringLiteral("Upload limit"),
        QStringLiteral("Bandwidth limit for %1, e.g. '10MB/s' or '10MB/s 08:00-18:00, 50MB/s' "
                       "(the first rule whose time window holds applies); empty = unlimited.")
            .arg(uploadWhat));
    upload.check = check;
    OptionSpec download = makeOptionSpec(
        QStringLiteral("ember_bandwidth_download"), Kind::Text, QString(),
        QStringLiteral("Download limit"),
        QStringLiteral("Bandwidth limit for %1, in the same form as the upload limit; empty = "
                       "unlimited.")
            .arg(downloadWhat));
    download.check = check;
    return {upload, download};
}

// The chunked engine's options: Cinder's compression and Ember's own tuning.
inline QList<OptionSpec> chunkedEngineOptionSpecs()
{
    using Kind = OptionSpec::Kind;
    OptionSpec compression = makeOptionSpec(
        QStringLiteral("backup_compression_algorithm"), Kind::Choice, QStringLiteral("zlib"),
        QStringLiteral("Compression"),
        QStringLiteral("How each object is compressed before it is stored ('none' to store it "
                       "as it is; gzip and bzip2 are other names of zlib and bz2)."));
    compression.choices = chunkedCompressionChoices();

    OptionSpec zlibEngine = makeOptionSpec(
        QStringLiteral("ember_zlib_engine"), Kind::Choice, QStringLiteral("isal"),
        QStringLiteral("zlib engine"),
        QStringLiteral("The library that writes zlib objects: isal (faster) or zlib (the "
                       "reference); both are read by Cinder."));
    zlibEngine.choices = {QStringLiteral("isal"), QStringLiteral("zlib")};
    zlibEngine.advanced = true;

    OptionSpec workers = makeOptionSpec(
        QStringLiteral("ember_worker_threads"), Kind::Integer, 0, QStringLiteral("Worker threads"),
        QStringLiteral("Threads that hash and compress objects; 0 uses one per core."));
    workers.minimum = 0;
    workers.maximum = 256;
    workers.advanced = true;

    OptionSpec inFlight = makeOptionSpec(
        QStringLiteral("ember_objects_in_flight"), Kind::Integer, 0,
        QStringLiteral("Objects in flight"),
        QStringLiteral("Objects stored at the same time (each one is held in memory); 0 uses "
                       "the store's number of parallel transfers."));
    inFlight.minimum = 0;
    inFlight.maximum = 1024;
    inFlight.advanced = true;

    OptionSpec restoreMd5 = makeOptionSpec(
        QStringLiteral("ember_restore_md5"), Kind::Choice, QStringLiteral("check"),
        QStringLiteral("Object MD5 on restore"),
        QStringLiteral("check: each object's MD5 is checked on restore, as Cinder records it "
                       "(one thread per object). skip: faster restores of large objects; every "
                       "block is still checked against the backup's SHA-256 list. Verify always "
                       "checks the MD5s."));
    restoreMd5.choices = {QStringLiteral("check"), QStringLiteral("skip")};
    restoreMd5.advanced = true;

    QList<OptionSpec> options{compression, zlibEngine, workers, inFlight, restoreMd5};
    options.append(
        bandwidthOptionSpecs(QStringLiteral("writing to this backend"),
                             QStringLiteral("reading from this backend (restores, verify)")));
    options.append(operationLimitOptionSpec());
    return options;
}

// Encryption at rest (drivers/crypto): opt-in per backend, Ember's own keys.
inline QList<OptionSpec> encryptionOptionSpecs()
{
    using Kind = OptionSpec::Kind;
    OptionSpec scheme = makeOptionSpec(
        QStringLiteral("backup_ember_encryption"), Kind::Choice, QStringLiteral("none"),
        QStringLiteral("Encryption"),
        QStringLiteral("Encrypt every object with AES-256-GCM under a fresh key per backup, "
                       "wrapped by the master key below. Cinder cannot restore encrypted "
                       "backups, and a lost master key means lost backups."));
    scheme.choices = {QStringLiteral("none"), QStringLiteral("aes-256-gcm")};

    OptionSpec key = makeOptionSpec(
        QStringLiteral("ember_encryption_key"), Kind::Text, QString(), QStringLiteral("Master key"),
        QStringLiteral("The fingerprint of the master key new backups are encrypted with "
                       "(ember-cli key-list); the key itself stays in the OS keyring."));
    // On the scheme, not the key: an unset key is never checked.
    scheme.check = [](const QJsonValue& value, const QJsonObject& options) -> QString {
        const QString keyName = QStringLiteral("ember_encryption_key");
        if (value.toString() == QLatin1String("aes-256-gcm") &&
            options.value(keyName).toString().trimmed().isEmpty())
            return QStringLiteral("backup_ember_encryption = aes-256-gcm needs a master key: "
                                  "set %1 to a key's fingerprint (ember-cli key-create makes "
                                  "one)")
                .arg(keyName);
        return {};
    };
    return {scheme, key};
}

} // namespace ember
