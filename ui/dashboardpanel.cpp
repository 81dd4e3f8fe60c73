#include "dashboardpanel.h"

namespace ember::ui {

DashboardPanel::DashboardPanel(AppContext& context, QWidget* parent)
    : QWidget(parent)
{
    Q_UNUSED(context);
}

} // namespace ember::ui
