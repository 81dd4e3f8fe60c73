// The GUI of encryption at rest, offscreen, over a real KeyStore on the
// secret store's file fallback (no keyring daemon): the keys dialog lists,
// creates, imports, exports and prints keys through its actions (signals and
// QTRY_*, no nested event loop); the paper key's QR code decodes back to the
// key; the backend wizard's encryption page holds Next until the key has a
// copy outside the host and writes the two options; an encrypted backup
// whose key is missing cannot be restored or verified, and says why.
#include "actionscontroller.h"
#include "appcontext.h"
#include "appsettings.h"
#include "backendregistry.h"
#include "backendwizard.h"
#include "backupdialogs.h"
#include "backupservice.h"
#include "backuptreemodel.h"
#include "catalog.h"
#include "chainpanel.h"
#include "encryptionpage.h"
#include "itemroles.h"
#include "keysdialog.h"
#include "keystore.h"
#include "mainwindow.h"
#include "secretstore.h"
#include "testsupport.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTreeView>

using namespace ember;
using namespace ember::ui;

namespace {

constexpr int kTimeout = 20000;

QString cell(const KeysDialog& dialog, const QString& fingerprint, int column)
{
    const int row = dialog.keyModel()->rowOf(fingerprint);
    return row < 0 ? QString() : dialog.keyModel()->index(row, column).data().toString();
}

// The newest dialog child of `parent` with that object name (the asking
// dialogs are opened with open(), never exec()).
template <typename T> T* openedChild(QWidget* parent, const QString& name)
{
    const auto found = parent->findChildren<T*>(name);
    return found.isEmpty() ? nullptr : found.last();
}

QFileDevice::Permissions othersAndGroup()
{
    return QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
           QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
}

// A posix backend `backendName` encrypting with `key`, a volume of 2 MiB at
// `volumePath` and one full backup of it, made through the service (the
// test's own catalog connection). Returns the backup.
Backup encryptedBackup(KeyStore& keys, const QString& home, const QString& backendName,
                       const QString& volumePath, const KeySet& key)
{
    test::makeVolumeFile(volumePath, 2 << 20, test::Fill::Mixed, 5);
    Catalog catalog(defaultCatalogPath());
    BackendConfig backend;
    backend.name = backendName;
    backend.type = QStringLiteral("posix");
    backend.options[QStringLiteral("backup_posix_path")] = home + QLatin1Char('/') + backendName;
    backend.options[QStringLiteral("backup_ember_encryption")] = QStringLiteral("aes-256-gcm");
    backend.options[QStringLiteral("ember_encryption_key")] = key.fingerprint;
    catalog.upsertBackend(backend);
    BackupService service(catalog);
    service.setKeyLookup(keys.lookup());
    const Volume volume = service.addVolume(volumePath, backendName + QStringLiteral("-volume"));
    CreateBackupRequest request;
    request.volume = volume.id;
    request.backend = backendName;
    OperationControl control;
    auto prepared = service.prepareBackup(request);
    return service.runBackup(prepared, control);
}

// Restores `backupId` into a new file with the service; returns its path.
QString restoreToNewFile(KeyStore& keys, const QString& backupId, const QString& path)
{
    Catalog catalog(defaultCatalogPath());
    BackupService service(catalog);
    service.setKeyLookup(keys.lookup());
    RestoreRequest request;
    request.backup = backupId;
    request.newVolumePath = path;
    auto prepared = service.prepareRestore(request);
    OperationControl control;
    return service.runRestore(prepared, control).path;
}

} // namespace

class TestGuiKeys : public QObject
{
    Q_OBJECT

public:
    explicit TestGuiKeys(const QString& home) : m_home(home) {}

private Q_SLOTS:
    void initTestCase()
    {
        m_context = std::make_unique<AppContext>(defaultCatalogPath());
        QVERIFY(m_context->keyStore());
        QTRY_VERIFY_WITH_TIMEOUT(m_context->watcher().hasSnapshot(), kTimeout);
        // The index lives in this test's home, not the user's.
        QVERIFY(m_context->keyStore()->indexFile().startsWith(m_home));
    }

    void dialogListsACreatedKey()
    {
        KeysDialog dialog(*m_context);
        dialog.show();
        QSignalSpy added(&dialog, &KeysDialog::keyAdded);
        // Through the button and its (non-modal) asking dialog.
        dialog.findChild<QPushButton*>(QStringLiteral("newKey"))->click();
        auto* ask = openedChild<QDialog>(&dialog, QStringLiteral("newKeyDialog"));
        QVERIFY(ask);
        ask->findChild<QLineEdit*>(QStringLiteral("keyLabel"))
            ->setText(QStringLiteral("listed key"));
        auto* kinds = ask->findChild<QComboBox*>(QStringLiteral("keyKind"));
        kinds->setCurrentIndex(kinds->findData(int(KeySet::Kind::X25519)));
        ask->accept();
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kTimeout);
        const QString fingerprint = added.first().first().toString();
        QVERIFY(!fingerprint.isEmpty());
        QVERIFY(dialog.keyModel()->rowOf(fingerprint) >= 0);
        QCOMPARE(cell(dialog, fingerprint, KeyTableModel::Fingerprint), fingerprint);
        QCOMPARE(cell(dialog, fingerprint, KeyTableModel::Label), QStringLiteral("listed key"));
        QCOMPARE(cell(dialog, fingerprint, KeyTableModel::Kind), QStringLiteral("X25519 key pair"));
        QCOMPARE(cell(dialog, fingerprint, KeyTableModel::Halves),
                 QStringLiteral("private key here"));
        QCOMPARE(cell(dialog, fingerprint, KeyTableModel::Exported), QStringLiteral("no"));
        QCOMPARE(dialog.selectedFingerprint(), fingerprint);
        // The app knows it can open backups sealed with it.
        QVERIFY(m_context->availableKeys().contains(fingerprint));
        // A second dialog reads the same index.
        KeysDialog other(*m_context);
        QVERIFY(other.keyModel()->rowOf(fingerprint) >= 0);
    }

    void exportRemoveAndImportThroughTheDialog()
    {
        KeysDialog dialog(*m_context);
        dialog.show();
        QSignalSpy added(&dialog, &KeysDialog::keyAdded);
        QSignalSpy exported(&dialog, &KeysDialog::keyExported);
        QSignalSpy removed(&dialog, &KeysDialog::keyRemoved);
        QSignalSpy failed(&dialog, &KeysDialog::failed);
        dialog.createKey(KeySet::Kind::Symmetric, QStringLiteral("round trip"));
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kTimeout);
        const QString fingerprint = added.takeFirst().first().toString();

        const QString keyFile = m_home + QStringLiteral("/round-trip.key");
        dialog.exportKey(fingerprint, KeyPart::Full, keyFile);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, kTimeout);
        QVERIFY(QFileInfo(keyFile).exists());
        QCOMPARE(QFile::permissions(keyFile) & othersAndGroup(), QFileDevice::Permissions());
        const QByteArray text = test::readWholeFile(keyFile);
        QVERIFY(text.contains("-----BEGIN EMBER KEY-----"));
        QVERIFY(text.contains(fingerprint.toUtf8()));
        QCOMPARE(cell(dialog, fingerprint, KeyTableModel::Exported), QStringLiteral("yes"));

        dialog.removeKey(fingerprint);
        QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, kTimeout);
        QCOMPARE(dialog.keyModel()->rowOf(fingerprint), -1);
        QVERIFY(!m_context->availableKeys().contains(fingerprint));

        dialog.importKeyFile(keyFile);
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kTimeout);
        QCOMPARE(added.takeFirst().first().toString(), fingerprint);
        QCOMPARE(cell(dialog, fingerprint, KeyTableModel::Halves),
                 QStringLiteral("private key here"));
        QVERIFY(m_context->availableKeys().contains(fingerprint));
        // The key read back is the key written.
        const auto stored = m_context->keyStore()->find(fingerprint);
        QVERIFY(stored);
        QCOMPARE(exportKeyText(*stored), QString::fromUtf8(text));

        // Pasted text: the public half of a pair made elsewhere.
        const KeySet elsewhere = generateKeySet(KeySet::Kind::X25519, QStringLiteral("elsewhere"));
        dialog.findChild<QPushButton*>(QStringLiteral("importKey"))->click();
        auto* ask = openedChild<QDialog>(&dialog, QStringLiteral("importKeyDialog"));
        QVERIFY(ask);
        ask->findChild<QPlainTextEdit*>(QStringLiteral("keyText"))
            ->setPlainText(QStringLiteral("copied from a mail:\n") +
                           exportKeyText(elsewhere, KeyPart::PublicOnly));
        ask->accept();
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kTimeout);
        QCOMPARE(added.takeFirst().first().toString(), elsewhere.fingerprint);
        QCOMPARE(cell(dialog, elsewhere.fingerprint, KeyTableModel::Halves),
                 QStringLiteral("public only"));
        QVERIFY(!m_context->availableKeys().contains(elsewhere.fingerprint));

        // Garbage is refused in plain words, nothing added.
        QVERIFY(failed.isEmpty());
        const int keys = dialog.keyModel()->rowCount();
        dialog.importKeyText(QStringLiteral("not a key at all"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeout);
        QVERIFY2(failed.first().first().toString().startsWith(
                     QStringLiteral("The key could not be imported: ")),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(dialog.statusText(), failed.first().first().toString());
        QCOMPARE(dialog.keyModel()->rowCount(), keys);
    }

    void paperKeyPdfAndQrCode()
    {
        KeysDialog dialog(*m_context);
        dialog.show();
        QSignalSpy added(&dialog, &KeysDialog::keyAdded);
        QSignalSpy printed(&dialog, &KeysDialog::paperKeyWritten);
        dialog.createKey(KeySet::Kind::Symmetric, QStringLiteral("on paper"));
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kTimeout);
        const QString fingerprint = added.first().first().toString();
        const QString pdf = m_home + QStringLiteral("/paper.pdf");
        dialog.printPaperKey(fingerprint, KeyPart::Full, pdf);
        QTRY_COMPARE_WITH_TIMEOUT(printed.count(), 1, kTimeout);
        QVERIFY(test::readWholeFile(pdf).startsWith("%PDF"));
        QCOMPARE(QFile::permissions(pdf) & othersAndGroup(), QFileDevice::Permissions());
        QCOMPARE(cell(dialog, fingerprint, KeyTableModel::Exported), QStringLiteral("yes"));
        const QImage preview = dialog.paperKeyPreview();
        QVERIFY(!preview.isNull());
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("paperKeyPreview"))->isVisible());

        // The QR code scans back to the key.
        const QString zbarimg = QStandardPaths::findExecutable(QStringLiteral("zbarimg"));
        QVERIFY2(!zbarimg.isEmpty(), "zbarimg (zbar-tools) is needed to scan the QR code");
        const QString png = m_home + QStringLiteral("/paper-qr.png");
        QVERIFY(preview.save(png));
        QProcess scan;
        scan.start(zbarimg, {QStringLiteral("--raw"), QStringLiteral("-q"), png});
        QVERIFY(scan.waitForFinished(30000));
        QCOMPARE(scan.exitCode(), 0);
        const KeySet scanned = importKeyText(QString::fromUtf8(scan.readAllStandardOutput()));
        QCOMPARE(scanned.fingerprint, fingerprint);
        QCOMPARE(exportKeyText(scanned), exportKeyText(*m_context->keyStore()->find(fingerprint)));
    }

    void wizardPageWaitsForAnExportedKey()
    {
        BackendWizard wizard(m_context->snapshot(), std::nullopt);
        wizard.setKeyStore(*m_context->keyStore());
        wizard.show();
        wizard.setField(QStringLiteral("name"), QStringLiteral("sealed-wizard"));
        auto* types = wizard.findChild<QComboBox*>(QStringLiteral("backendType"));
        types->setCurrentIndex(types->findData(QStringLiteral("posix")));
        wizard.next();
        QCOMPARE(wizard.currentId(), wizard.optionsPageId(QStringLiteral("posix")));
        wizard.setField(QStringLiteral("posix.path"), m_home + QStringLiteral("/wizard-store"));
        wizard.next();
        QCOMPARE(wizard.currentId(), int(BackendWizard::EncryptionPageId));
        EncryptionPage* page = wizard.encryptionPage();
        QVERIFY(page);
        auto* next = wizard.button(QWizard::NextButton);
        // Off: nothing to export, Next goes on and the backend stays in the clear.
        QVERIFY(page->isComplete());
        QCOMPARE(wizard.config().options.value(QStringLiteral("backup_ember_encryption")),
                 QJsonValue(QStringLiteral("none")));

        QSignalSpy created(page, &EncryptionPage::keyCreated);
        QSignalSpy exported(page, &EncryptionPage::keyExported);
        page->setEncryptionEnabled(true);
        page->createKey(QStringLiteral("wizard key"));
        QTRY_COMPARE_WITH_TIMEOUT(created.count(), 1, kTimeout);
        const QString fingerprint = created.first().first().toString();
        QCOMPARE(page->chosenKey(), fingerprint);
        // A key with no copy elsewhere holds Next, and the page says why.
        QVERIFY(!page->isComplete());
        QVERIFY(!next->isEnabled());
        QVERIFY2(page->problem().contains(QStringLiteral("lost key means lost backups")),
                 qPrintable(page->problem()));

        page->exportKeyTo(KeyPart::Full, m_home + QStringLiteral("/wizard.key"));
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, kTimeout);
        QVERIFY(page->isComplete());
        QVERIFY(next->isEnabled());
        QVERIFY(page->problem().isEmpty());
        QVERIFY(m_context->keyStore()->info(fingerprint)->exported);

        const BackendConfig config = wizard.config();
        QCOMPARE(config.options.value(QStringLiteral("backup_ember_encryption")),
                 QJsonValue(QStringLiteral("aes-256-gcm")));
        QCOMPARE(config.options.value(QStringLiteral("ember_encryption_key")),
                 QJsonValue(fingerprint));
        QVERIFY(
            optionProblems(*findBackendType(QStringLiteral("posix")), config.options).isEmpty());
        wizard.next();
        QCOMPARE(wizard.currentId(), int(BackendWizard::TestPageId));
    }

    void keysMadeElsewhereReachTheApp()
    {
        // On the wizard's encryption page, opened from the backends view.
        BackendsDialog backends(*m_context);
        BackendWizard* wizard = backends.addBackend();
        QVERIFY(wizard->encryptionPage());
        QSignalSpy created(wizard->encryptionPage(), &EncryptionPage::keyCreated);
        wizard->encryptionPage()->createKey(QStringLiteral("made in the wizard"));
        QTRY_COMPARE_WITH_TIMEOUT(created.count(), 1, kTimeout);
        QVERIFY(m_context->availableKeys().contains(created.first().first().toString()));
        wizard->reject();

        // Outside the app (as ember-cli key-import does): noticed with the
        // next catalog change.
        SecretStore secrets; // the same file fallback, another process's view
        KeyStore elsewhere(secrets, m_context->keyStore()->indexFile());
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("from the CLI"));
        elsewhere.add(key, true);
        QVERIFY(!m_context->availableKeys().contains(key.fingerprint));
        {
            Catalog catalog(defaultCatalogPath());
            BackendConfig backend;
            backend.name = QStringLiteral("touched");
            backend.type = QStringLiteral("posix");
            backend.options[QStringLiteral("backup_posix_path")] =
                m_home + QStringLiteral("/touched");
            catalog.upsertBackend(backend);
        }
        m_context->watcher().refreshNow();
        QTRY_VERIFY_WITH_TIMEOUT(m_context->availableKeys().contains(key.fingerprint), kTimeout);
    }

    void editingKeepsOrTurnsOffEncryption()
    {
        KeyStore& keys = *m_context->keyStore();
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("edited"));
        keys.add(key, true); // imported: a copy exists elsewhere
        BackendConfig backend;
        backend.name = QStringLiteral("edited");
        backend.type = QStringLiteral("posix");
        backend.options[QStringLiteral("backup_posix_path")] = m_home + QStringLiteral("/edited");
        backend.options[QStringLiteral("backup_ember_encryption")] = QStringLiteral("aes-256-gcm");
        backend.options[QStringLiteral("ember_encryption_key")] = key.fingerprint;
        BackendWizard wizard(m_context->snapshot(), backend);
        wizard.setKeyStore(keys);
        EncryptionPage* page = wizard.encryptionPage();
        QVERIFY(page->encryptionEnabled());
        QCOMPARE(page->chosenKey(), key.fingerprint);
        QVERIFY(page->isComplete());
        QCOMPARE(wizard.config().options.value(QStringLiteral("ember_encryption_key")),
                 QJsonValue(key.fingerprint));
        page->setEncryptionEnabled(false);
        const BackendConfig off = wizard.config();
        QCOMPARE(off.options.value(QStringLiteral("backup_ember_encryption")),
                 QJsonValue(QStringLiteral("none")));
        QVERIFY(!off.options.contains(QStringLiteral("ember_encryption_key")));

        // A key this host lacks stays named, and Next waits with the reason.
        backend.options[QStringLiteral("ember_encryption_key")] =
            generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("gone")).fingerprint;
        BackendWizard missing(m_context->snapshot(), backend);
        missing.setKeyStore(keys);
        missing.encryptionPage()->initializePage();
        QCOMPARE(missing.encryptionPage()->chosenKey(),
                 backend.options.value(QStringLiteral("ember_encryption_key")).toString());
        QVERIFY(!missing.encryptionPage()->isComplete());
        QVERIFY(
            missing.encryptionPage()->problem().startsWith(QStringLiteral("key not available")));
    }

    void wizardOffersEncryptionOnChunkedTypesOnly()
    {
        BackendWizard wizard(m_context->snapshot(), std::nullopt);
        wizard.setKeyStore(*m_context->keyStore());
        auto* types = wizard.findChild<QComboBox*>(QStringLiteral("backendType"));
        for (const BackendType& type : backendTypes()) {
            const int pageId = wizard.optionsPageId(type.type);
            if (pageId < 0)
                continue;
            types->setCurrentIndex(types->findData(type.type));
            QCOMPARE(wizard.field(QStringLiteral("type")).toString(), type.type);
            const int expected = type.capabilities.chunked ? int(BackendWizard::EncryptionPageId)
                                                           : int(BackendWizard::TestPageId);
            QCOMPARE(wizard.page(pageId)->nextId(), expected);
            // The schema form does not show the page's options a second time.
            for (const char* key : {"backup_ember_encryption", "ember_encryption_key"}) {
                auto* editor = wizard.page(pageId)->findChild<QWidget*>(
                    QStringLiteral("option_%1").arg(QLatin1String(key)));
                if (editor)
                    QVERIFY2(editor->isHidden(), qPrintable(type.type + QLatin1Char(' ') + key));
            }
        }
    }

    // The details pane names the scheme and the whole fingerprint of an
    // encrypted backup, and says nothing about encryption for a clear one.
    void detailsNameTheMasterKey()
    {
        Backup backup;
        backup.id = QStringLiteral("b-1");
        backup.encryption = QStringLiteral("aes-256-gcm");
        backup.encryptionKeyFingerprint = generateKeySet(KeySet::Kind::Symmetric, {}).fingerprint;
        const QString html = backupDetailsHtml(backup, CatalogSnapshot{});
        QVERIFY(html.contains(QStringLiteral("<tt>encryption</tt>")));
        QVERIFY(html.contains(backup.encryptionKeyFingerprint));
        QVERIFY(html.contains(QStringLiteral("aes-256-gcm")));
        backup.encryption.clear();
        backup.encryptionKeyFingerprint.clear();
        QVERIFY(!backupDetailsHtml(backup, CatalogSnapshot{})
                     .contains(QStringLiteral("<tt>encryption</tt>")));
    }

    void encryptedBackupWithoutItsKeyIsRefused()
    {
        KeyStore& keys = *m_context->keyStore();
        const KeySet key = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("chain key"));
        keys.add(key);
        m_context->notifyKeysChanged();
        const Backup made = encryptedBackup(keys, m_home, QStringLiteral("sealed"),
                                            m_home + QStringLiteral("/sealed.img"), key);
        QCOMPARE(made.encryptionKeyFingerprint, key.fingerprint);
        const QString backupId = made.id;
        m_context->watcher().refreshNow();
        MainWindow window(*m_context);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(m_context->snapshot()->backup(backupId).has_value(), kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(window.selectVolume(made.volumeId), kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(window.selectBackup(backupId), kTimeout);
        QAction* restore = window.findChild<QAction*>(QStringLiteral("restoreAction"));
        QAction* verify = window.findChild<QAction*>(QStringLiteral("verifyAction"));
        QTRY_VERIFY(restore->isEnabled());
        QVERIFY(verify->isEnabled());

        // The chain panel shows the lock and the fingerprint.
        BackupTreeModel& model = window.backupModel();
        const QModelIndex keyCell = model.indexOf(backupId, BackupTreeModel::Key);
        QVERIFY(keyCell.isValid());
        QVERIFY(!keyCell.data(Qt::DecorationRole).value<QIcon>().isNull());
        QCOMPARE(keyCell.data(RawValueRole).toString(), key.fingerprint);
        QVERIFY2(key.fingerprint.startsWith(keyCell.data().toString().left(4)),
                 qPrintable(keyCell.data().toString()));
        QVERIFY(!window.chainPanel()->view()->isColumnHidden(BackupTreeModel::Key));
        QVERIFY(model.indexOf(backupId).data(KeyProblemRole).toString().isEmpty());

        // The key goes through the keys dialog, which first says who needs it.
        window.findChild<QAction*>(QStringLiteral("keysAction"))->trigger();
        auto* dialog = window.findChild<KeysDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(window.actions()->openKeys(), dialog); // one at a time
        QSignalSpy removed(dialog, &KeysDialog::keyRemoved);
        dialog->selectKey(key.fingerprint);
        dialog->findChild<QPushButton*>(QStringLiteral("removeKey"))->click();
        auto* box = openedChild<QMessageBox>(dialog, QStringLiteral("removeKeyBox"));
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("Backends encrypting new backups with it: "
                                                     "sealed.")),
                 qPrintable(box->text()));
        QVERIFY2(box->text().contains(QStringLiteral("1 backup is encrypted with it")),
                 qPrintable(box->text()));
        QVERIFY(box->text().contains(QStringLiteral("once removed it is gone for good")));
        QCOMPARE(removed.count(), 0);
        for (QAbstractButton* button : box->buttons())
            if (button->text() == QStringLiteral("Remove"))
                button->click();
        QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, kTimeout);
        QVERIFY(!keys.info(key.fingerprint));

        // Restore and verify are refused, saying why.
        QTRY_VERIFY(!restore->isEnabled());
        QVERIFY2(restore->toolTip().startsWith(QStringLiteral("key not available")),
                 qPrintable(restore->toolTip()));
        QVERIFY(restore->toolTip().contains(key.fingerprint));
        QVERIFY(!verify->isEnabled());
        QVERIFY(verify->toolTip().startsWith(QStringLiteral("key not available")));
        QVERIFY(window.actions()->openRestore() == nullptr);
        QVERIFY(model.indexOf(backupId, BackupTreeModel::Key)
                    .data()
                    .toString()
                    .contains(QStringLiteral("key not available")));
        QCOMPARE(model.indexOf(backupId).data(KeyProblemRole).toString(), restore->toolTip());

        // Imported again: restorable again, and the restore is the volume.
        keys.add(key, true);
        m_context->notifyKeysChanged();
        QTRY_VERIFY(restore->isEnabled());
        const QString restored =
            restoreToNewFile(keys, backupId, m_home + QStringLiteral("/sealed-restored.img"));
        const QString difference =
            test::compareFiles(m_home + QStringLiteral("/sealed.img"), restored);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void rotationThroughTheDialog()
    {
        KeyStore& keys = *m_context->keyStore();
        const KeySet old = generateKeySet(KeySet::Kind::Symmetric, QStringLiteral("to rotate"));
        keys.add(old);
        m_context->notifyKeysChanged();
        const QString volumePath = m_home + QStringLiteral("/rotated.img");
        const Backup made =
            encryptedBackup(keys, m_home, QStringLiteral("rotating"), volumePath, old);
        m_context->watcher().refreshNow();

        KeysDialog dialog(*m_context);
        dialog.show();
        QSignalSpy rotated(&dialog, &KeysDialog::rotationFinished);
        dialog.selectKey(old.fingerprint);
        QVERIFY(dialog.findChild<QPushButton*>(QStringLiteral("rotateKey"))->isEnabled());
        dialog.rotateKey(old.fingerprint);
        QVERIFY(!dialog.findChild<QPushButton*>(QStringLiteral("newKey"))->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(rotated.count(), 1, 60000);
        const QString summary = rotated.first().at(1).toString();
        QVERIFY2(rotated.first().first().toBool(), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("1 backup rewrapped")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("rotating")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("no longer needed")), qPrintable(summary));
        QVERIFY(dialog.statusText().startsWith(summary));
        QVERIFY(dialog.statusText().contains(QStringLiteral("Export the new key")));

        // The backup now names the new key, which the dialog lists.
        Catalog catalog(defaultCatalogPath());
        const QString fresh = catalog.backup(made.id)->encryptionKeyFingerprint;
        QVERIFY(fresh != old.fingerprint);
        QVERIFY(dialog.keyModel()->rowOf(fresh) >= 0);
        QCOMPARE(dialog.selectedFingerprint(), fresh);
        QCOMPARE(catalog.backend(QStringLiteral("rotating"))
                     ->options.value(QStringLiteral("ember_encryption_key"))
                     .toString(),
                 fresh);

        // The old key goes; the backup restores with the new one alone.
        QSignalSpy removed(&dialog, &KeysDialog::keyRemoved);
        dialog.removeKey(old.fingerprint);
        QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, kTimeout);
        const QString restored =
            restoreToNewFile(keys, made.id, m_home + QStringLiteral("/rotated-restored.img"));
        const QString difference = test::compareFiles(volumePath, restored);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    void cleanupTestCase()
    {
        m_context->runner().cancelAll();
        m_context->runner().waitForWorkers(60000);
        m_context.reset();
        QDir(m_home).removeRecursively();
    }

private:
    QString m_home;
    std::unique_ptr<AppContext> m_context;
};

int main(int argc, char* argv[])
{
    // A catalog, data, settings and key store of our own, set before
    // anything reads them; secrets in the file fallback (no keyring daemon).
    const QString home = test::freshDir(QStringLiteral("gui-keys"));
    qputenv("EMBER_HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_DATA_HOME", (home + QStringLiteral("/data")).toUtf8());
    qputenv("EMBER_ALLOW_FILE_SECRETS", "1");
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EmberTest"));
    QApplication::setApplicationName(QStringLiteral("EmberGuiKeysTest"));
    installTranslators(QStringLiteral("en")); // English plural forms
    TestGuiKeys test(home);
    return QTest::qExec(&test, argc, argv);
}

#include "test_gui_keys.moc"
