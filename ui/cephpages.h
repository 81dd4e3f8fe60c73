// The Ceph backend's options page of the backend wizard: how to reach the
// cluster (a ceph.conf file or monitor addresses), the client user and its
// keyring file or key (the key goes to the keyring, never into the options),
// the backup pool picked from the cluster's list, chunk size and striping.
// Cinder's option names (reference §3), Ember's ember_ceph_* otherwise.
#pragma once

#include "backendwizard.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace ember::ui {

class CephPage : public BackendOptionsPage
{
    Q_OBJECT
public:
    explicit CephPage(QWidget* parent = nullptr);
    QString backendType() const override { return QStringLiteral("ceph"); }
    void load(const BackendConfig& backend) override;
    QJsonObject options() const override;
    QMap<QString, QString> secrets() const override;
    bool isComplete() const override;
    bool validatePage() override;

    // Runs listCephPools on a worker thread; the list or a plain error follows.
    void loadPools();
    bool isLoadingPools() const { return m_loadingPools; }

Q_SIGNALS:
    void poolsLoaded(bool ok);

private:
    void showPools(quint64 generation, const QStringList& pools, const QString& error);
    void updateSource();

    QRadioButton* m_useConfFile = nullptr;
    QRadioButton* m_useMonitors = nullptr;
    QLineEdit* m_confFile = nullptr;
    QLineEdit* m_monHost = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_keyringFile = nullptr;
    QLineEdit* m_key = nullptr;
    QComboBox* m_pool = nullptr;
    QPushButton* m_loadPools = nullptr;
    QLabel* m_poolState = nullptr;
    QSpinBox* m_chunkSizeMiB = nullptr;
    QSpinBox* m_stripeUnitKiB = nullptr;
    QSpinBox* m_stripeCount = nullptr;
    QCheckBox* m_discardExcess = nullptr;
    QLabel* m_problem = nullptr;
    bool m_loadingPools = false;
    quint64 m_poolGeneration = 0;
    bool m_keyStored = false; // editing: an empty key field keeps the stored key
};

} // namespace ember::ui
