// Where the panels' volumes and backups come from: this computer's catalog or
// an OpenStack cloud. A source keeps an immutable snapshot up to date off the
// UI thread and runs its actions as jobs; each action is checked against the
// rules first and refused with the reason when they already say no.
#pragma once

#include "backupservice.h"
#include "catalogsnapshot.h"
#include "retention.h"

#include <QFlags>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <functional>
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

    // Retention: synthetic fulls, protection, policies and prunes. Only
    // backups Ember stores itself have them; a cloud refuses them.
    // Why the source offers none of them (empty: it does).
    virtual QString checkRetention() const;
    // A synthetic full of `backupId` (its state, from its chain's objects);
    // `moveChildren` re-parents its incrementals onto the new full.
    virtual ActionResult synthesize(const QString& backupId, const QString& name,
                                    bool moveChildren);
    virtual ActionResult setProtected(const QString& backupId, bool isProtected);
    // `scope`: Catalog::volumePolicyScope or backendPolicyScope; no policy
    // removes the scope's own (a volume then follows its backend's default).
    virtual ActionResult setPolicy(const QString& scope,
                                   const std::optional<RetentionPolicy>& policy);
    // Carries out `plan` (from planPrune) on the volume's backups.
    virtual ActionResult prune(const QString& volumeId, const PrunePlan& plan);

    // Read off the UI thread; `done` runs on the UI thread unless `context`
    // is gone by then. An empty error means the value is valid.
    struct RetentionPolicies
    {
        QString backendName;                          // the backend whose default applies
        std::optional<RetentionPolicy> volumePolicy;  // the volume's own
        std::optional<RetentionPolicy> backendPolicy; // that backend's default
    };
    using PreviewDone =
        std::function<void(const BackupService::SynthesisPreview& preview, const QString& error)>;
    using PlanDone = std::function<void(const PrunePlan& plan, const QString& error)>;
    using PoliciesDone =
        std::function<void(const RetentionPolicies& policies, const QString& error)>;
    using PruneLogDone =
        std::function<void(const QList<PruneLogEntry>& entries, const QString& error)>;
    virtual void fetchSynthesisPreview(const QString& backupId, QObject* context, PreviewDone done);
    // The service's plan from the catalog (no policy: the effective one).
    virtual void fetchPrunePlan(const QString& volumeId,
                                const std::optional<RetentionPolicy>& policy, QObject* context,
                                PlanDone done);
    virtual void fetchPolicies(const QString& volumeId, QObject* context, PoliciesDone done);
    // All volumes when volumeId is empty.
    virtual void fetchPruneLog(const QString& volumeId, QObject* context, PruneLogDone done);

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
    // Over a watcher that someone else owns and starts (the application's).
    explicit LocalSource(CatalogWatcher* sharedWatcher, QObject* parent = nullptr);
    ~LocalSource() override; // waits for running fetches

    QString id() const override { return QStringLiteral("local"); }
    QString displayName() const override;
    SourceKind kind() const override { return SourceKind::Local; }
    Capabilities capabilities() const override;
    std::shared_ptr<const SourceSnapshot> snapshot() const override;
    bool hasSnapshot() const override;
    void start() override { start(500); }
    void start(int pollIntervalMs);
    CatalogWatcher* watcher() const { return m_watcher; }
    // How fetches get backend secrets (the keyring); none by default.
    void setSecretProvider(SecretProvider provider) { m_secrets = std::move(provider); }

    QString checkRetention() const override { return {}; }
    ActionResult synthesize(const QString& backupId, const QString& name,
                            bool moveChildren) override;
    ActionResult setProtected(const QString& backupId, bool isProtected) override;
    ActionResult setPolicy(const QString& scope,
                           const std::optional<RetentionPolicy>& policy) override;
    ActionResult prune(const QString& volumeId, const PrunePlan& plan) override;
    void fetchSynthesisPreview(const QString& backupId, QObject* context,
                               PreviewDone done) override;
    void fetchPrunePlan(const QString& volumeId, const std::optional<RetentionPolicy>& policy,
                        QObject* context, PlanDone done) override;
    void fetchPolicies(const QString& volumeId, QObject* context, PoliciesDone done) override;
    void fetchPruneLog(const QString& volumeId, QObject* context, PruneLogDone done) override;

    // The backend a volume's retention follows: its newest backup's, else the
    // default backend (empty when there is none).
    static QString retentionBackendOf(const SourceSnapshot& snapshot, const QString& volumeId);

public Q_SLOTS:
    void refreshNow() override;

private:
    // Runs `work` with a catalog and service of its own on a worker thread;
    // what it returns runs on the UI thread (if `context` lives), or `fail`
    // with the message when it throws.
    using Delivery = std::function<void()>;
    void fetch(QObject* context, std::function<Delivery(BackupService&)> work,
               std::function<void(const QString&)> fail);
    QString volumeNameOf(const QString& volumeId) const;

    CatalogWatcher* m_watcher;
    SecretProvider m_secrets;
    QThreadPool m_fetchPool;
};

} // namespace ember::ui
