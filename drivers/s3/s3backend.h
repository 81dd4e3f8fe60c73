// The S3 backend as the registry and the wizard see it: Cinder's S3 backup
// driver (cinder/backup/drivers/s3.py, the chunked format) over S3's REST API
// with Signature V4, plus Ember's immutable backups (S3 Object Lock).
#pragma once

#include "backendregistry.h"

namespace ember {

// The plugin: type "s3", schema (Cinder's backup_s3_* options and Ember's
// ember_s3_*), capabilities (chunked, objectLock), factory and probe.
BackendType s3BackendType();

// The connection test: endpoint reachable, credentials accepted, bucket
// exists, write/read/delete of a probe object, object-lock status (as a fact
// and a check). Each failure in plain words. Never throws. Blocking.
ConnectionReport probeS3(const BackendConfig& config, const BackendSecrets& secrets);

// Creates the backend's bucket (the wizard's offer when the probe found none),
// with Object Lock enabled when `objectLock` (it can only be enabled at
// creation). Throws Error in plain words. Blocking.
void createS3Bucket(const BackendConfig& config, const BackendSecrets& secrets, bool objectLock);

} // namespace ember
