// The main window's actions: owns the QActions, enables each from the
// current selection or disables it with the reason as its tooltip (so every
// action explains why it is unavailable before the user clicks), and runs
// them: opens the dialogs, submits jobs and quick catalog tasks. On a cloud
// source the same actions go to the source, whose rules give the reasons;
// what only this computer's catalog can do is disabled with a reason there.
#pragma once

#include "appcontext.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <functional>
#include <optional>

class QAction;
class QDialog;
class QWidget;

namespace ember::ui {

struct ActionResult;
class AddVolumeDialog;
class BackendsDialog;
class KeysDialog;
class ChainPanel;
class CloudBackupDialog;
class CloudImportDialog;
class CloudRestoreDialog;
class CreateBackupDialog;
class JobPanel;
class LocalSource;
class PruneLogDialog;
class RbdBrowserDialog;
class RetentionPolicyDialog;
class SynthesizeDialog;
class RestoreDialog;
class SettingsDialog;
class Source;
class VolumePanel;
class VolumeResetStateDialog;

class ActionsController : public QObject
{
    Q_OBJECT
public:
    // `window` parents the dialogs and message boxes (window-modal) and is
    // closed by Quit; the panels give the selection the actions act on.
    ActionsController(AppContext& context, QWidget* window, VolumePanel* volumes,
                      ChainPanel* chains, JobPanel* jobs);

    QAction* addVolumeAction() const { return m_addVolume; }
    QAction* addRbdImageAction() const { return m_addRbdImage; }
    QAction* sampleVolumeAction() const { return m_sampleVolume; }
    QAction* removeVolumeAction() const { return m_removeVolume; }
    QAction* resetVolumeStateAction() const { return m_resetVolumeState; }
    QAction* createBackupAction() const { return m_createBackup; }
    QAction* restoreAction() const { return m_restore; }
    QAction* deleteAction() const { return m_delete; }
    QAction* forceDeleteAction() const { return m_forceDelete; }
    QAction* verifyAction() const { return m_verify; }
    QAction* exportAction() const { return m_export; }
    QAction* importAction() const { return m_import; }
    QAction* resetStateAction() const { return m_resetState; }
    QAction* editAction() const { return m_edit; }
    QAction* synthesizeAction() const { return m_synthesize; }
    QAction* protectAction() const { return m_protect; }
    QAction* unprotectAction() const { return m_unprotect; }
    QAction* retentionPolicyAction() const { return m_retentionPolicy; }
    QAction* pruneLogAction() const { return m_pruneLog; }
    QAction* refreshAction() const { return m_refresh; }
    QAction* cancelJobAction() const { return m_cancelJob; }
    QAction* clearJobsAction() const { return m_clearJobs; }
    QAction* copyLogAction() const { return m_copyLog; }
    QAction* backendsAction() const { return m_backends; }
    QAction* keysAction() const { return m_keys; }
    QAction* settingsAction() const { return m_settings; }
    QAction* quitAction() const { return m_quit; }
    QAction* aboutAction() const { return m_about; }

    // The source the actions act on: nullptr for this computer's catalog
    // (the application context's), else a cloud's. `unavailable` (with no
    // source): a cloud that is not open yet, why; its actions say so.
    void setSource(Source* source, const QString& unavailable = QString());
    Source* source() const { return m_source; }
    // The latest snapshot of the current source.
    std::shared_ptr<const SourceSnapshot> snapshot() const;

    // The current selection, as the latest snapshot has it.
    std::optional<Volume> currentVolume() const;
    QStringList selectedVolumeIds() const;
    std::optional<Backup> currentBackup() const;
    std::optional<JobInfo> currentJob() const;

    // Enables or disables every action for the current selection and state.
    void updateActions();
    // Why deleting the current backup is refused (empty: allowed).
    QString deleteRefusal(bool force) const;

    // The dialogs, opened window-modal without a nested event loop; the
    // returned dialog deletes itself when closed.
    AddVolumeDialog* openAddVolume();
    RbdBrowserDialog* openAddRbdImage();
    CreateBackupDialog* openCreateBackup();
    RestoreDialog* openRestore();
    SettingsDialog* openSettings();
    VolumeResetStateDialog* openResetVolumeState();
    BackendsDialog* openBackends();
    // Non-modal; one at a time (a second call raises it).
    KeysDialog* openKeys();
    // A cloud's dialogs (nullptr when the action is disabled or the source is local).
    CloudBackupDialog* openCloudBackup();
    CloudRestoreDialog* openCloudRestore();
    CloudImportDialog* openCloudImport();
    // Retention (nullptr when the action is disabled).
    SynthesizeDialog* openSynthesize();
    RetentionPolicyDialog* openRetentionPolicy();
    PruneLogDialog* openPruneLog();
    // The source the retention actions go to: the shown cloud (which refuses
    // them) or this computer's.
    Source* retentionSource() const;

    // What the dialogs submit.
    quint64 submitBackup(const CreateBackupRequest& request);
    quint64 submitRestore(const ember::RestoreRequest& request);
    quint64 submitDelete(const QString& backupId, bool force);
    quint64 submitVerify(const QString& backupId);
    void createSampleVolume(const QString& name = {});

Q_SIGNALS:
    // A passing message for the status bar (timeout in ms, 0: until replaced).
    void statusMessage(const QString& message, int timeout);
    // A volume was added through a dialog (selected once it is shown).
    void volumeAdded(const QString& volumeId);
    // The user chose another language: the new translators are installed.
    void languageChangeRequested();
    // Something the user should read without being stopped (a cloud refused
    // an action, a cloud job failed): shown in the window, not in a modal box.
    void notice(const QString& message);

private:
    void createActions();
    void showError(const QString& title, const QString& message);
    void confirm(const QString& title, const QString& text, const QString& acceptText,
                 std::function<void()> onAccept);
    void selectVolumeWhenShown(const QString& volumeId);
    void onVolumeAdded(const QString& title, const QString& volumeId, const QString& error);

    void removeVolume();
    void deleteBackup(bool force);
    void verifyBackup();
    void exportRecord();
    void importRecord();
    void resetState();
    void editBackup();
    void cancelJob();
    void copyJobLog();
    void updateJobActions();
    void updateCloudActions();
    // Runs one action on the shown cloud (none if it is gone by now): the
    // job is selected, or the refusal shown as a notice.
    void runOnCloud(const QString& title, const std::function<ActionResult(Source&)>& action);
    // Opens the dialog (deleted when closed); its OK runs the action.
    void openCloudDialog(QDialog* dialog, const QString& title,
                         std::function<ActionResult(Source&)> action);
    void deleteCloudBackup(bool force);
    void exportCloudRecord();
    void resetCloudState();
    void editCloudBackup();
    void updateRetentionActions();
    void setBackupProtected(bool isProtected);
    // Selects the job of an accepted action, or shows the refusal.
    void reportAction(const QString& title, const ActionResult& result);

    AppContext& m_context;
    QWidget* m_window;
    VolumePanel* m_volumes;
    ChainPanel* m_chains;
    JobPanel* m_jobs;
    Source* m_source = nullptr; // cleared when it is destroyed
    QString m_unavailable;
    QList<QMetaObject::Connection> m_sourceConnections;
    QSet<QString> m_pendingExports; // backups whose exported record is awaited

    QAction* m_addVolume = nullptr;
    QAction* m_sampleVolume = nullptr;
    QAction* m_addRbdImage = nullptr;
    QAction* m_removeVolume = nullptr;
    QAction* m_resetVolumeState = nullptr;
    QAction* m_createBackup = nullptr;
    QAction* m_restore = nullptr;
    QAction* m_delete = nullptr;
    QAction* m_forceDelete = nullptr;
    QAction* m_verify = nullptr;
    QAction* m_export = nullptr;
    QAction* m_import = nullptr;
    QAction* m_resetState = nullptr;
    QAction* m_edit = nullptr;
    QAction* m_synthesize = nullptr;
    QAction* m_protect = nullptr;
    QAction* m_unprotect = nullptr;
    QAction* m_retentionPolicy = nullptr;
    QAction* m_pruneLog = nullptr;
    LocalSource* m_local = nullptr; // this computer's, over the application's watcher
    QAction* m_refresh = nullptr;
    QAction* m_cancelJob = nullptr;
    QAction* m_clearJobs = nullptr;
    QAction* m_copyLog = nullptr;
    QAction* m_backends = nullptr;
    QAction* m_keys = nullptr;
    QPointer<KeysDialog> m_keysDialog;
    QAction* m_settings = nullptr;
    QAction* m_quit = nullptr;
    QAction* m_about = nullptr;
};

} // namespace ember::ui
