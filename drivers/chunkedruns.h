#pragma once

// The chunked driver's two long runs, each in its own file
// (chunkedbackuprun.cpp, chunkedrestorerun.cpp): a backup of one volume, and
// a restore or verify of one chain. Private to the engine.

#include "backupdriver.h"
#include "chunkeddriver.h"
#include "chunkedformat.h"
#include "chunkedinternal.h"

#include <QLoggingCategory>

#include <exception>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcChunked)

namespace ember::chunked {

inline QString metadataName(const Backup& backup)
{
    return metadataObjectName(backup.serviceMetadata);
}

inline QString shaFileName(const Backup& backup)
{
    return shaFileObjectName(backup.serviceMetadata);
}

// Backs up job.source into new objects; `sealingKey` seals them (encrypted
// backends), `keys` finds a parent's key to check its `_sha256file`.
void runBackup(ObjectStore& store, const ChunkedOptions& options, BackupJob& job,
               std::optional<KeySet> sealingKey, const KeyLookup& keys);

// Restores the chain (full first, newest last) into `device`; returns the
// newest backup's volume_meta.
QByteArray restoreChain(ObjectStore& store, const ChunkedOptions& options,
                        const QList<Backup>& chain, VolumeDevice& device, OperationControl& control,
                        const KeyLookup& keys);

// Reads and checks every object of the chain, writing nothing.
VerifyReport verifyChain(ObjectStore& store, const ChunkedOptions& options,
                         const QList<Backup>& chain, OperationControl& control,
                         const KeyLookup& keys);

// Checks the named objects of the chain, and the metadata they depend on.
VerifyReport verifyChainSample(ObjectStore& store, const ChunkedOptions& options,
                               const QList<Backup>& chain, const QStringList& objectNames,
                               OperationControl& control, const KeyLookup& keys);

} // namespace ember::chunked
