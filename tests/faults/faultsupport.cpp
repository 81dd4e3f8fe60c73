#include "faultsupport.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QThread>
#include <QtDebug>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

namespace ember::faults {

ProcessResult cli(const QString& home, const QStringList& arguments, int timeoutMs)
{
    return ember::test::runCli(home, arguments, timeoutMs);
}

QJsonObject cliObject(const QString& home, const QStringList& arguments, ProcessResult* result)
{
    *result =
        cli(home, QStringList{QStringLiteral("--format"), QStringLiteral("json")} + arguments);
    return QJsonDocument::fromJson(result->out).object();
}

QJsonArray cliArray(const QString& home, const QStringList& arguments, ProcessResult* result)
{
    *result =
        cli(home, QStringList{QStringLiteral("--format"), QStringLiteral("json")} + arguments);
    return QJsonDocument::fromJson(result->out).array();
}

QByteArray describe(const ProcessResult& result)
{
    return "rc " + QByteArray::number(result.exitCode) + "; stderr: " + result.err.trimmed() +
           "; stdout: " + result.out.left(400).trimmed();
}

QString oneErrorLine(const QByteArray& err)
{
    const QList<QByteArray> lines = err.trimmed().split('\n');
    if (err.trimmed().isEmpty())
        return QStringLiteral("stderr is empty");
    if (lines.size() != 1)
        return QStringLiteral("stderr has %1 lines, not one ERROR: line: %2")
            .arg(lines.size())
            .arg(QString::fromUtf8(err));
    if (!lines.first().startsWith("ERROR: "))
        return QStringLiteral("stderr does not start with 'ERROR: ': %1")
            .arg(QString::fromUtf8(err));
    return {};
}

std::unique_ptr<QProcess> startCli(const QString& home, const QStringList& arguments)
{
    auto process = std::make_unique<QProcess>();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("EMBER_HOME"), home);
    process->setProcessEnvironment(environment);
    process->start(qEnvironmentVariable("EMBER_CLI"), arguments);
    if (!process->waitForStarted(30000))
        qFatal("ember-cli did not start");
    return process;
}

void killHard(QProcess& process)
{
    if (process.state() != QProcess::NotRunning)
        ::kill(pid_t(process.processId()), SIGKILL);
    process.waitForFinished(30000);
}

Setup makeSetup(const QString& tag, const QString& compression, qint64 objectSize, QString* error,
                const QString& storeDir)
{
    Setup setup;
    // A mount left by an aborted earlier run would stop the directory being wiped.
    QString root = qEnvironmentVariable("EMBER_TEST_TMP");
    if (root.isEmpty())
        root = QDir::tempPath() + QStringLiteral("/ember-test");
    QFile mounts(QStringLiteral("/proc/mounts"));
    if (mounts.open(QIODevice::ReadOnly)) {
        const QString prefix =
            QDir(root + QLatin1Char('/') + tag).absolutePath() + QLatin1Char('/');
        for (const QByteArray& line : mounts.readAll().split('\n')) {
            const QList<QByteArray> fields = line.split(' ');
            if (fields.size() > 1 && QString::fromUtf8(fields.at(1)).startsWith(prefix))
                unmount(QString::fromUtf8(fields.at(1)));
        }
    }
    setup.dir = ember::test::freshDir(tag);
    setup.home = setup.dir + QStringLiteral("/home");
    setup.store = storeDir.isEmpty() ? setup.dir + QStringLiteral("/store") : storeDir;
    const ProcessResult added = cli(
        setup.home, {QStringLiteral("backend-add-local"), QStringLiteral("store"), setup.store,
                     QStringLiteral("--compression"), compression, QStringLiteral("--object-size"),
                     QString::number(objectSize), QStringLiteral("--default")});
    if (added.exitCode != 0)
        *error = QStringLiteral("backend-add-local failed: ") + QString::fromUtf8(describe(added));
    else
        error->clear();
    return setup;
}

QList<QStringList> sqlRows(const QString& database, const QString& query, QString* error)
{
    QList<QStringList> rows;
    sqlite3* db = nullptr;
    auto fail = [&](const QString& what) {
        if (error)
            *error = what;
        else
            qWarning("sqlite: %s", qPrintable(what));
    };
    if (sqlite3_open_v2(QFile::encodeName(database).constData(), &db, SQLITE_OPEN_READONLY,
                        nullptr) != SQLITE_OK) {
        fail(QStringLiteral("cannot open %1: %2")
                 .arg(database, QString::fromUtf8(sqlite3_errmsg(db))));
        sqlite3_close(db);
        return rows;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, query.toUtf8().constData(), -1, &statement, nullptr) != SQLITE_OK) {
        fail(QStringLiteral("%1: %2").arg(query, QString::fromUtf8(sqlite3_errmsg(db))));
        sqlite3_close(db);
        return rows;
    }
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
        QStringList row;
        for (int column = 0; column < sqlite3_column_count(statement); ++column) {
            const auto* text = sqlite3_column_text(statement, column);
            row << (text ? QString::fromUtf8(reinterpret_cast<const char*>(text)) : QString());
        }
        rows << row;
    }
    if (step != SQLITE_DONE)
        fail(QStringLiteral("%1: %2").arg(query, QString::fromUtf8(sqlite3_errmsg(db))));
    else if (error)
        error->clear();
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return rows;
}

QString sqlExec(const QString& database, const QString& statement)
{
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(QFile::encodeName(database).constData(), &db, SQLITE_OPEN_READWRITE,
                        nullptr) != SQLITE_OK) {
        const QString error = QString::fromUtf8(sqlite3_errmsg(db));
        sqlite3_close(db);
        return error;
    }
    sqlite3_busy_timeout(db, 10000);
    char* message = nullptr;
    QString error;
    if (sqlite3_exec(db, statement.toUtf8().constData(), nullptr, nullptr, &message) != SQLITE_OK)
        error = QString::fromUtf8(message ? message : "failed");
    sqlite3_free(message);
    sqlite3_close(db);
    return error;
}

QStringList filesUnder(const QString& directory)
{
    QStringList files;
    QDirIterator it(directory, QDir::Files | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    return files;
}

QHash<QString, qint64> fileSizes(const QString& directory)
{
    QHash<QString, qint64> sizes;
    for (const QString& file : filesUnder(directory))
        sizes.insert(file, QFileInfo(file).size());
    return sizes;
}

QString stuckRows(const QString& home)
{
    ProcessResult result;
    const QJsonArray backups = cliArray(home, {QStringLiteral("backup-list")}, &result);
    if (result.exitCode != 0)
        return QStringLiteral("backup-list failed: ") + QString::fromUtf8(describe(result));
    QStringList stuck;
    static const QStringList transientBackup{QStringLiteral("creating"), QStringLiteral("deleting"),
                                             QStringLiteral("restoring")};
    for (const QJsonValue& value : backups) {
        const QJsonObject backup = value.toObject();
        const QString status = backup.value(QStringLiteral("status")).toString();
        if (transientBackup.contains(status))
            stuck << QStringLiteral("backup %1 is %2")
                         .arg(backup.value(QStringLiteral("id")).toString(), status);
    }
    const QJsonArray volumes = cliArray(home, {QStringLiteral("volume-list")}, &result);
    if (result.exitCode != 0)
        return QStringLiteral("volume-list failed: ") + QString::fromUtf8(describe(result));
    static const QStringList transientVolume{
        QStringLiteral("backing-up"), QStringLiteral("restoring"), QStringLiteral("creating"),
        QStringLiteral("deleting")};
    for (const QJsonValue& value : volumes) {
        const QJsonObject volume = value.toObject();
        const QString status = volume.value(QStringLiteral("status")).toString();
        if (transientVolume.contains(status))
            stuck << QStringLiteral("volume %1 is %2")
                         .arg(volume.value(QStringLiteral("name")).toString(), status);
    }
    return stuck.join(QStringLiteral("; "));
}

QString orphanObjects(const QString& home, const QString& store, const QStringList& alsoOwned)
{
    ProcessResult result;
    const QJsonArray backups = cliArray(home, {QStringLiteral("backup-list")}, &result);
    if (result.exitCode != 0)
        return QStringLiteral("backup-list failed: ") + QString::fromUtf8(describe(result));
    QStringList owned = alsoOwned;
    for (const QJsonValue& value : backups) {
        const QJsonObject backup = value.toObject();
        const QString prefix = backup.value(QStringLiteral("service_metadata")).toString();
        if (!prefix.isEmpty())
            owned << backup.value(QStringLiteral("container")).toString() + QLatin1Char('/') +
                         prefix;
    }
    QStringList orphans;
    const QDir root(store);
    for (const QString& file : filesUnder(store)) {
        const QString relative = root.relativeFilePath(file);
        bool belongs = false;
        for (const QString& prefix : owned)
            belongs = belongs || relative.startsWith(prefix);
        if (!belongs)
            orphans << relative;
    }
    if (orphans.isEmpty())
        return {};
    return QStringLiteral("%1 object file(s) belong to no backup of the catalog: %2")
        .arg(orphans.size())
        .arg(orphans.mid(0, 5).join(QStringLiteral(", ")));
}

QString missingFiles(const QHash<QString, qint64>& before)
{
    QStringList lost;
    for (auto it = before.begin(); it != before.end(); ++it) {
        const QFileInfo info(it.key());
        if (!info.exists())
            lost << it.key() + QStringLiteral(" (removed)");
        else if (info.size() != it.value())
            lost << QStringLiteral("%1 (%2 bytes, was %3)")
                        .arg(it.key())
                        .arg(info.size())
                        .arg(it.value());
    }
    return lost.join(QStringLiteral("; "));
}

QString restoresIdentical(const QString& home, const QString& backupId, const QString& expected,
                          const QString& path)
{
    QFile::remove(path);
    const QString name = QStringLiteral("check-%1").arg(QFileInfo(path).completeBaseName());
    const ProcessResult restore =
        cli(home, {QStringLiteral("backup-restore"), backupId, QStringLiteral("--name"), name,
                   QStringLiteral("--path"), path});
    if (restore.exitCode != 0)
        return QStringLiteral("restore of %1 failed: %2")
            .arg(backupId, QString::fromUtf8(describe(restore)));
    const QString difference = ember::test::compareFiles(expected, path);
    cli(home, {QStringLiteral("volume-remove"), name});
    QFile::remove(path);
    if (!difference.isEmpty())
        return QStringLiteral("restore of %1 differs from its source: %2")
            .arg(backupId, difference);
    return {};
}

QString createdId(const ProcessResult& result)
{
    return QJsonDocument::fromJson(result.out).object().value(QStringLiteral("id")).toString();
}

QJsonObject backupNamed(const QString& home, const QString& id)
{
    ProcessResult result;
    return cliObject(home, {QStringLiteral("backup-show"), id}, &result);
}

QJsonObject volumeNamed(const QString& home, const QString& nameOrId)
{
    ProcessResult result;
    return cliObject(home, {QStringLiteral("volume-show"), nameOrId}, &result);
}

QStringList volumeNames(const QString& home)
{
    ProcessResult result;
    QStringList names;
    for (const QJsonValue& value : cliArray(home, {QStringLiteral("volume-list")}, &result))
        names << value.toObject().value(QStringLiteral("name")).toString();
    return names;
}

QString mountTmpfs(const QString& directory, qint64 sizeBytes)
{
    if (::geteuid() != 0)
        return QStringLiteral("this test mounts a tmpfs and must run as root (CI does)");
    QDir().mkpath(directory);
    const QByteArray options = "size=" + QByteArray::number(sizeBytes) + ",mode=0755";
    if (::mount("tmpfs", QFile::encodeName(directory).constData(), "tmpfs", 0,
                options.constData()) != 0)
        return QStringLiteral("cannot mount a tmpfs on %1: %2")
            .arg(directory, QString::fromLocal8Bit(std::strerror(errno)));
    return {};
}

QString remount(const QString& directory, bool readOnly)
{
    const unsigned long flags = MS_REMOUNT | (readOnly ? MS_RDONLY : 0);
    if (::mount("tmpfs", QFile::encodeName(directory).constData(), "tmpfs", flags, nullptr) != 0)
        return QStringLiteral("cannot remount %1: %2")
            .arg(directory, QString::fromLocal8Bit(std::strerror(errno)));
    return {};
}

void unmount(const QString& directory)
{
    ::umount2(QFile::encodeName(directory).constData(), MNT_DETACH);
}

qint64 measureCli(const QString& home, const QStringList& arguments)
{
    QElapsedTimer clock;
    clock.start();
    const ProcessResult result = cli(home, arguments);
    const qint64 elapsed = clock.elapsed();
    if (result.exitCode != 0)
        qWarning("calibration run failed: %s", describe(result).constData());
    return std::max<qint64>(elapsed, 20);
}

QString killCliSomewhere(const QString& home, const QStringList& arguments, qint64 spanMs,
                         int attempt, std::mt19937_64& rng)
{
    std::uniform_int_distribution<qint64> pick(0, spanMs);
    const qint64 delay = pick(rng);
    auto process = startCli(home, arguments);
    process->waitForFinished(int(delay));
    const bool finished = process->state() == QProcess::NotRunning;
    killHard(*process);
    const QString what =
        QStringLiteral("try %1: %2 killed after %3 ms of ~%4 ms%5")
            .arg(attempt)
            .arg(arguments.join(QLatin1Char(' ')))
            .arg(delay)
            .arg(spanMs)
            .arg(finished ? QStringLiteral(" (it had already finished)") : QString());
    qInfo("%s", qPrintable(what));
    return what;
}

std::mt19937_64 seededRng(const char* what)
{
    bool given = false;
    quint64 seed = qEnvironmentVariable("EMBER_FAULT_SEED").toULongLong(&given);
    if (!given)
        seed = quint64(QDateTime::currentMSecsSinceEpoch());
    qInfo("%s: random seed %llu (repeat with EMBER_FAULT_SEED=%llu)", what,
          static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
    return std::mt19937_64(seed);
}

} // namespace ember::faults
