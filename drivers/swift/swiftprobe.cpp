#include "swiftbackend.h"
#include "swiftobjectstore.h"

#include <QLocale>

namespace ember {

bool SwiftProbeResult::ok() const
{
    if (steps.isEmpty())
        return false;
    for (const Step& step : steps) {
        if (!step.ok)
            return false;
    }
    return true;
}

SwiftProbeResult probeSwift(const BackendConfig& config, const BackendSecrets& secrets)
{
    SwiftProbeResult result;
    auto step = [&result](const QString& name, const std::function<QString()>& action) {
        SwiftProbeResult::Step entry;
        entry.name = name;
        try {
            entry.detail = action();
            entry.ok = true;
        } catch (const std::exception& error) {
            entry.detail = QString::fromUtf8(error.what());
        }
        result.steps << entry;
        return entry.ok;
    };

    std::unique_ptr<SwiftObjectStore> store;
    const bool loggedIn = step(QStringLiteral("authenticate"), [&] {
        SwiftSettings settings = SwiftSettings::fromConfig(config, secrets);
        // The wizard wants an answer quickly, not after minutes of back-off.
        settings.retryAttempts = 0;
        settings.timeouts.stallSeconds = std::min(settings.timeouts.stallSeconds, 30);
        store = std::make_unique<SwiftObjectStore>(settings);
        result.storageUrl = store->authenticate();
        return QStringLiteral("logged in as %1; storage URL %2")
            .arg(store->settings().user, result.storageUrl);
    });
    if (!loggedIn)
        return result;
    step(QStringLiteral("account"), [&] {
        const SwiftObjectStore::AccountInfo info = store->accountInfo();
        result.accountBytesUsed = info.bytesUsed;
        result.accountObjectCount = info.objectCount;
        return QStringLiteral("%1 used by %2 objects in %3 containers")
            .arg(QLocale::c().formattedDataSize(std::max<qint64>(0, info.bytesUsed)))
            .arg(info.objectCount)
            .arg(info.containerCount);
    });
    const QString container = store->settings().container;
    const bool haveContainer = step(QStringLiteral("container"), [&] {
        store->ensureContainer(container);
        return QStringLiteral("container '%1' is ready").arg(container);
    });
    if (!haveContainer)
        return result;
    const QString probeName = QStringLiteral("ember-probe-%1").arg(newUuid());
    const QByteArray probeData = QByteArray("Ember connection test ") + probeName.toUtf8();
    const bool wrote = step(QStringLiteral("write"), [&] {
        store->putAll(container, probeName, probeData);
        return QStringLiteral("wrote %1 bytes to '%2'").arg(probeData.size()).arg(probeName);
    });
    if (!wrote)
        return result;
    step(QStringLiteral("read"), [&] {
        const QByteArray back = store->getAll(container, probeName);
        if (back != probeData)
            throw Error(QStringLiteral("read back %1 bytes that differ from the %2 written")
                            .arg(back.size())
                            .arg(probeData.size()));
        return QStringLiteral("read the same %1 bytes back").arg(back.size());
    });
    step(QStringLiteral("delete"), [&] {
        store->remove(container, probeName);
        return QStringLiteral("deleted '%1'").arg(probeName);
    });
    return result;
}

} // namespace ember
