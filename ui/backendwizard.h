// Backend configuration: a QWizard framework (in the style of Qt's License
// Wizard example) with a general page, one options page per backend type and
// a live, asynchronous connection-test page. Each backend type brings one
// BackendOptionsPage (its options, its secrets, its checks) and one line in
// the registry's table in backendwizard.cpp (or BackendPageRegistry::add()
// before the wizard opens); the general and test pages stay the same. This
// file brings the local-directory backend.
#pragma once

#include "backendregistry.h"
#include "catalogsnapshot.h"

#include <QDialog>
#include <QFileDialog>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QWizard>
#include <QWizardPage>
#include <functional>
#include <memory>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTreeWidget;

namespace ember {
class KeyStore;
}

namespace ember::ui {

class AppContext;
class EncryptionPage;

// One check of a backend's connection test, run on a worker thread. Pages
// that list no checks of their own get the shared testBackendConnection()
// (the same answers as `ember-cli backend-test`).
struct CheckResult
{
    enum Level
    {
        Pass,
        Warning,
        Fail
    };
    Level level = Pass;
    QString detail;
};
struct LiveCheck
{
    QString title;
    std::function<CheckResult()> run;
};

// The options page of one backend type.
class BackendOptionsPage : public QWizardPage
{
    Q_OBJECT
public:
    using QWizardPage::QWizardPage;
    virtual QString backendType() const = 0;
    virtual void load(const BackendConfig& backend) = 0;
    virtual QJsonObject options() const = 0;
    // Checks copy what they need: they run after the page may be gone.
    // Empty: the test page runs the shared testBackendConnection().
    virtual QList<LiveCheck> checks() const { return {}; }
    // Secrets (keyring) for types that have them; none for the local directory.
    virtual QMap<QString, QString> secrets() const { return {}; }
    // Always the connection test: the other types' pages are not in the path.
    int nextId() const override;

protected:
    // For long pages: a scroll area filling the page; returns its content's layout.
    QVBoxLayout* scrollingLayout();
};

class BackendPageRegistry
{
public:
    using Factory = std::function<BackendOptionsPage*(QWidget* parent)>;
    static void add(const QString& type, Factory factory);
    static bool has(const QString& type);
    static QStringList types();
    static BackendOptionsPage* create(const QString& type, QWidget* parent);
};

// Lists each check with its result as it arrives; the checks run one after
// another off the UI thread (runInBackground) so the window stays responsive.
class ConnectionTestWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionTestWidget(QWidget* parent = nullptr);
    void run(const QList<LiveCheck>& checks);
    // One blocking call that answers every check at once (the shared API).
    void runReport(std::function<ConnectionReport()> test);
    bool isRunning() const { return m_running; }
    bool passed() const { return m_finished && m_failures == 0; }
    bool isFinished() const { return m_finished; }

Q_SIGNALS:
    void finished(bool passed);

private:
    void runCheck(quint64 generation, const QList<LiveCheck>& checks, int row);
    void report(quint64 generation, int row, const CheckResult& result);
    void showReport(quint64 generation, const ConnectionReport& report);
    void done(quint64 generation);
    QTreeWidget* m_list = nullptr;
    QLabel* m_summary = nullptr;
    bool m_running = false;
    bool m_finished = false;
    int m_failures = 0;
    quint64 m_generation = 0;
};

class BackendWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId
    {
        GeneralPageId = 0,
        FirstOptionsPageId = 10,
        EncryptionPageId = 900,
        TestPageId = 1000
    };

    // `editing` set: edits that backend (its name and type are fixed).
    BackendWizard(std::shared_ptr<const CatalogSnapshot> snapshot,
                  std::optional<BackendConfig> editing, QWidget* parent = nullptr);

    BackendConfig config() const;
    // Secrets entered on the options page (kept in the keyring, never in options).
    QMap<QString, QString> secrets() const;
    BackendOptionsPage* optionsPage() const;
    int optionsPageId(const QString& type) const { return m_pageIds.value(type, -1); }
    std::shared_ptr<const CatalogSnapshot> snapshot() const { return m_snapshot; }
    bool isEditing() const { return m_editing.has_value(); }
    // Editing: reads the secrets already in the keyring (blocking, called on
    // the test's worker thread), so a test works without retyping them.
    void setStoredSecrets(SecretProvider stored) { m_storedSecrets = std::move(stored); }
    SecretProvider storedSecrets() const { return m_editing ? m_storedSecrets : SecretProvider(); }
    // Adds the encryption page (after the options page of chunked types) on
    // this key store, which must outlive the wizard. Without it the wizard
    // leaves encryption options as they are.
    void setKeyStore(KeyStore& keys);
    EncryptionPage* encryptionPage() const;
    // Whether the chosen type is in Cinder's chunked format (encryption applies).
    bool chosenTypeIsChunked() const;

private:
    SecretProvider m_storedSecrets;
    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    std::optional<BackendConfig> m_editing;
    QHash<QString, int> m_pageIds;
};

// The bandwidth limits of a chunked backend (ember_bandwidth_upload and
// ember_bandwidth_download, drivers/bandwidth.h) for pages and dialogs that
// draw their own form: two rows checked by the engine's own parser.
class BandwidthLimitFields
{
public:
    // Adds the two rows to `form`; `changed` runs after every edit.
    BandwidthLimitFields(QWidget* parent, QFormLayout* form, std::function<void()> changed = {});
    void load(const QJsonObject& options);
    // Writes the set limits, and an empty one where a stored limit was cleared.
    void writeTo(QJsonObject& options) const;
    // The first malformed limit in the parser's words; empty when both are fine.
    QString problem() const;
    void setEnabled(bool enabled);
    QLineEdit* upload() const { return m_upload; }
    QLineEdit* download() const { return m_download; }

private:
    QLineEdit* m_upload = nullptr;
    QLineEdit* m_download = nullptr;
    QJsonObject m_loaded;
};

// The local-directory (posix) backend's options.
class LocalDirectoryPage : public BackendOptionsPage
{
    Q_OBJECT
public:
    explicit LocalDirectoryPage(QWidget* parent = nullptr);
    QString backendType() const override { return QStringLiteral("posix"); }
    void load(const BackendConfig& backend) override;
    QJsonObject options() const override;
    QList<LiveCheck> checks() const override;
    bool validatePage() override;

    // Empty when the sizes fit Cinder's rules, else why not.
    static QString sizeProblem(qint64 objectSize, qint64 shaBlockSize);
    static QStringList compressionAlgorithms();

private:
    QLineEdit* m_path = nullptr;
    QComboBox* m_compression = nullptr;
    QSpinBox* m_objectSizeKiB = nullptr;
    QSpinBox* m_shaBlockKiB = nullptr;
    std::unique_ptr<BandwidthLimitFields> m_limits;
    QLabel* m_problem = nullptr;
};

// The backends view: add, edit, test and remove backends.
class BackendsDialog : public QDialog
{
    Q_OBJECT
public:
    BackendsDialog(AppContext& context, QWidget* parent = nullptr);
    QTableView* view() const { return m_view; }
    // Opens the wizard for a new backend (the screenshot demo uses it too).
    BackendWizard* addBackend();

private:
    std::optional<BackendConfig> current() const;
    void updateButtons();
    void editBackend();
    void testBackend();
    void makeDefault();
    void removeBackend();
    void save(const BackendConfig& config, const QMap<QString, QString>& secrets = {});
    void showError(const QString& message);
    // Adds the encryption page and tells the app about keys made there.
    void watchKeys(BackendWizard* wizard, KeyStore& keys);

    AppContext& m_context;
    QTableView* m_view = nullptr;
    QPushButton* m_edit = nullptr;
    QPushButton* m_test = nullptr;
    QPushButton* m_default = nullptr;
    QPushButton* m_remove = nullptr;
};

} // namespace ember::ui
