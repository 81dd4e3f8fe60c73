#include "scheduledialog.h"

#include "appcontext.h"
#include "calendar.h"
#include "dialogbuttons.h"
#include "itemroles.h"
#include "problemlabel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ember::ui {

namespace {

// Longer expressions are refused before parsing, so a paste of anything at
// all keeps the preview (computed as the user types) instant.
constexpr int maxCalendarLength = 256;

QString problemColor()
{
    return QStringLiteral("color: #c62828");
}

} // namespace

ScheduleDialog::ScheduleDialog(AppContext& context, const std::optional<Schedule>& existing,
                               const QStringList& volumeIds, QWidget* parent)
    : QDialog(parent), m_context(context), m_existing(existing)
{
    setObjectName(QStringLiteral("scheduleDialog"));
    setWindowTitle(existing ? tr("Edit Schedule") : tr("New Schedule"));
    if (!existing)
        m_newId = newUuid();
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("e.g. nightly databases"));
    form->addRow(tr("&Name:"), m_name);

    m_volumes = new QListWidget(this);
    m_volumes->setObjectName(QStringLiteral("volumes"));
    m_volumes->setToolTip(tr("Check one volume, or several to back them up as a group, one "
                             "after the other"));
    const auto snapshot = context.snapshot();
    for (const Volume& volume : snapshot->volumes) {
        auto* item = new QListWidgetItem(volume.name, m_volumes);
        item->setData(IdRole, volume.id);
        item->setToolTip(volume.path);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(volumeIds.contains(volume.id) ? Qt::Checked : Qt::Unchecked);
    }
    m_volumes->setMaximumHeight(140);
    form->addRow(tr("&Volumes:"), m_volumes);

    auto* calendarRow = new QHBoxLayout;
    m_calendar = new QLineEdit(this);
    m_calendar->setObjectName(QStringLiteral("calendar"));
    m_calendar->setMaxLength(maxCalendarLength);
    m_calendar->setPlaceholderText(tr("systemd calendar, e.g. Mon..Fri 02:00"));
    m_calendar->setToolTip(
        tr("When to run, in systemd's OnCalendar syntax (man systemd.time): "
           "daily, weekly, hourly, Mon..Fri 02:00, *-*-* 00/6:00, *-*-01 03:30, ..."));
    m_presets = new QComboBox(this);
    m_presets->setObjectName(QStringLiteral("presets"));
    // Narrow beside the expression; the list itself shows the whole labels.
    m_presets->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_presets->setMinimumContentsLength(9);
    m_presets->addItem(tr("Presets…"));
    for (const auto& [label, expression] : presets())
        m_presets->addItem(label, expression);
    connect(m_presets, &QComboBox::activated, this, [this](int index) {
        const QString expression = m_presets->itemData(index).toString();
        if (!expression.isEmpty())
            m_calendar->setText(expression);
        m_presets->setCurrentIndex(0);
    });
    calendarRow->addWidget(m_calendar, 1);
    calendarRow->addWidget(m_presets);
    auto* calendarLabel = new QLabel(tr("&When:"), this);
    calendarLabel->setBuddy(m_calendar);
    form->addRow(calendarLabel, calendarRow);

    m_normalized = new QLabel(this);
    m_normalized->setObjectName(QStringLiteral("normalized"));
    m_normalized->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("systemd reads:"), m_normalized);
    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("preview"));
    m_preview->setWordWrap(true);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Room for five lines, so the dialog does not jump while typing.
    m_preview->setMinimumHeight(m_preview->fontMetrics().lineSpacing() * previewCount);
    m_preview->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    form->addRow(tr("Next runs:"), m_preview);

    m_backend = new QComboBox(this);
    m_backend->setObjectName(QStringLiteral("backend"));
    QString defaultName;
    BackendModel& backends = context.backendModel();
    for (int row = 0; row < backends.rowCount(); ++row)
        if (const auto backend = backends.backend(row); backend && backend->isDefault)
            defaultName = backend->name;
    m_backend->addItem(defaultName.isEmpty() ? tr("The default backend")
                                             : tr("The default backend (now %1)").arg(defaultName),
                       QString());
    for (int row = 0; row < backends.rowCount(); ++row)
        if (const auto backend = backends.backend(row))
            m_backend->addItem(backend->name, backend->name);
    form->addRow(tr("&Backend:"), m_backend);

    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("mode"));
    m_mode->addItem(tr("Incremental (a full when there is no chain yet)"),
                    static_cast<int>(Schedule::Mode::Incremental));
    m_mode->addItem(tr("Always full"), static_cast<int>(Schedule::Mode::Full));
    form->addRow(tr("&Mode:"), m_mode);

    m_fullEvery = new QSpinBox(this);
    m_fullEvery->setObjectName(QStringLiteral("fullEvery"));
    m_fullEvery->setRange(0, 10000);
    m_fullEvery->setSpecialValueText(tr("never"));
    m_fullEvery->setSuffix(tr(" backups"));
    m_fullEvery->setToolTip(tr("Keeps restore chains short: the Nth backup since the last full "
                               "(that full included) is a full again"));
    form->addRow(tr("Force a full &every:"), m_fullEvery);
    m_fullEveryDays = new QSpinBox(this);
    m_fullEveryDays->setObjectName(QStringLiteral("fullEveryDays"));
    m_fullEveryDays->setRange(0, 3650);
    m_fullEveryDays->setSpecialValueText(tr("never"));
    m_fullEveryDays->setSuffix(tr(" days"));
    m_fullEveryDays->setToolTip(tr("A full when the last full is this many days old or older"));
    form->addRow(tr("…or every:"), m_fullEveryDays);

    m_applyRetention = new QCheckBox(tr("Apply the &retention policy afterwards"), this);
    m_applyRetention->setObjectName(QStringLiteral("applyRetention"));
    m_applyRetention->setChecked(true);
    m_applyRetention->setToolTip(
        tr("Prunes each volume's backups with its effective retention policy after the backup"));
    form->addRow(QString(), m_applyRetention);
    m_enabled = new QCheckBox(tr("E&nabled"), this);
    m_enabled->setObjectName(QStringLiteral("enabled"));
    m_enabled->setChecked(true);
    form->addRow(QString(), m_enabled);
    layout->addLayout(form);

    m_problem = problemLabel(this);
    layout->addWidget(m_problem);
    m_buttons = okCancelButtons(this, layout, existing ? tr("Save") : tr("Create Schedule"),
                                [this] { save(); });

    if (existing)
        fill(*existing);
    else
        m_calendar->setText(QStringLiteral("daily"));

    connect(m_name, &QLineEdit::textChanged, this, &ScheduleDialog::validate);
    connect(m_volumes, &QListWidget::itemChanged, this, &ScheduleDialog::validate);
    connect(m_calendar, &QLineEdit::textChanged, this, [this] {
        updatePreview();
        validate();
    });
    connect(m_mode, &QComboBox::currentIndexChanged, this, &ScheduleDialog::validate);
    updatePreview();
    validate();
}

QList<std::pair<QString, QString>> ScheduleDialog::presets()
{
    return {
        {tr("Hourly"), QStringLiteral("hourly")},
        {tr("Daily at 02:00"), QStringLiteral("*-*-* 02:00:00")},
        {tr("Monday to Friday at 02:00"), QStringLiteral("Mon..Fri 02:00")},
        {tr("Weekly (Monday 00:00)"), QStringLiteral("weekly")},
        {tr("Every 6 hours"), QStringLiteral("*-*-* 00/6:00")},
    };
}

void ScheduleDialog::fill(const Schedule& schedule)
{
    m_name->setText(schedule.name);
    // Volumes the catalog no longer has stay listed (by id) so saving does not
    // silently drop them; the user unchecks them.
    for (const QString& id : schedule.volumeIds) {
        bool found = false;
        for (int row = 0; row < m_volumes->count(); ++row)
            found = found || m_volumes->item(row)->data(IdRole).toString() == id;
        if (!found) {
            auto* item = new QListWidgetItem(tr("%1 (not in the catalog)").arg(id), m_volumes);
            item->setData(IdRole, id);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        }
    }
    setVolumesChecked(schedule.volumeIds);
    m_calendar->setText(schedule.calendar);
    const int backendIndex = m_backend->findData(schedule.backendName);
    if (backendIndex >= 0) {
        m_backend->setCurrentIndex(backendIndex);
    } else {
        m_backend->addItem(tr("%1 (not configured)").arg(schedule.backendName),
                           schedule.backendName);
        m_backend->setCurrentIndex(m_backend->count() - 1);
    }
    m_mode->setCurrentIndex(m_mode->findData(static_cast<int>(schedule.mode)));
    m_fullEvery->setValue(schedule.fullEvery);
    m_fullEveryDays->setValue(schedule.fullEveryDays);
    m_applyRetention->setChecked(schedule.applyRetention);
    m_enabled->setChecked(schedule.enabled);
}

Schedule ScheduleDialog::schedule() const
{
    Schedule schedule;
    if (m_existing) {
        schedule = *m_existing;
    } else {
        schedule.id = m_newId;
        schedule.createdAt = QDateTime::currentDateTimeUtc();
    }
    schedule.updatedAt = QDateTime::currentDateTimeUtc();
    schedule.name = m_name->text().trimmed();
    schedule.volumeIds = checkedVolumes();
    schedule.calendar = m_calendar->text().trimmed();
    schedule.backendName = m_backend->currentData().toString();
    schedule.mode = static_cast<Schedule::Mode>(m_mode->currentData().toInt());
    schedule.fullEvery = m_fullEvery->value();
    schedule.fullEveryDays = m_fullEveryDays->value();
    schedule.applyRetention = m_applyRetention->isChecked();
    schedule.enabled = m_enabled->isChecked();
    return schedule;
}

QString ScheduleDialog::previewLine(const QDateTime& time)
{
    return QLocale().toString(time.toLocalTime(), QStringLiteral("ddd yyyy-MM-dd HH:mm:ss"));
}

void ScheduleDialog::setPreviewNow(const QDateTime& now)
{
    m_previewNow = now;
    updatePreview();
    validate();
}

void ScheduleDialog::setName(const QString& name)
{
    m_name->setText(name);
}

void ScheduleDialog::setCalendar(const QString& expression)
{
    m_calendar->setText(expression);
}

void ScheduleDialog::setVolumesChecked(const QStringList& volumeIds)
{
    for (int row = 0; row < m_volumes->count(); ++row) {
        QListWidgetItem* item = m_volumes->item(row);
        item->setCheckState(volumeIds.contains(item->data(IdRole).toString()) ? Qt::Checked
                                                                              : Qt::Unchecked);
    }
}

QStringList ScheduleDialog::checkedVolumes() const
{
    QStringList ids;
    for (int row = 0; row < m_volumes->count(); ++row)
        if (m_volumes->item(row)->checkState() == Qt::Checked)
            ids.append(m_volumes->item(row)->data(IdRole).toString());
    return ids;
}

void ScheduleDialog::updatePreview()
{
    // Pure computation on the expression: cheap and bounded (the length is
    // capped and at most five elapses are searched), so it runs as the user
    // types.
    m_previewTimes.clear();
    m_previewError.clear();
    const QString expression = m_calendar->text().trimmed();
    const QDateTime now = m_previewNow.isValid() ? m_previewNow : QDateTime::currentDateTimeUtc();
    QString normalized;
    if (expression.isEmpty()) {
        m_previewError = tr("Enter when the schedule runs, e.g. daily or Mon..Fri 02:00.");
    } else {
        try {
            const CalendarSpec spec = CalendarSpec::parse(expression);
            normalized = spec.normalized();
            m_previewTimes = spec.next(now, previewCount);
            if (m_previewTimes.isEmpty())
                m_previewError =
                    tr("%1 never elapses again after %2.").arg(expression, previewLine(now));
        } catch (const std::exception& error) {
            m_previewError = QString::fromUtf8(error.what());
        }
    }
    m_normalized->setText(normalized);
    if (!m_previewError.isEmpty()) {
        m_preview->setStyleSheet(problemColor());
        m_preview->setText(m_previewError);
        return;
    }
    QStringList lines;
    for (const QDateTime& time : std::as_const(m_previewTimes))
        lines.append(previewLine(time));
    if (m_previewTimes.size() < previewCount)
        lines.append(tr("(no later runs)"));
    m_preview->setStyleSheet(QString());
    m_preview->setText(lines.join(QLatin1Char('\n')));
}

void ScheduleDialog::validate()
{
    const bool incremental =
        static_cast<Schedule::Mode>(m_mode->currentData().toInt()) == Schedule::Mode::Incremental;
    m_fullEvery->setEnabled(incremental);
    m_fullEveryDays->setEnabled(incremental);
    QString problem;
    if (m_saving)
        problem = tr("Saving…");
    else if (m_name->text().trimmed().isEmpty())
        problem = tr("Enter a name for the schedule.");
    else if (checkedVolumes().isEmpty())
        problem = tr("Check the volume to back up, or several for a group.");
    else if (!m_previewError.isEmpty())
        problem = tr("The calendar expression cannot be used: %1").arg(m_previewError);
    showProblem(m_problem, m_buttons, problem);
}

void ScheduleDialog::save()
{
    if (m_saving)
        return;
    const Schedule entered = schedule();
    const bool creating = isNew();
    m_saving = true;
    validate();
    m_context.runQuick(
        this,
        [entered, creating](BackupService& service) {
            Catalog& catalog = service.catalog();
            if (creating) {
                catalog.insertSchedule(entered);
                return QVariant(entered.id);
            }
            catalog.transaction([&] {
                // Whatever ran meanwhile stays recorded: a run claimed since
                // the editor opened must not be claimed again.
                const auto current = catalog.schedule(entered.id);
                if (!current)
                    throw Error(tr("The schedule %1 was removed while it was being edited; "
                                   "create it again.")
                                    .arg(entered.name));
                Schedule updated = entered;
                updated.createdAt = current->createdAt;
                updated.lastOccurrence = current->lastOccurrence;
                catalog.updateSchedule(updated);
            });
            return QVariant(entered.id);
        },
        [this](const QVariant& result, const QString& error) {
            m_saving = false;
            validate();
            if (!error.isEmpty()) {
                // OK stays usable: the user changes the name and tries again.
                m_problem->setText(error);
                m_problem->setVisible(true);
                return;
            }
            Q_EMIT saved(result.toString());
            accept();
        });
}

} // namespace ember::ui
