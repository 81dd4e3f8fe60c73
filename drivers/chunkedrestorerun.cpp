#include "chunkedruns.h"

#include "compression.h"
#include "hashing.h"
#include "volumemeta.h"
#include "workerpool.h"

#include <QThread>

#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <thread>

namespace ember::chunked {

namespace {

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

// Batches start on a page boundary, so that the target may write them
// without the page cache (O_DIRECT wants aligned buffers).
constexpr size_t kBatchAlignment = 4096;
struct AlignedDelete
{
    void operator()(char* bytes) const
    {
        ::operator delete[](bytes, std::align_val_t(kBatchAlignment));
    }
};
using BatchBuffer = std::unique_ptr<char[], AlignedDelete>;

// Ends an object's read once the restore has every byte it takes from it.
struct LastNeededByteRead
{
};

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
        const bool checkingMd5s = m_options.checkObjectMd5 || m_checkAllObjects;
        if (!checkingMd5s)
            m_control.log(QStringLiteral("object MD5s are skipped as configured "
                                         "(ember_restore_md5 = skip); every block is checked "
                                         "against %1")
                              .arg(shaFileName(m_chain.last())));

        std::atomic<qsizetype> next{0};
        const int readers =
            std::max(1, std::min<int>(int(m_objects.size()), m_options.objectsInFlight > 0
                                                                 ? m_options.objectsInFlight
                                                                 : m_store.parallelTransfers()));
        // MD5 is sequential within an object: each reader gets a thread of
        // its own for it, so that reading, decoding, the block check and the
        // writes overlap with it instead of taking turns on the reading
        // thread, and two objects' MD5s run side by side.
        // A verify always checks them: it is the only check of the bytes a
        // newer backup superseded, which restoring an older backup needs.
        std::vector<std::unique_ptr<WorkerPool>> md5Lanes;
        if (checkingMd5s)
            for (int i = 0; i < readers; ++i)
                md5Lanes.push_back(std::make_unique<WorkerPool>(1));
        std::atomic<int> nextLane{0};
        runOnThreads(readers, [&](std::atomic<bool>& failed) {
            Reader reader;
            reader.md5Lane = md5Lanes.empty() ? nullptr : md5Lanes[size_t(nextLane++)].get();
            // Two batches per pool thread: one per thread measured a higher
            // peak memory, not a lower one. With the MD5 lane, a few more keep
            // it fed while the oldest batch is still being written.
            reader.maxPending = size_t(m_pool.size()) * 2 + (reader.md5Lane ? 2 : 0);
            try {
                for (;;) {
                    const qsizetype index = next.fetch_add(1);
                    if (index >= qsizetype(m_objects.size()) || failed.load())
                        break;
                    restoreObject(m_objects[size_t(index)], reader);
                }
                while (!reader.pending.empty())
                    waitForOldest(reader);
            } catch (...) {
                // The lane and the pool still hold pointers into these batches.
                for (PendingBatch& each : reader.pending) {
                    if (each.hashed.valid())
                        each.hashed.wait();
                    if (each.written.valid())
                        each.written.wait();
                }
                throw;
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
            m_options.checkObjectMd5 || m_checkAllObjects
                ? QStringLiteral("object MD5s checked (%1 of the objects record one)")
                      .arg(m_md5sChecked.load())
                : QStringLiteral("object MD5s skipped as configured");
        m_control.log(QStringLiteral("%1: %2 objects read (%3 of them only up to the last byte "
                                     "restored from them), %4 bytes decoded from %5 stored "
                                     "bytes; %6 segments decoded in parallel, %7 redone; %8")
                          .arg(m_device ? QStringLiteral("restore") : QStringLiteral("verify"))
                          .arg(m_objectsChecked.load())
                          .arg(m_objectsReadInPart.load())
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
    // A batch of decoded bytes handed to the MD5 lane and/or the pool, or an
    // object's final MD5 comparison (no bytes).
    struct PendingBatch
    {
        std::future<void> written; // checked against the block list and written
        std::future<void> hashed;  // added to the object's MD5, or the MD5 compared
        BatchBuffer bytes;
    };

    // One object reader's state across its objects: what it handed over is
    // waited for only when too much is pending or at the end, so the reader
    // starts its next object while the last one's batches are still hashed,
    // checked and written.
    struct Reader
    {
        WorkerPool* md5Lane = nullptr; // hashes this reader's objects; null when MD5s are skipped
        std::deque<PendingBatch> pending;
        size_t maxPending = 0;
    };

    void waitForOldest(Reader& reader)
    {
        PendingBatch oldest = std::move(reader.pending.front());
        reader.pending.pop_front();
        if (oldest.hashed.valid())
            oldest.hashed.get();
        if (oldest.written.valid())
            oldest.written.get();
        if (oldest.bytes)
            giveBatchBuffer(std::move(oldest.bytes));
    }

    void restoreObject(const NeededObject& object, Reader& reader)
    {
        m_control.throwIfCancelled();
        const ObjectEntry& entry = object.entry;
        // Encrypted objects record no MD5 (it would leak which objects are
        // equal); their tag and block MACs check them instead.
        WorkerPool* const md5Lane = reader.md5Lane;
        const bool checkMd5 = md5Lane && !entry.md5.isEmpty();
        // Shared with the lane's tasks, which may outlive this call.
        const auto md5 = std::make_shared<Digest>(Digest::Algorithm::Md5);
        // Declared before the decoder, which may report until it is gone.
        std::atomic<bool> decoderReported{false};
        ParallelDecodeOptions decodeOptions;
        decodeOptions.pool = &m_pool;
        decodeOptions.stats = &m_decodeStats;
        // The object's MD5 covers every decoded byte: Adler-32 would add nothing.
        decodeOptions.checkAdler32 = !checkMd5;
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

        BatchBuffer batch; // set while the batch's bytes are kept
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
        auto flushBatch = [&] {
            if (batchFill == 0)
                return;
            const auto start = SteadyClock::now();
            if (checkMd5 || batchNeeded) {
                const char* bytes = batch.get();
                const qint64 length = batchFill;
                PendingBatch handed;
                if (checkMd5)
                    // In order: one lane, and an object's batches are queued in order.
                    handed.hashed = md5Lane->submit([this, md5, bytes, length] {
                        const auto hashStart = SteadyClock::now();
                        md5->update(bytes, size_t(length));
                        m_control.addStage(Stage::Check, length,
                                           nanosecondsBetween(hashStart, SteadyClock::now()));
                    });
                if (batchNeeded) {
                    const qint64 volumeOffset = entry.offset + batchStart;
                    // With the MD5 checked, every byte is counted as checked there.
                    const bool countChecked = !checkMd5;
                    handed.written =
                        m_pool.submit([this, &object, bytes, volumeOffset, length, countChecked] {
                            checkAndWrite(object, volumeOffset, bytes, length, countChecked);
                        });
                }
                handed.bytes = std::move(batch);
                reader.pending.push_back(std::move(handed));
                while (reader.pending.size() > reader.maxPending)
                    waitForOldest(reader);
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

        // A restore that skips the object's MD5 reads an object only as far
        // as the last byte it takes from it: nothing checks the rest (the
        // blocks it takes are checked against the block list). Sealed objects
        // are read whole, for their tag.
        const qint64 lastNeededEnd =
            object.ranges.empty() ? 0 : object.ranges.back().end() - entry.offset;
        const bool stopAtLastNeeded = m_device && !checkMd5 && !m_checkAllObjects &&
                                      !object.binding && lastNeededEnd < entry.length;
        bool stoppedEarly = false;
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
            if (stopAtLastNeeded && decoded >= lastNeededEnd)
                throw LastNeededByteRead();
        };
        qint64 decodingNs = 0; // on this thread; used when the decoder reports nothing
        startBatch();
        try {
            if (object.binding)
                decrypting.emplace(
                    object.dataKey, *object.binding,
                    [&](const char* data, size_t length) { decoder->feed(data, length, sink); });
            lastReturn = SteadyClock::now();
            // Every byte this run uses is checked here (the object's MD5 or
            // GCM tag, or, on a restore, each block written against the
            // SHA-256 list), so the store need not hash the object a second
            // time for its ETag. A verify that skips the MD5 keeps the store's.
            const bool checkedHere = checkMd5 || object.binding || !m_checkAllObjects;
            try {
                if (checkedHere)
                    m_store.getCheckedByCaller(object.backup.container, entry.name, receive);
                else
                    m_store.get(object.backup.container, entry.name, receive);
            } catch (const LastNeededByteRead&) {
                stoppedEarly = true;
            }
            const auto finishing = SteadyClock::now();
            fetchNs += nanosecondsBetween(lastReturn, finishing);
            if (!stoppedEarly) {
                // The tag is checked before the end counts.
                if (decrypting)
                    decrypting->finish();
                decoder->finish();
            }
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
            throw Error(QStringLiteral("object %1 (volume offset %2) of backup %3 is corrupt: %4")
                            .arg(entry.name)
                            .arg(entry.offset)
                            .arg(object.backup.id, error.message()));
        }
        decodingNs = std::max<qint64>(0, handlingNs - flushNs);
        flushBatch();
        if (batch)
            giveBatchBuffer(std::move(batch));
        m_control.addStage(Stage::Fetch, fetched - fetchReported, fetchNs);
        // A decoder that decodes on this thread without reporting (a
        // sequential one): its time is what the hand-overs took beyond ours.
        if (!decoderReported.load(std::memory_order_relaxed))
            m_control.addStage(Stage::Inflate, decoded, decodingNs);
        m_storedBytesRead += fetched;
        m_rawBytesDecoded += decoded;
        if (stoppedEarly)
            ++m_objectsReadInPart;
        else if (decoded != entry.length)
            throw Error(
                QStringLiteral("object %1 (volume offset %2) of backup %3 is corrupt: it holds %4 "
                               "bytes, its metadata says %5")
                    .arg(entry.name)
                    .arg(entry.offset)
                    .arg(object.backup.id)
                    .arg(decoded)
                    .arg(entry.length));
        if (checkMd5) {
            // After the object's last batch on the lane; its error surfaces
            // when the reader waits for it.
            PendingBatch comparison;
            comparison.hashed = md5Lane->submit([this, md5, &object] {
                const ObjectEntry& entry = object.entry;
                const QString actualMd5 = QString::fromLatin1(md5->finalHex());
                if (actualMd5 != entry.md5)
                    throw Error(QStringLiteral("object %1 (volume offset %2) of backup %3 is "
                                               "corrupt: MD5 %4, expected %5")
                                    .arg(entry.name)
                                    .arg(entry.offset)
                                    .arg(object.backup.id, actualMd5, entry.md5));
                ++m_md5sChecked;
            });
            reader.pending.push_back(std::move(comparison));
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

    BatchBuffer takeBatchBuffer()
    {
        {
            std::lock_guard lock(m_spareBatchesMutex);
            if (!m_spareBatches.empty()) {
                BatchBuffer buffer = std::move(m_spareBatches.back());
                m_spareBatches.pop_back();
                return buffer;
            }
        }
        return BatchBuffer(static_cast<char*>(
            ::operator new[](size_t(m_batchSize), std::align_val_t(kBatchAlignment))));
    }

    // Batch buffers are reused: fresh memory would be faulted in for every batch.
    void giveBatchBuffer(BatchBuffer buffer)
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
    std::vector<BatchBuffer> m_spareBatches;
    static constexpr size_t kSpareBatches = 16;
    static constexpr qint64 kBatchBytes = qint64(4) << 20;
    // A long object's fetch figures reach the progress every this many bytes.
    static constexpr qint64 kStageReportBytes = qint64(16) << 20;
    // For the run's summary line.
    ParallelDecodeStats m_decodeStats;
    std::atomic<qint64> m_storedBytesRead{0};
    std::atomic<qint64> m_rawBytesDecoded{0};
    std::atomic<qint64> m_md5sChecked{0};
    std::atomic<qint64> m_objectsReadInPart{0};
};

} // namespace

QByteArray restoreChain(ObjectStore& store, const ChunkedOptions& options,
                        const QList<Backup>& chain, VolumeDevice& device, OperationControl& control,
                        const KeyLookup& keys)
{
    RestoreRun run(store, options, chain, &device, control, false, keys);
    run.run();
    return run.volumeMeta();
}

VerifyReport verifyChain(ObjectStore& store, const ChunkedOptions& options,
                         const QList<Backup>& chain, OperationControl& control,
                         const KeyLookup& keys)
{
    return RestoreRun(store, options, chain, nullptr, control, true, keys).run();
}

VerifyReport verifyChainSample(ObjectStore& store, const ChunkedOptions& options,
                               const QList<Backup>& chain, const QStringList& objectNames,
                               OperationControl& control, const KeyLookup& keys)
{
    return RestoreRun(store, options, chain, nullptr, control, true, keys).runSample(objectNames);
}

} // namespace ember::chunked
