// Settings: default backend, concurrent jobs, compression and object size
// of the default backend, language; with the application context also the
// catalog's job settings (history retention, notifications, hook command,
// metrics file), read and saved off the UI thread. Validated before they are
// saved.
#pragma once

#include "catalogsnapshot.h"
#include "jobevents.h"

#include <QDialog>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace ember::ui {

class AppContext;
class BandwidthLimitFields;

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // Without the "Jobs" group (no catalog to read it from).
    SettingsDialog(std::shared_ptr<const CatalogSnapshot> snapshot, QWidget* parent = nullptr);
    // With the "Jobs" group: loaded when the dialog opens; OK saves it to the
    // catalog first and closes the dialog once it is stored.
    explicit SettingsDialog(AppContext& context, QWidget* parent = nullptr);
    ~SettingsDialog() override;

    int maxConcurrentJobs() const;
    QString language() const; // "" = system
    // The default backend with the edited options (nullopt: nothing changed).
    std::optional<BackendConfig> changedBackend() const;

    // The job settings as edited (nullopt until they were loaded).
    std::optional<AfterJobSettings> jobSettings() const;
    bool jobSettingsLoaded() const { return m_loadedJobSettings.has_value(); }

Q_SIGNALS:
    // The "Jobs" group holds the catalog's values (error: they could not be read).
    void jobSettingsRead(const QString& error);

private:
    SettingsDialog(std::shared_ptr<const CatalogSnapshot> snapshot, AppContext* context,
                   QWidget* parent);
    QGroupBox* buildJobsGroup();
    void loadJobSettings();
    void saveAndAccept();
    QString jobSettingsProblem() const;
    void loadBackend();
    void validate();
    std::optional<BackendConfig> chosenBackend() const;
    QString objectSizeKey(const BackendConfig& backend) const;
    static bool offersBandwidthLimits(const BackendConfig& backend);

    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    QComboBox* m_backend = nullptr;
    QSpinBox* m_jobs = nullptr;
    QComboBox* m_compression = nullptr;
    QSpinBox* m_objectSizeKiB = nullptr;
    std::unique_ptr<BandwidthLimitFields> m_limits;
    QComboBox* m_language = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;

    AppContext* m_context = nullptr;
    QGroupBox* m_jobsGroup = nullptr;
    QSpinBox* m_historyDays = nullptr;
    QCheckBox* m_notifyOnFailure = nullptr;
    QCheckBox* m_notifyOnSuccess = nullptr;
    QLineEdit* m_hookCommand = nullptr;
    QLineEdit* m_metricsFile = nullptr;
    std::optional<AfterJobSettings> m_loadedJobSettings;
    bool m_saving = false;
};

} // namespace ember::ui
