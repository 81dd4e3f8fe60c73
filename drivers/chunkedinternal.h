// What the chunked engine's backup (chunkeddriver.cpp) and synthetic full
// (chunkedsynthesize.cpp) share: reading a backup's small files, retries,
// writing data objects, and the text of `_metadata` and `_sha256file`.
// Internal to the engine; not part of its interface.
#pragma once

#include "chunkeddriver.h"
#include "chunkedformat.h"
#include "compression.h"
#include "hashing.h"
#include "sealing.h"
#include "workerpool.h"

#include <QJsonValue>
#include <QLoggingCategory>

#include <atomic>
#include <functional>
#include <future>
#include <vector>

namespace ember::chunked {

// Python's str() of a tz-aware UTC datetime: "2024-01-02 03:04:05+00:00".
QString pythonDateTime(const QDateTime& time);

QJsonValue nullable(const QString& text);

// Zeros to hash, checksum and write without allocating for every hole.
const char* zeroBytes(size_t length);

QByteArray readSmallObject(ObjectStore& store, const Backup& backup, const QString& name);

// Parse errors name the backup as well as the file and the field.
template <typename Parse> auto parseFor(const Backup& backup, Parse parse)
{
    try {
        return parse();
    } catch (const Error& error) {
        throw Error(QStringLiteral("backup %1 is damaged: %2").arg(backup.id, error.message()));
    }
}

BackupMetadata readMetadata(ObjectStore& store, const Backup& backup);

// Places a new backup in the store: its container (the store's default unless
// set), a fresh object prefix and the store's service; then tells
// `recordLocation` (when set), before any object is written.
void placeNewBackup(ObjectStore& store, Backup& backup,
                    const std::function<void(const Backup&)>& recordLocation);

// Cinder refuses a backup whose stored data objects differ from those its
// `_metadata` lists: throws Error naming the first missing object, else the
// extra ones, followed by `refusal` (what is refused, and why).
void checkStoredObjects(ObjectStore& store, const Backup& backup, const BackupMetadata& metadata,
                        const QString& refusal);

// Runs `work` until it does not throw TransientError, as often as the store's
// retry policy allows, with the shared Backoff (which wakes early on cancel);
// `beforeRetry` (when set) sees each failure retried.
void withRetries(ObjectStore& store, OperationControl& control, const std::function<void()>& work,
                 const std::function<void(const TransientError&)>& beforeRetry = {});

// Runs `work` on `count` threads and rethrows the first failure after all
// have stopped. `failed` tells the others to give up early.
void runOnThreads(int count, const std::function<void(std::atomic<bool>& failed)>& work);

// Lets tasks that still run finish before the buffers they use go away; a
// future whose result was already taken (it threw) is skipped.
template <typename Futures> void waitForAll(Futures& futures)
{
    for (auto& future : futures)
        if (future.valid())
            future.wait();
}

// Cinder's data object name: `<prefix>-NNNNN`, counting from 1.
QString dataObjectName(const QString& prefix, qsizetype index);

// Calls `write(index)` for every index below `count`, on as many threads as
// objects may be in flight; the first failure stops the rest and is rethrown.
void writeObjectsInParallel(const ChunkedOptions& options, ObjectStore& store, qsizetype count,
                            const std::function<void(qsizetype index)>& write);

// `_sha256file`, built by hand rather than through QJsonArray (a large
// volume has millions of entries): Python's json.dumps(sort_keys=True, indent=2).
QByteArray shaFileText(const Backup& backup, qint64 blockSize, const std::vector<Sha256>& hashes);

// `_metadata` for `backup` with its data objects, as Cinder writes it; an
// encrypted backup's envelope (Envelope::toJson) goes into "ember_encryption".
QByteArray metadataFileText(const Backup& backup, const QList<ObjectEntry>& objects,
                            const QJsonValue& parentId, const QJsonValue& volumeMeta,
                            const QJsonObject& encryption = {});

// ---- encryption at rest (crypto/sealing.h)

// The key set `fingerprint` names, from `keys`. `toOpen`: it must hold the
// private half (restore, verify, reading a chain); otherwise the public half
// suffices (sealing). Throws Error starting "key not available" naming `what`.
KeySet keyFor(const KeyLookup& keys, const QString& fingerprint, bool toOpen, const QString& what);

// The envelope of an encrypted backup's `_metadata`; Error naming the backup
// when it is malformed.
Envelope envelopeOf(const Backup& backup, const BackupMetadata& metadata);

// Finds the key of an encrypted backup and opens its envelope: "key not
// available" when the key is missing or public only, SealBroken naming the
// backup ("does not authenticate") when the envelope does not open.
BackupKeys openBackup(const KeyLookup& keys, const Backup& backup, const Envelope& envelope);

// Checks the exact `_sha256file` bytes of an encrypted backup against its
// envelope's sha256file_mac; SealBroken naming the file when they differ.
void checkShaFileMac(const Backup& backup, const Envelope& envelope, const BackupKeys& keys,
                     const QByteArray& shaFileText);

// The associated data of object `index` of `metadata` (a backup's own list).
ObjectBinding objectBinding(const Backup& backup, const BackupMetadata& metadata, qsizetype index);

// A block's entry of `_sha256file`: SHA-256, or its MAC when `mac` is set.
inline Sha256 blockDigest(const BlockMac* mac, const char* data, size_t length)
{
    Sha256 digest{};
    if (mac)
        mac->compute(data, length, digest.data());
    else
        Digest::sha256Raw(data, length, digest.data());
    return digest;
}

// A decrypted object's stream: stored bytes are fed in, plaintext goes to
// `sink` (the decoder). A failure of the sink (undecodable or mismatching
// data, which tampering produces) is held until the tag is checked, so that
// an object that does not authenticate is reported as such.
class DecryptingFeed
{
public:
    using Sink = std::function<void(const char* data, size_t length)>;
    DecryptingFeed(const QByteArray& dataKey, const ObjectBinding& binding, Sink sink);
    void feed(const char* data, size_t length);
    // Checks the tag (SealBroken "object X (volume offset N) of backup B does
    // not authenticate: ..."), then rethrows a held sink failure.
    void finish();

private:
    ObjectDecryptor m_decryptor;
    ObjectBinding m_binding;
    Sink m_sink;
    std::exception_ptr m_sinkFailure;
};

// A piece of a data object being written: `length` raw bytes at volume
// offset `offset`, in `raw` or, when `zero`, all zeros (`raw` left empty);
// `encoded` holds them encoded when the object's encoder encodes pieces.
struct ObjectPiece
{
    qint64 offset = 0;
    qint64 length = 0;
    bool zero = false;
    QByteArray raw;
    EncodedPiece encoded;
};

// Starts making the piece [offset, offset + length), encoded with
// `pieceEncoder` unless it is null, and returns its future.
using PieceMaker = std::function<std::future<ObjectPiece>(qint64 offset, qint64 length,
                                                          const ObjectEncoder* pieceEncoder)>;

using LogCategory = const QLoggingCategory& (*)();

// Where and how data objects are written: pieces of `pieceSize` bytes are
// made up to `windowSize` ahead of the store pulling them. `piecesFor` gives
// the piece maker for one write of an extent; what it needs (such as open
// source streams) lives as long as that maker, one write.
struct ObjectWriter
{
    ObjectStore& store;
    OperationControl& control;
    WorkerPool& pool;
    const QString& container;
    const QString& zlibEngine;
    qint64 pieceSize = 0;
    size_t windowSize = 0;
    std::function<PieceMaker(const Extent& extent)> piecesFor;
    LogCategory logCategory = nullptr;
    // Encryption at rest: the encryptor of object `name` holding `extent`
    // compressed as `compressionTag` (its binding names the tag); unset or
    // returning null = stored in the clear.
    std::function<std::unique_ptr<ObjectEncryptor>(const QString& name, const Extent& extent,
                                                   const QString& compressionTag)>
        encryptorFor = {};
};

// ObjectWriter::encryptorFor for the objects of backup `backupId`, sealed
// under `dataKey`: object `name` holding `extent` is number `indexOf(name,
// extent)` of `objectCount`.
using ObjectEncryptorFactory = std::function<std::unique_ptr<ObjectEncryptor>(
    const QString& name, const Extent& extent, const QString& compressionTag)>;
ObjectEncryptorFactory
sealingEncryptors(const QByteArray& dataKey, const QString& backupId, qint64 objectCount,
                  std::function<qint64(const QString& name, const Extent& extent)> indexOf);

// Streams one object: at most `windowSize` pieces are in memory. Its MD5 is
// of the raw bytes (empty when encrypted); `storedLength` is what the store
// received (with an encrypted object's nonce and tag).
ObjectEntry writeObject(const ObjectWriter& writer, const Extent& extent, const QString& name,
                        const CompressionChoice& choice, bool countProgress, qint64& storedLength);

// Runs `attempt` until it does not throw TransientError, as the store's retry
// policy allows, logging each retry of object `name`; progress is counted on
// the first attempt only.
ObjectEntry retryObject(const ObjectWriter& writer, const QString& name,
                        const std::function<ObjectEntry(bool countProgress)>& attempt);

// Writes `extent` with `choice`, stored raw and tagged "none" instead (as
// Cinder does) when compressing did not shrink it, with retries; adds what
// was stored to `storedBytes`.
ObjectEntry writeObjectWithRetries(const ObjectWriter& writer, const Extent& extent,
                                   const QString& name, const CompressionChoice& choice,
                                   std::atomic<qint64>& storedBytes);

} // namespace ember::chunked
