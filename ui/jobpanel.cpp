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
    m_view->setColumnWidth(JobModel::ProgressBar, 140);
    m_view->setColumnWidth(JobModel::Transferred, 150);
    offerContextMenu(m_view, [this] { return m_contextMenu; });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &JobPanel::currentJobChanged);
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
    }

    m_log = new QPlainTextEdit(m_splitter);
    m_log->setObjectName(QStringLiteral("jobLog"));
    m_log->setReadOnly(true);
    m_log->setPlaceholderText(tr("The selected job's log"));
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_log);
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
    const int active = m_model->runner() ? m_model->runner()->activeCount() : 0;
    m_summary->setText(active > 0 ? tr("<b>Jobs</b> — %n active", "", active) : tr("<b>Jobs</b>"));
}

} // namespace ember::ui
