// The cloud forms of ember-cli's backup-* and volume-* commands (--os-cloud NAME or
// OS_CLOUD): the same names, options and columns as the cinder client, acting through
// the Block Storage API v3. Exit status 1 with one "ERROR: ..." line on failure, like
// the local commands; Cinder's own refusal text is part of that line.
#include "command.h"

#include "backuprecord.h"
#include "cloudconfig.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QThread>

namespace ember::cli {

using cloud::CinderClient;
using cloud::CloudBackup;
using cloud::CloudVolume;

cloud::CinderClient& Context::cloud()
{
    if (!cinder) {
        cloud::CloudProfile profile = cloud::findCloud(cloudName);
        if (profile.secretInKeyring && profile.secret().isEmpty())
            profile.setSecret(secrets.readCloudSecret(profile));
        if (profile.insecure)
            holdNotice(QStringLiteral("WARNING: cloud %1 is used without checking its TLS "
                                      "certificate (insecure): anyone on the path can read the "
                                      "token. Give its CA file (cacert) instead.")
                           .arg(profile.name));
        cinder = std::make_unique<cloud::CinderClient>(
            std::make_shared<cloud::KeystoneSession>(std::move(profile)));
    }
    return *cinder;
}

namespace {

QString yesNo(bool value)
{
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

QString apiText(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QJsonObject volumeListJson(const CloudVolume& volume)
{
    return QJsonObject{
        {QStringLiteral("id"), volume.id},
        {QStringLiteral("tenant_id"), volume.projectId},
        {QStringLiteral("status"), volume.status},
        {QStringLiteral("name"), volume.name},
        {QStringLiteral("size"), volume.sizeGiB},
        {QStringLiteral("volume_type"), volume.volumeType},
        {QStringLiteral("bootable"), yesNo(volume.bootable)},
        {QStringLiteral("attached_to"), QJsonArray::fromStringList(volume.attachedTo)}};
}

QJsonObject backupListJson(const CloudBackup& backup)
{
    return QJsonObject{{QStringLiteral("id"), backup.id},
                       {QStringLiteral("volume_id"), backup.volumeId},
                       {QStringLiteral("status"), backup.status},
                       {QStringLiteral("name"), backup.name},
                       {QStringLiteral("size"), backup.sizeGiB},
                       {QStringLiteral("object_count"), backup.objectCount},
                       {QStringLiteral("container"), backup.container},
                       {QStringLiteral("project_id"), backup.projectId},
                       {QStringLiteral("is_incremental"), backup.isIncremental},
                       {QStringLiteral("has_dependent_backups"), backup.hasDependentBackups},
                       {QStringLiteral("created_at"), apiText(backup.createdAt)},
                       {QStringLiteral("data_timestamp"), apiText(backup.dataTimestamp)}};
}

bool allProjects(const QCommandLineParser& parser)
{
    return parser.isSet(QStringLiteral("all-projects")) ||
           parser.isSet(QStringLiteral("all-tenants"));
}

// Like the cinder client's find_resource: an id, or a name that matches exactly one.
CloudVolume findVolume(CinderClient& client, const QString& reference, bool everyProject = false)
{
    if (isCanonicalUuid(reference))
        return client.volume(reference);
    cloud::ListOptions options;
    options.name = reference;
    options.allProjects = everyProject;
    const QList<CloudVolume> matches = client.allVolumes(options);
    if (matches.size() == 1)
        return matches.first();
    if (matches.isEmpty())
        throw Error(QStringLiteral("No volume with a name or ID of '%1' exists.").arg(reference));
    throw Error(QStringLiteral("Multiple volumes match '%1'; use its ID.").arg(reference));
}

CloudBackup findBackup(CinderClient& client, const QString& reference, bool everyProject = false)
{
    if (isCanonicalUuid(reference))
        return client.backup(reference);
    cloud::ListOptions options;
    options.name = reference;
    options.allProjects = everyProject;
    const QList<CloudBackup> matches = client.allBackups(options);
    if (matches.size() == 1)
        return matches.first();
    if (matches.isEmpty())
        throw Error(QStringLiteral("No backup with a name or ID of '%1' exists.").arg(reference));
    throw Error(QStringLiteral("Multiple backups match '%1'; use its ID.").arg(reference));
}

// The resource as Cinder returned it (show commands print every field, like cinder).
QJsonObject rawResource(CinderClient& client, const QString& path, const QString& key)
{
    const QJsonObject reply = client.getJson(path);
    const QJsonValue value = reply.value(key);
    if (!value.isObject())
        throw Error(QStringLiteral("The cloud's reply to %1 has no '%2' object.").arg(path, key));
    QJsonObject object = value.toObject();
    object.remove(QStringLiteral("links"));
    return object;
}

// --wait: polls until the backup leaves its transitional state (creating, restoring,
// deleting); Cinder reports no percentage, so there is nothing else to show.
// The poll interval grows to spare the API; a failed request is not retried
// here, so this is not a back-off and does not use the shared Backoff.
CloudBackup waitForBackup(CinderClient& client, const QString& backupId, int timeoutSeconds)
{
    static const QStringList transitional{QStringLiteral("creating"), QStringLiteral("restoring"),
                                          QStringLiteral("deleting")};
    QElapsedTimer elapsed;
    elapsed.start();
    int delayMs = 500;
    for (;;) {
        const CloudBackup backup = client.backup(backupId);
        if (!transitional.contains(backup.status)) {
            if (backup.status == QLatin1String("error"))
                throw Error(QStringLiteral("Backup %1 ended in status error: %2")
                                .arg(backup.id, backup.failReason.isEmpty()
                                                    ? QStringLiteral("Cinder gave no reason.")
                                                    : backup.failReason));
            return backup;
        }
        if (timeoutSeconds > 0 && elapsed.elapsed() > qint64(timeoutSeconds) * 1000)
            throw Error(QStringLiteral("Backup %1 is still %2 after %3 s (--wait-timeout).")
                            .arg(backup.id, backup.status)
                            .arg(timeoutSeconds));
        QThread::msleep(delayMs);
        delayMs = std::min(delayMs * 2, 5000);
    }
}

// A job on the selected cloud for the local job history (JobRecord::cloud set).
JobRecord cloudJobRecord(const Context& context, const QString& kind, const QString& title,
                         const QString& volumeId, const QString& volumeName)
{
    JobRecord job;
    job.kind = kind;
    job.title = title;
    job.volumeId = volumeId;
    job.volumeName = volumeName;
    job.cloud = context.cloudName;
    return job;
}

int waitTimeout(const QCommandLineParser& parser)
{
    if (!parser.isSet(QStringLiteral("wait-timeout")))
        return 0;
    bool ok = false;
    const int seconds = parser.value(QStringLiteral("wait-timeout")).toInt(&ok);
    if (!ok || seconds <= 0)
        throw Error(QStringLiteral("--wait-timeout needs a number of seconds."));
    return seconds;
}

// ---- volumes ----

int cloudVolumeList(Context& context, QCommandLineParser& parser)
{
    cloud::ListOptions options;
    options.allProjects = allProjects(parser);
    options.name = optionValue(parser, "name");
    options.status = optionValue(parser, "status");
    options.projectId = optionValue(parser, "project-id");
    const QList<CloudVolume> volumes = context.cloud().allVolumes(options);
    QStringList headers{QStringLiteral("ID"),          QStringLiteral("Status"),
                        QStringLiteral("Name"),        QStringLiteral("Size"),
                        QStringLiteral("Volume Type"), QStringLiteral("Bootable"),
                        QStringLiteral("Attached to")};
    // cinder list adds the tenant column when listing every project
    if (options.allProjects)
        headers.insert(1, QStringLiteral("Tenant ID"));
    printList(context, volumes, volumeListJson, headers, [&](const CloudVolume& v) {
        QStringList row{v.id,
                        v.status,
                        orDash(v.name),
                        QString::number(v.sizeGiB),
                        orDash(v.volumeType),
                        yesNo(v.bootable),
                        v.attachedTo.join(QLatin1Char(','))};
        if (options.allProjects)
            row.insert(1, v.projectId);
        return row;
    });
    return 0;
}

int cloudVolumeShow(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    const CloudVolume volume = findVolume(client, parser.positionalArguments().first(), true);
    context.printObject(
        rawResource(client, QStringLiteral("/volumes/") + volume.id, QStringLiteral("volume")));
    return 0;
}

// ---- backups ----

int cloudBackupList(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    cloud::ListOptions options;
    options.allProjects = allProjects(parser);
    options.name = optionValue(parser, "name");
    options.status = optionValue(parser, "status");
    options.projectId = optionValue(parser, "project-id");
    if (parser.isSet(QStringLiteral("volume-id")))
        options.volumeId =
            findVolume(client, optionValue(parser, "volume-id"), options.allProjects).id;
    const QList<CloudBackup> backups = client.allBackups(options);
    printList(context, backups, backupListJson,
              {QStringLiteral("ID"), QStringLiteral("Volume ID"), QStringLiteral("Status"),
               QStringLiteral("Name"), QStringLiteral("Size"), QStringLiteral("Object Count"),
               QStringLiteral("Container")},
              [](const CloudBackup& b) {
                  return QStringList{b.id,
                                     b.volumeId,
                                     b.status,
                                     orDash(b.name),
                                     QString::number(b.sizeGiB),
                                     QString::number(b.objectCount),
                                     orDash(b.container)};
              });
    return 0;
}

int cloudBackupShow(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    const CloudBackup backup = findBackup(client, parser.positionalArguments().first(), true);
    context.printObject(
        rawResource(client, QStringLiteral("/backups/") + backup.id, QStringLiteral("backup")));
    return 0;
}

int cloudBackupCreate(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    cloud::CreateBackupRequest request;
    const CloudVolume volume = findVolume(client, parser.positionalArguments().first());
    request.volumeId = volume.id;
    request.incremental = parser.isSet(QStringLiteral("incremental"));
    request.force = parser.isSet(QStringLiteral("force"));
    request.name = optionValue(parser, "name");
    request.description = optionValue(parser, "description");
    request.container = optionValue(parser, "container");
    request.snapshotId = optionValue(parser, "snapshot-id");
    const bool wait = parser.isSet(QStringLiteral("wait"));
    const int timeout = wait ? waitTimeout(parser) : 0;
    CliJob job(context, cloudJobRecord(context, QStringLiteral("backup"),
                                       QStringLiteral("Backup of %1 on cloud %2 (%3)")
                                           .arg(volume.name.isEmpty() ? volume.id : volume.name,
                                                context.cloudName,
                                                request.incremental ? QStringLiteral("incremental")
                                                                    : QStringLiteral("full")),
                                       volume.id, volume.name));
    const CloudBackup backup = job.call([&] {
        CloudBackup created = client.createBackup(request);
        job.setBackupId(created.id);
        if (wait)
            return waitForBackup(client, created.id, timeout);
        job.addLog(QStringLiteral("accepted by the cloud; not waited for (status %1)")
                       .arg(created.status));
        return created;
    });
    context.printObject(QJsonObject{{QStringLiteral("id"), backup.id},
                                    {QStringLiteral("name"), backup.name},
                                    {QStringLiteral("volume_id"), request.volumeId},
                                    {QStringLiteral("status"), backup.status}});
    return 0;
}

int cloudBackupRestore(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    const CloudBackup backup = findBackup(client, parser.positionalArguments().first());
    QString target;
    QString targetName;
    if (parser.isSet(QStringLiteral("volume"))) {
        const CloudVolume volume = findVolume(client, optionValue(parser, "volume"));
        target = volume.id;
        targetName = volume.name;
    }
    const bool wait = parser.isSet(QStringLiteral("wait"));
    const int timeout = wait ? waitTimeout(parser) : 0;
    JobRecord record = cloudJobRecord(
        context, QStringLiteral("restore"),
        QStringLiteral("Restore of backup %1 on cloud %2").arg(backup.id, context.cloudName),
        target, targetName);
    record.backupId = backup.id;
    CliJob job(context, record);
    const cloud::RestoreResult result = job.call([&] {
        const cloud::RestoreResult restored =
            client.restoreBackup(backup.id, target, optionValue(parser, "name"));
        job.addLog(QStringLiteral("restoring into volume %1 (%2)")
                       .arg(restored.volumeId, restored.volumeName));
        if (wait)
            waitForBackup(client, backup.id, timeout);
        else
            job.addLog(QStringLiteral("accepted by the cloud; not waited for"));
        return restored;
    });
    context.printObject(QJsonObject{{QStringLiteral("backup_id"), result.backupId},
                                    {QStringLiteral("volume_id"), result.volumeId},
                                    {QStringLiteral("volume_name"), result.volumeName}});
    return 0;
}

int cloudBackupDelete(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    const bool force = parser.isSet(QStringLiteral("force"));
    QStringList failures;
    for (const QString& reference : parser.positionalArguments()) {
        try {
            const CloudBackup backup = findBackup(client, reference);
            JobRecord record = cloudJobRecord(
                context, QStringLiteral("delete"),
                QStringLiteral("Delete of backup %1 on cloud %2").arg(backup.id, context.cloudName),
                backup.volumeId, QString());
            record.backupId = backup.id;
            CliJob job(context, record);
            job.call([&] {
                client.deleteBackup(backup.id, force);
                return 0;
            });
            printOut(
                QStringLiteral("Request to delete backup %1 has been accepted.\n").arg(reference));
        } catch (const Error& error) {
            failures << QStringLiteral("Delete for backup %1 failed: %2")
                            .arg(reference, error.message());
        }
    }
    if (!failures.isEmpty())
        throw Error(failures.join(QStringLiteral("; ")));
    return 0;
}

int cloudBackupUpdate(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    const CloudBackup backup = findBackup(client, parser.positionalArguments().first());
    std::optional<QString> name, description;
    if (parser.isSet(QStringLiteral("name")))
        name = optionValue(parser, "name");
    if (parser.isSet(QStringLiteral("description")))
        description = optionValue(parser, "description");
    if (!name && !description)
        throw Error(QStringLiteral("backup-update needs --name or --description."));
    const CloudBackup updated = client.updateBackup(backup.id, name, description);
    context.printObject(QJsonObject{{QStringLiteral("id"), updated.id},
                                    {QStringLiteral("name"), updated.name},
                                    {QStringLiteral("description"), updated.description}});
    return 0;
}

int cloudBackupResetState(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    const QString state = parser.isSet(QStringLiteral("state")) ? optionValue(parser, "state")
                                                                : QStringLiteral("available");
    // Cinder accepts only these two (cinder/backup/api.py reset_status)
    if (state != QLatin1String("available") && state != QLatin1String("error"))
        throw Error(QStringLiteral("Invalid state '%1': Cinder resets a backup only to available "
                                   "or error.")
                        .arg(state));
    QStringList failures;
    for (const QString& reference : parser.positionalArguments()) {
        try {
            client.resetBackupState(findBackup(client, reference, true).id, state);
        } catch (const Error& error) {
            failures << QStringLiteral("Reset state for backup %1 failed: %2")
                            .arg(reference, error.message());
        }
    }
    if (!failures.isEmpty())
        throw Error(failures.join(QStringLiteral("; ")));
    return 0;
}

int cloudBackupExport(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    const cloud::ExportedRecord record =
        client.exportRecord(findBackup(client, parser.positionalArguments().first(), true).id);
    context.printObject(QJsonObject{{QStringLiteral("backup_service"), record.backupService},
                                    {QStringLiteral("backup_url"), record.backupUrl}});
    return 0;
}

int cloudBackupImport(Context& context, QCommandLineParser& parser)
{
    cloud::ExportedRecord record;
    record.backupService = parser.positionalArguments().at(0);
    record.backupUrl = parser.positionalArguments().at(1);
    const CloudBackup backup = context.cloud().importRecord(record);
    context.printObject(
        QJsonObject{{QStringLiteral("id"), backup.id}, {QStringLiteral("name"), backup.name}});
    return 0;
}

// The disaster-recovery path: a cloud backup whose store this computer reaches (the same
// Swift account, Ceph pool or posix share, configured as a backend) enters the local
// catalog from its export record; Ember's engine then restores and verifies it alone.
int backupPull(Context& context, QCommandLineParser& parser)
{
    CinderClient& client = context.cloud();
    const CloudBackup cloudBackup = findBackup(client, parser.positionalArguments().first(), true);
    const cloud::ExportedRecord exported = client.exportRecord(cloudBackup.id);
    BackupRecord record;
    record.backupService = exported.backupService;
    record.backupUrl = exported.backupUrl;
    const Backup backup = context.backups().importBackup(record, optionValue(parser, "backend"));
    context.printObject(backupJson(backup), {{QStringLiteral("id"), backup.id},
                                             {QStringLiteral("volume_id"), backup.volumeId},
                                             {QStringLiteral("parent_id"), backup.parentId},
                                             {QStringLiteral("status"), backup.status},
                                             {QStringLiteral("backend"), backup.backendName}});
    return 0;
}

// The other way: an Ember backup enters the cloud's database from its export record, so
// Cinder restores it there (its backup service must reach the same store).
int backupPush(Context& context, QCommandLineParser& parser)
{
    const BackupRecord record =
        context.backups().exportBackup(parser.positionalArguments().first());
    cloud::ExportedRecord exported;
    exported.backupService = record.backupService;
    exported.backupUrl = record.backupUrl;
    CloudBackup backup = context.cloud().importRecord(exported);
    if (parser.isSet(QStringLiteral("wait")))
        backup = waitForBackup(context.cloud(), backup.id, waitTimeout(parser));
    context.printObject(QJsonObject{{QStringLiteral("id"), backup.id},
                                    {QStringLiteral("name"), backup.name},
                                    {QStringLiteral("status"), backup.status}});
    return 0;
}

} // namespace

QList<Command> cloudCommands()
{
    const auto text = &valueOption;
    const auto flag = &flagOption;
    auto listFilters = [=](QCommandLineParser& p) {
        p.addOption(flag("all-projects", "Every project's (admin; also --all-tenants)."));
        p.addOption(flag("all-tenants", "Same as --all-projects."));
        p.addOption(text("project-id", "With --all-projects: only this project.", "PROJECT"));
        p.addOption(text("name", "Only these names.", "NAME"));
        p.addOption(text("status", "Only this status.", "STATUS"));
    };
    auto waitOptions = [=](QCommandLineParser& p) {
        p.addOption(flag("wait", "Wait until Cinder finishes (it reports no percentage)."));
        p.addOption(text("wait-timeout", "Give up waiting after this many seconds.", "SECONDS"));
    };
    QList<Command> list;
    list << Command{QStringLiteral("volume-list"),
                    QString(),
                    QStringLiteral("Lists the cloud's volumes."),
                    listFilters,
                    cloudVolumeList,
                    0,
                    0};
    list << Command{QStringLiteral("volume-show"),
                    QStringLiteral("VOLUME"),
                    QStringLiteral("Shows a cloud volume."),
                    nullptr,
                    cloudVolumeShow,
                    1,
                    1};
    list << Command{QStringLiteral("backup-list"),
                    QString(),
                    QStringLiteral("Lists the cloud's backups."),
                    [=](QCommandLineParser& p) {
                        listFilters(p);
                        p.addOption(text("volume-id", "Only backups of this volume.", "VOLUME"));
                    },
                    cloudBackupList,
                    0,
                    0};
    list << Command{QStringLiteral("backup-show"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Shows a cloud backup."),
                    nullptr,
                    cloudBackupShow,
                    1,
                    1};
    list << Command{
        QStringLiteral("backup-create"),
        QStringLiteral("VOLUME"),
        QStringLiteral("Asks Cinder to back a volume up."),
        [=](QCommandLineParser& p) {
            p.addOption(flag("incremental", "Incremental (on the volume's latest backup)."));
            p.addOption(flag("force", "Back up an in-use volume."));
            p.addOption(text("name", "Backup name.", "NAME"));
            p.addOption(text("description", "Backup description.", "TEXT"));
            p.addOption(text("container", "Backup container.", "CONTAINER"));
            p.addOption(text("snapshot-id", "Back up this snapshot of the volume.", "SNAPSHOT"));
            waitOptions(p);
        },
        cloudBackupCreate,
        1,
        1};
    list << Command{QStringLiteral("backup-restore"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Asks Cinder to restore a backup."),
                    [=](QCommandLineParser& p) {
                        p.addOption(text("volume", "Into this volume (else a new one).", "VOLUME"));
                        p.addOption(text("name", "Name of the new volume.", "NAME"));
                        waitOptions(p);
                    },
                    cloudBackupRestore,
                    1,
                    1};
    list << Command{QStringLiteral("backup-delete"),
                    QStringLiteral("BACKUP [BACKUP...]"),
                    QStringLiteral("Asks Cinder to delete backups (newest first)."),
                    [=](QCommandLineParser& p) {
                        p.addOption(flag("force", "Delete whatever the status (admin)."));
                    },
                    cloudBackupDelete,
                    1,
                    -1};
    list << Command{QStringLiteral("backup-update"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Renames a cloud backup or changes its description."),
                    [=](QCommandLineParser& p) {
                        p.addOption(text("name", "New name.", "NAME"));
                        p.addOption(text("description", "New description.", "TEXT"));
                    },
                    cloudBackupUpdate,
                    1,
                    1};
    list << Command{QStringLiteral("backup-reset-state"),
                    QStringLiteral("BACKUP [BACKUP...]"),
                    QStringLiteral("Sets a cloud backup's status (admin)."),
                    [=](QCommandLineParser& p) {
                        p.addOption(text("state", "available (default) or error.", "STATE"));
                    },
                    cloudBackupResetState,
                    1,
                    -1};
    list << Command{QStringLiteral("backup-export"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Prints a cloud backup's export record (admin)."),
                    nullptr,
                    cloudBackupExport,
                    1,
                    1};
    list << Command{QStringLiteral("backup-import"),
                    QStringLiteral("SERVICE URL"),
                    QStringLiteral("Imports an export record into the cloud (admin)."),
                    nullptr,
                    cloudBackupImport,
                    2,
                    2};
    list << Command{
        QStringLiteral("backup-pull"),
        QStringLiteral("BACKUP"),
        QStringLiteral("Copies a cloud backup's record into this computer's catalog."),
        [=](QCommandLineParser& p) {
            p.addOption(text("backend", "The local backend that reaches its store.", "BACKEND"));
        },
        backupPull,
        1,
        1};
    list << Command{QStringLiteral("backup-push"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Imports a backup of this computer's catalog into the cloud."),
                    waitOptions,
                    backupPush,
                    1,
                    1};
    return list;
}

} // namespace ember::cli
