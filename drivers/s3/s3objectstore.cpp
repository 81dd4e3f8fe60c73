#include "s3objectstore.h"

#include "hashing.h"
#include "s3signer.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>
#include <QXmlStreamReader>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>

namespace ember {

Q_LOGGING_CATEGORY(lcS3, "ember.s3")

// The store's internals (a named namespace: the store's private state derives from S3Connection).
namespace s3internal {

using Pair = QPair<QByteArray, QByteArray>;

constexpr qint64 MinimumPartSize = 5 * 1024 * 1024;

// ------------------------------------------------------------ XML

// The text of the first element named `name` anywhere in the document.
QString xmlValue(const QByteArray& xml, const QString& name)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement() && reader.name() == name)
            return reader.readElementText(QXmlStreamReader::IncludeChildElements);
    }
    return {};
}

QString xmlRootName(const QByteArray& xml)
{
    QXmlStreamReader reader(xml);
    if (reader.readNextStartElement())
        return reader.name().toString();
    return {};
}

// One record per element named in `elements` (e.g. every <Contents>): the
// text of its direct children by name, and "$element" for which one it was.
QList<QMap<QString, QString>> xmlRecords(const QByteArray& xml, const QStringList& elements)
{
    QList<QMap<QString, QString>> records;
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        reader.readNext();
        if (!reader.isStartElement() || !elements.contains(reader.name().toString()))
            continue;
        QMap<QString, QString> record;
        record.insert(QStringLiteral("$element"), reader.name().toString());
        while (reader.readNextStartElement()) {
            const QString child = reader.name().toString();
            record.insert(child, reader.readElementText(QXmlStreamReader::IncludeChildElements));
        }
        records.append(record);
    }
    return records;
}

QByteArray xmlEscape(const QString& text)
{
    return text.toHtmlEscaped().toUtf8();
}

QDateTime parseS3Date(const QString& text)
{
    QDateTime parsed = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!parsed.isValid())
        parsed = QDateTime::fromString(text.trimmed(), Qt::ISODate);
    return parsed.toUTC();
}

QByteArray s3Date(const QDateTime& utc)
{
    return utc.toUTC().toString(Qt::ISODateWithMs).toLatin1();
}

QByteArray unquotedEtag(const QByteArray& etag)
{
    QByteArray value = etag.trimmed();
    if (value.startsWith("W/"))
        value = value.mid(2);
    if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
        value = value.mid(1, value.size() - 2);
    return value.toLower();
}

// ------------------------------------------------------------ options

QString textOption(const QJsonObject& options, const QString& key, const QString& fallback = {})
{
    const QJsonValue value = options.value(key);
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toDouble());
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return fallback;
}

double numberOption(const QJsonObject& options, const QString& key, double fallback)
{
    const QJsonValue value = options.value(key);
    if (value.isDouble())
        return value.toDouble();
    if (value.isString() && !value.toString().trimmed().isEmpty()) {
        bool ok = false;
        const double parsed = value.toString().trimmed().toDouble(&ok);
        if (!ok)
            throw Error(
                QStringLiteral("option %1 must be a number, not '%2'").arg(key, value.toString()));
        return parsed;
    }
    return fallback;
}

qint64 integerOption(const QJsonObject& options, const QString& key, qint64 fallback)
{
    const double value = numberOption(options, key, double(fallback));
    if (value != std::floor(value))
        throw Error(QStringLiteral("option %1 must be a whole number, not %2").arg(key).arg(value));
    return qint64(value);
}

bool boolOption(const QJsonObject& options, const QString& key, bool fallback)
{
    const QJsonValue value = options.value(key);
    if (value.isBool())
        return value.toBool();
    if (value.isDouble())
        return value.toDouble() != 0;
    if (value.isString()) {
        const QString text = value.toString().trimmed().toLower();
        if (text == QLatin1String("true") || text == QLatin1String("1") ||
            text == QLatin1String("yes") || text == QLatin1String("on"))
            return true;
        if (text == QLatin1String("false") || text == QLatin1String("0") ||
            text == QLatin1String("no") || text == QLatin1String("off"))
            return false;
        throw Error(
            QStringLiteral("option %1 must be true or false, not '%2'").arg(key, value.toString()));
    }
    return fallback;
}

QString whyNotBucketName(const QString& bucket)
{
    static const QRegularExpression valid(QStringLiteral("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"));
    static const QRegularExpression ipAddress(QStringLiteral("^\\d+\\.\\d+\\.\\d+\\.\\d+$"));
    if (!valid.match(bucket).hasMatch() || bucket.contains(QLatin1String("..")) ||
        ipAddress.match(bucket).hasMatch())
        return QStringLiteral("'%1' is not a valid S3 bucket name (3 to 63 characters: lower-case "
                              "letters, digits, dots and hyphens, starting and ending with a "
                              "letter or digit)")
            .arg(bucket.left(100));
    return {};
}

QString whyNotObjectKey(const QString& name)
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
    return why.isEmpty() ? QString()
                         : QStringLiteral("S3 object name '%1' %2").arg(name.left(200), why);
}

// ------------------------------------------------------------ requests

struct Request
{
    QByteArray method = "GET";
    QString bucket;                               // empty: the service (ListBuckets)
    QString key;                                  // empty: the bucket
    QList<QPair<QByteArray, QByteArray>> query;   // raw names and values
    QList<QPair<QByteArray, QByteArray>> headers; // signed with the request
    QByteArray bodyBytes;
    bool sendBody = false;
    // Part and object bodies are protected by Content-MD5 instead of a
    // SHA-256 over megabytes; small API bodies are hashed.
    bool unsignedPayload = false;
    const DataConsumer* sink = nullptr;
};

// The connection to one S3 endpoint: addressing, signing, error words and
// retries. The store's private state (S3ObjectStore::Counters) is one.
class S3Connection
{
public:
    explicit S3Connection(const S3Settings& settings) : m_settings(settings)
    {
        const QUrl url(settings.endpointUrl);
        m_scheme = url.scheme().toLower();
        m_host = url.host();
        m_port = url.port();
        m_basePath = url.path(QUrl::FullyEncoded).toUtf8();
        while (m_basePath.endsWith('/'))
            m_basePath.chop(1);
        m_credentials.accessKey = settings.accessKey.toUtf8();
        m_credentials.secretKey = settings.secretKey.toUtf8();
        m_credentials.region = settings.region.toUtf8();
        m_tls.caCertFile = settings.caCertFile;
        m_tls.insecure = !settings.verifySsl;
        const int seconds = std::max(1, int(std::ceil(settings.timeoutSeconds)));
        m_timeouts.connectSeconds = seconds;
        m_timeouts.stallSeconds = seconds;
        m_proxy = m_scheme == QLatin1String("https") ? settings.httpsProxy : settings.httpProxy;
        if (!settings.sseCustomerKey.isEmpty() && !settings.sseCustomerAlgorithm.isEmpty()) {
            const QByteArray key = settings.sseCustomerKey.toUtf8();
            m_sseHeaders = {{"x-amz-server-side-encryption-customer-algorithm",
                             settings.sseCustomerAlgorithm.toUtf8()},
                            {"x-amz-server-side-encryption-customer-key", key.toBase64()},
                            {"x-amz-server-side-encryption-customer-key-MD5",
                             QCryptographicHash::hash(key, QCryptographicHash::Md5).toBase64()}};
        }
    }

    const S3Settings& settings() const { return m_settings; }
    const QList<QPair<QByteArray, QByteArray>>& sseHeaders() const { return m_sseHeaders; }
    bool sse() const { return !m_sseHeaders.isEmpty(); }
    QString endpoint() const { return m_settings.endpointUrl; }

    // One request, signed; the response whatever its status. Transport
    // failures become ConnectionFailed / TlsFailed in S3's words.
    http::HttpResponse send(const Request& request) const
    {
        const bool virtualHost = m_settings.virtualHosted && !request.bucket.isEmpty();
        QByteArray authority =
            (virtualHost ? request.bucket + QLatin1Char('.') + m_host : m_host).toUtf8();
        if (m_port != -1)
            authority += ':' + QByteArray::number(m_port);
        QByteArray path = m_basePath;
        if (!virtualHost && !request.bucket.isEmpty())
            path += '/' + s3::uriEncode(request.bucket.toUtf8(), false);
        if (!request.key.isEmpty())
            path += '/' + s3::uriEncode(request.key.toUtf8(), true);
        if (path.isEmpty())
            path = "/";

        s3::SigV4Request signing;
        signing.method = request.method;
        signing.path = path;
        QByteArray queryText;
        for (const auto& [name, value] : request.query) {
            const QByteArray encodedName = s3::uriEncode(name, false);
            const QByteArray encodedValue = s3::uriEncode(value, false);
            signing.query.append(Pair(encodedName, encodedValue));
            queryText += (queryText.isEmpty() ? "?" : "&") + encodedName;
            if (!value.isEmpty())
                queryText += '=' + encodedValue;
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        signing.payloadHash = request.unsignedPayload ? QByteArray(s3::UnsignedPayload)
                                                      : s3::sha256Hex(request.bodyBytes);
        signing.headers = request.headers;
        signing.headers.append(Pair("Host", authority));
        signing.headers.append(Pair("x-amz-date", s3::amzDate(now)));
        signing.headers.append(Pair("x-amz-content-sha256", signing.payloadHash));

        http::HttpRequest http;
        http.method = request.method;
        http.url = m_scheme + QStringLiteral("://") + QString::fromUtf8(authority) +
                   QString::fromUtf8(path + queryText);
        for (const auto& [name, value] : signing.headers)
            http.headers.append(name + ": " + value);
        http.headers.append("Authorization: " + s3::authorization(signing, m_credentials, now));
        http.bodyBytes = request.bodyBytes;
        http.sendBody = request.sendBody || !request.bodyBytes.isEmpty();
        // A refusal (wrong key) before megabytes are sent; API requests go at once.
        http.expectContinue = request.bodyBytes.size() > 1024 * 1024;
        http.sink = request.sink;
        http.proxy = m_proxy;
        try {
            return http::perform(http, m_tls, m_timeouts);
        } catch (const http::ConnectionFailed& failure) {
            throw http::ConnectionFailed(failure.failure(),
                                         connectionWords(failure.failure(), failure.detail()),
                                         failure.detail());
        } catch (const http::TlsFailed& failure) {
            throw http::TlsFailed(failure.failure(), tlsWords(failure.failure(), failure.detail()),
                                  failure.detail());
        }
    }

    // The error a non-2xx answer means, in plain words: TransientError for
    // what a retry may cure, S3Error otherwise.
    [[noreturn]] void throwError(const Request& request, const http::HttpResponse& response) const
    {
        QString code = xmlValue(response.body, QStringLiteral("Code"));
        QString message = xmlValue(response.body, QStringLiteral("Message"));
        if (code.isEmpty()) {
            switch (response.status) {
            case 301:
                code = QStringLiteral("PermanentRedirect");
                break;
            case 400:
                code = QStringLiteral("BadRequest");
                break;
            case 403:
                code = QStringLiteral("AccessDenied");
                break;
            case 404:
                code = request.key.isEmpty() ? QStringLiteral("NoSuchBucket")
                                             : QStringLiteral("NoSuchKey");
                break;
            case 503:
                code = QStringLiteral("ServiceUnavailable");
                break;
            default:
                code = QStringLiteral("HTTP%1").arg(response.status);
            }
        }
        const QString words = errorWords(request, response.status, code, message);
        static const QStringList transientCodes{
            QStringLiteral("SlowDown"),        QStringLiteral("RequestTimeout"),
            QStringLiteral("InternalError"),   QStringLiteral("ServiceUnavailable"),
            QStringLiteral("BadDigest"),       QStringLiteral("TooManyRequests"),
            QStringLiteral("OperationAborted")};
        if (response.status >= 500 || response.status == 429 || transientCodes.contains(code))
            throw TransientError(words);
        throw S3Error(response.status, code, words);
    }

    // Sends and throws for non-2xx answers.
    http::HttpResponse checked(const Request& request) const
    {
        http::HttpResponse response = send(request);
        if (!response.ok())
            throwError(request, response);
        // CompleteMultipartUpload and copies may answer 200 with an error body.
        if (response.status == 200 && !request.sink && response.body.contains("<Error") &&
            xmlRootName(response.body) == QLatin1String("Error"))
            throwError(request, response);
        return response;
    }

    RetryPolicy retryPolicy() const
    {
        RetryPolicy policy;
        policy.attempts = std::max(0, m_settings.retryMaxAttempts - 1);
        policy.initialBackoffSeconds = 1;
        policy.maxBackoffSeconds = 20;
        return policy;
    }

    // Runs a replayable request (small API requests, buffered parts) until it
    // does not fail transiently, with the shared back-off.
    void retrying(const std::function<void()>& work)
    {
        Backoff(retryPolicy())
            .run(work, {}, [this](const TransientError& error, int, double delay) {
                ++m_retried;
                qCInfo(lcS3).noquote() << QStringLiteral("%1; retrying in %2 s")
                                              .arg(error.message())
                                              .arg(delay, 0, 'f', 1);
            });
    }
    http::HttpResponse retryingChecked(const Request& request)
    {
        http::HttpResponse response;
        retrying([&] { response = checked(request); });
        return response;
    }

    int retried() const { return m_retried.load(); }

    // Whether a bucket keeps versions (Object Lock buckets always do); asked once.
    bool versioned(const QString& bucket)
    {
        {
            QMutexLocker lock(&m_mutex);
            if (m_versioned.contains(bucket))
                return m_versioned.value(bucket);
        }
        Request request;
        request.bucket = bucket;
        request.query = {{"versioning", ""}};
        const http::HttpResponse response = retryingChecked(request);
        const QString status = xmlValue(response.body, QStringLiteral("Status"));
        const bool result =
            status == QLatin1String("Enabled") || status == QLatin1String("Suspended");
        QMutexLocker lock(&m_mutex);
        m_versioned.insert(bucket, result);
        return result;
    }

private:
    QString connectionWords(http::TransportFailure failure, const QString& detail) const
    {
        const QString host = http::hostOf(m_settings.endpointUrl);
        if (!m_proxy.isEmpty() && failure != http::TransportFailure::Timeout)
            return QStringLiteral("cannot reach S3 at %1 through the proxy %2: %3 (check %4)")
                .arg(host, m_proxy, detail,
                     m_scheme == QLatin1String("https") ? QStringLiteral("backup_s3_https_proxy")
                                                        : QStringLiteral("backup_s3_http_proxy"));
        switch (failure) {
        case http::TransportFailure::Connect:
            return QStringLiteral("cannot connect to S3 at %1: %2 (is the service running and "
                                  "backup_s3_endpoint_url right?)")
                .arg(host, detail);
        case http::TransportFailure::Resolve:
            return QStringLiteral("cannot resolve the S3 host in %1: %2")
                .arg(m_settings.endpointUrl, detail);
        case http::TransportFailure::Timeout:
            return QStringLiteral("S3 at %1 timed out (no answer within %2 s, or no data moved "
                                  "for %2 s; backup_s3_timeout): %3")
                .arg(host)
                .arg(m_timeouts.connectSeconds)
                .arg(detail);
        default:
            return QStringLiteral("the connection to S3 at %1 failed: %2").arg(host, detail);
        }
    }

    QString tlsWords(http::TransportFailure failure, const QString& detail) const
    {
        const QString host = http::hostOf(m_settings.endpointUrl);
        switch (failure) {
        case http::TransportFailure::TlsCaFile:
            return QStringLiteral("cannot use the CA certificate file '%1' for S3 at %2 (%3); "
                                  "check backup_s3_ca_cert_file")
                .arg(m_settings.caCertFile, host, detail);
        case http::TransportFailure::TlsUntrusted:
            return QStringLiteral("the TLS certificate of S3 at %1 is not trusted (%2); set "
                                  "backup_s3_ca_cert_file to the CA certificate that signed it")
                .arg(host, detail);
        default:
            return QStringLiteral("the TLS handshake with S3 at %1 failed (%2); is it an https "
                                  "address, and does the server speak TLS?")
                .arg(host, detail);
        }
    }

    QString errorWords(const Request& request, long status, const QString& code,
                       const QString& message) const
    {
        const QString endpoint = m_settings.endpointUrl;
        const QString what =
            request.key.isEmpty()
                ? (request.bucket.isEmpty() ? QStringLiteral("the service")
                                            : QStringLiteral("bucket %1").arg(request.bucket))
                : QStringLiteral("object %1 in bucket %2").arg(request.key, request.bucket);
        const QString detail = message.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(message);
        if (code == QLatin1String("InvalidRequest") && sse() && m_scheme == QLatin1String("http"))
            return QStringLiteral("S3 at %1 refuses customer-provided encryption keys (SSE-C, "
                                  "backup_s3_sse_customer_key) over plain HTTP%2; use an https:// "
                                  "endpoint")
                .arg(endpoint, detail);
        if (code == QLatin1String("InvalidAccessKeyId"))
            return QStringLiteral("the access key %1 is not known at %2; check "
                                  "backup_s3_store_access_key")
                .arg(m_settings.accessKey, endpoint);
        if (code == QLatin1String("SignatureDoesNotMatch"))
            return QStringLiteral("the secret key does not match the access key %1 at %2; check "
                                  "backup_s3_store_secret_key")
                .arg(m_settings.accessKey, endpoint);
        if (code == QLatin1String("NoSuchBucket"))
            return QStringLiteral("bucket %1 does not exist at %2").arg(request.bucket, endpoint);
        if (code == QLatin1String("NoSuchKey"))
            return QStringLiteral("object %1 is missing from bucket %2 at %3")
                .arg(request.key, request.bucket, endpoint);
        if (code == QLatin1String("AccessDenied"))
            return QStringLiteral("S3 at %1 denied the access key %2 %3 on %4%5 (the key lacks "
                                  "the permission, or a bucket policy or Object Lock forbids it)")
                .arg(endpoint, m_settings.accessKey, QString::fromLatin1(request.method), what,
                     detail);
        if (code == QLatin1String("AuthorizationHeaderMalformed") ||
            code == QLatin1String("PermanentRedirect") ||
            code == QLatin1String("IllegalLocationConstraintException"))
            return QStringLiteral("%1 is in another region than %2, or needs another endpoint%3; "
                                  "set ember_s3_region (or backup_s3_endpoint_url)")
                .arg(what, m_settings.region, detail);
        if (code == QLatin1String("RequestTimeTooSkewed"))
            return QStringLiteral("this computer's clock differs too much from the clock of S3 at "
                                  "%1%2; correct the time (NTP)")
                .arg(endpoint, detail);
        if (code == QLatin1String("BucketAlreadyExists"))
            return QStringLiteral("bucket %1 already exists and belongs to another account; "
                                  "choose another name")
                .arg(request.bucket);
        if (code == QLatin1String("InvalidBucketName"))
            return QStringLiteral("'%1' is not a bucket name S3 at %2 accepts")
                .arg(request.bucket, endpoint);
        if (code == QLatin1String("SlowDown") || code == QLatin1String("ServiceUnavailable") ||
            code == QLatin1String("TooManyRequests"))
            return QStringLiteral("S3 at %1 asks to slow down (%2 %3 on %4)")
                .arg(endpoint)
                .arg(status)
                .arg(code, what);
        if (code == QLatin1String("BadDigest"))
            return QStringLiteral("%1 arrived damaged at S3 at %2 (Content-MD5 mismatch)")
                .arg(what, endpoint);
        return QStringLiteral("S3 at %1 answered %2 %3 to %4 on %5%6")
            .arg(endpoint)
            .arg(status)
            .arg(code, QString::fromLatin1(request.method), what, detail);
    }

    S3Settings m_settings;
    QString m_scheme;
    QString m_host;
    int m_port = -1;
    QByteArray m_basePath;
    s3::SigV4Credentials m_credentials;
    http::TlsSettings m_tls;
    http::HttpTimeouts m_timeouts;
    QString m_proxy;
    QList<QPair<QByteArray, QByteArray>> m_sseHeaders;
    std::atomic<int> m_retried{0};
    QMutex m_mutex;
    QMap<QString, bool> m_versioned;
};

} // namespace s3internal

using namespace s3internal;

struct S3ObjectStore::Counters : S3Connection
{
    using S3Connection::S3Connection;
};

// ------------------------------------------------------------ settings

S3Settings S3Settings::fromConfig(const BackendConfig& config, const BackendSecrets& secrets)
{
    const QJsonObject& options = config.options;
    S3Settings settings;
    settings.backendName = config.name;
    settings.endpointUrl = textOption(options, QStringLiteral("backup_s3_endpoint_url")).trimmed();
    if (settings.endpointUrl.isEmpty())
        throw Error(QStringLiteral("the S3 backend %1 has no backup_s3_endpoint_url (e.g. "
                                   "http://rgw.example:7480)")
                        .arg(config.name));
    const QUrl endpoint(settings.endpointUrl);
    if (!endpoint.isValid() || endpoint.host().isEmpty() ||
        (endpoint.scheme() != QLatin1String("http") && endpoint.scheme() != QLatin1String("https")))
        throw Error(QStringLiteral("backup_s3_endpoint_url '%1' is not an http:// or https:// URL")
                        .arg(settings.endpointUrl));

    const auto secret = [&](const QString& key) { return secrets.value(key); };
    settings.accessKey = secret(QStringLiteral("backup_s3_store_access_key"));
    settings.secretKey = secret(QStringLiteral("backup_s3_store_secret_key"));
    for (const auto& [key, value] :
         {std::pair{QStringLiteral("backup_s3_store_access_key"), settings.accessKey},
          std::pair{QStringLiteral("backup_s3_store_secret_key"), settings.secretKey}})
        if (value.isEmpty())
            throw Error(QStringLiteral("the S3 backend %1 has no %2 in the keyring; set it with: "
                                       "ember-cli backend-set-secret %1 %2")
                            .arg(config.name, key));

    settings.bucket =
        textOption(options, QStringLiteral("backup_s3_store_bucket"), settings.bucket).trimmed();
    if (const QString why = whyNotBucketName(settings.bucket); !why.isEmpty())
        throw Error(QStringLiteral("backup_s3_store_bucket: %1").arg(why));
    settings.objectSize =
        integerOption(options, QStringLiteral("backup_s3_object_size"), settings.objectSize);
    settings.blockSize =
        integerOption(options, QStringLiteral("backup_s3_block_size"), settings.blockSize);
    if (settings.blockSize <= 0 || settings.objectSize <= 0 ||
        settings.objectSize % settings.blockSize != 0)
        throw Error(QStringLiteral("backup_s3_object_size (%1) must be a positive multiple of "
                                   "backup_s3_block_size (%2)")
                        .arg(settings.objectSize)
                        .arg(settings.blockSize));
    settings.timeoutSeconds =
        numberOption(options, QStringLiteral("backup_s3_timeout"), settings.timeoutSeconds);
    if (settings.timeoutSeconds <= 0)
        throw Error(QStringLiteral("backup_s3_timeout must be more than 0 seconds"));
    settings.maxPoolConnections = int(integerOption(
        options, QStringLiteral("backup_s3_max_pool_connections"), settings.maxPoolConnections));
    settings.retryMaxAttempts = int(integerOption(
        options, QStringLiteral("backup_s3_retry_max_attempts"), settings.retryMaxAttempts));
    if (settings.retryMaxAttempts < 1)
        throw Error(QStringLiteral("backup_s3_retry_max_attempts must be at least 1 (the first "
                                   "try counts)"));
    settings.retryMode =
        textOption(options, QStringLiteral("backup_s3_retry_mode"), settings.retryMode);
    settings.verifySsl =
        boolOption(options, QStringLiteral("backup_s3_verify_ssl"), settings.verifySsl);
    settings.caCertFile = textOption(options, QStringLiteral("backup_s3_ca_cert_file")).trimmed();
    settings.md5Validation =
        boolOption(options, QStringLiteral("backup_s3_md5_validation"), settings.md5Validation);
    settings.sseCustomerKey = secret(QStringLiteral("backup_s3_sse_customer_key"));
    settings.sseCustomerAlgorithm =
        textOption(options, QStringLiteral("backup_s3_sse_customer_algorithm")).trimmed();
    if (settings.sseCustomerKey.isEmpty() != settings.sseCustomerAlgorithm.isEmpty()) {
        // Cinder's behaviour: one without the other disables SSE-C.
        qCWarning(lcS3).noquote()
            << QStringLiteral("S3 backend %1: both backup_s3_sse_customer_algorithm and "
                              "backup_s3_sse_customer_key must be set to enable SSE-C; SSE-C is "
                              "off")
                   .arg(config.name);
        settings.sseCustomerKey.clear();
        settings.sseCustomerAlgorithm.clear();
    }
    if (!settings.sseCustomerAlgorithm.isEmpty()) {
        if (settings.sseCustomerAlgorithm != QLatin1String("AES256"))
            throw Error(QStringLiteral("backup_s3_sse_customer_algorithm must be AES256, not '%1'")
                            .arg(settings.sseCustomerAlgorithm));
        if (settings.sseCustomerKey.toUtf8().size() != 32)
            throw Error(QStringLiteral("backup_s3_sse_customer_key must be 32 bytes for AES256 "
                                       "(it has %1)")
                            .arg(settings.sseCustomerKey.toUtf8().size()));
    }
    settings.httpProxy = textOption(options, QStringLiteral("backup_s3_http_proxy")).trimmed();
    settings.httpsProxy = textOption(options, QStringLiteral("backup_s3_https_proxy")).trimmed();

    settings.region = textOption(options, QStringLiteral("ember_s3_region"), settings.region);
    if (settings.region.trimmed().isEmpty())
        settings.region = QStringLiteral("us-east-1");
    const QString addressing =
        textOption(options, QStringLiteral("ember_s3_addressing"), QStringLiteral("path"));
    if (addressing != QLatin1String("path") && addressing != QLatin1String("virtual"))
        throw Error(QStringLiteral("ember_s3_addressing must be 'path' or 'virtual', not '%1'")
                        .arg(addressing));
    settings.virtualHosted = addressing == QLatin1String("virtual");
    settings.partSize =
        integerOption(options, QStringLiteral("ember_s3_part_size"), settings.partSize);
    if (settings.partSize < MinimumPartSize)
        throw Error(QStringLiteral("ember_s3_part_size must be at least 5 MiB (%1 bytes), S3's "
                                   "smallest part")
                        .arg(MinimumPartSize));
    settings.listingLimit = int(
        integerOption(options, QStringLiteral("ember_s3_listing_limit"), settings.listingLimit));
    if (settings.listingLimit < 1 || settings.listingLimit > 1000)
        throw Error(QStringLiteral("ember_s3_listing_limit must be between 1 and 1000"));
    settings.parallelTransfers = int(integerOption(
        options, QStringLiteral("ember_s3_parallel_transfers"), settings.parallelTransfers));
    if (settings.parallelTransfers < 1)
        throw Error(QStringLiteral("ember_s3_parallel_transfers must be at least 1"));
    settings.objectLockMode =
        textOption(options, QStringLiteral("ember_s3_object_lock_mode")).trimmed().toUpper();
    settings.objectLockDays =
        int(integerOption(options, QStringLiteral("ember_s3_object_lock_days"), 0));
    if (!settings.objectLockMode.isEmpty()) {
        if (settings.objectLockMode != QLatin1String("GOVERNANCE") &&
            settings.objectLockMode != QLatin1String("COMPLIANCE"))
            throw Error(QStringLiteral("ember_s3_object_lock_mode must be GOVERNANCE or "
                                       "COMPLIANCE (or empty), not '%1'")
                            .arg(settings.objectLockMode));
        if (settings.objectLockDays <= 0)
            throw Error(QStringLiteral("ember_s3_object_lock_mode %1 needs "
                                       "ember_s3_object_lock_days above 0 (how long backups stay "
                                       "locked)")
                            .arg(settings.objectLockMode));
    }
    return settings;
}

// ------------------------------------------------------------ the store

namespace {

// Reads up to `size` bytes from the producer (fewer only at its end).
QByteArray fill(const DataProducer& producer, qint64 size, QByteArray carried = {})
{
    QByteArray buffer = std::move(carried);
    const qsizetype start = buffer.size();
    buffer.resize(qsizetype(size));
    qsizetype filled = start;
    while (filled < size) {
        const size_t produced = producer(buffer.data() + filled, size_t(size - filled));
        if (produced == 0)
            break;
        filled += qsizetype(produced);
    }
    buffer.resize(filled);
    return buffer;
}

QByteArray md5Of(const QByteArray& bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Md5);
}

} // namespace

S3ObjectStore::S3ObjectStore(S3Settings settings)
    : m_settings(std::move(settings)), m_counters(std::make_shared<Counters>(m_settings))
{
    if (!m_settings.objectLockMode.isEmpty() && m_settings.objectLockDays > 0) {
        // Whole seconds: the date goes into headers and the catalog.
        QDateTime now = QDateTime::currentDateTimeUtc();
        now.setTime(QTime(now.time().hour(), now.time().minute(), now.time().second()));
        m_retention =
            ObjectRetention{m_settings.objectLockMode, now.addDays(m_settings.objectLockDays)};
    }
}

QString S3ObjectStore::serviceName() const
{
    return QStringLiteral("cinder.backup.drivers.s3.S3BackupDriver");
}

QString S3ObjectStore::objectPrefix(const Backup& backup, const QDateTime& startUtc) const
{
    return cinderZonedObjectPrefix(backup, startUtc);
}

QString S3ObjectStore::defaultContainer(const Backup&) const
{
    return m_settings.bucket;
}

QString S3ObjectStore::invalidContainer(const QString& container) const
{
    return whyNotBucketName(container);
}

QString S3ObjectStore::invalidObjectPrefix(const QString& prefix) const
{
    return whyNotObjectKey(prefix);
}

namespace {

void checkNames(const QString& container, const QString& name)
{
    if (const QString why = whyNotBucketName(container); !why.isEmpty())
        throw Error(why);
    if (const QString why = whyNotObjectKey(name); !why.isEmpty())
        throw Error(why);
}

} // namespace

void S3ObjectStore::ensureContainer(const QString& container)
{
    if (const QString why = whyNotBucketName(container); !why.isEmpty())
        throw Error(why);
    const bool locking = m_retention.has_value();
    if (!bucketExists(container)) {
        createBucket(container, locking);
        return;
    }
    if (locking && !objectLockStatus(container).enabled)
        throw Error(QStringLiteral("bucket %1 at %2 has no Object Lock, so backups cannot be "
                                   "made immutable (ember_s3_object_lock_mode %3); Object Lock "
                                   "can only be enabled when a bucket is created: use a new "
                                   "bucket, or clear ember_s3_object_lock_mode")
                        .arg(container, m_settings.endpointUrl, m_settings.objectLockMode));
}

void S3ObjectStore::put(const QString& container, const QString& name, const DataProducer& producer,
                        std::optional<qint64> length)
{
    checkNames(container, name);
    S3Connection& s3 = *m_counters;
    const qint64 partSize = m_settings.partSize;
    const bool checkEtags = m_settings.md5Validation && !s3.sse();
    const bool sendMd5 = m_settings.md5Validation || m_retention.has_value();

    QList<QPair<QByteArray, QByteArray>> objectHeaders = s3.sseHeaders();
    if (m_retention) {
        objectHeaders.append(Pair("x-amz-object-lock-mode", m_retention->mode.toUtf8()));
        objectHeaders.append(
            Pair("x-amz-object-lock-retain-until-date", s3Date(m_retention->until)));
    }

    // A known small object gets a buffer of its size, not of a whole part.
    const qint64 firstSize = length ? std::clamp(*length, qint64(0), partSize) : partSize;
    QByteArray buffer = fill(producer, firstSize);
    // One byte more says whether the object is bigger than one part, and lets
    // the producer reach its end (0), where it may finish its own work.
    QByteArray carried;
    if (buffer.size() == firstSize) {
        char next = 0;
        if (producer(&next, 1) == 1)
            carried = QByteArray(1, next);
    }
    if (!carried.isEmpty() && buffer.size() < partSize)
        throw Error(QStringLiteral("object %1 for bucket %2 has more than the %3 bytes announced")
                        .arg(name, container)
                        .arg(firstSize));

    if (carried.isEmpty()) {
        // One PUT; the engine retries whole objects (retryPolicy()).
        const QByteArray digest = md5Of(buffer);
        Request request;
        request.method = "PUT";
        request.bucket = container;
        request.key = name;
        request.headers = objectHeaders;
        if (sendMd5)
            request.headers.append(Pair("Content-MD5", digest.toBase64()));
        request.bodyBytes = buffer;
        request.sendBody = true;
        request.unsignedPayload = true;
        const http::HttpResponse response = s3.checked(request);
        if (checkEtags) {
            const QByteArray etag = unquotedEtag(response.header("etag"));
            if (etag != digest.toHex())
                throw TransientError(QStringLiteral("S3 at %1 stored object %2 in bucket %3 with "
                                                    "ETag %4, but the data sent has MD5 %5")
                                         .arg(m_settings.endpointUrl, name, container,
                                              QString::fromLatin1(etag),
                                              QString::fromLatin1(digest.toHex())));
        }
        return;
    }

    // Multipart: each part buffered (memory stays at one part), replayed on
    // transient failures; any failure aborts the upload.
    Request create;
    create.method = "POST";
    create.bucket = container;
    create.key = name;
    create.query = {{"uploads", ""}};
    create.headers = objectHeaders;
    create.sendBody = true;
    const QString uploadId = xmlValue(s3.retryingChecked(create).body, QStringLiteral("UploadId"));
    if (uploadId.isEmpty())
        throw Error(QStringLiteral("S3 at %1 started no multipart upload for object %2 in bucket "
                                   "%3 (no UploadId in its answer)")
                        .arg(m_settings.endpointUrl, name, container));
    try {
        QList<QByteArray> etags;
        QByteArray digests;
        int partNumber = 0;
        while (!buffer.isEmpty()) {
            ++partNumber;
            const QByteArray digest = md5Of(buffer);
            Request part;
            part.method = "PUT";
            part.bucket = container;
            part.key = name;
            part.query = {{"partNumber", QByteArray::number(partNumber)},
                          {"uploadId", uploadId.toUtf8()}};
            part.headers = s3.sseHeaders();
            if (sendMd5)
                part.headers.append(Pair("Content-MD5", digest.toBase64()));
            part.bodyBytes = buffer;
            part.sendBody = true;
            part.unsignedPayload = true;
            QByteArray etag;
            s3.retrying([&] {
                const http::HttpResponse response = s3.checked(part);
                etag = response.header("etag");
                if (checkEtags && unquotedEtag(etag) != digest.toHex())
                    throw TransientError(
                        QStringLiteral("S3 at %1 stored part %2 of object %3 in bucket %4 with "
                                       "ETag %5, but the data sent has MD5 %6")
                            .arg(m_settings.endpointUrl)
                            .arg(partNumber)
                            .arg(name, container, QString::fromLatin1(unquotedEtag(etag)),
                                 QString::fromLatin1(digest.toHex())));
            });
            etags.append(etag);
            digests += digest;
            buffer = fill(producer, partSize, std::move(carried));
            carried.clear();
        }
        QByteArray body = "<CompleteMultipartUpload>";
        for (int index = 0; index < etags.size(); ++index)
            body += "<Part><PartNumber>" + QByteArray::number(index + 1) + "</PartNumber><ETag>" +
                    xmlEscape(QString::fromUtf8(etags[index])) + "</ETag></Part>";
        body += "</CompleteMultipartUpload>";
        Request complete;
        complete.method = "POST";
        complete.bucket = container;
        complete.key = name;
        complete.query = {{"uploadId", uploadId.toUtf8()}};
        complete.headers = {{"Content-Type", "application/xml"}};
        complete.bodyBytes = body;
        const http::HttpResponse response = s3.retryingChecked(complete);
        if (checkEtags) {
            // S3's multipart ETag: the MD5 of the parts' MD5s, "-", the part count.
            const QByteArray expected =
                md5Of(digests).toHex() + '-' + QByteArray::number(etags.size());
            const QByteArray etag =
                unquotedEtag(xmlValue(response.body, QStringLiteral("ETag")).toUtf8());
            if (!etag.isEmpty() && etag != expected)
                throw TransientError(QStringLiteral("S3 at %1 assembled object %2 in bucket %3 "
                                                    "with ETag %4, but its parts give %5")
                                         .arg(m_settings.endpointUrl, name, container,
                                              QString::fromLatin1(etag),
                                              QString::fromLatin1(expected)));
        }
        if (m_retention) {
            // Some services (radosgw 16) ignore the lock headers of
            // CreateMultipartUpload: set the retention on the assembled version.
            const QByteArray body = "<Retention><Mode>" + m_retention->mode.toUtf8() +
                                    "</Mode><RetainUntilDate>" + s3Date(m_retention->until) +
                                    "</RetainUntilDate></Retention>";
            Request retention;
            retention.method = "PUT";
            retention.bucket = container;
            retention.key = name;
            retention.query = {{"retention", ""}};
            if (const QByteArray version = response.header("x-amz-version-id"); !version.isEmpty())
                retention.query.append(Pair("versionId", version));
            retention.headers = {{"Content-MD5", md5Of(body).toBase64()},
                                 {"Content-Type", "application/xml"}};
            retention.bodyBytes = body;
            s3.retryingChecked(retention);
        }
    } catch (...) {
        Request abort;
        abort.method = "DELETE";
        abort.bucket = container;
        abort.key = name;
        abort.query = {{"uploadId", uploadId.toUtf8()}};
        try {
            const http::HttpResponse response = s3.send(abort);
            if (!response.ok() && response.status != 404)
                qCWarning(lcS3).noquote()
                    << QStringLiteral("could not abort the multipart upload of %1 in bucket %2 "
                                      "(HTTP %3); the bucket's lifecycle rules must clean it up")
                           .arg(name, container)
                           .arg(response.status);
        } catch (const Error& error) {
            qCWarning(lcS3).noquote()
                << QStringLiteral("could not abort the multipart upload of %1 in bucket %2: %3")
                       .arg(name, container, error.message());
        }
        throw;
    }
}

namespace {

struct ObjectVersion
{
    QString versionId;
    bool deleteMarker = false;
    QDateTime lastModified;
};

// Every version and delete marker of exactly `name`, newest first.
QList<ObjectVersion> versionsOf(S3Connection& s3, const QString& bucket, const QString& name)
{
    QList<ObjectVersion> versions;
    QString keyMarker;
    QString versionMarker;
    for (;;) {
        Request request;
        request.bucket = bucket;
        request.query = {{"versions", ""},
                         {"prefix", name.toUtf8()},
                         {"max-keys", QByteArray::number(s3.settings().listingLimit)}};
        if (!keyMarker.isEmpty())
            request.query.append(Pair("key-marker", keyMarker.toUtf8()));
        if (!versionMarker.isEmpty())
            request.query.append(Pair("version-id-marker", versionMarker.toUtf8()));
        const http::HttpResponse response = s3.retryingChecked(request);
        for (const auto& record : xmlRecords(
                 response.body, {QStringLiteral("Version"), QStringLiteral("DeleteMarker")})) {
            if (record.value(QStringLiteral("Key")) != name)
                continue;
            versions.append(
                {record.value(QStringLiteral("VersionId")),
                 record.value(QStringLiteral("$element")) == QLatin1String("DeleteMarker"),
                 parseS3Date(record.value(QStringLiteral("LastModified")))});
        }
        if (xmlValue(response.body, QStringLiteral("IsTruncated")) != QLatin1String("true"))
            break;
        keyMarker = xmlValue(response.body, QStringLiteral("NextKeyMarker"));
        versionMarker = xmlValue(response.body, QStringLiteral("NextVersionIdMarker"));
        if (keyMarker.isEmpty() || keyMarker > name)
            break;
    }
    std::stable_sort(versions.begin(), versions.end(),
                     [](const ObjectVersion& a, const ObjectVersion& b) {
                         return a.lastModified > b.lastModified;
                     });
    return versions;
}

// Every name under `prefix` with a stored version (ListObjectVersions), also
// those whose newest version is a delete marker (a plain client's DELETE on a
// versioned bucket): their data is still there, and under Object Lock it stays.
QStringList namesWithData(S3Connection& s3, const QString& bucket, const QString& prefix)
{
    QSet<QString> names;
    QString keyMarker;
    QString versionMarker;
    for (;;) {
        Request request;
        request.bucket = bucket;
        request.query = {{"versions", ""},
                         {"max-keys", QByteArray::number(s3.settings().listingLimit)}};
        if (!prefix.isEmpty())
            request.query.append(Pair("prefix", prefix.toUtf8()));
        if (!keyMarker.isEmpty())
            request.query.append(Pair("key-marker", keyMarker.toUtf8()));
        if (!versionMarker.isEmpty())
            request.query.append(Pair("version-id-marker", versionMarker.toUtf8()));
        const http::HttpResponse response = s3.retryingChecked(request);
        for (const auto& record : xmlRecords(response.body, {QStringLiteral("Version")}))
            names.insert(record.value(QStringLiteral("Key")));
        if (xmlValue(response.body, QStringLiteral("IsTruncated")) != QLatin1String("true"))
            break;
        const QString nextKey = xmlValue(response.body, QStringLiteral("NextKeyMarker"));
        const QString nextVersion = xmlValue(response.body, QStringLiteral("NextVersionIdMarker"));
        if (nextKey.isEmpty() || (nextKey == keyMarker && nextVersion == versionMarker))
            throw Error(QStringLiteral("S3 at %1 said the version listing of bucket %2 goes on "
                                       "but gave no next key marker to go on from")
                            .arg(s3.settings().endpointUrl, bucket));
        keyMarker = nextKey;
        versionMarker = nextVersion;
    }
    return QStringList(names.begin(), names.end());
}

} // namespace

void S3ObjectStore::get(const QString& container, const QString& name, const DataConsumer& consumer)
{
    download(container, name, consumer, true);
}

void S3ObjectStore::getCheckedByCaller(const QString& container, const QString& name,
                                       const DataConsumer& consumer)
{
    download(container, name, consumer, false);
}

void S3ObjectStore::download(const QString& container, const QString& name,
                             const DataConsumer& consumer, bool etagWanted)
{
    checkNames(container, name);
    S3Connection& s3 = *m_counters;
    const bool checkEtag = etagWanted && m_settings.md5Validation && !s3.sse();

    const auto read = [&](const QString& versionId) -> http::HttpResponse {
        // OpenSSL's MD5 (Digest): Qt's portable one cost a third of a restore's CPU.
        Digest md5(Digest::Algorithm::Md5);
        qint64 delivered = 0;
        const DataConsumer sink = [&](const char* data, size_t size) {
            if (checkEtag)
                md5.update(data, size);
            delivered += qint64(size);
            consumer(data, size);
        };
        Request request;
        request.bucket = container;
        request.key = name;
        if (!versionId.isEmpty())
            request.query = {{"versionId", versionId.toUtf8()}};
        request.headers = s3.sseHeaders();
        request.sink = &sink;
        http::HttpResponse response;
        std::exception_ptr afterData;
        // Retried here only while nothing reached the consumer; after that
        // the engine retries the whole object.
        s3.retrying([&] {
            try {
                response = s3.send(request);
            } catch (const TransientError&) {
                if (delivered > 0) {
                    afterData = std::current_exception();
                    return;
                }
                throw;
            }
            if (response.ok() || response.status == 404)
                return;
            s3.throwError(request, response);
        });
        if (afterData)
            std::rethrow_exception(afterData);
        if (response.ok() && checkEtag) {
            const QByteArray etag = unquotedEtag(response.header("etag"));
            const QByteArray received = md5.finalHex();
            if (etag.size() == 32 && etag != received)
                throw TransientError(QStringLiteral("object %1 read from bucket %2 at %3 has MD5 "
                                                    "%4, but S3 reports ETag %5")
                                         .arg(name, container, m_settings.endpointUrl,
                                              QString::fromLatin1(received),
                                              QString::fromLatin1(etag)));
        }
        return response;
    };

    http::HttpResponse response = read({});
    if (response.ok())
        return;
    const QString code = xmlValue(response.body, QStringLiteral("Code"));
    if (code == QLatin1String("NoSuchBucket")) {
        Request request;
        request.bucket = container;
        s3.throwError(request, response);
    }
    // A delete marker hides the object (a plain client's DELETE on a
    // versioned bucket): with Object Lock the data is still there.
    if (response.header("x-amz-delete-marker") == "true" || m_retention) {
        for (const ObjectVersion& version : versionsOf(s3, container, name)) {
            if (version.deleteMarker)
                continue;
            qCInfo(lcS3).noquote()
                << QStringLiteral("object %1 in bucket %2 is hidden by a delete marker; reading "
                                  "its version %3")
                       .arg(name, container, version.versionId);
            response = read(version.versionId);
            if (response.ok())
                return;
            break;
        }
    }
    throw ObjectMissing(QStringLiteral("object %1 is missing from bucket %2 at %3")
                            .arg(name, container, m_settings.endpointUrl));
}

QStringList S3ObjectStore::list(const QString& container, const QString& prefix)
{
    if (const QString why = whyNotBucketName(container); !why.isEmpty())
        throw Error(why);
    S3Connection& s3 = *m_counters;
    // A restore must see objects a delete marker hides. Listing versions costs
    // more, so only a locking store or a versioned bucket pays for it.
    bool versioned = m_retention.has_value();
    if (!versioned) {
        try {
            versioned = s3.versioned(container);
        } catch (const S3Error& error) {
            // A key without the right to ask (or a service without versioning):
            // the plain listing below names any real problem.
            qCDebug(lcS3).noquote() << error.message();
        }
    }
    if (versioned) {
        QStringList names = namesWithData(s3, container, prefix);
        names.sort();
        return names;
    }
    QStringList names;
    QString token;
    for (;;) {
        Request request;
        request.bucket = container;
        request.query = {{"list-type", "2"},
                         {"max-keys", QByteArray::number(m_settings.listingLimit)}};
        if (!prefix.isEmpty())
            request.query.append(Pair("prefix", prefix.toUtf8()));
        if (!token.isEmpty())
            request.query.append(Pair("continuation-token", token.toUtf8()));
        const http::HttpResponse response = s3.retryingChecked(request);
        for (const auto& record : xmlRecords(response.body, {QStringLiteral("Contents")}))
            names.append(record.value(QStringLiteral("Key")));
        if (xmlValue(response.body, QStringLiteral("IsTruncated")) != QLatin1String("true"))
            break;
        token = xmlValue(response.body, QStringLiteral("NextContinuationToken"));
        if (token.isEmpty())
            throw Error(QStringLiteral("S3 at %1 said the listing of bucket %2 goes on but gave "
                                       "no continuation token")
                            .arg(m_settings.endpointUrl, container));
    }
    names.sort();
    return names;
}

namespace {

ObjectRetention retentionOf(S3Connection& s3, const QString& bucket, const QString& name,
                            const QString& versionId)
{
    Request request;
    request.bucket = bucket;
    request.key = name;
    request.query = {{"retention", ""}};
    if (!versionId.isEmpty())
        request.query.append(Pair("versionId", versionId.toUtf8()));
    http::HttpResponse response;
    s3.retrying([&] {
        response = s3.send(request);
        if (!response.ok() && response.status != 404 && response.status != 400)
            s3.throwError(request, response);
    });
    if (!response.ok())
        return {}; // no retention (or no such object)
    ObjectRetention retention;
    retention.mode = xmlValue(response.body, QStringLiteral("Mode"));
    retention.until = parseS3Date(xmlValue(response.body, QStringLiteral("RetainUntilDate")));
    return retention;
}

[[noreturn]] void throwLocked(S3Connection& s3, const S3Error& refusal, const QString& bucket,
                              const QString& name, const QString& versionId)
{
    ObjectRetention retention;
    try {
        retention = retentionOf(s3, bucket, name, versionId);
    } catch (const Error&) {
        throw refusal;
    }
    if (!retention.until.isValid())
        throw refusal;
    throw ObjectLocked(QStringLiteral("object %1 in bucket %2 is locked (%3) until %4 UTC; it "
                                      "can be deleted from then on")
                           .arg(name, bucket, retention.mode,
                                retention.until.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
}

} // namespace

void S3ObjectStore::remove(const QString& container, const QString& name)
{
    checkNames(container, name);
    S3Connection& s3 = *m_counters;
    const auto deleteOne = [&](const QString& versionId) {
        Request request;
        request.method = "DELETE";
        request.bucket = container;
        request.key = name;
        if (!versionId.isEmpty())
            request.query = {{"versionId", versionId.toUtf8()}};
        try {
            s3.retrying([&] {
                const http::HttpResponse response = s3.send(request);
                if (response.ok() || response.status == 404) {
                    if (response.status == 404 && xmlValue(response.body, QStringLiteral("Code")) ==
                                                      QLatin1String("NoSuchBucket"))
                        s3.throwError(request, response);
                    return;
                }
                s3.throwError(request, response);
            });
        } catch (const S3Error& error) {
            if (error.status() == 403)
                throwLocked(s3, error, container, name, versionId);
            throw;
        }
    };
    if (!s3.versioned(container)) {
        deleteOne({});
        return;
    }
    // Every version: delete markers first (so a locked version refusing
    // leaves the object readable), then the data.
    const QList<ObjectVersion> versions = versionsOf(s3, container, name);
    for (const ObjectVersion& version : versions)
        if (version.deleteMarker)
            deleteOne(version.versionId);
    for (const ObjectVersion& version : versions)
        if (!version.deleteMarker)
            deleteOne(version.versionId);
}

RetryPolicy S3ObjectStore::retryPolicy() const
{
    return m_counters->retryPolicy();
}

std::optional<ObjectRetention> S3ObjectStore::retentionForNewObjects() const
{
    return m_retention;
}

QStringList S3ObjectStore::listBuckets(QString* server)
{
    Request request;
    const http::HttpResponse response = m_counters->retryingChecked(request);
    if (server)
        *server = QString::fromUtf8(response.header("server"));
    QStringList names;
    for (const auto& record : xmlRecords(response.body, {QStringLiteral("Bucket")}))
        names.append(record.value(QStringLiteral("Name")));
    return names;
}

bool S3ObjectStore::bucketExists(const QString& bucket)
{
    S3Connection& s3 = *m_counters;
    Request request;
    request.method = "HEAD";
    request.bucket = bucket;
    bool exists = false;
    s3.retrying([&] {
        const http::HttpResponse response = s3.send(request);
        if (response.status == 404) {
            exists = false;
            return;
        }
        if (response.ok()) {
            exists = true;
            return;
        }
        if (response.status >= 400 && response.status < 500 && response.body.isEmpty()) {
            // A HEAD answer has no body to name the refusal (an unknown access
            // key, a wrong secret key, a missing permission): ask with a GET.
            Request location;
            location.bucket = bucket;
            location.query = {{"location", ""}};
            const http::HttpResponse answer = s3.send(location);
            if (!answer.ok())
                s3.throwError(location, answer);
        }
        s3.throwError(request, response);
    });
    return exists;
}

void S3ObjectStore::createBucket(const QString& bucket, bool objectLock)
{
    if (const QString why = whyNotBucketName(bucket); !why.isEmpty())
        throw Error(why);
    S3Connection& s3 = *m_counters;
    Request request;
    request.method = "PUT";
    request.bucket = bucket;
    request.sendBody = true;
    if (objectLock)
        request.headers.append(Pair("x-amz-bucket-object-lock-enabled", "true"));
    // AWS wants the region named outside us-east-1; other services take the endpoint's.
    if (QUrl(m_settings.endpointUrl).host().endsWith(QLatin1String("amazonaws.com")) &&
        m_settings.region != QLatin1String("us-east-1"))
        request.bodyBytes = "<CreateBucketConfiguration><LocationConstraint>" +
                            xmlEscape(m_settings.region) +
                            "</LocationConstraint></CreateBucketConfiguration>";
    s3.retrying([&] {
        const http::HttpResponse response = s3.send(request);
        const QString code = xmlValue(response.body, QStringLiteral("Code"));
        if (response.ok() || code == QLatin1String("BucketAlreadyOwnedByYou"))
            return;
        // Some services answer BucketAlreadyExists to their owner too.
        if (code == QLatin1String("BucketAlreadyExists") && bucketExists(bucket))
            return;
        s3.throwError(request, response);
    });
}

S3ObjectStore::ObjectLockStatus S3ObjectStore::objectLockStatus(const QString& bucket)
{
    S3Connection& s3 = *m_counters;
    Request request;
    request.bucket = bucket;
    request.query = {{"object-lock", ""}};
    http::HttpResponse response;
    s3.retrying([&] {
        response = s3.send(request);
        if (response.ok())
            return;
        const QString code = xmlValue(response.body, QStringLiteral("Code"));
        if (response.status == 404 && code != QLatin1String("NoSuchBucket"))
            return; // ObjectLockConfigurationNotFoundError
        s3.throwError(request, response);
    });
    ObjectLockStatus status;
    if (!response.ok())
        return status;
    status.enabled =
        xmlValue(response.body, QStringLiteral("ObjectLockEnabled")) == QLatin1String("Enabled");
    status.defaultMode = xmlValue(response.body, QStringLiteral("Mode"));
    status.defaultDays = xmlValue(response.body, QStringLiteral("Days")).toInt();
    if (status.defaultDays == 0)
        status.defaultDays = xmlValue(response.body, QStringLiteral("Years")).toInt() * 365;
    return status;
}

ObjectRetention S3ObjectStore::objectRetention(const QString& bucket, const QString& name)
{
    checkNames(bucket, name);
    return retentionOf(*m_counters, bucket, name, {});
}

int S3ObjectStore::retriedRequests() const
{
    return m_counters->retried();
}

} // namespace ember
