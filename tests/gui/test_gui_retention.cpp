// Retention in the real main window, offscreen, over a catalog with real
// backups on a posix backend: the synthetic-full preview of a depth-3 chain,
// the synthesis as a job whose new full appears in the chain tree (restored
// and compared byte for byte), protection in the tree and the delete action,
// the policy editor's timeline against the planner as the rules change, Save
// storing the policy, and Prune now end to end with its log.
//
// `test_gui_retention --screenshot FILE` instead shows the policy editor over
// a made-up history of months (two chains, one protected backup) and saves it.
#include "appcontext.h"
#include "appsettings.h"
#include "backuptreemodel.h"
#include "catalog.h"
#include "cloudsource.h"
#include "itemroles.h"
#include "jobrunner.h"
#include "mainwindow.h"
#include "retentiondialogs.h"
#include "testsupport.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHelpEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QTimeZone>
#include <QToolTip>

using namespace ember;
using namespace ember::ui;

namespace {

constexpr qint64 MiB = 1 << 20;

QStringList listIds(QListWidget* list)
{
    QStringList ids;
    for (int row = 0; row < list->count(); ++row)
        ids.append(list->item(row)->data(IdRole).toString());
    return ids;
}

QMessageBox* openMessageBox(QWidget* parent, const QString& name)
{
    for (QMessageBox* box : parent->findChildren<QMessageBox*>())
        if (box->objectName() == name && box->isVisible())
            return box;
    return nullptr;
}

// What each backup's fate must be under `plan`, from the plan's own lists.
QHash<QString, BackupFate> expectedFates(const QList<Backup>& backups, const PrunePlan& plan)
{
    QHash<QString, BackupFate> fates;
    const QStringList removed = plan.removed();
    const QStringList synthesized = plan.synthesized();
    for (const Backup& backup : backups) {
        BackupFate fate = BackupFate::NotCounted;
        for (const RetentionDecision& decision : plan.decisions) {
            if (decision.id != backup.id)
                continue;
            if (decision.keep)
                fate = decision.reasons.contains(KeepReason::Protected) ? BackupFate::Protected
                                                                        : BackupFate::Kept;
            else if (synthesized.contains(backup.id))
                fate = BackupFate::SynthesizeFirst;
            else if (removed.contains(backup.id))
                fate = BackupFate::Removed;
            else if (plan.needed.contains(backup.id))
                fate = BackupFate::Needed;
        }
        fates.insert(backup.id, fate);
    }
    return fates;
}

// A made-up history of `count` backups: two chains over months (the first
// full on 1 June, the second on 20 August), daily at the end, one protected.
QList<Backup> madeUpHistory()
{
    QList<Backup> backups;
    const QString volume = QStringLiteral("2f1c6a3e-0000-4000-8000-00000000aaaa");
    auto add = [&](const QDateTime& at, const QString& parent, const QString& name) {
        Backup backup;
        backup.id = newUuid();
        backup.volumeId = volume;
        backup.parentId = parent;
        backup.displayName = name;
        backup.status = BackupStatus::Available;
        backup.createdAt = at;
        backup.dataTimestamp = at;
        backup.backendName = QStringLiteral("local");
        backups.append(backup);
        return backup.id;
    };
    const QTimeZone utc = QTimeZone::utc();
    QDateTime at(QDate(2026, 6, 1), QTime(2, 0), utc);
    QString parent = add(at, {}, QStringLiteral("June full"));
    for (int i = 1; i <= 14; ++i) {
        at = at.addDays(5);
        parent = add(at, parent, QStringLiteral("inc A%1").arg(i));
        if (i == 6)
            backups.last().isProtected = true; // the state before an upgrade
    }
    at = QDateTime(QDate(2026, 8, 20), QTime(2, 0), utc);
    parent = add(at, {}, QStringLiteral("August full"));
    for (int i = 1; i <= 15; ++i) {
        at = at.addDays(i < 10 ? 4 : 1);
        parent = add(at, parent, QStringLiteral("inc B%1").arg(i));
    }
    return backups;
}

} // namespace

class TestGuiRetention : public QObject
{
    Q_OBJECT

public:
    explicit TestGuiRetention(const QString& home) : m_home(home) {}

private Q_SLOTS:
    void initTestCase()
    {
        m_fixture = std::make_unique<test::ServiceFixture>(QStringLiteral("gui-retention-data"));
        m_context = std::make_unique<AppContext>(catalogPath());
        m_window = std::make_unique<MainWindow>(*m_context);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(m_context->watcher().hasSnapshot(), 20000);
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_context.reset();
        m_fixture.reset();
    }

    void previewListsTheChainOfADepth3Chain()
    {
        const Chain chain = makeChain(QStringLiteral("preview"));
        selectBackup(chain.volumeId, chain.ids[2]);
        auto* dialog = m_window->actions()->openSynthesize();
        QVERIFY(dialog);
        QVERIFY(!dialog->okButton()->isEnabled()); // until the preview is in
        QTRY_VERIFY_WITH_TIMEOUT(dialog->hasPreview(), 10000);
        QCOMPARE(listIds(dialog->chainList()), chain.ids.mid(0, 3));
        QCOMPARE(listIds(dialog->movingList()), QStringList{chain.ids[3]});
        // Newest first: the source, then its parent, then the full.
        QCOMPARE(listIds(dialog->deletableList()),
                 (QStringList{chain.ids[2], chain.ids[1], chain.ids[0]}));
        QVERIFY(dialog->okButton()->isEnabled());
        // Not moving the incrementals frees nothing.
        dialog->findChild<QCheckBox*>(QStringLiteral("moveChildren"))->setChecked(false);
        QCOMPARE(dialog->movingList()->count(), 0);
        QCOMPARE(dialog->deletableList()->count(), 0);
        dialog->reject();

        // A full backup: the refusal, and no OK.
        selectBackup(chain.volumeId, chain.ids[0]);
        dialog = m_window->actions()->openSynthesize();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->hasPreview(), 10000);
        auto* problem = dialog->findChild<QLabel*>(QStringLiteral("problem"));
        QVERIFY(problem->text().contains(QStringLiteral("already a full backup")));
        QVERIFY(!dialog->okButton()->isEnabled());
        dialog->reject();
    }

    void synthesizeRunsAsAJobAndTheNewFullAppears()
    {
        const Chain chain = makeChain(QStringLiteral("synth"));
        selectBackup(chain.volumeId, chain.ids[2]);
        auto* dialog = m_window->actions()->openSynthesize();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->hasPreview(), 10000);
        dialog->findChild<QLineEdit*>(QStringLiteral("name"))
            ->setText(QStringLiteral("synth-full"));
        const int jobsBefore = static_cast<int>(m_context->runner().jobs().size());
        dialog->okButton()->click();
        QTRY_COMPARE(static_cast<int>(m_context->runner().jobs().size()), jobsBefore + 1);
        const JobInfo job = m_context->runner().jobs().last();
        QCOMPARE(job.kind, QStringLiteral("synthesize"));
        waitForJob(job.id);

        // The new full is in the tree, the last incremental below it.
        BackupTreeModel& model = m_window->backupModel();
        QString fullId;
        QTRY_VERIFY_WITH_TIMEOUT(!(fullId = findByName(QStringLiteral("synth-full"))).isEmpty(),
                                 10000);
        const auto full = model.backup(model.indexOf(fullId));
        QVERIFY(full);
        QVERIFY(!full->isIncremental());
        QCOMPARE(full->synthesizedFrom, chain.ids[2]);
        QTRY_COMPARE_WITH_TIMEOUT(model.backup(model.indexOf(chain.ids[3]))->parentId, fullId,
                                  10000);
        QCOMPARE(model.indexOf(chain.ids[3]).parent(), model.indexOf(fullId));

        // Both restore to the volume as it was.
        const QString restored =
            m_fixture->restoreToNewFile(fullId, QStringLiteral("synth-r2.img"));
        QCOMPARE(test::compareFiles(restored, chain.states[2]), QString());
        const QString last =
            m_fixture->restoreToNewFile(chain.ids[3], QStringLiteral("synth-r3.img"));
        QCOMPARE(test::compareFiles(last, chain.states[3]), QString());
    }

    void protectShowsInTheTreeAndBlocksDelete()
    {
        const Chain chain = makeChain(QStringLiteral("protect"));
        selectBackup(chain.volumeId, chain.ids[3]);
        QAction* protect = m_window->actions()->protectAction();
        QTRY_VERIFY(protect->isEnabled());
        QAction* remove = m_window->actions()->deleteAction();
        QTRY_VERIFY2(remove->isEnabled(), qPrintable(remove->toolTip()));
        protect->trigger();
        BackupTreeModel& model = m_window->backupModel();
        QTRY_VERIFY_WITH_TIMEOUT(model.backup(model.indexOf(chain.ids[3]))->isProtected, 10000);
        QVERIFY(!model.indexOf(chain.ids[3], BackupTreeModel::Name)
                     .data(Qt::DecorationRole)
                     .value<QIcon>()
                     .isNull());
        QTRY_VERIFY(m_window->actions()->unprotectAction()->isEnabled());
        QVERIFY(!protect->isEnabled());
        QVERIFY(!m_window->actions()->deleteAction()->isEnabled());
        QVERIFY(
            m_window->actions()->deleteAction()->toolTip().contains(QStringLiteral("protected")));

        m_window->actions()->unprotectAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!model.backup(model.indexOf(chain.ids[3]))->isProtected, 10000);
        QVERIFY(model.indexOf(chain.ids[3], BackupTreeModel::Name)
                    .data(Qt::DecorationRole)
                    .value<QIcon>()
                    .isNull());
        QTRY_VERIFY(m_window->actions()->deleteAction()->isEnabled());
    }

    void timelineFatesFollowThePlanAsTheRulesChange()
    {
        const QList<Backup> history = madeUpHistory();
        Volume volume;
        volume.id = history.first().volumeId;
        volume.name = QStringLiteral("history");
        RetentionPolicyDialog dialog(volume, history, QStringLiteral("local"), false);
        Source::RetentionPolicies policies;
        policies.backendName = QStringLiteral("local");
        dialog.setPolicies(policies);
        // No policy anywhere: the backend default keeps everything.
        QVERIFY(dialog.useBackendDefault()->isChecked());
        QVERIFY(!dialog.keepDaily()->isEnabled());
        for (BackupFate fate : dialog.timeline()->fates())
            QVERIFY(fate == BackupFate::Kept || fate == BackupFate::Protected);

        dialog.useBackendDefault()->setChecked(false);
        QVERIFY(dialog.keepDaily()->isEnabled());
        dialog.keepDaily()->setValue(3);
        dialog.keepMonthly()->setValue(3);
        RetentionPolicy policy;
        policy.keepDaily = 3;
        policy.keepMonthly = 3;
        QCOMPARE(dialog.policy(), std::optional<RetentionPolicy>(policy));
        PrunePlan plan = ember::planPrune(policy, retentionItems(history), false);
        QCOMPARE(dialog.timeline()->fates(), expectedFates(history, plan));
        // This history has every fate but "not counted" under that policy.
        const QList<BackupFate> fates = dialog.timeline()->fates().values();
        for (BackupFate fate : {BackupFate::Kept, BackupFate::Protected,
                                BackupFate::SynthesizeFirst, BackupFate::Removed})
            QVERIFY2(fates.contains(fate), qPrintable(fateText(fate)));
        const QString newest = history.last().id;
        QCOMPARE(dialog.timeline()->fates().value(newest), BackupFate::Kept);
        QVERIFY(dialog.timeline()->explanation(newest).contains(QStringLiteral("daily")));
        // Hovering a marker shows why.
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QPoint at = dialog.timeline()->markerCenter(newest).toPoint();
        QHelpEvent hover(QEvent::ToolTip, at, dialog.timeline()->mapToGlobal(at));
        QApplication::sendEvent(dialog.timeline(), &hover);
        QTRY_COMPARE(QToolTip::text(), dialog.timeline()->explanation(newest));
        QToolTip::hideText();
        QVERIFY(dialog.pruneButton()->isEnabled());

        // One more spin: the fates follow at once.
        dialog.keepLast()->setValue(20);
        policy.keepLast = 20;
        plan = ember::planPrune(policy, retentionItems(history), false);
        QCOMPARE(dialog.timeline()->fates(), expectedFates(history, plan));
        // A span keeping everything: nothing goes, nothing to prune.
        dialog.keepWithin()->setText(QStringLiteral("1y"));
        for (BackupFate fate : dialog.timeline()->fates())
            QVERIFY(fate == BackupFate::Kept || fate == BackupFate::Protected);
        QVERIFY(!dialog.pruneButton()->isEnabled());
        // A malformed span: said, and nothing can be saved.
        dialog.keepWithin()->setText(QStringLiteral("3 weeks"));
        QVERIFY(!dialog.problem().isEmpty());
        QVERIFY(!dialog.saveButton()->isEnabled());
    }

    void saveStoresThePolicyInTheCatalog()
    {
        const Chain chain = makeChain(QStringLiteral("policy"));
        QVERIFY(selectVolume(chain.volumeId));
        auto* dialog = m_window->actions()->openRetentionPolicy();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isLoaded(), 10000);
        dialog->useBackendDefault()->setChecked(false);
        dialog->keepDaily()->setValue(7);
        dialog->keepWeekly()->setValue(4);
        dialog->keepWithin()->setText(QStringLiteral("2d12h"));
        const int jobsBefore = static_cast<int>(m_context->runner().jobs().size());
        dialog->saveButton()->click();
        QTRY_COMPARE(static_cast<int>(m_context->runner().jobs().size()), jobsBefore + 1);
        waitForJob(m_context->runner().jobs().last().id);

        RetentionPolicy expected;
        expected.keepDaily = 7;
        expected.keepWeekly = 4;
        expected.keepWithin = RetentionSpan::parse(QStringLiteral("2d12h"));
        Catalog catalog(catalogPath());
        QCOMPARE(catalog.retentionPolicy(Catalog::volumePolicyScope(chain.volumeId)),
                 std::optional<RetentionPolicy>(expected));

        // Opened again, the dialog shows it.
        dialog = m_window->actions()->openRetentionPolicy();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isLoaded(), 10000);
        QVERIFY(!dialog->useBackendDefault()->isChecked());
        QCOMPARE(dialog->keepDaily()->value(), 7);
        QCOMPARE(dialog->keepWithin()->text(), QStringLiteral("2d12h"));
        dialog->reject();
    }

    void pruneNowCarriesOutThePlanAndLogsIt()
    {
        const Chain chain = makeChain(QStringLiteral("prune"));
        QVERIFY(selectVolume(chain.volumeId));
        auto* dialog = m_window->actions()->openRetentionPolicy();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isLoaded(), 10000);
        dialog->useBackendDefault()->setChecked(false);
        dialog->keepLast()->setValue(1);
        // The newest stays; its parent is replaced by a synthetic full; the rest goes.
        const QHash<QString, BackupFate> fates = dialog->timeline()->fates();
        QCOMPARE(fates.value(chain.ids[3]), BackupFate::Kept);
        QCOMPARE(fates.value(chain.ids[2]), BackupFate::SynthesizeFirst);
        QCOMPARE(fates.value(chain.ids[1]), BackupFate::Removed);
        QCOMPARE(fates.value(chain.ids[0]), BackupFate::Removed);
        // The plan drawn from the window's backups is the service's plan.
        std::optional<PrunePlan> servicePlan;
        RetentionPolicy keepLast1;
        keepLast1.keepLast = 1;
        m_window->actions()->retentionSource()->fetchPrunePlan(
            chain.volumeId, keepLast1, this, [&](const PrunePlan& plan, const QString& error) {
                QVERIFY2(error.isEmpty(), qPrintable(error));
                servicePlan = plan;
            });
        QTRY_VERIFY_WITH_TIMEOUT(servicePlan.has_value(), 10000);
        QCOMPARE(dialog->plan().removed(), servicePlan->removed());
        QCOMPARE(dialog->plan().synthesized(), servicePlan->synthesized());
        QCOMPARE(dialog->plan().removed(), (QStringList{chain.ids[2], chain.ids[1], chain.ids[0]}));

        dialog->pruneButton()->click();
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = openMessageBox(dialog, QStringLiteral("confirmPruneBox"))));
        QVERIFY(box->informativeText().contains(QStringLiteral("remove")));
        QVERIFY(box->text().contains(QStringLiteral("saved first")));
        QAbstractButton* prune = nullptr;
        for (QAbstractButton* button : box->buttons())
            if (button->text() == QStringLiteral("Prune"))
                prune = button;
        QVERIFY(prune);
        const int jobsBefore = static_cast<int>(m_context->runner().jobs().size());
        prune->click();
        // The policy, then the prune.
        QTRY_COMPARE(static_cast<int>(m_context->runner().jobs().size()), jobsBefore + 2);
        QCOMPARE(m_context->runner().jobs().last().kind, QStringLiteral("prune"));
        waitForJob(m_context->runner().jobs().at(jobsBefore).id);
        waitForJob(m_context->runner().jobs().last().id, 120000);

        // Left: the newest backup on a synthetic full of its old parent.
        Catalog catalog(catalogPath());
        BackupFilter filter;
        filter.volumeId = chain.volumeId;
        const QList<Backup> left = catalog.backups(filter);
        QCOMPARE(left.size(), 2);
        const Backup kept = catalog.backup(chain.ids[3]).value();
        const Backup full = catalog.backup(kept.parentId).value();
        QCOMPARE(full.synthesizedFrom, chain.ids[2]);
        const QString restored =
            m_fixture->restoreToNewFile(kept.id, QStringLiteral("prune-r3.img"));
        QCOMPARE(test::compareFiles(restored, chain.states[3]), QString());

        // The prune log lists each step with the policy.
        auto* log = m_window->actions()->openPruneLog();
        QVERIFY(log);
        QTRY_VERIFY_WITH_TIMEOUT(log->table()->rowCount() >= 4, 10000);
        int removed = 0;
        for (int row = 0; row < log->table()->rowCount(); ++row) {
            if (log->table()->item(row, 3)->text() == QLatin1String("removed")) {
                ++removed;
                QCOMPARE(log->table()->item(row, 5)->text(), QStringLiteral("keep-last=1"));
            }
        }
        QCOMPARE(removed, 3);
        log->reject();
    }

    void aCloudRefusesRetentionWithTheReason()
    {
        cloud::CloudProfile profile;
        profile.name = QStringLiteral("offline");
        profile.origin = QStringLiteral("test");
        profile.auth.authUrl = QStringLiteral("http://127.0.0.1:9/v3");
        CloudSource cloud(profile); // never started: nothing is asked of the network
        const QString reason = cloud.checkRetention();
        QVERIFY(reason.contains(QStringLiteral("no synthetic full backups")));
        QCOMPARE(cloud.synthesize(QStringLiteral("b"), QString(), true).refusal, reason);
        QCOMPARE(cloud.setProtected(QStringLiteral("b"), true).refusal, reason);
        QCOMPARE(
            cloud.setPolicy(Catalog::volumePolicyScope(QStringLiteral("v")), std::nullopt).refusal,
            reason);
        QCOMPARE(cloud.prune(QStringLiteral("v"), PrunePlan()).refusal, reason);
        QString delivered;
        cloud.fetchSynthesisPreview(QStringLiteral("b"), this,
                                    [&](const BackupService::SynthesisPreview&,
                                        const QString& error) { delivered = error; });
        QTRY_COMPARE(delivered, reason);
        // This computer's source offers them.
        QVERIFY(m_window->actions()->retentionSource()->checkRetention().isEmpty());
    }

    void cephExplainsWhyAnyBackupCanBeDeleted()
    {
        // Rows only (nothing is read or deleted): a Ceph backend's chain.
        BackendConfig ceph;
        ceph.name = QStringLiteral("rbd-backups");
        ceph.type = QStringLiteral("ceph");
        m_fixture->catalog->upsertBackend(ceph);
        Volume volume;
        volume.id = newUuid();
        volume.name = QStringLiteral("on-ceph");
        volume.path = m_fixture->dir + QStringLiteral("/on-ceph.img");
        volume.sizeBytes = 4 * MiB;
        volume.createdAt = volume.updatedAt = QDateTime::currentDateTimeUtc();
        m_fixture->catalog->insertVolume(volume);
        QStringList ids;
        for (int level = 0; level < 3; ++level) {
            Backup backup;
            backup.id = newUuid();
            backup.volumeId = volume.id;
            backup.parentId = ids.isEmpty() ? QString() : ids.last();
            backup.status = BackupStatus::Available;
            backup.backendName = ceph.name;
            backup.size = 1;
            backup.createdAt = backup.updatedAt = backup.dataTimestamp =
                QDateTime::currentDateTimeUtc().addSecs(level - 10);
            m_fixture->catalog->insertBackup(backup);
            ids.append(backup.id);
        }
        QTRY_VERIFY_WITH_TIMEOUT(m_context->snapshot()->backup(ids.last()).has_value(), 10000);
        // The middle one, with a later backup on it: allowed, and said why.
        selectBackup(volume.id, ids[1]);
        QAction* remove = m_window->actions()->deleteAction();
        QTRY_VERIFY2(remove->isEnabled(), qPrintable(remove->toolTip()));
        QCOMPARE(remove->toolTip(), anyOrderDeleteNote());
        // The synthesize dialog says it too.
        auto* dialog = m_window->actions()->openSynthesize();
        QVERIFY(dialog);
        auto* note = dialog->findChild<QLabel*>(QStringLiteral("anyOrderNote"));
        QVERIFY(note);
        QCOMPARE(note->text(), anyOrderDeleteNote());
        dialog->reject();
    }

private:
    struct Chain
    {
        QString volumeId;
        QStringList ids;    // full, then three incrementals
        QStringList states; // the volume's file as each backup saw it
    };

    QString catalogPath() const { return m_fixture->dir + QStringLiteral("/catalog.sqlite"); }

    // A volume of its own with a full and three incrementals (level 3).
    Chain makeChain(const QString& name)
    {
        Chain chain;
        const QString path = m_fixture->dir + QLatin1Char('/') + name + QStringLiteral(".img");
        test::makeVolumeFile(path, 4 * MiB, test::Fill::Mixed, qHash(name));
        chain.volumeId = m_fixture->service->addVolume(path, name).id;
        for (int level = 0; level <= 3; ++level) {
            if (level > 0)
                test::mutateFile(path, 3, 64 * 1024, qHash(name) + level);
            const QString state = path + QStringLiteral(".state%1").arg(level);
            QFile::remove(state);
            if (!QFile::copy(path, state))
                qFatal("cannot copy %s", qPrintable(path));
            chain.states.append(state);
            chain.ids.append(m_fixture->backUp(chain.volumeId, level > 0).id);
        }
        // The window's snapshot holds the whole chain (not one read halfway).
        if (!QTest::qWaitFor(
                [&] {
                    const auto last = m_context->snapshot()->backup(chain.ids[3]);
                    return last && last->status == BackupStatus::Available;
                },
                10000))
            qFatal("the chain never reached the window's snapshot");
        return chain;
    }

    bool selectVolume(const QString& volumeId)
    {
        return QTest::qWaitFor([&] { return m_window->selectVolume(volumeId); }, 10000);
    }

    void selectBackup(const QString& volumeId, const QString& backupId)
    {
        QVERIFY(selectVolume(volumeId));
        QVERIFY(QTest::qWaitFor([&] { return m_window->selectBackup(backupId); }, 10000));
        QTRY_COMPARE(m_window->currentBackup().value_or(Backup()).id, backupId);
    }

    void waitForJob(quint64 id, int timeoutMs = 60000)
    {
        QVERIFY(QTest::qWaitFor(
            [&] {
                const JobInfo* job = m_context->runner().job(id);
                return job && isFinished(job->state);
            },
            timeoutMs));
        const JobInfo* job = m_context->runner().job(id);
        QVERIFY2(job->state == JobState::Succeeded, qPrintable(job->outcome));
    }

    QString findByName(const QString& name) const
    {
        for (const Backup& backup : m_context->snapshot()->backups)
            if (backup.displayName == name && m_window->backupModel().indexOf(backup.id).isValid())
                return backup.id;
        return {};
    }

    QString m_home;
    std::unique_ptr<test::ServiceFixture> m_fixture;
    std::unique_ptr<AppContext> m_context;
    std::unique_ptr<MainWindow> m_window;
};

// The policy editor over the made-up history, grabbed to `path`.
static int takeScreenshot(const QString& path)
{
    const QList<Backup> history = madeUpHistory();
    Volume volume;
    volume.id = history.first().volumeId;
    volume.name = QStringLiteral("db-server");
    RetentionPolicyDialog dialog(volume, history, QStringLiteral("local"), false);
    Source::RetentionPolicies policies;
    policies.backendName = QStringLiteral("local");
    RetentionPolicy policy;
    policy.keepDaily = 7;
    policy.keepWeekly = 4;
    policy.keepMonthly = 3;
    policies.volumePolicy = policy;
    dialog.setPolicies(policies);
    dialog.resize(1180, 640);
    dialog.show();
    if (!QTest::qWaitForWindowExposed(&dialog))
        return 1;
    QTest::qWait(300);
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (!dialog.grab().save(path))
        return 1;
    return 0;
}

int main(int argc, char* argv[])
{
    const QString home = test::freshDir(QStringLiteral("gui-retention"));
    qputenv("EMBER_HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/data")).toUtf8());
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EmberTest"));
    QApplication::setApplicationName(QStringLiteral("EmberGuiTest"));
    installTranslators(QStringLiteral("en"));
    const QStringList arguments = QApplication::arguments();
    if (const qsizetype at = arguments.indexOf(QStringLiteral("--screenshot"));
        at >= 0 && at + 1 < arguments.size())
        return takeScreenshot(arguments.at(at + 1));
    TestGuiRetention test(home);
    return QTest::qExec(&test, argc, argv);
}

#include "test_gui_retention.moc"
