#include "catalogwatcher.h"

#include "backendregistry.h"

#include <QPointer>
#include <QTimer>

namespace ember::ui {

// Lives on the watcher's thread; owns the thread's catalog connection.
class CatalogWatcherWorker : public QObject
{
    Q_OBJECT
public:
    CatalogWatcherWorker(const QString& path, CatalogWatcher* watcher)
        : m_path(path), m_watcher(watcher)
    {
    }

public Q_SLOTS:
    void begin(int intervalMs)
    {
        m_timer = new QTimer(this);
        m_timer->setInterval(intervalMs);
        connect(m_timer, &QTimer::timeout, this, [this] { poll(false); });
        m_timer->start();
        poll(true);
    }
    void poll(bool force)
    {
        try {
            if (!m_catalog) {
                m_catalog = std::make_unique<Catalog>(m_path);
                // The embedded default backend is there from the first start.
                if (m_catalog->backends().isEmpty())
                    m_catalog->upsertBackend(embeddedDefaultBackend());
                force = true;
            }
            const qint64 counter = m_catalog->changeCounter();
            if (!force && counter == m_lastCounter)
                return;
            auto snapshot = std::make_shared<CatalogSnapshot>(loadSnapshot(*m_catalog));
            m_lastCounter = snapshot->changeCounter;
            publish(std::move(snapshot));
        } catch (const std::exception& error) {
            const QString message = QString::fromUtf8(error.what());
            QMetaObject::invokeMethod(
                m_watcher,
                [watcher = m_watcher, message] {
                    if (watcher->m_lastError != message) {
                        watcher->m_lastError = message;
                        Q_EMIT watcher->loadFailed(message);
                    }
                },
                Qt::QueuedConnection);
        }
    }

private:
    void publish(std::shared_ptr<const CatalogSnapshot> snapshot)
    {
        QMetaObject::invokeMethod(
            m_watcher, [watcher = m_watcher, snapshot] { watcher->acceptSnapshot(snapshot); },
            Qt::QueuedConnection);
    }

    QString m_path;
    CatalogWatcher* m_watcher;
    std::unique_ptr<Catalog> m_catalog;
    QTimer* m_timer = nullptr;
    qint64 m_lastCounter = -1;
};

CatalogWatcher::CatalogWatcher(const QString& catalogPath, QObject* parent)
    : QObject(parent), m_catalogPath(catalogPath),
      m_empty(std::make_shared<const CatalogSnapshot>())
{
    m_thread.setObjectName(QStringLiteral("ember-catalog-watcher"));
    m_worker = new CatalogWatcherWorker(catalogPath, this);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
}

CatalogWatcher::~CatalogWatcher()
{
    m_thread.quit();
    m_thread.wait();
}

void CatalogWatcher::start(int pollIntervalMs)
{
    if (m_thread.isRunning())
        return;
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, "begin", Qt::QueuedConnection, Q_ARG(int, pollIntervalMs));
}

std::shared_ptr<const CatalogSnapshot> CatalogWatcher::snapshot() const
{
    return m_snapshot ? m_snapshot : m_empty;
}

void CatalogWatcher::refreshNow()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(m_worker, "poll", Qt::QueuedConnection, Q_ARG(bool, true));
}

void CatalogWatcher::acceptSnapshot(std::shared_ptr<const CatalogSnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    m_lastError.clear();
    Q_EMIT snapshotChanged();
}

} // namespace ember::ui

#include "catalogwatcher.moc"
