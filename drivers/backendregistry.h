// The backend plugins and what they declare (type, option schema,
// capabilities, factory, connection probe). Adding a backend adds a folder
// under drivers/<type>/ and one line in backendregistry.cpp, nothing in the
// engine or the service.
#pragma once

#include "backupdriver.h"
#include "records.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QMap>
#include <functional>
#include <limits>
#include <memory>

namespace ember {

// Secret values for one backend (e.g. {"backup_swift_key": "..."}), read from
// the keyring by the caller before the job starts (see secretstore.h).
using BackendSecrets = QMap<QString, QString>;
// The one way every layer gets a backend's secrets (the keyring through
// SecretStore in the apps, fixed values in tests). Blocking: call it on a worker.
using SecretProvider = std::function<BackendSecrets(const BackendConfig&)>;

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

// One option of a backend plugin's schema. The CLI's backend-add validation
// and help, the settings dialog, the backends list and the generic wizard
// form all read it; nothing else repeats names or defaults.
struct OptionSpec
{
    enum class Kind
    {
        Text,
        Integer,
        Number,
        Boolean,
        Choice,
        Path,
        Url
    };
    QString key; // normalised: Cinder's name (backup_s3_endpoint_url) or Ember's (ember_*)
    Kind kind = Kind::Text;
    QJsonValue defaultValue; // Cinder's default; Null when there is none
    QString label;           // short, for forms: "Endpoint URL"
    QString help;            // one sentence, for --help and tooltips
    QStringList choices;     // Kind::Choice
    double minimum = -std::numeric_limits<double>::infinity(); // Integer, Number
    double maximum = std::numeric_limits<double>::infinity();
    bool secret = false;   // kept in the keyring, never in options
    bool required = false; // must be set: no usable default
    bool location = false; // where the backups go (the backends list shows it)
    bool advanced = false; // behind "Advanced" in generic forms
    // A check beyond kind and range (e.g. a multiple of the block size);
    // empty = valid. Gets the whole option set for cross-option rules.
    std::function<QString(const QJsonValue& value, const QJsonObject& options)> check;
};

// What the service and the UI may ask of a backend type instead of testing
// its name.
struct BackendCapabilities
{
    // Cinder's chunked format over an ObjectStore: compression and object
    // size apply, backend-rescan reads its _metadata files.
    bool chunked = false;
    // Its cluster holds RBD volumes (Ceph): RBD volumes and new RBD restore
    // targets name such a backend.
    bool hostsRbdVolumes = false;
    // Backs RBD volumes up as snapshots of its own and manages their
    // snapshots itself (Ceph): the service neither releases the parent's
    // snapshot early nor keeps the new one afterwards.
    bool managesSourceSnapshots = false;
    // Can make backups immutable (S3 Object Lock).
    bool objectLock = false;
};

// How a volume held by a backend's cluster is opened for a backup or a
// restore (Ceph: an RBD image and its backup snapshots).
struct HostedVolumeOptions
{
    // For a backup: take a consistent-read snapshot named after this backup
    // and read from it; it is removed on close unless
    // VolumeDevice::keepBackupSnapshot() is called after the backup succeeded.
    QString backupId;
    // The incremental parent's backup id: changedSinceParent() then lists
    // the extents changed since the parent's snapshot.
    QString parentBackupId;
    // The volume's other backups, whose snapshots go once this one is kept.
    QStringList supersededBackupIds;
    // Remove those as soon as the changes since the parent are known.
    bool releaseSupersededEarly = false;
    // Read-only at this existing snapshot instead (ignored with backupId).
    QString snapshot;
};

// A backend whose cluster holds volumes (Ceph: RBD images named
// "pool/image"). The service and the UI reach those volumes only through
// this, never through a backend's own functions. Each call is blocking and
// throws Error in plain words.
struct VolumeHost
{
    std::function<std::unique_ptr<VolumeDevice>(const BackendConfig&, const BackendSecrets&,
                                                const QString& path, OpenMode,
                                                const HostedVolumeOptions&)>
        open;
    std::function<qint64(const BackendConfig&, const BackendSecrets&, const QString& path)> size;
    // What the volume is, whatever it is called (e.g. "rbd:FSID/POOL/NS/IMAGE-ID").
    std::function<QString(const BackendConfig&, const BackendSecrets&, const QString& path)>
        identity;
    // A new, zero-reading volume: a restore target.
    std::function<void(const BackendConfig&, const BackendSecrets&, const QString& path,
                       qint64 sizeBytes)>
        create;
    // Removes a volume and its snapshots; a missing one is not an error.
    std::function<void(const BackendConfig&, const BackendSecrets&, const QString& path)> remove;
    // For browsing: the pools, and the volumes of a pool.
    std::function<QStringList(const BackendConfig&, const BackendSecrets&)> listPools;
    std::function<QStringList(const BackendConfig&, const BackendSecrets&, const QString& pool)>
        listVolumes;
    bool isSet() const { return bool(open); }
};

// A backend plugin: everything Ember knows about one type of backend. A new
// backend is a folder under drivers/ with a function returning its
// BackendType, plus one line in backendregistry.cpp (and a wizard page line in
// ui/backendwizard.cpp).
struct BackendType
{
    QString type;           // "posix", "swift", "ceph", "tsm", "s3"
    QString displayName;    // "Local directory", "OpenStack Swift", ...
    QString description;    // one sentence for the wizard's type page and --help
    QStringList secretKeys; // option names kept in the keyring (from the schema's secret options)
    bool available = true;  // false when the build or the machine lacks its runtime part
    QString unavailableReason;

    QList<OptionSpec> options; // the schema, secrets included (secret = true)
    BackendCapabilities capabilities;
    // Set when capabilities.hostsRbdVolumes: how its cluster's volumes are reached.
    VolumeHost volumes;
    // Chunked types: the options holding the object size and the SHA block size.
    QString objectSizeKey;
    QString blockSizeKey;
    // Throws Error for bad options or a missing secret.
    std::function<std::unique_ptr<BackupDriver>(const BackendConfig&, const BackendSecrets&)>
        create;
    // The connection test; never throws (failures are checks). Blocking.
    std::function<ConnectionReport(const BackendConfig&, const BackendSecrets&)> probe;

    const OptionSpec* option(const QString& normalizedKey) const;
    // The non-secret option names, in schema order.
    QStringList optionNames() const;
    // The location option's key (empty if none).
    QString locationKey() const;
    // The value set in `options`, else the schema's default (Null if neither).
    QJsonValue value(const QJsonObject& options, const QString& normalizedKey) const;
};

// Every registered plugin, in registration order (unavailable ones included).
QList<BackendType> backendTypes();
// The registered plugin of that type, or null.
const BackendType* findBackendType(const QString& type);
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
// Text from a command line or a form, as the option's kind wants it ("5" is
// a number for an Integer option and text for a Text one). Throws Error
// naming the option and what it expects.
QJsonValue parseOptionValue(const OptionSpec& option, const QString& text);
// Every problem with a set of options, one plain sentence each, naming the
// option: unknown names, wrong kinds, out-of-range numbers, unknown choices,
// failed checks, missing required options. Empty = valid.
QStringList optionProblems(const BackendType& type, const QJsonObject& options);

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
