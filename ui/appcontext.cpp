#include "appcontext.h"

#include "appsettings.h"
#include "async.h"
#include "keysdialog.h"

#include <QFileInfo>
#include <QPointer>
#include <mutex>

#include "keystore.h"

#ifdef EMBER_HAVE_SECRETS
#include "secretstore.h"
#endif

namespace ember::ui {

// The keyring, opened on first use (the local backend never needs it).
struct AppContext::Secrets
{
    std::mutex mutex;
#ifdef EMBER_HAVE_SECRETS
    std::unique_ptr<SecretStore> store;
    SecretStore& get()
    {
        if (!store) {
            store = std::make_unique<SecretStore>();
            QObject::connect(store.get(), &SecretStore::warning,
                             [](const QString& message) { qWarning("%s", qPrintable(message)); });
        }
        return *store;
    }
#endif
};

AppContext::AppContext(const QString& catalogPath, QObject* parent)
    : QObject(parent), m_catalogPath(catalogPath), m_watcher(catalogPath), m_runner(catalogPath),
      m_jobs(&m_runner)
{
    m_secretStore = std::make_shared<Secrets>();
#ifdef EMBER_HAVE_SECRETS
    m_secrets = SecretStore::provider([secrets = m_secretStore]() -> SecretStore& {
        std::lock_guard lock(secrets->mutex);
        return secrets->get();
    });
#else
    m_secrets = [](const BackendConfig& backend) -> BackendSecrets {
        const BackendType* type = findBackendType(backend.type);
        if (!type || type->secretKeys.isEmpty())
            return {};
        throw Error(tr("Backend %1 needs secrets (%2) but this build has no keyring support.")
                        .arg(backend.name, type->secretKeys.join(QStringLiteral(", "))));
    };
#endif
    m_runner.setSecretProvider(m_secrets);
#ifdef EMBER_HAVE_SECRETS
    // The store object only: the keyring is touched when a key is read.
    SecretStore* secretStore = nullptr;
    {
        std::lock_guard lock(m_secretStore->mutex);
        secretStore = &m_secretStore->get();
    }
    m_keyStore = std::make_unique<KeyStore>(*secretStore);
    m_runner.setKeyLookup(m_keyStore->lookup());
    m_keyIndexModified = QFileInfo(m_keyStore->indexFile()).lastModified();
    m_availableKeys = m_keyStore->unwrappable();
#endif
    m_runner.setMaxConcurrent(maxConcurrentJobs());
    m_quickPool.setMaxThreadCount(2);
    connect(&m_watcher, &CatalogWatcher::snapshotChanged, this, [this] {
        const auto snapshot = m_watcher.snapshot();
        m_volumes.apply(*snapshot);
        m_backends.apply(*snapshot);
        Q_EMIT snapshotApplied();
        // Keys imported meanwhile (ember-cli key-import, a rotation) count
        // for the new backups too: a stat of the index, no keyring access.
        if (m_keyStore && QFileInfo(m_keyStore->indexFile()).lastModified() != m_keyIndexModified)
            notifyKeysChanged();
    });
    connect(&m_runner, &JobRunner::catalogTouched, &m_watcher, &CatalogWatcher::refreshNow);
    m_watcher.start();
    // Rows left "creating"/"restoring"/"deleting" by a process that died
    // (live jobs of other processes hold locks and are left alone).
    runQuick(
        this,
        [](BackupService& service) { return QVariant(service.recoverInterruptedOperations()); },
        [this](const QVariant& result, const QString& error) {
            QStringList actions = result.toStringList();
            if (!error.isEmpty())
                actions.append(tr("Recovery of interrupted operations failed: %1").arg(error));
            for (const QString& action : std::as_const(actions))
                qWarning("%s", qPrintable(action));
            if (!actions.isEmpty())
                Q_EMIT recovered(actions);
        });
}

AppContext::~AppContext()
{
    m_runner.cancelAll();
    // Jobs and the dialogs' key work may use the key store until they end.
    m_runner.waitForWorkers(-1);
    keyStorePool()->waitForDone();
    m_quickPool.waitForDone();
}

void AppContext::notifyKeysChanged()
{
    if (m_keyStore)
        m_keyIndexModified = QFileInfo(m_keyStore->indexFile()).lastModified();
    m_availableKeys = m_keyStore ? m_keyStore->unwrappable() : QSet<QString>();
    Q_EMIT keysChanged();
}

void AppContext::storeSecretsBlocking(const QString& backendName,
                                      const QMap<QString, QString>& secrets)
{
    if (secrets.isEmpty())
        return;
#ifdef EMBER_HAVE_SECRETS
    std::lock_guard lock(m_secretStore->mutex);
    for (auto it = secrets.begin(); it != secrets.end(); ++it)
        m_secretStore->get().writeBlocking(backendName, it.key(), it.value());
#else
    throw Error(
        tr("Backend %1 needs secrets but this build has no keyring support.").arg(backendName));
#endif
}

void AppContext::runQuick(QObject* context, QuickWork work, QuickDone done)
{
    // The catalog is refreshed while this context lives; `done` is called
    // only while `context` lives too.
    QPointer<QObject> guard(context);
    runInBackground(
        this,
        [path = m_catalogPath, secrets = m_secrets,
         keys = m_keyStore ? m_keyStore->lookup() : KeyLookup(), work = std::move(work)] {
            QVariant result;
            const QString error = runOnOwnService(path, secrets, [&](BackupService& service) {
                service.setKeyLookup(keys);
                result = work(service);
            });
            if (!error.isEmpty())
                throw Error(error);
            return result;
        },
        [this, guard, done = std::move(done)](const AsyncOutcome<QVariant>& outcome) {
            m_watcher.refreshNow();
            if (guard && done)
                done(outcome.value.value_or(QVariant()), outcome.error);
        },
        &m_quickPool);
}

} // namespace ember::ui
