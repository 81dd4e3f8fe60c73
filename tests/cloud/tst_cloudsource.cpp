// The cloud as a source of the panels, against the real Keystone and Cinder of the
// "cinder" fixture: a demo-project volume with a full and two incrementals made
// through CinderClient; the admin's CloudSource lists every project page by page and
// shows the chain from export records, the demo's shows it inferred and marked and
// sees only its own project; a delete of the full is refused up front with Cinder's
// own reason; a cloud job follows creating -> available and deleting -> gone.
// Everything made here is deleted again.
#include "../services/serviceenv.h"
#include "backuprecord.h"
#include "backuptreemodel.h"
#include "cinderclient.h"
#include "cloudsource.h"
#include "itemroles.h"
#include "jobmodel.h"
#include "jobrunner.h"
#include "testsupport.h"
#include "volumemodel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace ember;
using namespace ember::cloud;
using namespace ember::ui;

namespace {

constexpr int StepTimeoutMs = 300000;

CloudProfile profileFrom(const QHash<QString, QString>& facts, const QString& prefix,
                         const QString& name)
{
    CloudProfile profile;
    profile.name = name;
    profile.origin = QStringLiteral("test");
    profile.auth.type = AuthType::Password;
    profile.auth.authUrl = facts.value(QStringLiteral("OS_AUTH_URL"));
    profile.auth.username = facts.value(prefix + QStringLiteral("USERNAME"));
    profile.auth.password = facts.value(prefix + QStringLiteral("PASSWORD"));
    profile.auth.projectName = facts.value(prefix + QStringLiteral("PROJECT_NAME"));
    profile.auth.userDomainName =
        facts.value(prefix + QStringLiteral("USER_DOMAIN_NAME"), QStringLiteral("Default"));
    profile.auth.projectDomainName =
        facts.value(prefix + QStringLiteral("PROJECT_DOMAIN_NAME"), QStringLiteral("Default"));
    profile.regionName = facts.value(QStringLiteral("OS_REGION_NAME"));
    return profile;
}

// Polls until `status(id)` is one of `wanted` (or, with goneIsFine, 404).
QString waitFor(const std::function<QString()>& status, const QStringList& wanted,
                bool goneIsFine = false)
{
    QElapsedTimer clock;
    clock.start();
    QString last;
    while (clock.elapsed() < StepTimeoutMs) {
        try {
            last = status();
        } catch (const CloudError& error) {
            if (goneIsFine && error.kind() == CloudErrorKind::NotFound)
                return QStringLiteral("gone");
            throw;
        }
        if (wanted.contains(last))
            return last;
        QThread::msleep(500);
    }
    return last;
}

// rbd on the fixture's cluster (the pool Cinder's RBD driver uses).
QByteArray rbd(const QHash<QString, QString>& ceph, const QStringList& arguments)
{
    QProcess process;
    QStringList all{QStringLiteral("-c"), ceph.value(QStringLiteral("CEPH_CONF")),
                    QStringLiteral("--id"),
                    ceph.value(QStringLiteral("CEPH_CLIENT_ID"), QStringLiteral("admin"))};
    if (ceph.contains(QStringLiteral("CEPH_KEYRING")))
        all << QStringLiteral("--keyring") << ceph.value(QStringLiteral("CEPH_KEYRING"));
    process.start(QStringLiteral("rbd"), all + arguments);
    if (!process.waitForFinished(300000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0)
        throw Error(
            QStringLiteral("rbd %1 failed: %2")
                .arg(arguments.join(' '), QString::fromUtf8(process.readAllStandardError())));
    return process.readAllStandardOutput();
}

QStringList childIds(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(parent); ++row)
        ids.append(model.index(row, 0, parent).data(IdRole).toString());
    return ids;
}

} // namespace

class CloudSourceTest : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_facts;
    QHash<QString, QString> m_ceph;
    CloudProfile m_admin, m_demo;
    std::unique_ptr<CinderClient> m_adminClient, m_demoClient;
    QString m_demoVolume, m_adminVolume;
    QString m_full, m_inc1, m_inc2;
    QStringList m_extraBackups; // made by the tests' jobs, removed at the end

    QString rbdImage(const QString& volumeId) const
    {
        return m_facts.value(QStringLiteral("CINDER_RBD_POOL"), QStringLiteral("volumes")) +
               QStringLiteral("/volume-") + volumeId;
    }

    // New data in the demo volume, so each backup of the chain carries some.
    void writeSomeData(int megabytes)
    {
        rbd(m_ceph,
            {QStringLiteral("bench"), QStringLiteral("--io-type"), QStringLiteral("write"),
             QStringLiteral("--io-size"), QStringLiteral("64K"), QStringLiteral("--io-pattern"),
             QStringLiteral("rand"), QStringLiteral("--io-total"),
             QStringLiteral("%1M").arg(megabytes), rbdImage(m_demoVolume)});
    }

    QString makeBackup(const QString& name, bool incremental)
    {
        cloud::CreateBackupRequest request;
        request.volumeId = m_demoVolume;
        request.name = name;
        request.incremental = incremental;
        const CloudBackup backup = m_demoClient->createBackup(request);
        const QString status = waitFor([&] { return m_demoClient->backup(backup.id).status; },
                                       {BackupStatus::Available, BackupStatus::Error});
        if (status != BackupStatus::Available)
            throw Error(QStringLiteral("backup %1 ended %2: %3")
                            .arg(backup.id, status, m_demoClient->backup(backup.id).failReason));
        return backup.id;
    }

    // Waits until the source's latest complete snapshot satisfies `ready`.
    static bool waitForSnapshot(CloudSource& source,
                                const std::function<bool(const SourceSnapshot&)>& ready)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < StepTimeoutMs) {
            const auto snapshot = source.snapshot();
            if (snapshot->complete && ready(*snapshot))
                return true;
            QTest::qWait(100);
        }
        return false;
    }

    void deleteBackupAndWait(CinderClient& client, const QString& id)
    {
        try {
            client.deleteBackup(id, false);
        } catch (const CloudError& error) {
            if (error.kind() == CloudErrorKind::NotFound)
                return;
            qWarning("cleanup: %s", qPrintable(error.message()));
            return;
        }
        waitFor([&] { return client.backup(id).status; }, {BackupStatus::Error}, true);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_facts = ember::test::serviceEnv(QStringLiteral("cinder"));
        QVERIFY2(!m_facts.isEmpty(), "cinder.env missing: the test needs FIXTURES ceph;cinder");
        // The fixture's Ceph facts (the development deployment keeps them in cinder.env).
        m_ceph = ember::test::serviceEnv(QStringLiteral("ceph"));
        if (m_ceph.value(QStringLiteral("CEPH_CONF")).isEmpty())
            m_ceph = m_facts;
        QVERIFY2(!m_ceph.value(QStringLiteral("CEPH_CONF")).isEmpty(), "no CEPH_CONF in ceph.env");
        m_admin = profileFrom(m_facts, QStringLiteral("OS_"), QStringLiteral("test-admin"));
        m_demo = profileFrom(m_facts, QStringLiteral("OS_DEMO_"), QStringLiteral("test-demo"));
        m_adminClient = std::make_unique<CinderClient>(std::make_shared<KeystoneSession>(m_admin));
        m_demoClient = std::make_unique<CinderClient>(std::make_shared<KeystoneSession>(m_demo));

        CreateVolumeRequest volume;
        volume.sizeGiB = 1;
        volume.name =
            QStringLiteral("ember-source-demo-%1").arg(QCoreApplication::applicationPid());
        m_demoVolume = m_demoClient->createVolume(volume).id;
        volume.name =
            QStringLiteral("ember-source-admin-%1").arg(QCoreApplication::applicationPid());
        m_adminVolume = m_adminClient->createVolume(volume).id;
        QCOMPARE(waitFor([&] { return m_demoClient->volume(m_demoVolume).status; },
                         {VolumeStatus::Available, VolumeStatus::Error}),
                 VolumeStatus::Available);
        QCOMPARE(waitFor([&] { return m_adminClient->volume(m_adminVolume).status; },
                         {VolumeStatus::Available, VolumeStatus::Error}),
                 VolumeStatus::Available);
        writeSomeData(16);
        m_full = makeBackup(QStringLiteral("full"), false);
        writeSomeData(4);
        m_inc1 = makeBackup(QStringLiteral("inc1"), true);
        writeSomeData(4);
        m_inc2 = makeBackup(QStringLiteral("inc2"), true);
    }

    void cleanupTestCase()
    {
        if (!m_demoClient)
            return;
        for (const QString& id : m_extraBackups)
            deleteBackupAndWait(*m_demoClient, id);
        for (const QString& id : {m_inc2, m_inc1, m_full})
            if (!id.isEmpty())
                deleteBackupAndWait(*m_demoClient, id);
        for (const auto& [client, id] : {std::pair{m_demoClient.get(), m_demoVolume},
                                         std::pair{m_adminClient.get(), m_adminVolume}}) {
            if (id.isEmpty())
                continue;
            try {
                client->deleteVolume(id);
                waitFor([&] { return client->volume(id).status; }, {VolumeStatus::Error}, true);
            } catch (const Error& error) {
                qWarning("cleanup: %s", qPrintable(error.message()));
            }
        }
    }

    void adminSeesEveryProjectAndTheChainFromExportRecords()
    {
        CloudSource source(m_admin);
        const QString cache =
            ember::test::freshDir(QStringLiteral("chains")) + QStringLiteral("/cloud-chains.json");
        source.setParentCacheFile(cache);
        source.setPageSize(2); // several pages even on a small cloud
        QSignalSpy changes(&source, &Source::snapshotChanged);
        QSignalSpy progress(&source, &Source::loadProgress);
        QSignalSpy failures(&source, &Source::loadFailed);
        bool partialShown = false;
        connect(&source, &Source::snapshotChanged, this,
                [&] { partialShown = partialShown || !source.snapshot()->complete; });
        source.start();
        QVERIFY(waitForSnapshot(source, [&](const SourceSnapshot& snapshot) {
            return snapshot.linkOrigin(m_inc2) == LinkOrigin::ExportRecord &&
                   snapshot.volume(m_adminVolume).has_value();
        }));
        QVERIFY2(failures.isEmpty(),
                 failures.isEmpty() ? "" : qPrintable(failures.first().first().toString()));
        QVERIFY(source.isAdmin());
        QVERIFY(source.can(Capability::ForceDelete));
        QVERIFY(source.can(Capability::ExportRecord));
        // Shown page by page: snapshots before the list was complete.
        QVERIFY(changes.size() >= 2);
        QVERIFY(partialShown);
        QVERIFY(progress.size() >= 2);

        const auto snapshot = source.snapshot();
        // all_tenants: the demo project's volume, with its project.
        QCOMPARE(snapshot->volumeFacts.value(m_demoVolume).projectId,
                 m_facts.value(QStringLiteral("OS_DEMO_PROJECT_ID")));
        QVERIFY(snapshot->projects.contains(m_facts.value(QStringLiteral("OS_DEMO_PROJECT_ID"))));
        QCOMPARE(snapshot->backup(m_inc1)->parentId, m_full);
        QCOMPARE(snapshot->backup(m_inc2)->parentId, m_inc1);
        QCOMPARE(snapshot->linkOrigin(m_inc1), LinkOrigin::ExportRecord);
        QVERIFY(snapshot->quotas.contains(source.tokenProjectId()));
        // The parents are kept for the next run, by cloud and backup id.
        QFile cacheFile(cache);
        QVERIFY(cacheFile.open(QIODevice::ReadOnly));
        const QJsonObject cached =
            QJsonDocument::fromJson(cacheFile.readAll()).object().value(m_admin.name).toObject();
        QCOMPARE(cached.value(m_inc2).toString(), m_inc1);
        QCOMPARE(cached.value(m_inc1).toString(), m_full);

        BackupTreeModel tree;
        QAbstractItemModelTester tester(&tree);
        tree.apply(*snapshot);
        tree.setVolumes({m_demoVolume});
        QCOMPARE(childIds(tree), QStringList{m_full});
        QCOMPARE(childIds(tree, tree.indexOf(m_full)), QStringList{m_inc1});
        QCOMPARE(childIds(tree, tree.indexOf(m_inc1)), QStringList{m_inc2});
        QCOMPARE(tree.indexOf(m_inc2, BackupTreeModel::Incremental).data().toString(),
                 QStringLiteral("incremental, level 2"));

        // The project filter: only the demo project.
        source.setProjectFilter(m_facts.value(QStringLiteral("OS_DEMO_PROJECT_ID")));
        QVERIFY(waitForSnapshot(source, [&](const SourceSnapshot& filtered) {
            return !filtered.volume(m_adminVolume) && filtered.volume(m_demoVolume);
        }));
    }

    void demoSeesOnlyItsProjectWithInferredLinks()
    {
        CloudSource source(m_demo);
        source.setParentCacheFile({});
        source.start();
        QVERIFY(waitForSnapshot(source, [&](const SourceSnapshot& snapshot) {
            return snapshot.backup(m_inc2).has_value();
        }));
        QVERIFY(!source.isAdmin());
        QVERIFY(!source.can(Capability::ForceDelete));
        const auto snapshot = source.snapshot();
        QVERIFY(!snapshot->volume(m_adminVolume));
        for (const Volume& volume : snapshot->volumes)
            QCOMPARE(snapshot->volumeFacts.value(volume.id).projectId,
                     m_facts.value(QStringLiteral("OS_DEMO_PROJECT_ID")));
        QCOMPARE(snapshot->backup(m_inc1)->parentId, m_full);
        QCOMPARE(snapshot->backup(m_inc2)->parentId, m_inc1);
        QCOMPARE(snapshot->linkOrigin(m_inc2), LinkOrigin::Inferred);
        QVERIFY2(snapshot->backupFacts.value(m_inc2).chainProblem.isEmpty(),
                 qPrintable(snapshot->backupFacts.value(m_inc2).chainProblem));

        BackupTreeModel tree;
        tree.apply(*snapshot);
        tree.setVolumes({m_demoVolume});
        QCOMPARE(childIds(tree, tree.indexOf(m_inc1)), QStringList{m_inc2});
        const QModelIndex link = tree.indexOf(m_inc2, BackupTreeModel::Incremental);
        QCOMPARE(link.data(LinkOriginRole).toInt(), int(LinkOrigin::Inferred));
        QVERIFY(link.data().toString().contains("inferred"));
        QVERIFY(link.data(Qt::ToolTipRole).toString().contains("inferred from Cinder's rule"));

        VolumeModel volumes;
        volumes.apply(*snapshot);
        QVERIFY(volumes.rowOf(m_demoVolume) >= 0);
        QCOMPARE(volumes.index(volumes.rowOf(m_demoVolume), VolumeModel::Status)
                     .data(RawValueRole)
                     .toString(),
                 VolumeStatus::Available);
    }

    void deletingTheFullIsRefusedWithCindersReason()
    {
        CloudSource source(m_demo);
        source.setParentCacheFile({});
        JobRunner runner(ember::test::freshDir(QStringLiteral("refusal")) +
                         QStringLiteral("/catalog.sqlite"));
        source.setJobRunner(&runner);
        source.start();
        QVERIFY(waitForSnapshot(source, [&](const SourceSnapshot& snapshot) {
            return snapshot.backup(m_inc2).has_value();
        }));
        const ActionResult result = source.deleteBackup(m_full, false);
        QVERIFY(!result.accepted());
        QVERIFY2(result.refusal.startsWith("Incremental backups exist for this backup."),
                 qPrintable(result.refusal));
        QCOMPARE(runner.jobs().size(), 0);
        // Cinder itself gives the same reason when asked anyway.
        try {
            m_demoClient->deleteBackup(m_full, false);
            QFAIL("Cinder deleted a backup with dependents");
        } catch (const CloudError& error) {
            QVERIFY2(error.cinderMessage().contains("Incremental backups exist for this backup"),
                     qPrintable(error.message()));
        }
        // Not an admin: no force delete.
        QVERIFY(source.deleteBackup(m_inc2, true).refusal.contains("admin"));
    }

    void cloudJobFollowsCindersStatus()
    {
        CloudSource source(m_demo);
        source.setParentCacheFile({});
        source.setJobPollIntervalMs(300);
        JobRunner runner(ember::test::freshDir(QStringLiteral("jobs")) +
                         QStringLiteral("/catalog.sqlite"));
        JobModel jobs(&runner);
        source.setJobRunner(&runner);
        source.start();
        QVERIFY(waitForSnapshot(source, [&](const SourceSnapshot& snapshot) {
            return snapshot.backup(m_inc2).has_value();
        }));

        BackupRequest request;
        request.volumeId = m_demoVolume;
        request.name = QStringLiteral("inc3");
        request.incremental = true;
        const ActionResult created = source.createBackup(request);
        QVERIFY2(created.accepted(), qPrintable(created.refusal));
        QTRY_VERIFY_WITH_TIMEOUT(runner.job(created.jobId)->state == JobState::Running, 10000);
        const int row = runner.indexOf(created.jobId);
        QCOMPARE(jobs.index(row, JobModel::ProgressBar).data().toString(),
                 QStringLiteral("Cinder reports no percentage"));
        QTRY_VERIFY_WITH_TIMEOUT(isFinished(runner.job(created.jobId)->state), StepTimeoutMs);
        const JobInfo* job = runner.job(created.jobId);
        const QString log = job->log.join('\n');
        QVERIFY2(job->state == JobState::Succeeded, qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("creating → available")), qPrintable(log));
        QVERIFY(!jobs.index(row, JobModel::Elapsed).data().toString().isEmpty());

        // The new backup shows up under inc2 (the source reloads after the job).
        QString inc3;
        QVERIFY(waitForSnapshot(source, [&](const SourceSnapshot& snapshot) {
            for (const Backup& backup : snapshot.backups)
                if (backup.displayName == QStringLiteral("inc3") && backup.volumeId == m_demoVolume)
                    inc3 = backup.id;
            return !inc3.isEmpty() && snapshot.backup(inc3)->status == BackupStatus::Available;
        }));
        m_extraBackups.append(inc3);
        QCOMPARE(source.snapshot()->backup(inc3)->parentId, m_inc2);

        // And goes again through a delete job: deleting -> gone.
        const ActionResult deleted = source.deleteBackup(inc3, false);
        QVERIFY2(deleted.accepted(), qPrintable(deleted.refusal));
        QTRY_VERIFY_WITH_TIMEOUT(isFinished(runner.job(deleted.jobId)->state), StepTimeoutMs);
        const QString deleteLog = runner.job(deleted.jobId)->log.join('\n');
        QVERIFY2(runner.job(deleted.jobId)->state == JobState::Succeeded, qPrintable(deleteLog));
        QVERIFY2(deleteLog.contains(QStringLiteral("deleting → gone")), qPrintable(deleteLog));
        m_extraBackups.removeAll(inc3);
        QVERIFY(waitForSnapshot(
            source, [&](const SourceSnapshot& snapshot) { return !snapshot.backup(inc3); }));
    }

    void restoreJobToANewVolumeIsByteIdentical()
    {
        CloudSource source(m_demo);
        source.setParentCacheFile({});
        source.setJobPollIntervalMs(300);
        JobRunner runner(ember::test::freshDir(QStringLiteral("restore")) +
                         QStringLiteral("/catalog.sqlite"));
        source.setJobRunner(&runner);
        source.start();
        QVERIFY(waitForSnapshot(source, [&](const SourceSnapshot& snapshot) {
            return snapshot.backup(m_inc2).has_value();
        }));
        const QString name =
            QStringLiteral("ember-restored-%1").arg(QCoreApplication::applicationPid());
        const ActionResult restore = source.restore({m_inc2, QString(), name});
        QVERIFY2(restore.accepted(), qPrintable(restore.refusal));
        QTRY_VERIFY_WITH_TIMEOUT(isFinished(runner.job(restore.jobId)->state), StepTimeoutMs);
        const JobInfo* job = runner.job(restore.jobId);
        const QString log = job->log.join('\n');
        QVERIFY2(job->state == JobState::Succeeded, qPrintable(job->outcome + '\n' + log));
        QVERIFY2(log.contains(QStringLiteral("→ available")), qPrintable(log));

        QString restored;
        for (const CloudVolume& volume : m_demoClient->allVolumes({}))
            if (volume.name == name)
                restored = volume.id;
        QVERIFY(!restored.isEmpty());
        const QString dir = ember::test::freshDir(QStringLiteral("restore-compare"));
        rbd(m_ceph,
            {QStringLiteral("export"), rbdImage(m_demoVolume), dir + QStringLiteral("/source")});
        rbd(m_ceph,
            {QStringLiteral("export"), rbdImage(restored), dir + QStringLiteral("/restored")});
        const QString difference = ember::test::compareFiles(dir + QStringLiteral("/source"),
                                                             dir + QStringLiteral("/restored"));
        m_demoClient->deleteVolume(restored);
        waitFor([&] { return m_demoClient->volume(restored).status; }, {VolumeStatus::Error}, true);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void adminActionsRunAsJobs()
    {
        CloudSource source(m_admin);
        source.setParentCacheFile({});
        source.setJobPollIntervalMs(300);
        JobRunner runner(ember::test::freshDir(QStringLiteral("admin-jobs")) +
                         QStringLiteral("/catalog.sqlite"));
        source.setJobRunner(&runner);
        source.start();
        QVERIFY(waitForSnapshot(source, [&](const SourceSnapshot& snapshot) {
            return snapshot.backup(m_inc2).has_value();
        }));
        QVERIFY(source.isAdmin());
        auto runToEnd = [&](const ActionResult& result) {
            if (!result.accepted())
                return QStringLiteral("refused: ") + result.refusal;
            QElapsedTimer clock;
            clock.start();
            while (!isFinished(runner.job(result.jobId)->state) && clock.elapsed() < StepTimeoutMs)
                QTest::qWait(100);
            const JobInfo* job = runner.job(result.jobId);
            return job->state == JobState::Succeeded ? QString() : job->outcome;
        };

        // Export: the record arrives through the signal and names the backup and its parent.
        QSignalSpy exported(&source, &Source::recordExported);
        QCOMPARE(runToEnd(source.exportRecord(m_inc2)), QString());
        QTRY_COMPARE(exported.size(), 1);
        const Backup record = ember::importRecord(
            {exported.first().at(1).toString(), exported.first().at(2).toString()});
        QCOMPARE(record.id, m_inc2);
        QCOMPARE(record.parentId, m_inc1);
        // Importing it again is refused up front: the backup exists.
        QVERIFY(
            source
                .importRecord(exported.first().at(1).toString(), exported.first().at(2).toString())
                .refusal.contains("already exists"));

        // Rename, then reset-state there and back.
        QCOMPARE(runToEnd(source.updateBackup(m_inc2, QStringLiteral("inc2-renamed"),
                                              QStringLiteral("renamed by the test"))),
                 QString());
        QCOMPARE(m_adminClient->backup(m_inc2).name, QStringLiteral("inc2-renamed"));
        QVERIFY(
            source.resetState(m_inc2, QStringLiteral("creating")).refusal.contains("available or"));
        QCOMPARE(runToEnd(source.resetState(m_inc2, BackupStatus::Error)), QString());
        QCOMPARE(m_adminClient->backup(m_inc2).status, BackupStatus::Error);
        QCOMPARE(runToEnd(source.resetState(m_inc2, BackupStatus::Available)), QString());
        QCOMPARE(m_adminClient->backup(m_inc2).status, BackupStatus::Available);
        QVERIFY(waitForSnapshot(source, [&](const SourceSnapshot& snapshot) {
            const auto backup = snapshot.backup(m_inc2);
            return backup && backup->displayName == QStringLiteral("inc2-renamed") &&
                   backup->status == BackupStatus::Available;
        }));
        // Force delete of the full is still refused: chains go newest first.
        QVERIFY(source.deleteBackup(m_full, true)
                    .refusal.startsWith("Incremental backups exist for this backup."));
    }

    void pollingBacksOffWhileNothingChanges()
    {
        CloudSource source(m_demo);
        source.setParentCacheFile({});
        source.setPollIntervals(200, 800);
        source.start();
        QVERIFY(waitForSnapshot(source, [](const SourceSnapshot&) { return true; }));
        QTRY_COMPARE_WITH_TIMEOUT(source.currentPollIntervalMs(), 800, 30000);
        source.refreshNow(); // a user action: fast again
        QCOMPARE(source.currentPollIntervalMs(), 200);
    }
};

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv);
    CloudSourceTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cloudsource.moc"
