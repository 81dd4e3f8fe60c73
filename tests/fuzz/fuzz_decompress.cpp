// The object decoders (drivers/compression.h) on untrusted object bytes. The
// first input byte picks the codec and the output limit, the rest is fed in
// pieces of varying size. Properties: no decoder ever hands out more than the
// limit (a decompression bomb stops early), and whatever a decoder accepts
// whole it accepts fed in pieces, with the same output.
#include "compression.h"
#include "fuzzsupport.h"

using namespace ember;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    static const Codec codecs[] = {Codec::None, Codec::Zlib, Codec::Bz2, Codec::Zstd};
    const Codec codec = codecs[data[0] & 3];
    const qint64 limit = qint64(1) << (8 + ((data[0] >> 2) & 15)); // 256 B .. 8 MiB
    const QByteArray stream = fuzz::bytes(data + 1, size - 1);

    QByteArray whole;
    bool wholeAccepted = true;
    try {
        whole = decompressWhole(codec, stream, limit);
    } catch (const Error&) {
        wholeAccepted = false;
    }
    EMBER_FUZZ_CHECK(whole.size() <= limit, "decoded %lld bytes past a limit of %lld",
                     qlonglong(whole.size()), qlonglong(limit));

    QByteArray pieces;
    bool piecesAccepted = true;
    try {
        auto decoder = makeDecoder(codec, limit);
        const auto sink = [&pieces](const char* bytes, size_t length) {
            pieces.append(bytes, qsizetype(length));
        };
        for (qsizetype at = 0, step = 1; at < stream.size(); at += step, step = step * 3 + 1)
            decoder->feed(stream.constData() + at, size_t(std::min(step, stream.size() - at)),
                          sink);
        decoder->finish();
    } catch (const Error&) {
        piecesAccepted = false;
    }
    EMBER_FUZZ_CHECK(pieces.size() <= limit, "streamed %lld bytes past a limit of %lld",
                     qlonglong(pieces.size()), qlonglong(limit));
    EMBER_FUZZ_CHECK(wholeAccepted == piecesAccepted && (!wholeAccepted || whole == pieces),
                     "whole %d (%lld bytes) and in pieces %d (%lld bytes) differ", wholeAccepted,
                     qlonglong(whole.size()), piecesAccepted, qlonglong(pieces.size()));
    return 0;
}
