// The main window's source switcher without a cloud: "This computer" and the
// clouds of a clouds.yaml, a cloud shown from a hand-made snapshot (its columns,
// filters, counts and quota in the status bar, the failed load in the panel),
// every action enabled or disabled with the rules' reason, local-only actions
// refused on a cloud, the selection kept per source, the last source
// remembered, a refused action as a notice, "Connect to an OpenStack cloud…"
// opening the wizard, and a cloud whose secret is in the keyring (read off the
// UI thread before the cloud is opened; a missing one said in the panel).
#include "actionscontroller.h"
#include "appcontext.h"
#include "appsettings.h"
#include "backuptreemodel.h"
#include "chainpanel.h"
#include "cloudsource.h"
#include "cloudwizard.h"
#include "itemroles.h"
#include "mainwindow.h"
#include "secretstore.h"
#include "sourceset.h"
#include "testsupport.h"
#include "volumemodel.h"
#include "volumepanel.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>

using namespace ember;
using namespace ember::ui;

namespace {

const QString volumeA = QStringLiteral("aaaaaaaa-0000-4000-8000-000000000001");
const QString volumeB = QStringLiteral("bbbbbbbb-0000-4000-8000-000000000002");
const QString fullId = QStringLiteral("f0000000-0000-4000-8000-000000000001");
const QString incId = QStringLiteral("f0000000-0000-4000-8000-000000000002");
const QString project = QStringLiteral("p1");

QDateTime at(int minute)
{
    return QDateTime(QDate(2026, 1, 1), QTime(10, 0), Qt::UTC).addSecs(minute * 60);
}

cloud::CloudBackup cloudBackup(const QString& id, const QString& volumeId, int minute,
                               bool incremental, bool hasDependents, const QString& status)
{
    cloud::CloudBackup backup;
    backup.id = id;
    backup.name = id.left(8);
    backup.volumeId = volumeId;
    backup.projectId = project;
    backup.status = status;
    backup.container = QStringLiteral("backups");
    backup.sizeGiB = 1;
    backup.objectCount = 3;
    backup.createdAt = at(minute);
    backup.updatedAt = at(minute);
    backup.dataTimestamp = at(minute);
    backup.isIncremental = incremental;
    backup.hasDependentBackups = hasDependents;
    return backup;
}

cloud::CloudVolume cloudVolume(const QString& id, const QString& name, const QString& status,
                               const QString& projectId = project)
{
    cloud::CloudVolume volume;
    volume.id = id;
    volume.name = name;
    volume.projectId = projectId;
    volume.status = status;
    volume.sizeGiB = 1;
    volume.volumeType = QStringLiteral("ceph");
    return volume;
}

// db (in use) with a full and a creating incremental; web (available), no backups.
std::shared_ptr<const SourceSnapshot> handMadeSnapshot()
{
    SourceSnapshot snapshot =
        buildCloudSnapshot({cloudVolume(volumeA, QStringLiteral("db"), VolumeStatus::InUse),
                            cloudVolume(volumeB, QStringLiteral("web"), VolumeStatus::Available)},
                           {cloudBackup(fullId, volumeA, 0, false, true, BackupStatus::Available),
                            cloudBackup(incId, volumeA, 10, true, false, BackupStatus::Creating)},
                           {}, true);
    snapshot.totalVolumes = 2;
    snapshot.totalBackups = 2;
    snapshot.quotas.insert(project, ProjectQuota{10, 10, 2, 1000});
    return std::make_shared<const SourceSnapshot>(snapshot);
}

// A source whose capabilities and snapshot the test sets; its actions are
// the base class's (refused as not offered).
class FakeSource : public Source
{
    Q_OBJECT
public:
    FakeSource(Capabilities capabilities, std::shared_ptr<const SourceSnapshot> snapshot)
        : m_capabilities(capabilities), m_snapshot(std::move(snapshot))
    {
    }
    // A page of a longer list: `loaded` of `total` items read so far.
    void showPage(std::shared_ptr<const SourceSnapshot> snapshot, qint64 loaded, qint64 total)
    {
        m_snapshot = std::move(snapshot);
        Q_EMIT loadProgress(loaded, total);
        Q_EMIT snapshotChanged();
    }
    QString id() const override { return QStringLiteral("cloud:fake"); }
    QString displayName() const override { return QStringLiteral("fake"); }
    SourceKind kind() const override { return SourceKind::Cloud; }
    Capabilities capabilities() const override { return m_capabilities; }
    std::shared_ptr<const SourceSnapshot> snapshot() const override { return m_snapshot; }
    bool hasSnapshot() const override { return true; }
    void start() override { Q_EMIT snapshotChanged(); }
    void refreshNow() override {}

private:
    Capabilities m_capabilities;
    std::shared_ptr<const SourceSnapshot> m_snapshot;
};

} // namespace

class TestSources : public QObject
{
    Q_OBJECT

    std::unique_ptr<AppContext> m_context;
    std::unique_ptr<MainWindow> m_window;
    CloudSource* m_offline = nullptr;
    QString m_localVolume;

    QAction* action(const char* name) const
    {
        return m_window->findChild<QAction*>(QLatin1String(name));
    }

    QStringList shownBackups() const
    {
        QStringList ids;
        const QAbstractItemModel* model = m_window->backupProxy();
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int row = 0; row < model->rowCount(parent); ++row) {
                const QModelIndex index = model->index(row, 0, parent);
                ids.append(index.data(IdRole).toString());
                walk(index);
            }
        };
        walk({});
        return ids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_context = std::make_unique<AppContext>(defaultCatalogPath());
        m_window = std::make_unique<MainWindow>(*m_context);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(m_context->watcher().hasSnapshot(), 20000);
    }

    void switcherListsThisComputerAndTheClouds()
    {
        QComboBox* switcher = m_window->sourceSwitcher();
        QVERIFY(switcher);
        QStringList texts, ids;
        for (int index = 0; index < switcher->count(); ++index) {
            texts.append(switcher->itemText(index));
            ids.append(switcher->itemData(index).toString());
        }
        QCOMPARE(texts.first(), QStringLiteral("This computer"));
        QCOMPARE(ids.mid(0, 3), (QStringList{QStringLiteral("local"), QStringLiteral("cloud:alpha"),
                                             QStringLiteral("cloud:beta")}));
        QCOMPARE(texts.last(), QStringLiteral("Connect to an OpenStack cloud…"));
        QCOMPARE(switcher->currentIndex(), 0);
        QCOMPARE(m_window->currentSourceId(), QStringLiteral("local"));
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Ember — Volume Backups"));
    }

    void aCloudShowsItsColumnsCountsAndQuota()
    {
        // A local volume first, so switching back has a selection to keep.
        m_window->createSampleVolume(QStringLiteral("disk"));
        QTRY_VERIFY_WITH_TIMEOUT(m_context->snapshot()->volumes.size() == 1, 20000);
        m_localVolume = m_context->snapshot()->volumes.first().id;
        QTRY_VERIFY(m_window->selectVolume(m_localVolume));

        cloud::CloudProfile profile;
        profile.name = QStringLiteral("offline");
        profile.origin = QStringLiteral("test");
        profile.auth.authUrl = QStringLiteral("http://127.0.0.1:9/v3");
        profile.auth.username = QStringLiteral("nobody");
        profile.auth.password = QStringLiteral("unused");
        m_offline = new CloudSource(profile);
        m_window->sources().addSource(m_offline); // starts it: the load fails
        m_offline->showSnapshot(handMadeSnapshot());
        QVERIFY(m_window->sourceSwitcher()->findData(QStringLiteral("cloud:offline")) >= 0);
        QVERIFY(m_window->switchToSource(QStringLiteral("cloud:offline")));

        QCOMPARE(m_window->windowTitle(), QStringLiteral("Ember — offline (OpenStack cloud)"));
        QCOMPARE(m_window->volumeProxy()->rowCount(), 2);
        QTableView* volumes = m_window->volumeView();
        QVERIFY(!volumes->isColumnHidden(VolumeModel::Project));
        QVERIFY(!volumes->isColumnHidden(VolumeModel::Attachments));
        QVERIFY(volumes->isColumnHidden(VolumeModel::Path));
        // In the cloud's order: the project right after the name.
        QCOMPARE(volumes->horizontalHeader()->visualIndex(VolumeModel::Project), 1);
        QVERIFY(m_window->volumePanel()->statusFilter()->isVisible());
        // Not an admin: only the project logged in to, and no choice.
        QVERIFY(!m_window->volumePanel()->projectFilter()->isEnabled());

        QTRY_COMPARE(m_window->sourceSummary()->text(),
                     QStringLiteral("2 volumes (2 shown), 2 backups"));
        QCOMPARE(m_window->quotaSummary()->text(),
                 QStringLiteral("Backup quota: 10 of 10 backups, 2 of 1,000 GB"));

        // The status filter narrows the table and the count.
        QComboBox* status = m_window->volumePanel()->statusFilter();
        const int inUse = status->findData(VolumeStatus::InUse);
        QVERIFY(inUse > 0);
        status->setCurrentIndex(inUse);
        QCOMPARE(m_window->volumeProxy()->rowCount(), 1);
        QTRY_COMPARE(m_window->sourceSummary()->text(),
                     QStringLiteral("2 volumes (1 shown), 2 backups"));
        status->setCurrentIndex(0);
        QCOMPARE(m_window->volumeProxy()->rowCount(), 2);

        // The unreachable Keystone: said in the panel, not in a modal box.
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->volumePanel()->problem().isEmpty(), 30000);
        QVERIFY2(m_window->volumePanel()->problem().contains(QStringLiteral("Refresh")),
                 qPrintable(m_window->volumePanel()->problem()));
        QVERIFY(m_window->findChildren<QMessageBox*>().isEmpty());
    }

    void actionsFollowTheCloudsRules()
    {
        QVERIFY(m_window->selectVolume(volumeA));
        QCOMPARE(shownBackups(), (QStringList{fullId, incId}));
        QVERIFY(m_window->backupView()->isExpanded(
            m_window->backupProxy()->index(0, 0))); // the incremental under its full

        // The volume is in use: allowed (the dialog offers force), but the
        // project's backup quota is used up: Cinder's reason up front.
        QVERIFY(!action("createBackupAction")->isEnabled());
        QVERIFY2(action("createBackupAction")
                     ->toolTip()
                     .contains(QStringLiteral("Maximum number of backups allowed (10) exceeded")),
                 qPrintable(action("createBackupAction")->toolTip()));

        QVERIFY(m_window->selectBackup(fullId));
        QVERIFY(!action("deleteBackupAction")->isEnabled());
        QVERIFY2(action("deleteBackupAction")
                     ->toolTip()
                     .startsWith(QStringLiteral("Incremental backups exist for this backup.")),
                 qPrintable(action("deleteBackupAction")->toolTip()));
        QVERIFY(!action("forceDeleteAction")->isEnabled());
        QVERIFY(action("forceDeleteAction")->toolTip().contains(QStringLiteral("admin role")));
        QVERIFY(action("resetStateAction")->toolTip().contains(QStringLiteral("admin role")));
        QVERIFY(action("exportRecordAction")->toolTip().contains(QStringLiteral("admin role")));
        QVERIFY(!action("importRecordAction")->isEnabled());
        QVERIFY(action("restoreAction")->isEnabled());
        QVERIFY(action("editBackupAction")->isEnabled());
        // The details list what is not possible now, with the reasons.
        QVERIFY(m_window->details()->toPlainText().contains(
            QStringLiteral("Incremental backups exist for this backup.")));

        QVERIFY(m_window->selectBackup(incId));
        QVERIFY(!action("restoreAction")->isEnabled());
        QVERIFY2(action("restoreAction")->toolTip().contains(QStringLiteral("must be available")),
                 qPrintable(action("restoreAction")->toolTip()));
        QVERIFY(
            action("deleteBackupAction")->toolTip().contains(QStringLiteral("available or error")));

        // What only this computer's catalog does.
        for (const char* name : {"addVolumeAction", "addRbdImageAction", "sampleVolumeAction",
                                 "removeVolumeAction", "resetVolumeStateAction"}) {
            QVERIFY2(!action(name)->isEnabled(), name);
            QVERIFY(action(name)->toolTip().contains(QStringLiteral("This computer")));
        }
        QVERIFY(!action("verifyAction")->isEnabled());
        QVERIFY(action("verifyAction")->toolTip().contains(QStringLiteral("Cinder has no verify")));
    }

    void newChainsUnfoldAndAFoldedOneStaysFolded()
    {
        const QString full2 = QStringLiteral("f0000000-0000-4000-8000-000000000003");
        const QString inc2 = QStringLiteral("f0000000-0000-4000-8000-000000000004");
        const QList<cloud::CloudVolume> volumes{
            cloudVolume(volumeA, QStringLiteral("db"), VolumeStatus::Available),
            cloudVolume(volumeB, QStringLiteral("web"), VolumeStatus::Available)};
        QList<cloud::CloudBackup> backups{
            cloudBackup(fullId, volumeA, 0, false, true, BackupStatus::Available),
            cloudBackup(incId, volumeA, 10, true, false, BackupStatus::Available)};
        BackupTreeModel tree;
        ChainPanel panel(&tree);
        panel.resize(800, 600);
        panel.show();
        tree.apply(buildCloudSnapshot(volumes, backups, {}, true));
        panel.showVolumes({volumeA, volumeB}, QString());
        QTreeView* view = panel.view();
        auto shown = [&](const QString& id) {
            return panel.proxy()->mapFromSource(tree.indexOf(id));
        };
        QVERIFY(view->isExpanded(shown(fullId)));
        view->collapse(shown(fullId)); // the user folds that chain

        // A later page brings a new chain: it unfolds, the folded one stays so.
        backups.append(cloudBackup(full2, volumeB, 20, false, true, BackupStatus::Available));
        backups.append(cloudBackup(inc2, volumeB, 30, true, false, BackupStatus::Available));
        tree.apply(buildCloudSnapshot(volumes, backups, {}, true));
        QTest::qWait(20);
        QVERIFY(shown(inc2).isValid());
        QCOMPARE(shown(inc2).parent(), shown(full2));
        QVERIFY(view->isExpanded(shown(full2)));
        QVERIFY(!view->isExpanded(shown(fullId)));
    }

    void switchingKeepsEachSourcesSelection()
    {
        QVERIFY(m_window->selectVolume(volumeB));
        QVERIFY(m_window->switchToSource(QStringLiteral("local")));
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Ember — Volume Backups"));
        QCOMPARE(m_window->selectedVolumeIds(), QStringList{m_localVolume});
        QVERIFY(m_window->volumeView()->isColumnHidden(VolumeModel::Project));
        QVERIFY(!m_window->volumeView()->isColumnHidden(VolumeModel::Path));
        QCOMPARE(m_window->volumeView()->horizontalHeader()->visualIndex(VolumeModel::Path), 2);
        QVERIFY(!m_window->volumePanel()->statusFilter()->isVisible());
        QVERIFY(m_window->volumePanel()->problem().isEmpty());
        // The local actions are back.
        QVERIFY(action("addVolumeAction")->isEnabled());
        QVERIFY(action("createBackupAction")->isEnabled());
        QCOMPARE(lastSourceSetting(), QStringLiteral("local"));

        QVERIFY(m_window->switchToSource(QStringLiteral("cloud:offline")));
        QCOMPARE(m_window->selectedVolumeIds(), QStringList{volumeB});
        QCOMPARE(m_window->volumePanel()->model(),
                 m_window->sources().entry(QStringLiteral("cloud:offline"))->volumes);
        QCOMPARE(lastSourceSetting(), QStringLiteral("cloud:offline"));
        // The settings keep this computer's selection while a cloud is shown.
        m_window->saveSettings();
        QCOMPARE(QSettings().value(QStringLiteral("mainWindow/selectedVolumes")).toStringList(),
                 QStringList{m_localVolume});
    }

    void aNewWindowStartsOnTheLastSource()
    {
        MainWindow second(*m_context);
        QCOMPARE(second.currentSourceId(), QStringLiteral("cloud:offline"));
        QCOMPARE(second.sourceSwitcher()->currentData().toString(),
                 QStringLiteral("cloud:offline"));
        QCOMPARE(second.volumeProxy()->rowCount(), 2);
        QCOMPARE(second.currentSource(), static_cast<Source*>(m_offline));
        QVERIFY(second.switchToSource(QStringLiteral("local")));
        QCOMPARE(second.selectedVolumeIds(), QStringList{m_localVolume});
        setLastSourceSetting(QStringLiteral("cloud:offline"));
    }

    void adminsChooseTheProjectAndRefusalsBecomeNotices()
    {
        SourceSnapshot snapshot = buildCloudSnapshot(
            {cloudVolume(volumeA, QStringLiteral("db"), VolumeStatus::Available),
             cloudVolume(volumeB, QStringLiteral("other"), VolumeStatus::Available,
                         QStringLiteral("p2"))},
            {cloudBackup(fullId, volumeA, 0, false, false, BackupStatus::Available)}, {}, true);
        auto* fake = new FakeSource(Capability::Delete | Capability::Restore |
                                        Capability::AllProjects | Capability::ResetState,
                                    std::make_shared<const SourceSnapshot>(snapshot));
        m_window->sources().addSource(fake);
        QVERIFY(m_window->switchToSource(QStringLiteral("cloud:fake")));
        QComboBox* projects = m_window->volumePanel()->projectFilter();
        QVERIFY(projects->isEnabled());
        QCOMPARE(projects->itemText(0), QStringLiteral("All projects"));
        QCOMPARE(projects->findData(QStringLiteral("p2")), 2);
        // No quota in the snapshot: said so rather than left blank.
        QCOMPARE(m_window->quotaSummary()->text(), QStringLiteral("No backup quota shown"));

        // While a long list pages in, the status bar says how far it is.
        SourceSnapshot partial = snapshot;
        partial.complete = false;
        fake->showPage(std::make_shared<const SourceSnapshot>(partial), 400, 2000);
        QVERIFY2(m_window->sourceSummary()->text().endsWith(QStringLiteral("loading 400 of 2,000")),
                 qPrintable(m_window->sourceSummary()->text()));
        // The listing kept from the last session: shown marked with its time
        // until the live list replaces it.
        SourceSnapshot kept = snapshot;
        kept.staleAsOf = QDateTime(QDate(2026, 12, 1), QTime(9, 30), Qt::UTC);
        fake->showPage(std::make_shared<const SourceSnapshot>(kept), 0, -1);
        const QString asOf =
            QStringLiteral("2 volumes (2 shown), 1 backup — as of %1, refreshing…")
                .arg(QLocale().toString(kept.staleAsOf.toLocalTime(), QLocale::ShortFormat));
        QCOMPARE(m_window->sourceSummary()->text(), asOf);
        fake->showPage(std::make_shared<const SourceSnapshot>(snapshot), 2000, 2000);
        QCOMPARE(m_window->sourceSummary()->text(),
                 QStringLiteral("2 volumes (2 shown), 1 backup"));

        QVERIFY(m_window->selectVolume(volumeA));
        QVERIFY(m_window->selectBackup(fullId));
        QVERIFY(action("resetStateAction")->isEnabled());
        QVERIFY(!action("exportRecordAction")->isEnabled());
        QVERIFY(action("deleteBackupAction")->isEnabled());
        action("deleteBackupAction")->trigger();
        QMessageBox* confirm = nullptr;
        QTRY_VERIFY((confirm = m_window->findChild<QMessageBox*>(QStringLiteral("confirmBox"))));
        for (QAbstractButton* button : confirm->buttons())
            if (button->text() == QStringLiteral("Delete"))
                button->click();
        // The fake source refuses at the last moment: a notice, no modal box.
        QTRY_VERIFY(m_window->notice()->isVisible());
        QVERIFY2(m_window->notice()->text().contains(QStringLiteral("not offered by fake")),
                 qPrintable(m_window->notice()->text()));
        QVERIFY(m_window->switchToSource(QStringLiteral("local")));
        QVERIFY(!m_window->notice()->isVisible());
    }

    void connectOpensTheCloudWizard()
    {
        QComboBox* switcher = m_window->sourceSwitcher();
        const int connect = switcher->findData(QStringLiteral("connect"));
        QVERIFY(connect > 0);
        switcher->setCurrentIndex(connect);
        Q_EMIT switcher->activated(connect);
        CloudWizard* wizard = nullptr;
        QTRY_VERIFY((wizard = m_window->findChild<CloudWizard*>()));
        QVERIFY(wizard->isVisible());
        // Until Finish, the window stays on the source it shows.
        QCOMPARE(switcher->currentData().toString(), QStringLiteral("local"));
        QCOMPARE(m_window->currentSourceId(), QStringLiteral("local"));
        // The configured clouds are offered as starting points.
        QCOMPARE(wizard->startingPoints().size(), 4);
        wizard->reject();
        QTRY_VERIFY(!m_window->findChild<CloudWizard*>());
        // The same from the File menu.
        action("connectCloudAction")->trigger();
        QTRY_VERIFY((wizard = m_window->findChild<CloudWizard*>()));
        wizard->reject();
    }

    void aSecretInTheKeyringIsReadBeforeTheCloudOpens()
    {
        // Ember's own entries keep the secret in the keyring (its file fallback here).
        SecretStore store;
        store.writeBlocking(QStringLiteral("cloud:gamma"), QStringLiteral("secret"),
                            QStringLiteral("kept-in-the-keyring"));
        QVERIFY(m_window->switchToSource(QStringLiteral("cloud:gamma")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->currentSource(), 20000);
        auto* cloud = qobject_cast<CloudSource*>(m_window->currentSource());
        QVERIFY(cloud);
        QCOMPARE(cloud->session()->profile().secret(), QStringLiteral("kept-in-the-keyring"));
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Ember — gamma (OpenStack cloud)"));

        // No secret stored: the panel says what to do, no cloud is opened.
        QVERIFY(m_window->switchToSource(QStringLiteral("cloud:delta")));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->volumePanel()->problem().isEmpty(), 20000);
        QVERIFY2(m_window->volumePanel()->problem().contains(
                     QStringLiteral("The keyring has no secret for delta")),
                 qPrintable(m_window->volumePanel()->problem()));
        QVERIFY(!m_window->currentSource());
        // Nothing acts on this computer's catalog meanwhile.
        for (const char* name : {"createBackupAction", "addVolumeAction", "importRecordAction"}) {
            QVERIFY2(!action(name)->isEnabled(), name);
            QVERIFY(action(name)->toolTip().startsWith(QStringLiteral("delta could not be read.")));
        }
        QVERIFY(m_window->switchToSource(QStringLiteral("local")));
        QVERIFY(action("addVolumeAction")->isEnabled());
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_context.reset();
    }
};

int main(int argc, char* argv[])
{
    const QString home = test::freshDir(QStringLiteral("gui-sources"));
    qputenv("EMBER_HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/data")).toUtf8());
    qputenv("HOME", home.toUtf8());
    // Two clouds of our own and nothing from the environment.
    qunsetenv("OS_AUTH_URL");
    qunsetenv("OS_CLOUD");
    const QString clouds = home + QStringLiteral("/clouds.yaml");
    test::writeWholeFile(clouds, "clouds:\n"
                                 "  alpha:\n"
                                 "    auth:\n"
                                 "      auth_url: http://127.0.0.1:9/v3\n"
                                 "      username: a\n"
                                 "      password: not-a-real-one\n"
                                 "      project_name: p\n"
                                 "  beta:\n"
                                 "    auth:\n"
                                 "      auth_url: http://127.0.0.1:9/v3\n"
                                 "      username: b\n"
                                 "      password: not-a-real-one\n"
                                 "      project_name: p\n"
                                 "  gamma:\n"
                                 "    ember_secret_in_keyring: true\n"
                                 "    auth:\n"
                                 "      auth_url: http://127.0.0.1:9/v3\n"
                                 "      username: c\n"
                                 "      project_name: p\n"
                                 "  delta:\n"
                                 "    ember_secret_in_keyring: true\n"
                                 "    auth:\n"
                                 "      auth_url: http://127.0.0.1:9/v3\n"
                                 "      username: d\n"
                                 "      project_name: p\n");
    // No keyring service here: secrets live in the warned file fallback.
    qputenv("EMBER_ALLOW_FILE_SECRETS", "1");
    qputenv("OS_CLIENT_CONFIG_FILE", clouds.toUtf8());
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EmberTest"));
    QApplication::setApplicationName(QStringLiteral("EmberSourcesTest"));
    installTranslators(QStringLiteral("en"));
    TestSources test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_sources.moc"
