// The main window: volumes, the backup chains of the selected volumes with
// details, and the jobs panel. Every action explains why it is unavailable
// before the user clicks; long work runs as jobs, short catalog work as
// quick tasks, none of it on the UI thread.
#pragma once

#include "appcontext.h"
#include "backuptreemodel.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QLineEdit;
class QMenu;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTextBrowser;
class QTreeView;

namespace ember::ui {

class AddVolumeDialog;
class VolumeResetStateDialog;
class CreateBackupDialog;
class RestoreDialog;
class SettingsDialog;
class BackendsDialog;
class RbdBrowserDialog;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(AppContext& context, QWidget* parent = nullptr);
    ~MainWindow() override;

    AppContext& context() { return m_context; }
    QTableView* volumeView() const { return m_volumeView; }
    QTreeView* backupView() const { return m_backupView; }
    QTableView* jobView() const { return m_jobView; }
    QTextBrowser* details() const { return m_details; }
    QPlainTextEdit* jobLog() const { return m_jobLog; }
    BackupTreeModel& backupModel() { return m_backupModel; }
    QSortFilterProxyModel* volumeProxy() const { return m_volumeProxy; }
    QSortFilterProxyModel* backupProxy() const { return m_backupProxy; }

    // The current selection.
    std::optional<Volume> currentVolume() const;
    QStringList selectedVolumeIds() const;
    std::optional<Backup> currentBackup() const;
    std::optional<JobInfo> currentJob() const;
    bool selectVolume(const QString& volumeId);
    bool selectBackup(const QString& backupId);
    bool selectJob(quint64 jobId);

    // The dialogs, opened window-modal without a nested event loop; the
    // returned dialog deletes itself when closed.
    AddVolumeDialog* openAddVolume();
    // Pick an image of a configured Ceph cluster and register it as a volume.
    RbdBrowserDialog* openAddRbdImage();
    CreateBackupDialog* openCreateBackup();
    RestoreDialog* openRestore();
    SettingsDialog* openSettings();
    VolumeResetStateDialog* openResetVolumeState();
    BackendsDialog* openBackends();

    // What the dialogs submit (public for the screenshot demo and tests).
    quint64 submitBackup(const CreateBackupRequest& request);
    quint64 submitRestore(const RestoreRequest& request);
    quint64 submitDelete(const QString& backupId, bool force);
    quint64 submitVerify(const QString& backupId);
    void createSampleVolume(const QString& name = {});

    // Why deleting the current backup is refused (empty: allowed).
    QString deleteRefusal(bool force) const;
    // Window geometry, splitters, columns and selection into QSettings.
    void saveSettings();

Q_SIGNALS:
    // The user chose another language: the new translators are installed
    // and the application rebuilds its window (jobs keep running).
    void languageChangeRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createMenus();
    QWidget* createVolumePanel();
    QWidget* createChainPanel();
    QWidget* createJobPanel();
    void restoreSettings();
    void onSnapshotApplied();
    void onVolumeSelectionChanged();
    void updateActions();
    void updateDetails();
    void updateJobLog();
    void showError(const QString& title, const QString& message);
    void volumeAdded(const QString& title, const QString& volumeId, const QString& error);
    void confirm(const QString& title, const QString& text, const QString& acceptText,
                 std::function<void()> onAccept);

    void addVolume();
    void removeVolume();
    void resetVolumeState();
    void createBackup();
    void restoreBackup();
    void deleteBackup(bool force);
    void verifyBackup();
    void exportRecord();
    void importRecord();
    void resetState();
    void editBackup();
    void cancelJob();
    void copyJobLog();

    AppContext& m_context;
    BackupTreeModel m_backupModel;
    QSortFilterProxyModel* m_volumeProxy = nullptr;
    QSortFilterProxyModel* m_backupProxy = nullptr;

    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_topSplitter = nullptr;
    QSplitter* m_chainSplitter = nullptr;
    QSplitter* m_jobSplitter = nullptr;
    QStackedWidget* m_volumeStack = nullptr;
    QLineEdit* m_volumeFilter = nullptr;
    QLineEdit* m_backupFilter = nullptr;
    QTableView* m_volumeView = nullptr;
    QTreeView* m_backupView = nullptr;
    QTableView* m_jobView = nullptr;
    QTextBrowser* m_details = nullptr;
    QPlainTextEdit* m_jobLog = nullptr;
    QLabel* m_chainTitle = nullptr;
    QPushButton* m_cancelJobButton = nullptr;
    QLabel* m_jobSummary = nullptr;
    QLabel* m_catalogSummary = nullptr; // permanent, beside passing messages

    QAction* m_addVolumeAction = nullptr;
    QAction* m_sampleVolumeAction = nullptr;
    QAction* m_addRbdImageAction = nullptr;
    QAction* m_removeVolumeAction = nullptr;
    QAction* m_resetVolumeStateAction = nullptr;
    QAction* m_createBackupAction = nullptr;
    QAction* m_restoreAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_forceDeleteAction = nullptr;
    QAction* m_verifyAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_resetStateAction = nullptr;
    QAction* m_editAction = nullptr;
    QAction* m_refreshAction = nullptr;
    QAction* m_cancelJobAction = nullptr;
    QAction* m_clearJobsAction = nullptr;
    QAction* m_copyLogAction = nullptr;
    QAction* m_backendsAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QMenu* m_volumeMenu = nullptr;
    QMenu* m_backupMenu = nullptr;
    QMenu* m_jobMenu = nullptr;

    bool m_restoredSelection = false;
    QStringList m_pendingVolumeSelection;
    QString m_pendingBackupSelection;
    bool m_quitWhenIdle = false;
    bool m_closeConfirmed = false;
    QPointer<QWidget> m_closeQuestion;
};

} // namespace ember::ui
