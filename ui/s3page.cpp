#include "s3page.h"

namespace ember::ui {

S3Page::S3Page(QWidget* parent) : SchemaOptionsPage(QStringLiteral("s3"), parent) {}

} // namespace ember::ui
