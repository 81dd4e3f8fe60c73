// kill -9 at random moments of backup-synthesize and backup-prune, 10 tries
// each. After every kill the next ember-cli start must leave a consistent
// catalog (no transient rows, every parent of a backup present and available,
// dependent counts right), no orphan object in the store, and every available
// backup restoring byte for byte to the volume state it holds. The delays come
// from a seeded generator whose seed is printed (EMBER_FAULT_SEED repeats a run).
#include "faultsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QtTest>

using namespace ember::faults;
using ember::test::Fill;
using ember::test::makeVolumeFile;
using ember::test::mutateFile;

namespace {

constexpr qint64 kMiB = 1 << 20;
constexpr int kTries = 10;
constexpr qint64 kVolumeBytes = 12 * kMiB;

// A data directory with a chain of backups of volume "vol" and the state each holds.
struct World
{
    Setup setup;
    QString volume;
    QStringList chain;              // oldest first
    QHash<QString, QString> states; // backup id -> the volume as it was backed up
};

} // namespace

class FaultRetentionTest : public QObject
{
    Q_OBJECT

    std::mt19937_64 m_rng;

    // A full and `incrementals` incrementals, the volume changed before each.
    void prepare(const QString& tag, int incrementals, World& world)
    {
        QString error;
        world.setup = makeSetup(tag, QStringLiteral("zlib"), 2 * kMiB, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const Setup& s = world.setup;
        world.volume = s.dir + QStringLiteral("/vol.img");
        makeVolumeFile(world.volume, kVolumeBytes, Fill::Text, 51);
        CLI_OK(cli(s.home, {QStringLiteral("volume-add"), world.volume, QStringLiteral("--name"),
                            QStringLiteral("vol")}));
        for (int i = 0; i <= incrementals; ++i) {
            if (i > 0)
                mutateFile(world.volume, 4, 256 * 1024, quint32(60 + i));
            QStringList arguments{QStringLiteral("--format"), QStringLiteral("json"),
                                  QStringLiteral("backup-create"), QStringLiteral("vol")};
            if (i > 0)
                arguments << QStringLiteral("--incremental");
            const ProcessResult created = cli(s.home, arguments);
            QVERIFY2(created.exitCode == 0, describe(created).constData());
            const QString id = createdId(created);
            const QString state = s.dir + QStringLiteral("/state-%1.img").arg(i);
            QVERIFY(QFile::copy(world.volume, state));
            world.chain << id;
            world.states.insert(id, state);
        }
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

    // The invariants after a crash, through the next ember-cli start.
    QString checkAfterCrash(const World& world)
    {
        const QString& home = world.setup.home;
        QStringList problems;
        if (const QString stuck = stuckRows(home); !stuck.isEmpty())
            problems << QStringLiteral("rows stuck after the restart: ") + stuck;
        // Files a killed write left under its temporary name (".<object>.<pid>-<n>.tmp")
        // are the object store's to clean up, not the catalog's: reported, not counted.
        QStringList temporaries;
        const QDir root(world.setup.store);
        for (const QString& file : filesUnder(world.setup.store)) {
            const QString name = QFileInfo(file).fileName();
            if (name.startsWith(QLatin1Char('.')) && name.endsWith(QLatin1String(".tmp")))
                temporaries << root.relativeFilePath(file);
        }
        if (!temporaries.isEmpty())
            qInfo("temporary files left by killed writes: %s",
                  qPrintable(temporaries.join(QStringLiteral(", "))));
        if (const QString orphans = orphanObjects(home, world.setup.store, temporaries);
            !orphans.isEmpty())
            problems << orphans;
        ProcessResult listed;
        const QJsonArray backups = cliArray(home, {QStringLiteral("backup-list")}, &listed);
        if (listed.exitCode != 0)
            return QStringLiteral("backup-list failed: ") + QString::fromUtf8(describe(listed));
        QHash<QString, QJsonObject> byId;
        QHash<QString, int> children;
        for (const QJsonValue& value : backups) {
            const QJsonObject backup = value.toObject();
            byId.insert(backup.value(QStringLiteral("id")).toString(), backup);
            const QString parent = backup.value(QStringLiteral("parent_id")).toString();
            if (!parent.isEmpty())
                ++children[parent];
        }
        const QString scratch = world.setup.dir + QStringLiteral("/check.img");
        for (const QJsonObject& backup : std::as_const(byId)) {
            const QString id = backup.value(QStringLiteral("id")).toString();
            const QString status = backup.value(QStringLiteral("status")).toString();
            const QString parent = backup.value(QStringLiteral("parent_id")).toString();
            if (!parent.isEmpty() &&
                (!byId.contains(parent) ||
                 byId.value(parent).value(QStringLiteral("status")) != QStringLiteral("available")))
                problems
                    << QStringLiteral("backup %1 (%2) has parent %3, which is %4")
                           .arg(id, status, parent,
                                byId.contains(parent)
                                    ? byId.value(parent).value(QStringLiteral("status")).toString()
                                    : QStringLiteral("gone"));
            const int counted = backup.value(QStringLiteral("num_dependent_backups")).toInt();
            if (counted != children.value(id))
                problems << QStringLiteral("backup %1 counts %2 dependent backups but has %3")
                                .arg(id)
                                .arg(counted)
                                .arg(children.value(id));
            if (status != QLatin1String("available"))
                continue;
            const QString source = backup.value(QStringLiteral("synthesized_from")).toString();
            const QString state = world.states.value(source.isEmpty() ? id : source);
            if (state.isEmpty()) {
                problems << QStringLiteral("backup %1 holds no known state").arg(id);
                continue;
            }
            if (const QString bad = restoresIdentical(home, id, state, scratch); !bad.isEmpty())
                problems << bad;
        }
        return problems.join(QStringLiteral("\n"));
    }

    QStringList idsWith(const World& world, const QString& field, const QString& value)
    {
        ProcessResult result;
        QStringList ids;
        for (const QJsonValue& item :
             cliArray(world.setup.home, {QStringLiteral("backup-list")}, &result))
            if (item.toObject().value(field).toString() == value)
                ids << item.toObject().value(QStringLiteral("id")).toString();
        return ids;
    }

private Q_SLOTS:
    void initTestCase() { m_rng = seededRng("faults_retention"); }

    void killSynthesize()
    {
        World world;
        prepare(QStringLiteral("kill-synthesize"), 4, world);
        if (QTest::currentTestFailed())
            return;
        // Calibration: a synthetic full of b1 without moving its child.
        const qint64 span = measure(world, {QStringLiteral("backup-synthesize"), world.chain.at(1),
                                            QStringLiteral("--no-move")});
        HOLDS(checkAfterCrash(world));
        for (int attempt = 1; attempt <= kTries; ++attempt) {
            // Alternate sources so that some tries move children and some move none.
            const QString source = world.chain.at(attempt % 2 == 1 ? 2 : 3);
            const QString what =
                killSomewhere(world, {QStringLiteral("backup-synthesize"), source}, span, attempt);
            const QString problems = checkAfterCrash(world);
            QVERIFY2(problems.isEmpty(), qPrintable(what + QLatin1Char('\n') + problems));
        }
        // Whatever the kills left, a synthesis by hand still works afterwards.
        const ProcessResult finished =
            cli(world.setup.home, {QStringLiteral("backup-synthesize"), world.chain.at(4)});
        QVERIFY2(finished.exitCode == 0, describe(finished).constData());
        HOLDS(checkAfterCrash(world));
        QVERIFY(!idsWith(world, QStringLiteral("synthesized_from"), world.chain.at(4)).isEmpty());
    }

    void killPrune()
    {
        const QStringList prune{QStringLiteral("backup-prune"), QStringLiteral("vol"),
                                QStringLiteral("--keep-last"), QStringLiteral("2")};
        qint64 span = 0;
        {
            World calibration;
            prepare(QStringLiteral("kill-prune-calibration"), 5, calibration);
            if (QTest::currentTestFailed())
                return;
            span = measure(calibration, prune);
            HOLDS(checkAfterCrash(calibration));
        }
        for (int attempt = 1; attempt <= kTries; ++attempt) {
            World world;
            prepare(QStringLiteral("kill-prune"), 5, world);
            if (QTest::currentTestFailed())
                return;
            const QString what = killSomewhere(world, prune, span, attempt);
            const QString problems = checkAfterCrash(world);
            QVERIFY2(problems.isEmpty(), qPrintable(what + QLatin1Char('\n') + problems));
            // A prune started again finishes the job; the kept backups still restore.
            const ProcessResult again = cli(world.setup.home, prune);
            QVERIFY2(again.exitCode == 0,
                     qPrintable(what + QLatin1Char('\n') + QString::fromUtf8(describe(again))));
            HOLDS(checkAfterCrash(world));
            for (const QString& kept : {world.chain.at(4), world.chain.at(5)})
                QVERIFY2(!idsWith(world, QStringLiteral("id"), kept).isEmpty(),
                         qPrintable(what + QStringLiteral(": kept backup %1 is gone").arg(kept)));
        }
    }
};

QTEST_GUILESS_MAIN(FaultRetentionTest)
#include "tst_faultretention.moc"
