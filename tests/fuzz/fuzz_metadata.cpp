// A chunked backend's `<prefix>_metadata` file. The input is the object name
// on the first line (the driver passes `<prefix>_metadata`), then the file.
// Properties of what parseBackupMetadata accepts: objects in volume order
// without overlap, offsets and lengths exact (below 2^53) and without
// overflow, names of the prefix; and the checks built on it agree.
#include "chunkedformat.h"
#include "fuzzsupport.h"

using namespace ember;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QByteArray input = fuzz::bytes(data, size);
    const QString name = QString::fromUtf8(fuzz::takeLine(input));
    BackupMetadata metadata;
    try {
        metadata = parseBackupMetadata(input, name);
    } catch (const Error&) {
        return 0; // refused with a message: fine
    }
    const QString prefix = name.endsWith(QStringLiteral("_metadata")) ? name.chopped(9) : QString();
    qint64 previousEnd = 0;
    for (const ObjectEntry& entry : metadata.objects) {
        EMBER_FUZZ_CHECK(
            entry.offset >= 0 && entry.length > 0 && entry.offset < kMaxExactJsonInteger &&
                entry.length < kMaxExactJsonInteger && entry.end() <= kMaxExactJsonInteger,
            "object %s: offset %lld, length %lld out of range", qPrintable(entry.name),
            qlonglong(entry.offset), qlonglong(entry.length));
        EMBER_FUZZ_CHECK(entry.offset >= previousEnd, "object %s overlaps the one before",
                         qPrintable(entry.name));
        EMBER_FUZZ_CHECK(prefix.isEmpty() || belongsToPrefix(entry.name, prefix),
                         "object %s is not of prefix %s", qPrintable(entry.name),
                         qPrintable(prefix));
        EMBER_FUZZ_CHECK(!entry.compression.isEmpty(), "object %s has no compression tag",
                         qPrintable(entry.name));
        previousEnd = entry.end();
    }
    // A volume that ends where the last object ends holds every object; one
    // byte less does not (when there is an object).
    try {
        checkObjectsWithinVolume(metadata, previousEnd, name);
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(false, "objects ending at %lld do not fit a volume of that size: %s",
                         qlonglong(previousEnd), error.what());
    }
    if (!metadata.objects.isEmpty()) {
        bool refused = false;
        try {
            checkObjectsWithinVolume(metadata, previousEnd - 1, name);
        } catch (const Error&) {
            refused = true;
        }
        EMBER_FUZZ_CHECK(refused, "an object reaching %lld fits a volume of %lld bytes",
                         qlonglong(previousEnd), qlonglong(previousEnd - 1));
    }
    try {
        const qint64 volumeSize = fullBackupVolumeSize(metadata, name);
        EMBER_FUZZ_CHECK(volumeSize == previousEnd,
                         "a full backup's size %lld is not where its objects end (%lld)",
                         qlonglong(volumeSize), qlonglong(previousEnd));
    } catch (const Error&) {
        // Not a full backup (gaps): an incremental's metadata.
    }
    return 0;
}
