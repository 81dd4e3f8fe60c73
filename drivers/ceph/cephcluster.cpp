#include "cephcluster.h"

#include "backoff.h"

#include <rbd/features.h>

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>

namespace ember::ceph {

namespace {

// Large enough for librbd to spread a request over several objects, small
// enough that a few in flight stay cheap.
constexpr qint64 kAioPiece = 4 << 20;
constexpr int kAioInFlight = 8;

QByteArray utf8(const QString& text)
{
    return text.toUtf8();
}

struct Completion
{
    rbd_completion_t handle = nullptr;
    qint64 offset = 0;
    qint64 length = 0;
};

// Issues `submit` for consecutive pieces of [offset, offset+length), keeping
// up to kAioInFlight requests outstanding, and waits for all of them.
// Submissions are serialised per image (`submitLock`); completions overlap.
template <typename Submit>
void runAio(const QString& what, const QString& spec, qint64 offset, qint64 length, qint64 piece,
            std::mutex& submitLock, Submit submit)
{
    std::deque<Completion> pending;
    int firstError = 0;
    qint64 errorOffset = 0;
    auto reap = [&]() {
        Completion done = pending.front();
        pending.pop_front();
        rbd_aio_wait_for_complete(done.handle);
        const ssize_t rc = rbd_aio_get_return_value(done.handle);
        rbd_aio_release(done.handle);
        if (rc < 0 && firstError == 0) {
            firstError = int(rc);
            errorOffset = done.offset;
        }
    };
    qint64 position = offset;
    const qint64 end = offset + length;
    while (position < end && firstError == 0) {
        if (int(pending.size()) >= kAioInFlight)
            reap();
        const qint64 count = std::min(piece, end - position);
        Completion request{nullptr, position, count};
        int rc = rbd_aio_create_completion(nullptr, nullptr, &request.handle);
        if (rc >= 0) {
            {
                // librbd 16 crashed or hung now and then with writes entering
                // from several threads at once; one at a time it never did.
                std::lock_guard lock(submitLock);
                rc = submit(position, count, request.handle);
            }
            if (rc < 0)
                rbd_aio_release(request.handle);
        }
        if (rc < 0) {
            firstError = rc;
            errorOffset = position;
            break;
        }
        pending.push_back(request);
        position += count;
    }
    while (!pending.empty())
        reap();
    if (firstError != 0)
        throw Error(QStringLiteral("%1 %2 at offset %3 failed: %4")
                        .arg(what, spec)
                        .arg(errorOffset)
                        .arg(errnoText(firstError)));
}

// "cannot <action>: <reason>", with a hint when Ceph says the user's caps
// do not allow it.
QString failure(const QString& action, int rc, const Cluster& cluster)
{
    if (rc == -EPERM || rc == -EACCES)
        return QStringLiteral("cannot %1: permission denied for client.%2 (check its caps, e.g. "
                              "'profile rbd pool=<pool>')")
            .arg(action, cluster.options().user);
    return QStringLiteral("cannot %1: %2").arg(action, errnoText(rc));
}

} // namespace

QString errnoText(int rc)
{
    return QString::fromLocal8Bit(std::strerror(rc < 0 ? -rc : rc));
}

ConnectionOptions ConnectionOptions::from(const BackendConfig& config,
                                          const BackendSecrets& secrets)
{
    ConnectionOptions options;
    const QJsonObject& o = config.options;
    options.confFile =
        o.value(QStringLiteral("backup_ceph_conf")).toString(QStringLiteral("/etc/ceph/ceph.conf"));
    options.user = o.value(QStringLiteral("backup_ceph_user")).toString(QStringLiteral("cinder"));
    if (options.user.startsWith(QStringLiteral("client.")))
        options.user = options.user.mid(7);
    options.monHost = o.value(QStringLiteral("ember_ceph_mon_host")).toString();
    options.keyringFile = o.value(QStringLiteral("ember_ceph_keyring")).toString();
    options.key = secrets.value(QStringLiteral("ceph_key"));
    const QJsonValue timeout = o.value(QStringLiteral("ember_ceph_timeout"));
    if (timeout.isDouble() && timeout.toInt() > 0)
        options.timeoutSeconds = timeout.toInt();
    else if (timeout.isString() && timeout.toString().toInt() > 0)
        options.timeoutSeconds = timeout.toString().toInt();
    return options;
}

QString ConnectionOptions::describe() const
{
    if (!monHost.isEmpty())
        return QStringLiteral("client.%1 at %2").arg(user, monHost);
    return QStringLiteral("client.%1 via %2").arg(user, confFile);
}

namespace {
// One connection per distinct set of options for the life of the process:
// connecting costs a monitor round trip and cephx, and librbd 16 misbehaved
// (hangs in its io_context threads) in processes that created and shut down
// many clients while images were open. Never destroyed on purpose: shutting
// librados down from static destructors at exit is not safe.
struct ConnectionCache
{
    std::mutex mutex;
    std::map<QByteArray, std::shared_ptr<Cluster>> clusters;
};

ConnectionCache& connectionCache()
{
    static auto* cache = new ConnectionCache;
    return *cache;
}

QByteArray cacheKey(const ConnectionOptions& options)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString& part :
         {options.confFile, options.user, options.monHost, options.keyringFile, options.key,
          QString::number(options.timeoutSeconds)}) {
        hash.addData(part.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
    }
    return hash.result();
}
} // namespace

std::shared_ptr<Cluster> Cluster::connect(const ConnectionOptions& options)
{
    ConnectionCache& cache = connectionCache();
    const QByteArray key = cacheKey(options);
    std::lock_guard lock(cache.mutex);
    auto found = cache.clusters.find(key);
    if (found != cache.clusters.end())
        return found->second;
    std::shared_ptr<Cluster> cluster = connectNew(options);
    cache.clusters.emplace(key, cluster);
    return cluster;
}

std::shared_ptr<Cluster> Cluster::connectSeparately(const ConnectionOptions& options)
{
    return connectNew(options);
}

std::shared_ptr<Cluster> Cluster::connectNew(const ConnectionOptions& options)
{
    if (options.user.isEmpty())
        throw Error(QStringLiteral("the Ceph user (backup_ceph_user) is empty"));
    if (options.monHost.isEmpty() && options.confFile.isEmpty())
        throw Error(QStringLiteral(
            "set backup_ceph_conf (a ceph.conf file) or ember_ceph_mon_host to reach Ceph"));

    std::shared_ptr<Cluster> cluster(new Cluster(options));
    const QByteArray clientName = utf8(QStringLiteral("client.") + options.user);
    int rc = rados_create2(&cluster->m_cluster, "ceph", clientName.constData(), 0);
    if (rc < 0) {
        cluster->m_cluster = nullptr;
        throw Error(QStringLiteral("cannot initialise the Ceph client: %1").arg(errnoText(rc)));
    }
    auto set = [&](const char* option, const QString& value) {
        const QByteArray bytes = utf8(value);
        const int result = rados_conf_set(cluster->m_cluster, option, bytes.constData());
        if (result < 0)
            throw Error(QStringLiteral("invalid Ceph client setting %1: %2")
                            .arg(QString::fromLatin1(option), errnoText(result)));
    };

    if (options.monHost.isEmpty()) {
        const QByteArray path = utf8(options.confFile);
        rc = rados_conf_read_file(cluster->m_cluster, path.constData());
        if (rc < 0)
            throw Error(QStringLiteral("cannot read the Ceph configuration file %1: %2")
                            .arg(options.confFile, errnoText(rc)));
    } else {
        set("mon_host", options.monHost);
    }
    // CEPH_ARGS (e.g. "--rbd_cache=false"), as every Ceph client reads it.
    rc = rados_conf_parse_env(cluster->m_cluster, nullptr);
    if (rc < 0)
        throw Error(QStringLiteral("cannot apply CEPH_ARGS: %1").arg(errnoText(rc)));
    if (!options.keyringFile.isEmpty())
        set("keyring", options.keyringFile);
    if (!options.key.isEmpty())
        set("key", options.key);
    // A dead or full cluster must give an error, not a hang.
    const QString timeout = QString::number(options.timeoutSeconds);
    set("client_mount_timeout", timeout);
    set("rados_mon_op_timeout", timeout);
    set("rados_osd_op_timeout", QString::number(options.timeoutSeconds * 2));

    rc = rados_connect(cluster->m_cluster);
    if (rc < 0) {
        const QString who = options.describe();
        switch (-rc) {
        case ETIMEDOUT:
        case EINTR:
            throw Error(QStringLiteral("no answer from the Ceph monitors (%1) within %2 s: is the "
                                       "cluster running and reachable?")
                            .arg(who)
                            .arg(options.timeoutSeconds));
        case EACCES:
        case EPERM:
            throw Error(QStringLiteral("the Ceph cluster refused %1: permission denied (check the "
                                       "user name and its key)")
                            .arg(who));
        case ENOENT:
            throw Error(QStringLiteral("cannot connect to Ceph as %1: no key found (give a keyring "
                                       "in the configuration or store the key)")
                            .arg(who));
        case EINVAL:
            // What librados answers for a key that does not decode as a Ceph secret.
            throw Error(QStringLiteral("cannot connect to Ceph as %1: the key is not a valid Ceph "
                                       "key (the base64 text `ceph auth get-key` prints) or the "
                                       "settings are malformed")
                            .arg(who));
        default:
            throw Error(QStringLiteral("cannot connect to Ceph as %1: %2").arg(who, errnoText(rc)));
        }
    }
    return cluster;
}

Cluster::~Cluster()
{
    if (m_cluster)
        rados_shutdown(m_cluster);
}

QString Cluster::fsid() const
{
    char buffer[64] = {};
    const int rc = rados_cluster_fsid(m_cluster, buffer, sizeof buffer);
    if (rc < 0)
        throw Error(QStringLiteral("cannot read the Ceph cluster id: %1").arg(errnoText(rc)));
    return QString::fromLatin1(buffer, rc);
}

QStringList Cluster::pools() const
{
    std::vector<char> buffer(4096);
    for (;;) {
        const int rc = rados_pool_list(m_cluster, buffer.data(), buffer.size());
        if (rc < 0)
            throw Error(QStringLiteral("cannot list the Ceph pools: %1").arg(errnoText(rc)));
        if (size_t(rc) <= buffer.size())
            break;
        buffer.resize(size_t(rc));
    }
    QStringList names;
    for (const char* name = buffer.data(); *name; name += std::strlen(name) + 1)
        names << QString::fromUtf8(name);
    return names;
}

bool Cluster::poolExists(const QString& pool) const
{
    const QByteArray name = utf8(pool);
    return rados_pool_lookup(m_cluster, name.constData()) >= 0;
}

QByteArray Cluster::monCommand(const QString& jsonCommand, QString* status) const
{
    const QByteArray command = utf8(jsonCommand);
    const char* commands[] = {command.constData()};
    char* out = nullptr;
    size_t outLength = 0;
    char* statusText = nullptr;
    size_t statusLength = 0;
    const int rc = rados_mon_command(m_cluster, commands, 1, "", 0, &out, &outLength, &statusText,
                                     &statusLength);
    const QByteArray result(out, qsizetype(outLength));
    const QString statusString = QString::fromUtf8(statusText, qsizetype(statusLength));
    if (out)
        rados_buffer_free(out);
    if (statusText)
        rados_buffer_free(statusText);
    if (rc < 0)
        throw Error(QStringLiteral("the Ceph monitor command failed: %1 %2")
                        .arg(errnoText(rc), statusString)
                        .trimmed());
    if (status)
        *status = statusString;
    return result;
}

IoContext::IoContext(std::shared_ptr<Cluster> cluster, const QString& pool)
    : m_cluster(std::move(cluster)), m_pool(pool)
{
    const QByteArray name = utf8(pool);
    const int rc = rados_ioctx_create(m_cluster->handle(), name.constData(), &m_io);
    if (rc < 0) {
        m_io = nullptr;
        if (rc == -ENOENT)
            throw Error(QStringLiteral("the Ceph pool \"%1\" does not exist").arg(pool));
        throw Error(
            QStringLiteral("cannot open the Ceph pool \"%1\": %2").arg(pool, errnoText(rc)));
    }
}

IoContext::~IoContext()
{
    if (m_io)
        rados_ioctx_destroy(m_io);
}

QStringList IoContext::images() const
{
    std::vector<rbd_image_spec_t> specs(64);
    size_t count = specs.size();
    int rc;
    while ((rc = rbd_list2(m_io, specs.data(), &count)) == -ERANGE)
        specs.resize(count);
    if (rc < 0)
        throw Error(QStringLiteral("cannot list the RBD images in pool \"%1\": %2")
                        .arg(m_pool, errnoText(rc)));
    QStringList names;
    for (size_t i = 0; i < count; ++i)
        names << QString::fromUtf8(specs[i].name);
    rbd_image_spec_list_cleanup(specs.data(), count);
    names.sort();
    return names;
}

bool IoContext::imageExists(const QString& image) const
{
    const QByteArray name = utf8(image);
    rbd_image_t handle = nullptr;
    const int rc = rbd_open_read_only(m_io, name.constData(), &handle, nullptr);
    if (rc == -ENOENT)
        return false;
    if (rc < 0)
        throw Error(QStringLiteral("cannot open the RBD image %1/%2: %3")
                        .arg(m_pool, image, errnoText(rc)));
    rbd_close(handle);
    return true;
}

void IoContext::createImage(const QString& image, qint64 size, quint64 stripeUnit,
                            quint64 stripeCount, bool journaling) const
{
    rbd_image_options_t options = nullptr;
    rbd_image_options_create(&options);
    uint64_t features = RBD_FEATURE_LAYERING | RBD_FEATURE_STRIPINGV2 | RBD_FEATURE_EXCLUSIVE_LOCK |
                        RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF;
    if (journaling)
        features |= RBD_FEATURE_JOURNALING;
    rbd_image_options_set_uint64(options, RBD_IMAGE_OPTION_FORMAT, 2);
    rbd_image_options_set_uint64(options, RBD_IMAGE_OPTION_FEATURES, features);
    if (stripeUnit > 0)
        rbd_image_options_set_uint64(options, RBD_IMAGE_OPTION_STRIPE_UNIT, stripeUnit);
    if (stripeCount > 0)
        rbd_image_options_set_uint64(options, RBD_IMAGE_OPTION_STRIPE_COUNT, stripeCount);
    const QByteArray name = utf8(image);
    const int rc = rbd_create4(m_io, name.constData(), uint64_t(size), options);
    rbd_image_options_destroy(options);
    if (rc == -EEXIST)
        throw Error(QStringLiteral("an RBD image %1/%2 already exists").arg(m_pool, image));
    if (rc < 0)
        throw Error(failure(QStringLiteral("create the RBD image %1/%2").arg(m_pool, image), rc,
                            *m_cluster));
}

void IoContext::removeImage(const QString& image) const
{
    const QByteArray name = utf8(image);
    // A client that just closed the image may still hold a watch for a
    // moment: a few short retries with the shared back-off (about 2 s in all).
    const Backoff backoff(RetryPolicy{4, 0.25, 1});
    int rc = rbd_remove(m_io, name.constData());
    for (int attempt = 0; rc == -EBUSY && attempt < backoff.policy().attempts; ++attempt) {
        backoff.wait(attempt);
        rc = rbd_remove(m_io, name.constData());
    }
    if (rc == -ENOENT || rc == 0)
        return;
    if (rc == -ENOTEMPTY)
        throw Error(QStringLiteral("cannot remove the RBD image %1/%2: it still has snapshots")
                        .arg(m_pool, image));
    if (rc == -EBUSY)
        throw Error(
            QStringLiteral("cannot remove the RBD image %1/%2: it is in use by another client")
                .arg(m_pool, image));
    throw Error(
        QStringLiteral("cannot remove the RBD image %1/%2: %3").arg(m_pool, image, errnoText(rc)));
}

void IoContext::writeObject(const QString& name, const QByteArray& data) const
{
    const QByteArray oid = utf8(name);
    const int rc = rados_write_full(m_io, oid.constData(), data.constData(), size_t(data.size()));
    if (rc < 0)
        throw Error(failure(QStringLiteral("write the RADOS object %1/%2").arg(m_pool, name), rc,
                            *m_cluster));
}

std::optional<QByteArray> IoContext::readObject(const QString& name) const
{
    const QByteArray oid = utf8(name);
    uint64_t size = 0;
    time_t mtime = 0;
    int rc = rados_stat(m_io, oid.constData(), &size, &mtime);
    if (rc == -ENOENT)
        return std::nullopt;
    if (rc < 0)
        throw Error(QStringLiteral("cannot read the RADOS object %1/%2: %3")
                        .arg(m_pool, name, errnoText(rc)));
    QByteArray data(qsizetype(size), Qt::Uninitialized);
    rc = rados_read(m_io, oid.constData(), data.data(), size_t(size), 0);
    if (rc < 0)
        throw Error(QStringLiteral("cannot read the RADOS object %1/%2: %3")
                        .arg(m_pool, name, errnoText(rc)));
    data.truncate(rc);
    return data;
}

bool IoContext::removeObject(const QString& name) const
{
    const QByteArray oid = utf8(name);
    const int rc = rados_remove(m_io, oid.constData());
    if (rc == -ENOENT)
        return false;
    if (rc < 0)
        throw Error(QStringLiteral("cannot remove the RADOS object %1/%2: %3")
                        .arg(m_pool, name, errnoText(rc)));
    return true;
}

Image::Image(std::shared_ptr<IoContext> io, const QString& name, const QString& snapshot,
             bool readOnly)
    : m_io(std::move(io)), m_name(name), m_snapshot(snapshot)
{
    const QByteArray imageName = utf8(name);
    const QByteArray snapName = utf8(snapshot);
    const char* snap = snapshot.isEmpty() ? nullptr : snapName.constData();
    const int rc = readOnly
                       ? rbd_open_read_only(m_io->handle(), imageName.constData(), &m_image, snap)
                       : rbd_open(m_io->handle(), imageName.constData(), &m_image, snap);
    if (rc < 0) {
        m_image = nullptr;
        if (rc == -ENOENT && !snapshot.isEmpty() && m_io->imageExists(name))
            throw Error(QStringLiteral("the snapshot %1 does not exist").arg(spec()));
        if (rc == -ENOENT)
            throw Error(
                QStringLiteral("the RBD image %1/%2 does not exist").arg(m_io->pool(), name));
        throw Error(
            failure(QStringLiteral("open the RBD image %1").arg(spec()), rc, *m_io->cluster()));
    }
}

Image::~Image()
{
    if (m_image)
        rbd_close(m_image);
}

QString Image::spec() const
{
    QString text = m_io->pool() + QLatin1Char('/') + m_name;
    if (!m_snapshot.isEmpty())
        text += QLatin1Char('@') + m_snapshot;
    return text;
}

qint64 Image::size() const
{
    uint64_t size = 0;
    const int rc = rbd_get_size(m_image, &size);
    if (rc < 0)
        throw Error(QStringLiteral("cannot read the size of %1: %2").arg(spec(), errnoText(rc)));
    return qint64(size);
}

QString Image::id() const
{
    char id[128] = {};
    const int rc = rbd_get_id(m_image, id, sizeof id);
    if (rc < 0)
        throw Error(QStringLiteral("cannot read the id of %1: %2").arg(spec(), errnoText(rc)));
    return QString::fromLatin1(id);
}

void Image::resize(qint64 size) const
{
    const int rc = rbd_resize(m_image, uint64_t(size));
    if (rc < 0)
        throw Error(QStringLiteral("cannot resize %1: %2").arg(spec(), errnoText(rc)));
}

std::vector<SnapshotInfo> Image::snapshots() const
{
    std::vector<rbd_snap_info_t> infos(16);
    int max = int(infos.size());
    int rc;
    while ((rc = rbd_snap_list(m_image, infos.data(), &max)) == -ERANGE)
        infos.resize(size_t(max));
    if (rc < 0)
        throw Error(
            QStringLiteral("cannot list the snapshots of %1: %2").arg(spec(), errnoText(rc)));
    std::vector<SnapshotInfo> result;
    for (int i = 0; i < rc; ++i)
        result.push_back({infos[size_t(i)].id, qint64(infos[size_t(i)].size),
                          QString::fromUtf8(infos[size_t(i)].name)});
    rbd_snap_list_end(infos.data());
    return result;
}

bool Image::hasSnapshot(const QString& snapshot) const
{
    for (const SnapshotInfo& info : snapshots())
        if (info.name == snapshot)
            return true;
    return false;
}

void Image::createSnapshot(const QString& snapshot) const
{
    const QByteArray name = utf8(snapshot);
    const int rc = rbd_snap_create(m_image, name.constData());
    if (rc < 0)
        throw Error(failure(QStringLiteral("create the snapshot %1@%2").arg(spec(), snapshot), rc,
                            *m_io->cluster()));
}

void Image::removeSnapshot(const QString& snapshot) const
{
    const QByteArray name = utf8(snapshot);
    const int rc = rbd_snap_remove(m_image, name.constData());
    if (rc < 0 && rc != -ENOENT)
        throw Error(QStringLiteral("cannot remove the snapshot %1@%2: %3")
                        .arg(spec(), snapshot, errnoText(rc)));
}

void Image::renameSnapshot(const QString& from, const QString& to) const
{
    const QByteArray fromName = utf8(from);
    const QByteArray toName = utf8(to);
    const int rc = rbd_snap_rename(m_image, fromName.constData(), toName.constData());
    if (rc < 0)
        throw Error(QStringLiteral("cannot rename the snapshot %1@%2 to %3: %4")
                        .arg(spec(), from, to, errnoText(rc)));
}

void Image::rollbackTo(const QString& snapshot) const
{
    const QByteArray name = utf8(snapshot);
    const int rc = rbd_snap_rollback(m_image, name.constData());
    if (rc < 0)
        throw Error(QStringLiteral("cannot roll %1 back to its snapshot %2: %3")
                        .arg(spec(), snapshot, errnoText(rc)));
}

namespace {
struct DiffCollector
{
    std::vector<DiffExtent> extents;
    bool onlyNoteData = false;  // only note whether anything exists
    bool countDiscards = false; // with onlyNoteData: a discarded extent counts too
    bool sawData = false;
};

int collectDiff(uint64_t offset, size_t length, int exists, void* argument)
{
    auto* collector = static_cast<DiffCollector*>(argument);
    if (collector->onlyNoteData) {
        // Never abort the iteration with an error: librbd 16 may still have
        // object requests in flight that then use freed state (seen as a hang).
        collector->sawData = collector->sawData || exists != 0 || collector->countDiscards;
        return 0;
    }
    auto& extents = collector->extents;
    const bool present = exists != 0;
    if (!extents.empty() && extents.back().exists == present &&
        extents.back().offset + extents.back().length == qint64(offset))
        extents.back().length += qint64(length);
    else
        extents.push_back({qint64(offset), qint64(length), present});
    return 0;
}
} // namespace

std::vector<DiffExtent> Image::diff(const QString& fromSnapshot, qint64 offset, qint64 length) const
{
    DiffCollector collector;
    const QByteArray from = utf8(fromSnapshot);
    const int rc =
        rbd_diff_iterate2(m_image, fromSnapshot.isEmpty() ? nullptr : from.constData(),
                          uint64_t(offset), uint64_t(length), 1, 0, collectDiff, &collector);
    if (rc < 0)
        throw Error(
            QStringLiteral("cannot list the changed extents of %1%2: %3")
                .arg(spec(),
                     fromSnapshot.isEmpty() ? QString() : QStringLiteral(" since ") + fromSnapshot,
                     errnoText(rc)));
    // librbd reports extents in order, but be safe for the merge users.
    std::sort(collector.extents.begin(), collector.extents.end(),
              [](const DiffExtent& a, const DiffExtent& b) { return a.offset < b.offset; });
    return collector.extents;
}

bool Image::hasAnyData() const
{
    DiffCollector collector;
    collector.onlyNoteData = true;
    const int rc =
        rbd_diff_iterate2(m_image, nullptr, 0, uint64_t(size()), 1, 1, collectDiff, &collector);
    if (rc < 0)
        throw Error(QStringLiteral("cannot list the extents of %1: %2").arg(spec(), errnoText(rc)));
    return collector.sawData;
}

bool Image::changedSince(const QString& fromSnapshot) const
{
    qint64 snapshotSize = -1;
    for (const SnapshotInfo& info : snapshots())
        if (info.name == fromSnapshot)
            snapshotSize = info.size;
    if (snapshotSize < 0)
        throw Error(QStringLiteral("%1 has no snapshot %2").arg(spec(), fromSnapshot));
    if (snapshotSize != size())
        return true;
    DiffCollector collector;
    collector.onlyNoteData = true;
    collector.countDiscards = true;
    const QByteArray from = utf8(fromSnapshot);
    const int rc = rbd_diff_iterate2(m_image, from.constData(), 0, uint64_t(size()), 1, 1,
                                     collectDiff, &collector);
    if (rc < 0)
        throw Error(QStringLiteral("cannot list the changes of %1 since %2: %3")
                        .arg(spec(), fromSnapshot, errnoText(rc)));
    return collector.sawData;
}

void Image::read(qint64 offset, char* buffer, qint64 length) const
{
    // As `rbd export`: each byte is read once, so the OSD need not cache it.
    const int flags = LIBRADOS_OP_FLAG_FADVISE_SEQUENTIAL | LIBRADOS_OP_FLAG_FADVISE_NOCACHE;
    runAio(QStringLiteral("reading"), spec(), offset, length, kAioPiece, m_submitMutex,
           [&](qint64 position, qint64 count, rbd_completion_t completion) {
               return rbd_aio_read2(m_image, uint64_t(position), size_t(count),
                                    buffer + (position - offset), completion, flags);
           });
}

void Image::write(qint64 offset, const char* data, qint64 length) const
{
    // As `rbd import`: backup and restore data is not read back soon.
    const int flags = LIBRADOS_OP_FLAG_FADVISE_NOCACHE;
    runAio(QStringLiteral("writing"), spec(), offset, length, kAioPiece, m_submitMutex,
           [&](qint64 position, qint64 count, rbd_completion_t completion) {
               return rbd_aio_write2(m_image, uint64_t(position), size_t(count),
                                     data + (position - offset), completion, flags);
           });
}

void Image::writeZeroes(qint64 offset, qint64 length) const
{
    // Whole objects are discarded, partial ones zeroed: reads give zeros.
    runAio(QStringLiteral("zeroing"), spec(), offset, length, qint64(1) << 30, m_submitMutex,
           [&](qint64 position, qint64 count, rbd_completion_t completion) {
               return rbd_aio_write_zeroes(m_image, uint64_t(position), size_t(count), completion,
                                           0, 0);
           });
}

void Image::acquireExclusiveLock() const
{
    const int rc = rbd_lock_acquire(m_image, RBD_LOCK_MODE_EXCLUSIVE);
    if (rc == -EINVAL || rc == -EOPNOTSUPP)
        return; // the image has no exclusive-lock feature
    if (rc == -EROFS || rc == -EBUSY)
        throw Error(QStringLiteral("the RBD image %1 is in use: another client holds its "
                                   "exclusive lock")
                        .arg(spec()));
    if (rc < 0)
        throw Error(
            failure(QStringLiteral("lock the RBD image %1").arg(spec()), rc, *m_io->cluster()));
}

void Image::flush() const
{
    const int rc = rbd_flush(m_image);
    if (rc < 0)
        throw Error(QStringLiteral("cannot flush %1: %2").arg(spec(), errnoText(rc)));
}

QString backupSnapshotPrefix(const QString& backupId)
{
    return QStringLiteral("backup.%1.snap.").arg(backupId);
}

QString newBackupSnapshotName(const QString& backupId)
{
    // Python's time.time() text: seconds, a dot, up to 6 decimals, no trailing zeros.
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    QString decimals = QStringLiteral("%1").arg(now % 1000000, 6, 10, QLatin1Char('0'));
    while (decimals.size() > 1 && decimals.endsWith(QLatin1Char('0')))
        decimals.chop(1);
    return backupSnapshotPrefix(backupId) + QString::number(now / 1000000) + QLatin1Char('.') +
           decimals;
}

namespace {
const QRegularExpression& snapshotPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral("^backup\\.([a-z0-9\\-]+?)\\.snap\\.(.+)$"));
    return pattern;
}
} // namespace

QString backupIdOfSnapshot(const QString& snapshot)
{
    const QRegularExpressionMatch match = snapshotPattern().match(snapshot);
    return match.hasMatch() ? match.captured(1) : QString();
}

double timestampOfSnapshot(const QString& snapshot)
{
    const QRegularExpressionMatch match = snapshotPattern().match(snapshot);
    if (!match.hasMatch())
        return -1;
    bool ok = false;
    const double value = match.captured(2).toDouble(&ok);
    return ok ? value : -1;
}

QString snapshotOfBackup(const Image& image, const QString& backupId)
{
    QString found;
    double newest = -2;
    for (const SnapshotInfo& snapshot : image.snapshots()) {
        if (backupIdOfSnapshot(snapshot.name) != backupId)
            continue;
        const double time = timestampOfSnapshot(snapshot.name);
        if (time > newest) {
            newest = time;
            found = snapshot.name;
        }
    }
    return found;
}

QString baseImageName(const QString& volumeId, const QString& backupId)
{
    return QStringLiteral("volume-%1.backup.%2").arg(volumeId, backupId);
}

QString legacyBaseImageName(const QString& volumeId)
{
    return QStringLiteral("volume-%1.backup.base").arg(volumeId);
}

QString metaObjectName(const QString& backupId)
{
    return QStringLiteral("backup.%1.meta").arg(backupId);
}

} // namespace ember::ceph
