// The cloud client against the real Keystone and Cinder of the "cinder" fixture
// (tests/services/cinder.sh) on the "ceph" fixture's cluster: logins (password and
// application credential), the catalog, microversions, paged listings, a full and two
// incremental backups, a refused delete, restores compared byte for byte with the source
// through `rbd export`, export/import, the non-admin project's view, token renewal, and
// one error kind per failure (wrong password, endpoint down, untrusted TLS, expired
// application credential, missing role, no endpoint).
#include "../services/serviceenv.h"
#include "cinderclient.h"
#include "testsupport.h"

#include <QDir>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>
#include <QThread>
#include <QUuid>
#include <arpa/inet.h>
#include <functional>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace ember;
using namespace ember::cloud;

namespace {

QHash<QString, QString> facts()
{
    QHash<QString, QString> all = test::serviceEnv("ceph");
    const QHash<QString, QString> cinder = test::serviceEnv("cinder");
    for (auto it = cinder.begin(); it != cinder.end(); ++it)
        all.insert(it.key(), it.value());
    return all;
}

CloudProfile passwordProfile(const QString& prefix)
{
    const QHash<QString, QString> env = facts();
    CloudProfile profile;
    profile.name = prefix == "OS_DEMO_" ? "test-demo" : "test-admin";
    profile.origin = "test";
    profile.auth.authUrl = env.value("OS_AUTH_URL");
    profile.auth.username = env.value(prefix + "USERNAME");
    profile.auth.password = env.value(prefix + "PASSWORD");
    profile.auth.projectName = env.value(prefix + "PROJECT_NAME");
    profile.auth.userDomainName = env.value(prefix + "USER_DOMAIN_NAME");
    profile.auth.projectDomainName = env.value(prefix + "PROJECT_DOMAIN_NAME");
    profile.regionName = env.value("OS_REGION_NAME");
    profile.interface = env.value("OS_INTERFACE", "public");
    return profile;
}

CloudProfile adminProfile()
{
    return passwordProfile("OS_");
}
CloudProfile demoProfile()
{
    return passwordProfile("OS_DEMO_");
}

CloudProfile appCredentialProfile(const QString& id, const QString& secret)
{
    CloudProfile profile;
    profile.name = "test-demo-appcred";
    profile.auth.type = AuthType::ApplicationCredential;
    profile.auth.authUrl = facts().value("OS_AUTH_URL");
    profile.auth.applicationCredentialId = id;
    profile.auth.applicationCredentialSecret = secret;
    profile.regionName = facts().value("OS_REGION_NAME");
    return profile;
}

std::shared_ptr<CinderClient> clientFor(const CloudProfile& profile)
{
    return std::make_shared<CinderClient>(std::make_shared<KeystoneSession>(profile));
}

template <typename Work> CloudError cloudErrorOf(Work work)
{
    try {
        work();
    } catch (const CloudError& error) {
        return error;
    } catch (const Error& error) {
        return CloudError(CloudErrorKind::BadResponse, "not a CloudError: " + error.message());
    }
    return CloudError(CloudErrorKind::BadResponse, "no error at all");
}

QString uniqueName(const QString& what)
{
    return QStringLiteral("ember-test-%1-%2")
        .arg(what, QUuid::createUuid().toString(QUuid::WithoutBraces).left(8));
}

// Polls until `status` (a final state); other final states fail the test with the reason.
bool waitForVolume(CinderClient& client, const QString& id, const QString& status,
                   int timeoutSeconds = 300)
{
    for (int waited = 0; waited < timeoutSeconds; ++waited) {
        const CloudVolume volume = client.volume(id);
        if (volume.status == status)
            return true;
        if (volume.status.startsWith("error")) {
            qWarning("volume %s is %s", qPrintable(id), qPrintable(volume.status));
            return false;
        }
        QThread::sleep(1);
    }
    qWarning("volume %s did not become %s in %d s", qPrintable(id), qPrintable(status),
             timeoutSeconds);
    return false;
}

bool waitForBackup(CinderClient& client, const QString& id, int timeoutSeconds = 300)
{
    for (int waited = 0; waited < timeoutSeconds; ++waited) {
        const CloudBackup backup = client.backup(id);
        if (backup.status == "available")
            return true;
        if (backup.status == "error") {
            qWarning("backup %s failed: %s", qPrintable(id), qPrintable(backup.failReason));
            return false;
        }
        QThread::sleep(1);
    }
    qWarning("backup %s did not become available in %d s", qPrintable(id), timeoutSeconds);
    return false;
}

template <typename Show> bool waitUntilGone(Show show, int timeoutSeconds = 180)
{
    for (int waited = 0; waited < timeoutSeconds; ++waited) {
        try {
            show();
        } catch (const CloudError& error) {
            if (error.kind() == CloudErrorKind::NotFound)
                return true;
            throw;
        }
        QThread::sleep(1);
    }
    return false;
}

// What a test made in the cloud, removed at the end even when the test fails:
// backups newest first (Cinder refuses to delete a parent), then volumes.
struct CloudLitter
{
    explicit CloudLitter(std::shared_ptr<CinderClient> owner) : client(std::move(owner)) {}
    CloudLitter(const CloudLitter&) = delete;
    CloudLitter& operator=(const CloudLitter&) = delete;

    std::shared_ptr<CinderClient> client;
    QStringList backups; // oldest first
    QStringList volumes;

    ~CloudLitter()
    {
        for (auto it = backups.crbegin(); it != backups.crend(); ++it) {
            try {
                waitForBackup(*client, *it, 120);
                client->deleteBackup(*it);
                waitUntilGone([&] { client->backup(*it); });
            } catch (const Error& error) {
                qWarning("cleanup of backup %s: %s", qPrintable(*it), qPrintable(error.message()));
            }
        }
        for (const QString& id : volumes) {
            try {
                for (int waited = 0; waited < 120; ++waited) {
                    const QString status = client->volume(id).status;
                    if (status == "available" || status.startsWith("error"))
                        break;
                    QThread::sleep(1);
                }
                client->deleteVolume(id);
                waitUntilGone([&] { client->volume(id); });
            } catch (const Error& error) {
                qWarning("cleanup of volume %s: %s", qPrintable(id), qPrintable(error.message()));
            }
        }
    }
};

QStringList cephArguments()
{
    const QHash<QString, QString> env = facts();
    QStringList arguments{"--conf", env.value("CEPH_CONF")};
    if (!env.value("CEPH_KEYRING").isEmpty())
        arguments << "--keyring" << env.value("CEPH_KEYRING");
    arguments << "--id" << env.value("CEPH_CLIENT_ID", "admin");
    return arguments;
}

QString rbdPool()
{
    return facts().value("CINDER_RBD_POOL", "volumes");
}

// Writes `length` pseudo-random bytes (from `seed`) at `offset` of Cinder's RBD image
// of the volume, with python3-rbd (the bindings cinder-volume itself uses).
bool writeIntoVolume(const QString& volumeId, qint64 offset, qint64 length, quint32 seed)
{
    const QHash<QString, QString> env = facts();
    const QString script =
        QStringLiteral("import random, sys, rados, rbd\n"
                       "conf, keyring, user, pool, image, offset, length, seed = sys.argv[1:9]\n"
                       "cluster = rados.Rados(conffile=conf, rados_id=user, conf={'keyring': "
                       "keyring} if keyring else {})\n"
                       "cluster.connect(timeout=30)\n"
                       "try:\n"
                       "    ioctx = cluster.open_ioctx(pool)\n"
                       "    with rbd.Image(ioctx, image) as img:\n"
                       "        rng = random.Random(int(seed))\n"
                       "        img.write(rng.randbytes(int(length)), int(offset))\n"
                       "        img.flush()\n"
                       "    ioctx.close()\n"
                       "finally:\n"
                       "    cluster.shutdown()\n");
    QProcess python;
    python.start("/usr/bin/python3",
                 {"-c", script, env.value("CEPH_CONF"), env.value("CEPH_KEYRING"),
                  env.value("CEPH_CLIENT_ID", "admin"), rbdPool(), "volume-" + volumeId,
                  QString::number(offset), QString::number(length), QString::number(seed)});
    if (!python.waitForFinished(120000) || python.exitStatus() != QProcess::NormalExit ||
        python.exitCode() != 0) {
        qWarning("writing into volume-%s failed: %s", qPrintable(volumeId),
                 python.readAllStandardError().constData());
        return false;
    }
    return true;
}

// `rbd export` of the volume's image into `file`.
bool exportVolume(const QString& volumeId, const QString& file)
{
    QFile::remove(file);
    QProcess rbd;
    rbd.start("rbd", cephArguments()
                         << "export"
                         << "--no-progress" << rbdPool() + "/volume-" + volumeId << file);
    if (!rbd.waitForFinished(600000) || rbd.exitStatus() != QProcess::NormalExit ||
        rbd.exitCode() != 0) {
        qWarning("rbd export of volume-%s failed: %s", qPrintable(volumeId),
                 rbd.readAllStandardError().constData());
        return false;
    }
    return true;
}

// Byte comparison of two volumes' images; empty when equal.
QString compareVolumes(const QString& sourceId, const QString& restoredId, const QString& dir)
{
    const QString source = dir + "/source.img";
    const QString restored = dir + "/restored.img";
    if (!exportVolume(sourceId, source) || !exportVolume(restoredId, restored))
        return "rbd export failed";
    const QString difference = test::compareFiles(source, restored);
    QFile::remove(source);
    QFile::remove(restored);
    return difference;
}

QJsonObject decodeRecord(const ExportedRecord& record)
{
    return QJsonDocument::fromJson(QByteArray::fromBase64(record.backupUrl.toLatin1())).object();
}

// A port nothing listens on: bound, then closed again.
int closedPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        qFatal("cannot find a free port");
    ::close(fd);
    return ntohs(address.sin_port);
}

// A raw Keystone call, for what Ember does not do itself (revoking a token, making an
// expiring application credential).
http::HttpResponse keystoneCall(const QByteArray& method, const QString& path,
                                const QByteArray& token, const QByteArray& body = {},
                                const QList<QByteArray>& extraHeaders = {})
{
    http::HttpRequest request;
    request.method = method;
    QString base = facts().value("OS_AUTH_URL");
    if (base.endsWith('/'))
        base.chop(1);
    request.url = base + path;
    request.headers = {"Accept: application/json", "X-Auth-Token: " + token};
    request.headers += extraHeaders;
    if (!body.isEmpty()) {
        request.headers << "Content-Type: application/json";
        request.bodyBytes = body;
        request.sendBody = true;
    }
    return http::perform(request, {}, {});
}

} // namespace

class CloudClientTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void adminLogsInAndNegotiates();
    void cappedMicroversionNamesWhatAFeatureNeeds();
    void demoLogsInWithApplicationCredential();
    void volumesArePaged();
    void backupChainLifecycle();
    void exportedRecordImportsAndRestores();
    void demoSeesOnlyItsOwn();
    void revokedTokenIsRenewed();
    void tokenIsRenewedBeforeItExpires();
    void shortLivedTokenIsRenewed();
    void wrongPasswordIsAuthFailed();
    void closedPortIsUnreachable();
    void selfSignedTlsIsUntrusted();
    void expiredApplicationCredentialIsNamed();
    void missingEndpointIsNamed();
};

void CloudClientTest::initTestCase()
{
    const QHash<QString, QString> env = facts();
    QVERIFY2(!env.value("OS_AUTH_URL").isEmpty(),
             "no cinder.env: does the test declare FIXTURES \"ceph;cinder\"?");
    QVERIFY2(!env.value("CEPH_CONF").isEmpty(), "no CEPH_CONF in ceph.env / cinder.env");
}

void CloudClientTest::adminLogsInAndNegotiates()
{
    const QHash<QString, QString> env = facts();
    const auto client = clientFor(adminProfile());
    const Token token = client->session().token();
    QCOMPARE(token.projectId, env.value("OS_PROJECT_ID"));
    QVERIFY(token.isAdmin());
    QVERIFY(token.expiresAt > QDateTime::currentDateTimeUtc());
    QCOMPARE(client->session().loginCount(), 1);
    // The catalog's endpoint is Cinder's, for the admin project.
    QCOMPARE(client->endpoint(), env.value("CINDER_ENDPOINT"));
    QCOMPARE(client->microversion().toString(), QString("3.70"));
    QVERIFY(client->supports(feature::ListCount));
    const CloudError tooNew = cloudErrorOf([&] { client->requireMicroversion(71, "Time travel"); });
    QCOMPARE(tooNew.kind(), CloudErrorKind::VersionTooOld);
    QVERIFY2(tooNew.message().contains("needs Block Storage API 3.71") &&
                 tooNew.message().contains("offers 3.70"),
             qPrintable(tooNew.message()));
    const BackupQuota quota = client->backupQuota(env.value("OS_PROJECT_ID"));
    QVERIFY(quota.backupsLimit != 0);
    QVERIFY(quota.gigabytesLimit != 0);
    QVERIFY(quota.backupsInUse >= 0);
    // Unknown ids are NotFound with Cinder's words.
    const CloudError missing =
        cloudErrorOf([&] { client->backup("00000000-0000-4000-8000-000000000001"); });
    QCOMPARE(missing.kind(), CloudErrorKind::NotFound);
    QCOMPARE(missing.httpStatus(), 404);
    QVERIFY2(missing.cinderMessage().contains("could not be found"),
             qPrintable(missing.cinderMessage()));
    QCOMPARE(client->session().loginCount(), 1);
}

void CloudClientTest::cappedMicroversionNamesWhatAFeatureNeeds()
{
    // block_storage_api_version: 3.8 makes the cloud look like an older Cinder
    CloudProfile profile = adminProfile();
    profile.maxMicroversion = 8;
    const auto client = clientFor(profile);
    QCOMPARE(client->microversion().toString(), QString("3.8"));
    QVERIFY(!client->supports(feature::BackupNameUpdate));
    // refused before any request, naming the version the feature needs
    const CloudError rename = cloudErrorOf([&] {
        client->updateBackup("00000000-0000-4000-8000-000000000001", QString("n"), std::nullopt);
    });
    QCOMPARE(rename.kind(), CloudErrorKind::VersionTooOld);
    QVERIFY2(rename.message().contains("needs Block Storage API 3.9") &&
                 rename.message().contains("offers 3.8"),
             qPrintable(rename.message()));
    // counts need 3.45: a capped listing has none, the full one has
    ListOptions options;
    options.pageSize = 1;
    QCOMPARE(client->listVolumes(options).totalCount, qint64(-1));
    QVERIFY(clientFor(adminProfile())->listVolumes(options).totalCount >= 0);
}

void CloudClientTest::demoLogsInWithApplicationCredential()
{
    const QHash<QString, QString> env = facts();
    const auto client =
        clientFor(appCredentialProfile(env.value("OS_DEMO_APPLICATION_CREDENTIAL_ID"),
                                       env.value("OS_DEMO_APPLICATION_CREDENTIAL_SECRET")));
    const Token token = client->session().token();
    QCOMPARE(token.projectId, env.value("OS_DEMO_PROJECT_ID"));
    QVERIFY(!token.isAdmin());
    QVERIFY(client->endpoint().endsWith(env.value("OS_DEMO_PROJECT_ID")));
    const Page<CloudVolume> page = client->listVolumes({});
    QVERIFY(page.totalCount >= 0);
    QCOMPARE(client->session().loginCount(), 1);
}

void CloudClientTest::volumesArePaged()
{
    const auto client = clientFor(adminProfile());
    CloudLitter litter(client);
    QStringList made;
    for (int i = 0; i < 3; ++i) {
        CreateVolumeRequest request;
        request.name = uniqueName("page");
        request.description = "paging test";
        const CloudVolume volume = client->createVolume(request);
        litter.volumes << volume.id;
        made << volume.id;
        QCOMPARE(volume.name, request.name);
    }
    for (const QString& id : made)
        QVERIFY(waitForVolume(*client, id, "available"));

    ListOptions options;
    options.pageSize = 1;
    const Page<CloudVolume> first = client->listVolumes(options);
    QCOMPARE(first.items.size(), 1);
    QVERIFY(!first.nextMarker.isEmpty());
    QVERIFY(first.totalCount >= 3); // with_count (3.45)
    const Page<CloudVolume> second = client->listVolumes(options, first.nextMarker);
    QCOMPARE(second.items.size(), 1);
    QVERIFY(second.items.first().id != first.items.first().id);

    // Other clients may add volumes meanwhile: at least these, each once.
    const QList<CloudVolume> all = client->allVolumes(options);
    QVERIFY(all.size() >= 3);
    QStringList seen;
    for (const CloudVolume& volume : all) {
        QVERIFY2(!seen.contains(volume.id), "a volume was listed twice");
        seen << volume.id;
        if (made.contains(volume.id)) {
            QCOMPARE(volume.status, QString("available"));
            QCOMPARE(volume.sizeGiB, qint64(1));
            QVERIFY(!volume.bootable);
            QVERIFY(volume.attachedTo.isEmpty());
            QCOMPARE(volume.projectId, facts().value("OS_PROJECT_ID")); // admin sees the attr
            QVERIFY(volume.createdAt.isValid());
        }
    }
    for (const QString& id : made)
        QVERIFY(seen.contains(id));
    // A name filter finds one.
    ListOptions byName;
    byName.name = client->volume(made.first()).name;
    const QList<CloudVolume> named = client->allVolumes(byName);
    QCOMPARE(named.size(), 1);
    QCOMPARE(named.first().id, made.first());
}

void CloudClientTest::backupChainLifecycle()
{
    const QHash<QString, QString> env = facts();
    const QString dir = test::freshDir("chain");
    const auto client = clientFor(adminProfile());
    CloudLitter litter(client);
    CreateVolumeRequest volumeRequest;
    volumeRequest.name = uniqueName("source");
    const CloudVolume source = client->createVolume(volumeRequest);
    litter.volumes << source.id;
    QVERIFY(waitForVolume(*client, source.id, "available"));
    QVERIFY(writeIntoVolume(source.id, 0, 4 << 20, 1));
    QVERIFY(writeIntoVolume(source.id, 512 << 20, 1 << 20, 2));

    CreateBackupRequest fullRequest;
    fullRequest.volumeId = source.id;
    fullRequest.name = uniqueName("full");
    fullRequest.description = "the full one";
    fullRequest.metadata = {{"made-by", "tst_cloudclient"}};
    const CloudBackup full = client->createBackup(fullRequest);
    litter.backups << full.id;
    QCOMPARE(full.name, fullRequest.name);
    QCOMPARE(full.volumeId, source.id);
    QVERIFY(waitForBackup(*client, full.id));

    QVERIFY(writeIntoVolume(source.id, 100 << 20, 2 << 20, 3));
    CreateBackupRequest incrementalRequest;
    incrementalRequest.volumeId = source.id;
    incrementalRequest.incremental = true;
    incrementalRequest.name = uniqueName("inc1");
    const CloudBackup inc1 = client->createBackup(incrementalRequest);
    litter.backups << inc1.id;
    QVERIFY(waitForBackup(*client, inc1.id));

    QVERIFY(writeIntoVolume(source.id, 900 << 20, 3 << 20, 4));
    incrementalRequest.name = uniqueName("inc2");
    const CloudBackup inc2 = client->createBackup(incrementalRequest);
    litter.backups << inc2.id;
    QVERIFY(waitForBackup(*client, inc2.id));
    // cinder-backup saves an incremental as available, then counts it in its
    // parent's num_dependent_backups: that second write may lag a moment.
    QTRY_VERIFY_WITH_TIMEOUT(client->backup(inc1.id).hasDependentBackups, 30000);

    // The chain as listed, paged one by one.
    ListOptions options;
    options.volumeId = source.id;
    options.pageSize = 1;
    const QList<CloudBackup> listed = client->allBackups(options);
    QCOMPARE(listed.size(), 3);
    QHash<QString, CloudBackup> byId;
    for (const CloudBackup& backup : listed)
        byId.insert(backup.id, backup);
    QVERIFY(byId.contains(full.id) && byId.contains(inc1.id) && byId.contains(inc2.id));
    QVERIFY(!byId[full.id].isIncremental);
    QVERIFY(byId[full.id].hasDependentBackups);
    QVERIFY(byId[inc1.id].isIncremental);
    QVERIFY(byId[inc1.id].hasDependentBackups);
    QVERIFY(byId[inc2.id].isIncremental);
    QVERIFY(!byId[inc2.id].hasDependentBackups);
    for (const CloudBackup& backup : listed) {
        QCOMPARE(backup.status, QString("available"));
        QCOMPARE(backup.sizeGiB, qint64(1));
        QVERIFY(backup.objectCount > 0);
        QVERIFY(!backup.container.isEmpty());
        QVERIFY(backup.dataTimestamp.isValid());
        QCOMPARE(backup.projectId, env.value("OS_PROJECT_ID")); // 3.18
    }
    QCOMPARE(byId[full.id].metadata.value("made-by"), QString("tst_cloudclient")); // 3.43
    QVERIFY(byId[full.id].dataTimestamp < byId[inc1.id].dataTimestamp);

    // A parent is not deleted, with Cinder's reason.
    const CloudError refused = cloudErrorOf([&] { client->deleteBackup(full.id); });
    QCOMPARE(refused.kind(), CloudErrorKind::BadRequest);
    QCOMPARE(refused.httpStatus(), 400);
    QVERIFY2(refused.cinderMessage().endsWith("Incremental backups exist for this backup."),
             qPrintable(refused.cinderMessage()));
    QVERIFY2(refused.message().contains("Incremental backups exist for this backup.") &&
                 refused.message().contains(full.id),
             qPrintable(refused.message()));
    const CloudError forceRefused = cloudErrorOf([&] { client->deleteBackup(inc1.id, true); });
    QCOMPARE(forceRefused.kind(), CloudErrorKind::BadRequest);
    QCOMPARE(client->backup(inc1.id).status, QString("available"));

    // The export records carry the parents the listing does not show.
    QCOMPARE(decodeRecord(client->exportRecord(inc2.id)).value("parent_id").toString(), inc1.id);
    QCOMPARE(decodeRecord(client->exportRecord(inc1.id)).value("parent_id").toString(), full.id);
    QVERIFY(decodeRecord(client->exportRecord(full.id)).value("parent_id").isNull());

    // Name and description (3.9).
    const CloudBackup renamed =
        client->updateBackup(inc1.id, QString("renamed-inc1"), QString("a new description"));
    QCOMPARE(renamed.name, QString("renamed-inc1"));
    QCOMPARE(renamed.description, QString("a new description"));
    QCOMPARE(client->updateBackup(inc1.id, std::nullopt, QString("only this")).name,
             QString("renamed-inc1"));

    // Reset-state (admin) to the state it has: accepted, nothing changes.
    client->resetBackupState(inc2.id, "available");
    QCOMPARE(client->backup(inc2.id).status, QString("available"));
    QCOMPARE(cloudErrorOf([&] { client->resetBackupState(inc2.id, "creating"); }).kind(),
             CloudErrorKind::BadRequest);

    const BackupQuota quota = client->backupQuota(env.value("OS_PROJECT_ID"));
    QVERIFY(quota.backupsInUse >= 3);
    QVERIFY(quota.gigabytesInUse >= 3);

    // The newest incremental restored into a new volume equals the source.
    const QString restoreName = uniqueName("restored");
    const RestoreResult restore = client->restoreBackup(inc2.id, {}, restoreName);
    litter.volumes << restore.volumeId;
    QCOMPARE(restore.backupId, inc2.id);
    QCOMPARE(restore.volumeName, restoreName);
    QVERIFY(waitForVolume(*client, restore.volumeId, "available", 600));
    QVERIFY(waitForBackup(*client, inc2.id));
    QCOMPARE(client->volume(restore.volumeId).name, restoreName);
    const QString difference = compareVolumes(source.id, restore.volumeId, dir);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));

    // Deleted newest first; each gone.
    for (const QString& id : {inc2.id, inc1.id, full.id}) {
        client->deleteBackup(id);
        QVERIFY(waitUntilGone([&] { client->backup(id); }));
        litter.backups.removeAll(id);
    }
}

void CloudClientTest::exportedRecordImportsAndRestores()
{
    const QString dir = test::freshDir("import");
    const auto client = clientFor(adminProfile());
    CloudLitter litter(client);
    CreateVolumeRequest volumeRequest;
    volumeRequest.name = uniqueName("import-source");
    const CloudVolume source = client->createVolume(volumeRequest);
    litter.volumes << source.id;
    QVERIFY(waitForVolume(*client, source.id, "available"));
    QVERIFY(writeIntoVolume(source.id, 8 << 20, 3 << 20, 11));

    CreateBackupRequest request;
    request.volumeId = source.id;
    request.name = uniqueName("to-export");
    const CloudBackup original = client->createBackup(request);
    litter.backups << original.id;
    QVERIFY(waitForBackup(*client, original.id));

    const ExportedRecord record = client->exportRecord(original.id);
    QVERIFY(record.backupService.startsWith("cinder.backup.drivers."));
    QJsonObject fields = decodeRecord(record);
    QCOMPARE(fields.value("id").toString(), original.id);
    QCOMPARE(fields.value("volume_id").toString(), source.id);

    // A live row with the same id is refused, with Cinder's reason.
    const CloudError duplicate = cloudErrorOf([&] { client->importRecord(record); });
    QVERIFY2(duplicate.kind() == CloudErrorKind::BadRequest ||
                 duplicate.kind() == CloudErrorKind::Conflict,
             qPrintable(duplicate.message()));
    QVERIFY(!duplicate.cinderMessage().isEmpty());

    // The same stored backup under a new id is imported and restores the same bytes.
    const QString newId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    fields.insert("id", newId);
    fields.insert("display_name", "imported-" + original.name);
    ExportedRecord copy = record;
    copy.backupUrl =
        QString::fromLatin1(QJsonDocument(fields).toJson(QJsonDocument::Compact).toBase64());
    const CloudBackup imported = client->importRecord(copy);
    litter.backups.prepend(imported.id); // shares the stored files: deleted last
    QCOMPARE(imported.id, newId);
    QVERIFY(waitForBackup(*client, imported.id));
    const CloudBackup shown = client->backup(imported.id);
    QCOMPARE(shown.name, "imported-" + original.name);
    QCOMPARE(shown.sizeGiB, original.sizeGiB);

    const RestoreResult restore = client->restoreBackup(imported.id, {}, uniqueName("from-import"));
    litter.volumes << restore.volumeId;
    QVERIFY(waitForVolume(*client, restore.volumeId, "available", 600));
    QVERIFY(waitForBackup(*client, imported.id));
    const QString difference = compareVolumes(source.id, restore.volumeId, dir);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));

    // Bad records are refused before they are sent.
    ExportedRecord bad = record;
    bad.backupUrl = "not base64 !";
    QCOMPARE(cloudErrorOf([&] { client->importRecord(bad); }).kind(), CloudErrorKind::BadRequest);
}

void CloudClientTest::demoSeesOnlyItsOwn()
{
    const QHash<QString, QString> env = facts();
    const auto admin = clientFor(adminProfile());
    const auto demo = clientFor(demoProfile());
    CloudLitter adminLitter(admin);
    CloudLitter demoLitter(demo);

    CreateVolumeRequest request;
    request.name = uniqueName("admin-own");
    const CloudVolume adminVolume = admin->createVolume(request);
    adminLitter.volumes << adminVolume.id;
    request.name = uniqueName("demo-own");
    const CloudVolume demoVolume = demo->createVolume(request);
    demoLitter.volumes << demoVolume.id;
    QVERIFY(waitForVolume(*admin, adminVolume.id, "available"));
    QVERIFY(waitForVolume(*demo, demoVolume.id, "available"));
    CreateBackupRequest backupRequest;
    backupRequest.volumeId = demoVolume.id;
    backupRequest.name = uniqueName("demo-backup");
    const CloudBackup demoBackup = demo->createBackup(backupRequest);
    demoLitter.backups << demoBackup.id;
    QVERIFY(waitForBackup(*demo, demoBackup.id));

    // Demo asks for every project and still gets only its own, without project ids.
    ListOptions everything;
    everything.allProjects = true;
    everything.pageSize = 2;
    const QList<CloudVolume> demoVolumes = demo->allVolumes(everything);
    QVERIFY(std::any_of(demoVolumes.cbegin(), demoVolumes.cend(),
                        [&](const CloudVolume& v) { return v.id == demoVolume.id; }));
    QVERIFY(std::none_of(demoVolumes.cbegin(), demoVolumes.cend(),
                         [&](const CloudVolume& v) { return v.id == adminVolume.id; }));
    const QList<CloudBackup> demoBackups = demo->allBackups(everything);
    QVERIFY(std::any_of(demoBackups.cbegin(), demoBackups.cend(),
                        [&](const CloudBackup& b) { return b.id == demoBackup.id; }));
    for (const CloudBackup& backup : demoBackups)
        QVERIFY(backup.projectId.isEmpty() || backup.projectId == env.value("OS_DEMO_PROJECT_ID"));
    // The admin sees demo's backup across projects, with its project, and not in its own.
    ListOptions demoProject = everything;
    demoProject.projectId = env.value("OS_DEMO_PROJECT_ID");
    const QList<CloudBackup> adminView = admin->allBackups(demoProject);
    const auto found = std::find_if(adminView.cbegin(), adminView.cend(),
                                    [&](const CloudBackup& b) { return b.id == demoBackup.id; });
    QVERIFY(found != adminView.cend());
    QCOMPARE(found->projectId, env.value("OS_DEMO_PROJECT_ID"));
    const QList<CloudBackup> adminOwn = admin->allBackups({});
    QVERIFY(std::none_of(adminOwn.cbegin(), adminOwn.cend(),
                         [&](const CloudBackup& b) { return b.id == demoBackup.id; }));
    // Demo cannot read admin's volume.
    QCOMPARE(cloudErrorOf([&] { demo->volume(adminVolume.id); }).kind(), CloudErrorKind::NotFound);

    // Export-record is an admin's: Forbidden, naming the policy rule.
    const CloudError forbidden = cloudErrorOf([&] { demo->exportRecord(demoBackup.id); });
    QCOMPARE(forbidden.kind(), CloudErrorKind::Forbidden);
    QCOMPARE(forbidden.httpStatus(), 403);
    QVERIFY2(forbidden.message().contains("backup:export-import") &&
                 forbidden.message().contains("'demo'"),
             qPrintable(forbidden.message()));
    const CloudError resetForbidden =
        cloudErrorOf([&] { demo->resetBackupState(demoBackup.id, "error"); });
    QCOMPARE(resetForbidden.kind(), CloudErrorKind::Forbidden);
    QCOMPARE(demo->backup(demoBackup.id).status, QString("available"));

    const BackupQuota quota = demo->backupQuota(env.value("OS_DEMO_PROJECT_ID"));
    QVERIFY(quota.backupsInUse >= 1);
}

void CloudClientTest::revokedTokenIsRenewed()
{
    const QHash<QString, QString> env = facts();
    const auto client = clientFor(adminProfile());
    // A token cinder-api has not seen (so no cache of it hides the revocation).
    const Token first = client->session().token();
    QCOMPARE(client->session().loginCount(), 1);
    const http::HttpResponse revoked =
        keystoneCall("DELETE", "/auth/tokens", first.id, {}, {"X-Subject-Token: " + first.id});
    QCOMPARE(revoked.status, 204L);
    // Cinder answers the revoked token with 401; the client logs in again and repeats.
    const Page<CloudBackup> page = client->listBackups({});
    Q_UNUSED(page);
    QCOMPARE(client->session().loginCount(), 2);
    QVERIFY(client->session().token().id != first.id);
    // The same again once the new token has been used (and possibly cached by cinder-api).
    const Token second = client->session().token();
    QCOMPARE(
        keystoneCall("DELETE", "/auth/tokens", second.id, {}, {"X-Subject-Token: " + second.id})
            .status,
        204L);
    const int cacheSeconds = env.value("CINDER_TOKEN_CACHE_SECONDS", "2").toInt();
    if (cacheSeconds <= 30) {
        QThread::sleep(cacheSeconds + 1);
        client->listVolumes({});
        QCOMPARE(client->session().loginCount(), 3);
    }
}

void CloudClientTest::tokenIsRenewedBeforeItExpires()
{
    const auto client = clientFor(adminProfile());
    client->listVolumes({});
    QCOMPARE(client->session().loginCount(), 1);
    client->listVolumes({});
    QCOMPARE(client->session().loginCount(), 1); // the token is reused
    // A margin as long as the token's life: every use counts as "about to expire".
    const Token token = client->session().token();
    client->session().setRenewMargin(int(token.issuedAt.secsTo(token.expiresAt)) + 1);
    client->listVolumes({});
    QVERIFY(client->session().loginCount() >= 2);
    const int before = client->session().loginCount();
    client->listVolumes({});
    QVERIFY(client->session().loginCount() > before);
}

void CloudClientTest::shortLivedTokenIsRenewed()
{
    const QHash<QString, QString> env = facts();
    const QString shortUrl = env.value("KEYSTONE_SHORT_TOKEN_URL");
    if (shortUrl.isEmpty())
        QSKIP("this deployment has no KEYSTONE_SHORT_TOKEN_URL (tests/services/cinder.sh "
              "provides it)");
    CloudProfile profile = adminProfile();
    profile.auth.authUrl = shortUrl;
    const auto client = clientFor(profile);
    client->listBackups({});
    const Token first = client->session().token();
    const qint64 lifetime = first.issuedAt.secsTo(first.expiresAt);
    QVERIFY2(lifetime > 0 && lifetime <= 120, qPrintable(QString::number(lifetime)));
    QCOMPARE(client->session().loginCount(), 1);
    QThread::sleep(ulong(lifetime + 2)); // the first token has expired
    client->listBackups({});
    QCOMPARE(client->session().loginCount(), 2);
    QVERIFY(client->session().token().id != first.id);
}

void CloudClientTest::wrongPasswordIsAuthFailed()
{
    CloudProfile profile = demoProfile();
    profile.auth.password = "not-the-password-4711";
    const auto client = clientFor(profile);
    const CloudError error = cloudErrorOf([&] { client->listBackups({}); });
    QCOMPARE(error.kind(), CloudErrorKind::AuthFailed);
    QCOMPARE(error.httpStatus(), 401);
    QVERIFY2(error.message().contains("user name or password is wrong") &&
                 error.message().contains("'demo'"),
             qPrintable(error.message()));
    QVERIFY(!error.message().contains("4711"));
    // An unknown project with the right password reads the same (Keystone does not say).
    profile = demoProfile();
    profile.auth.projectName = "no-such-project";
    QCOMPARE(cloudErrorOf([&] { clientFor(profile)->session().token(); }).kind(),
             CloudErrorKind::AuthFailed);
}

void CloudClientTest::closedPortIsUnreachable()
{
    CloudProfile profile = adminProfile();
    const QString url = QStringLiteral("http://127.0.0.1:%1/v3").arg(closedPort());
    profile.auth.authUrl = url;
    const CloudError error = cloudErrorOf([&] { clientFor(profile)->listVolumes({}); });
    QCOMPARE(error.kind(), CloudErrorKind::Unreachable);
    QVERIFY2(error.message().contains(url) && error.message().contains("Keystone"),
             qPrintable(error.message()));
    // Keystone up, Cinder down: the endpoint override points at a closed port.
    profile = adminProfile();
    profile.endpointOverride =
        QStringLiteral("http://127.0.0.1:%1/v3/%(project_id)s").arg(closedPort());
    const CloudError cinderDown = cloudErrorOf([&] { clientFor(profile)->listVolumes({}); });
    QCOMPARE(cinderDown.kind(), CloudErrorKind::Unreachable);
    QVERIFY2(cinderDown.message().contains("Cinder"), qPrintable(cinderDown.message()));
}

void CloudClientTest::selfSignedTlsIsUntrusted()
{
    const QHash<QString, QString> env = facts();
    QString tlsUrl = env.value("KEYSTONE_TLS_URL");
    QProcess server;
    const QString dir = test::freshDir("tls");
    if (tlsUrl.isEmpty()) {
        // No TLS front in this deployment: a self-signed openssl s_server stands in.
        QProcess openssl;
        openssl.start("openssl",
                      {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                       "/CN=127.0.0.1", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem"});
        QVERIFY(openssl.waitForFinished(60000) && openssl.exitCode() == 0);
        const int port = closedPort();
        server.start("openssl", {"s_server", "-accept", QString::number(port), "-cert",
                                 dir + "/cert.pem", "-key", dir + "/key.pem", "-www", "-quiet"});
        QVERIFY(server.waitForStarted());
        QThread::msleep(500);
        tlsUrl = QStringLiteral("https://127.0.0.1:%1/v3").arg(port);
    }
    CloudProfile profile = adminProfile();
    profile.auth.authUrl = tlsUrl;
    const CloudError error = cloudErrorOf([&] { clientFor(profile)->session().token(); });
    QCOMPARE(error.kind(), CloudErrorKind::TlsUntrusted);
    QVERIFY2(error.message().contains("not trusted") && error.message().contains("cacert") &&
                 error.message().contains("verify: false") && error.message().contains("OS_CACERT"),
             qPrintable(error.message()));
    if (!env.value("KEYSTONE_TLS_CA").isEmpty()) {
        // With its CA the same Keystone logs in.
        profile.caCertFile = env.value("KEYSTONE_TLS_CA");
        QVERIFY(!clientFor(profile)->session().token().id.isEmpty());
    }
    if (server.state() != QProcess::NotRunning) {
        server.kill();
        server.waitForFinished();
    }
}

void CloudClientTest::expiredApplicationCredentialIsNamed()
{
    const QHash<QString, QString> env = facts();
    const auto demo = std::make_shared<KeystoneSession>(demoProfile());
    QString credentialId = env.value("OS_DEMO_EXPIRED_APPCRED_ID");
    QString secret = env.value("OS_DEMO_EXPIRED_APPCRED_SECRET");
    const Token demoToken = demo->token();
    bool madeHere = false;
    if (credentialId.isEmpty()) {
        // No expired credential in this deployment: make one that expires in 6 s.
        secret = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QString expires = QDateTime::currentDateTimeUtc().addSecs(6).toString(Qt::ISODate);
        const QJsonObject body{
            {"application_credential", QJsonObject{{"name", uniqueName("expiring")},
                                                   {"secret", secret},
                                                   {"expires_at", expires}}}};
        const http::HttpResponse made =
            keystoneCall("POST", "/users/" + demoToken.userId + "/application_credentials",
                         demoToken.id, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QVERIFY2(made.status == 201, made.body.constData());
        credentialId = QJsonDocument::fromJson(made.body)
                           .object()
                           .value("application_credential")
                           .toObject()
                           .value("id")
                           .toString();
        QVERIFY(!credentialId.isEmpty());
        madeHere = true;
        QThread::sleep(8);
    }
    // Keystone's 401 reads like a wrong secret: without the expiry, both are named.
    const auto unknownExpiry =
        std::make_shared<KeystoneSession>(appCredentialProfile(credentialId, secret));
    const CloudError unclear = cloudErrorOf([&] { unknownExpiry->token(); });
    QCOMPARE(unclear.kind(), CloudErrorKind::AuthFailed);
    QVERIFY2(unclear.message().contains("expired") && unclear.message().contains(credentialId),
             qPrintable(unclear.message()));
    // With the expiry known (the owner's session looks it up), it is ExpiredCredential.
    const std::optional<QDateTime> expiry = demo->applicationCredentialExpiry(credentialId);
    QVERIFY(expiry);
    QVERIFY(*expiry < QDateTime::currentDateTimeUtc());
    CloudProfile profile = appCredentialProfile(credentialId, secret);
    profile.auth.applicationCredentialExpiresAt = *expiry;
    const CloudError expired = cloudErrorOf([&] { clientFor(profile)->listVolumes({}); });
    QCOMPARE(expired.kind(), CloudErrorKind::ExpiredCredential);
    QVERIFY2(expired.message().contains("expired on") &&
                 expired.message().contains("application credential create"),
             qPrintable(expired.message()));
    QVERIFY(!expired.message().contains(secret));
    // The valid credential never expires.
    QVERIFY(!demo->applicationCredentialExpiry(env.value("OS_DEMO_APPLICATION_CREDENTIAL_ID")));
    if (madeHere)
        QCOMPARE(
            keystoneCall("DELETE",
                         "/users/" + demoToken.userId + "/application_credentials/" + credentialId,
                         demoToken.id)
                .status,
            204L);
}

void CloudClientTest::missingEndpointIsNamed()
{
    CloudProfile profile = adminProfile();
    profile.regionName = "NoSuchRegion";
    const CloudError error = cloudErrorOf([&] { clientFor(profile)->listVolumes({}); });
    QCOMPARE(error.kind(), CloudErrorKind::NoEndpoint);
    QVERIFY2(error.message().contains("NoSuchRegion") && error.message().contains("volumev3") &&
                 error.message().contains("identity"),
             qPrintable(error.message()));
}

QTEST_GUILESS_MAIN(CloudClientTest)
#include "tst_cloudclient.moc"
