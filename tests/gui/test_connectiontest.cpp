// The backend wizard's connection test widget, offscreen: checks run one
// after another off the UI thread and each result shows as soon as it is
// known; a failure's text is shown as is; a newer run replaces an older one;
// a widget closed while a check runs gets no late call.
#include "backendwizard.h"
#include "records.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QThreadPool>
#include <QTreeWidget>

#include <atomic>
#include <memory>

using namespace ember;
using namespace ember::ui;

namespace {

QString resultAt(ConnectionTestWidget& widget, int row)
{
    auto* list = widget.findChild<QTreeWidget*>(QStringLiteral("checks"));
    QTreeWidgetItem* item = list ? list->topLevelItem(row) : nullptr;
    return item ? item->text(1) : QStringLiteral("(no row %1)").arg(row);
}

} // namespace

class TestConnectionTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachCheckShowsAsItFinishes();
    void newerRunReplacesTheOlder();
    void closedWidgetGetsNoLateCall();
    void reportErrorBecomesAFailedCheck();
};

void TestConnectionTest::eachCheckShowsAsItFinishes()
{
    ConnectionTestWidget widget;
    QSignalSpy finished(&widget, &ConnectionTestWidget::finished);
    auto second = std::make_shared<QSemaphore>();
    QThread* uiThread = QThread::currentThread();
    auto offUiThread = std::make_shared<std::atomic<bool>>(true);
    QList<LiveCheck> checks;
    checks.append({QStringLiteral("endpoint"), [offUiThread, uiThread] {
                       if (QThread::currentThread() == uiThread)
                           *offUiThread = false;
                       return CheckResult{CheckResult::Pass, QString()};
                   }});
    checks.append({QStringLiteral("credentials"), [second]() -> CheckResult {
                       second->acquire(); // held until the first result is on screen
                       throw Error(QStringLiteral("the server refused the key of user backup"));
                   }});
    checks.append({QStringLiteral("container"), [] {
                       return CheckResult{CheckResult::Warning,
                                          QStringLiteral("container missing: it will be made")};
                   }});
    widget.run(checks);
    QVERIFY(widget.isRunning());

    // The first result shows while the second check still runs.
    QTRY_COMPARE(resultAt(widget, 0), QStringLiteral("ok"));
    QVERIFY(widget.isRunning());
    QCOMPARE(resultAt(widget, 1), QStringLiteral("waiting…"));
    QCOMPARE(finished.count(), 0);
    second->release();

    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY(!widget.isRunning());
    QVERIFY(widget.isFinished());
    QVERIFY(!widget.passed());
    QCOMPARE(resultAt(widget, 1), QStringLiteral("the server refused the key of user backup"));
    QCOMPARE(resultAt(widget, 2), QStringLiteral("container missing: it will be made"));
    QVERIFY(offUiThread->load());
}

void TestConnectionTest::newerRunReplacesTheOlder()
{
    ConnectionTestWidget widget;
    QSignalSpy finished(&widget, &ConnectionTestWidget::finished);
    auto hold = std::make_shared<QSemaphore>();
    auto staleRuns = std::make_shared<std::atomic<int>>(0);
    QList<LiveCheck> older;
    older.append({QStringLiteral("slow"), [hold] {
                      hold->acquire();
                      return CheckResult{CheckResult::Fail, QStringLiteral("old settings")};
                  }});
    older.append({QStringLiteral("after slow"), [staleRuns] {
                      ++*staleRuns;
                      return CheckResult{CheckResult::Fail, QStringLiteral("old settings")};
                  }});
    widget.run(older);

    QList<LiveCheck> newer;
    newer.append({QStringLiteral("fast"), [] { return CheckResult{}; }});
    widget.run(newer);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), true);

    hold->release(); // the older run's check ends now: its result is dropped
    QVERIFY(QThreadPool::globalInstance()->waitForDone(10000));
    QTest::qWait(50);
    QCOMPARE(finished.count(), 1);
    QVERIFY(widget.passed());
    QCOMPARE(resultAt(widget, 0), QStringLiteral("ok"));
    QCOMPARE(staleRuns->load(), 0); // the older run's remaining checks never started
}

void TestConnectionTest::closedWidgetGetsNoLateCall()
{
    auto hold = std::make_shared<QSemaphore>();
    auto laterRuns = std::make_shared<std::atomic<int>>(0);
    auto* widget = new ConnectionTestWidget;
    QList<LiveCheck> checks;
    checks.append({QStringLiteral("slow"), [hold] {
                       hold->acquire();
                       return CheckResult{};
                   }});
    checks.append({QStringLiteral("next"), [laterRuns] {
                       ++*laterRuns;
                       return CheckResult{};
                   }});
    widget->run(checks);
    delete widget; // the wizard closed while the test ran
    hold->release();
    QVERIFY(QThreadPool::globalInstance()->waitForDone(10000));
    QTest::qWait(50); // the late outcome is delivered to nobody (a crash otherwise)
    QCOMPARE(laterRuns->load(), 0);
}

void TestConnectionTest::reportErrorBecomesAFailedCheck()
{
    ConnectionTestWidget widget;
    QSignalSpy finished(&widget, &ConnectionTestWidget::finished);
    widget.runReport([]() -> ConnectionReport {
        throw Error(QStringLiteral("cannot resolve host swift.invalid: check the address"));
    });
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toBool(), false);
    QCOMPARE(resultAt(widget, 0),
             QStringLiteral("cannot resolve host swift.invalid: check the address"));
}

QTEST_MAIN(TestConnectionTest)
#include "test_connectiontest.moc"
