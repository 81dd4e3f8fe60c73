// Keystone's answer to a login, as KeystoneSession reads it. The input is the
// X-Subject-Token header's value on line 1, the profile's interface and region on
// line 2 (e.g. "public RegionOne"; the region may be left out), then the body.
// parseToken reads it, and endpointFromCatalog looks the block-storage endpoint up
// in its catalog. Properties: nothing but ember::Error is thrown; a token that is
// accepted has an id fit for a header, an expiry, Keystone ids for its user and
// project, named roles and texts without control characters; an endpoint found is an
// http(s) address with a host, without a query, a fragment, spaces or control
// characters (every request's path is appended to it).
#include "cloudhttp.h"
#include "fuzzsupport.h"
#include "keystone.h"
#include "records.h"

#include <QUrl>
#include <exception>

using namespace ember;
using namespace ember::cloud;

namespace {

bool hasControlCharacters(const QString& text)
{
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x20; });
}

void checkToken(const Token& token, const QByteArray& header)
{
    EMBER_FUZZ_CHECK(token.id == header && !token.id.isEmpty() && token.id.size() <= 16 * 1024 &&
                         std::all_of(token.id.cbegin(), token.id.cend(),
                                     [](char c) { return c > 0x20 && c < 0x7f; }),
                     "the token id '%s' does not fit a header", token.id.left(100).constData());
    EMBER_FUZZ_CHECK(token.expiresAt.isValid() && token.issuedAt.isValid(),
                     "the token has no issue or expiry time");
    EMBER_FUZZ_CHECK(detail::isPlainId(token.userId) && detail::isPlainId(token.projectId),
                     "user id '%s', project id '%s'", qPrintable(token.userId),
                     qPrintable(token.projectId));
    EMBER_FUZZ_CHECK(token.applicationCredentialId.isEmpty() ||
                         detail::isPlainId(token.applicationCredentialId),
                     "application credential id '%s'", qPrintable(token.applicationCredentialId));
    for (QString name : {token.userName, token.projectName}) {
        EMBER_FUZZ_CHECK(name.size() <= 255, "a name of %lld characters", qlonglong(name.size()));
        name.remove(QLatin1Char('\n')).remove(QLatin1Char('\t')).remove(QLatin1Char('\r'));
        EMBER_FUZZ_CHECK(!hasControlCharacters(name), "a name with control characters");
    }
    for (const QString& role : token.roles)
        EMBER_FUZZ_CHECK(!role.isEmpty() && role.size() <= 255, "role '%s'", qPrintable(role));
    EMBER_FUZZ_CHECK(token.isAdmin() == token.roles.contains(QStringLiteral("admin")),
                     "isAdmin disagrees with the roles");
}

void checkEndpoint(const QString& endpoint)
{
    const QUrl url(endpoint);
    EMBER_FUZZ_CHECK(
        url.isValid() && !url.host().isEmpty() &&
            (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")),
        "the endpoint '%s' is not an http(s) address", qPrintable(endpoint));
    EMBER_FUZZ_CHECK(!url.hasQuery() && !url.hasFragment(),
                     "the endpoint '%s' has a query or fragment, which request paths would "
                     "follow",
                     qPrintable(endpoint));
    EMBER_FUZZ_CHECK(std::none_of(endpoint.cbegin(), endpoint.cend(),
                                  [](QChar c) { return c.unicode() <= 0x20 || c.isSpace(); }),
                     "the endpoint '%s' has spaces or control characters", qPrintable(endpoint));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QByteArray input = fuzz::bytes(data, size);
    const QByteArray header = fuzz::takeLine(input);
    const QList<QByteArray> where = fuzz::takeLine(input).split(' ');
    const QString interface = QString::fromUtf8(where.value(0));
    const QString region = QString::fromUtf8(where.value(1));
    const QDateTime sentAt = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
    Token token;
    try {
        token = parseToken(header, input, QStringLiteral("fuzz"), sentAt);
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(!error.message().isEmpty(), "an error without a message");
        return 0;
    } catch (const std::exception& error) {
        EMBER_FUZZ_CHECK(false, "parseToken threw %s, not ember::Error", error.what());
    }
    checkToken(token, header);
    try {
        checkEndpoint(endpointFromCatalog(
            token.catalog,
            {QStringLiteral("block-storage"), QStringLiteral("volumev3"), QStringLiteral("volume")},
            interface.isEmpty() ? QStringLiteral("public") : interface, region,
            QStringLiteral("fuzz")));
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(!error.message().isEmpty(), "an error without a message");
    } catch (const std::exception& error) {
        EMBER_FUZZ_CHECK(false, "endpointFromCatalog threw %s, not ember::Error", error.what());
    }
    return 0;
}
