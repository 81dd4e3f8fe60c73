// A source that fails mid-read: returns EIO, shrinks, or is unlinked and
// replaced while a backup reads it. The volume is a file of faultfs (a FUSE
// file system of this folder; device-mapper and NBD are not usable in the
// test containers) that fails at a chosen offset, so no race decides the
// outcome. The backup must end error with a message naming the problem;
// the earlier backup stays restorable. Needs root (mount); CI runs as root.
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
constexpr qint64 kVolumeBytes = 16 * kMiB;

} // namespace

class FaultSourceTest : public QObject
{
    Q_OBJECT

    Setup m_setup;
    QString m_mount;
    QString m_backing;  // the file behind MOUNT/volume.img
    QString m_control;  // faultfs's fault instruction
    QString m_state;    // the volume as the first backup saw it
    QString m_backupId; // that backup
    std::unique_ptr<QProcess> m_faultfs;

    void prepare(const QString& tag)
    {
        QVERIFY2(::geteuid() == 0, "faultfs mounts a FUSE file system: run as root (CI does)");
        QVERIFY2(QFileInfo::exists(QStringLiteral("/dev/fuse")), "/dev/fuse is missing");
        QString error;
        m_setup = makeSetup(tag, QStringLiteral("none"), 2 * kMiB, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_mount = m_setup.dir + QStringLiteral("/mnt");
        m_backing = m_setup.dir + QStringLiteral("/backing.img");
        m_control = m_setup.dir + QStringLiteral("/control");
        QVERIFY(QDir().mkpath(m_mount));
        makeVolumeFile(m_backing, kVolumeBytes, Fill::Random, 61);
        m_faultfs = std::make_unique<QProcess>();
        m_faultfs->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_faultfs->start(qEnvironmentVariable("EMBER_FAULTFS"), {m_mount, m_backing, m_control});
        QVERIFY2(m_faultfs->waitForStarted(10000), "cannot start faultfs (EMBER_FAULTFS)");
        QVERIFY2(m_faultfs->waitForReadyRead(10000) &&
                     m_faultfs->readAllStandardOutput().startsWith("ready"),
                 "faultfs did not mount");
        const QString volume = m_mount + QStringLiteral("/volume.img");
        QCOMPARE(QFileInfo(volume).size(), kVolumeBytes);
        CLI_OK(cli(m_setup.home, {QStringLiteral("volume-add"), volume, QStringLiteral("--name"),
                                  QStringLiteral("vol")}));
        const ProcessResult made =
            cli(m_setup.home, {QStringLiteral("--format"), QStringLiteral("json"),
                               QStringLiteral("backup-create"), QStringLiteral("vol")});
        CLI_OK(made);
        m_backupId = createdId(made);
        m_state = m_setup.dir + QStringLiteral("/state.img");
        QVERIFY(QFile::copy(m_backing, m_state));
    }

    void arm(const QByteArray& instruction)
    {
        QFile control(m_control);
        QVERIFY(control.open(QIODevice::WriteOnly | QIODevice::Truncate));
        control.write(instruction + '\n');
    }

    // Backs up under the armed fault: it must fail clearly and leave things clean.
    void backupFails(const char* pattern)
    {
        const ProcessResult failed = cli(m_setup.home,
                                         {QStringLiteral("--format"), QStringLiteral("json"),
                                          QStringLiteral("backup-create"), QStringLiteral("vol")},
                                         60000);
        QVERIFY2(failed.exitCode == 1,
                 (QByteArray("the backup of a failing source did not fail: ") + describe(failed))
                     .constData());
        HOLDS(oneErrorLine(failed.err));
        QVERIFY2(
            QString::fromUtf8(failed.err)
                .contains(QRegularExpression(QString::fromLatin1(pattern),
                                             QRegularExpression::CaseInsensitiveOption)),
            (QByteArray("the error does not say what happened (") + pattern + "): " + failed.err)
                .constData());
        arm(QByteArray());
        HOLDS(stuckRows(m_setup.home));
        HOLDS(orphanObjects(m_setup.home, m_setup.store));
        QCOMPARE(backupNamed(m_setup.home, m_backupId).value(QStringLiteral("status")).toString(),
                 QStringLiteral("available"));
        HOLDS(restoresIdentical(m_setup.home, m_backupId, m_state,
                                m_setup.dir + QStringLiteral("/restored.img")));
    }

private Q_SLOTS:
    void cleanup()
    {
        if (m_faultfs) {
            unmount(m_mount);
            if (!m_faultfs->waitForFinished(5000))
                m_faultfs->kill();
            m_faultfs->waitForFinished(5000);
            m_faultfs.reset();
        }
    }

    void sourceReturnsEioMidRead()
    {
        prepare(QStringLiteral("source-eio"));
        if (QTest::currentTestFailed())
            return;
        arm("eio " + QByteArray::number(kVolumeBytes / 2));
        backupFails("input/output|I/O error|EIO");
    }

    void sourceShrinksMidRead()
    {
        prepare(QStringLiteral("source-shrinks"));
        if (QTest::currentTestFailed())
            return;
        arm("shrink " + QByteArray::number(kVolumeBytes / 2) + ' ' + QByteArray::number(1 * kMiB));
        backupFails("size|shr[ua]nk|truncat|changed|short read|end of|ended early");
    }

    void sourceReplacedMidRead()
    {
        prepare(QStringLiteral("source-replaced"));
        if (QTest::currentTestFailed())
            return;
        const QString replacement = m_setup.dir + QStringLiteral("/replacement.img");
        makeVolumeFile(replacement, kVolumeBytes, Fill::Random, 62);
        arm("replace " + QByteArray::number(kVolumeBytes / 2) + ' ' +
            QFile::encodeName(replacement));
        backupFails("replaced|changed|inode|identity|disappeared|no longer|another file|different");
    }
};

QTEST_GUILESS_MAIN(FaultSourceTest)
#include "tst_faultsource.moc"
