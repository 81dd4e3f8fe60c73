// TsmBackupDriver and the pieces the tests look at directly.
#pragma once

#include "backupdriver.h"
#include "dsmcrunner.h"
#include "tsmbackend.h"

namespace ember::tsm {

inline const QString ServiceName = QStringLiteral("cinder.backup.drivers.tsm.TSMBackupDriver");
inline const QString PasswordKey = QStringLiteral("backup_tsm_password");
inline const QString DefaultDsmcPath = QStringLiteral("/opt/tivoli/tsm/client/ba/bin/dsmc");

struct TsmSettings
{
    QString backendName;
    QString volumePrefix = QStringLiteral("backup");
    bool compression = true;
    QString configuredDsmcPath; // as configured (may be empty)
    QString dsmcPath;           // resolved; empty when no client was found
    QString optfile;
    QString servername;
    QString virtualNodename;
    QString asNodename;
    int timeoutSeconds = 86400;
    QString imageLinkDir = QStringLiteral("/dev");
    bool fileHardLinks = false; // ember_tsm_file_link=hardlink (file mode)
    QString password;
    // ember_bandwidth_upload / _download (drivers/bandwidth.h): pace dsmc's
    // backups and restores with the backend's shared buckets; empty = none.
    QString uploadLimit;
    QString downloadLimit;
};

// Reads the options; throws Error naming a malformed option.
TsmSettings settingsFrom(const BackendConfig& config, const BackendSecrets& secrets);
// dsmc at `configured` (when set), else on PATH, else at DefaultDsmcPath.
QString findDsmc(const QString& configured);
QString missingClientMessage(const TsmSettings& settings);

enum class BackupMode
{
    Image,
    File
};
QString toString(BackupMode mode);

struct TsmObject
{
    BackupMode mode = BackupMode::Image;
    QString path; // the name of the TSM object (the link path at backup time)
};

// Cinder's service_metadata: {"backup_mode": "image", "backup_path": "/dev/backup-<id>"}
QString serviceMetadataJson(const TsmObject& object);
// Rows without service_metadata (Cinder-era imports) are image mode at
// /dev/<prefix>-<id>. Throws Error on unreadable metadata.
TsmObject tsmObjectOf(const Backup& backup, const TsmSettings& settings);

// What dsmc's return code means, for messages.
QString describeReturnCode(int code);

class TsmBackupDriver : public BackupDriver
{
public:
    explicit TsmBackupDriver(TsmSettings settings);

    QString serviceName() const override { return ServiceName; }
    bool supportsIncremental(const Volume&) const override { return false; }
    bool supportsForceDelete() const override { return false; }
    QString cannotBackup(const Volume& volume) const override;

    void backup(BackupJob& job) override;
    void restore(RestoreJob& job) override;
    void remove(const Backup& backup, OperationControl& control) override;
    VerifyReport verify(const QList<Backup>& chain, OperationControl& control) override;
    void removeLeftovers(const Backup& backup) override;

    const TsmSettings& settings() const { return m_settings; }

private:
    QStringList commonOptions() const;
    // `timeoutSeconds` 0 = the configured ember_tsm_timeout_seconds.
    DsmcResult run(const QStringList& arguments, OperationControl* control, const QString& phase,
                   int timeoutSeconds = 0, const DsmcPacing& pacing = {}) const;
    // The backend's bandwidth bucket for a backup (BytesRead) or a restore.
    DsmcPacing pacing(DsmcPacing::Count count) const;
    // Deletes the object; returns false with `problem` set when dsmc failed.
    bool deleteObject(const TsmObject& object, OperationControl* control, QString* problem,
                      bool* wasMissing) const;
    QString failureMessage(const QString& action, const DsmcResult& result) const;

    TsmSettings m_settings;
};

} // namespace ember::tsm
