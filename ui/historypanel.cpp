#include "historypanel.h"

namespace ember::ui {

HistoryPanel::HistoryPanel(AppContext& context, QWidget* parent)
    : QWidget(parent)
{
    Q_UNUSED(context);
}

} // namespace ember::ui
