// Thin RAII layer over the librados/librbd C API: one cluster connection,
// pool contexts and image handles, each turning a negative errno into an
// ember::Error with a message a user can act on. Everything else in
// drivers/ceph builds on this.
#pragma once

#include "backendregistry.h"
#include "records.h"

#include <rados/librados.h>
#include <rbd/librbd.h>

#include <QString>
#include <QStringList>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace ember::ceph {

// How to reach a cluster, from a Ceph backend's options (Cinder's names plus
// ember_ceph_*) and its keyring secret. The key is never put in a message.
struct ConnectionOptions
{
    QString confFile;        // backup_ceph_conf (default /etc/ceph/ceph.conf)
    QString user;            // backup_ceph_user without "client." (default cinder)
    QString monHost;         // ember_ceph_mon_host: when set, no conf file is read
    QString keyringFile;     // ember_ceph_keyring (optional)
    QString key;             // BackendSecrets["ceph_key"] (optional)
    int timeoutSeconds = 60; // ember_ceph_timeout: mount, monitor and OSD op timeouts

    static ConnectionOptions from(const BackendConfig& config, const BackendSecrets& secrets);
    // "client.cinder via /etc/ceph/ceph.conf" or "client.admin at 127.0.0.1:3300"
    QString describe() const;
};

// strerror text for a negative errno from librados/librbd.
QString errnoText(int rc);

class Cluster : public std::enable_shared_from_this<Cluster>
{
public:
    // Connects or throws Error (monitors unreachable, permission denied,
    // missing configuration file) within the configured timeout. Connections
    // are shared: the same options give the same live connection.
    static std::shared_ptr<Cluster> connect(const ConnectionOptions& options);
    // A connection of its own (not shared), closed with the last reference.
    static std::shared_ptr<Cluster> connectSeparately(const ConnectionOptions& options);
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    rados_t handle() const { return m_cluster; }
    const ConnectionOptions& options() const { return m_options; }
    QString fsid() const;
    QStringList pools() const;
    bool poolExists(const QString& pool) const;
    // Runs a monitor command (JSON text) and returns its output; throws on error.
    QByteArray monCommand(const QString& jsonCommand, QString* status = nullptr) const;

private:
    explicit Cluster(const ConnectionOptions& options) : m_options(options) {}
    static std::shared_ptr<Cluster> connectNew(const ConnectionOptions& options);
    rados_t m_cluster = nullptr;
    ConnectionOptions m_options;
};

class IoContext
{
public:
    // Throws Error "pool X does not exist" when it is missing.
    IoContext(std::shared_ptr<Cluster> cluster, const QString& pool);
    ~IoContext();
    IoContext(const IoContext&) = delete;
    IoContext& operator=(const IoContext&) = delete;

    rados_ioctx_t handle() const { return m_io; }
    const QString& pool() const { return m_pool; }
    const std::shared_ptr<Cluster>& cluster() const { return m_cluster; }

    QStringList images() const;
    bool imageExists(const QString& image) const;
    // Creates an RBD image with layering+stripingv2+exclusive-lock+object-map+
    // fast-diff; stripe unit/count 0 = librbd's defaults.
    // backup_ceph_image_journals adds journaling.
    void createImage(const QString& image, qint64 size, quint64 stripeUnit = 0,
                     quint64 stripeCount = 0, bool journaling = false) const;
    // Removes an image; retries a few times while a watcher holds it.
    void removeImage(const QString& image) const;

    // Small RADOS objects (backup.<id>.meta, probe objects).
    void writeObject(const QString& name, const QByteArray& data) const;
    std::optional<QByteArray> readObject(const QString& name) const;
    // Returns false when the object did not exist.
    bool removeObject(const QString& name) const;

private:
    std::shared_ptr<Cluster> m_cluster;
    QString m_pool;
    rados_ioctx_t m_io = nullptr;
};

struct SnapshotInfo
{
    quint64 id = 0;
    qint64 size = 0;
    QString name;
};

struct DiffExtent
{
    qint64 offset = 0;
    qint64 length = 0;
    bool exists = true; // false: the range was discarded (reads as zeros)
};

// One open image (at its head, or read-only at a snapshot). The image
// handle is safe to use from several threads (librbd locks internally).
class Image
{
public:
    Image(std::shared_ptr<IoContext> io, const QString& name, const QString& snapshot = {},
          bool readOnly = false);
    ~Image();
    Image(const Image&) = delete;
    Image& operator=(const Image&) = delete;

    rbd_image_t handle() const { return m_image; }
    const QString& name() const { return m_name; }
    const QString& snapshot() const { return m_snapshot; }
    const std::shared_ptr<IoContext>& io() const { return m_io; }
    QString spec() const; // pool/image[@snap]

    qint64 size() const;
    // librbd's image id: stays with the image through renames.
    QString id() const;
    void resize(qint64 size) const;
    std::vector<SnapshotInfo> snapshots() const;
    bool hasSnapshot(const QString& snapshot) const;
    void createSnapshot(const QString& snapshot) const;
    void removeSnapshot(const QString& snapshot) const;
    // Renames in the image header only: no monitor round trip.
    void renameSnapshot(const QString& from, const QString& to) const;
    void rollbackTo(const QString& snapshot) const;
    // Extents changed since `fromSnapshot` (empty = allocated extents) in
    // [offset, offset+length), byte-granular (whole_object false), merged.
    std::vector<DiffExtent> diff(const QString& fromSnapshot, qint64 offset, qint64 length) const;
    // True if anything is allocated (cheap with object-map/fast-diff).
    bool hasAnyData() const;
    // True if any object differs from `fromSnapshot` (whole objects: cheap
    // with fast-diff); a resize counts as a change.
    bool changedSince(const QString& fromSnapshot) const;

    // Synchronous helpers built on aio with several requests in flight.
    void read(qint64 offset, char* buffer, qint64 length) const;
    void write(qint64 offset, const char* data, qint64 length) const;
    void writeZeroes(qint64 offset, qint64 length) const;
    void flush() const;
    // Takes the exclusive lock now, before any I/O, and keeps it until close
    // (no transparent hand-over to other clients meanwhile).
    void acquireExclusiveLock() const;

private:
    mutable std::mutex m_submitMutex;
    std::shared_ptr<IoContext> m_io;
    QString m_name;
    QString m_snapshot;
    rbd_image_t m_image = nullptr;
};

// Cinder's names (reference §3).
QString backupSnapshotPrefix(const QString& backupId);  // "backup.<id>.snap."
QString newBackupSnapshotName(const QString& backupId); // "backup.<id>.snap.<time.time()>"
// The backup id of a "backup.<id>.snap.<ts>" name, or empty.
QString backupIdOfSnapshot(const QString& snapshot);
// The seconds since the epoch in a snapshot name (for ordering), or -1.
double timestampOfSnapshot(const QString& snapshot);
// The newest snapshot of that backup on the image, or empty.
QString snapshotOfBackup(const Image& image, const QString& backupId);
QString baseImageName(const QString& volumeId, const QString& backupId);
QString legacyBaseImageName(const QString& volumeId);
QString metaObjectName(const QString& backupId);

} // namespace ember::ceph
