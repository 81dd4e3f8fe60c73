// Cinder's export/import record: {"backup_service": ..., "backup_url": base64(JSON)}.
// The JSON is byte-for-byte what Cinder 21.3.1's export_record produces
// (reference §1.7): key order, ", "/": " separators, nulls, Z datetimes.
#pragma once

#include "records.h"

namespace ember {

struct BackupRecord
{
    QString backupService; // e.g. cinder.backup.drivers.posix.PosixBackupDriver
    QString backupUrl;     // standard Base64 of the JSON text
};

BackupRecord exportRecord(const Backup& backup);
// The JSON text (before Base64), for tests and debugging.
QByteArray exportRecordJson(const Backup& backup);
// Parses a record as Cinder's import does: required keys checked, name,
// user/project ids, deleted flags, fail_reason and status dropped; the
// result has status "creating" and service = backupService.
// id, volume_id and parent_id must be UUIDs (lower-cased). Throws Error
// naming what is missing or malformed.
Backup importRecord(const BackupRecord& record);

} // namespace ember
