#include "backendwizard.h"

#include "appcontext.h"
#include "async.h"
#include "backendregistry.h"
#include "bandwidth.h"
#include "cephpages.h"
#include "dialogbuttons.h"
#include "encryptionpage.h"
#include "itemroles.h"
#include "s3page.h"
#include "swiftpage.h"
#include "tsmpage.h"

#include "problemlabel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStorageInfo>
#include <QTableView>
#include <QTreeWidget>
#include <QUuid>
#include <QVBoxLayout>

namespace ember::ui {

// ---------------------------------------------------------------- registry

static QMap<QString, BackendPageRegistry::Factory>& registry()
{
    static QMap<QString, BackendPageRegistry::Factory> factories{
        {QStringLiteral("posix"), [](QWidget* parent) { return new LocalDirectoryPage(parent); }},
        {QStringLiteral("swift"), [](QWidget* parent) { return new SwiftPage(parent); }},
        {QStringLiteral("ceph"), [](QWidget* parent) { return new CephPage(parent); }},
        {QStringLiteral("tsm"), [](QWidget* parent) { return new TsmPage(parent); }},
        {QStringLiteral("s3"), [](QWidget* parent) { return new S3Page(parent); }},
    };
    return factories;
}

void BackendPageRegistry::add(const QString& type, Factory factory)
{
    registry().insert(type, std::move(factory));
}

bool BackendPageRegistry::has(const QString& type)
{
    return registry().contains(type);
}

QStringList BackendPageRegistry::types()
{
    return registry().keys();
}

BackendOptionsPage* BackendPageRegistry::create(const QString& type, QWidget* parent)
{
    const auto factory = registry().value(type);
    return factory ? factory(parent) : nullptr;
}

int BackendOptionsPage::nextId() const
{
    // Encryption applies to chunked types only (decided by capability).
    const auto* backendWizard = qobject_cast<const BackendWizard*>(wizard());
    if (backendWizard && backendWizard->encryptionPage() && backendWizard->chosenTypeIsChunked())
        return BackendWizard::EncryptionPageId;
    return BackendWizard::TestPageId;
}

// ---------------------------------------------------------------- test widget

ConnectionTestWidget::ConnectionTestWidget(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("connectionTest"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("checks"));
    m_list->setHeaderLabels({tr("Check"), tr("Result")});
    m_list->setRootIsDecorated(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->setWordWrap(true);
    layout->addWidget(m_list);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
}

void ConnectionTestWidget::run(const QList<LiveCheck>& checks)
{
    const quint64 generation = ++m_generation;
    m_list->clear();
    m_running = true;
    m_finished = false;
    m_failures = 0;
    for (const LiveCheck& check : checks) {
        auto* item = new QTreeWidgetItem(m_list, {check.title, tr("waiting…")});
        item->setIcon(0, style()->standardIcon(QStyle::SP_BrowserReload));
    }
    m_summary->setText(tr("Testing…"));
    runCheck(generation, checks, 0);
}

void ConnectionTestWidget::runCheck(quint64 generation, const QList<LiveCheck>& checks, int row)
{
    if (row >= checks.size()) {
        // Finished (or nothing to check): said from the event loop, as after a check.
        runInBackground(
            this, [] {}, [this, generation](const AsyncOutcome<void>&) { done(generation); });
        return;
    }
    // One check at a time, each shown as it finishes; a newer run or the
    // widget's end stops the chain.
    runInBackground(
        this, [check = checks.at(row)] { return check.run(); },
        [this, generation, checks, row](const AsyncOutcome<CheckResult>& outcome) {
            if (generation != m_generation)
                return;
            report(generation, row,
                   outcome.ok() ? *outcome.value : CheckResult{CheckResult::Fail, outcome.error});
            runCheck(generation, checks, row + 1);
        });
}

void ConnectionTestWidget::runReport(std::function<ConnectionReport()> test)
{
    const quint64 generation = ++m_generation;
    m_list->clear();
    m_running = true;
    m_finished = false;
    m_failures = 0;
    auto* item = new QTreeWidgetItem(m_list, {tr("Connecting"), tr("waiting…")});
    item->setIcon(0, style()->standardIcon(QStyle::SP_BrowserReload));
    m_summary->setText(tr("Testing…"));
    runInBackground(this, std::move(test),
                    [this, generation](const AsyncOutcome<ConnectionReport>& outcome) {
                        ConnectionReport result;
                        if (outcome.ok())
                            result = *outcome.value;
                        else
                            result.checks.append({QStringLiteral("connect"), false, outcome.error});
                        showReport(generation, result);
                    });
}

void ConnectionTestWidget::showReport(quint64 generation, const ConnectionReport& report)
{
    if (generation != m_generation)
        return;
    m_list->clear();
    for (int row = 0; row < report.checks.size(); ++row) {
        const ember::ConnectionCheck& check = report.checks.at(row);
        new QTreeWidgetItem(m_list, {check.name, QString()});
        this->report(generation, row,
                     {check.ok ? CheckResult::Pass : CheckResult::Fail, check.detail});
    }
    for (const QString& fact : report.facts) {
        auto* item = new QTreeWidgetItem(m_list, {tr("Found"), fact});
        item->setIcon(0, style()->standardIcon(QStyle::SP_MessageBoxInformation));
    }
    if (report.checks.isEmpty())
        ++m_failures; // nothing was checked: not a pass
    done(generation);
}

void ConnectionTestWidget::report(quint64 generation, int row, const CheckResult& result)
{
    if (generation != m_generation)
        return; // a newer run replaced this one
    QTreeWidgetItem* item = m_list->topLevelItem(row);
    if (!item)
        return;
    switch (result.level) {
    case CheckResult::Pass:
        item->setIcon(0, style()->standardIcon(QStyle::SP_DialogApplyButton));
        break;
    case CheckResult::Warning:
        item->setIcon(0, style()->standardIcon(QStyle::SP_MessageBoxWarning));
        break;
    case CheckResult::Fail:
        item->setIcon(0, style()->standardIcon(QStyle::SP_DialogCancelButton));
        ++m_failures;
        break;
    }
    item->setText(1, result.detail.isEmpty() ? tr("ok") : result.detail);
    item->setToolTip(1, result.detail);
}

void ConnectionTestWidget::done(quint64 generation)
{
    if (generation != m_generation)
        return;
    m_running = false;
    m_finished = true;
    m_summary->setText(m_failures == 0 ? tr("All checks passed.")
                                       : tr("%n check(s) failed: fix the settings and test again.",
                                            "", m_failures));
    Q_EMIT finished(m_failures == 0);
}

// ---------------------------------------------------------------- pages

namespace {

class GeneralPage : public QWizardPage
{
    Q_OBJECT
public:
    GeneralPage(BackendWizard* wizard) : QWizardPage(wizard), m_wizard(wizard)
    {
        setTitle(tr("Backend"));
        setSubTitle(tr("Name the backend and choose where it keeps backups."));
        auto* form = new QFormLayout(this);
        m_name = new QLineEdit(this);
        m_name->setObjectName(QStringLiteral("backendName"));
        form->addRow(tr("&Name:"), m_name);
        m_type = new QComboBox(this);
        m_type->setObjectName(QStringLiteral("backendType"));
        for (const BackendType& type : backendTypes()) {
            m_type->addItem(type.displayName.isEmpty() ? type.type : type.displayName, type.type);
            const int row = m_type->count() - 1;
            QString refusal;
            if (!type.available)
                refusal = type.unavailableReason;
            else if (!BackendPageRegistry::has(type.type))
                refusal = tr("not configurable in this version");
            m_type->setItemData(row, type.description, Qt::ToolTipRole);
            if (!refusal.isEmpty()) {
                m_type->setItemData(row, refusal, Qt::ToolTipRole);
                m_type->setItemData(row, 0, Qt::UserRole - 1); // disables the item
                m_type->setItemText(row, tr("%1 — %2").arg(m_type->itemText(row), refusal));
            }
        }
        if (m_type->count() == 0)
            m_type->addItem(tr("Local directory"), QStringLiteral("posix"));
        m_type->setCurrentIndex(qMax(0, m_type->findData(QStringLiteral("posix"))));
        form->addRow(tr("&Type:"), m_type);
        // The plugin's own sentence about the chosen type.
        auto* description = new QLabel(this);
        description->setObjectName(QStringLiteral("backendTypeDescription"));
        description->setWordWrap(true);
        form->addRow(QString(), description);
        const auto describe = [this, description] {
            const BackendType* type = findBackendType(m_type->currentData().toString());
            description->setText(type ? type->description : QString());
        };
        connect(m_type, &QComboBox::currentIndexChanged, this, describe);
        describe();
        m_default = new QCheckBox(tr("Use for new backups by &default"), this);
        form->addRow(QString(), m_default);
        m_problem = new QLabel(this);
        m_problem->setStyleSheet(QStringLiteral("color: #c62828"));
        m_problem->setWordWrap(true);
        form->addRow(m_problem);
        registerField(QStringLiteral("name*"), m_name);
        registerField(QStringLiteral("type"), m_type, "currentData");
        registerField(QStringLiteral("isDefault"), m_default);
        connect(m_name, &QLineEdit::textChanged, this, [this] { m_problem->clear(); });
    }

    void preset(const BackendConfig& backend)
    {
        m_name->setText(backend.name);
        m_name->setReadOnly(true);
        m_type->setCurrentIndex(qMax(0, m_type->findData(backend.type)));
        m_type->setEnabled(false);
        m_default->setChecked(backend.isDefault);
    }

    bool validatePage() override
    {
        const QString name = m_name->text().trimmed();
        QString problem;
        if (name.contains(QLatin1Char('/')) || name.contains(QLatin1Char(' ')))
            problem = tr("A backend name may not contain “/” or spaces.");
        else if (!m_wizard->isEditing() && m_wizard->snapshot()->backend(name))
            problem = tr("A backend named “%1” exists already.").arg(name);
        else if (m_wizard->optionsPageId(m_type->currentData().toString()) < 0)
            problem = tr("This backend type cannot be configured here.");
        m_problem->setText(problem);
        return problem.isEmpty();
    }

    int nextId() const override
    {
        const int id = m_wizard->optionsPageId(m_type->currentData().toString());
        return id < 0 ? BackendWizard::TestPageId : id;
    }

private:
    BackendWizard* m_wizard;
    QLineEdit* m_name;
    QComboBox* m_type;
    QCheckBox* m_default;
    QLabel* m_problem;
};

class TestPage : public QWizardPage
{
    Q_OBJECT
public:
    TestPage(BackendWizard* wizard) : QWizardPage(wizard), m_wizard(wizard)
    {
        setTitle(tr("Connection Test"));
        setSubTitle(tr("Ember checks that it can store backups with these settings."));
        auto* layout = new QVBoxLayout(this);
        m_test = new ConnectionTestWidget(this);
        layout->addWidget(m_test);
        auto* again = new QPushButton(tr("Test &Again"), this);
        again->setObjectName(QStringLiteral("testAgain"));
        layout->addWidget(again, 0, Qt::AlignRight);
        connect(again, &QPushButton::clicked, this, [this] { initializePage(); });
        connect(m_test, &ConnectionTestWidget::finished, this, &QWizardPage::completeChanged);
    }
    void initializePage() override
    {
        BackendOptionsPage* page = m_wizard->optionsPage();
        const QList<LiveCheck> checks = page ? page->checks() : QList<LiveCheck>();
        if (!checks.isEmpty()) {
            m_test->run(checks);
        } else {
            const BackendConfig config = m_wizard->config();
            const BackendSecrets entered = m_wizard->secrets();
            m_test->runReport([config, entered, stored = m_wizard->storedSecrets()] {
                // What was typed wins over what the keyring holds.
                BackendSecrets secrets = stored ? stored(config) : BackendSecrets();
                for (auto it = entered.begin(); it != entered.end(); ++it)
                    secrets.insert(it.key(), it.value());
                return testBackendConnection(config, secrets);
            });
        }
        Q_EMIT completeChanged();
    }
    bool isComplete() const override { return m_test->passed(); }
    ConnectionTestWidget* test() const { return m_test; }

private:
    BackendWizard* m_wizard;
    ConnectionTestWidget* m_test;
};

} // namespace

BackendWizard::BackendWizard(std::shared_ptr<const CatalogSnapshot> snapshot,
                             std::optional<BackendConfig> editing, QWidget* parent)
    : QWizard(parent), m_snapshot(std::move(snapshot)), m_editing(std::move(editing))
{
    setObjectName(QStringLiteral("backendWizard"));
    setWindowTitle(m_editing ? tr("Edit Backend %1").arg(m_editing->name) : tr("Add Backend"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    auto* general = new GeneralPage(this);
    setPage(GeneralPageId, general);
    int id = FirstOptionsPageId;
    for (const QString& type : BackendPageRegistry::types()) {
        BackendOptionsPage* page = BackendPageRegistry::create(type, this);
        if (!page)
            continue;
        page->setFinalPage(false);
        m_pageIds.insert(type, id);
        setPage(id, page);
        if (m_editing && m_editing->type == type)
            page->load(*m_editing);
        ++id;
    }
    setPage(TestPageId, new TestPage(this));
    if (m_editing)
        general->preset(*m_editing);
    setButtonText(QWizard::FinishButton, m_editing ? tr("Save") : tr("Add Backend"));
    resize(640, 480);
}

void BackendWizard::setKeyStore(KeyStore& keys)
{
    if (encryptionPage())
        return;
    auto* encryption = new EncryptionPage(keys, this);
    setPage(EncryptionPageId, encryption);
    if (m_editing)
        encryption->load(*m_editing);
    // The encryption page owns these options: the schema forms (S3) must not
    // offer them a second time.
    const QStringList pageOptions{QStringLiteral("backup_ember_encryption"),
                                  QStringLiteral("ember_encryption_key")};
    for (const int id : std::as_const(m_pageIds)) {
        QWidget* optionsPage = page(id);
        for (const QString& key : pageOptions) {
            auto* editor = optionsPage->findChild<QWidget*>(QStringLiteral("option_%1").arg(key));
            if (!editor)
                continue;
            editor->hide();
            for (QLabel* label : optionsPage->findChildren<QLabel*>())
                if (label->buddy() == editor)
                    label->hide();
        }
    }
}

EncryptionPage* BackendWizard::encryptionPage() const
{
    return qobject_cast<EncryptionPage*>(page(EncryptionPageId));
}

bool BackendWizard::chosenTypeIsChunked() const
{
    const BackendType* type = findBackendType(field(QStringLiteral("type")).toString());
    return type && type->capabilities.chunked;
}

BackendOptionsPage* BackendWizard::optionsPage() const
{
    const int id = m_pageIds.value(field(QStringLiteral("type")).toString(), -1);
    return id < 0 ? nullptr : qobject_cast<BackendOptionsPage*>(page(id));
}

QMap<QString, QString> BackendWizard::secrets() const
{
    BackendOptionsPage* page = optionsPage();
    return page ? page->secrets() : QMap<QString, QString>();
}

BackendConfig BackendWizard::config() const
{
    BackendConfig config;
    if (m_editing)
        config = *m_editing;
    config.name = field(QStringLiteral("name")).toString().trimmed();
    config.type = field(QStringLiteral("type")).toString();
    config.isDefault = field(QStringLiteral("isDefault")).toBool();
    if (BackendOptionsPage* page = optionsPage()) {
        // Keep options this wizard does not show (e.g. set by ember-cli).
        const QJsonObject shown = page->options();
        for (auto it = shown.begin(); it != shown.end(); ++it)
            config.options.insert(it.key(), it.value());
    }
    if (EncryptionPage* encryption = encryptionPage(); encryption && chosenTypeIsChunked()) {
        const QJsonObject chosen = encryption->options();
        if (!chosen.contains(QStringLiteral("ember_encryption_key")))
            config.options.remove(QStringLiteral("ember_encryption_key"));
        for (auto it = chosen.begin(); it != chosen.end(); ++it)
            config.options.insert(it.key(), it.value());
    }
    if (!config.createdAt.isValid())
        config.createdAt = QDateTime::currentDateTimeUtc();
    return config;
}

// ---------------------------------------------------------------- local directory

QStringList LocalDirectoryPage::compressionAlgorithms()
{
    // Cinder's backup_compression_algorithm values.
    return {QStringLiteral("zlib"), QStringLiteral("bz2"), QStringLiteral("zstd"),
            QStringLiteral("none")};
}

QString LocalDirectoryPage::sizeProblem(qint64 objectSize, qint64 shaBlockSize)
{
    if (shaBlockSize <= 0 || objectSize <= 0)
        return tr("Sizes must be positive.");
    if (objectSize % shaBlockSize != 0)
        return tr("The object size (%1 bytes) must be a multiple of the SHA block size (%2 bytes), "
                  "as Cinder requires.")
            .arg(objectSize)
            .arg(shaBlockSize);
    return {};
}

// ---------------------------------------------------------------- bandwidth limits

namespace {
const QString UploadLimitKey = QStringLiteral("ember_bandwidth_upload");
const QString DownloadLimitKey = QStringLiteral("ember_bandwidth_download");
} // namespace

BandwidthLimitFields::BandwidthLimitFields(QWidget* parent, QFormLayout* form,
                                           std::function<void()> changed)
{
    const auto field = [&](const QString& key, const QString& label) {
        auto* edit = new QLineEdit(parent);
        edit->setObjectName(QStringLiteral("option_%1").arg(key));
        edit->setPlaceholderText(
            BackendOptionsPage::tr("unlimited, e.g. 10MB/s 08:00-18:00, 50MB/s"));
        edit->setToolTip(
            BackendOptionsPage::tr(
                "Rules separated by commas, each a rate (B, kB, MB, GB or KiB, MiB, GiB per "
                "second) "
                "with an optional time window HH:MM-HH:MM; the first rule whose window holds "
                "applies. Empty = unlimited. (%1)")
                .arg(key));
        if (changed)
            QObject::connect(edit, &QLineEdit::textChanged, parent, [changed] { changed(); });
        form->addRow(label, edit);
        return edit;
    };
    m_upload = field(UploadLimitKey, BackendOptionsPage::tr("&Upload limit:"));
    m_download = field(DownloadLimitKey, BackendOptionsPage::tr("Do&wnload limit:"));
}

void BandwidthLimitFields::load(const QJsonObject& options)
{
    m_loaded = options;
    m_upload->setText(options.value(UploadLimitKey).toString());
    m_download->setText(options.value(DownloadLimitKey).toString());
}

void BandwidthLimitFields::writeTo(QJsonObject& options) const
{
    for (const auto& [key, edit] :
         {std::pair(UploadLimitKey, m_upload), std::pair(DownloadLimitKey, m_download)}) {
        const QString text = edit->text().trimmed();
        if (!text.isEmpty() || m_loaded.contains(key))
            options.insert(key, text);
    }
}

QString BandwidthLimitFields::problem() const
{
    for (const auto& [key, edit] :
         {std::pair(UploadLimitKey, m_upload), std::pair(DownloadLimitKey, m_download)})
        if (const QString why = bandwidthScheduleProblem(edit->text()); !why.isEmpty())
            return QStringLiteral("%1: %2").arg(key, why);
    return {};
}

void BandwidthLimitFields::setEnabled(bool enabled)
{
    m_upload->setEnabled(enabled);
    m_download->setEnabled(enabled);
}

QVBoxLayout* BackendOptionsPage::scrollingLayout()
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    scroll->setWidget(content);
    outer->addWidget(scroll);
    return new QVBoxLayout(content);
}

LocalDirectoryPage::LocalDirectoryPage(QWidget* parent) : BackendOptionsPage(parent)
{
    setObjectName(QStringLiteral("localDirectoryPage"));
    setTitle(tr("Local Directory"));
    setSubTitle(tr("Backups are stored as files in a directory, in Cinder's posix driver "
                   "format (an NFS mount works too)."));
    auto* form = new QFormLayout(this);
    auto* pathRow = new QHBoxLayout;
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("posixPath"));
    m_path->setPlaceholderText(tr("/srv/backups"));
    pathRow->addWidget(m_path);
    pathRow->addWidget(
        browseButton(this, m_path, tr("&Browse…"), tr("Backup Directory"), QFileDialog::Directory));
    auto* pathLabel = new QLabel(tr("&Directory:"), this);
    pathLabel->setBuddy(m_path);
    form->addRow(pathLabel, pathRow);
    m_compression = new QComboBox(this);
    m_compression->setObjectName(QStringLiteral("compression"));
    for (const QString& algorithm : compressionAlgorithms())
        m_compression->addItem(algorithm, algorithm);
    form->addRow(tr("&Compression:"), m_compression);
    m_objectSizeKiB = new QSpinBox(this);
    m_objectSizeKiB->setObjectName(QStringLiteral("objectSize"));
    m_objectSizeKiB->setRange(32, 2 * 1024 * 1024);
    m_objectSizeKiB->setSuffix(tr(" KiB"));
    m_objectSizeKiB->setValue(1999994880 / 1024); // Cinder's backup_file_size
    form->addRow(tr("&Object size:"), m_objectSizeKiB);
    m_shaBlockKiB = new QSpinBox(this);
    m_shaBlockKiB->setObjectName(QStringLiteral("shaBlockSize"));
    m_shaBlockKiB->setRange(4, 1024 * 1024);
    m_shaBlockKiB->setSuffix(tr(" KiB"));
    m_shaBlockKiB->setValue(32);
    form->addRow(tr("&SHA block size:"), m_shaBlockKiB);
    auto* note = new QLabel(tr("Incremental backups compare SHA-256 hashes of blocks of this "
                               "size. Keep Cinder's defaults to share backups with Cinder."),
                            this);
    note->setWordWrap(true);
    form->addRow(note);
    // A malformed limit is named as it is typed, in the engine's words.
    m_limits = std::make_unique<BandwidthLimitFields>(
        this, form, [this] { m_problem->setText(m_limits->problem()); });
    m_problem = problemLabel(this);
    form->addRow(m_problem);
    registerField(QStringLiteral("posix.path*"), m_path);
}

void LocalDirectoryPage::load(const BackendConfig& backend)
{
    const QJsonObject& options = backend.options;
    m_path->setText(options.value(QStringLiteral("backup_posix_path")).toString());
    const QString compression = options.value(QStringLiteral("backup_compression_algorithm"))
                                    .toString(QStringLiteral("zlib"));
    if (m_compression->findData(compression) < 0)
        m_compression->addItem(compression, compression);
    m_compression->setCurrentIndex(m_compression->findData(compression));
    m_objectSizeKiB->setValue(static_cast<int>(
        options.value(QStringLiteral("backup_file_size")).toInteger(1999994880) / 1024));
    m_shaBlockKiB->setValue(static_cast<int>(
        options.value(QStringLiteral("backup_sha_block_size_bytes")).toInteger(32768) / 1024));
    m_limits->load(options);
}

QJsonObject LocalDirectoryPage::options() const
{
    QJsonObject options{
        {QStringLiteral("backup_posix_path"), QDir::cleanPath(m_path->text().trimmed())},
        {QStringLiteral("backup_compression_algorithm"), m_compression->currentData().toString()},
        {QStringLiteral("backup_file_size"), qint64(m_objectSizeKiB->value()) * 1024},
        {QStringLiteral("backup_sha_block_size_bytes"), qint64(m_shaBlockKiB->value()) * 1024},
    };
    m_limits->writeTo(options);
    return options;
}

bool LocalDirectoryPage::validatePage()
{
    QString problem;
    const QString path = m_path->text().trimmed();
    if (!QDir::isAbsolutePath(path))
        problem = tr("Enter an absolute path, e.g. /srv/backups.");
    else
        problem = sizeProblem(qint64(m_objectSizeKiB->value()) * 1024,
                              qint64(m_shaBlockKiB->value()) * 1024);
    if (problem.isEmpty())
        problem = m_limits->problem();
    m_problem->setText(problem);
    return problem.isEmpty();
}

QList<LiveCheck> LocalDirectoryPage::checks() const
{
    const QString path = QDir::cleanPath(m_path->text().trimmed());
    const qint64 objectSize = qint64(m_objectSizeKiB->value()) * 1024;
    QList<LiveCheck> checks;
    checks.append(
        {tr("The directory exists"), [path]() -> CheckResult {
             QFileInfo info(path);
             if (info.isDir())
                 return {CheckResult::Pass, path};
             if (info.exists())
                 return {CheckResult::Fail, tr("%1 exists but is not a directory.").arg(path)};
             if (!QDir().mkpath(path))
                 return {CheckResult::Fail,
                         tr("%1 does not exist and could not be created.").arg(path)};
             return {CheckResult::Pass, tr("created %1").arg(path)};
         }});
    checks.append(
        {tr("Free space"), [path, objectSize]() -> CheckResult {
             QStorageInfo storage(path);
             if (!storage.isValid())
                 return {CheckResult::Fail, tr("cannot tell the free space of %1").arg(path)};
             const qint64 free = storage.bytesAvailable();
             const QString text =
                 tr("%1 free of %2 on %3")
                     .arg(formatBytes(free), formatBytes(storage.bytesTotal()), storage.rootPath());
             if (free < objectSize)
                 return {CheckResult::Fail, tr("%1: less than one object").arg(text)};
             if (free < (qint64(1) << 30))
                 return {CheckResult::Warning, tr("%1: less than 1 GiB").arg(text)};
             return {CheckResult::Pass, text};
         }});
    checks.append(
        {tr("Write permission"), [path]() -> CheckResult {
             const QString probe =
                 QDir(path).filePath(QStringLiteral(".ember-write-test-%1")
                                         .arg(QUuid::createUuid().toString(QUuid::WithoutBraces)));
             QFile file(probe);
             const QByteArray data(64 * 1024, 'e');
             if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() ||
                 !file.flush()) {
                 const QString error = file.errorString();
                 file.remove();
                 return {CheckResult::Fail, tr("cannot write in %1: %2").arg(path, error)};
             }
             file.close();
             QFile back(probe);
             const bool same = back.open(QIODevice::ReadOnly) && back.readAll() == data;
             back.remove();
             if (!same)
                 return {CheckResult::Fail, tr("data written to %1 did not read back").arg(path)};
             return {CheckResult::Pass, tr("wrote, read back and removed a test file")};
         }});
    return checks;
}

// ---------------------------------------------------------------- backends view

BackendsDialog::BackendsDialog(AppContext& context, QWidget* parent)
    : QDialog(parent), m_context(context)
{
    setObjectName(QStringLiteral("backendsDialog"));
    setWindowTitle(tr("Backends"));
    auto* layout = new QHBoxLayout(this);
    m_view = new QTableView(this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(&context.backendModel());
    proxy->setSortRole(RawValueRole);
    m_view->setModel(proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(BackendModel::Name, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->hide();
    m_view->resizeColumnsToContents();
    layout->addWidget(m_view, 1);
    auto* buttons = new QVBoxLayout;
    auto* add = new QPushButton(tr("&Add…"), this);
    m_edit = new QPushButton(tr("&Edit…"), this);
    m_test = new QPushButton(tr("&Test"), this);
    m_default = new QPushButton(tr("Make &Default"), this);
    m_remove = new QPushButton(tr("&Remove"), this);
    auto* close = new QPushButton(tr("Close"), this);
    for (QPushButton* button : {add, m_edit, m_test, m_default, m_remove})
        buttons->addWidget(button);
    buttons->addStretch();
    buttons->addWidget(close);
    layout->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, [this] { addBackend(); });
    connect(m_edit, &QPushButton::clicked, this, &BackendsDialog::editBackend);
    connect(m_test, &QPushButton::clicked, this, &BackendsDialog::testBackend);
    connect(m_default, &QPushButton::clicked, this, &BackendsDialog::makeDefault);
    connect(m_remove, &QPushButton::clicked, this, &BackendsDialog::removeBackend);
    connect(close, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_view, &QTableView::doubleClicked, this, &BackendsDialog::editBackend);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &BackendsDialog::updateButtons);
    connect(&context.backendModel(), &QAbstractItemModel::dataChanged, this,
            &BackendsDialog::updateButtons);
    connect(&context.backendModel(), &QAbstractItemModel::rowsRemoved, this,
            &BackendsDialog::updateButtons);
    updateButtons();
    resize(760, 320);
}

std::optional<BackendConfig> BackendsDialog::current() const
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid() || !m_view->selectionModel()->isSelected(index))
        return std::nullopt;
    return m_context.snapshot()->backend(index.data(IdRole).toString());
}

void BackendsDialog::updateButtons()
{
    const auto backend = current();
    m_edit->setEnabled(backend && BackendPageRegistry::has(backend->type));
    m_test->setEnabled(backend.has_value());
    m_default->setEnabled(backend && !backend->isDefault);
    const int backups = backend ? m_context.backendModel().backupCount(backend->name) : 0;
    m_remove->setEnabled(backend && backups == 0 && !backend->isDefault);
    QString why;
    if (backend && backups > 0)
        why = tr("%n backup(s) are stored on this backend: delete them first.", "", backups);
    else if (backend && backend->isDefault)
        why = tr("This is the default backend: make another backend the default first.");
    m_remove->setToolTip(why);
}

void BackendsDialog::watchKeys(BackendWizard* wizard, KeyStore& keys)
{
    wizard->setKeyStore(keys);
    // A key made or exported on the encryption page is news for the whole app.
    AppContext* context = &m_context;
    connect(wizard->encryptionPage(), &EncryptionPage::keyCreated, context,
            &AppContext::notifyKeysChanged);
    connect(wizard->encryptionPage(), &EncryptionPage::keyExported, context,
            &AppContext::notifyKeysChanged);
}

BackendWizard* BackendsDialog::addBackend()
{
    auto* wizard = new BackendWizard(m_context.snapshot(), std::nullopt, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    if (KeyStore* keys = m_context.keyStore())
        watchKeys(wizard, *keys);
    connect(wizard, &QWizard::accepted, this,
            [this, wizard] { save(wizard->config(), wizard->secrets()); });
    wizard->open();
    return wizard;
}

void BackendsDialog::editBackend()
{
    const auto backend = current();
    if (!backend)
        return;
    auto* wizard = new BackendWizard(m_context.snapshot(), backend, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    if (KeyStore* keys = m_context.keyStore())
        watchKeys(wizard, *keys);
    wizard->setStoredSecrets(m_context.secretProvider());
    connect(wizard, &QWizard::accepted, this,
            [this, wizard] { save(wizard->config(), wizard->secrets()); });
    wizard->open();
}

void BackendsDialog::testBackend()
{
    const auto backend = current();
    if (!backend)
        return;
    QList<LiveCheck> checks;
    if (BackendOptionsPage* page = BackendPageRegistry::create(backend->type, nullptr)) {
        page->load(*backend);
        checks = page->checks();
        delete page;
    }
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Test Backend %1").arg(backend->name));
    auto* layout = new QVBoxLayout(dialog);
    auto* test = new ConnectionTestWidget(dialog);
    layout->addWidget(test);
    auto* close = new QPushButton(tr("Close"), dialog);
    layout->addWidget(close, 0, Qt::AlignRight);
    connect(close, &QPushButton::clicked, dialog, &QDialog::accept);
    dialog->resize(560, 260);
    dialog->open();
    if (!checks.isEmpty()) {
        test->run(checks);
    } else {
        // The shared test, with the secrets from the keyring (read in the worker).
        test->runReport([config = *backend, secrets = m_context.secretProvider()] {
            return testBackendConnection(config, secrets ? secrets(config) : BackendSecrets());
        });
    }
}

void BackendsDialog::makeDefault()
{
    auto backend = current();
    if (!backend)
        return;
    backend->isDefault = true;
    save(*backend);
}

void BackendsDialog::removeBackend()
{
    const auto backend = current();
    if (!backend)
        return;
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Remove Backend"),
        tr("Remove the backend “%1”? Its directory and files are kept.").arg(backend->name),
        QMessageBox::Cancel, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    const QString name = backend->name;
    connect(box, &QMessageBox::buttonClicked, this, [this, remove, name](QAbstractButton* button) {
        if (button != remove)
            return;
        m_context.runQuick(
            this,
            [name](BackupService& service) {
                service.catalog().removeBackend(name);
                return QVariant();
            },
            [this](const QVariant&, const QString& error) {
                if (!error.isEmpty())
                    showError(error);
            });
    });
    box->open();
}

void BackendsDialog::save(const BackendConfig& config, const QMap<QString, QString>& secrets)
{
    AppContext* context = &m_context;
    m_context.runQuick(
        this,
        [config, secrets, context](BackupService& service) {
            // Secrets first: a backend must not appear before it can work.
            context->storeSecretsBlocking(config.name, secrets);
            service.catalog().upsertBackend(config);
            return QVariant();
        },
        [this](const QVariant&, const QString& error) {
            if (!error.isEmpty())
                showError(error);
        });
}

void BackendsDialog::showError(const QString& message)
{
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Backends"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace ember::ui

#include "backendwizard.moc"
