// Retention: policy parsing, each keep rule on hand-made histories (ISO weeks
// over a year end, DST in Europe/Berlin), and a property test of the prune
// plan against a naive reference and a model of the chains it changes.
#include "records.h"
#include "retention.h"

#include <QHash>
#include <QJsonDocument>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QTimeZone>

#include <algorithm>

using namespace ember;

namespace {

const QTimeZone kUtc = QTimeZone::utc();

QDateTime utc(int year, int month, int day, int hour = 12, int minute = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute), kUtc);
}

RetentionItem item(const QString& id, const QDateTime& takenAt, const QString& parentId = {},
                   bool isProtected = false, bool usable = true)
{
    RetentionItem result;
    result.id = id;
    result.parentId = parentId;
    result.takenAt = takenAt;
    result.isProtected = isProtected;
    result.usable = usable;
    return result;
}

QStringList keptIds(const QList<RetentionDecision>& decisions)
{
    QStringList ids;
    for (const RetentionDecision& decision : decisions) {
        if (decision.keep)
            ids << decision.id;
    }
    return ids;
}

QStringList allIds(const QList<RetentionDecision>& decisions)
{
    QStringList ids;
    for (const RetentionDecision& decision : decisions)
        ids << decision.id;
    return ids;
}

// Reasons as text (QCOMPARE on the enum list would print through ember::toString).
QStringList names(const QList<KeepReason>& reasons)
{
    QStringList result;
    for (KeepReason reason : reasons)
        result << toString(reason);
    return result;
}

RetentionPolicy policyFrom(const char* json)
{
    return RetentionPolicy::fromJson(QJsonDocument::fromJson(json).object());
}

QString errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

// ---- The naive reference ---------------------------------------------------

struct ReferenceResult
{
    QStringList newestFirst;                 // usable ids
    QMap<QString, QSet<KeepReason>> reasons; // kept ids only
};

bool referenceNewer(const RetentionItem& a, const RetentionItem& b)
{
    return a.takenAt != b.takenAt ? a.takenAt > b.takenAt : a.id > b.id;
}

// For a bucket rule: the distinct period names in descending order, the first
// `count` of them, and for each the newest backup in it.
void referenceBuckets(const QList<RetentionItem>& newestFirst, int count,
                      const std::function<QString(const QDateTime&)>& periodOf,
                      const QTimeZone& zone, KeepReason reason, ReferenceResult& out)
{
    if (count <= 0)
        return;
    QMap<QString, QList<RetentionItem>> byPeriod;
    for (const RetentionItem& it : newestFirst)
        byPeriod[periodOf(it.takenAt.toTimeZone(zone))] << it;
    QStringList periods = byPeriod.keys();
    std::sort(periods.begin(), periods.end(), std::greater<QString>());
    for (int i = 0; i < periods.size() && i < count; ++i) {
        QList<RetentionItem> members = byPeriod.value(periods[i]);
        const RetentionItem newest =
            *std::min_element(members.begin(), members.end(), referenceNewer);
        out.reasons[newest.id].insert(reason);
    }
}

ReferenceResult referenceSelect(const RetentionPolicy& policy, const QList<RetentionItem>& items,
                                const QTimeZone& zone)
{
    QList<RetentionItem> usable;
    for (const RetentionItem& it : items) {
        if (it.usable)
            usable << it;
    }
    std::sort(usable.begin(), usable.end(), referenceNewer);
    ReferenceResult out;
    for (const RetentionItem& it : usable)
        out.newestFirst << it.id;
    if (usable.isEmpty())
        return out;
    const bool empty = policy.keepLast < 0 && policy.keepHourly < 0 && policy.keepDaily < 0 &&
                       policy.keepWeekly < 0 && policy.keepMonthly < 0 && policy.keepYearly < 0 &&
                       !policy.keepWithin;
    for (const RetentionItem& it : usable) {
        if (empty)
            out.reasons[it.id].insert(KeepReason::EmptyPolicy);
        if (it.isProtected)
            out.reasons[it.id].insert(KeepReason::Protected);
    }
    if (empty)
        return out;
    for (int i = 0; i < usable.size() && i < policy.keepLast; ++i)
        out.reasons[usable[i].id].insert(KeepReason::Last);
    referenceBuckets(
        usable, policy.keepHourly,
        [](const QDateTime& t) { return t.toString(QStringLiteral("yyyy-MM-dd HH")); }, zone,
        KeepReason::Hourly, out);
    referenceBuckets(
        usable, policy.keepDaily,
        [](const QDateTime& t) { return t.toString(QStringLiteral("yyyy-MM-dd")); }, zone,
        KeepReason::Daily, out);
    referenceBuckets(
        usable, policy.keepWeekly,
        [](const QDateTime& t) {
            int isoYear = 0;
            const int week = t.date().weekNumber(&isoYear);
            return QStringLiteral("%1-W%2")
                .arg(isoYear, 4, 10, QLatin1Char('0'))
                .arg(week, 2, 10, QLatin1Char('0'));
        },
        zone, KeepReason::Weekly, out);
    referenceBuckets(
        usable, policy.keepMonthly,
        [](const QDateTime& t) { return t.toString(QStringLiteral("yyyy-MM")); }, zone,
        KeepReason::Monthly, out);
    referenceBuckets(
        usable, policy.keepYearly,
        [](const QDateTime& t) { return t.toString(QStringLiteral("yyyy")); }, zone,
        KeepReason::Yearly, out);
    if (policy.keepWithin) {
        const RetentionSpan span = *policy.keepWithin;
        const QDateTime cutoff = usable.first()
                                     .takenAt.toTimeZone(zone)
                                     .addYears(-span.years)
                                     .addMonths(-span.months)
                                     .addDays(-span.days)
                                     .addSecs(-3600LL * span.hours);
        for (const RetentionItem& it : usable) {
            if (it.takenAt > cutoff)
                out.reasons[it.id].insert(KeepReason::Within);
        }
    }
    return out;
}

// ---- Random histories ------------------------------------------------------

struct History
{
    QList<RetentionItem> items;
    RetentionPolicy policy;
    QTimeZone zone;
    QHash<QString, QMap<int, quint32>> writes; // per backup (and per missing parent)
};

QString describeHistory(const History& history)
{
    QStringList lines;
    lines << QStringLiteral("policy: %1, zone %2")
                 .arg(history.policy.describe(), QString::fromUtf8(history.zone.id()));
    for (const RetentionItem& it : history.items)
        lines << QStringLiteral("  %1 parent=%2 at %3%4%5")
                     .arg(it.id, it.parentId.isEmpty() ? QStringLiteral("-") : it.parentId,
                          it.takenAt.toString(Qt::ISODate),
                          it.isProtected ? QStringLiteral(" protected") : QString(),
                          it.usable ? QString() : QStringLiteral(" UNUSABLE"));
    return lines.join(QLatin1Char('\n'));
}

History randomHistory(QRandomGenerator& random)
{
    History history;
    history.zone = random.bounded(2) ? QTimeZone("Europe/Berlin") : kUtc;
    const int count = 1 + random.bounded(45);
    // Spread over about three years: average gap 3y/count, often far shorter.
    const qint64 spanSecs = 3LL * 365 * 24 * 3600;
    // Some histories on whole hours, where keep-within's cutoff can fall
    // exactly on a backup.
    const bool wholeHours = random.bounded(3) == 0;
    QDateTime at = utc(2022, 1, 1, 0).addSecs(random.bounded(30 * 24 * 3600));
    QStringList chainTips; // the newest usable backup of the current chain
    QStringList usableIds;
    QString tip;
    for (int i = 0; i < count; ++i) {
        const int gapKind = random.bounded(10);
        qint64 gap = 0;
        if (gapKind == 0)
            gap = 0; // the same second as the previous one
        else if (gapKind < 5)
            gap = random.bounded(int(2 * spanSecs / count)) + 1;
        else if (gapKind < 8)
            gap = random.bounded(3 * 3600) + 60;
        else
            gap = random.bounded(9 * 24 * 3600) + 60;
        at = at.addSecs(gap);
        if (wholeHours)
            at = at.addSecs(-(at.toSecsSinceEpoch() % 3600));

        RetentionItem it;
        // Ids not in the order of creation, so that ties in time go either way.
        it.id = QStringLiteral("%1%2")
                    .arg(QChar(u'a' + random.bounded(26)))
                    .arg(i, 3, 10, QLatin1Char('0'));
        it.takenAt = at;
        // Now and then a restore point older than its parent's (a snapshot
        // backed up later, or a record imported with another clock).
        if (random.bounded(15) == 0)
            it.takenAt = at.addSecs(-random.bounded(2 * 24 * 3600));
        it.isProtected = random.bounded(10) == 0;
        it.usable = random.bounded(12) != 0;
        const bool full = tip.isEmpty() || random.bounded(5) == 0;
        if (!full) {
            const int parentKind = random.bounded(20);
            if (parentKind == 0) {
                // Its parent is not in the catalog any more.
                it.parentId = QStringLiteral("gone%1").arg(i);
                QMap<int, quint32>& gone = history.writes[it.parentId];
                for (int w = 0; w < 4; ++w)
                    gone.insert(random.bounded(16), random.generate());
            } else if (parentKind < 4 && !history.items.isEmpty()) {
                // A branch off any earlier backup (rarely an unusable one).
                it.parentId = history.items[random.bounded(int(history.items.size()))].id;
            } else {
                it.parentId = tip;
            }
        }
        QMap<int, quint32>& own = history.writes[it.id];
        const int writeCount = full ? 10 + random.bounded(7) : 1 + random.bounded(5);
        for (int w = 0; w < writeCount; ++w)
            own.insert(random.bounded(16), random.generate());
        if (it.usable)
            tip = it.id;
        history.items << it;
    }
    // Shuffle: the planner takes any order.
    for (qsizetype i = history.items.size() - 1; i > 0; --i)
        history.items.swapItemsAt(i, random.bounded(int(i + 1)));

    const auto maybe = [&random](int& field) {
        if (random.bounded(100) < 35)
            field = random.bounded(9);
    };
    maybe(history.policy.keepLast);
    maybe(history.policy.keepHourly);
    maybe(history.policy.keepDaily);
    maybe(history.policy.keepWeekly);
    maybe(history.policy.keepMonthly);
    maybe(history.policy.keepYearly);
    if (random.bounded(4) == 0) {
        RetentionSpan span;
        do {
            span.years = random.bounded(3) == 0 ? random.bounded(2) : 0;
            span.months = random.bounded(3) == 0 ? random.bounded(12) : 0;
            span.days = random.bounded(2) == 0 ? random.bounded(40) : 0;
            span.hours = random.bounded(3) == 0 ? random.bounded(48) : 0;
        } while (span == RetentionSpan{});
        history.policy.keepWithin = span;
    }
    return history;
}

// ---- The chain model -------------------------------------------------------

struct ModelBackup
{
    QString parentId;
    QMap<int, quint32> writes; // a full's are its whole state
    bool present = true;
};

using Model = QHash<QString, ModelBackup>;

// The state a backup restores to: its chain's writes applied from the full
// down. A parent outside the model (not in the catalog) contributes its own.
QMap<int, quint32> stateOf(const Model& model, const History& history, const QString& id)
{
    QStringList chain;
    for (QString at = id; !at.isEmpty() && chain.size() <= model.size() + 1;) {
        chain.prepend(at);
        at = model.contains(at) ? model.value(at).parentId : QString();
    }
    QMap<int, quint32> state;
    for (const QString& link : std::as_const(chain)) {
        const QMap<int, quint32> writes =
            model.contains(link) ? model.value(link).writes : history.writes.value(link);
        for (auto it = writes.begin(); it != writes.end(); ++it)
            state.insert(it.key(), it.value());
    }
    return state;
}

bool dependsOn(const Model& model, const QString& id, const QString& ancestor)
{
    int guard = 0;
    for (QString at = model.value(id).parentId; !at.isEmpty() && guard++ <= model.size();
         at = model.value(at).parentId) {
        if (at == ancestor)
            return true;
    }
    return false;
}

QString checkHistory(const History& history)
{
    const QList<RetentionItem>& items = history.items;
    QHash<QString, RetentionItem> byId;
    for (const RetentionItem& it : items)
        byId.insert(it.id, it);

    // (a) the decisions against the reference.
    const ReferenceResult reference = referenceSelect(history.policy, items, history.zone);
    const QList<RetentionDecision> decisions = selectRetained(history.policy, items, history.zone);
    if (allIds(decisions) != reference.newestFirst)
        return QStringLiteral("decision order %1, expected %2")
            .arg(allIds(decisions).join(','), reference.newestFirst.join(','));
    QSet<QString> kept;
    for (const RetentionDecision& decision : decisions) {
        const QSet<KeepReason> expected = reference.reasons.value(decision.id);
        const QSet<KeepReason> actual(decision.reasons.begin(), decision.reasons.end());
        if (decision.keep != !expected.isEmpty() || actual != expected ||
            actual.size() != decision.reasons.size()) {
            QStringList got, want;
            for (KeepReason r : decision.reasons)
                got << toString(r);
            for (KeepReason r : expected)
                want << toString(r);
            want.sort();
            return QStringLiteral("%1: keep=%2 reasons [%3], the reference says [%4]")
                .arg(decision.id, decision.keep ? QStringLiteral("yes") : QStringLiteral("no"),
                     got.join(','), want.join(','));
        }
        if (decision.keep)
            kept.insert(decision.id);
    }
    QSet<QString> dropped;
    for (const RetentionItem& it : items) {
        if (it.usable && !kept.contains(it.id))
            dropped.insert(it.id);
    }

    // What a dropped backup carries below it: a kept or an unusable backup.
    QHash<QString, QStringList> children;
    for (const RetentionItem& it : items)
        children[it.parentId] << it.id;
    const std::function<bool(const QString&)> hasDependent = [&](const QString& id) {
        for (const QString& child : children.value(id)) {
            if (kept.contains(child) || !byId.value(child).usable || hasDependent(child))
                return true;
        }
        return false;
    };
    const std::function<bool(const QString&)> carriesUnusable = [&](const QString& id) {
        for (const QString& child : children.value(id)) {
            if (!byId.value(child).usable || carriesUnusable(child))
                return true;
        }
        return false;
    };

    Model initial;
    for (const RetentionItem& it : items)
        initial.insert(it.id, ModelBackup{it.parentId, history.writes.value(it.id), true});
    QHash<QString, QMap<int, quint32>> before;
    for (const RetentionItem& it : items)
        before.insert(it.id, stateOf(initial, history, it.id));

    // ---- chunked: Cinder's newest-first rule.
    {
        const PrunePlan plan = planPrune(history.policy, items, false, history.zone);
        if (allIds(plan.decisions) != allIds(decisions) ||
            keptIds(plan.decisions) != keptIds(decisions))
            return QStringLiteral("the plan's decisions differ from selectRetained's");
        QSet<QString> expectedNeeded;
        for (const QString& id : std::as_const(dropped)) {
            if (hasDependent(id))
                expectedNeeded.insert(id);
        }
        const QSet<QString> needed(plan.needed.begin(), plan.needed.end());
        if (needed != expectedNeeded || needed.size() != plan.needed.size())
            return QStringLiteral("needed %1, expected %2")
                .arg(QStringList(needed.values()).join(','),
                     QStringList(expectedNeeded.values()).join(','));
        for (const QString& id : plan.needed) {
            if (plan.neededReasons.value(id).isEmpty())
                return QStringLiteral("needed %1 has no reason").arg(id);
        }

        Model model = initial;
        QSet<QString> live = kept; // kept backups and the synthetic fulls
        QSet<QString> removed;
        for (const PruneStep& step : plan.steps) {
            if (step.reason.isEmpty())
                return QStringLiteral("a step on %1 has no reason").arg(step.backupId);
            if (!model.contains(step.backupId) || !model.value(step.backupId).present)
                return QStringLiteral("step on %1, which is not there").arg(step.backupId);
            if (step.kind == PruneStep::Synthesize) {
                if (!dropped.contains(step.backupId))
                    return QStringLiteral("synthesizes %1, which is not dropped")
                        .arg(step.backupId);
                const QString full = QStringLiteral("synthetic-of-%1").arg(step.backupId);
                model.insert(full, ModelBackup{{}, stateOf(model, history, step.backupId), true});
                live.insert(full);
                for (const QString& child : step.children) {
                    if (model.value(child).parentId != step.backupId)
                        return QStringLiteral("moves %1, which is not a child of %2")
                            .arg(child, step.backupId);
                    model[child].parentId = full;
                }
            } else {
                if (!dropped.contains(step.backupId))
                    return QStringLiteral("removes %1, which the policy keeps or which is "
                                          "not usable")
                        .arg(step.backupId);
                // (b) nothing kept depends on it at this moment.
                for (auto it = model.cbegin(); it != model.cend(); ++it) {
                    if (!it->present)
                        continue;
                    if (it->parentId == step.backupId)
                        return QStringLiteral("removes %1 while %2 is still its child")
                            .arg(step.backupId, it.key());
                    if ((live.contains(it.key()) ||
                         !byId.value(it.key(), RetentionItem{}).usable) &&
                        dependsOn(model, it.key(), step.backupId))
                        return QStringLiteral("removes %1, which %2 depends on")
                            .arg(step.backupId, it.key());
                }
                model[step.backupId].present = false;
                removed.insert(step.backupId);
            }
        }
        // (c) every kept backup restores what it did before; unusable ones keep their chains.
        for (const RetentionItem& it : items) {
            if (!kept.contains(it.id) && it.usable)
                continue;
            for (QString at = it.id; model.contains(at); at = model.value(at).parentId) {
                if (!model.value(at).present)
                    return QStringLiteral("%1's chain lost %2").arg(it.id, at);
                if (at == model.value(at).parentId)
                    break;
            }
            if (kept.contains(it.id) && stateOf(model, history, it.id) != before.value(it.id))
                return QStringLiteral("%1 restores something else after the prune").arg(it.id);
        }
        // (d) what remains of the dropped ones is needed, and could not go:
        // a full (or chain base) a kept backup sits on, or the chain of an unusable one.
        for (const QString& id : std::as_const(dropped)) {
            if (removed.contains(id))
                continue;
            if (!needed.contains(id))
                return QStringLiteral("%1 stays, but it is not needed").arg(id);
            const bool root = !byId.contains(byId.value(id).parentId);
            if (!root && !carriesUnusable(id))
                return QStringLiteral("%1 stays, an incremental no unusable backup needs").arg(id);
        }
    }

    // ---- any order (Ceph): every backup's state is its own snapshot.
    {
        const PrunePlan plan = planPrune(history.policy, items, true, history.zone);
        Model model = initial;
        for (auto it = model.begin(); it != model.end(); ++it)
            it->writes = before.value(it.key());
        QStringList expectedOrder;
        for (const QString& id : reference.newestFirst) {
            if (dropped.contains(id))
                expectedOrder << id;
        }
        if (plan.removed() != expectedOrder || plan.steps.size() != expectedOrder.size())
            return QStringLiteral("any order: removes %1, expected %2")
                .arg(plan.removed().join(','), expectedOrder.join(','));
        if (!plan.needed.isEmpty())
            return QStringLiteral("any order: needs %1").arg(plan.needed.join(','));
        for (const PruneStep& step : plan.steps) {
            if (!model.value(step.backupId).present)
                return QStringLiteral("any order: %1 removed twice").arg(step.backupId);
            const QString grandparent = model.value(step.backupId).parentId;
            for (auto it = model.begin(); it != model.end(); ++it) {
                if (it->present && it->parentId == step.backupId)
                    it->parentId = grandparent;
            }
            model[step.backupId].present = false;
        }
        for (const QString& id : std::as_const(kept)) {
            if (!model.value(id).present || model.value(id).writes != before.value(id))
                return QStringLiteral("any order: %1 lost").arg(id);
            for (QString at = model.value(id).parentId; model.contains(at);
                 at = model.value(at).parentId) {
                if (!model.value(at).present)
                    return QStringLiteral("any order: %1's parent %2 is gone").arg(id, at);
            }
        }
    }
    return {};
}

} // namespace

class RetentionTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- spans and policies

    void spanParses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("years");
        QTest::addColumn<int>("months");
        QTest::addColumn<int>("days");
        QTest::addColumn<int>("hours");
        QTest::addColumn<QString>("written");
        QTest::newRow("all") << "2y5m7d3h" << 2 << 5 << 7 << 3 << "2y5m7d3h";
        QTest::newRow("days") << "7d" << 0 << 0 << 7 << 0 << "7d";
        QTest::newRow("years") << "1y" << 1 << 0 << 0 << 0 << "1y";
        QTest::newRow("hours") << "36h" << 0 << 0 << 0 << 36 << "36h";
        QTest::newRow("months and hours") << "1m2h" << 0 << 1 << 0 << 2 << "1m2h";
        QTest::newRow("a zero part") << "0y3d" << 0 << 0 << 3 << 0 << "3d";
        QTest::newRow("spaces around") << " 12d " << 0 << 0 << 12 << 0 << "12d";
    }
    void spanParses()
    {
        QFETCH(QString, text);
        const RetentionSpan span = RetentionSpan::parse(text);
        QFETCH(int, years);
        QFETCH(int, months);
        QFETCH(int, days);
        QFETCH(int, hours);
        QCOMPARE(span.years, years);
        QCOMPARE(span.months, months);
        QCOMPARE(span.days, days);
        QCOMPARE(span.hours, hours);
        QFETCH(QString, written);
        QCOMPARE(span.toString(), written);
        QCOMPARE(RetentionSpan::parse(span.toString()), span);
    }

    void spanRefuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("zero") << "0d";
        QTest::newRow("all zero") << "0y0m0d0h";
        QTest::newRow("weeks") << "3w";
        QTest::newRow("out of order") << "7d2y";
        QTest::newRow("fraction") << "1.5d";
        QTest::newRow("negative") << "-1d";
        QTest::newRow("unit only") << "d";
        QTest::newRow("number only") << "7";
        QTest::newRow("upper case") << "7D";
        QTest::newRow("repeated") << "1d1d";
        QTest::newRow("huge") << "99999999999h";
    }
    void spanRefuses()
    {
        QFETCH(QString, text);
        const QString message = errorOf([&] { RetentionSpan::parse(text); });
        QVERIFY2(!message.isEmpty(), qPrintable(text));
        QVERIFY2(message.contains(QStringLiteral("'%1'").arg(text)), qPrintable(message));
    }

    void policyJsonRoundTrips()
    {
        const RetentionPolicy policy = policyFrom(
            R"({"keep_last": 3, "keep_hourly": 0, "keep_daily": 7, "keep_weekly": 4,
                "keep_monthly": 12, "keep_yearly": 2, "keep_within": "1y2d"})");
        QCOMPARE(policy.keepLast, 3);
        QCOMPARE(policy.keepHourly, 0);
        QCOMPARE(policy.keepDaily, 7);
        QCOMPARE(policy.keepWeekly, 4);
        QCOMPARE(policy.keepMonthly, 12);
        QCOMPARE(policy.keepYearly, 2);
        QCOMPARE(policy.keepWithin, (RetentionSpan{1, 0, 2, 0}));
        QVERIFY(!policy.isEmpty());
        QCOMPARE(RetentionPolicy::fromJson(policy.toJson()), policy);
        QCOMPARE(policy.describe(),
                 QStringLiteral("keep-last=3 keep-hourly=0 keep-daily=7 keep-weekly=4 "
                                "keep-monthly=12 keep-yearly=2 keep-within=1y2d"));

        const RetentionPolicy some = policyFrom(R"({"keep_daily": 7})");
        QCOMPARE(some.toJson(), QJsonDocument::fromJson(R"({"keep_daily": 7})").object());
        QCOMPARE(some.describe(), QStringLiteral("keep-daily=7"));

        const RetentionPolicy none = policyFrom("{}");
        QVERIFY(none.isEmpty());
        QVERIFY(none.toJson().isEmpty());
        QCOMPARE(none, RetentionPolicy{});
    }

    void policyJsonRefuses_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("named");
        QTest::newRow("unknown key") << R"({"keep_dayly": 7})"
                                     << "keep_dayly";
        QTest::newRow("negative") << R"({"keep_last": -1})"
                                  << "keep_last";
        QTest::newRow("fraction") << R"({"keep_daily": 1.5})"
                                  << "keep_daily";
        QTest::newRow("text count") << R"({"keep_weekly": "4"})"
                                    << "keep_weekly";
        QTest::newRow("null count") << R"({"keep_monthly": null})"
                                    << "keep_monthly";
        QTest::newRow("too big") << R"({"keep_yearly": 1e12})"
                                 << "keep_yearly";
        QTest::newRow("bad span") << R"({"keep_within": "2weeks"})"
                                  << "2weeks";
        QTest::newRow("span not text") << R"({"keep_within": 7})"
                                       << "keep_within";
    }
    void policyJsonRefuses()
    {
        QFETCH(QString, json);
        QFETCH(QString, named);
        const QJsonObject object = QJsonDocument::fromJson(json.toUtf8()).object();
        QVERIFY(!object.isEmpty());
        const QString message = errorOf([&] { RetentionPolicy::fromJson(object); });
        QVERIFY2(message.contains(named), qPrintable(message));
    }

    // ---- keep rules

    void keepLast()
    {
        QList<RetentionItem> items;
        for (int i = 0; i < 5; ++i)
            items << item(QStringLiteral("b%1").arg(i), utc(2024, 1, 1 + i));
        RetentionPolicy policy;
        policy.keepLast = 2;
        const QList<RetentionDecision> decisions = selectRetained(policy, items, kUtc);
        QCOMPARE(allIds(decisions), (QStringList{"b4", "b3", "b2", "b1", "b0"}));
        QCOMPARE(keptIds(decisions), (QStringList{"b4", "b3"}));
        QCOMPARE(names(decisions.first().reasons), names(QList<KeepReason>{KeepReason::Last}));
        QVERIFY(decisions.last().reasons.isEmpty());
        // 0 is a rule that keeps nothing, not an empty policy.
        policy.keepLast = 0;
        QVERIFY(keptIds(selectRetained(policy, items, kUtc)).isEmpty());
    }

    void equalTimesOrderById()
    {
        const QList<RetentionItem> items{item("a", utc(2024, 1, 1)), item("c", utc(2024, 1, 1)),
                                         item("b", utc(2024, 1, 1))};
        RetentionPolicy policy;
        policy.keepLast = 1;
        const QList<RetentionDecision> decisions = selectRetained(policy, items, kUtc);
        QCOMPARE(allIds(decisions), (QStringList{"c", "b", "a"}));
        QCOMPARE(keptIds(decisions), QStringList{"c"});
    }

    void keepDailyTakesTheNewestOfDaysWithBackups()
    {
        const QList<RetentionItem> items{
            item("mon-9", utc(2024, 5, 6, 9)),   item("mon-18", utc(2024, 5, 6, 18)),
            item("tue-7", utc(2024, 5, 7, 7)), // no backup on Wednesday
            item("thu-1", utc(2024, 5, 9, 1)),   item("thu-23", utc(2024, 5, 9, 23)),
            item("fri-12", utc(2024, 5, 10, 12))};
        RetentionPolicy policy;
        policy.keepDaily = 3;
        QCOMPARE(keptIds(selectRetained(policy, items, kUtc)),
                 (QStringList{"fri-12", "thu-23", "tue-7"}));
        policy.keepDaily = 10;
        QCOMPARE(keptIds(selectRetained(policy, items, kUtc)),
                 (QStringList{"fri-12", "thu-23", "tue-7", "mon-18"}));
    }

    void keepHourly()
    {
        const QList<RetentionItem> items{
            item("a", utc(2024, 5, 6, 9, 5)), item("b", utc(2024, 5, 6, 9, 55)),
            item("c", utc(2024, 5, 6, 10, 0)), item("d", utc(2024, 5, 6, 12, 30))};
        RetentionPolicy policy;
        policy.keepHourly = 3;
        QCOMPARE(keptIds(selectRetained(policy, items, kUtc)), (QStringList{"d", "c", "b"}));
    }

    void keepWeeklyUsesIsoWeeksOverTheYearEnd()
    {
        // 2020 has an ISO week 53 (Mon 2020-12-28 .. Sun 2021-01-03), and
        // Mon 2019-12-30 is in week 1 of 2020.
        const QList<RetentionItem> items{
            item("2021-w1", utc(2021, 1, 4)),        item("2020-w53-sun", utc(2021, 1, 3)),
            item("2020-w53-mon", utc(2020, 12, 28)), item("2020-w1-wed", utc(2020, 1, 1)),
            item("2020-w1-mon", utc(2019, 12, 30)),  item("2019-w52", utc(2019, 12, 29))};
        RetentionPolicy policy;
        policy.keepWeekly = 10;
        QCOMPARE(keptIds(selectRetained(policy, items, kUtc)),
                 (QStringList{"2021-w1", "2020-w53-sun", "2020-w1-wed", "2019-w52"}));
        policy.keepWeekly = 2;
        QCOMPARE(keptIds(selectRetained(policy, items, kUtc)),
                 (QStringList{"2021-w1", "2020-w53-sun"}));
    }

    void keepMonthlyAndYearly()
    {
        const QList<RetentionItem> items{
            item("2024-03-b", utc(2024, 3, 20)), item("2024-03-a", utc(2024, 3, 2)),
            item("2024-01", utc(2024, 1, 31)),   item("2023-12", utc(2023, 12, 31)),
            item("2023-06", utc(2023, 6, 1)),    item("2021-01", utc(2021, 1, 1))};
        RetentionPolicy monthly;
        monthly.keepMonthly = 3;
        QCOMPARE(keptIds(selectRetained(monthly, items, kUtc)),
                 (QStringList{"2024-03-b", "2024-01", "2023-12"}));
        RetentionPolicy yearly;
        yearly.keepYearly = 5;
        QCOMPARE(keptIds(selectRetained(yearly, items, kUtc)),
                 (QStringList{"2024-03-b", "2023-12", "2021-01"}));
    }

    void rulesUnite()
    {
        const QList<RetentionItem> items{item("d3", utc(2024, 1, 3)), item("d2", utc(2024, 1, 2)),
                                         item("d1", utc(2024, 1, 1)), item("old", utc(2023, 1, 1))};
        const RetentionPolicy policy = policyFrom(R"({"keep_last": 1, "keep_daily": 2,
                                                     "keep_yearly": 2})");
        const QList<RetentionDecision> decisions = selectRetained(policy, items, kUtc);
        QCOMPARE(keptIds(decisions), (QStringList{"d3", "d2", "old"}));
        QCOMPARE(names(decisions[0].reasons),
                 names(QList<KeepReason>{KeepReason::Last, KeepReason::Daily, KeepReason::Yearly}));
        QCOMPARE(names(decisions[1].reasons), names(QList<KeepReason>{KeepReason::Daily}));
        QCOMPARE(names(decisions[3].reasons), names(QList<KeepReason>{KeepReason::Yearly}));
    }

    void keepWithinIsRelativeToTheNewestAndStrict()
    {
        const QDateTime newest = utc(2024, 3, 10, 12);
        const QList<RetentionItem> items{
            item("newest", newest), item("just-in", newest.addDays(-2).addSecs(1)),
            item("at-cutoff", newest.addDays(-2)), item("older", newest.addDays(-5))};
        RetentionPolicy policy;
        policy.keepWithin = RetentionSpan::parse(QStringLiteral("2d"));
        QCOMPARE(keptIds(selectRetained(policy, items, kUtc)), (QStringList{"newest", "just-in"}));
        // Months count in the calendar: 2024-03-31 minus 1m is 2024-02-29.
        const QList<RetentionItem> monthEnd{item("n", utc(2024, 3, 31)),
                                            item("in", utc(2024, 2, 29, 12, 1)),
                                            item("out", utc(2024, 2, 29, 12, 0))};
        policy.keepWithin = RetentionSpan::parse(QStringLiteral("1m"));
        QCOMPARE(keptIds(selectRetained(policy, monthEnd, kUtc)), (QStringList{"n", "in"}));
    }

    void daylightSavingInBerlin()
    {
        const QTimeZone berlin("Europe/Berlin");
        QVERIFY(berlin.isValid());
        // 2024-10-27: 02:00-03:00 happens twice in Berlin (CEST, then CET).
        const QList<RetentionItem> fallBack{item("03:30-cet", utc(2024, 10, 27, 2, 30)),
                                            item("02:30-cet", utc(2024, 10, 27, 1, 30)),
                                            item("02:30-cest", utc(2024, 10, 27, 0, 30)),
                                            item("01:30-cest", utc(2024, 10, 26, 23, 30))};
        RetentionPolicy hourly;
        hourly.keepHourly = 3;
        QCOMPARE(keptIds(selectRetained(hourly, fallBack, berlin)),
                 (QStringList{"03:30-cet", "02:30-cet", "01:30-cest"}));
        QCOMPARE(keptIds(selectRetained(hourly, fallBack, kUtc)),
                 (QStringList{"03:30-cet", "02:30-cet", "02:30-cest"}));

        // Days end at Berlin's midnight, not at UTC's.
        const QList<RetentionItem> days{item("31st-00:30", utc(2024, 3, 30, 23, 30)),
                                        item("30th-13:00", utc(2024, 3, 30, 12)),
                                        item("29th-13:00", utc(2024, 3, 29, 12))};
        RetentionPolicy daily;
        daily.keepDaily = 2;
        QCOMPARE(keptIds(selectRetained(daily, days, berlin)),
                 (QStringList{"31st-00:30", "30th-13:00"}));
        QCOMPARE(keptIds(selectRetained(daily, days, kUtc)),
                 (QStringList{"31st-00:30", "29th-13:00"}));

        // keep-within 1d over the spring change is one calendar day in
        // Berlin: from 12:00 CEST back to 12:00 CET, 23 hours.
        const QList<RetentionItem> within{item("sun-12:00-cest", utc(2024, 3, 31, 10)),
                                          item("sat-12:30-cet", utc(2024, 3, 30, 11, 30)),
                                          item("sat-11:30-cet", utc(2024, 3, 30, 10, 30))};
        RetentionPolicy policy;
        policy.keepWithin = RetentionSpan{0, 0, 1, 0};
        QCOMPARE(keptIds(selectRetained(policy, within, berlin)),
                 (QStringList{"sun-12:00-cest", "sat-12:30-cet"}));
        QCOMPARE(keptIds(selectRetained(policy, within, kUtc)),
                 (QStringList{"sun-12:00-cest", "sat-12:30-cet", "sat-11:30-cet"}));
    }

    void protectedIsAlwaysKept()
    {
        const QList<RetentionItem> items{item("new", utc(2024, 1, 3)), item("mid", utc(2024, 1, 2)),
                                         item("old", utc(2024, 1, 1), {}, true)};
        RetentionPolicy policy;
        policy.keepLast = 1;
        const QList<RetentionDecision> decisions = selectRetained(policy, items, kUtc);
        QCOMPARE(keptIds(decisions), (QStringList{"new", "old"}));
        QCOMPARE(names(decisions[2].reasons), names(QList<KeepReason>{KeepReason::Protected}));
        QVERIFY(!planPrune(policy, items, false, kUtc).removed().contains("old"));
        QVERIFY(!planPrune(policy, items, true, kUtc).removed().contains("old"));
    }

    // S3 Object Lock: a backup locked at planning time is kept, and its chain
    // with it; once the lock has ended it is an ordinary backup.
    void immutableIsKeptWhileLocked()
    {
        Backup locked;
        locked.id = QStringLiteral("inc");
        locked.parentId = QStringLiteral("full");
        locked.status = BackupStatus::Available;
        locked.createdAt = utc(2024, 1, 2);
        locked.immutableUntil = utc(2024, 2, 1);
        locked.immutableMode = QStringLiteral("COMPLIANCE");
        QVERIFY(retentionItem(locked, utc(2024, 1, 31)).isImmutable);
        QVERIFY(!retentionItem(locked, utc(2024, 2, 1)).isImmutable);

        const QList<RetentionItem> items{item("new", utc(2024, 1, 3)),
                                         retentionItem(locked, utc(2024, 1, 31)),
                                         item("full", utc(2024, 1, 1))};
        RetentionPolicy policy;
        policy.keepLast = 1;
        const QList<RetentionDecision> decisions = selectRetained(policy, items, kUtc);
        QCOMPARE(keptIds(decisions), (QStringList{"new", "inc"}));
        QCOMPARE(names(decisions[1].reasons), (QStringList{"immutable (S3 Object Lock)"}));
        for (const bool anyOrder : {false, true}) {
            const PrunePlan plan = planPrune(policy, items, anyOrder, kUtc);
            QVERIFY(!plan.removed().contains("inc") && !plan.synthesized().contains("inc"));
            // Chunked backends: the locked incremental needs its full.
            QCOMPARE(plan.removed().contains("full"), anyOrder);
        }
        // The empty policy names the lock too.
        const QList<RetentionDecision> all = selectRetained(RetentionPolicy{}, items, kUtc);
        QCOMPARE(names(all[1].reasons), (QStringList{"immutable (S3 Object Lock)", "no policy"}));

        // Ended: dropped like any other.
        const QList<RetentionItem> later{item("new", utc(2024, 1, 3)),
                                         retentionItem(locked, utc(2024, 2, 2)),
                                         item("full", utc(2024, 1, 1))};
        QCOMPARE(keptIds(selectRetained(policy, later, kUtc)), (QStringList{"new"}));
    }

    void emptyPolicyKeepsEverythingUsable()
    {
        const QList<RetentionItem> items{item("a", utc(2020, 1, 1)), item("b", utc(2024, 1, 1)),
                                         item("broken", utc(2024, 2, 1), {}, false, false)};
        const QList<RetentionDecision> decisions = selectRetained(RetentionPolicy{}, items, kUtc);
        QCOMPARE(allIds(decisions), (QStringList{"b", "a"}));
        QCOMPARE(keptIds(decisions), (QStringList{"b", "a"}));
        QCOMPARE(names(decisions[0].reasons), names(QList<KeepReason>{KeepReason::EmptyPolicy}));
        const PrunePlan plan = planPrune(RetentionPolicy{}, items, false, kUtc);
        QVERIFY(plan.steps.isEmpty());
        QVERIFY(plan.needed.isEmpty());
    }

    // ---- plans on hand-made chains

    void droppedParentOfAKeptIncrementalIsSynthesized()
    {
        // full <- i1 <- i2 <- i3; only i3 is kept.
        const QList<RetentionItem> items{
            item("full", utc(2024, 1, 1)), item("i1", utc(2024, 1, 2), "full"),
            item("i2", utc(2024, 1, 3), "i1"), item("i3", utc(2024, 1, 4), "i2")};
        RetentionPolicy policy;
        policy.keepLast = 1;
        const PrunePlan plan = planPrune(policy, items, false, kUtc);
        QCOMPARE(plan.synthesized(), QStringList{"i2"});
        QCOMPARE(plan.steps.first().kind, PruneStep::Synthesize);
        QCOMPARE(plan.steps.first().children, QStringList{"i3"});
        QCOMPARE(plan.removed(), (QStringList{"i2", "i1", "full"}));
        QCOMPARE(plan.steps[1].reason, QStringLiteral("replaced by a synthetic full for i3"));
        QCOMPARE(plan.needed, (QStringList{"i2", "i1", "full"}));
        QCOMPARE(plan.policy, QStringLiteral("keep-last=1"));
    }

    void droppedFullUnderAKeptIncrementalStays()
    {
        const QList<RetentionItem> items{
            item("full", utc(2024, 1, 1)), item("i1", utc(2024, 1, 2), "full"),
            item("i2", utc(2024, 1, 3), "i1"), item("other", utc(2023, 1, 1))};
        RetentionPolicy policy;
        policy.keepDaily = 2; // i2 and i1
        const PrunePlan plan = planPrune(policy, items, false, kUtc);
        QVERIFY(plan.synthesized().isEmpty());
        QCOMPARE(plan.removed(), QStringList{"other"});
        QCOMPARE(plan.needed, QStringList{"full"});
        QCOMPARE(plan.neededReasons.value("full"), QStringLiteral("needed by i1: a full backup"));
        QCOMPARE(plan.steps.first().reason, QStringLiteral("kept by nothing"));
    }

    void unusableChildKeepsItsChain()
    {
        // full <- i1 <- broken (error): neither full nor i1 may go.
        const QList<RetentionItem> items{
            item("full", utc(2024, 1, 1)), item("i1", utc(2024, 1, 2), "full"),
            item("broken", utc(2024, 1, 3), "i1", false, false), item("new", utc(2024, 1, 4))};
        RetentionPolicy policy;
        policy.keepLast = 1;
        const PrunePlan plan = planPrune(policy, items, false, kUtc);
        QCOMPARE(allIds(plan.decisions), (QStringList{"new", "i1", "full"}));
        QVERIFY(plan.steps.isEmpty());
        QCOMPARE(plan.needed, (QStringList{"i1", "full"}));
        QVERIFY2(plan.neededReasons.value("i1").startsWith("needed by broken:"),
                 qPrintable(plan.neededReasons.value("i1")));
        QVERIFY2(plan.neededReasons.value("full").startsWith("needed by broken:"),
                 qPrintable(plan.neededReasons.value("full")));
    }

    void anyOrderRemovesEveryDroppedNewestFirst()
    {
        const QList<RetentionItem> items{
            item("full", utc(2024, 1, 1)), item("i1", utc(2024, 1, 2), "full"),
            item("i2", utc(2024, 1, 3), "i1"), item("i3", utc(2024, 1, 4), "i2")};
        RetentionPolicy policy;
        policy.keepLast = 1;
        const PrunePlan plan = planPrune(policy, items, true, kUtc);
        QVERIFY(plan.synthesized().isEmpty());
        QVERIFY(plan.needed.isEmpty());
        QCOMPARE(plan.removed(), (QStringList{"i2", "i1", "full"}));
    }

    // ---- the property test

    void randomHistoriesAgainstTheReference()
    {
        // EMBER_RETENTION_SEED repeats a failing run (its seed is in the message).
        // EMBER_RETENTION_RUNS tries more histories than the 600 of a normal run.
        bool fixed = false;
        const quint32 base = quint32(qEnvironmentVariableIntValue("EMBER_RETENTION_SEED", &fixed));
        bool more = false;
        const int asked = qEnvironmentVariableIntValue("EMBER_RETENTION_RUNS", &more);
        const int runs = more ? asked : fixed ? 1 : 600;
        const quint32 first = fixed ? base : 20261207u;
        int withSynthesis = 0, withNeededFull = 0, withRemovals = 0;
        for (int run = 0; run < runs; ++run) {
            const quint32 seed = first + quint32(run);
            QRandomGenerator random(seed);
            const History history = randomHistory(random);
            const QString failure = checkHistory(history);
            QVERIFY2(failure.isEmpty(),
                     qPrintable(QStringLiteral("seed %1 (EMBER_RETENTION_SEED=%1): %2\n%3")
                                    .arg(seed)
                                    .arg(failure, describeHistory(history))));
            const PrunePlan plan = planPrune(history.policy, history.items, false, history.zone);
            withSynthesis += plan.synthesized().isEmpty() ? 0 : 1;
            withRemovals += plan.removed().isEmpty() ? 0 : 1;
            withNeededFull += plan.needed.size() > plan.synthesized().size() ? 1 : 0;
        }
        qInfo("%d histories: %d with a synthetic full, %d with removals, %d with backups that "
              "stay or wait",
              runs, withSynthesis, withRemovals, withNeededFull);
        if (!fixed && !more) {
            // The generator reaches the interesting cases.
            QVERIFY(withSynthesis > runs / 10);
            QVERIFY(withRemovals > runs / 3);
            QVERIFY(withNeededFull > runs / 10);
        }
    }
};

QTEST_GUILESS_MAIN(RetentionTest)
#include "tst_retention.moc"
