// Synthetic full backups and re-parenting in a real Swift: chains of depth 1, 5 and 20
// for every compression, the synthetic full and the re-parented child and
// grandchild restored and compared byte for byte (the scenario of
// tests/engine/synthesizescenario.h), and a cancel that leaves no object of
// the new backup in the container.
#include "chunkeddriver.h"
#include "swiftbackend.h"
#include "swiftobjectstore.h"
#include "swifttestsupport.h"
#include "synthesizescenario.h"
#include "testsupport.h"

#include <QFile>
#include <QTest>

using namespace ember;
using namespace ember::test;

class TestSwiftSynthesize : public QObject
{
    Q_OBJECT

private:
    QMap<QString, QString> m_facts;
    QString m_container;

    BackendConfig config(const QString& compression) const
    {
        return swiftTestBackend(m_facts, QStringLiteral("swift-synthesize-test"),
                                m_facts.value(QStringLiteral("SWIFT_AUTH_URL")), m_container,
                                compression);
    }
    BackendSecrets secrets() const { return swiftTestSecrets(m_facts); }
    std::unique_ptr<ChunkedBackupDriver> driver(const QString& compression) const
    {
        std::unique_ptr<BackupDriver> created = createSwiftDriver(config(compression), secrets());
        auto* chunked = dynamic_cast<ChunkedBackupDriver*>(created.get());
        if (!chunked)
            qFatal("the Swift driver is not the chunked engine");
        created.release();
        return std::unique_ptr<ChunkedBackupDriver>(chunked);
    }
    Volume volumeIn(const QString& dir, quint32 seed) const
    {
        Volume volume;
        volume.id = QStringLiteral("7d3c6a10-5b2e-4c1f-9a8b-0c1d2e3f4a5c");
        volume.name = QStringLiteral("swift-vol");
        volume.path = dir + QStringLiteral("/source.img");
        volume.sizeBytes = 4 * 1048576 + 12345; // not a multiple of block or object size
        makeVolumeFile(volume.path, volume.sizeBytes, Fill::Mixed, seed);
        return volume;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_facts = swiftFacts();
        REQUIRE_SWIFT_FACTS(m_facts);
        m_container = QStringLiteral("ember-synthesize-%1").arg(newUuid().left(8));
    }

    void cleanupTestCase()
    {
        if (m_container.isEmpty() || m_facts.isEmpty())
            return;
        SwiftObjectStore store(
            SwiftSettings::fromConfig(config(QStringLiteral("zlib")), secrets()));
        for (const QString& name : store.list(m_container, {}))
            store.remove(m_container, name);
    }

    void chains_data() { addSynthesisChainRows(); }
    void chains()
    {
        QFETCH(QString, compression);
        QFETCH(int, depth);
        const QString dir =
            freshDir(QStringLiteral("swift-synthesize-%1-%2").arg(compression).arg(depth));
        const auto swift = driver(compression);
        const Volume volume = volumeIn(dir, quint32(23 + depth));
        runSynthesisScenario(*swift, volume, dir, depth, quint32(31 + depth), compression, 1048576);
    }

    void cancelLeavesNoObject()
    {
        const QString dir = freshDir(QStringLiteral("swift-synthesize-cancel"));
        const auto swift = driver(QStringLiteral("zlib"));
        const Volume volume = volumeIn(dir, 29);
        QList<Backup> chain{backUpVolume(*swift, volume, std::nullopt, QStringLiteral("full"))};
        writeRandomly(volume.path, 7);
        chain.append(backUpVolume(*swift, volume, chain.last(), QStringLiteral("inc")));
        OperationControl control;
        int dataObjectsWritten = 0;
        // Cancel once two of the new backup's objects are in the container.
        ChunkedBackupDriver hooked(
            std::make_unique<HookedStore>(
                std::make_unique<SwiftObjectStore>(
                    SwiftSettings::fromConfig(config(QStringLiteral("zlib")), secrets())),
                [&](const QString& name) {
                    if (name.contains(QStringLiteral("-000")) && ++dataObjectsWritten == 2)
                        control.requestCancel();
                }),
            swift->options());
        Backup located;
        QVERIFY(synthesizeUntilCancelled(hooked, chain, control, located));
        QVERIFY(dataObjectsWritten >= 2);
        QVERIFY(!located.serviceMetadata.isEmpty());
        QCOMPARE(swift->store().list(located.container, located.serviceMetadata), QStringList());
        const QString difference = restoreAndCompare(
            *swift, chain, volume, dir + QStringLiteral("/restored"), volume.path);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }
};

QTEST_GUILESS_MAIN(TestSwiftSynthesize)
#include "tst_swiftsynthesize.moc"
