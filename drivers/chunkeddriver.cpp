#include "chunkeddriver.h"

#include "bandwidth.h"
#include "chunkedformat.h"
#include "chunkedinternal.h"
#include "compression.h"
#include "hashing.h"
#include "posixstore.h"
#include "pythonjson.h"
#include "volumemeta.h"
#include "workerpool.h"

#include <QDir>
#include <QDirIterator>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>
#include <QThread>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

Q_LOGGING_CATEGORY(lcChunked, "ember.chunked")

namespace ember {

using namespace chunked;

namespace {

QString metadataName(const Backup& backup)
{
    return metadataObjectName(backup.serviceMetadata);
}

QString shaFileName(const Backup& backup)
{
    return shaFileObjectName(backup.serviceMetadata);
}

class StopRequested : public std::exception
{
};

// ------------------------------------------------------------------ backup

class BackupRun
{
public:
    // `sealingKey`: the key set new objects are sealed under (encrypted
    // backends); `keys` finds a parent's key to check its `_sha256file`.
    BackupRun(ObjectStore& store, const ChunkedOptions& options, BackupJob& job,
              std::optional<KeySet> sealingKey, const KeyLookup& keys)
        : m_store(store), m_options(options), m_job(job), m_control(job.control),
          m_source(job.source), m_pool(options.workerThreads), m_sealingKey(std::move(sealingKey)),
          m_keys(keys)
    {
        if (m_sealingKey) {
            m_backupKeys = newBackupKeys(*m_sealingKey);
            m_mac = std::make_unique<BlockMac>(m_backupKeys.macKey);
        }
    }

    void run()
    {
        Backup& backup = m_job.backup;
        m_size = m_source.size();
        m_blockSize = m_options.shaBlockSize;
        m_blockCount = (m_size + m_blockSize - 1) / m_blockSize;
        m_compression = parseCompression(m_options.compression);
        m_hashes.assign(size_t(m_blockCount), Sha256{});
        m_zeroBlockHash =
            blockDigest(m_mac.get(), zeroBytes(size_t(m_blockSize)), size_t(m_blockSize));

        std::optional<ShaFile> parentHashes;
        if (m_job.parent) {
            const QByteArray parentShaText =
                readSmallObject(m_store, *m_job.parent, shaFileName(*m_job.parent));
            checkParentEncryption(parentShaText);
            parentHashes = parseFor(*m_job.parent, [&] {
                return parseShaFile(parentShaText, shaFileName(*m_job.parent));
            });
            if (parentHashes->blockSize != m_blockSize)
                throw Error(
                    QStringLiteral("Hash block size has changed since the last backup (%1 -> %2 "
                                   "bytes). Do a full backup.")
                        .arg(parentHashes->blockSize)
                        .arg(m_blockSize));
            if (qint64(parentHashes->hashes.size()) < m_blockCount)
                throw Error(QStringLiteral(
                    "Volume size increased since the last backup. Do a full backup."));
        }

        QList<Extent> plan;
        if (!parentHashes) {
            for (qint64 offset = 0; offset < m_size; offset += m_options.objectSize)
                plan.append({offset, std::min(m_options.objectSize, m_size - offset)});
            m_hashWhileWriting = true;
            m_control.setPhase(QStringLiteral("backing up"), m_size);
        } else {
            scanForChanges(*parentHashes);
            plan = changedRuns(*parentHashes);
            qint64 changedBytes = 0;
            for (const Extent& extent : plan)
                changedBytes += extent.length;
            m_control.log(QStringLiteral("%1 of %2 bytes changed since backup %3, in %4 object(s)")
                              .arg(changedBytes)
                              .arg(m_size)
                              .arg(m_job.parent->id)
                              .arg(plan.size()));
            m_control.setPhase(QStringLiteral("writing changes"), changedBytes);
        }

        QStringList names;
        for (qsizetype i = 0; i < plan.size(); ++i) {
            names.append(QStringLiteral("%1-%2")
                             .arg(backup.serviceMetadata)
                             .arg(i + 1, 5, 10, QLatin1Char('0')));
            m_objectIndex.insert(names.last(), i);
        }
        m_entries.resize(plan.size());
        writeObjects(plan, names);

        writeShaFile();
        writeMetadataFile();
        backup.objectCount = plan.size();
        backup.storedBytes = m_storedBytes.load();
        if (m_sealingKey) {
            backup.encryption = kEncryptionScheme;
            backup.encryptionKeyFingerprint = m_sealingKey->fingerprint;
        }
    }

private:
    using Piece = ObjectPiece;

    // An incremental compares its blocks with its parent's list: both must be
    // in the clear, or MACs under the same block-MAC key. Runs before anything
    // is written.
    void checkParentEncryption(const QByteArray& parentShaText)
    {
        const Backup& parent = *m_job.parent;
        const BackupMetadata metadata = readMetadata(m_store, parent);
        auto refuse = [&](const QString& why) {
            return Error(QStringLiteral("encryption changed since backup %1 (%2): do a full backup")
                             .arg(parent.id, why));
        };
        if (!metadata.isEncrypted()) {
            if (m_sealingKey)
                throw refuse(QStringLiteral("it is stored in the clear; this backend encrypts"));
            return;
        }
        if (!m_sealingKey)
            throw refuse(QStringLiteral("it is encrypted; this backend stores in the clear"));
        const Envelope envelope = envelopeOf(parent, metadata);
        const QString macKeyId = macKeyIdOf(m_backupKeys.macKey);
        if (envelope.macKeyId != macKeyId)
            throw refuse(
                QStringLiteral("its block-MAC key %1 is not the block-MAC key %2 of key %3")
                    .arg(envelope.macKeyId, macKeyId, m_sealingKey->fingerprint));
        // Where this host can open the parent, its list must be the one it sealed.
        std::optional<KeySet> parentKey;
        try {
            if (m_keys)
                parentKey = m_keys(envelope.keyFingerprint);
        } catch (const Error& error) {
            // An unreadable keyring only skips this extra check.
            qCWarning(lcChunked) << "cannot look up the key of backup" << parent.id << ":"
                                 << error.message();
        }
        if (parentKey && parentKey->fingerprint == envelope.keyFingerprint &&
            parentKey->canUnwrap())
            checkShaFileMac(parent, envelope, openBackup(m_keys, parent, envelope), parentShaText);
    }

    // Reads a piece, skipping holes, and (for full backups) hashes its blocks.
    Piece loadPiece(qint64 offset, qint64 length, bool hash, const ObjectEncoder* encoder)
    {
        m_control.throwIfCancelled();
        if (m_stop.load())
            throw StopRequested();
        Piece piece;
        piece.offset = offset;
        piece.length = length;
        const std::vector<Extent> data = m_source.dataExtents(offset, length);
        if (data.empty()) {
            piece.zero = true;
        } else {
            piece.raw.resize(qsizetype(length));
            char* buffer = piece.raw.data();
            qint64 position = offset;
            for (const Extent& extent : data) {
                if (extent.offset > position)
                    std::memset(buffer + (position - offset), 0, size_t(extent.offset - position));
                const qint64 got = m_source.readAt(extent.offset, buffer + (extent.offset - offset),
                                                   extent.length);
                if (got != extent.length)
                    throw Error(QStringLiteral("volume %1 ended early at offset %2")
                                    .arg(m_source.describe())
                                    .arg(extent.offset + got));
                position = extent.end();
            }
            if (position < offset + length)
                std::memset(buffer + (position - offset), 0, size_t(offset + length - position));
        }
        if (hash)
            hashPiece(piece);
        if (encoder && encoder->encodesPieces()) {
            if (piece.zero)
                piece.encoded = zeroPiece(*encoder, length);
            else
                piece.encoded = encoder->encodePiece(piece.raw.constData(), size_t(length));
        }
        return piece;
    }

    void hashPiece(const Piece& piece)
    {
        const char* bytes = piece.zero ? zeroBytes(size_t(piece.length)) : piece.raw.constData();
        for (qint64 at = 0; at < piece.length; at += m_blockSize) {
            const qint64 length = std::min(m_blockSize, piece.length - at);
            const size_t index = size_t((piece.offset + at) / m_blockSize);
            m_hashes[index] = (piece.zero && length == m_blockSize)
                                  ? m_zeroBlockHash
                                  : blockDigest(m_mac.get(), bytes + at, size_t(length));
        }
    }

    // Encoded all-zero pieces are the same every time: make each size once.
    EncodedPiece zeroPiece(const ObjectEncoder& encoder, qint64 length)
    {
        std::lock_guard lock(m_zeroPieceMutex);
        auto found = m_zeroPieces.find(length);
        if (found == m_zeroPieces.end())
            found =
                m_zeroPieces
                    .emplace(length, encoder.encodePiece(zeroBytes(size_t(length)), size_t(length)))
                    .first;
        return found->second;
    }

    // Pass one of an incremental: hash every block (or take the parent's
    // hash where the source says nothing changed).
    void scanForChanges(const ShaFile& parent)
    {
        const std::optional<std::vector<Extent>> changed = m_source.changedSinceParent();
        std::vector<Extent> toRead;
        if (changed) {
            for (qint64 i = 0; i < m_blockCount; ++i)
                m_hashes[size_t(i)] = parent.hashes[size_t(i)];
            for (const Extent& extent : *changed) {
                const qint64 first = extent.offset / m_blockSize * m_blockSize;
                // Whole blocks: a partly changed block must be hashed entirely.
                const qint64 end =
                    std::min(m_size, (extent.end() + m_blockSize - 1) / m_blockSize * m_blockSize);
                if (first < end)
                    toRead.push_back({first, end - first});
            }
        } else {
            toRead.push_back({0, m_size});
        }
        qint64 total = 0;
        for (const Extent& extent : toRead)
            total += extent.length;
        m_control.setPhase(QStringLiteral("finding changes"), total);

        std::deque<std::future<Piece>> window;
        const size_t windowSize = size_t(m_pool.size()) * 4;
        auto drain = [&] {
            Piece piece = window.front().get();
            window.pop_front();
            m_control.addBytesDone(piece.length);
        };
        try {
            for (const Extent& extent : toRead) {
                const qint64 piece = m_options.pieceSize;
                for (qint64 at = extent.offset; at < extent.end(); at += piece) {
                    const qint64 length = std::min(piece, extent.end() - at);
                    window.push_back(m_pool.submit(
                        [this, at, length] { return loadPiece(at, length, true, nullptr); }));
                    if (window.size() >= windowSize)
                        drain();
                }
            }
            while (!window.empty())
                drain();
        } catch (...) {
            m_stop = true;
            waitForAll(window);
            throw;
        }
    }

    // Every maximal run of changed blocks inside one chunk (Cinder never
    // lets a run cross a chunk boundary).
    QList<Extent> changedRuns(const ShaFile& parent) const
    {
        QList<Extent> runs;
        const qint64 blocksPerChunk = m_options.objectSize / m_blockSize;
        qint64 runStart = -1;
        for (qint64 i = 0; i <= m_blockCount; ++i) {
            const bool atChunkStart = i % blocksPerChunk == 0;
            const bool changed =
                i < m_blockCount && m_hashes[size_t(i)] != parent.hashes[size_t(i)];
            if (runStart >= 0 && (!changed || atChunkStart)) {
                const qint64 offset = runStart * m_blockSize;
                runs.append({offset, std::min(i * m_blockSize, m_size) - offset});
                runStart = -1;
            }
            if (changed && runStart < 0)
                runStart = i;
        }
        return runs;
    }

    void writeObjects(const QList<Extent>& plan, const QStringList& names)
    {
        const ObjectWriter writer = objectWriter();
        writeObjectsInParallel(m_options, m_store, plan.size(), [&](qsizetype index) {
            m_entries[index] = writeObjectWithRetries(writer, plan[index], names[index],
                                                      m_compression, m_storedBytes);
        });
    }

    // Pieces are read and compressed in the pool ahead of the store pulling them.
    ObjectWriter objectWriter()
    {
        auto piecesFor = [this](const Extent&) -> PieceMaker {
            return [this](qint64 at, qint64 length, const ObjectEncoder* pieceEncoder) {
                const bool hash = m_hashWhileWriting;
                return m_pool.submit([this, at, length, hash, pieceEncoder] {
                    return loadPiece(at, length, hash, pieceEncoder);
                });
            };
        };
        ObjectWriter writer{.store = m_store,
                            .control = m_control,
                            .pool = m_pool,
                            .container = m_job.backup.container,
                            .zlibEngine = m_options.zlibEngine,
                            .pieceSize = m_options.pieceSize,
                            .windowSize = size_t(m_pool.size()) * 3 + 1,
                            .piecesFor = piecesFor,
                            .logCategory = lcChunked};
        if (m_sealingKey)
            writer.encryptorFor = sealingEncryptors(
                m_backupKeys.dataKey, m_job.backup.id, m_objectIndex.size(),
                [this](const QString& name, const Extent&) { return m_objectIndex.value(name); });
        return writer;
    }

    void writeShaFile()
    {
        const Backup& backup = m_job.backup;
        const QByteArray text = shaFileText(backup, m_blockSize, m_hashes);
        if (m_sealingKey)
            m_shaFileMac = shaFileMac(m_backupKeys.macKey, backup.id, text);
        putSmall(shaFileName(backup), text);
    }

    void writeMetadataFile()
    {
        const Backup& backup = m_job.backup;
        QJsonObject encryption;
        if (m_sealingKey) {
            Envelope envelope = sealBackupKeys(*m_sealingKey, m_backupKeys, backup.id);
            envelope.shaFileMac = m_shaFileMac;
            encryption = envelope.toJson();
        }
        putSmall(metadataName(backup),
                 metadataFileText(backup, m_entries, nullable(backup.parentId),
                                  QString::fromUtf8(volumeMetaJson(m_job.volume)), encryption));
    }

    void putSmall(const QString& name, const QByteArray& data)
    {
        withRetries(m_store, m_control, [&] {
            m_store.putAll(m_job.backup.container, name, data);
            m_storedBytes += data.size();
        });
    }

    ObjectStore& m_store;
    const ChunkedOptions& m_options;
    BackupJob& m_job;
    OperationControl& m_control;
    VolumeDevice& m_source;
    WorkerPool m_pool;
    qint64 m_size = 0;
    qint64 m_blockSize = 0;
    qint64 m_blockCount = 0;
    CompressionChoice m_compression;
    std::vector<Sha256> m_hashes;
    Sha256 m_zeroBlockHash{};
    bool m_hashWhileWriting = false;
    QList<ObjectEntry> m_entries;
    std::atomic<qint64> m_storedBytes{0};
    std::atomic<bool> m_stop{false};
    std::mutex m_zeroPieceMutex;
    std::map<qint64, EncodedPiece> m_zeroPieces;
    std::optional<KeySet> m_sealingKey;
    const KeyLookup& m_keys;
    BackupKeys m_backupKeys;
    std::unique_ptr<BlockMac> m_mac;         // set when encrypting: blocks are MACed, not hashed
    QHash<QString, qsizetype> m_objectIndex; // data object name -> index in `_metadata`
    QString m_shaFileMac;
};

// ----------------------------------------------------------------- restore

// Where each byte of the restored volume comes from: the newest backup in
// the chain that holds it. Restoring from this map reads and writes every
// byte once, instead of writing the full backup and then each increment.
struct Source
{
    int objectIndex = -1;   // into RestorePlan::objects
    qint64 objectStart = 0; // volume offset of the object's first byte
};

struct NeededObject
{
    Backup backup;
    ObjectEntry entry;
    std::vector<Extent> ranges; // volume ranges to take from it, sorted
    // Encrypted backups: what the object is bound to, and its backup's data key.
    std::optional<ObjectBinding> binding = {};
    QByteArray dataKey = {};
};

// A restore target that refused a write or flush (full disk, read-only
// device, I/O error): the backup is fine, so the message names the target
// and never calls the backup's objects corrupt.
class TargetWriteError : public Error
{
public:
    TargetWriteError(const QString& target, const Error& cause) : Error(messageFor(target, cause))
    {
    }

private:
    static QString messageFor(const QString& target, const Error& cause)
    {
        const auto* write = dynamic_cast<const VolumeWriteError*>(&cause);
        if (write && write->outOfSpace())
            return QStringLiteral("the restore target %1 ran out of space (%2); the backup is "
                                  "intact: free space there or restore elsewhere")
                .arg(target, cause.message());
        return QStringLiteral("cannot write to the restore target %1 (%2); the backup is intact")
            .arg(target, cause.message());
    }
};

using SteadyClock = std::chrono::steady_clock;

qint64 nanosecondsBetween(SteadyClock::time_point from, SteadyClock::time_point to)
{
    return qint64(std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

bool isAllZero(const char* data, size_t length)
{
    return std::memcmp(data, zeroBytes(length), length) == 0;
}

class RestoreRun
{
public:
    RestoreRun(ObjectStore& store, const ChunkedOptions& options, const QList<Backup>& chain,
               VolumeDevice* device, OperationControl& control, bool verifyEverything,
               const KeyLookup& keys)
        : m_store(store), m_options(options), m_chain(chain), m_device(device), m_control(control),
          m_checkAllObjects(verifyEverything), m_pool(options.workerThreads), m_keys(keys)
    {
    }

    // The restored backup's volume_meta, known once run() read the metadata.
    const QByteArray& volumeMeta() const { return m_volumeMeta; }

    VerifyReport run()
    {
        const Backup& newest = m_chain.last();
        m_control.setPhase(QStringLiteral("reading metadata"), 0);
        QList<BackupMetadata> metadata;
        for (const Backup& backup : m_chain) {
            m_control.throwIfCancelled();
            metadata.append(readMetadata(m_store, backup));
            checkStoredObjects(m_store, backup, metadata.last(),
                               QStringLiteral("refusing to restore, as Cinder does"));
        }
        m_volumeMeta = metadata.last().volumeMeta;
        const QByteArray shaText = readSmallObject(m_store, newest, shaFileName(newest));
        m_hashes = parseFor(newest, [&] { return parseShaFile(shaText, shaFileName(newest)); });
        openChain(metadata, shaText);
        m_blockSize = m_hashes.blockSize;
        // Every offset, length and count read from the backend is checked
        // against the volume size, which the full backup's objects define.
        m_volumeSize = parseFor(m_chain.first(), [&] {
            return fullBackupVolumeSize(metadata.first(), metadataName(m_chain.first()));
        });
        for (qsizetype b = 0; b < m_chain.size(); ++b)
            parseFor(m_chain[b], [&] {
                checkObjectsWithinVolume(metadata[b], m_volumeSize, metadataName(m_chain[b]));
                return 0;
            });
        parseFor(newest, [&] {
            checkShaFileCoversVolume(m_hashes, m_volumeSize, shaFileName(newest));
            return 0;
        });
        if (m_device && m_device->size() < m_volumeSize)
            throw Error(QStringLiteral("the target %1 holds %2 bytes but the backup needs %3")
                            .arg(m_device->describe())
                            .arg(m_device->size())
                            .arg(m_volumeSize));
        m_zeroBlockHash =
            blockDigest(m_mac.get(), zeroBytes(size_t(m_blockSize)), size_t(m_blockSize));
        m_skipZeros = m_device && m_device->knownZero();

        buildPlan(metadata);
        return readObjects();
    }

    // Reads only `names`, objects of the newest backup, checking each against
    // its MD5 and every block of it against the newest backup's SHA-256 list
    // (a backup's own objects hold the newest data of their ranges). Only the
    // full backup's metadata is read besides, for the volume size.
    VerifyReport runSample(const QStringList& names)
    {
        const Backup& newest = m_chain.last();
        m_control.setPhase(QStringLiteral("reading metadata"), 0);
        const BackupMetadata own = readMetadata(m_store, newest);
        const BackupMetadata full =
            m_chain.size() > 1 ? readMetadata(m_store, m_chain.first()) : own;
        const QByteArray shaText = readSmallObject(m_store, newest, shaFileName(newest));
        m_hashes = parseFor(newest, [&] { return parseShaFile(shaText, shaFileName(newest)); });
        // Only the newest backup's objects are read: only its key is needed.
        if (full.isEncrypted() != own.isEncrypted())
            throw mixedChain();
        openChain({own}, shaText, m_chain.size() - 1);
        m_blockSize = m_hashes.blockSize;
        m_volumeSize = parseFor(m_chain.first(), [&] {
            return fullBackupVolumeSize(full, metadataName(m_chain.first()));
        });
        parseFor(newest, [&] {
            checkObjectsWithinVolume(own, m_volumeSize, metadataName(newest));
            checkShaFileCoversVolume(m_hashes, m_volumeSize, shaFileName(newest));
            return 0;
        });
        for (const QString& name : names) {
            const auto entry =
                std::find_if(own.objects.begin(), own.objects.end(),
                             [&](const ObjectEntry& candidate) { return candidate.name == name; });
            if (entry == own.objects.end())
                throw Error(QStringLiteral("object %1 is not one of backup %2's objects (%3 does "
                                           "not list it)")
                                .arg(name, newest.id, metadataName(newest)));
            m_objects.push_back({newest, *entry, {Extent{entry->offset, entry->length}}});
            if (own.isEncrypted()) {
                m_objects.back().binding =
                    objectBinding(newest, own, qsizetype(entry - own.objects.begin()));
                m_objects.back().dataKey = m_dataKeys.back();
            }
        }
        return readObjects();
    }

    qint64 volumeSize() const { return m_volumeSize; }

private:
    Error mixedChain() const
    {
        return Error(QStringLiteral("the chain of backup %1 mixes encrypted backups and backups "
                                    "in the clear; refusing to read it")
                         .arg(m_chain.last().id));
    }

    // Finds and opens the key of every encrypted backup of `metadata` (the
    // chain from `first` on) and checks the newest `_sha256file`, before any
    // object is read or anything written. A chain in the clear is left as is.
    void openChain(const QList<BackupMetadata>& metadata, const QByteArray& newestShaText,
                   qsizetype first = 0)
    {
        const bool encrypted = metadata.last().isEncrypted();
        for (const BackupMetadata& each : metadata)
            if (each.isEncrypted() != encrypted)
                throw mixedChain();
        if (!encrypted)
            return;
        QList<Envelope> envelopes;
        for (qsizetype b = 0; b < metadata.size(); ++b)
            envelopes.append(envelopeOf(m_chain[first + b], metadata[b]));
        // Every key is looked up before any is used: a missing one is named first.
        for (qsizetype b = 0; b < metadata.size(); ++b)
            keyFor(m_keys, envelopes[b].keyFingerprint, true,
                   QStringLiteral("backup %1 is encrypted with").arg(m_chain[first + b].id));
        BackupKeys newestKeys;
        for (qsizetype b = 0; b < metadata.size(); ++b) {
            m_control.throwIfCancelled();
            newestKeys = openBackup(m_keys, m_chain[first + b], envelopes[b]);
            m_dataKeys.append(newestKeys.dataKey);
        }
        checkShaFileMac(m_chain.last(), envelopes.last(), newestKeys, newestShaText);
        m_mac = std::make_unique<BlockMac>(newestKeys.macKey);
    }

    // Reads m_objects on a few threads, checking (and writing) what each holds.
    VerifyReport readObjects()
    {
        qint64 total = 0;
        for (const NeededObject& object : m_objects)
            for (const Extent& range : object.ranges)
                total += range.length;
        m_control.setPhase(m_device ? QStringLiteral("restoring") : QStringLiteral("verifying"),
                           total);
        m_batchSize = std::max(m_blockSize, kBatchBytes / m_blockSize * m_blockSize);
        if (!m_options.checkObjectMd5)
            m_control.log(QStringLiteral("object MD5s are skipped as configured "
                                         "(ember_restore_md5 = skip); every block is checked "
                                         "against %1")
                              .arg(shaFileName(m_chain.last())));

        std::atomic<qsizetype> next{0};
        const int readers =
            std::max(1, std::min<int>(int(m_objects.size()), m_options.objectsInFlight > 0
                                                                 ? m_options.objectsInFlight
                                                                 : m_store.parallelTransfers()));
        runOnThreads(readers, [&](std::atomic<bool>& failed) {
            for (;;) {
                const qsizetype index = next.fetch_add(1);
                if (index >= qsizetype(m_objects.size()) || failed.load())
                    return;
                restoreObject(m_objects[size_t(index)]);
            }
        });
        if (m_device) {
            try {
                m_device->flush();
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& error) {
                throw TargetWriteError(m_device->describe(), error);
            }
        }
        m_report.blocksChecked = m_blocksChecked.load();
        m_report.bytesChecked = m_bytesChecked.load();
        m_report.objectsChecked = m_objectsChecked.load();
        logSummary();
        return m_report;
    }

    void logSummary() const
    {
        const QString md5s =
            m_options.checkObjectMd5
                ? QStringLiteral("object MD5s checked (%1 of the objects record one)")
                      .arg(m_md5sChecked.load())
                : QStringLiteral("object MD5s skipped as configured");
        m_control.log(QStringLiteral("%1: %2 objects read, %3 bytes decoded from %4 stored "
                                     "bytes; %5 segments decoded in parallel, %6 redone; %7")
                          .arg(m_device ? QStringLiteral("restore") : QStringLiteral("verify"))
                          .arg(m_objectsChecked.load())
                          .arg(m_rawBytesDecoded.load())
                          .arg(m_storedBytesRead.load())
                          .arg(m_decodeStats.independent.load())
                          .arg(m_decodeStats.redone.load())
                          .arg(md5s));
    }

    void buildPlan(const QList<BackupMetadata>& metadata)
    {
        // Interval map: start -> (end, source), newest backup written last.
        struct Segment
        {
            qint64 end;
            Source source;
        };
        std::map<qint64, Segment> map;
        std::vector<std::pair<Backup, ObjectEntry>> objects;
        std::vector<std::pair<qsizetype, qsizetype>> places; // backup, index in its list
        for (qsizetype b = 0; b < m_chain.size(); ++b) {
            for (qsizetype i = 0; i < metadata[b].objects.size(); ++i) {
                const ObjectEntry& entry = metadata[b].objects[i];
                const int index = int(objects.size());
                objects.emplace_back(m_chain[b], entry);
                places.emplace_back(b, i);
                const qint64 start = entry.offset;
                const qint64 end = entry.end(); // within [0, m_volumeSize]: checked in run()
                // Split segments overlapping [start, end), then drop the covered parts.
                auto it = map.lower_bound(start);
                if (it != map.begin()) {
                    auto before = std::prev(it);
                    if (before->second.end > start) {
                        const Segment tail = before->second;
                        before->second.end = start;
                        if (tail.end > end)
                            map[end] = tail;
                        it = map.lower_bound(start);
                    }
                }
                while (it != map.end() && it->first < end) {
                    if (it->second.end > end) {
                        map[end] = it->second;
                    }
                    it = map.erase(it);
                }
                map[start] = {end, {index, start}};
            }
        }
        std::vector<std::vector<Extent>> ranges(objects.size());
        for (const auto& [start, segment] : map)
            ranges[size_t(segment.source.objectIndex)].push_back({start, segment.end - start});
        for (size_t i = 0; i < objects.size(); ++i) {
            if (ranges[i].empty() && !m_checkAllObjects)
                continue;
            m_objects.push_back({objects[i].first, objects[i].second, ranges[i]});
            if (!m_dataKeys.isEmpty()) {
                const auto [b, position] = places[i];
                m_objects.back().binding = objectBinding(m_chain[b], metadata[b], position);
                m_objects.back().dataKey = m_dataKeys[b];
            }
        }
        // Largest first: a long object should not start last.
        std::stable_sort(m_objects.begin(), m_objects.end(),
                         [](const NeededObject& a, const NeededObject& b) {
                             return a.entry.length > b.entry.length;
                         });
    }

    // Decodes one object front to back on this reader thread (a runOnThreads
    // thread, never a pool thread): segments of zlib and bzip2 objects decode
    // on the pool, their output comes back here in order, where the object's
    // MD5 is the only sequential check; checking blocks against the SHA-256
    // list and writing them runs on the pool, in batches, while decoding goes
    // on. Pool tasks never wait on one another, only this thread waits on
    // them, so sharing the pool cannot deadlock.
    void restoreObject(const NeededObject& object)
    {
        m_control.throwIfCancelled();
        const ObjectEntry& entry = object.entry;
        // Encrypted objects record no MD5 (it would leak which objects are
        // equal); their tag and block MACs check them instead.
        const bool checkMd5 = m_options.checkObjectMd5 && !entry.md5.isEmpty();
        Digest md5(Digest::Algorithm::Md5);
        // Declared before the decoder, which may report until it is gone.
        std::atomic<bool> decoderReported{false};
        ParallelDecodeOptions decodeOptions;
        decodeOptions.pool = &m_pool;
        decodeOptions.stats = &m_decodeStats;
        // Enough decoded ahead to keep every pool thread busy, bounded by the
        // pool's size rather than the object's: two readers hold twice this.
        decodeOptions.maxBufferedBytes = std::clamp(size_t(m_pool.size()) * (size_t(8) << 20),
                                                    size_t(16) << 20, size_t(64) << 20);
        decodeOptions.onDecoded = [this, &decoderReported](qint64 rawBytes, qint64 busyNs) {
            decoderReported.store(true, std::memory_order_relaxed);
            m_control.addStage(Stage::Inflate, rawBytes, busyNs);
        };
        // Decoding stops as soon as the output passes the recorded length.
        auto decoder =
            makeParallelDecoder(codecForTag(entry.compression), entry.length, decodeOptions);

        struct PendingBatch
        {
            std::future<void> done;
            std::unique_ptr<char[]> bytes;
        };
        std::deque<PendingBatch> pending;
        // Two batches per pool thread: one per thread measured a higher peak
        // memory, not a lower one.
        const size_t maxPending = size_t(m_pool.size()) * 2;
        std::unique_ptr<char[]> batch; // set while the batch's bytes are kept
        qint64 batchFill = 0;
        qint64 batchStart = 0;    // raw offset of the batch's first byte
        bool batchNeeded = false; // the plan takes bytes of this batch
        qint64 decoded = 0;       // raw bytes of the object seen so far
        qint64 flushNs = 0;       // time in flushBatch: MD5, handing over, waiting for the pool
        auto startBatch = [&] {
            batchStart = decoded;
            batchFill = 0;
            batchNeeded = needsAnything(object, entry.offset + batchStart, m_batchSize);
            // Bytes that nothing checks or writes are not even copied.
            if ((batchNeeded || checkMd5) && !batch)
                batch = takeBatchBuffer();
        };
        auto waitForOldest = [&] {
            PendingBatch oldest = std::move(pending.front());
            pending.pop_front();
            oldest.done.get();
            giveBatchBuffer(std::move(oldest.bytes));
        };
        auto flushBatch = [&] {
            if (batchFill == 0)
                return;
            const auto start = SteadyClock::now();
            if (checkMd5) {
                md5.update(batch.get(), size_t(batchFill));
                m_control.addStage(Stage::Check, batchFill,
                                   nanosecondsBetween(start, SteadyClock::now()));
            }
            if (batchNeeded) {
                const qint64 volumeOffset = entry.offset + batchStart;
                const char* bytes = batch.get();
                const qint64 length = batchFill;
                // With the MD5 checked, every byte is counted as checked there.
                const bool countChecked = !checkMd5;
                pending.push_back(
                    {m_pool.submit([this, &object, bytes, volumeOffset, length, countChecked] {
                         checkAndWrite(object, volumeOffset, bytes, length, countChecked);
                     }),
                     std::move(batch)});
                while (pending.size() > maxPending)
                    waitForOldest();
            }
            startBatch();
            flushNs += nanosecondsBetween(start, SteadyClock::now());
        };
        // The same sink on every feed, as the decoder requires.
        const StreamDecoder::Sink sink = [&](const char* data, size_t length) {
            m_control.throwIfCancelled();
            while (length > 0) {
                const size_t take = std::min(size_t(m_batchSize - batchFill), length);
                if (batchNeeded || checkMd5) // else nothing reads these bytes
                    std::memcpy(batch.get() + batchFill, data, take);
                batchFill += qint64(take);
                decoded += qint64(take);
                data += take;
                length -= take;
                if (batchFill == m_batchSize)
                    flushBatch();
            }
        };

        // Stage figures of this object: fetch is the time the store takes
        // between handing over its bytes; the rest of each hand-over is ours.
        qint64 fetched = 0;
        qint64 fetchReported = 0;
        qint64 fetchNs = 0;
        qint64 handlingNs = 0; // decrypting, decoding on this thread, and flushBatch
        auto lastReturn = SteadyClock::now();
        std::optional<DecryptingFeed> decrypting;
        auto receive = [&](const char* data, size_t length) {
            // A paced download (bandwidth limit) stops within one slice of a cancel.
            m_control.throwIfCancelled();
            const auto arrived = SteadyClock::now();
            fetchNs += nanosecondsBetween(lastReturn, arrived);
            fetched += qint64(length);
            if (fetched - fetchReported >= kStageReportBytes) {
                m_control.addStage(Stage::Fetch, fetched - fetchReported, fetchNs);
                fetchReported = fetched;
                fetchNs = 0;
            }
            if (decrypting)
                decrypting->feed(data, length); // decrypted before decoding
            else
                decoder->feed(data, length, sink);
            lastReturn = SteadyClock::now();
            handlingNs += nanosecondsBetween(arrived, lastReturn);
        };
        qint64 decodingNs = 0; // on this thread; used when the decoder reports nothing
        startBatch();
        try {
            try {
                if (object.binding)
                    decrypting.emplace(object.dataKey, *object.binding,
                                       [&](const char* data, size_t length) {
                                           decoder->feed(data, length, sink);
                                       });
                lastReturn = SteadyClock::now();
                // Every byte this run uses is checked here (the object's MD5 or
                // GCM tag, or, on a restore, each block written against the
                // SHA-256 list), so the store need not hash the object a second
                // time for its ETag. A verify that skips the MD5 keeps the store's.
                const bool checkedHere = checkMd5 || object.binding || !m_checkAllObjects;
                if (checkedHere)
                    m_store.getCheckedByCaller(object.backup.container, entry.name, receive);
                else
                    m_store.get(object.backup.container, entry.name, receive);
                const auto finishing = SteadyClock::now();
                fetchNs += nanosecondsBetween(lastReturn, finishing);
                // The tag is checked before the end counts.
                if (decrypting)
                    decrypting->finish();
                decoder->finish();
                handlingNs += nanosecondsBetween(finishing, SteadyClock::now());
            } catch (const SealBroken&) {
                throw; // names the object already
            } catch (const ObjectMissing&) {
                throw Error(
                    QStringLiteral("backup %1 is damaged: object %2 (volume offset %3) is missing")
                        .arg(object.backup.id, entry.name)
                        .arg(entry.offset));
            } catch (const Cancelled&) {
                throw;
            } catch (const TargetWriteError&) {
                throw; // the target failed, not the object
            } catch (const Error& error) {
                if (dynamic_cast<const TransientError*>(&error))
                    throw;
                throw Error(
                    QStringLiteral("object %1 (volume offset %2) of backup %3 is corrupt: %4")
                        .arg(entry.name)
                        .arg(entry.offset)
                        .arg(object.backup.id, error.message()));
            }
            decodingNs = std::max<qint64>(0, handlingNs - flushNs);
            flushBatch();
            while (!pending.empty())
                waitForOldest();
        } catch (...) {
            for (PendingBatch& each : pending)
                if (each.done.valid())
                    each.done.wait();
            throw;
        }
        if (batch)
            giveBatchBuffer(std::move(batch));
        m_control.addStage(Stage::Fetch, fetched - fetchReported, fetchNs);
        // A decoder that decodes on this thread without reporting (a
        // sequential one): its time is what the hand-overs took beyond ours.
        if (!decoderReported.load(std::memory_order_relaxed))
            m_control.addStage(Stage::Inflate, decoded, decodingNs);
        m_storedBytesRead += fetched;
        m_rawBytesDecoded += decoded;
        if (decoded != entry.length)
            throw Error(
                QStringLiteral("object %1 (volume offset %2) of backup %3 is corrupt: it holds %4 "
                               "bytes, its metadata says %5")
                    .arg(entry.name)
                    .arg(entry.offset)
                    .arg(object.backup.id)
                    .arg(decoded)
                    .arg(entry.length));
        if (checkMd5) {
            const QString actualMd5 = QString::fromLatin1(md5.finalHex());
            if (actualMd5 != entry.md5)
                throw Error(
                    QStringLiteral("object %1 (volume offset %2) of backup %3 is corrupt: MD5 %4, "
                                   "expected %5")
                        .arg(entry.name)
                        .arg(entry.offset)
                        .arg(object.backup.id, actualMd5, entry.md5));
            ++m_md5sChecked;
        }
        ++m_objectsChecked;
    }

    static bool needsAnything(const NeededObject& object, qint64 offset, qint64 length)
    {
        for (const Extent& range : object.ranges)
            if (range.offset < offset + length && range.end() > offset)
                return true;
        return false;
    }

    std::unique_ptr<char[]> takeBatchBuffer()
    {
        {
            std::lock_guard lock(m_spareBatchesMutex);
            if (!m_spareBatches.empty()) {
                std::unique_ptr<char[]> buffer = std::move(m_spareBatches.back());
                m_spareBatches.pop_back();
                return buffer;
            }
        }
        return std::unique_ptr<char[]>(new char[size_t(m_batchSize)]);
    }

    // Batch buffers are reused: fresh memory would be faulted in for every batch.
    void giveBatchBuffer(std::unique_ptr<char[]> buffer)
    {
        std::lock_guard lock(m_spareBatchesMutex);
        if (buffer && m_spareBatches.size() < kSpareBatches)
            m_spareBatches.push_back(std::move(buffer));
    }

    Error blockMismatch(const NeededObject& object, qint64 at) const
    {
        if (!m_mac)
            return Error(
                QStringLiteral("block at volume offset %1 (object %2 of backup %3) does "
                               "not match its SHA-256 in %4")
                    .arg(at)
                    .arg(object.entry.name, object.backup.id, shaFileName(m_chain.last())));
        // Encrypted: the list authenticated and the object is checked against its
        // tag, so bytes in the wrong place mean a `_metadata` that lies.
        return Error(QStringLiteral("block at volume offset %1 (object %2 of backup %3) does not "
                                    "match its MAC in %4: the chain's metadata does not "
                                    "authenticate (an object's offset or length was changed, or "
                                    "an object left out)")
                         .arg(at)
                         .arg(object.entry.name, object.backup.id, shaFileName(m_chain.last())));
    }

    // Checks the blocks of `bytes` (raw bytes at volume offset `batchOffset`)
    // that the plan takes from `object`, then writes them in runs as long as
    // the batch. Runs on the pool; waits for nothing.
    void checkAndWrite(const NeededObject& object, qint64 batchOffset, const char* bytes,
                       qint64 length, bool countCheckedBytes)
    {
        const qint64 batchEnd = batchOffset + length;
        std::vector<Extent> writes; // zero blocks on a zeroed target are left out
        qint64 checked = 0;
        qint64 blocks = 0;
        const auto checkStart = SteadyClock::now();
        for (const Extent& range : object.ranges) {
            const qint64 start = std::max(range.offset, batchOffset);
            const qint64 end = std::min(range.end(), batchEnd);
            if (start >= end)
                continue;
            for (qint64 at = start; at < end; at += m_blockSize) {
                const qint64 blockLength = std::min(m_blockSize, end - at);
                const char* block = bytes + (at - batchOffset);
                const Sha256& expected = m_hashes.hashes[size_t(at / m_blockSize)];
                // Only zeros have the zero block's digest: scanning for them is
                // as strong a check as hashing, and far cheaper.
                const bool listedZero = blockLength == m_blockSize && expected == m_zeroBlockHash;
                const bool matches =
                    listedZero ? isAllZero(block, size_t(blockLength))
                               : blockDigest(m_mac.get(), block, size_t(blockLength)) == expected;
                if (!matches)
                    throw blockMismatch(object, at);
                ++blocks;
                if (listedZero && m_skipZeros)
                    continue;
                if (!writes.empty() && writes.back().end() == at)
                    writes.back().length += blockLength;
                else
                    writes.push_back({at, blockLength});
            }
            checked += end - start;
        }
        if (checked == 0)
            return;
        const auto checkEnd = SteadyClock::now();
        m_control.addStage(Stage::Check, countCheckedBytes ? checked : 0,
                           nanosecondsBetween(checkStart, checkEnd));
        if (m_device) {
            try {
                for (const Extent& run : writes)
                    m_device->writeAt(run.offset, bytes + (run.offset - batchOffset), run.length);
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& error) {
                throw TargetWriteError(m_device->describe(), error);
            }
            // Zero blocks left out count as written: the target holds them.
            m_control.addStage(Stage::Write, checked,
                               nanosecondsBetween(checkEnd, SteadyClock::now()));
        }
        m_blocksChecked += blocks;
        m_bytesChecked += checked;
        m_control.addBytesDone(checked);
    }

    ObjectStore& m_store;
    const ChunkedOptions& m_options;
    QList<Backup> m_chain;
    VolumeDevice* m_device;
    OperationControl& m_control;
    bool m_checkAllObjects;
    WorkerPool m_pool;
    ShaFile m_hashes;
    qint64 m_blockSize = 0;
    qint64 m_volumeSize = 0;
    Sha256 m_zeroBlockHash{};
    bool m_skipZeros = false;
    std::vector<NeededObject> m_objects;
    VerifyReport m_report;
    QByteArray m_volumeMeta;
    std::atomic<qint64> m_blocksChecked{0};
    std::atomic<qint64> m_bytesChecked{0};
    std::atomic<qint64> m_objectsChecked{0};
    const KeyLookup& m_keys;
    QList<QByteArray> m_dataKeys;    // encrypted chains: each backup's data key, oldest first
    std::unique_ptr<BlockMac> m_mac; // encrypted chains: the newest backup's block MAC
    // Decoded bytes are checked and written in batches of this many bytes (whole
    // blocks, several MiB: long writes, few pool tasks).
    qint64 m_batchSize = 0;
    std::mutex m_spareBatchesMutex;
    std::vector<std::unique_ptr<char[]>> m_spareBatches;
    static constexpr size_t kSpareBatches = 16;
    static constexpr qint64 kBatchBytes = qint64(4) << 20;
    // A long object's fetch figures reach the progress every this many bytes.
    static constexpr qint64 kStageReportBytes = qint64(16) << 20;
    // For the run's summary line.
    ParallelDecodeStats m_decodeStats;
    std::atomic<qint64> m_storedBytesRead{0};
    std::atomic<qint64> m_rawBytesDecoded{0};
    std::atomic<qint64> m_md5sChecked{0};
};

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
        BackupRun(*m_store, m_options, job, std::move(sealingKey), m_keys).run();
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
    RestoreRun run(*m_store, m_options, job.chain, &job.device, job.control, false, m_keys);
    run.run();
    job.volumeMeta = run.volumeMeta();
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
    return problemsAsReport([&] {
        return RestoreRun(*m_store, m_options, chain, nullptr, control, true, m_keys).run();
    });
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
        return RestoreRun(*m_store, m_options, chain, nullptr, control, true, m_keys)
            .runSample(sample.objects);
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
