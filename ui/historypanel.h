// The History page of the main window (placeholder declaration; see its .cpp).
#pragma once

#include <QWidget>

namespace ember::ui {

class AppContext;

class HistoryPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryPanel(AppContext& context, QWidget* parent = nullptr);
};

} // namespace ember::ui
