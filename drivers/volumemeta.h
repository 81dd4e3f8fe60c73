// Cinder's volume metadata container (reference §2.4): what a backup records
// of its volume (`volume_meta` in the chunked `_metadata`, the Ceph backend's
// backup.<id>.meta object) and what a restore applies to its target.
#pragma once

#include "records.h"

#include <QByteArray>
#include <QJsonObject>
#include <optional>

namespace ember {

// Version 2 with the volume's base columns and its user metadata, written as
// Python's json.dumps writes it.
QByteArray volumeMetaJson(const Volume& volume);

// What a restore changes on its target, by Cinder's rules (BackupMetadataAPI.put):
// the user metadata is replaced by the backup's; the name is taken only by a
// volume the restore created (still named restore_backup_<id>).
struct VolumeMetaChanges
{
    std::optional<QString> name;
    std::optional<QJsonObject> metadata;
};

// Throws Error for text that is not a version 1 or 2 container (Cinder fails
// the restore then too: "Metadata restore failed due to incompatible version").
VolumeMetaChanges volumeMetaChanges(const QByteArray& volumeMeta, const Volume& target);

} // namespace ember
