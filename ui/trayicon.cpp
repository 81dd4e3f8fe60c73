#include "trayicon.h"

#include "appcontext.h"
#include "desktopnotifier.h"
#include "jobevents.h"
#include "panelsupport.h"

#include <QAction>
#include <QCoreApplication>
#include <QMenu>
#include <QSystemTrayIcon>

#include <algorithm>

namespace ember::ui {

namespace {

constexpr int refreshIntervalMs = 500;
// How far apart the runner's and the history's start times of one job may be
// (the history's is taken on the worker thread, the runner's on the UI thread).
constexpr qint64 sameJobSeconds = 10;

// "42 %", or the state when the job reports no size.
QString progressText(const JobInfo& job)
{
    if (job.state == JobState::Running && job.progress.bytesTotal > 0) {
        const double done = double(job.progress.bytesDone) / double(job.progress.bytesTotal);
        const int percent = int(std::clamp(done, 0.0, 1.0) * 100);
        return TrayIcon::tr("%1 %").arg(percent);
    }
    if (job.state == JobState::Running && !job.progress.phase.isEmpty())
        return job.progress.phase;
    return jobStateText(job.state);
}

JobRecord recordOf(const JobInfo& job)
{
    JobRecord record;
    record.kind = job.kind;
    record.origin = QStringLiteral("gui");
    record.title = job.title;
    record.volumeId = job.volumeId;
    record.volumeName = job.volumeName;
    record.backupId = job.backupId;
    record.startedAt = job.startedAt.isValid() ? job.startedAt.toUTC() : job.queuedAt.toUTC();
    record.finishedAt = job.finishedAt.toUTC();
    record.bytesRead = job.progress.bytesDone;
    record.bytesPerSecond = job.progress.bytesPerSecond;
    record.result = job.state == JobState::Succeeded ? JobResult::Succeeded
                    : job.state == JobState::Failed  ? JobResult::Failed
                                                     : JobResult::Cancelled;
    record.reason = job.outcome;
    record.pid = QCoreApplication::applicationPid();
    return record;
}

// The history's record of the job, when this process recorded it there (it
// has the history id for "Show history", and the stored bytes).
std::optional<JobRecord> historyRecordOf(const Catalog& catalog, const JobRecord& job)
{
    JobHistoryFilter filter;
    filter.volumeId = job.volumeId;
    filter.kind = job.kind;
    filter.result = job.result;
    filter.limit = 20;
    filter.withLog = false;
    for (const JobRecord& candidate : catalog.jobHistory(filter)) {
        if (candidate.pid == job.pid && candidate.startedAt.isValid() &&
            qAbs(candidate.startedAt.secsTo(job.startedAt)) <= sameJobSeconds)
            return candidate;
    }
    return std::nullopt;
}

} // namespace

TrayIcon::TrayIcon(AppContext& context, QObject* parent)
    : QObject(parent), m_context(context), m_notifier(std::make_unique<DesktopNotifier>()),
      m_menu(std::make_unique<QMenu>())
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_icon = new QSystemTrayIcon(icon("ember"), this);
    m_icon->setObjectName(QStringLiteral("trayIcon"));
    m_icon->setContextMenu(m_menu.get());
    connect(m_icon, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                    Q_EMIT showWindowRequested();
            });

    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(refreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &TrayIcon::refresh);
    JobRunner& runner = m_context.runner();
    connect(&runner, &JobRunner::jobAdded, this, &TrayIcon::scheduleRefresh);
    connect(&runner, &JobRunner::jobChanged, this, &TrayIcon::scheduleRefresh);
    connect(&runner, &JobRunner::jobRemoved, this, &TrayIcon::scheduleRefresh);
    connect(&runner, &JobRunner::idle, this, &TrayIcon::refresh); // hide at once
    connect(&runner, &JobRunner::jobFinished, this, &TrayIcon::onJobFinished);

    connect(m_notifier.get(), &DesktopNotifier::actionInvoked, this,
            [this](qint64 jobId, const QString& action) {
                if (action == QLatin1String("show-history") || action == QLatin1String("default"))
                    Q_EMIT showHistoryRequested(jobId);
            });
    connect(m_notifier.get(), &DesktopNotifier::sent, this,
            [this](quint32, qint64, const QString& error) {
                // No notification server (a headless session) is said once, not per job.
                if (!error.isEmpty() && error != m_lastNotifyError)
                    qWarning("Desktop notification not shown: %s", qPrintable(error));
                m_lastNotifyError = error;
            });
    refresh();
}

TrayIcon::~TrayIcon() = default;

bool TrayIcon::isVisible() const
{
    return m_icon->isVisible();
}

QString TrayIcon::toolTip() const
{
    return m_icon->toolTip();
}

void TrayIcon::scheduleRefresh()
{
    // The first change after a quiet time shows at once; the rest are batched.
    if (!m_active)
        refresh();
    else if (!m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void TrayIcon::refresh()
{
    m_refreshTimer.stop();
    const JobRunner& runner = m_context.runner();
    m_active = runner.activeCount() > 0;

    QStringList lines;
    m_menu->clear();
    for (const JobInfo& job : runner.jobs()) {
        if (isFinished(job.state))
            continue;
        const QString line = tr("%1: %2").arg(job.title, progressText(job));
        lines.append(line);
        QAction* entry = m_menu->addAction(line);
        entry->setEnabled(false); // information only
    }
    if (!lines.isEmpty())
        m_menu->addSeparator();
    QAction* show = m_menu->addAction(tr("Show Ember"));
    show->setObjectName(QStringLiteral("trayShowAction"));
    connect(show, &QAction::triggered, this, &TrayIcon::showWindowRequested);

    const QString heading = m_active ? tr("Ember: jobs active: %1").arg(lines.size()) : tr("Ember");
    lines.prepend(heading);
    m_icon->setToolTip(lines.join(QLatin1Char('\n')));
    // Offscreen and on desktops without a tray there is nothing to show.
    m_icon->setVisible(m_active && QSystemTrayIcon::isSystemTrayAvailable());
}

void TrayIcon::onJobFinished(quint64 runnerJobId)
{
    scheduleRefresh();
    const JobInfo* job = m_context.runner().job(runnerJobId);
    if (!job || job->state == JobState::Cancelled)
        return; // the user stopped it: nothing to tell
    const JobRecord fromRunner = recordOf(*job);
    struct Decision
    {
        AfterJobSettings settings;
        JobRecord record;
    };
    auto decision = std::make_shared<Decision>();
    decision->record = fromRunner;
    m_context.runQuick(
        this,
        [decision](BackupService& service) {
            decision->settings = AfterJobSettings::load(service.catalog());
            try {
                if (const auto recorded = historyRecordOf(service.catalog(), decision->record))
                    decision->record = *recorded;
            } catch (const std::exception& error) {
                // The notification goes out with what the runner knows.
                qWarning("Job history not read for the notification: %s", error.what());
            }
            return QVariant();
        },
        [this, decision, runnerJobId](const QVariant&, const QString& error) {
            if (!error.isEmpty()) {
                qWarning("Notification settings not read, defaults used: %s", qPrintable(error));
                decision->settings = AfterJobSettings();
            }
            const bool failed = decision->record.result == JobResult::Failed;
            const bool notifying =
                failed ? decision->settings.notifyOnFailure : decision->settings.notifyOnSuccess;
            if (notifying)
                m_notifier->notifyAsync(decision->record);
            Q_EMIT notificationDecided(runnerJobId, notifying);
        });
}

} // namespace ember::ui
