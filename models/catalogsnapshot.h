// Everything the views show of one source (the local catalog or a cloud),
// read in one go on a worker thread and handed to the UI thread as an
// immutable value. Volumes and backups are the domain records; what only a
// cloud knows (projects, volume types, attachments, how a chain link was
// found, quotas) sits beside them, keyed by id.
#pragma once

#include "catalog.h"
#include "records.h"

#include <QHash>
#include <QList>
#include <QStringList>

namespace ember::ui {

enum class SourceKind
{
    Local, // this computer's catalog
    Cloud, // an OpenStack cloud through Cinder's API
};

// How a backup's parentId was learned.
enum class LinkOrigin
{
    None,         // a full backup, or an incremental whose parent is unknown
    Recorded,     // the catalog (local) or Cinder itself stores it
    ExportRecord, // read from the backup's export record (admins)
    Inferred,     // Cinder's parent rule applied to the list (see cloudchains.h)
};

struct CloudVolumeFacts
{
    QString projectId;
    QString volumeType;
    QStringList attachedTo; // server ids
    bool bootable = false;
    bool operator==(const CloudVolumeFacts&) const = default;
};

struct CloudBackupFacts
{
    bool incremental = false;         // Cinder's is_incremental (known without a parent)
    bool hasDependentBackups = false; // Cinder's has_dependent_backups
    LinkOrigin link = LinkOrigin::None;
    QString chainProblem; // why the link is doubtful or missing; empty when consistent
    bool operator==(const CloudBackupFacts&) const = default;
};

// A project's backup quota: in use / limit, -1 = unlimited.
struct ProjectQuota
{
    qint64 backupsInUse = 0, backupsLimit = -1;
    qint64 gigabytesInUse = 0, gigabytesLimit = -1;
    bool operator==(const ProjectQuota&) const = default;
};

struct SourceSnapshot
{
    SourceKind kind = SourceKind::Local;
    QList<Volume> volumes;
    QList<Backup> backups; // not deleted
    QList<BackendConfig> backends;
    QList<RunningJob> runningJobs;
    qint64 changeCounter = 0;
    qint64 loadMilliseconds = 0;
    // The last verification of each backup that has one, by backup id
    // (local only: a cloud's backups are not verified by Ember).
    QHash<QString, VerifyResult> verifyResults;

    // Cloud only (empty for the local catalog).
    QHash<QString, CloudVolumeFacts> volumeFacts; // by volume id
    QHash<QString, CloudBackupFacts> backupFacts; // by backup id
    QHash<QString, ProjectQuota> quotas;          // by project id
    QStringList projects;                         // project ids seen, sorted
    // What the cloud counts (with_count, API 3.45+), -1 when unknown; and
    // whether every page has been read yet.
    qint64 totalVolumes = -1;
    qint64 totalBackups = -1;
    bool complete = true;
    // A cloud's listing kept on disk from an earlier session, shown until the
    // live list is in: when it was read (invalid for a live snapshot).
    QDateTime staleAsOf;

    std::optional<Volume> volume(const QString& id) const;
    std::optional<Backup> backup(const QString& id) const;
    std::optional<BackendConfig> backend(const QString& name) const;
    std::optional<BackendConfig> defaultBackend() const;
    QList<Backup> backupsOf(const QString& volumeId) const;
    QList<Backup> childrenOf(const QString& backupId) const;
    // Running job on the volume in any process (GUI or ember-cli), if any.
    std::optional<RunningJob> runningJobOn(const QString& volumeId) const;

    // Cinder's is_incremental: the parent link, or the cloud's flag when the
    // parent is not known.
    bool isIncremental(const Backup& backup) const;
    LinkOrigin linkOrigin(const QString& backupId) const;
    // Dependents as Cinder counts them (a cloud only says whether there are any).
    bool hasDependents(const Backup& backup) const;
    CloudVolumeFacts volumeFactsOf(const QString& volumeId) const
    {
        return volumeFacts.value(volumeId);
    }
};

// The local catalog's snapshot is a SourceSnapshot of kind Local.
using CatalogSnapshot = SourceSnapshot;

CatalogSnapshot loadSnapshot(const Catalog& catalog);

} // namespace ember::ui
