// The Swift, Ceph and TSM pages of the backend wizard, offscreen: mandatory
// fields gate Next, values land in the backend's options under Cinder's names,
// secrets go to secrets() and never into the options, the Ceph page's "Load
// Pools" explains a failure plainly, and the TSM page's connection test runs
// the real probe against the dsmc emulator (tests/tsm/dsmc-emulator): the
// server's name and version, then an unreachable server in plain words.
#include "appsettings.h"
#include "backendwizard.h"
#include "catalogsnapshot.h"
#include "cephpages.h"
#include "swiftpage.h"
#include "tsmpage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTreeWidget>

using namespace ember;
using namespace ember::ui;

namespace {

const QString TsmPassword = QStringLiteral("n0de-Pa55word");

// A wizard for a new backend, advanced to the options page of `type`.
std::unique_ptr<BackendWizard> wizardAt(const QString& type)
{
    auto wizard =
        std::make_unique<BackendWizard>(std::make_shared<CatalogSnapshot>(), std::nullopt);
    wizard->show();
    wizard->setField(QStringLiteral("name"), QStringLiteral("backend-%1").arg(type));
    auto* types = wizard->findChild<QComboBox*>(QStringLiteral("backendType"));
    const int row = types->findData(type);
    if (row < 0)
        return nullptr;
    types->setCurrentIndex(row);
    wizard->next();
    if (wizard->currentId() != wizard->optionsPageId(type))
        return nullptr;
    return wizard;
}

bool nextEnabled(const BackendWizard& wizard)
{
    return wizard.button(QWizard::NextButton)->isEnabled();
}

template <typename T> T* child(const QWidget* parent, const char* name)
{
    return parent->findChild<T*>(QLatin1String(name));
}

// Every line of the connection test, "check: result".
QString testLines(const BackendWizard& wizard)
{
    QStringList lines;
    auto* tree = wizard.currentPage()->findChild<QTreeWidget*>(QStringLiteral("checks"));
    for (int row = 0; tree && row < tree->topLevelItemCount(); ++row)
        lines << tree->topLevelItem(row)->text(0) + QStringLiteral(": ") +
                     tree->topLevelItem(row)->text(1);
    return lines.join(u'\n');
}

bool optionsHold(const QJsonObject& options, const QString& secret)
{
    return QJsonDocument(options).toJson().contains(secret.toUtf8());
}

} // namespace

class TestBackendPages : public QObject
{
    Q_OBJECT

private:
    QString m_root;

private Q_SLOTS:
    void initTestCase()
    {
        m_root = qEnvironmentVariable("EMBER_TEST_TMP", QDir::tempPath() + "/ember-backendpages");
        QDir(m_root).removeRecursively();
        QVERIFY(QDir().mkpath(m_root + "/bin"));
        // The emulator plays dsmc, found on PATH as IBM's client would be.
        const QString emulator =
            qEnvironmentVariable("EMBER_SOURCE_DIR") + QStringLiteral("/tests/tsm/dsmc-emulator");
        QVERIFY2(QFileInfo(emulator).isExecutable(), qPrintable(emulator));
        QVERIFY(QFile::link(emulator, m_root + "/bin/dsmc"));
        qputenv("PATH", QFile::encodeName(m_root + "/bin:") + qgetenv("PATH"));
    }

    void swiftPage()
    {
        auto wizard = wizardAt(QStringLiteral("swift"));
        QVERIFY(wizard);
        auto* page = qobject_cast<SwiftPage*>(wizard->currentPage());
        QVERIFY(page);
        QVERIFY(!nextEnabled(*wizard)); // auth URL, user and key are mandatory
        child<QLineEdit>(page, "swiftAuthUrl")->setText("http://127.0.0.1:8080/auth/v1.0");
        QVERIFY(!nextEnabled(*wizard));
        child<QLineEdit>(page, "swiftUser")->setText("test:tester");
        QVERIFY(!nextEnabled(*wizard)); // no key yet
        child<QLineEdit>(page, "swiftKey")->setText("Sw1ft-key");
        QVERIFY(nextEnabled(*wizard));
        QCOMPARE(child<QLineEdit>(page, "swiftKey")->echoMode(), QLineEdit::Password);

        // Keystone v3 needs a project and both domains.
        auto* version = child<QComboBox>(page, "swiftAuthVersion");
        version->setCurrentIndex(version->findData("3"));
        QVERIFY(!nextEnabled(*wizard));
        child<QLineEdit>(page, "swiftProject")->setText("service");
        QVERIFY(nextEnabled(*wizard));
        child<QLineEdit>(page, "swiftUserDomain")->clear();
        QVERIFY(!nextEnabled(*wizard));
        child<QLineEdit>(page, "swiftUserDomain")->setText("Default");
        child<QLineEdit>(page, "swiftRegion")->setText("RegionTwo");
        child<QLineEdit>(page, "swiftStoragePolicy")->setText("gold");

        // The container has Cinder's default and is mandatory.
        auto* container = child<QLineEdit>(page, "swiftContainer");
        QCOMPARE(container->text(), QStringLiteral("volumebackups"));
        container->clear();
        QVERIFY(!nextEnabled(*wizard));
        container->setText("ember");

        // Insecure TLS shows its warning.
        auto* warning = child<QLabel>(page, "swiftInsecureWarning");
        QVERIFY(!warning->isVisibleTo(page));
        child<QCheckBox>(page, "swiftInsecure")->setChecked(true);
        QVERIFY(warning->isVisibleTo(page));

        // Refused: a URL that is not http(s), and sizes Cinder rejects.
        child<QLineEdit>(page, "swiftAuthUrl")->setText("ftp://127.0.0.1/auth");
        QVERIFY(!page->validatePage());
        QVERIFY(child<QLabel>(page, "problem")->text().contains("http://"));
        child<QLineEdit>(page, "swiftAuthUrl")->setText("https://keystone.example.com:5000/v3");
        child<QSpinBox>(page, "swiftObjectSize")->setValue(100);
        QVERIFY(!page->validatePage());
        QVERIFY(child<QLabel>(page, "problem")->text().contains("multiple"));
        child<QSpinBox>(page, "swiftObjectSize")->setValue(51200);
        QVERIFY(page->validatePage());
        auto* compression = child<QComboBox>(page, "swiftCompression");
        compression->setCurrentIndex(compression->findData("zstd"));

        const BackendConfig config = wizard->config();
        QCOMPARE(config.type, QStringLiteral("swift"));
        const QJsonObject& options = config.options;
        QCOMPARE(options.value("backup_swift_auth_url").toString(),
                 QStringLiteral("https://keystone.example.com:5000/v3"));
        QCOMPARE(options.value("backup_swift_auth_version").toString(), QStringLiteral("3"));
        QCOMPARE(options.value("backup_swift_user").toString(), QStringLiteral("test:tester"));
        QCOMPARE(options.value("backup_swift_project").toString(), QStringLiteral("service"));
        QCOMPARE(options.value("backup_swift_user_domain").toString(), QStringLiteral("Default"));
        QCOMPARE(options.value("backup_swift_project_domain").toString(),
                 QStringLiteral("Default"));
        QCOMPARE(options.value("backup_swift_region_name").toString(), QStringLiteral("RegionTwo"));
        QCOMPARE(options.value("backup_swift_container").toString(), QStringLiteral("ember"));
        QCOMPARE(options.value("backup_swift_create_storage_policy").toString(),
                 QStringLiteral("gold"));
        QCOMPARE(options.value("backup_swift_object_size").toInteger(), 52428800);
        QCOMPARE(options.value("backup_swift_block_size").toInteger(), 32768);
        QCOMPARE(options.value("backup_compression_algorithm").toString(), QStringLiteral("zstd"));
        QCOMPARE(options.value("backup_swift_auth_insecure").toBool(), true);
        QCOMPARE(wizard->secrets(), (QMap<QString, QString>{{"backup_swift_key", "Sw1ft-key"}}));
        QVERIFY(!options.contains("backup_swift_key"));
        QVERIFY(!optionsHold(options, "Sw1ft-key"));

        // Editing: the page shows the options back; the key stays in the
        // keyring, so an empty key field does not block Next.
        BackendConfig saved = config;
        saved.name = QStringLiteral("saved-swift");
        BackendWizard editor(std::make_shared<CatalogSnapshot>(), saved);
        editor.show();
        editor.next();
        QCOMPARE(editor.currentId(), editor.optionsPageId("swift"));
        QCOMPARE(child<QLineEdit>(editor.currentPage(), "swiftContainer")->text(),
                 QStringLiteral("ember"));
        QVERIFY(nextEnabled(editor));
        QVERIFY(editor.secrets().isEmpty());
        QCOMPARE(editor.config().options, options);
    }

    void cephPage()
    {
        auto wizard = wizardAt(QStringLiteral("ceph"));
        QVERIFY(wizard);
        auto* page = qobject_cast<CephPage*>(wizard->currentPage());
        QVERIFY(page);
        // Cinder's defaults fill every mandatory field.
        QCOMPARE(child<QLineEdit>(page, "cephUser")->text(), QStringLiteral("cinder"));
        QCOMPARE(child<QComboBox>(page, "cephPool")->currentText(), QStringLiteral("backups"));
        QVERIFY(nextEnabled(*wizard));
        child<QLineEdit>(page, "cephUser")->clear();
        QVERIFY(!nextEnabled(*wizard));
        child<QLineEdit>(page, "cephUser")->setText("client.backup");
        child<QComboBox>(page, "cephPool")->setEditText(QString());
        QVERIFY(!nextEnabled(*wizard));
        child<QComboBox>(page, "cephPool")->setEditText("ember-backups");
        QVERIFY(nextEnabled(*wizard));
        // Monitor addresses instead of a configuration file: then they are mandatory.
        child<QRadioButton>(page, "cephUseMonitors")->setChecked(true);
        QVERIFY(!nextEnabled(*wizard));
        child<QLineEdit>(page, "cephMonHost")->setText("127.0.0.1:6789");
        QVERIFY(nextEnabled(*wizard));
        child<QLineEdit>(page, "cephKey")->setText("AQBzZXNzaW9uLWtleQ==");
        child<QSpinBox>(page, "cephChunkSize")->setValue(64);
        child<QSpinBox>(page, "cephStripeUnit")->setValue(4096);
        child<QSpinBox>(page, "cephStripeCount")->setValue(4);
        QVERIFY(page->validatePage());
        child<QSpinBox>(page, "cephStripeUnit")->setValue(3000);
        QVERIFY(!page->validatePage()); // 64 MiB is no multiple of 3000 KiB
        child<QSpinBox>(page, "cephStripeUnit")->setValue(4096);

        const QJsonObject options = wizard->config().options;
        QCOMPARE(options.value("backup_ceph_conf").toString(), QString());
        QCOMPARE(options.value("ember_ceph_mon_host").toString(), QStringLiteral("127.0.0.1:6789"));
        QCOMPARE(options.value("backup_ceph_user").toString(), QStringLiteral("backup"));
        QCOMPARE(options.value("backup_ceph_pool").toString(), QStringLiteral("ember-backups"));
        QCOMPARE(options.value("backup_ceph_chunk_size").toInteger(), 64 << 20);
        QCOMPARE(options.value("backup_ceph_stripe_unit").toInteger(), 4096 * 1024);
        QCOMPARE(options.value("backup_ceph_stripe_count").toInteger(), 4);
        QCOMPARE(options.value("restore_discard_excess_bytes").toBool(), true);
        QCOMPARE(wizard->secrets(), (QMap<QString, QString>{{"ceph_key", "AQBzZXNzaW9uLWtleQ=="}}));
        QVERIFY(!optionsHold(options, "AQBzZXNzaW9uLWtleQ=="));

        // "Load Pools" runs in a worker and explains a failure in plain words.
        child<QRadioButton>(page, "cephUseConfFile")->setChecked(true);
        child<QLineEdit>(page, "cephConfFile")->setText(m_root + "/missing/ceph.conf");
        QSignalSpy loaded(page, &CephPage::poolsLoaded);
        QTest::mouseClick(child<QPushButton>(page, "cephLoadPools"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 20000);
        QCOMPARE(loaded.first().first().toBool(), false);
        const QString state = child<QLabel>(page, "cephPoolState")->text();
        QVERIFY2(state.contains("Could not list the pools") && state.contains("missing/ceph.conf"),
                 qPrintable(state));
        QVERIFY(!page->validatePage()); // and Next names the missing file
        QVERIFY(child<QLabel>(page, "problem")->text().contains("does not exist"));
    }

    void tsmPageAgainstEmulator()
    {
        // The emulated server, as tests/tsm/tst_tsmdriver.cpp sets it up.
        const QString store = m_root + "/tsm-server";
        QVERIFY(QDir().mkpath(store));
        QFile server(store + "/server.json");
        QVERIFY(server.open(QIODevice::WriteOnly));
        server.write(QJsonDocument(QJsonObject{{"name", "EMBERSRV"},
                                               {"node", "CINDERNODE"},
                                               {"password", TsmPassword}})
                         .toJson());
        server.close();
        qputenv("DSMC_EMULATOR_STORE", QFile::encodeName(store));
        qunsetenv("DSMC_EMULATOR_FAULT");

        auto wizard = wizardAt(QStringLiteral("tsm"));
        QVERIFY2(wizard, "the TSM type must be offered once dsmc is on PATH");
        auto* page = qobject_cast<TsmPage*>(wizard->currentPage());
        QVERIFY(page);
        // Found on PATH automatically.
        auto* dsmc = child<QLineEdit>(page, "tsmDsmcPath");
        QCOMPARE(dsmc->text(), m_root + "/bin/dsmc");
        QVERIFY(child<QLabel>(page, "tsmDsmcState")->text().startsWith("Found"));
        const QString note = child<QLabel>(page, "tsmNote")->text();
        QVERIFY(note.contains("full backup") && note.contains("emulator"));
        QVERIFY(nextEnabled(*wizard));
        dsmc->setText(m_root + "/nowhere/dsmc");
        QVERIFY(child<QLabel>(page, "tsmDsmcState")->text().contains("not found"));
        QVERIFY(!page->validatePage());
        dsmc->clear();
        QVERIFY(!nextEnabled(*wizard));
        dsmc->setText(m_root + "/bin/dsmc");
        child<QLineEdit>(page, "tsmPrefix")->clear();
        QVERIFY(!nextEnabled(*wizard));
        child<QLineEdit>(page, "tsmPrefix")->setText("bad prefix");
        QVERIFY(!page->validatePage());
        child<QLineEdit>(page, "tsmPrefix")->setText("ember");
        child<QLineEdit>(page, "tsmNodeName")->setText("CINDERNODE");
        child<QLineEdit>(page, "tsmPassword")->setText(TsmPassword);
        child<QCheckBox>(page, "tsmCompression")->setChecked(false);
        // The shared bandwidth fields, checked by the engine's parser as typed.
        auto* upload = child<QLineEdit>(page, "option_ember_bandwidth_upload");
        upload->setText("fast");
        QVERIFY(!page->validatePage());
        QVERIFY2(child<QLabel>(page, "problem")->text().contains("'fast' is not a rate"),
                 qPrintable(child<QLabel>(page, "problem")->text()));
        upload->setText("10MB/s 08:00-18:00, 50MB/s");
        child<QLineEdit>(page, "option_ember_bandwidth_download")->setText("100MB/s");
        QVERIFY(page->validatePage());

        const QJsonObject options = wizard->config().options;
        QCOMPARE(options.value("ember_bandwidth_upload").toString(),
                 QStringLiteral("10MB/s 08:00-18:00, 50MB/s"));
        QCOMPARE(options.value("ember_bandwidth_download").toString(), QStringLiteral("100MB/s"));
        // Editing: stored limits are shown, and a cleared one is written empty.
        {
            TsmPage edit;
            BackendConfig stored;
            stored.type = QStringLiteral("tsm");
            stored.options = options;
            edit.load(stored);
            QCOMPARE(child<QLineEdit>(&edit, "option_ember_bandwidth_upload")->text(),
                     QStringLiteral("10MB/s 08:00-18:00, 50MB/s"));
            child<QLineEdit>(&edit, "option_ember_bandwidth_download")->clear();
            QCOMPARE(edit.options().value("ember_bandwidth_download"), QJsonValue(QString()));
            QCOMPARE(edit.options().value("ember_bandwidth_upload").toString(),
                     QStringLiteral("10MB/s 08:00-18:00, 50MB/s"));
        }
        QCOMPARE(options.value("ember_tsm_dsmc_path").toString(), m_root + "/bin/dsmc");
        QCOMPARE(options.value("backup_tsm_volume_prefix").toString(), QStringLiteral("ember"));
        QCOMPARE(options.value("backup_tsm_compression").toBool(), false);
        QCOMPARE(options.value("ember_tsm_nodename").toString(), QStringLiteral("CINDERNODE"));
        QCOMPARE(wizard->secrets(), (QMap<QString, QString>{{"backup_tsm_password", TsmPassword}}));
        QVERIFY(!optionsHold(options, TsmPassword));

        // The connection test: `dsmc query session` through the real probe.
        wizard->next();
        QCOMPARE(wizard->currentId(), int(BackendWizard::TestPageId));
        auto* test = child<ConnectionTestWidget>(wizard->currentPage(), "connectionTest");
        QTRY_VERIFY_WITH_TIMEOUT(test->isFinished(), 20000);
        QVERIFY2(test->passed(), qPrintable(testLines(*wizard)));
        QVERIFY2(testLines(*wizard).contains("EMBERSRV"), qPrintable(testLines(*wizard)));
        QVERIFY2(testLines(*wizard).contains("Ver. 8"), qPrintable(testLines(*wizard)));
        QVERIFY(wizard->button(QWizard::FinishButton)->isEnabled());

        // The server unreachable: a failure in plain words, Finish refused.
        qputenv("DSMC_EMULATOR_FAULT", "unreachable");
        QTest::mouseClick(child<QPushButton>(wizard->currentPage(), "testAgain"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(test->isFinished(), 20000);
        qunsetenv("DSMC_EMULATOR_FAULT");
        QVERIFY(!test->passed());
        QVERIFY2(testLines(*wizard).contains("cannot be reached"), qPrintable(testLines(*wizard)));
        QVERIFY(!wizard->button(QWizard::FinishButton)->isEnabled());
        QVERIFY(child<QLabel>(wizard->currentPage(), "summary")->text().contains("failed"));
    }

    void pagesSpeakChinese()
    {
        installTranslators(QStringLiteral("zh_CN"));
        SwiftPage swift;
        CephPage ceph;
        TsmPage tsm;
        installTranslators(QStringLiteral("en"));
        QVERIFY2(swift.subTitle().contains(QStringLiteral("备份以对象形式")),
                 qPrintable(swift.subTitle()));
        QCOMPARE(ceph.findChild<QPushButton*>("cephLoadPools")->text(),
                 QStringLiteral("加载存储池(&L)"));
        QVERIFY(tsm.findChild<QLabel*>("tsmNote")->text().contains(QStringLiteral("模拟器")));
    }
};

QTEST_MAIN(TestBackendPages)
#include "test_backendpages.moc"
