#include "tsmdriver.h"

#include "bandwidth.h"
#include "operation.h"
#include "pythonjson.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ember::tsm {

namespace {

QString optionString(const QJsonObject& options, const QString& key)
{
    const QJsonValue value = options.value(key);
    if (value.isString())
        return value.toString().trimmed();
    if (value.isDouble())
        return QString::number(value.toDouble());
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

bool optionBool(const QJsonObject& options, const QString& key, bool fallback)
{
    const QJsonValue value = options.value(key);
    if (value.isUndefined() || value.isNull())
        return fallback;
    if (value.isBool())
        return value.toBool();
    const QString text = optionString(options, key).toLower();
    if (text.isEmpty())
        return fallback;
    if (text == u"true" || text == u"yes" || text == u"1" || text == u"on")
        return true;
    if (text == u"false" || text == u"no" || text == u"0" || text == u"off")
        return false;
    throw Error(QStringLiteral("Option %1 must be true or false, not \"%2\".")
                    .arg(key, optionString(options, key)));
}

int optionInt(const QJsonObject& options, const QString& key, int fallback, int minimum)
{
    const QString text = optionString(options, key);
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < minimum)
        throw Error(QStringLiteral("Option %1 must be a whole number of at least %2, not \"%3\".")
                        .arg(key)
                        .arg(minimum)
                        .arg(text));
    return value;
}

enum class FileKind
{
    Missing,
    Block,
    Regular,
    Other
};

FileKind fileKind(const QString& path)
{
    struct stat info;
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return FileKind::Missing;
    if (S_ISBLK(info.st_mode))
        return FileKind::Block;
    if (S_ISREG(info.st_mode))
        return FileKind::Regular;
    return FileKind::Other;
}

qint64 sizeOf(const QString& path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    const off_t size = ::lseek(fd, 0, SEEK_END);
    ::close(fd);
    return size;
}

bool isSymlink(const QString& path)
{
    struct stat info;
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0 && S_ISLNK(info.st_mode);
}

bool pathExists(const QString& path)
{
    struct stat info;
    return ::lstat(QFile::encodeName(path).constData(), &info) == 0;
}

// The device link named after the backup, as Cinder made it (a symlink
// since Stein, a hard link before); removed when the operation ends,
// whatever happens.
class DeviceLink
{
public:
    DeviceLink(const QString& linkPath, const QString& target, bool hard)
        : m_path(linkPath), m_target(target), m_hard(hard)
    {
        const QByteArray path = QFile::encodeName(m_path);
        const QByteArray targetPath = QFile::encodeName(target);
        // A link left by a crashed run may be replaced; anything else there is
        // not ours to remove.
        if (isSymlink(m_path) || (hard && sameFile(m_path, target)))
            ::unlink(path.constData());
        else if (pathExists(m_path))
            throw Error(QStringLiteral("Cannot create the TSM link %1: a file of that name "
                                       "already exists and is not a link made by Ember.")
                            .arg(m_path));
        const int made = hard ? ::link(targetPath.constData(), path.constData())
                              : ::symlink(targetPath.constData(), path.constData());
        if (made != 0)
            throw Error(QStringLiteral("Cannot create the TSM %1 %2 -> %3: %4")
                            .arg(hard ? QStringLiteral("hard link") : QStringLiteral("link"),
                                 m_path, target, QString::fromLocal8Bit(std::strerror(errno))));
    }
    DeviceLink(const DeviceLink&) = delete;
    DeviceLink& operator=(const DeviceLink&) = delete;
    ~DeviceLink()
    {
        if (isSymlink(m_path) || (m_hard && sameFile(m_path, m_target)))
            ::unlink(QFile::encodeName(m_path).constData());
    }
    const QString& path() const { return m_path; }

    // A restore through the link may have replaced the link itself with the
    // restored file (clients that restore to a new file and rename it, or
    // that restore over a symbolic link). Move that file over the target.
    void moveReplacedFileToTarget()
    {
        if (isSymlink(m_path) || !pathExists(m_path) || sameFile(m_path, m_target) ||
            fileKind(m_path) != FileKind::Regular)
            return;
        if (::rename(QFile::encodeName(m_path).constData(),
                     QFile::encodeName(m_target).constData()) != 0)
            throw Error(QStringLiteral("dsmc restored into %1 instead of through it, and moving "
                                       "that file over %2 failed: %3")
                            .arg(m_path, m_target, QString::fromLocal8Bit(std::strerror(errno))));
    }

    static bool sameFile(const QString& a, const QString& b)
    {
        struct stat first;
        struct stat second;
        return ::lstat(QFile::encodeName(a).constData(), &first) == 0 &&
               ::stat(QFile::encodeName(b).constData(), &second) == 0 &&
               first.st_dev == second.st_dev && first.st_ino == second.st_ino;
    }

private:
    QString m_path;
    QString m_target;
    bool m_hard = false;
};

QString canonicalPath(const QString& path)
{
    const QString canonical = QFileInfo(path).canonicalFilePath();
    return canonical.isEmpty() ? path : canonical;
}

QString joinedErrors(const DsmcOutput& output)
{
    QStringList messages = output.errorLines;
    messages.removeDuplicates();
    return messages.join(u' ');
}

} // namespace

QString toString(BackupMode mode)
{
    return mode == BackupMode::Image ? QStringLiteral("image") : QStringLiteral("file");
}

QString findDsmc(const QString& configured)
{
    if (!configured.isEmpty()) {
        if (configured.contains(u'/')) {
            const QFileInfo info(configured);
            return info.isFile() && info.isExecutable() ? info.absoluteFilePath() : QString();
        }
        return QStandardPaths::findExecutable(configured);
    }
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("dsmc"));
    if (!onPath.isEmpty())
        return onPath;
    const QFileInfo fallback(DefaultDsmcPath);
    return fallback.isFile() && fallback.isExecutable() ? DefaultDsmcPath : QString();
}

QString missingClientMessage(const TsmSettings& settings)
{
    if (!settings.configuredDsmcPath.isEmpty())
        return QStringLiteral("The IBM Spectrum Protect client was not found at %1 "
                              "(option ember_tsm_dsmc_path of backend %2), or it is not "
                              "executable.")
            .arg(settings.configuredDsmcPath, settings.backendName);
    return QStringLiteral("The IBM Spectrum Protect backup-archive client (dsmc) is not installed: "
                          "it is neither on PATH nor at %1. Install the client or set "
                          "ember_tsm_dsmc_path for backend %2.")
        .arg(DefaultDsmcPath, settings.backendName);
}

TsmSettings settingsFrom(const BackendConfig& config, const BackendSecrets& secrets)
{
    const QJsonObject& options = config.options;
    TsmSettings settings;
    settings.backendName = config.name;
    const QString prefix = optionString(options, QStringLiteral("backup_tsm_volume_prefix"));
    if (!prefix.isEmpty())
        settings.volumePrefix = prefix;
    if (settings.volumePrefix.contains(u'/'))
        throw Error(QStringLiteral("Option backup_tsm_volume_prefix must not contain '/': \"%1\".")
                        .arg(settings.volumePrefix));
    settings.compression = optionBool(options, QStringLiteral("backup_tsm_compression"), true);
    settings.configuredDsmcPath = optionString(options, QStringLiteral("ember_tsm_dsmc_path"));
    settings.dsmcPath = findDsmc(settings.configuredDsmcPath);
    settings.optfile = optionString(options, QStringLiteral("ember_tsm_optfile"));
    settings.servername = optionString(options, QStringLiteral("ember_tsm_servername"));
    settings.virtualNodename = optionString(options, QStringLiteral("ember_tsm_nodename"));
    settings.asNodename = optionString(options, QStringLiteral("ember_tsm_asnodename"));
    settings.timeoutSeconds =
        optionInt(options, QStringLiteral("ember_tsm_timeout_seconds"), 86400, 1);
    const QString linkDir = optionString(options, QStringLiteral("ember_tsm_image_link_dir"));
    if (!linkDir.isEmpty())
        settings.imageLinkDir = QDir::cleanPath(linkDir);
    const QString fileLink = optionString(options, QStringLiteral("ember_tsm_file_link")).toLower();
    if (fileLink == u"hardlink")
        settings.fileHardLinks = true;
    else if (!fileLink.isEmpty() && fileLink != u"symlink")
        throw Error(QStringLiteral("Option ember_tsm_file_link must be \"symlink\" or "
                                   "\"hardlink\", not \"%1\".")
                        .arg(fileLink));
    settings.password = secrets.value(PasswordKey);
    for (const auto& [key, limit] :
         {std::pair(QStringLiteral("ember_bandwidth_upload"), &settings.uploadLimit),
          std::pair(QStringLiteral("ember_bandwidth_download"), &settings.downloadLimit)}) {
        *limit = optionString(options, key);
        if (const QString problem = bandwidthScheduleProblem(*limit); !problem.isEmpty())
            throw Error(QStringLiteral("Option %1: %2").arg(key, problem));
    }
    return settings;
}

QString serviceMetadataJson(const TsmObject& object)
{
    // Cinder: json.dumps({'backup_mode': ..., 'backup_path': ...}).
    return QStringLiteral("{\"backup_mode\": %1, \"backup_path\": %2}")
        .arg(QString::fromLatin1(PythonJson::quote(toString(object.mode))),
             QString::fromLatin1(PythonJson::quote(object.path)));
}

TsmObject tsmObjectOf(const Backup& backup, const TsmSettings& settings)
{
    TsmObject object;
    if (backup.serviceMetadata.trimmed().isEmpty()) {
        // The object name on the server, whatever link directory Ember uses now.
        object.path = QStringLiteral("/dev/%1-%2").arg(settings.volumePrefix, backup.id);
        return object;
    }
    QJsonParseError parseError;
    const QJsonDocument document =
        QJsonDocument::fromJson(backup.serviceMetadata.toUtf8(), &parseError);
    const QJsonObject metadata = document.object();
    const QString mode = metadata.value(QStringLiteral("backup_mode")).toString();
    object.path = metadata.value(QStringLiteral("backup_path")).toString();
    if (parseError.error != QJsonParseError::NoError || !document.isObject() ||
        (mode != u"image" && mode != u"file") || object.path.isEmpty())
        throw Error(QStringLiteral("Backup %1 has service_metadata that is not a TSM backup's "
                                   "({\"backup_mode\": ..., \"backup_path\": ...}): %2")
                        .arg(backup.id, backup.serviceMetadata));
    // The record is untrusted: its path names the TSM object that restore
    // reads and delete removes, so it must be this backup's link
    // (<prefix>-<backup id>), never another backup's object or a relative path.
    const QString expectedSuffix = QLatin1Char('-') + backup.id;
    if (!object.path.startsWith(QLatin1Char('/')) || QDir::cleanPath(object.path) != object.path ||
        object.path.contains(QChar(0)) ||
        !object.path.section(QLatin1Char('/'), -1).endsWith(expectedSuffix) ||
        object.path.section(QLatin1Char('/'), -1).size() == expectedSuffix.size())
        throw Error(QStringLiteral("Backup %1 has backup_path %2 in its service_metadata, which "
                                   "is not this backup's TSM object (an absolute path ending in "
                                   "<prefix>%3)")
                        .arg(backup.id, object.path, expectedSuffix));
    object.mode = mode == u"image" ? BackupMode::Image : BackupMode::File;
    return object;
}

QString describeReturnCode(int code)
{
    switch (code) {
    case 0:
        return QStringLiteral("return code 0: success");
    case 4:
        return QStringLiteral("return code 4: some objects were skipped");
    case 8:
        return QStringLiteral("return code 8: errors");
    case 12:
        return QStringLiteral("return code 12: severe error");
    default:
        return QStringLiteral("return code %1").arg(code);
    }
}

TsmBackupDriver::TsmBackupDriver(TsmSettings settings) : m_settings(std::move(settings)) {}

QString TsmBackupDriver::cannotBackup(const Volume& volume) const
{
    if (m_settings.dsmcPath.isEmpty())
        return missingClientMessage(m_settings);
    if (volume.kind == VolumeKind::Rbd)
        return QStringLiteral("TSM backend %1 backs up local block devices and image files only; "
                              "volume %2 is an RBD image.")
            .arg(m_settings.backendName, volume.name.isEmpty() ? volume.id : volume.name);
    switch (fileKind(canonicalPath(volume.path))) {
    case FileKind::Block:
    case FileKind::Regular:
        return {};
    case FileKind::Missing:
        return QStringLiteral("Volume file %1 does not exist.").arg(volume.path);
    case FileKind::Other:
        break;
    }
    return QStringLiteral("TSM backend %1 backs up block devices and regular files only; %2 is "
                          "neither.")
        .arg(m_settings.backendName, volume.path);
}

QStringList TsmBackupDriver::commonOptions() const
{
    QStringList options;
    if (!m_settings.optfile.isEmpty())
        options << QStringLiteral("-optfile=%1").arg(m_settings.optfile);
    if (!m_settings.servername.isEmpty())
        options << QStringLiteral("-se=%1").arg(m_settings.servername);
    if (!m_settings.virtualNodename.isEmpty())
        options << QStringLiteral("-virtualnodename=%1").arg(m_settings.virtualNodename);
    if (!m_settings.asNodename.isEmpty())
        options << QStringLiteral("-asnodename=%1").arg(m_settings.asNodename);
    return options;
}

DsmcResult TsmBackupDriver::run(const QStringList& arguments, OperationControl* control,
                                const QString& phase, int timeoutSeconds,
                                const DsmcPacing& pacing) const
{
    if (m_settings.dsmcPath.isEmpty())
        throw Error(missingClientMessage(m_settings));
    DsmcInvocation invocation;
    invocation.program = m_settings.dsmcPath;
    invocation.arguments = arguments;
    invocation.password = m_settings.password;
    invocation.timeoutSeconds = timeoutSeconds > 0 ? timeoutSeconds : m_settings.timeoutSeconds;
    invocation.control = control;
    invocation.pacing = pacing;
    qint64 reportedBytes = 0;
    if (control) {
        control->log(
            QStringLiteral("Running %1 %2").arg(m_settings.dsmcPath, arguments.join(u' ')));
        if (!phase.isEmpty())
            control->setPhase(phase, 0);
        invocation.onLine = [control, &reportedBytes](const QString& line) {
            if (line.trimmed().isEmpty())
                return;
            control->log(QStringLiteral("dsmc: %1").arg(line.trimmed()));
            // Bytes as dsmc reports them (summary, or verbose progress lines).
            static const QString transferred = QStringLiteral("bytes transferred");
            const qsizetype at = line.indexOf(transferred, 0, Qt::CaseInsensitive);
            if (at >= 0) {
                const qsizetype colon = line.indexOf(u':', at);
                if (colon > 0) {
                    const auto bytes = parseDsmcBytes(line.mid(colon + 1));
                    if (bytes && *bytes > reportedBytes) {
                        control->addBytesDone(*bytes - reportedBytes);
                        reportedBytes = *bytes;
                    }
                }
            }
        };
        // No byte counts while dsmc works quietly: report elapsed time.
        invocation.onTick = [control] { control->addBytesDone(0); };
    }
    DsmcResult result = runDsmc(invocation);
    if (control && pacing.bucket) {
        if (!result.pacingProblem.isEmpty())
            control->log(QStringLiteral("Bandwidth limit of backend %1 not applied: %2.")
                             .arg(m_settings.backendName, result.pacingProblem));
        else
            control->log(QStringLiteral("Bandwidth limit of backend %1: dsmc %2 %3 bytes and was "
                                        "held for %4 s to keep to it.")
                             .arg(m_settings.backendName,
                                  pacing.count == DsmcPacing::Count::BytesRead
                                      ? QStringLiteral("read")
                                      : QStringLiteral("wrote"),
                                  QString::number(result.pacedBytes),
                                  QString::number(double(result.heldMs) / 1000, 'f', 1)));
    }
    return result;
}

DsmcPacing TsmBackupDriver::pacing(DsmcPacing::Count count) const
{
    // The buckets of this backend in the process, which its other jobs
    // (TSM or not) share; looked up per run, so a changed limit applies.
    const BandwidthBuckets buckets = bandwidthBucketsFor(
        m_settings.backendName, m_settings.uploadLimit, m_settings.downloadLimit);
    DsmcPacing result;
    result.count = count;
    result.bucket = count == DsmcPacing::Count::BytesRead ? buckets.upload : buckets.download;
    return result;
}

QString TsmBackupDriver::failureMessage(const QString& action, const DsmcResult& result) const
{
    const QString errors = joinedErrors(result.output);
    if (result.passwordMissing)
        return QStringLiteral("%1 failed: dsmc asked for the TSM node password, but backend %2 "
                              "has none stored. Set PASSWORDACCESS GENERATE in dsm.sys and store "
                              "the password once (run `dsmc query session` as this user), or "
                              "save backup_tsm_password for this backend.")
            .arg(action, m_settings.backendName);
    if (result.passwordRefused || result.output.hasMessage(QStringLiteral("ANS1025E")))
        return QStringLiteral("%1 failed: the TSM server refused the node password (%2). Update "
                              "backup_tsm_password of backend %3 or the password stored by dsmc.")
            .arg(action, errors.isEmpty() ? QStringLiteral("ANS1025E") : errors,
                 m_settings.backendName);
    if (result.timedOut)
        return QStringLiteral("%1 failed: dsmc did not finish within %2 seconds "
                              "(ember_tsm_timeout_seconds of backend %3) and was stopped.")
            .arg(action, QString::number(result.timeoutSeconds), m_settings.backendName);
    if (result.crashed)
        return QStringLiteral("%1 failed: dsmc was killed by a signal.%2")
            .arg(action, errors.isEmpty() ? QString() : u' ' + errors);
    const QString code = describeReturnCode(result.exitCode);
    if (!errors.isEmpty())
        return QStringLiteral("%1 failed (dsmc %2): %3").arg(action, code, errors);
    QString lastLine;
    for (auto it = result.output.lines.crbegin(); it != result.output.lines.crend(); ++it) {
        if (!it->trimmed().isEmpty()) {
            lastLine = it->trimmed();
            break;
        }
    }
    return QStringLiteral("%1 failed (dsmc %2)%3")
        .arg(action, code,
             lastLine.isEmpty() ? QStringLiteral(", without output.")
                                : QStringLiteral(": %1").arg(lastLine));
}

void TsmBackupDriver::backup(BackupJob& job)
{
    OperationControl& control = job.control;
    if (job.parent || job.backup.isIncremental())
        throw Error(QStringLiteral("TSM backups are always full backups; --incremental is not "
                                   "available for backend %1.")
                        .arg(m_settings.backendName));
    const QString reason = cannotBackup(job.volume);
    if (!reason.isEmpty())
        throw Error(reason);
    control.throwIfCancelled();

    const QString realPath = canonicalPath(job.volume.path);
    const BackupMode mode =
        fileKind(realPath) == FileKind::Block ? BackupMode::Image : BackupMode::File;
    const QString linkName = QStringLiteral("%1-%2").arg(m_settings.volumePrefix, job.backup.id);
    const QString linkDir =
        mode == BackupMode::Image ? m_settings.imageLinkDir : QFileInfo(realPath).absolutePath();
    const TsmObject object{mode, linkDir + u'/' + linkName};

    // Recorded first, so a crashed run's leftovers can be found.
    job.backup.serviceMetadata = serviceMetadataJson(object);
    job.backup.container.clear();
    if (job.recordLocation)
        job.recordLocation(job.backup);

    DeviceLink link(object.path, realPath, mode == BackupMode::File && m_settings.fileHardLinks);
    QStringList arguments{QStringLiteral("backup")};
    if (mode == BackupMode::Image)
        arguments << QStringLiteral("image");
    arguments << QStringLiteral("-quiet")
              << (m_settings.compression ? QStringLiteral("-compression=yes")
                                         : QStringLiteral("-compression=no"))
              << commonOptions() << object.path;

    const DsmcResult result = run(arguments, &control, QStringLiteral("uploading"), 0,
                                  pacing(DsmcPacing::Count::BytesRead));
    const std::optional<qint64> backedUp =
        result.output.count(QStringLiteral("Total number of objects backed up"));
    const std::optional<qint64> failed =
        result.output.count(QStringLiteral("Total number of objects failed"));
    const bool succeeded = !result.cancelled && !result.timedOut && !result.crashed &&
                           !result.passwordMissing && !result.passwordRefused &&
                           (result.exitCode == 0 || result.exitCode == 4) && backedUp &&
                           *backedUp >= 1 && failed.value_or(0) == 0;
    if (!succeeded) {
        // A failed or stopped run may still have left an object version on
        // the server (one object per path name); remove it before reporting.
        QString problem;
        bool missing = false;
        if (!result.passwordMissing && !result.passwordRefused &&
            !deleteObject(object, nullptr, &problem, &missing))
            control.log(QStringLiteral("Could not remove what the failed TSM backup left: %1")
                            .arg(problem));
        if (result.cancelled)
            throw Cancelled();
        if (!result.timedOut && !result.crashed && (result.exitCode == 0 || result.exitCode == 4) &&
            joinedErrors(result.output).isEmpty())
            throw Error(QStringLiteral("TSM backup of %1 failed: dsmc (%2) reported %3 objects "
                                       "backed up and %4 failed; expected one backed up.")
                            .arg(job.volume.path, describeReturnCode(result.exitCode),
                                 backedUp ? QString::number(*backedUp) : QStringLiteral("no"),
                                 QString::number(failed.value_or(0))));
        throw Error(
            failureMessage(QStringLiteral("TSM backup of %1").arg(job.volume.path), result));
    }

    // A client that backs up a symbolic link as a link stores a few bytes,
    // not the volume: refuse such a "backup" rather than keep it.
    const std::optional<qint64> inspected =
        result.output.bytes(QStringLiteral("Total number of bytes inspected"));
    const qint64 volumeBytes = sizeOf(realPath);
    if (inspected && volumeBytes >= 4096 && *inspected < volumeBytes / 2) {
        QString problem;
        bool missing = false;
        deleteObject(object, nullptr, &problem, &missing);
        throw Error(QStringLiteral("TSM backup of %1 failed: dsmc read only %2 of its %3 bytes, so "
                                   "it backed up the link %4 itself, not the volume. Set "
                                   "ember_tsm_file_link to \"hardlink\" for backend %5 (as Cinder "
                                   "did before Stein).")
                        .arg(job.volume.path, QString::number(*inspected),
                             QString::number(volumeBytes), object.path, m_settings.backendName));
    }

    for (const QString& warning : result.output.warningLines)
        control.log(QStringLiteral("TSM warning: %1").arg(warning));
    job.backup.objectCount = 1;
    job.backup.storedBytes =
        result.output.bytes(QStringLiteral("Total number of bytes transferred")).value_or(0);
}

void TsmBackupDriver::restore(RestoreJob& job)
{
    OperationControl& control = job.control;
    if (job.chain.isEmpty())
        throw Error(QStringLiteral("Nothing to restore: the backup chain is empty."));
    const Backup& backup = job.chain.constLast();
    const TsmObject object = tsmObjectOf(backup, m_settings);
    control.throwIfCancelled();

    const QString realTarget = canonicalPath(job.target.path);
    const FileKind targetKind = fileKind(realTarget);
    if (targetKind == FileKind::Missing || targetKind == FileKind::Other)
        throw Error(QStringLiteral("Cannot restore TSM backup %1 into %2: it is not a block "
                                   "device or a regular file.")
                        .arg(backup.id, job.target.path));
    const QString linkName = QStringLiteral("%1-%2").arg(m_settings.volumePrefix, backup.id);
    const QString linkDir = object.mode == BackupMode::Image ? m_settings.imageLinkDir
                                                             : QFileInfo(realTarget).absolutePath();
    const QString linkPath = linkDir + u'/' + linkName;

    // When the restore link has the object's own name (image mode at /dev, or
    // a file restored beside its original), the old link is recreated to
    // point at the new target.
    DeviceLink link(linkPath, realTarget,
                    object.mode == BackupMode::File && m_settings.fileHardLinks);
    QStringList arguments{QStringLiteral("restore")};
    if (object.mode == BackupMode::Image)
        arguments << QStringLiteral("image") << QStringLiteral("-noprompt");
    else
        arguments << QStringLiteral("-replace=yes");
    arguments << QStringLiteral("-quiet") << commonOptions() << object.path << link.path();

    const DsmcResult result = run(arguments, &control, QStringLiteral("restoring"), 0,
                                  pacing(DsmcPacing::Count::BytesWritten));
    if (result.cancelled)
        throw Cancelled();
    const std::optional<qint64> restored =
        result.output.count(QStringLiteral("Total number of objects restored"));
    const bool succeeded =
        !result.timedOut && !result.crashed && !result.passwordMissing && !result.passwordRefused &&
        (result.exitCode == 0 || result.exitCode == 4) && restored && *restored == 1;
    const QString action = QStringLiteral("TSM restore of %1 (%2) into %3")
                               .arg(object.path, backup.id, job.target.path);
    if (!succeeded) {
        if (!result.timedOut && !result.crashed && (result.exitCode == 0 || result.exitCode == 4) &&
            joinedErrors(result.output).isEmpty())
            throw Error(QStringLiteral("%1 failed: dsmc (%2) reported %3 objects restored; "
                                       "expected exactly one.")
                            .arg(action, describeReturnCode(result.exitCode),
                                 restored ? QString::number(*restored) : QStringLiteral("no")));
        throw Error(failureMessage(action, result));
    }
    if (object.mode == BackupMode::File)
        link.moveReplacedFileToTarget();
    for (const QString& warning : result.output.warningLines)
        control.log(QStringLiteral("TSM warning: %1").arg(warning));
    job.device.flush();
}

bool TsmBackupDriver::deleteObject(const TsmObject& object, OperationControl* control,
                                   QString* problem, bool* wasMissing) const
{
    *wasMissing = false;
    const QStringList arguments =
        QStringList{QStringLiteral("delete"), QStringLiteral("backup"), QStringLiteral("-quiet"),
                    QStringLiteral("-noprompt"),
                    QStringLiteral("-objtype=%1").arg(toString(object.mode))}
        << commonOptions() << object.path;
    // Deleting is quick for the server; cleanup after a failure must not hang
    // for the whole data-transfer timeout.
    const DsmcResult result = run(arguments, control, QStringLiteral("deleting"),
                                  std::min(m_settings.timeoutSeconds, 600));
    const std::optional<qint64> deleted =
        result.output.count(QStringLiteral("Total number of objects deleted"));
    if (!result.cancelled && !result.timedOut && !result.crashed &&
        (result.exitCode == 0 || result.exitCode == 4) && deleted && *deleted >= 1)
        return true;
    // ANS1092W: "No files matching search criteria were found": already gone.
    if (!result.cancelled && !result.timedOut && result.output.errorLines.isEmpty() &&
        !result.passwordMissing && !result.passwordRefused &&
        (result.output.hasMessage(QStringLiteral("ANS1092W")) ||
         ((result.exitCode == 0 || result.exitCode == 4) && deleted && *deleted == 0))) {
        *wasMissing = true;
        return true;
    }
    if (result.cancelled) {
        *problem = QStringLiteral("cancelled");
        return false;
    }
    *problem = failureMessage(QStringLiteral("Deleting TSM object %1").arg(object.path), result);
    return false;
}

void TsmBackupDriver::remove(const Backup& backup, OperationControl& control)
{
    const TsmObject object = tsmObjectOf(backup, m_settings);
    control.throwIfCancelled();
    QString problem;
    bool missing = false;
    if (!deleteObject(object, &control, &problem, &missing)) {
        control.throwIfCancelled();
        throw Error(problem);
    }
    if (missing)
        control.log(QStringLiteral("TSM object %1 of backup %2 was not on the server any more.")
                        .arg(object.path, backup.id));
}

VerifyReport TsmBackupDriver::verify(const QList<Backup>& chain, OperationControl& control)
{
    VerifyReport report;
    if (chain.isEmpty())
        return report;
    const Backup& backup = chain.constLast();
    const TsmObject object = tsmObjectOf(backup, m_settings);
    const QStringList arguments =
        QStringList{QStringLiteral("query"), object.mode == BackupMode::Image
                                                 ? QStringLiteral("image")
                                                 : QStringLiteral("backup")}
        << commonOptions() << object.path;
    const DsmcResult result = run(arguments, &control, QStringLiteral("verifying"),
                                  std::min(m_settings.timeoutSeconds, 600));
    if (result.cancelled)
        throw Cancelled();

    // The object is listed on a line ending with its name; the size is the
    // first number with a unit on that line.
    QString listing;
    for (const QString& line : result.output.lines) {
        if (line.trimmed().endsWith(object.path) && dsmcMessageId(line).isEmpty()) {
            listing = line;
            break;
        }
    }
    if (!listing.isEmpty()) {
        report.objectsChecked = 1;
        control.log(QStringLiteral("TSM lists %1: %2").arg(object.path, listing.simplified()));
        control.log(QStringLiteral("TSM cannot check the contents of a backup without restoring "
                                   "it: only the object's presence was verified. Restore it to a "
                                   "scratch volume to compare the data."));
        return report;
    }
    if (result.output.hasMessage(QStringLiteral("ANS1092W")) ||
        (result.exitCode >= 0 && result.exitCode <= 8 && result.output.errorLines.isEmpty() &&
         !result.timedOut && !result.passwordMissing && !result.passwordRefused))
        report.problems << QStringLiteral("The TSM server has no %1 backup named %2 (backup %3).")
                               .arg(toString(object.mode), object.path, backup.id);
    else
        report.problems << failureMessage(QStringLiteral("Querying TSM object %1").arg(object.path),
                                          result);
    return report;
}

void TsmBackupDriver::removeLeftovers(const Backup& backup)
{
    TsmObject object;
    try {
        object = tsmObjectOf(backup, m_settings);
    } catch (const Error&) {
        return; // nothing we can name
    }
    // The image link lives in the configured directory, whatever name the
    // object has on the server.
    const QString imageLink =
        m_settings.imageLinkDir + QStringLiteral("/%1-%2").arg(m_settings.volumePrefix, backup.id);
    const QString linkName = QStringLiteral("%1-%2").arg(m_settings.volumePrefix, backup.id);
    for (const QString& link : {object.path, imageLink}) {
        if (QFileInfo(link).fileName() != linkName)
            continue;
        // A hard link (ember_tsm_file_link=hardlink) is a second name of the
        // volume: removing that name leaves the volume alone.
        struct stat info;
        const bool secondName = ::lstat(QFile::encodeName(link).constData(), &info) == 0 &&
                                S_ISREG(info.st_mode) && info.st_nlink > 1;
        if (isSymlink(link) || secondName)
            ::unlink(QFile::encodeName(link).constData());
    }
    if (m_settings.dsmcPath.isEmpty())
        return;
    QString problem;
    bool missing = false;
    deleteObject(object, nullptr, &problem, &missing);
}

} // namespace ember::tsm
