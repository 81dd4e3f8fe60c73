// The synthetic-full scenario shared by the posix and Swift tests: a chain of
// `depth` backups with random writes between them, a synthetic full of its
// last backup, that backup's child and grandchild re-parented onto it. Every
// restore is compared byte for byte with the volume as it was backed up.
#pragma once

#include "chunkeddriver.h"
#include "chunkedformat.h"
#include "objectstore.h"
#include "testsupport.h"
#include "volumedevice.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

namespace ember::test {

// Any store, with a hook after every completed put (to cancel at a known moment).
class HookedStore : public ObjectStore
{
public:
    HookedStore(std::unique_ptr<ObjectStore> store, std::function<void(const QString&)> afterPut)
        : m_store(std::move(store)), m_afterPut(std::move(afterPut))
    {
    }
    QString serviceName() const override { return m_store->serviceName(); }
    QString objectPrefix(const Backup& backup, const QDateTime& startUtc) const override
    {
        return m_store->objectPrefix(backup, startUtc);
    }
    QString defaultContainer(const Backup& backup) const override
    {
        return m_store->defaultContainer(backup);
    }
    QString invalidContainer(const QString& container) const override
    {
        return m_store->invalidContainer(container);
    }
    QString invalidObjectPrefix(const QString& prefix) const override
    {
        return m_store->invalidObjectPrefix(prefix);
    }
    void ensureContainer(const QString& container) override { m_store->ensureContainer(container); }
    void put(const QString& container, const QString& name, const DataProducer& producer,
             std::optional<qint64> length) override
    {
        m_store->put(container, name, producer, length);
        m_afterPut(name);
    }
    void get(const QString& container, const QString& name, const DataConsumer& consumer) override
    {
        m_store->get(container, name, consumer);
    }
    QStringList list(const QString& container, const QString& prefix) override
    {
        return m_store->list(container, prefix);
    }
    void remove(const QString& container, const QString& name) override
    {
        m_store->remove(container, name);
    }
    int parallelTransfers() const override { return m_store->parallelTransfers(); }
    RetryPolicy retryPolicy() const override { return m_store->retryPolicy(); }

private:
    std::unique_ptr<ObjectStore> m_store;
    std::function<void(const QString&)> m_afterPut;
};

// Random writes: partial objects, runs of zeros, single bytes, runs across
// object boundaries; never past the end (volumes do not grow in a chain).
inline void writeRandomly(const QString& path, quint32 seed)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        qFatal("cannot open %s", qPrintable(path));
    const qint64 size = file.size();
    QRandomGenerator random(seed);
    const int writes = 1 + int(random.bounded(6));
    for (int i = 0; i < writes; ++i) {
        const qint64 offset = qint64(random.bounded(quint64(size)));
        const qint64 longest = std::min<qint64>(size - offset, 1536 * 1024);
        const qint64 length = 1 + qint64(random.bounded(quint64(longest)));
        QByteArray data(qsizetype(length), '\0');
        switch (random.bounded(3)) {
        case 0: // zeros
            break;
        case 1:
            for (char& byte : data)
                byte = char(random.bounded(256));
            break;
        default: // compressible text
            for (qsizetype at = 0; at < data.size(); ++at)
                data[at] = "synthetic full "[at % 15];
            break;
        }
        file.seek(offset);
        if (file.write(data) != length)
            qFatal("cannot write %s", qPrintable(path));
    }
}

inline QString copyState(const QString& path, const QString& copy)
{
    QFile::remove(copy);
    if (!QFile::copy(path, copy))
        qFatal("cannot copy %s", qPrintable(path));
    return copy;
}

inline Backup backUpVolume(BackupDriver& driver, const Volume& volume,
                           const std::optional<Backup>& parent, const QString& name)
{
    Backup backup;
    backup.id = newUuid();
    backup.volumeId = volume.id;
    backup.parentId = parent ? parent->id : QString();
    backup.createdAt = QDateTime::currentDateTimeUtc();
    backup.displayName = name;
    backup.volumeSizeBytes = volume.sizeBytes;
    auto device = openLocalVolume(volume.path, OpenMode::Read);
    OperationControl control;
    BackupJob job{backup, volume, *device, parent, control};
    driver.backup(job);
    return backup;
}

// Restores `chain` into a fresh sparse file and compares it with `expected`;
// returns an empty string when they are byte-identical.
inline QString restoreAndCompare(BackupDriver& driver, const QList<Backup>& chain,
                                 const Volume& volume, const QString& target,
                                 const QString& expected)
{
    QFile::remove(target);
    createSparseImage(target, volume.sizeBytes);
    {
        auto device = openLocalVolume(target, OpenMode::ReadWrite);
        Volume restored = volume;
        restored.path = target;
        OperationControl control;
        RestoreJob job{chain, restored, *device, control};
        driver.restore(job);
    }
    return compareFiles(expected, target);
}

inline QJsonObject storedJson(ChunkedBackupDriver& driver, const Backup& backup,
                              const QString& name)
{
    return QJsonDocument::fromJson(driver.store().getAll(backup.container, name)).object();
}

inline Backup newSyntheticRecord(const Backup& source)
{
    Backup synthetic;
    synthetic.id = newUuid();
    synthetic.volumeId = source.volumeId;
    synthetic.displayName = QStringLiteral("synthetic");
    synthetic.displayDescription = QStringLiteral("synthetic full of %1").arg(source.id);
    synthetic.createdAt = QDateTime::currentDateTimeUtc();
    synthetic.synthesizedFrom = source.id;
    return synthetic;
}

// Runs the synthetic full of `chain`'s last backup with `driver`, which is
// expected to stop as cancelled through `control`; true when it did.
// `located` gets the new backup as the driver placed it.
inline bool synthesizeUntilCancelled(BackupDriver& driver, const QList<Backup>& chain,
                                     OperationControl& control, Backup& located)
{
    Backup synthetic = newSyntheticRecord(chain.last());
    SynthesizeJob job{chain, synthetic, control, [&](const Backup& backup) { located = backup; }};
    try {
        driver.synthesize(job);
    } catch (const Cancelled&) {
        return true;
    }
    return false;
}

// The rows of a chains() test: every compression with chains of depth 1, 5
// and 20 (columns "compression" and "depth").
inline void addSynthesisChainRows()
{
    QTest::addColumn<QString>("compression");
    QTest::addColumn<int>("depth");
    for (const char* compression : {"none", "zlib", "bz2", "zstd"})
        for (int depth : {1, 5, 20})
            QTest::addRow("%s-depth%d", compression, depth)
                << QString::fromLatin1(compression) << depth;
}

// The whole scenario; QtTest macros report failures (check
// QTest::currentTestFailed() afterwards).
inline void runSynthesisScenario(ChunkedBackupDriver& driver, const Volume& volume,
                                 const QString& dir, int depth, quint32 seed,
                                 const QString& compressionTag, qint64 objectSize)
{
    // The chain: a full and depth-1 incrementals, random writes before each.
    QList<Backup> chain;
    chain.append(backUpVolume(driver, volume, std::nullopt, QStringLiteral("full")));
    for (int i = 1; i < depth; ++i) {
        writeRandomly(volume.path, seed * 1000 + quint32(i));
        chain.append(
            backUpVolume(driver, volume, chain.last(), QStringLiteral("incremental %1").arg(i)));
    }
    const Backup source = chain.last();
    const QString sourceState = copyState(volume.path, dir + QStringLiteral("/state-source"));
    writeRandomly(volume.path, seed * 1000 + 500);
    const Backup child = backUpVolume(driver, volume, source, QStringLiteral("child"));
    const QString childState = copyState(volume.path, dir + QStringLiteral("/state-child"));
    writeRandomly(volume.path, seed * 1000 + 501);
    const Backup grandchild = backUpVolume(driver, volume, child, QStringLiteral("grandchild"));
    const QString grandchildState =
        copyState(volume.path, dir + QStringLiteral("/state-grandchild"));

    // The synthetic full.
    Backup synthetic = newSyntheticRecord(source);
    synthetic.volumeSizeBytes = volume.sizeBytes;
    int locationsRecorded = 0;
    OperationControl control;
    SynthesizeJob job{
        chain, synthetic, control, [&](const Backup& located) {
            ++locationsRecorded;
            QVERIFY(!located.serviceMetadata.isEmpty());
            // Recorded before anything is written.
            QVERIFY(driver.store().list(located.container, located.serviceMetadata).isEmpty());
        }};
    QVERIFY(driver.canSynthesize());
    driver.synthesize(job);
    QCOMPARE(locationsRecorded, 1);
    QVERIFY(synthetic.parentId.isEmpty());
    QVERIFY2(synthetic.serviceMetadata.endsWith(QStringLiteral("backup_") + synthetic.id),
             qPrintable(synthetic.serviceMetadata));
    const qint64 objectCount = (volume.sizeBytes + objectSize - 1) / objectSize;
    QCOMPARE(synthetic.objectCount, objectCount);
    QVERIFY(synthetic.storedBytes > 0);

    // Its files: an ordinary full backup in Cinder's format.
    const QJsonObject metadata =
        storedJson(driver, synthetic, metadataObjectName(synthetic.serviceMetadata));
    const QJsonObject sourceMetadata =
        storedJson(driver, source, metadataObjectName(source.serviceMetadata));
    QCOMPARE(metadata.value(QStringLiteral("version")).toString(), QStringLiteral("1.0.0"));
    QVERIFY(metadata.value(QStringLiteral("parent_id")).isNull());
    QCOMPARE(metadata.value(QStringLiteral("backup_id")).toString(), synthetic.id);
    QCOMPARE(metadata.value(QStringLiteral("volume_id")).toString(), volume.id);
    QCOMPARE(metadata.value(QStringLiteral("backup_name")).toString(), synthetic.displayName);
    QCOMPARE(metadata.value(QStringLiteral("backup_description")).toString(),
             synthetic.displayDescription);
    QCOMPARE(metadata.value(QStringLiteral("volume_meta")),
             sourceMetadata.value(QStringLiteral("volume_meta")));
    const QJsonArray objects = metadata.value(QStringLiteral("objects")).toArray();
    QCOMPARE(objects.size(), objectCount);
    QStringList expectedNames;
    for (qsizetype i = 0; i < objects.size(); ++i) {
        const QString name =
            synthetic.serviceMetadata + QStringLiteral("-%1").arg(i + 1, 5, 10, QLatin1Char('0'));
        expectedNames.append(name);
        const QJsonObject entry = objects[i].toObject().value(name).toObject();
        QCOMPARE(qint64(entry.value(QStringLiteral("offset")).toDouble()), i * objectSize);
        QCOMPARE(qint64(entry.value(QStringLiteral("length")).toDouble()),
                 std::min(objectSize, volume.sizeBytes - i * objectSize));
        const QString tag = entry.value(QStringLiteral("compression")).toString();
        QVERIFY2(tag == compressionTag || tag == QLatin1String("none"), qPrintable(tag));
    }
    expectedNames << metadataObjectName(synthetic.serviceMetadata)
                  << shaFileObjectName(synthetic.serviceMetadata);
    expectedNames.sort();
    QCOMPARE(driver.store().list(synthetic.container, synthetic.serviceMetadata), expectedNames);
    const QJsonObject sha =
        storedJson(driver, synthetic, shaFileObjectName(synthetic.serviceMetadata));
    const QJsonObject sourceSha =
        storedJson(driver, source, shaFileObjectName(source.serviceMetadata));
    QCOMPARE(sha.value(QStringLiteral("sha256s")), sourceSha.value(QStringLiteral("sha256s")));
    QCOMPARE(sha.value(QStringLiteral("chunk_size")),
             sourceSha.value(QStringLiteral("chunk_size")));
    QCOMPARE(sha.value(QStringLiteral("backup_id")).toString(), synthetic.id);

    // It restores the source's state.
    QString difference = restoreAndCompare(
        driver, {synthetic}, volume, dir + QStringLiteral("/restored-synthetic"), sourceState);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));

    // Re-parenting: only parent_id changes, byte for byte.
    const QString childMetadataName = metadataObjectName(child.serviceMetadata);
    const QByteArray before = driver.store().getAll(child.container, childMetadataName);
    OperationControl reparentControl;
    driver.reparent(child, synthetic, reparentControl);
    const QByteArray after = driver.store().getAll(child.container, childMetadataName);
    QByteArray expectedAfter = before;
    expectedAfter.replace("\"parent_id\": \"" + source.id.toLatin1() + '"',
                          "\"parent_id\": \"" + synthetic.id.toLatin1() + '"');
    QVERIFY(expectedAfter != before);
    QCOMPARE(after, expectedAfter);
    QCOMPARE(QJsonDocument::fromJson(after).object().value(QStringLiteral("parent_id")).toString(),
             synthetic.id);
    Backup movedChild = child;
    movedChild.parentId = synthetic.id;
    QVERIFY(driver.recordMismatch(movedChild).isEmpty());

    difference = restoreAndCompare(driver, {synthetic, movedChild}, volume,
                                   dir + QStringLiteral("/restored-child"), childState);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
    difference = restoreAndCompare(driver, {synthetic, movedChild, grandchild}, volume,
                                   dir + QStringLiteral("/restored-grandchild"), grandchildState);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));

    // The old chain still restores its own state (objects are never shared).
    difference = restoreAndCompare(driver, chain, volume, dir + QStringLiteral("/restored-old"),
                                   sourceState);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));

    // A synthetic full of a synthetic full is the same state again.
    Backup again = newSyntheticRecord(synthetic);
    OperationControl againControl;
    SynthesizeJob againJob{{synthetic}, again, againControl};
    driver.synthesize(againJob);
    difference = restoreAndCompare(driver, {again}, volume, dir + QStringLiteral("/restored-again"),
                                   sourceState);
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

} // namespace ember::test
