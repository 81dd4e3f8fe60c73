// The job history in the GUI: jobs run through the JobRunner are recorded in
// the catalog (a real backup, restored and compared byte for byte; a failing
// one with its reason; a running job cancelled, first recorded as running; a
// queued job cancelled before it started is not); the history survives a new
// AppContext and model; jobs another catalog connection records (as ember-cli
// does) appear once the catalog watcher notices, inserted above the selection
// without losing it; the panel's volume, result and date filters and CSV
// export; the selected job's facts and log.
#include "appcontext.h"
#include "catalog.h"
#include "historymodel.h"
#include "historypanel.h"
#include "itemroles.h"
#include "jobrunner.h"
#include "testsupport.h"

#include <QApplication>
#include <QComboBox>
#include <QDateEdit>
#include <QFileInfo>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QThread>

using namespace ember;
using namespace ember::ui;

namespace {

constexpr qint64 MiB = 1 << 20;

// A backup of `volumeId` as the GUI's backup action runs it.
JobSpec backupJob(const QString& volumeId, const QString& backend = {})
{
    JobSpec spec;
    spec.kind = QStringLiteral("backup");
    spec.title = QStringLiteral("Backup of v (full)");
    spec.volumeId = volumeId;
    spec.volumeName = QStringLiteral("v");
    spec.work = [volumeId, backend](BackupService& service, OperationControl& control) {
        CreateBackupRequest request;
        request.volume = volumeId;
        request.backend = backend;
        BackupService::PreparedBackup prepared = service.prepareBackup(request);
        const Backup backup = service.runBackup(prepared, control);
        return QStringLiteral("backup %1 available").arg(backup.id);
    };
    return spec;
}

// A finished job as another process would record it.
JobRecord otherProcessJob(const QString& volumeId, const QString& volumeName, JobResult result,
                          const QDateTime& startedAt, const QString& title)
{
    JobRecord job;
    job.kind = QStringLiteral("backup");
    job.origin = QStringLiteral("cli");
    job.title = title;
    job.volumeId = volumeId;
    job.volumeName = volumeName;
    job.backendName = QStringLiteral("local");
    job.startedAt = startedAt;
    job.finishedAt = startedAt.addSecs(42);
    job.bytesRead = 3 * MiB;
    job.bytesStored = MiB;
    job.bytesPerSecond = double(3 * MiB) / 42;
    job.result = result;
    job.reason = result == JobResult::Succeeded ? QStringLiteral("backup available")
                                                : QStringLiteral("the store is full");
    job.log = QStringLiteral("%1\nfirst line\nlast line").arg(title);
    job.pid = 4242;
    return job;
}

void waitForJobs(JobRunner& runner)
{
    QTRY_COMPARE_WITH_TIMEOUT(runner.activeCount(), 0, 120000);
}

QStringList proxyColumn(const HistoryFilterProxy* proxy, int column, int role = RawValueRole)
{
    QStringList values;
    for (int row = 0; row < proxy->rowCount(); ++row)
        values.append(proxy->index(row, column).data(role).toString());
    return values;
}

} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void guiJobsAreRecorded()
    {
        test::ServiceFixture fixture(QStringLiteral("history-record"));
        const Volume volume = fixture.addVolumeFile(6 * MiB, test::Fill::Mixed, 7);
        const QString catalogPath = fixture.catalog->path();
        AppContext context(catalogPath);
        JobRunner& runner = context.runner();
        runner.setMaxConcurrent(1);
        const quint64 good = runner.submit(backupJob(volume.id));
        const quint64 bad = runner.submit(backupJob(volume.id, QStringLiteral("no-such-store")));
        JobSpec never = backupJob(volume.id);
        never.title = QStringLiteral("never started");
        const quint64 cancelled = runner.submit(std::move(never));
        runner.cancel(cancelled); // still queued: the event loop has not started it
        QCOMPARE(runner.job(cancelled)->state, JobState::Cancelled);
        waitForJobs(runner);
        QCOMPARE(runner.job(good)->state, JobState::Succeeded);
        QCOMPARE(runner.job(bad)->state, JobState::Failed);
        const QString failure = runner.job(bad)->outcome;
        QVERIFY(!failure.isEmpty());

        // The catalog holds exactly the two jobs that ran.
        Catalog reader(catalogPath);
        const QList<JobRecord> jobs = reader.jobHistory();
        QCOMPARE(jobs.size(), 2);
        const qint64 goodId = runner.job(good)->historyId;
        const qint64 badId = runner.job(bad)->historyId;
        QVERIFY(goodId > 0 && badId > 0 && goodId != badId);

        const QList<Backup> backups = reader.backups();
        QCOMPARE(backups.size(), 1);
        const Backup& backup = backups.first();
        QCOMPARE(backup.status, BackupStatus::Available);

        HistoryModel model(catalogPath);
        QSignalSpy loaded(&model, &HistoryModel::loaded);
        model.reload();
        QVERIFY(loaded.wait(20000));
        QCOMPARE(model.rowCount(), 2);
        const HistoryRow* goodRow = model.rowAt(model.rowOfJob(goodId));
        const HistoryRow* badRow = model.rowAt(model.rowOfJob(badId));
        QVERIFY(goodRow && badRow);
        QCOMPARE(goodRow->record.result, JobResult::Succeeded);
        QCOMPARE(goodRow->record.origin, QStringLiteral("gui"));
        QCOMPARE(goodRow->record.kind, QStringLiteral("backup"));
        QCOMPARE(goodRow->record.volumeId, volume.id);
        QCOMPARE(goodRow->record.backupId, backup.id);
        QCOMPARE(goodRow->record.bytesRead, 6 * MiB);
        QCOMPARE(goodRow->record.bytesStored, backup.storedBytes);
        QVERIFY(backup.storedBytes > 0);
        QCOMPARE(goodRow->record.reason, runner.job(good)->outcome);
        QVERIFY(goodRow->record.finishedAt.isValid());
        QVERIFY(goodRow->record.startedAt <= goodRow->record.finishedAt);
        QCOMPARE(goodRow->record.pid, QCoreApplication::applicationPid());
        QVERIFY(goodRow->record.log.isEmpty()); // lists are loaded without logs
        QCOMPARE(badRow->record.result, JobResult::Failed);
        QCOMPARE(badRow->record.reason, failure);
        QCOMPARE(badRow->record.origin, QStringLiteral("gui"));
        // Newest first, and the columns the view shows.
        QCOMPARE(model.jobId(0), badId);
        QCOMPARE(model.index(1, HistoryModel::Result).data().toString(),
                 jobResultLabel(JobResult::Succeeded));
        QCOMPARE(model.index(1, HistoryModel::Read).data(RawValueRole).toLongLong(), 6 * MiB);
        QCOMPARE(model.index(0, HistoryModel::Reason).data().toString(), failure);
        QCOMPARE(model.index(0, HistoryModel::Origin).data().toString(), QStringLiteral("gui"));

        const QString restored = fixture.restoreToNewFile(backup.id, QStringLiteral("r.img"));
        QCOMPARE(test::compareFiles(restored, fixture.volumeFile()), QString());
    }

    void cancelledJobIsRecordedAsCancelled()
    {
        test::ServiceFixture fixture(QStringLiteral("history-cancel"));
        const QString catalogPath = fixture.catalog->path();
        AppContext context(catalogPath);
        JobSpec spec;
        spec.kind = QStringLiteral("verify");
        spec.title = QStringLiteral("Verify that never ends");
        spec.work = [](BackupService&, OperationControl& control) {
            control.setPhase(QStringLiteral("verifying"), 1000);
            control.log(QStringLiteral("checking object 1"));
            for (;;) {
                control.throwIfCancelled();
                QThread::msleep(10);
            }
            return QString();
        };
        const quint64 id = context.runner().submit(std::move(spec));
        // Recorded as running while it runs.
        QTRY_VERIFY_WITH_TIMEOUT(context.runner().job(id)->historyId > 0, 20000);
        const qint64 historyId = context.runner().job(id)->historyId;
        std::optional<JobRecord> running = fixture.catalog->job(historyId);
        QVERIFY(running);
        QCOMPARE(running->result, JobResult::Running);
        QCOMPARE(running->pid, QCoreApplication::applicationPid());
        context.runner().cancel(id);
        waitForJobs(context.runner());
        QCOMPARE(context.runner().job(id)->state, JobState::Cancelled);
        const std::optional<JobRecord> cancelled = fixture.catalog->job(historyId);
        QVERIFY(cancelled);
        QCOMPARE(cancelled->result, JobResult::Cancelled);
        QCOMPARE(cancelled->reason, context.runner().job(id)->outcome);
        QCOMPARE(cancelled->origin, QStringLiteral("gui"));
        QVERIFY2(cancelled->log.contains(QStringLiteral("checking object 1")),
                 qPrintable(cancelled->log));
        QVERIFY(cancelled->finishedAt.isValid());
        QCOMPARE(fixture.catalog->jobCount(), 1);
    }

    void historySurvivesRestartAndSharesTheCatalog()
    {
        test::ServiceFixture fixture(QStringLiteral("history-restart"));
        const Volume volume = fixture.addVolumeFile(4 * MiB, test::Fill::Random, 3);
        const QString catalogPath = fixture.catalog->path();
        qint64 historyId = 0;
        {
            AppContext context(catalogPath);
            const quint64 id = context.runner().submit(backupJob(volume.id));
            waitForJobs(context.runner());
            QCOMPARE(context.runner().job(id)->state, JobState::Succeeded);
            historyId = context.runner().job(id)->historyId;
            QVERIFY(historyId > 0);
        }

        // A new application: the same job, from the catalog.
        AppContext context(catalogPath);
        HistoryPanel panel(context, nullptr);
        panel.periodFilter()->setCurrentIndex(
            panel.periodFilter()->findData(HistoryPanel::AllTime));
        HistoryModel* model = panel.model();
        QTRY_VERIFY_WITH_TIMEOUT(model->isLoaded(), 20000);
        QCOMPARE(model->rowCount(), 1);
        // A copy: a reload replaces the model's rows.
        const JobRecord loaded = model->rowAt(0)->record;
        QCOMPARE(loaded.id, historyId);
        QCOMPARE(loaded.result, JobResult::Succeeded);
        QCOMPARE(loaded.bytesRead, 4 * MiB);
        QVERIFY(panel.selectJob(historyId));
        QCOMPARE(panel.selectedJobId(), historyId);

        // ember-cli records through its own connection: the watcher notices,
        // the new job is inserted above, the selection stays on its job.
        QSignalSpy resets(model, &QAbstractItemModel::modelReset);
        QSignalSpy inserts(model, &QAbstractItemModel::rowsInserted);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const qint64 cliId = fixture.catalog->recordJob(otherProcessJob(
            volume.id, volume.name, JobResult::Failed, now, QStringLiteral("cli backup")));
        QTRY_VERIFY_WITH_TIMEOUT(model->rowOfJob(cliId) >= 0, 20000);
        QCOMPARE(model->rowCount(), 2);
        QCOMPARE(model->jobId(0), cliId);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(inserts.count(), 1);
        QCOMPARE(panel.selectedJobId(), historyId);
        QCOMPARE(panel.view()->currentIndex().data(IdRole).toLongLong(), historyId);
        QCOMPARE(panel.view()->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(panel.view()->selectionModel()->selectedRows().first().data(IdRole).toLongLong(),
                 historyId);
        const HistoryRow* cliRow = model->rowAt(model->rowOfJob(cliId));
        QCOMPARE(cliRow->record.origin, QStringLiteral("cli"));
        QCOMPARE(cliRow->record.reason, QStringLiteral("the store is full"));

        const Backup backup = fixture.catalog->backups().first();
        QCOMPARE(loaded.backupId, backup.id);
        const QString restored = fixture.restoreToNewFile(backup.id, QStringLiteral("r.img"));
        QCOMPARE(test::compareFiles(restored, fixture.volumeFile()), QString());
    }

    void filtersByVolumeResultAndDate()
    {
        test::ServiceFixture fixture(QStringLiteral("history-filters"));
        const QString catalogPath = fixture.catalog->path();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // a: 3 recent (2 succeeded, 1 failed) and 1 of 40 days ago; b: 2 recent failed.
        struct Seed
        {
            QString volume;
            JobResult result;
            int daysAgo;
        };
        const QList<Seed> seeds = {{QStringLiteral("a"), JobResult::Succeeded, 1},
                                   {QStringLiteral("a"), JobResult::Failed, 2},
                                   {QStringLiteral("b"), JobResult::Failed, 3},
                                   {QStringLiteral("a"), JobResult::Succeeded, 10},
                                   {QStringLiteral("b"), JobResult::Failed, 11},
                                   {QStringLiteral("a"), JobResult::Succeeded, 40}};
        fixture.catalog->transaction([&] {
            int n = 0;
            for (const Seed& seed : seeds)
                fixture.catalog->recordJob(otherProcessJob(
                    QStringLiteral("vol-") + seed.volume, QStringLiteral("disk-") + seed.volume,
                    seed.result, now.addDays(-seed.daysAgo), QStringLiteral("job %1").arg(++n)));
        });

        AppContext context(catalogPath);
        HistoryPanel panel(context, nullptr);
        HistoryFilterProxy* proxy = panel.proxy();
        QTRY_VERIFY_WITH_TIMEOUT(panel.model()->isLoaded(), 20000);
        QCOMPARE(panel.model()->rowCount(), 6);
        // Default: the last 30 days, newest first.
        QCOMPARE(panel.periodFilter()->currentData().toInt(), int(HistoryPanel::Last30Days));
        QCOMPARE(proxyColumn(proxy, HistoryModel::Title),
                 QStringList({"job 1", "job 2", "job 3", "job 4", "job 5"}));

        QComboBox* volumes = panel.volumeFilter();
        QCOMPARE(volumes->itemText(0), QStringLiteral("All volumes"));
        const int diskA = volumes->findData(QStringLiteral("vol-a"));
        QVERIFY(diskA > 0);
        QCOMPARE(volumes->itemText(diskA), QStringLiteral("disk-a"));
        volumes->setCurrentIndex(diskA);
        QCOMPARE(proxyColumn(proxy, HistoryModel::Title), QStringList({"job 1", "job 2", "job 4"}));

        QComboBox* results = panel.resultFilter();
        results->setCurrentIndex(results->findData(int(JobResult::Failed)));
        QCOMPARE(proxyColumn(proxy, HistoryModel::Title), QStringList({"job 2"}));

        // The export writes what the filters select, read from the catalog.
        QSignalSpy exported(panel.model(), &HistoryModel::exported);
        const QString csvPath = QFileInfo(catalogPath).absolutePath() + QStringLiteral("/a.csv");
        panel.exportCsv(csvPath);
        QVERIFY(exported.wait(10000));
        QCOMPARE(exported.last().at(2).toString(), QString());
        QCOMPARE(exported.last().at(1).toInt(), 1);
        const QList<QByteArray> lines = test::readWholeFile(csvPath).split('\n');
        QCOMPARE(lines.size(), 3); // header, job 2, the empty rest after the last line end
        QVERIFY(lines.at(0).startsWith("id,started_at,finished_at,kind,origin,title"));
        QVERIFY2(lines.at(1).contains(",cli,job 2,vol-a,disk-a,") &&
                     lines.at(1).contains(",failed,42,3145728,1048576,") &&
                     lines.at(1).endsWith(",the store is full\r"),
                 lines.at(1).constData());
        QVERIFY2(panel.exportStatus()->text().startsWith(QStringLiteral("1 job")) &&
                     panel.exportStatus()->text().endsWith(QStringLiteral("saved to ") + csvPath),
                 qPrintable(panel.exportStatus()->text()));
        volumes->setCurrentIndex(0);
        QCOMPARE(proxyColumn(proxy, HistoryModel::Title), QStringList({"job 2", "job 3", "job 5"}));

        // Dates: days 12..2 ago (both ends included, local days).
        const QDate today = QDate::currentDate();
        panel.fromEdit()->setDate(today.addDays(-12));
        panel.toEdit()->setDate(today.addDays(-2));
        QCOMPARE(panel.periodFilter()->currentData().toInt(), int(HistoryPanel::BetweenDates));
        results->setCurrentIndex(0);
        const QStringList between = proxyColumn(proxy, HistoryModel::Title);
        // job 2 (2 days ago) is in unless its UTC time fell on another local day.
        QVERIFY(between.contains(QStringLiteral("job 3")) &&
                between.contains(QStringLiteral("job 4")) &&
                between.contains(QStringLiteral("job 5")));
        QVERIFY(!between.contains(QStringLiteral("job 1")) &&
                !between.contains(QStringLiteral("job 6")));

        panel.periodFilter()->setCurrentIndex(
            panel.periodFilter()->findData(HistoryPanel::AllTime));
        QCOMPARE(proxy->rowCount(), 6);
        QCOMPARE(proxyColumn(proxy, HistoryModel::Title).last(), QStringLiteral("job 6"));

        // The selection survives a filter that keeps its job and a reload.
        QVERIFY(panel.selectJob(panel.model()->jobId(3)));
        const qint64 selected = panel.selectedJobId();
        results->setCurrentIndex(results->findData(int(JobResult::Succeeded)));
        QCOMPARE(panel.view()->currentIndex().data(IdRole).toLongLong(), selected);
        QCOMPARE(panel.view()->currentIndex().data().toString(),
                 panel.model()->rowAt(3)->startedText);
        results->setCurrentIndex(0);
        QCOMPARE(panel.view()->currentIndex().data(IdRole).toLongLong(), selected);

        // A prune elsewhere removes rows: the model is reset, the job stays selected.
        QSignalSpy resets(panel.model(), &QAbstractItemModel::modelReset);
        QCOMPARE(fixture.catalog->pruneJobHistory(now.addDays(-35)), 1);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 5, 20000);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(panel.selectedJobId(), selected);
        QCOMPARE(panel.view()->currentIndex().data(IdRole).toLongLong(), selected);
        QCOMPARE(panel.view()->selectionModel()->selectedRows().size(), 1);
    }

    void panelShowsTheSelectedJobsLog()
    {
        test::ServiceFixture fixture(QStringLiteral("history-log"));
        const Volume volume = fixture.addVolumeFile(2 * MiB, test::Fill::Text, 5);
        const QString catalogPath = fixture.catalog->path();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const JobRecord older = otherProcessJob(volume.id, volume.name, JobResult::Failed,
                                                now.addSecs(-3600), QStringLiteral("older job"));
        const qint64 olderId = fixture.catalog->recordJob(older);

        AppContext context(catalogPath);
        HistoryPanel panel(context, nullptr);
        panel.resize(1000, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY_WITH_TIMEOUT(panel.model()->isLoaded(), 20000);

        // A GUI job while the panel is open: it appears without a restart.
        const quint64 id = context.runner().submit(backupJob(volume.id));
        waitForJobs(context.runner());
        const qint64 guiId = context.runner().job(id)->historyId;
        QTRY_VERIFY_WITH_TIMEOUT(
            panel.model()->rowOfJob(guiId) >= 0 &&
                panel.model()->rowAt(panel.model()->rowOfJob(guiId))->record.result ==
                    JobResult::Succeeded,
            20000);

        QSignalSpy shown(&panel, &HistoryPanel::logShown);
        QVERIFY(panel.selectJob(olderId));
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && shown.last().at(0).toLongLong() == olderId,
                                 10000);
        QCOMPARE(panel.logView()->toPlainText(), older.log);
        const QString facts = panel.factsLabel()->text();
        QVERIFY2(facts.contains(QStringLiteral("older job")) &&
                     facts.contains(QStringLiteral("the store is full")) &&
                     facts.contains(QStringLiteral("4242")),
                 qPrintable(facts));

        // Clicking the GUI job's row shows its log, read from the catalog.
        const QModelIndex guiIndex =
            panel.proxy()->mapFromSource(panel.model()->index(panel.model()->rowOfJob(guiId), 0));
        QVERIFY(guiIndex.isValid());
        QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {},
                          panel.view()->visualRect(guiIndex).center());
        QTRY_VERIFY_WITH_TIMEOUT(shown.last().at(0).toLongLong() == guiId, 10000);
        QCOMPARE(panel.selectedJobId(), guiId);
        Catalog reader(catalogPath);
        const std::optional<JobRecord> stored = reader.job(guiId);
        QVERIFY(stored);
        QCOMPARE(panel.logView()->toPlainText(), stored->log);
        QVERIFY(panel.factsLabel()->text().contains(QStringLiteral("Backup of v (full)")));

        const Backup backup = fixture.catalog->backups().first();
        QCOMPARE(stored->backupId, backup.id);
        const QString restored = fixture.restoreToNewFile(backup.id, QStringLiteral("r.img"));
        QCOMPARE(test::compareFiles(restored, fixture.volumeFile()), QString());
    }
};

int main(int argc, char* argv[])
{
    const QString home = test::freshDir(QStringLiteral("history-home"));
    qputenv("EMBER_HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/data")).toUtf8());
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EmberTest"));
    QApplication::setApplicationName(QStringLiteral("EmberHistoryTest"));
    TestHistory test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_history.moc"
