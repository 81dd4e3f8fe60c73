// Helpers of the fault-injection suite (label `faults`): every test drives the
// real ember-cli with its own EMBER_HOME, reads the catalog file directly the
// way an administrator would (sqlite3), and checks the store's files.
#pragma once

#include "testsupport.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>
#include <random>

namespace ember::faults {

using ember::test::ProcessResult;

// ember-cli with EMBER_HOME=home (timeout in ms; a timeout gives exitCode -1).
ProcessResult cli(const QString& home, const QStringList& arguments, int timeoutMs = 180000);
// The same with --format json; the parsed output.
QJsonObject cliObject(const QString& home, const QStringList& arguments, ProcessResult* result);
QJsonArray cliArray(const QString& home, const QStringList& arguments, ProcessResult* result);
// "rc N; stderr: ..." for failure messages.
QByteArray describe(const ProcessResult& result);
// Empty when stderr is exactly one line starting with "ERROR: ", else what is wrong.
QString oneErrorLine(const QByteArray& err);

// ember-cli started in the background (same environment rules as cli()).
std::unique_ptr<QProcess> startCli(const QString& home, const QStringList& arguments);
void killHard(QProcess& process);
// How long `arguments` take when not killed (ms, at least 20), to spread
// kill points over.
qint64 measureCli(const QString& home, const QStringList& arguments);
// Starts ember-cli, kills it after a delay drawn from `rng` within `spanMs`;
// returns a description of the try for the log and failure messages.
QString killCliSomewhere(const QString& home, const QStringList& arguments, qint64 spanMs,
                         int attempt, std::mt19937_64& rng);

// A data directory with a posix backend "store" (the default) at `store`.
struct Setup
{
    QString dir;   // the test's scratch directory
    QString home;  // EMBER_HOME
    QString store; // the posix backend's directory
    QString catalog() const { return home + QStringLiteral("/catalog.sqlite"); }
};
// Creates dir/home and the backend (compression and object size as given);
// empty `error` on success.
Setup makeSetup(const QString& tag, const QString& compression, qint64 objectSize, QString* error,
                const QString& storeDir = QString());

// Rows of a query on the catalog file (read-only, waits for writers); on
// failure returns no rows and sets `error`.
QList<QStringList> sqlRows(const QString& database, const QString& query, QString* error = nullptr);
// Runs a statement; returns the error text, empty on success.
QString sqlExec(const QString& database, const QString& statement);

QStringList filesUnder(const QString& directory);
// path -> size of every file under `directory`.
QHash<QString, qint64> fileSizes(const QString& directory);

// Consistency after a crash or a fault, checked through the next ember-cli
// start (backup-list runs the start-up repair). Each returns an empty string
// when it holds, else what is wrong.
// No backup creating/deleting/restoring and no volume backing-up/restoring/creating/deleting.
QString stuckRows(const QString& home);
// Every file under the store belongs to a backup of the catalog that is not
// deleted (its container directory and its object prefix); `alsoOwned` lists
// prefixes (container/prefix) that count as owned anyway.
QString orphanObjects(const QString& home, const QString& store, const QStringList& alsoOwned = {});
// Every file of `before` is still there with the same size.
QString missingFiles(const QHash<QString, qint64>& before);
// Restores `backupId` into a new volume at `path`, compares it with
// `expected`, then unregisters and removes the restored volume.
QString restoresIdentical(const QString& home, const QString& backupId, const QString& expected,
                          const QString& path);

// A backup's id from backup-create --format json output.
QString createdId(const ProcessResult& result);
QJsonObject backupNamed(const QString& home, const QString& id);
QJsonObject volumeNamed(const QString& home, const QString& nameOrId);
// The names of the volumes volume-list shows.
QStringList volumeNames(const QString& home);

// Root-only facilities. Empty string on success, else why not.
QString mountTmpfs(const QString& directory, qint64 sizeBytes);
QString remount(const QString& directory, bool readOnly);
void unmount(const QString& directory);

// A seeded generator; the seed comes from EMBER_FAULT_SEED or the clock and is
// printed so a failing run can be repeated.
std::mt19937_64 seededRng(const char* what);

} // namespace ember::faults

// Test-slot checks (they return from the slot on failure).
// Evaluates its argument once (QVERIFY2 evaluates its message eagerly).
#define CLI_OK(command)                                                                            \
    do {                                                                                           \
        const ProcessResult commandResult = (command);                                             \
        QVERIFY2(commandResult.exitCode == 0, describe(commandResult).constData());                \
    } while (false)
// `check` gives an empty string when what it checks holds, else what is wrong.
#define HOLDS(check)                                                                               \
    do {                                                                                           \
        const QString problem = (check);                                                           \
        QVERIFY2(problem.isEmpty(), qPrintable(problem));                                          \
    } while (false)
