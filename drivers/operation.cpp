#include "operation.h"

#include <QStringList>

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
        m_progress.stages = {};
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

void OperationControl::addStage(Stage stage, qint64 bytes, qint64 busyNs)
{
    std::lock_guard lock(m_mutex);
    StageStats& stats = m_progress.stages[size_t(stage)];
    stats.bytes += bytes;
    stats.busyNs += busyNs;
}

Progress OperationControl::progress() const
{
    std::lock_guard lock(m_mutex);
    Progress copy = m_progress;
    const qint64 elapsedMs = m_clock.elapsed() - m_phaseStartMs;
    for (StageStats& stats : copy.stages)
        stats.bytesPerSecond = elapsedMs > 0 ? stats.bytes * 1000.0 / elapsedMs : 0;
    return copy;
}

QString stageName(Stage stage)
{
    switch (stage) {
    case Stage::Fetch:
        return QStringLiteral("fetch");
    case Stage::Inflate:
        return QStringLiteral("inflate");
    case Stage::Check:
        return QStringLiteral("check");
    case Stage::Write:
        return QStringLiteral("write");
    }
    return {};
}

Stage Progress::busiestStage() const
{
    size_t busiest = 0;
    for (size_t i = 1; i < stages.size(); ++i)
        if (stages[i].busyNs > stages[busiest].busyNs)
            busiest = i;
    return Stage(busiest);
}

int Progress::busyPercent(Stage stage) const
{
    qint64 total = 0;
    for (const StageStats& stats : stages)
        total += stats.busyNs;
    if (total <= 0)
        return -1;
    return int(double(stages[size_t(stage)].busyNs) * 100.0 / double(total) + 0.5);
}

QString stageRateText(double bytesPerSecond)
{
    if (bytesPerSecond >= 1e9)
        return QStringLiteral("%1 GB/s").arg(bytesPerSecond / 1e9, 0, 'f', 1);
    if (bytesPerSecond >= 1e6)
        return QStringLiteral("%1 MB/s").arg(bytesPerSecond / 1e6, 0, 'f', 0);
    return QStringLiteral("%1 kB/s").arg(bytesPerSecond / 1e3, 0, 'f', 0);
}

QString Progress::stagesText() const
{
    if (!hasStages())
        return {};
    QStringList parts;
    for (int i = 0; i < kStageCount; ++i)
        if (stages[size_t(i)].bytes > 0)
            parts << QStringLiteral("%1 %2").arg(stageName(Stage(i)),
                                                 stageRateText(stages[size_t(i)].bytesPerSecond));
    return parts.join(QStringLiteral(" \u00b7 "));
}

void OperationControl::report()
{
    if (m_onProgress)
        m_onProgress(progress());
}

} // namespace ember
