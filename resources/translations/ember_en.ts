<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
    <context>
        <name>ember::ui::ActionsController</name>
        <message numerus="yes">
            <source>%n incremental backup(s) depend on this one (%1): delete them first.</source>
            <translation>
                <numerusform>%n incremental backup depends on this one (%1): delete it first.</numerusform>
                <numerusform>%n incremental backups depend on this one (%1): delete them first.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Remove %1 (%2) from Ember? The volume's data is not touched. It has %n backup(s).</source>
            <translation>
                <numerusform>Remove %1 (%2) from Ember? The volume's data is not touched. It has %n backup.</numerusform>
                <numerusform>Remove %1 (%2) from Ember? The volume's data is not touched. It has %n backups.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>restoring a chain of %n backup(s) into %1</source>
            <translation>
                <numerusform>restoring a chain of %n backup into %1</numerusform>
                <numerusform>restoring a chain of %n backups into %1</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n problem(s) found: %1</source>
            <translation>
                <numerusform>%n problem found: %1</numerusform>
                <numerusform>%n problems found: %1</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n later backup(s) take over its parent.</source>
            <translation>
                <numerusform>%n later backup takes over its parent.</numerusform>
                <numerusform>%n later backups take over its parent.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::BackendsDialog</name>
        <message numerus="yes">
            <source>%n backup(s) are stored on this backend: delete them first.</source>
            <translation>
                <numerusform>%n backup is stored on this backend: delete it first.</numerusform>
                <numerusform>%n backups are stored on this backend: delete them first.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::BackupTreeModel</name>
        <message numerus="yes">
            <source>%n incremental backup(s) depend on this one</source>
            <translation>
                <numerusform>%n incremental backup depends on this one</numerusform>
                <numerusform>%n incremental backups depend on this one</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::CephPage</name>
        <message numerus="yes">
            <source>%n pool(s) found; “%1” is not one of them.</source>
            <translation>
                <numerusform>%n pool found; “%1” is not it.</numerusform>
                <numerusform>%n pools found; “%1” is not one of them.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n pool(s) found.</source>
            <translation>
                <numerusform>%n pool found.</numerusform>
                <numerusform>%n pools found.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ChainPanel</name>
        <message numerus="yes">
            <source>&lt;b&gt;Backup chains of %n volume(s)&lt;/b&gt;</source>
            <translation>
                <numerusform>&lt;b&gt;Backup chains of %n volume&lt;/b&gt;</numerusform>
                <numerusform>&lt;b&gt;Backup chains of %n volumes&lt;/b&gt;</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ConnectionTestWidget</name>
        <message numerus="yes">
            <source>%n check(s) failed: fix the settings and test again.</source>
            <translation>
                <numerusform>%n check failed: fix the settings and test again.</numerusform>
                <numerusform>%n checks failed: fix the settings and test again.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::HistoryPanel</name>
        <message numerus="yes">
            <source>%n job(s) saved to %1</source>
            <translation>
                <numerusform>%n job saved to %1</numerusform>
                <numerusform>%n jobs saved to %1</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%1 of %n job(s)</source>
            <translation>
                <numerusform>%1 of %n job</numerusform>
                <numerusform>%1 of %n jobs</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::JobPanel</name>
        <message numerus="yes">
            <source>&lt;b&gt;Jobs&lt;/b&gt; — %n active</source>
            <translation>
                <numerusform>&lt;b&gt;Jobs&lt;/b&gt; — %n active</numerusform>
                <numerusform>&lt;b&gt;Jobs&lt;/b&gt; — %n active</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>, %n waiting</source>
            <translation>
                <numerusform>, %n waiting</numerusform>
                <numerusform>, %n waiting</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::KeysDialog</name>
        <message numerus="yes">
            <source>%n backup(s) are encrypted with it: without this key they cannot be restored or verified.</source>
            <translation>
                <numerusform>%n backup is encrypted with it: without this key it cannot be restored or verified.</numerusform>
                <numerusform>%n backups are encrypted with it: without this key they cannot be restored or verified.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>New key %1: %n backup(s) rewrapped.</source>
            <translation>
                <numerusform>New key %1: %n backup rewrapped.</numerusform>
                <numerusform>New key %1: %n backups rewrapped.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n backup(s) still need the old key %1: keep it.</source>
            <translation>
                <numerusform>%n backup still needs the old key %1: keep it.</numerusform>
                <numerusform>%n backups still need the old key %1: keep it.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::LocalSource</name>
        <message numerus="yes">
            <source>synthetic full %1 from a chain of %n backup(s)</source>
            <translation>
                <numerusform>synthetic full %1 from a chain of %n backup</numerusform>
                <numerusform>synthetic full %1 from a chain of %n backups</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>synthetic full %1 available; %n backup(s) moved onto it</source>
            <translation>
                <numerusform>synthetic full %1 available; %n backup moved onto it</numerusform>
                <numerusform>synthetic full %1 available; %n backups moved onto it</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n backup(s) removed, %1 synthetic full(s) written</source>
            <translation>
                <numerusform>%n backup removed, %1 synthetic full(s) written</numerusform>
                <numerusform>%n backups removed, %1 synthetic full(s) written</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::MainWindow</name>
        <message numerus="yes">
            <source>Recovered %n interrupted operation(s): %1</source>
            <translation>
                <numerusform>Recovered %n interrupted operation: %1</numerusform>
                <numerusform>Recovered %n interrupted operations: %1</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n volume(s), %1 backups; catalog read in %2 ms</source>
            <translation>
                <numerusform>%n volume, %1 backups; catalog read in %2 ms</numerusform>
                <numerusform>%n volumes, %1 backups; catalog read in %2 ms</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n job(s) are still running or queued. Cancel them and quit, or wait until they finish and then quit?</source>
            <translation>
                <numerusform>%n job is still running or queued. Cancel it and quit, or wait until it finishes and then quit?</numerusform>
                <numerusform>%n jobs are still running or queued. Cancel them and quit, or wait until they finish and then quit?</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n volume(s) (%1 shown)</source>
            <translation>
                <numerusform>%n volume (%1 shown)</numerusform>
                <numerusform>%n volumes (%1 shown)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n backup(s)</source>
            <translation>
                <numerusform>%n backup</numerusform>
                <numerusform>%n backups</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::PruneLogDialog</name>
        <message numerus="yes">
            <source>%n entry(s), newest first.</source>
            <translation>
                <numerusform>%n entry, newest first.</numerusform>
                <numerusform>%n entries, newest first.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::RetentionPolicyDialog</name>
        <message numerus="yes">
            <source>Keeps %n backup(s)</source>
            <translation>
                <numerusform>Keeps %n backup</numerusform>
                <numerusform>Keeps %n backups</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>, removes %n</source>
            <translation>
                <numerusform>, removes %n</numerusform>
                <numerusform>, removes %n</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source> (%n of them after a synthetic full replaces it)</source>
            <translation>
                <numerusform> (%n of them after a synthetic full replaces it)</numerusform>
                <numerusform> (%n of them after synthetic fulls replace them)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>• synthetic full of %1; %n backup(s) move onto it</source>
            <translation>
                <numerusform>• synthetic full of %1; %n backup moves onto it</numerusform>
                <numerusform>• synthetic full of %1; %n backups move onto it</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>
… and %n more</source>
            <translation>
                <numerusform>
… and %n more</numerusform>
                <numerusform>
… and %n more</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::RetentionTimeline</name>
        <message numerus="yes">
            <source>Chain %1: from an incremental of %2 (its parent is not shown), %n backup(s)</source>
            <translation>
                <numerusform>Chain %1: from an incremental of %2 (its parent is not shown), %n backup</numerusform>
                <numerusform>Chain %1: from an incremental of %2 (its parent is not shown), %n backups</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Chain %1: full of %2, %n backup(s)</source>
            <translation>
                <numerusform>Chain %1: full of %2, %n backup</numerusform>
                <numerusform>Chain %1: full of %2, %n backups</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::ScheduleModel</name>
        <message numerus="yes">
            <source>a full every %n backups</source>
            <translation>
                <numerusform>a full every %n backup</numerusform>
                <numerusform>a full every %n backups</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>a full every %n days</source>
            <translation>
                <numerusform>a full every %n day</numerusform>
                <numerusform>a full every %n days</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::SchedulePanel</name>
        <message numerus="yes">
            <source>%n job(s) done, %1 skipped (see the job history for why)</source>
            <translation>
                <numerusform>%n job done, %1 skipped (see the job history for why)</numerusform>
                <numerusform>%n jobs done, %1 skipped (see the job history for why)</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n job(s) done</source>
            <translation>
                <numerusform>%n job done</numerusform>
                <numerusform>%n jobs done</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ember::ui::SynthesizeDialog</name>
        <message numerus="yes">
            <source>%n backup(s) move onto the new full; %1 can then be deleted.</source>
            <translation>
                <numerusform>%n backup moves onto the new full; %1 can then be deleted.</numerusform>
                <numerusform>%n backups move onto the new full; %1 can then be deleted.</numerusform>
            </translation>
        </message>
    </context>
</TS>