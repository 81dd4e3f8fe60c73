// The parallel decoder of one object gives byte for byte what the sequential
// decoder gives, and rejects exactly what it rejects, for Ember's pieced
// objects, Cinder's single streams and streams with false boundaries.
#include "compression.h"
#include "testsupport.h"
#include "workerpool.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtTest>

#include <zlib.h>

#include <optional>

using namespace ember;

// The sanitized CI build runs this test too; its largest objects are halved there.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

namespace {

QByteArray sampleData(qint64 size, quint32 seed)
{
    return ember::test::mixedSample(size, seed);
}

QByteArray randomBytes(qint64 size, quint32 seed)
{
    QByteArray data(size, '\0');
    QRandomGenerator random(seed);
    random.fillRange(reinterpret_cast<quint32*>(data.data()), size / 4);
    return data;
}

// The object as the engine writes it: pieces encoded separately and joined.
QByteArray pieceObject(Codec codec, const QString& engine, const QByteArray& data, qint64 pieceSize)
{
    auto encoder = makeEncoder(codec, engine, data.size(), 2);
    QByteArray out;
    for (qint64 offset = 0; offset < data.size(); offset += pieceSize) {
        const qint64 length = std::min(pieceSize, data.size() - offset);
        if (encoder->encodesPieces())
            encoder->appendEncoded(encoder->encodePiece(data.constData() + offset, size_t(length)),
                                   out);
        else
            encoder->appendRaw(data.constData() + offset, size_t(length), out);
    }
    encoder->finish(out);
    return out;
}

// Cinder's zlib.compress: one stream, no flush points.
QByteArray cinderZlib(const QByteArray& data, int level)
{
    uLongf size = compressBound(uLong(data.size()));
    QByteArray out(qsizetype(size), '\0');
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                  reinterpret_cast<const Bytef*>(data.constData()), uLong(data.size()),
                  level) != Z_OK)
        qFatal("compress2 failed");
    out.resize(qsizetype(size));
    return out;
}

// A zlib stream with a sync flush (not a full one) every `every` bytes: the
// marker is there, but matches reach across it.
QByteArray syncFlushedZlib(const QByteArray& data, qint64 every)
{
    z_stream stream{};
    deflateInit(&stream, 6);
    QByteArray out(
        qsizetype(deflateBound(&stream, uLong(data.size())) + data.size() / every * 16 + 1024),
        '\0');
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = uInt(out.size());
    for (qint64 offset = 0; offset < data.size(); offset += every) {
        const qint64 length = std::min(every, data.size() - offset);
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData() + offset));
        stream.avail_in = uInt(length);
        const bool last = offset + length >= data.size();
        if (deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH) == Z_STREAM_ERROR)
            qFatal("deflate failed");
    }
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

struct Outcome
{
    bool threw = false;
    bool tooLong = false;
    QByteArray output;
    QByteArray digest; // SHA-256 of the output, when not kept
};

template <typename Feed> Outcome run(StreamDecoder& decoder, Feed feed, bool keep)
{
    Outcome outcome;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const StreamDecoder::Sink sink = [&](const char* data, size_t length) {
        if (keep)
            outcome.output.append(data, qsizetype(length));
        hash.addData(QByteArrayView(data, qsizetype(length)));
    };
    try {
        feed(sink);
        decoder.finish();
    } catch (const DecodedTooLong&) {
        outcome.threw = outcome.tooLong = true;
    } catch (const Error&) {
        outcome.threw = true;
    }
    outcome.digest = hash.result();
    return outcome;
}

// Feeds `object` in random chunks of 1 byte .. 1 MiB (log-uniform).
void feedRandomly(StreamDecoder& decoder, const QByteArray& object, quint32 seed,
                  const StreamDecoder::Sink& sink)
{
    QRandomGenerator random(seed);
    qsizetype offset = 0;
    while (offset < object.size()) {
        const qsizetype limit = qsizetype(1) << random.bounded(21);
        const qsizetype length = std::min<qsizetype>(1 + qsizetype(random.bounded(quint32(limit))),
                                                     object.size() - offset);
        decoder.feed(object.constData() + offset, size_t(length), sink);
        offset += length;
    }
}

Outcome sequential(Codec codec, const QByteArray& object, qint64 maxOutput = -1, bool keep = true)
{
    auto decoder = makeDecoder(codec, maxOutput);
    return run(
        *decoder,
        [&](const StreamDecoder::Sink& sink) {
            decoder->feed(object.constData(), size_t(object.size()), sink);
        },
        keep);
}

Outcome parallel(Codec codec, const QByteArray& object, ParallelDecodeOptions options, quint32 seed,
                 qint64 maxOutput = -1, bool keep = true)
{
    auto decoder = makeParallelDecoder(codec, maxOutput, options);
    return run(
        *decoder,
        [&](const StreamDecoder::Sink& sink) { feedRandomly(*decoder, object, seed, sink); }, keep);
}

// Both decoders agree: same output, or both refuse (with the same kind).
bool agree(Codec codec, const QByteArray& object, const ParallelDecodeOptions& options,
           quint32 seed, qint64 maxOutput = -1)
{
    const Outcome expected = sequential(codec, object, maxOutput);
    const Outcome actual = parallel(codec, object, options, seed, maxOutput);
    if (expected.threw != actual.threw || expected.tooLong != actual.tooLong) {
        qWarning("sequential threw %d (too long %d), parallel threw %d (too long %d)",
                 expected.threw, expected.tooLong, actual.threw, actual.tooLong);
        return false;
    }
    if (!expected.threw && expected.output != actual.output) {
        qWarning("outputs differ: %lld vs %lld bytes", qlonglong(expected.output.size()),
                 qlonglong(actual.output.size()));
        return false;
    }
    return true;
}

ParallelDecodeOptions optionsFor(WorkerPool& pool, ParallelDecodeStats* stats,
                                 size_t minSegment = size_t(16) << 10,
                                 size_t maxBuffered = size_t(16) << 20)
{
    ParallelDecodeOptions options;
    options.pool = &pool;
    options.minSegmentBytes = minSegment;
    options.maxBufferedBytes = maxBuffered;
    options.stats = stats;
    return options;
}

QByteArray loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return "unknown";
    return file.readAll().left(14).trimmed();
}

} // namespace

class TestParallelInflate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Both engines' full flush ends each piece with the sync marker the
    // decoder cuts at.
    void piecesEndWithTheSyncMarker()
    {
        const QByteArray data = sampleData(300000, 1);
        for (const char* engine : {"isal", "zlib"}) {
            auto encoder = makeEncoder(Codec::Zlib, QString::fromLatin1(engine), data.size(), 1);
            const EncodedPiece piece = encoder->encodePiece(data.constData(), size_t(data.size()));
            QVERIFY2(piece.bytes.endsWith(QByteArray("\x00\x00\xff\xff", 4)), engine);
        }
    }

    void matchesTheSequentialDecoder_data()
    {
        QTest::addColumn<int>("codec");
        QTest::addColumn<QString>("engine");
        QTest::addColumn<int>("pieces");
        QTest::addColumn<int>("pieceSize");
        const struct
        {
            const char* name;
            Codec codec;
            const char* engine;
        } codecs[] = {{"none", Codec::None, "isal"},
                      {"zlib-isal", Codec::Zlib, "isal"},
                      {"zlib-zlib", Codec::Zlib, "zlib"},
                      {"bz2", Codec::Bz2, "isal"},
                      {"zstd", Codec::Zstd, "isal"}};
        for (const auto& codec : codecs) {
            QTest::addRow("%s one piece", codec.name)
                << int(codec.codec) << QString::fromLatin1(codec.engine) << 1 << (3 << 20);
            const int many = codec.codec == Codec::Bz2 ? 600 : 3000;
            QTest::addRow("%s %d pieces", codec.name, many)
                << int(codec.codec) << QString::fromLatin1(codec.engine) << many << (8 << 10);
        }
    }

    void matchesTheSequentialDecoder()
    {
        QFETCH(int, codec);
        QFETCH(QString, engine);
        QFETCH(int, pieces);
        QFETCH(int, pieceSize);
        const QByteArray data = sampleData(qint64(pieces) * pieceSize, quint32(pieces));
        const QByteArray object = pieceObject(Codec(codec), engine, data, pieceSize);
        for (int threads : {2, 4}) {
            WorkerPool pool(threads);
            ParallelDecodeStats stats;
            qint64 reported = 0;
            ParallelDecodeOptions options = optionsFor(pool, &stats);
            options.onDecoded = [&reported](qint64 bytes, qint64) { reported += bytes; };
            const Outcome outcome = parallel(Codec(codec), object, options, quint32(threads));
            QVERIFY(!outcome.threw);
            QVERIFY(outcome.output == data);
            QVERIFY(outcome.output == sequential(Codec(codec), object).output);
            QCOMPARE(reported, qint64(data.size()));
            const bool segmented = Codec(codec) == Codec::Zlib || Codec(codec) == Codec::Bz2;
            if (segmented && pieces > 1)
                QVERIFY2(stats.independent > 1, qPrintable(QString::number(stats.independent)));
            if (segmented)
                QVERIFY(stats.maxBufferedBytes <= qint64(options.maxBufferedBytes));
        }
        // The default options as the restore uses them.
        WorkerPool pool(3);
        QVERIFY(agree(Codec(codec), object,
                      optionsFor(pool, nullptr, size_t(256) << 10, size_t(64) << 20), 7));
    }

    // Cinder's single zlib.compress stream has no boundaries: it decodes as
    // one segment, or sequentially (streaming) when larger than the buffer.
    void cinderSingleStream()
    {
        const QByteArray data = sampleData(24 << 20, 3);
        for (int level : {1, 6, 9}) {
            const QByteArray object = cinderZlib(data, level);
            WorkerPool pool(2);
            for (size_t buffered : {size_t(2) << 20, size_t(128) << 20}) {
                ParallelDecodeStats stats;
                const Outcome outcome =
                    parallel(Codec::Zlib, object,
                             optionsFor(pool, &stats, size_t(256) << 10, buffered), quint32(level));
                QVERIFY(!outcome.threw);
                QVERIFY(outcome.output == data);
                QVERIFY2(stats.independent <= 1, qPrintable(QString::number(stats.independent)));
                QVERIFY(stats.maxBufferedBytes <= qint64(buffered));
            }
        }
    }

    // Sync flushes put the marker where history still reaches across: those
    // segments fail alone and are decoded again with the dictionary.
    void syncFlushNeedsHistory()
    {
        QByteArray data;
        for (int i = 0; i < 40000; ++i)
            data += QByteArray("line ") + QByteArray::number(i % 977) + " of a repetitive log\n";
        const QByteArray object = syncFlushedZlib(data, 8192);
        WorkerPool pool(3);
        ParallelDecodeStats stats;
        const Outcome outcome = parallel(Codec::Zlib, object, optionsFor(pool, &stats, 4096), 11);
        QVERIFY(!outcome.threw);
        QVERIFY(outcome.output == data);
        QVERIFY(stats.redone > 0);
        for (quint32 seed = 0; seed < 8; ++seed)
            QVERIFY(agree(Codec::Zlib, object, optionsFor(pool, nullptr, 1024 * (seed + 1)), seed));
    }

    // 00 00 FF FF inside stored blocks (incompressible data with the marker
    // planted) gives false candidates: they are merged, never trusted.
    void falseMarkersInStoredBlocks()
    {
        QByteArray data = randomBytes(6 << 20, 5);
        QRandomGenerator random(6);
        for (qsizetype at = 100; at + 4 < data.size(); at += 200 + random.bounded(3000))
            data.replace(at, 4, QByteArray("\x00\x00\xff\xff", 4));
        WorkerPool pool(4);
        const QList<QByteArray> objects = {
            cinderZlib(data, 0),
            cinderZlib(data, 6),
            pieceObject(Codec::Zlib, QStringLiteral("isal"), data, 64 << 10),
            pieceObject(Codec::Zlib, QStringLiteral("zlib"), data, 100000),
        };
        for (const QByteArray& object : objects) {
            QVERIFY(object.count(QByteArray("\x00\x00\xff\xff", 4)) > 1000);
            for (size_t minSegment : {size_t(1), size_t(5000), size_t(256) << 10}) {
                ParallelDecodeStats stats;
                const Outcome outcome =
                    parallel(Codec::Zlib, object, optionsFor(pool, &stats, minSegment), 12);
                QVERIFY(!outcome.threw);
                QVERIFY(outcome.output == data);
            }
        }
        // The same in a bzip2 object's raw data: its streams are whole.
        QByteArray bzData = sampleData(2 << 20, 8);
        for (qsizetype at = 10; at + 10 < bzData.size(); at += 70000)
            bzData.replace(at, 10, QByteArray("BZh91AY&SY", 10));
        QVERIFY(agree(Codec::Bz2, pieceObject(Codec::Bz2, QString(), bzData, 100000),
                      optionsFor(pool, nullptr, 1), 13));
    }

    // A false bzip2 candidate planted in the object itself (a stream start
    // in the middle of a stream's bytes) makes a segment end mid-stream.
    void falseBzip2Candidate()
    {
        const QByteArray data = sampleData(1 << 20, 9);
        QByteArray object = pieceObject(Codec::Bz2, QString(), data, 200000);
        WorkerPool pool(2);
        // Corrupting bytes in the middle of a stream: both decoders refuse.
        QByteArray planted = object;
        planted.replace(planted.size() / 3, 10, QByteArray("BZh91AY&SY", 10));
        QVERIFY(agree(Codec::Bz2, planted, optionsFor(pool, nullptr, 1), 14));
    }

    // Byte by byte: ISA-L stops between blocks in every state it can.
    void fedOneByteAtATime()
    {
        const QByteArray data = sampleData(400000, 30);
        WorkerPool pool(2);
        const QList<QPair<Codec, QByteArray>> objects = {
            {Codec::Zlib, pieceObject(Codec::Zlib, QStringLiteral("isal"), data, 20000)},
            {Codec::Zlib, pieceObject(Codec::Zlib, QStringLiteral("zlib"), data, 20000)},
            {Codec::Zlib, syncFlushedZlib(data, 5000)},
            {Codec::Zlib, cinderZlib(data, 0)},
            {Codec::Bz2, pieceObject(Codec::Bz2, QString(), data, 50000)},
        };
        for (const auto& [codec, object] : objects) {
            // 1 MiB of buffer: what has no boundary in 256 KiB is streamed,
            // up to the trailer, a byte at a time.
            for (auto [minSegment, buffered] :
                 {std::pair{size_t(1), size_t(16) << 20}, std::pair{size_t(3000), size_t(16) << 20},
                  std::pair{size_t(3000), size_t(1) << 20}}) {
                ParallelDecodeStats stats;
                auto decoder =
                    makeParallelDecoder(codec, -1, optionsFor(pool, &stats, minSegment, buffered));
                const Outcome outcome = run(
                    *decoder,
                    [&](const StreamDecoder::Sink& sink) {
                        for (char byte : object)
                            decoder->feed(&byte, 1, sink);
                    },
                    true);
                QVERIFY(!outcome.threw);
                QVERIFY(outcome.output == data);
                if (object.size() > (256 << 10) && buffered == (size_t(1) << 20))
                    QVERIFY(stats.streamedBytes > 0);
            }
        }
    }

    void truncatedAndFlippedAreRefused()
    {
        const QByteArray data = sampleData(2 << 20, 10);
        const QList<QPair<Codec, QByteArray>> objects = {
            {Codec::Zlib, pieceObject(Codec::Zlib, QStringLiteral("isal"), data, 64 << 10)},
            {Codec::Zlib, pieceObject(Codec::Zlib, QStringLiteral("zlib"), data, 64 << 10)},
            {Codec::Zlib, cinderZlib(data, 6)},
            {Codec::Zlib, syncFlushedZlib(data, 30000)},
            {Codec::Bz2, pieceObject(Codec::Bz2, QString(), data, 200000)},
        };
        WorkerPool pool(3);
        QRandomGenerator random(15);
        int refused = 0;
        for (const auto& [codec, object] : objects) {
            for (qsizetype cut :
                 {qsizetype(0), qsizetype(1), qsizetype(2), qsizetype(5), object.size() / 2,
                  object.size() - 5, object.size() - 4, object.size() - 1}) {
                QVERIFY(sequential(codec, object.left(cut)).threw);
                QVERIFY(
                    parallel(codec, object.left(cut), optionsFor(pool, nullptr, 4096), 16).threw);
            }
            QVERIFY(
                parallel(codec, object + QByteArray(1, '\0'), optionsFor(pool, nullptr), 17).threw);
            for (int i = 0; i < 40; ++i) {
                QByteArray flipped = object;
                const qsizetype at = qsizetype(random.bounded(quint32(object.size())));
                flipped[at] = char(flipped[at] ^ (1 << random.bounded(8)));
                QVERIFY2(agree(codec, flipped, optionsFor(pool, nullptr, 4096), quint32(i)),
                         qPrintable(QStringLiteral("flip at %1 of %2").arg(at).arg(object.size())));
                refused += sequential(codec, flipped).threw ? 1 : 0;
            }
        }
        QVERIFY(refused > 100);
    }

    // checkAdler32 = false (the restore checks the object's MD5 instead):
    // a wrong Adler-32 trailer passes and the data comes out whole; with the
    // default it is refused. Pieces decoded in parallel and one Cinder stream.
    void adlerCanBeLeftToTheCaller()
    {
        const QByteArray data = sampleData(3 << 20, 21);
        WorkerPool pool(3);
        for (const QByteArray& object :
             {pieceObject(Codec::Zlib, QStringLiteral("isal"), data, 64 << 10),
              cinderZlib(data, 6)}) {
            QCOMPARE(parallel(Codec::Zlib, object, optionsFor(pool, nullptr), 22).output, data);
            QByteArray wrongTrailer = object;
            wrongTrailer[wrongTrailer.size() - 1] = char(wrongTrailer.back() ^ 0x01);
            QVERIFY(parallel(Codec::Zlib, wrongTrailer, optionsFor(pool, nullptr), 23).threw);
            ParallelDecodeOptions unchecked = optionsFor(pool, nullptr);
            unchecked.checkAdler32 = false;
            const Outcome outcome = parallel(Codec::Zlib, wrongTrailer, unchecked, 24);
            QVERIFY(!outcome.threw);
            QCOMPARE(outcome.output, data);
            // A cut stream is still refused.
            QVERIFY(parallel(Codec::Zlib, object.left(object.size() - 2), unchecked, 25).threw);
        }
    }

    void otherZlibHeaders()
    {
        const QByteArray data = sampleData(1 << 20, 18);
        WorkerPool pool(2);
        QByteArray smallWindow;
        {
            z_stream stream{};
            deflateInit2(&stream, 6, Z_DEFLATED, 10, 8, Z_DEFAULT_STRATEGY);
            smallWindow.resize(qsizetype(deflateBound(&stream, uLong(data.size()))));
            stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
            stream.avail_in = uInt(data.size());
            stream.next_out = reinterpret_cast<Bytef*>(smallWindow.data());
            stream.avail_out = uInt(smallWindow.size());
            deflate(&stream, Z_FINISH);
            smallWindow.resize(qsizetype(stream.total_out));
            deflateEnd(&stream);
        }
        QVERIFY(agree(Codec::Zlib, smallWindow, optionsFor(pool, nullptr), 19));
        QByteArray badHeader = cinderZlib(data, 6);
        badHeader[1] = char(badHeader[1] ^ 1);
        QVERIFY(sequential(Codec::Zlib, badHeader).threw);
        QVERIFY(agree(Codec::Zlib, badHeader, optionsFor(pool, nullptr), 20));
        QVERIFY(agree(Codec::Zlib, QByteArray("\x78\x9c\x03\x00\x00\x00\x00\x01", 8),
                      optionsFor(pool, nullptr), 21));
        QVERIFY(agree(Codec::Bz2, QByteArray(), optionsFor(pool, nullptr), 22));
    }

    void decompressionBombStopsEarly()
    {
        const QByteArray zeros(64 << 20, '\0');
        WorkerPool pool(2);
        const QList<QPair<Codec, QByteArray>> objects = {
            {Codec::Zlib, pieceObject(Codec::Zlib, QStringLiteral("isal"), zeros, 1 << 20)},
            {Codec::Zlib, cinderZlib(zeros, 9)},
            {Codec::Bz2, pieceObject(Codec::Bz2, QString(), zeros, 8 << 20)},
        };
        for (const auto& [codec, object] : objects) {
            const Outcome outcome =
                parallel(codec, object, optionsFor(pool, nullptr), 23, 1 << 20, false);
            QVERIFY(outcome.tooLong);
            QVERIFY(agree(codec, object, optionsFor(pool, nullptr), 24, 1 << 20));
            QVERIFY(agree(codec, object, optionsFor(pool, nullptr), 25, zeros.size() - 1));
            QVERIFY(agree(codec, object, optionsFor(pool, nullptr), 26, zeros.size()));
        }
    }

    // Pieces that compress fifty to one still go to the pool: segments are
    // cut shorter than minSegmentBytes so that their output fits.
    void compressibleDataStaysParallel()
    {
        QByteArray data(96 << 20, '\0');
        const QByteArray noise = randomBytes(data.size() / 64, 32);
        for (qsizetype at = 0; at < data.size(); at += 4096)
            data.replace(at, 64, noise.mid(at / 64, 64));
        WorkerPool pool(2);
        for (Codec codec : {Codec::Zlib, Codec::Bz2}) {
            const QByteArray object = pieceObject(codec, QStringLiteral("isal"), data, 1 << 20);
            ParallelDecodeStats stats;
            const ParallelDecodeOptions options =
                optionsFor(pool, &stats, size_t(256) << 10, size_t(16) << 20);
            const Outcome outcome = parallel(codec, object, options, 31);
            QVERIFY(!outcome.threw);
            QVERIFY(outcome.output == data);
            QVERIFY2(stats.independent > 10,
                     qPrintable(QStringLiteral("%1 of %2 segments independent, %3 bytes")
                                    .arg(stats.independent)
                                    .arg(stats.segments)
                                    .arg(object.size())));
            QVERIFY(stats.maxBufferedBytes <= qint64(options.maxBufferedBytes));
        }
    }

    // A 256 MiB object (128 MiB in the sanitized build, still four times the
    // buffer) decodes within maxBufferedBytes.
    void largeObjectStaysWithinItsBuffer()
    {
        const qint64 size = qint64(kSanitized ? 128 : 256) << 20;
        QByteArray data = sampleData(size, 27);
        const QByteArray object = pieceObject(Codec::Zlib, QStringLiteral("isal"), data, 1 << 20);
        const QByteArray expected = QCryptographicHash::hash(data, QCryptographicHash::Sha256);
        data.clear();
        QCOMPARE(sequential(Codec::Zlib, object, -1, false).digest, expected);
        for (int threads : {2, 4}) {
            WorkerPool pool(threads);
            ParallelDecodeStats stats;
            const ParallelDecodeOptions options =
                optionsFor(pool, &stats, size_t(256) << 10, size_t(32) << 20);
            const Outcome outcome = parallel(Codec::Zlib, object, options, 28, -1, false);
            QVERIFY(!outcome.threw);
            QCOMPARE(outcome.digest, expected);
            QVERIFY2(stats.maxBufferedBytes <= qint64(options.maxBufferedBytes),
                     qPrintable(QString::number(stats.maxBufferedBytes)));
            QVERIFY(stats.independent > 100);
            qInfo("%lld MiB zlib object, %d threads: %lld segments, %lld independent, %lld redone, "
                  "max buffered %lld of %lld MiB",
                  qlonglong(size >> 20), threads, qlonglong(stats.segments.load()),
                  qlonglong(stats.independent.load()), qlonglong(stats.redone.load()),
                  qlonglong(stats.maxBufferedBytes.load() >> 20),
                  qlonglong(options.maxBufferedBytes >> 20));
        }
    }

    // Decode times, sequential against parallel with 2 threads (printed, not
    // asserted: they depend on the machine and its load).
    void decodeTimes()
    {
        if (kSanitized)
            QSKIP("decode times mean nothing in the sanitized build (the other slots run there)");
        struct Case
        {
            const char* name;
            Codec codec;
            qint64 size;
        };
        for (const Case& timed : {Case{"zlib (ISA-L pieces)", Codec::Zlib, qint64(256) << 20},
                                  Case{"bz2 (pieces)", Codec::Bz2, qint64(32) << 20}}) {
            const QByteArray data = sampleData(timed.size, 29);
            const QByteArray object =
                pieceObject(timed.codec, QStringLiteral("isal"), data, 1 << 20);
            const auto timeOf = [&](StreamDecoder& decoder) {
                qint64 produced = 0;
                const StreamDecoder::Sink count = [&produced](const char*, size_t length) {
                    produced += qint64(length);
                };
                QElapsedTimer timer;
                timer.start();
                for (qsizetype offset = 0; offset < object.size(); offset += 1 << 20)
                    decoder.feed(object.constData() + offset,
                                 size_t(std::min<qsizetype>(1 << 20, object.size() - offset)),
                                 count);
                decoder.finish();
                if (produced != timed.size)
                    qFatal("decoded %lld bytes", qlonglong(produced));
                return timer.elapsed();
            };
            const qint64 sequentialMs = timeOf(*makeDecoder(timed.codec));
            for (int threads : {1, 2}) {
                WorkerPool pool(threads);
                ParallelDecodeStats stats;
                ParallelDecodeOptions options =
                    optionsFor(pool, &stats, size_t(256) << 10, size_t(64) << 20);
                std::atomic<qint64> busyNs{0};
                options.onDecoded = [&busyNs](qint64, qint64 ns) { busyNs += ns; };
                const qint64 parallelMs = timeOf(*makeParallelDecoder(timed.codec, -1, options));
                qInfo("%lld MiB %s, %lld MiB compressed: sequential %lld ms, parallel with %d "
                      "threads %lld ms (decoding busy %lld ms in all; %lld segments, %lld "
                      "independent), %d cores, load %s",
                      qlonglong(timed.size >> 20), timed.name, qlonglong(object.size() >> 20),
                      qlonglong(sequentialMs), threads, qlonglong(parallelMs),
                      qlonglong(busyNs / 1000000), qlonglong(stats.segments.load()),
                      qlonglong(stats.independent.load()), QThread::idealThreadCount(),
                      loadAverage().constData());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestParallelInflate)
#include "tst_parallelinflate.moc"
