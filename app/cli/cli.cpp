#include "cli.h"
#include "command.h"

#include "backendregistry.h"
#include "backupservice.h"
#include "chainrules.h"
#include "log.h"
#include "output.h"
#include "progress.h"

#ifdef EMBER_HAVE_SECRETS
#include "secretstore.h"
#endif

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <unistd.h>
#include <utility>

Q_LOGGING_CATEGORY(lcCli, "ember.cli", QtWarningMsg)

namespace ember::cli {

namespace {
// On failure stderr holds exactly one line, "ERROR: ...". So what the engine
// says on the way (qWarning and friends, warnings in job logs, start-up
// repairs) is held until the command ends: folded into that line on failure,
// printed after the result on success. QT_LOGGING_RULES="ember.cli.debug=true"
// prints every message (debug and info too) as it comes.
std::mutex g_noticeMutex;
QStringList g_notices;
} // namespace

void printOut(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void printErr(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void holdNotice(const QString& line)
{
    std::lock_guard lock(g_noticeMutex);
    g_notices.append(line.simplified());
}

namespace {

QtMessageHandler g_qtHandler = nullptr;

QStringList takeNotices()
{
    std::lock_guard lock(g_noticeMutex);
    return std::exchange(g_notices, {});
}

void onQtMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (type == QtFatalMsg || lcCli().isDebugEnabled()) {
        if (g_qtHandler)
            g_qtHandler(type, context, message);
        else
            printErr(qFormatLogMessage(type, context, message) + QLatin1Char('\n'));
        return;
    }
    if (type == QtWarningMsg || type == QtCriticalMsg)
        holdNotice(QStringLiteral("WARNING: %1").arg(message));
    // Debug and info messages are for debugging only.
}

struct MessageHandlerScope
{
    MessageHandlerScope() { g_qtHandler = qInstallMessageHandler(onQtMessage); }
    ~MessageHandlerScope() { qInstallMessageHandler(g_qtHandler); }
};

// The one ERROR line, with whatever was held folded in.
QString errorLine(const QString& message)
{
    QString line = message;
    const QStringList notices = takeNotices();
    if (!notices.isEmpty())
        line += QStringLiteral(" (also: %1)").arg(notices.join(QStringLiteral("; ")));
    return QStringLiteral("ERROR: %1\n").arg(line.simplified());
}

void printNotices()
{
    for (const QString& notice : takeNotices())
        printErr(notice + QLatin1Char('\n'));
}

Format parseFormat(const QString& text)
{
    if (text == QLatin1String("table"))
        return Format::Table;
    if (text == QLatin1String("json"))
        return Format::Json;
    throw Error(QStringLiteral("Invalid format '%1': use table or json.").arg(text));
}

QString usageLine(const Command& command)
{
    return QStringLiteral("Usage: ember-cli %1 [options]%2")
        .arg(command.name,
             command.syntax.isEmpty() ? QString() : QLatin1Char(' ') + command.syntax);
}

QString commandHelp(const Command& command, QCommandLineParser& parser)
{
    QString help = parser.helpText();
    // Replace Qt's "Usage: /path/to/ember-cli [options] ..." with the command's own.
    const qsizetype firstBreak = help.indexOf(QLatin1Char('\n'));
    help = usageLine(command) + help.mid(firstBreak);
    if (command.moreHelp)
        help += QLatin1Char('\n') + command.moreHelp();
    return help;
}

// Parses a subcommand's arguments; throws Error on bad input, HelpShown after --help.
void parseCommand(const Command& command, const QStringList& arguments, QCommandLineParser& parser,
                  Context& context)
{
    parser.setApplicationDescription(command.summary);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOption(
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")});
    parser.addOption({QStringLiteral("format"),
                      QStringLiteral("Output format: table (default) or json."),
                      QStringLiteral("table|json")});
    if (command.options)
        command.options(parser);
    if (!parser.parse(QStringList{QStringLiteral("ember-cli")} + arguments))
        throw Error(
            QStringLiteral("%1 (see ember-cli %2 --help)").arg(parser.errorText(), command.name));
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(commandHelp(command, parser));
        throw HelpShown();
    }
    if (parser.isSet(QStringLiteral("format")))
        context.format = parseFormat(parser.value(QStringLiteral("format")));
    const qsizetype count = parser.positionalArguments().size();
    if (count < command.minArguments ||
        (command.maxArguments >= 0 && count > command.maxArguments)) {
        throw Error(QStringLiteral("%1 %2: %3 (see ember-cli %1 --help)")
                        .arg(command.name,
                             count < command.minArguments
                                 ? QStringLiteral("needs more arguments")
                                 : QStringLiteral("has too many arguments"),
                             usageLine(command)));
    }
}

// Several failures in one line: "a failed: x; b failed: y".
QString joinFailures(QStringList failures)
{
    for (QString& failure : failures) {
        if (failure.endsWith(QLatin1Char('.')))
            failure.chop(1);
    }
    return failures.join(QStringLiteral("; "));
}

// ---- backups ----

} // namespace

JobRecord backupJobRecord(const BackupService::PreparedBackup& prepared)
{
    const QString name = prepared.volume.name.isEmpty() ? prepared.volume.id : prepared.volume.name;
    JobRecord job =
        cliJobRecord(QStringLiteral("backup"),
                     QStringLiteral("Backup of %1 (%2)")
                         .arg(name, prepared.backup.isIncremental() ? QStringLiteral("incremental")
                                                                    : QStringLiteral("full")),
                     prepared.volume, prepared.backend.name);
    job.backupId = prepared.backup.id;
    return job;
}

JobRecord backupActionRecord(Context& context, const QString& kind, const QString& title,
                             const Backup& backup)
{
    Volume volume;
    volume.id = backup.volumeId;
    if (const std::optional<Volume> known = context.backups().catalog().volume(backup.volumeId))
        volume = *known;
    JobRecord job = cliJobRecord(kind, title.arg(backup.id), volume, backup.backendName);
    job.backupId = backup.id;
    return job;
}

namespace {

int backupCreate(Context& context, QCommandLineParser& parser)
{
    CreateBackupRequest request;
    request.volume = parser.positionalArguments().first();
    request.incremental = parser.isSet(QStringLiteral("incremental"));
    request.force = parser.isSet(QStringLiteral("force"));
    request.name = optionValue(parser, "name");
    request.description = optionValue(parser, "description");
    request.container = optionValue(parser, "container");
    request.backend = optionValue(parser, "backend");
    if (request.container.size() > 255)
        throw Error(QStringLiteral("The container name is longer than 255 characters."));
    BackupService& service = context.backups();
    BackupService::PreparedBackup prepared = service.prepareBackup(request);
    CliJob job(context, backupJobRecord(prepared));
    const Backup backup =
        job.run([&](OperationControl& control) { return service.runBackup(prepared, control); });
    job.setBackup(backup, true);
    QJsonObject json = backupJson(backup);
    if (context.format == Format::Json) {
        context.printJson(json);
    } else {
        context.printObject(
            json, {{QStringLiteral("id"), backup.id},
                   {QStringLiteral("name"), cellText(json.value(QStringLiteral("name")))},
                   {QStringLiteral("volume_id"), backup.volumeId},
                   {QStringLiteral("status"), backup.status},
                   {QStringLiteral("is_incremental"),
                    cellText(json.value(QStringLiteral("is_incremental")))},
                   {QStringLiteral("object_count"), QString::number(backup.objectCount)},
                   {QStringLiteral("stored_bytes"), QStringLiteral("%1 (%2)")
                                                        .arg(backup.storedBytes)
                                                        .arg(humanSize(backup.storedBytes))}});
    }
    return 0;
}

int backupRestore(Context& context, QCommandLineParser& parser)
{
    RestoreRequest request;
    request.backup = parser.positionalArguments().first();
    request.targetVolume = optionValue(parser, "volume");
    // Like the cinder client, --volume wins over --name.
    if (request.targetVolume.isEmpty()) {
        request.newVolumeName = optionValue(parser, "name");
        const QString path = optionValue(parser, "path");
        if (!path.isEmpty())
            request.newVolumePath = QFileInfo(path).absoluteFilePath();
        request.newRbdImage = optionValue(parser, "rbd-image");
        request.newRbdCluster = optionValue(parser, "rbd-cluster");
        if (!request.newRbdImage.isEmpty() && !path.isEmpty())
            throw Error(
                QStringLiteral("--path and --rbd-image both name the new volume: give one."));
    } else if (parser.isSet(QStringLiteral("path")) || parser.isSet(QStringLiteral("rbd-image"))) {
        throw Error(QStringLiteral("--path and --rbd-image name a new volume; they cannot be "
                                   "combined with --volume."));
    }
    BackupService& service = context.backups();
    BackupService::PreparedRestore prepared = service.prepareRestore(request);
    JobRecord record = cliJobRecord(QStringLiteral("restore"),
                                    QStringLiteral("Restore of backup %1 to %2")
                                        .arg(prepared.backup.id, prepared.target.name.isEmpty()
                                                                     ? prepared.target.path
                                                                     : prepared.target.name),
                                    prepared.target, prepared.backend.name);
    record.backupId = prepared.backup.id;
    CliJob job(context, record);
    const Volume target =
        job.run([&](OperationControl& control) { return service.runRestore(prepared, control); });
    QJsonObject json;
    json[QStringLiteral("backup_id")] = prepared.backup.id;
    json[QStringLiteral("volume_id")] = target.id;
    json[QStringLiteral("volume_name")] = target.name;
    json[QStringLiteral("volume_path")] = target.path;
    context.printObject(json);
    return 0;
}

int backupDelete(Context& context, QCommandLineParser& parser)
{
    BackupService& service = context.backups();
    const bool force = parser.isSet(QStringLiteral("force"));
    QStringList failures;
    QJsonArray deleted;
    for (const QString& reference : parser.positionalArguments()) {
        try {
            const Backup backup = context.catalog->resolveBackup(reference);
            CliJob job(context, backupActionRecord(context, QStringLiteral("delete"),
                                                   QStringLiteral("Delete of backup %1"), backup));
            job.run([&](OperationControl& control) {
                service.deleteBackup(backup.id, force, control);
                return 0;
            });
            deleted.append(backup.id);
            if (context.format == Format::Table)
                printOut(QStringLiteral("Deleted backup %1.\n").arg(backup.id));
        } catch (const Error& error) {
            failures << QStringLiteral("Delete for backup %1 failed: %2")
                            .arg(reference, error.message());
        }
    }
    if (context.format == Format::Json)
        context.printJson(QJsonObject{{QStringLiteral("deleted"), deleted}});
    if (failures.size() == 1)
        throw Error(failures.first());
    if (!failures.isEmpty())
        throw Error(QStringLiteral("Unable to delete %1 of the specified backups: %2")
                        .arg(failures.size())
                        .arg(joinFailures(failures)));
    return 0;
}

struct SortKey
{
    QString key;
    bool descending = false;
};

QList<SortKey> parseSort(const QString& text)
{
    static const QStringList keys{QStringLiteral("id"),
                                  QStringLiteral("status"),
                                  QStringLiteral("size"),
                                  QStringLiteral("availability_zone"),
                                  QStringLiteral("name"),
                                  QStringLiteral("created_at"),
                                  QStringLiteral("data_timestamp"),
                                  QStringLiteral("volume_id"),
                                  QStringLiteral("object_count"),
                                  QStringLiteral("container"),
                                  QStringLiteral("updated_at")};
    QList<SortKey> result;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList pieces = part.trimmed().split(QLatin1Char(':'));
        SortKey key;
        key.key = pieces.first().trimmed();
        if (!keys.contains(key.key))
            throw Error(QStringLiteral("Invalid sort key '%1': use one of %2.")
                            .arg(key.key, keys.join(QStringLiteral(", "))));
        if (pieces.size() > 2)
            throw Error(QStringLiteral("Invalid sort '%1': use key[:asc|desc].").arg(part));
        if (pieces.size() == 2) {
            const QString direction = pieces.at(1).trimmed().toLower();
            if (direction != QLatin1String("asc") && direction != QLatin1String("desc"))
                throw Error(QStringLiteral("Invalid sort direction '%1': use asc or desc.")
                                .arg(pieces.at(1)));
            key.descending = direction == QLatin1String("desc");
        }
        result << key;
    }
    return result;
}

int compareBy(const Backup& a, const Backup& b, const QString& key)
{
    auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
    if (key == QLatin1String("id"))
        return cmp(a.id, b.id);
    if (key == QLatin1String("status"))
        return cmp(a.status, b.status);
    if (key == QLatin1String("size"))
        return cmp(a.size, b.size);
    if (key == QLatin1String("availability_zone"))
        return cmp(a.availabilityZone, b.availabilityZone);
    if (key == QLatin1String("name"))
        return cmp(a.displayName, b.displayName);
    if (key == QLatin1String("created_at"))
        return cmp(a.createdAt, b.createdAt);
    if (key == QLatin1String("updated_at"))
        return cmp(a.updatedAt, b.updatedAt);
    if (key == QLatin1String("data_timestamp"))
        return cmp(a.dataTimestamp, b.dataTimestamp);
    if (key == QLatin1String("volume_id"))
        return cmp(a.volumeId, b.volumeId);
    if (key == QLatin1String("object_count"))
        return cmp(a.objectCount, b.objectCount);
    if (key == QLatin1String("container"))
        return cmp(a.container, b.container);
    return 0;
}

int backupList(Context& context, QCommandLineParser& parser)
{
    const QList<SortKey> sort = parseSort(optionValue(parser, "sort"));
    BackupService& service = context.backups();
    BackupFilter filter;
    filter.status = optionValue(parser, "status");
    filter.name = optionValue(parser, "name");
    if (!filter.status.isEmpty() && !BackupStatus::all().contains(filter.status))
        throw Error(QStringLiteral("Invalid status '%1': use one of %2.")
                        .arg(filter.status, BackupStatus::all().join(QStringLiteral(", "))));
    const QString volume = optionValue(parser, "volume-id");
    if (!volume.isEmpty()) {
        // A registered volume by name or prefix; otherwise the ID as given
        // (backups outlive their volumes, and imports carry foreign IDs).
        try {
            filter.volumeId = service.catalog().resolveVolume(volume).id;
        } catch (const Error&) {
            filter.volumeId = volume;
        }
    }
    QList<Backup> backups = service.catalog().backups(filter);
    if (!sort.isEmpty()) {
        std::stable_sort(backups.begin(), backups.end(), [&](const Backup& a, const Backup& b) {
            for (const SortKey& key : sort) {
                const int order = compareBy(a, b, key.key);
                if (order != 0)
                    return key.descending ? order > 0 : order < 0;
            }
            return false;
        });
    }
    auto withEncryption = [&](const Backup& b) {
        QJsonObject json = backupJson(b);
        const QJsonObject encryption = backupEncryptionJson(context, b);
        for (auto it = encryption.begin(); it != encryption.end(); ++it)
            json[it.key()] = it.value();
        return json;
    };
    printList(context, backups, withEncryption,
              {QStringLiteral("ID"), QStringLiteral("Volume ID"), QStringLiteral("Status"),
               QStringLiteral("Name"), QStringLiteral("Size"), QStringLiteral("Object Count"),
               QStringLiteral("Container"), QStringLiteral("Protected"),
               QStringLiteral("Synthesized From"), QStringLiteral("Immutable Until"),
               QStringLiteral("Encryption")},
              [&](const Backup& b) {
                  return QStringList{b.id,
                                     b.volumeId,
                                     b.status,
                                     orDash(b.displayName),
                                     QString::number(b.size),
                                     QString::number(b.objectCount),
                                     orDash(b.container),
                                     b.isProtected ? QStringLiteral("True")
                                                   : QStringLiteral("False"),
                                     orDash(b.synthesizedFrom),
                                     orDash(immutableUntilText(b.immutableUntil)),
                                     backupEncryptionText(backupEncryptionJson(context, b))};
              });
    return 0;
}

int backupShow(Context& context, QCommandLineParser& parser)
{
    const Backup backup =
        context.backups().catalog().resolveBackup(parser.positionalArguments().first());
    QJsonObject json = backupJson(backup);
    QList<QPair<QString, QString>> properties = backupProperties(backup);
    const QJsonObject encryption = backupEncryptionJson(context, backup);
    for (auto it = encryption.begin(); it != encryption.end(); ++it) {
        json[it.key()] = it.value();
        properties.append({it.key(), orDash(it.value().toString())});
    }
    context.printObject(json, properties);
    return 0;
}

int backupExport(Context& context, QCommandLineParser& parser)
{
    const BackupRecord record =
        context.backups().exportBackup(parser.positionalArguments().first());
    context.printObject(QJsonObject{{QStringLiteral("backup_service"), record.backupService},
                                    {QStringLiteral("backup_url"), record.backupUrl}});
    return 0;
}

int backupImport(Context& context, QCommandLineParser& parser)
{
    BackupRecord record;
    record.backupService = parser.positionalArguments().at(0);
    record.backupUrl = parser.positionalArguments().at(1);
    const Backup backup = context.backups().importBackup(record, optionValue(parser, "backend"));
    const QJsonObject json = backupJson(backup);
    if (context.format == Format::Json)
        context.printJson(json);
    else
        context.printObject(json,
                            {{QStringLiteral("id"), backup.id},
                             {QStringLiteral("name"), cellText(json.value(QStringLiteral("name")))},
                             {QStringLiteral("status"), backup.status}});
    return 0;
}

int backupResetState(Context& context, QCommandLineParser& parser)
{
    const QString state = parser.isSet(QStringLiteral("state")) ? optionValue(parser, "state")
                                                                : BackupStatus::Available;
    const ChainRules::Verdict verdict = ChainRules::canResetState(state);
    if (!verdict.isEmpty())
        throw Error(verdict);
    BackupService& service = context.backups();
    QStringList failures;
    for (const QString& reference : parser.positionalArguments()) {
        try {
            service.resetState(reference, state);
        } catch (const Error& error) {
            failures << QStringLiteral("Reset backup state for %1 failed: %2")
                            .arg(reference, error.message());
        }
    }
    if (failures.size() == 1)
        throw Error(failures.first());
    if (!failures.isEmpty())
        throw Error(QStringLiteral("Unable to reset the state of %1 of the specified backups: %2")
                        .arg(failures.size())
                        .arg(joinFailures(failures)));
    return 0;
}

int backupUpdate(Context& context, QCommandLineParser& parser)
{
    std::optional<QString> name;
    std::optional<QString> description;
    if (parser.isSet(QStringLiteral("name")))
        name = optionValue(parser, "name");
    if (parser.isSet(QStringLiteral("description")))
        description = optionValue(parser, "description");
    if (!name && !description)
        throw Error(QStringLiteral("Must supply at least one: --name or --description."));
    const Backup backup =
        context.backups().updateBackup(parser.positionalArguments().first(), name, description);
    context.printObject(backupJson(backup), backupProperties(backup));
    return 0;
}

int backupVerify(Context& context, QCommandLineParser& parser)
{
    BackupService& service = context.backups();
    int percent = 100;
    if (parser.isSet(QStringLiteral("sample"))) {
        const QString text = optionValue(parser, "sample").trimmed();
        bool ok = false;
        percent = QString(text).remove(QLatin1Char('%')).toInt(&ok);
        if (!ok || percent < 1 || percent > 100)
            throw Error(
                QStringLiteral("--sample takes a percentage from 1 to 100, not '%1'.").arg(text));
    }
    const Backup backup = service.catalog().resolveBackup(parser.positionalArguments().first());
    CliJob job(context,
               backupActionRecord(context, QStringLiteral("verify"),
                                  percent < 100 ? QStringLiteral("Sampled verify of backup %1")
                                                : QStringLiteral("Verify of backup %1"),
                                  backup));
    const VerifyReport report = job.run([&](OperationControl& control) {
        return service.verifyBackup(backup.id, control, percent);
    });
    for (const QString& problem : report.problems)
        job.addLog(QStringLiteral("problem: %1").arg(problem));
    if (report.problems.isEmpty())
        job.finish(JobResult::Succeeded);
    else
        job.finish(JobResult::Failed, QStringLiteral("Backup %1 is damaged: %2 problem(s) found.")
                                          .arg(backup.id)
                                          .arg(report.problems.size()));
    QJsonObject json;
    json[QStringLiteral("backup_id")] = backup.id;
    json[QStringLiteral("objects_checked")] = double(report.objectsChecked);
    // What this run read of the backup's own objects, and what all runs have.
    QString coverage;
    if (const std::optional<VerifyResult> result = service.catalog().verifyResult(backup.id)) {
        // An intact whole verification covers everything, also on a backend
        // that has no objects to remember (TSM).
        const qint64 covered = result->ok && result->samplePercent == 100
                                   ? result->objectsTotal
                                   : service.catalog().verifiedObjects(backup.id).size();
        json[QStringLiteral("sample_percent")] = result->samplePercent;
        if (result->samplePercent > percent)
            json[QStringLiteral("note")] =
                QStringLiteral("backend %1 verifies whole backups only: this was a full "
                               "verification instead of a %2% sample")
                    .arg(backup.backendName)
                    .arg(percent);
        json[QStringLiteral("backup_objects")] = double(result->objectsTotal);
        json[QStringLiteral("backup_objects_verified")] = double(covered);
        coverage = QStringLiteral("checked %1 of %2 objects of backup %3 (%4%); %5 of %2 "
                                  "verified so far\n")
                       .arg(result->objectsChecked)
                       .arg(result->objectsTotal)
                       .arg(backup.id)
                       .arg(result->samplePercent)
                       .arg(covered);
    }
    json[QStringLiteral("bytes_checked")] = double(report.bytesChecked);
    json[QStringLiteral("blocks_checked")] = double(report.blocksChecked);
    json[QStringLiteral("result")] =
        report.problems.isEmpty() ? QStringLiteral("intact") : QStringLiteral("damaged");
    json[QStringLiteral("problems")] = QJsonArray::fromStringList(report.problems);
    if (context.format == Format::Json) {
        context.printJson(json);
    } else {
        json.remove(QStringLiteral("problems"));
        context.printObject(json);
        printOut(coverage);
        for (const QString& problem : report.problems)
            printOut(QStringLiteral("problem: %1\n").arg(problem));
    }
    if (!report.problems.isEmpty())
        throw Error(QStringLiteral("Backup %1 is damaged: %2 problem(s) found.")
                        .arg(backup.id)
                        .arg(report.problems.size()));
    return 0;
}

// ---- volumes ----

int volumeAdd(Context& context, QCommandLineParser& parser)
{
    QString path = parser.positionalArguments().first();
    // Local files and devices by absolute path; anything else (pool/image) as given.
    if (QFileInfo::exists(path))
        path = QFileInfo(path).absoluteFilePath();
    const Volume volume = context.backups().addVolume(path, optionValue(parser, "name"));
    context.printObject(volumeJson(volume), volumeProperties(volume));
    return 0;
}

int volumeCreate(Context& context, QCommandLineParser& parser)
{
    if (!parser.isSet(QStringLiteral("size")))
        throw Error(QStringLiteral("volume-create needs --size (e.g. --size 10G)."));
    const qint64 size = parseSize(optionValue(parser, "size"));
    const QString path = QFileInfo(parser.positionalArguments().first()).absoluteFilePath();
    const Volume volume = context.backups().createVolume(path, size, optionValue(parser, "name"));
    context.printObject(volumeJson(volume), volumeProperties(volume));
    return 0;
}

int volumeList(Context& context, QCommandLineParser&)
{
    printList(context, context.backups().catalog().volumes(), volumeJson,
              {QStringLiteral("ID"), QStringLiteral("Status"), QStringLiteral("Name"),
               QStringLiteral("Size"), QStringLiteral("Bytes"), QStringLiteral("Kind"),
               QStringLiteral("Path")},
              [](const Volume& v) {
                  return QStringList{v.id,
                                     v.status,
                                     orDash(v.name),
                                     QString::number(v.sizeGiB()),
                                     humanSize(v.sizeBytes),
                                     toString(v.kind),
                                     v.path};
              });
    return 0;
}

int volumeShow(Context& context, QCommandLineParser& parser)
{
    const Volume volume =
        context.backups().catalog().resolveVolume(parser.positionalArguments().first());
    context.printObject(volumeJson(volume), volumeProperties(volume));
    return 0;
}

int volumeRemove(Context& context, QCommandLineParser& parser)
{
    BackupService& service = context.backups();
    const Volume volume = service.catalog().resolveVolume(parser.positionalArguments().first());
    service.removeVolume(volume.id);
    if (context.format == Format::Json)
        context.printJson(QJsonObject{{QStringLiteral("removed"), volume.id}});
    else
        printOut(QStringLiteral("Removed volume %1 (%2); its file was left in place.\n")
                     .arg(volume.id, volume.path));
    return 0;
}

// Cinder's `reset-state` for volumes: e.g. a volume a failed restore left
// error_restoring, after the user has checked (or restored) its data.
int volumeResetState(Context& context, QCommandLineParser& parser)
{
    const QString state = parser.isSet(QStringLiteral("state")) ? optionValue(parser, "state")
                                                                : VolumeStatus::Available;
    if (const QString refusal = ChainRules::canResetVolumeState(state); !refusal.isEmpty())
        throw Error(refusal);
    BackupService& service = context.backups();
    QStringList failures;
    QJsonArray changed;
    for (const QString& reference : parser.positionalArguments()) {
        try {
            changed.append(volumeJson(service.resetVolumeState(reference, state)));
        } catch (const Error& error) {
            failures << QStringLiteral("Reset state for volume %1 failed: %2")
                            .arg(reference, error.message());
        }
    }
    if (context.format == Format::Json)
        context.printJson(changed);
    if (failures.size() == 1)
        throw Error(failures.first());
    if (!failures.isEmpty())
        throw Error(QStringLiteral("Unable to reset the state of %1 of the specified volumes: %2")
                        .arg(failures.size())
                        .arg(joinFailures(failures)));
    return 0;
}

// ---- backends ----

int volumeAddRbd(Context& context, QCommandLineParser& parser)
{
    const Volume volume = context.backups().addRbdVolume(parser.positionalArguments().at(0),
                                                         parser.positionalArguments().at(1),
                                                         optionValue(parser, "name"));
    context.printObject(volumeJson(volume), volumeProperties(volume));
    return 0;
}

BackendType backendTypeNamed(const QString& name)
{
    for (const BackendType& type : backendTypes())
        if (type.type == name)
            return type;
    QStringList known;
    for (const BackendType& type : backendTypes())
        known.append(type.type);
    throw Error(QStringLiteral("Unknown backend type '%1': use one of %2.")
                    .arg(name, known.join(QStringLiteral(", "))));
}

// ---- backend types: everything below reads the plugins' option schemas ----

QString kindName(OptionSpec::Kind kind)
{
    switch (kind) {
    case OptionSpec::Kind::Text:
        return QStringLiteral("text");
    case OptionSpec::Kind::Integer:
        return QStringLiteral("integer");
    case OptionSpec::Kind::Number:
        return QStringLiteral("number");
    case OptionSpec::Kind::Boolean:
        return QStringLiteral("boolean");
    case OptionSpec::Kind::Choice:
        return QStringLiteral("choice");
    case OptionSpec::Kind::Path:
        return QStringLiteral("path");
    case OptionSpec::Kind::Url:
        return QStringLiteral("url");
    }
    return QStringLiteral("text");
}

// A default or a bound as a user types it: 1999994880, not 2e+09.
QString valueText(const QJsonValue& value)
{
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return value.toString();
}

bool hasMinimum(const OptionSpec& option)
{
    return option.minimum != -std::numeric_limits<double>::infinity();
}

bool hasMaximum(const OptionSpec& option)
{
    return option.maximum != std::numeric_limits<double>::infinity();
}

// "1 to 100", "at least 1", "at most 5" (empty when unbounded).
QString rangeText(const OptionSpec& option)
{
    const QString low = valueText(option.minimum);
    const QString high = valueText(option.maximum);
    if (hasMinimum(option) && hasMaximum(option))
        return QStringLiteral("%1 to %2").arg(low, high);
    if (hasMinimum(option))
        return QStringLiteral("at least %1").arg(low);
    if (hasMaximum(option))
        return QStringLiteral("at most %1").arg(high);
    return {};
}

QStringList capabilityNames(const BackendCapabilities& capabilities)
{
    QStringList names;
    if (capabilities.chunked)
        names.append(QStringLiteral("chunked"));
    if (capabilities.hostsRbdVolumes)
        names.append(QStringLiteral("hosts RBD volumes"));
    if (capabilities.managesSourceSnapshots)
        names.append(QStringLiteral("manages source snapshots"));
    if (capabilities.objectLock)
        names.append(QStringLiteral("object lock"));
    return names;
}

QJsonObject capabilitiesJson(const BackendCapabilities& capabilities)
{
    return QJsonObject{
        {QStringLiteral("chunked"), capabilities.chunked},
        {QStringLiteral("hosts_rbd_volumes"), capabilities.hostsRbdVolumes},
        {QStringLiteral("manages_source_snapshots"), capabilities.managesSourceSnapshots},
        {QStringLiteral("object_lock"), capabilities.objectLock}};
}

QString secretHint(const QString& key)
{
    return QStringLiteral("keyring: ember-cli backend-set-secret NAME %1").arg(key);
}

bool isSecret(const BackendType& type, const OptionSpec& option)
{
    return option.secret || type.secretKeys.contains(option.key);
}

QJsonObject optionSpecJson(const BackendType& type, const OptionSpec& option)
{
    QJsonObject json{{QStringLiteral("key"), option.key},
                     {QStringLiteral("kind"), kindName(option.kind)},
                     {QStringLiteral("default"), option.defaultValue},
                     {QStringLiteral("label"), option.label},
                     {QStringLiteral("help"), option.help},
                     {QStringLiteral("secret"), isSecret(type, option)},
                     {QStringLiteral("required"), option.required},
                     {QStringLiteral("location"), option.location},
                     {QStringLiteral("advanced"), option.advanced}};
    if (!option.choices.isEmpty())
        json[QStringLiteral("choices")] = QJsonArray::fromStringList(option.choices);
    if (hasMinimum(option))
        json[QStringLiteral("minimum")] = option.minimum;
    if (hasMaximum(option))
        json[QStringLiteral("maximum")] = option.maximum;
    if (isSecret(type, option))
        json[QStringLiteral("set_with")] =
            QStringLiteral("ember-cli backend-set-secret NAME %1").arg(option.key);
    return json;
}

QJsonObject backendTypeJson(const BackendType& type)
{
    QJsonArray options;
    for (const OptionSpec& option : type.options)
        options.append(optionSpecJson(type, option));
    // Secrets the schema does not describe still need the keyring.
    for (const QString& key : type.secretKeys)
        if (!type.option(key))
            options.append(
                QJsonObject{{QStringLiteral("key"), key},
                            {QStringLiteral("kind"), kindName(OptionSpec::Kind::Text)},
                            {QStringLiteral("secret"), true},
                            {QStringLiteral("set_with"),
                             QStringLiteral("ember-cli backend-set-secret NAME %1").arg(key)}});
    return QJsonObject{{QStringLiteral("type"), type.type},
                       {QStringLiteral("display_name"), type.displayName},
                       {QStringLiteral("description"), type.description},
                       {QStringLiteral("available"), type.available},
                       {QStringLiteral("unavailable_reason"),
                        type.available ? QJsonValue() : QJsonValue(type.unavailableReason)},
                       {QStringLiteral("location_option"), type.locationKey().isEmpty()
                                                               ? QJsonValue()
                                                               : QJsonValue(type.locationKey())},
                       {QStringLiteral("capabilities"), capabilitiesJson(type.capabilities)},
                       {QStringLiteral("secrets"), QJsonArray::fromStringList(type.secretKeys)},
                       {QStringLiteral("options"), options}};
}

// One option in --help and backend-types: its key, what it takes, then its help.
QString optionSpecText(const BackendType& type, const OptionSpec& option)
{
    QStringList facts{kindName(option.kind)};
    if (!option.defaultValue.isNull() && !option.defaultValue.isUndefined() &&
        !valueText(option.defaultValue).isEmpty())
        facts.append(QStringLiteral("default %1").arg(valueText(option.defaultValue)));
    if (!option.choices.isEmpty())
        facts.append(QStringLiteral("one of %1").arg(option.choices.join(QStringLiteral(", "))));
    if (const QString range = rangeText(option); !range.isEmpty())
        facts.append(range);
    if (option.required)
        facts.append(QStringLiteral("required"));
    if (option.location)
        facts.append(QStringLiteral("location"));
    if (option.advanced)
        facts.append(QStringLiteral("advanced"));
    if (isSecret(type, option))
        facts.append(QStringLiteral("secret, %1").arg(secretHint(option.key)));
    QString text =
        QStringLiteral("    %1 (%2)\n").arg(option.key, facts.join(QStringLiteral("; ")));
    const QString help = option.help.isEmpty() ? option.label : option.help;
    if (!help.isEmpty())
        text += QStringLiteral("        %1\n").arg(help);
    return text;
}

QString backendTypeText(const BackendType& type)
{
    QString text =
        QStringLiteral("%1: %2%3\n")
            .arg(type.type, type.displayName,
                 type.available
                     ? QString()
                     : QStringLiteral(" (not available: %1)").arg(type.unavailableReason));
    if (!type.description.isEmpty())
        text += QStringLiteral("  %1\n").arg(type.description);
    const QStringList capabilities = capabilityNames(type.capabilities);
    if (!capabilities.isEmpty())
        text += QStringLiteral("  Capabilities: %1\n").arg(capabilities.join(QStringLiteral(", ")));
    if (type.options.isEmpty() && type.secretKeys.isEmpty()) {
        text += QStringLiteral("  Options: none\n");
        return text;
    }
    text += QStringLiteral("  Options:\n");
    for (const OptionSpec& option : type.options)
        text += optionSpecText(type, option);
    for (const QString& key : type.secretKeys)
        if (!type.option(key))
            text += QStringLiteral("    %1 (secret, %2)\n").arg(key, secretHint(key));
    return text;
}

QString backendTypesHelp()
{
    QString text = QStringLiteral(
        "Backend types and their options (--option KEY=VALUE; secrets go to the keyring with "
        "backend-set-secret, after the backend is added):\n\n");
    for (const BackendType& type : backendTypes())
        text += backendTypeText(type) + QLatin1Char('\n');
    return text;
}

int backendTypesCommand(Context& context, QCommandLineParser&)
{
    const QList<BackendType> types = backendTypes();
    if (context.format == Format::Json) {
        QJsonArray array;
        for (const BackendType& type : types)
            array.append(backendTypeJson(type));
        context.printJson(array);
        return 0;
    }
    QString text;
    for (const BackendType& type : types)
        text += (text.isEmpty() ? QString() : QStringLiteral("\n")) + backendTypeText(type);
    printOut(text);
    return 0;
}

// Options given as NAME=VALUE, parsed as the schema's kinds, checked by the
// schema. Every problem is collected, so one run names all of them.
struct ParsedOptions
{
    QJsonObject values;
    QStringList problems;
    // Known options whose text did not parse: not "missing" when required.
    QJsonObject unparsed;
};

ParsedOptions parseOptionAssignments(const BackendType& type, const QString& backendName,
                                     const QStringList& assignments)
{
    ParsedOptions parsed;
    for (const QString& assignment : assignments) {
        const qsizetype equals = assignment.indexOf(QLatin1Char('='));
        if (equals <= 0) {
            parsed.problems.append(
                QStringLiteral("Invalid option '%1': use --option name=value.").arg(assignment));
            continue;
        }
        QString key;
        try {
            // Normalised first: Backup-Swift-Key is the secret backup_swift_key.
            key = checkedOptionName(type, backendName, assignment.left(equals));
            const OptionSpec* option = type.option(key);
            if (!option)
                throw Error(QStringLiteral("Option %1 is not described by the %2 backend's "
                                           "schema (see ember-cli backend-types).")
                                .arg(key, type.type));
            parsed.values[key] = parseOptionValue(*option, assignment.mid(equals + 1));
            parsed.unparsed.remove(key);
        } catch (const Error& error) {
            parsed.problems.append(error.message());
            if (!key.isEmpty()) {
                parsed.values.remove(key);
                parsed.unparsed[key] = assignment.mid(equals + 1);
            }
        }
    }
    return parsed;
}

// The problems of the given options and of the whole set they make with
// `options`: each once, in the order met.
QStringList optionProblemsOf(const BackendType& type, const QJsonObject& options,
                             const ParsedOptions& given)
{
    QStringList problems = given.problems;
    // The unparsed texts take part as text, so a required option given a bad
    // value is reported for its value (once), not as missing.
    QJsonObject candidate = options;
    for (auto it = given.unparsed.begin(); it != given.unparsed.end(); ++it)
        candidate[it.key()] = it.value();
    for (const QString& problem : optionProblems(type, candidate))
        if (!problems.contains(problem))
            problems.append(problem);
    return problems;
}

// One Error naming every problem, or nothing when there is none.
void throwOptionProblems(const QString& what, const QStringList& problems)
{
    if (problems.isEmpty())
        return;
    if (problems.size() == 1)
        throw Error(problems.first());
    throw Error(QStringLiteral("%1: %2 problems: %3 (see ember-cli backend-types).")
                    .arg(what)
                    .arg(problems.size())
                    .arg(joinFailures(problems)));
}

// The schema defaults a new backend keeps in its record: where its backups
// go and, for the chunked format, the values that fix the format (object
// size, hash block size, compression), so a later change of a default never
// changes how an existing backend writes.
QJsonObject pinnedDefaults(const BackendType& type)
{
    QStringList keys{type.locationKey()};
    if (type.capabilities.chunked)
        keys << type.objectSizeKey << type.blockSizeKey
             << QStringLiteral("backup_compression_algorithm");
    QJsonObject defaults;
    for (const QString& key : keys) {
        const OptionSpec* option = key.isEmpty() ? nullptr : type.option(key);
        if (option && !isSecret(type, *option) && !option->defaultValue.isNull() &&
            !option->defaultValue.isUndefined())
            defaults[key] = option->defaultValue;
    }
    return defaults;
}

// The record of a configured backend with what its type says about it: the
// location and the capabilities.
QJsonObject backendDetailJson(const BackendConfig& backend)
{
    QJsonObject json = backendJson(backend);
    const BackendType* type = findBackendType(backend.type);
    const QString locationKey = type ? type->locationKey() : QString();
    json[QStringLiteral("display_name")] = type ? type->displayName : backend.type;
    json[QStringLiteral("location")] =
        locationKey.isEmpty() ? QJsonValue() : type->value(backend.options, locationKey);
    json[QStringLiteral("location_option")] =
        locationKey.isEmpty() ? QJsonValue() : QJsonValue(locationKey);
    if (type)
        json[QStringLiteral("capabilities")] = capabilitiesJson(type->capabilities);
    return json;
}

QString locationText(const BackendConfig& backend)
{
    const QJsonValue location = backendDetailJson(backend).value(QStringLiteral("location"));
    return location.isNull() ? QStringLiteral("-") : valueText(location);
}

QList<QPair<QString, QString>> backendProperties(const BackendConfig& backend)
{
    const BackendType* type = findBackendType(backend.type);
    QList<QPair<QString, QString>> properties{
        {QStringLiteral("name"), backend.name},
        {QStringLiteral("type"),
         type ? QStringLiteral("%1 (%2)").arg(backend.type, type->displayName) : backend.type},
        {QStringLiteral("is_default"),
         backend.isDefault ? QStringLiteral("True") : QStringLiteral("False")},
        {QStringLiteral("location"), locationText(backend)},
        {QStringLiteral("created_at"), apiTime(backend.createdAt)}};
    if (type) {
        const QStringList capabilities = capabilityNames(type->capabilities);
        properties.append({QStringLiteral("capabilities"),
                           capabilities.isEmpty() ? QStringLiteral("-")
                                                  : capabilities.join(QStringLiteral(", "))});
        if (!type->secretKeys.isEmpty())
            properties.append(
                {QStringLiteral("keyring entries"), type->secretKeys.join(QStringLiteral(", "))});
    }
    for (auto it = backend.options.begin(); it != backend.options.end(); ++it)
        properties.append({QStringLiteral("option %1").arg(it.key()), valueText(it.value())});
    return properties;
}

int backendList(Context& context, QCommandLineParser&)
{
    printList(context, context.backups().catalog().backends(), backendDetailJson,
              {QStringLiteral("Name"), QStringLiteral("Type"), QStringLiteral("Default"),
               QStringLiteral("Location"), QStringLiteral("Options")},
              [](const BackendConfig& backend) {
                  return QStringList{backend.name, backend.type,
                                     backend.isDefault ? QStringLiteral("yes")
                                                       : QStringLiteral("no"),
                                     locationText(backend), cellText(backend.options)};
              });
    return 0;
}

int backendAddLocal(Context& context, QCommandLineParser& parser)
{
    const QString name = parser.positionalArguments().at(0).trimmed();
    static const QRegularExpression validName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    if (!validName.match(name).hasMatch())
        throw Error(QStringLiteral("Invalid backend name '%1': use letters, digits, '.', '_' and "
                                   "'-', starting with a letter or digit.")
                        .arg(name));
    const BackendType type = backendTypeNamed(QStringLiteral("posix"));
    const QString path = QFileInfo(parser.positionalArguments().at(1)).absoluteFilePath();
    BackendConfig backend;
    backend.name = name;
    backend.type = type.type;
    backend.isDefault = parser.isSet(QStringLiteral("default"));
    backend.createdAt = QDateTime::currentDateTimeUtc();
    backend.options = pinnedDefaults(type);
    backend.options[type.locationKey()] = path;
    if (parser.isSet(QStringLiteral("compression"))) {
        const QString algorithm = optionValue(parser, "compression");
        const OptionSpec* option = type.option(QStringLiteral("backup_compression_algorithm"));
        if (!option)
            throw Error(QStringLiteral("Backends of type %1 take no compression.").arg(type.type));
        try {
            backend.options[option->key] = parseOptionValue(*option, algorithm);
        } catch (const Error&) {
            throw Error(QStringLiteral("Invalid compression '%1': use one of %2.")
                            .arg(algorithm, option->choices.join(QStringLiteral(", "))));
        }
    }
    if (parser.isSet(QStringLiteral("object-size")))
        backend.options[type.objectSizeKey] = double(parseSize(optionValue(parser, "object-size")));
    throwOptionProblems(QStringLiteral("Backend %1 was not added").arg(name),
                        optionProblems(type, backend.options));
    Catalog& catalog = context.backups().catalog();
    if (catalog.backend(name))
        throw Error(QStringLiteral("A backend named '%1' already exists.").arg(name));
    if (!QDir().mkpath(path))
        throw Error(QStringLiteral("Cannot create the backup directory %1.").arg(path));
    catalog.upsertBackend(backend);
    context.printObject(backendDetailJson(*catalog.backend(name)),
                        backendProperties(*catalog.backend(name)));
    return 0;
}

int backendShow(Context& context, QCommandLineParser& parser)
{
    const QString name = parser.positionalArguments().at(0);
    const std::optional<BackendConfig> backend = context.backups().catalog().backend(name);
    if (!backend)
        throw Error(QStringLiteral("No backend named '%1' (see backend-list).").arg(name));
    context.printObject(backendDetailJson(*backend), backendProperties(*backend));
    return 0;
}

int backendAdd(Context& context, QCommandLineParser& parser)
{
    const QString name = parser.positionalArguments().at(0).trimmed();
    static const QRegularExpression validName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    if (!validName.match(name).hasMatch())
        throw Error(QStringLiteral("Invalid backend name '%1': use letters, digits, '.', '_' and "
                                   "'-', starting with a letter or digit.")
                        .arg(name));
    const BackendType type = backendTypeNamed(parser.positionalArguments().at(1));
    if (!type.available)
        throw Error(QStringLiteral("Backends of type %1 cannot be used here: %2")
                        .arg(type.type, type.unavailableReason));
    BackendConfig backend;
    backend.name = name;
    backend.type = type.type;
    backend.isDefault = parser.isSet(QStringLiteral("default"));
    backend.createdAt = QDateTime::currentDateTimeUtc();
    const ParsedOptions given =
        parseOptionAssignments(type, name, parser.values(QStringLiteral("option")));
    backend.options = pinnedDefaults(type);
    for (auto it = given.values.begin(); it != given.values.end(); ++it)
        backend.options[it.key()] = it.value();
    throwOptionProblems(QStringLiteral("Backend %1 was not added").arg(name),
                        optionProblemsOf(type, backend.options, given));
    Catalog& catalog = context.backups().catalog();
    if (catalog.backend(name))
        throw Error(QStringLiteral("A backend named '%1' already exists.").arg(name));
    checkEncryptionKey(context, backend);
    // The driver's own checks too, before anything is stored (drivers connect
    // only when used, so placeholders for the required secrets are enough).
    BackendSecrets placeholders;
    for (const QString& key : type.secretKeys) {
        const OptionSpec* option = type.option(key);
        if (!option || option->required)
            placeholders.insert(key, QStringLiteral("placeholder"));
    }
    createDriver(backend, placeholders);
    catalog.upsertBackend(backend);
    context.printObject(backendDetailJson(*catalog.backend(name)),
                        backendProperties(*catalog.backend(name)));
    return 0;
}

int backendSetSecret(Context& context, QCommandLineParser& parser)
{
    const QString name = parser.positionalArguments().at(0);
    const QString key = normalizedOptionName(parser.positionalArguments().at(1));
    const std::optional<BackendConfig> backend = context.backups().catalog().backend(name);
    if (!backend)
        throw Error(QStringLiteral("No backend named '%1' (see backend-list).").arg(name));
    const BackendType type = backendTypeNamed(backend->type);
    if (!type.secretKeys.contains(key))
        throw Error(QStringLiteral("Backend %1 (%2) keeps no secret named %3; its secrets are: %4.")
                        .arg(name, backend->type, key,
                             type.secretKeys.isEmpty()
                                 ? QStringLiteral("none")
                                 : type.secretKeys.join(QStringLiteral(", "))));
    // From standard input only: a value on the command line would be visible to every user.
    QTextStream input(stdin);
    const QString value = input.readLine();
    if (value.isEmpty())
        throw Error(
            QStringLiteral(
                "No value on standard input (try: ember-cli backend-set-secret %1 %2 < file).")
                .arg(name, key));
    context.secrets.write(*backend, key, value);
    printErr(QStringLiteral("Stored %1 for backend %2.\n").arg(key, name));
    return 0;
}

int backendTest(Context& context, QCommandLineParser& parser)
{
    const QString name = parser.positionalArguments().at(0);
    const std::optional<BackendConfig> backend = context.backups().catalog().backend(name);
    if (!backend)
        throw Error(QStringLiteral("No backend named '%1' (see backend-list).").arg(name));
    const ConnectionReport report = testBackendConnection(*backend, context.secrets.read(*backend));
    if (context.format == Format::Json) {
        QJsonArray checks;
        for (const ConnectionCheck& check : report.checks)
            checks.append(QJsonObject{{QStringLiteral("check"), check.name},
                                      {QStringLiteral("ok"), check.ok},
                                      {QStringLiteral("detail"), check.detail}});
        context.printJson(
            QJsonObject{{QStringLiteral("backend"), name},
                        {QStringLiteral("ok"), report.ok()},
                        {QStringLiteral("checks"), checks},
                        {QStringLiteral("facts"), QJsonArray::fromStringList(report.facts)}});
    } else {
        QList<QStringList> rows;
        for (const ConnectionCheck& check : report.checks)
            rows << QStringList{check.name,
                                check.ok ? QStringLiteral("ok") : QStringLiteral("FAILED"),
                                check.detail};
        printOut(renderTable(
            {QStringLiteral("Check"), QStringLiteral("Result"), QStringLiteral("Detail")}, rows));
        for (const QString& fact : report.facts)
            printOut(fact + QLatin1Char('\n'));
    }
    if (!report.ok())
        throw Error(QStringLiteral("Backend %1 failed its connection test.").arg(name));
    return 0;
}

int backendRemove(Context& context, QCommandLineParser& parser)
{
    const QString name = parser.positionalArguments().at(0);
    Catalog& catalog = context.backups().catalog();
    if (!catalog.backend(name))
        throw Error(QStringLiteral("No backend named '%1' (see backend-list).").arg(name));
    catalog.removeBackend(name);
    printErr(
        QStringLiteral("Removed backend %1 (its stored backups were not touched).\n").arg(name));
    return 0;
}

// ---- catalog recovery ----

int backendRescan(Context& context, QCommandLineParser& parser)
{
    const QString name = parser.positionalArguments().first();
    BackupService& service = context.backups();
    const RescanReport report = withProgress([&](OperationControl& control) {
        return service.rescanBackend(name, parser.values(QStringLiteral("container")), control);
    });
    if (context.format == Format::Json) {
        QJsonArray added;
        for (const Backup& backup : report.added)
            added.append(backupJson(backup));
        QJsonArray skipped;
        for (const RescanReport::Skipped& item : report.skipped)
            skipped.append(QJsonObject{{QStringLiteral("container"), item.container},
                                       {QStringLiteral("prefix"), item.prefix},
                                       {QStringLiteral("backup_id"), item.backupId},
                                       {QStringLiteral("reason"), item.reason}});
        context.printJson(
            QJsonObject{{QStringLiteral("added"), added}, {QStringLiteral("skipped"), skipped}});
        return 0;
    }
    for (const Backup& backup : report.added)
        printOut(QStringLiteral("added %1 (volume %2, %3%4, created %5)\n")
                     .arg(backup.id, backup.volumeId,
                          backup.isIncremental()
                              ? QStringLiteral("incremental on %1").arg(backup.parentId)
                              : QStringLiteral("full"),
                          backup.displayName.isEmpty()
                              ? QString()
                              : QStringLiteral(", name %1").arg(backup.displayName),
                          backup.createdAt.toString(Qt::ISODate)));
    for (const RescanReport::Skipped& item : report.skipped)
        printOut(
            QStringLiteral("skipped %1/%2: %3\n").arg(item.container, item.prefix, item.reason));
    printOut(QStringLiteral("%1 backup(s) added, %2 skipped.\n")
                 .arg(report.added.size())
                 .arg(report.skipped.size()));
    return 0;
}

// Neither command opens the catalog: they must work when it is damaged.
int catalogCopies(Context& context, QCommandLineParser&)
{
    const QString path = defaultCatalogPath();
    printList(
        context, Catalog::copies(path),
        [](const CatalogCopy& copy) {
            return QJsonObject{{QStringLiteral("name"), QFileInfo(copy.path).fileName()},
                               {QStringLiteral("path"), copy.path},
                               {QStringLiteral("taken_at"), copy.takenAt.toString(Qt::ISODate)},
                               {QStringLiteral("size_bytes"), double(copy.sizeBytes)}};
        },
        {QStringLiteral("Name"), QStringLiteral("Taken (UTC)"), QStringLiteral("Size")},
        [](const CatalogCopy& copy) {
            return QStringList{QFileInfo(copy.path).fileName(),
                               copy.takenAt.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                               humanSize(copy.sizeBytes)};
        });
    return 0;
}

int catalogRestore(Context& context, QCommandLineParser& parser)
{
    privateDataDirectory();
    const QString path = defaultCatalogPath();
    const QString copy = parser.positionalArguments().first();
    const QString keptAside = Catalog::restoreCopy(path, copy);
    QJsonObject json{{QStringLiteral("catalog"), path}, {QStringLiteral("restored_from"), copy}};
    if (!keptAside.isEmpty())
        json[QStringLiteral("replaced_file_kept_as")] = keptAside;
    context.printObject(json);
    if (context.format == Format::Table)
        printOut(QStringLiteral("Backups made after the copy are not in it: 'ember-cli "
                                "backend-rescan BACKEND' adds them from the backend's files.\n"));
    return 0;
}

QList<Command> commands()
{
    const auto text = &valueOption;
    const auto flag = &flagOption;
    QList<Command> list;
    list << Command{
        QStringLiteral("backup-create"),
        QStringLiteral("VOLUME"),
        QStringLiteral("Creates a backup of a volume."),
        [=](QCommandLineParser& p) {
            p.addOption(flag("incremental", "Incremental backup (on the volume's latest backup)."));
            p.addOption(flag("force", "Back up the volume even if it is in use."));
            p.addOption(text("name", "Backup name.", "NAME"));
            p.addOption(text("description", "Backup description.", "DESCRIPTION"));
            p.addOption(text("container",
                             "Backup container (directory, Swift container or Ceph pool).",
                             "CONTAINER"));
            p.addOption(text("backend",
                             "Configured backend to store it (default: the default backend).",
                             "BACKEND"));
        },
        backupCreate,
        1,
        1};
    list << Command{
        QStringLiteral("backup-restore"),
        QStringLiteral("BACKUP"),
        QStringLiteral("Restores a backup into a volume, or into a new volume."),
        [=](QCommandLineParser& p) {
            p.addOption(text("volume",
                             "Registered volume to restore onto (its data is overwritten).",
                             "VOLUME"));
            p.addOption(
                text("name", "Name of the new volume (default restore_backup_<id>).", "NAME"));
            p.addOption(text("path", "File of the new volume.", "PATH"));
            p.addOption(text("rbd-image",
                             "New RBD image (pool/image) as the new volume, created with the "
                             "backup's size.",
                             "POOL/IMAGE"));
            p.addOption(text("rbd-cluster",
                             "Ceph backend whose cluster gets --rbd-image (default: the source "
                             "volume's, else the backup's).",
                             "BACKEND"));
        },
        backupRestore,
        1,
        1};
    list << Command{
        QStringLiteral("backup-delete"),
        QStringLiteral("BACKUP [BACKUP...]"),
        QStringLiteral("Removes one or more backups."),
        [=](QCommandLineParser& p) {
            p.addOption(
                flag("force", "Delete whatever the backup's status (cancels a running backup)."));
        },
        backupDelete,
        1,
        -1};
    list << Command{
        QStringLiteral("backup-list"),
        QString(),
        QStringLiteral("Lists all backups."),
        [=](QCommandLineParser& p) {
            p.addOption(text("volume-id", "Only backups of this volume.", "VOLUME"));
            p.addOption(text("status", "Only backups with this status.", "STATUS"));
            p.addOption(text("name", "Only backups with this name.", "NAME"));
            p.addOption(
                text("sort",
                     "Sort by key[:asc|desc][,key...]: id, status, size, availability_zone, name, "
                     "created_at, data_timestamp, volume_id, object_count, container, updated_at.",
                     "SORT"));
        },
        backupList,
        0,
        0};
    list << Command{QStringLiteral("backup-show"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Shows backup details."),
                    {},
                    backupShow,
                    1,
                    1};
    list << Command{QStringLiteral("backup-export"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Exports backup metadata record (Cinder's format)."),
                    {},
                    backupExport,
                    1,
                    1};
    list << Command{QStringLiteral("backup-import"),
                    QStringLiteral("BACKUP_SERVICE BACKUP_URL"),
                    QStringLiteral("Imports a backup metadata record (from Cinder or ember)."),
                    [=](QCommandLineParser& p) {
                        p.addOption(text("backend", "Configured backend holding the backup's data.",
                                         "BACKEND"));
                    },
                    backupImport,
                    2,
                    2};
    list << Command{QStringLiteral("backup-reset-state"),
                    QStringLiteral("BACKUP [BACKUP...]"),
                    QStringLiteral("Explicitly updates the backup state."),
                    [=](QCommandLineParser& p) {
                        p.addOption(text("state",
                                         "The state to assign: available (default) or error.",
                                         "STATE"));
                    },
                    backupResetState,
                    1,
                    -1};
    list << Command{QStringLiteral("backup-update"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Updates a backup's name or description."),
                    [=](QCommandLineParser& p) {
                        p.addOption(text("name", "New name.", "NAME"));
                        p.addOption(text("description", "New description.", "DESCRIPTION"));
                    },
                    backupUpdate,
                    1,
                    1};
    list << Command{
        QStringLiteral("backup-verify"),
        QStringLiteral("BACKUP"),
        QStringLiteral("Reads a backup's whole chain and checks every object and hash; with "
                       "--sample, only that share of the backup's own objects, those never "
                       "verified first, then the longest ago."),
        [=](QCommandLineParser& p) {
            p.addOption(text("sample",
                             "Percentage (1-100) of the backup's objects to read; repeated runs "
                             "cover them all.",
                             "PERCENT"));
        },
        backupVerify,
        1,
        1};
    list << Command{
        QStringLiteral("volume-add"),
        QStringLiteral("PATH"),
        QStringLiteral("Registers an existing image file or block device as a volume."),
        [=](QCommandLineParser& p) { p.addOption(text("name", "Volume name.", "NAME")); },
        volumeAdd,
        1,
        1};
    list << Command{QStringLiteral("volume-create"),
                    QStringLiteral("PATH"),
                    QStringLiteral("Creates a new sparse image file and registers it."),
                    [=](QCommandLineParser& p) {
                        p.addOption(
                            text("size", "Size: bytes, or with K, M, G, T (e.g. 10G).", "SIZE"));
                        p.addOption(text("name", "Volume name.", "NAME"));
                    },
                    volumeCreate,
                    1,
                    1};
    list << Command{
        QStringLiteral("volume-add-rbd"),
        QStringLiteral("CEPH_BACKEND POOL/IMAGE"),
        QStringLiteral("Registers an RBD image of the cluster a Ceph backend describes."),
        [=](QCommandLineParser& p) {
            p.addOption(text("name", "Volume name (default: the image name).", "NAME"));
        },
        volumeAddRbd,
        2,
        2};
    list << Command{QStringLiteral("volume-list"),
                    QString(),
                    QStringLiteral("Lists registered volumes."),
                    {},
                    volumeList,
                    0,
                    0};
    list << Command{QStringLiteral("volume-show"),
                    QStringLiteral("VOLUME"),
                    QStringLiteral("Shows volume details."),
                    {},
                    volumeShow,
                    1,
                    1};
    list << Command{QStringLiteral("volume-remove"),
                    QStringLiteral("VOLUME"),
                    QStringLiteral("Unregisters a volume (its file or device is left untouched)."),
                    {},
                    volumeRemove,
                    1,
                    1};
    list << Command{
        QStringLiteral("volume-reset-state"),
        QStringLiteral("VOLUME [VOLUME...]"),
        QStringLiteral("Explicitly updates the volume state (e.g. after a failed restore)."),
        [=](QCommandLineParser& p) {
            p.addOption(text("state",
                             "The state to assign: available (default), in-use, error or "
                             "error_restoring.",
                             "STATE"));
        },
        volumeResetState,
        1,
        -1};
    list << Command{QStringLiteral("backend-list"),
                    QString(),
                    QStringLiteral("Lists configured backends."),
                    {},
                    backendList,
                    0,
                    0};
    list << Command{
        QStringLiteral("backend-add-local"),
        QStringLiteral("NAME PATH"),
        QStringLiteral("Adds a backend that stores backups in a local directory (Cinder's posix "
                       "driver format)."),
        [=](QCommandLineParser& p) {
            p.addOption(text("compression", "none, zlib (default), gzip, bz2, bzip2 or zstd.",
                             "ALGORITHM"));
            p.addOption(
                text("object-size", "Object size (multiple of 32K; default 1999994880).", "SIZE"));
            p.addOption(flag("default", "Make it the default backend."));
        },
        backendAddLocal,
        2,
        2};
    list << Command{
        QStringLiteral("backend-add"),
        QStringLiteral("NAME TYPE"),
        QStringLiteral("Adds a backend of TYPE (see backend-types) with Cinder's option names, "
                       "every option checked before anything is stored."),
        [=](QCommandLineParser& p) {
            p.addOption(text("option",
                             "An option, e.g. backup_swift_auth_url=http://host:8080/auth/v1.0 "
                             "(repeatable). Secrets are refused here: see backend-set-secret.",
                             "NAME=VALUE"));
            p.addOption(flag("default", "Make it the default backend."));
        },
        backendAdd,
        2,
        2,
        backendTypesHelp};
    list << Command{QStringLiteral("backend-types"),
                    QString(),
                    QStringLiteral("Lists the backend types: what each needs, its options with "
                                   "their kinds, defaults and help, and its secrets."),
                    {},
                    backendTypesCommand,
                    0,
                    0};
    list << Command{QStringLiteral("backend-show"),
                    QStringLiteral("NAME"),
                    QStringLiteral("Shows a backend: its type, location, capabilities and "
                                   "options."),
                    {},
                    backendShow,
                    1,
                    1};
    list << Command{
        QStringLiteral("backend-set-secret"),
        QStringLiteral("NAME KEY"),
        QStringLiteral(
            "Stores a backend secret (e.g. backup_swift_key) in the OS keyring, read from "
            "standard input."),
        {},
        backendSetSecret,
        2,
        2};
    list << Command{QStringLiteral("backend-test"),
                    QStringLiteral("NAME"),
                    QStringLiteral("Tests a backend's connection: each check and its result."),
                    {},
                    backendTest,
                    1,
                    1};
    list << Command{QStringLiteral("backend-remove"),
                    QStringLiteral("NAME"),
                    QStringLiteral("Removes a backend that holds no backups."),
                    {},
                    backendRemove,
                    1,
                    1};
    list << Command{
        QStringLiteral("backend-rescan"),
        QStringLiteral("BACKEND"),
        QStringLiteral("Rebuilds catalog entries from the _metadata files of a posix or swift "
                       "backend (backups already in the catalog are left alone)."),
        [=](QCommandLineParser& p) {
            p.addOption(text("container",
                             "Only this container (repeatable; needed for Swift, which cannot "
                             "list its containers here).",
                             "CONTAINER"));
        },
        backendRescan,
        1,
        1};
    list << Command{QStringLiteral("catalog-copies"),
                    QString(),
                    QStringLiteral("Lists the automatic copies of the catalog, newest first."),
                    {},
                    catalogCopies,
                    0,
                    0};
    list << Command{
        QStringLiteral("catalog-restore"),
        QStringLiteral("COPY"),
        QStringLiteral("Replaces the catalog by one of its copies (see catalog-copies); the "
                       "replaced file is kept. Refused while Ember runs elsewhere."),
        {},
        catalogRestore,
        1,
        1};
    list << retentionCommands();
    list << scheduleCommands();
    list << keyCommands();
    return list;
}

QString generalHelp(const QList<Command>& list)
{
    QString help =
        QStringLiteral("Usage: ember-cli [--format table|json] <command> [options] [arguments]\n\n"
                       "Back up and restore block volumes the way OpenStack Cinder does.\n"
                       "Data directory: $EMBER_HOME, or $XDG_DATA_HOME/ember.\n\nCommands:\n");
    qsizetype width = 0;
    for (const Command& command : list)
        width = std::max(width, command.name.size());
    for (const Command& command : list)
        help +=
            QStringLiteral("  %1  %2\n").arg(command.name.leftJustified(width), command.summary);
    help += QStringLiteral("  %1  %2\n")
                .arg(QStringLiteral("help").leftJustified(width),
                     QStringLiteral("Shows the help of a command (or use <command> --help)."));
    help +=
        QStringLiteral("\nGlobal options:\n  --format table|json  Output format (default table).\n"
                       "  --os-cloud NAME      The backup-* and volume-* commands act on this\n"
                       "                       OpenStack cloud (clouds.yaml; default $OS_CLOUD).\n"
                       "  --version            Shows the version.\n"
                       "  -h, --help           Shows this help.\n");
    return help;
}

} // namespace

int run(const QStringList& arguments)
{
    const MessageHandlerScope messages;
    // Printed after the result (declared after `messages`, so it runs first).
    struct NoticesOnReturn
    {
        ~NoticesOnReturn() { printNotices(); }
    } notices;
    Context context;
    const QList<Command> list = commands();
    try {
        // Global options come before the command.
        qsizetype index = 1;
        bool wantHelp = false;
        for (; index < arguments.size(); ++index) {
            const QString& argument = arguments.at(index);
            if (!argument.startsWith(QLatin1Char('-')))
                break;
            if (argument == QLatin1String("--version") || argument == QLatin1String("-v")) {
                printOut(QStringLiteral("ember-cli %1\n").arg(QStringLiteral(EMBER_VERSION)));
                return 0;
            }
            if (argument == QLatin1String("--help") || argument == QLatin1String("-h")) {
                wantHelp = true;
            } else if (argument == QLatin1String("--format")) {
                if (index + 1 >= arguments.size())
                    throw Error(QStringLiteral("--format needs a value: table or json."));
                context.format = parseFormat(arguments.at(++index));
            } else if (argument.startsWith(QLatin1String("--format="))) {
                context.format = parseFormat(argument.mid(9));
            } else if (argument == QLatin1String("--os-cloud")) {
                if (index + 1 >= arguments.size())
                    throw Error(
                        QStringLiteral("--os-cloud needs the name of a cloud in clouds.yaml."));
                context.cloudName = arguments.at(++index);
            } else if (argument.startsWith(QLatin1String("--os-cloud="))) {
                context.cloudName = argument.mid(11);
            } else {
                throw Error(
                    QStringLiteral("Unknown option '%1' (see ember-cli --help).").arg(argument));
            }
        }
        if (index >= arguments.size()) {
            if (wantHelp) {
                printOut(generalHelp(list));
                return 0;
            }
            throw Error(QStringLiteral("No command given (see ember-cli --help)."));
        }
        QString name = arguments.at(index);
        QStringList rest = arguments.mid(index + 1);
        if (name == QLatin1String("help")) {
            if (rest.isEmpty()) {
                printOut(generalHelp(list));
                return 0;
            }
            name = rest.first();
            rest = {QStringLiteral("--help")};
        }
        if (wantHelp)
            rest.prepend(QStringLiteral("--help"));
        if (context.cloudName.isEmpty())
            context.cloudName = qEnvironmentVariable("OS_CLOUD");
        // With a cloud selected the backup-* and volume-* commands act on it; the
        // backend-* and catalog-* commands always mean this computer.
        const bool onCloud =
            !context.cloudName.isEmpty() && (name.startsWith(QLatin1String("backup-")) ||
                                             name.startsWith(QLatin1String("volume-")));
        const QList<Command> cloudList = onCloud ? cloudCommands() : QList<Command>{};
        const QList<Command>& table = onCloud ? cloudList : list;
        const auto command = std::find_if(table.begin(), table.end(),
                                          [&](const Command& c) { return c.name == name; });
        if (command == table.end() && onCloud &&
            std::any_of(list.begin(), list.end(), [&](const Command& c) { return c.name == name; }))
            throw Error(QStringLiteral("%1 works on this computer's catalog only, but cloud %2 is "
                                       "selected (--os-cloud or OS_CLOUD); run it without them.")
                            .arg(name, context.cloudName));
        if (command == table.end() &&
            (name == QLatin1String("backup-pull") || name == QLatin1String("backup-push")))
            throw Error(QStringLiteral("%1 moves a backup record between a cloud and this "
                                       "computer: name the cloud with --os-cloud NAME (before the "
                                       "command) or OS_CLOUD.")
                            .arg(name));
        if (command == table.end())
            throw Error(QStringLiteral("Unknown command '%1' (see ember-cli --help).").arg(name));
        QCommandLineParser parser;
        parseCommand(*command, rest, parser, context);
        qCDebug(lcCli) << "running" << command->name << parser.positionalArguments();
        return command->run(context, parser);
    } catch (const HelpShown&) {
        return 0;
    } catch (const Error& error) {
        printErr(errorLine(error.message()));
        return 1;
    } catch (const std::exception& error) {
        printErr(errorLine(
            QStringLiteral("internal error: %1").arg(QString::fromLocal8Bit(error.what()))));
        return 1;
    }
}

} // namespace ember::cli
