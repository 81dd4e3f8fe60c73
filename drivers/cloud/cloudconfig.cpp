#include "cloudconfig.h"

#include <QRegularExpression>

#include "records.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QSaveFile>
#include <QStringDecoder>
#include <QUrl>
#include <QVariant>
#include <yaml-cpp/yaml.h>

namespace ember::cloud {

namespace {

// "3", "3.40" (or 3 / 3.4 as YAML numbers, read as text): the microversion cap, -1 for none.
// Returns -2 for text that is not a v3 version.
int parseApiVersionCap(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed == QLatin1String("3") || trimmed == QLatin1String("3.latest"))
        return -1;
    static const QRegularExpression pattern(QStringLiteral("^3\\.(\\d{1,3})$"));
    const QRegularExpressionMatch match = pattern.match(trimmed);
    return match.hasMatch() ? match.captured(1).toInt() : -2;
}

// clouds.yaml files are small; a bigger one is not a configuration file.
constexpr qint64 MaxConfigFileBytes = 4 * 1024 * 1024;
// Aliases let a small file describe a huge tree ("billion laughs"); the tree is
// converted node by node and stops here.
constexpr int MaxConfigNodes = 200000;
// An alias inside the node it names makes a cycle; a real clouds.yaml nests a few levels.
constexpr int MaxConfigDepth = 64;

using Environment = QHash<QString, QString>;

Environment effectiveEnvironment(const Environment& environment)
{
    if (!environment.isEmpty())
        return environment;
    Environment result;
    const QProcessEnvironment process = QProcessEnvironment::systemEnvironment();
    for (const QString& key : process.keys())
        result.insert(key, process.value(key));
    return result;
}

// The folders openstacksdk searches, in its order: ./, the user's config folder
// (XDG_CONFIG_HOME or ~/.config)/openstack, /etc/openstack.
QStringList searchFolders(const Environment& environment)
{
    QStringList folders{QDir::currentPath()};
    const QString xdg = environment.value(QStringLiteral("XDG_CONFIG_HOME"));
    const QString home = environment.value(QStringLiteral("HOME"));
    if (!xdg.isEmpty())
        folders << xdg + QStringLiteral("/openstack");
    else if (!home.isEmpty())
        folders << home + QStringLiteral("/.config/openstack");
    folders << QStringLiteral("/etc/openstack");
    return folders;
}

QString firstExisting(const QString& explicitFile, const QStringList& folders,
                      const QString& baseName)
{
    if (!explicitFile.isEmpty() && QFileInfo(explicitFile).isFile())
        return explicitFile;
    for (const QString& folder : folders) {
        for (const char* suffix : {".yaml", ".yml", ".json"}) {
            const QString candidate = folder + QLatin1Char('/') + baseName + QLatin1String(suffix);
            if (QFileInfo(candidate).isFile())
                return candidate;
        }
    }
    return {};
}

// A YAML document as plain values: QVariantMap, QVariantList, QString (scalars) or
// an invalid QVariant (null). Checked by the readers below.
struct TreeBuilder
{
    QString file;
    int nodes = 0;

    QVariant convert(const YAML::Node& node, const QString& where, int depth = 0)
    {
        if (++nodes > MaxConfigNodes)
            throw Error(QStringLiteral("%1 is too large or nests aliases too deeply (more than %2 "
                                       "values); it is not read")
                            .arg(file)
                            .arg(MaxConfigNodes));
        if (depth > MaxConfigDepth)
            throw Error(QStringLiteral("%1 nests values more than %2 levels deep (or an alias "
                                       "refers to a value that holds it); it is not read")
                            .arg(file)
                            .arg(MaxConfigDepth));
        switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return {};
        case YAML::NodeType::Scalar:
            return text(node.Scalar(), where);
        case YAML::NodeType::Sequence: {
            QVariantList list;
            for (const YAML::Node& item : node)
                list << convert(item, where + QStringLiteral("[]"), depth + 1);
            return list;
        }
        case YAML::NodeType::Map: {
            QVariantMap map;
            for (const auto& item : node) {
                if (!item.first.IsScalar())
                    throw Error(QStringLiteral("%1: a key under '%2' is not a plain name")
                                    .arg(file, where.isEmpty() ? QStringLiteral("(top)") : where));
                const QString key = text(item.first.Scalar(), where);
                // YAML forbids a key twice; yaml-cpp keeps both, and an edit by
                // writeCloudEntry would change one while the reader takes the other
                // (a password would stay in the file).
                if (map.contains(key))
                    throw Error(
                        QStringLiteral("%1: '%2' appears twice under '%3'")
                            .arg(file, key, where.isEmpty() ? QStringLiteral("(top)") : where));
                map.insert(key, convert(item.second, where.isEmpty() ? key : where + '.' + key,
                                        depth + 1));
            }
            return map;
        }
        }
        return {};
    }

    // yaml-cpp passes bytes that are not UTF-8 through. Decoded, they become U+FFFD: two
    // keys would read as one, and writeCloudEntry would add an entry next to the old one.
    QString text(const std::string& bytes, const QString& where) const
    {
        // Stateless: a sequence cut off at the end is an error too, not state for later.
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless |
                                                         QStringDecoder::Flag::ConvertInitialBom);
        QString result = decoder(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
        if (decoder.hasError())
            throw Error(QStringLiteral("%1: a value under '%2' is not UTF-8 text")
                            .arg(file, where.isEmpty() ? QStringLiteral("(top)") : where));
        return result;
    }
};

QByteArray readConfigFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > MaxConfigFileBytes)
        throw Error(QStringLiteral("%1 is larger than %2 MiB; it is not an OpenStack client "
                                   "configuration file")
                        .arg(path)
                        .arg(MaxConfigFileBytes / (1024 * 1024)));
    return file.readAll();
}

// The document of a clouds.yaml or secure.yaml text; `path` names it in messages.
QVariantMap readYamlText(const QByteArray& bytes, const QString& path)
{
    if (bytes.size() > MaxConfigFileBytes)
        throw Error(QStringLiteral("%1 is larger than %2 MiB; it is not an OpenStack client "
                                   "configuration file")
                        .arg(path)
                        .arg(MaxConfigFileBytes / (1024 * 1024)));
    // YAML allows printable characters only (tab, line breaks and no other
    // C0 control, no DEL). yaml-cpp reads some of them anyway, and writes
    // such a value back in a form it cannot read: an entry written over the
    // file would break it.
    qsizetype line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const uchar byte = uchar(bytes[i]);
        if (byte == '\n') {
            ++line;
            lineStart = i + 1;
        } else if ((byte < 0x20 && byte != '\t' && byte != '\r') || byte == 0x7f) {
            throw Error(QStringLiteral("%1 is not valid YAML: control character 0x%2 (line %3, "
                                       "column %4); YAML allows printable characters only")
                            .arg(path)
                            .arg(uint(byte), 2, 16, QLatin1Char('0'))
                            .arg(line)
                            .arg(i - lineStart + 1));
        }
    }
    YAML::Node root;
    try {
        root = YAML::Load(bytes.toStdString());
    } catch (const YAML::Exception& error) {
        throw Error(QStringLiteral("%1 is not valid YAML: %2 (line %3, column %4)")
                        .arg(path, QString::fromStdString(error.msg))
                        .arg(error.mark.line + 1)
                        .arg(error.mark.column + 1));
    }
    if (root.IsNull())
        return {};
    if (!root.IsMap())
        throw Error(QStringLiteral("%1 must be a mapping with a 'clouds' key").arg(path));
    TreeBuilder builder{path};
    QVariantMap tree = builder.convert(root, {}).toMap();
    const QVariant clouds = tree.value(QStringLiteral("clouds"));
    if (clouds.isValid() && clouds.typeId() != QMetaType::QVariantMap)
        throw Error(QStringLiteral("%1: 'clouds' must be a mapping of cloud names to their "
                                   "settings")
                        .arg(path));
    return tree;
}

QVariantMap readYamlFile(const QString& path)
{
    return readYamlText(readConfigFile(path), path);
}

// secure.yaml values win over clouds.yaml's, key by key (openstacksdk merges the same way).
QVariantMap mergeMaps(QVariantMap base, const QVariantMap& over)
{
    for (auto it = over.begin(); it != over.end(); ++it) {
        const QVariant existing = base.value(it.key());
        if (existing.typeId() == QMetaType::QVariantMap &&
            it.value().typeId() == QMetaType::QVariantMap)
            base.insert(it.key(), mergeMaps(existing.toMap(), it.value().toMap()));
        else
            base.insert(it.key(), it.value());
    }
    return base;
}

// Reads typed values of one entry, naming file and key on a type error.
class EntryReader
{
public:
    EntryReader(QString file, QString prefix) : m_file(std::move(file)), m_prefix(std::move(prefix))
    {
    }

    QString text(const QVariantMap& map, const QString& key, const QString& path) const
    {
        return text(map.value(key), path + key);
    }

    // A value at `where` (a key path such as "regions[0]"), or "" when there is none.
    QString text(const QVariant& value, const QString& where) const
    {
        if (!value.isValid())
            return {};
        if (value.typeId() != QMetaType::QString)
            fail(where, QStringLiteral("must be a text value"));
        const QString text = value.toString();
        for (const QChar c : text)
            if (c.unicode() < 0x20)
                fail(where, QStringLiteral("contains control characters"));
        return text;
    }

    std::optional<bool> flag(const QVariantMap& map, const QString& key, const QString& path) const
    {
        const QVariant value = map.value(key);
        if (!value.isValid())
            return std::nullopt;
        if (value.typeId() != QMetaType::QString)
            fail(path + key, QStringLiteral("must be true or false"));
        const QString word = value.toString().toLower();
        if (word == QLatin1String("true") || word == QLatin1String("yes") ||
            word == QLatin1String("on") || word == QLatin1String("1"))
            return true;
        if (word == QLatin1String("false") || word == QLatin1String("no") ||
            word == QLatin1String("off") || word == QLatin1String("0"))
            return false;
        return std::nullopt; // not a flag: the caller may accept other words (verify: path)
    }

    QVariantMap map(const QVariantMap& parent, const QString& key, const QString& path) const
    {
        const QVariant value = parent.value(key);
        if (!value.isValid())
            return {};
        if (value.typeId() != QMetaType::QVariantMap)
            fail(path + key, QStringLiteral("must be a mapping"));
        return value.toMap();
    }

    [[noreturn]] void fail(const QString& key, const QString& what) const
    {
        throw Error(QStringLiteral("%1: %2%3 %4").arg(m_file, m_prefix, key, what));
    }

private:
    QString m_file;
    QString m_prefix;
};

QString normalisedAuthUrl(const QString& url)
{
    return url.trimmed();
}

CloudProfile profileFromEntry(const QString& name, const QVariant& entryValue,
                              const QString& origin)
{
    const QString prefix = QStringLiteral("clouds.%1.").arg(name);
    const EntryReader reader(origin, prefix);
    if (entryValue.typeId() != QMetaType::QVariantMap)
        throw Error(
            QStringLiteral("%1: clouds.%2 must be a mapping of settings").arg(origin, name));
    const QVariantMap entry = entryValue.toMap();
    const QVariantMap auth = reader.map(entry, QStringLiteral("auth"), {});
    const QString a = QStringLiteral("auth.");

    CloudProfile profile;
    profile.name = name;
    profile.origin = origin;
    CloudAuth& credentials = profile.auth;
    credentials.authUrl = normalisedAuthUrl(reader.text(auth, QStringLiteral("auth_url"), a));
    credentials.username = reader.text(auth, QStringLiteral("username"), a);
    credentials.userId = reader.text(auth, QStringLiteral("user_id"), a);
    credentials.userDomainName = reader.text(auth, QStringLiteral("user_domain_name"), a);
    credentials.userDomainId = reader.text(auth, QStringLiteral("user_domain_id"), a);
    credentials.password = reader.text(auth, QStringLiteral("password"), a);
    credentials.projectName = reader.text(auth, QStringLiteral("project_name"), a);
    if (credentials.projectName.isEmpty())
        credentials.projectName = reader.text(auth, QStringLiteral("tenant_name"), a);
    credentials.projectId = reader.text(auth, QStringLiteral("project_id"), a);
    if (credentials.projectId.isEmpty())
        credentials.projectId = reader.text(auth, QStringLiteral("tenant_id"), a);
    credentials.projectDomainName = reader.text(auth, QStringLiteral("project_domain_name"), a);
    credentials.projectDomainId = reader.text(auth, QStringLiteral("project_domain_id"), a);
    credentials.domainName = reader.text(auth, QStringLiteral("domain_name"), a);
    credentials.domainId = reader.text(auth, QStringLiteral("domain_id"), a);
    credentials.applicationCredentialId =
        reader.text(auth, QStringLiteral("application_credential_id"), a);
    credentials.applicationCredentialName =
        reader.text(auth, QStringLiteral("application_credential_name"), a);
    credentials.applicationCredentialSecret =
        reader.text(auth, QStringLiteral("application_credential_secret"), a);

    const QString authType = reader.text(entry, QStringLiteral("auth_type"), {});
    if (authType.isEmpty()) {
        credentials.type = credentials.applicationCredentialId.isEmpty() &&
                                   credentials.applicationCredentialName.isEmpty()
                               ? AuthType::Password
                               : AuthType::ApplicationCredential;
    } else if (authType == QLatin1String("password") || authType == QLatin1String("v3password")) {
        credentials.type = AuthType::Password;
    } else if (authType == QLatin1String("v3applicationcredential") ||
               authType == QLatin1String("applicationcredential")) {
        credentials.type = AuthType::ApplicationCredential;
    } else {
        reader.fail(QStringLiteral("auth_type"),
                    QStringLiteral("is '%1'; Ember supports password, v3password and "
                                   "v3applicationcredential")
                        .arg(authType));
    }

    const QString identityVersion = reader.text(entry, QStringLiteral("identity_api_version"), {});
    if (!identityVersion.isEmpty() && !identityVersion.startsWith(QLatin1Char('3')))
        reader.fail(QStringLiteral("identity_api_version"),
                    QStringLiteral("is %1; Ember speaks Keystone v3 only").arg(identityVersion));

    profile.regionName = reader.text(entry, QStringLiteral("region_name"), {});
    if (profile.regionName.isEmpty()) {
        // "regions: [RegionOne, ...]" or "regions: [{name: RegionOne}]": the first one.
        const QVariant regions = entry.value(QStringLiteral("regions"));
        if (regions.typeId() == QMetaType::QVariantList && !regions.toList().isEmpty()) {
            const QVariant first = regions.toList().first();
            if (first.typeId() == QMetaType::QString)
                profile.regionName = reader.text(first, QStringLiteral("regions[0]"));
            else if (first.typeId() == QMetaType::QVariantMap)
                profile.regionName = reader.text(first.toMap(), QStringLiteral("name"),
                                                 QStringLiteral("regions[0]."));
        }
    }
    QString interface = reader.text(entry, QStringLiteral("interface"), {});
    if (interface.isEmpty())
        interface = reader.text(entry, QStringLiteral("endpoint_type"), {});
    if (interface.endsWith(QLatin1String("URL"))) // legacy publicURL / internalURL
        interface.chop(3);
    if (!interface.isEmpty()) {
        if (interface != QLatin1String("public") && interface != QLatin1String("internal") &&
            interface != QLatin1String("admin"))
            reader.fail(QStringLiteral("interface"),
                        QStringLiteral("is '%1'; use public, internal or admin").arg(interface));
        profile.interface = interface;
    }
    profile.caCertFile = reader.text(entry, QStringLiteral("cacert"), {});
    if (const std::optional<bool> verify = reader.flag(entry, QStringLiteral("verify"), {})) {
        profile.insecure = !*verify;
    } else if (entry.contains(QStringLiteral("verify"))) {
        // requests' convention: verify may name the CA bundle itself.
        const QString caFile = reader.text(entry, QStringLiteral("verify"), {});
        if (profile.caCertFile.isEmpty())
            profile.caCertFile = caFile;
    }
    if (const std::optional<bool> insecure = reader.flag(entry, QStringLiteral("insecure"), {}))
        profile.insecure = *insecure;
    else if (entry.contains(QStringLiteral("insecure")))
        reader.fail(QStringLiteral("insecure"), QStringLiteral("must be true or false"));
    profile.endpointOverride =
        reader.text(entry, QStringLiteral("block_storage_endpoint_override"), {});
    if (profile.endpointOverride.isEmpty())
        profile.endpointOverride =
            reader.text(entry, QStringLiteral("volume_endpoint_override"), {});
    for (const QString& key :
         {QStringLiteral("block_storage_api_version"), QStringLiteral("volume_api_version")}) {
        if (!entry.contains(key))
            continue;
        const int cap = parseApiVersionCap(reader.text(entry, key, {}));
        if (cap == -2)
            reader.fail(key, QStringLiteral("is not a Block Storage API version like 3 or 3.40"));
        profile.maxMicroversion = cap;
        break;
    }
    if (const std::optional<bool> inKeyring =
            reader.flag(entry, QStringLiteral("ember_secret_in_keyring"), {}))
        profile.secretInKeyring = *inKeyring;
    const QString expiry =
        reader.text(entry, QStringLiteral("ember_application_credential_expires_at"), {});
    if (!expiry.isEmpty()) {
        credentials.applicationCredentialExpiresAt = parseCinderTime(expiry);
        if (!credentials.applicationCredentialExpiresAt.isValid())
            reader.fail(QStringLiteral("ember_application_credential_expires_at"),
                        QStringLiteral("is not a date and time like 2030-01-31T12:00:00Z"));
    }

    if (credentials.authUrl.isEmpty())
        reader.fail(QStringLiteral("auth.auth_url"),
                    QStringLiteral("is missing (Ember does not read vendor profiles)"));
    const QUrl url(credentials.authUrl);
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty())
        reader.fail(QStringLiteral("auth.auth_url"), QStringLiteral("is not an http(s) address"));
    return profile;
}

struct ParsedFiles
{
    QStringList names; // file order
    QHash<QString, CloudProfile> profiles;
    QHash<QString, QString> errors; // name -> why the entry is unusable
};

// The texts of clouds.yaml and secure.yaml; an empty origin: no such file.
ParsedFiles parseTexts(const QByteArray& cloudsText, const QString& cloudsOrigin,
                       const QByteArray& secureText, const QString& secureOrigin)
{
    ParsedFiles parsed;
    QVariantMap clouds;
    QHash<QString, QString> originOf;
    if (!cloudsOrigin.isEmpty()) {
        clouds = readYamlText(cloudsText, cloudsOrigin).value(QStringLiteral("clouds")).toMap();
        for (auto it = clouds.begin(); it != clouds.end(); ++it)
            originOf.insert(it.key(), cloudsOrigin);
    }
    if (!secureOrigin.isEmpty()) {
        const QVariantMap secure =
            readYamlText(secureText, secureOrigin).value(QStringLiteral("clouds")).toMap();
        for (auto it = secure.begin(); it != secure.end(); ++it) {
            const QVariant base = clouds.value(it.key());
            if (base.typeId() == QMetaType::QVariantMap &&
                it.value().typeId() == QMetaType::QVariantMap)
                clouds.insert(it.key(), mergeMaps(base.toMap(), it.value().toMap()));
            else if (!base.isValid())
                clouds.insert(it.key(), it.value());
            if (!originOf.contains(it.key()))
                originOf.insert(it.key(), secureOrigin);
        }
    }
    for (auto it = clouds.begin(); it != clouds.end(); ++it) {
        parsed.names << it.key();
        try {
            parsed.profiles.insert(
                it.key(), profileFromEntry(it.key(), it.value(), originOf.value(it.key())));
        } catch (const Error& error) {
            parsed.errors.insert(it.key(), error.message());
        }
    }
    return parsed;
}

ParsedFiles parseFiles(const CloudConfigFiles& files)
{
    const QByteArray clouds =
        files.cloudsFile.isEmpty() ? QByteArray() : readConfigFile(files.cloudsFile);
    const QByteArray secure =
        files.secureFile.isEmpty() ? QByteArray() : readConfigFile(files.secureFile);
    return parseTexts(clouds, files.cloudsFile, secure, files.secureFile);
}

} // namespace

QList<CloudProfile> parseCloudsYaml(const QByteArray& cloudsText, const QString& cloudsOrigin,
                                    const QByteArray& secureText, const QString& secureOrigin,
                                    QStringList* warnings)
{
    const ParsedFiles parsed = parseTexts(cloudsText, cloudsOrigin, secureText, secureOrigin);
    QList<CloudProfile> clouds;
    for (const QString& name : parsed.names) {
        if (parsed.profiles.contains(name))
            clouds << parsed.profiles.value(name);
        else if (warnings)
            *warnings
                << QStringLiteral("cloud '%1' skipped: %2").arg(name, parsed.errors.value(name));
    }
    return clouds;
}

QString CloudProfile::secret() const
{
    return auth.type == AuthType::Password ? auth.password : auth.applicationCredentialSecret;
}

void CloudProfile::setSecret(const QString& value)
{
    if (auth.type == AuthType::Password)
        auth.password = value;
    else
        auth.applicationCredentialSecret = value;
}

CloudConfigFiles findCloudConfigFiles(const QHash<QString, QString>& environmentIn)
{
    const Environment environment = effectiveEnvironment(environmentIn);
    const QStringList folders = searchFolders(environment);
    CloudConfigFiles files;
    files.cloudsFile = firstExisting(environment.value(QStringLiteral("OS_CLIENT_CONFIG_FILE")),
                                     folders, QStringLiteral("clouds"));
    files.secureFile = firstExisting(environment.value(QStringLiteral("OS_CLIENT_SECURE_FILE")),
                                     folders, QStringLiteral("secure"));
    return files;
}

std::optional<CloudProfile> cloudFromEnvironment(const QHash<QString, QString>& environmentIn)
{
    const Environment environment = effectiveEnvironment(environmentIn);
    const auto value = [&](const char* key) {
        return environment.value(QString::fromLatin1(key)).trimmed();
    };
    if (value("OS_AUTH_URL").isEmpty())
        return std::nullopt;
    CloudProfile profile;
    profile.name =
        value("OS_CLOUD_NAME").isEmpty() ? QStringLiteral("envvars") : value("OS_CLOUD_NAME");
    profile.origin = QStringLiteral("environment");
    CloudAuth& auth = profile.auth;
    auth.authUrl = value("OS_AUTH_URL");
    auth.username = value("OS_USERNAME");
    auth.userId = value("OS_USER_ID");
    auth.userDomainName = value("OS_USER_DOMAIN_NAME");
    auth.userDomainId = value("OS_USER_DOMAIN_ID");
    auth.password = environment.value(QStringLiteral("OS_PASSWORD"));
    auth.projectName = value("OS_PROJECT_NAME");
    if (auth.projectName.isEmpty())
        auth.projectName = value("OS_TENANT_NAME");
    auth.projectId = value("OS_PROJECT_ID");
    if (auth.projectId.isEmpty())
        auth.projectId = value("OS_TENANT_ID");
    auth.projectDomainName = value("OS_PROJECT_DOMAIN_NAME");
    auth.projectDomainId = value("OS_PROJECT_DOMAIN_ID");
    auth.domainName = value("OS_DOMAIN_NAME");
    auth.domainId = value("OS_DOMAIN_ID");
    auth.applicationCredentialId = value("OS_APPLICATION_CREDENTIAL_ID");
    auth.applicationCredentialName = value("OS_APPLICATION_CREDENTIAL_NAME");
    auth.applicationCredentialSecret =
        environment.value(QStringLiteral("OS_APPLICATION_CREDENTIAL_SECRET"));
    const QString authType = value("OS_AUTH_TYPE");
    if (authType == QLatin1String("v3applicationcredential") ||
        (authType.isEmpty() &&
         (!auth.applicationCredentialId.isEmpty() || !auth.applicationCredentialName.isEmpty())))
        auth.type = AuthType::ApplicationCredential;
    profile.regionName = value("OS_REGION_NAME");
    QString interface = value("OS_INTERFACE");
    if (interface.isEmpty())
        interface = value("OS_ENDPOINT_TYPE");
    if (interface.endsWith(QLatin1String("URL")))
        interface.chop(3);
    if (!interface.isEmpty())
        profile.interface = interface;
    profile.caCertFile = value("OS_CACERT");
    const QString insecure = value("OS_INSECURE").toLower();
    profile.insecure = insecure == QLatin1String("true") || insecure == QLatin1String("1") ||
                       insecure == QLatin1String("yes");
    profile.endpointOverride = value("OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE");
    const int cap = parseApiVersionCap(value("OS_VOLUME_API_VERSION"));
    if (cap == -2)
        throw Error(QStringLiteral("OS_VOLUME_API_VERSION is '%1'; use a Block Storage API "
                                   "version like 3 or 3.40.")
                        .arg(value("OS_VOLUME_API_VERSION").left(40)));
    profile.maxMicroversion = cap;
    return profile;
}

QList<CloudProfile> loadClouds(const QHash<QString, QString>& environmentIn, QStringList* warnings)
{
    const Environment environment = effectiveEnvironment(environmentIn);
    const ParsedFiles parsed = parseFiles(findCloudConfigFiles(environment));
    QList<CloudProfile> clouds;
    for (const QString& name : parsed.names) {
        if (parsed.profiles.contains(name))
            clouds << parsed.profiles.value(name);
        else if (warnings)
            *warnings
                << QStringLiteral("cloud '%1' skipped: %2").arg(name, parsed.errors.value(name));
    }
    if (std::optional<CloudProfile> fromEnvironment = cloudFromEnvironment(environment)) {
        const auto sameName = [&](const CloudProfile& p) {
            return p.name == fromEnvironment->name;
        };
        if (std::any_of(clouds.cbegin(), clouds.cend(), sameName)) {
            if (warnings)
                *warnings << QStringLiteral(
                                 "the OS_* variables describe a cloud named '%1', "
                                 "like an entry of clouds.yaml; the file's entry is used")
                                 .arg(fromEnvironment->name);
        } else {
            clouds << *fromEnvironment;
        }
    }
    return clouds;
}

CloudProfile findCloud(const QString& nameIn, const QHash<QString, QString>& environmentIn)
{
    const Environment environment = effectiveEnvironment(environmentIn);
    const QString name =
        nameIn.isEmpty() ? environment.value(QStringLiteral("OS_CLOUD")).trimmed() : nameIn;
    const CloudConfigFiles files = findCloudConfigFiles(environment);
    const ParsedFiles parsed = parseFiles(files);
    const std::optional<CloudProfile> fromEnvironment = cloudFromEnvironment(environment);
    if (name.isEmpty()) {
        if (fromEnvironment)
            return *fromEnvironment;
        throw Error(QStringLiteral("no cloud named: give --os-cloud NAME or set OS_CLOUD (or the "
                                   "OS_AUTH_URL, OS_USERNAME... variables)"));
    }
    if (parsed.profiles.contains(name)) {
        CloudProfile profile = parsed.profiles.value(name);
        // OS_* variables fill what the entry leaves out (openstacksdk does the same for
        // the password, which users often keep out of the file).
        if (profile.secret().isEmpty() && fromEnvironment && !profile.secretInKeyring &&
            fromEnvironment->auth.type == profile.auth.type)
            profile.setSecret(fromEnvironment->secret());
        return profile;
    }
    if (parsed.errors.contains(name))
        throw Error(
            QStringLiteral("cloud '%1' cannot be used: %2").arg(name, parsed.errors.value(name)));
    if (fromEnvironment && fromEnvironment->name == name)
        return *fromEnvironment;
    QStringList known = parsed.names;
    if (fromEnvironment)
        known << fromEnvironment->name;
    const QString where = files.cloudsFile.isEmpty()
                              ? QStringLiteral("no clouds.yaml was found (searched "
                                               "OS_CLIENT_CONFIG_FILE, ./, "
                                               "~/.config/openstack/, /etc/openstack/)")
                              : QStringLiteral("read %1").arg(files.cloudsFile);
    throw Error(
        QStringLiteral("there is no cloud named '%1' (%2); known clouds: %3")
            .arg(name, where,
                 known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", "))));
}

QString userCloudsFile()
{
    const QString xdg = qEnvironmentVariable("XDG_CONFIG_HOME");
    const QString base = xdg.isEmpty() ? QDir::homePath() + QStringLiteral("/.config") : xdg;
    return base + QStringLiteral("/openstack/clouds.yaml");
}

void writeCloudEntry(const QString& path, const CloudProfile& profile)
{
    if (profile.name.isEmpty() || profile.name.size() > 255 ||
        std::any_of(profile.name.cbegin(), profile.name.cend(),
                    [](QChar c) { return c.unicode() < 0x20; }))
        throw Error(QStringLiteral("a cloud needs a name of 1 to 255 printable characters"));

    YAML::Node root;
    const bool existed = QFileInfo::exists(path);
    if (existed) {
        // Syntax and size checks first; then edit the document itself so every other
        // entry and key stays as it was (comments are lost: yaml-cpp drops them).
        readYamlFile(path);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        root = YAML::Load(file.readAll().toStdString());
        if (root.IsNull())
            root = YAML::Node(YAML::NodeType::Map);
    }
    YAML::Node clouds = root["clouds"];
    if (!clouds.IsDefined() || clouds.IsNull())
        root["clouds"] = YAML::Node(YAML::NodeType::Map);
    const std::string name = profile.name.toStdString();
    YAML::Node entry = root["clouds"][name];
    if (!entry.IsMap())
        entry = YAML::Node(YAML::NodeType::Map);
    YAML::Node auth = entry["auth"];
    if (!auth.IsMap())
        auth = YAML::Node(YAML::NodeType::Map);

    const auto set = [](YAML::Node node, const char* key, const QString& value) {
        if (value.isEmpty())
            node.remove(key);
        else
            node[key] = value.toStdString();
    };
    const CloudAuth& a = profile.auth;
    set(auth, "auth_url", a.authUrl);
    set(auth, "username", a.username);
    set(auth, "user_id", a.userId);
    set(auth, "user_domain_name", a.userDomainName);
    set(auth, "user_domain_id", a.userDomainId);
    set(auth, "project_name", a.projectName);
    set(auth, "project_id", a.projectId);
    set(auth, "project_domain_name", a.projectDomainName);
    set(auth, "project_domain_id", a.projectDomainId);
    set(auth, "domain_name", a.domainName);
    set(auth, "domain_id", a.domainId);
    set(auth, "application_credential_id", a.applicationCredentialId);
    set(auth, "application_credential_name", a.applicationCredentialName);
    // Secrets live in the keyring; an older plain-text one is taken out of the file.
    auth.remove("password");
    auth.remove("application_credential_secret");
    auth.remove("tenant_name");
    auth.remove("tenant_id");
    entry["auth"] = auth;
    entry["auth_type"] = a.type == AuthType::Password ? std::string("password")
                                                      : std::string("v3applicationcredential");
    entry["identity_api_version"] = 3;
    set(entry, "region_name", profile.regionName);
    set(entry, "interface",
        profile.interface == QLatin1String("public") ? QString() : profile.interface);
    set(entry, "cacert", profile.caCertFile);
    if (profile.insecure)
        entry["verify"] = false;
    else
        entry.remove("verify");
    entry.remove("insecure");
    set(entry, "block_storage_endpoint_override", profile.endpointOverride);
    set(entry, "block_storage_api_version",
        profile.maxMicroversion >= 0 ? QStringLiteral("3.%1").arg(profile.maxMicroversion)
                                     : QString());
    set(entry, "ember_application_credential_expires_at",
        a.applicationCredentialExpiresAt.isValid() ? cinderIsoTime(a.applicationCredentialExpiresAt)
                                                   : QString());
    entry["ember_secret_in_keyring"] = true;
    root["clouds"][name] = entry;

    YAML::Emitter out;
    out << root;
    if (!out.good())
        throw Error(QStringLiteral("cannot write the entry for cloud '%1': %2")
                        .arg(profile.name, QString::fromStdString(out.GetLastError())));

    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        throw Error(QStringLiteral("cannot create the folder %1").arg(info.absolutePath()));
    const QFileDevice::Permissions permissions =
        existed ? QFile::permissions(path) : (QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.setPermissions(permissions);
    file.write(out.c_str(), qint64(out.size()));
    file.write("\n");
    if (!file.commit())
        throw Error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

} // namespace ember::cloud
