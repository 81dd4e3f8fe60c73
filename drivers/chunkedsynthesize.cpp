// Synthetic full backups and re-parenting for the chunked engine.
//
// A synthetic full is assembled from the chain's stored objects: the newest
// backup holding a byte wins, as on a chain restore. Every source object is
// decoded on its own thread into a small bounded queue; one assembler per
// output object pulls the bytes it needs in volume order, the worker pool
// checks them against the source backup's SHA-256 list and compresses them,
// and the store writes them. Nothing larger than a few pieces per stream is
// ever held in memory, and the volume itself is never read.
#include "chunkeddriver.h"

#include "chunkedformat.h"
#include "chunkedinternal.h"
#include "compression.h"
#include "hashing.h"
#include "pythonjson.h"
#include "workerpool.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <thread>

Q_LOGGING_CATEGORY(lcSynthesize, "ember.chunked.synthesize")

namespace ember {

using namespace chunked;

namespace {

void removePrefix(ObjectStore& store, const Backup& backup)
{
    if (backup.serviceMetadata.isEmpty() || backup.container.isEmpty())
        return;
    try {
        for (const QString& name : store.list(backup.container, backup.serviceMetadata))
            if (belongsToPrefix(name, backup.serviceMetadata))
                store.remove(backup.container, name);
    } catch (const Error& error) {
        qCWarning(lcSynthesize) << "could not remove the objects of failed synthetic full"
                                << backup.id << ":" << error.message();
    }
}

// Puts a small object whole, logging each retry.
void putWithRetries(ObjectStore& store, OperationControl& control, const QString& container,
                    const QString& name, const QByteArray& data)
{
    withRetries(
        store, control, [&] { store.putAll(container, name, data); },
        [&](const TransientError& error) {
            control.log(QStringLiteral("retrying after: %1").arg(error.message()));
        });
}

// One stored object of the chain and the backup it belongs to.
struct SourceObject
{
    const Backup* backup = nullptr;
    ObjectEntry entry;
    // Encrypted chains: what the object is bound to, and its backup's data key.
    std::optional<ObjectBinding> binding = {};
    QByteArray dataKey = {};
};

// A volume range taken from one source object.
struct Segment
{
    qint64 offset = 0;
    qint64 end = 0;
    int source = -1;
};

// Assembled data that differs from the source backup's `_sha256file`.
class HashMismatch : public Error
{
public:
    using Error::Error;
};

// Ends a stream's decoding early (its consumer needs no more bytes).
class StopStream : public std::exception
{
};

// Decodes one source object on its own thread into a bounded queue that its
// consumer reads front to back. Errors name the object as a restore does.
// With `checkDecoded` set, the queue carries the object's stored bytes as
// they are (to be copied unchanged) and the decoded bytes go to the check.
class SourceStream
{
public:
    using DecodedCheck = std::function<void(const char* data, size_t length)>;
    SourceStream(ObjectStore& store, const SourceObject& source, qint64 decodeUntil,
                 qint64 queueLimit, OperationControl& control, DecodedCheck checkDecoded = {})
        : m_store(store), m_source(source), m_decodeUntil(decodeUntil), m_queueLimit(queueLimit),
          m_control(control), m_checkDecoded(std::move(checkDecoded))
    {
        m_thread = std::thread([this] { produce(); });
    }
    ~SourceStream()
    {
        {
            std::lock_guard lock(m_mutex);
            m_abandoned = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
    SourceStream(const SourceStream&) = delete;
    SourceStream& operator=(const SourceStream&) = delete;

    // The object's raw offset of the next byte take() returns.
    qint64 position() const { return m_position; }

    // Copies the next `length` raw bytes to `out` (nullptr: skips them).
    void take(char* out, qint64 length)
    {
        std::unique_lock lock(m_mutex);
        while (length > 0) {
            m_changed.wait(lock, [this] { return !m_queue.empty() || m_done; });
            if (m_queue.empty()) {
                if (m_error)
                    std::rethrow_exception(m_error);
                throw corrupt(QStringLiteral("it holds %1 bytes, its metadata says %2")
                                  .arg(m_decoded)
                                  .arg(m_source.entry.length));
            }
            QByteArray& front = m_queue.front();
            const qint64 count = std::min(length, qint64(front.size() - m_frontPosition));
            if (out) {
                std::memcpy(out, front.constData() + m_frontPosition, size_t(count));
                out += count;
            }
            m_frontPosition += qsizetype(count);
            m_position += count;
            length -= count;
            m_queued -= count;
            if (m_frontPosition == front.size()) {
                m_queue.pop_front();
                m_frontPosition = 0;
            }
            m_changed.notify_all();
        }
    }

    // Stored-bytes mode: the next stored bytes, up to `capacity`; 0 once the
    // object ended and passed every check (length, MD5, the decoded check).
    size_t takeStored(char* out, size_t capacity)
    {
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return !m_queue.empty() || m_done; });
            if (!m_queue.empty()) {
                QByteArray& front = m_queue.front();
                const size_t count = std::min(capacity, size_t(front.size() - m_frontPosition));
                std::memcpy(out, front.constData() + m_frontPosition, count);
                m_frontPosition += qsizetype(count);
                m_queued -= qint64(count);
                if (m_frontPosition == front.size()) {
                    m_queue.pop_front();
                    m_frontPosition = 0;
                }
                m_changed.notify_all();
                return count;
            }
        }
        m_position = m_source.entry.length; // everything was decoded and checked
        finish();
        return 0;
    }

    // Reads the object to its end and checks its length and MD5, as a restore does.
    void finish()
    {
        take(nullptr, m_source.entry.length - m_position);
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_done; });
        if (m_error)
            std::rethrow_exception(m_error);
        if (m_decoded != m_source.entry.length)
            throw corrupt(QStringLiteral("it holds %1 bytes, its metadata says %2")
                              .arg(m_decoded)
                              .arg(m_source.entry.length));
        if (!m_source.entry.md5.isEmpty() && m_md5 != m_source.entry.md5)
            throw corrupt(QStringLiteral("MD5 %1, expected %2").arg(m_md5, m_source.entry.md5));
    }

private:
    Error corrupt(const QString& why) const
    {
        return Error(QStringLiteral("object %1 (volume offset %2) of backup %3 is corrupt: %4")
                         .arg(m_source.entry.name)
                         .arg(m_source.entry.offset)
                         .arg(m_source.backup->id, why));
    }

    void produce()
    {
        const ObjectEntry& entry = m_source.entry;
        const bool partial = m_decodeUntil < entry.length;
        try {
            auto decoder = makeDecoder(codecForTag(entry.compression), entry.length);
            Digest md5(Digest::Algorithm::Md5);
            qint64 decoded = 0;
            auto push = [&](const char* data, size_t length) {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return m_abandoned || m_queued < m_queueLimit; });
                if (m_abandoned)
                    throw StopStream();
                m_queue.emplace_back(data, qsizetype(length));
                m_queued += qint64(length);
                m_decoded = decoded;
                m_changed.notify_all();
            };
            auto sink = [&](const char* data, size_t length) {
                m_control.throwIfCancelled();
                if (partial && decoded >= m_decodeUntil)
                    throw StopStream();
                md5.update(data, length);
                decoded += qint64(length);
                if (m_checkDecoded)
                    m_checkDecoded(data, length);
                else
                    push(data, length);
            };
            try {
                if (m_source.binding) {
                    // Never copied as stored (the binding names the backup): decrypted only.
                    DecryptingFeed decrypting(m_source.dataKey, *m_source.binding,
                                              [&](const char* data, size_t length) {
                                                  decoder->feed(data, length, sink);
                                              });
                    m_store.get(
                        m_source.backup->container, entry.name,
                        [&](const char* data, size_t length) { decrypting.feed(data, length); });
                    decrypting.finish();
                } else {
                    m_store.get(m_source.backup->container, entry.name,
                                [&](const char* data, size_t length) {
                                    decoder->feed(data, length, sink);
                                    if (m_checkDecoded)
                                        push(data, length);
                                });
                }
                decoder->finish();
            } catch (const StopStream&) {
                throw;
            } catch (const SealBroken&) {
                throw; // names the object already
            } catch (const HashMismatch&) {
                throw;
            } catch (const ObjectMissing&) {
                throw Error(
                    QStringLiteral("backup %1 is damaged: object %2 (volume offset %3) is missing")
                        .arg(m_source.backup->id, entry.name)
                        .arg(entry.offset));
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& error) {
                if (dynamic_cast<const TransientError*>(&error))
                    throw;
                throw corrupt(error.message());
            }
            if (m_checkDecoded) {
                // A short object is reported as such, not as a hash mismatch of its tail.
                if (decoded != entry.length)
                    throw corrupt(QStringLiteral("it holds %1 bytes, its metadata says %2")
                                      .arg(decoded)
                                      .arg(entry.length));
                m_checkDecoded(nullptr, 0); // the end
            }
            std::lock_guard lock(m_mutex);
            m_decoded = decoded;
            m_md5 = QString::fromLatin1(md5.finalHex());
            m_done = true;
        } catch (const StopStream&) {
            std::lock_guard lock(m_mutex);
            m_done = true;
        } catch (...) {
            std::lock_guard lock(m_mutex);
            m_error = std::current_exception();
            m_done = true;
        }
        m_changed.notify_all();
    }

    ObjectStore& m_store;
    const SourceObject& m_source;
    const qint64 m_decodeUntil;
    const qint64 m_queueLimit;
    OperationControl& m_control;
    const DecodedCheck m_checkDecoded;
    std::thread m_thread;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<QByteArray> m_queue;
    qsizetype m_frontPosition = 0;
    qint64 m_queued = 0;
    qint64 m_decoded = 0;
    qint64 m_position = 0; // consumer side only
    bool m_done = false;
    bool m_abandoned = false;
    std::exception_ptr m_error;
    QString m_md5;
};

class SynthesizeRun
{
public:
    SynthesizeRun(ObjectStore& store, const ChunkedOptions& options, SynthesizeJob& job,
                  const KeyLookup& keys)
        : m_store(store), m_options(options), m_job(job), m_control(job.control),
          m_pool(options.workerThreads), m_keys(keys)
    {
    }

    void run()
    {
        readChain();
        buildPlan();
        Backup& backup = m_job.backup;
        m_compression = parseCompression(m_options.compression);
        QList<Extent> plan;
        for (qint64 offset = 0; offset < m_volumeSize; offset += m_objectSize)
            plan.append({offset, std::min(m_objectSize, m_volumeSize - offset)});
        m_entries.resize(plan.size());
        m_objectCount = plan.size();
        m_control.setPhase(QStringLiteral("synthesizing"), m_volumeSize);
        writeObjects(plan);
        // A cancel that came while the last objects were written still stops it:
        // without `_metadata` nothing of it counts as a backup.
        m_control.throwIfCancelled();
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
    // An encrypted chain: every backup's key is opened and the newest
    // `_sha256file` checked before any object is read. The new full is sealed
    // under the newest backup's key set with a fresh data key and the chain's
    // block-MAC key, so the list of MACs (and the children re-parented onto
    // the new full) stay valid.
    void openChain()
    {
        const QList<Backup>& chain = m_job.chain;
        const bool encrypted = m_metadata.last().isEncrypted();
        for (const BackupMetadata& metadata : m_metadata)
            if (metadata.isEncrypted() != encrypted)
                throw Error(QStringLiteral("the chain of backup %1 mixes encrypted backups and "
                                           "backups in the clear; refusing to read it")
                                .arg(chain.last().id));
        if (!encrypted)
            return;
        QList<Envelope> envelopes;
        for (qsizetype b = 0; b < chain.size(); ++b)
            envelopes.append(envelopeOf(chain[b], m_metadata[b]));
        for (qsizetype b = 0; b < chain.size(); ++b)
            keyFor(m_keys, envelopes[b].keyFingerprint, true,
                   QStringLiteral("backup %1 is encrypted with").arg(chain[b].id));
        BackupKeys newestKeys;
        for (qsizetype b = 0; b < chain.size(); ++b) {
            m_control.throwIfCancelled();
            newestKeys = openBackup(m_keys, chain[b], envelopes[b]);
            m_dataKeys.append(newestKeys.dataKey);
        }
        checkShaFileMac(chain.last(), envelopes.last(), newestKeys, m_shaText);
        m_mac = std::make_unique<BlockMac>(newestKeys.macKey);
        m_sealingKey = keyFor(m_keys, envelopes.last().keyFingerprint, false,
                              QStringLiteral("backup %1 is encrypted with").arg(chain.last().id));
        m_backupKeys = newBackupKeys(*m_sealingKey);
        m_backupKeys.macKey = newestKeys.macKey;
    }

    // Reads and checks everything a restore of the chain reads before its data.
    void readChain()
    {
        const QList<Backup>& chain = m_job.chain;
        m_control.setPhase(QStringLiteral("reading metadata"), 0);
        for (qsizetype b = 0; b < chain.size(); ++b) {
            m_control.throwIfCancelled();
            const Backup& backup = chain[b];
            m_metadata.append(readMetadata(m_store, backup));
            const BackupMetadata& metadata = m_metadata.last();
            if (!metadata.backupId.isEmpty() &&
                metadata.backupId.compare(backup.id, Qt::CaseInsensitive) != 0)
                throw Error(
                    QStringLiteral("backup %1 is damaged: its _metadata belongs to backup %2")
                        .arg(backup.id, metadata.backupId));
            const QString expectedParent = b == 0 ? QString() : chain[b - 1].id;
            if (metadata.parentId.compare(expectedParent, Qt::CaseInsensitive) != 0)
                throw Error(
                    QStringLiteral("backup %1 does not continue the chain: its _metadata "
                                   "names parent %2, expected %3")
                        .arg(backup.id,
                             metadata.parentId.isEmpty() ? QStringLiteral("none")
                                                         : metadata.parentId,
                             expectedParent.isEmpty() ? QStringLiteral("none") : expectedParent));
            // As a restore: the stored data objects must be exactly those `_metadata` lists.
            checkStoredObjects(
                m_store, backup, metadata,
                QStringLiteral("refusing to use it, as Cinder refuses to restore it"));
        }
        const Backup& newest = chain.last();
        const QString shaName = shaFileObjectName(newest.serviceMetadata);
        m_shaText = readSmallObject(m_store, newest, shaName);
        m_hashes = parseFor(newest, [&] { return parseShaFile(m_shaText, shaName); });
        m_volumeSize = parseFor(chain.first(), [&] {
            return fullBackupVolumeSize(m_metadata.first(),
                                        metadataObjectName(chain.first().serviceMetadata));
        });
        for (qsizetype b = 0; b < chain.size(); ++b)
            parseFor(chain[b], [&] {
                checkObjectsWithinVolume(m_metadata[b], m_volumeSize,
                                         metadataObjectName(chain[b].serviceMetadata));
                return 0;
            });
        parseFor(newest, [&] {
            checkShaFileCoversVolume(m_hashes, m_volumeSize, shaName);
            return 0;
        });
        openChain();
        Backup& backup = m_job.backup;
        if (backup.volumeSizeBytes > 0 && backup.volumeSizeBytes != m_volumeSize)
            throw Error(QStringLiteral("the chain of backup %1 holds a volume of %2 bytes, but the "
                                       "synthetic full was asked for %3 bytes")
                            .arg(newest.id)
                            .arg(m_volumeSize)
                            .arg(backup.volumeSizeBytes));
        backup.volumeSizeBytes = m_volumeSize;

        m_blockSize = m_hashes.blockSize;
        if (m_options.objectSize % m_blockSize != 0)
            throw Error(QStringLiteral("the configured object size (%1 bytes) is not a multiple "
                                       "of the SHA block size of backup %2 (%3 bytes); a full "
                                       "backup with this configuration could not keep its "
                                       "hashes")
                            .arg(m_options.objectSize)
                            .arg(newest.id)
                            .arg(m_blockSize));
        m_objectSize = m_options.objectSize;
        // Pieces are whole SHA blocks of the source and never cross an object.
        m_pieceSize = std::max(m_blockSize, m_options.pieceSize / m_blockSize * m_blockSize);
        m_pieceSize = std::min(m_pieceSize, m_objectSize);
    }

    // Newest backup wins for every byte, as on a chain restore.
    void buildPlan()
    {
        std::map<qint64, Segment> map; // start -> segment
        for (qsizetype b = 0; b < m_job.chain.size(); ++b) {
            for (qsizetype i = 0; i < m_metadata[b].objects.size(); ++i) {
                const ObjectEntry& entry = m_metadata[b].objects[i];
                const int index = int(m_sources.size());
                m_sources.push_back({&m_job.chain.at(b), entry});
                if (!m_dataKeys.isEmpty()) {
                    m_sources.back().binding = objectBinding(m_job.chain.at(b), m_metadata[b], i);
                    m_sources.back().dataKey = m_dataKeys[b];
                }
                const qint64 start = entry.offset;
                const qint64 end = entry.end();
                auto it = map.lower_bound(start);
                if (it != map.begin()) {
                    auto before = std::prev(it);
                    if (before->second.end > start) {
                        Segment tail = before->second;
                        before->second.end = start;
                        if (tail.end > end) {
                            tail.offset = end;
                            map[end] = tail;
                        }
                        it = map.lower_bound(start);
                    }
                }
                while (it != map.end() && it->first < end) {
                    if (it->second.end > end) {
                        Segment tail = it->second;
                        tail.offset = end;
                        map[end] = tail;
                    }
                    it = map.erase(it);
                }
                map[start] = {start, end, index};
            }
        }
        for (const auto& [start, segment] : map)
            m_segments.push_back(segment);
    }

    void writeObjects(const QList<Extent>& plan)
    {
        const ObjectWriter writer = objectWriter();
        writeObjectsInParallel(m_options, m_store, plan.size(), [&](qsizetype index) {
            m_entries[index] = writeObjectWithRetries(writer, plan[index], index);
        });
    }

    // Each write of an extent assembles its pieces from the source streams
    // (in volume order, on the store's thread); the pool checks and compresses them.
    ObjectWriter objectWriter()
    {
        auto piecesFor = [this](const Extent& extent) -> PieceMaker {
            auto assembler = std::make_shared<Assembler>(*this, extent);
            return [this, assembler](qint64 at, qint64 length, const ObjectEncoder* pieceEncoder) {
                auto raw = std::make_shared<QByteArray>(qsizetype(length), Qt::Uninitialized);
                assembler->fill(raw->data(), at, length);
                return m_pool.submit([this, raw, at, pieceEncoder] {
                    checkPiece(*raw, at);
                    ObjectPiece piece;
                    piece.offset = at;
                    piece.length = raw->size();
                    if (pieceEncoder)
                        piece.encoded =
                            pieceEncoder->encodePiece(raw->constData(), size_t(raw->size()));
                    piece.raw = std::move(*raw);
                    return piece;
                });
            };
        };
        ObjectWriter writer{.store = m_store,
                            .control = m_control,
                            .pool = m_pool,
                            .container = m_job.backup.container,
                            .zlibEngine = m_options.zlibEngine,
                            .pieceSize = m_pieceSize,
                            .windowSize = size_t(m_pool.size()) * 2 + 1,
                            .piecesFor = piecesFor,
                            .logCategory = lcSynthesize};
        if (m_sealingKey)
            // Objects hold whole object sizes: the index follows from the offset.
            writer.encryptorFor =
                sealingEncryptors(m_backupKeys.dataKey, m_job.backup.id, m_objectCount,
                                  [this](const QString&, const Extent& extent) {
                                      return extent.offset / m_objectSize;
                                  });
        return writer;
    }

    ObjectEntry writeObjectWithRetries(const ObjectWriter& writer, const Extent& extent,
                                       qsizetype index)
    {
        const QString name = dataObjectName(m_job.backup.serviceMetadata, index);
        if (const SourceObject* unchanged = unchangedSource(extent))
            return retryObject(writer, name, [&](bool countProgress) {
                qint64 storedLength = 0;
                ObjectEntry entry =
                    copyObject(extent, name, *unchanged, countProgress, storedLength);
                m_storedBytes += storedLength;
                return entry;
            });
        return chunked::writeObjectWithRetries(writer, extent, name, m_compression, m_storedBytes);
    }

    // The source object that holds exactly `extent`, none of it overwritten by
    // a newer backup, stored with the configured compression (or raw): its
    // stored bytes can be copied as they are, once checked.
    const SourceObject* unchangedSource(const Extent& extent) const
    {
        auto found = std::upper_bound(
            m_segments.begin(), m_segments.end(), extent.offset,
            [](qint64 offset, const Segment& segment) { return offset < segment.offset; });
        const Segment& segment = *std::prev(found);
        const SourceObject& source = m_sources[size_t(segment.source)];
        if (segment.offset != extent.offset || segment.end != extent.end() ||
            source.entry.offset != extent.offset || source.entry.length != extent.length)
            return nullptr;
        const QString& tag = source.entry.compression;
        if (tag != m_compression.tag && tag != QLatin1String("none"))
            return nullptr;
        // An encrypted object is bound to its backup: it is decrypted and sealed again.
        if (source.binding)
            return nullptr;
        return &source;
    }

    // Copies an unchanged source object's stored bytes while decoding them to
    // check its length and MD5 and every block against the source's SHA-256 list.
    ObjectEntry copyObject(const Extent& extent, const QString& name, const SourceObject& source,
                           bool countProgress, qint64& storedLength)
    {
        QByteArray piece;
        piece.reserve(qsizetype(m_pieceSize));
        qint64 checked = 0;
        auto checkFilled = [&] {
            checkPiece(piece, extent.offset + checked);
            checked += piece.size();
            if (countProgress)
                m_control.addBytesDone(piece.size());
            piece.clear();
        };
        auto check = [&](const char* data, size_t length) {
            if (!data) { // the end
                if (!piece.isEmpty())
                    checkFilled();
                return;
            }
            while (length > 0) {
                const size_t take = std::min(length, size_t(m_pieceSize - piece.size()));
                piece.append(data, qsizetype(take));
                data += take;
                length -= take;
                if (piece.size() == m_pieceSize)
                    checkFilled();
            }
        };
        const qint64 queueLimit = std::max<qint64>(m_pieceSize * 2, 1 << 20);
        SourceStream stream(m_store, source, source.entry.length, queueLimit, m_control, check);
        storedLength = 0;
        auto producer = [&](char* buffer, size_t capacity) -> size_t {
            const size_t count = stream.takeStored(buffer, capacity);
            storedLength += qint64(count);
            return count;
        };
        m_store.put(m_job.backup.container, name, producer,
                    source.entry.compression == QLatin1String("none")
                        ? std::optional<qint64>(extent.length)
                        : std::nullopt);
        if (checked != extent.length)
            throw Error(
                QStringLiteral("the store stopped reading object %1 before its end").arg(name));
        ObjectEntry entry = source.entry;
        entry.name = name;
        return entry;
    }

    // Assembles the output range [range.offset, range.end()) from the source
    // streams, a piece at a time, in volume order.
    class Assembler
    {
    public:
        Assembler(SynthesizeRun& run, const Extent& range) : m_run(run), m_range(range)
        {
            const auto& segments = run.m_segments;
            // The segment holding range.offset (the segments cover the volume without gaps).
            auto first = std::upper_bound(
                segments.begin(), segments.end(), range.offset,
                [](qint64 offset, const Segment& segment) { return offset < segment.offset; });
            m_next = size_t(std::distance(segments.begin(), first)) - 1;
            for (size_t i = m_next; i < segments.size() && segments[i].offset < range.end(); ++i)
                m_lastUse[segments[i].source] = i;
        }

        void fill(char* out, qint64 offset, qint64 length)
        {
            const auto& segments = m_run.m_segments;
            while (length > 0) {
                m_run.m_control.throwIfCancelled();
                const Segment& segment = segments[m_next];
                const qint64 count = std::min(length, segment.end - offset);
                const SourceObject& source = m_run.m_sources[size_t(segment.source)];
                SourceStream& stream = open(segment.source);
                const qint64 at = offset - source.entry.offset;
                stream.take(nullptr, at - stream.position());
                stream.take(out, count);
                out += count;
                offset += count;
                length -= count;
                if (offset == segment.end) {
                    if (m_lastUse[segment.source] == m_next)
                        close(segment.source);
                    ++m_next;
                }
            }
        }

    private:
        SourceStream& open(int index)
        {
            auto found = m_streams.find(index);
            if (found != m_streams.end())
                return *found->second;
            const SourceObject& source = m_run.m_sources[size_t(index)];
            // An object reaching past this range is decoded only as far as needed
            // here; one that ends inside it is decoded whole and checked.
            const qint64 until = std::min(source.entry.length, m_range.end() - source.entry.offset);
            const qint64 queueLimit = std::max<qint64>(m_run.m_pieceSize * 2, 1 << 20);
            auto stream = std::make_unique<SourceStream>(m_run.m_store, source, until, queueLimit,
                                                         m_run.m_control);
            return *m_streams.emplace(index, std::move(stream)).first->second;
        }

        void close(int index)
        {
            auto found = m_streams.find(index);
            const SourceObject& source = m_run.m_sources[size_t(index)];
            if (source.entry.end() <= m_range.end())
                found->second->finish();
            m_streams.erase(found);
        }

        SynthesizeRun& m_run;
        Extent m_range;
        size_t m_next = 0;
        std::map<int, size_t> m_lastUse; // source -> index of its last segment in this range
        std::map<int, std::unique_ptr<SourceStream>> m_streams;
    };

    // Checks a piece's blocks against the source backup's SHA-256 list.
    void checkPiece(const QByteArray& raw, qint64 offset) const
    {
        for (qint64 at = 0; at < raw.size(); at += m_blockSize) {
            const qint64 length = std::min(m_blockSize, qint64(raw.size()) - at);
            const Sha256 digest = blockDigest(m_mac.get(), raw.constData() + at, size_t(length));
            const size_t index = size_t((offset + at) / m_blockSize);
            if (digest != m_hashes.hashes[index])
                throw HashMismatch(
                    QStringLiteral("the data assembled for volume offset %1 does not match its "
                                   "SHA-256 in %2 of backup %3: the chain's objects do not add up "
                                   "to that backup's state; nothing was kept")
                        .arg(offset + at)
                        .arg(shaFileObjectName(m_job.chain.last().serviceMetadata),
                             m_job.chain.last().id));
        }
    }

    // The source backup's hash list under the new backup's own names.
    void writeShaFile()
    {
        const Backup& backup = m_job.backup;
        const QByteArray text = shaFileText(backup, m_blockSize, m_hashes.hashes);
        if (m_sealingKey)
            m_shaFileMac = shaFileMac(m_backupKeys.macKey, backup.id, text);
        putSmall(shaFileObjectName(backup.serviceMetadata), text);
    }

    void writeMetadataFile()
    {
        const Backup& backup = m_job.backup;
        const QByteArray& volumeMeta = m_metadata.last().volumeMeta;
        QJsonObject encryption;
        if (m_sealingKey) {
            Envelope envelope = sealBackupKeys(*m_sealingKey, m_backupKeys, backup.id);
            envelope.shaFileMac = m_shaFileMac;
            encryption = envelope.toJson();
        }
        putSmall(metadataObjectName(backup.serviceMetadata),
                 metadataFileText(backup, m_entries, QJsonValue(QJsonValue::Null),
                                  volumeMeta.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                       : QJsonValue(QString::fromUtf8(volumeMeta)),
                                  encryption));
    }

    void putSmall(const QString& name, const QByteArray& data)
    {
        putWithRetries(m_store, m_control, m_job.backup.container, name, data);
        m_storedBytes += data.size();
    }

    ObjectStore& m_store;
    const ChunkedOptions& m_options;
    SynthesizeJob& m_job;
    OperationControl& m_control;
    WorkerPool m_pool;
    QList<BackupMetadata> m_metadata; // one per chain backup
    QByteArray m_shaText;
    ShaFile m_hashes;
    qint64 m_volumeSize = 0;
    qint64 m_blockSize = 0;
    qint64 m_objectSize = 0;
    qint64 m_pieceSize = 0;
    CompressionChoice m_compression;
    std::vector<SourceObject> m_sources;
    std::vector<Segment> m_segments; // in volume order, covering [0, m_volumeSize)
    QList<ObjectEntry> m_entries;
    std::atomic<qint64> m_storedBytes{0};
    const KeyLookup& m_keys;
    qint64 m_objectCount = 0;
    QList<QByteArray> m_dataKeys;    // encrypted chains: each backup's data key, oldest first
    std::unique_ptr<BlockMac> m_mac; // encrypted chains: the chain's block MAC
    std::optional<KeySet> m_sealingKey;
    BackupKeys m_backupKeys; // the new full's
    QString m_shaFileMac;
};

// `text` with its top-level parent_id replaced. The textual replacement keeps
// every other byte; text in another layout is parsed and written again in
// the engine's own layout (Python's json.dumps, sort_keys, indent 2).
QByteArray withParentId(const QByteArray& text, const QString& parentId)
{
    QJsonObject expected = QJsonDocument::fromJson(text).object();
    expected[QStringLiteral("parent_id")] = parentId;
    const QByteArray key = "\n  \"parent_id\": ";
    const qsizetype at = text.indexOf(key);
    if (at >= 0 && text.indexOf(key, at + 1) < 0) {
        const qsizetype valueStart = at + key.size();
        qsizetype valueEnd = -1;
        if (text.mid(valueStart, 4) == "null") {
            valueEnd = valueStart + 4;
        } else if (text.mid(valueStart, 1) == "\"") {
            const qsizetype close = text.indexOf('"', valueStart + 1);
            if (close > 0 && text.mid(valueStart, close - valueStart).indexOf('\\') < 0)
                valueEnd = close + 1;
        }
        if (valueEnd > 0) {
            QByteArray updated = text;
            updated.replace(valueStart, valueEnd - valueStart, PythonJson::quote(parentId));
            // Only if it reads back as exactly the intended change.
            if (QJsonDocument::fromJson(updated).object() == expected)
                return updated;
        }
    }
    return PythonJson::dumps(expected, {2, true});
}

} // namespace

bool ChunkedBackupDriver::canSynthesize() const
{
    return true;
}

void ChunkedBackupDriver::synthesize(SynthesizeJob& job)
{
    if (job.chain.isEmpty())
        throw Error(QStringLiteral("nothing to synthesize: the chain is empty"));
    Backup& backup = job.backup;
    backup.parentId.clear(); // a full backup
    if (!backup.createdAt.isValid())
        backup.createdAt = QDateTime::currentDateTimeUtc();
    // As for a backup: the lock is on record before the first object is written.
    if (const std::optional<ObjectRetention> retention = m_store->retentionForNewObjects()) {
        backup.immutableUntil = retention->until;
        backup.immutableMode = retention->mode;
    }
    placeNewBackup(*m_store, backup, job.recordLocation);
    try {
        m_store->ensureContainer(backup.container);
        SynthesizeRun(*m_store, m_options, job, m_keys).run();
    } catch (...) {
        // Nothing of a failed synthetic full may stay behind.
        removePrefix(*m_store, backup);
        throw;
    }
}

void ChunkedBackupDriver::reparent(const Backup& child, const Backup& newParent,
                                   OperationControl& control)
{
    control.throwIfCancelled();
    if (newParent.id.isEmpty() || newParent.id.compare(child.id, Qt::CaseInsensitive) == 0)
        throw Error(
            QStringLiteral("cannot make backup %1 the parent of backup %2")
                .arg(newParent.id.isEmpty() ? QStringLiteral("(none)") : newParent.id, child.id));
    if (child.serviceMetadata.isEmpty())
        throw Error(QStringLiteral("backup %1 has no object prefix (service_metadata); it cannot "
                                   "be re-parented")
                        .arg(child.id));
    const QString name = metadataObjectName(child.serviceMetadata);
    const QByteArray text = readSmallObject(*m_store, child, name);
    const BackupMetadata metadata =
        parseFor(child, [&] { return parseBackupMetadata(text, name); });
    if (metadata.backupId.compare(child.id, Qt::CaseInsensitive) != 0)
        throw Error(
            QStringLiteral("refusing to re-parent backup %1: %2 in container %3 belongs "
                           "to backup %4")
                .arg(child.id, name, child.container,
                     metadata.backupId.isEmpty() ? QStringLiteral("(none)") : metadata.backupId));
    const QByteArray updated = withParentId(text, newParent.id);
    // One put replaces the object whole (posix: temporary file and rename;
    // Swift: one PUT), so a reader sees the old or the new parent, never a mix.
    putWithRetries(*m_store, control, child.container, name, updated);
}

} // namespace ember
