// ember-cli's retention commands: synthetic fulls, protection, retention
// policies, prune and its record. They act on this computer's catalog only.
#include "command.h"

#include "log.h"
#include "progress.h"

#include <QDateTime>
#include <QSet>

#include <unistd.h>

namespace ember::cli {

namespace {

QJsonArray idsJson(const QList<Backup>& backups)
{
    QJsonArray ids;
    for (const Backup& backup : backups)
        ids.append(backup.id);
    return ids;
}

QString idsText(const QList<Backup>& backups)
{
    QStringList ids;
    for (const Backup& backup : backups)
        ids << backup.id;
    return ids.isEmpty() ? QStringLiteral("-") : ids.join(QLatin1Char('\n'));
}

// ---- synthetic fulls ----

int backupSynthesize(Context& context, QCommandLineParser& parser)
{
    BackupService& service = context.backups();
    BackupService::SynthesizeRequest request;
    request.backup = parser.positionalArguments().first();
    request.name = optionValue(parser, "name");
    request.description = optionValue(parser, "description");
    request.moveChildren = !parser.isSet(QStringLiteral("no-move"));

    if (parser.isSet(QStringLiteral("dry-run"))) {
        BackupService::SynthesisPreview preview = service.previewSynthesis(request.backup);
        if (!preview.refusal.isEmpty())
            throw Error(preview.refusal);
        if (!request.moveChildren && !preview.moving.isEmpty()) {
            // Its children stay: nothing is freed.
            preview.moving.clear();
            preview.becomeDeletable.clear();
        }
        QJsonObject json;
        json[QStringLiteral("source")] = preview.source.id;
        json[QStringLiteral("chain")] = idsJson(preview.chain);
        json[QStringLiteral("moving")] = idsJson(preview.moving);
        json[QStringLiteral("become_deletable")] = idsJson(preview.becomeDeletable);
        context.printObject(
            json, {{QStringLiteral("source"), preview.source.id},
                   {QStringLiteral("chain"), idsText(preview.chain)},
                   {QStringLiteral("moving"), idsText(preview.moving)},
                   {QStringLiteral("become_deletable"), idsText(preview.becomeDeletable)}});
        return 0;
    }

    BackupService::PreparedSynthesis prepared = service.prepareSynthesis(request);
    const QList<Backup> moving = prepared.moving;
    JobRecord record =
        backupActionRecord(context, QStringLiteral("synthesize"),
                           QStringLiteral("Synthetic full of backup %1"), prepared.source);
    record.backupId = prepared.backup.id;
    CliJob job(context, record);
    const Backup backup =
        job.run([&](OperationControl& control) { return service.runSynthesis(prepared, control); });
    job.setBackup(backup, true);
    QJsonObject json = backupJson(backup);
    json[QStringLiteral("moved")] = idsJson(moving);
    if (context.format == Format::Json) {
        context.printJson(json);
    } else {
        context.printObject(
            json, {{QStringLiteral("id"), backup.id},
                   {QStringLiteral("name"), cellText(json.value(QStringLiteral("name")))},
                   {QStringLiteral("volume_id"), backup.volumeId},
                   {QStringLiteral("status"), backup.status},
                   {QStringLiteral("synthesized_from"), backup.synthesizedFrom},
                   {QStringLiteral("moved"), idsText(moving)},
                   {QStringLiteral("object_count"), QString::number(backup.objectCount)},
                   {QStringLiteral("stored_bytes"), QStringLiteral("%1 (%2)")
                                                        .arg(backup.storedBytes)
                                                        .arg(humanSize(backup.storedBytes))}});
    }
    return 0;
}

int setProtection(Context& context, QCommandLineParser& parser, bool isProtected)
{
    const Backup backup =
        context.backups().setProtected(parser.positionalArguments().first(), isProtected);
    context.printObject(backupJson(backup),
                        {{QStringLiteral("id"), backup.id},
                         {QStringLiteral("name"), orDash(backup.displayName)},
                         {QStringLiteral("protected"),
                          backup.isProtected ? QStringLiteral("True") : QStringLiteral("False")}});
    return 0;
}

// ---- policies ----

const char* const kKeepCounts[] = {"keep-last",   "keep-hourly",  "keep-daily",
                                   "keep-weekly", "keep-monthly", "keep-yearly"};

void addKeepOptions(QCommandLineParser& parser)
{
    auto text = [&](const char* name, const char* description, const char* valueName) {
        parser.addOption(QCommandLineOption(QString::fromLatin1(name),
                                            QString::fromLatin1(description),
                                            QString::fromLatin1(valueName)));
    };
    text("keep-last", "Keep the N newest backups.", "N");
    text("keep-hourly", "Keep the newest backup of each of the last N hours that have one.", "N");
    text("keep-daily", "Keep the newest backup of each of the last N days that have one.", "N");
    text("keep-weekly", "Keep the newest backup of each of the last N ISO weeks that have one.",
         "N");
    text("keep-monthly", "Keep the newest backup of each of the last N months that have one.", "N");
    text("keep-yearly", "Keep the newest backup of each of the last N years that have one.", "N");
    text("keep-within",
         "Keep every backup taken within this span of the newest one (e.g. 2y5m7d3h).", "SPAN");
}

// The policy the --keep-* options give; nullopt when none is set.
std::optional<RetentionPolicy> keepOptions(const QCommandLineParser& parser)
{
    QJsonObject json;
    for (const char* name : kKeepCounts) {
        const QString option = QString::fromLatin1(name);
        if (!parser.isSet(option))
            continue;
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (!ok || value < 0)
            throw Error(QStringLiteral("--%1 needs a whole number of 0 or more, not '%2'")
                            .arg(option, parser.value(option)));
        json[QString(option).replace(QLatin1Char('-'), QLatin1Char('_'))] = value;
    }
    if (parser.isSet(QStringLiteral("keep-within")))
        json[QStringLiteral("keep_within")] = parser.value(QStringLiteral("keep-within"));
    if (json.isEmpty())
        return std::nullopt;
    return RetentionPolicy::fromJson(json);
}

// The scope a policy command names: VOLUME or --backend NAME (exactly one).
struct PolicyScope
{
    QString scope;
    QString label;    // "volume vol (id)" / "backend local"
    QString volumeId; // empty for a backend
};

PolicyScope policyScope(Context& context, const QCommandLineParser& parser)
{
    BackupService& service = context.backups();
    const QString backend = optionValue(parser, "backend");
    const QStringList positional = parser.positionalArguments();
    if (backend.isEmpty() == positional.isEmpty())
        throw Error(QStringLiteral("Name either a VOLUME or --backend NAME."));
    if (!backend.isEmpty()) {
        if (!service.catalog().backend(backend))
            throw Error(QStringLiteral("no backend named '%1' (see backend-list)").arg(backend));
        return {Catalog::backendPolicyScope(backend), QStringLiteral("backend %1").arg(backend),
                QString()};
    }
    const Volume volume = service.catalog().resolveVolume(positional.first());
    return {Catalog::volumePolicyScope(volume.id),
            QStringLiteral("volume %1 (%2)").arg(volume.name, volume.id), volume.id};
}

void printPolicy(Context& context, const QString& label, const QString& from,
                 const std::optional<RetentionPolicy>& policy)
{
    QJsonObject json;
    json[QStringLiteral("scope")] = label;
    json[QStringLiteral("from")] = from.isEmpty() ? QJsonValue() : QJsonValue(from);
    json[QStringLiteral("policy")] = policy ? QJsonValue(policy->toJson()) : QJsonValue();
    json[QStringLiteral("describe")] =
        policy ? QJsonValue(policy->describe()) : QJsonValue(QStringLiteral("no policy"));
    context.printObject(
        json, {{QStringLiteral("scope"), label},
               {QStringLiteral("from"), orDash(from)},
               {QStringLiteral("policy"), policy ? policy->describe() : QStringLiteral("none")}});
}

int policySet(Context& context, QCommandLineParser& parser)
{
    const PolicyScope scope = policyScope(context, parser);
    const std::optional<RetentionPolicy> policy = keepOptions(parser);
    if (!policy)
        throw Error(QStringLiteral("Give at least one --keep-* option (policy-clear removes a "
                                   "policy)."));
    context.backups().catalog().setRetentionPolicy(scope.scope, policy);
    printPolicy(context, scope.label, scope.label, policy);
    return 0;
}

int policyShow(Context& context, QCommandLineParser& parser)
{
    const PolicyScope scope = policyScope(context, parser);
    BackupService& service = context.backups();
    if (scope.volumeId.isEmpty()) {
        const std::optional<RetentionPolicy> policy =
            service.catalog().retentionPolicy(scope.scope);
        printPolicy(context, scope.label, policy ? scope.label : QString(), policy);
        return 0;
    }
    // A volume's own policy, else the one it falls back to.
    const Volume volume = service.catalog().resolveVolume(scope.volumeId);
    const std::optional<RetentionPolicy> own = service.catalog().retentionPolicy(scope.scope);
    const std::optional<RetentionPolicy> effective = service.effectivePolicy(volume);
    QString from;
    if (own)
        from = scope.label;
    else if (effective)
        from = QStringLiteral("its backend's default");
    printPolicy(context, scope.label, from, effective);
    return 0;
}

int policyClear(Context& context, QCommandLineParser& parser)
{
    const PolicyScope scope = policyScope(context, parser);
    context.backups().catalog().setRetentionPolicy(scope.scope, std::nullopt);
    if (context.format == Format::Json)
        context.printJson(QJsonObject{{QStringLiteral("cleared"), scope.label}});
    else
        printOut(QStringLiteral("Cleared the retention policy of %1.\n").arg(scope.label));
    return 0;
}

// ---- prune ----

QString stepKindText(const PruneStep& step)
{
    return step.kind == PruneStep::Synthesize ? QStringLiteral("synthesize")
                                              : QStringLiteral("remove");
}

QJsonObject planJson(const PrunePlan& plan)
{
    QJsonArray decisions;
    for (const RetentionDecision& decision : plan.decisions) {
        QJsonArray reasons;
        for (KeepReason reason : decision.reasons)
            reasons.append(toString(reason));
        decisions.append(QJsonObject{{QStringLiteral("id"), decision.id},
                                     {QStringLiteral("keep"), decision.keep},
                                     {QStringLiteral("needed"), plan.needed.contains(decision.id)},
                                     {QStringLiteral("reasons"), reasons}});
    }
    QJsonArray steps;
    for (const PruneStep& step : plan.steps)
        steps.append(
            QJsonObject{{QStringLiteral("action"), stepKindText(step)},
                        {QStringLiteral("backup_id"), step.backupId},
                        {QStringLiteral("children"), QJsonArray::fromStringList(step.children)},
                        {QStringLiteral("reason"), step.reason}});
    return QJsonObject{{QStringLiteral("policy"), plan.policy},
                       {QStringLiteral("decisions"), decisions},
                       {QStringLiteral("needed"), QJsonArray::fromStringList(plan.needed)},
                       {QStringLiteral("steps"), steps}};
}

void printPlanTables(Context& context, const PrunePlan& plan)
{
    Q_UNUSED(context);
    printOut(QStringLiteral("Policy: %1\n").arg(plan.policy));
    QList<QStringList> decisionRows;
    for (const RetentionDecision& decision : plan.decisions) {
        QStringList reasons;
        for (KeepReason reason : decision.reasons)
            reasons << toString(reason);
        const QString verdict = decision.keep                       ? QStringLiteral("keep")
                                : plan.needed.contains(decision.id) ? QStringLiteral("needed")
                                                                    : QStringLiteral("drop");
        decisionRows << QStringList{decision.id, verdict,
                                    orDash(reasons.join(QLatin1String(", ")))};
    }
    printOut(renderTable(
        {QStringLiteral("Backup"), QStringLiteral("Decision"), QStringLiteral("Kept By")},
        decisionRows));
    QList<QStringList> stepRows;
    int number = 0;
    for (const PruneStep& step : plan.steps)
        stepRows << QStringList{QString::number(++number), stepKindText(step), step.backupId,
                                orDash(step.children.join(QLatin1Char('\n'))), step.reason};
    if (stepRows.isEmpty()) {
        printOut(QStringLiteral("Nothing to prune.\n"));
        return;
    }
    printOut(
        renderTable({QStringLiteral("Step"), QStringLiteral("Action"), QStringLiteral("Backup"),
                     QStringLiteral("Moves"), QStringLiteral("Reason")},
                    stepRows));
}

int backupPrune(Context& context, QCommandLineParser& parser)
{
    BackupService& service = context.backups();
    const QString volume = parser.positionalArguments().first();
    const PrunePlan plan = service.planPrune(volume, keepOptions(parser));
    if (parser.isSet(QStringLiteral("dry-run"))) {
        if (context.format == Format::Json)
            context.printJson(planJson(plan));
        else
            printPlanTables(context, plan);
        return 0;
    }
    const Volume pruned = service.catalog().resolveVolume(volume);
    CliJob job(
        context,
        cliJobRecord(
            QStringLiteral("prune"),
            QStringLiteral("Prune of %1").arg(pruned.name.isEmpty() ? pruned.id : pruned.name),
            pruned));
    const BackupService::PruneReport report =
        job.run([&](OperationControl& control) { return service.runPrune(volume, plan, control); });
    job.addLog(QStringLiteral("removed %1 backup(s), synthesized %2 full(s)")
                   .arg(report.removed.size())
                   .arg(report.synthesized.size()));
    QJsonArray synthesized;
    for (const auto& [source, full] : report.synthesized)
        synthesized.append(
            QJsonObject{{QStringLiteral("source"), source}, {QStringLiteral("full"), full}});
    if (context.format == Format::Json) {
        QJsonObject json = planJson(plan);
        json[QStringLiteral("removed")] = QJsonArray::fromStringList(report.removed);
        json[QStringLiteral("synthesized")] = synthesized;
        context.printJson(json);
        return 0;
    }
    printOut(QStringLiteral("Policy: %1\n").arg(plan.policy));
    for (const auto& [source, full] : report.synthesized)
        printOut(QStringLiteral("Synthesized full %1 of backup %2.\n").arg(full, source));
    for (const QString& id : report.removed)
        printOut(QStringLiteral("Removed backup %1.\n").arg(id));
    if (report.synthesized.isEmpty() && report.removed.isEmpty())
        printOut(QStringLiteral("Nothing to prune.\n"));
    return 0;
}

int pruneLog(Context& context, QCommandLineParser& parser)
{
    BackupService& service = context.backups();
    QString volumeId;
    if (!parser.positionalArguments().isEmpty()) {
        const QString reference = parser.positionalArguments().first();
        try {
            volumeId = service.catalog().resolveVolume(reference).id;
        } catch (const Error&) {
            volumeId = reference; // a removed volume's id
        }
    }
    printList(
        context, service.catalog().pruneLog(volumeId),
        [](const PruneLogEntry& entry) {
            return QJsonObject{{QStringLiteral("at"), apiTime(entry.at)},
                               {QStringLiteral("volume_id"), entry.volumeId},
                               {QStringLiteral("backup_id"), entry.backupId},
                               {QStringLiteral("action"), entry.action},
                               {QStringLiteral("detail"), entry.detail},
                               {QStringLiteral("policy"),
                                entry.policy.isEmpty() ? QJsonValue() : QJsonValue(entry.policy)}};
        },
        {QStringLiteral("At"), QStringLiteral("Volume ID"), QStringLiteral("Backup ID"),
         QStringLiteral("Action"), QStringLiteral("Detail"), QStringLiteral("Policy")},
        [](const PruneLogEntry& entry) {
            return QStringList{apiTime(entry.at),
                               entry.volumeId,
                               entry.backupId,
                               entry.action,
                               orDash(entry.detail),
                               entry.policy.isEmpty() ? QStringLiteral("by hand") : entry.policy};
        });
    return 0;
}

} // namespace

QList<Command> retentionCommands()
{
    const auto text = &valueOption;
    const auto flag = &flagOption;
    auto backendOption = [=](QCommandLineParser& p) {
        p.addOption(text("backend", "The backend's default policy instead of a volume's.", "NAME"));
    };
    QList<Command> list;
    list << Command{
        QStringLiteral("backup-synthesize"),
        QStringLiteral("BACKUP"),
        QStringLiteral("Builds a synthetic full backup of an incremental from its chain (the "
                       "volume is not read) and moves its dependent backups onto it."),
        [=](QCommandLineParser& p) {
            p.addOption(text("name", "Name (default: synthetic full of <backup>).", "NAME"));
            p.addOption(text("description", "Description.", "DESCRIPTION"));
            p.addOption(flag("no-move", "Leave the backup's dependent backups where they are."));
            p.addOption(flag("dry-run", "Show what would move and what would become deletable."));
        },
        backupSynthesize,
        1,
        1};
    list << Command{QStringLiteral("backup-protect"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Protects a backup: never pruned, not deleted."),
                    {},
                    [](Context& c, QCommandLineParser& p) { return setProtection(c, p, true); },
                    1,
                    1};
    list << Command{QStringLiteral("backup-unprotect"),
                    QStringLiteral("BACKUP"),
                    QStringLiteral("Removes a backup's protection."),
                    {},
                    [](Context& c, QCommandLineParser& p) { return setProtection(c, p, false); },
                    1,
                    1};
    list << Command{QStringLiteral("policy-set"),
                    QStringLiteral("[VOLUME]"),
                    QStringLiteral("Sets the retention policy of a volume, or a backend's default "
                                   "(--backend)."),
                    [=](QCommandLineParser& p) {
                        backendOption(p);
                        addKeepOptions(p);
                    },
                    policySet,
                    0,
                    1};
    list << Command{QStringLiteral("policy-show"),
                    QStringLiteral("[VOLUME]"),
                    QStringLiteral("Shows the retention policy of a volume (its own or its "
                                   "backend's) or of a backend (--backend)."),
                    backendOption,
                    policyShow,
                    0,
                    1};
    list << Command{QStringLiteral("policy-clear"),
                    QStringLiteral("[VOLUME]"),
                    QStringLiteral("Removes the retention policy of a volume or a backend "
                                   "(--backend)."),
                    backendOption,
                    policyClear,
                    0,
                    1};
    list << Command{
        QStringLiteral("backup-prune"),
        QStringLiteral("VOLUME"),
        QStringLiteral("Removes the backups of a volume its retention policy does not keep "
                       "(synthesizing fulls where a kept backup needs one)."),
        [=](QCommandLineParser& p) {
            p.addOption(flag("dry-run", "Show the plan and change nothing."));
            addKeepOptions(p);
        },
        backupPrune,
        1,
        1};
    list << Command{QStringLiteral("prune-log"),
                    QStringLiteral("[VOLUME]"),
                    QStringLiteral("Lists what prunes and synthetic fulls did, oldest first."),
                    {},
                    pruneLog,
                    0,
                    1};
    return list;
}

} // namespace ember::cli
