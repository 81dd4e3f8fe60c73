// S3ObjectStore against Ceph's radosgw (CTest fixtures "ceph;rgw"): put, get,
// list and remove; multipart uploads byte-compared, with their ETags; listing
// pagination; missing objects; wrong keys; virtual-hosted addressing; SSE-C.
// boto3 (s3testenv.h) looks at what was stored from outside Ember.
#include "s3backend.h"
#include "s3objectstore.h"
#include "s3testenv.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>
#include <QUrl>
#include <cstring>
#include <memory>

using namespace ember;
using ember::test::S3Env;

namespace {

QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char(generator.generate() & 0xFF);
    return data;
}

// Hands out `data` in pieces of at most `piece` bytes.
DataProducer producerFor(const QByteArray& data, size_t piece = 100000)
{
    auto position = std::make_shared<qint64>(0);
    return [data, position, piece](char* buffer, size_t capacity) {
        const size_t count = std::min({capacity, piece, size_t(data.size() - *position)});
        std::memcpy(buffer, data.constData() + *position, count);
        *position += qint64(count);
        return count;
    };
}

QString errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const Error& error) {
        return error.message();
    }
    return QStringLiteral("(no error)");
}

QByteArray md5Hex(const QByteArray& data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex();
}

} // namespace

class TestS3Store : public QObject
{
    Q_OBJECT

private:
    S3Env m_env;
    QStringList m_buckets; // dropped at the end

    S3Settings settings(const QString& bucket) const
    {
        return S3Settings::fromConfig(m_env.backend(QStringLiteral("s3test"), bucket),
                                      m_env.secrets());
    }
    // A store with a fresh bucket of its own.
    std::unique_ptr<S3ObjectStore> storeWithBucket(const QString& slot,
                                                   S3Settings* tweaked = nullptr)
    {
        const QString bucket = tweaked ? tweaked->bucket : S3Env::uniqueBucket(slot);
        m_buckets.append(bucket);
        const S3Settings s = tweaked ? *tweaked : settings(bucket);
        auto store = std::make_unique<S3ObjectStore>(s);
        store->ensureContainer(bucket);
        return store;
    }
    QByteArray getAll(S3ObjectStore& store, const QString& name)
    {
        QByteArray data;
        store.get(store.settings().bucket, name,
                  [&](const char* bytes, size_t size) { data.append(bytes, qsizetype(size)); });
        return data;
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void putGetListRemove();
    void multipartUpload_data();
    void multipartUpload();
    void singlePutEtagIsMd5();
    void listingPagination();
    void smallRequestsAreNotHeldBack();
    void removeMissingObject();
    void getMissingObject();
    void wrongKeys();
    void missingBucket();
    void virtualHostedAddressing();
    void sseCustomerKey();
    void proxySettingIsUsed();
    void probeReady();
    void probeMissingBucketThenCreate();
    void probeLockWanted();
};

void TestS3Store::initTestCase()
{
    m_env = S3Env::load();
    QVERIFY2(m_env.error.isEmpty(), qPrintable(m_env.error));
}

void TestS3Store::cleanupTestCase()
{
    for (const QString& bucket : std::as_const(m_buckets))
        m_env.dropBucket(bucket);
}

void TestS3Store::putGetListRemove()
{
    auto store = storeWithBucket(QStringLiteral("basic"));
    const QString bucket = store->settings().bucket;
    QVERIFY(store->bucketExists(bucket));

    const QByteArray first = randomBytes(300000, 1);
    const QByteArray second = "a small object";
    store->put(bucket, QStringLiteral("volume_1/x/az_nova_backup_1-00001"), producerFor(first),
               first.size());
    store->put(bucket, QStringLiteral("volume_1/x/az_nova_backup_1_metadata"), producerFor(second),
               std::nullopt);
    store->putAll(bucket, QStringLiteral("volume_2/y/other"), "other");

    QCOMPARE(getAll(*store, QStringLiteral("volume_1/x/az_nova_backup_1-00001")), first);
    QCOMPARE(store->getAll(bucket, QStringLiteral("volume_1/x/az_nova_backup_1_metadata")), second);
    QCOMPARE(store->list(bucket, QStringLiteral("volume_1/")),
             QStringList({QStringLiteral("volume_1/x/az_nova_backup_1-00001"),
                          QStringLiteral("volume_1/x/az_nova_backup_1_metadata")}));
    QCOMPARE(store->list(bucket, QString()).size(), 3);

    // Replacing an object keeps one of that name.
    store->putAll(bucket, QStringLiteral("volume_2/y/other"), "replaced");
    QCOMPARE(store->getAll(bucket, QStringLiteral("volume_2/y/other")), QByteArray("replaced"));

    store->remove(bucket, QStringLiteral("volume_1/x/az_nova_backup_1-00001"));
    QCOMPARE(store->list(bucket, QStringLiteral("volume_1/")),
             QStringList({QStringLiteral("volume_1/x/az_nova_backup_1_metadata")}));
    const auto keys = m_env.keysIn(bucket);
    QVERIFY2(keys.ok(), keys.describe().constData());
    QVERIFY(!keys.out.contains("az_nova_backup_1-00001"));
    QCOMPARE(store->retriedRequests(), 0);
}

void TestS3Store::multipartUpload_data()
{
    QTest::addColumn<bool>("lengthKnown");
    QTest::newRow("length known") << true;
    QTest::newRow("length unknown") << false;
}

// 12 MiB in parts of 5 MiB: three parts, the last one short.
void TestS3Store::multipartUpload()
{
    QFETCH(bool, lengthKnown);
    const QString bucket = S3Env::uniqueBucket(QStringLiteral("multipart"));
    S3Settings s = settings(bucket);
    s.partSize = 5 * 1024 * 1024;
    auto store = storeWithBucket(QStringLiteral("multipart"), &s);
    const QString name = QStringLiteral("volume_1/x/big");
    const QByteArray data = randomBytes(12 * 1024 * 1024, 7);
    store->put(store->settings().bucket, name, producerFor(data, 77777),
               lengthKnown ? std::optional<qint64>(data.size()) : std::nullopt);
    QCOMPARE(getAll(*store, name), data);

    // S3's multipart ETag: MD5 of the three parts' MD5s, "-3".
    QByteArray digests;
    for (qsizetype offset = 0; offset < data.size(); offset += s.partSize)
        digests += QCryptographicHash::hash(data.mid(offset, s.partSize), QCryptographicHash::Md5);
    const auto head = m_env.boto3(
        QStringLiteral("r = s3.head_object(Bucket=argv[0], Key=argv[1]); "
                       "print(json.dumps([r['ETag'].strip('\"'), r['ContentLength']]))"),
        {store->settings().bucket, name});
    QVERIFY2(head.ok(), head.describe().constData());
    QCOMPARE(head.json().toArray().at(0).toString(), QString::fromLatin1(md5Hex(digests) + "-3"));
    QCOMPARE(qint64(head.json().toArray().at(1).toDouble()), qint64(data.size()));
    // No upload is left open.
    const auto uploads = m_env.boto3(
        QStringLiteral("print(len(s3.list_multipart_uploads(Bucket=argv[0]).get('Uploads', [])))"),
        {store->settings().bucket});
    QVERIFY2(uploads.ok(), uploads.describe().constData());
    QCOMPARE(uploads.out.trimmed(), QByteArray("0"));

    // Exactly one part's worth goes as a single PUT.
    const QByteArray onePart = randomBytes(s.partSize, 8);
    store->put(store->settings().bucket, QStringLiteral("volume_1/x/onepart"), producerFor(onePart),
               lengthKnown ? std::optional<qint64>(onePart.size()) : std::nullopt);
    QCOMPARE(getAll(*store, QStringLiteral("volume_1/x/onepart")), onePart);
}

// A single PUT's ETag is the MD5 of the data (what Ember checked on the way in).
void TestS3Store::singlePutEtagIsMd5()
{
    auto store = storeWithBucket(QStringLiteral("etag"));
    const QByteArray data = randomBytes(1000000, 3);
    store->put(store->settings().bucket, QStringLiteral("obj"), producerFor(data), data.size());
    const auto head = m_env.boto3(
        QStringLiteral("print(json.dumps(s3.head_object(Bucket=argv[0], Key=argv[1])['ETag']))"),
        {store->settings().bucket, QStringLiteral("obj")});
    QVERIFY2(head.ok(), head.describe().constData());
    QCOMPARE(head.json().toString(),
             QStringLiteral("\"%1\"").arg(QString::fromLatin1(md5Hex(data))));
    // An object changed behind Ember's back is read as it is now (the ETag still matches).
    const auto put =
        m_env.boto3(QStringLiteral("s3.put_object(Bucket=argv[0], Key=argv[1], Body=b'changed')"),
                    {store->settings().bucket, QStringLiteral("obj")});
    QVERIFY2(put.ok(), put.describe().constData());
    QCOMPARE(store->getAll(store->settings().bucket, QStringLiteral("obj")), QByteArray("changed"));
}

// Ten names read three at a time through continuation tokens.
void TestS3Store::listingPagination()
{
    const QString bucket = S3Env::uniqueBucket(QStringLiteral("listing"));
    S3Settings s = settings(bucket);
    s.listingLimit = 3;
    auto store = storeWithBucket(QStringLiteral("listing"), &s);
    QStringList expected;
    for (int i = 9; i >= 0; --i) {
        const QString name = QStringLiteral("volume_1/p/obj-%1").arg(i, 5, 10, QLatin1Char('0'));
        store->putAll(store->settings().bucket, name, name.toUtf8());
        expected.prepend(name);
    }
    store->putAll(store->settings().bucket, QStringLiteral("volume_2/q/outside"), "x");
    QCOMPARE(store->list(store->settings().bucket, QStringLiteral("volume_1/")), expected);
    QCOMPARE(store->list(store->settings().bucket, QString()).size(), 11);
    QCOMPARE(store->list(store->settings().bucket, QStringLiteral("volume_3/")), QStringList());
}

// radosgw writes a response's status line alone, then the rest with Nagle's
// algorithm on: on a reused connection the rest waited for Linux's delayed
// acknowledgement, 40 ms per request. The client acknowledges at once, so 20
// listings on one connection take a few milliseconds each, not 40 or more.
void TestS3Store::smallRequestsAreNotHeldBack()
{
    auto store = storeWithBucket(QStringLiteral("small-requests"));
    const QString bucket = store->settings().bucket;
    store->putAll(bucket, QStringLiteral("volume_1/x/one"), "1");
    QCOMPARE(store->list(bucket, QString()).size(), 1); // the connection is open and reused
    constexpr int Requests = 20;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < Requests; ++i)
        QCOMPARE(store->list(bucket, QStringLiteral("volume_1/")).size(), 1);
    const qint64 elapsedMs = timer.elapsed();
    // 40 ms each when held back: 800 ms. Generous for a busy machine.
    QVERIFY2(elapsedMs < Requests * 20,
             qPrintable(QStringLiteral("%1 listings took %2 ms").arg(Requests).arg(elapsedMs)));
}

void TestS3Store::removeMissingObject()
{
    auto store = storeWithBucket(QStringLiteral("remove-missing"));
    store->remove(store->settings().bucket, QStringLiteral("never/was/here"));
    store->putAll(store->settings().bucket, QStringLiteral("twice"), "x");
    store->remove(store->settings().bucket, QStringLiteral("twice"));
    store->remove(store->settings().bucket, QStringLiteral("twice"));
    QCOMPARE(store->list(store->settings().bucket, QString()), QStringList());
}

void TestS3Store::getMissingObject()
{
    auto store = storeWithBucket(QStringLiteral("get-missing"));
    const QString bucket = store->settings().bucket;
    bool missing = false;
    QString message;
    try {
        getAll(*store, QStringLiteral("volume_1/x/nothing-00001"));
    } catch (const ObjectMissing& error) {
        missing = true;
        message = error.message();
    }
    QVERIFY(missing);
    QVERIFY2(message.contains(QLatin1String("volume_1/x/nothing-00001")) &&
                 message.contains(bucket),
             qPrintable(message));
}

void TestS3Store::wrongKeys()
{
    const QString bucket = S3Env::uniqueBucket(QStringLiteral("wrong-keys"));
    S3Settings unknownKey = settings(bucket);
    unknownKey.accessKey = QStringLiteral("NOSUCHKEYEXAMPLE0000");
    S3ObjectStore unknown(unknownKey);
    try {
        unknown.list(bucket, QString());
        QFAIL("an unknown access key was accepted");
    } catch (const S3Error& error) {
        QCOMPARE(error.code(), QStringLiteral("InvalidAccessKeyId"));
        QVERIFY2(error.message().contains(QLatin1String("NOSUCHKEYEXAMPLE0000 is not known at")),
                 qPrintable(error.message()));
    }

    S3Settings wrongSecret = settings(bucket);
    wrongSecret.secretKey = QStringLiteral("not-the-secret");
    S3ObjectStore wrong(wrongSecret);
    try {
        wrong.list(bucket, QString());
        QFAIL("a wrong secret key was accepted");
    } catch (const S3Error& error) {
        QCOMPARE(error.code(), QStringLiteral("SignatureDoesNotMatch"));
        QVERIFY2(
            error.message().contains(QLatin1String("the secret key does not match the access key")),
            qPrintable(error.message()));
    }
    QCOMPARE(wrong.retriedRequests(), 0); // refusals are not retried

    // A HEAD refusal has no body; the store still names the key that is wrong.
    const QString headMessage = errorOf([&] { wrong.bucketExists(bucket); });
    QVERIFY2(headMessage.contains(QLatin1String("the secret key does not match the access key")),
             qPrintable(headMessage));
    const QString unknownHead = errorOf([&] { unknown.ensureContainer(bucket); });
    QVERIFY2(unknownHead.contains(QLatin1String("NOSUCHKEYEXAMPLE0000 is not known at")),
             qPrintable(unknownHead));
}

void TestS3Store::missingBucket()
{
    const QString bucket = S3Env::uniqueBucket(QStringLiteral("missing-bucket"));
    S3ObjectStore store(settings(bucket));
    QVERIFY(!store.bucketExists(bucket));
    const QString message = errorOf([&] { store.list(bucket, QString()); });
    QVERIFY2(message.contains(QStringLiteral("bucket %1 does not exist").arg(bucket)),
             qPrintable(message));
    const QString putMessage = errorOf([&] { store.putAll(bucket, QStringLiteral("x"), "x"); });
    QVERIFY2(putMessage.contains(QStringLiteral("bucket %1 does not exist").arg(bucket)),
             qPrintable(putMessage));
}

// radosgw runs with "rgw dns name = localhost", and libcurl resolves
// <bucket>.localhost to the loopback address.
void TestS3Store::virtualHostedAddressing()
{
    QUrl endpoint(m_env.endpoint());
    endpoint.setHost(QStringLiteral("localhost"));
    const QString bucket = S3Env::uniqueBucket(QStringLiteral("virtual"));
    S3Settings s = settings(bucket);
    s.endpointUrl = endpoint.toString();
    s.virtualHosted = true;
    auto store = storeWithBucket(QStringLiteral("virtual"), &s);
    const QByteArray data = randomBytes(200000, 5);
    store->put(store->settings().bucket, QStringLiteral("volume_1/v/obj"), producerFor(data),
               data.size());
    QCOMPARE(getAll(*store, QStringLiteral("volume_1/v/obj")), data);
    QCOMPARE(store->list(store->settings().bucket, QString()),
             QStringList({QStringLiteral("volume_1/v/obj")}));
    // Stored where a path-style client finds it.
    const auto keys = m_env.keysIn(store->settings().bucket);
    QVERIFY2(keys.ok(), keys.describe().constData());
    QVERIFY(keys.out.contains("volume_1/v/obj"));
    store->remove(store->settings().bucket, QStringLiteral("volume_1/v/obj"));
}

// SSE-C: radosgw takes customer keys only over TLS (rgw_crypt_require_ssl),
// so this runs against its TLS endpoint.
void TestS3Store::sseCustomerKey()
{
    QVERIFY2(!m_env.tlsEndpoint().isEmpty(), "rgw.env has no RGW_S3_TLS_ENDPOINT");
    const QString bucket = S3Env::uniqueBucket(QStringLiteral("ssec"));
    S3Settings s = settings(bucket);
    s.endpointUrl = m_env.tlsEndpoint();
    s.caCertFile = m_env.tlsCa();
    s.sseCustomerAlgorithm = QStringLiteral("AES256");
    s.sseCustomerKey = QStringLiteral("0123456789abcdef0123456789abcdef");
    s.partSize = 5 * 1024 * 1024;
    auto store = storeWithBucket(QStringLiteral("ssec"), &s);
    const QByteArray small = randomBytes(100000, 11);
    const QByteArray big = randomBytes(11 * 1024 * 1024, 12);
    store->put(bucket, QStringLiteral("small"), producerFor(small), small.size());
    store->put(bucket, QStringLiteral("big"), producerFor(big), std::nullopt);
    QCOMPARE(getAll(*store, QStringLiteral("small")), small);
    QCOMPARE(getAll(*store, QStringLiteral("big")), big);

    // Without the key the data cannot be read.
    S3Settings plain = s;
    plain.sseCustomerAlgorithm.clear();
    plain.sseCustomerKey.clear();
    S3ObjectStore withoutKey(plain);
    const QString message = errorOf([&] { withoutKey.getAll(bucket, QStringLiteral("small")); });
    QVERIFY2(message != QLatin1String("(no error)"), "an SSE-C object was read without its key");

    // Over plain HTTP radosgw refuses customer keys: the refusal is named.
    S3Settings overHttp = s;
    overHttp.endpointUrl = m_env.endpoint();
    overHttp.caCertFile.clear();
    S3ObjectStore insecure(overHttp);
    const QString httpMessage =
        errorOf([&] { insecure.putAll(bucket, QStringLiteral("http"), "x"); });
    QVERIFY2(httpMessage.contains(QLatin1String("over plain HTTP")), qPrintable(httpMessage));
}

// backup_s3_http_proxy reaches libcurl: through a proxy that is not there,
// nothing gets to radosgw, and the error names the proxy.
void TestS3Store::proxySettingIsUsed()
{
    auto store = storeWithBucket(QStringLiteral("proxy"));
    S3Settings s = store->settings();
    s.httpProxy = QStringLiteral("127.0.0.1:1");
    s.retryMaxAttempts = 1;
    S3ObjectStore proxied(s);
    const QString message = errorOf([&] { proxied.list(s.bucket, QString()); });
    QVERIFY2(message.contains(QLatin1String("through the proxy 127.0.0.1:1")) &&
                 message.contains(QLatin1String("backup_s3_http_proxy")),
             qPrintable(message));
    // The https proxy is for https endpoints only.
    s.httpProxy.clear();
    s.httpsProxy = QStringLiteral("127.0.0.1:1");
    S3ObjectStore httpsProxyOnly(s);
    QCOMPARE(httpsProxyOnly.list(s.bucket, QString()), QStringList());
}

namespace {

const ConnectionCheck* checkNamed(const ConnectionReport& report, const QString& name)
{
    for (const ConnectionCheck& check : report.checks)
        if (check.name == name)
            return &check;
    return nullptr;
}

QByteArray describe(const ConnectionReport& report)
{
    QStringList lines;
    for (const ConnectionCheck& check : report.checks)
        lines.append(QStringLiteral("%1 %2: %3")
                         .arg(check.ok ? QStringLiteral("ok") : QStringLiteral("FAILED"),
                              check.name, check.detail));
    return (lines + report.facts).join(QLatin1Char('\n')).toUtf8();
}

} // namespace

void TestS3Store::probeReady()
{
    auto store = storeWithBucket(QStringLiteral("probe-ready"));
    const BackendConfig config = m_env.backend(QStringLiteral("s3"), store->settings().bucket);
    const ConnectionReport report = probeS3(config, m_env.secrets());
    QVERIFY2(report.ok(), describe(report).constData());
    for (const char* name : {"endpoint", "credentials", "bucket", "write", "read", "delete"})
        QVERIFY2(checkNamed(report, QString::fromLatin1(name)), name);
    QVERIFY2(report.facts.contains(QStringLiteral("Object Lock: not enabled on the bucket")),
             describe(report).constData());
    QVERIFY(!checkNamed(report, QStringLiteral("object lock"))); // not asked for: a fact only
    // The probe object is gone.
    QCOMPARE(store->list(store->settings().bucket, QString()), QStringList());
}

void TestS3Store::probeMissingBucketThenCreate()
{
    const QString bucket = S3Env::uniqueBucket(QStringLiteral("probe-create"));
    m_buckets.append(bucket);
    BackendConfig config = m_env.backend(QStringLiteral("s3"), bucket);
    ConnectionReport report = probeS3(config, m_env.secrets());
    QVERIFY(!report.ok());
    const ConnectionCheck* check = checkNamed(report, QStringLiteral("bucket"));
    QVERIFY2(check && !check->ok, describe(report).constData());
    QVERIFY2(check->detail.contains(QStringLiteral("bucket %1 does not exist").arg(bucket)) &&
                 check->detail.contains(QLatin1String("wizard can create it")),
             qPrintable(check->detail));

    createS3Bucket(config, m_env.secrets(), true);
    const auto exists = m_env.bucketExists(bucket);
    QVERIFY2(exists.ok(), exists.describe().constData());
    QCOMPARE(exists.out.trimmed(), QByteArray("true"));
    config.options[QStringLiteral("ember_s3_object_lock_mode")] = QStringLiteral("GOVERNANCE");
    config.options[QStringLiteral("ember_s3_object_lock_days")] = 1;
    report = probeS3(config, m_env.secrets());
    QVERIFY2(report.ok(), describe(report).constData());
    check = checkNamed(report, QStringLiteral("object lock"));
    QVERIFY2(check && check->ok, describe(report).constData());
    // The probe object was written unlocked and removed with all its versions.
    const auto keys = m_env.keysIn(bucket);
    QVERIFY2(keys.ok(), keys.describe().constData());
    QCOMPARE(keys.out.trimmed(), QByteArray("[]"));
}

// Object Lock asked for on a bucket without it: a failing check that says why.
void TestS3Store::probeLockWanted()
{
    auto store = storeWithBucket(QStringLiteral("probe-nolock"));
    BackendConfig config = m_env.backend(QStringLiteral("s3"), store->settings().bucket);
    config.options[QStringLiteral("ember_s3_object_lock_mode")] = QStringLiteral("COMPLIANCE");
    config.options[QStringLiteral("ember_s3_object_lock_days")] = 7;
    const ConnectionReport report = probeS3(config, m_env.secrets());
    QVERIFY(!report.ok());
    const ConnectionCheck* check = checkNamed(report, QStringLiteral("object lock"));
    QVERIFY2(check && !check->ok, describe(report).constData());
    QVERIFY2(check->detail.contains(QLatin1String("has no Object Lock")),
             qPrintable(check->detail));
}

QTEST_GUILESS_MAIN(TestS3Store)
#include "tst_s3store.moc"
