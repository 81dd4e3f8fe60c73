// What outlives a main window: the catalog watcher, the job runner and the
// shared models. Also runs short catalog-only tasks (rename, reset state,
// add volume, ...) off the UI thread.
#pragma once

#include "backendmodel.h"
#include "catalogwatcher.h"
#include "jobmodel.h"
#include "jobrunner.h"
#include "volumemodel.h"

#include <QDateTime>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QVariant>
#include <functional>

namespace ember {
class KeyStore;
}

namespace ember::ui {

class AppContext : public QObject
{
    Q_OBJECT
public:
    explicit AppContext(const QString& catalogPath, QObject* parent = nullptr);
    ~AppContext() override;

    QString catalogPath() const { return m_catalogPath; }
    CatalogWatcher& watcher() { return m_watcher; }
    JobRunner& runner() { return m_runner; }
    VolumeModel& volumeModel() { return m_volumes; }
    BackendModel& backendModel() { return m_backends; }
    JobModel& jobModel() { return m_jobs; }
    std::shared_ptr<const CatalogSnapshot> snapshot() const { return m_watcher.snapshot(); }

    // Runs `work` on a worker thread with its own catalog connection, then
    // `done` on the UI thread with the result or the error message. `done`
    // is skipped if `context` is gone by then.
    // Reads a backend's secrets from the keyring (blocking: worker threads only).
    SecretProvider secretProvider() const { return m_secrets; }
    // Stores secrets entered in the backend wizard (blocking: worker threads only).
    void storeSecretsBlocking(const QString& backendName, const QMap<QString, QString>& secrets);

    // The master keys of encryption at rest (on the app's SecretStore);
    // nullptr when this build has no keyring support. Its index may be read
    // on the UI thread; keyring work (find, add, remove, markExported) runs
    // on worker threads only.
    KeyStore* keyStore() const { return m_keyStore.get(); }
    // Fingerprints whose secret part is on this host (from the index).
    QSet<QString> availableKeys() const { return m_availableKeys; }
    // Call after keys were added, removed or exported: re-reads the index
    // and emits keysChanged().
    void notifyKeysChanged();

    using QuickWork = std::function<QVariant(BackupService& service)>;
    using QuickDone = std::function<void(const QVariant& result, const QString& error)>;
    void runQuick(QObject* context, QuickWork work, QuickDone done);
    bool waitForQuickTasks(int msecs) { return m_quickPool.waitForDone(msecs); }

Q_SIGNALS:
    // The snapshot changed and the shared models were updated from it.
    void snapshotApplied();
    // Start-up recovery of operations a crashed process left behind (one
    // line per action; not emitted when there was nothing to do).
    void recovered(const QStringList& actions);
    // The key store changed (availableKeys() is current).
    void keysChanged();

private:
    QString m_catalogPath;
    CatalogWatcher m_watcher;
    JobRunner m_runner;
    VolumeModel m_volumes;
    BackendModel m_backends;
    JobModel m_jobs;
    QThreadPool m_quickPool;
    struct Secrets;
    std::shared_ptr<Secrets> m_secretStore;
    SecretProvider m_secrets;
    std::unique_ptr<KeyStore> m_keyStore;
    QSet<QString> m_availableKeys;
    QDateTime m_keyIndexModified; // of the index availableKeys() was read from
};

} // namespace ember::ui
