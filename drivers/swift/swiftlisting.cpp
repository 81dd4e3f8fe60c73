#include "swiftlisting.h"

#include "records.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ember::swift {

ListingPage parseListingPage(const QByteArray& body, const QString& container,
                             const QString& prefix, const QString& marker)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("Swift's listing of container '%1' is not valid JSON: %2 at "
                                   "offset %3.")
                        .arg(container, parseError.errorString())
                        .arg(parseError.offset));
    if (!document.isArray())
        throw Error(
            QStringLiteral("Swift's listing of container '%1' is not a JSON list.").arg(container));

    ListingPage page;
    const QJsonArray entries = document.array();
    qsizetype index = 0;
    for (const QJsonValue& entry : entries) {
        const QJsonObject object = entry.toObject();
        const QJsonValue name = object.value(QStringLiteral("name"));
        // "subdir" entries come only with a delimiter; they page like names.
        const QJsonValue subdir = object.value(QStringLiteral("subdir"));
        if (!entry.isObject() || !(name.isString() || (name.isUndefined() && subdir.isString())))
            throw Error(QStringLiteral("Swift's listing of container '%1' has an entry without "
                                       "a name (entry %2).")
                            .arg(container)
                            .arg(index));
        const QString text = name.isString() ? name.toString() : subdir.toString();
        if (name.isString() && !text.isEmpty() && text.startsWith(prefix))
            page.names << text;
        page.nextMarker = text;
        ++index;
    }
    // Swift lists names in the byte order of their UTF-8 form, each page after
    // its marker.
    if (!page.nextMarker.isEmpty() && !marker.isEmpty() &&
        page.nextMarker.toUtf8() <= marker.toUtf8())
        throw Error(QStringLiteral("Swift's listing of container '%1' did not move past '%2': "
                                   "the page ends at '%3'.")
                        .arg(container, marker, page.nextMarker));
    return page;
}

} // namespace ember::swift
