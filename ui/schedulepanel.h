// The Schedule page of the main window: the schedules with their next and
// last runs, buttons to create, edit, enable or disable, remove and run one
// now, and a note on what runs them while Ember is closed.
#pragma once

#include <QHash>
#include <QPointer>
#include <QProcess>
#include <QWidget>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace ember::ui {

class AppContext;
class ScheduleDialog;
class ScheduleModel;

class SchedulePanel : public QWidget
{
    Q_OBJECT
public:
    explicit SchedulePanel(AppContext& context, QWidget* parent = nullptr);
    ~SchedulePanel() override;

    ScheduleModel& model() const { return *m_model; }
    QTableView* view() const { return m_view; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }

    // The schedule of the current row; empty when none.
    QString currentScheduleId() const;
    bool selectSchedule(const QString& scheduleId);

    // What the buttons do (open the dialog non-modally and return it; the
    // confirmation for Remove; the job for Run now, 0 when refused).
    ScheduleDialog* openNewSchedule();
    ScheduleDialog* openEditSchedule(const QString& scheduleId);
    void setScheduleEnabled(const QString& scheduleId, bool enabled);
    void confirmRemove(const QString& scheduleId);
    quint64 runNow(const QString& scheduleId);
    // The open editor, if any.
    ScheduleDialog* editor() const;

    // The line under the table about the systemd timer.
    QLabel* timerNote() const { return m_timerNote; }

Q_SIGNALS:
    // A change the panel asked of the catalog is done (or failed: the message).
    void changeDone(const QString& error);

private:
    void updateButtons();
    void showProblem(const QString& problem);
    void checkTimer();

    AppContext& m_context;
    ScheduleModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_view = nullptr;
    QPushButton* m_newButton = nullptr;
    QPushButton* m_editButton = nullptr;
    QPushButton* m_toggleButton = nullptr;
    QPushButton* m_removeButton = nullptr;
    QPushButton* m_runButton = nullptr;
    QLabel* m_problem = nullptr;
    QLabel* m_timerNote = nullptr;
    QPointer<QProcess> m_timerCheck; // systemctl is-enabled, while it runs
    QPointer<ScheduleDialog> m_editor;
    QHash<QString, quint64> m_runs; // schedule id -> its Run now job, while it runs
};

} // namespace ember::ui
