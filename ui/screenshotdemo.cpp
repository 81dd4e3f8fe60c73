#include "screenshotdemo.h"

#include "actionscontroller.h"
#include "appcontext.h"
#include "async.h"
#include "backendwizard.h"
#include "backupdialogs.h"
#include "catalog.h"
#include "chainpanel.h"
#include "dashboardpanel.h"
#include "encryptionpage.h"
#include "keysdialog.h"
#include "keystore.h"
#include "mainwindow.h"
#include "s3page.h"
#include "source.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QScrollBar>
#include <QSpinBox>
#include <QTableView>
#include <QTextBrowser>
#include <QTimeZone>
#include <QTimer>
#include <QToolBar>
#include <QToolTip>
#include <QTreeView>
#include <cstdio>
#include <functional>

namespace ember::ui {

namespace {

void announceReady()
{
    std::fputs("EMBER-SCREENSHOT-READY\n", stdout);
    std::fflush(stdout);
}

// Calls `step` whenever something may have changed, until it returns true.
void pollUntil(QObject* owner, std::function<bool()> step)
{
    auto* timer = new QTimer(owner);
    timer->setInterval(100);
    QObject::connect(timer, &QTimer::timeout, owner, [timer, step] {
        if (step())
            timer->deleteLater();
    });
    timer->start();
}

std::optional<Volume> volumeNamed(MainWindow& window, const QString& name)
{
    for (const Volume& volume : window.context().snapshot()->volumes)
        if (volume.name == name)
            return volume;
    return std::nullopt;
}

std::optional<Backup> newestBackup(MainWindow& window, const QString& volumeId)
{
    std::optional<Backup> newest;
    for (const Backup& backup : window.context().snapshot()->backupsOf(volumeId))
        if (!newest || backup.createdAt > newest->createdAt)
            newest = backup;
    return newest;
}

void scribble(const QString& path, int seed)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return;
    for (int region = 0; region < 4; ++region) {
        file.seek((qint64(seed * 7 + region * 13) % 60) << 20);
        file.write(QByteArray(64 * 1024, char('A' + seed + region)));
    }
}

void prepare(MainWindow& window)
{
    auto stage = std::make_shared<int>(0);
    auto waitingJob = std::make_shared<quint64>(0);
    const QString directory = QDir(defaultDataDirectory()).filePath(QStringLiteral("volumes"));
    pollUntil(&window, [&window, stage, waitingJob, directory]() -> bool {
        if (!window.context().watcher().hasSnapshot())
            return false;
        if (*waitingJob) {
            const JobInfo* job = window.context().runner().job(*waitingJob);
            if (!job || !isFinished(job->state))
                return false;
            if (job->state != JobState::Succeeded) {
                std::fprintf(stderr, "demo job failed: %s\n", qPrintable(job->outcome));
                QApplication::exit(1);
                return true;
            }
            *waitingJob = 0;
        }
        const auto database = volumeNamed(window, QStringLiteral("database"));
        const auto web = volumeNamed(window, QStringLiteral("web-server"));
        const QStringList names{QStringLiteral("nightly-full"), QStringLiteral("monday"),
                                QStringLiteral("tuesday")};
        switch (*stage) {
        case 0:
            if (!database)
                window.createSampleVolume(QStringLiteral("database"));
            ++*stage;
            return false;
        case 1:
        case 2:
        case 3: {
            if (!database)
                return false;
            const int index = *stage - 1;
            if (index > 0)
                scribble(database->path, index);
            CreateBackupRequest request;
            request.volume = database->id;
            request.incremental = index > 0;
            request.name = names.at(index);
            request.description = index == 0 ? QStringLiteral("weekly full backup")
                                             : QStringLiteral("daily incremental");
            *waitingJob = window.submitBackup(request);
            ++*stage;
            return false;
        }
        case 4:
            if (!web) {
                // 1 GiB of varied data: a backup of it runs long enough to be seen.
                const QString path = QDir(directory).filePath(QStringLiteral("web-server.img"));
                window.context().runQuick(
                    &window,
                    [path](BackupService& service) {
                        QFile file(path);
                        if (!file.open(QIODevice::WriteOnly))
                            throw Error(QStringLiteral("cannot create ") + path);
                        QByteArray chunk(4 << 20, Qt::Uninitialized);
                        quint64 state = 0x9E3779B97F4A7C15ull;
                        for (int piece = 0; piece < 256; ++piece) {
                            auto* words = reinterpret_cast<quint64*>(chunk.data());
                            for (qsizetype word = 0; word < chunk.size() / 8; ++word) {
                                state ^= state << 13;
                                state ^= state >> 7;
                                state ^= state << 17;
                                // Half random, half text: compresses a little.
                                words[word] = (word & 1) ? state : 0x2065727574736177ull;
                            }
                            file.write(chunk);
                        }
                        file.close();
                        return QVariant(service.addVolume(path, QStringLiteral("web-server")).id);
                    },
                    [](const QVariant&, const QString& error) {
                        if (!error.isEmpty())
                            std::fprintf(stderr, "demo: %s\n", qPrintable(error));
                    });
            }
            ++*stage;
            return false;
        default:
            if (!web)
                return false;
            std::fputs("demo data prepared\n", stdout);
            QApplication::quit();
            return true;
        }
    });
}

void showChain(MainWindow& window)
{
    if (const auto database = volumeNamed(window, QStringLiteral("database"))) {
        window.selectVolume(database->id);
        if (const auto newest = newestBackup(window, database->id))
            window.selectBackup(newest->id);
    }
}

// A cloud's scenes (scripts/cloud-screenshots.sh): the cloud EMBER_DEMO_CLOUD
// names, the chain of its volume EMBER_DEMO_VOLUME. "cloud-chains" selects the
// newest backup; "cloud-refusal" the full one, with the Delete button's
// tooltip saying why it is disabled.
void cloudScene(MainWindow& window, const QString& scene)
{
    const QString sourceId = QStringLiteral("cloud:") + qEnvironmentVariable("EMBER_DEMO_CLOUD");
    const QString volumeName = qEnvironmentVariable("EMBER_DEMO_VOLUME");
    if (!window.switchToSource(sourceId)) {
        std::fprintf(stderr, "no cloud %s configured\n", qPrintable(sourceId));
        return;
    }
    pollUntil(&window, [&window, scene, volumeName]() -> bool {
        Source* source = window.currentSource();
        if (!source || !source->hasSnapshot() || !source->snapshot()->complete)
            return false;
        const auto snapshot = source->snapshot();
        std::optional<Volume> volume;
        for (const Volume& candidate : snapshot->volumes)
            if (candidate.name == volumeName)
                volume = candidate;
        if (!volume)
            return false;
        std::optional<Backup> full, newest;
        for (const Backup& backup : snapshot->backupsOf(volume->id)) {
            // Admins read every link from the export records: wait for them.
            if (snapshot->isIncremental(backup) &&
                (backup.parentId.isEmpty() ||
                 (source->can(Capability::ExportRecord) &&
                  snapshot->linkOrigin(backup.id) == LinkOrigin::Inferred)))
                return false;
            if (!snapshot->isIncremental(backup) && (!full || backup.createdAt < full->createdAt))
                full = backup;
            if (!newest || backup.createdAt > newest->createdAt)
                newest = backup;
        }
        if (!full || !newest)
            return false;
        window.selectVolume(volume->id);
        const bool refusal = scene == QLatin1String("cloud-refusal");
        window.selectBackup(refusal ? full->id : newest->id);
        QTimer::singleShot(1000, &window, [&window, refusal] {
            if (refusal) {
                QAction* remove = window.actions()->deleteAction();
                auto* toolbar = window.findChild<QToolBar*>(QStringLiteral("mainToolBar"));
                if (QWidget* button = toolbar ? toolbar->widgetForAction(remove) : nullptr)
                    QToolTip::showText(
                        button->mapToGlobal(QPoint(button->width() / 2, button->height())),
                        remove->toolTip(), button, {}, 60000);
                // The details end with what is not possible now, and why.
                window.details()->verticalScrollBar()->setValue(
                    window.details()->verticalScrollBar()->maximum());
            }
            QTimer::singleShot(500, &window, &announceReady);
        });
        return true;
    });
}

// The overview scene's history: three more volumes, a second backend,
// two schedules and two weeks of nightly backups (weekly chains, the older
// chain pruned when the next full is made) with their job records; the
// newest run of file-share failed, so it is overdue. Written straight into
// the throw-away demo catalog (rows only, no backup data): the overview
// reads nothing else. Does nothing when it has run before.
void seedOverview(BackupService& service)
{
    Catalog& catalog = service.catalog();
    for (const Schedule& schedule : catalog.schedules())
        if (schedule.name == QLatin1String("nightly"))
            return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString local = catalog.defaultBackend().name;
    const QString archive = QStringLiteral("nfs-archive");
    BackendConfig archiveBackend;
    archiveBackend.name = archive;
    archiveBackend.type = QStringLiteral("posix");
    archiveBackend.options.insert(QStringLiteral("backup_posix_path"),
                                  QDir(defaultDataDirectory()).filePath(archive));
    catalog.upsertBackend(archiveBackend);

    QHash<QString, Volume> volumes;
    for (const Volume& volume : catalog.volumes())
        volumes.insert(volume.name, volume);
    const QString directory = QDir(defaultDataDirectory()).filePath(QStringLiteral("volumes"));
    for (const QString& name : {QStringLiteral("mail-store"), QStringLiteral("file-share"),
                                QStringLiteral("build-cache")}) {
        if (volumes.contains(name))
            continue;
        QFile file(QDir(directory).filePath(name + QStringLiteral(".img")));
        if (!file.open(QIODevice::WriteOnly) || !file.resize(qint64(16) << 30))
            throw Error(QStringLiteral("cannot create ") + file.fileName());
        file.close();
        volumes.insert(name, service.addVolume(file.fileName(), name));
    }

    auto addSchedule = [&](const QString& name, const QString& calendar,
                           const QStringList& volumeNames, const QString& backend) {
        Schedule schedule;
        schedule.id = newUuid();
        schedule.name = name;
        schedule.calendar = calendar;
        for (const QString& volume : volumeNames)
            schedule.volumeIds << volumes.value(volume).id;
        schedule.backendName = backend;
        schedule.fullEvery = 7;
        schedule.createdAt = now.addDays(-30);
        catalog.insertSchedule(schedule);
    };
    addSchedule(QStringLiteral("nightly"), QStringLiteral("*-*-* 02:00"),
                {QStringLiteral("database"), QStringLiteral("web-server")}, local);
    addSchedule(QStringLiteral("archive"), QStringLiteral("*-*-* 03:30"),
                {QStringLiteral("mail-store"), QStringLiteral("file-share")}, archive);

    struct History
    {
        QString volume;
        QString backend;
        QTime at;          // the schedule's time of day
        qint64 fullBytes;  // stored by a full
        qint64 dailyBytes; // stored by an incremental, about
        int days;          // nights of history
        int skipNewest;    // newest nights without a backup
    };
    constexpr qint64 MiB = 1 << 20;
    const History histories[] = {
        {QStringLiteral("database"), local, QTime(2, 0), 2100 * MiB, 180 * MiB, 14, 1},
        {QStringLiteral("web-server"), local, QTime(2, 0), 900 * MiB, 60 * MiB, 14, 0},
        {QStringLiteral("mail-store"), archive, QTime(3, 30), 5200 * MiB, 420 * MiB, 14, 0},
        {QStringLiteral("file-share"), archive, QTime(3, 30), 7400 * MiB, 650 * MiB, 14, 1},
        {QStringLiteral("build-cache"), local, QTime(1, 0), 1500 * MiB, 0, 10, 9}};
    catalog.transaction([&] {
        for (const History& history : histories) {
            const Volume volume = volumes.value(history.volume);
            QList<Backup> chain;
            // Tonight's run, if it has happened, is the newest night.
            QDate newest = now.date();
            if (QDateTime(newest, history.at, QTimeZone::systemTimeZone()) > now)
                newest = newest.addDays(-1);
            for (int night = history.days - 1; night >= 0; --night) {
                const QDate date = newest.addDays(-night);
                const QDateTime started = QDateTime(date, history.at, QTimeZone::systemTimeZone())
                                              .toUTC()
                                              .addSecs(20 + (night * 37) % 90);
                JobRecord job;
                job.kind = QStringLiteral("backup");
                job.origin = QStringLiteral("schedule");
                job.volumeId = volume.id;
                job.volumeName = volume.name;
                job.backendName = history.backend;
                job.startedAt = started;
                job.pid = 1;
                if (night < history.skipNewest) {
                    if (history.volume == QLatin1String("file-share") && night == 0) {
                        job.title = QStringLiteral("Backup of file-share (incremental)");
                        job.finishedAt = started.addSecs(41);
                        job.result = JobResult::Failed;
                        job.reason = QStringLiteral(
                            "cannot write to backend nfs-archive: No space left on device");
                        catalog.recordJob(job);
                    }
                    continue;
                }
                const bool full = chain.isEmpty() || chain.size() >= 7;
                if (full && !chain.isEmpty()) {
                    // The new full replaces the old chain (retention keeps one).
                    for (Backup old : std::as_const(chain)) {
                        old.status = BackupStatus::Deleted;
                        old.deleted = true;
                        old.deletedAt = started.addSecs(600);
                        catalog.updateBackup(old);
                    }
                    chain.clear();
                }
                Backup backup;
                backup.id = newUuid();
                backup.volumeId = volume.id;
                backup.backendName = history.backend;
                backup.container = history.backend;
                backup.status = BackupStatus::Available;
                backup.parentId = full ? QString() : chain.last().id;
                backup.displayName = date.toString(QStringLiteral("ddd d MMM"));
                backup.displayDescription = QStringLiteral("scheduled");
                backup.volumeSizeBytes = volume.sizeBytes;
                backup.size = volume.sizeGiB();
                backup.storedBytes =
                    full ? history.fullBytes : history.dailyBytes * (70 + (night * 53) % 60) / 100;
                backup.createdAt = started;
                backup.updatedAt = started.addSecs(300);
                backup.dataTimestamp = started;
                catalog.insertBackup(backup);
                chain.append(backup);
                job.title = QStringLiteral("Backup of %1 (%2)")
                                .arg(volume.name,
                                     full ? QStringLiteral("full") : QStringLiteral("incremental"));
                job.backupId = backup.id;
                job.bytesRead = full ? volume.sizeBytes : backup.storedBytes * 3;
                job.bytesStored = backup.storedBytes;
                const qint64 seconds = full ? 540 : 75;
                job.finishedAt = started.addSecs(seconds);
                job.bytesPerSecond = double(job.bytesRead) / double(seconds);
                job.result = JobResult::Succeeded;
                job.reason = QStringLiteral("backup %1 available").arg(backup.id);
                catalog.recordJob(job);
            }
        }
    });
}

// The overview of the seeded catalog.
void overviewScene(MainWindow& window)
{
    auto stage = std::make_shared<int>(0);
    pollUntil(&window, [&window, stage]() -> bool {
        if (!window.context().watcher().hasSnapshot() ||
            !volumeNamed(window, QStringLiteral("database")))
            return false;
        if (*stage == 0) {
            *stage = 1;
            window.context().runQuick(
                &window,
                [](BackupService& service) {
                    seedOverview(service);
                    return QVariant();
                },
                [stage](const QVariant&, const QString& error) {
                    if (!error.isEmpty()) {
                        std::fprintf(stderr, "demo: %s\n", qPrintable(error));
                        QApplication::exit(1);
                    }
                    *stage = 2;
                });
            return false;
        }
        if (*stage == 1)
            return false;
        DashboardPanel* panel = window.dashboardPanel();
        if (*stage == 2) {
            *stage = 3;
            window.showPage(MainWindow::OverviewPage);
            panel->refresh();
            return false;
        }
        const DashboardData& data = panel->data();
        if (!panel->hasData() || data.volumes.size() < 5 || data.storage.size() < 2 ||
            data.failures.isEmpty())
            return false;
        QTimer::singleShot(800, &window, &announceReady);
        return true;
    });
}

// The S3 backend's wizard page as a first-time user fills it in for a
// radosgw: the bucket check found no bucket yet, so the page offers to
// create it with Object Lock. The check's answer is the one probeS3 gives for
// a missing bucket, shown without a server.
void s3WizardScene(MainWindow& window)
{
    pollUntil(&window, [&window]() -> bool {
        if (!window.context().watcher().hasSnapshot())
            return false;
        BackendWizard* wizard = window.openBackends()->addBackend();
        wizard->setField(QStringLiteral("name"), QStringLiteral("object-store"));
        auto* types = wizard->findChild<QComboBox*>(QStringLiteral("backendType"));
        types->setCurrentIndex(types->findData(QStringLiteral("s3")));
        wizard->next();
        if (auto* page = qobject_cast<S3Page*>(wizard->currentPage())) {
            const auto type = [page](const char* key, const QString& text) {
                if (auto* edit = qobject_cast<QLineEdit*>(page->editor(QLatin1String(key))))
                    edit->setText(text);
            };
            type("backup_s3_endpoint_url", QStringLiteral("http://rgw.example.lan:7480"));
            type("backup_s3_store_access_key", QStringLiteral("EMBERDEMO0ACCESS0KEY"));
            type("backup_s3_store_secret_key", QStringLiteral("demo-secret-key"));
            type("backup_s3_store_bucket", QStringLiteral("ember-backups"));
            if (auto* mode = qobject_cast<QComboBox*>(
                    page->editor(QStringLiteral("ember_s3_object_lock_mode"))))
                mode->setCurrentIndex(mode->findData(QStringLiteral("GOVERNANCE")));
            if (auto* days = qobject_cast<QSpinBox*>(
                    page->editor(QStringLiteral("ember_s3_object_lock_days"))))
                days->setValue(30);
            ConnectionReport report;
            report.checks = {
                {QStringLiteral("endpoint"), true, QStringLiteral("rgw.example.lan:7480 answers")},
                {QStringLiteral("credentials"), true, QStringLiteral("the keys are accepted")},
                {QStringLiteral("bucket"), false,
                 QStringLiteral("bucket ember-backups does not exist")}};
            page->showReport(report);
            if (auto* lock = page->findChild<QCheckBox*>(QStringLiteral("createWithObjectLock")))
                lock->setChecked(true);
        }
        wizard->resize(820, 760);
        wizard->move(290, 70);
        QTimer::singleShot(800, &window, &announceReady);
        return true;
    });
}

// The keys dialog with two keys (one exported, one not yet) and the paper
// key's QR code preview. Needs a keyring or EMBER_ALLOW_FILE_SECRETS=1.
void keysScene(MainWindow& window)
{
    KeysDialog* dialog = window.actions()->openKeys();
    dialog->resize(1140, 420);
    dialog->move(130, 200);
    auto added = std::make_shared<QStringList>();
    QObject::connect(dialog, &KeysDialog::keyAdded, dialog, [dialog, added](const QString& key) {
        added->append(key);
        if (added->size() == 1)
            dialog->createKey(KeySet::Kind::X25519, QStringLiteral("offsite restores"));
        else
            dialog->printPaperKey(
                added->first(), KeyPart::Full,
                QDir(defaultDataDirectory()).filePath(QStringLiteral("paper.pdf")));
    });
    QObject::connect(dialog, &KeysDialog::paperKeyWritten, dialog, [dialog, added] {
        dialog->selectKey(added->first());
        QTimer::singleShot(500, dialog, &announceReady);
    });
    QObject::connect(dialog, &KeysDialog::failed, dialog, [](const QString& message) {
        std::fprintf(stderr, "keys scene: %s\n", qPrintable(message));
    });
    dialog->createKey(KeySet::Kind::Symmetric, QStringLiteral("prod backups 2026"));
}

// The backend wizard's encryption page with a new key not exported yet: the
// warning and the reason Next waits.
void encryptionWizardScene(MainWindow& window)
{
    pollUntil(&window, [&window]() -> bool {
        if (!window.context().watcher().hasSnapshot())
            return false;
        BackendWizard* wizard = window.openBackends()->addBackend();
        wizard->setField(QStringLiteral("name"), QStringLiteral("sealed-archive"));
        auto* types = wizard->findChild<QComboBox*>(QStringLiteral("backendType"));
        types->setCurrentIndex(types->findData(QStringLiteral("posix")));
        wizard->next();
        if (auto* path = wizard->currentPage()->findChild<QLineEdit*>(QStringLiteral("posixPath")))
            path->setText(QDir(defaultDataDirectory()).filePath(QStringLiteral("sealed-archive")));
        wizard->next();
        if (EncryptionPage* page = wizard->encryptionPage()) {
            page->setEncryptionEnabled(true);
            QObject::connect(page, &EncryptionPage::keyCreated, page,
                             [page] { QTimer::singleShot(500, page, &announceReady); });
            page->createKey(QStringLiteral("sealed archive 2026"));
        }
        wizard->resize(760, 560);
        wizard->move(320, 140);
        return true;
    });
}

// A chain of two encrypted backups on a backend "sealed": the Key column's
// lock and fingerprint. Needs a keyring or EMBER_ALLOW_FILE_SECRETS=1.
void encryptedChainScene(MainWindow& window)
{
    struct State
    {
        int stage = 0;
        QString key;
        quint64 job = 0;
    };
    auto state = std::make_shared<State>();
    pollUntil(&window, [&window, state]() -> bool {
        AppContext& context = window.context();
        if (!context.watcher().hasSnapshot() || !context.keyStore())
            return false;
        if (state->job) {
            const JobInfo* job = context.runner().job(state->job);
            if (!job || !isFinished(job->state))
                return false;
            if (job->state != JobState::Succeeded) {
                std::fprintf(stderr, "demo job failed: %s\n", qPrintable(job->outcome));
                QApplication::exit(1);
                return true;
            }
            state->job = 0;
        }
        const auto vault = volumeNamed(window, QStringLiteral("vault"));
        switch (state->stage) {
        case 0:
            window.createSampleVolume(QStringLiteral("vault"));
            runInBackground(
                &window,
                [keys = context.keyStore()] {
                    return keys
                        ->add(generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("vault 2026")),
                              true)
                        .fingerprint;
                },
                [&context, state](const AsyncOutcome<QString>& outcome) {
                    if (!outcome.ok())
                        std::fprintf(stderr, "demo: %s\n", qPrintable(outcome.error));
                    state->key = outcome.value.value_or(QString());
                    context.notifyKeysChanged();
                },
                keyStorePool());
            ++state->stage;
            return false;
        case 1: {
            if (state->key.isEmpty())
                return false;
            BackendConfig sealed;
            sealed.name = QStringLiteral("sealed");
            sealed.type = QStringLiteral("posix");
            sealed.options[QStringLiteral("backup_posix_path")] =
                QDir(defaultDataDirectory()).filePath(QStringLiteral("sealed"));
            sealed.options[QStringLiteral("backup_ember_encryption")] =
                QStringLiteral("aes-256-gcm");
            sealed.options[QStringLiteral("ember_encryption_key")] = state->key;
            context.runQuick(
                &window,
                [sealed](BackupService& service) {
                    service.catalog().upsertBackend(sealed);
                    return QVariant();
                },
                [](const QVariant&, const QString& error) {
                    if (!error.isEmpty())
                        std::fprintf(stderr, "demo: %s\n", qPrintable(error));
                });
            ++state->stage;
            return false;
        }
        case 2:
        case 3: {
            if (!vault || !context.snapshot()->backend(QStringLiteral("sealed")))
                return false;
            if (state->stage == 3)
                scribble(vault->path, 1);
            CreateBackupRequest request;
            request.volume = vault->id;
            request.backend = QStringLiteral("sealed");
            request.incremental = state->stage == 3;
            request.name = state->stage == 3 ? QStringLiteral("daily") : QStringLiteral("weekly");
            state->job = window.submitBackup(request);
            ++state->stage;
            return false;
        }
        default:
            window.selectVolume(vault->id);
            if (const auto newest = newestBackup(window, vault->id))
                window.selectBackup(newest->id);
            // The Key column sits near the end of the chain's columns.
            if (QScrollBar* scroll = window.chainPanel()->view()->horizontalScrollBar())
                scroll->setValue(scroll->maximum());
            QTimer::singleShot(800, &window, &announceReady);
            return true;
        }
    });
}

} // namespace

QStringList screenshotScenes()
{
    return {QStringLiteral("prepare"),
            QStringLiteral("main"),
            QStringLiteral("create-backup"),
            QStringLiteral("restore"),
            QStringLiteral("wizard"),
            QStringLiteral("first-start"),
            QStringLiteral("reset-state"),
            QStringLiteral("overview"),
            QStringLiteral("cloud-chains"),
            QStringLiteral("cloud-refusal"),
            QStringLiteral("s3-wizard"),
            QStringLiteral("keys"),
            QStringLiteral("encryption-wizard"),
            QStringLiteral("encrypted-chain")};
}

void startScreenshotDemo(MainWindow& window, const QString& scene)
{
    window.setGeometry(0, 0, 1400, 900);
    if (scene == QLatin1String("prepare"))
        return prepare(window);
    if (scene.startsWith(QLatin1String("cloud-")))
        return cloudScene(window, scene);
    if (scene == QLatin1String("overview"))
        return overviewScene(window);
    if (scene == QLatin1String("s3-wizard"))
        return s3WizardScene(window);
    if (scene == QLatin1String("keys"))
        return keysScene(window);
    if (scene == QLatin1String("encryption-wizard"))
        return encryptionWizardScene(window);
    if (scene == QLatin1String("encrypted-chain"))
        return encryptedChainScene(window);
    if (scene == QLatin1String("first-start")) {
        // An empty catalog: what a newcomer sees.
        pollUntil(&window, [&window]() -> bool {
            if (!window.context().watcher().hasSnapshot())
                return false;
            QTimer::singleShot(300, &window, &announceReady);
            return true;
        });
        return;
    }
    pollUntil(&window, [&window, scene, started = std::make_shared<quint64>(0)]() -> bool {
        if (!window.context().watcher().hasSnapshot() ||
            !volumeNamed(window, QStringLiteral("database")))
            return false;
        showChain(window);
        if (scene == QLatin1String("main")) {
            if (!*started) {
                const auto web = volumeNamed(window, QStringLiteral("web-server"));
                if (!web)
                    return false;
                CreateBackupRequest request;
                request.volume = web->id;
                request.name = QStringLiteral("before-upgrade");
                *started = window.submitBackup(request);
                window.selectJob(*started);
                return false;
            }
            const JobInfo* job = window.context().runner().job(*started);
            if (!job || job->progress.bytesTotal <= 0 ||
                job->progress.bytesDone < job->progress.bytesTotal / 5)
                return false;
            showChain(window);
            announceReady();
            return true;
        }
        if (scene == QLatin1String("create-backup")) {
            if (CreateBackupDialog* dialog = window.openCreateBackup()) {
                if (auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("name")))
                    name->setText(QStringLiteral("wednesday"));
                if (auto* incremental = dialog->findChild<QWidget*>(QStringLiteral("incremental")))
                    QMetaObject::invokeMethod(incremental, "setChecked", Q_ARG(bool, true));
            }
            QTimer::singleShot(500, &window, &announceReady);
            return true;
        }
        if (scene == QLatin1String("restore")) {
            if (RestoreDialog* dialog = window.openRestore())
                dialog->chooseNew(QStringLiteral("database-copy"),
                                  QDir(defaultDataDirectory())
                                      .filePath(QStringLiteral("volumes/database-copy.img")));
            QTimer::singleShot(500, &window, &announceReady);
            return true;
        }
        if (scene == QLatin1String("reset-state")) {
            // A restore into web-server failed: the volume waits for an admin.
            const auto web = volumeNamed(window, QStringLiteral("web-server"));
            if (!web)
                return false;
            if (web->status != VolumeStatus::ErrorRestoring) {
                if (!*started) {
                    *started = 1;
                    window.context().runQuick(
                        &window,
                        [id = web->id](BackupService& service) {
                            service.resetVolumeState(id, VolumeStatus::ErrorRestoring);
                            return QVariant();
                        },
                        [](const QVariant&, const QString&) {});
                }
                return false;
            }
            window.selectVolume(web->id);
            window.openResetVolumeState();
            QTimer::singleShot(500, &window, &announceReady);
            return true;
        }
        if (scene == QLatin1String("wizard")) {
            BackendsDialog* backends = window.openBackends();
            BackendWizard* wizard = backends->addBackend();
            wizard->setField(QStringLiteral("name"), QStringLiteral("nfs-archive"));
            wizard->next();
            if (auto* path =
                    wizard->currentPage()->findChild<QLineEdit*>(QStringLiteral("posixPath")))
                path->setText(QDir(defaultDataDirectory()).filePath(QStringLiteral("nfs-archive")));
            wizard->next();
            if (wizard->currentId() == BackendWizard::EncryptionPageId)
                wizard->next(); // encryption off: on to the connection test
            QTimer::singleShot(1500, &window, &announceReady);
            return true;
        }
        return true;
    });
}

} // namespace ember::ui
