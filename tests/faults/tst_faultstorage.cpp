// Full and read-only disks, for the backend (its directory on a small or
// read-only tmpfs) and for the restore target: a clear error, nothing stored
// lost, no row stuck. Needs root for mount(2); CI runs as root.
#include "faultsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QtTest>

using namespace ember::faults;
using ember::test::Fill;
using ember::test::makeVolumeFile;

namespace {

constexpr qint64 kMiB = 1 << 20;

bool mentions(const ProcessResult& result, const QString& pattern)
{
    return QString::fromUtf8(result.err)
        .contains(QRegularExpression(pattern, QRegularExpression::CaseInsensitiveOption));
}

QString statusOf(const QString& home, const QString& id)
{
    return backupNamed(home, id).value(QStringLiteral("status")).toString();
}

} // namespace

#define FAILS_CLEARLY(result, pattern)                                                             \
    do {                                                                                           \
        QVERIFY2((result).exitCode == 1, describe(result).constData());                            \
        const QString problem = oneErrorLine((result).err);                                        \
        QVERIFY2(problem.isEmpty(), qPrintable(problem));                                          \
        QVERIFY2(mentions((result), QStringLiteral(pattern)),                                      \
                 (QByteArray("the error does not say " pattern ": ") + (result).err).constData()); \
    } while (false)

class FaultStorageTest : public QObject
{
    Q_OBJECT

    QStringList m_mounts;
    Setup m_setup;
    QString m_volume;   // text (compresses), registered as "vol"
    QString m_backupId; // its backup in the default backend

    // A data directory whose store is on a tmpfs of `storeBytes` (0: no tmpfs),
    // a volume and its backup.
    void prepare(const QString& tag, qint64 storeBytes, qint64 volumeBytes)
    {
        QString error;
        // zlib and Cinder's default object size: a failed write of a restore
        // was reported as a "corrupt" object there.
        m_setup = makeSetup(tag, QStringLiteral("zlib"), 1999994880, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        if (storeBytes > 0) {
            const QString mount = m_setup.dir + QStringLiteral("/backend");
            HOLDS(mountTmpfs(mount, storeBytes));
            m_mounts << mount;
            m_setup.store = mount + QStringLiteral("/store");
            QVERIFY(QDir().mkpath(m_setup.store));
            CLI_OK(cli(m_setup.home, {QStringLiteral("backend-add-local"), QStringLiteral("small"),
                                      m_setup.store, QStringLiteral("--compression"),
                                      QStringLiteral("zlib"), QStringLiteral("--object-size"),
                                      QString::number(1 * kMiB), QStringLiteral("--default")}));
        }
        m_volume = m_setup.dir + QStringLiteral("/vol.img");
        makeVolumeFile(m_volume, volumeBytes, Fill::Text, 51);
        CLI_OK(cli(m_setup.home, {QStringLiteral("volume-add"), m_volume, QStringLiteral("--name"),
                                  QStringLiteral("vol")}));
        const ProcessResult made =
            cli(m_setup.home, {QStringLiteral("--format"), QStringLiteral("json"),
                               QStringLiteral("backup-create"), QStringLiteral("vol")});
        CLI_OK(made);
        m_backupId = createdId(made);
    }

    QString mountTarget(const QString& name, qint64 bytes)
    {
        const QString mount = m_setup.dir + QLatin1Char('/') + name;
        const QString error = mountTmpfs(mount, bytes);
        if (error.isEmpty())
            m_mounts << mount;
        return error.isEmpty() ? mount : QString();
    }

    // Nothing stored lost and nothing stuck: the backup restores byte for byte.
    void storedBackupIntact()
    {
        HOLDS(stuckRows(m_setup.home));
        HOLDS(orphanObjects(m_setup.home, m_setup.store));
        QCOMPARE(statusOf(m_setup.home, m_backupId), QStringLiteral("available"));
        HOLDS(restoresIdentical(m_setup.home, m_backupId, m_volume,
                                m_setup.dir + QStringLiteral("/restored.img")));
    }

private Q_SLOTS:
    void cleanup()
    {
        for (const QString& mount : std::as_const(m_mounts))
            unmount(mount);
        m_mounts.clear();
    }

    void backendDiskFull()
    {
        prepare(QStringLiteral("backend-full"), 6 * kMiB, 2 * kMiB);
        if (QTest::currentTestFailed())
            return;
        const QString big = m_setup.dir + QStringLiteral("/big.img");
        makeVolumeFile(big, 16 * kMiB, Fill::Random, 52);
        CLI_OK(cli(m_setup.home, {QStringLiteral("volume-add"), big, QStringLiteral("--name"),
                                  QStringLiteral("big")}));
        const ProcessResult failed =
            cli(m_setup.home, {QStringLiteral("backup-create"), QStringLiteral("big")});
        FAILS_CLEARLY(failed, "space");
        storedBackupIntact();
        QCOMPARE(volumeNamed(m_setup.home, QStringLiteral("big"))
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("available"));
    }

    void backendReadOnly()
    {
        prepare(QStringLiteral("backend-ro"), 64 * kMiB, 4 * kMiB);
        if (QTest::currentTestFailed())
            return;
        HOLDS(remount(m_mounts.last(), true));
        const ProcessResult failed =
            cli(m_setup.home, {QStringLiteral("backup-create"), QStringLiteral("vol")});
        FAILS_CLEARLY(failed, "read-only|read only");
        const ProcessResult deleted =
            cli(m_setup.home, {QStringLiteral("backup-delete"), m_backupId});
        FAILS_CLEARLY(deleted, "read-only|read only");
        // A failed delete may leave the backup in error, but its objects stay.
        if (statusOf(m_setup.home, m_backupId) == QLatin1String("error"))
            CLI_OK(cli(m_setup.home, {QStringLiteral("backup-reset-state"), m_backupId}));
        storedBackupIntact();
        QCOMPARE(volumeNamed(m_setup.home, QStringLiteral("vol"))
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("available"));
    }

    void restoreTargetDiskFull()
    {
        prepare(QStringLiteral("target-full"), 0, 16 * kMiB);
        if (QTest::currentTestFailed())
            return;
        const QString mount = mountTarget(QStringLiteral("target"), 4 * kMiB);
        QVERIFY2(!mount.isEmpty(), "cannot mount a tmpfs (root needed)");
        CLI_OK(cli(m_setup.home,
                   {QStringLiteral("volume-create"), mount + QStringLiteral("/target.img"),
                    QStringLiteral("--size"), QStringLiteral("16M"), QStringLiteral("--name"),
                    QStringLiteral("target")}));
        const ProcessResult existing =
            cli(m_setup.home, {QStringLiteral("backup-restore"), m_backupId,
                               QStringLiteral("--volume"), QStringLiteral("target")});
        FAILS_CLEARLY(existing, "space");
        QVERIFY2(!existing.err.contains("corrupt"), existing.err.constData());
        const ProcessResult fresh =
            cli(m_setup.home, {QStringLiteral("backup-restore"), m_backupId,
                               QStringLiteral("--name"), QStringLiteral("fresh"),
                               QStringLiteral("--path"), mount + QStringLiteral("/fresh.img")});
        FAILS_CLEARLY(fresh, "space");
        QVERIFY2(!fresh.err.contains("corrupt"), fresh.err.constData());
        QVERIFY(!volumeNames(m_setup.home).contains(QStringLiteral("fresh")));
        storedBackupIntact();
    }

    void restoreTargetReadOnly()
    {
        prepare(QStringLiteral("target-ro"), 0, 8 * kMiB);
        if (QTest::currentTestFailed())
            return;
        const QString mount = mountTarget(QStringLiteral("target"), 64 * kMiB);
        QVERIFY2(!mount.isEmpty(), "cannot mount a tmpfs (root needed)");
        CLI_OK(cli(m_setup.home,
                   {QStringLiteral("volume-create"), mount + QStringLiteral("/target.img"),
                    QStringLiteral("--size"), QStringLiteral("8M"), QStringLiteral("--name"),
                    QStringLiteral("target")}));
        HOLDS(remount(mount, true));
        const ProcessResult existing =
            cli(m_setup.home, {QStringLiteral("backup-restore"), m_backupId,
                               QStringLiteral("--volume"), QStringLiteral("target")});
        FAILS_CLEARLY(existing, "read-only|read only");
        const ProcessResult fresh =
            cli(m_setup.home, {QStringLiteral("backup-restore"), m_backupId,
                               QStringLiteral("--name"), QStringLiteral("fresh"),
                               QStringLiteral("--path"), mount + QStringLiteral("/fresh.img")});
        FAILS_CLEARLY(fresh, "read-only|read only");
        QVERIFY(!volumeNames(m_setup.home).contains(QStringLiteral("fresh")));
        storedBackupIntact();
    }
};

QTEST_GUILESS_MAIN(FaultStorageTest)
#include "tst_faultstorage.moc"
