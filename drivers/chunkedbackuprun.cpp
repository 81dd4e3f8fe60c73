#include "chunkedruns.h"

#include "compression.h"
#include "hashing.h"
#include "volumemeta.h"
#include "workerpool.h"

#include <QThread>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
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

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Where a backup's time goes, per step, summed over threads: CPU time of
// the threads doing it (so that a busy machine does not blur it), except
// `md5Wait` (the MD5 thread waiting for the next piece) and `put` (the store
// taking the objects), which are wall-clock time. EMBER_BACKUP_TIMING=1
// measures and prints it on stderr at the end of a run; otherwise nothing
// is measured.
struct BackupTimings
{
    std::atomic<qint64> read{0}, zeroScan{0}, hash{0}, encode{0}, md5{0}, md5Wait{0}, put{0},
        producing{0}, lastPieceToEnd{0};
    std::atomic<qint64> zeroBlocks{0}, hashedBlocks{0}, zeroPieces{0};
    // Wall-clock steps of the run.
    qint64 parentNs = 0, scanNs = 0, objectsNs = 0, shaFileNs = 0, metadataNs = 0;

    static bool wanted()
    {
        static const bool wanted = qEnvironmentVariableIntValue("EMBER_BACKUP_TIMING") == 1;
        return wanted;
    }
    void print(qint64 totalNs) const
    {
        auto ms = [](const std::atomic<qint64>& ns) { return double(ns.load()) / 1e6; };
        std::fprintf(stderr,
                     "backup timing (ms): total %.0f; CPU: read %.0f, zero scan %.0f, hash %.0f, "
                     "encode %.0f, md5 %.0f; wall: md5 waiting %.0f, store put %.0f (of which in "
                     "Ember's producer %.0f, after the last byte %.0f); blocks "
                     "hashed %lld, zero blocks %lld, zero pieces %lld\n",
                     double(totalNs) / 1e6, ms(read), ms(zeroScan), ms(hash), ms(encode), ms(md5),
                     ms(md5Wait), ms(put), ms(producing), ms(lastPieceToEnd),
                     qlonglong(hashedBlocks.load()), qlonglong(zeroBlocks.load()),
                     qlonglong(zeroPieces.load()));
        std::fprintf(stderr,
                     "backup steps (ms): parent's lists %.1f, finding changes %.1f, objects "
                     "%.1f, _sha256file %.1f, _metadata %.1f\n",
                     double(parentNs) / 1e6, double(scanNs) / 1e6, double(objectsNs) / 1e6,
                     double(shaFileNs) / 1e6, double(metadataNs) / 1e6);
    }
};

qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// Adds the time from its construction to its end to `sum`, when timings are
// wanted: the calling thread's CPU time, or wall-clock time.
class BusyTimer
{
public:
    enum class Clock
    {
        ThreadCpu,
        Wall
    };
    explicit BusyTimer(std::atomic<qint64>& sum, Clock clock = Clock::ThreadCpu)
        : m_sum(sum), m_clock(clock), m_start(BackupTimings::wanted() ? now() : 0)
    {
    }
    ~BusyTimer()
    {
        if (BackupTimings::wanted())
            m_sum += now() - m_start;
    }
    BusyTimer(const BusyTimer&) = delete;
    BusyTimer& operator=(const BusyTimer&) = delete;

private:
    qint64 now() const { return m_clock == Clock::ThreadCpu ? threadCpuNs() : nowNs(); }
    std::atomic<qint64>& m_sum;
    Clock m_clock;
    qint64 m_start;
};

// Piece buffers are reused: a fresh 1 MiB allocation per piece costs page
// faults and zeroing in the kernel, and its release an munmap.
class BufferPool
{
public:
    explicit BufferPool(size_t keep) : m_keep(keep) {}
    QByteArray take(qsizetype size)
    {
        QByteArray buffer;
        {
            std::lock_guard lock(m_mutex);
            if (!m_free.empty()) {
                buffer = std::move(m_free.back());
                m_free.pop_back();
            }
        }
        buffer.resize(size);
        return buffer;
    }
    void give(QByteArray&& buffer)
    {
        if (buffer.isEmpty() || !buffer.isDetached())
            return;
        std::lock_guard lock(m_mutex);
        if (m_free.size() < m_keep)
            m_free.push_back(std::move(buffer));
    }

private:
    std::mutex m_mutex;
    std::vector<QByteArray> m_free;
    size_t m_keep;
};

// The pieces of one object, in order. They are made on the pool up to
// `window` ahead; a thread of its own takes each as soon as it is made and
// adds it to the object's MD5 (Cinder's "md5" of the raw bytes), then hands
// it on to the store's thread (at most `readyLimit` waiting). The MD5 is the
// one step of a backup that cannot be split (one stream, ~0.9 GB/s on one
// core here): it neither shares a thread with compressing or writing nor
// waits for the store to take a piece, only for pieces to be made.
class OrderedPieces
{
public:
    using Make = std::function<std::future<ObjectPiece>(qint64 offset, qint64 length)>;
    struct Options
    {
        Extent extent;
        qint64 pieceSize = 0;
        size_t window = 1;
        size_t readyLimit = 1;
        // False: a piece's raw bytes go back through `release` once summed
        // (the store's thread only needs the encoded bytes).
        bool keepRaw = true;
    };
    OrderedPieces(const Options& options, Make make, std::function<void(QByteArray&&)> release,
                  BackupTimings& timings)
        : m_options(options), m_make(std::move(make)), m_release(std::move(release)),
          m_timings(timings), m_thread([this] { run(); })
    {
    }
    ~OrderedPieces()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
    OrderedPieces(const OrderedPieces&) = delete;
    OrderedPieces& operator=(const OrderedPieces&) = delete;

    // The next piece; nullopt after the last. Rethrows a piece's failure.
    std::optional<ObjectPiece> next()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_ready.empty() || m_done; });
        if (!m_ready.empty()) {
            ObjectPiece piece = std::move(m_ready.front());
            m_ready.pop_front();
            lock.unlock();
            m_changed.notify_all();
            return piece;
        }
        if (m_failure)
            std::rethrow_exception(m_failure);
        return std::nullopt;
    }
    // The MD5 in hex, once next() returned nullopt.
    QByteArray md5Hex()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_done; });
        return m_hex;
    }

private:
    bool stopping()
    {
        std::lock_guard lock(m_mutex);
        return m_stopping;
    }

    void run()
    {
        std::deque<std::future<ObjectPiece>> window;
        try {
            Digest md5(Digest::Algorithm::Md5);
            const Extent& extent = m_options.extent;
            qint64 nextOffset = extent.offset;
            auto refill = [&] {
                while (window.size() < m_options.window && nextOffset < extent.end()) {
                    const qint64 length = std::min(m_options.pieceSize, extent.end() - nextOffset);
                    window.push_back(m_make(nextOffset, length));
                    nextOffset += length;
                }
            };
            refill();
            while (!window.empty()) {
                ObjectPiece piece;
                {
                    BusyTimer waiting(m_timings.md5Wait, BusyTimer::Clock::Wall);
                    piece = window.front().get();
                }
                window.pop_front();
                if (stopping())
                    break;
                refill();
                {
                    BusyTimer busy(m_timings.md5);
                    md5.update(piece.zero ? zeroBytes(size_t(piece.length)) : piece.raw.constData(),
                               size_t(piece.length));
                }
                if (!m_options.keepRaw)
                    m_release(std::exchange(piece.raw, QByteArray()));
                std::unique_lock lock(m_mutex);
                m_changed.wait(
                    lock, [this] { return m_stopping || m_ready.size() < m_options.readyLimit; });
                if (m_stopping)
                    break;
                m_ready.push_back(std::move(piece));
                lock.unlock();
                m_changed.notify_all();
            }
            std::lock_guard lock(m_mutex);
            if (!m_stopping)
                m_hex = md5.finalHex();
        } catch (...) {
            std::lock_guard lock(m_mutex);
            m_failure = std::current_exception();
        }
        // Tasks still running use the run's buffers: let them end first.
        waitForAll(window);
        {
            std::lock_guard lock(m_mutex);
            m_done = true;
        }
        m_changed.notify_all();
    }

    const Options m_options;
    const Make m_make;
    const std::function<void(QByteArray&&)> m_release;
    BackupTimings& m_timings;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<ObjectPiece> m_ready;
    std::exception_ptr m_failure;
    QByteArray m_hex;
    bool m_stopping = false;
    bool m_done = false;
    std::thread m_thread; // last: starts once everything above is set up
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
        const qint64 runStart = nowNs();
        qint64 stepStart = runStart;
        auto step = [&stepStart](qint64& sum) {
            const qint64 now = nowNs();
            sum += now - stepStart;
            stepStart = now;
        };
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

        step(m_timings.parentNs);
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
        step(m_timings.scanNs);
        writeObjects(plan, names);
        step(m_timings.objectsNs);

        writeShaFile();
        step(m_timings.shaFileNs);
        writeMetadataFile();
        step(m_timings.metadataNs);
        if (BackupTimings::wanted())
            m_timings.print(nowNs() - runStart);
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

    // Reads [offset, offset + length) into `buffer`, zeros where the source
    // has holes; false (nothing read, `buffer` untouched) when it is all hole.
    bool readRange(qint64 offset, qint64 length, char* buffer)
    {
        m_control.throwIfCancelled();
        if (m_stop.load())
            throw StopRequested();
        BusyTimer busy(m_timings.read);
        const std::vector<Extent> data = m_source.dataExtents(offset, length);
        if (data.empty())
            return false;
        qint64 position = offset;
        for (const Extent& extent : data) {
            if (extent.offset > position)
                std::memset(buffer + (position - offset), 0, size_t(extent.offset - position));
            const qint64 got =
                m_source.readAt(extent.offset, buffer + (extent.offset - offset), extent.length);
            if (got != extent.length)
                throw Error(QStringLiteral("volume %1 ended early at offset %2")
                                .arg(m_source.describe())
                                .arg(extent.offset + got));
            position = extent.end();
        }
        if (position < offset + length)
            std::memset(buffer + (position - offset), 0, size_t(offset + length - position));
        return true;
    }

    // The `_sha256file` entries of the blocks of [offset, offset + length)
    // (`bytes`, or zeros when null). A whole block of zeros takes the zero
    // block's digest, computed once, instead of being hashed. Returns true
    // when every byte was zero.
    bool hashBlocks(qint64 offset, qint64 length, const char* bytes)
    {
        bool allZero = true;
        qint64 zeroBlocks = 0;
        qint64 hashed = 0;
        for (qint64 at = 0; at < length; at += m_blockSize) {
            const qint64 blockLength = std::min(m_blockSize, length - at);
            const size_t index = size_t((offset + at) / m_blockSize);
            bool zero = !bytes;
            if (!zero) {
                BusyTimer busy(m_timings.zeroScan);
                zero = isAllZero(bytes + at, size_t(blockLength));
            }
            if (zero && blockLength == m_blockSize) {
                m_hashes[index] = m_zeroBlockHash;
                ++zeroBlocks;
                continue;
            }
            allZero = allZero && zero;
            BusyTimer busy(m_timings.hash);
            m_hashes[index] =
                blockDigest(m_mac.get(), bytes ? bytes + at : zeroBytes(size_t(blockLength)),
                            size_t(blockLength));
            ++hashed;
        }
        m_timings.zeroBlocks += zeroBlocks;
        m_timings.hashedBlocks += hashed;
        return allZero;
    }

    // Reads a piece (holes and all-zero pieces are marked `zero`, without
    // bytes), hashes its blocks when `hash` (full backups) and encodes it.
    Piece loadPiece(qint64 offset, qint64 length, bool hash, const ObjectEncoder* encoder)
    {
        Piece piece;
        piece.offset = offset;
        piece.length = length;
        piece.raw = m_buffers.take(qsizetype(length));
        piece.zero = !readRange(offset, length, piece.raw.data());
        if (hash) {
            piece.zero = hashBlocks(offset, length, piece.zero ? nullptr : piece.raw.constData());
        } else if (!piece.zero) {
            BusyTimer busy(m_timings.zeroScan);
            piece.zero = isAllZero(piece.raw.constData(), size_t(length));
        }
        if (piece.zero) {
            m_buffers.give(std::move(piece.raw));
            piece.raw = QByteArray();
            ++m_timings.zeroPieces;
        }
        if (encoder && encoder->encodesPieces()) {
            BusyTimer busy(m_timings.encode);
            if (piece.zero)
                piece.encoded = zeroPiece(*encoder, length);
            else
                piece.encoded = encoder->encodePiece(piece.raw.constData(), size_t(length));
        }
        return piece;
    }

    // Pass one of an incremental: reads and hashes a stretch; its bytes are
    // not kept (only changed runs are read again, to be written).
    void hashStretch(qint64 offset, qint64 length)
    {
        thread_local std::vector<char> buffer;
        if (buffer.size() < size_t(length))
            buffer.resize(size_t(length));
        const bool read = readRange(offset, length, buffer.data());
        hashBlocks(offset, length, read ? buffer.data() : nullptr);
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

        std::deque<std::future<qint64>> window;
        const size_t windowSize = size_t(m_pool.size()) * 4;
        auto drain = [&] {
            const qint64 length = window.front().get();
            window.pop_front();
            m_control.addBytesDone(length);
        };
        // Stretches of several pieces: fewer tasks and larger reads; each
        // worker reads into a buffer of its own, reused.
        const qint64 stretch =
            std::max(m_options.pieceSize, kScanStretch / m_blockSize * m_blockSize);
        try {
            for (const Extent& extent : toRead) {
                for (qint64 at = extent.offset; at < extent.end(); at += stretch) {
                    const qint64 length = std::min(stretch, extent.end() - at);
                    window.push_back(m_pool.submit([this, at, length] {
                        hashStretch(at, length);
                        return length;
                    }));
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
        // Objects in the clear on a store that can replace an object: their
        // MD5 runs on a thread of its own (writeClearObject). Sealed objects
        // carry no MD5; a locking store needs the one-upload path.
        const bool clearPath = !m_sealingKey && !m_store.retentionForNewObjects().has_value();
        writeObjectsInParallel(m_options, m_store, plan.size(), [&](qsizetype index) {
            if (!clearPath) {
                m_entries[index] = writeObjectWithRetries(writer, plan[index], names[index],
                                                          m_compression, m_storedBytes);
                return;
            }
            CompressionChoice used = m_compression;
            m_entries[index] = retryObject(writer, names[index], [&](bool countProgress) {
                qint64 storedLength = 0;
                ObjectEntry entry =
                    writeClearObject(plan[index], names[index], used, countProgress, storedLength);
                // Cinder stores an object raw, tagged "none", when compressing did not
                // shrink it.
                if (used.codec != Codec::None && storedLength >= plan[index].length) {
                    used = {Codec::None, QStringLiteral("none")};
                    entry = writeClearObject(plan[index], names[index], used, false, storedLength);
                }
                m_storedBytes += storedLength;
                return entry;
            });
        });
    }

    // One object in the clear, streamed to the store: pieces are read, hashed
    // and encoded in the pool up to a window ahead; the store's thread only
    // joins encoded bytes; the object's MD5 (Cinder's "md5" of the raw bytes)
    // runs on its own thread, fed each piece as the store takes it.
    ObjectEntry writeClearObject(const Extent& extent, const QString& name,
                                 const CompressionChoice& choice, bool countProgress,
                                 qint64& storedLength)
    {
        // zstd's own workers pay off only for large objects, not for small change runs.
        const int encoderThreads = extent.length >= (8 << 20) ? m_pool.size() : 1;
        auto encoder =
            makeEncoder(choice.codec, m_options.zlibEngine, extent.length, encoderThreads);
        const ObjectEncoder* pieceEncoder = encoder->encodesPieces() ? encoder.get() : nullptr;
        const bool hash = m_hashWhileWriting;
        OrderedPieces::Options options{.extent = extent,
                                       .pieceSize = m_options.pieceSize,
                                       .window = size_t(m_pool.size()) * 3 + 1,
                                       .readyLimit = kReadyPieces,
                                       .keepRaw = pieceEncoder == nullptr};
        OrderedPieces pieces(
            options,
            [this, hash, pieceEncoder](qint64 at, qint64 length) {
                return m_pool.submit([this, at, length, hash, pieceEncoder] {
                    return loadPiece(at, length, hash, pieceEncoder);
                });
            },
            [this](QByteArray&& raw) { m_buffers.give(std::move(raw)); }, m_timings);

        QByteArray pending;
        qsizetype pendingPosition = 0;
        bool finished = false;
        qint64 lastByteNs = 0;
        storedLength = 0;
        auto producer = [&](char* buffer, size_t capacity) -> size_t {
            // Checked per call, not only per piece: a store that paces its
            // transfer (a bandwidth limit) then stops within one slice of a cancel.
            m_control.throwIfCancelled();
            BusyTimer producing(m_timings.producing, BusyTimer::Clock::Wall);
            while (pendingPosition == pending.size()) {
                pending.resize(0);
                pendingPosition = 0;
                if (finished) {
                    lastByteNs = nowNs();
                    return 0;
                }
                std::optional<Piece> piece = pieces.next();
                if (!piece) {
                    encoder->finish(pending);
                    finished = true;
                    continue;
                }
                if (pieceEncoder) {
                    encoder->appendEncoded(piece->encoded, pending);
                } else {
                    encoder->appendRaw(piece->zero ? zeroBytes(size_t(piece->length))
                                                   : piece->raw.constData(),
                                       size_t(piece->length), pending);
                    m_buffers.give(std::move(piece->raw));
                }
                if (countProgress)
                    m_control.addBytesDone(piece->length);
            }
            const size_t count = std::min(capacity, size_t(pending.size() - pendingPosition));
            std::memcpy(buffer, pending.constData() + pendingPosition, count);
            pendingPosition += qsizetype(count);
            storedLength += qint64(count);
            return count;
        };

        {
            BusyTimer busy(m_timings.put, BusyTimer::Clock::Wall);
            m_store.put(m_job.backup.container, name, producer,
                        choice.codec == Codec::None ? std::optional<qint64>(extent.length)
                                                    : std::nullopt);
            if (BackupTimings::wanted() && lastByteNs > 0)
                m_timings.lastPieceToEnd += nowNs() - lastByteNs;
        }
        if (!finished)
            throw Error(
                QStringLiteral("the store stopped reading object %1 before its end").arg(name));

        ObjectEntry entry;
        entry.name = name;
        entry.offset = extent.offset;
        entry.length = extent.length;
        entry.md5 = QString::fromLatin1(pieces.md5Hex());
        entry.compression = choice.tag;
        return entry;
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
    BackupTimings m_timings;
    // Free piece buffers: enough for every piece in flight.
    BufferPool m_buffers{size_t(m_pool.size()) * 8 + 8};
    static constexpr qint64 kScanStretch = 4 << 20;
    // Pieces summed and waiting for the store (encoded, or raw for codecs
    // that take raw bytes): the MD5 thread runs ahead of a slow write by this much.
    static constexpr size_t kReadyPieces = 16;
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
