// An OpenStack cloud as a source of the panels: volumes and backups read from
// Cinder's Block Storage API v3 page by page (marker/limit) on a worker thread,
// the first page shown at once, then polled for changes made elsewhere with
// back-off. Admins see every project (all_tenants), optionally one.
// Actions run as jobs that follow Cinder's status until it is final.
#pragma once

#include "cinderclient.h"
#include "cloudchains.h"
#include "jobrunner.h"
#include "source.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QThread>
#include <atomic>
#include <memory>
#include <optional>

class QTimer;

namespace ember::ui {

class CloudSourceWorker;

// The cloud's lists turned into a snapshot: domain records plus the cloud's
// facts, chain links resolved (knownParents from export records win over
// inference). Problems of a chain are reported only for a complete list.
SourceSnapshot buildCloudSnapshot(const QList<cloud::CloudVolume>& volumes,
                                  const QList<cloud::CloudBackup>& backups,
                                  const QHash<QString, QString>& knownParents, bool complete);
Volume toVolume(const cloud::CloudVolume& volume);

// A cloud's last complete listing, kept on disk (0600) so the next session
// shows it at once, marked stale, while the live list loads. Ids, names,
// states and sizes only: no secret, no description or metadata.
struct CloudListing
{
    QDateTime savedAt; // UTC
    QString projectFilter;
    QList<cloud::CloudVolume> volumes;
    QList<cloud::CloudBackup> backups;
};
// One file holds every cloud's listing, by cloud name.
std::optional<CloudListing> readCloudListing(const QString& path, const QString& cloudName);
bool writeCloudListing(const QString& path, const QString& cloudName, const CloudListing& listing,
                       bool inDataDirectory);
Backup toBackup(const cloud::CloudBackup& backup);

class CloudSource : public Source
{
    Q_OBJECT
public:
    // `profile` carries its secret. The session is shared with the jobs.
    explicit CloudSource(const cloud::CloudProfile& profile, QObject* parent = nullptr);
    CloudSource(std::shared_ptr<cloud::KeystoneSession> session, QObject* parent = nullptr);
    ~CloudSource() override; // stops the worker after its current request

    QString id() const override;
    QString displayName() const override;
    SourceKind kind() const override { return SourceKind::Cloud; }
    Capabilities capabilities() const override;
    std::shared_ptr<const SourceSnapshot> snapshot() const override;
    bool hasSnapshot() const override { return m_snapshot != nullptr; }
    void start() override;

    // Known after the first login: the token's roles.
    bool isAdmin() const { return m_isAdmin; }
    QString tokenProjectId() const { return m_tokenProjectId; }
    // Admins: only this project (empty: all of them). Reloads.
    void setProjectFilter(const QString& projectId);
    QString projectFilter() const { return m_projectFilter; }
    // Polling: `firstMs` after a change or a user action, doubling while
    // nothing changes up to `maxMs` (default 5 s to 60 s).
    void setPollIntervals(int firstMs, int maxMs);
    int currentPollIntervalMs() const { return m_currentIntervalMs; }
    void setPageSize(int items);
    // Where the parents read from export records are kept between runs
    // (default: cloud-chains.json in the data directory; empty: memory only).
    void setParentCacheFile(const QString& path);
    // Where the last complete listing is kept (default: cloud-listings.json in
    // the data directory; empty: none kept).
    void setListingCacheFile(const QString& path);
    // How often a job reads Cinder's status (default 1 s).
    void setJobPollIntervalMs(int ms) { m_jobPollMs = ms; }
    std::shared_ptr<cloud::KeystoneSession> session() const { return m_session; }
    // Shows `snapshot` until the next load replaces it (a snapshot kept from
    // the last session, or a hand-made one in tests).
    void showSnapshot(std::shared_ptr<const SourceSnapshot> snapshot)
    {
        applySnapshot(std::move(snapshot));
    }
    // Loads completed so far (tests wait on it).
    int loadCount() const { return m_loadCount; }

    ActionResult createBackup(const BackupRequest& request) override;
    ActionResult restore(const RestoreRequest& request) override;
    ActionResult deleteBackup(const QString& backupId, bool force) override;
    ActionResult updateBackup(const QString& backupId, const QString& name,
                              const QString& description) override;
    ActionResult resetState(const QString& backupId, const QString& status) override;
    ActionResult exportRecord(const QString& backupId) override;
    ActionResult importRecord(const QString& backupService, const QString& backupUrl) override;

    // The checks alone (empty: allowed), for dialogs that grey out buttons.
    QString checkCreateBackup(const BackupRequest& request) const override;
    QString checkRestore(const RestoreRequest& request) const override;
    QString checkDelete(const QString& backupId, bool force) const override;

public Q_SLOTS:
    void refreshNow() override;

private:
    void acceptSnapshot(std::shared_ptr<const SourceSnapshot> snapshot, bool finalOfLoad);
    void applySnapshot(std::shared_ptr<const SourceSnapshot> snapshot);
    // The load ended with the snapshot published last.
    void finishLoad();
    void acceptIdentity(bool admin, const QString& projectId);
    void acceptInterval(int ms) { m_currentIntervalMs = ms; }
    ActionResult submit(const QString& kind, const QString& title, const QString& volumeId,
                        const QString& backupId, RemoteJobWork work);
    QString adminOnly(const QString& action) const;

    std::shared_ptr<cloud::KeystoneSession> m_session;
    QString m_name;
    QThread m_thread;
    CloudSourceWorker* m_worker = nullptr;
    std::shared_ptr<std::atomic<bool>> m_stop;
    std::shared_ptr<const SourceSnapshot> m_snapshot;
    std::shared_ptr<const SourceSnapshot> m_empty;
    bool m_isAdmin = false;
    QString m_tokenProjectId;
    QString m_projectFilter;
    int m_currentIntervalMs = 5000;
    int m_firstIntervalMs = 5000;
    int m_jobPollMs = 1000;
    int m_loadCount = 0;
    // Partial snapshots are applied at most once per interval.
    static constexpr int ApplyIntervalMs = 100;
    std::shared_ptr<const SourceSnapshot> m_pending;
    QTimer* m_applyTimer = nullptr;
    QElapsedTimer m_sinceApplied;
    QSet<quint64> m_jobs;
    bool m_runnerConnected = false;
    friend class CloudSourceWorker;
};

} // namespace ember::ui
