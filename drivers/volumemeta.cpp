#include "volumemeta.h"

#include "pythonjson.h"

#include <QJsonDocument>

namespace ember {

QByteArray volumeMetaJson(const Volume& volume)
{
    // Cinder keeps only the JSON-serialisable columns (no datetimes).
    QJsonObject base;
    base[QStringLiteral("id")] = volume.id;
    base[QStringLiteral("display_name")] = volume.name;
    base[QStringLiteral("size")] = double(volume.sizeGiB());
    base[QStringLiteral("status")] = volume.status;
    QJsonObject root;
    root[QStringLiteral("version")] = 2;
    root[QStringLiteral("volume-base-metadata")] = base;
    if (!volume.metadata.isEmpty())
        root[QStringLiteral("volume-metadata")] = volume.metadata;
    return PythonJson::dumps(root);
}

VolumeMetaChanges volumeMetaChanges(const QByteArray& volumeMeta, const Volume& target)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(volumeMeta, &parseError);
    const QJsonObject root = document.object();
    const int version = root.value(QStringLiteral("version")).toInt(-1);
    if (parseError.error != QJsonParseError::NoError || !document.isObject() ||
        (version != 1 && version != 2))
        throw Error(QStringLiteral("the backup's volume metadata is not in a supported format "
                                   "(version 1 or 2 expected): the data was restored, the "
                                   "metadata was not"));
    VolumeMetaChanges changes;
    const QJsonObject base = root.value(QStringLiteral("volume-base-metadata")).toObject();
    const QString name = base.value(QStringLiteral("display_name")).toString();
    if (!name.isEmpty() &&
        (target.name.isEmpty() || target.name.startsWith(QLatin1String("restore_backup_"))))
        changes.name = name;
    if (root.contains(QStringLiteral("volume-metadata")))
        changes.metadata = root.value(QStringLiteral("volume-metadata")).toObject();
    return changes;
}

} // namespace ember
