// Immutable backups (S3 Object Lock) on the engine and service side, with a
// posix backend whose catalog rows carry the lock: deletes refused with the
// date before anything is touched (forced ones too), retention keeping locked
// backups and saying why, a prune stopping at a backup locked since its plan,
// and the chunked engine recording a store's retention before any object is
// written, for a backup that fails as well.
#include "backupservice.h"
#include "catalog.h"
#include "chunkeddriver.h"
#include "posixstore.h"
#include "retention.h"
#include "testsupport.h"
#include "volumedevice.h"

#include <QFile>
#include <QTimeZone>
#include <QtTest>

using namespace ember;
using namespace ember::test;

namespace {

// A lock that ends on a whole minute, two days from now (the text is exact).
QDateTime lockEnd()
{
    return QDateTime(QDate::currentDate().addDays(2), QTime(10, 0), QTimeZone::utc());
}

QString lockEndText()
{
    return lockEnd().toString(QStringLiteral("yyyy-MM-dd")) + QStringLiteral(" 10:00 UTC");
}

void lock(Catalog& catalog, const QString& id, const QDateTime& until, const QString& mode)
{
    Backup backup = catalog.backup(id).value();
    backup.immutableUntil = until;
    backup.immutableMode = mode;
    catalog.updateBackup(backup);
}

// The posix store with S3 Object Lock's promise: a fixed retention on every
// object it writes, and a log of the order things happened in.
class RetainingStore : public PosixObjectStore
{
public:
    RetainingStore(const QString& base, QStringList& events)
        : PosixObjectStore(base), m_events(events)
    {
    }
    void put(const QString& container, const QString& name, const DataProducer& producer,
             std::optional<qint64> length) override
    {
        m_events << QStringLiteral("put ") + name;
        if (failPuts)
            throw Error(QStringLiteral("put of %1 refused (test)").arg(name));
        PosixObjectStore::put(container, name, producer, length);
    }
    std::optional<ObjectRetention> retentionForNewObjects() const override
    {
        return ObjectRetention{QStringLiteral("COMPLIANCE"), lockEnd()};
    }
    bool failPuts = false;

private:
    QStringList& m_events;
};

// Volume "v" with a full and four incrementals; the state each was taken from.
struct Chain
{
    QList<Backup> backups; // oldest first
    QHash<QString, QString> states;
};

Chain makeChain(ServiceFixture& f, int incrementals)
{
    Chain chain;
    f.addVolumeFile(3 << 20, Fill::Mixed, 17);
    for (int i = 0; i <= incrementals; ++i) {
        if (i > 0)
            mutateFile(f.volumeFile(), 2, 40000, quint32(40 + i));
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

class ImmutableTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void refusalTextNamesTheDateAndMode()
    {
        Backup backup;
        backup.id = QStringLiteral("b1");
        const QDateTime now(QDate(2027, 1, 1), QTime(0, 0), QTimeZone::utc());
        QVERIFY(immutabilityRefusal(backup, now).isEmpty());
        backup.immutableUntil = QDateTime(QDate(2027, 1, 6), QTime(10, 0), QTimeZone::utc());
        backup.immutableMode = QStringLiteral("GOVERNANCE");
        QCOMPARE(immutabilityRefusal(backup, now),
                 QStringLiteral("backup b1 is immutable until 2027-01-06 10:00 UTC (S3 Object "
                                "Lock, GOVERNANCE mode); it can be deleted from then on"));
        // A retain-until within a minute is rounded up: "from then on" holds.
        backup.immutableUntil = QDateTime(QDate(2027, 1, 6), QTime(10, 0, 1), QTimeZone::utc());
        QVERIFY(immutabilityRefusal(backup, now).contains(QStringLiteral("2027-01-06 10:01 UTC")));
        // Not at or after the date.
        QVERIFY(immutabilityRefusal(backup, backup.immutableUntil).isEmpty());
    }

    void deleteIsRefusedWithTheDateBeforeAnythingIsTouched()
    {
        ServiceFixture f(QStringLiteral("immutable-delete"));
        const Chain chain = makeChain(f, 0);
        const Backup full = chain.backups.first();
        lock(*f.catalog, full.id, lockEnd(), QStringLiteral("GOVERNANCE"));
        const QStringList filesBefore = filesInTree(f.backupsDir());
        QVERIFY(!filesBefore.isEmpty());
        const QString expected = QStringLiteral("backup %1 is immutable until %2 (S3 Object Lock, "
                                                "GOVERNANCE mode); it can be deleted from then on")
                                     .arg(full.id, lockEndText());
        for (const bool force : {false, true}) {
            OperationControl control;
            const Error error = errorOf([&] { f.service->deleteBackup(full.id, force, control); });
            QCOMPARE(error.message(), expected);
            const Backup row = f.catalog->backup(full.id).value();
            QCOMPARE(row.status, BackupStatus::Available);
            QVERIFY(row.failReason.isEmpty());
            QCOMPARE(filesInTree(f.backupsDir()), filesBefore);
            QVERIFY(f.catalog->runningJobs().isEmpty());
        }
        const QString restored = f.restoreToNewFile(full.id, QStringLiteral("r.img"));
        QCOMPARE(compareFiles(restored, chain.states.value(full.id)), QString());

        // Once the lock has ended it deletes like any other backup.
        lock(*f.catalog, full.id, QDateTime::currentDateTimeUtc().addSecs(-60),
             QStringLiteral("GOVERNANCE"));
        OperationControl control;
        f.service->deleteBackup(full.id, false, control);
        QVERIFY(!f.catalog->backup(full.id));
    }

    void retentionKeepsALockedBackupAndSaysWhy()
    {
        ServiceFixture f(QStringLiteral("immutable-retention"));
        const Chain chain = makeChain(f, 4);
        const QString locked = chain.backups.at(1).id; // an incremental in the middle
        lock(*f.catalog, locked, lockEnd(), QStringLiteral("COMPLIANCE"));
        const PrunePlan plan = f.service->planPrune(QStringLiteral("v"), keepLast(1));
        bool decided = false;
        for (const RetentionDecision& decision : plan.decisions) {
            if (decision.id != locked)
                continue;
            decided = true;
            QVERIFY(decision.keep);
            QVERIFY(decision.reasons == QList<KeepReason>{KeepReason::Immutable});
        }
        QVERIFY(decided);
        QCOMPARE(toString(KeepReason::Immutable), QStringLiteral("immutable (S3 Object Lock)"));
        QVERIFY2(!plan.removed().contains(locked) && !plan.synthesized().contains(locked),
                 qPrintable(plan.removed().join(QLatin1Char(' '))));
        // Its full stays too: a kept backup needs it.
        QVERIFY(!plan.removed().contains(chain.backups.first().id));

        OperationControl control;
        const BackupService::PruneReport report =
            f.service->runPrune(QStringLiteral("v"), plan, control);
        QVERIFY(!report.removed.isEmpty());
        QVERIFY(f.catalog->backup(locked));
        // Every backup left restores to the state it holds.
        int restores = 0;
        for (const Backup& backup : f.catalog->backups()) {
            const QString state = chain.states.value(
                backup.synthesizedFrom.isEmpty() ? backup.id : backup.synthesizedFrom);
            QVERIFY2(!state.isEmpty(), qPrintable(backup.id));
            const QString restored =
                f.restoreToNewFile(backup.id, QStringLiteral("r%1.img").arg(++restores));
            QCOMPARE(compareFiles(restored, state), QString());
        }
    }

    void pruneStopsAtABackupLockedSinceThePlan()
    {
        ServiceFixture f(QStringLiteral("immutable-prune-stop"));
        makeChain(f, 2);
        const PrunePlan plan = f.service->planPrune(QStringLiteral("v"), keepLast(0));
        QVERIFY(!plan.removed().isEmpty());
        const QString first = plan.steps.first().backupId;
        QCOMPARE(plan.steps.first().kind, PruneStep::Remove);
        lock(*f.catalog, first, lockEnd(), QStringLiteral("GOVERNANCE"));
        const QList<Backup> before = f.catalog->backups();
        OperationControl control;
        const Error error =
            errorOf([&] { f.service->runPrune(QStringLiteral("v"), plan, control); });
        QVERIFY2(error.message().contains(QStringLiteral("stopped at step 1")) &&
                     error.message().contains(lockEndText()) &&
                     error.message().contains(QStringLiteral("GOVERNANCE")),
                 qPrintable(error.message()));
        QCOMPARE(f.catalog->backups().size(), before.size());
        QCOMPARE(f.catalog->backup(first)->status, BackupStatus::Available);
    }

    // The engine records the store's retention with the location, before the
    // first object is written: a failed backup's row still says its objects are locked.
    void engineRecordsTheRetentionBeforeWriting()
    {
        const QString dir = freshDir(QStringLiteral("immutable-engine"));
        const QString volumePath = dir + QStringLiteral("/vol.img");
        makeVolumeFile(volumePath, 2 << 20, Fill::Mixed, 5);
        for (const bool fail : {false, true}) {
            QStringList events;
            auto store = std::make_unique<RetainingStore>(dir + QStringLiteral("/store"), events);
            store->failPuts = fail;
            ChunkedBackupDriver driver(std::move(store), ChunkedOptions{});
            const Volume volume = engineVolume(volumePath);
            Backup backup;
            backup.id = newUuid();
            backup.volumeId = volume.id;
            backup.createdAt = QDateTime::currentDateTimeUtc();
            std::unique_ptr<VolumeDevice> device = openLocalVolume(volumePath, OpenMode::Read);
            OperationControl control;
            BackupJob job{backup, volume, *device, std::nullopt, control};
            std::optional<Backup> recorded;
            job.recordLocation = [&](const Backup& located) {
                events << QStringLiteral("record");
                recorded = located;
            };
            const Error error = errorOf([&] { driver.backup(job); });
            QCOMPARE(error.message().isEmpty(), !fail);
            QVERIFY(recorded);
            QCOMPARE(recorded->immutableUntil, lockEnd());
            QCOMPARE(recorded->immutableMode, QStringLiteral("COMPLIANCE"));
            QVERIFY2(events.size() > 1 && events.first() == QStringLiteral("record"),
                     qPrintable(events.join(QLatin1Char(','))));
            QCOMPARE(backup.immutableUntil, lockEnd());
        }
    }
};

QTEST_GUILESS_MAIN(ImmutableTest)
#include "tst_immutable.moc"
