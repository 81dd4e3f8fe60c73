// The export record as a user pastes it into an import: the object
// `ember-cli backup-export --format json` prints ({"backup_service": ...,
// "backup_url": ...}, read as the GUI's import dialog reads it), or the CLI's
// two arguments, one per line. importRecord must answer with a Backup or an
// Error, never crash, and accept only what it can give back.
#include "backuprecord.h"
#include "fuzzsupport.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace ember;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QByteArray input = fuzz::bytes(data, size);
    BackupRecord record;
    const QJsonDocument document = QJsonDocument::fromJson(input);
    if (document.isObject()) {
        const QJsonObject object = document.object();
        record.backupService = object.value(QStringLiteral("backup_service")).toString();
        record.backupUrl = object.value(QStringLiteral("backup_url")).toString();
    } else {
        record.backupService = QString::fromUtf8(fuzz::takeLine(input));
        record.backupUrl = QString::fromUtf8(input);
    }
    try {
        const Backup backup = importRecord(record);
        EMBER_FUZZ_CHECK(!backup.id.isEmpty(), "an imported record has an empty id");
        EMBER_FUZZ_CHECK(backup.size >= 0 && backup.objectCount >= 0 &&
                             backup.numDependentBackups >= 0,
                         "negative size %lld or object count %lld", qlonglong(backup.size),
                         qlonglong(backup.objectCount));
        EMBER_FUZZ_CHECK(backup.status == BackupStatus::Creating,
                         "an imported backup is not 'creating'");
    } catch (const Error&) {
        // A refusal with a message is the expected answer to a bad record.
    }
    return 0;
}
