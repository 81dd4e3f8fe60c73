// kill -9 at random points of backup, incremental, restore (new and existing
// target), delete and import, 10 tries each. After every kill the next
// ember-cli start must leave: no row stuck in a transient state, no orphan
// object in the store, no object of another backup removed, and the older
// backups restoring byte for byte. The delays come from a seeded generator
// whose seed is printed (EMBER_FAULT_SEED repeats a run).
#include "faultsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QtTest>

using namespace ember::faults;
using ember::test::Fill;
using ember::test::makeVolumeFile;
using ember::test::mutateFile;

namespace {

constexpr qint64 kMiB = 1 << 20;
constexpr int kTries = 10;
constexpr qint64 kVolumeBytes = 24 * kMiB;

// A data directory with a full backup and an incremental on it, the volume
// changed since; the states the two backups must restore to.
struct World
{
    Setup setup;
    QString volume;
    QString fullId;
    QString fullState;
    QString incrementalId;
    QString incrementalState;
    QString currentState; // the volume as it is now
};

QString jsonId(const ProcessResult& result)
{
    return createdId(result);
}

QString statusOf(const QString& home, const QString& id)
{
    ProcessResult result;
    for (const QJsonValue& value : cliArray(home, {QStringLiteral("backup-list")}, &result)) {
        const QJsonObject backup = value.toObject();
        if (backup.value(QStringLiteral("id")).toString() == id)
            return backup.value(QStringLiteral("status")).toString();
    }
    return {};
}

// Files of the store outside one backup's container (what must survive).
QHash<QString, qint64> filesExcept(const QString& store, const QString& container)
{
    QHash<QString, qint64> files = fileSizes(store);
    if (container.isEmpty())
        return files;
    const QString skipped = store + QLatin1Char('/') + container + QLatin1Char('/');
    for (auto it = files.begin(); it != files.end();)
        it = it.key().startsWith(skipped) ? files.erase(it) : std::next(it);
    return files;
}

} // namespace

class FaultKillTest : public QObject
{
    Q_OBJECT

    std::mt19937_64 m_rng;

    void prepare(const QString& tag, World& world)
    {
        QString error;
        world.setup = makeSetup(tag, QStringLiteral("zlib"), 2 * kMiB, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const Setup& s = world.setup;
        world.volume = s.dir + QStringLiteral("/vol.img");
        makeVolumeFile(world.volume, kVolumeBytes, Fill::Text, 41);
        const ProcessResult added = cli(s.home, {QStringLiteral("volume-add"), world.volume,
                                                 QStringLiteral("--name"), QStringLiteral("vol")});
        QVERIFY2(added.exitCode == 0, describe(added).constData());
        const ProcessResult full =
            cli(s.home, {QStringLiteral("--format"), QStringLiteral("json"),
                         QStringLiteral("backup-create"), QStringLiteral("vol"),
                         QStringLiteral("--name"), QStringLiteral("full")});
        QVERIFY2(full.exitCode == 0, describe(full).constData());
        world.fullId = jsonId(full);
        world.fullState = s.dir + QStringLiteral("/full-state.img");
        QVERIFY(QFile::copy(world.volume, world.fullState));
        mutateFile(world.volume, 6, 512 * 1024, 42);
        const ProcessResult incremental =
            cli(s.home, {QStringLiteral("--format"), QStringLiteral("json"),
                         QStringLiteral("backup-create"), QStringLiteral("vol"),
                         QStringLiteral("--incremental"), QStringLiteral("--name"),
                         QStringLiteral("incremental")});
        QVERIFY2(incremental.exitCode == 0, describe(incremental).constData());
        world.incrementalId = jsonId(incremental);
        world.incrementalState = s.dir + QStringLiteral("/incremental-state.img");
        QVERIFY(QFile::copy(world.volume, world.incrementalState));
        mutateFile(world.volume, 6, 512 * 1024, 43);
        world.currentState = s.dir + QStringLiteral("/current-state.img");
        QVERIFY(QFile::copy(world.volume, world.currentState));
    }

    qint64 measure(const World& world, const QStringList& arguments)
    {
        return measureCli(world.setup.home, arguments);
    }

    QString killSomewhere(const World& world, const QStringList& arguments, qint64 spanMs,
                          int attempt)
    {
        return killCliSomewhere(world.setup.home, arguments, spanMs, attempt, m_rng);
    }

    // The invariants after a crash, checked through the next ember-cli start.
    QString checkAfterCrash(const World& world, const QHash<QString, qint64>& before,
                            const QStringList& alsoOwned = {})
    {
        QStringList problems;
        if (const QString stuck = stuckRows(world.setup.home); !stuck.isEmpty())
            problems << QStringLiteral("rows stuck after the restart: ") + stuck;
        if (const QString orphans = orphanObjects(world.setup.home, world.setup.store, alsoOwned);
            !orphans.isEmpty())
            problems << orphans;
        if (const QString lost = missingFiles(before); !lost.isEmpty())
            problems << QStringLiteral("objects of other backups removed: ") + lost;
        const QString scratch = world.setup.dir + QStringLiteral("/check.img");
        if (const QString bad =
                restoresIdentical(world.setup.home, world.fullId, world.fullState, scratch);
            !bad.isEmpty())
            problems << bad;
        if (const QString bad = restoresIdentical(world.setup.home, world.incrementalId,
                                                  world.incrementalState, scratch);
            !bad.isEmpty())
            problems << bad;
        return problems.join(QStringLiteral("\n"));
    }

    // Removes a backup made or left by a try (it must be deletable).
    QString removeBackup(const World& world, const QString& id)
    {
        if (id.isEmpty() || statusOf(world.setup.home, id).isEmpty())
            return {};
        const ProcessResult removed =
            cli(world.setup.home, {QStringLiteral("backup-delete"), QStringLiteral("--force"), id});
        if (removed.exitCode != 0)
            return QStringLiteral("cannot delete %1 after the try: %2")
                .arg(id, QString::fromUtf8(describe(removed)));
        return {};
    }

    QString backupIdNamed(const World& world, const QString& name)
    {
        ProcessResult result;
        for (const QJsonValue& value :
             cliArray(world.setup.home,
                      {QStringLiteral("backup-list"), QStringLiteral("--name"), name}, &result))
            return value.toObject().value(QStringLiteral("id")).toString();
        return {};
    }

    void killBackups(const QString& tag, bool incremental)
    {
        World world;
        prepare(tag, world);
        if (QTest::currentTestFailed())
            return;
        auto arguments = [&](const QString& name) {
            QStringList list{QStringLiteral("backup-create"), QStringLiteral("vol"),
                             QStringLiteral("--name"), name};
            if (incremental)
                list << QStringLiteral("--incremental");
            return list;
        };
        const qint64 span = measure(world, arguments(QStringLiteral("calibration")));
        QCOMPARE(removeBackup(world, backupIdNamed(world, QStringLiteral("calibration"))),
                 QString());
        for (int attempt = 1; attempt <= kTries; ++attempt) {
            const QHash<QString, qint64> before = fileSizes(world.setup.store);
            const QString name = QStringLiteral("killed-%1").arg(attempt);
            const QString what = killSomewhere(world, arguments(name), span, attempt);
            const QString problems = checkAfterCrash(world, before);
            QVERIFY2(problems.isEmpty(), qPrintable(what + QLatin1Char('\n') + problems));
            // A backup that got to the end must restore the volume as it is.
            const QString id = backupIdNamed(world, name);
            if (!id.isEmpty() && statusOf(world.setup.home, id) == QLatin1String("available")) {
                const QString bad =
                    restoresIdentical(world.setup.home, id, world.currentState,
                                      world.setup.dir + QStringLiteral("/check.img"));
                QVERIFY2(bad.isEmpty(), qPrintable(what + QLatin1Char('\n') + bad));
            }
            const QString removed = removeBackup(world, id);
            QVERIFY2(removed.isEmpty(), qPrintable(what + QLatin1Char('\n') + removed));
        }
    }

    void killRestores(const QString& tag, bool existingTarget)
    {
        World world;
        prepare(tag, world);
        if (QTest::currentTestFailed())
            return;
        const Setup& s = world.setup;
        // The target of try `attempt`, and the arguments restoring into it.
        auto target = [&](int attempt) {
            return s.dir + QStringLiteral("/target-%1.img").arg(attempt);
        };
        auto prepareTarget = [&](int attempt) {
            if (!existingTarget)
                return ProcessResult{0, {}, {}};
            return cli(s.home,
                       {QStringLiteral("volume-create"), target(attempt), QStringLiteral("--size"),
                        QString::number(kVolumeBytes), QStringLiteral("--name"),
                        QStringLiteral("target-%1").arg(attempt)});
        };
        auto arguments = [&](int attempt) {
            if (existingTarget)
                return QStringList{QStringLiteral("backup-restore"), world.incrementalId,
                                   QStringLiteral("--volume"),
                                   QStringLiteral("target-%1").arg(attempt)};
            return QStringList{
                QStringLiteral("backup-restore"), world.incrementalId,
                QStringLiteral("--name"),         QStringLiteral("target-%1").arg(attempt),
                QStringLiteral("--path"),         target(attempt)};
        };
        auto removeTarget = [&](int attempt) {
            if (volumeNames(s.home).contains(QStringLiteral("target-%1").arg(attempt))) {
                const ProcessResult removed =
                    cli(s.home, {QStringLiteral("volume-remove"),
                                 QStringLiteral("target-%1").arg(attempt)});
                if (removed.exitCode != 0)
                    return QStringLiteral("cannot unregister the target after the try: ") +
                           QString::fromUtf8(describe(removed));
            }
            QFile::remove(target(attempt));
            return QString();
        };
        const ProcessResult calibrationTarget = prepareTarget(0);
        QVERIFY2(calibrationTarget.exitCode == 0, describe(calibrationTarget).constData());
        const qint64 span = measure(world, arguments(0));
        QCOMPARE(ember::test::compareFiles(world.incrementalState, target(0)), QString());
        QCOMPARE(removeTarget(0), QString());
        for (int attempt = 1; attempt <= kTries; ++attempt) {
            const ProcessResult prepared = prepareTarget(attempt);
            QVERIFY2(prepared.exitCode == 0, describe(prepared).constData());
            const QHash<QString, qint64> before = fileSizes(s.store);
            const QString what = killSomewhere(world, arguments(attempt), span, attempt);
            const QString problems = checkAfterCrash(world, before);
            QVERIFY2(problems.isEmpty(), qPrintable(what + QLatin1Char('\n') + problems));
            const QString removed = removeTarget(attempt);
            QVERIFY2(removed.isEmpty(), qPrintable(what + QLatin1Char('\n') + removed));
        }
    }

private Q_SLOTS:
    void initTestCase() { m_rng = seededRng("faults_kill"); }

    void killDuringBackup() { killBackups(QStringLiteral("kill-backup"), false); }

    void killDuringIncremental() { killBackups(QStringLiteral("kill-incremental"), true); }

    void killDuringRestoreIntoNewVolume()
    {
        killRestores(QStringLiteral("kill-restore-new"), false);
    }

    void killDuringRestoreOntoVolume()
    {
        killRestores(QStringLiteral("kill-restore-existing"), true);
    }

    void killDuringDelete()
    {
        World world;
        prepare(QStringLiteral("kill-delete"), world);
        if (QTest::currentTestFailed())
            return;
        const Setup& s = world.setup;
        auto makeVictim = [&](const QString& name, QString* id) {
            const ProcessResult made =
                cli(s.home, {QStringLiteral("--format"), QStringLiteral("json"),
                             QStringLiteral("backup-create"), QStringLiteral("vol"),
                             QStringLiteral("--name"), name});
            *id = jsonId(made);
            return made;
        };
        QString calibrationId;
        const ProcessResult calibration = makeVictim(QStringLiteral("calibration"), &calibrationId);
        QVERIFY2(calibration.exitCode == 0, describe(calibration).constData());
        const qint64 span = measure(world, {QStringLiteral("backup-delete"), calibrationId});
        for (int attempt = 1; attempt <= kTries; ++attempt) {
            QString victim;
            const ProcessResult made =
                makeVictim(QStringLiteral("victim-%1").arg(attempt), &victim);
            QVERIFY2(made.exitCode == 0, describe(made).constData());
            const QString container =
                backupNamed(s.home, victim).value(QStringLiteral("container")).toString();
            const QHash<QString, qint64> before = filesExcept(s.store, container);
            const QString what =
                killSomewhere(world, {QStringLiteral("backup-delete"), victim}, span, attempt);
            const QString problems = checkAfterCrash(world, before);
            QVERIFY2(problems.isEmpty(), qPrintable(what + QLatin1Char('\n') + problems));
            // A victim still listed available must still be whole.
            if (statusOf(s.home, victim) == QLatin1String("available")) {
                const QString bad = restoresIdentical(s.home, victim, world.currentState,
                                                      s.dir + QStringLiteral("/check.img"));
                QVERIFY2(bad.isEmpty(), qPrintable(what + QLatin1Char('\n') + bad));
            }
            const QString removed = removeBackup(world, victim);
            QVERIFY2(removed.isEmpty(), qPrintable(what + QLatin1Char('\n') + removed));
            const QString orphans = orphanObjects(s.home, s.store);
            QVERIFY2(orphans.isEmpty(),
                     qPrintable(what + QStringLiteral("\nafter the delete: ") + orphans));
        }
    }

    // The catalog lost a backup's row; its record is imported again and the
    // import is killed. The backend's objects are the record's: a crash must
    // never remove them.
    void killDuringImport()
    {
        World world;
        prepare(QStringLiteral("kill-import"), world);
        if (QTest::currentTestFailed())
            return;
        const Setup& s = world.setup;
        const ProcessResult made =
            cli(s.home, {QStringLiteral("--format"), QStringLiteral("json"),
                         QStringLiteral("backup-create"), QStringLiteral("vol"),
                         QStringLiteral("--name"), QStringLiteral("exported")});
        QVERIFY2(made.exitCode == 0, describe(made).constData());
        const QString id = jsonId(made);
        const QJsonObject backup = backupNamed(s.home, id);
        const QString owned = backup.value(QStringLiteral("container")).toString() +
                              QLatin1Char('/') +
                              backup.value(QStringLiteral("service_metadata")).toString();
        ProcessResult exported;
        const QJsonObject record =
            cliObject(s.home, {QStringLiteral("backup-export"), id}, &exported);
        QVERIFY2(exported.exitCode == 0, describe(exported).constData());
        const QStringList importArguments{QStringLiteral("backup-import"),
                                          record.value(QStringLiteral("backup_service")).toString(),
                                          record.value(QStringLiteral("backup_url")).toString()};
        auto forget = [&] {
            return sqlExec(s.catalog(),
                           QStringLiteral("DELETE FROM backups WHERE id = '%1'").arg(id));
        };
        QCOMPARE(forget(), QString());
        const qint64 span = measure(world, importArguments);
        QCOMPARE(statusOf(s.home, id), QStringLiteral("available"));
        for (int attempt = 1; attempt <= kTries; ++attempt) {
            QCOMPARE(forget(), QString());
            const QHash<QString, qint64> before = fileSizes(s.store);
            const QString what = killSomewhere(world, importArguments, span, attempt);
            const QString problems = checkAfterCrash(world, before, {owned});
            QVERIFY2(problems.isEmpty(), qPrintable(what + QLatin1Char('\n') + problems));
            // Whatever the crash left, the record imports and restores.
            const QString status = statusOf(s.home, id);
            if (status != QLatin1String("available")) {
                if (!status.isEmpty())
                    QCOMPARE(forget(), QString());
                const ProcessResult again = cli(s.home, importArguments);
                QVERIFY2(again.exitCode == 0,
                         qPrintable(what + QStringLiteral("\nimport after the crash: ") +
                                    QString::fromUtf8(describe(again))));
            }
            const QString bad = restoresIdentical(s.home, id, world.currentState,
                                                  s.dir + QStringLiteral("/check.img"));
            QVERIFY2(bad.isEmpty(), qPrintable(what + QLatin1Char('\n') + bad));
        }
    }
};

QTEST_GUILESS_MAIN(FaultKillTest)
#include "tst_faultkill.moc"
