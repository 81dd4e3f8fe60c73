#include "desktopnotifier.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QMutexLocker>
#include <QVariantMap>

namespace ember {

namespace {

const QString notificationsService = QStringLiteral("org.freedesktop.Notifications");
const QString notificationsPath = QStringLiteral("/org/freedesktop/Notifications");
const QString notificationsInterface = QStringLiteral("org.freedesktop.Notifications");
// A notification server answers at once; a slow one must not hold up a job's end.
constexpr int callTimeoutMs = 2000;

QString capitalized(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

QString bytesText(qint64 bytes)
{
    static const char* const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    double value = double(bytes);
    int unit = -1;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    return QStringLiteral("%1 %2").arg(value, 0, 'f', 1).arg(QLatin1String(units[unit]));
}

QString durationText(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

QString resultPhrase(JobResult result)
{
    switch (result) {
    case JobResult::Running:
        return QStringLiteral("is running");
    case JobResult::Succeeded:
        return QStringLiteral("succeeded");
    case JobResult::Failed:
        return QStringLiteral("failed");
    case JobResult::Cancelled:
        return QStringLiteral("was cancelled");
    case JobResult::Skipped:
        return QStringLiteral("was skipped");
    case JobResult::Interrupted:
        return QStringLiteral("was interrupted");
    }
    return jobResultText(result);
}

bool isFailure(JobResult result)
{
    return result == JobResult::Failed || result == JobResult::Interrupted;
}

QDBusMessage notifyMessage(const JobRecord& job)
{
    QDBusMessage message = QDBusMessage::createMethodCall(
        notificationsService, notificationsPath, notificationsInterface, QStringLiteral("Notify"));
    // Pairs of key and label; "default" is what a click on the notification itself invokes.
    const QStringList actions{QStringLiteral("show-history"), QStringLiteral("Show history"),
                              QStringLiteral("default"), QString()};
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"),
                 QVariant::fromValue<uchar>(uchar(DesktopNotifier::urgency(job))));
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("ember"));
    hints.insert(QStringLiteral("category"), isFailure(job.result)
                                                 ? QStringLiteral("transfer.error")
                                                 : QStringLiteral("transfer.complete"));
    message << QStringLiteral("Ember") << quint32(0) << QStringLiteral("ember")
            << DesktopNotifier::summary(job) << DesktopNotifier::body(job) << actions << hints
            << qint32(-1);
    return message;
}

QString unconnectedError(const QDBusConnection& bus)
{
    const QString detail =
        bus.lastError().isValid() ? bus.lastError().message() : QStringLiteral("no connection");
    return QStringLiteral("Desktop notifications need a D-Bus session bus, and there is none "
                          "(%1). Is DBUS_SESSION_BUS_ADDRESS set?")
        .arg(detail);
}

QString callError(const QDBusError& error)
{
    if (error.name() == QLatin1String("org.freedesktop.DBus.Error.NameHasNoOwner"))
        return callError(QDBusError(QDBusError::ServiceUnknown, error.message()));
    switch (error.type()) {
    case QDBusError::ServiceUnknown:
        return QStringLiteral("No desktop notification server is running: nothing provides "
                              "org.freedesktop.Notifications on the session bus.");
    case QDBusError::NoReply:
    case QDBusError::Timeout:
    case QDBusError::TimedOut:
        return QStringLiteral("The desktop notification server did not answer within %1 s.")
            .arg(callTimeoutMs / 1000);
    default:
        return QStringLiteral("The desktop notification server refused the notification: %1 (%2)")
            .arg(error.message(), error.name());
    }
}

} // namespace

DesktopNotifier::DesktopNotifier(QObject* parent)
    : DesktopNotifier(QDBusConnection::sessionBus(), parent)
{
}

DesktopNotifier::DesktopNotifier(const QDBusConnection& bus, QObject* parent)
    : QObject(parent), m_bus(bus)
{
    if (!m_bus.isConnected())
        return;
    // The name's owner is tracked by Qt D-Bus, so a server started later is heard too.
    m_bus.connect(notificationsService, notificationsPath, notificationsInterface,
                  QStringLiteral("ActionInvoked"), this, SLOT(onActionInvoked(quint32, QString)));
    m_bus.connect(notificationsService, notificationsPath, notificationsInterface,
                  QStringLiteral("NotificationClosed"), this,
                  SLOT(onNotificationClosed(quint32, quint32)));
}

QString DesktopNotifier::summary(const JobRecord& job)
{
    QString subject;
    if (!job.kind.isEmpty()) {
        subject = capitalized(job.kind);
        if (!job.volumeName.isEmpty())
            subject += QStringLiteral(" of ") + job.volumeName;
        else if (!job.volumeId.isEmpty())
            subject += QStringLiteral(" of ") + job.volumeId;
    } else if (!job.title.isEmpty()) {
        subject = job.title;
    } else {
        subject = QStringLiteral("Ember job");
    }
    return subject + QLatin1Char(' ') + resultPhrase(job.result);
}

QString DesktopNotifier::body(const JobRecord& job)
{
    QStringList lines;
    if (!job.reason.isEmpty())
        lines.append(job.reason);
    QStringList facts;
    if (job.startedAt.isValid())
        facts.append(QStringLiteral("after %1").arg(durationText(job.durationSeconds())));
    if (job.bytesRead > 0)
        facts.append(QStringLiteral("%1 read").arg(bytesText(job.bytesRead)));
    if (job.bytesStored > 0)
        facts.append(QStringLiteral("%1 stored").arg(bytesText(job.bytesStored)));
    if (!job.backendName.isEmpty())
        facts.append(QStringLiteral("backend %1").arg(job.backendName));
    if (!facts.isEmpty())
        lines.append(capitalized(facts.join(QStringLiteral(", "))) + QLatin1Char('.'));
    return lines.join(QLatin1Char('\n'));
}

int DesktopNotifier::urgency(const JobRecord& job)
{
    return isFailure(job.result) ? 2 : 1;
}

quint32 DesktopNotifier::notify(const JobRecord& job, QString* error)
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return quint32(0);
    };
    if (!m_bus.isConnected())
        return fail(unconnectedError(m_bus));
    const QDBusMessage reply = m_bus.call(notifyMessage(job), QDBus::Block, callTimeoutMs);
    if (reply.type() == QDBusMessage::ErrorMessage)
        return fail(callError(QDBusError(reply)));
    const QList<QVariant> arguments = reply.arguments();
    if (reply.type() != QDBusMessage::ReplyMessage || arguments.isEmpty())
        return fail(QStringLiteral("The desktop notification server gave no notification id."));
    const quint32 id = arguments.first().toUInt();
    remember(id, job.id);
    if (error)
        error->clear();
    return id;
}

void DesktopNotifier::notifyAsync(const JobRecord& job)
{
    const qint64 jobId = job.id;
    if (!m_bus.isConnected()) {
        // Reported from the event loop, as a server's answer would be.
        QMetaObject::invokeMethod(
            this,
            [this, jobId, message = unconnectedError(m_bus)] { Q_EMIT sent(0, jobId, message); },
            Qt::QueuedConnection);
        return;
    }
    auto* watcher =
        new QDBusPendingCallWatcher(m_bus.asyncCall(notifyMessage(job), callTimeoutMs), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, jobId](QDBusPendingCallWatcher* call) {
                call->deleteLater();
                const QDBusPendingReply<quint32> reply = *call;
                if (reply.isError()) {
                    Q_EMIT sent(0, jobId, callError(reply.error()));
                    return;
                }
                remember(reply.value(), jobId);
                Q_EMIT sent(reply.value(), jobId, QString());
            });
}

void DesktopNotifier::remember(quint32 notificationId, qint64 jobId)
{
    QMutexLocker lock(&m_mutex);
    m_jobOfNotification.insert(notificationId, jobId);
}

void DesktopNotifier::onActionInvoked(quint32 notificationId, const QString& action)
{
    qint64 jobId = 0;
    {
        QMutexLocker lock(&m_mutex);
        const auto found = m_jobOfNotification.constFind(notificationId);
        if (found == m_jobOfNotification.cend())
            return; // another application's notification
        jobId = found.value();
    }
    Q_EMIT actionInvoked(jobId, action);
}

void DesktopNotifier::onNotificationClosed(quint32 notificationId, quint32 reason)
{
    Q_UNUSED(reason);
    QMutexLocker lock(&m_mutex);
    m_jobOfNotification.remove(notificationId);
}

} // namespace ember
