// Bandwidth limits (drivers/bandwidth.h): the schedule's text form and its
// errors, time windows, the token bucket on a fake clock (exact token
// arithmetic, bursts, a window edge crossed mid-transfer, cancellation,
// bounded takes and debts), the process-wide buckets per backend, the
// ObjectStore decorator (a cancel seen soon under 10 kB/s), and the real
// rate through a local directory store.
#include "bandwidth.h"
#include "posixstore.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <future>
#include <thread>

using namespace ember;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(std::optional<QTime>)

namespace {

// A clock that moves only when the bucket sleeps, and the local time it implies.
struct FakeTime
{
    std::chrono::steady_clock::time_point now{};
    QTime start{12, 0};
    std::vector<std::chrono::nanoseconds> sleeps;

    std::unique_ptr<TokenBucket> bucket(const QString& schedule)
    {
        return std::make_unique<TokenBucket>(
            BandwidthSchedule::parse(schedule), [this] { return now; },
            [this] {
                return start.addMSecs(int(
                    std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch())
                        .count()));
            },
            [this](std::chrono::nanoseconds duration) {
                sleeps.push_back(duration);
                now += duration;
            });
    }
    std::chrono::nanoseconds slept() const
    {
        std::chrono::nanoseconds total{};
        for (const auto duration : sleeps)
            total += duration;
        return total;
    }
    bool slicesAtMost100ms() const
    {
        return std::all_of(sleeps.begin(), sleeps.end(), [](auto d) { return d <= 100ms; });
    }
};

// Within a microsecond: the bucket rounds each wait up to whole nanoseconds.
bool about(std::chrono::nanoseconds actual, std::chrono::nanoseconds expected)
{
    return std::chrono::abs(actual - expected) < 1us;
}

QString errorOf(const QString& text)
{
    try {
        BandwidthSchedule::parse(text);
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

// Records every call, so the decorator is seen to forward each virtual.
class RecordingStore : public ObjectStore
{
public:
    QStringList calls;
    QString serviceName() const override { return QStringLiteral("recording"); }
    QString objectPrefix(const Backup&, const QDateTime&) const override
    {
        return QStringLiteral("prefix");
    }
    QString defaultContainer(const Backup&) const override { return QStringLiteral("default"); }
    QString invalidContainer(const QString& container) const override
    {
        return container == QLatin1String("bad") ? QStringLiteral("bad container") : QString();
    }
    QString invalidObjectPrefix(const QString& prefix) const override
    {
        return prefix == QLatin1String("bad") ? QStringLiteral("bad prefix") : QString();
    }
    void ensureContainer(const QString& container) override
    {
        calls.append(QStringLiteral("ensure ") + container);
    }
    void put(const QString&, const QString& name, const DataProducer& producer,
             std::optional<qint64> length) override
    {
        QByteArray data;
        char buffer[1 << 20];
        while (const size_t count = producer(buffer, sizeof buffer))
            data.append(buffer, qsizetype(count));
        objects.insert(name, data);
        calls.append(QStringLiteral("put %1 %2").arg(name).arg(length.value_or(-1)));
    }
    void get(const QString&, const QString& name, const DataConsumer& consumer) override
    {
        const QByteArray data = objects.value(name);
        consumer(data.constData(), size_t(data.size()));
        calls.append(QStringLiteral("get ") + name);
    }
    QStringList list(const QString&, const QString& prefix) override
    {
        calls.append(QStringLiteral("list ") + prefix);
        return objects.keys();
    }
    void remove(const QString&, const QString& name) override
    {
        calls.append(QStringLiteral("remove ") + name);
    }
    int parallelTransfers() const override { return 7; }
    RetryPolicy retryPolicy() const override
    {
        RetryPolicy policy;
        policy.attempts = 9;
        return policy;
    }
    std::optional<ObjectRetention> retentionForNewObjects() const override
    {
        return ObjectRetention{QStringLiteral("COMPLIANCE"), QDateTime(QDate(2030, 1, 1), {})};
    }
    QMap<QString, QByteArray> objects;
};

QByteArray patterned(qint64 size)
{
    QByteArray data(size, Qt::Uninitialized);
    quint32 state = 2463534242u;
    for (qint64 i = 0; i < size; ++i) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        data[i] = char(state);
    }
    return data;
}

// Puts `size` bytes of a repeating pattern; returns the SHA-256 of what it produced.
QByteArray putPattern(ObjectStore& store, const QString& name, qint64 size)
{
    static const QByteArray block = patterned(1 << 20);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 produced = 0;
    store.put(
        QStringLiteral("c"), name,
        [&](char* buffer, size_t capacity) {
            const size_t count = size_t(std::min<qint64>(
                {qint64(capacity), size - produced, block.size() - produced % block.size()}));
            std::memcpy(buffer, block.constData() + produced % block.size(), count);
            hash.addData(QByteArrayView(buffer, qsizetype(count)));
            produced += qint64(count);
            return count;
        },
        size);
    return hash.result();
}

QByteArray getHash(ObjectStore& store, const QString& name, qint64* size)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    *size = 0;
    store.get(QStringLiteral("c"), name, [&](const char* data, size_t length) {
        hash.addData(QByteArrayView(data, qsizetype(length)));
        *size += qint64(length);
    });
    return hash.result();
}

constexpr qint64 MB = 1000 * 1000;

} // namespace

class TestBandwidth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesValidForms_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("rate");
        QTest::newRow("MB/s") << "20MB/s" << 20 * MB;
        QTest::newRow("space before the unit") << "20 MB/s" << 20 * MB;
        QTest::newRow("no /s") << "20MB" << 20 * MB;
        QTest::newRow("kB") << "512kB/s" << qint64(512000);
        QTest::newRow("KB: letters other than b in any case") << "512KB/s" << qint64(512000);
        QTest::newRow("GB") << "1GB/s" << qint64(1000) * MB;
        QTest::newRow("KiB") << "64KiB/s" << qint64(65536);
        QTest::newRow("fractional MiB") << "1.5MiB/s" << qint64(1572864);
        QTest::newRow("GiB") << "1GiB" << (qint64(1) << 30);
        QTest::newRow("bytes") << "100B/s" << qint64(100);
        QTest::newRow("bare number") << "100" << qint64(100);
        QTest::newRow("unlimited") << "unlimited" << qint64(0);
        QTest::newRow("Unlimited") << "Unlimited" << qint64(0);
        QTest::newRow("zero") << "0" << qint64(0);
        QTest::newRow("zero with unit") << "0MB/s" << qint64(0);
        QTest::newRow("surrounding spaces") << "  7MB/s  " << 7 * MB;
    }
    void parsesValidForms()
    {
        QFETCH(QString, text);
        QFETCH(qint64, rate);
        const BandwidthSchedule schedule = BandwidthSchedule::parse(text);
        QCOMPARE(schedule.rules().size(), 1);
        QCOMPARE(schedule.rules().first().bytesPerSecond, rate);
        QVERIFY(!schedule.rules().first().from && !schedule.rules().first().to);
        QCOMPARE(schedule.rateAt(QTime(3, 0)), rate);
        QCOMPARE(schedule.isUnlimited(), rate == 0);
        QCOMPARE(schedule.text(), text.trimmed());
        QCOMPARE(bandwidthScheduleProblem(text), QString());
    }

    void parsesRulesAndWindows()
    {
        const BandwidthSchedule empty = BandwidthSchedule::parse(QString());
        QVERIFY(empty.rules().isEmpty());
        QVERIFY(empty.isUnlimited());
        QCOMPARE(bandwidthScheduleProblem(QStringLiteral("   ")), QString());

        const BandwidthSchedule office =
            BandwidthSchedule::parse(QStringLiteral("10MB/s 08:00-18:00, 50MB/s"));
        QCOMPARE(office.rules().size(), 2);
        QCOMPARE(office.rules()[0].bytesPerSecond, 10 * MB);
        QCOMPARE(office.rules()[0].from, std::optional<QTime>(QTime(8, 0)));
        QCOMPARE(office.rules()[0].to, std::optional<QTime>(QTime(18, 0)));
        QCOMPARE(office.rules()[1].bytesPerSecond, 50 * MB);
        QVERIFY(!office.rules()[1].from);
        QVERIFY(!office.isUnlimited());

        const BandwidthSchedule night =
            BandwidthSchedule::parse(QStringLiteral("5MiB/s 22:00-06:00,unlimited 7:30-8:15"));
        QCOMPARE(night.rules().size(), 2);
        QCOMPARE(night.rules()[0].from, std::optional<QTime>(QTime(22, 0)));
        QCOMPARE(night.rules()[0].to, std::optional<QTime>(QTime(6, 0)));
        QCOMPARE(night.rules()[1].from, std::optional<QTime>(QTime(7, 30)));
        QCOMPARE(night.rules()[1].bytesPerSecond, qint64(0));
    }

    void namesTheBadPart_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown unit") << "10 MX/s"
                                      << "bandwidth limit '10 MX/s': unknown unit 'MX/s'";
        QTest::newRow("bits are not bytes") << "10Mb/s"
                                            << "bandwidth limit '10Mb/s': unknown unit 'Mb/s'";
        QTest::newRow("not a rate") << "fast"
                                    << "bandwidth limit 'fast': 'fast' is not a rate";
        QTest::newRow("negative") << "-5MB/s"
                                  << "bandwidth limit '-5MB/s': '-5MB/s' is not a rate";
        QTest::newRow("hour out of range")
            << "10MB/s 25:00-18:00"
            << "bandwidth limit '10MB/s 25:00-18:00': window '25:00-18:00': hour 25 out of range";
        QTest::newRow("minute out of range")
            << "10MB/s 08:00-18:61"
            << "bandwidth limit '10MB/s 08:00-18:61': window '08:00-18:61': minute 61 out of "
               "range";
        QTest::newRow("one end") << "10MB/s 08:00"
                                 << "bandwidth limit '10MB/s 08:00': window '08:00': expected "
                                    "HH:MM-HH:MM";
        QTest::newRow("not a time")
            << "10MB/s 8h-18:00"
            << "bandwidth limit '10MB/s 8h-18:00': window '8h-18:00': '8h' is not a time of day";
        QTest::newRow("empty window")
            << "10MB/s 08:00-08:00"
            << "bandwidth limit '10MB/s 08:00-08:00': window '08:00-08:00' is empty";
        QTest::newRow("no rate") << "08:00-18:00"
                                 << "bandwidth limit '08:00-18:00': no rate before window "
                                    "'08:00-18:00'";
        QTest::newRow("bad rule among good ones")
            << "10MB/s 08:00-18:00, 5 furlongs"
            << "bandwidth limit '10MB/s 08:00-18:00, 5 furlongs': unknown unit 'furlongs'";
        QTest::newRow("empty rule") << "10MB/s,,5MB/s"
                                    << "bandwidth limit '10MB/s,,5MB/s': empty rule between commas";
        QTest::newRow("below one byte")
            << "0.2B/s"
            << "bandwidth limit '0.2B/s': rate '0.2B/s' is less than one byte";
    }
    void namesTheBadPart()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const QString error = errorOf(text);
        QVERIFY2(error.startsWith(message), qPrintable(error));
        QCOMPARE(bandwidthScheduleProblem(text), error);
    }

    void windowsPickTheRate()
    {
        const BandwidthSchedule office =
            BandwidthSchedule::parse(QStringLiteral("10MB/s 08:00-18:00, 50MB/s"));
        QCOMPARE(office.rateAt(QTime(8, 0)), 10 * MB); // the start belongs to the window
        QCOMPARE(office.rateAt(QTime(12, 30)), 10 * MB);
        QCOMPARE(office.rateAt(QTime(17, 59, 59, 999)), 10 * MB);
        QCOMPARE(office.rateAt(QTime(18, 0)), 50 * MB); // the end does not
        QCOMPARE(office.rateAt(QTime(7, 59, 59)), 50 * MB);
        QCOMPARE(office.rateAt(QTime(0, 0)), 50 * MB);

        const BandwidthSchedule night = BandwidthSchedule::parse(QStringLiteral("5MB 22:00-06:00"));
        QCOMPARE(night.rateAt(QTime(22, 0)), 5 * MB);
        QCOMPARE(night.rateAt(QTime(23, 59, 59)), 5 * MB);
        QCOMPARE(night.rateAt(QTime(0, 0)), 5 * MB);
        QCOMPARE(night.rateAt(QTime(5, 59)), 5 * MB);
        // Outside every window: no rule applies, so no limit.
        QCOMPARE(night.rateAt(QTime(6, 0)), qint64(0));
        QCOMPARE(night.rateAt(QTime(12, 0)), qint64(0));
        QVERIFY(!night.isUnlimited());

        // Overlapping windows: the first rule that holds wins.
        const BandwidthSchedule overlap =
            BandwidthSchedule::parse(QStringLiteral("1MB 08:00-18:00, 2MB 12:00-14:00, 3MB"));
        QCOMPARE(overlap.rateAt(QTime(13, 0)), 1 * MB);
        QCOMPARE(overlap.rateAt(QTime(19, 0)), 3 * MB);
        const BandwidthSchedule reversed =
            BandwidthSchedule::parse(QStringLiteral("2MB 12:00-14:00, 1MB 08:00-18:00"));
        QCOMPARE(reversed.rateAt(QTime(13, 0)), 2 * MB);
        QCOMPARE(reversed.rateAt(QTime(9, 0)), 1 * MB);
        // An unlimited window inside a limited day.
        const BandwidthSchedule lunch =
            BandwidthSchedule::parse(QStringLiteral("unlimited 12:00-13:00, 1MB"));
        QCOMPARE(lunch.rateAt(QTime(12, 30)), qint64(0));
        QCOMPARE(lunch.rateAt(QTime(13, 0)), 1 * MB);
    }

    // 1 kB/s: a byte is a millisecond, the burst 250 bytes.
    void bucketCountsTokensExactly()
    {
        FakeTime time;
        const auto bucket = time.bucket(QStringLiteral("1kB/s"));
        QCOMPARE(bucket->currentRate(), qint64(1000));
        // A new bucket starts with one burst.
        QVERIFY(bucket->acquire(250));
        QVERIFY(time.sleeps.empty());
        // Empty now: 1000 bytes take one second, in slices of at most 100 ms.
        QVERIFY(bucket->acquire(1000));
        QVERIFY2(about(time.slept(), 1s), qPrintable(QString::number(time.slept().count())));
        QVERIFY(time.slicesAtMost100ms());
        QCOMPARE(time.sleeps.size(), size_t(10));
        // Idle time refills the bucket, but only up to one burst (a quarter second).
        time.sleeps.clear();
        time.now += 10s;
        QVERIFY(bucket->acquire(250));
        QVERIFY(time.sleeps.empty());
        QVERIFY(bucket->acquire(1));
        QVERIFY(about(time.slept(), 1ms));
        // 40 ms of idle time hold 40 bytes.
        time.sleeps.clear();
        time.now += 40ms;
        QVERIFY(bucket->acquire(40));
        QVERIFY(time.sleeps.empty());
        QVERIFY(bucket->acquire(60));
        QVERIFY(about(time.slept(), 60ms));
        // A request larger than a burst still passes, at the rate.
        time.sleeps.clear();
        QVERIFY(bucket->acquire(5000));
        QVERIFY(about(time.slept(), 5s));
        QVERIFY(time.slicesAtMost100ms());
        QVERIFY(bucket->acquire(0));
    }

    void unlimitedBucketsNeverWait()
    {
        FakeTime time;
        for (const QString& text : {QStringLiteral("unlimited"), QStringLiteral("0"),
                                    QStringLiteral("1kB/s 08:00-09:00")}) {
            const auto bucket = time.bucket(text);
            QCOMPARE(bucket->currentRate(), qint64(0));
            QVERIFY(bucket->acquire(qint64(1) << 40));
        }
        QVERIFY(time.sleeps.empty());
    }

    // The local time crosses 08:00 while a transfer waits: 4 kB/s before,
    // 1 kB/s from then on.
    void windowEdgeChangesTheRateMidTransfer()
    {
        FakeTime time;
        time.start = QTime(7, 59, 59);
        const auto bucket = time.bucket(QStringLiteral("1kB/s 08:00-18:00, 4kB/s"));
        QCOMPARE(bucket->currentRate(), qint64(4000));
        // 1000 bytes of burst at once, 4000 in the second before 08:00, the
        // last 2000 at 1 kB/s: three seconds.
        QVERIFY(bucket->acquire(7000));
        QVERIFY2(about(time.slept(), 3s), qPrintable(QString::number(time.slept().count())));
        QVERIFY(time.slicesAtMost100ms());
        QCOMPARE(bucket->currentRate(), qint64(1000));

        // And back: at 18:00 the rate rises again within the same transfer.
        FakeTime evening;
        evening.start = QTime(17, 59, 59);
        const auto later = evening.bucket(QStringLiteral("1kB/s 08:00-18:00, 4kB/s"));
        // 250 burst, 1000 by 18:00, then 4000 in one more second.
        QVERIFY(later->acquire(5250));
        QVERIFY2(about(evening.slept(), 2s), qPrintable(QString::number(evening.slept().count())));
    }

    void cancelWakesTheWaiter()
    {
        // On the fake clock: `cancelled` is asked around every slice of at most 100 ms.
        FakeTime time;
        const auto bucket = time.bucket(QStringLiteral("1kB/s"));
        QVERIFY(!bucket->acquire(1000 * 1000, [&] { return time.sleeps.size() >= 3; }));
        QCOMPARE(time.sleeps.size(), size_t(3));
        QVERIFY(time.slicesAtMost100ms());
        // Already cancelled: a request that needs no wait still passes, one that does not.
        FakeTime fresh;
        const auto other = fresh.bucket(QStringLiteral("1kB/s"));
        QVERIFY(other->acquire(100, [] { return true; }));
        QVERIFY(!other->acquire(1000, [] { return true; }));
        QVERIFY(fresh.sleeps.empty());

        // On the real clock: a waiter of 1000 seconds wakes within 100 ms of the cancel.
        TokenBucket real(BandwidthSchedule::parse(QStringLiteral("1kB/s")));
        std::atomic<bool> cancelled{false};
        QElapsedTimer sinceCancel;
        auto waiter = std::async(std::launch::async, [&] {
            const bool passed = real.acquire(1000 * 1000, [&] { return cancelled.load(); });
            return std::make_pair(passed, sinceCancel.nsecsElapsed());
        });
        std::this_thread::sleep_for(250ms);
        sinceCancel.start();
        cancelled = true;
        const auto [passed, wokeAfter] = waiter.get();
        QVERIFY(!passed);
        QVERIFY2(wokeAfter < 100'000'000 + 20'000'000, qPrintable(QString::number(wokeAfter)));
    }

    // take(): what is there once `wanted` accrued, or after `within` at the latest.
    void takeWaitsAtMostItsBound()
    {
        FakeTime time;
        const auto bucket = time.bucket(QStringLiteral("1kB/s"));
        // A full bucket: a burst at once.
        QCOMPARE(bucket->take(1000, 100ms), qint64(250));
        QVERIFY(time.sleeps.empty());
        // Empty: 100 ms pass and the 100 bytes earned by then are taken.
        QCOMPARE(bucket->take(1000, 100ms), qint64(100));
        QVERIFY(about(time.slept(), 100ms));
        // A small request waits only for itself.
        time.sleeps.clear();
        QCOMPARE(bucket->take(30, 100ms), qint64(30));
        QVERIFY(about(time.slept(), 30ms));
        // Bytes taken and not used come back (up to a burst).
        time.sleeps.clear();
        bucket->refund(20);
        QCOMPARE(bucket->take(20, 100ms), qint64(20));
        QVERIFY(time.sleeps.empty());
        // In debt (another transfer charged 1000 bytes): after the bound, one
        // byte on credit, so the caller is never held longer than that.
        QCOMPARE(bucket->charge(1000), std::chrono::nanoseconds(1s));
        QCOMPARE(bucket->take(500, 100ms), qint64(1));
        QVERIFY(about(time.slept(), 100ms));
        QVERIFY(time.slicesAtMost100ms());
        // Unlimited: everything at once.
        FakeTime free;
        QCOMPARE(free.bucket(QStringLiteral("unlimited"))->take(qint64(1) << 40, 100ms), qint64(1)
                                                                                             << 40);
        QVERIFY(free.sleeps.empty());
        QCOMPARE(free.bucket(QStringLiteral("1kB/s"))->take(0, 100ms), qint64(0));
    }

    // charge(): bytes that passed already put the bucket into debt, which
    // every later draw waits out; the debt's length is returned.
    void chargeRunsIntoDebt()
    {
        FakeTime time;
        const auto bucket = time.bucket(QStringLiteral("1kB/s"));
        QCOMPARE(bucket->charge(200), std::chrono::nanoseconds(0)); // within the burst
        QVERIFY(about(bucket->charge(1050), 1s));                   // 50 left, 1000 owed
        time.now += 400ms;
        QVERIFY(about(bucket->charge(0), 600ms));
        QVERIFY(bucket->acquire(100));
        QVERIFY2(about(time.slept(), 700ms), qPrintable(QString::number(time.slept().count())));
        time.now += 10s;
        QCOMPARE(bucket->charge(100), std::chrono::nanoseconds(0));
        FakeTime free;
        QCOMPARE(free.bucket(QStringLiteral("unlimited"))->charge(qint64(1) << 40),
                 std::chrono::nanoseconds(0));
    }

    // Under 10 kB/s a slice of the old 4 KiB floor took 0.4 s: a cancel raised
    // by a store's producer or consumer is now seen within about 100 ms, also
    // while another transfer of the backend draws from the same bucket.
    void cancelIsSeenSoonUnderALowLimit()
    {
        const QString backend =
            QStringLiteral("tst-cancel-%1").arg(QCoreApplication::applicationPid());
        const QString limit = QStringLiteral("10kB/s");
        auto recording = std::make_unique<RecordingStore>();
        recording->objects.insert(QStringLiteral("o"), patterned(1 << 20));
        const auto store = withBandwidthLimits(std::move(recording), backend, limit, limit);
        const auto competitor =
            withBandwidthLimits(std::make_unique<RecordingStore>(), backend, limit, limit);
        // The other transfer of the backend: a put that runs until told to stop.
        std::atomic<bool> stopCompetitor{false};
        auto competing = std::async(std::launch::async, [&] {
            try {
                competitor->put(
                    QStringLiteral("c"), QStringLiteral("other"),
                    [&](char* buffer, size_t capacity) -> size_t {
                        if (stopCompetitor)
                            throw Cancelled();
                        std::memset(buffer, 'x', capacity);
                        return capacity;
                    },
                    std::nullopt);
            } catch (const Cancelled&) {
            }
        });

        QList<qint64> latenciesMs;
        for (const auto delay : {300ms, 450ms, 600ms}) {
            for (const bool upload : {true, false}) {
                std::atomic<bool> cancelled{false};
                QElapsedTimer sinceCancel;
                auto transfer = std::async(std::launch::async, [&]() -> qint64 {
                    try {
                        if (upload) {
                            store->put(
                                QStringLiteral("c"), QStringLiteral("up"),
                                [&](char* buffer, size_t capacity) -> size_t {
                                    if (cancelled)
                                        throw Cancelled();
                                    std::memset(buffer, 'u', capacity);
                                    return capacity;
                                },
                                std::nullopt);
                        } else {
                            store->get(QStringLiteral("c"), QStringLiteral("o"),
                                       [&](const char*, size_t) {
                                           if (cancelled)
                                               throw Cancelled();
                                       });
                        }
                    } catch (const Cancelled&) {
                        return sinceCancel.elapsed();
                    }
                    return -1; // finished: 1 MB cannot pass at 10 kB/s in this time
                });
                std::this_thread::sleep_for(delay);
                sinceCancel.start();
                cancelled = true;
                latenciesMs.append(transfer.get());
            }
        }
        stopCompetitor = true;
        competing.get();
        qInfo("cancel latencies under 10 kB/s shared by two transfers: %s ms", qPrintable([&] {
                  QStringList texts;
                  for (const qint64 ms : latenciesMs)
                      texts.append(QString::number(ms));
                  return texts.join(QStringLiteral(", "));
              }()));
        for (const qint64 ms : latenciesMs)
            QVERIFY2(ms >= 0 && ms < 250, qPrintable(QString::number(ms)));
    }

    void bucketsAreSharedPerBackend()
    {
        const BandwidthBuckets a = bandwidthBucketsFor(
            QStringLiteral("tst-a"), QStringLiteral("10MB/s"), QStringLiteral("20MB/s"));
        QVERIFY(a.upload && a.download);
        QVERIFY(a.upload != a.download);
        QCOMPARE(a.upload->currentRate(), 10 * MB);
        QCOMPARE(a.download->currentRate(), 20 * MB);
        // The same backend: the same buckets (also when written with spaces).
        const BandwidthBuckets again = bandwidthBucketsFor(
            QStringLiteral("tst-a"), QStringLiteral(" 10MB/s"), QStringLiteral("20MB/s"));
        QCOMPARE(again.upload, a.upload);
        QCOMPARE(again.download, a.download);
        // Another backend with the same limits has its own.
        const BandwidthBuckets b = bandwidthBucketsFor(
            QStringLiteral("tst-b"), QStringLiteral("10MB/s"), QStringLiteral("20MB/s"));
        QVERIFY(b.upload != a.upload);
        QVERIFY(b.download != a.download);
        // A changed upload limit replaces that bucket only.
        const BandwidthBuckets changed = bandwidthBucketsFor(
            QStringLiteral("tst-a"), QStringLiteral("5MB/s"), QStringLiteral("20MB/s"));
        QVERIFY(changed.upload != a.upload);
        QCOMPARE(changed.upload->currentRate(), 5 * MB);
        QCOMPARE(changed.download, a.download);
        QCOMPARE(bandwidthBucketsFor(QStringLiteral("tst-a"), QStringLiteral("5MB/s"),
                                     QStringLiteral("20MB/s"))
                     .upload,
                 changed.upload);
        // No limit: no bucket.
        const BandwidthBuckets none =
            bandwidthBucketsFor(QStringLiteral("tst-a"), QString(), QStringLiteral("unlimited"));
        QVERIFY(!none.upload && !none.download);
        // Without a backend name the buckets are the caller's own.
        const BandwidthBuckets own1 =
            bandwidthBucketsFor(QString(), QStringLiteral("1MB"), QString());
        const BandwidthBuckets own2 =
            bandwidthBucketsFor(QString(), QStringLiteral("1MB"), QString());
        QVERIFY(own1.upload && own2.upload && own1.upload != own2.upload);
        // A malformed limit is an error, and leaves the registered buckets alone.
        QVERIFY_THROWS_EXCEPTION(Error, bandwidthBucketsFor(QStringLiteral("tst-b"),
                                                            QStringLiteral("10 MX/s"), QString()));
        QCOMPARE(bandwidthBucketsFor(QStringLiteral("tst-b"), QStringLiteral("10MB/s"),
                                     QStringLiteral("20MB/s"))
                     .upload,
                 b.upload);
    }

    void decoratorForwardsEveryCall()
    {
        // No limits: the very same store.
        auto plain = std::make_unique<RecordingStore>();
        ObjectStore* const original = plain.get();
        QCOMPARE(withBandwidthLimits(std::move(plain), QStringLiteral("tst-d"), QString(),
                                     QStringLiteral("  "))
                     .get(),
                 original);
        auto unlimited = std::make_unique<RecordingStore>();
        ObjectStore* const second = unlimited.get();
        QCOMPARE(withBandwidthLimits(std::move(unlimited), QStringLiteral("tst-d"),
                                     QStringLiteral("unlimited"), QString())
                     .get(),
                 second);
        QVERIFY_THROWS_EXCEPTION(Error, withBandwidthLimits(std::make_unique<RecordingStore>(),
                                                            QStringLiteral("tst-d"),
                                                            QStringLiteral("fast"), QString()));

        auto recording = std::make_unique<RecordingStore>();
        RecordingStore& inner = *recording;
        const auto store = withBandwidthLimits(std::move(recording), QStringLiteral("tst-d"),
                                               QStringLiteral("1GB/s"), QStringLiteral("1GB/s"));
        QVERIFY(store.get() != &inner);
        Backup backup;
        QCOMPARE(store->serviceName(), QStringLiteral("recording"));
        QCOMPARE(store->objectPrefix(backup, QDateTime()), QStringLiteral("prefix"));
        QCOMPARE(store->defaultContainer(backup), QStringLiteral("default"));
        QCOMPARE(store->invalidContainer(QStringLiteral("bad")), QStringLiteral("bad container"));
        QCOMPARE(store->invalidObjectPrefix(QStringLiteral("bad")), QStringLiteral("bad prefix"));
        QCOMPARE(store->parallelTransfers(), 7);
        QCOMPARE(store->retryPolicy().attempts, 9);
        QCOMPARE(store->retentionForNewObjects()->mode, QStringLiteral("COMPLIANCE"));
        store->ensureContainer(QStringLiteral("c"));
        const QByteArray data = patterned(3 << 20);
        store->putAll(QStringLiteral("c"), QStringLiteral("o"), data);
        QCOMPARE(inner.objects.value(QStringLiteral("o")), data);
        QCOMPARE(store->getAll(QStringLiteral("c"), QStringLiteral("o")), data);
        QCOMPARE(store->list(QStringLiteral("c"), QStringLiteral("p")),
                 QStringList{QStringLiteral("o")});
        store->remove(QStringLiteral("c"), QStringLiteral("o"));
        QCOMPARE(inner.calls,
                 (QStringList{QStringLiteral("ensure c"),
                              QStringLiteral("put o %1").arg(data.size()), QStringLiteral("get o"),
                              QStringLiteral("list p"), QStringLiteral("remove o")}));

        // A local directory stays one (discovering backups without containers needs it).
        QTemporaryDir dir;
        const auto posix =
            withBandwidthLimits(std::make_unique<PosixObjectStore>(dir.path()),
                                QStringLiteral("tst-d"), QStringLiteral("1GB/s"), QString());
        const auto* asPosix = dynamic_cast<const PosixObjectStore*>(posix.get());
        QVERIFY(asPosix);
        QCOMPARE(asPosix->basePath(), PosixObjectStore(dir.path()).basePath());
        posix->ensureContainer(QStringLiteral("c"));
        posix->putAll(QStringLiteral("c"), QStringLiteral("o"), data);
        QCOMPARE(posix->getAll(QStringLiteral("c"), QStringLiteral("o")), data);
    }

    // A transfer that throws (a cancelled job) stops between slices, not after the object.
    void producerErrorsStopTheTransfer()
    {
        auto recording = std::make_unique<RecordingStore>();
        const auto store = withBandwidthLimits(std::move(recording), QStringLiteral("tst-e"),
                                               QStringLiteral("100kB/s"), QString());
        QElapsedTimer timer;
        timer.start();
        int calls = 0;
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 store->put(
                                     QStringLiteral("c"), QStringLiteral("o"),
                                     [&](char*, size_t capacity) -> size_t {
                                         // About a tenth of a second per slice at this rate.
                                         if (capacity > 10 * 1000)
                                             throw Error(QStringLiteral("slice too large"));
                                         if (++calls == 5)
                                             throw Cancelled(QStringLiteral("cancelled"));
                                         return capacity;
                                     },
                                     std::nullopt));
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    }

    // 200 MB at 20 MB/s through a local directory take 10 s each way; two
    // parallel puts of one backend share its 20 MB/s.
    void realRateThroughALocalDirectory()
    {
        const QString parent = qEnvironmentVariable("EMBER_TEST_TMP", QDir::tempPath());
        QVERIFY(QDir().mkpath(parent));
        QTemporaryDir dir(QDir(parent).filePath(QStringLiteral("bandwidth-XXXXXX")));
        QVERIFY(dir.isValid());
        const QString backend =
            QStringLiteral("tst-real-%1").arg(QCoreApplication::applicationPid());
        const auto store =
            withBandwidthLimits(std::make_unique<PosixObjectStore>(dir.path()), backend,
                                QStringLiteral("20MB/s"), QStringLiteral("20MB/s"));
        store->ensureContainer(QStringLiteral("c"));
        const qint64 size = 200 * MB;

        QElapsedTimer timer;
        timer.start();
        const QByteArray putHash = putPattern(*store, QStringLiteral("big"), size);
        const double putSeconds = double(timer.nsecsElapsed()) / 1e9;

        timer.restart();
        qint64 got = 0;
        const QByteArray getHashValue = getHash(*store, QStringLiteral("big"), &got);
        const double getSeconds = double(timer.nsecsElapsed()) / 1e9;
        QCOMPARE(got, size);
        QCOMPARE(getHashValue, putHash);
        QFile::remove(dir.filePath(QStringLiteral("c/big")));

        // Two stores of the same backend (two jobs), one put each at once.
        const auto other =
            withBandwidthLimits(std::make_unique<PosixObjectStore>(dir.path()), backend,
                                QStringLiteral("20MB/s"), QStringLiteral("20MB/s"));
        const qint64 each = 40 * MB;
        timer.restart();
        // Each put notes when it ended: sharing one bucket, neither finishes far ahead.
        const auto timedPut = [&](ObjectStore& target, const QString& name) {
            const QByteArray hash = putPattern(target, name, each);
            return std::make_pair(hash, double(timer.nsecsElapsed()) / 1e9);
        };
        auto first =
            std::async(std::launch::async, timedPut, std::ref(*store), QStringLiteral("p1"));
        auto second =
            std::async(std::launch::async, timedPut, std::ref(*other), QStringLiteral("p2"));
        const auto [firstHash, firstEnded] = first.get();
        const auto [secondHash, secondEnded] = second.get();
        const double parallelSeconds = double(timer.nsecsElapsed()) / 1e9;
        PosixObjectStore unthrottled(dir.path());
        QCOMPARE(getHash(unthrottled, QStringLiteral("p1"), &got), firstHash);
        QCOMPARE(got, each);
        QCOMPARE(getHash(unthrottled, QStringLiteral("p2"), &got), secondHash);
        QCOMPARE(got, each);

        qInfo("put 200 MB: %.2f s (%.2f MB/s); get 200 MB: %.2f s (%.2f MB/s); two parallel "
              "puts of 40 MB: %.2f s (%.2f MB/s together; they ended at %.2f s and %.2f s)",
              putSeconds, 200 / putSeconds, getSeconds, 200 / getSeconds, parallelSeconds,
              80 / parallelSeconds, firstEnded, secondEnded);
        QVERIFY2(putSeconds > 8.5 && putSeconds < 11.5, qPrintable(QString::number(putSeconds)));
        QVERIFY2(getSeconds > 8.5 && getSeconds < 11.5, qPrintable(QString::number(getSeconds)));
        QVERIFY2(parallelSeconds > 3.4 && parallelSeconds < 4.6,
                 qPrintable(QString::number(parallelSeconds)));
        QVERIFY2(std::min(firstEnded, secondEnded) > 0.8 * std::max(firstEnded, secondEnded),
                 qPrintable(QStringLiteral("%1 s and %2 s").arg(firstEnded).arg(secondEnded)));
    }
};

QTEST_GUILESS_MAIN(TestBandwidth)
#include "tst_bandwidth.moc"
