#include "cephdriver.h"

#include "extentcopy.h"
#include "pythonjson.h"
#include "rbdvolume.h"
#include "volumemeta.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <cstdio>
#include <functional>

namespace ember::ceph {

namespace {

const QString kServiceName = QStringLiteral("cinder.backup.drivers.ceph.CephBackupDriver");

qint64 intOption(const QJsonObject& options, const QString& key, qint64 fallback)
{
    const QJsonValue value = options.value(key);
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (value.isDouble())
        return qint64(value.toDouble());
    bool ok = false;
    const qint64 parsed = value.toString().trimmed().toLongLong(&ok);
    if (!ok)
        throw Error(QStringLiteral("the Ceph option %1 must be a whole number, not \"%2\"")
                        .arg(key, value.toString()));
    return parsed;
}

bool boolOption(const QJsonObject& options, const QString& key, bool fallback)
{
    const QJsonValue value = options.value(key);
    if (value.isBool())
        return value.toBool();
    if (value.isDouble())
        return value.toDouble() != 0;
    if (value.isString()) {
        const QString text = value.toString().trimmed().toLower();
        if (text == QLatin1String("true") || text == QLatin1String("yes") ||
            text == QLatin1String("1") || text == QLatin1String("on"))
            return true;
        if (text == QLatin1String("false") || text == QLatin1String("no") ||
            text == QLatin1String("0") || text == QLatin1String("off"))
            return false;
        throw Error(QStringLiteral("the Ceph option %1 must be true or false, not \"%2\"")
                        .arg(key, value.toString()));
    }
    return fallback;
}

std::vector<DiffExtent> asDataExtents(const std::vector<Extent>& extents)
{
    std::vector<DiffExtent> result;
    result.reserve(extents.size());
    for (const Extent& extent : extents)
        result.push_back({extent.offset, extent.length, true});
    return result;
}

// Data extents plus the holes between them (to be zeroed) over [0, size).
std::vector<DiffExtent> withHoles(const std::vector<Extent>& data, qint64 size)
{
    std::vector<DiffExtent> result;
    qint64 position = 0;
    for (const Extent& extent : data) {
        if (extent.offset > position)
            result.push_back({position, extent.offset - position, false});
        result.push_back({extent.offset, extent.length, true});
        position = extent.end();
    }
    if (position < size)
        result.push_back({position, size - position, false});
    return result;
}

qint64 totalLength(const std::vector<DiffExtent>& extents)
{
    qint64 total = 0;
    for (const DiffExtent& extent : extents)
        total += extent.length;
    return total;
}

// Undo steps for a failed backup, run newest first; their own errors are
// logged, not thrown, so the original error reaches the user.
class Rollback
{
public:
    explicit Rollback(OperationControl& control) : m_control(control) {}
    void add(std::function<void()> step) { m_steps.push_back(std::move(step)); }
    void run()
    {
        for (auto step = m_steps.rbegin(); step != m_steps.rend(); ++step) {
            try {
                (*step)();
            } catch (const std::exception& error) {
                m_control.log(QStringLiteral("cleanup after the failed backup: %1")
                                  .arg(QString::fromUtf8(error.what())));
            }
        }
        m_steps.clear();
    }
    void dismiss() { m_steps.clear(); }

private:
    OperationControl& m_control;
    std::vector<std::function<void()>> m_steps;
};

void removeBackupSnapshots(const Image& image, const QString& backupId)
{
    for (const SnapshotInfo& snapshot : image.snapshots())
        if (backupIdOfSnapshot(snapshot.name) == backupId)
            image.removeSnapshot(snapshot.name);
}

// EMBER_CEPH_TIMING=1: the milliseconds of each step of a backup on stderr, to
// find where an incremental's time goes (a profile without a profiler).
class StepClock
{
public:
    StepClock() : m_enabled(qEnvironmentVariableIsSet("EMBER_CEPH_TIMING")) { m_timer.start(); }
    void mark(const char* step)
    {
        if (!m_enabled)
            return;
        const qint64 now = m_timer.nsecsElapsed() / 1000000;
        std::fprintf(stderr, "ceph timing: %s +%lld ms (at %lld ms)\n", step,
                     static_cast<long long>(now - m_last), static_cast<long long>(now));
        m_last = now;
    }

private:
    bool m_enabled;
    QElapsedTimer m_timer;
    qint64 m_last = 0;
};

bool hasBackupSnapshots(const Image& image)
{
    for (const SnapshotInfo& snapshot : image.snapshots())
        if (!backupIdOfSnapshot(snapshot.name).isEmpty())
            return true;
    return false;
}

} // namespace

QString serviceMetadataForBase(const QString& base)
{
    return QStringLiteral("{\"base\": ") + QString::fromUtf8(PythonJson::quote(base)) +
           QLatin1Char('}');
}

QString baseFromServiceMetadata(const QString& serviceMetadata)
{
    if (serviceMetadata.trimmed().isEmpty())
        return {};
    const QJsonDocument document = QJsonDocument::fromJson(serviceMetadata.toUtf8());
    if (!document.isObject())
        return {};
    return document.object().value(QStringLiteral("base")).toString();
}

QString recordedBaseOf(const Backup& backup)
{
    const QString base = baseFromServiceMetadata(backup.serviceMetadata);
    if (base.isEmpty())
        return base;
    // Untrusted when imported: restore reads this image and delete may remove
    // it, so it must be one of this volume's backup base images (Cinder's
    // names), never an arbitrary image of the pool.
    static const QRegularExpression ownBase(QStringLiteral(
        "^volume-([0-9a-f-]{36})\\.backup\\.(base|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
        "[0-9a-f]{4}-[0-9a-f]{12})$"));
    const QRegularExpressionMatch match = ownBase.match(base);
    if (!match.hasMatch() || match.captured(1) != backup.volumeId)
        throw Error(QStringLiteral("backup %1 names the image \"%2\" as its base in "
                                   "service_metadata; only volume %3's backup base images "
                                   "(volume-%3.backup.*) can hold its data")
                        .arg(backup.id, base, backup.volumeId));
    return base;
}

CephOptions CephOptions::from(const BackendConfig& config, const BackendSecrets& secrets)
{
    CephOptions options;
    const QJsonObject& o = config.options;
    options.connection = ConnectionOptions::from(config, secrets);
    options.chunkSize = intOption(o, QStringLiteral("backup_ceph_chunk_size"), options.chunkSize);
    options.pool = o.value(QStringLiteral("backup_ceph_pool")).toString(options.pool);
    const qint64 stripeUnit = intOption(o, QStringLiteral("backup_ceph_stripe_unit"), 0);
    const qint64 stripeCount = intOption(o, QStringLiteral("backup_ceph_stripe_count"), 0);
    options.imageJournals =
        boolOption(o, QStringLiteral("backup_ceph_image_journals"), options.imageJournals);
    options.discardExcessBytes =
        boolOption(o, QStringLiteral("restore_discard_excess_bytes"), options.discardExcessBytes);
    options.threads = int(intOption(o, QStringLiteral("ember_ceph_threads"), options.threads));
    options.backendName = config.name;
    for (const auto& [key, limit] :
         {std::pair(QStringLiteral("ember_bandwidth_upload"), &options.uploadLimit),
          std::pair(QStringLiteral("ember_bandwidth_download"), &options.downloadLimit)}) {
        *limit = o.value(key).toString().trimmed();
        if (const QString problem = bandwidthScheduleProblem(*limit); !problem.isEmpty())
            throw Error(QStringLiteral("the Ceph option %1: %2").arg(key, problem));
    }
    if (options.chunkSize <= 0)
        throw Error(QStringLiteral("backup_ceph_chunk_size must be a positive number of bytes"));
    if (stripeUnit < 0 || stripeCount < 0)
        throw Error(QStringLiteral("backup_ceph_stripe_unit and backup_ceph_stripe_count must not "
                                   "be negative"));
    if (options.pool.isEmpty())
        throw Error(QStringLiteral("backup_ceph_pool must name a pool"));
    if (options.threads < 1 || options.threads > 64)
        throw Error(QStringLiteral("ember_ceph_threads must be between 1 and 64"));
    options.stripeUnit = quint64(stripeUnit);
    options.stripeCount = quint64(stripeCount);
    return options;
}

qint64 CephOptions::pieceSize() const
{
    // Cinder copies backup_ceph_chunk_size (128 MiB) at a time; several 4 MiB
    // pieces in flight are as fast and need a fraction of the memory.
    return std::min<qint64>(chunkSize, 4 << 20);
}

qint64 CephOptions::restorePieceSize() const
{
    // A 4 MiB piece is one aio request at a time per worker: 4 workers kept the
    // cluster at 50-60% of rbd import/export's rate (10 requests in flight). At 16 MiB
    // librbd gets 4 requests per worker (image reads and writes split into 4 MiB
    // aio, see Image::read), and memory stays at threads x 16 MiB.
    return std::min<qint64>(chunkSize, 16 << 20);
}

BandwidthBuckets CephOptions::bandwidthBuckets() const
{
    if (uploadLimit.isEmpty() && downloadLimit.isEmpty())
        return {};
    return bandwidthBucketsFor(backendName, uploadLimit, downloadLimit);
}

CephBackupDriver::CephBackupDriver(CephOptions options) : m_options(std::move(options)) {}

QString CephBackupDriver::serviceName() const
{
    return kServiceName;
}

bool CephBackupDriver::supportsIncremental(const Volume& volume) const
{
    return volume.kind == VolumeKind::Rbd;
}

std::shared_ptr<Cluster> CephBackupDriver::cluster()
{
    std::lock_guard lock(m_mutex);
    if (!m_cluster)
        m_cluster = Cluster::connect(m_options.connection);
    return m_cluster;
}

QString CephBackupDriver::poolOf(const Backup& backup) const
{
    return backup.container.isEmpty() ? m_options.pool : backup.container;
}

CephBackupDriver::Location CephBackupDriver::locate(const std::shared_ptr<IoContext>& shared,
                                                    const Backup& backup)
{
    IoContext& io = *shared;
    const QString recorded = recordedBaseOf(backup);
    const QString own = baseImageName(backup.volumeId, backup.id);
    const QString legacy = legacyBaseImageName(backup.volumeId);
    const QStringList candidates =
        recorded.isEmpty() ? QStringList{own, legacy} : QStringList{recorded};
    for (const QString& name : candidates) {
        if (!io.imageExists(name))
            continue;
        Image image(shared, name, QString(), true);
        const QString snapshot = snapshotOfBackup(image, backup.id);
        if (!snapshot.isEmpty())
            return {name, snapshot};
        // A full copy of a non-RBD volume is the image itself (no snapshot);
        // Cinder 21.3.1 looked in the legacy base instead (bug 1895035).
        if (recorded.isEmpty() && name == own)
            return {name, QString()};
        throw Error(QStringLiteral("the snapshot of backup %1 is missing from %2/%3")
                        .arg(backup.id, io.pool(), name));
    }
    throw Error(QStringLiteral("backup %1 is not in the Ceph pool \"%2\": no image %3")
                    .arg(backup.id, io.pool(), candidates.join(QStringLiteral(" or "))));
}

void CephBackupDriver::backup(BackupJob& job)
{
    Backup& backup = job.backup;
    OperationControl& control = job.control;
    control.throwIfCancelled();
    // Incrementals live beside their parent (they add a snapshot to its base).
    if (backup.container.isEmpty())
        backup.container = job.parent ? poolOf(*job.parent) : m_options.pool;
    auto io = std::make_shared<IoContext>(cluster(), backup.container);
    auto* rbdSource = dynamic_cast<RbdVolumeDevice*>(&job.source);
    Rollback rollback(control);
    const CopyOptions copyOptions{m_options.pieceSize(), m_options.threads, false,
                                  m_options.bandwidthBuckets().upload};
    StepClock clock;

    try {
        if (job.parent && !rbdSource)
            throw Error(QStringLiteral("incremental Ceph backups need an RBD volume as the source; "
                                       "%1 is not one: make a full backup")
                            .arg(job.source.describe()));

        if (job.parent) {
            const Backup& parent = *job.parent;
            QString baseName = recordedBaseOf(parent);
            if (baseName.isEmpty() && io->imageExists(legacyBaseImageName(backup.volumeId)))
                baseName = legacyBaseImageName(backup.volumeId);
            if (baseName.isEmpty())
                throw Error(QStringLiteral("the parent backup %1 is not an RBD backup in this Ceph "
                                           "backend (no base image with its snapshot): make a "
                                           "full backup")
                                .arg(parent.id));
            if (poolOf(parent) != backup.container)
                throw Error(QStringLiteral("the parent backup %1 is in pool \"%2\", not \"%3\": an "
                                           "incremental must go to its parent's pool")
                                .arg(parent.id, poolOf(parent), backup.container));
            if (!io->imageExists(baseName))
                throw Error(QStringLiteral("the parent backup's image %1/%2 is gone: make a full "
                                           "backup")
                                .arg(backup.container, baseName));
            clock.mark("base image found");
            RbdVolumeDevice base(io, baseName, OpenMode::ReadWrite);
            clock.mark("base opened and locked");
            const QString parentSnapshot = snapshotOfBackup(base.image(), parent.id);
            if (parentSnapshot.isEmpty())
                throw Error(QStringLiteral("the parent backup's snapshot is missing from %1/%2: "
                                           "make a full backup")
                                .arg(backup.container, baseName));
            if (rbdSource->backupSnapshot().isEmpty())
                rbdSource->takeBackupSnapshot(backup.id, parent.id);
            clock.mark("source snapshot");
            if (!rbdSource->image().hasSnapshot(parentSnapshot))
                throw Error(
                    QStringLiteral("the parent backup's snapshot %1 is gone from the source "
                                   "image: make a full backup")
                        .arg(parentSnapshot));
            // Cinder's sequence: the parent's source snapshot stays (Cinder's
            // driver keeps them all), so that a failed incremental leaves the next
            // one its base; the volume's older backup snapshots go now, in the
            // background: their removal reaches the monitor during the copy and
            // is committed with the base image's snapshot below, instead of
            // waiting for a commit of its own after it.
            rbdSource->releaseSupersededSnapshots(RbdVolumeDevice::ParentSnapshot::Keep);
            clock.mark("older source snapshots' release started");

            // The diff applies to the parent's state: undo whatever a failed
            // backup or a deleted newer backup left in the base's head.
            // The parent snapshot's size comes from the open handle's snapshot list:
            // a second handle of an image whose exclusive lock this one holds, opened
            // and closed in the same process, left librbd 16 delaying this handle's
            // writes for the lock forever (seen in the client's log under load).
            qint64 parentSize = -1;
            for (const SnapshotInfo& info : base.image().snapshots())
                if (info.name == parentSnapshot)
                    parentSize = info.size;
            if (parentSize < 0)
                throw Error(QStringLiteral("the parent backup's snapshot %1 vanished from %2/%3")
                                .arg(parentSnapshot, backup.container, baseName));
            // Whole objects from the object map (fast-diff): a byte-granular diff
            // asked the OSD for every object's snapshot list, on every incremental,
            // only to learn (as a rule) that nothing was written. A changed object
            // whose bytes match the snapshot only costs an unneeded rollback.
            if (base.size() != parentSize || base.image().changedSince(parentSnapshot)) {
                base.image().rollbackTo(parentSnapshot);
                base.resize(parentSize);
            }
            clock.mark("base head checked");
            backup.serviceMetadata = serviceMetadataForBase(baseName);
            if (job.recordLocation)
                job.recordLocation(backup);
            clock.mark("location recorded");
            rollback.add([io, baseName, parentSnapshot]() {
                Image(io, baseName).rollbackTo(parentSnapshot);
            });
            if (base.size() != rbdSource->size())
                base.resize(rbdSource->size());

            const std::vector<DiffExtent> changes = rbdSource->diffSince(parentSnapshot);
            clock.mark("source diff listed");
            control.setPhase(QStringLiteral("copying changes"), totalLength(changes));
            const CopyResult copied = copyExtents(*rbdSource, base, changes, copyOptions, control);
            clock.mark("changes copied");
            base.flush();
            const QString snapshot = rbdSource->backupSnapshot();
            base.image().createSnapshot(snapshot);
            clock.mark("base snapshot created");
            rollback.add(
                [io, baseName, snapshot]() { Image(io, baseName).removeSnapshot(snapshot); });
            control.log(QStringLiteral("incremental: %1 bytes changed since %2, %3 written, %4 "
                                       "zeroed in %5/%6")
                            .arg(totalLength(changes))
                            .arg(parentSnapshot)
                            .arg(copied.bytesWritten)
                            .arg(copied.bytesZeroed)
                            .arg(backup.container, baseName));
            backup.storedBytes = copied.bytesWritten;
            io->writeObject(metaObjectName(backup.id), volumeMetaJson(job.volume));
            clock.mark("meta written");
            rollback.dismiss();
        } else {
            const QString baseName = baseImageName(backup.volumeId, backup.id);
            if (rbdSource && rbdSource->backupSnapshot().isEmpty())
                rbdSource->takeBackupSnapshot(backup.id);
            const qint64 size = job.source.size();
            // Non-RBD full copies keep service_metadata NULL, as Cinder does.
            backup.serviceMetadata = rbdSource ? serviceMetadataForBase(baseName) : QString();
            if (job.recordLocation)
                job.recordLocation(backup);
            io->createImage(baseName, size, m_options.stripeUnit, m_options.stripeCount,
                            m_options.imageJournals);
            rollback.add([io, baseName]() {
                {
                    Image image(io, baseName);
                    for (const SnapshotInfo& snapshot : image.snapshots())
                        image.removeSnapshot(snapshot.name);
                }
                io->removeImage(baseName);
            });
            CopyResult copied;
            {
                RbdVolumeDevice base(io, baseName, OpenMode::ReadWrite);
                const std::vector<DiffExtent> data = asDataExtents(job.source.dataExtents(0, size));
                control.setPhase(QStringLiteral("copying"), totalLength(data));
                CopyOptions fullCopy = copyOptions;
                fullCopy.targetIsZero = true;
                copied = copyExtents(job.source, base, data, fullCopy, control);
                base.flush();
                // After it, keepBackupSnapshot() removes superseded source
                // snapshots: issued together, the two monitor operations
                // crashed librados 16 once (an exception in its io_context_pool).
                if (rbdSource)
                    base.image().createSnapshot(rbdSource->backupSnapshot());
            }
            control.log(QStringLiteral("full: %1 bytes of %2 written to %3/%4")
                            .arg(copied.bytesWritten)
                            .arg(size)
                            .arg(backup.container, baseName));
            backup.storedBytes = copied.bytesWritten;
            io->writeObject(metaObjectName(backup.id), volumeMetaJson(job.volume));
            rollback.dismiss();
        }
    } catch (...) {
        rollback.run();
        if (rbdSource) {
            try {
                rbdSource->dropBackupSnapshot();
            } catch (const Error& error) {
                control.log(
                    QStringLiteral("cleanup after the failed backup: %1").arg(error.message()));
            }
        }
        throw;
    }
    clock.mark("base closed");
    backup.objectCount = 0;
    if (rbdSource) {
        try {
            rbdSource->keepBackupSnapshot();
            clock.mark("source snapshot kept, older ones released");
        } catch (const Error& error) {
            control.log(QStringLiteral("warning: old backup snapshots stay on the source: %1")
                            .arg(error.message()));
        }
    }
}

void CephBackupDriver::restore(RestoreJob& job)
{
    if (job.chain.isEmpty())
        throw Error(QStringLiteral("nothing to restore: the backup chain is empty"));
    const Backup& backup = job.chain.last();
    OperationControl& control = job.control;
    StepClock clock;
    auto io = std::make_shared<IoContext>(cluster(), poolOf(backup));
    const Location location = locate(io, backup);
    RbdOpenOptions openOptions;
    openOptions.snapshot = location.snapshot;
    RbdVolumeDevice source(io, location.image, OpenMode::Read, openOptions);
    clock.mark("restore: connected, backup located and opened");

    VolumeDevice& target = job.device;
    const qint64 sourceSize = source.size();
    const qint64 targetSize = target.size();
    if (targetSize < sourceSize)
        throw Error(QStringLiteral("the restore target %1 (%2 bytes) is smaller than backup %3 "
                                   "(%4 bytes)")
                        .arg(target.describe())
                        .arg(targetSize)
                        .arg(backup.id)
                        .arg(sourceSize));

    // One snapshot is a complete image: no chain walk. An empty target only
    // needs the allocated extents (Cinder's differential restore); anything
    // else is overwritten completely, holes included.
    const bool targetIsZero = target.knownZero();
    clock.mark("restore: target checked for data");
    const std::vector<Extent> data = source.dataExtents(0, sourceSize);
    const std::vector<DiffExtent> plan =
        targetIsZero ? asDataExtents(data) : withHoles(data, sourceSize);
    clock.mark("restore: allocated extents listed");
    control.setPhase(QStringLiteral("restoring"), totalLength(plan));
    CopyOptions options{m_options.restorePieceSize(), m_options.threads, targetIsZero,
                        m_options.bandwidthBuckets().download};
    const CopyResult copied = copyExtents(source, target, plan, options, control);
    clock.mark("restore: copied");
    if (targetSize > sourceSize && m_options.discardExcessBytes && !targetIsZero)
        target.zeroRange(sourceSize, targetSize - sourceSize);
    target.flush();
    clock.mark("restore: flushed");
    // Cinder applies backup.<id>.meta after the data (a missing one is no error).
    job.volumeMeta = io->readObject(metaObjectName(backup.id)).value_or(QByteArray());
    control.log(QStringLiteral("restored %1@%2 (%3 bytes, %4 written) to %5")
                    .arg(location.image,
                         location.snapshot.isEmpty() ? QStringLiteral("head") : location.snapshot)
                    .arg(sourceSize)
                    .arg(copied.bytesWritten)
                    .arg(target.describe()));
}

void CephBackupDriver::remove(const Backup& backup, OperationControl& control)
{
    const QString pool = poolOf(backup);
    std::shared_ptr<Cluster> connection = cluster();
    if (!connection->poolExists(pool)) {
        control.log(QStringLiteral("warning: the Ceph pool \"%1\" is gone; nothing to delete for "
                                   "backup %2")
                        .arg(pool, backup.id));
        return;
    }
    auto io = std::make_shared<IoContext>(connection, pool);
    const QString recorded = recordedBaseOf(backup);
    const QStringList candidates =
        recorded.isEmpty() ? QStringList{baseImageName(backup.volumeId, backup.id),
                                         legacyBaseImageName(backup.volumeId)}
                           : QStringList{recorded, legacyBaseImageName(backup.volumeId)};
    bool found = false;
    for (const QString& name : candidates) {
        if (!io->imageExists(name))
            continue;
        found = true;
        bool removeImage = false;
        {
            Image image(io, name);
            removeBackupSnapshots(image, backup.id);
            removeImage = !hasBackupSnapshots(image);
            if (removeImage && !image.snapshots().empty()) {
                control.log(QStringLiteral("warning: %1/%2 keeps snapshots that Ember did not "
                                           "make; the image stays")
                                .arg(pool, name));
                removeImage = false;
            }
        }
        if (removeImage)
            io->removeImage(name);
        break;
    }
    if (!found)
        control.log(QStringLiteral("warning: no image of backup %1 in the Ceph pool \"%2\"")
                        .arg(backup.id, pool));
    io->removeObject(metaObjectName(backup.id));
}

namespace {

// A backup's snapshot, opened read-only.
RbdVolumeDevice openSnapshotForReading(const std::shared_ptr<IoContext>& io, const QString& image,
                                       const QString& snapshot)
{
    RbdOpenOptions openOptions;
    openOptions.snapshot = snapshot;
    return RbdVolumeDevice(io, image, OpenMode::Read, openOptions);
}

} // namespace

VerifyReport CephBackupDriver::verify(const QList<Backup>& chain, OperationControl& control)
{
    VerifyReport report;
    if (chain.isEmpty()) {
        report.problems << QStringLiteral("the backup chain is empty");
        return report;
    }
    const Backup& backup = chain.last();
    try {
        auto io = std::make_shared<IoContext>(cluster(), poolOf(backup));
        const Location location = locate(io, backup);
        RbdVolumeDevice source = openSnapshotForReading(io, location.image, location.snapshot);
        const std::vector<DiffExtent> data = asDataExtents(source.dataExtents(0, source.size()));
        control.setPhase(QStringLiteral("verifying"), totalLength(data));
        CopyOptions options{m_options.pieceSize(), m_options.threads, false,
                            m_options.bandwidthBuckets().download};
        report.bytesChecked = readExtents(source, data, options, control);
        report.objectsChecked = 1;
        report.blocksChecked = qint64(data.size());
        if (!io->readObject(metaObjectName(backup.id)))
            control.log(QStringLiteral("note: %1 is missing (volume metadata will not be "
                                       "restored)")
                            .arg(metaObjectName(backup.id)));
        // Ceph keeps no checksums of its own: this proves the restore point
        // exists and every allocated byte reads back, nothing more.
        control.log(QStringLiteral("%1/%2@%3: %4 allocated bytes read without error")
                        .arg(io->pool(), location.image, location.snapshot)
                        .arg(report.bytesChecked));
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& error) {
        report.problems << error.message();
    }
    return report;
}

namespace {

// Sampled verification reads a Ceph backup in ranges of this size, named
// "range-<offset>-<length>".
constexpr qint64 VerifyRangeSize = qint64(64) << 20;

QString verifyRangeName(qint64 offset, qint64 length)
{
    return QStringLiteral("range-%1-%2").arg(offset).arg(length);
}

std::optional<Extent> parseVerifyRange(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^range-(\\d{1,19})-(\\d{1,19})$"));
    const QRegularExpressionMatch match = pattern.match(name);
    if (!match.hasMatch())
        return std::nullopt;
    bool offsetOk = false, lengthOk = false;
    const qint64 offset = match.captured(1).toLongLong(&offsetOk);
    const qint64 length = match.captured(2).toLongLong(&lengthOk);
    if (!offsetOk || !lengthOk || length <= 0)
        return std::nullopt;
    return Extent{offset, length};
}

} // namespace

QStringList CephBackupDriver::verifiableObjects(const Backup& backup)
{
    auto io = std::make_shared<IoContext>(cluster(), poolOf(backup));
    const Location location = locate(io, backup);
    RbdOpenOptions openOptions;
    openOptions.snapshot = location.snapshot;
    RbdVolumeDevice source(io, location.image, OpenMode::Read, openOptions);
    QStringList ranges;
    for (qint64 offset = 0; offset < source.size(); offset += VerifyRangeSize)
        ranges.append(verifyRangeName(offset, std::min(VerifyRangeSize, source.size() - offset)));
    return ranges;
}

VerifyReport CephBackupDriver::verifySample(const QList<Backup>& chain, const VerifySample& sample,
                                            OperationControl& control)
{
    if (sample.objects.isEmpty() || chain.isEmpty())
        return verify(chain, control);
    VerifyReport report;
    const Backup& backup = chain.last();
    try {
        auto io = std::make_shared<IoContext>(cluster(), poolOf(backup));
        const Location location = locate(io, backup);
        RbdVolumeDevice source = openSnapshotForReading(io, location.image, location.snapshot);
        // As the full verification: every allocated byte of the range reads back.
        std::vector<std::pair<QString, std::vector<DiffExtent>>> reads;
        qint64 total = 0;
        for (const QString& name : sample.objects) {
            const std::optional<Extent> range = parseVerifyRange(name);
            if (!range || range->offset > source.size() ||
                range->length > source.size() - range->offset) // no overflow in offset+length
                throw Error(QStringLiteral("%1 is not a range of backup %2 (%3@%4 holds %5 bytes)")
                                .arg(name, backup.id, location.image, location.snapshot)
                                .arg(source.size()));
            reads.emplace_back(name,
                               asDataExtents(source.dataExtents(range->offset, range->length)));
            total += totalLength(reads.back().second);
        }
        control.setPhase(QStringLiteral("verifying"), total);
        CopyOptions options{m_options.pieceSize(), m_options.threads, false,
                            m_options.bandwidthBuckets().download};
        for (const auto& [name, data] : reads) {
            try {
                report.bytesChecked += readExtents(source, data, options, control);
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& error) {
                throw Error(QStringLiteral("%1 (volume offset %2) of backup %3 in %4/%5@%6 does "
                                           "not read back: %7")
                                .arg(name)
                                .arg(parseVerifyRange(name)->offset)
                                .arg(backup.id, io->pool(), location.image, location.snapshot,
                                     error.message()));
            }
            ++report.objectsChecked;
            report.blocksChecked += qint64(data.size());
        }
        control.log(QStringLiteral("%1/%2@%3: %4 allocated bytes of %5 range(s) read without error")
                        .arg(io->pool(), location.image, location.snapshot)
                        .arg(report.bytesChecked)
                        .arg(reads.size()));
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& error) {
        report.problems << error.message();
    }
    return report;
}

void CephBackupDriver::removeLeftovers(const Backup& backup)
{
    std::shared_ptr<Cluster> connection = cluster();
    const QString pool = poolOf(backup);
    if (!connection->poolExists(pool))
        return;
    auto io = std::make_shared<IoContext>(connection, pool);
    const QString own = baseImageName(backup.volumeId, backup.id);
    const QString prefix = QStringLiteral("volume-%1.backup.").arg(backup.volumeId);
    for (const QString& name : io->images()) {
        if (!name.startsWith(prefix))
            continue;
        {
            Image image(io, name);
            removeBackupSnapshots(image, backup.id);
            // Its own base belongs to the failed backup alone (a full one).
            if (name != own || hasBackupSnapshots(image))
                continue;
            for (const SnapshotInfo& snapshot : image.snapshots())
                image.removeSnapshot(snapshot.name);
        }
        io->removeImage(name);
    }
    io->removeObject(metaObjectName(backup.id));
}

std::optional<qint64> CephBackupDriver::storedVolumeSize(const QList<Backup>& chain)
{
    if (chain.isEmpty())
        return std::nullopt;
    try {
        auto io = std::make_shared<IoContext>(cluster(), poolOf(chain.last()));
        const Location location = locate(io, chain.last());
        return Image(io, location.image, location.snapshot, true).size();
    } catch (const Error&) {
        return std::nullopt;
    }
}

} // namespace ember::ceph
