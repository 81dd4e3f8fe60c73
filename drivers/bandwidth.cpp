#include "bandwidth.h"

#include "posixstore.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

namespace ember {

namespace {

using namespace std::chrono_literals;

// The longest a waiting acquire() sleeps before it looks at `cancelled` and
// the schedule again, and the longest a store's draw waits before its
// producer or consumer (which sees a cancel) is called again.
constexpr std::chrono::nanoseconds kLongestSleep = 100ms;
// The most a store passes per bucket draw: small enough that transfers of
// one backend take turns and a cancelled job stops soon.
constexpr qint64 kLargestSlice = 256 * 1024;

struct Unit
{
    const char* name;
    qint64 bytes;
};

// Units as written; letters other than b/B match in any case.
constexpr Unit kUnits[] = {
    {"B", 1},      {"kB", 1000},         {"MB", 1000 * 1000},         {"GB", 1000 * 1000 * 1000},
    {"KiB", 1024}, {"MiB", 1024 * 1024}, {"GiB", 1024 * 1024 * 1024},
};

std::optional<qint64> unitBytes(QString unit)
{
    if (unit.endsWith(QLatin1String("/s")))
        unit.chop(2);
    if (unit.isEmpty())
        return 1;
    // b is a bit, B a byte: only the other letters may be of either case.
    if (!unit.endsWith(QLatin1Char('B')))
        return std::nullopt;
    for (const Unit& known : kUnits)
        if (unit.compare(QLatin1String(known.name), Qt::CaseInsensitive) == 0)
            return known.bytes;
    return std::nullopt;
}

[[noreturn]] void fail(const QString& text, const QString& why)
{
    throw Error(QStringLiteral("bandwidth limit '%1': %2").arg(text, why));
}

QTime parseClock(const QString& text, const QString& window, const QString& clock)
{
    static const QRegularExpression form(QStringLiteral("^([0-9]{1,2}):([0-9]{2})$"));
    const QRegularExpressionMatch match = form.match(clock);
    if (!match.hasMatch())
        fail(text,
             QStringLiteral("window '%1': '%2' is not a time of day (HH:MM)").arg(window, clock));
    const int hour = match.captured(1).toInt();
    const int minute = match.captured(2).toInt();
    if (hour > 23)
        fail(text, QStringLiteral("window '%1': hour %2 out of range").arg(window).arg(hour));
    if (minute > 59)
        fail(text, QStringLiteral("window '%1': minute %2 out of range").arg(window).arg(minute));
    return QTime(hour, minute);
}

qint64 parseRate(const QString& text, const QString& rate)
{
    if (rate.compare(QLatin1String("unlimited"), Qt::CaseInsensitive) == 0)
        return 0;
    static const QRegularExpression form(
        QStringLiteral("^([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]*(?:/s)?)$"));
    const QRegularExpressionMatch match = form.match(rate);
    if (!match.hasMatch())
        fail(text,
             QStringLiteral("'%1' is not a rate (e.g. 10MB/s, 512KiB/s or unlimited)").arg(rate));
    const std::optional<qint64> unit = unitBytes(match.captured(2));
    if (!unit)
        fail(text, QStringLiteral("unknown unit '%1' (B, kB, MB, GB, KiB, MiB or GiB, "
                                  "optionally per second: MB/s)")
                       .arg(match.captured(2)));
    const double bytes = match.captured(1).toDouble() * double(*unit);
    if (bytes > 1e15)
        fail(text, QStringLiteral("rate '%1' is too large").arg(rate));
    const qint64 whole = qint64(std::llround(bytes));
    if (whole == 0 && bytes > 0)
        fail(text, QStringLiteral("rate '%1' is less than one byte per second").arg(rate));
    return whole;
}

BandwidthRule parseRule(const QString& text, const QString& rule)
{
    BandwidthRule parsed;
    QString rate = rule;
    // A window is the last word and the only part with a colon.
    if (rule.contains(QLatin1Char(':'))) {
        static const QRegularExpression whitespace(QStringLiteral("\\s"));
        const qsizetype space = rule.lastIndexOf(whitespace);
        const QString window = rule.mid(space + 1);
        rate = space < 0 ? QString() : rule.left(space).trimmed();
        const QStringList ends = window.split(QLatin1Char('-'));
        if (ends.size() != 2)
            fail(text, QStringLiteral("window '%1': expected HH:MM-HH:MM").arg(window));
        parsed.from = parseClock(text, window, ends[0]);
        parsed.to = parseClock(text, window, ends[1]);
        if (*parsed.from == *parsed.to)
            fail(text,
                 QStringLiteral("window '%1' is empty (it ends where it starts)").arg(window));
        if (rate.isEmpty())
            fail(text, QStringLiteral("no rate before window '%1'").arg(window));
    }
    parsed.bytesPerSecond = parseRate(text, rate);
    return parsed;
}

bool windowHolds(const BandwidthRule& rule, const QTime& time)
{
    if (!rule.from || !rule.to)
        return true;
    if (*rule.from < *rule.to)
        return *rule.from <= time && time < *rule.to;
    return time >= *rule.from || time < *rule.to; // wraps past midnight
}

double burstCapacity(qint64 rate)
{
    return double(rate) / 4;
}

} // namespace

BandwidthSchedule BandwidthSchedule::parse(const QString& text)
{
    BandwidthSchedule schedule;
    schedule.m_text = text.trimmed();
    if (schedule.m_text.isEmpty())
        return schedule;
    for (const QString& part : schedule.m_text.split(QLatin1Char(','))) {
        const QString rule = part.trimmed();
        if (rule.isEmpty())
            fail(schedule.m_text, QStringLiteral("empty rule between commas"));
        schedule.m_rules.append(parseRule(schedule.m_text, rule));
    }
    return schedule;
}

qint64 BandwidthSchedule::rateAt(const QTime& time) const
{
    for (const BandwidthRule& rule : m_rules)
        if (windowHolds(rule, time))
            return rule.bytesPerSecond;
    return 0;
}

bool BandwidthSchedule::isUnlimited() const
{
    return std::all_of(m_rules.begin(), m_rules.end(),
                       [](const BandwidthRule& rule) { return rule.bytesPerSecond == 0; });
}

QString bandwidthScheduleProblem(const QString& text)
{
    try {
        BandwidthSchedule::parse(text);
        return {};
    } catch (const Error& error) {
        return error.message();
    }
}

// ---------------------------------------------------------------- token bucket

TokenBucket::TokenBucket(BandwidthSchedule schedule, Clock clock, LocalTime localTime, Sleep sleep)
    : m_schedule(std::move(schedule)), m_clock(std::move(clock)), m_localTime(std::move(localTime)),
      m_sleep(std::move(sleep))
{
    if (!m_clock)
        m_clock = [] { return std::chrono::steady_clock::now(); };
    if (!m_localTime)
        m_localTime = [] { return QTime::currentTime(); };
    if (!m_sleep)
        m_sleep = [](std::chrono::nanoseconds duration) { std::this_thread::sleep_for(duration); };
}

void TokenBucket::refill()
{
    const auto now = m_clock();
    const qint64 rate = m_schedule.rateAt(m_localTime());
    if (!m_started || m_rate == 0) {
        // A new bucket, or one that was unlimited until now, starts full.
        m_tokens = burstCapacity(rate);
    } else {
        // Earned at the rate that held since the last refill, up to its burst;
        // acquire() trims what it leaves to the burst of the new rate.
        const double seconds = std::chrono::duration<double>(now - m_last).count();
        m_tokens =
            std::min(m_tokens + std::max(0.0, seconds) * double(m_rate), burstCapacity(m_rate));
    }
    m_started = true;
    m_last = now;
    m_rate = rate;
}

bool TokenBucket::acquire(qint64 bytes, const std::function<bool()>& cancelled)
{
    double remaining = double(bytes);
    while (remaining > 0) {
        std::chrono::nanoseconds wait{};
        {
            const std::lock_guard lock(m_mutex);
            refill();
            if (m_rate == 0)
                return true;
            // Take what is there now; the rest as it accrues, so one large
            // request cannot hold off the other transfers of the backend.
            // A debt (charge()) is waited out first.
            const double taken = std::clamp(m_tokens, 0.0, remaining);
            m_tokens = std::min(m_tokens - taken, burstCapacity(m_rate));
            remaining -= taken;
            if (remaining <= 0)
                return true;
            const double missing = std::min(remaining, burstCapacity(m_rate)) - m_tokens;
            wait = std::min(kLongestSleep, std::chrono::nanoseconds(
                                               qint64(std::ceil(missing * 1e9 / double(m_rate)))));
        }
        if (cancelled && cancelled())
            return false;
        m_sleep(wait);
        if (cancelled && cancelled())
            return false;
    }
    return true;
}

qint64 TokenBucket::take(qint64 wanted, std::chrono::nanoseconds within)
{
    if (wanted <= 0)
        return 0;
    const auto deadline = m_clock() + within;
    while (true) {
        std::chrono::nanoseconds wait{};
        {
            const std::lock_guard lock(m_mutex);
            refill();
            if (m_rate == 0)
                return wanted;
            // Wait for all of `wanted` (no more than a burst), so a fast
            // rate is not drawn a byte at a time.
            const double target = std::min(double(wanted), std::max(1.0, burstCapacity(m_rate)));
            if (m_tokens >= target || m_last >= deadline) {
                const qint64 granted =
                    m_tokens >= 1 ? qint64(std::min(std::floor(m_tokens), double(wanted))) : 1;
                m_tokens -= double(granted);
                return granted;
            }
            wait = std::min(std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - m_last),
                            std::chrono::nanoseconds(
                                qint64(std::ceil((target - m_tokens) * 1e9 / double(m_rate)))));
        }
        m_sleep(wait);
    }
}

void TokenBucket::refund(qint64 bytes)
{
    const std::lock_guard lock(m_mutex);
    refill();
    if (m_rate != 0 && bytes > 0)
        m_tokens = std::min(m_tokens + double(bytes), burstCapacity(m_rate));
}

std::chrono::nanoseconds TokenBucket::charge(qint64 bytes)
{
    const std::lock_guard lock(m_mutex);
    refill();
    if (m_rate == 0)
        return {};
    m_tokens -= double(std::max<qint64>(bytes, 0));
    if (m_tokens >= 0)
        return {};
    return std::chrono::nanoseconds(qint64(std::ceil(-m_tokens * 1e9 / double(m_rate))));
}

qint64 TokenBucket::currentRate() const
{
    const std::lock_guard lock(m_mutex);
    return m_schedule.rateAt(m_localTime());
}

// ---------------------------------------------------------------- shared buckets

namespace {

struct RegisteredBuckets
{
    QString uploadText;
    QString downloadText;
    BandwidthBuckets buckets;
};

std::shared_ptr<TokenBucket> bucketFor(const QString& text)
{
    BandwidthSchedule schedule = BandwidthSchedule::parse(text);
    if (schedule.isUnlimited())
        return nullptr;
    return std::make_shared<TokenBucket>(std::move(schedule));
}

} // namespace

BandwidthBuckets bandwidthBucketsFor(const QString& backendName, const QString& uploadLimit,
                                     const QString& downloadLimit)
{
    const QString upload = uploadLimit.trimmed();
    const QString download = downloadLimit.trimmed();
    if (backendName.isEmpty())
        return {bucketFor(upload), bucketFor(download)};
    static std::mutex registryMutex;
    static std::map<QString, RegisteredBuckets> registry;
    const std::lock_guard lock(registryMutex);
    RegisteredBuckets& entry = registry[backendName];
    // A changed limit gets a fresh bucket; transfers still holding the old
    // one finish at the old rate. A new entry's empty texts stand for the
    // null (unlimited) buckets it starts with.
    if (entry.uploadText != upload) {
        entry.buckets.upload = bucketFor(upload);
        entry.uploadText = upload;
    }
    if (entry.downloadText != download) {
        entry.buckets.download = bucketFor(download);
        entry.downloadText = download;
    }
    return entry.buckets;
}

// ---------------------------------------------------------------- store decorator

namespace {

// How much passes per draw at the bucket's rate now: at most a tenth of a
// second's worth (however low the rate), so a cancelled producer or consumer
// is asked again soon; take() bounds the wait when other transfers share it.
qint64 sliceFor(const TokenBucket& bucket)
{
    const qint64 rate = bucket.currentRate();
    if (rate == 0)
        return kLargestSlice;
    return std::clamp<qint64>(rate / 10, 1, kLargestSlice);
}

// Forwards every ObjectStore call to `inner`; puts and gets draw from the
// backend's buckets. `Base` is ObjectStore, or PosixObjectStore so that code
// asking for the local directory (discovering backups without containers)
// still finds it.
template <class Base> class BandwidthLimitedStore final : public Base
{
public:
    template <class... BaseArguments>
    BandwidthLimitedStore(std::unique_ptr<ObjectStore> inner, BandwidthBuckets buckets,
                          BaseArguments&&... baseArguments)
        : Base(std::forward<BaseArguments>(baseArguments)...), m_inner(std::move(inner)),
          m_buckets(std::move(buckets))
    {
    }

    QString serviceName() const override { return m_inner->serviceName(); }
    QString objectPrefix(const Backup& backup, const QDateTime& startUtc) const override
    {
        return m_inner->objectPrefix(backup, startUtc);
    }
    QString defaultContainer(const Backup& backup) const override
    {
        return m_inner->defaultContainer(backup);
    }
    QString invalidContainer(const QString& container) const override
    {
        return m_inner->invalidContainer(container);
    }
    QString invalidObjectPrefix(const QString& prefix) const override
    {
        return m_inner->invalidObjectPrefix(prefix);
    }
    void ensureContainer(const QString& container) override { m_inner->ensureContainer(container); }
    void put(const QString& container, const QString& name, const DataProducer& producer,
             std::optional<qint64> length) override
    {
        TokenBucket* bucket = m_buckets.upload.get();
        if (!bucket) {
            m_inner->put(container, name, producer, length);
            return;
        }
        // The producer is asked for what the bucket allowed, after a wait of
        // at most kLongestSleep, so a cancel it raises is seen that soon.
        m_inner->put(
            container, name,
            [&](char* buffer, size_t capacity) {
                const qint64 granted = bucket->take(
                    std::min(qint64(std::min<size_t>(capacity, kLargestSlice)), sliceFor(*bucket)),
                    kLongestSleep);
                size_t count = 0;
                try {
                    count = producer(buffer, size_t(granted));
                } catch (...) {
                    bucket->refund(granted);
                    throw;
                }
                bucket->refund(granted - qint64(count));
                return count;
            },
            length);
    }
    void get(const QString& container, const QString& name, const DataConsumer& consumer) override
    {
        paced(consumer, [&](const DataConsumer& pacedConsumer) {
            m_inner->get(container, name, pacedConsumer);
        });
    }
    void getCheckedByCaller(const QString& container, const QString& name,
                            const DataConsumer& consumer) override
    {
        paced(consumer, [&](const DataConsumer& pacedConsumer) {
            m_inner->getCheckedByCaller(container, name, pacedConsumer);
        });
    }
    QStringList list(const QString& container, const QString& prefix) override
    {
        return m_inner->list(container, prefix);
    }
    void remove(const QString& container, const QString& name) override
    {
        m_inner->remove(container, name);
    }
    int parallelTransfers() const override { return m_inner->parallelTransfers(); }
    RetryPolicy retryPolicy() const override { return m_inner->retryPolicy(); }
    std::optional<ObjectRetention> retentionForNewObjects() const override
    {
        return m_inner->retentionForNewObjects();
    }

private:
    // Runs `download` with a consumer that draws from the download bucket
    // before passing bytes on (the consumer itself when unlimited).
    void paced(const DataConsumer& consumer,
               const std::function<void(const DataConsumer&)>& download)
    {
        TokenBucket* bucket = m_buckets.download.get();
        if (!bucket) {
            download(consumer);
            return;
        }
        download([&](const char* data, size_t length) {
            while (length > 0) {
                const size_t slice = size_t(bucket->take(
                    std::min(qint64(std::min<size_t>(length, kLargestSlice)), sliceFor(*bucket)),
                    kLongestSleep));
                consumer(data, slice);
                data += slice;
                length -= slice;
            }
        });
    }

    std::unique_ptr<ObjectStore> m_inner;
    BandwidthBuckets m_buckets;
};

} // namespace

std::unique_ptr<ObjectStore> withBandwidthLimits(std::unique_ptr<ObjectStore> store,
                                                 const QString& backendName,
                                                 const QString& uploadLimit,
                                                 const QString& downloadLimit)
{
    if (uploadLimit.trimmed().isEmpty() && downloadLimit.trimmed().isEmpty())
        return store;
    BandwidthBuckets buckets = bandwidthBucketsFor(backendName, uploadLimit, downloadLimit);
    if (!buckets.upload && !buckets.download)
        return store;
    if (const auto* posix = dynamic_cast<const PosixObjectStore*>(store.get())) {
        const QString basePath = posix->basePath();
        return std::make_unique<BandwidthLimitedStore<PosixObjectStore>>(
            std::move(store), std::move(buckets), basePath);
    }
    return std::make_unique<BandwidthLimitedStore<ObjectStore>>(std::move(store),
                                                                std::move(buckets));
}

} // namespace ember
