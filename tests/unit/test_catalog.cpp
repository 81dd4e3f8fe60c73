// The catalog against a real SQLite file: schema, WAL, every column, resolve
// rules, cross-process volume locks and change detection between connections.
#include "backuprecord.h"
#include "catalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <cstring>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ember;

namespace {

QString tempRoot()
{
    const QString root = qEnvironmentVariable("EMBER_TEST_TMP", QDir::tempPath());
    QDir().mkpath(root);
    return root;
}

Volume makeVolume(const QString& name, const QString& path)
{
    Volume volume;
    volume.id = newUuid();
    volume.name = name;
    volume.kind = VolumeKind::File;
    volume.path = path;
    volume.sizeBytes = 10 * 1024 * 1024;
    volume.createdAt = QDateTime::currentDateTimeUtc();
    return volume;
}

QDateTime at(int year, int month, int day, int hour, int minute, int second, int ms)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second, ms), QTimeZone::utc());
}

// Every field with a distinct, non-default value.
Backup fullBackup(const QString& volumeId)
{
    Backup b;
    b.id = newUuid();
    b.userId = QStringLiteral("user-1");
    b.projectId = QStringLiteral("project-1");
    b.volumeId = volumeId;
    b.host = QStringLiteral("host-a");
    b.availabilityZone = QStringLiteral("nova");
    b.container = QStringLiteral("container-x");
    b.parentId = newUuid();
    b.status = BackupStatus::Available;
    b.failReason = QStringLiteral("none really");
    b.serviceMetadata = QStringLiteral("volume_x_20240102030405_backup_y");
    b.service = QStringLiteral("cinder.backup.drivers.posix.PosixBackupDriver");
    b.size = 3;
    b.objectCount = 17;
    b.tempVolumeId = newUuid();
    b.tempSnapshotId = newUuid();
    b.numDependentBackups = 2;
    b.snapshotId = newUuid();
    b.dataTimestamp = at(2024, 1, 2, 3, 4, 5, 678);
    b.restoreVolumeId = newUuid();
    b.metadata = QJsonObject{{QStringLiteral("k"), QStringLiteral("v")},
                             {QStringLiteral("caf\u00e9"), QStringLiteral("\u2603")}};
    b.encryptionKeyId = newUuid();
    b.createdAt = at(2024, 1, 2, 3, 4, 5, 679);
    b.updatedAt = at(2024, 1, 2, 3, 4, 6, 1);
    b.deletedAt = {};
    b.deleted = false;
    b.displayName = QStringLiteral("nightly \"one\"");
    b.displayDescription = QStringLiteral("multi\nline");
    b.backendName = QStringLiteral("local");
    b.volumeSizeBytes = 3 * 1024 * 1024 + 5;
    b.storedBytes = 123456789;
    b.immutableUntil = at(2027, 1, 6, 10, 0, 0, 0);
    b.immutableMode = QStringLiteral("GOVERNANCE");
    return b;
}

void compareBackups(const Backup& a, const Backup& b)
{
    QCOMPARE(a.id, b.id);
    QCOMPARE(a.userId, b.userId);
    QCOMPARE(a.projectId, b.projectId);
    QCOMPARE(a.volumeId, b.volumeId);
    QCOMPARE(a.host, b.host);
    QCOMPARE(a.availabilityZone, b.availabilityZone);
    QCOMPARE(a.container, b.container);
    QCOMPARE(a.parentId, b.parentId);
    QCOMPARE(a.status, b.status);
    QCOMPARE(a.failReason, b.failReason);
    QCOMPARE(a.serviceMetadata, b.serviceMetadata);
    QCOMPARE(a.service, b.service);
    QCOMPARE(a.size, b.size);
    QCOMPARE(a.objectCount, b.objectCount);
    QCOMPARE(a.tempVolumeId, b.tempVolumeId);
    QCOMPARE(a.tempSnapshotId, b.tempSnapshotId);
    QCOMPARE(a.numDependentBackups, b.numDependentBackups);
    QCOMPARE(a.snapshotId, b.snapshotId);
    QCOMPARE(a.dataTimestamp, b.dataTimestamp);
    QCOMPARE(a.restoreVolumeId, b.restoreVolumeId);
    QCOMPARE(a.metadata, b.metadata);
    QCOMPARE(a.encryptionKeyId, b.encryptionKeyId);
    QCOMPARE(a.createdAt, b.createdAt);
    QCOMPARE(a.deletedAt, b.deletedAt);
    QCOMPARE(a.deleted, b.deleted);
    QCOMPARE(a.displayName, b.displayName);
    QCOMPARE(a.displayDescription, b.displayDescription);
    QCOMPARE(a.backendName, b.backendName);
    QCOMPARE(a.volumeSizeBytes, b.volumeSizeBytes);
    QCOMPARE(a.storedBytes, b.storedBytes);
    QCOMPARE(a.isProtected, b.isProtected);
    QCOMPARE(a.synthesizedFrom, b.synthesizedFrom);
    QCOMPARE(a.immutableUntil, b.immutableUntil);
    QCOMPARE(a.immutableMode, b.immutableMode);
    QCOMPARE(a.encryption, b.encryption);
    QCOMPARE(a.encryptionKeyFingerprint, b.encryptionKeyFingerprint);
}

QString errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

// A volume_jobs row as a process that died left it (no lock held).
void insertJobRow(const QString& path, const QString& volumeId, qint64 pid)
{
    sqlite3* raw = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 10000);
    const QByteArray sql = QStringLiteral("INSERT OR REPLACE INTO volume_jobs (volume_id, "
                                          "operation, pid, started_at) VALUES ('%1', 'backup', "
                                          "%2, '2026-01-01T00:00:00.000Z')")
                               .arg(volumeId)
                               .arg(pid)
                               .toUtf8();
    QCOMPARE(sqlite3_exec(raw, sql.constData(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
}

// The catalog as Ember wrote it before retention (schema version 3: the
// first three migrations, frozen here as they were), with one volume, a full
// and an incremental backup, a backend and a stale job row.
const char* const kVersion3Schema = R"sql(
CREATE TABLE volumes (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,
    backend_name TEXT, size_bytes INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
    previous_status TEXT, created_at TEXT, updated_at TEXT, metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX volumes_path ON volumes(path);
CREATE TABLE backends (
    name TEXT PRIMARY KEY, type TEXT NOT NULL, options TEXT NOT NULL DEFAULT '{}',
    is_default INTEGER NOT NULL DEFAULT 0, created_at TEXT
);
CREATE TABLE backups (
    id TEXT PRIMARY KEY, user_id TEXT, project_id TEXT, volume_id TEXT, host TEXT,
    availability_zone TEXT, display_name TEXT, display_description TEXT, container TEXT,
    parent_id TEXT, status TEXT NOT NULL, fail_reason TEXT, service_metadata TEXT, service TEXT,
    size INTEGER NOT NULL DEFAULT 0, object_count INTEGER NOT NULL DEFAULT 0,
    temp_volume_id TEXT, temp_snapshot_id TEXT, num_dependent_backups INTEGER NOT NULL DEFAULT 0,
    snapshot_id TEXT, data_timestamp TEXT, restore_volume_id TEXT, encryption_key_id TEXT,
    metadata TEXT NOT NULL DEFAULT '{}', created_at TEXT, updated_at TEXT, deleted_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0, backend_name TEXT,
    volume_size_bytes INTEGER NOT NULL DEFAULT 0, stored_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX backups_volume ON backups(volume_id, deleted);
CREATE INDEX backups_parent ON backups(parent_id, deleted);
CREATE TABLE volume_jobs (
    volume_id TEXT PRIMARY KEY, operation TEXT NOT NULL, backup_id TEXT, pid INTEGER NOT NULL,
    started_at TEXT NOT NULL
);
ALTER TABLE volumes ADD COLUMN identity TEXT NOT NULL DEFAULT '';
CREATE INDEX volumes_identity ON volumes(identity);
ALTER TABLE volume_jobs ADD COLUMN lock_key TEXT NOT NULL DEFAULT '';
INSERT INTO volumes (id, name, kind, path, size_bytes, status, created_at, identity)
    VALUES ('11111111-1111-4111-8111-111111111111', 'old', 'file', '/tmp/old.img', 1048576,
            'available', '2025-03-04T05:06:07.000Z', 'file:1:2');
INSERT INTO backends (name, type, options, is_default, created_at)
    VALUES ('local', 'posix', '{"backup_posix_path":"/tmp/b"}', 1, '2025-03-04T05:00:00.000Z');
INSERT INTO backups (id, volume_id, display_name, container, status, service_metadata, service,
                     size, object_count, created_at, backend_name, volume_size_bytes,
                     stored_bytes)
    VALUES ('22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111',
            'full', 'c', 'available', 'prefix_full',
            'cinder.backup.drivers.posix.PosixBackupDriver', 1, 3,
            '2025-03-04T06:00:00.000Z', 'local', 1048576, 4096);
INSERT INTO backups (id, volume_id, display_name, container, parent_id, status,
                     service_metadata, service, size, object_count, created_at, backend_name,
                     volume_size_bytes, stored_bytes)
    VALUES ('33333333-3333-4333-8333-333333333333', '11111111-1111-4111-8111-111111111111',
            'incr', 'c', '22222222-2222-4222-8222-222222222222', 'available', 'prefix_incr',
            'cinder.backup.drivers.posix.PosixBackupDriver', 1, 1,
            '2025-03-05T06:00:00.000Z', 'local', 1048576, 512);
PRAGMA user_version=3;
)sql";
const QString kOldVolume = QStringLiteral("11111111-1111-4111-8111-111111111111");
const QString kOldFull = QStringLiteral("22222222-2222-4222-8222-222222222222");
const QString kOldIncremental = QStringLiteral("33333333-3333-4333-8333-333333333333");

void createVersion3Catalog(const QString& path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    sqlite3* raw = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &raw), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(raw, kVersion3Schema, nullptr, nullptr, &message);
    const QString problem = QString::fromUtf8(message ? message : "");
    sqlite3_free(message);
    sqlite3_close(raw);
    QVERIFY2(rc == SQLITE_OK, qPrintable(problem));
}

// Runs `sql` on the file directly, as another program (or damage) would.
void executeRaw(const QString& path, const QString& sql)
{
    sqlite3* raw = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 10000);
    char* message = nullptr;
    const int rc = sqlite3_exec(raw, sql.toUtf8().constData(), nullptr, nullptr, &message);
    const QString problem = QString::fromUtf8(message ? message : "");
    sqlite3_free(message);
    sqlite3_close(raw);
    QVERIFY2(rc == SQLITE_OK, qPrintable(problem));
}

// The column names of `table`, read from the file directly.
QStringList columnsOf(const QString& path, const char* table)
{
    sqlite3* raw = nullptr;
    QStringList names;
    if (sqlite3_open(QFile::encodeName(path).constData(), &raw) != SQLITE_OK)
        return names;
    sqlite3_stmt* statement = nullptr;
    const QByteArray sql = QByteArray("PRAGMA table_info(") + table + ")";
    if (sqlite3_prepare_v2(raw, sql.constData(), -1, &statement, nullptr) == SQLITE_OK) {
        while (sqlite3_step(statement) == SQLITE_ROW)
            names << QString::fromUtf8(
                reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)));
    }
    sqlite3_finalize(statement);
    sqlite3_close(raw);
    return names;
}

int modeOf(const QString& path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

} // namespace

class CatalogTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir* m_dir = nullptr;
    QString dbPath(const QString& name) const { return m_dir->filePath(name); }

private Q_SLOTS:
    void init()
    {
        m_dir = new QTemporaryDir(tempRoot() + QStringLiteral("/catalog-XXXXXX"));
        QVERIFY(m_dir->isValid());
    }
    void cleanup()
    {
        delete m_dir;
        m_dir = nullptr;
    }

    void migratesFromEmptyAndReopens()
    {
        const QString path = dbPath(QStringLiteral("sub/dir/catalog.sqlite"));
        {
            Catalog catalog(path);
            QCOMPARE(catalog.schemaVersion(), Catalog::currentSchemaVersion());
            QVERIFY(Catalog::currentSchemaVersion() >= 1);
            catalog.insertVolume(makeVolume(QStringLiteral("v1"), QStringLiteral("/tmp/v1.img")));
        }
        Catalog reopened(path);
        QCOMPARE(reopened.schemaVersion(), Catalog::currentSchemaVersion());
        QCOMPARE(reopened.volumes().size(), 1);
        QCOMPARE(reopened.volumes().first().name, QStringLiteral("v1"));
    }

    void refusesNewerSchema()
    {
        const QString path = dbPath(QStringLiteral("newer.sqlite"));
        {
            Catalog catalog(path);
        }
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &raw), SQLITE_OK);
        QCOMPARE(sqlite3_exec(raw, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
        const QString message = errorOf([&] { Catalog catalog(path); });
        QVERIFY2(message.contains(QStringLiteral("newer Ember")), qPrintable(message));
    }

    void walIsOn()
    {
        const QString path = dbPath(QStringLiteral("wal.sqlite"));
        Catalog catalog(path);
        catalog.insertVolume(makeVolume(QStringLiteral("v"), QStringLiteral("/tmp/v.img")));
        QVERIFY(QFile::exists(path + QStringLiteral("-wal")));
        sqlite3* raw = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &raw), SQLITE_OK);
        sqlite3_stmt* statement = nullptr;
        QCOMPARE(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &statement, nullptr),
                 SQLITE_OK);
        QCOMPARE(sqlite3_step(statement), SQLITE_ROW);
        const QString mode =
            QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
        sqlite3_finalize(statement);
        sqlite3_close(raw);
        QCOMPARE(mode, QStringLiteral("wal"));
    }

    void volumeRoundTrip()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        Volume volume = makeVolume(QStringLiteral("data"), QStringLiteral("/dev/sdz"));
        volume.kind = VolumeKind::BlockDevice;
        volume.backendName = QStringLiteral("ceph-a");
        volume.status = VolumeStatus::InUse;
        volume.previousStatus = VolumeStatus::Available;
        volume.createdAt = at(2023, 5, 6, 7, 8, 9, 10);
        volume.metadata = QJsonObject{{QStringLiteral("src_backup_id"), QStringLiteral("abc")}};
        catalog.insertVolume(volume);
        const Volume loaded = catalog.volume(volume.id).value();
        QCOMPARE(loaded.id, volume.id);
        QCOMPARE(loaded.name, volume.name);
        QVERIFY(loaded.kind == VolumeKind::BlockDevice);
        QCOMPARE(loaded.path, volume.path);
        QCOMPARE(loaded.backendName, volume.backendName);
        QCOMPARE(loaded.sizeBytes, volume.sizeBytes);
        QCOMPARE(loaded.status, volume.status);
        QCOMPARE(loaded.previousStatus, volume.previousStatus);
        QCOMPARE(loaded.createdAt, volume.createdAt);
        QCOMPARE(loaded.metadata, volume.metadata);
        QCOMPARE(catalog.volumeByPath(QStringLiteral("/dev/sdz"))->id, volume.id);

        Volume changed = loaded;
        changed.sizeBytes = 42;
        changed.status = VolumeStatus::Available;
        changed.name = QStringLiteral("renamed");
        catalog.updateVolume(changed);
        const Volume reloaded = catalog.volume(volume.id).value();
        QCOMPARE(reloaded.sizeBytes, 42);
        QCOMPARE(reloaded.name, QStringLiteral("renamed"));
        QVERIFY(reloaded.updatedAt.isValid());

        // The same device cannot be registered twice.
        Volume duplicate = makeVolume(QStringLiteral("again"), QStringLiteral("/dev/sdz"));
        duplicate.kind = VolumeKind::BlockDevice;
        duplicate.backendName = QStringLiteral("ceph-a");
        const QString message = errorOf([&] { catalog.insertVolume(duplicate); });
        QVERIFY2(message.contains(QStringLiteral("already registered")), qPrintable(message));

        catalog.removeVolume(volume.id);
        QVERIFY(!catalog.volume(volume.id));
        QVERIFY(errorOf([&] { catalog.removeVolume(volume.id); }).contains(volume.id));
    }

    void backupRoundTripEveryField()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        const Backup backup = fullBackup(newUuid());
        catalog.insertBackup(backup);
        const Backup loaded = catalog.backup(backup.id).value();
        compareBackups(loaded, backup);
        QCOMPARE(loaded.updatedAt, backup.updatedAt);

        Backup changed = fullBackup(backup.volumeId);
        changed.id = backup.id;
        changed.status = BackupStatus::Error;
        changed.failReason = QString(300, QLatin1Char('x'));
        catalog.updateBackup(changed);
        Backup reloaded = catalog.backup(backup.id).value();
        QCOMPARE(reloaded.failReason.size(), 255); // cut like Cinder's column
        changed.failReason = changed.failReason.left(255);
        compareBackups(reloaded, changed);
        QVERIFY(reloaded.updatedAt > backup.updatedAt);

        // Null-able text fields come back empty.
        Backup sparse;
        sparse.id = newUuid();
        sparse.volumeId = backup.volumeId;
        catalog.insertBackup(sparse);
        const Backup sparseLoaded = catalog.backup(sparse.id).value();
        QVERIFY(sparseLoaded.parentId.isEmpty());
        QVERIFY(sparseLoaded.failReason.isEmpty());
        QVERIFY(!sparseLoaded.dataTimestamp.isValid());
        QVERIFY(sparseLoaded.createdAt.isValid()); // stamped on insert
        QCOMPARE(sparseLoaded.status, BackupStatus::Creating);

        const QString duplicate = errorOf([&] { catalog.insertBackup(backup); });
        QVERIFY2(duplicate.contains(QStringLiteral("already exists")), qPrintable(duplicate));
    }

    void softDeleteAndRevive()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        Backup parent = fullBackup(newUuid());
        parent.parentId.clear();
        catalog.insertBackup(parent);
        Backup child = fullBackup(parent.volumeId);
        child.parentId = parent.id;
        catalog.insertBackup(child);
        QCOMPARE(catalog.children(parent.id).size(), 1);

        catalog.softDeleteBackup(child.id);
        QVERIFY(!catalog.backup(child.id));
        const Backup deleted = catalog.backup(child.id, true).value();
        QVERIFY(deleted.deleted);
        QCOMPARE(deleted.status, BackupStatus::Deleted);
        QVERIFY(deleted.deletedAt.isValid());
        QVERIFY(catalog.children(parent.id).isEmpty());
        QCOMPARE(catalog.backups().size(), 1);
        BackupFilter all;
        all.includeDeleted = true;
        QCOMPARE(catalog.backups(all).size(), 2);
        QVERIFY(!errorOf([&] { catalog.softDeleteBackup(child.id); }).isEmpty());

        // Import revives a soft-deleted id (Cinder does the same).
        Backup revived = child;
        revived.status = BackupStatus::Creating;
        catalog.insertBackup(revived);
        QVERIFY(!catalog.backup(child.id)->deleted);
        QCOMPARE(catalog.backup(child.id)->status, BackupStatus::Creating);
    }

    void filters()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        const QString volumeA = newUuid();
        const QString volumeB = newUuid();
        for (int i = 0; i < 3; ++i) {
            Backup b = fullBackup(i < 2 ? volumeA : volumeB);
            b.displayName = QStringLiteral("n%1").arg(i % 2);
            b.status = i == 0 ? BackupStatus::Error : BackupStatus::Available;
            b.createdAt = at(2024, 1, 1, 0, 0, i, 0);
            catalog.insertBackup(b);
        }
        BackupFilter byVolume;
        byVolume.volumeId = volumeA;
        QCOMPARE(catalog.backups(byVolume).size(), 2);
        BackupFilter byStatus;
        byStatus.status = BackupStatus::Error;
        QCOMPARE(catalog.backups(byStatus).size(), 1);
        BackupFilter byName;
        byName.name = QStringLiteral("n0");
        QCOMPARE(catalog.backups(byName).size(), 2);
        byName.volumeId = volumeB;
        QCOMPARE(catalog.backups(byName).size(), 1);
        // Newest first, like Cinder's default sort.
        const QList<Backup> all = catalog.backups();
        QCOMPARE(all.size(), 3);
        QVERIFY(all.first().createdAt > all.last().createdAt);

        // Equal (whole-second) times: the later insert comes first, so the
        // incremental parent choice picks the newest backup.
        Backup first = fullBackup(volumeB);
        Backup second = fullBackup(volumeB);
        first.createdAt = second.createdAt = at(2030, 1, 1, 0, 0, 0, 0);
        catalog.insertBackup(first);
        catalog.insertBackup(second);
        QCOMPARE(catalog.backups().first().id, second.id);
        QCOMPARE(catalog.backups().at(1).id, first.id);
    }

    void resolve()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        Volume a = makeVolume(QStringLiteral("alpha"), QStringLiteral("/tmp/a"));
        a.id = QStringLiteral("aaaa1111-0000-0000-0000-000000000001");
        Volume b = makeVolume(QStringLiteral("beta"), QStringLiteral("/tmp/b"));
        b.id = QStringLiteral("aaaa2222-0000-0000-0000-000000000002");
        Volume c = makeVolume(QStringLiteral("beta"), QStringLiteral("/tmp/c"));
        c.id = QStringLiteral("cccc3333-0000-0000-0000-000000000003");
        catalog.insertVolume(a);
        catalog.insertVolume(b);
        catalog.insertVolume(c);

        QCOMPARE(catalog.resolveVolume(a.id).id, a.id);
        QCOMPARE(catalog.resolveVolume(QStringLiteral("aaaa1")).id, a.id);
        QCOMPARE(catalog.resolveVolume(QStringLiteral("alpha")).id, a.id);
        QCOMPARE(catalog.resolveVolume(QStringLiteral("cccc")).id, c.id);

        const QString ambiguousPrefix =
            errorOf([&] { catalog.resolveVolume(QStringLiteral("aaaa")); });
        QVERIFY2(ambiguousPrefix.contains(a.id) && ambiguousPrefix.contains(b.id),
                 qPrintable(ambiguousPrefix));
        const QString ambiguousName =
            errorOf([&] { catalog.resolveVolume(QStringLiteral("beta")); });
        QVERIFY2(ambiguousName.contains(b.id) && ambiguousName.contains(c.id) &&
                     ambiguousName.startsWith(QStringLiteral("Multiple volumes match 'beta'")),
                 qPrintable(ambiguousName));
        // Prefixes shorter than 4 characters are not IDs.
        QCOMPARE(errorOf([&] { catalog.resolveVolume(QStringLiteral("aaa")); }),
                 QStringLiteral("No volume with a name or ID of 'aaa' exists."));
        QCOMPARE(errorOf([&] { catalog.resolveVolume(QStringLiteral("gamma")); }),
                 QStringLiteral("No volume with a name or ID of 'gamma' exists."));

        Backup b1 = fullBackup(a.id);
        b1.id = QStringLiteral("bbbb0001-0000-0000-0000-000000000001");
        b1.displayName = QStringLiteral("weekly");
        Backup b2 = fullBackup(a.id);
        b2.id = QStringLiteral("bbbb0002-0000-0000-0000-000000000002");
        b2.displayName = QStringLiteral("weekly");
        catalog.insertBackup(b1);
        catalog.insertBackup(b2);
        QCOMPARE(catalog.resolveBackup(QStringLiteral("bbbb0002")).id, b2.id);
        const QString ambiguous = errorOf([&] { catalog.resolveBackup(QStringLiteral("weekly")); });
        QVERIFY2(ambiguous.contains(b1.id) && ambiguous.contains(b2.id), qPrintable(ambiguous));
        catalog.softDeleteBackup(b1.id);
        QCOMPARE(catalog.resolveBackup(QStringLiteral("weekly")).id, b2.id);
        QCOMPARE(errorOf([&] { catalog.resolveBackup(b1.id); }),
                 QStringLiteral("No backup with a name or ID of '%1' exists.").arg(b1.id));
    }

    void backends()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        QVERIFY(errorOf([&] { catalog.defaultBackend(); }).contains(QStringLiteral("No backend")));
        BackendConfig local{
            QStringLiteral("local"),
            QStringLiteral("posix"),
            QJsonObject{{QStringLiteral("backup_posix_path"), QStringLiteral("/tmp/x")}},
            true,
            {}};
        catalog.upsertBackend(local);
        BackendConfig other{QStringLiteral("other"), QStringLiteral("swift"), {}, false, {}};
        catalog.upsertBackend(other);
        QCOMPARE(catalog.defaultBackend().name, QStringLiteral("local"));
        QCOMPARE(catalog.backend(QStringLiteral("local"))->options, local.options);
        QVERIFY(catalog.backend(QStringLiteral("local"))->createdAt.isValid());
        other.isDefault = true;
        catalog.upsertBackend(other);
        QCOMPARE(catalog.defaultBackend().name, QStringLiteral("other"));
        QVERIFY(!catalog.backend(QStringLiteral("local"))->isDefault);
        QCOMPARE(catalog.backends().size(), 2);

        Backup stored = fullBackup(newUuid());
        stored.backendName = QStringLiteral("local");
        catalog.insertBackup(stored);
        const QString refused = errorOf([&] { catalog.removeBackend(QStringLiteral("local")); });
        QVERIFY2(refused.contains(QStringLiteral("1 backup(s)")), qPrintable(refused));
        catalog.softDeleteBackup(stored.id);
        catalog.removeBackend(QStringLiteral("local"));
        QCOMPARE(catalog.backends().size(), 1);
    }

    void transactionRollsBackAndNests()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        const Volume kept = makeVolume(QStringLiteral("kept"), QStringLiteral("/tmp/kept"));
        const Volume lost = makeVolume(QStringLiteral("lost"), QStringLiteral("/tmp/lost"));
        const QString message = errorOf([&] {
            catalog.transaction([&] {
                catalog.insertVolume(lost);
                throw Error(QStringLiteral("boom"));
            });
        });
        QCOMPARE(message, QStringLiteral("boom"));
        QVERIFY(!catalog.volume(lost.id));

        catalog.transaction([&] {
            catalog.insertVolume(kept);
            // An inner failure caught by the outer work undoes only itself.
            errorOf([&] {
                catalog.transaction([&] {
                    catalog.insertVolume(lost);
                    throw Error(QStringLiteral("inner"));
                });
            });
        });
        QVERIFY(catalog.volume(kept.id));
        QVERIFY(!catalog.volume(lost.id));
    }

    void lockSameProcessIsBusy()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        const Volume volume = makeVolume(QStringLiteral("vol"), QStringLiteral("/tmp/vol"));
        catalog.insertVolume(volume);
        {
            VolumeJobLock lock = catalog.lockVolume(volume.id, QStringLiteral("backup"));
            QVERIFY(lock.isHeld());
            QVERIFY(catalog.isJobRunning(volume.id));
            QCOMPARE(catalog.runningJobs().size(), 1);
            QCOMPARE(catalog.runningJobs().first().pid, qint64(::getpid()));
            const QString busy =
                errorOf([&] { catalog.lockVolume(volume.id, QStringLiteral("restore")); });
            QVERIFY2(busy.startsWith(QStringLiteral("volume vol is busy: backup running since ")),
                     qPrintable(busy));
            QVERIFY2(busy.endsWith(QStringLiteral("(pid %1)").arg(::getpid())), qPrintable(busy));
            // Moving keeps it held exactly once.
            VolumeJobLock moved = std::move(lock);
            QVERIFY(!lock.isHeld());
            QVERIFY(moved.isHeld());
        }
        QVERIFY(!catalog.isJobRunning(volume.id));
        VolumeJobLock again = catalog.lockVolume(volume.id, QStringLiteral("restore"));
        again.release();
        QVERIFY(!catalog.isJobRunning(volume.id));
    }

    void lockHeldByAnotherProcessThenTakenOver()
    {
        const QString path = dbPath(QStringLiteral("shared.sqlite"));
        Catalog catalog(path);
        const Volume volume = makeVolume(QStringLiteral("shared"), QStringLiteral("/tmp/shared"));
        catalog.insertVolume(volume);

        // This test binary, in helper mode, takes the lock and sleeps.
        QProcess holder;
        holder.start(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--hold-lock"), path, volume.id});
        QVERIFY(holder.waitForStarted());
        QVERIFY(holder.waitForReadyRead(20000));
        QCOMPARE(holder.readLine().trimmed(), QByteArray("locked"));

        const QString busy =
            errorOf([&] { catalog.lockVolume(volume.id, QStringLiteral("restore")); });
        QVERIFY2(busy.contains(QStringLiteral("volume shared is busy: backup running since")) &&
                     busy.contains(QStringLiteral("(pid %1)").arg(holder.processId())),
                 qPrintable(busy));
        QVERIFY(catalog.isJobRunning(volume.id));

        // The holder dies without releasing: the lock is stale and taken over.
        ::kill(pid_t(holder.processId()), SIGKILL);
        QVERIFY(holder.waitForFinished(10000));
        QVERIFY(!catalog.isJobRunning(volume.id));
        QVERIFY(catalog.runningJobs().isEmpty());
        VolumeJobLock lock = catalog.lockVolume(volume.id, QStringLiteral("restore"));
        QVERIFY(lock.isHeld());
        QCOMPARE(catalog.runningJobs().first().operation, QStringLiteral("restore"));
        QCOMPARE(catalog.runningJobs().first().pid, qint64(::getpid()));
    }

    void processAlive()
    {
        QVERIFY(Catalog::processAlive(::getpid()));
        QVERIFY(Catalog::processAlive(1)); // init: EPERM still means alive
        QVERIFY(!Catalog::processAlive(0));
        QProcess sleeper;
        sleeper.start(QStringLiteral("sleep"), {QStringLiteral("30")});
        QVERIFY(sleeper.waitForStarted());
        const qint64 pid = sleeper.processId();
        QVERIFY(Catalog::processAlive(pid));
        sleeper.kill();
        QVERIFY(sleeper.waitForFinished());
        QVERIFY(!Catalog::processAlive(pid));
    }

    // A kill -9'd job whose PID now belongs to an unrelated live process:
    // its row must not look like a running job (the PID is never trusted).
    void reusedPidIsNoLiveLock()
    {
        const QString path = dbPath(QStringLiteral("c.sqlite"));
        Catalog catalog(path);
        const Volume volume = makeVolume(QStringLiteral("vol"), QStringLiteral("/tmp/vol"));
        catalog.insertVolume(volume);
        QProcess unrelated;
        unrelated.start(QStringLiteral("sleep"), {QStringLiteral("60")});
        QVERIFY(unrelated.waitForStarted());
        insertJobRow(path, volume.id, unrelated.processId());
        QVERIFY(Catalog::processAlive(unrelated.processId()));

        QVERIFY(!catalog.isJobRunning(volume.id));
        QVERIFY(catalog.runningJobs().isEmpty());
        VolumeJobLock lock = catalog.lockVolume(volume.id, QStringLiteral("restore"));
        QVERIFY(lock.isHeld());
        QCOMPARE(catalog.runningJobs().size(), 1);
        QCOMPARE(catalog.runningJobs().first().pid, qint64(::getpid()));
        unrelated.kill();
        unrelated.waitForFinished();
    }

    void staleRowsAreRemovedLiveOnesKept()
    {
        const QString path = dbPath(QStringLiteral("c.sqlite"));
        Catalog catalog(path);
        const Volume live = makeVolume(QStringLiteral("live"), QStringLiteral("/tmp/live"));
        const Volume dead = makeVolume(QStringLiteral("dead"), QStringLiteral("/tmp/dead"));
        catalog.insertVolume(live);
        catalog.insertVolume(dead);
        VolumeJobLock lock = catalog.lockVolume(live.id, QStringLiteral("backup"), newUuid());
        insertJobRow(path, dead.id, ::getpid()); // this very (live) PID, but no lock
        QCOMPARE(catalog.removeStaleJobRows(), 1);
        QCOMPARE(catalog.runningJobs().size(), 1);
        QCOMPARE(catalog.runningJobs().first().volumeId, live.id);
        QVERIFY(catalog.isJobRunning(live.id));
        QVERIFY(!catalog.isJobRunning(dead.id));
    }

    // Two processes, two catalogs: the repair guard of one is refused while
    // the other's job lives, and granted once it has died.
    void repairGuardRefusedWhileAnotherProcessRunsTheJob()
    {
        const QString path = dbPath(QStringLiteral("shared.sqlite"));
        Catalog catalog(path);
        const Volume volume = makeVolume(QStringLiteral("shared"), QStringLiteral("/tmp/shared"));
        catalog.insertVolume(volume);
        QProcess holder;
        holder.start(QCoreApplication::applicationFilePath(),
                     {QStringLiteral("--hold-lock"), path, volume.id});
        QVERIFY(holder.waitForStarted());
        QVERIFY(holder.waitForReadyRead(20000));
        QCOMPARE(holder.readLine().trimmed(), QByteArray("locked"));

        Catalog second(path);
        const QStringList keys{second.volumeLockKey(volume.id)};
        QVERIFY(!second.tryLockForRepair(keys));
        QCOMPARE(second.removeStaleJobRows(), 0);
        QCOMPARE(second.runningJobs().size(), 1);
        // Looking does not take the lock: the holder's job is not disturbed.
        QVERIFY(second.isJobRunning(volume.id));
        QVERIFY(catalog.isJobRunning(volume.id));

        ::kill(pid_t(holder.processId()), SIGKILL);
        QVERIFY(holder.waitForFinished(10000));
        {
            std::optional<VolumeJobLock> guard = second.tryLockForRepair(keys);
            QVERIFY(guard);
            QVERIFY(guard->isHeld());
            // While repairing, no job can start on the volume.
            const QString busy =
                errorOf([&] { catalog.lockVolume(volume.id, QStringLiteral("backup")); });
            QVERIFY2(busy.contains(QStringLiteral("is busy")), qPrintable(busy));
        }
        QCOMPARE(second.removeStaleJobRows(), 1);
        QVERIFY(catalog.runningJobs().isEmpty());
    }

    // A job that began before the volume's identity was known still counts.
    void identityLearnedMidJobKeepsTheVolumeBusy()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        Volume volume = makeVolume(QStringLiteral("vol"), QStringLiteral("/tmp/vol"));
        catalog.insertVolume(volume);
        VolumeJobLock lock = catalog.lockVolume(volume.id, QStringLiteral("backup"));
        volume.identity = QStringLiteral("file:2049:12345");
        catalog.updateVolume(volume);
        QVERIFY(catalog.volumeLockKey(volume.id).contains(volume.identity));
        QVERIFY(catalog.isJobRunning(volume.id));
        const QString busy =
            errorOf([&] { catalog.lockVolume(volume.id, QStringLiteral("restore")); });
        QVERIFY2(busy.contains(QStringLiteral("volume vol is busy: backup")), qPrintable(busy));
    }

    void backupLockIsExclusive()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        const Volume volume = makeVolume(QStringLiteral("vol"), QStringLiteral("/tmp/vol"));
        catalog.insertVolume(volume);
        const QString backupId = newUuid();
        VolumeJobLock job = catalog.lockVolume(volume.id, QStringLiteral("backup"), backupId);
        const QString busy =
            errorOf([&] { catalog.lockBackup(backupId, QStringLiteral("delete")); });
        QVERIFY2(busy.contains(QStringLiteral("backup %1 is busy").arg(backupId)),
                 qPrintable(busy));
        QVERIFY(!catalog.tryLockForRepair({Catalog::backupLockKey(backupId)}));
        job.release();
        VolumeJobLock deleting = catalog.lockBackup(backupId, QStringLiteral("delete"));
        QVERIFY(deleting.isHeld());
        // A backup's lock file goes with its last job; volumes keep theirs.
        const QDir locks(QFileInfo(catalog.path()).absolutePath() + QStringLiteral("/locks"));
        QCOMPARE(locks.entryList({QStringLiteral("backup-*.lock")}, QDir::Files).size(), 1);
        deleting.release();
        QCOMPARE(locks.entryList({QStringLiteral("backup-*.lock")}, QDir::Files).size(), 0);
        QCOMPARE(locks.entryList({QStringLiteral("volume-*.lock")}, QDir::Files).size(), 1);
        VolumeJobLock again = catalog.lockBackup(backupId, QStringLiteral("delete"));
        QVERIFY(!catalog.tryLockForRepair({Catalog::backupLockKey(backupId)}));
    }

    void emptyCatalogFileIsRefused()
    {
        const QString path = dbPath(QStringLiteral("empty.sqlite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const QString message = errorOf([&] { Catalog catalog(path); });
        QVERIFY2(message.contains(path) && message.contains(QStringLiteral("empty")) &&
                     message.contains(QStringLiteral("catalog-restore")),
                 qPrintable(message));
        QCOMPARE(QFileInfo(path).size(), 0); // not replaced by a new catalog
    }

    void notADatabaseIsRefused()
    {
        const QString path = dbPath(QStringLiteral("text.sqlite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("these are not the pages you are looking for\n").repeated(200));
        file.close();
        const QString message = errorOf([&] { Catalog catalog(path); });
        QVERIFY2(message.contains(path) && message.contains(QStringLiteral("not an SQLite")),
                 qPrintable(message));
        QCOMPARE(QFileInfo(path).size(), 44 * 200);
    }

    void damagedDatabaseIsRefused()
    {
        const QString path = dbPath(QStringLiteral("damaged.sqlite"));
        {
            Catalog catalog(path);
            catalog.insertVolume(makeVolume(QStringLiteral("v"), QStringLiteral("/tmp/v")));
        }
        // The header survives; the schema page behind it does not.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek(100));
        file.write(QByteArray(3000, '\x5a'));
        file.close();
        const QString message = errorOf([&] { Catalog catalog(path); });
        QVERIFY2(message.contains(path) && message.contains(QStringLiteral("damaged")) &&
                     message.contains(QStringLiteral("catalog-restore")),
                 qPrintable(message));
    }

    void copiesAreMadeRotatedAndRestorable()
    {
        const QString path = dbPath(QStringLiteral("home/catalog.sqlite"));
        const Volume first = makeVolume(QStringLiteral("first"), QStringLiteral("/tmp/first"));
        const Volume second = makeVolume(QStringLiteral("second"), QStringLiteral("/tmp/second"));
        QString newest;
        {
            Catalog catalog(path);
            catalog.insertVolume(first);
            // The end of every job makes a copy.
            QVERIFY(Catalog::copies(path).isEmpty());
            catalog.lockVolume(first.id, QStringLiteral("backup")).release();
            QCOMPARE(Catalog::copies(path).size(), 1);
            const QString made = Catalog::copies(path).first().path;
            // Older copies from other days: only the newest seven stay.
            for (int day = 1; day <= 8; ++day)
                QVERIFY(QFile::copy(made, Catalog::copiesDirectory(path) +
                                              QStringLiteral("/catalog-202001%1T0000Z.sqlite")
                                                  .arg(day, 2, 10, QLatin1Char('0'))));
            catalog.insertVolume(second);
            newest = catalog.snapshotCopy();
            const QList<CatalogCopy> copies = Catalog::copies(path);
            QCOMPARE(copies.size(), 7);
            QCOMPARE(copies.first().path, newest);
            QVERIFY(copies.first().takenAt.secsTo(QDateTime::currentDateTimeUtc()) < 120);
            QVERIFY(!QFile::exists(Catalog::copiesDirectory(path) +
                                   QStringLiteral("/catalog-20200101T0000Z.sqlite")));
            QVERIFY(!QFile::exists(Catalog::copiesDirectory(path) +
                                   QStringLiteral("/catalog-20200102T0000Z.sqlite")));
            // Not while the catalog is open somewhere (here: this process).
            const QString refused =
                errorOf([&] { Catalog::restoreCopy(path, QFileInfo(newest).fileName()); });
            QVERIFY2(refused.contains(QStringLiteral("has the catalog")), qPrintable(refused));
        }
        // The catalog is lost; the copy brings it back.
        QFile damaged(path);
        QVERIFY(damaged.resize(0));
        QVERIFY(!errorOf([&] { Catalog catalog(path); }).isEmpty());
        const QString keptAside = Catalog::restoreCopy(path, QFileInfo(newest).fileName());
        QVERIFY2(keptAside.startsWith(path + QStringLiteral(".damaged-")), qPrintable(keptAside));
        QCOMPARE(QFileInfo(keptAside).size(), 0);
        Catalog restored(path);
        QCOMPARE(restored.volumes().size(), 2);
        QVERIFY(restored.volume(first.id));
        QVERIFY(restored.volume(second.id));
    }

    // A copy taken while another job ran: after a restore that job's rows
    // are settled without declaring its backup dead (its objects stay).
    void restoredCopySettlesTheJobsOfItsTime()
    {
        const QString path = dbPath(QStringLiteral("catalog.sqlite"));
        Backup creating = fullBackup(newUuid());
        QString copy;
        Volume volume = makeVolume(QStringLiteral("busy"), QStringLiteral("/tmp/busy"));
        {
            Catalog catalog(path);
            catalog.insertVolume(volume);
            creating.volumeId = volume.id;
            creating.parentId.clear();
            creating.status = BackupStatus::Creating;
            VolumeJobLock job =
                catalog.lockVolume(volume.id, QStringLiteral("backup"), creating.id);
            catalog.insertBackup(creating);
            volume.previousStatus = VolumeStatus::Available;
            volume.status = VolumeStatus::BackingUp;
            catalog.updateVolume(volume);
            copy = catalog.snapshotCopy();
        }
        Catalog::restoreCopy(path, copy);
        Catalog restored(path);
        QVERIFY(!restored.backup(creating.id, true));
        QCOMPARE(restored.volume(volume.id)->status, VolumeStatus::Available);
        QVERIFY(restored.runningJobs().isEmpty());
        QVERIFY(restored.lockVolume(volume.id, QStringLiteral("backup")).isHeld());
    }

    void restoreRefusesANonCatalog()
    {
        const QString path = dbPath(QStringLiteral("catalog.sqlite"));
        {
            Catalog catalog(path);
            catalog.insertVolume(makeVolume(QStringLiteral("v"), QStringLiteral("/tmp/v")));
        }
        const QString bogus = dbPath(QStringLiteral("bogus.sqlite"));
        QFile file(bogus);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        file.close();
        const QString message = errorOf([&] { Catalog::restoreCopy(path, bogus); });
        QVERIFY2(message.contains(QStringLiteral("cannot be restored")), qPrintable(message));
        QVERIFY(errorOf([&] {
                    Catalog::restoreCopy(path, QStringLiteral("nope.sqlite"));
                }).contains(QStringLiteral("catalog-copies")));
        Catalog intact(path);
        QCOMPARE(intact.volumes().size(), 1);
    }

    void filesArePrivateWhateverTheUmask()
    {
        const mode_t previous = ::umask(0022);
        const QString directory = dbPath(QStringLiteral("private"));
        const QString path = directory + QStringLiteral("/catalog.sqlite");
        {
            Catalog catalog(path);
            catalog.insertVolume(makeVolume(QStringLiteral("v"), QStringLiteral("/tmp/v")));
            const QString copy = catalog.snapshotCopy();
            QCOMPARE(modeOf(directory), 0700);
            QCOMPARE(modeOf(path), 0600);
            QCOMPARE(modeOf(path + QStringLiteral("-wal")), 0600);
            QCOMPARE(modeOf(path + QStringLiteral("-shm")), 0600);
            QCOMPARE(modeOf(Catalog::copiesDirectory(path)), 0700);
            QCOMPARE(modeOf(copy), 0600);
            QCOMPARE(modeOf(directory + QStringLiteral("/locks")), 0700);
        }
        // A file made wider meanwhile is private again on the next open.
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0644) == 0);
        const QString locks = directory + QStringLiteral("/locks");
        QVERIFY(::chmod(QFile::encodeName(locks).constData(), 0755) == 0);
        QVERIFY(::chmod(QFile::encodeName(Catalog::copiesDirectory(path)).constData(), 0755) == 0);
        {
            Catalog catalog(path);
            QCOMPARE(modeOf(path), 0600);
            QCOMPARE(modeOf(locks), 0700);
            catalog.snapshotCopy();
            QCOMPARE(modeOf(Catalog::copiesDirectory(path)), 0700);
        }
        ::umask(previous);
    }

    void twoConnectionsSeeEachOthersCommits()
    {
        const QString path = dbPath(QStringLiteral("shared.sqlite"));
        Catalog first(path);
        Catalog second(path);
        const qint64 firstBefore = first.changeCounter();
        const qint64 secondBefore = second.changeCounter();
        QCOMPARE(first.changeCounter(), firstBefore); // stable without changes

        first.insertVolume(makeVolume(QStringLiteral("x"), QStringLiteral("/tmp/x")));
        QVERIFY(first.changeCounter() != firstBefore); // its own write
        QVERIFY(second.changeCounter() != secondBefore);
        QCOMPARE(second.volumes().size(), 1);

        const qint64 firstMid = first.changeCounter();
        const qint64 secondMid = second.changeCounter();
        second.upsertBackend({QStringLiteral("b"), QStringLiteral("posix"), {}, true, {}});
        QVERIFY(first.changeCounter() != firstMid);
        QVERIFY(second.changeCounter() != secondMid);
        QCOMPARE(first.backends().size(), 1);
    }

    void processesWriteTheSameFileAtOnce()
    {
        // GUI and CLI share the file: writers wait for each other (busy
        // timeout) instead of failing with "database is locked".
        const QString path = dbPath(QStringLiteral("shared.sqlite"));
        Catalog catalog(path);
        const QString volumeId = newUuid();
        QList<QProcess*> writers;
        for (int i = 0; i < 3; ++i) {
            auto* writer = new QProcess(this);
            writer->start(QCoreApplication::applicationFilePath(),
                          {QStringLiteral("--insert-backups"), path, volumeId});
            writers << writer;
        }
        const qint64 before = catalog.changeCounter();
        for (int i = 0; i < 40; ++i) {
            Backup b;
            b.id = newUuid();
            b.volumeId = volumeId;
            catalog.insertBackup(b);
        }
        for (QProcess* writer : writers) {
            QVERIFY(writer->waitForFinished(60000));
            QVERIFY2(writer->exitCode() == 0, writer->readAllStandardError().constData());
        }
        QCOMPARE(catalog.backups().size(), 160);
        QVERIFY(catalog.changeCounter() != before);
        qDeleteAll(writers);
    }

    void concurrentThreadsShareOneCatalog()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        const QString volumeId = newUuid();
        QList<QThread*> threads;
        for (int t = 0; t < 4; ++t) {
            threads << QThread::create([&catalog, volumeId] {
                for (int i = 0; i < 25; ++i) {
                    Backup b;
                    b.id = newUuid();
                    b.volumeId = volumeId;
                    catalog.insertBackup(b);
                    catalog.backups();
                }
            });
            threads.last()->start();
        }
        for (QThread* thread : threads) {
            QVERIFY(thread->wait(60000));
            delete thread;
        }
        QCOMPARE(catalog.backups().size(), 100);
    }

    // ---- Retention ----

    void migratesAVersion3CatalogKeepingItsRows()
    {
        const QString path = dbPath(QStringLiteral("old/catalog.sqlite"));
        createVersion3Catalog(path);
        QVERIFY(!columnsOf(path, "backups").contains(QStringLiteral("protected")));
        {
            Catalog catalog(path);
            QCOMPARE(catalog.schemaVersion(), Catalog::currentSchemaVersion());
            QVERIFY(catalog.schemaVersion() > 3);
            QCOMPARE(catalog.volumes().size(), 1);
            QCOMPARE(catalog.volume(kOldVolume)->identity, QStringLiteral("file:1:2"));
            QCOMPARE(catalog.backend(QStringLiteral("local"))->isDefault, true);
            const QList<Backup> backups = catalog.backups();
            QCOMPARE(backups.size(), 2);
            for (const Backup& backup : backups) {
                QVERIFY(!backup.isProtected);
                QVERIFY(backup.synthesizedFrom.isEmpty());
            }
            const Backup incremental = catalog.backup(kOldIncremental).value();
            QCOMPARE(incremental.parentId, kOldFull);
            QCOMPARE(incremental.storedBytes, 512);
            QCOMPARE(incremental.createdAt, at(2025, 3, 5, 6, 0, 0, 0));
            QCOMPARE(catalog.children(kOldFull).size(), 1);
            // The new tables start empty and take rows.
            QVERIFY(!catalog.retentionPolicy(Catalog::volumePolicyScope(kOldVolume)));
            QVERIFY(catalog.pruneLog().isEmpty());
            QVERIFY(catalog.verifiedObjects(kOldFull).isEmpty());
            QVERIFY(catalog.verifyResults().isEmpty());
            catalog.setBackupProtected(kOldFull, true);
            QVERIFY(catalog.backup(kOldFull)->isProtected);
        }
        const QStringList columns = columnsOf(path, "backups");
        QVERIFY2(columns.contains(QStringLiteral("protected")) &&
                     columns.contains(QStringLiteral("synthesized_from")),
                 qPrintable(columns.join(QLatin1Char(' '))));
        for (const char* table :
             {"retention_policies", "prune_log", "verified_objects", "verify_results"})
            QVERIFY2(!columnsOf(path, table).isEmpty(), table);
        // Opening again migrates nothing twice.
        Catalog reopened(path);
        QCOMPARE(reopened.schemaVersion(), Catalog::currentSchemaVersion());
        QVERIFY(reopened.backup(kOldFull)->isProtected);
        QVERIFY(!reopened.backup(kOldIncremental)->isProtected);
    }

    // A copy taken before retention existed is restored as is and migrated
    // by the next open.
    void restoresACopyFromBeforeRetention()
    {
        const QString path = dbPath(QStringLiteral("home/catalog.sqlite"));
        const QString oldCopy = dbPath(QStringLiteral("elsewhere/catalog-old.sqlite"));
        createVersion3Catalog(oldCopy);
        {
            Catalog catalog(path);
            catalog.insertVolume(makeVolume(QStringLiteral("new"), QStringLiteral("/tmp/new")));
            catalog.setRetentionPolicy(Catalog::backendPolicyScope(QStringLiteral("local")),
                                       RetentionPolicy{});
        }
        Catalog::restoreCopy(path, oldCopy);
        Catalog restored(path);
        QCOMPARE(restored.schemaVersion(), Catalog::currentSchemaVersion());
        QCOMPARE(restored.volumes().size(), 1);
        QCOMPARE(restored.volumes().first().id, kOldVolume);
        QCOMPARE(restored.backups().size(), 2);
        QVERIFY(!restored.retentionPolicy(Catalog::backendPolicyScope(QStringLiteral("local"))));
        restored.setBackupProtected(kOldIncremental, true);
        QVERIFY(restored.backup(kOldIncremental)->isProtected);
    }

    void protectedAndSynthesizedFromRoundTrip()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        Backup source = fullBackup(newUuid());
        source.parentId.clear();
        catalog.insertBackup(source);
        Backup synthetic = fullBackup(source.volumeId);
        synthetic.parentId.clear();
        synthetic.isProtected = true;
        synthetic.synthesizedFrom = source.id;
        catalog.insertBackup(synthetic);

        const Backup loaded = catalog.backup(synthetic.id).value();
        compareBackups(loaded, synthetic);
        QVERIFY(loaded.isProtected);
        QCOMPARE(loaded.synthesizedFrom, source.id);
        const Backup plain = catalog.backup(source.id).value();
        QVERIFY(!plain.isProtected);
        QVERIFY(plain.synthesizedFrom.isEmpty());
        BackupFilter byVolume;
        byVolume.volumeId = source.volumeId;
        const QList<Backup> listed = catalog.backups(byVolume);
        QCOMPARE(listed.size(), 2);
        for (const Backup& backup : listed)
            QCOMPARE(backup.isProtected, backup.id == synthetic.id);

        // updateBackup writes both columns.
        Backup changed = loaded;
        changed.isProtected = false;
        changed.synthesizedFrom.clear();
        catalog.updateBackup(changed);
        QVERIFY(!catalog.backup(synthetic.id)->isProtected);
        QVERIFY(catalog.backup(synthetic.id)->synthesizedFrom.isEmpty());

        // setBackupProtected changes the flag alone.
        catalog.setBackupProtected(source.id, true);
        const Backup nowProtected = catalog.backup(source.id).value();
        QVERIFY(nowProtected.isProtected);
        QCOMPARE(nowProtected.displayName, source.displayName);
        QCOMPARE(nowProtected.status, source.status);
        catalog.setBackupProtected(source.id, false);
        QVERIFY(!catalog.backup(source.id)->isProtected);
        const QString unknown = newUuid();
        QVERIFY(errorOf([&] { catalog.setBackupProtected(unknown, true); }).contains(unknown));
        catalog.softDeleteBackup(source.id);
        QVERIFY(!errorOf([&] { catalog.setBackupProtected(source.id, true); }).isEmpty());

        // Ember's own fields stay out of the export record Cinder imports.
        Backup exported = catalog.backup(synthetic.id).value();
        exported.isProtected = true;
        exported.synthesizedFrom = source.id;
        const QByteArray record = exportRecordJson(exported);
        QVERIFY2(!record.contains("protected") && !record.contains("synthesized") &&
                     !record.contains(source.id.toLatin1()),
                 record.constData());
    }

    // ---- Immutable backups (S3 Object Lock) ----

    void immutableUntilAndModeRoundTrip()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        Backup locked = fullBackup(newUuid());
        locked.immutableUntil = at(2027, 1, 6, 10, 0, 0, 0);
        locked.immutableMode = QStringLiteral("COMPLIANCE");
        catalog.insertBackup(locked);
        Backup plain = fullBackup(locked.volumeId);
        plain.immutableUntil = {};
        plain.immutableMode.clear();
        catalog.insertBackup(plain);

        const Backup loaded = catalog.backup(locked.id).value();
        QCOMPARE(loaded.immutableUntil, at(2027, 1, 6, 10, 0, 0, 0));
        QCOMPARE(loaded.immutableUntil.timeSpec(), Qt::UTC);
        QCOMPARE(loaded.immutableMode, QStringLiteral("COMPLIANCE"));
        QVERIFY(loaded.isImmutableAt(at(2027, 1, 6, 9, 59, 59, 999)));
        QVERIFY(!loaded.isImmutableAt(at(2027, 1, 6, 10, 0, 0, 0)));
        const Backup unlocked = catalog.backup(plain.id).value();
        QVERIFY(!unlocked.immutableUntil.isValid());
        QVERIFY(unlocked.immutableMode.isEmpty());
        QVERIFY(!unlocked.isImmutableAt(QDateTime::currentDateTimeUtc()));
        BackupFilter byVolume;
        byVolume.volumeId = locked.volumeId;
        for (const Backup& listed : catalog.backups(byVolume))
            QCOMPARE(listed.immutableUntil.isValid(), listed.id == locked.id);

        // updateBackup writes both columns, a lock recorded after the insert included.
        Backup changed = unlocked;
        changed.immutableUntil = at(2030, 2, 3, 4, 5, 6, 7);
        changed.immutableMode = QStringLiteral("GOVERNANCE");
        catalog.updateBackup(changed);
        QCOMPARE(catalog.backup(plain.id)->immutableUntil, at(2030, 2, 3, 4, 5, 6, 7));
        QCOMPARE(catalog.backup(plain.id)->immutableMode, QStringLiteral("GOVERNANCE"));
        QCOMPARE(catalog.children(locked.parentId).size(), 1);
        QCOMPARE(catalog.children(locked.parentId).first().immutableMode,
                 QStringLiteral("COMPLIANCE"));
        QVERIFY(columnsOf(dbPath(QStringLiteral("c.sqlite")), "backups")
                    .contains(QStringLiteral("immutable_until")));

        // Ember's own fields stay out of the export record Cinder imports.
        const QByteArray record = exportRecordJson(loaded);
        QVERIFY2(!record.contains("immutable") && !record.contains("COMPLIANCE"),
                 record.constData());
    }

    // A schema-5 catalog (before Object Lock) keeps its backups, unlocked,
    // and takes locks after the migration.
    void migratesAVersion5CatalogToUnlockedBackups()
    {
        const QString path = dbPath(QStringLiteral("v5/catalog.sqlite"));
        Backup old = fullBackup(newUuid());
        old.immutableUntil = {};
        old.immutableMode.clear();
        {
            Catalog catalog(path);
            catalog.insertBackup(old);
        }
        // Back to schema 5 as it was: the migration's columns gone.
        executeRaw(path, QStringLiteral("ALTER TABLE backups DROP COLUMN encryption;"
                                        "ALTER TABLE backups DROP COLUMN encryption_key;"
                                        "ALTER TABLE backups DROP COLUMN immutable_until;"
                                        "ALTER TABLE backups DROP COLUMN immutable_mode;"
                                        "PRAGMA user_version=5;"));
        QVERIFY(!columnsOf(path, "backups").contains(QStringLiteral("immutable_until")));
        {
            Catalog catalog(path);
            QCOMPARE(catalog.schemaVersion(), Catalog::currentSchemaVersion());
            QVERIFY(catalog.schemaVersion() >= 6);
            const Backup loaded = catalog.backup(old.id).value();
            compareBackups(loaded, old);
            QVERIFY(!loaded.immutableUntil.isValid());
            QVERIFY(loaded.immutableMode.isEmpty());
            Backup locked = loaded;
            locked.immutableUntil = at(2027, 1, 6, 10, 0, 0, 0);
            locked.immutableMode = QStringLiteral("GOVERNANCE");
            catalog.updateBackup(locked);
        }
        const QStringList columns = columnsOf(path, "backups");
        QVERIFY2(columns.contains(QStringLiteral("immutable_until")) &&
                     columns.contains(QStringLiteral("immutable_mode")),
                 qPrintable(columns.join(QLatin1Char(' '))));
        Catalog reopened(path);
        QCOMPARE(reopened.schemaVersion(), Catalog::currentSchemaVersion());
        QCOMPARE(reopened.backup(old.id)->immutableUntil, at(2027, 1, 6, 10, 0, 0, 0));
        QCOMPARE(reopened.backup(old.id)->immutableMode, QStringLiteral("GOVERNANCE"));
    }

    // A schema-6 catalog (before encryption at rest) keeps its backups, in the
    // clear, and records encrypted ones after the migration.
    void migratesAVersion6CatalogToClearBackups()
    {
        const QString path = dbPath(QStringLiteral("v6/catalog.sqlite"));
        Backup old = fullBackup(newUuid());
        old.immutableUntil = at(2027, 1, 6, 10, 0, 0, 0);
        old.immutableMode = QStringLiteral("GOVERNANCE");
        {
            Catalog catalog(path);
            catalog.insertBackup(old);
        }
        executeRaw(path, QStringLiteral("ALTER TABLE backups DROP COLUMN encryption;"
                                        "ALTER TABLE backups DROP COLUMN encryption_key;"
                                        "PRAGMA user_version=6;"));
        QVERIFY(!columnsOf(path, "backups").contains(QStringLiteral("encryption")));
        const QString fingerprint = QStringLiteral("3f2a-9c1d-0000-1111-2222-3333-4444-5555");
        {
            Catalog catalog(path);
            QCOMPARE(catalog.schemaVersion(), Catalog::currentSchemaVersion());
            QVERIFY(catalog.schemaVersion() >= 7);
            QCOMPARE(catalog.backups().size(), 1);
            const Backup loaded = catalog.backup(old.id).value();
            compareBackups(loaded, old);
            QVERIFY(!loaded.isEncrypted());
            QVERIFY(loaded.encryptionKeyFingerprint.isEmpty());
            Backup encrypted = fullBackup(newUuid());
            encrypted.encryption = QStringLiteral("aes-256-gcm");
            encrypted.encryptionKeyFingerprint = fingerprint;
            catalog.insertBackup(encrypted);
            Backup rewrapped = loaded;
            rewrapped.encryption = QStringLiteral("aes-256-gcm");
            rewrapped.encryptionKeyFingerprint = fingerprint;
            catalog.updateBackup(rewrapped);
        }
        const QStringList columns = columnsOf(path, "backups");
        QVERIFY2(columns.contains(QStringLiteral("encryption")) &&
                     columns.contains(QStringLiteral("encryption_key")),
                 qPrintable(columns.join(QLatin1Char(' '))));
        Catalog reopened(path);
        const QList<Backup> backups = reopened.backups();
        QCOMPARE(backups.size(), 2);
        for (const Backup& backup : backups) {
            QVERIFY(backup.isEncrypted());
            QCOMPARE(backup.encryption, QStringLiteral("aes-256-gcm"));
            QCOMPARE(backup.encryptionKeyFingerprint, fingerprint);
        }
        QCOMPARE(reopened.backup(old.id)->immutableMode, QStringLiteral("GOVERNANCE"));
        // Ember's own fields stay out of the export record Cinder imports.
        const QByteArray record = exportRecordJson(reopened.backup(old.id).value());
        QVERIFY2(!record.contains(fingerprint.toLatin1()), record.constData());
    }

    void retentionPoliciesPerScope()
    {
        const QString path = dbPath(QStringLiteral("c.sqlite"));
        Catalog catalog(path);
        const QString volumeId = newUuid();
        const QString volumeScope = Catalog::volumePolicyScope(volumeId);
        const QString backendScope = Catalog::backendPolicyScope(QStringLiteral("local"));
        QCOMPARE(volumeScope, QStringLiteral("volume:") + volumeId);
        QCOMPARE(backendScope, QStringLiteral("backend:local"));
        QVERIFY(!catalog.retentionPolicy(volumeScope));

        RetentionPolicy daily;
        daily.keepLast = 3;
        daily.keepDaily = 7;
        daily.keepWithin = RetentionSpan{0, 1, 2, 12};
        RetentionPolicy monthly;
        monthly.keepMonthly = 12;
        monthly.keepYearly = 0;
        catalog.setRetentionPolicy(volumeScope, daily);
        catalog.setRetentionPolicy(backendScope, monthly);
        QCOMPARE(catalog.retentionPolicy(volumeScope).value(), daily);
        QCOMPARE(catalog.retentionPolicy(backendScope).value(), monthly);
        // Seen by another connection (the CLI and the GUI share the file).
        {
            Catalog other(path);
            QCOMPARE(other.retentionPolicy(volumeScope).value(), daily);
        }

        // Replaced, then removed; the other scope is left alone.
        catalog.setRetentionPolicy(volumeScope, monthly);
        QCOMPARE(catalog.retentionPolicy(volumeScope).value(), monthly);
        catalog.setRetentionPolicy(volumeScope, std::nullopt);
        QVERIFY(!catalog.retentionPolicy(volumeScope));
        QCOMPARE(catalog.retentionPolicy(backendScope).value(), monthly);
        catalog.setRetentionPolicy(volumeScope, std::nullopt); // nothing to remove: fine

        // An empty policy is a policy (keep everything), not a removal.
        catalog.setRetentionPolicy(volumeScope, RetentionPolicy{});
        QVERIFY(catalog.retentionPolicy(volumeScope).has_value());
        QVERIFY(catalog.retentionPolicy(volumeScope)->isEmpty());

        const QString badScope =
            errorOf([&] { catalog.setRetentionPolicy(QStringLiteral("volume:"), daily); });
        QVERIFY2(badScope.contains(QStringLiteral("scope")), qPrintable(badScope));
        QVERIFY(!errorOf([&] {
                     catalog.setRetentionPolicy(QStringLiteral("cluster:x"), daily);
                 }).isEmpty());

        // A stored policy that no longer parses names its scope.
        executeRaw(path, QStringLiteral("UPDATE retention_policies SET policy = 'not json' "
                                        "WHERE scope = '%1'")
                             .arg(backendScope));
        const QString garbled = errorOf([&] { catalog.retentionPolicy(backendScope); });
        QVERIFY2(garbled.contains(backendScope), qPrintable(garbled));
        executeRaw(path, QStringLiteral("UPDATE retention_policies SET policy = "
                                        "'{\"keep_last\": -3}' WHERE scope = '%1'")
                             .arg(backendScope));
        const QString invalid = errorOf([&] { catalog.retentionPolicy(backendScope); });
        QVERIFY2(invalid.contains(backendScope), qPrintable(invalid));
        // The others still read.
        QVERIFY(catalog.retentionPolicy(volumeScope).has_value());
    }

    void pruneLogIsOldestFirstAndFiltersByVolume()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        const QString volumeA = newUuid();
        const QString volumeB = newUuid();
        QVERIFY(catalog.pruneLog().isEmpty());
        PruneLogEntry second{0,
                             at(2026, 2, 1, 0, 0, 0, 5),
                             volumeA,
                             newUuid(),
                             QStringLiteral("removed"),
                             QStringLiteral("kept by nothing"),
                             QStringLiteral("keep-last=1")};
        PruneLogEntry first{0,
                            at(2026, 1, 1, 0, 0, 0, 0),
                            volumeB,
                            newUuid(),
                            QStringLiteral("synthesized"),
                            QStringLiteral("synthetic full of x"),
                            QStringLiteral("keep-daily=7")};
        PruneLogEntry third{0,
                            at(2026, 2, 1, 0, 0, 0, 5), // the same instant as `second`
                            volumeA,
                            newUuid(),
                            QStringLiteral("reparented"),
                            QStringLiteral("a -> b"),
                            {}};
        catalog.appendPruneLog(second);
        catalog.appendPruneLog(first);
        catalog.appendPruneLog(third);
        PruneLogEntry undated;
        undated.volumeId = volumeB;
        undated.backupId = newUuid();
        undated.action = QStringLiteral("removed");
        catalog.appendPruneLog(undated);

        const QList<PruneLogEntry> all = catalog.pruneLog();
        QCOMPARE(all.size(), 4);
        QCOMPARE(all.at(0).backupId, first.backupId);
        QCOMPARE(all.at(1).backupId, second.backupId);
        QCOMPARE(all.at(2).backupId, third.backupId);
        QCOMPARE(all.at(3).backupId, undated.backupId);
        QVERIFY(all.at(3).at.isValid()); // stamped now
        QVERIFY(qAbs(all.at(3).at.secsTo(QDateTime::currentDateTimeUtc())) < 120);
        QSet<qint64> ids;
        for (const PruneLogEntry& entry : all) {
            QVERIFY(entry.id > 0);
            ids.insert(entry.id);
        }
        QCOMPARE(ids.size(), 4);
        QVERIFY(all.at(2).id > all.at(1).id);
        const PruneLogEntry& loaded = all.at(1);
        QCOMPARE(loaded.at, second.at);
        QCOMPARE(loaded.volumeId, second.volumeId);
        QCOMPARE(loaded.action, second.action);
        QCOMPARE(loaded.detail, second.detail);
        QCOMPARE(loaded.policy, second.policy);
        QVERIFY(all.at(2).policy.isEmpty());

        const QList<PruneLogEntry> ofA = catalog.pruneLog(volumeA);
        QCOMPARE(ofA.size(), 2);
        QCOMPARE(ofA.at(0).backupId, second.backupId);
        QCOMPARE(ofA.at(1).backupId, third.backupId);
        const QList<PruneLogEntry> ofB = catalog.pruneLog(volumeB);
        QCOMPARE(ofB.size(), 2);
        QCOMPARE(ofB.at(0).backupId, first.backupId);
        QVERIFY(catalog.pruneLog(newUuid()).isEmpty());
    }

    void verifiedObjectsUpsertAndGoWithTheBackup()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        Backup backup = fullBackup(newUuid());
        Backup other = fullBackup(backup.volumeId);
        catalog.insertBackup(backup);
        catalog.insertBackup(other);
        QVERIFY(catalog.verifiedObjects(backup.id).isEmpty());

        const QDateTime earlier = at(2026, 3, 1, 10, 0, 0, 1);
        const QDateTime later = at(2026, 3, 8, 10, 0, 0, 2);
        catalog.markObjectsVerified(
            backup.id, {QStringLiteral("p-00001"), QStringLiteral("p-00002")}, earlier);
        catalog.markObjectsVerified(backup.id,
                                    {QStringLiteral("p-00002"), QStringLiteral("p-00003")}, later);
        catalog.markObjectsVerified(other.id, {QStringLiteral("p-00001")}, later);
        catalog.markObjectsVerified(backup.id, {}, later); // nothing to mark: fine

        const QHash<QString, QDateTime> verified = catalog.verifiedObjects(backup.id);
        QCOMPARE(verified.size(), 3);
        QCOMPARE(verified.value(QStringLiteral("p-00001")), earlier);
        QCOMPARE(verified.value(QStringLiteral("p-00002")), later);
        QCOMPARE(verified.value(QStringLiteral("p-00003")), later);
        QCOMPARE(catalog.verifiedObjects(other.id).size(), 1);

        // Thousands in one call (one transaction).
        QStringList many;
        for (int i = 0; i < 5000; ++i)
            many << QStringLiteral("q-%1").arg(i, 5, 10, QLatin1Char('0'));
        catalog.markObjectsVerified(other.id, many, earlier);
        QCOMPARE(catalog.verifiedObjects(other.id).size(), 5001);

        // An unknown backup's verification is refused, not recorded.
        const QString unknown = newUuid();
        QVERIFY(errorOf([&] {
                    catalog.markObjectsVerified(unknown, {QStringLiteral("x")}, later);
                }).contains(unknown));
        QVERIFY(catalog.verifiedObjects(unknown).isEmpty());

        // Soft delete removes the backup's rows, and only its.
        catalog.softDeleteBackup(backup.id);
        QVERIFY(catalog.verifiedObjects(backup.id).isEmpty());
        QCOMPARE(catalog.verifiedObjects(other.id).size(), 5001);
        QVERIFY(!errorOf([&] {
                     catalog.markObjectsVerified(backup.id, {QStringLiteral("p-00001")}, later);
                 }).isEmpty());
        // A revived id starts unverified.
        Backup revived = backup;
        revived.status = BackupStatus::Creating;
        catalog.insertBackup(revived);
        QVERIFY(catalog.verifiedObjects(backup.id).isEmpty());
    }

    void verifyResultsPerBackup()
    {
        Catalog catalog(dbPath(QStringLiteral("c.sqlite")));
        Backup first = fullBackup(newUuid());
        Backup second = fullBackup(first.volumeId);
        catalog.insertBackup(first);
        catalog.insertBackup(second);
        QVERIFY(!catalog.verifyResult(first.id));
        QVERIFY(catalog.verifyResults().isEmpty());

        VerifyResult failed;
        failed.backupId = first.id;
        failed.checkedAt = at(2026, 4, 1, 2, 3, 4, 5);
        failed.ok = false;
        failed.problem = QStringLiteral("object p-00007: sha256 mismatch at offset 65536");
        failed.samplePercent = 10;
        failed.objectsChecked = 12;
        failed.objectsTotal = 118;
        catalog.setVerifyResult(failed);
        VerifyResult good;
        good.backupId = second.id;
        good.checkedAt = at(2026, 4, 2, 0, 0, 0, 0);
        good.ok = true;
        good.samplePercent = 100;
        good.objectsChecked = 40;
        good.objectsTotal = 40;
        catalog.setVerifyResult(good);

        const VerifyResult loaded = catalog.verifyResult(first.id).value();
        QCOMPARE(loaded.backupId, failed.backupId);
        QCOMPARE(loaded.checkedAt, failed.checkedAt);
        QCOMPARE(loaded.ok, false);
        QCOMPARE(loaded.problem, failed.problem);
        QCOMPARE(loaded.samplePercent, 10);
        QCOMPARE(loaded.objectsChecked, 12);
        QCOMPARE(loaded.objectsTotal, 118);
        QCOMPARE(catalog.verifyResult(second.id)->ok, true);
        QVERIFY(catalog.verifyResult(second.id)->problem.isEmpty());

        // The last result replaces the one before.
        VerifyResult again = failed;
        again.checkedAt = at(2026, 4, 3, 0, 0, 0, 0);
        again.ok = true;
        again.problem.clear();
        again.samplePercent = 25;
        again.objectsChecked = 30;
        catalog.setVerifyResult(again);
        const VerifyResult replaced = catalog.verifyResult(first.id).value();
        QCOMPARE(replaced.ok, true);
        QVERIFY(replaced.problem.isEmpty());
        QCOMPARE(replaced.checkedAt, again.checkedAt);
        QCOMPARE(replaced.samplePercent, 25);
        QCOMPARE(replaced.objectsChecked, 30);

        const QList<VerifyResult> all = catalog.verifyResults();
        QCOMPARE(all.size(), 2);
        QSet<QString> ids;
        for (const VerifyResult& result : all)
            ids.insert(result.backupId);
        QCOMPARE(ids, (QSet<QString>{first.id, second.id}));

        const QString unknown = newUuid();
        VerifyResult stray = good;
        stray.backupId = unknown;
        QVERIFY(errorOf([&] { catalog.setVerifyResult(stray); }).contains(unknown));

        catalog.softDeleteBackup(first.id);
        QVERIFY(!catalog.verifyResult(first.id));
        QCOMPARE(catalog.verifyResults().size(), 1);
        QCOMPARE(catalog.verifyResults().first().backupId, second.id);
    }
};

int main(int argc, char** argv)
{
    // Helper mode for the cross-process lock test.
    if (argc == 4 && std::strcmp(argv[1], "--hold-lock") == 0) {
        QCoreApplication app(argc, argv);
        Catalog catalog(QString::fromLocal8Bit(argv[2]));
        VolumeJobLock lock =
            catalog.lockVolume(QString::fromLocal8Bit(argv[3]), QStringLiteral("backup"));
        std::printf("locked\n");
        std::fflush(stdout);
        ::sleep(120);
        return 0;
    }
    // Helper mode for the multi-process writer test.
    if (argc == 4 && std::strcmp(argv[1], "--insert-backups") == 0) {
        try {
            Catalog catalog(QString::fromLocal8Bit(argv[2]));
            for (int i = 0; i < 40; ++i) {
                Backup b;
                b.id = newUuid();
                b.volumeId = QString::fromLocal8Bit(argv[3]);
                catalog.transaction([&] {
                    catalog.insertBackup(b);
                    catalog.backups(); // hold the write lock a little longer
                });
            }
        } catch (const Error& error) {
            std::fprintf(stderr, "%s\n", error.what());
            return 1;
        }
        return 0;
    }
    QCoreApplication app(argc, argv);
    CatalogTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_catalog.moc"
