#include "cephbackend.h"

#include "cephdriver.h"
#include "engineoptions.h"
#include "rbdvolume.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace ember {

using namespace ember::ceph;

namespace {

std::shared_ptr<IoContext> openPool(const BackendConfig& cluster, const BackendSecrets& secrets,
                                    const QString& pool)
{
    return std::make_shared<IoContext>(Cluster::connect(ConnectionOptions::from(cluster, secrets)),
                                       pool);
}

// Cinder's backup_ceph_* options with their defaults (CephOptions,
// ConnectionOptions), Ember's ember_ceph_* ones and the cephx key.
QList<OptionSpec> cephOptions()
{
    using Kind = OptionSpec::Kind;
    QList<OptionSpec> options;
    // Each returned reference is used before the next add (appending may move the list).
    auto add = [&](const QString& key, Kind kind, const QJsonValue& defaultValue,
                   const QString& label, const QString& help) -> OptionSpec& {
        OptionSpec spec;
        spec.key = key;
        spec.kind = kind;
        spec.defaultValue = defaultValue;
        spec.label = label;
        spec.help = help;
        options.append(spec);
        return options.last();
    };

    add(QStringLiteral("backup_ceph_conf"), Kind::Path, QStringLiteral("/etc/ceph/ceph.conf"),
        QStringLiteral("Configuration file"),
        QStringLiteral("The ceph.conf that names the cluster's monitors (not read when "
                       "ember_ceph_mon_host is set)."));
    add(QStringLiteral("backup_ceph_user"), Kind::Text, QStringLiteral("cinder"),
        QStringLiteral("User"),
        QStringLiteral("The Ceph user to connect as, without \"client.\"."));
    OptionSpec& pool =
        add(QStringLiteral("backup_ceph_pool"), Kind::Text, QStringLiteral("backups"),
            QStringLiteral("Pool"), QStringLiteral("The pool that holds the backup images."));
    pool.location = true;
    OptionSpec& key =
        add(QStringLiteral("ceph_key"), Kind::Text, QJsonValue(), QStringLiteral("Key"),
            QStringLiteral("The user's cephx key, when neither the keyring file "
                           "nor the configuration provides it."));
    key.secret = true;
    OptionSpec& monHost = add(QStringLiteral("ember_ceph_mon_host"), Kind::Text, QJsonValue(),
                              QStringLiteral("Monitor addresses"),
                              QStringLiteral("The monitors to connect to without a "
                                             "configuration file, e.g. 192.0.2.1:6789."));
    monHost.advanced = true;
    OptionSpec& keyring = add(QStringLiteral("ember_ceph_keyring"), Kind::Path, QJsonValue(),
                              QStringLiteral("Keyring file"),
                              QStringLiteral("A keyring file holding the user's key."));
    keyring.advanced = true;
    OptionSpec& chunkSize =
        add(QStringLiteral("backup_ceph_chunk_size"), Kind::Integer, 134217728,
            QStringLiteral("Chunk size"),
            QStringLiteral("The size in bytes of the pieces a backup is copied in."));
    chunkSize.minimum = 1;
    chunkSize.advanced = true;
    OptionSpec& stripeUnit = add(
        QStringLiteral("backup_ceph_stripe_unit"), Kind::Integer, 0, QStringLiteral("Stripe unit"),
        QStringLiteral("The RBD stripe unit in bytes of new backup images (0: the "
                       "cluster's default)."));
    stripeUnit.minimum = 0;
    stripeUnit.advanced = true;
    OptionSpec& stripeCount =
        add(QStringLiteral("backup_ceph_stripe_count"), Kind::Integer, 0,
            QStringLiteral("Stripe count"),
            QStringLiteral("The RBD stripe count of new backup images (0: the cluster's "
                           "default)."));
    stripeCount.minimum = 0;
    stripeCount.advanced = true;
    OptionSpec& journals =
        add(QStringLiteral("backup_ceph_image_journals"), Kind::Boolean, false,
            QStringLiteral("Image journals"),
            QStringLiteral("Give backup images the journaling and exclusive-lock features, so "
                           "they can be mirrored."));
    journals.advanced = true;
    OptionSpec& discard =
        add(QStringLiteral("restore_discard_excess_bytes"), Kind::Boolean, true,
            QStringLiteral("Discard excess bytes"),
            QStringLiteral("Pad a restored volume larger than its backup with zeros."));
    discard.advanced = true;
    OptionSpec& timeout =
        add(QStringLiteral("ember_ceph_timeout"), Kind::Integer, 60, QStringLiteral("Timeout"),
            QStringLiteral("Seconds to wait for the monitors and OSDs."));
    timeout.minimum = 1;
    timeout.advanced = true;
    OptionSpec& threads =
        add(QStringLiteral("ember_ceph_threads"), Kind::Integer, 4, QStringLiteral("Copy threads"),
            QStringLiteral("Extents copied at the same time."));
    threads.minimum = 1;
    threads.maximum = 64;
    threads.advanced = true;
    for (OptionSpec spec : bandwidthOptionSpecs(
             QStringLiteral("backups: the bytes copied into the backup pool"),
             QStringLiteral("restores and verify: the bytes read from the backup pool"))) {
        spec.advanced = true;
        options.append(spec);
    }
    options.append(operationLimitOptionSpec());
    return options;
}

ConnectionReport cephConnectionReport(const BackendConfig& config, const BackendSecrets& secrets)
{
    const CephProbeResult probe = probeCeph(config, secrets);
    ConnectionReport report;
    for (const QString& step : probe.steps)
        report.checks.append({step, true, QString()});
    if (!probe.ok)
        report.checks.append({QStringLiteral("error"), false, probe.error});
    if (!probe.fsid.isEmpty())
        report.facts.append(QStringLiteral("fsid: %1").arg(probe.fsid));
    if (!probe.health.isEmpty())
        report.facts.append(QStringLiteral("health: %1").arg(probe.health));
    return report;
}

// The cluster's RBD images ("pool/image") as the service and the UI reach
// them: the public functions below, behind the registry's VolumeHost.
VolumeHost rbdVolumeHost()
{
    VolumeHost host;
    host.open = [](const BackendConfig& cluster, const BackendSecrets& secrets,
                   const QString& poolSlashImage, OpenMode mode,
                   const HostedVolumeOptions& hosted) {
        RbdOpenOptions options;
        options.backupId = hosted.backupId;
        options.parentBackupId = hosted.parentBackupId;
        options.supersededBackupIds = hosted.supersededBackupIds;
        options.releaseSupersededEarly = hosted.releaseSupersededEarly;
        options.snapshot = hosted.snapshot;
        return openRbdVolume(cluster, secrets, poolSlashImage, mode, options);
    };
    host.size = rbdImageSize;
    host.identity = rbdImageIdentity;
    host.create = createRbdImage;
    host.remove = removeRbdImage;
    host.listPools = listCephPools;
    host.listVolumes = listRbdImages;
    return host;
}

} // namespace

BackendType cephBackendType()
{
    BackendType type;
    type.type = QStringLiteral("ceph");
    type.displayName = QStringLiteral("Ceph RBD");
    type.description = QStringLiteral("Backups as RBD images in a Ceph pool, as Cinder's Ceph "
                                      "backup driver makes them; RBD volumes of the same "
                                      "cluster back up incrementally by snapshot differences.");
    type.options = cephOptions();
    type.capabilities.hostsRbdVolumes = true;
    type.capabilities.managesSourceSnapshots = true;
    type.create = createCephDriver;
    type.probe = cephConnectionReport;
    type.volumes = rbdVolumeHost();
    return type;
}

std::unique_ptr<BackupDriver> createCephDriver(const BackendConfig& config,
                                               const BackendSecrets& secrets)
{
    return std::make_unique<CephBackupDriver>(CephOptions::from(config, secrets));
}

std::unique_ptr<VolumeDevice> openRbdVolume(const BackendConfig& cluster,
                                            const BackendSecrets& secrets,
                                            const QString& poolSlashImage, OpenMode mode,
                                            const RbdOpenOptions& options)
{
    const auto [pool, image] = splitPoolImage(poolSlashImage);
    return std::make_unique<RbdVolumeDevice>(openPool(cluster, secrets, pool), image, mode,
                                             options);
}

bool keepRbdBackupSnapshot(VolumeDevice& device)
{
    return device.keepBackupSnapshot();
}

QStringList listCephPools(const BackendConfig& cluster, const BackendSecrets& secrets)
{
    return Cluster::connect(ConnectionOptions::from(cluster, secrets))->pools();
}

QStringList listRbdImages(const BackendConfig& cluster, const BackendSecrets& secrets,
                          const QString& pool)
{
    return openPool(cluster, secrets, pool)->images();
}

void createRbdImage(const BackendConfig& cluster, const BackendSecrets& secrets,
                    const QString& poolSlashImage, qint64 sizeBytes)
{
    if (sizeBytes <= 0)
        throw Error(QStringLiteral("an RBD image needs a size above zero"));
    const auto [pool, image] = splitPoolImage(poolSlashImage);
    openPool(cluster, secrets, pool)->createImage(image, sizeBytes);
}

qint64 rbdImageSize(const BackendConfig& cluster, const BackendSecrets& secrets,
                    const QString& poolSlashImage)
{
    const auto [pool, image] = splitPoolImage(poolSlashImage);
    return Image(openPool(cluster, secrets, pool), image, QString(), true).size();
}

QString rbdImageIdentity(const BackendConfig& cluster, const BackendSecrets& secrets,
                         const QString& poolSlashImage)
{
    const auto [pool, image] = splitPoolImage(poolSlashImage);
    const auto io = openPool(cluster, secrets, pool);
    // Images are opened in the pool's default namespace (no namespace field).
    return QStringLiteral("rbd:%1/%2//%3")
        .arg(io->cluster()->fsid(), pool, Image(io, image, QString(), true).id());
}

void removeRbdImage(const BackendConfig& cluster, const BackendSecrets& secrets,
                    const QString& poolSlashImage)
{
    const auto [pool, image] = splitPoolImage(poolSlashImage);
    auto io = openPool(cluster, secrets, pool);
    if (!io->imageExists(image))
        return;
    {
        Image handle(io, image);
        for (const SnapshotInfo& snapshot : handle.snapshots())
            handle.removeSnapshot(snapshot.name);
    }
    io->removeImage(image);
}

CephProbeResult probeCeph(const BackendConfig& config, const BackendSecrets& secrets)
{
    CephProbeResult result;
    try {
        const CephOptions options = CephOptions::from(config, secrets);
        result.pool = options.pool;
        auto cluster = Cluster::connect(options.connection);
        result.steps << QStringLiteral("connected as %1").arg(options.connection.describe());
        result.fsid = cluster->fsid();
        result.steps << QStringLiteral("cluster id %1").arg(result.fsid);
        try {
            const QByteArray health =
                cluster->monCommand(QStringLiteral(R"({"prefix": "health", "format": "json"})"));
            const QJsonObject object = QJsonDocument::fromJson(health).object();
            result.health = object.value(QStringLiteral("status")).toString();
            const QJsonObject checks = object.value(QStringLiteral("checks")).toObject();
            if (!checks.isEmpty())
                result.health += QLatin1Char(' ') + checks.keys().join(QStringLiteral(", "));
            result.steps << QStringLiteral("health %1").arg(result.health);
        } catch (const Error& error) {
            // Health needs monitor read caps only; not having them is no reason to fail.
            result.steps << QStringLiteral("health unknown: %1").arg(error.message());
        }
        result.poolExists = cluster->poolExists(options.pool);
        if (!result.poolExists) {
            result.error = QStringLiteral("the pool \"%1\" does not exist on the cluster (create "
                                          "it, or set backup_ceph_pool to an existing pool)")
                               .arg(options.pool);
            return result;
        }
        result.steps << QStringLiteral("pool \"%1\" exists").arg(options.pool);
        IoContext io(cluster, options.pool);
        const QString probe = QStringLiteral("ember.probe.%1").arg(newUuid());
        const QByteArray payload = "ember connection test " + probe.toUtf8();
        io.writeObject(probe, payload);
        const std::optional<QByteArray> back = io.readObject(probe);
        io.removeObject(probe);
        if (!back || *back != payload) {
            result.error = QStringLiteral("a test object written to pool \"%1\" did not read back "
                                          "the same")
                               .arg(options.pool);
            return result;
        }
        result.steps
            << QStringLiteral("wrote, read and removed a test object in \"%1\"").arg(options.pool);
        result.ok = true;
    } catch (const Error& error) {
        result.error = error.message();
    }
    return result;
}

} // namespace ember
