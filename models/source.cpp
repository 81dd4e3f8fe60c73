#include "source.h"

#include "catalogwatcher.h"
#include "jobrunner.h"

namespace ember::ui {

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

LocalSource::LocalSource(const QString& catalogPath, QObject* parent)
    : Source(parent), m_watcher(new CatalogWatcher(catalogPath, this))
{
    connect(m_watcher, &CatalogWatcher::snapshotChanged, this, [this] {
        Q_EMIT snapshotChanged();
        const auto current = m_watcher->snapshot();
        const qint64 items = current->volumes.size() + current->backups.size();
        Q_EMIT loadProgress(items, items);
    });
    connect(m_watcher, &CatalogWatcher::loadFailed, this, &Source::loadFailed);
}

LocalSource::~LocalSource() = default;

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

} // namespace ember::ui
