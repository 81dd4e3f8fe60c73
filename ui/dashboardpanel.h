// The Dashboard page of the main window (placeholder declaration; see its .cpp).
#pragma once

#include <QWidget>

namespace ember::ui {

class AppContext;

class DashboardPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPanel(AppContext& context, QWidget* parent = nullptr);
};

} // namespace ember::ui
