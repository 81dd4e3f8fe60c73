// Desktop notifications for jobs (org.freedesktop.Notifications on the
// session bus): a failure is critical, a success normal; each carries a
// "Show history" action. No session bus or no server: notify() reports why
// and nothing else happens (a headless host logs instead).
#pragma once

#include "schedule.h"

#include <QDBusConnection>
#include <QHash>
#include <QMutex>
#include <QObject>

namespace ember {

class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    // `bus` defaults to the session bus (tests pass a private one).
    explicit DesktopNotifier(QObject* parent = nullptr);
    DesktopNotifier(const QDBusConnection& bus, QObject* parent = nullptr);

    static QString summary(const JobRecord& job); // "Backup of db-disk failed"
    static QString body(const JobRecord& job);    // reason, duration, bytes
    // 2 (critical) for Failed/Interrupted, 1 (normal) otherwise.
    static int urgency(const JobRecord& job);

    // Blocking call with a short timeout (ember-cli, worker threads). Returns
    // the server's notification id, or 0 with `error` set.
    quint32 notify(const JobRecord& job, QString* error = nullptr);
    // For the UI thread: never blocks; `sent` (id or 0 + error) comes later.
    void notifyAsync(const JobRecord& job);

Q_SIGNALS:
    void sent(quint32 notificationId, qint64 jobId, const QString& error);
    // The user chose an action of one of our notifications ("show-history", "default").
    void actionInvoked(qint64 jobId, const QString& action);

private Q_SLOTS:
    void onActionInvoked(quint32 notificationId, const QString& action);
    void onNotificationClosed(quint32 notificationId, quint32 reason);

private:
    void remember(quint32 notificationId, qint64 jobId);

    QDBusConnection m_bus;
    // notify() may run on a worker thread while signals arrive on the owner's.
    QMutex m_mutex;
    QHash<quint32, qint64> m_jobOfNotification;
};

} // namespace ember
