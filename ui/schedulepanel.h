// The Schedule page of the main window (placeholder declaration; see its .cpp).
#pragma once

#include <QWidget>

namespace ember::ui {

class AppContext;

class SchedulePanel : public QWidget
{
    Q_OBJECT
public:
    explicit SchedulePanel(AppContext& context, QWidget* parent = nullptr);
};

} // namespace ember::ui
