// An opened volume: a raw image file, a block device, or (in drivers/ceph)
// an RBD image. The engine reads and writes it at offsets from several
// threads at once, so implementations must allow concurrent readAt/writeAt.
#pragma once

#include "records.h"

#include <memory>
#include <optional>
#include <vector>

namespace ember {

struct Extent
{
    qint64 offset = 0;
    qint64 length = 0;
    qint64 end() const { return offset + length; }
    bool operator==(const Extent&) const = default;
};

// A write or flush to a volume failed; `code` is the errno (ENOSPC, EDQUOT,
// EIO, ...), so callers can tell a full disk from other failures.
class VolumeWriteError : public Error
{
public:
    VolumeWriteError(const QString& message, int code) : Error(message), m_code(code) {}
    int code() const { return m_code; }
    bool outOfSpace() const;

private:
    int m_code = 0;
};

class VolumeDevice
{
public:
    virtual ~VolumeDevice() = default;

    virtual qint64 size() const = 0;
    // Reads exactly `length` bytes unless the volume ends first; returns the
    // count read. Throws Error naming the volume and offset on I/O errors.
    virtual qint64 readAt(qint64 offset, char* buffer, qint64 length) = 0;
    virtual void writeAt(qint64 offset, const char* data, qint64 length) = 0;
    // Ranges that may hold non-zero data, sorted; everything else reads as
    // zeros and need not be read at all (sparse files: SEEK_DATA/SEEK_HOLE).
    virtual std::vector<Extent> dataExtents(qint64 offset, qint64 length) = 0;
    // Makes the range read back as zeros (punch a hole, discard, or write zeros).
    virtual void zeroRange(qint64 offset, qint64 length) = 0;
    // True when every byte is known to read as zero (a new image), so a
    // restore may skip writing zeros and leave holes.
    virtual bool knownZero() const { return false; }
    virtual void flush() = 0;
    // Ranges changed since the parent backup, when the source can tell
    // without reading (RBD diff). nullopt = unknown: hash everything.
    virtual std::optional<std::vector<Extent>> changedSinceParent() const { return std::nullopt; }
    virtual QString describe() const = 0; // for messages: path or pool/image
    // Throws Error if the volume is no longer what was opened: another size,
    // or (files) the path now names another file. Backups call it at the end,
    // so a source truncated, replaced or removed meanwhile fails the backup.
    virtual void checkUnchanged() const {}
    // After a successful backup read from this device: keep the source
    // snapshot taken for it as the next incremental's base (RBD images).
    // Returns false when the device takes no such snapshots. Throws Error if
    // the snapshot was kept but older ones could not be removed.
    virtual bool keepBackupSnapshot() { return false; }
};

enum class OpenMode
{
    Read,
    ReadWrite
};

// Opens files and block devices. Block devices that are mounted or held
// open exclusively are "in use"; see deviceInUse().
std::unique_ptr<VolumeDevice> openLocalVolume(const QString& path, OpenMode mode);
// Creates a new sparse image file of `size` bytes; refuses to overwrite.
void createSparseImage(const QString& path, qint64 size);
// For block devices: the reason it is in use (mounted at X, held by Y), or
// empty. Regular files are never "in use" by this test.
QString deviceInUse(const QString& path);
qint64 localVolumeSize(const QString& path);
bool isBlockDevice(const QString& path);
// What a file or block device is, whatever path names it: "file:DEV:INODE"
// or "block:MAJOR:MINOR". Throws Error for anything that is neither (a FIFO,
// a socket, a directory, a character device), without opening it.
QString localVolumeIdentity(const QString& path);

} // namespace ember
