// Domain records shared by the catalog, the engine, the CLI and the GUI.
// Field names follow Cinder's backup object (cinder/objects/backup.py) so that
// export records and the CLI's output map one to one.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <stdexcept>

namespace ember {

// Every error a user can meet carries a message meant to be shown as is.
class Error : public std::runtime_error
{
public:
    explicit Error(const QString& message) : std::runtime_error(message.toStdString()) {}
    QString message() const { return QString::fromStdString(what()); }
};

// Raised when the user (or a force delete) asked an operation to stop.
class Cancelled : public Error
{
public:
    Cancelled() : Error(QStringLiteral("cancelled by request")) {}
    // With what the cancel left behind or cleaned up.
    explicit Cancelled(const QString& message) : Error(message) {}
};

enum class VolumeKind
{
    File,
    BlockDevice,
    Rbd
};
QString toString(VolumeKind kind);
VolumeKind volumeKindFromString(const QString& text);

namespace VolumeStatus {
inline const QString Available = QStringLiteral("available");
inline const QString InUse = QStringLiteral("in-use");
inline const QString BackingUp = QStringLiteral("backing-up");
inline const QString Restoring = QStringLiteral("restoring");
inline const QString Error = QStringLiteral("error");
inline const QString ErrorRestoring = QStringLiteral("error_restoring");
} // namespace VolumeStatus

namespace BackupStatus {
inline const QString Creating = QStringLiteral("creating");
inline const QString Available = QStringLiteral("available");
inline const QString Deleting = QStringLiteral("deleting");
inline const QString Deleted = QStringLiteral("deleted");
inline const QString Error = QStringLiteral("error");
inline const QString ErrorDeleting = QStringLiteral("error_deleting");
inline const QString Restoring = QStringLiteral("restoring");
QStringList all();
} // namespace BackupStatus

struct Volume
{
    QString id; // UUID, lower case, with dashes
    QString name;
    VolumeKind kind = VolumeKind::File;
    // File and block device: an absolute path. RBD: "pool/image" and the
    // cluster in `backendName` (a configured Ceph backend holds the connection).
    QString path;
    QString backendName;
    qint64 sizeBytes = 0;
    QString status = VolumeStatus::Available;
    QString previousStatus;
    QDateTime createdAt;
    QDateTime updatedAt;
    QJsonObject metadata; // user metadata; restores add src_backup_id like Cinder
    // What the volume is, whatever path names it: "file:DEV:INODE",
    // "block:MAJOR:MINOR" or "rbd:FSID/POOL/NAMESPACE/IMAGE-ID"; empty for rows
    // registered before identities were recorded (filled in on next use).
    QString identity;

    // Cinder sizes are whole GiB; a volume of a few MiB still reports 1.
    qint64 sizeGiB() const { return (sizeBytes + (Q_INT64_C(1) << 30) - 1) >> 30; }
};

struct Backup
{
    QString id;
    QString userId;
    QString projectId;
    QString volumeId;
    QString host;
    QString availabilityZone;
    QString container;
    QString parentId;
    QString status = BackupStatus::Creating;
    QString failReason;
    QString serviceMetadata; // chunked drivers: the object prefix
    QString service; // driver class path, e.g. cinder.backup.drivers.posix.PosixBackupDriver
    qint64 size = 0; // GiB, as Cinder counts it
    qint64 objectCount = 0;
    QString tempVolumeId;
    QString tempSnapshotId;
    qint64 numDependentBackups = 0;
    QString snapshotId;
    QDateTime dataTimestamp;
    QString restoreVolumeId;
    QJsonObject metadata;
    QString encryptionKeyId;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime deletedAt;
    bool deleted = false;
    QString displayName;
    QString displayDescription;

    // Ember's own columns (not in export records).
    QString backendName;        // the configured backend that stores it
    qint64 volumeSizeBytes = 0; // exact source size; 0 when unknown (imported)
    qint64 storedBytes = 0;     // bytes written to the backend, after compression
    bool isProtected = false;   // never pruned, never deleted without unprotecting first
    // A synthetic full: the id of the backup whose restored state it holds
    // (built from that backup's chain without reading the volume). Empty otherwise.
    QString synthesizedFrom;
    // S3 Object Lock on every object of the backup: until then neither Ember
    // nor anyone holding the backend's keys can delete it. Invalid = not locked.
    QDateTime immutableUntil;
    QString immutableMode; // "GOVERNANCE" or "COMPLIANCE"
    // Encryption at rest (drivers/crypto): the scheme ("aes-256-gcm"; empty =
    // stored in the clear) and the fingerprint of the master key that wraps
    // its data key. Not Cinder's encryption_key_id (a volume's key).
    QString encryption;
    QString encryptionKeyFingerprint;
    bool isEncrypted() const { return !encryption.isEmpty(); }
    bool isImmutableAt(const QDateTime& now) const
    {
        return immutableUntil.isValid() && now < immutableUntil;
    }

    bool isIncremental() const { return !parentId.isEmpty(); }
    bool hasDependentBackups() const { return numDependentBackups > 0; }
    QString name() const { return QStringLiteral("backup-%1").arg(id); }
};

// A configured place to store backups. Secrets are not here: they live in
// the OS keyring under the backend's name (see drivers/secretstore.h).
struct BackendConfig
{
    QString name;
    QString type;        // a registered BackendType: "posix", "swift", "ceph", "tsm", "s3"
    QJsonObject options; // Cinder's option names, e.g. backup_file_size
    bool isDefault = false;
    QDateTime createdAt;
};

QString newUuid();
// True for a canonical lower-case UUID (8-4-4-4-12 hex digits), the only form
// of id Ember accepts from records and backends (ids become file names).
bool isCanonicalUuid(const QString& text);
// When a locked backup can be deleted, for people: "2027-01-06 10:00 UTC"
// (rounded up to the minute, so "from then on" holds).
QString immutableUntilText(const QDateTime& until);
// "until 2027-01-06 10:00 UTC (S3 Object Lock, GOVERNANCE mode)"; empty when
// the backup is not locked at `now`.
QString describeImmutability(const Backup& backup, const QDateTime& now);
// Why deleting `backup` is refused at `now` (empty = its lock does not stop it):
// "backup X is immutable until ... (S3 Object Lock, GOVERNANCE mode); it can be
// deleted from then on".
QString immutabilityRefusal(const Backup& backup, const QDateTime& now);
// Cinder's datetime text in export records: YYYY-MM-DDTHH:MM:SSZ
QString cinderIsoTime(const QDateTime& time);
// Accepts "YYYY-MM-DDTHH:MM:SS[.ffffff]Z", "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00"
// (any offset) and naive UTC text; returns an invalid QDateTime otherwise.
QDateTime parseCinderTime(const QString& text);

} // namespace ember
