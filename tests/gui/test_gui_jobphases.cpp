// A restore's stages (fetch, inflate, check, write) and waiting jobs in the
// jobs panel: the model's Stages and State columns, the panel's column and
// breakdown, and the CLI's progress-line formatting.
#include "../../app/cli/stagetext.h"
#include "catalog.h"
#include "itemroles.h"
#include "jobmodel.h"
#include "jobpanel.h"
#include "jobrunner.h"
#include "testsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTest>
#include <atomic>
#include <thread>

using namespace ember;
using namespace ember::ui;

namespace {

constexpr qint64 kMB = 1000 * 1000;
constexpr qint64 kMs = 1000 * 1000; // nanoseconds
const QString kWaitingPhase = QStringLiteral("waiting: backend 'b' is running 1 of 1 operations");

// Stage figures where the write is the bottleneck (60% of the busy time).
void addRestoreStages(OperationControl& control)
{
    control.addStage(Stage::Fetch, 40 * kMB, 100 * kMs);
    control.addStage(Stage::Inflate, 100 * kMB, 50 * kMs);
    control.addStage(Stage::Check, 100 * kMB, 50 * kMs);
    control.addStage(Stage::Write, 100 * kMB, 300 * kMs);
}

// Blocks the worker until the test releases it (or the job is cancelled).
void waitFor(const std::atomic<bool>& release, OperationControl& control)
{
    while (!release.load()) {
        control.throwIfCancelled();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

Progress stagedProgress()
{
    Progress progress;
    progress.phase = QStringLiteral("restoring");
    progress.bytesDone = 50 * kMB;
    progress.bytesTotal = 100 * kMB;
    progress.bytesPerSecond = 100 * kMB;
    progress.stages[size_t(Stage::Fetch)] = {40 * kMB, 100 * kMs, 410e6};
    progress.stages[size_t(Stage::Inflate)] = {100 * kMB, 50 * kMs, 880e6};
    progress.stages[size_t(Stage::Check)] = {100 * kMB, 50 * kMs, 1.2e9};
    progress.stages[size_t(Stage::Write)] = {100 * kMB, 300 * kMs, 95e6};
    return progress;
}

} // namespace

class TestGuiJobPhases : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("EMBER_HOME", ember::test::freshDir(QStringLiteral("home")).toUtf8());
    }

    void modelAndPanelShowStagesAndWaiting()
    {
        const QString catalogPath =
            ember::test::freshDir(QStringLiteral("runner")) + QStringLiteral("/catalog.sqlite");
        {
            Catalog create(catalogPath);
        }
        JobRunner runner(catalogPath);
        JobModel model(&runner);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        JobPanel panel(&model);
        panel.resize(1600, 360);

        std::atomic<bool> release{false};
        const quint64 restoreId =
            runner.submit({QStringLiteral("restore"),
                           QStringLiteral("restore backup 1"),
                           {},
                           {},
                           {},
                           [&release](BackupService&, OperationControl& control) {
                               const qint64 total = 100 * kMB;
                               control.setPhase(QStringLiteral("restoring"), total);
                               // Some wall time, so the stage rates are known.
                               std::this_thread::sleep_for(std::chrono::milliseconds(150));
                               addRestoreStages(control);
                               // Completing the phase always reaches the UI (no throttle).
                               control.addBytesDone(total);
                               waitFor(release, control);
                               return QStringLiteral("restored");
                           }});
        const quint64 waitingId =
            runner.submit({QStringLiteral("restore"),
                           QStringLiteral("restore backup 2"),
                           {},
                           {},
                           {},
                           [&release](BackupService&, OperationControl& control) {
                               control.setPhase(kWaitingPhase, 0);
                               waitFor(release, control);
                               control.setPhase(QStringLiteral("restoring"), 10);
                               control.addBytesDone(10);
                               return QStringLiteral("restored after waiting");
                           }});

        // The restore: four stages, the write marked as the busiest.
        const int restoreRow = runner.indexOf(restoreId);
        QTRY_VERIFY_WITH_TIMEOUT(runner.job(restoreId)->progress.hasStages(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(runner.job(restoreId)->progress.bytesDone == 100 * kMB, 10000);
        const QModelIndex stages = model.index(restoreRow, JobModel::Stages);
        const QString display = stages.data().toString();
        qInfo("stages column: %s", qPrintable(display));
        for (const char* stage : {"fetch", "inflate", "check", "write"})
            QVERIFY2(display.contains(QLatin1String(stage)), qPrintable(display));
        QVERIFY2(display.contains(QStringLiteral("busiest: write (60%)")), qPrintable(display));
        QVERIFY2(display.contains(QStringLiteral("/s")), qPrintable(display));
        QCOMPARE(model.headerData(JobModel::Stages, Qt::Horizontal).toString(),
                 QStringLiteral("Stages"));
        QCOMPARE(JobModel::Stages, JobModel::Rate + 1);

        const QString tooltip = stages.data(Qt::ToolTipRole).toString();
        qInfo("stages tooltip:\n%s", qPrintable(tooltip));
        QVERIFY2(tooltip.contains(QStringLiteral(
                     "the target is the bottleneck: a slower disk or a busy device")),
                 qPrintable(tooltip));
        QVERIFY2(tooltip.contains(QStringLiteral("60% of the busy time (busiest)")),
                 qPrintable(tooltip));
        QVERIFY2(tooltip.contains(QStringLiteral("20% of the busy time")), qPrintable(tooltip));
        QCOMPARE(tooltip.split(QLatin1Char('\n')).size(), 6); // title, 4 stages, hint

        const QVariantMap raw = stages.data(RawValueRole).toMap();
        QCOMPARE(raw.value(QStringLiteral("busiest")).toString(), QStringLiteral("write"));
        const QVariantMap fetch = raw.value(QStringLiteral("fetch")).toMap();
        QCOMPARE(fetch.value(QStringLiteral("bytes")).toLongLong(), 40 * kMB);
        QCOMPARE(fetch.value(QStringLiteral("busyNs")).toLongLong(), 100 * kMs);
        QVERIFY(fetch.value(QStringLiteral("bytesPerSecond")).toDouble() > 0);
        const QVariantMap write = raw.value(QStringLiteral("write")).toMap();
        QCOMPARE(write.value(QStringLiteral("bytes")).toLongLong(), 100 * kMB);
        QCOMPARE(write.value(QStringLiteral("busyNs")).toLongLong(), 300 * kMs);
        QCOMPARE(write.value(QStringLiteral("busyPercent")).toInt(), 60);
        // The rate is over the phase's wall time (at least the 150 ms slept).
        QVERIFY(write.value(QStringLiteral("bytesPerSecond")).toDouble() <= 100 * kMB / 0.15);

        // The job that waits for an operation slot: "waiting", with what for.
        const int waitingRow = runner.indexOf(waitingId);
        const QModelIndex state = model.index(waitingRow, JobModel::State);
        QTRY_COMPARE_WITH_TIMEOUT(runner.job(waitingId)->progress.phase, kWaitingPhase, 10000);
        QCOMPARE(runner.job(waitingId)->state, JobState::Running);
        QCOMPARE(state.data().toString(),
                 QStringLiteral("waiting (backend 'b' is running 1 of 1 operations)"));
        QVERIFY(state.data(Qt::ToolTipRole).toString().contains(kWaitingPhase));
        QVERIFY(state.data(Qt::ForegroundRole).value<QColor>() !=
                model.index(restoreRow, JobModel::State).data(Qt::ForegroundRole).value<QColor>());
        QVERIFY(model.index(waitingRow, JobModel::Stages).data().toString().isEmpty());
        QVERIFY(model.index(waitingRow, JobModel::Stages).data(RawValueRole).toMap().isEmpty());
        // The running restore is not waiting.
        QVERIFY(model.index(restoreRow, JobModel::State)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("running")));

        // The panel: the column is shown and wide enough; the selected job's
        // breakdown sits under its log.
        QTableView* view = panel.view();
        QVERIFY(!view->isColumnHidden(JobModel::Stages));
        QVERIFY(view->columnWidth(JobModel::Stages) >= 300);
        QVERIFY(panel.selectJob(restoreId));
        panel.updateLog();
        QVERIFY(!panel.stages()->isHidden());
        QVERIFY2(panel.stages()->text().contains(QStringLiteral("the target is the bottleneck")),
                 qPrintable(panel.stages()->text()));
        const QString screenshot = qEnvironmentVariable("EMBER_JOBPANEL_SCREENSHOT");
        if (!screenshot.isEmpty()) {
            // Wide enough that the table shows its columns up to the stages.
            panel.resize(2300, 300);
            panel.splitter()->setSizes({1850, 450});
            QVERIFY(panel.grab().save(screenshot));
        }
        QVERIFY(panel.selectJob(waitingId));
        QVERIFY(panel.stages()->isHidden());

        release = true;
        QTRY_COMPARE_WITH_TIMEOUT(runner.activeCount(), 0, 10000);
        QCOMPARE(runner.job(restoreId)->state, JobState::Succeeded);
        QCOMPARE(runner.job(waitingId)->state, JobState::Succeeded);
        QCOMPARE(model.index(runner.indexOf(waitingId), JobModel::State).data().toString(),
                 QStringLiteral("done"));
        // A finished restore keeps its stages (the last report of its phase).
        QVERIFY(model.index(runner.indexOf(restoreId), JobModel::Stages)
                    .data()
                    .toString()
                    .contains(QStringLiteral("busiest: write")));
    }

    void modelLeavesStagesEmptyWithoutThem()
    {
        Progress progress;
        progress.phase = QStringLiteral("uploading");
        progress.bytesDone = 10;
        QVERIFY(stagesSummary(progress).isEmpty());
        QVERIFY(stagesBreakdown(progress).isEmpty());
        // Bytes but no busy time yet: the stages, but no bottleneck named.
        progress.stages[size_t(Stage::Fetch)].bytes = 1000;
        QVERIFY(stagesSummary(progress).startsWith(QStringLiteral("fetch")));
        QVERIFY(!stagesSummary(progress).contains(QStringLiteral("busiest")));
        QVERIFY(!stagesBreakdown(progress).contains(QStringLiteral("bottleneck")));
        // Stages without bytes (a verify's write) are left out.
        QCOMPARE(stagesBreakdown(progress).split(QLatin1Char('\n')).size(), 2);
        for (Stage stage : {Stage::Fetch, Stage::Inflate, Stage::Check, Stage::Write})
            QVERIFY(bottleneckHint(stage).contains(QStringLiteral("bottleneck")));
        QVERIFY(bottleneckHint(Stage::Fetch).contains(QStringLiteral("network")));
        QVERIFY(bottleneckHint(Stage::Inflate).contains(QStringLiteral("CPU")));
        QVERIFY(bottleneckHint(Stage::Check).contains(QStringLiteral("CPU")));
    }

    // ember-cli's progress line and final breakdown (app/cli/stagetext.h).
    void cliFormatsStages()
    {
        const Progress progress = stagedProgress();
        QCOMPARE(cli::stagesLineText(progress),
                 QStringLiteral("fetch 410 MB/s \u00b7 inflate 880 MB/s \u00b7 check 1.2 GB/s "
                                "\u00b7 write 95 MB/s (busiest: write 60%)"));

        const QString bar = QStringLiteral("[###############---------------]  50%   100.0 MB/s  "
                                           "ETA 0:00  restoring");
        // Wide: everything; narrower: only the busiest; narrower still: the
        // bar alone, cut to the width.
        QCOMPARE(cli::fitProgressLine(bar, progress, 200),
                 bar + QStringLiteral("  ") + cli::stagesLineText(progress));
        QCOMPARE(cli::fitProgressLine(bar, progress, 100),
                 bar + QStringLiteral("  busiest: write 60%"));
        QCOMPARE(cli::fitProgressLine(bar, progress, int(bar.size()) + 1), bar);
        QCOMPARE(cli::fitProgressLine(bar, progress, 40), bar.left(39));
        for (int columns : {40, 80, 100, 132, 200})
            QVERIFY(cli::fitProgressLine(bar, progress, columns).size() < columns);
        QCOMPARE(cli::fitProgressLine(bar, Progress{}, 200), bar);

        const QString breakdown = cli::stagesBreakdownText(progress);
        qInfo("CLI breakdown:\n%s", qPrintable(breakdown));
        const QStringList lines = breakdown.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 6);
        QCOMPARE(lines.at(0), QStringLiteral("stages of restoring:"));
        QVERIFY(lines.at(1).contains(QStringLiteral("fetch")));
        QVERIFY(lines.at(1).contains(QStringLiteral("40.0 MB")));
        QVERIFY(lines.at(1).contains(QStringLiteral("410 MB/s")));
        QVERIFY(lines.at(1).contains(QStringLiteral(" 20% of the busy time")));
        QVERIFY(lines.at(4).contains(QStringLiteral("write")));
        QVERIFY(lines.at(4).contains(QStringLiteral("95 MB/s")));
        QVERIFY(lines.at(4).endsWith(QStringLiteral("60% of the busy time  <- busiest")));
        QCOMPARE(lines.at(5).trimmed(),
                 QStringLiteral("the target is the bottleneck: a slower disk or a busy device"));
        QVERIFY(cli::stagesBreakdownText(Progress{}).isEmpty());

        // A verify has no write stage: it is left out, the check is busiest.
        Progress verify = stagedProgress();
        verify.phase = QStringLiteral("verifying");
        verify.stages[size_t(Stage::Write)] = {};
        verify.stages[size_t(Stage::Check)].busyNs = 850 * kMs;
        QVERIFY(!cli::stagesLineText(verify).contains(QStringLiteral("write")));
        QVERIFY(cli::stagesLineText(verify).endsWith(QStringLiteral("(busiest: check 85%)")));
        QVERIFY(cli::stagesBreakdownText(verify).contains(
            QStringLiteral("checking the checksums is the bottleneck: the CPU")));
    }
};

QTEST_MAIN(TestGuiJobPhases)
#include "test_gui_jobphases.moc"
