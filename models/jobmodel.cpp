#include "jobmodel.h"

#include "itemroles.h"
#include "statusstyle.h"

#include <algorithm>

#include <QColor>
#include <QLocale>
#include <QVariantMap>

namespace ember::ui {

qint64 etaSeconds(const Progress& progress)
{
    if (progress.bytesTotal <= 0 || progress.bytesPerSecond <= 0)
        return -1;
    const qint64 left = qMax<qint64>(0, progress.bytesTotal - progress.bytesDone);
    return static_cast<qint64>(static_cast<double>(left) / progress.bytesPerSecond + 0.5);
}

bool isWaiting(const JobInfo& job)
{
    return job.state == JobState::Running &&
           job.progress.phase.startsWith(QLatin1String("waiting"));
}

namespace {

QString stageLabel(Stage stage)
{
    switch (stage) {
    case Stage::Fetch:
        return JobModel::tr("fetch");
    case Stage::Inflate:
        return JobModel::tr("inflate");
    case Stage::Check:
        return JobModel::tr("check");
    case Stage::Write:
        return JobModel::tr("write");
    }
    return {};
}

// "254 MiB/s", "95.4 MiB/s": three digits are enough to compare stages.
QString compactRate(double bytesPerSecond)
{
    if (bytesPerSecond <= 0)
        return {};
    double value = bytesPerSecond;
    while (value >= 1024)
        value /= 1024;
    const int decimals = value >= 100 ? 0 : 1;
    return JobModel::tr("%1/s").arg(
        QLocale().formattedDataSize(qint64(bytesPerSecond), decimals, QLocale::DataSizeIecFormat));
}

// The stage's share of the busy time in percent; 0 when no time is known.
int busyPercent(const Progress& progress, Stage stage)
{
    return std::max(0, progress.busyPercent(stage));
}

// Only a stage with busy time is a bottleneck worth naming.
bool hasBusiest(const Progress& progress)
{
    return progress.hasStages() && progress.busyPercent(progress.busiestStage()) >= 0;
}

// The model's raw value of the stages column: the numbers per stage.
QVariantMap stagesRawValue(const Progress& progress)
{
    QVariantMap stages;
    if (!progress.hasStages())
        return stages;
    for (int i = 0; i < kStageCount; ++i) {
        const StageStats& stats = progress.stages[size_t(i)];
        stages.insert(
            stageName(Stage(i)),
            QVariantMap{{QStringLiteral("bytes"), stats.bytes},
                        {QStringLiteral("busyNs"), stats.busyNs},
                        {QStringLiteral("bytesPerSecond"), stats.bytesPerSecond},
                        {QStringLiteral("busyPercent"), busyPercent(progress, Stage(i))}});
    }
    if (hasBusiest(progress))
        stages.insert(QStringLiteral("busiest"), stageName(progress.busiestStage()));
    return stages;
}

} // namespace

QString bottleneckHint(Stage stage)
{
    switch (stage) {
    case Stage::Fetch:
        return JobModel::tr(
            "fetching from the backend is the bottleneck: the network or the store");
    case Stage::Inflate:
        return JobModel::tr("inflating (decrypting, decompressing) is the bottleneck: the CPU");
    case Stage::Check:
        return JobModel::tr("checking the checksums is the bottleneck: the CPU");
    case Stage::Write:
        return JobModel::tr("the target is the bottleneck: a slower disk or a busy device");
    }
    return {};
}

QString stagesSummary(const Progress& progress)
{
    if (!progress.hasStages())
        return {};
    QStringList parts;
    for (int i = 0; i < kStageCount; ++i) {
        const StageStats& stats = progress.stages[size_t(i)];
        if (stats.bytes <= 0)
            continue;
        const QString rate = compactRate(stats.bytesPerSecond);
        parts << (rate.isEmpty() ? stageLabel(Stage(i))
                                 : JobModel::tr("%1 %2").arg(stageLabel(Stage(i)), rate));
    }
    QString text = parts.join(QStringLiteral(" \u00b7 "));
    if (hasBusiest(progress)) {
        const Stage busiest = progress.busiestStage();
        text += JobModel::tr(" \u2014 busiest: %1 (%2%)")
                    .arg(stageLabel(busiest))
                    .arg(busyPercent(progress, busiest));
    }
    return text;
}

QString stagesBreakdown(const Progress& progress)
{
    if (!progress.hasStages())
        return {};
    QStringList lines;
    lines << (progress.phase.isEmpty() ? JobModel::tr("Stages:")
                                       : JobModel::tr("Stages of %1:").arg(progress.phase));
    const bool marked = hasBusiest(progress);
    const Stage busiest = progress.busiestStage();
    for (int i = 0; i < kStageCount; ++i) {
        const StageStats& stats = progress.stages[size_t(i)];
        const Stage stage = Stage(i);
        if (stats.bytes <= 0) // a verify writes nothing
            continue;
        QString line = JobModel::tr("%1: %2 at %3, %4% of the busy time")
                           .arg(stageLabel(stage), formatBytes(stats.bytes),
                                stats.bytesPerSecond > 0 ? formatRate(stats.bytesPerSecond)
                                                         : JobModel::tr("-"))
                           .arg(busyPercent(progress, stage));
        if (marked && stage == busiest)
            line += JobModel::tr(" (busiest)");
        lines << line;
    }
    if (marked)
        lines << bottleneckHint(busiest);
    return lines.join(QLatin1Char('\n'));
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
            if (isWaiting(job)) {
                // "waiting: backend 'b' is running 1 of 1 operations"
                QString what = progress.phase.mid(int(qstrlen("waiting")));
                if (what.startsWith(QLatin1Char(':')))
                    what.remove(0, 1);
                what = what.trimmed();
                return what.isEmpty() ? tr("waiting") : tr("waiting (%1)").arg(what);
            }
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
        case Stages:
            return stagesSummary(progress);
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
        case Stages:
            return stagesRawValue(progress);
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
            return statusIcon(isWaiting(job) ? QStringLiteral("other") : stateColorKey(job.state));
        break;
    case Qt::ForegroundRole:
        if (index.column() == State) {
            // Waiting jobs (queued, or started but held back) stand apart
            // from the ones that make progress.
            if (isWaiting(job) || job.state == JobState::Queued)
                return QColor(0xb2, 0x6a, 0x00);
            return statusColor(stateColorKey(job.state));
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == Outcome && !job.outcome.isEmpty())
            return job.outcome;
        if (index.column() == State && isWaiting(job))
            return tr("Started, now %1. It goes on by itself.").arg(progress.phase);
        if (index.column() == State && job.state == JobState::Queued)
            return tr("Queued: waits for a free job slot, or for the job on the same volume.");
        if (index.column() == Stages && progress.hasStages())
            return stagesBreakdown(progress);
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
    case Stages:
        return tr("Stages");
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
