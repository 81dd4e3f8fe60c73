// RBD images as volumes from the desktop app, against the real Ceph of the
// `ceph` fixture (tests/services/ceph.sh): the Ceph page's "Load Pools" lists
// the cluster's pools, and File › Add RBD Image… lists pools and images in a
// worker, reads the image's size and registers a Volume of kind rbd with path
// "pool/image" on the Ceph backend.
#include "../services/serviceenv.h"
#include "appcontext.h"
#include "backendwizard.h"
#include "catalogsnapshot.h"
#include "cephbackend.h"
#include "cephpages.h"
#include "mainwindow.h"
#include "rbdbrowser.h"
#include "wizardtestsupport.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>
#include <QUuid>

using namespace ember;
using namespace ember::ui;

class TestRbdBrowser : public QObject
{
    Q_OBJECT

private:
    // The Ceph page with the fixture's monitors, admin user and key (typed:
    // it goes to the keyring, never into the options).
    CephPage* openCephPage(BackendWizard& wizard, const QString& name)
    {
        auto* page = qobject_cast<CephPage*>(
            ember::ui::test::openOptionsPage(wizard, name, QStringLiteral("ceph")));
        if (!page)
            return nullptr;
        page->findChild<QRadioButton*>("cephUseMonitors")->setChecked(true);
        page->findChild<QLineEdit*>("cephMonHost")->setText(m_facts.value("CEPH_MON_HOST"));
        page->findChild<QLineEdit*>("cephUser")->setText(m_facts.value("CEPH_CLIENT_ID"));
        page->findChild<QLineEdit*>("cephKey")->setText(m_facts.value("CEPH_ADMIN_KEY"));
        return page;
    }

    // File › Add RBD Image… in a main window on a catalog with the cluster's
    // backend: picks volumes/<image> and adds it. The volume made, or nothing
    // (a failed check). `shown`: the dialog's state line for the image.
    std::optional<Volume> addThroughMainWindow(const QString& image, QString* shown = nullptr)
    {
        std::optional<Volume> added;
        addThroughMainWindow(image, shown, &added);
        return added;
    }

    void addThroughMainWindow(const QString& image, QString* shown, std::optional<Volume>* added)
    {
        {
            Catalog catalog(defaultCatalogPath());
            catalog.upsertBackend(m_cluster);
        }
        AppContext context(defaultCatalogPath());
        MainWindow window(context);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(context.watcher().hasSnapshot(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(context.snapshot()->backend("cluster").has_value(), 20000);
        auto* action = window.findChild<QAction*>(QStringLiteral("addRbdImageAction"));
        QVERIFY(action);
        QTRY_VERIFY(action->isEnabled());
        action->trigger();
        auto* dialog = window.findChild<RbdBrowserDialog*>();
        QVERIFY(dialog);
        auto* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QCOMPARE(dialog->backendName(), QStringLiteral("cluster"));
        auto* pools = dialog->findChild<QComboBox*>("rbdPool");
        auto* state = dialog->findChild<QLabel*>("rbdState");
        QTRY_VERIFY2_WITH_TIMEOUT(pools->findText("volumes") >= 0, qPrintable(state->text()),
                                  25000);
        pools->setCurrentIndex(pools->findText("volumes"));
        auto* images = dialog->findChild<QListWidget*>("rbdImages");
        QTRY_VERIFY2_WITH_TIMEOUT(!images->findItems(image, Qt::MatchExactly).isEmpty(),
                                  qPrintable(state->text()), 25000);
        QVERIFY(!ok->isEnabled()); // no image chosen yet
        images->setCurrentItem(images->findItems(image, Qt::MatchExactly).first());
        QTRY_VERIFY2_WITH_TIMEOUT(ok->isEnabled(), qPrintable(state->text()), 25000);
        QCOMPARE(dialog->sizeBytes(), qint64(12) << 20);
        QCOMPARE(dialog->poolSlashImage(), "volumes/" + image);
        QCOMPARE(dialog->name(), image);
        if (shown)
            *shown = state->text();
        ok->click();

        QTRY_VERIFY_WITH_TIMEOUT(window.currentVolume().has_value() &&
                                     window.currentVolume()->path == "volumes/" + image,
                                 25000);
        *added = window.currentVolume();
    }

    QHash<QString, QString> m_facts;
    BackendConfig m_cluster; // admin through the keyring file: no secret needed
    QString m_image;

private Q_SLOTS:
    void initTestCase()
    {
        m_facts = ember::test::serviceEnv(QStringLiteral("ceph"));
        QVERIFY2(!m_facts.value("CEPH_MON_HOST").isEmpty(),
                 "no Ceph: run through ctest (fixture ceph)");
        const QString home =
            qEnvironmentVariable("EMBER_TEST_TMP", QDir::tempPath() + "/ember-rbdbrowser");
        QDir(home).removeRecursively();
        QVERIFY(QDir().mkpath(home));
        qputenv("EMBER_HOME", QFile::encodeName(home));
        // No keyring service here: the app's secret lookups use the (empty)
        // file fallback at once instead of waiting for a D-Bus session.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ember-no-bus");
        qputenv("EMBER_ALLOW_FILE_SECRETS", "1");
        m_cluster.name = QStringLiteral("cluster");
        m_cluster.type = QStringLiteral("ceph");
        m_cluster.createdAt = QDateTime::currentDateTimeUtc();
        m_cluster.options = {{"ember_ceph_mon_host", m_facts.value("CEPH_MON_HOST")},
                             {"backup_ceph_conf", QString()},
                             {"backup_ceph_user", m_facts.value("CEPH_CLIENT_ID")},
                             {"ember_ceph_keyring", m_facts.value("CEPH_KEYRING")},
                             {"backup_ceph_pool", "backups"},
                             {"ember_ceph_timeout", 20}};
        m_image = QStringLiteral("gui-%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(10));
        createRbdImage(m_cluster, {}, "volumes/" + m_image, 12 << 20);
    }

    void cleanupTestCase()
    {
        if (!m_image.isEmpty() && !m_facts.isEmpty())
            removeRbdImage(m_cluster, {}, "volumes/" + m_image);
    }

    void cephPageLoadsPools()
    {
        BackendWizard wizard(std::make_shared<CatalogSnapshot>(), std::nullopt);
        CephPage* page = openCephPage(wizard, QStringLiteral("cluster"));
        QVERIFY(page);
        QSignalSpy loaded(page, &CephPage::poolsLoaded);
        QTest::mouseClick(page->findChild<QPushButton*>("cephLoadPools"), Qt::LeftButton);
        QVERIFY(page->isLoadingPools());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 25000);
        QVERIFY2(loaded.first().first().toBool(),
                 qPrintable(page->findChild<QLabel*>("cephPoolState")->text()));
        auto* pools = page->findChild<QComboBox*>("cephPool");
        QVERIFY(pools->findText("volumes") >= 0);
        QVERIFY(pools->findText("backups") >= 0);
        QCOMPARE(pools->currentText(), QStringLiteral("backups")); // the choice is kept
        QVERIFY(!QJsonDocument(wizard.config().options)
                     .toJson()
                     .contains(m_facts.value("CEPH_ADMIN_KEY").toUtf8()));
    }

    // The wizard's test page against the real cluster: it connects, shows the
    // fsid and health, checks the pool and round-trips a probe object; a wrong
    // key and a missing pool fail in plain words, without showing the key.
    void testPageAgainstRealCeph()
    {
        BackendWizard wizard(std::make_shared<CatalogSnapshot>(), std::nullopt);
        CephPage* page = openCephPage(wizard, QStringLiteral("ceph-gui"));
        QVERIFY(page);
        page->findChild<QComboBox*>("cephPool")->setEditText(QStringLiteral("backups"));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(BackendWizard::TestPageId));
        auto* test = wizard.currentPage()->findChild<ConnectionTestWidget*>("connectionTest");
        QVERIFY(test);
        QTRY_VERIFY_WITH_TIMEOUT(test->isFinished(), 40000);
        QString shown = ember::ui::test::checkLines(wizard);
        QVERIFY2(test->passed(), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("HEALTH_")), qPrintable(shown));
        QVERIFY2(
            QRegularExpression(QStringLiteral("[0-9a-f]{8}-[0-9a-f]{4}-")).match(shown).hasMatch(),
            qPrintable(shown)); // the fsid
        QVERIFY2(shown.contains(QStringLiteral("backups")), qPrintable(shown));
        QVERIFY(wizard.button(QWizard::FinishButton)->isEnabled());
        QVERIFY(!shown.contains(m_facts.value("CEPH_ADMIN_KEY")));

        // A key that is no Ceph key at all, then a real key the cluster does not know.
        wizard.back();
        page->findChild<QLineEdit*>("cephKey")->setText(QStringLiteral("bm90LWEta2V5"));
        wizard.next();
        QTRY_VERIFY_WITH_TIMEOUT(test->isFinished(), 40000);
        shown = ember::ui::test::checkLines(wizard);
        QVERIFY2(!test->passed(), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("not a valid Ceph key")), qPrintable(shown));
        QVERIFY(!wizard.button(QWizard::FinishButton)->isEnabled());
        QProcess keygen;
        keygen.start(QStringLiteral("ceph-authtool"), {QStringLiteral("--gen-print-key")});
        QVERIFY(keygen.waitForFinished(30000));
        const QString unknownKey = QString::fromLatin1(keygen.readAllStandardOutput()).trimmed();
        QVERIFY(!unknownKey.isEmpty());
        wizard.back();
        page->findChild<QLineEdit*>("cephKey")->setText(unknownKey);
        wizard.next();
        QTRY_VERIFY_WITH_TIMEOUT(test->isFinished(), 40000);
        shown = ember::ui::test::checkLines(wizard);
        QVERIFY2(!test->passed(), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("permission denied")), qPrintable(shown));
        QVERIFY(!shown.contains(unknownKey));

        // The right key, a pool the cluster does not have.
        wizard.back();
        page->findChild<QLineEdit*>("cephKey")->setText(m_facts.value("CEPH_ADMIN_KEY"));
        page->findChild<QComboBox*>("cephPool")->setEditText(QStringLiteral("no-such-pool"));
        wizard.next();
        QTRY_VERIFY_WITH_TIMEOUT(test->isFinished(), 40000);
        shown = ember::ui::test::checkLines(wizard);
        QVERIFY2(!test->passed(), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("does not exist")), qPrintable(shown));
    }

    void addRbdImageFromTheMainWindow()
    {
        const std::optional<Volume> volume = addThroughMainWindow(m_image);
        QVERIFY(volume);
        QVERIFY(volume->kind == VolumeKind::Rbd);
        QCOMPARE(volume->path, "volumes/" + m_image);
        QCOMPARE(volume->backendName, QStringLiteral("cluster"));
        QCOMPARE(volume->sizeBytes, qint64(12) << 20);
        QCOMPARE(volume->name, m_image);
    }

    // Cinder names a volume's image volume-<uuid>: it is registered under
    // that id, as the CLI does, and the dialog says so before it is added.
    void imageNamedAsCinderVolumeGetsItsId()
    {
        const QString cinderId = QUuid::createUuid().toString(QUuid::WithoutBraces).toLower();
        const QString image = "volume-" + cinderId;
        createRbdImage(m_cluster, {}, "volumes/" + image, 12 << 20);
        QString shown;
        const std::optional<Volume> volume = addThroughMainWindow(image, &shown);
        removeRbdImage(m_cluster, {}, "volumes/" + image);
        QVERIFY(volume);
        QCOMPARE(volume->id, cinderId);
        QCOMPARE(volume->path, "volumes/" + image);
        QVERIFY2(shown.contains("added as volume " + cinderId), qPrintable(shown));
    }

    void browserWithoutCephBackendSaysSo()
    {
        RbdBrowserDialog dialog({}, {});
        QVERIFY(dialog.findChild<QLabel*>("rbdState")->text().contains("No Ceph backend"));
        QVERIFY(!dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
    }
};

QTEST_MAIN(TestRbdBrowser)
#include "test_rbdbrowser.moc"
