#include "s3signer.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <algorithm>

namespace ember::s3 {

QByteArray uriEncode(const QByteArray& bytes, bool keepSlash)
{
    static const char hex[] = "0123456789ABCDEF";
    QByteArray encoded;
    encoded.reserve(bytes.size() * 3);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                                (byte >= '0' && byte <= '9') || byte == '-' || byte == '_' ||
                                byte == '.' || byte == '~';
        if (unreserved || (keepSlash && byte == '/')) {
            encoded.append(c);
        } else {
            encoded.append('%');
            encoded.append(hex[byte >> 4]);
            encoded.append(hex[byte & 0xf]);
        }
    }
    return encoded;
}

QByteArray sha256Hex(const QByteArray& bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

QByteArray hmacSha256(const QByteArray& key, const QByteArray& data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256);
}

QByteArray amzDate(const QDateTime& utc)
{
    return utc.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
}

namespace {

QByteArray dateStamp(const QDateTime& utc)
{
    return utc.toUTC().toString(QStringLiteral("yyyyMMdd")).toLatin1();
}

// Trimmed, with runs of spaces collapsed to one (AWS's Trimall).
QByteArray trimAll(const QByteArray& value)
{
    return value.simplified();
}

QList<QPair<QByteArray, QByteArray>> sortedHeaders(const SigV4Request& request)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    for (const auto& [name, value] : request.headers)
        headers.append({name.trimmed().toLower(), trimAll(value)});
    std::stable_sort(headers.begin(), headers.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    // Repeated names are joined by commas, in their order.
    QList<QPair<QByteArray, QByteArray>> merged;
    for (const auto& header : headers) {
        if (!merged.isEmpty() && merged.last().first == header.first)
            merged.last().second += ',' + header.second;
        else
            merged.append(header);
    }
    return merged;
}

} // namespace

QByteArray canonicalQueryString(const SigV4Request& request)
{
    QList<QPair<QByteArray, QByteArray>> query = request.query;
    std::sort(query.begin(), query.end());
    QByteArray result;
    for (const auto& [name, value] : query) {
        if (!result.isEmpty())
            result += '&';
        result += name + '=' + value;
    }
    return result;
}

QByteArray signedHeaders(const SigV4Request& request)
{
    QByteArray result;
    for (const auto& header : sortedHeaders(request)) {
        if (!result.isEmpty())
            result += ';';
        result += header.first;
    }
    return result;
}

QByteArray canonicalRequest(const SigV4Request& request)
{
    QByteArray canonicalHeaders;
    for (const auto& [name, value] : sortedHeaders(request))
        canonicalHeaders += name + ':' + value + '\n';
    return request.method + '\n' + (request.path.isEmpty() ? QByteArray("/") : request.path) +
           '\n' + canonicalQueryString(request) + '\n' + canonicalHeaders + '\n' +
           signedHeaders(request) + '\n' + request.payloadHash;
}

QByteArray credentialScope(const QDateTime& utc, const SigV4Credentials& credentials)
{
    return dateStamp(utc) + '/' + credentials.region + '/' + credentials.service + "/aws4_request";
}

QByteArray stringToSign(const QByteArray& canonicalRequest, const QDateTime& utc,
                        const SigV4Credentials& credentials)
{
    return "AWS4-HMAC-SHA256\n" + amzDate(utc) + '\n' + credentialScope(utc, credentials) + '\n' +
           sha256Hex(canonicalRequest);
}

QByteArray signingKey(const SigV4Credentials& credentials, const QDateTime& utc)
{
    const QByteArray dateKey = hmacSha256("AWS4" + credentials.secretKey, dateStamp(utc));
    const QByteArray regionKey = hmacSha256(dateKey, credentials.region);
    const QByteArray serviceKey = hmacSha256(regionKey, credentials.service);
    return hmacSha256(serviceKey, "aws4_request");
}

QByteArray signature(const SigV4Request& request, const SigV4Credentials& credentials,
                     const QDateTime& utc)
{
    return hmacSha256(signingKey(credentials, utc),
                      stringToSign(canonicalRequest(request), utc, credentials))
        .toHex();
}

QByteArray authorization(const SigV4Request& request, const SigV4Credentials& credentials,
                         const QDateTime& utc)
{
    return "AWS4-HMAC-SHA256 Credential=" + credentials.accessKey + '/' +
           credentialScope(utc, credentials) + ", SignedHeaders=" + signedHeaders(request) +
           ", Signature=" + signature(request, credentials, utc);
}

} // namespace ember::s3
