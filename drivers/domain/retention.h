// Retention: which backups a policy keeps, and the chain-aware plan that gets
// there without breaking a chain Cinder must still restore.
//
// Selection follows restic's `forget` semantics (each option on its own, the
// result is their union):
//   keep-last N     the N newest backups;
//   keep-hourly N   for the last N hours that have backups, the newest of each
//                   hour (likewise daily, weekly (ISO weeks), monthly, yearly;
//                   periods in the given time zone);
//   keep-within D   every backup taken within D of the newest backup.
// Protected and immutable (S3 Object Lock) backups are always kept. A policy with no option set
// keeps everything (an empty policy never deletes).
//
// The plan (chunked backends, Cinder's newest-first rule): a backup the policy
// drops but a kept one depends on is "needed". A needed full stays. A needed
// incremental that is the parent of a kept backup is replaced by a synthetic
// full holding its state; its children move onto that full, and then it and
// its ancestors go, children before parents. Backends whose incrementals stand
// alone (Ceph's snapshots) delete any backup in any order, and its children
// take over its parent.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTimeZone>

#include <optional>

namespace ember {

// A keep-within span as restic writes it: "2y5m7d3h" (years, months, days,
// hours; any subset, in that order, each a whole number). A backup is within
// it when it was taken strictly after newest.addYears(-y).addMonths(-m)
// .addDays(-d).addSecs(-h * 3600), computed in the policy's time zone.
struct RetentionSpan
{
    int years = 0;
    int months = 0;
    int days = 0;
    int hours = 0;
    bool operator==(const RetentionSpan&) const = default;
    // Throws Error naming the text when it is not of that form, or is all zero.
    static RetentionSpan parse(const QString& text);
    QString toString() const; // "2y5m7d3h", zero parts left out
};

struct RetentionPolicy
{
    // -1 = not set. 0 is allowed and keeps nothing by that rule.
    int keepLast = -1;
    int keepHourly = -1;
    int keepDaily = -1;
    int keepWeekly = -1;
    int keepMonthly = -1;
    int keepYearly = -1;
    std::optional<RetentionSpan> keepWithin;

    bool isEmpty() const;
    bool operator==(const RetentionPolicy&) const = default;

    // {"keep_last": 7, "keep_daily": 7, "keep_within": "2d12h"}; unknown keys,
    // negative or non-integer counts and malformed durations throw Error.
    static RetentionPolicy fromJson(const QJsonObject& json);
    QJsonObject toJson() const;
    // "keep-last=3 keep-daily=7 keep-within=2d" (the CLI's and the log's form).
    QString describe() const;
};

// One backup of one volume as the planner sees it.
struct RetentionItem
{
    QString id;
    QString parentId;  // empty = full
    QDateTime takenAt; // the restore point's time (data_timestamp, else created_at), UTC
    bool isProtected = false;
    // Locked by S3 Object Lock when planned: no one can delete it yet, so it is kept.
    bool isImmutable = false;
    bool usable = true; // available; others (error, creating, ...) are neither kept nor removed
};

struct Backup;
// A backup's restore point time as retention sees it: its data_timestamp,
// else its created_at, in UTC.
QDateTime retentionTime(const Backup& backup);
// The planner's view of `backup` at `now` (whether its Object Lock still holds).
RetentionItem retentionItem(const Backup& backup,
                            const QDateTime& now = QDateTime::currentDateTimeUtc());

enum class KeepReason
{
    Last,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
    Within,
    Protected,
    EmptyPolicy,
    Immutable // S3 Object Lock: the store refuses to delete it before its date
};
QString toString(KeepReason reason);

struct RetentionDecision
{
    QString id;
    bool keep = false;
    QList<KeepReason> reasons; // why it is kept (empty when dropped)
};

// Which backups `policy` keeps among `items` (any order). One decision per
// usable item, newest first. Unusable items get no decision.
QList<RetentionDecision> selectRetained(const RetentionPolicy& policy,
                                        const QList<RetentionItem>& items,
                                        const QTimeZone& zone = QTimeZone::systemTimeZone());

struct PruneStep
{
    enum Kind
    {
        Synthesize, // write a synthetic full of `backupId` (its state), then
                    // move `children` onto it
        Remove      // delete `backupId`
    };
    Kind kind = Remove;
    QString backupId;
    QStringList children; // Synthesize: the backups that move onto the new full
    QString reason;       // a sentence for the log and the GUI
};

struct PrunePlan
{
    QList<RetentionDecision> decisions; // as selectRetained
    // Dropped by the policy but needed by a kept backup: stays (a full), or
    // goes after a synthetic full replaces it (an incremental).
    QStringList needed;
    QMap<QString, QString> neededReasons; // needed id -> why ("needed by <id>: a full backup")
    QList<PruneStep> steps;               // in execution order
    QString policy;                  // describe() of the policy planned with (for the prune log)
    QStringList removed() const;     // ids of the Remove steps, in order
    QStringList synthesized() const; // ids of the Synthesize steps, in order
};

// The plan that carries out `policy`. `anyOrderDelete`: the backend deletes
// any backup without harming the others (Ceph). Never removes a backup that a
// kept backup (or a needed full) depends on; removes children before parents.
PrunePlan planPrune(const RetentionPolicy& policy, const QList<RetentionItem>& items,
                    bool anyOrderDelete, const QTimeZone& zone = QTimeZone::systemTimeZone());

} // namespace ember
