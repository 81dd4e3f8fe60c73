// The OpenStack Swift backend's options page of the backend wizard: the
// endpoint and auth version, credentials (the key goes to the keyring, never
// into the options), container and storage policy, object size and
// compression, and TLS. Cinder's option names (reference §4).
#pragma once

#include "backendwizard.h"

#include <memory>

class QLabel;
class QLineEdit;
class QComboBox;
class QSpinBox;

namespace ember::ui {

class TlsOptionsBox;

class SwiftPage : public BackendOptionsPage
{
    Q_OBJECT
public:
    explicit SwiftPage(QWidget* parent = nullptr);
    QString backendType() const override { return QStringLiteral("swift"); }
    void load(const BackendConfig& backend) override;
    QJsonObject options() const override;
    QMap<QString, QString> secrets() const override;
    bool isComplete() const override;
    bool validatePage() override;

private:
    void updateAuthVersion();

    QLineEdit* m_authUrl = nullptr;
    QComboBox* m_authVersion = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_key = nullptr;
    QLineEdit* m_userDomain = nullptr;
    QLineEdit* m_project = nullptr;
    QLineEdit* m_projectDomain = nullptr;
    QLineEdit* m_region = nullptr;
    QLineEdit* m_container = nullptr;
    QLineEdit* m_storagePolicy = nullptr;
    QSpinBox* m_objectSizeKiB = nullptr;
    QSpinBox* m_blockSizeKiB = nullptr;
    QComboBox* m_compression = nullptr;
    std::unique_ptr<BandwidthLimitFields> m_limits;
    TlsOptionsBox* m_tls = nullptr;
    QLabel* m_problem = nullptr;
    // Editing: a key is already in the keyring; an empty field keeps it.
    bool m_keyStored = false;
};

} // namespace ember::ui
