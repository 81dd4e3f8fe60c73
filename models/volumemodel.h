// The volumes panel's table: one row per registered volume.
#pragma once

#include "catalogsnapshot.h"

#include <QAbstractTableModel>
#include <QList>

namespace ember::ui {

class VolumeModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Name,
        Kind,
        Path,
        Size,
        Status,
        BackupCount,
        LastBackup,
        // A cloud's volumes.
        Project,
        VolumeType,
        Attachments,
        Bootable,
        ColumnCount
    };
    Q_ENUM(Column)

    // The columns a source of this kind fills, in display order; views hide
    // the others.
    static QList<int> columnsFor(SourceKind kind);

    explicit VolumeModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Brings the rows in line with the snapshot in place: changed rows emit
    // dataChanged, new ones are inserted, vanished ones removed, so views
    // keep their selection and scroll position.
    void apply(const CatalogSnapshot& snapshot);

    QString volumeId(int row) const;
    int rowOf(const QString& volumeId) const;
    std::optional<Volume> volume(const QString& volumeId) const;

private:
    struct Row
    {
        Volume volume;
        CloudVolumeFacts facts;
        int backupCount = 0;
        QDateTime lastBackup;
        bool operator==(const Row& other) const;
    };
    QList<Row> m_rows;
};

} // namespace ember::ui
