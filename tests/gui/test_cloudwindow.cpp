// The main window on the real Keystone and Cinder of the "cinder" fixture,
// with the clouds of the fixture's clouds.yaml: as ember-admin the window shows
// every project's volumes and the chain tree of a demo volume with a full and
// two incrementals (made through CinderClient here), the full's Delete is
// disabled with Cinder's reason, the record of the full is exported; as
// ember-demo only the demo project's volumes show and the admin actions are
// disabled with the reason, a backup created through the dialog runs as a job
// that follows creating → available and is deleted again through the window,
// and Cinder's error for a failed job appears in the job log and the notice;
// a cloud saved by the wizard (Connect to an OpenStack cloud…) is added and shown.
// Everything made here is deleted again.
#include "../services/serviceenv.h"
#include "actionscontroller.h"
#include "appcontext.h"
#include "appsettings.h"
#include "backupdialogs.h"
#include "backuptreemodel.h"
#include "cinderclient.h"
#include "cloudconfig.h"
#include "clouddialogs.h"
#include "cloudsource.h"
#include "cloudwizard.h"
#include "itemroles.h"
#include "mainwindow.h"
#include "sourceset.h"
#include "testsupport.h"
#include "volumepanel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>
#include <QThread>

using namespace ember;
using namespace ember::ui;

namespace {

constexpr int StepTimeoutMs = 300000;
const QString AdminCloud = QStringLiteral("cloud:ember-admin");
const QString DemoCloud = QStringLiteral("cloud:ember-demo");

// Polls until `status()` is one of `wanted` (or, with goneIsFine, 404).
QString waitFor(const std::function<QString()>& status, const QStringList& wanted,
                bool goneIsFine = false)
{
    QElapsedTimer clock;
    clock.start();
    QString last;
    while (clock.elapsed() < StepTimeoutMs) {
        try {
            last = status();
        } catch (const cloud::CloudError& error) {
            if (goneIsFine && error.kind() == cloud::CloudErrorKind::NotFound)
                return QStringLiteral("gone");
            throw;
        }
        if (wanted.contains(last))
            return last;
        QThread::msleep(500);
    }
    return last;
}

} // namespace

class TestCloudWindow : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_facts;
    std::unique_ptr<cloud::CinderClient> m_adminClient, m_demoClient;
    QString m_demoVolume, m_adminVolume;
    QString m_full, m_inc1, m_inc2;
    QStringList m_extraBackups; // made through the window, removed at the end if left
    QStringList m_extraVolumes; // restored through the window, removed at the end
    std::unique_ptr<AppContext> m_context;
    std::unique_ptr<MainWindow> m_window;

    QAction* action(const char* name) const
    {
        return m_window->findChild<QAction*>(QLatin1String(name));
    }

    QString makeBackup(const QString& name, bool incremental)
    {
        cloud::CreateBackupRequest request;
        request.volumeId = m_demoVolume;
        request.name = name;
        request.incremental = incremental;
        const cloud::CloudBackup backup = m_demoClient->createBackup(request);
        const QString status = waitFor([&] { return m_demoClient->backup(backup.id).status; },
                                       {BackupStatus::Available, BackupStatus::Error});
        if (status != BackupStatus::Available)
            throw Error(QStringLiteral("backup %1 ended %2").arg(backup.id, status));
        return backup.id;
    }

    // Shows `cloud` and waits until its whole list is in and `volumeId` is shown.
    bool showCloud(const QString& cloud, const QString& volumeId)
    {
        if (!m_window->switchToSource(cloud))
            return false;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < StepTimeoutMs) {
            Source* source = m_window->currentSource();
            if (source && source->hasSnapshot() && source->snapshot()->complete &&
                source->snapshot()->volume(volumeId))
                return m_window->selectVolume(volumeId);
            QTest::qWait(100);
        }
        return false;
    }

    BackupTreeModel* tree() const
    {
        return m_window->sources().entry(m_window->currentSourceId())->backups;
    }

    QString parentShown(const QString& backupId) const
    {
        return tree()->indexOf(backupId).parent().data(IdRole).toString();
    }

    const JobInfo* waitForJob(quint64 id)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < StepTimeoutMs) {
            const JobInfo* job = m_context->runner().job(id);
            if (job && isFinished(job->state))
                return job;
            QTest::qWait(200);
        }
        return m_context->runner().job(id);
    }

    quint64 newestJob() const
    {
        const QList<JobInfo>& jobs = m_context->runner().jobs();
        return jobs.isEmpty() ? 0 : jobs.last().id;
    }

    void deleteBackupAndWait(cloud::CinderClient& client, const QString& id)
    {
        try {
            client.deleteBackup(id, false);
        } catch (const cloud::CloudError& error) {
            if (error.kind() != cloud::CloudErrorKind::NotFound)
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
        m_adminClient =
            std::make_unique<cloud::CinderClient>(std::make_shared<cloud::KeystoneSession>(
                cloud::findCloud(QStringLiteral("ember-admin"))));
        m_demoClient =
            std::make_unique<cloud::CinderClient>(std::make_shared<cloud::KeystoneSession>(
                cloud::findCloud(QStringLiteral("ember-demo"))));
        cloud::CreateVolumeRequest volume;
        volume.sizeGiB = 1;
        volume.name =
            QStringLiteral("ember-window-demo-%1").arg(QCoreApplication::applicationPid());
        m_demoVolume = m_demoClient->createVolume(volume).id;
        volume.name =
            QStringLiteral("ember-window-admin-%1").arg(QCoreApplication::applicationPid());
        m_adminVolume = m_adminClient->createVolume(volume).id;
        for (const auto& [client, id] : {std::pair{m_demoClient.get(), m_demoVolume},
                                         std::pair{m_adminClient.get(), m_adminVolume}})
            QCOMPARE(waitFor([&] { return client->volume(id).status; },
                             {VolumeStatus::Available, VolumeStatus::Error}),
                     VolumeStatus::Available);
        m_full = makeBackup(QStringLiteral("full"), false);
        m_inc1 = makeBackup(QStringLiteral("inc1"), true);
        m_inc2 = makeBackup(QStringLiteral("inc2"), true);

        m_context = std::make_unique<AppContext>(defaultCatalogPath());
        m_window = std::make_unique<MainWindow>(*m_context);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_context.reset();
        if (!m_demoClient)
            return;
        for (const QString& id : std::as_const(m_extraBackups))
            deleteBackupAndWait(*m_demoClient, id);
        for (const QString& id : {m_inc2, m_inc1, m_full})
            if (!id.isEmpty())
                deleteBackupAndWait(*m_demoClient, id);
        QList<std::pair<cloud::CinderClient*, QString>> volumes{
            {m_demoClient.get(), m_demoVolume}, {m_adminClient.get(), m_adminVolume}};
        for (const QString& id : std::as_const(m_extraVolumes))
            volumes.append({m_demoClient.get(), id});
        for (const auto& [client, id] : volumes) {
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

    void theSwitcherListsTheFixturesClouds()
    {
        for (const QString& id : {AdminCloud, DemoCloud})
            QVERIFY2(m_window->sourceSwitcher()->findData(id) > 0, qPrintable(id));
    }

    void adminSeesEveryProjectAndTheChain()
    {
        QVERIFY(showCloud(AdminCloud, m_demoVolume));
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Ember — ember-admin (OpenStack cloud)"));
        const auto snapshot = m_window->currentSource()->snapshot();
        QVERIFY(snapshot->volume(m_adminVolume)); // every project
        QComboBox* projects = m_window->volumePanel()->projectFilter();
        QTRY_VERIFY(projects->isEnabled());
        QCOMPARE(projects->itemText(0), QStringLiteral("All projects"));
        QVERIFY(projects->findData(m_facts.value(QStringLiteral("OS_DEMO_PROJECT_ID"))) > 0);

        // The chain: full → inc1 → inc2, from the export records.
        QTRY_COMPARE_WITH_TIMEOUT(parentShown(m_inc2), m_inc1, 60000);
        QCOMPARE(parentShown(m_inc1), m_full);
        QVERIFY(parentShown(m_full).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->currentSource()->snapshot()->linkOrigin(m_inc2),
                                  LinkOrigin::ExportRecord, 60000);
        QVERIFY(m_window->backupProxy()->rowCount() >= 1);

        // Deleting the full: refused up front in Cinder's words.
        QVERIFY(m_window->selectBackup(m_full));
        QVERIFY(!action("deleteBackupAction")->isEnabled());
        QVERIFY2(action("deleteBackupAction")
                     ->toolTip()
                     .startsWith(QStringLiteral("Incremental backups exist for this backup.")),
                 qPrintable(action("deleteBackupAction")->toolTip()));
        // Also with force (admins may force, Cinder still refuses).
        QVERIFY(!action("forceDeleteAction")->isEnabled());
        QVERIFY(action("forceDeleteAction")
                    ->toolTip()
                    .startsWith(QStringLiteral("Incremental backups exist for this backup.")));
        QVERIFY(action("resetStateAction")->isEnabled());
        QVERIFY(action("importRecordAction")->isEnabled());
        QVERIFY(m_window->quotaSummary()->text().startsWith(QStringLiteral("Backup quota: ")));

        // The full's record, shown once Cinder has exported it.
        QVERIFY(action("exportRecordAction")->isEnabled());
        action("exportRecordAction")->trigger();
        ExportRecordDialog* exported = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((exported = m_window->findChild<ExportRecordDialog*>()), 60000);
        QVERIFY(exported->isVisible());
        exported->close();
    }

    void adminChoosesOneProject()
    {
        QVERIFY(showCloud(AdminCloud, m_demoVolume));
        const QString demoProject = m_facts.value(QStringLiteral("OS_DEMO_PROJECT_ID"));
        QComboBox* projects = m_window->volumePanel()->projectFilter();
        QTRY_VERIFY(projects->findData(demoProject) > 0);
        const int index = projects->findData(demoProject);
        projects->setCurrentIndex(index);
        Q_EMIT projects->activated(index);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->currentSource()->snapshot()->volume(m_adminVolume) &&
                                     m_window->currentSource()->snapshot()->volume(m_demoVolume),
                                 60000);
        projects->setCurrentIndex(0);
        Q_EMIT projects->activated(0);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->currentSource()->snapshot()->volume(m_adminVolume),
                                 60000);
    }

    void demoSeesOnlyItsOwnAndNoAdminActions()
    {
        QVERIFY(showCloud(DemoCloud, m_demoVolume));
        const auto snapshot = m_window->currentSource()->snapshot();
        const QString demoProject = m_facts.value(QStringLiteral("OS_DEMO_PROJECT_ID"));
        QVERIFY(!snapshot->volume(m_adminVolume));
        for (const Volume& volume : snapshot->volumes)
            QCOMPARE(snapshot->volumeFactsOf(volume.id).projectId, demoProject);
        QVERIFY(!m_window->volumePanel()->projectFilter()->isEnabled());
        // The chain, inferred by Cinder's rule and marked so.
        QTRY_COMPARE_WITH_TIMEOUT(parentShown(m_inc2), m_inc1, 60000);
        QCOMPARE(m_window->currentSource()->snapshot()->linkOrigin(m_inc2), LinkOrigin::Inferred);

        QVERIFY(m_window->selectBackup(m_inc2));
        for (const char* name : {"forceDeleteAction", "resetStateAction", "exportRecordAction",
                                 "importRecordAction"}) {
            QVERIFY2(!action(name)->isEnabled(), name);
            QVERIFY2(action(name)->toolTip().contains(QStringLiteral("needs the admin role")),
                     qPrintable(action(name)->toolTip()));
        }
        // The newest incremental may go; restore and rename too.
        QVERIFY(action("deleteBackupAction")->isEnabled());
        QVERIFY(action("restoreAction")->isEnabled());
        QVERIFY(action("editBackupAction")->isEnabled());
    }

    void backupThroughTheDialogIsAJobThatEndsAvailable()
    {
        QVERIFY(showCloud(DemoCloud, m_demoVolume));
        QVERIFY(action("createBackupAction")->isEnabled());
        CloudBackupDialog* dialog = m_window->actions()->openCloudBackup();
        QVERIFY(dialog);
        QVERIFY(dialog->incrementalBox()->isChecked()); // on top of inc2
        dialog->nameEdit()->setText(QStringLiteral("from-the-window"));
        QVERIFY2(dialog->problem().isEmpty(), qPrintable(dialog->problem()));
        const quint64 before = newestJob();
        dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        QTRY_VERIFY(newestJob() != before);
        const quint64 jobId = newestJob();
        QCOMPARE(m_window->currentJob()->id, jobId); // selected in the jobs panel
        const JobInfo* job = waitForJob(jobId);
        QVERIFY(job);
        QVERIFY2(job->state == JobState::Succeeded, qPrintable(job->outcome));
        const QString log = job->log.join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("creating → available")), qPrintable(log));
        QVERIFY(!job->noProgressNote.isEmpty()); // Cinder reports no percentage
        // "backup <id> available"
        const QString created = job->outcome.section(QLatin1Char(' '), 1, 1);
        QVERIFY(isCanonicalUuid(created));
        m_extraBackups.append(created);

        // In the tree on top of inc2, then deleted through the window.
        QTRY_COMPARE_WITH_TIMEOUT(parentShown(created), m_inc2, 60000);
        QVERIFY(m_window->selectBackup(created));
        QTRY_VERIFY(action("deleteBackupAction")->isEnabled());
        action("deleteBackupAction")->trigger();
        QMessageBox* confirm = nullptr;
        QTRY_VERIFY((confirm = m_window->findChild<QMessageBox*>(QStringLiteral("confirmBox"))));
        for (QAbstractButton* button : confirm->buttons())
            if (button->text() == QStringLiteral("Delete"))
                button->click();
        QTRY_VERIFY(newestJob() != jobId);
        const JobInfo* deletion = waitForJob(newestJob());
        QVERIFY2(deletion->state == JobState::Succeeded, qPrintable(deletion->outcome));
        QTRY_VERIFY_WITH_TIMEOUT(!tree()->indexOf(created).isValid(), 60000);
        m_extraBackups.removeAll(created);
    }

    void restoreThroughTheDialogMakesANewVolume()
    {
        QVERIFY(showCloud(DemoCloud, m_demoVolume));
        QVERIFY(m_window->selectBackup(m_inc2));
        QVERIFY(action("restoreAction")->isEnabled());
        CloudRestoreDialog* dialog = m_window->actions()->openCloudRestore();
        QVERIFY(dialog);
        // The volume of the backup is a possible target too (available, big enough).
        dialog->chooseExisting(m_demoVolume);
        QVERIFY2(dialog->problem().isEmpty(), qPrintable(dialog->problem()));
        const QString name =
            QStringLiteral("ember-window-restored-%1").arg(QCoreApplication::applicationPid());
        dialog->chooseNew(name);
        QVERIFY2(dialog->problem().isEmpty(), qPrintable(dialog->problem()));
        const quint64 before = newestJob();
        dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        QTRY_VERIFY(newestJob() != before);
        const JobInfo* job = waitForJob(newestJob());
        // "restored into volume <id>"
        const QString restored = job->outcome.section(QLatin1Char(' '), 3, 3);
        if (isCanonicalUuid(restored))
            m_extraVolumes.append(restored);
        QVERIFY2(job->state == JobState::Succeeded, qPrintable(job->outcome));
        QVERIFY(isCanonicalUuid(restored));
        QCOMPARE(m_demoClient->volume(restored).name, name);
        const QString log = job->log.join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("restoring")), qPrintable(log));
    }

    void cindersErrorIsInTheJobLogAndTheNotice()
    {
        QVERIFY(showCloud(DemoCloud, m_demoVolume));
        CloudBackupDialog* dialog = m_window->actions()->openCloudBackup();
        QVERIFY(dialog);
        dialog->incrementalBox()->setChecked(false);
        dialog->findChild<QLineEdit*>(QStringLiteral("snapshotId"))
            ->setText(QStringLiteral("00000000-0000-4000-8000-00000000dead"));
        QVERIFY2(dialog->problem().isEmpty(), qPrintable(dialog->problem()));
        const quint64 before = newestJob();
        dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
        QTRY_VERIFY(newestJob() != before);
        const JobInfo* job = waitForJob(newestJob());
        QCOMPARE(job->state, JobState::Failed);
        // Cinder: "Snapshot 0000… could not be found."
        QVERIFY2(job->outcome.contains(QStringLiteral("could not be found")),
                 qPrintable(job->outcome));
        QTRY_VERIFY(m_window->notice()->isVisible());
        QVERIFY2(m_window->notice()->text().contains(QStringLiteral("could not be found")),
                 qPrintable(m_window->notice()->text()));
        QVERIFY(!m_window->findChild<QMessageBox*>(QStringLiteral("errorBox")));
    }

    void aCloudSavedByTheWizardIsAddedAndShown()
    {
        CloudWizard* wizard = m_window->connectCloud();
        QVERIFY(wizard);
        const QString name = QStringLiteral("ember-window-new");
        wizard->setCloudsFile(qEnvironmentVariable("EMBER_HOME") + QStringLiteral("/clouds.yaml"));
        // The member's login, as clouds.yaml has it, under a new name.
        wizard->startFrom(cloud::findCloud(QStringLiteral("ember-demo")));
        wizard->next();
        wizard->next();
        QCOMPARE(wizard->currentId(), int(CloudWizard::TestPageId));
        wizard->findChild<QLineEdit*>(QStringLiteral("cloudName"))->setText(name);
        auto* page = qobject_cast<CloudTestPage*>(wizard->currentPage());
        wizard->findChild<QPushButton*>(QStringLiteral("testConnection"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(page->testFinished(), 60000);
        QVERIFY(page->testPassed());
        QSignalSpy saved(wizard, &CloudWizard::cloudSaved);
        wizard->button(QWizard::FinishButton)->click();
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 30000);

        // Shown at once, without reading the secret back from the keyring.
        QCOMPARE(m_window->currentSourceId(), QStringLiteral("cloud:") + name);
        QCOMPARE(m_window->sourceSwitcher()->currentText(), name);
        QVERIFY(showCloud(QStringLiteral("cloud:") + name, m_demoVolume));
        QVERIFY(!m_window->currentSource()->snapshot()->volume(m_adminVolume));
    }
};

int main(int argc, char* argv[])
{
    const QString home = test::freshDir(QStringLiteral("gui-cloudwindow"));
    qputenv("EMBER_HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/data")).toUtf8());
    qputenv("HOME", home.toUtf8());
    // No keyring service here: the wizard's secret goes to the warned file fallback.
    qputenv("EMBER_ALLOW_FILE_SECRETS", "1");
    // The fixture's clouds (ember-admin, ember-demo) and nothing else.
    const auto facts = ember::test::serviceEnv(QStringLiteral("cinder"));
    qputenv("OS_CLIENT_CONFIG_FILE", facts.value(QStringLiteral("OS_CLIENT_CONFIG_FILE")).toUtf8());
    qunsetenv("OS_AUTH_URL");
    qunsetenv("OS_CLOUD");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EmberTest"));
    QApplication::setApplicationName(QStringLiteral("EmberCloudWindowTest"));
    installTranslators(QStringLiteral("en"));
    TestCloudWindow test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_cloudwindow.moc"
