// The GUI's item models and job runner without a window: every model under
// QAbstractItemModelTester, updates in place (persistent indexes survive),
// the chain tree's shape, and the runner's concurrency, per-volume
// exclusion, progress throttling, cancel and failure handling.
#include "backendmodel.h"
#include "backuptreemodel.h"
#include "catalogwatcher.h"
#include "itemroles.h"
#include "jobmodel.h"
#include "jobrunner.h"
#include "statusstyle.h"
#include "testsupport.h"
#include "volumemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>
#include <QTimeZone>
#include <atomic>
#include <thread>

using namespace ember;
using namespace ember::ui;

namespace {

Volume makeVolume(const QString& id, const QString& name, qint64 size = 1 << 20)
{
    Volume volume;
    volume.id = id;
    volume.name = name;
    volume.path = QStringLiteral("/tmp/%1.img").arg(name);
    volume.sizeBytes = size;
    volume.createdAt = QDateTime::currentDateTimeUtc();
    return volume;
}

Backup makeBackup(const QString& id, const QString& volumeId, const QString& parentId, int minute)
{
    Backup backup;
    backup.id = id;
    backup.volumeId = volumeId;
    backup.parentId = parentId;
    backup.status = BackupStatus::Available;
    backup.displayName = id;
    backup.size = 1;
    backup.createdAt = QDateTime(QDate(2026, 1, 1), QTime(10, minute), Qt::UTC);
    backup.dataTimestamp = backup.createdAt;
    backup.backendName = QStringLiteral("local");
    return backup;
}

// Children of `parent` by their IdRole.
QStringList childIds(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(parent); ++row)
        ids.append(model.index(row, 0, parent).data(IdRole).toString());
    return ids;
}

} // namespace

class TestItemModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // The catalog watcher records the embedded backend under EMBER_HOME.
        qputenv("EMBER_HOME", ember::test::freshDir(QStringLiteral("home")).toUtf8());
    }

    void volumeModelUpdatesInPlace()
    {
        VolumeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        CatalogSnapshot snapshot;
        snapshot.volumes = {makeVolume(QStringLiteral("a"), QStringLiteral("alpha")),
                            makeVolume(QStringLiteral("b"), QStringLiteral("beta"), 3 << 20)};
        snapshot.backups = {
            makeBackup(QStringLiteral("b1"), QStringLiteral("b"), {}, 1),
            makeBackup(QStringLiteral("b2"), QStringLiteral("b"), QStringLiteral("b1"), 2)};
        model.apply(snapshot);
        QCOMPARE(model.rowCount(), 2);
        const QPersistentModelIndex beta =
            model.index(model.rowOf(QStringLiteral("b")), VolumeModel::Name);
        QCOMPARE(model.index(beta.row(), VolumeModel::BackupCount).data().toInt(), 2);
        QCOMPARE(model.index(beta.row(), VolumeModel::Size).data(RawValueRole).toLongLong(),
                 qint64(3 << 20));
        QVERIFY(model.index(beta.row(), VolumeModel::LastBackup).data(RawValueRole).toLongLong() >
                0);

        // alpha goes, gamma comes, beta is renamed: beta's index survives.
        snapshot.volumes = {
            makeVolume(QStringLiteral("b"), QStringLiteral("beta-renamed"), 3 << 20),
            makeVolume(QStringLiteral("c"), QStringLiteral("gamma"))};
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.apply(snapshot);
        QVERIFY(beta.isValid());
        QCOMPARE(beta.data().toString(), QStringLiteral("beta-renamed"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(QStringLiteral("a")), -1);
        QVERIFY(model.rowOf(QStringLiteral("c")) >= 0);
        QCOMPARE(changed.count(), 1);
        // Applying the same snapshot again changes nothing.
        model.apply(snapshot);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(resets.count(), 0);
    }

    void backupTreeShowsChains()
    {
        BackupTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        CatalogSnapshot snapshot;
        snapshot.volumes = {makeVolume(QStringLiteral("v"), QStringLiteral("vol")),
                            makeVolume(QStringLiteral("w"), QStringLiteral("other"))};
        snapshot.backups = {
            makeBackup(QStringLiteral("full"), QStringLiteral("v"), {}, 1),
            makeBackup(QStringLiteral("inc1"), QStringLiteral("v"), QStringLiteral("full"), 2),
            makeBackup(QStringLiteral("inc2"), QStringLiteral("v"), QStringLiteral("inc1"), 3),
            makeBackup(QStringLiteral("full2"), QStringLiteral("v"), {}, 4),
            makeBackup(QStringLiteral("elsewhere"), QStringLiteral("w"), {}, 5)};
        snapshot.backups[0].numDependentBackups = 1;
        model.apply(snapshot);
        QCOMPARE(model.rowCount(), 0); // no volume shown yet
        model.setVolumes({QStringLiteral("v")});
        QCOMPARE(childIds(model), (QStringList{QStringLiteral("full"), QStringLiteral("full2")}));
        const QModelIndex full = model.indexOf(QStringLiteral("full"));
        QCOMPARE(childIds(model, full), QStringList{QStringLiteral("inc1")});
        const QModelIndex inc1 = model.indexOf(QStringLiteral("inc1"));
        QCOMPARE(childIds(model, inc1), QStringList{QStringLiteral("inc2")});
        const QModelIndex inc2 = model.indexOf(QStringLiteral("inc2"));
        QCOMPARE(inc2.data(ChainDepthRole).toInt(), 2);
        QCOMPARE(
            model.index(inc2.row(), BackupTreeModel::Incremental, inc2.parent()).data().toString(),
            QStringLiteral("incremental, level 2"));
        QCOMPARE(model.index(full.row(), BackupTreeModel::Dependents).data().toInt(), 1);
        QCOMPARE(model.index(full.row(), BackupTreeModel::Status)
                     .data(Qt::ForegroundRole)
                     .value<QColor>(),
                 QColor(0x2e, 0x7d, 0x32));

        // From here on the tree has rows: updates must not reset it.
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        // inc2 is deleted, inc3 appears under inc1, full fails: the indexes
        // of what stayed survive and nothing is reset.
        const QPersistentModelIndex keptInc1 = inc1;
        const QPersistentModelIndex keptFull = full;
        snapshot.backups.removeAt(2);
        snapshot.backups.append(
            makeBackup(QStringLiteral("inc3"), QStringLiteral("v"), QStringLiteral("inc1"), 6));
        snapshot.backups[0].status = BackupStatus::Error;
        snapshot.backups[0].failReason = QStringLiteral("disk full");
        model.apply(snapshot);
        QVERIFY(keptInc1.isValid());
        QVERIFY(keptFull.isValid());
        QCOMPARE(keptInc1.data(IdRole).toString(), QStringLiteral("inc1"));
        QCOMPARE(childIds(model, keptInc1), QStringList{QStringLiteral("inc3")});
        QCOMPARE(
            model.index(keptFull.row(), BackupTreeModel::Status).data(Qt::ToolTipRole).toString(),
            QStringLiteral("disk full"));
        QVERIFY(!model.indexOf(QStringLiteral("inc2")).isValid());

        // Showing both volumes adds the other volume's backups as a root.
        model.setVolumes({QStringLiteral("v"), QStringLiteral("w")});
        QCOMPARE(model.rowCount(), 3);
        QVERIFY(keptInc1.isValid());
        // A backup whose parent is not shown (e.g. imported) is a root.
        snapshot.backups.append(
            makeBackup(QStringLiteral("orphan"), QStringLiteral("v"), QStringLiteral("gone"), 7));
        model.apply(snapshot);
        QVERIFY(!model.indexOf(QStringLiteral("orphan")).parent().isValid());
        QCOMPARE(resets.count(), 0);

        // Sorting by the raw creation time through a proxy.
        QSortFilterProxyModel proxy;
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(RawValueRole);
        proxy.sort(BackupTreeModel::Created, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, 0).data(IdRole).toString(), QStringLiteral("orphan"));
    }

    // A cloud lists backups newest first, page by page: each page brings the
    // parents of the previous page's oldest. The tree takes a page in a few
    // range signals (each signal makes proxies and views revisit every
    // persistent index), not one per backup, and ends as a full apply would.
    // The Verified column: when each backup was last verified and with what
    // result, read from the catalog into the local source's snapshot; a cloud
    // has no verification data and leaves the column empty.
    void backupTreeShowsVerification()
    {
        const QString path =
            ember::test::freshDir(QStringLiteral("verified")) + QStringLiteral("/catalog.sqlite");
        Catalog catalog(path);
        catalog.insertVolume(makeVolume(QStringLiteral("v"), QStringLiteral("vol")));
        for (const Backup& backup :
             {makeBackup(QStringLiteral("full"), QStringLiteral("v"), {}, 1),
              makeBackup(QStringLiteral("inc"), QStringLiteral("v"), QStringLiteral("full"), 2),
              makeBackup(QStringLiteral("never"), QStringLiteral("v"), {}, 3)})
            catalog.insertBackup(backup);
        VerifyResult intact;
        intact.backupId = QStringLiteral("full");
        intact.checkedAt = QDateTime(QDate(2026, 3, 4), QTime(5, 6), Qt::UTC);
        intact.samplePercent = 25;
        intact.objectsChecked = 6;
        intact.objectsTotal = 22;
        catalog.setVerifyResult(intact);
        const QString problem = QStringLiteral(
            "object volume_v/backup_inc-00010 (volume offset 9437184) of backup inc is corrupt: "
            "MD5 0123, expected 4567");
        VerifyResult failed;
        failed.backupId = QStringLiteral("inc");
        failed.checkedAt = QDateTime(QDate(2026, 3, 5), QTime(7, 8), Qt::UTC);
        failed.ok = false;
        failed.problem = problem;
        failed.samplePercent = 100;
        failed.objectsChecked = 0;
        failed.objectsTotal = 3;
        catalog.setVerifyResult(failed);

        BackupTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(BackupTreeModel::columnsFor(SourceKind::Local).contains(BackupTreeModel::Verified));
        QVERIFY(
            !BackupTreeModel::columnsFor(SourceKind::Cloud).contains(BackupTreeModel::Verified));
        QCOMPARE(model.headerData(BackupTreeModel::Verified, Qt::Horizontal).toString(),
                 QStringLiteral("Verified"));
        model.apply(loadSnapshot(catalog));
        model.setVolumes({QStringLiteral("v")});
        auto cell = [&](const QString& id, int role = Qt::DisplayRole) {
            return model.indexOf(id, BackupTreeModel::Verified).data(role);
        };
        const QString fullWhen =
            formatTime(catalog.verifyResult(QStringLiteral("full"))->checkedAt);
        const QString incWhen = formatTime(catalog.verifyResult(QStringLiteral("inc"))->checkedAt);
        QCOMPARE(cell(QStringLiteral("full")).toString(), fullWhen + QStringLiteral(" ok"));
        QVERIFY2(cell(QStringLiteral("full"), Qt::ToolTipRole)
                     .toString()
                     .contains(QStringLiteral("25% sample, 6 of 22 objects")),
                 qPrintable(cell(QStringLiteral("full"), Qt::ToolTipRole).toString()));
        QCOMPARE(cell(QStringLiteral("inc")).toString(),
                 incWhen + QStringLiteral(" failed: volume_v/backup_inc-00010 at offset 9437184"));
        QVERIFY2(cell(QStringLiteral("inc"), Qt::ToolTipRole).toString().contains(problem),
                 qPrintable(cell(QStringLiteral("inc"), Qt::ToolTipRole).toString()));
        QCOMPARE(cell(QStringLiteral("inc"), Qt::ForegroundRole).value<QColor>(),
                 statusColor(BackupStatus::Error));
        QVERIFY(cell(QStringLiteral("never")).toString().isEmpty());
        QCOMPARE(cell(QStringLiteral("full"), RawValueRole).toLongLong(),
                 catalog.verifyResult(QStringLiteral("full"))->checkedAt.toMSecsSinceEpoch());

        // A new result replaces the row's text in place.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        failed.checkedAt = QDateTime(QDate(2026, 3, 6), QTime(9, 10), Qt::UTC);
        failed.ok = true;
        failed.problem.clear();
        catalog.setVerifyResult(failed);
        model.apply(loadSnapshot(catalog));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(cell(QStringLiteral("inc")).toString(),
                 formatTime(catalog.verifyResult(QStringLiteral("inc"))->checkedAt) +
                     QStringLiteral(" ok"));

        // A cloud's snapshot carries no verification: the column stays empty.
        CatalogSnapshot cloud = loadSnapshot(catalog);
        cloud.kind = SourceKind::Cloud;
        cloud.verifyResults.clear();
        model.apply(cloud);
        QVERIFY(cell(QStringLiteral("full")).toString().isEmpty());
        QVERIFY(cell(QStringLiteral("inc")).toString().isEmpty());
    }

    // A backup under S3 Object Lock: the Immutable column shows the lock icon
    // and the date it ends, the tooltip its mode; an ended lock shows nothing.
    void backupTreeShowsImmutableLock()
    {
        const QDateTime until(QDate::currentDate().addDays(2), QTime(10, 0), Qt::UTC);
        CatalogSnapshot snapshot;
        snapshot.volumes = {makeVolume(QStringLiteral("v"), QStringLiteral("vol"))};
        Backup locked = makeBackup(QStringLiteral("locked"), QStringLiteral("v"), {}, 1);
        locked.immutableUntil = until;
        locked.immutableMode = QStringLiteral("GOVERNANCE");
        Backup ended = makeBackup(QStringLiteral("ended"), QStringLiteral("v"), {}, 2);
        ended.immutableUntil = QDateTime(QDate(2026, 1, 2), QTime(10, 0), Qt::UTC);
        ended.immutableMode = QStringLiteral("COMPLIANCE");
        const Backup plain = makeBackup(QStringLiteral("plain"), QStringLiteral("v"), {}, 3);
        snapshot.backups = {locked, ended, plain};

        BackupTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(
            BackupTreeModel::columnsFor(SourceKind::Local).contains(BackupTreeModel::Immutable));
        QCOMPARE(model.headerData(BackupTreeModel::Immutable, Qt::Horizontal).toString(),
                 QStringLiteral("Immutable"));
        model.apply(snapshot);
        model.setVolumes({QStringLiteral("v")});
        auto cell = [&](const QString& id, int role = Qt::DisplayRole) {
            return model.indexOf(id, BackupTreeModel::Immutable).data(role);
        };
        const QString date =
            until.toString(QStringLiteral("yyyy-MM-dd")) + QStringLiteral(" 10:00 UTC");
        QCOMPARE(cell(QStringLiteral("locked")).toString(), QStringLiteral("until ") + date);
        QVERIFY(!cell(QStringLiteral("locked"), Qt::DecorationRole).value<QIcon>().isNull());
        const QString tip = cell(QStringLiteral("locked"), Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(date) && tip.contains(QStringLiteral("GOVERNANCE mode")),
                 qPrintable(tip));
        QCOMPARE(cell(QStringLiteral("locked"), RawValueRole).toLongLong(),
                 until.toMSecsSinceEpoch());
        for (const QString& id : {QStringLiteral("ended"), QStringLiteral("plain")}) {
            QVERIFY(cell(id).toString().isEmpty());
            QVERIFY(!cell(id, Qt::DecorationRole).isValid());
        }
        QVERIFY(cell(QStringLiteral("ended"), Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("ended 2026-01-02 10:00 UTC")));

        // A lock recorded later (by the engine) changes the row in place.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        snapshot.backups[2].immutableUntil = until;
        snapshot.backups[2].immutableMode = QStringLiteral("COMPLIANCE");
        model.apply(snapshot);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(cell(QStringLiteral("plain")).toString(), QStringLiteral("until ") + date);
        QVERIFY(cell(QStringLiteral("plain"), Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("COMPLIANCE mode")));
    }

    // Encrypted backups: the Key column shows the master key's fingerprint,
    // shortened, with a lock; the raw value and the tooltip the whole one.
    // A backup whose key (or whose full's key) this host cannot open is "key
    // not available", in the Key column, the status tooltip and KeyProblemRole.
    void backupTreeShowsEncryption()
    {
        const QString fingerprint = QStringLiteral("3f2a-9c1d-5b7e-0a44-d1c2-8e9f-6a3b-2c1d");
        const QString other = QStringLiteral("aaaa-bbbb-cccc-dddd-eeee-ffff-0000-1111");
        CatalogSnapshot snapshot;
        snapshot.volumes = {makeVolume(QStringLiteral("v"), QStringLiteral("vol"))};
        Backup full = makeBackup(QStringLiteral("full"), QStringLiteral("v"), {}, 1);
        full.encryption = QStringLiteral("aes-256-gcm");
        full.encryptionKeyFingerprint = fingerprint;
        Backup inc =
            makeBackup(QStringLiteral("inc"), QStringLiteral("v"), QStringLiteral("full"), 2);
        inc.encryption = QStringLiteral("aes-256-gcm");
        inc.encryptionKeyFingerprint = other; // re-wrapped by a rotation, its full not
        const Backup clear = makeBackup(QStringLiteral("clear"), QStringLiteral("v"), {}, 3);
        snapshot.backups = {full, inc, clear};

        BackupTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(BackupTreeModel::columnsFor(SourceKind::Local).contains(BackupTreeModel::Key));
        QVERIFY(!BackupTreeModel::columnsFor(SourceKind::Cloud).contains(BackupTreeModel::Key));
        QCOMPARE(model.headerData(BackupTreeModel::Key, Qt::Horizontal).toString(),
                 QStringLiteral("Key"));
        model.apply(snapshot);
        model.setVolumes({QStringLiteral("v")});
        auto cell = [&](const QString& id, int role = Qt::DisplayRole,
                        int column = BackupTreeModel::Key) {
            return model.indexOf(id, column).data(role);
        };

        // Keys not known yet: nothing is claimed missing.
        QCOMPARE(cell(QStringLiteral("full")).toString(), QStringLiteral("3f2a-9c1d\u2026"));
        QCOMPARE(cell(QStringLiteral("full"), RawValueRole).toString(), fingerprint);
        QVERIFY(cell(QStringLiteral("full"), Qt::ToolTipRole).toString().contains(fingerprint));
        QVERIFY(!cell(QStringLiteral("full"), Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(!cell(QStringLiteral("inc"), Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(cell(QStringLiteral("clear")).toString().isEmpty());
        QVERIFY(cell(QStringLiteral("clear"), RawValueRole).toString().isEmpty());
        QVERIFY(!cell(QStringLiteral("clear"), Qt::DecorationRole).isValid());
        for (const QString& id :
             {QStringLiteral("full"), QStringLiteral("inc"), QStringLiteral("clear")})
            QVERIFY(cell(id, KeyProblemRole).toString().isEmpty());

        // This host has neither key.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setAvailableKeys({});
        QVERIFY(!changed.isEmpty());
        const QString fullProblem = cell(QStringLiteral("full"), KeyProblemRole).toString();
        QVERIFY2(fullProblem.startsWith(QStringLiteral("key not available")) &&
                     fullProblem.contains(fingerprint),
                 qPrintable(fullProblem));
        QCOMPARE(cell(QStringLiteral("full"), KeyProblemRole, BackupTreeModel::Name).toString(),
                 fullProblem);
        QCOMPARE(cell(QStringLiteral("full")).toString(),
                 QStringLiteral("3f2a-9c1d\u2026 (key not available)"));
        QVERIFY(cell(QStringLiteral("full"), Qt::ToolTipRole, BackupTreeModel::Status)
                    .toString()
                    .contains(QStringLiteral("key not available")));
        QVERIFY(cell(QStringLiteral("clear"), KeyProblemRole).toString().isEmpty());

        // The incremental's own key is here, its full's is not: still unreadable.
        model.setAvailableKeys({other});
        QCOMPARE(cell(QStringLiteral("inc"), KeyProblemRole).toString(), fullProblem);
        QCOMPARE(cell(QStringLiteral("inc")).toString(), QStringLiteral("aaaa-bbbb\u2026"));

        // Both keys: every backup can be read.
        model.setAvailableKeys({fingerprint, other});
        for (const QString& id : {QStringLiteral("full"), QStringLiteral("inc")}) {
            QVERIFY(cell(id, KeyProblemRole).toString().isEmpty());
            QVERIFY(!cell(id).toString().contains(QStringLiteral("not available")));
            QVERIFY(!cell(id, Qt::ToolTipRole, BackupTreeModel::Status)
                         .toString()
                         .contains(QStringLiteral("key not available")));
        }

        // A rotation recorded later changes the row in place.
        changed.clear();
        snapshot.backups[0].encryptionKeyFingerprint = other;
        model.apply(snapshot);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(cell(QStringLiteral("full"), RawValueRole).toString(), other);
        QCOMPARE(shortFingerprint(QStringLiteral("abcd")), QStringLiteral("abcd"));
    }

    void backupTreeTakesPagesInRanges()
    {
        constexpr int volumeCount = 20, chainLength = 10, perPage = 2 * volumeCount;
        CatalogSnapshot snapshot;
        QList<Backup> newestFirst;
        QSet<QString> shown{QStringLiteral("kept-volume")};
        snapshot.volumes.append(makeVolume(QStringLiteral("kept-volume"), QStringLiteral("kept")));
        for (int v = 0; v < volumeCount; ++v) {
            const QString volumeId = QStringLiteral("v%1").arg(v);
            snapshot.volumes.append(makeVolume(volumeId, volumeId));
            shown.insert(volumeId);
        }
        for (int i = chainLength - 1; i >= 0; --i)
            for (int v = 0; v < volumeCount; ++v)
                newestFirst.append(makeBackup(
                    QStringLiteral("v%1-b%2").arg(v).arg(i), QStringLiteral("v%1").arg(v),
                    i == 0 ? QString() : QStringLiteral("v%1-b%2").arg(v).arg(i - 1),
                    i * 2 + v % 2));
        BackupTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setRecursiveFilteringEnabled(true);
        proxy.setDynamicSortFilter(true);
        proxy.setSortRole(RawValueRole);
        proxy.setSourceModel(&model);
        proxy.sort(BackupTreeModel::Created);
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setVolumes(shown);
        // A backup already shown, so the pages update the tree in place.
        snapshot.backups = {
            makeBackup(QStringLiteral("kept"), QStringLiteral("kept-volume"), {}, 0)};
        model.apply(snapshot);
        const QPersistentModelIndex kept = model.indexOf(QStringLiteral("kept"));
        QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        for (int page = 0; page * perPage < newestFirst.size(); ++page) {
            inserts.clear();
            removals.clear();
            snapshot.backups.append(newestFirst.mid(page * perPage, perPage));
            model.apply(snapshot);
            QVERIFY2(inserts.size() <= 1, qPrintable(QString::number(inserts.size())));
            QVERIFY2(removals.size() <= 1, qPrintable(QString::number(removals.size())));
        }
        QCOMPARE(resets.size(), 0);
        QVERIFY(kept.isValid());
        QCOMPARE(kept.data(IdRole).toString(), QStringLiteral("kept"));
        QCOMPARE(model.rowCount(), volumeCount + 1);
        for (int v = 0; v < volumeCount; ++v) {
            QModelIndex node = model.indexOf(QStringLiteral("v%1-b0").arg(v));
            QVERIFY(node.isValid());
            QVERIFY(!node.parent().isValid());
            for (int i = 1; i < chainLength; ++i) {
                QCOMPARE(childIds(model, node),
                         QStringList{QStringLiteral("v%1-b%2").arg(v).arg(i)});
                node = model.index(0, 0, node);
                QCOMPARE(node.data(ChainDepthRole).toInt(), i);
                QCOMPARE(model.indexOf(node.data(IdRole).toString()), node);
            }
            QCOMPARE(model.rowCount(node), 0);
        }
        // The same tree through the sorting proxy.
        QCOMPARE(proxy.rowCount(), volumeCount + 1);
        QCOMPARE(proxy.index(0, 0).data(IdRole).toString(), QStringLiteral("kept"));
    }

    void backendModelUpdatesInPlace()
    {
        BackendModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        CatalogSnapshot snapshot;
        BackendConfig local{QStringLiteral("local"),
                            QStringLiteral("posix"),
                            {{QStringLiteral("backup_posix_path"), QStringLiteral("/srv/b")}},
                            true,
                            {}};
        BackendConfig second{QStringLiteral("nfs"), QStringLiteral("posix"), {}, false, {}};
        snapshot.backends = {local, second};
        snapshot.backups = {makeBackup(QStringLiteral("x"), QStringLiteral("v"), {}, 1)};
        model.apply(snapshot);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, BackendModel::Location).data().toString(),
                 QStringLiteral("/srv/b"));
        QCOMPARE(model.index(0, BackendModel::BackupCount).data().toInt(), 1);
        QCOMPARE(model.index(0, BackendModel::IsDefault).data().toString(),
                 QStringLiteral("default"));
        const QPersistentModelIndex nfs = model.index(1, 0);
        snapshot.backends = {second};
        snapshot.backends[0].isDefault = true;
        model.apply(snapshot);
        QVERIFY(nfs.isValid());
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, BackendModel::IsDefault).data().toString(),
                 QStringLiteral("default"));
    }

    void runnerLimitsConcurrencyAndKeepsVolumesExclusive()
    {
        JobRunner runner(catalogPath());
        JobModel model(&runner);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        runner.setMaxConcurrent(2);
        std::atomic<int> running{0}, peak{0};
        std::atomic<int> runningOnSame{0}, peakOnSame{0};
        auto work = [&](bool sameVolume) {
            return [&, sameVolume](BackupService&, OperationControl&) {
                const int now = ++running;
                int seen = peak.load();
                while (now > seen && !peak.compare_exchange_weak(seen, now)) {
                }
                if (sameVolume) {
                    const int same = ++runningOnSame;
                    int seenSame = peakOnSame.load();
                    while (same > seenSame && !peakOnSame.compare_exchange_weak(seenSame, same)) {
                    }
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                if (sameVolume)
                    --runningOnSame;
                --running;
                return QStringLiteral("ok");
            };
        };
        QList<quint64> ids;
        for (int index = 0; index < 3; ++index)
            ids.append(runner.submit({QStringLiteral("test"),
                                      QStringLiteral("same %1").arg(index),
                                      QStringLiteral("volume-1"),
                                      {},
                                      {},
                                      work(true)}));
        for (int index = 0; index < 3; ++index)
            ids.append(runner.submit({QStringLiteral("test"),
                                      QStringLiteral("other %1").arg(index),
                                      QStringLiteral("volume-%1").arg(index + 2),
                                      {},
                                      {},
                                      work(false)}));
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(runner.activeCount(), 6);
        QCOMPARE(runner.job(ids.first())->state, JobState::Queued);
        QTRY_COMPARE_WITH_TIMEOUT(runner.activeCount(), 0, 20000);
        for (quint64 id : ids)
            QCOMPARE(runner.job(id)->state, JobState::Succeeded);
        QCOMPARE(peak.load(), 2);
        QCOMPARE(peakOnSame.load(), 1);
        runner.removeFinished();
        QCOMPARE(model.rowCount(), 0);
    }

    void runnerThrottlesProgress()
    {
        JobRunner runner(catalogPath());
        JobModel model(&runner);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        int changes = 0;
        connect(&runner, &JobRunner::jobChanged, this, [&] { ++changes; });
        qint64 reports = 0;
        const quint64 id = runner.submit({QStringLiteral("test"),
                                          QStringLiteral("busy"),
                                          {},
                                          {},
                                          {},
                                          [&reports](BackupService&, OperationControl& control) {
                                              const qint64 total = 1000000;
                                              control.setPhase(QStringLiteral("reading"), total);
                                              QElapsedTimer clock;
                                              clock.start();
                                              qint64 done = 0;
                                              // Many tiny reports for one second.
                                              while (clock.elapsed() < 1000 && done < total - 1) {
                                                  control.addBytesDone(1);
                                                  ++done;
                                                  ++reports;
                                              }
                                              return QStringLiteral("ok");
                                          }});
        QTRY_VERIFY_WITH_TIMEOUT(isFinished(runner.job(id)->state), 10000);
        QCOMPARE(runner.job(id)->state, JobState::Succeeded);
        qInfo("%lld progress reports from the engine, %d UI updates", reports, changes);
        QVERIFY(reports > 1000);
        // ~10 per second plus start, phase and finish.
        QVERIFY2(changes <= 25, qPrintable(QString::number(changes)));
        QVERIFY(runner.job(id)->progress.bytesDone > 0);
        QCOMPARE(model.index(0, JobModel::State).data().toString(), QStringLiteral("done"));
    }

    void runnerCancelsAndReportsFailures()
    {
        JobRunner runner(catalogPath());
        JobModel model(&runner);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        runner.setMaxConcurrent(1);
        std::atomic<bool> started{false};
        const quint64 loop =
            runner.submit({QStringLiteral("test"),
                           QStringLiteral("loops"),
                           {},
                           {},
                           {},
                           [&started](BackupService&, OperationControl& control) {
                               started = true;
                               while (true) {
                                   control.throwIfCancelled();
                                   std::this_thread::sleep_for(std::chrono::milliseconds(5));
                               }
                               return QString();
                           }});
        const quint64 queued = runner.submit(
            {QStringLiteral("test"),
             QStringLiteral("waits"),
             {},
             {},
             {},
             [](BackupService&, OperationControl&) { return QStringLiteral("ran"); }});
        const quint64 failing = runner.submit({QStringLiteral("test"),
                                               QStringLiteral("fails"),
                                               {},
                                               {},
                                               {},
                                               [](BackupService&, OperationControl&) -> QString {
                                                   throw Error(QStringLiteral("the disk is full"));
                                               }});
        QTRY_VERIFY_WITH_TIMEOUT(started.load(), 5000);
        QCOMPARE(runner.job(queued)->state, JobState::Queued);
        runner.cancel(queued);
        QCOMPARE(runner.job(queued)->state, JobState::Cancelled);
        runner.cancel(loop);
        QCOMPARE(runner.job(loop)->state, JobState::Cancelling);
        QTRY_COMPARE_WITH_TIMEOUT(runner.job(loop)->state, JobState::Cancelled, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(runner.job(failing)->state, JobState::Failed, 5000);
        QCOMPARE(runner.job(failing)->outcome, QStringLiteral("the disk is full"));
        QVERIFY(runner.job(failing)->log.last().contains(QStringLiteral("the disk is full")));
        QCOMPARE(runner.activeCount(), 0);
    }

    void watcherLoadsLargeCatalogOffTheUiThread()
    {
        const QString path =
            ember::test::freshDir(QStringLiteral("large")) + QStringLiteral("/catalog.sqlite");
        constexpr int volumes = 200, backupsPerVolume = 25;
        {
            Catalog catalog(path);
            catalog.transaction([&] {
                for (int v = 0; v < volumes; ++v) {
                    Volume volume = makeVolume(newUuid(), QStringLiteral("vol-%1").arg(v));
                    catalog.insertVolume(volume);
                    QString parent;
                    for (int b = 0; b < backupsPerVolume; ++b) {
                        Backup backup = makeBackup(newUuid(), volume.id, parent, b % 60);
                        catalog.insertBackup(backup);
                        parent = backup.id;
                    }
                }
            });
        }
        CatalogWatcher watcher(path);
        VolumeModel volumeModel;
        BackupTreeModel treeModel;
        qint64 applyMs = -1;
        connect(&watcher, &CatalogWatcher::snapshotChanged, this, [&] {
            QElapsedTimer clock;
            clock.start();
            volumeModel.apply(*watcher.snapshot());
            treeModel.apply(*watcher.snapshot());
            QSet<QString> all;
            for (const Volume& volume : watcher.snapshot()->volumes)
                all.insert(volume.id);
            treeModel.setVolumes(all);
            applyMs = clock.elapsed();
        });
        // The UI thread keeps ticking while the worker reads.
        QElapsedTimer clock;
        clock.start();
        watcher.start(50);
        QTRY_VERIFY_WITH_TIMEOUT(watcher.hasSnapshot(), 30000);
        QCOMPARE(watcher.snapshot()->backups.size(), volumes * backupsPerVolume);
        QCOMPARE(volumeModel.rowCount(), volumes);
        QCOMPARE(treeModel.rowCount(), volumes); // one chain per volume
        qInfo("catalog of %d backups: read in %lld ms on the worker, models filled in %lld ms "
              "on the UI thread",
              volumes * backupsPerVolume, watcher.snapshot()->loadMilliseconds, applyMs);
        QVERIFY2(applyMs < 2000, qPrintable(QString::number(applyMs)));

        // A change by another connection (as ember-cli makes) arrives by itself.
        const QPersistentModelIndex first = volumeModel.index(0, 0);
        const QString firstId = first.data(IdRole).toString();
        {
            Catalog other(path);
            Volume volume = *other.volume(firstId);
            volume.name = QStringLiteral("renamed-elsewhere");
            other.updateVolume(volume);
        }
        QTRY_COMPARE_WITH_TIMEOUT(first.data().toString(), QStringLiteral("renamed-elsewhere"),
                                  10000);
    }

private:
    QString catalogPath()
    {
        const QString path =
            ember::test::freshDir(QStringLiteral("runner")) + QStringLiteral("/catalog.sqlite");
        Catalog create(path);
        return path;
    }
};

QTEST_MAIN(TestItemModels)
#include "test_itemmodels.moc"
