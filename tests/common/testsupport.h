// Shared test helpers: volumes with known content and byte comparison.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace ember {
class BackupDriver;
class BackupService;
class OperationControl;
class Catalog;
class ChunkedBackupDriver;
class Error;
struct Backup;
struct ChunkedOptions;
struct Volume;
} // namespace ember

namespace ember::test {

// A fresh empty directory for this test ($EMBER_TEST_TMP/<tag>, wiped first).
QString freshDir(const QString& tag);

// Content kinds for generated volumes.
enum class Fill
{
    Zeros,
    Random,
    Text,
    Mixed,
    Sparse
};
// Writes a file of `size` bytes; deterministic for a given seed. Sparse leaves
// holes (ftruncate) with data islands every few MiB.
void makeVolumeFile(const QString& path, qint64 size, Fill fill, quint32 seed = 1);
// Overwrites `count` regions of `regionSize` bytes at pseudo-random offsets.
void mutateFile(const QString& path, int count, qint64 regionSize, quint32 seed);
// SHA-256 hex of a whole file (or its first `length` bytes when >= 0).
QByteArray fileSha256(const QString& path, qint64 length = -1);
// Compares two files byte for byte over `length` bytes (whole files when -1);
// returns an empty string when equal, otherwise where they first differ.
QString compareFiles(const QString& a, const QString& b, qint64 length = -1);

struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
// Runs ember-cli ($EMBER_CLI) with EMBER_HOME=`home`.
ProcessResult runCli(const QString& home, const QStringList& arguments, int timeoutMs = 300000);

// Every file under `directory` (recursively), sorted.
QStringList filesInTree(const QString& directory);
// A whole file's content; the test process stops when it cannot be read or written.
QByteArray readWholeFile(const QString& path);
void writeWholeFile(const QString& path, const QByteArray& data);
// The Error `work` throws; an Error with an empty message when it throws none.
Error errorOf(const std::function<void()>& work);

// The chunked engine over a posix object store at `store`.
std::unique_ptr<ChunkedBackupDriver> posixChunkedDriver(const QString& store,
                                                        const ChunkedOptions& options);
// The volume record the engine tests back up from or restore to the file at
// `path`: a fixed id, name "vol" and the file's current size.
Volume engineVolume(const QString& path);
// A new backup of the file at `path` (engineVolume) made by `driver`: a full
// one, or an incremental on `parent`; under `control` when given.
Backup backUpFile(BackupDriver& driver, const QString& path, const std::optional<Backup>& parent,
                  OperationControl* control = nullptr);
// `size` bytes of text-like, zero and random stretches of 50000 bytes, so every
// codec has work.
QByteArray mixedSample(qint64 size, quint32 seed);
// Restores `chain` with `driver` into a fresh sparse file `target` of `size`
// bytes; returns `target`.
QString restoreChain(ChunkedBackupDriver& driver, const QList<Backup>& chain, const QString& target,
                     qint64 size);

// A catalog in a fresh directory with one posix backend "local" (the default)
// storing under dir/backups, and a BackupService over it.
struct ServiceFixture
{
    QString dir;
    std::unique_ptr<Catalog> catalog;
    std::unique_ptr<BackupService> service;

    // An empty `compression` leaves the backend's default algorithm.
    explicit ServiceFixture(const QString& tag, const QString& compression = QString(),
                            qint64 backupFileSize = 4 << 20);
    ~ServiceFixture();

    QString backupsDir() const;
    // dir/v.img, the file of volume "v".
    QString volumeFile() const;
    // Writes volumeFile() (`size` bytes of `fill`) and registers it as volume "v".
    Volume addVolumeFile(qint64 size, Fill fill, quint32 seed);
    // Backs up `volume` (full or incremental, optionally named).
    Backup backUp(const QString& volume, bool incremental = false, const QString& name = QString());
    // Restores `backupId` into the new file dir/fileName (registered under
    // `volumeName` when given); returns the restored volume's path.
    QString restoreToNewFile(const QString& backupId, const QString& fileName,
                             const QString& volumeName = QString());
};

// A small tmpfs on `directory` (a full or read-only disk on demand), mounted
// with `options` (e.g. "size=8m", "ro,size=1m") and unmounted when it goes out
// of scope. Mounting needs root: check mounted().
class TmpfsMount
{
public:
    TmpfsMount(const QString& directory, const QString& options);
    ~TmpfsMount();
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;
    bool mounted() const { return m_mounted; }
    const QString& path() const { return m_path; }

private:
    QString m_path;
    bool m_mounted = false;
};

} // namespace ember::test
