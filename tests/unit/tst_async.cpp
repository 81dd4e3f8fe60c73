// The one async helper (models/async.h): where the outcome arrives, how
// errors travel, and that a destroyed context gets no call.
#include "async.h"
#include "records.h"

#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace ember;

class TestAsync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valueArrivesOnTheMainThread();
    void exceptionBecomesTheErrorText();
    void unknownExceptionIsNamed();
    void voidWork();
    void voidWorkThatThrows();
    void destroyedContextGetsNoCall();
    void ownPoolRunsTheWork();
};

void TestAsync::valueArrivesOnTheMainThread()
{
    QObject context;
    QThread* workThread = nullptr;
    QThread* doneThread = nullptr;
    std::optional<AsyncOutcome<int>> received;
    runInBackground(
        &context,
        [&workThread] {
            workThread = QThread::currentThread();
            return 42;
        },
        [&](AsyncOutcome<int> outcome) {
            doneThread = QThread::currentThread();
            received = std::move(outcome);
        });
    QTRY_VERIFY(received.has_value());
    QVERIFY(received->ok());
    QCOMPARE(*received->value, 42);
    QVERIFY(received->error.isEmpty());
    QVERIFY(workThread != nullptr);
    QVERIFY(workThread != QCoreApplication::instance()->thread()); // off the UI thread
    QCOMPARE(doneThread, QCoreApplication::instance()->thread());
}

void TestAsync::exceptionBecomesTheErrorText()
{
    QObject context;
    std::optional<AsyncOutcome<QString>> received;
    runInBackground(
        &context,
        []() -> QString {
            throw Error(QStringLiteral("the cluster at 10.0.0.1 refused the key: check ceph_key"));
        },
        [&](AsyncOutcome<QString> outcome) { received = std::move(outcome); });
    QTRY_VERIFY(received.has_value());
    QVERIFY(!received->ok());
    QVERIFY(!received->value.has_value());
    QCOMPARE(received->error,
             QStringLiteral("the cluster at 10.0.0.1 refused the key: check ceph_key"));
}

void TestAsync::unknownExceptionIsNamed()
{
    QObject context;
    std::optional<AsyncOutcome<int>> received;
    runInBackground(
        &context, []() -> int { throw 7; },
        [&](AsyncOutcome<int> outcome) { received = std::move(outcome); });
    QTRY_VERIFY(received.has_value());
    QVERIFY(!received->ok());
    QVERIFY(!received->error.isEmpty());
}

void TestAsync::voidWork()
{
    QObject context;
    std::atomic<bool> ran{false};
    std::optional<AsyncOutcome<void>> received;
    runInBackground(
        &context, [&ran] { ran = true; },
        [&](AsyncOutcome<void> outcome) { received = std::move(outcome); });
    QTRY_VERIFY(received.has_value());
    QVERIFY(ran);
    QVERIFY(received->ok());
    QVERIFY(received->error.isEmpty());
}

void TestAsync::voidWorkThatThrows()
{
    QObject context;
    std::optional<AsyncOutcome<void>> received;
    runInBackground(
        &context, [] { throw Error(QStringLiteral("no space left on /backup")); },
        [&](AsyncOutcome<void> outcome) { received = std::move(outcome); });
    QTRY_VERIFY(received.has_value());
    QVERIFY(!received->ok());
    QCOMPARE(received->error, QStringLiteral("no space left on /backup"));
}

void TestAsync::destroyedContextGetsNoCall()
{
    // The work is held until its context is gone (a dialog closed while its
    // connection test runs), then finishes: `done` must not be called.
    QThreadPool pool;
    auto release = std::make_shared<QSemaphore>();
    auto finished = std::make_shared<std::atomic<bool>>(false);
    bool called = false;
    auto* context = new QObject;
    runInBackground(
        context,
        [release, finished] {
            release->acquire();
            *finished = true;
            return QStringLiteral("late answer");
        },
        [&called, context](AsyncOutcome<QString>) {
            called = true;
            context->setObjectName(QStringLiteral("touched after delete")); // would crash
        },
        &pool);
    delete context;
    release->release();
    QVERIFY(pool.waitForDone(10000));
    QVERIFY(finished->load());
    // Let the queued delivery run: it must find the context gone.
    QCoreApplication::sendPostedEvents();
    QTest::qWait(50);
    QVERIFY(!called);

    // The same, with the context destroyed after the work ended but before
    // the outcome was delivered.
    auto* second = new QObject;
    runInBackground(
        second, [] { return 1; }, [&called](AsyncOutcome<int>) { called = true; }, &pool);
    QVERIFY(pool.waitForDone(10000));
    delete second;
    QCoreApplication::sendPostedEvents();
    QTest::qWait(50);
    QVERIFY(!called);
}

void TestAsync::ownPoolRunsTheWork()
{
    QThreadPool pool;
    pool.setMaxThreadCount(1);
    QObject context;
    QThread* workThread = nullptr;
    bool delivered = false;
    runInBackground(
        &context,
        [&workThread] {
            workThread = QThread::currentThread();
            return true;
        },
        [&delivered](AsyncOutcome<bool> outcome) { delivered = outcome.ok() && *outcome.value; },
        &pool);
    QVERIFY(pool.waitForDone(10000));
    QVERIFY(workThread != nullptr);
    QVERIFY(workThread != QCoreApplication::instance()->thread());
    QTRY_VERIFY(delivered);
}

QTEST_GUILESS_MAIN(TestAsync)
#include "tst_async.moc"
