// Desktop notifications against a notification server of our own on a private
// D-Bus session bus: the text of a failed and a succeeded job, urgency as a
// D-Bus byte, the actions and hints, the "Show history" action coming back as
// actionInvoked with the job's id, the asynchronous call from an event loop,
// and a clear error when there is no server or no bus.
#include "desktopnotifier.h"
#include "notificationbus.h"

#include <QDBusConnection>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace ember;

namespace {

JobRecord failedBackup()
{
    JobRecord job;
    job.id = 4711;
    job.kind = QStringLiteral("backup");
    job.origin = QStringLiteral("schedule");
    job.title = QStringLiteral("Backup of db-disk (incremental)");
    job.volumeId = QStringLiteral("2f1c6a3e-0000-4000-8000-00000000aaaa");
    job.volumeName = QStringLiteral("db-disk");
    job.backendName = QStringLiteral("local");
    job.startedAt = QDateTime(QDate(2026, 12, 1), QTime(2, 0), QTimeZone::utc());
    job.finishedAt = job.startedAt.addSecs(125);
    job.bytesRead = 3LL << 30;
    job.result = JobResult::Failed;
    job.reason = QStringLiteral("No space left on device while writing /srv/backups/x");
    return job;
}

JobRecord succeededBackup()
{
    JobRecord job = failedBackup();
    job.id = 4712;
    job.bytesStored = 512LL << 20;
    job.result = JobResult::Succeeded;
    job.reason = QStringLiteral("backup 1234abcd available, 3 objects");
    return job;
}

uchar urgencyByte(const test::ReceivedNotification& notification, bool* isByte)
{
    const QVariant urgency = notification.hints.value(QStringLiteral("urgency"));
    *isByte = urgency.metaType() == QMetaType::fromType<uchar>();
    return urgency.value<uchar>();
}

} // namespace

class TestNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString problem = m_bus.start();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QDBusConnection client = QDBusConnection::connectToBus(m_bus.address(), m_clientName);
        QVERIFY2(client.isConnected(), qPrintable(client.lastError().message()));
    }

    void cleanupTestCase()
    {
        QDBusConnection::disconnectFromBus(m_clientName);
        m_bus.stop();
    }

    void textOfFailedAndSucceededJobs()
    {
        QCOMPARE(DesktopNotifier::summary(failedBackup()),
                 QStringLiteral("Backup of db-disk failed"));
        QCOMPARE(DesktopNotifier::body(failedBackup()),
                 QStringLiteral("No space left on device while writing /srv/backups/x\n"
                                "After 2 min 5 s, 3.0 GiB read, backend local."));
        QCOMPARE(DesktopNotifier::summary(succeededBackup()),
                 QStringLiteral("Backup of db-disk succeeded"));
        QCOMPARE(DesktopNotifier::body(succeededBackup()),
                 QStringLiteral("backup 1234abcd available, 3 objects\n"
                                "After 2 min 5 s, 3.0 GiB read, 512.0 MiB stored, backend local."));
        JobRecord interrupted = failedBackup();
        interrupted.result = JobResult::Interrupted;
        QCOMPARE(DesktopNotifier::urgency(interrupted), 2);
        JobRecord cancelled = failedBackup();
        cancelled.result = JobResult::Cancelled;
        QCOMPARE(DesktopNotifier::urgency(cancelled), 1);
    }

    void failedAndSucceededJobsReachTheServer()
    {
        test::FakeNotificationServer server(m_bus.address());
        QVERIFY2(server.error().isEmpty(), qPrintable(server.error()));
        DesktopNotifier notifier(client());
        QString error;
        const quint32 failedId = notifier.notify(failedBackup(), &error);
        QVERIFY2(failedId != 0, qPrintable(error));
        QVERIFY(error.isEmpty());
        const quint32 succeededId = notifier.notify(succeededBackup(), &error);
        QVERIFY2(succeededId != 0, qPrintable(error));
        QVERIFY(succeededId != failedId);

        const QList<test::ReceivedNotification> received = server.received();
        QCOMPARE(received.size(), 2);
        const test::ReceivedNotification& failed = received.at(0);
        const test::ReceivedNotification& succeeded = received.at(1);
        QCOMPARE(failed.id, failedId);
        QCOMPARE(failed.appName, QStringLiteral("Ember"));
        QCOMPARE(failed.replacesId, 0u);
        QCOMPARE(failed.appIcon, QStringLiteral("ember"));
        QCOMPARE(failed.expireTimeout, -1);
        QCOMPARE(failed.summary, DesktopNotifier::summary(failedBackup()));
        QCOMPARE(failed.body, DesktopNotifier::body(failedBackup()));
        QCOMPARE(succeeded.summary, QStringLiteral("Backup of db-disk succeeded"));
        QCOMPARE(succeeded.body, DesktopNotifier::body(succeededBackup()));

        // Urgency travels as a D-Bus byte, as the specification demands.
        bool isByte = false;
        QCOMPARE(urgencyByte(failed, &isByte), uchar(2));
        QVERIFY(isByte);
        QCOMPARE(urgencyByte(succeeded, &isByte), uchar(1));
        QVERIFY(isByte);

        const QStringList actions{QStringLiteral("show-history"), QStringLiteral("Show history"),
                                  QStringLiteral("default"), QString()};
        QCOMPARE(failed.actions, actions);
        QCOMPARE(succeeded.actions, actions);
        QCOMPARE(failed.hints.value(QStringLiteral("desktop-entry")).toString(),
                 QStringLiteral("ember"));
        QCOMPARE(failed.hints.value(QStringLiteral("category")).toString(),
                 QStringLiteral("transfer.error"));
        QCOMPARE(succeeded.hints.value(QStringLiteral("category")).toString(),
                 QStringLiteral("transfer.complete"));
        QCOMPARE(failed.hints.size(), 3);
    }

    void showHistoryActionNamesTheJob()
    {
        test::FakeNotificationServer server(m_bus.address());
        QVERIFY2(server.error().isEmpty(), qPrintable(server.error()));
        DesktopNotifier notifier(client());
        QSignalSpy invoked(&notifier, &DesktopNotifier::actionInvoked);
        QString error;
        const quint32 id = notifier.notify(failedBackup(), &error);
        QVERIFY2(id != 0, qPrintable(error));

        // Another application's notification: not ours to answer.
        QVERIFY(server.sendActionInvoked(id + 1000, QStringLiteral("show-history")));
        QVERIFY(server.sendActionInvoked(id, QStringLiteral("show-history")));
        QVERIFY(invoked.wait(5000));
        QCOMPARE(invoked.size(), 1);
        QCOMPARE(invoked.at(0).at(0).toLongLong(), failedBackup().id);
        QCOMPARE(invoked.at(0).at(1).toString(), QStringLiteral("show-history"));

        QVERIFY(server.sendActionInvoked(id, QStringLiteral("default")));
        QVERIFY(invoked.wait(5000));
        QCOMPARE(invoked.size(), 2);
        QCOMPARE(invoked.at(1).at(0).toLongLong(), failedBackup().id);
        QCOMPARE(invoked.at(1).at(1).toString(), QStringLiteral("default"));
    }

    void serverStartedLaterIsHeardToo()
    {
        // A notifier made before any server runs (a desktop session still
        // starting, a notification daemon restarted) hears the server that comes.
        DesktopNotifier notifier(client());
        QSignalSpy invoked(&notifier, &DesktopNotifier::actionInvoked);
        test::FakeNotificationServer server(m_bus.address());
        QVERIFY2(server.error().isEmpty(), qPrintable(server.error()));
        QString error;
        const quint32 id = notifier.notify(succeededBackup(), &error);
        QVERIFY2(id != 0, qPrintable(error));
        QVERIFY(server.sendActionInvoked(id, QStringLiteral("show-history")));
        QVERIFY(invoked.wait(5000));
        QCOMPARE(invoked.at(0).at(0).toLongLong(), succeededBackup().id);
    }

    void notifyAsyncAnswersInTheEventLoop()
    {
        test::FakeNotificationServer server(m_bus.address());
        QVERIFY2(server.error().isEmpty(), qPrintable(server.error()));
        DesktopNotifier notifier(client());
        QSignalSpy sent(&notifier, &DesktopNotifier::sent);
        notifier.notifyAsync(succeededBackup());
        QCOMPARE(sent.size(), 0); // never answered inside the call
        QVERIFY(sent.wait(5000));
        QCOMPARE(sent.size(), 1);
        const quint32 id = sent.at(0).at(0).value<quint32>();
        QVERIFY(id != 0);
        QCOMPARE(sent.at(0).at(1).toLongLong(), succeededBackup().id);
        QCOMPARE(sent.at(0).at(2).toString(), QString());
        QCOMPARE(server.count(), 1);
        QCOMPARE(server.received().at(0).id, id);
        QCOMPARE(server.received().at(0).summary, QStringLiteral("Backup of db-disk succeeded"));

        // An action on an asynchronously sent notification is ours too.
        QSignalSpy invoked(&notifier, &DesktopNotifier::actionInvoked);
        QVERIFY(server.sendActionInvoked(id, QStringLiteral("show-history")));
        QVERIFY(invoked.wait(5000));
        QCOMPARE(invoked.at(0).at(0).toLongLong(), succeededBackup().id);
    }

    void noServerIsAnErrorNotAThrow()
    {
        DesktopNotifier notifier(client());
        QString error;
        QCOMPARE(notifier.notify(failedBackup(), &error), 0u);
        QVERIFY2(error.contains(QStringLiteral("No desktop notification server")),
                 qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("org.freedesktop.Notifications")));

        QSignalSpy sent(&notifier, &DesktopNotifier::sent);
        notifier.notifyAsync(failedBackup());
        QVERIFY(sent.wait(5000));
        QCOMPARE(sent.at(0).at(0).value<quint32>(), 0u);
        QCOMPARE(sent.at(0).at(1).toLongLong(), failedBackup().id);
        QVERIFY(
            sent.at(0).at(2).toString().contains(QStringLiteral("No desktop notification server")));
    }

    void noBusIsAnErrorNotAThrow()
    {
        const QString name = QStringLiteral("ember-test-no-bus");
        {
            QDBusConnection nowhere = QDBusConnection::connectToBus(
                QStringLiteral("unix:path=/nonexistent/ember-test-bus"), name);
            QVERIFY(!nowhere.isConnected());
            DesktopNotifier notifier(nowhere);
            QString error;
            QCOMPARE(notifier.notify(failedBackup(), &error), 0u);
            QVERIFY2(error.contains(QStringLiteral("D-Bus session bus")), qPrintable(error));

            QSignalSpy sent(&notifier, &DesktopNotifier::sent);
            notifier.notifyAsync(failedBackup());
            QCOMPARE(sent.size(), 0);
            QVERIFY(sent.wait(5000));
            QCOMPARE(sent.at(0).at(0).value<quint32>(), 0u);
            QVERIFY(sent.at(0).at(2).toString().contains(QStringLiteral("D-Bus session bus")));
        }
        QDBusConnection::disconnectFromBus(name);
    }

private:
    QDBusConnection client() const { return QDBusConnection(m_clientName); }

    test::PrivateSessionBus m_bus;
    const QString m_clientName = QStringLiteral("ember-test-client");
};

QTEST_GUILESS_MAIN(TestNotifier)

#include "tst_notifier.moc"
