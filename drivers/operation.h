// What every long operation shares with its caller: progress reports and a
// cooperative cancel flag. The GUI's job panel and the CLI's progress bar
// both sit on this.
#pragma once

#include "records.h"

#include <QElapsedTimer>
#include <QString>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>

namespace ember {

// The stages a restore's bytes pass through, so a slow link, a slow disk or a
// slow core shows as the stage that is busiest.
enum class Stage
{
    Fetch,   // stored bytes received from the backend
    Inflate, // decrypted and decompressed (raw bytes out)
    Check,   // checked against the SHA-256 list / MD5 (raw bytes)
    Write,   // written to the target (raw bytes, zeros skipped included)
};
inline constexpr int kStageCount = 4;
QString stageName(Stage stage); // "fetch", "inflate", "check", "write"
// "410 MB/s", "1.2 GB/s": a stage's rate, in decimal units.
QString stageRateText(double bytesPerSecond);

// What one stage did so far in the current phase: bytes through it, and the
// time threads spent in it (summed over threads, so it can exceed wall time).
struct StageStats
{
    qint64 bytes = 0;
    qint64 busyNs = 0;
    // Bytes per second of the phase's wall time (0 when unknown).
    double bytesPerSecond = 0;
};

struct Progress
{
    QString phase; // "reading", "uploading", "restoring", "verifying", ...
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0; // 0 = unknown
    double bytesPerSecond = 0;
    // Per-stage figures; all zero for operations that report no stages.
    std::array<StageStats, kStageCount> stages{};
    bool hasStages() const
    {
        for (const StageStats& stage : stages)
            if (stage.bytes > 0)
                return true;
        return false;
    }
    // The stage with the most busy time (the bottleneck), when hasStages().
    Stage busiestStage() const;
    // The stage's share of the busy time of all stages, in percent; -1 when
    // no stage reported busy time (then no stage is the busiest).
    int busyPercent(Stage stage) const;
    // "fetch 410 MB/s · inflate 880 MB/s · check 1.2 GB/s · write 600 MB/s",
    // empty when !hasStages().
    QString stagesText() const;
};

class OperationControl
{
public:
    using ProgressCallback = std::function<void(const Progress&)>;
    using LogCallback = std::function<void(const QString&)>;

    OperationControl() { m_clock.start(); }

    void requestCancel() { m_cancel.store(true, std::memory_order_relaxed); }
    bool isCancelRequested() const { return m_cancel.load(std::memory_order_relaxed); }
    void throwIfCancelled() const
    {
        if (isCancelRequested())
            throw Cancelled();
    }

    // Called from engine threads; the callbacks must be thread-safe.
    void setProgressCallback(ProgressCallback callback) { m_onProgress = std::move(callback); }
    void setLogCallback(LogCallback callback) { m_onLog = std::move(callback); }
    // The current callbacks, so a recorder can chain itself in front of them.
    const ProgressCallback& progressCallback() const { return m_onProgress; }
    const LogCallback& logCallback() const { return m_onLog; }

    // A new phase resets bytesDone and the stage figures.
    void setPhase(const QString& phase, qint64 bytesTotal);
    void addBytesDone(qint64 bytes);
    // Thread-safe; reported with the next progress report (not one of its own).
    void addStage(Stage stage, qint64 bytes, qint64 busyNs);
    void log(const QString& line) const
    {
        if (m_onLog)
            m_onLog(line);
    }
    Progress progress() const;

private:
    void report();

    std::atomic<bool> m_cancel{false};
    mutable std::mutex m_mutex;
    Progress m_progress;
    QElapsedTimer m_clock;
    qint64 m_phaseStartMs = 0;
    qint64 m_lastReportMs = -1000;
    ProgressCallback m_onProgress;
    LogCallback m_onLog;
};

// Times one stage's work on this thread: adds `bytes` (settable before the
// end) and the elapsed time to `control` when it goes out of scope.
class StageTimer
{
public:
    StageTimer(OperationControl& control, Stage stage, qint64 bytes = 0)
        : m_control(control), m_stage(stage), m_bytes(bytes),
          m_start(std::chrono::steady_clock::now())
    {
    }
    ~StageTimer()
    {
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now() - m_start)
                            .count();
        m_control.addStage(m_stage, m_bytes, qint64(ns));
    }
    StageTimer(const StageTimer&) = delete;
    StageTimer& operator=(const StageTimer&) = delete;
    void setBytes(qint64 bytes) { m_bytes = bytes; }

private:
    OperationControl& m_control;
    Stage m_stage;
    qint64 m_bytes;
    std::chrono::steady_clock::time_point m_start;
};

} // namespace ember
