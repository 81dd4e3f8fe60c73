// The small interface the chunked engine needs from a backend that stores
// named objects in containers (a local directory, Swift, ...). Transfers are
// streamed: a put pulls bytes from a producer, a get pushes bytes to a
// consumer, so no object is ever held in memory whole.
#pragma once

#include "backoff.h"
#include "records.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace ember {

// Returns up to `capacity` bytes written into `buffer`; 0 means the end.
// May throw (e.g. Cancelled) to abort the transfer.
using DataProducer = std::function<size_t(char* buffer, size_t capacity)>;
// Receives the next bytes of an object; may throw to abort the transfer.
using DataConsumer = std::function<void(const char* data, size_t length)>;

// The object is not there (a missing object on restore is named in the error).
class ObjectMissing : public Error
{
public:
    using Error::Error;
};

// Deleting or overwriting a locked object was refused by the store (S3
// Object Lock). The message names the object and the date it becomes deletable.
class ObjectLocked : public Error
{
public:
    using Error::Error;
};

// Object Lock retention the store puts on every object it writes: until that
// moment no one (holding this backend's keys or not) can delete or overwrite them.
struct ObjectRetention
{
    QString mode; // "GOVERNANCE" or "COMPLIANCE"
    QDateTime until;
};

// Cinder's object prefix of the Swift and S3 drivers (reference §2.1):
// volume_<volume id>/<UTC yyyyMMddHHmmss>/az_<zone>_backup_<backup id>.
QString cinderZonedObjectPrefix(const Backup& backup, const QDateTime& startUtc);

class ObjectStore
{
public:
    virtual ~ObjectStore() = default;

    // Cinder's driver class path, recorded as the backup's `service`.
    virtual QString serviceName() const = 0;
    // Cinder's object prefix for a new backup (reference §2.1); `startUtc`
    // is the backup's start time.
    virtual QString objectPrefix(const Backup& backup, const QDateTime& startUtc) const = 0;
    // The container a backup goes to when the user named none.
    virtual QString defaultContainer(const Backup& backup) const = 0;
    // Why this store cannot use `container` (empty = it can).
    virtual QString invalidContainer(const QString&) const { return {}; }
    // Why `prefix` cannot be a backup's object prefix here (empty = it can).
    virtual QString invalidObjectPrefix(const QString&) const { return {}; }

    // Creates the container if it does not exist yet.
    virtual void ensureContainer(const QString& container) = 0;
    // Stores an object, replacing any object of that name. `length`, when
    // known, lets stores send a Content-Length.
    virtual void put(const QString& container, const QString& name, const DataProducer& producer,
                     std::optional<qint64> length) = 0;
    // Throws ObjectMissing if there is no such object.
    virtual void get(const QString& container, const QString& name,
                     const DataConsumer& consumer) = 0;
    // get() for a caller that checks every byte it uses itself (a restore:
    // object MD5s, SHA-256 blocks, GCM tags): a store may skip its own
    // transport checksum (Swift's and S3's ETag MD5), a second MD5 pass over
    // the same bytes. Stores without one just get().
    virtual void getCheckedByCaller(const QString& container, const QString& name,
                                    const DataConsumer& consumer)
    {
        get(container, name, consumer);
    }
    // Names starting with `prefix`, sorted, all pages.
    virtual QStringList list(const QString& container, const QString& prefix) = 0;
    // Removing a missing object is not an error.
    virtual void remove(const QString& container, const QString& name) = 0;

    // How many transfers the engine may run at once against this store.
    virtual int parallelTransfers() const { return 2; }
    virtual RetryPolicy retryPolicy() const { return {}; }
    // The retention this store puts on the objects it writes from now on,
    // fixed when the store was made (one store serves one job); none when the
    // backend does not lock objects. The chunked engine records it on the backup.
    virtual std::optional<ObjectRetention> retentionForNewObjects() const { return std::nullopt; }

    // Convenience for small objects (metadata files).
    QByteArray getAll(const QString& container, const QString& name);
    void putAll(const QString& container, const QString& name, const QByteArray& data);
};

} // namespace ember
