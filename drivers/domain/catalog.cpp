#include "catalog.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSet>
#include <QTimeZone>

#include <QCryptographicHash>
#include <QDirIterator>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcCatalog, "ember.catalog")

namespace ember {

namespace {

// Schema migrations, applied in order, one transaction each; user_version
// counts how many have been applied.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE volumes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    backend_name TEXT,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    previous_status TEXT,
    created_at TEXT,
    updated_at TEXT,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX volumes_path ON volumes(path);
CREATE TABLE backends (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at TEXT
);
CREATE TABLE backups (
    id TEXT PRIMARY KEY,
    user_id TEXT,
    project_id TEXT,
    volume_id TEXT,
    host TEXT,
    availability_zone TEXT,
    display_name TEXT,
    display_description TEXT,
    container TEXT,
    parent_id TEXT,
    status TEXT NOT NULL,
    fail_reason TEXT,
    service_metadata TEXT,
    service TEXT,
    size INTEGER NOT NULL DEFAULT 0,
    object_count INTEGER NOT NULL DEFAULT 0,
    temp_volume_id TEXT,
    temp_snapshot_id TEXT,
    num_dependent_backups INTEGER NOT NULL DEFAULT 0,
    snapshot_id TEXT,
    data_timestamp TEXT,
    restore_volume_id TEXT,
    encryption_key_id TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT,
    updated_at TEXT,
    deleted_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    backend_name TEXT,
    volume_size_bytes INTEGER NOT NULL DEFAULT 0,
    stored_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX backups_volume ON backups(volume_id, deleted);
CREATE INDEX backups_parent ON backups(parent_id, deleted);
CREATE TABLE volume_jobs (
    volume_id TEXT PRIMARY KEY,
    operation TEXT NOT NULL,
    backup_id TEXT,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL
);
)sql",
    // What a local volume is, independent of the path it was registered by
    // ("file:DEV:INODE", "block:MAJOR:MINOR", "rbd:CLUSTER/POOL/NS/IMAGE-ID"),
    // so two paths to one file cannot be two volumes.
    R"sql(
ALTER TABLE volumes ADD COLUMN identity TEXT NOT NULL DEFAULT '';
CREATE INDEX volumes_identity ON volumes(identity);
)sql",
    // The file lock a job holds (see VolumeJobLock): what decides whether the
    // job still runs. Rows without one are from before and count as stale.
    R"sql(
ALTER TABLE volume_jobs ADD COLUMN lock_key TEXT NOT NULL DEFAULT '';
)sql",
    // Retention: protected backups, synthetic fulls (the backup whose state
    // they hold), policies per volume and per backend (RetentionPolicy's JSON),
    // the record of what prunes did, and sampled verification (when each
    // object was last found intact, and each backup's last result).
    R"sql(
ALTER TABLE backups ADD COLUMN protected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE backups ADD COLUMN synthesized_from TEXT NOT NULL DEFAULT '';
CREATE TABLE retention_policies (
    scope TEXT PRIMARY KEY,
    policy TEXT NOT NULL,
    updated_at TEXT
);
CREATE TABLE prune_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT,
    volume_id TEXT,
    backup_id TEXT,
    action TEXT,
    detail TEXT,
    policy TEXT
);
CREATE INDEX prune_log_volume ON prune_log(volume_id);
CREATE TABLE verified_objects (
    backup_id TEXT,
    object TEXT,
    verified_at TEXT,
    PRIMARY KEY (backup_id, object)
);
CREATE TABLE verify_results (
    backup_id TEXT PRIMARY KEY,
    checked_at TEXT,
    ok INTEGER,
    problem TEXT,
    sample_percent INTEGER,
    objects_checked INTEGER,
    objects_total INTEGER
);
)sql",
    // Schedules (volume_ids is a JSON array; last_occurrence NULL until the
    // first run), the job history (log last: lists that skip it never read
    // its overflow pages; boot_id tells a job of an earlier boot, whose pid
    // may be reused) and settings shared by every Ember process.
    R"sql(
CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    volume_ids TEXT NOT NULL DEFAULT '[]',
    calendar TEXT NOT NULL,
    backend_name TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT 'incremental',
    full_every INTEGER NOT NULL DEFAULT 0,
    full_every_days INTEGER NOT NULL DEFAULT 0,
    apply_retention INTEGER NOT NULL DEFAULT 1,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at TEXT,
    updated_at TEXT,
    last_occurrence TEXT
);
CREATE TABLE job_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    volume_id TEXT NOT NULL DEFAULT '',
    volume_name TEXT NOT NULL DEFAULT '',
    backup_id TEXT NOT NULL DEFAULT '',
    backend_name TEXT NOT NULL DEFAULT '',
    schedule_id TEXT NOT NULL DEFAULT '',
    cloud TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    finished_at TEXT,
    bytes_read INTEGER NOT NULL DEFAULT 0,
    bytes_stored INTEGER NOT NULL DEFAULT 0,
    bytes_per_second REAL NOT NULL DEFAULT 0,
    result TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL DEFAULT 0,
    boot_id TEXT NOT NULL DEFAULT '',
    log TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_history_started ON job_history(started_at);
CREATE INDEX job_history_volume ON job_history(volume_id, started_at);
CREATE INDEX job_history_result ON job_history(result, started_at);
CREATE INDEX job_history_schedule ON job_history(schedule_id, started_at);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
)sql",
    // S3 Object Lock: until when every object of a backup is locked against
    // deletion (NULL = not locked) and the lock's mode (GOVERNANCE, COMPLIANCE).
    R"sql(
ALTER TABLE backups ADD COLUMN immutable_until TEXT;
ALTER TABLE backups ADD COLUMN immutable_mode TEXT NOT NULL DEFAULT '';
)sql",
    // Encryption at rest: the scheme ('' = stored in the clear) and the
    // fingerprint of the master key that wraps the backup's data key.
    R"sql(
ALTER TABLE backups ADD COLUMN encryption TEXT NOT NULL DEFAULT '';
ALTER TABLE backups ADD COLUMN encryption_key TEXT NOT NULL DEFAULT '';
)sql",
};

QString storedTime(const QDateTime& time)
{
    if (!time.isValid())
        return {};
    return time.toUTC().toString(Qt::ISODateWithMs);
}

// storedTime's exact form, yyyy-MM-ddTHH:mm:ss.zzzZ, read without the general
// ISO parser: lists of many jobs read two times a row. Invalid when the text
// has another form.
QDateTime storedFormTime(const QString& text)
{
    if (text.size() != 24 || text.at(4) != QLatin1Char('-') || text.at(7) != QLatin1Char('-') ||
        text.at(10) != QLatin1Char('T') || text.at(13) != QLatin1Char(':') ||
        text.at(16) != QLatin1Char(':') || text.at(19) != QLatin1Char('.') ||
        text.at(23) != QLatin1Char('Z'))
        return {};
    bool digits = true;
    auto number = [&](int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; ++i) {
            const char16_t c = text.at(i).unicode();
            digits = digits && c >= u'0' && c <= u'9';
            value = value * 10 + int(c - u'0');
        }
        return value;
    };
    const QDate date(number(0, 4), number(5, 2), number(8, 2));
    const QTime time(number(11, 2), number(14, 2), number(17, 2), number(20, 3));
    if (!digits || !date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, Qt::UTC);
}

QDateTime loadedTime(const QString& text)
{
    if (text.isEmpty())
        return {};
    if (const QDateTime stored = storedFormTime(text); stored.isValid())
        return stored;
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = parseCinderTime(text);
    return time.toUTC();
}

QString jsonText(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QString& text)
{
    if (text.isEmpty())
        return {};
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

// The failure of the last call on `db`, in words for the user.
QString failure(sqlite3* db)
{
    if ((sqlite3_errcode(db) & 0xff) == SQLITE_BUSY ||
        (sqlite3_errcode(db) & 0xff) == SQLITE_LOCKED)
        return QStringLiteral("the catalog %1 is busy: another Ember process (GUI or ember-cli) "
                              "kept it locked for more than 10 seconds; try again")
            .arg(QString::fromUtf8(sqlite3_db_filename(db, "main")));
    return QString::fromUtf8(sqlite3_errmsg(db));
}

// A prepared statement; columns and parameters by index from 1 / 0.
class Statement
{
public:
    Statement(sqlite3* db, const char* sql) : m_db(db)
    {
        if (sqlite3_prepare_v2(db, sql, -1, &m_statement, nullptr) != SQLITE_OK)
            throw Error(QStringLiteral("Catalog query failed to prepare: %1").arg(failure(db)));
    }
    ~Statement() { sqlite3_finalize(m_statement); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, const QString& text)
    {
        if (text.isNull()) {
            sqlite3_bind_null(m_statement, index);
        } else {
            const QByteArray utf8 = text.toUtf8();
            sqlite3_bind_text(m_statement, index, utf8.constData(), int(utf8.size()),
                              SQLITE_TRANSIENT);
        }
        return *this;
    }
    // Empty optional text is stored as NULL, as Cinder's nullable columns.
    Statement& bindNullable(int index, const QString& text)
    {
        return text.isEmpty() ? bind(index, QString()) : bind(index, text);
    }
    Statement& bind(int index, qint64 value)
    {
        sqlite3_bind_int64(m_statement, index, value);
        return *this;
    }
    Statement& bind(int index, const QDateTime& time) { return bind(index, storedTime(time)); }
    // Not an overload of bind: an int argument would be ambiguous.
    Statement& bindReal(int index, double value)
    {
        sqlite3_bind_double(m_statement, index, value);
        return *this;
    }

    // True while there is a row.
    bool step()
    {
        const int rc = sqlite3_step(m_statement);
        if (rc == SQLITE_ROW)
            return true;
        if (rc == SQLITE_DONE)
            return false;
        throw Error(QStringLiteral("Catalog query failed: %1").arg(failure(m_db)));
    }
    void run()
    {
        while (step()) {
        }
    }
    // Ready to run again; the bindings stay.
    void reset() { sqlite3_reset(m_statement); }

    QString text(int column) const
    {
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
        if (!data)
            return {};
        return QString::fromUtf8(data, sqlite3_column_bytes(m_statement, column));
    }
    qint64 integer(int column) const { return sqlite3_column_int64(m_statement, column); }
    double real(int column) const { return sqlite3_column_double(m_statement, column); }
    QDateTime time(int column) const { return loadedTime(text(column)); }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_statement = nullptr;
};

void execute(sqlite3* db, const char* sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        const QString text = failure(db);
        sqlite3_free(message);
        throw Error(QStringLiteral("Catalog statement failed: %1").arg(text));
    }
}

qint64 pragmaInteger(sqlite3* db, const char* sql)
{
    Statement statement(db, sql);
    return statement.step() ? statement.integer(0) : 0;
}

const char* const kVolumeColumns =
    "id, name, kind, path, backend_name, size_bytes, status, previous_status, created_at, "
    "updated_at, metadata, identity";

Volume readVolume(const Statement& row)
{
    Volume volume;
    volume.id = row.text(0);
    volume.name = row.text(1);
    volume.kind = volumeKindFromString(row.text(2));
    volume.path = row.text(3);
    volume.backendName = row.text(4);
    volume.sizeBytes = row.integer(5);
    volume.status = row.text(6);
    volume.previousStatus = row.text(7);
    volume.createdAt = row.time(8);
    volume.updatedAt = row.time(9);
    volume.metadata = jsonObject(row.text(10));
    volume.identity = row.text(11);
    return volume;
}

const char* const kBackupColumns =
    "id, user_id, project_id, volume_id, host, availability_zone, display_name, "
    "display_description, container, parent_id, status, fail_reason, service_metadata, service, "
    "size, object_count, temp_volume_id, temp_snapshot_id, num_dependent_backups, snapshot_id, "
    "data_timestamp, restore_volume_id, encryption_key_id, metadata, created_at, updated_at, "
    "deleted_at, deleted, backend_name, volume_size_bytes, stored_bytes, protected, "
    "synthesized_from, immutable_until, immutable_mode, encryption, encryption_key";

Backup readBackup(const Statement& row)
{
    Backup b;
    b.id = row.text(0);
    b.userId = row.text(1);
    b.projectId = row.text(2);
    b.volumeId = row.text(3);
    b.host = row.text(4);
    b.availabilityZone = row.text(5);
    b.displayName = row.text(6);
    b.displayDescription = row.text(7);
    b.container = row.text(8);
    b.parentId = row.text(9);
    b.status = row.text(10);
    b.failReason = row.text(11);
    b.serviceMetadata = row.text(12);
    b.service = row.text(13);
    b.size = row.integer(14);
    b.objectCount = row.integer(15);
    b.tempVolumeId = row.text(16);
    b.tempSnapshotId = row.text(17);
    b.numDependentBackups = row.integer(18);
    b.snapshotId = row.text(19);
    b.dataTimestamp = row.time(20);
    b.restoreVolumeId = row.text(21);
    b.encryptionKeyId = row.text(22);
    b.metadata = jsonObject(row.text(23));
    b.createdAt = row.time(24);
    b.updatedAt = row.time(25);
    b.deletedAt = row.time(26);
    b.deleted = row.integer(27) != 0;
    b.backendName = row.text(28);
    b.volumeSizeBytes = row.integer(29);
    b.storedBytes = row.integer(30);
    b.isProtected = row.integer(31) != 0;
    b.synthesizedFrom = row.text(32);
    b.immutableUntil = row.time(33);
    b.immutableMode = row.text(34);
    b.encryption = row.text(35);
    b.encryptionKeyFingerprint = row.text(36);
    return b;
}

// Binds every backup column in kBackupColumns order, starting at index 1.
void bindBackup(Statement& s, const Backup& b)
{
    s.bind(1, b.id)
        .bindNullable(2, b.userId)
        .bindNullable(3, b.projectId)
        .bindNullable(4, b.volumeId)
        .bindNullable(5, b.host)
        .bindNullable(6, b.availabilityZone)
        .bindNullable(7, b.displayName)
        .bindNullable(8, b.displayDescription)
        .bindNullable(9, b.container)
        .bindNullable(10, b.parentId)
        .bind(11, b.status)
        .bindNullable(12, b.failReason.left(255)) // Cinder cuts fail_reason to 255
        .bindNullable(13, b.serviceMetadata)
        .bindNullable(14, b.service)
        .bind(15, b.size)
        .bind(16, b.objectCount)
        .bindNullable(17, b.tempVolumeId)
        .bindNullable(18, b.tempSnapshotId)
        .bind(19, b.numDependentBackups)
        .bindNullable(20, b.snapshotId)
        .bind(21, b.dataTimestamp)
        .bindNullable(22, b.restoreVolumeId)
        .bindNullable(23, b.encryptionKeyId)
        .bind(24, jsonText(b.metadata))
        .bind(25, b.createdAt)
        .bind(26, b.updatedAt)
        .bind(27, b.deletedAt)
        .bind(28, qint64(b.deleted ? 1 : 0))
        .bindNullable(29, b.backendName)
        .bind(30, b.volumeSizeBytes)
        .bind(31, b.storedBytes)
        .bind(32, qint64(b.isProtected ? 1 : 0))
        .bind(33, b.synthesizedFrom.isNull() ? QStringLiteral("") : b.synthesizedFrom)
        .bind(34, b.immutableUntil)
        .bind(35, b.immutableMode.isNull() ? QStringLiteral("") : b.immutableMode)
        .bind(36, b.encryption.isNull() ? QStringLiteral("") : b.encryption)
        .bind(37, b.encryptionKeyFingerprint.isNull() ? QStringLiteral("")
                                                      : b.encryptionKeyFingerprint);
}

// A backup's sampled-verification rows, which describe objects that go with it.
void removeVerification(sqlite3* db, const QString& backupId)
{
    Statement objects(db, "DELETE FROM verified_objects WHERE backup_id = ?");
    objects.bind(1, backupId);
    objects.run();
    Statement result(db, "DELETE FROM verify_results WHERE backup_id = ?");
    result.bind(1, backupId);
    result.run();
}

const char* const kVerifyResultColumns =
    "backup_id, checked_at, ok, problem, sample_percent, objects_checked, objects_total";

VerifyResult readVerifyResult(const Statement& row)
{
    VerifyResult result;
    result.backupId = row.text(0);
    result.checkedAt = row.time(1);
    result.ok = row.integer(2) != 0;
    result.problem = row.text(3);
    result.samplePercent = int(row.integer(4));
    result.objectsChecked = row.integer(5);
    result.objectsTotal = row.integer(6);
    return result;
}

const char* const kBackendColumns = "name, type, options, is_default, created_at";

BackendConfig readBackend(const Statement& row)
{
    BackendConfig backend;
    backend.name = row.text(0);
    backend.type = row.text(1);
    backend.options = jsonObject(row.text(2));
    backend.isDefault = row.integer(3) != 0;
    backend.createdAt = row.time(4);
    return backend;
}

// Text columns declared NOT NULL take '' for an unset string.
QString orEmpty(const QString& text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

const char* const kScheduleColumns =
    "id, name, volume_ids, calendar, backend_name, mode, full_every, full_every_days, "
    "apply_retention, enabled, created_at, updated_at, last_occurrence";

Schedule readSchedule(const Statement& row)
{
    Schedule schedule;
    schedule.id = row.text(0);
    schedule.name = row.text(1);
    const QJsonArray volumeIds = QJsonDocument::fromJson(row.text(2).toUtf8()).array();
    for (const QJsonValue& volumeId : volumeIds)
        schedule.volumeIds << volumeId.toString();
    schedule.calendar = row.text(3);
    schedule.backendName = row.text(4);
    schedule.mode = scheduleModeFromText(row.text(5));
    schedule.fullEvery = int(row.integer(6));
    schedule.fullEveryDays = int(row.integer(7));
    schedule.applyRetention = row.integer(8) != 0;
    schedule.enabled = row.integer(9) != 0;
    schedule.createdAt = row.time(10);
    schedule.updatedAt = row.time(11);
    schedule.lastOccurrence = row.time(12);
    return schedule;
}

QString volumeIdsText(const QStringList& volumeIds)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(volumeIds)).toJson(QJsonDocument::Compact));
}

// Binds every schedule column in kScheduleColumns order, starting at index 1.
void bindSchedule(Statement& s, const Schedule& schedule)
{
    s.bind(1, schedule.id)
        .bind(2, schedule.name)
        .bind(3, volumeIdsText(schedule.volumeIds))
        .bind(4, schedule.calendar)
        .bind(5, orEmpty(schedule.backendName))
        .bind(6, scheduleModeText(schedule.mode))
        .bind(7, qint64(schedule.fullEvery))
        .bind(8, qint64(schedule.fullEveryDays))
        .bind(9, qint64(schedule.applyRetention ? 1 : 0))
        .bind(10, qint64(schedule.enabled ? 1 : 0))
        .bind(11, schedule.createdAt)
        .bind(12, schedule.updatedAt)
        .bind(13, schedule.lastOccurrence); // NULL when never: claims compare with IS
}

void requireValidSchedule(const Schedule& schedule)
{
    if (schedule.name.trimmed().isEmpty())
        throw Error(QStringLiteral("A schedule needs a name."));
    if (schedule.volumeIds.isEmpty())
        throw Error(
            QStringLiteral("Schedule %1 names no volume: give at least one.").arg(schedule.name));
    if (schedule.calendar.trimmed().isEmpty())
        throw Error(QStringLiteral("Schedule %1 needs a calendar expression (e.g. daily).")
                        .arg(schedule.name));
    if (schedule.fullEvery < 0 || schedule.fullEveryDays < 0)
        throw Error(QStringLiteral("Schedule %1: a full every N backups or days needs N >= 0 "
                                   "(0 = never).")
                        .arg(schedule.name));
}

// The job history's columns; the log comes last so that a list without it
// selects a constant in its place.
const char* const kJobColumnsWithoutLog =
    "id, kind, origin, title, volume_id, volume_name, backup_id, backend_name, schedule_id, "
    "cloud, started_at, finished_at, bytes_read, bytes_stored, bytes_per_second, result, "
    "reason, pid";

JobRecord readJob(const Statement& row)
{
    JobRecord job;
    job.id = row.integer(0);
    job.kind = row.text(1);
    job.origin = row.text(2);
    job.title = row.text(3);
    job.volumeId = row.text(4);
    job.volumeName = row.text(5);
    job.backupId = row.text(6);
    job.backendName = row.text(7);
    job.scheduleId = row.text(8);
    job.cloud = row.text(9);
    job.startedAt = row.time(10);
    job.finishedAt = row.time(11);
    job.bytesRead = row.integer(12);
    job.bytesStored = row.integer(13);
    job.bytesPerSecond = row.real(14);
    job.result = jobResultFromText(row.text(15));
    job.reason = row.text(16);
    job.pid = row.integer(17);
    job.log = row.text(18);
    return job;
}

// Binds the columns of kJobColumnsWithoutLog after id (from index 1), then the log.
void bindJob(Statement& s, const JobRecord& job)
{
    s.bind(1, orEmpty(job.kind))
        .bind(2, orEmpty(job.origin))
        .bind(3, orEmpty(job.title))
        .bind(4, orEmpty(job.volumeId))
        .bind(5, orEmpty(job.volumeName))
        .bind(6, orEmpty(job.backupId))
        .bind(7, orEmpty(job.backendName))
        .bind(8, orEmpty(job.scheduleId))
        .bind(9, orEmpty(job.cloud))
        .bind(10, job.startedAt)
        .bind(11, job.finishedAt)
        .bind(12, job.bytesRead)
        .bind(13, job.bytesStored)
        .bindReal(14, job.bytesPerSecond)
        .bind(15, jobResultText(job.result))
        .bind(16, orEmpty(job.reason))
        .bind(17, job.pid)
        .bind(18, orEmpty(job.log));
}

// This boot of the machine: a job recorded in another boot has ended,
// whatever process now has its pid.
QString currentBootId()
{
    static const QString bootId = [] {
        QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
        if (!file.open(QIODevice::ReadOnly))
            return QStringLiteral("");
        return QString::fromLatin1(file.readAll().trimmed());
    }();
    return bootId;
}

QString describeTime(const QDateTime& time)
{
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

template <typename Record>
QString describeCandidates(const QList<Record>& records,
                           const std::function<QString(const Record&)>& nameOf)
{
    QStringList lines;
    for (const Record& record : records) {
        const QString name = nameOf(record);
        lines << (name.isEmpty() ? record.id : QStringLiteral("%1 (%2)").arg(record.id, name));
    }
    return lines.join(QStringLiteral(", "));
}

// ---- files: locks, modes, damaged catalogs ----

QByteArray nativePath(const QString& path)
{
    return QFile::encodeName(path);
}

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// Private to the user whatever the umask. Fails quietly on files of others
// (a catalog shared on purpose keeps the modes its owner gave it).
void makePrivate(const QString& path, mode_t mode)
{
    ::chmod(nativePath(path).constData(), mode);
}

void makeCatalogFilesPrivate(const QString& databasePath)
{
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        const QString path = databasePath + QLatin1String(suffix);
        if (QFileInfo::exists(path))
            makePrivate(path, 0600);
    }
}

// Creates `path` as a directory (with its parents); a directory created here
// is 0700.
void makeDirectory(const QString& path, const QString& purpose)
{
    if (QFileInfo(path).isDir())
        return;
    if (!QDir().mkpath(path))
        throw Error(
            QStringLiteral("Cannot create the %1 %2: %3.").arg(purpose, path, systemError(errno)));
    makePrivate(path, 0700);
}

// Linux open file description locks: held per open file, so two opens in one
// process conflict too; dropped by the kernel when the holder dies.
bool setFileLock(int fd, short type, bool wait, const QString& path)
{
    struct flock lock = {};
    lock.l_type = type;
    lock.l_whence = SEEK_SET;
    while (::fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EACCES)
            return false;
        throw Error(QStringLiteral("Cannot lock %1: %2.").arg(path, systemError(errno)));
    }
    return true;
}

int openLockFile(const QString& path)
{
    const int fd = ::open(nativePath(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw Error(
            QStringLiteral("Cannot open the lock file %1: %2.").arg(path, systemError(errno)));
    return fd;
}

// The descriptor holding an exclusive lock on `path`, or -1 when another
// holds it.
int tryLockFile(const QString& path)
{
    // A backup's lock file is removed by its last holder (see
    // VolumeJobLock::release): a lock taken on a file no longer at `path`
    // guards nothing, so take the one that is there now.
    for (int attempt = 0; attempt < 100; ++attempt) {
        const int fd = openLockFile(path);
        try {
            if (!setFileLock(fd, F_WRLCK, false, path)) {
                ::close(fd);
                return -1;
            }
        } catch (...) {
            ::close(fd);
            throw;
        }
        struct stat held = {};
        struct stat named = {};
        if (::fstat(fd, &held) == 0 && ::stat(nativePath(path).constData(), &named) == 0 &&
            held.st_dev == named.st_dev && held.st_ino == named.st_ino)
            return fd;
        ::close(fd);
    }
    throw Error(QStringLiteral("Cannot lock %1: it is replaced all the time.").arg(path));
}

// True if any open file (of any process, this one included) holds a lock on
// `path`. Only looks: takes nothing, so it never makes a job look busy.
bool fileLockHeld(const QString& path)
{
    const int fd = ::open(nativePath(path).constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false; // never locked
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    const int rc = ::fcntl(fd, F_OFD_GETLK, &lock);
    ::close(fd);
    return rc == 0 && lock.l_type != F_UNLCK;
}

QString locksDirectory(const QString& databasePath)
{
    return QFileInfo(databasePath).absolutePath() + QStringLiteral("/locks");
}

// Held shared by every open Catalog; catalog-restore needs it exclusively.
QString openLockPath(const QString& databasePath)
{
    return locksDirectory(databasePath) + QStringLiteral("/catalog-open.lock");
}

QString fileTimestamp(const QDateTime& time)
{
    return time.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
}

QString damagedCatalogMessage(const QString& databasePath, const QString& what)
{
    return QStringLiteral(
               "The catalog %1 %2. Ember does not start on it and does not replace it with an "
               "empty catalog, so no backup record is lost unnoticed. To recover: list the "
               "automatic copies with 'ember-cli catalog-copies' and restore one with "
               "'ember-cli catalog-restore COPY' (they are in %3); or move %1 away and rebuild "
               "the entries from a backend's files with 'ember-cli backend-rescan BACKEND'.")
        .arg(databasePath, what, Catalog::copiesDirectory(databasePath));
}

// Refuses an existing file that cannot be a catalog, before SQLite would
// treat an empty file as a new database.
void refuseDamagedFile(const QString& databasePath)
{
    QFile file(databasePath);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("Cannot open the catalog %1: %2.")
                        .arg(databasePath, file.errorString()));
    const QByteArray header = file.read(16);
    if (file.size() == 0)
        throw Error(damagedCatalogMessage(databasePath, QStringLiteral("is empty (0 bytes)")));
    if (header != QByteArray("SQLite format 3", 16))
        throw Error(damagedCatalogMessage(
            databasePath, QStringLiteral("is not an SQLite database (%1 bytes)").arg(file.size())));
}

// A new catalog appears complete or not at all: written under a temporary
// name, then linked into place (a process starting at the same moment sees
// either no file or a valid one, never an empty file it would refuse).
void createEmptyDatabase(const QString& databasePath)
{
    const QString temporary =
        QStringLiteral("%1.new-%2-%3")
            .arg(databasePath)
            .arg(::getpid())
            .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(nativePath(temporary).constData(), &db, flags, nullptr);
    QString reason;
    if (rc == SQLITE_OK) {
        // Any header write makes the file a database; 'Embr' names its use.
        rc = sqlite3_exec(db, "PRAGMA application_id=1164796530", nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK)
            reason = QString::fromUtf8(sqlite3_errmsg(db));
    } else {
        reason = QString::fromUtf8(db ? sqlite3_errmsg(db) : "out of memory");
    }
    sqlite3_close(db);
    if (rc != SQLITE_OK) {
        QFile::remove(temporary);
        throw Error(QStringLiteral("Cannot create the catalog %1: %2").arg(databasePath, reason));
    }
    makePrivate(temporary, 0600);
    if (::link(nativePath(temporary).constData(), nativePath(databasePath).constData()) != 0) {
        const int error = errno;
        if (error == EEXIST) {
            // Another process created it meanwhile: use that one.
        } else if ((error == EPERM || error == EOPNOTSUPP) && !QFileInfo::exists(databasePath)) {
            // No hard links on this file system: a rename is nearly as good.
            if (::rename(nativePath(temporary).constData(), nativePath(databasePath).constData()) ==
                0)
                return;
        } else {
            QFile::remove(temporary);
            throw Error(QStringLiteral("Cannot create the catalog %1: %2.")
                            .arg(databasePath, systemError(error)));
        }
    }
    QFile::remove(temporary);
}

// The copies directory's files, newest first.
const QRegularExpression& copyNamePattern()
{
    static const QRegularExpression pattern(QStringLiteral("^catalog-(\\d{8}T\\d{4}Z)\\.sqlite$"));
    return pattern;
}

} // namespace

struct Catalog::Statements
{
    std::recursive_mutex mutex;
};

// ---- VolumeJobLock ----

VolumeJobLock::VolumeJobLock(VolumeJobLock&& other) noexcept
    : m_catalog(other.m_catalog), m_volumeId(std::move(other.m_volumeId)),
      m_lockFiles(std::move(other.m_lockFiles)),
      m_removeOnRelease(std::move(other.m_removeOnRelease))
{
    other.m_catalog = nullptr;
    other.m_volumeId.clear();
    other.m_lockFiles.clear();
    other.m_removeOnRelease.clear();
}

VolumeJobLock& VolumeJobLock::operator=(VolumeJobLock&& other) noexcept
{
    if (this != &other) {
        release();
        m_catalog = other.m_catalog;
        m_volumeId = std::move(other.m_volumeId);
        m_lockFiles = std::move(other.m_lockFiles);
        m_removeOnRelease = std::move(other.m_removeOnRelease);
        other.m_catalog = nullptr;
        other.m_volumeId.clear();
        other.m_lockFiles.clear();
        other.m_removeOnRelease.clear();
    }
    return *this;
}

VolumeJobLock::~VolumeJobLock()
{
    release();
}

void VolumeJobLock::release()
{
    if (m_catalog && !m_volumeId.isEmpty()) {
        try {
            m_catalog->releaseLock(m_volumeId);
        } catch (const std::exception&) {
            // The row is stale once the file lock is gone; the next start removes it.
        }
    }
    // Only after the row (and, before it, the job's final state) is committed.
    // A backup's lock file goes with its job (one per backup would pile
    // up); removed while still held, so nobody can hold it unnoticed.
    for (const QString& path : std::as_const(m_removeOnRelease))
        ::unlink(QFile::encodeName(path).constData());
    m_removeOnRelease.clear();
    for (const int fd : std::as_const(m_lockFiles))
        ::close(fd);
    const bool endedJob = m_catalog && !m_lockFiles.isEmpty();
    m_lockFiles.clear();
    if (endedJob) {
        // Every job ends here: the catalog as it now is goes into the copies.
        try {
            m_catalog->snapshotCopy();
        } catch (const std::exception& error) {
            // A missing copy must not fail a job; the next job makes one.
            qCDebug(lcCatalog) << "no catalog copy:" << error.what();
        }
    }
    m_catalog = nullptr;
    m_volumeId.clear();
}

// ---- Catalog ----

Catalog::Catalog(const QString& databasePath)
    : m_path(databasePath), m_statements(std::make_unique<Statements>())
{
    const QFileInfo info(databasePath);
    makeDirectory(info.absolutePath(), QStringLiteral("catalog directory"));
    makeDirectory(locksDirectory(databasePath), QStringLiteral("lock directory"));
    makePrivate(locksDirectory(databasePath), 0700); // Ember's own, whoever made it wider
    // Shared with every other open catalog; a catalog-restore waits for none
    // and is refused while this is held.
    m_openLock = openLockFile(openLockPath(databasePath));
    try {
        setFileLock(m_openLock, F_RDLCK, true, openLockPath(databasePath));
        if (QFileInfo::exists(databasePath))
            refuseDamagedFile(databasePath);
        else
            createEmptyDatabase(databasePath);
    } catch (...) {
        ::close(m_openLock);
        throw;
    }
    makeCatalogFilesPrivate(databasePath);
    // No SQLITE_OPEN_CREATE: a file that vanished since is an error, not a new catalog.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(QFile::encodeName(databasePath).constData(), &m_db, flags, nullptr) !=
        SQLITE_OK) {
        const QString reason = QString::fromUtf8(m_db ? sqlite3_errmsg(m_db) : "out of memory");
        sqlite3_close(m_db);
        m_db = nullptr;
        ::close(m_openLock);
        throw Error(QStringLiteral("Cannot open the catalog %1: %2").arg(databasePath, reason));
    }
    try {
        sqlite3_extended_result_codes(m_db, 1);
        // Another process (GUI or CLI) may hold the write lock for a moment.
        sqlite3_busy_timeout(m_db, 10000);
        // The first read parses the header and schema: a damaged file fails here.
        if (sqlite3_exec(m_db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) !=
            SQLITE_OK) {
            const int code = sqlite3_errcode(m_db) & 0xff;
            if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
                throw Error(damagedCatalogMessage(
                    databasePath, QStringLiteral("is damaged (%1)")
                                      .arg(QString::fromUtf8(sqlite3_errmsg(m_db)))));
            throw Error(
                QStringLiteral("Cannot read the catalog %1: %2").arg(databasePath, failure(m_db)));
        }
        {
            Statement wal(m_db, "PRAGMA journal_mode=WAL");
            if (!wal.step() || wal.text(0).toLower() != QLatin1String("wal"))
                throw Error(QStringLiteral("The catalog %1 cannot use write-ahead logging "
                                           "(is it on a network file system?).")
                                .arg(databasePath));
        }
        execute(m_db, "PRAGMA synchronous=NORMAL");
        execute(m_db, "PRAGMA foreign_keys=ON");

        const int known = currentSchemaVersion();
        for (int version = schemaVersion(); version < known; version = schemaVersion()) {
            execute(m_db, "BEGIN IMMEDIATE");
            try {
                // Another process may have migrated while we waited for the lock.
                const int now = int(pragmaInteger(m_db, "PRAGMA user_version"));
                if (now == version) {
                    execute(m_db, kMigrations[version]);
                    const QByteArray bump =
                        "PRAGMA user_version=" + QByteArray::number(version + 1);
                    execute(m_db, bump.constData());
                }
                execute(m_db, "COMMIT");
            } catch (...) {
                sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
                throw;
            }
        }
        if (schemaVersion() > known)
            throw Error(QStringLiteral("The catalog %1 was written by a newer Ember (schema "
                                       "version %2; this version knows up to %3).")
                            .arg(databasePath)
                            .arg(schemaVersion())
                            .arg(known));
        // The -wal and -shm files exist from the first statement on (SQLite
        // gives later ones the database file's mode).
        makeCatalogFilesPrivate(databasePath);
    } catch (const Error&) {
        sqlite3_close(m_db);
        m_db = nullptr;
        ::close(m_openLock);
        throw;
    }
}

Catalog::~Catalog()
{
    if (m_db)
        sqlite3_close(m_db);
    if (m_openLock >= 0)
        ::close(m_openLock);
}

int Catalog::schemaVersion() const
{
    std::lock_guard guard(m_statements->mutex);
    return int(pragmaInteger(m_db, "PRAGMA user_version"));
}

int Catalog::currentSchemaVersion()
{
    return int(std::size(kMigrations));
}

void Catalog::transaction(const std::function<void()>& work)
{
    std::lock_guard guard(m_statements->mutex);
    if (m_transactionDepth > 0) {
        // Nested: a savepoint, so a failure caught by the outer work undoes
        // only the inner part.
        const QByteArray name = "nested" + QByteArray::number(m_transactionDepth);
        execute(m_db, ("SAVEPOINT " + name).constData());
        ++m_transactionDepth;
        try {
            work();
        } catch (...) {
            --m_transactionDepth;
            sqlite3_exec(m_db, ("ROLLBACK TO " + name).constData(), nullptr, nullptr, nullptr);
            sqlite3_exec(m_db, ("RELEASE " + name).constData(), nullptr, nullptr, nullptr);
            throw;
        }
        --m_transactionDepth;
        execute(m_db, ("RELEASE " + name).constData());
        return;
    }
    execute(m_db, "BEGIN IMMEDIATE");
    m_transactionDepth = 1;
    try {
        work();
        execute(m_db, "COMMIT");
    } catch (...) {
        m_transactionDepth = 0;
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    m_transactionDepth = 0;
    ++m_localWrites;
}

// ---- Volumes ----

QList<Volume> Catalog::volumes() const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, (QByteArray("SELECT ") + kVolumeColumns +
                       " FROM volumes ORDER BY name COLLATE NOCASE, created_at")
                          .constData());
    QList<Volume> result;
    while (s.step())
        result << readVolume(s);
    return result;
}

std::optional<Volume> Catalog::volume(const QString& id) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(
        m_db, (QByteArray("SELECT ") + kVolumeColumns + " FROM volumes WHERE id = ?").constData());
    s.bind(1, id);
    if (s.step())
        return readVolume(s);
    return std::nullopt;
}

std::optional<Volume> Catalog::volumeByPath(const QString& path) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, (QByteArray("SELECT ") + kVolumeColumns +
                       " FROM volumes WHERE path = ? ORDER BY created_at LIMIT 1")
                          .constData());
    s.bind(1, path);
    if (s.step())
        return readVolume(s);
    return std::nullopt;
}

void Catalog::insertVolume(const Volume& volume)
{
    if (volume.id.isEmpty())
        throw Error(QStringLiteral("A volume needs an ID."));
    transaction([&] {
        if (this->volume(volume.id))
            throw Error(QStringLiteral("A volume with ID %1 already exists.").arg(volume.id));
        for (const Volume& other : volumes()) {
            if (other.path == volume.path && other.kind == volume.kind &&
                other.backendName == volume.backendName)
                throw Error(QStringLiteral("%1 is already registered as volume %2 (%3).")
                                .arg(volume.path, other.name, other.id));
            if (!volume.identity.isEmpty() && other.identity == volume.identity)
                throw Error(QStringLiteral("%1 is the same %2 as volume %3 (%4), registered as "
                                           "%5; a volume can be registered only once")
                                .arg(volume.path,
                                     volume.kind == VolumeKind::Rbd ? QStringLiteral("image")
                                                                    : QStringLiteral("file"),
                                     other.name, other.id, other.path));
        }
        Statement s(m_db, (QByteArray("INSERT INTO volumes (") + kVolumeColumns +
                           ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
                              .constData());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        s.bind(1, volume.id)
            .bind(2, volume.name.isNull() ? QStringLiteral("") : volume.name)
            .bind(3, toString(volume.kind))
            .bind(4, volume.path)
            .bindNullable(5, volume.backendName)
            .bind(6, volume.sizeBytes)
            .bind(7, volume.status)
            .bindNullable(8, volume.previousStatus)
            .bind(9, volume.createdAt.isValid() ? volume.createdAt : now)
            .bind(10, volume.updatedAt)
            .bind(11, jsonText(volume.metadata))
            .bind(12, volume.identity.isNull() ? QStringLiteral("") : volume.identity);
        s.run();
    });
}

void Catalog::setVolumeIdentity(const QString& id, const QString& identity)
{
    transaction([&] {
        Statement s(m_db, "UPDATE volumes SET identity=? WHERE id=?");
        s.bind(1, identity.isNull() ? QStringLiteral("") : identity).bind(2, id);
        s.run();
    });
}

void Catalog::updateVolume(const Volume& volume)
{
    transaction([&] {
        Statement s(m_db, "UPDATE volumes SET name=?, kind=?, path=?, backend_name=?, "
                          "size_bytes=?, status=?, previous_status=?, created_at=?, "
                          "updated_at=?, metadata=?, identity=? WHERE id=?");
        s.bind(1, volume.name.isNull() ? QStringLiteral("") : volume.name)
            .bind(2, toString(volume.kind))
            .bind(3, volume.path)
            .bindNullable(4, volume.backendName)
            .bind(5, volume.sizeBytes)
            .bind(6, volume.status)
            .bindNullable(7, volume.previousStatus)
            .bind(8, volume.createdAt)
            .bind(9, QDateTime::currentDateTimeUtc())
            .bind(10, jsonText(volume.metadata))
            .bind(11, volume.identity.isNull() ? QStringLiteral("") : volume.identity)
            .bind(12, volume.id);
        s.run();
        if (sqlite3_changes(m_db) == 0)
            throw Error(QStringLiteral("No volume with ID %1 exists.").arg(volume.id));
    });
}

void Catalog::removeVolume(const QString& id)
{
    transaction([&] {
        if (isJobRunning(id)) {
            const Volume found = volume(id).value_or(Volume{});
            throw Error(QStringLiteral("Volume %1 is busy: a job is running on it.")
                            .arg(found.name.isEmpty() ? id : found.name));
        }
        Statement jobs(m_db, "DELETE FROM volume_jobs WHERE volume_id = ?");
        jobs.bind(1, id);
        jobs.run();
        Statement s(m_db, "DELETE FROM volumes WHERE id = ?");
        s.bind(1, id);
        s.run();
        if (sqlite3_changes(m_db) == 0)
            throw Error(QStringLiteral("No volume with ID %1 exists.").arg(id));
        // Schedules name only volumes that exist: a group loses the volume,
        // a schedule of it alone goes with it.
        for (Schedule schedule : schedules()) {
            if (!schedule.volumeIds.contains(id))
                continue;
            schedule.volumeIds.removeAll(id);
            if (schedule.volumeIds.isEmpty()) {
                removeSchedule(schedule.id);
                continue;
            }
            Statement edit(m_db, "UPDATE schedules SET volume_ids = ?1, updated_at = ?2 "
                                 "WHERE id = ?3");
            edit.bind(1, volumeIdsText(schedule.volumeIds))
                .bind(2, QDateTime::currentDateTimeUtc())
                .bind(3, schedule.id);
            edit.run();
        }
    });
}

Volume Catalog::resolveVolume(const QString& reference) const
{
    std::lock_guard guard(m_statements->mutex);
    const QString wanted = reference.trimmed();
    if (wanted.isEmpty())
        throw Error(QStringLiteral("No volume given: name a volume by its name or ID."));
    if (auto exact = volume(wanted))
        return *exact;
    QList<Volume> matches;
    for (const Volume& candidate : volumes()) {
        const bool byPrefix =
            wanted.size() >= 4 && candidate.id.startsWith(wanted, Qt::CaseInsensitive);
        if (byPrefix || candidate.name == wanted)
            matches << candidate;
    }
    if (matches.size() == 1)
        return matches.first();
    if (matches.isEmpty())
        throw Error(QStringLiteral("No volume with a name or ID of '%1' exists.").arg(wanted));
    throw Error(QStringLiteral("Multiple volumes match '%1': %2. Use an ID to be more specific.")
                    .arg(wanted, describeCandidates<Volume>(
                                     matches, [](const Volume& v) { return v.name; })));
}

// ---- Backups ----

QList<Backup> Catalog::backups(const BackupFilter& filter) const
{
    std::lock_guard guard(m_statements->mutex);
    QByteArray sql = QByteArray("SELECT ") + kBackupColumns + " FROM backups WHERE 1=1";
    if (!filter.includeDeleted)
        sql += " AND deleted = 0";
    if (!filter.volumeId.isEmpty())
        sql += " AND volume_id = ?1";
    if (!filter.status.isEmpty())
        sql += " AND status = ?2";
    if (!filter.name.isEmpty())
        sql += " AND display_name = ?3";
    // Newest first like Cinder; rowid keeps insertion order for equal (whole-second) times.
    sql += " ORDER BY created_at DESC, rowid DESC";
    Statement s(m_db, sql.constData());
    if (!filter.volumeId.isEmpty())
        s.bind(1, filter.volumeId);
    if (!filter.status.isEmpty())
        s.bind(2, filter.status);
    if (!filter.name.isEmpty())
        s.bind(3, filter.name);
    QList<Backup> result;
    while (s.step())
        result << readBackup(s);
    return result;
}

std::optional<Backup> Catalog::backup(const QString& id, bool includeDeleted) const
{
    std::lock_guard guard(m_statements->mutex);
    QByteArray sql = QByteArray("SELECT ") + kBackupColumns + " FROM backups WHERE id = ?";
    if (!includeDeleted)
        sql += " AND deleted = 0";
    Statement s(m_db, sql.constData());
    s.bind(1, id);
    if (s.step())
        return readBackup(s);
    return std::nullopt;
}

void Catalog::insertBackup(const Backup& backup)
{
    if (backup.id.isEmpty())
        throw Error(QStringLiteral("A backup needs an ID."));
    transaction([&] {
        if (this->backup(backup.id))
            throw Error(QStringLiteral("A backup with ID %1 already exists.").arg(backup.id));
        // Cinder revives a soft-deleted row on import: replace it.
        Statement remove(m_db, "DELETE FROM backups WHERE id = ? AND deleted = 1");
        remove.bind(1, backup.id);
        remove.run();
        Statement s(
            m_db,
            (QByteArray("INSERT INTO backups (") + kBackupColumns +
             ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                .constData());
        Backup stored = backup;
        if (!stored.createdAt.isValid())
            stored.createdAt = QDateTime::currentDateTimeUtc();
        bindBackup(s, stored);
        s.run();
        // A revived id is a new backup: nothing of it has been verified yet.
        removeVerification(m_db, backup.id);
    });
}

void Catalog::updateBackup(const Backup& backup)
{
    transaction([&] {
        Statement s(m_db, "UPDATE backups SET id=?1, user_id=?2, project_id=?3, volume_id=?4, "
                          "host=?5, availability_zone=?6, display_name=?7, "
                          "display_description=?8, container=?9, parent_id=?10, status=?11, "
                          "fail_reason=?12, service_metadata=?13, service=?14, size=?15, "
                          "object_count=?16, temp_volume_id=?17, temp_snapshot_id=?18, "
                          "num_dependent_backups=?19, snapshot_id=?20, data_timestamp=?21, "
                          "restore_volume_id=?22, encryption_key_id=?23, metadata=?24, "
                          "created_at=?25, updated_at=?26, deleted_at=?27, deleted=?28, "
                          "backend_name=?29, volume_size_bytes=?30, stored_bytes=?31, "
                          "protected=?32, synthesized_from=?33, immutable_until=?34, "
                          "immutable_mode=?35, encryption=?36, encryption_key=?37 WHERE id=?1");
        Backup stored = backup;
        stored.updatedAt = QDateTime::currentDateTimeUtc();
        bindBackup(s, stored);
        s.run();
        if (sqlite3_changes(m_db) == 0)
            throw Error(QStringLiteral("No backup with ID %1 exists.").arg(backup.id));
    });
}

void Catalog::softDeleteBackup(const QString& id)
{
    transaction([&] {
        Statement s(m_db, "UPDATE backups SET status='deleted', deleted=1, deleted_at=?1, "
                          "updated_at=?1 WHERE id=?2 AND deleted=0");
        s.bind(1, QDateTime::currentDateTimeUtc()).bind(2, id);
        s.run();
        if (sqlite3_changes(m_db) == 0)
            throw Error(QStringLiteral("No backup with ID %1 exists.").arg(id));
        removeVerification(m_db, id);
    });
}

Backup Catalog::resolveBackup(const QString& reference) const
{
    std::lock_guard guard(m_statements->mutex);
    const QString wanted = reference.trimmed();
    if (wanted.isEmpty())
        throw Error(QStringLiteral("No backup given: name a backup by its name or ID."));
    if (auto exact = backup(wanted))
        return *exact;
    QList<Backup> matches;
    for (const Backup& candidate : backups()) {
        const bool byPrefix =
            wanted.size() >= 4 && candidate.id.startsWith(wanted, Qt::CaseInsensitive);
        if (byPrefix || candidate.displayName == wanted)
            matches << candidate;
    }
    if (matches.size() == 1)
        return matches.first();
    if (matches.isEmpty())
        throw Error(QStringLiteral("No backup with a name or ID of '%1' exists.").arg(wanted));
    throw Error(QStringLiteral("Multiple backups match '%1': %2. Use an ID to be more specific.")
                    .arg(wanted, describeCandidates<Backup>(
                                     matches, [](const Backup& b) { return b.displayName; })));
}

QList<Backup> Catalog::children(const QString& id) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db,
                (QByteArray("SELECT ") + kBackupColumns +
                 " FROM backups WHERE parent_id = ? AND deleted = 0 ORDER BY created_at, rowid")
                    .constData());
    s.bind(1, id);
    QList<Backup> result;
    while (s.step())
        result << readBackup(s);
    return result;
}

void Catalog::setBackupProtected(const QString& id, bool isProtected)
{
    transaction([&] {
        Statement s(m_db, "UPDATE backups SET protected=?1, updated_at=?2 WHERE id=?3 AND "
                          "deleted=0");
        s.bind(1, qint64(isProtected ? 1 : 0)).bind(2, QDateTime::currentDateTimeUtc()).bind(3, id);
        s.run();
        if (sqlite3_changes(m_db) == 0)
            throw Error(QStringLiteral("No backup with ID %1 exists.").arg(id));
    });
}

// ---- Retention policies ----

QString Catalog::volumePolicyScope(const QString& volumeId)
{
    return QStringLiteral("volume:") + volumeId;
}

QString Catalog::backendPolicyScope(const QString& backendName)
{
    return QStringLiteral("backend:") + backendName;
}

namespace {

void requirePolicyScope(const QString& scope)
{
    const QString kind = scope.section(QLatin1Char(':'), 0, 0);
    const QString name = scope.section(QLatin1Char(':'), 1);
    if ((kind != QLatin1String("volume") && kind != QLatin1String("backend")) || name.isEmpty())
        throw Error(QStringLiteral("'%1' is not a retention policy scope: use volume:<ID> or "
                                   "backend:<name>.")
                        .arg(scope));
}

} // namespace

std::optional<RetentionPolicy> Catalog::retentionPolicy(const QString& scope) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, "SELECT policy FROM retention_policies WHERE scope = ?");
    s.bind(1, scope);
    if (!s.step())
        return std::nullopt;
    const QString text = s.text(0);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    QString problem;
    if (parseError.error != QJsonParseError::NoError)
        problem = parseError.errorString();
    else if (!document.isObject())
        problem = QStringLiteral("it is not a JSON object");
    if (problem.isEmpty()) {
        try {
            return RetentionPolicy::fromJson(document.object());
        } catch (const Error& error) {
            problem = error.message();
        }
    }
    throw Error(QStringLiteral("The retention policy of %1 in the catalog cannot be read (%2): "
                               "set that policy again or remove it.")
                    .arg(scope, problem));
}

void Catalog::setRetentionPolicy(const QString& scope, const std::optional<RetentionPolicy>& policy)
{
    requirePolicyScope(scope);
    transaction([&] {
        if (!policy) {
            Statement remove(m_db, "DELETE FROM retention_policies WHERE scope = ?");
            remove.bind(1, scope);
            remove.run();
            return;
        }
        // An empty policy is stored too: it keeps everything, overriding the
        // backend's default for a volume.
        Statement s(m_db, "INSERT INTO retention_policies (scope, policy, updated_at) "
                          "VALUES (?1,?2,?3) ON CONFLICT(scope) DO UPDATE SET "
                          "policy=?2, updated_at=?3");
        s.bind(1, scope)
            .bind(2, jsonText(policy->toJson()))
            .bind(3, QDateTime::currentDateTimeUtc());
        s.run();
    });
}

// ---- Prune log ----

void Catalog::appendPruneLog(const PruneLogEntry& entry)
{
    transaction([&] {
        Statement s(m_db, "INSERT INTO prune_log (at, volume_id, backup_id, action, detail, "
                          "policy) VALUES (?,?,?,?,?,?)");
        s.bind(1, entry.at.isValid() ? entry.at : QDateTime::currentDateTimeUtc())
            .bind(2, entry.volumeId.isNull() ? QStringLiteral("") : entry.volumeId)
            .bind(3, entry.backupId.isNull() ? QStringLiteral("") : entry.backupId)
            .bind(4, entry.action.isNull() ? QStringLiteral("") : entry.action)
            .bind(5, entry.detail.isNull() ? QStringLiteral("") : entry.detail)
            .bind(6, entry.policy.isNull() ? QStringLiteral("") : entry.policy);
        s.run();
    });
}

QList<PruneLogEntry> Catalog::pruneLog(const QString& volumeId) const
{
    std::lock_guard guard(m_statements->mutex);
    QByteArray sql = "SELECT id, at, volume_id, backup_id, action, detail, policy FROM prune_log";
    if (!volumeId.isEmpty())
        sql += " WHERE volume_id = ?1";
    // The times share one format (UTC, milliseconds), so text order is time
    // order; the id keeps the order of entries written in the same instant.
    sql += " ORDER BY at, id";
    Statement s(m_db, sql.constData());
    if (!volumeId.isEmpty())
        s.bind(1, volumeId);
    QList<PruneLogEntry> result;
    while (s.step()) {
        PruneLogEntry entry;
        entry.id = s.integer(0);
        entry.at = s.time(1);
        entry.volumeId = s.text(2);
        entry.backupId = s.text(3);
        entry.action = s.text(4);
        entry.detail = s.text(5);
        entry.policy = s.text(6);
        result << entry;
    }
    return result;
}

// ---- Sampled verification ----

QHash<QString, QDateTime> Catalog::verifiedObjects(const QString& backupId) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, "SELECT object, verified_at FROM verified_objects WHERE backup_id = ?");
    s.bind(1, backupId);
    QHash<QString, QDateTime> result;
    while (s.step())
        result.insert(s.text(0), s.time(1));
    return result;
}

void Catalog::markObjectsVerified(const QString& backupId, const QStringList& objects,
                                  const QDateTime& at)
{
    transaction([&] {
        // Rows of a deleted backup would outlive it (soft delete removes them).
        if (!backup(backupId))
            throw Error(QStringLiteral("No backup with ID %1 exists: its verification cannot be "
                                       "recorded.")
                            .arg(backupId));
        const QDateTime when = at.isValid() ? at : QDateTime::currentDateTimeUtc();
        // One statement for all: a backup has thousands of objects.
        Statement upsert(m_db, "INSERT INTO verified_objects (backup_id, object, verified_at) "
                               "VALUES (?1,?2,?3) ON CONFLICT(backup_id, object) DO UPDATE "
                               "SET verified_at=?3");
        upsert.bind(1, backupId).bind(3, when);
        for (const QString& object : objects) {
            upsert.bind(2, object);
            upsert.run();
            upsert.reset();
        }
    });
}

void Catalog::setVerifyResult(const VerifyResult& result)
{
    transaction([&] {
        if (!backup(result.backupId))
            throw Error(QStringLiteral("No backup with ID %1 exists: its verification cannot be "
                                       "recorded.")
                            .arg(result.backupId));
        Statement s(m_db, (QByteArray("INSERT OR REPLACE INTO verify_results (") +
                           kVerifyResultColumns + ") VALUES (?,?,?,?,?,?,?)")
                              .constData());
        s.bind(1, result.backupId)
            .bind(2,
                  result.checkedAt.isValid() ? result.checkedAt : QDateTime::currentDateTimeUtc())
            .bind(3, qint64(result.ok ? 1 : 0))
            .bind(4, result.problem.isNull() ? QStringLiteral("") : result.problem)
            .bind(5, qint64(result.samplePercent))
            .bind(6, result.objectsChecked)
            .bind(7, result.objectsTotal);
        s.run();
    });
}

std::optional<VerifyResult> Catalog::verifyResult(const QString& backupId) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, (QByteArray("SELECT ") + kVerifyResultColumns +
                       " FROM verify_results WHERE backup_id = ?")
                          .constData());
    s.bind(1, backupId);
    if (s.step())
        return readVerifyResult(s);
    return std::nullopt;
}

QList<VerifyResult> Catalog::verifyResults() const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, (QByteArray("SELECT ") + kVerifyResultColumns +
                       " FROM verify_results ORDER BY checked_at, backup_id")
                          .constData());
    QList<VerifyResult> result;
    while (s.step())
        result << readVerifyResult(s);
    return result;
}

// ---- Schedules ----

QList<Schedule> Catalog::schedules() const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, (QByteArray("SELECT ") + kScheduleColumns +
                       " FROM schedules ORDER BY name COLLATE NOCASE, created_at")
                          .constData());
    QList<Schedule> result;
    while (s.step())
        result << readSchedule(s);
    return result;
}

std::optional<Schedule> Catalog::schedule(const QString& id) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(
        m_db,
        (QByteArray("SELECT ") + kScheduleColumns + " FROM schedules WHERE id = ?").constData());
    s.bind(1, id);
    if (s.step())
        return readSchedule(s);
    return std::nullopt;
}

Schedule Catalog::resolveSchedule(const QString& reference) const
{
    std::lock_guard guard(m_statements->mutex);
    const QString wanted = reference.trimmed();
    if (wanted.isEmpty())
        throw Error(QStringLiteral("No schedule given: name a schedule by its name or ID."));
    if (auto exact = schedule(wanted))
        return *exact;
    QList<Schedule> matches;
    for (const Schedule& candidate : schedules()) {
        const bool byPrefix =
            wanted.size() >= 4 && candidate.id.startsWith(wanted, Qt::CaseInsensitive);
        if (byPrefix || candidate.name == wanted)
            matches << candidate;
    }
    if (matches.size() == 1)
        return matches.first();
    if (matches.isEmpty())
        throw Error(QStringLiteral("No schedule with a name or ID of '%1' exists.").arg(wanted));
    throw Error(QStringLiteral("Multiple schedules match '%1': %2. Use an ID to be more specific.")
                    .arg(wanted, describeCandidates<Schedule>(
                                     matches, [](const Schedule& s) { return s.name; })));
}

namespace {

// Names are unique (the column says so too; this says it in words).
void requireUniqueScheduleName(sqlite3* db, const Schedule& schedule)
{
    Statement s(db, "SELECT id FROM schedules WHERE name = ? AND id <> ?");
    s.bind(1, schedule.name).bind(2, schedule.id);
    if (s.step())
        throw Error(QStringLiteral("A schedule named '%1' already exists (%2): choose another "
                                   "name.")
                        .arg(schedule.name, s.text(0)));
}

} // namespace

void Catalog::insertSchedule(const Schedule& schedule)
{
    requireValidSchedule(schedule);
    transaction([&] {
        Schedule stored = schedule;
        if (stored.id.isEmpty())
            stored.id = newUuid();
        else if (this->schedule(stored.id))
            throw Error(QStringLiteral("A schedule with ID %1 already exists.").arg(stored.id));
        requireUniqueScheduleName(m_db, stored);
        if (!stored.createdAt.isValid())
            stored.createdAt = QDateTime::currentDateTimeUtc();
        if (!stored.updatedAt.isValid())
            stored.updatedAt = stored.createdAt;
        Statement s(m_db, (QByteArray("INSERT INTO schedules (") + kScheduleColumns +
                           ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
                              .constData());
        bindSchedule(s, stored);
        s.run();
    });
}

void Catalog::updateSchedule(const Schedule& schedule)
{
    requireValidSchedule(schedule);
    transaction([&] {
        requireUniqueScheduleName(m_db, schedule);
        Schedule stored = schedule;
        stored.updatedAt = QDateTime::currentDateTimeUtc();
        Statement s(m_db, "UPDATE schedules SET id=?1, name=?2, volume_ids=?3, calendar=?4, "
                          "backend_name=?5, mode=?6, full_every=?7, full_every_days=?8, "
                          "apply_retention=?9, enabled=?10, created_at=?11, updated_at=?12, "
                          "last_occurrence=?13 WHERE id=?1");
        bindSchedule(s, stored);
        s.run();
        if (sqlite3_changes(m_db) == 0)
            throw Error(QStringLiteral("No schedule with ID %1 exists.").arg(schedule.id));
    });
}

void Catalog::removeSchedule(const QString& id)
{
    transaction([&] {
        Statement s(m_db, "DELETE FROM schedules WHERE id = ?");
        s.bind(1, id);
        s.run();
        if (sqlite3_changes(m_db) == 0)
            throw Error(QStringLiteral("No schedule with ID %1 exists.").arg(id));
    });
}

bool Catalog::claimScheduleOccurrence(const QString& id, const QDateTime& expected,
                                      const QDateTime& occurrence)
{
    bool claimed = false;
    transaction([&] {
        // One compare-and-set: IS matches NULL (never run) as well as a time,
        // and the write lock makes a second process see the first one's claim.
        Statement s(m_db, "UPDATE schedules SET last_occurrence = ?1 "
                          "WHERE id = ?2 AND last_occurrence IS ?3");
        s.bind(1, occurrence).bind(2, id).bind(3, expected);
        s.run();
        claimed = sqlite3_changes(m_db) > 0;
    });
    return claimed;
}

// ---- Job history ----

qint64 Catalog::beginJob(const JobRecord& job)
{
    JobRecord stored = job;
    stored.result = JobResult::Running;
    stored.finishedAt = QDateTime();
    if (!stored.startedAt.isValid())
        stored.startedAt = QDateTime::currentDateTimeUtc();
    if (stored.pid == 0)
        stored.pid = ::getpid();
    return recordJob(stored);
}

void Catalog::finishJob(const JobRecord& job)
{
    transaction([&] {
        Statement s(m_db, "UPDATE job_history SET kind=?1, origin=?2, title=?3, volume_id=?4, "
                          "volume_name=?5, backup_id=?6, backend_name=?7, schedule_id=?8, "
                          "cloud=?9, started_at=?10, finished_at=?11, bytes_read=?12, "
                          "bytes_stored=?13, bytes_per_second=?14, result=?15, reason=?16, "
                          "pid=?17, log=?18 WHERE id=?19");
        JobRecord stored = job;
        if (!stored.finishedAt.isValid() && stored.result != JobResult::Running)
            stored.finishedAt = QDateTime::currentDateTimeUtc();
        bindJob(s, stored);
        s.bind(19, job.id);
        s.run();
        if (sqlite3_changes(m_db) == 0)
            throw Error(QStringLiteral("No job with ID %1 is in the history.").arg(job.id));
    });
}

qint64 Catalog::recordJob(const JobRecord& job)
{
    qint64 id = 0;
    transaction([&] {
        JobRecord stored = job;
        if (!stored.startedAt.isValid())
            stored.startedAt = QDateTime::currentDateTimeUtc();
        if (!stored.finishedAt.isValid() && stored.result != JobResult::Running)
            stored.finishedAt = stored.startedAt;
        if (stored.pid == 0)
            stored.pid = ::getpid();
        Statement s(m_db, (QByteArray("INSERT INTO job_history (") + kJobColumnsWithoutLog +
                           ", log, boot_id) VALUES (NULL,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
                           "?13,?14,?15,?16,?17,?18,?19)")
                              .constData());
        bindJob(s, stored);
        s.bind(19, currentBootId());
        s.run();
        id = sqlite3_last_insert_rowid(m_db);
    });
    return id;
}

QList<JobRecord> Catalog::jobHistory(const JobHistoryFilter& filter) const
{
    std::lock_guard guard(m_statements->mutex);
    QByteArray sql = QByteArray("SELECT ") + kJobColumnsWithoutLog +
                     (filter.withLog ? ", log" : ", ''") + " FROM job_history WHERE 1=1";
    if (!filter.volumeId.isEmpty())
        sql += " AND volume_id = ?1";
    if (!filter.scheduleId.isEmpty())
        sql += " AND schedule_id = ?2";
    if (!filter.kind.isEmpty())
        sql += " AND kind = ?3";
    if (filter.result)
        sql += " AND result = ?4";
    // One time format throughout (UTC, milliseconds): text order is time order.
    if (filter.from.isValid())
        sql += " AND started_at >= ?5";
    if (filter.to.isValid())
        sql += " AND started_at < ?6";
    sql += " ORDER BY started_at DESC, id DESC";
    if (filter.limit > 0)
        sql += " LIMIT ?7";
    Statement s(m_db, sql.constData());
    if (!filter.volumeId.isEmpty())
        s.bind(1, filter.volumeId);
    if (!filter.scheduleId.isEmpty())
        s.bind(2, filter.scheduleId);
    if (!filter.kind.isEmpty())
        s.bind(3, filter.kind);
    if (filter.result)
        s.bind(4, jobResultText(*filter.result));
    if (filter.from.isValid())
        s.bind(5, filter.from);
    if (filter.to.isValid())
        s.bind(6, filter.to);
    if (filter.limit > 0)
        s.bind(7, qint64(filter.limit));
    QList<JobRecord> result;
    while (s.step())
        result << readJob(s);
    return result;
}

std::optional<JobRecord> Catalog::job(qint64 id) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, (QByteArray("SELECT ") + kJobColumnsWithoutLog +
                       ", log FROM job_history WHERE id = ?")
                          .constData());
    s.bind(1, id);
    if (s.step())
        return readJob(s);
    return std::nullopt;
}

qint64 Catalog::jobCount() const
{
    std::lock_guard guard(m_statements->mutex);
    return pragmaInteger(m_db, "SELECT COUNT(*) FROM job_history");
}

int Catalog::pruneJobHistory(const QDateTime& olderThan)
{
    if (!olderThan.isValid())
        return 0;
    int removed = 0;
    transaction([&] {
        Statement s(m_db, "DELETE FROM job_history WHERE started_at < ? AND result <> 'running'");
        s.bind(1, olderThan);
        s.run();
        removed = sqlite3_changes(m_db);
    });
    return removed;
}

int Catalog::settleInterruptedJobs()
{
    int settled = 0;
    transaction([&] {
        Statement running(m_db,
                          "SELECT id, pid, boot_id FROM job_history WHERE result = 'running'");
        QList<qint64> ended;
        const QString bootId = currentBootId();
        while (running.step()) {
            const qint64 pid = running.integer(1);
            const QString jobBoot = running.text(2);
            // A job of an earlier boot has ended even if its pid is now taken.
            const bool sameBoot = jobBoot.isEmpty() || bootId.isEmpty() || jobBoot == bootId;
            if (sameBoot && (pid == ::getpid() || processAlive(pid)))
                continue;
            ended << running.integer(0);
        }
        Statement settle(m_db, "UPDATE job_history SET result = 'interrupted', reason = ?1, "
                               "finished_at = ?2 WHERE id = ?3 AND result = 'running'");
        settle.bind(1, QStringLiteral("the process ended while the job ran"))
            .bind(2, QDateTime::currentDateTimeUtc());
        for (const qint64 id : std::as_const(ended)) {
            settle.bind(3, id);
            settle.run();
            settle.reset();
            settled += sqlite3_changes(m_db);
        }
    });
    return settled;
}

// ---- Settings ----

QString Catalog::setting(const QString& key, const QString& fallback) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, "SELECT value FROM settings WHERE key = ?");
    s.bind(1, key);
    return s.step() ? s.text(0) : fallback;
}

void Catalog::setSetting(const QString& key, const QString& value)
{
    if (key.trimmed().isEmpty())
        throw Error(QStringLiteral("A setting needs a key."));
    transaction([&] {
        if (value.isEmpty()) {
            Statement remove(m_db, "DELETE FROM settings WHERE key = ?");
            remove.bind(1, key);
            remove.run();
            return;
        }
        Statement s(m_db, "INSERT INTO settings (key, value) VALUES (?1,?2) "
                          "ON CONFLICT(key) DO UPDATE SET value=?2");
        s.bind(1, key).bind(2, value);
        s.run();
    });
}

// ---- Backends ----

QList<BackendConfig> Catalog::backends() const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, (QByteArray("SELECT ") + kBackendColumns +
                       " FROM backends ORDER BY name COLLATE NOCASE")
                          .constData());
    QList<BackendConfig> result;
    while (s.step())
        result << readBackend(s);
    return result;
}

std::optional<BackendConfig> Catalog::backend(const QString& name) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(
        m_db,
        (QByteArray("SELECT ") + kBackendColumns + " FROM backends WHERE name = ?").constData());
    s.bind(1, name);
    if (s.step())
        return readBackend(s);
    return std::nullopt;
}

BackendConfig Catalog::defaultBackend() const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, (QByteArray("SELECT ") + kBackendColumns +
                       " FROM backends ORDER BY is_default DESC, created_at, name LIMIT 1")
                          .constData());
    if (!s.step())
        throw Error(QStringLiteral("No backend is configured: add one first."));
    return readBackend(s);
}

void Catalog::upsertBackend(const BackendConfig& backend)
{
    if (backend.name.trimmed().isEmpty())
        throw Error(QStringLiteral("A backend needs a name."));
    if (backend.type.trimmed().isEmpty())
        throw Error(QStringLiteral("Backend %1 needs a type.").arg(backend.name));
    transaction([&] {
        if (backend.isDefault)
            execute(m_db, "UPDATE backends SET is_default = 0");
        const std::optional<BackendConfig> existing = this->backend(backend.name);
        QDateTime createdAt = backend.createdAt;
        if (existing && existing->createdAt.isValid())
            createdAt = existing->createdAt;
        if (!createdAt.isValid())
            createdAt = QDateTime::currentDateTimeUtc();
        Statement s(m_db, "INSERT INTO backends (name, type, options, is_default, created_at) "
                          "VALUES (?1,?2,?3,?4,?5) ON CONFLICT(name) DO UPDATE SET "
                          "type=?2, options=?3, is_default=?4, created_at=?5");
        s.bind(1, backend.name)
            .bind(2, backend.type)
            .bind(3, jsonText(backend.options))
            .bind(4, qint64(backend.isDefault ? 1 : 0))
            .bind(5, createdAt);
        s.run();
    });
}

void Catalog::removeBackend(const QString& name)
{
    transaction([&] {
        Statement count(m_db,
                        "SELECT COUNT(*) FROM backups WHERE backend_name = ? AND deleted = 0");
        count.bind(1, name);
        const qint64 inUse = count.step() ? count.integer(0) : 0;
        if (inUse > 0)
            throw Error(QStringLiteral("Backend %1 still holds %2 backup(s): delete them first.")
                            .arg(name)
                            .arg(inUse));
        Statement s(m_db, "DELETE FROM backends WHERE name = ?");
        s.bind(1, name);
        s.run();
        if (sqlite3_changes(m_db) == 0)
            throw Error(QStringLiteral("No backend named '%1' exists.").arg(name));
    });
}

// ---- Jobs ----

bool Catalog::processAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

QString Catalog::volumeLockKey(const QString& volumeId) const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, "SELECT identity FROM volumes WHERE id = ?");
    s.bind(1, volumeId);
    const QString identity = s.step() ? s.text(0) : QString();
    // What the volume is, so two registrations of one file share the lock.
    return identity.isEmpty() ? QStringLiteral("volume:") + volumeId
                              : QStringLiteral("identity:") + identity;
}

QString Catalog::backupLockKey(const QString& backupId)
{
    return QStringLiteral("backup:") + backupId;
}

QString Catalog::lockPath(const QString& key) const
{
    // Keys hold ':' and '/' (identities); the file name is a digest of them.
    const QString kind = key.section(QLatin1Char(':'), 0, 0);
    const QByteArray digest =
        QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(40);
    return QStringLiteral("%1/%2-%3.lock")
        .arg(locksDirectory(m_path), kind, QString::fromLatin1(digest));
}

bool Catalog::lockHeld(const QString& key) const
{
    return !key.isEmpty() && fileLockHeld(lockPath(key));
}

void Catalog::throwBusy(const QString& volumeId, const QString& key) const
{
    const std::optional<Volume> found = volume(volumeId);
    const QString name = found && !found->name.isEmpty() ? found->name : volumeId;
    Statement s(m_db, "SELECT operation, pid, started_at, volume_id FROM volume_jobs "
                      "WHERE volume_id = ?1 OR lock_key = ?2 ORDER BY volume_id = ?1 DESC");
    s.bind(1, volumeId).bind(2, key);
    if (s.step()) {
        const QString other = s.text(3);
        QString on;
        if (other != volumeId) {
            const std::optional<Volume> alias = volume(other);
            on = QStringLiteral(" on %1, the same volume")
                     .arg(alias && !alias->name.isEmpty() ? alias->name : other);
        }
        throw Error(QStringLiteral("volume %1 is busy: %2%3 running since %4 (pid %5)")
                        .arg(name, s.text(0), on, describeTime(s.time(2)))
                        .arg(s.integer(1)));
    }
    throw Error(QStringLiteral("volume %1 is busy: another Ember process is working on it; try "
                               "again in a moment")
                    .arg(name));
}

VolumeJobLock Catalog::lockVolume(const QString& volumeId, const QString& operation,
                                  const QString& backupId)
{
    VolumeJobLock lock; // closes what it took if anything below fails
    transaction([&] {
        const QString key = volumeLockKey(volumeId);
        const int volumeFile = tryLockFile(lockPath(key));
        if (volumeFile < 0)
            throwBusy(volumeId, key);
        lock.m_lockFiles << volumeFile;
        // A job that started before the volume's identity was known holds
        // the lock of its id: still the same volume.
        Statement earlier(m_db, "SELECT lock_key FROM volume_jobs WHERE volume_id = ?");
        earlier.bind(1, volumeId);
        if (earlier.step() && earlier.text(0) != key && lockHeld(earlier.text(0)))
            throwBusy(volumeId, key);
        if (!backupId.isEmpty()) {
            const int backupFile = tryLockFile(lockPath(backupLockKey(backupId)));
            if (backupFile < 0)
                throw Error(QStringLiteral("backup %1 is busy: another job is working on it")
                                .arg(backupId));
            lock.m_lockFiles << backupFile;
            lock.m_removeOnRelease << lockPath(backupLockKey(backupId));
        }
        Statement take(m_db, "INSERT OR REPLACE INTO volume_jobs (volume_id, operation, "
                             "backup_id, pid, started_at, lock_key) VALUES (?,?,?,?,?,?)");
        take.bind(1, volumeId)
            .bind(2, operation)
            .bindNullable(3, backupId)
            .bind(4, qint64(::getpid()))
            .bind(5, QDateTime::currentDateTimeUtc())
            .bind(6, key);
        take.run();
    });
    lock.m_catalog = this;
    lock.m_volumeId = volumeId;
    return lock;
}

VolumeJobLock Catalog::lockBackup(const QString& backupId, const QString& operation)
{
    const int fd = tryLockFile(lockPath(backupLockKey(backupId)));
    if (fd < 0)
        throw Error(QStringLiteral("backup %1 is busy: another job is working on it; %2 it when "
                                   "that job has finished")
                        .arg(backupId, operation));
    VolumeJobLock lock;
    lock.m_lockFiles << fd;
    lock.m_removeOnRelease << lockPath(backupLockKey(backupId));
    lock.m_catalog = this;
    return lock;
}

std::optional<VolumeJobLock> Catalog::tryLockForRepair(const QStringList& keys)
{
    VolumeJobLock guard; // no catalog: dropping it touches no row and makes no copy
    for (const QString& key : keys) {
        if (key.isEmpty())
            continue;
        const int fd = tryLockFile(lockPath(key));
        if (fd < 0)
            return std::nullopt; // a live job; `guard` lets go of the others
        guard.m_lockFiles << fd;
        if (key.startsWith(QLatin1String("backup:")))
            guard.m_removeOnRelease << lockPath(key);
    }
    return guard;
}

int Catalog::removeStaleJobRows()
{
    int removed = 0;
    transaction([&] {
        Statement rows(m_db, "SELECT volume_id, lock_key FROM volume_jobs");
        QList<QPair<QString, QString>> jobs;
        while (rows.step())
            jobs.append({rows.text(0), rows.text(1)});
        for (const auto& [volumeId, key] : jobs) {
            // Rows from before file locks name none: no job can hold them.
            std::optional<VolumeJobLock> guard = key.isEmpty()
                                                     ? std::optional<VolumeJobLock>(VolumeJobLock())
                                                     : tryLockForRepair({key});
            if (!guard)
                continue;
            Statement remove(m_db, "DELETE FROM volume_jobs WHERE volume_id = ? AND lock_key = ?");
            remove.bind(1, volumeId).bind(2, key);
            remove.run();
            ++removed;
            // Dropped before COMMIT: a job starting now waits for our write lock.
        }
    });
    return removed;
}

void Catalog::releaseLock(const QString& volumeId)
{
    transaction([&] {
        Statement s(m_db, "DELETE FROM volume_jobs WHERE volume_id = ? AND pid = ?");
        s.bind(1, volumeId).bind(2, qint64(::getpid()));
        s.run();
    });
}

QList<RunningJob> Catalog::runningJobs() const
{
    std::lock_guard guard(m_statements->mutex);
    Statement s(m_db, "SELECT volume_id, operation, backup_id, pid, started_at, lock_key "
                      "FROM volume_jobs ORDER BY started_at");
    QList<RunningJob> result;
    while (s.step()) {
        RunningJob job;
        job.volumeId = s.text(0);
        job.operation = s.text(1);
        job.backupId = s.text(2);
        job.pid = s.integer(3);
        job.startedAt = s.time(4);
        if (lockHeld(s.text(5)))
            result << job;
    }
    return result;
}

bool Catalog::isJobRunning(const QString& volumeId) const
{
    std::lock_guard guard(m_statements->mutex);
    if (lockHeld(volumeLockKey(volumeId)))
        return true;
    Statement s(m_db, "SELECT lock_key FROM volume_jobs WHERE volume_id = ?");
    s.bind(1, volumeId);
    return s.step() && lockHeld(s.text(0));
}

// ---- Copies ----

QString Catalog::copiesDirectory(const QString& databasePath)
{
    return QFileInfo(databasePath).absolutePath() + QStringLiteral("/catalog-backups");
}

QList<CatalogCopy> Catalog::copies(const QString& databasePath)
{
    QList<CatalogCopy> result;
    const QDir directory(copiesDirectory(databasePath));
    const QStringList names = directory.entryList(QDir::Files, QDir::Name | QDir::Reversed);
    for (const QString& name : names) {
        const QRegularExpressionMatch match = copyNamePattern().match(name);
        if (!match.hasMatch())
            continue;
        CatalogCopy copy;
        copy.path = directory.filePath(name);
        copy.takenAt =
            QDateTime::fromString(match.captured(1), QStringLiteral("yyyyMMdd'T'HHmm'Z'"));
        copy.takenAt.setTimeZone(QTimeZone::utc());
        copy.sizeBytes = QFileInfo(copy.path).size();
        result << copy;
    }
    return result;
}

QString Catalog::snapshotCopy()
{
    std::lock_guard guard(m_statements->mutex);
    if (m_transactionDepth > 0)
        return {}; // only committed states are worth keeping
    const QString directory = copiesDirectory(m_path);
    makeDirectory(directory, QStringLiteral("directory for catalog copies"));
    makePrivate(directory, 0700); // Ember's own, whoever made it wider
    // One per minute: a later copy in the same minute replaces it (by rename,
    // so a reader sees the old copy or the new one, whole).
    const QString name =
        QStringLiteral("catalog-%1.sqlite")
            .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmm'Z'")));
    const QString target = directory + QLatin1Char('/') + name;
    const QString temporary =
        QStringLiteral("%1/.%2.tmp-%3-%4")
            .arg(directory, name)
            .arg(::getpid())
            .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    sqlite3* copy = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    QString problem;
    if (sqlite3_open_v2(nativePath(temporary).constData(), &copy, flags, nullptr) != SQLITE_OK) {
        problem = QString::fromUtf8(copy ? sqlite3_errmsg(copy) : "out of memory");
    } else if (sqlite3_backup* backup = sqlite3_backup_init(copy, "main", m_db, "main")) {
        // The whole database in one step; another process's write makes the
        // source busy for a moment.
        int rc = SQLITE_OK;
        for (int attempt = 0; attempt < 200; ++attempt) {
            rc = sqlite3_backup_step(backup, -1);
            if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE)
            problem = QString::fromUtf8(sqlite3_errstr(rc));
    } else {
        problem = QString::fromUtf8(sqlite3_errmsg(copy));
    }
    sqlite3_close(copy);
    if (problem.isEmpty()) {
        makePrivate(temporary, 0600);
        if (::rename(nativePath(temporary).constData(), nativePath(target).constData()) != 0)
            problem = systemError(errno);
    }
    if (!problem.isEmpty()) {
        QFile::remove(temporary);
        QFile::remove(temporary + QStringLiteral("-journal"));
        throw Error(QStringLiteral("Cannot copy the catalog to %1: %2").arg(target, problem));
    }
    // Keep the newest seven; another process may remove the same ones.
    const QList<CatalogCopy> all = copies(m_path);
    for (qsizetype i = 7; i < all.size(); ++i)
        QFile::remove(all.at(i).path);
    // Leftovers of a process that died while copying.
    const QDateTime stale = QDateTime::currentDateTimeUtc().addSecs(-600);
    for (const QFileInfo& leftover : QDir(directory).entryInfoList(
             {QStringLiteral(".catalog-*.tmp-*")}, QDir::Files | QDir::Hidden)) {
        if (leftover.lastModified() < stale)
            QFile::remove(leftover.absoluteFilePath());
    }
    return target;
}

QString Catalog::restoreCopy(const QString& databasePath, const QString& copy)
{
    QString source = copy;
    if (!QFileInfo(source).isFile())
        source = copiesDirectory(databasePath) + QLatin1Char('/') + copy;
    if (copy.isEmpty() || !QFileInfo(source).isFile())
        throw Error(QStringLiteral("No catalog copy '%1': name a file listed by 'ember-cli "
                                   "catalog-copies' (in %2) or give a path.")
                        .arg(copy, copiesDirectory(databasePath)));
    source = QFileInfo(source).absoluteFilePath();
    if (source == QFileInfo(databasePath).absoluteFilePath())
        throw Error(QStringLiteral("%1 is the catalog itself, not a copy of it.").arg(source));

    makeDirectory(locksDirectory(databasePath), QStringLiteral("lock directory"));
    const int openLock = openLockFile(openLockPath(databasePath));
    struct CloseOnExit
    {
        int fd;
        ~CloseOnExit() { ::close(fd); }
    } closeOnExit{openLock};
    // Every process with the catalog open holds this shared; so does every job.
    if (!setFileLock(openLock, F_WRLCK, false, openLockPath(databasePath)))
        throw Error(QStringLiteral("Another Ember process (the GUI or ember-cli) has the catalog "
                                   "%1 open, perhaps running a job: close it or wait until it has "
                                   "finished, then restore the copy again.")
                        .arg(databasePath));
    for (const QFileInfo& lock :
         QDir(locksDirectory(databasePath)).entryInfoList({QStringLiteral("*.lock")}, QDir::Files))
        if (lock.fileName() != QLatin1String("catalog-open.lock") &&
            fileLockHeld(lock.absoluteFilePath()))
            throw Error(QStringLiteral("A job is still running (it holds %1); restore the copy "
                                       "when it has finished.")
                            .arg(lock.absoluteFilePath()));

    // Checked as the new catalog, under a temporary name beside it.
    const QString staged = QStringLiteral("%1.restoring-%2").arg(databasePath).arg(::getpid());
    QFile::remove(staged);
    if (!QFile::copy(source, staged))
        throw Error(QStringLiteral("Cannot copy %1 to %2.").arg(source, staged));
    makePrivate(staged, 0600);
    QString problem;
    {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(nativePath(staged).constData(), &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
            problem = QString::fromUtf8(db ? sqlite3_errmsg(db) : "out of memory");
        } else {
            try {
                Statement check(db, "PRAGMA integrity_check");
                if (!check.step() || check.text(0) != QLatin1String("ok"))
                    problem = QStringLiteral("its integrity check says: %1").arg(check.text(0));
                else if (pragmaInteger(db, "PRAGMA user_version") > currentSchemaVersion())
                    problem = QStringLiteral("it was written by a newer Ember");
                else if (pragmaInteger(db, "SELECT count(*) FROM sqlite_master WHERE "
                                           "name = 'backups'") != 1)
                    problem = QStringLiteral("it holds no backups table");
                // Jobs that ran when the copy was taken are no one's now, but
                // may have finished since: a backup that was being created
                // leaves the catalog (backend-rescan adds it back if its
                // files are complete) instead of being repaired as dead,
                // which would remove its objects.
                if (problem.isEmpty())
                    execute(db, R"sql(
BEGIN IMMEDIATE;
DELETE FROM backups WHERE status = 'creating';
UPDATE backups SET status = 'available' WHERE status = 'restoring';
UPDATE volumes SET status = CASE
    WHEN previous_status IS NULL OR previous_status IN ('', 'backing-up') THEN 'available'
    ELSE previous_status END
  WHERE status = 'backing-up';
UPDATE volumes SET status = 'error_restoring' WHERE status = 'restoring';
DELETE FROM volume_jobs;
COMMIT;
)sql");
            } catch (const Error& error) {
                problem = error.message();
            }
        }
        sqlite3_close(db);
    }
    if (!problem.isEmpty()) {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            QFile::remove(staged + QLatin1String(suffix));
        throw Error(
            QStringLiteral("%1 cannot be restored as the catalog: %2.").arg(source, problem));
    }

    // The replaced catalog (with its write-ahead log, which belongs to it
    // alone) is kept aside, never deleted.
    QString keptAside;
    const QString stamp = fileTimestamp(QDateTime::currentDateTimeUtc());
    if (QFileInfo::exists(databasePath)) {
        keptAside = QStringLiteral("%1.damaged-%2").arg(databasePath, stamp);
        for (const char* suffix : {"", "-wal", "-shm"}) {
            const QString from = databasePath + QLatin1String(suffix);
            if (QFileInfo::exists(from) &&
                ::rename(nativePath(from).constData(),
                         nativePath(keptAside + QLatin1String(suffix)).constData()) != 0)
                throw Error(QStringLiteral("Cannot move %1 aside to %2: %3.")
                                .arg(from, keptAside + QLatin1String(suffix), systemError(errno)));
        }
    }
    if (::rename(nativePath(staged).constData(), nativePath(databasePath).constData()) != 0)
        throw Error(QStringLiteral("Cannot put the copy in place as %1: %2 (the copy is in %3).")
                        .arg(databasePath, systemError(errno), staged));
    return keptAside;
}

qint64 Catalog::changeCounter() const
{
    std::lock_guard guard(m_statements->mutex);
    return pragmaInteger(m_db, "PRAGMA data_version") + m_localWrites;
}

} // namespace ember
