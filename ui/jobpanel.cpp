#include "jobpanel.h"

#include "itemroles.h"
#include "jobmodel.h"
#include "panelsupport.h"
#include "progressdelegate.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace ember::ui {

JobPanel::JobPanel(JobModel* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("jobPanel"));
    m_splitter = panelSplitter(this, Qt::Horizontal, QStringLiteral("jobSplitter"));

    auto* left = new QWidget(m_splitter);
    auto* layout = new QVBoxLayout(left);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* header = new QHBoxLayout;
    m_summary = new QLabel(tr("<b>Jobs</b>"), left);
    header->addWidget(m_summary);
    header->addStretch();
    m_cancelButton = new QPushButton(icon("cancel"), tr("Cancel Job"), left);
    m_cancelButton->setObjectName(QStringLiteral("cancelJobButton"));
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        if (m_cancelAction)
            m_cancelAction->trigger();
    });
    header->addWidget(m_cancelButton);
    m_clearButton = new QPushButton(tr("Clear Finished"), left);
    connect(m_clearButton, &QPushButton::clicked, this, [this] {
        if (m_clearAction)
            m_clearAction->trigger();
    });
    header->addWidget(m_clearButton);
    layout->addLayout(header);

    m_view = new QTableView(left);
    m_view->setObjectName(QStringLiteral("jobView"));
    m_view->setModel(m_model);
    m_view->setItemDelegateForColumn(JobModel::ProgressBar, new ProgressDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->setColumnWidth(JobModel::Title, 220);
    // Room for "waiting (what for)"; the tooltip has the whole phase.
    m_view->setColumnWidth(JobModel::State, 170);
    m_view->setColumnWidth(JobModel::ProgressBar, 140);
    m_view->setColumnWidth(JobModel::Transferred, 150);
    // Wide enough for four stages and the busiest; the tooltip has the rest.
    m_view->setColumnWidth(JobModel::Stages, 620);
    offerContextMenu(m_view, [this] { return m_contextMenu; });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &JobPanel::currentJobChanged);
    connect(this, &JobPanel::currentJobChanged, this, [this] { updateStages(currentJob()); });
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex&, int, int last) {
                // Follow the newest job unless the user is looking at another.
                if (!m_view->selectionModel()->hasSelection())
                    m_view->selectRow(last);
            });
    layout->addWidget(m_view);
    if (JobRunner* runner = m_model->runner()) {
        connect(runner, &JobRunner::jobAdded, this, &JobPanel::updateSummary);
        connect(runner, &JobRunner::jobChanged, this, &JobPanel::updateSummary);
        connect(runner, &JobRunner::jobRemoved, this, &JobPanel::updateSummary);
        // The stages change with every progress report, the log only per line.
        connect(runner, &JobRunner::jobChanged, this, [this] { updateStages(currentJob()); });
    }

    auto* right = new QWidget(m_splitter);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_log = new QPlainTextEdit(right);
    m_log->setObjectName(QStringLiteral("jobLog"));
    m_log->setReadOnly(true);
    m_log->setPlaceholderText(tr("The selected job's log"));
    rightLayout->addWidget(m_log, 1);
    m_stages = new QLabel(right);
    m_stages->setObjectName(QStringLiteral("jobStages"));
    m_stages->setTextFormat(Qt::PlainText);
    m_stages->setWordWrap(true);
    m_stages->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stages->setContentsMargins(4, 2, 4, 4);
    m_stages->hide();
    rightLayout->addWidget(m_stages);
    m_splitter->addWidget(left);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    updateSummary();
}

std::optional<JobInfo> JobPanel::currentJob() const
{
    const QModelIndex index = m_view->currentIndex();
    JobRunner* runner = m_model->runner();
    if (!index.isValid() || !runner)
        return std::nullopt;
    const JobInfo* job = runner->job(index.data(IdRole).toULongLong());
    return job ? std::optional<JobInfo>(*job) : std::nullopt;
}

bool JobPanel::selectJob(quint64 jobId)
{
    JobRunner* runner = m_model->runner();
    const int row = runner ? runner->indexOf(jobId) : -1;
    if (row < 0)
        return false;
    m_view->selectRow(row);
    return true;
}

void JobPanel::updateLog()
{
    const auto job = currentJob();
    const QString text = job ? job->log.join(QLatin1Char('\n')) : QString();
    if (m_log->toPlainText() != text) {
        m_log->setPlainText(text);
        m_log->moveCursor(QTextCursor::End);
    }
    updateStages(job);
}

void JobPanel::updateStages(const std::optional<JobInfo>& job)
{
    const QString text = job ? stagesBreakdown(job->progress) : QString();
    if (m_stages->text() != text)
        m_stages->setText(text);
    m_stages->setVisible(!text.isEmpty());
}

void JobPanel::setJobActions(QAction* cancelJob, QAction* clearFinished)
{
    m_cancelAction = cancelJob;
    m_clearAction = clearFinished;
    auto followCancel = [this] {
        const bool enabled = m_cancelAction->isEnabled();
        m_cancelButton->setEnabled(enabled);
        m_cancelButton->setToolTip(enabled ? QString() : m_cancelAction->toolTip());
    };
    connect(m_cancelAction, &QAction::changed, this, followCancel);
    followCancel();
}

void JobPanel::updateSummary()
{
    JobRunner* runner = m_model->runner();
    const int active = runner ? runner->activeCount() : 0;
    int waiting = 0;
    if (runner)
        for (const JobInfo& job : runner->jobs())
            if (job.state == JobState::Queued || isWaiting(job))
                ++waiting;
    QString text = active > 0 ? tr("<b>Jobs</b> — %n active", "", active) : tr("<b>Jobs</b>");
    if (waiting > 0)
        text += tr(", %n waiting", "", waiting);
    m_summary->setText(text);
}

} // namespace ember::ui
