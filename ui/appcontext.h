// What outlives a main window: the catalog watcher, the job runner and the
// shared models. Also runs short catalog-only tasks (rename, reset state,
// add volume, ...) off the UI thread.
#pragma once

#include "backendmodel.h"
#include "catalogwatcher.h"
#include "jobmodel.h"
#include "jobrunner.h"
#include "volumemodel.h"

#include <QObject>
#include <QThreadPool>
#include <QVariant>
#include <functional>

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
};

} // namespace ember::ui
