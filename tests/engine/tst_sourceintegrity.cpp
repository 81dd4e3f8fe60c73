// A backup is available only if it restores: a source that shrinks, is
// replaced or disappears while it is read fails the backup; a volume is what
// it is (device and inode), not the path that names it; a FIFO is no volume.
#include "backupservice.h"
#include "testsupport.h"
#include "volumedevice.h"

#include <QtTest>

#include <fcntl.h>
#include <future>
#include <sys/stat.h>
#include <unistd.h>

using namespace ember;
using namespace ember::test;

namespace {

// Volume "v" is dir/v.img; objects are stored uncompressed.
struct Fixture : ServiceFixture
{
    QString volumePath;

    explicit Fixture(const QString& tag)
        : ServiceFixture(tag, QStringLiteral("none")), volumePath(dir + QStringLiteral("/v.img"))
    {
    }

    // Runs a backup of volume "v"; `atDataPhase` runs when the engine starts
    // reading data, after the volume was opened and its size taken.
    Backup backUp(bool incremental, const std::function<void()>& atDataPhase = {})
    {
        CreateBackupRequest request;
        request.volume = QStringLiteral("v");
        request.incremental = incremental;
        auto prepared = service->prepareBackup(request);
        OperationControl control;
        bool done = false;
        control.setProgressCallback([&](const Progress& progress) {
            if (atDataPhase && !done && progress.phase != QLatin1String("finding changes")) {
                done = true;
                atDataPhase();
            }
        });
        return service->runBackup(prepared, control);
    }

    // The backup must fail with `expected` in its message, leave an error
    // row and no objects, and the earlier backup must still restore.
    void expectFailedBackup(const std::function<void()>& change, const QString& expected)
    {
        const QStringList before = filesInTree(backupsDir());
        try {
            backUp(false, change);
            QFAIL("the backup must fail");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
        }
        BackupFilter filter;
        filter.status = BackupStatus::Error;
        QCOMPARE(catalog->backups(filter).size(), 1);
        QCOMPARE(filesInTree(backupsDir()), before);
        QCOMPARE(catalog->resolveVolume(QStringLiteral("v")).status, VolumeStatus::Available);
    }
};

void truncateFile(const QString& path, qint64 size)
{
    QVERIFY(::truncate(QFile::encodeName(path).constData(), size) == 0);
}

} // namespace

class SourceIntegrityTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The case: truncated while read, with compression none. Today's
    // reads stopped at the new end and stored the rest as zeros.
    void truncatedWhileBackingUpFails()
    {
        Fixture f(QStringLiteral("truncated"));
        f.addVolumeFile(24 << 20, Fill::Random, 1);
        const QString copy = f.dir + QStringLiteral("/original.img");
        QVERIFY(QFile::copy(f.volumePath, copy));
        const Backup good = f.backUp(false);
        f.expectFailedBackup([&] { truncateFile(f.volumePath, 1 << 20); },
                             QStringLiteral("truncated"));
        QCOMPARE(compareFiles(copy, f.restoreToNewFile(good.id, QStringLiteral("r.img"),
                                                       QStringLiteral("r"))),
                 QString());
    }

    // Holes past the new end read as "no data": they must not pass for zeros.
    void truncatedSparseVolumeFails()
    {
        Fixture f(QStringLiteral("truncatedsparse"));
        f.addVolumeFile(32 << 20, Fill::Sparse, 2);
        f.expectFailedBackup([&] { truncateFile(f.volumePath, 4096); },
                             QStringLiteral("truncated"));
    }

    void replacedWhileBackingUpFails()
    {
        Fixture f(QStringLiteral("replaced"));
        f.addVolumeFile(8 << 20, Fill::Text, 3);
        const QString other = f.dir + QStringLiteral("/other.img");
        makeVolumeFile(other, 8 << 20, Fill::Text, 4);
        f.expectFailedBackup(
            [&] {
                QVERIFY(::rename(QFile::encodeName(other).constData(),
                                 QFile::encodeName(f.volumePath).constData()) == 0);
            },
            QStringLiteral("replaced by another file"));
    }

    void removedWhileBackingUpFails()
    {
        Fixture f(QStringLiteral("removed"));
        f.addVolumeFile(8 << 20, Fill::Text, 5);
        f.expectFailedBackup([&] { QVERIFY(QFile::remove(f.volumePath)); },
                             QStringLiteral("was removed"));
    }

    // The device itself: a short read and a range past the end are errors.
    void shrunkDeviceReportsIt()
    {
        const QString dir = freshDir(QStringLiteral("shrunkdevice"));
        const QString path = dir + QStringLiteral("/v.img");
        makeVolumeFile(path, 4 << 20, Fill::Random, 6);
        auto device = openLocalVolume(path, OpenMode::Read);
        device->checkUnchanged();
        truncateFile(path, 1 << 20);
        QByteArray buffer(1 << 20, '\0');
        QVERIFY_THROWS_EXCEPTION(Error, device->readAt(2 << 20, buffer.data(), buffer.size()));
        QVERIFY_THROWS_EXCEPTION(Error, device->readAt((1 << 20) - 10, buffer.data(), 100));
        QVERIFY_THROWS_EXCEPTION(Error, device->dataExtents(2 << 20, 1 << 20));
        QVERIFY_THROWS_EXCEPTION(Error, device->checkUnchanged());
    }

    // A FIFO used to hang volume-add forever in open().
    void fifoIsRefusedWithoutHanging()
    {
        Fixture f(QStringLiteral("fifo"));
        const QString fifo = f.dir + QStringLiteral("/pipe");
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
        auto attempt = std::async(std::launch::async, [&]() -> QString {
            try {
                f.service->addVolume(fifo, QStringLiteral("p"));
                return QStringLiteral("accepted");
            } catch (const Error& error) {
                return error.message();
            }
        });
        if (attempt.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
            // Unblock the hung open() so the test can end, then fail.
            const int fd = ::open(QFile::encodeName(fifo).constData(), O_RDWR | O_NONBLOCK);
            attempt.wait();
            ::close(fd);
            QFAIL("volume-add on a FIFO hung");
        }
        const QString message = attempt.get();
        QVERIFY2(message.contains(QStringLiteral("FIFO")), qPrintable(message));
        QVERIFY(f.catalog->volumes().isEmpty());
        QVERIFY_THROWS_EXCEPTION(Error, openLocalVolume(fifo, OpenMode::Read));
        QVERIFY_THROWS_EXCEPTION(Error, f.service->addVolume(f.dir, QStringLiteral("d")));
    }

    // Two paths to one file (symlink, hard link) are one volume.
    void sameFileCannotBeRegisteredTwice()
    {
        Fixture f(QStringLiteral("samefile"));
        const Volume volume = f.addVolumeFile(1 << 20, Fill::Text, 7);
        QVERIFY(volume.identity.startsWith(QStringLiteral("file:")));
        const QString symlink = f.dir + QStringLiteral("/alias.img");
        const QString hardlink = f.dir + QStringLiteral("/hard.img");
        QVERIFY(QFile::link(f.volumePath, symlink));
        QVERIFY(::link(QFile::encodeName(f.volumePath).constData(),
                       QFile::encodeName(hardlink).constData()) == 0);
        for (const QString& alias : {symlink, hardlink}) {
            try {
                f.service->addVolume(alias, QStringLiteral("alias"));
                QFAIL(qPrintable(QStringLiteral("%1 was registered a second time").arg(alias)));
            } catch (const Error& error) {
                QVERIFY2(error.message().contains(QStringLiteral("same file")),
                         qPrintable(error.message()));
            }
        }
        QCOMPARE(f.catalog->volumes().size(), 1);
    }

    // An inode number is reused once its file is gone: a registered volume
    // whose file was removed must not block a new file that got its number
    // (seen in CI: a restore into a new file refused as "the same file").
    void identityOfARemovedFileIsForgotten()
    {
        Fixture f(QStringLiteral("inodereuse"));
        makeVolumeFile(f.volumePath, 1 << 20, Fill::Text, 9);
        const Volume gone = f.service->addVolume(f.volumePath, QStringLiteral("v"));
        QVERIFY(QFile::remove(f.volumePath));
        const QString fresh = f.dir + QStringLiteral("/fresh.img");
        makeVolumeFile(fresh, 1 << 20, Fill::Text, 10);
        // As if the new file had got the removed one's inode number.
        f.catalog->setVolumeIdentity(gone.id, localVolumeIdentity(fresh));
        const Volume added = f.service->addVolume(fresh, QStringLiteral("fresh"));
        QCOMPARE(added.identity, localVolumeIdentity(fresh));
        QCOMPARE(f.catalog->volume(gone.id)->identity, QString());
        const Backup backup = f.ServiceFixture::backUp(QStringLiteral("fresh"));
        QCOMPARE(compareFiles(fresh, f.restoreToNewFile(backup.id, QStringLiteral("r.img"))),
                 QString());
    }

    // Rows from an older catalog have no identity: the first job fills it
    // in, and two rows naming one file are refused until one is removed.
    void identityOfOlderRowsIsCheckedOnUse()
    {
        Fixture f(QStringLiteral("olderrows"));
        makeVolumeFile(f.volumePath, 1 << 20, Fill::Text, 8);
        const QString symlink = f.dir + QStringLiteral("/alias.img");
        QVERIFY(QFile::link(f.volumePath, symlink));
        for (const auto& [name, path] : {std::pair{QStringLiteral("v"), f.volumePath},
                                         std::pair{QStringLiteral("w"), symlink}}) {
            Volume old;
            old.id = newUuid();
            old.name = name;
            old.path = path;
            old.sizeBytes = 1 << 20;
            f.catalog->insertVolume(old);
        }
        try {
            f.backUp(false);
            QFAIL("a backup of a file registered twice must be refused");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("same file")),
                     qPrintable(error.message()));
        }
        QVERIFY(f.catalog->backups().isEmpty());
        f.catalog->removeVolume(f.catalog->resolveVolume(QStringLiteral("w")).id);
        const Backup backup = f.backUp(false);
        QCOMPARE(backup.status, BackupStatus::Available);
        QCOMPARE(f.catalog->resolveVolume(QStringLiteral("v")).identity,
                 localVolumeIdentity(f.volumePath));
        QCOMPARE(compareFiles(f.volumePath, f.restoreToNewFile(backup.id, QStringLiteral("r.img"),
                                                               QStringLiteral("r"))),
                 QString());
    }
};

QTEST_GUILESS_MAIN(SourceIntegrityTest)
#include "tst_sourceintegrity.moc"
