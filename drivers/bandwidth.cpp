#include "bandwidth.h"

// Placeholder: limits are parsed by the helper that lands next; until then
// every store is unlimited.
namespace ember {

BandwidthSchedule BandwidthSchedule::parse(const QString& text)
{
    BandwidthSchedule schedule;
    schedule.m_text = text;
    return schedule;
}

qint64 BandwidthSchedule::rateAt(const QTime&) const
{
    return 0;
}
bool BandwidthSchedule::isUnlimited() const
{
    return true;
}
QString bandwidthScheduleProblem(const QString&)
{
    return {};
}

TokenBucket::TokenBucket(BandwidthSchedule schedule, Clock clock, LocalTime localTime)
    : m_schedule(std::move(schedule)), m_clock(std::move(clock)), m_localTime(std::move(localTime))
{
}
bool TokenBucket::acquire(qint64, const std::function<bool()>&)
{
    return true;
}
qint64 TokenBucket::currentRate() const
{
    return 0;
}

BandwidthBuckets bandwidthBucketsFor(const QString&, const QString&, const QString&)
{
    return {};
}

std::unique_ptr<ObjectStore> withBandwidthLimits(std::unique_ptr<ObjectStore> store, const QString&,
                                                 const QString&, const QString&)
{
    return store;
}

} // namespace ember
