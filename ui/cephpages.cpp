#include "cephpages.h"

#include "async.h"
#include "dialogbuttons.h"
#include "problemlabel.h"

#include <QApplication>
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ember::ui {

namespace {

const QString KeySecret = QStringLiteral("ceph_key");
const QString DefaultConf = QStringLiteral("/etc/ceph/ceph.conf");

} // namespace

CephPage::CephPage(QWidget* parent) : BackendOptionsPage(parent)
{
    setObjectName(QStringLiteral("cephPage"));
    setTitle(tr("Ceph RBD"));
    setSubTitle(tr("Backups are stored as RBD images in a pool of a Ceph cluster, in the layout "
                   "of Cinder's Ceph driver."));
    auto* layout = scrollingLayout();
    QWidget* content = layout->parentWidget();

    // How to reach the cluster.
    auto* cluster = new QGroupBox(tr("Cluster"), content);
    auto* clusterForm = new QFormLayout(cluster);
    m_useConfFile = new QRadioButton(tr("Configuration &file:"), cluster);
    m_useConfFile->setObjectName(QStringLiteral("cephUseConfFile"));
    m_useMonitors = new QRadioButton(tr("&Monitor addresses:"), cluster);
    m_useMonitors->setObjectName(QStringLiteral("cephUseMonitors"));
    auto* group = new QButtonGroup(this);
    group->addButton(m_useConfFile);
    group->addButton(m_useMonitors);
    m_useConfFile->setChecked(true);
    auto* confRow = new QHBoxLayout;
    m_confFile = new QLineEdit(DefaultConf, cluster);
    m_confFile->setObjectName(QStringLiteral("cephConfFile"));
    confRow->addWidget(m_confFile);
    confRow->addWidget(browseButton(cluster, m_confFile, tr("Browse…"),
                                    tr("Ceph Configuration File"), QFileDialog::ExistingFile));
    clusterForm->addRow(m_useConfFile, confRow);
    m_monHost = new QLineEdit(cluster);
    m_monHost->setObjectName(QStringLiteral("cephMonHost"));
    m_monHost->setPlaceholderText(tr("10.0.0.1:6789,10.0.0.2:6789"));
    clusterForm->addRow(m_useMonitors, m_monHost);
    m_user = new QLineEdit(QStringLiteral("cinder"), cluster); // Cinder's backup_ceph_user
    m_user->setObjectName(QStringLiteral("cephUser"));
    clusterForm->addRow(tr("Client &user:"), m_user);
    auto* keyringRow = new QHBoxLayout;
    m_keyringFile = new QLineEdit(cluster);
    m_keyringFile->setObjectName(QStringLiteral("cephKeyringFile"));
    m_keyringFile->setPlaceholderText(tr("the configuration file's keyring"));
    keyringRow->addWidget(m_keyringFile);
    keyringRow->addWidget(browseButton(cluster, m_keyringFile, tr("Browse…"),
                                       tr("Ceph Keyring File"), QFileDialog::ExistingFile));
    auto* keyringLabel = new QLabel(tr("&Keyring file:"), cluster);
    keyringLabel->setBuddy(m_keyringFile); // a row of widgets has no buddy of its own
    clusterForm->addRow(keyringLabel, keyringRow);
    m_key = new QLineEdit(cluster);
    m_key->setObjectName(QStringLiteral("cephKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setPlaceholderText(tr("or the key itself, kept in the keyring"));
    clusterForm->addRow(tr("K&ey:"), m_key);
    layout->addWidget(cluster);

    // Where backups go and how they are laid out.
    auto* storage = new QGroupBox(tr("Backup Pool"), content);
    auto* storageForm = new QFormLayout(storage);
    auto* poolRow = new QHBoxLayout;
    m_pool = new QComboBox(storage);
    m_pool->setObjectName(QStringLiteral("cephPool"));
    m_pool->setEditable(true);
    m_pool->setEditText(QStringLiteral("backups")); // Cinder's backup_ceph_pool
    m_pool->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_loadPools = new QPushButton(tr("&Load Pools"), storage);
    m_loadPools->setObjectName(QStringLiteral("cephLoadPools"));
    poolRow->addWidget(m_pool);
    poolRow->addWidget(m_loadPools);
    auto* poolLabel = new QLabel(tr("&Pool:"), storage);
    poolLabel->setBuddy(m_pool);
    storageForm->addRow(poolLabel, poolRow);
    m_poolState = new QLabel(storage);
    m_poolState->setObjectName(QStringLiteral("cephPoolState"));
    m_poolState->setWordWrap(true);
    storageForm->addRow(QString(), m_poolState);
    m_chunkSizeMiB = new QSpinBox(storage);
    m_chunkSizeMiB->setObjectName(QStringLiteral("cephChunkSize"));
    m_chunkSizeMiB->setRange(1, 4096);
    m_chunkSizeMiB->setSuffix(tr(" MiB"));
    m_chunkSizeMiB->setValue(128); // backup_ceph_chunk_size 134217728
    storageForm->addRow(tr("&Chunk size:"), m_chunkSizeMiB);
    m_stripeUnitKiB = new QSpinBox(storage);
    m_stripeUnitKiB->setObjectName(QStringLiteral("cephStripeUnit"));
    m_stripeUnitKiB->setRange(0, 1024 * 1024);
    m_stripeUnitKiB->setSuffix(tr(" KiB"));
    m_stripeUnitKiB->setSpecialValueText(tr("default (the object size)"));
    storageForm->addRow(tr("Stripe &unit:"), m_stripeUnitKiB);
    m_stripeCount = new QSpinBox(storage);
    m_stripeCount->setObjectName(QStringLiteral("cephStripeCount"));
    m_stripeCount->setRange(0, 4096);
    m_stripeCount->setSpecialValueText(tr("default (1)"));
    storageForm->addRow(tr("Stripe c&ount:"), m_stripeCount);
    m_discardExcess =
        new QCheckBox(tr("&Discard bytes beyond the backup's size on restore"), storage);
    m_discardExcess->setObjectName(QStringLiteral("cephDiscardExcess"));
    m_discardExcess->setChecked(true); // restore_discard_excess_bytes
    storageForm->addRow(QString(), m_discardExcess);
    layout->addWidget(storage);

    m_problem = problemLabel(content);
    layout->addWidget(m_problem);
    layout->addStretch();

    // Fields with Cinder's defaults are checked in isComplete(): QWizard counts
    // a mandatory field as filled only once it differs from its initial value.
    registerField(QStringLiteral("ceph.user"), m_user);
    registerField(QStringLiteral("ceph.pool"), m_pool, "currentText",
                  SIGNAL(currentTextChanged(QString)));
    for (QLineEdit* edit : {m_confFile, m_monHost, m_user})
        connect(edit, &QLineEdit::textChanged, this, &QWizardPage::completeChanged);
    connect(m_pool, &QComboBox::currentTextChanged, this, &QWizardPage::completeChanged);
    connect(m_useConfFile, &QRadioButton::toggled, this, [this] {
        updateSource();
        Q_EMIT completeChanged();
    });
    connect(m_loadPools, &QPushButton::clicked, this, &CephPage::loadPools);
    updateSource();
}

void CephPage::updateSource()
{
    m_confFile->setEnabled(m_useConfFile->isChecked());
    m_monHost->setEnabled(m_useMonitors->isChecked());
}

void CephPage::load(const BackendConfig& backend)
{
    const QJsonObject& options = backend.options;
    auto text = [&options](const char* key, const QString& fallback = {}) {
        const QJsonValue value = options.value(QLatin1String(key));
        return value.isString() ? value.toString() : fallback;
    };
    const QString monHost = text("ember_ceph_mon_host");
    m_monHost->setText(monHost);
    m_confFile->setText(text("backup_ceph_conf", monHost.isEmpty() ? DefaultConf : QString()));
    (monHost.isEmpty() ? m_useConfFile : m_useMonitors)->setChecked(true);
    m_user->setText(text("backup_ceph_user", QStringLiteral("cinder")));
    m_keyringFile->setText(text("ember_ceph_keyring"));
    m_pool->setEditText(text("backup_ceph_pool", QStringLiteral("backups")));
    m_chunkSizeMiB->setValue(
        int(options.value(QStringLiteral("backup_ceph_chunk_size")).toInteger(134217728) >> 20));
    m_stripeUnitKiB->setValue(
        int(options.value(QStringLiteral("backup_ceph_stripe_unit")).toInteger(0) / 1024));
    m_stripeCount->setValue(
        int(options.value(QStringLiteral("backup_ceph_stripe_count")).toInteger(0)));
    const QJsonValue discard = options.value(QStringLiteral("restore_discard_excess_bytes"));
    m_discardExcess->setChecked(discard.isBool() ? discard.toBool() : true);
    m_keyStored = true;
    m_key->setPlaceholderText(tr("empty: keep the stored key, if any"));
    updateSource();
    Q_EMIT completeChanged();
}

QJsonObject CephPage::options() const
{
    const bool monitors = m_useMonitors->isChecked();
    QString user = m_user->text().trimmed();
    if (user.startsWith(QLatin1String("client.")))
        user = user.mid(7); // Cinder names the user without the "client." prefix
    return {
        {QStringLiteral("backup_ceph_conf"), monitors ? QString() : m_confFile->text().trimmed()},
        {QStringLiteral("ember_ceph_mon_host"), monitors ? m_monHost->text().trimmed() : QString()},
        {QStringLiteral("backup_ceph_user"), user},
        {QStringLiteral("ember_ceph_keyring"), m_keyringFile->text().trimmed()},
        {QStringLiteral("backup_ceph_pool"), m_pool->currentText().trimmed()},
        {QStringLiteral("backup_ceph_chunk_size"), qint64(m_chunkSizeMiB->value()) << 20},
        {QStringLiteral("backup_ceph_stripe_unit"), qint64(m_stripeUnitKiB->value()) * 1024},
        {QStringLiteral("backup_ceph_stripe_count"), m_stripeCount->value()},
        {QStringLiteral("restore_discard_excess_bytes"), m_discardExcess->isChecked()},
    };
}

QMap<QString, QString> CephPage::secrets() const
{
    if (m_key->text().trimmed().isEmpty())
        return {};
    return {{KeySecret, m_key->text().trimmed()}};
}

bool CephPage::isComplete() const
{
    if (!BackendOptionsPage::isComplete() || m_user->text().trimmed().isEmpty() ||
        m_pool->currentText().trimmed().isEmpty())
        return false;
    return m_useMonitors->isChecked() ? !m_monHost->text().trimmed().isEmpty()
                                      : !m_confFile->text().trimmed().isEmpty();
}

bool CephPage::validatePage()
{
    QString problem;
    const QString conf = m_confFile->text().trimmed();
    const QString keyring = m_keyringFile->text().trimmed();
    const QString pool = m_pool->currentText().trimmed();
    if (m_useConfFile->isChecked() && !QFileInfo(conf).isFile())
        problem = tr("The Ceph configuration file %1 does not exist.").arg(conf);
    else if (!keyring.isEmpty() && !QFileInfo(keyring).isFile())
        problem = tr("The keyring file %1 does not exist.").arg(keyring);
    else if (pool.contains(QLatin1Char('/')) || pool.contains(QLatin1Char(' ')))
        problem = tr("A pool name may not contain “/” or spaces.");
    else if (m_stripeUnitKiB->value() > 0 &&
             (qint64(m_chunkSizeMiB->value()) << 20) % (qint64(m_stripeUnitKiB->value()) * 1024))
        problem = tr("The chunk size must be a multiple of the stripe unit.");
    m_problem->setText(problem);
    return problem.isEmpty();
}

void CephPage::loadPools()
{
    const quint64 generation = ++m_poolGeneration;
    BackendConfig cluster;
    cluster.name = field(QStringLiteral("name")).toString();
    cluster.type = backendType();
    cluster.options = options();
    const BackendSecrets entered = this->secrets();
    // Editing: the key already in the keyring serves when none is typed.
    auto* owner = qobject_cast<BackendWizard*>(wizard());
    const SecretProvider stored = owner ? owner->storedSecrets() : SecretProvider();
    m_loadingPools = true;
    m_loadPools->setEnabled(false);
    m_poolState->setStyleSheet(QString());
    m_poolState->setText(tr("Connecting to the cluster…"));
    runInBackground(
        this,
        [cluster, entered, stored] {
            BackendSecrets secrets = stored ? stored(cluster) : BackendSecrets();
            for (auto it = entered.begin(); it != entered.end(); ++it)
                secrets.insert(it.key(), it.value());
            // The pools come through the plugin's VolumeHost (unset without librbd).
            const BackendType* type = findBackendType(cluster.type);
            if (!type || !type->volumes.isSet())
                throw Error(CephPage::tr("This build of Ember has no Ceph support."));
            return type->volumes.listPools(cluster, secrets);
        },
        [this, generation](const AsyncOutcome<QStringList>& outcome) {
            showPools(generation, outcome.value.value_or(QStringList()), outcome.error);
        });
}

void CephPage::showPools(quint64 generation, const QStringList& pools, const QString& error)
{
    if (generation != m_poolGeneration)
        return; // a newer request replaced this one
    m_loadingPools = false;
    m_loadPools->setEnabled(true);
    if (!error.isEmpty()) {
        m_poolState->setStyleSheet(QStringLiteral("color: #c62828"));
        m_poolState->setText(tr("Could not list the pools: %1").arg(error));
        Q_EMIT poolsLoaded(false);
        return;
    }
    const QString chosen = m_pool->currentText().trimmed();
    m_pool->clear();
    m_pool->addItems(pools);
    m_pool->setEditText(chosen);
    if (pools.isEmpty())
        m_poolState->setText(tr("The cluster has no pools yet."));
    else if (!pools.contains(chosen))
        m_poolState->setText(
            tr("%n pool(s) found; “%1” is not one of them.", "", int(pools.size())).arg(chosen));
    else
        m_poolState->setText(tr("%n pool(s) found.", "", int(pools.size())));
    m_poolState->setStyleSheet(QString());
    Q_EMIT poolsLoaded(true);
}

} // namespace ember::ui
