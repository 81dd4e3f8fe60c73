#include "backendregistry.h"

#include "posixstore.h"

#include <QDir>
#include <QStandardPaths>

#ifdef EMBER_HAVE_SWIFT
#include "swift/swiftbackend.h"
#endif
#ifdef EMBER_HAVE_CEPH
#include "ceph/cephbackend.h"
#endif
#ifdef EMBER_HAVE_TSM
#include "tsm/tsmbackend.h"
#endif

namespace ember {

namespace {
const QString kEmbeddedName = QStringLiteral("local");

BackendType posixBackendType()
{
    BackendType type;
    type.type = QStringLiteral("posix");
    type.displayName = QStringLiteral("Local directory");
    return type;
}

[[maybe_unused]] BackendType missingBackendType(const QString& name, const QString& displayName)
{
    BackendType type;
    type.type = name;
    type.displayName = displayName;
    type.available = false;
    type.unavailableReason = QStringLiteral("this build of Ember has no %1 support").arg(displayName);
    return type;
}
} // namespace

QList<BackendType> backendTypes()
{
    QList<BackendType> types{posixBackendType()};
#ifdef EMBER_HAVE_SWIFT
    types.append(swiftBackendType());
#else
    types.append(missingBackendType(QStringLiteral("swift"), QStringLiteral("OpenStack Swift")));
#endif
#ifdef EMBER_HAVE_CEPH
    types.append(cephBackendType());
#else
    types.append(missingBackendType(QStringLiteral("ceph"), QStringLiteral("Ceph RBD")));
#endif
#ifdef EMBER_HAVE_TSM
    types.append(tsmBackendType());
#else
    types.append(missingBackendType(QStringLiteral("tsm"), QStringLiteral("IBM Spectrum Protect (TSM)")));
#endif
    return types;
}

std::unique_ptr<BackupDriver> createDriver(const BackendConfig& config, const BackendSecrets& secrets)
{
    Q_UNUSED(secrets);
    if (config.type == QLatin1String("posix"))
        return createPosixDriver(config);
#ifdef EMBER_HAVE_SWIFT
    if (config.type == QLatin1String("swift"))
        return createSwiftDriver(config, secrets);
#endif
#ifdef EMBER_HAVE_CEPH
    if (config.type == QLatin1String("ceph"))
        return createCephDriver(config, secrets);
#endif
#ifdef EMBER_HAVE_TSM
    if (config.type == QLatin1String("tsm"))
        return createTsmDriver(config, secrets);
#endif
    for (const BackendType& type : backendTypes())
        if (type.type == config.type && !type.available)
            throw Error(QStringLiteral("backend %1 cannot be used: %2").arg(config.name, type.unavailableReason));
    throw Error(QStringLiteral("backend %1 has unknown type '%2'").arg(config.name, config.type));
}

QString defaultDataDirectory()
{
    const QString home = qEnvironmentVariable("EMBER_HOME");
    if (!home.isEmpty())
        return QDir::cleanPath(home);
    QString base = qEnvironmentVariable("XDG_DATA_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/ember");
}

QString defaultCatalogPath()
{
    return defaultDataDirectory() + QStringLiteral("/catalog.sqlite");
}

BackendConfig embeddedDefaultBackend()
{
    BackendConfig config;
    config.name = kEmbeddedName;
    config.type = QStringLiteral("posix");
    config.isDefault = true;
    config.createdAt = QDateTime::currentDateTimeUtc();
    config.options[QStringLiteral("backup_posix_path")] = defaultDataDirectory() + QStringLiteral("/backups");
    config.options[QStringLiteral("backup_compression_algorithm")] = QStringLiteral("zlib");
    config.options[QStringLiteral("backup_file_size")] = 1999994880.0;
    config.options[QStringLiteral("backup_sha_block_size_bytes")] = 32768.0;
    return config;
}

} // namespace ember
