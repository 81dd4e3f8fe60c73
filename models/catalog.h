// The catalog: volumes, backups, backends and running jobs in one SQLite
// database (WAL mode), shared safely by the GUI and ember-cli at the same time.
#pragma once

#include "records.h"

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

// A lock that says "a job runs on this volume". It lives in the database, so
// another process (GUI or CLI) sees it; a lock whose process has died is stale
// and is taken over. Released on destruction.
class VolumeJobLock
{
public:
    VolumeJobLock() = default;
    VolumeJobLock(VolumeJobLock&& other) noexcept;
    VolumeJobLock& operator=(VolumeJobLock&& other) noexcept;
    VolumeJobLock(const VolumeJobLock&) = delete;
    VolumeJobLock& operator=(const VolumeJobLock&) = delete;
    ~VolumeJobLock();
    bool isHeld() const { return !m_volumeId.isEmpty(); }
    void release();

private:
    friend class Catalog;
    class Catalog* m_catalog = nullptr;
    QString m_volumeId;
};

struct RunningJob
{
    QString volumeId;
    QString operation; // "backup", "restore", "delete", "verify"
    QString backupId;
    qint64 pid = 0;
    QDateTime startedAt;
};

class Catalog
{
public:
    // Opens (creating if needed) the database, enables WAL and a busy
    // timeout, and migrates the schema to the current version.
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

    // Backends
    QList<BackendConfig> backends() const;
    std::optional<BackendConfig> backend(const QString& name) const;
    BackendConfig defaultBackend() const;             // throws if none
    void upsertBackend(const BackendConfig& backend); // isDefault=true clears the others
    void removeBackend(const QString& name);          // refused while backups use it

    // Jobs: at most one per volume across all processes.
    // Throws Error("volume X is busy: backup of ... running since ...") if held.
    VolumeJobLock lockVolume(const QString& volumeId, const QString& operation,
                             const QString& backupId = {});
    QList<RunningJob> runningJobs() const; // live locks only
    bool isJobRunning(const QString& volumeId) const;
    // True if `pid` runs on this machine (used to tell live locks from stale ones).
    static bool processAlive(qint64 pid);

    // A number that changes whenever any process commits a change
    // (PRAGMA data_version plus this connection's own writes): the GUI polls
    // it to refresh its models when ember-cli changes the catalog.
    qint64 changeCounter() const;

private:
    friend class VolumeJobLock;
    void releaseLock(const QString& volumeId);

    QString m_path;
    sqlite3* m_db = nullptr;
    int m_transactionDepth = 0;
    mutable qint64 m_localWrites = 0;
    struct Statements;
    std::unique_ptr<Statements> m_statements;
};

} // namespace ember
