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

} // namespace ember::ui
