#include "objectstore.h"

#include <cstring>

namespace ember {

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
