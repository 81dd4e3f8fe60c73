// The service layer's state changes around the engine: dependents counts,
// force delete of a running backup, restore targets, import/export.
#include "backupservice.h"
#include "testsupport.h"

#include <QProcess>
#include <QtTest>

#include <cerrno>
#include <cstring>
#include <thread>

using namespace ember;
using namespace ember::test;

namespace {

// The service tests store zlib objects unless a test asks otherwise.
struct Fixture : ServiceFixture
{
    explicit Fixture(const QString& tag, const QString& compression = QStringLiteral("zlib"))
        : ServiceFixture(tag, compression)
    {
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
        const QString path = f.volumeFile();
        f.addVolumeFile(6 << 20, Fill::Mixed, 1);
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
        QCOMPARE(filesInTree(f.backupsDir()), QStringList());
    }

    void restoreIntoNewVolumeFollowsCinder()
    {
        Fixture f(QStringLiteral("newvolume"));
        const QString path = f.volumeFile();
        const Volume source = f.addVolumeFile(5 << 20, Fill::Text, 3);
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
        const QString path = f.volumeFile();
        f.addVolumeFile(64 << 20, Fill::Text, 4);
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
        QCOMPARE(filesInTree(f.backupsDir()), QStringList());
        QCOMPARE(f.catalog->resolveVolume(QStringLiteral("v")).status, VolumeStatus::Available);
        QVERIFY(f.catalog->runningJobs().isEmpty());
    }

    void exportedRecordImportsAndRestores()
    {
        Fixture f(QStringLiteral("records"));
        const QString path = f.volumeFile();
        f.addVolumeFile(3 * 1048576 + 777, Fill::Mixed, 8);
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
        const QString path = f.volumeFile();
        Volume volume = f.addVolumeFile(2 << 20, Fill::Mixed, 4);
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
            filesInTree(f.backupsDir()).filter(QStringLiteral("_metadata"));
        QCOMPARE(metadataFiles.size(), 1);
        const QString metadataPath = metadataFiles.first();
        QByteArray text = readWholeFile(metadataPath);
        const qsizetype at = text.indexOf("\"volume_meta\": \"");
        QVERIFY(at > 0);
        const qsizetype end = text.indexOf('\n', at);
        text.replace(at, end - at, "\"volume_meta\": \"{\\\"version\\\": 9}\"");
        writeWholeFile(metadataPath, text);
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
        const QString path = f.volumeFile();
        f.addVolumeFile(1 << 20, Fill::Text, 1);
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

    // A restore onto a full disk names the target and its errno text; the
    // backup stays available (it is intact) and restores elsewhere. A new
    // volume created for the restore is removed again.
    void fullRestoreTargetIsNotACorruptBackup()
    {
        Fixture f(QStringLiteral("fulldisk"));
        const QString path = f.volumeFile();
        f.addVolumeFile(24 << 20, Fill::Random, 5);
        const Backup backup = f.backUp(QStringLiteral("v"), false);
        TmpfsMount disk(f.dir + QStringLiteral("/small"), QStringLiteral("size=8m"));
        if (!disk.mounted())
            QSKIP("mounting a tmpfs needs root (CAP_SYS_ADMIN)");
        const QString noSpace = QString::fromLocal8Bit(std::strerror(ENOSPC));

        // An existing volume on the small file system.
        const Volume target = f.service->createVolume(disk.path() + QStringLiteral("/t.img"),
                                                      24 << 20, QStringLiteral("t"));
        RestoreRequest onto;
        onto.backup = backup.id;
        onto.targetVolume = QStringLiteral("t");
        auto prepared = f.service->prepareRestore(onto);
        OperationControl control;
        Error error = errorOf([&] { f.service->runRestore(prepared, control); });
        QVERIFY2(error.message().contains(QStringLiteral("ran out of space")) &&
                     error.message().contains(target.path) && error.message().contains(noSpace),
                 qPrintable(error.message()));
        QVERIFY2(!error.message().contains(QStringLiteral("corrupt")), qPrintable(error.message()));
        QCOMPARE(f.catalog->backup(backup.id)->status, BackupStatus::Available);
        QCOMPARE(f.catalog->volume(target.id)->status, VolumeStatus::ErrorRestoring);
        f.service->removeVolume(target.id);
        QVERIFY(QFile::remove(target.path));

        // A new volume on it: removed again, file and row, and the error says so.
        RestoreRequest fresh;
        fresh.backup = backup.id;
        fresh.newVolumePath = disk.path() + QStringLiteral("/new.img");
        prepared = f.service->prepareRestore(fresh);
        const QString newId = prepared.target.id;
        error = errorOf([&] { f.service->runRestore(prepared, control); });
        QVERIFY2(error.message().contains(QStringLiteral("ran out of space")) &&
                     error.message().contains(QStringLiteral("was removed")),
                 qPrintable(error.message()));
        QVERIFY(!QFile::exists(fresh.newVolumePath));
        QVERIFY(!f.catalog->volume(newId));
        QCOMPARE(f.catalog->backup(backup.id)->status, BackupStatus::Available);

        // Elsewhere the same backup restores byte for byte.
        RestoreRequest elsewhere;
        elsewhere.backup = backup.id;
        elsewhere.newVolumePath = f.dir + QStringLiteral("/elsewhere.img");
        prepared = f.service->prepareRestore(elsewhere);
        const Volume restored = f.service->runRestore(prepared, control);
        QCOMPARE(compareFiles(path, restored.path), QString());
    }

    // A cancelled restore into a new volume leaves neither file nor row.
    void cancelledRestoreRemovesTheNewVolume()
    {
        Fixture f(QStringLiteral("cancelnew"));
        const QString path = f.volumeFile();
        f.addVolumeFile(6 << 20, Fill::Mixed, 6);
        const Backup backup = f.backUp(QStringLiteral("v"), false);
        RestoreRequest request;
        request.backup = backup.id;
        request.newVolumePath = f.dir + QStringLiteral("/new.img");
        auto prepared = f.service->prepareRestore(request);
        QVERIFY(QFile::exists(request.newVolumePath));
        OperationControl control;
        control.requestCancel();
        try {
            f.service->runRestore(prepared, control);
            QFAIL("a cancelled restore must throw Cancelled");
        } catch (const Cancelled& cancelled) {
            QVERIFY2(cancelled.message().contains(QStringLiteral("was removed")),
                     qPrintable(cancelled.message()));
        }
        QVERIFY(!QFile::exists(request.newVolumePath));
        QVERIFY(!f.catalog->volume(prepared.target.id));
        QCOMPARE(f.catalog->volumes().size(), qsizetype(1));
        QCOMPARE(f.catalog->backup(backup.id)->status, BackupStatus::Available);
        OperationControl again;
        prepared = f.service->prepareRestore(request);
        QCOMPARE(compareFiles(path, f.service->runRestore(prepared, again).path), QString());
    }

    // Refused before any row is written: a volume that shrank or grew since
    // its parent, a container the backend refuses. And a failed backup
    // (error) never blocks the next incremental.
    void refusedIncrementalsLeaveNoRow()
    {
        Fixture f(QStringLiteral("refusals"));
        const QString path = f.volumeFile();
        f.addVolumeFile(16 << 20, Fill::Mixed, 7);
        const Backup full = f.backUp(QStringLiteral("v"), false);
        const QString original = f.dir + QStringLiteral("/original.img");
        QVERIFY(QFile::copy(path, original));

        QVERIFY(QFile::resize(path, 2 << 20));
        CreateBackupRequest incremental;
        incremental.volume = QStringLiteral("v");
        incremental.incremental = true;
        Error error = errorOf([&] { f.service->prepareBackup(incremental); });
        QVERIFY2(error.message().contains(QStringLiteral("Volume size decreased")) &&
                     error.message().contains(QStringLiteral("Do a full backup.")),
                 qPrintable(error.message()));
        QVERIFY(QFile::resize(path, 20 << 20));
        error = errorOf([&] { f.service->prepareBackup(incremental); });
        QVERIFY2(error.message().startsWith(QStringLiteral("Volume size increased")),
                 qPrintable(error.message()));
        QCOMPARE(f.catalog->backups().size(), qsizetype(1));
        QCOMPARE(f.catalog->resolveVolume(QStringLiteral("v")).status, VolumeStatus::Available);

        // The original size again, and a container that would leave the store.
        QFile::remove(path);
        QVERIFY(QFile::copy(original, path));
        CreateBackupRequest outside = incremental;
        outside.container = QStringLiteral("../outside");
        error = errorOf([&] { f.service->prepareBackup(outside); });
        QVERIFY2(error.message().contains(QStringLiteral("invalid container")),
                 qPrintable(error.message()));
        QCOMPARE(f.catalog->backups().size(), qsizetype(1));

        // A backup that failed after its row existed is passed over.
        Backup failed = f.backUp(QStringLiteral("v"), true);
        failed.status = BackupStatus::Error;
        f.catalog->updateBackup(failed);
        mutateFile(path, 3, 10000, 8);
        const Backup next = f.backUp(QStringLiteral("v"), true);
        QCOMPARE(next.parentId, full.id);
        RestoreRequest restore;
        restore.backup = next.id;
        restore.newVolumePath = f.dir + QStringLiteral("/r.img");
        auto prepared = f.service->prepareRestore(restore);
        OperationControl control;
        QCOMPARE(compareFiles(path, f.service->runRestore(prepared, control).path), QString());
    }

    // Cinder's reset-state for volumes, refused while a job runs on the volume.
    void volumeResetState()
    {
        Fixture f(QStringLiteral("volumereset"));
        const QString path = f.volumeFile();
        Volume volume = f.addVolumeFile(1 << 20, Fill::Text, 9);
        volume.status = VolumeStatus::ErrorRestoring;
        f.catalog->updateVolume(volume);
        CreateBackupRequest request;
        request.volume = QStringLiteral("v");
        QVERIFY(errorOf([&] { f.service->prepareBackup(request); })
                    .message()
                    .contains(QStringLiteral("error_restoring")));

        QVERIFY(errorOf([&] {
                    f.service->resetVolumeState(QStringLiteral("v"), QStringLiteral("restoring"));
                })
                    .message()
                    .contains(QStringLiteral("Invalid volume state 'restoring'")));
        {
            VolumeJobLock busy = f.catalog->lockVolume(volume.id, QStringLiteral("backup"));
            const Error refused = errorOf(
                [&] { f.service->resetVolumeState(QStringLiteral("v"), VolumeStatus::Available); });
            QVERIFY2(refused.message().contains(QStringLiteral("while a job runs")),
                     qPrintable(refused.message()));
            QCOMPARE(f.catalog->volume(volume.id)->status, VolumeStatus::ErrorRestoring);
        }
        const Volume reset =
            f.service->resetVolumeState(QStringLiteral("v"), VolumeStatus::Available);
        QCOMPARE(reset.status, VolumeStatus::Available);
        QCOMPARE(reset.previousStatus, VolumeStatus::ErrorRestoring);
        QVERIFY(f.catalog->runningJobs().isEmpty());
        const Backup backup = f.backUp(QStringLiteral("v"), false);
        RestoreRequest restore;
        restore.backup = backup.id;
        restore.newVolumePath = f.dir + QStringLiteral("/r.img");
        auto prepared = f.service->prepareRestore(restore);
        OperationControl control;
        QCOMPARE(compareFiles(path, f.service->runRestore(prepared, control).path), QString());
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
