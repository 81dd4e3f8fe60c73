#include "operation.h"

namespace ember {

namespace {
// Progress callbacks run at most this often; the last report of a phase is
// always delivered so bars reach 100%.
constexpr qint64 kReportIntervalMs = 100;
} // namespace

void OperationControl::setPhase(const QString& phase, qint64 bytesTotal)
{
    {
        std::lock_guard lock(m_mutex);
        m_progress.phase = phase;
        m_progress.bytesTotal = bytesTotal;
        m_progress.bytesDone = 0;
        m_progress.bytesPerSecond = 0;
        m_phaseStartMs = m_clock.elapsed();
        m_lastReportMs = -kReportIntervalMs;
    }
    report();
}

void OperationControl::addBytesDone(qint64 bytes)
{
    {
        std::lock_guard lock(m_mutex);
        m_progress.bytesDone += bytes;
        const qint64 now = m_clock.elapsed();
        const qint64 elapsedMs = now - m_phaseStartMs;
        if (elapsedMs > 0)
            m_progress.bytesPerSecond = m_progress.bytesDone * 1000.0 / elapsedMs;
        const bool finished =
            m_progress.bytesTotal > 0 && m_progress.bytesDone >= m_progress.bytesTotal;
        if (!finished && now - m_lastReportMs < kReportIntervalMs)
            return;
        m_lastReportMs = now;
    }
    report();
}

Progress OperationControl::progress() const
{
    std::lock_guard lock(m_mutex);
    return m_progress;
}

void OperationControl::report()
{
    if (m_onProgress)
        m_onProgress(progress());
}

} // namespace ember
