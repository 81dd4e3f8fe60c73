// A cloud's side of the panels without a cloud: chain links inferred from
// Cinder's rule (linear chains, two chains per volume, snapshot backups,
// failed backups in between, inconsistencies), the models fed with hand-made
// cloud snapshots (columns, inferred links marked, updates in place), the
// refusals of a cloud's actions, and a job that reports no percentage.
#include "backuptreemodel.h"
#include "catalog.h"
#include "cloudchains.h"
#include "cloudsource.h"
#include "itemroles.h"
#include "jobmodel.h"
#include "jobrunner.h"
#include "testsupport.h"
#include "volumemodel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QFont>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTest>

using namespace ember;
using namespace ember::ui;
using namespace ember::ui::cloudchains;

namespace {

const QString volumeA = QStringLiteral("aaaaaaaa-0000-4000-8000-000000000001");
const QString volumeB = QStringLiteral("bbbbbbbb-0000-4000-8000-000000000002");
const QString project = QStringLiteral("p1");

QDateTime at(int minute)
{
    return QDateTime(QDate(2026, 1, 1), QTime(10, 0), Qt::UTC).addSecs(minute * 60);
}

// A backup as Cinder lists it: created at `minute`, data_timestamp the same.
ChainInput listed(const QString& id, const QString& volumeId, int minute, bool incremental,
                  bool hasDependents, const QString& status = BackupStatus::Available)
{
    ChainInput input;
    input.backup.id = id;
    input.backup.volumeId = volumeId;
    input.backup.projectId = project;
    input.backup.status = status;
    input.backup.createdAt = at(minute);
    input.backup.dataTimestamp = at(minute);
    input.incremental = incremental;
    input.hasDependentBackups = hasDependents;
    return input;
}

cloud::CloudBackup cloudBackup(const QString& id, const QString& volumeId, int minute,
                               bool incremental, bool hasDependents)
{
    cloud::CloudBackup backup;
    backup.id = id;
    backup.name = id;
    backup.volumeId = volumeId;
    backup.projectId = project;
    backup.status = BackupStatus::Available;
    backup.container = QStringLiteral("backups");
    backup.sizeGiB = 1;
    backup.objectCount = 3;
    backup.createdAt = at(minute);
    backup.updatedAt = at(minute);
    backup.dataTimestamp = at(minute);
    backup.isIncremental = incremental;
    backup.hasDependentBackups = hasDependents;
    return backup;
}

cloud::CloudVolume cloudVolume(const QString& id, const QString& name, const QString& status)
{
    cloud::CloudVolume volume;
    volume.id = id;
    volume.name = name;
    volume.projectId = project;
    volume.status = status;
    volume.volumeType = QStringLiteral("ceph");
    volume.sizeGiB = 1;
    volume.bootable = true;
    if (status == VolumeStatus::InUse)
        volume.attachedTo = {QStringLiteral("server-1")};
    volume.createdAt = at(0);
    return volume;
}

QStringList childIds(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(parent); ++row)
        ids.append(model.index(row, 0, parent).data(IdRole).toString());
    return ids;
}

} // namespace

class TestCloudModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void linearChainIsInferred()
    {
        const QList<ChainInput> backups{
            listed("inc2", volumeA, 20, true, false),
            listed("inc1", volumeA, 10, true, true),
            listed("full", volumeA, 0, false, true),
        };
        const auto links = resolveChains(backups, {});
        QCOMPARE(links.value("full").parentId, QString());
        QCOMPARE(links.value("full").origin, LinkOrigin::None);
        QCOMPARE(links.value("inc1").parentId, QStringLiteral("full"));
        QCOMPARE(links.value("inc1").origin, LinkOrigin::Inferred);
        QCOMPARE(links.value("inc2").parentId, QStringLiteral("inc1"));
        for (const ChainLink& link : links)
            QVERIFY2(link.problem.isEmpty(), qPrintable(link.problem));
    }

    void twoChainsPerVolumeAndOtherVolumesApart()
    {
        const QList<ChainInput> backups{
            listed("full1", volumeA, 0, false, true),
            listed("inc1", volumeA, 10, true, false),
            listed("full2", volumeA, 20, false, true),
            listed("inc2", volumeA, 30, true, true),
            listed("inc3", volumeA, 40, true, false),
            // Another volume's newer full is no candidate.
            listed("otherFull", volumeB, 35, false, false),
        };
        const auto links = resolveChains(backups, {});
        QCOMPARE(links.value("inc1").parentId, QStringLiteral("full1"));
        QCOMPARE(links.value("inc2").parentId, QStringLiteral("full2"));
        QCOMPARE(links.value("inc3").parentId, QStringLiteral("inc2"));
        for (const ChainLink& link : links)
            QVERIFY2(link.problem.isEmpty(), qPrintable(link.problem));
    }

    void snapshotBackupTakesTheNewestBackupOlderThanItsSnapshot()
    {
        // The snapshot was taken at minute 5; "inc1" (minute 10) is newer than
        // the snapshot, so Cinder ranks it lowest and the full wins.
        ChainInput fromSnapshot = listed("snapInc", volumeA, 20, true, false);
        fromSnapshot.backup.snapshotId = QStringLiteral("snap-1");
        fromSnapshot.backup.dataTimestamp = at(5);
        const QList<ChainInput> backups{
            listed("full", volumeA, 0, false, true),
            listed("inc1", volumeA, 10, true, false),
            fromSnapshot,
        };
        QCOMPARE(inferParent(fromSnapshot, backups), QStringLiteral("full"));
        // A later incremental of the volume itself chains on the newest data.
        const ChainInput later = listed("inc2", volumeA, 30, true, false);
        QCOMPARE(inferParent(later, backups + QList<ChainInput>{later}), QStringLiteral("inc1"));
    }

    void failedBackupsInBetweenArePassedOver()
    {
        const QList<ChainInput> backups{
            listed("full", volumeA, 0, false, true),
            listed("failed", volumeA, 10, false, false, BackupStatus::Error),
            listed("failedInc", volumeA, 15, true, false, BackupStatus::Error),
            listed("inc", volumeA, 20, true, false),
        };
        const auto links = resolveChains(backups, {});
        QCOMPARE(links.value("inc").parentId, QStringLiteral("full"));
        QVERIFY(links.value("inc").problem.isEmpty());
        QCOMPARE(links.value("failedInc").parentId, QStringLiteral("full"));
        // A failed incremental was never counted as a dependent: no complaint.
        QVERIFY(links.value("failedInc").problem.isEmpty());
    }

    void inconsistenciesAreReported()
    {
        const QList<ChainInput> backups{
            // Says nothing depends on it, yet "inc" would be its child.
            listed("full", volumeA, 0, false, false),
            listed("inc", volumeA, 10, true, false),
            // Says something depends on it, but nothing listed does.
            listed("lonely", volumeB, 0, false, true),
            // An incremental with nothing before it (its parent is in another project).
            listed("orphan", volumeB, -5, true, false),
        };
        const auto links = resolveChains(backups, {});
        QCOMPARE(links.value("inc").parentId, QStringLiteral("full"));
        QVERIFY(links.value("inc").problem.contains("reports no dependent backups"));
        QVERIFY(links.value("lonely").problem.contains("none of the listed backups"));
        QCOMPARE(links.value("orphan").parentId, QString());
        QVERIFY(links.value("orphan").problem.contains("parent is unknown"));
        QVERIFY(links.value("full").problem.isEmpty());
    }

    void exportRecordParentsWinOverInference()
    {
        const QList<ChainInput> backups{
            listed("full", volumeA, 0, false, true),
            listed("inc1", volumeA, 10, true, false),
            listed("inc2", volumeA, 20, true, false),
        };
        // Made by another tool from the full directly: the record says so.
        const auto links = resolveChains(backups, {{"inc2", "full"}});
        QCOMPARE(links.value("inc2").parentId, QStringLiteral("full"));
        QCOMPARE(links.value("inc2").origin, LinkOrigin::ExportRecord);
        QCOMPARE(links.value("inc1").origin, LinkOrigin::Inferred);
    }

    void modelsShowTheCloudColumnsAndMarkInferredLinks()
    {
        const QList<cloud::CloudVolume> volumes{
            cloudVolume(volumeA, "db", VolumeStatus::InUse),
            cloudVolume(volumeB, "web", VolumeStatus::Available),
        };
        QList<cloud::CloudBackup> backups{
            cloudBackup("full", volumeA, 0, false, true),
            cloudBackup("inc1", volumeA, 10, true, true),
            cloudBackup("inc2", volumeA, 20, true, false),
        };
        backups[0].failReason.clear();
        const SourceSnapshot snapshot =
            buildCloudSnapshot(volumes, backups, {{"inc1", "full"}}, true);
        QCOMPARE(snapshot.kind, SourceKind::Cloud);
        QCOMPARE(snapshot.projects, QStringList{project});

        VolumeModel volumeModel;
        QAbstractItemModelTester volumeTester(&volumeModel);
        volumeModel.apply(snapshot);
        QCOMPARE(volumeModel.rowCount(), 2);
        const int row = volumeModel.rowOf(volumeA);
        auto cell = [&](int column) { return volumeModel.index(row, column).data().toString(); };
        QCOMPARE(cell(VolumeModel::Project), project);
        QCOMPARE(cell(VolumeModel::VolumeType), QStringLiteral("ceph"));
        QCOMPARE(cell(VolumeModel::Attachments), QStringLiteral("server-1"));
        QCOMPARE(cell(VolumeModel::Bootable), QStringLiteral("yes"));
        QCOMPARE(cell(VolumeModel::BackupCount), QStringLiteral("3"));
        QVERIFY(VolumeModel::columnsFor(SourceKind::Cloud).contains(VolumeModel::Project));
        QVERIFY(!VolumeModel::columnsFor(SourceKind::Local).contains(VolumeModel::Project));
        QVERIFY(!VolumeModel::columnsFor(SourceKind::Cloud).contains(VolumeModel::Path));

        BackupTreeModel tree;
        QAbstractItemModelTester treeTester(&tree);
        tree.apply(snapshot);
        tree.setVolumes({volumeA});
        QCOMPARE(childIds(tree), QStringList{"full"});
        const QModelIndex full = tree.indexOf("full");
        QCOMPARE(childIds(tree, full), QStringList{"inc1"});
        QCOMPARE(childIds(tree, tree.indexOf("inc1")), QStringList{"inc2"});

        const QModelIndex inc1 = tree.indexOf("inc1", BackupTreeModel::Incremental);
        const QModelIndex inc2 = tree.indexOf("inc2", BackupTreeModel::Incremental);
        QCOMPARE(inc1.data(LinkOriginRole).toInt(), int(LinkOrigin::ExportRecord));
        QCOMPARE(inc1.data().toString(), QStringLiteral("incremental, level 1"));
        QCOMPARE(inc2.data(LinkOriginRole).toInt(), int(LinkOrigin::Inferred));
        QCOMPARE(inc2.data().toString(), QStringLiteral("incremental, level 2 (inferred)"));
        QVERIFY(inc2.data(Qt::ToolTipRole).toString().contains("inferred from Cinder's rule"));
        QVERIFY(inc2.data(Qt::FontRole).value<QFont>().italic());
        QCOMPARE(tree.indexOf("full", BackupTreeModel::Container).data().toString(),
                 QStringLiteral("backups"));
        QCOMPARE(tree.indexOf("full", BackupTreeModel::Project).data().toString(), project);
        QVERIFY(
            BackupTreeModel::columnsFor(SourceKind::Cloud).contains(BackupTreeModel::FailReason));
        QVERIFY(!BackupTreeModel::columnsFor(SourceKind::Cloud).contains(BackupTreeModel::Backend));
        QVERIFY(
            !BackupTreeModel::columnsFor(SourceKind::Local).contains(BackupTreeModel::Snapshot));

        // The next poll: inc2 failed-over to error elsewhere, a new backup
        // appeared. Rows stay where they were (a selection survives).
        const QPersistentModelIndex selected(tree.indexOf("inc2"));
        backups[2].status = BackupStatus::Error;
        backups[2].failReason = QStringLiteral("disk full");
        backups.append(cloudBackup("full2", volumeA, 30, false, false));
        tree.apply(buildCloudSnapshot(volumes, backups, {{"inc1", "full"}}, true));
        QVERIFY(selected.isValid());
        QCOMPARE(selected.data(IdRole).toString(), QStringLiteral("inc2"));
        QCOMPARE(tree.indexOf("inc2", BackupTreeModel::FailReason).data().toString(),
                 QStringLiteral("disk full"));
        QCOMPARE(childIds(tree), (QStringList{"full", "full2"}));
    }

    void partialListsReportNoProblems()
    {
        // The first page holds the incremental but not yet its parent.
        const QList<cloud::CloudBackup> firstPage{cloudBackup("inc", volumeA, 10, true, false)};
        const SourceSnapshot partial = buildCloudSnapshot({}, firstPage, {}, false);
        QVERIFY(partial.backupFacts.value("inc").chainProblem.isEmpty());
        QVERIFY(partial.isIncremental(*partial.backup("inc")));
        const SourceSnapshot whole = buildCloudSnapshot({}, firstPage, {}, true);
        QVERIFY(!whole.backupFacts.value("inc").chainProblem.isEmpty());
    }

    void aKeptListingIsWrittenReadBackAndShownStale()
    {
        const QString path = ember::test::freshDir(QStringLiteral("listing")) +
                             QStringLiteral("/cloud-listings.json");
        CloudListing listing;
        listing.savedAt = QDateTime(QDate(2026, 12, 1), QTime(9, 30), Qt::UTC);
        listing.volumes = {cloudVolume(volumeA, "db", VolumeStatus::InUse)};
        cloud::CloudBackup full = cloudBackup("full", volumeA, 0, false, true);
        full.description = QStringLiteral("not for the cache");
        listing.backups = {full, cloudBackup("inc", volumeA, 10, true, false)};
        QVERIFY(writeCloudListing(path, QStringLiteral("offline"), listing, false));

        // The owner's only, and no description.
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                QFileDevice::WriteOther | QFileDevice::ExeOther;
        QCOMPARE(QFile::permissions(path) & others, QFileDevice::Permissions());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("not for the cache"));

        const auto read = readCloudListing(path, QStringLiteral("offline"));
        QVERIFY(read);
        QVERIFY(!readCloudListing(path, QStringLiteral("another")));
        QCOMPARE(read->savedAt, listing.savedAt);
        QCOMPARE(read->volumes.size(), 1);
        QCOMPARE(read->volumes[0].name, QStringLiteral("db"));
        QCOMPARE(read->volumes[0].status, VolumeStatus::InUse);
        QCOMPARE(read->volumes[0].attachedTo, QStringList{QStringLiteral("server-1")});
        QCOMPARE(read->backups.size(), 2);
        QCOMPARE(read->backups[1].id, QStringLiteral("inc"));
        QVERIFY(read->backups[1].isIncremental);
        QVERIFY(read->backups[0].hasDependentBackups);
        QCOMPARE(read->backups[1].dataTimestamp, at(10));
        QCOMPARE(read->backups[0].sizeGiB, 1);

        // Opened again, the cloud shows it at once, marked stale; an
        // unreachable Keystone leaves it so (with the problem said).
        cloud::CloudProfile profile;
        profile.name = QStringLiteral("offline");
        profile.auth.authUrl = QStringLiteral("http://127.0.0.1:9/v3");
        CloudSource source(profile);
        source.setParentCacheFile(QString());
        source.setListingCacheFile(path);
        QSignalSpy failed(&source, &Source::loadFailed);
        source.start();
        QTRY_VERIFY(source.hasSnapshot());
        QCOMPARE(source.snapshot()->staleAsOf, listing.savedAt);
        QCOMPARE(source.snapshot()->volumes.size(), 1);
        QCOMPARE(source.snapshot()->backups.size(), 2);
        QCOMPARE(source.snapshot()->backup("inc")->parentId, QStringLiteral("full"));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() > 0, 30000);
        QVERIFY(source.snapshot()->staleAsOf.isValid());
    }

    void cloudActionsAreRefusedWithTheRulesReason()
    {
        cloud::CloudProfile profile;
        profile.name = QStringLiteral("offline");
        profile.auth.authUrl = QStringLiteral("http://127.0.0.1:9/v3");
        CloudSource source(profile);
        QCOMPARE(source.id(), QStringLiteral("cloud:offline"));
        QCOMPARE(source.kind(), SourceKind::Cloud);
        QVERIFY(!source.can(Capability::ForceDelete));
        QVERIFY(source.snapshot() != nullptr);

        QList<cloud::CloudBackup> backups{
            cloudBackup("full", volumeA, 0, false, true),
            cloudBackup("inc", volumeA, 10, true, false),
        };
        backups[1].status = BackupStatus::Creating;
        SourceSnapshot snapshot =
            buildCloudSnapshot({cloudVolume(volumeA, "db", VolumeStatus::InUse),
                                cloudVolume(volumeB, "web", VolumeStatus::Available)},
                               backups, {}, true);
        snapshot.quotas.insert(project, ProjectQuota{10, 10, 2, 1000});
        source.showSnapshot(std::make_shared<const SourceSnapshot>(snapshot));

        // Cinder's own reason, before any request.
        QCOMPARE(source.deleteBackup("full", false).refusal.left(42),
                 QStringLiteral("Incremental backups exist for this backup."));
        QVERIFY(source.deleteBackup("full", true).refusal.contains("admin"));
        QVERIFY(source.deleteBackup("inc", false).refusal.contains("must be available or error"));
        QVERIFY(source.restore({"inc", QString(), "new"}).refusal.contains("must be available"));
        QVERIFY(source.restore({"full", volumeA, QString()}).refusal.contains("in use"));
        BackupRequest backup;
        backup.volumeId = volumeA;
        QVERIFY(source.createBackup(backup).refusal.contains("force"));
        backup.volumeId = volumeB;
        backup.incremental = true;
        QVERIFY2(source.createBackup(backup).refusal.contains("No backups available"),
                 qPrintable(source.createBackup(backup).refusal));
        backup.incremental = false;
        QVERIFY(source.createBackup(backup).refusal.contains("Maximum number of backups"));
        QVERIFY(source.resetState("full", "available").refusal.contains("admin"));
        QVERIFY(source.exportRecord("full").refusal.contains("admin"));
        // Allowed by the rules, but no runner to run it on.
        QVERIFY(source.restore({"full", QString(), "new"}).refusal.contains("job runner"));
    }

    void localSourceWrapsTheCatalog()
    {
        const QString catalogPath = ember::test::freshDir(QStringLiteral("localsource")) +
                                    QStringLiteral("/catalog.sqlite");
        {
            Catalog catalog(catalogPath);
            Volume volume;
            volume.id = volumeA;
            volume.name = QStringLiteral("disk");
            volume.path = QStringLiteral("/tmp/disk.img");
            catalog.insertVolume(volume);
        }
        LocalSource source(catalogPath);
        QCOMPARE(source.id(), QStringLiteral("local"));
        QCOMPARE(source.kind(), SourceKind::Local);
        QVERIFY(source.can(Capability::Verify));
        QVERIFY(!source.hasSnapshot());
        QVERIFY(source.snapshot() != nullptr);
        QSignalSpy changed(&source, &Source::snapshotChanged);
        source.start(50);
        QVERIFY(changed.wait(10000));
        QCOMPARE(source.snapshot()->kind, SourceKind::Local);
        QCOMPARE(source.snapshot()->volume(volumeA)->name, QStringLiteral("disk"));
        // The local actions run from the application's dialogs.
        QVERIFY(source.deleteBackup(QStringLiteral("x"), false).refusal.contains("not offered"));
    }

    void remoteJobsSayThereIsNoPercentage()
    {
        const QString catalogPath =
            ember::test::freshDir(QStringLiteral("cloudjobs")) + QStringLiteral("/catalog.sqlite");
        JobRunner runner(catalogPath);
        JobModel model(&runner);
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        RemoteJobSpec spec;
        spec.kind = QStringLiteral("cloud-backup");
        spec.title = QStringLiteral("Full backup of db");
        spec.noProgressNote = QStringLiteral("Cinder reports no percentage");
        spec.cloud = QStringLiteral("devstack");
        spec.work = [](OperationControl& control) {
            control.setPhase(QStringLiteral("creating"), 0);
            control.log(QStringLiteral("0 s: backup creating"));
            QThread::msleep(300);
            control.log(QStringLiteral("1 s: backup creating → available"));
            return QStringLiteral("backup available");
        };
        const quint64 id = runner.submitRemote(std::move(spec));
        QTRY_COMPARE_WITH_TIMEOUT(runner.job(id)->state, JobState::Running, 5000);
        QCOMPARE(model.index(0, JobModel::ProgressBar).data().toString(),
                 QStringLiteral("Cinder reports no percentage"));
        QCOMPARE(model.index(0, JobModel::ProgressBar).data(ProgressRole).toDouble(), -1.0);
        QVERIFY(finished.wait(5000));
        const JobInfo* job = runner.job(id);
        QCOMPARE(job->state, JobState::Succeeded);
        QVERIFY(job->log.join('\n').contains("creating → available"));
        QVERIFY(!model.index(0, JobModel::Elapsed).data().toString().isEmpty());
        // The catalog only records it: in the history with its cloud and its log.
        Catalog catalog(catalogPath);
        const std::optional<JobRecord> record = catalog.job(job->historyId);
        QVERIFY(record);
        QCOMPARE(record->result, JobResult::Succeeded);
        QCOMPARE(record->cloud, QStringLiteral("devstack"));
        QCOMPARE(record->origin, QStringLiteral("gui"));
        QCOMPARE(record->reason, QStringLiteral("backup available"));
        QVERIFY(record->log.contains("creating → available"));
        QCOMPARE(catalog.backups().size(), 0);
    }
};

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv);
    TestCloudModels test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_cloudmodels.moc"
