// The backup chain panel's tree: each full backup is a root and every
// incremental sits below the backup it was taken on top of, so which backup
// depends on which is visible at a glance (Cinder's lists never show it).
#pragma once

#include "catalogsnapshot.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QSet>
#include <memory>
#include <vector>

namespace ember::ui {

class BackupTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Status,
        Size,
        Stored,
        Incremental,
        ObjectCount,
        Container,
        Backend,
        Created,
        DataTimestamp,
        Dependents,
        VolumeName,
        // A cloud's backups.
        Snapshot,
        FailReason,
        Project,
        // The last verification: when, and ok or what failed (local backups).
        Verified,
        // S3 Object Lock: until when no one can delete it (local backups).
        Immutable,
        // Encryption at rest: the master key's fingerprint, shortened, with a
        // lock (local backups); empty for backups in the clear.
        Key,
        ColumnCount
    };
    Q_ENUM(Column)

    // The columns a source of this kind fills, in display order; views hide
    // the others.
    static QList<int> columnsFor(SourceKind kind);

    explicit BackupTreeModel(QObject* parent = nullptr);
    ~BackupTreeModel() override;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Shows the backups of these volumes. Updates in place (see VolumeModel).
    void setVolumes(const QSet<QString>& volumeIds);
    QSet<QString> volumes() const { return m_volumeIds; }
    void apply(const CatalogSnapshot& snapshot);

    std::optional<Backup> backup(const QModelIndex& index) const;
    QModelIndex indexOf(const QString& backupId, int column = 0) const;
    int chainDepth(const QString& backupId) const;

    // The fingerprints of the master keys this host can open (the app passes
    // KeyStore::unwrappable()). An encrypted backup whose key is not among
    // them shows "key not available" (KeyProblemRole). Until it is set the
    // model claims nothing about keys.
    void setAvailableKeys(const QSet<QString>& fingerprints);
    // Why `backup` cannot be read on this host; empty when it can (or when
    // the available keys are not known).
    QString keyProblem(const Backup& backup) const;

private:
    struct Node
    {
        Backup backup;
        CloudBackupFacts facts;
        std::optional<VerifyResult> verified;
        Node* parent = nullptr;
        std::vector<std::unique_ptr<Node>> children;
        int row = 0; // in parent->children, kept by rebuild (views ask parent() very often)
        int rowInParent() const { return row; }
    };
    QModelIndex indexFor(Node* node, int column) const;
    Node* nodeFor(const QModelIndex& index) const;
    void forget(Node* node);
    void rebuild();

    Node m_root;
    QHash<QString, Node*> m_nodes;
    QSet<QString> m_volumeIds;
    QHash<QString, QString> m_volumeNames;
    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    std::optional<QSet<QString>> m_availableKeys;
};

} // namespace ember::ui
