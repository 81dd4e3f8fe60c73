// The posix backend (Cinder's PosixBackupDriver: the chunked format in a local
// or mounted directory) as the registry sees it.
#pragma once

#include "backendregistry.h"

namespace ember {

// The plugin: type "posix", its schema (backup_posix_path, backup_file_size,
// backup_sha_block_size_bytes and the chunked engine's options), factory and
// probe (directory, free space, write permission).
BackendType posixBackendType();

} // namespace ember
