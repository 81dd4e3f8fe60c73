// The "OpenStack cloud" wizard (in the style of Qt's License Wizard example):
// where the cloud is (Keystone URL, region, interface, TLS), who logs in
// (password or application credential), then a live connection test and the
// cloud's name. Finish keeps the secret in the OS keyring (SecretStore, key
// "secret" under CloudProfile::keyringName()) and only then writes the
// clouds.yaml entry, which never holds the secret.
#pragma once

#include "cloudconfig.h"

#include <QFutureWatcher>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWizard>
#include <QWizardPage>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace ember {
class SecretStore;
struct SecretResult;
} // namespace ember

namespace ember::ui {

class CloudWizard;
class TlsOptionsBox;

// A line edit for something Keystone accepts by name or by id (users,
// projects, domains, application credentials), with a name/ID switch.
struct NameOrIdEdit
{
    QLineEdit* edit = nullptr;
    QComboBox* kind = nullptr; // data: false = name, true = ID
    bool isId() const;
    QString text() const;
    void set(const QString& name, const QString& id);
};

// Page 1: where the cloud's Keystone is and how to reach it.
class CloudWherePage : public QWizardPage
{
    Q_OBJECT
public:
    explicit CloudWherePage(CloudWizard* wizard);
    void load(const cloud::CloudProfile& profile);
    void apply(cloud::CloudProfile& profile) const;
    bool isComplete() const override;
    bool validatePage() override;
    // Shown above the fields, e.g. a clouds.yaml that could not be read.
    void setStartProblem(const QString& problem);

private:
    CloudWizard* m_wizard;
    QComboBox* m_startFrom = nullptr;
    QLineEdit* m_authUrl = nullptr;
    QLineEdit* m_region = nullptr;
    QComboBox* m_interface = nullptr;
    TlsOptionsBox* m_tls = nullptr;
    QLabel* m_problem = nullptr;
};

// Page 2: who logs in.
class CloudWhoPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit CloudWhoPage(QWidget* parent = nullptr);
    void load(const cloud::CloudProfile& profile);
    void apply(cloud::CloudProfile& profile) const;
    bool isComplete() const override;
    // Fills the secret field if the user has not typed one (a secret read
    // from the keyring arrives after the starting point was chosen).
    void offerStoredSecret(cloud::AuthType type, const QString& secret);

private:
    bool isPassword() const;
    void updateRows();

    QFormLayout* m_form = nullptr;
    QComboBox* m_authType = nullptr;
    NameOrIdEdit m_user, m_userDomain, m_project, m_projectDomain, m_credential;
    QLineEdit* m_password = nullptr;
    QLineEdit* m_credentialSecret = nullptr;
    QWidget* m_userRow = nullptr;
    QWidget* m_userDomainRow = nullptr;
    QWidget* m_projectRow = nullptr;
    QWidget* m_projectDomainRow = nullptr;
    QWidget* m_credentialRow = nullptr;
    QLabel* m_note = nullptr;
};

// One step of the connection test, as the worker thread reports it.
struct CloudTestStep
{
    int index = 0;
    bool ok = false;
    QString result; // what was found, or the error in plain words
    QString error;  // the client's full message (failures only)
    // Facts learnt on the way (empty when this step did not learn them).
    QString user, project, endpoint, apiVersion;
    QStringList roles;
    bool admin = false;
};

// Page 3: the live test (on a worker thread), the cloud's name, Finish.
class CloudTestPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit CloudTestPage(CloudWizard* wizard);
    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

    void startTest();
    bool isTesting() const { return m_watcher != nullptr; }
    bool testFinished() const { return m_finished; }
    bool testPassed() const { return m_finished && m_failures == 0; }
    // The page's red line: a failed step's message, or why saving failed.
    void showProblem(const QString& problem);
    QString cloudName() const;
    void setCloudName(const QString& name);

    // The steps' titles, in order.
    static QStringList stepTitles();
    // The plain words for a kind of CloudError (wrong password, unreachable, ...).
    static QString plainWords(int cloudErrorKind, bool applicationCredential = false);

private:
    void resetResults();
    void showStep(const CloudTestStep& step);
    void testDone();
    void updateNameNote();

    CloudWizard* m_wizard;
    QLineEdit* m_name = nullptr;
    QLabel* m_nameNote = nullptr;
    QPushButton* m_testButton = nullptr;
    QTreeWidget* m_steps = nullptr;
    QLabel* m_user = nullptr;
    QLabel* m_project = nullptr;
    QLabel* m_roles = nullptr;
    QLabel* m_apiVersion = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_problem = nullptr;
    QFutureWatcher<CloudTestStep>* m_watcher = nullptr;
    bool m_finished = false;
    int m_failures = 0;
};

class CloudWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId
    {
        WherePageId = 0,
        WhoPageId = 1,
        TestPageId = 2
    };

    // `startingPoints`: clouds already configured (ember::cloud::loadClouds()),
    // offered as "Start from: <cloud>".
    explicit CloudWizard(QList<cloud::CloudProfile> startingPoints = {}, QWidget* parent = nullptr);
    ~CloudWizard() override;

    const QList<cloud::CloudProfile>& startingPoints() const { return m_startingPoints; }
    // Fills every page from `profile` (its secret too, when it has one; an
    // Ember-written entry's secret is read from the keyring).
    void startFrom(const cloud::CloudProfile& profile);

    // The clouds.yaml Finish writes to: ember::cloud::userCloudsFile() unless set.
    void setCloudsFile(const QString& path) { m_cloudsFile = path; }
    QString cloudsFile() const { return m_cloudsFile; }

    // The cloud as entered, with its secret.
    cloud::CloudProfile profile() const;
    bool isSaving() const { return m_saving; }

    // Finish: stores the secret in the keyring, then writes the clouds.yaml
    // entry and closes. A failure is shown and the wizard stays open.
    void accept() override;
    // Cancel and Escape wait while Finish is saving (the keyring may be asking the user).
    void reject() override;

Q_SIGNALS:
    // The entry `name` was written to `cloudsFile` (the main window reloads its clouds).
    void cloudSaved(const QString& name, const QString& cloudsFile);

private:
    void secretWritten(const ember::SecretResult& result);
    void secretRead(const ember::SecretResult& result);
    void saveFailed(const QString& problem);

    QList<cloud::CloudProfile> m_startingPoints;
    QString m_cloudsFile;
    CloudWherePage* m_where = nullptr;
    CloudWhoPage* m_who = nullptr;
    CloudTestPage* m_test = nullptr;
    ember::SecretStore* m_secrets = nullptr;
    QString m_secretReadFor; // keyring name of the starting point being read
    cloud::AuthType m_secretReadType = cloud::AuthType::Password;
    bool m_saving = false;
    cloud::CloudProfile m_saved; // what Finish is saving
};

// Opens the wizard (window-modal, deleted on close) with the clouds found by
// ember::cloud::loadClouds() as starting points; a clouds.yaml that cannot be
// read is named on the first page. The main window connects cloudSaved().
CloudWizard* openCloudWizard(QWidget* parent);

} // namespace ember::ui
