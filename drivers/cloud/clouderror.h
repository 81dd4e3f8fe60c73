// Errors of the cloud client, each with its own plain-words message: the message says
// what happened and what to do, and `kind` lets callers (the wizard, the CLI's exit
// codes, the panels) react without matching text.
#pragma once

#include "records.h"

namespace ember::cloud {

enum class CloudErrorKind
{
    AuthFailed,        // 401 on login: wrong user, password or project
    ExpiredCredential, // the application credential has expired
    Forbidden,         // 403: the role does not allow it (policy)
    Unreachable,       // connection refused, DNS, timeout
    TlsUntrusted,      // certificate not trusted / hostname mismatch
    NotFound,          // 404
    BadRequest,        // 400: Cinder refused (its message is in cinderMessage)
    Conflict,          // 409
    OverLimit,         // 413: quota exceeded
    VersionTooOld,     // the cloud's microversion is older than a feature needs
    NoEndpoint,        // the catalog has no block-storage endpoint
    ServerError,       // 5xx
    BadResponse,       // a reply that is not what the API documents
};

class CloudError : public Error
{
public:
    CloudError(CloudErrorKind kind, const QString& message, int httpStatus = 0,
               const QString& cinderMessage = {})
        : Error(message), m_kind(kind), m_httpStatus(httpStatus), m_cinderMessage(cinderMessage)
    {
    }
    CloudErrorKind kind() const { return m_kind; }
    int httpStatus() const { return m_httpStatus; }
    // The message Cinder itself returned (e.g. "Incremental backups exist for this backup."),
    // empty when the error did not come from Cinder.
    const QString& cinderMessage() const { return m_cinderMessage; }

private:
    CloudErrorKind m_kind;
    int m_httpStatus;
    QString m_cinderMessage;
};

} // namespace ember::cloud
