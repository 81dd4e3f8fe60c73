// Shared test helpers: volumes with known content and byte comparison.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ember::test {

// A fresh empty directory for this test ($EMBER_TEST_TMP/<tag>, wiped first).
QString freshDir(const QString& tag);

// Content kinds for generated volumes.
enum class Fill
{
    Zeros,
    Random,
    Text,
    Mixed,
    Sparse
};
// Writes a file of `size` bytes; deterministic for a given seed. Sparse leaves
// holes (ftruncate) with data islands every few MiB.
void makeVolumeFile(const QString& path, qint64 size, Fill fill, quint32 seed = 1);
// Overwrites `count` regions of `regionSize` bytes at pseudo-random offsets.
void mutateFile(const QString& path, int count, qint64 regionSize, quint32 seed);
// SHA-256 hex of a whole file (or its first `length` bytes when >= 0).
QByteArray fileSha256(const QString& path, qint64 length = -1);
// Compares two files byte for byte over `length` bytes (whole files when -1);
// returns an empty string when equal, otherwise where they first differ.
QString compareFiles(const QString& a, const QString& b, qint64 length = -1);

struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
// Runs ember-cli ($EMBER_CLI) with EMBER_HOME=`home`.
ProcessResult runCli(const QString& home, const QStringList& arguments, int timeoutMs = 300000);

} // namespace ember::test
