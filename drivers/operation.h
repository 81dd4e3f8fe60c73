// What every long operation shares with its caller: progress reports and a
// cooperative cancel flag. The GUI's job panel and the CLI's progress bar
// both sit on this.
#pragma once

#include "records.h"

#include <QElapsedTimer>
#include <QString>
#include <atomic>
#include <functional>
#include <mutex>

namespace ember {

struct Progress
{
    QString phase; // "reading", "uploading", "restoring", "verifying", ...
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0; // 0 = unknown
    double bytesPerSecond = 0;
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

    void setPhase(const QString& phase, qint64 bytesTotal);
    void addBytesDone(qint64 bytes);
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

} // namespace ember
