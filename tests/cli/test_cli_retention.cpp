// ember-cli's retention commands end to end: synthetic fulls and re-parenting,
// protection, policies, prune and the prune log, on a local (posix) backend.
// Every restore is compared byte for byte with the volume state the backup
// was taken from.
#include "catalog.h"
#include "clitestsupport.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace ember::test;

namespace {

constexpr qint64 MiB = 1024 * 1024;

QStringList stringsOf(const QJsonValue& value)
{
    QStringList list;
    for (const QJsonValue& item : value.toArray())
        list << item.toString();
    return list;
}

} // namespace

class CliRetentionTest : public QObject
{
    Q_OBJECT

private:
    QString m_dir;
    QString m_home;
    QString m_store;
    QString m_volume;
    int m_restores = 0;
    QStringList m_chain;              // backup ids, oldest first
    QHash<QString, QString> m_states; // backup id -> file with the volume as it was backed up

    ProcessResult cli(const QStringList& arguments) { return runCli(m_home, arguments); }
    QJsonObject cliJson(const QStringList& arguments, ProcessResult* result = nullptr)
    {
        const ProcessResult run =
            cli(QStringList{QStringLiteral("--format"), QStringLiteral("json")} + arguments);
        if (result)
            *result = run;
        if (run.exitCode != 0)
            qWarning().noquote() << describe(run);
        return jsonOf(run).object();
    }
    QJsonArray cliJsonArray(const QStringList& arguments)
    {
        const ProcessResult run =
            cli(QStringList{QStringLiteral("--format"), QStringLiteral("json")} + arguments);
        if (run.exitCode != 0)
            qWarning().noquote() << describe(run);
        return jsonOf(run).array();
    }
    void expectError(const QStringList& arguments, const QString& expected)
    {
        const ProcessResult result = cli(arguments);
        QVERIFY2(result.exitCode == 1, qPrintable(describe(result)));
        const QString last = QString::fromUtf8(result.err).trimmed();
        QVERIFY2(last.startsWith(QStringLiteral("ERROR: ")) && last.contains(expected),
                 qPrintable(QStringLiteral("expected '%1' in: %2").arg(expected, last)));
    }
    QJsonObject show(const QString& id) { return cliJson({QStringLiteral("backup-show"), id}); }
    QHash<QString, QJsonObject> listed()
    {
        QHash<QString, QJsonObject> rows;
        for (const QJsonValue& value : cliJsonArray({QStringLiteral("backup-list")}))
            rows.insert(value.toObject().value(QStringLiteral("id")).toString(), value.toObject());
        return rows;
    }

    // A fresh data directory, a local backend "disk" (the default) and volume "vol".
    void setUp(const QString& tag)
    {
        m_dir = freshDir(tag);
        m_home = m_dir + QStringLiteral("/home");
        m_store = m_dir + QStringLiteral("/store");
        m_volume = m_dir + QStringLiteral("/vol.img");
        m_chain.clear();
        m_states.clear();
        QVERIFY(QDir().mkpath(m_home));
        CLI_OK(backend, {QStringLiteral("backend-add-local"), QStringLiteral("disk"), m_store,
                         QStringLiteral("--object-size"), QStringLiteral("1M"),
                         QStringLiteral("--default")});
        makeVolumeFile(m_volume, 6 * MiB + 4096, Fill::Mixed, 7);
        CLI_OK(added, {QStringLiteral("volume-add"), m_volume, QStringLiteral("--name"),
                       QStringLiteral("vol")});
    }
    // A full and `incrementals` incrementals on it, the volume changed before each.
    void makeChain(int incrementals)
    {
        for (int i = 0; i <= incrementals; ++i) {
            if (i > 0)
                mutateFile(m_volume, 3, 96 * 1024, quint32(100 + i));
            QStringList arguments{QStringLiteral("backup-create"), QStringLiteral("vol"),
                                  QStringLiteral("--name"), QStringLiteral("b%1").arg(i)};
            if (i > 0)
                arguments << QStringLiteral("--incremental");
            ProcessResult result;
            const QString id = cliJson(arguments, &result).value(QStringLiteral("id")).toString();
            QVERIFY2(result.exitCode == 0 && !id.isEmpty(), qPrintable(describe(result)));
            const QString state = m_dir + QStringLiteral("/state-%1.img").arg(i);
            QVERIFY(QFile::copy(m_volume, state));
            m_chain << id;
            m_states.insert(id, state);
        }
    }
    // Restores `id` into a new file and compares it with `state`.
    void restoresTo(const QString& id, const QString& state)
    {
        const QString name = QStringLiteral("r%1").arg(++m_restores);
        const QString path = m_dir + QLatin1Char('/') + name + QStringLiteral(".img");
        CLI_OK(restored, {QStringLiteral("backup-restore"), id, QStringLiteral("--name"), name,
                          QStringLiteral("--path"), path});
        const QString difference = compareFiles(path, state);
        QVERIFY2(difference.isEmpty(),
                 qPrintable(QStringLiteral("backup %1: %2").arg(id, difference)));
        CLI_OK(removed, {QStringLiteral("volume-remove"), name});
        QFile::remove(path);
    }
    // The state a backup holds: its own, or its source's for a synthetic full.
    QString stateOf(const QJsonObject& backup)
    {
        const QString source = backup.value(QStringLiteral("synthesized_from")).toString();
        return m_states.value(source.isEmpty() ? backup.value(QStringLiteral("id")).toString()
                                               : source);
    }

private Q_SLOTS:
    void synthesizeMovesTheChildAndFreesTheOldChain()
    {
        setUp(QStringLiteral("synthesize"));
        makeChain(5); // b0 full, b1..b5: depth 5 below the full
        if (QTest::currentTestFailed())
            return;
        const QString source = m_chain.at(4);
        const QString child = m_chain.at(5);
        ProcessResult result;
        const QJsonObject full = cliJson({QStringLiteral("backup-synthesize"), source,
                                          QStringLiteral("--name"), QStringLiteral("synth")},
                                         &result);
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        const QString fullId = full.value(QStringLiteral("id")).toString();
        QCOMPARE(full.value(QStringLiteral("status")).toString(), QStringLiteral("available"));
        QCOMPARE(full.value(QStringLiteral("name")).toString(), QStringLiteral("synth"));
        QVERIFY(full.value(QStringLiteral("parent_id")).isNull());
        QCOMPARE(full.value(QStringLiteral("synthesized_from")).toString(), source);
        QCOMPARE(stringsOf(full.value(QStringLiteral("moved"))), QStringList{child});

        const QJsonObject shownFull = show(fullId);
        QCOMPARE(shownFull.value(QStringLiteral("is_incremental")).toBool(), false);
        QCOMPARE(shownFull.value(QStringLiteral("num_dependent_backups")).toInt(), 1);
        QCOMPARE(shownFull.value(QStringLiteral("protected")).toBool(), false);
        QCOMPARE(show(child).value(QStringLiteral("parent_id")).toString(), fullId);
        QCOMPARE(show(source).value(QStringLiteral("num_dependent_backups")).toInt(), 0);

        restoresTo(fullId, m_states.value(source));
        restoresTo(child, m_states.value(child));

        // The old chain now goes newest first, the moved child restoring throughout.
        for (int i = 4; i >= 0; --i) {
            CLI_OK(deleted, {QStringLiteral("backup-delete"), m_chain.at(i)});
            restoresTo(child, m_states.value(child));
        }
        restoresTo(fullId, m_states.value(source));
        const QHash<QString, QJsonObject> rows = listed();
        QCOMPARE(QSet<QString>(rows.keyBegin(), rows.keyEnd()), (QSet<QString>{fullId, child}));
        // What is left in the store belongs to the two backups only.
        for (const QString& file : filesInTree(m_store)) {
            const QString container =
                rows.value(fullId).value(QStringLiteral("container")).toString();
            const QString childContainer =
                rows.value(child).value(QStringLiteral("container")).toString();
            QVERIFY2(file.contains(container) || file.contains(childContainer), qPrintable(file));
        }

        // The log tells what happened, by hand.
        const QJsonArray log = cliJsonArray({QStringLiteral("prune-log"), QStringLiteral("vol")});
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.at(0).toObject().value(QStringLiteral("action")).toString(),
                 QStringLiteral("synthesized"));
        QCOMPARE(log.at(0).toObject().value(QStringLiteral("backup_id")).toString(), fullId);
        QCOMPARE(log.at(1).toObject().value(QStringLiteral("action")).toString(),
                 QStringLiteral("reparented"));
        QCOMPARE(log.at(1).toObject().value(QStringLiteral("backup_id")).toString(), child);
        QVERIFY(log.at(1).toObject().value(QStringLiteral("policy")).isNull());
    }

    void failedReparentingLeavesTheOldParent()
    {
        setUp(QStringLiteral("reparent-fails"));
        makeChain(2);
        if (QTest::currentTestFailed())
            return;
        const QString source = m_chain.at(1);
        const QString child = m_chain.at(2);
        // The child's _metadata is away while the synthesis runs: it cannot be rewritten.
        const QJsonObject childRow = show(child);
        const QString metadata =
            QStringLiteral("%1/%2/%3_metadata")
                .arg(m_store, childRow.value(QStringLiteral("container")).toString(),
                     childRow.value(QStringLiteral("service_metadata")).toString());
        QVERIFY2(QFile::rename(metadata, metadata + QStringLiteral(".away")), qPrintable(metadata));
        expectError({QStringLiteral("backup-synthesize"), source},
                    QStringLiteral("Moved onto it: none; still on %1: %2").arg(source, child));
        QVERIFY(QFile::rename(metadata + QStringLiteral(".away"), metadata));

        QCOMPARE(show(child).value(QStringLiteral("parent_id")).toString(), source);
        QCOMPARE(show(source).value(QStringLiteral("num_dependent_backups")).toInt(), 1);
        QString fullId;
        for (const QJsonObject& backup : listed())
            if (backup.value(QStringLiteral("synthesized_from")).toString() == source)
                fullId = backup.value(QStringLiteral("id")).toString();
        QVERIFY(!fullId.isEmpty());
        const QJsonObject full = show(fullId);
        QCOMPARE(full.value(QStringLiteral("status")).toString(), QStringLiteral("available"));
        QCOMPARE(full.value(QStringLiteral("num_dependent_backups")).toInt(), 0);
        restoresTo(child, m_states.value(child));
        restoresTo(fullId, m_states.value(source));
        const QJsonArray log = cliJsonArray({QStringLiteral("prune-log")});
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.at(0).toObject().value(QStringLiteral("action")).toString(),
                 QStringLiteral("synthesized"));
        // The source still has its child: Cinder's rule holds.
        expectError({QStringLiteral("backup-delete"), source},
                    QStringLiteral("depend on this one"));
    }

    void synthesizeDryRunChangesNothing()
    {
        setUp(QStringLiteral("dryrun"));
        makeChain(2);
        if (QTest::currentTestFailed())
            return;
        const QHash<QString, QJsonObject> before = listed();
        const QStringList filesBefore = filesInTree(m_store);
        ProcessResult result;
        const QJsonObject preview = cliJson(
            {QStringLiteral("backup-synthesize"), m_chain.at(1), QStringLiteral("--dry-run")},
            &result);
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        QCOMPARE(preview.value(QStringLiteral("source")).toString(), m_chain.at(1));
        QCOMPARE(stringsOf(preview.value(QStringLiteral("chain"))),
                 (QStringList{m_chain.at(0), m_chain.at(1)}));
        QCOMPARE(stringsOf(preview.value(QStringLiteral("moving"))), QStringList{m_chain.at(2)});
        QCOMPARE(stringsOf(preview.value(QStringLiteral("become_deletable"))),
                 (QStringList{m_chain.at(1), m_chain.at(0)}));
        CLI_OK(table,
               {QStringLiteral("backup-synthesize"), m_chain.at(1), QStringLiteral("--dry-run")});
        QVERIFY(table.out.contains("become_deletable"));
        QCOMPARE(listed(), before);
        QCOMPARE(filesInTree(m_store), filesBefore);
        QVERIFY(cliJsonArray({QStringLiteral("prune-log")}).isEmpty());

        expectError({QStringLiteral("backup-synthesize"), m_chain.at(0)},
                    QStringLiteral("already a full backup"));
        QCOMPARE(listed(), before);
        QCOMPARE(filesInTree(m_store), filesBefore);
    }

    void protectedBackupIsNeitherDeletedNorPruned()
    {
        setUp(QStringLiteral("protect"));
        makeChain(0);
        if (QTest::currentTestFailed())
            return;
        const QString id = m_chain.first();
        CLI_OK(protectedOut, {QStringLiteral("backup-protect"), id});
        QCOMPARE(show(id).value(QStringLiteral("protected")).toBool(), true);
        CLI_OK(table, {QStringLiteral("backup-list")});
        QVERIFY(table.out.contains("| Protected") && table.out.contains("True"));
        expectError({QStringLiteral("backup-delete"), id}, QStringLiteral("is protected"));
        expectError({QStringLiteral("backup-delete"), QStringLiteral("--force"), id},
                    QStringLiteral("unprotect it first"));
        // keep-last 0 keeps nothing by that rule, but protection wins.
        CLI_OK(pruned, {QStringLiteral("backup-prune"), QStringLiteral("vol"),
                        QStringLiteral("--keep-last"), QStringLiteral("0")});
        QVERIFY(listed().contains(id));
        restoresTo(id, m_states.value(id));
        CLI_OK(unprotected, {QStringLiteral("backup-unprotect"), id});
        QCOMPARE(show(id).value(QStringLiteral("protected")).toBool(), false);
        CLI_OK(deleted, {QStringLiteral("backup-delete"), id});
        QVERIFY(listed().isEmpty());
    }

    // A backup whose row says S3 Object Lock holds it (as the engine records
    // it): shown by backup-show and backup-list, its delete refused with the
    // date, forced or not, and kept by a prune with the reason.
    void immutableBackupIsNeitherDeletedNorPruned()
    {
        setUp(QStringLiteral("immutable"));
        makeChain(1);
        if (QTest::currentTestFailed())
            return;
        const QString id = m_chain.first();
        const QDateTime until(QDate::currentDate().addDays(2), QTime(10, 0), Qt::UTC);
        const QString date =
            until.toString(QStringLiteral("yyyy-MM-dd")) + QStringLiteral(" 10:00 UTC");
        {
            ember::Catalog catalog(m_home + QStringLiteral("/catalog.sqlite"));
            ember::Backup backup = catalog.backup(id).value();
            backup.immutableUntil = until;
            backup.immutableMode = QStringLiteral("GOVERNANCE");
            catalog.updateBackup(backup);
        }
        const QJsonObject shown = show(id);
        QCOMPARE(ember::parseCinderTime(shown.value(QStringLiteral("immutable_until")).toString()),
                 until);
        QCOMPARE(shown.value(QStringLiteral("immutable_mode")).toString(),
                 QStringLiteral("GOVERNANCE"));
        const QJsonObject plain = show(m_chain.last());
        QVERIFY(plain.value(QStringLiteral("immutable_until")).isNull());
        QVERIFY(plain.value(QStringLiteral("immutable_mode")).isNull());
        CLI_OK(text, {QStringLiteral("backup-show"), id});
        QVERIFY2(
            text.out.contains("immutable_until") &&
                text.out.contains(QStringLiteral("locked: deletable from %1").arg(date).toUtf8()),
            text.out.constData());
        QCOMPARE(listed().value(id).value(QStringLiteral("immutable_mode")).toString(),
                 QStringLiteral("GOVERNANCE"));
        CLI_OK(table, {QStringLiteral("backup-list")});
        QVERIFY2(table.out.contains("| Immutable Until") && table.out.contains(date.toUtf8()),
                 table.out.constData());

        // The newest goes; the locked full does not, forced or not.
        CLI_OK(deletedIncremental, {QStringLiteral("backup-delete"), m_chain.last()});
        const QString refusal = QStringLiteral("backup %1 is immutable until %2 (S3 Object Lock, "
                                               "GOVERNANCE mode); it can be deleted from then on")
                                    .arg(id, date);
        expectError({QStringLiteral("backup-delete"), id}, refusal);
        expectError({QStringLiteral("backup-delete"), QStringLiteral("--force"), id}, refusal);
        QCOMPARE(show(id).value(QStringLiteral("status")).toString(), QStringLiteral("available"));

        // keep-last 0 keeps nothing by that rule; the lock wins and the plan says why.
        const QJsonObject plan = cliJson({QStringLiteral("backup-prune"), QStringLiteral("vol"),
                                          QStringLiteral("--keep-last"), QStringLiteral("0"),
                                          QStringLiteral("--dry-run")});
        QVERIFY2(QJsonDocument(plan).toJson().contains("immutable (S3 Object Lock)"),
                 QJsonDocument(plan).toJson().constData());
        CLI_OK(pruned, {QStringLiteral("backup-prune"), QStringLiteral("vol"),
                        QStringLiteral("--keep-last"), QStringLiteral("0")});
        QVERIFY(listed().contains(id));
        restoresTo(id, m_states.value(id));
    }

    void policiesPerVolumeAndPerBackend()
    {
        setUp(QStringLiteral("policy"));
        ProcessResult result;
        QJsonObject shown =
            cliJson({QStringLiteral("policy-show"), QStringLiteral("vol")}, &result);
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        QVERIFY(shown.value(QStringLiteral("policy")).isNull());

        CLI_OK(backendSet,
               {QStringLiteral("policy-set"), QStringLiteral("--backend"), QStringLiteral("disk"),
                QStringLiteral("--keep-daily"), QStringLiteral("7")});
        shown = cliJson({QStringLiteral("policy-show"), QStringLiteral("vol")});
        QCOMPARE(shown.value(QStringLiteral("policy")).toObject(),
                 (QJsonObject{{QStringLiteral("keep_daily"), 7}}));
        QCOMPARE(shown.value(QStringLiteral("from")).toString(),
                 QStringLiteral("its backend's default"));

        CLI_OK(volumeSet,
               {QStringLiteral("policy-set"), QStringLiteral("vol"), QStringLiteral("--keep-last"),
                QStringLiteral("3"), QStringLiteral("--keep-within"), QStringLiteral("2d12h")});
        shown = cliJson({QStringLiteral("policy-show"), QStringLiteral("vol")});
        QCOMPARE(shown.value(QStringLiteral("policy")).toObject(),
                 (QJsonObject{{QStringLiteral("keep_last"), 3},
                              {QStringLiteral("keep_within"), QStringLiteral("2d12h")}}));
        QCOMPARE(shown.value(QStringLiteral("describe")).toString(),
                 QStringLiteral("keep-last=3 keep-within=2d12h"));
        CLI_OK(table, {QStringLiteral("policy-show"), QStringLiteral("vol")});
        QVERIFY(table.out.contains("keep-last=3 keep-within=2d12h"));

        CLI_OK(cleared, {QStringLiteral("policy-clear"), QStringLiteral("vol")});
        shown = cliJson({QStringLiteral("policy-show"), QStringLiteral("vol")});
        QCOMPARE(shown.value(QStringLiteral("policy")).toObject(),
                 (QJsonObject{{QStringLiteral("keep_daily"), 7}}));
        CLI_OK(backendCleared, {QStringLiteral("policy-clear"), QStringLiteral("--backend"),
                                QStringLiteral("disk")});
        shown = cliJson(
            {QStringLiteral("policy-show"), QStringLiteral("--backend"), QStringLiteral("disk")});
        QVERIFY(shown.value(QStringLiteral("policy")).isNull());

        expectError({QStringLiteral("policy-set"), QStringLiteral("vol")},
                    QStringLiteral("--keep-"));
        expectError({QStringLiteral("policy-set"), QStringLiteral("vol"),
                     QStringLiteral("--keep-last"), QStringLiteral("many")},
                    QStringLiteral("whole number"));
        expectError({QStringLiteral("policy-set"), QStringLiteral("vol"),
                     QStringLiteral("--keep-within"), QStringLiteral("soon")},
                    QStringLiteral("soon"));
        expectError({QStringLiteral("policy-show")}, QStringLiteral("VOLUME or --backend"));
        expectError({QStringLiteral("backup-prune"), QStringLiteral("vol")},
                    QStringLiteral("no retention policy"));
    }

    void pruneCarriesOutThePlanAndLogsIt()
    {
        setUp(QStringLiteral("prune"));
        makeChain(4);
        if (QTest::currentTestFailed())
            return;
        CLI_OK(policy, {QStringLiteral("policy-set"), QStringLiteral("vol"),
                        QStringLiteral("--keep-last"), QStringLiteral("2")});
        const QHash<QString, QJsonObject> before = listed();
        const QStringList filesBefore = filesInTree(m_store);

        ProcessResult result;
        const QJsonObject plan = cliJson(
            {QStringLiteral("backup-prune"), QStringLiteral("vol"), QStringLiteral("--dry-run")},
            &result);
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        QCOMPARE(plan.value(QStringLiteral("policy")).toString(), QStringLiteral("keep-last=2"));
        QStringList kept;
        for (const QJsonValue& value : plan.value(QStringLiteral("decisions")).toArray())
            if (value.toObject().value(QStringLiteral("keep")).toBool())
                kept << value.toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(QSet<QString>(kept.begin(), kept.end()),
                 (QSet<QString>{m_chain.at(3), m_chain.at(4)}));
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QVERIFY2(!steps.isEmpty(), qPrintable(describe(result)));
        QStringList planRemoved;
        QStringList planSynthesized;
        for (const QJsonValue& value : steps) {
            const QJsonObject step = value.toObject();
            const QString action = step.value(QStringLiteral("action")).toString();
            (action == QLatin1String("remove") ? planRemoved : planSynthesized)
                << step.value(QStringLiteral("backup_id")).toString();
        }
        // b3 depends on b2: a synthetic full of b2 lets b0..b2 go.
        QCOMPARE(planSynthesized, QStringList{m_chain.at(2)});
        QCOMPARE(QSet<QString>(planRemoved.begin(), planRemoved.end()),
                 (QSet<QString>{m_chain.at(0), m_chain.at(1), m_chain.at(2)}));
        CLI_OK(table, {QStringLiteral("backup-prune"), QStringLiteral("vol"),
                       QStringLiteral("--dry-run")});
        QVERIFY(table.out.contains("synthesize") && table.out.contains("remove"));
        QCOMPARE(listed(), before);
        QCOMPARE(filesInTree(m_store), filesBefore);

        const QJsonObject done =
            cliJson({QStringLiteral("backup-prune"), QStringLiteral("vol")}, &result);
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        QCOMPARE(stringsOf(done.value(QStringLiteral("removed"))), planRemoved);
        const QHash<QString, QJsonObject> after = listed();
        for (const QString& id : planRemoved)
            QVERIFY2(!after.contains(id), qPrintable(id));
        QCOMPARE(after.size(), 3); // b3, b4 and the synthetic full of b2
        for (const QJsonObject& backup : after) {
            QCOMPARE(backup.value(QStringLiteral("status")).toString(),
                     QStringLiteral("available"));
            const QString parent = backup.value(QStringLiteral("parent_id")).toString();
            QVERIFY(parent.isEmpty() || after.contains(parent));
            restoresTo(backup.value(QStringLiteral("id")).toString(), stateOf(backup));
        }

        const QJsonArray log = cliJsonArray({QStringLiteral("prune-log"), QStringLiteral("vol")});
        QStringList actions;
        for (const QJsonValue& value : log) {
            const QJsonObject entry = value.toObject();
            actions << entry.value(QStringLiteral("action")).toString();
            QCOMPARE(entry.value(QStringLiteral("policy")).toString(),
                     QStringLiteral("keep-last=2"));
        }
        QCOMPARE(actions, (QStringList{QStringLiteral("synthesized"), QStringLiteral("reparented"),
                                       QStringLiteral("removed"), QStringLiteral("removed"),
                                       QStringLiteral("removed")}));
        CLI_OK(logTable, {QStringLiteral("prune-log")});
        QVERIFY(logTable.out.contains("keep-last=2"));

        // Nothing left to do: a second prune changes nothing.
        CLI_OK(again, {QStringLiteral("backup-prune"), QStringLiteral("vol")});
        QCOMPARE(listed().size(), 3);
    }
};

QTEST_GUILESS_MAIN(CliRetentionTest)
#include "test_cli_retention.moc"
