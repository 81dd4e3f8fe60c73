// The TSM driver against the dsmc emulator (tests/tsm/dsmc-emulator), which
// stands in for IBM's client: backups of files and block devices, restores
// compared byte for byte, deletes, password handling, server faults,
// cancellation, bandwidth limits (paced, shared, cancelled while held) and
// the connection test.
#include "operation.h"
#include "tsmdriver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTest>
#include <QUuid>

#include <chrono>
#include <fcntl.h>
#include <future>
#include <thread>
#include <unistd.h>

using namespace ember;
using namespace ember::tsm;

namespace {

const QString Emulator = QStringLiteral(DSMC_EMULATOR_PATH);
const QString ServerPassword = QStringLiteral("s3cr3t-Node-Pw");

// A volume file or block device opened with plain POSIX calls, so these
// tests depend on nothing but the TSM driver.
class PathDevice : public VolumeDevice
{
public:
    explicit PathDevice(const QString& path) : m_path(path)
    {
        m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CLOEXEC);
        if (m_fd < 0)
            throw Error(QStringLiteral("cannot open %1").arg(path));
    }
    ~PathDevice() override { ::close(m_fd); }
    qint64 size() const override { return ::lseek(m_fd, 0, SEEK_END); }
    qint64 readAt(qint64 offset, char* buffer, qint64 length) override
    {
        return ::pread(m_fd, buffer, size_t(length), offset);
    }
    void writeAt(qint64 offset, const char* data, qint64 length) override
    {
        if (::pwrite(m_fd, data, size_t(length), offset) != length)
            throw Error(QStringLiteral("short write"));
    }
    std::vector<Extent> dataExtents(qint64 offset, qint64 length) override
    {
        return {Extent{offset, length}};
    }
    void zeroRange(qint64, qint64) override {}
    void flush() override { ::fsync(m_fd); }
    QString describe() const override { return m_path; }

private:
    QString m_path;
    int m_fd = -1;
};

void writeRandomFile(const QString& path, qint64 size, quint32 seed)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QRandomGenerator random(seed);
    QByteArray block(1 << 16, Qt::Uninitialized);
    for (qint64 written = 0; written < size;) {
        const qint64 n = std::min<qint64>(block.size(), size - written);
        random.fillRange(reinterpret_cast<quint32*>(block.data()), block.size() / 4);
        QCOMPARE(file.write(block.constData(), n), n);
        written += n;
    }
}

QByteArray sha256Of(const QString& path, qint64 length = -1)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 left = length < 0 ? std::numeric_limits<qint64>::max() : length;
    while (left > 0) {
        const QByteArray chunk = file.read(std::min<qint64>(left, 1 << 20));
        if (chunk.isEmpty())
            break;
        hash.addData(chunk);
        left -= chunk.size();
    }
    return hash.result().toHex();
}

// First differing offset of two files over `length` bytes, or -1.
qint64 firstDifference(const QString& a, const QString& b, qint64 length)
{
    QFile fa(a), fb(b);
    if (!fa.open(QIODevice::ReadOnly) || !fb.open(QIODevice::ReadOnly))
        return 0;
    for (qint64 offset = 0; offset < length;) {
        const QByteArray ca = fa.read(std::min<qint64>(1 << 20, length - offset));
        const QByteArray cb = fb.read(ca.size());
        if (ca.isEmpty() || ca.size() != cb.size())
            return offset;
        if (ca != cb) {
            for (qsizetype i = 0; i < ca.size(); ++i) {
                if (ca[i] != cb[i])
                    return offset + i;
            }
        }
        offset += ca.size();
    }
    return -1;
}

QString runTool(const QString& program, const QStringList& arguments, int* exitCode = nullptr)
{
    QProcess process;
    process.start(program, arguments);
    process.waitForFinished(30000);
    if (exitCode)
        *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed();
}

} // namespace

class TsmDriverTest : public QObject
{
    Q_OBJECT

private:
    QString m_root;  // this test's directory
    QString m_store; // the emulated server
    QString m_links; // ember_tsm_image_link_dir
    QStringList m_loopDevices;

    BackendConfig config(const QJsonObject& extra = {}) const
    {
        BackendConfig backend;
        backend.name = QStringLiteral("tsm-test");
        backend.type = QStringLiteral("tsm");
        backend.options.insert(QStringLiteral("ember_tsm_dsmc_path"), Emulator);
        backend.options.insert(QStringLiteral("ember_tsm_image_link_dir"), m_links);
        for (auto it = extra.begin(); it != extra.end(); ++it)
            backend.options.insert(it.key(), it.value());
        return backend;
    }
    static BackendSecrets secrets(const QString& password = ServerPassword)
    {
        BackendSecrets values;
        if (!password.isEmpty())
            values.insert(PasswordKey, password);
        return values;
    }
    std::unique_ptr<TsmBackupDriver> driver(const QJsonObject& extra = {},
                                            const BackendSecrets& values = secrets()) const
    {
        return std::make_unique<TsmBackupDriver>(settingsFrom(config(extra), values));
    }
    // A driver of backend `name` with bandwidth limits. Buckets are shared per
    // backend name in the process, so each test names its own backend.
    std::unique_ptr<TsmBackupDriver> limitedDriver(const QString& name, const QString& upload,
                                                   const QString& download,
                                                   QJsonObject extra = {}) const
    {
        extra.insert(QStringLiteral("ember_bandwidth_upload"), upload);
        extra.insert(QStringLiteral("ember_bandwidth_download"), download);
        BackendConfig backend = config(extra);
        backend.name = name;
        return std::make_unique<TsmBackupDriver>(settingsFrom(backend, secrets()));
    }

    static Volume fileVolume(const QString& path, VolumeKind kind = VolumeKind::File)
    {
        Volume volume;
        volume.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        volume.name = QFileInfo(path).fileName();
        volume.kind = kind;
        volume.path = path;
        volume.sizeBytes = QFileInfo(path).size();
        return volume;
    }
    static Backup newBackup(const Volume& volume)
    {
        Backup backup;
        backup.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        backup.volumeId = volume.id;
        backup.backendName = QStringLiteral("tsm-test");
        return backup;
    }

    int storedObjects() const
    {
        return int(QDir(m_store + QStringLiteral("/objects"))
                       .entryList({QStringLiteral("*.json")}, QDir::Files)
                       .size());
    }
    int leftoverTransfers() const
    {
        return int(QDir(m_store + QStringLiteral("/objects"))
                       .entryList({QStringLiteral(".transfer-*")}, QDir::Files | QDir::Hidden)
                       .size());
    }
    QStringList linksIn(const QString& dir) const
    {
        QStringList links;
        for (const QFileInfo& info : QDir(dir).entryInfoList(QDir::System | QDir::Files))
            if (info.isSymLink())
                links << info.filePath();
        return links;
    }

    // m_root/volume.img filled with `size` random bytes, as a file volume.
    Volume randomVolume(qint64 size, quint32 seed)
    {
        const QString path = m_root + QStringLiteral("/volume.img");
        writeRandomFile(path, size, seed);
        return fileVolume(path);
    }

    void runBackup(TsmBackupDriver& tsm, Backup& backup, const Volume& volume,
                   OperationControl& control)
    {
        PathDevice device(volume.path);
        BackupJob job{backup, volume, device, std::nullopt, control};
        // The location is reported before dsmc runs, so a crash can be cleaned up.
        QString recorded;
        job.recordLocation = [&recorded](const Backup& b) { recorded = b.serviceMetadata; };
        tsm.backup(job);
        QCOMPARE(recorded, backup.serviceMetadata);
    }
    void runRestore(TsmBackupDriver& tsm, const Backup& backup, const Volume& target,
                    OperationControl& control)
    {
        PathDevice device(target.path);
        RestoreJob job{{backup}, target, device, control};
        tsm.restore(job);
    }

    QString attachLoop(const QString& file)
    {
        int code = -1;
        const QString device =
            runTool(QStringLiteral("losetup"),
                    {QStringLiteral("-f"), QStringLiteral("--show"), file}, &code);
        if (code != 0 || !device.startsWith(QStringLiteral("/dev/")))
            return {};
        m_loopDevices << device;
        return device;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFileInfo(Emulator).isExecutable(), qPrintable(Emulator)); }

    void init()
    {
        const QString base = qEnvironmentVariableIsSet("EMBER_TEST_TMP")
                                 ? qEnvironmentVariable("EMBER_TEST_TMP")
                                 : QDir::tempPath() + QStringLiteral("/ember-tst-tsm");
        m_root = base + u'/' + QString::fromLatin1(QTest::currentTestFunction());
        QDir(m_root).removeRecursively();
        m_store = m_root + QStringLiteral("/server");
        m_links = m_root + QStringLiteral("/links");
        QVERIFY(QDir().mkpath(m_store));
        QVERIFY(QDir().mkpath(m_links));
        QFile server(m_store + QStringLiteral("/server.json"));
        QVERIFY(server.open(QIODevice::WriteOnly));
        server.write(
            QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("EMBERSRV")},
                                      {QStringLiteral("node"), QStringLiteral("CINDERNODE")},
                                      {QStringLiteral("password"), ServerPassword}})
                .toJson());
        server.close();
        qputenv("DSMC_EMULATOR_STORE", QFile::encodeName(m_store));
        for (const char* name :
             {"DSMC_EMULATOR_FAULT", "DSMC_EMULATOR_DELAY_SECONDS", "DSMC_EMULATOR_ARGV_LOG",
              "DSMC_EMULATOR_LOCALE", "DSMC_EMULATOR_IMAGE_FILES", "DSMC_EMULATOR_SYMLINKS",
              "DSM_CONFIG"})
            qunsetenv(name);
    }

    void cleanup()
    {
        for (const QString& device : std::as_const(m_loopDevices))
            runTool(QStringLiteral("losetup"), {QStringLiteral("-d"), device});
        m_loopDevices.clear();
    }

    void backendTypeAndOptions()
    {
        const BackendType type = tsmBackendType();
        QCOMPARE(type.type, QStringLiteral("tsm"));
        // The password is the schema's only secret (the registry derives secretKeys from it).
        QStringList secretOptions;
        for (const OptionSpec& spec : type.options)
            if (spec.secret)
                secretOptions.append(spec.key);
        QCOMPARE(secretOptions, QStringList{PasswordKey});
        // No IBM client on this machine: the type says so and why.
        if (QStandardPaths::findExecutable(QStringLiteral("dsmc")).isEmpty() &&
            !QFileInfo::exists(DefaultDsmcPath)) {
            QVERIFY(!type.available);
            QVERIFY(type.unavailableReason.contains(QStringLiteral("dsmc")));
        }

        const auto tsm = driver();
        QCOMPARE(tsm->serviceName(), QStringLiteral("cinder.backup.drivers.tsm.TSMBackupDriver"));
        QVERIFY(!tsm->supportsForceDelete());
        QVERIFY(!tsm->supportsIncremental(Volume{}));
        QCOMPARE(tsm->settings().volumePrefix, QStringLiteral("backup"));
        QVERIFY(tsm->settings().compression);
        QCOMPARE(tsm->settings().dsmcPath, Emulator);

        QVERIFY_THROWS_EXCEPTION(Error,
                                 settingsFrom(config({{QStringLiteral("backup_tsm_compression"),
                                                       QStringLiteral("maybe")}}),
                                              secrets()));
        QVERIFY_THROWS_EXCEPTION(Error,
                                 settingsFrom(config({{QStringLiteral("ember_tsm_timeout_seconds"),
                                                       QStringLiteral("soon")}}),
                                              secrets()));
        const TsmSettings custom = settingsFrom(
            config({{QStringLiteral("backup_tsm_compression"), false},
                    {QStringLiteral("backup_tsm_volume_prefix"), QStringLiteral("vol")},
                    {QStringLiteral("ember_tsm_timeout_seconds"), 30}}),
            secrets());
        QVERIFY(!custom.compression);
        QCOMPARE(custom.volumePrefix, QStringLiteral("vol"));
        QCOMPARE(custom.timeoutSeconds, 30);
    }

    void serviceMetadataFormat()
    {
        // Byte for byte what Cinder's json.dumps wrote.
        QCOMPARE(
            serviceMetadataJson({BackupMode::Image, QStringLiteral("/dev/backup-1234")}),
            QStringLiteral("{\"backup_mode\": \"image\", \"backup_path\": \"/dev/backup-1234\"}"));
        QCOMPARE(serviceMetadataJson(
                     {BackupMode::File, QStringLiteral("/v/d\u00e9j\u00e0 \"q\"/backup-1")}),
                 QStringLiteral("{\"backup_mode\": \"file\", \"backup_path\": "
                                "\"/v/d\\u00e9j\\u00e0 \\\"q\\\"/backup-1\"}"));

        const TsmSettings settings = settingsFrom(config(), secrets());
        Backup cinderEra;
        cinderEra.id = QStringLiteral("7d0e8f9a-0000-4000-8000-000000000001");
        const TsmObject legacy = tsmObjectOf(cinderEra, settings);
        QVERIFY(legacy.mode == BackupMode::Image);
        QCOMPARE(legacy.path, QStringLiteral("/dev/backup-7d0e8f9a-0000-4000-8000-000000000001"));

        const QString ownLink = QStringLiteral("/srv/backup-%1").arg(cinderEra.id);
        cinderEra.serviceMetadata =
            QStringLiteral("{\"backup_mode\": \"file\", \"backup_path\": \"%1\"}").arg(ownLink);
        const TsmObject file = tsmObjectOf(cinderEra, settings);
        QVERIFY(file.mode == BackupMode::File);
        QCOMPARE(file.path, ownLink);

        // An imported record must not name another backup's object (restore
        // would read it, delete would remove it) or a path outside its link.
        for (const QString& foreign :
             {QStringLiteral("/srv/backup-x"),
              QStringLiteral("/dev/backup-11111111-2222-4333-8444-555555555555"),
              QStringLiteral("srv/backup-%1").arg(cinderEra.id),
              QStringLiteral("/srv/../etc/backup-%1").arg(cinderEra.id),
              QStringLiteral("/srv/backup-%1/x").arg(cinderEra.id),
              QStringLiteral("/srv/-%1").arg(cinderEra.id)}) {
            cinderEra.serviceMetadata =
                QStringLiteral("{\"backup_mode\": \"image\", \"backup_path\": \"%1\"}")
                    .arg(foreign);
            QVERIFY_THROWS_EXCEPTION(Error, tsmObjectOf(cinderEra, settings));
        }

        cinderEra.serviceMetadata = QStringLiteral("volume_abc/20260101");
        QVERIFY_THROWS_EXCEPTION(Error, tsmObjectOf(cinderEra, settings));
    }

    void fileVolumeBackupRestoreDelete()
    {
        const qint64 size = 5 * 1024 * 1024 + 4321;
        const Volume volume = randomVolume(size, 11);
        const QString& source = volume.path;
        Backup backup = newBackup(volume);
        const auto tsm = driver();
        QVERIFY(tsm->cannotBackup(volume).isEmpty());

        OperationControl control;
        QStringList log;
        control.setLogCallback([&log](const QString& line) { log << line; });
        QList<Progress> progress;
        control.setProgressCallback([&progress](const Progress& p) { progress << p; });
        runBackup(*tsm, backup, volume, control);

        const QString linkPath = m_root + QStringLiteral("/backup-") + backup.id;
        QCOMPARE(
            backup.serviceMetadata,
            QStringLiteral("{\"backup_mode\": \"file\", \"backup_path\": \"%1\"}").arg(linkPath));
        QVERIFY2(!QFileInfo::exists(linkPath) && !QFileInfo(linkPath).isSymLink(),
                 "the backup link must be removed");
        QCOMPARE(storedObjects(), 1);
        QCOMPARE(backup.objectCount, qint64(1));
        // The summary's "Total number of bytes transferred": random data does
        // not shrink with -compression=yes (zlib adds a little).
        QVERIFY2(qAbs(backup.storedBytes - size) < size / 100,
                 qPrintable(QString::number(backup.storedBytes)));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.first().phase, QStringLiteral("uploading"));
        QVERIFY(progress.last().bytesDone > 0);

        // Restore into another file, compared byte for byte.
        const QString restored = m_root + QStringLiteral("/restored.img");
        writeRandomFile(restored, size, 99);
        runRestore(*tsm, backup, fileVolume(restored), control);
        QCOMPARE(QFileInfo(restored).size(), size);
        QCOMPARE(firstDifference(source, restored, size), qint64(-1));
        QCOMPARE(sha256Of(restored), sha256Of(source));
        QVERIFY(linksIn(m_root).isEmpty());

        const VerifyReport report = tsm->verify({backup}, control);
        QVERIFY2(report.problems.isEmpty(), qPrintable(report.problems.join(u'\n')));
        QCOMPARE(report.objectsChecked, qint64(1));
        QVERIFY(log.join(u'\n').contains(QStringLiteral("cannot check the contents")));

        tsm->remove(backup, control);
        QCOMPARE(storedObjects(), 0);
        const VerifyReport missing = tsm->verify({backup}, control);
        QCOMPARE(missing.problems.size(), 1);
        QVERIFY2(missing.problems.first().contains(linkPath), qPrintable(missing.problems.first()));
        // Deleting what is already gone succeeds (a resumed delete).
        tsm->remove(backup, control);
    }

    void compressedBackupRoundTrip()
    {
        const QString source = m_root + QStringLiteral("/text.img");
        {
            QFile file(source);
            QVERIFY(file.open(QIODevice::WriteOnly));
            for (int i = 0; i < 60000; ++i)
                file.write(
                    QStringLiteral("line %1 of a very compressible volume\n").arg(i).toUtf8());
        }
        const Volume volume = fileVolume(source);
        Backup backup = newBackup(volume);
        const auto tsm = driver();
        OperationControl control;
        runBackup(*tsm, backup, volume, control);
        QVERIFY2(backup.storedBytes > 0 && backup.storedBytes < volume.sizeBytes / 3,
                 qPrintable(QString::number(backup.storedBytes)));

        const QString restored = m_root + QStringLiteral("/restored.img");
        writeRandomFile(restored, 10, 1);
        runRestore(*tsm, backup, fileVolume(restored), control);
        QCOMPARE(sha256Of(restored), sha256Of(source));
    }

    void blockDeviceImageBackup()
    {
        const QString backing = m_root + QStringLiteral("/disk.raw");
        const QString targetBacking = m_root + QStringLiteral("/target.raw");
        const qint64 size = 8 * 1024 * 1024;
        writeRandomFile(backing, size, 21);
        writeRandomFile(targetBacking, size, 22);
        const QString device = attachLoop(backing);
        if (device.isEmpty())
            QSKIP("losetup is not permitted here; image mode is covered by "
                  "cinderEraRowRestoresAsImage");
        const QString targetDevice = attachLoop(targetBacking);
        QVERIFY(!targetDevice.isEmpty());

        const Volume volume = fileVolume(device, VolumeKind::BlockDevice);
        Backup backup = newBackup(volume);
        const auto tsm = driver();
        QVERIFY2(tsm->cannotBackup(volume).isEmpty(), qPrintable(tsm->cannotBackup(volume)));
        OperationControl control;
        runBackup(*tsm, backup, volume, control);
        QCOMPARE(backup.serviceMetadata,
                 QStringLiteral("{\"backup_mode\": \"image\", \"backup_path\": \"%1/backup-%2\"}")
                     .arg(m_links, backup.id));
        QVERIFY(linksIn(m_links).isEmpty());

        runRestore(*tsm, backup, fileVolume(targetDevice, VolumeKind::BlockDevice), control);
        QCOMPARE(firstDifference(device, targetDevice, size), qint64(-1));
        QVERIFY(linksIn(m_links).isEmpty());
        tsm->remove(backup, control);
        QCOMPARE(storedObjects(), 0);
    }

    void cinderEraRowRestoresAsImage()
    {
        // A Cinder row without service_metadata names the image object
        // /dev/backup-<id>. Put such an object on the emulated server: back up
        // an image (a regular file behind the link, which the emulator
        // accepts with DSMC_EMULATOR_IMAGE_FILES) under that name.
        qputenv("DSMC_EMULATOR_IMAGE_FILES", "1");
        const QString source = m_root + QStringLiteral("/cinder-volume.raw");
        const qint64 size = 3 * 1024 * 1024;
        writeRandomFile(source, size, 31);
        Backup backup;
        backup.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QString objectName = QStringLiteral("/dev/backup-") + backup.id;
        // The emulator names the object after its argument; store it under
        // the /dev name without touching /dev by editing the index it keeps.
        const QString link = m_links + QStringLiteral("/seed");
        QVERIFY(QFile::link(source, link));
        int code = -1;
        runTool(Emulator,
                {QStringLiteral("backup"), QStringLiteral("image"), QStringLiteral("-quiet"),
                 QStringLiteral("-password=") + ServerPassword, link},
                &code);
        QCOMPARE(code, 0);
        QFile::remove(link);
        const QString objects = m_store + QStringLiteral("/objects");
        const QStringList metas = QDir(objects).entryList({QStringLiteral("*.json")}, QDir::Files);
        QCOMPARE(metas.size(), 1);
        const QString digest = QString::fromLatin1(
            QCryptographicHash::hash(("image:" + objectName).toUtf8(), QCryptographicHash::Sha256)
                .toHex()
                .left(32));
        QFile meta(objects + u'/' + metas.first());
        QVERIFY(meta.open(QIODevice::ReadOnly));
        QJsonObject record = QJsonDocument::fromJson(meta.readAll()).object();
        meta.close();
        record.insert(QStringLiteral("name"), objectName);
        QVERIFY(QFile::rename(objects + u'/' + QFileInfo(metas.first()).completeBaseName() +
                                  QStringLiteral(".data"),
                              objects + u'/' + digest + QStringLiteral(".data")));
        QFile::remove(meta.fileName());
        QFile renamed(objects + u'/' + digest + QStringLiteral(".json"));
        QVERIFY(renamed.open(QIODevice::WriteOnly));
        renamed.write(QJsonDocument(record).toJson());
        renamed.close();

        const auto tsm = driver();
        OperationControl control;
        const QString restored = m_root + QStringLiteral("/restored.raw");
        writeRandomFile(restored, size, 32);
        runRestore(*tsm, backup, fileVolume(restored), control);
        QCOMPARE(firstDifference(source, restored, size), qint64(-1));
        QVERIFY(linksIn(m_links).isEmpty());
        QVERIFY(tsm->verify({backup}, control).problems.isEmpty());
        tsm->remove(backup, control);
        QCOMPARE(storedObjects(), 0);
    }

    void wrongPassword()
    {
        const Volume volume = randomVolume(1024 * 1024, 41);
        Backup backup = newBackup(volume);
        const auto tsm = driver({}, secrets(QStringLiteral("not-the-password")));
        OperationControl control;
        try {
            runBackup(*tsm, backup, volume, control);
            QFAIL("a backup with a wrong password must fail");
        } catch (const Cancelled&) {
            QFAIL("not a cancel");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("ANS1025E")),
                     qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("refused the node password")),
                     qPrintable(error.message()));
            QVERIFY(!error.message().contains(QStringLiteral("not-the-password")));
        }
        QCOMPARE(storedObjects(), 0);
        QVERIFY(linksIn(m_root).isEmpty());

        const TsmProbeResult probe =
            probeTsm(config(), secrets(QStringLiteral("not-the-password")));
        QVERIFY(!probe.ok);
        QVERIFY2(probe.message.contains(QStringLiteral("ANS1025E")), qPrintable(probe.message));
    }

    void passwordMissingOrStoredByClient()
    {
        const Volume volume = randomVolume(256 * 1024, 42);
        OperationControl control;

        // No secret and no client-stored password: dsmc prompts; the driver
        // says what to set up instead of hanging.
        {
            Backup backup = newBackup(volume);
            const auto tsm = driver({}, secrets(QString()));
            try {
                runBackup(*tsm, backup, volume, control);
                QFAIL("must fail without a password");
            } catch (const Error& error) {
                QVERIFY2(error.message().contains(QStringLiteral("PASSWORDACCESS GENERATE")),
                         qPrintable(error.message()));
            }
        }

        // PASSWORDACCESS GENERATE: the first run answers dsmc's prompt and
        // dsmc keeps the password; later runs need no secret at all.
        const QString optfile = m_root + QStringLiteral("/dsm.opt");
        {
            QFile file(optfile);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("SErvername      EMBERSRV\nNODename        CINDERNODE\n"
                       "PASSWORDAccess  generate\n");
        }
        const QJsonObject withOptfile{
            {QStringLiteral("ember_tsm_optfile"), optfile},
            {QStringLiteral("ember_tsm_servername"), QStringLiteral("EMBERSRV")}};
        const TsmProbeResult first = probeTsm(config(withOptfile), secrets());
        QVERIFY2(first.ok, qPrintable(first.message));
        QVERIFY(QFileInfo::exists(m_store + QStringLiteral("/client/TSM.PWD")));

        Backup backup = newBackup(volume);
        const auto tsm = driver(withOptfile, secrets(QString()));
        runBackup(*tsm, backup, volume, control);
        QCOMPARE(storedObjects(), 1);

        // A server stanza that does not exist is reported by dsmc.
        const auto wrongServer =
            driver({{QStringLiteral("ember_tsm_optfile"), optfile},
                    {QStringLiteral("ember_tsm_servername"), QStringLiteral("NOSUCH")}},
                   secrets(QString()));
        try {
            wrongServer->remove(backup, control);
            QFAIL("unknown server stanza must fail");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("ANS1217E")),
                     qPrintable(error.message()));
        }
        QCOMPARE(storedObjects(), 1);
    }

    void passwordNeverInArgv()
    {
        const QString argvLog = m_root + QStringLiteral("/argv.log");
        qputenv("DSMC_EMULATOR_ARGV_LOG", QFile::encodeName(argvLog));
        const Volume volume = randomVolume(512 * 1024, 51);
        const QString& source = volume.path;
        Backup backup = newBackup(volume);
        const auto tsm = driver();
        OperationControl control;
        QStringList log;
        control.setLogCallback([&log](const QString& line) { log << line; });
        runBackup(*tsm, backup, volume, control);
        const QString restored = m_root + QStringLiteral("/restored.img");
        writeRandomFile(restored, 512 * 1024, 52);
        runRestore(*tsm, backup, fileVolume(restored), control);
        QCOMPARE(sha256Of(restored), sha256Of(source));
        QVERIFY(tsm->verify({backup}, control).problems.isEmpty());
        tsm->remove(backup, control);
        QVERIFY(probeTsm(config(), secrets()).ok);

        QFile file(argvLog);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray recorded = file.readAll();
        QCOMPARE(recorded.count('\n'), 5); // backup, restore, query, delete, query session
        QVERIFY(!recorded.contains(ServerPassword.toUtf8()));
        QVERIFY(!recorded.contains("-password"));
        QVERIFY(recorded.contains("\"backup\", \"-quiet\", \"-compression=yes\""));
        QVERIFY(recorded.contains("\"restore\", \"-replace=yes\", \"-quiet\""));
        QVERIFY(recorded.contains(
            "\"delete\", \"backup\", \"-quiet\", \"-noprompt\", \"-objtype=file\""));
        // Nor in anything the driver logs.
        QVERIFY(!log.join(u'\n').contains(ServerPassword));
    }

    void serverUnreachable()
    {
        qputenv("DSMC_EMULATOR_FAULT", "unreachable");
        const Volume volume = randomVolume(256 * 1024, 61);
        Backup backup = newBackup(volume);
        const auto tsm = driver();
        OperationControl control;
        try {
            runBackup(*tsm, backup, volume, control);
            QFAIL("must fail");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("ANS1017E Session rejected: TCP/IP "
                                                             "connection failure")),
                     qPrintable(error.message()));
            QVERIFY2(error.message().contains(QStringLiteral("return code 12")),
                     qPrintable(error.message()));
        }
        QVERIFY(linksIn(m_root).isEmpty());

        const TsmProbeResult probe = probeTsm(config(), secrets());
        QVERIFY(!probe.ok);
        QVERIFY2(probe.message.contains(QStringLiteral("cannot be reached")),
                 qPrintable(probe.message));
        QVERIFY(probe.message.contains(QStringLiteral("ANS1017E")));
    }

    void failureMidwayLeavesNothing()
    {
        qputenv("DSMC_EMULATOR_FAULT", "fail-midway");
        const Volume volume = randomVolume(4 * 1024 * 1024, 71);
        Backup backup = newBackup(volume);
        const auto tsm = driver();
        OperationControl control;
        try {
            runBackup(*tsm, backup, volume, control);
            QFAIL("must fail");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("ANS1301E")),
                     qPrintable(error.message()));
            QVERIFY(error.message().contains(volume.path));
        }
        // The emulated server kept the half-sent object; the driver removed it.
        QCOMPARE(storedObjects(), 0);
        QCOMPARE(leftoverTransfers(), 0);
        QVERIFY(linksIn(m_root).isEmpty());
    }

    void warningsStillSucceed()
    {
        qputenv("DSMC_EMULATOR_FAULT", "warning");
        const Volume volume = randomVolume(300 * 1000, 81);
        const QString& source = volume.path;
        Backup backup = newBackup(volume);
        const auto tsm = driver();
        OperationControl control;
        QStringList log;
        control.setLogCallback([&log](const QString& line) { log << line; });
        runBackup(*tsm, backup, volume, control);
        QCOMPARE(storedObjects(), 1);
        QVERIFY(log.join(u'\n').contains(QStringLiteral("TSM warning: ANS1809W")));
        const QString restored = m_root + QStringLiteral("/restored.img");
        writeRandomFile(restored, 1, 82);
        runRestore(*tsm, backup, fileVolume(restored), control);
        QCOMPARE(sha256Of(restored), sha256Of(source));
    }

    void localeFormattedNumbers_data()
    {
        QTest::addColumn<QByteArray>("locale");
        QTest::newRow("en 1,024.00") << QByteArray("en");
        QTest::newRow("de 1.024,00") << QByteArray("de");
        QTest::newRow("fr 1 024,00") << QByteArray("fr");
    }
    void localeFormattedNumbers()
    {
        QFETCH(QByteArray, locale);
        qputenv("DSMC_EMULATOR_LOCALE", locale);
        const qint64 size = 12 * 1024 * 1024; // "12.288,00 KB" / "12,288.00 KB" / "12 288,00 KB"
        const Volume volume = randomVolume(size, 91);
        Backup backup = newBackup(volume);
        const auto tsm = driver({{QStringLiteral("backup_tsm_compression"), false}});
        OperationControl control;
        runBackup(*tsm, backup, volume, control);
        QCOMPARE(backup.storedBytes, size);
    }

    void cancellation()
    {
        qputenv("DSMC_EMULATOR_DELAY_SECONDS", "30");
        const Volume volume = randomVolume(8 * 1024 * 1024, 101);
        Backup backup = newBackup(volume);
        const auto tsm = driver();
        OperationControl control;
        std::thread canceller([&control] {
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
            control.requestCancel();
        });
        QElapsedTimer clock;
        clock.start();
        bool cancelled = false;
        try {
            runBackup(*tsm, backup, volume, control);
        } catch (const Cancelled&) {
            cancelled = true;
        } catch (const Error& error) {
            canceller.join();
            QFAIL(qPrintable(error.message()));
        }
        canceller.join();
        QVERIFY(cancelled);
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(storedObjects(), 0);
        QCOMPARE(leftoverTransfers(), 0);
        QVERIFY(linksIn(m_root).isEmpty());
    }

    void bandwidthOptions()
    {
        // The schema offers the chunked backends' two limits, checked by the same parser.
        const BackendType type = tsmBackendType();
        for (const QString& key : {QStringLiteral("ember_bandwidth_upload"),
                                   QStringLiteral("ember_bandwidth_download")}) {
            const auto spec = std::find_if(type.options.begin(), type.options.end(),
                                           [&](const OptionSpec& o) { return o.key == key; });
            const OptionSpec* limit = spec == type.options.end() ? nullptr : &*spec;
            QVERIFY2(limit, qPrintable(key));
            QCOMPARE(limit->kind, OptionSpec::Kind::Text);
            QCOMPARE(limit->defaultValue.toString(), QString());
            QVERIFY(limit->check);
            QCOMPARE(limit->check(QStringLiteral("10MB/s 08:00-18:00, 50MB/s"), {}), QString());
            QVERIFY2(limit->check(QStringLiteral("10 MX/s"), {}).contains(QStringLiteral("MX/s")),
                     qPrintable(limit->check(QStringLiteral("10 MX/s"), {})));
            try {
                settingsFrom(config({{key, QStringLiteral("fast")}}), secrets());
                QFAIL("a malformed limit must be refused");
            } catch (const Error& error) {
                QVERIFY2(error.message().contains(key) &&
                             error.message().contains(QStringLiteral("'fast' is not a rate")),
                         qPrintable(error.message()));
            }
        }
        const TsmSettings limited = settingsFrom(
            config({{QStringLiteral("ember_bandwidth_upload"), QStringLiteral(" 5MB/s ")}}),
            secrets());
        QCOMPARE(limited.uploadLimit, QStringLiteral("5MB/s"));
        QCOMPARE(limited.downloadLimit, QString());
    }

    // 20 MB each way at 4 MB/s: about five seconds each (the bucket's first
    // quarter second is free; the emulator's own start-up reads count too).
    void bandwidthLimitPacesBackupAndRestore()
    {
        const qint64 size = 20 * 1000 * 1000;
        const Volume volume = randomVolume(size, 201);
        Backup backup = newBackup(volume);
        // Without dsmc's compression, so the emulator's Python zlib on a busy
        // machine is not what is timed (the count is the volume's bytes either way).
        const auto tsm = limitedDriver(QStringLiteral("tsm-paced"), QStringLiteral("4MB/s"),
                                       QStringLiteral("4MB/s"),
                                       {{QStringLiteral("backup_tsm_compression"), false}});
        OperationControl control;
        QStringList log;
        control.setLogCallback([&log](const QString& line) { log << line; });

        QElapsedTimer clock;
        clock.start();
        runBackup(*tsm, backup, volume, control);
        const double backupSeconds = double(clock.nsecsElapsed()) / 1e9;
        QCOMPARE(storedObjects(), 1);

        const QString restored = m_root + QStringLiteral("/restored.img");
        writeRandomFile(restored, size, 202);
        clock.restart();
        runRestore(*tsm, backup, fileVolume(restored), control);
        const double restoreSeconds = double(clock.nsecsElapsed()) / 1e9;
        QCOMPARE(QFileInfo(restored).size(), size);
        QCOMPARE(firstDifference(volume.path, restored, size), qint64(-1));

        const QString text = log.join(u'\n');
        qInfo("20 MB at 4 MB/s: backup %.2f s, restore %.2f s", backupSeconds, restoreSeconds);
        QVERIFY2(text.contains(QStringLiteral("dsmc read")) &&
                     text.contains(QStringLiteral("dsmc wrote")),
                 qPrintable(text));
        QVERIFY2(backupSeconds > 4.0 && backupSeconds < 6.5,
                 qPrintable(QString::number(backupSeconds)));
        QVERIFY2(restoreSeconds > 4.0 && restoreSeconds < 6.5,
                 qPrintable(QString::number(restoreSeconds)));
        QVERIFY(linksIn(m_root).isEmpty());
    }

    // Without a limit dsmc is not watched at all (no pacing line in the log):
    // the same 20 MB go at the emulator's own speed (without its zlib, whose
    // Python-speed compression on a busy machine is not what is measured).
    void noLimitCostsNothing()
    {
        const qint64 size = 20 * 1000 * 1000;
        const Volume volume = randomVolume(size, 203);
        Backup backup = newBackup(volume);
        const auto tsm =
            limitedDriver(QStringLiteral("tsm-unpaced"), QString(), QStringLiteral("unlimited"),
                          {{QStringLiteral("backup_tsm_compression"), false}});
        OperationControl control;
        QStringList log;
        control.setLogCallback([&log](const QString& line) { log << line; });
        QElapsedTimer clock;
        clock.start();
        runBackup(*tsm, backup, volume, control);
        const double backupSeconds = double(clock.nsecsElapsed()) / 1e9;
        const QString restored = m_root + QStringLiteral("/restored.img");
        writeRandomFile(restored, size, 204);
        clock.restart();
        runRestore(*tsm, backup, fileVolume(restored), control);
        const double restoreSeconds = double(clock.nsecsElapsed()) / 1e9;
        QCOMPARE(firstDifference(volume.path, restored, size), qint64(-1));
        qInfo("20 MB unlimited: backup %.2f s, restore %.2f s", backupSeconds, restoreSeconds);
        QVERIFY2(!log.join(u'\n').contains(QStringLiteral("Bandwidth limit")),
                 qPrintable(log.join(u'\n')));
        QVERIFY2(backupSeconds < 3.0, qPrintable(QString::number(backupSeconds)));
        QVERIFY2(restoreSeconds < 3.0, qPrintable(QString::number(restoreSeconds)));
    }

    // Two backups of one backend at once share its 4 MB/s: 16 MB take about
    // as long as one backup of 16 MB, not as one of 8 MB.
    void limitIsSharedByTheBackendsJobs()
    {
        const qint64 size = 8 * 1000 * 1000;
        const QString name = QStringLiteral("tsm-shared");
        QList<Volume> volumes;
        for (int i = 0; i < 2; ++i) {
            const QString path = m_root + QStringLiteral("/volume-%1.img").arg(i);
            writeRandomFile(path, size, quint32(300 + i));
            volumes.append(fileVolume(path));
        }
        QList<Backup> backups{newBackup(volumes[0]), newBackup(volumes[1])};
        QElapsedTimer clock;
        clock.start();
        const auto backUp = [&](int i) -> QString {
            try {
                // Each job makes its driver, as the backup service does.
                const auto tsm = limitedDriver(name, QStringLiteral("4MB/s"), QString(),
                                               {{QStringLiteral("backup_tsm_compression"), false}});
                OperationControl control;
                PathDevice device(volumes[i].path);
                BackupJob job{backups[i], volumes[i], device, std::nullopt, control};
                tsm->backup(job);
                return QStringLiteral("ended at %1 s").arg(double(clock.nsecsElapsed()) / 1e9);
            } catch (const Error& error) {
                return error.message();
            }
        };
        auto first = std::async(std::launch::async, backUp, 0);
        auto second = std::async(std::launch::async, backUp, 1);
        const QString firstResult = first.get();
        const QString secondResult = second.get();
        const double seconds = double(clock.nsecsElapsed()) / 1e9;
        qInfo("two 8 MB backups at a shared 4 MB/s: %.2f s (%s, %s)", seconds,
              qPrintable(firstResult), qPrintable(secondResult));
        QVERIFY2(firstResult.startsWith(QStringLiteral("ended")), qPrintable(firstResult));
        QVERIFY2(secondResult.startsWith(QStringLiteral("ended")), qPrintable(secondResult));
        QCOMPARE(storedObjects(), 2);
        QVERIFY2(seconds > 3.8 && seconds < 7.0, qPrintable(QString::number(seconds)));

        // Both intact (restores of this backend are not limited).
        const auto tsm = limitedDriver(name, QStringLiteral("4MB/s"), QString());
        for (int i = 0; i < 2; ++i) {
            const QString restored = m_root + QStringLiteral("/restored-%1.img").arg(i);
            writeRandomFile(restored, size, quint32(400 + i));
            OperationControl control;
            runRestore(*tsm, backups[i], fileVolume(restored), control);
            QCOMPARE(firstDifference(volumes[i].path, restored, size), qint64(-1));
        }
    }

    // Under 10 kB/s dsmc is held stopped nearly all the time; a cancel still
    // ends it at once (it is continued to see the SIGTERM).
    void cancelWhileHeldByALowLimit()
    {
        const Volume volume = randomVolume(8 * 1024 * 1024, 205);
        Backup backup = newBackup(volume);
        const auto tsm =
            limitedDriver(QStringLiteral("tsm-slow"), QStringLiteral("10kB/s"), QString());
        OperationControl control;
        QElapsedTimer sinceCancel;
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(1000));
            sinceCancel.start();
            control.requestCancel();
        });
        bool cancelled = false;
        try {
            runBackup(*tsm, backup, volume, control);
        } catch (const Cancelled&) {
            cancelled = true;
        } catch (const Error& error) {
            canceller.join();
            QFAIL(qPrintable(error.message()));
        }
        const qint64 latencyMs = sinceCancel.elapsed();
        canceller.join();
        QVERIFY(cancelled);
        // Includes dsmc's exit and the cleanup run of `dsmc delete`.
        qInfo("cancel under 10 kB/s: the backup ended %lld ms after the cancel", latencyMs);
        QVERIFY2(latencyMs < 1500, qPrintable(QString::number(latencyMs)));
        QCOMPARE(storedObjects(), 0);
        QCOMPARE(leftoverTransfers(), 0);
        QVERIFY(linksIn(m_root).isEmpty());
    }

    // A dsmc held by the limit still times out (and is continued to end).
    void timeoutWhileHeldByALowLimit()
    {
        const Volume volume = randomVolume(4 * 1024 * 1024, 206);
        Backup backup = newBackup(volume);
        const auto tsm =
            limitedDriver(QStringLiteral("tsm-held-timeout"), QStringLiteral("10kB/s"), QString(),
                          {{QStringLiteral("ember_tsm_timeout_seconds"), 1}});
        OperationControl control;
        QElapsedTimer clock;
        clock.start();
        try {
            runBackup(*tsm, backup, volume, control);
            QFAIL("must time out");
        } catch (const Cancelled&) {
            QFAIL("a timeout is not a cancel");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("did not finish within 1 seconds")),
                     qPrintable(error.message()));
        }
        // A dsmc left stopped would end only by the SIGKILL 3 s after the SIGTERM.
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(storedObjects(), 0);
        QCOMPARE(leftoverTransfers(), 0);
    }

    void timeout()
    {
        qputenv("DSMC_EMULATOR_DELAY_SECONDS", "30");
        const Volume volume = randomVolume(2 * 1024 * 1024, 111);
        Backup backup = newBackup(volume);
        const auto tsm = driver({{QStringLiteral("ember_tsm_timeout_seconds"), 1}});
        OperationControl control;
        try {
            runBackup(*tsm, backup, volume, control);
            QFAIL("must time out");
        } catch (const Cancelled&) {
            QFAIL("a timeout is not a cancel");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("did not finish within 1 seconds")),
                     qPrintable(error.message()));
        }
        QCOMPARE(storedObjects(), 0);
    }

    void clientThatBacksUpLinksAsLinks()
    {
        // IBM's client stores a symbolic link as a link in file backups and
        // restores by replacing the destination name. A symlink "backup" is
        // refused; ember_tsm_file_link=hardlink (Cinder before Stein) works.
        qputenv("DSMC_EMULATOR_SYMLINKS", "as-links");
        const qint64 size = 3 * 1024 * 1024 + 7;
        const Volume volume = randomVolume(size, 151);
        const QString& source = volume.path;
        OperationControl control;
        {
            Backup backup = newBackup(volume);
            const auto tsm = driver();
            try {
                runBackup(*tsm, backup, volume, control);
                QFAIL("a backup of the link alone must be refused");
            } catch (const Error& error) {
                QVERIFY2(error.message().contains(QStringLiteral("ember_tsm_file_link")),
                         qPrintable(error.message()));
            }
            QCOMPARE(storedObjects(), 0);
            QVERIFY(linksIn(m_root).isEmpty());
        }

        const auto tsm =
            driver({{QStringLiteral("ember_tsm_file_link"), QStringLiteral("hardlink")}});
        Backup backup = newBackup(volume);
        runBackup(*tsm, backup, volume, control);
        QCOMPARE(storedObjects(), 1);
        QVERIFY(!QFileInfo::exists(m_root + QStringLiteral("/backup-") + backup.id));
        QCOMPARE(QFileInfo(source).size(), size); // the volume itself is untouched

        const QString restored = m_root + QStringLiteral("/restored.img");
        writeRandomFile(restored, size, 152);
        runRestore(*tsm, backup, fileVolume(restored), control);
        QCOMPARE(firstDifference(source, restored, size), qint64(-1));
        QCOMPARE(QFileInfo(restored).size(), size);
        QVERIFY(!QFileInfo::exists(m_root + QStringLiteral("/backup-") + backup.id));
        QCOMPARE(QDir(m_root)
                     .entryList({QStringLiteral(".restore-*")}, QDir::Files | QDir::Hidden)
                     .size(),
                 0);
        tsm->remove(backup, control);
        QCOMPARE(storedObjects(), 0);
    }

    void leftoversOfACrashedBackup()
    {
        // What a process that died during a backup leaves: the object on the
        // server (it may have been committed) and the link beside the volume.
        const Volume volume = randomVolume(200 * 1024, 141);
        const QString& source = volume.path;
        Backup backup = newBackup(volume);
        const auto tsm = driver();
        OperationControl control;
        runBackup(*tsm, backup, volume, control);
        QCOMPARE(storedObjects(), 1);
        const QString linkPath = m_root + QStringLiteral("/backup-") + backup.id;
        QVERIFY(QFile::link(source, linkPath));

        tsm->removeLeftovers(backup);
        QCOMPARE(storedObjects(), 0);
        QVERIFY(!QFileInfo(linkPath).isSymLink());
        QVERIFY(QFileInfo::exists(source));
        // Nothing left: a second call is harmless.
        tsm->removeLeftovers(backup);
    }

    void incrementalRefused()
    {
        const Volume volume = randomVolume(64 * 1024, 121);
        const QString& source = volume.path;
        const auto tsm = driver();
        QVERIFY(!tsm->supportsIncremental(volume));
        Backup parent = newBackup(volume);
        Backup backup = newBackup(volume);
        backup.parentId = parent.id;
        OperationControl control;
        PathDevice device(source);
        BackupJob job{backup, volume, device, parent, control};
        try {
            tsm->backup(job);
            QFAIL("an incremental must be refused");
        } catch (const Error& error) {
            QCOMPARE(error.message(),
                     QStringLiteral("TSM backups are always full backups; --incremental is not "
                                    "available for backend tsm-test."));
        }
        QCOMPARE(storedObjects(), 0);
    }

    void unsupportedVolumes()
    {
        const auto tsm = driver();
        Volume rbd;
        rbd.kind = VolumeKind::Rbd;
        rbd.name = QStringLiteral("vol-a");
        rbd.path = QStringLiteral("volumes/vol-a");
        QVERIFY(tsm->cannotBackup(rbd).contains(QStringLiteral("RBD")));
        Volume directory = fileVolume(m_root);
        QVERIFY(tsm->cannotBackup(directory).contains(QStringLiteral("neither")));

        const auto noClient =
            driver({{QStringLiteral("ember_tsm_dsmc_path"), QStringLiteral("/nonexistent/dsmc")}});
        const QString source = m_root + QStringLiteral("/volume.img");
        writeRandomFile(source, 4096, 131);
        QVERIFY(noClient->cannotBackup(fileVolume(source))
                    .contains(QStringLiteral("/nonexistent/dsmc")));
        const TsmProbeResult probe = probeTsm(
            config({{QStringLiteral("ember_tsm_dsmc_path"), QStringLiteral("/nonexistent/dsmc")}}),
            secrets());
        QVERIFY(!probe.ok);
        QVERIFY2(probe.message.contains(QStringLiteral("not found")), qPrintable(probe.message));
    }

    void probe()
    {
        const TsmProbeResult probe = probeTsm(config(), secrets());
        QVERIFY2(probe.ok, qPrintable(probe.message));
        QCOMPARE(probe.serverName, QStringLiteral("EMBERSRV"));
        QCOMPARE(probe.serverType, QStringLiteral("Linux/x86_64"));
        QCOMPARE(probe.serverVersion, QStringLiteral("Ver. 8, Rel. 1, Lev. 14.0"));
        QCOMPARE(probe.nodeName, QStringLiteral("CINDERNODE"));
        QCOMPARE(probe.clientVersion, QStringLiteral("8.1.15.0"));
        QVERIFY(probe.deleteBackupAllowed);
        QVERIFY(probe.message.contains(QStringLiteral("EMBERSRV")));
    }
};

QTEST_GUILESS_MAIN(TsmDriverTest)
#include "tst_tsmdriver.moc"
