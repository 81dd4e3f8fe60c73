// Encryption at rest through BackupService, with a posix backend in a temp
// dir and master keys held in memory: encrypted chains round trip and their
// rows name the scheme and key; a missing or public-only key refuses
// restores, verifies and syntheses before anything changes; a backend whose
// key is missing refuses backups; encrypted records are not exported for
// Cinder; rotation re-wraps every backup it can, switches the backend, and
// leaves immutable backups (and unreachable ones) on the old key.
#include "backupservice.h"
#include "catalog.h"
#include "keys.h"
#include "retention.h"
#include "testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QTimeZone>
#include <QtTest>

#include <memory>

using namespace ember;
using namespace ember::test;

namespace {

const QString kScheme = QStringLiteral("aes-256-gcm");

// The key sets a host holds, by fingerprint; the lookup reads it at call
// time, so a test changes what the host has by changing the map.
struct KeyRing
{
    std::shared_ptr<QHash<QString, KeySet>> keys = std::make_shared<QHash<QString, KeySet>>();

    void add(const KeySet& key) { keys->insert(key.fingerprint, key); }
    void remove(const QString& fingerprint) { keys->remove(fingerprint); }
    void clear() { keys->clear(); }
    KeyLookup lookup() const
    {
        auto held = keys;
        return [held](const QString& fingerprint) -> std::optional<KeySet> {
            const auto found = held->constFind(fingerprint);
            if (found == held->constEnd())
                return std::nullopt;
            return *found;
        };
    }
};

// Turns encryption on for the fixture's backend "local" with `key`.
void encryptBackend(ServiceFixture& f, const QString& fingerprint)
{
    BackendConfig backend = f.catalog->backend(QStringLiteral("local")).value();
    backend.options[QStringLiteral("backup_ember_encryption")] = kScheme;
    backend.options[QStringLiteral("ember_encryption_key")] = fingerprint;
    f.catalog->upsertBackend(backend);
}

// Volume "v" backed up `incrementals` + 1 times; the state each was taken from.
struct Chain
{
    QList<Backup> backups; // oldest first
    QHash<QString, QString> states;
};

Chain makeChain(ServiceFixture& f, int incrementals, quint32 seed = 7)
{
    Chain chain;
    f.addVolumeFile(3 << 20, Fill::Mixed, seed);
    for (int i = 0; i <= incrementals; ++i) {
        if (i > 0)
            mutateFile(f.volumeFile(), 3, 50000, seed * 10 + quint32(i));
        const Backup backup = f.backUp(QStringLiteral("v"), i > 0);
        const QString state = f.dir + QStringLiteral("/state-%1.img").arg(i);
        QFile::remove(state);
        if (!QFile::copy(f.volumeFile(), state))
            qFatal("cannot copy the volume's state");
        chain.backups << backup;
        chain.states.insert(backup.id, state);
    }
    return chain;
}

// Restores every backup of `chain` into new files and compares each with the
// state it was taken from; empty when all match.
QString restoreAndCompare(ServiceFixture& f, const Chain& chain, const QString& tag)
{
    for (const Backup& backup : chain.backups) {
        const QString restored =
            f.restoreToNewFile(backup.id, QStringLiteral("%1-%2.img").arg(tag, backup.id.left(8)));
        if (const QString difference = compareFiles(chain.states.value(backup.id), restored);
            !difference.isEmpty())
            return QStringLiteral("backup %1: %2").arg(backup.id, difference);
    }
    return {};
}

// What the refusals must leave alone: every row and every file.
struct Snapshot
{
    QList<Backup> backups;
    QList<Volume> volumes;
    QStringList files; // under the backend
    qint64 verifyResults = 0;
    QByteArray volumeSha;
};

Snapshot snapshot(ServiceFixture& f)
{
    Snapshot s;
    s.backups = f.catalog->backups(BackupFilter{{}, {}, {}, true});
    s.volumes = f.catalog->volumes();
    s.files = filesInTree(f.backupsDir());
    s.verifyResults = f.catalog->verifyResults().size();
    s.volumeSha = fileSha256(f.volumeFile());
    return s;
}

// Empty when nothing changed between `before` and now.
QString changesSince(ServiceFixture& f, const Snapshot& before)
{
    const Snapshot now = snapshot(f);
    if (now.backups.size() != before.backups.size())
        return QStringLiteral("backup rows: %1 -> %2")
            .arg(before.backups.size())
            .arg(now.backups.size());
    for (qsizetype i = 0; i < now.backups.size(); ++i) {
        const Backup& a = before.backups[i];
        const Backup& b = now.backups[i];
        if (a.id != b.id || a.status != b.status || a.restoreVolumeId != b.restoreVolumeId ||
            a.updatedAt != b.updatedAt || a.encryptionKeyFingerprint != b.encryptionKeyFingerprint)
            return QStringLiteral("backup %1 changed (%2 -> %3)").arg(a.id, a.status, b.status);
    }
    if (now.volumes.size() != before.volumes.size())
        return QStringLiteral("volume rows: %1 -> %2")
            .arg(before.volumes.size())
            .arg(now.volumes.size());
    for (qsizetype i = 0; i < now.volumes.size(); ++i)
        if (now.volumes[i].status != before.volumes[i].status)
            return QStringLiteral("volume %1 is %2")
                .arg(now.volumes[i].name, now.volumes[i].status);
    if (now.files != before.files)
        return QStringLiteral("the backend's files changed");
    if (now.verifyResults != before.verifyResults)
        return QStringLiteral("a verification was recorded");
    if (now.volumeSha != before.volumeSha)
        return QStringLiteral("the volume's data changed");
    return {};
}

QString missingKeyText(const QString& backupId, const QString& fingerprint)
{
    return QStringLiteral("key not available: backup %1 is encrypted with key %2, which is not on "
                          "this host: import it (ember-cli key-import FILE) to restore")
        .arg(backupId, fingerprint);
}

QString publicOnlyText(const QString& backupId, const QString& fingerprint)
{
    return QStringLiteral("key not available: backup %1 is encrypted with key %2; only the public "
                          "half of key %2 is on this host: import the private key to restore")
        .arg(backupId, fingerprint);
}

// Every operation that reads a backup, refused with `expected` and changing nothing.
void checkReadsRefused(ServiceFixture& f, const Backup& backup, const QString& expected)
{
    const Snapshot before = snapshot(f);
    const QString newFile = f.dir + QStringLiteral("/refused.img");

    RestoreRequest toNew;
    toNew.backup = backup.id;
    toNew.newVolumePath = newFile;
    QCOMPARE(errorOf([&] { f.service->prepareRestore(toNew); }).message(), expected);
    QVERIFY2(!QFileInfo::exists(newFile), "a refused restore created its target");

    // Into the registered volume: its data stays as it is.
    RestoreRequest toVolume;
    toVolume.backup = backup.id;
    toVolume.targetVolume = QStringLiteral("v");
    QCOMPARE(errorOf([&] { f.service->prepareRestore(toVolume); }).message(), expected);

    OperationControl control;
    QCOMPARE(errorOf([&] { f.service->verifyBackup(backup.id, control); }).message(), expected);
    QCOMPARE(errorOf([&] { f.service->verifyBackup(backup.id, control, 10); }).message(), expected);

    if (backup.isIncremental()) { // a full has nothing to synthesize
        BackupService::SynthesizeRequest synthesis;
        synthesis.backup = backup.id;
        QCOMPARE(errorOf([&] { f.service->prepareSynthesis(synthesis); }).message(), expected);
    }

    const QString changed = changesSince(f, before);
    QVERIFY2(changed.isEmpty(), qPrintable(changed));
}

} // namespace

class EncryptedServiceTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keyProblemNamesTheBackupTheKeyAndWhatToDo()
    {
        ServiceFixture f(QStringLiteral("encsvc-keyproblem"));
        const KeySet symmetric = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("s"));
        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("p"));
        KeyRing ring;
        f.service->setKeyLookup(ring.lookup());

        Backup backup;
        backup.id = newUuid();
        QVERIFY(f.service->keyProblem(backup).isEmpty()); // in the clear
        backup.encryption = kScheme;
        backup.encryptionKeyFingerprint = symmetric.fingerprint;
        QCOMPARE(f.service->keyProblem(backup), missingKeyText(backup.id, symmetric.fingerprint));
        ring.add(symmetric);
        QVERIFY(f.service->keyProblem(backup).isEmpty());

        backup.encryptionKeyFingerprint = pair.fingerprint;
        ring.add(pair.publicOnly());
        QCOMPARE(f.service->keyProblem(backup), publicOnlyText(backup.id, pair.fingerprint));
        ring.add(pair);
        QVERIFY(f.service->keyProblem(backup).isEmpty());

        // No lookup at all: nothing can be opened.
        f.service->setKeyLookup({});
        QCOMPARE(f.service->keyProblem(backup), missingKeyText(backup.id, pair.fingerprint));
        // A keyring that cannot be read says so.
        f.service->setKeyLookup([](const QString&) -> std::optional<KeySet> {
            throw Error(QStringLiteral("the keyring is locked"));
        });
        const QString unreadable = f.service->keyProblem(backup);
        QVERIFY2(unreadable.startsWith(QStringLiteral("key not available: backup ") + backup.id) &&
                     unreadable.contains(QStringLiteral("the keyring is locked")),
                 qPrintable(unreadable));
    }

    void encryptedChainRestoresWithItsKeyRecorded()
    {
        ServiceFixture f(QStringLiteral("encsvc-roundtrip"));
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("prod"));
        KeyRing ring;
        ring.add(key);
        f.service->setKeyLookup(ring.lookup());
        encryptBackend(f, key.fingerprint);

        const Chain chain = makeChain(f, 2);
        for (const Backup& returned : chain.backups) {
            QCOMPARE(returned.encryption, kScheme);
            QCOMPARE(returned.encryptionKeyFingerprint, key.fingerprint);
            const Backup row = f.catalog->backup(returned.id).value();
            QCOMPARE(row.status, BackupStatus::Available);
            QCOMPARE(row.encryption, kScheme);
            QCOMPARE(row.encryptionKeyFingerprint, key.fingerprint);
        }
        const QString difference = restoreAndCompare(f, chain, QStringLiteral("r"));
        QVERIFY2(difference.isEmpty(), qPrintable(difference));

        OperationControl control;
        const VerifyReport report = f.service->verifyBackup(chain.backups.last().id, control);
        QVERIFY2(report.problems.isEmpty(), qPrintable(report.problems.join(QLatin1Char('\n'))));
    }

    // Prune and sampled verification on an encrypted chain: the synthetic full
    // that lets the dropped backups go is sealed under the chain's key, and the
    // kept backup restores byte for byte once they are gone.
    void pruneAndSampledVerifyOfAnEncryptedChain()
    {
        ServiceFixture f(QStringLiteral("encsvc-prune"));
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("prod"));
        KeyRing ring;
        ring.add(key);
        f.service->setKeyLookup(ring.lookup());
        encryptBackend(f, key.fingerprint);
        const Chain chain = makeChain(f, 3);
        const Backup kept = chain.backups.last();

        OperationControl control;
        VerifyReport sampled = f.service->verifyBackup(kept.id, control, 50);
        QVERIFY2(sampled.problems.isEmpty(), qPrintable(sampled.problems.join(QLatin1Char('\n'))));
        QVERIFY(sampled.objectsChecked > 0);

        RetentionPolicy policy;
        policy.keepLast = 1;
        const PrunePlan plan = f.service->planPrune(QStringLiteral("v"), policy);
        QVERIFY2(!plan.synthesized().isEmpty(), "keeping the newest incremental alone needs a "
                                                "synthetic full");
        const BackupService::PruneReport report =
            f.service->runPrune(QStringLiteral("v"), plan, control);
        QCOMPARE(report.removed, plan.removed());
        QCOMPARE(report.synthesized.size(), plan.synthesized().size());

        const QString volumeId = f.catalog->backup(kept.id).value().volumeId;
        const QList<Backup> left = f.catalog->backups(BackupFilter{volumeId, {}, {}, false});
        QCOMPARE(left.size(), 2); // the synthetic full and the kept incremental
        for (const Backup& backup : left) {
            QCOMPARE(backup.status, BackupStatus::Available);
            QCOMPARE(backup.encryption, kScheme);
            QCOMPARE(backup.encryptionKeyFingerprint, key.fingerprint);
        }
        const QString restored = f.restoreToNewFile(kept.id, QStringLiteral("pruned.img"));
        const QString difference = compareFiles(chain.states.value(kept.id), restored);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        sampled = f.service->verifyBackup(kept.id, control, 100);
        QVERIFY2(sampled.problems.isEmpty(), qPrintable(sampled.problems.join(QLatin1Char('\n'))));
    }

    void readsAreRefusedWithoutTheKeyBeforeAnythingChanges()
    {
        ServiceFixture f(QStringLiteral("encsvc-missing"));
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("gone"));
        KeyRing ring;
        ring.add(key);
        f.service->setKeyLookup(ring.lookup());
        encryptBackend(f, key.fingerprint);
        const Chain chain = makeChain(f, 1);
        const Backup full = chain.backups.first();
        const Backup incremental = chain.backups.last();
        QCOMPARE(f.catalog->backup(full.id)->encryptionKeyFingerprint, key.fingerprint);

        ring.clear();
        // The chain's full is the first backup the key is missing for.
        checkReadsRefused(f, incremental, missingKeyText(full.id, key.fingerprint));
        checkReadsRefused(f, full, missingKeyText(full.id, key.fingerprint));

        // Back on this host: the same restores work.
        ring.add(key);
        const QString difference = restoreAndCompare(f, chain, QStringLiteral("back"));
        QVERIFY2(difference.isEmpty(), qPrintable(difference));

        // And a synthetic full of the incremental, encrypted like its chain.
        BackupService::SynthesizeRequest request;
        request.backup = incremental.id;
        auto prepared = f.service->prepareSynthesis(request);
        OperationControl control;
        const Backup synthetic = f.service->runSynthesis(prepared, control);
        const Backup row = f.catalog->backup(synthetic.id).value();
        QCOMPARE(row.status, BackupStatus::Available);
        QCOMPARE(row.encryption, kScheme);
        QCOMPARE(row.encryptionKeyFingerprint, key.fingerprint);
        const QString restored = f.restoreToNewFile(synthetic.id, QStringLiteral("synthetic.img"));
        const QString syntheticDifference =
            compareFiles(chain.states.value(incremental.id), restored);
        QVERIFY2(syntheticDifference.isEmpty(), qPrintable(syntheticDifference));
        // Without the key, the synthetic full is refused like the others.
        ring.clear();
        checkReadsRefused(f, row, missingKeyText(synthetic.id, key.fingerprint));
    }

    void publicHalfBacksUpButCannotRestore()
    {
        ServiceFixture f(QStringLiteral("encsvc-public"));
        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("offsite"));
        KeyRing ring;
        ring.add(pair.publicOnly());
        f.service->setKeyLookup(ring.lookup());
        encryptBackend(f, pair.fingerprint);

        // The public half is enough to back up, incrementals included.
        const Chain chain = makeChain(f, 1);
        for (const Backup& backup : chain.backups)
            QCOMPARE(f.catalog->backup(backup.id)->encryptionKeyFingerprint, pair.fingerprint);
        checkReadsRefused(f, chain.backups.last(),
                          publicOnlyText(chain.backups.first().id, pair.fingerprint));

        // The host the private key is imported on restores.
        ring.add(pair);
        const QString difference = restoreAndCompare(f, chain, QStringLiteral("private"));
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void backupIsRefusedWhenTheBackendsKeyIsMissing()
    {
        ServiceFixture f(QStringLiteral("encsvc-nokey"));
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("elsewhere"));
        KeyRing ring;
        f.service->setKeyLookup(ring.lookup());
        encryptBackend(f, key.fingerprint);
        f.addVolumeFile(1 << 20, Fill::Random, 3);
        const Snapshot before = snapshot(f);

        CreateBackupRequest request;
        request.volume = QStringLiteral("v");
        QCOMPARE(errorOf([&] { f.service->prepareBackup(request); }).message(),
                 QStringLiteral("key not available: backend local encrypts with key %1, which is "
                                "not on this host")
                     .arg(key.fingerprint));
        const QString changed = changesSince(f, before);
        QVERIFY2(changed.isEmpty(), qPrintable(changed));
        QVERIFY(f.catalog->backups(BackupFilter{{}, {}, {}, true}).isEmpty());

        // With its public half the backup goes ahead.
        ring.add(generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("other")));
        QVERIFY(!errorOf([&] { f.service->prepareBackup(request); }).message().isEmpty());
        const KeySet pair = generateKeySet(KeySet::Kind::X25519, QStringLiteral("pair"));
        ring.add(pair.publicOnly());
        encryptBackend(f, pair.fingerprint);
        const Backup made = f.backUp(QStringLiteral("v"));
        QCOMPARE(made.encryptionKeyFingerprint, pair.fingerprint);
    }

    void exportIsRefusedForEncryptedBackupsOnly()
    {
        ServiceFixture f(QStringLiteral("encsvc-export"));
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("k"));
        KeyRing ring;
        ring.add(key);
        f.service->setKeyLookup(ring.lookup());
        f.addVolumeFile(1 << 20, Fill::Text, 5);

        const Backup clear = f.backUp(QStringLiteral("v"));
        QVERIFY(!clear.isEncrypted());
        const BackupRecord record = f.service->exportBackup(clear.id);
        Q_UNUSED(record);

        encryptBackend(f, key.fingerprint);
        const Backup encrypted = f.backUp(QStringLiteral("v"));
        QVERIFY(encrypted.isEncrypted());
        QCOMPARE(errorOf([&] { f.service->exportBackup(encrypted.id); }).message(),
                 QStringLiteral("backup %1 is encrypted (aes-256-gcm, key %2): Cinder cannot "
                                "restore it, so its record is not exported")
                     .arg(encrypted.id, key.fingerprint));
        // The catalog-only rule holds without the engine too.
        Backup row = f.catalog->backup(clear.id).value();
        row.encryption = kScheme;
        row.encryptionKeyFingerprint = key.fingerprint;
        f.catalog->updateBackup(row);
        QVERIFY(errorOf([&] { f.service->exportBackup(clear.id); })
                    .message()
                    .contains(QStringLiteral("Cinder cannot restore it")));
    }

    void rotationRewrapsEveryBackupAndSwitchesTheBackend()
    {
        ServiceFixture f(QStringLiteral("encsvc-rotate"));
        const KeySet oldKey = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("2026"));
        const KeySet newKey = rotatedKey(oldKey, QStringLiteral("2027"));
        QVERIFY(oldKey.fingerprint != newKey.fingerprint);
        KeyRing ring;
        ring.add(oldKey);
        ring.add(newKey);
        f.service->setKeyLookup(ring.lookup());
        encryptBackend(f, oldKey.fingerprint);
        Chain chain = makeChain(f, 2);

        OperationControl control;
        const BackupService::KeyRotationReport report =
            f.service->rotateKey(oldKey.fingerprint, newKey, control);
        QVERIFY2(report.refused.isEmpty(),
                 qPrintable(report.refused.value(0).first + QStringLiteral(": ") +
                            report.refused.value(0).second));
        QStringList expectedIds;
        for (const Backup& backup : chain.backups)
            expectedIds << backup.id;
        QStringList rewrapped = report.rewrapped;
        rewrapped.sort();
        expectedIds.sort();
        QCOMPARE(rewrapped, expectedIds);
        QCOMPARE(report.backendsSwitched, QStringList{QStringLiteral("local")});
        QCOMPARE(f.catalog->backend(QStringLiteral("local"))
                     ->options.value(QStringLiteral("ember_encryption_key"))
                     .toString(),
                 newKey.fingerprint);
        for (const Backup& backup : chain.backups)
            QCOMPARE(f.catalog->backup(backup.id)->encryptionKeyFingerprint, newKey.fingerprint);
        QVERIFY(control.progress().bytesDone == chain.backups.size());

        // The old key is no longer needed: every backup restores without it,
        // and the chain goes on under the new key.
        ring.remove(oldKey.fingerprint);
        mutateFile(f.volumeFile(), 2, 30000, 99);
        const Backup next = f.backUp(QStringLiteral("v"), true);
        QCOMPARE(next.encryptionKeyFingerprint, newKey.fingerprint);
        const QString state = f.dir + QStringLiteral("/state-next.img");
        QVERIFY(QFile::copy(f.volumeFile(), state));
        chain.backups << next;
        chain.states.insert(next.id, state);
        const QString difference = restoreAndCompare(f, chain, QStringLiteral("new"));
        QVERIFY2(difference.isEmpty(), qPrintable(difference));

        // A host with only the old key can read none of them now.
        ring.clear();
        ring.add(oldKey);
        QCOMPARE(f.service->keyProblem(f.catalog->backup(next.id).value()),
                 missingKeyText(next.id, newKey.fingerprint));
    }

    void rotationLeavesImmutableAndUnreachableBackupsOnTheOldKey()
    {
        ServiceFixture f(QStringLiteral("encsvc-rotate-refused"));
        const KeySet oldKey = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("old"));
        const KeySet newKey = rotatedKey(oldKey);
        KeyRing ring;
        ring.add(oldKey);
        ring.add(newKey);
        f.service->setKeyLookup(ring.lookup());
        encryptBackend(f, oldKey.fingerprint);
        const Chain chain = makeChain(f, 1);
        const Backup full = chain.backups.first();
        const Backup incremental = chain.backups.last();

        // The full is locked for two more days.
        const QDateTime until(QDate::currentDate().addDays(2), QTime(10, 0), QTimeZone::utc());
        Backup locked = f.catalog->backup(full.id).value();
        locked.immutableUntil = until;
        locked.immutableMode = QStringLiteral("COMPLIANCE");
        f.catalog->updateBackup(locked);
        // A backup whose backend is gone cannot be rewritten either.
        Backup stray = f.catalog->backup(incremental.id).value();
        stray.id = newUuid();
        stray.parentId.clear();
        stray.backendName = QStringLiteral("retired");
        f.catalog->insertBackup(stray);

        OperationControl control;
        const BackupService::KeyRotationReport report =
            f.service->rotateKey(oldKey.fingerprint, newKey, control);
        QCOMPARE(report.rewrapped, QStringList{incremental.id});
        QCOMPARE(report.refused.size(), 2);
        QHash<QString, QString> refused;
        for (const auto& [id, reason] : report.refused)
            refused.insert(id, reason);
        QVERIFY2(refused.value(full.id).contains(immutableUntilText(until)),
                 qPrintable(refused.value(full.id)));
        QVERIFY2(refused.value(stray.id).contains(QStringLiteral("retired")),
                 qPrintable(refused.value(stray.id)));
        QCOMPARE(f.catalog->backup(full.id)->encryptionKeyFingerprint, oldKey.fingerprint);
        QCOMPARE(f.catalog->backup(stray.id)->encryptionKeyFingerprint, oldKey.fingerprint);
        QCOMPARE(f.catalog->backup(incremental.id)->encryptionKeyFingerprint, newKey.fingerprint);
        QCOMPARE(report.backendsSwitched, QStringList{QStringLiteral("local")});

        // The full still needs the old key; with both, the chain restores.
        ring.remove(oldKey.fingerprint);
        QCOMPARE(f.service->keyProblem(f.catalog->backup(incremental.id).value()), QString());
        RestoreRequest request;
        request.backup = incremental.id;
        request.newVolumePath = f.dir + QStringLiteral("/needs-old.img");
        QCOMPARE(errorOf([&] { f.service->prepareRestore(request); }).message(),
                 missingKeyText(full.id, oldKey.fingerprint));
        ring.add(oldKey);
        const QString restored =
            f.restoreToNewFile(incremental.id, QStringLiteral("both-keys.img"));
        const QString difference = compareFiles(chain.states.value(incremental.id), restored);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void cancelledRotationStopsBetweenBackups()
    {
        ServiceFixture f(QStringLiteral("encsvc-rotate-cancel"));
        const KeySet oldKey = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("old"));
        const KeySet newKey = rotatedKey(oldKey);
        KeyRing ring;
        ring.add(oldKey);
        ring.add(newKey);
        f.service->setKeyLookup(ring.lookup());
        f.addVolumeFile(1 << 20, Fill::Zeros, 1);
        // Rows alone: a cancel before the first backup touches no driver.
        for (int i = 0; i < 2; ++i) {
            Backup row;
            row.id = newUuid();
            row.volumeId = f.catalog->resolveVolume(QStringLiteral("v")).id;
            row.status = BackupStatus::Available;
            row.backendName = QStringLiteral("local");
            row.encryption = kScheme;
            row.encryptionKeyFingerprint = oldKey.fingerprint;
            f.catalog->insertBackup(row);
        }
        OperationControl control;
        control.requestCancel();
        bool cancelled = false;
        try {
            f.service->rotateKey(oldKey.fingerprint, newKey, control);
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        for (const Backup& backup : f.catalog->backups())
            QCOMPARE(backup.encryptionKeyFingerprint, oldKey.fingerprint);
    }

    void rotationRefusesNonsense()
    {
        ServiceFixture f(QStringLiteral("encsvc-rotate-args"));
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("k"));
        OperationControl control;
        QVERIFY(!errorOf([&] { f.service->rotateKey(key.fingerprint, key, control); })
                     .message()
                     .isEmpty());
        QVERIFY(
            !errorOf([&] { f.service->rotateKey(QString(), key, control); }).message().isEmpty());
    }
};

QTEST_GUILESS_MAIN(EncryptedServiceTest)
#include "tst_encryptedservice.moc"
