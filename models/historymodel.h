// The job history (the catalog's job records: GUI, CLI, scheduled and cloud
// jobs alike) as a table, loaded off the UI thread. A worker thread with its
// own catalog connection reads the records and formats every cell; the UI
// thread only swaps the finished rows in, so 100,000 jobs never stall it.
#pragma once

#include "schedule.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QThread>

#include <memory>
#include <optional>
#include <vector>

namespace ember::ui {

class CatalogWatcher;
class HistoryWorker;

// One job as the table shows it: the record (without its log) and its cells
// formatted once, on the worker thread.
struct HistoryRow
{
    JobRecord record;
    qint64 startedMs = 0; // startedAt in ms since the epoch (sorting, filtering)
    qint64 durationSeconds = 0;
    QString startedText;
    QString kindText;
    QString resultText;
    QString durationText;
    QString readText;
    QString storedText;
    QString rateText;
    QString volumeText;
};

// A volume that appears in the history (for filter choices).
struct HistoryVolume
{
    QString id;
    QString name;
};

class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Started,
        Kind,
        Title,
        Volume,
        Result,
        Duration,
        Read,
        Stored,
        Rate,
        Origin,
        Reason,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit HistoryModel(const QString& catalogPath, QObject* parent = nullptr);
    ~HistoryModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Reloads whenever the watcher's snapshot changes (a job of this process
    // or of ember-cli or a schedule touched the catalog).
    void watch(CatalogWatcher* watcher);
    // Asks the worker for the current history; loads coalesce (one in flight,
    // at most one more queued behind it).
    void reload();
    bool isLoaded() const { return m_loaded; }
    bool isLoading() const { return m_loading; }

    // Rows are ordered newest first (start time, then id). The pointer is
    // valid until the next load is applied (back in the event loop).
    const HistoryRow* rowAt(int row) const;
    int rowOfJob(qint64 jobId) const; // -1 when not loaded
    qint64 jobId(int row) const;
    // Volumes named by the loaded history, by name.
    const QList<HistoryVolume>& volumes() const { return m_volumes; }

    // Reads one job's log on the worker thread; logFetched follows.
    void fetchLog(qint64 jobId);
    // Writes the jobs `filter` selects (newest first, without their logs) to
    // `path` as CSV on the worker thread; exported follows.
    void exportCsv(const QString& path, const JobHistoryFilter& filter);

Q_SIGNALS:
    // A load was applied (after the reset or the inserted rows).
    void loaded();
    void loadFailed(const QString& message);
    void logFetched(qint64 jobId, const QString& log, const QString& error);
    void exported(const QString& path, int jobs, const QString& error);

private:
    struct Load;
    void apply(std::shared_ptr<Load> load);

    QThread m_thread;
    HistoryWorker* m_worker = nullptr;
    std::vector<HistoryRow> m_rows;
    QHash<qint64, int> m_rowOfId; // built on the worker, swapped in with m_rows
    QList<HistoryVolume> m_volumes;
    bool m_loaded = false;
    bool m_loading = false;
    bool m_reloadQueued = false;
    friend class HistoryWorker;
};

// Filters by volume, result and start-time range; ordered by start time,
// newest first (the source's own order, so no sorting pass on 100,000 rows).
// Filters read the source rows directly (no QVariant per row).
class HistoryFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit HistoryFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override;
    // Sorting by Started descending keeps the source order (cheap); other
    // orders sort by RawValueRole.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setVolumeId(const QString& volumeId); // empty = all
    QString volumeId() const { return m_volumeId; }
    void setResult(std::optional<JobResult> result); // empty = all
    std::optional<JobResult> result() const { return m_result; }
    // Started at or after `from` and before `to`; invalid = no bound.
    void setDateRange(const QDateTime& from, const QDateTime& to);
    QDateTime from() const { return m_from; }
    QDateTime to() const { return m_to; }

    qint64 jobId(int proxyRow) const;
    // The same selection as a catalog query (for an export of what is shown).
    JobHistoryFilter catalogFilter() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    void refilter();

    HistoryModel* m_history = nullptr;
    QString m_volumeId;
    std::optional<JobResult> m_result;
    QDateTime m_from;
    QDateTime m_to;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
};

QString jobResultLabel(JobResult result); // translated, for views
QString jobKindLabel(const QString& kind);
// One CSV line (RFC 4180 quoting) per job, after a header line.
QByteArray jobHistoryCsvHeader();
QByteArray jobHistoryCsvLine(const JobRecord& job);

} // namespace ember::ui
