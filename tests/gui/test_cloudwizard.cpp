// The "OpenStack cloud" wizard, offscreen. Built twice:
//  - test_gui_cloudwizard (no services): the pages gate Next and shape the
//    profile, the insecure warning, "Start from" an existing clouds.yaml entry,
//    the cloud's name is checked, and the live test against a closed port says
//    "unreachable" in plain words without blocking the window;
//  - test_gui_cloudwizard_live (EMBER_CLOUD_LIVE, fixtures ceph and cinder):
//    the live test passes against the real Keystone and Cinder and shows the
//    user, project, roles and API version; Finish writes a clouds.yaml without
//    the password and keeps the password in the keyring (here its file
//    fallback); a keyring that refuses keeps the wizard open and writes
//    nothing; a wrong password, an expired application credential and an
//    untrusted certificate are each told as such.
#include "cloudwizard.h"

#include "clouderror.h"
#include "testsupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#ifndef EMBER_CLOUD_LIVE
#include <QTcpServer>
#else
#include "../services/serviceenv.h"
#include "secretstore.h"
#include <QProcessEnvironment>
#endif

using namespace ember;
using namespace ember::ui;
using cloud::CloudErrorKind;

namespace {

template <typename T> T* child(const QWidget* parent, const char* name)
{
    T* widget = parent->findChild<T*>(QLatin1String(name));
    if (!widget)
        qFatal("no widget named %s", name);
    return widget;
}

bool nextEnabled(const CloudWizard& wizard)
{
    return wizard.button(QWizard::NextButton)->isEnabled();
}

bool finishEnabled(const CloudWizard& wizard)
{
    return wizard.button(QWizard::FinishButton)->isEnabled();
}

// Page 1, then Next.
void fillWhere(CloudWizard& wizard, const QString& authUrl, const QString& region = {})
{
    QCOMPARE(wizard.currentId(), int(CloudWizard::WherePageId));
    child<QLineEdit>(&wizard, "authUrl")->setText(authUrl);
    child<QLineEdit>(&wizard, "region")->setText(region);
    QVERIFY(nextEnabled(wizard));
    wizard.next();
    QCOMPARE(wizard.currentId(), int(CloudWizard::WhoPageId));
}

// Page 2 with a password, then Next.
void fillPassword(CloudWizard& wizard, const QString& user, const QString& password,
                  const QString& project, const QString& userDomain = QStringLiteral("Default"),
                  const QString& projectDomain = QStringLiteral("Default"))
{
    QCOMPARE(wizard.currentId(), int(CloudWizard::WhoPageId));
    child<QComboBox>(&wizard, "authType")->setCurrentIndex(0);
    child<QLineEdit>(&wizard, "user")->setText(user);
    child<QLineEdit>(&wizard, "userDomain")->setText(userDomain);
    child<QLineEdit>(&wizard, "password")->setText(password);
    child<QLineEdit>(&wizard, "project")->setText(project);
    child<QLineEdit>(&wizard, "projectDomain")->setText(projectDomain);
    QVERIFY(nextEnabled(wizard));
    wizard.next();
    QCOMPARE(wizard.currentId(), int(CloudWizard::TestPageId));
}

// What the test page shows: the steps, the facts and the red line, one a line.
QString shownText(const CloudWizard& wizard)
{
    QStringList lines;
    auto* steps = child<QTreeWidget>(&wizard, "checks");
    for (int row = 0; row < steps->topLevelItemCount(); ++row)
        lines << steps->topLevelItem(row)->text(0) + QStringLiteral(": ") +
                     steps->topLevelItem(row)->text(1) + QStringLiteral(" | ") +
                     steps->topLevelItem(row)->toolTip(1);
    for (const char* name :
         {"factUser", "factProject", "factRoles", "factApiVersion", "summary", "problem"})
        lines << QLatin1String(name) + QStringLiteral(": ") +
                     child<QLabel>(wizard.currentPage(), name)->text();
    return lines.join(u'\n');
}

QString stepLine(const CloudWizard& wizard, int row)
{
    auto* item = child<QTreeWidget>(&wizard, "checks")->topLevelItem(row);
    return item ? item->text(0) + QStringLiteral(": ") + item->text(1) : QString();
}

// Clicks "Test Connection" and waits for the worker's answer while the event
// loop keeps running (the window stays responsive).
bool runLiveTest(CloudWizard& wizard, int timeoutMs)
{
    auto* page = qobject_cast<CloudTestPage*>(wizard.currentPage());
    if (!page)
        return false;
    auto* button = child<QPushButton>(&wizard, "testConnection");
    button->click();
    if (button->isEnabled() || !page->isTesting())
        return false; // the test must not run on the UI thread
    QElapsedTimer timer;
    timer.start();
    while (!page->testFinished() && timer.elapsed() < timeoutMs)
        QTest::qWait(20);
    return page->testFinished();
}

CloudTestPage* testPage(const CloudWizard& wizard)
{
    return wizard.findChild<CloudTestPage*>();
}

} // namespace

#ifndef EMBER_CLOUD_LIVE

class TestCloudWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pagesGateNextAndShapeTheProfile()
    {
        CloudWizard wizard;
        wizard.show();
        // No clouds configured: no "Start from".
        QVERIFY(!child<QComboBox>(&wizard, "startFrom")->isVisibleTo(&wizard));
        QVERIFY(!nextEnabled(wizard));
        child<QLineEdit>(&wizard, "authUrl")->setText(QStringLiteral("keystone:5000"));
        QVERIFY(nextEnabled(wizard));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(CloudWizard::WherePageId));
        QVERIFY(child<QLabel>(wizard.currentPage(), "problem")->text().contains("http://"));
        child<QLineEdit>(&wizard, "caCertFile")->setText(QStringLiteral("/nonexistent/ca.pem"));
        child<QLineEdit>(&wizard, "authUrl")->setText(QStringLiteral("https://keystone:5000/v3"));
        wizard.next();
        QVERIFY(
            child<QLabel>(wizard.currentPage(), "problem")->text().contains("/nonexistent/ca.pem"));
        child<QLineEdit>(&wizard, "caCertFile")->clear();

        // "insecure" is warned about as for Swift.
        auto* warning = child<QLabel>(&wizard, "insecureWarning");
        QVERIFY(!warning->isVisibleTo(&wizard));
        child<QCheckBox>(&wizard, "insecure")->setChecked(true);
        QVERIFY(warning->isVisibleTo(&wizard));
        QVERIFY(warning->text().startsWith("Warning: without certificate checks anyone between "
                                           "Ember and the cloud can read the password"));
        QVERIFY(warning->text().endsWith("Use a CA certificate file instead."));
        auto* interface = child<QComboBox>(&wizard, "interface");
        interface->setCurrentIndex(interface->findData(QStringLiteral("internal")));
        fillWhere(wizard, QStringLiteral("https://keystone:5000/v3"), QStringLiteral("RegionTwo"));

        // Password: user, its domain, password and project are needed.
        QVERIFY(!nextEnabled(wizard));
        child<QLineEdit>(&wizard, "user")->setText(QStringLiteral("alice"));
        child<QLineEdit>(&wizard, "password")->setText(QStringLiteral("s3cret-pw"));
        QVERIFY(!nextEnabled(wizard)); // no project yet
        child<QLineEdit>(&wizard, "project")->setText(QStringLiteral("0123abcd"));
        auto* projectKind = child<QComboBox>(&wizard, "projectKind");
        projectKind->setCurrentIndex(projectKind->findData(true));
        QVERIFY(nextEnabled(wizard));
        child<QLineEdit>(&wizard, "userDomain")->clear();
        QVERIFY(!nextEnabled(wizard)); // a user name needs its domain
        child<QLineEdit>(&wizard, "userDomain")->setText(QStringLiteral("Users"));
        QVERIFY(nextEnabled(wizard));

        cloud::CloudProfile profile = wizard.profile();
        QCOMPARE(profile.auth.authUrl, QStringLiteral("https://keystone:5000/v3"));
        QCOMPARE(profile.regionName, QStringLiteral("RegionTwo"));
        QCOMPARE(profile.interface, QStringLiteral("internal"));
        QVERIFY(profile.insecure);
        QCOMPARE(profile.auth.type, cloud::AuthType::Password);
        QCOMPARE(profile.auth.username, QStringLiteral("alice"));
        QCOMPARE(profile.auth.userDomainName, QStringLiteral("Users"));
        QCOMPARE(profile.auth.projectId, QStringLiteral("0123abcd"));
        QVERIFY(profile.auth.projectName.isEmpty());
        QVERIFY(profile.auth.projectDomainName.isEmpty()); // an id needs no domain
        QCOMPARE(profile.secret(), QStringLiteral("s3cret-pw"));

        // Application credential by id: no user, no project, no password.
        auto* authType = child<QComboBox>(&wizard, "authType");
        authType->setCurrentIndex(1);
        QVERIFY(!child<QLineEdit>(&wizard, "password")->isVisibleTo(&wizard));
        QVERIFY(child<QLineEdit>(&wizard, "credentialSecret")->isVisibleTo(&wizard));
        QVERIFY(!nextEnabled(wizard));
        child<QLineEdit>(&wizard, "credential")->setText(QStringLiteral("c0ffee"));
        auto* credentialKind = child<QComboBox>(&wizard, "credentialKind");
        credentialKind->setCurrentIndex(credentialKind->findData(true));
        QVERIFY(!child<QLineEdit>(&wizard, "user")->isVisibleTo(&wizard));
        child<QLineEdit>(&wizard, "credentialSecret")->setText(QStringLiteral("app-secret"));
        QVERIFY(nextEnabled(wizard));
        profile = wizard.profile();
        QCOMPARE(profile.auth.type, cloud::AuthType::ApplicationCredential);
        QCOMPARE(profile.auth.applicationCredentialId, QStringLiteral("c0ffee"));
        QCOMPARE(profile.secret(), QStringLiteral("app-secret"));
        QVERIFY(profile.auth.username.isEmpty() && profile.auth.password.isEmpty());
        // By name it belongs to a user, who must be named.
        credentialKind->setCurrentIndex(credentialKind->findData(false));
        QVERIFY(child<QLineEdit>(&wizard, "user")->isVisibleTo(&wizard));
        profile = wizard.profile();
        QCOMPARE(profile.auth.applicationCredentialName, QStringLiteral("c0ffee"));
        QCOMPARE(profile.auth.username, QStringLiteral("alice"));
        QVERIFY(profile.auth.projectId.isEmpty());

        // The last page wants a test that passed before Finish.
        wizard.next();
        QCOMPARE(wizard.currentId(), int(CloudWizard::TestPageId));
        child<QLineEdit>(&wizard, "cloudName")->setText(QStringLiteral("production"));
        QVERIFY(!finishEnabled(wizard));
        QVERIFY(child<QLabel>(&wizard, "cloudNameNote")
                    ->text()
                    .contains(".config/openstack/clouds.yaml"));
    }

    void cloudNameIsChecked()
    {
        CloudWizard wizard;
        wizard.show();
        CloudTestPage* page = testPage(wizard);
        for (const char* bad : {"my cloud", "envvars", "-x", "a/b"}) {
            page->setCloudName(QLatin1String(bad));
            QVERIFY2(!page->validatePage(), bad);
            QVERIFY(!child<QLabel>(page, "problem")->text().isEmpty());
        }
        page->setCloudName(QStringLiteral("prod-1.east_2"));
        QVERIFY(page->validatePage());
    }

    void startsFromAConfiguredCloud()
    {
        const QString dir = ember::test::freshDir(QStringLiteral("start-from"));
        const QString file = dir + QStringLiteral("/clouds.yaml");
        QFile yaml(file);
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write("clouds:\n"
                   "  lab:\n"
                   "    auth:\n"
                   "      auth_url: https://lab.example.com:5000/v3\n"
                   "      username: bob\n"
                   "      password: from-the-file\n"
                   "      project_id: 42aa\n"
                   "      user_domain_name: Lab\n"
                   "    region_name: Lab1\n"
                   "    interface: admin\n");
        yaml.close();
        const QList<cloud::CloudProfile> clouds = cloud::loadClouds(
            {{QStringLiteral("OS_CLIENT_CONFIG_FILE"), file}, {QStringLiteral("HOME"), dir}});
        QCOMPARE(clouds.size(), 1);

        CloudWizard wizard(clouds);
        wizard.setCloudsFile(file);
        wizard.show();
        auto* startFrom = child<QComboBox>(&wizard, "startFrom");
        QVERIFY(startFrom->isVisibleTo(&wizard));
        QCOMPARE(startFrom->count(), 2);
        QVERIFY(startFrom->itemText(1).startsWith(QStringLiteral("lab")));
        startFrom->setCurrentIndex(1);
        QCOMPARE(child<QLineEdit>(&wizard, "authUrl")->text(),
                 QStringLiteral("https://lab.example.com:5000/v3"));
        QCOMPARE(child<QLineEdit>(&wizard, "region")->text(), QStringLiteral("Lab1"));
        QCOMPARE(child<QComboBox>(&wizard, "interface")->currentData().toString(),
                 QStringLiteral("admin"));
        QCOMPARE(child<QLineEdit>(&wizard, "user")->text(), QStringLiteral("bob"));
        QCOMPARE(child<QLineEdit>(&wizard, "userDomain")->text(), QStringLiteral("Lab"));
        QCOMPARE(child<QLineEdit>(&wizard, "project")->text(), QStringLiteral("42aa"));
        QVERIFY(child<QComboBox>(&wizard, "projectKind")->currentData().toBool());
        QCOMPARE(child<QLineEdit>(&wizard, "password")->text(), QStringLiteral("from-the-file"));
        wizard.next();
        QVERIFY(nextEnabled(wizard));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(CloudWizard::TestPageId));
        QCOMPARE(child<QLineEdit>(&wizard, "cloudName")->text(), QStringLiteral("lab"));
        QVERIFY2(child<QLabel>(&wizard, "cloudNameNote")->text().contains("replaces"),
                 qPrintable(child<QLabel>(&wizard, "cloudNameNote")->text()));

        // Back to "a new cloud": the fields are cleared.
        wizard.back();
        wizard.back();
        startFrom->setCurrentIndex(0);
        QVERIFY(child<QLineEdit>(&wizard, "authUrl")->text().isEmpty());
        QVERIFY(child<QLineEdit>(&wizard, "password")->text().isEmpty());
    }

    void unreachableKeystoneInPlainWords()
    {
        // A port that nothing listens on.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const quint16 port = server.serverPort();
        server.close();

        CloudWizard wizard;
        wizard.setCloudsFile(ember::test::freshDir(QStringLiteral("unreachable")) +
                             QStringLiteral("/clouds.yaml"));
        wizard.show();
        fillWhere(wizard, QStringLiteral("http://127.0.0.1:%1/v3").arg(port));
        fillPassword(wizard, QStringLiteral("admin"), QStringLiteral("pw-never-shown"),
                     QStringLiteral("admin"));
        child<QLineEdit>(&wizard, "cloudName")->setText(QStringLiteral("down"));
        QVERIFY(runLiveTest(wizard, 30000));
        const QString shown = shownText(wizard);
        QVERIFY(!testPage(wizard)->testPassed());
        QVERIFY2(stepLine(wizard, 0).startsWith(QStringLiteral("✘ ")), qPrintable(shown));
        QVERIFY2(stepLine(wizard, 0).contains(
                     CloudTestPage::plainWords(int(CloudErrorKind::Unreachable))),
                 qPrintable(shown));
        QVERIFY2(stepLine(wizard, 0).contains("Unreachable"), qPrintable(shown));
        for (int row = 1; row < CloudTestPage::stepTitles().size(); ++row)
            QVERIFY2(stepLine(wizard, row).endsWith("not tried"), qPrintable(shown));
        // The client's own message, naming the address, in the red line.
        QVERIFY2(
            child<QLabel>(wizard.currentPage(), "problem")->text().contains(QString::number(port)),
            qPrintable(shown));
        QVERIFY(!shown.contains("pw-never-shown"));
        QVERIFY(!finishEnabled(wizard));
        QVERIFY(child<QPushButton>(&wizard, "testConnection")->isEnabled()); // test again
        QVERIFY(!QFile::exists(wizard.cloudsFile()));

        // Going back and returning forgets the old result.
        wizard.back();
        wizard.next();
        QVERIFY(!testPage(wizard)->testFinished());
        QVERIFY(stepLine(wizard, 0).endsWith("not tested yet"));
    }
};

QTEST_MAIN(TestCloudWizard)

#else // EMBER_CLOUD_LIVE

class TestCloudWizardLive : public QObject
{
    Q_OBJECT

    QHash<QString, QString> m_facts;
    QString m_home;

    // A wizard filled with the admin's login (`password` unless given), on the test page.
    std::unique_ptr<CloudWizard> filledWizard(const QString& name, const QString& password = {})
    {
        auto wizard = std::make_unique<CloudWizard>();
        wizard->setCloudsFile(m_home + QStringLiteral("/") + name + QStringLiteral("/clouds.yaml"));
        wizard->show();
        fillWhere(*wizard, m_facts.value("OS_AUTH_URL"), m_facts.value("OS_REGION_NAME"));
        fillPassword(*wizard, m_facts.value("OS_USERNAME"),
                     password.isEmpty() ? m_facts.value("OS_PASSWORD") : password,
                     m_facts.value("OS_PROJECT_NAME"), m_facts.value("OS_USER_DOMAIN_NAME"),
                     m_facts.value("OS_PROJECT_DOMAIN_NAME"));
        child<QLineEdit>(wizard.get(), "cloudName")->setText(name);
        return wizard;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_facts = ember::test::serviceEnv(QStringLiteral("cinder"));
        if (m_facts.isEmpty()) {
            // Outside ctest: a deployment described by the OS_* variables.
            const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            for (const QString& key : environment.keys())
                if (key.startsWith(QLatin1String("OS_")))
                    m_facts.insert(key, environment.value(key));
        }
        QVERIFY2(!m_facts.value("OS_AUTH_URL").isEmpty() && !m_facts.value("OS_PASSWORD").isEmpty(),
                 "no cloud: run through ctest (fixtures ceph;cinder)");
        m_home = qEnvironmentVariable("EMBER_HOME");
    }

    void testPassesAndFinishKeepsTheSecretInTheKeyring()
    {
        const QString password = m_facts.value("OS_PASSWORD");
        auto wizard = filledWizard(QStringLiteral("ember-gui"));
        QVERIFY(runLiveTest(*wizard, 60000));
        const QString shown = shownText(*wizard);
        QVERIFY2(testPage(*wizard)->testPassed(), qPrintable(shown));
        for (int row = 0; row < CloudTestPage::stepTitles().size(); ++row)
            QVERIFY2(stepLine(*wizard, row).startsWith(QStringLiteral("✔ ")), qPrintable(shown));
        QCOMPARE(child<QLabel>(wizard.get(), "factUser")->text(), m_facts.value("OS_USERNAME"));
        QCOMPARE(child<QLabel>(wizard.get(), "factProject")->text(),
                 m_facts.value("OS_PROJECT_NAME"));
        const QString roles = child<QLabel>(wizard.get(), "factRoles")->text();
        QVERIFY2(roles.contains("admin") && roles.contains("an administrator"), qPrintable(roles));
        const QString api = child<QLabel>(wizard.get(), "factApiVersion")->text();
        QVERIFY2(api.startsWith("3.") && api.contains(" at http"), qPrintable(api));
        QVERIFY2(stepLine(*wizard, 3).contains("volume"), qPrintable(shown));
        QVERIFY(!shown.contains(password));
        QVERIFY(finishEnabled(*wizard));

        const QString screenshot = qEnvironmentVariable("EMBER_CLOUD_WIZARD_SCREENSHOT");
        if (!screenshot.isEmpty()) {
            wizard->raise();
            QTest::qWait(200);
            QVERIFY(wizard->grab().save(screenshot));
        }

        QSignalSpy saved(wizard.get(), &CloudWizard::cloudSaved);
        wizard->button(QWizard::FinishButton)->click();
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 30000);
        QCOMPARE(wizard->result(), int(QDialog::Accepted));
        QVERIFY(!wizard->isVisible());

        QFile file(wizard->cloudsFile());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray yaml = file.readAll();
        QVERIFY2(!yaml.contains(password.toUtf8()), yaml.constData());
        QVERIFY2(yaml.contains("ember-gui") && yaml.contains("ember_secret_in_keyring"),
                 yaml.constData());
        const cloud::CloudProfile entry =
            cloud::findCloud(QStringLiteral("ember-gui"),
                             {{QStringLiteral("OS_CLIENT_CONFIG_FILE"), wizard->cloudsFile()},
                              {QStringLiteral("HOME"), m_home}});
        QCOMPARE(entry.auth.authUrl, m_facts.value("OS_AUTH_URL"));
        QCOMPARE(entry.auth.username, m_facts.value("OS_USERNAME"));
        QVERIFY(entry.secretInKeyring);
        QVERIFY(entry.secret().isEmpty());

        // The password is in the keyring (its file fallback here), under the cloud's name.
        SecretStore store;
        QCOMPARE(store.readBlocking(entry.keyringName(), QStringLiteral("secret")),
                 std::optional<QString>(password));

        // Starting from the saved entry brings the password back from the keyring.
        CloudWizard again({entry});
        again.show();
        child<QComboBox>(&again, "startFrom")->setCurrentIndex(1);
        QCOMPARE(child<QLineEdit>(&again, "authUrl")->text(), m_facts.value("OS_AUTH_URL"));
        QTRY_COMPARE_WITH_TIMEOUT(child<QLineEdit>(&again, "password")->text(), password, 30000);
    }

    void keyringFailureKeepsTheWizardOpen()
    {
        // No keyring service and no permission to fall back to a file.
        qputenv("EMBER_ALLOW_FILE_SECRETS", "0");
        auto wizard = filledWizard(QStringLiteral("ember-nokeyring"));
        qputenv("EMBER_ALLOW_FILE_SECRETS", "1");
        QVERIFY(runLiveTest(*wizard, 60000));
        QVERIFY2(testPage(*wizard)->testPassed(), qPrintable(shownText(*wizard)));
        QSignalSpy saved(wizard.get(), &CloudWizard::cloudSaved);
        wizard->button(QWizard::FinishButton)->click();
        auto* problem = child<QLabel>(wizard->currentPage(), "problem");
        QTRY_VERIFY_WITH_TIMEOUT(!problem->text().isEmpty(), 30000);
        QVERIFY2(problem->text().contains("could not be stored in the keyring"),
                 qPrintable(problem->text()));
        QVERIFY2(problem->text().contains("EMBER_ALLOW_FILE_SECRETS"), qPrintable(problem->text()));
        QVERIFY(wizard->isVisible());
        QCOMPARE(wizard->currentId(), int(CloudWizard::TestPageId));
        QCOMPARE(saved.size(), 0);
        QVERIFY(!QFile::exists(wizard->cloudsFile()));
        QVERIFY(finishEnabled(*wizard)); // the user may start a keyring and try again
    }

    void wrongPasswordInPlainWords()
    {
        auto wizard = filledWizard(QStringLiteral("ember-wrong"), QStringLiteral("not-the-pw-42"));
        QVERIFY(runLiveTest(*wizard, 60000));
        const QString shown = shownText(*wizard);
        QVERIFY(!testPage(*wizard)->testPassed());
        QVERIFY2(stepLine(*wizard, 0).startsWith(QStringLiteral("✘ ")), qPrintable(shown));
        QVERIFY2(stepLine(*wizard, 0)
                     .contains(CloudTestPage::plainWords(int(CloudErrorKind::AuthFailed))),
                 qPrintable(shown));
        QVERIFY2(stepLine(*wizard, 0).contains("Wrong password"), qPrintable(shown));
        QVERIFY(!shown.contains("not-the-pw-42"));
        QVERIFY(!finishEnabled(*wizard));
    }

    void expiredApplicationCredentialInPlainWords()
    {
        QVERIFY2(!m_facts.value("OS_DEMO_EXPIRED_APPCRED_ID").isEmpty(),
                 "no expired application credential: run through ctest (fixture cinder)");
        auto wizard = std::make_unique<CloudWizard>();
        wizard->show();
        fillWhere(*wizard, m_facts.value("OS_AUTH_URL"), m_facts.value("OS_REGION_NAME"));
        child<QComboBox>(wizard.get(), "authType")->setCurrentIndex(1);
        auto* kind = child<QComboBox>(wizard.get(), "credentialKind");
        kind->setCurrentIndex(kind->findData(true));
        child<QLineEdit>(wizard.get(), "credential")
            ->setText(m_facts.value("OS_DEMO_EXPIRED_APPCRED_ID"));
        child<QLineEdit>(wizard.get(), "credentialSecret")
            ->setText(m_facts.value("OS_DEMO_EXPIRED_APPCRED_SECRET"));
        QVERIFY(nextEnabled(*wizard));
        wizard->next();
        child<QLineEdit>(wizard.get(), "cloudName")->setText(QStringLiteral("ember-expired"));
        QVERIFY(runLiveTest(*wizard, 60000));
        const QString shown = shownText(*wizard);
        // Keystone does not tell an expired credential from a wrong secret unless its
        // expiry is known: either way the first step says it may have expired.
        QVERIFY2(stepLine(*wizard, 0).startsWith(QStringLiteral("✘ ")), qPrintable(shown));
        QVERIFY2(stepLine(*wizard, 0).contains("expired"), qPrintable(shown));
        QVERIFY(!shown.contains(m_facts.value("OS_DEMO_EXPIRED_APPCRED_SECRET")));
        QVERIFY(!finishEnabled(*wizard));
    }

    void untrustedCertificateInPlainWordsThenTrustedWithTheCaFile()
    {
        QVERIFY2(!m_facts.value("KEYSTONE_TLS_URL").isEmpty(),
                 "no TLS front: run through ctest (fixture cinder)");
        auto wizard = std::make_unique<CloudWizard>();
        wizard->show();
        fillWhere(*wizard, m_facts.value("KEYSTONE_TLS_URL"), m_facts.value("OS_REGION_NAME"));
        fillPassword(*wizard, m_facts.value("OS_USERNAME"), m_facts.value("OS_PASSWORD"),
                     m_facts.value("OS_PROJECT_NAME"), m_facts.value("OS_USER_DOMAIN_NAME"),
                     m_facts.value("OS_PROJECT_DOMAIN_NAME"));
        child<QLineEdit>(wizard.get(), "cloudName")->setText(QStringLiteral("ember-tls"));
        QVERIFY(runLiveTest(*wizard, 60000));
        QVERIFY2(stepLine(*wizard, 0)
                     .contains(CloudTestPage::plainWords(int(CloudErrorKind::TlsUntrusted))),
                 qPrintable(shownText(*wizard)));

        // With the cloud's CA file the same address signs in.
        wizard->back();
        wizard->back();
        child<QLineEdit>(wizard.get(), "caCertFile")->setText(m_facts.value("KEYSTONE_TLS_CA"));
        wizard->next();
        wizard->next();
        QCOMPARE(wizard->currentId(), int(CloudWizard::TestPageId));
        QVERIFY(runLiveTest(*wizard, 60000));
        QVERIFY2(stepLine(*wizard, 0).startsWith(QStringLiteral("✔ ")),
                 qPrintable(shownText(*wizard)));
    }
};

int main(int argc, char* argv[])
{
    // A home of our own, and a keyring that is not there: secrets go to the
    // file fallback under EMBER_HOME at once instead of waiting for D-Bus.
    const QString home = ember::test::freshDir(QStringLiteral("cloudwizard-live"));
    qputenv("EMBER_HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/data")).toUtf8());
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ember-no-bus");
    qputenv("EMBER_ALLOW_FILE_SECRETS", "1");
    QApplication app(argc, argv);
    TestCloudWizardLive test;
    return QTest::qExec(&test, argc, argv);
}

#endif // EMBER_CLOUD_LIVE

#include "test_cloudwizard.moc"
