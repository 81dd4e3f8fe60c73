// Compression as Cinder names and reads it (reference §2.5): zlib/gzip are a
// zlib (RFC 1950) stream, bz2/bzip2 a bzip2 stream, zstd a zstd frame.
//
// To use every core on one object, zlib and bzip2 objects are built from
// independently compressed pieces, as pigz does: zlib pieces are raw deflate
// blocks ending in a full flush, joined under one header and one Adler-32
// trailer; bzip2 pieces are whole bzip2 streams, which Python's bz2 module
// and our decoder read back to back. zstd objects are one frame (python-zstd
// cannot read several), compressed by libzstd's own worker threads.
#pragma once

#include "records.h"

#include <QByteArray>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace ember {

enum class Codec
{
    None,
    Zlib,
    Bz2,
    Zstd
};

// The configured algorithm and the tag written for objects it shrank: the
// configured name lower-cased, as Cinder writes it ("gzip" stays "gzip").
struct CompressionChoice
{
    Codec codec = Codec::None;
    QString tag = QStringLiteral("none");
};
// Accepts none/off/no/zlib/gzip/bz2/bzip2/zstd, case-insensitive.
CompressionChoice parseCompression(const QString& configured);
// The codec an object's tag asks for; throws Error for unknown tags.
Codec codecForTag(const QString& tag);

struct EncodedPiece
{
    QByteArray bytes;
    quint32 adler = 1; // zlib: Adler-32 of the piece's raw bytes
    qint64 rawLength = 0;
};

// Builds one object's compressed stream.
class ObjectEncoder
{
public:
    virtual ~ObjectEncoder() = default;
    // True when pieces may be encoded in parallel with encodePiece() and
    // joined with appendEncoded(); false when raw bytes go to appendRaw().
    virtual bool encodesPieces() const = 0;
    // Thread-safe, stateless.
    virtual EncodedPiece encodePiece(const char* data, size_t length) const;
    virtual void appendEncoded(const EncodedPiece& piece, QByteArray& out);
    virtual void appendRaw(const char* data, size_t length, QByteArray& out);
    // The stream's header is emitted by the first append; finish adds the trailer.
    virtual void finish(QByteArray& out) = 0;
};

// `zlibEngine` is "isal" or "zlib"; `objectLength` lets zstd record the frame's
// content size; `threads` is how many workers zstd may use.
std::unique_ptr<ObjectEncoder> makeEncoder(Codec codec, const QString& zlibEngine,
                                           qint64 objectLength, int threads);

// Decodes one object's stream as it arrives; `finish` throws if it was cut short.
class StreamDecoder
{
public:
    using Sink = std::function<void(const char* data, size_t length)>;
    virtual ~StreamDecoder() = default;
    virtual void feed(const char* data, size_t length, const Sink& sink) = 0;
    virtual void finish() = 0;
};
// With `maxOutput` >= 0 the decoder throws DecodedTooLong as soon as the
// output would pass that many bytes (a decompression bomb stops early,
// without producing or holding the rest).
std::unique_ptr<StreamDecoder> makeDecoder(Codec codec, qint64 maxOutput = -1);

// ---- parallel decoding of one object (restore)
//
// Ember's zlib objects are raw-deflate pieces each ending in a full flush (the
// sync marker 00 00 FF FF, no history across it); its bzip2 objects are whole
// bzip2 streams back to back ("BZh" + block magic). The parallel decoder finds
// those boundaries in the arriving bytes (the piece index, rebuilt on the fly:
// nothing is stored beside the object, so Cinder sees nothing new), decodes
// the segments between them on the pool, and delivers the output in order.
// A candidate boundary is trusted only when the segment before it decoded
// cleanly and ended exactly there at a block boundary, and a segment that
// needs history (a sync flush, not a full one) is decoded again with the
// preceding 32 KiB as its dictionary: the output is byte for byte what the
// sequential decoder gives, for Cinder's single-stream objects too (they
// simply have no boundaries and decode as one segment). zlib's Adler-32
// trailer is checked over the whole output. zstd and none decode
// sequentially. Memory: at most `maxBufferedBytes` of compressed plus decoded
// segment bytes are held (a segment whose output would exceed its share is
// decoded sequentially, streaming).
class WorkerPool;

struct ParallelDecodeStats
{
    std::atomic<qint64> segments{0};    // segments delivered
    std::atomic<qint64> independent{0}; // decoded on the pool without a dictionary
    std::atomic<qint64> redone{0};      // decoded again (with dictionary, or merged)
    // Compressed bytes decoded on the feeding thread (redone segments, and
    // stretches without boundaries such as Cinder's single-stream objects).
    std::atomic<qint64> streamedBytes{0};
    // The most compressed plus decoded bytes held at once (a pooled segment's
    // output counted at its cap); stays within maxBufferedBytes.
    std::atomic<qint64> maxBufferedBytes{0};
};

struct ParallelDecodeOptions
{
    WorkerPool* pool = nullptr; // required: runs the segment decodes
    size_t maxBufferedBytes = size_t(64) << 20;
    // Compressed bytes per segment, at least; less only when the data
    // compresses so well that such a segment's output would not fit its share.
    size_t minSegmentBytes = size_t(256) << 10;
    // Called (on any thread) for each decoded segment: raw bytes out, busy time.
    std::function<void(qint64 rawBytes, qint64 busyNs)> onDecoded = {};
    ParallelDecodeStats* stats = nullptr; // optional (tests, logs)
    // zlib: false leaves the stream's Adler-32 unchecked (and uncomputed),
    // for callers that check every decoded byte with a stronger hash (the
    // object's MD5). Sequential fallbacks (other tools' headers) still check it.
    bool checkAdler32 = true;
};

// A StreamDecoder that decodes on `options.pool`. The sink given to feed()
// must be the same on every call and stay valid until finish(), which
// delivers what remains to it; output reaches the sink on the calling thread,
// in order. `maxOutput` as for makeDecoder.
std::unique_ptr<StreamDecoder> makeParallelDecoder(Codec codec, qint64 maxOutput,
                                                   const ParallelDecodeOptions& options);

class DecodedTooLong : public Error
{
public:
    using Error::Error;
};

// One-shot helpers (tests, small objects).
QByteArray compressWhole(Codec codec, const QByteArray& data,
                         const QString& zlibEngine = QStringLiteral("zlib"));
QByteArray decompressWhole(Codec codec, const QByteArray& data, qint64 maxOutput = -1);

} // namespace ember
