// Parsers and checks for the files of Cinder's chunked format (reference
// §2.2, §2.3): `<prefix>_metadata` and `<prefix>_sha256file`. Everything read
// from a backend is untrusted, so these are pure functions over bytes that
// throw ember::Error (never crash, never allocate beyond the text's size)
// for any malformed input, naming the file and the field.
#pragma once

#include "records.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <array>
#include <cstdint>
#include <vector>

namespace ember {

inline const QString kChunkedFormatVersion = QStringLiteral("1.0.0");

using Sha256 = std::array<uint8_t, 32>;

// One data object as `_metadata` lists it: `length` raw bytes at volume
// offset `offset`, stored as `name` with compression tag `compression`.
struct ObjectEntry
{
    QString name;
    qint64 offset = 0;
    qint64 length = 0;
    QString md5;
    QString compression;

    qint64 end() const { return offset + length; }
};

struct BackupMetadata
{
    QList<ObjectEntry> objects; // in volume order, not overlapping
    QString backupId;
    QString parentId;
    QString volumeId;
    QByteArray volumeMeta; // Cinder's volume_meta text; empty when null
    // Ember's "ember_encryption" field as stored (crypto/sealing.h Envelope);
    // empty for a backup in the clear. Parsed and checked by the engine.
    QJsonObject encryption;
    bool isEncrypted() const { return !encryption.isEmpty(); }
};

struct ShaFile
{
    qint64 blockSize = 0; // chunk_size, 1 byte .. kMaxShaBlockSize
    std::vector<Sha256> hashes;
};

// The largest chunk_size Ember reads (the engine hashes zero blocks from a
// 16 MiB buffer); Cinder's default is 32 KiB.
constexpr qint64 kMaxShaBlockSize = qint64(16) << 20;
// Offsets and lengths are JSON numbers (doubles): past 2^53 they are not exact.
constexpr qint64 kMaxExactJsonInteger = qint64(1) << 53;

QString metadataObjectName(const QString& prefix);
QString shaFileObjectName(const QString& prefix);
// True for `<prefix>-NNNNN` (five or more decimal digits, as Cinder's %05d).
bool isDataObjectName(const QString& name, const QString& prefix);
// True for the data objects, `_metadata` and `_sha256file` of `prefix`.
bool belongsToPrefix(const QString& name, const QString& prefix);

// Parses `<prefix>_metadata`. `name` is the file's object name; when it ends
// in `_metadata`, every object must be named `<prefix>-NNNNN` of that prefix.
// Checks: version 1.0.0; offset and length integers in [0, 2^53) with
// length > 0 and no overflow; objects in offset order without overlap;
// object names unique; an "ember_encryption" field, when present, is an
// object; an md5 that is an empty string only with that field.
BackupMetadata parseBackupMetadata(const QByteArray& text, const QString& name);

// Parses `<prefix>_sha256file`: chunk_size an integer in [1, 16 MiB], every
// sha256s entry 64 hex digits.
ShaFile parseShaFile(const QByteArray& text, const QString& name);

// The volume size a full backup's metadata describes: its objects must cover
// [0, size) without gaps (Cinder and Ember write every chunk of a full backup).
qint64 fullBackupVolumeSize(const BackupMetadata& metadata, const QString& name);

// Every object lies in [0, volumeSize).
void checkObjectsWithinVolume(const BackupMetadata& metadata, qint64 volumeSize,
                              const QString& name);

// The list holds exactly ceil(volumeSize / chunk_size) hashes.
void checkShaFileCoversVolume(const ShaFile& file, qint64 volumeSize, const QString& name);

} // namespace ember
