#include "schedulemodel.h"

#include "async.h"
#include "calendar.h"
#include "catalogwatcher.h"
#include "itemroles.h"

#include <QColor>
#include <QHash>
#include <QSet>

#include <limits>

namespace ember::ui {

namespace {

// Columns of the job record the table shows (the log is never loaded).
bool sameJob(const std::optional<JobRecord>& a, const std::optional<JobRecord>& b)
{
    if (a.has_value() != b.has_value())
        return false;
    if (!a)
        return true;
    return a->id == b->id && a->result == b->result && a->startedAt == b->startedAt &&
           a->finishedAt == b->finishedAt && a->reason == b->reason &&
           a->volumeName == b->volumeName;
}

bool sameSchedule(const Schedule& a, const Schedule& b)
{
    return a.id == b.id && a.name == b.name && a.volumeIds == b.volumeIds &&
           a.calendar == b.calendar && a.backendName == b.backendName && a.mode == b.mode &&
           a.fullEvery == b.fullEvery && a.fullEveryDays == b.fullEveryDays &&
           a.applyRetention == b.applyRetention && a.enabled == b.enabled &&
           a.updatedAt == b.updatedAt && a.lastOccurrence == b.lastOccurrence;
}

QString resultText(JobResult result)
{
    switch (result) {
    case JobResult::Running:
        return ScheduleModel::tr("running");
    case JobResult::Succeeded:
        return ScheduleModel::tr("succeeded");
    case JobResult::Failed:
        return ScheduleModel::tr("failed");
    case JobResult::Cancelled:
        return ScheduleModel::tr("cancelled");
    case JobResult::Skipped:
        return ScheduleModel::tr("skipped");
    case JobResult::Interrupted:
        return ScheduleModel::tr("interrupted");
    }
    return {};
}

QColor resultColor(JobResult result)
{
    switch (result) {
    case JobResult::Succeeded:
        return QColor(0x2e, 0x7d, 0x32); // green, as an available backup
    case JobResult::Failed:
    case JobResult::Interrupted:
        return QColor(0xc6, 0x28, 0x28); // red
    case JobResult::Running:
        return QColor(0x15, 0x65, 0xc0); // blue: work in progress
    case JobResult::Skipped:
    case JobResult::Cancelled:
        return QColor(0xef, 0x6c, 0x00); // orange
    }
    return {};
}

} // namespace

bool ScheduleModel::Row::operator==(const Row& other) const
{
    return sameSchedule(schedule, other.schedule) && volumeNames == other.volumeNames &&
           nextRun == other.nextRun && normalizedCalendar == other.normalizedCalendar &&
           calendarProblem == other.calendarProblem && sameJob(lastJob, other.lastJob);
}

ScheduleModel::ScheduleModel(QObject* parent) : QAbstractTableModel(parent)
{
    m_pool.setMaxThreadCount(1);
    m_nextRunTimer.setSingleShot(true);
    connect(&m_nextRunTimer, &QTimer::timeout, this, &ScheduleModel::reload);
}

ScheduleModel::~ScheduleModel()
{
    // The load posts its result to this object: it must be done before the
    // object goes (posted events die with it).
    m_pool.waitForDone();
}

QList<ScheduleModel::Row> ScheduleModel::load(const Catalog& catalog, const QDateTime& now)
{
    QHash<QString, QString> volumeNames;
    for (const Volume& volume : catalog.volumes())
        volumeNames.insert(volume.id, volume.name);
    QList<Row> rows;
    for (const Schedule& schedule : catalog.schedules()) {
        Row row;
        row.schedule = schedule;
        for (const QString& id : schedule.volumeIds)
            row.volumeNames.append(volumeNames.value(id, id));
        try {
            const CalendarSpec spec = CalendarSpec::parse(schedule.calendar);
            row.normalizedCalendar = spec.normalized();
            if (schedule.enabled)
                if (const auto next = spec.nextAfter(now))
                    row.nextRun = next->toUTC();
        } catch (const std::exception& error) {
            row.calendarProblem = QString::fromUtf8(error.what());
        }
        JobHistoryFilter filter;
        filter.scheduleId = schedule.id;
        filter.limit = 1;
        filter.withLog = false;
        const QList<JobRecord> jobs = catalog.jobHistory(filter);
        if (!jobs.isEmpty())
            row.lastJob = jobs.first();
        rows.append(row);
    }
    return rows;
}

void ScheduleModel::follow(CatalogWatcher& watcher)
{
    if (m_watcher)
        disconnect(m_watcher, nullptr, this, nullptr);
    m_watcher = &watcher;
    m_catalogPath = watcher.catalogPath();
    m_seenCounter = watcher.hasSnapshot() ? watcher.snapshot()->changeCounter : -1;
    connect(&watcher, &CatalogWatcher::snapshotChanged, this, [this] {
        // The watcher also publishes unchanged snapshots (refreshNow): load
        // only when some process committed a change.
        const qint64 counter = m_watcher->snapshot()->changeCounter;
        if (counter == m_seenCounter)
            return;
        m_seenCounter = counter;
        reload();
    });
    reload();
}

void ScheduleModel::reload()
{
    if (m_catalogPath.isEmpty())
        return;
    if (m_loading) {
        m_loadAgain = true; // the load under way may have read the old state
        return;
    }
    startLoad();
}

void ScheduleModel::startLoad()
{
    m_loading = true;
    m_loadAgain = false;
    const quint64 generation = ++m_generation;
    const QString path = m_catalogPath;
    runInBackground(
        this,
        [path] {
            const Catalog catalog(path);
            return load(catalog, QDateTime::currentDateTimeUtc());
        },
        [this, generation](const AsyncOutcome<QList<Row>>& outcome) {
            finishLoad(generation, outcome.value.value_or(QList<Row>()), outcome.error);
        },
        &m_pool);
}

void ScheduleModel::finishLoad(quint64 generation, const QList<Row>& rows, const QString& error)
{
    if (generation != m_generation)
        return;
    m_loading = false;
    if (error.isEmpty()) {
        apply(rows);
        m_loaded = true;
        armNextRunTimer();
        Q_EMIT loaded();
    } else {
        Q_EMIT loadFailed(error);
    }
    if (m_loadAgain)
        startLoad();
}

void ScheduleModel::armNextRunTimer()
{
    // Once the soonest shown next run has passed, the column shows the one
    // after it (and its job, when it ran, moves the catalog anyway).
    QDateTime soonest;
    for (const Row& row : std::as_const(m_rows))
        if (row.nextRun.isValid() && (!soonest.isValid() || row.nextRun < soonest))
            soonest = row.nextRun;
    if (!soonest.isValid()) {
        m_nextRunTimer.stop();
        return;
    }
    constexpr qint64 hourMs = 3600 * 1000;
    const qint64 untilMs = QDateTime::currentDateTimeUtc().msecsTo(soonest) + 1000;
    m_nextRunTimer.start(static_cast<int>(qBound<qint64>(qint64(1000), untilMs, hourMs)));
}

int ScheduleModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ScheduleModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ScheduleModel::modeText(const Schedule& schedule)
{
    if (schedule.mode == Schedule::Mode::Full)
        return tr("full");
    QStringList forced;
    if (schedule.fullEvery > 0)
        forced.append(tr("a full every %n backups", "", schedule.fullEvery));
    if (schedule.fullEveryDays > 0)
        forced.append(tr("a full every %n days", "", schedule.fullEveryDays));
    if (forced.isEmpty())
        return tr("incremental");
    return tr("incremental, %1").arg(forced.join(tr(" or ")));
}

QVariant ScheduleModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const Schedule& schedule = row.schedule;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return schedule.name;
        case Volumes:
            return row.volumeNames.join(QStringLiteral(", "));
        case Calendar:
            return schedule.calendar;
        case Mode:
            return modeText(schedule);
        case NextRun:
            if (!row.calendarProblem.isEmpty())
                return tr("invalid calendar");
            if (!schedule.enabled)
                return tr("disabled");
            return row.nextRun.isValid() ? formatTime(row.nextRun) : tr("never");
        case LastRun:
            return row.lastJob ? formatTime(row.lastJob->startedAt) : tr("never");
        case LastResult:
            return row.lastJob ? resultText(row.lastJob->result) : QString();
        case Enabled:
            return schedule.enabled ? tr("yes") : tr("no");
        }
        break;
    case RawValueRole:
        switch (index.column()) {
        case Name:
            return schedule.name.toLower();
        case Volumes:
            return row.volumeNames.join(QStringLiteral(", ")).toLower();
        case Calendar:
            return schedule.calendar;
        case Mode:
            return static_cast<int>(schedule.mode);
        case NextRun:
            // Schedules that never run again sort after every real time.
            return row.nextRun.isValid() ? row.nextRun.toMSecsSinceEpoch()
                                         : std::numeric_limits<qint64>::max();
        case LastRun:
            return row.lastJob ? row.lastJob->startedAt.toMSecsSinceEpoch() : qint64(0);
        case LastResult:
            return row.lastJob ? static_cast<int>(row.lastJob->result) : -1;
        case Enabled:
            return schedule.enabled;
        }
        break;
    case IdRole:
        return schedule.id;
    case Qt::ForegroundRole:
        if (index.column() == LastResult && row.lastJob)
            return resultColor(row.lastJob->result);
        if (index.column() == NextRun && !row.calendarProblem.isEmpty())
            return QColor(0xc6, 0x28, 0x28);
        if (!schedule.enabled)
            return QColor(0x75, 0x75, 0x75); // a disabled schedule reads greyed out
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Calendar:
        case NextRun:
            if (!row.calendarProblem.isEmpty())
                return row.calendarProblem;
            return tr("%1\n(systemd: %2)").arg(schedule.calendar, row.normalizedCalendar);
        case LastRun:
        case LastResult:
            if (row.lastJob)
                return row.lastJob->reason.isEmpty()
                           ? row.lastJob->title
                           : tr("%1\n%2").arg(row.lastJob->title, row.lastJob->reason);
            break;
        default:
            return tr("%1\nid %2").arg(schedule.name, schedule.id);
        }
        break;
    }
    return {};
}

QVariant ScheduleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Volumes:
        return tr("Volumes");
    case Calendar:
        return tr("When");
    case Mode:
        return tr("Mode");
    case NextRun:
        return tr("Next run");
    case LastRun:
        return tr("Last run");
    case LastResult:
        return tr("Last result");
    case Enabled:
        return tr("Enabled");
    }
    return {};
}

void ScheduleModel::apply(const QList<Row>& rows)
{
    QHash<QString, Row> incoming;
    for (const Row& row : rows)
        incoming.insert(row.schedule.id, row);

    // Remove vanished rows, from the bottom so row numbers stay valid.
    for (int row = static_cast<int>(m_rows.size()) - 1; row >= 0; --row) {
        if (!incoming.contains(m_rows.at(row).schedule.id)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    QSet<QString> present;
    for (int row = 0; row < m_rows.size(); ++row) {
        const QString id = m_rows.at(row).schedule.id;
        present.insert(id);
        const Row& fresh = incoming[id];
        if (!(fresh == m_rows.at(row))) {
            m_rows[row] = fresh;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    QList<Row> added;
    for (const Row& row : rows)
        if (!present.contains(row.schedule.id))
            added.append(row);
    if (!added.isEmpty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
        m_rows.append(added);
        endInsertRows();
    }
}

QString ScheduleModel::scheduleId(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return m_rows.at(row).schedule.id;
}

int ScheduleModel::rowOf(const QString& scheduleId) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).schedule.id == scheduleId)
            return row;
    return -1;
}

std::optional<ScheduleModel::Row> ScheduleModel::row(const QString& scheduleId) const
{
    const int at = rowOf(scheduleId);
    if (at < 0)
        return std::nullopt;
    return m_rows.at(at);
}

} // namespace ember::ui
