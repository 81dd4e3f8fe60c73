// The tray icon while jobs run (their progress in its tooltip and menu), and a
// desktop notification when a job ends: on failure, and on success too when
// the catalog setting notify.on_success is "1". Settings are read off the UI
// thread. The main window builds it and connects showHistoryRequested.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

class QMenu;
class QSystemTrayIcon;

namespace ember {
class DesktopNotifier;
}

namespace ember::ui {

class AppContext;

class TrayIcon : public QObject
{
    Q_OBJECT
public:
    // Notifies through the session bus.
    explicit TrayIcon(AppContext& context, QObject* parent = nullptr);
    ~TrayIcon() override;

    // Jobs are queued or running. The icon itself shows only where the
    // desktop has a system tray.
    bool isActive() const { return m_active; }
    bool isVisible() const;
    QString toolTip() const;
    QMenu* menu() const { return m_menu.get(); }
    DesktopNotifier& notifier() { return *m_notifier; }

Q_SIGNALS:
    // "Show history" (or a click) on a job's notification. The id is the job's
    // in the catalog history; 0 when the history has no record of it.
    void showHistoryRequested(qint64 jobId);
    // The tray icon was clicked, or "Show Ember" chosen in its menu.
    void showWindowRequested();
    // A job of the runner ended and the settings were read: whether a
    // notification is sent for it.
    void notificationDecided(quint64 runnerJobId, bool notifying);

private:
    void scheduleRefresh();
    void refresh();
    void onJobFinished(quint64 runnerJobId);

    AppContext& m_context;
    std::unique_ptr<DesktopNotifier> m_notifier;
    std::unique_ptr<QMenu> m_menu;
    QSystemTrayIcon* m_icon = nullptr;
    QTimer m_refreshTimer; // progress comes ~10 times a second per job
    bool m_active = false;
    QString m_lastNotifyError; // warned once until it changes
};

} // namespace ember::ui
