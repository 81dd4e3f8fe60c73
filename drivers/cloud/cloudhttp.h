// Shared by the Keystone and Cinder halves of the cloud client: one HTTP exchange with
// a size cap on the reply, transport failures turned into CloudError (Unreachable,
// TlsUntrusted) with the profile's own option names, and checked JSON access.
// Internal to ember_cloud.
#pragma once

#include "cloudconfig.h"
#include "clouderror.h"
#include "httpclient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

namespace ember::cloud::detail {

// A reply larger than this is not an API answer (2,000 backups in one page are ~2 MiB).
inline constexpr qint64 MaxReplyBytes = 64 * 1024 * 1024;

// Performs `request` for `service` ("Keystone", "Cinder"), collecting the reply body up to
// MaxReplyBytes. Throws CloudError for transport failures.
http::HttpResponse send(http::HttpRequest request, const CloudProfile& profile,
                        const QString& service);

// The body as a JSON object, or CloudError BadResponse naming `what`.
QJsonObject jsonObject(const QByteArray& body, const QString& what);

// The message inside an OpenStack error body: {"<kind>": {"message": ...}} (Cinder) or
// {"error": {"message": ...}} (Keystone, keystonemiddleware); empty when there is none.
QString errorMessage(const QByteArray& body);

// Printable text for messages: control characters dropped, cut at `limit` characters.
QString printable(const QString& text, int limit = 500);

// Checked readers of untrusted JSON; `what` names the field in the error.
[[noreturn]] void badResponse(const QString& what);
QString requiredString(const QJsonObject& object, const QString& key, const QString& what,
                       int maxLength = 255);
QString optionalString(const QJsonObject& object, const QString& key, const QString& what,
                       int maxLength = 255);
QString optionalUuid(const QJsonObject& object, const QString& key, const QString& what);
QString requiredUuid(const QJsonObject& object, const QString& key, const QString& what);
// Keystone ids: 1-64 characters of [A-Za-z0-9_-].
bool isPlainId(const QString& text);
// A whole number from `minimum` to `maximum`; 0 when absent or null.
qint64 optionalCount(const QJsonObject& object, const QString& key, const QString& what,
                     qint64 maximum, qint64 minimum = 0);
bool optionalBool(const QJsonObject& object, const QString& key, const QString& what);
QDateTime optionalTime(const QJsonObject& object, const QString& key, const QString& what);

} // namespace ember::cloud::detail
