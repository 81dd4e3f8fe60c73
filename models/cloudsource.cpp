#include "cloudsource.h"

#include "backendregistry.h"
#include "backuprecord.h"
#include "chainrules.h"
#include "jobrunner.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSaveFile>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <thread>
#include <vector>

namespace ember::ui {

using namespace ember::cloud;

namespace {

constexpr qint64 GiB = Q_INT64_C(1) << 30;

QString noPercentageNote()
{
    return QCoreApplication::translate("CloudSource", "Cinder reports no percentage");
}

// A Cinder error with Cinder's own words in it.
[[noreturn]] void rethrowWithCinderMessage(const CloudError& error)
{
    const QString cinder = error.cinderMessage();
    if (cinder.isEmpty() || error.message().contains(cinder))
        throw error;
    throw CloudError(error.kind(), error.message() + QStringLiteral(": ") + cinder,
                     error.httpStatus(), cinder);
}

// Sleeps in short steps so a cancel is seen quickly.
void pause(OperationControl& control, int ms, const QString& cancelledText)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms) {
        if (control.isCancelRequested())
            throw Cancelled(cancelledText);
        QThread::msleep(static_cast<unsigned long>(qMin<qint64>(100, ms - clock.elapsed() + 1)));
    }
}

// Follows a status until it is one of `finalStates` (or the object is gone when
// `goneIsFinal`), logging each transition with the time since the job started.
// Returns the final status ("" when gone).
QString followStatus(OperationControl& control, const QString& what,
                     const std::function<QString()>& readStatus, const QStringList& finalStates,
                     bool goneIsFinal, int pollMs, const QString& firstStatus = {})
{
    QElapsedTimer clock;
    clock.start();
    QString last = firstStatus;
    if (!last.isEmpty()) {
        control.log(QCoreApplication::translate("CloudSource", "%1: %2").arg(what, last));
        control.setPhase(last, 0);
    }
    const QString cancelled = QCoreApplication::translate(
                                  "CloudSource", "Stopped following %1; Cinder carries on with it.")
                                  .arg(what);
    for (;;) {
        QString status;
        try {
            status = readStatus();
        } catch (const CloudError& error) {
            if (error.kind() != CloudErrorKind::NotFound || !goneIsFinal)
                rethrowWithCinderMessage(error);
            status.clear();
        }
        const QString shown = status.isEmpty() ? QStringLiteral("gone") : status;
        if (shown != last) {
            const qint64 seconds = clock.elapsed() / 1000;
            control.log(last.isEmpty()
                            ? QCoreApplication::translate("CloudSource", "%1 s: %2 %3")
                                  .arg(seconds)
                                  .arg(what, shown)
                            : QCoreApplication::translate("CloudSource", "%1 s: %2 %3 → %4")
                                  .arg(seconds)
                                  .arg(what, last, shown));
            control.setPhase(shown, 0);
            last = shown;
        }
        if (status.isEmpty() || finalStates.contains(status))
            return status;
        pause(control, pollMs, cancelled);
    }
}

QString shortId(const QString& id)
{
    return id.left(8);
}

QJsonObject metadataObject(const QMap<QString, QString>& metadata)
{
    QJsonObject object;
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

QString volumeLabel(const SourceSnapshot& snapshot, const QString& volumeId)
{
    const auto volume = snapshot.volume(volumeId);
    return volume && !volume->name.isEmpty() ? volume->name : volumeId;
}

} // namespace

Volume toVolume(const CloudVolume& cloudVolume)
{
    Volume volume;
    volume.id = cloudVolume.id;
    volume.name = cloudVolume.name;
    volume.kind = VolumeKind::Rbd;
    volume.sizeBytes = cloudVolume.sizeGiB * GiB;
    volume.status = cloudVolume.status;
    volume.createdAt = cloudVolume.createdAt;
    volume.updatedAt = cloudVolume.createdAt;
    return volume;
}

Backup toBackup(const CloudBackup& cloudBackup)
{
    Backup backup;
    backup.id = cloudBackup.id;
    backup.displayName = cloudBackup.name;
    backup.displayDescription = cloudBackup.description;
    backup.volumeId = cloudBackup.volumeId;
    backup.snapshotId = cloudBackup.snapshotId;
    backup.projectId = cloudBackup.projectId;
    backup.userId = cloudBackup.userId;
    backup.status = cloudBackup.status;
    backup.failReason = cloudBackup.failReason;
    backup.container = cloudBackup.container;
    backup.availabilityZone = cloudBackup.availabilityZone;
    backup.size = cloudBackup.sizeGiB;
    backup.objectCount = cloudBackup.objectCount;
    // Cinder says only whether there are dependents, not how many.
    backup.numDependentBackups = cloudBackup.hasDependentBackups ? 1 : 0;
    backup.createdAt = cloudBackup.createdAt;
    backup.updatedAt = cloudBackup.updatedAt;
    backup.dataTimestamp = cloudBackup.dataTimestamp;
    backup.metadata = metadataObject(cloudBackup.metadata);
    return backup;
}

SourceSnapshot buildCloudSnapshot(const QList<CloudVolume>& volumes,
                                  const QList<CloudBackup>& backups,
                                  const QHash<QString, QString>& knownParents, bool complete)
{
    SourceSnapshot snapshot;
    snapshot.kind = SourceKind::Cloud;
    snapshot.complete = complete;
    QSet<QString> projects;
    snapshot.volumes.reserve(volumes.size());
    for (const CloudVolume& cloudVolume : volumes) {
        snapshot.volumes.append(toVolume(cloudVolume));
        snapshot.volumeFacts.insert(cloudVolume.id,
                                    CloudVolumeFacts{cloudVolume.projectId, cloudVolume.volumeType,
                                                     cloudVolume.attachedTo, cloudVolume.bootable});
        if (!cloudVolume.projectId.isEmpty())
            projects.insert(cloudVolume.projectId);
    }
    QList<cloudchains::ChainInput> inputs;
    inputs.reserve(backups.size());
    for (const CloudBackup& cloudBackup : backups) {
        inputs.append(
            {toBackup(cloudBackup), cloudBackup.isIncremental, cloudBackup.hasDependentBackups});
        if (!cloudBackup.projectId.isEmpty())
            projects.insert(cloudBackup.projectId);
    }
    const auto links = cloudchains::resolveChains(inputs, knownParents);
    snapshot.backups.reserve(inputs.size());
    for (const cloudchains::ChainInput& input : std::as_const(inputs)) {
        Backup backup = input.backup;
        const cloudchains::ChainLink link = links.value(backup.id);
        backup.parentId = link.parentId;
        CloudBackupFacts facts;
        facts.incremental = input.incremental;
        facts.hasDependentBackups = input.hasDependentBackups;
        facts.link = link.origin;
        // A partial list misses parents and children that later pages bring.
        if (complete)
            facts.chainProblem = link.problem;
        snapshot.backupFacts.insert(backup.id, facts);
        snapshot.backups.append(std::move(backup));
    }
    snapshot.projects = QStringList(projects.begin(), projects.end());
    snapshot.projects.sort();
    return snapshot;
}

namespace {

QJsonObject volumeToJson(const CloudVolume& v)
{
    return {{"id", v.id},
            {"name", v.name},
            {"project_id", v.projectId},
            {"status", v.status},
            {"volume_type", v.volumeType},
            {"availability_zone", v.availabilityZone},
            {"size", v.sizeGiB},
            {"bootable", v.bootable},
            {"attached_to", QJsonArray::fromStringList(v.attachedTo)},
            {"created_at", v.createdAt.toString(Qt::ISODateWithMs)}};
}

CloudVolume volumeFromJson(const QJsonObject& o)
{
    CloudVolume v;
    v.id = o.value("id").toString();
    v.name = o.value("name").toString();
    v.projectId = o.value("project_id").toString();
    v.status = o.value("status").toString();
    v.volumeType = o.value("volume_type").toString();
    v.availabilityZone = o.value("availability_zone").toString();
    v.sizeGiB = o.value("size").toInteger();
    v.bootable = o.value("bootable").toBool();
    for (const QJsonValue& server : o.value("attached_to").toArray())
        v.attachedTo.append(server.toString());
    v.createdAt = QDateTime::fromString(o.value("created_at").toString(), Qt::ISODateWithMs);
    return v;
}

QJsonObject backupToJson(const CloudBackup& b)
{
    return {{"id", b.id},
            {"name", b.name},
            {"volume_id", b.volumeId},
            {"snapshot_id", b.snapshotId},
            {"project_id", b.projectId},
            {"status", b.status},
            {"fail_reason", b.failReason},
            {"container", b.container},
            {"availability_zone", b.availabilityZone},
            {"size", b.sizeGiB},
            {"object_count", b.objectCount},
            {"is_incremental", b.isIncremental},
            {"has_dependent_backups", b.hasDependentBackups},
            {"created_at", b.createdAt.toString(Qt::ISODateWithMs)},
            {"updated_at", b.updatedAt.toString(Qt::ISODateWithMs)},
            {"data_timestamp", b.dataTimestamp.toString(Qt::ISODateWithMs)}};
}

CloudBackup backupFromJson(const QJsonObject& o)
{
    CloudBackup b;
    b.id = o.value("id").toString();
    b.name = o.value("name").toString();
    b.volumeId = o.value("volume_id").toString();
    b.snapshotId = o.value("snapshot_id").toString();
    b.projectId = o.value("project_id").toString();
    b.status = o.value("status").toString();
    b.failReason = o.value("fail_reason").toString();
    b.container = o.value("container").toString();
    b.availabilityZone = o.value("availability_zone").toString();
    b.sizeGiB = o.value("size").toInteger();
    b.objectCount = o.value("object_count").toInteger();
    b.isIncremental = o.value("is_incremental").toBool();
    b.hasDependentBackups = o.value("has_dependent_backups").toBool();
    b.createdAt = QDateTime::fromString(o.value("created_at").toString(), Qt::ISODateWithMs);
    b.updatedAt = QDateTime::fromString(o.value("updated_at").toString(), Qt::ISODateWithMs);
    b.dataTimestamp =
        QDateTime::fromString(o.value("data_timestamp").toString(), Qt::ISODateWithMs);
    return b;
}

} // namespace

std::optional<CloudListing> readCloudListing(const QString& path, const QString& cloudName)
{
    if (path.isEmpty())
        return std::nullopt;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject mine =
        QJsonDocument::fromJson(file.readAll()).object().value(cloudName).toObject();
    const QDateTime savedAt =
        QDateTime::fromString(mine.value("saved_at").toString(), Qt::ISODateWithMs);
    if (mine.isEmpty() || !savedAt.isValid())
        return std::nullopt;
    CloudListing listing;
    listing.savedAt = savedAt;
    listing.projectFilter = mine.value("project_filter").toString();
    for (const QJsonValue& volume : mine.value("volumes").toArray())
        listing.volumes.append(volumeFromJson(volume.toObject()));
    for (const QJsonValue& backup : mine.value("backups").toArray())
        listing.backups.append(backupFromJson(backup.toObject()));
    return listing;
}

bool writeCloudListing(const QString& path, const QString& cloudName, const CloudListing& listing,
                       bool inDataDirectory)
{
    if (path.isEmpty())
        return false;
    QJsonObject clouds;
    QFile existing(path);
    if (existing.open(QIODevice::ReadOnly))
        clouds = QJsonDocument::fromJson(existing.readAll()).object();
    QJsonArray volumes, backups;
    for (const CloudVolume& volume : listing.volumes)
        volumes.append(volumeToJson(volume));
    for (const CloudBackup& backup : listing.backups)
        backups.append(backupToJson(backup));
    clouds.insert(cloudName, QJsonObject{{"saved_at", listing.savedAt.toString(Qt::ISODateWithMs)},
                                         {"project_filter", listing.projectFilter},
                                         {"volumes", volumes},
                                         {"backups", backups}});
    try {
        if (inDataDirectory)
            privateDataDirectory();
        else
            QDir().mkpath(QFileInfo(path).absolutePath());
    } catch (const Error&) {
        return false; // only a cache
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    // The names of a cloud's volumes and backups are the owner's business.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(clouds).toJson(QJsonDocument::Compact));
    return file.commit();
}

// Lives on the source's thread: every request to the cloud for the lists is
// made here, never on the UI thread.
class CloudSourceWorker : public QObject
{
    Q_OBJECT
public:
    CloudSourceWorker(CloudSource* source, std::shared_ptr<KeystoneSession> session,
                      std::shared_ptr<std::atomic<bool>> stop, QString cloudName)
        : m_source(source), m_session(std::move(session)), m_stop(std::move(stop)),
          m_cloudName(std::move(cloudName))
    {
    }

    int firstIntervalMs = 5000;
    int maxIntervalMs = 60000;
    int pageSize = 200;
    int parallelExports = 4; // export-record requests at a time
    QString projectFilter;
    QString cacheFile;
    bool cacheInDataDirectory = false; // the default: made private (0700) before writing
    QString listingFile;               // the last complete listing (empty: none kept)
    bool cacheLoaded = false;

    void begin()
    {
        m_timer = new QTimer(this);
        m_timer->setSingleShot(true);
        connect(m_timer, &QTimer::timeout, this, [this] { load(false); });
        m_interval = firstIntervalMs;
        showKeptListing();
        load(true);
    }

    // A user action or a finished job: load now and poll fast again.
    void loadNow()
    {
        m_refreshQueued.store(false);
        m_interval = firstIntervalMs;
        // Exports that failed (e.g. the backup was restoring) are tried again.
        m_exportFailed.clear();
        load(true);
    }
    std::atomic<bool> m_refreshQueued{false};

private:
    bool stopping() const { return m_stop->load(); }

    template <typename Call> void post(Call call)
    {
        QMetaObject::invokeMethod(m_source, std::move(call), Qt::QueuedConnection);
    }

    void publish(SourceSnapshot snapshot, bool finalOfLoad)
    {
        auto shared = std::make_shared<const SourceSnapshot>(std::move(snapshot));
        CloudSource* source = m_source;
        post([source, shared, finalOfLoad] { source->acceptSnapshot(shared, finalOfLoad); });
    }

    void progress(qint64 loaded, qint64 total)
    {
        CloudSource* source = m_source;
        post([source, loaded, total] { Q_EMIT source->loadProgress(loaded, total); });
    }

    static QByteArray fingerprint(const QList<CloudVolume>& volumes,
                                  const QList<CloudBackup>& backups)
    {
        QByteArray text;
        for (const CloudVolume& v : volumes)
            text += (QStringList{v.id, v.name, v.status, v.projectId, v.volumeType,
                                 QString::number(v.sizeGiB), QString::number(v.bootable),
                                 v.attachedTo.join(QLatin1Char(','))}
                         .join(QLatin1Char('|')) +
                     QLatin1Char('\n'))
                        .toUtf8();
        for (const CloudBackup& b : backups)
            text += (QStringList{b.id, b.name, b.description, b.status, b.failReason,
                                 QString::number(b.sizeGiB), QString::number(b.objectCount),
                                 QString::number(b.hasDependentBackups), b.container,
                                 b.updatedAt.toString(Qt::ISODateWithMs)}
                         .join(QLatin1Char('|')) +
                     QLatin1Char('\n'))
                        .toUtf8();
        return text;
    }

    void loadCache()
    {
        cacheLoaded = true;
        if (cacheFile.isEmpty())
            return;
        QFile file(cacheFile);
        if (!file.open(QIODevice::ReadOnly))
            return;
        const QJsonObject clouds = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonObject mine = clouds.value(m_cloudName).toObject();
        for (auto it = mine.begin(); it != mine.end(); ++it)
            if (isCanonicalUuid(it.key()) && isCanonicalUuid(it.value().toString()))
                m_parents.insert(it.key(), it.value().toString());
    }

    void saveCache()
    {
        if (cacheFile.isEmpty())
            return;
        QJsonObject clouds;
        QFile existing(cacheFile);
        if (existing.open(QIODevice::ReadOnly))
            clouds = QJsonDocument::fromJson(existing.readAll()).object();
        QJsonObject mine;
        for (auto it = m_parents.begin(); it != m_parents.end(); ++it)
            mine.insert(it.key(), it.value());
        clouds.insert(m_cloudName, mine);
        try {
            if (cacheInDataDirectory)
                privateDataDirectory();
            else
                QDir().mkpath(QFileInfo(cacheFile).absolutePath());
        } catch (const Error&) {
            return; // only a cache
        }
        QSaveFile file(cacheFile);
        if (!file.open(QIODevice::WriteOnly))
            return; // only a cache: the parents are fetched again next time
        file.write(QJsonDocument(clouds).toJson(QJsonDocument::Compact));
        file.commit();
    }

    // The listing kept from the last session, shown before the login: marked
    // stale until the live pages replace it.
    void showKeptListing()
    {
        if (!cacheLoaded)
            loadCache();
        const std::optional<CloudListing> kept = readCloudListing(listingFile, m_cloudName);
        if (!kept || kept->projectFilter != projectFilter ||
            (kept->volumes.isEmpty() && kept->backups.isEmpty()))
            return;
        m_kept = *kept;
        SourceSnapshot snapshot =
            buildCloudSnapshot(m_kept.volumes, m_kept.backups, m_parents, true);
        snapshot.staleAsOf = m_kept.savedAt;
        publish(std::move(snapshot), false);
    }

    // While a kept listing is shown, a live page replaces its entries and the
    // rest of the kept listing stays until its own page comes.
    template <typename Item>
    QList<Item> withKept(const QList<Item>& live, const QList<Item>& kept) const
    {
        if (kept.isEmpty())
            return live;
        QSet<QString> seen;
        seen.reserve(live.size());
        for (const Item& item : live)
            seen.insert(item.id);
        QList<Item> merged = live;
        for (const Item& item : kept)
            if (!seen.contains(item.id))
                merged.append(item);
        return merged;
    }

    // The available incrementals whose parent is not known yet.
    QStringList parentsToFetch(const QList<CloudBackup>& backups) const
    {
        QStringList ids;
        for (const CloudBackup& backup : backups)
            if (backup.isIncremental && backup.status == BackupStatus::Available &&
                !m_parents.contains(backup.id) && !m_exportFailed.contains(backup.id))
                ids.append(backup.id);
        return ids;
    }

    // Admins: the parent of each available incremental from its export record,
    // once per backup (a backup's parent never changes). A few requests run at
    // a time (each on its own thread and client; the session is shared): one
    // at a time, a cold cloud of 2,000 backups took minutes. A stop is seen
    // between requests; the parents read so far are kept in the cache.
    bool fetchParents(const QList<CloudBackup>& backups)
    {
        const QStringList ids = parentsToFetch(backups);
        if (ids.isEmpty())
            return false;
        struct Result
        {
            QString id, parentId;
            bool failed = false;
        };
        std::atomic<qsizetype> next{0};
        const int workers = static_cast<int>(qMin<qsizetype>(parallelExports, ids.size()));
        std::vector<std::vector<Result>> results(static_cast<size_t>(workers));
        auto fetch = [&](std::vector<Result>& mine) {
            CinderClient client(m_session);
            for (qsizetype i = next++; i < ids.size() && !stopping(); i = next++) {
                Result result{ids.at(i), QString(), false};
                try {
                    const ExportedRecord record = client.exportRecord(result.id);
                    result.parentId =
                        ember::importRecord({record.backupService, record.backupUrl}).parentId;
                } catch (const Error&) {
                    // Not exportable now (e.g. it started restoring): inferred instead.
                    result.failed = true;
                }
                mine.push_back(std::move(result));
            }
        };
        std::vector<std::thread> threads;
        for (int w = 1; w < workers; ++w)
            threads.emplace_back(fetch, std::ref(results[static_cast<size_t>(w)]));
        fetch(results[0]);
        for (std::thread& thread : threads)
            thread.join();
        bool added = false;
        for (const std::vector<Result>& mine : results) {
            for (const Result& result : mine) {
                if (result.failed) {
                    m_exportFailed.insert(result.id);
                } else if (!result.parentId.isEmpty()) {
                    m_parents.insert(result.id, result.parentId);
                    added = true;
                }
            }
        }
        if (added)
            saveCache();
        return added;
    }

    void load(bool userAction)
    {
        if (stopping())
            return;
        m_timer->stop();
        bool changed = false;
        try {
            if (!m_client)
                m_client = std::make_unique<CinderClient>(m_session);
            if (!cacheLoaded)
                loadCache();
            const Token token = m_session->token();
            const bool admin = token.isAdmin();
            {
                CloudSource* source = m_source;
                const QString project = token.projectId;
                post([source, admin, project] { source->acceptIdentity(admin, project); });
            }
            ListOptions options;
            options.allProjects = admin;
            options.projectId = admin ? projectFilter : QString();
            options.pageSize = pageSize;
            const bool progressive = !m_publishedOnce;

            QList<CloudVolume> volumes;
            QList<CloudBackup> backups;
            qint64 totalVolumes = -1, totalBackups = -1;
            auto total = [&] {
                return totalVolumes < 0 || totalBackups < 0 ? qint64(-1)
                                                            : totalVolumes + totalBackups;
            };
            QString marker;
            do {
                Page<CloudVolume> page = m_client->listVolumes(options, marker);
                volumes.append(page.items);
                totalVolumes = page.totalCount;
                // An empty page or the same marker again would page forever.
                marker =
                    page.items.isEmpty() || page.nextMarker == marker ? QString() : page.nextMarker;
                if (stopping())
                    return;
                progress(volumes.size(), total());
                if (progressive) {
                    SourceSnapshot partial = buildCloudSnapshot(withKept(volumes, m_kept.volumes),
                                                                m_kept.backups, m_parents, false);
                    partial.totalVolumes = totalVolumes;
                    partial.staleAsOf = m_kept.savedAt;
                    publish(std::move(partial), false);
                }
            } while (!marker.isEmpty());
            do {
                Page<CloudBackup> page = m_client->listBackups(options, marker);
                backups.append(page.items);
                totalBackups = page.totalCount;
                // An empty page or the same marker again would page forever.
                marker =
                    page.items.isEmpty() || page.nextMarker == marker ? QString() : page.nextMarker;
                if (stopping())
                    return;
                progress(volumes.size() + backups.size(), total());
                if (progressive && !marker.isEmpty()) {
                    SourceSnapshot partial = buildCloudSnapshot(
                        volumes, withKept(backups, m_kept.backups), m_parents, false);
                    partial.totalVolumes = totalVolumes;
                    partial.totalBackups = totalBackups;
                    partial.staleAsOf = m_kept.savedAt;
                    publish(std::move(partial), false);
                }
            } while (!marker.isEmpty());

            QHash<QString, ProjectQuota> quotas;
            QStringList quotaProjects{token.projectId};
            if (admin && !projectFilter.isEmpty() && projectFilter != token.projectId)
                quotaProjects.append(projectFilter);
            for (const QString& project : quotaProjects) {
                try {
                    const BackupQuota quota = m_client->backupQuota(project);
                    quotas.insert(project, {quota.backupsInUse, quota.backupsLimit,
                                            quota.gigabytesInUse, quota.gigabytesLimit});
                } catch (const CloudError&) {
                    // The role may not show quotas: the panel then shows none.
                }
            }

            auto build = [&] {
                SourceSnapshot snapshot = buildCloudSnapshot(volumes, backups, m_parents, true);
                snapshot.totalVolumes = totalVolumes < 0 ? volumes.size() : totalVolumes;
                snapshot.totalBackups = totalBackups < 0 ? backups.size() : totalBackups;
                snapshot.quotas = quotas;
                return snapshot;
            };
            QByteArray print = fingerprint(volumes, backups);
            for (auto it = quotas.begin(); it != quotas.end(); ++it)
                print += QStringLiteral("%1|%2|%3|%4|%5\n")
                             .arg(it.key())
                             .arg(it->backupsInUse)
                             .arg(it->backupsLimit)
                             .arg(it->gigabytesInUse)
                             .arg(it->gigabytesLimit)
                             .toUtf8();
            changed = print != m_lastPrint || projectFilter != m_lastFilter;
            const bool show = changed || !m_publishedOnce || userAction;
            const bool needParents = admin && !parentsToFetch(backups).isEmpty();
            if (show) {
                // Show the list first, then the links read from export records.
                publish(build(), !needParents);
                m_publishedOnce = true;
            }
            if (changed || !m_kept.savedAt.isNull()) {
                // Kept for the next session's first page (ids, names, states, sizes).
                CloudListing listing;
                listing.projectFilter = projectFilter;
                listing.savedAt = QDateTime::currentDateTimeUtc();
                listing.volumes = volumes;
                listing.backups = backups;
                writeCloudListing(listingFile, m_cloudName, listing, cacheInDataDirectory);
                m_kept = {};
            }
            m_lastPrint = print;
            m_lastFilter = projectFilter;
            if (needParents) {
                if (fetchParents(backups)) {
                    changed = true;
                    publish(build(), true);
                } else if (show) {
                    // No new link: the list shown is the load's result, not
                    // published a second time.
                    CloudSource* source = m_source;
                    post([source] { source->finishLoad(); });
                }
            }
            m_lastError.clear();
        } catch (const Error& error) {
            // Said once per failure, not at every retry.
            const QString message = error.message();
            if (message != m_lastError) {
                m_lastError = message;
                CloudSource* source = m_source;
                post([source, message] { Q_EMIT source->loadFailed(message); });
            }
        }
        if (stopping())
            return;
        // Back-off: fast again after a change, slower while nothing changes.
        m_interval = changed || userAction ? firstIntervalMs : qMin(m_interval * 2, maxIntervalMs);
        {
            CloudSource* source = m_source;
            const int interval = m_interval;
            post([source, interval] { source->acceptInterval(interval); });
        }
        m_timer->start(m_interval);
    }

    CloudSource* m_source;
    std::shared_ptr<KeystoneSession> m_session;
    std::shared_ptr<std::atomic<bool>> m_stop;
    QString m_cloudName;
    std::unique_ptr<CinderClient> m_client;
    QTimer* m_timer = nullptr;
    int m_interval = 5000;
    bool m_publishedOnce = false;
    QByteArray m_lastPrint;
    QString m_lastFilter;
    QHash<QString, QString> m_parents; // backup id -> parent id, from export records
    CloudListing m_kept;               // shown until the live list is complete
    QSet<QString> m_exportFailed;
    QString m_lastError;
};

CloudSource::CloudSource(const CloudProfile& profile, QObject* parent)
    : CloudSource(std::make_shared<KeystoneSession>(profile), parent)
{
}

CloudSource::CloudSource(std::shared_ptr<KeystoneSession> session, QObject* parent)
    : Source(parent), m_session(std::move(session)), m_name(m_session->profile().name),
      m_stop(std::make_shared<std::atomic<bool>>(false)),
      m_empty(std::make_shared<const SourceSnapshot>(buildCloudSnapshot({}, {}, {}, false)))
{
    m_thread.setObjectName(QStringLiteral("ember-cloud-source"));
    m_worker = new CloudSourceWorker(this, m_session, m_stop, m_name);
    try {
        const QDir data(defaultDataDirectory());
        m_worker->cacheFile = data.filePath(QStringLiteral("cloud-chains.json"));
        m_worker->listingFile = data.filePath(QStringLiteral("cloud-listings.json"));
        m_worker->cacheInDataDirectory = true;
    } catch (const Error&) {
        m_worker->cacheFile.clear();
        m_worker->listingFile.clear();
    }
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_currentIntervalMs = m_firstIntervalMs;
}

CloudSource::~CloudSource()
{
    m_stop->store(true);
    // A thread that ran deletes the worker when it finishes (deleteLater above); a
    // source that was never started still owns it.
    const bool started = m_thread.isRunning() || m_thread.isFinished();
    m_thread.quit();
    m_thread.wait();
    if (!started)
        delete m_worker;
}

QString CloudSource::id() const
{
    return QStringLiteral("cloud:") + m_name;
}

QString CloudSource::displayName() const
{
    return m_name;
}

Capabilities CloudSource::capabilities() const
{
    Capabilities capabilities = Capability::CreateBackup | Capability::Restore |
                                Capability::Delete | Capability::UpdateBackup;
    if (m_isAdmin)
        capabilities |= Capability::ForceDelete | Capability::ResetState |
                        Capability::ExportRecord | Capability::ImportRecord |
                        Capability::AllProjects;
    return capabilities;
}

std::shared_ptr<const SourceSnapshot> CloudSource::snapshot() const
{
    return m_snapshot ? m_snapshot : m_empty;
}

void CloudSource::start()
{
    if (m_thread.isRunning())
        return;
    m_thread.start();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->begin(); }, Qt::QueuedConnection);
}

void CloudSource::refreshNow()
{
    if (!m_thread.isRunning())
        return;
    m_currentIntervalMs = m_firstIntervalMs;
    // Several requests while a load runs make one more load, not many.
    if (m_worker->m_refreshQueued.exchange(true))
        return;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->loadNow(); }, Qt::QueuedConnection);
}

void CloudSource::setProjectFilter(const QString& projectId)
{
    m_projectFilter = projectId;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, projectId] { worker->projectFilter = projectId; },
        Qt::QueuedConnection);
    refreshNow();
}

void CloudSource::setPollIntervals(int firstMs, int maxMs)
{
    const int first = qMax(50, firstMs);
    const int max = qMax(first, maxMs);
    m_currentIntervalMs = first;
    m_firstIntervalMs = first;
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, first, max] {
            worker->firstIntervalMs = first;
            worker->maxIntervalMs = max;
        },
        Qt::QueuedConnection);
    // Before start() the call waits in the queue and runs ahead of the first load.
}

void CloudSource::setPageSize(int items)
{
    const int size = qBound(1, items, 1000);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, size] { worker->pageSize = size; }, Qt::QueuedConnection);
}

void CloudSource::setListingCacheFile(const QString& path)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, path] { worker->listingFile = path; }, Qt::QueuedConnection);
}

void CloudSource::setParentCacheFile(const QString& path)
{
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, path] {
            worker->cacheFile = path;
            worker->cacheInDataDirectory = false;
            worker->cacheLoaded = false;
        },
        Qt::QueuedConnection);
}

void CloudSource::acceptSnapshot(std::shared_ptr<const SourceSnapshot> snapshot, bool finalOfLoad)
{
    // Pages arriving faster than the panels can show them are coalesced: one
    // every ApplyIntervalMs, each applying and painting once. The first and a
    // load's final snapshot are applied at once.
    if (!finalOfLoad && m_snapshot && m_sinceApplied.isValid() &&
        m_sinceApplied.elapsed() < ApplyIntervalMs) {
        m_pending = std::move(snapshot);
        if (!m_applyTimer) {
            m_applyTimer = new QTimer(this);
            m_applyTimer->setSingleShot(true);
            connect(m_applyTimer, &QTimer::timeout, this, [this] {
                if (m_pending)
                    applySnapshot(std::move(m_pending));
            });
        }
        if (!m_applyTimer->isActive())
            m_applyTimer->start(
                static_cast<int>(qMax<qint64>(0, ApplyIntervalMs - m_sinceApplied.elapsed())));
        return;
    }
    if (finalOfLoad)
        ++m_loadCount;
    applySnapshot(std::move(snapshot));
}

void CloudSource::applySnapshot(std::shared_ptr<const SourceSnapshot> snapshot)
{
    m_pending.reset();
    if (m_applyTimer)
        m_applyTimer->stop();
    m_snapshot = std::move(snapshot);
    m_sinceApplied.start();
    Q_EMIT snapshotChanged();
}

void CloudSource::finishLoad()
{
    // The last snapshot published was the load's result: show it now if it waits.
    if (m_pending)
        applySnapshot(std::move(m_pending));
    ++m_loadCount;
}

void CloudSource::acceptIdentity(bool admin, const QString& projectId)
{
    m_tokenProjectId = projectId;
    if (admin == m_isAdmin)
        return;
    m_isAdmin = admin;
    Q_EMIT capabilitiesChanged();
}

QString CloudSource::adminOnly(const QString& action) const
{
    if (m_isAdmin)
        return {};
    return tr("%1 needs the admin role on %2 (Cinder's policy allows it to admins only).")
        .arg(action, m_name);
}

ActionResult CloudSource::submit(const QString& kind, const QString& title, const QString& volumeId,
                                 const QString& backupId, RemoteJobWork work)
{
    if (auto refused = needRunner())
        return *refused;
    JobRunner* runner = jobRunner();
    if (!m_runnerConnected) {
        m_runnerConnected = true;
        connect(runner, &JobRunner::jobFinished, this, [this](quint64 jobId) {
            if (m_jobs.remove(jobId))
                refreshNow();
        });
    }
    RemoteJobSpec spec;
    spec.kind = kind;
    spec.title = title;
    spec.volumeId = volumeId;
    spec.volumeName = volumeLabel(*snapshot(), volumeId);
    spec.backupId = backupId;
    spec.work = std::move(work);
    spec.noProgressNote = noPercentageNote();
    spec.cloud = m_name;
    const quint64 jobId = runner->submitRemote(std::move(spec));
    m_jobs.insert(jobId);
    return {QString(), jobId};
}

QString CloudSource::checkCreateBackup(const BackupRequest& request) const
{
    const auto current = snapshot();
    const auto volume = current->volume(request.volumeId);
    if (!volume)
        return tr("Volume %1 is not in %2's list (deleted, or another project).")
            .arg(request.volumeId, m_name);
    if (request.snapshotId.isEmpty()) {
        if (const QString verdict = ChainRules::canBackup(*volume, request.force);
            !verdict.isEmpty())
            return verdict;
    }
    if (request.incremental) {
        const auto choice = ChainRules::chooseParent(current->backupsOf(volume->id));
        if (!choice.refusal.isEmpty())
            return choice.refusal;
    }
    // Cinder reserves the quota before it starts: say so before asking.
    const auto quota = current->quotas.constFind(current->volumeFactsOf(volume->id).projectId);
    if (quota != current->quotas.constEnd()) {
        if (quota->backupsLimit >= 0 && quota->backupsInUse + 1 > quota->backupsLimit)
            return tr("Maximum number of backups allowed (%1) exceeded").arg(quota->backupsLimit);
        if (quota->gigabytesLimit >= 0 &&
            quota->gigabytesInUse + volume->sizeGiB() > quota->gigabytesLimit)
            return tr("Requested backup exceeds allowed Backup gigabytes quota. Requested %1G, "
                      "quota is %2G and %3G has been consumed.")
                .arg(volume->sizeGiB())
                .arg(quota->gigabytesLimit)
                .arg(quota->gigabytesInUse);
    }
    return {};
}

ActionResult CloudSource::createBackup(const BackupRequest& request)
{
    if (const QString refusal = checkCreateBackup(request); !refusal.isEmpty())
        return ActionResult::refused(refusal);
    auto session = m_session;
    const int pollMs = m_jobPollMs;
    const QString label = volumeLabel(*snapshot(), request.volumeId);
    return submit(
        QStringLiteral("cloud-backup"),
        (request.incremental ? tr("Incremental backup of %1") : tr("Full backup of %1")).arg(label),
        request.volumeId, QString(), [session, request, pollMs](OperationControl& control) {
            CinderClient client(session);
            cloud::CreateBackupRequest create;
            create.volumeId = request.volumeId;
            create.name = request.name;
            create.description = request.description;
            create.container = request.container;
            create.snapshotId = request.snapshotId;
            create.incremental = request.incremental;
            create.force = request.force;
            CloudBackup created;
            try {
                created = client.createBackup(create);
            } catch (const CloudError& error) {
                rethrowWithCinderMessage(error);
            }
            control.log(tr("Cinder accepted backup %1").arg(created.id));
            const QString status = followStatus(
                control, tr("backup"), [&] { return client.backup(created.id).status; },
                {BackupStatus::Available, BackupStatus::Error}, false, pollMs,
                created.status.isEmpty() ? BackupStatus::Creating : created.status);
            if (status != BackupStatus::Available) {
                const QString reason = client.backup(created.id).failReason;
                throw Error(tr("Backup %1 ended in %2: %3")
                                .arg(created.id, status,
                                     reason.isEmpty() ? tr("Cinder gives no reason") : reason));
            }
            return tr("backup %1 available").arg(created.id);
        });
}

QString CloudSource::checkRestore(const RestoreRequest& request) const
{
    const auto current = snapshot();
    const auto backup = current->backup(request.backupId);
    if (!backup)
        return tr("Backup %1 is not in %2's list.").arg(request.backupId, m_name);
    if (request.targetVolumeId.isEmpty()) {
        if (backup->status != BackupStatus::Available)
            return tr("Backup status must be available, but is \"%1\".").arg(backup->status);
        return {};
    }
    const auto target = current->volume(request.targetVolumeId);
    if (!target)
        return tr("Volume %1 is not in %2's list.").arg(request.targetVolumeId, m_name);
    return ChainRules::canRestore(*backup, *target, target->status == VolumeStatus::InUse);
}

ActionResult CloudSource::restore(const RestoreRequest& request)
{
    if (const QString refusal = checkRestore(request); !refusal.isEmpty())
        return ActionResult::refused(refusal);
    auto session = m_session;
    const int pollMs = m_jobPollMs;
    const QString target =
        request.targetVolumeId.isEmpty()
            ? (request.newVolumeName.isEmpty() ? tr("a new volume") : request.newVolumeName)
            : volumeLabel(*snapshot(), request.targetVolumeId);
    return submit(
        QStringLiteral("cloud-restore"),
        tr("Restore %1 to %2").arg(shortId(request.backupId), target), request.targetVolumeId,
        request.backupId, [session, request, pollMs](OperationControl& control) {
            CinderClient client(session);
            RestoreResult result;
            try {
                result = client.restoreBackup(request.backupId, request.targetVolumeId,
                                              request.newVolumeName);
            } catch (const CloudError& error) {
                rethrowWithCinderMessage(error);
            }
            control.log(
                tr("Cinder restores into volume %1 (%2)").arg(result.volumeId, result.volumeName));
            // The target tells the outcome; the backup goes back to available
            // whatever happened.
            const QString volumeStatus = followStatus(
                control, tr("volume"), [&] { return client.volume(result.volumeId).status; },
                {VolumeStatus::Available, VolumeStatus::Error, VolumeStatus::ErrorRestoring}, false,
                pollMs);
            followStatus(
                control, tr("backup"), [&] { return client.backup(request.backupId).status; },
                {BackupStatus::Available, BackupStatus::Error}, true, pollMs);
            if (volumeStatus != VolumeStatus::Available)
                throw Error(
                    tr("Restore into volume %1 ended in %2.").arg(result.volumeId, volumeStatus));
            return tr("restored into volume %1").arg(result.volumeId);
        });
}

QString CloudSource::checkDelete(const QString& backupId, bool force) const
{
    const auto current = snapshot();
    const auto backup = current->backup(backupId);
    if (!backup)
        return tr("Backup %1 is not in %2's list.").arg(backupId, m_name);
    if (force) {
        if (const QString refusal = adminOnly(tr("Force delete")); !refusal.isEmpty())
            return refusal;
    }
    // Cinder refuses this even with force: chains are deleted newest first.
    const QList<Backup> children = current->childrenOf(backupId);
    if (current->hasDependents(*backup) || !children.isEmpty()) {
        QStringList names;
        for (const Backup& child : children)
            names.append(child.displayName.isEmpty() ? child.id : child.displayName);
        QString reason = tr("Incremental backups exist for this backup.");
        if (!names.isEmpty())
            reason +=
                QLatin1Char(' ') +
                tr("Delete %1 first (chains are deleted newest first).").arg(names.join(", "));
        return reason;
    }
    return ChainRules::canDelete(*backup, children, force);
}

ActionResult CloudSource::deleteBackup(const QString& backupId, bool force)
{
    if (const QString refusal = checkDelete(backupId, force); !refusal.isEmpty())
        return ActionResult::refused(refusal);
    auto session = m_session;
    const int pollMs = m_jobPollMs;
    const auto backup = snapshot()->backup(backupId);
    return submit(
        QStringLiteral("cloud-delete"),
        (force ? tr("Force delete %1") : tr("Delete %1"))
            .arg(backup->displayName.isEmpty() ? shortId(backupId) : backup->displayName),
        backup->volumeId, backupId, [session, backupId, force, pollMs](OperationControl& control) {
            CinderClient client(session);
            try {
                client.deleteBackup(backupId, force);
            } catch (const CloudError& error) {
                rethrowWithCinderMessage(error);
            }
            const QString status = followStatus(
                control, tr("backup"), [&] { return client.backup(backupId).status; },
                {BackupStatus::Deleted, BackupStatus::Error, BackupStatus::ErrorDeleting}, true,
                pollMs, BackupStatus::Deleting);
            if (!status.isEmpty() && status != BackupStatus::Deleted) {
                const QString reason = client.backup(backupId).failReason;
                throw Error(tr("Deleting backup %1 ended in %2%3")
                                .arg(backupId, status,
                                     reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
            }
            return tr("backup %1 deleted").arg(backupId);
        });
}

ActionResult CloudSource::updateBackup(const QString& backupId, const QString& name,
                                       const QString& description)
{
    const auto backup = snapshot()->backup(backupId);
    if (!backup)
        return ActionResult::refused(tr("Backup %1 is not in %2's list.").arg(backupId, m_name));
    auto session = m_session;
    return submit(
        QStringLiteral("cloud-update"), tr("Rename %1 to %2").arg(shortId(backupId), name),
        QString(), backupId, [session, backupId, name, description](OperationControl& control) {
            CinderClient client(session);
            try {
                const CloudBackup updated = client.updateBackup(backupId, name, description);
                control.log(tr("name: %1").arg(updated.name));
            } catch (const CloudError& error) {
                rethrowWithCinderMessage(error);
            }
            return tr("backup %1 updated").arg(backupId);
        });
}

ActionResult CloudSource::resetState(const QString& backupId, const QString& status)
{
    if (const QString refusal = adminOnly(tr("Reset-state")); !refusal.isEmpty())
        return ActionResult::refused(refusal);
    if (const QString verdict = ChainRules::canResetState(status); !verdict.isEmpty())
        return ActionResult::refused(verdict);
    const auto backup = snapshot()->backup(backupId);
    if (!backup)
        return ActionResult::refused(tr("Backup %1 is not in %2's list.").arg(backupId, m_name));
    auto session = m_session;
    const QString before = backup->status;
    return submit(QStringLiteral("cloud-reset-state"),
                  tr("Reset-state of %1 to %2").arg(shortId(backupId), status), backup->volumeId,
                  backupId, [session, backupId, status, before](OperationControl& control) {
                      CinderClient client(session);
                      try {
                          client.resetBackupState(backupId, status);
                          // The API only casts the reset to the backup service, which
                          // applies it a moment later: watch for it. A status poll
                          // whose interval grows, not a retry of a failure, so it
                          // does not use the shared Backoff.
                          constexpr int ResetWaitMs = 60000;
                          QElapsedTimer waited;
                          waited.start();
                          QString now = client.backup(backupId).status;
                          for (int delayMs = 100; now != status && waited.elapsed() < ResetWaitMs;
                               delayMs = std::min(delayMs * 2, 2000)) {
                              control.throwIfCancelled();
                              QThread::msleep(delayMs);
                              now = client.backup(backupId).status;
                          }
                          control.log(tr("backup %1 → %2").arg(before, now));
                          if (now != status)
                              throw Error(tr("Cinder left backup %1 in %2 for %3 s (asked: %4): "
                                             "no backup service applied the reset; check that "
                                             "cinder-backup runs for its availability zone.")
                                              .arg(backupId, now)
                                              .arg(ResetWaitMs / 1000)
                                              .arg(status));
                      } catch (const CloudError& error) {
                          rethrowWithCinderMessage(error);
                      }
                      return tr("backup %1 is %2").arg(backupId, status);
                  });
}

ActionResult CloudSource::exportRecord(const QString& backupId)
{
    if (const QString refusal = adminOnly(tr("Export-record")); !refusal.isEmpty())
        return ActionResult::refused(refusal);
    const auto backup = snapshot()->backup(backupId);
    if (!backup)
        return ActionResult::refused(tr("Backup %1 is not in %2's list.").arg(backupId, m_name));
    if (backup->status != BackupStatus::Available)
        return ActionResult::refused(
            tr("Backup status must be available, but is \"%1\".").arg(backup->status));
    auto session = m_session;
    QPointer<CloudSource> self(this);
    return submit(QStringLiteral("cloud-export"), tr("Export record of %1").arg(shortId(backupId)),
                  QString(), backupId, [session, backupId, self](OperationControl& control) {
                      CinderClient client(session);
                      ExportedRecord record;
                      try {
                          record = client.exportRecord(backupId);
                      } catch (const CloudError& error) {
                          rethrowWithCinderMessage(error);
                      }
                      control.log(tr("service %1").arg(record.backupService));
                      QMetaObject::invokeMethod(
                          self.data(),
                          [self, backupId, record] {
                              if (self)
                                  Q_EMIT self->recordExported(backupId, record.backupService,
                                                              record.backupUrl);
                          },
                          Qt::QueuedConnection);
                      return tr("record of backup %1 exported").arg(backupId);
                  });
}

ActionResult CloudSource::importRecord(const QString& backupService, const QString& backupUrl)
{
    if (const QString refusal = adminOnly(tr("Import-record")); !refusal.isEmpty())
        return ActionResult::refused(refusal);
    Backup decoded;
    try {
        decoded = ember::importRecord({backupService, backupUrl});
    } catch (const Error& error) {
        return ActionResult::refused(error.message());
    }
    if (snapshot()->backup(decoded.id))
        return ActionResult::refused(
            tr("Backup %1 already exists in %2: Cinder imports a record only once.")
                .arg(decoded.id, m_name));
    auto session = m_session;
    const int pollMs = m_jobPollMs;
    return submit(QStringLiteral("cloud-import"),
                  tr("Import record of %1").arg(shortId(decoded.id)), QString(), decoded.id,
                  [session, backupService, backupUrl, pollMs](OperationControl& control) {
                      CinderClient client(session);
                      CloudBackup imported;
                      try {
                          imported = client.importRecord({backupService, backupUrl});
                      } catch (const CloudError& error) {
                          rethrowWithCinderMessage(error);
                      }
                      const QString status = followStatus(
                          control, tr("backup"), [&] { return client.backup(imported.id).status; },
                          {BackupStatus::Available, BackupStatus::Error}, false, pollMs,
                          BackupStatus::Creating);
                      if (status != BackupStatus::Available)
                          throw Error(
                              tr("Import of backup %1 ended in %2.").arg(imported.id, status));
                      return tr("backup %1 imported").arg(imported.id);
                  });
}

} // namespace ember::ui

#include "cloudsource.moc"
