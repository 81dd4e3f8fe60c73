// The IBM Spectrum Protect (TSM) backend's options page: the dsmc client
// (found automatically), options file or server stanza, node name, password
// (keyring), compression, the object name prefix and the bandwidth limits.
// Cinder's option names where Cinder had them (reference §5), Ember's
// ember_tsm_* and ember_bandwidth_* otherwise.
#pragma once

#include "backendwizard.h"

#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace ember::ui {

class TsmPage : public BackendOptionsPage
{
    Q_OBJECT
public:
    explicit TsmPage(QWidget* parent = nullptr);
    QString backendType() const override { return QStringLiteral("tsm"); }
    void load(const BackendConfig& backend) override;
    QJsonObject options() const override;
    QMap<QString, QString> secrets() const override;
    bool isComplete() const override;
    bool validatePage() override;
    void initializePage() override;

    // dsmc on PATH, else IBM's install path; empty when neither exists.
    static QString detectDsmc();

private:
    void updateDsmcState();

    QLineEdit* m_dsmcPath = nullptr;
    QLabel* m_dsmcState = nullptr;
    QLineEdit* m_optfile = nullptr;
    QLineEdit* m_serverName = nullptr;
    QLineEdit* m_nodeName = nullptr;
    QLineEdit* m_password = nullptr;
    QCheckBox* m_compression = nullptr;
    QLineEdit* m_prefix = nullptr;
    std::unique_ptr<BandwidthLimitFields> m_limits;
    QLabel* m_problem = nullptr;
    bool m_loaded = false;
};

} // namespace ember::ui
