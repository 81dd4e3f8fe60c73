// Retention in the window: the synthetic-full dialog (what moves onto the new
// full and what becomes deletable, before anything is done), the policy
// editor with its timeline of what a policy keeps, removes or first replaces
// with a synthetic full, and the prune log. The dialogs compute nothing from
// the catalog themselves: previews and policies arrive from the source, and
// the timeline plans on the backups the window already has.
#pragma once

#include "backupservice.h"
#include "catalogsnapshot.h"
#include "jobrunner.h"
#include "retention.h"
#include "source.h"

#include <QDialog>
#include <QHash>
#include <QWidget>
#include <memory>
#include <optional>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace ember::ui {

// True when the backend deletes any backup without harming the others
// (Ceph: every backup is a snapshot of one base image).
bool deletesInAnyOrder(const std::optional<BackendConfig>& backend);
// Why any backup can be deleted on such a backend, for the dialogs.
QString anyOrderDeleteNote();

// What a policy does to one backup.
enum class BackupFate
{
    Kept,            // a rule keeps it
    Protected,       // protected: never pruned
    Needed,          // dropped by the rules, but a kept backup depends on it: stays
    SynthesizeFirst, // dropped, but kept backups build on it: a synthetic full
                     // replaces it, its incrementals move onto that, then it goes
    Removed,         // deleted by the prune
    NotCounted       // not available (error, creating, ...): neither kept nor removed
};
QString fateText(BackupFate fate);
QColor fateColor(BackupFate fate);

// The planner's view of a volume's backups (restore point: data timestamp,
// else creation time; only available backups count).
QList<RetentionItem> retentionItems(const QList<Backup>& backups);
// Each backup's fate under `plan`, by id.
QHash<QString, BackupFate> fatesUnder(const QList<Backup>& backups, const PrunePlan& plan);

// A volume's backups on a time axis: each chain on its own lane(s), lines
// from parent to child, each backup a marker whose colour and shape say its
// fate (a tooltip says why), full backups larger, and a legend.
class RetentionTimeline : public QWidget
{
    Q_OBJECT
public:
    explicit RetentionTimeline(QWidget* parent = nullptr);

    void setBackups(const QList<Backup>& backups);
    void setPlan(const PrunePlan& plan);
    QHash<QString, BackupFate> fates() const { return m_fates; }
    // The tooltip of a backup's marker.
    QString explanation(const QString& backupId) const;
    // Where a backup's marker is drawn (for tests; null point when not shown).
    QPointF markerCenter(const QString& backupId) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Marker
    {
        Backup backup;
        QDateTime takenAt;
        int lane = 0;
        int chain = 0;
        QPointF center;
    };
    void layoutMarkers();
    QRectF plotArea() const;
    int legendHeight() const;
    int chainTitleHeight() const;
    double xFor(const QDateTime& time) const;
    QString hitTest(const QPointF& position) const;

    QList<Marker> m_markers; // oldest first
    QHash<QString, int> m_index;
    QHash<QString, BackupFate> m_fates;
    QHash<QString, QString> m_reasons; // kept: the rules; others: the plan's sentence
    int m_lanes = 0;
    QList<QPair<int, int>> m_chainLanes; // first lane and lane count per chain
    QList<QRectF> m_chainBands;          // where each chain is drawn, its title on top
    QStringList m_chainTitles;
    QDateTime m_from, m_to;
};

// "Synthesize full backup…": the preview first (the chain, what moves onto
// the new full, what becomes deletable newest first, or why it cannot be
// done); OK only when it can.
class SynthesizeDialog : public QDialog
{
    Q_OBJECT
public:
    SynthesizeDialog(const Backup& backup, bool anyOrderDelete, QWidget* parent = nullptr);
    void setPreview(const BackupService::SynthesisPreview& preview);
    void setPreviewError(const QString& message);
    bool hasPreview() const { return m_preview.has_value(); }

    QString name() const;
    bool moveChildren() const;
    QListWidget* chainList() const { return m_chain; }
    QListWidget* movingList() const { return m_moving; }
    QListWidget* deletableList() const { return m_deletable; }
    QPushButton* okButton() const;

private:
    void update();

    Backup m_backup;
    std::optional<BackupService::SynthesisPreview> m_preview;
    QString m_error;
    QLineEdit* m_name = nullptr;
    QCheckBox* m_move = nullptr;
    QListWidget* m_chain = nullptr;
    QListWidget* m_moving = nullptr;
    QListWidget* m_deletable = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

// "Retention policy…" of one volume: the rules, the backend default, and the
// timeline recomputed as they change. Save stores the policy; Prune now asks
// for confirmation (listing what goes) and then emits pruneConfirmed().
class RetentionPolicyDialog : public QDialog
{
    Q_OBJECT
public:
    RetentionPolicyDialog(const Volume& volume, const QList<Backup>& backups,
                          const QString& backendName, bool anyOrderDelete,
                          QWidget* parent = nullptr);

    // The volume's and the backend's policies, once read.
    void setPolicies(const Source::RetentionPolicies& policies);
    void setLoadError(const QString& message);
    bool isLoaded() const { return m_loaded; }

    // What Save stores: none = follow the backend's default.
    std::optional<RetentionPolicy> policy() const;
    // What the timeline shows: the fields, or the backend default (an empty
    // policy, keeping everything, when there is none).
    RetentionPolicy effectivePolicy() const;
    // Why the fields do not make a policy (empty: they do).
    QString problem() const;
    PrunePlan plan() const { return m_plan; }
    // True when Save would change what the catalog holds.
    bool policyChanged() const;
    Volume volume() const { return m_volume; }

    RetentionTimeline* timeline() const { return m_timeline; }
    QSpinBox* keepLast() const { return m_spins[0]; }
    QSpinBox* keepHourly() const { return m_spins[1]; }
    QSpinBox* keepDaily() const { return m_spins[2]; }
    QSpinBox* keepWeekly() const { return m_spins[3]; }
    QSpinBox* keepMonthly() const { return m_spins[4]; }
    QSpinBox* keepYearly() const { return m_spins[5]; }
    QLineEdit* keepWithin() const { return m_within; }
    QCheckBox* useBackendDefault() const { return m_useDefault; }
    QPushButton* saveButton() const { return m_save; }
    QPushButton* pruneButton() const { return m_prune; }

    // Shows the confirmation of Prune now (what the prune removes).
    void confirmPrune();

Q_SIGNALS:
    void saveRequested();
    void pruneConfirmed();

private:
    void fillFields(const std::optional<RetentionPolicy>& policy);
    void recompute();

    Volume m_volume;
    QList<Backup> m_backups;
    QString m_backendName;
    bool m_anyOrderDelete = false;
    bool m_loaded = false;
    bool m_filling = false;
    Source::RetentionPolicies m_policies;
    PrunePlan m_plan;
    QSpinBox* m_spins[6] = {};
    QLineEdit* m_within = nullptr;
    QCheckBox* m_useDefault = nullptr;
    RetentionTimeline* m_timeline = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_problem = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_prune = nullptr;
};

// The prune log: what each prune (and synthesis) did, and by which policy.
class PruneLogDialog : public QDialog
{
    Q_OBJECT
public:
    // `volumeName` empty: every volume's entries.
    PruneLogDialog(const QString& volumeName, std::shared_ptr<const SourceSnapshot> snapshot,
                   QWidget* parent = nullptr);
    void setEntries(const QList<PruneLogEntry>& entries);
    void setLoadError(const QString& message);
    QTableWidget* table() const { return m_table; }

private:
    std::shared_ptr<const SourceSnapshot> m_snapshot;
    QTableWidget* m_table = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace ember::ui
