// Schedules in the GUI, offscreen, over a catalog with a posix backend and
// one volume: the editor's preview of the next five runs (against
// CalendarSpec, fixed known times and `systemd-analyze calendar`), an
// invalid expression greying out OK with its message, saving and editing
// every field into the catalog (and the catalog's refusal of a duplicate
// name shown in the dialog), the panel's rows with their next run, Enable/
// Disable, Run now as a real backup restored byte for byte, and Remove.
#include "appcontext.h"
#include "calendar.h"
#include "catalog.h"
#include "itemroles.h"
#include "jobrunner.h"
#include "scheduledialog.h"
#include "schedulemodel.h"
#include "schedulepanel.h"
#include "testsupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QTimeZone>

using namespace ember;
using namespace ember::ui;

namespace {

constexpr qint64 MiB = 1 << 20;

QDateTime utc(int year, int month, int day, int hour, int minute, int second = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second), QTimeZone::utc());
}

QPushButton* okButton(QDialog* dialog)
{
    return dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

QLabel* problemOf(QWidget* widget)
{
    return widget->findChild<QLabel*>(QStringLiteral("problem"));
}

// The times `systemd-analyze calendar --iterations=N` prints (in UTC: the
// test runs with TZ=UTC), or the failure's text in `error`.
QList<QDateTime> systemdTimes(const QString& expression, int count, QString* error)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
    process.setProcessEnvironment(environment);
    process.start(
        QStringLiteral("systemd-analyze"),
        {QStringLiteral("calendar"), QStringLiteral("--iterations=%1").arg(count), expression});
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        *error = QStringLiteral("systemd-analyze failed: %1 %2")
                     .arg(process.errorString(), QString::fromUtf8(process.readAllStandardError()));
        return {};
    }
    // "    Next elapse: Tue 2026-12-08 02:00:00 UTC" then "       Iter. #2: ...".
    static const QRegularExpression line(QStringLiteral(
        R"(^\s*(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC$)"));
    QList<QDateTime> times;
    for (const QString& text : QString::fromUtf8(process.readAllStandardOutput()).split('\n')) {
        const auto match = line.match(text);
        if (match.hasMatch()) {
            QDateTime at =
                QDateTime::fromString(match.captured(1), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            at.setTimeZone(QTimeZone::utc());
            times.append(at);
        }
    }
    return times;
}

} // namespace

class TestSchedules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_fixture = std::make_unique<test::ServiceFixture>(QStringLiteral("gui-schedules-data"));
        m_volume = m_fixture->addVolumeFile(6 * MiB, test::Fill::Mixed, 14);
        m_context = std::make_unique<AppContext>(catalogPath());
        QTRY_VERIFY_WITH_TIMEOUT(m_context->snapshot()->volume(m_volume.id).has_value(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(m_context->backendModel().rowCount() > 0, 20000);
    }

    void cleanupTestCase()
    {
        QVERIFY(m_context->runner().waitForWorkers(60000));
        m_context.reset();
        m_fixture.reset();
    }

    // The preview shows the five times CalendarSpec computes, in local time
    // with the weekday, recomputed as the expression is typed.
    void previewShowsTheNextFiveRuns()
    {
        ScheduleDialog dialog(*m_context, std::nullopt);
        const QDateTime now = utc(2026, 12, 7, 5, 59, 31); // a Monday
        dialog.setPreviewNow(now);
        auto* calendar = dialog.findChild<QLineEdit*>(QStringLiteral("calendar"));
        auto* preview = dialog.findChild<QLabel*>(QStringLiteral("preview"));
        QVERIFY(calendar && preview);

        // Typed key by key: every prefix is previewed on the way.
        calendar->clear();
        QTest::keyClicks(calendar, QStringLiteral("Mon..Fri 02:00"));
        const QList<QDateTime> expected = {utc(2026, 12, 8, 2, 0), utc(2026, 12, 9, 2, 0),
                                           utc(2026, 12, 10, 2, 0), utc(2026, 12, 11, 2, 0),
                                           utc(2026, 12, 14, 2, 0)};
        QCOMPARE(dialog.previewTimes(), expected);
        QCOMPARE(preview->text(),
                 QStringLiteral("Tue 2026-12-08 02:00:00\nWed 2026-12-09 02:00:00\n"
                                "Thu 2026-12-10 02:00:00\nFri 2026-12-11 02:00:00\n"
                                "Mon 2026-12-14 02:00:00"));

        const QStringList expressions = {
            QStringLiteral("daily"),         QStringLiteral("hourly"),
            QStringLiteral("weekly"),        QStringLiteral("*-*-* 00/6:00"),
            QStringLiteral("*-*-01 03:30"),  QStringLiteral("Sat,Sun 10:15"),
            QStringLiteral("*-02~03 12:00"), QStringLiteral("monthly"),
        };
        for (const QString& expression : expressions) {
            calendar->setText(expression);
            const QList<QDateTime> times = CalendarSpec::parse(expression).next(now, 5);
            QCOMPARE(times.size(), 5);
            QCOMPARE(dialog.previewTimes(), times);
            QStringList lines;
            for (const QDateTime& time : times)
                lines.append(ScheduleDialog::previewLine(time));
            QCOMPARE(preview->text(), lines.join('\n'));
            QVERIFY2(dialog.previewError().isEmpty(), qPrintable(dialog.previewError()));
        }
        // Fixed times for two more, so the comparison does not rest on CalendarSpec alone.
        calendar->setText(QStringLiteral("*-*-* 00/6:00"));
        QCOMPARE(dialog.previewTimes(),
                 (QList<QDateTime>{utc(2026, 12, 7, 6, 0), utc(2026, 12, 7, 12, 0),
                                   utc(2026, 12, 7, 18, 0), utc(2026, 12, 8, 0, 0),
                                   utc(2026, 12, 8, 6, 0)}));
        calendar->setText(QStringLiteral("weekly"));
        QCOMPARE(dialog.previewTimes(),
                 (QList<QDateTime>{utc(2026, 12, 14, 0, 0), utc(2026, 12, 21, 0, 0),
                                   utc(2026, 12, 28, 0, 0), utc(2027, 1, 4, 0, 0),
                                   utc(2027, 1, 11, 0, 0)}));

        // The presets fill the expression.
        auto* presets = dialog.findChild<QComboBox*>(QStringLiteral("presets"));
        QVERIFY(presets);
        const int weekdays = presets->findData(QStringLiteral("Mon..Fri 02:00"));
        QVERIFY(weekdays > 0);
        calendar->clear();
        Q_EMIT presets->activated(weekdays);
        QCOMPARE(calendar->text(), QStringLiteral("Mon..Fri 02:00"));
        QCOMPARE(dialog.previewTimes(), expected);
    }

    // The same five times as `systemd-analyze calendar --iterations=5` now.
    void previewMatchesSystemdAnalyze()
    {
        const QString expression = QStringLiteral("Mon..Fri 02:00");
        ScheduleDialog dialog(*m_context, std::nullopt);
        dialog.setCalendar(expression); // from the current time, as systemd-analyze counts
        QString error;
        const QList<QDateTime> systemd = systemdTimes(expression, 5, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(systemd.size(), 5);
        QCOMPARE(dialog.previewTimes(), systemd);
    }

    // An expression that does not parse: the error in red in place of the
    // preview, and OK greyed out with the message until it is fixed.
    void invalidExpressionDisablesOk()
    {
        ScheduleDialog dialog(*m_context, std::nullopt, {m_volume.id});
        dialog.setName(QStringLiteral("invalid-test"));
        QVERIFY(okButton(&dialog)->isEnabled());

        const QString bad = QStringLiteral("Mon..Fry 02:00");
        QString parseError;
        QVERIFY(!CalendarSpec::isValid(bad, &parseError));
        QVERIFY(!parseError.isEmpty());
        dialog.setCalendar(bad);
        QVERIFY(!okButton(&dialog)->isEnabled());
        QVERIFY(dialog.previewTimes().isEmpty());
        auto* preview = dialog.findChild<QLabel*>(QStringLiteral("preview"));
        QCOMPARE(preview->text(), parseError);
        QVERIFY(preview->styleSheet().contains(QStringLiteral("#c62828")));
        QLabel* problem = problemOf(&dialog);
        QVERIFY(!problem->isHidden());
        QVERIFY2(problem->text().contains(parseError), qPrintable(problem->text()));

        dialog.setCalendar(QStringLiteral("Mon..Fri 02:00"));
        QVERIFY(okButton(&dialog)->isEnabled());
        QVERIFY(problem->isHidden());
        QVERIFY(preview->styleSheet().isEmpty());

        // A date in the past never elapses again: refused as well.
        dialog.setCalendar(QStringLiteral("2001-01-01 00:00"));
        QVERIFY(!okButton(&dialog)->isEnabled());
        // No volume checked, no name: refused with the reason.
        dialog.setCalendar(QStringLiteral("daily"));
        dialog.setVolumesChecked({});
        QVERIFY(!okButton(&dialog)->isEnabled());
        QVERIFY(problem->text().contains(QStringLiteral("volume")));
        dialog.setVolumesChecked({m_volume.id});
        dialog.setName(QString());
        QVERIFY(!okButton(&dialog)->isEnabled());
        QVERIFY(problem->text().contains(QStringLiteral("name")));
    }

    // OK stores every field; a second schedule of the same name is refused
    // by the catalog and the refusal shows in the dialog, which stays open.
    void saveCreatesTheRow()
    {
        ScheduleDialog dialog(*m_context, std::nullopt);
        QSignalSpy saved(&dialog, &ScheduleDialog::saved);
        dialog.show();
        fillEveryField(&dialog, QStringLiteral("nightly-full-fields"));
        QVERIFY(okButton(&dialog)->isEnabled());
        okButton(&dialog)->click();
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20000);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));

        Catalog catalog(catalogPath());
        const auto stored = catalog.schedule(saved.at(0).at(0).toString());
        QVERIFY(stored);
        QCOMPARE(stored->name, QStringLiteral("nightly-full-fields"));
        QCOMPARE(stored->volumeIds, QStringList{m_volume.id});
        QCOMPARE(stored->calendar, QStringLiteral("Mon..Fri 02:00"));
        QCOMPARE(stored->backendName, QStringLiteral("local"));
        QCOMPARE(stored->mode, Schedule::Mode::Incremental);
        QCOMPARE(stored->fullEvery, 7);
        QCOMPARE(stored->fullEveryDays, 30);
        QCOMPARE(stored->applyRetention, false);
        QCOMPARE(stored->enabled, false);
        QVERIFY(stored->createdAt.isValid());

        ScheduleDialog duplicate(*m_context, std::nullopt);
        QSignalSpy duplicateSaved(&duplicate, &ScheduleDialog::saved);
        duplicate.show();
        fillEveryField(&duplicate, QStringLiteral("nightly-full-fields"));
        okButton(&duplicate)->click();
        QLabel* problem = problemOf(&duplicate);
        QTRY_VERIFY_WITH_TIMEOUT(
            !problem->isHidden() && !problem->text().contains(QStringLiteral("Saving")), 20000);
        QVERIFY2(problem->text().contains(QStringLiteral("nightly-full-fields")),
                 qPrintable(problem->text()));
        QCOMPARE(duplicateSaved.count(), 0);
        QVERIFY(duplicate.isVisible());
        QVERIFY(okButton(&duplicate)->isEnabled()); // another name can be tried
        int named = 0;
        for (const Schedule& schedule : catalog.schedules())
            named += schedule.name == QStringLiteral("nightly-full-fields");
        QCOMPARE(named, 1);
    }

    // The panel's Edit… opens the editor filled from the row; Save changes
    // every edited column and keeps the creation time.
    void editChangesTheRow()
    {
        const Schedule original =
            insertSchedule(QStringLiteral("edit-me"), QStringLiteral("daily"));
        SchedulePanel panel(*m_context);
        QTRY_VERIFY_WITH_TIMEOUT(panel.model().rowOf(original.id) >= 0, 20000);
        QVERIFY(panel.selectSchedule(original.id));
        panel.findChild<QPushButton*>(QStringLiteral("editSchedule"))->click();
        ScheduleDialog* dialog = panel.editor();
        QVERIFY(dialog);
        QVERIFY(!dialog->isNew());
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("name"))->text(),
                 QStringLiteral("edit-me"));
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("calendar"))->text(),
                 QStringLiteral("daily"));
        QCOMPARE(dialog->schedule().volumeIds, QStringList{m_volume.id});

        QSignalSpy saved(dialog, &ScheduleDialog::saved);
        dialog->setName(QStringLiteral("edited"));
        dialog->setCalendar(QStringLiteral("*-*-* 00/6:00"));
        auto* mode = dialog->findChild<QComboBox*>(QStringLiteral("mode"));
        mode->setCurrentIndex(mode->findData(static_cast<int>(Schedule::Mode::Full)));
        QVERIFY(!dialog->findChild<QSpinBox*>(QStringLiteral("fullEvery"))->isEnabled());
        dialog->findChild<QCheckBox*>(QStringLiteral("applyRetention"))->setChecked(false);
        dialog->findChild<QCheckBox*>(QStringLiteral("enabled"))->setChecked(false);
        okButton(dialog)->click();
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20000);

        Catalog catalog(catalogPath());
        const auto stored = catalog.schedule(original.id);
        QVERIFY(stored);
        QCOMPARE(stored->name, QStringLiteral("edited"));
        QCOMPARE(stored->calendar, QStringLiteral("*-*-* 00/6:00"));
        QCOMPARE(stored->mode, Schedule::Mode::Full);
        QCOMPARE(stored->applyRetention, false);
        QCOMPARE(stored->enabled, false);
        QCOMPARE(stored->volumeIds, QStringList{m_volume.id});
        QCOMPARE(stored->createdAt, original.createdAt);
        // The panel follows the catalog.
        QTRY_COMPARE_WITH_TIMEOUT(cell(panel, original.id, ScheduleModel::Name),
                                  QStringLiteral("edited"), 20000);
        QCOMPARE(cell(panel, original.id, ScheduleModel::NextRun), QStringLiteral("disabled"));
    }

    // A row per schedule with its volumes and next run; Enable/Disable
    // flips the catalog's flag.
    void panelListsTheNextRun()
    {
        const Schedule schedule =
            insertSchedule(QStringLiteral("listed"), QStringLiteral("*-*-* 00/6:00"));
        SchedulePanel panel(*m_context);
        QTRY_VERIFY_WITH_TIMEOUT(panel.model().rowOf(schedule.id) >= 0, 20000);
        const auto next =
            CalendarSpec::parse(schedule.calendar).nextAfter(QDateTime::currentDateTimeUtc());
        QVERIFY(next);
        const int row = panel.model().rowOf(schedule.id);
        const QModelIndex nextRun = panel.model().index(row, ScheduleModel::NextRun);
        // The model loaded a moment ago: the next 6-hourly run is the same
        // unless one elapsed in between (then it is the one before).
        const qint64 shown = nextRun.data(RawValueRole).toLongLong();
        QVERIFY2(shown == next->toMSecsSinceEpoch() ||
                     shown == next->addSecs(-6 * 3600).toMSecsSinceEpoch(),
                 qPrintable(nextRun.data().toString()));
        QCOMPARE(nextRun.data().toString(),
                 formatTime(QDateTime::fromMSecsSinceEpoch(shown, QTimeZone::utc())));
        QCOMPARE(cell(panel, schedule.id, ScheduleModel::Volumes), QStringLiteral("v"));
        QCOMPARE(cell(panel, schedule.id, ScheduleModel::Calendar),
                 QStringLiteral("*-*-* 00/6:00"));
        QCOMPARE(cell(panel, schedule.id, ScheduleModel::LastRun), QStringLiteral("never"));
        QCOMPARE(cell(panel, schedule.id, ScheduleModel::Enabled), QStringLiteral("yes"));
        QVERIFY(panel.timerNote()->text().contains(QStringLiteral("ember-schedule")));

        QVERIFY(panel.selectSchedule(schedule.id));
        auto* toggle = panel.findChild<QPushButton*>(QStringLiteral("toggleSchedule"));
        QVERIFY(toggle->isEnabled());
        QCOMPARE(toggle->text(), SchedulePanel::tr("&Disable"));
        toggle->click();
        QTRY_COMPARE_WITH_TIMEOUT(cell(panel, schedule.id, ScheduleModel::Enabled),
                                  QStringLiteral("no"), 20000);
        QCOMPARE(Catalog(catalogPath()).schedule(schedule.id)->enabled, false);
        QCOMPARE(cell(panel, schedule.id, ScheduleModel::NextRun), QStringLiteral("disabled"));
        QTRY_COMPARE(toggle->text(), SchedulePanel::tr("&Enable"));
    }

    // Run now backs the volume up as the schedule would, as a job; the
    // backup restores byte for byte and the history has its record.
    void runNowMakesARealBackup()
    {
        Schedule schedule = insertSchedule(QStringLiteral("run-now"), QStringLiteral("yearly"));
        const int backupsBefore =
            int(Catalog(catalogPath()).backups(BackupFilter{m_volume.id, {}, {}, false}).size());
        SchedulePanel panel(*m_context);
        QTRY_VERIFY_WITH_TIMEOUT(panel.model().rowOf(schedule.id) >= 0, 20000);
        QVERIFY(panel.selectSchedule(schedule.id));
        auto* run = panel.findChild<QPushButton*>(QStringLiteral("runSchedule"));
        QVERIFY(run->isEnabled());
        run->click();
        QVERIFY(!run->isEnabled()); // not twice at once
        const JobInfo* job = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((job = lastJob()) && isFinished(job->state), 180000);
        QVERIFY2(job->state == JobState::Succeeded,
                 qPrintable(job->outcome + '\n' + job->log.join('\n')));

        Catalog catalog(catalogPath());
        const QList<Backup> backups = catalog.backups(BackupFilter{m_volume.id, {}, {}, false});
        QCOMPARE(backups.size(), backupsBefore + 1);
        JobHistoryFilter filter;
        filter.scheduleId = schedule.id;
        const QList<JobRecord> history = catalog.jobHistory(filter);
        QVERIFY(!history.isEmpty());
        const JobRecord& record = history.first();
        QCOMPARE(record.result, JobResult::Succeeded);
        QCOMPARE(record.volumeId, m_volume.id);
        QCOMPARE(record.origin, QStringLiteral("schedule"));
        QVERIFY(!record.backupId.isEmpty());
        const auto backup = catalog.backup(record.backupId);
        QVERIFY(backup);
        QCOMPARE(backup->status, BackupStatus::Available);
        // The run is in the history once, as the schedule's backup: the job
        // that ran it adds no record of its own.
        JobHistoryFilter sinceClick;
        sinceClick.from = job->startedAt.toUTC().addSecs(-1);
        const QList<JobRecord> recent = catalog.jobHistory(sinceClick);
        QCOMPARE(recent.size(), 1);
        QCOMPARE(recent.first().id, record.id);

        const QString restored =
            m_fixture->restoreToNewFile(record.backupId, QStringLiteral("run-now-restored.img"));
        const QString difference = test::compareFiles(m_fixture->volumeFile(), restored);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));

        QTRY_COMPARE_WITH_TIMEOUT(cell(panel, schedule.id, ScheduleModel::LastResult),
                                  modelText("succeeded"), 20000);
        QTRY_VERIFY(run->isEnabled());
    }

    // Remove asks first, then the row leaves the catalog and the panel.
    void removeDeletesTheRow()
    {
        const Schedule schedule =
            insertSchedule(QStringLiteral("remove-me"), QStringLiteral("daily"));
        SchedulePanel panel(*m_context);
        panel.show();
        QTRY_VERIFY_WITH_TIMEOUT(panel.model().rowOf(schedule.id) >= 0, 20000);
        QVERIFY(panel.selectSchedule(schedule.id));
        panel.findChild<QPushButton*>(QStringLiteral("removeSchedule"))->click();
        QMessageBox* box = panel.findChild<QMessageBox*>(QStringLiteral("confirmRemoveSchedule"));
        QVERIFY(box);
        QVERIFY(box->text().contains(QStringLiteral("remove-me")));
        // Cancel leaves it.
        box->button(QMessageBox::Cancel)->click();
        QTest::qWait(200);
        QVERIFY(Catalog(catalogPath()).schedule(schedule.id).has_value());

        panel.confirmRemove(schedule.id);
        box = nullptr;
        for (QMessageBox* open :
             panel.findChildren<QMessageBox*>(QStringLiteral("confirmRemoveSchedule")))
            if (open->isVisible())
                box = open;
        QVERIFY(box);
        QAbstractButton* remove = nullptr;
        for (QAbstractButton* button : box->buttons())
            if (box->buttonRole(button) == QMessageBox::AcceptRole)
                remove = button;
        QVERIFY(remove);
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(!Catalog(catalogPath()).schedule(schedule.id).has_value(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model().rowOf(schedule.id), -1, 20000);
    }

private:
    QString catalogPath() const { return m_fixture->dir + QStringLiteral("/catalog.sqlite"); }

    static QString modelText(const char* text) { return ScheduleModel::tr(text); }

    // Every field of the editor set away from its default.
    void fillEveryField(ScheduleDialog* dialog, const QString& name)
    {
        dialog->setName(name);
        dialog->setVolumesChecked({m_volume.id});
        dialog->setCalendar(QStringLiteral("Mon..Fri 02:00"));
        auto* backend = dialog->findChild<QComboBox*>(QStringLiteral("backend"));
        QVERIFY(backend->findData(QStringLiteral("local")) > 0);
        backend->setCurrentIndex(backend->findData(QStringLiteral("local")));
        auto* mode = dialog->findChild<QComboBox*>(QStringLiteral("mode"));
        mode->setCurrentIndex(mode->findData(static_cast<int>(Schedule::Mode::Incremental)));
        dialog->findChild<QSpinBox*>(QStringLiteral("fullEvery"))->setValue(7);
        dialog->findChild<QSpinBox*>(QStringLiteral("fullEveryDays"))->setValue(30);
        dialog->findChild<QCheckBox*>(QStringLiteral("applyRetention"))->setChecked(false);
        dialog->findChild<QCheckBox*>(QStringLiteral("enabled"))->setChecked(false);
    }

    // A schedule of the test volume stored directly in the catalog.
    Schedule insertSchedule(const QString& name, const QString& calendar)
    {
        Schedule schedule;
        schedule.id = newUuid();
        schedule.name = name;
        schedule.volumeIds = {m_volume.id};
        schedule.calendar = calendar;
        schedule.mode = Schedule::Mode::Full;
        schedule.applyRetention = false;
        // Whole seconds, as the catalog keeps them.
        schedule.createdAt = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch() - 60,
                                                           QTimeZone::utc());
        schedule.updatedAt = schedule.createdAt;
        Catalog(catalogPath()).insertSchedule(schedule);
        return schedule;
    }

    static QString cell(const SchedulePanel& panel, const QString& id, int column)
    {
        const int row = panel.model().rowOf(id);
        return row < 0 ? QString() : panel.model().index(row, column).data().toString();
    }

    const JobInfo* lastJob() const
    {
        const auto& jobs = m_context->runner().jobs();
        return jobs.isEmpty() ? nullptr : &jobs.last();
    }

    std::unique_ptr<test::ServiceFixture> m_fixture;
    std::unique_ptr<AppContext> m_context;
    Volume m_volume;
};

// The editor over a made-up volume and the panel with one schedule, grabbed
// to <path>-editor.png and <path>-panel.png (test_schedules --screenshot path).
static int takeScreenshots(const QString& path)
{
    test::ServiceFixture fixture(QStringLiteral("gui-schedules-screenshot"));
    const Volume volume = fixture.addVolumeFile(MiB, test::Fill::Zeros, 1);
    Schedule schedule;
    schedule.id = newUuid();
    schedule.name = QStringLiteral("nightly");
    schedule.volumeIds = {volume.id};
    schedule.calendar = QStringLiteral("Mon..Fri 02:00");
    schedule.fullEvery = 7;
    schedule.createdAt = QDateTime::currentDateTimeUtc();
    schedule.updatedAt = schedule.createdAt;
    fixture.catalog->insertSchedule(schedule);
    AppContext context(fixture.dir + QStringLiteral("/catalog.sqlite"));
    if (!QTest::qWaitFor([&] { return context.snapshot()->volume(volume.id).has_value(); }, 20000))
        return 1;
    SchedulePanel panel(context);
    panel.resize(1100, 300);
    panel.show();
    ScheduleDialog* dialog = panel.openEditSchedule(schedule.id);
    if (!QTest::qWaitFor([&] { return panel.model().rowCount() == 1; }, 20000))
        return 1;
    dialog = panel.openEditSchedule(schedule.id);
    if (!dialog || !QTest::qWaitForWindowExposed(dialog))
        return 1;
    QTest::qWait(300);
    if (!dialog->grab().save(path + QStringLiteral("-editor.png")))
        return 1;
    dialog->setCalendar(QStringLiteral("Mon..Fry 02:00"));
    QTest::qWait(100);
    if (!dialog->grab().save(path + QStringLiteral("-invalid.png")))
        return 1;
    dialog->reject();
    return panel.grab().save(path + QStringLiteral("-panel.png")) ? 0 : 1;
}

int main(int argc, char* argv[])
{
    const QString home = test::freshDir(QStringLiteral("gui-schedules"));
    qputenv("EMBER_HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/data")).toUtf8());
    // Local time is UTC, as for systemd-analyze below; weekday names in English.
    qputenv("TZ", "UTC");
    QLocale::setDefault(QLocale::c());
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EmberTest"));
    QApplication::setApplicationName(QStringLiteral("EmberScheduleTest"));
    const QStringList arguments = QApplication::arguments();
    if (const qsizetype at = arguments.indexOf(QStringLiteral("--screenshot"));
        at >= 0 && at + 1 < arguments.size())
        return takeScreenshots(arguments.at(at + 1));
    TestSchedules test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_schedules.moc"
