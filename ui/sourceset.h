// The sources the main window can show: "This computer" (the catalog of the
// application context) and every cloud found where OpenStack tools look
// (clouds.yaml, secure.yaml, OS_*). A cloud's source and its models are made
// on first use and kept, so switching back is instant; a secret kept in the
// keyring is read asynchronously first. The set belongs to the application
// context, so a window rebuilt for another language finds its clouds loaded.
#pragma once

#include "cloudconfig.h"
#include "source.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <memory>
#include <optional>

namespace ember {
class SecretStore;
struct SecretResult;
} // namespace ember

namespace ember::ui {

class AppContext;
class BackupTreeModel;
class VolumeModel;

class SourceSet : public QObject
{
    Q_OBJECT
public:
    static inline const QString LocalId = QStringLiteral("local");

    struct Entry
    {
        QString id;                                 // "local" or "cloud:<name>"
        QString name;                               // what the switcher shows
        std::optional<cloud::CloudProfile> profile; // clouds from the configuration
        QPointer<Source> source;                    // clouds: made on first use
        VolumeModel* volumes = nullptr;
        BackupTreeModel* backups = nullptr;
        // What was selected when the window last showed another source.
        QStringList selectedVolumes;
        QString selectedBackup;
        bool opening = false;          // the secret is being read from the keyring
        QString problem;               // why the source could not be opened or loaded
        qint64 loaded = 0, total = -1; // the latest load progress
    };

    // The set of `context`, made on first use.
    static SourceSet& of(AppContext& context);
    ~SourceSet() override;

    // Reads the cloud configuration again: new clouds are added, sources
    // already made are kept. Problems with the files are in warnings().
    void reloadClouds();
    QStringList warnings() const { return m_warnings; }

    QList<Entry*> entries() const;
    Entry* entry(const QString& id) const;
    // A cloud the configuration does not show (yet): the wizard's new entry,
    // with its secret. An entry of that name without a source takes it.
    Entry* addCloud(const cloud::CloudProfile& profile);
    // A source made elsewhere (e.g. a test's), owned by the set from now on.
    Entry* addSource(Source* source);
    // Makes and starts the entry's source if it has none yet: sourceOpened()
    // when it is there, sourceProblem() when it cannot be made.
    void open(const QString& id);

Q_SIGNALS:
    void entriesChanged();
    void sourceOpened(const QString& id);
    void sourceProblem(const QString& id, const QString& message);

private:
    explicit SourceSet(AppContext& context);
    void makeCloudSource(Entry& target, const cloud::CloudProfile& profile);
    void attach(Entry& target, Source* source);
    void secretRead(const ember::SecretResult& result);

    AppContext& m_context;
    std::vector<std::unique_ptr<Entry>> m_entries;
    QStringList m_warnings;
    ember::SecretStore* m_secrets = nullptr;
};

} // namespace ember::ui
