// The catalog: volumes, backups, backends and running jobs in one SQLite
// database (WAL mode), shared safely by the GUI and ember-cli at the same time.
#pragma once

#include "records.h"
#include "retention.h"
#include "schedule.h"

#include <QHash>
#include <QList>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

struct sqlite3;

namespace ember {

struct BackupFilter
{
    QString volumeId;
    QString status;
    QString name;
    bool includeDeleted = false;
};

// A job's hold on a volume (and on the backup it works on). Each hold is an
// advisory lock (Linux open file description lock) on a file under
// <catalog dir>/locks, kept for the job's lifetime: the kernel drops it when
// the process ends however it ends, so a lock is live exactly while its job
// runs, and no reused PID can fake it. A row in volume_jobs shows the job
// (operation, pid, start) to other processes; it is never trusted for
// liveness. Released on destruction.
class VolumeJobLock
{
public:
    VolumeJobLock() = default;
    VolumeJobLock(VolumeJobLock&& other) noexcept;
    VolumeJobLock& operator=(VolumeJobLock&& other) noexcept;
    VolumeJobLock(const VolumeJobLock&) = delete;
    VolumeJobLock& operator=(const VolumeJobLock&) = delete;
    ~VolumeJobLock();
    bool isHeld() const { return !m_lockFiles.isEmpty(); }
    // Removes the volume_jobs row, then drops the file locks: call it after
    // the job's final state is committed.
    void release();

private:
    friend class Catalog;
    class Catalog* m_catalog = nullptr;
    QString m_volumeId; // empty for a lock on a backup alone (delete, import)
    QList<int> m_lockFiles;
    QStringList m_removeOnRelease; // lock files that go with the job
};

// An automatic copy of the catalog (see Catalog::snapshotCopy).
struct CatalogCopy
{
    QString path;
    QDateTime takenAt; // UTC
    qint64 sizeBytes = 0;
};

struct RunningJob
{
    QString volumeId;
    QString operation; // "backup", "restore", "delete", "verify"
    QString backupId;
    qint64 pid = 0;
    QDateTime startedAt;
};

// One line of the prune record: what a prune (or a synthesis) did and why.
struct PruneLogEntry
{
    qint64 id = 0; // assigned by the catalog
    QDateTime at;  // UTC
    QString volumeId;
    QString backupId;
    QString action; // "removed", "synthesized" (backupId = the new full), "reparented"
    QString detail; // e.g. "kept by nothing", "synthetic full of <id>", "<old> -> <new>"
    QString policy; // RetentionPolicy::describe() of the policy that caused it; empty for by-hand
};

// The last verification of a backup.
struct VerifyResult
{
    QString backupId;
    QDateTime checkedAt; // UTC
    bool ok = true;
    QString problem; // the first problem: object and offset that failed
    int samplePercent = 100;
    qint64 objectsChecked = 0;
    qint64 objectsTotal = 0;
};

class Catalog
{
public:
    // Opens (creating if needed) the database, enables WAL and a busy
    // timeout, and migrates the schema to the current version. A missing file
    // is created (mode 0600, its directory 0700 when created here); an empty
    // or damaged file is refused with an Error saying how to recover, never
    // replaced by an empty catalog.
    // Throws ember::Error with a readable message on failure.
    explicit Catalog(const QString& databasePath);
    ~Catalog();
    Catalog(const Catalog&) = delete;
    Catalog& operator=(const Catalog&) = delete;

    QString path() const { return m_path; }
    int schemaVersion() const;
    static int currentSchemaVersion();

    // Runs `work` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it throws.
    // Nested calls join the outer transaction.
    void transaction(const std::function<void()>& work);

    // Volumes
    QList<Volume> volumes() const;
    std::optional<Volume> volume(const QString& id) const;
    std::optional<Volume> volumeByPath(const QString& path) const;
    void insertVolume(const Volume& volume);
    void updateVolume(const Volume& volume); // all columns by id; sets updatedAt
    // Only the identity column (a file's identity is forgotten once it is gone:
    // inode numbers are reused). Leaves a running job's status changes alone.
    void setVolumeIdentity(const QString& id, const QString& identity);
    void removeVolume(const QString& id);
    // By full id, unique id prefix or unique name; throws Error saying which
    // candidates were ambiguous or that nothing matched.
    Volume resolveVolume(const QString& reference) const;

    // Backups
    QList<Backup> backups(const BackupFilter& filter = {}) const;
    std::optional<Backup> backup(const QString& id, bool includeDeleted = false) const;
    void insertBackup(const Backup& backup); // a soft-deleted row with the same id is replaced
    void updateBackup(const Backup& backup); // all columns by id; sets updatedAt
    // Cinder's soft delete: status deleted, deleted=1, deleted_at now.
    void softDeleteBackup(const QString& id);
    Backup resolveBackup(const QString& reference) const;
    // Non-deleted backups whose parent_id is `id`.
    QList<Backup> children(const QString& id) const;

    // Protected backups are never pruned, and deleting one is refused.
    void setBackupProtected(const QString& id, bool isProtected);

    // Retention policies: per volume ("volume:<id>") and per backend
    // ("backend:<name>", the default for that backend's volumes).
    static QString volumePolicyScope(const QString& volumeId);
    static QString backendPolicyScope(const QString& backendName);
    std::optional<RetentionPolicy> retentionPolicy(const QString& scope) const;
    void setRetentionPolicy(const QString& scope, const std::optional<RetentionPolicy>& policy);

    // The prune record, oldest first; all volumes when volumeId is empty.
    void appendPruneLog(const PruneLogEntry& entry);
    QList<PruneLogEntry> pruneLog(const QString& volumeId = {}) const;

    // Sampled verification: when each object of a backup was last read and
    // found intact, and the last result per backup. Removed with the backup's row
    // when it is soft-deleted.
    QHash<QString, QDateTime> verifiedObjects(const QString& backupId) const;
    void markObjectsVerified(const QString& backupId, const QStringList& objects,
                             const QDateTime& at);
    void setVerifyResult(const VerifyResult& result);
    std::optional<VerifyResult> verifyResult(const QString& backupId) const;
    QList<VerifyResult> verifyResults() const; // every backup that has one

    // Schedules (schedule.h). resolveSchedule takes an id, a unique id prefix
    // or a unique name, like resolveVolume. Removing a volume removes it from
    // the schedules that name it (a schedule left with none is removed).
    QList<Schedule> schedules() const;
    std::optional<Schedule> schedule(const QString& id) const;
    Schedule resolveSchedule(const QString& reference) const;
    void insertSchedule(const Schedule& schedule); // names are unique: a duplicate throws Error
    void updateSchedule(const Schedule& schedule); // all columns by id; sets updatedAt
    void removeSchedule(const QString& id);
    // Claims one occurrence for a run: sets lastOccurrence to `occurrence`
    // only if it still equals `expected` (compare-and-set across processes).
    // False when another process claimed it first.
    bool claimScheduleOccurrence(const QString& id, const QDateTime& expected,
                                 const QDateTime& occurrence);

    // Job history (schedule.h), kept history.retention_days (default 90).
    // beginJob inserts the record (result Running) and returns its id;
    // finishJob updates every column by id. recordJob inserts a finished one.
    qint64 beginJob(const JobRecord& job);
    void finishJob(const JobRecord& job);
    qint64 recordJob(const JobRecord& job);
    QList<JobRecord> jobHistory(const JobHistoryFilter& filter = {}) const; // newest first
    std::optional<JobRecord> job(qint64 id) const;
    qint64 jobCount() const;
    // Removes finished jobs that started before `olderThan`; returns how many.
    int pruneJobHistory(const QDateTime& olderThan);
    // Jobs still Running whose process is gone (pid not alive, or not this
    // machine's boot) become Interrupted; returns how many.
    int settleInterruptedJobs();

    // Settings shared by every Ember process (settingkeys in schedule.h).
    QString setting(const QString& key, const QString& fallback = {}) const;
    void setSetting(const QString& key, const QString& value); // empty value removes it

    // Backends
    QList<BackendConfig> backends() const;
    std::optional<BackendConfig> backend(const QString& name) const;
    BackendConfig defaultBackend() const;             // throws if none
    void upsertBackend(const BackendConfig& backend); // isDefault=true clears the others
    void removeBackend(const QString& name);          // refused while backups use it

    // Jobs: at most one per volume (and per backup) across all processes.
    // Throws Error("volume X is busy: backup of ... running since ...") if held.
    // Takes the volume's file lock (keyed by its identity when known, so two
    // registrations of one file share it) and, with a backup id, the backup's,
    // before the caller's rows say creating/backing-up/restoring.
    VolumeJobLock lockVolume(const QString& volumeId, const QString& operation,
                             const QString& backupId = {});
    // A job on a backup that is not tied to a volume (delete, import).
    VolumeJobLock lockBackup(const QString& backupId, const QString& operation);
    QList<RunningJob> runningJobs() const; // live locks only
    bool isJobRunning(const QString& volumeId) const;
    // True if `pid` runs on this machine. Only for display: a reused PID looks
    // alive, so liveness is decided by the file locks, never by this.
    static bool processAlive(qint64 pid);

    // The lock keys of a volume's and a backup's jobs.
    QString volumeLockKey(const QString& volumeId) const;
    static QString backupLockKey(const QString& backupId);
    // For repairing rows left by dead jobs: takes the file locks of `keys`
    // without waiting. Empty (nothing held) when any is held by a live job.
    // While it is held no job on those keys can start, so rows re-read under
    // it that are still transient belong to a dead job.
    std::optional<VolumeJobLock> tryLockForRepair(const QStringList& keys);
    // Removes volume_jobs rows whose lock no job holds; returns how many.
    int removeStaleJobRows();

    // Automatic copies in <catalog dir>/catalog-backups, made with SQLite's
    // online backup API: catalog-<UTC yyyyMMddTHHmmZ>.sqlite, one per minute
    // (a later copy in the same minute replaces it), the newest 7 kept.
    // Safe against other processes doing the same. Returns the copy's path.
    QString snapshotCopy();
    static QString copiesDirectory(const QString& databasePath);
    static QList<CatalogCopy> copies(const QString& databasePath); // newest first
    // Replaces the catalog file by `copy` (a path, or a file name in the
    // copies directory) after checking it. Refused while any Ember process
    // has the catalog open (so while jobs run). The replaced file and its
    // -wal/-shm are kept as <name>.damaged-<UTC timestamp>. Jobs running
    // when the copy was taken are settled: backups being created are left
    // out (backend-rescan adds them if complete), restores undone, volumes
    // freed. Returns the kept path (empty when there was no catalog file).
    static QString restoreCopy(const QString& databasePath, const QString& copy);

    // A number that changes whenever any process commits a change
    // (PRAGMA data_version plus this connection's own writes): the GUI polls
    // it to refresh its models when ember-cli changes the catalog.
    qint64 changeCounter() const;

private:
    friend class VolumeJobLock;
    void releaseLock(const QString& volumeId);
    QString lockPath(const QString& key) const;
    bool lockHeld(const QString& key) const;
    [[noreturn]] void throwBusy(const QString& volumeId, const QString& key) const;

    QString m_path;
    sqlite3* m_db = nullptr;
    int m_transactionDepth = 0;
    int m_openLock = -1; // shared lock: this process has the catalog open
    mutable qint64 m_localWrites = 0;
    struct Statements;
    std::unique_ptr<Statements> m_statements;
};

} // namespace ember
