#include "chainpanel.h"

#include "backupdialogs.h"
#include "backuptreemodel.h"
#include "chainrules.h"
#include "itemroles.h"
#include "panelsupport.h"
#include "statusstyle.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace ember::ui {

ChainPanel::ChainPanel(BackupTreeModel* model, QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("chainPanel"));
    m_splitter = panelSplitter(this, Qt::Vertical, QStringLiteral("chainSplitter"));

    auto* top = new QWidget(m_splitter);
    auto* layout = new QVBoxLayout(top);
    layout->setContentsMargins(4, 4, 4, 4);
    m_title = new QLabel(tr("<b>Backup chains</b>"), top);
    layout->addWidget(m_title);
    m_filter = filterEdit(top, QStringLiteral("backupFilter"), tr("Filter backups"));
    layout->addWidget(m_filter);

    m_view = new QTreeView(top);
    m_view->setObjectName(QStringLiteral("backupView"));
    m_proxy = rawSortingProxy(nullptr, this);
    setModel(model);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(BackupTreeModel::Created, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->header()->setSectionsMovable(true);
    m_view->setColumnWidth(BackupTreeModel::Name, 200);
    m_view->setColumnWidth(BackupTreeModel::Status, 110);
    m_view->setColumnWidth(BackupTreeModel::Size, 60);
    m_view->setColumnWidth(BackupTreeModel::Stored, 90);
    m_view->setColumnWidth(BackupTreeModel::Incremental, 150);
    m_view->setColumnWidth(BackupTreeModel::ObjectCount, 60);
    // The lock and a short fingerprint, or "... (key not available)".
    m_view->setColumnWidth(BackupTreeModel::Key, 170);
    offerContextMenu(m_view, [this] { return m_contextMenu; });
    setSourceKind(SourceKind::Local);
    connect(m_view, &QTreeView::doubleClicked, this, &ChainPanel::backupActivated);
    layout->addWidget(m_view);
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ChainPanel::currentBackupChanged);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &ChainPanel::backupDataChanged);

    m_details = new QTextBrowser(m_splitter);
    m_details->setObjectName(QStringLiteral("details"));
    m_details->setOpenLinks(false);
    m_splitter->addWidget(top);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
}

void ChainPanel::setModel(BackupTreeModel* model)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_modelConnections))
        disconnect(connection);
    m_modelConnections.clear();
    m_model = model;
    m_proxy->setSourceModel(model);
    if (!model)
        return;
    m_modelConnections.append(connect(model, &QAbstractItemModel::rowsInserted, this,
                                      [this](const QModelIndex& parent, int first, int last) {
                                          expandInserted(parent, first, last);
                                      }));
    m_modelConnections.append(
        connect(model, &QAbstractItemModel::modelReset, this, [this] { m_view->expandAll(); }));
}

void ChainPanel::expandInserted(const QModelIndex& sourceParent, int first, int last)
{
    // New incrementals appear expanded under their parent, and an inserted
    // subtree (a page bringing a chain) expanded throughout. Only these rows:
    // expanding the whole tree after every page would lay it out again.
    QModelIndex proxyParent = m_proxy->mapFromSource(sourceParent);
    while (proxyParent.isValid()) {
        m_view->expand(proxyParent);
        proxyParent = proxyParent.parent();
    }
    QList<QModelIndex> pending;
    for (int row = first; row <= last; ++row)
        pending.append(m_model->index(row, 0, sourceParent));
    while (!pending.isEmpty()) {
        const QModelIndex index = pending.takeLast();
        const int children = m_model->rowCount(index);
        if (children == 0)
            continue;
        m_view->expand(m_proxy->mapFromSource(index));
        for (int row = 0; row < children; ++row)
            pending.append(m_model->index(row, 0, index));
    }
}

void ChainPanel::showVolumes(const QStringList& volumeIds, const QString& volumeName)
{
    if (m_model)
        m_model->setVolumes(QSet<QString>(volumeIds.begin(), volumeIds.end()));
    m_view->expandAll();
    if (volumeIds.size() == 1) {
        m_title->setText(tr("<b>Backup chains of %1</b>").arg(volumeName.toHtmlEscaped()));
    } else {
        m_title->setText(
            tr("<b>Backup chains of %n volume(s)</b>", "", static_cast<int>(volumeIds.size())));
    }
    m_view->setColumnHidden(BackupTreeModel::VolumeName, volumeIds.size() <= 1);
}

void ChainPanel::setSourceKind(SourceKind kind)
{
    const QList<int> shown = BackupTreeModel::columnsFor(kind);
    // Between kinds the columns take the kind's order; a restored order of
    // the local columns is kept until a cloud was shown.
    if (kind != m_kind) {
        m_kind = kind;
        orderColumns(m_view->header(), shown);
    }
    for (int column = 0; column < BackupTreeModel::ColumnCount; ++column) {
        if (column != BackupTreeModel::VolumeName)
            m_view->setColumnHidden(column, !shown.contains(column));
    }
}

QString ChainPanel::currentBackupId() const
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid() || !m_view->selectionModel()->isRowSelected(index.row(), index.parent()))
        return {};
    return index.data(IdRole).toString();
}

bool ChainPanel::selectBackup(const QString& backupId)
{
    if (!m_model)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->indexOf(backupId));
    if (!index.isValid())
        return false;
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    return true;
}

void ChainPanel::showDetails(const CatalogSnapshot& snapshot, const std::optional<Volume>& volume,
                             const std::optional<Backup>& backup)
{
    if (!backup) {
        if (volume) {
            const ChainRules::ParentChoice parent =
                ChainRules::chooseParent(snapshot.backupsOf(volume->id));
            QString text = tr("<h3>%1</h3><p>%2<br>%3, %4</p>")
                               .arg(volume->name.toHtmlEscaped(), volume->path.toHtmlEscaped(),
                                    formatBytes(volume->sizeBytes), statusText(volume->status));
            if (parent.parent && parent.refusal.isEmpty())
                text += tr("<p>The next incremental backup will build on %1.</p>")
                            .arg(backupLabel(*parent.parent).toHtmlEscaped());
            else if (!parent.refusal.isEmpty())
                text += tr("<p>Incremental backups: %1</p>").arg(parent.refusal.toHtmlEscaped());
            text += tr("<p>Select a backup to see its details.</p>");
            m_details->setHtml(text);
        } else {
            m_details->setHtml(tr("<p>Select a volume to see its backup chains.</p>"));
        }
        return;
    }
    QString html = backupDetailsHtml(*backup, snapshot);
    // Explain every refusal before the user tries.
    QStringList refusals;
    for (QAction* action : std::as_const(m_explainedActions)) {
        if (!action->isEnabled())
            refusals.append(
                QStringLiteral("<li><b>%1</b>: %2</li>")
                    .arg(action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")),
                         action->toolTip().toHtmlEscaped()));
    }
    if (!refusals.isEmpty())
        html += tr("<p><b>Not possible now:</b></p><ul>%1</ul>").arg(refusals.join(QString()));
    m_details->setHtml(html);
}

} // namespace ember::ui
