// The service layer's state changes around the engine: dependents counts,
// force delete of a running backup, restore targets, import/export.
#include "backupservice.h"
#include "testsupport.h"

#include <QDirIterator>
#include <QtTest>

#include <thread>

using namespace ember;
using namespace ember::test;

namespace {

QStringList filesUnder(const QString& directory)
{
    QStringList files;
    QDirIterator it(directory, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    return files;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString& path, const QByteArray& data)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(data), data.size());
}

struct Fixture
{
    QString dir;
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<BackupService> service;

    explicit Fixture(const QString& tag, const QString& compression = QStringLiteral("zlib"))
    {
        dir = freshDir(tag);
        catalog = std::make_unique<Catalog>(dir + QStringLiteral("/catalog.sqlite"));
        BackendConfig backend;
        backend.name = QStringLiteral("local");
        backend.type = QStringLiteral("posix");
        backend.isDefault = true;
        backend.options[QStringLiteral("backup_posix_path")] = dir + QStringLiteral("/backups");
        backend.options[QStringLiteral("backup_compression_algorithm")] = compression;
        backend.options[QStringLiteral("backup_file_size")] = 4 * 1048576.0;
        catalog->upsertBackend(backend);
        service = std::make_unique<BackupService>(*catalog);
    }

    Backup backUp(const QString& volume, bool incremental, const QString& name = {})
    {
        CreateBackupRequest request;
        request.volume = volume;
        request.incremental = incremental;
        request.name = name;
        auto prepared = service->prepareBackup(request);
        OperationControl control;
        return service->runBackup(prepared, control);
    }
};

} // namespace

class ServiceTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void dependentsAreCounted()
    {
        Fixture f(QStringLiteral("dependents"));
        const QString path = f.dir + QStringLiteral("/v.img");
        makeVolumeFile(path, 6 << 20, Fill::Mixed, 1);
        f.service->addVolume(path, QStringLiteral("v"));
        const Backup full = f.backUp(QStringLiteral("v"), false);
        QCOMPARE(full.status, BackupStatus::Available);
        mutateFile(path, 2, 5000, 2);
        const Backup first = f.backUp(QStringLiteral("v"), true);
        QCOMPARE(first.parentId, full.id);
        QCOMPARE(f.catalog->backup(full.id)->numDependentBackups, qint64(1));
        const Backup second = f.backUp(QStringLiteral("v"), true);
        QCOMPARE(second.parentId, first.id); // the latest, not the full
        QCOMPARE(f.catalog->backup(first.id)->numDependentBackups, qint64(1));

        OperationControl control;
        try {
            f.service->deleteBackup(full.id, true, control);
            QFAIL("a backup with dependents must not be deleted, even with force");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("depend")),
                     qPrintable(error.message()));
        }
        f.service->deleteBackup(second.id, false, control);
        QCOMPARE(f.catalog->backup(first.id)->numDependentBackups, qint64(0));
        QVERIFY(!f.catalog->backup(second.id));
        QCOMPARE(f.catalog->backup(second.id, true)->status, BackupStatus::Deleted);
        f.service->deleteBackup(first.id, false, control);
        f.service->deleteBackup(full.id, false, control);
        QCOMPARE(filesUnder(f.dir + QStringLiteral("/backups")), QStringList());
    }

    void restoreIntoNewVolumeFollowsCinder()
    {
        Fixture f(QStringLiteral("newvolume"));
        const QString path = f.dir + QStringLiteral("/v.img");
        makeVolumeFile(path, 5 << 20, Fill::Text, 3);
        const Volume source = f.service->addVolume(path, QStringLiteral("v"));
        const Backup backup = f.backUp(QStringLiteral("v"), false, QStringLiteral("b"));
        RestoreRequest request;
        request.backup = backup.id;
        request.newVolumePath = f.dir + QStringLiteral("/restored.img");
        auto prepared = f.service->prepareRestore(request);
        QCOMPARE(prepared.target.name, QStringLiteral("restore_backup_%1").arg(backup.id));
        QCOMPARE(f.catalog->backup(backup.id)->status, BackupStatus::Restoring);
        OperationControl control;
        const Volume restored = f.service->runRestore(prepared, control);
        QCOMPARE(compareFiles(path, restored.path), QString());
        QCOMPARE(restored.status, VolumeStatus::Available);
        QCOMPARE(restored.metadata.value(QStringLiteral("src_backup_id")).toString(), backup.id);
        QCOMPARE(f.catalog->backup(backup.id)->status, BackupStatus::Available);
        QCOMPARE(f.catalog->volume(source.id)->status, VolumeStatus::Available);
    }

    void forceDeleteStopsARunningBackup()
    {
        Fixture f(QStringLiteral("forcedelete"), QStringLiteral("bz2"));
        const QString path = f.dir + QStringLiteral("/v.img");
        makeVolumeFile(path, 64 << 20, Fill::Text, 4);
        f.service->addVolume(path, QStringLiteral("v"));
        CreateBackupRequest request;
        request.volume = QStringLiteral("v");
        auto prepared = f.service->prepareBackup(request);
        const QString id = prepared.backup.id;
        std::exception_ptr backupError;
        OperationControl control;
        std::thread worker([&] {
            try {
                f.service->runBackup(prepared, control);
            } catch (...) {
                backupError = std::current_exception();
            }
        });
        // Once it has written something, an administrator force-deletes it.
        QTRY_VERIFY_WITH_TIMEOUT(control.progress().bytesDone > 0, 30000);
        OperationControl deleteControl;
        f.service->deleteBackup(id, true, deleteControl);
        worker.join();
        QVERIFY(backupError);
        QVERIFY(!f.catalog->backup(id));
        QCOMPARE(f.catalog->backup(id, true)->status, BackupStatus::Deleted);
        QCOMPARE(filesUnder(f.dir + QStringLiteral("/backups")), QStringList());
        QCOMPARE(f.catalog->resolveVolume(QStringLiteral("v")).status, VolumeStatus::Available);
        QVERIFY(f.catalog->runningJobs().isEmpty());
    }

    void exportedRecordImportsAndRestores()
    {
        Fixture f(QStringLiteral("records"));
        const QString path = f.dir + QStringLiteral("/v.img");
        makeVolumeFile(path, 3 * 1048576 + 777, Fill::Mixed, 8);
        f.service->addVolume(path, QStringLiteral("v"));
        const Backup backup = f.backUp(QStringLiteral("v"), false, QStringLiteral("exported"));
        const BackupRecord record = f.service->exportBackup(backup.id);
        QCOMPARE(record.backupService,
                 QStringLiteral("cinder.backup.drivers.posix.PosixBackupDriver"));
        QVERIFY(throwsErrorOnImport(*f.service, record)); // the id is still live

        // A second catalog over the same backend directory learns of the backup from the record
        // alone.
        const QString otherDir = freshDir(QStringLiteral("records-other"));
        Catalog other(otherDir + QStringLiteral("/catalog.sqlite"));
        BackendConfig backend = *f.catalog->backend(QStringLiteral("local"));
        other.upsertBackend(backend);
        BackupService otherService(other);
        const Backup imported = otherService.importBackup(record);
        QCOMPARE(imported.status, BackupStatus::Available);
        QCOMPARE(imported.volumeSizeBytes,
                 qint64(3 * 1048576 + 777)); // exact bytes, learnt from the backend
        RestoreRequest request;
        request.backup = imported.id;
        request.newVolumePath = otherDir + QStringLiteral("/r.img");
        auto prepared = otherService.prepareRestore(request);
        OperationControl control;
        const Volume restored = otherService.runRestore(prepared, control);
        QCOMPARE(compareFiles(path, restored.path), QString());
        // No volume of that name here: the new volume takes the backed-up name.
        QCOMPARE(restored.name, QStringLiteral("v"));
    }

    // Cinder's put_metadata: the backup's volume metadata replaces the target's.
    void restoreAppliesTheBackupsVolumeMetadata()
    {
        Fixture f(QStringLiteral("volumemeta"));
        const QString path = f.dir + QStringLiteral("/v.img");
        makeVolumeFile(path, 2 << 20, Fill::Mixed, 4);
        Volume volume = f.service->addVolume(path, QStringLiteral("v"));
        volume.metadata = QJsonObject{{QStringLiteral("purpose"), QStringLiteral("db")}};
        f.catalog->updateVolume(volume);
        const Backup backup = f.backUp(QStringLiteral("v"), false);
        volume = *f.catalog->volume(volume.id);
        volume.metadata = QJsonObject{{QStringLiteral("purpose"), QStringLiteral("web")},
                                      {QStringLiteral("extra"), QStringLiteral("1")}};
        f.catalog->updateVolume(volume);
        const QString original = f.dir + QStringLiteral("/original.img");
        QVERIFY(QFile::copy(path, original));
        mutateFile(path, 3, 4096, 9);

        OperationControl control;
        RestoreRequest same;
        same.backup = backup.id;
        same.targetVolume = QStringLiteral("v");
        auto prepared = f.service->prepareRestore(same);
        const Volume back = f.service->runRestore(prepared, control);
        QCOMPARE(compareFiles(path, original), QString());
        QCOMPARE(back.metadata, (QJsonObject{{QStringLiteral("purpose"), QStringLiteral("db")}}));
        QCOMPARE(back.name, QStringLiteral("v"));

        RestoreRequest fresh;
        fresh.backup = backup.id;
        fresh.newVolumePath = f.dir + QStringLiteral("/new.img");
        prepared = f.service->prepareRestore(fresh);
        const Volume created = f.service->runRestore(prepared, control);
        QCOMPARE(compareFiles(created.path, original), QString());
        QCOMPARE(created.metadata, (QJsonObject{{QStringLiteral("purpose"), QStringLiteral("db")},
                                                {QStringLiteral("src_backup_id"), backup.id}}));
        // "v" exists: a second volume of that name would make the name ambiguous.
        QCOMPARE(created.name, QStringLiteral("restore_backup_%1").arg(backup.id));

        // A container of an unknown version fails the restore, as in Cinder.
        const QStringList metadataFiles =
            filesUnder(f.dir + QStringLiteral("/backups")).filter(QStringLiteral("_metadata"));
        QCOMPARE(metadataFiles.size(), 1);
        const QString metadataPath = metadataFiles.first();
        QByteArray text = readFile(metadataPath);
        const qsizetype at = text.indexOf("\"volume_meta\": \"");
        QVERIFY(at > 0);
        const qsizetype end = text.indexOf('\n', at);
        text.replace(at, end - at, "\"volume_meta\": \"{\\\"version\\\": 9}\"");
        writeFile(metadataPath, text);
        prepared = f.service->prepareRestore(same);
        try {
            f.service->runRestore(prepared, control);
            QFAIL("a volume metadata container of version 9 must fail the restore");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("not in a supported format")),
                     qPrintable(error.message()));
        }
        QCOMPARE(f.catalog->volume(volume.id)->status, VolumeStatus::ErrorRestoring);
        QCOMPARE(f.catalog->backup(backup.id)->status, BackupStatus::Available);
    }

    void missingVolumeIsNamed()
    {
        Fixture f(QStringLiteral("missing"));
        const QString path = f.dir + QStringLiteral("/v.img");
        makeVolumeFile(path, 1 << 20, Fill::Text, 1);
        f.service->addVolume(path, QStringLiteral("v"));
        QVERIFY(QFile::remove(path));
        CreateBackupRequest request;
        request.volume = QStringLiteral("v");
        try {
            f.service->prepareBackup(request);
            QFAIL("backing up a vanished volume must fail");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(path) &&
                         error.message().contains(QStringLiteral("does not exist")),
                     qPrintable(error.message()));
        }
        QVERIFY(f.catalog->backups().isEmpty()); // nothing half-created
    }

private:
    static bool throwsErrorOnImport(BackupService& service, const BackupRecord& record)
    {
        try {
            service.importBackup(record);
        } catch (const Error&) {
            return true;
        }
        return false;
    }
};

QTEST_GUILESS_MAIN(ServiceTest)
#include "tst_service.moc"
