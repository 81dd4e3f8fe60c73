// The one retry back-off (drivers/backoff.h): delays, cap, cancel, retry count.
#include "backoff.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace ember;

class TestBackoff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void delaysDoubleWithJitterBelowTheCap();
    void capIsRespected();
    void jitterSpreadsTheDelays();
    void waitStopsSoonAfterCancel();
    void runRetriesExactlyAttemptsTimesThenRethrows();
    void runStopsAtTheFirstSuccess();
    void nonTransientErrorsAreNotRetried();
    void runWaitsTheDelayItReports();
    void cancelDuringRunStopsTheRetries();
};

void TestBackoff::delaysDoubleWithJitterBelowTheCap()
{
    RetryPolicy policy;
    policy.initialBackoffSeconds = 2;
    policy.maxBackoffSeconds = 1000;
    const Backoff backoff(policy);
    for (int attempt = 0; attempt < 8; ++attempt) {
        const double full = std::min(1000.0, 2 * std::pow(2.0, attempt));
        for (int sample = 0; sample < 200; ++sample) {
            const double delay = backoff.delaySeconds(attempt);
            QVERIFY2(delay >= 0.5 * full && delay <= full,
                     qPrintable(QStringLiteral("attempt %1: %2 s outside [%3, %4]")
                                    .arg(attempt)
                                    .arg(delay)
                                    .arg(0.5 * full)
                                    .arg(full)));
        }
    }
}

void TestBackoff::capIsRespected()
{
    RetryPolicy policy;
    policy.initialBackoffSeconds = 2;
    policy.maxBackoffSeconds = 64;
    const Backoff backoff(policy);
    // 2·2^5 = 64 reaches the cap; later attempts (even absurd ones) stay below it.
    for (int attempt : {5, 6, 10, 30, 1000}) {
        for (int sample = 0; sample < 200; ++sample) {
            const double delay = backoff.delaySeconds(attempt);
            QVERIFY2(delay >= 32 && delay <= 64,
                     qPrintable(QStringLiteral("attempt %1: %2 s").arg(attempt).arg(delay)));
        }
    }
}

void TestBackoff::jitterSpreadsTheDelays()
{
    // Parallel transfers must not retry in step: draws differ.
    const Backoff backoff(RetryPolicy{3, 4, 64});
    std::vector<double> delays;
    for (int sample = 0; sample < 50; ++sample)
        delays.push_back(backoff.delaySeconds(2));
    const auto [low, high] = std::minmax_element(delays.begin(), delays.end());
    QVERIFY(*high - *low > 0.5);
}

void TestBackoff::waitStopsSoonAfterCancel()
{
    // Ten seconds of back-off; cancel is asked for after 100 ms.
    const Backoff backoff(RetryPolicy{1, 10, 10});
    QElapsedTimer clock;
    clock.start();
    bool cancelled = false;
    try {
        backoff.wait(0, [&clock] {
            if (clock.elapsed() >= 100)
                throw Cancelled();
        });
    } catch (const Cancelled&) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QVERIFY2(clock.elapsed() < 250, qPrintable(QString::number(clock.elapsed())));
}

void TestBackoff::runRetriesExactlyAttemptsTimesThenRethrows()
{
    const Backoff backoff(RetryPolicy{3, 0.001, 0.004});
    int calls = 0;
    std::vector<int> retried;
    try {
        backoff.run(
            [&calls] {
                ++calls;
                throw TransientError(QStringLiteral("failure %1").arg(calls));
            },
            {},
            [&retried](const TransientError&, int attempt, double) { retried.push_back(attempt); });
        QFAIL("run() returned although every attempt failed");
    } catch (const TransientError& error) {
        QCOMPARE(error.message(), QStringLiteral("failure 4")); // the last one propagates
    }
    QCOMPARE(calls, 4); // the first try and 3 retries
    QCOMPARE(retried, (std::vector<int>{0, 1, 2}));
}

void TestBackoff::runStopsAtTheFirstSuccess()
{
    const Backoff backoff(RetryPolicy{5, 0.001, 0.004});
    int calls = 0;
    backoff.run([&calls] {
        if (++calls < 3)
            throw TransientError(QStringLiteral("not yet"));
    });
    QCOMPARE(calls, 3);

    // No retries allowed: one call, its error propagates.
    const Backoff never(RetryPolicy{0, 0.001, 0.004});
    calls = 0;
    QVERIFY_THROWS_EXCEPTION(TransientError, never.run([&calls] {
        ++calls;
        throw TransientError(QStringLiteral("once"));
    }));
    QCOMPARE(calls, 1);
}

void TestBackoff::nonTransientErrorsAreNotRetried()
{
    const Backoff backoff(RetryPolicy{5, 0.001, 0.004});
    int calls = 0;
    try {
        backoff.run([&calls] {
            ++calls;
            throw Error(QStringLiteral("access denied"));
        });
        QFAIL("run() swallowed a permanent error");
    } catch (const TransientError&) {
        QFAIL("a permanent error came back as transient");
    } catch (const Error& error) {
        QCOMPARE(error.message(), QStringLiteral("access denied"));
    }
    QCOMPARE(calls, 1);
}

void TestBackoff::runWaitsTheDelayItReports()
{
    // What a store logs ("retrying in 0.2 s") is what it then waits.
    const Backoff backoff(RetryPolicy{3, 0.1, 1});
    double reported = 0;
    QElapsedTimer clock;
    clock.start();
    QVERIFY_THROWS_EXCEPTION(
        TransientError,
        backoff.run([] { throw TransientError(QStringLiteral("busy")); }, {},
                    [&reported](const TransientError&, int, double delay) { reported += delay; }));
    const double waited = clock.nsecsElapsed() / 1e9;
    QVERIFY2(waited >= reported && waited < reported + 0.3,
             qPrintable(QStringLiteral("waited %1 s, reported %2 s").arg(waited).arg(reported)));
}

void TestBackoff::cancelDuringRunStopsTheRetries()
{
    const Backoff backoff(RetryPolicy{5, 10, 10});
    int calls = 0;
    QElapsedTimer clock;
    clock.start();
    QVERIFY_THROWS_EXCEPTION(Cancelled, backoff.run(
                                            [&calls] {
                                                ++calls;
                                                throw TransientError(QStringLiteral("busy"));
                                            },
                                            [&clock] {
                                                if (clock.elapsed() >= 100)
                                                    throw Cancelled();
                                            }));
    QCOMPARE(calls, 1);
    QVERIFY2(clock.elapsed() < 250, qPrintable(QString::number(clock.elapsed())));
}

QTEST_GUILESS_MAIN(TestBackoff)
#include "tst_backoff.moc"
