// Shared by the Ceph tests: the cluster facts from the fixture's env file,
// backend configs built from them, and helpers for images with known content.
#pragma once

#include "cephbackend.h"
#include "cephcluster.h"

#include <QFile>
#include <QMap>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QTest>

namespace ember::test {

struct CephEnv
{
    QMap<QString, QString> facts;
    QString error;

    static CephEnv load()
    {
        CephEnv env;
        QString path = qEnvironmentVariable("EMBER_CEPH_ENV");
        if (path.isEmpty())
            path = qEnvironmentVariable("EMBER_SERVICES_DIR") + QStringLiteral("/ceph.env");
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            env.error = QStringLiteral("no Ceph facts at %1: run through ctest (fixture ceph) or "
                                       "set EMBER_CEPH_ENV")
                            .arg(path);
            return env;
        }
        for (const QByteArray& raw : file.readAll().split('\n')) {
            const QString line = QString::fromUtf8(raw).trimmed();
            const qsizetype equals = line.indexOf(QLatin1Char('='));
            if (line.startsWith(QLatin1Char('#')) || equals <= 0)
                continue;
            QString value = line.mid(equals + 1);
            if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) &&
                value.endsWith(QLatin1Char('"')))
                value = value.mid(1, value.size() - 2);
            env.facts.insert(line.left(equals), value);
        }
        for (const char* key : {"CEPH_CONF", "CEPH_MON_HOST", "CEPH_ADMIN_KEY"})
            if (!env.facts.contains(QString::fromLatin1(key)))
                env.error = QStringLiteral("%1 lacks %2").arg(path, QString::fromLatin1(key));
        return env;
    }

    // client.admin through the cluster's ceph.conf (keyring named there).
    BackendConfig adminConfig() const
    {
        BackendConfig config;
        config.name = QStringLiteral("ceph-test");
        config.type = QStringLiteral("ceph");
        config.options.insert(QStringLiteral("backup_ceph_conf"), facts.value("CEPH_CONF"));
        config.options.insert(QStringLiteral("backup_ceph_user"), facts.value("CEPH_CLIENT_ID"));
        config.options.insert(QStringLiteral("backup_ceph_pool"), QStringLiteral("backups"));
        config.options.insert(QStringLiteral("ember_ceph_timeout"), 30);
        return config;
    }
    // The restricted backup user (caps: profile rbd on volumes and backups).
    BackendConfig backupUserConfig() const
    {
        BackendConfig config = adminConfig();
        config.options.insert(QStringLiteral("backup_ceph_user"),
                              facts.value("CEPH_BACKUP_CLIENT_ID", QStringLiteral("backup")));
        return config;
    }
    // No conf file: monitor address + key from the keyring secret.
    BackendConfig monHostConfig(BackendSecrets* secrets) const
    {
        BackendConfig config;
        config.name = QStringLiteral("ceph-monhost");
        config.type = QStringLiteral("ceph");
        config.options.insert(QStringLiteral("ember_ceph_mon_host"), facts.value("CEPH_MON_HOST"));
        config.options.insert(QStringLiteral("backup_ceph_user"), QStringLiteral("admin"));
        config.options.insert(QStringLiteral("ember_ceph_timeout"), 30);
        secrets->insert(QStringLiteral("ceph_key"), facts.value("CEPH_ADMIN_KEY"));
        return config;
    }
};

// A new, empty RBD image volumes/<prefix>-<id> of `size` bytes on `cluster`, as the
// Volume record a catalog would hold for it.
inline Volume newRbdVolume(const BackendConfig& cluster, qint64 size, const QString& prefix)
{
    Volume volume;
    volume.id = newUuid();
    volume.name = QStringLiteral("%1-%2").arg(prefix, volume.id.left(8));
    volume.kind = VolumeKind::Rbd;
    volume.path = QStringLiteral("volumes/") + volume.name;
    volume.backendName = cluster.name;
    volume.sizeBytes = size;
    createRbdImage(cluster, {}, volume.path, size);
    return volume;
}

inline QByteArray randomBytes(qint64 size, quint32 seed)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    generator.fillRange(reinterpret_cast<quint32*>(data.data()), size / 4);
    return data;
}

inline QByteArray readAll(VolumeDevice& device)
{
    QByteArray data(device.size(), Qt::Uninitialized);
    const qint64 got = device.readAt(0, data.data(), data.size());
    data.truncate(got);
    return data;
}

// Where two equally long byte arrays first differ, or -1.
inline qint64 firstDifference(const QByteArray& a, const QByteArray& b)
{
    const qint64 common = std::min(a.size(), b.size());
    for (qint64 i = 0; i < common; ++i)
        if (a[i] != b[i])
            return i;
    return a.size() == b.size() ? -1 : common;
}

} // namespace ember::test
