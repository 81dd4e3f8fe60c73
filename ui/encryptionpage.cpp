#include "encryptionpage.h"

#include "async.h"
#include "backendwizard.h"
#include "keysdialog.h"
#include "keystore.h"
#include "problemlabel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace ember::ui {

namespace {
const QString SchemeKey = QStringLiteral("backup_ember_encryption");
const QString KeyKey = QStringLiteral("ember_encryption_key");
const QString Aes256Gcm = QStringLiteral("aes-256-gcm");

// Whether the index now counts a copy outside this host: a public half
// written out does not (it cannot restore).
bool wasExported(const KeyStore& keys, const QString& fingerprint)
{
    const auto info = keys.info(fingerprint);
    return info && info->exported;
}
} // namespace

EncryptionPage::EncryptionPage(KeyStore& keys, QWidget* parent) : QWizardPage(parent), m_keys(keys)
{
    setObjectName(QStringLiteral("encryptionPage"));
    setTitle(tr("Encryption"));
    setSubTitle(tr("Encrypt backups at rest with a master key kept in this host's keyring."));
    auto* layout = new QVBoxLayout(this);
    m_encrypt = new QCheckBox(tr("&Encrypt backups (AES-256-GCM)"), this);
    m_encrypt->setObjectName(QStringLiteral("encrypt"));
    layout->addWidget(m_encrypt);

    m_details = new QWidget(this);
    auto* details = new QVBoxLayout(m_details);
    details->setContentsMargins(0, 0, 0, 0);
    auto* warning = new QLabel(
        tr("<b>A lost key means lost backups.</b> Nobody, not even Ember, can restore an "
           "encrypted backup without its master key: export the key or print the paper key and "
           "keep it away from this host before the first backup. Cinder cannot restore encrypted "
           "backups."),
        m_details);
    warning->setObjectName(QStringLiteral("encryptionWarning"));
    warning->setWordWrap(true);
    details->addWidget(warning);

    auto* form = new QFormLayout;
    auto* keyRow = new QHBoxLayout;
    m_key = new QComboBox(m_details);
    m_key->setObjectName(QStringLiteral("encryptionKey"));
    keyRow->addWidget(m_key, 1);
    m_newKey = new QPushButton(tr("&New Key…"), m_details);
    m_newKey->setObjectName(QStringLiteral("newKey"));
    keyRow->addWidget(m_newKey);
    auto* keyLabel = new QLabel(tr("Master &key:"), m_details);
    keyLabel->setBuddy(m_key);
    form->addRow(keyLabel, keyRow);
    details->addLayout(form);

    m_keyState = new QLabel(m_details);
    m_keyState->setObjectName(QStringLiteral("keyState"));
    m_keyState->setWordWrap(true);
    details->addWidget(m_keyState);
    auto* exportRow = new QHBoxLayout;
    m_export = new QPushButton(tr("E&xport Key…"), m_details);
    m_export->setObjectName(QStringLiteral("exportKey"));
    m_paper = new QPushButton(tr("&Print Paper Key…"), m_details);
    m_paper->setObjectName(QStringLiteral("paperKey"));
    exportRow->addWidget(m_export);
    exportRow->addWidget(m_paper);
    exportRow->addStretch();
    details->addLayout(exportRow);
    layout->addWidget(m_details);
    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    layout->addStretch(1);

    connect(m_encrypt, &QCheckBox::toggled, this, &EncryptionPage::refresh);
    connect(m_key, &QComboBox::currentIndexChanged, this, &EncryptionPage::refresh);
    connect(m_newKey, &QPushButton::clicked, this, [this] {
        auto* ask = new QInputDialog(this);
        ask->setAttribute(Qt::WA_DeleteOnClose);
        ask->setWindowTitle(tr("New Key"));
        ask->setLabelText(tr("A label for the new AES-256 key (e.g. prod backups 2026):"));
        connect(ask, &QInputDialog::textValueSelected, this,
                [this](const QString& label) { createKey(label.trimmed()); });
        ask->open();
    });
    auto exportWith = [this](const QString& title, const QString& filter, const QString& suffix,
                             bool paper) {
        const auto key = m_keys.info(chosenKey());
        if (!key)
            return;
        chooseKeyExport(this, *key, title, filter, suffix,
                        [this, paper](KeyPart part, const QString& path) {
                            if (paper)
                                printPaperKeyTo(part, path);
                            else
                                exportKeyTo(part, path);
                        });
    };
    connect(m_export, &QPushButton::clicked, this, [exportWith, this] {
        exportWith(tr("Export Key"), tr("Key files (*.key)"), QStringLiteral("key"), false);
    });
    connect(m_paper, &QPushButton::clicked, this, [exportWith, this] {
        exportWith(tr("Print Paper Key"), tr("PDF files (*.pdf)"), QStringLiteral("pdf"), true);
    });
    reloadKeys();
    refresh();
}

void EncryptionPage::initializePage()
{
    // Keys may have been added in the keys dialog since the wizard opened.
    reloadKeys();
    refresh();
}

int EncryptionPage::nextId() const
{
    return BackendWizard::TestPageId;
}

void EncryptionPage::reloadKeys()
{
    const QString chosen = chosenKey();
    const QSignalBlocker blocker(m_key);
    m_key->clear();
    // Any key can encrypt, a public half too (that host then cannot restore).
    for (const KeyInfo& key : m_keys.list()) {
        QString text = key.label.isEmpty()
                           ? key.fingerprint
                           : QStringLiteral("%1 — %2").arg(key.label, key.fingerprint);
        if (!key.canUnwrap)
            text += tr(" (public only: this host cannot restore)");
        m_key->addItem(text, key.fingerprint);
    }
    // The edited backend's key stays chosen even when this host lacks it.
    if (!chosen.isEmpty() && m_key->findData(chosen) < 0)
        m_key->addItem(tr("%1 (not on this host)").arg(chosen), chosen);
    if (m_key->count() == 0)
        m_key->addItem(tr("(no key yet: create one)"), QString());
    const int index = m_key->findData(chosen);
    m_key->setCurrentIndex(index >= 0 ? index : 0);
}

void EncryptionPage::load(const BackendConfig& backend)
{
    const QString fingerprint = backend.options.value(KeyKey).toString();
    if (!fingerprint.isEmpty() && m_key->findData(fingerprint) < 0)
        m_key->addItem(tr("%1 (not on this host)").arg(fingerprint), fingerprint);
    chooseKey(fingerprint);
    reloadKeys();
    setEncryptionEnabled(backend.options.value(SchemeKey).toString() == Aes256Gcm);
    refresh();
}

QJsonObject EncryptionPage::options() const
{
    if (!encryptionEnabled() || chosenKey().isEmpty())
        return {{SchemeKey, QStringLiteral("none")}};
    return {{SchemeKey, Aes256Gcm}, {KeyKey, chosenKey()}};
}

bool EncryptionPage::encryptionEnabled() const
{
    return m_encrypt->isChecked();
}

void EncryptionPage::setEncryptionEnabled(bool on)
{
    m_encrypt->setChecked(on);
}

QString EncryptionPage::chosenKey() const
{
    return m_key->currentData().toString();
}

void EncryptionPage::chooseKey(const QString& fingerprint)
{
    const int index = m_key->findData(fingerprint);
    if (index >= 0)
        m_key->setCurrentIndex(index);
}

QString EncryptionPage::problem() const
{
    return m_problem->text();
}

bool EncryptionPage::isComplete() const
{
    if (m_busy)
        return false;
    if (!encryptionEnabled())
        return true;
    const QString fingerprint = chosenKey();
    if (fingerprint.isEmpty())
        return false;
    const auto info = m_keys.info(fingerprint);
    return info && (info->exported || m_exportedHere.contains(fingerprint));
}

void EncryptionPage::refresh()
{
    const bool on = encryptionEnabled();
    m_details->setEnabled(on && !m_busy);
    const QString fingerprint = chosenKey();
    const auto info = fingerprint.isEmpty() ? std::nullopt : m_keys.info(fingerprint);
    const bool exported = info && (info->exported || m_exportedHere.contains(fingerprint));
    m_export->setEnabled(info.has_value());
    m_paper->setEnabled(info.has_value());
    QString state;
    if (info)
        state = exported ? tr("A copy of this key exists outside this host.")
                         : tr("This key has no copy outside this host yet.");
    m_keyState->setText(state);
    QString problem;
    if (on && fingerprint.isEmpty())
        problem = tr("Choose a master key or create a new one.");
    else if (on && !info)
        problem = tr("key not available: %1 is not in this host's key store; import it in "
                     "Keys… first.")
                      .arg(fingerprint);
    else if (on && !exported)
        problem = tr("Export the key or print the paper key before encrypting with it: a lost "
                     "key means lost backups.");
    m_problem->setText(problem);
    Q_EMIT completeChanged();
}

void EncryptionPage::showFailure(const QString& message)
{
    m_problem->setText(message);
    Q_EMIT failed(message);
}

void EncryptionPage::createKey(const QString& label)
{
    m_busy = true;
    refresh();
    KeyStore* keys = &m_keys;
    runInBackground(
        this,
        [keys, label] {
            return keys->add(generateKeySet(KeySet::Kind::Symmetric, label)).fingerprint;
        },
        [this](const AsyncOutcome<QString>& outcome) {
            m_busy = false;
            if (!outcome.ok()) {
                refresh();
                return showFailure(tr("The key could not be created: %1").arg(outcome.error));
            }
            reloadKeys();
            chooseKey(*outcome.value);
            refresh();
            Q_EMIT keyCreated(*outcome.value);
        },
        keyStorePool());
}

void EncryptionPage::exported(const QString& fingerprint, const QString& path)
{
    m_exportedHere.insert(fingerprint);
    reloadKeys();
    chooseKey(fingerprint);
    refresh();
    m_keyState->setText(tr("Wrote %1. Keep it somewhere safe, away from this host.").arg(path));
    Q_EMIT keyExported(fingerprint, path);
}

void EncryptionPage::exportKeyTo(KeyPart part, const QString& path)
{
    const QString fingerprint = chosenKey();
    KeyStore* keys = &m_keys;
    runInBackground(
        this,
        [keys, fingerprint, part, path] {
            writeKeyFileBlocking(*keys, fingerprint, part, path);
            return wasExported(*keys, fingerprint);
        },
        [this, fingerprint, path](const AsyncOutcome<bool>& outcome) {
            if (!outcome.ok())
                return showFailure(tr("The key could not be exported: %1").arg(outcome.error));
            if (*outcome.value)
                exported(fingerprint, path);
            else
                m_keyState->setText(tr("Wrote %1, which cannot restore backups: export the "
                                       "whole key.")
                                        .arg(path));
        },
        keyStorePool());
}

void EncryptionPage::printPaperKeyTo(KeyPart part, const QString& pdfPath)
{
    const QString fingerprint = chosenKey();
    KeyStore* keys = &m_keys;
    runInBackground(
        this,
        [keys, fingerprint, part, pdfPath] {
            writePaperKeyBlocking(*keys, fingerprint, part, pdfPath);
            return wasExported(*keys, fingerprint);
        },
        [this, fingerprint, pdfPath](const AsyncOutcome<bool>& outcome) {
            if (!outcome.ok())
                return showFailure(tr("The paper key could not be written: %1").arg(outcome.error));
            if (*outcome.value)
                exported(fingerprint, pdfPath);
            else
                m_keyState->setText(tr("Wrote %1, which cannot restore backups: export the "
                                       "whole key.")
                                        .arg(pdfPath));
        },
        keyStorePool());
}

} // namespace ember::ui
