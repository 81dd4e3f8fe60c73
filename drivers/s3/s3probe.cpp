#include "s3backend.h"

namespace ember {

ConnectionReport probeS3(const BackendConfig&, const BackendSecrets&)
{
    ConnectionReport report;
    report.checks.append({QStringLiteral("endpoint"), false,
                          QStringLiteral("the S3 connection test is not implemented yet")});
    return report;
}

void createS3Bucket(const BackendConfig&, const BackendSecrets&, bool)
{
    throw Error(QStringLiteral("creating S3 buckets is not implemented yet"));
}

} // namespace ember
