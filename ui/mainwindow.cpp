#include "mainwindow.h"

#include "appsettings.h"
#include "backendregistry.h"
#include "backendwizard.h"
#include "backupdialogs.h"
#include "chainrules.h"
#include "itemroles.h"
#include "progressdelegate.h"
#include "rbdbrowser.h"
#include "settingsdialog.h"
#include "statusstyle.h"
#include "volumedialogs.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace ember::ui {

namespace {

// Sorts on the raw values (bytes, times) rather than the shown text.
QSortFilterProxyModel* rawSortingProxy(QAbstractItemModel* source, QObject* parent)
{
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(RawValueRole);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setFilterKeyColumn(-1);
    proxy->setRecursiveFilteringEnabled(true);
    proxy->setDynamicSortFilter(true);
    return proxy;
}

QIcon icon(const char* name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}

// Enables the action, or disables it with the reason as its tooltip.
void enableWithReason(QAction* action, const QString& refusal)
{
    const QString base = action->property("baseToolTip").toString();
    action->setEnabled(refusal.isEmpty());
    action->setToolTip(refusal.isEmpty() ? base : refusal);
    action->setStatusTip(refusal.isEmpty() ? base : refusal);
}

} // namespace

MainWindow::MainWindow(AppContext& context, QWidget* parent)
    : QMainWindow(parent), m_context(context)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Ember — Volume Backups"));
    setWindowIcon(icon("ember"));
    m_backupModel.apply(*context.snapshot());

    createActions();
    createMenus();

    m_mainSplitter = new QSplitter(Qt::Vertical, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_topSplitter = new QSplitter(Qt::Horizontal, m_mainSplitter);
    m_topSplitter->setObjectName(QStringLiteral("topSplitter"));
    m_topSplitter->addWidget(createVolumePanel());
    m_topSplitter->addWidget(createChainPanel());
    m_topSplitter->setStretchFactor(0, 2);
    m_topSplitter->setStretchFactor(1, 3);
    m_mainSplitter->addWidget(m_topSplitter);
    m_mainSplitter->addWidget(createJobPanel());
    m_mainSplitter->setStretchFactor(0, 3);
    m_mainSplitter->setStretchFactor(1, 1);
    setCentralWidget(m_mainSplitter);
    m_catalogSummary = new QLabel(tr("Loading the catalog…"), this);
    m_catalogSummary->setObjectName(QStringLiteral("catalogSummary"));
    statusBar()->addPermanentWidget(m_catalogSummary);

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
        updateActions();
        updateJobLog();
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
    connect(&m_backupModel, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex& parent, int, int) {
                // New incrementals appear expanded under their parent.
                QModelIndex proxyParent = m_backupProxy->mapFromSource(parent);
                while (proxyParent.isValid()) {
                    m_backupView->expand(proxyParent);
                    proxyParent = proxyParent.parent();
                }
                QTimer::singleShot(0, m_backupView, &QTreeView::expandAll);
            });

    connect(&m_backupModel, &QAbstractItemModel::modelReset, m_backupView, &QTreeView::expandAll);

    restoreSettings();
    if (context.watcher().hasSnapshot())
        onSnapshotApplied();
    updateActions();
}

MainWindow::~MainWindow() = default;

// ---------------------------------------------------------------- building

void MainWindow::createActions()
{
    auto make = [this](const char* objectName, const QIcon& actionIcon, const QString& text,
                       const QKeySequence& shortcut, const QString& toolTip, auto slot) {
        auto* action = new QAction(actionIcon, text, this);
        action->setObjectName(QLatin1String(objectName));
        if (!shortcut.isEmpty())
            action->setShortcut(shortcut);
        action->setProperty("baseToolTip", toolTip);
        action->setToolTip(toolTip);
        action->setStatusTip(toolTip);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    m_addVolumeAction =
        make("addVolumeAction", icon("add-volume"), tr("&Add Volume…"), QKeySequence(tr("Ctrl+N")),
             tr("Register an image file or block device, or create a new image"),
             [this] { addVolume(); });
    m_addRbdImageAction =
        make("addRbdImageAction", icon("add-volume"), tr("Add &RBD Image…"), QKeySequence(),
             tr("Register an RBD image of a configured Ceph cluster as a volume"),
             [this] { openAddRbdImage(); });
    m_sampleVolumeAction =
        make("sampleVolumeAction", icon("sample"), tr("Create &Sample Volume"),
             QKeySequence(tr("Ctrl+Shift+N")),
             tr("Create a small image with recognisable content to try Ember on"),
             [this] { createSampleVolume(); });
    m_removeVolumeAction = make("removeVolumeAction", icon("remove-volume"), tr("&Remove Volume"),
                                QKeySequence(tr("Ctrl+Del")),
                                tr("Forget the selected volume (its data and backups stay)"),
                                [this] { removeVolume(); });
    m_resetVolumeStateAction =
        make("resetVolumeStateAction", icon("reset"), tr("Reset &Volume State…"), QKeySequence(),
             tr("Administrator: set a volume's status, e.g. after a failed restore left it "
                "error_restoring"),
             [this] { resetVolumeState(); });
    m_createBackupAction = make("createBackupAction", icon("backup"), tr("&Create Backup…"),
                                QKeySequence(tr("Ctrl+B")), tr("Back up the selected volume"),
                                [this] { createBackup(); });
    m_restoreAction =
        make("restoreAction", icon("restore"), tr("&Restore…"), QKeySequence(tr("Ctrl+R")),
             tr("Restore the selected backup"), [this] { restoreBackup(); });
    m_deleteAction = make("deleteBackupAction", icon("delete"), tr("&Delete Backup…"),
                          QKeySequence(QKeySequence::Delete), tr("Delete the selected backup"),
                          [this] { deleteBackup(false); });
    m_forceDeleteAction = make(
        "forceDeleteAction", icon("delete"), tr("&Force Delete…"), QKeySequence(tr("Shift+Del")),
        tr("Administrator: delete a backup stuck in any status"), [this] { deleteBackup(true); });
    m_verifyAction = make("verifyAction", icon("verify"), tr("&Verify"), QKeySequence(tr("Ctrl+Y")),
                          tr("Read the backup's chain and check every object and hash"),
                          [this] { verifyBackup(); });
    m_exportAction = make(
        "exportRecordAction", icon("export"), tr("&Export Record…"), QKeySequence(tr("Ctrl+E")),
        tr("Show the backup's record for Cinder's backup-import"), [this] { exportRecord(); });
    m_importAction = make("importRecordAction", icon("import"), tr("&Import Record…"),
                          QKeySequence(tr("Ctrl+I")), tr("Make a backup known from its record"),
                          [this] { importRecord(); });
    m_resetStateAction = make(
        "resetStateAction", icon("reset"), tr("Reset &State…"), QKeySequence(tr("Ctrl+Shift+R")),
        tr("Administrator: set a backup's status to available or error"), [this] { resetState(); });
    m_editAction =
        make("editBackupAction", icon("edit"), tr("&Edit Name and Description…"),
             QKeySequence(tr("F2")), tr("Rename the selected backup"), [this] { editBackup(); });
    m_refreshAction =
        make("refreshAction", icon("refresh"), tr("Re&fresh"), QKeySequence(QKeySequence::Refresh),
             tr("Read the catalog again"), [this] { m_context.watcher().refreshNow(); });
    m_cancelJobAction = make("cancelJobAction", icon("cancel"), tr("&Cancel Job…"),
                             QKeySequence(tr("Ctrl+Shift+X")), tr("Stop the selected job"),
                             [this] { cancelJob(); });
    m_clearJobsAction = make(
        "clearJobsAction", QIcon(), tr("C&lear Finished Jobs"), QKeySequence(tr("Ctrl+Shift+L")),
        tr("Remove finished jobs from the list"), [this] { m_context.runner().removeFinished(); });
    m_copyLogAction =
        make("copyLogAction", QIcon(), tr("Copy Job &Log"), QKeySequence(tr("Ctrl+Shift+C")),
             tr("Copy the selected job's log to the clipboard"), [this] { copyJobLog(); });
    m_backendsAction =
        make("backendsAction", icon("backends"), tr("&Backends…"), QKeySequence(tr("Ctrl+Shift+B")),
             tr("Add, edit, test and remove backends"), [this] { openBackends(); });
    m_settingsAction = make("settingsAction", icon("settings"), tr("&Settings…"),
                            QKeySequence(QKeySequence::Preferences), tr("Application settings"),
                            [this] { openSettings(); });
    m_quitAction = make("quitAction", QIcon(), tr("&Quit"), QKeySequence(QKeySequence::Quit),
                        tr("Quit Ember"), [this] { close(); });
    m_aboutAction = make(
        "aboutAction", QIcon(), tr("&About Ember"), QKeySequence(QKeySequence::HelpContents),
        tr("About Ember"), [this] {
            auto* box = new QMessageBox(
                QMessageBox::Information, tr("About Ember"),
                tr("<b>Ember %1</b><p>Backs up block volumes in OpenStack Cinder's formats.</p>"
                   "<p>Catalog: %2</p>")
                    .arg(QStringLiteral(EMBER_VERSION), m_context.catalogPath().toHtmlEscaped()),
                QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        });
    if (m_quitAction->shortcut().isEmpty())
        m_quitAction->setShortcut(QKeySequence(tr("Ctrl+Q")));
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_addVolumeAction);
    file->addAction(m_addRbdImageAction);
    file->addAction(m_sampleVolumeAction);
    file->addAction(m_removeVolumeAction);
    file->addAction(m_resetVolumeStateAction);
    file->addSeparator();
    file->addAction(m_importAction);
    file->addSeparator();
    file->addAction(m_backendsAction);
    file->addAction(m_settingsAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    m_backupMenu = menuBar()->addMenu(tr("&Backup"));
    m_backupMenu->setToolTipsVisible(true); // disabled entries say why
    m_backupMenu->addAction(m_createBackupAction);
    m_backupMenu->addAction(m_restoreAction);
    m_backupMenu->addAction(m_verifyAction);
    m_backupMenu->addSeparator();
    m_backupMenu->addAction(m_editAction);
    m_backupMenu->addAction(m_exportAction);
    m_backupMenu->addSeparator();
    m_backupMenu->addAction(m_deleteAction);
    QMenu* admin = m_backupMenu->addMenu(tr("&Administration"));
    admin->setToolTipsVisible(true);
    admin->addAction(m_forceDeleteAction);
    admin->addAction(m_resetStateAction);

    m_jobMenu = menuBar()->addMenu(tr("&Jobs"));
    m_jobMenu->setToolTipsVisible(true);
    m_jobMenu->addAction(m_cancelJobAction);
    m_jobMenu->addAction(m_copyLogAction);
    m_jobMenu->addAction(m_clearJobsAction);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_refreshAction);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);

    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
    toolbar->addAction(m_addVolumeAction);
    toolbar->addAction(m_createBackupAction);
    toolbar->addAction(m_restoreAction);
    toolbar->addAction(m_verifyAction);
    toolbar->addAction(m_deleteAction);
    toolbar->addSeparator();
    toolbar->addAction(m_cancelJobAction);
    toolbar->addSeparator();
    toolbar->addAction(m_refreshAction);
    toolbar->addAction(m_backendsAction);
    toolbar->addAction(m_settingsAction);

    m_volumeMenu = new QMenu(this);
    m_volumeMenu->setToolTipsVisible(true);
    m_volumeMenu->addAction(m_createBackupAction);
    m_volumeMenu->addSeparator();
    m_volumeMenu->addAction(m_addVolumeAction);
    m_volumeMenu->addAction(m_addRbdImageAction);
    m_volumeMenu->addAction(m_sampleVolumeAction);
    m_volumeMenu->addAction(m_removeVolumeAction);
    m_volumeMenu->addSeparator();
    m_volumeMenu->addAction(m_resetVolumeStateAction);
}

QWidget* MainWindow::createVolumePanel()
{
    auto* panel = new QWidget(this);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* title = new QLabel(tr("<b>Volumes</b>"), panel);
    layout->addWidget(title);
    m_volumeFilter = new QLineEdit(panel);
    m_volumeFilter->setObjectName(QStringLiteral("volumeFilter"));
    m_volumeFilter->setPlaceholderText(tr("Filter volumes (Ctrl+F)"));
    m_volumeFilter->setClearButtonEnabled(true);
    auto* focusFilter = new QAction(this);
    focusFilter->setShortcut(QKeySequence::Find);
    connect(focusFilter, &QAction::triggered, m_volumeFilter,
            [this] { m_volumeFilter->setFocus(); });
    addAction(focusFilter);
    layout->addWidget(m_volumeFilter);

    m_volumeStack = new QStackedWidget(panel);
    // Page 0: the first start, with nothing registered yet.
    auto* empty = new QWidget(m_volumeStack);
    empty->setObjectName(QStringLiteral("emptyVolumes"));
    auto* emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch();
    auto* welcome =
        new QLabel(tr("<h3>No volumes yet</h3><p>Register a disk image or block "
                      "device to back it up, or try Ember on a small sample volume.</p>"),
                   empty);
    welcome->setWordWrap(true);
    welcome->setAlignment(Qt::AlignCenter);
    emptyLayout->addWidget(welcome);
    auto* addButton = new QPushButton(icon("add-volume"), tr("Add a Volume…"), empty);
    addButton->setObjectName(QStringLiteral("addVolumeButton"));
    auto* sampleButton = new QPushButton(icon("sample"), tr("Create a Sample Volume"), empty);
    sampleButton->setObjectName(QStringLiteral("sampleVolumeButton"));
    connect(addButton, &QPushButton::clicked, m_addVolumeAction, &QAction::trigger);
    connect(sampleButton, &QPushButton::clicked, m_sampleVolumeAction, &QAction::trigger);
    for (QPushButton* button : {addButton, sampleButton}) {
        auto* row = new QHBoxLayout;
        row->addStretch();
        row->addWidget(button);
        row->addStretch();
        emptyLayout->addLayout(row);
    }
    emptyLayout->addStretch();
    m_volumeStack->addWidget(empty);

    m_volumeView = new QTableView(m_volumeStack);
    m_volumeView->setObjectName(QStringLiteral("volumeView"));
    m_volumeProxy = rawSortingProxy(&m_context.volumeModel(), this);
    m_volumeView->setModel(m_volumeProxy);
    m_volumeView->setSortingEnabled(true);
    m_volumeView->sortByColumn(VolumeModel::Name, Qt::AscendingOrder);
    m_volumeView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_volumeView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_volumeView->verticalHeader()->hide();
    m_volumeView->horizontalHeader()->setStretchLastSection(true);
    m_volumeView->horizontalHeader()->setSectionsMovable(true);
    m_volumeView->setAlternatingRowColors(true);
    m_volumeView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_volumeView->setColumnWidth(VolumeModel::Name, 120);
    m_volumeView->setColumnWidth(VolumeModel::Kind, 90);
    m_volumeView->setColumnWidth(VolumeModel::Path, 240);
    m_volumeView->setColumnWidth(VolumeModel::Size, 80);
    m_volumeView->setColumnWidth(VolumeModel::Status, 100);
    m_volumeView->setColumnWidth(VolumeModel::BackupCount, 70);
    m_volumeView->setWordWrap(false);
    m_volumeView->setTextElideMode(Qt::ElideMiddle);
    connect(m_volumeView, &QWidget::customContextMenuRequested, this,
            [this](const QPoint& position) {
                m_volumeMenu->popup(m_volumeView->viewport()->mapToGlobal(position));
            });
    m_volumeStack->addWidget(m_volumeView);
    m_volumeStack->setCurrentIndex(1);
    layout->addWidget(m_volumeStack);

    connect(m_volumeFilter, &QLineEdit::textChanged, m_volumeProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_volumeView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::onVolumeSelectionChanged);
    return panel;
}

QWidget* MainWindow::createChainPanel()
{
    m_chainSplitter = new QSplitter(Qt::Vertical, this);
    m_chainSplitter->setObjectName(QStringLiteral("chainSplitter"));
    auto* top = new QWidget(m_chainSplitter);
    auto* layout = new QVBoxLayout(top);
    layout->setContentsMargins(4, 4, 4, 4);
    m_chainTitle = new QLabel(tr("<b>Backup chains</b>"), top);
    layout->addWidget(m_chainTitle);
    m_backupFilter = new QLineEdit(top);
    m_backupFilter->setObjectName(QStringLiteral("backupFilter"));
    m_backupFilter->setPlaceholderText(tr("Filter backups"));
    m_backupFilter->setClearButtonEnabled(true);
    layout->addWidget(m_backupFilter);

    m_backupView = new QTreeView(top);
    m_backupView->setObjectName(QStringLiteral("backupView"));
    m_backupProxy = rawSortingProxy(&m_backupModel, this);
    m_backupView->setModel(m_backupProxy);
    m_backupView->setSortingEnabled(true);
    m_backupView->sortByColumn(BackupTreeModel::Created, Qt::AscendingOrder);
    m_backupView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_backupView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_backupView->setAlternatingRowColors(true);
    m_backupView->setUniformRowHeights(true);
    m_backupView->setAllColumnsShowFocus(true);
    m_backupView->header()->setSectionsMovable(true);
    m_backupView->setColumnWidth(BackupTreeModel::Name, 200);
    m_backupView->setColumnWidth(BackupTreeModel::Status, 110);
    m_backupView->setColumnWidth(BackupTreeModel::Size, 60);
    m_backupView->setColumnWidth(BackupTreeModel::Stored, 90);
    m_backupView->setColumnWidth(BackupTreeModel::Incremental, 150);
    m_backupView->setColumnWidth(BackupTreeModel::ObjectCount, 60);
    m_backupView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_backupView, &QWidget::customContextMenuRequested, this,
            [this](const QPoint& position) {
                m_backupMenu->popup(m_backupView->viewport()->mapToGlobal(position));
            });
    connect(m_backupView, &QTreeView::doubleClicked, this, [this] {
        if (m_restoreAction->isEnabled())
            m_restoreAction->trigger();
    });
    layout->addWidget(m_backupView);
    connect(m_backupFilter, &QLineEdit::textChanged, m_backupProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_backupView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateActions();
        updateDetails();
    });
    connect(m_backupProxy, &QAbstractItemModel::dataChanged, this, [this] { updateDetails(); });

    m_details = new QTextBrowser(m_chainSplitter);
    m_details->setObjectName(QStringLiteral("details"));
    m_details->setOpenLinks(false);
    m_chainSplitter->addWidget(top);
    m_chainSplitter->addWidget(m_details);
    m_chainSplitter->setStretchFactor(0, 3);
    m_chainSplitter->setStretchFactor(1, 2);
    return m_chainSplitter;
}

QWidget* MainWindow::createJobPanel()
{
    m_jobSplitter = new QSplitter(Qt::Horizontal, this);
    m_jobSplitter->setObjectName(QStringLiteral("jobSplitter"));
    auto* left = new QWidget(m_jobSplitter);
    auto* layout = new QVBoxLayout(left);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* header = new QHBoxLayout;
    m_jobSummary = new QLabel(tr("<b>Jobs</b>"), left);
    header->addWidget(m_jobSummary);
    header->addStretch();
    m_cancelJobButton = new QPushButton(icon("cancel"), tr("Cancel Job"), left);
    m_cancelJobButton->setObjectName(QStringLiteral("cancelJobButton"));
    connect(m_cancelJobButton, &QPushButton::clicked, m_cancelJobAction, &QAction::trigger);
    header->addWidget(m_cancelJobButton);
    auto* clear = new QPushButton(tr("Clear Finished"), left);
    connect(clear, &QPushButton::clicked, m_clearJobsAction, &QAction::trigger);
    header->addWidget(clear);
    layout->addLayout(header);

    m_jobView = new QTableView(left);
    m_jobView->setObjectName(QStringLiteral("jobView"));
    m_jobView->setModel(&m_context.jobModel());
    m_jobView->setItemDelegateForColumn(JobModel::ProgressBar, new ProgressDelegate(m_jobView));
    m_jobView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_jobView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_jobView->verticalHeader()->hide();
    m_jobView->horizontalHeader()->setStretchLastSection(true);
    m_jobView->horizontalHeader()->setSectionsMovable(true);
    m_jobView->setColumnWidth(JobModel::Title, 220);
    m_jobView->setColumnWidth(JobModel::ProgressBar, 140);
    m_jobView->setColumnWidth(JobModel::Transferred, 150);
    m_jobView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_jobView, &QWidget::customContextMenuRequested, this, [this](const QPoint& position) {
        m_jobMenu->popup(m_jobView->viewport()->mapToGlobal(position));
    });
    connect(m_jobView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateActions();
        updateJobLog();
    });
    connect(&m_context.jobModel(), &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex&, int, int last) {
                // Follow the newest job unless the user is looking at another.
                if (!m_jobView->selectionModel()->hasSelection())
                    m_jobView->selectRow(last);
            });
    layout->addWidget(m_jobView);

    m_jobLog = new QPlainTextEdit(m_jobSplitter);
    m_jobLog->setObjectName(QStringLiteral("jobLog"));
    m_jobLog->setReadOnly(true);
    m_jobLog->setPlaceholderText(tr("The selected job's log"));
    m_jobSplitter->addWidget(left);
    m_jobSplitter->addWidget(m_jobLog);
    m_jobSplitter->setStretchFactor(0, 3);
    m_jobSplitter->setStretchFactor(1, 1);
    return m_jobSplitter;
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
    m_chainSplitter->restoreState(settings.value(QStringLiteral("chainSplitter")).toByteArray());
    m_jobSplitter->restoreState(settings.value(QStringLiteral("jobSplitter")).toByteArray());
    m_volumeView->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("volumeColumns")).toByteArray());
    m_backupView->header()->restoreState(
        settings.value(QStringLiteral("backupColumns")).toByteArray());
    m_jobView->horizontalHeader()->restoreState(
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
    settings.setValue(QStringLiteral("chainSplitter"), m_chainSplitter->saveState());
    settings.setValue(QStringLiteral("jobSplitter"), m_jobSplitter->saveState());
    settings.setValue(QStringLiteral("volumeColumns"),
                      m_volumeView->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("backupColumns"), m_backupView->header()->saveState());
    settings.setValue(QStringLiteral("jobColumns"), m_jobView->horizontalHeader()->saveState());
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
    const bool empty = m_context.volumeModel().rowCount() == 0;
    m_volumeStack->setCurrentIndex(empty ? 0 : 1);
    m_catalogSummary->setText(tr("%n volume(s), %1 backups; catalog read in %2 ms", "",
                                 static_cast<int>(snapshot->volumes.size()))
                                  .arg(snapshot->backups.size())
                                  .arg(snapshot->loadMilliseconds));
    if (!m_restoredSelection) {
        m_restoredSelection = true;
        bool any = false;
        for (const QString& id : std::as_const(m_pendingVolumeSelection))
            any = selectVolume(id) || any;
        if (!any && m_volumeProxy->rowCount() > 0)
            m_volumeView->selectRow(0);
        if (!m_pendingBackupSelection.isEmpty())
            selectBackup(m_pendingBackupSelection);
    } else if (!m_volumeView->selectionModel()->hasSelection() && m_volumeProxy->rowCount() == 1) {
        m_volumeView->selectRow(0); // the first volume just added
    }
    updateActions();
    updateDetails();
}

void MainWindow::onVolumeSelectionChanged()
{
    const QStringList ids = selectedVolumeIds();
    m_backupModel.setVolumes(QSet<QString>(ids.begin(), ids.end()));
    m_backupView->expandAll();
    if (ids.size() == 1) {
        const auto volume = currentVolume();
        m_chainTitle->setText(tr("<b>Backup chains of %1</b>")
                                  .arg(volume ? volume->name.toHtmlEscaped() : QString()));
    } else {
        m_chainTitle->setText(
            tr("<b>Backup chains of %n volume(s)</b>", "", static_cast<int>(ids.size())));
    }
    m_backupView->setColumnHidden(BackupTreeModel::VolumeName, ids.size() <= 1);
    updateActions();
    updateDetails();
}

QStringList MainWindow::selectedVolumeIds() const
{
    QStringList ids;
    for (const QModelIndex& index : m_volumeView->selectionModel()->selectedRows())
        ids.append(index.data(IdRole).toString());
    return ids;
}

std::optional<Volume> MainWindow::currentVolume() const
{
    const QStringList ids = selectedVolumeIds();
    if (ids.size() != 1)
        return std::nullopt;
    return m_context.snapshot()->volume(ids.first());
}

std::optional<Backup> MainWindow::currentBackup() const
{
    const QModelIndex index = m_backupView->currentIndex();
    if (!index.isValid() ||
        !m_backupView->selectionModel()->isRowSelected(index.row(), index.parent()))
        return std::nullopt;
    // The snapshot's row is the freshest.
    return m_context.snapshot()->backup(index.data(IdRole).toString());
}

std::optional<JobInfo> MainWindow::currentJob() const
{
    const QModelIndex index = m_jobView->currentIndex();
    if (!index.isValid())
        return std::nullopt;
    const JobInfo* job = m_context.runner().job(index.data(IdRole).toULongLong());
    return job ? std::optional<JobInfo>(*job) : std::nullopt;
}

bool MainWindow::selectVolume(const QString& volumeId)
{
    const int row = m_context.volumeModel().rowOf(volumeId);
    if (row < 0)
        return false;
    const QModelIndex index = m_volumeProxy->mapFromSource(m_context.volumeModel().index(row, 0));
    if (!index.isValid())
        return false;
    m_volumeView->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                      QItemSelectionModel::Rows);
    m_volumeView->setCurrentIndex(index);
    return true;
}

bool MainWindow::selectBackup(const QString& backupId)
{
    const QModelIndex index = m_backupProxy->mapFromSource(m_backupModel.indexOf(backupId));
    if (!index.isValid())
        return false;
    m_backupView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                               QItemSelectionModel::Rows);
    m_backupView->scrollTo(index);
    return true;
}

bool MainWindow::selectJob(quint64 jobId)
{
    const int row = m_context.runner().indexOf(jobId);
    if (row < 0)
        return false;
    m_jobView->selectRow(row);
    return true;
}

QString MainWindow::deleteRefusal(bool force) const
{
    const auto backup = currentBackup();
    if (!backup)
        return tr("Select a backup first.");
    const auto snapshot = m_context.snapshot();
    const QList<Backup> children = snapshot->childrenOf(backup->id);
    const QString verdict = ChainRules::canDelete(*backup, children, force);
    if (verdict.isEmpty())
        return {};
    if (!children.isEmpty()) {
        QStringList names;
        for (const Backup& child : children)
            names.append(child.displayName.isEmpty() ? child.name() : child.displayName);
        return tr("%n incremental backup(s) depend on this one (%1): delete them first.", "",
                  static_cast<int>(children.size()))
            .arg(names.join(QStringLiteral(", ")));
    }
    return verdict;
}

void MainWindow::updateActions()
{
    const auto snapshot = m_context.snapshot();
    const auto volume = currentVolume();
    const auto backup = currentBackup();
    const bool loaded = m_context.watcher().hasSnapshot();

    auto volumeBusy = [&](const QString& volumeId) -> QString {
        if (m_context.runner().isVolumeBusy(volumeId))
            return tr("A job of this window runs on the volume; wait for it to finish.");
        if (const auto job = snapshot->runningJobOn(volumeId))
            return tr("The volume is busy: %1 running since %2 (process %3).")
                .arg(job->operation, formatTime(job->startedAt))
                .arg(job->pid);
        return {};
    };

    enableWithReason(m_addVolumeAction, loaded ? QString() : tr("The catalog is still loading."));
    enableWithReason(m_addRbdImageAction, loaded ? QString() : tr("The catalog is still loading."));
    enableWithReason(m_sampleVolumeAction,
                     loaded ? QString() : tr("The catalog is still loading."));
    enableWithReason(m_importAction, loaded ? QString() : tr("The catalog is still loading."));

    QString volumeRefusal;
    if (!volume)
        volumeRefusal = selectedVolumeIds().size() > 1 ? tr("Select only one volume.")
                                                       : tr("Select a volume first.");
    QString removeRefusal = volumeRefusal;
    if (removeRefusal.isEmpty())
        removeRefusal = volumeBusy(volume->id);
    enableWithReason(m_removeVolumeAction, removeRefusal);
    // The same refusal: the service refuses it while a job runs on the volume.
    enableWithReason(m_resetVolumeStateAction, removeRefusal);

    QString backupCreateRefusal = volumeRefusal;
    if (backupCreateRefusal.isEmpty())
        backupCreateRefusal = volumeBusy(volume->id);
    if (backupCreateRefusal.isEmpty()) {
        // In-use volumes are allowed here: the dialog explains Force.
        backupCreateRefusal = ChainRules::canBackup(*volume, true);
    }
    if (backupCreateRefusal.isEmpty() && snapshot->backends.isEmpty())
        backupCreateRefusal = tr("Configure a backend first.");
    enableWithReason(m_createBackupAction, backupCreateRefusal);

    const QString noBackup = tr("Select a backup first.");
    auto needsAvailable = [&](const QString& what) -> QString {
        if (!backup)
            return noBackup;
        if (backup->status != BackupStatus::Available)
            return tr("Only available backups can be %1; this one is %2.")
                .arg(what, statusText(backup->status));
        return {};
    };
    QString restoreRefusal = needsAvailable(tr("restored"));
    enableWithReason(m_restoreAction, restoreRefusal);
    enableWithReason(m_verifyAction, needsAvailable(tr("verified")));
    enableWithReason(m_exportAction, needsAvailable(tr("exported")));

    QString deleteText = deleteRefusal(false);
    if (deleteText.isEmpty() && backup)
        deleteText = volumeBusy(backup->volumeId);
    enableWithReason(m_deleteAction, deleteText);
    enableWithReason(m_forceDeleteAction, deleteRefusal(true));
    enableWithReason(m_editAction, backup ? QString() : noBackup);
    enableWithReason(m_resetStateAction, backup ? QString() : noBackup);

    const auto job = currentJob();
    QString cancelRefusal;
    if (!job)
        cancelRefusal = tr("Select a job first.");
    else if (isFinished(job->state))
        cancelRefusal = tr("This job has finished.");
    else if (job->state == JobState::Cancelling)
        cancelRefusal = tr("The job is being cancelled.");
    enableWithReason(m_cancelJobAction, cancelRefusal);
    m_cancelJobButton->setEnabled(cancelRefusal.isEmpty());
    m_cancelJobButton->setToolTip(cancelRefusal);
    enableWithReason(m_copyLogAction, job ? QString() : tr("Select a job first."));

    const int active = m_context.runner().activeCount();
    m_jobSummary->setText(active > 0 ? tr("<b>Jobs</b> — %n active", "", active)
                                     : tr("<b>Jobs</b>"));
}

void MainWindow::updateDetails()
{
    const auto backup = currentBackup();
    const auto snapshot = m_context.snapshot();
    if (!backup) {
        const auto volume = currentVolume();
        if (volume) {
            const ChainRules::ParentChoice parent =
                ChainRules::chooseParent(snapshot->backupsOf(volume->id));
            QString text = tr("<h3>%1</h3><p>%2<br>%3, %4</p>")
                               .arg(volume->name.toHtmlEscaped(), volume->path.toHtmlEscaped(),
                                    formatBytes(volume->sizeBytes), statusText(volume->status));
            if (parent.parent && parent.refusal.isEmpty())
                text += tr("<p>The next incremental backup will build on %1.</p>")
                            .arg(backupLabel(*parent.parent).toHtmlEscaped());
            else if (!parent.refusal.isEmpty())
                text += tr("<p>Incremental backups: %1</p>").arg(parent.refusal.toHtmlEscaped());
            text += tr("<p>Select a backup to see its details.</p>");
            m_details->setHtml(text);
        } else {
            m_details->setHtml(tr("<p>Select a volume to see its backup chains.</p>"));
        }
        return;
    }
    QString html = backupDetailsHtml(*backup, *snapshot);
    // Explain every refusal before the user tries.
    QStringList refusals;
    for (QAction* action : {m_restoreAction, m_deleteAction, m_verifyAction, m_exportAction}) {
        if (!action->isEnabled())
            refusals.append(
                QStringLiteral("<li><b>%1</b>: %2</li>")
                    .arg(action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")),
                         action->toolTip().toHtmlEscaped()));
    }
    if (!refusals.isEmpty())
        html += tr("<p><b>Not possible now:</b></p><ul>%1</ul>").arg(refusals.join(QString()));
    m_details->setHtml(html);
}

void MainWindow::updateJobLog()
{
    const auto job = currentJob();
    const QString text = job ? job->log.join(QLatin1Char('\n')) : QString();
    if (m_jobLog->toPlainText() != text) {
        m_jobLog->setPlainText(text);
        m_jobLog->moveCursor(QTextCursor::End);
    }
}

// ---------------------------------------------------------------- helpers

void MainWindow::showError(const QString& title, const QString& message)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::confirm(const QString& title, const QString& text, const QString& acceptText,
                         std::function<void()> onAccept)
{
    auto* box = new QMessageBox(QMessageBox::Question, title, text, QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* yes = box->addButton(acceptText, QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [yes, onAccept](QAbstractButton* button) {
        if (button == yes)
            onAccept();
    });
    box->open();
}

// ---------------------------------------------------------------- volumes

AddVolumeDialog* MainWindow::openAddVolume()
{
    auto* dialog = new AddVolumeDialog(QDir::homePath(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const bool create = dialog->createsNewImage();
        const QString path = dialog->path();
        const QString name = dialog->name();
        const qint64 size = dialog->sizeBytes();
        m_context.runQuick(
            this,
            [=](BackupService& service) {
                const Volume volume =
                    create ? service.createVolume(path, size, name) : service.addVolume(path, name);
                return QVariant(volume.id);
            },
            [this](const QVariant& id, const QString& error) {
                volumeAdded(tr("Add Volume"), id.toString(), error);
            });
    });
    dialog->open();
    return dialog;
}

// Selects a volume just added once the catalog watcher shows it (or says why
// adding failed).
void MainWindow::volumeAdded(const QString& title, const QString& volumeId, const QString& error)
{
    if (!error.isEmpty())
        return showError(title, error);
    m_pendingVolumeSelection = {volumeId};
    if (!selectVolume(volumeId))
        connect(
            &m_context, &AppContext::snapshotApplied, this,
            [this, volumeId] { selectVolume(volumeId); }, Qt::SingleShotConnection);
}

RbdBrowserDialog* MainWindow::openAddRbdImage()
{
    auto* dialog =
        new RbdBrowserDialog(m_context.snapshot()->backends, m_context.secretProvider(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QString backend = dialog->backendName();
        const QString path = dialog->poolSlashImage();
        const QString name = dialog->name();
        m_context.runQuick(
            this,
            [=](BackupService& service) {
                return QVariant(service.addRbdVolume(backend, path, name).id);
            },
            [this](const QVariant& id, const QString& error) {
                volumeAdded(tr("Add RBD Image"), id.toString(), error);
            });
    });
    dialog->open();
    return dialog;
}

void MainWindow::addVolume()
{
    openAddVolume();
}

void MainWindow::createSampleVolume(const QString& wantedName)
{
    const QString directory = QDir(defaultDataDirectory()).filePath(QStringLiteral("volumes"));
    m_context.runQuick(
        this,
        [directory, wantedName](BackupService& service) {
            QDir().mkpath(directory);
            QString name = wantedName;
            QString path;
            for (int number = 1;; ++number) {
                if (wantedName.isEmpty())
                    name = number == 1 ? QStringLiteral("sample")
                                       : QStringLiteral("sample-%1").arg(number);
                path = QDir(directory).filePath(name + QStringLiteral(".img"));
                if (!QFile::exists(path) || !wantedName.isEmpty())
                    break;
            }
            // 64 MiB: a readable text header in every MiB, counters, and holes,
            // so a restored copy is easy to recognise (e.g. with `strings`).
            constexpr qint64 mebibyte = 1 << 20;
            constexpr int mebibytes = 64;
            QFile file(path);
            if (file.exists())
                throw Error(MainWindow::tr("%1 already exists.").arg(path));
            if (!file.open(QIODevice::WriteOnly))
                throw Error(MainWindow::tr("Cannot create %1: %2").arg(path, file.errorString()));
            for (int block = 0; block < mebibytes; ++block) {
                if (block % 4 == 3)
                    continue; // leave a hole
                QByteArray chunk;
                chunk.reserve(64 * 1024);
                const QByteArray line = QStringLiteral("Ember sample volume %1 — MiB %2 of %3\n")
                                            .arg(name)
                                            .arg(block)
                                            .arg(mebibytes)
                                            .toUtf8();
                while (chunk.size() + line.size() <= 64 * 1024)
                    chunk.append(line);
                chunk.resize(64 * 1024, '\n');
                file.seek(block * mebibyte);
                if (file.write(chunk) != chunk.size())
                    throw Error(
                        MainWindow::tr("Cannot write %1: %2").arg(path, file.errorString()));
            }
            file.resize(mebibytes * mebibyte);
            file.close();
            return QVariant(service.addVolume(path, name).id);
        },
        [this](const QVariant& id, const QString& error) {
            if (!error.isEmpty())
                return showError(tr("Create Sample Volume"), error);
            if (!selectVolume(id.toString()))
                connect(
                    &m_context, &AppContext::snapshotApplied, this,
                    [this, volumeId = id.toString()] { selectVolume(volumeId); },
                    Qt::SingleShotConnection);
            statusBar()->showMessage(tr("Sample volume created: back it up with Create Backup."),
                                     10000);
        });
}

void MainWindow::removeVolume()
{
    const auto volume = currentVolume();
    if (!volume)
        return;
    const int backups = static_cast<int>(m_context.snapshot()->backupsOf(volume->id).size());
    confirm(tr("Remove Volume"),
            tr("Remove %1 (%2) from Ember? The volume's data is not touched. It has %n backup(s).",
               "", backups)
                .arg(volume->name, volume->path),
            tr("Remove"), [this, id = volume->id] {
                m_context.runQuick(
                    this,
                    [id](BackupService& service) {
                        service.removeVolume(id);
                        return QVariant();
                    },
                    [this](const QVariant&, const QString& error) {
                        if (!error.isEmpty())
                            showError(tr("Remove Volume"), error);
                    });
            });
}

VolumeResetStateDialog* MainWindow::openResetVolumeState()
{
    const auto volume = currentVolume();
    if (!volume || !m_resetVolumeStateAction->isEnabled())
        return nullptr;
    auto* dialog = new VolumeResetStateDialog(*volume, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, id = volume->id] {
        const QString state = dialog->state();
        m_context.runQuick(
            this,
            [id, state](BackupService& service) {
                service.resetVolumeState(id, state);
                return QVariant();
            },
            [this](const QVariant&, const QString& error) {
                if (!error.isEmpty())
                    showError(tr("Reset Volume State"), error);
            });
    });
    dialog->open();
    return dialog;
}

void MainWindow::resetVolumeState()
{
    openResetVolumeState();
}

// ---------------------------------------------------------------- backups

CreateBackupDialog* MainWindow::openCreateBackup()
{
    const auto volume = currentVolume();
    if (!volume || !m_createBackupAction->isEnabled())
        return nullptr;
    auto* dialog = new CreateBackupDialog(*volume, m_context.snapshot(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { submitBackup(dialog->request()); });
    dialog->open();
    return dialog;
}

void MainWindow::createBackup()
{
    openCreateBackup();
}

quint64 MainWindow::submitBackup(const CreateBackupRequest& request)
{
    const auto volume = m_context.snapshot()->volume(request.volume);
    JobSpec spec;
    spec.kind = QStringLiteral("backup");
    spec.volumeId = volume ? volume->id : request.volume;
    spec.volumeName = volume ? volume->name : request.volume;
    spec.title = request.incremental ? tr("Incremental backup of %1").arg(spec.volumeName)
                                     : tr("Full backup of %1").arg(spec.volumeName);
    spec.work = [request](BackupService& service, OperationControl& control) {
        BackupService::PreparedBackup prepared = service.prepareBackup(request);
        control.log(
            tr("backup %1 on backend %2%3")
                .arg(prepared.backup.id, prepared.backend.name,
                     prepared.parent ? tr(", parent %1").arg(prepared.parent->id) : QString()));
        const Backup done = service.runBackup(prepared, control);
        return tr("backup %1 available: %2 objects, %3 stored")
            .arg(done.id.left(8))
            .arg(done.objectCount)
            .arg(formatBytes(done.storedBytes));
    };
    return m_context.runner().submit(std::move(spec));
}

RestoreDialog* MainWindow::openRestore()
{
    const auto backup = currentBackup();
    if (!backup || !m_restoreAction->isEnabled())
        return nullptr;
    auto* dialog =
        new RestoreDialog(*backup, m_context.snapshot(),
                          QDir(defaultDataDirectory()).filePath(QStringLiteral("volumes")), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { submitRestore(dialog->request()); });
    dialog->open();
    return dialog;
}

void MainWindow::restoreBackup()
{
    openRestore();
}

quint64 MainWindow::submitRestore(const RestoreRequest& request)
{
    const auto snapshot = m_context.snapshot();
    const auto backup = snapshot->backup(request.backup);
    const auto target = snapshot->volume(request.targetVolume);
    JobSpec spec;
    spec.kind = QStringLiteral("restore");
    spec.backupId = request.backup;
    spec.volumeId = target ? target->id : QString();
    spec.volumeName = target ? target->name : request.newVolumeName;
    spec.title =
        tr("Restore %1 to %2").arg(backup ? backupLabel(*backup) : request.backup, spec.volumeName);
    spec.work = [request](BackupService& service, OperationControl& control) {
        BackupService::PreparedRestore prepared = service.prepareRestore(request);
        control.log(tr("restoring a chain of %n backup(s) into %1", "",
                       static_cast<int>(prepared.chain.size()))
                        .arg(prepared.target.path));
        try {
            const Volume target = service.runRestore(prepared, control);
            return tr("restored into %1 (%2)").arg(target.name, target.path);
        } catch (const Cancelled& cancelled) {
            control.log(cancelled.message()); // what happened to the new volume
            throw;
        } catch (const Error& error) {
            if (prepared.targetIsNew)
                throw; // the message says the new volume was removed
            QString message = error.message();
            if (message.endsWith(QLatin1Char('.')))
                message.chop(1);
            throw Error(tr("%1. Volume %2 is now “error restoring”: restore into it again, or "
                           "check its data and use Reset Volume State.")
                            .arg(message, prepared.target.name));
        }
    };
    return m_context.runner().submit(std::move(spec));
}

void MainWindow::deleteBackup(bool force)
{
    const auto backup = currentBackup();
    if (!backup || !deleteRefusal(force).isEmpty())
        return;
    const auto volume = m_context.snapshot()->volume(backup->volumeId);
    QString text = tr("Delete backup %1 of volume %2 (%3 objects on backend %4)? Its data is "
                      "removed from the backend; this cannot be undone.")
                       .arg(backupLabel(*backup), volume ? volume->name : backup->volumeId)
                       .arg(backup->objectCount)
                       .arg(backup->backendName);
    if (force)
        text += QLatin1Char('\n') +
                tr("Force delete ignores the status “%1”; a backup still being written is "
                   "stopped and its objects removed.")
                    .arg(statusText(backup->status));
    confirm(force ? tr("Force Delete Backup") : tr("Delete Backup"), text,
            force ? tr("Force Delete") : tr("Delete"),
            [this, id = backup->id, force] { submitDelete(id, force); });
}

quint64 MainWindow::submitDelete(const QString& backupId, bool force)
{
    const auto backup = m_context.snapshot()->backup(backupId);
    const auto volume = backup ? m_context.snapshot()->volume(backup->volumeId) : std::nullopt;
    JobSpec spec;
    spec.kind = QStringLiteral("delete");
    spec.backupId = backupId;
    // A force delete must be able to stop a running backup of the volume,
    // so it does not wait behind it.
    spec.volumeId = force ? QString() : (backup ? backup->volumeId : QString());
    spec.volumeName = volume ? volume->name : QString();
    spec.title = (force ? tr("Force delete %1") : tr("Delete %1"))
                     .arg(backup ? backupLabel(*backup) : backupId);
    spec.work = [backupId, force](BackupService& service, OperationControl& control) {
        service.deleteBackup(backupId, force, control);
        return tr("backup %1 deleted").arg(backupId.left(8));
    };
    return m_context.runner().submit(std::move(spec));
}

void MainWindow::verifyBackup()
{
    if (const auto backup = currentBackup())
        submitVerify(backup->id);
}

quint64 MainWindow::submitVerify(const QString& backupId)
{
    const auto backup = m_context.snapshot()->backup(backupId);
    const auto volume = backup ? m_context.snapshot()->volume(backup->volumeId) : std::nullopt;
    JobSpec spec;
    spec.kind = QStringLiteral("verify");
    spec.backupId = backupId;
    spec.volumeName = volume ? volume->name : QString();
    spec.title = tr("Verify %1").arg(backup ? backupLabel(*backup) : backupId);
    spec.work = [backupId](BackupService& service, OperationControl& control) {
        const VerifyReport report = service.verifyBackup(backupId, control);
        for (const QString& problem : report.problems)
            control.log(problem);
        if (!report.problems.isEmpty())
            throw Error(tr("%n problem(s) found: %1", "", static_cast<int>(report.problems.size()))
                            .arg(report.problems.first()));
        return tr("intact: %1 objects, %2 blocks, %3 checked")
            .arg(report.objectsChecked)
            .arg(report.blocksChecked)
            .arg(formatBytes(report.bytesChecked));
    };
    return m_context.runner().submit(std::move(spec));
}

void MainWindow::exportRecord()
{
    const auto backup = currentBackup();
    if (!backup)
        return;
    m_context.runQuick(
        this,
        [id = backup->id](BackupService& service) {
            const BackupRecord record = service.exportBackup(id);
            return QVariant(QStringList{record.backupService, record.backupUrl});
        },
        [this, backup = *backup](const QVariant& result, const QString& error) {
            if (!error.isEmpty())
                return showError(tr("Export Record"), error);
            const QStringList parts = result.toStringList();
            auto* dialog = new ExportRecordDialog(backup, {parts.value(0), parts.value(1)}, this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->open();
        });
}

void MainWindow::importRecord()
{
    auto* dialog = new ImportRecordDialog(m_context.snapshot(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const BackupRecord record = dialog->record();
        const QString backend = dialog->backendName();
        m_context.runQuick(
            this,
            [record, backend](BackupService& service) {
                return QVariant(service.importBackup(record, backend).id);
            },
            [this](const QVariant& id, const QString& error) {
                if (!error.isEmpty())
                    return showError(tr("Import Record"), error);
                statusBar()->showMessage(tr("Imported backup %1.").arg(id.toString()), 10000);
            });
    });
    dialog->open();
}

void MainWindow::resetState()
{
    const auto backup = currentBackup();
    if (!backup)
        return;
    auto* dialog = new ResetStateDialog(*backup, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, id = backup->id] {
        const QString state = dialog->state();
        const QString refusal = ChainRules::canResetState(state);
        if (!refusal.isEmpty())
            return showError(tr("Reset State"), refusal);
        m_context.runQuick(
            this,
            [id, state](BackupService& service) {
                service.resetState(id, state);
                return QVariant();
            },
            [this](const QVariant&, const QString& error) {
                if (!error.isEmpty())
                    showError(tr("Reset State"), error);
            });
    });
    dialog->open();
}

void MainWindow::editBackup()
{
    const auto backup = currentBackup();
    if (!backup)
        return;
    auto* dialog = new EditBackupDialog(*backup, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, id = backup->id] {
        const QString name = dialog->name();
        const QString description = dialog->description();
        m_context.runQuick(
            this,
            [id, name, description](BackupService& service) {
                service.updateBackup(id, name, description);
                return QVariant();
            },
            [this](const QVariant&, const QString& error) {
                if (!error.isEmpty())
                    showError(tr("Edit Backup"), error);
            });
    });
    dialog->open();
}

// ---------------------------------------------------------------- jobs

void MainWindow::cancelJob()
{
    const auto job = currentJob();
    if (!job || isFinished(job->state))
        return;
    if (job->state == JobState::Queued) {
        m_context.runner().cancel(job->id);
        return;
    }
    confirm(tr("Cancel Job"),
            tr("Stop “%1”? What it wrote so far is removed and the catalog keeps the state "
               "from before.")
                .arg(job->title),
            tr("Stop Job"), [this, id = job->id] { m_context.runner().cancel(id); });
}

void MainWindow::copyJobLog()
{
    const auto job = currentJob();
    if (!job)
        return;
    QStringList lines{job->title, jobStateText(job->state) + QStringLiteral(": ") + job->outcome};
    lines.append(job->log);
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
    statusBar()->showMessage(tr("Job log copied."), 3000);
}

// ---------------------------------------------------------------- settings, backends

SettingsDialog* MainWindow::openSettings()
{
    auto* dialog = new SettingsDialog(m_context.snapshot(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        setMaxConcurrentJobs(dialog->maxConcurrentJobs());
        m_context.runner().setMaxConcurrent(dialog->maxConcurrentJobs());
        if (dialog->language() != languageSetting()) {
            setLanguageSetting(dialog->language());
            installTranslators(effectiveLanguage());
            Q_EMIT languageChangeRequested();
        }
        if (const auto backend = dialog->changedBackend()) {
            m_context.runQuick(
                this,
                [config = *backend](BackupService& service) {
                    service.catalog().upsertBackend(config);
                    return QVariant();
                },
                [this](const QVariant&, const QString& error) {
                    if (!error.isEmpty())
                        showError(tr("Settings"), error);
                });
        }
    });
    dialog->open();
    return dialog;
}

BackendsDialog* MainWindow::openBackends()
{
    auto* dialog = new BackendsDialog(m_context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
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
