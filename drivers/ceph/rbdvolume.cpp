#include "rbdvolume.h"

#include <QDebug>
#include <QElapsedTimer>
#include <cstdio>

namespace ember::ceph {

std::pair<QString, QString> splitPoolImage(const QString& poolSlashImage)
{
    const QStringList parts = poolSlashImage.split(QLatin1Char('/'));
    if (parts.size() != 2 || parts[0].isEmpty() || parts[1].isEmpty() ||
        poolSlashImage.contains(QLatin1Char('@')))
        throw Error(
            QStringLiteral("an RBD volume is named pool/image, not \"%1\"").arg(poolSlashImage));
    return {parts[0], parts[1]};
}

RbdVolumeDevice::RbdVolumeDevice(std::shared_ptr<IoContext> io, const QString& image, OpenMode mode,
                                 const RbdOpenOptions& options)
    : m_io(std::move(io)), m_imageName(image), m_mode(mode),
      m_releaseEarly(options.releaseSupersededEarly), m_parentBackupId(options.parentBackupId),
      m_supersededBackupIds(options.supersededBackupIds)
{
    const bool readOnly = mode == OpenMode::Read;
    if (!options.backupId.isEmpty()) {
        m_image = std::make_unique<Image>(m_io, image, QString(), readOnly);
        takeBackupSnapshot(options.backupId, options.parentBackupId);
    } else {
        m_image = std::make_unique<Image>(m_io, image, options.snapshot,
                                          readOnly || !options.snapshot.isEmpty());
        m_size = m_image->size();
        if (mode == OpenMode::ReadWrite && options.snapshot.isEmpty()) {
            // Lock up front: writes never wait for (or race) a lock hand-over.
            m_image->acquireExclusiveLock();
            // A restore may skip zeros only on an image with nothing allocated.
            m_zeroState = Unknown;
        }
    }
}

RbdVolumeDevice::~RbdVolumeDevice()
{
    if (const QString error = finishRelease(); !error.isEmpty())
        qWarning().noquote() << "leaving older backup snapshots behind:" << error;
    try {
        dropBackupSnapshot();
    } catch (const Error& error) {
        qWarning().noquote() << "leaving a backup snapshot behind:" << error.message();
    }
}

void RbdVolumeDevice::takeBackupSnapshot(const QString& backupId, const QString& parentBackupId)
{
    if (!m_backupSnapshot.isEmpty())
        throw Error(QStringLiteral("%1 already has the backup snapshot %2")
                        .arg(m_imageName, m_backupSnapshot));
    QElapsedTimer timer;
    timer.start();
    const QString name = newBackupSnapshotName(backupId);
    const QString parentSnapshot =
        parentBackupId.isEmpty() ? QString() : snapshotOfBackup(parentBackupId);
    {
        // One writable handle at a time (see keepBackupSnapshot), closed here.
        auto head = headImage();
        // Nothing written since the parent's snapshot: its content is this
        // backup's. Changes are monotonic (a changed object stays changed), so an
        // empty diff means the head equalled the snapshot when the scan began.
        if (!parentSnapshot.isEmpty() && !head->changedSince(parentSnapshot)) {
            m_adoptedSnapshot = parentSnapshot;
        } else {
            head->createSnapshot(name);
            m_adoptedSnapshot.clear();
        }
    }
    // EMBER_CEPH_TIMING=1, as the Ceph backend's steps: the snapshot waits for a
    // monitor commit unless the parent's is taken over.
    if (qEnvironmentVariableIsSet("EMBER_CEPH_TIMING"))
        std::fprintf(stderr, "ceph timing: source snapshot %s in %lld ms\n",
                     m_adoptedSnapshot.isEmpty() ? "taken" : "of the parent taken over",
                     static_cast<long long>(timer.elapsed()));
    m_backupSnapshot = name;
    m_snapshotKept = false;
    m_image = std::make_unique<Image>(m_io, m_imageName, readSnapshot(), true);
    m_size = m_image->size();
    m_zeroState = NotZero;
    m_snapshotExtents.reset();
    if (m_releaseEarly) {
        // The diff is all the parent's snapshot is still needed for.
        m_changesSinceParent = changedSinceParent();
        m_changesKnown = true;
        releaseSupersededSnapshots();
    }
}

bool RbdVolumeDevice::keepBackupSnapshot()
{
    if (m_backupSnapshot.isEmpty() || m_snapshotKept)
        return true;
    // An early release still running holds a writable handle of the image:
    // it finishes before another handle opens or closes.
    QString releaseError = finishRelease();
    if (!m_adoptedSnapshot.isEmpty()) {
        // The parent's snapshot becomes this backup's: the parent no longer
        // needs it once a newer backup holds the same content. The head handle
        // is closed before the releaser opens its own: two writable handles of
        // one image in one process hand its exclusive lock back and forth.
        headImage()->renameSnapshot(m_adoptedSnapshot, m_backupSnapshot);
        m_adoptedSnapshot.clear();
        m_image = std::make_unique<Image>(m_io, m_imageName, m_backupSnapshot, true);
    }
    m_snapshotKept = true;
    releaseSupersededSnapshots();
    if (const QString error = finishRelease(); !error.isEmpty())
        releaseError = error;
    if (!releaseError.isEmpty())
        throw Error(releaseError);
    return true;
}

void RbdVolumeDevice::releaseSupersededSnapshots(ParentSnapshot parent)
{
    if (m_releaseStarted)
        return;
    m_releaseStarted = true;
    // The new snapshot is the next incremental's base; those of the parent and
    // of the volume's other backups are no base any more. Snapshots of backups
    // not named (other tools', e.g. Cinder's own) are left alone, and so is a
    // parent's snapshot this backup took over. A backup that failed or whose
    // process died is among the volume's backups: its snapshot goes here too.
    QStringList superseded = m_supersededBackupIds;
    if (!m_parentBackupId.isEmpty()) {
        if (parent == ParentSnapshot::Release)
            superseded << m_parentBackupId;
        else
            superseded.removeAll(m_parentBackupId);
    }
    QStringList doomed;
    for (const SnapshotInfo& snapshot : m_image->snapshots())
        if (snapshot.name != m_backupSnapshot && snapshot.name != m_adoptedSnapshot &&
            superseded.contains(backupIdOfSnapshot(snapshot.name)))
            doomed << snapshot.name;
    if (doomed.isEmpty())
        return;
    m_releaser =
        std::thread([this, doomed, connection = m_io->cluster()->options(), pool = m_io->pool()] {
            try {
                auto io = std::make_shared<IoContext>(Cluster::connectSeparately(connection), pool);
                Image head(io, m_imageName);
                for (const QString& name : doomed)
                    head.removeSnapshot(name);
            } catch (const Error& error) {
                m_releaseError = error.message();
            } catch (const std::exception& error) {
                m_releaseError = QString::fromUtf8(error.what());
            }
        });
}

QString RbdVolumeDevice::finishRelease()
{
    if (m_releaser.joinable())
        m_releaser.join();
    return std::exchange(m_releaseError, QString());
}

void RbdVolumeDevice::dropBackupSnapshot()
{
    if (m_backupSnapshot.isEmpty() || m_snapshotKept)
        return;
    if (const QString error = finishRelease(); !error.isEmpty())
        qWarning().noquote() << "leaving older backup snapshots behind:" << error;
    const QString created = m_adoptedSnapshot.isEmpty() ? m_backupSnapshot : QString();
    m_backupSnapshot.clear();
    m_adoptedSnapshot.clear();
    // Stop reading from it before it goes.
    m_image = std::make_unique<Image>(m_io, m_imageName, QString(), true);
    m_size = m_image->size();
    m_snapshotExtents.reset();
    if (!created.isEmpty())
        headImage()->removeSnapshot(created);
}

QString RbdVolumeDevice::readSnapshot() const
{
    return m_adoptedSnapshot.isEmpty() ? m_backupSnapshot : m_adoptedSnapshot;
}

QString RbdVolumeDevice::snapshotOfBackup(const QString& backupId) const
{
    return ceph::snapshotOfBackup(*m_image, backupId);
}

std::vector<DiffExtent> RbdVolumeDevice::diffSince(const QString& fromSnapshot) const
{
    if (fromSnapshot == m_image->snapshot())
        return {}; // reading the parent's own snapshot: nothing changed
    return m_image->diff(fromSnapshot, 0, m_size);
}

void RbdVolumeDevice::resize(qint64 size)
{
    if (m_mode != OpenMode::ReadWrite || !m_image->snapshot().isEmpty())
        throw Error(QStringLiteral("%1 is open read-only").arg(describe()));
    m_image->resize(size);
    m_size = size;
}

std::unique_ptr<Image> RbdVolumeDevice::headImage() const
{
    return std::make_unique<Image>(m_io, m_imageName, QString(), false);
}

qint64 RbdVolumeDevice::readAt(qint64 offset, char* buffer, qint64 length)
{
    if (offset < 0 || length < 0)
        throw Error(QStringLiteral("invalid read of %1 at offset %2").arg(describe()).arg(offset));
    const qint64 count = std::max<qint64>(0, std::min(length, m_size - offset));
    if (count > 0)
        m_image->read(offset, buffer, count);
    return count;
}

void RbdVolumeDevice::writeAt(qint64 offset, const char* data, qint64 length)
{
    if (m_mode != OpenMode::ReadWrite || !m_image->snapshot().isEmpty())
        throw Error(QStringLiteral("%1 is open read-only").arg(describe()));
    if (offset < 0 || offset + length > m_size)
        throw Error(QStringLiteral("writing %1 bytes at offset %2 would go past the end of %3 (%4 "
                                   "bytes)")
                        .arg(length)
                        .arg(offset)
                        .arg(describe())
                        .arg(m_size));
    m_zeroState = NotZero;
    m_image->write(offset, data, length);
}

std::vector<Extent> RbdVolumeDevice::dataExtents(qint64 offset, qint64 length)
{
    const qint64 end = std::min(offset + length, m_size);
    if (end <= offset)
        return {};
    if (m_image->snapshot().isEmpty())
        return listDataExtents(offset, end - offset);
    std::lock_guard lock(m_extentMutex);
    if (!m_snapshotExtents)
        m_snapshotExtents = listDataExtents(0, m_size);
    const std::vector<Extent>& all = *m_snapshotExtents;
    auto it =
        std::upper_bound(all.begin(), all.end(), offset,
                         [](qint64 value, const Extent& extent) { return value < extent.end(); });
    std::vector<Extent> result;
    for (; it != all.end() && it->offset < end; ++it) {
        const qint64 from = std::max(it->offset, offset);
        const qint64 to = std::min(it->end(), end);
        result.push_back({from, to - from});
    }
    return result;
}

std::vector<Extent> RbdVolumeDevice::listDataExtents(qint64 offset, qint64 length) const
{
    std::vector<Extent> result;
    for (const DiffExtent& extent : m_image->diff(QString(), offset, length)) {
        if (!extent.exists)
            continue;
        if (!result.empty() && result.back().end() == extent.offset)
            result.back().length += extent.length;
        else
            result.push_back({extent.offset, extent.length});
    }
    return result;
}

bool RbdVolumeDevice::knownZero() const
{
    if (m_zeroState.load() == Unknown) {
        const int state = m_image->hasAnyData() ? NotZero : Zero;
        int expected = Unknown;
        m_zeroState.compare_exchange_strong(expected, state);
    }
    return m_zeroState.load() == Zero;
}

void RbdVolumeDevice::zeroRange(qint64 offset, qint64 length)
{
    if (m_mode != OpenMode::ReadWrite || !m_image->snapshot().isEmpty())
        throw Error(QStringLiteral("%1 is open read-only").arg(describe()));
    const qint64 end = std::min(offset + length, m_size);
    if (end > offset)
        m_image->writeZeroes(offset, end - offset);
}

void RbdVolumeDevice::flush()
{
    if (m_mode == OpenMode::ReadWrite)
        m_image->flush();
}

std::optional<std::vector<Extent>> RbdVolumeDevice::changedSinceParent() const
{
    if (m_changesKnown)
        return m_changesSinceParent;
    if (m_parentBackupId.isEmpty())
        return std::nullopt;
    const QString parentSnapshot = snapshotOfBackup(m_parentBackupId);
    if (parentSnapshot.isEmpty())
        return std::nullopt;
    std::vector<Extent> result;
    for (const DiffExtent& extent : diffSince(parentSnapshot)) {
        if (!result.empty() && result.back().end() == extent.offset)
            result.back().length += extent.length;
        else
            result.push_back({extent.offset, extent.length});
    }
    return result;
}

} // namespace ember::ceph
