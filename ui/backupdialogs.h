// The dialogs around one backup: create, restore, edit, reset state, export
// and import records. Each explains what it will do (and why an option is
// unavailable) before the user clicks; none touches the catalog itself.
#pragma once

#include "backupservice.h"
#include "catalogsnapshot.h"

#include <QDialog>
#include <memory>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QRadioButton;
class QStandardItemModel;

namespace ember::ui {

class CreateBackupDialog : public QDialog
{
    Q_OBJECT
public:
    CreateBackupDialog(const Volume& volume, std::shared_ptr<const CatalogSnapshot> snapshot,
                       QWidget* parent = nullptr);
    CreateBackupRequest request() const;
    // The backup an incremental would be taken on top of, if any.
    std::optional<Backup> parentBackup() const { return m_parent; }

private:
    void update();

    Volume m_volume;
    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    std::optional<Backup> m_parent;
    QString m_parentRefusal;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_description = nullptr;
    QComboBox* m_backend = nullptr;
    QLineEdit* m_container = nullptr;
    QCheckBox* m_incremental = nullptr;
    QLabel* m_parentLabel = nullptr;
    QCheckBox* m_force = nullptr;
    QLabel* m_forceLabel = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

class RestoreDialog : public QDialog
{
    Q_OBJECT
public:
    RestoreDialog(const Backup& backup, std::shared_ptr<const CatalogSnapshot> snapshot,
                  const QString& defaultDirectory, QWidget* parent = nullptr);
    RestoreRequest request() const;
    // Why a volume cannot take this restore (empty = it can).
    QString refusalFor(const Volume& volume) const;

    void chooseSource();
    void chooseExisting(const QString& volumeId);
    void chooseNew(const QString& name, const QString& path);
    // A new RBD image "pool/image" on the cluster of Ceph backend `cluster`.
    void chooseNewRbd(const QString& cluster, const QString& poolSlashImage);
    // Accept without the overwrite question (tests, after confirming).
    void acceptConfirmed();

private:
    void update();
    void confirmAndAccept();

    Backup m_backup;
    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    std::optional<Volume> m_source;
    QRadioButton* m_toSource = nullptr;
    QRadioButton* m_toExisting = nullptr;
    QRadioButton* m_toNew = nullptr;
    QLabel* m_sourceNote = nullptr;
    QComboBox* m_targets = nullptr;
    QStandardItemModel* m_targetModel = nullptr;
    QLineEdit* m_newName = nullptr;
    QLineEdit* m_newPath = nullptr;
    QRadioButton* m_toNewRbd = nullptr;
    QComboBox* m_rbdClusters = nullptr;
    QLineEdit* m_newRbdImage = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

class EditBackupDialog : public QDialog
{
    Q_OBJECT
public:
    EditBackupDialog(const Backup& backup, QWidget* parent = nullptr);
    QString name() const;
    QString description() const;

private:
    QLineEdit* m_name = nullptr;
    QPlainTextEdit* m_description = nullptr;
};

class ResetStateDialog : public QDialog
{
    Q_OBJECT
public:
    ResetStateDialog(const Backup& backup, QWidget* parent = nullptr);
    QString state() const;

private:
    QComboBox* m_state = nullptr;
};

// Shows an exported record; copies it to the clipboard or saves it.
class ExportRecordDialog : public QDialog
{
    Q_OBJECT
public:
    ExportRecordDialog(const Backup& backup, const BackupRecord& record, QWidget* parent = nullptr);
    static QByteArray recordJson(const BackupRecord& record);
    void copyToClipboard();

private:
    void save();
    Backup m_backup;
    BackupRecord m_record;
};

class ImportRecordDialog : public QDialog
{
    Q_OBJECT
public:
    ImportRecordDialog(std::shared_ptr<const CatalogSnapshot> snapshot, QWidget* parent = nullptr);
    BackupRecord record() const;
    QString backendName() const;
    void setRecord(const BackupRecord& record);

private:
    void load();
    void validate();
    QLineEdit* m_service = nullptr;
    QPlainTextEdit* m_url = nullptr;
    QComboBox* m_backend = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

// Cinder's backup-show fields, as rich text for the details pane.
QString backupDetailsHtml(const Backup& backup, const CatalogSnapshot& snapshot);
QString backupLabel(const Backup& backup);

} // namespace ember::ui
