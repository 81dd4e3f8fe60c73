// The backend wizard's encryption page, for backend types in Cinder's chunked
// format (BackendCapabilities::chunked): "Encrypt backups (AES-256-GCM)",
// which master key (an existing one or a new one), the warning that a lost
// key means lost backups and that Cinder cannot restore encrypted backups,
// and the key's export. As in Qt's License Wizard, isComplete() gates Next:
// with encryption on, the page is complete only once the chosen key has a
// copy outside this host (KeyInfo::exported, or exported from this page).
#pragma once

#include "keys.h"

#include <QJsonObject>
#include <QSet>
#include <QWizardPage>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace ember {
class KeyStore;
struct BackendConfig;
} // namespace ember

namespace ember::ui {

class EncryptionPage : public QWizardPage
{
    Q_OBJECT
public:
    // `keys` must outlive the page.
    explicit EncryptionPage(KeyStore& keys, QWidget* parent = nullptr);

    // The edited backend's encryption settings.
    void load(const BackendConfig& backend);
    // backup_ember_encryption ("none" or "aes-256-gcm") and, when on,
    // ember_encryption_key (the chosen key's fingerprint).
    QJsonObject options() const;
    void initializePage() override;
    bool isComplete() const override;
    int nextId() const override;

    bool encryptionEnabled() const;
    void setEncryptionEnabled(bool on);
    // The chosen key's fingerprint, empty when none.
    QString chosenKey() const;
    void chooseKey(const QString& fingerprint);
    // The reason Next is blocked (empty when it is not), as shown.
    QString problem() const;

    // The actions behind the buttons, without their dialogs; each ends with
    // keyCreated/keyExported or failed.
    void createKey(const QString& label);
    void exportKeyTo(KeyPart part, const QString& path);
    void printPaperKeyTo(KeyPart part, const QString& pdfPath);

Q_SIGNALS:
    void keyCreated(const QString& fingerprint);
    void keyExported(const QString& fingerprint, const QString& path);
    void failed(const QString& message);

private:
    void reloadKeys();
    void refresh();
    void exported(const QString& fingerprint, const QString& path);
    void showFailure(const QString& message);

    KeyStore& m_keys;
    QCheckBox* m_encrypt = nullptr;
    QWidget* m_details = nullptr;
    QComboBox* m_key = nullptr;
    QPushButton* m_newKey = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_paper = nullptr;
    QLabel* m_keyState = nullptr;
    QLabel* m_problem = nullptr;
    // Keys exported from this page (the index says so too once written).
    QSet<QString> m_exportedHere;
    bool m_busy = false;
};

} // namespace ember::ui
