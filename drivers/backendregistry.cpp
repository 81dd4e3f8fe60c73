#include "backendregistry.h"

#include "posixstore.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QStorageInfo>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

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
    type.unavailableReason =
        QStringLiteral("this build of Ember has no %1 support").arg(displayName);
    return type;
}
} // namespace

const OptionSpec* BackendType::option(const QString& normalizedKey) const
{
    for (const OptionSpec& spec : options)
        if (spec.key == normalizedKey)
            return &spec;
    return nullptr;
}

QStringList BackendType::optionNames() const
{
    QStringList names;
    for (const OptionSpec& spec : options)
        if (!spec.secret)
            names.append(spec.key);
    return names;
}

QString BackendType::locationKey() const
{
    for (const OptionSpec& spec : options)
        if (spec.location)
            return spec.key;
    return {};
}

QJsonValue BackendType::value(const QJsonObject& options, const QString& normalizedKey) const
{
    if (options.contains(normalizedKey))
        return options.value(normalizedKey);
    const OptionSpec* spec = option(normalizedKey);
    return spec ? spec->defaultValue : QJsonValue();
}

const BackendType* findBackendType(const QString& type)
{
    static const QList<BackendType> types = backendTypes();
    for (const BackendType& candidate : types)
        if (candidate.type == type)
            return &candidate;
    return nullptr;
}

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
    types.append(
        missingBackendType(QStringLiteral("tsm"), QStringLiteral("IBM Spectrum Protect (TSM)")));
#endif
    return types;
}

std::unique_ptr<BackupDriver> createDriver(const BackendConfig& config,
                                           const BackendSecrets& secrets)
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
            throw Error(QStringLiteral("backend %1 cannot be used: %2")
                            .arg(config.name, type.unavailableReason));
    throw Error(QStringLiteral("backend %1 has unknown type '%2'").arg(config.name, config.type));
}

QString normalizedOptionName(const QString& name)
{
    QString normalized = name.trimmed().toLower();
    normalized.replace(QLatin1Char('-'), QLatin1Char('_'));
    return normalized;
}

QStringList backendOptionNames(const QString& type)
{
    // Every chunked backend (posix, swift) reads these.
    const QStringList chunked{
        QStringLiteral("backup_compression_algorithm"), QStringLiteral("ember_zlib_engine"),
        QStringLiteral("ember_worker_threads"), QStringLiteral("ember_objects_in_flight")};
    if (type == QLatin1String("posix"))
        return chunked + QStringList{QStringLiteral("backup_posix_path"),
                                     QStringLiteral("backup_file_size"),
                                     QStringLiteral("backup_sha_block_size_bytes")};
    if (type == QLatin1String("swift"))
        return chunked + QStringList{QStringLiteral("backup_swift_url"),
                                     QStringLiteral("backup_swift_auth_url"),
                                     QStringLiteral("backup_swift_auth"),
                                     QStringLiteral("backup_swift_auth_version"),
                                     QStringLiteral("backup_swift_auth_insecure"),
                                     QStringLiteral("backup_swift_ca_cert_file"),
                                     QStringLiteral("backup_swift_user"),
                                     QStringLiteral("backup_swift_user_domain"),
                                     QStringLiteral("backup_swift_tenant"),
                                     QStringLiteral("backup_swift_project"),
                                     QStringLiteral("backup_swift_project_domain"),
                                     QStringLiteral("backup_swift_region_name"),
                                     QStringLiteral("backup_swift_container"),
                                     QStringLiteral("backup_swift_object_size"),
                                     QStringLiteral("backup_swift_block_size"),
                                     QStringLiteral("backup_swift_retry_attempts"),
                                     QStringLiteral("backup_swift_retry_backoff"),
                                     QStringLiteral("backup_swift_create_storage_policy"),
                                     QStringLiteral("ember_swift_timeout"),
                                     QStringLiteral("ember_swift_connect_timeout"),
                                     QStringLiteral("ember_swift_listing_limit"),
                                     QStringLiteral("ember_swift_parallel_transfers")};
    if (type == QLatin1String("ceph"))
        return {QStringLiteral("backup_ceph_conf"),
                QStringLiteral("backup_ceph_user"),
                QStringLiteral("backup_ceph_pool"),
                QStringLiteral("backup_ceph_chunk_size"),
                QStringLiteral("backup_ceph_stripe_unit"),
                QStringLiteral("backup_ceph_stripe_count"),
                QStringLiteral("backup_ceph_image_journals"),
                QStringLiteral("restore_discard_excess_bytes"),
                QStringLiteral("ember_ceph_mon_host"),
                QStringLiteral("ember_ceph_keyring"),
                QStringLiteral("ember_ceph_timeout"),
                QStringLiteral("ember_ceph_threads")};
    if (type == QLatin1String("tsm"))
        return {QStringLiteral("backup_tsm_volume_prefix"),
                QStringLiteral("backup_tsm_compression"),
                QStringLiteral("ember_tsm_dsmc_path"),
                QStringLiteral("ember_tsm_optfile"),
                QStringLiteral("ember_tsm_servername"),
                QStringLiteral("ember_tsm_nodename"),
                QStringLiteral("ember_tsm_asnodename"),
                QStringLiteral("ember_tsm_file_link"),
                QStringLiteral("ember_tsm_image_link_dir"),
                QStringLiteral("ember_tsm_timeout_seconds")};
    return {};
}

namespace {
// Edits (insert, delete, substitute) that turn `a` into `b`.
int editDistance(const QString& a, const QString& b)
{
    QList<int> previous(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        QList<int> current(b.size() + 1);
        current[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j)
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1,
                                   previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        previous = current;
    }
    return previous[b.size()];
}
} // namespace

QString checkedOptionName(const BackendType& type, const QString& backendName, const QString& name)
{
    const QString normalized = normalizedOptionName(name);
    for (const QString& secret : type.secretKeys)
        if (normalizedOptionName(secret) == normalized)
            throw Error(QStringLiteral("%1 is a secret and never goes into the configuration: "
                                       "store it with 'ember-cli backend-set-secret %2 %3' (it "
                                       "reads the value from standard input).")
                            .arg(name, backendName, secret));
    const QStringList known = backendOptionNames(type.type);
    if (known.contains(normalized))
        return normalized;
    QString closest;
    int best = std::numeric_limits<int>::max();
    for (const QString& candidate : known) {
        const int distance = editDistance(normalized, candidate);
        if (distance < best) {
            best = distance;
            closest = candidate;
        }
    }
    if (!closest.isEmpty() && best <= std::max<qsizetype>(3, closest.size() / 4))
        throw Error(QStringLiteral("Unknown option '%1' for a %2 backend: did you mean %3? (see "
                                   "ember-cli backend-add --help)")
                        .arg(name, type.type, closest));
    throw Error(
        QStringLiteral("Unknown option '%1' for a %2 backend; its options are: %3.")
            .arg(name, type.type,
                 known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", "))));
}

namespace {
// Existence, free space and write permission of a local backup directory.
ConnectionReport testPosix(const BackendConfig& config)
{
    ConnectionReport report;
    const QString path = config.options.value(QStringLiteral("backup_posix_path")).toString();
    report.facts.append(QStringLiteral("directory: %1").arg(path));
    const bool exists = !path.isEmpty() && QDir(path).exists();
    // The nearest existing ancestor: a missing directory is created on first use.
    QString existing = path;
    while (!existing.isEmpty() && !QDir(existing).exists())
        existing = QFileInfo(existing).absolutePath() == existing
                       ? QString()
                       : QFileInfo(existing).absolutePath();
    report.checks.append(
        {QStringLiteral("directory"), exists || !existing.isEmpty(),
         exists           ? QStringLiteral("%1 exists").arg(path)
         : path.isEmpty() ? QStringLiteral("no backup_posix_path is set")
                          : QStringLiteral("%1 does not exist yet; it will be created inside %2")
                                .arg(path, existing)});
    const QStorageInfo storage(existing.isEmpty() ? QStringLiteral("/") : existing);
    const qint64 freeBytes = storage.bytesAvailable();
    const bool enoughSpace = freeBytes > (qint64(1) << 30);
    report.checks.append(
        {QStringLiteral("free space"), enoughSpace,
         QStringLiteral("%1 GiB free on %2%3")
             .arg(double(freeBytes) / (1 << 30), 0, 'f', 1)
             .arg(storage.rootPath(),
                  enoughSpace ? QString() : QStringLiteral(" (less than 1 GiB)"))});
    const QString probe = (exists ? path : existing) + QStringLiteral("/.ember-write-test");
    QFile file(probe);
    const bool writable =
        !existing.isEmpty() && file.open(QIODevice::WriteOnly) && file.write("ok", 2) == 2;
    file.close();
    QFile::remove(probe);
    report.checks.append(
        {QStringLiteral("write permission"), writable,
         writable ? QStringLiteral("can write in %1").arg(exists ? path : existing)
                  : QStringLiteral("cannot write in %1").arg(exists ? path : existing)});
    return report;
}
} // namespace

ConnectionReport testBackendConnection(const BackendConfig& config, const BackendSecrets& secrets)
{
    Q_UNUSED(secrets);
    if (config.type == QLatin1String("posix"))
        return testPosix(config);
#ifdef EMBER_HAVE_SWIFT
    if (config.type == QLatin1String("swift")) {
        const SwiftProbeResult probe = probeSwift(config, secrets);
        ConnectionReport report;
        for (const SwiftProbeResult::Step& step : probe.steps)
            report.checks.append({step.name, step.ok, step.detail});
        if (!probe.storageUrl.isEmpty())
            report.facts.append(QStringLiteral("storage URL: %1").arg(probe.storageUrl));
        if (probe.accountBytesUsed >= 0)
            report.facts.append(QStringLiteral("account usage: %1 bytes in %2 objects")
                                    .arg(probe.accountBytesUsed)
                                    .arg(probe.accountObjectCount));
        return report;
    }
#endif
#ifdef EMBER_HAVE_CEPH
    if (config.type == QLatin1String("ceph")) {
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
#endif
#ifdef EMBER_HAVE_TSM
    if (config.type == QLatin1String("tsm")) {
        const TsmProbeResult probe = probeTsm(config, secrets);
        ConnectionReport report;
        report.checks.append({QStringLiteral("dsmc query session"), probe.ok, probe.message});
        for (const QString& detail : probe.details)
            report.facts.append(detail);
        if (!probe.serverName.isEmpty())
            report.facts.append(QStringLiteral("server: %1 (%2, %3)")
                                    .arg(probe.serverName, probe.serverType, probe.serverVersion));
        if (!probe.nodeName.isEmpty())
            report.facts.append(QStringLiteral("node: %1").arg(probe.nodeName));
        if (!probe.dsmcPath.isEmpty())
            report.facts.append(
                QStringLiteral("client: %1 %2").arg(probe.dsmcPath, probe.clientVersion));
        return report;
    }
#endif
    ConnectionReport report;
    report.checks.append(
        {QStringLiteral("backend type"), false,
         QStringLiteral("this build cannot use backends of type '%1'").arg(config.type)});
    return report;
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

QString privateDataDirectory()
{
    const QString directory = defaultDataDirectory();
    if (!QDir().mkpath(directory))
        throw Error(QStringLiteral("Cannot create the data directory %1: %2.")
                        .arg(directory, QString::fromLocal8Bit(std::strerror(errno))));
    struct stat info = {};
    const QByteArray native = QFile::encodeName(directory);
    // Only one's own directory: a shared one set on purpose keeps its mode.
    if (::stat(native.constData(), &info) == 0 && info.st_uid == ::geteuid() &&
        (info.st_mode & 0077) != 0)
        ::chmod(native.constData(), 0700);
    return directory;
}

BackendConfig embeddedDefaultBackend()
{
    BackendConfig config;
    config.name = kEmbeddedName;
    config.type = QStringLiteral("posix");
    config.isDefault = true;
    config.createdAt = QDateTime::currentDateTimeUtc();
    config.options[QStringLiteral("backup_posix_path")] =
        defaultDataDirectory() + QStringLiteral("/backups");
    config.options[QStringLiteral("backup_compression_algorithm")] = QStringLiteral("zlib");
    config.options[QStringLiteral("backup_file_size")] = 1999994880.0;
    config.options[QStringLiteral("backup_sha_block_size_bytes")] = 32768.0;
    return config;
}

} // namespace ember
