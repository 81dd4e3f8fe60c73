#include "s3backend.h"

#include "chunkeddriver.h"
#include "engineoptions.h"
#include "s3objectstore.h"

#include <QRegularExpression>

#include <algorithm>

namespace ember {

namespace {

QList<OptionSpec> s3Options()
{
    using Kind = OptionSpec::Kind;
    QList<OptionSpec> options;

    OptionSpec endpoint = makeOptionSpec(
        QStringLiteral("backup_s3_endpoint_url"), Kind::Url, QJsonValue(),
        QStringLiteral("Endpoint URL"),
        QStringLiteral("The URL where the S3 service listens, e.g. "
                       "http://rgw.example:7480 or https://s3.eu-west-1.amazonaws.com."));
    endpoint.required = true;
    options.append(endpoint);

    OptionSpec accessKey =
        makeOptionSpec(QStringLiteral("backup_s3_store_access_key"), Kind::Text, QJsonValue(),
                       QStringLiteral("Access key"), QStringLiteral("The S3 access key ID."));
    accessKey.secret = true;
    accessKey.required = true;
    options.append(accessKey);

    OptionSpec secretKey =
        makeOptionSpec(QStringLiteral("backup_s3_store_secret_key"), Kind::Text, QJsonValue(),
                       QStringLiteral("Secret key"), QStringLiteral("The S3 secret access key."));
    secretKey.secret = true;
    secretKey.required = true;
    options.append(secretKey);

    OptionSpec bucket = makeOptionSpec(
        QStringLiteral("backup_s3_store_bucket"), Kind::Text, QStringLiteral("volumebackups"),
        QStringLiteral("Bucket"),
        QStringLiteral("The bucket that holds the backups (3 to 63 characters: lower-case "
                       "letters, digits, dots and hyphens)."));
    bucket.location = true;
    bucket.check = [](const QJsonValue& value, const QJsonObject&) -> QString {
        const QString name = value.toString();
        static const QRegularExpression valid(QStringLiteral("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"));
        if (!valid.match(name).hasMatch())
            return QStringLiteral("'%1' is not a valid S3 bucket name (3 to 63 characters: "
                                  "lower-case letters, digits, dots and hyphens)")
                .arg(name);
        return {};
    };
    options.append(bucket);

    OptionSpec objectSize = makeOptionSpec(
        QStringLiteral("backup_s3_object_size"), Kind::Integer, 52428800,
        QStringLiteral("Object size"),
        QStringLiteral("The size in bytes of the backup's data objects; a multiple of "
                       "backup_s3_block_size."));
    objectSize.minimum = 32768;
    objectSize.check = multipleOfBlockSizeCheck(QStringLiteral("backup_s3_object_size"),
                                                QStringLiteral("backup_s3_block_size"), 32768);
    options.append(objectSize);

    OptionSpec blockSize = makeOptionSpec(
        QStringLiteral("backup_s3_block_size"), Kind::Integer, 32768, QStringLiteral("Block size"),
        QStringLiteral("The size in bytes in which changes are tracked for incremental "
                       "backups."));
    blockSize.minimum = 512;
    blockSize.advanced = true;
    options.append(blockSize);

    OptionSpec compression =
        makeOptionSpec(QStringLiteral("backup_compression_algorithm"), Kind::Choice,
                       QStringLiteral("zlib"), QStringLiteral("Compression"),
                       QStringLiteral("How backup data is compressed: none, zlib, bz2 or zstd."));
    compression.choices = {QStringLiteral("none"), QStringLiteral("zlib"), QStringLiteral("bz2"),
                           QStringLiteral("zstd")};
    options.append(compression);

    OptionSpec timeout = makeOptionSpec(
        QStringLiteral("backup_s3_timeout"), Kind::Number, 60, QStringLiteral("Timeout"),
        QStringLiteral("Seconds to wait for a connection or for data "
                       "before a request fails."));
    timeout.minimum = 1;
    timeout.advanced = true;
    options.append(timeout);

    OptionSpec pool =
        makeOptionSpec(QStringLiteral("backup_s3_max_pool_connections"), Kind::Integer, 10,
                       QStringLiteral("Connections"),
                       QStringLiteral("The most connections kept open to the service."));
    pool.minimum = 1;
    pool.advanced = true;
    options.append(pool);

    OptionSpec attempts = makeOptionSpec(
        QStringLiteral("backup_s3_retry_max_attempts"), Kind::Integer, 4,
        QStringLiteral("Attempts"),
        QStringLiteral("How many times a request is tried in all before it fails (5xx, "
                       "SlowDown, dropped connections)."));
    attempts.minimum = 1;
    attempts.maximum = 100;
    attempts.advanced = true;
    options.append(attempts);

    OptionSpec retryMode = makeOptionSpec(
        QStringLiteral("backup_s3_retry_mode"), Kind::Choice, QStringLiteral("legacy"),
        QStringLiteral("Retry mode"),
        QStringLiteral("Accepted for Cinder's configuration; Ember uses one back-off "
                       "(exponential with jitter) for every mode."));
    retryMode.choices = {QStringLiteral("legacy"), QStringLiteral("standard"),
                         QStringLiteral("adaptive")};
    retryMode.advanced = true;
    options.append(retryMode);

    OptionSpec verifySsl = makeOptionSpec(
        QStringLiteral("backup_s3_verify_ssl"), Kind::Boolean, true, QStringLiteral("Verify TLS"),
        QStringLiteral("Check the service's TLS certificate (turn off only for tests)."));
    verifySsl.advanced = true;
    options.append(verifySsl);

    OptionSpec caCert =
        makeOptionSpec(QStringLiteral("backup_s3_ca_cert_file"), Kind::Path, QJsonValue(),
                       QStringLiteral("CA certificate file"),
                       QStringLiteral("A PEM bundle of the CAs to trust instead of the system's."));
    caCert.advanced = true;
    options.append(caCert);

    OptionSpec md5 = makeOptionSpec(
        QStringLiteral("backup_s3_md5_validation"), Kind::Boolean, true,
        QStringLiteral("MD5 validation"),
        QStringLiteral("Send Content-MD5 with every upload and check the returned ETag."));
    md5.advanced = true;
    options.append(md5);

    OptionSpec sseKey = makeOptionSpec(
        QStringLiteral("backup_s3_sse_customer_key"), Kind::Text, QJsonValue(),
        QStringLiteral("SSE-C key"),
        QStringLiteral("A 32-byte key for server-side encryption with a customer key; "
                       "set backup_s3_sse_customer_algorithm too."));
    sseKey.secret = true;
    sseKey.advanced = true;
    options.append(sseKey);

    OptionSpec sseAlgorithm =
        makeOptionSpec(QStringLiteral("backup_s3_sse_customer_algorithm"), Kind::Choice,
                       QJsonValue(), QStringLiteral("SSE-C algorithm"),
                       QStringLiteral("The algorithm of server-side encryption with a customer key "
                                      "(AES256); set backup_s3_sse_customer_key too."));
    sseAlgorithm.choices = {QStringLiteral("AES256")};
    sseAlgorithm.advanced = true;
    options.append(sseAlgorithm);

    OptionSpec httpProxy =
        makeOptionSpec(QStringLiteral("backup_s3_http_proxy"), Kind::Text, QStringLiteral(""),
                       QStringLiteral("HTTP proxy"),
                       QStringLiteral("The proxy for http:// endpoints (host:port "
                                      "or URL); empty for none."));
    httpProxy.advanced = true;
    options.append(httpProxy);

    OptionSpec httpsProxy =
        makeOptionSpec(QStringLiteral("backup_s3_https_proxy"), Kind::Text, QStringLiteral(""),
                       QStringLiteral("HTTPS proxy"),
                       QStringLiteral("The proxy for https:// endpoints (host:port "
                                      "or URL); empty for none."));
    httpsProxy.advanced = true;
    options.append(httpsProxy);

    OptionSpec progress = makeOptionSpec(
        QStringLiteral("backup_s3_enable_progress_timer"), Kind::Boolean, true,
        QStringLiteral("Progress timer"),
        QStringLiteral("Accepted for Cinder's configuration; Ember always reports progress."));
    progress.advanced = true;
    options.append(progress);

    // Ember's own.
    OptionSpec region =
        makeOptionSpec(QStringLiteral("ember_s3_region"), Kind::Text, QStringLiteral("us-east-1"),
                       QStringLiteral("Region"),
                       QStringLiteral("The region requests are signed for (radosgw and "
                                      "MinIO accept us-east-1)."));
    options.append(region);

    OptionSpec addressing = makeOptionSpec(
        QStringLiteral("ember_s3_addressing"), Kind::Choice, QStringLiteral("path"),
        QStringLiteral("Addressing"),
        QStringLiteral("'path' puts the bucket in the URL's path (endpoint/bucket/key), "
                       "'virtual' in its host name (bucket.endpoint/key)."));
    addressing.choices = {QStringLiteral("path"), QStringLiteral("virtual")};
    addressing.advanced = true;
    options.append(addressing);

    OptionSpec partSize = makeOptionSpec(
        QStringLiteral("ember_s3_part_size"), Kind::Integer, 16 * 1024 * 1024,
        QStringLiteral("Part size"),
        QStringLiteral("Objects larger than this many bytes are uploaded in parts of this size "
                       "(multipart upload; at least 5 MiB)."));
    partSize.minimum = 5 * 1024 * 1024;
    partSize.maximum = 5368709120.0;
    partSize.advanced = true;
    options.append(partSize);

    OptionSpec listingLimit = makeOptionSpec(
        QStringLiteral("ember_s3_listing_limit"), Kind::Integer, 1000,
        QStringLiteral("Listing page size"), QStringLiteral("Keys asked for per listing request."));
    listingLimit.minimum = 1;
    listingLimit.maximum = 1000;
    listingLimit.advanced = true;
    options.append(listingLimit);

    OptionSpec parallel =
        makeOptionSpec(QStringLiteral("ember_s3_parallel_transfers"), Kind::Integer, 4,
                       QStringLiteral("Parallel transfers"),
                       QStringLiteral("How many objects are uploaded or downloaded at once."));
    parallel.minimum = 1;
    parallel.maximum = 64;
    parallel.advanced = true;
    options.append(parallel);

    OptionSpec lockMode = makeOptionSpec(
        QStringLiteral("ember_s3_object_lock_mode"), Kind::Choice, QStringLiteral(""),
        QStringLiteral("Object Lock mode"),
        QStringLiteral("Makes every backup object immutable until its retention ends: "
                       "GOVERNANCE (removable with a bypass permission) or COMPLIANCE (by no "
                       "one); empty for none. The bucket needs Object Lock enabled."));
    lockMode.choices = {QString(), QStringLiteral("GOVERNANCE"), QStringLiteral("COMPLIANCE")};
    lockMode.check = [](const QJsonValue& value, const QJsonObject& all) -> QString {
        if (value.toString().isEmpty())
            return {};
        if (storedInteger(all.value(QStringLiteral("ember_s3_object_lock_days"))).value_or(0) <= 0)
            return QStringLiteral("ember_s3_object_lock_mode %1 needs "
                                  "ember_s3_object_lock_days (how long backups stay locked)")
                .arg(value.toString());
        return {};
    };
    options.append(lockMode);

    OptionSpec lockDays =
        makeOptionSpec(QStringLiteral("ember_s3_object_lock_days"), Kind::Integer, 0,
                       QStringLiteral("Object Lock days"),
                       QStringLiteral("How many days after it is written a backup stays locked."));
    lockDays.minimum = 0;
    lockDays.maximum = 36500;
    options.append(lockDays);

    // The chunked engine's options (engineoptions.h), but for the compression
    // above: the S3 form offers Cinder's four names, not their aliases.
    for (const OptionSpec& spec : chunkedEngineOptionSpecs())
        if (std::none_of(options.begin(), options.end(),
                         [&](const OptionSpec& own) { return own.key == spec.key; }))
            options.append(spec);

    return options + encryptionOptionSpecs();
}

std::unique_ptr<BackupDriver> createS3Driver(const BackendConfig& config,
                                             const BackendSecrets& secrets)
{
    return std::make_unique<ChunkedBackupDriver>(
        std::make_unique<S3ObjectStore>(S3Settings::fromConfig(config, secrets)),
        chunkedOptionsFrom(config, QStringLiteral("backup_s3_object_size"), 52428800,
                           QStringLiteral("backup_s3_block_size"), 32768));
}

} // namespace

BackendType s3BackendType()
{
    BackendType type;
    type.type = QStringLiteral("s3");
    type.displayName = QStringLiteral("S3-compatible object storage");
    type.description =
        QStringLiteral("Cinder's S3 backup format in a bucket of any S3-compatible service "
                       "(Ceph radosgw, MinIO, AWS), optionally immutable with Object Lock.");
    type.options = s3Options();
    for (const OptionSpec& spec : type.options)
        if (spec.secret)
            type.secretKeys.append(spec.key);
    type.capabilities.chunked = true;
    type.capabilities.objectLock = true;
    type.objectSizeKey = QStringLiteral("backup_s3_object_size");
    type.blockSizeKey = QStringLiteral("backup_s3_block_size");
    type.create = createS3Driver;
    type.probe = probeS3;
    return type;
}

} // namespace ember
