#include "settingsdialog.h"

#include "appsettings.h"
#include "backendwizard.h"
#include "dialogbuttons.h"

#include "problemlabel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ember::ui {

SettingsDialog::SettingsDialog(std::shared_ptr<const CatalogSnapshot> snapshot, QWidget* parent)
    : QDialog(parent), m_snapshot(std::move(snapshot))
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
    auto* note = new QLabel(tr("Compression and object size belong to the default backend and "
                               "apply to its new backups; existing backups keep theirs."),
                            this);
    note->setWordWrap(true);
    backupForm->addRow(note);
    layout->addWidget(backup);

    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = okCancelButtons(this, layout, QString());
    connect(m_backend, &QComboBox::currentIndexChanged, this, &SettingsDialog::loadBackend);
    connect(m_objectSizeKiB, &QSpinBox::valueChanged, this, &SettingsDialog::validate);
    connect(m_compression, &QComboBox::currentIndexChanged, this, &SettingsDialog::validate);
    loadBackend();
}

std::optional<BackendConfig> SettingsDialog::chosenBackend() const
{
    return m_snapshot->backend(m_backend->currentData().toString());
}

QString SettingsDialog::objectSizeKey(const BackendConfig& backend) const
{
    if (backend.type == QLatin1String("posix"))
        return QStringLiteral("backup_file_size");
    if (backend.type == QLatin1String("swift"))
        return QStringLiteral("backup_swift_object_size");
    return {};
}

void SettingsDialog::loadBackend()
{
    const auto backend = chosenBackend();
    const QString sizeKey = backend ? objectSizeKey(*backend) : QString();
    const bool chunked = !sizeKey.isEmpty();
    m_compression->setEnabled(chunked);
    m_objectSizeKiB->setEnabled(chunked);
    if (chunked) {
        const QString compression =
            backend->options.value(QStringLiteral("backup_compression_algorithm"))
                .toString(QStringLiteral("zlib"));
        if (m_compression->findData(compression) < 0)
            m_compression->addItem(compression, compression);
        m_compression->setCurrentIndex(m_compression->findData(compression));
        const qint64 fallback = backend->type == QLatin1String("posix") ? 1999994880 : 52428800;
        m_objectSizeKiB->setValue(
            static_cast<int>(backend->options.value(sizeKey).toInteger(fallback) / 1024));
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
        const QString blockKey = backend->type == QLatin1String("posix")
                                     ? QStringLiteral("backup_sha_block_size_bytes")
                                     : QStringLiteral("backup_swift_block_size");
        const qint64 block = backend->options.value(blockKey).toInteger(32768);
        problem = LocalDirectoryPage::sizeProblem(qint64(m_objectSizeKiB->value()) * 1024, block);
    }
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
    if (changed.options == backend->options && changed.isDefault == backend->isDefault)
        return std::nullopt;
    return changed;
}

} // namespace ember::ui
