// A private D-Bus session bus (its own dbus-daemon, no service activation) and
// a notification server on it that records what it is sent, for the tests of
// desktop notifications. List this header among a test's SOURCES (moc).
#pragma once

#include <QDBusConnection>
#include <QDBusMessage>
#include <QFile>
#include <QMutex>
#include <QMutexLocker>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QThread>
#include <QVariantMap>

#include <csignal>
#include <memory>
#include <sys/prctl.h>

namespace ember::test {

// dbus-daemon on a socket in a temporary directory. The address is known
// before start(), so a test can put it in DBUS_SESSION_BUS_ADDRESS before the
// application (and Qt D-Bus's cached session bus) exists.
class PrivateSessionBus
{
public:
    PrivateSessionBus()
    {
        // Short path: a unix socket path is limited to 108 bytes.
        m_dir = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/ember-bus-XXXXXX"));
        m_address = QStringLiteral("unix:path=%1/bus").arg(m_dir->path());
    }
    ~PrivateSessionBus() { stop(); }
    PrivateSessionBus(const PrivateSessionBus&) = delete;
    PrivateSessionBus& operator=(const PrivateSessionBus&) = delete;

    QString address() const { return m_address; }

    // Starts the daemon and waits until it listens. Returns the problem, or "".
    QString start()
    {
        if (!m_dir->isValid())
            return QStringLiteral("no temporary directory for the bus");
        // Only what the tests register exists on this bus: no .service files,
        // so a missing server is a plain ServiceUnknown, never an activation.
        const QString config = m_dir->filePath(QStringLiteral("bus.conf"));
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly))
            return QStringLiteral("cannot write %1").arg(config);
        file.write(
            QStringLiteral("<!DOCTYPE busconfig PUBLIC"
                           " \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                           " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                           "<busconfig>\n"
                           "  <type>session</type>\n"
                           "  <listen>%1</listen>\n"
                           "  <auth>EXTERNAL</auth>\n"
                           "  <policy context=\"default\">\n"
                           "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                           "    <allow eavesdrop=\"true\"/>\n"
                           "    <allow own=\"*\"/>\n"
                           "  </policy>\n"
                           "</busconfig>\n")
                .arg(m_address)
                .toUtf8());
        file.close();
        // The daemon ends with the test process, even when the test crashes.
        m_daemon.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
        m_daemon.start(QStringLiteral("dbus-daemon"),
                       {QStringLiteral("--config-file=") + config, QStringLiteral("--nofork"),
                        QStringLiteral("--print-address")});
        if (!m_daemon.waitForStarted(10000))
            return QStringLiteral("dbus-daemon did not start: %1").arg(m_daemon.errorString());
        while (!m_daemon.canReadLine()) {
            if (!m_daemon.waitForReadyRead(10000))
                return QStringLiteral("dbus-daemon printed no address: %1")
                    .arg(QString::fromLocal8Bit(m_daemon.readAllStandardError()));
        }
        const QString printed = QString::fromUtf8(m_daemon.readLine()).trimmed();
        if (!printed.startsWith(m_address))
            return QStringLiteral("dbus-daemon listens on %1, not %2").arg(printed, m_address);
        return {};
    }

    void stop()
    {
        if (m_daemon.state() == QProcess::NotRunning)
            return;
        m_daemon.terminate();
        if (!m_daemon.waitForFinished(5000)) {
            m_daemon.kill();
            m_daemon.waitForFinished(5000);
        }
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_address;
    QProcess m_daemon;
};

struct ReceivedNotification
{
    QString appName;
    quint32 replacesId = 0;
    QString appIcon;
    QString summary;
    QString body;
    QStringList actions;
    QVariantMap hints;
    qint32 expireTimeout = 0;
    quint32 id = 0; // the id the server answered with
};

// What the server object records; shared with the test's thread.
struct NotificationLog
{
    mutable QMutex mutex;
    QList<ReceivedNotification> received;
};

// The exported object (org.freedesktop.Notifications, version 1.2 of the spec).
class NotificationsObject : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    explicit NotificationsObject(std::shared_ptr<NotificationLog> log) : m_log(std::move(log)) {}

public Q_SLOTS:
    quint32 Notify(const QString& appName, quint32 replacesId, const QString& appIcon,
                   const QString& summary, const QString& body, const QStringList& actions,
                   const QVariantMap& hints, qint32 expireTimeout)
    {
        QMutexLocker lock(&m_log->mutex);
        const quint32 id = quint32(m_log->received.size()) + 100;
        m_log->received.append(
            {appName, replacesId, appIcon, summary, body, actions, hints, expireTimeout, id});
        return id;
    }
    QStringList GetCapabilities() { return {QStringLiteral("actions"), QStringLiteral("body")}; }
    QString GetServerInformation(QString& vendor, QString& version, QString& specVersion)
    {
        vendor = QStringLiteral("Ember tests");
        version = QStringLiteral("1");
        specVersion = QStringLiteral("1.2");
        return QStringLiteral("ember-test-notifications");
    }
    void CloseNotification(quint32 id) { Q_UNUSED(id); }

private:
    std::shared_ptr<NotificationLog> m_log;
};

// The server: its own connection to the bus, its object in its own thread
// (so a client's blocking call in the test's thread gets an answer).
class FakeNotificationServer
{
public:
    explicit FakeNotificationServer(const QString& busAddress)
        : m_log(std::make_shared<NotificationLog>()),
          m_connectionName(QStringLiteral("ember-test-notification-server-%1").arg(++s_instances))
    {
        m_thread.setObjectName(QStringLiteral("notification server"));
        QDBusConnection bus = QDBusConnection::connectToBus(busAddress, m_connectionName);
        if (!bus.isConnected()) {
            m_error = QStringLiteral("cannot connect to %1: %2")
                          .arg(busAddress, bus.lastError().message());
            return;
        }
        auto* object = new NotificationsObject(m_log);
        object->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, object, &QObject::deleteLater);
        m_thread.start();
        if (!bus.registerObject(QStringLiteral("/org/freedesktop/Notifications"), object,
                                QDBusConnection::ExportAllSlots))
            m_error = QStringLiteral("cannot export the server object: %1")
                          .arg(bus.lastError().message());
        else if (!bus.registerService(QStringLiteral("org.freedesktop.Notifications")))
            m_error = QStringLiteral("cannot own org.freedesktop.Notifications: %1")
                          .arg(bus.lastError().message());
    }
    ~FakeNotificationServer()
    {
        {
            QDBusConnection bus(m_connectionName);
            bus.unregisterService(QStringLiteral("org.freedesktop.Notifications"));
            bus.unregisterObject(QStringLiteral("/org/freedesktop/Notifications"));
        }
        m_thread.quit();
        m_thread.wait();
        QDBusConnection::disconnectFromBus(m_connectionName);
    }
    FakeNotificationServer(const FakeNotificationServer&) = delete;
    FakeNotificationServer& operator=(const FakeNotificationServer&) = delete;

    QString error() const { return m_error; } // "" when it serves
    QList<ReceivedNotification> received() const
    {
        QMutexLocker lock(&m_log->mutex);
        return m_log->received;
    }
    qsizetype count() const { return received().size(); }

    // What a server sends when the user picks an action of a notification.
    bool sendActionInvoked(quint32 notificationId, const QString& action) const
    {
        QDBusMessage signal = QDBusMessage::createSignal(
            QStringLiteral("/org/freedesktop/Notifications"),
            QStringLiteral("org.freedesktop.Notifications"), QStringLiteral("ActionInvoked"));
        signal << notificationId << action;
        return QDBusConnection(m_connectionName).send(signal);
    }

private:
    static inline int s_instances = 0;
    std::shared_ptr<NotificationLog> m_log;
    QString m_connectionName;
    QThread m_thread;
    QString m_error;
};

} // namespace ember::test
