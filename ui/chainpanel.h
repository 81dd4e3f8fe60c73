// The backup chains panel: the chain tree of the selected volumes with its
// filter, and the details of the current backup (or volume) below, which
// name the actions that are not possible now and why. It shows any
// BackupTreeModel, so the same panel serves each source of backups.
#pragma once

#include "catalogsnapshot.h"

#include <QList>
#include <QStringList>
#include <QWidget>
#include <optional>

class QAction;
class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QSplitter;
class QTextBrowser;
class QTreeView;

namespace ember::ui {

class BackupTreeModel;

class ChainPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChainPanel(BackupTreeModel* model, QWidget* parent = nullptr);

    // Shows another model's chains (the filter and the columns stay).
    void setModel(BackupTreeModel* model);
    BackupTreeModel* model() const { return m_model; }
    // Shows only the columns a source of this kind fills (local by default).
    // The volume column is left to showVolumes: shown for several volumes.
    void setSourceKind(SourceKind kind);

    QTreeView* view() const { return m_view; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTextBrowser* details() const { return m_details; }
    // Between the tree and the details (its state is saved with the window's).
    QSplitter* splitter() const { return m_splitter; }

    // Shows the chains of these volumes; `volumeName` titles a single one.
    void showVolumes(const QStringList& volumeIds, const QString& volumeName);
    // The id of the selected backup (empty when none is).
    QString currentBackupId() const;
    // Selects this backup and scrolls to it; false when it is not shown.
    bool selectBackup(const QString& backupId);

    // The details: of `backup` when there is one, else of `volume`, else a
    // hint. A backup's details list the explained actions that are disabled,
    // with their tooltips as the reasons.
    void showDetails(const CatalogSnapshot& snapshot, const std::optional<Volume>& volume,
                     const std::optional<Backup>& backup);
    void setExplainedActions(const QList<QAction*>& actions) { m_explainedActions = actions; }
    // The menu the tree opens on a right click.
    void setContextMenu(QMenu* menu) { m_contextMenu = menu; }

Q_SIGNALS:
    void currentBackupChanged();
    // A shown backup's row changed (its details may be stale).
    void backupDataChanged();
    // A double click on a backup.
    void backupActivated();

private:
    // Expands the parents of rows first..last of the model under `sourceParent`.
    void expandInserted(const QModelIndex& sourceParent, int first, int last);

    BackupTreeModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QSplitter* m_splitter = nullptr;
    QLabel* m_title = nullptr;
    QLineEdit* m_filter = nullptr;
    QTreeView* m_view = nullptr;
    QTextBrowser* m_details = nullptr;
    QList<QAction*> m_explainedActions;
    QMenu* m_contextMenu = nullptr;
    SourceKind m_kind = SourceKind::Local;
    QList<QMetaObject::Connection> m_modelConnections;
};

} // namespace ember::ui
