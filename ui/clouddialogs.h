// The dialogs of a cloud's actions: create a backup (name, description,
// container, incremental, force, from a snapshot), restore (to a new volume or
// an existing one) and import a record. Each asks the source's rules while the
// user types and names the reason beside a greyed-out OK; none talks to the
// cloud itself (the source runs the action as a job).
#pragma once

#include "source.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QRadioButton;
class QStandardItemModel;

namespace ember::ui {

class CloudBackupDialog : public QDialog
{
    Q_OBJECT
public:
    CloudBackupDialog(const Volume& volume, Source* source, QWidget* parent = nullptr);
    BackupRequest request() const;
    // Why OK is greyed out (empty: it is not).
    QString problem() const;

    QLineEdit* nameEdit() const { return m_name; }
    QCheckBox* incrementalBox() const { return m_incremental; }
    QCheckBox* forceBox() const { return m_force; }

private:
    void update();

    Volume m_volume;
    QPointer<Source> m_source;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_description = nullptr;
    QLineEdit* m_container = nullptr;
    QLineEdit* m_snapshot = nullptr;
    QCheckBox* m_incremental = nullptr;
    QLabel* m_parentLabel = nullptr;
    QCheckBox* m_force = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

class CloudRestoreDialog : public QDialog
{
    Q_OBJECT
public:
    CloudRestoreDialog(const Backup& backup, Source* source, QWidget* parent = nullptr);
    RestoreRequest request() const;
    QString problem() const;

    void chooseNew(const QString& name);
    void chooseExisting(const QString& volumeId);

private:
    void update();

    Backup m_backup;
    QPointer<Source> m_source;
    QRadioButton* m_toNew = nullptr;
    QRadioButton* m_toExisting = nullptr;
    QLineEdit* m_newName = nullptr;
    QComboBox* m_targets = nullptr;
    QStandardItemModel* m_targetModel = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

// An export record (backup_service and backup_url, as `cinder backup-export`
// prints them) to import into the cloud.
class CloudImportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CloudImportDialog(const QString& cloudName, QWidget* parent = nullptr);
    QString backupService() const;
    QString backupUrl() const;
    void setRecord(const QString& backupService, const QString& backupUrl);

private:
    void validate();

    QLineEdit* m_service = nullptr;
    QPlainTextEdit* m_url = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace ember::ui
