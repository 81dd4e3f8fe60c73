#include "backuptreemodel.h"

#include "cloudchains.h"

#include "itemroles.h"
#include "statusstyle.h"

#include <QFont>
#include <QRegularExpression>
#include <algorithm>
#include <functional>
#include <unordered_map>

namespace ember::ui {

namespace {

// Where a verification problem is, in a few words: the object and volume
// offset the message names, else the message itself.
QString verifyFailurePlace(const QString& problem)
{
    static const QRegularExpression objectFirst(
        QStringLiteral("(?:object|range) (\\S+) \\(volume offset (\\d+)\\)"));
    static const QRegularExpression offsetFirst(
        QStringLiteral("volume offset (\\d+) \\(object (\\S+)"));
    if (const QRegularExpressionMatch match = objectFirst.match(problem); match.hasMatch())
        return BackupTreeModel::tr("%1 at offset %2").arg(match.captured(1), match.captured(2));
    if (const QRegularExpressionMatch match = offsetFirst.match(problem); match.hasMatch())
        return BackupTreeModel::tr("%1 at offset %2").arg(match.captured(2), match.captured(1));
    return problem;
}

QString verifyText(const VerifyResult& result)
{
    const QString when = formatTime(result.checkedAt);
    if (result.ok)
        return BackupTreeModel::tr("%1 ok").arg(when);
    return BackupTreeModel::tr("%1 failed: %2").arg(when, verifyFailurePlace(result.problem));
}

QString verifyToolTip(const VerifyResult& result)
{
    const QString scope =
        result.samplePercent >= 100
            ? BackupTreeModel::tr("whole backup, %1 of its objects").arg(result.objectsChecked)
            : BackupTreeModel::tr("%1% sample, %2 of %3 objects")
                  .arg(result.samplePercent)
                  .arg(result.objectsChecked)
                  .arg(result.objectsTotal);
    const QString head =
        BackupTreeModel::tr("Last verified %1 (%2)").arg(formatTime(result.checkedAt), scope);
    if (result.ok)
        return BackupTreeModel::tr("%1: intact").arg(head);
    return BackupTreeModel::tr("%1: %2").arg(head, result.problem);
}

bool sameVerify(const std::optional<VerifyResult>& a, const std::optional<VerifyResult>& b)
{
    if (!a || !b)
        return !a && !b;
    return a->checkedAt == b->checkedAt && a->ok == b->ok && a->problem == b->problem &&
           a->samplePercent == b->samplePercent && a->objectsChecked == b->objectsChecked &&
           a->objectsTotal == b->objectsTotal;
}

std::optional<VerifyResult> verifyResultOf(const CatalogSnapshot& snapshot, const QString& id)
{
    const auto found = snapshot.verifyResults.constFind(id);
    if (found == snapshot.verifyResults.constEnd())
        return std::nullopt;
    return *found;
}

} // namespace

QList<int> BackupTreeModel::columnsFor(SourceKind kind)
{
    if (kind == SourceKind::Cloud)
        return {Name,    Status,        Size,       ObjectCount, Container,  Incremental, Snapshot,
                Created, DataTimestamp, FailReason, Project,     Dependents, VolumeName};
    return {Name,        Status,    Size,    Stored,     Incremental,
            ObjectCount, Container, Backend, Created,    DataTimestamp,
            Verified,    Immutable, Key,     Dependents, VolumeName};
}

BackupTreeModel::BackupTreeModel(QObject* parent)
    : QAbstractItemModel(parent), m_snapshot(std::make_shared<CatalogSnapshot>())
{
}

BackupTreeModel::~BackupTreeModel() = default;

BackupTreeModel::Node* BackupTreeModel::nodeFor(const QModelIndex& index) const
{
    if (!index.isValid())
        return const_cast<Node*>(&m_root);
    return static_cast<Node*>(index.internalPointer());
}

QModelIndex BackupTreeModel::indexFor(Node* node, int column) const
{
    if (!node || node == &m_root)
        return {};
    return createIndex(node->rowInParent(), column, node);
}

QModelIndex BackupTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    Node* parentNode = nodeFor(parent);
    return createIndex(row, column, parentNode->children[static_cast<size_t>(row)].get());
}

QModelIndex BackupTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    Node* node = nodeFor(child);
    return indexFor(node->parent, 0);
}

int BackupTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return static_cast<int>(nodeFor(parent)->children.size());
}

int BackupTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

int BackupTreeModel::chainDepth(const QString& backupId) const
{
    Node* node = m_nodes.value(backupId);
    int depth = -1;
    while (node && node != &m_root) {
        ++depth;
        node = node->parent;
    }
    return depth;
}

QVariant BackupTreeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node* node = nodeFor(index);
    const Backup& backup = node->backup;
    const CloudBackupFacts& facts = node->facts;
    const bool incremental = backup.isIncremental() || facts.incremental;
    const bool inferred = facts.link == LinkOrigin::Inferred;
    const int depth = chainDepth(backup.id);
    const QString keyTrouble = keyProblem(backup);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return backup.displayName.isEmpty() ? backup.name() : backup.displayName;
        case Status:
            return statusText(backup.status);
        case Size:
            return tr("%1 GiB").arg(backup.size);
        case Stored:
            return backup.storedBytes > 0 ? formatBytes(backup.storedBytes) : QString();
        case Incremental:
            if (!incremental)
                return tr("full");
            if (backup.parentId.isEmpty())
                return tr("incremental, parent unknown");
            if (inferred)
                return tr("incremental, level %1 (inferred)").arg(depth);
            return tr("incremental, level %1").arg(depth);
        case ObjectCount:
            return backup.objectCount;
        case Container:
            return backup.container;
        case Backend:
            return backup.backendName;
        case Created:
            return formatTime(backup.createdAt);
        case DataTimestamp:
            return formatTime(backup.dataTimestamp);
        case Dependents:
            return backup.numDependentBackups;
        case VolumeName:
            return m_volumeNames.value(backup.volumeId, backup.volumeId);
        case Snapshot:
            return backup.snapshotId;
        case FailReason:
            return backup.failReason;
        case Project:
            return backup.projectId;
        case Verified:
            return node->verified ? verifyText(*node->verified) : QString();
        case Immutable:
            return backup.isImmutableAt(QDateTime::currentDateTimeUtc())
                       ? tr("until %1").arg(immutableUntilText(backup.immutableUntil))
                       : QString();
        case Key:
            if (!backup.isEncrypted())
                return QString();
            // The backup's own key; KeyProblemRole also covers its chain's.
            if (m_availableKeys && !m_availableKeys->contains(backup.encryptionKeyFingerprint))
                return tr("%1 (key not available)")
                    .arg(shortFingerprint(backup.encryptionKeyFingerprint));
            return shortFingerprint(backup.encryptionKeyFingerprint);
        }
        break;
    case RawValueRole:
        switch (index.column()) {
        case Name:
            return (backup.displayName.isEmpty() ? backup.name() : backup.displayName).toLower();
        case Status:
            return backup.status;
        case Size:
            return backup.size;
        case Stored:
            return backup.storedBytes;
        case Incremental:
            return depth;
        case ObjectCount:
            return backup.objectCount;
        case Container:
            return backup.container;
        case Backend:
            return backup.backendName;
        case Created:
            return backup.createdAt.toMSecsSinceEpoch();
        case DataTimestamp:
            return backup.dataTimestamp.toMSecsSinceEpoch();
        case Dependents:
            return backup.numDependentBackups;
        case VolumeName:
            return m_volumeNames.value(backup.volumeId).toLower();
        case Snapshot:
            return backup.snapshotId;
        case FailReason:
            return backup.failReason;
        case Project:
            return backup.projectId;
        case Verified:
            return node->verified ? node->verified->checkedAt.toMSecsSinceEpoch() : qint64(0);
        case Immutable:
            return backup.isImmutableAt(QDateTime::currentDateTimeUtc())
                       ? backup.immutableUntil.toMSecsSinceEpoch()
                       : qint64(0);
        case Key:
            return backup.encryptionKeyFingerprint;
        }
        break;
    case IdRole:
        return backup.id;
    case ChainDepthRole:
        return depth;
    case LinkOriginRole:
        return static_cast<int>(facts.link);
    case ChainProblemRole:
        return facts.chainProblem;
    case KeyProblemRole:
        return keyTrouble;
    case Qt::FontRole:
        if (inferred && index.column() == Incremental) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == Status)
            return statusIcon(backup.status);
        if (index.column() == Name && backup.isProtected)
            return protectedIcon();
        if (index.column() == Immutable && backup.isImmutableAt(QDateTime::currentDateTimeUtc()))
            return immutableIcon();
        if (index.column() == Key && backup.isEncrypted())
            return encryptedIcon();
        break;
    case Qt::ForegroundRole:
        if (index.column() == Status)
            return statusColor(backup.status);
        if (index.column() == Verified && node->verified && !node->verified->ok)
            return statusColor(BackupStatus::Error);
        if (index.column() == Key && !keyTrouble.isEmpty())
            return statusColor(BackupStatus::Error);
        break;
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case Size:
        case Stored:
        case ObjectCount:
        case Dependents:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == Name && backup.isProtected)
            return tr("Protected: no prune removes it, and deleting it needs Unprotect first");
        if (index.column() == Status && !keyTrouble.isEmpty())
            return backup.failReason.isEmpty() ? keyTrouble
                                               : backup.failReason + QLatin1Char('\n') + keyTrouble;
        if (index.column() == Status && !backup.failReason.isEmpty())
            return backup.failReason;
        if (index.column() == Key) {
            if (!backup.isEncrypted())
                return tr("Stored in the clear");
            const QString head = tr("Encrypted (%1) with master key %2")
                                     .arg(backup.encryption, backup.encryptionKeyFingerprint);
            return keyTrouble.isEmpty() ? head : head + QLatin1Char('\n') + keyTrouble;
        }
        if (index.column() == Immutable) {
            const QDateTime now = QDateTime::currentDateTimeUtc();
            if (backup.isImmutableAt(now))
                return tr("Immutable %1: no one holding the backend's keys can delete it, not even "
                          "Ember; it can be deleted from then on")
                    .arg(describeImmutability(backup, now));
            if (backup.immutableUntil.isValid())
                return tr("Its S3 Object Lock ended %1")
                    .arg(immutableUntilText(backup.immutableUntil));
            return tr("Not locked");
        }
        if (index.column() == Verified)
            return node->verified ? verifyToolTip(*node->verified)
                                  : tr("Not verified yet (backup-verify, or Verify in the menu)");
        if (index.column() == Incremental && (inferred || !facts.chainProblem.isEmpty())) {
            QStringList lines;
            if (inferred)
                lines.append(cloudchains::inferredLinkNote());
            if (!facts.chainProblem.isEmpty())
                lines.append(facts.chainProblem);
            return lines.join(QLatin1Char('\n'));
        }
        if (backup.hasDependentBackups())
            return tr("%n incremental backup(s) depend on this one", "",
                      static_cast<int>(backup.numDependentBackups));
        return backup.id;
    }
    return {};
}

QVariant BackupTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Status:
        return tr("Status");
    case Size:
        return tr("Size");
    case Stored:
        return tr("Stored");
    case Incremental:
        return tr("Incremental");
    case ObjectCount:
        return tr("Objects");
    case Container:
        return tr("Container");
    case Backend:
        return tr("Backend");
    case Created:
        return tr("Created");
    case DataTimestamp:
        return tr("Data timestamp");
    case Dependents:
        return tr("Dependents");
    case VolumeName:
        return tr("Volume");
    case Snapshot:
        return tr("Snapshot");
    case FailReason:
        return tr("Fail reason");
    case Project:
        return tr("Project");
    case Verified:
        return tr("Verified");
    case Immutable:
        return tr("Immutable");
    case Key:
        return tr("Key");
    }
    return {};
}

void BackupTreeModel::setVolumes(const QSet<QString>& volumeIds)
{
    if (volumeIds == m_volumeIds)
        return;
    m_volumeIds = volumeIds;
    rebuild();
}

void BackupTreeModel::apply(const CatalogSnapshot& snapshot)
{
    m_snapshot = std::make_shared<CatalogSnapshot>(snapshot);
    rebuild();
}

void BackupTreeModel::forget(Node* node)
{
    m_nodes.remove(node->backup.id);
    for (auto& child : node->children)
        forget(child.get());
}

static bool sameRow(const Backup& a, const Backup& b)
{
    return a.snapshotId == b.snapshotId && a.projectId == b.projectId && a.status == b.status &&
           a.displayName == b.displayName && a.displayDescription == b.displayDescription &&
           a.size == b.size && a.storedBytes == b.storedBytes && a.objectCount == b.objectCount &&
           a.container == b.container && a.backendName == b.backendName &&
           a.numDependentBackups == b.numDependentBackups && a.failReason == b.failReason &&
           a.updatedAt == b.updatedAt && a.dataTimestamp == b.dataTimestamp &&
           a.createdAt == b.createdAt && a.isProtected == b.isProtected &&
           a.synthesizedFrom == b.synthesizedFrom && a.immutableUntil == b.immutableUntil &&
           a.immutableMode == b.immutableMode && a.encryption == b.encryption &&
           a.encryptionKeyFingerprint == b.encryptionKeyFingerprint;
}

void BackupTreeModel::rebuild()
{
    m_volumeNames.clear();
    for (const Volume& volume : m_snapshot->volumes)
        m_volumeNames.insert(volume.id, volume.name);

    // The wanted tree: backups of the shown volumes, oldest first, each below
    // its parent when the parent is shown too (else a root: e.g. imported).
    // Pointers into m_snapshot, which stays unchanged while they are used:
    // thousands of backups are not copied at every page of a cloud's list.
    std::vector<std::pair<qint64, const Backup*>> byCreation;
    QHash<QString, const Backup*> wantedById;
    for (const Backup& backup : std::as_const(m_snapshot->backups)) {
        if (m_volumeIds.contains(backup.volumeId)) {
            byCreation.emplace_back(backup.createdAt.toMSecsSinceEpoch(), &backup);
            wantedById.insert(backup.id, &backup);
        }
    }
    std::stable_sort(byCreation.begin(), byCreation.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    auto wantedParent = [&](const QString& id) {
        const Backup* backup = wantedById.value(id);
        const QString parentId = backup ? backup->parentId : QString();
        return wantedById.contains(parentId) && parentId != id ? parentId : QString();
    };

    // 1. Remove nodes that vanished or moved to another parent (children first
    //    so row numbers stay valid). Adjacent siblings go in one removal: each
    //    removal makes every proxy and view revisit all its persistent indexes.
    std::function<void(Node*)> prune = [&](Node* parentNode) {
        const QString currentParent = parentNode == &m_root ? QString() : parentNode->backup.id;
        auto stays = [&](const Node* child) {
            return wantedById.contains(child->backup.id) &&
                   wantedParent(child->backup.id) == currentParent;
        };
        auto& children = parentNode->children;
        for (int row = static_cast<int>(children.size()) - 1; row >= 0; --row) {
            if (stays(children[static_cast<size_t>(row)].get())) {
                prune(children[static_cast<size_t>(row)].get());
                continue;
            }
            int first = row;
            while (first > 0 && !stays(children[static_cast<size_t>(first - 1)].get()))
                --first;
            beginRemoveRows(indexFor(parentNode, 0), first, row);
            for (int gone = first; gone <= row; ++gone)
                forget(children[static_cast<size_t>(gone)].get());
            children.erase(children.begin() + first, children.begin() + row + 1);
            for (size_t later = static_cast<size_t>(first); later < children.size(); ++later)
                children[later]->row = static_cast<int>(later);
            endRemoveRows();
            row = first;
        }
    };
    prune(&m_root);

    // 2. Refresh the rows that stayed.
    for (auto it = m_nodes.begin(); it != m_nodes.end(); ++it) {
        Node* node = it.value();
        const Backup& fresh = *wantedById.value(it.key());
        const CloudBackupFacts freshFacts = m_snapshot->backupFacts.value(it.key());
        std::optional<VerifyResult> freshVerified = verifyResultOf(*m_snapshot, it.key());
        if (!sameRow(node->backup, fresh) || !(node->facts == freshFacts) ||
            !sameVerify(node->verified, freshVerified)) {
            node->backup = fresh;
            node->facts = freshFacts;
            node->verified = std::move(freshVerified);
            Q_EMIT dataChanged(indexFor(node, 0), indexFor(node, ColumnCount - 1));
        }
    }

    // 3. Insert the new ones, parents before children. A new backup below a
    //    new parent joins that parent's subtree before the subtree is shown,
    //    and the new children of one shown parent are appended together: one
    //    insertion per shown parent, not one per backup (a page of a cloud's
    //    list brings hundreds). Into an empty tree (first load, another volume
    //    selected) in one reset: there is no selection or expansion to keep.
    const bool bulk = m_nodes.isEmpty() && !byCreation.empty();
    if (bulk)
        beginResetModel();
    QHash<QString, Node*> fresh;                                        // created below, by id
    std::vector<Node*> shownParents;                                    // in order of first use
    std::unordered_map<Node*, std::vector<std::unique_ptr<Node>>> adds; // per shown parent
    auto place = [&](Node* parentNode, const Backup& backup) {
        auto node = std::make_unique<Node>();
        node->backup = backup;
        node->facts = m_snapshot->backupFacts.value(backup.id);
        node->verified = verifyResultOf(*m_snapshot, backup.id);
        node->parent = parentNode;
        fresh.insert(backup.id, node.get());
        if (parentNode != &m_root && fresh.value(parentNode->backup.id) == parentNode) {
            node->row = static_cast<int>(parentNode->children.size());
            parentNode->children.push_back(std::move(node));
            return;
        }
        auto& list = adds[parentNode];
        if (list.empty())
            shownParents.push_back(parentNode);
        list.push_back(std::move(node));
    };
    std::vector<const Backup*> pending;
    pending.reserve(byCreation.size());
    for (const auto& entry : byCreation)
        if (!m_nodes.contains(entry.second->id))
            pending.push_back(entry.second);
    bool progress = true;
    while (!pending.empty() && progress) {
        progress = false;
        std::vector<const Backup*> later; // parents not placed yet
        for (const Backup* backup : pending) {
            const QString parentId = wantedParent(backup->id);
            Node* parentNode = parentId.isEmpty() ? &m_root : m_nodes.value(parentId);
            if (!parentNode)
                parentNode = fresh.value(parentId);
            if (!parentNode) {
                later.push_back(backup);
                continue;
            }
            place(parentNode, *backup);
            progress = true;
        }
        pending.swap(later);
    }
    // A parent cycle in a damaged catalog: show the rest as roots.
    for (const Backup* backup : pending)
        place(&m_root, *backup);
    for (auto it = fresh.begin(); it != fresh.end(); ++it)
        m_nodes.insert(it.key(), it.value());
    for (Node* parentNode : shownParents) {
        auto& list = adds[parentNode];
        const int first = static_cast<int>(parentNode->children.size());
        if (!bulk)
            beginInsertRows(indexFor(parentNode, 0), first,
                            first + static_cast<int>(list.size()) - 1);
        for (auto& node : list) {
            node->row = static_cast<int>(parentNode->children.size());
            parentNode->children.push_back(std::move(node));
        }
        if (!bulk)
            endInsertRows();
    }
    if (bulk)
        endResetModel();
}

void BackupTreeModel::setAvailableKeys(const QSet<QString>& fingerprints)
{
    if (m_availableKeys == fingerprints)
        return;
    m_availableKeys = fingerprints;
    // Any row may read an encrypted ancestor: every row is asked again.
    std::function<void(Node*)> refresh = [&](Node* parentNode) {
        if (parentNode->children.empty())
            return;
        Q_EMIT dataChanged(indexFor(parentNode->children.front().get(), 0),
                           indexFor(parentNode->children.back().get(), ColumnCount - 1));
        for (auto& child : parentNode->children)
            refresh(child.get());
    };
    refresh(&m_root);
}

QString BackupTreeModel::keyProblem(const Backup& backup) const
{
    if (!m_availableKeys)
        return {};
    // A restore reads the whole chain: the first backup, full first, whose
    // key is not here (a rotation may have left older ones on another key).
    QList<const Backup*> chain{&backup};
    QSet<QString> seen{backup.id};
    for (const Node* node = m_nodes.value(backup.parentId); node && !seen.contains(node->backup.id);
         node = m_nodes.value(node->backup.parentId)) {
        seen.insert(node->backup.id);
        chain.prepend(&node->backup);
    }
    for (const Backup* member : std::as_const(chain)) {
        if (!member->isEncrypted() || (!member->encryptionKeyFingerprint.isEmpty() &&
                                       m_availableKeys->contains(member->encryptionKeyFingerprint)))
            continue;
        return tr("key not available: backup %1 is encrypted with key %2, which cannot be opened "
                  "on this host: import it (Keys, or ember-cli key-import FILE) to restore")
            .arg(member->id, member->encryptionKeyFingerprint);
    }
    return {};
}

std::optional<Backup> BackupTreeModel::backup(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this)
        return std::nullopt;
    return nodeFor(index)->backup;
}

QModelIndex BackupTreeModel::indexOf(const QString& backupId, int column) const
{
    Node* node = m_nodes.value(backupId);
    return node ? indexFor(node, column) : QModelIndex();
}

} // namespace ember::ui
