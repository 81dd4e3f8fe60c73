#include "backupservice.h"

#include "chainrules.h"
#include "chunkeddriver.h"
#include "engineoptions.h"
#include "operationslots.h"
#include "volumemeta.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSet>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <thread>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcService, "ember.service")

namespace ember {

namespace {

// What the backend's plugin declares it can do (nothing for an unknown type).
BackendCapabilities capabilitiesOf(const BackendConfig& backend)
{
    const BackendType* type = findBackendType(backend.type);
    return type ? type->capabilities : BackendCapabilities{};
}

// How the cluster a backend describes reaches its volumes (RBD images).
// Throws when the backend's type holds no volumes, or `noSupport` when this
// build has no backend type that does (no librbd).
const VolumeHost&
volumeHostOf(const BackendConfig& cluster,
             const QString& noSupport = QStringLiteral("this build of Ember has no Ceph support"))
{
    const BackendType* type = findBackendType(cluster.type);
    if (type && type->volumes.isSet())
        return type->volumes;
    const QList<BackendType> types = backendTypes();
    const bool buildHostsVolumes =
        std::any_of(types.cbegin(), types.cend(),
                    [](const BackendType& candidate) { return candidate.volumes.isSet(); });
    if (!buildHostsVolumes || (type && type->capabilities.hostsRbdVolumes))
        throw Error(noSupport);
    throw Error(
        QStringLiteral("backend %1 is not a Ceph backend; RBD images need one for their cluster")
            .arg(cluster.name));
}

// The container the driver's store names after this backup alone (the posix
// store's xx/yy/<id> directory); empty when its backups share containers.
QString ownContainerOf(BackupDriver& driver, const Backup& backup)
{
    auto* chunked = dynamic_cast<ChunkedBackupDriver*>(&driver);
    if (!chunked || backup.id.isEmpty())
        return {};
    const QString container = chunked->store().defaultContainer(backup);
    return container.contains(backup.id) ? container : QString();
}

// Cinder keeps fail_reason to 255 characters.
QString failReasonFrom(const QString& message)
{
    return message.left(255);
}

// Marks the job's backup failed with `reason` and updates `backup` to the
// row, unless a force delete took the row over (that delete finishes the
// job). Runs inside a catalog transaction.
void markFailed(Catalog& catalog, Backup& backup, const QString& reason)
{
    const std::optional<Backup> current = catalog.backup(backup.id, true);
    if (!current || current->status == BackupStatus::Deleting ||
        current->status == BackupStatus::Deleted)
        return;
    Backup failed = *current;
    failed.status = BackupStatus::Error;
    failed.failReason = failReasonFrom(reason);
    catalog.updateBackup(failed);
    backup = failed;
}

QString hostName()
{
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == 0)
        return QStringLiteral("localhost");
    return QString::fromLocal8Bit(name);
}

bool isLocalKind(VolumeKind kind)
{
    return kind == VolumeKind::File || kind == VolumeKind::BlockDevice;
}

// Watches the catalog while a backup runs: a force delete from anywhere (this
// process or ember-cli) moves the row to `deleting`, and the backup stops at
// its next piece, as Cinder's chunked driver does.
class DeleteWatcher
{
public:
    DeleteWatcher(Catalog& catalog, const QString& backupId, OperationControl& control)
        : m_thread([&catalog, backupId, &control](std::stop_token stop) {
              while (!stop.stop_requested()) {
                  for (int i = 0; i < 10 && !stop.stop_requested(); ++i)
                      std::this_thread::sleep_for(std::chrono::milliseconds(50));
                  try {
                      const std::optional<Backup> row = catalog.backup(backupId, true);
                      if (!row || row->status == BackupStatus::Deleting ||
                          row->status == BackupStatus::Deleted) {
                          control.requestCancel();
                          return;
                      }
                  } catch (const Error&) {
                      // A busy database is no reason to stop a backup.
                  }
              }
          })
    {
    }

private:
    std::jthread m_thread;
};

// Soft-deletes a backup (inside the caller's transaction). Children it still
// has (only where the backend deletes in any order) take over its parent; the
// dependent counts of the parents involved follow.
void softDeleteHandingOverChildren(Catalog& catalog, const QString& backupId)
{
    const std::optional<Backup> backup = catalog.backup(backupId, true);
    if (!backup)
        return;
    const QList<Backup> orphans = catalog.children(backupId);
    catalog.softDeleteBackup(backupId);
    for (Backup child : orphans) {
        child.parentId = backup->parentId;
        catalog.updateBackup(child);
    }
    if (!backup->parentId.isEmpty()) {
        if (std::optional<Backup> parent = catalog.backup(backup->parentId)) {
            parent->numDependentBackups = catalog.children(parent->id).size();
            catalog.updateBackup(*parent);
        }
    }
}

// Waits until `backend` may start one more operation: its own limit
// (ember_max_operations) and the total of every backend (the catalog's
// backup_max_operations), counted across every Ember process. Held until the
// slot is destroyed.
OperationSlot waitForOperationSlot(const Catalog& catalog, const BackendConfig& backend,
                                   OperationControl& control)
{
    OperationLimits limits;
    limits.perBackend = int(std::clamp<qint64>(
        storedInteger(backend.options.value(QStringLiteral("ember_max_operations"))).value_or(0), 0,
        std::numeric_limits<int>::max()));
    bool ok = false;
    const int total =
        catalog.setting(QString::fromLatin1(settingkeys::backupMaxOperations)).trimmed().toInt(&ok);
    limits.total = ok && total >= 0 ? total : kDefaultMaxOperations;
    return acquireOperationSlot(operationSlotDirectory(catalog.path()), backend.name, limits,
                                control);
}

} // namespace

BackupService::BackupService(Catalog& catalog, SecretProvider secrets)
    : m_catalog(catalog), m_secrets(std::move(secrets))
{
}

std::unique_ptr<BackupDriver> BackupService::driverFor(const BackendConfig& backend)
{
    const BackendSecrets secrets = m_secrets ? m_secrets(backend) : BackendSecrets{};
    std::unique_ptr<BackupDriver> driver = createDriver(backend, secrets);
    driver->setKeyLookup(m_keys);
    return driver;
}

// ------------------------------------------------------ encryption at rest

namespace {

const QString kEncryptionOption = QStringLiteral("backup_ember_encryption");
const QString kEncryptionKeyOption = QStringLiteral("ember_encryption_key");

// The fingerprint of the key new backups on `backend` are encrypted with;
// empty when the backend stores them in the clear.
QString backendEncryptionKey(const BackendConfig& backend, bool* encrypts = nullptr)
{
    const QString scheme = backend.options.value(kEncryptionOption).toString().trimmed();
    const bool on = !scheme.isEmpty() && scheme != QLatin1String("none");
    if (encrypts)
        *encrypts = on;
    return on ? backend.options.value(kEncryptionKeyOption).toString().trimmed() : QString();
}

} // namespace

QString BackupService::keyProblem(const Backup& backup) const
{
    if (!backup.isEncrypted())
        return {};
    const QString& fingerprint = backup.encryptionKeyFingerprint;
    if (fingerprint.isEmpty())
        return QStringLiteral("key not available: backup %1 is encrypted (%2) but its record "
                              "names no master key; backend-rescan reads it from the backend")
            .arg(backup.id, backup.encryption);
    std::optional<KeySet> key;
    try {
        if (m_keys)
            key = m_keys(fingerprint);
    } catch (const Error& error) {
        return QStringLiteral("key not available: backup %1 is encrypted with key %2, which "
                              "cannot be read here (%3)")
            .arg(backup.id, fingerprint, error.message());
    }
    if (!key)
        return QStringLiteral("key not available: backup %1 is encrypted with key %2, which is "
                              "not on this host: import it (ember-cli key-import FILE) to restore")
            .arg(backup.id, fingerprint);
    if (!key->canUnwrap())
        return QStringLiteral("key not available: backup %1 is encrypted with key %2; only the "
                              "public half of key %2 is on this host: import the private key "
                              "to restore")
            .arg(backup.id, fingerprint);
    return {};
}

namespace {

// The first key problem of a chain, full first (empty = every backup can be read).
QString chainKeyProblem(const BackupService& service, const QList<Backup>& chain)
{
    for (const Backup& backup : chain)
        if (QString problem = service.keyProblem(backup); !problem.isEmpty())
            return problem;
    return {};
}

} // namespace

BackupService::KeyRotationReport BackupService::rotateKey(const QString& oldFingerprint,
                                                          const KeySet& newKey,
                                                          OperationControl& control)
{
    if (oldFingerprint.isEmpty() || newKey.fingerprint.isEmpty())
        throw Error(QStringLiteral("key rotation needs the old key's and the new key's "
                                   "fingerprints"));
    if (oldFingerprint == newKey.fingerprint)
        throw Error(QStringLiteral("key %1 cannot be rotated to itself").arg(oldFingerprint));

    KeyRotationReport report;
    // Backends first: a backup started meanwhile already uses the new key.
    for (BackendConfig backend : m_catalog.backends()) {
        if (backend.options.value(kEncryptionKeyOption).toString().trimmed() != oldFingerprint)
            continue;
        backend.options.insert(kEncryptionKeyOption, newKey.fingerprint);
        m_catalog.upsertBackend(backend);
        report.backendsSwitched << backend.name;
        control.log(QStringLiteral("backend %1 encrypts new backups with key %2")
                        .arg(backend.name, newKey.fingerprint));
    }

    QList<Backup> wrapped;
    for (const Backup& backup : m_catalog.backups())
        if (backup.encryptionKeyFingerprint == oldFingerprint)
            wrapped << backup;
    control.setPhase(QStringLiteral("re-wrapping keys"), qint64(wrapped.size()));
    control.log(QStringLiteral("re-wrapping the data keys of %1 backup(s) from key %2 to key %3")
                    .arg(wrapped.size())
                    .arg(oldFingerprint, newKey.fingerprint));

    std::map<QString, std::unique_ptr<BackupDriver>> drivers; // by backend name
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Backup& listed : std::as_const(wrapped)) {
        control.throwIfCancelled();
        try {
            // No delete or restore of the backup while its description is rewritten.
            VolumeJobLock lock = m_catalog.lockBackup(listed.id, QStringLiteral("rotate-key"));
            const std::optional<Backup> backup = m_catalog.backup(listed.id);
            if (!backup || backup->encryptionKeyFingerprint != oldFingerprint) {
                control.addBytesDone(1);
                continue; // deleted or re-wrapped by someone else meanwhile
            }
            if (backup->isImmutableAt(now)) {
                report.refused.append(
                    {backup->id,
                     QStringLiteral("immutable until %1 (S3 Object Lock): its metadata cannot "
                                    "be rewritten, so it keeps key %2")
                         .arg(immutableUntilText(backup->immutableUntil), oldFingerprint)});
                control.addBytesDone(1);
                continue;
            }
            // Re-wrapping opens the data key with the old key first.
            if (const QString problem = keyProblem(*backup); !problem.isEmpty())
                throw Error(problem);
            const BackendConfig backend = backendFor(*backup);
            auto& driver = drivers[backend.name];
            if (!driver)
                driver = driverFor(backend);
            // The stored description first, then the row: a crash between the
            // two leaves a row naming the old key, which rotation fixes again.
            driver->rewrapKey(*backup, newKey, control);
            m_catalog.transaction([&] {
                std::optional<Backup> row = m_catalog.backup(backup->id);
                if (!row)
                    return;
                row->encryptionKeyFingerprint = newKey.fingerprint;
                m_catalog.updateBackup(*row);
            });
            lock.release();
            report.rewrapped << backup->id;
            control.log(QStringLiteral("backup %1 is wrapped by key %2")
                            .arg(backup->id, newKey.fingerprint));
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& error) {
            report.refused.append({listed.id, error.message()});
            control.log(QStringLiteral("backup %1 keeps key %2: %3")
                            .arg(listed.id, oldFingerprint, error.message()));
        }
        control.addBytesDone(1);
    }

    return report;
}

BackendConfig BackupService::backendFor(const Backup& backup)
{
    if (backup.backendName.isEmpty())
        return m_catalog.defaultBackend();
    const std::optional<BackendConfig> backend = m_catalog.backend(backup.backendName);
    if (!backend)
        throw Error(QStringLiteral("backup %1 is stored on backend '%2', which is not configured")
                        .arg(backup.id, backup.backendName));
    return *backend;
}

QString cinderVolumeIdOfRbdImage(const QString& poolSlashImage)
{
    const QString image = poolSlashImage.section(QLatin1Char('/'), -1);
    const QLatin1String prefix("volume-");
    if (!image.startsWith(prefix) || !isCanonicalUuid(image.mid(prefix.size())))
        return {};
    return image.mid(prefix.size());
}

// A catalog row for a volume that is available from now on.
static Volume newVolumeRecord(const QString& name, VolumeKind kind, const QString& path,
                              qint64 sizeBytes, const QString& backendName = {})
{
    Volume volume;
    volume.id = cinderVolumeIdOfRbdImage(path);
    if (kind != VolumeKind::Rbd || volume.id.isEmpty())
        volume.id = newUuid();
    volume.name = name;
    volume.kind = kind;
    volume.path = path;
    volume.backendName = backendName;
    volume.sizeBytes = sizeBytes;
    volume.status = VolumeStatus::Available;
    volume.createdAt = QDateTime::currentDateTimeUtc();
    volume.updatedAt = volume.createdAt;
    return volume;
}

static BackendConfig backendNamed(Catalog& catalog, const QString& name)
{
    if (name.isEmpty())
        return catalog.defaultBackend();
    const std::optional<BackendConfig> backend = catalog.backend(name);
    if (!backend)
        throw Error(QStringLiteral("no backend named '%1' (see backend-list)").arg(name));
    return *backend;
}

// Opens the volume's data for the engine. File and block volumes are local;
// RBD volumes go through the Ceph backend that describes their cluster. For a
// backup, RBD reads come from a snapshot taken for it (`backupId`), and the
// parent's snapshot tells which extents changed.
std::unique_ptr<VolumeDevice> BackupService::openVolume(const Volume& volume, OpenMode mode,
                                                        const QString& backupId,
                                                        const QString& parentBackupId,
                                                        const QStringList& supersededBackupIds,
                                                        bool releaseSupersededEarly)
{
    if (isLocalKind(volume.kind))
        return openLocalVolume(volume.path, mode);
    const BackendConfig cluster = backendNamed(m_catalog, volume.backendName);
    const VolumeHost& host = volumeHostOf(
        cluster,
        QStringLiteral("volume %1 is an RBD image; this build of Ember has no Ceph support")
            .arg(volume.name));
    HostedVolumeOptions options;
    options.backupId = backupId;
    options.parentBackupId = parentBackupId;
    options.supersededBackupIds = supersededBackupIds;
    options.releaseSupersededEarly = releaseSupersededEarly;
    return host.open(cluster, m_secrets ? m_secrets(cluster) : BackendSecrets{}, volume.path, mode,
                     options);
}

// An image named volume-<uuid> becomes volume <uuid>: refused when another
// volume (a file, or an image of another name) has that id already, since its
// backups would then count as this image's.
void BackupService::checkCinderVolumeIdFree(const QString& poolSlashImage)
{
    const QString cinderId = cinderVolumeIdOfRbdImage(poolSlashImage);
    if (cinderId.isEmpty())
        return;
    if (const std::optional<Volume> holder = m_catalog.volume(cinderId))
        throw Error(QStringLiteral("%1 is Cinder's volume %2, but volume %3 (%4) already has the "
                                   "id %2; remove that volume with volume-remove or rename the "
                                   "image")
                        .arg(poolSlashImage, cinderId, holder->name, holder->path));
}

Volume BackupService::addRbdVolume(const QString& backendName, const QString& poolSlashImage,
                                   const QString& name)
{
    const BackendConfig cluster = backendNamed(m_catalog, backendName);
    const VolumeHost& host = volumeHostOf(cluster);
    for (const Volume& existing : m_catalog.volumes())
        if (existing.kind == VolumeKind::Rbd && existing.backendName == backendName &&
            existing.path == poolSlashImage)
            throw Error(QStringLiteral("%1 on %2 is already registered as volume %3")
                            .arg(poolSlashImage, backendName, existing.name));
    checkCinderVolumeIdFree(poolSlashImage);
    const BackendSecrets secrets = m_secrets ? m_secrets(cluster) : BackendSecrets{};
    Volume volume = newVolumeRecord(
        name.isEmpty() ? poolSlashImage.section(QLatin1Char('/'), -1) : name, VolumeKind::Rbd,
        poolSlashImage, host.size(cluster, secrets, poolSlashImage), backendName);
    // Another backend naming the same cluster must not register it twice.
    volume.identity = host.identity(cluster, secrets, poolSlashImage);
    m_catalog.insertVolume(volume);
    return volume;
}

// A restore target: a new RBD image of `sizeBytes`, registered as a volume.
Volume BackupService::createRbdTarget(const Backup& backup, const RestoreRequest& request,
                                      qint64 sizeBytes)
{
    QString clusterName = request.newRbdCluster;
    if (clusterName.isEmpty()) {
        const std::optional<Volume> source = m_catalog.volume(backup.volumeId);
        if (source && source->kind == VolumeKind::Rbd)
            clusterName = source->backendName;
        else if (capabilitiesOf(backendFor(backup)).hostsRbdVolumes)
            clusterName = backendFor(backup).name;
        else
            throw Error(QStringLiteral("name the Ceph backend whose cluster gets the new image "
                                       "%1 (--rbd-cluster)")
                            .arg(request.newRbdImage));
    }
    const BackendConfig cluster = backendNamed(m_catalog, clusterName);
    const VolumeHost& host =
        volumeHostOf(cluster, QStringLiteral("cannot create the RBD image %1: this build of Ember "
                                             "has no Ceph support")
                                  .arg(request.newRbdImage));
    const BackendSecrets secrets = m_secrets ? m_secrets(cluster) : BackendSecrets{};
    for (const Volume& existing : m_catalog.volumes())
        if (existing.kind == VolumeKind::Rbd && existing.backendName == clusterName &&
            existing.path == request.newRbdImage)
            throw Error(QStringLiteral("%1 is already the registered volume %2; restore into it "
                                       "with --volume")
                            .arg(request.newRbdImage, existing.name));
    checkCinderVolumeIdFree(request.newRbdImage);
    host.create(cluster, secrets, request.newRbdImage, sizeBytes);
    Volume target = newVolumeRecord(request.newVolumeName.isEmpty()
                                        ? QStringLiteral("restore_backup_%1").arg(backup.id)
                                        : request.newVolumeName,
                                    VolumeKind::Rbd, request.newRbdImage, sizeBytes, clusterName);
    try {
        target.identity = host.identity(cluster, secrets, request.newRbdImage);
        m_catalog.insertVolume(target);
    } catch (...) {
        host.remove(cluster, secrets, request.newRbdImage);
        throw;
    }
    return target;
}

// Removes a volume a restore created (its file or RBD image, then its row).
// Returns empty when both are gone, otherwise what was kept and why.
QString BackupService::discardNewTarget(const Volume& target)
{
    try {
        if (isLocalKind(target.kind)) {
            QFile file(target.path);
            if (file.exists() && !file.remove())
                throw Error(
                    QStringLiteral("cannot remove %1: %2").arg(target.path, file.errorString()));
        } else {
            const BackendConfig cluster = backendNamed(m_catalog, target.backendName);
            volumeHostOf(cluster).remove(cluster, m_secrets ? m_secrets(cluster) : BackendSecrets{},
                                         target.path);
        }
        m_catalog.removeVolume(target.id);
    } catch (const Error& error) {
        return QStringLiteral("the new volume %1 (%2) was kept as %3 because it could not be "
                              "removed: %4; remove it with volume-remove")
            .arg(target.name, target.path, target.status, error.message());
    }
    return {};
}

// The live state of a local volume: it must exist, and its size may have
// changed since it was registered.
// The registered local volume (other than `exceptId`) that is the file with
// `identity` now. A row whose file is gone or is another file now has its
// identity forgotten on the way: a new file may get a removed file's inode.
static std::optional<Volume> volumeOfFile(Catalog& catalog, const QString& identity,
                                          const QString& exceptId = {})
{
    for (const Volume& other : catalog.volumes()) {
        if (other.id == exceptId || !isLocalKind(other.kind))
            continue;
        if (!other.identity.isEmpty() && other.identity != identity)
            continue;
        QString live;
        try {
            live = localVolumeIdentity(other.path);
        } catch (const Error&) {
            // A missing file is nobody's alias.
        }
        if (!other.identity.isEmpty() && live != other.identity)
            catalog.setVolumeIdentity(other.id, live);
        if (live == identity)
            return other;
    }
    return std::nullopt;
}

static void refreshLocalVolume(Catalog& catalog, Volume& volume)
{
    if (!isLocalKind(volume.kind))
        return;
    if (!QFileInfo::exists(volume.path))
        throw Error(
            QStringLiteral("volume %1: %2 does not exist any more").arg(volume.name, volume.path));
    const qint64 size = localVolumeSize(volume.path);
    const QString identity = localVolumeIdentity(volume.path);
    // Rows from before identities were recorded, or a path that now names
    // another file: it must not be another volume's file.
    if (const std::optional<Volume> other = volumeOfFile(catalog, identity, volume.id))
        throw Error(QStringLiteral("volume %1 (%2) is the same file as volume %3 (%4); "
                                   "remove one of them with volume-remove")
                        .arg(volume.name, volume.path, other->name, other->path));
    if (size != volume.sizeBytes || identity != volume.identity) {
        volume.sizeBytes = size;
        volume.identity = identity;
        catalog.updateVolume(volume);
    }
}

// ------------------------------------------------------------------ backup

// An incremental records block hashes at the parent's offsets: a volume that
// grew (Cinder's refusal) or shrank since the parent cannot be one. Refused
// here, before any row exists, with the sizes named.
void BackupService::checkIncrementalSize(BackupDriver& driver, const Volume& volume,
                                         const Backup& parent)
{
    qint64 parentBytes = parent.volumeSizeBytes;
    if (parentBytes <= 0) {
        // Imported rows know only whole GiB; the stored metadata knows the bytes.
        try {
            const QList<Backup> chain = ChainRules::chainOf(
                parent, [this](const QString& id) { return m_catalog.backup(id); });
            parentBytes = driver.storedVolumeSize(chain).value_or(0);
        } catch (const Error& error) {
            throw Error(QStringLiteral("cannot read the volume size recorded by backup %1 (%2). "
                                       "Do a full backup.")
                            .arg(parent.id, error.message()));
        }
    }
    if (parentBytes <= 0 || parentBytes == volume.sizeBytes)
        return;
    auto bytes = [](qint64 count) { return QStringLiteral("%1 bytes").arg(count); };
    if (volume.sizeBytes > parentBytes)
        throw Error(QStringLiteral("Volume size increased since the last backup (%1 had %2, "
                                   "volume %3 now has %4). Do a full backup.")
                        .arg(parent.id, bytes(parentBytes), volume.name, bytes(volume.sizeBytes)));
    throw Error(QStringLiteral("Volume size decreased since the last backup (%1 had %2, volume "
                               "%3 now has %4): an incremental backup cannot record a shrunk "
                               "volume. Do a full backup.")
                    .arg(parent.id, bytes(parentBytes), volume.name, bytes(volume.sizeBytes)));
}

BackupService::PreparedBackup BackupService::prepareBackup(const CreateBackupRequest& request)
{
    PreparedBackup prepared;
    prepared.backend = backendNamed(m_catalog, request.backend);
    prepared.volume = m_catalog.resolveVolume(request.volume);
    Volume& volume = prepared.volume;
    refreshLocalVolume(m_catalog, volume);

    Volume effective = volume;
    QString inUseReason;
    if (volume.kind == VolumeKind::BlockDevice) {
        inUseReason = deviceInUse(volume.path);
        if (!inUseReason.isEmpty() && effective.status == VolumeStatus::Available)
            effective.status = VolumeStatus::InUse;
    }
    if (const QString refusal = ChainRules::canBackup(effective, request.force); !refusal.isEmpty())
        throw Error(inUseReason.isEmpty() ? refusal
                                          : QStringLiteral("%1 (%2)").arg(refusal, inUseReason));

    auto driver = driverFor(prepared.backend);
    if (const QString refusal = driver->cannotBackup(volume); !refusal.isEmpty())
        throw Error(refusal);
    // An encrypting backend needs its key here (the public half is enough to
    // wrap): without it the backup would fail after the row exists.
    bool encrypts = false;
    if (const QString fingerprint = backendEncryptionKey(prepared.backend, &encrypts); encrypts) {
        if (fingerprint.isEmpty())
            throw Error(QStringLiteral("key not available: backend %1 encrypts backups but "
                                       "names no master key (set ember_encryption_key)")
                            .arg(prepared.backend.name));
        std::optional<KeySet> key;
        try {
            if (m_keys)
                key = m_keys(fingerprint);
        } catch (const Error& error) {
            throw Error(QStringLiteral("key not available: backend %1 encrypts with key %2, "
                                       "which cannot be read here (%3)")
                            .arg(prepared.backend.name, fingerprint, error.message()));
        }
        if (!key)
            throw Error(QStringLiteral("key not available: backend %1 encrypts with key %2, "
                                       "which is not on this host")
                            .arg(prepared.backend.name, fingerprint));
    }
    // Checked before the row exists: a refused container leaves no `error`
    // backup behind.
    if (!request.container.isEmpty()) {
        if (const QString refusal = driver->invalidContainer(request.container); !refusal.isEmpty())
            throw Error(QStringLiteral("invalid container '%1' for backend %2: %3")
                            .arg(request.container, prepared.backend.name, refusal));
    }

    if (request.incremental) {
        if (!driver->supportsIncremental(volume))
            throw Error(QStringLiteral(
                            "backups on backend %1 (%2) are always full backups; --incremental is "
                            "not available for backend %1")
                            .arg(prepared.backend.name, prepared.backend.type));
        BackupFilter filter;
        filter.volumeId = volume.id;
        const ChainRules::ParentChoice choice = ChainRules::chooseParent(m_catalog.backups(filter));
        if (!choice.refusal.isEmpty())
            throw Error(choice.refusal);
        const QString parentBackend = choice.parent->backendName.isEmpty()
                                          ? prepared.backend.name
                                          : choice.parent->backendName;
        if (parentBackend != prepared.backend.name)
            throw Error(QStringLiteral(
                            "the latest backup of volume %1 (%2) is on backend %3; an incremental "
                            "backup must go to the same backend")
                            .arg(volume.name, choice.parent->id, parentBackend));
        if (!request.container.isEmpty() && request.container != choice.parent->container &&
            ownContainerOf(*driver, *choice.parent).isEmpty())
            qCInfo(lcService) << "incremental goes to container" << request.container
                              << "while its parent is in" << choice.parent->container;
        if (driver->incrementalNeedsSameSize())
            checkIncrementalSize(*driver, volume, *choice.parent);
        prepared.parent = choice.parent;
    }

    Backup& backup = prepared.backup;
    backup.id = newUuid();
    backup.volumeId = volume.id;
    backup.host = hostName();
    backup.availabilityZone = QStringLiteral("nova");
    backup.container = request.container;
    backup.parentId = prepared.parent ? prepared.parent->id : QString();
    backup.status = BackupStatus::Creating;
    backup.service = driver->serviceName();
    backup.size = volume.sizeGiB();
    backup.volumeSizeBytes = volume.sizeBytes;
    // Millisecond timestamps (files and records show whole seconds, as
    // Cinder's do): the next incremental must find this one as the latest.
    backup.createdAt = QDateTime::currentDateTimeUtc();
    if (prepared.parent && backup.createdAt <= prepared.parent->dataTimestamp)
        backup.createdAt = prepared.parent->dataTimestamp.addMSecs(1);
    backup.updatedAt = backup.createdAt;
    backup.dataTimestamp = backup.createdAt;
    backup.displayName = request.name.isEmpty() ? QString() : request.name;
    backup.displayDescription = request.description.isEmpty() ? QString() : request.description;
    backup.backendName = prepared.backend.name;

    m_catalog.transaction([&] {
        prepared.lock = m_catalog.lockVolume(volume.id, QStringLiteral("backup"), backup.id);
        m_catalog.insertBackup(backup);
        volume.previousStatus = volume.status == VolumeStatus::InUse || !inUseReason.isEmpty()
                                    ? VolumeStatus::InUse
                                    : VolumeStatus::Available;
        volume.status = VolumeStatus::BackingUp;
        m_catalog.updateVolume(volume);
    });
    return prepared;
}

Backup BackupService::runBackup(PreparedBackup& prepared, OperationControl& control)
{
    Backup& backup = prepared.backup;
    Volume& volume = prepared.volume;
    auto finishVolume = [&] {
        if (std::optional<Volume> current = m_catalog.volume(volume.id)) {
            current->status =
                volume.previousStatus.isEmpty() ? VolumeStatus::Available : volume.previousStatus;
            current->previousStatus = VolumeStatus::BackingUp;
            m_catalog.updateVolume(*current);
        }
    };
    OperationSlot slot; // held until the backup is recorded
    try {
        DeleteWatcher watcher(m_catalog, backup.id, control);
        slot = waitForOperationSlot(m_catalog, prepared.backend, control);
        auto driver = driverFor(prepared.backend);
        // The next incremental's parent is this backup (the newest): the
        // volume's older backups need no source snapshot after it.
        QStringList olderBackupIds;
        if (volume.kind == VolumeKind::Rbd) {
            BackupFilter filter;
            filter.volumeId = volume.id;
            for (const Backup& older : m_catalog.backups(filter))
                if (older.id != backup.id)
                    olderBackupIds << older.id;
        }
        // Chunked backends fall back to reading everything when a parent
        // snapshot is gone, so its removal may overlap the backup; a backend
        // that manages source snapshots (Ceph) needs it for the next
        // incremental and removes it last.
        const bool backendManagesSnapshots =
            capabilitiesOf(prepared.backend).managesSourceSnapshots;
        auto device = openVolume(volume, OpenMode::Read, backup.id,
                                 prepared.parent ? prepared.parent->id : QString(), olderBackupIds,
                                 !backendManagesSnapshots);
        if (device->size() != backup.volumeSizeBytes) {
            backup.volumeSizeBytes = device->size();
            backup.size = (device->size() + (Q_INT64_C(1) << 30) - 1) >> 30;
        }
        BackupJob job{backup, volume, *device, prepared.parent, control};
        job.recordLocation = [this](const Backup& located) { m_catalog.updateBackup(located); };
        control.log(QStringLiteral("%1 backup %2 of volume %3 (%4 bytes) to backend %5")
                        .arg(backup.isIncremental() ? QStringLiteral("incremental")
                                                    : QStringLiteral("full"),
                             backup.id, volume.name)
                        .arg(volume.sizeBytes)
                        .arg(prepared.backend.name));
        driver->backup(job);
        // A source truncated, replaced or removed while it was read gave
        // objects that restore neither the old nor the new content.
        try {
            device->checkUnchanged();
        } catch (const Error&) {
            driver->removeLeftovers(backup);
            throw;
        }
        // A source snapshot (RBD) into a backend that does not manage it: it
        // is the next incremental's base.
        if (!backendManagesSnapshots) {
            try {
                device->keepBackupSnapshot();
            } catch (const Error& error) {
                // The backup itself is stored; only the next incremental will read more.
                control.log(
                    QStringLiteral(
                        "warning: could not keep the RBD snapshot for the next incremental: %1")
                        .arg(error.message()));
            }
        }
    } catch (const Error& error) {
        const bool cancelled = dynamic_cast<const Cancelled*>(&error) != nullptr;
        m_catalog.transaction([&] {
            markFailed(m_catalog, backup,
                       cancelled ? QStringLiteral("backup cancelled") : error.message());
            finishVolume();
        });
        prepared.lock.release();
        control.log(QStringLiteral("backup %1 failed: %2").arg(backup.id, error.message()));
        throw;
    }

    m_catalog.transaction([&] {
        backup.status = BackupStatus::Available;
        backup.failReason.clear();
        m_catalog.updateBackup(backup);
        if (prepared.parent) {
            if (std::optional<Backup> parent = m_catalog.backup(prepared.parent->id)) {
                parent->numDependentBackups = m_catalog.children(parent->id).size();
                m_catalog.updateBackup(*parent);
            }
        }
        finishVolume();
    });
    prepared.lock.release();
    control.log(QStringLiteral("backup %1 is available: %2 object(s), %3 bytes stored")
                    .arg(backup.id)
                    .arg(backup.objectCount)
                    .arg(backup.storedBytes));
    return backup;
}

// ----------------------------------------------------------------- restore

BackupService::PreparedRestore BackupService::prepareRestore(const RestoreRequest& request)
{
    PreparedRestore prepared;
    prepared.backup = m_catalog.resolveBackup(request.backup);
    Backup& backup = prepared.backup;
    prepared.backend = backendFor(backup);
    prepared.chain =
        ChainRules::chainOf(backup, [this](const QString& id) { return m_catalog.backup(id); });
    // Before any target exists or any row changes: nothing is written
    // without a key that opens every backup of the chain.
    if (const QString problem = chainKeyProblem(*this, prepared.chain); !problem.isEmpty())
        throw Error(problem);

    qint64 neededBytes = backup.volumeSizeBytes;
    if (neededBytes <= 0) {
        // Imported records carry only whole GiB; the backend knows the bytes.
        auto driver = driverFor(prepared.backend);
        neededBytes = driver->storedVolumeSize(prepared.chain).value_or(backup.size << 30);
    }

    if (!request.targetVolume.isEmpty()) {
        prepared.target = m_catalog.resolveVolume(request.targetVolume);
        refreshLocalVolume(m_catalog, prepared.target);
    } else if (!request.newRbdImage.isEmpty()) {
        if (backup.status != BackupStatus::Available)
            throw Error(QStringLiteral("backup %1 is %2; only an available backup can be restored")
                            .arg(backup.id, backup.status));
        prepared.target = createRbdTarget(backup, request, neededBytes);
        prepared.targetIsNew = true;
    } else {
        if (backup.status != BackupStatus::Available)
            throw Error(QStringLiteral("backup %1 is %2; only an available backup can be restored")
                            .arg(backup.id, backup.status));
        const QString name = request.newVolumeName.isEmpty()
                                 ? QStringLiteral("restore_backup_%1").arg(backup.id)
                                 : request.newVolumeName;
        QString path = request.newVolumePath;
        if (path.isEmpty())
            path = defaultDataDirectory() + QStringLiteral("/volumes/") + name +
                   QStringLiteral(".img");
        path = QFileInfo(path).absoluteFilePath();
        if (m_catalog.volumeByPath(path))
            throw Error(
                QStringLiteral("%1 is already a registered volume; restore into it with --volume")
                    .arg(path));
        createSparseImage(path, neededBytes);
        Volume target = newVolumeRecord(name, VolumeKind::File, path, neededBytes);
        try {
            target.identity = localVolumeIdentity(path);
            volumeOfFile(m_catalog, target.identity); // forgets removed files' identities
            m_catalog.insertVolume(target);
        } catch (...) {
            QFile::remove(path);
            throw;
        }
        prepared.target = target;
        prepared.targetIsNew = true;
    }
    Volume& target = prepared.target;
    try {
        Backup sized = backup;
        sized.volumeSizeBytes = neededBytes;
        const QString inUse =
            target.kind == VolumeKind::BlockDevice ? deviceInUse(target.path) : QString();
        if (const QString refusal = ChainRules::canRestore(sized, target, !inUse.isEmpty());
            !refusal.isEmpty())
            throw Error(inUse.isEmpty() ? refusal : QStringLiteral("%1 (%2)").arg(refusal, inUse));

        m_catalog.transaction([&] {
            prepared.lock = m_catalog.lockVolume(target.id, QStringLiteral("restore"), backup.id);
            const std::optional<Backup> current = m_catalog.backup(backup.id);
            if (!current || current->status != BackupStatus::Available)
                throw Error(QStringLiteral("backup %1 is no longer available").arg(backup.id));
            backup = *current;
            backup.status = BackupStatus::Restoring;
            backup.restoreVolumeId = target.id;
            m_catalog.updateBackup(backup);
            target.previousStatus = target.status;
            target.status = VolumeStatus::Restoring;
            m_catalog.updateVolume(target);
        });
    } catch (const Error& error) {
        // A refused restore leaves no new volume behind.
        if (!prepared.targetIsNew)
            throw;
        prepared.lock.release();
        const QString kept = discardNewTarget(target);
        throw Error(kept.isEmpty() ? error.message()
                                   : QStringLiteral("%1; %2").arg(error.message(), kept));
    }
    return prepared;
}

Volume BackupService::runRestore(PreparedRestore& prepared, OperationControl& control)
{
    Backup& backup = prepared.backup;
    Volume& target = prepared.target;
    VolumeMetaChanges metaChanges;
    OperationSlot slot; // held until the restore is recorded
    try {
        slot = waitForOperationSlot(m_catalog, prepared.backend, control);
        auto driver = driverFor(prepared.backend);
        auto device = openVolume(target, OpenMode::ReadWrite);
        RestoreJob job{prepared.chain, target, *device, control};
        job.chain.last() = backup;
        control.log(QStringLiteral("restoring backup %1 (a chain of %2) into %3")
                        .arg(backup.id)
                        .arg(prepared.chain.size())
                        .arg(target.path));
        driver->restore(job);
        if (!job.volumeMeta.isEmpty())
            metaChanges = volumeMetaChanges(job.volumeMeta, target);
    } catch (const Error& error) {
        const bool cancelled = dynamic_cast<const Cancelled*>(&error) != nullptr;
        m_catalog.transaction([&] {
            if (std::optional<Backup> current = m_catalog.backup(backup.id)) {
                if (current->status == BackupStatus::Restoring) {
                    current->status = BackupStatus::Available;
                    m_catalog.updateBackup(*current);
                }
            }
            if (std::optional<Volume> current = m_catalog.volume(target.id)) {
                // As Cinder: a failed restore leaves error_restoring, a cancelled one error.
                current->status = cancelled ? VolumeStatus::Error : VolumeStatus::ErrorRestoring;
                m_catalog.updateVolume(*current);
                target = *current;
            }
        });
        prepared.lock.release();
        control.log(QStringLiteral("restore of %1 failed: %2").arg(backup.id, error.message()));
        if (!prepared.targetIsNew)
            throw;
        // A new volume holding part of a backup is of no use to anyone:
        // remove it (Cinder would leave an error_restoring volume to delete).
        QString outcome = discardNewTarget(target);
        if (outcome.isEmpty())
            outcome =
                QStringLiteral("the new volume %1 (%2) was removed").arg(target.name, target.path);
        if (cancelled)
            throw Cancelled(QStringLiteral("restore cancelled; %1").arg(outcome));
        throw Error(QStringLiteral("%1; %2").arg(error.message(), outcome));
    }
    m_catalog.transaction([&] {
        if (std::optional<Backup> current = m_catalog.backup(backup.id)) {
            current->status = BackupStatus::Available;
            m_catalog.updateBackup(*current);
            backup = *current;
        }
        if (std::optional<Volume> current = m_catalog.volume(target.id)) {
            current->status = VolumeStatus::Available;
            current->previousStatus = VolumeStatus::Restoring;
            // The backup's volume metadata, as Cinder applies it; its name
            // only where no other volume has it (names pick volumes in the CLI).
            if (metaChanges.metadata)
                current->metadata = *metaChanges.metadata;
            if (metaChanges.name) {
                bool taken = false;
                for (const Volume& other : m_catalog.volumes())
                    taken = taken || (other.id != current->id && other.name == *metaChanges.name);
                if (!taken)
                    current->name = *metaChanges.name;
            }
            if (current->id != backup.volumeId)
                current->metadata[QStringLiteral("src_backup_id")] = backup.id;
            m_catalog.updateVolume(*current);
            target = *current;
        }
    });
    prepared.lock.release();
    control.log(QStringLiteral("restored backup %1 into %2").arg(backup.id, target.path));
    return target;
}

// ------------------------------------------------------------------ delete

void BackupService::deleteBackup(const QString& backupRef, bool force, OperationControl& control)
{
    Backup backup = m_catalog.resolveBackup(backupRef);
    if (backup.isProtected)
        throw Error(QStringLiteral("backup %1 is protected; unprotect it first (backup-unprotect)")
                        .arg(backup.id));
    // Refused before anything is touched, forced or not: the store would
    // refuse to remove its objects until the lock ends.
    if (const QString refusal = immutabilityRefusal(backup, QDateTime::currentDateTimeUtc());
        !refusal.isEmpty())
        throw Error(refusal);
    const BackendConfig backend = backendFor(backup);
    auto driver = driverFor(backend);
    // Where every backup stands alone (Ceph snapshots), its children take over
    // its parent; elsewhere Cinder's newest-first rule holds.
    const bool anyOrder = driver->deletesInAnyOrder();
    if (const QString refusal = ChainRules::canDelete(
            backup, anyOrder ? QList<Backup>{} : m_catalog.children(backup.id), force);
        !refusal.isEmpty())
        throw Error(refusal);
    if (force && !driver->supportsForceDelete() && backup.status != BackupStatus::Available &&
        backup.status != BackupStatus::Error)
        throw Error(QStringLiteral("backend %1 (%2) does not support force delete")
                        .arg(backend.name, backend.type));

    // A running backup sees `deleting`, stops and removes what it wrote; wait for it.
    const bool wasRunning = m_catalog.runningJobs().size() > 0 && [&] {
        for (const RunningJob& job : m_catalog.runningJobs())
            if (job.backupId == backup.id)
                return true;
        return false;
    }();
    // Held while the objects go, so start-up repair leaves a live delete alone.
    VolumeJobLock deleteLock;
    if (!wasRunning)
        deleteLock = m_catalog.lockBackup(backup.id, QStringLiteral("delete"));
    m_catalog.transaction([&] {
        std::optional<Backup> current = m_catalog.backup(backup.id);
        if (!current)
            throw Error(QStringLiteral("backup %1 was deleted meanwhile").arg(backup.id));
        backup = *current;
        backup.status = BackupStatus::Deleting;
        m_catalog.updateBackup(backup);
    });
    if (wasRunning) {
        control.log(
            QStringLiteral("waiting for the running job of backup %1 to stop").arg(backup.id));
        for (int waited = 0;; ++waited) {
            bool running = false;
            for (const RunningJob& job : m_catalog.runningJobs())
                running = running || job.backupId == backup.id;
            if (!running)
                break;
            if (waited > 1200)
                throw Error(QStringLiteral("the job of backup %1 did not stop within 2 minutes")
                                .arg(backup.id));
            control.throwIfCancelled();
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (std::optional<Backup> current = m_catalog.backup(backup.id, true))
            backup.serviceMetadata = current->serviceMetadata,
            backup.container = current->container;
    }
    if (!deleteLock.isHeld())
        deleteLock = m_catalog.lockBackup(backup.id, QStringLiteral("delete"));

    // Objects that another backup in the catalog names too (a record imported
    // twice before imports were checked) are that backup's as well: they stay.
    QString sharedWith;
    if (dynamic_cast<ChunkedBackupDriver*>(driver.get()) && !backup.serviceMetadata.isEmpty())
        for (const Backup& other : m_catalog.backups())
            if (other.id != backup.id && other.backendName == backup.backendName &&
                other.container == backup.container &&
                other.serviceMetadata == backup.serviceMetadata)
                sharedWith = other.id;

    control.setPhase(QStringLiteral("deleting"), 0);
    try {
        if (sharedWith.isEmpty())
            driver->remove(backup, control);
        else
            control.log(QStringLiteral("kept the objects of backup %1 (container '%2', prefix "
                                       "'%3'): they belong to backup %4 too")
                            .arg(backup.id, backup.container, backup.serviceMetadata, sharedWith));
    } catch (const Error& error) {
        m_catalog.transaction([&] {
            if (std::optional<Backup> current = m_catalog.backup(backup.id)) {
                current->status = BackupStatus::Error;
                current->failReason = failReasonFrom(error.message());
                m_catalog.updateBackup(*current);
            }
        });
        throw;
    }
    m_catalog.transaction([&] { softDeleteHandingOverChildren(m_catalog, backup.id); });
    control.log(QStringLiteral("deleted backup %1").arg(backup.id));
}

VerifyReport BackupService::verifyBackup(const QString& backupRef, OperationControl& control)
{
    return verifyBackup(backupRef, control, 100);
}

// The objects a sampled verification reads: ceil(percent of all), those never
// verified first, then the longest ago, random among equals; in volume order.
static QStringList chooseVerifySample(const QStringList& objects,
                                      const QHash<QString, QDateTime>& verifiedAt, int percent)
{
    const qsizetype wanted = (qsizetype(percent) * objects.size() + 99) / 100;
    struct Candidate
    {
        qint64 lastVerified; // ms since the epoch; lowest for never
        quint64 tieBreak;
        qsizetype index;
    };
    std::vector<Candidate> candidates;
    candidates.reserve(size_t(objects.size()));
    for (qsizetype i = 0; i < objects.size(); ++i) {
        const auto found = verifiedAt.constFind(objects[i]);
        const qint64 last = found == verifiedAt.constEnd() || !found->isValid()
                                ? std::numeric_limits<qint64>::min()
                                : found->toMSecsSinceEpoch();
        candidates.push_back({last, QRandomGenerator::global()->generate64(), i});
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return a.lastVerified != b.lastVerified ? a.lastVerified < b.lastVerified
                                                : a.tieBreak < b.tieBreak;
    });
    std::vector<qsizetype> chosen;
    for (qsizetype i = 0; i < wanted && i < qsizetype(candidates.size()); ++i)
        chosen.push_back(candidates[size_t(i)].index);
    std::sort(chosen.begin(), chosen.end());
    QStringList names;
    for (qsizetype index : chosen)
        names.append(objects[index]);
    return names;
}

VerifyReport BackupService::verifyBackup(const QString& backupRef, OperationControl& control,
                                         int samplePercent)
{
    if (samplePercent < 1 || samplePercent > 100)
        throw Error(QStringLiteral("the sample must be 1 to 100 percent of the backup's objects, "
                                   "not %1")
                        .arg(samplePercent));
    const Backup backup = m_catalog.resolveBackup(backupRef);
    if (backup.status == BackupStatus::Creating || backup.status == BackupStatus::Deleting)
        throw Error(QStringLiteral("backup %1 is %2; verify it when that has finished")
                        .arg(backup.id, backup.status));
    const QList<Backup> chain =
        ChainRules::chainOf(backup, [this](const QString& id) { return m_catalog.backup(id); });
    // Refused, not recorded as a failed verification: the backup is not at fault.
    if (const QString problem = chainKeyProblem(*this, chain); !problem.isEmpty())
        throw Error(problem);
    const BackendConfig backend = backendFor(backup);
    const OperationSlot slot = waitForOperationSlot(m_catalog, backend, control);
    auto driver = driverFor(backend);

    // The backup's own objects; a backup whose description cannot be read is
    // damaged, which a sample reports and a full verification finds itself.
    QStringList objects;
    QString unlisted;
    try {
        objects = driver->verifiableObjects(backup);
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& error) {
        unlisted = error.message();
    }
    int percent = samplePercent;
    if (percent < 100 && objects.isEmpty() && unlisted.isEmpty()) {
        control.log(QStringLiteral("%1 verifies whole backups only: verifying all of backup %2 "
                                   "instead of a %3% sample")
                        .arg(driver->serviceName(), backup.id)
                        .arg(samplePercent));
        percent = 100;
    }

    VerifyReport report;
    QStringList read; // the backup's own objects this run reads
    if (percent == 100) {
        report = driver->verify(chain, control);
        read = objects;
    } else if (!unlisted.isEmpty()) {
        report.problems.append(unlisted);
    } else {
        read = chooseVerifySample(objects, m_catalog.verifiedObjects(backup.id), percent);
        control.log(QStringLiteral("verifying %1 of the %2 objects of backup %3 (%4%)")
                        .arg(read.size())
                        .arg(objects.size())
                        .arg(backup.id)
                        .arg(percent));
        report = driver->verifySample(chain, VerifySample{read}, control);
    }

    VerifyResult result;
    result.backupId = backup.id;
    result.checkedAt = QDateTime::currentDateTimeUtc();
    result.ok = report.problems.isEmpty();
    result.problem = report.problems.value(0);
    result.samplePercent = percent;
    result.objectsTotal = objects.isEmpty() ? report.objectsChecked : objects.size();
    // A failed run stops at its first problem: count what the driver finished.
    result.objectsChecked =
        read.isEmpty() || !result.ok ? report.objectsChecked : qint64(read.size());
    m_catalog.transaction([&] {
        if (!m_catalog.backup(backup.id))
            return; // deleted meanwhile: nothing to remember
        if (result.ok && !read.isEmpty())
            m_catalog.markObjectsVerified(backup.id, read, result.checkedAt);
        m_catalog.setVerifyResult(result);
    });
    return report;
}

// --------------------------------------------------------------- retention

namespace {

void appendLog(Catalog& catalog, const QString& volumeId, const QString& backupId,
               const QString& action, const QString& detail, const QString& policy)
{
    PruneLogEntry entry;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.volumeId = volumeId;
    entry.backupId = backupId;
    entry.action = action;
    entry.detail = detail;
    entry.policy = policy;
    catalog.appendPruneLog(entry);
}

QString displayNameOf(const Backup& backup)
{
    return backup.displayName.isEmpty() ? backup.id : backup.displayName;
}

// A prune step whose backup changed since the plan was made.
class PruneStopped : public Error
{
public:
    using Error::Error;
};

QSet<QString> idsOf(const QList<Backup>& backups)
{
    QSet<QString> ids;
    for (const Backup& backup : backups)
        ids.insert(backup.id);
    return ids;
}

} // namespace

BackupService::SynthesisPreview BackupService::previewSynthesis(const QString& backupRef)
{
    SynthesisPreview preview;
    preview.source = m_catalog.resolveBackup(backupRef);
    const Backup& source = preview.source;
    auto lookup = [this](const QString& id) { return m_catalog.backup(id); };
    try {
        preview.chain = ChainRules::chainOf(source, lookup);
    } catch (const Error& error) {
        preview.refusal = QStringLiteral("the chain of backup %1 is incomplete: %2")
                              .arg(source.id, error.message());
        return preview;
    }
    preview.moving = m_catalog.children(source.id);

    // What the move frees: the source, then each ancestor whose only
    // remaining dependent is the one just freed below it.
    QString freed;
    for (qsizetype i = preview.chain.size() - 1; i >= 0; --i) {
        const Backup& node = preview.chain.at(i);
        bool othersRemain = false;
        for (const Backup& child : m_catalog.children(node.id)) {
            const bool moves = node.id == source.id;
            if (!moves && child.id != freed)
                othersRemain = true;
        }
        if (othersRemain || node.isProtected || node.isImmutableAt(QDateTime::currentDateTimeUtc()))
            break;
        preview.becomeDeletable.append(node);
        freed = node.id;
    }

    const BackendConfig backend = backendFor(source);
    if (!source.isIncremental()) {
        preview.refusal =
            QStringLiteral("backup %1 is already a full backup; a synthetic full of it would "
                           "hold the same data")
                .arg(source.id);
        return preview;
    }
    if (source.status != BackupStatus::Available) {
        preview.refusal = QStringLiteral("backup %1 is %2; only an available backup can be the "
                                         "source of a synthetic full")
                              .arg(source.id, source.status);
        return preview;
    }
    for (const Backup& link : std::as_const(preview.chain)) {
        if (link.status != BackupStatus::Available && link.status != BackupStatus::Restoring) {
            preview.refusal = QStringLiteral("backup %1 in the chain of %2 is %3; the chain must "
                                             "be available to build a synthetic full from it")
                                  .arg(link.id, source.id, link.status);
            return preview;
        }
        if (link.backendName != source.backendName) {
            preview.refusal = QStringLiteral("backup %1 in the chain of %2 is on another backend "
                                             "(%3)")
                                  .arg(link.id, source.id, link.backendName);
            return preview;
        }
    }
    auto driver = driverFor(backend);
    if (!driver->canSynthesize()) {
        preview.refusal =
            driver->deletesInAnyOrder()
                ? QStringLiteral("backend %1 (%2) does not build synthetic full backups; it needs "
                                 "none: any of its backups can be deleted on its own")
                      .arg(backend.name, backend.type)
                : QStringLiteral("backend %1 (%2) cannot build synthetic full backups")
                      .arg(backend.name, backend.type);
    }
    return preview;
}

BackupService::PreparedSynthesis BackupService::prepareSynthesis(const SynthesizeRequest& request)
{
    SynthesisPreview preview = previewSynthesis(request.backup);
    if (!preview.refusal.isEmpty())
        throw Error(preview.refusal);
    if (const QString problem = chainKeyProblem(*this, preview.chain); !problem.isEmpty())
        throw Error(problem);
    PreparedSynthesis prepared;
    prepared.source = preview.source;
    prepared.chain = preview.chain;
    if (request.moveChildren)
        prepared.moving = preview.moving;
    prepared.backend = backendFor(prepared.source);
    const Backup& source = prepared.source;
    auto driver = driverFor(prepared.backend);

    qint64 volumeBytes = source.volumeSizeBytes;
    if (volumeBytes <= 0) {
        // Imported rows know whole GiB only; the stored metadata knows the bytes.
        volumeBytes = driver->storedVolumeSize(prepared.chain).value_or(0);
        if (volumeBytes <= 0)
            throw Error(QStringLiteral("cannot tell the exact volume size of backup %1; a "
                                       "synthetic full needs it")
                            .arg(source.id));
    }

    Backup& backup = prepared.backup;
    backup.id = newUuid();
    backup.userId = source.userId;
    backup.projectId = source.projectId;
    backup.volumeId = source.volumeId;
    backup.host = hostName();
    backup.availabilityZone =
        source.availabilityZone.isEmpty() ? QStringLiteral("nova") : source.availabilityZone;
    // The source's container, unless the store made it for the source alone
    // (the posix store's directory): then the new full gets one of its own,
    // so the old chain's directories go with it.
    const QString sourceOwnContainer = ownContainerOf(*driver, source);
    if (sourceOwnContainer.isEmpty() || source.container != sourceOwnContainer)
        backup.container = source.container;
    backup.status = BackupStatus::Creating;
    backup.service = driver->serviceName();
    backup.volumeSizeBytes = volumeBytes;
    backup.size = source.size > 0 ? source.size : (volumeBytes + (Q_INT64_C(1) << 30) - 1) >> 30;
    backup.encryptionKeyId = source.encryptionKeyId;
    backup.createdAt = QDateTime::currentDateTimeUtc();
    backup.updatedAt = backup.createdAt;
    // It is the source's restore point, whenever it was written.
    backup.dataTimestamp = source.dataTimestamp.isValid() ? source.dataTimestamp : source.createdAt;
    backup.displayName = request.name.isEmpty()
                             ? QStringLiteral("synthetic full of %1").arg(displayNameOf(source))
                             : request.name;
    backup.displayDescription = request.description;
    backup.backendName = prepared.backend.name;
    backup.synthesizedFrom = source.id;

    m_catalog.transaction([&] {
        // As a backup: no other job on the volume meanwhile, and the new
        // row's lock tells start-up repair that its job is alive.
        prepared.lock =
            m_catalog.lockVolume(backup.volumeId, QStringLiteral("synthesize"), backup.id);
        const std::optional<Backup> current = m_catalog.backup(source.id);
        if (!current || current->status != BackupStatus::Available)
            throw Error(QStringLiteral("backup %1 is no longer available").arg(source.id));
        m_catalog.insertBackup(backup);
    });
    return prepared;
}

Backup BackupService::runSynthesis(PreparedSynthesis& prepared, OperationControl& control)
{
    Backup& backup = prepared.backup;
    const Backup& source = prepared.source;
    std::unique_ptr<BackupDriver> driver;
    OperationSlot slot; // held until the children are moved too
    try {
        DeleteWatcher watcher(m_catalog, backup.id, control);
        slot = waitForOperationSlot(m_catalog, prepared.backend, control);
        driver = driverFor(prepared.backend);
        SynthesizeJob job{prepared.chain, backup, control};
        job.recordLocation = [this](const Backup& located) { m_catalog.updateBackup(located); };
        control.log(QStringLiteral("synthetic full %1 of backup %2 (a chain of %3) on backend %4")
                        .arg(backup.id, source.id)
                        .arg(prepared.chain.size())
                        .arg(prepared.backend.name));
        driver->synthesize(job);
        // Available only if it restores: read it all back first.
        control.setPhase(QStringLiteral("verifying"), 0);
        VerifyReport report;
        try {
            report = driver->verify({backup}, control);
        } catch (const Error&) {
            driver->removeLeftovers(backup);
            throw;
        }
        if (!report.problems.isEmpty()) {
            driver->removeLeftovers(backup);
            throw Error(QStringLiteral("the synthetic full of backup %1 did not verify (%2); "
                                       "nothing was changed")
                            .arg(source.id, report.problems.first()));
        }
    } catch (const Error& error) {
        const bool cancelled = dynamic_cast<const Cancelled*>(&error) != nullptr;
        m_catalog.transaction([&] {
            markFailed(m_catalog, backup,
                       cancelled ? QStringLiteral("synthetic full cancelled") : error.message());
        });
        prepared.lock.release();
        control.log(QStringLiteral("synthetic full %1 failed: %2").arg(backup.id, error.message()));
        throw;
    }

    const QString reasonSuffix =
        prepared.logReason.isEmpty() ? QString() : QStringLiteral(": ") + prepared.logReason;
    m_catalog.transaction([&] {
        backup.status = BackupStatus::Available;
        backup.failReason.clear();
        m_catalog.updateBackup(backup);
        appendLog(m_catalog, backup.volumeId, backup.id, QStringLiteral("synthesized"),
                  QStringLiteral("synthetic full of %1%2").arg(source.id, reasonSuffix),
                  prepared.logPolicy);
    });
    control.log(QStringLiteral("synthetic full %1 is available").arg(backup.id));

    // The children move one by one: the driver first, then the row, so a
    // crash between the two leaves a child whose two parents hold one state.
    QStringList moved;
    for (const Backup& listed : std::as_const(prepared.moving)) {
        QString step = QStringLiteral("re-parenting backup %1").arg(listed.id);
        try {
            control.throwIfCancelled();
            const std::optional<Backup> child = m_catalog.backup(listed.id);
            if (!child || child->parentId != source.id) {
                control.log(QStringLiteral("backup %1 no longer depends on %2: left alone")
                                .arg(listed.id, source.id));
                continue;
            }
            // No delete of the child while its description is rewritten.
            VolumeJobLock childLock = m_catalog.lockBackup(child->id, QStringLiteral("re-parent"));
            driver->reparent(*child, backup, control);
            m_catalog.transaction([&] {
                std::optional<Backup> row = m_catalog.backup(child->id);
                if (!row)
                    return;
                row->parentId = backup.id;
                m_catalog.updateBackup(*row);
                for (const QString& parentId : {source.id, backup.id}) {
                    if (std::optional<Backup> parent = m_catalog.backup(parentId)) {
                        parent->numDependentBackups = m_catalog.children(parentId).size();
                        m_catalog.updateBackup(*parent);
                    }
                }
                appendLog(m_catalog, backup.volumeId, child->id, QStringLiteral("reparented"),
                          QStringLiteral("%1 -> %2").arg(source.id, backup.id), prepared.logPolicy);
            });
            childLock.release();
            moved << child->id;
        } catch (const Error& error) {
            prepared.lock.release();
            QStringList remaining;
            for (const Backup& other : std::as_const(prepared.moving))
                if (!moved.contains(other.id))
                    remaining << other.id;
            throw Error(QStringLiteral("synthetic full %1 of backup %2 is available, but %3 "
                                       "failed: %4. Moved onto it: %5; still on %2: %6")
                            .arg(backup.id, source.id, step, error.message(),
                                 moved.isEmpty() ? QStringLiteral("none")
                                                 : moved.join(QStringLiteral(", ")),
                                 remaining.join(QStringLiteral(", "))));
        }
    }
    if (std::optional<Backup> current = m_catalog.backup(backup.id))
        backup = *current;
    prepared.lock.release();
    return backup;
}

Backup BackupService::setProtected(const QString& backupRef, bool isProtected)
{
    Backup backup;
    m_catalog.transaction([&] {
        backup = m_catalog.resolveBackup(backupRef);
        m_catalog.setBackupProtected(backup.id, isProtected);
        if (std::optional<Backup> current = m_catalog.backup(backup.id))
            backup = *current;
    });
    return backup;
}

std::optional<RetentionPolicy> BackupService::effectivePolicy(const Volume& volume) const
{
    if (std::optional<RetentionPolicy> own =
            m_catalog.retentionPolicy(Catalog::volumePolicyScope(volume.id)))
        return own;
    // The backend the volume's newest backup went to, else the default one.
    BackupFilter filter;
    filter.volumeId = volume.id;
    std::optional<Backup> newest;
    for (const Backup& backup : m_catalog.backups(filter))
        if (!backup.backendName.isEmpty() &&
            (!newest || retentionTime(backup) > retentionTime(*newest)))
            newest = backup;
    QString backendName;
    if (newest) {
        backendName = newest->backendName;
    } else {
        try {
            backendName = m_catalog.defaultBackend().name;
        } catch (const Error&) {
            return std::nullopt;
        }
    }
    return m_catalog.retentionPolicy(Catalog::backendPolicyScope(backendName));
}

// A volume by reference, or (backups outlive their volumes) a volume id that
// only backups still name.
static Volume volumeForRetention(Catalog& catalog, const QString& volumeRef)
{
    try {
        return catalog.resolveVolume(volumeRef);
    } catch (const Error&) {
        BackupFilter filter;
        filter.volumeId = volumeRef;
        if (catalog.backups(filter).isEmpty())
            throw;
        Volume volume;
        volume.id = volumeRef;
        volume.name = volumeRef;
        return volume;
    }
}

PrunePlan BackupService::planPrune(const QString& volumeRef,
                                   const std::optional<RetentionPolicy>& policy)
{
    const Volume volume = volumeForRetention(m_catalog, volumeRef);
    const std::optional<RetentionPolicy> chosen = policy ? policy : effectivePolicy(volume);
    if (!chosen)
        throw Error(QStringLiteral("volume %1 has no retention policy and its backend has none: "
                                   "set one with policy-set, or give --keep-* options")
                        .arg(volume.name));
    BackupFilter filter;
    filter.volumeId = volume.id;
    const QList<Backup> backups = m_catalog.backups(filter);
    QList<RetentionItem> items;
    QSet<QString> backendNames;
    for (const Backup& backup : backups) {
        items.append(retentionItem(backup));
        backendNames.insert(backup.backendName);
    }
    // Any order only when every backend involved allows it.
    bool anyOrderDelete = !backendNames.isEmpty();
    for (const QString& name : std::as_const(backendNames)) {
        Backup probe;
        probe.backendName = name;
        anyOrderDelete = anyOrderDelete && driverFor(backendFor(probe))->deletesInAnyOrder();
    }
    PrunePlan plan = ember::planPrune(*chosen, items, anyOrderDelete);
    plan.policy = chosen->describe();
    return plan;
}

BackupService::PruneReport BackupService::runPrune(const QString& volumeRef, const PrunePlan& plan,
                                                   OperationControl& control)
{
    const Volume volume = volumeForRetention(m_catalog, volumeRef);
    PruneReport report;
    report.plan = plan;
    const qsizetype total = plan.steps.size();
    for (qsizetype index = 0; index < total; ++index) {
        const PruneStep& step = plan.steps.at(index);
        const bool synthesize = step.kind == PruneStep::Synthesize;
        const QString what =
            QStringLiteral("step %1 of %2 (%3 %4)")
                .arg(index + 1)
                .arg(total)
                .arg(synthesize ? QStringLiteral("synthetic full of") : QStringLiteral("remove"),
                     step.backupId);
        auto stop = [&](const QString& why) {
            throw PruneStopped(
                QStringLiteral("prune of volume %1 stopped at %2: %3; the steps before it "
                               "were carried out (see prune-log). Plan again.")
                    .arg(volume.name, what, why));
        };
        control.throwIfCancelled();
        control.setPhase(what, 0);
        // The catalog may have changed since the plan was made.
        const std::optional<Backup> current = m_catalog.backup(step.backupId);
        if (!current)
            stop(QStringLiteral("the backup no longer exists"));
        if (current->volumeId != volume.id)
            stop(QStringLiteral("the backup belongs to another volume"));
        if (current->status != BackupStatus::Available)
            stop(QStringLiteral("the backup is %1 now").arg(current->status));
        if (current->isProtected)
            stop(QStringLiteral("the backup was protected since the plan was made"));
        if (!synthesize) {
            if (const QString lock =
                    describeImmutability(*current, QDateTime::currentDateTimeUtc());
                !lock.isEmpty())
                stop(QStringLiteral("the backup is immutable %1").arg(lock));
        }
        const QSet<QString> children = idsOf(m_catalog.children(current->id));
        try {
            if (synthesize) {
                const QSet<QString> planned(step.children.begin(), step.children.end());
                if (children != planned)
                    stop(QStringLiteral("its dependent backups changed since the plan was made"));
                SynthesizeRequest request;
                request.backup = current->id;
                request.moveChildren = true;
                PreparedSynthesis prepared = prepareSynthesis(request);
                // Exactly the children the plan moves.
                QList<Backup> moving;
                for (const Backup& child : std::as_const(prepared.moving))
                    if (planned.contains(child.id))
                        moving << child;
                prepared.moving = moving;
                prepared.logPolicy = plan.policy;
                prepared.logReason = step.reason;
                const Backup full = runSynthesis(prepared, control);
                report.synthesized.append({current->id, full.id});
            } else {
                if (!children.isEmpty()) {
                    bool anyOrder = false;
                    try {
                        anyOrder = driverFor(backendFor(*current))->deletesInAnyOrder();
                    } catch (const Error&) {
                    }
                    if (!anyOrder)
                        stop(QStringLiteral("%1 backup(s) depend on it now").arg(children.size()));
                }
                deleteBackup(current->id, false, control);
                appendLog(m_catalog, volume.id, current->id, QStringLiteral("removed"), step.reason,
                          plan.policy);
                report.removed.append(current->id);
            }
        } catch (const Cancelled&) {
            throw;
        } catch (const PruneStopped&) {
            throw;
        } catch (const Error& error) {
            throw Error(QStringLiteral("prune of volume %1 failed at %2: %3; the steps before it "
                                       "were carried out (see prune-log)")
                            .arg(volume.name, what, error.message()));
        }
    }
    return report;
}

// ------------------------------------------------------- records and state

BackupRecord BackupService::exportBackup(const QString& backupRef)
{
    const Backup backup = m_catalog.resolveBackup(backupRef);
    if (backup.status != BackupStatus::Available)
        throw Error(QStringLiteral("backup %1 is %2; only an available backup can be exported")
                        .arg(backup.id, backup.status));
    if (backup.isEncrypted())
        throw Error(QStringLiteral("backup %1 is encrypted (%2, key %3): Cinder cannot restore "
                                   "it, so its record is not exported")
                        .arg(backup.id, backup.encryption, backup.encryptionKeyFingerprint));
    return exportRecord(backup);
}

Backup BackupService::importBackup(const BackupRecord& record, const QString& backendName)
{
    Backup backup = importRecord(record);
    if (m_catalog.backup(backup.id))
        throw Error(QStringLiteral("a backup with id %1 already exists").arg(backup.id));

    // As Cinder: the backend whose driver path the record's service names.
    std::optional<BackendConfig> backend;
    if (!backendName.isEmpty()) {
        backend = backendNamed(m_catalog, backendName);
    } else {
        const BackendConfig preferred = m_catalog.defaultBackend();
        QList<BackendConfig> candidates{preferred};
        candidates.append(m_catalog.backends());
        for (const BackendConfig& candidate : candidates) {
            try {
                if (record.backupService.startsWith(driverFor(candidate)->serviceName())) {
                    backend = candidate;
                    break;
                }
            } catch (const Error&) {
            }
        }
        if (!backend)
            throw Error(
                QStringLiteral("no configured backend serves %1").arg(record.backupService));
    }
    auto driver = driverFor(*backend);
    if (!record.backupService.startsWith(driver->serviceName()))
        throw Error(QStringLiteral("backend %1 is a %2, but the record is for %3")
                        .arg(backend->name, driver->serviceName(), record.backupService));
    backup.backendName = backend->name;
    backup.service = driver->serviceName();
    backup.host = hostName();
    // Two imports of one id run one after the other.
    const VolumeJobLock importLock = m_catalog.lockBackup(backup.id, QStringLiteral("import"));

    // A record is untrusted: its container and object prefix must stay in the
    // store, and must not be another backup's (deleting one would remove the
    // other's objects).
    auto* chunked = dynamic_cast<ChunkedBackupDriver*>(driver.get());
    if (chunked) {
        if (const QString why = chunked->invalidLocation(backup); !why.isEmpty())
            throw Error(QStringLiteral("cannot import backup %1: %2").arg(backup.id, why));
        QString mismatch;
        try {
            mismatch = chunked->recordMismatch(backup);
        } catch (const Error& error) {
            throw Error(QStringLiteral("cannot import backup %1: it is unusable: %2")
                            .arg(backup.id, error.message()));
        }
        if (!mismatch.isEmpty())
            throw Error(QStringLiteral("cannot import backup %1: %2").arg(backup.id, mismatch));
    }
    auto checkUnused = [&] {
        if (m_catalog.backup(backup.id))
            throw Error(QStringLiteral("a backup with id %1 already exists").arg(backup.id));
        if (!chunked)
            return;
        for (const Backup& other : m_catalog.backups())
            if (other.backendName == backup.backendName && other.container == backup.container &&
                other.serviceMetadata == backup.serviceMetadata)
                throw Error(
                    QStringLiteral("cannot import backup %1: its objects (container '%2', "
                                   "prefix '%3') belong to backup %4 in the catalog")
                        .arg(backup.id, backup.container, backup.serviceMetadata, other.id));
    };
    checkUnused();

    // Learn the exact volume size from the backend when the chain is here.
    // Nothing is inserted before the backup proved usable: a refused import
    // leaves no row behind.
    try {
        const QList<Backup> chain =
            ChainRules::chainOf(backup, [this](const QString& id) { return m_catalog.backup(id); });
        backup.volumeSizeBytes = driver->storedVolumeSize(chain).value_or(0);
    } catch (const Error& error) {
        if (!backup.isIncremental() || m_catalog.backup(backup.parentId))
            throw Error(QStringLiteral("cannot import backup %1: it is unusable: %2")
                            .arg(backup.id, error.message()));
        // Its parent may be imported next.
    }
    backup.status = BackupStatus::Available;
    m_catalog.transaction([&] {
        checkUnused(); // another process may have imported meanwhile
        m_catalog.insertBackup(backup);
    });
    return backup;
}

void BackupService::resetState(const QString& backupRef, const QString& state)
{
    if (const QString refusal = ChainRules::canResetState(state); !refusal.isEmpty())
        throw Error(refusal);
    m_catalog.transaction([&] {
        Backup backup = m_catalog.resolveBackup(backupRef);
        backup.status = state;
        if (state == BackupStatus::Available)
            backup.failReason.clear();
        m_catalog.updateBackup(backup);
    });
}

Backup BackupService::updateBackup(const QString& backupRef, const std::optional<QString>& name,
                                   const std::optional<QString>& description)
{
    Backup backup;
    m_catalog.transaction([&] {
        backup = m_catalog.resolveBackup(backupRef);
        if (name)
            backup.displayName = *name;
        if (description)
            backup.displayDescription = *description;
        m_catalog.updateBackup(backup);
    });
    return backup;
}

// ----------------------------------------------------------------- volumes

Volume BackupService::addVolume(const QString& path, const QString& name)
{
    const QFileInfo info(path);
    if (!info.exists())
        throw Error(QStringLiteral("%1 does not exist").arg(path));
    const QString absolute = info.absoluteFilePath();
    if (std::optional<Volume> existing = m_catalog.volumeByPath(absolute))
        throw Error(
            QStringLiteral("%1 is already registered as volume %2").arg(absolute, existing->name));
    // Checks the type before anything opens the path (a FIFO would hang).
    const QString identity = localVolumeIdentity(absolute);
    Volume volume =
        newVolumeRecord(name.isEmpty() ? info.fileName() : name,
                        isBlockDevice(absolute) ? VolumeKind::BlockDevice : VolumeKind::File,
                        absolute, localVolumeSize(absolute));
    volume.identity = identity;
    if (const std::optional<Volume> other = volumeOfFile(m_catalog, identity))
        throw Error(QStringLiteral("%1 is the same file as volume %2 (%3), registered as %4; a "
                                   "volume can be registered only once")
                        .arg(absolute, other->name, other->id, other->path));
    m_catalog.insertVolume(volume); // refuses a second path to the same file
    return volume;
}

Volume BackupService::createVolume(const QString& path, qint64 sizeBytes, const QString& name)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    createSparseImage(absolute, sizeBytes);
    try {
        return addVolume(absolute, name);
    } catch (...) {
        QFile::remove(absolute);
        throw;
    }
}

void BackupService::removeVolume(const QString& volumeRef)
{
    const Volume volume = m_catalog.resolveVolume(volumeRef);
    if (m_catalog.isJobRunning(volume.id))
        throw Error(
            QStringLiteral("volume %1 is busy with a running job; remove it when the job has ended")
                .arg(volume.name));
    m_catalog.removeVolume(volume.id);
}

Volume BackupService::resetVolumeState(const QString& volumeRef, const QString& state)
{
    if (const QString refusal = ChainRules::canResetVolumeState(state); !refusal.isEmpty())
        throw Error(refusal);
    Volume volume = m_catalog.resolveVolume(volumeRef);
    m_catalog.transaction([&] {
        // Holding the volume's job lock for the change: refused while a
        // backup or restore runs on it, and none starts meanwhile.
        VolumeJobLock lock;
        try {
            lock = m_catalog.lockVolume(volume.id, QStringLiteral("reset-state"));
        } catch (const Error& error) {
            throw Error(QStringLiteral("cannot reset the state of volume %1 while a job runs on "
                                       "it: %2")
                            .arg(volume.name, error.message()));
        }
        std::optional<Volume> current = m_catalog.volume(volume.id);
        if (!current)
            throw Error(QStringLiteral("volume %1 was removed meanwhile").arg(volume.name));
        volume = *current;
        if (volume.status != state) {
            volume.previousStatus = volume.status;
            volume.status = state;
            m_catalog.updateVolume(volume);
        }
        lock.release();
    });
    return volume;
}

// ------------------------------------------------------------------ rescan

RescanReport BackupService::rescanBackend(const QString& backendName, const QStringList& containers,
                                          OperationControl& control)
{
    const BackendConfig backend = backendNamed(m_catalog, backendName);
    QStringList chunkedTypes;
    for (const BackendType& type : backendTypes())
        if (type.capabilities.chunked)
            chunkedTypes.append(type.type);
    const QString refusal =
        QStringLiteral("backend %1 is a %2 backend: backend-rescan reads the "
                       "_metadata files of Cinder's chunked format, which "
                       "only %3 backends write")
            .arg(backend.name, backend.type, chunkedTypes.join(QStringLiteral(", ")));
    // Refused before its secrets are asked for.
    if (!capabilitiesOf(backend).chunked)
        throw Error(refusal);
    auto driver = driverFor(backend);
    auto* chunked = dynamic_cast<ChunkedBackupDriver*>(driver.get());
    if (!chunked)
        throw Error(refusal);
    control.setPhase(QStringLiteral("scanning"), 0);
    QList<DiscoveredBackup> found = chunked->discoverBackups(containers, control);

    RescanReport report;
    auto skip = [&](const DiscoveredBackup& item, const QString& reason) {
        report.skipped.append({item.container, item.prefix, item.backup.id, reason});
    };
    // Usable finds by id; a backup id found twice is trusted in neither place.
    QHash<QString, DiscoveredBackup*> byId;
    QSet<QString> duplicated;
    for (DiscoveredBackup& item : found) {
        if (!item.problem.isEmpty() || item.backup.id.isEmpty())
            continue;
        if (byId.contains(item.backup.id))
            duplicated.insert(item.backup.id);
        byId.insert(item.backup.id, &item);
    }
    QHash<QString, QString> ownerOfLocation; // "container\nprefix" -> catalog backup id
    for (const Backup& known : m_catalog.backups(BackupFilter{{}, {}, {}, true}))
        if (known.backendName == backend.name || known.backendName.isEmpty())
            ownerOfLocation.insert(known.container + QLatin1Char('\n') + known.serviceMetadata,
                                   known.id);

    // Whether a find can be added, with its volume size; parents first.
    QHash<QString, QString> verdicts; // id -> empty (ok) or the reason
    QHash<QString, qint64> sizes;
    QList<DiscoveredBackup*> order;
    std::function<QString(DiscoveredBackup&, int)> judge = [&](DiscoveredBackup& item,
                                                               int depth) -> QString {
        const QString id = item.backup.id;
        if (verdicts.contains(id))
            return verdicts.value(id);
        if (depth > 10000)
            return QStringLiteral("its chain of parents does not end");
        verdicts.insert(id, QStringLiteral("its chain of parents loops back to it"));
        QString reason;
        qint64 size = item.fullVolumeSize;
        if (duplicated.contains(id)) {
            reason = QStringLiteral("backup %1 was found in more than one place").arg(id);
        } else if (!item.backup.parentId.isEmpty()) {
            const QString parentId = item.backup.parentId;
            std::optional<Backup> parentRow = m_catalog.backup(parentId);
            if (parentRow) {
                size = parentRow->volumeSizeBytes;
                if (size <= 0 && parentRow->status == BackupStatus::Available) {
                    // Imported rows know whole GiB only; the stored files know the bytes.
                    try {
                        size = chunked
                                   ->storedVolumeSize(ChainRules::chainOf(
                                       *parentRow,
                                       [this](const QString& id) { return m_catalog.backup(id); }))
                                   .value_or(0);
                    } catch (const Error&) {
                        size = 0;
                    }
                }
                if (parentRow->status != BackupStatus::Available)
                    reason = QStringLiteral("its parent %1 is %2 in the catalog")
                                 .arg(parentId, parentRow->status);
                else if (parentRow->backendName != backend.name)
                    reason = QStringLiteral("its parent %1 is on another backend (%2)")
                                 .arg(parentId, parentRow->backendName);
                else if (parentRow->volumeId != item.backup.volumeId)
                    reason =
                        QStringLiteral("its parent %1 is a backup of another volume").arg(parentId);
                else if (size <= 0)
                    reason = QStringLiteral("the catalog does not know the volume size of its "
                                            "parent %1")
                                 .arg(parentId);
            } else if (DiscoveredBackup* parent = byId.value(parentId)) {
                const QString parentReason = judge(*parent, depth + 1);
                size = sizes.value(parentId);
                if (!parentReason.isEmpty())
                    reason = QStringLiteral("its parent %1 cannot be added: %2")
                                 .arg(parentId, parentReason);
                else if (parent->backup.volumeId != item.backup.volumeId)
                    reason =
                        QStringLiteral("its parent %1 is a backup of another volume").arg(parentId);
            } else {
                reason = QStringLiteral("its parent %1 is neither in the catalog nor on the "
                                        "backend")
                             .arg(parentId);
            }
            // An incremental covers the same volume as its parent.
            if (reason.isEmpty() && item.objectsEnd > size)
                reason = QStringLiteral("its objects reach byte %1 of a %2-byte volume")
                             .arg(item.objectsEnd)
                             .arg(size);
            if (reason.isEmpty() && item.shaBlockSize > 0 &&
                item.shaBlockCount != (size + item.shaBlockSize - 1) / item.shaBlockSize)
                reason = QStringLiteral("its _sha256file lists %1 blocks but the %2-byte volume "
                                        "has %3")
                             .arg(item.shaBlockCount)
                             .arg(size)
                             .arg((size + item.shaBlockSize - 1) / item.shaBlockSize);
        }
        verdicts.insert(id, reason);
        if (reason.isEmpty()) {
            sizes.insert(id, size);
            order.append(&item);
        }
        return reason;
    };

    for (DiscoveredBackup& item : found) {
        control.throwIfCancelled();
        if (!item.problem.isEmpty()) {
            skip(item, item.problem);
            continue;
        }
        if (std::optional<Backup> known = m_catalog.backup(item.backup.id, true)) {
            skip(item, known->deleted ? QStringLiteral("deleted in the catalog")
                                      : QStringLiteral("already in the catalog"));
            verdicts.insert(item.backup.id, QStringLiteral("already in the catalog"));
            continue;
        }
        const QString owner =
            ownerOfLocation.value(item.container + QLatin1Char('\n') + item.prefix);
        if (!owner.isEmpty()) {
            skip(item, QStringLiteral("its objects belong to backup %1 in the catalog").arg(owner));
            continue;
        }
        if (const QString reason = judge(item, 0); !reason.isEmpty())
            skip(item, reason);
    }

    const QString host = hostName();
    for (DiscoveredBackup* item : std::as_const(order)) {
        Backup backup = item->backup;
        backup.backendName = backend.name;
        backup.host = host;
        backup.availabilityZone = QStringLiteral("nova");
        backup.status = BackupStatus::Available;
        backup.volumeSizeBytes = sizes.value(backup.id);
        backup.size = (backup.volumeSizeBytes + (Q_INT64_C(1) << 30) - 1) >> 30;
        backup.updatedAt = QDateTime::currentDateTimeUtc();
        try {
            m_catalog.transaction([&] {
                m_catalog.insertBackup(backup);
                if (!backup.parentId.isEmpty()) {
                    if (std::optional<Backup> parent = m_catalog.backup(backup.parentId)) {
                        parent->numDependentBackups = m_catalog.children(parent->id).size();
                        m_catalog.updateBackup(*parent);
                    }
                }
            });
            report.added.append(backup);
        } catch (const Error& error) {
            skip(*item, error.message()); // e.g. added by another process meanwhile
        }
    }
    if (!report.added.isEmpty()) {
        try {
            m_catalog.snapshotCopy();
        } catch (const Error& error) {
            qCDebug(lcService) << "no catalog copy after the rescan:" << error.message();
        }
    }
    return report;
}

// ---------------------------------------------------------------- recovery

QStringList BackupService::recoverInterruptedOperations()
{
    // A job holds its file locks from before its rows turn transient until
    // after their final state is committed (see VolumeJobLock). So each repair
    // first takes the locks of the rows' job itself, without waiting, and
    // re-reads the rows while it holds them: a live job keeps them (rows left
    // alone), and no job can start or finish on them meanwhile. What a PID
    // says is never consulted: a reused one would look alive.
    QStringList actions;
    const QSet<QString> transient{BackupStatus::Creating, BackupStatus::Restoring,
                                  BackupStatus::Deleting};
    for (const Backup& listed : m_catalog.backups()) {
        if (!transient.contains(listed.status))
            continue;
        try {
            std::optional<VolumeJobLock> guard =
                m_catalog.tryLockForRepair({Catalog::backupLockKey(listed.id)});
            if (!guard)
                continue; // its job runs
            const std::optional<Backup> current = m_catalog.backup(listed.id);
            if (!current || !transient.contains(current->status))
                continue; // its job finished meanwhile
            Backup backup = *current;
            if (backup.status == BackupStatus::Creating) {
                try {
                    driverFor(backendFor(backup))->removeLeftovers(backup);
                } catch (const Error& error) {
                    qCDebug(lcService)
                        << "could not clean up backup" << backup.id << ":" << error.message();
                }
                bool repaired = false;
                m_catalog.transaction([&] {
                    std::optional<Backup> row = m_catalog.backup(backup.id);
                    if (!row || row->status != BackupStatus::Creating)
                        return;
                    row->status = BackupStatus::Error;
                    row->failReason = QStringLiteral("incomplete backup reset on restart");
                    m_catalog.updateBackup(*row);
                    repaired = true;
                });
                if (repaired)
                    actions.append(
                        QStringLiteral(
                            "backup %1 was interrupted while being created: marked error, its "
                            "objects removed")
                            .arg(backup.id));
            } else if (backup.status == BackupStatus::Restoring) {
                bool repaired = false;
                m_catalog.transaction([&] {
                    std::optional<Backup> row = m_catalog.backup(backup.id);
                    if (!row || row->status != BackupStatus::Restoring)
                        return;
                    row->status = BackupStatus::Available;
                    m_catalog.updateBackup(*row);
                    repaired = true;
                });
                // Its target volume, left `restoring`, is repaired below.
                if (repaired)
                    actions.append(
                        QStringLiteral(
                            "restore of backup %1 was interrupted: backup available again, the "
                            "target volume marked error_restoring")
                            .arg(backup.id));
            } else {
                OperationControl control;
                driverFor(backendFor(backup))->remove(backup, control);
                m_catalog.transaction([&] {
                    std::optional<Backup> row = m_catalog.backup(backup.id);
                    if (!row || row->status != BackupStatus::Deleting)
                        return;
                    softDeleteHandingOverChildren(m_catalog, backup.id);
                });
                actions.append(
                    QStringLiteral("finished the interrupted delete of backup %1").arg(backup.id));
            }
        } catch (const Error& error) {
            actions.append(
                QStringLiteral("could not recover backup %1: %2").arg(listed.id, error.message()));
        }
    }
    for (const Volume& listed : m_catalog.volumes()) {
        if (listed.status != VolumeStatus::BackingUp && listed.status != VolumeStatus::Restoring)
            continue;
        try {
            // Decided and changed in one transaction; a job starting on the
            // volume waits for it, and finds the lock free again.
            m_catalog.transaction([&] {
                std::optional<VolumeJobLock> guard = m_catalog.tryLockForRepair(
                    {m_catalog.volumeLockKey(listed.id), QStringLiteral("volume:") + listed.id});
                if (!guard)
                    return; // its job runs
                std::optional<Volume> volume = m_catalog.volume(listed.id);
                if (!volume)
                    return;
                if (volume->status == VolumeStatus::BackingUp) {
                    volume->status = volume->previousStatus.isEmpty() ||
                                             volume->previousStatus == VolumeStatus::BackingUp
                                         ? VolumeStatus::Available
                                         : volume->previousStatus;
                    m_catalog.updateVolume(*volume);
                    actions.append(QStringLiteral("volume %1 was left backing-up: now %2")
                                       .arg(volume->name, volume->status));
                } else if (volume->status == VolumeStatus::Restoring) {
                    volume->status = VolumeStatus::ErrorRestoring;
                    m_catalog.updateVolume(*volume);
                    actions.append(
                        QStringLiteral("volume %1 was left restoring: now error_restoring")
                            .arg(volume->name));
                }
            });
        } catch (const Error& error) {
            actions.append(QStringLiteral("could not recover volume %1: %2")
                               .arg(listed.name, error.message()));
        }
    }
    try {
        m_catalog.removeStaleJobRows();
    } catch (const Error& error) {
        qCDebug(lcService) << "could not remove stale job rows:" << error.message();
    }
    // History records of jobs whose process ended while they ran: interrupted,
    // not running (for the GUI and ember-cli alike).
    try {
        m_catalog.settleInterruptedJobs();
    } catch (const Error& error) {
        qCDebug(lcService) << "could not settle interrupted jobs:" << error.message();
    }
    return actions;
}

} // namespace ember
