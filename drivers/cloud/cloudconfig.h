// Where OpenStack clouds are configured, read the way every OpenStack tool reads them
// (openstacksdk's rules): clouds.yaml and secure.yaml, and the OS_* environment.
//
// Files: the first clouds.yaml found in OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/,
// /etc/openstack/ (also clouds.yml); secure.yaml is looked up in the same folders (and
// OS_CLIENT_SECURE_FILE) and merged key by key over the matching clouds.yaml entry.
// The environment gives one more cloud, "envvars", when OS_AUTH_URL is set.
// Parsed with yaml-cpp; every value is checked before use (untrusted input).
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace ember::cloud {

enum class AuthType
{
    Password,              // "password" / "v3password"
    ApplicationCredential, // "v3applicationcredential"
};

struct CloudAuth
{
    AuthType type = AuthType::Password;
    QString authUrl; // Keystone, e.g. http://127.0.0.1:5000/v3 (a bare host gets /v3)
    QString username, userId, userDomainName, userDomainId;
    QString password; // secret: never logged, never written to clouds.yaml by Ember
    QString projectName, projectId, projectDomainName, projectDomainId;
    QString domainName, domainId; // default for user and project domains
    QString applicationCredentialId, applicationCredentialName;
    QString applicationCredentialSecret; // secret
    // When the application credential expires, if known (the clouds.yaml key
    // ember_application_credential_expires_at, or learned by KeystoneSession at login):
    // Keystone's 401 for an expired credential reads like one for a wrong secret.
    QDateTime applicationCredentialExpiresAt;
};

struct CloudProfile
{
    QString name;   // the clouds.yaml key, or "envvars"
    QString origin; // the file it came from, or "environment"
    CloudAuth auth;
    QString regionName;           // region_name (empty: any)
    QString interface = "public"; // interface / endpoint_type: public, internal, admin
    QString caCertFile;           // cacert
    bool insecure = false;        // verify: false / insecure: true
    QString endpointOverride;     // block_storage_endpoint_override (skips the catalog)
    // block_storage_api_version / volume_api_version / OS_VOLUME_API_VERSION: the highest
    // microversion to use ("3" = no cap, "3.40" = at most 3.40), as the cinder client does.
    int maxMicroversion = -1; // -1: no cap
    // Ember-written entries keep their secret in the OS keyring instead of the file;
    // the entry then says so with "ember_secret_in_keyring: true".
    bool secretInKeyring = false;

    // The secret the auth type needs (password or application credential secret).
    QString secret() const;
    void setSecret(const QString& value);
    // The keyring key under which Ember keeps this cloud's secret.
    QString keyringName() const { return QStringLiteral("cloud:") + name; }
};

struct CloudConfigFiles
{
    QString cloudsFile; // empty: none found
    QString secureFile; // empty: none found
};

// The files the rules above select for this environment (read from `environment`, a
// QProcessEnvironment-like map so tests can pass their own; empty = the process's).
CloudConfigFiles findCloudConfigFiles(const QHash<QString, QString>& environment = {});

// Every cloud of the selected files, plus "envvars". Throws Error naming the file (and
// line) for a file that is not YAML or has no 'clouds' mapping; an entry with a
// missing auth_url or a value of the wrong type is skipped and `warnings` receives
// why, naming the file and the key (findCloud of that name throws that message).
QList<CloudProfile> loadClouds(const QHash<QString, QString>& environment = {},
                               QStringList* warnings = nullptr);

// The clouds of a clouds.yaml text and a secure.yaml text, as loadClouds reads the files
// (without "envvars"): `cloudsOrigin`/`secureOrigin` name them in messages, and an empty
// origin means there is no such file. Throws and warns as loadClouds does.
QList<CloudProfile> parseCloudsYaml(const QByteArray& cloudsText, const QString& cloudsOrigin,
                                    const QByteArray& secureText = {},
                                    const QString& secureOrigin = {},
                                    QStringList* warnings = nullptr);

// The cloud called `name` (or OS_CLOUD when empty). Throws Error listing the known
// clouds when there is no such cloud.
CloudProfile findCloud(const QString& name, const QHash<QString, QString>& environment = {});

// The cloud made of the OS_* variables, if OS_AUTH_URL is set.
std::optional<CloudProfile> cloudFromEnvironment(const QHash<QString, QString>& environment = {});

// Adds or replaces `profile` in the clouds.yaml at `path` (created 0600 if missing),
// keeping the other entries and keys (yaml-cpp drops comments). The secret is never written: the
// entry gets ember_secret_in_keyring: true and the caller stores the secret in the keyring.
void writeCloudEntry(const QString& path, const CloudProfile& profile);

// ~/.config/openstack/clouds.yaml: where the wizard writes new entries.
QString userCloudsFile();

} // namespace ember::cloud
