#include "clouddialogs.h"

#include "backupdialogs.h"
#include "backuprecord.h"
#include "chainrules.h"
#include "dialogbuttons.h"
#include "itemroles.h"
#include "jobrunner.h"
#include "problemlabel.h"
#include "statusstyle.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace ember::ui {

// ---------------------------------------------------------------- create

CloudBackupDialog::CloudBackupDialog(const Volume& volume, Source* source, QWidget* parent)
    : QDialog(parent), m_volume(volume), m_source(source)
{
    setObjectName(QStringLiteral("cloudBackupDialog"));
    setWindowTitle(
        tr("Back Up %1 in %2")
            .arg(volume.name.isEmpty() ? volume.id : volume.name, source->displayName()));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Cinder's backup service makes the backup; the jobs panel follows "
                                "its status until it is available."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    form->addRow(tr("&Name:"), m_name);
    m_description = new QLineEdit(this);
    m_description->setObjectName(QStringLiteral("description"));
    form->addRow(tr("&Description:"), m_description);
    m_container = new QLineEdit(this);
    m_container->setObjectName(QStringLiteral("container"));
    m_container->setPlaceholderText(tr("the backup service's default"));
    form->addRow(tr("&Container:"), m_container);
    m_snapshot = new QLineEdit(this);
    m_snapshot->setObjectName(QStringLiteral("snapshotId"));
    m_snapshot->setPlaceholderText(tr("none: back up the volume itself"));
    m_snapshot->setToolTip(tr("Back up this snapshot of the volume instead of the volume (its "
                              "id, as `cinder snapshot-list` shows it)"));
    form->addRow(tr("From &snapshot:"), m_snapshot);
    layout->addLayout(form);

    m_incremental = new QCheckBox(tr("&Incremental (on top of the volume's newest backup)"), this);
    m_incremental->setObjectName(QStringLiteral("incremental"));
    layout->addWidget(m_incremental);
    m_parentLabel = new QLabel(this);
    m_parentLabel->setWordWrap(true);
    m_parentLabel->setIndent(20);
    layout->addWidget(m_parentLabel);
    m_force = new QCheckBox(tr("&Force: back up although the volume is in use"), this);
    m_force->setObjectName(QStringLiteral("force"));
    m_force->setToolTip(tr("Cinder backs up an attached volume only with force; the backup then "
                           "holds what was on the disk at that moment, not what the server "
                           "still has in memory."));
    layout->addWidget(m_force);

    const auto snapshot = source->snapshot();
    const ChainRules::ParentChoice choice =
        ChainRules::chooseParent(snapshot->backupsOf(volume.id));
    if (choice.parent && choice.refusal.isEmpty()) {
        m_parentLabel->setText(tr("Cinder takes it on top of %1 (the newest available backup).")
                                   .arg(backupLabel(*choice.parent)));
        m_incremental->setChecked(true);
    } else {
        m_parentLabel->setText(choice.refusal);
    }
    m_force->setChecked(false);

    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = okCancelButtons(this, layout, tr("Back &Up"), [this] {
        if (problem().isEmpty())
            accept();
    });
    for (QCheckBox* box : {m_incremental, m_force})
        connect(box, &QCheckBox::toggled, this, &CloudBackupDialog::update);
    connect(m_snapshot, &QLineEdit::textChanged, this, &CloudBackupDialog::update);
    connect(source, &Source::snapshotChanged, this, &CloudBackupDialog::update);
    update();
}

BackupRequest CloudBackupDialog::request() const
{
    BackupRequest request;
    request.volumeId = m_volume.id;
    request.name = m_name->text().trimmed();
    request.description = m_description->text().trimmed();
    request.container = m_container->text().trimmed();
    request.snapshotId = m_snapshot->text().trimmed();
    request.incremental = m_incremental->isChecked();
    request.force = m_force->isChecked();
    return request;
}

QString CloudBackupDialog::problem() const
{
    if (!m_source)
        return tr("The cloud is no longer shown.");
    return m_source->checkCreateBackup(request());
}

void CloudBackupDialog::update()
{
    showProblem(m_problem, m_buttons, problem());
}

// ---------------------------------------------------------------- restore

CloudRestoreDialog::CloudRestoreDialog(const Backup& backup, Source* source, QWidget* parent)
    : QDialog(parent), m_backup(backup), m_source(source)
{
    setObjectName(QStringLiteral("cloudRestoreDialog"));
    setWindowTitle(tr("Restore %1").arg(backupLabel(backup)));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Cinder restores the backup's whole chain (%1 GiB) into the volume "
                                "you choose; the jobs panel follows it.")
                                 .arg(backup.size),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* group = new QButtonGroup(this);
    m_toNew = new QRadioButton(tr("To a &new volume named:"), this);
    m_toNew->setObjectName(QStringLiteral("toNew"));
    group->addButton(m_toNew);
    layout->addWidget(m_toNew);
    m_newName = new QLineEdit(this);
    m_newName->setObjectName(QStringLiteral("newName"));
    m_newName->setText(tr("restore of %1").arg(backupLabel(backup)));
    layout->addWidget(m_newName);
    m_toExisting = new QRadioButton(tr("To an &existing volume (its data is replaced):"), this);
    m_toExisting->setObjectName(QStringLiteral("toExisting"));
    group->addButton(m_toExisting);
    layout->addWidget(m_toExisting);
    m_targets = new QComboBox(this);
    m_targets->setObjectName(QStringLiteral("targets"));
    m_targetModel = new QStandardItemModel(this);
    m_targets->setModel(m_targetModel);
    layout->addWidget(m_targets);

    // Volumes of the backup's project; those the rules refuse are greyed out
    // with the reason.
    const auto snapshot = source->snapshot();
    for (const Volume& volume : snapshot->volumes) {
        const QString project = snapshot->volumeFactsOf(volume.id).projectId;
        if (!backup.projectId.isEmpty() && !project.isEmpty() && project != backup.projectId)
            continue;
        auto* item = new QStandardItem(statusIcon(volume.status),
                                       tr("%1 (%2 GiB, %3)")
                                           .arg(volume.name.isEmpty() ? volume.id : volume.name)
                                           .arg(volume.sizeGiB())
                                           .arg(statusText(volume.status)));
        item->setData(volume.id, Qt::UserRole);
        const QString refusal = source->checkRestore({backup.id, volume.id, QString()});
        if (!refusal.isEmpty()) {
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
            item->setToolTip(refusal);
        }
        m_targetModel->appendRow(item);
    }
    m_toNew->setChecked(true);

    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = okCancelButtons(this, layout, tr("&Restore"), [this] {
        if (problem().isEmpty())
            accept();
    });
    connect(m_toNew, &QRadioButton::toggled, this, &CloudRestoreDialog::update);
    connect(m_targets, &QComboBox::currentIndexChanged, this, &CloudRestoreDialog::update);
    connect(m_newName, &QLineEdit::textChanged, this, &CloudRestoreDialog::update);
    update();
}

RestoreRequest CloudRestoreDialog::request() const
{
    RestoreRequest request;
    request.backupId = m_backup.id;
    if (m_toNew->isChecked())
        request.newVolumeName = m_newName->text().trimmed();
    else
        request.targetVolumeId = m_targets->currentData(Qt::UserRole).toString();
    return request;
}

QString CloudRestoreDialog::problem() const
{
    if (!m_source)
        return tr("The cloud is no longer shown.");
    if (m_toExisting->isChecked() && m_targets->currentIndex() < 0)
        return tr("Choose the volume to restore into.");
    return m_source->checkRestore(request());
}

void CloudRestoreDialog::chooseNew(const QString& name)
{
    m_toNew->setChecked(true);
    m_newName->setText(name);
}

void CloudRestoreDialog::chooseExisting(const QString& volumeId)
{
    m_toExisting->setChecked(true);
    m_targets->setCurrentIndex(m_targets->findData(volumeId, Qt::UserRole));
}

void CloudRestoreDialog::update()
{
    m_newName->setEnabled(m_toNew->isChecked());
    m_targets->setEnabled(m_toExisting->isChecked());
    showProblem(m_problem, m_buttons, problem());
}

// ---------------------------------------------------------------- import

CloudImportDialog::CloudImportDialog(const QString& cloudName, QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("cloudImportDialog"));
    setWindowTitle(tr("Import a Backup Record into %1").arg(cloudName));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Paste a record as `cinder backup-export` (or Ember's Export "
                                "Record) prints it. Cinder then knows the backup and can restore "
                                "it, provided its backup service reaches the stored data."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    m_service = new QLineEdit(this);
    m_service->setObjectName(QStringLiteral("backupService"));
    form->addRow(tr("Backup &service:"), m_service);
    m_url = new QPlainTextEdit(this);
    m_url->setObjectName(QStringLiteral("backupUrl"));
    form->addRow(tr("Backup &URL:"), m_url);
    layout->addLayout(form);
    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = okCancelButtons(this, layout, tr("&Import"));
    connect(m_service, &QLineEdit::textChanged, this, &CloudImportDialog::validate);
    connect(m_url, &QPlainTextEdit::textChanged, this, &CloudImportDialog::validate);
    validate();
    resize(560, 320);
}

QString CloudImportDialog::backupService() const
{
    return m_service->text().trimmed();
}

QString CloudImportDialog::backupUrl() const
{
    return m_url->toPlainText().simplified().remove(QLatin1Char(' '));
}

void CloudImportDialog::setRecord(const QString& backupService, const QString& backupUrl)
{
    m_service->setText(backupService);
    m_url->setPlainText(backupUrl);
}

void CloudImportDialog::validate()
{
    QString text;
    if (backupService().isEmpty() || backupUrl().isEmpty()) {
        text = tr("Both parts of the record are needed.");
    } else {
        try {
            ember::importRecord({backupService(), backupUrl()});
        } catch (const Error& error) {
            text = error.message();
        }
    }
    showProblem(m_problem, m_buttons, text);
}

} // namespace ember::ui
