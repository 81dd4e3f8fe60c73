#include "retention.h"

#include "records.h"

#include <QHash>
#include <QJsonValue>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

namespace ember {

namespace {

const QString kKeepLast = QStringLiteral("keep_last");
const QString kKeepHourly = QStringLiteral("keep_hourly");
const QString kKeepDaily = QStringLiteral("keep_daily");
const QString kKeepWeekly = QStringLiteral("keep_weekly");
const QString kKeepMonthly = QStringLiteral("keep_monthly");
const QString kKeepYearly = QStringLiteral("keep_yearly");
const QString kKeepWithin = QStringLiteral("keep_within");

// Newest first; equal times by id (descending) so that every run orders the
// same history the same way.
bool newerThan(const RetentionItem& a, const RetentionItem& b)
{
    if (a.takenAt != b.takenAt)
        return a.takenAt > b.takenAt;
    return a.id > b.id;
}

int countFromJson(const QJsonObject& json, const QString& key)
{
    const QJsonValue value = json.value(key);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || std::floor(number) != number ||
        number > std::numeric_limits<int>::max()) {
        const QString shown = value.isString()   ? QStringLiteral("'%1'").arg(value.toString())
                              : value.isDouble() ? QString::number(value.toDouble(), 'g', 17)
                                                 : QStringLiteral("a value of another type");
        throw Error(QStringLiteral("retention policy: %1 must be a whole number of 0 or more, "
                                   "not %2")
                        .arg(key, shown));
    }
    return int(number);
}

// The period a backup falls in for one bucket rule, in `zone`.
using BucketKey = qint64;
using BucketOf = std::function<BucketKey(const QDateTime&)>;

BucketKey hourKey(const QDateTime& local)
{
    return local.date().toJulianDay() * 24 + local.time().hour();
}
BucketKey dayKey(const QDateTime& local)
{
    return local.date().toJulianDay();
}
BucketKey weekKey(const QDateTime& local)
{
    int isoYear = 0;
    const int week = local.date().weekNumber(&isoYear);
    return BucketKey(isoYear) * 100 + week;
}
BucketKey monthKey(const QDateTime& local)
{
    return BucketKey(local.date().year()) * 12 + local.date().month() - 1;
}
BucketKey yearKey(const QDateTime& local)
{
    return local.date().year();
}

QString joined(const QStringList& ids)
{
    return ids.join(QStringLiteral(", "));
}

} // namespace

// ---- RetentionSpan ---------------------------------------------------------

RetentionSpan RetentionSpan::parse(const QString& text)
{
    static const QRegularExpression form(
        QStringLiteral("^(?:(\\d{1,6})y)?(?:(\\d{1,6})m)?(?:(\\d{1,6})d)?(?:(\\d{1,7})h)?$"));
    const QString trimmed = text.trimmed();
    const QRegularExpressionMatch match = form.match(trimmed);
    if (trimmed.isEmpty() || !match.hasMatch())
        throw Error(QStringLiteral("keep-within '%1' is not a duration: write it like 2y5m7d3h "
                                   "(years, months, days, hours; any of them, in that order, "
                                   "whole numbers)")
                        .arg(text));
    RetentionSpan span;
    span.years = match.captured(1).toInt();
    span.months = match.captured(2).toInt();
    span.days = match.captured(3).toInt();
    span.hours = match.captured(4).toInt();
    if (span == RetentionSpan{})
        throw Error(QStringLiteral("keep-within '%1' is zero: give at least one part that is "
                                   "not 0, e.g. 7d")
                        .arg(text));
    return span;
}

QString RetentionSpan::toString() const
{
    QString text;
    if (years)
        text += QString::number(years) + QLatin1Char('y');
    if (months)
        text += QString::number(months) + QLatin1Char('m');
    if (days)
        text += QString::number(days) + QLatin1Char('d');
    if (hours || text.isEmpty())
        text += QString::number(hours) + QLatin1Char('h');
    return text;
}

// ---- RetentionPolicy -------------------------------------------------------

bool RetentionPolicy::isEmpty() const
{
    return keepLast < 0 && keepHourly < 0 && keepDaily < 0 && keepWeekly < 0 && keepMonthly < 0 &&
           keepYearly < 0 && !keepWithin;
}

RetentionPolicy RetentionPolicy::fromJson(const QJsonObject& json)
{
    static const QStringList known{kKeepLast,    kKeepHourly, kKeepDaily, kKeepWeekly,
                                   kKeepMonthly, kKeepYearly, kKeepWithin};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            throw Error(QStringLiteral("retention policy: unknown option '%1' (known: %2)")
                            .arg(it.key(), joined(known)));
    }
    RetentionPolicy policy;
    const auto count = [&json](const QString& key, int& field) {
        if (json.contains(key))
            field = countFromJson(json, key);
    };
    count(kKeepLast, policy.keepLast);
    count(kKeepHourly, policy.keepHourly);
    count(kKeepDaily, policy.keepDaily);
    count(kKeepWeekly, policy.keepWeekly);
    count(kKeepMonthly, policy.keepMonthly);
    count(kKeepYearly, policy.keepYearly);
    if (json.contains(kKeepWithin)) {
        const QJsonValue value = json.value(kKeepWithin);
        if (!value.isString())
            throw Error(QStringLiteral("retention policy: keep_within must be a duration "
                                       "text like \"7d\" or \"1y6m\""));
        policy.keepWithin = RetentionSpan::parse(value.toString());
    }
    return policy;
}

QJsonObject RetentionPolicy::toJson() const
{
    QJsonObject json;
    const auto count = [&json](const QString& key, int value) {
        if (value >= 0)
            json.insert(key, value);
    };
    count(kKeepLast, keepLast);
    count(kKeepHourly, keepHourly);
    count(kKeepDaily, keepDaily);
    count(kKeepWeekly, keepWeekly);
    count(kKeepMonthly, keepMonthly);
    count(kKeepYearly, keepYearly);
    if (keepWithin)
        json.insert(kKeepWithin, keepWithin->toString());
    return json;
}

QString RetentionPolicy::describe() const
{
    if (isEmpty())
        return QStringLiteral("keep everything (no rule set)");
    QStringList parts;
    const auto count = [&parts](const char* name, int value) {
        if (value >= 0)
            parts << QStringLiteral("%1=%2").arg(QLatin1String(name)).arg(value);
    };
    count("keep-last", keepLast);
    count("keep-hourly", keepHourly);
    count("keep-daily", keepDaily);
    count("keep-weekly", keepWeekly);
    count("keep-monthly", keepMonthly);
    count("keep-yearly", keepYearly);
    if (keepWithin)
        parts << QStringLiteral("keep-within=%1").arg(keepWithin->toString());
    return parts.join(QLatin1Char(' '));
}

QDateTime retentionTime(const Backup& backup)
{
    return (backup.dataTimestamp.isValid() ? backup.dataTimestamp : backup.createdAt).toUTC();
}

RetentionItem retentionItem(const Backup& backup, const QDateTime& now)
{
    RetentionItem item;
    item.id = backup.id;
    item.parentId = backup.parentId;
    item.takenAt = retentionTime(backup);
    item.isProtected = backup.isProtected;
    item.isImmutable = backup.isImmutableAt(now);
    item.usable = backup.status == BackupStatus::Available;
    return item;
}

QString toString(KeepReason reason)
{
    switch (reason) {
    case KeepReason::Last:
        return QStringLiteral("last");
    case KeepReason::Hourly:
        return QStringLiteral("hourly");
    case KeepReason::Daily:
        return QStringLiteral("daily");
    case KeepReason::Weekly:
        return QStringLiteral("weekly");
    case KeepReason::Monthly:
        return QStringLiteral("monthly");
    case KeepReason::Yearly:
        return QStringLiteral("yearly");
    case KeepReason::Within:
        return QStringLiteral("within");
    case KeepReason::Protected:
        return QStringLiteral("protected");
    case KeepReason::EmptyPolicy:
        return QStringLiteral("no policy");
    case KeepReason::Immutable:
        return QStringLiteral("immutable (S3 Object Lock)");
    }
    return QStringLiteral("unknown");
}

// ---- Selection -------------------------------------------------------------

QList<RetentionDecision> selectRetained(const RetentionPolicy& policy,
                                        const QList<RetentionItem>& items, const QTimeZone& zone)
{
    QList<RetentionItem> usable;
    for (const RetentionItem& item : items) {
        if (item.usable)
            usable << item;
    }
    std::sort(usable.begin(), usable.end(), newerThan);

    QList<RetentionDecision> decisions;
    decisions.reserve(usable.size());
    for (const RetentionItem& item : std::as_const(usable))
        decisions << RetentionDecision{item.id, false, {}};
    if (usable.isEmpty())
        return decisions;

    const auto keepFor = [&decisions](qsizetype index, KeepReason reason) {
        decisions[index].keep = true;
        decisions[index].reasons << reason;
    };

    if (policy.isEmpty()) {
        for (qsizetype i = 0; i < usable.size(); ++i) {
            if (usable[i].isProtected)
                keepFor(i, KeepReason::Protected);
            if (usable[i].isImmutable)
                keepFor(i, KeepReason::Immutable);
            keepFor(i, KeepReason::EmptyPolicy);
        }
        return decisions;
    }

    QList<QDateTime> local;
    local.reserve(usable.size());
    for (const RetentionItem& item : std::as_const(usable))
        local << item.takenAt.toTimeZone(zone);

    if (policy.keepLast > 0) {
        for (qsizetype i = 0; i < usable.size() && i < policy.keepLast; ++i)
            keepFor(i, KeepReason::Last);
    }

    // restic: walking newest to oldest, a backup counts for a rule when its
    // period differs from that of the last backup the rule kept.
    const auto bucketRule = [&](int count, const BucketOf& bucketOf, KeepReason reason) {
        if (count <= 0)
            return;
        std::optional<BucketKey> lastKept;
        int left = count;
        for (qsizetype i = 0; i < usable.size() && left > 0; ++i) {
            const BucketKey key = bucketOf(local[i]);
            if (lastKept && *lastKept == key)
                continue;
            lastKept = key;
            --left;
            keepFor(i, reason);
        }
    };
    bucketRule(policy.keepHourly, hourKey, KeepReason::Hourly);
    bucketRule(policy.keepDaily, dayKey, KeepReason::Daily);
    bucketRule(policy.keepWeekly, weekKey, KeepReason::Weekly);
    bucketRule(policy.keepMonthly, monthKey, KeepReason::Monthly);
    bucketRule(policy.keepYearly, yearKey, KeepReason::Yearly);

    if (policy.keepWithin) {
        const RetentionSpan& span = *policy.keepWithin;
        const QDateTime cutoff = local.first()
                                     .addYears(-span.years)
                                     .addMonths(-span.months)
                                     .addDays(-span.days)
                                     .addSecs(-qint64(span.hours) * 3600);
        for (qsizetype i = 0; i < usable.size(); ++i) {
            if (usable[i].takenAt > cutoff)
                keepFor(i, KeepReason::Within);
        }
    }

    for (qsizetype i = 0; i < usable.size(); ++i) {
        if (usable[i].isProtected)
            keepFor(i, KeepReason::Protected);
        if (usable[i].isImmutable)
            keepFor(i, KeepReason::Immutable);
    }
    return decisions;
}

// ---- Plan ------------------------------------------------------------------

QStringList PrunePlan::removed() const
{
    QStringList ids;
    for (const PruneStep& step : steps) {
        if (step.kind == PruneStep::Remove)
            ids << step.backupId;
    }
    return ids;
}

QStringList PrunePlan::synthesized() const
{
    QStringList ids;
    for (const PruneStep& step : steps) {
        if (step.kind == PruneStep::Synthesize)
            ids << step.backupId;
    }
    return ids;
}

namespace {

// Why a dropped backup cannot go.
struct Hold
{
    QString holder;      // the backup that keeps it
    QString explanation; // after "needed by <holder>: "
};

class ChainPlanner
{
public:
    ChainPlanner(const QList<RetentionItem>& items, const QList<RetentionDecision>& decisions)
    {
        for (const RetentionItem& item : items)
            byId.insert(item.id, item);
        for (const RetentionItem& item : items) {
            if (!item.parentId.isEmpty() && byId.contains(item.parentId))
                children[item.parentId] << item.id;
        }
        for (auto it = children.begin(); it != children.end(); ++it)
            sortNewestFirst(it.value());
        for (const RetentionDecision& decision : decisions) {
            (decision.keep ? kept : dropped).insert(decision.id);
            order << decision.id;
        }
    }

    void plan(PrunePlan& out)
    {
        for (const QString& id : std::as_const(order)) {
            if (dropped.contains(id))
                holdOf(id);
        }

        // A dropped incremental that nothing holds but that kept backups sit
        // on: a synthetic full of its state takes their parent's place.
        for (const QString& id : std::as_const(order)) {
            if (dropped.contains(id) && !holds.value(id) && !keptChildrenOf(id).isEmpty())
                toSynthesize << id;
        }
        // Dropped backups some kept or unavailable backup depends on.
        for (const QString& id : std::as_const(order)) {
            if (dropped.contains(id) && hasDependent(id))
                out.needed << id;
        }

        QHash<QString, QStringList> synthesizedBelow; // ancestor id -> synthesized descendants
        for (const QString& id : std::as_const(toSynthesize)) {
            const QStringList moving = keptChildrenOf(id);
            out.steps << PruneStep{
                PruneStep::Synthesize, id, moving,
                QStringLiteral("dropped by the policy, but %1 depend%2 on it: "
                               "a synthetic full of its state takes its place")
                    .arg(joined(moving), moving.size() == 1 ? QStringLiteral("s") : QString())};
            out.neededReasons.insert(
                id, QStringLiteral("needed by %1: replaced by a synthetic full, then removed")
                        .arg(joined(moving)));
            QSet<QString> seen; // a parent cycle ends the walk
            for (QString up = byId.value(id).parentId; byId.contains(up) && !seen.contains(up);
                 up = byId.value(up).parentId) {
                seen.insert(up);
                synthesizedBelow[up] << id;
            }
        }
        for (const QString& id : std::as_const(out.needed)) {
            if (const std::optional<Hold> hold = holds.value(id)) {
                out.neededReasons.insert(
                    id, QStringLiteral("needed by %1: %2").arg(hold->holder, hold->explanation));
            } else if (!out.neededReasons.contains(id)) {
                out.neededReasons.insert(
                    id, QStringLiteral("needed until the synthetic full for %1 is written")
                            .arg(joined(synthesizedBelow.value(id))));
            }
        }

        // Removal: after the syntheses, a removable backup's remaining
        // children are all removable too; take the newest one whose children
        // are gone, again and again.
        QHash<QString, int> remainingChildren;
        QSet<QString> removable;
        for (const QString& id : std::as_const(order)) {
            if (dropped.contains(id) && !holds.value(id))
                removable.insert(id);
        }
        const QHash<QString, qsizetype> rank = rankByOrder();
        const auto byRank = [&rank](const QString& a, const QString& b) {
            return rank.value(a) < rank.value(b);
        };
        std::set<QString, decltype(byRank)> ready(byRank);
        for (const QString& id : std::as_const(removable)) {
            int count = 0;
            for (const QString& child : children.value(id)) {
                if (removable.contains(child))
                    ++count;
            }
            remainingChildren.insert(id, count);
            if (count == 0)
                ready.insert(id);
        }
        while (!ready.empty()) {
            const QString id = *ready.begin();
            ready.erase(ready.begin());
            QString reason;
            if (toSynthesize.contains(id))
                reason = QStringLiteral("replaced by a synthetic full for %1")
                             .arg(joined(keptChildrenOf(id)));
            else if (synthesizedBelow.contains(id))
                reason = QStringLiteral("kept by nothing once the synthetic full for %1 is "
                                        "written")
                             .arg(joined(synthesizedBelow.value(id)));
            else
                reason = QStringLiteral("kept by nothing");
            out.steps << PruneStep{PruneStep::Remove, id, {}, reason};
            const QString parent = byId.value(id).parentId;
            if (removable.contains(parent) && --remainingChildren[parent] == 0)
                ready.insert(parent);
        }
    }

private:
    void sortNewestFirst(QStringList& ids) const
    {
        std::sort(ids.begin(), ids.end(), [this](const QString& a, const QString& b) {
            return newerThan(byId.value(a), byId.value(b));
        });
    }

    QHash<QString, qsizetype> rankByOrder() const
    {
        QList<RetentionItem> all = byId.values();
        std::sort(all.begin(), all.end(), newerThan);
        QHash<QString, qsizetype> rank;
        for (qsizetype i = 0; i < all.size(); ++i)
            rank.insert(all[i].id, i);
        return rank;
    }

    QStringList keptChildrenOf(const QString& id) const
    {
        QStringList result;
        for (const QString& child : children.value(id)) {
            if (kept.contains(child))
                result << child;
        }
        return result;
    }

    bool isRoot(const QString& id) const
    {
        const QString parent = byId.value(id).parentId;
        return parent.isEmpty() || !byId.contains(parent);
    }

    // Whether a kept or unavailable backup lies below `id`.
    bool hasDependent(const QString& id)
    {
        if (auto it = dependentMemo.constFind(id); it != dependentMemo.constEnd())
            return *it;
        dependentMemo.insert(id, false); // a parent cycle ends here
        bool found = false;
        for (const QString& child : children.value(id)) {
            if (kept.contains(child) || !byId.value(child).usable || hasDependent(child)) {
                found = true;
                break;
            }
        }
        dependentMemo.insert(id, found);
        return found;
    }

    // Why the dropped backup `id` must stay, if it must: an unavailable child
    // (Cinder keeps a backup while any child remains), a kept child of a full
    // (nothing can replace a full), or a child that stays itself.
    std::optional<Hold> holdOf(const QString& id)
    {
        if (auto it = holds.constFind(id); it != holds.constEnd())
            return *it;
        if (visiting.contains(id))
            return Hold{id, QStringLiteral("its chain loops back on itself")};
        visiting.insert(id);
        std::optional<Hold> hold;
        const QStringList kids = children.value(id);
        for (const QString& child : kids) {
            if (!byId.value(child).usable) {
                hold = Hold{child, QStringLiteral("a backup that is not available depends on "
                                                  "it, and a backup with children cannot be "
                                                  "removed")};
                break;
            }
        }
        if (!hold) {
            for (const QString& child : kids) {
                if (dropped.contains(child)) {
                    if (const std::optional<Hold> below = holdOf(child)) {
                        hold = below;
                        break;
                    }
                }
            }
        }
        if (!hold && isRoot(id)) {
            const QStringList keptChildren = keptChildrenOf(id);
            if (!keptChildren.isEmpty())
                hold = Hold{joined(keptChildren),
                            byId.value(id).parentId.isEmpty()
                                ? QStringLiteral("a full backup")
                                : QStringLiteral("the base of its chain (its parent is not "
                                                 "in the catalog)")};
        }
        visiting.remove(id);
        holds.insert(id, hold);
        return hold;
    }

    QHash<QString, RetentionItem> byId;
    QHash<QString, QStringList> children; // newest first
    QSet<QString> kept;
    QSet<QString> dropped; // usable and dropped by the policy
    QStringList order;     // usable ids, newest first
    QHash<QString, std::optional<Hold>> holds;
    QHash<QString, bool> dependentMemo;
    QSet<QString> visiting;
    QStringList toSynthesize;
};

} // namespace

PrunePlan planPrune(const RetentionPolicy& policy, const QList<RetentionItem>& items,
                    bool anyOrderDelete, const QTimeZone& zone)
{
    PrunePlan plan;
    plan.decisions = selectRetained(policy, items, zone);
    plan.policy = policy.describe();
    if (anyOrderDelete) {
        // Each backup stands alone: its children take over its parent.
        for (const RetentionDecision& decision : std::as_const(plan.decisions)) {
            if (!decision.keep)
                plan.steps << PruneStep{
                    PruneStep::Remove, decision.id, {}, QStringLiteral("kept by nothing")};
        }
        return plan;
    }
    ChainPlanner(items, plan.decisions).plan(plan);
    return plan;
}

} // namespace ember
