// ember-cli --os-cloud against the real Cinder of the "cinder" fixture: the cinder
// client's commands and columns, Cinder's refusals as the one ERROR line, restores
// compared byte for byte with `rbd export`, what a non-admin project sees, and the bridge
// between the cloud and the local catalog (backup-pull, backup-push) over Cinder's posix
// backup directory, which a local backend of Ember's shares.
#include "../services/serviceenv.h"
#include "cinderclient.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace ember;
using namespace ember::test;

namespace {

QString describe(const ProcessResult& result)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
        .arg(result.exitCode)
        .arg(QString::fromUtf8(result.out), QString::fromUtf8(result.err));
}

// Runs a tool (rbd) with the Ceph cluster's config; fails the test on a non-zero exit.
ProcessResult runTool(const QString& program, const QStringList& arguments)
{
    QProcess process;
    process.start(program, arguments);
    ProcessResult result;
    if (!process.waitForFinished(600000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

QByteArray sha256OfFile(const QString& path, qint64 length = -1)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 left = length < 0 ? file.size() : length;
    while (left > 0) {
        const QByteArray piece = file.read(std::min<qint64>(left, 4 << 20));
        if (piece.isEmpty())
            return {};
        hash.addData(piece);
        left -= piece.size();
    }
    return hash.result().toHex();
}

} // namespace

class CloudCliTest : public QObject
{
    Q_OBJECT

private:
    QHash<QString, QString> m_cinder, m_ceph;
    std::unique_ptr<QTemporaryDir> m_tmp; // under EMBER_TEST_TMP, made in initTestCase
    QString m_home;                       // EMBER_HOME of the current test
    std::unique_ptr<cloud::CinderClient> m_admin;
    QStringList m_volumes; // cloud volumes the current test made (deleted at cleanup)
    QStringList m_backups; // cloud backups, deleted newest first at cleanup

    ProcessResult cli(const QStringList& arguments) { return runCli(m_home, arguments, 900000); }
    QJsonObject cliJson(const QStringList& arguments)
    {
        const ProcessResult result =
            cli(QStringList{QStringLiteral("--format"), QStringLiteral("json")} + arguments);
        if (result.exitCode != 0) {
            qWarning().noquote() << describe(result);
            return {};
        }
        return QJsonDocument::fromJson(result.out).object();
    }
    // Exit status 1 and one stderr line "ERROR: ..." that contains `expected`.
    bool failsWith(const QStringList& arguments, const QString& expected)
    {
        const ProcessResult result = cli(arguments);
        const QString err = QString::fromUtf8(result.err);
        const bool ok = result.exitCode == 1 && err.count(QLatin1Char('\n')) == 1 &&
                        err.startsWith(QStringLiteral("ERROR: ")) && err.contains(expected);
        if (!ok)
            qWarning().noquote() << "expected" << expected << "in:" << describe(result);
        return ok;
    }

    QString rbd() const { return QStringLiteral("rbd"); }
    QStringList cephArgs() const { return {QStringLiteral("-c"), m_ceph.value("CEPH_CONF")}; }

    // A 1 GiB cloud volume of the admin project with some random data in it.
    QString makeVolume(const QString& name, int seed)
    {
        cloud::CreateVolumeRequest request;
        request.name = name;
        const QString id = m_admin->createVolume(request).id;
        m_volumes << id;
        for (int i = 0; i < 240 && m_admin->volume(id).status != QLatin1String("available"); ++i)
            QThread::msleep(500);
        if (m_admin->volume(id).status != QLatin1String("available"))
            return {};
        return writeVolume(id, seed) ? id : QString();
    }
    bool writeVolume(const QString& volumeId, int seed)
    {
        // rbd bench writes whole 4 MiB blocks at random places; the seed moves the region
        const ProcessResult result = runTool(
            rbd(), cephArgs() + QStringList{QStringLiteral("bench"), QStringLiteral("--io-type"),
                                            QStringLiteral("write"), QStringLiteral("--io-size"),
                                            QStringLiteral("1M"), QStringLiteral("--io-total"),
                                            QStringLiteral("%1M").arg(8 + seed),
                                            QStringLiteral("--io-pattern"), QStringLiteral("rand"),
                                            QStringLiteral("volumes/volume-") + volumeId});
        if (result.exitCode != 0)
            qWarning().noquote() << describe(result);
        return result.exitCode == 0;
    }
    QByteArray volumeHash(const QString& volumeId, qint64 length = -1)
    {
        const QString path = m_tmp->filePath(QStringLiteral("export-") + volumeId);
        QFile::remove(path);
        const ProcessResult result = runTool(
            rbd(),
            cephArgs() + QStringList{QStringLiteral("export"), QStringLiteral("--no-progress"),
                                     QStringLiteral("volumes/volume-") + volumeId, path});
        if (result.exitCode != 0) {
            qWarning().noquote() << describe(result);
            return {};
        }
        const QByteArray hash = sha256OfFile(path, length);
        QFile::remove(path);
        return hash;
    }
    QString waitBackup(const QString& backupId)
    {
        for (int i = 0; i < 600; ++i) {
            const QString status = m_admin->backup(backupId).status;
            if (status != QLatin1String("creating") && status != QLatin1String("restoring"))
                return status;
            QThread::msleep(500);
        }
        return QStringLiteral("timeout");
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cinder = serviceEnv(QStringLiteral("cinder"));
        m_ceph = serviceEnv(QStringLiteral("ceph"));
        QVERIFY2(!m_cinder.isEmpty(), "no cinder.env: does the test declare FIXTURES ceph;cinder?");
        QVERIFY2(!m_ceph.isEmpty(), "no ceph.env");
        // ctest names the folder but does not create it
        const QString base = qEnvironmentVariable("EMBER_TEST_TMP", QDir::tempPath());
        QVERIFY(QDir().mkpath(base));
        m_tmp =
            std::make_unique<QTemporaryDir>(QDir(base).filePath(QStringLiteral("cloudcli.XXXXXX")));
        QVERIFY(m_tmp->isValid());
        // ember-cli finds the deployment's clouds (ember-admin, ember-demo) like any tool
        qputenv("OS_CLIENT_CONFIG_FILE", m_cinder.value("OS_CLIENT_CONFIG_FILE").toUtf8());
        qunsetenv("OS_CLOUD");
        qputenv("EMBER_ALLOW_FILE_SECRETS", "1");
        m_admin = std::make_unique<cloud::CinderClient>(std::make_shared<cloud::KeystoneSession>(
            cloud::findCloud(QStringLiteral("ember-admin"))));
    }

    void init()
    {
        m_home = m_tmp->filePath(QString::fromLatin1(QTest::currentTestFunction()));
        QVERIFY(QDir().mkpath(m_home));
    }

    void cleanup()
    {
        for (auto it = m_backups.crbegin(); it != m_backups.crend(); ++it) {
            try {
                m_admin->deleteBackup(*it, true);
                for (int i = 0; i < 120; ++i) {
                    try {
                        m_admin->backup(*it);
                    } catch (const cloud::CloudError& error) {
                        if (error.kind() == cloud::CloudErrorKind::NotFound)
                            break;
                    }
                    QThread::msleep(500);
                }
            } catch (const Error& error) {
                qWarning() << "cleanup: backup" << *it << error.message();
            }
        }
        m_backups.clear();
        for (const QString& id : std::as_const(m_volumes)) {
            try {
                m_admin->deleteVolume(id);
            } catch (const Error& error) {
                qWarning() << "cleanup: volume" << id << error.message();
            }
        }
        m_volumes.clear();
    }

    // volume-list/backup-list with the cinder client's columns; --all-projects for the
    // admin adds the tenant column; the demo project sees only its own volumes.
    void listsAsAdminAndAsDemo()
    {
        const QString adminVolume = makeVolume(QStringLiteral("cli-admin-list"), 0);
        QVERIFY(!adminVolume.isEmpty());

        const ProcessResult all =
            cli({QStringLiteral("--os-cloud"), QStringLiteral("ember-admin"),
                 QStringLiteral("volume-list"), QStringLiteral("--all-projects")});
        QVERIFY2(all.exitCode == 0, qPrintable(describe(all)));
        const QString table = QString::fromUtf8(all.out);
        QVERIFY2(table.contains(QStringLiteral("| ID ")) &&
                     table.contains(QStringLiteral("Tenant ID")) &&
                     table.contains(QStringLiteral("Attached to")) && table.contains(adminVolume),
                 qPrintable(table));

        // the demo project's own listing: OS_CLOUD selects the cloud as well as --os-cloud
        qputenv("OS_CLOUD", "ember-demo");
        const ProcessResult demo =
            cli({QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("volume-list"),
                 QStringLiteral("--all-projects")});
        qunsetenv("OS_CLOUD");
        QVERIFY2(demo.exitCode == 0, qPrintable(describe(demo)));
        const QJsonArray demoVolumes = QJsonDocument::fromJson(demo.out).array();
        for (const QJsonValue& volume : demoVolumes) {
            QVERIFY2(volume.toObject().value(QStringLiteral("tenant_id")).toString() ==
                         m_cinder.value("OS_DEMO_PROJECT_ID"),
                     "the demo project sees another project's volume");
            QVERIFY(volume.toObject().value(QStringLiteral("id")).toString() != adminVolume);
        }
        // every debug line the CLI can print is free of the password
        qputenv("QT_LOGGING_RULES", "*.debug=true");
        const ProcessResult chatty =
            cli({QStringLiteral("--os-cloud"), QStringLiteral("ember-admin"),
                 QStringLiteral("backup-list"), QStringLiteral("--all-projects")});
        qunsetenv("QT_LOGGING_RULES");
        QVERIFY2(chatty.exitCode == 0, qPrintable(describe(chatty)));
        const QByteArray password = m_cinder.value("OS_PASSWORD").toUtf8();
        QVERIFY(!password.isEmpty());
        QVERIFY2(!chatty.out.contains(password) && !chatty.err.contains(password),
                 "the password appeared in ember-cli's output");

        // another project's volume does not exist for demo: one ERROR line, exit 1
        QVERIFY(failsWith({QStringLiteral("--os-cloud"), QStringLiteral("ember-demo"),
                           QStringLiteral("volume-show"), adminVolume},
                          adminVolume));
        // local-only commands say so when a cloud is selected
        QVERIFY(failsWith({QStringLiteral("--os-cloud"), QStringLiteral("ember-admin"),
                           QStringLiteral("backup-verify"), adminVolume},
                          QStringLiteral("this computer's catalog only")));
        QVERIFY(failsWith({QStringLiteral("--os-cloud"), QStringLiteral("no-such-cloud"),
                           QStringLiteral("volume-list")},
                          QStringLiteral("no-such-cloud")));
    }

    // A full and two incrementals through ember-cli, the newest-first rule with Cinder's
    // own reason, a restore into a new volume byte-compared, export for admins only.
    void chainRestoreAndRefusals()
    {
        const QString volume = makeVolume(QStringLiteral("cli-chain"), 1);
        QVERIFY(!volume.isEmpty());
        const QStringList admin{QStringLiteral("--os-cloud"), QStringLiteral("ember-admin")};
        QStringList ids;
        QByteArray fullHash; // the volume as the full backup saw it
        for (int i = 0; i < 3; ++i) {
            if (i > 0)
                QVERIFY(writeVolume(volume, i + 1));
            else
                fullHash = volumeHash(volume);
            QStringList arguments =
                admin + QStringList{QStringLiteral("backup-create"), volume,
                                    QStringLiteral("--name"), QStringLiteral("cli-chain-%1").arg(i),
                                    QStringLiteral("--wait")};
            if (i > 0)
                arguments << QStringLiteral("--incremental");
            const QJsonObject created = cliJson(arguments);
            QCOMPARE(created.value(QStringLiteral("status")).toString(),
                     QStringLiteral("available"));
            ids << created.value(QStringLiteral("id")).toString();
            m_backups << ids.last();
        }
        const QByteArray sourceHash = volumeHash(volume);
        QVERIFY(!sourceHash.isEmpty());

        // Cinder's facts: the full and the first incremental have dependents
        QVERIFY(m_admin->backup(ids.at(0)).hasDependentBackups);
        QVERIFY(m_admin->backup(ids.at(2)).isIncremental);
        QVERIFY(failsWith(admin + QStringList{QStringLiteral("backup-delete"), ids.at(0)},
                          QStringLiteral("Incremental backups exist for this backup.")));

        const QJsonObject restored =
            cliJson(admin + QStringList{QStringLiteral("backup-restore"), ids.at(2),
                                        QStringLiteral("--name"), QStringLiteral("cli-restored"),
                                        QStringLiteral("--wait")});
        const QString target = restored.value(QStringLiteral("volume_id")).toString();
        QVERIFY2(!target.isEmpty(), "backup-restore printed no volume_id");
        m_volumes << target;
        for (int i = 0; i < 240 && m_admin->volume(target).status != QLatin1String("available");
             ++i)
            QThread::msleep(500);
        QCOMPARE(m_admin->volume(target).status, QStringLiteral("available"));
        QCOMPARE(volumeHash(target), sourceHash);

        // the full backup over that existing volume: --volume takes a name or an id
        const QJsonObject over =
            cliJson(admin + QStringList{QStringLiteral("backup-restore"), ids.at(0),
                                        QStringLiteral("--volume"), QStringLiteral("cli-restored"),
                                        QStringLiteral("--wait")});
        QCOMPARE(over.value(QStringLiteral("volume_id")).toString(), target);
        for (int i = 0; i < 240 && m_admin->volume(target).status != QLatin1String("available");
             ++i)
            QThread::msleep(500);
        QCOMPARE(volumeHash(target), fullHash);

        const QJsonObject record =
            cliJson(admin + QStringList{QStringLiteral("backup-export"), ids.at(0)});
        QVERIFY(record.value(QStringLiteral("backup_service"))
                    .toString()
                    .startsWith(QStringLiteral("cinder.backup.drivers.")));
        QVERIFY(!record.value(QStringLiteral("backup_url")).toString().isEmpty());
        QVERIFY(failsWith({QStringLiteral("--os-cloud"), QStringLiteral("ember-demo"),
                           QStringLiteral("backup-export"), ids.at(0)},
                          QStringLiteral("")));

        // newest first works, and rename goes through the API
        QVERIFY(cliJson(admin + QStringList{QStringLiteral("backup-update"), ids.at(2),
                                            QStringLiteral("--name"), QStringLiteral("renamed")})
                    .value(QStringLiteral("name")) == QStringLiteral("renamed"));
        const ProcessResult deleted =
            cli(admin + QStringList{QStringLiteral("backup-delete"), ids.at(2)});
        QVERIFY2(deleted.exitCode == 0, qPrintable(describe(deleted)));
        QVERIFY(deleted.out.contains("has been accepted"));
    }

    // The bridge: a cloud backup enters the local catalog and Ember restores it from the
    // store alone; an Ember backup enters the cloud and Cinder restores it.
    void bridgeBetweenCloudAndLocalCatalog()
    {
        const QString backupPath = m_cinder.value("CINDER_BACKUP_POSIX_PATH");
        if (backupPath.isEmpty())
            QFAIL("the cinder fixture runs the posix backup driver: CINDER_BACKUP_POSIX_PATH "
                  "missing");
        const QStringList admin{QStringLiteral("--os-cloud"), QStringLiteral("ember-admin")};
        const ProcessResult added =
            cli({QStringLiteral("backend-add-local"), QStringLiteral("cinder-store"), backupPath});
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));

        // cloud -> local
        const QString volume = makeVolume(QStringLiteral("cli-pull"), 2);
        QVERIFY(!volume.isEmpty());
        const QJsonObject created = cliJson(
            admin + QStringList{QStringLiteral("backup-create"), volume, QStringLiteral("--wait")});
        const QString cloudBackup = created.value(QStringLiteral("id")).toString();
        QVERIFY(!cloudBackup.isEmpty());
        m_backups << cloudBackup;
        const QByteArray sourceHash = volumeHash(volume);
        const QJsonObject pulled = cliJson(
            admin + QStringList{QStringLiteral("backup-pull"), cloudBackup,
                                QStringLiteral("--backend"), QStringLiteral("cinder-store")});
        QCOMPARE(pulled.value(QStringLiteral("id")).toString(), cloudBackup);
        const QString restoredFile = m_tmp->filePath(QStringLiteral("pulled.img"));
        const ProcessResult restore = cli({QStringLiteral("backup-restore"), cloudBackup,
                                           QStringLiteral("--path"), restoredFile});
        QVERIFY2(restore.exitCode == 0, qPrintable(describe(restore)));
        QCOMPARE(sha256OfFile(restoredFile), sourceHash);
        QFile::remove(restoredFile);

        // local -> cloud: a 64 MiB file volume backed up by Ember into Cinder's store
        const QString file = m_tmp->filePath(QStringLiteral("push-source.img"));
        {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly));
            QByteArray block(1 << 20, Qt::Uninitialized);
            for (int mib = 0; mib < 64; ++mib) {
                for (qsizetype i = 0; i < block.size(); ++i)
                    block[i] = char((i * 31 + mib * 7 + (i >> 9)) & 0xff);
                QVERIFY(out.write(block) == block.size());
            }
        }
        const ProcessResult registered = cli({QStringLiteral("--format"), QStringLiteral("json"),
                                              QStringLiteral("volume-add"), file});
        QVERIFY2(registered.exitCode == 0, qPrintable(describe(registered)));
        const QString localVolume =
            QJsonDocument::fromJson(registered.out).object().value(QStringLiteral("id")).toString();
        const QJsonObject local =
            cliJson({QStringLiteral("backup-create"), localVolume, QStringLiteral("--backend"),
                     QStringLiteral("cinder-store")});
        const QString localBackup = local.value(QStringLiteral("id")).toString();
        QVERIFY2(!localBackup.isEmpty(), "local backup-create printed no id");
        const QJsonObject pushed =
            cliJson(admin + QStringList{QStringLiteral("backup-push"), localBackup,
                                        QStringLiteral("--wait")});
        QCOMPARE(pushed.value(QStringLiteral("id")).toString(), localBackup);
        QCOMPARE(pushed.value(QStringLiteral("status")).toString(), QStringLiteral("available"));
        m_backups << localBackup;
        const QJsonObject cloudRestore =
            cliJson(admin + QStringList{QStringLiteral("backup-restore"), localBackup,
                                        QStringLiteral("--wait")});
        const QString target = cloudRestore.value(QStringLiteral("volume_id")).toString();
        QVERIFY(!target.isEmpty());
        m_volumes << target;
        for (int i = 0; i < 240 && m_admin->volume(target).status != QLatin1String("available");
             ++i)
            QThread::msleep(500);
        QCOMPARE(m_admin->volume(target).status, QStringLiteral("available"));
        // Cinder's volume is whole GiB: the file's 64 MiB, then zeros
        QCOMPARE(volumeHash(target, 64 << 20), sha256OfFile(file));
    }
};

QTEST_GUILESS_MAIN(CloudCliTest)
#include "tst_cloudcli.moc"
