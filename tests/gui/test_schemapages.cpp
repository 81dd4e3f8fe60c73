// UI that reads the backend plugins' option schemas instead of type names,
// offscreen and without a server: the generic schema form on the S3 schema
// (an editor per option, live problems that block Next, load/options round
// trip, secrets kept apart), the S3 page's bucket offer and Object Lock
// status, the wizard's type list, the settings dialog's chunked options and
// the backends list's type and location.
#include "backendmodel.h"
#include "backendwizard.h"
#include "catalogsnapshot.h"
#include "s3page.h"
#include "schemaoptionspage.h"
#include "settingsdialog.h"

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTest>

using namespace ember;
using namespace ember::ui;

namespace {

const QString EndpointKey = QStringLiteral("backup_s3_endpoint_url");
const QString BucketKey = QStringLiteral("backup_s3_store_bucket");
const QString ObjectSizeKey = QStringLiteral("backup_s3_object_size");
const QString AccessKey = QStringLiteral("backup_s3_store_access_key");
const QString SecretKey = QStringLiteral("backup_s3_store_secret_key");

template <typename T> T* editorOf(const SchemaOptionsPage& page, const QString& key)
{
    return qobject_cast<T*>(page.editor(key));
}

// A wizard for a new backend, advanced to the S3 page.
std::unique_ptr<BackendWizard> wizardAtS3()
{
    auto wizard =
        std::make_unique<BackendWizard>(std::make_shared<CatalogSnapshot>(), std::nullopt);
    wizard->show();
    wizard->setField(QStringLiteral("name"), QStringLiteral("objects"));
    auto* types = wizard->findChild<QComboBox*>(QStringLiteral("backendType"));
    types->setCurrentIndex(types->findData(QStringLiteral("s3")));
    wizard->next();
    if (wizard->currentId() != wizard->optionsPageId(QStringLiteral("s3")))
        return nullptr;
    return wizard;
}

void fillRequired(const SchemaOptionsPage& page)
{
    editorOf<QLineEdit>(page, EndpointKey)->setText(QStringLiteral("http://127.0.0.1:7480"));
    editorOf<QLineEdit>(page, AccessKey)->setText(QStringLiteral("AKIA-test"));
    editorOf<QLineEdit>(page, SecretKey)->setText(QStringLiteral("s3cr3t-Key"));
}

BackendConfig backendOf(const QString& name, const QString& type, const QJsonObject& options = {})
{
    BackendConfig config;
    config.name = name;
    config.type = type;
    config.options = options;
    return config;
}

} // namespace

class TestSchemaPages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void s3FormHasAnEditorPerOption()
    {
        const BackendType* s3 = findBackendType(QStringLiteral("s3"));
        QVERIFY(s3);
        SchemaOptionsPage page(QStringLiteral("s3"));
        page.show();
        int advanced = 0;
        for (const OptionSpec& spec : s3->options) {
            QWidget* editor = page.findChild<QWidget*>(QStringLiteral("option_%1").arg(spec.key));
            QVERIFY2(editor, qPrintable(spec.key));
            QCOMPARE(page.editor(spec.key), editor);
            QVERIFY2(editor->toolTip().contains(spec.key), qPrintable(spec.key));
            if (spec.secret)
                QCOMPARE(qobject_cast<QLineEdit*>(editor)->echoMode(), QLineEdit::Password);
            else if (spec.kind == OptionSpec::Kind::Boolean)
                QVERIFY2(qobject_cast<QCheckBox*>(editor), qPrintable(spec.key));
            else if (spec.kind == OptionSpec::Kind::Choice)
                QVERIFY2(qobject_cast<QComboBox*>(editor), qPrintable(spec.key));
            else if (spec.kind == OptionSpec::Kind::Integer && spec.defaultValue.isDouble())
                QVERIFY2(qobject_cast<QAbstractSpinBox*>(editor), qPrintable(spec.key));
            // Advanced options wait behind the toggle.
            QCOMPARE(editor->isVisible(), !spec.advanced);
            advanced += spec.advanced ? 1 : 0;
        }
        QVERIFY(advanced > 0);
        page.findChild<QCheckBox*>(QStringLiteral("showAdvanced"))->setChecked(true);
        for (const OptionSpec& spec : s3->options)
            QVERIFY2(page.editor(spec.key)->isVisible(), qPrintable(spec.key));
        // The default shows as the placeholder of a text field.
        QVERIFY(editorOf<QLineEdit>(page, BucketKey)
                    ->placeholderText()
                    .contains(s3->option(BucketKey)->defaultValue.toString()));
    }

    void objectSizeAboveIntMax()
    {
        // 5 GiB, S3's single-put limit, does not fit a QSpinBox.
        SchemaOptionsPage page(QStringLiteral("s3"));
        auto* size = editorOf<QDoubleSpinBox>(page, ObjectSizeKey);
        QVERIFY(size);
        QCOMPARE(size->decimals(), 0);
        size->setValue(5368709120.0);
        QCOMPARE(page.options().value(ObjectSizeKey).toInteger(), Q_INT64_C(5368709120));
    }

    void badValueIsNamedAndBlocksNext()
    {
        auto wizard = wizardAtS3();
        QVERIFY(wizard);
        auto* page = qobject_cast<SchemaOptionsPage*>(wizard->currentPage());
        QVERIFY(page);
        auto* next = wizard->button(QWizard::NextButton);
        QVERIFY(!next->isEnabled()); // endpoint and keys are required
        fillRequired(*page);
        QVERIFY2(page->problems().isEmpty(), qPrintable(page->problems().join('\n')));
        QVERIFY(next->isEnabled());

        editorOf<QLineEdit>(*page, BucketKey)->setText(QStringLiteral("Bad_Bucket"));
        QVERIFY(!next->isEnabled());
        QCOMPARE(page->problems().size(), 1);
        QVERIFY(page->problems().first().contains(BucketKey));
        auto* shown = page->findChild<QLabel*>(QStringLiteral("problem"));
        QVERIFY(shown->isVisible() && shown->wordWrap());
        QVERIFY(shown->text().contains(BucketKey));
        QVERIFY(!page->validatePage());

        // A cross-option rule: the object size must be a multiple of the block size.
        editorOf<QLineEdit>(*page, BucketKey)->setText(QStringLiteral("good-bucket"));
        QVERIFY(next->isEnabled());
        editorOf<QDoubleSpinBox>(*page, ObjectSizeKey)->setValue(32768 * 3 + 1);
        QVERIFY(!next->isEnabled());
        QVERIFY(page->problems().join('\n').contains(ObjectSizeKey));
        editorOf<QDoubleSpinBox>(*page, ObjectSizeKey)->setValue(32768 * 3);
        QVERIFY(next->isEnabled());
        QVERIFY(!shown->isVisible());

        // The wizard's backend carries the form's options, never the secrets.
        const BackendConfig config = wizard->config();
        QCOMPARE(config.type, QStringLiteral("s3"));
        QCOMPARE(config.options.value(BucketKey).toString(), QStringLiteral("good-bucket"));
        QVERIFY(!QJsonDocument(config.options).toJson().contains("s3cr3t-Key"));
        QCOMPARE(wizard->secrets().value(SecretKey), QStringLiteral("s3cr3t-Key"));
        QCOMPARE(wizard->secrets().value(AccessKey), QStringLiteral("AKIA-test"));
    }

    void objectLockModeNeedsDays()
    {
        SchemaOptionsPage page(QStringLiteral("s3"));
        fillRequired(page);
        auto* mode = editorOf<QComboBox>(page, QStringLiteral("ember_s3_object_lock_mode"));
        // "Not set" once, then the modes.
        QCOMPARE(mode->count(), 3);
        QCOMPARE(mode->currentData().toString(), QString());
        QVERIFY(!page.options().contains(QStringLiteral("ember_s3_object_lock_mode")));
        mode->setCurrentIndex(mode->findData(QStringLiteral("GOVERNANCE")));
        QVERIFY(!page.isComplete());
        QVERIFY(page.problems().join('\n').contains(QStringLiteral("ember_s3_object_lock_days")));
        editorOf<QSpinBox>(page, QStringLiteral("ember_s3_object_lock_days"))->setValue(30);
        QVERIFY2(page.isComplete(), qPrintable(page.problems().join('\n')));
        QCOMPARE(page.options().value(QStringLiteral("ember_s3_object_lock_mode")).toString(),
                 QStringLiteral("GOVERNANCE"));
        QCOMPARE(page.options().value(QStringLiteral("ember_s3_object_lock_days")).toInt(), 30);
    }

    void loadAndOptionsRoundTrip()
    {
        const QJsonObject stored{
            {EndpointKey, QStringLiteral("https://s3.example.com")},
            {BucketKey, QStringLiteral("ember-backups")},
            {ObjectSizeKey, 104857600.0},
            {QStringLiteral("backup_compression_algorithm"), QStringLiteral("zstd")},
            {QStringLiteral("backup_s3_timeout"), 120.0},
            // Set explicitly to its default: stays written.
            {QStringLiteral("backup_s3_block_size"), 32768.0},
        };
        SchemaOptionsPage page(QStringLiteral("s3"));
        page.load(backendOf(QStringLiteral("objects"), QStringLiteral("s3"), stored));
        QCOMPARE(page.options(), stored);
        // Advanced options that are set show without asking.
        QVERIFY(page.findChild<QCheckBox*>(QStringLiteral("showAdvanced"))->isChecked());
        // Editing keeps the keyring's secrets: none typed, none asked for.
        QVERIFY(page.secrets().isEmpty());
        QVERIFY2(page.problems().isEmpty(), qPrintable(page.problems().join('\n')));
        editorOf<QLineEdit>(page, SecretKey)->setText(QStringLiteral("new-secret"));
        QCOMPARE(page.secrets(),
                 (QMap<QString, QString>{{SecretKey, QStringLiteral("new-secret")}}));

        // A new backend writes only what differs from the defaults.
        SchemaOptionsPage fresh(QStringLiteral("s3"));
        fillRequired(fresh);
        QCOMPARE(fresh.options(),
                 (QJsonObject{{EndpointKey, QStringLiteral("http://127.0.0.1:7480")}}));
        QCOMPARE(fresh.secrets().size(), 2);
    }

    void wizardListsEveryRegisteredType()
    {
        BackendWizard wizard(std::make_shared<CatalogSnapshot>(), std::nullopt);
        auto* types = wizard.findChild<QComboBox*>(QStringLiteral("backendType"));
        auto* items = qobject_cast<QStandardItemModel*>(types->model());
        QVERIFY(items);
        for (const BackendType& type : backendTypes()) {
            const int row = types->findData(type.type);
            QVERIFY2(row >= 0, qPrintable(type.type));
            QVERIFY(types->itemText(row).startsWith(type.displayName));
            const bool usable = type.available && BackendPageRegistry::has(type.type);
            QCOMPARE(items->item(row)->isEnabled(), usable);
            if (!type.available)
                QVERIFY(types->itemText(row).contains(type.unavailableReason));
        }
        QCOMPARE(types->count(), backendTypes().size());
        types->setCurrentIndex(types->findData(QStringLiteral("s3")));
        QCOMPARE(wizard.findChild<QLabel*>(QStringLiteral("backendTypeDescription"))->text(),
                 findBackendType(QStringLiteral("s3"))->description);
    }

    void registryCreatesTheS3Page()
    {
        std::unique_ptr<BackendOptionsPage> page(
            BackendPageRegistry::create(QStringLiteral("s3"), nullptr));
        QVERIFY(qobject_cast<S3Page*>(page.get()));
        QCOMPARE(page->backendType(), QStringLiteral("s3"));
    }

    void s3PageOffersToCreateAMissingBucket()
    {
        S3Page page;
        page.show();
        auto* offer = page.findChild<QWidget*>(QStringLiteral("createBucketOffer"));
        QVERIFY(offer && !offer->isVisible());
        QVERIFY(page.findChild<QCheckBox*>(QStringLiteral("createWithObjectLock")));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("objectLockNote"))
                    ->text()
                    .contains(QStringLiteral("COMPLIANCE")));

        ConnectionReport missing;
        missing.checks = {{QStringLiteral("endpoint"), true, QStringLiteral("reachable")},
                          {QStringLiteral("credentials"), true, QStringLiteral("accepted")},
                          {QStringLiteral("bucket"), false,
                           QStringLiteral("bucket volumebackups does not exist")}};
        page.showReport(missing);
        QVERIFY(offer->isVisible());
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("bucketStatus"))
                    ->text()
                    .contains(QStringLiteral("does not exist")));

        // Wrong keys: no offer, the failure in its own words.
        ConnectionReport denied;
        denied.checks = {
            {QStringLiteral("endpoint"), true, QStringLiteral("reachable")},
            {QStringLiteral("credentials"), false, QStringLiteral("the access key is not known")}};
        page.showReport(denied);
        QVERIFY(!offer->isVisible());
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("bucketStatus"))
                    ->text()
                    .contains(QStringLiteral("the access key is not known")));

        ConnectionReport locked;
        locked.checks = {{QStringLiteral("bucket"), true, QStringLiteral("exists")},
                         {QStringLiteral("object lock"), true,
                          QStringLiteral("enabled, GOVERNANCE for 30 days")}};
        page.showReport(locked);
        QVERIFY(!offer->isVisible());
        QCOMPARE(page.findChild<QLabel*>(QStringLiteral("objectLockStatus"))->text(),
                 QStringLiteral("Object Lock: enabled, GOVERNANCE for 30 days"));
    }

    void s3PageReportsAFailedCreationPlainly()
    {
        // Nothing listens on port 1: the creation fails, and says so.
        S3Page page;
        page.show();
        editorOf<QLineEdit>(page, EndpointKey)->setText(QStringLiteral("http://127.0.0.1:1"));
        editorOf<QLineEdit>(page, AccessKey)->setText(QStringLiteral("AKIA-test"));
        editorOf<QLineEdit>(page, SecretKey)->setText(QStringLiteral("s3cr3t-Key"));
        editorOf<QSpinBox>(page, QStringLiteral("backup_s3_retry_max_attempts"))->setValue(1);
        ConnectionReport missing;
        missing.checks = {{QStringLiteral("bucket"), false, QStringLiteral("not found")}};
        page.showReport(missing);
        auto* create = page.findChild<QPushButton*>(QStringLiteral("createBucket"));
        QVERIFY(create->isVisible());
        create->click();
        QVERIFY(!create->isEnabled()); // while it runs
        auto* status = page.findChild<QLabel*>(QStringLiteral("bucketStatus"));
        QTRY_VERIFY_WITH_TIMEOUT(create->isEnabled(), 60000);
        QVERIFY2(status->text().startsWith(QStringLiteral("Bucket “volumebackups” could not be "
                                                          "created: ")),
                 qPrintable(status->text()));
        QVERIFY(status->text().size() > 50);
    }

    void settingsDialogReadsCapabilities()
    {
        auto snapshot = std::make_shared<CatalogSnapshot>();
        BackendConfig s3 = backendOf(QStringLiteral("objects"), QStringLiteral("s3"),
                                     {{EndpointKey, QStringLiteral("http://127.0.0.1:7480")}});
        s3.isDefault = true;
        snapshot->backends = {s3, backendOf(QStringLiteral("tape"), QStringLiteral("tsm"))};
        SettingsDialog dialog(snapshot);
        auto* backend = dialog.findChild<QComboBox*>(QStringLiteral("defaultBackend"));
        auto* compression = dialog.findChild<QComboBox*>(QStringLiteral("compression"));
        auto* objectSize = dialog.findChild<QSpinBox*>(QStringLiteral("objectSize"));
        QCOMPARE(backend->currentData().toString(), QStringLiteral("objects"));
        QVERIFY(compression->isEnabled());
        QVERIFY(objectSize->isEnabled());
        // Cinder's backup_s3_object_size default, 50 MiB.
        QCOMPARE(objectSize->value(), 52428800 / 1024);
        QCOMPARE(compression->currentData().toString(), QStringLiteral("zlib"));

        backend->setCurrentIndex(backend->findData(QStringLiteral("tape")));
        QVERIFY(!compression->isEnabled());
        QVERIFY(!objectSize->isEnabled());
        // TSM has no objects, but its transfers take the bandwidth limits.
        auto* upload =
            dialog.findChild<QLineEdit*>(QStringLiteral("option_ember_bandwidth_upload"));
        QVERIFY(upload);
        QVERIFY(upload->isEnabled());
        upload->setText(QStringLiteral("5MB/s"));
        const auto tape = dialog.changedBackend();
        QVERIFY(tape);
        QCOMPARE(tape->options.value(QStringLiteral("ember_bandwidth_upload")).toString(),
                 QStringLiteral("5MB/s"));
        QVERIFY(!tape->options.contains(ObjectSizeKey));
        upload->clear();
        backend->setCurrentIndex(backend->findData(QStringLiteral("objects")));
        QVERIFY(objectSize->isEnabled());
        const auto changed = dialog.changedBackend();
        QVERIFY(changed);
        QCOMPARE(changed->options.value(ObjectSizeKey).toInteger(), Q_INT64_C(52428800));
    }

    void backendListShowsTypeNameAndLocation()
    {
        BackendModel model;
        CatalogSnapshot snapshot;
        snapshot.backends = {
            backendOf(QStringLiteral("objects"), QStringLiteral("s3"),
                      {{BucketKey, QStringLiteral("ember-backups")}}),
            backendOf(QStringLiteral("default-bucket"), QStringLiteral("s3")),
            backendOf(QStringLiteral("local"), QStringLiteral("posix"),
                      {{QStringLiteral("backup_posix_path"), QStringLiteral("/srv/b")}})};
        model.apply(snapshot);
        QCOMPARE(model.index(0, BackendModel::Location).data().toString(),
                 QStringLiteral("ember-backups"));
        // The schema's default bucket when none is set.
        QCOMPARE(model.index(1, BackendModel::Location).data().toString(),
                 QStringLiteral("volumebackups"));
        QCOMPARE(model.index(2, BackendModel::Location).data().toString(),
                 QStringLiteral("/srv/b"));
        QCOMPARE(model.index(0, BackendModel::Type).data().toString(),
                 findBackendType(QStringLiteral("s3"))->displayName);
        QCOMPARE(model.index(2, BackendModel::Type).data().toString(),
                 findBackendType(QStringLiteral("posix"))->displayName);
    }
};

QTEST_MAIN(TestSchemaPages)
#include "test_schemapages.moc"
