// The jobs panel: the jobs table with a cancel and a clear button, and the
// selected job's log beside it. It shows any JobModel (and its runner).
#pragma once

#include "jobrunner.h"

#include <QWidget>
#include <optional>

class QAction;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QTableView;

namespace ember::ui {

class JobModel;

class JobPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JobPanel(JobModel* model, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    QPlainTextEdit* log() const { return m_log; }
    // Under the log: the current job's restore stages (bytes, rates, share of
    // the busy time and the bottleneck); hidden for jobs without stages.
    QLabel* stages() const { return m_stages; }
    // Between the table and the log (its state is saved with the window's).
    QSplitter* splitter() const { return m_splitter; }

    // The job of the current row, as the runner has it now.
    std::optional<JobInfo> currentJob() const;
    bool selectJob(quint64 jobId);
    // Shows the current job's log (kept when unchanged, so scrolling stays)
    // and its stages.
    void updateLog();

    // The buttons trigger these actions; the cancel button follows its
    // action's enabled state, with the reason as its tooltip.
    void setJobActions(QAction* cancelJob, QAction* clearFinished);
    // The menu the table opens on a right click.
    void setContextMenu(QMenu* menu) { m_contextMenu = menu; }

Q_SIGNALS:
    void currentJobChanged();

private:
    void updateSummary();
    void updateStages(const std::optional<JobInfo>& job);

    JobModel* m_model = nullptr;
    QSplitter* m_splitter = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_clearButton = nullptr;
    QTableView* m_view = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QLabel* m_stages = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_clearAction = nullptr;
    QMenu* m_contextMenu = nullptr;
};

} // namespace ember::ui
