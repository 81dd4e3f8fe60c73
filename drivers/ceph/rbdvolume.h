// VolumeDevice over an RBD image (librbd aio). Used as a backup source (read
// from a backup snapshot), as a restore target, and by the Ceph backend for
// its own base images.
#pragma once

#include "cephbackend.h"
#include "cephcluster.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

namespace ember::ceph {

class RbdVolumeDevice : public VolumeDevice
{
public:
    RbdVolumeDevice(std::shared_ptr<IoContext> io, const QString& image, OpenMode mode,
                    const RbdOpenOptions& options = {});
    ~RbdVolumeDevice() override; // removes an unkept backup snapshot

    qint64 size() const override { return m_size; }
    qint64 readAt(qint64 offset, char* buffer, qint64 length) override;
    void writeAt(qint64 offset, const char* data, qint64 length) override;
    std::vector<Extent> dataExtents(qint64 offset, qint64 length) override;
    void zeroRange(qint64 offset, qint64 length) override;
    bool knownZero() const override;
    void flush() override;
    std::optional<std::vector<Extent>> changedSinceParent() const override;
    QString describe() const override { return m_image->spec(); }

    // Creates backup.<id>.snap.<ts> on the image and reads from it from now on.
    // With `parentBackupId` and a head identical to the parent's snapshot, it
    // reads from that snapshot instead and renames it to the new backup's name
    // when kept: no snapshot is created or removed, so an unchanged image
    // costs no monitor commits (each waits up to paxos_propose_interval).
    void takeBackupSnapshot(const QString& backupId, const QString& parentBackupId = {});
    // The backup snapshot's name once kept (the name the Ceph backend gives its
    // base image's snapshot too).
    const QString& backupSnapshot() const { return m_backupSnapshot; }
    // True when the parent's snapshot was taken over (the head had not changed).
    bool reusesParentSnapshot() const { return !m_adoptedSnapshot.isEmpty(); }
    // Keeps the backup snapshot and removes the parent's (see
    // keepRbdBackupSnapshot); dropBackupSnapshot removes it instead (a taken-
    // over parent snapshot is left as it was).
    bool keepBackupSnapshot() override;
    void dropBackupSnapshot();
    // Whether a release removes the parent's snapshot too.
    enum class ParentSnapshot
    {
        Release, // the parent's snapshot goes with the older ones
        Keep,    // Cinder's sequence: it stays until the next backup supersedes it
    };
    // Starts removing the superseded snapshots (the volume's older backups'
    // and, unless kept, the parent's) in the background, before the backup is
    // stored: each removal waits for a monitor commit, which then overlaps
    // other work, or shares the commit of a snapshot the backup takes meanwhile
    // (the monitor proposes its pending changes together). The releaser has its
    // own cluster connection: two snapshot operations issued at once through
    // one connection crashed librados 16 once. keepBackupSnapshot() waits for it.
    // With the parent released, should the backup fail, the next incremental
    // finds no parent snapshot (a chunked backend then reads the whole volume);
    // with it kept, the next incremental still starts from it.
    void releaseSupersededSnapshots(ParentSnapshot parent = ParentSnapshot::Release);
    // The source image's snapshot of that backup, or empty.
    QString snapshotOfBackup(const QString& backupId) const;
    // Changes from `fromSnapshot` to what this device reads, with discards.
    std::vector<DiffExtent> diffSince(const QString& fromSnapshot) const;
    // Grows or shrinks the image (read-write head only).
    void resize(qint64 size);

    Image& image() { return *m_image; }
    const std::shared_ptr<IoContext>& io() const { return m_io; }
    const QString& imageName() const { return m_imageName; }

private:
    std::unique_ptr<Image> headImage() const;
    // The snapshot reads come from: the adopted parent's or the new one.
    QString readSnapshot() const;
    std::vector<Extent> listDataExtents(qint64 offset, qint64 length) const;

    std::shared_ptr<IoContext> m_io;
    QString m_imageName;
    OpenMode m_mode;
    std::unique_ptr<Image> m_image;
    qint64 m_size = 0;
    // Whether nothing is allocated: asked of the cluster on first use (cheap
    // with object-map), cleared by writes.
    enum ZeroState : int
    {
        Unknown,
        Zero,
        NotZero
    };
    mutable std::atomic<int> m_zeroState{NotZero};
    // A snapshot never changes: its allocation map is read once (one pass
    // over the image) instead of once per piece the engine reads.
    mutable std::mutex m_extentMutex;
    mutable std::optional<std::vector<Extent>> m_snapshotExtents;
    QString m_backupSnapshot;
    // The parent's snapshot read in place of a new one, renamed on keep.
    QString m_adoptedSnapshot;
    bool m_snapshotKept = false;
    bool m_releaseEarly = false;
    QString m_parentBackupId;
    QStringList m_supersededBackupIds;
    // The changes since the parent's snapshot, taken before that snapshot goes.
    std::optional<std::vector<Extent>> m_changesSinceParent;
    bool m_changesKnown = false;
    std::thread m_releaser;
    QString m_releaseError;
    bool m_releaseStarted = false;
    // Waits for the releaser; returns its error (empty if none or not started).
    QString finishRelease();
};

// "pool/image" -> {pool, image}; throws Error for anything else.
std::pair<QString, QString> splitPoolImage(const QString& poolSlashImage);

} // namespace ember::ceph
