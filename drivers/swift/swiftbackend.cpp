#include "swiftbackend.h"

#include "chunkeddriver.h"
#include "swiftobjectstore.h"

namespace ember {

BackendType swiftBackendType()
{
    BackendType type;
    type.type = QStringLiteral("swift");
    type.displayName = QStringLiteral("OpenStack Swift");
    type.secretKeys = {QStringLiteral("backup_swift_key")};
    return type;
}

std::unique_ptr<BackupDriver> createSwiftDriver(const BackendConfig& config,
                                                const BackendSecrets& secrets)
{
    return std::make_unique<ChunkedBackupDriver>(
        std::make_unique<SwiftObjectStore>(SwiftSettings::fromConfig(config, secrets)),
        chunkedOptionsFrom(config.options, QStringLiteral("backup_swift_object_size"), 52428800,
                           QStringLiteral("backup_swift_block_size"), 32768));
}

} // namespace ember
