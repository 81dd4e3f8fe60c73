#include "chunkedruns.h"

#include "compression.h"
#include "hashing.h"
#include "volumemeta.h"
#include "workerpool.h"

#include <QThread>

#include <atomic>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace ember::chunked {

namespace {

// Thrown by a reader once another failed: ends its work quietly.
class StopRequested : public std::exception
{
};

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

} // namespace

void runBackup(ObjectStore& store, const ChunkedOptions& options, BackupJob& job,
               std::optional<KeySet> sealingKey, const KeyLookup& keys)
{
    BackupRun(store, options, job, std::move(sealingKey), keys).run();
}

} // namespace ember::chunked
