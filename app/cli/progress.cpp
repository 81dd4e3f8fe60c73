#include "progress.h"

#include "log.h"
#include "stagetext.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <sys/ioctl.h>
#include <unistd.h>

namespace ember::cli {

namespace {

// Written by the signal handler: must be lock-free to be async-signal-safe.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void onInterrupt(int)
{
    g_interrupted.store(true);
}

struct sigaction g_previousInt;
struct sigaction g_previousTerm;

QString clockText(qint64 seconds)
{
    if (seconds >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(seconds / 3600)
            .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

// The terminal's width (stderr's), else $COLUMNS, else 80.
int terminalColumns()
{
    struct winsize size = {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    bool ok = false;
    const int columns = qEnvironmentVariableIntValue("COLUMNS", &ok);
    return ok && columns > 0 ? columns : 80;
}

void writeStderr(const QByteArray& bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

} // namespace

ProgressBar::ProgressBar(bool enabled) : m_enabled(enabled)
{
    m_clock.start();
}

ProgressBar::~ProgressBar()
{
    finish();
}

void ProgressBar::update(const Progress& progress)
{
    if (!m_enabled)
        return;
    std::lock_guard lock(m_mutex);
    keepStagesLocked(progress);
    const bool complete = progress.bytesTotal > 0 && progress.bytesDone >= progress.bytesTotal;
    const qint64 now = m_clock.elapsed();
    if (!complete && now - m_lastDrawMs < 100) // at most 10 redraws a second
        return;
    m_lastDrawMs = now;
    drawLocked(progress);
}

void ProgressBar::drawLocked(const Progress& progress)
{
    constexpr int width = 30;
    QString line;
    if (progress.bytesTotal > 0) {
        const double fraction =
            std::min(1.0, double(progress.bytesDone) / double(progress.bytesTotal));
        const int filled = int(fraction * width);
        line =
            QStringLiteral("[%1%2] %3%")
                .arg(QString(filled, QLatin1Char('#')), QString(width - filled, QLatin1Char('-')))
                .arg(int(fraction * 100), 3);
    } else {
        line = QStringLiteral("%1 MB").arg(double(progress.bytesDone) / 1e6, 0, 'f', 1);
    }
    line += QStringLiteral("  %1 MB/s").arg(progress.bytesPerSecond / 1e6, 6, 'f', 1);
    if (progress.bytesTotal > 0 && progress.bytesPerSecond > 0) {
        const qint64 remaining = std::max<qint64>(0, progress.bytesTotal - progress.bytesDone);
        line +=
            QStringLiteral("  ETA %1").arg(clockText(qint64(remaining / progress.bytesPerSecond)));
    }
    if (!progress.phase.isEmpty())
        line += QStringLiteral("  ") + progress.phase;
    line = fitProgressLine(line, progress, terminalColumns());
    writeStderr("\r\033[K" + line.toLocal8Bit());
    m_drawn = true;
}

void ProgressBar::keepStagesLocked(const Progress& progress)
{
    if (!progress.hasStages())
        return;
    if (!m_stagedPhases.isEmpty() && m_stagedPhases.last().phase == progress.phase)
        m_stagedPhases.last() = progress;
    else
        m_stagedPhases.append(progress);
}

void ProgressBar::clearLocked()
{
    if (m_drawn) {
        writeStderr("\r\033[K");
        m_drawn = false;
    }
}

void ProgressBar::message(const QString& line)
{
    std::lock_guard lock(m_mutex);
    if (!m_enabled) {
        qCInfo(lcCli).noquote() << line;
        return;
    }
    clearLocked();
    writeStderr(line.toLocal8Bit() + '\n');
    m_lastDrawMs = -1000; // redraw at the next update
}

void ProgressBar::finish()
{
    std::lock_guard lock(m_mutex);
    if (m_drawn) {
        writeStderr("\n");
        m_drawn = false;
    }
    // Only a finished run gets the breakdown: a failure's stderr is its one
    // error line (finish() runs while the work's exception unwinds).
    if (std::uncaught_exceptions() == 0)
        for (const Progress& phase : std::as_const(m_stagedPhases))
            writeStderr(stagesBreakdownText(phase).toLocal8Bit() + '\n');
    m_stagedPhases.clear();
}

InterruptGuard::InterruptGuard(OperationControl& control, ProgressBar& bar)
    : m_control(control), m_bar(bar)
{
    g_interrupted.store(false);
    struct sigaction action = {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND; // a second Ctrl-C kills as usual
    sigaction(SIGINT, &action, &g_previousInt);
    sigaction(SIGTERM, &action, &g_previousTerm);
    m_watcher = std::thread([this] {
        bool forwarded = false;
        while (!m_stop.load()) {
            if (!forwarded && g_interrupted.load()) {
                forwarded = true;
                m_control.requestCancel();
                m_bar.message(QStringLiteral("Interrupted: cancelling and cleaning up (press "
                                             "Ctrl-C again to quit at once)..."));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
}

InterruptGuard::~InterruptGuard()
{
    m_stop.store(true);
    m_watcher.join();
    sigaction(SIGINT, &g_previousInt, nullptr);
    sigaction(SIGTERM, &g_previousTerm, nullptr);
}

bool InterruptGuard::interrupted() const
{
    return g_interrupted.load();
}

void attach(OperationControl& control, ProgressBar& bar)
{
    control.setProgressCallback([&bar](const Progress& progress) { bar.update(progress); });
    control.setLogCallback([&bar](const QString& line) { bar.message(line); });
}

} // namespace ember::cli
