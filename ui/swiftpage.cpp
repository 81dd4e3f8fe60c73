#include "swiftpage.h"

#include "problemlabel.h"
#include "tlsoptionsbox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

namespace ember::ui {

namespace {

const QString KeySecret = QStringLiteral("backup_swift_key");

QLineEdit* lineEdit(QWidget* parent, const QString& objectName, const QString& text = {})
{
    auto* edit = new QLineEdit(text, parent);
    edit->setObjectName(objectName);
    return edit;
}

} // namespace

SwiftPage::SwiftPage(QWidget* parent) : BackendOptionsPage(parent)
{
    setObjectName(QStringLiteral("swiftPage"));
    setTitle(tr("OpenStack Swift"));
    setSubTitle(tr("Backups are stored as objects in a Swift container, in the format of "
                   "Cinder's Swift driver."));
    auto* layout = scrollingLayout();
    QWidget* content = layout->parentWidget();

    // Endpoint and credentials.
    auto* account = new QGroupBox(tr("Account"), content);
    auto* accountForm = new QFormLayout(account);
    m_authUrl = lineEdit(account, QStringLiteral("swiftAuthUrl"));
    m_authUrl->setPlaceholderText(tr("https://keystone.example.com:5000/v3"));
    accountForm->addRow(tr("Auth &URL:"), m_authUrl);
    m_authVersion = new QComboBox(account);
    m_authVersion->setObjectName(QStringLiteral("swiftAuthVersion"));
    m_authVersion->addItem(tr("1 (TempAuth, X-Auth-User/X-Auth-Key)"), QStringLiteral("1"));
    m_authVersion->addItem(tr("2 (Keystone v2)"), QStringLiteral("2"));
    m_authVersion->addItem(tr("3 (Keystone v3)"), QStringLiteral("3"));
    accountForm->addRow(tr("Auth &version:"), m_authVersion);
    m_user = lineEdit(account, QStringLiteral("swiftUser"));
    m_user->setPlaceholderText(tr("account:user"));
    accountForm->addRow(tr("U&ser:"), m_user);
    m_key = lineEdit(account, QStringLiteral("swiftKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("kept in the keyring"));
    accountForm->addRow(tr("&Key (password):"), m_key);
    m_userDomain = lineEdit(account, QStringLiteral("swiftUserDomain"), QStringLiteral("Default"));
    accountForm->addRow(tr("User &domain:"), m_userDomain);
    m_project = lineEdit(account, QStringLiteral("swiftProject"));
    accountForm->addRow(tr("&Project:"), m_project);
    m_projectDomain =
        lineEdit(account, QStringLiteral("swiftProjectDomain"), QStringLiteral("Default"));
    accountForm->addRow(tr("Project d&omain:"), m_projectDomain);
    m_region = lineEdit(account, QStringLiteral("swiftRegion"));
    m_region->setPlaceholderText(tr("any region"));
    accountForm->addRow(tr("&Region:"), m_region);
    layout->addWidget(account);

    // Where and how objects are written.
    auto* storage = new QGroupBox(tr("Storage"), content);
    auto* storageForm = new QFormLayout(storage);
    m_container =
        lineEdit(storage, QStringLiteral("swiftContainer"), QStringLiteral("volumebackups"));
    storageForm->addRow(tr("&Container:"), m_container);
    m_storagePolicy = lineEdit(storage, QStringLiteral("swiftStoragePolicy"));
    m_storagePolicy->setPlaceholderText(tr("the cluster's default"));
    storageForm->addRow(tr("Storage p&olicy:"), m_storagePolicy);
    m_objectSizeKiB = new QSpinBox(storage);
    m_objectSizeKiB->setObjectName(QStringLiteral("swiftObjectSize"));
    m_objectSizeKiB->setRange(32, 5 * 1024 * 1024); // Swift's 5 GiB object limit
    m_objectSizeKiB->setSuffix(tr(" KiB"));
    m_objectSizeKiB->setValue(52428800 / 1024); // Cinder's backup_swift_object_size
    storageForm->addRow(tr("O&bject size:"), m_objectSizeKiB);
    m_blockSizeKiB = new QSpinBox(storage);
    m_blockSizeKiB->setObjectName(QStringLiteral("swiftBlockSize"));
    m_blockSizeKiB->setRange(4, 1024 * 1024);
    m_blockSizeKiB->setSuffix(tr(" KiB"));
    m_blockSizeKiB->setValue(32); // backup_swift_block_size
    storageForm->addRow(tr("SHA b&lock size:"), m_blockSizeKiB);
    m_compression = new QComboBox(storage);
    m_compression->setObjectName(QStringLiteral("swiftCompression"));
    for (const QString& algorithm : LocalDirectoryPage::compressionAlgorithms())
        m_compression->addItem(algorithm, algorithm);
    storageForm->addRow(tr("Co&mpression:"), m_compression);
    // A malformed limit is named as it is typed, in the engine's words.
    m_limits = std::make_unique<BandwidthLimitFields>(
        storage, storageForm, [this] { m_problem->setText(m_limits->problem()); });
    layout->addWidget(storage);

    // TLS.
    m_tls = new TlsOptionsBox(
        QStringLiteral("swift"),
        tr("Warning: without certificate checks anyone between Ember and Swift can read the "
           "key and the backups, or change them. Use a CA certificate file instead."),
        content);
    layout->addWidget(m_tls);

    m_problem = problemLabel(content);
    layout->addWidget(m_problem);
    layout->addStretch();

    registerField(QStringLiteral("swift.authUrl*"), m_authUrl);
    registerField(QStringLiteral("swift.user*"), m_user);
    // Fields with a default are checked in isComplete(): QWizard counts a
    // mandatory field as filled only once it differs from its initial value.
    registerField(QStringLiteral("swift.container"), m_container);
    for (QLineEdit* edit : {m_key, m_project, m_userDomain, m_projectDomain, m_container})
        connect(edit, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
    connect(m_authVersion, &QComboBox::currentIndexChanged, this, [this] {
        updateAuthVersion();
        Q_EMIT completeChanged();
    });
    updateAuthVersion();
}

void SwiftPage::updateAuthVersion()
{
    const QString version = m_authVersion->currentData().toString();
    const bool keystone = version != QLatin1String("1");
    const bool v3 = version == QLatin1String("3");
    m_project->setEnabled(keystone);
    m_region->setEnabled(keystone);
    m_userDomain->setEnabled(v3);
    m_projectDomain->setEnabled(v3);
    m_user->setPlaceholderText(keystone ? tr("user name") : tr("account:user"));
    m_authUrl->setPlaceholderText(keystone ? tr("https://keystone.example.com:5000/v3")
                                           : tr("http://swift.example.com:8080/auth/v1.0"));
}

void SwiftPage::load(const BackendConfig& backend)
{
    const QJsonObject& options = backend.options;
    auto text = [&options](const char* key, const QString& fallback = {}) {
        const QJsonValue value = options.value(QLatin1String(key));
        return value.isString() ? value.toString() : fallback;
    };
    m_authUrl->setText(text("backup_swift_auth_url"));
    const QString version = text("backup_swift_auth_version", QStringLiteral("1"));
    m_authVersion->setCurrentIndex(qMax(0, m_authVersion->findData(version.left(1))));
    m_user->setText(text("backup_swift_user"));
    m_userDomain->setText(text("backup_swift_user_domain", QStringLiteral("Default")));
    m_project->setText(text("backup_swift_project", text("backup_swift_tenant")));
    m_projectDomain->setText(text("backup_swift_project_domain", QStringLiteral("Default")));
    m_region->setText(text("backup_swift_region_name"));
    m_container->setText(text("backup_swift_container", QStringLiteral("volumebackups")));
    m_storagePolicy->setText(text("backup_swift_create_storage_policy"));
    m_objectSizeKiB->setValue(
        int(options.value(QStringLiteral("backup_swift_object_size")).toInteger(52428800) / 1024));
    m_blockSizeKiB->setValue(
        int(options.value(QStringLiteral("backup_swift_block_size")).toInteger(32768) / 1024));
    const QString compression = text("backup_compression_algorithm", QStringLiteral("zlib"));
    if (m_compression->findData(compression) < 0)
        m_compression->addItem(compression, compression);
    m_compression->setCurrentIndex(m_compression->findData(compression));
    m_limits->load(options);
    m_tls->caCertFile()->setText(text("backup_swift_ca_cert_file"));
    const QJsonValue insecure = options.value(QStringLiteral("backup_swift_auth_insecure"));
    m_tls->insecure()->setChecked(insecure.isBool() ? insecure.toBool()
                                                    : insecure.toString().toLower() == u"true");
    m_keyStored = true;
    m_key->setPlaceholderText(tr("stored in the keyring; leave empty to keep it"));
    updateAuthVersion();
    Q_EMIT completeChanged();
}

QJsonObject SwiftPage::options() const
{
    // Every shown option is written, so that clearing a field clears it.
    QJsonObject options{
        {QStringLiteral("backup_swift_auth"), QStringLiteral("single_user")},
        {QStringLiteral("backup_swift_auth_url"), m_authUrl->text().trimmed()},
        {QStringLiteral("backup_swift_auth_version"), m_authVersion->currentData().toString()},
        {QStringLiteral("backup_swift_user"), m_user->text().trimmed()},
        {QStringLiteral("backup_swift_user_domain"), m_userDomain->text().trimmed()},
        {QStringLiteral("backup_swift_project"), m_project->text().trimmed()},
        {QStringLiteral("backup_swift_project_domain"), m_projectDomain->text().trimmed()},
        {QStringLiteral("backup_swift_region_name"), m_region->text().trimmed()},
        {QStringLiteral("backup_swift_container"), m_container->text().trimmed()},
        {QStringLiteral("backup_swift_create_storage_policy"), m_storagePolicy->text().trimmed()},
        {QStringLiteral("backup_swift_object_size"), qint64(m_objectSizeKiB->value()) * 1024},
        {QStringLiteral("backup_swift_block_size"), qint64(m_blockSizeKiB->value()) * 1024},
        {QStringLiteral("backup_compression_algorithm"), m_compression->currentData().toString()},
        {QStringLiteral("backup_swift_ca_cert_file"), m_tls->caCertFile()->text().trimmed()},
        {QStringLiteral("backup_swift_auth_insecure"), m_tls->insecure()->isChecked()},
    };
    m_limits->writeTo(options);
    return options;
}

QMap<QString, QString> SwiftPage::secrets() const
{
    if (m_key->text().isEmpty())
        return {}; // editing: the stored key stays
    return {{KeySecret, m_key->text()}};
}

bool SwiftPage::isComplete() const
{
    if (!BackendOptionsPage::isComplete())
        return false;
    if (m_key->text().isEmpty() && !m_keyStored)
        return false;
    if (m_container->text().trimmed().isEmpty())
        return false;
    const QString version = m_authVersion->currentData().toString();
    if (version != QLatin1String("1") && m_project->text().trimmed().isEmpty())
        return false;
    if (version == QLatin1String("3") &&
        (m_userDomain->text().trimmed().isEmpty() || m_projectDomain->text().trimmed().isEmpty()))
        return false;
    return true;
}

bool SwiftPage::validatePage()
{
    QString problem;
    const QUrl url(m_authUrl->text().trimmed(), QUrl::StrictMode);
    const QString container = m_container->text().trimmed();
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        problem = tr("The auth URL must be an http:// or https:// address, e.g. %1.")
                      .arg(m_authUrl->placeholderText());
    else if (container.contains(QLatin1Char('/')))
        problem = tr("A container name may not contain “/”.");
    else
        problem = m_tls->caCertFileProblem();
    if (problem.isEmpty())
        problem = LocalDirectoryPage::sizeProblem(qint64(m_objectSizeKiB->value()) * 1024,
                                                  qint64(m_blockSizeKiB->value()) * 1024);
    if (problem.isEmpty())
        problem = m_limits->problem();
    m_problem->setText(problem);
    return problem.isEmpty();
}

} // namespace ember::ui
