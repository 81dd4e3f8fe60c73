#include "s3objectstore.h"

namespace ember {

struct S3ObjectStore::Counters
{
};

S3Settings S3Settings::fromConfig(const BackendConfig& config, const BackendSecrets& secrets)
{
    S3Settings settings;
    settings.backendName = config.name;
    Q_UNUSED(secrets);
    throw Error(QStringLiteral("the S3 backend is not implemented yet"));
}

S3ObjectStore::S3ObjectStore(S3Settings settings)
    : m_settings(std::move(settings)), m_counters(std::make_shared<Counters>())
{
}

QString S3ObjectStore::serviceName() const
{
    return QStringLiteral("cinder.backup.drivers.s3.S3BackupDriver");
}

QString S3ObjectStore::objectPrefix(const Backup&, const QDateTime&) const { return {}; }
QString S3ObjectStore::defaultContainer(const Backup&) const { return m_settings.bucket; }
QString S3ObjectStore::invalidContainer(const QString&) const { return {}; }
QString S3ObjectStore::invalidObjectPrefix(const QString&) const { return {}; }
void S3ObjectStore::ensureContainer(const QString&) {}
void S3ObjectStore::put(const QString&, const QString&, const DataProducer&, std::optional<qint64>)
{
    throw Error(QStringLiteral("the S3 backend is not implemented yet"));
}
void S3ObjectStore::get(const QString&, const QString&, const DataConsumer&)
{
    throw Error(QStringLiteral("the S3 backend is not implemented yet"));
}
QStringList S3ObjectStore::list(const QString&, const QString&) { return {}; }
void S3ObjectStore::remove(const QString&, const QString&) {}
RetryPolicy S3ObjectStore::retryPolicy() const { return {}; }
std::optional<ObjectRetention> S3ObjectStore::retentionForNewObjects() const { return m_retention; }
bool S3ObjectStore::bucketExists(const QString&) { return false; }
void S3ObjectStore::createBucket(const QString&, bool) {}
S3ObjectStore::ObjectLockStatus S3ObjectStore::objectLockStatus(const QString&) { return {}; }
ObjectRetention S3ObjectStore::objectRetention(const QString&, const QString&) { return {}; }
int S3ObjectStore::retriedRequests() const { return 0; }

} // namespace ember
