// Backup chains of a cloud whose API does not say which backup an incremental
// was taken on top of: Cinder's Zed API has no parent_id in its backup
// objects. Admins read it from each backup's export record (it never
// changes, so it is fetched once and cached); everyone else gets the parent
// inferred from Cinder's own rule and checked against has_dependent_backups.
// Pure functions: the cloud source calls them on its worker thread.
#pragma once

#include "catalogsnapshot.h"

#include <QHash>
#include <QList>
#include <QString>

namespace ember::ui::cloudchains {

// One backup as the cloud lists it.
struct ChainInput
{
    Backup backup;                    // parentId is ignored: see knownParents
    bool incremental = false;         // is_incremental
    bool hasDependentBackups = false; // has_dependent_backups
};

struct ChainLink
{
    QString parentId; // empty: a full backup, or the parent is unknown
    LinkOrigin origin = LinkOrigin::None;
    QString problem; // the inconsistency found, in words; empty when none
};

// Cinder's rule (cinder/backup/api.py create): the parent of an incremental is
// the volume's backup (same project) with the greatest data_timestamp among
// those that existed when the incremental was created. A snapshot backup's
// candidates not older than its snapshot rank lowest. Failed backups
// (error, error_deleting) are passed over: a parent must have been available.
// Returns the parent's id, or empty when there was no candidate.
QString inferParent(const ChainInput& incremental, const QList<ChainInput>& backupsOfVolume);

// The parent link of every backup. `knownParents` (backup id -> parent id,
// from export records) wins over the inference. Then the links are checked
// against has_dependent_backups: an available incremental's inferred parent
// must report dependents, and a backup that reports dependents must end up
// with a child; each mismatch is reported as a problem on the backup.
QHash<QString, ChainLink> resolveChains(const QList<ChainInput>& backups,
                                        const QHash<QString, QString>& knownParents);

// The text the tree shows for an inferred link.
QString inferredLinkNote();

} // namespace ember::ui::cloudchains
