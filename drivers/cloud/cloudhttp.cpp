#include "cloudhttp.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrl>
#include <cmath>

namespace ember::cloud::detail {

namespace {

// Where a URL points, for messages: scheme, host, port and path, never a query.
QString addressOf(const QString& url)
{
    const QUrl parsed(url);
    if (!parsed.isValid())
        return printable(url, 200);
    return parsed.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo)
        .toString();
}

} // namespace

http::HttpResponse send(http::HttpRequest request, const CloudProfile& profile,
                        const QString& service)
{
    QByteArray collected;
    const DataConsumer collect = [&collected, &service](const char* data, size_t length) {
        if (collected.size() + qint64(length) > MaxReplyBytes)
            throw CloudError(CloudErrorKind::BadResponse,
                             QStringLiteral("%1 sent a reply larger than %2 MiB; it is not read")
                                 .arg(service)
                                 .arg(MaxReplyBytes / (1024 * 1024)));
        collected.append(data, qsizetype(length));
    };
    request.sink = &collect;
    request.expectContinue = false; // small bodies, repeated from memory after a 401
    http::HttpTimeouts timeouts;
    timeouts.connectSeconds = 10;
    timeouts.stallSeconds = 60;
    const http::TlsSettings tls{profile.caCertFile, profile.insecure};
    const QString where = addressOf(request.url);
    const QString cloud = profile.name.isEmpty() ? QStringLiteral("the cloud")
                                                 : QStringLiteral("cloud '%1'").arg(profile.name);
    try {
        http::HttpResponse response = http::perform(request, tls, timeouts);
        if (response.ok())
            response.body = collected;
        return response;
    } catch (const http::TlsFailed& error) {
        switch (error.failure()) {
        case http::TransportFailure::TlsCaFile:
            throw CloudError(CloudErrorKind::TlsUntrusted,
                             QStringLiteral("cannot use the CA certificate file '%1' of %2 (%3); "
                                            "check the cacert setting (OS_CACERT)")
                                 .arg(profile.caCertFile, cloud, error.detail()));
        case http::TransportFailure::TlsHandshake:
            throw CloudError(CloudErrorKind::TlsUntrusted,
                             QStringLiteral("the TLS handshake with %1 at %2 failed (%3); is it "
                                            "an https address, and does the server speak TLS?")
                                 .arg(service, where, error.detail()));
        default:
            throw CloudError(
                CloudErrorKind::TlsUntrusted,
                QStringLiteral("the TLS certificate of %1 at %2 is not trusted (%3). Give %4 the "
                               "CA certificate that signed it: cacert: /path/to/ca.pem in its "
                               "clouds.yaml entry (OS_CACERT for the OS_* variables). Only on a "
                               "test cloud: verify: false (OS_INSECURE=true) turns the check off.")
                    .arg(service, where, error.detail(), cloud));
        }
    } catch (const http::ConnectionFailed& error) {
        switch (error.failure()) {
        case http::TransportFailure::Connect:
            throw CloudError(CloudErrorKind::Unreachable,
                             QStringLiteral("cannot connect to %1 at %2 (%3): is %4 running, "
                                            "and is the address right?")
                                 .arg(service, where, error.detail(), service));
        case http::TransportFailure::Resolve:
            throw CloudError(CloudErrorKind::Unreachable,
                             QStringLiteral("cannot find the host of %1 at %2 (%3): check the "
                                            "address and the DNS")
                                 .arg(service, where, error.detail()));
        case http::TransportFailure::Timeout:
            throw CloudError(CloudErrorKind::Unreachable,
                             QStringLiteral("%1 at %2 did not answer in time (%3 s to connect, "
                                            "%4 s without data): %5")
                                 .arg(service, where)
                                 .arg(timeouts.connectSeconds)
                                 .arg(timeouts.stallSeconds)
                                 .arg(error.detail()));
        default:
            throw CloudError(CloudErrorKind::Unreachable,
                             QStringLiteral("the connection to %1 at %2 failed: %3")
                                 .arg(service, where, error.detail()));
        }
    } catch (const CloudError&) {
        throw;
    } catch (const TransientError& error) {
        throw CloudError(CloudErrorKind::Unreachable,
                         QStringLiteral("the connection to %1 at %2 failed: %3")
                             .arg(service, where, error.message()));
    }
}

QJsonObject jsonObject(const QByteArray& body, const QString& what)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        badResponse(QStringLiteral("%1 is not a JSON object").arg(what));
    return document.object();
}

QString errorMessage(const QByteArray& body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return {};
    const QJsonObject object = document.object();
    // One key naming the fault ("badRequest", "itemNotFound", "error", ...).
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isObject())
            continue;
        const QJsonValue message = it.value().toObject().value(QStringLiteral("message"));
        if (message.isString())
            return printable(message.toString());
    }
    const QJsonValue message = object.value(QStringLiteral("message"));
    return message.isString() ? printable(message.toString()) : QString();
}

QString printable(const QString& text, int limit)
{
    QString result;
    result.reserve(std::min<qsizetype>(text.size(), limit));
    for (const QChar c : text) {
        if (result.size() >= limit) {
            result += QStringLiteral("…");
            break;
        }
        if (c == QLatin1Char('\n') || c == QLatin1Char('\t'))
            result += QLatin1Char(' ');
        else if (c.unicode() >= 0x20 && c.unicode() != 0x7f)
            result += c;
    }
    return result.trimmed();
}

void badResponse(const QString& what)
{
    throw CloudError(CloudErrorKind::BadResponse,
                     QStringLiteral("the cloud sent a reply Ember cannot use: %1").arg(what));
}

namespace {

QString checkedText(const QJsonValue& value, const QString& what, int maxLength)
{
    const QString text = value.toString();
    if (text.size() > maxLength)
        badResponse(QStringLiteral("%1 is longer than %2 characters").arg(what).arg(maxLength));
    for (const QChar c : text)
        if (c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\t') &&
            c != QLatin1Char('\r'))
            badResponse(QStringLiteral("%1 contains control characters").arg(what));
    return text;
}

} // namespace

QString requiredString(const QJsonObject& object, const QString& key, const QString& what,
                       int maxLength)
{
    const QJsonValue value = object.value(key);
    if (!value.isString() || value.toString().isEmpty())
        badResponse(QStringLiteral("%1 has no text '%2'").arg(what, key));
    return checkedText(value, QStringLiteral("%1's '%2'").arg(what, key), maxLength);
}

QString optionalString(const QJsonObject& object, const QString& key, const QString& what,
                       int maxLength)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString())
        badResponse(QStringLiteral("%1's '%2' is not text").arg(what, key));
    return checkedText(value, QStringLiteral("%1's '%2'").arg(what, key), maxLength);
}

QString optionalUuid(const QJsonObject& object, const QString& key, const QString& what)
{
    const QString text = optionalString(object, key, what, 64);
    if (!text.isEmpty() && !isCanonicalUuid(text))
        badResponse(QStringLiteral("%1's '%2' is not a UUID").arg(what, key));
    return text;
}

QString requiredUuid(const QJsonObject& object, const QString& key, const QString& what)
{
    const QString text = optionalUuid(object, key, what);
    if (text.isEmpty())
        badResponse(QStringLiteral("%1 has no '%2'").arg(what, key));
    return text;
}

bool isPlainId(const QString& text)
{
    if (text.isEmpty() || text.size() > 64)
        return false;
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
               (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
               (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-') ||
               c == QLatin1Char('_');
    });
}

qint64 optionalCount(const QJsonObject& object, const QString& key, const QString& what,
                     qint64 maximum, qint64 minimum)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return 0;
    const double number = value.toDouble(std::nan(""));
    if (!value.isDouble() || !std::isfinite(number) || number != std::floor(number) ||
        number < double(minimum) || number > double(maximum))
        badResponse(QStringLiteral("%1's '%2' is not a whole number from %3 to %4")
                        .arg(what, key)
                        .arg(minimum)
                        .arg(maximum));
    return qint64(number);
}

bool optionalBool(const QJsonObject& object, const QString& key, const QString& what)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return false;
    if (value.isBool())
        return value.toBool();
    // Cinder sends some flags as text ("bootable": "true").
    if (value.isString()) {
        const QString word = value.toString().toLower();
        if (word == QLatin1String("true"))
            return true;
        if (word == QLatin1String("false"))
            return false;
    }
    badResponse(QStringLiteral("%1's '%2' is neither true nor false").arg(what, key));
}

QDateTime optionalTime(const QJsonObject& object, const QString& key, const QString& what)
{
    const QString text = optionalString(object, key, what, 64);
    if (text.isEmpty())
        return {};
    const QDateTime time = parseCinderTime(text);
    if (!time.isValid())
        badResponse(QStringLiteral("%1's '%2' is not a date and time").arg(what, key));
    return time;
}

} // namespace ember::cloud::detail
