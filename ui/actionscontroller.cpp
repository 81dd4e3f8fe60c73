#include "actionscontroller.h"

#include "appsettings.h"
#include "backendregistry.h"
#include "backendwizard.h"
#include "backupdialogs.h"
#include "backuptreemodel.h"
#include "chainpanel.h"
#include "chainrules.h"
#include "clouddialogs.h"
#include "itemroles.h"
#include "jobpanel.h"
#include "keysdialog.h"
#include "panelsupport.h"
#include "rbdbrowser.h"
#include "retentiondialogs.h"
#include "settingsdialog.h"
#include "source.h"
#include "statusstyle.h"
#include "volumedialogs.h"
#include "volumepanel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QWidget>

namespace ember::ui {

namespace {

// Enables the action, or disables it with the reason as its tooltip.
void enableWithReason(QAction* action, const QString& refusal)
{
    const QString base = action->property("baseToolTip").toString();
    action->setEnabled(refusal.isEmpty());
    action->setToolTip(refusal.isEmpty() ? base : refusal);
    action->setStatusTip(refusal.isEmpty() ? base : refusal);
}

} // namespace

ActionsController::ActionsController(AppContext& context, QWidget* window, VolumePanel* volumes,
                                     ChainPanel* chains, JobPanel* jobs)
    : QObject(window), m_context(context), m_window(window), m_volumes(volumes), m_chains(chains),
      m_jobs(jobs)
{
    m_local = new LocalSource(&m_context.watcher(), this);
    m_local->setJobRunner(&m_context.runner());
    m_local->setSecretProvider(m_context.secretProvider());
    createActions();
    connect(m_chains, &ChainPanel::backupActivated, this, [this] {
        if (m_restore->isEnabled())
            m_restore->trigger();
    });
}

// ---------------------------------------------------------------- building

void ActionsController::createActions()
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
    // The slot of an action that this computer and a cloud each do their own way.
    auto bySource = [this](auto local, auto cloud) {
        return [this, local, cloud] {
            if (m_source)
                (this->*cloud)();
            else
                (this->*local)();
        };
    };
    m_addVolume =
        make("addVolumeAction", icon("add-volume"), tr("&Add Volume…"), QKeySequence(tr("Ctrl+N")),
             tr("Register an image file or block device, or create a new image"),
             [this] { openAddVolume(); });
    m_addRbdImage =
        make("addRbdImageAction", icon("add-volume"), tr("Add &RBD Image…"), QKeySequence(),
             tr("Register an RBD image of a configured Ceph cluster as a volume"),
             [this] { openAddRbdImage(); });
    m_sampleVolume = make("sampleVolumeAction", icon("sample"), tr("Create &Sample Volume"),
                          QKeySequence(tr("Ctrl+Shift+N")),
                          tr("Create a small image with recognisable content to try Ember on"),
                          [this] { createSampleVolume(); });
    m_removeVolume = make("removeVolumeAction", icon("remove-volume"), tr("&Remove Volume"),
                          QKeySequence(tr("Ctrl+Del")),
                          tr("Forget the selected volume (its data and backups stay)"),
                          [this] { removeVolume(); });
    m_resetVolumeState =
        make("resetVolumeStateAction", icon("reset"), tr("Reset &Volume State…"), QKeySequence(),
             tr("Administrator: set a volume's status, e.g. after a failed restore left it "
                "error_restoring"),
             [this] { openResetVolumeState(); });
    m_createBackup =
        make("createBackupAction", icon("backup"), tr("&Create Backup…"),
             QKeySequence(tr("Ctrl+B")), tr("Back up the selected volume"),
             bySource(&ActionsController::openCreateBackup, &ActionsController::openCloudBackup));
    m_restore =
        make("restoreAction", icon("restore"), tr("&Restore…"), QKeySequence(tr("Ctrl+R")),
             tr("Restore the selected backup"),
             bySource(&ActionsController::openRestore, &ActionsController::openCloudRestore));
    m_delete = make("deleteBackupAction", icon("delete"), tr("&Delete Backup…"),
                    QKeySequence(QKeySequence::Delete), tr("Delete the selected backup"),
                    [this] { deleteBackup(false); });
    m_forceDelete = make(
        "forceDeleteAction", icon("delete"), tr("&Force Delete…"), QKeySequence(tr("Shift+Del")),
        tr("Administrator: delete a backup stuck in any status"), [this] { deleteBackup(true); });
    m_verify = make("verifyAction", icon("verify"), tr("&Verify"), QKeySequence(tr("Ctrl+Y")),
                    tr("Read the backup's chain and check every object and hash"),
                    [this] { verifyBackup(); });
    m_export =
        make("exportRecordAction", icon("export"), tr("&Export Record…"),
             QKeySequence(tr("Ctrl+E")), tr("Show the backup's record for Cinder's backup-import"),
             bySource(&ActionsController::exportRecord, &ActionsController::exportCloudRecord));
    m_import =
        make("importRecordAction", icon("import"), tr("&Import Record…"),
             QKeySequence(tr("Ctrl+I")), tr("Make a backup known from its record"),
             bySource(&ActionsController::importRecord, &ActionsController::openCloudImport));
    m_resetState = make(
        "resetStateAction", icon("reset"), tr("Reset &State…"), QKeySequence(tr("Ctrl+Shift+R")),
        tr("Administrator: set a backup's status to available or error"),
        bySource(&ActionsController::resetState, &ActionsController::resetCloudState));
    m_edit = make("editBackupAction", icon("edit"), tr("&Edit Name and Description…"),
                  QKeySequence(tr("F2")), tr("Rename the selected backup"),
                  bySource(&ActionsController::editBackup, &ActionsController::editCloudBackup));
    m_refresh =
        make("refreshAction", icon("refresh"), tr("Re&fresh"), QKeySequence(QKeySequence::Refresh),
             tr("Read the catalog (or the cloud's lists) again"), [this] {
                 if (m_source)
                     m_source->refreshNow();
                 else
                     m_context.watcher().refreshNow();
             });
    m_cancelJob = make("cancelJobAction", icon("cancel"), tr("&Cancel Job…"),
                       QKeySequence(tr("Ctrl+Shift+X")), tr("Stop the selected job"),
                       [this] { cancelJob(); });
    m_clearJobs = make("clearJobsAction", QIcon(), tr("C&lear Finished Jobs"),
                       QKeySequence(tr("Ctrl+Shift+L")), tr("Remove finished jobs from the list"),
                       [this] { m_context.runner().removeFinished(); });
    m_copyLog =
        make("copyLogAction", QIcon(), tr("Copy Job &Log"), QKeySequence(tr("Ctrl+Shift+C")),
             tr("Copy the selected job's log to the clipboard"), [this] { copyJobLog(); });
    m_backends =
        make("backendsAction", icon("backends"), tr("&Backends…"), QKeySequence(tr("Ctrl+Shift+B")),
             tr("Add, edit, test and remove backends"), [this] { openBackends(); });
    m_keys = make("keysAction", QIcon(), tr("&Keys…"), QKeySequence(),
                  tr("Create, import, export, rotate and remove encryption keys"),
                  [this] { openKeys(); });
    m_settings = make("settingsAction", icon("settings"), tr("&Settings…"),
                      QKeySequence(QKeySequence::Preferences), tr("Application settings"),
                      [this] { openSettings(); });
    m_quit = make("quitAction", QIcon(), tr("&Quit"), QKeySequence(QKeySequence::Quit),
                  tr("Quit Ember"), [this] { m_window->close(); });
    m_about = make(
        "aboutAction", QIcon(), tr("&About Ember"), QKeySequence(QKeySequence::HelpContents),
        tr("About Ember"), [this] {
            auto* box = new QMessageBox(
                QMessageBox::Information, tr("About Ember"),
                tr("<b>Ember %1</b><p>Backs up block volumes in OpenStack Cinder's formats.</p>"
                   "<p>Catalog: %2</p>")
                    .arg(QStringLiteral(EMBER_VERSION), m_context.catalogPath().toHtmlEscaped()),
                QMessageBox::Ok, m_window);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        });
    if (m_quit->shortcut().isEmpty())
        m_quit->setShortcut(QKeySequence(tr("Ctrl+Q")));

    m_synthesize =
        make("synthesizeAction", icon("backup"), tr("S&ynthesize Full Backup…"), QKeySequence(),
             tr("Write a new full backup of the selected backup's state from its "
                "chain, without reading the volume"),
             [this] { openSynthesize(); });
    m_protect = make("protectAction", protectedIcon(), tr("&Protect"), QKeySequence(),
                     tr("Keep the selected backup through every prune"),
                     [this] { setBackupProtected(true); });
    m_unprotect = make("unprotectAction", protectedIcon(), tr("Un&protect"), QKeySequence(),
                       tr("Let prunes remove the selected backup again"),
                       [this] { setBackupProtected(false); });
    m_retentionPolicy =
        make("retentionPolicyAction", QIcon(), tr("Retention &Policy…"), QKeySequence(),
             tr("Choose which backups of the selected volume to keep, see it on a timeline, "
                "and prune"),
             [this] { openRetentionPolicy(); });
    m_pruneLog =
        make("pruneLogAction", QIcon(), tr("Prune &Log…"), QKeySequence(),
             tr("What prunes removed, why, and by which policy"), [this] { openPruneLog(); });
}

// ---------------------------------------------------------------- source

void ActionsController::setSource(Source* source, const QString& unavailable)
{
    m_unavailable = source ? QString() : unavailable;
    for (const QMetaObject::Connection& connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    m_pendingExports.clear();
    m_source = source;
    if (source) {
        m_sourceConnections.append(connect(source, &QObject::destroyed, this, [this] {
            m_source = nullptr;
            updateActions();
        }));
        m_sourceConnections.append(
            connect(source, &Source::capabilitiesChanged, this, &ActionsController::updateActions));
        m_sourceConnections.append(
            connect(source, &Source::recordExported, this,
                    [this](const QString& backupId, const QString& service, const QString& url) {
                        if (!m_pendingExports.remove(backupId))
                            return;
                        const auto backup = snapshot()->backup(backupId);
                        if (!backup)
                            return;
                        auto* dialog = new ExportRecordDialog(*backup, {service, url}, m_window);
                        dialog->setAttribute(Qt::WA_DeleteOnClose);
                        dialog->open();
                    }));
    }
    updateActions();
}

std::shared_ptr<const SourceSnapshot> ActionsController::snapshot() const
{
    return m_source ? m_source->snapshot() : m_context.snapshot();
}

// ---------------------------------------------------------------- selection

QStringList ActionsController::selectedVolumeIds() const
{
    return m_volumes->selectedVolumeIds();
}

std::optional<Volume> ActionsController::currentVolume() const
{
    const QStringList ids = selectedVolumeIds();
    if (ids.size() != 1)
        return std::nullopt;
    return snapshot()->volume(ids.first());
}

std::optional<Backup> ActionsController::currentBackup() const
{
    const QString id = m_chains->currentBackupId();
    if (id.isEmpty())
        return std::nullopt;
    // The snapshot's row is the freshest.
    return snapshot()->backup(id);
}

std::optional<JobInfo> ActionsController::currentJob() const
{
    return m_jobs->currentJob();
}

// ---------------------------------------------------------------- enabled state

QString ActionsController::deleteRefusal(bool force) const
{
    const auto backup = currentBackup();
    if (!backup)
        return tr("Select a backup first.");
    if (m_source)
        return m_source->checkDelete(backup->id, force);
    if (backup->isProtected)
        return tr("This backup is protected: unprotect it first (Backup ▸ Unprotect).");
    // Forced or not: the store itself refuses until the lock ends.
    if (const QString lock = describeImmutability(*backup, QDateTime::currentDateTimeUtc());
        !lock.isEmpty())
        return tr("This backup is immutable %1: no one holding the backend's keys can delete it "
                  "before then, not even Ember. It can be deleted from then on.")
            .arg(lock);
    const auto snapshot = m_context.snapshot();
    QList<Backup> children = snapshot->childrenOf(backup->id);
    // Ceph's backups are snapshots of one base image: the later ones survive.
    if (deletesInAnyOrder(snapshot->backend(backup->backendName)))
        children.clear();
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

void ActionsController::updateActions()
{
    updateJobActions();
    if (!m_unavailable.isEmpty()) {
        for (QAction* action :
             {m_addVolume, m_addRbdImage, m_sampleVolume, m_removeVolume, m_resetVolumeState,
              m_createBackup, m_restore, m_delete, m_forceDelete, m_verify, m_export, m_import,
              m_resetState, m_edit, m_synthesize, m_protect, m_unprotect, m_retentionPolicy,
              m_pruneLog})
            enableWithReason(action, m_unavailable);
        return;
    }
    updateRetentionActions();
    if (m_source)
        return updateCloudActions();
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

    enableWithReason(m_addVolume, loaded ? QString() : tr("The catalog is still loading."));
    enableWithReason(m_addRbdImage, loaded ? QString() : tr("The catalog is still loading."));
    enableWithReason(m_sampleVolume, loaded ? QString() : tr("The catalog is still loading."));
    enableWithReason(m_import, loaded ? QString() : tr("The catalog is still loading."));

    QString volumeRefusal;
    if (!volume)
        volumeRefusal = selectedVolumeIds().size() > 1 ? tr("Select only one volume.")
                                                       : tr("Select a volume first.");
    QString removeRefusal = volumeRefusal;
    if (removeRefusal.isEmpty())
        removeRefusal = volumeBusy(volume->id);
    enableWithReason(m_removeVolume, removeRefusal);
    // The same refusal: the service refuses it while a job runs on the volume.
    enableWithReason(m_resetVolumeState, removeRefusal);

    QString backupCreateRefusal = volumeRefusal;
    if (backupCreateRefusal.isEmpty())
        backupCreateRefusal = volumeBusy(volume->id);
    if (backupCreateRefusal.isEmpty()) {
        // In-use volumes are allowed here: the dialog explains Force.
        backupCreateRefusal = ChainRules::canBackup(*volume, true);
    }
    if (backupCreateRefusal.isEmpty() && snapshot->backends.isEmpty())
        backupCreateRefusal = tr("Configure a backend first.");
    enableWithReason(m_createBackup, backupCreateRefusal);

    const QString noBackup = tr("Select a backup first.");
    auto needsAvailable = [&](const QString& what) -> QString {
        if (!backup)
            return noBackup;
        if (backup->status != BackupStatus::Available)
            return tr("Only available backups can be %1; this one is %2.")
                .arg(what, statusText(backup->status));
        return {};
    };
    // An encrypted backup (or chain) whose key is not here is refused
    // before any job, with the model's reason.
    auto needsKey = [&](const QString& what) -> QString {
        const QString refusal = needsAvailable(what);
        if (!refusal.isEmpty() || !m_chains->model())
            return refusal;
        return m_chains->model()->keyProblem(*backup);
    };
    QString restoreRefusal = needsKey(tr("restored"));
    enableWithReason(m_restore, restoreRefusal);
    enableWithReason(m_verify, needsKey(tr("verified")));
    enableWithReason(m_export, needsAvailable(tr("exported")));

    QString deleteText = deleteRefusal(false);
    if (deleteText.isEmpty() && backup)
        deleteText = volumeBusy(backup->volumeId);
    enableWithReason(m_delete, deleteText);
    if (deleteText.isEmpty() && backup && !snapshot->childrenOf(backup->id).isEmpty())
        m_delete->setToolTip(anyOrderDeleteNote()); // Ceph: why a parent may go
    enableWithReason(m_forceDelete, deleteRefusal(true));
    enableWithReason(m_edit, backup ? QString() : noBackup);
    enableWithReason(m_resetState, backup ? QString() : noBackup);
}

void ActionsController::updateJobActions()
{
    const auto job = currentJob();
    QString cancelRefusal;
    if (!job)
        cancelRefusal = tr("Select a job first.");
    else if (isFinished(job->state))
        cancelRefusal = tr("This job has finished.");
    else if (job->state == JobState::Cancelling)
        cancelRefusal = tr("The job is being cancelled.");
    enableWithReason(m_cancelJob, cancelRefusal);
    enableWithReason(m_copyLog, job ? QString() : tr("Select a job first."));
}

// ---------------------------------------------------------------- helpers

void ActionsController::showError(const QString& title, const QString& message)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, m_window);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void ActionsController::confirm(const QString& title, const QString& text,
                                const QString& acceptText, std::function<void()> onAccept)
{
    auto* box = new QMessageBox(QMessageBox::Question, title, text, QMessageBox::Cancel, m_window);
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

AddVolumeDialog* ActionsController::openAddVolume()
{
    auto* dialog = new AddVolumeDialog(QDir::homePath(), m_window);
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
                onVolumeAdded(tr("Add Volume"), id.toString(), error);
            });
    });
    dialog->open();
    return dialog;
}

// Selects a volume just added once the catalog watcher shows it (or says why
// adding failed).
void ActionsController::onVolumeAdded(const QString& title, const QString& volumeId,
                                      const QString& error)
{
    if (!error.isEmpty())
        return showError(title, error);
    Q_EMIT volumeAdded(volumeId);
    selectVolumeWhenShown(volumeId);
}

void ActionsController::selectVolumeWhenShown(const QString& volumeId)
{
    if (!m_volumes->selectVolume(volumeId))
        connect(
            &m_context, &AppContext::snapshotApplied, this,
            [this, volumeId] { m_volumes->selectVolume(volumeId); }, Qt::SingleShotConnection);
}

RbdBrowserDialog* ActionsController::openAddRbdImage()
{
    auto* dialog =
        new RbdBrowserDialog(m_context.snapshot()->backends, m_context.secretProvider(), m_window);
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
                onVolumeAdded(tr("Add RBD Image"), id.toString(), error);
            });
    });
    dialog->open();
    return dialog;
}

void ActionsController::createSampleVolume(const QString& wantedName)
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
                throw Error(ActionsController::tr("%1 already exists.").arg(path));
            if (!file.open(QIODevice::WriteOnly))
                throw Error(
                    ActionsController::tr("Cannot create %1: %2").arg(path, file.errorString()));
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
                        ActionsController::tr("Cannot write %1: %2").arg(path, file.errorString()));
            }
            file.resize(mebibytes * mebibyte);
            file.close();
            return QVariant(service.addVolume(path, name).id);
        },
        [this](const QVariant& id, const QString& error) {
            if (!error.isEmpty())
                return showError(tr("Create Sample Volume"), error);
            selectVolumeWhenShown(id.toString());
            Q_EMIT statusMessage(tr("Sample volume created: back it up with Create Backup."),
                                 10000);
        });
}

void ActionsController::removeVolume()
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

VolumeResetStateDialog* ActionsController::openResetVolumeState()
{
    const auto volume = currentVolume();
    if (!volume || !m_resetVolumeState->isEnabled())
        return nullptr;
    auto* dialog = new VolumeResetStateDialog(*volume, m_window);
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

// ---------------------------------------------------------------- backups

CreateBackupDialog* ActionsController::openCreateBackup()
{
    const auto volume = currentVolume();
    if (!volume || !m_createBackup->isEnabled() || m_source)
        return nullptr;
    auto* dialog = new CreateBackupDialog(*volume, m_context.snapshot(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { submitBackup(dialog->request()); });
    dialog->open();
    return dialog;
}

quint64 ActionsController::submitBackup(const CreateBackupRequest& request)
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

RestoreDialog* ActionsController::openRestore()
{
    const auto backup = currentBackup();
    if (!backup || !m_restore->isEnabled() || m_source)
        return nullptr;
    auto* dialog = new RestoreDialog(
        *backup, m_context.snapshot(),
        QDir(defaultDataDirectory()).filePath(QStringLiteral("volumes")), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { submitRestore(dialog->request()); });
    dialog->open();
    return dialog;
}

quint64 ActionsController::submitRestore(const ember::RestoreRequest& request)
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

void ActionsController::deleteBackup(bool force)
{
    if (m_source)
        return deleteCloudBackup(force);
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
    if (const QList<Backup> children = m_context.snapshot()->childrenOf(backup->id);
        !children.isEmpty() &&
        deletesInAnyOrder(m_context.snapshot()->backend(backup->backendName)))
        text +=
            QStringLiteral("\n\n") + anyOrderDeleteNote() + QLatin1Char(' ') +
            tr("%n later backup(s) take over its parent.", "", static_cast<int>(children.size()));
    confirm(force ? tr("Force Delete Backup") : tr("Delete Backup"), text,
            force ? tr("Force Delete") : tr("Delete"),
            [this, id = backup->id, force] { submitDelete(id, force); });
}

quint64 ActionsController::submitDelete(const QString& backupId, bool force)
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

void ActionsController::verifyBackup()
{
    if (const auto backup = currentBackup())
        submitVerify(backup->id);
}

quint64 ActionsController::submitVerify(const QString& backupId)
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

void ActionsController::exportRecord()
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
            auto* dialog =
                new ExportRecordDialog(backup, {parts.value(0), parts.value(1)}, m_window);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->open();
        });
}

void ActionsController::importRecord()
{
    auto* dialog = new ImportRecordDialog(m_context.snapshot(), m_window);
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
                Q_EMIT statusMessage(tr("Imported backup %1.").arg(id.toString()), 10000);
            });
    });
    dialog->open();
}

void ActionsController::resetState()
{
    const auto backup = currentBackup();
    if (!backup)
        return;
    auto* dialog = new ResetStateDialog(*backup, m_window);
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

void ActionsController::editBackup()
{
    const auto backup = currentBackup();
    if (!backup)
        return;
    auto* dialog = new EditBackupDialog(*backup, m_window);
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

// ---------------------------------------------------------------- a cloud's actions

void ActionsController::updateCloudActions()
{
    const auto current = m_source->snapshot();
    const auto volume = currentVolume();
    const auto backup = currentBackup();
    const QString cloud = m_source->displayName();

    // What only this computer's catalog does.
    const QString localOnly =
        tr("Only for this computer's volumes: switch the source to “This computer”.");
    for (QAction* action :
         {m_addVolume, m_addRbdImage, m_sampleVolume, m_removeVolume, m_resetVolumeState})
        enableWithReason(action, localOnly);
    enableWithReason(m_verify, tr("Ember verifies what it stored itself; Cinder has no verify "
                                  "for %1's backups.")
                                   .arg(cloud));
    const QString loading =
        m_source->hasSnapshot() ? QString() : tr("%1's lists are still loading.").arg(cloud);
    auto adminOnly = [&](Capability capability, const QString& action) -> QString {
        if (m_source->can(capability))
            return {};
        return tr("%1 needs the admin role on %2.").arg(action, cloud);
    };
    QString importRefusal = adminOnly(Capability::ImportRecord, tr("Import-record"));
    if (importRefusal.isEmpty())
        importRefusal = loading;
    enableWithReason(m_import, importRefusal);

    QString volumeRefusal = loading;
    if (volumeRefusal.isEmpty() && !volume)
        volumeRefusal = selectedVolumeIds().size() > 1 ? tr("Select only one volume.")
                                                       : tr("Select a volume first.");
    QString createRefusal = volumeRefusal;
    if (createRefusal.isEmpty() && m_context.runner().isVolumeBusy(volume->id))
        createRefusal = tr("A job of this window runs on the volume; wait for it to finish.");
    if (createRefusal.isEmpty()) {
        // In-use volumes are allowed here: the dialog explains Force.
        BackupRequest request;
        request.volumeId = volume->id;
        request.force = true;
        createRefusal = m_source->checkCreateBackup(request);
    }
    enableWithReason(m_createBackup, createRefusal);

    const QString noBackup = backup ? QString() : tr("Select a backup first.");
    auto orNoBackup = [&](const std::function<QString()>& check) {
        return noBackup.isEmpty() ? check() : noBackup;
    };
    enableWithReason(m_restore, orNoBackup([&] {
                         return m_source->checkRestore({backup->id, QString(), QString()});
                     }));
    enableWithReason(m_delete,
                     orNoBackup([&] { return m_source->checkDelete(backup->id, false); }));
    enableWithReason(m_forceDelete,
                     orNoBackup([&] { return m_source->checkDelete(backup->id, true); }));
    enableWithReason(m_edit, orNoBackup([&] {
                         return adminOnly(Capability::UpdateBackup, tr("Renaming a backup"));
                     }));
    enableWithReason(m_resetState, orNoBackup([&] {
                         return adminOnly(Capability::ResetState, tr("Reset-state"));
                     }));
    enableWithReason(
        m_export, orNoBackup([&]() -> QString {
            if (const QString refusal = adminOnly(Capability::ExportRecord, tr("Export-record"));
                !refusal.isEmpty())
                return refusal;
            if (backup->status != BackupStatus::Available)
                return tr("Backup status must be available, but is \"%1\".").arg(backup->status);
            return {};
        }));
}

void ActionsController::runOnCloud(const QString& title,
                                   const std::function<ActionResult(Source&)>& action)
{
    if (!m_source)
        return; // the cloud is no longer shown
    const ActionResult result = action(*m_source);
    if (!result.accepted()) {
        Q_EMIT notice(tr("%1: %2").arg(title, result.refusal));
        return;
    }
    m_jobs->selectJob(result.jobId);
    Q_EMIT statusMessage(tr("%1: sent to %2; the jobs panel follows Cinder's status.")
                             .arg(title, m_source ? m_source->displayName() : QString()),
                         10000);
}

void ActionsController::openCloudDialog(QDialog* dialog, const QString& title,
                                        std::function<ActionResult(Source&)> action)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, title, action = std::move(action)] { runOnCloud(title, action); });
    dialog->open();
}

CloudBackupDialog* ActionsController::openCloudBackup()
{
    const auto volume = currentVolume();
    if (!m_source || !volume || !m_createBackup->isEnabled())
        return nullptr;
    auto* dialog = new CloudBackupDialog(*volume, m_source, m_window);
    openCloudDialog(dialog, tr("Create Backup"),
                    [dialog](Source& cloud) { return cloud.createBackup(dialog->request()); });
    return dialog;
}

CloudRestoreDialog* ActionsController::openCloudRestore()
{
    const auto backup = currentBackup();
    if (!m_source || !backup || !m_restore->isEnabled())
        return nullptr;
    auto* dialog = new CloudRestoreDialog(*backup, m_source, m_window);
    openCloudDialog(dialog, tr("Restore"),
                    [dialog](Source& cloud) { return cloud.restore(dialog->request()); });
    return dialog;
}

CloudImportDialog* ActionsController::openCloudImport()
{
    if (!m_source || !m_import->isEnabled())
        return nullptr;
    auto* dialog = new CloudImportDialog(m_source->displayName(), m_window);
    openCloudDialog(dialog, tr("Import Record"), [dialog](Source& cloud) {
        return cloud.importRecord(dialog->backupService(), dialog->backupUrl());
    });
    return dialog;
}

void ActionsController::deleteCloudBackup(bool force)
{
    const auto backup = currentBackup();
    if (!backup || !deleteRefusal(force).isEmpty())
        return;
    const auto volume = snapshot()->volume(backup->volumeId);
    QString text = tr("Delete backup %1 of volume %2 in %3? Cinder removes its data from the "
                      "backup store; this cannot be undone.")
                       .arg(backupLabel(*backup),
                            volume && !volume->name.isEmpty() ? volume->name : backup->volumeId,
                            m_source->displayName());
    if (force)
        text += QLatin1Char('\n') +
                tr("Force delete ignores the status “%1”.").arg(statusText(backup->status));
    const QString verb = force ? tr("Force Delete") : tr("Delete");
    confirm(force ? tr("Force Delete Backup") : tr("Delete Backup"), text, verb,
            [this, verb, id = backup->id, force] {
                runOnCloud(verb, [&](Source& cloud) { return cloud.deleteBackup(id, force); });
            });
}

void ActionsController::exportCloudRecord()
{
    const auto backup = currentBackup();
    if (!backup)
        return;
    runOnCloud(tr("Export Record"), [this, id = backup->id](Source& cloud) {
        const ActionResult result = cloud.exportRecord(id);
        if (result.accepted())
            m_pendingExports.insert(id);
        return result;
    });
}

void ActionsController::resetCloudState()
{
    const auto backup = currentBackup();
    if (!backup || !m_source)
        return;
    auto* dialog = new ResetStateDialog(*backup, m_window);
    openCloudDialog(dialog, tr("Reset State"), [dialog, id = backup->id](Source& cloud) {
        return cloud.resetState(id, dialog->state());
    });
}

void ActionsController::editCloudBackup()
{
    const auto backup = currentBackup();
    if (!backup || !m_source)
        return;
    auto* dialog = new EditBackupDialog(*backup, m_window);
    openCloudDialog(dialog, tr("Edit Backup"), [dialog, id = backup->id](Source& cloud) {
        return cloud.updateBackup(id, dialog->name(), dialog->description());
    });
}

// ---------------------------------------------------------------- jobs

void ActionsController::cancelJob()
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

void ActionsController::copyJobLog()
{
    const auto job = currentJob();
    if (!job)
        return;
    QStringList lines{job->title, jobStateText(job->state) + QStringLiteral(": ") + job->outcome};
    lines.append(job->log);
    QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
    Q_EMIT statusMessage(tr("Job log copied."), 3000);
}

// ---------------------------------------------------------------- settings, backends

SettingsDialog* ActionsController::openSettings()
{
    auto* dialog = new SettingsDialog(m_context, m_window);
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

KeysDialog* ActionsController::openKeys()
{
    if (!m_keysDialog) {
        m_keysDialog = new KeysDialog(m_context, m_window);
        m_keysDialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_keysDialog->show();
    m_keysDialog->raise();
    m_keysDialog->activateWindow();
    return m_keysDialog;
}

BackendsDialog* ActionsController::openBackends()
{
    auto* dialog = new BackendsDialog(m_context, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

// ---------------------------------------------------------------- retention

Source* ActionsController::retentionSource() const
{
    return m_source ? m_source : static_cast<Source*>(m_local);
}

void ActionsController::updateRetentionActions()
{
    Source* source = retentionSource();
    const auto volume = currentVolume();
    const auto backup = currentBackup();
    const QString offered = source->checkRetention();
    const QString loading = source->hasSnapshot() ? QString() : tr("The catalog is still loading.");
    auto first = [](std::initializer_list<QString> refusals) {
        for (const QString& refusal : refusals)
            if (!refusal.isEmpty())
                return refusal;
        return QString();
    };
    const QString noBackup = backup ? QString() : tr("Select a backup first.");
    QString synthesize = first({offered, loading, noBackup});
    if (synthesize.isEmpty() && backup->status != BackupStatus::Available)
        synthesize = tr("Only available backups can be synthesized; this one is %1.")
                         .arg(statusText(backup->status));
    if (synthesize.isEmpty() && m_context.runner().isVolumeBusy(backup->volumeId))
        synthesize = tr("A job of this window runs on the volume; wait for it to finish.");
    enableWithReason(m_synthesize, synthesize);

    const bool isProtected = backup && backup->isProtected;
    enableWithReason(m_protect,
                     first({offered, loading, noBackup,
                            isProtected ? tr("This backup is protected already.") : QString()}));
    enableWithReason(
        m_unprotect,
        first({offered, loading, noBackup,
               backup && !isProtected ? tr("This backup is not protected.") : QString()}));
    // One of the pair at a time in the menus.
    m_protect->setVisible(!isProtected);
    m_unprotect->setVisible(isProtected);

    QString noVolume;
    if (!volume)
        noVolume = selectedVolumeIds().size() > 1 ? tr("Select only one volume.")
                                                  : tr("Select a volume first.");
    enableWithReason(m_retentionPolicy, first({offered, loading, noVolume}));
    enableWithReason(m_pruneLog, first({offered, loading}));
}

void ActionsController::reportAction(const QString& title, const ActionResult& result)
{
    if (!result.accepted()) {
        showError(title, result.refusal);
        return;
    }
    m_jobs->selectJob(result.jobId);
}

void ActionsController::setBackupProtected(bool isProtected)
{
    const auto backup = currentBackup();
    QAction* action = isProtected ? m_protect : m_unprotect;
    if (!backup || !action->isEnabled())
        return;
    reportAction(isProtected ? tr("Protect") : tr("Unprotect"),
                 retentionSource()->setProtected(backup->id, isProtected));
}

SynthesizeDialog* ActionsController::openSynthesize()
{
    const auto backup = currentBackup();
    if (!backup || !m_synthesize->isEnabled())
        return nullptr;
    Source* source = retentionSource();
    auto* dialog = new SynthesizeDialog(
        *backup, deletesInAnyOrder(snapshot()->backend(backup->backendName)), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    source->fetchSynthesisPreview(
        backup->id, dialog,
        [dialog](const BackupService::SynthesisPreview& preview, const QString& error) {
            if (error.isEmpty())
                dialog->setPreview(preview);
            else
                dialog->setPreviewError(error);
        });
    connect(dialog, &QDialog::accepted, this, [this, dialog, id = backup->id] {
        reportAction(tr("Synthesize Full Backup"),
                     retentionSource()->synthesize(id, dialog->name(), dialog->moveChildren()));
    });
    dialog->open();
    return dialog;
}

RetentionPolicyDialog* ActionsController::openRetentionPolicy()
{
    const auto volume = currentVolume();
    if (!volume || !m_retentionPolicy->isEnabled())
        return nullptr;
    const auto current = snapshot();
    const QString backendName = LocalSource::retentionBackendOf(*current, volume->id);
    auto* dialog =
        new RetentionPolicyDialog(*volume, current->backupsOf(volume->id), backendName,
                                  deletesInAnyOrder(current->backend(backendName)), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    retentionSource()->fetchPolicies(
        volume->id, dialog,
        [dialog](const Source::RetentionPolicies& policies, const QString& error) {
            if (error.isEmpty())
                dialog->setPolicies(policies);
            else
                dialog->setLoadError(error);
        });
    const QString scope = Catalog::volumePolicyScope(volume->id);
    connect(dialog, &RetentionPolicyDialog::saveRequested, this, [this, dialog, scope] {
        reportAction(tr("Retention Policy"), retentionSource()->setPolicy(scope, dialog->policy()));
    });
    connect(dialog, &RetentionPolicyDialog::pruneConfirmed, this, [this, dialog, scope] {
        Source* source = retentionSource();
        // The policy first: the prune's log names the policy that caused it.
        if (dialog->policyChanged()) {
            const ActionResult saved = source->setPolicy(scope, dialog->policy());
            if (!saved.accepted())
                return showError(tr("Retention Policy"), saved.refusal);
        }
        reportAction(tr("Prune"), source->prune(dialog->volume().id, dialog->plan()));
    });
    dialog->open();
    return dialog;
}

PruneLogDialog* ActionsController::openPruneLog()
{
    if (!m_pruneLog->isEnabled())
        return nullptr;
    const auto volume = currentVolume();
    auto* dialog = new PruneLogDialog(volume ? volume->name : QString(), snapshot(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    retentionSource()->fetchPruneLog(
        volume ? volume->id : QString(), dialog,
        [dialog](const QList<PruneLogEntry>& entries, const QString& error) {
            if (error.isEmpty())
                dialog->setEntries(entries);
            else
                dialog->setLoadError(error);
        });
    dialog->open();
    return dialog;
}

} // namespace ember::ui
