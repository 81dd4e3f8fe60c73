// The schedule editor (create and edit): the volume or group, the calendar
// expression with the next five run times of what is being typed, the
// backend, full or incremental with the forced fulls, retention and whether
// it is enabled. Saves through the catalog off the UI thread and shows the
// catalog's refusal (a duplicate name) in the dialog.
#pragma once

#include "schedule.h"

#include <QDateTime>
#include <QDialog>
#include <QList>
#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace ember::ui {

class AppContext;

class ScheduleDialog : public QDialog
{
    Q_OBJECT
public:
    // How many run times the preview shows.
    static constexpr int previewCount = 5;

    // A new schedule when `existing` is empty (`volumeIds` checked at first),
    // otherwise the editor of `existing`.
    ScheduleDialog(AppContext& context, const std::optional<Schedule>& existing,
                   const QStringList& volumeIds = {}, QWidget* parent = nullptr);

    bool isNew() const { return !m_existing.has_value(); }
    // The schedule as entered (id, creation time and last occurrence kept
    // when editing; a new id for a new one).
    Schedule schedule() const;
    // The run times the preview shows (UTC; empty while the expression is
    // invalid) and its error.
    const QList<QDateTime>& previewTimes() const { return m_previewTimes; }
    QString previewError() const { return m_previewError; }
    // One line of the preview: local time with the weekday.
    static QString previewLine(const QDateTime& time);
    // The preview's times count from `now` instead of the current time
    // (invalid: the current time again).
    void setPreviewNow(const QDateTime& now);

    // The presets offered beside the calendar: (label, expression).
    static QList<std::pair<QString, QString>> presets();

    // For tests and the panel: set the fields.
    void setName(const QString& name);
    void setCalendar(const QString& expression);
    void setVolumesChecked(const QStringList& volumeIds);

Q_SIGNALS:
    // The catalog has the schedule (the dialog is accepted right after).
    void saved(const QString& scheduleId);

private:
    void fill(const Schedule& schedule);
    void updatePreview();
    void validate();
    void save();
    QStringList checkedVolumes() const;

    AppContext& m_context;
    std::optional<Schedule> m_existing;
    QString m_newId;
    QDateTime m_previewNow;
    QList<QDateTime> m_previewTimes;
    QString m_previewError;
    bool m_saving = false;

    QLineEdit* m_name = nullptr;
    QListWidget* m_volumes = nullptr;
    QLineEdit* m_calendar = nullptr;
    QComboBox* m_presets = nullptr;
    QLabel* m_normalized = nullptr;
    QLabel* m_preview = nullptr;
    QComboBox* m_backend = nullptr;
    QComboBox* m_mode = nullptr;
    QSpinBox* m_fullEvery = nullptr;
    QSpinBox* m_fullEveryDays = nullptr;
    QCheckBox* m_applyRetention = nullptr;
    QCheckBox* m_enabled = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace ember::ui
