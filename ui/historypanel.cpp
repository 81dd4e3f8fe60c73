#include "historypanel.h"

#include "appcontext.h"
#include "historymodel.h"
#include "itemroles.h"
#include "panelsupport.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace ember::ui {

namespace {

// One row of the facts table; nothing when the value is empty.
QString factRow(const QString& label, const QString& value)
{
    if (value.isEmpty())
        return {};
    return QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
        .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
}

} // namespace

HistoryPanel::HistoryPanel(AppContext& context, QWidget* parent)
    : QWidget(parent), m_context(context)
{
    setObjectName(QStringLiteral("historyPanel"));
    m_model = new HistoryModel(context.catalogPath(), this);
    m_proxy = new HistoryFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    QSplitter* splitter = panelSplitter(this, Qt::Vertical, QStringLiteral("historySplitter"));
    auto* top = new QWidget(splitter);
    auto* layout = new QVBoxLayout(top);
    layout->setContentsMargins(4, 4, 4, 4);

    auto* filters = new QHBoxLayout;
    m_volumeFilter = new QComboBox(top);
    m_volumeFilter->setObjectName(QStringLiteral("historyVolumeFilter"));
    m_volumeFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_volumeFilter->addItem(tr("All volumes"), QString());
    filters->addWidget(m_volumeFilter);

    m_resultFilter = new QComboBox(top);
    m_resultFilter->setObjectName(QStringLiteral("historyResultFilter"));
    m_resultFilter->addItem(tr("All results"), -1);
    for (JobResult result : {JobResult::Succeeded, JobResult::Failed, JobResult::Cancelled,
                             JobResult::Skipped, JobResult::Interrupted, JobResult::Running})
        m_resultFilter->addItem(jobResultLabel(result), static_cast<int>(result));
    filters->addWidget(m_resultFilter);

    m_periodFilter = new QComboBox(top);
    m_periodFilter->setObjectName(QStringLiteral("historyPeriodFilter"));
    m_periodFilter->addItem(tr("Last 30 days"), Last30Days);
    m_periodFilter->addItem(tr("All time"), AllTime);
    m_periodFilter->addItem(tr("Between dates"), BetweenDates);
    filters->addWidget(m_periodFilter);

    const QDate today = QDate::currentDate();
    m_fromEdit = new QDateEdit(today.addDays(-30), top);
    m_fromEdit->setObjectName(QStringLiteral("historyFromDate"));
    m_fromEdit->setCalendarPopup(true);
    m_fromEdit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_toEdit = new QDateEdit(today, top);
    m_toEdit->setObjectName(QStringLiteral("historyToDate"));
    m_toEdit->setCalendarPopup(true);
    m_toEdit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_fromEdit->setToolTip(tr("Jobs started on or after this day"));
    m_toEdit->setToolTip(tr("Jobs started on or before this day"));
    filters->addWidget(new QLabel(tr("from"), top));
    filters->addWidget(m_fromEdit);
    filters->addWidget(new QLabel(tr("to"), top));
    filters->addWidget(m_toEdit);
    filters->addStretch();
    m_summary = new QLabel(top);
    m_summary->setObjectName(QStringLiteral("historySummary"));
    filters->addWidget(m_summary);
    m_exportStatus = new QLabel(top);
    m_exportStatus->setObjectName(QStringLiteral("historyExportStatus"));
    filters->addWidget(m_exportStatus);
    m_exportButton = new QPushButton(tr("Export CSV…"), top);
    m_exportButton->setObjectName(QStringLiteral("historyExportButton"));
    m_exportButton->setToolTip(tr("Save the jobs the filters select as a CSV file"));
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        auto* dialog = new QFileDialog(this, tr("Export Job History"),
                                       QDir::home().filePath(QStringLiteral("ember-jobs.csv")),
                                       tr("CSV files (*.csv)"));
        dialog->setObjectName(QStringLiteral("historyExportDialog"));
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setDefaultSuffix(QStringLiteral("csv"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QFileDialog::fileSelected, this, &HistoryPanel::exportCsv);
        dialog->open();
    });
    filters->addWidget(m_exportButton);
    layout->addLayout(filters);

    m_view = new QTableView(top);
    m_view->setObjectName(QStringLiteral("historyView"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setWordWrap(false);
    // Fixed row heights and column widths: nothing is measured over 100,000 rows.
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    header->setSectionsMovable(true);
    m_view->setColumnWidth(HistoryModel::Started, 150);
    m_view->setColumnWidth(HistoryModel::Kind, 80);
    m_view->setColumnWidth(HistoryModel::Title, 240);
    m_view->setColumnWidth(HistoryModel::Volume, 120);
    m_view->setColumnWidth(HistoryModel::Result, 100);
    m_view->setColumnWidth(HistoryModel::Origin, 70);
    // Newest first is the source's order (HistoryFilterProxy::sort).
    header->setSortIndicator(HistoryModel::Started, Qt::DescendingOrder);
    m_view->setSortingEnabled(true);
    layout->addWidget(m_view);

    auto* bottom = new QSplitter(Qt::Horizontal, splitter);
    bottom->setObjectName(QStringLiteral("historyDetailSplitter"));
    m_facts = new QLabel(bottom);
    m_facts->setObjectName(QStringLiteral("historyFacts"));
    m_facts->setTextFormat(Qt::RichText);
    m_facts->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setWordWrap(true);
    m_facts->setMargin(4);
    m_log = new QPlainTextEdit(bottom);
    m_log->setObjectName(QStringLiteral("historyLog"));
    m_log->setReadOnly(true);
    m_log->setPlaceholderText(tr("The selected job's log"));
    bottom->addWidget(m_facts);
    bottom->addWidget(m_log);
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 2);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    connect(m_volumeFilter, &QComboBox::currentIndexChanged, this, &HistoryPanel::applyFilters);
    connect(m_resultFilter, &QComboBox::currentIndexChanged, this, &HistoryPanel::applyFilters);
    connect(m_periodFilter, &QComboBox::currentIndexChanged, this, [this] {
        if (m_periodFilter->currentData().toInt() == Last30Days) {
            const QSignalBlocker blockFrom(m_fromEdit);
            const QSignalBlocker blockTo(m_toEdit);
            m_fromEdit->setDate(QDate::currentDate().addDays(-30));
            m_toEdit->setDate(QDate::currentDate());
        }
        applyFilters();
    });
    auto datesEdited = [this] {
        // Choosing a date means choosing that range.
        const QSignalBlocker block(m_periodFilter);
        m_periodFilter->setCurrentIndex(m_periodFilter->findData(BetweenDates));
        applyFilters();
    };
    connect(m_fromEdit, &QDateEdit::dateChanged, this, datesEdited);
    connect(m_toEdit, &QDateEdit::dateChanged, this, datesEdited);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &HistoryPanel::currentRowChanged);
    // A reload that resets the model loses the view's selection: select the
    // same job again. Filter changes keep it through persistent indexes.
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &HistoryPanel::restoreSelection);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &HistoryPanel::restoreSelection);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &HistoryPanel::updateSummary);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &HistoryPanel::updateSummary);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &HistoryPanel::updateSummary);

    connect(m_model, &HistoryModel::loaded, this, [this] {
        updateVolumeChoices();
        updateSummary();
        showDetails(false);
    });
    connect(m_model, &HistoryModel::loadFailed, this, [this](const QString& message) {
        m_summary->setText(tr("History not loaded: %1").arg(message));
    });
    connect(m_model, &HistoryModel::logFetched, this,
            [this](qint64 jobId, const QString& log, const QString& error) {
                if (jobId != m_logJobId)
                    return; // another job was selected meanwhile
                m_log->setPlainText(error.isEmpty() ? log : error);
                m_log->moveCursor(QTextCursor::End);
                Q_EMIT logShown(jobId);
            });
    connect(&context, &AppContext::snapshotApplied, this, &HistoryPanel::updateVolumeChoices);
    connect(m_model, &HistoryModel::exported, this,
            [this](const QString& path, int jobs, const QString& error) {
                m_exportButton->setEnabled(true);
                m_exportStatus->setText(
                    error.isEmpty()
                        ? tr("%n job(s) saved to %1", "", jobs).arg(QDir::toNativeSeparators(path))
                        : tr("Export failed: %1").arg(error));
            });

    applyFilters();
    updateSummary();
    m_model->watch(&context.watcher());
}

bool HistoryPanel::selectJob(qint64 jobId)
{
    const int sourceRow = m_model->rowOfJob(jobId);
    if (sourceRow < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    if (!index.isValid())
        return false;
    m_view->setCurrentIndex(index);
    m_view->selectRow(index.row());
    m_view->scrollTo(index);
    return true;
}

void HistoryPanel::exportCsv(const QString& path)
{
    m_exportButton->setEnabled(false);
    m_exportStatus->setText(tr("Saving…"));
    m_model->exportCsv(path, m_proxy->catalogFilter());
}

void HistoryPanel::applyFilters()
{
    m_proxy->setVolumeId(m_volumeFilter->currentData().toString());
    const int result = m_resultFilter->currentData().toInt();
    m_proxy->setResult(result < 0 ? std::nullopt
                                  : std::optional<JobResult>(static_cast<JobResult>(result)));
    switch (m_periodFilter->currentData().toInt()) {
    case Last30Days:
        m_proxy->setDateRange(QDate::currentDate().addDays(-30).startOfDay(), {});
        break;
    case AllTime:
        m_proxy->setDateRange({}, {});
        break;
    case BetweenDates:
        m_proxy->setDateRange(m_fromEdit->date().startOfDay(),
                              m_toEdit->date().addDays(1).startOfDay());
        break;
    }
    updateSummary();
}

void HistoryPanel::updateVolumeChoices()
{
    QList<std::pair<QString, QString>> choices; // id, label
    QSet<QString> seen;
    for (const Volume& volume : m_context.snapshot()->volumes) {
        if (!seen.contains(volume.id)) {
            seen.insert(volume.id);
            choices.append({volume.id, volume.name.isEmpty() ? volume.id : volume.name});
        }
    }
    // Volumes removed since keep their jobs in the history.
    for (const HistoryVolume& volume : m_model->volumes()) {
        if (!seen.contains(volume.id)) {
            seen.insert(volume.id);
            choices.append({volume.id, volume.name});
        }
    }
    const QString current = m_volumeFilter->currentData().toString();
    if (!current.isEmpty() && !seen.contains(current))
        choices.append({current, m_volumeFilter->currentText()});
    std::sort(choices.begin(), choices.end(), [](const auto& a, const auto& b) {
        return a.second.localeAwareCompare(b.second) < 0;
    });
    bool same = m_volumeFilter->count() == choices.size() + 1;
    for (int index = 0; same && index < choices.size(); ++index)
        same = m_volumeFilter->itemData(index + 1).toString() == choices.at(index).first &&
               m_volumeFilter->itemText(index + 1) == choices.at(index).second;
    if (same)
        return;
    const QSignalBlocker block(m_volumeFilter);
    while (m_volumeFilter->count() > 1)
        m_volumeFilter->removeItem(1);
    for (const auto& [id, label] : choices) {
        m_volumeFilter->addItem(label, id);
        m_volumeFilter->setItemData(m_volumeFilter->count() - 1, id, Qt::ToolTipRole);
    }
    m_volumeFilter->setCurrentIndex(qMax(0, m_volumeFilter->findData(current)));
}

void HistoryPanel::updateSummary()
{
    if (!m_model->isLoaded()) {
        m_summary->setText(tr("Loading the history…"));
        return;
    }
    m_summary->setText(tr("%1 of %n job(s)", "", m_model->rowCount()).arg(m_proxy->rowCount()));
}

void HistoryPanel::currentRowChanged()
{
    if (m_restoring)
        return;
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return; // keep showing the last job (e.g. while the filters hide it)
    m_selectedJobId = current.data(IdRole).toLongLong();
    showDetails(true);
}

void HistoryPanel::restoreSelection()
{
    if (m_selectedJobId == 0)
        return;
    const QModelIndex current = m_view->currentIndex();
    if (current.isValid() && current.data(IdRole).toLongLong() == m_selectedJobId)
        return;
    m_restoring = true;
    selectJob(m_selectedJobId);
    m_restoring = false;
}

void HistoryPanel::showDetails(bool refetchLog)
{
    const int sourceRow = m_model->rowOfJob(m_selectedJobId);
    const HistoryRow* row = m_model->rowAt(sourceRow);
    if (!row) {
        if (m_selectedJobId != 0 && m_model->isLoaded() && sourceRow < 0) {
            m_facts->setText(tr("Job %1 is no longer in the history.").arg(m_selectedJobId));
            m_log->clear();
            m_logJobId = 0;
        }
        return;
    }
    const JobRecord& job = row->record;
    QString facts = QStringLiteral("<table>");
    facts += factRow(tr("Job"), job.title);
    facts += factRow(tr("Kind"), row->kindText);
    facts += factRow(tr("Result"), row->resultText);
    facts += factRow(job.result == JobResult::Succeeded ? tr("Outcome") : tr("Reason"), job.reason);
    facts += factRow(tr("Origin"), job.origin);
    facts +=
        factRow(tr("Volume"), job.volumeName.isEmpty() || job.volumeName == job.volumeId
                                  ? job.volumeId
                                  : QStringLiteral("%1 (%2)").arg(job.volumeName, job.volumeId));
    facts += factRow(tr("Backup"), job.backupId);
    facts += factRow(tr("Backend"), job.backendName);
    facts += factRow(tr("Cloud"), job.cloud);
    facts += factRow(tr("Schedule"), job.scheduleId);
    facts += factRow(tr("Started"), row->startedText);
    facts += factRow(tr("Finished"), formatTime(job.finishedAt));
    facts += factRow(tr("Duration"), row->durationText);
    facts += factRow(tr("Read"), row->readText);
    facts += factRow(tr("Stored"), row->storedText);
    facts += factRow(tr("Rate"), row->rateText);
    facts += factRow(tr("Process"), job.pid > 0 ? QString::number(job.pid) : QString());
    facts += factRow(tr("History id"), QString::number(job.id));
    facts += QStringLiteral("</table>");
    m_facts->setText(facts);
    // The log is read again when another job is selected or this one
    // changed its result (a running job finished).
    const int result = static_cast<int>(job.result);
    if (refetchLog || job.id != m_logJobId || result != m_logResult) {
        if (job.id != m_logJobId)
            m_log->clear();
        m_logJobId = job.id;
        m_logResult = result;
        m_model->fetchLog(job.id);
    }
}

} // namespace ember::ui
