#include "rbdbrowser.h"

#include "async.h"
#include "backendregistry.h"
#include "backupservice.h"
#include "dialogbuttons.h"
#include "itemroles.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace ember::ui {

namespace {

// How the cluster a Ceph backend names is browsed (its plugin's VolumeHost).
const VolumeHost& volumesOf(const BackendConfig& cluster)
{
    const BackendType* type = findBackendType(cluster.type);
    if (!type || !type->volumes.isSet())
        throw Error(RbdBrowserDialog::tr("This build of Ember has no Ceph support."));
    return type->volumes;
}

} // namespace

RbdBrowserDialog::RbdBrowserDialog(const QList<BackendConfig>& backends, SecretProvider secrets,
                                   QWidget* parent)
    : QDialog(parent), m_secrets(std::move(secrets))
{
    setObjectName(QStringLiteral("rbdBrowser"));
    setWindowTitle(tr("Add RBD Image"));
    // Backends whose cluster holds RBD volumes (Ceph) name the clusters to browse.
    for (const BackendConfig& backend : backends)
        if (const BackendType* type = findBackendType(backend.type);
            type && type->capabilities.hostsRbdVolumes)
            m_backends.append(backend);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_backend = new QComboBox(this);
    m_backend->setObjectName(QStringLiteral("rbdBackend"));
    for (const BackendConfig& backend : std::as_const(m_backends))
        m_backend->addItem(backend.name, backend.name);
    form->addRow(tr("&Cluster (Ceph backend):"), m_backend);
    m_pool = new QComboBox(this);
    m_pool->setObjectName(QStringLiteral("rbdPool"));
    form->addRow(tr("&Pool:"), m_pool);
    layout->addLayout(form);
    auto* imagesLabel = new QLabel(tr("&Images:"), this);
    layout->addWidget(imagesLabel);
    m_images = new QListWidget(this);
    m_images->setObjectName(QStringLiteral("rbdImages"));
    imagesLabel->setBuddy(m_images);
    layout->addWidget(m_images, 1);
    auto* nameForm = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("rbdVolumeName"));
    m_name->setPlaceholderText(tr("the image's name"));
    nameForm->addRow(tr("Volume &name:"), m_name);
    layout->addLayout(nameForm);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("rbdState"));
    m_state->setWordWrap(true);
    layout->addWidget(m_state);
    m_buttons = okCancelButtons(this, layout, tr("Add Volume"));
    connect(m_backend, &QComboBox::currentIndexChanged, this, &RbdBrowserDialog::loadPools);
    connect(m_pool, &QComboBox::currentIndexChanged, this, &RbdBrowserDialog::loadImages);
    connect(m_images, &QListWidget::currentRowChanged, this, &RbdBrowserDialog::loadSize);
    resize(480, 420);
    if (m_backends.isEmpty()) {
        m_backend->setEnabled(false);
        m_pool->setEnabled(false);
        showError(tr("No Ceph backend is configured. Add one under Backends first: it holds "
                     "the cluster's address, user and key."));
    } else {
        loadPools();
    }
    validate();
}

QString RbdBrowserDialog::backendName() const
{
    return m_backend->currentData().toString();
}

QString RbdBrowserDialog::poolSlashImage() const
{
    const QListWidgetItem* image = m_images->currentItem();
    if (!image || m_pool->currentText().isEmpty())
        return {};
    return m_pool->currentText() + QLatin1Char('/') + image->text();
}

QString RbdBrowserDialog::name() const
{
    const QString entered = m_name->text().trimmed();
    const QListWidgetItem* image = m_images->currentItem();
    return entered.isEmpty() && image ? image->text() : entered;
}

void RbdBrowserDialog::runInWorker(Work work, Done done)
{
    ++m_pending;
    validate();
    const quint64 generation = m_generation;
    runInBackground(
        this, std::move(work),
        [this, generation, done = std::move(done)](const AsyncOutcome<QVariant>& outcome) {
            --m_pending;
            if (generation == m_generation)
                done(outcome.ok() ? *outcome.value : QVariant(), outcome.error);
            validate();
            Q_EMIT loaded();
        });
}

void RbdBrowserDialog::loadPools()
{
    ++m_generation;
    m_pool->blockSignals(true);
    m_pool->clear();
    m_pool->blockSignals(false);
    m_images->clear();
    m_sizeBytes = -1;
    const int row = m_backend->currentIndex();
    if (row < 0 || row >= m_backends.size())
        return;
    const BackendConfig cluster = m_backends.at(row);
    m_state->setStyleSheet(QString());
    m_state->setText(tr("Connecting to the cluster of %1…").arg(cluster.name));
    runInWorker(
        [cluster, secrets = m_secrets]() -> QVariant {
            return volumesOf(cluster).listPools(cluster,
                                                secrets ? secrets(cluster) : BackendSecrets());
        },
        [this](const QVariant& result, const QString& error) {
            if (!error.isEmpty())
                return showError(tr("Could not list the pools: %1").arg(error));
            const QStringList pools = result.toStringList();
            m_state->setText(pools.isEmpty() ? tr("The cluster has no pools.") : QString());
            m_pool->addItems(pools); // selects the first and loads its images
        });
}

void RbdBrowserDialog::loadImages()
{
    ++m_generation;
    m_images->clear();
    m_sizeBytes = -1;
    const int row = m_backend->currentIndex();
    const QString pool = m_pool->currentText();
    if (row < 0 || row >= m_backends.size() || pool.isEmpty())
        return;
    const BackendConfig cluster = m_backends.at(row);
    m_state->setStyleSheet(QString());
    m_state->setText(tr("Listing the images of pool %1…").arg(pool));
    runInWorker(
        [cluster, pool, secrets = m_secrets]() -> QVariant {
            return volumesOf(cluster).listVolumes(
                cluster, secrets ? secrets(cluster) : BackendSecrets(), pool);
        },
        [this, pool](const QVariant& result, const QString& error) {
            if (!error.isEmpty())
                return showError(tr("Could not list the images of pool %1: %2").arg(pool, error));
            const QStringList images = result.toStringList();
            m_state->setText(images.isEmpty() ? tr("Pool %1 has no RBD images.").arg(pool)
                                              : QString());
            m_images->addItems(images);
        });
}

void RbdBrowserDialog::loadSize()
{
    ++m_generation;
    m_sizeBytes = -1;
    const int row = m_backend->currentIndex();
    const QString path = poolSlashImage();
    if (row < 0 || row >= m_backends.size() || path.isEmpty())
        return validate();
    const BackendConfig cluster = m_backends.at(row);
    m_state->setStyleSheet(QString());
    m_state->setText(tr("Reading the size of %1…").arg(path));
    runInWorker(
        [cluster, path, secrets = m_secrets]() -> QVariant {
            return volumesOf(cluster).size(cluster, secrets ? secrets(cluster) : BackendSecrets(),
                                           path);
        },
        [this, path](const QVariant& result, const QString& error) {
            if (!error.isEmpty())
                return showError(tr("Could not open %1: %2").arg(path, error));
            m_sizeBytes = result.toLongLong();
            const QString cinderId = cinderVolumeIdOfRbdImage(path);
            m_state->setText(
                cinderId.isEmpty()
                    ? tr("%1: %2").arg(path, formatBytes(m_sizeBytes))
                    : tr("%1: %2. Named as Cinder names its volumes: it is added as volume %3, "
                         "Cinder's id, so both share its backups.")
                          .arg(path, formatBytes(m_sizeBytes), cinderId));
        });
}

void RbdBrowserDialog::showError(const QString& error)
{
    m_state->setStyleSheet(QStringLiteral("color: #c62828"));
    m_state->setText(error);
}

void RbdBrowserDialog::validate()
{
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(m_pending == 0 && m_sizeBytes >= 0 && !poolSlashImage().isEmpty());
}

} // namespace ember::ui
