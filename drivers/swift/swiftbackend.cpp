#include "swiftbackend.h"

#include "chunkeddriver.h"
#include "engineoptions.h"
#include "swiftobjectstore.h"

namespace ember {

namespace {

const QString kObjectSizeKey = QStringLiteral("backup_swift_object_size");
const QString kBlockSizeKey = QStringLiteral("backup_swift_block_size");
constexpr qint64 kDefaultObjectSize = 52428800; // Cinder's backup_swift_object_size
constexpr qint64 kDefaultBlockSize = 32768;     // Cinder's backup_swift_block_size

// Cinder's backup_swift_* options with the defaults SwiftSettings::fromConfig
// applies, Ember's ember_swift_* ones, then the chunked engine's.
QList<OptionSpec> swiftOptions()
{
    using Kind = OptionSpec::Kind;
    QList<OptionSpec> options;
    // Each returned reference is used before the next add (appending may move the list).
    auto add = [&](const QString& key, Kind kind, const QJsonValue& defaultValue,
                   const QString& label, const QString& help) -> OptionSpec& {
        options.append(makeOptionSpec(key, kind, defaultValue, label, help));
        return options.last();
    };

    OptionSpec& authUrl =
        add(QStringLiteral("backup_swift_auth_url"), Kind::Url, QJsonValue(),
            QStringLiteral("Authentication URL"),
            QStringLiteral("The Swift (v1) or Keystone (v2, v3) authentication address, e.g. "
                           "http://swift.example.com:8080/auth/v1.0 or "
                           "https://keystone.example.com:5000/v3."));
    authUrl.required = true;
    authUrl.location = true;
    OptionSpec& version =
        add(QStringLiteral("backup_swift_auth_version"), Kind::Choice, QStringLiteral("1"),
            QStringLiteral("Authentication version"),
            QStringLiteral("1 for Swift's own authentication (TempAuth), 2 or 3 for Keystone."));
    version.choices = {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"),
                       QStringLiteral("1.0"), QStringLiteral("2.0")};
    OptionSpec& mechanism =
        add(QStringLiteral("backup_swift_auth"), Kind::Choice, QStringLiteral("per_user"),
            QStringLiteral("Authentication mechanism"),
            QStringLiteral("Cinder's choice of credentials, kept for its configurations: Ember "
                           "always logs in as backup_swift_user, as Cinder's single_user "
                           "does."));
    mechanism.choices = {QStringLiteral("per_user"), QStringLiteral("single_user")};
    mechanism.advanced = true;
    OptionSpec& user =
        add(QStringLiteral("backup_swift_user"), Kind::Text, QJsonValue(), QStringLiteral("User"),
            QStringLiteral("The user to log in as (account:user for "
                           "TempAuth)."));
    user.required = true;
    OptionSpec& key =
        add(QStringLiteral("backup_swift_key"), Kind::Text, QJsonValue(), QStringLiteral("Key"),
            QStringLiteral("The user's Swift key or Keystone password."));
    key.secret = true;
    key.required = true;
    add(QStringLiteral("backup_swift_project"), Kind::Text, QJsonValue(), QStringLiteral("Project"),
        QStringLiteral("The Keystone project (needed with versions 2 and 3)."));
    OptionSpec& tenant = add(QStringLiteral("backup_swift_tenant"), Kind::Text, QJsonValue(),
                             QStringLiteral("Tenant"),
                             QStringLiteral("The Keystone v2 tenant; used when "
                                            "backup_swift_project is not set."));
    tenant.advanced = true;
    OptionSpec& userDomain =
        add(QStringLiteral("backup_swift_user_domain"), Kind::Text, QStringLiteral("Default"),
            QStringLiteral("User domain"), QStringLiteral("The user's Keystone v3 domain."));
    userDomain.advanced = true;
    OptionSpec& projectDomain =
        add(QStringLiteral("backup_swift_project_domain"), Kind::Text, QStringLiteral("Default"),
            QStringLiteral("Project domain"), QStringLiteral("The project's Keystone v3 domain."));
    projectDomain.advanced = true;
    OptionSpec& region = add(QStringLiteral("backup_swift_region_name"), Kind::Text, QJsonValue(),
                             QStringLiteral("Region"),
                             QStringLiteral("The region whose Swift endpoint is used when "
                                            "Keystone's catalog lists several."));
    region.advanced = true;
    OptionSpec& storageUrl = add(
        QStringLiteral("backup_swift_url"), Kind::Url, QJsonValue(), QStringLiteral("Storage URL"),
        QStringLiteral("The Swift storage URL to use instead of the one authentication "
                       "returns."));
    storageUrl.advanced = true;
    OptionSpec& container =
        add(QStringLiteral("backup_swift_container"), Kind::Text, QStringLiteral("volumebackups"),
            QStringLiteral("Container"),
            QStringLiteral("The container backups go to unless a backup names another one."));
    container.check = [](const QJsonValue& value, const QJsonObject&) -> QString {
        const QString name = value.toString().trimmed();
        if (name.contains(QLatin1Char('/')))
            return QStringLiteral("backup_swift_container must be a name without '/', not '%1'")
                .arg(name);
        return {};
    };
    OptionSpec& policy = add(QStringLiteral("backup_swift_create_storage_policy"), Kind::Text,
                             QJsonValue(), QStringLiteral("Storage policy"),
                             QStringLiteral("The storage policy of containers Ember creates "
                                            "(an existing container keeps its own)."));
    policy.advanced = true;
    OptionSpec& objectSize = add(
        kObjectSizeKey, Kind::Integer, double(kDefaultObjectSize), QStringLiteral("Object size"),
        QStringLiteral("The size in bytes of the objects a backup is split into; a multiple "
                       "of the block size."));
    objectSize.minimum = 1;
    objectSize.check = multipleOfBlockSizeCheck(kObjectSizeKey, kBlockSizeKey, kDefaultBlockSize);
    OptionSpec& blockSize =
        add(kBlockSizeKey, Kind::Integer, double(kDefaultBlockSize), QStringLiteral("Block size"),
            QStringLiteral("The size in bytes whose changes incremental backups track."));
    blockSize.minimum = 1;
    blockSize.advanced = true;
    OptionSpec& retries = add(QStringLiteral("backup_swift_retry_attempts"), Kind::Integer, 3,
                              QStringLiteral("Retries"),
                              QStringLiteral("How often a failed Swift request is tried "
                                             "again."));
    retries.minimum = 0;
    retries.advanced = true;
    OptionSpec& backoff = add(QStringLiteral("backup_swift_retry_backoff"), Kind::Number, 2,
                              QStringLiteral("Retry back-off"),
                              QStringLiteral("Seconds to wait before the first retry; later "
                                             "retries wait longer."));
    backoff.minimum = 0;
    backoff.advanced = true;
    OptionSpec& caFile = add(QStringLiteral("backup_swift_ca_cert_file"), Kind::Path, QJsonValue(),
                             QStringLiteral("CA certificate file"),
                             QStringLiteral("The CA certificates that Swift's and Keystone's TLS "
                                            "certificates are checked against."));
    caFile.advanced = true;
    OptionSpec& insecure = add(QStringLiteral("backup_swift_auth_insecure"), Kind::Boolean, false,
                               QStringLiteral("Skip TLS verification"),
                               QStringLiteral("Do not check TLS certificates (only for tests: "
                                              "anyone on the path can read the key)."));
    insecure.advanced = true;
    OptionSpec& stall = add(QStringLiteral("ember_swift_timeout"), Kind::Integer, 120,
                            QStringLiteral("Stall timeout"),
                            QStringLiteral("Seconds a transfer may go without progress before "
                                           "it is retried."));
    stall.minimum = 1;
    stall.advanced = true;
    OptionSpec& connect = add(QStringLiteral("ember_swift_connect_timeout"), Kind::Integer, 10,
                              QStringLiteral("Connect timeout"),
                              QStringLiteral("Seconds to wait for a connection to Swift or "
                                             "Keystone."));
    connect.minimum = 1;
    connect.advanced = true;
    OptionSpec& listing = add(QStringLiteral("ember_swift_listing_limit"), Kind::Integer, 10000,
                              QStringLiteral("Listing page size"),
                              QStringLiteral("Object names asked for per container listing "
                                             "request."));
    listing.minimum = 1;
    listing.advanced = true;
    OptionSpec& parallel = add(QStringLiteral("ember_swift_parallel_transfers"), Kind::Integer, 4,
                               QStringLiteral("Parallel transfers"),
                               QStringLiteral("Objects uploaded or downloaded at the same "
                                              "time."));
    parallel.minimum = 1;
    parallel.maximum = 256;
    parallel.advanced = true;
    return options + chunkedEngineOptionSpecs() + encryptionOptionSpecs();
}

ConnectionReport swiftConnectionReport(const BackendConfig& config, const BackendSecrets& secrets)
{
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

} // namespace

BackendType swiftBackendType()
{
    BackendType type;
    type.type = QStringLiteral("swift");
    type.displayName = QStringLiteral("OpenStack Swift");
    type.description = QStringLiteral("Backups in an OpenStack Swift object store, in the format "
                                      "of Cinder's Swift backup driver.");
    type.options = swiftOptions();
    type.capabilities.chunked = true;
    type.objectSizeKey = kObjectSizeKey;
    type.blockSizeKey = kBlockSizeKey;
    type.create = createSwiftDriver;
    type.probe = swiftConnectionReport;
    return type;
}

std::unique_ptr<BackupDriver> createSwiftDriver(const BackendConfig& config,
                                                const BackendSecrets& secrets)
{
    return std::make_unique<ChunkedBackupDriver>(
        std::make_unique<SwiftObjectStore>(SwiftSettings::fromConfig(config, secrets)),
        chunkedOptionsFrom(config, kObjectSizeKey, kDefaultObjectSize, kBlockSizeKey,
                           kDefaultBlockSize));
}

} // namespace ember
