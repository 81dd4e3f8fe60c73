// Keeps an up-to-date CatalogSnapshot for the UI without the UI thread ever
// touching SQLite: a worker thread with its own connection polls the
// catalog's change counter (cheap) and reloads only when it moved, which also
// catches changes made by ember-cli while the GUI runs.
#pragma once

#include "catalogsnapshot.h"

#include <QObject>
#include <QThread>
#include <memory>

namespace ember::ui {

class CatalogWatcherWorker;

class CatalogWatcher : public QObject
{
    Q_OBJECT
public:
    explicit CatalogWatcher(const QString& catalogPath, QObject* parent = nullptr);
    ~CatalogWatcher() override;

    QString catalogPath() const { return m_catalogPath; }
    // Starts polling; the first snapshot arrives through snapshotChanged().
    void start(int pollIntervalMs = 500);
    bool hasSnapshot() const { return m_snapshot != nullptr; }
    // Never null: an empty snapshot until the first load finished.
    std::shared_ptr<const CatalogSnapshot> snapshot() const;

public Q_SLOTS:
    // Reloads as soon as possible (e.g. a job just changed the catalog).
    void refreshNow();

Q_SIGNALS:
    void snapshotChanged();
    void loadFailed(const QString& message);

private:
    void acceptSnapshot(std::shared_ptr<const CatalogSnapshot> snapshot);

    QString m_catalogPath;
    QThread m_thread;
    CatalogWatcherWorker* m_worker = nullptr;
    std::shared_ptr<const CatalogSnapshot> m_snapshot;
    std::shared_ptr<const CatalogSnapshot> m_empty;
    QString m_lastError;
    friend class CatalogWatcherWorker;
};

} // namespace ember::ui
