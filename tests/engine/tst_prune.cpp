// The service's prune: each step re-checked against the catalog before it
// runs (a plan overtaken by a change stops, naming the step, with what was
// done kept and logged), and the policy a volume falls back to.
#include "backupservice.h"
#include "testsupport.h"

#include <QFile>
#include <QtTest>

using namespace ember;
using namespace ember::test;

namespace {

// Volume "v" with a full and four incrementals; the state each was taken from.
struct Chain
{
    QList<Backup> backups; // oldest first
    QHash<QString, QString> states;
};

Chain makeChain(ServiceFixture& f)
{
    Chain chain;
    f.addVolumeFile(3 << 20, Fill::Mixed, 11);
    for (int i = 0; i < 5; ++i) {
        if (i > 0)
            mutateFile(f.volumeFile(), 2, 40000, quint32(20 + i));
        const Backup backup = f.backUp(QStringLiteral("v"), i > 0);
        const QString state = f.dir + QStringLiteral("/state-%1.img").arg(i);
        QFile::remove(state);
        QFile::copy(f.volumeFile(), state);
        chain.backups << backup;
        chain.states.insert(backup.id, state);
    }
    return chain;
}

RetentionPolicy keepLast(int count)
{
    RetentionPolicy policy;
    policy.keepLast = count;
    return policy;
}

} // namespace

class PruneTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stepOvertakenBeforeItRunsStopsThePrune()
    {
        ServiceFixture f(QStringLiteral("prune-first-step"));
        const Chain chain = makeChain(f);
        const PrunePlan plan = f.service->planPrune(QStringLiteral("v"), keepLast(2));
        QVERIFY(!plan.steps.isEmpty());
        QCOMPARE(plan.policy, QStringLiteral("keep-last=2"));
        // Protected after planning: the first step must not run.
        f.service->setProtected(plan.steps.first().backupId, true);
        const QList<Backup> before = f.catalog->backups();
        OperationControl control;
        const Error error =
            errorOf([&] { f.service->runPrune(QStringLiteral("v"), plan, control); });
        QVERIFY2(error.message().contains(
                     QStringLiteral("stopped at step 1 of %1").arg(plan.steps.size())) &&
                     error.message().contains(plan.steps.first().backupId) &&
                     error.message().contains(QStringLiteral("protected")),
                 qPrintable(error.message()));
        QCOMPARE(f.catalog->backups().size(), before.size());
        QVERIFY(f.catalog->pruneLog().isEmpty());
    }

    void laterStepOvertakenKeepsWhatWasDone()
    {
        ServiceFixture f(QStringLiteral("prune-last-step"));
        const Chain chain = makeChain(f);
        const PrunePlan plan = f.service->planPrune(QStringLiteral("v"), keepLast(2));
        const QStringList removed = plan.removed();
        QVERIFY(removed.size() >= 2);
        // The last removal's backup is protected before its turn.
        f.service->setProtected(removed.last(), true);
        OperationControl control;
        const Error error =
            errorOf([&] { f.service->runPrune(QStringLiteral("v"), plan, control); });
        QVERIFY2(error.message().contains(
                     QStringLiteral("stopped at step %1 of %1").arg(plan.steps.size())) &&
                     error.message().contains(QStringLiteral("protected")),
                 qPrintable(error.message()));
        // What ran before stays done, and is in the log with the policy.
        for (const QString& id : removed.mid(0, removed.size() - 1))
            QVERIFY2(!f.catalog->backup(id), qPrintable(id));
        QVERIFY(f.catalog->backup(removed.last()));
        const QList<PruneLogEntry> log = f.catalog->pruneLog();
        QVERIFY(!log.isEmpty());
        for (const PruneLogEntry& entry : log)
            QCOMPARE(entry.policy, QStringLiteral("keep-last=2"));
        // Every available backup left restores to the state it holds.
        int restores = 0;
        for (const Backup& backup : f.catalog->backups()) {
            if (backup.status != BackupStatus::Available)
                continue;
            const QString state = chain.states.value(
                backup.synthesizedFrom.isEmpty() ? backup.id : backup.synthesizedFrom);
            QVERIFY2(!state.isEmpty(), qPrintable(backup.id));
            const QString restored =
                f.restoreToNewFile(backup.id, QStringLiteral("r%1.img").arg(++restores));
            const QString difference = compareFiles(restored, state);
            QVERIFY2(difference.isEmpty(), qPrintable(backup.id + QLatin1Char(' ') + difference));
        }
    }

    void policyFallsBackToTheBackendOfTheNewestBackup()
    {
        ServiceFixture f(QStringLiteral("prune-effective"));
        const Volume volume = f.addVolumeFile(1 << 20, Fill::Text, 3);
        QVERIFY(!f.service->effectivePolicy(volume));
        f.catalog->setRetentionPolicy(Catalog::backendPolicyScope(QStringLiteral("local")),
                                      keepLast(5));
        QCOMPARE(f.service->effectivePolicy(volume), std::optional(keepLast(5)));

        BackendConfig other;
        other.name = QStringLiteral("other");
        other.type = QStringLiteral("posix");
        other.options[QStringLiteral("backup_posix_path")] = f.dir + QStringLiteral("/other");
        f.catalog->upsertBackend(other);
        f.catalog->setRetentionPolicy(Catalog::backendPolicyScope(QStringLiteral("other")),
                                      keepLast(9));
        CreateBackupRequest request;
        request.volume = QStringLiteral("v");
        request.backend = QStringLiteral("other");
        BackupService::PreparedBackup prepared = f.service->prepareBackup(request);
        OperationControl control;
        f.service->runBackup(prepared, control);
        QCOMPARE(f.service->effectivePolicy(volume), std::optional(keepLast(9)));

        f.catalog->setRetentionPolicy(Catalog::volumePolicyScope(volume.id), keepLast(1));
        QCOMPARE(f.service->effectivePolicy(volume), std::optional(keepLast(1)));
        QCOMPARE(f.service->planPrune(QStringLiteral("v")).policy, QStringLiteral("keep-last=1"));
    }
};

QTEST_GUILESS_MAIN(PruneTest)
#include "tst_prune.moc"
