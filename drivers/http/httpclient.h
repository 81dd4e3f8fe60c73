// A small blocking HTTP client over libcurl (the Swift store, Keystone, Cinder's API): one easy
// handle per thread (connections are reused per thread), streaming request
// and response bodies, and transport failures turned into plain-words errors.
#pragma once

#include "objectstore.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <optional>

namespace ember::http {

struct TlsSettings
{
    QString caCertFile; // empty = the system's trust store
    bool insecure = false;
};

struct HttpRequest
{
    QByteArray method = "GET";
    QString url;                        // already percent-encoded
    QList<QByteArray> headers;          // "Name: value"
    const DataProducer* body = nullptr; // PUT/POST body pulled in pieces
    std::optional<qint64> bodyLength;   // Content-Length when known, else chunked
    QByteArray bodyBytes;               // small in-memory body (used when `body` is null)
    bool sendBody = false;              // true for PUT/POST even when empty
    // Send the body only after the server's "100 Continue" (up to 2 s): lets a server
    // refuse a streamed body before the producer is consumed. Small API requests turn it
    // off (servers without 100 Continue, like uwsgi, would add 2 s to each).
    bool expectContinue = true;
    const DataConsumer* sink = nullptr; // receives a 2xx body; others are collected
    // Observes every uploaded piece (the store hashes them on the fly).
    std::function<void(const char*, size_t)> onUpload;
    // Observes every 2xx body piece before it goes to the sink.
    std::function<void(const char*, size_t)> onDownload;
    // The proxy to go through ("host:port" or a URL); empty = libcurl's default.
    QString proxy;
};

struct HttpResponse
{
    long status = 0;
    QMap<QByteArray, QByteArray> headers; // names lower case
    QByteArray body;                      // non-2xx bodies and bodies without a sink
    qint64 bytesUploaded = 0;             // how much the producer delivered
    qint64 bytesDownloaded = 0;           // how much went to the sink

    QByteArray header(const QByteArray& lowerName) const { return headers.value(lowerName); }
    bool ok() const { return status >= 200 && status < 300; }
};

// Transport failures keep their cause, so a caller (the cloud client) can word its own
// message and tell an unreachable host from an untrusted certificate. Both keep the
// base classes callers already catch (TransientError: worth a retry; Error: not).
enum class TransportFailure
{
    Connect,      // refused, no route
    Resolve,      // DNS
    Timeout,      // no connection or no data in time
    TlsHandshake, // not TLS, protocol mismatch
    TlsCaFile,    // the CA file cannot be used
    TlsUntrusted, // certificate not trusted, expired or for another host
    Other,
};

class ConnectionFailed : public TransientError
{
public:
    ConnectionFailed(TransportFailure failure, const QString& message, const QString& detail)
        : TransientError(message), m_failure(failure), m_detail(detail)
    {
    }
    TransportFailure failure() const { return m_failure; }
    const QString& detail() const { return m_detail; } // libcurl's words

private:
    TransportFailure m_failure;
    QString m_detail;
};

class TlsFailed : public Error
{
public:
    TlsFailed(TransportFailure failure, const QString& message, const QString& detail)
        : Error(message), m_failure(failure), m_detail(detail)
    {
    }
    TransportFailure failure() const { return m_failure; }
    const QString& detail() const { return m_detail; }

private:
    TransportFailure m_failure;
    QString m_detail;
};

struct HttpTimeouts
{
    int connectSeconds = 10;
    // A transfer that moves no byte for this long is abandoned.
    int stallSeconds = 120;
};

// Performs one request on this thread's handle. Throws ConnectionFailed (a
// TransientError) for connection failures and timeouts, TlsFailed (an Error) for
// TLS problems, Error for bad URLs; exceptions thrown by the producer or consumer
// pass through as is. EMBER_HTTP_TIMING=1 logs each request's timing on stderr.
HttpResponse perform(const HttpRequest& request, const TlsSettings& tls,
                     const HttpTimeouts& timeouts);

// Percent-encodes a container or object name for a URL path ('/' kept in names).
QByteArray encodePath(const QString& name, bool keepSlashes);
QByteArray encodeQueryValue(const QString& value);
// "host:port" of a URL, for messages.
QString hostOf(const QString& url);

} // namespace ember::http
