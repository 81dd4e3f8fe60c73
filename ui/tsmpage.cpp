#include "tsmpage.h"

#include "dialogbuttons.h"
#include "problemlabel.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardPaths>

namespace ember::ui {

namespace {

const QString PasswordSecret = QStringLiteral("backup_tsm_password");
const QString IbmDsmcPath = QStringLiteral("/opt/tivoli/tsm/client/ba/bin/dsmc");

bool isExecutableFile(const QString& path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

QString resolveDsmc(const QString& entered)
{
    if (entered.isEmpty())
        return TsmPage::detectDsmc();
    if (entered.contains(QLatin1Char('/')))
        return isExecutableFile(entered) ? QFileInfo(entered).absoluteFilePath() : QString();
    return QStandardPaths::findExecutable(entered);
}

} // namespace

QString TsmPage::detectDsmc()
{
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("dsmc"));
    if (!onPath.isEmpty())
        return onPath;
    return isExecutableFile(IbmDsmcPath) ? IbmDsmcPath : QString();
}

TsmPage::TsmPage(QWidget* parent) : BackendOptionsPage(parent)
{
    setObjectName(QStringLiteral("tsmPage"));
    setTitle(tr("IBM Spectrum Protect (TSM)"));
    setSubTitle(tr("Backups are sent to a TSM server through IBM's dsmc client, as Cinder's "
                   "TSM driver did."));
    auto* form = new QFormLayout(this);

    auto* dsmcRow = new QHBoxLayout;
    m_dsmcPath = new QLineEdit(this);
    m_dsmcPath->setObjectName(QStringLiteral("tsmDsmcPath"));
    m_dsmcPath->setPlaceholderText(IbmDsmcPath);
    dsmcRow->addWidget(m_dsmcPath);
    dsmcRow->addWidget(browseButton(this, m_dsmcPath, tr("&Browse…"), tr("dsmc Client"),
                                    QFileDialog::ExistingFile));
    auto* dsmcLabel = new QLabel(tr("&dsmc client:"), this);
    dsmcLabel->setBuddy(m_dsmcPath); // a row of widgets has no buddy of its own
    form->addRow(dsmcLabel, dsmcRow);
    m_dsmcState = new QLabel(this);
    m_dsmcState->setObjectName(QStringLiteral("tsmDsmcState"));
    m_dsmcState->setWordWrap(true);
    form->addRow(QString(), m_dsmcState);

    m_optfile = new QLineEdit(this);
    m_optfile->setObjectName(QStringLiteral("tsmOptfile"));
    m_optfile->setPlaceholderText(tr("the client's dsm.opt"));
    form->addRow(tr("&Options file:"), m_optfile);
    m_serverName = new QLineEdit(this);
    m_serverName->setObjectName(QStringLiteral("tsmServerName"));
    m_serverName->setPlaceholderText(tr("the default stanza of dsm.sys"));
    form->addRow(tr("&Server stanza:"), m_serverName);
    m_nodeName = new QLineEdit(this);
    m_nodeName->setObjectName(QStringLiteral("tsmNodeName"));
    m_nodeName->setPlaceholderText(tr("this machine's node"));
    form->addRow(tr("&Node name:"), m_nodeName);
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("tsmPassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(
        tr("empty: the client's stored password (PASSWORDACCESS GENERATE)"));
    form->addRow(tr("&Password:"), m_password);
    m_compression = new QCheckBox(tr("&Compress on the client"), this);
    m_compression->setObjectName(QStringLiteral("tsmCompression"));
    m_compression->setChecked(true); // Cinder's backup_tsm_compression
    form->addRow(QString(), m_compression);
    m_prefix = new QLineEdit(QStringLiteral("backup"), this);
    m_prefix->setObjectName(QStringLiteral("tsmPrefix"));
    form->addRow(tr("Object name &prefix:"), m_prefix);
    // A malformed limit is named as it is typed, in the engine's words.
    m_limits = std::make_unique<BandwidthLimitFields>(
        this, form, [this] { m_problem->setText(m_limits->problem()); });

    auto* note = new QLabel(
        tr("Every TSM backup is a full backup: TSM keeps no incremental chains of volumes. The "
           "password is kept in the keyring and typed to dsmc, never put on its command line. "
           "Ember's TSM support was tested against an emulator of dsmc only, not against IBM's "
           "client and server."),
        this);
    note->setObjectName(QStringLiteral("tsmNote"));
    note->setWordWrap(true);
    form->addRow(note);
    m_problem = problemLabel(this);
    form->addRow(m_problem);

    // Both have defaults, so isComplete() checks them: QWizard counts a
    // mandatory field as filled only once it differs from its initial value.
    registerField(QStringLiteral("tsm.dsmcPath"), m_dsmcPath);
    registerField(QStringLiteral("tsm.prefix"), m_prefix);
    connect(m_dsmcPath, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
    connect(m_prefix, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
    connect(m_dsmcPath, &QLineEdit::textChanged, this, &TsmPage::updateDsmcState);
    m_dsmcPath->setText(detectDsmc());
    updateDsmcState();
}

void TsmPage::initializePage()
{
    // The client may have been installed since the wizard opened.
    if (!m_loaded && m_dsmcPath->text().isEmpty())
        m_dsmcPath->setText(detectDsmc());
    updateDsmcState();
}

void TsmPage::updateDsmcState()
{
    const QString entered = m_dsmcPath->text().trimmed();
    const QString found = resolveDsmc(entered);
    if (!found.isEmpty()) {
        m_dsmcState->setStyleSheet(QString());
        m_dsmcState->setText(tr("Found: %1").arg(found));
    } else {
        m_dsmcState->setStyleSheet(QStringLiteral("color: #c62828"));
        m_dsmcState->setText(
            entered.isEmpty() ? tr("dsmc not found: it is neither on PATH nor at %1. Install IBM's "
                                   "backup-archive client or enter its path.")
                                    .arg(IbmDsmcPath)
                              : tr("dsmc not found at %1 (or it is not executable).").arg(entered));
    }
}

void TsmPage::load(const BackendConfig& backend)
{
    const QJsonObject& options = backend.options;
    auto text = [&options](const char* key, const QString& fallback = {}) {
        const QJsonValue value = options.value(QLatin1String(key));
        return value.isString() ? value.toString() : fallback;
    };
    m_loaded = true;
    m_dsmcPath->setText(text("ember_tsm_dsmc_path", detectDsmc()));
    m_optfile->setText(text("ember_tsm_optfile"));
    m_serverName->setText(text("ember_tsm_servername"));
    m_nodeName->setText(text("ember_tsm_nodename"));
    const QJsonValue compression = options.value(QStringLiteral("backup_tsm_compression"));
    m_compression->setChecked(compression.isBool() ? compression.toBool()
                              : compression.isString()
                                  ? compression.toString().toLower() != u"false"
                                  : true);
    m_prefix->setText(text("backup_tsm_volume_prefix", QStringLiteral("backup")));
    m_limits->load(options);
    m_password->setPlaceholderText(tr("empty: keep the stored password, if any"));
    updateDsmcState();
}

QJsonObject TsmPage::options() const
{
    QJsonObject options{
        {QStringLiteral("ember_tsm_dsmc_path"), m_dsmcPath->text().trimmed()},
        {QStringLiteral("ember_tsm_optfile"), m_optfile->text().trimmed()},
        {QStringLiteral("ember_tsm_servername"), m_serverName->text().trimmed()},
        {QStringLiteral("ember_tsm_nodename"), m_nodeName->text().trimmed()},
        {QStringLiteral("backup_tsm_compression"), m_compression->isChecked()},
        {QStringLiteral("backup_tsm_volume_prefix"), m_prefix->text().trimmed()},
    };
    m_limits->writeTo(options);
    return options;
}

bool TsmPage::isComplete() const
{
    return BackendOptionsPage::isComplete() && !m_dsmcPath->text().trimmed().isEmpty() &&
           !m_prefix->text().trimmed().isEmpty();
}

QMap<QString, QString> TsmPage::secrets() const
{
    if (m_password->text().isEmpty())
        return {};
    return {{PasswordSecret, m_password->text()}};
}

bool TsmPage::validatePage()
{
    QString problem;
    const QString prefix = m_prefix->text().trimmed();
    const QString optfile = m_optfile->text().trimmed();
    static const QRegularExpression safeName(QStringLiteral("^[A-Za-z0-9_.-]+$"));
    if (resolveDsmc(m_dsmcPath->text().trimmed()).isEmpty())
        problem = m_dsmcState->text();
    else if (!safeName.match(prefix).hasMatch())
        problem = tr("The prefix may contain only letters, digits, “_”, “.” and “-”: it "
                     "becomes part of the object names on the TSM server.");
    else if (!optfile.isEmpty() && !QFileInfo(optfile).isFile())
        problem = tr("The options file %1 does not exist.").arg(optfile);
    else
        problem = m_limits->problem();
    m_problem->setText(problem);
    return problem.isEmpty();
}

} // namespace ember::ui
