#include "swiftobjectstore.h"

#include "backoff.h"
#include "hashing.h"
#include "swiftlisting.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <optional>
#include <type_traits>

Q_LOGGING_CATEGORY(lcSwift, "ember.swift")

namespace ember {

using http::HttpRequest;
using http::HttpResponse;

namespace {

QString optionText(const QJsonObject& options, const QString& key, const QString& fallback = {})
{
    const QJsonValue value = options.value(key);
    if (value.isString())
        return value.toString().trimmed();
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return fallback;
}

double optionNumber(const QJsonObject& options, const QString& key, double fallback,
                    const QString& backendName, double minimum)
{
    const QJsonValue value = options.value(key);
    if (value.isUndefined() || value.isNull() ||
        (value.isString() && value.toString().trimmed().isEmpty()))
        return fallback;
    bool ok = value.isDouble();
    double number = value.toDouble();
    if (value.isString())
        number = value.toString().trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(number) || number < minimum)
        throw Error(QStringLiteral("option %1 of backend '%2' must be a number of at least %3, "
                                   "not '%4'")
                        .arg(key, backendName)
                        .arg(minimum)
                        .arg(optionText(options, key)));
    return number;
}

bool optionFlag(const QJsonObject& options, const QString& key, const QString& backendName)
{
    const QJsonValue value = options.value(key);
    if (value.isBool())
        return value.toBool();
    const QString text = optionText(options, key).toLower();
    if (text.isEmpty() || text == QLatin1String("false") || text == QLatin1String("0") ||
        text == QLatin1String("no") || text == QLatin1String("off"))
        return false;
    if (text == QLatin1String("true") || text == QLatin1String("1") ||
        text == QLatin1String("yes") || text == QLatin1String("on"))
        return true;
    throw Error(QStringLiteral("option %1 of backend '%2' must be true or false, not '%3'")
                    .arg(key, backendName, text));
}

QString withoutTrailingSlash(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

QString snippet(const QByteArray& body)
{
    QString text = QString::fromUtf8(body.left(300)).simplified();
    if (body.size() > 300)
        text += QStringLiteral("...");
    return text;
}

// Swift sends the MD5 bare; some gateways quote it.
QByteArray bareEtag(QByteArray etag)
{
    etag = etag.trimmed();
    if (etag.size() >= 2 && etag.startsWith('"') && etag.endsWith('"'))
        etag = etag.mid(1, etag.size() - 2);
    return etag.toLower();
}

// Container and object names (from users, imported records and _metadata)
// end up in URL paths, where the HTTP client collapses '.' and '..'
// segments: such a name would reach another container or account.
QString whyNotSwiftContainer(const QString& container)
{
    if (container.isEmpty())
        return QStringLiteral("Swift container name is empty");
    if (container.contains(QLatin1Char('/')))
        return QStringLiteral("Swift container '%1' contains '/'").arg(container);
    if (container == QLatin1String(".") || container == QLatin1String(".."))
        return QStringLiteral("Swift container may not be '%1'").arg(container);
    if (container.contains(QChar(0)))
        return QStringLiteral("Swift container '%1' contains a NUL character").arg(container);
    if (container.toUtf8().size() > 256)
        return QStringLiteral("Swift container '%1' is longer than 256 bytes").arg(container);
    return {};
}

void checkContainer(const QString& container)
{
    if (const QString why = whyNotSwiftContainer(container); !why.isEmpty())
        throw Error(why);
}

void checkObjectName(const QString& name)
{
    QString why;
    if (name.isEmpty())
        why = QStringLiteral("is empty");
    else if (name.contains(QChar(0)))
        why = QStringLiteral("contains a NUL character");
    else if (name.toUtf8().size() > 1024)
        why = QStringLiteral("is longer than 1024 bytes");
    for (const QString& segment : name.split(QLatin1Char('/'))) {
        if (!why.isEmpty())
            break;
        if (segment.isEmpty() || segment == QLatin1String(".") || segment == QLatin1String(".."))
            why = QStringLiteral("has an empty, '.' or '..' path segment");
    }
    if (!why.isEmpty())
        throw Error(QStringLiteral("Swift object name '%1' %2").arg(name.left(200), why));
}

} // namespace

SwiftSettings SwiftSettings::fromConfig(const BackendConfig& config, const BackendSecrets& secrets)
{
    const QJsonObject& options = config.options;
    SwiftSettings settings;
    settings.backendName = config.name;
    const QString name = config.name;

    settings.authUrl =
        withoutTrailingSlash(optionText(options, QStringLiteral("backup_swift_auth_url")));
    if (settings.authUrl.isEmpty())
        throw Error(QStringLiteral("Swift backend '%1' has no backup_swift_auth_url (the "
                                   "authentication address, e.g. "
                                   "http://swift.example.com:8080/auth/v1.0 or "
                                   "https://keystone.example.com:5000/v3)")
                        .arg(name));
    const QString version =
        optionText(options, QStringLiteral("backup_swift_auth_version"), QStringLiteral("1"));
    if (version == QLatin1String("1") || version == QLatin1String("1.0"))
        settings.authVersion = 1;
    else if (version == QLatin1String("2") || version == QLatin1String("2.0"))
        settings.authVersion = 2;
    else if (version == QLatin1String("3"))
        settings.authVersion = 3;
    else
        throw Error(QStringLiteral("backup_swift_auth_version of backend '%1' must be 1, 2 or 3, "
                                   "not '%2'")
                        .arg(name, version));

    settings.user = optionText(options, QStringLiteral("backup_swift_user"));
    if (settings.user.isEmpty())
        throw Error(QStringLiteral("Swift backend '%1' has no backup_swift_user").arg(name));
    settings.key = secrets.value(QStringLiteral("backup_swift_key"));
    if (settings.key.isEmpty())
        throw Error(QStringLiteral("no Swift key (backup_swift_key) is stored in the keyring for "
                                   "backend '%1'; store the key in the backend's settings first")
                        .arg(name));
    settings.project = optionText(options, QStringLiteral("backup_swift_project"));
    if (settings.project.isEmpty())
        settings.project = optionText(options, QStringLiteral("backup_swift_tenant"));
    if (settings.authVersion != 1 && settings.project.isEmpty())
        throw Error(QStringLiteral("Swift backend '%1' uses Keystone v%2 and needs "
                                   "backup_swift_project (or backup_swift_tenant)")
                        .arg(name)
                        .arg(settings.authVersion));
    settings.userDomain =
        optionText(options, QStringLiteral("backup_swift_user_domain"), settings.userDomain);
    settings.projectDomain =
        optionText(options, QStringLiteral("backup_swift_project_domain"), settings.projectDomain);
    settings.regionName = optionText(options, QStringLiteral("backup_swift_region_name"));
    settings.storageUrlOverride =
        withoutTrailingSlash(optionText(options, QStringLiteral("backup_swift_url")));
    settings.container =
        optionText(options, QStringLiteral("backup_swift_container"), settings.container);
    if (settings.container.isEmpty() || settings.container.contains(QLatin1Char('/')))
        throw Error(QStringLiteral("backup_swift_container of backend '%1' must be a name "
                                   "without '/', not '%2'")
                        .arg(name, settings.container));
    settings.storagePolicy =
        optionText(options, QStringLiteral("backup_swift_create_storage_policy"));
    settings.retryAttempts =
        int(optionNumber(options, QStringLiteral("backup_swift_retry_attempts"), 3, name, 0));
    settings.retryBackoffSeconds =
        optionNumber(options, QStringLiteral("backup_swift_retry_backoff"), 2, name, 0);
    settings.tls.caCertFile = optionText(options, QStringLiteral("backup_swift_ca_cert_file"));
    settings.tls.insecure = optionFlag(options, QStringLiteral("backup_swift_auth_insecure"), name);
    settings.timeouts.connectSeconds =
        int(optionNumber(options, QStringLiteral("ember_swift_connect_timeout"), 10, name, 1));
    settings.timeouts.stallSeconds =
        int(optionNumber(options, QStringLiteral("ember_swift_timeout"), 120, name, 1));
    settings.listingLimit =
        int(optionNumber(options, QStringLiteral("ember_swift_listing_limit"), 10000, name, 1));
    settings.parallelTransfers =
        int(optionNumber(options, QStringLiteral("ember_swift_parallel_transfers"), 4, name, 1));
    return settings;
}

SwiftObjectStore::SwiftObjectStore(SwiftSettings settings) : m_settings(std::move(settings))
{
    if (m_settings.tls.insecure)
        qCWarning(lcSwift).noquote()
            << QStringLiteral("backend '%1': backup_swift_auth_insecure is set, TLS "
                              "certificates of Swift and Keystone are NOT checked")
                   .arg(m_settings.backendName);
}

QString SwiftObjectStore::serviceName() const
{
    return QStringLiteral("cinder.backup.drivers.swift.SwiftBackupDriver");
}

QString SwiftObjectStore::objectPrefix(const Backup& backup, const QDateTime& startUtc) const
{
    return cinderZonedObjectPrefix(backup, startUtc);
}

QString SwiftObjectStore::defaultContainer(const Backup&) const
{
    return m_settings.container;
}

QString SwiftObjectStore::invalidContainer(const QString& container) const
{
    return whyNotSwiftContainer(container);
}

QString SwiftObjectStore::invalidObjectPrefix(const QString& prefix) const
{
    try {
        checkObjectName(prefix);
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

RetryPolicy SwiftObjectStore::retryPolicy() const
{
    RetryPolicy policy;
    policy.attempts = m_settings.retryAttempts;
    policy.initialBackoffSeconds = m_settings.retryBackoffSeconds;
    return policy;
}

namespace {

void logRetry(const TransientError& error, double delaySeconds)
{
    qCInfo(lcSwift).noquote()
        << QStringLiteral("%1; retrying in %2 s").arg(error.message()).arg(delaySeconds, 0, 'f', 1);
}

} // namespace

template <typename Function> auto SwiftObjectStore::withRetries(Function&& function)
{
    using Result = std::invoke_result_t<Function&>;
    const Backoff backoff(retryPolicy());
    const auto beforeRetry = [](const TransientError& error, int, double delaySeconds) {
        logRetry(error, delaySeconds);
    };
    if constexpr (std::is_void_v<Result>) {
        backoff.run(function, {}, beforeRetry);
    } else {
        std::optional<Result> result;
        backoff.run([&] { result.emplace(function()); }, {}, beforeRetry);
        return std::move(*result);
    }
}

// ---------------------------------------------------------------- authentication

SwiftObjectStore::Session SwiftObjectStore::currentSession()
{
    std::lock_guard lock(m_sessionMutex);
    if (m_session.token.isEmpty()) {
        const quint64 generation = m_session.generation + 1;
        m_session = withRetries([this] { return login(); });
        m_session.generation = generation;
    }
    return m_session;
}

void SwiftObjectStore::renewSession(quint64 staleGeneration)
{
    std::lock_guard lock(m_sessionMutex);
    if (m_session.generation != staleGeneration && !m_session.token.isEmpty())
        return; // another thread logged in again meanwhile
    const quint64 generation = m_session.generation + 1;
    m_session = withRetries([this] { return login(); });
    m_session.generation = generation;
}

QString SwiftObjectStore::authenticate()
{
    quint64 generation = 0;
    {
        std::lock_guard lock(m_sessionMutex);
        generation = m_session.generation;
    }
    renewSession(generation);
    std::lock_guard lock(m_sessionMutex);
    return m_session.storageUrl;
}

SwiftObjectStore::Session SwiftObjectStore::login()
{
    Session session = m_settings.authVersion == 1 ? loginV1() : loginKeystone();
    if (!m_settings.storageUrlOverride.isEmpty())
        session.storageUrl = m_settings.storageUrlOverride;
    session.storageUrl = withoutTrailingSlash(session.storageUrl);
    ++m_authenticationCount;
    return session;
}

SwiftObjectStore::Session SwiftObjectStore::loginV1()
{
    HttpRequest request;
    request.url = m_settings.authUrl;
    request.headers = {"X-Auth-User: " + m_settings.user.toUtf8(),
                       "X-Auth-Key: " + m_settings.key.toUtf8()};
    const HttpResponse response = http::perform(request, m_settings.tls, m_settings.timeouts);
    if (response.status == 401 || response.status == 403)
        throw Error(QStringLiteral("Swift rejected the credentials for user %1 (HTTP %2) at %3; "
                                   "check backup_swift_user and the stored key")
                        .arg(m_settings.user)
                        .arg(response.status)
                        .arg(m_settings.authUrl));
    if (!response.ok())
        throwForStatus(response, QStringLiteral("the login at %1").arg(m_settings.authUrl));
    Session session;
    session.storageUrl = QString::fromUtf8(response.header("x-storage-url"));
    session.token = response.header("x-auth-token");
    if (session.token.isEmpty())
        throw Error(QStringLiteral("the login at %1 answered without X-Auth-Token; is "
                                   "backup_swift_auth_url a Swift v1 auth address?")
                        .arg(m_settings.authUrl));
    if (session.storageUrl.isEmpty() && m_settings.storageUrlOverride.isEmpty())
        throw Error(QStringLiteral("the login at %1 answered without X-Storage-Url; set "
                                   "backup_swift_url")
                        .arg(m_settings.authUrl));
    return session;
}

SwiftObjectStore::Session SwiftObjectStore::loginKeystone()
{
    const bool v3 = m_settings.authVersion == 3;
    QString url = m_settings.authUrl;
    const QString versionPath = v3 ? QStringLiteral("/v3") : QStringLiteral("/v2.0");
    if (!url.endsWith(versionPath))
        url += versionPath;
    url += v3 ? QStringLiteral("/auth/tokens") : QStringLiteral("/tokens");

    QJsonObject body;
    if (v3) {
        const QJsonObject user{{QStringLiteral("name"), m_settings.user},
                               {QStringLiteral("domain"),
                                QJsonObject{{QStringLiteral("name"), m_settings.userDomain}}},
                               {QStringLiteral("password"), m_settings.key}};
        const QJsonObject identity{
            {QStringLiteral("methods"), QJsonArray{QStringLiteral("password")}},
            {QStringLiteral("password"), QJsonObject{{QStringLiteral("user"), user}}}};
        const QJsonObject project{
            {QStringLiteral("name"), m_settings.project},
            {QStringLiteral("domain"),
             QJsonObject{{QStringLiteral("name"), m_settings.projectDomain}}}};
        body = QJsonObject{{QStringLiteral("auth"),
                            QJsonObject{{QStringLiteral("identity"), identity},
                                        {QStringLiteral("scope"),
                                         QJsonObject{{QStringLiteral("project"), project}}}}}};
    } else {
        body = QJsonObject{{QStringLiteral("auth"),
                            QJsonObject{{QStringLiteral("passwordCredentials"),
                                         QJsonObject{{QStringLiteral("username"), m_settings.user},
                                                     {QStringLiteral("password"), m_settings.key}}},
                                        {QStringLiteral("tenantName"), m_settings.project}}}};
    }
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {"Content-Type: application/json", "Accept: application/json"};
    request.bodyBytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
    const HttpResponse response = http::perform(request, m_settings.tls, m_settings.timeouts);
    if (response.status == 401 || response.status == 403)
        throw Error(QStringLiteral("Keystone rejected the credentials for user %1 (domain %2, "
                                   "project %3) (HTTP %4) at %5; check backup_swift_user, the "
                                   "project, the domains and the stored key")
                        .arg(m_settings.user, v3 ? m_settings.userDomain : QStringLiteral("-"),
                             m_settings.project)
                        .arg(response.status)
                        .arg(url));
    if (!response.ok())
        throwForStatus(response, QStringLiteral("the Keystone login at %1").arg(url));

    const QJsonObject reply = QJsonDocument::fromJson(response.body).object();
    Session session;
    QJsonArray catalog;
    if (v3) {
        session.token = response.header("x-subject-token");
        catalog = reply.value(QStringLiteral("token"))
                      .toObject()
                      .value(QStringLiteral("catalog"))
                      .toArray();
    } else {
        const QJsonObject access = reply.value(QStringLiteral("access")).toObject();
        session.token = access.value(QStringLiteral("token"))
                            .toObject()
                            .value(QStringLiteral("id"))
                            .toString()
                            .toUtf8();
        catalog = access.value(QStringLiteral("serviceCatalog")).toArray();
    }
    if (session.token.isEmpty())
        throw Error(QStringLiteral("Keystone at %1 answered without a token; is "
                                   "backup_swift_auth_version right?")
                        .arg(url));
    QStringList regionsSeen;
    for (const QJsonValue& service : catalog) {
        if (service.toObject().value(QStringLiteral("type")).toString() !=
            QLatin1String("object-store"))
            continue;
        for (const QJsonValue& endpointValue :
             service.toObject().value(QStringLiteral("endpoints")).toArray()) {
            const QJsonObject endpoint = endpointValue.toObject();
            QString region = endpoint.value(QStringLiteral("region")).toString();
            if (region.isEmpty())
                region = endpoint.value(QStringLiteral("region_id")).toString();
            regionsSeen << region;
            if (!m_settings.regionName.isEmpty() && region != m_settings.regionName)
                continue;
            if (v3) {
                if (endpoint.value(QStringLiteral("interface")).toString() !=
                    QLatin1String("public"))
                    continue;
                session.storageUrl = endpoint.value(QStringLiteral("url")).toString();
            } else {
                session.storageUrl = endpoint.value(QStringLiteral("publicURL")).toString();
            }
            if (!session.storageUrl.isEmpty())
                break;
        }
        if (!session.storageUrl.isEmpty())
            break;
    }
    if (session.storageUrl.isEmpty() && m_settings.storageUrlOverride.isEmpty()) {
        regionsSeen.removeDuplicates();
        throw Error(
            QStringLiteral("Keystone's catalog at %1 has no public object-store endpoint%2%3; set "
                           "backup_swift_url or backup_swift_region_name")
                .arg(url,
                     m_settings.regionName.isEmpty()
                         ? QString()
                         : QStringLiteral(" in region %1").arg(m_settings.regionName),
                     regionsSeen.isEmpty()
                         ? QString()
                         : QStringLiteral(" (regions offered: %1)").arg(regionsSeen.join(u", "))));
    }
    return session;
}

// ---------------------------------------------------------------- requests

void SwiftObjectStore::throwForStatus(const HttpResponse& response, const QString& what) const
{
    const QString body = snippet(response.body);
    const QString detail = body.isEmpty() ? QString() : QStringLiteral(": %1").arg(body);
    if (response.status >= 500 || response.status == 408 || response.status == 429)
        throw TransientError(QStringLiteral("Swift answered HTTP %1 to %2%3")
                                 .arg(response.status)
                                 .arg(what, detail));
    if (response.status == 403)
        throw Error(QStringLiteral("Swift refused %1 for user %2 (HTTP 403: no access to this "
                                   "account or container)%3")
                        .arg(what, m_settings.user, detail));
    if (response.status == 401)
        throw Error(QStringLiteral("Swift rejected the credentials for user %1 (HTTP 401) during "
                                   "%2")
                        .arg(m_settings.user, what));
    throw Error(
        QStringLiteral("Swift answered HTTP %1 to %2%3").arg(response.status).arg(what, detail));
}

HttpResponse SwiftObjectStore::send(HttpRequest request, const QByteArray& path,
                                    const QString& what)
{
    const QList<QByteArray> baseHeaders = request.headers;
    for (int attempt = 0;; ++attempt) {
        const Session session = currentSession();
        request.url = session.storageUrl + QString::fromLatin1(path);
        request.headers = baseHeaders;
        request.headers.append("X-Auth-Token: " + session.token);
        HttpResponse response = http::perform(request, m_settings.tls, m_settings.timeouts);
        if (response.status != 401)
            return response;
        if (attempt > 0)
            throw Error(QStringLiteral("Swift rejected the credentials for user %1 (HTTP 401) "
                                       "during %2, even right after logging in again")
                            .arg(m_settings.user, what));
        // The token expired or was revoked: log in again and repeat once.
        qCInfo(lcSwift).noquote()
            << QStringLiteral("token refused during %1; logging in again").arg(what);
        renewSession(session.generation);
        if (response.bytesUploaded > 0)
            throw TransientError(QStringLiteral("the Swift token expired during %1; logged in "
                                                "again, the transfer must be repeated")
                                     .arg(what));
    }
}

void SwiftObjectStore::ensureContainer(const QString& container)
{
    checkContainer(container);
    const QByteArray path = "/" + http::encodePath(container, false);
    const QString what = QStringLiteral("the check of container '%1'").arg(container);
    withRetries([&] {
        HttpRequest head;
        head.method = "HEAD";
        const HttpResponse found = send(head, path, what);
        if (found.ok())
            return;
        if (found.status != 404)
            throwForStatus(found, what);
        HttpRequest create;
        create.method = "PUT";
        create.sendBody = true;
        if (!m_settings.storagePolicy.isEmpty())
            create.headers.append("X-Storage-Policy: " + m_settings.storagePolicy.toUtf8());
        const QString createWhat = QStringLiteral("the creation of container '%1'").arg(container);
        const HttpResponse created = send(create, path, createWhat);
        if (created.ok())
            return;
        if (created.status == 400 && !m_settings.storagePolicy.isEmpty())
            throw Error(
                QStringLiteral("Swift does not know the storage policy '%1' "
                               "(backup_swift_create_storage_policy of backend '%2'): %3")
                    .arg(m_settings.storagePolicy, m_settings.backendName, snippet(created.body)));
        throwForStatus(created, createWhat);
    });
}

void SwiftObjectStore::put(const QString& container, const QString& name,
                           const DataProducer& producer, std::optional<qint64> length)
{
    checkContainer(container);
    checkObjectName(name);
    const QString what =
        QStringLiteral("the upload of object '%1' to container '%2'").arg(name, container);
    Digest md5(Digest::Algorithm::Md5);
    HttpRequest request;
    request.method = "PUT";
    request.sendBody = true;
    request.body = &producer;
    request.bodyLength = length;
    request.headers = {"Content-Type: application/octet-stream"};
    request.onUpload = [&md5](const char* data, size_t size) { md5.update(data, size); };
    const QByteArray path =
        "/" + http::encodePath(container, false) + "/" + http::encodePath(name, true);
    const HttpResponse response = send(request, path, what);
    if (response.status == 404)
        throw Error(
            QStringLiteral("Swift has no container '%1' for object '%2'").arg(container, name));
    if (!response.ok())
        throwForStatus(response, what);
    if (length) {
        // curl stops at Content-Length; the producer still expects to be asked
        // once more and to answer 0 (the end), which also proves the length.
        char extra[64];
        if (response.bytesUploaded != *length || producer(extra, sizeof extra) != 0)
            throw Error(QStringLiteral("internal error: object '%1' did not have the announced "
                                       "length of %2 bytes")
                            .arg(name)
                            .arg(*length));
    }
    const QByteArray sent = md5.finalHex();
    const QByteArray stored = bareEtag(response.header("etag"));
    if (stored != sent)
        throw Error(QStringLiteral("Swift stored object '%1' in container '%2' with MD5 %3, but "
                                   "Ember sent data with MD5 %4: the data was altered on the way")
                        .arg(name, container,
                             QString::fromLatin1(stored.isEmpty() ? "(none)" : stored),
                             QString::fromLatin1(sent)));
}

void SwiftObjectStore::get(const QString& container, const QString& name,
                           const DataConsumer& consumer)
{
    download(container, name, consumer, true);
}

void SwiftObjectStore::getCheckedByCaller(const QString& container, const QString& name,
                                          const DataConsumer& consumer)
{
    download(container, name, consumer, false);
}

void SwiftObjectStore::download(const QString& container, const QString& name,
                                const DataConsumer& consumer, bool checkEtag)
{
    checkContainer(container);
    checkObjectName(name);
    const QString what =
        QStringLiteral("the download of object '%1' from container '%2'").arg(name, container);
    const QByteArray path =
        "/" + http::encodePath(container, false) + "/" + http::encodePath(name, true);
    const Backoff backoff(retryPolicy());
    qint64 delivered = 0;
    for (int attempt = 0;; ++attempt) {
        Digest md5(Digest::Algorithm::Md5);
        HttpRequest request;
        request.sink = &consumer;
        request.onDownload = [&](const char* data, size_t size) {
            if (checkEtag)
                md5.update(data, size);
            delivered += qint64(size);
        };
        try {
            const HttpResponse response = send(request, path, what);
            if (response.status == 404)
                throw ObjectMissing(QStringLiteral("object '%1' is missing from Swift container "
                                                   "'%2'")
                                        .arg(name, container));
            if (!response.ok())
                throwForStatus(response, what);
            // Large-object manifests carry a quoted ETag of their segments' ETags.
            const QByteArray etag = response.header("etag");
            const QByteArray received = md5.finalHex();
            if (checkEtag && !etag.isEmpty() && !etag.startsWith('"') &&
                !response.headers.contains("x-object-manifest") &&
                !response.headers.contains("x-static-large-object") && bareEtag(etag) != received)
                throw Error(QStringLiteral("object '%1' in container '%2' arrived with MD5 %3, but "
                                           "Swift's ETag says %4: the data was altered on the way")
                                .arg(name, container, QString::fromLatin1(received),
                                     QString::fromLatin1(bareEtag(etag))));
            return;
        } catch (const TransientError& error) {
            // Once bytes reached the consumer only the caller can start over,
            // so this loop keeps its own rule and takes only the delay from Backoff.
            if (delivered > 0 || attempt >= backoff.policy().attempts)
                throw;
            const double delay = backoff.delaySeconds(attempt);
            logRetry(error, delay);
            Backoff::sleep(delay);
        }
    }
}

QStringList SwiftObjectStore::list(const QString& container, const QString& prefix)
{
    checkContainer(container);
    const QString what = QStringLiteral("the listing of container '%1'").arg(container);
    QStringList names;
    QString marker;
    for (;;) {
        QByteArray path = "/" + http::encodePath(container, false) +
                          "?format=json&limit=" + QByteArray::number(m_settings.listingLimit);
        if (!prefix.isEmpty())
            path += "&prefix=" + http::encodeQueryValue(prefix);
        if (!marker.isEmpty())
            path += "&marker=" + http::encodeQueryValue(marker);
        const HttpResponse response = withRetries([&] {
            HttpRequest request;
            request.headers = {"Accept: application/json"};
            HttpResponse reply = send(request, path, what);
            if (!reply.ok() && reply.status != 404)
                throwForStatus(reply, what);
            return reply;
        });
        if (response.status == 404 || response.status == 204)
            break; // no container: nothing stored under any prefix
        const swift::ListingPage page =
            swift::parseListingPage(response.body, container, prefix, marker);
        names << page.names;
        marker = page.nextMarker;
        if (marker.isEmpty())
            break;
    }
    return names;
}

void SwiftObjectStore::remove(const QString& container, const QString& name)
{
    checkContainer(container);
    checkObjectName(name);
    const QString what =
        QStringLiteral("the deletion of object '%1' from container '%2'").arg(name, container);
    const QByteArray path =
        "/" + http::encodePath(container, false) + "/" + http::encodePath(name, true);
    withRetries([&] {
        HttpRequest request;
        request.method = "DELETE";
        const HttpResponse response = send(request, path, what);
        if (!response.ok() && response.status != 404)
            throwForStatus(response, what);
    });
}

SwiftObjectStore::AccountInfo SwiftObjectStore::accountInfo()
{
    const QString what = QStringLiteral("the account check");
    return withRetries([&] {
        HttpRequest request;
        request.method = "HEAD";
        const HttpResponse response = send(request, QByteArray(), what);
        if (!response.ok())
            throwForStatus(response, what);
        auto number = [&](const QByteArray& header) {
            bool ok = false;
            const qint64 value = response.header(header).toLongLong(&ok);
            return ok ? value : qint64(-1);
        };
        AccountInfo info;
        info.bytesUsed = number("x-account-bytes-used");
        info.objectCount = number("x-account-object-count");
        info.containerCount = number("x-account-container-count");
        return info;
    });
}

} // namespace ember
