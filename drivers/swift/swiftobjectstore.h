// Cinder's Swift backend as an ObjectStore: containers and objects over the
// Swift API with libcurl, v1 (tempauth/swauth) or Keystone v2/v3 password
// authentication, streaming uploads checked against Swift's ETag.
#pragma once

#include "backendregistry.h"
#include "httpclient.h"
#include "objectstore.h"

#include <QJsonObject>
#include <atomic>
#include <mutex>

namespace ember {

// A Swift backend's options (Cinder's names, reference §4) and its key.
struct SwiftSettings
{
    QString backendName;
    QString authUrl;     // backup_swift_auth_url
    int authVersion = 1; // backup_swift_auth_version: 1, 2 or 3
    QString user;        // backup_swift_user
    QString key;         // the keyring's backup_swift_key; never logged
    QString project;     // backup_swift_project, else backup_swift_tenant
    QString userDomain = QStringLiteral("Default");    // backup_swift_user_domain
    QString projectDomain = QStringLiteral("Default"); // backup_swift_project_domain
    QString regionName;         // backup_swift_region_name (Keystone catalog filter)
    QString storageUrlOverride; // backup_swift_url
    QString container = QStringLiteral("volumebackups"); // backup_swift_container
    QString storagePolicy;                               // backup_swift_create_storage_policy
    int retryAttempts = 3;                               // backup_swift_retry_attempts
    double retryBackoffSeconds = 2;                      // backup_swift_retry_backoff
    http::TlsSettings tls;       // backup_swift_ca_cert_file, backup_swift_auth_insecure
    http::HttpTimeouts timeouts; // ember_swift_connect_timeout, ember_swift_timeout
    int listingLimit = 10000;    // ember_swift_listing_limit (names per listing page)
    int parallelTransfers = 4;   // ember_swift_parallel_transfers

    // Throws Error naming the missing or malformed option.
    static SwiftSettings fromConfig(const BackendConfig& config, const BackendSecrets& secrets);
};

class SwiftObjectStore : public ObjectStore
{
public:
    explicit SwiftObjectStore(SwiftSettings settings);

    QString serviceName() const override;
    QString objectPrefix(const Backup& backup, const QDateTime& startUtc) const override;
    QString defaultContainer(const Backup& backup) const override;
    QString invalidContainer(const QString& container) const override;
    QString invalidObjectPrefix(const QString& prefix) const override;
    void ensureContainer(const QString& container) override;
    void put(const QString& container, const QString& name, const DataProducer& producer,
             std::optional<qint64> length) override;
    void get(const QString& container, const QString& name, const DataConsumer& consumer) override;
    void getCheckedByCaller(const QString& container, const QString& name,
                            const DataConsumer& consumer) override;
    QStringList list(const QString& container, const QString& prefix) override;
    void remove(const QString& container, const QString& name) override;
    int parallelTransfers() const override { return m_settings.parallelTransfers; }
    RetryPolicy retryPolicy() const override;

    // For the connection test and diagnostics.
    struct AccountInfo
    {
        qint64 bytesUsed = -1;
        qint64 objectCount = -1;
        qint64 containerCount = -1;
    };
    // Authenticates now (again, if already done); returns the storage URL.
    QString authenticate();
    AccountInfo accountInfo();
    // How many times this store has logged in (tests check re-authentication).
    int authenticationCount() const { return m_authenticationCount.load(); }
    const SwiftSettings& settings() const { return m_settings; }

private:
    // get(); `checkEtag` = also check the object's MD5 against its ETag.
    void download(const QString& container, const QString& name, const DataConsumer& consumer,
                  bool checkEtag);
    struct Session
    {
        QString storageUrl;
        QByteArray token;
        quint64 generation = 0;
    };
    Session currentSession();
    void renewSession(quint64 staleGeneration);
    Session login(); // one attempt, no lock
    Session loginV1();
    Session loginKeystone();

    // Sends a storage request with the token; on 401 logs in again once and
    // repeats it if the request body was not consumed yet.
    http::HttpResponse send(http::HttpRequest request, const QByteArray& path, const QString& what);
    // Retries cheap, repeatable requests on TransientError with back-off.
    template <typename Function> auto withRetries(Function&& function);
    [[noreturn]] void throwForStatus(const http::HttpResponse& response, const QString& what) const;

    SwiftSettings m_settings;
    std::mutex m_sessionMutex;
    Session m_session;
    std::atomic<int> m_authenticationCount{0};
};

} // namespace ember
