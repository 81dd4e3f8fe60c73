// Shared by the S3 tests: the radosgw facts from the "rgw" fixture's env file
// ($EMBER_SERVICES_DIR/rgw.env, written by tests/services/rgw.sh), S3 backend
// configs built from them, and boto3 (python3) for checks from outside Ember.
#pragma once

#include "../services/serviceenv.h"
#include "backendregistry.h"
#include "failonerror.h"
#include "records.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTest>
#include <functional>

namespace ember::test {

// What a boto3 snippet did: its exit code, stdout (the snippet's answer) and stderr.
struct Boto3Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool ok() const { return exitCode == 0; }
    QJsonValue json() const
    {
        const QJsonDocument document =
            QJsonDocument::fromJson(QByteArray("{\"v\":") + out.trimmed() + '}');
        return document.object().value(QStringLiteral("v"));
    }
    QByteArray describe() const
    {
        return "boto3 exit " + QByteArray::number(exitCode) + ": " + err.right(2000);
    }
};

struct S3Env
{
    QHash<QString, QString> facts;
    QString error; // why there is nothing to test against

    // EMBER_RGW_ENV overrides the file (e.g. a radosgw started by hand).
    static S3Env load()
    {
        S3Env env;
        QString path = qEnvironmentVariable("EMBER_RGW_ENV");
        if (path.isEmpty())
            path = qEnvironmentVariable("EMBER_SERVICES_DIR") + QStringLiteral("/rgw.env");
        if (!QFile::exists(path)) {
            env.error = QStringLiteral("no radosgw facts at %1: run through ctest (fixtures "
                                       "ceph;rgw) or set EMBER_RGW_ENV")
                            .arg(path);
            return env;
        }
        env.facts = serviceEnvFile(path);
        for (const char* key : {"RGW_S3_ENDPOINT", "RGW_S3_ACCESS_KEY", "RGW_S3_SECRET_KEY"})
            if (factMissing(env, key))
                env.error = QStringLiteral("%1 lacks %2").arg(path, QString::fromLatin1(key));
        return env;
    }

    QString endpoint() const { return facts.value(QStringLiteral("RGW_S3_ENDPOINT")); }
    QString region() const
    {
        return facts.value(QStringLiteral("RGW_S3_REGION"), QStringLiteral("default"));
    }
    QString tlsEndpoint() const { return facts.value(QStringLiteral("RGW_S3_TLS_ENDPOINT")); }
    QString tlsCa() const { return facts.value(QStringLiteral("RGW_S3_TLS_CA")); }

    // A bucket name of its own for one test slot (S3: 3-63 characters, lower-case
    // letters, digits and hyphens): slots never share or inherit a bucket.
    static QString uniqueBucket(const QString& slot)
    {
        QString base = slot.toLower();
        base.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
        base = base.left(40);
        while (base.endsWith(QLatin1Char('-')))
            base.chop(1);
        return QStringLiteral("ember-%1-%2")
            .arg(base)
            .arg(QRandomGenerator::global()->generate() & 0xffffff, 6, 16, QLatin1Char('0'));
    }

    // Type "s3" at `endpoint` (default: the plain HTTP one) writing into `bucket`,
    // with quick retries so fault tests stay short.
    BackendConfig backend(const QString& name, const QString& bucket,
                          const QString& compression = QStringLiteral("zlib"),
                          const QString& endpointUrl = {}) const
    {
        BackendConfig config;
        config.name = name;
        config.type = QStringLiteral("s3");
        config.options = QJsonObject{{QStringLiteral("backup_s3_endpoint_url"),
                                      endpointUrl.isEmpty() ? endpoint() : endpointUrl},
                                     {QStringLiteral("backup_s3_store_bucket"), bucket},
                                     {QStringLiteral("ember_s3_region"), region()},
                                     {QStringLiteral("backup_s3_object_size"), 1048576},
                                     {QStringLiteral("backup_s3_block_size"), 32768},
                                     {QStringLiteral("backup_s3_timeout"), 30},
                                     {QStringLiteral("backup_s3_retry_max_attempts"), 4},
                                     {QStringLiteral("backup_compression_algorithm"), compression}};
        return config;
    }
    BackendSecrets secrets() const
    {
        return {{QStringLiteral("backup_s3_store_access_key"),
                 facts.value(QStringLiteral("RGW_S3_ACCESS_KEY"))},
                {QStringLiteral("backup_s3_store_secret_key"),
                 facts.value(QStringLiteral("RGW_S3_SECRET_KEY"))}};
    }

    // Runs a python3 snippet with `s3`: a boto3 client (Signature V4, path-style, no
    // retries) with the fixture's keys at `endpointUrl` (default: the HTTP endpoint);
    // also `json`, `sys`, `botocore` and `argv` (the extra arguments). The snippet
    // answers on stdout (json.dumps for structured answers, read with json()).
    Boto3Result boto3(const QString& snippet, const QStringList& arguments = {},
                      const QString& endpointUrl = {}, int timeoutMs = 120000) const
    {
        static const char* prelude = R"(
import json, os, sys
import boto3, botocore
from botocore.config import Config
argv = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=os.environ["EMBER_T_ENDPOINT"],
                  region_name=os.environ["EMBER_T_REGION"],
                  aws_access_key_id=os.environ["EMBER_T_ACCESS"],
                  aws_secret_access_key=os.environ["EMBER_T_SECRET"],
                  verify=os.environ.get("EMBER_T_CA") or None,
                  config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                retries={"max_attempts": 1}))
def all_versions(bucket):
    """Every (key, version id) of the bucket: versions and delete markers."""
    found = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for v in page.get("Versions", []) + page.get("DeleteMarkers", []):
            found.append((v["Key"], v["VersionId"]))
    return found
)";
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("EMBER_T_ENDPOINT"),
                           endpointUrl.isEmpty() ? endpoint() : endpointUrl);
        environment.insert(QStringLiteral("EMBER_T_REGION"), region());
        environment.insert(QStringLiteral("EMBER_T_ACCESS"),
                           facts.value(QStringLiteral("RGW_S3_ACCESS_KEY")));
        environment.insert(QStringLiteral("EMBER_T_SECRET"),
                           facts.value(QStringLiteral("RGW_S3_SECRET_KEY")));
        if (endpointUrl.startsWith(QLatin1String("https:")))
            environment.insert(QStringLiteral("EMBER_T_CA"), tlsCa());
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral("python3"),
                      QStringList{QStringLiteral("-c"),
                                  QString::fromLatin1(prelude) + QLatin1Char('\n') + snippet} +
                          arguments);
        Boto3Result result;
        if (!process.waitForStarted(10000)) {
            result.err = "python3 did not start";
            return result;
        }
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished(5000);
            result.err = "python3 timed out";
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        return result;
    }

    // --- common checks through boto3 (fail with the snippet's error as the message)

    // Every key in the bucket, all versions and delete markers included (sorted;
    // a name appears once per version). Empty list and ok for an empty bucket.
    Boto3Result keysIn(const QString& bucket) const
    {
        return boto3(
            QStringLiteral("print(json.dumps(sorted(k for k, _ in all_versions(argv[0]))))"),
            {bucket});
    }
    Boto3Result bucketExists(const QString& bucket) const
    {
        return boto3(QStringLiteral(R"(
try:
    s3.head_bucket(Bucket=argv[0]); print("true")
except botocore.exceptions.ClientError as e:
    if e.response["ResponseMetadata"]["HTTPStatusCode"] != 404: raise
    print("false")
)"),
                     {bucket});
    }
    Boto3Result createBucket(const QString& bucket, bool objectLock = false) const
    {
        return boto3(QStringLiteral("s3.create_bucket(Bucket=argv[0], "
                                    "ObjectLockEnabledForBucket=argv[1] == '1')"),
                     {bucket, objectLock ? QStringLiteral("1") : QStringLiteral("0")});
    }
    // Removes every version (bypassing GOVERNANCE retention) and the bucket; a
    // missing bucket is fine. For test cleanup.
    Boto3Result dropBucket(const QString& bucket) const
    {
        return boto3(QStringLiteral(R"(
try:
    for key, version in all_versions(argv[0]):
        s3.delete_object(Bucket=argv[0], Key=key, VersionId=version, BypassGovernanceRetention=True)
    s3.delete_bucket(Bucket=argv[0])
except botocore.exceptions.ClientError as e:
    if e.response["Error"]["Code"] != "NoSuchBucket": raise
)"),
                     {bucket});
    }

private:
    static bool factMissing(const S3Env& env, const char* key)
    {
        return env.facts.value(QString::fromLatin1(key)).isEmpty();
    }
};

} // namespace ember::test
