// The S3 backend's connection test (the wizard's live test, `ember-cli
// backend-test`) and bucket creation.
#include "s3backend.h"

#include "s3objectstore.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QUuid>

namespace ember {

namespace {

ConnectionCheck passed(const QString& name, const QString& detail)
{
    return ConnectionCheck{name, true, detail};
}

ConnectionCheck failed(const QString& name, const QString& detail)
{
    return ConnectionCheck{name, false, detail};
}

QString lockWords(const S3ObjectStore::ObjectLockStatus& status)
{
    if (!status.enabled)
        return QStringLiteral("not enabled on the bucket");
    if (status.defaultMode.isEmpty())
        return QStringLiteral("enabled (no default retention)");
    return QStringLiteral("enabled (default retention %1, %2 days)")
        .arg(status.defaultMode)
        .arg(status.defaultDays);
}

} // namespace

ConnectionReport probeS3(const BackendConfig& config, const BackendSecrets& secrets)
{
    ConnectionReport report;
    S3Settings settings;
    try {
        settings = S3Settings::fromConfig(config, secrets);
    } catch (const Error& error) {
        report.checks.append(failed(QStringLiteral("options"), error.message()));
        return report;
    } catch (const std::exception& error) {
        report.checks.append(failed(QStringLiteral("options"), QString::fromUtf8(error.what())));
        return report;
    }
    const QString endpoint = settings.endpointUrl;
    const QString bucket = settings.bucket;
    report.facts.append(QStringLiteral("endpoint: %1").arg(endpoint));
    report.facts.append(QStringLiteral("bucket: %1").arg(bucket));
    report.facts.append(QStringLiteral("region: %1").arg(settings.region));
    report.facts.append(QStringLiteral("addressing: %1")
                            .arg(settings.virtualHosted
                                     ? QStringLiteral("virtual-hosted (bucket.host)")
                                     : QStringLiteral("path-style (host/bucket)")));
    if (!settings.sseCustomerKey.isEmpty())
        report.facts.append(QStringLiteral("server-side encryption with a customer key (%1): on")
                                .arg(settings.sseCustomerAlgorithm));

    // The probe writes no locked object (it could not be removed for days),
    // and a down endpoint is named quickly.
    S3Settings probeSettings = settings;
    probeSettings.objectLockMode.clear();
    probeSettings.objectLockDays = 0;
    probeSettings.retryMaxAttempts = std::min(settings.retryMaxAttempts, 2);
    S3ObjectStore store(probeSettings);

    // Endpoint and credentials: ListBuckets answers either way.
    try {
        QString server;
        const QStringList buckets = store.listBuckets(&server);
        report.checks.append(
            passed(QStringLiteral("endpoint"),
                   QStringLiteral("S3 at %1 answers%2")
                       .arg(endpoint,
                            server.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(server))));
        if (!server.isEmpty())
            report.facts.append(QStringLiteral("server: %1").arg(server));
        report.checks.append(passed(QStringLiteral("credentials"),
                                    QStringLiteral("the access key %1 is accepted (%2 buckets)")
                                        .arg(settings.accessKey)
                                        .arg(buckets.size())));
    } catch (const S3Error& error) {
        report.checks.append(
            passed(QStringLiteral("endpoint"), QStringLiteral("S3 at %1 answers").arg(endpoint)));
        if (error.code() == QLatin1String("AccessDenied")) {
            // Signed correctly, but the key may not list buckets: the bucket checks tell.
            report.checks.append(
                passed(QStringLiteral("credentials"),
                       QStringLiteral("the access key %1 is accepted (it may not list buckets)")
                           .arg(settings.accessKey)));
        } else {
            report.checks.append(failed(QStringLiteral("credentials"), error.message()));
            return report;
        }
    } catch (const Error& error) {
        // ConnectionFailed (down, unresolvable, timed out) and TlsFailed (untrusted
        // certificate, not TLS) already speak of S3 at the endpoint.
        report.checks.append(failed(QStringLiteral("endpoint"), error.message()));
        return report;
    }

    // The bucket.
    try {
        if (!store.bucketExists(bucket)) {
            report.checks.append(failed(
                QStringLiteral("bucket"),
                QStringLiteral("bucket %1 does not exist at %2; the backend wizard can create it "
                               "(with Object Lock if wanted), or create it with any S3 client, "
                               "e.g.: aws s3api create-bucket --bucket %1 --endpoint-url %2")
                    .arg(bucket, endpoint)));
            return report;
        }
        report.checks.append(
            passed(QStringLiteral("bucket"), QStringLiteral("bucket %1 exists").arg(bucket)));
    } catch (const Error& error) {
        report.checks.append(failed(QStringLiteral("bucket"), error.message()));
        return report;
    }

    // Object Lock: a fact always, a check when the backend asks for it.
    S3ObjectStore::ObjectLockStatus lock;
    try {
        lock = store.objectLockStatus(bucket);
        report.facts.append(QStringLiteral("Object Lock: %1").arg(lockWords(lock)));
    } catch (const Error& error) {
        report.facts.append(QStringLiteral("Object Lock: unknown (%1)").arg(error.message()));
    }
    if (!settings.objectLockMode.isEmpty()) {
        if (lock.enabled)
            report.checks.append(
                passed(QStringLiteral("object lock"),
                       QStringLiteral("Object Lock is enabled on bucket %1: backups will be locked "
                                      "(%2) for %3 days")
                           .arg(bucket, settings.objectLockMode)
                           .arg(settings.objectLockDays)));
        else
            report.checks.append(failed(
                QStringLiteral("object lock"),
                QStringLiteral("bucket %1 has no Object Lock, but ember_s3_object_lock_mode is "
                               "%2: backups could not be made immutable. Object Lock can only be "
                               "enabled when a bucket is created: use a new bucket created with "
                               "Object Lock, or clear ember_s3_object_lock_mode")
                    .arg(bucket, settings.objectLockMode)));
    }

    // Write, read back and delete a probe object.
    const QString name =
        QStringLiteral("ember-probe/%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    QByteArray payload(64 * 1024, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(payload.data()),
                                          payload.size() / int(sizeof(quint32)));
    try {
        store.putAll(bucket, name, payload);
        report.checks.append(passed(
            QStringLiteral("write"),
            QStringLiteral("wrote the probe object %1 (%2 bytes)").arg(name).arg(payload.size())));
    } catch (const Error& error) {
        report.checks.append(failed(QStringLiteral("write"), error.message()));
        return report;
    }
    try {
        const QByteArray read = store.getAll(bucket, name);
        if (read != payload)
            report.checks.append(failed(
                QStringLiteral("read"),
                QStringLiteral("the probe object %1 came back different (%2 bytes, MD5 %3; %4 "
                               "bytes were written)")
                    .arg(name)
                    .arg(read.size())
                    .arg(QString::fromLatin1(
                        QCryptographicHash::hash(read, QCryptographicHash::Md5).toHex()))
                    .arg(payload.size())));
        else
            report.checks.append(passed(QStringLiteral("read"),
                                        QStringLiteral("read the probe object back intact")));
    } catch (const Error& error) {
        report.checks.append(failed(QStringLiteral("read"), error.message()));
    }
    try {
        store.remove(bucket, name);
        report.checks.append(
            passed(QStringLiteral("delete"), QStringLiteral("deleted the probe object")));
    } catch (const ObjectLocked& error) {
        // The bucket's default retention locked it; that is the bucket working as set up.
        report.checks.append(
            passed(QStringLiteral("delete"),
                   QStringLiteral("the probe object stays: %1 (the bucket's default retention)")
                       .arg(error.message())));
    } catch (const Error& error) {
        report.checks.append(failed(QStringLiteral("delete"), error.message()));
    }
    return report;
}

void createS3Bucket(const BackendConfig& config, const BackendSecrets& secrets, bool objectLock)
{
    const S3Settings settings = S3Settings::fromConfig(config, secrets);
    S3ObjectStore store(settings);
    store.createBucket(settings.bucket, objectLock);
    if (objectLock && !store.objectLockStatus(settings.bucket).enabled)
        throw Error(QStringLiteral("bucket %1 already exists at %2 without Object Lock, which can "
                                   "only be enabled when a bucket is created; choose another "
                                   "bucket name")
                        .arg(settings.bucket, settings.endpointUrl));
}

} // namespace ember
