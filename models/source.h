// Where the panels' volumes and backups come from: this computer's catalog or
// an OpenStack cloud. A source keeps an immutable snapshot up to date off the
// UI thread and runs its actions as jobs; each action is checked against the
// rules first and refused with the reason when they already say no.
#pragma once

#include "catalogsnapshot.h"

#include <QFlags>
#include <QObject>
#include <QPointer>
#include <memory>

namespace ember::ui {

class JobRunner;
class CatalogWatcher;

enum class Capability
{
    CreateBackup = 0x1,
    Restore = 0x2,
    Delete = 0x4,
    Verify = 0x8,       // local: Ember reads the stored objects back
    ForceDelete = 0x10, // cloud: admins only
    ResetState = 0x20,  // cloud: admins only
    ExportRecord = 0x40,
    ImportRecord = 0x80,
    UpdateBackup = 0x100, // name and description
    AllProjects = 0x200,  // lists every project (admin)
};
Q_DECLARE_FLAGS(Capabilities, Capability)
Q_DECLARE_OPERATORS_FOR_FLAGS(Capabilities)

struct BackupRequest
{
    QString volumeId;
    QString name, description, container;
    QString snapshotId; // a snapshot of the volume instead of the volume
    bool incremental = false;
    bool force = false; // in-use volumes
};

struct RestoreRequest
{
    QString backupId;
    QString targetVolumeId; // empty: a new volume
    QString newVolumeName;  // the new volume's name
};

// What an action did: refused up front (refusal set) or queued as a job.
struct ActionResult
{
    QString refusal;
    quint64 jobId = 0;
    bool accepted() const { return refusal.isEmpty(); }
    static ActionResult refused(const QString& reason) { return {reason, 0}; }
};

class Source : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // "local" or "cloud:<name>".
    virtual QString id() const = 0;
    virtual QString displayName() const = 0;
    virtual SourceKind kind() const = 0;
    virtual Capabilities capabilities() const = 0;
    bool can(Capability capability) const { return capabilities().testFlag(capability); }

    // Never null: an empty snapshot until the first load finished.
    virtual std::shared_ptr<const SourceSnapshot> snapshot() const = 0;
    virtual bool hasSnapshot() const = 0;
    // Starts loading and watching; the first snapshot arrives through
    // snapshotChanged().
    virtual void start() = 0;

    // Where actions run as jobs (the jobs panel's runner).
    void setJobRunner(JobRunner* runner) { m_jobRunner = runner; }
    JobRunner* jobRunner() const { return m_jobRunner; }

    // The actions. Each checks the rules against the current snapshot first.
    // Sources that do not offer an action refuse it.
    virtual ActionResult createBackup(const BackupRequest& request);
    virtual ActionResult restore(const RestoreRequest& request);
    virtual ActionResult deleteBackup(const QString& backupId, bool force);
    virtual ActionResult updateBackup(const QString& backupId, const QString& name,
                                      const QString& description);
    virtual ActionResult resetState(const QString& backupId, const QString& status);
    // The record arrives through recordExported().
    virtual ActionResult exportRecord(const QString& backupId);
    virtual ActionResult importRecord(const QString& backupService, const QString& backupUrl);

    // The checks alone (empty: allowed), so a window can disable an action
    // with the reason before the user tries. The defaults refuse what the
    // source does not offer.
    virtual QString checkCreateBackup(const BackupRequest& request) const;
    virtual QString checkRestore(const RestoreRequest& request) const;
    virtual QString checkDelete(const QString& backupId, bool force) const;

public Q_SLOTS:
    // Reloads as soon as possible (a user action or a finished job).
    virtual void refreshNow() = 0;

Q_SIGNALS:
    void snapshotChanged();
    void loadFailed(const QString& message);
    // Items read so far and the total (-1 when the source does not know it).
    void loadProgress(qint64 loaded, qint64 total);
    void capabilitiesChanged();
    void recordExported(const QString& backupId, const QString& backupService,
                        const QString& backupUrl);

protected:
    QString notOffered(const QString& action) const;
    // Refuses when there is no job runner.
    std::optional<ActionResult> needRunner() const;

private:
    QPointer<JobRunner> m_jobRunner;
};

// This computer: the catalog through a CatalogWatcher (polled, reloaded when
// its change counter moves). The local actions still run from the
// application's dialogs through BackupService jobs.
class LocalSource : public Source
{
    Q_OBJECT
public:
    explicit LocalSource(const QString& catalogPath, QObject* parent = nullptr);
    ~LocalSource() override;

    QString id() const override { return QStringLiteral("local"); }
    QString displayName() const override;
    SourceKind kind() const override { return SourceKind::Local; }
    Capabilities capabilities() const override;
    std::shared_ptr<const SourceSnapshot> snapshot() const override;
    bool hasSnapshot() const override;
    void start() override { start(500); }
    void start(int pollIntervalMs);
    CatalogWatcher* watcher() const { return m_watcher; }

public Q_SLOTS:
    void refreshNow() override;

private:
    CatalogWatcher* m_watcher;
};

} // namespace ember::ui
