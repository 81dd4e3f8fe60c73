// RBD volumes under the chunked engine (posix store): the engine reads the
// RBD device from several threads, takes changedSinceParent() for an
// incremental, and restores into a new RBD image, byte-compared.
#include "cephtestenv.h"
#include "posixstore.h"
#include "rbdvolume.h"

#include <QTemporaryDir>

using namespace ember;
using namespace ember::test;

class TestRbdChunked : public QObject
{
    Q_OBJECT

private:
    CephEnv m_env;
    BackendConfig m_cluster;
    QStringList m_images;
    std::unique_ptr<QTemporaryDir> m_tmp;

    void write(const QString& spec, qint64 offset, const QByteArray& data, QByteArray* content)
    {
        auto device = openRbdVolume(m_cluster, {}, spec, OpenMode::ReadWrite);
        device->writeAt(offset, data.constData(), data.size());
        device->flush();
        content->replace(offset, data.size(), data);
    }

    Volume makeVolume(qint64 size, QByteArray* content)
    {
        Volume volume;
        volume.id = newUuid();
        volume.name = QStringLiteral("tst-chunked-%1").arg(volume.id.left(8));
        volume.kind = VolumeKind::Rbd;
        volume.path = QStringLiteral("volumes/") + volume.name;
        volume.sizeBytes = size;
        createRbdImage(m_cluster, {}, volume.path, size);
        m_images << volume.path;
        *content = QByteArray(size, '\0');
        return volume;
    }

    std::unique_ptr<BackupDriver> posixDriver(const QString& directory)
    {
        BackendConfig posix;
        posix.name = QStringLiteral("posix-test");
        posix.type = QStringLiteral("posix");
        posix.options.insert(QStringLiteral("backup_posix_path"), m_tmp->filePath(directory));
        posix.options.insert(QStringLiteral("backup_file_size"), 4 << 20);
        return createPosixDriver(posix);
    }

    // One backup through the engine, its source snapshot kept as the service does.
    Backup backup(BackupDriver& driver, const Volume& volume, const std::optional<Backup>& parent,
                  const QStringList& superseded)
    {
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = volume.id;
        backup.parentId = parent ? parent->id : QString();
        backup.createdAt = QDateTime::currentDateTimeUtc();
        RbdOpenOptions options;
        options.backupId = backup.id;
        options.parentBackupId = backup.parentId;
        options.supersededBackupIds = superseded;
        auto source = openRbdVolume(m_cluster, {}, volume.path, OpenMode::Read, options);
        OperationControl control;
        BackupJob job{backup, volume, *source, parent, control};
        driver.backup(job);
        if (!keepRbdBackupSnapshot(*source))
            throw Error(QStringLiteral("not an RBD device"));
        return backup;
    }

    void compareRestore(BackupDriver& driver, const QList<Backup>& chain,
                        const QByteArray& expected)
    {
        const QString spec = QStringLiteral("volumes/tst-chunked-r-%1").arg(newUuid().left(8));
        createRbdImage(m_cluster, {}, spec, expected.size());
        m_images << spec;
        auto target = openRbdVolume(m_cluster, {}, spec, OpenMode::ReadWrite);
        Volume targetVolume;
        targetVolume.id = newUuid();
        targetVolume.kind = VolumeKind::Rbd;
        targetVolume.path = spec;
        targetVolume.sizeBytes = expected.size();
        OperationControl control;
        RestoreJob job{chain, targetVolume, *target, control};
        driver.restore(job);
        const QByteArray restored = readAll(*target);
        QVERIFY2(firstDifference(restored, expected) < 0,
                 qPrintable(QStringLiteral("chain of %1 ending in %2: first difference at %3")
                                .arg(chain.size())
                                .arg(chain.last().id)
                                .arg(firstDifference(restored, expected))));
    }

    static QStringList sorted(QStringList list)
    {
        list.sort();
        return list;
    }

    // The source image's snapshots as "backup id -> snapshot id".
    QMap<QString, quint64> sourceSnapshots(const Volume& volume)
    {
        const auto [poolName, image] = ceph::splitPoolImage(volume.path);
        auto io = std::make_shared<ceph::IoContext>(
            ceph::Cluster::connect(ceph::ConnectionOptions::from(m_cluster, {})), poolName);
        QMap<QString, quint64> result;
        for (const ceph::SnapshotInfo& info : ceph::Image(io, image).snapshots())
            result.insert(ceph::backupIdOfSnapshot(info.name), info.id);
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_env = CephEnv::load();
        if (!m_env.error.isEmpty())
            QFAIL(qPrintable(m_env.error));
        m_cluster = m_env.adminConfig();
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }

    void cleanupTestCase()
    {
        for (const QString& spec : std::as_const(m_images))
            removeRbdImage(m_cluster, {}, spec);
    }

    void fullIncrementalRestore()
    {
        const qint64 size = 24 << 20;
        Volume volume;
        volume.id = newUuid();
        volume.name = QStringLiteral("tst-chunked-%1").arg(volume.id.left(8));
        volume.kind = VolumeKind::Rbd;
        volume.path = QStringLiteral("volumes/") + volume.name;
        volume.sizeBytes = size;
        createRbdImage(m_cluster, {}, volume.path, size);
        m_images << volume.path;
        QByteArray content(size, '\0');
        write(volume.path, 0, randomBytes(5 << 20, 1), &content);
        write(volume.path, 16 << 20, randomBytes(3 << 20, 2), &content);

        BackendConfig posix;
        posix.name = QStringLiteral("posix-test");
        posix.type = QStringLiteral("posix");
        posix.options.insert(QStringLiteral("backup_posix_path"), m_tmp->filePath("store"));
        posix.options.insert(QStringLiteral("backup_file_size"), 4 << 20);
        auto driver = createPosixDriver(posix);

        Backup full;
        full.id = newUuid();
        full.volumeId = volume.id;
        full.createdAt = QDateTime::currentDateTimeUtc();
        {
            RbdOpenOptions options;
            options.backupId = full.id;
            auto source = openRbdVolume(m_cluster, {}, volume.path, OpenMode::Read, options);
            OperationControl control;
            BackupJob job{full, volume, *source, std::nullopt, control};
            driver->backup(job);
            QVERIFY(keepRbdBackupSnapshot(*source));
        }
        const QByteArray atFull = content;

        write(volume.path, 1 << 20, randomBytes(65536, 3), &content);
        write(volume.path, 20 << 20, randomBytes(40000, 4), &content);
        Backup incremental;
        incremental.id = newUuid();
        incremental.volumeId = volume.id;
        incremental.parentId = full.id;
        incremental.createdAt = QDateTime::currentDateTimeUtc();
        {
            RbdOpenOptions options;
            options.backupId = incremental.id;
            options.parentBackupId = full.id;
            auto source = openRbdVolume(m_cluster, {}, volume.path, OpenMode::Read, options);
            const auto changed = source->changedSinceParent();
            QVERIFY(changed.has_value());
            qint64 changedBytes = 0;
            for (const Extent& extent : *changed)
                changedBytes += extent.length;
            QVERIFY2(changedBytes <= 65536 + 40000 + 8192,
                     qPrintable(QString::number(changedBytes)));
            OperationControl control;
            BackupJob job{incremental, volume, *source, full, control};
            driver->backup(job);
            QVERIFY(keepRbdBackupSnapshot(*source));
        }
        // Two changed runs, in two different objects.
        QCOMPARE(incremental.objectCount, qint64(2));

        for (const auto& [chain, expected] :
             {std::pair{QList<Backup>{full}, atFull},
              std::pair{QList<Backup>{full, incremental}, content}}) {
            const QString spec = QStringLiteral("volumes/tst-chunked-r-%1").arg(newUuid().left(8));
            createRbdImage(m_cluster, {}, spec, size);
            m_images << spec;
            auto target = openRbdVolume(m_cluster, {}, spec, OpenMode::ReadWrite);
            Volume targetVolume;
            targetVolume.id = newUuid();
            targetVolume.kind = VolumeKind::Rbd;
            targetVolume.path = spec;
            targetVolume.sizeBytes = size;
            OperationControl control;
            RestoreJob job{chain, targetVolume, *target, control};
            driver->restore(job);
            const QByteArray restored = readAll(*target);
            QVERIFY2(firstDifference(restored, expected) < 0,
                     qPrintable(QStringLiteral("chain of %1: first difference at %2")
                                    .arg(chain.size())
                                    .arg(firstDifference(restored, expected))));
        }
    }

    // Source snapshots: an unchanged incremental takes over its parent's
    // (renamed, no snapshot made), a changed one replaces it, a new full
    // removes those of the volume's older backups; other tools' stay.
    void sourceSnapshotHousekeeping()
    {
        const qint64 size = 16 << 20;
        QByteArray content;
        const Volume volume = makeVolume(size, &content);
        write(volume.path, 0, randomBytes(3 << 20, 5), &content);
        auto driver = posixDriver(QStringLiteral("housekeeping"));
        const QString foreignId = newUuid(); // e.g. a backup Cinder made of this image
        {
            const auto [poolName, image] = ceph::splitPoolImage(volume.path);
            auto io = std::make_shared<ceph::IoContext>(
                ceph::Cluster::connect(ceph::ConnectionOptions::from(m_cluster, {})), poolName);
            ceph::Image(io, image).createSnapshot(ceph::newBackupSnapshotName(foreignId));
        }

        const Backup a = backup(*driver, volume, std::nullopt, {});
        const QMap<QString, quint64> afterA = sourceSnapshots(volume);
        QCOMPARE(afterA.keys(), sorted({a.id, foreignId}));

        // A failed unchanged incremental leaves the parent's snapshot as it was.
        {
            RbdOpenOptions options;
            options.backupId = newUuid();
            options.parentBackupId = a.id;
            auto source = openRbdVolume(m_cluster, {}, volume.path, OpenMode::Read, options);
            QVERIFY(static_cast<ceph::RbdVolumeDevice&>(*source).reusesParentSnapshot());
        }
        QCOMPARE(sourceSnapshots(volume), afterA);

        const Backup b = backup(*driver, volume, a, {a.id});
        QCOMPARE(b.objectCount, qint64(0));
        const QMap<QString, quint64> afterB = sourceSnapshots(volume);
        QCOMPARE(afterB.keys(), sorted({b.id, foreignId}));
        QCOMPARE(afterB.value(b.id), afterA.value(a.id)); // renamed, not re-made
        const QByteArray atB = content;

        write(volume.path, 5 << 20, randomBytes(4096, 6), &content);
        const Backup c = backup(*driver, volume, b, {a.id, b.id});
        QCOMPARE(c.objectCount, qint64(1));
        const QMap<QString, quint64> afterC = sourceSnapshots(volume);
        QCOMPARE(afterC.keys(), sorted({c.id, foreignId}));
        QVERIFY(afterC.value(c.id) > afterB.value(b.id));
        const QByteArray atC = content;

        write(volume.path, 9 << 20, randomBytes(8192, 7), &content);
        const Backup d = backup(*driver, volume, std::nullopt, {a.id, b.id, c.id});
        QCOMPARE(sourceSnapshots(volume).keys(), sorted({d.id, foreignId}));

        compareRestore(*driver, {a, b}, atB);
        compareRestore(*driver, {a, b, c}, atC);
        compareRestore(*driver, {d}, content);
    }
};

QTEST_GUILESS_MAIN(TestRbdChunked)
#include "tst_rbdchunked.moc"
