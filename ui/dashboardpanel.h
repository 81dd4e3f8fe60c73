// The Overview page of the main window, read in five seconds: a summary
// line, each volume's last success and its age (red and bold when a schedule
// has been missed, the reason in the tooltip), the failures of the last 30
// days, the bytes stored on each backend over time, and the next runs. The
// data is computed on a worker thread (computeDashboard) whenever the catalog
// changes while the page is shown, and once a minute for the ages.
#pragma once

#include "dashboarddata.h"

#include <QElapsedTimer>
#include <QWidget>

class QChart;
class QChartView;
class QLabel;
class QStackedWidget;
class QTableWidget;
class QTimer;
class QTreeWidget;

namespace ember::ui {

class AppContext;

class DashboardPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPanel(AppContext& context, QWidget* parent = nullptr);

    // What is shown (empty until the first computation finished).
    const DashboardData& data() const { return m_data; }
    bool hasData() const { return m_hasData; }
    QLabel* summary() const { return m_summary; }
    QLabel* emptyText() const { return m_emptyText; }
    bool showsEmptyState() const;
    QTableWidget* volumesTable() const { return m_volumes; }
    QTreeWidget* failuresList() const { return m_failures; }
    QTreeWidget* nextRunsList() const { return m_nextRuns; }
    QChartView* chartView() const { return m_chartView; }
    QChart* chart() const;
    // The chart's value axis counts in this many bytes (1, 1024, 1024², ...).
    qint64 chartUnitBytes() const { return m_chartUnit; }

    // Columns of volumesTable().
    enum VolumeColumn
    {
        VolumeNameColumn,
        LastSuccessColumn,
        AgeColumn,
        ScheduleColumn,
        VolumeColumnCount
    };
    // The role of a failure item holding its job id (qint64).
    static constexpr int JobIdRole = Qt::UserRole + 1;

public Q_SLOTS:
    // Recomputes now (a visible page) or when next shown.
    void refresh();

Q_SIGNALS:
    // A failure was double-clicked: show that job in the history.
    void showJobRequested(qint64 jobId);
    // New data is shown.
    void updated();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onSnapshotApplied();
    void startComputation();
    void apply(const DashboardData& data);
    void showVolumes();
    void showFailures();
    void showStorage();
    void showNextRuns();
    void showSummary();

    AppContext& m_context;
    DashboardData m_data;
    bool m_hasData = false;
    bool m_stale = true;           // the catalog changed since the shown data was computed
    bool m_computing = false;      // one computation at a time
    bool m_pending = false;        // another one asked for while computing
    qint64 m_computedCounter = -1; // the catalog change counter the data reflects
    qint64 m_chartUnit = 1;
    QString m_error;

    QTimer* m_startTimer = nullptr; // coalesces requests
    QTimer* m_clockTimer = nullptr; // ages and overdue states move with time
    QLabel* m_summary = nullptr;
    QStackedWidget* m_pages = nullptr;
    QLabel* m_emptyText = nullptr;
    QTableWidget* m_volumes = nullptr;
    QTreeWidget* m_failures = nullptr;
    QTreeWidget* m_nextRuns = nullptr;
    QChartView* m_chartView = nullptr;
};

// "45 s", "20 min", "5 h", "3 days": how long ago, at a glance.
QString formatAge(qint64 seconds);

} // namespace ember::ui
