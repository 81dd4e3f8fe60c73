// The terminal side of a long operation: a progress bar on stderr (only
// when stderr is a terminal) and Ctrl-C turned into a cooperative cancel.
#pragma once

#include "operation.h"

#include <QList>
#include <atomic>
#include <mutex>
#include <thread>

namespace ember::cli {

// Draws "[#####-----]  45%  120.3 MB/s  ETA 0:12  uploading" at most 10x/s,
// followed by the restore stages when the progress has them (as many as the
// terminal's width allows). A run that ends without an exception prints each
// phase's stage breakdown (stagetext.h) when the bar finishes.
class ProgressBar
{
public:
    explicit ProgressBar(bool enabled);
    ~ProgressBar();
    void update(const Progress& progress);
    // Prints a log line without tearing the bar.
    void message(const QString& line);
    void finish();

private:
    void drawLocked(const Progress& progress);
    void clearLocked();
    void keepStagesLocked(const Progress& progress);

    bool m_enabled;
    std::mutex m_mutex;
    qint64 m_lastDrawMs = -1000;
    bool m_drawn = false;
    QElapsedTimer m_clock;
    // The newest progress of each phase that reported stages, in order.
    QList<Progress> m_stagedPhases;
};

// While alive, SIGINT/SIGTERM request cancel on `control` instead of killing
// the process; a second Ctrl-C kills as usual. The handler only sets a
// lock-free atomic flag; a watcher thread forwards it to the control.
class InterruptGuard
{
public:
    InterruptGuard(OperationControl& control, ProgressBar& bar);
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
    bool interrupted() const;

private:
    OperationControl& m_control;
    ProgressBar& m_bar;
    std::atomic<bool> m_stop{false};
    std::thread m_watcher;
};

// Wires the bar and the log into `control`.
void attach(OperationControl& control, ProgressBar& bar);

} // namespace ember::cli
