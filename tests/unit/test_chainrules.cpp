// Cinder's chain rules: parent choice, and every refusal with its exact text.
#include "chainrules.h"

#include <QTest>
#include <QTimeZone>

using namespace ember;
using namespace ember::ChainRules;

namespace {

Backup backupAt(const QString& id, int minute, const QString& status = BackupStatus::Available)
{
    Backup b;
    b.id = id;
    b.volumeId = QStringLiteral("vol");
    b.status = status;
    b.size = 1;
    b.dataTimestamp = QDateTime(QDate(2024, 1, 1), QTime(0, minute), QTimeZone::utc());
    b.createdAt = b.dataTimestamp;
    return b;
}

Volume volumeWith(const QString& status, qint64 sizeBytes = Q_INT64_C(1) << 30)
{
    Volume v;
    v.id = QStringLiteral("vol");
    v.name = QStringLiteral("data");
    v.status = status;
    v.sizeBytes = sizeBytes;
    return v;
}

} // namespace

class ChainRulesTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parentIsLatestByDataTimestamp()
    {
        const QList<Backup> backups{backupAt(QStringLiteral("a"), 1),
                                    backupAt(QStringLiteral("c"), 3),
                                    backupAt(QStringLiteral("b"), 2)};
        const ParentChoice choice = chooseParent(backups);
        QVERIFY(choice.refusal.isEmpty());
        QCOMPARE(choice.parent->id, QStringLiteral("c"));
    }

    void tieKeepsFirstOfList()
    {
        // Python's max() keeps the first maximum; the catalog lists newest first.
        const ParentChoice choice = chooseParent(
            {backupAt(QStringLiteral("newer"), 5), backupAt(QStringLiteral("older"), 5)});
        QCOMPARE(choice.parent->id, QStringLiteral("newer"));
    }

    void childInTheSameSecondIsNewerThanItsParent()
    {
        // Ember's full at 00:05:00.700; Cinder's incremental of it, imported
        // from a record with whole seconds, at 00:05:00: the incremental is
        // the latest, in either order of the list.
        Backup full = backupAt(QStringLiteral("full"), 5);
        full.dataTimestamp = full.dataTimestamp.addMSecs(700);
        Backup child = backupAt(QStringLiteral("child"), 5);
        child.parentId = full.id;
        QCOMPARE(chooseParent({full, child}).parent->id, QStringLiteral("child"));
        QCOMPARE(chooseParent({child, full}).parent->id, QStringLiteral("child"));
        // A second earlier than its parent is no rounding: the timestamps rule.
        child.dataTimestamp = child.dataTimestamp.addSecs(-1);
        QCOMPARE(chooseParent({full, child}).parent->id, QStringLiteral("full"));
        QCOMPARE(chooseParent({child, full}).parent->id, QStringLiteral("full"));
        // An unrelated backup in the same second keeps the timestamp order.
        Backup other = backupAt(QStringLiteral("other"), 5);
        QCOMPARE(chooseParent({other, full}).parent->id, QStringLiteral("full"));
    }

    void parentIgnoresDeletedButNotOtherStatuses()
    {
        Backup deleted = backupAt(QStringLiteral("gone"), 9, BackupStatus::Deleted);
        deleted.deleted = true;
        ParentChoice choice = chooseParent({backupAt(QStringLiteral("a"), 1), deleted});
        QCOMPARE(choice.parent->id, QStringLiteral("a"));

        // The newest backup failed (or its delete did): it holds nothing to
        // build on and must not block the next incremental.
        choice = chooseParent({backupAt(QStringLiteral("a"), 1),
                               backupAt(QStringLiteral("b"), 2, BackupStatus::Error),
                               backupAt(QStringLiteral("c"), 3, BackupStatus::ErrorDeleting)});
        QVERIFY(choice.refusal.isEmpty());
        QCOMPARE(choice.parent->id, QStringLiteral("a"));
        QCOMPARE(chooseParent({backupAt(QStringLiteral("b"), 2, BackupStatus::Error)}).refusal,
                 QStringLiteral("No backups available to do an incremental backup."));

        // A newer backup still in flight: Cinder picks it, and refuses.
        choice = chooseParent({backupAt(QStringLiteral("a"), 1),
                               backupAt(QStringLiteral("b"), 2, BackupStatus::Creating)});
        QVERIFY(!choice.parent);
        QVERIFY2(choice.refusal.startsWith(
                     QStringLiteral("The parent backup must be available for incremental backup")),
                 qPrintable(choice.refusal));
        QVERIFY2(choice.refusal.contains(QStringLiteral("b, is creating")),
                 qPrintable(choice.refusal));
    }

    void noParent()
    {
        ParentChoice choice = chooseParent({});
        QVERIFY(!choice.parent);
        QCOMPARE(choice.refusal,
                 QStringLiteral("No backups available to do an incremental backup."));
        Backup deleted = backupAt(QStringLiteral("gone"), 9, BackupStatus::Deleted);
        deleted.deleted = true;
        QCOMPARE(chooseParent({deleted}).refusal,
                 QStringLiteral("No backups available to do an incremental backup."));
    }

    void canBackupRules()
    {
        QVERIFY(canBackup(volumeWith(VolumeStatus::Available), false).isEmpty());
        QCOMPARE(canBackup(volumeWith(VolumeStatus::InUse), false),
                 QStringLiteral("Volume is in use (attached): backing it up needs --force"));
        QVERIFY(canBackup(volumeWith(VolumeStatus::InUse), true).isEmpty());
        QCOMPARE(canBackup(volumeWith(VolumeStatus::Available), false,
                           QStringLiteral("mounted at /mnt")),
                 QStringLiteral("Volume is in use (mounted at /mnt): backing it up needs --force"));
        QVERIFY(canBackup(volumeWith(VolumeStatus::Available), true, QStringLiteral("mounted"))
                    .isEmpty());
        for (const QString& busy : {VolumeStatus::BackingUp, VolumeStatus::Restoring,
                                    VolumeStatus::Error, VolumeStatus::ErrorRestoring}) {
            QCOMPARE(canBackup(volumeWith(busy), true),
                     QStringLiteral("Volume to be backed up must be available or in-use, but the "
                                    "current status is \"%1\".")
                         .arg(busy));
        }
    }

    void canDeleteRules()
    {
        const Backup backup = backupAt(QStringLiteral("a"), 1);
        QVERIFY(canDelete(backup, {}, false).isEmpty());
        const QList<Backup> children{backupAt(QStringLiteral("b"), 2),
                                     backupAt(QStringLiteral("c"), 3)};
        QCOMPARE(canDelete(backup, children, false),
                 QStringLiteral("2 incremental backup(s) depend on this one: delete them first"));
        QCOMPARE(canDelete(backup, children, true),
                 QStringLiteral("2 incremental backup(s) depend on this one: delete them first"));
        QVERIFY(
            canDelete(backupAt(QStringLiteral("e"), 1, BackupStatus::Error), {}, false).isEmpty());
        for (const QString& status : {BackupStatus::Creating, BackupStatus::Restoring,
                                      BackupStatus::Deleting, BackupStatus::ErrorDeleting}) {
            QCOMPARE(canDelete(backupAt(QStringLiteral("x"), 1, status), {}, false),
                     QStringLiteral("Backup status must be available or error, but is \"%1\" "
                                    "(use --force to delete it anyway).")
                         .arg(status));
            QVERIFY(canDelete(backupAt(QStringLiteral("x"), 1, status), {}, true).isEmpty());
        }
        Backup gone = backupAt(QStringLiteral("g"), 1, BackupStatus::Deleted);
        gone.deleted = true;
        QCOMPARE(canDelete(gone, {}, true), QStringLiteral("Backup g is already deleted."));
    }

    void canRestoreRules()
    {
        Backup backup = backupAt(QStringLiteral("a"), 1);
        backup.volumeSizeBytes = 10 * 1024 * 1024;
        QVERIFY(canRestore(backup, volumeWith(VolumeStatus::Available, 10 * 1024 * 1024), false)
                    .isEmpty());
        QVERIFY(canRestore(backup, volumeWith(VolumeStatus::Available, 11 * 1024 * 1024), false)
                    .isEmpty());
        QCOMPARE(canRestore(backup, volumeWith(VolumeStatus::Available, 5 * 1024 * 1024), false),
                 QStringLiteral("Volume data is too small: it holds 5.0 MiB (5242880 bytes) but "
                                "backup a needs 10.0 MiB (10485760 bytes)."));
        QCOMPARE(canRestore(backup, volumeWith(VolumeStatus::InUse), false),
                 QStringLiteral("Volume data is in use: detach it before restoring onto it."));
        QCOMPARE(canRestore(backup, volumeWith(VolumeStatus::Available), true),
                 QStringLiteral("Volume data is in use: detach it before restoring onto it."));
        QCOMPARE(canRestore(backup, volumeWith(VolumeStatus::Error), false),
                 QStringLiteral("Volume to be restored to must be available, but the current "
                                "status of data is \"error\"."));
        Backup creating = backupAt(QStringLiteral("c"), 1, BackupStatus::Creating);
        QCOMPARE(canRestore(creating, volumeWith(VolumeStatus::Available), false),
                 QStringLiteral("Backup status must be available, but is \"creating\"."));

        // Imported backups know only whole GiB.
        Backup imported = backupAt(QStringLiteral("i"), 1);
        imported.size = 2;
        QCOMPARE(
            canRestore(imported, volumeWith(VolumeStatus::Available, Q_INT64_C(1) << 30), false),
            QStringLiteral("Volume data is too small: it holds 1.0 GiB (1073741824 bytes) but "
                           "backup i needs 2.0 GiB (2147483648 bytes)."));
        QVERIFY(canRestore(imported, volumeWith(VolumeStatus::Available, Q_INT64_C(2) << 30), false)
                    .isEmpty());
    }

    void canResetVolumeStateRules()
    {
        for (const QString& state : {VolumeStatus::Available, VolumeStatus::InUse,
                                     VolumeStatus::Error, VolumeStatus::ErrorRestoring})
            QVERIFY(canResetVolumeState(state).isEmpty());
        // Job states are set by jobs only.
        for (const QString& state :
             {VolumeStatus::BackingUp, VolumeStatus::Restoring, QStringLiteral("nonsense")})
            QCOMPARE(canResetVolumeState(state),
                     QStringLiteral("Invalid volume state '%1': volume-reset-state accepts "
                                    "available, in-use, error, error_restoring.")
                         .arg(state));
    }

    void canResetStateRules()
    {
        QVERIFY(canResetState(BackupStatus::Available).isEmpty());
        QVERIFY(canResetState(BackupStatus::Error).isEmpty());
        for (const QString& state :
             {BackupStatus::Creating, BackupStatus::Deleted, QStringLiteral("bogus")}) {
            QCOMPARE(canResetState(state),
                     QStringLiteral("Invalid backup state '%1': reset-state accepts only "
                                    "available or error.")
                         .arg(state));
        }
    }

    void chainWalk()
    {
        Backup full = backupAt(QStringLiteral("full"), 1);
        Backup inc1 = backupAt(QStringLiteral("inc1"), 2);
        inc1.parentId = full.id;
        Backup inc2 = backupAt(QStringLiteral("inc2"), 3);
        inc2.parentId = inc1.id;
        QMap<QString, Backup> rows{{full.id, full}, {inc1.id, inc1}, {inc2.id, inc2}};
        auto lookup = [&rows](const QString& id) -> std::optional<Backup> {
            if (rows.contains(id))
                return rows.value(id);
            return std::nullopt;
        };
        const QList<Backup> chain = chainOf(inc2, lookup);
        QCOMPARE(chain.size(), 3);
        QCOMPARE(chain.at(0).id, QStringLiteral("full"));
        QCOMPARE(chain.at(1).id, QStringLiteral("inc1"));
        QCOMPARE(chain.at(2).id, QStringLiteral("inc2"));
        QCOMPARE(chainOf(full, lookup).size(), 1);

        rows.remove(QStringLiteral("inc1"));
        try {
            chainOf(inc2, lookup);
            QFAIL("a missing parent must throw");
        } catch (const Error& error) {
            QCOMPARE(error.message(), QStringLiteral("Backup inc2 depends on parent backup inc1, "
                                                     "which does not exist: the chain cannot be "
                                                     "restored."));
        }

        inc1.parentId = inc2.id; // a loop
        rows.insert(inc1.id, inc1);
        try {
            chainOf(inc2, lookup);
            QFAIL("a cycle must throw");
        } catch (const Error& error) {
            QVERIFY2(error.message().contains(QStringLiteral("loops back")),
                     qPrintable(error.message()));
        }
    }
};

QTEST_GUILESS_MAIN(ChainRulesTest)
#include "test_chainrules.moc"
