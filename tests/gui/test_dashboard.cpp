// The main window's pages and the Overview page against a real catalog that
// another connection fills (as ember-cli and scheduled runs do): the four
// pages and their shortcuts, the empty state, a volume shown red and bold when
// its schedule was missed and plain when its backup is recent, a failure
// recorded in the job history in the failures list (double-click opens the
// history), and one chart series per backend ending at its stored bytes.
#include "appcontext.h"
#include "appsettings.h"
#include "backendregistry.h"
#include "catalog.h"
#include "dashboardpanel.h"
#include "historypanel.h"
#include "mainwindow.h"
#include "schedulepanel.h"
#include "testsupport.h"
#include "trayicon.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

using namespace ember;
using namespace ember::ui;

namespace {

// The row of the overview's volumes table showing `name`; -1 when none.
int volumeRow(QTableWidget* table, const QString& name)
{
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, DashboardPanel::VolumeNameColumn) &&
            table->item(row, DashboardPanel::VolumeNameColumn)->text() == name)
            return row;
    return -1;
}

QTreeWidgetItem* failureItem(QTreeWidget* list, qint64 jobId)
{
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        if (list->topLevelItem(i)->data(0, DashboardPanel::JobIdRole).toLongLong() == jobId)
            return list->topLevelItem(i);
    return nullptr;
}

QLineSeries* seriesNamed(QChart* chart, const QString& name)
{
    for (QAbstractSeries* series : chart->series())
        if (series->name() == name)
            return qobject_cast<QLineSeries*>(series);
    return nullptr;
}

} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_context = std::make_unique<AppContext>(defaultCatalogPath());
        m_window = std::make_unique<MainWindow>(*m_context);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(m_context->watcher().hasSnapshot(), 20000);
        const auto backend = m_context->snapshot()->defaultBackend();
        QVERIFY(backend);
        m_defaultBackend = backend->name;
        m_pageAtStart = m_window->tabs()->currentIndex();
    }

    // Runs first: the catalog is still empty.
    void emptyCatalogShowsWhatToDo()
    {
        m_window->showPage(MainWindow::OverviewPage);
        DashboardPanel* panel = m_window->dashboardPanel();
        QTRY_VERIFY(panel->hasData());
        QVERIFY(panel->showsEmptyState());
        QVERIFY(panel->emptyText()->isVisible());
        QVERIFY(panel->emptyText()->text().contains(QStringLiteral("Nothing to show yet")));
    }

    void fourPagesVolumesFirst()
    {
        MainWindow& window = *m_window;
        QTabWidget* tabs = window.tabs();
        QCOMPARE(m_pageAtStart, int(MainWindow::VolumesPage));
        QCOMPARE(tabs->count(), 4);
        QCOMPARE(tabs->tabText(MainWindow::VolumesPage), QStringLiteral("Volumes"));
        QCOMPARE(tabs->tabText(MainWindow::OverviewPage), QStringLiteral("Overview"));
        QCOMPARE(tabs->tabText(MainWindow::SchedulesPage), QStringLiteral("Schedules"));
        QCOMPARE(tabs->tabText(MainWindow::HistoryPage), QStringLiteral("History"));
        QCOMPARE(tabs->widget(MainWindow::OverviewPage), window.dashboardPanel());
        QCOMPARE(tabs->widget(MainWindow::SchedulesPage), window.schedulePanel());
        QCOMPARE(tabs->widget(MainWindow::HistoryPage), window.historyPanel());
        QVERIFY(tabs->widget(MainWindow::VolumesPage)->isAncestorOf(window.volumeView()));
        // View menu entries, Ctrl+1..4.
        for (int page = MainWindow::HistoryPage; page >= MainWindow::VolumesPage; --page) {
            auto* show =
                window.findChild<QAction*>(QStringLiteral("showPage%1Action").arg(page + 1));
            QVERIFY(show);
            QCOMPARE(show->shortcut(), QKeySequence(QStringLiteral("Ctrl+%1").arg(page + 1)));
            show->trigger();
            QCOMPARE(tabs->currentIndex(), page);
        }
        // A notification's "Show history" opens the History page.
        QVERIFY(window.trayIcon());
        Q_EMIT window.trayIcon()->showHistoryRequested(0);
        QCOMPARE(tabs->currentIndex(), int(MainWindow::HistoryPage));
        window.showPage(MainWindow::VolumesPage);
    }

    void overdueVolumeIsRedRecentIsNot()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QString late = addVolume(QStringLiteral("late-db"));
        const QString fresh = addVolume(QStringLiteral("fresh-web"));
        const QString loose = addVolume(QStringLiteral("unscheduled"));
        addBackup(late, m_defaultBackend, now.addDays(-3), 1000);
        addBackup(fresh, m_defaultBackend, now.addSecs(-600), 1000);
        addBackup(loose, m_defaultBackend, now.addDays(-40), 1000);
        {
            Catalog catalog(defaultCatalogPath());
            Schedule nightly;
            nightly.id = newUuid();
            nightly.name = QStringLiteral("nightly-test");
            nightly.calendar = QStringLiteral("*-*-* 02:00:00 UTC");
            nightly.volumeIds = {late, fresh};
            nightly.createdAt = now.addDays(-10);
            catalog.insertSchedule(nightly);
        }

        m_window->showPage(MainWindow::OverviewPage);
        DashboardPanel* panel = m_window->dashboardPanel();
        QTableWidget* table = panel->volumesTable();
        QTRY_VERIFY_WITH_TIMEOUT(volumeRow(table, QStringLiteral("late-db")) >= 0 &&
                                     volumeRow(table, QStringLiteral("fresh-web")) >= 0 &&
                                     volumeRow(table, QStringLiteral("unscheduled")) >= 0 &&
                                     table->item(volumeRow(table, QStringLiteral("late-db")),
                                                 DashboardPanel::ScheduleColumn)
                                             ->text() == QStringLiteral("nightly-test"),
                                 10000);
        QVERIFY(!panel->showsEmptyState());
        QVERIFY(table->isVisible());

        const int lateRow = volumeRow(table, QStringLiteral("late-db"));
        for (int column = 0; column < DashboardPanel::VolumeColumnCount; ++column) {
            QTableWidgetItem* item = table->item(lateRow, column);
            QVERIFY(item->font().bold());
            QCOMPARE(item->foreground().color().red(), 0xc6);
        }
        const QString reason = table->item(lateRow, DashboardPanel::AgeColumn)->toolTip();
        QVERIFY2(reason.contains(QStringLiteral("Overdue")) &&
                     reason.contains(QStringLiteral("nightly-test")),
                 qPrintable(reason));
        QCOMPARE(table->item(lateRow, DashboardPanel::AgeColumn)->text(), QStringLiteral("3 days"));

        for (const QString& name : {QStringLiteral("fresh-web"), QStringLiteral("unscheduled")}) {
            const int row = volumeRow(table, name);
            for (int column = 0; column < DashboardPanel::VolumeColumnCount; ++column)
                QVERIFY2(!table->item(row, column)->font().bold(), qPrintable(name));
            QVERIFY(!table->item(row, DashboardPanel::AgeColumn)
                         ->toolTip()
                         .contains(QStringLiteral("Overdue")));
        }
        QCOMPARE(
            table->item(volumeRow(table, QStringLiteral("fresh-web")), DashboardPanel::AgeColumn)
                ->text(),
            QStringLiteral("10 min"));
        // Old, but no schedule says how old it may be.
        QCOMPARE(
            table->item(volumeRow(table, QStringLiteral("unscheduled")), DashboardPanel::AgeColumn)
                ->text(),
            QStringLiteral("40 days"));
        QVERIFY(panel->summary()->text().contains(QStringLiteral("overdue")));
        // The next runs come from the schedule.
        QTreeWidget* runs = panel->nextRunsList();
        QVERIFY(runs->topLevelItemCount() >= 1);
        QCOMPARE(runs->topLevelItem(0)->text(1), QStringLiteral("nightly-test"));
    }

    void failureInHistoryIsListed()
    {
        const QString volume = addVolume(QStringLiteral("failing-vol"));
        qint64 jobId = 0;
        {
            Catalog catalog(defaultCatalogPath());
            JobRecord job;
            job.kind = QStringLiteral("backup");
            job.origin = QStringLiteral("schedule");
            job.title = QStringLiteral("Backup of failing-vol (incremental)");
            job.volumeId = volume;
            job.volumeName = QStringLiteral("failing-vol");
            job.startedAt = QDateTime::currentDateTimeUtc().addSecs(-3600);
            job.finishedAt = job.startedAt.addSecs(12);
            job.result = JobResult::Failed;
            job.reason = QStringLiteral("backend unreachable: connection refused");
            jobId = catalog.recordJob(job);
        }
        m_window->showPage(MainWindow::OverviewPage);
        DashboardPanel* panel = m_window->dashboardPanel();
        QTreeWidget* failures = panel->failuresList();
        QTRY_VERIFY_WITH_TIMEOUT(failureItem(failures, jobId) != nullptr, 10000);
        QTreeWidgetItem* item = failureItem(failures, jobId);
        QCOMPARE(item->text(1), QStringLiteral("failing-vol"));
        QCOMPARE(item->text(3), QStringLiteral("backend unreachable: connection refused"));

        // Double-click: the History page shows it.
        QSignalSpy requested(panel, &DashboardPanel::showJobRequested);
        failures->scrollToItem(item);
        const QRect rect = failures->visualItemRect(item);
        QTest::mouseClick(failures->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(failures->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().first().toLongLong(), jobId);
        QCOMPARE(m_window->tabs()->currentIndex(), int(MainWindow::HistoryPage));
        m_window->showPage(MainWindow::VolumesPage);
    }

    void chartHasOneSeriesPerBackend()
    {
        {
            Catalog catalog(defaultCatalogPath());
            BackendConfig archive;
            archive.name = QStringLiteral("archive");
            archive.type = QStringLiteral("posix");
            archive.options.insert(
                QStringLiteral("backup_posix_path"),
                QDir(defaultDataDirectory()).filePath(QStringLiteral("archive")));
            catalog.upsertBackend(archive);
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QString volume = addVolume(QStringLiteral("charted"));
        addBackup(volume, QStringLiteral("archive"), now.addDays(-6), 3 * (qint64(1) << 30));
        addBackup(volume, QStringLiteral("archive"), now.addDays(-2), qint64(1) << 29);
        addBackup(volume, m_defaultBackend, now.addDays(-1), 700 * (qint64(1) << 20));
        // A deleted backup no longer counts; a failed one never did.
        const QString gone =
            addBackup(volume, QStringLiteral("archive"), now.addDays(-5), qint64(1) << 30);
        Catalog(defaultCatalogPath()).softDeleteBackup(gone);
        addBackup(volume, QStringLiteral("archive"), now.addDays(-4), qint64(1) << 30,
                  BackupStatus::Error);

        // What each backend holds now, from the catalog.
        QHash<QString, qint64> expected;
        for (const Backup& backup : Catalog(defaultCatalogPath()).backups())
            if (backup.status != BackupStatus::Error && backup.status != BackupStatus::Creating)
                expected[backup.backendName] += backup.storedBytes;
        QCOMPARE(expected.value(QStringLiteral("archive")), 3 * (qint64(1) << 30) + (1 << 29));

        m_window->showPage(MainWindow::OverviewPage);
        DashboardPanel* panel = m_window->dashboardPanel();
        QChart* chart = panel->chart();
        QTRY_VERIFY_WITH_TIMEOUT(
            seriesNamed(chart, QStringLiteral("archive")) && seriesNamed(chart, m_defaultBackend) &&
                panel->data().storage.size() == 2 &&
                seriesNamed(chart, QStringLiteral("archive"))->count() > 0 &&
                qRound64(seriesNamed(chart, QStringLiteral("archive"))->points().last().y() *
                         double(panel->chartUnitBytes())) ==
                    expected.value(QStringLiteral("archive")),
            10000);
        QCOMPARE(chart->series().size(), 2);
        QCOMPARE(panel->chartUnitBytes(), qint64(1) << 30); // the largest value is GiB
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            QLineSeries* series = seriesNamed(chart, it.key());
            QVERIFY2(series, qPrintable(it.key()));
            const QPointF last = series->points().last();
            QCOMPARE(qRound64(last.y() * double(panel->chartUnitBytes())), it.value());
            QVERIFY(qAbs(qint64(last.x()) - QDateTime::currentMSecsSinceEpoch()) < 60000);
        }
        // The archive's line went up to 4.5 GiB and down by the deleted 1 GiB.
        double peak = 0;
        for (const QPointF& point : seriesNamed(chart, QStringLiteral("archive"))->points())
            peak = std::max(peak, point.y());
        QCOMPARE(peak, 4.5);
        m_window->showPage(MainWindow::VolumesPage);
    }

    // Reading the overview does not change the catalog, so the reload after
    // it finds nothing new: an idle catalog is not read again and again.
    void idleCatalogIsNotReread()
    {
        m_window->showPage(MainWindow::OverviewPage);
        DashboardPanel* panel = m_window->dashboardPanel();
        QTRY_VERIFY(panel->hasData());
        QTest::qWait(1000); // what the switch asked for
        QSignalSpy updates(panel, &DashboardPanel::updated);
        QTest::qWait(3000);
        QVERIFY2(updates.size() <= 1, qPrintable(QString::number(updates.size())));
        m_window->showPage(MainWindow::VolumesPage);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_context->waitForQuickTasks(10000);
        m_context.reset();
    }

private:
    QString addVolume(const QString& name)
    {
        Catalog catalog(defaultCatalogPath());
        Volume volume;
        volume.id = newUuid();
        volume.name = name;
        volume.path = QDir(defaultDataDirectory()).filePath(name + QStringLiteral(".img"));
        volume.sizeBytes = 1 << 20;
        volume.createdAt = QDateTime::currentDateTimeUtc().addDays(-60);
        catalog.insertVolume(volume);
        return volume.id;
    }

    QString addBackup(const QString& volumeId, const QString& backend, const QDateTime& createdAt,
                      qint64 storedBytes, const QString& status = BackupStatus::Available)
    {
        Catalog catalog(defaultCatalogPath());
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = volumeId;
        backup.backendName = backend;
        backup.status = status;
        backup.storedBytes = storedBytes;
        backup.volumeSizeBytes = 1 << 20;
        backup.createdAt = createdAt;
        backup.container = backend;
        catalog.insertBackup(backup);
        return backup.id;
    }

    QString m_defaultBackend;
    int m_pageAtStart = -1;
    std::unique_ptr<AppContext> m_context;
    std::unique_ptr<MainWindow> m_window;
};

int main(int argc, char* argv[])
{
    // A catalog, data and settings of our own, set before anything reads them.
    const QString home = test::freshDir(QStringLiteral("gui-dashboard"));
    qputenv("EMBER_HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/data")).toUtf8());
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EmberTest"));
    QApplication::setApplicationName(QStringLiteral("EmberDashboardTest"));
    installTranslators(QStringLiteral("en"));
    TestDashboard test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_dashboard.moc"
