#include "compression.h"

#include "records.h"

#include <bzlib.h>
#include <isa-l.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
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

    static void encodeIsal(const char* data, size_t length, QByteArray& out)
    {
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

// ---- parallel decoding (placeholder until the segment decoder lands:
// decodes sequentially on the calling thread)
namespace {
class SequentialStandIn : public StreamDecoder
{
public:
    SequentialStandIn(Codec codec, qint64 maxOutput, ParallelDecodeOptions options)
        : m_inner(makeDecoder(codec, maxOutput)), m_options(std::move(options))
    {
    }
    void feed(const char* data, size_t length, const Sink& sink) override
    {
        m_inner->feed(data, length, sink);
    }
    void finish() override { m_inner->finish(); }

private:
    std::unique_ptr<StreamDecoder> m_inner;
    ParallelDecodeOptions m_options;
};
} // namespace

std::unique_ptr<StreamDecoder> makeParallelDecoder(Codec codec, qint64 maxOutput,
                                                   const ParallelDecodeOptions& options)
{
    return std::make_unique<SequentialStandIn>(codec, maxOutput, options);
}

} // namespace ember
