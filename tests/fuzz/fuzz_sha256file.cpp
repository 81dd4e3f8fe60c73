// A chunked backend's `<prefix>_sha256file`. The input is the object name on
// the first line, then the file. Properties of what parseShaFile accepts: a
// chunk size in [1, 16 MiB], no more hashes than the text can hold, and a
// volume of exactly (hashes x chunk size) bytes is covered.
#include "chunkedformat.h"
#include "fuzzsupport.h"

using namespace ember;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QByteArray input = fuzz::bytes(data, size);
    const QString name = QString::fromUtf8(fuzz::takeLine(input));
    ShaFile file;
    try {
        file = parseShaFile(input, name);
    } catch (const Error&) {
        return 0; // refused with a message: fine
    }
    EMBER_FUZZ_CHECK(file.blockSize >= 1 && file.blockSize <= kMaxShaBlockSize,
                     "chunk_size %lld accepted", qlonglong(file.blockSize));
    EMBER_FUZZ_CHECK(qint64(file.hashes.size()) <= input.size() / 64,
                     "%zu hashes from %lld bytes of text", file.hashes.size(),
                     qlonglong(input.size()));
    const qint64 volumeSize = qint64(file.hashes.size()) * file.blockSize;
    try {
        checkShaFileCoversVolume(file, volumeSize, name);
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(false, "%zu hashes of %lld bytes do not cover %lld bytes: %s",
                         file.hashes.size(), qlonglong(file.blockSize), qlonglong(volumeSize),
                         error.what());
    }
    if (volumeSize > 0) {
        bool refused = false;
        try {
            checkShaFileCoversVolume(file, volumeSize + file.blockSize, name);
        } catch (const Error&) {
            refused = true;
        }
        EMBER_FUZZ_CHECK(refused, "%zu hashes cover a volume one block larger", file.hashes.size());
    }
    return 0;
}
