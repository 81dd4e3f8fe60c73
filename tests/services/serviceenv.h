// Reads the connection facts a service fixture wrote: $EMBER_SERVICES_DIR/<service>.env,
// KEY=VALUE lines (values may be double-quoted, e.g. CEPH_POOLS="volumes backups").
// Include from a test as "../services/serviceenv.h"; header-only, QtCore only.
#pragma once

#include <QFile>
#include <QHash>
#include <QString>

namespace ember::test {

// KEY=VALUE facts of one env file; empty when it is missing.
inline QHash<QString, QString> serviceEnvFile(const QString& path)
{
    QHash<QString, QString> facts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return facts;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        const qsizetype equals = line.indexOf(QLatin1Char('='));
        if (line.startsWith(QLatin1Char('#')) || equals <= 0)
            continue;
        QString value = line.mid(equals + 1);
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) &&
            value.endsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2);
        facts.insert(line.left(equals), value);
    }
    return facts;
}

// Empty when the file is missing: the test did not declare FIXTURES <service>, or the
// service failed to start (CTest then does not run the test at all).
inline QHash<QString, QString> serviceEnv(const QString& service)
{
    return serviceEnvFile(qEnvironmentVariable("EMBER_SERVICES_DIR") + QLatin1Char('/') + service +
                          QStringLiteral(".env"));
}

} // namespace ember::test
