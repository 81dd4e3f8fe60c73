#include "mainwindow.h"

#include "appsettings.h"
#include "chainpanel.h"
#include "cloudsource.h"
#include "cloudwizard.h"
#include "dashboardpanel.h"
#include "historypanel.h"
#include "jobpanel.h"
#include "panelsupport.h"
#include "schedulepanel.h"
#include "sourceset.h"
#include "statusstyle.h"
#include "trayicon.h"
#include "volumemodel.h"
#include "volumepanel.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace ember::ui {

MainWindow::MainWindow(AppContext& context, QWidget* parent)
    : QMainWindow(parent), m_context(context)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Ember — Volume Backups"));
    setWindowIcon(icon("ember"));
    m_backupModel.apply(*context.snapshot());
    // Encrypted backups whose key is not here show "key not available".
    m_backupModel.setAvailableKeys(context.availableKeys());
    m_sources = &SourceSet::of(context);
    m_sourceId = SourceSet::LocalId;

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
    // The notice line above the panels, dismissed by its button or the next notice.
    auto* central = new QWidget(this);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    m_noticeBar = new QWidget(central);
    m_noticeBar->setObjectName(QStringLiteral("noticeBar"));
    m_noticeBar->setStyleSheet(QStringLiteral("#noticeBar { background: #fff4e5; }"));
    m_noticeBar->setAttribute(Qt::WA_StyledBackground);
    auto* noticeLayout = new QHBoxLayout(m_noticeBar);
    noticeLayout->setContentsMargins(8, 4, 4, 4);
    m_notice = new QLabel(m_noticeBar);
    m_notice->setObjectName(QStringLiteral("notice"));
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    noticeLayout->addWidget(m_notice, 1);
    auto* dismiss = new QToolButton(m_noticeBar);
    dismiss->setText(tr("Dismiss"));
    dismiss->setAutoRaise(true);
    connect(dismiss, &QToolButton::clicked, this, [this] { showNotice(QString()); });
    noticeLayout->addWidget(dismiss);
    m_noticeBar->hide();
    centralLayout->addWidget(m_noticeBar);
    createPages();
    centralLayout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    m_catalogSummary = new QLabel(tr("Loading the catalog…"), this);
    m_catalogSummary->setObjectName(QStringLiteral("catalogSummary"));
    m_quotaSummary = new QLabel(this);
    m_quotaSummary->setObjectName(QStringLiteral("quotaSummary"));
    m_quotaSummary->setContentsMargins(0, 0, 12, 0);
    m_quotaSummary->hide();
    statusBar()->addPermanentWidget(m_quotaSummary);
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
    connect(m_actions, &ActionsController::notice, this, &MainWindow::showNotice);
    connect(m_volumePanel, &VolumePanel::projectChosen, this, [this](const QString& project) {
        if (auto* cloud = qobject_cast<CloudSource*>(currentSource())) {
            cloud->setProjectFilter(project);
            updateSourceStatus();
        }
    });
    connect(m_sources, &SourceSet::entriesChanged, this, &MainWindow::populateSwitcher);
    // The status bar counts the volumes shown through the filters.
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_volumePanel->proxy(), signal, this, &MainWindow::updateSourceStatus);
    connect(m_volumePanel->proxy(), &QAbstractItemModel::modelReset, this,
            &MainWindow::updateSourceStatus);
    connect(m_sources, &SourceSet::sourceOpened, this, [this](const QString& id) {
        if (id == m_sourceId)
            showSource();
    });
    connect(m_sources, &SourceSet::sourceProblem, this, [this](const QString& id) {
        if (id == m_sourceId)
            showSource();
    });

    connect(&context, &AppContext::snapshotApplied, this, &MainWindow::onSnapshotApplied);
    connect(&context, &AppContext::keysChanged, this, [this] {
        m_backupModel.setAvailableKeys(m_context.availableKeys());
        m_actions->updateActions();
    });
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
        if (!job)
            return;
        statusBar()->showMessage(tr("%1: %2").arg(job->title, job->outcome), 10000);
        // A cloud job's error is Cinder's own message: worth more than a passing line.
        if (job->kind.startsWith(QLatin1String("cloud-")) && job->state == JobState::Failed)
            showNotice(tr("%1 failed: %2").arg(job->title, job->outcome));
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
    populateSwitcher();
    // This computer's saved selection, also for a window that starts on a cloud.
    if (SourceSet::Entry* local = m_sources->entry(SourceSet::LocalId);
        local->selectedVolumes.isEmpty() && local->selectedBackup.isEmpty()) {
        local->selectedVolumes = m_pendingVolumeSelection;
        local->selectedBackup = m_pendingBackupSelection;
    }
    const QString lastSource = lastSourceSetting();
    if (lastSource != SourceSet::LocalId && m_sources->entry(lastSource))
        switchToSource(lastSource);
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
    file->addAction(m_actions->retentionPolicyAction());
    file->addAction(m_actions->pruneLogAction());
    file->addSeparator();
    file->addAction(m_actions->importAction());
    file->addSeparator();
    file->addAction(m_actions->backendsAction());
    file->addAction(m_actions->keysAction());
    auto* connectCloudAction =
        new QAction(icon("backends"), tr("Connect to an OpenStack &Cloud…"), this);
    connectCloudAction->setObjectName(QStringLiteral("connectCloudAction"));
    connectCloudAction->setStatusTip(
        tr("Add a cloud to clouds.yaml (its secret in the OS keyring) and show it"));
    connect(connectCloudAction, &QAction::triggered, this, [this] { connectCloud(); });
    file->addAction(connectCloudAction);
    file->addAction(m_actions->settingsAction());
    file->addSeparator();
    file->addAction(m_actions->quitAction());

    m_backupMenu = menuBar()->addMenu(tr("&Backup"));
    m_backupMenu->setToolTipsVisible(true); // disabled entries say why
    m_backupMenu->addAction(m_actions->createBackupAction());
    m_backupMenu->addAction(m_actions->restoreAction());
    m_backupMenu->addAction(m_actions->verifyAction());
    m_backupMenu->addAction(m_actions->synthesizeAction());
    m_backupMenu->addSeparator();
    m_backupMenu->addAction(m_actions->editAction());
    m_backupMenu->addAction(m_actions->protectAction());
    m_backupMenu->addAction(m_actions->unprotectAction());
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
    // The pages, Ctrl+1 to Ctrl+4 (the tabs are made after the menus).
    const std::pair<Page, QString> pages[] = {{VolumesPage, tr("&Volumes")},
                                              {OverviewPage, tr("&Overview")},
                                              {SchedulesPage, tr("&Schedules")},
                                              {HistoryPage, tr("&History")}};
    for (const auto& [page, text] : pages) {
        auto* show = new QAction(text, this);
        show->setObjectName(QStringLiteral("showPage%1Action").arg(int(page) + 1));
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + int(page))));
        connect(show, &QAction::triggered, this, [this, page = page] { showPage(page); });
        view->addAction(show);
    }
    view->addSeparator();
    view->addAction(m_actions->refreshAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_actions->aboutAction());

    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
    m_sourceSwitcher = new QComboBox(toolbar);
    m_sourceSwitcher->setObjectName(QStringLiteral("sourceSwitcher"));
    m_sourceSwitcher->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_sourceSwitcher->setMinimumContentsLength(14);
    connect(m_sourceSwitcher, &QComboBox::activated, this, [this](int index) {
        const QString id = m_sourceSwitcher->itemData(index).toString();
        if (id == QLatin1String("connect")) {
            // The wizard decides which cloud is shown; until then the current one stays.
            m_sourceSwitcher->setCurrentIndex(m_sourceSwitcher->findData(m_sourceId));
            connectCloud();
            return;
        }
        switchToSource(id);
    });
    auto* sourceLabel = new QLabel(tr(" Source: "), toolbar);
    sourceLabel->setBuddy(m_sourceSwitcher);
    toolbar->addWidget(sourceLabel);
    toolbar->addWidget(m_sourceSwitcher);
    toolbar->addSeparator();
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
    m_volumeMenu->addAction(m_actions->retentionPolicyAction());
    m_volumeMenu->addAction(m_actions->pruneLogAction());
    m_volumeMenu->addSeparator();
    m_volumeMenu->addAction(m_actions->resetVolumeStateAction());
}

// The "Volumes" page holds the splitters built above; the other pages are
// panels of their own over the same context.
void MainWindow::createPages()
{
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("pages"));
    m_tabs->setDocumentMode(true);
    m_dashboardPanel = new DashboardPanel(m_context, m_tabs);
    m_schedulePanel = new SchedulePanel(m_context, m_tabs);
    m_historyPanel = new HistoryPanel(m_context, m_tabs);
    m_tabs->insertTab(VolumesPage, m_mainSplitter, tr("Volumes"));
    m_tabs->insertTab(OverviewPage, m_dashboardPanel, tr("Overview"));
    m_tabs->insertTab(SchedulesPage, m_schedulePanel, tr("Schedules"));
    m_tabs->insertTab(HistoryPage, m_historyPanel, tr("History"));
    for (int page = VolumesPage; page <= HistoryPage; ++page)
        m_tabs->setTabToolTip(page, tr("Ctrl+%1").arg(page + 1));
    m_tabs->setCurrentIndex(VolumesPage);
    connect(m_dashboardPanel, &DashboardPanel::showJobRequested, this,
            &MainWindow::showJobInHistory);

    // While jobs run: the tray icon, and a notification when one ends.
    m_trayIcon = new TrayIcon(m_context, this);
    connect(m_trayIcon, &TrayIcon::showHistoryRequested, this, [this](qint64 jobId) {
        bringToFront();
        if (jobId > 0)
            showJobInHistory(jobId);
        else
            showPage(HistoryPage);
    });
    connect(m_trayIcon, &TrayIcon::showWindowRequested, this, &MainWindow::bringToFront);
}

void MainWindow::bringToFront()
{
    if (isMinimized())
        showNormal();
    show();
    raise();
    activateWindow();
}

void MainWindow::showPage(Page page)
{
    m_tabs->setCurrentIndex(page);
}

void MainWindow::showJobInHistory(qint64 jobId)
{
    showPage(HistoryPage);
    if (!m_historyPanel->selectJob(jobId))
        statusBar()->showMessage(
            tr("Job %1 is not in the history list: widen its filters to see it.").arg(jobId),
            10000);
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
    // V2: the Stages column came in after Rate; widths saved before it would shift.
    jobView()->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("jobColumnsV2")).toByteArray());
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
    settings.setValue(QStringLiteral("jobColumnsV2"), jobView()->horizontalHeader()->saveState());
    // The selection kept here is this computer's; a cloud's stays with its
    // source (a window rebuilt for another language finds it there).
    QStringList volumes = selectedVolumeIds();
    const auto backup = currentBackup();
    QString backupId = backup ? backup->id : QString();
    if (m_sourceId != SourceSet::LocalId) {
        SourceSet::Entry* shown = m_sources->entry(m_sourceId);
        if (shown && !m_sourceSelectionPending) {
            shown->selectedVolumes = volumes;
            shown->selectedBackup = backupId;
        }
        const SourceSet::Entry* local = m_sources->entry(SourceSet::LocalId);
        volumes = local->selectedVolumes;
        backupId = local->selectedBackup;
    }
    settings.setValue(QStringLiteral("selectedVolumes"), volumes);
    settings.setValue(QStringLiteral("selectedBackup"), backupId);
    settings.endGroup();
}

// ---------------------------------------------------------------- live updates

void MainWindow::onSnapshotApplied()
{
    const auto snapshot = m_context.snapshot();
    m_backupModel.apply(*snapshot);
    if (m_sourceId != SourceSet::LocalId)
        return; // the local models are up to date for when they are shown again
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
    m_chainPanel->showDetails(*m_actions->snapshot(), currentVolume(), currentBackup());
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

// ---------------------------------------------------------------- sources

Source* MainWindow::currentSource() const
{
    if (m_sourceId == SourceSet::LocalId)
        return nullptr;
    const SourceSet::Entry* entry = m_sources->entry(m_sourceId);
    return entry ? entry->source.data() : nullptr;
}

void MainWindow::populateSwitcher()
{
    const QSignalBlocker quiet(m_sourceSwitcher);
    m_sourceSwitcher->clear();
    for (const SourceSet::Entry* entry : m_sources->entries()) {
        m_sourceSwitcher->addItem(entry->id == SourceSet::LocalId ? icon("ember")
                                                                  : icon("backends"),
                                  entry->name, entry->id);
        if (entry->profile)
            m_sourceSwitcher->setItemData(
                m_sourceSwitcher->count() - 1,
                tr("OpenStack cloud %1 (%2)").arg(entry->name, entry->profile->origin),
                Qt::ToolTipRole);
    }
    m_sourceSwitcher->insertSeparator(m_sourceSwitcher->count());
    m_sourceSwitcher->addItem(tr("Connect to an OpenStack cloud…"), QStringLiteral("connect"));
    m_sourceSwitcher->setCurrentIndex(qMax(0, m_sourceSwitcher->findData(m_sourceId)));
    const QStringList warnings = m_sources->warnings();
    m_sourceSwitcher->setToolTip(
        warnings.isEmpty()
            ? tr("Show this computer's volumes or a cloud's")
            : tr("Some clouds could not be read:\n%1").arg(warnings.join(QLatin1Char('\n'))));
}

bool MainWindow::switchToSource(const QString& sourceId)
{
    SourceSet::Entry* target = m_sources->entry(sourceId);
    if (!target)
        return false;
    // What was selected stays with the source it belongs to.
    if (SourceSet::Entry* shown = m_sources->entry(m_sourceId);
        shown && !m_sourceSelectionPending) {
        shown->selectedVolumes = selectedVolumeIds();
        const auto backup = currentBackup();
        shown->selectedBackup = backup ? backup->id : QString();
    }
    m_sourceId = sourceId;
    setLastSourceSetting(sourceId);
    {
        const QSignalBlocker quiet(m_sourceSwitcher);
        m_sourceSwitcher->setCurrentIndex(qMax(0, m_sourceSwitcher->findData(sourceId)));
    }
    showNotice(QString());
    if (sourceId != SourceSet::LocalId && !target->source)
        m_sources->open(sourceId); // may show the source already
    showSource();
    return true;
}

void MainWindow::showSource()
{
    for (const QMetaObject::Connection& connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    SourceSet::Entry* entry = m_sources->entry(m_sourceId);
    const bool local = m_sourceId == SourceSet::LocalId;
    Source* source = currentSource();

    // The chains first: clearing the volume selection must not touch the new tree.
    m_chainPanel->setModel(local ? &m_backupModel : entry->backups);
    m_volumePanel->setModel(local ? &m_context.volumeModel() : entry->volumes);
    const SourceKind kind = local ? SourceKind::Local : SourceKind::Cloud;
    m_volumePanel->setSourceKind(kind);
    m_chainPanel->setSourceKind(kind);
    QString unavailable;
    if (!local && !source)
        unavailable =
            entry->opening
                ? tr("Reading the secret of %1 from the keyring…").arg(entry->name)
                : tr("%1 could not be read.").arg(entry->name) +
                      (entry->problem.isEmpty() ? QString() : QLatin1Char(' ') + entry->problem);
    m_actions->setSource(source, unavailable);
    m_quotaSummary->setVisible(!local);
    setWindowTitle(local ? tr("Ember — Volume Backups")
                         : tr("Ember — %1 (OpenStack cloud)").arg(entry->name));

    if (local) {
        m_volumePanel->setProblem(QString());
        if (!m_restoredSelection) {
            if (m_context.watcher().hasSnapshot())
                onSnapshotApplied(); // restores the saved selection
        } else {
            m_volumePanel->setEmptyPageShown(m_context.volumeModel().rowCount() == 0);
            const auto snapshot = m_context.snapshot();
            m_catalogSummary->setText(tr("%n volume(s), %1 backups; catalog read in %2 ms", "",
                                         static_cast<int>(snapshot->volumes.size()))
                                          .arg(snapshot->backups.size())
                                          .arg(snapshot->loadMilliseconds));
            restoreSelection(entry->selectedVolumes, entry->selectedBackup);
        }
        m_sourceSelectionPending = false;
    } else {
        m_volumePanel->setEmptyPageShown(false);
        m_volumePanel->setProblem(entry->problem);
        m_volumePanel->setProjectChoices({}, false, QString()); // until its list is in
        if (source) {
            m_sourceConnections.append(
                connect(source, &Source::snapshotChanged, this, &MainWindow::onSourceSnapshot));
            m_sourceConnections.append(
                connect(source, &Source::loadFailed, this, [this](const QString& message) {
                    m_volumePanel->setProblem(message);
                    updateSourceStatus();
                }));
            m_sourceConnections.append(
                connect(source, &Source::loadProgress, this, &MainWindow::updateSourceStatus));
            m_sourceConnections.append(
                connect(source, &Source::capabilitiesChanged, this, &MainWindow::onSourceSnapshot));
        }
        m_sourceSelectionPending = true;
        if (source && source->hasSnapshot())
            onSourceSnapshot();
    }
    onVolumeSelectionChanged();
    updateSourceStatus();
}

void MainWindow::restoreSelection(const QStringList& volumeIds, const QString& backupId)
{
    bool any = false;
    for (const QString& id : volumeIds)
        any = selectVolume(id) || any;
    if (!any)
        m_volumePanel->selectFirstRow();
    if (!backupId.isEmpty())
        selectBackup(backupId);
}

void MainWindow::onSourceSnapshot()
{
    Source* source = currentSource();
    SourceSet::Entry* entry = m_sources->entry(m_sourceId);
    if (!source || !entry)
        return;
    const auto snapshot = source->snapshot();
    m_volumePanel->setProblem(entry->problem);

    // Admins choose among every project listed so far (a chosen project
    // narrows the lists, so the others are remembered).
    QStringList& seen = m_seenProjects[m_sourceId];
    for (const QString& project : snapshot->projects)
        if (!seen.contains(project))
            seen.append(project);
    seen.sort();
    auto* cloud = qobject_cast<CloudSource*>(source);
    const bool allProjects = source->can(Capability::AllProjects);
    QStringList choices = seen;
    if (!allProjects && cloud && !cloud->tokenProjectId().isEmpty())
        choices = {cloud->tokenProjectId()};
    m_volumePanel->setProjectChoices(choices, allProjects,
                                     cloud ? cloud->projectFilter() : QString());
    QStringList statuses;
    for (const Volume& volume : snapshot->volumes)
        if (!statuses.contains(volume.status))
            statuses.append(volume.status);
    m_volumePanel->setStatusChoices(statuses);

    if (m_sourceSelectionPending && snapshot->complete) {
        m_sourceSelectionPending = false;
        restoreSelection(entry->selectedVolumes, entry->selectedBackup);
    }
    m_actions->updateActions();
    updateDetails();
    updateSourceStatus();
}

void MainWindow::updateSourceStatus()
{
    if (m_sourceId == SourceSet::LocalId)
        return;
    const SourceSet::Entry* entry = m_sources->entry(m_sourceId);
    Source* source = currentSource();
    const QLocale locale;
    if (!entry)
        return;
    if (!source) {
        m_catalogSummary->setText(
            entry->opening ? tr("Reading the secret of %1 from the keyring…").arg(entry->name)
                           : entry->problem);
        m_quotaSummary->clear();
        return;
    }
    const auto snapshot = source->snapshot();
    if (!source->hasSnapshot()) {
        m_catalogSummary->setText(entry->problem.isEmpty()
                                      ? tr("Connecting to %1…").arg(entry->name)
                                      : tr("%1 could not be read.").arg(entry->name));
        m_quotaSummary->clear();
        return;
    }
    QString text = tr("%n volume(s) (%1 shown)", "", static_cast<int>(snapshot->volumes.size()))
                       .arg(locale.toString(m_volumePanel->proxy()->rowCount())) +
                   QStringLiteral(", ") +
                   tr("%n backup(s)", "", static_cast<int>(snapshot->backups.size()));
    if (snapshot->staleAsOf.isValid())
        text += QStringLiteral(" — ") +
                tr("as of %1, refreshing…")
                    .arg(locale.toString(snapshot->staleAsOf.toLocalTime(), QLocale::ShortFormat));
    else if (!snapshot->complete)
        text += QStringLiteral(" — ") +
                (entry->total >= 0
                     ? tr("loading %1 of %2")
                           .arg(locale.toString(entry->loaded), locale.toString(entry->total))
                     : tr("loading, %1 read so far").arg(locale.toString(entry->loaded)));
    m_catalogSummary->setText(text);

    // The quota of the project shown: the chosen one, else the one logged in to.
    auto* cloud = qobject_cast<CloudSource*>(source);
    QString project = cloud ? cloud->projectFilter() : QString();
    if (project.isEmpty() && cloud)
        project = cloud->tokenProjectId();
    if (project.isEmpty() && !snapshot->quotas.isEmpty())
        project = snapshot->quotas.constBegin().key();
    const auto quota = snapshot->quotas.constFind(project);
    if (quota == snapshot->quotas.constEnd()) {
        m_quotaSummary->setText(tr("No backup quota shown"));
        m_quotaSummary->setToolTip(tr("The cloud did not show this project's quota to you."));
        return;
    }
    auto limit = [&](qint64 value) { return value < 0 ? tr("unlimited") : locale.toString(value); };
    m_quotaSummary->setText(
        tr("Backup quota: %1 of %2 backups, %3 of %4 GB")
            .arg(locale.toString(quota->backupsInUse), limit(quota->backupsLimit),
                 locale.toString(quota->gigabytesInUse), limit(quota->gigabytesLimit)));
    m_quotaSummary->setToolTip(
        tr("Project %1: backups and backup gigabytes in use / limit").arg(project));
}

CloudWizard* MainWindow::connectCloud()
{
    CloudWizard* wizard = openCloudWizard(this);
    connect(wizard, &CloudWizard::cloudSaved, this, [this, wizard](const QString& name) {
        // The wizard's profile carries the secret it just stored, so the new
        // cloud opens without reading the keyring back; its clouds.yaml may
        // not be the one the configuration search finds first.
        m_sources->reloadClouds();
        m_sources->addCloud(wizard->profile());
        switchToSource(QStringLiteral("cloud:") + name);
    });
    return wizard;
}

void MainWindow::showNotice(const QString& message)
{
    m_notice->setText(message);
    m_noticeBar->setVisible(!message.isEmpty());
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
