// bench_historyload: the History page over 100,000 recorded jobs. Fills a
// catalog with the jobs in one transaction, then opens the real HistoryPanel
// (an AppContext on that catalog, offscreen) and measures, with a 5 ms
// precise timer on the UI thread, the longest gap between two of its ticks:
//   1. while the model loads on its worker and the view shows the rows,
//   2. while the filters change (all time, one volume, failed only, all again),
//   3. while a job recorded by another catalog connection (as ember-cli
//      records) is noticed by the catalog watcher and inserted.
// A gap is time the event loop spent elsewhere (applying the load, the
// proxy's mapping, layout, painting) or the thread waited for a core; the UI
// thread's CPU time over the longest gap tells which. Prints the fill time,
// the load time, the stalls and whether every stall stayed under 50 ms.
// Not a CTest test: tests/bench/run-bench-history.sh runs it.
#include "appcontext.h"
#include "catalog.h"
#include "historymodel.h"
#include "historypanel.h"

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEvent>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <utility>
#include <vector>

using namespace ember;
using namespace ember::ui;

namespace {

qint64 threadCpuNs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

// The UI thread's heartbeat: a 5 ms precise timer; gaps are recorded per phase.
class StallProbe : public QObject
{
public:
    struct Worst
    {
        qint64 wallNs = 0;
        qint64 cpuNs = 0;
        int ticks = 0;
        std::vector<qint64> gaps;
    };

    explicit StallProbe(const QElapsedTimer& clock) : m_clock(clock)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
    }
    void start()
    {
        m_lastNs = m_clock.nsecsElapsed();
        m_lastCpu = threadCpuNs();
        m_timer.start();
    }
    // Gaps from now on count for `phase`.
    void phase(Worst* phase) { m_phase = phase; }

private:
    void tick()
    {
        const qint64 now = m_clock.nsecsElapsed();
        const qint64 cpu = threadCpuNs();
        if (m_phase) {
            const qint64 gap = now - m_lastNs;
            ++m_phase->ticks;
            m_phase->gaps.push_back(gap);
            if (gap > m_phase->wallNs) {
                m_phase->wallNs = gap;
                m_phase->cpuNs = cpu - m_lastCpu;
            }
        }
        m_lastNs = now;
        m_lastCpu = cpu;
    }
    const QElapsedTimer& m_clock;
    QTimer m_timer;
    qint64 m_lastNs = 0, m_lastCpu = 0;
    Worst* m_phase = nullptr;
};

// Calls onPaint once, after the view's viewport painted next.
class PaintWatch : public QObject
{
public:
    std::function<void()> onPaint;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint && onPaint)
            QTimer::singleShot(0, this, [this] {
                // Taken out first: the call may set the next onPaint.
                if (std::function<void()> call = std::exchange(onPaint, nullptr))
                    call();
            });
        return QObject::eventFilter(watched, event);
    }
};

double percentile(std::vector<qint64> gaps, double fraction)
{
    if (gaps.empty())
        return 0;
    std::sort(gaps.begin(), gaps.end());
    const size_t at = std::min(gaps.size() - 1, size_t(fraction * double(gaps.size())));
    return ms(gaps[at]);
}

JobRecord syntheticJob(qint64 index, const QDateTime& newest, int volumes)
{
    static const char* const kinds[] = {"backup", "backup", "backup", "restore",
                                        "verify", "delete", "prune"};
    JobRecord job;
    const int volume = int(index % volumes);
    job.kind = QString::fromLatin1(kinds[index % 7]);
    job.origin = index % 3 == 0   ? QStringLiteral("schedule")
                 : index % 3 == 1 ? QStringLiteral("cli")
                                  : QStringLiteral("gui");
    job.volumeId =
        QStringLiteral("00000000-0000-4000-8000-%1").arg(volume, 12, 10, QLatin1Char('0'));
    job.volumeName = QStringLiteral("disk-%1").arg(volume);
    job.title = QStringLiteral("%1 of %2").arg(job.kind, job.volumeName);
    job.backendName = QStringLiteral("local");
    // Spread over the last 80 days (inside the default 90-day retention).
    job.startedAt = newest.addSecs(-(index * 69) % (80 * 86400));
    job.finishedAt = job.startedAt.addSecs(30 + index % 600);
    job.bytesRead = (index % 97 + 1) * (qint64(1) << 24);
    job.bytesStored = job.bytesRead / 3;
    job.bytesPerSecond = double(job.bytesRead) / double(30 + index % 600);
    if (index % 50 == 7) {
        job.result = JobResult::Failed;
        job.reason = QStringLiteral("Backend local: no space left on the store (%1)").arg(index);
    } else if (index % 211 == 3) {
        job.result = JobResult::Cancelled;
        job.reason = QStringLiteral("Cancelled by request.");
    } else {
        job.result = JobResult::Succeeded;
        job.reason = QStringLiteral("%1 done").arg(job.kind);
    }
    job.log = QStringLiteral("started\nphase: reading\n%1").arg(job.reason);
    job.pid = 1000 + index % 5000;
    return job;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The History page over many recorded jobs"));
    parser.addHelpOption();
    const QCommandLineOption dirOption(
        QStringLiteral("dir"), QStringLiteral("work directory (emptied first)"),
        QStringLiteral("DIR"), QStringLiteral("/tmp/ember-bench-history"));
    const QCommandLineOption jobsOption(QStringLiteral("jobs"), QStringLiteral("jobs to record"),
                                        QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption volumesOption(QStringLiteral("volumes"),
                                           QStringLiteral("volumes the jobs are spread over"),
                                           QStringLiteral("N"), QStringLiteral("40"));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"),
                                           QStringLiteral("give up after S seconds"),
                                           QStringLiteral("S"), QStringLiteral("300"));
    parser.addOptions({dirOption, jobsOption, volumesOption, timeoutOption});
    parser.process(app);
    const QString dir = parser.value(dirOption);
    const qint64 jobCount = parser.value(jobsOption).toLongLong();
    const int volumes = qMax(1, parser.value(volumesOption).toInt());
    if (dir.isEmpty() || jobCount <= 0) {
        std::fprintf(stderr, "bench_historyload: --dir and --jobs > 0 are needed\n");
        return 2;
    }
    QDir(dir).removeRecursively();
    QDir().mkpath(dir);
    qputenv("EMBER_HOME", dir.toUtf8());
    qputenv("XDG_CONFIG_HOME", (dir + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (dir + QStringLiteral("/data")).toUtf8());
    const QString catalogPath = dir + QStringLiteral("/catalog.sqlite");

    // ---- the fill: one transaction
    QElapsedTimer fillClock;
    fillClock.start();
    Catalog writer(catalogPath);
    const QDateTime newest = QDateTime::currentDateTimeUtc().addSecs(-60);
    writer.transaction([&] {
        for (qint64 index = 0; index < jobCount; ++index)
            writer.recordJob(syntheticJob(index, newest, volumes));
    });
    const double fillSeconds = double(fillClock.elapsed()) / 1000;
    std::printf("fill: %lld jobs over %d volumes recorded in %.1f s (one transaction)\n",
                static_cast<long long>(jobCount), volumes, fillSeconds);
    std::fflush(stdout);

    // ---- the panel
    QElapsedTimer clock;
    clock.start();
    StallProbe probe(clock);
    StallProbe::Worst loadPhase, filterPhase, insertPhase, sortPhase, idlePhase;
    probe.start();
    probe.phase(&idlePhase);

    AppContext context(catalogPath);
    qint64 panelStartNs = 0, loadedNs = -1, shownNs = -1, insertedNs = -1;
    std::unique_ptr<HistoryPanel> panel;
    PaintWatch paints;
    QList<std::pair<QString, double>> filterSteps; // what changed, ms until painted
    bool failed = false;

    auto finishRun = [&] { QTimer::singleShot(0, &app, [&] { app.quit(); }); };

    // Phase 4 (outside the target): a click on the Duration header sorts every
    // shown row on the UI thread; then back to newest first.
    auto sortPhaseStart = [&] {
        probe.phase(&sortPhase);
        panel->periodFilter()->setCurrentIndex(
            panel->periodFilter()->findData(HistoryPanel::AllTime));
        QTimer::singleShot(300, &app, [&] {
            panel->view()->sortByColumn(HistoryModel::Duration, Qt::DescendingOrder);
            QTimer::singleShot(300, &app, [&] {
                panel->view()->sortByColumn(HistoryModel::Started, Qt::DescendingOrder);
                QTimer::singleShot(300, &app, finishRun);
            });
        });
    };

    // Phase 3: another connection records one job; the watcher notices.
    auto insertPhaseStart = [&] {
        probe.phase(&insertPhase);
        const qint64 before = panel->model()->rowCount();
        const qint64 recordedAt = clock.nsecsElapsed();
        JobRecord job = syntheticJob(jobCount, QDateTime::currentDateTimeUtc(), volumes);
        job.title = QStringLiteral("recorded while the panel is open");
        writer.recordJob(job);
        auto* poll = new QTimer(&app);
        poll->setInterval(5);
        QObject::connect(poll, &QTimer::timeout, &app, [&, poll, before, recordedAt] {
            if (panel->model()->rowCount() > before && insertedNs < 0) {
                insertedNs = clock.nsecsElapsed() - recordedAt;
                poll->stop();
                QTimer::singleShot(500, &app, sortPhaseStart);
            }
        });
        poll->start();
    };

    // Phase 2: the filters, one change at a time, each given 300 ms.
    auto filterPhaseStart = [&] {
        probe.phase(&filterPhase);
        struct Step
        {
            QString name;
            std::function<void()> change;
        };
        auto steps = std::make_shared<QList<Step>>();
        QComboBox* period = panel->periodFilter();
        QComboBox* volume = panel->volumeFilter();
        QComboBox* result = panel->resultFilter();
        steps->append({QStringLiteral("all time"), [period] {
                           period->setCurrentIndex(period->findData(HistoryPanel::AllTime));
                       }});
        steps->append({QStringLiteral("one volume"), [volume] { volume->setCurrentIndex(1); }});
        steps->append({QStringLiteral("failed only"), [result] {
                           result->setCurrentIndex(result->findData(int(JobResult::Failed)));
                       }});
        steps->append({QStringLiteral("all volumes"), [volume] { volume->setCurrentIndex(0); }});
        steps->append({QStringLiteral("all results"), [result] { result->setCurrentIndex(0); }});
        steps->append({QStringLiteral("last 30 days"), [period] {
                           period->setCurrentIndex(period->findData(HistoryPanel::Last30Days));
                       }});
        auto next = std::make_shared<std::function<void()>>();
        *next = [&, steps, next] {
            if (steps->isEmpty()) {
                paints.onPaint = nullptr;
                QTimer::singleShot(300, &app, insertPhaseStart);
                return;
            }
            const Step step = steps->takeFirst();
            const qint64 startNs = clock.nsecsElapsed();
            paints.onPaint = [&, startNs, name = step.name, next] {
                filterSteps.append({name, ms(clock.nsecsElapsed() - startNs)});
                QTimer::singleShot(300, &app, [next] { (*next)(); });
            };
            step.change();
            panel->view()->viewport()->update();
        };
        (*next)();
    };

    QTimer::singleShot(300, &app, [&] {
        probe.phase(&loadPhase);
        panelStartNs = clock.nsecsElapsed();
        panel = std::make_unique<HistoryPanel>(context, nullptr);
        panel->resize(1400, 900);
        panel->view()->viewport()->installEventFilter(&paints);
        QObject::connect(panel->model(), &HistoryModel::loadFailed, &app,
                         [&](const QString& message) {
                             std::fprintf(stderr, "load failed: %s\n", qPrintable(message));
                             failed = true;
                             app.quit();
                         });
        QObject::connect(panel->model(), &HistoryModel::loaded, &app, [&] {
            if (loadedNs >= 0 || panel->model()->rowCount() < jobCount)
                return;
            loadedNs = clock.nsecsElapsed() - panelStartNs;
            paints.onPaint = [&] {
                shownNs = clock.nsecsElapsed() - panelStartNs;
                // Half a second more of the load phase, then the filters.
                QTimer::singleShot(500, &app, filterPhaseStart);
            };
            panel->view()->viewport()->update();
        });
        panel->show();
    });
    QTimer::singleShot(parser.value(timeoutOption).toInt() * 1000, &app, [&] {
        std::fprintf(stderr, "bench_historyload: timed out\n");
        failed = true;
        app.quit();
    });
    app.exec();
    if (failed || shownNs < 0)
        return 1;

    auto report = [](const char* name, const StallProbe::Worst& phase) {
        std::printf("stall %-42s max %7.1f ms (UI thread on CPU %5.1f ms), p99 %5.1f ms, "
                    "%d ticks\n",
                    name, ms(phase.wallNs), ms(phase.cpuNs), percentile(phase.gaps, 0.99),
                    phase.ticks);
    };
    std::printf("load: %lld rows in the model after %.1f ms, painted in the view after %.1f ms\n",
                static_cast<long long>(jobCount), ms(loadedNs), ms(shownNs));
    for (const auto& [name, msUntilPainted] : filterSteps)
        std::printf("filter %-14s painted after %6.1f ms\n", qPrintable(name), msUntilPainted);
    std::printf("insert: a job recorded by another connection shown after %.1f ms\n",
                ms(insertedNs));
    report("while loading and showing:", loadPhase);
    report("while changing filters:", filterPhase);
    report("while a new job is inserted:", insertPhase);
    report("sorting by duration (not in the target):", sortPhase);
    const double worst = ms(std::max({loadPhase.wallNs, filterPhase.wallNs, insertPhase.wallNs}));
    std::printf("longest UI stall: %.1f ms: %s 50 ms\n", worst, worst < 50 ? "under" : "NOT under");
    return 0;
}
