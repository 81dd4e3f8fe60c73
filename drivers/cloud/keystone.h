// Keystone v3 authentication for the cloud client: password and application-credential
// logins, the service catalog, and a token that is renewed before it expires and after
// a 401. Thread-safe: many worker threads share one session.
#pragma once

#include "cloudconfig.h"
#include "httpclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <mutex>
#include <optional>

namespace ember::cloud {

struct Token
{
    QByteArray id; // X-Subject-Token: secret, never logged
    QDateTime issuedAt, expiresAt;
    QString userId, userName;
    QString projectId, projectName;
    QStringList roles;
    QJsonArray catalog;
    QString applicationCredentialId; // the one that logged in (a Keystone id), if any
    bool isAdmin() const { return roles.contains(QStringLiteral("admin")); }
};

// Keystone's answer to a login: the X-Subject-Token header and the body (exposed for
// unit tests and the fuzz targets). Throws CloudError BadResponse for an unusable answer;
// `cloudName` words the messages, `sentAt` stands in for a missing issued_at.
Token parseToken(const QByteArray& subjectToken, const QByteArray& body, const QString& cloudName,
                 const QDateTime& sentAt);

// The endpoint of the first of `serviceTypes` in a token's catalog for `interface` and
// `region` (empty: any). Throws CloudError NoEndpoint naming what the catalog offers, or
// BadResponse for an endpoint that is not an http(s) address.
QString endpointFromCatalog(const QJsonArray& catalog, const QStringList& serviceTypes,
                            const QString& interface, const QString& region,
                            const QString& cloudName);

class KeystoneSession
{
public:
    // `profile` must carry its secret (loaded from secure.yaml or the keyring).
    explicit KeystoneSession(CloudProfile profile);

    const CloudProfile& profile() const { return m_profile; }
    http::TlsSettings tls() const;

    // A valid token: logs in on first use and again when less than renewMargin()
    // is left. Throws CloudError (AuthFailed, ExpiredCredential, Unreachable, TlsUntrusted...).
    Token token();
    // Drops `tokenId` after a 401 so the next token() logs in again.
    void invalidate(const QByteArray& tokenId);
    // How many logins happened (tests prove renewal with it).
    int loginCount() const;

    // Seconds before expiry at which the token is renewed (default 60, or a fifth of a
    // shorter lifetime).
    void setRenewMargin(int seconds);

    // The endpoint of the first service type found in the catalog (e.g. {"block-storage",
    // "volumev3"}) for the profile's interface and region. Throws CloudError NoEndpoint
    // naming what the catalog offers when there is none.
    QString endpoint(const QStringList& serviceTypes);

    // Keystone's v3 root for the profile's auth_url (a bare host gets /v3).
    QString identityUrl() const;

    // When the logged-in user's application credential `credentialId` expires (GET
    // /v3/users/{id}/application_credentials/{id}); nullopt: it never expires. After an
    // application-credential login the session looks its own one up once, so a later
    // 401 is reported as ExpiredCredential when that time has passed.
    std::optional<QDateTime> applicationCredentialExpiry(const QString& credentialId);

private:
    Token login();
    [[noreturn]] void throwLoginError(const QByteArray& body, long status);
    bool renewDue() const;
    std::optional<QDateTime> lookUpCredentialExpiry(const Token& token,
                                                    const QString& credentialId);

    CloudProfile m_profile;
    mutable std::mutex m_mutex;
    Token m_token;
    QDateTime m_localExpiresAt; // local clock: login time + the token's lifetime
    qint64 m_lifetimeSeconds = 0;
    QDateTime m_credentialExpiresAt; // the application credential's, when known
    int m_loginCount = 0;
    int m_renewMargin = -1;
};

} // namespace ember::cloud
