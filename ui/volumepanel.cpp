#include "volumepanel.h"

#include "itemroles.h"
#include "panelsupport.h"
#include "statusstyle.h"
#include "volumemodel.h"

#include <QAction>
#include <QComboBox>
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

namespace {

// The panel's filter: the text on every column, and for a cloud one status.
class VolumeFilterProxy : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setStatus(const QString& status)
    {
        if (status == m_status)
            return;
        m_status = status;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        if (!m_status.isEmpty() &&
            sourceModel()->index(row, VolumeModel::Status, parent).data(RawValueRole).toString() !=
                m_status)
            return false;
        return QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }

private:
    QString m_status;
};

} // namespace

VolumePanel::VolumePanel(VolumeModel* model, QWidget* parent) : QWidget(parent), m_model(model)
{
    setObjectName(QStringLiteral("volumePanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* title = new QLabel(tr("<b>Volumes</b>"), this);
    layout->addWidget(title);
    m_filter = filterEdit(this, QStringLiteral("volumeFilter"), tr("Filter volumes (Ctrl+F)"));
    auto* focusFilter = new QAction(this);
    focusFilter->setShortcut(QKeySequence::Find);
    connect(focusFilter, &QAction::triggered, m_filter, [this] { m_filter->setFocus(); });
    addAction(focusFilter);
    layout->addWidget(m_filter);

    // A cloud's filters: the project (admins choose; Cinder lists only that
    // one) and the status.
    m_cloudFilters = new QWidget(this);
    auto* filters = new QHBoxLayout(m_cloudFilters);
    filters->setContentsMargins(0, 0, 0, 0);
    m_projectFilter = new QComboBox(m_cloudFilters);
    m_projectFilter->setObjectName(QStringLiteral("projectFilter"));
    m_projectFilter->setToolTip(tr("The project whose volumes and backups are shown"));
    m_projectFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_statusFilter = new QComboBox(m_cloudFilters);
    m_statusFilter->setObjectName(QStringLiteral("statusFilter"));
    m_statusFilter->addItem(tr("All statuses"), QString());
    filters->addWidget(new QLabel(tr("Project:"), m_cloudFilters));
    filters->addWidget(m_projectFilter, 1);
    filters->addWidget(new QLabel(tr("Status:"), m_cloudFilters));
    filters->addWidget(m_statusFilter);
    layout->addWidget(m_cloudFilters);
    connect(m_projectFilter, &QComboBox::activated, this, [this](int index) {
        Q_EMIT projectChosen(m_projectFilter->itemData(index).toString());
    });
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("sourceProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setStyleSheet(QStringLiteral("color: #c62828"));
    m_problem->hide();
    layout->addWidget(m_problem);

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
    auto* proxy = new VolumeFilterProxy(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(RawValueRole);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setFilterKeyColumn(-1);
    proxy->setDynamicSortFilter(true);
    m_proxy = proxy;
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this,
            [this, proxy] { proxy->setStatus(m_statusFilter->currentData().toString()); });
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(VolumeModel::Name, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->setAlternatingRowColors(true);
    m_view->setColumnWidth(VolumeModel::Name, 120);
    m_view->setColumnWidth(VolumeModel::Kind, 90);
    m_view->setColumnWidth(VolumeModel::Path, 240);
    m_view->setColumnWidth(VolumeModel::Size, 80);
    m_view->setColumnWidth(VolumeModel::Status, 100);
    m_view->setColumnWidth(VolumeModel::BackupCount, 70);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    offerContextMenu(m_view, [this] { return m_contextMenu; });
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
    // Between kinds the columns take the kind's order; a restored order of
    // the local columns is kept until a cloud was shown.
    if (kind != m_kind) {
        m_kind = kind;
        orderColumns(m_view->horizontalHeader(), shown);
    }
    for (int column = 0; column < VolumeModel::ColumnCount; ++column)
        m_view->setColumnHidden(column, !shown.contains(column));
    m_cloudFilters->setVisible(kind == SourceKind::Cloud);
    if (kind != SourceKind::Cloud)
        m_statusFilter->setCurrentIndex(0); // a local volume's statuses differ
}

void VolumePanel::setProjectChoices(const QStringList& projects, bool allProjects,
                                    const QString& current)
{
    const QSignalBlocker quiet(m_projectFilter);
    m_projectFilter->clear();
    if (allProjects)
        m_projectFilter->addItem(tr("All projects"), QString());
    for (const QString& project : projects)
        m_projectFilter->addItem(project, project);
    const int index = m_projectFilter->findData(current);
    m_projectFilter->setCurrentIndex(qMax(0, index));
    m_projectFilter->setEnabled(allProjects && m_projectFilter->count() > 1);
    m_projectFilter->setToolTip(allProjects ? tr("The project whose volumes and backups are shown")
                                            : tr("Without the admin role a cloud shows only the "
                                                 "project you logged in to."));
}

void VolumePanel::setStatusChoices(const QStringList& statuses)
{
    const QString current = m_statusFilter->currentData().toString();
    QStringList wanted = statuses;
    if (!current.isEmpty() && !wanted.contains(current))
        wanted.append(current); // the choice stays while nothing has it
    wanted.sort();
    QStringList have;
    for (int index = 1; index < m_statusFilter->count(); ++index)
        have.append(m_statusFilter->itemData(index).toString());
    if (have == wanted)
        return;
    const QSignalBlocker quiet(m_statusFilter);
    while (m_statusFilter->count() > 1)
        m_statusFilter->removeItem(1);
    for (const QString& status : std::as_const(wanted))
        m_statusFilter->addItem(statusIcon(status), statusText(status), status);
    m_statusFilter->setCurrentIndex(qMax(0, m_statusFilter->findData(current)));
}

void VolumePanel::setProblem(const QString& problem)
{
    m_problem->setText(
        problem.isEmpty()
            ? QString()
            : tr("The lists could not be read: %1 (Refresh tries again.)").arg(problem));
    m_problem->setVisible(!problem.isEmpty());
}

QString VolumePanel::problem() const
{
    return m_problem->isHidden() ? QString() : m_problem->text();
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
