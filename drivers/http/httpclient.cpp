#include "httpclient.h"

#include <QUrl>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <curl/curl.h>
#include <exception>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace ember::http {

namespace {

// Error bodies are kept for messages only; no need to hold megabytes.
constexpr qsizetype MaxCollectedErrorBody = 64 * 1024;
// libcurl's receive buffer for bodies that stream to a sink. Its default of
// 16 KiB meant a recv, a poll and a sink call per 16 KiB (67,000 system calls
// for a 512 MiB restore); the curl program itself reads 100 KiB at a time.
constexpr long StreamingReceiveBufferBytes = 512 * 1024;

struct ThreadHandle
{
    CURL* handle = nullptr;
    bool busy = false;
    // The sockets of this handle's connections (opened and closed through
    // openSocket and closeSocket), to find the one a transfer uses.
    std::vector<curl_socket_t> sockets;
    ~ThreadHandle()
    {
        if (handle)
            curl_easy_cleanup(handle);
    }
};

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// EMBER_HTTP_TIMING=1: one line per request on stderr (when it started, how long
// it took, how much of that the caller's sink held the transfer), to see where a
// transfer's time goes without a profiler.
bool timingEnabled()
{
    static const bool enabled = qEnvironmentVariableIsSet("EMBER_HTTP_TIMING");
    return enabled;
}

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct TransferState
{
    CURL* handle = nullptr;
    const HttpRequest* request = nullptr;
    HttpResponse* response = nullptr;
    qsizetype memoryBodyPosition = 0;
    std::exception_ptr callbackError;
    ThreadHandle* slot = nullptr;
    curl_socket_t socket = CURL_SOCKET_BAD; // this transfer's connection
    bool timing = false;
    qint64 sinkNs = 0; // time spent in the caller's sink (EMBER_HTTP_TIMING)
    qint64 sinkCalls = 0;
};

size_t readBody(char* buffer, size_t size, size_t count, void* user)
{
    auto* state = static_cast<TransferState*>(user);
    const size_t capacity = size * count;
    try {
        size_t produced = 0;
        if (state->request->body) {
            produced = (*state->request->body)(buffer, capacity);
        } else {
            const QByteArray& bytes = state->request->bodyBytes;
            produced = std::min(capacity, size_t(bytes.size() - state->memoryBodyPosition));
            std::memcpy(buffer, bytes.constData() + state->memoryBodyPosition, produced);
            state->memoryBodyPosition += qsizetype(produced);
        }
        if (produced > 0 && state->request->onUpload)
            state->request->onUpload(buffer, produced);
        state->response->bytesUploaded += qint64(produced);
        return produced;
    } catch (...) {
        state->callbackError = std::current_exception();
        return CURL_READFUNC_ABORT;
    }
}

size_t receiveBody(char* data, size_t size, size_t count, void* user)
{
    auto* state = static_cast<TransferState*>(user);
    const size_t length = size * count;
    long status = 0;
    curl_easy_getinfo(state->handle, CURLINFO_RESPONSE_CODE, &status);
    const bool success = status >= 200 && status < 300;
    try {
        if (success && state->request->sink) {
            const qint64 start = state->timing ? monotonicNs() : 0;
            if (state->request->onDownload)
                state->request->onDownload(data, length);
            (*state->request->sink)(data, length);
            state->response->bytesDownloaded += qint64(length);
            if (state->timing) {
                state->sinkNs += monotonicNs() - start;
                ++state->sinkCalls;
            }
        } else if (success || state->response->body.size() < MaxCollectedErrorBody) {
            state->response->body.append(data, qsizetype(length));
        }
        return length;
    } catch (...) {
        state->callbackError = std::current_exception();
        return 0; // any other count than `length` aborts the transfer
    }
}

curl_socket_t openSocket(void* user, curlsocktype, curl_sockaddr* address)
{
    auto* slot = static_cast<ThreadHandle*>(user);
    const curl_socket_t socket =
        ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (socket != CURL_SOCKET_BAD)
        slot->sockets.push_back(socket);
    return socket;
}

int closeSocket(void* user, curl_socket_t socket)
{
    auto* slot = static_cast<ThreadHandle*>(user);
    std::erase(slot->sockets, socket);
    return ::close(socket);
}

int portOf(const sockaddr_storage& address)
{
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    return -1;
}

// Called once the connection is chosen (new or reused): libcurl names its
// ports, not its socket (CURLINFO_ACTIVESOCKET answers only after a transfer).
int noteConnection(void* user, char*, char*, int remotePort, int localPort)
{
    auto* state = static_cast<TransferState*>(user);
    state->socket = CURL_SOCKET_BAD;
    for (const curl_socket_t socket : state->slot->sockets) {
        sockaddr_storage local{};
        sockaddr_storage remote{};
        socklen_t localLength = sizeof local;
        socklen_t remoteLength = sizeof remote;
        if (getsockname(socket, reinterpret_cast<sockaddr*>(&local), &localLength) == 0 &&
            getpeername(socket, reinterpret_cast<sockaddr*>(&remote), &remoteLength) == 0 &&
            portOf(local) == localPort && portOf(remote) == remotePort) {
            state->socket = socket;
            break;
        }
    }
    return CURL_PREREQFUNC_OK;
}

// Servers that write a response in pieces with Nagle's algorithm on (radosgw
// sends its status line and first headers alone) hold the rest until the first
// piece is acknowledged, and Linux delays that acknowledgement by up to 40 ms
// on a reused connection: every small S3 request took 42-44 ms instead of
// 1-2 ms. Acknowledging as soon as the status line is here releases the rest.
void acknowledgeNow(curl_socket_t socket)
{
#ifdef TCP_QUICKACK
    if (socket == CURL_SOCKET_BAD)
        return;
    const int on = 1;
    setsockopt(socket, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on); // best effort
#else
    Q_UNUSED(socket);
#endif
}

size_t receiveHeader(char* data, size_t size, size_t count, void* user)
{
    auto* state = static_cast<TransferState*>(user);
    const size_t length = size * count;
    const QByteArray line = QByteArray(data, qsizetype(length)).trimmed();
    if (line.startsWith("HTTP/")) {
        acknowledgeNow(state->socket);
        state->response->headers.clear(); // a new response (after 100 Continue)
    } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
        state->response->headers.insert(line.left(colon).trimmed().toLower(),
                                        line.mid(colon + 1).trimmed());
    }
    return length;
}

[[noreturn]] void throwTransportError(CURLcode code, const char* detailBuffer, const QString& url,
                                      const HttpTimeouts& timeouts)
{
    const QString host = hostOf(url);
    const QString detail = detailBuffer[0] ? QString::fromUtf8(detailBuffer).trimmed()
                                           : QString::fromUtf8(curl_easy_strerror(code));
    switch (code) {
    case CURLE_COULDNT_CONNECT:
        throw ConnectionFailed(TransportFailure::Connect,
                               QStringLiteral("cannot connect to Swift at %1: %2 (is the service "
                                              "running and the address right?)")
                                   .arg(host, detail),
                               detail);
    case CURLE_COULDNT_RESOLVE_HOST:
        throw ConnectionFailed(
            TransportFailure::Resolve,
            QStringLiteral("cannot resolve the Swift host in %1: %2").arg(url, detail), detail);
    case CURLE_OPERATION_TIMEDOUT:
        throw ConnectionFailed(
            TransportFailure::Timeout,
            QStringLiteral("Swift at %1 timed out (no answer within %2 s to connect or no data "
                           "moved for %3 s): %4")
                .arg(host)
                .arg(timeouts.connectSeconds)
                .arg(timeouts.stallSeconds)
                .arg(detail),
            detail);
    case CURLE_SSL_CONNECT_ERROR:
        throw TlsFailed(TransportFailure::TlsHandshake,
                        QStringLiteral("the TLS handshake with Swift at %1 failed (%2); is it an "
                                       "https address, and does the server speak TLS?")
                            .arg(host, detail),
                        detail);
    case CURLE_SSL_CACERT_BADFILE:
        throw TlsFailed(TransportFailure::TlsCaFile,
                        QStringLiteral("cannot use the CA certificate file for Swift at %1 (%2); "
                                       "check backup_swift_ca_cert_file")
                            .arg(host, detail),
                        detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
        throw TlsFailed(
            TransportFailure::TlsUntrusted,
            QStringLiteral("the TLS certificate of Swift at %1 is not trusted (%2); set "
                           "backup_swift_ca_cert_file to the CA certificate that signed "
                           "it")
                .arg(host, detail),
            detail);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        throw Error(QStringLiteral("the Swift URL '%1' is not valid: %2").arg(url, detail));
    default:
        throw ConnectionFailed(
            TransportFailure::Other,
            QStringLiteral("the connection to Swift at %1 failed: %2").arg(host, detail), detail);
    }
}

} // namespace

QByteArray encodePath(const QString& name, bool keepSlashes)
{
    return QUrl::toPercentEncoding(name, keepSlashes ? QByteArray("/") : QByteArray());
}

QByteArray encodeQueryValue(const QString& value)
{
    return QUrl::toPercentEncoding(value);
}

QString hostOf(const QString& url)
{
    const QUrl parsed(url);
    if (!parsed.isValid() || parsed.host().isEmpty())
        return url;
    const int port = parsed.port(parsed.scheme() == QLatin1String("https") ? 443 : 80);
    return QStringLiteral("%1:%2").arg(parsed.host()).arg(port);
}

HttpResponse perform(const HttpRequest& request, const TlsSettings& tls,
                     const HttpTimeouts& timeouts)
{
    initCurlOnce();
    thread_local ThreadHandle threadHandle;
    // A consumer that itself talks to Swift would find the handle busy.
    ThreadHandle spare;
    ThreadHandle& slot = threadHandle.busy ? spare : threadHandle;
    if (!slot.handle)
        slot.handle = curl_easy_init();
    if (!slot.handle)
        throw Error(QStringLiteral("libcurl could not create a transfer handle"));
    CURL* handle = slot.handle;
    slot.busy = true;
    struct Release
    {
        ThreadHandle& slot;
        curl_slist* headers = nullptr;
        ~Release()
        {
            slot.busy = false;
            curl_slist_free_all(headers);
        }
    } release{slot};

    curl_easy_reset(handle); // keeps the connection cache
    HttpResponse response;
    TransferState state;
    state.handle = handle;
    state.request = &request;
    state.response = &response;
    state.slot = &slot;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    const QByteArray url = request.url.toUtf8();
    curl_easy_setopt(handle, CURLOPT_URL, url.constData());
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, long(timeouts.connectSeconds));
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, long(timeouts.stallSeconds));
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_EXPECT_100_TIMEOUT_MS, 2000L);
    if (!tls.caCertFile.isEmpty()) {
        const QByteArray caFile = tls.caCertFile.toLocal8Bit();
        curl_easy_setopt(handle, CURLOPT_CAINFO, caFile.constData()); // curl copies strings
    }
    if (tls.insecure) {
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
    }

    if (!request.proxy.isEmpty()) {
        const QByteArray proxy = request.proxy.toUtf8();
        curl_easy_setopt(handle, CURLOPT_PROXY, proxy.constData()); // curl copies strings
    }

    curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, openSocket);
    curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, &slot);
    curl_easy_setopt(handle, CURLOPT_CLOSESOCKETFUNCTION, closeSocket);
    curl_easy_setopt(handle, CURLOPT_CLOSESOCKETDATA, &slot);
#if LIBCURL_VERSION_NUM >= 0x075000 // 7.80: the pre-request callback
    curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, noteConnection);
    curl_easy_setopt(handle, CURLOPT_PREREQDATA, &state);
#endif
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, receiveHeader);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &state);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, receiveBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &state);
    if (request.sink)
        curl_easy_setopt(handle, CURLOPT_BUFFERSIZE, StreamingReceiveBufferBytes);

    QList<QByteArray> headers = request.headers;
    const bool hasBody = request.sendBody || request.body || !request.bodyBytes.isEmpty();
    if (request.method == "HEAD") {
        curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (request.method == "PUT" || request.method == "POST") {
        std::optional<qint64> length = request.bodyLength;
        if (!request.body)
            length = request.bodyBytes.size();
        curl_easy_setopt(handle, CURLOPT_READFUNCTION, readBody);
        curl_easy_setopt(handle, CURLOPT_READDATA, &state);
        if (request.method == "PUT") {
            curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
            if (length)
                curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(*length));
        } else {
            curl_easy_setopt(handle, CURLOPT_POST, 1L);
            curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(length.value_or(-1)));
        }
        if (!length)
            headers.append("Transfer-Encoding: chunked");
        // Lets the server refuse (e.g. 401) before the producer is consumed, so
        // such a request can be repeated with the same producer.
        if (hasBody && request.expectContinue)
            headers.append("Expect: 100-continue");
        else
            headers.append("Expect:"); // libcurl would add it to larger bodies itself
    } else if (request.method != "GET") {
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.constData());
    }
    for (const QByteArray& header : headers)
        release.headers = curl_slist_append(release.headers, header.constData());
    if (release.headers)
        curl_easy_setopt(handle, CURLOPT_HTTPHEADER, release.headers);

    state.timing = timingEnabled();
    const qint64 startNs = state.timing ? monotonicNs() : 0;
    const CURLcode code = curl_easy_perform(handle);
    if (state.timing) {
        curl_off_t firstByteUs = 0;
        curl_easy_getinfo(handle, CURLINFO_STARTTRANSFER_TIME_T, &firstByteUs);
        long status = 0;
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
        std::fprintf(stderr,
                     "http timing: %s %s -> %ld, %lld bytes down, %lld up; at %.3f s "
                     "(steady clock), took %.1f ms, first byte %.1f ms, sink %.1f ms in %lld "
                     "calls\n",
                     request.method.constData(), url.constData(), status,
                     qint64(response.bytesDownloaded), qint64(response.bytesUploaded),
                     double(startNs) / 1e9, double(monotonicNs() - startNs) / 1e6,
                     double(firstByteUs) / 1e3, double(state.sinkNs) / 1e6, state.sinkCalls);
    }
    if (state.callbackError)
        std::rethrow_exception(state.callbackError);
    if (code != CURLE_OK)
        throwTransportError(code, errorBuffer, request.url, timeouts);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

} // namespace ember::http
