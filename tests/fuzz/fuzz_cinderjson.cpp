// Cinder's answers as the cloud client reads them. The input is one line naming the
// answer, then its body:
//   volumes [LIMIT] [count]   a page of GET /volumes/detail (LIMIT asked, default 200;
//   backups [LIMIT] [count]   "count": with_count=true was asked), as parseVolumePage /
//                             parseBackupPage read it
//   volume / backup           GET /volumes/{id}, /backups/{id}: parseVolume / parseBackup
//                             of the "volume" / "backup" object
//   error                     an error body, as errorMessage reads it
// Properties: nothing but ember::Error is thrown; every id is a canonical UUID, project
// and user ids are Keystone ids, sizes and counts are whole numbers from 0 up, texts
// hold no control characters but line breaks and tabs; a page goes on only after its
// last item, with that item's id as the marker; an error message is one printable line.
#include "cinderclient.h"
#include "cloudhttp.h"
#include "fuzzsupport.h"
#include "records.h"

#include <exception>

using namespace ember;
using namespace ember::cloud;

namespace {

bool isCleanText(const QString& text, int maxLength)
{
    return text.size() <= maxLength && std::none_of(text.cbegin(), text.cend(), [](QChar c) {
               return c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\t') &&
                      c != QLatin1Char('\r');
           });
}

bool isOptionalUuid(const QString& id)
{
    return id.isEmpty() || isCanonicalUuid(id);
}

bool isOptionalPlainId(const QString& id)
{
    return id.isEmpty() || detail::isPlainId(id);
}

constexpr qint64 MaxGiB = qint64(1) << 40;

void checkVolume(const CloudVolume& volume)
{
    const QByteArray id = volume.id.toUtf8();
    EMBER_FUZZ_CHECK(isCanonicalUuid(volume.id), "volume id '%s'", id.constData());
    EMBER_FUZZ_CHECK(isOptionalPlainId(volume.projectId), "volume %s: project id '%s'",
                     id.constData(), qPrintable(volume.projectId));
    EMBER_FUZZ_CHECK(!volume.status.isEmpty() && isCleanText(volume.status, 64),
                     "volume %s: status '%s'", id.constData(), qPrintable(volume.status));
    EMBER_FUZZ_CHECK(volume.sizeGiB >= 0 && volume.sizeGiB <= MaxGiB, "volume %s: size %lld",
                     id.constData(), volume.sizeGiB);
    for (const QString* text : {&volume.name, &volume.volumeType, &volume.availabilityZone})
        EMBER_FUZZ_CHECK(isCleanText(*text, 1024), "volume %s: a text field is not clean",
                         id.constData());
    EMBER_FUZZ_CHECK(isCleanText(volume.description, 64 * 1024),
                     "volume %s: the description is not clean", id.constData());
    for (const QString& server : volume.attachedTo)
        EMBER_FUZZ_CHECK(!server.isEmpty() && isCleanText(server, 1024),
                         "volume %s: attachment '%s'", id.constData(), qPrintable(server));
}

void checkBackup(const CloudBackup& backup)
{
    const QByteArray id = backup.id.toUtf8();
    EMBER_FUZZ_CHECK(isCanonicalUuid(backup.id), "backup id '%s'", id.constData());
    EMBER_FUZZ_CHECK(isCanonicalUuid(backup.volumeId), "backup %s: volume id '%s'", id.constData(),
                     qPrintable(backup.volumeId));
    EMBER_FUZZ_CHECK(isOptionalUuid(backup.snapshotId), "backup %s: snapshot id '%s'",
                     id.constData(), qPrintable(backup.snapshotId));
    EMBER_FUZZ_CHECK(isOptionalPlainId(backup.projectId) && isOptionalPlainId(backup.userId),
                     "backup %s: project id '%s', user id '%s'", id.constData(),
                     qPrintable(backup.projectId), qPrintable(backup.userId));
    EMBER_FUZZ_CHECK(!backup.status.isEmpty() && isCleanText(backup.status, 64),
                     "backup %s: status '%s'", id.constData(), qPrintable(backup.status));
    EMBER_FUZZ_CHECK(backup.sizeGiB >= 0 && backup.sizeGiB <= MaxGiB && backup.objectCount >= 0,
                     "backup %s: size %lld, object count %lld", id.constData(), backup.sizeGiB,
                     backup.objectCount);
    for (const QString* text : {&backup.name, &backup.container, &backup.availabilityZone})
        EMBER_FUZZ_CHECK(isCleanText(*text, 1024), "backup %s: a text field is not clean",
                         id.constData());
    EMBER_FUZZ_CHECK(isCleanText(backup.description, 64 * 1024) &&
                         isCleanText(backup.failReason, 64 * 1024),
                     "backup %s: the description or fail reason is not clean", id.constData());
    EMBER_FUZZ_CHECK(backup.metadata.size() <= 1000, "backup %s: %lld metadata entries",
                     id.constData(), qlonglong(backup.metadata.size()));
    for (auto it = backup.metadata.cbegin(); it != backup.metadata.cend(); ++it)
        EMBER_FUZZ_CHECK(isCleanText(it.key(), 255) && isCleanText(it.value(), 1024),
                         "backup %s: metadata '%s' is not clean", id.constData(),
                         qPrintable(it.key()));
}

template <typename T> void checkPage(const Page<T>& page, void (*check)(const T&))
{
    for (const T& item : page.items)
        check(item);
    EMBER_FUZZ_CHECK(page.totalCount >= -1, "count %lld", page.totalCount);
    if (!page.nextMarker.isEmpty())
        EMBER_FUZZ_CHECK(!page.items.isEmpty() && page.nextMarker == page.items.last().id,
                         "the next marker '%s' is not the last item's id",
                         qPrintable(page.nextMarker));
}

QJsonObject child(const QJsonObject& reply, const QString& key)
{
    return reply.value(key).isObject() ? reply.value(key).toObject() : reply;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QByteArray input = fuzz::bytes(data, size);
    const QList<QByteArray> words = fuzz::takeLine(input).simplified().split(' ');
    const QByteArray kind = words.value(0);
    if (kind == "error") {
        const QString message = detail::errorMessage(input);
        EMBER_FUZZ_CHECK(message.size() <= 501 &&
                             std::none_of(message.cbegin(), message.cend(),
                                          [](QChar c) { return c.unicode() < 0x20; }) &&
                             message == message.trimmed(),
                         "the error message '%s' is not one printable line", qPrintable(message));
        return 0;
    }
    bool limitGiven = false;
    const int limit = words.value(1).toInt(&limitGiven);
    const bool counted = words.contains("count");
    try {
        const QJsonObject reply = detail::jsonObject(input, QStringLiteral("the fuzz input"));
        if (kind == "volumes")
            checkPage(parseVolumePage(reply, limitGiven ? limit : 200, counted), &checkVolume);
        else if (kind == "backups")
            checkPage(parseBackupPage(reply, limitGiven ? limit : 200, counted), &checkBackup);
        else if (kind == "volume")
            checkVolume(parseVolume(child(reply, QStringLiteral("volume"))));
        else if (kind == "backup")
            checkBackup(parseBackup(child(reply, QStringLiteral("backup"))));
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(!error.message().isEmpty(), "an error without a message");
    } catch (const std::exception& error) {
        EMBER_FUZZ_CHECK(false, "the parser threw %s, not ember::Error", error.what());
    }
    return 0;
}
