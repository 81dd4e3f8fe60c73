// What every ember-cli command shares: output, held notices, the keyring, the lazily
// opened local catalog or cloud, and the command table entry. The local commands live
// in cli.cpp, the cloud forms (--os-cloud) in cloudcommands.cpp.
#pragma once

#include "backendregistry.h"
#include "backupservice.h"
#include "cinderclient.h"
#include "log.h"
#include "output.h"
#include "progress.h"

#ifdef EMBER_HAVE_SECRETS
#include "secretstore.h"
#endif

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <functional>
#include <memory>
#include <mutex>
#include <unistd.h>

namespace ember::cli {

void printOut(const QString& text);
void printErr(const QString& text);
// Held until the command ends: folded into the ERROR line on failure, printed after the
// result on success (stderr carries exactly one line on failure).
void holdNotice(const QString& line);

// Runs a long operation with a progress bar and Ctrl-C as cancel.
template <typename Work> auto withProgress(Work work)
{
    OperationControl control;
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

// Asked for --help: print it and stop with status 0.
struct HelpShown
{
};

// Secrets of backends and clouds, read from the keyring when needed.
class Secrets
{
public:
    BackendSecrets read(const BackendConfig& backend)
    {
        QStringList keys;
        for (const BackendType& type : backendTypes()) {
            if (type.type == backend.type)
                keys = type.secretKeys;
        }
        if (keys.isEmpty())
            return {};
#ifdef EMBER_HAVE_SECRETS
        std::lock_guard lock(m_mutex);
        return store().readSecretsBlocking(backend.name, keys);
#else
        throw Error(QStringLiteral("Backend %1 needs secrets (%2) but this build of ember-cli "
                                   "has no keyring support.")
                        .arg(backend.name, keys.join(QStringLiteral(", "))));
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
            service = std::make_unique<BackupService>(
                *catalog, [this](const BackendConfig& backend) { return secrets.read(backend); });
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

struct Command
{
    QString name;
    QString syntax; // positional part of the usage line
    QString summary;
    std::function<void(QCommandLineParser&)> options;
    std::function<int(Context&, QCommandLineParser&)> run;
    qsizetype minArguments = 0;
    qsizetype maxArguments = 0; // -1 = any number
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
// Synthetic fulls, protection, retention policies and prune (retentioncommands.cpp).
QList<Command> retentionCommands();

} // namespace ember::cli
