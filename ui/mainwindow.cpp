#include "mainwindow.h"

#include "chainpanel.h"
#include "jobpanel.h"
#include "panelsupport.h"
#include "volumepanel.h"

#include <QAction>
#include <QCloseEvent>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>

namespace ember::ui {

MainWindow::MainWindow(AppContext& context, QWidget* parent)
    : QMainWindow(parent), m_context(context)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Ember — Volume Backups"));
    setWindowIcon(icon("ember"));
    m_backupModel.apply(*context.snapshot());

    m_volumePanel = new VolumePanel(&context.volumeModel(), this);
    m_chainPanel = new ChainPanel(&m_backupModel, this);
    m_jobPanel = new JobPanel(&context.jobModel(), this);
    m_actions = new ActionsController(context, this, m_volumePanel, m_chainPanel, m_jobPanel);
    createMenus();
    m_volumePanel->setEmptyPageActions(m_actions->addVolumeAction(),
                                       m_actions->sampleVolumeAction());
    m_volumePanel->setContextMenu(m_volumeMenu);
    m_chainPanel->setContextMenu(m_backupMenu);
    m_chainPanel->setExplainedActions({m_actions->restoreAction(), m_actions->deleteAction(),
                                       m_actions->verifyAction(), m_actions->exportAction()});
    m_jobPanel->setJobActions(m_actions->cancelJobAction(), m_actions->clearJobsAction());
    m_jobPanel->setContextMenu(m_jobMenu);

    m_mainSplitter = new QSplitter(Qt::Vertical, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_topSplitter = new QSplitter(Qt::Horizontal, m_mainSplitter);
    m_topSplitter->setObjectName(QStringLiteral("topSplitter"));
    m_topSplitter->addWidget(m_volumePanel);
    m_topSplitter->addWidget(m_chainPanel);
    m_topSplitter->setStretchFactor(0, 2);
    m_topSplitter->setStretchFactor(1, 3);
    m_mainSplitter->addWidget(m_topSplitter);
    m_mainSplitter->addWidget(m_jobPanel);
    m_mainSplitter->setStretchFactor(0, 3);
    m_mainSplitter->setStretchFactor(1, 1);
    setCentralWidget(m_mainSplitter);
    m_catalogSummary = new QLabel(tr("Loading the catalog…"), this);
    m_catalogSummary->setObjectName(QStringLiteral("catalogSummary"));
    statusBar()->addPermanentWidget(m_catalogSummary);

    connect(m_volumePanel, &VolumePanel::selectionChanged, this,
            &MainWindow::onVolumeSelectionChanged);
    connect(m_chainPanel, &ChainPanel::currentBackupChanged, this, [this] {
        m_actions->updateActions();
        updateDetails();
    });
    connect(m_chainPanel, &ChainPanel::backupDataChanged, this, &MainWindow::updateDetails);
    connect(m_jobPanel, &JobPanel::currentJobChanged, this, [this] {
        m_actions->updateActions();
        m_jobPanel->updateLog();
    });
    connect(m_actions, &ActionsController::statusMessage, statusBar(), &QStatusBar::showMessage);
    connect(m_actions, &ActionsController::volumeAdded, this,
            [this](const QString& volumeId) { m_pendingVolumeSelection = {volumeId}; });
    connect(m_actions, &ActionsController::languageChangeRequested, this,
            &MainWindow::languageChangeRequested);

    connect(&context, &AppContext::snapshotApplied, this, &MainWindow::onSnapshotApplied);
    connect(&context, &AppContext::recovered, this, [this](const QStringList& actions) {
        statusBar()->showMessage(
            tr("Recovered %n interrupted operation(s): %1", "", static_cast<int>(actions.size()))
                .arg(actions.join(QStringLiteral("; "))),
            30000);
    });
    connect(&context.watcher(), &CatalogWatcher::loadFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Cannot read the catalog: %1").arg(message));
    });
    connect(&context.runner(), &JobRunner::jobChanged, this, [this](int) {
        m_actions->updateActions();
        m_jobPanel->updateLog();
    });
    connect(&context.runner(), &JobRunner::jobFinished, this, [this](quint64 id) {
        const JobInfo* job = m_context.runner().job(id);
        if (job)
            statusBar()->showMessage(tr("%1: %2").arg(job->title, job->outcome), 10000);
    });
    connect(&context.runner(), &JobRunner::idle, this, [this] {
        if (m_quitWhenIdle) {
            m_closeConfirmed = true;
            close();
        }
    });

    restoreSettings();
    // After the saved column states, which may predate columns of other sources.
    m_volumePanel->setSourceKind(SourceKind::Local);
    m_chainPanel->setSourceKind(SourceKind::Local);
    if (context.watcher().hasSnapshot())
        onSnapshotApplied();
    m_actions->updateActions();
}

MainWindow::~MainWindow() = default;

QTableView* MainWindow::volumeView() const
{
    return m_volumePanel->view();
}

QTreeView* MainWindow::backupView() const
{
    return m_chainPanel->view();
}

QTableView* MainWindow::jobView() const
{
    return m_jobPanel->view();
}

QTextBrowser* MainWindow::details() const
{
    return m_chainPanel->details();
}

QPlainTextEdit* MainWindow::jobLog() const
{
    return m_jobPanel->log();
}

QSortFilterProxyModel* MainWindow::volumeProxy() const
{
    return m_volumePanel->proxy();
}

QSortFilterProxyModel* MainWindow::backupProxy() const
{
    return m_chainPanel->proxy();
}

// ---------------------------------------------------------------- building

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_actions->addVolumeAction());
    file->addAction(m_actions->addRbdImageAction());
    file->addAction(m_actions->sampleVolumeAction());
    file->addAction(m_actions->removeVolumeAction());
    file->addAction(m_actions->resetVolumeStateAction());
    file->addSeparator();
    file->addAction(m_actions->importAction());
    file->addSeparator();
    file->addAction(m_actions->backendsAction());
    file->addAction(m_actions->settingsAction());
    file->addSeparator();
    file->addAction(m_actions->quitAction());

    m_backupMenu = menuBar()->addMenu(tr("&Backup"));
    m_backupMenu->setToolTipsVisible(true); // disabled entries say why
    m_backupMenu->addAction(m_actions->createBackupAction());
    m_backupMenu->addAction(m_actions->restoreAction());
    m_backupMenu->addAction(m_actions->verifyAction());
    m_backupMenu->addSeparator();
    m_backupMenu->addAction(m_actions->editAction());
    m_backupMenu->addAction(m_actions->exportAction());
    m_backupMenu->addSeparator();
    m_backupMenu->addAction(m_actions->deleteAction());
    QMenu* admin = m_backupMenu->addMenu(tr("&Administration"));
    admin->setToolTipsVisible(true);
    admin->addAction(m_actions->forceDeleteAction());
    admin->addAction(m_actions->resetStateAction());

    m_jobMenu = menuBar()->addMenu(tr("&Jobs"));
    m_jobMenu->setToolTipsVisible(true);
    m_jobMenu->addAction(m_actions->cancelJobAction());
    m_jobMenu->addAction(m_actions->copyLogAction());
    m_jobMenu->addAction(m_actions->clearJobsAction());

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_actions->refreshAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_actions->aboutAction());

    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
    toolbar->addAction(m_actions->addVolumeAction());
    toolbar->addAction(m_actions->createBackupAction());
    toolbar->addAction(m_actions->restoreAction());
    toolbar->addAction(m_actions->verifyAction());
    toolbar->addAction(m_actions->deleteAction());
    toolbar->addSeparator();
    toolbar->addAction(m_actions->cancelJobAction());
    toolbar->addSeparator();
    toolbar->addAction(m_actions->refreshAction());
    toolbar->addAction(m_actions->backendsAction());
    toolbar->addAction(m_actions->settingsAction());

    m_volumeMenu = new QMenu(this);
    m_volumeMenu->setToolTipsVisible(true);
    m_volumeMenu->addAction(m_actions->createBackupAction());
    m_volumeMenu->addSeparator();
    m_volumeMenu->addAction(m_actions->addVolumeAction());
    m_volumeMenu->addAction(m_actions->addRbdImageAction());
    m_volumeMenu->addAction(m_actions->sampleVolumeAction());
    m_volumeMenu->addAction(m_actions->removeVolumeAction());
    m_volumeMenu->addSeparator();
    m_volumeMenu->addAction(m_actions->resetVolumeStateAction());
}

// ---------------------------------------------------------------- settings

void MainWindow::restoreSettings()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("mainWindow"));
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray())) {
        resize(1280, 800);
        m_mainSplitter->setSizes({560, 240});
        m_topSplitter->setSizes({500, 780});
    }
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_mainSplitter->restoreState(settings.value(QStringLiteral("mainSplitter")).toByteArray());
    m_topSplitter->restoreState(settings.value(QStringLiteral("topSplitter")).toByteArray());
    m_chainPanel->splitter()->restoreState(
        settings.value(QStringLiteral("chainSplitter")).toByteArray());
    m_jobPanel->splitter()->restoreState(
        settings.value(QStringLiteral("jobSplitter")).toByteArray());
    volumeView()->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("volumeColumns")).toByteArray());
    backupView()->header()->restoreState(
        settings.value(QStringLiteral("backupColumns")).toByteArray());
    jobView()->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("jobColumns")).toByteArray());
    m_pendingVolumeSelection = settings.value(QStringLiteral("selectedVolumes")).toStringList();
    m_pendingBackupSelection = settings.value(QStringLiteral("selectedBackup")).toString();
    settings.endGroup();
}

void MainWindow::saveSettings()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("mainWindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState());
    settings.setValue(QStringLiteral("mainSplitter"), m_mainSplitter->saveState());
    settings.setValue(QStringLiteral("topSplitter"), m_topSplitter->saveState());
    settings.setValue(QStringLiteral("chainSplitter"), m_chainPanel->splitter()->saveState());
    settings.setValue(QStringLiteral("jobSplitter"), m_jobPanel->splitter()->saveState());
    settings.setValue(QStringLiteral("volumeColumns"),
                      volumeView()->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("backupColumns"), backupView()->header()->saveState());
    settings.setValue(QStringLiteral("jobColumns"), jobView()->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("selectedVolumes"), selectedVolumeIds());
    const auto backup = currentBackup();
    settings.setValue(QStringLiteral("selectedBackup"), backup ? backup->id : QString());
    settings.endGroup();
}

// ---------------------------------------------------------------- live updates

void MainWindow::onSnapshotApplied()
{
    const auto snapshot = m_context.snapshot();
    m_backupModel.apply(*snapshot);
    m_volumePanel->setEmptyPageShown(m_context.volumeModel().rowCount() == 0);
    m_catalogSummary->setText(tr("%n volume(s), %1 backups; catalog read in %2 ms", "",
                                 static_cast<int>(snapshot->volumes.size()))
                                  .arg(snapshot->backups.size())
                                  .arg(snapshot->loadMilliseconds));
    if (!m_restoredSelection) {
        m_restoredSelection = true;
        bool any = false;
        for (const QString& id : std::as_const(m_pendingVolumeSelection))
            any = selectVolume(id) || any;
        if (!any)
            m_volumePanel->selectFirstRow();
        if (!m_pendingBackupSelection.isEmpty())
            selectBackup(m_pendingBackupSelection);
    } else if (!volumeView()->selectionModel()->hasSelection() && volumeProxy()->rowCount() == 1) {
        volumeView()->selectRow(0); // the first volume just added
    }
    m_actions->updateActions();
    updateDetails();
}

void MainWindow::onVolumeSelectionChanged()
{
    const QStringList ids = selectedVolumeIds();
    const auto volume = ids.size() == 1 ? currentVolume() : std::nullopt;
    m_chainPanel->showVolumes(ids, volume ? volume->name : QString());
    m_actions->updateActions();
    updateDetails();
}

void MainWindow::updateDetails()
{
    m_chainPanel->showDetails(*m_context.snapshot(), currentVolume(), currentBackup());
}

bool MainWindow::selectVolume(const QString& volumeId)
{
    return m_volumePanel->selectVolume(volumeId);
}

bool MainWindow::selectBackup(const QString& backupId)
{
    return m_chainPanel->selectBackup(backupId);
}

bool MainWindow::selectJob(quint64 jobId)
{
    return m_jobPanel->selectJob(jobId);
}

// ---------------------------------------------------------------- closing

void MainWindow::closeEvent(QCloseEvent* event)
{
    const int active = m_context.runner().activeCount();
    if (m_closeConfirmed || active == 0) {
        saveSettings();
        event->accept();
        return;
    }
    event->ignore();
    if (m_closeQuestion && m_closeQuestion->isVisible())
        return; // already asking
    auto* box = new QMessageBox(QMessageBox::Question, tr("Jobs Are Running"),
                                tr("%n job(s) are still running or queued. Cancel them and quit, "
                                   "or wait until they finish and then quit?",
                                   "", active),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("closeQuestion"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* cancelJobs =
        box->addButton(tr("Cancel Jobs and Quit"), QMessageBox::DestructiveRole);
    QPushButton* wait = box->addButton(tr("Wait, Then Quit"), QMessageBox::AcceptRole);
    box->addButton(tr("Keep Working"), QMessageBox::RejectRole);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, cancelJobs, wait](QAbstractButton* button) {
                if (button == cancelJobs) {
                    m_quitWhenIdle = true;
                    m_context.runner().cancelAll();
                    statusBar()->showMessage(
                        tr("Cancelling jobs; Ember quits when they have stopped."));
                } else if (button == wait) {
                    m_quitWhenIdle = true;
                    statusBar()->showMessage(tr("Ember quits when the running jobs are finished."));
                }
                if (m_quitWhenIdle && m_context.runner().activeCount() == 0) {
                    m_closeConfirmed = true;
                    close();
                }
            });
    m_closeQuestion = box;
    box->open();
}

} // namespace ember::ui
