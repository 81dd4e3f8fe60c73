// The volumes panel: the volume table with its filter, and the page a first
// start shows instead while nothing is registered. It shows any VolumeModel,
// so the same panel serves each source of volumes.
#pragma once

#include "catalogsnapshot.h"

#include <QStringList>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace ember::ui {

class VolumeModel;

class VolumePanel : public QWidget
{
    Q_OBJECT
public:
    explicit VolumePanel(VolumeModel* model, QWidget* parent = nullptr);

    // Shows another model's volumes (the filter and the columns stay).
    void setModel(VolumeModel* model);
    VolumeModel* model() const { return m_model; }
    // Shows only the columns a source of this kind fills (local by default),
    // and for a cloud the project and status filters.
    void setSourceKind(SourceKind kind);

    // A cloud's filters. The projects to choose from (the first entry, "All
    // projects", only when `allProjects`); `current` empty = all of them.
    void setProjectChoices(const QStringList& projects, bool allProjects, const QString& current);
    // The statuses to choose from (besides "All statuses"); the choice stays.
    void setStatusChoices(const QStringList& statuses);
    QComboBox* projectFilter() const { return m_projectFilter; }
    QComboBox* statusFilter() const { return m_statusFilter; }
    // Why the source's lists could not be read, shown above the table
    // (empty: hidden).
    void setProblem(const QString& problem);
    QString problem() const;

    QTableView* view() const { return m_view; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QLineEdit* filter() const { return m_filter; }

    // The ids of the selected volumes, in selection order.
    QStringList selectedVolumeIds() const;
    // Selects only this volume; false when it is not shown.
    bool selectVolume(const QString& volumeId);
    // Selects the first row shown (nothing when none is).
    void selectFirstRow();

    // The page for a first start instead of the table, with buttons that
    // trigger these actions.
    void setEmptyPageShown(bool shown);
    void setEmptyPageActions(QAction* addVolume, QAction* sampleVolume);
    // The menu the table opens on a right click.
    void setContextMenu(QMenu* menu) { m_contextMenu = menu; }

Q_SIGNALS:
    void selectionChanged();
    // The user chose a project ("" = all projects).
    void projectChosen(const QString& projectId);

private:
    VolumeModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QLineEdit* m_filter = nullptr;
    QWidget* m_cloudFilters = nullptr;
    QComboBox* m_projectFilter = nullptr;
    QComboBox* m_statusFilter = nullptr;
    QLabel* m_problem = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTableView* m_view = nullptr;
    QAction* m_addVolumeAction = nullptr;
    QAction* m_sampleVolumeAction = nullptr;
    QMenu* m_contextMenu = nullptr;
    SourceKind m_kind = SourceKind::Local;
};

} // namespace ember::ui
