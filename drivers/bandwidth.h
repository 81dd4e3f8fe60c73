// Bandwidth limits per backend: a token bucket per direction whose rate can
// follow a schedule of time windows ("10MB/s 08:00-18:00, 50MB/s"). Every
// transfer of a backend within one process draws from the same buckets, so
// four parallel uploads share the backend's limit instead of multiplying it.
#pragma once

#include "objectstore.h"

#include <QTime>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace ember {

// One rule of a schedule: `bytesPerSecond` (0 = unlimited) from `from` to
// `to` local time (to < from wraps past midnight); no window = all day.
struct BandwidthRule
{
    qint64 bytesPerSecond = 0;
    std::optional<QTime> from;
    std::optional<QTime> to;
};

// A parsed limit. Text form: rules separated by commas; a rule is a rate,
// optionally followed by a window "HH:MM-HH:MM". Rates: a number with an
// optional unit (B, kB, MB, GB = powers of 1000; KiB, MiB, GiB = of 1024;
// "/s" optional; case of the unit's letters ignored except b/B), or
// "unlimited"/"0". The first rule whose window holds the time applies; no
// rule applies = unlimited. Examples: "20MB/s", "10MB/s 08:00-18:00, 50MB/s",
// "5MiB/s 22:00-06:00".
class BandwidthSchedule
{
public:
    BandwidthSchedule() = default; // unlimited
    // Throws Error naming the bad part ("bandwidth limit '10 MX/s': unknown unit 'MX/s'").
    static BandwidthSchedule parse(const QString& text);
    // Bytes per second at local time `time`; 0 = unlimited.
    qint64 rateAt(const QTime& time) const;
    bool isUnlimited() const; // no rule ever limits
    const QList<BandwidthRule>& rules() const { return m_rules; }
    QString text() const { return m_text; }

private:
    QList<BandwidthRule> m_rules;
    QString m_text;
};

// Why `text` is not a valid limit (empty = it is, or it is empty).
QString bandwidthScheduleProblem(const QString& text);

// A token bucket whose rate follows a schedule. Thread-safe. acquire()
// blocks until `bytes` may pass (bursts up to a quarter second of the
// current rate), wakes early for `cancelled` (checked every 100 ms) and
// returns false if it did. take() waits a bounded time and passes what it
// got, so a caller that learns of a cancel only between two draws (a store's
// producer or consumer) is asked again soon whatever the rate. charge()
// counts bytes that already passed, for transfers Ember can only watch
// (dsmc's). The clock, local time and sleep are injectable for tests (a fake
// sleep advances a fake clock).
class TokenBucket
{
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    using LocalTime = std::function<QTime()>;
    using Sleep = std::function<void(std::chrono::nanoseconds)>;
    explicit TokenBucket(BandwidthSchedule schedule, Clock clock = {}, LocalTime localTime = {},
                         Sleep sleep = {});
    bool acquire(qint64 bytes, const std::function<bool()>& cancelled = {});
    // Up to `wanted` bytes (at least one): as many as are there once `wanted`
    // have accrued or `within` has passed, whichever comes first. When
    // `within` passes with none there (other transfers took them), one byte
    // is taken on credit, which later draws repay. Unlimited: `wanted`.
    qint64 take(qint64 wanted, std::chrono::nanoseconds within);
    // Gives back bytes taken but not used (a producer that had fewer).
    void refund(qint64 bytes);
    // Counts `bytes` that have passed already: the bucket may go into debt,
    // which every later draw waits out. Returns how long the debt takes to
    // repay at the current rate (zero = no debt, and always when unlimited).
    std::chrono::nanoseconds charge(qint64 bytes);
    qint64 currentRate() const; // bytes/s now; 0 = unlimited

private:
    // Tokens since m_last accrue at the rate read then (m_rate), so a window
    // edge between two refills counts from the refill after it. Call locked.
    void refill();

    BandwidthSchedule m_schedule;
    Clock m_clock;
    LocalTime m_localTime;
    Sleep m_sleep;
    mutable std::mutex m_mutex;
    double m_tokens = 0;
    qint64 m_rate = 0;
    std::chrono::steady_clock::time_point m_last{};
    bool m_started = false;
};

// The process-wide buckets of backend `backendName` for these schedules
// (made on first use; replaced when a schedule's text changes).
struct BandwidthBuckets
{
    std::shared_ptr<TokenBucket> upload;   // null = unlimited
    std::shared_ptr<TokenBucket> download; // null = unlimited
};
BandwidthBuckets bandwidthBucketsFor(const QString& backendName, const QString& uploadLimit,
                                     const QString& downloadLimit);

// `store` with its puts and gets drawing from the backend's buckets; the
// same store when both limits are empty. Throws Error for a malformed limit.
std::unique_ptr<ObjectStore> withBandwidthLimits(std::unique_ptr<ObjectStore> store,
                                                 const QString& backendName,
                                                 const QString& uploadLimit,
                                                 const QString& downloadLimit);

} // namespace ember
