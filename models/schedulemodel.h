// The schedules panel's table: one row per backup schedule, with its next
// run (from its calendar) and the last job it ran. Loaded on a worker thread
// with a catalog connection of its own, again whenever the catalog changes
// and when a shown next run has passed.
#pragma once

#include "catalog.h"
#include "schedule.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QThreadPool>
#include <QTimer>
#include <optional>

namespace ember::ui {

class CatalogWatcher;

class ScheduleModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Volumes,
        Calendar,
        Mode,
        NextRun,
        LastRun,
        LastResult,
        Enabled,
        ColumnCount
    };
    Q_ENUM(Column)

    struct Row
    {
        Schedule schedule;
        QStringList volumeNames;          // in the schedule's order; ids of vanished volumes as is
        QDateTime nextRun;                // UTC; invalid when disabled, never again or unparsable
        QString normalizedCalendar;       // systemd's normalized form of the calendar
        QString calendarProblem;          // why the calendar cannot be read; empty when fine
        std::optional<JobRecord> lastJob; // without its log
        bool operator==(const Row& other) const;
    };

    explicit ScheduleModel(QObject* parent = nullptr);
    ~ScheduleModel() override; // waits for a load under way

    // Reads every schedule with its volumes' names, last job and next run
    // after `now` (worker threads: it queries the catalog).
    static QList<Row> load(const Catalog& catalog, const QDateTime& now);

    // Follows the catalog `watcher` reads: loads from its catalog now, then
    // again whenever the catalog's change counter moves.
    void follow(CatalogWatcher& watcher);
    // Loads again on the worker thread (also when nothing seems changed).
    void reload();
    bool hasLoaded() const { return m_loaded; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Brings the rows in line with `rows` in place (changed rows emit
    // dataChanged, new ones are inserted, vanished ones removed), so views
    // keep their selection.
    void apply(const QList<Row>& rows);

    QString scheduleId(int row) const;
    int rowOf(const QString& scheduleId) const;
    std::optional<Row> row(const QString& scheduleId) const;
    const QList<Row>& rows() const { return m_rows; }

    static QString modeText(const Schedule& schedule);

Q_SIGNALS:
    // A load finished and its rows were applied.
    void loaded();
    void loadFailed(const QString& message);

private:
    void startLoad();
    void finishLoad(quint64 generation, const QList<Row>& rows, const QString& error);
    void armNextRunTimer();

    QList<Row> m_rows;
    QString m_catalogPath;
    CatalogWatcher* m_watcher = nullptr;
    qint64 m_seenCounter = -1;
    bool m_loaded = false;
    bool m_loading = false;
    bool m_loadAgain = false;
    quint64 m_generation = 0;
    QTimer m_nextRunTimer;
    QThreadPool m_pool;
};

} // namespace ember::ui
