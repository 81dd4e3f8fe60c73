// The Block Storage API v3 (Cinder) client: volumes, backups, quotas, and the backup
// actions, with negotiated microversions. Blocking calls for worker threads and the
// CLI (the models run them off the UI thread); no Widgets. Every reply is checked
// before use (untrusted input): missing or ill-typed fields give CloudError BadResponse.
#pragma once

#include "clouderror.h"
#include "keystone.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <memory>
#include <optional>

namespace ember::cloud {

struct Microversion
{
    int major = 3;
    int minor = 0;
    QString toString() const { return QStringLiteral("%1.%2").arg(major).arg(minor); }
};

// The microversion each feature needs, named in "needs API 3.N" messages.
namespace feature {
inline constexpr int BackupNameUpdate = 9; // PUT /backups/{id} name, description
inline constexpr int BackupProjectId = 18; // os-backup-project-attr:project_id in lists
inline constexpr int BackupMetadata = 43;  // backup metadata on create/update/show
inline constexpr int ListCount = 45;       // with_count=true in lists
// 3.47: a volume created from a backup (POST /volumes with backup_id). The "name" of a
// restore into a new volume needs no microversion; restoreBackup sends it at any version.
inline constexpr int RestoreName = 47;
inline constexpr int BackupUserId = 56; // user_id in backup details
} // namespace feature

struct CloudVolume
{
    QString id, name, description, projectId, status, volumeType, availabilityZone;
    qint64 sizeGiB = 0;
    bool bootable = false;
    QStringList attachedTo; // server ids
    QDateTime createdAt;
};

struct CloudBackup
{
    QString id, name, description, volumeId, snapshotId, projectId, userId;
    QString status, failReason, container, availabilityZone;
    qint64 sizeGiB = 0;
    qint64 objectCount = 0;
    bool isIncremental = false;
    bool hasDependentBackups = false;
    QDateTime createdAt, updatedAt, dataTimestamp;
    QMap<QString, QString> metadata;
};

struct BackupQuota
{
    qint64 backupsInUse = 0, backupsLimit = -1;     // -1: unlimited
    qint64 gigabytesInUse = 0, gigabytesLimit = -1; // backup_gigabytes
};

struct ListOptions
{
    bool allProjects = false; // all_tenants=1 (admin)
    QString projectId;        // with allProjects: only this project
    QString status;
    QString name;
    QString volumeId; // backups of this volume
    int pageSize = 200;
};

template <typename T> struct Page
{
    QList<T> items;
    QString nextMarker;     // empty: last page
    qint64 totalCount = -1; // with_count (3.45+); -1 when the cloud is older
};

struct CreateBackupRequest
{
    QString volumeId;
    QString name, description, container;
    QString snapshotId;
    bool incremental = false;
    bool force = false;              // in-use volumes
    QMap<QString, QString> metadata; // needs 3.43
};

struct CreateVolumeRequest
{
    qint64 sizeGiB = 1;
    QString name, description, volumeType, availabilityZone;
};

struct RestoreResult
{
    QString backupId, volumeId, volumeName;
};

struct ExportedRecord
{
    QString backupService; // e.g. cinder.backup.drivers.posix.PosixBackupDriver
    QString backupUrl;     // Base64 of the record's JSON
};

class CinderClient
{
public:
    explicit CinderClient(std::shared_ptr<KeystoneSession> session);

    KeystoneSession& session() { return *m_session; }
    // Reads the endpoint's version document once and picks the highest microversion
    // both sides know (Ember knows up to 3.70).
    Microversion microversion();
    // Throws CloudError VersionTooOld: "<feature> needs Block Storage API 3.N; <cloud>
    // offers 3.M".
    void requireMicroversion(int minor, const QString& feature);
    bool supports(int minor) { return microversion().minor >= minor; }
    QString endpoint(); // block-storage / volumev3 from the catalog (or the override)

    Page<CloudVolume> listVolumes(const ListOptions& options, const QString& marker = {});
    Page<CloudBackup> listBackups(const ListOptions& options, const QString& marker = {});
    // All pages, for the CLI; the models page themselves.
    QList<CloudVolume> allVolumes(const ListOptions& options);
    QList<CloudBackup> allBackups(const ListOptions& options);
    CloudVolume volume(const QString& id);
    CloudBackup backup(const QString& id);
    BackupQuota backupQuota(const QString& projectId);

    CloudBackup createBackup(const CreateBackupRequest& request);
    // Into `volumeId` when given, else into a new volume named `newVolumeName` (3.47+
    // for a name; older clouds name it restore_backup_<id>).
    RestoreResult restoreBackup(const QString& backupId, const QString& volumeId,
                                const QString& newVolumeName = {});
    void deleteBackup(const QString& id, bool force = false);
    CloudBackup updateBackup(const QString& id, const std::optional<QString>& name,
                             const std::optional<QString>& description);
    void resetBackupState(const QString& id, const QString& status); // admin: available|error
    ExportedRecord exportRecord(const QString& id);                  // admin
    CloudBackup importRecord(const ExportedRecord& record);          // admin

    // Volumes (restore targets, test data). createVolume returns at once ("creating");
    // poll volume(id) until "available".
    CloudVolume createVolume(const CreateVolumeRequest& request);
    void deleteVolume(const QString& id);

    // The raw JSON of a GET below the endpoint, for what the typed calls do not cover.
    QJsonObject getJson(const QString& pathAndQuery);

    // The largest microversion Ember speaks.
    static constexpr int MaxKnownMinor = 70;

private:
    // One call below the endpoint with the token and the microversion header; a 401 is
    // retried once with a fresh token. `action` words the error ("delete backup X").
    QJsonObject call(const QByteArray& method, const QString& pathAndQuery, const QString& action,
                     const QJsonObject* body = nullptr);
    [[noreturn]] void throwCinderError(long status, const QByteArray& body, const QString& action);
    Microversion negotiate();
    template <typename T>
    Page<T> listPage(const QString& collection, const ListOptions& options, const QString& marker,
                     T (*parse)(const QJsonObject&));

    std::shared_ptr<KeystoneSession> m_session;
    std::mutex m_mutex;
    std::optional<Microversion> m_microversion;
    QString m_endpoint;
};

// Parsers of the API's JSON (exposed for unit tests and the fuzz targets).
CloudVolume parseVolume(const QJsonObject& object);
CloudBackup parseBackup(const QJsonObject& object);
// One page of GET /volumes/detail or /backups/detail. `pageSize` is the limit asked for (a
// page without links goes on when it is full); `counted`: with_count=true was asked.
Page<CloudVolume> parseVolumePage(const QJsonObject& reply, int pageSize, bool counted);
Page<CloudBackup> parseBackupPage(const QJsonObject& reply, int pageSize, bool counted);

} // namespace ember::cloud
