// The service layer: Cinder's API rules and state changes around the drivers.
// The CLI and the GUI's jobs call only this. Every method may be called from a
// worker thread; long ones take an OperationControl for progress and cancel.
#pragma once

#include "backendregistry.h"
#include "backupdriver.h"
#include "backuprecord.h"
#include "catalog.h"
#include "retention.h"

#include <functional>
#include <memory>

namespace ember {

struct CreateBackupRequest
{
    QString volume; // id, unique id prefix or unique name
    bool incremental = false;
    bool force = false; // back up an in-use volume
    QString name;
    QString description;
    QString container; // empty = the backend's default
    QString backend;   // empty = the default backend
};

struct RestoreRequest
{
    QString backup;
    QString targetVolume;  // restore into this registered volume ...
    QString newVolumeName; // ... or into a new image file named so (default restore_backup_<id>)
    QString newVolumePath; // where to create it (default: beside the source volume / data dir)
    // ... or into a new RBD image "pool/image" (created with the backup's size) on
    // the cluster of this Ceph backend (default: the source volume's cluster, else
    // the backup's own Ceph backend).
    QString newRbdImage;
    QString newRbdCluster;
};

// What backend-rescan did: the rows it added, and each find it left out.
struct RescanReport
{
    struct Skipped
    {
        QString container;
        QString prefix;
        QString backupId; // when known
        QString reason;
    };
    QList<Backup> added; // parents before their incrementals
    QList<Skipped> skipped;
};

// The Cinder volume an RBD image ("pool/image") is: Cinder names a volume's
// image volume-<uuid>, so such an image is registered under that id (its
// backups then share one base image and one chain with Cinder's). Empty for
// any other name.
QString cinderVolumeIdOfRbdImage(const QString& poolSlashImage);

class BackupService
{
public:
    explicit BackupService(Catalog& catalog, SecretProvider secrets = {});

    Catalog& catalog() { return m_catalog; }

    // Phase one of a backup or restore: check every rule, record the new
    // state (backup row `creating`, volume `backing-up`) and take the volume
    // lock. Quick (catalog only). Throws Error with the reason on refusal.
    struct PreparedBackup
    {
        Backup backup;
        Volume volume;
        std::optional<Backup> parent;
        BackendConfig backend;
        VolumeJobLock lock;
    };
    PreparedBackup prepareBackup(const CreateBackupRequest& request);
    // Phase two: the data transfer. On success the row is `available`; on
    // failure or cancel the objects written are removed, the row is `error`
    // with fail_reason, and Error/Cancelled is rethrown.
    Backup runBackup(PreparedBackup& prepared, OperationControl& control);

    struct PreparedRestore
    {
        Backup backup;
        QList<Backup> chain;
        Volume target;
        bool targetIsNew = false;
        BackendConfig backend;
        VolumeJobLock lock;
    };
    PreparedRestore prepareRestore(const RestoreRequest& request);
    Volume runRestore(PreparedRestore& prepared, OperationControl& control);

    // Delete: refused while dependents exist (with or without force); force
    // allows any status (Cinder's os-force_delete) and cancels a running backup.
    void deleteBackup(const QString& backupRef, bool force, OperationControl& control);
    VerifyReport verifyBackup(const QString& backupRef, OperationControl& control);

    // Sampled verification: reads `samplePercent` (1..100) of the backup's own
    // objects, those never verified first, then the longest ago; records each
    // object read and the result (Catalog::verifyResult). 100 = the whole chain.
    VerifyReport verifyBackup(const QString& backupRef, OperationControl& control,
                              int samplePercent);

    // Synthetic full of a backup (retention). What would move and what would
    // become deletable, without changing anything:
    struct SynthesisPreview
    {
        Backup source;
        QList<Backup> chain;           // full first, source last
        QList<Backup> moving;          // source's children: they move onto the new full
        QList<Backup> becomeDeletable; // source and its ancestors left without dependents,
                                       // in the order they can be deleted (newest first)
        QString refusal;               // why it cannot be done (empty = it can)
    };
    SynthesisPreview previewSynthesis(const QString& backupRef);
    struct SynthesizeRequest
    {
        QString backup;
        QString name; // default "synthetic full of <source name or id>"
        QString description;
        bool moveChildren = true; // re-parent the source's children onto the new full
    };
    struct PreparedSynthesis
    {
        Backup backup; // the new full (row `creating`)
        Backup source;
        QList<Backup> chain;
        QList<Backup> moving;
        BackendConfig backend;
        VolumeJobLock lock;
        // For the prune log: the policy (describe()) and the reason a prune
        // gives; empty for a synthesis by hand.
        QString logPolicy;
        QString logReason;
    };
    // Phase one (quick): checks the rules, inserts the new row `creating`.
    PreparedSynthesis prepareSynthesis(const SynthesizeRequest& request);
    // Phase two: writes it, verifies it, marks it available, then re-parents
    // the children one by one (driver first, then the catalog row, so a crash
    // between the two leaves a child whose parents hold the same state).
    // A failure before `available` removes what was written; a failed
    // re-parenting leaves the remaining children on the old parent.
    Backup runSynthesis(PreparedSynthesis& prepared, OperationControl& control);

    // Protect / unprotect (by hand; prune never removes a protected backup).
    Backup setProtected(const QString& backupRef, bool isProtected);

    // Retention. The volume's own policy, else its backend's default.
    std::optional<RetentionPolicy> effectivePolicy(const Volume& volume) const;
    // The plan for a volume's backups under `policy` (default: effectivePolicy;
    // throws Error when there is none).
    PrunePlan planPrune(const QString& volumeRef,
                        const std::optional<RetentionPolicy>& policy = std::nullopt);
    struct PruneReport
    {
        PrunePlan plan;
        QStringList removed;                        // in the order removed
        QList<QPair<QString, QString>> synthesized; // source id -> new full id
    };
    // Carries the plan out step by step, re-checking each step against the
    // catalog first (a step whose backup changed since planning stops the run
    // with an Error; what was done stays done). Every step goes to the prune log.
    PruneReport runPrune(const QString& volumeRef, const PrunePlan& plan,
                         OperationControl& control);

    BackupRecord exportBackup(const QString& backupRef);
    Backup importBackup(const BackupRecord& record, const QString& backendName = {});
    void resetState(const QString& backupRef, const QString& state);
    Backup updateBackup(const QString& backupRef, const std::optional<QString>& name,
                        const std::optional<QString>& description);

    // Volumes
    Volume addVolume(const QString& path, const QString& name);
    Volume createVolume(const QString& path, qint64 sizeBytes, const QString& name);
    void removeVolume(const QString& volumeRef);
    // Cinder's reset-state for volumes: sets the status (available, in-use,
    // error, error_restoring) without touching the data, e.g. to use a volume
    // a failed restore left error_restoring. Refused while a job runs on it.
    Volume resetVolumeState(const QString& volumeRef, const QString& state);
    // Registers an RBD image ("pool/image") of the cluster a Ceph backend describes,
    // under Cinder's volume id when the image is named volume-<uuid>.
    Volume addRbdVolume(const QString& backendName, const QString& poolSlashImage,
                        const QString& name);
    // The volume's data, for reading (backups) or writing (restores).
    // `supersededBackupIds`: the volume's other backups, whose RBD snapshots
    // no incremental needs once this backup succeeds (removed while it runs
    // with `releaseSupersededEarly`, see RbdOpenOptions).
    std::unique_ptr<VolumeDevice> openVolume(const Volume& volume, OpenMode mode,
                                             const QString& backupId = {},
                                             const QString& parentBackupId = {},
                                             const QStringList& supersededBackupIds = {},
                                             bool releaseSupersededEarly = false);

    // Start-up recovery (reference §1.2) for rows left by a process that died:
    // creating -> error (+ leftovers removed), restoring -> available with the
    // target volume error_restoring, deleting -> delete resumed.
    // Returns a line per action taken.
    QStringList recoverInterruptedOperations();

    // backend-rescan: catalog rows rebuilt from a chunked backend's
    // `_metadata` files, in `containers` or everywhere the store can list.
    // Backups already in the catalog are left alone; a found one is added
    // `available` only when its own files and its whole chain check out.
    // Other backends are refused.
    RescanReport rescanBackend(const QString& backendName, const QStringList& containers,
                               OperationControl& control);

    // Encryption at rest. Where drivers find master keys by fingerprint (the
    // apps pass KeyStore::lookup()); without it encrypted backups are "key
    // not available".
    void setKeyLookup(KeyLookup keys) { m_keys = std::move(keys); }
    // Why `backup` cannot be read here (empty = it can): it is encrypted and
    // the lookup has no key set with that fingerprint, or only its public
    // half ("key not available: ..."). Restores, verifies and syntheses are
    // refused with it before anything is written.
    QString keyProblem(const Backup& backup) const;
    struct KeyRotationReport
    {
        QStringList rewrapped;                  // backup ids now wrapped by the new key
        QList<QPair<QString, QString>> refused; // backup id -> why it keeps the old key
        QStringList backendsSwitched;           // backends whose new backups use the new key
    };
    // Rotation: every backup wrapped by `oldFingerprint` gets its data key
    // wrapped again by `newKey` (BackupDriver::rewrapKey; catalog updated per
    // backup), and backends using the old key switch to the new one. Backups
    // that cannot be rewritten (immutable, backend unreachable) are listed in
    // `refused` and still need the old key.
    KeyRotationReport rotateKey(const QString& oldFingerprint, const KeySet& newKey,
                                OperationControl& control);

    // The driver for a backend, secrets resolved, key lookup set.
    std::unique_ptr<BackupDriver> driverFor(const BackendConfig& backend);
    BackendConfig backendFor(const Backup& backup);

private:
    void checkIncrementalSize(BackupDriver& driver, const Volume& volume, const Backup& parent);
    QString discardNewTarget(const Volume& target);
    Volume createRbdTarget(const Backup& backup, const RestoreRequest& request, qint64 sizeBytes);
    void checkCinderVolumeIdFree(const QString& poolSlashImage);

    Catalog& m_catalog;
    SecretProvider m_secrets;
    KeyLookup m_keys;
};

} // namespace ember
