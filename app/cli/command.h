// What every ember-cli command shares: output, held notices, the keyring, the lazily
// opened local catalog or cloud, and the command table entry. The local commands live
// in cli.cpp, the cloud forms (--os-cloud) in cloudcommands.cpp.
#pragma once

#include "backendregistry.h"
#include "backupservice.h"
#include "cinderclient.h"
#include "jobevents.h"
#include "log.h"
#include "output.h"
#include "progress.h"

#ifdef EMBER_HAVE_SECRETS
#include "keystore.h"
#include "secretstore.h"
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <unistd.h>

namespace ember::cli {

// Options of the command table: one that takes a value, and a flag.
inline QCommandLineOption valueOption(const char* name, const char* description,
                                      const char* valueName)
{
    return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description),
                              QString::fromLatin1(valueName));
}
inline QCommandLineOption flagOption(const char* name, const char* description)
{
    return QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(description));
}

void printOut(const QString& text);
void printErr(const QString& text);
// Held until the command ends: folded into the ERROR line on failure, printed after the
// result on success (stderr carries exactly one line on failure).
void holdNotice(const QString& line);

// Runs a long operation with a progress bar and Ctrl-C as cancel, on `control`
// (which may outlive it, e.g. for a job recorder attached to it).
template <typename Work> auto withProgress(OperationControl& control, Work work)
{
    ProgressBar bar(::isatty(STDERR_FILENO) == 1);
    attach(control, bar);
    // Job log lines are for debugging; their warnings are held (see holdNotice).
    control.setLogCallback([](const QString& line) {
        if (line.startsWith(QLatin1String("warning:"), Qt::CaseInsensitive))
            holdNotice(QStringLiteral("WARNING: %1").arg(line.mid(8).trimmed()));
        else
            qCDebug(lcCli).noquote() << line;
    });
    InterruptGuard guard(control, bar);
    struct Finish
    {
        ProgressBar& bar;
        ~Finish() { bar.finish(); }
    } finish{bar};
    return work(control);
}

template <typename Work> auto withProgress(Work work)
{
    OperationControl control;
    return withProgress(control, std::move(work));
}

// Asked for --help: print it and stop with status 0.
struct HelpShown
{
};

// Secrets of backends and clouds, read from the keyring when needed.
class Secrets
{
public:
    // The secrets `backend`'s type declares (SecretStore::provider()).
    BackendSecrets read(const BackendConfig& backend) { return provider()(backend); }
    SecretProvider provider()
    {
#ifdef EMBER_HAVE_SECRETS
        return SecretStore::provider([this]() -> SecretStore& {
            std::lock_guard lock(m_mutex);
            return store();
        });
#else
        return [](const BackendConfig& backend) -> BackendSecrets {
            const BackendType* type = findBackendType(backend.type);
            if (!type || type->secretKeys.isEmpty())
                return {};
            throw Error(QStringLiteral("Backend %1 needs secrets (%2) but this build of ember-cli "
                                       "has no keyring support.")
                            .arg(backend.name, type->secretKeys.join(QStringLiteral(", "))));
        };
#endif
    }

    void write(const BackendConfig& backend, const QString& key, const QString& value)
    {
#ifdef EMBER_HAVE_SECRETS
        std::lock_guard lock(m_mutex);
        store().writeBlocking(backend.name, key, value);
#else
        Q_UNUSED(value);
        throw Error(QStringLiteral("Cannot store %1 for backend %2: this build of ember-cli has no "
                                   "keyring support.")
                        .arg(key, backend.name));
#endif
    }

#ifdef EMBER_HAVE_SECRETS
    // The store itself, for the master keys' KeyStore (opened on first use).
    SecretStore& keyring()
    {
        std::lock_guard lock(m_mutex);
        return store();
    }
#endif

    // The password or application-credential secret of a cloud whose clouds.yaml entry
    // says it is in the keyring (entries the wizard wrote).
    QString readCloudSecret(const cloud::CloudProfile& profile)
    {
#ifdef EMBER_HAVE_SECRETS
        std::lock_guard lock(m_mutex);
        const std::optional<QString> value =
            store().readBlocking(profile.keyringName(), QStringLiteral("secret"));
        if (!value)
            throw Error(QStringLiteral("Cloud %1 keeps its secret in the keyring, but the keyring "
                                       "has none for it: run the OpenStack cloud wizard again.")
                            .arg(profile.name));
        return *value;
#else
        throw Error(QStringLiteral("Cloud %1 keeps its secret in the keyring, but this build of "
                                   "ember-cli has no keyring support.")
                        .arg(profile.name));
#endif
    }

private:
#ifdef EMBER_HAVE_SECRETS
    SecretStore& store()
    {
        if (!m_store) {
            m_store = std::make_unique<SecretStore>();
            QObject::connect(m_store.get(), &SecretStore::warning, [](const QString& message) {
                holdNotice(QStringLiteral("WARNING: %1").arg(message));
            });
        }
        return *m_store;
    }
    std::mutex m_mutex;
    std::unique_ptr<SecretStore> m_store;
#endif
};

struct Context
{
    Format format = Format::Table;
    Secrets secrets;
#ifdef EMBER_HAVE_SECRETS
    // Declared before the service, which looks keys up through it.
    std::mutex keyStoreMutex;
    std::unique_ptr<KeyStore> keyStore;
    // The host's master keys, opened on first use from any thread (keycommands.cpp).
    KeyStore& keys();
#endif
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<BackupService> service;
    // --os-cloud NAME or OS_CLOUD: the backup-* and volume-* commands act on this cloud.
    QString cloudName;
    std::unique_ptr<cloud::CinderClient> cinder;

    // Opened on first use so --help never touches the data directory.
    BackupService& backups()
    {
        if (!service) {
            privateDataDirectory();
            catalog = std::make_unique<Catalog>(defaultCatalogPath());
            if (catalog->backends().isEmpty())
                catalog->upsertBackend(embeddedDefaultBackend());
            service = std::make_unique<BackupService>(*catalog, secrets.provider());
#ifdef EMBER_HAVE_SECRETS
            // The key store is opened only when an encrypted backup needs a key.
            service->setKeyLookup(
                [this](const QString& fingerprint) { return keys().lookup()(fingerprint); });
#endif
            for (const QString& line : service->recoverInterruptedOperations())
                holdNotice(line);
        }
        return *service;
    }
    // The selected cloud's client, logged in on first use (cloudcommands.cpp).
    cloud::CinderClient& cloud();

    void printJson(const QJsonValue& value) const
    {
        const QJsonDocument document =
            value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
        printOut(QString::fromUtf8(document.toJson(QJsonDocument::Indented)));
    }
    // A Property/Value table, or the same properties as a JSON object.
    void printObject(const QJsonObject& json,
                     const QList<QPair<QString, QString>>& properties = {}) const
    {
        if (format == Format::Json)
            printJson(json);
        else
            printOut(renderPropertyTable(properties.isEmpty() ? propertiesOf(json) : properties));
    }
};

// One job an ember-cli command runs, recorded in the catalog's job history
// (origin "cli") like the GUI's and the schedules' jobs. run() records a
// failure or cancel with its reason; a scope left normally records success,
// one left by an exception a failure. Recording never changes the command's
// output or exit status: when it fails, that becomes a held WARNING.
class CliJob
{
public:
    // `job` needs kind and title; origin, pid and start time are filled in.
    CliJob(Context& context, JobRecord job) : m_uncaught(std::uncaught_exceptions())
    {
        job.origin = QStringLiteral("cli");
        job.pid = QCoreApplication::applicationPid();
        if (!job.startedAt.isValid())
            job.startedAt = QDateTime::currentDateTimeUtc();
        guarded(
            [&] { m_recorder = std::make_unique<JobRecorder>(context.backups().catalog(), job); });
    }
    ~CliJob()
    {
        if (!m_recorder || m_finishing)
            return;
        if (std::uncaught_exceptions() > m_uncaught)
            finish(JobResult::Failed, QStringLiteral("ended without a result"));
        else
            finish(JobResult::Succeeded);
    }
    CliJob(const CliJob&) = delete;
    CliJob& operator=(const CliJob&) = delete;

    // withProgress with the recorder collecting the job's progress and log.
    template <typename Work> auto run(Work work)
    {
        return withProgress(m_control, [&](OperationControl& control) {
            if (m_recorder)
                guarded([&] { m_recorder->attach(control); });
            return call([&] { return work(control); });
        });
    }
    // Runs `work`; a failure or cancel it throws is recorded with its reason, then rethrown.
    template <typename Work> auto call(Work work)
    {
        try {
            return work();
        } catch (const Cancelled& cancelled) {
            finish(JobResult::Cancelled, cancelled.message());
            throw;
        } catch (const Error& error) {
            finish(JobResult::Failed, error.message());
            throw;
        } catch (const std::exception& error) {
            finish(JobResult::Failed, QString::fromLocal8Bit(error.what()));
            throw;
        }
    }

    // The backup the job made or acted on: its id and, for a new backup, its
    // stored bytes.
    void setBackup(const Backup& backup, bool countStored)
    {
        if (!m_recorder)
            return;
        guarded([&] {
            m_recorder->setBackupId(backup.id);
            if (countStored)
                m_recorder->setBytesStored(backup.storedBytes);
        });
    }
    void setBackupId(const QString& backupId)
    {
        if (m_recorder)
            guarded([&] { m_recorder->setBackupId(backupId); });
    }
    void addLog(const QString& line)
    {
        if (m_recorder)
            guarded([&] { m_recorder->addLog(line); });
    }
    // Ends the job now, e.g. a verify that found damage before the command throws.
    void finish(JobResult result, const QString& reason = {})
    {
        // Once: a finish that failed is not retried (its warning is held).
        if (!m_recorder || m_finishing)
            return;
        m_finishing = true;
        guarded([&] { m_recorder->finish(result, reason); });
    }

private:
    template <typename Step> void guarded(Step step)
    {
        try {
            step();
        } catch (const Error& error) {
            warnNotRecorded(error.message());
        } catch (const std::exception& error) {
            warnNotRecorded(QString::fromLocal8Bit(error.what()));
        }
    }
    static void warnNotRecorded(const QString& reason)
    {
        holdNotice(
            QStringLiteral("WARNING: the job was not recorded in the job history: %1").arg(reason));
    }

    // Declared before the recorder: the recorder lets go of it when it finishes.
    OperationControl m_control;
    std::unique_ptr<JobRecorder> m_recorder;
    int m_uncaught = 0;
    bool m_finishing = false;
};

// Fills a history record for a job on a local volume.
inline JobRecord cliJobRecord(const QString& kind, const QString& title, const Volume& volume,
                              const QString& backendName = {})
{
    JobRecord job;
    job.kind = kind;
    job.title = title;
    job.volumeId = volume.id;
    job.volumeName = volume.name;
    job.backendName = backendName;
    return job;
}

// The history records of the local backup commands (cli.cpp): a backup about to run,
// and a job on an existing backup (`title` has %1 for the backup's id).
JobRecord backupJobRecord(const BackupService::PreparedBackup& prepared);
JobRecord backupActionRecord(Context& context, const QString& kind, const QString& title,
                             const Backup& backup);

struct Command
{
    QString name;
    QString syntax; // positional part of the usage line
    QString summary;
    std::function<void(QCommandLineParser&)> options;
    std::function<int(Context&, QCommandLineParser&)> run;
    qsizetype minArguments = 0;
    qsizetype maxArguments = 0; // -1 = any number
    // More --help text after the options, built only when help is asked for
    // (e.g. the backend types and their option schemas).
    std::function<QString()> moreHelp = {};
};

inline QString optionValue(const QCommandLineParser& parser, const char* name)
{
    return parser.value(QString::fromLatin1(name));
}

inline QString orDash(const QString& text)
{
    return text.isEmpty() ? QStringLiteral("-") : text;
}

// The list commands: a JSON array of the items, or a table of one row each.
template <typename Item, typename ToJson, typename ToRow>
void printList(Context& context, const QList<Item>& items, ToJson toJson,
               const QStringList& headers, ToRow toRow)
{
    if (context.format == Format::Json) {
        QJsonArray array;
        for (const Item& item : items)
            array.append(toJson(item));
        context.printJson(array);
        return;
    }
    QList<QStringList> rows;
    for (const Item& item : items)
        rows << toRow(item);
    printOut(renderTable(headers, rows));
}

// The cloud forms of the backup-* and volume-* commands (cloudcommands.cpp), and the
// bridge between a cloud and the local catalog (backup-pull, backup-push).
QList<Command> cloudCommands();
// The master key commands (keycommands.cpp).
QList<Command> keyCommands();
// backend-add's check of an encrypted backend's master key: it must be here and
// exported; a fingerprint prefix is replaced by the whole fingerprint.
void checkEncryptionKey(Context& context, BackendConfig& backend);
// A backup's encryption scheme, key fingerprint and "key not available" reason
// (JSON null when not encrypted / none), and that as one table cell.
QJsonObject backupEncryptionJson(Context& context, const Backup& backup);
QString backupEncryptionText(const QJsonObject& encryption);
// Synthetic fulls, protection, retention policies and prune (retentioncommands.cpp).
QList<Command> retentionCommands();
// Schedules, schedule-run, the job history and the shared settings (schedulecommands.cpp).
QList<Command> scheduleCommands();

} // namespace ember::cli
