// The S3 backend's wizard page: the schema form (SchemaOptionsPage) plus the
// live test's S3 specifics: when the bucket is missing, an offer to create it
// (with Object Lock if asked), and the bucket's object-lock status.
#pragma once

#include "schemaoptionspage.h"

namespace ember::ui {

class S3Page : public SchemaOptionsPage
{
    Q_OBJECT
public:
    explicit S3Page(QWidget* parent = nullptr);
};

} // namespace ember::ui
