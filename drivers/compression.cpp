#include "compression.h"

#include "records.h"
#include "workerpool.h"

#include <QtEndian>

#include <bzlib.h>
#include <isa-l.h>
#include <zlib.h>
#include <zstd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <optional>
#include <vector>

namespace ember {

CompressionChoice parseCompression(const QString& configured)
{
    const QString name = configured.trimmed().toLower();
    if (name.isEmpty() || name == QLatin1String("none") || name == QLatin1String("off") ||
        name == QLatin1String("no"))
        return {Codec::None, QStringLiteral("none")};
    if (name == QLatin1String("zlib") || name == QLatin1String("gzip"))
        return {Codec::Zlib, name};
    if (name == QLatin1String("bz2") || name == QLatin1String("bzip2"))
        return {Codec::Bz2, name};
    if (name == QLatin1String("zstd"))
        return {Codec::Zstd, name};
    throw Error(QStringLiteral("unknown compression algorithm '%1' (use none, zlib, gzip, bz2, "
                               "bzip2 or zstd)")
                    .arg(configured));
}

Codec codecForTag(const QString& tag)
{
    const QString name = tag.toLower();
    if (name == QLatin1String("none") || name == QLatin1String("off") ||
        name == QLatin1String("no"))
        return Codec::None;
    if (name == QLatin1String("zlib") || name == QLatin1String("gzip"))
        return Codec::Zlib;
    if (name == QLatin1String("bz2") || name == QLatin1String("bzip2"))
        return Codec::Bz2;
    if (name == QLatin1String("zstd"))
        return Codec::Zstd;
    throw Error(QStringLiteral("object compressed with unsupported algorithm '%1'").arg(tag));
}

EncodedPiece ObjectEncoder::encodePiece(const char*, size_t) const
{
    throw std::logic_error("encodePiece on a sequential encoder");
}

void ObjectEncoder::appendEncoded(const EncodedPiece&, QByteArray&)
{
    throw std::logic_error("appendEncoded on a sequential encoder");
}

void ObjectEncoder::appendRaw(const char*, size_t, QByteArray&)
{
    throw std::logic_error("appendRaw on a piece encoder");
}

namespace {

class PlainEncoder : public ObjectEncoder
{
public:
    bool encodesPieces() const override { return false; }
    void appendRaw(const char* data, size_t length, QByteArray& out) override
    {
        out.append(data, qsizetype(length));
    }
    void finish(QByteArray&) override {}
};

// A zlib stream made of raw-deflate pieces: header, pieces (each ending with
// a full flush so it depends on nothing before it), an empty final block and
// the Adler-32 of all raw bytes.
class ZlibPieceEncoder : public ObjectEncoder
{
public:
    explicit ZlibPieceEncoder(bool useIsal) : m_useIsal(useIsal) {}
    bool encodesPieces() const override { return true; }

    EncodedPiece encodePiece(const char* data, size_t length) const override
    {
        EncodedPiece piece;
        piece.rawLength = qint64(length);
        piece.adler = isal_adler32(1, reinterpret_cast<const unsigned char*>(data), length);
        if (m_useIsal)
            encodeIsal(data, length, piece.bytes);
        else
            encodeZlib(data, length, piece.bytes);
        return piece;
    }

    void appendEncoded(const EncodedPiece& piece, QByteArray& out) override
    {
        writeHeaderOnce(out);
        out.append(piece.bytes);
        m_adler = m_rawLength == 0
                      ? piece.adler
                      : quint32(adler32_combine(m_adler, piece.adler, piece.rawLength));
        m_rawLength += piece.rawLength;
    }

    void finish(QByteArray& out) override
    {
        writeHeaderOnce(out);
        // A final, empty block with fixed Huffman codes: BFINAL=1, BTYPE=01, end-of-block.
        out.append('\x03');
        out.append('\x00');
        const quint32 adler = m_rawLength == 0 ? 1 : m_adler;
        const char trailer[4] = {char(adler >> 24), char(adler >> 16), char(adler >> 8),
                                 char(adler)};
        out.append(trailer, 4);
    }

private:
    void writeHeaderOnce(QByteArray& out)
    {
        if (m_headerWritten)
            return;
        // CMF 0x78: deflate, 32 KiB window; FLG 0x9c: default level, no dictionary.
        out.append('\x78');
        out.append('\x9c');
        m_headerWritten = true;
    }

    // Random-looking data (encrypted or already compressed files) does not
    // shrink, yet deflating it costs as much as deflating text: a piece whose
    // samples spread over it all fail to shrink is stored as it is (what
    // deflate itself falls back to for such data, in stored blocks).
    static bool looksIncompressible(const char* data, size_t length)
    {
        constexpr size_t kSample = 8192;
        constexpr int kSamples = 4;
        if (length < 16 * kSample)
            return false;
        thread_local std::vector<uint8_t> levelBuffer(ISAL_DEF_LVL1_DEFAULT);
        thread_local std::vector<uint8_t> sampleOut(2 * kSample + 1024);
        for (int i = 0; i < kSamples; ++i) {
            const size_t at = (length - kSample) / (kSamples - 1) * size_t(i);
            isal_zstream stream;
            isal_deflate_stateless_init(&stream);
            stream.level = 1;
            stream.level_buf = levelBuffer.data();
            stream.level_buf_size = uint32_t(levelBuffer.size());
            stream.flush = FULL_FLUSH;
            stream.gzip_flag = IGZIP_DEFLATE;
            stream.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data + at));
            stream.avail_in = uint32_t(kSample);
            stream.next_out = sampleOut.data();
            stream.avail_out = uint32_t(sampleOut.size());
            if (isal_deflate_stateless(&stream) != COMP_OK || stream.avail_in != 0)
                return false;
            if (stream.total_out < kSample - kSample / 64)
                return false; // it shrinks by more than ~1.5 %
        }
        return true;
    }

    // Raw deflate stored blocks (at most 65535 bytes each) ending with the
    // empty stored block of a full flush, as a deflated piece ends.
    static void appendStored(const char* data, size_t length, QByteArray& out)
    {
        constexpr size_t kMaxStored = 65535;
        const size_t blocks = (length + kMaxStored - 1) / kMaxStored + 1;
        const qsizetype start = out.size();
        out.resize(start + qsizetype(length + blocks * 5));
        char* to = out.data() + start;
        auto header = [&to](size_t count) {
            const quint16 len = quint16(count);
            const quint16 nlen = quint16(~len);
            *to++ = 0; // BFINAL 0, BTYPE 00 (stored), padded to the byte
            *to++ = char(len & 0xff);
            *to++ = char(len >> 8);
            *to++ = char(nlen & 0xff);
            *to++ = char(nlen >> 8);
        };
        for (size_t at = 0; at < length; at += kMaxStored) {
            const size_t count = std::min(kMaxStored, length - at);
            header(count);
            std::memcpy(to, data + at, count);
            to += count;
        }
        header(0);
    }

    static void encodeIsal(const char* data, size_t length, QByteArray& out)
    {
        if (looksIncompressible(data, length)) {
            out.resize(0);
            appendStored(data, length, out);
            return;
        }
        thread_local std::vector<uint8_t> levelBuffer(ISAL_DEF_LVL1_DEFAULT);
        isal_zstream stream;
        isal_deflate_stateless_init(&stream);
        stream.level = 1;
        stream.level_buf = levelBuffer.data();
        stream.level_buf_size = uint32_t(levelBuffer.size());
        stream.end_of_stream = 0;
        stream.flush = FULL_FLUSH;
        stream.gzip_flag = IGZIP_DEFLATE;
        out.resize(qsizetype(length + length / 16 + 1024));
        stream.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data));
        stream.avail_in = uint32_t(length);
        stream.next_out = reinterpret_cast<uint8_t*>(out.data());
        stream.avail_out = uint32_t(out.size());
        const int result = isal_deflate_stateless(&stream);
        if (result != COMP_OK || stream.avail_in != 0)
            throw Error(QStringLiteral("ISA-L compression failed (code %1)").arg(result));
        out.resize(qsizetype(stream.total_out));
    }

    static void encodeZlib(const char* data, size_t length, QByteArray& out)
    {
        z_stream stream{};
        // Cinder's zlib.compress level 6; raw deflate (-15) so pieces can be joined.
        if (deflateInit2(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw Error(QStringLiteral("zlib could not start compressing"));
        out.resize(qsizetype(deflateBound(&stream, uLong(length)) + 64));
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
        stream.avail_in = uInt(length);
        stream.next_out = reinterpret_cast<Bytef*>(out.data());
        stream.avail_out = uInt(out.size());
        const int result = deflate(&stream, Z_FULL_FLUSH);
        const uLong produced = stream.total_out;
        deflateEnd(&stream);
        if (result != Z_OK || stream.avail_in != 0)
            throw Error(QStringLiteral("zlib compression failed (code %1)").arg(result));
        out.resize(qsizetype(produced));
    }

    bool m_useIsal;
    bool m_headerWritten = false;
    quint32 m_adler = 1;
    qint64 m_rawLength = 0;
};

// bzip2 at Cinder's level 9; each piece is a whole stream.
class Bz2PieceEncoder : public ObjectEncoder
{
public:
    bool encodesPieces() const override { return true; }
    EncodedPiece encodePiece(const char* data, size_t length) const override
    {
        EncodedPiece piece;
        piece.rawLength = qint64(length);
        piece.bytes.resize(qsizetype(length + length / 100 + 600));
        unsigned int produced = unsigned(piece.bytes.size());
        const int result = BZ2_bzBuffToBuffCompress(
            piece.bytes.data(), &produced, const_cast<char*>(data), unsigned(length), 9, 0, 0);
        if (result != BZ_OK)
            throw Error(QStringLiteral("bzip2 compression failed (code %1)").arg(result));
        piece.bytes.resize(qsizetype(produced));
        return piece;
    }
    void appendEncoded(const EncodedPiece& piece, QByteArray& out) override
    {
        out.append(piece.bytes);
    }
    void finish(QByteArray&) override {}
};

// zstd at Cinder's level 3, one frame with its content size, so python-zstd
// (which sizes its output from the frame header) reads it.
class ZstdEncoder : public ObjectEncoder
{
public:
    ZstdEncoder(qint64 objectLength, int threads) : m_context(ZSTD_createCCtx())
    {
        ZSTD_CCtx_setParameter(m_context, ZSTD_c_compressionLevel, 3);
        ZSTD_CCtx_setParameter(m_context, ZSTD_c_checksumFlag, 0);
        if (threads > 1)
            ZSTD_CCtx_setParameter(m_context, ZSTD_c_nbWorkers, threads);
        ZSTD_CCtx_setPledgedSrcSize(m_context, (unsigned long long)objectLength);
    }
    ~ZstdEncoder() override { ZSTD_freeCCtx(m_context); }
    bool encodesPieces() const override { return false; }
    void appendRaw(const char* data, size_t length, QByteArray& out) override
    {
        ZSTD_inBuffer input{data, length, 0};
        run(input, ZSTD_e_continue, out);
    }
    void finish(QByteArray& out) override
    {
        ZSTD_inBuffer input{nullptr, 0, 0};
        run(input, ZSTD_e_end, out);
    }

private:
    void run(ZSTD_inBuffer& input, ZSTD_EndDirective mode, QByteArray& out)
    {
        for (;;) {
            const qsizetype start = out.size();
            out.resize(start + qsizetype(ZSTD_CStreamOutSize()));
            ZSTD_outBuffer output{out.data() + start, size_t(ZSTD_CStreamOutSize()), 0};
            const size_t remaining = ZSTD_compressStream2(m_context, &output, &input, mode);
            out.resize(start + qsizetype(output.pos));
            if (ZSTD_isError(remaining))
                throw Error(QStringLiteral("zstd compression failed: %1")
                                .arg(QString::fromUtf8(ZSTD_getErrorName(remaining))));
            const bool done = mode == ZSTD_e_end ? remaining == 0 : input.pos == input.size;
            if (done)
                return;
        }
    }
    ZSTD_CCtx* m_context;
};

class PlainDecoder : public StreamDecoder
{
public:
    void feed(const char* data, size_t length, const Sink& sink) override { sink(data, length); }
    void finish() override {}
};

// zlib streams through ISA-L's inflate (several times zlib's speed); it
// checks the header and the Adler-32 trailer itself.
class ZlibDecoder : public StreamDecoder
{
public:
    ZlibDecoder() : m_output(1 << 20)
    {
        isal_inflate_init(&m_state);
        m_state.crc_flag = ISAL_ZLIB;
    }
    void feed(const char* data, size_t length, const Sink& sink) override
    {
        m_state.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data));
        m_state.avail_in = uint32_t(length);
        while (m_state.avail_in > 0 || m_outputFull) {
            if (m_state.block_state == ISAL_BLOCK_FINISH) {
                if (m_state.avail_in > 0)
                    throw Error(QStringLiteral("data after the end of the zlib stream"));
                return;
            }
            m_state.next_out = m_output.data();
            m_state.avail_out = uint32_t(m_output.size());
            const int result = isal_inflate(&m_state);
            if (result != ISAL_DECOMP_OK)
                throw Error(QStringLiteral("corrupt zlib data (inflate error %1)").arg(result));
            const size_t produced = m_output.size() - m_state.avail_out;
            m_outputFull = m_state.avail_out == 0;
            if (produced > 0)
                sink(reinterpret_cast<const char*>(m_output.data()), produced);
            if (produced == 0 && m_state.avail_in == 0)
                m_outputFull = false;
        }
    }
    void finish() override
    {
        if (m_state.block_state != ISAL_BLOCK_FINISH)
            throw Error(QStringLiteral("the zlib stream is cut short"));
    }

private:
    inflate_state m_state;
    std::vector<uint8_t> m_output;
    bool m_outputFull = false;
};

// Reads concatenated bzip2 streams, as Python's bz2.decompress does.
class Bz2Decoder : public StreamDecoder
{
public:
    Bz2Decoder() : m_output(1 << 20) { start(); }
    ~Bz2Decoder() override { BZ2_bzDecompressEnd(&m_stream); }
    void feed(const char* data, size_t length, const Sink& sink) override
    {
        m_stream.next_in = const_cast<char*>(data);
        m_stream.avail_in = unsigned(length);
        while (m_stream.avail_in > 0) {
            if (m_ended) {
                BZ2_bzDecompressEnd(&m_stream);
                const char* next = m_stream.next_in;
                const unsigned left = m_stream.avail_in;
                start();
                m_stream.next_in = const_cast<char*>(next);
                m_stream.avail_in = left;
            }
            m_stream.next_out = m_output.data();
            m_stream.avail_out = unsigned(m_output.size());
            const int result = BZ2_bzDecompress(&m_stream);
            if (result != BZ_OK && result != BZ_STREAM_END)
                throw Error(QStringLiteral("corrupt bzip2 data (error %1)").arg(result));
            const size_t produced = m_output.size() - m_stream.avail_out;
            if (produced > 0)
                sink(m_output.data(), produced);
            m_ended = result == BZ_STREAM_END;
            m_sawStream = true;
        }
    }
    void finish() override
    {
        if (!m_ended && m_sawStream)
            throw Error(QStringLiteral("the bzip2 stream is cut short"));
        if (!m_sawStream)
            throw Error(QStringLiteral("empty bzip2 object"));
    }

private:
    void start()
    {
        m_stream = bz_stream{};
        if (BZ2_bzDecompressInit(&m_stream, 0, 0) != BZ_OK)
            throw Error(QStringLiteral("bzip2 could not start decompressing"));
        m_ended = false;
    }
    bz_stream m_stream{};
    std::vector<char> m_output;
    bool m_ended = false;
    bool m_sawStream = false;
};

class ZstdDecoder : public StreamDecoder
{
public:
    ZstdDecoder() : m_context(ZSTD_createDCtx()), m_output(ZSTD_DStreamOutSize()) {}
    ~ZstdDecoder() override { ZSTD_freeDCtx(m_context); }
    void feed(const char* data, size_t length, const Sink& sink) override
    {
        // Only zstd 1.x frames: libzstd would also decode its legacy 0.x
        // formats, which no writer of Cinder's format produces and whose
        // decoders treat a stream differently depending on how it is split.
        while (m_magicSeen < sizeof kZstdMagic && length > 0) {
            if (static_cast<unsigned char>(*data) != kZstdMagic[m_magicSeen])
                throw Error(QStringLiteral("corrupt zstd data: not a zstd frame"));
            ++m_magicSeen;
            ZSTD_inBuffer magic{data, 1, 0};
            ZSTD_outBuffer none{m_output.data(), m_output.size(), 0};
            const size_t result = ZSTD_decompressStream(m_context, &none, &magic);
            if (ZSTD_isError(result))
                throw Error(QStringLiteral("corrupt zstd data: %1")
                                .arg(QString::fromUtf8(ZSTD_getErrorName(result))));
            ++data;
            --length;
        }
        ZSTD_inBuffer input{data, length, 0};
        while (input.pos < input.size || m_mayHaveMore) {
            ZSTD_outBuffer output{m_output.data(), m_output.size(), 0};
            const size_t consumedBefore = input.pos;
            const size_t result = ZSTD_decompressStream(m_context, &output, &input);
            if (ZSTD_isError(result))
                throw Error(QStringLiteral("corrupt zstd data: %1")
                                .arg(QString::fromUtf8(ZSTD_getErrorName(result))));
            if (output.pos > 0)
                sink(m_output.data(), output.pos);
            // A call that moved nothing says nothing about the frame's end.
            if (input.pos != consumedBefore || output.pos > 0)
                m_frameComplete = result == 0;
            m_mayHaveMore = output.pos == output.size;
            if (input.pos == input.size && !m_mayHaveMore)
                break;
        }
    }
    void finish() override
    {
        if (!m_frameComplete)
            throw Error(QStringLiteral("the zstd frame is cut short"));
    }

private:
    static constexpr unsigned char kZstdMagic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    size_t m_magicSeen = 0;
    ZSTD_DCtx* m_context;
    std::vector<char> m_output;
    bool m_frameComplete = false;
    bool m_mayHaveMore = false;
};

// Passes output on until it would exceed `limit` bytes, then throws.
class LimitedDecoder : public StreamDecoder
{
public:
    LimitedDecoder(std::unique_ptr<StreamDecoder> inner, qint64 limit, bool compressed)
        : m_inner(std::move(inner)), m_limit(limit), m_compressed(compressed)
    {
    }
    void feed(const char* data, size_t length, const Sink& sink) override
    {
        m_inner->feed(data, length, [&](const char* bytes, size_t count) {
            if (qint64(count) > m_limit - m_produced)
                throw DecodedTooLong(
                    (m_compressed
                         ? QStringLiteral("it inflates beyond its recorded length of %1 bytes")
                         : QStringLiteral("it is longer than its recorded length of %1 bytes"))
                        .arg(m_limit));
            m_produced += qint64(count);
            sink(bytes, count);
        });
    }
    void finish() override { m_inner->finish(); }

private:
    std::unique_ptr<StreamDecoder> m_inner;
    qint64 m_limit;
    bool m_compressed;
    qint64 m_produced = 0;
};

std::unique_ptr<StreamDecoder> makeUnlimitedDecoder(Codec codec)
{
    switch (codec) {
    case Codec::None:
        return std::make_unique<PlainDecoder>();
    case Codec::Zlib:
        return std::make_unique<ZlibDecoder>();
    case Codec::Bz2:
        return std::make_unique<Bz2Decoder>();
    case Codec::Zstd:
        return std::make_unique<ZstdDecoder>();
    }
    throw std::logic_error("unknown codec");
}

} // namespace

std::unique_ptr<ObjectEncoder> makeEncoder(Codec codec, const QString& zlibEngine,
                                           qint64 objectLength, int threads)
{
    switch (codec) {
    case Codec::None:
        return std::make_unique<PlainEncoder>();
    case Codec::Zlib:
        return std::make_unique<ZlibPieceEncoder>(zlibEngine != QLatin1String("zlib"));
    case Codec::Bz2:
        return std::make_unique<Bz2PieceEncoder>();
    case Codec::Zstd:
        return std::make_unique<ZstdEncoder>(objectLength, threads);
    }
    throw std::logic_error("unknown codec");
}

std::unique_ptr<StreamDecoder> makeDecoder(Codec codec, qint64 maxOutput)
{
    auto decoder = makeUnlimitedDecoder(codec);
    if (maxOutput < 0)
        return decoder;
    return std::make_unique<LimitedDecoder>(std::move(decoder), maxOutput, codec != Codec::None);
}

QByteArray compressWhole(Codec codec, const QByteArray& data, const QString& zlibEngine)
{
    auto encoder = makeEncoder(codec, zlibEngine, data.size(), 1);
    QByteArray out;
    if (encoder->encodesPieces()) {
        if (!data.isEmpty())
            encoder->appendEncoded(encoder->encodePiece(data.constData(), size_t(data.size())),
                                   out);
    } else {
        encoder->appendRaw(data.constData(), size_t(data.size()), out);
    }
    encoder->finish(out);
    return out;
}

QByteArray decompressWhole(Codec codec, const QByteArray& data, qint64 maxOutput)
{
    auto decoder = makeDecoder(codec, maxOutput);
    QByteArray out;
    decoder->feed(data.constData(), size_t(data.size()), [&out](const char* bytes, size_t length) {
        out.append(bytes, qsizetype(length));
    });
    decoder->finish();
    return out;
}

// ---- parallel decoding of one object
//
// The stream is cut at candidate boundaries into segments; each segment is
// decoded alone on the pool, and its result is trusted only when it started at
// a true boundary (the previous one was trusted, or the stream's start) and
// ended exactly at its end at a block (zlib) or stream (bzip2) boundary.
// Anything else goes through a sequential "streamer" on the feeding thread,
// which carries the history across and is exactly the sequential decoder
// from that point on; it hands back to the pool as soon as it stands at a
// boundary with all its input consumed.
namespace {

using Clock = std::chrono::steady_clock;

qint64 nanosecondsSince(Clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

constexpr size_t kHistoryBytes = 32768;

// What a segment decoded alone on the pool gives.
struct SegmentResult
{
    enum Kind
    {
        Clean, // ended exactly at its end, at a boundary
        Final, // zlib: the last block ended inside; `leftover` follows it
        Redo   // failed, overflowed its cap or stopped inside a block/stream
    };
    Kind kind = Redo;
    std::unique_ptr<char[]> output;
    size_t outputLength = 0;
    quint32 adler = 1;
    QByteArray leftover;
    qint64 busyNs = 0;
};

// zlib (ISA-L): the deflate stream stands between blocks with nothing
// buffered. ISA-L reports ISAL_BLOCK_HDR (with no saved header bytes) instead
// of ISAL_BLOCK_NEW_HDR when its input ran out just there.
bool inflateAtBlockBoundary(const inflate_state& state)
{
    const bool betweenBlocks = state.block_state == ISAL_BLOCK_NEW_HDR ||
                               (state.block_state == ISAL_BLOCK_HDR && state.tmp_in_size == 0);
    return betweenBlocks && state.read_in_length == 0 && state.avail_in == 0 && state.bfinal == 0 &&
           state.copy_overflow_length == 0 && state.write_overflow_len == 0;
}

// After the final block, ISA-L's raw mode keeps the bytes that follow it in
// its bit buffer: whole bytes above the padding bits, then what it has not read.
QByteArray bytesAfterDeflateEnd(const inflate_state& state)
{
    QByteArray after;
    const int wholeBytes = state.read_in_length / 8;
    const uint64_t bits = state.read_in >> (state.read_in_length % 8);
    for (int i = 0; i < wholeBytes; ++i)
        after.append(char((bits >> (8 * i)) & 0xff));
    after.append(reinterpret_cast<const char*>(state.next_in), qsizetype(state.avail_in));
    return after;
}

SegmentResult inflateSegment(const QByteArray& compressed, size_t outputCap, bool withAdler32)
{
    const Clock::time_point start = Clock::now();
    SegmentResult result;
    auto state = std::make_unique<inflate_state>();
    isal_inflate_init(state.get());
    state->crc_flag = IGZIP_DEFLATE;
    result.output.reset(new char[std::max<size_t>(outputCap, 1)]);
    state->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(compressed.constData()));
    state->avail_in = uint32_t(compressed.size());
    state->next_out = reinterpret_cast<uint8_t*>(result.output.get());
    state->avail_out = uint32_t(outputCap);
    const int code = isal_inflate(state.get());
    result.outputLength = outputCap - state->avail_out;
    if (code == ISAL_DECOMP_OK && state->avail_out > 0) {
        if (state->block_state == ISAL_BLOCK_FINISH) {
            result.kind = SegmentResult::Final;
            result.leftover = bytesAfterDeflateEnd(*state);
        } else if (inflateAtBlockBoundary(*state)) {
            result.kind = SegmentResult::Clean;
        }
    }
    if (result.kind != SegmentResult::Redo) {
        if (withAdler32)
            result.adler =
                isal_adler32(1, reinterpret_cast<const unsigned char*>(result.output.get()),
                             result.outputLength);
    } else
        result.output.reset();
    result.busyNs = nanosecondsSince(start);
    return result;
}

// The first zlib sync marker (00 00 FF FF) in [data, data + length), or
// null. glibc's memmem ran at about 2 GB/s on this pattern; comparing 16
// positions at a time is several times faster, which matters as every
// compressed byte of a restore is searched.
const char* findSyncMarker(const char* data, size_t length)
{
    static const char marker[4] = {'\0', '\0', '\xff', '\xff'};
    size_t at = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    const __m128i ones = _mm_set1_epi8(char(0xff));
    for (; at + 19 <= length; at += 16) {
        const auto load = [&](size_t offset) {
            return _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at + offset));
        };
        const __m128i hit = _mm_and_si128(
            _mm_and_si128(_mm_cmpeq_epi8(load(0), zero), _mm_cmpeq_epi8(load(1), zero)),
            _mm_and_si128(_mm_cmpeq_epi8(load(2), ones), _mm_cmpeq_epi8(load(3), ones)));
        if (const int mask = _mm_movemask_epi8(hit))
            return data + at + size_t(__builtin_ctz(unsigned(mask)));
    }
#endif
    if (at >= length)
        return nullptr;
    return static_cast<const char*>(memmem(data + at, length - at, marker, 4));
}

// bzip2: whole streams, the last ending exactly at the segment's end.
SegmentResult bunzipSegment(const QByteArray& compressed, size_t outputCap)
{
    const Clock::time_point start = Clock::now();
    SegmentResult result;
    result.output.reset(new char[std::max<size_t>(outputCap, 1)]);
    bz_stream stream{};
    bool open = false;
    const char* next = compressed.constData();
    unsigned left = unsigned(compressed.size());
    size_t produced = 0;
    for (;;) {
        if (!open) {
            stream = bz_stream{};
            if (BZ2_bzDecompressInit(&stream, 0, 0) != BZ_OK)
                break;
            open = true;
        }
        stream.next_in = const_cast<char*>(next);
        stream.avail_in = left;
        stream.next_out = result.output.get() + produced;
        stream.avail_out = unsigned(outputCap - produced);
        const int code = BZ2_bzDecompress(&stream);
        const size_t madeNow = size_t(stream.next_out - (result.output.get() + produced));
        produced += madeNow;
        const bool consumedSome = stream.next_in != next;
        next = stream.next_in;
        left = stream.avail_in;
        if (code == BZ_STREAM_END) {
            BZ2_bzDecompressEnd(&stream);
            open = false;
            if (left == 0) {
                result.kind = SegmentResult::Clean;
                break;
            }
            continue;
        }
        if (code != BZ_OK || produced == outputCap || (!consumedSome && madeNow == 0))
            break;
    }
    if (open)
        BZ2_bzDecompressEnd(&stream);
    result.outputLength = produced;
    if (result.kind == SegmentResult::Redo)
        result.output.reset();
    result.busyNs = nanosecondsSince(start);
    return result;
}

QString tooLongMessage(qint64 limit)
{
    return QStringLiteral("it inflates beyond its recorded length of %1 bytes").arg(limit);
}

// none and zstd (and zlib with a header Ember does not write): the sequential
// decoder, reporting its output and the time spent decoding.
class ReportingSequentialDecoder : public StreamDecoder
{
public:
    ReportingSequentialDecoder(std::unique_ptr<StreamDecoder> inner, ParallelDecodeOptions options)
        : m_inner(std::move(inner)), m_options(std::move(options))
    {
    }
    void feed(const char* data, size_t length, const Sink& sink) override
    {
        qint64 produced = 0;
        qint64 sinkNs = 0;
        const Clock::time_point start = Clock::now();
        m_inner->feed(data, length, [&](const char* bytes, size_t count) {
            produced += qint64(count);
            const Clock::time_point sinkStart = Clock::now();
            sink(bytes, count);
            sinkNs += nanosecondsSince(sinkStart);
        });
        if (m_options.stats)
            m_options.stats->streamedBytes += qint64(length);
        if (m_options.onDecoded && (produced > 0 || length > 0))
            m_options.onDecoded(produced, nanosecondsSince(start) - sinkNs);
    }
    void finish() override { m_inner->finish(); }

private:
    std::unique_ptr<StreamDecoder> m_inner;
    ParallelDecodeOptions m_options;
};

class SegmentedDecoder : public StreamDecoder
{
public:
    SegmentedDecoder(Codec codec, qint64 maxOutput, ParallelDecodeOptions options)
        : m_codec(codec), m_maxOutput(maxOutput), m_options(std::move(options))
    {
        if (!m_options.pool)
            throw std::logic_error("makeParallelDecoder needs a worker pool");
        // At most 1 GiB: segment lengths go to ISA-L and libbz2 as 32-bit counts.
        const size_t budget =
            std::clamp<size_t>(m_options.maxBufferedBytes, size_t(1) << 20, size_t(1) << 30);
        m_pendingLimit = budget / 4;
        m_segmentBudget = budget - m_pendingLimit;
        m_maxSegments = size_t(std::max(2, 2 * m_options.pool->size()));
        m_slotBytes = m_segmentBudget / m_maxSegments;
        m_minSegment = std::min(std::max<size_t>(m_options.minSegmentBytes, 1), m_pendingLimit);
    }

    ~SegmentedDecoder() override
    {
        waitForInFlight();
        endStreamer();
    }

    void feed(const char* data, size_t length, const Sink& sink) override
    {
        m_sink = sink;
        guarded([&] {
            if (m_fallback) {
                m_fallback->feed(data, length, sink);
                return;
            }
            m_totalInput += qint64(length);
            if (m_codec == Codec::Zlib && m_header.size() < 2) {
                const size_t take = std::min(length, size_t(2 - m_header.size()));
                m_header.append(data, qsizetype(take));
                data += take;
                length -= take;
                if (m_header.size() < 2)
                    return;
                if (!isEmbersZlibHeader()) {
                    m_fallback = std::make_unique<ReportingSequentialDecoder>(
                        makeDecoder(Codec::Zlib, m_maxOutput), m_options);
                    m_fallback->feed(m_header.constData(), 2, sink);
                    m_fallback->feed(data, length, sink);
                    return;
                }
            }
            while (length > 0) {
                if (m_pendingHead > 0 && size_t(m_pending.size()) >= m_pendingLimit)
                    compactPending();
                const size_t room =
                    m_pendingLimit - std::min(m_pendingLimit, size_t(m_pending.size()));
                const size_t take = std::min(length, std::max<size_t>(room, 1));
                m_pending.append(data, qsizetype(take));
                data += take;
                length -= take;
                noteBuffered();
                processPending(false);
            }
        });
    }

    void finish() override
    {
        guarded([&] {
            if (m_fallback) {
                m_fallback->finish();
                return;
            }
            if (m_codec == Codec::Zlib && m_header.size() < 2)
                throw Error(QStringLiteral("the zlib stream is cut short"));
            processPending(true);
            while (!m_segments.empty())
                deliverFront();
            if (m_codec == Codec::Zlib) {
                if (!m_ended || m_trailer.size() < 4)
                    throw Error(QStringLiteral("the zlib stream is cut short"));
                if (m_options.checkAdler32 &&
                    qFromBigEndian<quint32>(m_trailer.constData()) != m_adler)
                    throw Error(QStringLiteral("corrupt zlib data (inflate error %1)")
                                    .arg(ISAL_INCORRECT_CHECKSUM));
            } else {
                if (m_totalInput == 0)
                    throw Error(QStringLiteral("empty bzip2 object"));
                if (m_streaming)
                    throw Error(QStringLiteral("the bzip2 stream is cut short"));
            }
        });
    }

private:
    struct Segment
    {
        QByteArray compressed;
        size_t charge = 0;
        std::future<SegmentResult> result;
    };

    // Lets pool tasks finish before an exception leaves (they hold nothing of
    // ours, but the caller may tear the pool down next).
    template <typename Work> void guarded(Work work)
    {
        try {
            work();
        } catch (...) {
            waitForInFlight();
            throw;
        }
    }

    void waitForInFlight()
    {
        for (Segment& segment : m_segments)
            if (segment.result.valid())
                segment.result.wait();
    }

    bool isEmbersZlibHeader() const
    {
        const unsigned cmf = uchar(m_header[0]);
        const unsigned flg = uchar(m_header[1]);
        // deflate with a 32 KiB window, a valid check, no preset dictionary
        return cmf == 0x78 && (cmf * 256 + flg) % 31 == 0 && (flg & 0x20) == 0;
    }

    // The next candidate cut in m_pending at or after m_scanPos (a position
    // in m_pending where a segment may end), advancing m_scanPos.
    std::optional<size_t> nextCandidate(bool atEnd)
    {
        const char* bytes = pendingData();
        const size_t size = pendingSize();
        if (m_codec == Codec::Zlib) {
            // A segment is cut at the first candidate past segmentTarget():
            // the bytes before that need no search (a candidate there would
            // only serve as a fallback cut, for streams whose boundaries are
            // further apart than the buffer, and those are streamed anyway).
            const size_t target = segmentTarget();
            if (m_lastCandidate == 0 && target > 4 && m_scanPos + 4 < target)
                m_scanPos = std::min(size >= 3 ? size - 3 : size_t(0), target - 4);
            while (m_scanPos + 4 <= size) {
                const char* found = findSyncMarker(bytes + m_scanPos, size - m_scanPos);
                if (!found)
                    break;
                const size_t at = size_t(found - bytes);
                m_scanPos = at + 1;
                return at + 4;
            }
            m_scanPos = std::max(m_scanPos, size >= 3 ? size - 3 : size_t(0));
            return std::nullopt;
        }
        // bzip2: "BZh" [1-9], then a block's or an empty stream's end magic.
        static const char blockMagic[6] = {'\x31', '\x41', '\x59', '\x26', '\x53', '\x59'};
        static const char endMagic[6] = {'\x17', '\x72', '\x45', '\x38', '\x50', '\x90'};
        while (m_scanPos + 3 <= size) {
            const void* found = memmem(bytes + m_scanPos, size - m_scanPos, "BZh", 3);
            if (!found) {
                m_scanPos = size - 2;
                return std::nullopt;
            }
            const size_t at = size_t(static_cast<const char*>(found) - bytes);
            if (at + 10 > size) {
                m_scanPos = at;
                if (!atEnd)
                    return std::nullopt;
                m_scanPos = at + 1;
                continue;
            }
            m_scanPos = at + 1;
            const char level = bytes[at + 3];
            if (at > 0 && level >= '1' && level <= '9' &&
                (memcmp(bytes + at + 4, blockMagic, 6) == 0 ||
                 memcmp(bytes + at + 4, endMagic, 6) == 0))
                return at;
        }
        return std::nullopt;
    }

    // Bytes at the end of m_pending that a candidate found later may still
    // need (a marker's first bytes).
    size_t unresolvedTail() const { return pendingSize() - std::min(pendingSize(), m_scanPos); }

    void processPending(bool atEnd)
    {
        for (;;) {
            if (m_ended) {
                appendTrailer(pendingLeft(pendingSize()));
                dropPending(pendingSize());
                return;
            }
            if (pendingSize() == 0)
                return;
            const std::optional<size_t> candidate = nextCandidate(atEnd);
            if (m_streaming && m_segments.empty()) {
                // The streamer has caught up: feed it directly, stopping at
                // candidates to see whether the pool can take over again.
                const size_t upTo = candidate ? *candidate
                                    : atEnd   ? pendingSize()
                                              : pendingSize() - unresolvedTail();
                if (upTo == 0)
                    return;
                // Straight from the buffer: the streamer neither keeps its
                // input nor touches m_pending.
                streamerFeed(pendingData(), upTo);
                dropPending(upTo);
                continue;
            }
            if (candidate) {
                if (*candidate >= segmentTarget())
                    cutSegment(*candidate);
                else
                    m_lastCandidate = *candidate;
                continue;
            }
            if (atEnd) {
                cutSegment(pendingSize());
                continue;
            }
            if (pendingSize() < m_pendingLimit)
                return;
            if (m_lastCandidate > 0) {
                cutSegment(m_lastCandidate);
                continue;
            }
            // No boundary in a full buffer (Cinder's single stream): decode
            // what is there sequentially, after everything before it.
            while (!m_segments.empty())
                deliverFront();
            if (!m_ended && !m_streaming)
                startStreamer();
        }
    }

    const char* pendingData() const { return m_pending.constData() + m_pendingHead; }
    size_t pendingSize() const { return size_t(m_pending.size()) - m_pendingHead; }
    QByteArray pendingLeft(size_t count) const
    {
        return QByteArray(pendingData(), qsizetype(count));
    }
    void compactPending()
    {
        m_pending.remove(0, qsizetype(m_pendingHead));
        m_pendingHead = 0;
    }

    // Compressed bytes after which a segment is cut at the next candidate:
    // minSegmentBytes, less when the data compresses so well that such a
    // segment's output would not fit its share of the buffer (it would be
    // decoded on the feeding thread instead of the pool).
    size_t segmentTarget() const
    {
        if (m_ratio == 0)
            return m_minSegment;
        return std::min(m_minSegment, std::max<size_t>(4096, m_slotBytes / (2 * m_ratio)));
    }
    void noteRatio(size_t compressed, size_t raw)
    {
        if (compressed >= 4096 || (m_ratio == 0 && compressed > 0))
            m_ratio = raw / compressed + 1;
    }

    void dropPending(size_t count)
    {
        m_pendingHead += count;
        if (m_pendingHead == size_t(m_pending.size())) {
            m_pending.resize(0);
            m_pendingHead = 0;
        } else if (m_pendingHead > size_t(m_pending.size()) / 2) {
            compactPending();
        }
        m_scanPos -= std::min(m_scanPos, count);
        m_lastCandidate = m_lastCandidate > count ? m_lastCandidate - count : 0;
    }

    void cutSegment(size_t length)
    {
        Segment segment;
        segment.compressed = pendingLeft(length);
        dropPending(length);
        const size_t compressed = size_t(segment.compressed.size());
        const size_t outputCap = std::min<size_t>(
            std::max(m_slotBytes > compressed ? m_slotBytes - compressed : 0, 2 * compressed),
            size_t(1) << 30);
        segment.charge = compressed + outputCap;
        // Until one segment has shown how well the data compresses, one at a
        // time: the next cut's size depends on it.
        while (!m_segments.empty() && (m_ratio == 0 || m_segments.size() >= m_maxSegments ||
                                       m_charged + segment.charge > m_segmentBudget))
            deliverFront();
        if (m_ended) {
            appendTrailer(segment.compressed);
            return;
        }
        const QByteArray input = segment.compressed;
        if (m_codec == Codec::Zlib)
            segment.result =
                m_options.pool->submit([input, outputCap, withAdler32 = m_options.checkAdler32] {
                    return inflateSegment(input, outputCap, withAdler32);
                });
        else
            segment.result = m_options.pool->submit(
                [input, outputCap] { return bunzipSegment(input, outputCap); });
        m_charged += segment.charge;
        m_segments.push_back(std::move(segment));
        noteBuffered();
    }

    void deliverFront()
    {
        Segment segment = std::move(m_segments.front());
        m_segments.pop_front();
        m_charged -= segment.charge;
        SegmentResult result = segment.result.get();
        if (m_ended) {
            appendTrailer(segment.compressed);
            return;
        }
        if (m_options.stats)
            ++m_options.stats->segments;
        if (!m_streaming && result.kind != SegmentResult::Redo) {
            if (m_options.stats)
                ++m_options.stats->independent;
            if (m_options.onDecoded)
                m_options.onDecoded(qint64(result.outputLength), result.busyNs);
            noteRatio(size_t(segment.compressed.size()), result.outputLength);
            deliver(result.output.get(), result.outputLength);
            if (m_options.checkAdler32 && result.outputLength > 0)
                m_adler =
                    quint32(adler32_combine(m_adler, result.adler, z_off_t(result.outputLength)));
            if (result.kind == SegmentResult::Final) {
                m_ended = true;
                appendTrailer(result.leftover);
            }
            return;
        }
        if (m_options.stats)
            ++m_options.stats->redone;
        if (!m_streaming)
            startStreamer();
        streamerFeed(segment.compressed.constData(), size_t(segment.compressed.size()));
    }

    // Output in order, within maxOutput; zlib keeps its last 32 KiB as the
    // dictionary of a segment decoded again.
    void deliver(const char* data, size_t length)
    {
        if (length == 0)
            return;
        if (m_maxOutput >= 0 && qint64(length) > m_maxOutput - m_produced)
            throw DecodedTooLong(tooLongMessage(m_maxOutput));
        m_produced += qint64(length);
        if (m_codec == Codec::Zlib) {
            if (length >= kHistoryBytes) {
                m_history.assign(data + length - kHistoryBytes, data + length);
            } else {
                m_history.insert(m_history.end(), data, data + length);
                if (m_history.size() > kHistoryBytes)
                    m_history.erase(m_history.begin(),
                                    m_history.begin() +
                                        qsizetype(m_history.size() - kHistoryBytes));
            }
        }
        m_sink(data, length);
    }

    void appendTrailer(const QByteArray& bytes)
    {
        if (m_codec != Codec::Zlib)
            return;
        m_trailer.append(bytes);
        if (m_trailer.size() > 4)
            throw Error(QStringLiteral("data after the end of the zlib stream"));
    }

    // ---- the sequential streamer (feeding thread)

    void startStreamer()
    {
        endStreamer();
        m_streaming = true;
        // Only boundary-less stretches need it: not allocated (and zero-filled)
        // for each of a restore's thousands of small objects.
        if (m_streamOutput.empty())
            m_streamOutput.resize(kStreamOutputBytes);
        if (m_codec == Codec::Zlib) {
            m_inflate = std::make_unique<inflate_state>();
            isal_inflate_init(m_inflate.get());
            m_inflate->crc_flag = IGZIP_DEFLATE;
            if (!m_history.empty())
                isal_inflate_set_dict(m_inflate.get(), m_history.data(),
                                      uint32_t(m_history.size()));
        } else {
            m_bzEnded = true; // the next byte starts a stream
        }
    }

    void endStreamer()
    {
        m_inflate.reset();
        if (m_bzOpen)
            BZ2_bzDecompressEnd(&m_bz);
        m_bzOpen = false;
    }

    void streamerFeed(const char* input, size_t length)
    {
        if (m_options.stats)
            m_options.stats->streamedBytes += qint64(length);
        qint64 produced = 0;
        qint64 busyNs = 0;
        const auto emit = [&](const char* data, size_t count) {
            produced += qint64(count);
            deliver(data, count);
        };
        if (m_codec == Codec::Zlib)
            inflateOnFeeder(input, length, emit, busyNs);
        else
            bunzipOnFeeder(input, length, emit, busyNs);
        if (m_options.onDecoded)
            m_options.onDecoded(produced, busyNs);
        noteRatio(length, size_t(produced));
    }

    template <typename Emit>
    void inflateOnFeeder(const char* input, size_t length, Emit& emit, qint64& busyNs)
    {
        inflate_state& state = *m_inflate;
        state.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(input));
        state.avail_in = uint32_t(length);
        for (;;) {
            state.next_out = reinterpret_cast<uint8_t*>(m_streamOutput.data());
            state.avail_out = uint32_t(m_streamOutput.size());
            const uint32_t inBefore = state.avail_in;
            const Clock::time_point start = Clock::now();
            const int code = isal_inflate(&state);
            const size_t made = m_streamOutput.size() - state.avail_out;
            if (code != ISAL_DECOMP_OK)
                throw Error(QStringLiteral("corrupt zlib data (inflate error %1)").arg(code));
            if (made > 0 && m_options.checkAdler32)
                m_adler = isal_adler32(
                    m_adler, reinterpret_cast<const unsigned char*>(m_streamOutput.data()), made);
            busyNs += nanosecondsSince(start);
            emit(m_streamOutput.data(), made);
            if (state.block_state == ISAL_BLOCK_FINISH) {
                m_ended = true;
                const QByteArray after = bytesAfterDeflateEnd(state);
                endStreamer();
                m_streaming = false;
                appendTrailer(after);
                return;
            }
            if (state.avail_out > 0 && (state.avail_in == 0 || state.avail_in == inBefore))
                break;
        }
        if (state.avail_in > 0)
            throw Error(QStringLiteral("corrupt zlib data (inflate stalled)"));
        if (inflateAtBlockBoundary(state)) {
            endStreamer();
            m_streaming = false;
        }
    }

    template <typename Emit>
    void bunzipOnFeeder(const char* input, size_t length, Emit& emit, qint64& busyNs)
    {
        const char* next = input;
        unsigned left = unsigned(length);
        while (left > 0) {
            if (m_bzEnded) {
                if (m_bzOpen)
                    BZ2_bzDecompressEnd(&m_bz);
                m_bz = bz_stream{};
                m_bzOpen = false;
                if (BZ2_bzDecompressInit(&m_bz, 0, 0) != BZ_OK)
                    throw Error(QStringLiteral("bzip2 could not start decompressing"));
                m_bzOpen = true;
                m_bzEnded = false;
            }
            m_bz.next_in = const_cast<char*>(next);
            m_bz.avail_in = left;
            m_bz.next_out = m_streamOutput.data();
            m_bz.avail_out = unsigned(m_streamOutput.size());
            const Clock::time_point start = Clock::now();
            const int code = BZ2_bzDecompress(&m_bz);
            busyNs += nanosecondsSince(start);
            if (code != BZ_OK && code != BZ_STREAM_END)
                throw Error(QStringLiteral("corrupt bzip2 data (error %1)").arg(code));
            next = m_bz.next_in;
            left = m_bz.avail_in;
            emit(m_streamOutput.data(), m_streamOutput.size() - m_bz.avail_out);
            m_bzEnded = code == BZ_STREAM_END;
        }
        if (m_bzEnded) {
            endStreamer();
            m_streaming = false;
        }
    }

    void noteBuffered()
    {
        if (!m_options.stats)
            return;
        const qint64 now = qint64(m_charged) + m_pending.size();
        qint64 seen = m_options.stats->maxBufferedBytes.load();
        while (now > seen && !m_options.stats->maxBufferedBytes.compare_exchange_weak(seen, now)) {
        }
    }

    Codec m_codec;
    qint64 m_maxOutput;
    ParallelDecodeOptions m_options;
    Sink m_sink;
    std::unique_ptr<StreamDecoder> m_fallback;
    QByteArray m_header;
    qint64 m_totalInput = 0;

    size_t m_pendingLimit = 0;
    size_t m_segmentBudget = 0;
    size_t m_maxSegments = 0;
    size_t m_slotBytes = 0;
    size_t m_minSegment = 0;
    size_t m_ratio = 0; // raw bytes per compressed byte of the latest segment

    // Bytes not yet given to a segment or the streamer: m_pending from
    // m_pendingHead on (dropping from the front moves nothing).
    QByteArray m_pending;
    size_t m_pendingHead = 0;
    size_t m_scanPos = 0;
    size_t m_lastCandidate = 0;
    std::deque<Segment> m_segments;
    size_t m_charged = 0;

    bool m_streaming = false;
    bool m_ended = false; // zlib: the final block was decoded
    QByteArray m_trailer;
    std::vector<uint8_t> m_history;
    quint32 m_adler = 1;
    qint64 m_produced = 0;

    static constexpr size_t kStreamOutputBytes = size_t(1) << 20;
    std::vector<char> m_streamOutput; // the streamer's output, once it has started
    std::unique_ptr<inflate_state> m_inflate;
    bz_stream m_bz{};
    bool m_bzOpen = false;
    bool m_bzEnded = true;
};

} // namespace

std::unique_ptr<StreamDecoder> makeParallelDecoder(Codec codec, qint64 maxOutput,
                                                   const ParallelDecodeOptions& options)
{
    if (codec == Codec::Zlib || codec == Codec::Bz2)
        return std::make_unique<SegmentedDecoder>(codec, maxOutput, options);
    return std::make_unique<ReportingSequentialDecoder>(makeDecoder(codec, maxOutput), options);
}

} // namespace ember
