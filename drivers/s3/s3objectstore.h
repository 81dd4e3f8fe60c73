// Cinder's S3 backup driver as an ObjectStore: S3's REST API over libcurl
// with Signature V4 (drivers/s3/s3signer.h), path-style or virtual-hosted
// addressing, Content-MD5 on every upload and the returned ETag checked,
// multipart uploads above the part size (memory per transfer stays bounded),
// ListObjectsV2 pagination, retries of 500/503/SlowDown and dropped
// connections with the shared Backoff, and S3 Object Lock retention on every
// object written when the backend asks for it.
#pragma once

#include "backendregistry.h"
#include "httpclient.h"
#include "objectstore.h"

#include <QDateTime>
#include <optional>

namespace ember {

// An S3 backend's options (Cinder's backup_s3_* names and defaults, plus
// Ember's ember_s3_*) and its secrets.
struct S3Settings
{
    QString backendName;
    QString endpointUrl; // backup_s3_endpoint_url (required): "http://127.0.0.1:7480"
    QString accessKey;   // keyring: backup_s3_store_access_key (required)
    QString secretKey;   // keyring: backup_s3_store_secret_key (required); never logged
    QString bucket = QStringLiteral("volumebackups"); // backup_s3_store_bucket
    qint64 objectSize = 52428800;                     // backup_s3_object_size
    qint64 blockSize = 32768;                         // backup_s3_block_size
    double timeoutSeconds = 60;                       // backup_s3_timeout (connect and stall)
    int maxPoolConnections = 10;                      // backup_s3_max_pool_connections
    int retryMaxAttempts = 4;                         // backup_s3_retry_max_attempts (total tries)
    QString retryMode = QStringLiteral("legacy");     // backup_s3_retry_mode (accepted, one policy)
    bool verifySsl = true;                            // backup_s3_verify_ssl
    QString caCertFile;                               // backup_s3_ca_cert_file
    bool md5Validation = true;                        // backup_s3_md5_validation
    QString sseCustomerKey;       // keyring: backup_s3_sse_customer_key (SSE-C, 32 bytes)
    QString sseCustomerAlgorithm; // backup_s3_sse_customer_algorithm ("AES256")
    QString httpProxy;            // backup_s3_http_proxy
    QString httpsProxy;           // backup_s3_https_proxy
    // Ember's own.
    QString region = QStringLiteral("us-east-1"); // ember_s3_region (signing region)
    bool virtualHosted = false; // ember_s3_addressing: "path" (default) or "virtual"
    qint64 partSize =
        16 * 1024 * 1024;      // ember_s3_part_size: objects above it go multipart (>= 5 MiB)
    int listingLimit = 1000;   // ember_s3_listing_limit: keys per listing page
    int parallelTransfers = 4; // ember_s3_parallel_transfers
    QString objectLockMode;    // ember_s3_object_lock_mode: "", GOVERNANCE, COMPLIANCE
    int objectLockDays = 0;    // ember_s3_object_lock_days (> 0 with a mode)

    // Throws Error naming the missing or malformed option.
    static S3Settings fromConfig(const BackendConfig& config, const BackendSecrets& secrets);
};

// An S3 error answer, kept for messages and for the probe's plain words.
class S3Error : public Error
{
public:
    S3Error(long status, const QString& code, const QString& message)
        : Error(message), m_status(status), m_code(code)
    {
    }
    long status() const { return m_status; }
    const QString& code() const { return m_code; } // "NoSuchBucket", "SignatureDoesNotMatch", ...

private:
    long m_status;
    QString m_code;
};

class S3ObjectStore : public ObjectStore
{
public:
    // Takes the retention for new objects at construction (now + days).
    explicit S3ObjectStore(S3Settings settings);

    // cinder.backup.drivers.s3.S3BackupDriver
    QString serviceName() const override;
    // volume_<volume id>/<UTC yyyyMMddHHmmss>/az_<zone>_backup_<backup id>
    QString objectPrefix(const Backup& backup, const QDateTime& startUtc) const override;
    // The configured bucket (Cinder ignores the backup's container name... it
    // uses the container the user named, else the bucket).
    QString defaultContainer(const Backup& backup) const override;
    QString invalidContainer(const QString& container) const override;
    QString invalidObjectPrefix(const QString& prefix) const override;
    void ensureContainer(const QString& container) override;
    void put(const QString& container, const QString& name, const DataProducer& producer,
             std::optional<qint64> length) override;
    // Throws ObjectMissing for 404. With Object Lock, an object hidden by a
    // delete marker is read from its newest version.
    void get(const QString& container, const QString& name, const DataConsumer& consumer) override;
    void getCheckedByCaller(const QString& container, const QString& name,
                            const DataConsumer& consumer) override;
    // Sorted. On a versioned bucket (every Object Lock bucket) it also names
    // objects a delete marker hides, as get() still reads them.
    QStringList list(const QString& container, const QString& prefix) override;
    // Throws ObjectLocked (with the retain-until date) when Object Lock refuses.
    // On a versioned (locked) bucket every version of the name is removed.
    void remove(const QString& container, const QString& name) override;
    int parallelTransfers() const override { return m_settings.parallelTransfers; }
    RetryPolicy retryPolicy() const override;
    std::optional<ObjectRetention> retentionForNewObjects() const override;

    // For the probe, the wizard and tests.
    // ListBuckets: the account's buckets; `server` gets the Server header (when not null).
    QStringList listBuckets(QString* server = nullptr);
    bool bucketExists(const QString& bucket);
    void createBucket(const QString& bucket, bool objectLock);
    // The bucket's default Object Lock configuration: enabled, and its default mode/days if any.
    struct ObjectLockStatus
    {
        bool enabled = false;
        QString defaultMode;
        int defaultDays = 0;
    };
    ObjectLockStatus objectLockStatus(const QString& bucket);
    // The retention on one object (null until when none).
    ObjectRetention objectRetention(const QString& bucket, const QString& name);
    // How many requests were retried (tests check the back-off ran).
    int retriedRequests() const;
    const S3Settings& settings() const { return m_settings; }

private:
    // get(); `checkEtag` = also check the object's MD5 against its ETag.
    void download(const QString& container, const QString& name, const DataConsumer& consumer,
                  bool checkEtag);
    S3Settings m_settings;
    std::optional<ObjectRetention> m_retention;
    struct Counters;
    std::shared_ptr<Counters> m_counters;
};

} // namespace ember
