// Settings: default backend, concurrent jobs, compression and object size
// of the default backend, language. Validated before they are saved.
#pragma once

#include "catalogsnapshot.h"

#include <QDialog>
#include <memory>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QSpinBox;

namespace ember::ui {

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(std::shared_ptr<const CatalogSnapshot> snapshot, QWidget* parent = nullptr);

    int maxConcurrentJobs() const;
    QString language() const; // "" = system
    // The default backend with the edited options (nullopt: nothing changed).
    std::optional<BackendConfig> changedBackend() const;

private:
    void loadBackend();
    void validate();
    std::optional<BackendConfig> chosenBackend() const;
    QString objectSizeKey(const BackendConfig& backend) const;

    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    QComboBox* m_backend = nullptr;
    QSpinBox* m_jobs = nullptr;
    QComboBox* m_compression = nullptr;
    QSpinBox* m_objectSizeKiB = nullptr;
    QComboBox* m_language = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace ember::ui
