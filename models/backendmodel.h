// The backends view's table: every configured place to store backups.
#pragma once

#include "catalogsnapshot.h"

#include <QAbstractTableModel>

namespace ember::ui {

class BackendModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Type,
        Location,
        IsDefault,
        BackupCount,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit BackendModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void apply(const CatalogSnapshot& snapshot);
    std::optional<BackendConfig> backend(int row) const;
    int backupCount(const QString& backendName) const { return m_backupCounts.value(backendName); }

    // A short description of where a backend stores data (path, URL, pool).
    static QString locationOf(const BackendConfig& backend);
    // The plugin's display name ("OpenStack Swift"), else the type itself.
    static QString typeNameOf(const BackendConfig& backend);

private:
    QList<BackendConfig> m_backends;
    QHash<QString, int> m_backupCounts;
};

} // namespace ember::ui
