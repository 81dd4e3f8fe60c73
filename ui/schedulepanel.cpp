#include "schedulepanel.h"

namespace ember::ui {

SchedulePanel::SchedulePanel(AppContext& context, QWidget* parent)
    : QWidget(parent)
{
    Q_UNUSED(context);
}

} // namespace ember::ui
