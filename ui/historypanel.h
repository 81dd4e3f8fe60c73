// The History page of the main window: every job the catalog recorded (GUI,
// ember-cli, schedules, clouds), filtered by volume, result and date range,
// with the selected job's facts and log.
#pragma once

#include <QDate>
#include <QWidget>

class QComboBox;
class QDateEdit;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace ember::ui {

class AppContext;
class HistoryFilterProxy;
class HistoryModel;

class HistoryPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryPanel(AppContext& context, QWidget* parent = nullptr);

    // The period choices of periodFilter().
    enum Period
    {
        Last30Days,
        AllTime,
        BetweenDates
    };

    HistoryModel* model() const { return m_model; }
    HistoryFilterProxy* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    QComboBox* volumeFilter() const { return m_volumeFilter; }
    QComboBox* resultFilter() const { return m_resultFilter; }
    QComboBox* periodFilter() const { return m_periodFilter; }
    QDateEdit* fromEdit() const { return m_fromEdit; }
    QDateEdit* toEdit() const { return m_toEdit; }
    QLabel* factsLabel() const { return m_facts; }
    QPlainTextEdit* logView() const { return m_log; }
    QLabel* summaryLabel() const { return m_summary; }
    QPushButton* exportButton() const { return m_exportButton; }
    QLabel* exportStatus() const { return m_exportStatus; }

    // The selected job's history id; 0 when none.
    qint64 selectedJobId() const { return m_selectedJobId; }
    // Selects a job shown by the filters; false when it is not shown.
    bool selectJob(qint64 jobId);
    // Writes the jobs the filters select as CSV (read from the catalog on the
    // model's worker, not from the view); exportStatus() reports the result.
    void exportCsv(const QString& path);

Q_SIGNALS:
    // The detail pane shows `jobId`'s log (after the asynchronous read).
    void logShown(qint64 jobId);

private:
    void applyFilters();
    void updateVolumeChoices();
    void updateSummary();
    void currentRowChanged();
    void showDetails(bool refetchLog);
    void restoreSelection();

    AppContext& m_context;
    HistoryModel* m_model = nullptr;
    HistoryFilterProxy* m_proxy = nullptr;
    QTableView* m_view = nullptr;
    QComboBox* m_volumeFilter = nullptr;
    QComboBox* m_resultFilter = nullptr;
    QComboBox* m_periodFilter = nullptr;
    QDateEdit* m_fromEdit = nullptr;
    QDateEdit* m_toEdit = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_exportButton = nullptr;
    QLabel* m_exportStatus = nullptr;
    QLabel* m_facts = nullptr;
    QPlainTextEdit* m_log = nullptr;
    qint64 m_selectedJobId = 0;
    qint64 m_logJobId = 0; // whose log the pane shows or awaits
    int m_logResult = -1;  // that job's result when its log was read
    bool m_restoring = false;
};

} // namespace ember::ui
