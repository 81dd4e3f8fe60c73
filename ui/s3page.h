// The S3 backend's wizard page: the schema form (SchemaOptionsPage) plus the
// live test's S3 specifics: when the bucket is missing, an offer to create it
// (with Object Lock if asked), and the bucket's object-lock status.
#pragma once

#include "schemaoptionspage.h"

class QCheckBox;
class QLabel;
class QPushButton;

namespace ember::ui {

class S3Page : public SchemaOptionsPage
{
    Q_OBJECT
public:
    explicit S3Page(QWidget* parent = nullptr);

    // What the last bucket check found, for the offer and the status line
    // (public for tests, which feed it a report without a server).
    void showReport(const ConnectionReport& report);

private:
    // The backend as the form describes it, and the secrets to reach it
    // (typed ones over the keyring's when editing). Read on the UI thread.
    BackendConfig formConfig() const;
    void checkBucket();
    void createBucket();
    void setBusy(bool busy);

    QPushButton* m_check = nullptr;
    QLabel* m_bucketStatus = nullptr;
    QLabel* m_lockStatus = nullptr;
    QWidget* m_createOffer = nullptr;
    QCheckBox* m_objectLock = nullptr;
    QPushButton* m_create = nullptr;
};

} // namespace ember::ui
