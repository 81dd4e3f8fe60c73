// AWS Signature Version 4 for S3 requests ("Authenticating Requests: Using
// the Authorization Header"). Ember signs itself rather than through
// libcurl's CURLOPT_AWS_SIGV4 because libcurl 7.88 hashes only in-memory
// bodies: a streamed upload needs x-amz-content-sha256 chosen by the caller
// (UNSIGNED-PAYLOAD, the body then protected by Content-MD5), and the store
// must know exactly which headers were signed.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>

namespace ember::s3 {

// The SHA-256 of an empty body, and the payload hash of a body that is not signed.
inline constexpr char EmptyPayloadHash[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr char UnsignedPayload[] = "UNSIGNED-PAYLOAD";

struct SigV4Credentials
{
    QByteArray accessKey;
    QByteArray secretKey;
    QByteArray region = "us-east-1";
    QByteArray service = "s3";
};

struct SigV4Request
{
    QByteArray method = "GET";
    // The URI-encoded absolute path as sent ("/examplebucket/test%24file.text").
    QByteArray path = "/";
    // Query parameters, names and values URI-encoded as sent ("lifecycle" has an empty value).
    QList<QPair<QByteArray, QByteArray>> query;
    // Every header to sign, as sent (Host, x-amz-date and x-amz-content-sha256 included).
    QList<QPair<QByteArray, QByteArray>> headers;
    // Hex SHA-256 of the body, or UnsignedPayload.
    QByteArray payloadHash = EmptyPayloadHash;
};

// RFC 3986 unreserved characters kept, everything else %XX (upper case);
// '/' kept when `keepSlash` (paths).
QByteArray uriEncode(const QByteArray& bytes, bool keepSlash);
QByteArray sha256Hex(const QByteArray& bytes);
QByteArray hmacSha256(const QByteArray& key, const QByteArray& data);
// "20130524T000000Z"
QByteArray amzDate(const QDateTime& utc);

QByteArray canonicalQueryString(const SigV4Request& request);
// Lower-case names, sorted, joined by ';'.
QByteArray signedHeaders(const SigV4Request& request);
QByteArray canonicalRequest(const SigV4Request& request);
QByteArray credentialScope(const QDateTime& utc, const SigV4Credentials& credentials);
QByteArray stringToSign(const QByteArray& canonicalRequest, const QDateTime& utc,
                        const SigV4Credentials& credentials);
QByteArray signingKey(const SigV4Credentials& credentials, const QDateTime& utc);
// Hex signature of the request at `utc`.
QByteArray signature(const SigV4Request& request, const SigV4Credentials& credentials,
                     const QDateTime& utc);
// The Authorization header's value:
// "AWS4-HMAC-SHA256 Credential=.../aws4_request, SignedHeaders=..., Signature=...".
QByteArray authorization(const SigV4Request& request, const SigV4Credentials& credentials,
                         const QDateTime& utc);

} // namespace ember::s3
