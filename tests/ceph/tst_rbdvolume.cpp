// RBD images as volumes: reads/writes through librbd aio, extents from
// diff_iterate2, zeroing, backup snapshots and changedSinceParent, the
// connection options and their error messages, the connection probe.
#include "cephtestenv.h"
#include "rbdvolume.h"

#include <QElapsedTimer>
#include <thread>

using namespace ember;
using namespace ember::test;

// Every byte of [offset, offset+length) lies in one of the extents.
static bool covers(const std::vector<Extent>& extents, qint64 offset, qint64 length)
{
    qint64 position = offset;
    for (const Extent& extent : extents)
        if (extent.offset <= position && extent.end() > position)
            position = std::min(offset + length, extent.end());
    return position >= offset + length;
}

class TestRbdVolume : public QObject
{
    Q_OBJECT

private:
    CephEnv m_env;
    BackendConfig m_config;
    QStringList m_images; // pool/image to remove after each test

    QString newImage(qint64 size)
    {
        const QString spec = QStringLiteral("volumes/tst-rbd-%1").arg(newUuid().left(8));
        createRbdImage(m_config, {}, spec, size);
        m_images << spec;
        return spec;
    }
    std::shared_ptr<ceph::IoContext> pool(const QString& name)
    {
        return std::make_shared<ceph::IoContext>(
            ceph::Cluster::connect(ceph::ConnectionOptions::from(m_config, {})), name);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_env = CephEnv::load();
        if (!m_env.error.isEmpty())
            QFAIL(qPrintable(m_env.error));
        m_config = m_env.adminConfig();
    }

    void cleanup()
    {
        for (const QString& spec : std::as_const(m_images))
            removeRbdImage(m_config, {}, spec);
        m_images.clear();
    }

    void readWriteAndExtents()
    {
        const qint64 size = 20 << 20;
        const QString spec = newImage(size);
        QCOMPARE(rbdImageSize(m_config, {}, spec), size);
        QVERIFY(listRbdImages(m_config, {}, QStringLiteral("volumes"))
                    .contains(spec.section(QLatin1Char('/'), 1)));

        auto device = openRbdVolume(m_config, {}, spec, OpenMode::ReadWrite);
        QVERIFY(device->knownZero());
        QCOMPARE(device->size(), size);
        QVERIFY(device->dataExtents(0, size).empty());
        QCOMPARE(device->describe(), spec);

        // An unaligned write across an object boundary (4 MiB objects), and one
        // larger than the aio piece so several requests are in flight.
        const QByteArray first = randomBytes(100000, 1);
        const qint64 firstOffset = (4 << 20) - 50000;
        device->writeAt(firstOffset, first.constData(), first.size());
        const QByteArray second = randomBytes(9 << 20, 2);
        const qint64 secondOffset = 10 << 20;
        device->writeAt(secondOffset, second.constData(), second.size());
        device->flush();

        QByteArray back(first.size(), Qt::Uninitialized);
        QCOMPARE(device->readAt(firstOffset, back.data(), back.size()), qint64(first.size()));
        QCOMPARE(back, first);

        // dataExtents covers both writes and little else: librbd reports a
        // written object from its start to the end of its data.
        const std::vector<Extent> extents = device->dataExtents(0, size);
        QVERIFY(covers(extents, firstOffset, first.size()));
        QVERIFY(covers(extents, secondOffset, second.size()));
        qint64 listed = 0;
        for (const Extent& extent : extents)
            listed += extent.length;
        QVERIFY2(listed <= (4 << 20) + 50000 + (12 << 20), qPrintable(QString::number(listed)));
        QVERIFY(!covers(extents, 5 << 20, 1)); // object 1 past the write: a hole
        const std::vector<Extent> window = device->dataExtents(secondOffset + 100, 1000);
        QCOMPARE(window.size(), size_t(1));
        QCOMPARE(window[0], (Extent{secondOffset + 100, 1000}));

        // Reads past the end are short; writes past the end are refused.
        QByteArray tail(8192, 'x');
        QCOMPARE(device->readAt(size - 4096, tail.data(), tail.size()), qint64(4096));
        QCOMPARE(tail.left(4096), QByteArray(4096, '\0'));
        QVERIFY_THROWS_EXCEPTION(Error, device->writeAt(size - 10, tail.constData(), 20));

        // Concurrent readers see the same bytes (the engine reads from threads).
        std::vector<std::thread> readers;
        std::atomic<int> mismatches{0};
        for (int t = 0; t < 4; ++t)
            readers.emplace_back([&, t]() {
                const qint64 length = 1 << 20;
                const qint64 offset = secondOffset + t * length;
                QByteArray data(length, Qt::Uninitialized);
                for (int round = 0; round < 3; ++round) {
                    device->readAt(offset, data.data(), length);
                    if (data != second.mid(t * length, length))
                        ++mismatches;
                }
            });
        for (auto& reader : readers)
            reader.join();
        QCOMPARE(mismatches.load(), 0);

        // zeroRange: a partial-object range reads back as zeros, the rest stays.
        device->zeroRange(secondOffset + 1000, 3 << 20);
        device->flush();
        QByteArray zeroed(second.size(), Qt::Uninitialized);
        device->readAt(secondOffset, zeroed.data(), zeroed.size());
        QByteArray expected = second;
        expected.replace(1000, 3 << 20, QByteArray(3 << 20, '\0'));
        QCOMPARE(zeroed, expected);

        // A read-only device refuses writes with a clear error.
        auto readOnly = openRbdVolume(m_config, {}, spec, OpenMode::Read);
        QVERIFY(!readOnly->knownZero());
        QVERIFY_THROWS_EXCEPTION(Error, readOnly->writeAt(0, first.constData(), 10));
    }

    void backupSnapshotsAndChanges()
    {
        const qint64 size = 16 << 20;
        const QString spec = newImage(size);
        const auto [poolName, imageName] = ceph::splitPoolImage(spec);
        {
            auto writer = openRbdVolume(m_config, {}, spec, OpenMode::ReadWrite);
            const QByteArray data = randomBytes(size, 7);
            writer->writeAt(0, data.constData(), size);
        }
        const QString backupA = newUuid();
        const QString backupB = newUuid();
        QByteArray contentAtA;
        {
            RbdOpenOptions options;
            options.backupId = backupA;
            auto device = openRbdVolume(m_config, {}, spec, OpenMode::Read, options);
            auto* rbd = dynamic_cast<ceph::RbdVolumeDevice*>(device.get());
            QVERIFY(rbd);
            QVERIFY(
                rbd->backupSnapshot().startsWith(QStringLiteral("backup.%1.snap.").arg(backupA)));
            QCOMPARE(ceph::backupIdOfSnapshot(rbd->backupSnapshot()), backupA);
            QVERIFY(ceph::timestampOfSnapshot(rbd->backupSnapshot()) > 1.7e9);
            QVERIFY(device->describe().endsWith(rbd->backupSnapshot()));
            QVERIFY(!device->changedSinceParent()); // no parent given
            contentAtA = readAll(*device);

            // Writes to the live image after the snapshot do not reach the reader.
            auto writer = openRbdVolume(m_config, {}, spec, OpenMode::ReadWrite);
            const QByteArray change(65536, 'B');
            writer->writeAt(5 << 20, change.constData(), change.size());
            writer->zeroRange(12 << 20, 1 << 20);
            writer->flush();
            QCOMPARE(readAll(*device), contentAtA);
            QVERIFY(keepRbdBackupSnapshot(*device));
        }
        ceph::Image head(pool(poolName), imageName);
        QCOMPARE(head.snapshots().size(), size_t(1));

        {
            RbdOpenOptions options;
            options.backupId = backupB;
            options.parentBackupId = backupA;
            auto device = openRbdVolume(m_config, {}, spec, OpenMode::Read, options);
            const auto changed = device->changedSinceParent();
            QVERIFY(changed.has_value());
            // Exactly the two changed ranges: the write and the zeroed MiB.
            QCOMPARE(changed->size(), size_t(2));
            QCOMPARE(changed->at(0), (Extent{5 << 20, 65536}));
            QCOMPARE(changed->at(1), (Extent{12 << 20, 1 << 20}));
            // Not kept: removed when the device closes (a failed backup).
        }
        QCOMPARE(head.snapshots().size(), size_t(1));
        QCOMPARE(ceph::backupIdOfSnapshot(head.snapshots().front().name), backupA);

        {
            RbdOpenOptions options;
            options.backupId = backupB;
            options.parentBackupId = backupA;
            auto device = openRbdVolume(m_config, {}, spec, OpenMode::Read, options);
            QVERIFY(keepRbdBackupSnapshot(*device));
        }
        // Kept: the newest stays, the parent's snapshot is no longer needed.
        const auto snapshots = head.snapshots();
        QCOMPARE(snapshots.size(), size_t(1));
        QCOMPARE(ceph::backupIdOfSnapshot(snapshots.front().name), backupB);

        // The parent's snapshot is gone: changes are unknown, not empty.
        {
            RbdOpenOptions options;
            options.backupId = newUuid();
            options.parentBackupId = backupA;
            auto device = openRbdVolume(m_config, {}, spec, OpenMode::Read, options);
            QVERIFY(!device->changedSinceParent());
        }
        // Opening at an existing snapshot reads that snapshot.
        RbdOpenOptions atSnapshot;
        atSnapshot.snapshot = snapshots.front().name;
        auto old = openRbdVolume(m_config, {}, spec, OpenMode::Read, atSnapshot);
        QByteArray expected = contentAtA;
        expected.replace(5 << 20, 65536, QByteArray(65536, 'B'));
        expected.replace(12 << 20, 1 << 20, QByteArray(1 << 20, '\0'));
        QCOMPARE(readAll(*old), expected);
        // Its allocation map, clipped to the window asked for.
        const std::vector<Extent> window = old->dataExtents((5 << 20) - 10, 30);
        QCOMPARE(window.size(), size_t(1));
        QCOMPARE(window[0], (Extent{(5 << 20) - 10, 30}));
        QVERIFY(old->dataExtents(size, 4096).empty());
        QCOMPARE(old->dataExtents(0, size).front().offset, qint64(0));
    }

    void badPathsAndMissingThings()
    {
        QVERIFY_THROWS_EXCEPTION(
            Error, openRbdVolume(m_config, {}, QStringLiteral("noslash"), OpenMode::Read));
        try {
            openRbdVolume(m_config, {}, QStringLiteral("volumes/does-not-exist-42"),
                          OpenMode::Read);
            QFAIL("opening a missing image succeeded");
        } catch (const Error& error) {
            QCOMPARE(error.message(),
                     QStringLiteral("the RBD image volumes/does-not-exist-42 does not exist"));
        }
        try {
            openRbdVolume(m_config, {}, QStringLiteral("nopool42/image"), OpenMode::Read);
            QFAIL("opening an image in a missing pool succeeded");
        } catch (const Error& error) {
            QCOMPARE(error.message(), QStringLiteral("the Ceph pool \"nopool42\" does not exist"));
        }
    }

    void connectionOptionsAndErrors()
    {
        // Monitor address + key (the keyring secret) instead of a conf file.
        BackendSecrets secrets;
        const BackendConfig monHost = m_env.monHostConfig(&secrets);
        QVERIFY(listCephPools(monHost, secrets).contains(QStringLiteral("backups")));

        // A wrong key is refused with a plain message.
        BackendSecrets wrong;
        wrong.insert(QStringLiteral("ceph_key"),
                     QStringLiteral("AQBKz2Vm6F5vKhAAWlM7xEZjJ1I2cUvqxBvO6w=="));
        try {
            listCephPools(monHost, wrong);
            QFAIL("a wrong key was accepted");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("permission denied")),
                     qPrintable(error.message()));
            QVERIFY(!error.message().contains(wrong.value(QStringLiteral("ceph_key"))));
        }

        // Nobody listening: an error within the timeout, not a hang.
        BackendConfig dead = monHost;
        dead.options.insert(QStringLiteral("ember_ceph_mon_host"), QStringLiteral("127.0.0.1:9"));
        dead.options.insert(QStringLiteral("ember_ceph_timeout"), 3);
        QElapsedTimer clock;
        clock.start();
        try {
            listCephPools(dead, secrets);
            QFAIL("connected to a dead monitor");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("no answer from the Ceph monitors")),
                     qPrintable(error.message()));
        }
        QVERIFY2(clock.elapsed() < 20000, qPrintable(QString::number(clock.elapsed())));

        BackendConfig noConf = m_config;
        noConf.options.insert(QStringLiteral("backup_ceph_conf"),
                              QStringLiteral("/nonexistent/ceph.conf"));
        try {
            listCephPools(noConf, {});
            QFAIL("a missing conf file was accepted");
        } catch (const Error& error) {
            QVERIFY2(error.message().startsWith(QStringLiteral(
                         "cannot read the Ceph configuration file /nonexistent/ceph.conf")),
                     qPrintable(error.message()));
        }
    }

    void probe()
    {
        const CephProbeResult good = probeCeph(m_env.backupUserConfig(), {});
        QVERIFY2(good.ok, qPrintable(good.error + QLatin1Char('\n') + good.steps.join('\n')));
        QCOMPARE(good.fsid.size(), 36);
        QVERIFY(good.health.startsWith(QStringLiteral("HEALTH_")));
        QVERIFY(good.poolExists);
        QCOMPARE(good.pool, QStringLiteral("backups"));

        BackendConfig missingPool = m_config;
        missingPool.options.insert(QStringLiteral("backup_ceph_pool"), QStringLiteral("nopool42"));
        const CephProbeResult bad = probeCeph(missingPool, {});
        QVERIFY(!bad.ok);
        QVERIFY(!bad.poolExists);
        QVERIFY2(bad.error.contains(QStringLiteral("\"nopool42\" does not exist")),
                 qPrintable(bad.error));

        // A pool the backup user has no caps for: permission denied, in words.
        const QByteArray lockedPool = "tst-locked-" + newUuid().left(6).toLatin1();
        auto admin = ceph::Cluster::connect(ceph::ConnectionOptions::from(m_config, {}));
        QCOMPARE(rados_pool_create(admin->handle(), lockedPool.constData()), 0);
        BackendConfig noCaps = m_env.backupUserConfig();
        noCaps.options.insert(QStringLiteral("backup_ceph_pool"), QString::fromLatin1(lockedPool));
        const CephProbeResult denied = probeCeph(noCaps, {});
        rados_pool_delete(admin->handle(), lockedPool.constData());
        QVERIFY(!denied.ok);
        QVERIFY(denied.poolExists);
        QVERIFY2(denied.error.contains(QStringLiteral("permission denied for client.backup")),
                 qPrintable(denied.error));

        BackendSecrets secrets;
        BackendConfig dead = m_env.monHostConfig(&secrets);
        dead.options.insert(QStringLiteral("ember_ceph_mon_host"), QStringLiteral("127.0.0.1:9"));
        dead.options.insert(QStringLiteral("ember_ceph_timeout"), 3);
        const CephProbeResult unreachable = probeCeph(dead, secrets);
        QVERIFY(!unreachable.ok);
        QVERIFY2(unreachable.error.contains(QStringLiteral("no answer")),
                 qPrintable(unreachable.error));
    }
};

QTEST_GUILESS_MAIN(TestRbdVolume)
#include "tst_rbdvolume.moc"
