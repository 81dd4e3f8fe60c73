#include "source.h"

#include "async.h"
#include "catalogwatcher.h"
#include "jobrunner.h"

#include <QPointer>

#include <algorithm>

namespace ember::ui {

namespace {

QString backupName(const std::optional<Backup>& backup, const QString& id)
{
    if (backup && !backup->displayName.isEmpty())
        return backup->displayName;
    return id.left(8);
}

// A retention fetch on a source that offers no retention: `done` gets an
// empty result and the reason, later (as from a real fetch) and only while
// `context` lives.
template <typename Done> void refuseLater(Source* source, QObject* context, Done done)
{
    QPointer<QObject> guard(context);
    QMetaObject::invokeMethod(
        source,
        [source, guard, done = std::move(done)] {
            if (guard)
                done({}, source->checkRetention());
        },
        Qt::QueuedConnection);
}

} // namespace

QString Source::notOffered(const QString& action) const
{
    return tr("%1 is not offered by %2.").arg(action, displayName());
}

std::optional<ActionResult> Source::needRunner() const
{
    if (!m_jobRunner)
        return ActionResult::refused(tr("No job runner is attached to %1.").arg(displayName()));
    return std::nullopt;
}

ActionResult Source::createBackup(const BackupRequest&)
{
    return ActionResult::refused(notOffered(tr("Creating a backup")));
}

ActionResult Source::restore(const RestoreRequest&)
{
    return ActionResult::refused(notOffered(tr("Restoring")));
}

ActionResult Source::deleteBackup(const QString&, bool)
{
    return ActionResult::refused(notOffered(tr("Deleting a backup")));
}

ActionResult Source::updateBackup(const QString&, const QString&, const QString&)
{
    return ActionResult::refused(notOffered(tr("Renaming a backup")));
}

ActionResult Source::resetState(const QString&, const QString&)
{
    return ActionResult::refused(notOffered(tr("Reset-state")));
}

ActionResult Source::exportRecord(const QString&)
{
    return ActionResult::refused(notOffered(tr("Export-record")));
}

ActionResult Source::importRecord(const QString&, const QString&)
{
    return ActionResult::refused(notOffered(tr("Import-record")));
}

QString Source::checkCreateBackup(const BackupRequest&) const
{
    return can(Capability::CreateBackup) ? QString() : notOffered(tr("Creating a backup"));
}

QString Source::checkRestore(const RestoreRequest&) const
{
    return can(Capability::Restore) ? QString() : notOffered(tr("Restoring"));
}

QString Source::checkDelete(const QString&, bool force) const
{
    if (force)
        return can(Capability::ForceDelete) ? QString() : notOffered(tr("Force delete"));
    return can(Capability::Delete) ? QString() : notOffered(tr("Deleting a backup"));
}

QString Source::checkRetention() const
{
    return tr("%1 keeps its backups in Cinder, which has no synthetic full backups, protection "
              "or retention policies: these are for the backups of this computer.")
        .arg(displayName());
}

ActionResult Source::synthesize(const QString&, const QString&, bool)
{
    return ActionResult::refused(checkRetention());
}

ActionResult Source::setProtected(const QString&, bool)
{
    return ActionResult::refused(checkRetention());
}

ActionResult Source::setPolicy(const QString&, const std::optional<RetentionPolicy>&)
{
    return ActionResult::refused(checkRetention());
}

ActionResult Source::prune(const QString&, const PrunePlan&)
{
    return ActionResult::refused(checkRetention());
}

void Source::fetchSynthesisPreview(const QString&, QObject* context, PreviewDone done)
{
    refuseLater(this, context, std::move(done));
}

void Source::fetchPrunePlan(const QString&, const std::optional<RetentionPolicy>&, QObject* context,
                            PlanDone done)
{
    refuseLater(this, context, std::move(done));
}

void Source::fetchPolicies(const QString&, QObject* context, PoliciesDone done)
{
    refuseLater(this, context, std::move(done));
}

void Source::fetchPruneLog(const QString&, QObject* context, PruneLogDone done)
{
    refuseLater(this, context, std::move(done));
}

LocalSource::LocalSource(const QString& catalogPath, QObject* parent)
    : LocalSource(new CatalogWatcher(catalogPath), parent)
{
    m_watcher->setParent(this);
}

LocalSource::LocalSource(CatalogWatcher* sharedWatcher, QObject* parent)
    : Source(parent), m_watcher(sharedWatcher)
{
    m_fetchPool.setMaxThreadCount(2);
    connect(m_watcher, &CatalogWatcher::snapshotChanged, this, [this] {
        Q_EMIT snapshotChanged();
        const auto current = m_watcher->snapshot();
        const qint64 items = current->volumes.size() + current->backups.size();
        Q_EMIT loadProgress(items, items);
    });
    connect(m_watcher, &CatalogWatcher::loadFailed, this, &Source::loadFailed);
}

LocalSource::~LocalSource()
{
    m_fetchPool.waitForDone();
}

QString LocalSource::displayName() const
{
    return tr("This computer");
}

Capabilities LocalSource::capabilities() const
{
    return Capability::CreateBackup | Capability::Restore | Capability::Delete |
           Capability::Verify | Capability::ForceDelete | Capability::ResetState |
           Capability::ExportRecord | Capability::ImportRecord;
}

std::shared_ptr<const SourceSnapshot> LocalSource::snapshot() const
{
    return m_watcher->snapshot();
}

bool LocalSource::hasSnapshot() const
{
    return m_watcher->hasSnapshot();
}

void LocalSource::start(int pollIntervalMs)
{
    m_watcher->start(pollIntervalMs);
}

void LocalSource::refreshNow()
{
    m_watcher->refreshNow();
}

// ---------------------------------------------------------------- retention

QString LocalSource::volumeNameOf(const QString& volumeId) const
{
    const auto volume = snapshot()->volume(volumeId);
    return volume ? volume->name : volumeId;
}

QString LocalSource::retentionBackendOf(const SourceSnapshot& snapshot, const QString& volumeId)
{
    QList<Backup> backups = snapshot.backupsOf(volumeId);
    std::sort(backups.begin(), backups.end(),
              [](const Backup& a, const Backup& b) { return a.createdAt > b.createdAt; });
    for (const Backup& backup : std::as_const(backups))
        if (!backup.backendName.isEmpty())
            return backup.backendName;
    const auto fallback = snapshot.defaultBackend();
    return fallback ? fallback->name : QString();
}

ActionResult LocalSource::synthesize(const QString& backupId, const QString& name,
                                     bool moveChildren)
{
    if (const auto missing = needRunner())
        return *missing;
    const auto backup = snapshot()->backup(backupId);
    if (!backup)
        return ActionResult::refused(tr("Backup %1 is not in the catalog.").arg(backupId));
    if (backup->status != BackupStatus::Available)
        return ActionResult::refused(
            tr("Only an available backup can be the state of a synthetic full; %1 is %2.")
                .arg(backupName(backup, backupId), backup->status));
    JobSpec spec;
    spec.kind = QStringLiteral("synthesize");
    spec.backupId = backupId;
    spec.volumeId = backup->volumeId;
    spec.volumeName = volumeNameOf(backup->volumeId);
    spec.title = tr("Synthetic full of %1").arg(backupName(backup, backupId));
    BackupService::SynthesizeRequest request;
    request.backup = backupId;
    request.name = name;
    request.moveChildren = moveChildren;
    spec.work = [request](BackupService& service, OperationControl& control) {
        BackupService::PreparedSynthesis prepared = service.prepareSynthesis(request);
        control.log(tr("synthetic full %1 from a chain of %n backup(s)", "",
                       static_cast<int>(prepared.chain.size()))
                        .arg(prepared.backup.id));
        const Backup done = service.runSynthesis(prepared, control);
        return tr("synthetic full %1 available; %n backup(s) moved onto it", "",
                  static_cast<int>(request.moveChildren ? prepared.moving.size() : 0))
            .arg(done.id.left(8));
    };
    return {QString(), jobRunner()->submit(std::move(spec))};
}

ActionResult LocalSource::setProtected(const QString& backupId, bool isProtected)
{
    if (const auto missing = needRunner())
        return *missing;
    const auto backup = snapshot()->backup(backupId);
    if (!backup)
        return ActionResult::refused(tr("Backup %1 is not in the catalog.").arg(backupId));
    if (backup->isProtected == isProtected)
        return ActionResult::refused(
            isProtected ? tr("%1 is protected already.").arg(backupName(backup, backupId))
                        : tr("%1 is not protected.").arg(backupName(backup, backupId)));
    JobSpec spec;
    spec.kind = isProtected ? QStringLiteral("protect") : QStringLiteral("unprotect");
    spec.backupId = backupId;
    spec.volumeName = volumeNameOf(backup->volumeId);
    spec.title =
        (isProtected ? tr("Protect %1") : tr("Unprotect %1")).arg(backupName(backup, backupId));
    spec.work = [backupId, isProtected](BackupService& service, OperationControl&) {
        service.setProtected(backupId, isProtected);
        return isProtected ? tr("protected: no prune removes it") : tr("no longer protected");
    };
    return {QString(), jobRunner()->submit(std::move(spec))};
}

ActionResult LocalSource::setPolicy(const QString& scope,
                                    const std::optional<RetentionPolicy>& policy)
{
    if (const auto missing = needRunner())
        return *missing;
    JobSpec spec;
    spec.kind = QStringLiteral("policy");
    const QString volumePrefix = Catalog::volumePolicyScope(QString());
    if (scope.startsWith(volumePrefix)) {
        // Queued behind the volume's jobs, so a prune submitted next runs after it.
        spec.volumeId = scope.mid(volumePrefix.size());
        spec.volumeName = volumeNameOf(spec.volumeId);
        spec.title = tr("Retention policy of %1").arg(spec.volumeName);
    } else {
        spec.title = tr("Default retention policy (%1)").arg(scope);
    }
    spec.work = [scope, policy](BackupService& service, OperationControl&) {
        service.catalog().setRetentionPolicy(scope, policy);
        if (!policy)
            return tr("policy removed");
        return policy->isEmpty() ? tr("policy saved: keep everything")
                                 : tr("policy saved: %1").arg(policy->describe());
    };
    return {QString(), jobRunner()->submit(std::move(spec))};
}

ActionResult LocalSource::prune(const QString& volumeId, const PrunePlan& plan)
{
    if (const auto missing = needRunner())
        return *missing;
    if (!snapshot()->volume(volumeId))
        return ActionResult::refused(tr("Volume %1 is not in the catalog.").arg(volumeId));
    if (plan.steps.isEmpty())
        return ActionResult::refused(tr("Nothing to prune: the policy keeps every backup of %1.")
                                         .arg(volumeNameOf(volumeId)));
    JobSpec spec;
    spec.kind = QStringLiteral("prune");
    spec.volumeId = volumeId;
    spec.volumeName = volumeNameOf(volumeId);
    spec.title = tr("Prune %1").arg(spec.volumeName);
    spec.work = [volumeId, plan](BackupService& service, OperationControl& control) {
        const BackupService::PruneReport report = service.runPrune(volumeId, plan, control);
        for (const auto& [source, full] : report.synthesized)
            control.log(tr("synthetic full %1 replaces %2").arg(full, source));
        for (const QString& id : report.removed)
            control.log(tr("removed %1").arg(id));
        return tr("%n backup(s) removed, %1 synthetic full(s) written", "",
                  static_cast<int>(report.removed.size()))
            .arg(report.synthesized.size());
    };
    return {QString(), jobRunner()->submit(std::move(spec))};
}

void LocalSource::fetch(QObject* context, std::function<Delivery(BackupService&)> work,
                        std::function<void(const QString&)> fail)
{
    // Delivered while both this source and `context` live.
    QPointer<QObject> guard(context);
    runInBackground(
        this,
        [path = m_watcher->catalogPath(), secrets = m_secrets, work = std::move(work)] {
            Delivery delivery;
            const QString error = runOnOwnService(
                path, secrets, [&](BackupService& service) { delivery = work(service); });
            if (!error.isEmpty())
                throw Error(error);
            return delivery;
        },
        [guard, fail = std::move(fail)](const AsyncOutcome<Delivery>& outcome) {
            if (!guard)
                return;
            if (outcome.ok())
                (*outcome.value)();
            else
                fail(outcome.error);
        },
        &m_fetchPool);
}

void LocalSource::fetchSynthesisPreview(const QString& backupId, QObject* context, PreviewDone done)
{
    fetch(
        context,
        [backupId, done](BackupService& service) -> Delivery {
            const BackupService::SynthesisPreview preview = service.previewSynthesis(backupId);
            return [preview, done] { done(preview, QString()); };
        },
        [done](const QString& error) { done({}, error); });
}

void LocalSource::fetchPrunePlan(const QString& volumeId,
                                 const std::optional<RetentionPolicy>& policy, QObject* context,
                                 PlanDone done)
{
    fetch(
        context,
        [volumeId, policy, done](BackupService& service) -> Delivery {
            const PrunePlan plan = service.planPrune(volumeId, policy);
            return [plan, done] { done(plan, QString()); };
        },
        [done](const QString& error) { done({}, error); });
}

void LocalSource::fetchPolicies(const QString& volumeId, QObject* context, PoliciesDone done)
{
    const QString backendName = retentionBackendOf(*snapshot(), volumeId);
    fetch(
        context,
        [volumeId, backendName, done](BackupService& service) -> Delivery {
            RetentionPolicies policies;
            policies.backendName = backendName;
            policies.volumePolicy =
                service.catalog().retentionPolicy(Catalog::volumePolicyScope(volumeId));
            if (!backendName.isEmpty())
                policies.backendPolicy =
                    service.catalog().retentionPolicy(Catalog::backendPolicyScope(backendName));
            return [policies, done] { done(policies, QString()); };
        },
        [done](const QString& error) { done({}, error); });
}

void LocalSource::fetchPruneLog(const QString& volumeId, QObject* context, PruneLogDone done)
{
    fetch(
        context,
        [volumeId, done](BackupService& service) -> Delivery {
            const QList<PruneLogEntry> entries = service.catalog().pruneLog(volumeId);
            return [entries, done] { done(entries, QString()); };
        },
        [done](const QString& error) { done({}, error); });
}

} // namespace ember::ui
