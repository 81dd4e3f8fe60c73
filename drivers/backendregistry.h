// Turns a configured backend into a driver. Each backend type registers here;
// adding a backend adds a file under drivers/<type>/ and one line in
// backendregistry.cpp, nothing in the engine.
#pragma once

#include "backupdriver.h"
#include "records.h"

#include <QMap>
#include <memory>

namespace ember {

// Secret values for one backend (e.g. {"backup_swift_key": "..."}), read from
// the keyring by the caller before the job starts (see secretstore.h).
using BackendSecrets = QMap<QString, QString>;

struct BackendType
{
    QString type;           // "posix", "swift", "ceph", "tsm"
    QString displayName;    // "Local directory", "OpenStack Swift", ...
    QStringList secretKeys; // option names kept in the keyring, never in options
    bool available = true;  // false when the build or the machine lacks its runtime part
    QString unavailableReason;
};

QList<BackendType> backendTypes();
std::unique_ptr<BackupDriver> createDriver(const BackendConfig& config,
                                           const BackendSecrets& secrets);

// How option names are compared and stored: Cinder's spelling, lower case
// with '_' ("Backup-Swift-Key" is backup_swift_key).
QString normalizedOptionName(const QString& name);
// The option names a backend type reads: Cinder's, and Ember's own ember_*
// ones. Secrets are not among them (BackendType::secretKeys).
QStringList backendOptionNames(const QString& type);
// The normalised name of an option given for a backend of `type`. Throws an
// Error for a secret, in any spelling (it belongs in the keyring, see
// backend-set-secret), and for a name the type does not know, naming the
// closest known one.
QString checkedOptionName(const BackendType& type, const QString& backendName, const QString& name);

// A live connection test, one line per check, for the wizard's test page,
// `ember-cli backend-test` and the backends view. Blocking: run it in a worker.
struct ConnectionCheck
{
    QString name; // "authenticate", "container", "write", ...
    bool ok = false;
    QString detail; // what was found, or what is wrong in plain words
};
struct ConnectionReport
{
    QList<ConnectionCheck> checks;
    QStringList facts; // e.g. "storage URL: ...", "fsid: ...", "server: ..."
    bool ok() const
    {
        for (const ConnectionCheck& check : checks)
            if (!check.ok)
                return false;
        return !checks.isEmpty();
    }
};
ConnectionReport testBackendConnection(const BackendConfig& config, const BackendSecrets& secrets);

// The embedded default: a posix backend in the user's data location
// (XDG_DATA_HOME/ember/backups), created on first use.
BackendConfig embeddedDefaultBackend();
// Where the catalog lives: XDG_DATA_HOME/ember/catalog.sqlite, or
// $EMBER_HOME/catalog.sqlite when EMBER_HOME is set (tests, portable use).
QString defaultDataDirectory();
QString defaultCatalogPath();
// The data directory, created if needed and private to the user (0700,
// whatever the umask; a wider mode of one's own directory is narrowed).
// It holds the paths and metadata of every volume. Throws Error if it cannot
// be created.
QString privateDataDirectory();

} // namespace ember
