// Copies extents between two volume devices with a few worker threads, in
// pieces small enough that memory stays bounded (threads x piece size)
// whatever backup_ceph_chunk_size says.
#pragma once

#include "bandwidth.h"
#include "cephcluster.h"
#include "operation.h"
#include "volumedevice.h"

#include <memory>
#include <vector>

namespace ember::ceph {

struct CopyOptions
{
    qint64 pieceSize = 4 << 20;
    int threads = 4;
    // The target already reads as zeros there: all-zero pieces and discarded
    // extents are skipped instead of zeroed (keeps new images sparse).
    bool targetIsZero = false;
    // The backend's bandwidth limit for this direction (null = unlimited): each
    // piece draws its length before it is read.
    std::shared_ptr<TokenBucket> bandwidth;
};

struct CopyResult
{
    qint64 bytesWritten = 0; // data actually written (zero pieces excluded)
    qint64 bytesZeroed = 0;  // ranges made to read as zeros on the target
};

// For every extent: exists -> copy its bytes from `source` (zero pieces are
// zeroed or skipped), !exists -> zero the range on the target. Adds each
// extent's length to control's progress. Throws the first error (or Cancelled).
CopyResult copyExtents(VolumeDevice& source, VolumeDevice& target,
                       const std::vector<DiffExtent>& extents, const CopyOptions& options,
                       OperationControl& control);

// Reads every extent (for verify); returns the bytes read.
qint64 readExtents(VolumeDevice& source, const std::vector<DiffExtent>& extents,
                   const CopyOptions& options, OperationControl& control);

bool isAllZero(const char* data, qint64 length);

} // namespace ember::ceph
