#include "testsupport.h"

#include "backupservice.h"
#include "chunkeddriver.h"
#include "posixstore.h"
#include "volumedevice.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <openssl/evp.h>
#include <stdexcept>
#include <unistd.h>

namespace ember::test {

namespace {

constexpr qint64 kBlock = 1 << 20;

// SplitMix64: tiny, fast and the same on every machine.
class Prng
{
public:
    explicit Prng(quint64 seed) : m_state(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {}
    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    quint64 below(quint64 bound) { return bound == 0 ? 0 : next() % bound; }
    void fill(char* data, qint64 length)
    {
        qint64 i = 0;
        for (; i + 8 <= length; i += 8) {
            const quint64 value = next();
            std::memcpy(data + i, &value, 8);
        }
        if (i < length) {
            const quint64 value = next();
            std::memcpy(data + i, &value, size_t(length - i));
        }
    }

private:
    quint64 m_state;
};

[[noreturn]] void fail(const QString& message)
{
    throw std::runtime_error(message.toStdString());
}

// English-like text from a small vocabulary: compresses well, but not to nothing.
void fillText(Prng& prng, char* data, qint64 length)
{
    static const char* const words[] = {
        "the",     "volume", "backup",  "restore", "chunk", "of",     "and",   "a",
        "storage", "block",  "is",      "written", "to",    "object", "every", "night",
        "cinder",  "swift",  "ceph",    "data",    "with",  "each",   "file",  "copy",
        "server",  "disk",   "quickly", "safely",  "zone",  "in",     "for",   "incremental"};
    qint64 pos = 0;
    int sentence = 0;
    while (pos < length) {
        const char* word = words[prng.below(std::size(words))];
        for (const char* c = word; *c && pos < length; ++c)
            data[pos++] = (sentence == 0 && c == word) ? char(*c - 32) : *c;
        ++sentence;
        if (pos < length) {
            if (sentence > 8 && prng.below(4) == 0) {
                data[pos++] = '.';
                sentence = 0;
                if (pos < length)
                    data[pos++] = prng.below(6) == 0 ? '\n' : ' ';
            } else {
                data[pos++] = ' ';
            }
        }
    }
}

void writeAll(int fd, const char* data, qint64 length, qint64 offset, const QString& path)
{
    while (length > 0) {
        const ssize_t written = ::pwrite(fd, data, size_t(length), offset);
        if (written <= 0)
            fail(QStringLiteral("cannot write %1 at %2").arg(path).arg(offset));
        data += written;
        offset += written;
        length -= written;
    }
}

int openFile(const QString& path, int flags)
{
    const int fd = ::open(QFile::encodeName(path).constData(), flags | O_CLOEXEC, 0644);
    if (fd < 0)
        fail(QStringLiteral("cannot open %1").arg(path));
    return fd;
}

} // namespace

QString freshDir(const QString& tag)
{
    QString root = qEnvironmentVariable("EMBER_TEST_TMP");
    if (root.isEmpty())
        root = QDir::tempPath() + QStringLiteral("/ember-test");
    QDir dir(root + QLatin1Char('/') + tag);
    if (dir.exists() && !dir.removeRecursively())
        fail(QStringLiteral("cannot clear %1").arg(dir.path()));
    if (!QDir().mkpath(dir.path()))
        fail(QStringLiteral("cannot create %1").arg(dir.path()));
    return dir.absolutePath();
}

void makeVolumeFile(const QString& path, qint64 size, Fill fill, quint32 seed)
{
    const int fd = openFile(path, O_RDWR | O_CREAT | O_TRUNC);
    Prng prng(seed);
    QByteArray buffer(kBlock, '\0');
    if (::ftruncate(fd, size) != 0) {
        ::close(fd);
        fail(QStringLiteral("cannot size %1").arg(path));
    }
    try {
        if (fill == Fill::Sparse) {
            // Holes with a 64 KiB data island somewhere in every 4 MiB stripe.
            const qint64 stripe = 4 * kBlock;
            const qint64 island = 64 * 1024;
            for (qint64 start = 0; start < size; start += stripe) {
                const qint64 room = std::min(stripe, size - start);
                const qint64 length = std::min(island, room);
                const qint64 offset = start + qint64(prng.below(quint64(room - length + 1)));
                prng.fill(buffer.data(), length);
                writeAll(fd, buffer.constData(), length, offset, path);
            }
        } else {
            for (qint64 offset = 0; offset < size; offset += kBlock) {
                const qint64 length = std::min(kBlock, size - offset);
                switch (fill) {
                case Fill::Zeros:
                    buffer.fill('\0');
                    break;
                case Fill::Random:
                    prng.fill(buffer.data(), length);
                    break;
                case Fill::Text:
                    fillText(prng, buffer.data(), length);
                    break;
                case Fill::Mixed:
                    // Quarter-MiB regions of zeros, text or random bytes.
                    for (qint64 part = 0; part < length; part += kBlock / 4) {
                        const qint64 partLength = std::min(kBlock / 4, length - part);
                        switch (prng.below(3)) {
                        case 0:
                            std::memset(buffer.data() + part, 0, size_t(partLength));
                            break;
                        case 1:
                            fillText(prng, buffer.data() + part, partLength);
                            break;
                        default:
                            prng.fill(buffer.data() + part, partLength);
                        }
                    }
                    break;
                case Fill::Sparse:
                    break;
                }
                writeAll(fd, buffer.constData(), length, offset, path);
            }
        }
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::fsync(fd);
    ::close(fd);
}

void mutateFile(const QString& path, int count, qint64 regionSize, quint32 seed)
{
    const int fd = openFile(path, O_RDWR);
    const qint64 size = ::lseek(fd, 0, SEEK_END);
    Prng prng(quint64(seed) ^ 0xA5A5A5A5ULL);
    QByteArray buffer(regionSize, '\0');
    try {
        for (int i = 0; i < count; ++i) {
            const qint64 length = std::min(regionSize, size);
            const qint64 offset = qint64(prng.below(quint64(size - length + 1)));
            prng.fill(buffer.data(), length);
            writeAll(fd, buffer.constData(), length, offset, path);
        }
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::fsync(fd);
    ::close(fd);
}

QByteArray fileSha256(const QString& path, qint64 length)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read %1").arg(path));
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
    QByteArray buffer(kBlock, '\0');
    qint64 remaining = length < 0 ? std::numeric_limits<qint64>::max() : length;
    while (remaining > 0) {
        const qint64 got = file.read(buffer.data(), std::min(kBlock, remaining));
        if (got <= 0)
            break;
        EVP_DigestUpdate(context, buffer.constData(), size_t(got));
        remaining -= got;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    EVP_DigestFinal_ex(context, digest, &digestLength);
    EVP_MD_CTX_free(context);
    return QByteArray(reinterpret_cast<const char*>(digest), int(digestLength)).toHex();
}

QString compareFiles(const QString& a, const QString& b, qint64 length)
{
    QFile first(a);
    QFile second(b);
    if (!first.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1").arg(a);
    if (!second.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1").arg(b);
    if (length < 0) {
        if (first.size() != second.size())
            return QStringLiteral("sizes differ: %1 has %2 bytes, %3 has %4 bytes")
                .arg(a)
                .arg(first.size())
                .arg(b)
                .arg(second.size());
        length = first.size();
    } else {
        if (first.size() < length || second.size() < length)
            return QStringLiteral("a file is shorter than %1 bytes (%2: %3, %4: %5)")
                .arg(length)
                .arg(a)
                .arg(first.size())
                .arg(b)
                .arg(second.size());
    }
    QByteArray left(kBlock, '\0');
    QByteArray right(kBlock, '\0');
    for (qint64 offset = 0; offset < length; offset += kBlock) {
        const qint64 want = std::min(kBlock, length - offset);
        if (first.read(left.data(), want) != want || second.read(right.data(), want) != want)
            return QStringLiteral("read error at byte %1").arg(offset);
        if (std::memcmp(left.constData(), right.constData(), size_t(want)) != 0) {
            qint64 i = 0;
            while (left.at(i) == right.at(i))
                ++i;
            return QStringLiteral("files differ at byte %1").arg(offset + i);
        }
    }
    return {};
}

ProcessResult runCli(const QString& home, const QStringList& arguments, int timeoutMs)
{
    QString program = qEnvironmentVariable("EMBER_CLI");
    if (program.isEmpty())
        program = qEnvironmentVariable("EMBER_BINARY_DIR") + QStringLiteral("/app/ember-cli");
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("EMBER_HOME"), home);
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    ProcessResult result;
    if (!process.waitForStarted(30000)) {
        result.err = "cannot start " + program.toUtf8();
        return result;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(10000);
        result.err = "ember-cli timed out: " + process.readAllStandardError();
        result.out = process.readAllStandardOutput();
        return result;
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return result;
}

QStringList filesInTree(const QString& directory)
{
    QStringList files;
    QDirIterator it(directory, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    return files;
}

QByteArray readWholeFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

void writeWholeFile(const QString& path, const QByteArray& data)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
}

Error errorOf(const std::function<void()>& work)
{
    try {
        work();
    } catch (const Error& error) {
        return error;
    }
    return Error(QString());
}

std::unique_ptr<ChunkedBackupDriver> posixChunkedDriver(const QString& store,
                                                        const ChunkedOptions& options)
{
    return std::make_unique<ChunkedBackupDriver>(std::make_unique<PosixObjectStore>(store),
                                                 options);
}

Volume engineVolume(const QString& path)
{
    Volume volume;
    volume.id = QStringLiteral("3f0c2b1a-1111-4222-8333-444455556666");
    volume.name = QStringLiteral("vol");
    volume.path = path;
    volume.sizeBytes = QFileInfo(path).size();
    return volume;
}

Backup backUpFile(BackupDriver& driver, const QString& path, const std::optional<Backup>& parent,
                  OperationControl* control)
{
    const Volume volume = engineVolume(path);
    Backup backup;
    backup.id = newUuid();
    backup.volumeId = volume.id;
    backup.parentId = parent ? parent->id : QString();
    backup.createdAt = QDateTime::currentDateTimeUtc();
    backup.displayName = QStringLiteral("b");
    auto device = openLocalVolume(path, OpenMode::Read);
    OperationControl ownControl;
    BackupJob job{backup, volume, *device, parent, control ? *control : ownControl};
    driver.backup(job);
    return backup;
}

QByteArray mixedSample(qint64 size, quint32 seed)
{
    QByteArray data(size, '\0');
    QRandomGenerator random(seed);
    for (qint64 i = 0; i < size; ++i) {
        const qint64 region = (i / 50000) % 3;
        data[i] = region == 0   ? char('a' + (i * 7 + i / 13) % 26)
                  : region == 1 ? '\0'
                                : char(random.generate());
    }
    return data;
}

QString restoreChain(ChunkedBackupDriver& driver, const QList<Backup>& chain, const QString& target,
                     qint64 size)
{
    QFile::remove(target);
    createSparseImage(target, size);
    auto device = openLocalVolume(target, OpenMode::ReadWrite);
    Volume volume = engineVolume(target);
    OperationControl control;
    RestoreJob job{chain, volume, *device, control};
    driver.restore(job);
    return target;
}

ServiceFixture::ServiceFixture(const QString& tag, const QString& compression,
                               qint64 backupFileSize)
    : dir(freshDir(tag))
{
    catalog = std::make_unique<Catalog>(dir + QStringLiteral("/catalog.sqlite"));
    BackendConfig backend;
    backend.name = QStringLiteral("local");
    backend.type = QStringLiteral("posix");
    backend.isDefault = true;
    backend.options[QStringLiteral("backup_posix_path")] = backupsDir();
    if (!compression.isEmpty())
        backend.options[QStringLiteral("backup_compression_algorithm")] = compression;
    backend.options[QStringLiteral("backup_file_size")] = double(backupFileSize);
    catalog->upsertBackend(backend);
    service = std::make_unique<BackupService>(*catalog);
}

ServiceFixture::~ServiceFixture() = default;

QString ServiceFixture::backupsDir() const
{
    return dir + QStringLiteral("/backups");
}

QString ServiceFixture::volumeFile() const
{
    return dir + QStringLiteral("/v.img");
}

Volume ServiceFixture::addVolumeFile(qint64 size, Fill fill, quint32 seed)
{
    makeVolumeFile(volumeFile(), size, fill, seed);
    return service->addVolume(volumeFile(), QStringLiteral("v"));
}

Backup ServiceFixture::backUp(const QString& volume, bool incremental, const QString& name)
{
    CreateBackupRequest request;
    request.volume = volume;
    request.incremental = incremental;
    request.name = name;
    auto prepared = service->prepareBackup(request);
    OperationControl control;
    return service->runBackup(prepared, control);
}

QString ServiceFixture::restoreToNewFile(const QString& backupId, const QString& fileName,
                                         const QString& volumeName)
{
    RestoreRequest request;
    request.backup = backupId;
    request.newVolumeName = volumeName;
    request.newVolumePath = dir + QLatin1Char('/') + fileName;
    auto prepared = service->prepareRestore(request);
    OperationControl control;
    return service->runRestore(prepared, control).path;
}

TmpfsMount::TmpfsMount(const QString& directory, const QString& options) : m_path(directory)
{
    QDir().mkpath(m_path);
    m_mounted =
        QProcess::execute(QStringLiteral("mount"),
                          {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                           options, QStringLiteral("tmpfs"), m_path}) == 0;
}

TmpfsMount::~TmpfsMount()
{
    if (m_mounted)
        QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), m_path});
}

} // namespace ember::test
