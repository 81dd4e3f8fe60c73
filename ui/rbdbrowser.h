// Adding an RBD image as a volume: pick a configured Ceph backend (it holds
// the cluster's connection), a pool from the cluster's list and an image
// from the pool's list. Every cluster call runs on a worker thread.
#pragma once

#include "backendregistry.h"

#include <QDialog>
#include <functional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;

namespace ember::ui {

class RbdBrowserDialog : public QDialog
{
    Q_OBJECT
public:
    // `backends`: the configured backends (only Ceph ones are offered).
    RbdBrowserDialog(const QList<BackendConfig>& backends, SecretProvider secrets,
                     QWidget* parent = nullptr);

    QString backendName() const;
    QString poolSlashImage() const; // "pool/image"
    QString name() const;
    qint64 sizeBytes() const { return m_sizeBytes; }
    bool isBusy() const { return m_pending > 0; }

Q_SIGNALS:
    // Each answer from the cluster (pools, images, size) has been shown.
    void loaded();

private:
    using Work = std::function<QVariant()>;
    using Done = std::function<void(const QVariant& result, const QString& error)>;
    void runInWorker(Work work, Done done);
    void loadPools();
    void loadImages();
    void loadSize();
    void showError(const QString& error);
    void validate();

    QList<BackendConfig> m_backends;
    SecretProvider m_secrets;
    QComboBox* m_backend = nullptr;
    QComboBox* m_pool = nullptr;
    QListWidget* m_images = nullptr;
    QLineEdit* m_name = nullptr;
    QLabel* m_state = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    qint64 m_sizeBytes = -1;
    int m_pending = 0;
    quint64 m_generation = 0; // answers for an older selection are dropped
};

} // namespace ember::ui
