// The master keys of this host (encryption at rest): a table of the key
// store's index and the actions on a key: create, import, export (key file),
// print (paper key PDF with a QR code), rotate and remove. Non-modal; every
// keyring, file and catalog access runs off the UI thread (runInBackground or
// the job runner), and its outcome is shown in plain words in the dialog.
#pragma once

#include "keys.h"
#include "keystore.h"

#include <QAbstractTableModel>
#include <QDialog>
#include <QImage>

#include <functional>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QThreadPool;

namespace ember::ui {

class AppContext;

// The key store's index as a table (KeyStore::list(), newest first).
class KeyTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Fingerprint,
        Kind,
        Label,
        Created,
        Halves,   // "private key here" / "public only"
        Exported, // a copy exists outside this host
        ColumnCount
    };
    Q_ENUM(Column)

    using QAbstractTableModel::QAbstractTableModel;
    void setKeys(const QList<KeyInfo>& keys);
    const QList<KeyInfo>& keys() const { return m_keys; }
    // -1 when the fingerprint is not listed.
    int rowOf(const QString& fingerprint) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<KeyInfo> m_keys;
};

// The one worker thread for the GUI's key store work: KeyStore reads, changes
// and writes its index whole, so the dialog's and the wizard page's changes
// go one at a time.
QThreadPool* keyStorePool();

// Blocking key work shared by the keys dialog and the wizard's encryption
// page; worker threads only (they read the keyring and write files).
// The whole key set, or Error "key not available" when this host lacks it.
KeySet storedKeyBlocking(KeyStore& keys, const QString& fingerprint);
// Writes the key's text form (exportKeyText) to `path` with mode 0600. A full
// copy of a key marks it exported; a public half does not (it cannot restore).
void writeKeyFileBlocking(KeyStore& keys, const QString& fingerprint, KeyPart part,
                          const QString& path);
// Writes the paper key PDF (writePaperKeyPdf), marks the key exported like
// writeKeyFileBlocking and returns the QR code image shown as a preview.
QImage writePaperKeyBlocking(KeyStore& keys, const QString& fingerprint, KeyPart part,
                             const QString& pdfPath);
// Which part to export and where: a small non-modal dialog (full or public
// only for a key pair whose private half is here), then a save-file dialog.
// `done` runs with the choice when the user accepted both.
void chooseKeyExport(QWidget* parent, const KeyInfo& key, const QString& title,
                     const QString& nameFilter, const QString& suffix,
                     std::function<void(KeyPart part, const QString& path)> done);

class KeysDialog : public QDialog
{
    Q_OBJECT
public:
    explicit KeysDialog(AppContext& context, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    KeyTableModel* keyModel() const { return m_model; }
    // The selected key's fingerprint, empty when none is selected.
    QString selectedFingerprint() const;
    void selectKey(const QString& fingerprint);
    // The last outcome or error shown (plain words).
    QString statusText() const;
    // The QR code of the last paper key written (null before).
    QImage paperKeyPreview() const { return m_preview; }

    // The actions behind the buttons, without their file dialogs (the
    // buttons ask first, then call these). Each finishes later with one of
    // the signals below, or failed().
    void createKey(KeySet::Kind kind, const QString& label);
    void importKeyText(const QString& text);
    void importKeyFile(const QString& path);
    void exportKey(const QString& fingerprint, KeyPart part, const QString& path);
    void printPaperKey(const QString& fingerprint, KeyPart part, const QString& pdfPath);
    // A job (with progress): a new key rewraps the old key's backups.
    void rotateKey(const QString& fingerprint);
    void removeKey(const QString& fingerprint);
    // Re-reads the index (no keyring access).
    void refresh();

Q_SIGNALS:
    void keyAdded(const QString& fingerprint);
    void keyExported(const QString& fingerprint, const QString& path);
    void paperKeyWritten(const QString& fingerprint, const QString& pdfPath);
    void keyRemoved(const QString& fingerprint);
    void rotationFinished(bool succeeded, const QString& summary);
    void failed(const QString& message);

private:
    void updateButtons();
    void askNewKey();
    void askImport();
    void askExport();
    void askPaperKey();
    void askRotate();
    void askRemove();
    // Text for the remove confirmation: which backends and backups need it.
    QString usersOf(const QString& fingerprint) const;
    void showOutcome(const QString& text);
    void showFailure(const QString& message);
    void keysChangedHere();
    std::optional<KeyInfo> selectedKey() const;

    AppContext& m_context;
    KeyStore* m_keys = nullptr;
    KeyTableModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_problem = nullptr;
    QLabel* m_qrLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_new = nullptr;
    QPushButton* m_import = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_paper = nullptr;
    QPushButton* m_rotate = nullptr;
    QPushButton* m_remove = nullptr;
    QImage m_preview;
    quint64 m_rotationJob = 0;
    std::shared_ptr<QString> m_rotatedTo = std::make_shared<QString>(); // the new key's fingerprint
};

} // namespace ember::ui
