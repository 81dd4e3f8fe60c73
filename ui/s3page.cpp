#include "s3page.h"

#include "async.h"
#include "s3backend.h"

#include <QCheckBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace ember::ui {

namespace {

const QString kBucketKey = QStringLiteral("backup_s3_store_bucket");

// How a missing bucket is worded (S3's NoSuchBucket, radosgw's 404).
bool saysMissing(const QString& text)
{
    static const QRegularExpression missing(
        QStringLiteral(
            "does not exist|doesn't exist|no such bucket|nosuchbucket|not found|missing"),
        QRegularExpression::CaseInsensitiveOption);
    return missing.match(text).hasMatch();
}

bool mentionsLock(const QString& text)
{
    return text.contains(QLatin1String("lock"), Qt::CaseInsensitive);
}

} // namespace

S3Page::S3Page(QWidget* parent) : SchemaOptionsPage(QStringLiteral("s3"), parent)
{
    auto* lockNote = new QLabel(
        tr("Object Lock makes backups immutable: when the bucket has it, every object of a "
           "backup is locked for the set number of days, so no one holding these keys can "
           "delete or overwrite it before then. GOVERNANCE mode lets an account with the "
           "bypass permission remove a lock early; COMPLIANCE mode lets no one, not even the "
           "account's root user. Object Lock can only be enabled when a bucket is created."),
        this);
    lockNote->setObjectName(QStringLiteral("objectLockNote"));
    lockNote->setWordWrap(true);
    extraLayout()->addWidget(lockNote);

    auto* bucket = new QGroupBox(tr("Bucket"), this);
    auto* bucketLayout = new QVBoxLayout(bucket);
    auto* checkRow = new QHBoxLayout;
    m_check = new QPushButton(tr("&Check Bucket"), bucket);
    m_check->setObjectName(QStringLiteral("checkBucket"));
    m_check->setToolTip(tr("Connects with these settings and looks for the bucket and its "
                           "Object Lock configuration."));
    checkRow->addWidget(m_check);
    checkRow->addStretch(1);
    bucketLayout->addLayout(checkRow);
    m_bucketStatus = new QLabel(bucket);
    m_bucketStatus->setObjectName(QStringLiteral("bucketStatus"));
    m_bucketStatus->setWordWrap(true);
    m_bucketStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bucketLayout->addWidget(m_bucketStatus);
    m_lockStatus = new QLabel(bucket);
    m_lockStatus->setObjectName(QStringLiteral("objectLockStatus"));
    m_lockStatus->setWordWrap(true);
    bucketLayout->addWidget(m_lockStatus);
    m_lockStatus->setVisible(false);

    // Shown when the check found no bucket.
    m_createOffer = new QWidget(bucket);
    m_createOffer->setObjectName(QStringLiteral("createBucketOffer"));
    auto* offerRow = new QHBoxLayout(m_createOffer);
    offerRow->setContentsMargins(0, 0, 0, 0);
    m_create = new QPushButton(tr("Create &Bucket"), m_createOffer);
    m_create->setObjectName(QStringLiteral("createBucket"));
    offerRow->addWidget(m_create);
    m_objectLock = new QCheckBox(tr("Enable &Object Lock (immutable backups)"), m_createOffer);
    m_objectLock->setObjectName(QStringLiteral("createWithObjectLock"));
    offerRow->addWidget(m_objectLock);
    offerRow->addStretch(1);
    bucketLayout->addWidget(m_createOffer);
    m_createOffer->setVisible(false);
    extraLayout()->addWidget(bucket);

    connect(m_check, &QPushButton::clicked, this, &S3Page::checkBucket);
    connect(m_create, &QPushButton::clicked, this, &S3Page::createBucket);
}

BackendConfig S3Page::formConfig() const
{
    BackendConfig config;
    if (auto* backendWizard = qobject_cast<BackendWizard*>(wizard()))
        config = backendWizard->config();
    if (config.type != backendType()) {
        // Not in a wizard (or another type chosen there): the form alone.
        config.type = backendType();
        config.options = options();
    }
    if (config.name.isEmpty())
        config.name = QStringLiteral("s3");
    return config;
}

void S3Page::setBusy(bool busy)
{
    m_check->setEnabled(!busy);
    m_create->setEnabled(!busy);
    m_objectLock->setEnabled(!busy);
}

void S3Page::checkBucket()
{
    const BackendConfig config = formConfig();
    const BackendSecrets entered = secrets();
    SecretProvider stored;
    if (auto* backendWizard = qobject_cast<BackendWizard*>(wizard()))
        stored = backendWizard->storedSecrets();
    setBusy(true);
    m_createOffer->setVisible(false);
    m_bucketStatus->setText(
        tr("Checking %1…").arg(schema().value(config.options, kBucketKey).toString()));
    m_lockStatus->clear();
    m_lockStatus->setVisible(false);
    runInBackground(
        this,
        [config, entered, stored] {
            // What was typed wins over what the keyring holds.
            BackendSecrets secrets = stored ? stored(config) : BackendSecrets();
            for (auto it = entered.begin(); it != entered.end(); ++it)
                secrets.insert(it.key(), it.value());
            return probeS3(config, secrets);
        },
        [this](AsyncOutcome<ConnectionReport> outcome) {
            setBusy(false);
            if (outcome.ok()) {
                showReport(*outcome.value);
            } else {
                m_bucketStatus->setText(tr("The check could not run: %1").arg(outcome.error));
            }
        });
}

void S3Page::showReport(const ConnectionReport& report)
{
    const QString bucket = schema().value(options(), kBucketKey).toString();
    // The first failure names what is wrong; a missing bucket after the
    // endpoint and the keys passed is what the offer is for.
    const ConnectionCheck* failed = nullptr;
    bool bucketMissing = false;
    for (const ConnectionCheck& check : report.checks) {
        if (check.ok)
            continue;
        failed = &check;
        bucketMissing = check.name.contains(QLatin1String("bucket"), Qt::CaseInsensitive) ||
                        (check.detail.contains(QLatin1String("bucket"), Qt::CaseInsensitive) &&
                         saysMissing(check.detail));
        break;
    }
    if (!failed)
        m_bucketStatus->setText(
            tr("Bucket “%1” is ready: Ember can write, read and delete in it.").arg(bucket));
    else if (bucketMissing)
        m_bucketStatus->setText(
            tr("The bucket check failed (%1). Ember can create bucket “%2” with these keys:")
                .arg(failed->detail.isEmpty() ? failed->name : failed->detail, bucket));
    else
        m_bucketStatus->setText(
            tr("%1 failed: %2")
                .arg(failed->name, failed->detail.isEmpty() ? tr("no details") : failed->detail));
    m_createOffer->setVisible(bucketMissing);

    QString lock;
    for (const ConnectionCheck& check : report.checks)
        if (mentionsLock(check.name))
            lock = check.detail.isEmpty() ? check.name : check.detail;
    for (const QString& fact : report.facts)
        if (lock.isEmpty() && mentionsLock(fact))
            lock = fact;
    m_lockStatus->setText(lock.isEmpty() ? QString() : tr("Object Lock: %1").arg(lock));
    m_lockStatus->setVisible(!lock.isEmpty());
}

void S3Page::createBucket()
{
    const BackendConfig config = formConfig();
    const BackendSecrets entered = secrets();
    SecretProvider stored;
    if (auto* backendWizard = qobject_cast<BackendWizard*>(wizard()))
        stored = backendWizard->storedSecrets();
    const bool objectLock = m_objectLock->isChecked();
    const QString bucket = schema().value(config.options, kBucketKey).toString();
    setBusy(true);
    m_bucketStatus->setText(tr("Creating bucket “%1”…").arg(bucket));
    runInBackground(
        this,
        [config, entered, stored, objectLock] {
            BackendSecrets secrets = stored ? stored(config) : BackendSecrets();
            for (auto it = entered.begin(); it != entered.end(); ++it)
                secrets.insert(it.key(), it.value());
            createS3Bucket(config, secrets, objectLock);
        },
        [this, bucket, objectLock](AsyncOutcome<void> outcome) {
            setBusy(false);
            if (!outcome.ok()) {
                m_bucketStatus->setText(
                    tr("Bucket “%1” could not be created: %2").arg(bucket, outcome.error));
                return;
            }
            m_createOffer->setVisible(false);
            m_lockStatus->setText(objectLock ? tr("Object Lock: enabled") : QString());
            m_lockStatus->setVisible(objectLock);
            m_bucketStatus->setText(
                objectLock ? tr("Bucket “%1” was created with Object Lock enabled.").arg(bucket)
                           : tr("Bucket “%1” was created (without Object Lock).").arg(bucket));
        });
}

} // namespace ember::ui
