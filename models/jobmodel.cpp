#include "jobmodel.h"

#include "itemroles.h"
#include "statusstyle.h"

namespace ember::ui {

qint64 etaSeconds(const Progress& progress)
{
    if (progress.bytesTotal <= 0 || progress.bytesPerSecond <= 0)
        return -1;
    const qint64 left = qMax<qint64>(0, progress.bytesTotal - progress.bytesDone);
    return static_cast<qint64>(static_cast<double>(left) / progress.bytesPerSecond + 0.5);
}

JobModel::JobModel(JobRunner* runner, QObject* parent)
    : QAbstractTableModel(parent), m_runner(runner)
{
    connect(runner, &JobRunner::jobAboutToBeAdded, this,
            [this](int index) { beginInsertRows({}, index, index); });
    connect(runner, &JobRunner::jobAdded, this, [this](int) { endInsertRows(); });
    connect(runner, &JobRunner::jobAboutToBeRemoved, this,
            [this](int index) { beginRemoveRows({}, index, index); });
    connect(runner, &JobRunner::jobRemoved, this, [this](int) { endRemoveRows(); });
    connect(runner, &JobRunner::jobChanged, this, [this](int index) {
        Q_EMIT dataChanged(this->index(index, 0), this->index(index, ColumnCount - 1));
    });
}

int JobModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_runner ? 0 : static_cast<int>(m_runner->jobs().size());
}

int JobModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

quint64 JobModel::jobId(int row) const
{
    if (!m_runner || row < 0 || row >= m_runner->jobs().size())
        return 0;
    return m_runner->jobs().at(row).id;
}

static QString stateColorKey(JobState state)
{
    switch (state) {
    case JobState::Succeeded:
        return BackupStatus::Available;
    case JobState::Failed:
        return BackupStatus::Error;
    case JobState::Running:
    case JobState::Cancelling:
        return BackupStatus::Creating;
    default:
        return QStringLiteral("other");
    }
}

QVariant JobModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const JobInfo& job = m_runner->jobs().at(index.row());
    const Progress& progress = job.progress;
    const bool noPercentage = !job.noProgressNote.isEmpty();
    const double fraction =
        noPercentage ? (job.state == JobState::Succeeded ? 1.0 : -1.0)
        : progress.bytesTotal > 0
            ? qBound(0.0, double(progress.bytesDone) / double(progress.bytesTotal), 1.0)
            : (job.state == JobState::Succeeded ? 1.0 : -1.0);
    const bool active = job.state == JobState::Running || job.state == JobState::Cancelling;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Title:
            return job.title;
        case Volume:
            return job.volumeName;
        case State:
            if (active && !progress.phase.isEmpty() && job.state == JobState::Running)
                return tr("%1 (%2)").arg(jobStateText(job.state), progress.phase);
            return jobStateText(job.state);
        case ProgressBar:
            if (noPercentage)
                return isFinished(job.state) ? QString() : job.noProgressNote;
            return fraction < 0 ? QString() : QStringLiteral("%1%").arg(int(fraction * 100));
        case Transferred:
            if (progress.bytesTotal > 0)
                return tr("%1 of %2")
                    .arg(formatBytes(progress.bytesDone), formatBytes(progress.bytesTotal));
            return progress.bytesDone > 0 ? formatBytes(progress.bytesDone) : QString();
        case Rate:
            return active ? formatRate(progress.bytesPerSecond) : QString();
        case Eta:
            return active ? formatDuration(etaSeconds(progress)) : QString();
        case Started:
            return formatTime(job.startedAt.isValid() ? job.startedAt : job.queuedAt);
        case Outcome:
            return job.outcome;
        case Elapsed:
            return job.startedAt.isValid() ? formatDuration(job.elapsedSeconds()) : QString();
        }
        break;
    case RawValueRole:
        switch (index.column()) {
        case Title:
            return job.title.toLower();
        case Volume:
            return job.volumeName.toLower();
        case State:
            return static_cast<int>(job.state);
        case ProgressBar:
            return fraction;
        case Transferred:
            return progress.bytesDone;
        case Rate:
            return progress.bytesPerSecond;
        case Eta:
            return etaSeconds(progress);
        case Started:
            return (job.startedAt.isValid() ? job.startedAt : job.queuedAt).toMSecsSinceEpoch();
        case Outcome:
            return job.outcome;
        case Elapsed:
            return job.elapsedSeconds();
        }
        break;
    case ProgressRole:
        return fraction;
    case IdRole:
        return job.id;
    case Qt::DecorationRole:
        if (index.column() == State)
            return statusIcon(stateColorKey(job.state));
        break;
    case Qt::ForegroundRole:
        if (index.column() == State)
            return statusColor(stateColorKey(job.state));
        break;
    case Qt::ToolTipRole:
        if (index.column() == Outcome && !job.outcome.isEmpty())
            return job.outcome;
        return job.title;
    }
    return {};
}

QVariant JobModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Title:
        return tr("Job");
    case Volume:
        return tr("Volume");
    case State:
        return tr("State");
    case ProgressBar:
        return tr("Progress");
    case Transferred:
        return tr("Done / total");
    case Rate:
        return tr("Rate");
    case Eta:
        return tr("Time left");
    case Started:
        return tr("Started");
    case Outcome:
        return tr("Outcome");
    case Elapsed:
        return tr("Elapsed");
    }
    return {};
}

} // namespace ember::ui
