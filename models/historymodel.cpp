#include "historymodel.h"

#include "catalog.h"
#include "catalogwatcher.h"
#include "itemroles.h"
#include "records.h"
#include "statusstyle.h"

#include <QCoreApplication>
#include <QHash>
#include <QPointer>
#include <QSaveFile>

#include <algorithm>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace ember::ui {

QString jobResultLabel(JobResult result)
{
    switch (result) {
    case JobResult::Running:
        return QCoreApplication::translate("JobResult", "running");
    case JobResult::Succeeded:
        return QCoreApplication::translate("JobResult", "succeeded");
    case JobResult::Failed:
        return QCoreApplication::translate("JobResult", "failed");
    case JobResult::Cancelled:
        return QCoreApplication::translate("JobResult", "cancelled");
    case JobResult::Skipped:
        return QCoreApplication::translate("JobResult", "skipped");
    case JobResult::Interrupted:
        return QCoreApplication::translate("JobResult", "interrupted");
    }
    return {};
}

QString jobKindLabel(const QString& kind)
{
    if (kind == QLatin1String("backup"))
        return QCoreApplication::translate("JobKind", "backup");
    if (kind == QLatin1String("restore"))
        return QCoreApplication::translate("JobKind", "restore");
    if (kind == QLatin1String("delete"))
        return QCoreApplication::translate("JobKind", "delete");
    if (kind == QLatin1String("verify"))
        return QCoreApplication::translate("JobKind", "verify");
    if (kind == QLatin1String("synthesize"))
        return QCoreApplication::translate("JobKind", "synthesize");
    if (kind == QLatin1String("prune"))
        return QCoreApplication::translate("JobKind", "prune");
    return kind;
}

namespace {

QByteArray csvField(const QString& text)
{
    QByteArray field = text.toUtf8();
    if (field.contains(',') || field.contains('"') || field.contains('\n') ||
        field.contains('\r')) {
        field.replace('"', "\"\"");
        field = '"' + field + '"';
    }
    return field;
}

QString isoUtc(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

} // namespace

QByteArray jobHistoryCsvHeader()
{
    return "id,started_at,finished_at,kind,origin,title,volume_id,volume_name,backup_id,"
           "backend,cloud,schedule_id,result,duration_seconds,bytes_read,bytes_stored,"
           "bytes_per_second,reason\r\n";
}

QByteArray jobHistoryCsvLine(const JobRecord& job)
{
    const QStringList fields = {QString::number(job.id),
                                isoUtc(job.startedAt),
                                isoUtc(job.finishedAt),
                                job.kind,
                                job.origin,
                                job.title,
                                job.volumeId,
                                job.volumeName,
                                job.backupId,
                                job.backendName,
                                job.cloud,
                                job.scheduleId,
                                jobResultText(job.result),
                                QString::number(job.durationSeconds()),
                                QString::number(job.bytesRead),
                                QString::number(job.bytesStored),
                                QString::number(qint64(job.bytesPerSecond)),
                                job.reason};
    QByteArray line;
    for (qsizetype index = 0; index < fields.size(); ++index) {
        if (index > 0)
            line += ',';
        line += csvField(fields.at(index));
    }
    return line + "\r\n";
}

// The colour key (statusstyle.h) of a result.
static QString resultColorKey(JobResult result)
{
    switch (result) {
    case JobResult::Succeeded:
        return BackupStatus::Available;
    case JobResult::Failed:
    case JobResult::Interrupted:
        return BackupStatus::Error;
    case JobResult::Running:
        return BackupStatus::Creating;
    default:
        return QStringLiteral("other");
    }
}

// One load, built on the worker thread. `insertedAtTop` >= 0 means the
// previous rows follow the first `insertedAtTop` rows unchanged in order (only
// rows [firstChanged, lastChanged] differ in content); -1 means a reset.
struct HistoryModel::Load
{
    std::vector<HistoryRow> rows;
    QHash<qint64, int> rowOfId;
    QList<HistoryVolume> volumes;
    int insertedAtTop = -1;
    int firstChanged = -1;
    int lastChanged = -1;
    bool unchanged = false; // nothing in the history changed: nothing to apply
    QString error;
};

namespace {

HistoryRow makeRow(JobRecord&& record)
{
    HistoryRow row;
    row.record = std::move(record);
    const JobRecord& job = row.record;
    row.startedMs = job.startedAt.isValid() ? job.startedAt.toMSecsSinceEpoch() : 0;
    row.durationSeconds = job.durationSeconds();
    row.startedText = formatTime(job.startedAt);
    row.kindText = jobKindLabel(job.kind);
    row.resultText = jobResultLabel(job.result);
    row.durationText = formatDuration(row.durationSeconds);
    if (job.result == JobResult::Running)
        row.durationText =
            QCoreApplication::translate("HistoryModel", "%1 so far").arg(row.durationText);
    row.readText = job.bytesRead > 0 ? formatBytes(job.bytesRead) : QString();
    row.storedText = job.bytesStored > 0 ? formatBytes(job.bytesStored) : QString();
    row.rateText = formatRate(job.bytesPerSecond);
    row.volumeText = job.volumeName.isEmpty() ? job.volumeId : job.volumeName;
    if (!job.cloud.isEmpty() && !row.volumeText.isEmpty())
        row.volumeText =
            QCoreApplication::translate("HistoryModel", "%1 (%2)").arg(row.volumeText, job.cloud);
    return row;
}

// What tells two loads of the same job apart.
size_t contentStamp(const HistoryRow& row)
{
    const JobRecord& job = row.record;
    return qHashMulti(0, job.finishedAt.toMSecsSinceEpoch(), static_cast<int>(job.result),
                      job.bytesRead, job.bytesStored, job.reason, job.title, job.volumeName,
                      job.backupId, row.durationSeconds);
}

} // namespace

// Lives on the model's thread; owns that thread's catalog connection.
class HistoryWorker : public QObject
{
public:
    HistoryWorker(const QString& path, HistoryModel* model) : m_path(path), m_model(model) {}

    void load()
    {
        lowerPriority();
        auto load = std::make_shared<HistoryModel::Load>();
        try {
            // Most catalog changes (a backup's status, a setting) leave the
            // history alone: a cheap look at what can change spares reading
            // every job again.
            const std::vector<size_t> signature = historySignature();
            if (m_hadLoad && signature == m_signature) {
                load->unchanged = true;
                QMetaObject::invokeMethod(
                    m_model, [model = m_model, load] { model->apply(load); }, Qt::QueuedConnection);
                return;
            }
            m_signature = signature;
            JobHistoryFilter filter;
            filter.withLog = false;
            QList<JobRecord> records = catalog().jobHistory(filter);
            load->rows.reserve(static_cast<size_t>(records.size()));
            for (JobRecord& record : records)
                load->rows.push_back(makeRow(std::move(record)));
            records.clear();
            // Newest first by start time, then by id: the order the model
            // promises whatever order the catalog returned.
            std::stable_sort(load->rows.begin(), load->rows.end(),
                             [](const HistoryRow& a, const HistoryRow& b) {
                                 if (a.startedMs != b.startedMs)
                                     return a.startedMs > b.startedMs;
                                 return a.record.id > b.record.id;
                             });
            diff(*load);
            QHash<QString, QString> names;
            load->rowOfId.reserve(static_cast<qsizetype>(load->rows.size()));
            for (int index = 0; index < static_cast<int>(load->rows.size()); ++index) {
                const JobRecord& job = load->rows[static_cast<size_t>(index)].record;
                load->rowOfId.insert(job.id, index);
                if (!job.volumeId.isEmpty() && !names.contains(job.volumeId))
                    names.insert(job.volumeId, job.volumeName); // newest name first
            }
            for (auto it = names.cbegin(); it != names.cend(); ++it)
                load->volumes.append({it.key(), it.value().isEmpty() ? it.key() : it.value()});
            std::sort(load->volumes.begin(), load->volumes.end(),
                      [](const HistoryVolume& a, const HistoryVolume& b) {
                          return a.name.localeAwareCompare(b.name) < 0;
                      });
        } catch (const std::exception& error) {
            load->rows.clear();
            load->error = QString::fromUtf8(error.what());
            m_signature.clear();
        }
        QMetaObject::invokeMethod(
            m_model, [model = m_model, load] { model->apply(load); }, Qt::QueuedConnection);
    }

    void fetchLog(qint64 jobId)
    {
        QString log;
        QString error;
        try {
            const std::optional<JobRecord> job = catalog().job(jobId);
            if (job)
                log = job->log;
            else
                error = QCoreApplication::translate("HistoryModel",
                                                    "Job %1 is no longer in the history (pruned?).")
                            .arg(jobId);
        } catch (const std::exception& failure) {
            error = QString::fromUtf8(failure.what());
        }
        QMetaObject::invokeMethod(
            m_model,
            [model = m_model, jobId, log, error] { Q_EMIT model->logFetched(jobId, log, error); },
            Qt::QueuedConnection);
    }

    void exportCsv(const QString& path, const JobHistoryFilter& filter)
    {
        QString error;
        int count = 0;
        try {
            JobHistoryFilter query = filter;
            query.withLog = false;
            const QList<JobRecord> jobs = catalog().jobHistory(query);
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly))
                throw Error(QCoreApplication::translate("HistoryModel", "Cannot write %1: %2")
                                .arg(path, file.errorString()));
            file.write(jobHistoryCsvHeader());
            for (const JobRecord& job : jobs)
                file.write(jobHistoryCsvLine(job));
            if (!file.commit())
                throw Error(QCoreApplication::translate("HistoryModel", "Cannot write %1: %2")
                                .arg(path, file.errorString()));
            count = static_cast<int>(jobs.size());
        } catch (const std::exception& failure) {
            error = QString::fromUtf8(failure.what());
        }
        QMetaObject::invokeMethod(
            m_model,
            [model = m_model, path, count, error] { Q_EMIT model->exported(path, count, error); },
            Qt::QueuedConnection);
    }

private:
    // What any change of the history changes: the number of jobs (inserts,
    // prunes), the newest jobs (a job that finished and wrote its actions'
    // lines) and the running ones (finished, or settled as interrupted).
    std::vector<size_t> historySignature()
    {
        std::vector<size_t> signature;
        signature.push_back(static_cast<size_t>(catalog().jobCount()));
        JobHistoryFilter newest;
        newest.withLog = false;
        newest.limit = 50;
        for (const JobRecord& job : catalog().jobHistory(newest))
            signature.push_back(recordStamp(job));
        signature.push_back(0); // separates the two lists
        JobHistoryFilter running;
        running.withLog = false;
        running.result = JobResult::Running;
        for (const JobRecord& job : catalog().jobHistory(running))
            signature.push_back(recordStamp(job));
        return signature;
    }

    static size_t recordStamp(const JobRecord& job)
    {
        return qHashMulti(0, job.id, job.startedAt.toMSecsSinceEpoch(),
                          job.finishedAt.toMSecsSinceEpoch(), static_cast<int>(job.result),
                          job.bytesRead, job.bytesStored, job.reason, job.title, job.volumeName,
                          job.backupId);
    }

    // Loading gives way to the UI thread when the cores are busy.
    void lowerPriority()
    {
#ifdef Q_OS_LINUX
        if (m_priorityLowered)
            return;
        m_priorityLowered = true;
        const auto thread = static_cast<id_t>(syscall(SYS_gettid));
        if (getpriority(PRIO_PROCESS, thread) < 10)
            setpriority(PRIO_PROCESS, thread, 10);
#endif
    }

    Catalog& catalog()
    {
        if (!m_catalog)
            m_catalog = std::make_unique<Catalog>(m_path);
        return *m_catalog;
    }

    // Compares with the previous load, which the model holds when this one
    // arrives (loads are applied in order).
    void diff(HistoryModel::Load& load)
    {
        const size_t count = load.rows.size();
        std::vector<size_t> stamps(count);
        for (size_t index = 0; index < count; ++index)
            stamps[index] = contentStamp(load.rows[index]);
        if (m_hadLoad && count >= m_lastIds.size()) {
            const size_t inserted = count - m_lastIds.size();
            bool samePrefix = true;
            for (size_t index = 0; index < m_lastIds.size() && samePrefix; ++index)
                samePrefix = load.rows[inserted + index].record.id == m_lastIds[index];
            if (samePrefix) {
                load.insertedAtTop = static_cast<int>(inserted);
                for (size_t index = 0; index < m_lastIds.size(); ++index) {
                    if (stamps[inserted + index] == m_lastStamps[index])
                        continue;
                    const int row = static_cast<int>(inserted + index);
                    if (load.firstChanged < 0)
                        load.firstChanged = row;
                    load.lastChanged = row;
                }
            }
        }
        m_lastIds.resize(count);
        for (size_t index = 0; index < count; ++index)
            m_lastIds[index] = load.rows[index].record.id;
        m_lastStamps = std::move(stamps);
        m_hadLoad = true;
    }

    QString m_path;
    HistoryModel* m_model;
    std::unique_ptr<Catalog> m_catalog;
    bool m_hadLoad = false;
    bool m_priorityLowered = false;
    std::vector<size_t> m_signature;
    std::vector<qint64> m_lastIds;
    std::vector<size_t> m_lastStamps;
};

HistoryModel::HistoryModel(const QString& catalogPath, QObject* parent)
    : QAbstractTableModel(parent)
{
    m_thread.setObjectName(QStringLiteral("ember-history"));
    m_worker = new HistoryWorker(catalogPath, this);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start(QThread::LowPriority);
}

HistoryModel::~HistoryModel()
{
    m_thread.quit();
    m_thread.wait();
}

int HistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int HistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const HistoryRow* HistoryModel::rowAt(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_rows.size()))
        return nullptr;
    return &m_rows[static_cast<size_t>(row)];
}

int HistoryModel::rowOfJob(qint64 jobId) const
{
    return m_rowOfId.value(jobId, -1);
}

qint64 HistoryModel::jobId(int row) const
{
    const HistoryRow* found = rowAt(row);
    return found ? found->record.id : 0;
}

QVariant HistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const HistoryRow& row = m_rows[static_cast<size_t>(index.row())];
    const JobRecord& job = row.record;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Started:
            return row.startedText;
        case Kind:
            return row.kindText;
        case Title:
            return job.title;
        case Volume:
            return row.volumeText;
        case Result:
            return row.resultText;
        case Duration:
            return row.durationText;
        case Read:
            return row.readText;
        case Stored:
            return row.storedText;
        case Rate:
            return row.rateText;
        case Origin:
            return job.origin;
        case Reason:
            return job.reason;
        }
        break;
    case RawValueRole:
        switch (index.column()) {
        case Started:
            return row.startedMs;
        case Kind:
            return job.kind;
        case Title:
            return job.title;
        case Volume:
            return job.volumeId;
        case Result:
            return static_cast<int>(job.result);
        case Duration:
            return row.durationSeconds;
        case Read:
            return job.bytesRead;
        case Stored:
            return job.bytesStored;
        case Rate:
            return job.bytesPerSecond;
        case Origin:
            return job.origin;
        case Reason:
            return job.reason;
        }
        break;
    case IdRole:
        return job.id;
    case Qt::DecorationRole:
        if (index.column() == Result)
            return statusIcon(resultColorKey(job.result));
        break;
    case Qt::ForegroundRole:
        if (index.column() == Result)
            return statusColor(resultColorKey(job.result));
        break;
    case Qt::ToolTipRole:
        if (index.column() == Reason || index.column() == Result)
            return job.reason.isEmpty() ? QVariant() : QVariant(job.reason);
        if (index.column() == Title)
            return job.title;
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Read || index.column() == Stored || index.column() == Rate ||
            index.column() == Duration)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Started:
        return tr("Started");
    case Kind:
        return tr("Kind");
    case Title:
        return tr("Job");
    case Volume:
        return tr("Volume");
    case Result:
        return tr("Result");
    case Duration:
        return tr("Duration");
    case Read:
        return tr("Read");
    case Stored:
        return tr("Stored");
    case Rate:
        return tr("Rate");
    case Origin:
        return tr("Origin");
    case Reason:
        return tr("Reason / outcome");
    }
    return {};
}

void HistoryModel::watch(CatalogWatcher* watcher)
{
    connect(watcher, &CatalogWatcher::snapshotChanged, this, &HistoryModel::reload);
    reload();
}

void HistoryModel::reload()
{
    if (m_loading) {
        m_reloadQueued = true;
        return;
    }
    m_loading = true;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->load(); }, Qt::QueuedConnection);
}

void HistoryModel::fetchLog(qint64 jobId)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, jobId] { worker->fetchLog(jobId); }, Qt::QueuedConnection);
}

void HistoryModel::exportCsv(const QString& path, const JobHistoryFilter& filter)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, path, filter] { worker->exportCsv(path, filter); },
        Qt::QueuedConnection);
}

void HistoryModel::apply(std::shared_ptr<Load> load)
{
    m_loading = false;
    if (load->unchanged) {
        if (m_reloadQueued) {
            m_reloadQueued = false;
            reload();
        }
        return;
    }
    if (!load->error.isEmpty()) {
        Q_EMIT loadFailed(load->error);
    } else if (load->insertedAtTop < 0) {
        beginResetModel();
        m_rows.swap(load->rows);
        m_rowOfId.swap(load->rowOfId);
        m_volumes = load->volumes;
        endResetModel();
    } else {
        const int inserted = load->insertedAtTop;
        if (inserted > 0)
            beginInsertRows({}, 0, inserted - 1);
        m_rows.swap(load->rows);
        m_rowOfId.swap(load->rowOfId);
        m_volumes = load->volumes;
        if (inserted > 0)
            endInsertRows();
        if (load->firstChanged >= 0)
            Q_EMIT dataChanged(index(load->firstChanged, 0),
                               index(load->lastChanged, ColumnCount - 1));
    }
    // The previous rows (now in `load`) are freed on the worker: freeing
    // 100,000 rows' strings is not the UI thread's work.
    QMetaObject::invokeMethod(
        m_worker,
        [load] {
            std::vector<HistoryRow>().swap(load->rows);
            QHash<qint64, int>().swap(load->rowOfId);
        },
        Qt::QueuedConnection);
    if (load->error.isEmpty()) {
        m_loaded = true;
        Q_EMIT loaded();
    }
    if (m_reloadQueued) {
        m_reloadQueued = false;
        reload();
    }
}

// ---- HistoryFilterProxy ----

HistoryFilterProxy::HistoryFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(RawValueRole);
}

void HistoryFilterProxy::setSourceModel(QAbstractItemModel* model)
{
    m_history = qobject_cast<HistoryModel*>(model);
    QSortFilterProxyModel::setSourceModel(model);
}

void HistoryFilterProxy::sort(int column, Qt::SortOrder order)
{
    // The source is already newest first: no sorting pass needed.
    if (column == HistoryModel::Started && order == Qt::DescendingOrder)
        column = -1;
    QSortFilterProxyModel::sort(column, order);
}

qint64 HistoryFilterProxy::jobId(int proxyRow) const
{
    const QModelIndex source = mapToSource(index(proxyRow, 0));
    return source.isValid() && m_history ? m_history->jobId(source.row()) : 0;
}

JobHistoryFilter HistoryFilterProxy::catalogFilter() const
{
    JobHistoryFilter filter;
    filter.volumeId = m_volumeId;
    filter.result = m_result;
    filter.from = m_from.isValid() ? m_from.toUTC() : QDateTime();
    filter.to = m_to.isValid() ? m_to.toUTC() : QDateTime();
    filter.withLog = false;
    return filter;
}

void HistoryFilterProxy::setVolumeId(const QString& volumeId)
{
    if (m_volumeId == volumeId)
        return;
    m_volumeId = volumeId;
    refilter();
}

void HistoryFilterProxy::setResult(std::optional<JobResult> result)
{
    if (m_result == result)
        return;
    m_result = result;
    refilter();
}

void HistoryFilterProxy::setDateRange(const QDateTime& from, const QDateTime& to)
{
    if (m_from == from && m_to == to)
        return;
    m_from = from;
    m_to = to;
    m_fromMs = from.isValid() ? from.toMSecsSinceEpoch() : 0;
    m_toMs = to.isValid() ? to.toMSecsSinceEpoch() : 0;
    refilter();
}

void HistoryFilterProxy::refilter()
{
    // One layout change instead of invalidateFilter()'s removal and insertion
    // per changed range: with interleaved volumes that is thousands of
    // signals for the view to process.
    invalidate();
}

bool HistoryFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (sourceParent.isValid() || !m_history)
        return false;
    const HistoryRow* row = m_history->rowAt(sourceRow);
    if (!row)
        return false;
    if (!m_volumeId.isEmpty() && row->record.volumeId != m_volumeId)
        return false;
    if (m_result && row->record.result != *m_result)
        return false;
    if (m_from.isValid() && row->startedMs < m_fromMs)
        return false;
    if (m_to.isValid() && row->startedMs >= m_toMs)
        return false;
    return true;
}

bool HistoryFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (!m_history)
        return QSortFilterProxyModel::lessThan(left, right);
    const HistoryRow* a = m_history->rowAt(left.row());
    const HistoryRow* b = m_history->rowAt(right.row());
    if (!a || !b)
        return false;
    const JobRecord& x = a->record;
    const JobRecord& y = b->record;
    switch (left.column()) {
    case HistoryModel::Started:
        return left.row() > right.row(); // rows are newest first
    case HistoryModel::Kind:
        return a->kindText.localeAwareCompare(b->kindText) < 0;
    case HistoryModel::Title:
        return x.title.localeAwareCompare(y.title) < 0;
    case HistoryModel::Volume:
        return a->volumeText.localeAwareCompare(b->volumeText) < 0;
    case HistoryModel::Result:
        return a->resultText < b->resultText;
    case HistoryModel::Duration:
        return a->durationSeconds < b->durationSeconds;
    case HistoryModel::Read:
        return x.bytesRead < y.bytesRead;
    case HistoryModel::Stored:
        return x.bytesStored < y.bytesStored;
    case HistoryModel::Rate:
        return x.bytesPerSecond < y.bytesPerSecond;
    case HistoryModel::Origin:
        return x.origin < y.origin;
    case HistoryModel::Reason:
        return x.reason.localeAwareCompare(y.reason) < 0;
    }
    return false;
}

} // namespace ember::ui
