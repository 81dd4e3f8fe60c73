#include "chunkedinternal.h"

#include "backoff.h"
#include "hashing.h"
#include "pythonjson.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

namespace ember::chunked {

QString pythonDateTime(const QDateTime& time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral("+00:00");
}

QJsonValue nullable(const QString& text)
{
    return text.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

const char* zeroBytes(size_t length)
{
    static std::vector<char> zeros(16 << 20, 0);
    if (length > zeros.size())
        throw std::logic_error("zero buffer too small");
    return zeros.data();
}

QByteArray readSmallObject(ObjectStore& store, const Backup& backup, const QString& name)
{
    try {
        return store.getAll(backup.container, name);
    } catch (const ObjectMissing&) {
        throw Error(QStringLiteral("backup %1 is damaged: %2 is missing from container %3")
                        .arg(backup.id, name, backup.container));
    }
}

BackupMetadata readMetadata(ObjectStore& store, const Backup& backup)
{
    if (backup.serviceMetadata.isEmpty())
        throw Error(
            QStringLiteral("backup %1 has no object prefix (service_metadata); it was never "
                           "written completely")
                .arg(backup.id));
    const QString name = metadataObjectName(backup.serviceMetadata);
    const QByteArray text = readSmallObject(store, backup, name);
    return parseFor(backup, [&] { return parseBackupMetadata(text, name); });
}

void placeNewBackup(ObjectStore& store, Backup& backup,
                    const std::function<void(const Backup&)>& recordLocation)
{
    if (backup.container.isEmpty())
        backup.container = store.defaultContainer(backup);
    backup.serviceMetadata = store.objectPrefix(backup, QDateTime::currentDateTimeUtc());
    backup.service = store.serviceName();
    if (recordLocation)
        recordLocation(backup);
}

void checkStoredObjects(ObjectStore& store, const Backup& backup, const BackupMetadata& metadata,
                        const QString& refusal)
{
    // Only <prefix>-NNNNN are this backup's: a listing by prefix "abc" also
    // returns another backup's "abcdef-00001".
    QStringList stored;
    for (const QString& name : store.list(backup.container, backup.serviceMetadata))
        if (isDataObjectName(name, backup.serviceMetadata))
            stored.append(name);
    QStringList listed;
    for (const ObjectEntry& entry : metadata.objects)
        listed.append(entry.name);
    stored.sort();
    listed.sort();
    if (stored == listed)
        return;
    for (const QString& name : listed)
        if (!stored.contains(name))
            throw Error(
                QStringLiteral("backup %1 is damaged: object %2 is missing from container %3")
                    .arg(backup.id, name, backup.container));
    QStringList extra;
    for (const QString& name : stored)
        if (!listed.contains(name))
            extra.append(name);
    throw Error(QStringLiteral("backup %1 has objects its metadata does not list (%2); %3")
                    .arg(backup.id, extra.join(QStringLiteral(", ")), refusal));
}

void withRetries(ObjectStore& store, OperationControl& control, const std::function<void()>& work,
                 const std::function<void(const TransientError&)>& beforeRetry)
{
    Backoff(store.retryPolicy())
        .run(
            work, [&control] { control.throwIfCancelled(); },
            [&beforeRetry](const TransientError& error, int, double) {
                if (beforeRetry)
                    beforeRetry(error);
            });
}

void runOnThreads(int count, const std::function<void(std::atomic<bool>& failed)>& work)
{
    std::atomic<bool> failed{false};
    std::exception_ptr firstError;
    std::mutex errorMutex;
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&] {
            try {
                work(failed);
            } catch (...) {
                std::lock_guard lock(errorMutex);
                // A cancel seen by one thread makes the others fail too; report the cause.
                if (!firstError)
                    firstError = std::current_exception();
                failed = true;
            }
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    if (firstError)
        std::rethrow_exception(firstError);
}

QString dataObjectName(const QString& prefix, qsizetype index)
{
    return QStringLiteral("%1-%2").arg(prefix).arg(index + 1, 5, 10, QLatin1Char('0'));
}

void writeObjectsInParallel(const ChunkedOptions& options, ObjectStore& store, qsizetype count,
                            const std::function<void(qsizetype index)>& write)
{
    if (count == 0)
        return;
    std::atomic<qsizetype> next{0};
    const int writers = std::max(1, std::min<int>(int(count), options.objectsInFlight > 0
                                                                  ? options.objectsInFlight
                                                                  : store.parallelTransfers()));
    runOnThreads(writers, [&](std::atomic<bool>& failed) {
        for (;;) {
            const qsizetype index = next.fetch_add(1);
            if (index >= count || failed.load())
                return;
            write(index);
        }
    });
}

QByteArray shaFileText(const Backup& backup, qint64 blockSize, const std::vector<Sha256>& hashes)
{
    QByteArray text;
    text.reserve(qsizetype(hashes.size() * 72 + 512));
    text.append("{\n  \"backup_description\": ");
    text.append(PythonJson::dumps(nullable(backup.displayDescription)));
    text.append(",\n  \"backup_id\": ");
    text.append(PythonJson::quote(backup.id));
    text.append(",\n  \"backup_name\": ");
    text.append(PythonJson::dumps(nullable(backup.displayName)));
    text.append(",\n  \"chunk_size\": ");
    text.append(QByteArray::number(blockSize));
    text.append(",\n  \"created_at\": ");
    text.append(PythonJson::quote(pythonDateTime(backup.createdAt)));
    text.append(",\n  \"sha256s\": ");
    if (hashes.empty()) {
        text.append("[]");
    } else {
        text.append('[');
        for (size_t i = 0; i < hashes.size(); ++i) {
            const Sha256& digest = hashes[i];
            text.append(i == 0 ? "\n    \"" : ",\n    \"");
            text.append(QByteArray(reinterpret_cast<const char*>(digest.data()), int(digest.size()))
                            .toHex());
            text.append('"');
        }
        text.append("\n  ]");
    }
    text.append(",\n  \"version\": ");
    text.append(PythonJson::quote(kChunkedFormatVersion));
    text.append(",\n  \"volume_id\": ");
    text.append(PythonJson::quote(backup.volumeId));
    text.append("\n}");
    return text;
}

QByteArray metadataFileText(const Backup& backup, const QList<ObjectEntry>& objects,
                            const QJsonValue& parentId, const QJsonValue& volumeMeta,
                            const QJsonObject& encryption)
{
    QJsonArray list;
    for (const ObjectEntry& entry : objects) {
        QJsonObject fields;
        fields[QStringLiteral("compression")] = entry.compression;
        fields[QStringLiteral("length")] = double(entry.length);
        fields[QStringLiteral("md5")] = entry.md5;
        fields[QStringLiteral("offset")] = double(entry.offset);
        QJsonObject wrapper;
        wrapper[entry.name] = fields;
        list.append(wrapper);
    }
    QJsonObject root;
    root[QStringLiteral("backup_description")] = nullable(backup.displayDescription);
    root[QStringLiteral("backup_id")] = backup.id;
    root[QStringLiteral("backup_name")] = nullable(backup.displayName);
    root[QStringLiteral("created_at")] = pythonDateTime(backup.createdAt);
    root[QStringLiteral("objects")] = list;
    root[QStringLiteral("parent_id")] = parentId;
    root[QStringLiteral("version")] = kChunkedFormatVersion;
    root[QStringLiteral("volume_id")] = backup.volumeId;
    root[QStringLiteral("volume_meta")] = volumeMeta;
    if (!encryption.isEmpty())
        root[QStringLiteral("ember_encryption")] = encryption;
    return PythonJson::dumps(root, {2, true});
}

KeySet keyFor(const KeyLookup& keys, const QString& fingerprint, bool toOpen, const QString& what)
{
    std::optional<KeySet> key;
    if (keys)
        key = keys(fingerprint);
    if (!key)
        throw Error(QStringLiteral("key not available: %1 key %2, which is not on this host")
                        .arg(what, fingerprint));
    // A lookup that answers with another key must not be trusted with this one.
    if (key->fingerprint != fingerprint)
        throw Error(QStringLiteral("key not available: %1 key %2, but this host's key store "
                                   "answered with key %3")
                        .arg(what, fingerprint, key->fingerprint));
    if (toOpen && !key->canUnwrap())
        throw Error(QStringLiteral("key not available: %1 key %2, of which this host holds only "
                                   "the public half; import the private key to read it")
                        .arg(what, fingerprint));
    return *key;
}

Envelope envelopeOf(const Backup& backup, const BackupMetadata& metadata)
{
    return parseFor(backup, [&] {
        try {
            return Envelope::fromJson(metadata.encryption);
        } catch (const Error& error) {
            throw Error(QStringLiteral("%1: ember_encryption: %2")
                            .arg(metadataObjectName(backup.serviceMetadata), error.message()));
        }
    });
}

BackupKeys openBackup(const KeyLookup& keys, const Backup& backup, const Envelope& envelope)
{
    const KeySet key = keyFor(keys, envelope.keyFingerprint, true,
                              QStringLiteral("backup %1 is encrypted with").arg(backup.id));
    try {
        return openBackupKeys(key, envelope, backup.id);
    } catch (const SealBroken& broken) {
        throw SealBroken(
            QStringLiteral("backup %1 does not authenticate (%2): %3")
                .arg(backup.id, metadataObjectName(backup.serviceMetadata), broken.message()));
    }
}

void checkShaFileMac(const Backup& backup, const Envelope& envelope, const BackupKeys& keys,
                     const QByteArray& shaFileText)
{
    if (shaFileMac(keys.macKey, backup.id, shaFileText) != envelope.shaFileMac)
        throw SealBroken(QStringLiteral("%1 of backup %2 does not authenticate: it does not "
                                        "match the sha256file_mac of its _metadata (tampered "
                                        "with or damaged)")
                             .arg(shaFileObjectName(backup.serviceMetadata), backup.id));
}

ObjectBinding objectBinding(const Backup& backup, const BackupMetadata& metadata, qsizetype index)
{
    const ObjectEntry& entry = metadata.objects.at(index);
    ObjectBinding binding;
    binding.backupId = backup.id;
    binding.objectName = entry.name;
    binding.index = index;
    binding.objectCount = metadata.objects.size();
    binding.offset = entry.offset;
    binding.length = entry.length;
    binding.compression = entry.compression;
    return binding;
}

DecryptingFeed::DecryptingFeed(const QByteArray& dataKey, const ObjectBinding& binding, Sink sink)
    : m_decryptor(dataKey, binding), m_binding(binding), m_sink(std::move(sink))
{
}

void DecryptingFeed::feed(const char* data, size_t length)
{
    m_decryptor.feed(data, length, [this](const char* plain, size_t count) {
        if (m_sinkFailure)
            return; // the rest is read only to check the tag
        try {
            m_sink(plain, count);
        } catch (const Cancelled&) {
            throw;
        } catch (const TransientError&) {
            throw;
        } catch (const Error&) {
            m_sinkFailure = std::current_exception();
        }
    });
}

void DecryptingFeed::finish()
{
    try {
        m_decryptor.finish();
    } catch (const SealBroken& broken) {
        const bool tooShort = broken.message().contains(QLatin1String("too short"));
        throw SealBroken(QStringLiteral("object %1 (volume offset %2) of backup %3 does not "
                                        "authenticate: tampered with, damaged, moved or sealed "
                                        "under another key%4")
                             .arg(m_binding.objectName)
                             .arg(m_binding.offset)
                             .arg(m_binding.backupId,
                                  tooShort ? QStringLiteral(" (it is too short to hold a nonce "
                                                            "and a tag)")
                                           : QString()));
    }
    if (m_sinkFailure)
        std::rethrow_exception(m_sinkFailure);
}

ObjectEncryptorFactory
sealingEncryptors(const QByteArray& dataKey, const QString& backupId, qint64 objectCount,
                  std::function<qint64(const QString& name, const Extent& extent)> indexOf)
{
    return [=](const QString& name, const Extent& extent, const QString& compressionTag) {
        ObjectBinding binding;
        binding.backupId = backupId;
        binding.objectName = name;
        binding.index = indexOf(name, extent);
        binding.objectCount = objectCount;
        binding.offset = extent.offset;
        binding.length = extent.length;
        binding.compression = compressionTag;
        return std::make_unique<ObjectEncryptor>(dataKey, binding);
    };
}

ObjectEntry writeObject(const ObjectWriter& writer, const Extent& extent, const QString& name,
                        const CompressionChoice& choice, bool countProgress, qint64& storedLength)
{
    // zstd's own workers pay off only for large objects, not for small change runs.
    const int encoderThreads = extent.length >= (8 << 20) ? writer.pool.size() : 1;
    auto encoder = makeEncoder(choice.codec, writer.zlibEngine, extent.length, encoderThreads);
    const ObjectEncoder* pieceEncoder = encoder->encodesPieces() ? encoder.get() : nullptr;
    // Compress, then encrypt; no MD5 of the plaintext is kept for an encrypted object.
    std::unique_ptr<ObjectEncryptor> encryptor =
        writer.encryptorFor ? writer.encryptorFor(name, extent, choice.tag) : nullptr;
    Digest md5(Digest::Algorithm::Md5);
    const PieceMaker makePiece = writer.piecesFor(extent);
    std::deque<std::future<ObjectPiece>> window;
    qint64 nextSubmit = extent.offset;
    auto submitMore = [&] {
        while (window.size() < writer.windowSize && nextSubmit < extent.end()) {
            const qint64 at = nextSubmit;
            const qint64 length = std::min(writer.pieceSize, extent.end() - at);
            window.push_back(makePiece(at, length, pieceEncoder));
            nextSubmit += length;
        }
    };

    QByteArray pending;
    qsizetype pendingPosition = 0;
    bool finished = false;
    storedLength = 0;
    QByteArray encoded; // the compressed bytes of a piece, before encryption
    if (encryptor)
        pending = encryptor->begin();
    // Encoders append to `out`: straight to `pending`, or through the encryptor.
    auto output = [&](const std::function<void(QByteArray & out)>& encode) {
        if (!encryptor) {
            encode(pending);
            return;
        }
        encoded.clear();
        encode(encoded);
        encryptor->update(encoded.constData(), size_t(encoded.size()), pending);
    };
    auto producer = [&](char* buffer, size_t capacity) -> size_t {
        // Checked per call, not only per piece: a store that paces its
        // transfer (a bandwidth limit) then stops within one slice of a cancel.
        writer.control.throwIfCancelled();
        while (pendingPosition == pending.size()) {
            pending.clear();
            pendingPosition = 0;
            if (finished)
                return 0;
            submitMore();
            if (window.empty()) {
                output([&](QByteArray& out) { encoder->finish(out); });
                if (encryptor)
                    pending.append(encryptor->finish());
                finished = true;
                continue;
            }
            ObjectPiece piece = window.front().get();
            window.pop_front();
            submitMore();
            const char* raw = piece.zero ? zeroBytes(size_t(piece.length)) : piece.raw.constData();
            if (!encryptor)
                md5.update(raw, size_t(piece.length));
            output([&](QByteArray& out) {
                if (pieceEncoder)
                    encoder->appendEncoded(piece.encoded, out);
                else
                    encoder->appendRaw(raw, size_t(piece.length), out);
            });
            if (countProgress)
                writer.control.addBytesDone(piece.length);
        }
        const size_t count = std::min(capacity, size_t(pending.size() - pendingPosition));
        std::memcpy(buffer, pending.constData() + pendingPosition, count);
        pendingPosition += qsizetype(count);
        storedLength += qint64(count);
        return count;
    };

    try {
        const qint64 overhead = encryptor ? kObjectOverhead : 0;
        writer.store.put(writer.container, name, producer,
                         choice.codec == Codec::None
                             ? std::optional<qint64>(extent.length + overhead)
                             : std::nullopt);
    } catch (...) {
        waitForAll(window);
        throw;
    }
    if (!finished)
        throw Error(QStringLiteral("the store stopped reading object %1 before its end").arg(name));

    ObjectEntry entry;
    entry.name = name;
    entry.offset = extent.offset;
    entry.length = extent.length;
    entry.md5 = encryptor ? QString() : QString::fromLatin1(md5.finalHex());
    entry.compression = choice.tag;
    return entry;
}

ObjectEntry retryObject(const ObjectWriter& writer, const QString& name,
                        const std::function<ObjectEntry(bool countProgress)>& attempt)
{
    bool countProgress = true;
    ObjectEntry entry;
    withRetries(
        writer.store, writer.control, [&] { entry = attempt(countProgress); },
        [&](const TransientError& error) {
            countProgress = false;
            qCWarning(writer.logCategory)
                << "retrying object" << name << "after:" << error.message();
            writer.control.log(QStringLiteral("retrying %1: %2").arg(name, error.message()));
        });
    return entry;
}

namespace {
// Takes an encoded object into memory instead of storing it, up to `limit`
// bytes: beyond that, compressing does not pay and the object goes raw.
class CapturingStore : public ObjectStore
{
public:
    struct TooLarge
    {
    };
    explicit CapturingStore(qint64 limit) : m_limit(limit) {}
    QByteArray captured;

    QString serviceName() const override { return {}; }
    QString objectPrefix(const Backup&, const QDateTime&) const override { return {}; }
    QString defaultContainer(const Backup&) const override { return {}; }
    void ensureContainer(const QString&) override {}
    void put(const QString&, const QString&, const DataProducer& producer,
             std::optional<qint64>) override
    {
        captured.clear();
        char buffer[65536];
        while (const size_t count = producer(buffer, sizeof buffer)) {
            if (captured.size() + qint64(count) >= m_limit)
                throw TooLarge{};
            captured.append(buffer, qsizetype(count));
        }
    }
    void get(const QString&, const QString&, const DataConsumer&) override {}
    QStringList list(const QString&, const QString&) override { return {}; }
    void remove(const QString&, const QString&) override {}

private:
    qint64 m_limit;
};

// On a store that locks what it writes, a second upload of the same name
// (compressed, then raw because compressing did not shrink it) would leave
// the first one locked and unremovable: the object is encoded in memory first
// (at most its raw length, the object size) and stored once.
std::optional<ObjectEntry> writeObjectOnce(const ObjectWriter& writer, const Extent& extent,
                                           const QString& name, CompressionChoice& used,
                                           bool countProgress, qint64& storedLength)
{
    // An encrypted object carries its nonce and tag besides the compressed bytes.
    CapturingStore capture(extent.length + (writer.encryptorFor ? kObjectOverhead : 0));
    const ObjectWriter measuring{capture,
                                 writer.control,
                                 writer.pool,
                                 writer.container,
                                 writer.zlibEngine,
                                 writer.pieceSize,
                                 writer.windowSize,
                                 writer.piecesFor,
                                 writer.logCategory,
                                 writer.encryptorFor};
    ObjectEntry entry;
    try {
        // Progress is counted once the object's fate is known.
        entry = writeObject(measuring, extent, name, used, false, storedLength);
    } catch (const CapturingStore::TooLarge&) {
        used = {Codec::None, QStringLiteral("none")};
        return std::nullopt;
    }
    const QByteArray& data = capture.captured;
    qsizetype position = 0;
    writer.store.put(
        writer.container, name,
        [&](char* buffer, size_t capacity) -> size_t {
            const size_t count = std::min(capacity, size_t(data.size() - position));
            std::memcpy(buffer, data.constData() + position, count);
            position += qsizetype(count);
            return count;
        },
        qint64(data.size()));
    storedLength = data.size();
    if (countProgress)
        writer.control.addBytesDone(extent.length);
    return entry;
}
} // namespace

ObjectEntry writeObjectWithRetries(const ObjectWriter& writer, const Extent& extent,
                                   const QString& name, const CompressionChoice& choice,
                                   std::atomic<qint64>& storedBytes)
{
    CompressionChoice used = choice;
    const bool locksObjects = writer.store.retentionForNewObjects().has_value();
    return retryObject(writer, name, [&](bool countProgress) {
        qint64 storedLength = 0;
        if (locksObjects && used.codec != Codec::None) {
            if (std::optional<ObjectEntry> entry =
                    writeObjectOnce(writer, extent, name, used, countProgress, storedLength)) {
                storedBytes += storedLength;
                return *entry;
            }
        }
        ObjectEntry entry = writeObject(writer, extent, name, used, countProgress, storedLength);
        // Cinder stores an object raw, tagged "none", when compressing did not shrink it
        // (an encrypted object: its compressed bytes, without nonce and tag); the
        // raw object is encrypted again, bound to its new tag.
        const qint64 overhead = writer.encryptorFor ? kObjectOverhead : 0;
        if (used.codec != Codec::None && storedLength - overhead >= extent.length) {
            used = {Codec::None, QStringLiteral("none")};
            entry = writeObject(writer, extent, name, used, false, storedLength);
        }
        storedBytes += storedLength;
        return entry;
    });
}

} // namespace ember::chunked
