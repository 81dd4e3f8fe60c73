#include "cephbackend.h"

#include "cephdriver.h"
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

} // namespace

BackendType cephBackendType()
{
    BackendType type;
    type.type = QStringLiteral("ceph");
    type.displayName = QStringLiteral("Ceph RBD");
    type.secretKeys = {QStringLiteral("ceph_key")};
    type.available = true;
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
    auto* rbd = dynamic_cast<RbdVolumeDevice*>(&device);
    if (!rbd)
        return false;
    rbd->keepBackupSnapshot();
    return true;
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
