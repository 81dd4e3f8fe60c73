#include "backupdialogs.h"

#include "backendregistry.h"
#include "chainrules.h"
#include "dialogbuttons.h"
#include "itemroles.h"
#include "statusstyle.h"

#include "problemlabel.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace ember::ui {

namespace {

QLabel* noteLabel(QWidget* parent, const QString& objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setStyleSheet(QStringLiteral("color: palette(mid)"));
    return label;
}

} // namespace

QString backupLabel(const Backup& backup)
{
    const QString name = backup.displayName.isEmpty() ? backup.name() : backup.displayName;
    return QStringLiteral("%1 (%2)").arg(name, formatTime(backup.createdAt));
}

// ---------------------------------------------------------------- create

CreateBackupDialog::CreateBackupDialog(const Volume& volume,
                                       std::shared_ptr<const CatalogSnapshot> snapshot,
                                       QWidget* parent)
    : QDialog(parent), m_volume(volume), m_snapshot(std::move(snapshot))
{
    setObjectName(QStringLiteral("createBackupDialog"));
    setWindowTitle(tr("Create Backup of %1").arg(volume.name));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("optional"));
    form->addRow(tr("&Name:"), m_name);
    m_description = new QLineEdit(this);
    m_description->setObjectName(QStringLiteral("description"));
    m_description->setPlaceholderText(tr("optional"));
    form->addRow(tr("&Description:"), m_description);
    m_backend = new QComboBox(this);
    m_backend->setObjectName(QStringLiteral("backend"));
    for (const BackendConfig& backend : m_snapshot->backends) {
        m_backend->addItem(backend.isDefault ? tr("%1 (default)").arg(backend.name) : backend.name,
                           backend.name);
        if (backend.isDefault)
            m_backend->setCurrentIndex(m_backend->count() - 1);
    }
    form->addRow(tr("&Backend:"), m_backend);
    m_container = new QLineEdit(this);
    m_container->setObjectName(QStringLiteral("container"));
    m_container->setPlaceholderText(tr("the backend's default"));
    form->addRow(tr("&Container:"), m_container);
    layout->addLayout(form);

    m_incremental =
        new QCheckBox(tr("&Incremental: store only what changed since the parent"), this);
    m_incremental->setObjectName(QStringLiteral("incremental"));
    layout->addWidget(m_incremental);
    m_parentLabel = noteLabel(this, QStringLiteral("parentLabel"));
    layout->addWidget(m_parentLabel);

    m_force = new QCheckBox(tr("&Force: back up although the volume is in use"), this);
    m_force->setObjectName(QStringLiteral("force"));
    layout->addWidget(m_force);
    m_forceLabel = noteLabel(this, QStringLiteral("forceLabel"));
    layout->addWidget(m_forceLabel);

    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = okCancelButtons(this, layout, tr("Create Backup"));
    connect(m_backend, &QComboBox::currentIndexChanged, this, &CreateBackupDialog::update);
    connect(m_incremental, &QCheckBox::toggled, this, &CreateBackupDialog::update);
    connect(m_force, &QCheckBox::toggled, this, &CreateBackupDialog::update);

    const ChainRules::ParentChoice choice =
        ChainRules::chooseParent(m_snapshot->backupsOf(volume.id));
    m_parent = choice.parent;
    m_parentRefusal = choice.refusal;
    update();
    resize(sizeHint().expandedTo(QSize(480, 0)));
}

void CreateBackupDialog::update()
{
    const QString backend = m_backend->currentData().toString();
    QString incrementalRefusal = m_parentRefusal;
    if (incrementalRefusal.isEmpty() && !m_parent)
        incrementalRefusal = tr("No backups available to do an incremental backup.");
    if (incrementalRefusal.isEmpty() && m_parent && m_parent->backendName != backend)
        incrementalRefusal = tr("The parent backup %1 is stored on backend “%2”; choose that "
                                "backend for an incremental backup.")
                                 .arg(backupLabel(*m_parent), m_parent->backendName);
    m_incremental->setEnabled(incrementalRefusal.isEmpty());
    if (!incrementalRefusal.isEmpty())
        m_incremental->setChecked(false);
    if (incrementalRefusal.isEmpty()) {
        m_parentLabel->setText(m_incremental->isChecked()
                                   ? tr("Parent: %1. Restoring the new backup will also read it.")
                                         .arg(backupLabel(*m_parent))
                                   : tr("An incremental backup would be taken on top of %1.")
                                         .arg(backupLabel(*m_parent)));
    } else {
        m_parentLabel->setText(incrementalRefusal);
    }
    m_incremental->setToolTip(incrementalRefusal);

    const bool inUse = m_volume.status == VolumeStatus::InUse;
    m_force->setVisible(inUse);
    m_forceLabel->setVisible(inUse);
    m_forceLabel->setText(tr("This volume is in use. Data that changes while it is read may be "
                             "inconsistent in the backup (as with Cinder's --force); stop the "
                             "applications writing to it, or check Force to accept that."));

    QString problem = ChainRules::canBackup(m_volume, m_force->isChecked());
    if (inUse && !m_force->isChecked())
        problem = tr("The volume is in use: check Force to back it up anyway.");
    if (problem.isEmpty()) {
        if (const auto job = m_snapshot->runningJobOn(m_volume.id))
            problem = tr("The volume is busy: %1 running since %2.")
                          .arg(job->operation, formatTime(job->startedAt));
    }
    if (problem.isEmpty() && backend.isEmpty())
        problem = tr("Configure a backend first.");
    showProblem(m_problem, m_buttons, problem);
}

CreateBackupRequest CreateBackupDialog::request() const
{
    CreateBackupRequest request;
    request.volume = m_volume.id;
    request.incremental = m_incremental->isChecked();
    request.force = m_force->isVisible() && m_force->isChecked();
    request.name = m_name->text().trimmed();
    request.description = m_description->text().trimmed();
    request.container = m_container->text().trimmed();
    request.backend = m_backend->currentData().toString();
    return request;
}

// ---------------------------------------------------------------- restore

RestoreDialog::RestoreDialog(const Backup& backup, std::shared_ptr<const CatalogSnapshot> snapshot,
                             const QString& defaultDirectory, QWidget* parent)
    : QDialog(parent), m_backup(backup), m_snapshot(std::move(snapshot))
{
    setObjectName(QStringLiteral("restoreDialog"));
    setWindowTitle(tr("Restore %1").arg(backupLabel(backup)));
    m_source = m_snapshot->volume(backup.volumeId);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("Restore backup %1 (%2 GiB) to:").arg(backupLabel(backup)).arg(backup.size), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_toSource = new QRadioButton(this);
    m_toSource->setObjectName(QStringLiteral("toSource"));
    m_toSource->setText(m_source ? tr("The &source volume %1").arg(m_source->name)
                                 : tr("The &source volume (no longer registered)"));
    layout->addWidget(m_toSource);
    m_sourceNote = noteLabel(this, QStringLiteral("sourceNote"));
    layout->addWidget(m_sourceNote);

    m_toExisting = new QRadioButton(tr("&Another registered volume:"), this);
    m_toExisting->setObjectName(QStringLiteral("toExisting"));
    layout->addWidget(m_toExisting);
    m_targets = new QComboBox(this);
    m_targets->setObjectName(QStringLiteral("targets"));
    m_targetModel = new QStandardItemModel(m_targets);
    for (const Volume& volume : m_snapshot->volumes) {
        if (volume.id == backup.volumeId)
            continue;
        const QString refusal = refusalFor(volume);
        auto* item = new QStandardItem(
            refusal.isEmpty() ? tr("%1 (%2)").arg(volume.name, formatBytes(volume.sizeBytes))
                              : tr("%1 — %2").arg(volume.name, refusal));
        item->setData(volume.id, IdRole);
        item->setToolTip(refusal.isEmpty() ? volume.path : refusal);
        if (!refusal.isEmpty())
            item->setFlags(item->flags() & ~(Qt::ItemIsEnabled | Qt::ItemIsSelectable));
        m_targetModel->appendRow(item);
    }
    m_targets->setModel(m_targetModel);
    m_targets->setCurrentIndex(m_targetModel->rowCount() > 0 ? 0 : -1);
    for (int row = 0; row < m_targetModel->rowCount(); ++row) {
        if (m_targetModel->item(row)->isEnabled()) {
            m_targets->setCurrentIndex(row);
            break;
        }
    }
    auto* targetRow = new QHBoxLayout;
    targetRow->addSpacing(24);
    targetRow->addWidget(m_targets, 1);
    layout->addLayout(targetRow);

    m_toNew = new QRadioButton(tr("A &new volume (an image file):"), this);
    m_toNew->setObjectName(QStringLiteral("toNew"));
    layout->addWidget(m_toNew);
    auto* newForm = new QFormLayout;
    newForm->setContentsMargins(24, 0, 0, 0);
    m_newName = new QLineEdit(QStringLiteral("restore_backup_%1").arg(backup.id), this);
    m_newName->setObjectName(QStringLiteral("newName"));
    newForm->addRow(tr("Na&me:"), m_newName);
    auto* pathRow = new QHBoxLayout;
    QString directory = defaultDirectory;
    if (m_source && m_source->kind == VolumeKind::File)
        directory = QFileInfo(m_source->path).absolutePath();
    m_newPath =
        new QLineEdit(QDir(directory).filePath(m_newName->text() + QStringLiteral(".img")), this);
    m_newPath->setObjectName(QStringLiteral("newPath"));
    auto* browse = new QPushButton(tr("Bro&wse…"), this);
    pathRow->addWidget(m_newPath);
    pathRow->addWidget(browse);
    auto* locationLabel = new QLabel(tr("&Location:"), this);
    locationLabel->setBuddy(m_newPath);
    newForm->addRow(locationLabel, pathRow);
    layout->addLayout(newForm);

    // A new RBD image, on the cluster of a Ceph backend (the source's by default).
    m_toNewRbd = new QRadioButton(tr("A new &RBD image, the volume named as above:"), this);
    m_toNewRbd->setObjectName(QStringLiteral("toNewRbd"));
    layout->addWidget(m_toNewRbd);
    auto* rbdForm = new QFormLayout;
    rbdForm->setContentsMargins(24, 0, 0, 0);
    m_rbdClusters = new QComboBox(this);
    m_rbdClusters->setObjectName(QStringLiteral("rbdClusters"));
    for (const BackendConfig& backend : m_snapshot->backends)
        if (const BackendType* type = findBackendType(backend.type);
            type && type->capabilities.hostsRbdVolumes)
            m_rbdClusters->addItem(backend.name);
    if (m_source && m_source->kind == VolumeKind::Rbd)
        m_rbdClusters->setCurrentText(m_source->backendName);
    rbdForm->addRow(tr("C&luster of:"), m_rbdClusters);
    const QString rbdPool = m_source && m_source->kind == VolumeKind::Rbd
                                ? m_source->path.section(QLatin1Char('/'), 0, 0)
                                : QStringLiteral("volumes");
    m_newRbdImage = new QLineEdit(rbdPool + QLatin1Char('/') + m_newName->text(), this);
    m_newRbdImage->setObjectName(QStringLiteral("newRbdImage"));
    m_newRbdImage->setPlaceholderText(tr("pool/image"));
    rbdForm->addRow(tr("&Image:"), m_newRbdImage);
    layout->addLayout(rbdForm);
    if (m_rbdClusters->count() == 0) {
        m_toNewRbd->setEnabled(false);
        m_toNewRbd->setToolTip(tr("Add a Ceph backend first: it names the cluster."));
    }

    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = okCancelButtons(this, layout, tr("Restore"), [this] { confirmAndAccept(); });

    for (QRadioButton* radio : {m_toSource, m_toExisting, m_toNew, m_toNewRbd})
        connect(radio, &QRadioButton::toggled, this, &RestoreDialog::update);
    connect(m_targets, &QComboBox::currentIndexChanged, this, &RestoreDialog::update);
    connect(m_newName, &QLineEdit::textEdited, this, [this, directory](const QString& name) {
        m_newPath->setText(QDir(QFileInfo(m_newPath->text()).absolutePath().isEmpty()
                                    ? directory
                                    : QFileInfo(m_newPath->text()).absolutePath())
                               .filePath(name + QStringLiteral(".img")));
    });
    connect(m_newName, &QLineEdit::textChanged, this, [this](const QString& name) {
        const QString pool = m_newRbdImage->text().section(QLatin1Char('/'), 0, 0);
        m_newRbdImage->setText(pool + QLatin1Char('/') + name);
    });
    connect(m_newPath, &QLineEdit::textChanged, this, &RestoreDialog::update);
    connect(m_newRbdImage, &QLineEdit::textChanged, this, &RestoreDialog::update);
    connect(browse, &QPushButton::clicked, this, [this] {
        auto* dialog = new QFileDialog(this, tr("New volume file"), m_newPath->text());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        connect(dialog, &QFileDialog::fileSelected, m_newPath, &QLineEdit::setText);
        dialog->open();
    });

    const QString sourceRefusal = m_source ? refusalFor(*m_source) : tr("not registered");
    m_toSource->setEnabled(sourceRefusal.isEmpty());
    m_sourceNote->setText(sourceRefusal.isEmpty() ? tr("Its current content will be replaced.")
                                                  : sourceRefusal);
    bool anyExisting = false;
    for (int row = 0; row < m_targetModel->rowCount(); ++row)
        anyExisting = anyExisting || m_targetModel->item(row)->isEnabled();
    m_toExisting->setEnabled(anyExisting);
    m_targets->setEnabled(m_targetModel->rowCount() > 0);
    if (m_targetModel->rowCount() == 0)
        m_toExisting->setToolTip(tr("No other volume is registered."));
    (sourceRefusal.isEmpty() ? m_toSource : m_toNew)->setChecked(true);
    update();
    resize(sizeHint().expandedTo(QSize(560, 0)));
}

QString RestoreDialog::refusalFor(const Volume& volume) const
{
    QString refusal =
        ChainRules::canRestore(m_backup, volume, volume.status == VolumeStatus::InUse);
    if (refusal.isEmpty()) {
        if (const auto job = m_snapshot->runningJobOn(volume.id))
            refusal = tr("busy: %1 running").arg(job->operation);
    }
    return refusal;
}

void RestoreDialog::update()
{
    m_targets->setEnabled(m_toExisting->isChecked() || !m_toExisting->isEnabled());
    m_newName->setEnabled(m_toNew->isChecked() || m_toNewRbd->isChecked());
    m_newPath->setEnabled(m_toNew->isChecked());
    m_rbdClusters->setEnabled(m_toNewRbd->isChecked());
    m_newRbdImage->setEnabled(m_toNewRbd->isChecked());
    QString problem;
    if (m_toExisting->isChecked()) {
        const QModelIndex current = m_targetModel->index(m_targets->currentIndex(), 0);
        if (!current.isValid() || !(m_targetModel->flags(current) & Qt::ItemIsEnabled))
            problem = tr("Choose a volume large enough for this backup.");
    } else if (m_toNew->isChecked()) {
        const QFileInfo info(m_newPath->text().trimmed());
        if (m_newName->text().trimmed().isEmpty())
            problem = tr("Enter a name for the new volume.");
        else if (m_newPath->text().trimmed().isEmpty())
            problem = tr("Enter where to create the new volume.");
        else if (info.exists())
            problem = tr("%1 already exists; choose a new file name.").arg(info.filePath());
        else if (!QFileInfo(info.absolutePath()).isDir())
            problem = tr("The folder %1 does not exist.").arg(info.absolutePath());
    } else if (m_toNewRbd->isChecked()) {
        const QStringList parts = m_newRbdImage->text().trimmed().split(QLatin1Char('/'));
        const bool wellFormed = parts.size() == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() &&
                                !m_newRbdImage->text().contains(QLatin1Char('@'));
        if (m_newName->text().trimmed().isEmpty())
            problem = tr("Enter a name for the new volume.");
        else if (!wellFormed)
            problem = tr("Name the new image as pool/image.");
        else
            for (const Volume& volume : m_snapshot->volumes)
                if (volume.kind == VolumeKind::Rbd &&
                    volume.backendName == m_rbdClusters->currentText() &&
                    volume.path == m_newRbdImage->text().trimmed())
                    problem = tr("%1 is the registered volume %2: choose it above to overwrite "
                                 "it, or name a new image.")
                                  .arg(volume.path, volume.name);
    }
    showProblem(m_problem, m_buttons, problem);
}

RestoreRequest RestoreDialog::request() const
{
    RestoreRequest request;
    request.backup = m_backup.id;
    if (m_toSource->isChecked() && m_source) {
        request.targetVolume = m_source->id;
    } else if (m_toExisting->isChecked()) {
        request.targetVolume =
            m_targetModel->index(m_targets->currentIndex(), 0).data(IdRole).toString();
    } else if (m_toNewRbd->isChecked()) {
        request.newVolumeName = m_newName->text().trimmed();
        request.newRbdImage = m_newRbdImage->text().trimmed();
        request.newRbdCluster = m_rbdClusters->currentText();
    } else {
        request.newVolumeName = m_newName->text().trimmed();
        request.newVolumePath = QFileInfo(m_newPath->text().trimmed()).absoluteFilePath();
    }
    return request;
}

void RestoreDialog::chooseSource()
{
    m_toSource->setChecked(true);
}

void RestoreDialog::chooseExisting(const QString& volumeId)
{
    m_toExisting->setChecked(true);
    for (int row = 0; row < m_targetModel->rowCount(); ++row)
        if (m_targetModel->item(row)->data(IdRole).toString() == volumeId)
            m_targets->setCurrentIndex(row);
}

void RestoreDialog::chooseNew(const QString& name, const QString& path)
{
    m_toNew->setChecked(true);
    m_newName->setText(name);
    m_newPath->setText(path);
}

void RestoreDialog::chooseNewRbd(const QString& cluster, const QString& poolSlashImage)
{
    m_toNewRbd->setChecked(true);
    m_rbdClusters->setCurrentText(cluster);
    m_newRbdImage->setText(poolSlashImage);
}

void RestoreDialog::acceptConfirmed()
{
    QDialog::accept();
}

void RestoreDialog::confirmAndAccept()
{
    const RestoreRequest wanted = request();
    if (wanted.targetVolume.isEmpty()) {
        QDialog::accept();
        return;
    }
    const auto target = m_snapshot->volume(wanted.targetVolume);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Overwrite Volume?"),
                                tr("Restoring replaces the content of %1 (%2) with backup %3. "
                                   "Whatever is on the volume now is lost.")
                                    .arg(target ? target->name : wanted.targetVolume,
                                         target ? target->path : QString(), backupLabel(m_backup)),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmOverwrite"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* overwrite = box->addButton(tr("Overwrite"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, overwrite](QAbstractButton* button) {
        if (button == overwrite)
            QDialog::accept();
    });
    box->open();
}

// ---------------------------------------------------------------- edit, reset

EditBackupDialog::EditBackupDialog(const Backup& backup, QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("editBackupDialog"));
    setWindowTitle(tr("Edit Backup"));
    auto* form = new QFormLayout(this);
    m_name = new QLineEdit(backup.displayName, this);
    form->addRow(tr("&Name:"), m_name);
    m_description = new QPlainTextEdit(backup.displayDescription, this);
    m_description->setMaximumHeight(100);
    form->addRow(tr("&Description:"), m_description);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString EditBackupDialog::name() const
{
    return m_name->text().trimmed();
}

QString EditBackupDialog::description() const
{
    return m_description->toPlainText().trimmed();
}

ResetStateDialog::ResetStateDialog(const Backup& backup, QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("resetStateDialog"));
    setWindowTitle(tr("Reset Backup State"));
    auto* layout = new QVBoxLayout(this);
    auto* text = new QLabel(tr("Set the status of %1 (now “%2”) without touching its data. "
                               "Use this only to repair a backup left in a wrong state.")
                                .arg(backupLabel(backup), statusText(backup.status)),
                            this);
    text->setWordWrap(true);
    layout->addWidget(text);
    m_state = new QComboBox(this);
    for (const QString& state : {BackupStatus::Available, BackupStatus::Error})
        m_state->addItem(statusIcon(state), statusText(state), state);
    layout->addWidget(m_state);
    okCancelButtons(this, layout, tr("Reset State"));
}

QString ResetStateDialog::state() const
{
    return m_state->currentData().toString();
}

// ---------------------------------------------------------------- records

QByteArray ExportRecordDialog::recordJson(const BackupRecord& record)
{
    QJsonObject inner{{QStringLiteral("backup_service"), record.backupService},
                      {QStringLiteral("backup_url"), record.backupUrl}};
    return QJsonDocument(QJsonObject{{QStringLiteral("backup-record"), inner}})
        .toJson(QJsonDocument::Indented);
}

ExportRecordDialog::ExportRecordDialog(const Backup& backup, const BackupRecord& record,
                                       QWidget* parent)
    : QDialog(parent), m_backup(backup), m_record(record)
{
    setObjectName(QStringLiteral("exportRecordDialog"));
    setWindowTitle(tr("Backup Record of %1").arg(backupLabel(backup)));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Import this record into Cinder (cinder backup-import) or another "
                                "Ember catalog to make the backup known there."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    auto* service = new QLineEdit(record.backupService, this);
    service->setReadOnly(true);
    form->addRow(tr("backup_service:"), service);
    auto* url = new QPlainTextEdit(record.backupUrl, this);
    url->setReadOnly(true);
    form->addRow(tr("backup_url:"), url);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* copy = buttons->addButton(tr("&Copy to Clipboard"), QDialogButtonBox::ActionRole);
    QPushButton* save = buttons->addButton(tr("&Save to File…"), QDialogButtonBox::ActionRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(copy, &QPushButton::clicked, this, &ExportRecordDialog::copyToClipboard);
    connect(save, &QPushButton::clicked, this, &ExportRecordDialog::save);
    resize(620, 360);
}

void ExportRecordDialog::copyToClipboard()
{
    QApplication::clipboard()->setText(QString::fromUtf8(recordJson(m_record)));
}

void ExportRecordDialog::save()
{
    auto* dialog = new QFileDialog(this, tr("Save Backup Record"),
                                   QStringLiteral("backup-%1.json").arg(m_backup.id),
                                   tr("Backup records (*.json)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(recordJson(m_record)) < 0) {
            auto* box = new QMessageBox(QMessageBox::Critical, tr("Save Backup Record"),
                                        tr("Could not write %1: %2").arg(path, file.errorString()),
                                        QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
    });
    dialog->open();
}

ImportRecordDialog::ImportRecordDialog(std::shared_ptr<const CatalogSnapshot> snapshot,
                                       QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("importRecordDialog"));
    setWindowTitle(tr("Import Backup Record"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Paste a record exported by Cinder (cinder backup-export) or "
                                "Ember, or load it from a file."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    m_service = new QLineEdit(this);
    m_service->setPlaceholderText(QStringLiteral("cinder.backup.drivers.posix.PosixBackupDriver"));
    form->addRow(tr("backup_service:"), m_service);
    m_url = new QPlainTextEdit(this);
    form->addRow(tr("backup_url:"), m_url);
    m_backend = new QComboBox(this);
    for (const BackendConfig& backend : snapshot->backends) {
        m_backend->addItem(backend.name, backend.name);
        if (backend.isDefault)
            m_backend->setCurrentIndex(m_backend->count() - 1);
    }
    form->addRow(tr("Into &backend:"), m_backend);
    layout->addLayout(form);
    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = okCancelButtons(this, layout, tr("Import"));
    QPushButton* load = m_buttons->addButton(tr("&Load from File…"), QDialogButtonBox::ActionRole);
    connect(load, &QPushButton::clicked, this, &ImportRecordDialog::load);
    connect(m_service, &QLineEdit::textChanged, this, &ImportRecordDialog::validate);
    connect(m_url, &QPlainTextEdit::textChanged, this, &ImportRecordDialog::validate);
    validate();
    resize(620, 360);
}

void ImportRecordDialog::load()
{
    auto* dialog = new QFileDialog(this, tr("Load Backup Record"), QString(),
                                   tr("Backup records (*.json);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        QFile file(path);
        QJsonParseError error{};
        QJsonDocument document;
        if (file.open(QIODevice::ReadOnly))
            document = QJsonDocument::fromJson(file.read(1 << 20), &error);
        QJsonObject object = document.object();
        if (object.contains(QStringLiteral("backup-record")))
            object = object.value(QStringLiteral("backup-record")).toObject();
        if (object.isEmpty()) {
            m_problem->setText(tr("%1 holds no backup record.").arg(path));
            m_problem->setVisible(true);
            return;
        }
        setRecord({object.value(QStringLiteral("backup_service")).toString(),
                   object.value(QStringLiteral("backup_url")).toString()});
    });
    dialog->open();
}

void ImportRecordDialog::setRecord(const BackupRecord& record)
{
    m_service->setText(record.backupService);
    m_url->setPlainText(record.backupUrl);
}

BackupRecord ImportRecordDialog::record() const
{
    return {m_service->text().trimmed(),
            m_url->toPlainText().simplified().remove(QLatin1Char(' '))};
}

QString ImportRecordDialog::backendName() const
{
    return m_backend->currentData().toString();
}

void ImportRecordDialog::validate()
{
    QString problem;
    if (m_service->text().trimmed().isEmpty())
        problem = tr("Enter the backup_service of the record.");
    else if (m_url->toPlainText().trimmed().isEmpty())
        problem = tr("Enter the backup_url of the record.");
    else if (QByteArray::fromBase64Encoding(record().backupUrl.toLatin1(),
                                            QByteArray::AbortOnBase64DecodingErrors)
                 .decodingStatus != QByteArray::Base64DecodingStatus::Ok)
        problem = tr("backup_url is not valid Base64.");
    showProblem(m_problem, m_buttons, problem);
}

// ---------------------------------------------------------------- details

QString backupDetailsHtml(const Backup& backup, const CatalogSnapshot& snapshot)
{
    auto escape = [](const QString& text) { return text.toHtmlEscaped(); };
    auto yesNo = [](bool value) {
        return value ? QApplication::translate("BackupDetails", "yes")
                     : QApplication::translate("BackupDetails", "no");
    };
    auto time = [](const QDateTime& value) {
        return value.isValid() ? cinderIsoTime(value) : QString();
    };
    QList<QPair<QString, QString>> rows;
    auto add = [&](const char* field, const QString& value) {
        rows.append({QString::fromLatin1(field), value});
    };
    const auto volume = snapshot.volume(backup.volumeId);
    add("id", backup.id);
    add("name", backup.displayName);
    add("description", backup.displayDescription);
    add("status", statusText(backup.status));
    add("fail_reason", backup.failReason);
    add("size", QApplication::translate("BackupDetails", "%1 GiB").arg(backup.size));
    add("object_count", QString::number(backup.objectCount));
    add("availability_zone", backup.availabilityZone);
    add("container", backup.container);
    add("created_at", time(backup.createdAt));
    add("updated_at", time(backup.updatedAt));
    add("volume_id",
        volume ? QStringLiteral("%1 (%2)").arg(backup.volumeId, volume->name) : backup.volumeId);
    add("is_incremental", yesNo(backup.isIncremental()));
    add("parent_id", backup.parentId);
    add("has_dependent_backups", yesNo(backup.hasDependentBackups()));
    add("num_dependent_backups", QString::number(backup.numDependentBackups));
    add("snapshot_id", backup.snapshotId);
    add("data_timestamp", time(backup.dataTimestamp));
    add("metadata",
        QString::fromUtf8(QJsonDocument(backup.metadata).toJson(QJsonDocument::Compact)));
    add("encryption_key_id", backup.encryptionKeyId);
    add("service", backup.service);
    add("service_metadata", backup.serviceMetadata);
    add("backend", backup.backendName);
    add("stored", backup.storedBytes > 0 ? formatBytes(backup.storedBytes) : QString());
    if (backup.isEncrypted())
        add("encryption", QApplication::translate("BackupDetails", "%1, master key %2")
                              .arg(backup.encryption, backup.encryptionKeyFingerprint));
    if (backup.immutableUntil.isValid()) {
        const QString lock = describeImmutability(backup, QDateTime::currentDateTimeUtc());
        add("immutable_until", lock.isEmpty()
                                   ? QApplication::translate("BackupDetails", "lock ended %1")
                                         .arg(immutableUntilText(backup.immutableUntil))
                                   : lock);
    }

    QString html = QStringLiteral("<table cellspacing='0' cellpadding='2'>");
    for (const auto& [field, value] : rows) {
        QString shown = escape(value);
        if (field == QLatin1String("status"))
            shown = QStringLiteral("<span style='color:%1'><b>%2</b></span>")
                        .arg(statusColor(backup.status).name(), shown);
        if (field == QLatin1String("fail_reason") && !value.isEmpty())
            shown = QStringLiteral("<span style='color:#c62828'>%1</span>").arg(shown);
        html += QStringLiteral("<tr><td><tt>%1</tt></td><td>%2</td></tr>").arg(field, shown);
    }
    html += QStringLiteral("</table>");

    // The chain this backup belongs to, full backup first.
    QStringList chain;
    std::optional<Backup> cursor = backup;
    QSet<QString> seen;
    while (cursor && !seen.contains(cursor->id)) {
        seen.insert(cursor->id);
        chain.prepend(
            escape(cursor->displayName.isEmpty() ? cursor->name().left(15) : cursor->displayName));
        cursor = cursor->parentId.isEmpty() ? std::nullopt : snapshot.backup(cursor->parentId);
    }
    html += QStringLiteral("<p><b>%1</b> %2</p>")
                .arg(QApplication::translate("BackupDetails", "Chain:"),
                     chain.join(QStringLiteral(" &rarr; ")));
    return html;
}

} // namespace ember::ui
