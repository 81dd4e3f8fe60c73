#include "cloudwizard.h"

#include "cinderclient.h"
#include "clouderror.h"
#include "keystone.h"
#include "problemlabel.h"
#include "tlsoptionsbox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPromise>
#include <QPushButton>
#include <QRegularExpression>
#include <QThreadPool>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <memory>

#ifdef EMBER_HAVE_SECRETS
#include "secretstore.h"
#endif

namespace ember::ui {

using cloud::AuthType;
using cloud::CloudProfile;

namespace {

// The keyring key of a cloud's secret (under CloudProfile::keyringName()).
const QString SecretKey = QStringLiteral("secret");

QLineEdit* lineEdit(QWidget* parent, const QString& objectName, const QString& text = {})
{
    auto* edit = new QLineEdit(text, parent);
    edit->setObjectName(objectName);
    return edit;
}

// A row widget holding a line edit and its name/ID switch.
QWidget* nameOrIdRow(QWidget* parent, NameOrIdEdit& field, const QString& objectName,
                     const QString& text = {})
{
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    field.edit = lineEdit(row, objectName, text);
    field.kind = new QComboBox(row);
    field.kind->setObjectName(objectName + QStringLiteral("Kind"));
    field.kind->addItem(CloudWhoPage::tr("name"), false);
    field.kind->addItem(CloudWhoPage::tr("ID"), true);
    layout->addWidget(field.edit, 1);
    layout->addWidget(field.kind);
    return row;
}

QString describeProfile(const CloudProfile& profile)
{
    return profile.origin.isEmpty()
               ? profile.name
               : CloudWherePage::tr("%1 (%2)").arg(profile.name, profile.origin);
}

} // namespace

bool NameOrIdEdit::isId() const
{
    return kind->currentData().toBool();
}

QString NameOrIdEdit::text() const
{
    return edit->text().trimmed();
}

void NameOrIdEdit::set(const QString& name, const QString& id)
{
    const bool byId = name.isEmpty() && !id.isEmpty();
    kind->setCurrentIndex(kind->findData(byId));
    edit->setText(byId ? id : name);
}

// ---------------------------------------------------------------- where

CloudWherePage::CloudWherePage(CloudWizard* wizard) : QWizardPage(wizard), m_wizard(wizard)
{
    setObjectName(QStringLiteral("cloudWherePage"));
    setTitle(tr("Where is the cloud?"));
    setSubTitle(tr("Ember signs in to the cloud's Keystone and manages backups through its "
                   "Block Storage (Cinder) API."));
    auto* layout = new QVBoxLayout(this);

    auto* form = new QFormLayout;
    m_startFrom = new QComboBox(this);
    m_startFrom->setObjectName(QStringLiteral("startFrom"));
    m_startFrom->addItem(tr("a new cloud"), -1);
    const QList<CloudProfile>& clouds = wizard->startingPoints();
    for (int i = 0; i < clouds.size(); ++i)
        m_startFrom->addItem(describeProfile(clouds.at(i)), i);
    m_startFrom->setVisible(!clouds.isEmpty());
    auto* startLabel = new QLabel(tr("&Start from:"), this);
    startLabel->setBuddy(m_startFrom);
    startLabel->setVisible(!clouds.isEmpty());
    form->addRow(startLabel, m_startFrom);

    m_authUrl = lineEdit(this, QStringLiteral("authUrl"));
    m_authUrl->setPlaceholderText(tr("https://keystone.example.com:5000/v3"));
    form->addRow(tr("Keystone &URL:"), m_authUrl);
    m_region = lineEdit(this, QStringLiteral("region"));
    m_region->setPlaceholderText(tr("any region"));
    form->addRow(tr("&Region:"), m_region);
    m_interface = new QComboBox(this);
    m_interface->setObjectName(QStringLiteral("interface"));
    m_interface->addItem(tr("public"), QStringLiteral("public"));
    m_interface->addItem(tr("internal"), QStringLiteral("internal"));
    m_interface->addItem(tr("admin"), QStringLiteral("admin"));
    form->addRow(tr("&Interface:"), m_interface);
    layout->addLayout(form);

    m_tls = new TlsOptionsBox(
        QString(),
        tr("Warning: without certificate checks anyone between Ember and the cloud can read the "
           "password and the token, or change the cloud's answers. Use a CA certificate file "
           "instead."),
        this);
    layout->addWidget(m_tls);

    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    layout->addStretch();

    connect(m_authUrl, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
    connect(m_startFrom, &QComboBox::currentIndexChanged, this, [this] {
        const int index = m_startFrom->currentData().toInt();
        m_wizard->startFrom(index >= 0 ? m_wizard->startingPoints().at(index) : CloudProfile());
    });
}

void CloudWherePage::load(const CloudProfile& profile)
{
    m_authUrl->setText(profile.auth.authUrl);
    m_region->setText(profile.regionName);
    const int row = m_interface->findData(profile.interface.isEmpty() ? QStringLiteral("public")
                                                                      : profile.interface);
    if (row >= 0)
        m_interface->setCurrentIndex(row);
    m_tls->caCertFile()->setText(profile.caCertFile);
    m_tls->insecure()->setChecked(profile.insecure);
    m_problem->clear();
}

void CloudWherePage::apply(CloudProfile& profile) const
{
    profile.auth.authUrl = m_authUrl->text().trimmed();
    profile.regionName = m_region->text().trimmed();
    profile.interface = m_interface->currentData().toString();
    profile.caCertFile = m_tls->caCertFile()->text().trimmed();
    profile.insecure = m_tls->insecure()->isChecked();
}

void CloudWherePage::setStartProblem(const QString& problem)
{
    m_problem->setText(problem);
}

bool CloudWherePage::isComplete() const
{
    return !m_authUrl->text().trimmed().isEmpty();
}

bool CloudWherePage::validatePage()
{
    QString problem;
    const QUrl url(m_authUrl->text().trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        problem = tr("The Keystone URL must be an http:// or https:// address, e.g. %1.")
                      .arg(m_authUrl->placeholderText());
    else
        problem = m_tls->caCertFileProblem();
    m_problem->setText(problem);
    return problem.isEmpty();
}

// ---------------------------------------------------------------- who

CloudWhoPage::CloudWhoPage(QWidget* parent) : QWizardPage(parent)
{
    setObjectName(QStringLiteral("cloudWhoPage"));
    setTitle(tr("Who signs in?"));
    setSubTitle(tr("A user with a password, or an application credential. The password or "
                   "secret is kept in the OS keyring, never in clouds.yaml."));
    m_form = new QFormLayout(this);
    m_authType = new QComboBox(this);
    m_authType->setObjectName(QStringLiteral("authType"));
    m_authType->addItem(tr("Password"), QStringLiteral("password"));
    m_authType->addItem(tr("Application credential"), QStringLiteral("v3applicationcredential"));
    m_form->addRow(tr("&Sign in with:"), m_authType);

    m_credentialRow = nameOrIdRow(this, m_credential, QStringLiteral("credential"));
    m_form->addRow(tr("Application &credential:"), m_credentialRow);
    m_credentialSecret = lineEdit(this, QStringLiteral("credentialSecret"));
    m_credentialSecret->setEchoMode(QLineEdit::Password);
    m_credentialSecret->setPlaceholderText(tr("kept in the keyring"));
    m_form->addRow(tr("S&ecret:"), m_credentialSecret);

    m_userRow = nameOrIdRow(this, m_user, QStringLiteral("user"));
    m_form->addRow(tr("&User:"), m_userRow);
    m_userDomainRow =
        nameOrIdRow(this, m_userDomain, QStringLiteral("userDomain"), QStringLiteral("Default"));
    m_form->addRow(tr("User &domain:"), m_userDomainRow);
    m_password = lineEdit(this, QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("kept in the keyring"));
    m_form->addRow(tr("&Password:"), m_password);
    m_projectRow = nameOrIdRow(this, m_project, QStringLiteral("project"));
    m_form->addRow(tr("P&roject:"), m_projectRow);
    m_projectDomainRow = nameOrIdRow(this, m_projectDomain, QStringLiteral("projectDomain"),
                                     QStringLiteral("Default"));
    m_form->addRow(tr("Project d&omain:"), m_projectDomainRow);

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("authNote"));
    m_note->setWordWrap(true);
    m_form->addRow(m_note);

    for (QLineEdit* edit : {m_user.edit, m_userDomain.edit, m_project.edit, m_projectDomain.edit,
                            m_credential.edit, m_password, m_credentialSecret})
        connect(edit, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
    for (QComboBox* combo : {m_authType, m_user.kind, m_project.kind, m_credential.kind})
        connect(combo, &QComboBox::currentIndexChanged, this, [this] {
            updateRows();
            Q_EMIT completeChanged();
        });
    updateRows();
}

bool CloudWhoPage::isPassword() const
{
    return m_authType->currentIndex() == 0;
}

void CloudWhoPage::updateRows()
{
    const bool password = isPassword();
    // An application credential given by name belongs to a user Keystone must know.
    const bool needsUser = password || !m_credential.isId();
    m_form->setRowVisible(m_credentialRow, !password);
    m_form->setRowVisible(m_credentialSecret, !password);
    m_form->setRowVisible(m_userRow, needsUser);
    m_form->setRowVisible(m_userDomainRow, needsUser && !m_user.isId());
    m_form->setRowVisible(m_password, password);
    // An application credential is tied to its project.
    m_form->setRowVisible(m_projectRow, password);
    m_form->setRowVisible(m_projectDomainRow, password && !m_project.isId());
    m_note->setText(password ? tr("The project decides which volumes and backups Ember sees; "
                                  "an admin role shows every project's.")
                             : tr("An application credential signs in to the project it was "
                                  "made in, with the roles it was given."));
}

void CloudWhoPage::load(const CloudProfile& profile)
{
    const cloud::CloudAuth& auth = profile.auth;
    m_authType->setCurrentIndex(auth.type == AuthType::Password ? 0 : 1);
    m_user.set(auth.username, auth.userId);
    m_userDomain.set(auth.userDomainName.isEmpty() && auth.userDomainId.isEmpty()
                         ? (auth.domainName.isEmpty() && auth.domainId.isEmpty()
                                ? QStringLiteral("Default")
                                : auth.domainName)
                         : auth.userDomainName,
                     auth.userDomainId.isEmpty() ? auth.domainId : auth.userDomainId);
    m_project.set(auth.projectName, auth.projectId);
    m_projectDomain.set(auth.projectDomainName.isEmpty() && auth.projectDomainId.isEmpty()
                            ? (auth.domainName.isEmpty() && auth.domainId.isEmpty()
                                   ? QStringLiteral("Default")
                                   : auth.domainName)
                            : auth.projectDomainName,
                        auth.projectDomainId.isEmpty() ? auth.domainId : auth.projectDomainId);
    m_credential.set(auth.applicationCredentialName, auth.applicationCredentialId);
    m_password->setText(auth.type == AuthType::Password ? auth.password : QString());
    m_credentialSecret->setText(auth.type == AuthType::ApplicationCredential
                                    ? auth.applicationCredentialSecret
                                    : QString());
    updateRows();
    Q_EMIT completeChanged();
}

void CloudWhoPage::offerStoredSecret(AuthType type, const QString& secret)
{
    QLineEdit* field = type == AuthType::Password ? m_password : m_credentialSecret;
    if (field->text().isEmpty())
        field->setText(secret);
}

void CloudWhoPage::apply(CloudProfile& profile) const
{
    cloud::CloudAuth& auth = profile.auth;
    const QString url = auth.authUrl;
    auth = cloud::CloudAuth();
    auth.authUrl = url;
    const bool password = isPassword();
    auth.type = password ? AuthType::Password : AuthType::ApplicationCredential;
    if (password || !m_credential.isId()) {
        (m_user.isId() ? auth.userId : auth.username) = m_user.text();
        if (!m_user.isId())
            (m_userDomain.isId() ? auth.userDomainId : auth.userDomainName) = m_userDomain.text();
    }
    if (password) {
        (m_project.isId() ? auth.projectId : auth.projectName) = m_project.text();
        if (!m_project.isId())
            (m_projectDomain.isId() ? auth.projectDomainId : auth.projectDomainName) =
                m_projectDomain.text();
        auth.password = m_password->text();
    } else {
        (m_credential.isId() ? auth.applicationCredentialId : auth.applicationCredentialName) =
            m_credential.text();
        auth.applicationCredentialSecret = m_credentialSecret->text();
    }
}

bool CloudWhoPage::isComplete() const
{
    const bool password = isPassword();
    const bool needsUser = password || !m_credential.isId();
    if (needsUser && (m_user.text().isEmpty() || (!m_user.isId() && m_userDomain.text().isEmpty())))
        return false;
    if (password)
        return !m_password->text().isEmpty() && !m_project.text().isEmpty() &&
               (m_project.isId() || !m_projectDomain.text().isEmpty());
    return !m_credential.text().isEmpty() && !m_credentialSecret->text().isEmpty();
}

// ---------------------------------------------------------------- test and save

namespace {

enum Step
{
    LoginStep,
    EndpointStep,
    VersionStep,
    VolumesStep,
    StepCount
};

// Runs the steps one after another on a worker thread; a failed step ends the test.
void runConnectionTest(QPromise<CloudTestStep>& promise, const CloudProfile& profile)
{
    auto session = std::make_shared<cloud::KeystoneSession>(profile);
    cloud::CinderClient client(session);
    for (int index = 0; index < StepCount; ++index) {
        if (promise.isCanceled())
            return;
        CloudTestStep step;
        step.index = index;
        try {
            switch (index) {
            case LoginStep: {
                const cloud::Token token = session->token();
                step.user = token.userName.isEmpty() ? token.userId : token.userName;
                step.project = token.projectName.isEmpty() ? token.projectId : token.projectName;
                step.roles = token.roles;
                step.admin = token.isAdmin();
                step.result =
                    CloudTestPage::tr("signed in as %1 in project %2").arg(step.user, step.project);
                break;
            }
            case EndpointStep:
                step.endpoint = client.endpoint();
                step.result = step.endpoint;
                break;
            case VersionStep:
                step.apiVersion = client.microversion().toString();
                step.result = CloudTestPage::tr("Block Storage API %1").arg(step.apiVersion);
                break;
            case VolumesStep: {
                cloud::ListOptions options;
                options.pageSize = 50;
                const cloud::Page<cloud::CloudVolume> page = client.listVolumes(options);
                // Plain numbers: the first page is enough to prove access.
                if (page.totalCount >= 0)
                    step.result =
                        CloudTestPage::tr("volumes in the project: %1").arg(page.totalCount);
                else if (page.nextMarker.isEmpty())
                    step.result =
                        CloudTestPage::tr("volumes in the project: %1").arg(page.items.size());
                else
                    step.result =
                        CloudTestPage::tr("volumes on the first page: %1 (there are more)")
                            .arg(page.items.size());
                break;
            }
            }
            step.ok = true;
        } catch (const cloud::CloudError& error) {
            step.result = CloudTestPage::plainWords(
                int(error.kind()), profile.auth.type == AuthType::ApplicationCredential);
            step.error = error.message();
        } catch (const std::exception& error) {
            step.result = CloudTestPage::tr("Failed.");
            step.error = QString::fromUtf8(error.what());
        }
        promise.addResult(step);
        if (!step.ok)
            return;
    }
}

} // namespace

QStringList CloudTestPage::stepTitles()
{
    return {tr("Sign in to Keystone"), tr("Find the block-storage endpoint"),
            tr("Read the API version"), tr("List volumes")};
}

QString CloudTestPage::plainWords(int cloudErrorKind, bool applicationCredential)
{
    using cloud::CloudErrorKind;
    switch (CloudErrorKind(cloudErrorKind)) {
    case CloudErrorKind::AuthFailed:
        // Keystone answers an expired application credential like a wrong secret.
        return applicationCredential
                   ? tr("Wrong application credential or secret, or it has expired.")
                   : tr("Wrong password, user name or project.");
    case CloudErrorKind::ExpiredCredential:
        return tr("The application credential has expired.");
    case CloudErrorKind::Forbidden:
        return tr("Missing role: the cloud does not allow this user to do that.");
    case CloudErrorKind::Unreachable:
        return tr("Unreachable: nothing answers at that address.");
    case CloudErrorKind::TlsUntrusted:
        return tr("Untrusted certificate: choose the cloud's CA certificate file.");
    case CloudErrorKind::NoEndpoint:
        return tr("No block-storage endpoint for this region and interface.");
    case CloudErrorKind::NotFound:
        return tr("Not found: check the Keystone URL.");
    case CloudErrorKind::VersionTooOld:
        return tr("The cloud's Block Storage API is too old.");
    case CloudErrorKind::ServerError:
        return tr("The cloud failed to answer (server error).");
    case CloudErrorKind::BadResponse:
        return tr("Not the answer of an OpenStack cloud: check the Keystone URL.");
    case CloudErrorKind::BadRequest:
    case CloudErrorKind::Conflict:
    case CloudErrorKind::OverLimit:
        return tr("The cloud refused the request.");
    }
    return tr("Failed.");
}

CloudTestPage::CloudTestPage(CloudWizard* wizard) : QWizardPage(wizard), m_wizard(wizard)
{
    setObjectName(QStringLiteral("cloudTestPage"));
    setTitle(tr("Test and Save"));
    setSubTitle(tr("Name the cloud and test the connection. Finish saves it in clouds.yaml, the "
                   "file every OpenStack tool reads."));
    auto* layout = new QVBoxLayout(this);

    auto* form = new QFormLayout;
    m_name = lineEdit(this, QStringLiteral("cloudName"));
    m_name->setPlaceholderText(tr("e.g. production"));
    form->addRow(tr("Cloud &name:"), m_name);
    m_nameNote = new QLabel(this);
    m_nameNote->setObjectName(QStringLiteral("cloudNameNote"));
    m_nameNote->setWordWrap(true);
    form->addRow(QString(), m_nameNote);
    layout->addLayout(form);

    m_testButton = new QPushButton(tr("&Test Connection"), this);
    m_testButton->setObjectName(QStringLiteral("testConnection"));
    layout->addWidget(m_testButton, 0, Qt::AlignLeft);

    m_steps = new QTreeWidget(this);
    m_steps->setObjectName(QStringLiteral("checks"));
    m_steps->setHeaderLabels({tr("Step"), tr("Result")});
    m_steps->setRootIsDecorated(false);
    m_steps->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_steps->setWordWrap(true);
    m_steps->setMaximumHeight(m_steps->fontMetrics().height() * 9);
    layout->addWidget(m_steps);

    auto* facts = new QGroupBox(tr("Connected"), this);
    auto* factsForm = new QFormLayout(facts);
    auto fact = [facts, factsForm](const QString& label, const QString& objectName) {
        auto* value = new QLabel(facts);
        value->setObjectName(objectName);
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        factsForm->addRow(label, value);
        return value;
    };
    m_user = fact(tr("User:"), QStringLiteral("factUser"));
    m_project = fact(tr("Project:"), QStringLiteral("factProject"));
    m_roles = fact(tr("Roles:"), QStringLiteral("factRoles"));
    m_apiVersion = fact(tr("Block Storage API:"), QStringLiteral("factApiVersion"));
    layout->addWidget(facts);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    layout->addStretch();

    connect(m_testButton, &QPushButton::clicked, this, &CloudTestPage::startTest);
    connect(m_name, &QLineEdit::textChanged, this, [this] {
        updateNameNote();
        Q_EMIT completeChanged();
    });
    resetResults();
}

QString CloudTestPage::cloudName() const
{
    return m_name->text().trimmed();
}

void CloudTestPage::setCloudName(const QString& name)
{
    m_name->setText(name);
}

void CloudTestPage::initializePage()
{
    // The settings may have changed since the last test.
    resetResults();
    updateNameNote();
    Q_EMIT completeChanged();
}

void CloudTestPage::resetResults()
{
    if (m_watcher) {
        // A test still running reports to nobody: its results are for older settings.
        m_watcher->future().cancel();
        m_watcher->disconnect(this);
        m_watcher->deleteLater();
        m_watcher = nullptr;
    }
    m_finished = false;
    m_failures = 0;
    m_steps->clear();
    for (const QString& title : stepTitles())
        new QTreeWidgetItem(m_steps, {title, tr("not tested yet")});
    for (QLabel* label : {m_user, m_project, m_roles, m_apiVersion})
        label->setText(tr("—"));
    m_summary->clear();
    m_problem->clear();
    m_testButton->setEnabled(true);
}

void CloudTestPage::startTest()
{
    resetResults();
    for (int row = 0; row < m_steps->topLevelItemCount(); ++row)
        m_steps->topLevelItem(row)->setText(1, row == 0 ? tr("testing…") : tr("waiting…"));
    m_summary->setText(tr("Testing…"));
    m_testButton->setEnabled(false);

    // The blocking client calls run on a pool thread; each step's result comes
    // back through the watcher on the UI thread. A stream of results that a
    // reset cancels, so a QPromise rather than runInBackground's single outcome.
    auto promise = std::make_shared<QPromise<CloudTestStep>>();
    m_watcher = new QFutureWatcher<CloudTestStep>(this);
    connect(m_watcher, &QFutureWatcherBase::resultReadyAt, this,
            [this](int index) { showStep(m_watcher->resultAt(index)); });
    connect(m_watcher, &QFutureWatcherBase::finished, this, &CloudTestPage::testDone);
    m_watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, profile = m_wizard->profile()] {
        try {
            runConnectionTest(*promise, profile);
        } catch (const std::exception& error) {
            // The session could not even be set up (e.g. a malformed profile).
            CloudTestStep step;
            step.result = tr("Failed.");
            step.error = QString::fromUtf8(error.what());
            promise->addResult(step);
        }
        promise->finish();
    });
    Q_EMIT completeChanged();
}

void CloudTestPage::showStep(const CloudTestStep& step)
{
    QTreeWidgetItem* item = m_steps->topLevelItem(step.index);
    if (!item)
        return;
    const QString title = stepTitles().value(step.index);
    item->setText(0, (step.ok ? QStringLiteral("✔ ") : QStringLiteral("✘ ")) + title);
    item->setForeground(0, QColor(step.ok ? 0x2e7d32 : 0xc62828));
    item->setText(1, step.result);
    item->setToolTip(1, step.error.isEmpty() ? step.result : step.error);
    if (QTreeWidgetItem* next = m_steps->topLevelItem(step.index + 1))
        next->setText(1, step.ok ? tr("testing…") : tr("not tried"));
    for (int row = step.index + 2; !step.ok && row < m_steps->topLevelItemCount(); ++row)
        m_steps->topLevelItem(row)->setText(1, tr("not tried"));
    if (!step.ok) {
        ++m_failures;
        m_problem->setText(tr("%1: %2").arg(title, step.error));
    }
    if (!step.user.isEmpty())
        m_user->setText(step.user);
    if (!step.project.isEmpty())
        m_project->setText(step.project);
    if (step.index == LoginStep && step.ok) {
        const QString roles =
            step.roles.isEmpty() ? tr("none") : step.roles.join(QStringLiteral(", "));
        m_roles->setText(step.admin ? tr("%1 — an administrator: sees and manages every "
                                         "project's backups")
                                          .arg(roles)
                                    : tr("%1 — not an administrator: sees this project's "
                                         "backups only")
                                          .arg(roles));
    }
    if (!step.endpoint.isEmpty())
        m_apiVersion->setText(step.endpoint);
    if (!step.apiVersion.isEmpty())
        m_apiVersion->setText(tr("%1 at %2").arg(step.apiVersion, m_apiVersion->text()));
}

void CloudTestPage::testDone()
{
    m_watcher->deleteLater();
    m_watcher = nullptr;
    m_finished = true;
    if (m_failures == 0 && m_steps->topLevelItem(StepCount - 1)->text(0).startsWith(u'✔'))
        m_summary->setText(tr("The connection works. Finish saves the cloud."));
    else {
        m_failures = qMax(m_failures, 1); // a test that stopped short did not pass
        m_summary->setText(tr("The test failed: fix the settings (Back) and test again."));
    }
    m_testButton->setEnabled(true);
    Q_EMIT completeChanged();
}

void CloudTestPage::updateNameNote()
{
    const QString name = cloudName();
    QString file = QDir::toNativeSeparators(m_wizard->cloudsFile());
    const QString home = QDir::toNativeSeparators(QDir::homePath()) + QDir::separator();
    if (file.startsWith(home))
        file = QStringLiteral("~") + QDir::separator() + file.mid(home.size());
    QString note = tr("Saved as “%1” in %2; the secret goes to the OS keyring.")
                       .arg(name.isEmpty() ? tr("…") : name, file);
    for (const CloudProfile& existing : m_wizard->startingPoints())
        if (existing.name == name &&
            QFileInfo(existing.origin) == QFileInfo(m_wizard->cloudsFile()))
            note = tr("Finish replaces the entry “%1” in %2; the secret goes to the OS keyring.")
                       .arg(name, file);
    m_nameNote->setText(note);
}

void CloudTestPage::showProblem(const QString& problem)
{
    m_problem->setText(problem);
    Q_EMIT completeChanged();
}

bool CloudTestPage::isComplete() const
{
    return !cloudName().isEmpty() && testPassed() && !m_wizard->isSaving();
}

bool CloudTestPage::validatePage()
{
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    const QString name = cloudName();
    QString problem;
    if (!allowed.match(name).hasMatch())
        problem = tr("A cloud name starts with a letter or digit and holds only letters, "
                     "digits, “.”, “_” and “-”.");
    else if (name == QLatin1String("envvars"))
        problem = tr("“envvars” is the cloud of the OS_* variables: choose another name.");
    m_problem->setText(problem);
    return problem.isEmpty();
}

// ---------------------------------------------------------------- wizard

CloudWizard::CloudWizard(QList<CloudProfile> startingPoints, QWidget* parent)
    : QWizard(parent), m_startingPoints(std::move(startingPoints)),
      m_cloudsFile(cloud::userCloudsFile())
{
    setObjectName(QStringLiteral("cloudWizard"));
    setWindowTitle(tr("OpenStack Cloud"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    m_where = new CloudWherePage(this);
    m_who = new CloudWhoPage(this);
    m_test = new CloudTestPage(this);
    setPage(WherePageId, m_where);
    setPage(WhoPageId, m_who);
    setPage(TestPageId, m_test);
    setButtonText(QWizard::FinishButton, tr("Save Cloud"));
#ifdef EMBER_HAVE_SECRETS
    m_secrets = new SecretStore(this);
    connect(m_secrets, &SecretStore::writeFinished, this, &CloudWizard::secretWritten);
    connect(m_secrets, &SecretStore::readFinished, this, &CloudWizard::secretRead);
    connect(m_secrets, &SecretStore::warning, this,
            [](const QString& message) { qWarning("%s", qPrintable(message)); });
#endif
    resize(660, 580);
}

CloudWizard::~CloudWizard() = default;

void CloudWizard::startFrom(const CloudProfile& profile)
{
    m_where->load(profile);
    m_who->load(profile);
    m_test->setCloudName(profile.name);
    m_secretReadFor.clear();
#ifdef EMBER_HAVE_SECRETS
    if (profile.secretInKeyring && profile.secret().isEmpty()) {
        m_secretReadFor = profile.keyringName();
        m_secretReadType = profile.auth.type;
        m_secrets->read(m_secretReadFor, SecretKey);
    }
#endif
}

CloudProfile CloudWizard::profile() const
{
    CloudProfile profile;
    profile.name = m_test->cloudName();
    profile.origin = m_cloudsFile;
    m_where->apply(profile);
    m_who->apply(profile);
    profile.secretInKeyring = true;
    return profile;
}

void CloudWizard::accept()
{
    if (m_saving || !m_test->testPassed())
        return;
    m_saved = profile();
    m_saving = true;
    m_test->showProblem(QString());
#ifdef EMBER_HAVE_SECRETS
    // The keyring first: a clouds.yaml entry without its secret would not work.
    m_secrets->write(m_saved.keyringName(), SecretKey, m_saved.secret());
#else
    saveFailed(tr("This build has no keyring support, so the secret cannot be kept and the "
                  "cloud was not saved."));
#endif
}

void CloudWizard::reject()
{
    if (m_saving)
        return;
    QWizard::reject();
}

void CloudWizard::secretWritten(const ember::SecretResult& result)
{
    if (!m_saving || result.backendName != m_saved.keyringName())
        return;
    if (!result.ok) {
        saveFailed(tr("The secret could not be stored in the keyring, so the cloud was not "
                      "saved: %1")
                       .arg(result.error));
        return;
    }
    CloudProfile entry = m_saved;
    entry.setSecret(QString());
    entry.secretInKeyring = true;
    try {
        cloud::writeCloudEntry(m_cloudsFile, entry);
    } catch (const std::exception& error) {
        saveFailed(tr("The cloud could not be written to %1: %2")
                       .arg(m_cloudsFile, QString::fromUtf8(error.what())));
        return;
    }
    m_saving = false;
    Q_EMIT cloudSaved(entry.name, m_cloudsFile);
    QWizard::accept();
}

void CloudWizard::saveFailed(const QString& problem)
{
    m_saving = false;
    m_test->showProblem(problem);
}

void CloudWizard::secretRead(const ember::SecretResult& result)
{
    if (m_secretReadFor.isEmpty() || result.backendName != m_secretReadFor)
        return;
    m_secretReadFor.clear();
    if (result.ok && result.found)
        m_who->offerStoredSecret(m_secretReadType, result.value);
    else if (!result.ok)
        m_where->setStartProblem(
            tr("The cloud's secret could not be read from the keyring: %1. Type it again.")
                .arg(result.error));
}

CloudWizard* openCloudWizard(QWidget* parent)
{
    QStringList warnings;
    QList<CloudProfile> clouds;
    QString problem;
    try {
        clouds = cloud::loadClouds({}, &warnings);
    } catch (const std::exception& error) {
        problem = CloudWizard::tr("The configured clouds could not be read: %1")
                      .arg(QString::fromUtf8(error.what()));
    }
    if (problem.isEmpty() && !warnings.isEmpty())
        problem = CloudWizard::tr("Skipped: %1").arg(warnings.join(QStringLiteral("; ")));
    auto* wizard = new CloudWizard(clouds, parent);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    if (!problem.isEmpty())
        wizard->findChild<CloudWherePage*>()->setStartProblem(problem);
    wizard->open();
    return wizard;
}

} // namespace ember::ui
