// The jobs panel's table over a JobRunner: running, queued and finished jobs.
#pragma once

#include "jobrunner.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace ember::ui {

class JobModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Title,
        Volume,
        State,
        ProgressBar,
        Transferred,
        Rate,
        Stages,
        Eta,
        Started,
        Outcome,
        Elapsed,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit JobModel(JobRunner* runner, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    quint64 jobId(int row) const;
    JobRunner* runner() const { return m_runner; }

private:
    QPointer<JobRunner> m_runner;
};

// Seconds left at the current rate, or -1 when unknown.
qint64 etaSeconds(const Progress& progress);

// A running job that waits for something (an operation slot on its backend):
// its phase starts with "waiting" and says what it waits for.
bool isWaiting(const JobInfo& job);

// The restore stages in one line, the busiest marked: "fetch 410 MiB/s ·
// inflate 880 MiB/s · check 1.2 GiB/s · write 95 MiB/s — busiest: write (62%)".
// Empty when the progress has no stages.
QString stagesSummary(const Progress& progress);
// One line per stage (bytes, rate, share of the busy time) and the hint that
// names the bottleneck; empty when the progress has no stages.
QString stagesBreakdown(const Progress& progress);
// What a busiest `stage` means: "the target is the bottleneck: ...".
QString bottleneckHint(Stage stage);

} // namespace ember::ui
