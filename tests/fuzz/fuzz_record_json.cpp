// The JSON inside an export record's backup_url (Cinder's export_record
// format), Base64-encoded here so that the fuzzer mutates the JSON itself.
// Beyond "no crash": a record that imports must export and import again with
// the same fields, since an imported backup can itself be exported.
#include "backuprecord.h"
#include "fuzzsupport.h"

using namespace ember;

namespace {

const QString posixService = QStringLiteral("cinder.backup.drivers.posix.PosixBackupDriver");

void checkSameBackup(const Backup& first, const Backup& second)
{
    auto same = [](const QString& a, const QString& b, const char* field) {
        EMBER_FUZZ_CHECK(a == b, "%s changed on export and import: '%s' became '%s'", field,
                         qPrintable(a), qPrintable(b));
    };
    same(first.id, second.id, "id");
    same(first.volumeId, second.volumeId, "volume_id");
    same(first.container, second.container, "container");
    same(first.parentId, second.parentId, "parent_id");
    same(first.serviceMetadata, second.serviceMetadata, "service_metadata");
    same(first.displayName, second.displayName, "display_name");
    same(first.displayDescription, second.displayDescription, "display_description");
    same(first.snapshotId, second.snapshotId, "snapshot_id");
    EMBER_FUZZ_CHECK(first.size == second.size && first.objectCount == second.objectCount,
                     "size or object_count changed on export and import");
    EMBER_FUZZ_CHECK(first.metadata == second.metadata, "metadata changed on export and import");
    // Records carry whole seconds (Cinder's "...Z" format).
    same(cinderIsoTime(first.createdAt), cinderIsoTime(second.createdAt), "created_at");
    same(cinderIsoTime(first.dataTimestamp), cinderIsoTime(second.dataTimestamp), "data_timestamp");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const BackupRecord record{posixService,
                              QString::fromLatin1(fuzz::bytes(data, size).toBase64())};
    Backup imported;
    try {
        imported = importRecord(record);
    } catch (const Error&) {
        return 0; // refused with a message: fine
    }
    EMBER_FUZZ_CHECK(imported.size >= 0 && imported.objectCount >= 0,
                     "negative size %lld or object count %lld", qlonglong(imported.size),
                     qlonglong(imported.objectCount));
    Backup again;
    try {
        again = importRecord(exportRecord(imported));
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(false, "the export of an imported record does not import: %s",
                         error.what());
    }
    checkSameBackup(imported, again);
    return 0;
}
