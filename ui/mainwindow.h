// The main window: volumes, the backup chains of the selected volumes with
// details, and the jobs panel on the "Volumes" page, beside the "Overview",
// "Schedules" and "History" pages. It assembles the panels (VolumePanel,
// ChainPanel, JobPanel) with the menus, toolbar and status bar around the
// actions of an ActionsController, and keeps the layout and selection in
// the settings. Every action explains why it is unavailable before the user
// clicks; long work runs as jobs, short catalog work as quick tasks, none of
// it on the UI thread. A source switcher shows this computer's catalog or one
// of the configured OpenStack clouds in the same panels.
#pragma once

#include "actionscontroller.h"
#include "appcontext.h"
#include "backuptreemodel.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>

class QComboBox;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QTreeView;

namespace ember::ui {

class ChainPanel;
class CloudWizard;
class DashboardPanel;
class HistoryPanel;
class JobPanel;
class SchedulePanel;
class Source;
class TrayIcon;
class SourceSet;
class VolumePanel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(AppContext& context, QWidget* parent = nullptr);
    ~MainWindow() override;

    AppContext& context() { return m_context; }
    VolumePanel* volumePanel() const { return m_volumePanel; }
    ChainPanel* chainPanel() const { return m_chainPanel; }
    JobPanel* jobPanel() const { return m_jobPanel; }
    ActionsController* actions() const { return m_actions; }

    // The pages, in this order; "Volumes" is shown at start.
    enum Page
    {
        VolumesPage,
        OverviewPage,
        SchedulesPage,
        HistoryPage
    };
    QTabWidget* tabs() const { return m_tabs; }
    void showPage(Page page);
    // The History page with this job selected (from a failure on the
    // overview or a notification).
    void showJobInHistory(qint64 jobId);
    DashboardPanel* dashboardPanel() const { return m_dashboardPanel; }
    SchedulePanel* schedulePanel() const { return m_schedulePanel; }
    HistoryPanel* historyPanel() const { return m_historyPanel; }
    TrayIcon* trayIcon() const { return m_trayIcon; }

    // The sources: "This computer" and every configured cloud, then
    // "Connect to an OpenStack cloud…".
    QComboBox* sourceSwitcher() const { return m_sourceSwitcher; }
    SourceSet& sources() { return *m_sources; }
    QString currentSourceId() const { return m_sourceId; }
    // nullptr while this computer is shown (or a cloud is still opening).
    Source* currentSource() const;
    // Shows this source in the panels (a cloud is opened on first use);
    // false when there is no such source.
    bool switchToSource(const QString& sourceId);
    // The cloud wizard; after Finish the new cloud is added and shown.
    CloudWizard* connectCloud();
    // The status bar's permanent texts: counts and load progress, quota.
    QLabel* sourceSummary() const { return m_catalogSummary; }
    QLabel* quotaSummary() const { return m_quotaSummary; }
    // The line above the panels for what should be read without a modal box
    // (a refused cloud action, a failed cloud job); hidden when empty.
    QLabel* notice() const { return m_notice; }

    QTableView* volumeView() const;
    QTreeView* backupView() const;
    QTableView* jobView() const;
    QTextBrowser* details() const;
    QPlainTextEdit* jobLog() const;
    BackupTreeModel& backupModel() { return m_backupModel; }
    QSortFilterProxyModel* volumeProxy() const;
    QSortFilterProxyModel* backupProxy() const;

    // The current selection.
    std::optional<Volume> currentVolume() const { return m_actions->currentVolume(); }
    QStringList selectedVolumeIds() const { return m_actions->selectedVolumeIds(); }
    std::optional<Backup> currentBackup() const { return m_actions->currentBackup(); }
    std::optional<JobInfo> currentJob() const { return m_actions->currentJob(); }
    bool selectVolume(const QString& volumeId);
    bool selectBackup(const QString& backupId);
    bool selectJob(quint64 jobId);

    // The dialogs, opened window-modal without a nested event loop; the
    // returned dialog deletes itself when closed.
    AddVolumeDialog* openAddVolume() { return m_actions->openAddVolume(); }
    // Pick an image of a configured Ceph cluster and register it as a volume.
    RbdBrowserDialog* openAddRbdImage() { return m_actions->openAddRbdImage(); }
    CreateBackupDialog* openCreateBackup() { return m_actions->openCreateBackup(); }
    RestoreDialog* openRestore() { return m_actions->openRestore(); }
    SettingsDialog* openSettings() { return m_actions->openSettings(); }
    VolumeResetStateDialog* openResetVolumeState() { return m_actions->openResetVolumeState(); }
    BackendsDialog* openBackends() { return m_actions->openBackends(); }

    // What the dialogs submit (public for the screenshot demo and tests).
    quint64 submitBackup(const CreateBackupRequest& request)
    {
        return m_actions->submitBackup(request);
    }
    quint64 submitRestore(const ember::RestoreRequest& request)
    {
        return m_actions->submitRestore(request);
    }
    quint64 submitDelete(const QString& backupId, bool force)
    {
        return m_actions->submitDelete(backupId, force);
    }
    quint64 submitVerify(const QString& backupId) { return m_actions->submitVerify(backupId); }
    void createSampleVolume(const QString& name = {}) { m_actions->createSampleVolume(name); }

    // Why deleting the current backup is refused (empty: allowed).
    QString deleteRefusal(bool force) const { return m_actions->deleteRefusal(force); }
    // Window geometry, splitters, columns and selection into QSettings.
    void saveSettings();

Q_SIGNALS:
    // The user chose another language: the new translators are installed
    // and the application rebuilds its window (jobs keep running).
    void languageChangeRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void createPages();
    void bringToFront();
    void restoreSettings();
    void onSnapshotApplied();
    void onVolumeSelectionChanged();
    void updateDetails();
    void populateSwitcher();
    void showSource();
    void restoreSelection(const QStringList& volumeIds, const QString& backupId);
    void onSourceSnapshot();
    void updateSourceStatus();
    void showNotice(const QString& message);

    AppContext& m_context;
    BackupTreeModel m_backupModel;
    VolumePanel* m_volumePanel = nullptr;
    ChainPanel* m_chainPanel = nullptr;
    JobPanel* m_jobPanel = nullptr;
    ActionsController* m_actions = nullptr;
    QTabWidget* m_tabs = nullptr;
    DashboardPanel* m_dashboardPanel = nullptr;
    SchedulePanel* m_schedulePanel = nullptr;
    HistoryPanel* m_historyPanel = nullptr;
    TrayIcon* m_trayIcon = nullptr;

    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_topSplitter = nullptr;
    QLabel* m_catalogSummary = nullptr; // permanent, beside passing messages
    QLabel* m_quotaSummary = nullptr;
    QWidget* m_noticeBar = nullptr;
    QLabel* m_notice = nullptr;
    QComboBox* m_sourceSwitcher = nullptr;
    SourceSet* m_sources = nullptr;
    QString m_sourceId;
    QList<QMetaObject::Connection> m_sourceConnections;
    bool m_sourceSelectionPending = false;      // restored once the cloud's list is complete
    QHash<QString, QStringList> m_seenProjects; // by source: every project listed so far
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
