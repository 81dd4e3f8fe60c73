// Signature V4 against the examples AWS publishes in "Signature Calculations
// for the Authorization Header: Transferring Payload in a Single Chunk"
// (Amazon S3 API Reference): the same secret key, date and bucket, and the
// signatures printed there.
#include "s3signer.h"

#include <QtTest>

using namespace ember::s3;

namespace {

SigV4Credentials exampleCredentials()
{
    SigV4Credentials credentials;
    credentials.accessKey = "AKIAIOSFODNN7EXAMPLE";
    credentials.secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    credentials.region = "us-east-1";
    credentials.service = "s3";
    return credentials;
}

QDateTime exampleTime()
{
    return QDateTime(QDate(2013, 5, 24), QTime(0, 0, 0), Qt::UTC);
}

} // namespace

class TestS3Signer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void getObject();
    void putObject();
    void getBucketLifecycle();
    void listObjects();
    void uriEncoding();
    void headerValuesTrimmed();
};

// GET Object: GET /test.txt with a Range header.
void TestS3Signer::getObject()
{
    SigV4Request request;
    request.method = "GET";
    request.path = "/test.txt";
    request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                       {"Range", "bytes=0-9"},
                       {"x-amz-content-sha256", EmptyPayloadHash},
                       {"x-amz-date", "20130524T000000Z"}};
    request.payloadHash = EmptyPayloadHash;

    const QByteArray canonical = canonicalRequest(request);
    QCOMPARE(canonical,
             QByteArray("GET\n"
                        "/test.txt\n"
                        "\n"
                        "host:examplebucket.s3.amazonaws.com\n"
                        "range:bytes=0-9\n"
                        "x-amz-content-sha256:"
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                        "x-amz-date:20130524T000000Z\n"
                        "\n"
                        "host;range;x-amz-content-sha256;x-amz-date\n"
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(stringToSign(canonical, exampleTime(), exampleCredentials()),
             QByteArray("AWS4-HMAC-SHA256\n"
                        "20130524T000000Z\n"
                        "20130524/us-east-1/s3/aws4_request\n"
                        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"));
    QCOMPARE(signature(request, exampleCredentials(), exampleTime()),
             QByteArray("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
    QCOMPARE(
        authorization(request, exampleCredentials(), exampleTime()),
        QByteArray("AWS4-HMAC-SHA256 "
                   "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                   "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                   "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
}

// PUT Object: "Welcome to Amazon S3." to /test$file.text, with Date and a storage class.
void TestS3Signer::putObject()
{
    const QByteArray body = "Welcome to Amazon S3.";
    QCOMPARE(sha256Hex(body),
             QByteArray("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"));
    SigV4Request request;
    request.method = "PUT";
    request.path = uriEncode("/test$file.text", true);
    QCOMPARE(request.path, QByteArray("/test%24file.text"));
    request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                       {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                       {"x-amz-date", "20130524T000000Z"},
                       {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                       {"x-amz-content-sha256", sha256Hex(body)}};
    request.payloadHash = sha256Hex(body);
    QCOMPARE(signedHeaders(request),
             QByteArray("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class"));
    QCOMPARE(sha256Hex(canonicalRequest(request)),
             QByteArray("9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d"));
    QCOMPARE(signature(request, exampleCredentials(), exampleTime()),
             QByteArray("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
}

// GET Bucket lifecycle: a sub-resource with an empty value.
void TestS3Signer::getBucketLifecycle()
{
    SigV4Request request;
    request.method = "GET";
    request.path = "/";
    request.query = {{"lifecycle", ""}};
    request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                       {"x-amz-date", "20130524T000000Z"},
                       {"x-amz-content-sha256", EmptyPayloadHash}};
    QCOMPARE(canonicalQueryString(request), QByteArray("lifecycle="));
    QCOMPARE(signature(request, exampleCredentials(), exampleTime()),
             QByteArray("fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
}

// GET Bucket (List Objects): parameters given out of order are sorted.
void TestS3Signer::listObjects()
{
    SigV4Request request;
    request.method = "GET";
    request.path = "/";
    request.query = {{"prefix", "J"}, {"max-keys", "2"}};
    request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                       {"x-amz-date", "20130524T000000Z"},
                       {"x-amz-content-sha256", EmptyPayloadHash}};
    QCOMPARE(canonicalQueryString(request), QByteArray("max-keys=2&prefix=J"));
    QCOMPARE(signature(request, exampleCredentials(), exampleTime()),
             QByteArray("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

void TestS3Signer::uriEncoding()
{
    QCOMPARE(uriEncode("volume_1/20260101/az_nova_backup_x-00001", true),
             QByteArray("volume_1/20260101/az_nova_backup_x-00001"));
    QCOMPARE(uriEncode("a b+c/d~e", false), QByteArray("a%20b%2Bc%2Fd~e"));
    QCOMPARE(uriEncode(QStringLiteral("ä").toUtf8(), true), QByteArray("%C3%A4"));
    QCOMPARE(amzDate(exampleTime()), QByteArray("20130524T000000Z"));
}

// Values are trimmed and inner runs of spaces collapsed; names are case-insensitive.
void TestS3Signer::headerValuesTrimmed()
{
    SigV4Request spaced;
    spaced.headers = {{"HOST", "  examplebucket.s3.amazonaws.com "}, {"X-Amz-Meta-Note", "a   b"}};
    SigV4Request plain;
    plain.headers = {{"host", "examplebucket.s3.amazonaws.com"}, {"x-amz-meta-note", "a b"}};
    QCOMPARE(canonicalRequest(spaced), canonicalRequest(plain));
}

QTEST_GUILESS_MAIN(TestS3Signer)
#include "tst_s3signer.moc"
