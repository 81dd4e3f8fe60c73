#include "objectstore.h"

#include <cstring>

namespace ember {

QString cinderZonedObjectPrefix(const Backup& backup, const QDateTime& startUtc)
{
    const QString zone =
        backup.availabilityZone.isEmpty() ? QStringLiteral("nova") : backup.availabilityZone;
    return QStringLiteral("volume_%1/%2/az_%3_backup_%4")
        .arg(backup.volumeId, startUtc.toUTC().toString(QStringLiteral("yyyyMMddHHmmss")), zone,
             backup.id);
}

QByteArray ObjectStore::getAll(const QString& container, const QString& name)
{
    QByteArray data;
    get(container, name,
        [&data](const char* bytes, size_t length) { data.append(bytes, qsizetype(length)); });
    return data;
}

void ObjectStore::putAll(const QString& container, const QString& name, const QByteArray& data)
{
    size_t position = 0;
    put(
        container, name,
        [&](char* buffer, size_t capacity) {
            const size_t count = std::min(capacity, size_t(data.size()) - position);
            std::memcpy(buffer, data.constData() + position, count);
            position += count;
            return count;
        },
        data.size());
}

} // namespace ember
