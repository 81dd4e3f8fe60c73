// Sampled verification (backup-verify --sample): which objects each run reads,
// what the catalog remembers of it, and that damage is found by the run that
// reads the damaged object.
#include "backupservice.h"
#include "chunkeddriver.h"
#include "testsupport.h"

#include <QRegularExpression>
#include <QtTest>

using namespace ember;
using namespace ember::test;

namespace {

constexpr qint64 MiB = 1 << 20;

// 1 MiB objects: a 22 MiB volume is a full backup of 22 objects, and a 25%
// sample is ceil(5.5) = 6 of them.
struct Fixture : ServiceFixture
{
    explicit Fixture(const QString& tag) : ServiceFixture(tag, QStringLiteral("zlib"), MiB) {}

    QStringList objectsOf(const Backup& backup) const
    {
        ChunkedOptions options;
        options.objectSize = MiB;
        return posixChunkedDriver(backupsDir(), options)->verifiableObjects(backup);
    }
    QString objectFile(const Backup& backup, const QString& object) const
    {
        return backupsDir() + QLatin1Char('/') + backup.container + QLatin1Char('/') + object;
    }
    VerifyReport verify(const Backup& backup, int percent)
    {
        OperationControl control;
        return service->verifyBackup(backup.id, control, percent);
    }
};

// Flips one byte in the middle of a stored object file.
void flipByte(const QString& path)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 middle = file.size() / 2;
    QVERIFY(file.seek(middle));
    const char byte = file.read(1).at(0);
    QVERIFY(file.seek(middle));
    QCOMPARE(file.write(QByteArray(1, char(byte ^ 0x40))), qint64(1));
}

// The "volume offset N" a problem names, -1 when it names none.
qint64 offsetIn(const QString& problem)
{
    static const QRegularExpression pattern(QStringLiteral("volume offset (\\d+)"));
    const QRegularExpressionMatch match = pattern.match(problem);
    return match.hasMatch() ? match.captured(1).toLongLong() : -1;
}

} // namespace

class VerifySampleTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void repeatedSamplesCoverEveryObjectOnce()
    {
        Fixture f(QStringLiteral("cover"));
        f.addVolumeFile(22 * MiB, Fill::Random, 3);
        const Backup full = f.backUp(QStringLiteral("v"));
        const QStringList objects = f.objectsOf(full);
        QCOMPARE(objects.size(), 22);
        QVERIFY(f.catalog->verifiedObjects(full.id).isEmpty());

        // Each run reads 6 objects none of the runs before read, until all 22 are read.
        QSet<QString> readBefore;
        for (int run = 1; run <= 4; ++run) {
            const VerifyReport report = f.verify(full, 25);
            QVERIFY2(report.problems.isEmpty(), qPrintable(report.problems.join('\n')));
            QCOMPARE(report.objectsChecked, qint64(6));
            QCOMPARE(report.bytesChecked, qint64(6) * MiB);
            const QHash<QString, QDateTime> verified = f.catalog->verifiedObjects(full.id);
            QCOMPARE(verified.size(), qsizetype(std::min(22, run * 6)));
            for (auto it = verified.begin(); it != verified.end(); ++it)
                QVERIFY2(objects.contains(it.key()), qPrintable(it.key()));
            readBefore = QSet<QString>(verified.keyBegin(), verified.keyEnd());

            const std::optional<VerifyResult> result = f.catalog->verifyResult(full.id);
            QVERIFY(result);
            QVERIFY(result->ok);
            QVERIFY(result->problem.isEmpty());
            QCOMPARE(result->samplePercent, 25);
            QCOMPARE(result->objectsChecked, qint64(6));
            QCOMPARE(result->objectsTotal, qint64(22));
        }
        QCOMPARE(readBefore, QSet<QString>(objects.begin(), objects.end()));
    }

    void damageIsFoundByTheRunThatReadsIt()
    {
        Fixture f(QStringLiteral("damage"));
        f.addVolumeFile(22 * MiB, Fill::Random, 4);
        const Backup full = f.backUp(QStringLiteral("v"));
        const QStringList objects = f.objectsOf(full);
        QCOMPARE(objects.size(), 22);
        // The tenth object holds volume bytes [9 MiB, 10 MiB).
        const QString damaged = objects.at(9);
        QVERIFY(damaged.endsWith(QStringLiteral("-00010")));
        flipByte(f.objectFile(full, damaged));

        bool found = false;
        for (int run = 1; run <= 4 && !found; ++run) {
            const QHash<QString, QDateTime> before = f.catalog->verifiedObjects(full.id);
            QVERIFY(!before.contains(damaged));
            const VerifyReport report = f.verify(full, 25);
            const std::optional<VerifyResult> result = f.catalog->verifyResult(full.id);
            QVERIFY(result);
            const QHash<QString, QDateTime> after = f.catalog->verifiedObjects(full.id);
            if (report.problems.isEmpty()) {
                QVERIFY(result->ok);
                QCOMPARE(after.size(), before.size() + 6);
                QVERIFY(!after.contains(damaged));
                continue;
            }
            found = true;
            QCOMPARE(report.problems.size(), 1);
            const QString problem = report.problems.first();
            QVERIFY2(problem.contains(damaged), qPrintable(problem));
            const qint64 offset = offsetIn(problem);
            QVERIFY2(offset >= 9 * MiB && offset < 10 * MiB, qPrintable(problem));
            // Recorded as failed, and nothing of the failed run counts as verified.
            QVERIFY(!result->ok);
            QCOMPARE(result->problem, problem);
            QCOMPARE(result->samplePercent, 25);
            QCOMPARE(result->objectsTotal, qint64(22));
            QCOMPARE(after, before);
        }
        QVERIFY2(found, "four 25% samples must have read every object, the damaged one too");

        // The full verification finds it as well, and records a whole-backup result.
        OperationControl control;
        const VerifyReport whole = f.service->verifyBackup(full.id, control);
        QCOMPARE(whole.problems.size(), 1);
        QVERIFY2(whole.problems.first().contains(damaged), qPrintable(whole.problems.first()));
        const std::optional<VerifyResult> result = f.catalog->verifyResult(full.id);
        QVERIFY(result && !result->ok);
        QCOMPARE(result->samplePercent, 100);
    }

    void fullVerificationMarksEveryObject()
    {
        Fixture f(QStringLiteral("full"));
        f.addVolumeFile(22 * MiB, Fill::Mixed, 5);
        const Backup full = f.backUp(QStringLiteral("v"));
        OperationControl control;
        const VerifyReport report = f.service->verifyBackup(full.id, control);
        QVERIFY2(report.problems.isEmpty(), qPrintable(report.problems.join('\n')));
        const QHash<QString, QDateTime> verified = f.catalog->verifiedObjects(full.id);
        QCOMPARE(verified.size(), qsizetype(22));
        const std::optional<VerifyResult> result = f.catalog->verifyResult(full.id);
        QVERIFY(result);
        QVERIFY(result->ok);
        QCOMPARE(result->samplePercent, 100);
        QCOMPARE(result->objectsChecked, qint64(22));
        QCOMPARE(result->objectsTotal, qint64(22));
        QVERIFY(qAbs(result->checkedAt.secsTo(QDateTime::currentDateTimeUtc())) < 600);

        // 100 as a sample is the same whole verification.
        QVERIFY(f.verify(full, 100).problems.isEmpty());
        QCOMPARE(f.catalog->verifyResult(full.id)->samplePercent, 100);
    }

    void incrementalSampleReadsOnlyItsOwnObjects()
    {
        Fixture f(QStringLiteral("incremental"));
        f.addVolumeFile(22 * MiB, Fill::Random, 6);
        const Backup full = f.backUp(QStringLiteral("v"));
        // Changes in 3 of the 22 MiB: the incremental holds a few objects only.
        mutateFile(f.volumeFile(), 3, 4096, 7);
        const Backup incremental = f.backUp(QStringLiteral("v"), true);
        const QStringList own = f.objectsOf(incremental);
        QVERIFY(!own.isEmpty());
        QVERIFY(own.size() < 22);
        QCOMPARE(qint64(own.size()), incremental.objectCount);

        // Damage in the full is no business of the incremental's own objects...
        flipByte(f.objectFile(full, f.objectsOf(full).at(20)));
        const VerifyReport sample = f.verify(incremental, 99);
        QVERIFY2(sample.problems.isEmpty(), qPrintable(sample.problems.join('\n')));
        QCOMPARE(sample.objectsChecked, qint64(own.size()));
        const std::optional<VerifyResult> result = f.catalog->verifyResult(incremental.id);
        QVERIFY(result && result->ok);
        QCOMPARE(result->objectsTotal, qint64(own.size()));
        QCOMPARE(f.catalog->verifiedObjects(incremental.id).size(), qsizetype(own.size()));
        QVERIFY(f.catalog->verifiedObjects(full.id).isEmpty());

        // ...but the whole chain's verification reads the full and finds it.
        const VerifyReport whole = f.verify(incremental, 100);
        QCOMPARE(whole.problems.size(), 1);
        QVERIFY2(whole.problems.first().contains(QStringLiteral("-00021")),
                 qPrintable(whole.problems.first()));
        QVERIFY(!f.catalog->verifyResult(incremental.id)->ok);

        // A damaged object of the incremental itself is found by its sample.
        flipByte(f.objectFile(incremental, own.first()));
        const VerifyReport damaged = f.verify(incremental, 99);
        QCOMPARE(damaged.problems.size(), 1);
        QVERIFY2(damaged.problems.first().contains(own.first()),
                 qPrintable(damaged.problems.first()));
        QVERIFY(offsetIn(damaged.problems.first()) >= 0);
    }

    void percentOutOfRangeIsRefused()
    {
        Fixture f(QStringLiteral("range"));
        f.addVolumeFile(2 * MiB, Fill::Text, 8);
        const Backup full = f.backUp(QStringLiteral("v"));
        for (int percent : {0, -5, 101}) {
            const Error error = errorOf([&] { f.verify(full, percent); });
            QVERIFY2(error.message().contains(QStringLiteral("1 to 100")),
                     qPrintable(error.message()));
        }
        QVERIFY(!f.catalog->verifyResult(full.id));
        QVERIFY(f.catalog->verifiedObjects(full.id).isEmpty());
        // The smallest sample still reads one object.
        QCOMPARE(f.verify(full, 1).objectsChecked, qint64(1));
        QCOMPARE(f.catalog->verifiedObjects(full.id).size(), qsizetype(1));
    }
};

QTEST_GUILESS_MAIN(VerifySampleTest)
#include "tst_verifysample.moc"
