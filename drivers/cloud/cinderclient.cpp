#include "cinderclient.h"

#include "cloudhttp.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

namespace ember::cloud {

using namespace detail;

namespace {

// Cinder's own limits are 255 characters for names, descriptions and containers;
// what is longer is not from a Cinder we know, but is still shown, not refused.
constexpr int MaxNameLength = 1024;
constexpr int MaxTextLength = 64 * 1024;
// Sizes in GiB: a volume of 2^40 GiB does not exist.
constexpr qint64 MaxGiB = qint64(1) << 40;
constexpr qint64 MaxObjects = qint64(1) << 40;
constexpr int MaxMetadataEntries = 1000;
// A listing that never ends (a marker that repeats) stops here.
constexpr qint64 MaxListedItems = 10'000'000;
constexpr qsizetype MaxBackupUrlBytes = 16 * 1024 * 1024;

QString uuidArgument(const QString& id, const QString& what)
{
    if (!isCanonicalUuid(id))
        throw CloudError(CloudErrorKind::BadRequest,
                         QStringLiteral("'%1' is not a %2 id (a UUID like "
                                        "01234567-89ab-cdef-0123-456789abcdef)")
                             .arg(printable(id, 80), what));
    return id;
}

QString plainIdArgument(const QString& id, const QString& what)
{
    if (!isPlainId(id))
        throw CloudError(CloudErrorKind::BadRequest,
                         QStringLiteral("'%1' is not a %2 id").arg(printable(id, 80), what));
    return id;
}

void checkTextArgument(const QString& text, const QString& what, int maxLength = 255)
{
    if (text.size() > maxLength)
        throw CloudError(CloudErrorKind::BadRequest,
                         QStringLiteral("the %1 is longer than %2 characters, which Cinder refuses")
                             .arg(what)
                             .arg(maxLength));
    for (const QChar c : text)
        if (c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\t'))
            throw CloudError(CloudErrorKind::BadRequest,
                             QStringLiteral("the %1 contains control characters").arg(what));
}

QString query(const QString& key, const QString& value)
{
    return key + QLatin1Char('=') + QString::fromLatin1(http::encodeQueryValue(value));
}

std::optional<int> parseMinor(const QString& text)
{
    static const QRegularExpression pattern(QStringLiteral(R"(^3\.(\d{1,4})$)"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1).toInt();
}

// The version root for an endpoint: http://host:port/v3/<project> -> http://host:port/v3/.
QString versionRoot(const QString& endpoint)
{
    QUrl url(endpoint);
    QStringList segments = url.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    qsizetype v3 = -1;
    for (qsizetype i = 0; i < segments.size(); ++i)
        if (segments[i] == QLatin1String("v3"))
            v3 = i;
    if (v3 >= 0)
        segments = segments.mid(0, v3 + 1);
    url.setPath(QLatin1Char('/') + segments.join(QLatin1Char('/')) +
                (segments.isEmpty() ? QString() : QStringLiteral("/")));
    url.setQuery(QString());
    return url.toString();
}

QMap<QString, QString> parseMetadata(const QJsonObject& object, const QString& what)
{
    QMap<QString, QString> metadata;
    const QJsonValue value = object.value(QStringLiteral("metadata"));
    if (value.isUndefined() || value.isNull())
        return metadata;
    if (!value.isObject())
        badResponse(QStringLiteral("%1's metadata is not a mapping").arg(what));
    const QJsonObject map = value.toObject();
    if (map.size() > MaxMetadataEntries)
        badResponse(QStringLiteral("%1 has more than %2 metadata entries")
                        .arg(what)
                        .arg(MaxMetadataEntries));
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it.key().size() > 255)
            badResponse(
                QStringLiteral("%1 has a metadata key longer than 255 characters").arg(what));
        metadata.insert(
            printable(it.key(), 255),
            optionalString(map, it.key(), what + QStringLiteral(" metadata"), MaxNameLength));
    }
    return metadata;
}

QJsonObject childObject(const QJsonObject& reply, const QString& key, const QString& what)
{
    const QJsonValue value = reply.value(key);
    if (!value.isObject())
        badResponse(QStringLiteral("%1 has no '%2' object").arg(what, key));
    return value.toObject();
}

} // namespace

CloudVolume parseVolume(const QJsonObject& object)
{
    CloudVolume volume;
    volume.id = requiredUuid(object, QStringLiteral("id"), QStringLiteral("a volume"));
    const QString what = QStringLiteral("volume %1").arg(volume.id);
    volume.name = optionalString(object, QStringLiteral("name"), what, MaxNameLength);
    volume.description = optionalString(object, QStringLiteral("description"), what, MaxTextLength);
    volume.projectId =
        optionalString(object, QStringLiteral("os-vol-tenant-attr:tenant_id"), what, 64);
    if (!volume.projectId.isEmpty() && !isPlainId(volume.projectId))
        badResponse(QStringLiteral("%1's project id is not an id").arg(what));
    volume.status = requiredString(object, QStringLiteral("status"), what, 64);
    volume.volumeType = optionalString(object, QStringLiteral("volume_type"), what, MaxNameLength);
    volume.availabilityZone =
        optionalString(object, QStringLiteral("availability_zone"), what, MaxNameLength);
    volume.sizeGiB = optionalCount(object, QStringLiteral("size"), what, MaxGiB);
    volume.bootable = optionalBool(object, QStringLiteral("bootable"), what);
    const QJsonValue attachments = object.value(QStringLiteral("attachments"));
    if (!attachments.isUndefined() && !attachments.isNull()) {
        if (!attachments.isArray())
            badResponse(QStringLiteral("%1's attachments are not a list").arg(what));
        for (const QJsonValue& attachment : attachments.toArray()) {
            if (!attachment.isObject())
                badResponse(QStringLiteral("%1 has an attachment that is not an object").arg(what));
            QString server = optionalString(attachment.toObject(), QStringLiteral("server_id"),
                                            what + QStringLiteral(" attachment"), 64);
            if (server.isEmpty()) // attached to a host, not an instance
                server = optionalString(attachment.toObject(), QStringLiteral("host_name"),
                                        what + QStringLiteral(" attachment"), MaxNameLength);
            if (!server.isEmpty())
                volume.attachedTo << server;
        }
    }
    volume.createdAt = optionalTime(object, QStringLiteral("created_at"), what);
    return volume;
}

CloudBackup parseBackup(const QJsonObject& object)
{
    CloudBackup backup;
    backup.id = requiredUuid(object, QStringLiteral("id"), QStringLiteral("a backup"));
    const QString what = QStringLiteral("backup %1").arg(backup.id);
    backup.name = optionalString(object, QStringLiteral("name"), what, MaxNameLength);
    backup.description = optionalString(object, QStringLiteral("description"), what, MaxTextLength);
    backup.volumeId = requiredUuid(object, QStringLiteral("volume_id"), what);
    backup.snapshotId = optionalUuid(object, QStringLiteral("snapshot_id"), what);
    backup.projectId =
        optionalString(object, QStringLiteral("os-backup-project-attr:project_id"), what, 64);
    if (!backup.projectId.isEmpty() && !isPlainId(backup.projectId))
        badResponse(QStringLiteral("%1's project id is not an id").arg(what));
    backup.userId = optionalString(object, QStringLiteral("user_id"), what, 64);
    if (!backup.userId.isEmpty() && !isPlainId(backup.userId))
        badResponse(QStringLiteral("%1's user id is not an id").arg(what));
    backup.status = requiredString(object, QStringLiteral("status"), what, 64);
    backup.failReason = optionalString(object, QStringLiteral("fail_reason"), what, MaxTextLength);
    backup.container = optionalString(object, QStringLiteral("container"), what, MaxNameLength);
    backup.availabilityZone =
        optionalString(object, QStringLiteral("availability_zone"), what, MaxNameLength);
    backup.sizeGiB = optionalCount(object, QStringLiteral("size"), what, MaxGiB);
    backup.objectCount = optionalCount(object, QStringLiteral("object_count"), what, MaxObjects);
    backup.isIncremental = optionalBool(object, QStringLiteral("is_incremental"), what);
    backup.hasDependentBackups =
        optionalBool(object, QStringLiteral("has_dependent_backups"), what);
    backup.createdAt = optionalTime(object, QStringLiteral("created_at"), what);
    backup.updatedAt = optionalTime(object, QStringLiteral("updated_at"), what);
    backup.dataTimestamp = optionalTime(object, QStringLiteral("data_timestamp"), what);
    backup.metadata = parseMetadata(object, what);
    return backup;
}

CinderClient::CinderClient(std::shared_ptr<KeystoneSession> session) : m_session(std::move(session))
{
    if (!m_session)
        throw Error(QStringLiteral("a Cinder client needs a Keystone session"));
}

QString CinderClient::endpoint()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_endpoint.isEmpty())
            return m_endpoint;
    }
    QString url = m_session->profile().endpointOverride;
    if (url.isEmpty()) {
        url = m_session->endpoint({QStringLiteral("block-storage"), QStringLiteral("volumev3"),
                                   QStringLiteral("volume")});
    } else {
        // Overrides may carry the project placeholder like catalog templates do.
        const QString projectId = m_session->token().projectId;
        url.replace(QLatin1String("%(project_id)s"), projectId);
        url.replace(QLatin1String("$(project_id)s"), projectId);
        url.replace(QLatin1String("%(tenant_id)s"), projectId);
        url.replace(QLatin1String("$(tenant_id)s"), projectId);
    }
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    std::lock_guard lock(m_mutex);
    m_endpoint = url;
    return m_endpoint;
}

Microversion CinderClient::microversion()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_microversion)
            return *m_microversion;
    }
    const Microversion negotiated = negotiate();
    std::lock_guard lock(m_mutex);
    m_microversion = negotiated;
    return negotiated;
}

Microversion CinderClient::negotiate()
{
    const QString base = endpoint();
    const CloudProfile& profile = m_session->profile();
    // The v3 root answers with its own document (or, on Cinder 21, the list of all);
    // the server root lists every version. Both are tried, the token sent to both.
    QStringList candidates{versionRoot(base)};
    {
        QUrl origin(base);
        origin.setPath(QStringLiteral("/"));
        origin.setQuery(QString());
        if (!candidates.contains(origin.toString()))
            candidates << origin.toString();
    }
    QString lastProblem;
    for (const QString& url : candidates) {
        for (int attempt = 0; attempt < 2; ++attempt) {
            const Token token = m_session->token();
            http::HttpRequest request;
            request.url = url;
            request.headers = {"Accept: application/json", "User-Agent: Ember",
                               "X-Auth-Token: " + token.id};
            const http::HttpResponse response = send(request, profile, QStringLiteral("Cinder"));
            if (response.status == 401 && attempt == 0) {
                m_session->invalidate(token.id);
                continue;
            }
            if (response.status != 200 && response.status != 300) {
                lastProblem = QStringLiteral("%1 answered HTTP %2").arg(url).arg(response.status);
                break;
            }
            QJsonObject document;
            try {
                document = jsonObject(response.body, QStringLiteral("Cinder's version document"));
            } catch (const CloudError&) {
                lastProblem = QStringLiteral("%1 sent no JSON version document").arg(url);
                break;
            }
            QJsonObject version = document.value(QStringLiteral("version")).toObject();
            if (version.isEmpty()) {
                for (const QJsonValue& entry :
                     document.value(QStringLiteral("versions")).toArray()) {
                    const QJsonObject candidate = entry.toObject();
                    if (candidate.value(QStringLiteral("id"))
                            .toString()
                            .startsWith(QLatin1String("v3")))
                        version = candidate;
                }
            }
            if (version.isEmpty()) {
                lastProblem = QStringLiteral("%1 lists no v3 API").arg(url);
                break;
            }
            const QString maxText = version.value(QStringLiteral("version")).toString();
            const QString minText = version.value(QStringLiteral("min_version")).toString();
            Microversion chosen;
            if (maxText.isEmpty()) // a v3 without microversions
                return chosen;
            const std::optional<int> serverMax = parseMinor(maxText);
            const std::optional<int> serverMin =
                minText.isEmpty() ? std::optional<int>(0) : parseMinor(minText);
            if (!serverMax || !serverMin || *serverMin > *serverMax)
                badResponse(QStringLiteral("Cinder's version document offers '%1' to '%2'")
                                .arg(printable(minText, 20), printable(maxText, 20)));
            if (*serverMin > MaxKnownMinor)
                throw CloudError(CloudErrorKind::VersionTooOld,
                                 QStringLiteral("Cinder at %1 needs Block Storage API 3.%2 or "
                                                "newer; Ember speaks up to 3.%3")
                                     .arg(base)
                                     .arg(*serverMin)
                                     .arg(MaxKnownMinor));
            chosen.minor = std::min(*serverMax, MaxKnownMinor);
            // the profile's cap (block_storage_api_version), like the cinder client's
            // --os-volume-api-version: never below what the cloud still accepts
            const int cap = m_session->profile().maxMicroversion;
            if (cap >= 0) {
                if (cap < *serverMin)
                    throw CloudError(CloudErrorKind::VersionTooOld,
                                     QStringLiteral("cloud '%1' is set to Block Storage API 3.%2, "
                                                    "but Cinder at %3 needs 3.%4 or newer")
                                         .arg(m_session->profile().name)
                                         .arg(cap)
                                         .arg(base)
                                         .arg(*serverMin));
                chosen.minor = std::min(chosen.minor, cap);
            }
            return chosen;
        }
    }
    throw CloudError(CloudErrorKind::BadResponse,
                     QStringLiteral("cannot learn which Block Storage API versions Cinder at %1 "
                                    "offers: %2")
                         .arg(base, lastProblem));
}

void CinderClient::requireMicroversion(int minor, const QString& feature)
{
    const Microversion current = microversion();
    if (current.minor >= minor)
        return;
    throw CloudError(CloudErrorKind::VersionTooOld,
                     QStringLiteral("%1 needs Block Storage API 3.%2; cloud '%3' offers 3.%4")
                         .arg(feature)
                         .arg(minor)
                         .arg(m_session->profile().name)
                         .arg(current.minor));
}

void CinderClient::throwCinderError(long status, const QByteArray& body, const QString& action)
{
    const QString message = errorMessage(body);
    const QString says = message.isEmpty() ? QString() : QStringLiteral(": ") + message;
    const int code = int(status);
    switch (status) {
    case 400:
        throw CloudError(CloudErrorKind::BadRequest,
                         QStringLiteral("Cinder refused to %1%2").arg(action, says), code, message);
    case 401:
        throw CloudError(CloudErrorKind::AuthFailed,
                         QStringLiteral("Cinder did not accept the token of cloud '%1' even after "
                                        "a fresh login (HTTP 401) when asked to %2%3")
                             .arg(m_session->profile().name, action, says),
                         code, message);
    case 403: {
        QString who = QStringLiteral("your role");
        try {
            const Token token = m_session->token();
            who = QStringLiteral("the roles of user '%1' in project '%2' (%3)")
                      .arg(token.userName, token.projectName,
                           token.roles.isEmpty() ? QStringLiteral("none")
                                                 : token.roles.join(QStringLiteral(", ")));
        } catch (const Error&) {
        }
        static const QRegularExpression policyPattern(
            QStringLiteral(R"(Policy doesn't allow (\S+) to be performed)"));
        const QRegularExpressionMatch policy = policyPattern.match(message);
        if (policy.hasMatch())
            throw CloudError(CloudErrorKind::Forbidden,
                             QStringLiteral("Cinder does not let %1 %2: its policy rule %3 needs "
                                            "another role (usually admin). Ask an administrator "
                                            "of the cloud.")
                                 .arg(who, action, policy.captured(1)),
                             code, message);
        throw CloudError(CloudErrorKind::Forbidden,
                         QStringLiteral("Cinder does not let %1 %2%3").arg(who, action, says), code,
                         message);
    }
    case 404:
        throw CloudError(CloudErrorKind::NotFound,
                         QStringLiteral("Cinder cannot %1%2").arg(action, says), code, message);
    case 406:
        throw CloudError(
            CloudErrorKind::VersionTooOld,
            QStringLiteral("Cinder refused the API version when asked to %1%2").arg(action, says),
            code, message);
    case 409:
        throw CloudError(CloudErrorKind::Conflict,
                         QStringLiteral("Cinder cannot %1 now%2").arg(action, says), code, message);
    case 413:
    case 429:
        throw CloudError(CloudErrorKind::OverLimit,
                         QStringLiteral("Cinder cannot %1, a quota or rate limit is reached%2")
                             .arg(action, says),
                         code, message);
    default:
        if (status >= 500)
            throw CloudError(
                CloudErrorKind::ServerError,
                QStringLiteral("Cinder failed to %1 (HTTP %2)%3").arg(action).arg(status).arg(says),
                code, message);
        throw CloudError(CloudErrorKind::BadResponse,
                         QStringLiteral("Cinder answered HTTP %1 when asked to %2%3")
                             .arg(status)
                             .arg(action, says),
                         code, message);
    }
}

QJsonObject CinderClient::call(const QByteArray& method, const QString& pathAndQuery,
                               const QString& action, const QJsonObject* body)
{
    const Microversion version = microversion();
    const QString base = endpoint();
    const QByteArray bodyBytes =
        body ? QJsonDocument(*body).toJson(QJsonDocument::Compact) : QByteArray();
    for (int attempt = 0;; ++attempt) {
        const Token token = m_session->token();
        http::HttpRequest request;
        request.method = method;
        request.url = base + pathAndQuery;
        request.headers = {"Accept: application/json", "User-Agent: Ember",
                           "X-Auth-Token: " + token.id,
                           "OpenStack-API-Version: volume " + version.toString().toLatin1()};
        if (body) {
            request.headers << "Content-Type: application/json";
            request.bodyBytes = bodyBytes;
            request.sendBody = true;
        }
        const http::HttpResponse response =
            send(request, m_session->profile(), QStringLiteral("Cinder"));
        if (response.status == 401 && attempt == 0) {
            // Revoked or expired early: log in again and repeat once.
            m_session->invalidate(token.id);
            continue;
        }
        if (!response.ok())
            throwCinderError(response.status, response.body, action);
        if (response.body.trimmed().isEmpty())
            return {};
        return jsonObject(response.body, QStringLiteral("Cinder's answer to %1").arg(action));
    }
}

QJsonObject CinderClient::getJson(const QString& pathAndQuery)
{
    if (!pathAndQuery.startsWith(QLatin1Char('/')) || pathAndQuery.size() > 4096 ||
        pathAndQuery.contains(QLatin1String("..")) ||
        std::any_of(pathAndQuery.cbegin(), pathAndQuery.cend(),
                    [](QChar c) { return c.unicode() <= 0x20 || c.unicode() >= 0x7f; }))
        throw CloudError(CloudErrorKind::BadRequest,
                         QStringLiteral("'%1' is not a path below the Block Storage endpoint")
                             .arg(printable(pathAndQuery, 100)));
    return call("GET", pathAndQuery, QStringLiteral("read %1").arg(pathAndQuery));
}

namespace {

template <typename T>
Page<T> parsePage(const QJsonObject& reply, const QString& collection, int pageSize, bool counted,
                  T (*parse)(const QJsonObject&))
{
    const QJsonValue items = reply.value(collection);
    if (!items.isArray())
        badResponse(QStringLiteral("the %1 listing has no '%1' list").arg(collection));
    Page<T> page;
    for (const QJsonValue& item : items.toArray()) {
        if (!item.isObject())
            badResponse(QStringLiteral("the %1 listing holds something that is not an object")
                            .arg(collection));
        page.items << parse(item.toObject());
    }
    if (counted && reply.contains(QStringLiteral("count")))
        page.totalCount =
            optionalCount(reply, QStringLiteral("count"),
                          QStringLiteral("the %1 listing").arg(collection), MaxListedItems);
    // Cinder adds a "next" link when the page is full; the marker is the last id.
    const QJsonValue links = reply.value(collection + QStringLiteral("_links"));
    bool more = false;
    if (links.isArray()) {
        for (const QJsonValue& link : links.toArray())
            if (link.toObject().value(QStringLiteral("rel")).toString() == QLatin1String("next"))
                more = true;
    } else if (links.isUndefined()) {
        more = page.items.size() >= std::clamp(pageSize, 1, 1000);
    }
    if (more && !page.items.isEmpty())
        page.nextMarker = page.items.last().id;
    return page;
}

} // namespace

Page<CloudVolume> parseVolumePage(const QJsonObject& reply, int pageSize, bool counted)
{
    return parsePage(reply, QStringLiteral("volumes"), pageSize, counted, &parseVolume);
}

Page<CloudBackup> parseBackupPage(const QJsonObject& reply, int pageSize, bool counted)
{
    return parsePage(reply, QStringLiteral("backups"), pageSize, counted, &parseBackup);
}

template <typename T>
Page<T> CinderClient::listPage(const QString& collection, const ListOptions& options,
                               const QString& marker, T (*parse)(const QJsonObject&))
{
    QStringList parts;
    parts << QStringLiteral("limit=%1").arg(std::clamp(options.pageSize, 1, 1000));
    if (!marker.isEmpty())
        parts << query(QStringLiteral("marker"), uuidArgument(marker, QStringLiteral("marker")));
    if (options.allProjects)
        parts << QStringLiteral("all_tenants=1");
    if (!options.projectId.isEmpty())
        parts << query(QStringLiteral("project_id"),
                       plainIdArgument(options.projectId, QStringLiteral("project")));
    if (!options.status.isEmpty())
        parts << query(QStringLiteral("status"), options.status);
    if (!options.name.isEmpty())
        parts << query(QStringLiteral("name"), options.name);
    if (!options.volumeId.isEmpty() && collection == QLatin1String("backups"))
        parts << query(QStringLiteral("volume_id"),
                       uuidArgument(options.volumeId, QStringLiteral("volume")));
    const bool counted = supports(feature::ListCount);
    if (counted)
        parts << QStringLiteral("with_count=true");
    const QJsonObject reply =
        call("GET", QStringLiteral("/%1/detail?%2").arg(collection, parts.join(QLatin1Char('&'))),
             QStringLiteral("list %1").arg(collection));
    return parsePage(reply, collection, options.pageSize, counted, parse);
}

Page<CloudVolume> CinderClient::listVolumes(const ListOptions& options, const QString& marker)
{
    return listPage<CloudVolume>(QStringLiteral("volumes"), options, marker, &parseVolume);
}

Page<CloudBackup> CinderClient::listBackups(const ListOptions& options, const QString& marker)
{
    return listPage<CloudBackup>(QStringLiteral("backups"), options, marker, &parseBackup);
}

namespace {

template <typename T, typename ListPage> QList<T> allPages(ListPage listPage)
{
    QList<T> all;
    QSet<QString> seenMarkers;
    QString marker;
    do {
        Page<T> page = listPage(marker);
        all += page.items;
        marker = page.nextMarker;
        if (!marker.isEmpty() && seenMarkers.contains(marker))
            badResponse(
                QStringLiteral("the listing repeats itself after %1 items").arg(all.size()));
        seenMarkers.insert(marker);
        if (all.size() > MaxListedItems)
            badResponse(QStringLiteral("the listing has more than %1 items").arg(MaxListedItems));
    } while (!marker.isEmpty());
    return all;
}

} // namespace

QList<CloudVolume> CinderClient::allVolumes(const ListOptions& options)
{
    return allPages<CloudVolume>(
        [&](const QString& marker) { return listVolumes(options, marker); });
}

QList<CloudBackup> CinderClient::allBackups(const ListOptions& options)
{
    return allPages<CloudBackup>(
        [&](const QString& marker) { return listBackups(options, marker); });
}

CloudVolume CinderClient::volume(const QString& id)
{
    uuidArgument(id, QStringLiteral("volume"));
    const QJsonObject reply = call("GET", QStringLiteral("/volumes/%1").arg(id),
                                   QStringLiteral("show volume %1").arg(id));
    return parseVolume(childObject(reply, QStringLiteral("volume"), QStringLiteral("the volume")));
}

CloudBackup CinderClient::backup(const QString& id)
{
    uuidArgument(id, QStringLiteral("backup"));
    const QJsonObject reply = call("GET", QStringLiteral("/backups/%1").arg(id),
                                   QStringLiteral("show backup %1").arg(id));
    return parseBackup(childObject(reply, QStringLiteral("backup"), QStringLiteral("the backup")));
}

BackupQuota CinderClient::backupQuota(const QString& projectId)
{
    plainIdArgument(projectId, QStringLiteral("project"));
    const QJsonObject reply =
        call("GET", QStringLiteral("/os-quota-sets/%1?usage=true").arg(projectId),
             QStringLiteral("show the quotas of project %1").arg(projectId));
    const QString what = QStringLiteral("the quota set");
    const QJsonObject set = childObject(reply, QStringLiteral("quota_set"), what);
    const auto usage = [&](const QString& key, qint64& inUse, qint64& limit) {
        const QJsonValue value = set.value(key);
        if (!value.isObject())
            badResponse(QStringLiteral("the quota set has no usage of '%1' (asked with "
                                       "usage=true)")
                            .arg(key));
        inUse = optionalCount(value.toObject(), QStringLiteral("in_use"), what + ' ' + key, MaxGiB);
        limit =
            optionalCount(value.toObject(), QStringLiteral("limit"), what + ' ' + key, MaxGiB, -1);
    };
    BackupQuota quota;
    usage(QStringLiteral("backups"), quota.backupsInUse, quota.backupsLimit);
    usage(QStringLiteral("backup_gigabytes"), quota.gigabytesInUse, quota.gigabytesLimit);
    return quota;
}

CloudBackup CinderClient::createBackup(const CreateBackupRequest& request)
{
    uuidArgument(request.volumeId, QStringLiteral("volume"));
    checkTextArgument(request.name, QStringLiteral("backup name"));
    checkTextArgument(request.description, QStringLiteral("backup description"));
    checkTextArgument(request.container, QStringLiteral("container"));
    QJsonObject backup{{QStringLiteral("volume_id"), request.volumeId},
                       {QStringLiteral("incremental"), request.incremental},
                       {QStringLiteral("force"), request.force}};
    if (!request.name.isEmpty())
        backup.insert(QStringLiteral("name"), request.name);
    if (!request.description.isEmpty())
        backup.insert(QStringLiteral("description"), request.description);
    if (!request.container.isEmpty())
        backup.insert(QStringLiteral("container"), request.container);
    if (!request.snapshotId.isEmpty())
        backup.insert(QStringLiteral("snapshot_id"),
                      uuidArgument(request.snapshotId, QStringLiteral("snapshot")));
    if (!request.metadata.isEmpty()) {
        requireMicroversion(feature::BackupMetadata, QStringLiteral("Backup metadata"));
        QJsonObject metadata;
        for (auto it = request.metadata.begin(); it != request.metadata.end(); ++it) {
            checkTextArgument(it.key(), QStringLiteral("metadata key"));
            checkTextArgument(it.value(), QStringLiteral("metadata value"));
            metadata.insert(it.key(), it.value());
        }
        backup.insert(QStringLiteral("metadata"), metadata);
    }
    const QJsonObject body{{QStringLiteral("backup"), backup}};
    const QString action =
        QStringLiteral("create %1 backup of volume %2")
            .arg(request.incremental ? QStringLiteral("an incremental") : QStringLiteral("a full"),
                 request.volumeId);
    const QJsonObject reply = call("POST", QStringLiteral("/backups"), action, &body);
    const QString id = requiredUuid(childObject(reply, QStringLiteral("backup"), action),
                                    QStringLiteral("id"), QStringLiteral("the new backup"));
    return this->backup(id);
}

RestoreResult CinderClient::restoreBackup(const QString& backupId, const QString& volumeId,
                                          const QString& newVolumeName)
{
    uuidArgument(backupId, QStringLiteral("backup"));
    QJsonObject restore;
    QString action;
    if (!volumeId.isEmpty()) {
        restore.insert(QStringLiteral("volume_id"),
                       uuidArgument(volumeId, QStringLiteral("volume")));
        action = QStringLiteral("restore backup %1 into volume %2").arg(backupId, volumeId);
    } else {
        checkTextArgument(newVolumeName, QStringLiteral("volume name"));
        if (!newVolumeName.isEmpty())
            restore.insert(QStringLiteral("name"), newVolumeName);
        action = QStringLiteral("restore backup %1 into a new volume").arg(backupId);
    }
    const QJsonObject body{{QStringLiteral("restore"), restore}};
    const QJsonObject reply =
        call("POST", QStringLiteral("/backups/%1/restore").arg(backupId), action, &body);
    const QJsonObject result = childObject(reply, QStringLiteral("restore"), action);
    RestoreResult restored;
    restored.backupId =
        requiredUuid(result, QStringLiteral("backup_id"), QStringLiteral("the restore"));
    restored.volumeId =
        requiredUuid(result, QStringLiteral("volume_id"), QStringLiteral("the restore"));
    restored.volumeName = optionalString(result, QStringLiteral("volume_name"),
                                         QStringLiteral("the restore"), MaxNameLength);
    if (restored.backupId != backupId || (!volumeId.isEmpty() && restored.volumeId != volumeId))
        badResponse(QStringLiteral("the restore names another backup or volume than asked"));
    return restored;
}

void CinderClient::deleteBackup(const QString& id, bool force)
{
    uuidArgument(id, QStringLiteral("backup"));
    if (force) {
        const QJsonObject body{{QStringLiteral("os-force_delete"), QJsonObject()}};
        call("POST", QStringLiteral("/backups/%1/action").arg(id),
             QStringLiteral("force-delete backup %1").arg(id), &body);
        return;
    }
    call("DELETE", QStringLiteral("/backups/%1").arg(id),
         QStringLiteral("delete backup %1").arg(id));
}

CloudBackup CinderClient::updateBackup(const QString& id, const std::optional<QString>& name,
                                       const std::optional<QString>& description)
{
    uuidArgument(id, QStringLiteral("backup"));
    if (!name && !description)
        return backup(id);
    requireMicroversion(feature::BackupNameUpdate, QStringLiteral("Changing a backup's name or "
                                                                  "description"));
    QJsonObject fields;
    if (name) {
        checkTextArgument(*name, QStringLiteral("backup name"));
        fields.insert(QStringLiteral("name"), *name);
    }
    if (description) {
        checkTextArgument(*description, QStringLiteral("backup description"));
        fields.insert(QStringLiteral("description"), *description);
    }
    const QJsonObject body{{QStringLiteral("backup"), fields}};
    call("PUT", QStringLiteral("/backups/%1").arg(id), QStringLiteral("update backup %1").arg(id),
         &body);
    return backup(id);
}

void CinderClient::resetBackupState(const QString& id, const QString& status)
{
    uuidArgument(id, QStringLiteral("backup"));
    if (status != QLatin1String("available") && status != QLatin1String("error"))
        throw CloudError(CloudErrorKind::BadRequest,
                         QStringLiteral("a backup's state can be reset to available or error "
                                        "only, not '%1'")
                             .arg(printable(status, 40)));
    const QJsonObject body{
        {QStringLiteral("os-reset_status"), QJsonObject{{QStringLiteral("status"), status}}}};
    call("POST", QStringLiteral("/backups/%1/action").arg(id),
         QStringLiteral("reset the state of backup %1 to %2").arg(id, status), &body);
}

namespace {

void checkRecord(const QString& service, const QString& url, bool fromCinder)
{
    const auto fail = [&](const QString& what) {
        if (fromCinder)
            badResponse(what);
        throw CloudError(CloudErrorKind::BadRequest, what);
    };
    if (service.isEmpty() || service.size() > 255 ||
        std::any_of(service.cbegin(), service.cend(),
                    [](QChar c) { return c.unicode() <= 0x20 || c.unicode() >= 0x7f; }))
        fail(QStringLiteral("the record's backup_service is not a driver name"));
    if (url.isEmpty() || url.size() > MaxBackupUrlBytes ||
        std::any_of(url.cbegin(), url.cend(), [](QChar c) {
            return !(c.isLetterOrNumber() && c.unicode() < 0x80) && c != QLatin1Char('+') &&
                   c != QLatin1Char('/') && c != QLatin1Char('=');
        }))
        fail(QStringLiteral("the record's backup_url is not Base64 text"));
}

} // namespace

ExportedRecord CinderClient::exportRecord(const QString& id)
{
    uuidArgument(id, QStringLiteral("backup"));
    const QString action = QStringLiteral("export the record of backup %1").arg(id);
    const QJsonObject reply =
        call("GET", QStringLiteral("/backups/%1/export_record").arg(id), action);
    const QJsonObject record = childObject(reply, QStringLiteral("backup-record"), action);
    ExportedRecord exported;
    exported.backupService = record.value(QStringLiteral("backup_service")).toString();
    exported.backupUrl = record.value(QStringLiteral("backup_url")).toString();
    checkRecord(exported.backupService, exported.backupUrl, true);
    return exported;
}

CloudBackup CinderClient::importRecord(const ExportedRecord& record)
{
    checkRecord(record.backupService, record.backupUrl, false);
    const QJsonObject body{{QStringLiteral("backup-record"),
                            QJsonObject{{QStringLiteral("backup_service"), record.backupService},
                                        {QStringLiteral("backup_url"), record.backupUrl}}}};
    const QString action = QStringLiteral("import a backup record");
    const QJsonObject reply = call("POST", QStringLiteral("/backups/import_record"), action, &body);
    const QString id = requiredUuid(childObject(reply, QStringLiteral("backup"), action),
                                    QStringLiteral("id"), QStringLiteral("the imported backup"));
    return backup(id);
}

CloudVolume CinderClient::createVolume(const CreateVolumeRequest& request)
{
    if (request.sizeGiB < 1 || request.sizeGiB > MaxGiB)
        throw CloudError(CloudErrorKind::BadRequest,
                         QStringLiteral("a volume needs a size of at least 1 GiB"));
    checkTextArgument(request.name, QStringLiteral("volume name"));
    checkTextArgument(request.description, QStringLiteral("volume description"));
    checkTextArgument(request.volumeType, QStringLiteral("volume type"));
    checkTextArgument(request.availabilityZone, QStringLiteral("availability zone"));
    QJsonObject volume{{QStringLiteral("size"), request.sizeGiB}};
    if (!request.name.isEmpty())
        volume.insert(QStringLiteral("name"), request.name);
    if (!request.description.isEmpty())
        volume.insert(QStringLiteral("description"), request.description);
    if (!request.volumeType.isEmpty())
        volume.insert(QStringLiteral("volume_type"), request.volumeType);
    if (!request.availabilityZone.isEmpty())
        volume.insert(QStringLiteral("availability_zone"), request.availabilityZone);
    const QJsonObject body{{QStringLiteral("volume"), volume}};
    const QString action = QStringLiteral("create a %1 GiB volume").arg(request.sizeGiB);
    const QJsonObject reply = call("POST", QStringLiteral("/volumes"), action, &body);
    return parseVolume(childObject(reply, QStringLiteral("volume"), action));
}

void CinderClient::deleteVolume(const QString& id)
{
    uuidArgument(id, QStringLiteral("volume"));
    call("DELETE", QStringLiteral("/volumes/%1").arg(id),
         QStringLiteral("delete volume %1").arg(id));
}

} // namespace ember::cloud
