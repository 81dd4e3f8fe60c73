// Cinder's rules for backup chains, in one place so the CLI, the GUI's
// dialogs and the engine give the same answers and the same reasons.
#pragma once

#include "records.h"

#include <QList>
#include <functional>
#include <optional>

namespace ember::ChainRules {

// An empty string means "allowed"; otherwise the reason, ready to show.
using Verdict = QString;

// The incremental parent: the volume's non-deleted backup with the greatest
// data_timestamp, failed ones (error, error_deleting) passed over; it must be
// available (a newer one still creating, restoring or deleting refuses).
struct ParentChoice
{
    std::optional<Backup> parent;
    Verdict refusal; // set when no incremental is possible
};
ParentChoice chooseParent(const QList<Backup>& backupsOfVolume);

Verdict canBackup(const Volume& volume, bool force);
// As above, with the device's own in-use reason (deviceInUse(): "mounted at
// /mnt"); a non-empty reason counts as in use whatever the volume's status.
Verdict canBackup(const Volume& volume, bool force, const QString& inUseReason);
Verdict canDelete(const Backup& backup, const QList<Backup>& children, bool force);
Verdict canRestore(const Backup& backup, const Volume& target, bool targetIsInUse);
Verdict canResetState(const QString& newState);
// Volumes (Cinder's reset-state): a resting status only; backing-up and
// restoring belong to running jobs.
Verdict canResetVolumeState(const QString& newState);
QStringList volumeResetStates();

// Full backup first, `backup` last. Throws Error if a parent row is missing.
QList<Backup> chainOf(const Backup& backup,
                      const std::function<std::optional<Backup>(const QString&)>& lookup);

} // namespace ember::ChainRules
