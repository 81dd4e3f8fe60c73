// Notifications from the desktop application, against a notification server
// the test runs on a private D-Bus session bus: the tray icon follows running
// jobs (offscreen there is no tray, and nothing breaks), a failing job sends a
// critical notification whose "Show history" comes back as
// showHistoryRequested, a succeeding job sends one only with
// notify.on_success=1, and the settings dialog round-trips the job settings
// through the catalog.
#include "appcontext.h"
#include "appsettings.h"
#include "backendregistry.h"
#include "catalog.h"
#include "desktopnotifier.h"
#include "jobevents.h"
#include "notificationbus.h"
#include "settingsdialog.h"
#include "testsupport.h"
#include "trayicon.h"

#include <QApplication>
#include <QCheckBox>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSystemTrayIcon>
#include <QTest>
#include <QThread>

#include <memory>

using namespace ember;
using namespace ember::ui;

namespace {

QPushButton* okButton(QDialog* dialog)
{
    return dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

QString setting(const char* key)
{
    return QString::fromLatin1(key);
}

} // namespace

class TestNotifications : public QObject
{
    Q_OBJECT

public:
    explicit TestNotifications(const QString& busAddress) : m_busAddress(busAddress) {}

private Q_SLOTS:
    void initTestCase()
    {
        // The session bus Qt D-Bus connected (and keeps) is the private one.
        QDBusConnection session = QDBusConnection::sessionBus();
        QVERIFY2(session.isConnected(), qPrintable(session.lastError().message()));
        QVERIFY(!session.interface()->isServiceRegistered(
            QStringLiteral("org.freedesktop.Notifications")));
        m_server = std::make_unique<test::FakeNotificationServer>(m_busAddress);
        QVERIFY2(m_server->error().isEmpty(), qPrintable(m_server->error()));
        QVERIFY(session.interface()->isServiceRegistered(
            QStringLiteral("org.freedesktop.Notifications")));

        m_context = std::make_unique<AppContext>(defaultCatalogPath());
        QTRY_VERIFY_WITH_TIMEOUT(m_context->watcher().hasSnapshot(), 20000);
    }

    void cleanupTestCase()
    {
        m_context.reset();
        m_server.reset();
    }

    void init()
    {
        // Every slot starts from the defaults: failures notified, successes not.
        for (const char* key : {settingkeys::notifyOnFailure, settingkeys::notifyOnSuccess,
                                settingkeys::historyRetentionDays, settingkeys::hookCommand,
                                settingkeys::metricsFile})
            setCatalogSetting(setting(key), QString());
    }

    void failingJobSendsACriticalNotification()
    {
        TrayIcon tray(*m_context);
        QSignalSpy decided(&tray, &TrayIcon::notificationDecided);
        QSignalSpy showHistory(&tray, &TrayIcon::showHistoryRequested);
        QVERIFY(!tray.isActive());
        QVERIFY(!tray.isVisible());
        const qsizetype before = m_server->count();

        auto gate = std::make_shared<QSemaphore>();
        JobSpec spec;
        spec.kind = QStringLiteral("backup");
        spec.title = QStringLiteral("Backup of db-disk");
        spec.volumeName = QStringLiteral("db-disk");
        spec.work = [gate](BackupService&, OperationControl& control) -> QString {
            control.setPhase(QStringLiteral("reading"), 1000);
            // Past the progress throttles (the control's and the runner's).
            QThread::msleep(300);
            control.addBytesDone(420);
            QThread::msleep(300);
            control.addBytesDone(0);
            if (!gate->tryAcquire(1, 60000))
                throw Error(QStringLiteral("the test never let the job go on"));
            throw Error(QStringLiteral("No space left on device while writing the backup"));
        };
        const quint64 job = m_context->runner().submit(spec);

        // While it runs: active, with its progress in the tooltip and the menu.
        QTRY_VERIFY_WITH_TIMEOUT(tray.isActive(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(tray.toolTip().contains(QStringLiteral("Backup of db-disk: 42 %")),
                                 10000);
        QStringList entries;
        for (const QAction* action : tray.menu()->actions())
            entries.append(action->text());
        QVERIFY2(entries.contains(QStringLiteral("Backup of db-disk: 42 %")),
                 qPrintable(entries.join(QLatin1Char('|'))));
        // Offscreen there is no system tray: the icon stays hidden, nothing breaks.
        if (!QSystemTrayIcon::isSystemTrayAvailable())
            QVERIFY(!tray.isVisible());

        gate->release();
        QVERIFY(decided.wait(30000));
        QCOMPARE(decided.at(0).at(0).value<quint64>(), job);
        QCOMPARE(decided.at(0).at(1).toBool(), true);
        QCOMPARE(m_context->runner().job(job)->state, JobState::Failed);
        QTRY_COMPARE_WITH_TIMEOUT(m_server->count(), before + 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!tray.isActive(), 10000);
        QVERIFY(!tray.isVisible());

        const test::ReceivedNotification sent = m_server->received().last();
        QCOMPARE(sent.appName, QStringLiteral("Ember"));
        QCOMPARE(sent.summary, QStringLiteral("Backup of db-disk failed"));
        QVERIFY2(sent.body.startsWith(
                     QStringLiteral("No space left on device while writing the backup")),
                 qPrintable(sent.body));
        const QVariant urgency = sent.hints.value(QStringLiteral("urgency"));
        QCOMPARE(urgency.metaType(), QMetaType::fromType<uchar>());
        QCOMPARE(urgency.value<uchar>(), uchar(2)); // critical
        QCOMPARE(sent.hints.value(QStringLiteral("category")).toString(),
                 QStringLiteral("transfer.error"));
        QVERIFY(sent.actions.contains(QStringLiteral("show-history")));

        // "Show history" on it reaches whoever shows the history.
        QVERIFY(m_server->sendActionInvoked(sent.id, QStringLiteral("show-history")));
        QVERIFY(showHistory.wait(10000));
        const qint64 historyId = showHistory.at(0).at(0).toLongLong();
        if (historyId != 0) { // the history recorded the job: it is this one
            Catalog catalog(m_context->catalogPath());
            const auto record = catalog.job(historyId);
            QVERIFY(record);
            QCOMPARE(record->result, JobResult::Failed);
            QCOMPARE(record->volumeName, QStringLiteral("db-disk"));
        }
        m_context->runner().removeFinished();
    }

    void succeedingJobNotifiesOnlyWhenAsked()
    {
        TrayIcon tray(*m_context);
        QSignalSpy decided(&tray, &TrayIcon::notificationDecided);
        const qsizetype before = m_server->count();

        const quint64 quiet = m_context->runner().submit(succeedingJob());
        QVERIFY(decided.wait(30000));
        QCOMPARE(decided.at(0).at(0).value<quint64>(), quiet);
        QCOMPARE(decided.at(0).at(1).toBool(), false);
        QCOMPARE(m_context->runner().job(quiet)->state, JobState::Succeeded);

        setCatalogSetting(setting(settingkeys::notifyOnSuccess), QStringLiteral("1"));
        const quint64 told = m_context->runner().submit(succeedingJob());
        QVERIFY(decided.wait(30000));
        QCOMPARE(decided.at(1).at(0).value<quint64>(), told);
        QCOMPARE(decided.at(1).at(1).toBool(), true);
        // Exactly one: the first job sent none.
        QTRY_COMPARE_WITH_TIMEOUT(m_server->count(), before + 1, 10000);
        const test::ReceivedNotification sent = m_server->received().last();
        QCOMPARE(sent.summary, QStringLiteral("Backup of web-disk succeeded"));
        QVERIFY2(sent.body.startsWith(QStringLiteral("backup 1234abcd available")),
                 qPrintable(sent.body));
        QCOMPARE(sent.hints.value(QStringLiteral("urgency")).value<uchar>(), uchar(1)); // normal
        QCOMPARE(sent.hints.value(QStringLiteral("category")).toString(),
                 QStringLiteral("transfer.complete"));
        m_context->runner().removeFinished();
    }

    void failureNotificationCanBeTurnedOff()
    {
        setCatalogSetting(setting(settingkeys::notifyOnFailure), QStringLiteral("0"));
        TrayIcon tray(*m_context);
        QSignalSpy decided(&tray, &TrayIcon::notificationDecided);
        JobSpec spec = succeedingJob();
        spec.work = [](BackupService&, OperationControl&) -> QString {
            throw Error(QStringLiteral("backend unreachable"));
        };
        m_context->runner().submit(spec);
        QVERIFY(decided.wait(30000));
        QCOMPARE(decided.at(0).at(1).toBool(), false);
        m_context->runner().removeFinished();
    }

    void settingsDialogRoundTripsTheJobSettings()
    {
        const QString metrics =
            test::freshDir(QStringLiteral("metrics")) + QStringLiteral("/ember.prom");
        const QString hook =
            QStringLiteral("logger -t ember \"$EMBER_JOB_RESULT $EMBER_VOLUME_NAME\"");
        {
            SettingsDialog dialog(*m_context);
            QSignalSpy read(&dialog, &SettingsDialog::jobSettingsRead);
            dialog.show();
            auto* group = dialog.findChild<QGroupBox*>(QStringLiteral("jobsGroup"));
            QVERIFY(group);
            QVERIFY(!group->isEnabled()); // until the catalog's values are in
            QVERIFY(read.wait(10000));
            QCOMPARE(read.at(0).at(0).toString(), QString());
            QVERIFY(group->isEnabled());

            auto* days = dialog.findChild<QSpinBox*>(QStringLiteral("historyRetentionDays"));
            auto* onFailure = dialog.findChild<QCheckBox*>(QStringLiteral("notifyOnFailure"));
            auto* onSuccess = dialog.findChild<QCheckBox*>(QStringLiteral("notifyOnSuccess"));
            auto* hookEdit = dialog.findChild<QLineEdit*>(QStringLiteral("hookCommand"));
            auto* metricsEdit = dialog.findChild<QLineEdit*>(QStringLiteral("metricsFile"));
            QCOMPARE(days->value(), 90);
            QVERIFY(onFailure->isChecked());
            QVERIFY(!onSuccess->isChecked());
            QCOMPARE(hookEdit->text(), QString());
            QCOMPARE(metricsEdit->text(), QString());

            days->setValue(30);
            onFailure->setChecked(false);
            onSuccess->setChecked(true);
            hookEdit->setText(hook);
            auto* problem = dialog.findChild<QLabel*>(QStringLiteral("problem"));
            metricsEdit->setText(QStringLiteral("ember.prom"));
            QVERIFY(!okButton(&dialog)->isEnabled());
            QVERIFY2(problem->text().contains(QStringLiteral("absolute path")),
                     qPrintable(problem->text()));
            metricsEdit->setText(metrics + QStringLiteral(".txt"));
            QVERIFY(!okButton(&dialog)->isEnabled());
            QVERIFY2(problem->text().contains(QStringLiteral(".prom")),
                     qPrintable(problem->text()));
            metricsEdit->setText(metrics);
            QVERIFY(okButton(&dialog)->isEnabled());

            QSignalSpy accepted(&dialog, &QDialog::accepted);
            okButton(&dialog)->click();
            QCOMPARE(accepted.size(), 0); // stored first, off the UI thread
            QVERIFY(accepted.wait(10000));
        }
        // In the catalog, where ember-cli and scheduled runs read them.
        const AfterJobSettings stored = readJobSettings();
        QCOMPARE(stored.historyRetentionDays, 30);
        QCOMPARE(stored.notifyOnFailure, false);
        QCOMPARE(stored.notifyOnSuccess, true);
        QCOMPARE(stored.hookCommand, hook);
        QCOMPARE(stored.metricsFile, metrics);
        QCOMPARE(catalogSetting(setting(settingkeys::notifyOnFailure)), QStringLiteral("0"));
        QCOMPARE(catalogSetting(setting(settingkeys::historyRetentionDays)), QStringLiteral("30"));

        // A new dialog shows what was stored.
        SettingsDialog again(*m_context);
        QSignalSpy read(&again, &SettingsDialog::jobSettingsRead);
        QVERIFY(read.wait(10000));
        QCOMPARE(again.findChild<QSpinBox*>(QStringLiteral("historyRetentionDays"))->value(), 30);
        QVERIFY(!again.findChild<QCheckBox*>(QStringLiteral("notifyOnFailure"))->isChecked());
        QVERIFY(again.findChild<QCheckBox*>(QStringLiteral("notifyOnSuccess"))->isChecked());
        QCOMPARE(again.findChild<QLineEdit*>(QStringLiteral("hookCommand"))->text(), hook);
        QCOMPARE(again.findChild<QLineEdit*>(QStringLiteral("metricsFile"))->text(), metrics);
    }

    void settingsDialogWithoutContextHasNoJobsGroup()
    {
        SettingsDialog dialog(m_context->snapshot());
        QVERIFY(!dialog.findChild<QGroupBox*>(QStringLiteral("jobsGroup")));
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        okButton(&dialog)->click();
        QCOMPARE(accepted.size(), 1); // nothing to store: closes at once
    }

private:
    static JobSpec succeedingJob()
    {
        JobSpec spec;
        spec.kind = QStringLiteral("backup");
        spec.title = QStringLiteral("Backup of web-disk");
        spec.volumeName = QStringLiteral("web-disk");
        spec.work = [](BackupService&, OperationControl&) {
            return QStringLiteral("backup 1234abcd available, 3 objects");
        };
        return spec;
    }

    // Catalog work off the test's thread, as the application does it.
    QVariant runQuick(const AppContext::QuickWork& work)
    {
        bool done = false;
        QVariant result;
        QString failure;
        m_context->runQuick(this, work, [&](const QVariant& value, const QString& error) {
            result = value;
            failure = error;
            done = true;
        });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 10000); }();
        if (!failure.isEmpty())
            qWarning("catalog work failed: %s", qPrintable(failure));
        return result;
    }

    void setCatalogSetting(const QString& key, const QString& value)
    {
        runQuick([key, value](BackupService& service) {
            service.catalog().setSetting(key, value);
            return QVariant();
        });
    }

    QString catalogSetting(const QString& key)
    {
        return runQuick([key](BackupService& service) {
                   return QVariant(service.catalog().setting(key));
               })
            .toString();
    }

    AfterJobSettings readJobSettings()
    {
        auto settings = std::make_shared<AfterJobSettings>();
        runQuick([settings](BackupService& service) {
            *settings = AfterJobSettings::load(service.catalog());
            return QVariant();
        });
        return *settings;
    }

    QString m_busAddress;
    std::unique_ptr<test::FakeNotificationServer> m_server;
    std::unique_ptr<AppContext> m_context;
};

int main(int argc, char* argv[])
{
    const QString home = test::freshDir(QStringLiteral("gui-notifications"));
    qputenv("EMBER_HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/data")).toUtf8());
    // Qt D-Bus connects the session bus on first use and keeps that
    // connection for the process: the private bus's address is set before the
    // application exists (the daemon starts right after, before any test).
    auto bus = std::make_unique<test::PrivateSessionBus>();
    qputenv("DBUS_SESSION_BUS_ADDRESS", bus->address().toUtf8());
    int result = 1;
    {
        QApplication app(argc, argv);
        QApplication::setOrganizationName(QStringLiteral("EmberTest"));
        QApplication::setApplicationName(QStringLiteral("EmberGuiTest"));
        installTranslators(QStringLiteral("en"));
        const QString problem = bus->start();
        if (!problem.isEmpty()) {
            qCritical("The private session bus did not start: %s", qPrintable(problem));
            return 1;
        }
        TestNotifications test(bus->address());
        result = QTest::qExec(&test, argc, argv);
        bus.reset();
    }
    return result;
}

#include "test_notifications.moc"
