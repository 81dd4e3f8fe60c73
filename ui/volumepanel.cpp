#include "volumepanel.h"

#include "itemroles.h"
#include "panelsupport.h"
#include "volumemodel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace ember::ui {

VolumePanel::VolumePanel(VolumeModel* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("volumePanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* title = new QLabel(tr("<b>Volumes</b>"), this);
    layout->addWidget(title);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("volumeFilter"));
    m_filter->setPlaceholderText(tr("Filter volumes (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    auto* focusFilter = new QAction(this);
    focusFilter->setShortcut(QKeySequence::Find);
    connect(focusFilter, &QAction::triggered, m_filter, [this] { m_filter->setFocus(); });
    addAction(focusFilter);
    layout->addWidget(m_filter);

    m_stack = new QStackedWidget(this);
    // Page 0: the first start, with nothing registered yet.
    auto* empty = new QWidget(m_stack);
    empty->setObjectName(QStringLiteral("emptyVolumes"));
    auto* emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch();
    auto* welcome =
        new QLabel(tr("<h3>No volumes yet</h3><p>Register a disk image or block "
                      "device to back it up, or try Ember on a small sample volume.</p>"),
                   empty);
    welcome->setWordWrap(true);
    welcome->setAlignment(Qt::AlignCenter);
    emptyLayout->addWidget(welcome);
    auto* addButton = new QPushButton(icon("add-volume"), tr("Add a Volume…"), empty);
    addButton->setObjectName(QStringLiteral("addVolumeButton"));
    auto* sampleButton = new QPushButton(icon("sample"), tr("Create a Sample Volume"), empty);
    sampleButton->setObjectName(QStringLiteral("sampleVolumeButton"));
    connect(addButton, &QPushButton::clicked, this, [this] {
        if (m_addVolumeAction)
            m_addVolumeAction->trigger();
    });
    connect(sampleButton, &QPushButton::clicked, this, [this] {
        if (m_sampleVolumeAction)
            m_sampleVolumeAction->trigger();
    });
    for (QPushButton* button : {addButton, sampleButton}) {
        auto* row = new QHBoxLayout;
        row->addStretch();
        row->addWidget(button);
        row->addStretch();
        emptyLayout->addLayout(row);
    }
    emptyLayout->addStretch();
    m_stack->addWidget(empty);

    m_view = new QTableView(m_stack);
    m_view->setObjectName(QStringLiteral("volumeView"));
    m_proxy = rawSortingProxy(m_model, this);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(VolumeModel::Name, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->setAlternatingRowColors(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setColumnWidth(VolumeModel::Name, 120);
    m_view->setColumnWidth(VolumeModel::Kind, 90);
    m_view->setColumnWidth(VolumeModel::Path, 240);
    m_view->setColumnWidth(VolumeModel::Size, 80);
    m_view->setColumnWidth(VolumeModel::Status, 100);
    m_view->setColumnWidth(VolumeModel::BackupCount, 70);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint& position) {
        if (m_contextMenu)
            m_contextMenu->popup(m_view->viewport()->mapToGlobal(position));
    });
    m_stack->addWidget(m_view);
    m_stack->setCurrentIndex(1);
    setSourceKind(SourceKind::Local);
    layout->addWidget(m_stack);

    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &VolumePanel::selectionChanged);
}

void VolumePanel::setModel(VolumeModel* model)
{
    m_model = model;
    m_proxy->setSourceModel(model);
}

void VolumePanel::setSourceKind(SourceKind kind)
{
    const QList<int> shown = VolumeModel::columnsFor(kind);
    for (int column = 0; column < VolumeModel::ColumnCount; ++column)
        m_view->setColumnHidden(column, !shown.contains(column));
}

QStringList VolumePanel::selectedVolumeIds() const
{
    QStringList ids;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows())
        ids.append(index.data(IdRole).toString());
    return ids;
}

bool VolumePanel::selectVolume(const QString& volumeId)
{
    const int row = m_model ? m_model->rowOf(volumeId) : -1;
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return false;
    m_view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                QItemSelectionModel::Rows);
    m_view->setCurrentIndex(index);
    return true;
}

void VolumePanel::selectFirstRow()
{
    if (m_proxy->rowCount() > 0)
        m_view->selectRow(0);
}

void VolumePanel::setEmptyPageShown(bool shown)
{
    m_stack->setCurrentIndex(shown ? 0 : 1);
}

void VolumePanel::setEmptyPageActions(QAction* addVolume, QAction* sampleVolume)
{
    m_addVolumeAction = addVolume;
    m_sampleVolumeAction = sampleVolume;
}

} // namespace ember::ui
