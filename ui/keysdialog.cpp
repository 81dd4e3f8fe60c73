#include "keysdialog.h"

#include "appcontext.h"
#include "async.h"
#include "jobrunner.h"
#include "paperkey.h"
#include "problemlabel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QThreadPool>
#include <QVBoxLayout>

namespace ember::ui {

// ---------------------------------------------------------------- model

void KeyTableModel::setKeys(const QList<KeyInfo>& keys)
{
    beginResetModel();
    m_keys = keys;
    endResetModel();
}

int KeyTableModel::rowOf(const QString& fingerprint) const
{
    for (int row = 0; row < m_keys.size(); ++row)
        if (m_keys.at(row).fingerprint == fingerprint)
            return row;
    return -1;
}

int KeyTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int KeyTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KeyTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_keys.size())
        return {};
    const KeyInfo& key = m_keys.at(index.row());
    if (role == Qt::UserRole)
        return key.fingerprint;
    if (role == Qt::ToolTipRole && index.column() == Exported && !key.exported)
        return tr("No copy of this key exists outside this host: export it or print the paper "
                  "key. A lost key means lost backups.");
    if (role == Qt::FontRole && index.column() == Fingerprint) {
        QFont font(QStringLiteral("monospace"));
        font.setStyleHint(QFont::Monospace);
        return font;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Fingerprint:
        return key.fingerprint;
    case Kind:
        return key.kind == QLatin1String("x25519") ? tr("X25519 key pair")
                                                   : tr("AES-256 (symmetric)");
    case Label:
        return key.label;
    case Created:
        return QLocale().toString(key.created.toLocalTime(), QLocale::ShortFormat);
    case Halves:
        return key.canUnwrap ? tr("private key here") : tr("public only");
    case Exported:
        return key.exported ? tr("yes") : tr("no");
    default:
        return {};
    }
}

QVariant KeyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Fingerprint:
        return tr("Fingerprint");
    case Kind:
        return tr("Kind");
    case Label:
        return tr("Label");
    case Created:
        return tr("Created");
    case Halves:
        return tr("Restores here");
    case Exported:
        return tr("Exported");
    default:
        return {};
    }
}

// ---------------------------------------------------------------- blocking work

QThreadPool* keyStorePool()
{
    static QThreadPool* const pool = [] {
        auto* created = new QThreadPool(QCoreApplication::instance());
        created->setMaxThreadCount(1);
        return created;
    }();
    return pool;
}

KeySet storedKeyBlocking(KeyStore& keys, const QString& fingerprint)
{
    const std::optional<KeySet> key = keys.find(fingerprint);
    if (!key)
        throw Error(
            QObject::tr("key not available: %1 is not in this host's key store").arg(fingerprint));
    return *key;
}

namespace {

// Owner-only from the first byte: a key file must never be readable by others.
void writePrivateFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    const QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate, ownerOnly))
        throw Error(QObject::tr("Cannot write the key file %1: %2").arg(path, file.errorString()));
    // An existing file keeps its mode on open: narrow it before writing.
    if (!file.setPermissions(ownerOnly))
        throw Error(QObject::tr("Cannot make the key file %1 private (mode 0600): %2")
                        .arg(path, file.errorString()));
    if (file.write(content) != content.size() || !file.flush())
        throw Error(QObject::tr("Cannot write the key file %1: %2").arg(path, file.errorString()));
}

bool isFullCopy(const KeySet& key, KeyPart part)
{
    return key.canUnwrap() && (part == KeyPart::Full || key.kind == KeySet::Kind::Symmetric);
}

} // namespace

void writeKeyFileBlocking(KeyStore& keys, const QString& fingerprint, KeyPart part,
                          const QString& path)
{
    const KeySet key = storedKeyBlocking(keys, fingerprint);
    writePrivateFile(path, exportKeyText(key, part).toUtf8());
    if (isFullCopy(key, part))
        keys.markExported(fingerprint);
}

QImage writePaperKeyBlocking(KeyStore& keys, const QString& fingerprint, KeyPart part,
                             const QString& pdfPath)
{
    const KeySet key = storedKeyBlocking(keys, fingerprint);
    writePaperKeyPdf(key, part, pdfPath);
    QFile::setPermissions(pdfPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (isFullCopy(key, part))
        keys.markExported(fingerprint);
    return qrCodeImage(exportKeyText(key, part).toUtf8(), 4);
}

void chooseKeyExport(QWidget* parent, const KeyInfo& key, const QString& title,
                     const QString& nameFilter, const QString& suffix,
                     std::function<void(KeyPart part, const QString& path)> done)
{
    auto askPath = [parent, key, title, nameFilter, suffix, done](KeyPart part) {
        auto* files = new QFileDialog(parent, title);
        files->setAttribute(Qt::WA_DeleteOnClose);
        files->setAcceptMode(QFileDialog::AcceptSave);
        files->setNameFilter(nameFilter);
        files->setDefaultSuffix(suffix);
        files->selectFile(
            QStringLiteral("ember-key-%1%2.%3")
                .arg(key.fingerprint.left(9),
                     part == KeyPart::PublicOnly ? QStringLiteral("-public") : QString(), suffix));
        QObject::connect(files, &QFileDialog::fileSelected, parent,
                         [part, done](const QString& path) { done(part, path); });
        files->open();
    };
    // Only a key pair with its private half here has a choice to make.
    if (key.kind != QLatin1String("x25519") || !key.canUnwrap) {
        askPath(key.canUnwrap ? KeyPart::Full : KeyPart::PublicOnly);
        return;
    }
    auto* choice = new QDialog(parent);
    choice->setAttribute(Qt::WA_DeleteOnClose);
    choice->setObjectName(QStringLiteral("keyPartDialog"));
    choice->setWindowTitle(title);
    auto* layout = new QVBoxLayout(choice);
    auto* parts = new QComboBox(choice);
    parts->setObjectName(QStringLiteral("keyPart"));
    parts->addItem(QObject::tr("The whole key pair (restores backups: keep it safe)"),
                   int(KeyPart::Full));
    parts->addItem(QObject::tr("The public key only (makes backups, cannot restore them)"),
                   int(KeyPart::PublicOnly));
    layout->addWidget(new QLabel(QObject::tr("Which part of the key pair?"), choice));
    layout->addWidget(parts);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, choice);
    layout->addWidget(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, choice, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, choice, &QDialog::reject);
    QObject::connect(choice, &QDialog::accepted, parent,
                     [parts, askPath] { askPath(KeyPart(parts->currentData().toInt())); });
    choice->open();
}

// ---------------------------------------------------------------- dialog

KeysDialog::KeysDialog(AppContext& context, QWidget* parent)
    : QDialog(parent), m_context(context), m_keys(context.keyStore())
{
    setObjectName(QStringLiteral("keysDialog"));
    setWindowTitle(tr("Encryption Keys"));
    auto* outer = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("Master keys encrypt backups at rest. They live in this host's keyring. "
           "A lost key means lost backups: keep an exported copy or a paper key somewhere safe."),
        this);
    intro->setWordWrap(true);
    outer->addWidget(intro);

    auto* row = new QHBoxLayout;
    m_model = new KeyTableModel(this);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("keysView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->hide();
    row->addWidget(m_view, 1);

    auto* buttons = new QVBoxLayout;
    auto button = [this, buttons](const char* name, const QString& text) {
        auto* created = new QPushButton(text, this);
        created->setObjectName(QLatin1String(name));
        buttons->addWidget(created);
        return created;
    };
    m_new = button("newKey", tr("&New Key…"));
    m_import = button("importKey", tr("&Import…"));
    m_export = button("exportKey", tr("&Export…"));
    m_paper = button("paperKey", tr("&Print Paper Key…"));
    m_rotate = button("rotateKey", tr("R&otate…"));
    m_remove = button("removeKey", tr("&Remove…"));
    buttons->addStretch();
    m_qrLabel = new QLabel(this);
    m_qrLabel->setObjectName(QStringLiteral("paperKeyPreview"));
    m_qrLabel->setAlignment(Qt::AlignCenter);
    m_qrLabel->hide();
    buttons->addWidget(m_qrLabel);
    auto* close = new QPushButton(tr("Close"), this);
    buttons->addWidget(close);
    row->addLayout(buttons);
    outer->addLayout(row, 1);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("rotationProgress"));
    m_progress->hide();
    outer->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("keysStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    outer->addWidget(m_status);
    m_problem = problemLabel(this);
    outer->addWidget(m_problem);

    connect(m_new, &QPushButton::clicked, this, &KeysDialog::askNewKey);
    connect(m_import, &QPushButton::clicked, this, &KeysDialog::askImport);
    connect(m_export, &QPushButton::clicked, this, &KeysDialog::askExport);
    connect(m_paper, &QPushButton::clicked, this, &KeysDialog::askPaperKey);
    connect(m_rotate, &QPushButton::clicked, this, &KeysDialog::askRotate);
    connect(m_remove, &QPushButton::clicked, this, &KeysDialog::askRemove);
    connect(close, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &KeysDialog::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &KeysDialog::updateButtons);
    connect(&m_context, &AppContext::keysChanged, this, &KeysDialog::refresh);

    // Rotation runs as a job: its progress and outcome come from the runner.
    JobRunner& runner = m_context.runner();
    connect(&runner, &JobRunner::jobChanged, this, [this, &runner](int index) {
        if (index < 0 || index >= runner.jobs().size() ||
            runner.jobs().at(index).id != m_rotationJob)
            return;
        const Progress& progress = runner.jobs().at(index).progress;
        if (progress.bytesTotal > 0) {
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(1000 * progress.bytesDone / progress.bytesTotal));
        } else {
            m_progress->setRange(0, 0);
        }
    });
    connect(&runner, &JobRunner::jobFinished, this, [this, &runner](quint64 id) {
        if (id != m_rotationJob)
            return;
        m_rotationJob = 0;
        m_progress->hide();
        const JobInfo* job = runner.job(id);
        const bool succeeded = job && job->state == JobState::Succeeded;
        const QString summary = job ? job->outcome : tr("The rotation's job is gone.");
        keysChangedHere();
        if (succeeded) {
            // The new key has no copy elsewhere yet: point at it.
            selectKey(*m_rotatedTo);
            showOutcome(summary + QLatin1Char(' ') +
                        tr("Export the new key or print its paper key now."));
        } else {
            showFailure(tr("Rotation failed: %1").arg(summary));
        }
        updateButtons();
        Q_EMIT rotationFinished(succeeded, summary);
    });

    if (!m_keys) {
        for (QPushButton* action : {m_new, m_import, m_export, m_paper, m_rotate, m_remove})
            action->setEnabled(false);
        showFailure(tr("This build has no keyring support: master keys cannot be kept."));
    }
    refresh();
    resize(1060, 380);
}

void KeysDialog::refresh()
{
    const QString selected = selectedFingerprint();
    m_model->setKeys(m_keys ? m_keys->list() : QList<KeyInfo>());
    m_view->resizeColumnsToContents();
    if (!selected.isEmpty())
        selectKey(selected);
}

QString KeysDialog::selectedFingerprint() const
{
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid() || !m_view->selectionModel()->isSelected(index))
        return {};
    return index.siblingAtColumn(KeyTableModel::Fingerprint).data(Qt::UserRole).toString();
}

std::optional<KeyInfo> KeysDialog::selectedKey() const
{
    const int row = m_model->rowOf(selectedFingerprint());
    if (row < 0)
        return std::nullopt;
    return m_model->keys().at(row);
}

void KeysDialog::selectKey(const QString& fingerprint)
{
    const int row = m_model->rowOf(fingerprint);
    if (row >= 0)
        m_view->selectRow(row);
}

QString KeysDialog::statusText() const
{
    return m_problem->text().isEmpty() ? m_status->text() : m_problem->text();
}

void KeysDialog::updateButtons()
{
    if (!m_keys)
        return;
    const auto key = selectedKey();
    const QString noKey = tr("Select a key first.");
    // A rotation adds a key: other changes wait until it is done.
    const bool rotating = m_rotationJob != 0;
    m_new->setEnabled(!rotating);
    m_import->setEnabled(!rotating);
    m_export->setEnabled(key.has_value() && !rotating);
    m_export->setToolTip(key ? tr("Write the key to a file (mode 0600)") : noKey);
    m_paper->setEnabled(key.has_value() && !rotating);
    m_paper->setToolTip(key ? tr("Save the key as a printable PDF with a QR code") : noKey);
    QString rotateRefusal;
    if (!key)
        rotateRefusal = noKey;
    else if (!key->canUnwrap)
        rotateRefusal = tr("Only the public half of this key is here: rotate it on the host "
                           "that holds its private key.");
    else if (rotating)
        rotateRefusal = tr("A rotation is running.");
    m_rotate->setEnabled(rotateRefusal.isEmpty());
    m_rotate->setToolTip(rotateRefusal.isEmpty()
                             ? tr("Make a new key and rewrap this key's backups with it")
                             : rotateRefusal);
    m_remove->setEnabled(key.has_value() && !rotating);
    m_remove->setToolTip(key ? tr("Remove the key from this host") : noKey);
}

void KeysDialog::showOutcome(const QString& text)
{
    m_problem->clear();
    m_status->setText(text);
}

void KeysDialog::showFailure(const QString& message)
{
    m_problem->setText(message);
    Q_EMIT failed(message);
}

void KeysDialog::keysChangedHere()
{
    // The context re-reads the index, updates the models and tells every view.
    m_context.notifyKeysChanged();
    refresh();
}

// ---------------------------------------------------------------- actions

void KeysDialog::createKey(KeySet::Kind kind, const QString& label)
{
    if (!m_keys)
        return;
    showOutcome(tr("Creating a key…"));
    runInBackground(
        this,
        [keys = m_keys, kind, label] { return keys->add(generateKeySet(kind, label)).fingerprint; },
        [this](const AsyncOutcome<QString>& outcome) {
            if (!outcome.ok())
                return showFailure(tr("The key could not be created: %1").arg(outcome.error));
            keysChangedHere();
            selectKey(*outcome.value);
            showOutcome(tr("Created key %1. Export it or print the paper key before encrypting "
                           "backups with it.")
                            .arg(*outcome.value));
            Q_EMIT keyAdded(*outcome.value);
        },
        keyStorePool());
}

void KeysDialog::importKeyText(const QString& text)
{
    if (!m_keys)
        return;
    runInBackground(
        this,
        [keys = m_keys, text] { return keys->add(ember::importKeyText(text), true).fingerprint; },
        [this](const AsyncOutcome<QString>& outcome) {
            if (!outcome.ok())
                return showFailure(tr("The key could not be imported: %1").arg(outcome.error));
            keysChangedHere();
            selectKey(*outcome.value);
            showOutcome(tr("Imported key %1.").arg(*outcome.value));
            Q_EMIT keyAdded(*outcome.value);
        },
        keyStorePool());
}

void KeysDialog::importKeyFile(const QString& path)
{
    if (!m_keys)
        return;
    runInBackground(
        this,
        [keys = m_keys, path] {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                throw Error(tr("Cannot read %1: %2").arg(path, file.errorString()));
            // A key file is a few hundred bytes; anything far bigger is not one.
            const QByteArray content = file.read(64 * 1024);
            return keys->add(ember::importKeyText(QString::fromUtf8(content)), true).fingerprint;
        },
        [this, path](const AsyncOutcome<QString>& outcome) {
            if (!outcome.ok())
                return showFailure(
                    tr("The key in %1 could not be imported: %2").arg(path, outcome.error));
            keysChangedHere();
            selectKey(*outcome.value);
            showOutcome(tr("Imported key %1 from %2.").arg(*outcome.value, path));
            Q_EMIT keyAdded(*outcome.value);
        },
        keyStorePool());
}

void KeysDialog::exportKey(const QString& fingerprint, KeyPart part, const QString& path)
{
    if (!m_keys)
        return;
    runInBackground(
        this,
        [keys = m_keys, fingerprint, part, path] {
            writeKeyFileBlocking(*keys, fingerprint, part, path);
        },
        [this, fingerprint, part, path](const AsyncOutcome<void>& outcome) {
            if (!outcome.ok())
                return showFailure(tr("The key could not be exported: %1").arg(outcome.error));
            keysChangedHere();
            showOutcome(part == KeyPart::PublicOnly
                            ? tr("Wrote the public key of %1 to %2.").arg(fingerprint, path)
                            : tr("Wrote key %1 to %2. Keep the file somewhere safe, away from "
                                 "this host.")
                                  .arg(fingerprint, path));
            Q_EMIT keyExported(fingerprint, path);
        },
        keyStorePool());
}

void KeysDialog::printPaperKey(const QString& fingerprint, KeyPart part, const QString& pdfPath)
{
    if (!m_keys)
        return;
    runInBackground(
        this,
        [keys = m_keys, fingerprint, part, pdfPath] {
            return writePaperKeyBlocking(*keys, fingerprint, part, pdfPath);
        },
        [this, fingerprint, pdfPath](const AsyncOutcome<QImage>& outcome) {
            if (!outcome.ok())
                return showFailure(tr("The paper key could not be written: %1").arg(outcome.error));
            m_preview = *outcome.value;
            m_qrLabel->setPixmap(QPixmap::fromImage(
                m_preview.scaled(160, 160, Qt::KeepAspectRatio, Qt::FastTransformation)));
            m_qrLabel->setToolTip(tr("The QR code on the paper key %1").arg(pdfPath));
            m_qrLabel->show();
            keysChangedHere();
            showOutcome(tr("Wrote the paper key of %1 to %2. Print it and keep it somewhere "
                           "safe; then delete the file.")
                            .arg(fingerprint, pdfPath));
            Q_EMIT paperKeyWritten(fingerprint, pdfPath);
        },
        keyStorePool());
}

void KeysDialog::rotateKey(const QString& fingerprint)
{
    if (!m_keys || m_rotationJob != 0)
        return;
    JobSpec spec;
    spec.kind = QStringLiteral("rotate-key");
    spec.title = tr("Rotate key %1").arg(fingerprint);
    // Written by the job before it ends, read when it has ended.
    m_rotatedTo = std::make_shared<QString>();
    spec.work = [keys = m_keys, fingerprint, rotatedTo = m_rotatedTo](BackupService& service,
                                                                      OperationControl& control) {
        const KeySet fresh = rotatedKey(storedKeyBlocking(*keys, fingerprint));
        *rotatedTo = fresh.fingerprint;
        // The new key is kept before any backup depends on it.
        keys->add(fresh);
        control.log(tr("new key %1").arg(fresh.fingerprint));
        const BackupService::KeyRotationReport report =
            service.rotateKey(fingerprint, fresh, control);
        QStringList outcome{
            tr("New key %1: %n backup(s) rewrapped.", "", int(report.rewrapped.size()))
                .arg(fresh.fingerprint)};
        if (!report.backendsSwitched.isEmpty())
            outcome.append(tr("Backends now using it: %1.")
                               .arg(report.backendsSwitched.join(QStringLiteral(", "))));
        outcome.append(
            report.refused.isEmpty()
                ? tr("The old key %1 is no longer needed and can be removed.").arg(fingerprint)
                : tr("%n backup(s) still need the old key %1: keep it.", "",
                     int(report.refused.size()))
                      .arg(fingerprint));
        // Each refusal with its reason, so the admin knows what to do next.
        for (const auto& refusal : report.refused)
            outcome.append(
                tr("Backup %1 keeps the old key: %2.").arg(refusal.first, refusal.second));
        return outcome.join(QLatin1Char(' '));
    };
    m_rotationJob = m_context.runner().submit(std::move(spec));
    m_progress->setRange(0, 0);
    m_progress->show();
    showOutcome(tr("Rotating key %1…").arg(fingerprint));
    updateButtons();
}

void KeysDialog::removeKey(const QString& fingerprint)
{
    if (!m_keys)
        return;
    runInBackground(
        this, [keys = m_keys, fingerprint] { keys->remove(fingerprint); },
        [this, fingerprint](const AsyncOutcome<void>& outcome) {
            if (!outcome.ok())
                return showFailure(tr("The key could not be removed: %1").arg(outcome.error));
            keysChangedHere();
            showOutcome(tr("Removed key %1 from this host.").arg(fingerprint));
            Q_EMIT keyRemoved(fingerprint);
        },
        keyStorePool());
}

// ---------------------------------------------------------------- asking first

void KeysDialog::askNewKey()
{
    auto* ask = new QDialog(this);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    ask->setObjectName(QStringLiteral("newKeyDialog"));
    ask->setWindowTitle(tr("New Key"));
    auto* form = new QFormLayout(ask);
    auto* kind = new QComboBox(ask);
    kind->setObjectName(QStringLiteral("keyKind"));
    kind->addItem(tr("AES-256 (symmetric: this host backs up and restores)"),
                  int(KeySet::Kind::Symmetric));
    kind->addItem(tr("X25519 key pair (hosts with only the public key cannot restore)"),
                  int(KeySet::Kind::X25519));
    form->addRow(tr("&Kind:"), kind);
    auto* label = new QLineEdit(ask);
    label->setObjectName(QStringLiteral("keyLabel"));
    label->setPlaceholderText(tr("e.g. prod backups 2026"));
    form->addRow(tr("&Label:"), label);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, ask);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, ask, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, ask, &QDialog::reject);
    connect(ask, &QDialog::accepted, this, [this, kind, label] {
        createKey(KeySet::Kind(kind->currentData().toInt()), label->text().trimmed());
    });
    ask->open();
}

void KeysDialog::askImport()
{
    auto* ask = new QDialog(this);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    ask->setObjectName(QStringLiteral("importKeyDialog"));
    ask->setWindowTitle(tr("Import Key"));
    auto* layout = new QVBoxLayout(ask);
    layout->addWidget(new QLabel(
        tr("Paste a key file's text, or type the paper key in (spaces and case do not matter):"),
        ask));
    auto* text = new QPlainTextEdit(ask);
    text->setObjectName(QStringLiteral("keyText"));
    text->setFont(QFont(QStringLiteral("monospace")));
    layout->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, ask);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    QPushButton* fromFile = buttons->addButton(tr("From &File…"), QDialogButtonBox::ActionRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, ask, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, ask, &QDialog::reject);
    connect(ask, &QDialog::accepted, this, [this, text] { importKeyText(text->toPlainText()); });
    connect(fromFile, &QPushButton::clicked, ask, [this, ask] {
        auto* files = new QFileDialog(this, tr("Import Key File"));
        files->setAttribute(Qt::WA_DeleteOnClose);
        files->setFileMode(QFileDialog::ExistingFile);
        files->setNameFilter(tr("Key files (*.key *.txt);;All files (*)"));
        connect(files, &QFileDialog::fileSelected, this,
                [this](const QString& path) { importKeyFile(path); });
        ask->reject();
        files->open();
    });
    ask->resize(560, 320);
    ask->open();
}

void KeysDialog::askExport()
{
    const auto key = selectedKey();
    if (!key)
        return;
    chooseKeyExport(this, *key, tr("Export Key"), tr("Key files (*.key)"), QStringLiteral("key"),
                    [this, fingerprint = key->fingerprint](KeyPart part, const QString& path) {
                        exportKey(fingerprint, part, path);
                    });
}

void KeysDialog::askPaperKey()
{
    const auto key = selectedKey();
    if (!key)
        return;
    chooseKeyExport(this, *key, tr("Print Paper Key"), tr("PDF files (*.pdf)"),
                    QStringLiteral("pdf"),
                    [this, fingerprint = key->fingerprint](KeyPart part, const QString& path) {
                        printPaperKey(fingerprint, part, path);
                    });
}

void KeysDialog::askRotate()
{
    const auto key = selectedKey();
    if (!key)
        return;
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Rotate Key"),
        tr("Make a new key to replace %1? The data keys of its backups are wrapped again with "
           "the new key (their objects are not rewritten), and backends using it switch to the "
           "new key. Export the new key afterwards.")
            .arg(key->fingerprint),
        QMessageBox::Cancel, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* rotate = box->addButton(tr("Rotate"), QMessageBox::AcceptRole);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, rotate, fingerprint = key->fingerprint](QAbstractButton* clicked) {
                if (clicked == rotate)
                    rotateKey(fingerprint);
            });
    box->open();
}

QString KeysDialog::usersOf(const QString& fingerprint) const
{
    const auto snapshot = m_context.snapshot();
    QStringList backends;
    for (const BackendConfig& backend : snapshot->backends)
        if (backend.options.value(QStringLiteral("ember_encryption_key")).toString() == fingerprint)
            backends.append(backend.name);
    int backups = 0;
    for (const Backup& backup : snapshot->backups)
        if (backup.encryptionKeyFingerprint == fingerprint)
            ++backups;
    QStringList lines;
    if (!backends.isEmpty())
        lines.append(tr("Backends encrypting new backups with it: %1.")
                         .arg(backends.join(QStringLiteral(", "))));
    if (backups > 0)
        lines.append(tr("%n backup(s) are encrypted with it: without this key they cannot be "
                        "restored or verified.",
                        "", backups));
    return lines.join(QLatin1Char('\n'));
}

void KeysDialog::askRemove()
{
    const auto key = selectedKey();
    if (!key)
        return;
    QString text = tr("Remove key %1 (%2) from this host?").arg(key->fingerprint, key->label);
    const QString users = usersOf(key->fingerprint);
    if (!users.isEmpty())
        text += QLatin1Char('\n') + users;
    if (!key->exported)
        text += QLatin1Char('\n') + tr("No copy of this key exists outside this host: once "
                                       "removed it is gone for good.");
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Remove Key"), text, QMessageBox::Cancel, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("removeKeyBox"));
    QPushButton* remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, remove, fingerprint = key->fingerprint](QAbstractButton* clicked) {
                if (clicked == remove)
                    removeKey(fingerprint);
            });
    box->open();
}

} // namespace ember::ui
