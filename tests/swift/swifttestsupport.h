// Shared by the Swift tests: the running Swift's facts and the helper scripts
// (fault proxy, TCP gate).
#pragma once

#include "records.h"

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QTest>

namespace ember::test {

// KEY=VALUE facts of the Swift started by the CTest fixture
// ($EMBER_SERVICES_DIR/swift.env), else from the environment
// (`set -a; eval "$(swift.sh start DIR)"; set +a` by hand).
inline QMap<QString, QString> swiftFacts()
{
    QMap<QString, QString> facts;
    const QString servicesDir = qEnvironmentVariable("EMBER_SERVICES_DIR");
    QFile file(servicesDir + QStringLiteral("/swift.env"));
    if (!servicesDir.isEmpty() && file.open(QIODevice::ReadOnly)) {
        for (const QByteArray& rawLine : file.readAll().split('\n')) {
            const QByteArray line = rawLine.trimmed();
            const qsizetype equals = line.indexOf('=');
            if (line.startsWith('#') || equals <= 0)
                continue;
            QByteArray value = line.mid(equals + 1);
            if (value.size() >= 2 && (value.startsWith('"') || value.startsWith('\'')))
                value = value.mid(1, value.size() - 2);
            facts.insert(QString::fromUtf8(line.left(equals)), QString::fromUtf8(value));
        }
    }
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString& key : environment.keys()) {
        if (key.startsWith(QLatin1String("SWIFT_")) && !facts.contains(key))
            facts.insert(key, environment.value(key));
    }
    return facts;
}

// Fails the calling test function when there is no Swift to test against.
#define REQUIRE_SWIFT_FACTS(facts)                                                                 \
    QVERIFY2(!(facts).value(QStringLiteral("SWIFT_AUTH_URL")).isEmpty(),                           \
             "no Swift facts: run through ctest (fixture `swift`) or export the output of "        \
             "tests/services/swift.sh start DIR")

// The Swift backend of the engine tests: 1 MiB objects of 32 KiB blocks and
// three quick retries, as `user` of the Swift in `facts` (at `authUrl`).
inline BackendConfig swiftTestBackend(const QMap<QString, QString>& facts, const QString& name,
                                      const QString& authUrl, const QString& container,
                                      const QString& compression)
{
    BackendConfig backend;
    backend.name = name;
    backend.type = QStringLiteral("swift");
    backend.options = QJsonObject{
        {QStringLiteral("backup_swift_auth_url"), authUrl},
        {QStringLiteral("backup_swift_user"), facts.value(QStringLiteral("SWIFT_USER"))},
        {QStringLiteral("backup_swift_container"), container},
        {QStringLiteral("backup_swift_object_size"), 1048576},
        {QStringLiteral("backup_swift_block_size"), 32768},
        {QStringLiteral("backup_swift_retry_attempts"), 3},
        {QStringLiteral("backup_swift_retry_backoff"), 0.05},
        {QStringLiteral("backup_compression_algorithm"), compression}};
    return backend;
}

// The key of the Swift in `facts`, as a backend's secrets.
inline QMap<QString, QString> swiftTestSecrets(const QMap<QString, QString>& facts)
{
    return {{QStringLiteral("backup_swift_key"), facts.value(QStringLiteral("SWIFT_KEY"))}};
}

// A helper script of tests/swift run with python3: it prints "port N" once it
// listens, answers one line per command line, and exits when stdin closes.
class HelperScript
{
public:
    HelperScript() = default;
    HelperScript(const HelperScript&) = delete;
    HelperScript& operator=(const HelperScript&) = delete;
    ~HelperScript() { stop(); }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    int port() const { return m_port; }

    // Sends one command line; returns the script's one-line answer.
    QByteArray command(const QByteArray& line)
    {
        m_process.write(line + '\n');
        m_process.waitForBytesWritten(5000);
        return readLine();
    }
    QJsonObject stats() { return QJsonDocument::fromJson(command("stats")).object(); }

protected:
    // Starts tests/swift/<script> with `arguments`; false unless it reports its port.
    bool startScript(const QString& script, const QStringList& arguments)
    {
        const QString path =
            qEnvironmentVariable("EMBER_SOURCE_DIR", QStringLiteral(EMBER_TEST_SOURCE_DIR)) +
            QStringLiteral("/tests/swift/") + script;
        m_process.setProgram(QStringLiteral("python3"));
        m_process.setArguments(QStringList{path} + arguments);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return false;
        const QByteArray line = readLine();
        m_port = line.startsWith("port ") ? line.mid(5).trimmed().toInt() : 0;
        return m_port > 0;
    }

private:
    QByteArray readLine()
    {
        while (!m_process.canReadLine()) {
            if (!m_process.waitForReadyRead(10000))
                return {};
        }
        return m_process.readLine().trimmed();
    }

    QProcess m_process;
    int m_port = 0;
};

// tests/swift/faultproxy.py in front of the real Swift proxy.
class FaultProxy : public HelperScript
{
public:
    // Starts it in front of `upstreamBase` (http://127.0.0.1:PORT); false on failure.
    // With a certificate and key it serves HTTPS.
    bool start(const QString& upstreamBase, const QString& tlsCertificate = {},
               const QString& tlsKey = {})
    {
        QStringList arguments{upstreamBase};
        if (!tlsCertificate.isEmpty())
            arguments << QStringLiteral("--tls") << tlsCertificate << tlsKey;
        m_tls = !tlsCertificate.isEmpty();
        return startScript(QStringLiteral("faultproxy.py"), arguments);
    }
    QString baseUrl() const
    {
        return QStringLiteral("%1://127.0.0.1:%2")
            .arg(m_tls ? QStringLiteral("https") : QStringLiteral("http"))
            .arg(port());
    }
    int counter(const QString& name) { return stats().value(name).toInt(); }

private:
    bool m_tls = false;
};

} // namespace ember::test
