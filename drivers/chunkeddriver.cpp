#include "chunkeddriver.h"

#include "bandwidth.h"
#include "chunkedformat.h"
#include "chunkedinternal.h"
#include "chunkedruns.h"
#include "compression.h"
#include "posixstore.h"
#include "pythonjson.h"
#include "volumemeta.h"

#include <QDir>
#include <QDirIterator>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>
#include <QThread>

#include <optional>

Q_LOGGING_CATEGORY(lcChunked, "ember.chunked")

namespace ember {

using namespace chunked;

namespace {

void removeAllObjects(ObjectStore& store, const Backup& backup)
{
    if (backup.serviceMetadata.isEmpty() || backup.container.isEmpty())
        return;
    QStringList names;
    try {
        names = store.list(backup.container, backup.serviceMetadata);
    } catch (const Error& error) {
        // As Cinder: a listing failure leaves nothing to delete.
        qCWarning(lcChunked) << "cannot list" << backup.container << ":" << error.message();
        return;
    }
    // A listing by prefix "abc" also returns "abcdef-00001" of another
    // backup: remove only <prefix>-NNNNN, <prefix>_metadata, <prefix>_sha256file.
    for (const QString& name : names)
        if (belongsToPrefix(name, backup.serviceMetadata))
            store.remove(backup.container, name);
}

} // namespace

ChunkedBackupDriver::ChunkedBackupDriver(std::unique_ptr<ObjectStore> store, ChunkedOptions options)
    : m_store(std::move(store)), m_options(std::move(options))
{
    if (m_options.shaBlockSize <= 0 || m_options.objectSize <= 0)
        throw Error(QStringLiteral("object size and SHA block size must be positive"));
    if (m_options.objectSize % m_options.shaBlockSize != 0)
        throw Error(
            QStringLiteral("the object size (%1) must be a multiple of the SHA block size (%2)")
                .arg(m_options.objectSize)
                .arg(m_options.shaBlockSize));
    parseCompression(m_options.compression); // reject unknown names early
    if (m_options.workerThreads <= 0)
        m_options.workerThreads = std::max(2, QThread::idealThreadCount());
    // Pieces are whole SHA blocks and never cross an object boundary.
    m_options.pieceSize =
        std::max(m_options.shaBlockSize,
                 m_options.pieceSize / m_options.shaBlockSize * m_options.shaBlockSize);
    m_options.pieceSize = std::min(m_options.pieceSize, m_options.objectSize);
    if (m_options.pieceSize > (16 << 20))
        m_options.pieceSize = (16 << 20) / m_options.shaBlockSize * m_options.shaBlockSize;
    // Bandwidth limits apply to every transfer of this driver's store.
    m_store = withBandwidthLimits(std::move(m_store), m_options.backendName, m_options.uploadLimit,
                                  m_options.downloadLimit);
}

ChunkedBackupDriver::~ChunkedBackupDriver() = default;

QString ChunkedBackupDriver::invalidLocation(const Backup& backup) const
{
    if (const QString why = m_store->invalidContainer(backup.container); !why.isEmpty())
        return why;
    if (backup.serviceMetadata.isEmpty())
        return QStringLiteral("the object prefix (service_metadata) is empty");
    return m_store->invalidObjectPrefix(backup.serviceMetadata);
}

QString ChunkedBackupDriver::recordMismatch(const Backup& backup)
{
    const QString name = metadataObjectName(backup.serviceMetadata);
    const BackupMetadata metadata =
        parseBackupMetadata(readSmallObject(*m_store, backup, name), name);
    // Cinder writes these ids into every _metadata: a record copied under a
    // new id, or pointed at another backup's objects, does not match them.
    auto differs = [](const QString& stored, const QString& recorded) {
        return !stored.isEmpty() && stored.compare(recorded, Qt::CaseInsensitive) != 0;
    };
    if (differs(metadata.backupId, backup.id))
        return QStringLiteral("its objects in container '%1' belong to backup %2 (%3 says so), "
                              "not to %4")
            .arg(backup.container, metadata.backupId, name, backup.id);
    if (differs(metadata.volumeId, backup.volumeId))
        return QStringLiteral("%1 records volume %2, but the record names volume %3")
            .arg(name, metadata.volumeId, backup.volumeId);
    if (differs(metadata.parentId, backup.parentId) ||
        (metadata.parentId.isEmpty() && !backup.parentId.isEmpty()))
        return QStringLiteral("%1 records parent %2, but the record names parent %3")
            .arg(name, metadata.parentId.isEmpty() ? QStringLiteral("none") : metadata.parentId,
                 backup.parentId.isEmpty() ? QStringLiteral("none") : backup.parentId);
    return {};
}

QString ChunkedBackupDriver::serviceName() const
{
    return m_store->serviceName();
}

void ChunkedBackupDriver::backup(BackupJob& job)
{
    Backup& backup = job.backup;
    // Recorded with the location, before any object is written: a backup that
    // fails or crashes leaves objects the store will not delete before then.
    if (const std::optional<ObjectRetention> retention = m_store->retentionForNewObjects()) {
        backup.immutableUntil = retention->until;
        backup.immutableMode = retention->mode;
    }
    // The key is found before anything is placed or written: the public
    // half suffices to seal.
    std::optional<KeySet> sealingKey;
    if (!m_options.encryptionKey.isEmpty())
        sealingKey =
            keyFor(m_keys, m_options.encryptionKey, false, QStringLiteral("backend encrypts with"));
    placeNewBackup(*m_store, backup, job.recordLocation);
    try {
        m_store->ensureContainer(backup.container);
        runBackup(*m_store, m_options, job, std::move(sealingKey), m_keys);
    } catch (...) {
        // Nothing of a failed backup may stay behind.
        try {
            removeAllObjects(*m_store, backup);
        } catch (const Error& error) {
            qCWarning(lcChunked) << "could not remove the objects of failed backup" << backup.id
                                 << ":" << error.message();
        }
        throw;
    }
}

void ChunkedBackupDriver::restore(RestoreJob& job)
{
    if (job.chain.isEmpty())
        throw Error(QStringLiteral("nothing to restore"));
    job.volumeMeta = restoreChain(*m_store, m_options, job.chain, job.device, job.control, m_keys);
}

void ChunkedBackupDriver::remove(const Backup& backup, OperationControl&)
{
    removeAllObjects(*m_store, backup);
}

namespace {

// A verification's failure is its report's problem; a cancel stays a cancel.
template <typename Check> VerifyReport problemsAsReport(Check check)
{
    try {
        return check();
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& error) {
        VerifyReport report;
        report.problems.append(error.message());
        return report;
    }
}

} // namespace

VerifyReport ChunkedBackupDriver::verify(const QList<Backup>& chain, OperationControl& control)
{
    return problemsAsReport(
        [&] { return verifyChain(*m_store, m_options, chain, control, m_keys); });
}

QStringList ChunkedBackupDriver::verifiableObjects(const Backup& backup)
{
    QList<ObjectEntry> objects = readMetadata(*m_store, backup).objects;
    std::stable_sort(
        objects.begin(), objects.end(),
        [](const ObjectEntry& a, const ObjectEntry& b) { return a.offset < b.offset; });
    QStringList names;
    for (const ObjectEntry& entry : objects)
        names.append(entry.name);
    return names;
}

VerifyReport ChunkedBackupDriver::verifySample(const QList<Backup>& chain,
                                               const VerifySample& sample,
                                               OperationControl& control)
{
    if (sample.objects.isEmpty())
        return verify(chain, control);
    return problemsAsReport([&] {
        if (chain.isEmpty())
            throw Error(QStringLiteral("nothing to verify"));
        return verifyChainSample(*m_store, m_options, chain, sample.objects, control, m_keys);
    });
}

void ChunkedBackupDriver::rewrapKey(const Backup& backup, const KeySet& newKey,
                                    OperationControl& control)
{
    control.throwIfCancelled();
    const QString name = metadataName(backup);
    if (backup.serviceMetadata.isEmpty())
        throw Error(QStringLiteral("backup %1 has no object prefix (service_metadata); its key "
                                   "cannot be rotated")
                        .arg(backup.id));
    const QByteArray text = readSmallObject(*m_store, backup, name);
    const BackupMetadata metadata =
        parseFor(backup, [&] { return parseBackupMetadata(text, name); });
    if (metadata.backupId.compare(backup.id, Qt::CaseInsensitive) != 0)
        throw Error(
            QStringLiteral("refusing to rotate the key of backup %1: %2 belongs to backup %3")
                .arg(backup.id, name,
                     metadata.backupId.isEmpty() ? QStringLiteral("(none)") : metadata.backupId));
    if (!metadata.isEncrypted())
        throw Error(QStringLiteral("backup %1 is not encrypted (%2 has no ember_encryption): "
                                   "there is no key to rotate")
                        .arg(backup.id, name));
    const Envelope envelope = envelopeOf(backup, metadata);
    const KeySet oldKey = keyFor(m_keys, envelope.keyFingerprint, true,
                                 QStringLiteral("backup %1 is encrypted with").arg(backup.id));
    Envelope rewrapped;
    try {
        rewrapped = rewrapBackupKeys(oldKey, newKey, envelope, backup.id);
    } catch (const SealBroken& broken) {
        throw SealBroken(
            QStringLiteral("backup %1 does not authenticate: %2").arg(backup.id, broken.message()));
    }
    // Only the envelope changes; every other field keeps its value.
    QJsonObject root = QJsonDocument::fromJson(text).object();
    root[QStringLiteral("ember_encryption")] = rewrapped.toJson();
    const QByteArray updated = PythonJson::dumps(root, {2, true});
    // One put replaces `_metadata` whole: a reader sees the old or the new envelope.
    withRetries(*m_store, control, [&] { m_store->putAll(backup.container, name, updated); });
}

void ChunkedBackupDriver::removeLeftovers(const Backup& backup)
{
    removeAllObjects(*m_store, backup);
}

std::optional<qint64> ChunkedBackupDriver::storedVolumeSize(const QList<Backup>& chain)
{
    if (chain.isEmpty())
        return std::nullopt;
    const BackupMetadata metadata = readMetadata(*m_store, chain.first());
    return parseFor(chain.first(),
                    [&] { return fullBackupVolumeSize(metadata, metadataName(chain.first())); });
}

ChunkedOptions chunkedOptionsFrom(const QJsonObject& options, const QString& objectSizeKey,
                                  qint64 defaultObjectSize, const QString& blockSizeKey,
                                  qint64 defaultBlockSize)
{
    auto integer = [&](const QString& key, qint64 fallback) {
        const QJsonValue value = options.value(key);
        if (value.isDouble())
            return qint64(value.toDouble());
        if (value.isString()) {
            bool ok = false;
            const qint64 parsed = value.toString().toLongLong(&ok);
            if (!ok)
                throw Error(QStringLiteral("option %1 must be a whole number, not '%2'")
                                .arg(key, value.toString()));
            return parsed;
        }
        return fallback;
    };
    ChunkedOptions result;
    result.objectSize = integer(objectSizeKey, defaultObjectSize);
    result.shaBlockSize = integer(blockSizeKey, defaultBlockSize);
    result.compression = options.value(QStringLiteral("backup_compression_algorithm"))
                             .toString(QStringLiteral("zlib"));
    result.zlibEngine =
        options.value(QStringLiteral("ember_zlib_engine")).toString(QStringLiteral("isal"));
    result.workerThreads = int(integer(QStringLiteral("ember_worker_threads"), 0));
    result.objectsInFlight = int(integer(QStringLiteral("ember_objects_in_flight"), 0));
    const QString md5 =
        options.value(QStringLiteral("ember_restore_md5")).toString(QStringLiteral("check"));
    if (md5 != QLatin1String("check") && md5 != QLatin1String("skip"))
        throw Error(
            QStringLiteral("ember_restore_md5 must be 'check' or 'skip', not '%1'").arg(md5));
    result.checkObjectMd5 = md5 == QLatin1String("check");
    result.uploadLimit = options.value(QStringLiteral("ember_bandwidth_upload")).toString();
    result.downloadLimit = options.value(QStringLiteral("ember_bandwidth_download")).toString();
    if (result.zlibEngine != QLatin1String("isal") && result.zlibEngine != QLatin1String("zlib"))
        throw Error(QStringLiteral("ember_zlib_engine must be 'isal' or 'zlib', not '%1'")
                        .arg(result.zlibEngine));
    const QString scheme =
        options.value(QStringLiteral("backup_ember_encryption")).toString(QStringLiteral("none"));
    if (scheme == kEncryptionScheme) {
        result.encryptionKey = options.value(QStringLiteral("ember_encryption_key")).toString();
        if (result.encryptionKey.isEmpty())
            throw Error(QStringLiteral("backup_ember_encryption = %1 needs a master key: set "
                                       "ember_encryption_key to its fingerprint")
                            .arg(kEncryptionScheme));
    } else if (!scheme.isEmpty() && scheme != QLatin1String("none")) {
        throw Error(QStringLiteral("backup_ember_encryption must be 'none' or '%1', not '%2'")
                        .arg(kEncryptionScheme, scheme));
    }
    return result;
}

ChunkedOptions chunkedOptionsFrom(const BackendConfig& config, const QString& objectSizeKey,
                                  qint64 defaultObjectSize, const QString& blockSizeKey,
                                  qint64 defaultBlockSize)
{
    ChunkedOptions result = chunkedOptionsFrom(config.options, objectSizeKey, defaultObjectSize,
                                               blockSizeKey, defaultBlockSize);
    result.backendName = config.name;
    return result;
}

} // namespace ember

// ------------------------------------------------------------ rescan

namespace ember {

namespace {

const QString kMetadataSuffix = QStringLiteral("_metadata");

// Checks one `<prefix>_metadata` and what it lists; throws Error saying what
// is wrong.
void inspectDiscovered(ObjectStore& store, const ChunkedBackupDriver& driver,
                       DiscoveredBackup& found)
{
    Backup& backup = found.backup;
    backup.container = found.container;
    backup.serviceMetadata = found.prefix;
    if (const QString why = driver.invalidLocation(backup); !why.isEmpty())
        throw Error(why);
    const QString name = metadataObjectName(found.prefix);
    const QByteArray text = store.getAll(found.container, name);
    const BackupMetadata metadata = parseBackupMetadata(text, name);
    if (!isCanonicalUuid(metadata.backupId))
        throw Error(QStringLiteral("its backup_id '%1' is not a UUID").arg(metadata.backupId));
    if (!isCanonicalUuid(metadata.volumeId))
        throw Error(QStringLiteral("its volume_id '%1' is not a UUID").arg(metadata.volumeId));
    if (!metadata.parentId.isEmpty() &&
        (!isCanonicalUuid(metadata.parentId) || metadata.parentId == metadata.backupId))
        throw Error(QStringLiteral("its parent_id '%1' is not another backup's UUID")
                        .arg(metadata.parentId));
    // Cinder's prefixes end in backup_<id>: a copied `_metadata` cannot claim
    // another backup's objects.
    if (!found.prefix.endsWith(QStringLiteral("backup_") + metadata.backupId))
        throw Error(QStringLiteral("its prefix does not end in backup_%1, the backup_id it names")
                        .arg(metadata.backupId));
    backup.id = metadata.backupId;
    backup.volumeId = metadata.volumeId;
    backup.parentId = metadata.parentId;

    // parseBackupMetadata accepted the text, so it is a JSON object.
    const QJsonObject json = QJsonDocument::fromJson(text).object();
    auto optionalText = [&](const char* key) {
        const QJsonValue value = json.value(QLatin1String(key));
        if (!value.isNull() && !value.isUndefined() && !value.isString())
            throw Error(QStringLiteral("its %1 is not text").arg(QLatin1String(key)));
        return value.toString();
    };
    backup.displayName = optionalText("backup_name");
    backup.displayDescription = optionalText("backup_description");
    backup.createdAt = parseCinderTime(optionalText("created_at"));
    if (!backup.createdAt.isValid())
        throw Error(QStringLiteral("its created_at '%1' is not a time")
                        .arg(json.value(QStringLiteral("created_at")).toString()));
    backup.dataTimestamp = backup.createdAt;
    backup.objectCount = metadata.objects.size();
    if (metadata.isEncrypted()) {
        Envelope envelope;
        try {
            envelope = Envelope::fromJson(metadata.encryption);
        } catch (const Error& error) {
            throw Error(
                QStringLiteral("its ember_encryption is malformed: %1").arg(error.message()));
        }
        backup.encryption = envelope.scheme;
        backup.encryptionKeyFingerprint = envelope.keyFingerprint;
    }
    backup.service = driver.serviceName();

    const QString shaName = shaFileObjectName(found.prefix);
    QByteArray shaText;
    try {
        shaText = store.getAll(found.container, shaName);
    } catch (const ObjectMissing&) {
        throw Error(QStringLiteral("its %1 is missing").arg(shaName));
    }
    const ShaFile sha = parseShaFile(shaText, shaName);
    found.shaBlockSize = sha.blockSize;
    found.shaBlockCount = qint64(sha.hashes.size());

    // The objects on the store must be exactly those `_metadata` lists.
    QSet<QString> listed;
    for (const QString& object : store.list(found.container, found.prefix))
        if (isDataObjectName(object, found.prefix))
            listed.insert(object);
    for (const ObjectEntry& entry : metadata.objects) {
        if (!listed.remove(entry.name))
            throw Error(
                QStringLiteral("object %1 named in its _metadata is missing").arg(entry.name));
        found.objectsEnd = std::max(found.objectsEnd, entry.end());
    }
    if (!listed.isEmpty())
        throw Error(QStringLiteral("object %1 is not in its _metadata").arg(*listed.begin()));
    if (backup.parentId.isEmpty()) {
        found.fullVolumeSize = fullBackupVolumeSize(metadata, name);
        checkShaFileCoversVolume(sha, found.fullVolumeSize, shaName);
    }
}

} // namespace

QList<DiscoveredBackup> ChunkedBackupDriver::discoverBackups(const QStringList& containers,
                                                             OperationControl& control)
{
    QList<QPair<QString, QString>> metadataObjects; // container, object name
    if (containers.isEmpty()) {
        const auto* posix = dynamic_cast<const PosixObjectStore*>(m_store.get());
        if (!posix)
            throw Error(QStringLiteral("this backend cannot list its containers: name them with "
                                       "--container"));
        const QDir base(posix->basePath());
        if (!base.exists())
            throw Error(QStringLiteral("the backup directory %1 does not exist").arg(base.path()));
        // Regular files only, no symbolic links followed: nothing outside the base.
        QDirIterator it(base.path(), {QStringLiteral("*") + kMetadataSuffix},
                        QDir::Files | QDir::NoSymLinks | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QFileInfo file(it.next());
            control.throwIfCancelled();
            metadataObjects.append({base.relativeFilePath(file.absolutePath()), file.fileName()});
        }
    } else {
        for (const QString& container : containers) {
            if (const QString why = m_store->invalidContainer(container); !why.isEmpty())
                throw Error(QStringLiteral("invalid container '%1': %2").arg(container, why));
            for (const QString& name : m_store->list(container, QString()))
                if (name.endsWith(kMetadataSuffix))
                    metadataObjects.append({container, name});
        }
    }
    std::sort(metadataObjects.begin(), metadataObjects.end());

    QList<DiscoveredBackup> result;
    for (const auto& [container, name] : metadataObjects) {
        control.throwIfCancelled();
        DiscoveredBackup found;
        found.container = container;
        found.prefix = name.chopped(kMetadataSuffix.size());
        try {
            if (container.isEmpty() || container == QLatin1String("."))
                throw Error(QStringLiteral("it is not inside a container"));
            inspectDiscovered(*m_store, *this, found);
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& error) {
            found.problem = error.message();
        }
        result.append(found);
    }
    return result;
}

} // namespace ember
