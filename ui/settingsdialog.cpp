#include "settingsdialog.h"

#include "appcontext.h"
#include "appsettings.h"
#include "backendwizard.h"
#include "dialogbuttons.h"

#include "problemlabel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>

namespace ember::ui {

namespace {

QString flag(bool on)
{
    return on ? QStringLiteral("1") : QStringLiteral("0");
}

// The catalog settings (key, value) that differ between two job settings.
QList<std::pair<QString, QString>> changedJobSettings(const AfterJobSettings& before,
                                                      const AfterJobSettings& after)
{
    QList<std::pair<QString, QString>> changed;
    auto compare = [&](const char* key, const QString& old, const QString& now) {
        if (old != now)
            changed.append({QString::fromLatin1(key), now});
    };
    compare(settingkeys::historyRetentionDays, QString::number(before.historyRetentionDays),
            QString::number(after.historyRetentionDays));
    compare(settingkeys::notifyOnFailure, flag(before.notifyOnFailure),
            flag(after.notifyOnFailure));
    compare(settingkeys::notifyOnSuccess, flag(before.notifyOnSuccess),
            flag(after.notifyOnSuccess));
    compare(settingkeys::hookCommand, before.hookCommand, after.hookCommand);
    compare(settingkeys::metricsFile, before.metricsFile, after.metricsFile);
    return changed;
}

} // namespace

SettingsDialog::SettingsDialog(std::shared_ptr<const CatalogSnapshot> snapshot, QWidget* parent)
    : SettingsDialog(std::move(snapshot), nullptr, parent)
{
}

SettingsDialog::SettingsDialog(AppContext& context, QWidget* parent)
    : SettingsDialog(context.snapshot(), &context, parent)
{
}

SettingsDialog::~SettingsDialog() = default;

SettingsDialog::SettingsDialog(std::shared_ptr<const CatalogSnapshot> snapshot, AppContext* context,
                               QWidget* parent)
    : QDialog(parent), m_snapshot(std::move(snapshot)), m_context(context)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    auto* layout = new QVBoxLayout(this);

    auto* general = new QGroupBox(tr("General"), this);
    auto* generalForm = new QFormLayout(general);
    m_jobs = new QSpinBox(this);
    m_jobs->setObjectName(QStringLiteral("maxJobs"));
    m_jobs->setRange(1, 16);
    m_jobs->setValue(ember::ui::maxConcurrentJobs());
    generalForm->addRow(tr("&Jobs running at once:"), m_jobs);
    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("language"));
    m_language->addItem(languageDisplayName(QString()), QString());
    for (const QString& code : availableLanguages())
        m_language->addItem(languageDisplayName(code), code);
    m_language->setCurrentIndex(qMax(0, m_language->findData(languageSetting())));
    generalForm->addRow(tr("&Language:"), m_language);
    layout->addWidget(general);

    auto* backup = new QGroupBox(tr("New backups"), this);
    auto* backupForm = new QFormLayout(backup);
    m_backend = new QComboBox(this);
    m_backend->setObjectName(QStringLiteral("defaultBackend"));
    for (const BackendConfig& config : m_snapshot->backends) {
        m_backend->addItem(QStringLiteral("%1 (%2)").arg(config.name, config.type), config.name);
        if (config.isDefault)
            m_backend->setCurrentIndex(m_backend->count() - 1);
    }
    backupForm->addRow(tr("Default &backend:"), m_backend);
    m_compression = new QComboBox(this);
    m_compression->setObjectName(QStringLiteral("compression"));
    for (const QString& algorithm : LocalDirectoryPage::compressionAlgorithms())
        m_compression->addItem(algorithm, algorithm);
    backupForm->addRow(tr("&Compression:"), m_compression);
    m_objectSizeKiB = new QSpinBox(this);
    m_objectSizeKiB->setObjectName(QStringLiteral("objectSize"));
    m_objectSizeKiB->setRange(32, 2 * 1024 * 1024);
    m_objectSizeKiB->setSuffix(tr(" KiB"));
    backupForm->addRow(tr("&Object size:"), m_objectSizeKiB);
    m_limits = std::make_unique<BandwidthLimitFields>(this, backupForm, [this] { validate(); });
    auto* note = new QLabel(tr("Compression and object size belong to the default backend and "
                               "apply to its new backups; existing backups keep theirs."),
                            this);
    note->setWordWrap(true);
    backupForm->addRow(note);
    layout->addWidget(backup);
    if (m_context)
        layout->addWidget(buildJobsGroup());

    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = okCancelButtons(this, layout, QString(), [this] { saveAndAccept(); });
    connect(m_backend, &QComboBox::currentIndexChanged, this, &SettingsDialog::loadBackend);
    connect(m_objectSizeKiB, &QSpinBox::valueChanged, this, &SettingsDialog::validate);
    connect(m_compression, &QComboBox::currentIndexChanged, this, &SettingsDialog::validate);
    loadBackend();
    if (m_context)
        loadJobSettings();
}

QGroupBox* SettingsDialog::buildJobsGroup()
{
    m_jobsGroup = new QGroupBox(tr("Jobs"), this);
    m_jobsGroup->setObjectName(QStringLiteral("jobsGroup"));
    auto* form = new QFormLayout(m_jobsGroup);
    m_historyDays = new QSpinBox(this);
    m_historyDays->setObjectName(QStringLiteral("historyRetentionDays"));
    m_historyDays->setRange(1, 36500);
    m_historyDays->setValue(AfterJobSettings().historyRetentionDays);
    m_historyDays->setSuffix(tr(" days"));
    form->addRow(tr("Keep job &history for:"), m_historyDays);
    m_notifyOnFailure = new QCheckBox(tr("When a job &fails"), this);
    m_notifyOnFailure->setObjectName(QStringLiteral("notifyOnFailure"));
    form->addRow(tr("Desktop notification:"), m_notifyOnFailure);
    m_notifyOnSuccess = new QCheckBox(tr("When a job &succeeds"), this);
    m_notifyOnSuccess->setObjectName(QStringLiteral("notifyOnSuccess"));
    form->addRow(QString(), m_notifyOnSuccess);
    m_hookCommand = new QLineEdit(this);
    m_hookCommand->setObjectName(QStringLiteral("hookCommand"));
    m_hookCommand->setPlaceholderText(tr("none"));
    form->addRow(tr("&Command after each job:"), m_hookCommand);
    auto* hookNote = new QLabel(
        tr("Run by /bin/sh after every job (window, ember-cli and schedules alike), with the job's "
           "facts in EMBER_* environment variables: EMBER_JOB_RESULT, EMBER_JOB_REASON, "
           "EMBER_VOLUME_NAME, EMBER_BYTES_STORED, …"),
        this);
    hookNote->setWordWrap(true);
    form->addRow(hookNote);
    m_metricsFile = new QLineEdit(this);
    m_metricsFile->setObjectName(QStringLiteral("metricsFile"));
    m_metricsFile->setPlaceholderText(
        tr("none, e.g. /var/lib/prometheus/node-exporter/ember.prom"));
    auto* metricsRow = new QHBoxLayout;
    metricsRow->setContentsMargins(0, 0, 0, 0);
    metricsRow->addWidget(m_metricsFile, 1);
    metricsRow->addWidget(browseButton(this, m_metricsFile, tr("Browse…"),
                                       tr("Prometheus Metrics File"), QFileDialog::AnyFile,
                                       tr("Prometheus text files (*.prom)")));
    form->addRow(tr("&Prometheus metrics file:"), metricsRow);
    // Disabled until the catalog's values are in (read off the UI thread).
    m_jobsGroup->setEnabled(false);
    connect(m_metricsFile, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    return m_jobsGroup;
}

void SettingsDialog::loadJobSettings()
{
    auto loaded = std::make_shared<AfterJobSettings>();
    m_context->runQuick(
        this,
        [loaded](BackupService& service) {
            *loaded = AfterJobSettings::load(service.catalog());
            return QVariant();
        },
        [this, loaded](const QVariant&, const QString& error) {
            if (!error.isEmpty()) {
                m_jobsGroup->setToolTip(tr("The job settings could not be read: %1").arg(error));
                Q_EMIT jobSettingsRead(error);
                return;
            }
            m_loadedJobSettings = *loaded;
            m_historyDays->setValue(loaded->historyRetentionDays);
            m_notifyOnFailure->setChecked(loaded->notifyOnFailure);
            m_notifyOnSuccess->setChecked(loaded->notifyOnSuccess);
            m_hookCommand->setText(loaded->hookCommand);
            m_metricsFile->setText(loaded->metricsFile);
            m_jobsGroup->setEnabled(true);
            validate();
            Q_EMIT jobSettingsRead(QString());
        });
}

std::optional<AfterJobSettings> SettingsDialog::jobSettings() const
{
    if (!m_loadedJobSettings)
        return std::nullopt;
    AfterJobSettings edited = *m_loadedJobSettings;
    edited.historyRetentionDays = m_historyDays->value();
    edited.notifyOnFailure = m_notifyOnFailure->isChecked();
    edited.notifyOnSuccess = m_notifyOnSuccess->isChecked();
    edited.hookCommand = m_hookCommand->text().trimmed();
    edited.metricsFile = m_metricsFile->text().trimmed();
    return edited;
}

QString SettingsDialog::jobSettingsProblem() const
{
    if (!m_metricsFile)
        return {};
    const QString metrics = m_metricsFile->text().trimmed();
    if (metrics.isEmpty())
        return {};
    if (!QDir::isAbsolutePath(metrics))
        return tr("The metrics file needs an absolute path: scheduled runs do not start in "
                  "your working directory.");
    if (!metrics.endsWith(QLatin1String(".prom")))
        return tr("The metrics file must end in .prom: node_exporter's textfile collector "
                  "reads no other files.");
    return {};
}

void SettingsDialog::saveAndAccept()
{
    if (m_saving)
        return;
    const auto edited = jobSettings();
    const auto changed = edited ? changedJobSettings(*m_loadedJobSettings, *edited)
                                : QList<std::pair<QString, QString>>();
    if (!m_context || changed.isEmpty()) {
        accept();
        return;
    }
    // Stored before the dialog closes, so a failure can be shown here.
    m_saving = true;
    m_buttons->setEnabled(false);
    m_context->runQuick(
        this,
        [changed](BackupService& service) {
            Catalog& catalog = service.catalog();
            catalog.transaction([&] {
                for (const auto& [key, value] : changed)
                    catalog.setSetting(key, value);
            });
            return QVariant();
        },
        [this, saved = *edited](const QVariant&, const QString& error) {
            m_saving = false;
            m_buttons->setEnabled(true);
            if (!error.isEmpty()) {
                m_problem->setText(tr("The job settings were not saved: %1").arg(error));
                m_problem->setVisible(true);
                return;
            }
            m_loadedJobSettings = saved;
            accept();
        });
}

std::optional<BackendConfig> SettingsDialog::chosenBackend() const
{
    return m_snapshot->backend(m_backend->currentData().toString());
}

QString SettingsDialog::objectSizeKey(const BackendConfig& backend) const
{
    // Only chunked backends have compression and an object size.
    const BackendType* type = findBackendType(backend.type);
    return type && type->capabilities.chunked ? type->objectSizeKey : QString();
}

bool SettingsDialog::offersBandwidthLimits(const BackendConfig& backend)
{
    // Every type whose schema has the limits (chunked ones, TSM), not Ceph's RBD path.
    const BackendType* type = findBackendType(backend.type);
    return type && type->option(QStringLiteral("ember_bandwidth_upload"));
}

void SettingsDialog::loadBackend()
{
    const auto backend = chosenBackend();
    const QString sizeKey = backend ? objectSizeKey(*backend) : QString();
    const bool chunked = !sizeKey.isEmpty();
    m_compression->setEnabled(chunked);
    m_objectSizeKiB->setEnabled(chunked);
    const bool limits = backend && offersBandwidthLimits(*backend);
    m_limits->setEnabled(limits);
    m_limits->load(limits ? backend->options : QJsonObject());
    if (chunked) {
        const BackendType* type = findBackendType(backend->type);
        const QString compression =
            type->value(backend->options, QStringLiteral("backup_compression_algorithm"))
                .toString(QStringLiteral("zlib"));
        if (m_compression->findData(compression) < 0)
            m_compression->addItem(compression, compression);
        m_compression->setCurrentIndex(m_compression->findData(compression));
        // The schema's range, in KiB, within what the spin box can hold.
        const OptionSpec* size = type->option(sizeKey);
        const double minimumKiB = size ? std::ceil(size->minimum / 1024) : 32;
        const double maximumKiB = size ? std::floor(size->maximum / 1024) : 2 * 1024 * 1024;
        m_objectSizeKiB->setRange(int(std::clamp(minimumKiB, 1.0, double(INT_MAX))),
                                  int(std::clamp(maximumKiB, 1.0, double(INT_MAX))));
        const double bytes = type->value(backend->options, sizeKey).toDouble(52428800);
        m_objectSizeKiB->setValue(int(std::clamp(bytes / 1024, 1.0, double(INT_MAX))));
    }
    const QString tip = chunked ? QString() : tr("This backend type stores no chunked objects.");
    m_compression->setToolTip(tip);
    m_objectSizeKiB->setToolTip(tip);
    validate();
}

void SettingsDialog::validate()
{
    QString problem;
    const auto backend = chosenBackend();
    if (!backend) {
        problem = tr("Add a backend first.");
    } else if (!objectSizeKey(*backend).isEmpty()) {
        const BackendType* type = findBackendType(backend->type);
        const qint64 block =
            qint64(type->value(backend->options, type->blockSizeKey).toDouble(32768));
        problem = LocalDirectoryPage::sizeProblem(qint64(m_objectSizeKiB->value()) * 1024, block);
    }
    if (problem.isEmpty() && backend && offersBandwidthLimits(*backend))
        problem = m_limits->problem();
    if (problem.isEmpty())
        problem = jobSettingsProblem();
    showProblem(m_problem, m_buttons, problem);
}

int SettingsDialog::maxConcurrentJobs() const
{
    return m_jobs->value();
}

QString SettingsDialog::language() const
{
    return m_language->currentData().toString();
}

std::optional<BackendConfig> SettingsDialog::changedBackend() const
{
    auto backend = chosenBackend();
    if (!backend)
        return std::nullopt;
    BackendConfig changed = *backend;
    changed.isDefault = true;
    const QString sizeKey = objectSizeKey(changed);
    if (!sizeKey.isEmpty()) {
        changed.options.insert(QStringLiteral("backup_compression_algorithm"),
                               m_compression->currentData().toString());
        changed.options.insert(sizeKey, qint64(m_objectSizeKiB->value()) * 1024);
    }
    if (offersBandwidthLimits(changed))
        m_limits->writeTo(changed.options);
    if (changed.options == backend->options && changed.isDefault == backend->isDefault)
        return std::nullopt;
    return changed;
}

} // namespace ember::ui
