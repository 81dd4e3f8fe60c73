// bench_cloudload: how the panels behave while a cloud's lists load. The real
// VolumePanel and ChainPanel (with the proxies the main window uses) show a
// CloudSource's snapshots, as the main window applies them; every volume is
// selected, so the chain tree holds every backup. A 1 ms heartbeat timer on
// the UI thread measures how long the event loop was kept from running it.
//
// Usage: bench_cloudload [--cache FILE] [--listing FILE] [--timeout SECONDS] [--page-size N]
//                        [--width W --height H]
// The cloud comes from the OS_* variables (an admin: every project is listed).
// Prints one JSON line on stdout (times in ms since CloudSource::start()), and
// a readable timeline on stderr. Offscreen unless QT_QPA_PLATFORM says otherwise.
#include "backuptreemodel.h"
#include "chainpanel.h"
#include "cloudconfig.h"
#include "cloudsource.h"
#include "volumemodel.h"
#include "volumepanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
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

// Peak and current resident memory of this process, in KiB.
std::pair<qint64, qint64> memoryKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    qint64 peak = -1, now = -1;
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n')) {
            const QList<QByteArray> parts = line.simplified().split(' ');
            if (parts.size() >= 2 && parts[0] == "VmHWM:")
                peak = parts[1].toLongLong();
            if (parts.size() >= 2 && parts[0] == "VmRSS:")
                now = parts[1].toLongLong();
        }
    }
    return {peak, now};
}

// The UI thread's heartbeat: a 1 ms precise timer. A gap between two ticks is
// the time the event loop spent elsewhere (handlers, layout, painting) or the
// thread was not scheduled; the thread's CPU time over the gap tells which.
class StallProbe : public QObject
{
public:
    struct Gap
    {
        qint64 atNs, wallNs, cpuNs; // atNs: when the gap ended
    };

    explicit StallProbe(const QElapsedTimer& clock) : m_clock(clock)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
    }
    void start()
    {
        m_lastNs = m_clock.nsecsElapsed();
        m_lastCpu = threadCpuNs();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    const std::vector<Gap>& gaps() const { return m_gaps; }

private:
    void tick()
    {
        const qint64 now = m_clock.nsecsElapsed();
        const qint64 cpu = threadCpuNs();
        m_gaps.push_back({now, now - m_lastNs, cpu - m_lastCpu});
        m_lastNs = now;
        m_lastCpu = cpu;
    }
    const QElapsedTimer& m_clock;
    QTimer m_timer;
    qint64 m_lastNs = 0, m_lastCpu = 0;
    std::vector<Gap> m_gaps;
};

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption cacheOption(QStringLiteral("cache"),
                                         QStringLiteral("parent cache file (export records)"),
                                         QStringLiteral("FILE"));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"), QStringLiteral("seconds"),
                                           QStringLiteral("SECONDS"), QStringLiteral("900"));
    const QCommandLineOption pageOption(QStringLiteral("page-size"),
                                        QStringLiteral("items per page (CloudSource default)"),
                                        QStringLiteral("N"));
    const QCommandLineOption widthOption(QStringLiteral("width"), QStringLiteral("window width"),
                                         QStringLiteral("W"), QStringLiteral("1600"));
    const QCommandLineOption heightOption(QStringLiteral("height"), QStringLiteral("window height"),
                                          QStringLiteral("H"), QStringLiteral("1000"));
    const QCommandLineOption listingOption(
        QStringLiteral("listing"),
        QStringLiteral("the kept listing (shown before the live pages); empty: none"),
        QStringLiteral("FILE"));
    parser.addOptions(
        {cacheOption, listingOption, timeoutOption, pageOption, widthOption, heightOption});
    parser.process(app);

    const auto profile = cloud::cloudFromEnvironment();
    if (!profile) {
        std::fprintf(stderr, "bench_cloudload: OS_AUTH_URL is not set (source cinder.env)\n");
        return 2;
    }

    QWidget window;
    auto* layout = new QHBoxLayout(&window);
    VolumeModel volumes;
    BackupTreeModel tree;
    auto* volumePanel = new VolumePanel(&volumes, &window);
    auto* chainPanel = new ChainPanel(&tree, &window);
    volumePanel->setSourceKind(SourceKind::Cloud);
    chainPanel->setSourceKind(SourceKind::Cloud);
    layout->addWidget(volumePanel, 2);
    layout->addWidget(chainPanel, 3);
    window.resize(parser.value(widthOption).toInt(), parser.value(heightOption).toInt());
    window.show();
    // As the main window: the chain panel follows the volume selection.
    QObject::connect(volumePanel, &VolumePanel::selectionChanged, chainPanel,
                     [&] { chainPanel->showVolumes(volumePanel->selectedVolumeIds(), QString()); });

    CloudSource source(*profile);
    if (parser.isSet(cacheOption))
        source.setParentCacheFile(parser.value(cacheOption));
    // Without --listing none is kept: the user's data directory stays out of it.
    source.setListingCacheFile(parser.value(listingOption));
    if (parser.isSet(pageOption))
        source.setPageSize(parser.value(pageOption).toInt());

    QElapsedTimer clock;
    StallProbe probe(clock);
    QJsonArray snapshots;
    qint64 firstLivePaintNs = -1; // the first live page applied
    bool liveRows = false;
    qint64 firstRowsNs = -1, firstPaintNs = -1, firstBackupsNs = -1, listCompleteNs = -1,
           chainsCompleteNs = -1;
    qint64 longestHandlerNs = 0;
    qint64 expectedBackups = -1;
    QString failure;
    bool finishing = false;

    // "Shown": the first paint of the volume table after rows reached it.
    // Also counts the paints of both views and the time spent in them.
    class PaintWatch : public QObject
    {
    public:
        std::function<void()> onPaint;
        int paints = 0;
        qint64 paintNs = 0, longestPaintNs = 0;
        bool eventFilter(QObject* watched, QEvent* event) override
        {
            if (event->type() != QEvent::Paint)
                return QObject::eventFilter(watched, event);
            if (onPaint)
                onPaint();
            QElapsedTimer timer;
            timer.start();
            // Paints here, to time it; the view does not paint it again.
            watched->removeEventFilter(this);
            QCoreApplication::sendEvent(watched, event);
            watched->installEventFilter(this);
            const qint64 spent = timer.nsecsElapsed();
            ++paints;
            paintNs += spent;
            longestPaintNs = std::max(longestPaintNs, spent);
            return true;
        }
    } paintWatch;
    paintWatch.onPaint = [&] {
        if (firstPaintNs < 0 && volumePanel->proxy()->rowCount() > 0)
            firstPaintNs = clock.nsecsElapsed();
    };
    volumePanel->view()->viewport()->installEventFilter(&paintWatch);
    chainPanel->view()->viewport()->installEventFilter(&paintWatch);

    auto finish = [&] {
        if (finishing)
            return;
        finishing = true;
        // A little longer, so the paints that follow the last snapshot count.
        QTimer::singleShot(500, &app, [&] { app.quit(); });
    };

    QObject::connect(&source, &Source::loadProgress, &app,
                     [&](qint64 loaded, qint64) { liveRows = liveRows || loaded > 0; });
    QObject::connect(&source, &Source::loadFailed, &app, [&](const QString& message) {
        failure = message;
        std::fprintf(stderr, "load failed: %s\n", qPrintable(message));
        finish();
    });
    QObject::connect(&source, &Source::snapshotChanged, &app, [&] {
        const qint64 begin = clock.nsecsElapsed();
        const auto snapshot = source.snapshot();
        volumes.apply(*snapshot);
        const qint64 volumesDone = clock.nsecsElapsed();
        tree.apply(*snapshot);
        const qint64 treeDone = clock.nsecsElapsed();
        // Every volume selected: a user who pressed Ctrl+A in the volume table.
        if (volumePanel->view()->selectionModel()->selectedRows().size() <
            volumePanel->proxy()->rowCount())
            volumePanel->view()->selectAll();
        const qint64 end = clock.nsecsElapsed();
        longestHandlerNs = std::max(longestHandlerNs, end - begin);
        if (firstRowsNs < 0 && volumes.rowCount() > 0)
            firstRowsNs = end;
        const bool stale = snapshot->staleAsOf.isValid();
        // The first snapshot holding a page read from the cloud (a kept listing
        // may already show the same rows, so no new paint need follow).
        if (firstLivePaintNs < 0 && liveRows && !snapshot->volumes.isEmpty())
            firstLivePaintNs = end;
        int treeRows = 0;
        std::function<void(const QModelIndex&)> count = [&](const QModelIndex& parent) {
            for (int row = 0; row < tree.rowCount(parent); ++row) {
                ++treeRows;
                count(tree.index(row, 0, parent));
            }
        };
        count({});
        if (firstBackupsNs < 0 && treeRows > 0)
            firstBackupsNs = end;
        // The backups the tree can show: those of listed volumes.
        QSet<QString> volumeIds;
        for (const Volume& volume : snapshot->volumes)
            volumeIds.insert(volume.id);
        const auto showable = std::count_if(
            snapshot->backups.begin(), snapshot->backups.end(),
            [&](const Backup& backup) { return volumeIds.contains(backup.volumeId); });
        if (snapshot->complete && !stale && listCompleteNs < 0 && treeRows == showable)
            listCompleteNs = end;
        expectedBackups = snapshot->totalBackups;
        snapshots.append(QJsonObject{{QStringLiteral("at_ms"), ms(begin)},
                                     {QStringLiteral("volumes"), snapshot->volumes.size()},
                                     {QStringLiteral("backups"), snapshot->backups.size()},
                                     {QStringLiteral("tree_rows"), treeRows},
                                     {QStringLiteral("complete"), snapshot->complete},
                                     {QStringLiteral("stale"), stale},
                                     {QStringLiteral("volume_apply_ms"), ms(volumesDone - begin)},
                                     {QStringLiteral("tree_apply_ms"), ms(treeDone - volumesDone)},
                                     {QStringLiteral("select_ms"), ms(end - treeDone)}});
        std::fprintf(stderr,
                     "%8.1f ms  snapshot: %lld volumes, %lld backups (tree %d rows)%s; "
                     "volume apply %.1f ms, tree apply %.1f ms, selection %.1f ms\n",
                     ms(begin), qlonglong(snapshot->volumes.size()),
                     qlonglong(snapshot->backups.size()), treeRows,
                     stale                ? ", kept listing"
                     : snapshot->complete ? ", complete"
                                          : "",
                     ms(volumesDone - begin), ms(treeDone - volumesDone), ms(end - treeDone));
        // Admins: the load ends with the parents from export records.
        if (source.loadCount() >= 1 && listCompleteNs >= 0 && chainsCompleteNs < 0) {
            chainsCompleteNs = end;
            finish();
        }
    });

    QTimer::singleShot(parser.value(timeoutOption).toInt() * 1000, &app, [&] {
        failure = QStringLiteral("timeout");
        app.quit();
    });
    // Once the empty window has been shown and painted: its start-up is not the load.
    QTimer::singleShot(300, &app, [&] {
        clock.start();
        probe.start();
        source.start();
    });
    app.exec();
    probe.stop();

    // The gaps while loading: from start() until the load was complete.
    const qint64 endNs =
        chainsCompleteNs >= 0 ? chainsCompleteNs + 500000000 : clock.nsecsElapsed();
    std::vector<StallProbe::Gap> gaps;
    for (const auto& gap : probe.gaps())
        if (gap.atNs <= endNs)
            gaps.push_back(gap);
    std::vector<qint64> walls;
    for (const auto& gap : gaps)
        walls.push_back(gap.wallNs);
    std::sort(walls.begin(), walls.end());
    auto percentile = [&](double p) {
        if (walls.empty())
            return qint64(0);
        return walls[std::min(walls.size() - 1, size_t(p * double(walls.size())))];
    };
    std::vector<StallProbe::Gap> worst = gaps;
    std::sort(worst.begin(), worst.end(),
              [](const auto& a, const auto& b) { return a.wallNs > b.wallNs; });
    worst.resize(std::min<size_t>(worst.size(), 5));
    QJsonArray worstJson;
    for (const auto& gap : worst) {
        worstJson.append(QJsonObject{{QStringLiteral("end_ms"), ms(gap.atNs)},
                                     {QStringLiteral("wall_ms"), ms(gap.wallNs)},
                                     {QStringLiteral("ui_cpu_ms"), ms(gap.cpuNs)}});
        std::fprintf(stderr, "stall ending at %8.1f ms: %.1f ms (UI thread on CPU %.1f ms)\n",
                     ms(gap.atNs), ms(gap.wallNs), ms(gap.cpuNs));
    }
    const qint64 over16 =
        std::count_if(walls.begin(), walls.end(), [](qint64 w) { return w > 16000000; });
    const qint64 over50 =
        std::count_if(walls.begin(), walls.end(), [](qint64 w) { return w > 50000000; });
    const auto [peakKiB, rssKiB] = memoryKiB();
    const QJsonObject result{
        {QStringLiteral("ok"), failure.isEmpty()},
        {QStringLiteral("failure"), failure},
        {QStringLiteral("volumes"), volumes.rowCount()},
        {QStringLiteral("backups_expected"), expectedBackups},
        {QStringLiteral("first_rows_ms"), firstRowsNs < 0 ? -1 : ms(firstRowsNs)},
        {QStringLiteral("first_page_shown_ms"), firstPaintNs < 0 ? -1 : ms(firstPaintNs)},
        {QStringLiteral("first_live_page_shown_ms"),
         firstLivePaintNs < 0 ? -1 : ms(firstLivePaintNs)},
        {QStringLiteral("first_backups_ms"), firstBackupsNs < 0 ? -1 : ms(firstBackupsNs)},
        {QStringLiteral("list_complete_ms"), listCompleteNs < 0 ? -1 : ms(listCompleteNs)},
        {QStringLiteral("chains_complete_ms"), chainsCompleteNs < 0 ? -1 : ms(chainsCompleteNs)},
        {QStringLiteral("heartbeats"), qint64(walls.size())},
        {QStringLiteral("longest_stall_ms"), walls.empty() ? 0 : ms(walls.back())},
        {QStringLiteral("p99_gap_ms"), ms(percentile(0.99))},
        {QStringLiteral("p999_gap_ms"), ms(percentile(0.999))},
        {QStringLiteral("gaps_over_16ms"), over16},
        {QStringLiteral("gaps_over_50ms"), over50},
        {QStringLiteral("longest_handler_ms"), ms(longestHandlerNs)},
        {QStringLiteral("view_paints"), paintWatch.paints},
        {QStringLiteral("view_paint_ms"), ms(paintWatch.paintNs)},
        {QStringLiteral("longest_view_paint_ms"), ms(paintWatch.longestPaintNs)},
        {QStringLiteral("worst_stalls"), worstJson},
        {QStringLiteral("snapshots"), snapshots},
        {QStringLiteral("peak_rss_kib"), peakKiB},
        {QStringLiteral("rss_kib"), rssKiB},
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return failure.isEmpty() ? 0 : 1;
}
