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

namespace ember::cloud {

struct Token
{
    QByteArray id; // X-Subject-Token: secret, never logged
    QDateTime issuedAt, expiresAt;
    QString userId, userName;
    QString projectId, projectName;
    QStringList roles;
    QJsonArray catalog;
    bool isAdmin() const { return roles.contains(QStringLiteral("admin")); }
};

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
    // "volumev3"}) for the profile's interface and region. Throws CloudError naming what
    // the catalog offers when there is none.
    QString endpoint(const QStringList& serviceTypes);

private:
    Token login();

    CloudProfile m_profile;
    mutable std::mutex m_mutex;
    Token m_token;
    int m_loginCount = 0;
    int m_renewMargin = -1;
};

} // namespace ember::cloud
