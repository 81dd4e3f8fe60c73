#include "dashboardpanel.h"

#include "appcontext.h"
#include "itemroles.h"
#include "statusstyle.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace ember::ui {

namespace {

const QColor overdueColor(0xc6, 0x28, 0x28);

QString localTime(const QDateTime& utc)
{
    return QLocale().toString(utc.toLocalTime(), QLocale::ShortFormat);
}

QGroupBox* section(const QString& title, QWidget* content, QWidget* parent)
{
    auto* box = new QGroupBox(title, parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(content);
    return box;
}

QTreeWidget* makeList(const QString& objectName, const QStringList& headers, QWidget* parent)
{
    auto* list = new QTreeWidget(parent);
    list->setObjectName(objectName);
    list->setRootIsDecorated(false);
    list->setUniformRowHeights(true);
    list->setAlternatingRowColors(true);
    list->setHeaderLabels(headers);
    list->header()->setStretchLastSection(true);
    list->setSelectionMode(QAbstractItemView::SingleSelection);
    return list;
}

// A row that says there is nothing (no failure, no schedule): not selectable.
void addPlaceholder(QTreeWidget* list, const QString& text)
{
    auto* item = new QTreeWidgetItem(list, {text});
    item->setFlags(Qt::ItemIsEnabled);
    item->setForeground(0, list->palette().color(QPalette::PlaceholderText));
    item->setFirstColumnSpanned(true);
}

// The largest binary unit in which `bytes` is at least 1: 1, 1024, 1024², ...
qint64 unitFor(qint64 bytes)
{
    qint64 unit = 1;
    while (unit < (Q_INT64_C(1) << 50) && bytes >= unit * 1024)
        unit *= 1024;
    return unit;
}

QString unitName(qint64 unit)
{
    switch (unit) {
    case 1:
        return QStringLiteral("B");
    case 1024:
        return QStringLiteral("KiB");
    case 1024 * 1024:
        return QStringLiteral("MiB");
    case Q_INT64_C(1) << 30:
        return QStringLiteral("GiB");
    case Q_INT64_C(1) << 40:
        return QStringLiteral("TiB");
    default:
        return QStringLiteral("PiB");
    }
}

QString scheduleTooltip(const VolumeOverview& volume)
{
    QStringList lines;
    for (const ScheduleCheck& check : volume.schedules) {
        const QString name = QStringLiteral("“%1” (%2)").arg(check.scheduleName, check.calendar);
        if (!check.problem.isEmpty())
            lines
                << DashboardPanel::tr("Schedule %1 cannot be checked: %2").arg(name, check.problem);
        else if (check.overdue)
            lines << DashboardPanel::tr("Overdue: schedule %1 was due at %2 and no backup has "
                                        "succeeded since (grace %3 passed).")
                         .arg(name, localTime(check.dueOccurrence), formatAge(check.graceSeconds));
        else if (check.dueOccurrence.isValid())
            lines << DashboardPanel::tr("Schedule %1: the run due at %2 is backed up.")
                         .arg(name, localTime(check.dueOccurrence));
        else
            lines << DashboardPanel::tr("Schedule %1 has not been due yet.").arg(name);
    }
    if (lines.isEmpty())
        lines << DashboardPanel::tr("No enabled schedule: the age is shown, never judged.");
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString formatAge(qint64 seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 60)
        return DashboardPanel::tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return DashboardPanel::tr("%1 min").arg(seconds / 60);
    if (seconds < 48 * 3600)
        return DashboardPanel::tr("%1 h").arg(seconds / 3600);
    const qint64 days = seconds / 86400;
    return days == 1 ? DashboardPanel::tr("1 day") : DashboardPanel::tr("%1 days").arg(days);
}

DashboardPanel::DashboardPanel(AppContext& context, QWidget* parent)
    : QWidget(parent), m_context(context)
{
    setObjectName(QStringLiteral("dashboardPanel"));
    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(tr("Reading the catalog…"), this);
    m_summary->setObjectName(QStringLiteral("dashboardSummary"));
    m_summary->setWordWrap(true);
    QFont summaryFont = m_summary->font();
    summaryFont.setPointSizeF(summaryFont.pointSizeF() * 1.2);
    m_summary->setFont(summaryFont);
    layout->addWidget(m_summary);

    m_pages = new QStackedWidget(this);
    layout->addWidget(m_pages, 1);
    m_emptyText = new QLabel(this);
    m_emptyText->setObjectName(QStringLiteral("dashboardEmpty"));
    m_emptyText->setAlignment(Qt::AlignCenter);
    m_emptyText->setWordWrap(true);
    m_emptyText->setText(
        tr("Nothing to show yet.\n\nAdd a volume and back it up on the Volumes page; add a "
           "schedule on the Schedules page to have backups made by themselves. Their ages, "
           "failures, stored bytes and next runs then appear here."));
    m_pages->addWidget(m_emptyText);

    auto* content = new QWidget(this);
    auto* grid = new QGridLayout(content);
    grid->setContentsMargins(0, 0, 0, 0);
    m_volumes = new QTableWidget(0, VolumeColumnCount, content);
    m_volumes->setObjectName(QStringLiteral("dashboardVolumes"));
    m_volumes->setHorizontalHeaderLabels(
        {tr("Volume"), tr("Last success"), tr("Age"), tr("Schedule")});
    m_volumes->verticalHeader()->hide();
    m_volumes->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_volumes->horizontalHeader()->setStretchLastSection(true);
    m_volumes->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_volumes->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_volumes->setAlternatingRowColors(true);
    m_volumes->setWordWrap(false);
    m_failures = makeList(QStringLiteral("dashboardFailures"),
                          {tr("When"), tr("Volume"), tr("Job"), tr("Reason")}, content);
    m_failures->setToolTip(tr("Double-click a failure to see it in the history."));
    connect(m_failures, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        const qint64 jobId = item->data(0, JobIdRole).toLongLong();
        if (jobId > 0)
            Q_EMIT showJobRequested(jobId);
    });
    m_nextRuns = makeList(QStringLiteral("dashboardNextRuns"),
                          {tr("When"), tr("Schedule"), tr("Volumes"), tr("Mode")}, content);
    m_chartView = new QChartView(new QChart(), content);
    m_chartView->setObjectName(QStringLiteral("dashboardChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(220);
    m_chartView->chart()->legend()->setAlignment(Qt::AlignBottom);
    m_chartView->chart()->setMargins(QMargins(4, 4, 4, 4));

    grid->addWidget(section(tr("Volumes: last successful backup"), m_volumes, content), 0, 0);
    grid->addWidget(section(tr("Stored bytes per backend"), m_chartView, content), 0, 1);
    grid->addWidget(
        section(tr("Failures of the last %1 days").arg(dashboardFailureDays), m_failures, content),
        1, 0);
    grid->addWidget(section(tr("Next runs"), m_nextRuns, content), 1, 1);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    m_pages->addWidget(content);

    m_startTimer = new QTimer(this);
    m_startTimer->setSingleShot(true);
    connect(m_startTimer, &QTimer::timeout, this, &DashboardPanel::startComputation);
    m_clockTimer = new QTimer(this);
    m_clockTimer->setInterval(60 * 1000);
    connect(m_clockTimer, &QTimer::timeout, this, &DashboardPanel::refresh);
    m_clockTimer->start();
    connect(&context, &AppContext::snapshotApplied, this, &DashboardPanel::onSnapshotApplied);
}

bool DashboardPanel::showsEmptyState() const
{
    return m_pages->currentWidget() == m_emptyText;
}

QChart* DashboardPanel::chart() const
{
    return m_chartView->chart();
}

void DashboardPanel::refresh()
{
    m_stale = true;
    if (!isVisible())
        return; // computed when shown
    if (m_computing) {
        m_pending = true;
        return;
    }
    if (!m_startTimer->isActive())
        m_startTimer->start(50);
}

void DashboardPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void DashboardPanel::onSnapshotApplied()
{
    // Every catalog write moves the counter; a reload that found nothing new
    // (e.g. after this page's own read) does not recompute.
    if (m_hasData && m_context.snapshot()->changeCounter == m_computedCounter)
        return;
    refresh();
}

void DashboardPanel::startComputation()
{
    if (m_computing)
        return;
    m_computing = true;
    m_stale = false;
    const qint64 counter = m_context.snapshot()->changeCounter;
    QElapsedTimer started;
    started.start();
    m_context.runQuick(
        this,
        [](BackupService& service) {
            return QVariant::fromValue(
                computeDashboard(service.catalog(), QDateTime::currentDateTimeUtc()));
        },
        [this, counter, started](const QVariant& result, const QString& error) {
            m_computing = false;
            m_computedCounter = counter;
            m_error = error;
            if (error.isEmpty())
                apply(result.value<DashboardData>());
            else
                showSummary();
            if (m_pending) {
                // Asked again meanwhile: once more, at most about once a second.
                m_pending = false;
                m_stale = true;
                m_startTimer->start(int(std::clamp<qint64>(1000 - started.elapsed(), 50, 1000)));
            }
        });
}

void DashboardPanel::apply(const DashboardData& data)
{
    m_data = data;
    m_hasData = true;
    m_pages->setCurrentWidget(data.isEmpty() ? static_cast<QWidget*>(m_emptyText)
                                             : m_pages->widget(1));
    showVolumes();
    showFailures();
    showStorage();
    showNextRuns();
    showSummary();
    Q_EMIT updated();
}

void DashboardPanel::showSummary()
{
    if (!m_error.isEmpty()) {
        m_summary->setText(tr("The overview could not be read: %1").arg(m_error));
        return;
    }
    if (!m_hasData)
        return;
    QStringList parts;
    const int overdue = m_data.overdueCount();
    const int volumes = static_cast<int>(m_data.volumes.size());
    if (overdue > 0)
        parts << QStringLiteral("<b style=\"color:%1\">%2</b>")
                     .arg(overdueColor.name(),
                          tr("%1 of %2 volumes overdue").arg(overdue).arg(volumes));
    else
        parts << (volumes == 1 ? tr("1 volume, not overdue")
                               : tr("%1 volumes, none overdue").arg(volumes));
    const int failures = static_cast<int>(m_data.failures.size());
    if (failures > 0)
        parts
            << QStringLiteral("<b>%1</b>")
                   .arg(failures == 1
                            ? tr("1 failure in %1 days").arg(dashboardFailureDays)
                            : tr("%1 failures in %2 days").arg(failures).arg(dashboardFailureDays));
    else
        parts << tr("no failures in %1 days").arg(dashboardFailureDays);
    if (!m_data.nextRuns.isEmpty())
        parts << tr("next run %1 (%2)")
                     .arg(localTime(m_data.nextRuns.first().at),
                          m_data.nextRuns.first().scheduleName.toHtmlEscaped());
    else
        parts << tr("no scheduled runs");
    m_summary->setText(parts.join(QStringLiteral(" · ")));
}

void DashboardPanel::showVolumes()
{
    // Overdue volumes first: they are what the page is read for.
    QList<VolumeOverview> volumes = m_data.volumes;
    std::stable_partition(volumes.begin(), volumes.end(),
                          [](const VolumeOverview& volume) { return volume.overdue; });
    m_volumes->setRowCount(static_cast<int>(volumes.size()));
    int row = 0;
    for (const VolumeOverview& volume : std::as_const(volumes)) {
        QStringList schedules;
        for (const ScheduleCheck& check : volume.schedules)
            schedules << check.scheduleName;
        const QString tooltip = scheduleTooltip(volume);
        const QStringList texts{
            volume.volumeName,
            volume.lastSuccess.isValid() ? localTime(volume.lastSuccess) : tr("never"),
            volume.ageSeconds >= 0 ? formatAge(volume.ageSeconds) : QStringLiteral("—"),
            schedules.isEmpty() ? tr("none") : schedules.join(QStringLiteral(", "))};
        for (int column = 0; column < VolumeColumnCount; ++column) {
            auto* item = new QTableWidgetItem(texts.at(column));
            item->setToolTip(tooltip);
            item->setData(IdRole, volume.volumeId);
            if (volume.overdue) {
                item->setForeground(overdueColor);
                QFont font = item->font();
                font.setBold(true);
                item->setFont(font);
            }
            m_volumes->setItem(row, column, item);
        }
        m_volumes->item(row, VolumeNameColumn)
            ->setIcon(statusIcon(volume.overdue         ? BackupStatus::Error
                                 : volume.hasSchedule() ? BackupStatus::Available
                                                        : BackupStatus::Deleted));
        ++row;
    }
}

void DashboardPanel::showFailures()
{
    m_failures->clear();
    for (const FailureOverview& failure : std::as_const(m_data.failures)) {
        QString reason = failure.reason;
        if (failure.result == JobResult::Interrupted)
            reason = tr("interrupted: %1").arg(reason.isEmpty() ? tr("the process ended") : reason);
        auto* item = new QTreeWidgetItem(
            m_failures, {localTime(failure.startedAt), failure.volumeName, failure.title, reason});
        item->setData(0, JobIdRole, failure.jobId);
        item->setIcon(0, statusIcon(BackupStatus::Error));
        item->setToolTip(3, failure.reason);
    }
    if (m_data.failures.isEmpty())
        addPlaceholder(m_failures,
                       tr("No job failed in the last %1 days.").arg(dashboardFailureDays));
    for (int column = 0; column < 3; ++column)
        m_failures->resizeColumnToContents(column);
}

void DashboardPanel::showNextRuns()
{
    m_nextRuns->clear();
    const QDateTime now = m_data.computedAt;
    for (const UpcomingRun& run : std::as_const(m_data.nextRuns)) {
        const QString when = tr("%1 (in %2)").arg(localTime(run.at), formatAge(now.secsTo(run.at)));
        QString mode = scheduleModeText(run.mode);
        if (!run.backendName.isEmpty())
            mode = tr("%1 to %2").arg(mode, run.backendName);
        new QTreeWidgetItem(
            m_nextRuns, {when, run.scheduleName, run.volumeNames.join(QStringLiteral(", ")), mode});
    }
    if (m_data.nextRuns.isEmpty())
        addPlaceholder(m_nextRuns, tr("No enabled schedule: add one on the Schedules page."));
    for (int column = 0; column < 3; ++column)
        m_nextRuns->resizeColumnToContents(column);
}

void DashboardPanel::showStorage()
{
    QChart* chart = m_chartView->chart();
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }

    qint64 largest = 0;
    QDateTime first = m_data.computedAt;
    for (const BackendStorage& backend : std::as_const(m_data.storage))
        for (const StoragePoint& point : backend.points) {
            largest = std::max(largest, point.bytes);
            first = std::min(first, point.at);
        }
    m_chartUnit = unitFor(largest);

    auto* timeAxis = new QDateTimeAxis(chart);
    const bool longSpan = first.secsTo(m_data.computedAt) > 2 * 86400;
    timeAxis->setFormat(longSpan ? QStringLiteral("d MMM") : QStringLiteral("d MMM hh:mm"));
    timeAxis->setTickCount(6);
    QDateTime last = m_data.computedAt;
    if (first.secsTo(last) < 3600)
        first = last.addSecs(-3600);
    timeAxis->setRange(first.toLocalTime(), last.toLocalTime());
    auto* bytesAxis = new QValueAxis(chart);
    bytesAxis->setTitleText(tr("Stored (%1)").arg(unitName(m_chartUnit)));
    bytesAxis->setLabelFormat(QStringLiteral("%.1f"));
    bytesAxis->setRange(0, std::max(1.0, double(largest) / double(m_chartUnit)));
    bytesAxis->applyNiceNumbers();
    chart->addAxis(timeAxis, Qt::AlignBottom);
    chart->addAxis(bytesAxis, Qt::AlignLeft);

    for (const BackendStorage& backend : std::as_const(m_data.storage)) {
        auto* series = new QLineSeries(chart);
        series->setName(backend.backendName);
        // Steps: the amount holds until the next change.
        qint64 previous = -1;
        for (const StoragePoint& point : backend.points) {
            const qreal x = qreal(point.at.toMSecsSinceEpoch());
            if (previous >= 0 && previous != point.bytes)
                series->append(x, double(previous) / double(m_chartUnit));
            series->append(x, double(point.bytes) / double(m_chartUnit));
            previous = point.bytes;
        }
        chart->addSeries(series);
        series->attachAxis(timeAxis);
        series->attachAxis(bytesAxis);
    }
    chart->legend()->setVisible(!m_data.storage.isEmpty());
}

} // namespace ember::ui
