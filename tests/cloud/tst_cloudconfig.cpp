// The cloud client without services: clouds.yaml / secure.yaml / OS_* parsing and the
// search order (temporary folders and an explicit environment), writing an entry
// (other entries kept, the secret never written), malformed files, and the API
// parsers on hostile JSON.
#include "cinderclient.h"
#include "cloudconfig.h"
#include "cloudhttp.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace ember;
using namespace ember::cloud;

namespace {

const QByteArray AdminEntry = R"(clouds:
  admin:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
)";

void write(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    test::writeWholeFile(path, text);
}

template <typename Work> QString errorText(Work work)
{
    try {
        work();
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

template <typename Work> std::optional<CloudErrorKind> cloudErrorKind(Work work)
{
    try {
        work();
    } catch (const CloudError& error) {
        return error.kind();
    }
    return std::nullopt;
}

QJsonObject json(const QByteArray& text)
{
    const QJsonDocument document = QJsonDocument::fromJson(text);
    if (!document.isObject())
        qFatal("test JSON does not parse: %s", text.constData());
    return document.object();
}

} // namespace

class CloudConfigTest : public QObject
{
    Q_OBJECT

    QString m_root;
    QString m_previousCwd;
    QHash<QString, QString> m_env; // HOME and the working folder of each test

private Q_SLOTS:
    void init();
    void cleanup();
    void searchOrderPrefersExplicitThenCwdThenUserFolder();
    void secureYamlIsMergedKeyByKey();
    void everySettingIsRead();
    void environmentVariablesMakeACloud();
    void apiVersionCapIsReadAndWritten();
    void unknownCloudNamesTheKnownOnes();
    void malformedFilesGiveSpecificErrors();
    void aliasBombIsRefused();
    void duplicateKeysAreRefused();
    void textThatIsNotUtf8IsRefused();
    void aliasInsideItsOwnValueIsRefused();
    void writtenEntryKeepsOthersAndNeverTheSecret();
    void volumeParsesWhatThePanelsShow();
    void backupParsesWhatThePanelsShow();
    void hostileJsonIsRefused_data();
    void hostileJsonIsRefused();
    void hostileVolumeFieldsAreRefused();
    void errorBodiesGiveCindersMessage();
    void catalogEndpointIsAPlainAddress();
};

void CloudConfigTest::init()
{
    m_root = test::freshDir(QString::fromLatin1(QTest::currentTestFunction()));
    QDir().mkpath(m_root + "/cwd");
    QDir().mkpath(m_root + "/home");
    m_previousCwd = QDir::currentPath();
    QVERIFY(QDir::setCurrent(m_root + "/cwd"));
    m_env = {{"HOME", m_root + "/home"}, {"PATH", "/usr/bin"}};
}
void CloudConfigTest::cleanup()
{
    QDir::setCurrent(m_previousCwd);
}

void CloudConfigTest::searchOrderPrefersExplicitThenCwdThenUserFolder()
{
    const QString explicitFile = m_root + "/elsewhere/my-clouds.yaml";
    const QString cwdFile = m_root + "/cwd/clouds.yaml";
    const QString userFile = m_root + "/home/.config/openstack/clouds.yml";
    write(userFile, AdminEntry);
    QCOMPARE(findCloudConfigFiles(m_env).cloudsFile, userFile);
    write(cwdFile, AdminEntry);
    QCOMPARE(findCloudConfigFiles(m_env).cloudsFile, cwdFile);
    write(explicitFile, AdminEntry);
    auto env = m_env;
    env.insert("OS_CLIENT_CONFIG_FILE", explicitFile);
    QCOMPARE(findCloudConfigFiles(env).cloudsFile, explicitFile);
    // A missing explicit file falls back to the folders (openstacksdk does the same).
    env.insert("OS_CLIENT_CONFIG_FILE", m_root + "/missing.yaml");
    QCOMPARE(findCloudConfigFiles(env).cloudsFile, cwdFile);
    // XDG_CONFIG_HOME moves the user folder.
    QFile::remove(cwdFile);
    write(m_root + "/xdg/openstack/clouds.yaml", AdminEntry);
    env = m_env;
    env.insert("XDG_CONFIG_HOME", m_root + "/xdg");
    QCOMPARE(findCloudConfigFiles(env).cloudsFile, m_root + "/xdg/openstack/clouds.yaml");
}

void CloudConfigTest::secureYamlIsMergedKeyByKey()
{
    write(m_root + "/cwd/clouds.yaml", AdminEntry);
    // secure.yaml is searched on its own: here in the user folder.
    write(m_root + "/home/.config/openstack/secure.yaml", R"(clouds:
  admin:
    auth:
      password: "s3cret: with colon"
    region_name: RegionTwo
)");
    const CloudProfile profile = findCloud("admin", m_env);
    QCOMPARE(profile.auth.password, QString("s3cret: with colon"));
    QCOMPARE(profile.secret(), QString("s3cret: with colon"));
    QCOMPARE(profile.regionName, QString("RegionTwo"));
    QCOMPARE(profile.auth.username, QString("admin")); // from clouds.yaml, kept
    QCOMPARE(profile.auth.userDomainName, QString("Default"));
    QCOMPARE(profile.origin, m_root + "/cwd/clouds.yaml");
    QCOMPARE(profile.auth.type, AuthType::Password);
    // OS_CLIENT_SECURE_FILE names another one.
    write(m_root + "/other-secure.yaml", "clouds: {admin: {auth: {password: other}}}\n");
    auto env = m_env;
    env.insert("OS_CLIENT_SECURE_FILE", m_root + "/other-secure.yaml");
    QCOMPARE(findCloud("admin", env).auth.password, QString("other"));
}

void CloudConfigTest::everySettingIsRead()
{
    write(m_root + "/cwd/clouds.yaml", R"(
clouds:
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example:5000
      application_credential_id: 0123abcd
      application_credential_secret: topsecret
    regions:
      - name: North
      - South
    endpoint_type: internalURL
    cacert: /etc/ssl/cloud-ca.pem
    block_storage_endpoint_override: https://cinder.example/v3/$(project_id)s
    ember_secret_in_keyring: true
    ember_application_credential_expires_at: 2030-01-31T12:00:00Z
  ids:
    auth:
      auth_url: http://k:5000/v3
      user_id: u1
      project_id: p1
      domain_id: d1
    verify: false
  verifyPath:
    auth:
      auth_url: http://k:5000/v3
      username: x
      tenant_name: legacy
    verify: /path/to/ca.pem
)");
    QStringList warnings;
    const QList<CloudProfile> clouds = loadClouds(m_env, &warnings);
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join('\n')));
    QCOMPARE(clouds.size(), 3);
    const CloudProfile a = findCloud("appcred", m_env);
    QCOMPARE(a.auth.type, AuthType::ApplicationCredential);
    QCOMPARE(a.auth.applicationCredentialId, QString("0123abcd"));
    QCOMPARE(a.secret(), QString("topsecret"));
    QCOMPARE(a.regionName, QString("North"));
    QCOMPARE(a.interface, QString("internal"));
    QCOMPARE(a.caCertFile, QString("/etc/ssl/cloud-ca.pem"));
    QVERIFY(!a.insecure);
    QCOMPARE(a.endpointOverride, QString("https://cinder.example/v3/$(project_id)s"));
    QVERIFY(a.secretInKeyring);
    QCOMPARE(a.auth.applicationCredentialExpiresAt,
             QDateTime(QDate(2030, 1, 31), QTime(12, 0), QTimeZone::utc()));
    QCOMPARE(a.keyringName(), QString("cloud:appcred"));
    const CloudProfile ids = findCloud("ids", m_env);
    QCOMPARE(ids.auth.userId, QString("u1"));
    QCOMPARE(ids.auth.projectId, QString("p1"));
    QCOMPARE(ids.auth.domainId, QString("d1"));
    QVERIFY(ids.insecure);
    QCOMPARE(ids.interface, QString("public"));
    const CloudProfile path = findCloud("verifyPath", m_env);
    QVERIFY(!path.insecure);
    QCOMPARE(path.caCertFile, QString("/path/to/ca.pem"));
    QCOMPARE(path.auth.projectName, QString("legacy"));
}

void CloudConfigTest::environmentVariablesMakeACloud()
{
    auto env = m_env;
    env.insert("OS_AUTH_URL", "http://127.0.0.1:5000/v3");
    env.insert("OS_USERNAME", "demo");
    env.insert("OS_PASSWORD", "pw");
    env.insert("OS_PROJECT_NAME", "demo");
    env.insert("OS_USER_DOMAIN_NAME", "Default");
    env.insert("OS_PROJECT_DOMAIN_ID", "default");
    env.insert("OS_REGION_NAME", "RegionOne");
    env.insert("OS_INTERFACE", "internal");
    env.insert("OS_CACERT", "/ca.pem");
    env.insert("OS_INSECURE", "true");
    const std::optional<CloudProfile> profile = cloudFromEnvironment(env);
    QVERIFY(profile);
    QCOMPARE(profile->name, QString("envvars"));
    QCOMPARE(profile->origin, QString("environment"));
    QCOMPARE(profile->auth.username, QString("demo"));
    QCOMPARE(profile->auth.password, QString("pw"));
    QCOMPARE(profile->auth.projectDomainId, QString("default"));
    QCOMPARE(profile->interface, QString("internal"));
    QCOMPARE(profile->caCertFile, QString("/ca.pem"));
    QVERIFY(profile->insecure);
    // No file: the environment's cloud is the only one, and the default.
    QCOMPARE(loadClouds(env).size(), 1);
    QCOMPARE(findCloud({}, env).name, QString("envvars"));
    QCOMPARE(findCloud("envvars", env).auth.username, QString("demo"));
    // OS_CLOUD picks a clouds.yaml entry, which fills its missing password from OS_PASSWORD.
    write(m_root + "/cwd/clouds.yaml", AdminEntry);
    env.insert("OS_CLOUD", "admin");
    const CloudProfile chosen = findCloud({}, env);
    QCOMPARE(chosen.name, QString("admin"));
    QCOMPARE(chosen.auth.password, QString("pw"));
    QCOMPARE(loadClouds(env).size(), 2);
    // Application credentials from the environment.
    env = m_env;
    env.insert("OS_AUTH_URL", "http://127.0.0.1:5000/v3");
    env.insert("OS_AUTH_TYPE", "v3applicationcredential");
    env.insert("OS_APPLICATION_CREDENTIAL_ID", "abc");
    env.insert("OS_APPLICATION_CREDENTIAL_SECRET", "sec");
    QCOMPARE(cloudFromEnvironment(env)->auth.type, AuthType::ApplicationCredential);
    QCOMPARE(cloudFromEnvironment(env)->secret(), QString("sec"));
    QVERIFY(!cloudFromEnvironment(m_env));
}

// block_storage_api_version / volume_api_version / OS_VOLUME_API_VERSION cap the
// microversion like the cinder client's --os-volume-api-version; "3" means no cap.
void CloudConfigTest::apiVersionCapIsReadAndWritten()
{
    const QString file = m_root + "/home/.config/openstack/clouds.yaml";
    write(file, AdminEntry + "    block_storage_api_version: 3.8\n"
                             "  plain:\n    auth:\n      auth_url: http://127.0.0.1:5000/v3\n"
                             "    volume_api_version: 3\n"
                             "  bad:\n    auth:\n      auth_url: http://127.0.0.1:5000/v3\n"
                             "    volume_api_version: 2.0\n");
    QCOMPARE(findCloud("admin", m_env).maxMicroversion, 8);
    QCOMPARE(findCloud("plain", m_env).maxMicroversion, -1);
    const QString bad = errorText([&] { findCloud("bad", m_env); });
    QVERIFY2(bad.contains("volume_api_version") && bad.contains("3.40"), qPrintable(bad));

    auto env = m_env;
    env.insert("OS_AUTH_URL", "http://127.0.0.1:5000/v3");
    env.insert("OS_VOLUME_API_VERSION", "3.40");
    QCOMPARE(cloudFromEnvironment(env)->maxMicroversion, 40);
    env.insert("OS_VOLUME_API_VERSION", "3");
    QCOMPARE(cloudFromEnvironment(env)->maxMicroversion, -1);
    env.insert("OS_VOLUME_API_VERSION", "three");
    QVERIFY(errorText([&] { cloudFromEnvironment(env); }).contains("OS_VOLUME_API_VERSION"));

    // written back as the same key, and read again
    CloudProfile profile = findCloud("admin", m_env);
    profile.name = "capped";
    const QString out = m_root + "/written.yaml";
    writeCloudEntry(out, profile);
    QVERIFY(test::readWholeFile(out).contains("block_storage_api_version: 3.8"));
    auto outEnv = m_env;
    outEnv.insert("OS_CLIENT_CONFIG_FILE", out);
    QCOMPARE(findCloud("capped", outEnv).maxMicroversion, 8);
}

void CloudConfigTest::unknownCloudNamesTheKnownOnes()
{
    write(m_root + "/cwd/clouds.yaml", AdminEntry);
    const QString message = errorText([&] { findCloud("nosuch", m_env); });
    QVERIFY2(message.contains("'nosuch'") && message.contains("admin") &&
                 message.contains(m_root + "/cwd/clouds.yaml"),
             qPrintable(message));
    QFile::remove(m_root + "/cwd/clouds.yaml");
    const QString none = errorText([&] { findCloud("nosuch", m_env); });
    QVERIFY2(none.contains("no clouds.yaml was found"), qPrintable(none));
    QVERIFY2(errorText([&] { findCloud({}, m_env); }).contains("OS_CLOUD"),
             qPrintable(errorText([&] { findCloud({}, m_env); })));
}

void CloudConfigTest::malformedFilesGiveSpecificErrors()
{
    const QString file = m_root + "/cwd/clouds.yaml";
    // Not YAML: the file and the line are named.
    write(file, "clouds:\n  admin:\n    auth: {auth_url: [unclosed\n");
    QString message = errorText([&] { loadClouds(m_env); });
    QVERIFY2(message.contains(file) && message.contains("not valid YAML") &&
                 message.contains("line"),
             qPrintable(message));
    // A control character (YAML allows printable ones only): named with its place,
    // also when a NUL hides it from yaml-cpp, which stops reading there.
    write(file, QByteArray("clouds:\n  admin:\n    auth: {auth_url: http://k/v3}\n    x: a\x16"
                           "b\n"));
    message = errorText([&] { loadClouds(m_env); });
    QVERIFY2(message.contains(file) &&
                 message.contains("control character 0x16 (line 4, column 9)"),
             qPrintable(message));
    write(file, QByteArray("clouds:\n  admin:\n    auth: {auth_url: http://k/v3}\n") +
                    QByteArray(3, '\0') + QByteArray("\x16\x16  verify: false\n"));
    message = errorText([&] { loadClouds(m_env); });
    QVERIFY2(message.contains("control character 0x00 (line 4, column 1)"), qPrintable(message));
    // "clouds" is not a mapping.
    write(file, "clouds:\n  - a\n  - b\n");
    message = errorText([&] { loadClouds(m_env); });
    QVERIFY2(message.contains(file) && message.contains("'clouds' must be a mapping"),
             qPrintable(message));
    // The whole document is a list.
    write(file, "- clouds\n");
    message = errorText([&] { loadClouds(m_env); });
    QVERIFY2(message.contains("must be a mapping"), qPrintable(message));
    // One bad entry: skipped with a warning naming the key; the others load, and asking
    // for the bad one says why.
    write(file, AdminEntry + R"(  bad:
    auth:
      - auth_url
  badflag:
    auth: {auth_url: "http://k/v3", username: u}
    verify: maybe-not
    insecure: perhaps
  noauth:
    region_name: X
  ftp:
    auth: {auth_url: "ftp://k/v3"}
  kerberos:
    auth_type: v3kerberos
    auth: {auth_url: "http://k/v3"}
  bellregion:
    auth: {auth_url: "http://k/v3", username: u}
    regions: ["Region\aOne", RegionTwo]
)");
    QStringList warnings;
    const QList<CloudProfile> clouds = loadClouds(m_env, &warnings);
    QCOMPARE(clouds.size(), 1);
    QCOMPARE(clouds.first().name, QString("admin"));
    QCOMPARE(warnings.size(), 6);
    const QString all = warnings.join('\n');
    QVERIFY2(all.contains("clouds.bad.auth must be a mapping"), qPrintable(all));
    QVERIFY2(all.contains("clouds.badflag.insecure must be true or false"), qPrintable(all));
    QVERIFY2(all.contains("clouds.noauth.auth.auth_url is missing"), qPrintable(all));
    QVERIFY2(all.contains("clouds.ftp.auth.auth_url is not an http(s) address"), qPrintable(all));
    QVERIFY2(all.contains("clouds.kerberos.auth_type is 'v3kerberos'"), qPrintable(all));
    QVERIFY2(all.contains("clouds.bellregion.regions[0] contains control characters"),
             qPrintable(all));
    message = errorText([&] { findCloud("bad", m_env); });
    QVERIFY2(message.contains("cloud 'bad' cannot be used") && message.contains(file) &&
                 message.contains("clouds.bad.auth"),
             qPrintable(message));
    QCOMPARE(findCloud("admin", m_env).auth.username, QString("admin"));
}

void CloudConfigTest::aliasBombIsRefused()
{
    // Nine levels of nine aliases: 9^9 values if expanded.
    QByteArray bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
    for (int level = 1; level <= 9; ++level) {
        bomb +=
            QByteArray("a") + QByteArray::number(level) + ": &a" + QByteArray::number(level) + " [";
        for (int i = 0; i < 9; ++i)
            bomb += (i ? ", *a" : "*a") + QByteArray::number(level - 1);
        bomb += "]\n";
    }
    bomb += "clouds: {}\n";
    write(m_root + "/cwd/clouds.yaml", bomb);
    const QString message = errorText([&] { loadClouds(m_env); });
    QVERIFY2(message.contains("too large"), qPrintable(message));
}

void CloudConfigTest::duplicateKeysAreRefused()
{
    // A key twice: the reader took the last, writeCloudEntry edited the first, and the
    // password it meant to remove stayed in the file it wrote (found by fuzz_cloudsyaml).
    const QString file = m_root + "/cwd/clouds.yaml";
    const QByteArray text = R"(clouds:
  lab:
    auth:
      auth_url: http://k:5000/v3
      username: u
      password: first-secret
      project_name: p
      password: second-secret
)";
    write(file, text);
    const QString message = errorText([&] { findCloud("lab", m_env); });
    QVERIFY2(message.contains(file) &&
                 message.contains("'password' appears twice under 'clouds.lab.auth'"),
             qPrintable(message));
    // Writing an entry over such a file is refused and leaves the file as it was.
    CloudProfile profile;
    profile.name = "lab";
    profile.auth.authUrl = "http://k:5000/v3";
    profile.auth.username = "u";
    profile.auth.password = "second-secret";
    QVERIFY(!errorText([&] { writeCloudEntry(file, profile); }).isEmpty());
    QCOMPARE(test::readWholeFile(file), text);
    // A cloud named twice, the same way.
    write(file, AdminEntry + "  admin:\n    auth:\n      auth_url: http://other:5000/v3\n");
    const QString twice = errorText([&] { loadClouds(m_env); });
    QVERIFY2(twice.contains("'admin' appears twice under 'clouds'"), qPrintable(twice));
}

void CloudConfigTest::textThatIsNotUtf8IsRefused()
{
    // "lab\xff" read as "lab\ufffd": writeCloudEntry then added a second entry and the
    // first one kept its password (found by fuzz_cloudsyaml).
    const QString file = m_root + "/cwd/clouds.yaml";
    write(file, "clouds:\n  lab\xff:\n    auth:\n      auth_url: http://k:5000/v3\n"
                "      password: old-secret\n");
    QString message = errorText([&] { loadClouds(m_env); });
    QVERIFY2(message.contains(file) && message.contains("a value under 'clouds' is not UTF-8"),
             qPrintable(message));
    write(file, "clouds:\n  lab:\n    auth:\n      auth_url: http://k:5000/v3\n"
                "      username: caf\xe9\n");
    message = errorText([&] { findCloud("lab", m_env); });
    QVERIFY2(message.contains("a value under 'clouds.lab.auth.username' is not UTF-8"),
             qPrintable(message));
    // UTF-8 itself is read as such.
    write(file, "clouds:\n  lab:\n    auth:\n      auth_url: http://k:5000/v3\n"
                "      username: caf\xc3\xa9\n");
    QCOMPARE(findCloud("lab", m_env).auth.username, QString::fromUtf8("caf\xc3\xa9"));
}

void CloudConfigTest::aliasInsideItsOwnValueIsRefused()
{
    // The anchor names a mapping that holds the alias: an endless tree, which overflowed
    // the stack (found by fuzz_cloudsyaml).
    write(m_root + "/cwd/clouds.yaml", "defaults: &defaults\n"
                                       "  auth_url: http://127.0.0.1:5000/v3\n"
                                       "  loop:\n"
                                       "    auth: *defaults\n"
                                       "clouds: {}\n");
    const QString message = errorText([&] { loadClouds(m_env); });
    QVERIFY2(message.contains("nests values more than 64 levels deep"), qPrintable(message));
}

void CloudConfigTest::writtenEntryKeepsOthersAndNeverTheSecret()
{
    const QString file = m_root + "/home/.config/openstack/clouds.yaml";
    write(file, R"(# the owners file
ansible_setting: keep-me
clouds:
  other:
    auth:
      auth_url: http://other:5000/v3
      username: someone
      password: others-password
    custom_key: [1, 2, 3]
  mine:
    auth:
      auth_url: http://old:5000/v3
      username: old
      password: old-plain-password
    vendor_extra: kept
)");
    CloudProfile profile;
    profile.name = "mine";
    profile.auth.authUrl = "https://new.example:5000/v3";
    profile.auth.username = "alice";
    profile.auth.userDomainName = "Default";
    profile.auth.projectName = "proj";
    profile.auth.projectDomainName = "Default";
    profile.auth.password = "NEVER-IN-THE-FILE";
    profile.regionName = "RegionOne";
    profile.caCertFile = "/ca.pem";
    writeCloudEntry(file, profile);

    const QByteArray text = test::readWholeFile(file);
    QVERIFY2(!text.contains("NEVER-IN-THE-FILE"), text.constData());
    QVERIFY2(!text.contains("old-plain-password"), text.constData());
    QVERIFY(text.contains("others-password")); // not Ember's entry: untouched
    QVERIFY(text.contains("keep-me"));
    QVERIFY(text.contains("vendor_extra"));
    QVERIFY(text.contains("custom_key"));

    QStringList warnings;
    const QList<CloudProfile> clouds = loadClouds(m_env, &warnings);
    QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join('\n')));
    QCOMPARE(clouds.size(), 2);
    const CloudProfile read = findCloud("mine", m_env);
    QCOMPARE(read.auth.authUrl, profile.auth.authUrl);
    QCOMPARE(read.auth.username, QString("alice"));
    QCOMPARE(read.auth.projectName, QString("proj"));
    QCOMPARE(read.regionName, QString("RegionOne"));
    QCOMPARE(read.caCertFile, QString("/ca.pem"));
    QVERIFY(read.secretInKeyring);
    QVERIFY(read.secret().isEmpty());
    QCOMPARE(findCloud("other", m_env).auth.password, QString("others-password"));

    // A new file (and folder) is private to the user.
    const QString fresh = m_root + "/home/new/openstack/clouds.yaml";
    profile.name = "appcred";
    profile.auth = {};
    profile.auth.type = AuthType::ApplicationCredential;
    profile.auth.authUrl = "http://k:5000/v3";
    profile.auth.applicationCredentialId = "abc123";
    profile.auth.applicationCredentialSecret = "APPCRED-SECRET";
    profile.insecure = true;
    writeCloudEntry(fresh, profile);
    const QFileDevice::Permissions permissions = QFile::permissions(fresh);
    QVERIFY(permissions.testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QVERIFY(!(permissions & (QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                             QFileDevice::ReadOther | QFileDevice::WriteOther)));
    const QByteArray freshText = test::readWholeFile(fresh);
    QVERIFY2(!freshText.contains("APPCRED-SECRET"), freshText.constData());
    QVERIFY(freshText.contains("ember_secret_in_keyring: true"));
    QVERIFY(freshText.contains("v3applicationcredential"));
    auto env = m_env;
    env.insert("OS_CLIENT_CONFIG_FILE", fresh);
    const CloudProfile again = findCloud("appcred", env);
    QCOMPARE(again.auth.type, AuthType::ApplicationCredential);
    QCOMPARE(again.auth.applicationCredentialId, QString("abc123"));
    QVERIFY(again.insecure);

    // A malformed file is not overwritten.
    write(file, "clouds: [broken\n");
    QVERIFY(errorText([&] { writeCloudEntry(file, profile); }).contains("not valid YAML"));
    QCOMPARE(test::readWholeFile(file), QByteArray("clouds: [broken\n"));
}

void CloudConfigTest::volumeParsesWhatThePanelsShow()
{
    const CloudVolume volume = parseVolume(json(R"({
        "id": "0a1b2c3d-0000-4000-8000-00000000000a", "name": "data", "description": null,
        "os-vol-tenant-attr:tenant_id": "79ddbd034aeb45ecb286d5d52fc97f23",
        "status": "in-use", "size": 10, "volume_type": "__DEFAULT__",
        "availability_zone": "nova", "bootable": "true",
        "attachments": [{"server_id": "5f1e2c3d-0000-4000-8000-00000000000b",
                         "attachment_id": "x", "host_name": null}],
        "created_at": "2026-12-06T23:10:00.000000", "extra": {"ignored": [1]}})"));
    QCOMPARE(volume.id, QString("0a1b2c3d-0000-4000-8000-00000000000a"));
    QCOMPARE(volume.projectId, QString("79ddbd034aeb45ecb286d5d52fc97f23"));
    QCOMPARE(volume.sizeGiB, 10);
    QVERIFY(volume.bootable);
    QCOMPARE(volume.attachedTo, QStringList{"5f1e2c3d-0000-4000-8000-00000000000b"});
    QCOMPARE(volume.volumeType, QString("__DEFAULT__"));
    QCOMPARE(volume.createdAt, QDateTime(QDate(2026, 12, 6), QTime(23, 10), QTimeZone::utc()));
    QVERIFY(!parseVolume(json(R"({"id": "0a1b2c3d-0000-4000-8000-00000000000a",
                                   "status": "available", "bootable": "false"})"))
                 .bootable);
}

void CloudConfigTest::backupParsesWhatThePanelsShow()
{
    const CloudBackup backup = parseBackup(json(R"({
        "id": "0a1b2c3d-0000-4000-8000-0000000000b1", "name": "nightly",
        "description": "d", "volume_id": "0a1b2c3d-0000-4000-8000-00000000000a",
        "snapshot_id": null, "os-backup-project-attr:project_id": "abc",
        "user_id": "u-1", "status": "error", "fail_reason": "disk full",
        "container": "volumebackups", "availability_zone": "nova", "size": 1,
        "object_count": 22, "is_incremental": true, "has_dependent_backups": false,
        "created_at": "2026-12-06T23:10:00.000000", "updated_at": "2026-12-06T23:11:00",
        "data_timestamp": "2026-12-06T23:10:00.000000",
        "metadata": {"k": "v"}})"));
    QCOMPARE(backup.status, QString("error"));
    QCOMPARE(backup.failReason, QString("disk full"));
    QCOMPARE(backup.objectCount, 22);
    QVERIFY(backup.isIncremental);
    QVERIFY(!backup.hasDependentBackups);
    QCOMPARE(backup.projectId, QString("abc"));
    QCOMPARE(backup.metadata.value("k"), QString("v"));
    QVERIFY(backup.dataTimestamp.isValid());
}

void CloudConfigTest::hostileJsonIsRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    const QByteArray id = R"("id": "0a1b2c3d-0000-4000-8000-0000000000b1")";
    const QByteArray volume = R"("volume_id": "0a1b2c3d-0000-4000-8000-00000000000a")";
    const QByteArray ok = id + ", " + volume + R"(, "status": "available")";
    QTest::newRow("no id") << QByteArray("{" + volume + R"(, "status": "available"})");
    QTest::newRow("path in id") << QByteArray(R"({"id": "../../etc/passwd", )" + volume +
                                              R"(, "status": "available"})");
    QTest::newRow("upper-case id")
        << QByteArray(R"({"id": "0A1B2C3D-0000-4000-8000-0000000000B1", )" + volume +
                      R"(, "status": "available"})");
    QTest::newRow("id is a number") << QByteArray(R"({"id": 5, )" + volume + "}");
    QTest::newRow("no status") << QByteArray("{" + id + ", " + volume + "}");
    QTest::newRow("status is a list")
        << QByteArray("{" + id + ", " + volume + R"(, "status": ["available"]})");
    QTest::newRow("size is text") << QByteArray("{" + ok + R"(, "size": "10"})");
    QTest::newRow("size negative") << QByteArray("{" + ok + R"(, "size": -1})");
    QTest::newRow("size fractional") << QByteArray("{" + ok + R"(, "size": 1.5})");
    QTest::newRow("size huge") << QByteArray("{" + ok + R"(, "size": 1e300})");
    QTest::newRow("object count huge") << QByteArray("{" + ok + R"(, "object_count": 9e18})");
    QTest::newRow("incremental is maybe")
        << QByteArray("{" + ok + R"(, "is_incremental": "maybe"})");
    QTest::newRow("date is garbage") << QByteArray("{" + ok + R"(, "created_at": "yesterday"})");
    QTest::newRow("metadata nested") << QByteArray("{" + ok + R"(, "metadata": {"a": {"b": 1}}})");
    QTest::newRow("metadata a list") << QByteArray("{" + ok + R"(, "metadata": ["a"]})");
    QTest::newRow("control characters") << QByteArray("{" + ok + R"(, "name": "a\u001b[31mred"})");
    QTest::newRow("name too long")
        << QByteArray("{" + ok + ", \"name\": \"" + QByteArray(100000, 'n') + "\"}");
    QTest::newRow("project id with slash")
        << QByteArray("{" + ok + R"(, "os-backup-project-attr:project_id": "a/../b"})");
    QTest::newRow("snapshot not a uuid") << QByteArray("{" + ok + R"(, "snapshot_id": "snap"})");
    QTest::newRow("volume id missing") << QByteArray("{" + id + R"(, "status": "available"})");
}

void CloudConfigTest::hostileJsonIsRefused()
{
    QFETCH(QByteArray, body);
    const QJsonObject object = json(body);
    QCOMPARE(cloudErrorKind([&] { parseBackup(object); }), CloudErrorKind::BadResponse);
}

void CloudConfigTest::hostileVolumeFieldsAreRefused()
{
    const QByteArray ok = R"("id": "0a1b2c3d-0000-4000-8000-00000000000a", "status": "available")";
    for (const QByteArray& extra :
         {QByteArray(R"("size": "10")"), QByteArray(R"("size": -3)"),
          QByteArray(R"("name": "\u0007bell")"), QByteArray(R"("created_at": "soon")"),
          QByteArray(R"("attachments": {"server_id": "x"})"),
          QByteArray(R"("attachments": ["server"])"), QByteArray(R"("bootable": "yes")"),
          QByteArray(R"("os-vol-tenant-attr:tenant_id": "a b")")}) {
        const QByteArray text = "{" + ok + ", " + extra + "}";
        const QJsonObject object = json(text);
        QVERIFY2(cloudErrorKind([&] { parseVolume(object); }) == CloudErrorKind::BadResponse,
                 text.constData());
    }
}

void CloudConfigTest::errorBodiesGiveCindersMessage()
{
    const QByteArray badRequest = "{\"badRequest\": {\"message\": \"Incremental backups "
                                  "exist for this backup.\", \"code\": 400}}";
    QCOMPARE(detail::errorMessage(badRequest),
             QString("Incremental backups exist for this backup."));
    const QByteArray keystone = "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", "
                                "\"message\": \"The request you have made requires "
                                "authentication.\"}}";
    QCOMPARE(detail::errorMessage(keystone),
             QString("The request you have made requires authentication."));
    // Control characters from the server do not reach a terminal.
    const QByteArray forbidden = "{\"forbidden\": {\"message\": \"Policy doesn\x27t allow "
                                 "backup:export-import to be performed.\\u001b[2J\", "
                                 "\"code\": 403}}";
    QCOMPARE(detail::errorMessage(forbidden),
             QString("Policy doesn\x27t allow backup:export-import to be performed.[2J"));
    QCOMPARE(detail::errorMessage("<html>502 Bad Gateway</html>"), QString());
    QCOMPARE(detail::errorMessage("{\"badRequest\": \"text\"}"), QString());
}

void CloudConfigTest::catalogEndpointIsAPlainAddress()
{
    const auto catalog = [](const QString& url) {
        return QJsonArray{
            QJsonObject{{"type", "block-storage"},
                        {"endpoints",
                         QJsonArray{QJsonObject{
                             {"interface", "public"}, {"region_id", "RegionOne"}, {"url", url}}}}}};
    };
    const auto lookUp = [&](const QString& url) {
        return endpointFromCatalog(catalog(url), {"block-storage"}, "public", "RegionOne", "c");
    };
    QCOMPARE(lookUp("http://127.0.0.1:8776/v3/0c8f2b7a"),
             QString("http://127.0.0.1:8776/v3/0c8f2b7a"));
    // Request paths are appended to the endpoint: a fragment or query swallowed them,
    // and a NUL cut the URL short (found by fuzz_keystonetoken).
    for (const QString& bad :
         {QString("http://127.0.#0.1:8776/v3/p"), QString("http://k:8776/v3/p?x=1"),
          QString::fromUtf8("http://k:8776/v3/a b"), QString("http://k:8776/v3/p") + QChar(0) + "x",
          QString::fromUtf16(u"http://k:8776/v3/p\u00a0")}) {
        const auto kind = cloudErrorKind([&] { lookUp(bad); });
        QVERIFY2(kind == CloudErrorKind::BadResponse, qPrintable(bad));
    }
}

QTEST_GUILESS_MAIN(CloudConfigTest)
#include "tst_cloudconfig.moc"
