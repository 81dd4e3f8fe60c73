#include "keystone.h"

#include "cloudhttp.h"

#include <QJsonDocument>
#include <QUrl>

namespace ember::cloud {

using namespace detail;

namespace {

constexpr int DefaultRenewMarginSeconds = 60;
// X-Subject-Token goes back into a header: printable ASCII only, and not huge (Fernet
// tokens are ~200 bytes, PKI tokens were a few KiB).
constexpr qsizetype MaxTokenBytes = 16 * 1024;

bool isHeaderSafe(const QByteArray& value)
{
    return !value.isEmpty() && value.size() <= MaxTokenBytes &&
           std::all_of(value.cbegin(), value.cend(), [](char c) { return c > 0x20 && c < 0x7f; });
}

QJsonObject nameOrId(const QString& name, const QString& id)
{
    return id.isEmpty() ? QJsonObject{{QStringLiteral("name"), name}}
                        : QJsonObject{{QStringLiteral("id"), id}};
}

// A domain for a name-based user or project: its own, else the profile's default
// domain, else Keystone's "default" (what the openstack CLI assumes too).
QJsonObject domainOf(const QString& name, const QString& id, const CloudAuth& auth)
{
    if (!id.isEmpty() || !name.isEmpty())
        return nameOrId(name, id);
    if (!auth.domainId.isEmpty() || !auth.domainName.isEmpty())
        return nameOrId(auth.domainName, auth.domainId);
    return QJsonObject{{QStringLiteral("id"), QStringLiteral("default")}};
}

QJsonObject userObject(const CloudAuth& auth)
{
    if (!auth.userId.isEmpty())
        return QJsonObject{{QStringLiteral("id"), auth.userId}};
    return QJsonObject{
        {QStringLiteral("name"), auth.username},
        {QStringLiteral("domain"), domainOf(auth.userDomainName, auth.userDomainId, auth)}};
}

QString describeUser(const CloudAuth& auth)
{
    if (!auth.userId.isEmpty())
        return QStringLiteral("user id %1").arg(auth.userId);
    const QString domain = !auth.userDomainName.isEmpty() ? auth.userDomainName
                           : !auth.userDomainId.isEmpty() ? auth.userDomainId
                           : !auth.domainName.isEmpty()   ? auth.domainName
                                                          : QStringLiteral("Default");
    return QStringLiteral("user '%1' (domain %2)").arg(auth.username, domain);
}

QString describeProject(const CloudAuth& auth)
{
    return auth.projectId.isEmpty() ? QStringLiteral("project '%1'").arg(auth.projectName)
                                    : QStringLiteral("project id %1").arg(auth.projectId);
}

QString describeCredential(const CloudAuth& auth)
{
    return auth.applicationCredentialId.isEmpty()
               ? QStringLiteral("application credential '%1' of %2")
                     .arg(auth.applicationCredentialName, describeUser(auth))
               : QStringLiteral("application credential %1").arg(auth.applicationCredentialId);
}

QByteArray loginBody(const CloudProfile& profile)
{
    const CloudAuth& auth = profile.auth;
    QJsonObject identity;
    QJsonObject root;
    if (auth.type == AuthType::ApplicationCredential) {
        QJsonObject credential{{QStringLiteral("secret"), auth.applicationCredentialSecret}};
        if (!auth.applicationCredentialId.isEmpty()) {
            credential.insert(QStringLiteral("id"), auth.applicationCredentialId);
        } else {
            credential.insert(QStringLiteral("name"), auth.applicationCredentialName);
            credential.insert(QStringLiteral("user"), userObject(auth));
        }
        identity.insert(QStringLiteral("methods"),
                        QJsonArray{QStringLiteral("application_credential")});
        identity.insert(QStringLiteral("application_credential"), credential);
        // An application credential is bound to its project: no scope may be asked.
        root.insert(QStringLiteral("identity"), identity);
    } else {
        QJsonObject user = userObject(auth);
        user.insert(QStringLiteral("password"), auth.password);
        identity.insert(QStringLiteral("methods"), QJsonArray{QStringLiteral("password")});
        identity.insert(QStringLiteral("password"), QJsonObject{{QStringLiteral("user"), user}});
        QJsonObject project = nameOrId(auth.projectName, auth.projectId);
        if (auth.projectId.isEmpty())
            project.insert(QStringLiteral("domain"),
                           domainOf(auth.projectDomainName, auth.projectDomainId, auth));
        root.insert(QStringLiteral("identity"), identity);
        root.insert(QStringLiteral("scope"), QJsonObject{{QStringLiteral("project"), project}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("auth"), root}})
        .toJson(QJsonDocument::Compact);
}

void checkProfile(const CloudProfile& profile)
{
    const CloudAuth& auth = profile.auth;
    const QString cloud = QStringLiteral("cloud '%1'").arg(profile.name);
    if (auth.type == AuthType::ApplicationCredential) {
        if (auth.applicationCredentialId.isEmpty() &&
            (auth.applicationCredentialName.isEmpty() ||
             (auth.userId.isEmpty() && auth.username.isEmpty())))
            throw CloudError(CloudErrorKind::AuthFailed,
                             QStringLiteral("%1 needs application_credential_id, or "
                                            "application_credential_name with the user's name "
                                            "or id")
                                 .arg(cloud));
        if (auth.applicationCredentialSecret.isEmpty())
            throw CloudError(CloudErrorKind::AuthFailed,
                             QStringLiteral("%1 has no application credential secret (put it in "
                                            "secure.yaml, OS_APPLICATION_CREDENTIAL_SECRET or "
                                            "the keyring)")
                                 .arg(cloud));
        return;
    }
    if (auth.username.isEmpty() && auth.userId.isEmpty())
        throw CloudError(CloudErrorKind::AuthFailed,
                         QStringLiteral("%1 names no user (username or user_id)").arg(cloud));
    if (auth.password.isEmpty())
        throw CloudError(CloudErrorKind::AuthFailed,
                         QStringLiteral("%1 has no password (put it in secure.yaml, OS_PASSWORD "
                                        "or the keyring)")
                             .arg(cloud));
    if (auth.projectName.isEmpty() && auth.projectId.isEmpty())
        throw CloudError(CloudErrorKind::AuthFailed,
                         QStringLiteral("%1 names no project (project_name or project_id): "
                                        "Cinder needs a token scoped to a project")
                             .arg(cloud));
}

} // namespace

Token parseToken(const QByteArray& subjectToken, const QByteArray& body, const QString& cloudName,
                 const QDateTime& sentAt)
{
    const QString what = QStringLiteral("Keystone's token");
    Token token;
    token.id = subjectToken;
    if (!isHeaderSafe(token.id))
        badResponse(QStringLiteral("Keystone's login answer has no usable X-Subject-Token (is "
                                   "auth_url a Keystone v3?)"));
    const QJsonObject object = jsonObject(body, QStringLiteral("Keystone's login answer"))
                                   .value(QStringLiteral("token"))
                                   .toObject();
    token.expiresAt = optionalTime(object, QStringLiteral("expires_at"), what);
    token.issuedAt = optionalTime(object, QStringLiteral("issued_at"), what);
    if (!token.expiresAt.isValid())
        badResponse(QStringLiteral("Keystone's token has no expires_at"));
    if (!token.issuedAt.isValid())
        token.issuedAt = sentAt;
    const QJsonObject user = object.value(QStringLiteral("user")).toObject();
    token.userId = optionalString(user, QStringLiteral("id"), what, 64);
    token.userName = optionalString(user, QStringLiteral("name"), what);
    const QJsonObject project = object.value(QStringLiteral("project")).toObject();
    token.projectId = optionalString(project, QStringLiteral("id"), what, 64);
    token.projectName = optionalString(project, QStringLiteral("name"), what);
    if (!isPlainId(token.userId))
        badResponse(QStringLiteral("Keystone's token names no valid user id"));
    if (!isPlainId(token.projectId))
        badResponse(QStringLiteral("the token of cloud '%1' is not scoped to a project; Cinder "
                                   "needs a project")
                        .arg(cloudName));
    for (const QJsonValue& role : object.value(QStringLiteral("roles")).toArray()) {
        const QString name = optionalString(role.toObject(), QStringLiteral("name"), what);
        if (!name.isEmpty())
            token.roles << name;
    }
    token.catalog = object.value(QStringLiteral("catalog")).toArray();
    // Kept only as an id: it goes into the path of the credential's lookup.
    const QString credentialId =
        optionalString(object.value(QStringLiteral("application_credential")).toObject(),
                       QStringLiteral("id"), what, 64);
    if (isPlainId(credentialId))
        token.applicationCredentialId = credentialId;
    return token;
}

QString endpointFromCatalog(const QJsonArray& catalog, const QStringList& serviceTypes,
                            const QString& interface, const QString& region,
                            const QString& cloudName)
{
    QStringList offered;
    for (const QString& type : serviceTypes) {
        for (const QJsonValue& serviceValue : catalog) {
            const QJsonObject service = serviceValue.toObject();
            if (service.value(QStringLiteral("type")).toString() != type)
                continue;
            for (const QJsonValue& endpointValue :
                 service.value(QStringLiteral("endpoints")).toArray()) {
                const QJsonObject endpoint = endpointValue.toObject();
                if (endpoint.value(QStringLiteral("interface")).toString() != interface)
                    continue;
                const QString endpointRegion =
                    endpoint.value(QStringLiteral("region_id")).toString().isEmpty()
                        ? endpoint.value(QStringLiteral("region")).toString()
                        : endpoint.value(QStringLiteral("region_id")).toString();
                if (!region.isEmpty() && endpointRegion != region &&
                    endpoint.value(QStringLiteral("region")).toString() != region)
                    continue;
                const QString url = endpoint.value(QStringLiteral("url")).toString();
                const QUrl parsed(url);
                // Request paths are appended to the endpoint: a query or fragment would
                // swallow them, and spaces or control characters have no place in a URL.
                if (!parsed.isValid() ||
                    (parsed.scheme() != QLatin1String("http") &&
                     parsed.scheme() != QLatin1String("https")) ||
                    parsed.host().isEmpty() || parsed.hasQuery() || parsed.hasFragment() ||
                    std::any_of(url.cbegin(), url.cend(), [](QChar c) {
                        return c.unicode() <= 0x20 || c.unicode() == 0x7f || c.isSpace();
                    }))
                    badResponse(QStringLiteral("the catalog's %1 endpoint '%2' is not an http(s) "
                                               "address")
                                    .arg(type, printable(url, 200)));
                return url;
            }
        }
    }
    for (const QJsonValue& serviceValue : catalog) {
        const QJsonObject service = serviceValue.toObject();
        QStringList places;
        for (const QJsonValue& endpointValue :
             service.value(QStringLiteral("endpoints")).toArray()) {
            const QJsonObject endpoint = endpointValue.toObject();
            places << QStringLiteral("%1/%2").arg(
                printable(endpoint.value(QStringLiteral("interface")).toString(), 20),
                printable(endpoint.value(QStringLiteral("region_id")).toString(), 40));
        }
        places.removeDuplicates();
        offered << QStringLiteral("%1 (%2)").arg(
            printable(service.value(QStringLiteral("type")).toString(), 40),
            places.join(QStringLiteral(", ")));
    }
    throw CloudError(
        CloudErrorKind::NoEndpoint,
        QStringLiteral("the service catalog of cloud '%1' has no block-storage "
                       "endpoint (service type %2) for interface '%3'%4; it offers: "
                       "%5. Check region_name and interface, or set "
                       "block_storage_endpoint_override.")
            .arg(cloudName, serviceTypes.join(QStringLiteral(", ")), interface,
                 region.isEmpty() ? QString() : QStringLiteral(" in region '%1'").arg(region),
                 offered.isEmpty() ? QStringLiteral("nothing")
                                   : offered.join(QStringLiteral("; "))));
}

KeystoneSession::KeystoneSession(CloudProfile profile) : m_profile(std::move(profile))
{
    m_credentialExpiresAt = m_profile.auth.applicationCredentialExpiresAt;
}

http::TlsSettings KeystoneSession::tls() const
{
    return http::TlsSettings{m_profile.caCertFile, m_profile.insecure};
}

QString KeystoneSession::identityUrl() const
{
    QString url = m_profile.auth.authUrl.trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    if (url.endsWith(QLatin1String("/v2.0")))
        url.chop(5);
    if (!url.endsWith(QLatin1String("/v3")))
        url += QStringLiteral("/v3");
    return url;
}

int KeystoneSession::loginCount() const
{
    std::lock_guard lock(m_mutex);
    return m_loginCount;
}

void KeystoneSession::setRenewMargin(int seconds)
{
    std::lock_guard lock(m_mutex);
    m_renewMargin = std::max(0, seconds);
}

bool KeystoneSession::renewDue() const
{
    if (m_token.id.isEmpty() || !m_localExpiresAt.isValid())
        return true;
    const qint64 margin = m_renewMargin >= 0
                              ? m_renewMargin
                              : std::min<qint64>(DefaultRenewMarginSeconds, m_lifetimeSeconds / 5);
    return QDateTime::currentDateTimeUtc().addSecs(margin) >= m_localExpiresAt;
}

Token KeystoneSession::token()
{
    std::lock_guard lock(m_mutex);
    if (renewDue())
        m_token = login();
    return m_token;
}

void KeystoneSession::invalidate(const QByteArray& tokenId)
{
    std::lock_guard lock(m_mutex);
    if (m_token.id == tokenId)
        m_token = Token{};
}

void KeystoneSession::throwLoginError(const QByteArray& body, long status)
{
    const CloudAuth& auth = m_profile.auth;
    const QString keystoneMessage = errorMessage(body);
    const QString url = identityUrl();
    const bool applicationCredential = auth.type == AuthType::ApplicationCredential;
    const QString says = keystoneMessage.isEmpty()
                             ? QString()
                             : QStringLiteral(" Keystone says: \"%1\"").arg(keystoneMessage);
    if (status == 401) {
        const bool expiredByMessage =
            keystoneMessage.contains(QLatin1String("expired"), Qt::CaseInsensitive);
        const bool expiredByDate = m_credentialExpiresAt.isValid() &&
                                   m_credentialExpiresAt <= QDateTime::currentDateTimeUtc();
        if (applicationCredential && (expiredByMessage || expiredByDate)) {
            const QString when = m_credentialExpiresAt.isValid()
                                     ? QStringLiteral(" on %1 UTC")
                                           .arg(m_credentialExpiresAt.toString(
                                               QStringLiteral("yyyy-MM-dd hh:mm:ss")))
                                     : QString();
            throw CloudError(CloudErrorKind::ExpiredCredential,
                             QStringLiteral("the %1 of cloud '%2' expired%3. Create a new "
                                            "application credential (openstack application "
                                            "credential create) and update the cloud's entry.")
                                 .arg(describeCredential(auth), m_profile.name, when),
                             int(status));
        }
        if (applicationCredential)
            throw CloudError(CloudErrorKind::AuthFailed,
                             QStringLiteral("Keystone at %1 refused the %2 of cloud '%3': its id "
                                            "or secret is wrong, or it was deleted or has "
                                            "expired (Keystone does not say which).")
                                 .arg(url, describeCredential(auth), m_profile.name),
                             int(status));
        throw CloudError(CloudErrorKind::AuthFailed,
                         QStringLiteral("Keystone at %1 refused the login of %2 to %3 (cloud "
                                        "'%4'): the user name or password is wrong, or the user "
                                        "has no role on that project.")
                             .arg(url, describeUser(auth), describeProject(auth), m_profile.name),
                         int(status));
    }
    if (status == 403)
        throw CloudError(CloudErrorKind::Forbidden,
                         QStringLiteral("Keystone at %1 does not let %2 log in to %3.%4")
                             .arg(url, describeUser(auth), describeProject(auth), says),
                         int(status));
    if (status == 404)
        throw CloudError(CloudErrorKind::NotFound,
                         QStringLiteral("there is no Keystone v3 at %1 (HTTP 404): check auth_url "
                                        "of cloud '%2'.%3")
                             .arg(url, m_profile.name, says),
                         int(status));
    if (status == 400)
        throw CloudError(CloudErrorKind::BadRequest,
                         QStringLiteral("Keystone at %1 refused the login request of cloud "
                                        "'%2'.%3")
                             .arg(url, m_profile.name, says),
                         int(status));
    if (status >= 500)
        throw CloudError(CloudErrorKind::ServerError,
                         QStringLiteral("Keystone at %1 failed (HTTP %2); try again later.%3")
                             .arg(url)
                             .arg(status)
                             .arg(says),
                         int(status));
    throw CloudError(CloudErrorKind::BadResponse,
                     QStringLiteral("Keystone at %1 answered the login with HTTP %2.%3")
                         .arg(url)
                         .arg(status)
                         .arg(says),
                     int(status));
}

Token KeystoneSession::login()
{
    checkProfile(m_profile);
    const QString url = identityUrl();
    const QUrl parsed(url);
    if (!parsed.isValid() ||
        (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https")) ||
        parsed.host().isEmpty())
        throw CloudError(CloudErrorKind::Unreachable,
                         QStringLiteral("the auth_url '%1' of cloud '%2' is not an http(s) "
                                        "address")
                             .arg(printable(m_profile.auth.authUrl, 200), m_profile.name));
    http::HttpRequest request;
    request.method = "POST";
    request.url = url + QStringLiteral("/auth/tokens");
    request.headers = {"Content-Type: application/json", "Accept: application/json",
                       "User-Agent: Ember"};
    request.bodyBytes = loginBody(m_profile);
    request.sendBody = true;
    const QDateTime sentAt = QDateTime::currentDateTimeUtc();
    const http::HttpResponse response = send(request, m_profile, QStringLiteral("Keystone"));
    request.bodyBytes.fill('\0'); // the password leaves memory with the request
    if (!response.ok())
        throwLoginError(response.body, response.status);
    const Token token =
        parseToken(response.header("x-subject-token"), response.body, m_profile.name, sentAt);

    // Renewal runs on the local clock, so a skewed Keystone clock does not matter.
    m_lifetimeSeconds = std::max<qint64>(0, token.issuedAt.secsTo(token.expiresAt));
    m_localExpiresAt = sentAt.addSecs(m_lifetimeSeconds);
    ++m_loginCount;

    if (m_profile.auth.type == AuthType::ApplicationCredential &&
        !m_credentialExpiresAt.isValid()) {
        const QString credentialId = token.applicationCredentialId;
        if (isPlainId(credentialId)) {
            // Best effort: without it a later 401 is reported as "wrong or expired".
            try {
                if (const std::optional<QDateTime> expiry =
                        lookUpCredentialExpiry(token, credentialId))
                    m_credentialExpiresAt = *expiry;
            } catch (const Error&) {
            }
        }
    }
    return token;
}

std::optional<QDateTime> KeystoneSession::applicationCredentialExpiry(const QString& credentialId)
{
    if (!isPlainId(credentialId))
        throw CloudError(CloudErrorKind::BadRequest,
                         QStringLiteral("'%1' is not an application credential id")
                             .arg(printable(credentialId, 80)));
    return lookUpCredentialExpiry(token(), credentialId);
}

std::optional<QDateTime> KeystoneSession::lookUpCredentialExpiry(const Token& token,
                                                                 const QString& credentialId)
{
    http::HttpRequest request;
    request.url =
        identityUrl() +
        QStringLiteral("/users/%1/application_credentials/%2").arg(token.userId, credentialId);
    request.headers = {"Accept: application/json", "User-Agent: Ember",
                       "X-Auth-Token: " + token.id};
    const http::HttpResponse response = send(request, m_profile, QStringLiteral("Keystone"));
    if (!response.ok()) {
        const QString says = errorMessage(response.body);
        throw CloudError(response.status == 404   ? CloudErrorKind::NotFound
                         : response.status == 403 ? CloudErrorKind::Forbidden
                                                  : CloudErrorKind::BadResponse,
                         QStringLiteral("Keystone did not show application credential %1 (HTTP "
                                        "%2)%3")
                             .arg(credentialId)
                             .arg(response.status)
                             .arg(says.isEmpty() ? QString() : QStringLiteral(": ") + says),
                         int(response.status));
    }
    const QString what = QStringLiteral("the application credential");
    const QJsonObject credential =
        jsonObject(response.body, what).value(QStringLiteral("application_credential")).toObject();
    const QDateTime expiresAt = optionalTime(credential, QStringLiteral("expires_at"), what);
    if (!expiresAt.isValid())
        return std::nullopt;
    return expiresAt;
}

QString KeystoneSession::endpoint(const QStringList& serviceTypes)
{
    const Token current = token();
    const QString interface =
        m_profile.interface.isEmpty() ? QStringLiteral("public") : m_profile.interface;
    return endpointFromCatalog(current.catalog, serviceTypes, interface, m_profile.regionName,
                               m_profile.name);
}

} // namespace ember::cloud
