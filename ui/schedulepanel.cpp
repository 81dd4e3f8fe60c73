#include "schedulepanel.h"

#include "appcontext.h"
#include "itemroles.h"
#include "panelsupport.h"
#include "problemlabel.h"
#include "scheduledialog.h"
#include "schedulemodel.h"
#include "scheduler.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <unistd.h>

namespace ember::ui {

SchedulePanel::SchedulePanel(AppContext& context, QWidget* parent)
    : QWidget(parent), m_context(context)
{
    setObjectName(QStringLiteral("schedulePanel"));
    m_model = new ScheduleModel(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto* header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("<b>Schedules</b>"), this));
    header->addStretch();
    auto button = [this, header](const QString& text, const char* name) {
        auto* made = new QPushButton(text, this);
        made->setObjectName(QString::fromLatin1(name));
        header->addWidget(made);
        return made;
    };
    m_newButton = button(tr("&New…"), "newSchedule");
    m_editButton = button(tr("&Edit…"), "editSchedule");
    m_toggleButton = button(tr("&Disable"), "toggleSchedule");
    m_removeButton = button(tr("&Remove"), "removeSchedule");
    m_runButton = button(tr("Run &now"), "runSchedule");
    layout->addLayout(header);

    m_problem = problemLabel(this);
    m_problem->hide();
    layout->addWidget(m_problem);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("scheduleView"));
    m_proxy = rawSortingProxy(m_model, this);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ScheduleModel::Name, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->setColumnWidth(ScheduleModel::Name, 180);
    m_view->setColumnWidth(ScheduleModel::Volumes, 180);
    m_view->setColumnWidth(ScheduleModel::Calendar, 150);
    m_view->setColumnWidth(ScheduleModel::Mode, 200);
    m_view->setColumnWidth(ScheduleModel::NextRun, 150);
    m_view->setColumnWidth(ScheduleModel::LastRun, 150);
    layout->addWidget(m_view, 1);

    m_timerNote = new QLabel(this);
    m_timerNote->setObjectName(QStringLiteral("timerNote"));
    m_timerNote->setWordWrap(true);
    m_timerNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_timerNote->setText(tr("Schedules run by the ember-schedule timer (systemd) even when Ember "
                            "is closed: systemctl --user enable --now ember-schedule.timer"));
    layout->addWidget(m_timerNote);

    connect(m_newButton, &QPushButton::clicked, this, [this] { openNewSchedule(); });
    connect(m_editButton, &QPushButton::clicked, this,
            [this] { openEditSchedule(currentScheduleId()); });
    connect(m_view, &QTableView::doubleClicked, this,
            [this] { openEditSchedule(currentScheduleId()); });
    connect(m_toggleButton, &QPushButton::clicked, this, [this] {
        const auto row = m_model->row(currentScheduleId());
        if (row)
            setScheduleEnabled(row->schedule.id, !row->schedule.enabled);
    });
    connect(m_removeButton, &QPushButton::clicked, this,
            [this] { confirmRemove(currentScheduleId()); });
    connect(m_runButton, &QPushButton::clicked, this, [this] { runNow(currentScheduleId()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SchedulePanel::updateButtons);
    connect(m_model, &ScheduleModel::loaded, this, [this] {
        // A later load that worked ends a load's problem (not an action's).
        if (m_problem->property("fromLoad").toBool())
            showProblem({});
        updateButtons();
    });
    connect(m_model, &ScheduleModel::loadFailed, this, [this](const QString& message) {
        showProblem(tr("The schedules could not be read: %1").arg(message));
        m_problem->setProperty("fromLoad", true);
    });
    connect(&m_context.runner(), &JobRunner::jobFinished, this, [this](quint64 jobId) {
        for (auto it = m_runs.begin(); it != m_runs.end(); ++it) {
            if (it.value() == jobId) {
                m_runs.erase(it);
                break;
            }
        }
        // The job's records are in the catalog now.
        m_model->reload();
        updateButtons();
    });

    m_model->follow(m_context.watcher());
    updateButtons();
    checkTimer();
}

QString SchedulePanel::currentScheduleId() const
{
    const QModelIndex index = m_view->currentIndex();
    return index.isValid() ? index.data(IdRole).toString() : QString();
}

bool SchedulePanel::selectSchedule(const QString& scheduleId)
{
    const int row = m_model->rowOf(scheduleId);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_view->setCurrentIndex(index);
    m_view->selectRow(index.row());
    return true;
}

ScheduleDialog* SchedulePanel::editor() const
{
    return m_editor;
}

ScheduleDialog* SchedulePanel::openNewSchedule()
{
    if (m_editor) {
        m_editor->raise();
        return nullptr;
    }
    auto* dialog = new ScheduleDialog(m_context, std::nullopt, {}, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ScheduleDialog::saved, this, [this](const QString& id) {
        // Selected once the model has it.
        auto* once = new QObject(this);
        connect(m_model, &ScheduleModel::loaded, once, [this, id, once] {
            if (selectSchedule(id))
                once->deleteLater();
        });
        m_model->reload();
    });
    m_editor = dialog;
    dialog->open();
    return dialog;
}

ScheduleDialog* SchedulePanel::openEditSchedule(const QString& scheduleId)
{
    const auto row = m_model->row(scheduleId);
    if (!row || m_editor) {
        if (m_editor)
            m_editor->raise();
        return nullptr;
    }
    auto* dialog = new ScheduleDialog(m_context, row->schedule, {}, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ScheduleDialog::saved, m_model, &ScheduleModel::reload);
    m_editor = dialog;
    dialog->open();
    return dialog;
}

void SchedulePanel::setScheduleEnabled(const QString& scheduleId, bool enabled)
{
    if (scheduleId.isEmpty())
        return;
    m_context.runQuick(
        this,
        [scheduleId, enabled](BackupService& service) {
            Catalog& catalog = service.catalog();
            catalog.transaction([&] {
                // Read again under the write lock: only this column changes.
                auto schedule = catalog.schedule(scheduleId);
                if (!schedule)
                    throw Error(tr("The schedule was removed meanwhile."));
                schedule->enabled = enabled;
                catalog.updateSchedule(*schedule);
            });
            return QVariant();
        },
        [this](const QVariant&, const QString& error) {
            showProblem(error);
            m_model->reload();
            Q_EMIT changeDone(error);
        });
}

void SchedulePanel::confirmRemove(const QString& scheduleId)
{
    const auto row = m_model->row(scheduleId);
    if (!row)
        return;
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Remove Schedule"),
        tr("Remove the schedule %1? Its volumes are no longer backed up by it; their backups "
           "and the job history stay.")
            .arg(row->schedule.name),
        QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmRemoveSchedule"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* remove = box->addButton(tr("Remove"), QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, remove, scheduleId](QAbstractButton* b) {
        if (b != remove)
            return;
        m_context.runQuick(
            this,
            [scheduleId](BackupService& service) {
                service.catalog().removeSchedule(scheduleId);
                return QVariant();
            },
            [this](const QVariant&, const QString& error) {
                showProblem(error);
                m_model->reload();
                Q_EMIT changeDone(error);
            });
    });
    box->open();
}

quint64 SchedulePanel::runNow(const QString& scheduleId)
{
    const auto row = m_model->row(scheduleId);
    if (!row || m_runs.contains(scheduleId))
        return 0;
    const Schedule& schedule = row->schedule;
    JobSpec spec;
    spec.kind = QStringLiteral("schedule");
    spec.title = tr("Schedule %1 (run now)").arg(schedule.name);
    // The runner keeps two jobs on one volume apart; a group's volumes are
    // locked one by one by the schedule's own backups.
    if (schedule.volumeIds.size() == 1)
        spec.volumeId = schedule.volumeIds.first();
    spec.volumeName = row->volumeNames.join(QStringLiteral(", "));
    // Each backup the run makes is in the history with origin "schedule".
    spec.recordsItself = true;
    spec.work = [scheduleId](BackupService& service, OperationControl& control) {
        ScheduleRunner runner(service);
        ScheduleRunner::RunOptions options;
        options.only = scheduleId;
        options.force = true;
        const QList<JobRecord> records = runner.runDue(control, options);
        control.throwIfCancelled();
        QStringList failures;
        int succeeded = 0;
        int skipped = 0;
        for (const JobRecord& record : records) {
            control.log(QStringLiteral("%1: %2%3")
                            .arg(record.title, jobResultText(record.result),
                                 record.reason.isEmpty()
                                     ? QString()
                                     : QStringLiteral(" (%1)").arg(record.reason)));
            if (record.result == JobResult::Succeeded)
                ++succeeded;
            else if (record.result == JobResult::Skipped)
                ++skipped;
            else
                failures.append(QStringLiteral("%1: %2").arg(record.title, record.reason));
        }
        if (!failures.isEmpty())
            throw Error(failures.join(QStringLiteral("; ")));
        if (records.isEmpty())
            throw Error(tr("The schedule ran nothing: it has no volume left in the catalog."));
        if (skipped > 0)
            return tr("%n job(s) done, %1 skipped (see the job history for why)", "", succeeded)
                .arg(skipped);
        return tr("%n job(s) done", "", succeeded);
    };
    const quint64 jobId = m_context.runner().submit(std::move(spec));
    m_runs.insert(scheduleId, jobId);
    updateButtons();
    return jobId;
}

void SchedulePanel::updateButtons()
{
    const auto row = m_model->row(currentScheduleId());
    const QString noSelection = row ? QString() : tr("Select a schedule first.");
    for (QPushButton* needsRow : {m_editButton, m_toggleButton, m_removeButton, m_runButton}) {
        needsRow->setEnabled(row.has_value());
        needsRow->setToolTip(noSelection);
    }
    m_toggleButton->setText(row && !row->schedule.enabled ? tr("&Enable") : tr("&Disable"));
    if (row && m_runs.contains(row->schedule.id)) {
        m_runButton->setEnabled(false);
        m_runButton->setToolTip(tr("This schedule is running now (see Jobs)."));
    } else if (row) {
        m_runButton->setToolTip(tr("Back up the schedule's volumes now, as a scheduled run "
                                   "would (recorded in the job history)"));
    }
}

void SchedulePanel::showProblem(const QString& problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_problem->setProperty("fromLoad", false);
}

SchedulePanel::~SchedulePanel()
{
    // A systemctl still running is killed with the panel; its finished signal
    // must not reach the half-destroyed panel's labels.
    if (m_timerCheck) {
        m_timerCheck->disconnect(this);
        m_timerCheck->kill();
    }
}

void SchedulePanel::checkTimer()
{
    // Asks systemd (without waiting for it) whether the timer is enabled;
    // without systemd the note keeps its instructions.
    const bool system = ::geteuid() == 0;
    auto* process = new QProcess(this);
    m_timerCheck = process;
    connect(process, &QProcess::finished, this, [this, process, system](int exitCode) {
        process->deleteLater();
        const QString state = QString::fromUtf8(process->readAllStandardOutput()).trimmed();
        if (exitCode == 0 && state == QStringLiteral("enabled"))
            m_timerNote->setText(tr("Schedules run by the ember-schedule timer (systemd) even "
                                    "when Ember is closed: the timer is enabled."));
        else if (system)
            m_timerNote->setText(tr("Schedules run by the ember-schedule timer (systemd) even "
                                    "when Ember is closed: systemctl enable --now "
                                    "ember-schedule.timer"));
    });
    connect(process, &QProcess::errorOccurred, process, &QObject::deleteLater);
    QStringList arguments;
    if (!system)
        arguments << QStringLiteral("--user");
    arguments << QStringLiteral("is-enabled") << QStringLiteral("ember-schedule.timer");
    process->start(QStringLiteral("systemctl"), arguments);
}

} // namespace ember::ui
