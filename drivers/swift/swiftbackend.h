// The Swift backend as the registry sees it (backendregistry.cpp calls these
// under EMBER_HAVE_SWIFT).
#pragma once

#include "backendregistry.h"

#include <memory>

namespace ember {

BackendType swiftBackendType();
// Cinder's chunked format over SwiftObjectStore; throws Error for bad options
// or a missing key.
std::unique_ptr<BackupDriver> createSwiftDriver(const BackendConfig& config,
                                                const BackendSecrets& secrets);

// What the backend wizard's "Test connection" shows, step by step.
struct SwiftProbeResult
{
    struct Step
    {
        QString name; // "authenticate", "account", "container", "write", "read", "delete"
        bool ok = false;
        QString detail; // what was found, or the error in plain words
    };
    QList<Step> steps;
    QString storageUrl;
    qint64 accountBytesUsed = -1;
    qint64 accountObjectCount = -1;
    bool ok() const;
};

// Blocking (run it in a worker thread): logs in, reads the account's usage,
// checks or creates the container, writes, reads back and deletes a small
// probe object. Never throws; failures are in the steps.
SwiftProbeResult probeSwift(const BackendConfig& config, const BackendSecrets& secrets);

} // namespace ember
