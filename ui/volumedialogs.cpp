#include "volumedialogs.h"

#include "volumedevice.h"

#include "chainrules.h"
#include "dialogbuttons.h"
#include "problemlabel.h"
#include "statusstyle.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ember::ui {

AddVolumeDialog::AddVolumeDialog(const QString& defaultDirectory, QWidget* parent)
    : QDialog(parent), m_defaultDirectory(defaultDirectory)
{
    setWindowTitle(tr("Add Volume"));
    setObjectName(QStringLiteral("addVolumeDialog"));
    auto* layout = new QVBoxLayout(this);

    m_existing = new QRadioButton(tr("An &existing image file or block device"), this);
    m_newImage = new QRadioButton(tr("A &new sparse image file"), this);
    m_existing->setChecked(true);
    layout->addWidget(m_existing);
    layout->addWidget(m_newImage);

    auto* form = new QFormLayout;
    auto* pathRow = new QHBoxLayout;
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("path"));
    m_path->setPlaceholderText(tr("/path/to/volume.img or /dev/sdX"));
    auto* browse = new QPushButton(tr("&Browse…"), this);
    pathRow->addWidget(m_path);
    pathRow->addWidget(browse);
    auto* pathLabel = new QLabel(tr("&Path:"), this);
    pathLabel->setBuddy(m_path);
    form->addRow(pathLabel, pathRow);

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("defaults to the file name"));
    form->addRow(tr("N&ame:"), m_name);

    auto* sizeRow = new QHBoxLayout;
    m_size = new QSpinBox(this);
    m_size->setObjectName(QStringLiteral("size"));
    m_size->setRange(1, 1024 * 1024);
    m_size->setValue(1);
    m_sizeUnit = new QComboBox(this);
    m_sizeUnit->addItem(tr("MiB"), qint64(1) << 20);
    m_sizeUnit->addItem(tr("GiB"), qint64(1) << 30);
    m_sizeUnit->setCurrentIndex(1);
    sizeRow->addWidget(m_size);
    sizeRow->addWidget(m_sizeUnit);
    sizeRow->addStretch();
    auto* sizeLabel = new QLabel(tr("&Size:"), this);
    sizeLabel->setBuddy(m_size);
    form->addRow(sizeLabel, sizeRow);
    layout->addLayout(form);

    m_problem = problemLabel(this);
    layout->addWidget(m_problem);

    m_buttons = okCancelButtons(this, layout, tr("Add Volume"));

    connect(browse, &QPushButton::clicked, this, &AddVolumeDialog::browse);
    for (QRadioButton* radio : {m_existing, m_newImage})
        connect(radio, &QRadioButton::toggled, this, &AddVolumeDialog::validate);
    connect(m_path, &QLineEdit::textChanged, this, &AddVolumeDialog::validate);
    connect(m_size, &QSpinBox::valueChanged, this, &AddVolumeDialog::validate);
    validate();
}

bool AddVolumeDialog::createsNewImage() const
{
    return m_newImage->isChecked();
}

QString AddVolumeDialog::path() const
{
    return QFileInfo(m_path->text().trimmed()).absoluteFilePath();
}

QString AddVolumeDialog::name() const
{
    const QString name = m_name->text().trimmed();
    return name.isEmpty() ? QFileInfo(path()).completeBaseName() : name;
}

qint64 AddVolumeDialog::sizeBytes() const
{
    return m_size->value() * m_sizeUnit->currentData().toLongLong();
}

void AddVolumeDialog::setExisting(const QString& path, const QString& name)
{
    m_existing->setChecked(true);
    m_path->setText(path);
    m_name->setText(name);
}

void AddVolumeDialog::setNewImage(const QString& path, qint64 sizeBytes, const QString& name)
{
    m_newImage->setChecked(true);
    m_path->setText(path);
    m_name->setText(name);
    if (sizeBytes % (qint64(1) << 30) == 0) {
        m_sizeUnit->setCurrentIndex(1);
        m_size->setValue(static_cast<int>(sizeBytes >> 30));
    } else {
        m_sizeUnit->setCurrentIndex(0);
        m_size->setValue(static_cast<int>((sizeBytes + (1 << 20) - 1) >> 20));
    }
}

void AddVolumeDialog::browse()
{
    // Non-blocking file dialog: no nested event loop.
    auto* dialog = new QFileDialog(this, tr("Choose a volume"), m_defaultDirectory);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(createsNewImage() ? QFileDialog::AnyFile : QFileDialog::ExistingFile);
    dialog->setAcceptMode(createsNewImage() ? QFileDialog::AcceptSave : QFileDialog::AcceptOpen);
    connect(dialog, &QFileDialog::fileSelected, this,
            [this](const QString& file) { m_path->setText(file); });
    dialog->open();
}

void AddVolumeDialog::validate()
{
    m_size->setEnabled(createsNewImage());
    m_sizeUnit->setEnabled(createsNewImage());
    QString problem;
    const QString text = m_path->text().trimmed();
    const QFileInfo info(text);
    if (text.isEmpty()) {
        problem = tr("Enter the path of the volume.");
    } else if (createsNewImage()) {
        if (info.exists())
            problem = tr("%1 already exists; choose a new file name.").arg(text);
        else if (!QFileInfo(info.absolutePath()).isDir())
            problem = tr("The folder %1 does not exist.").arg(info.absolutePath());
    } else if (!info.exists()) {
        problem = tr("%1 does not exist.").arg(text);
    } else if (!info.isFile() && !isBlockDevice(info.absoluteFilePath())) {
        problem = tr("%1 is neither an image file nor a block device.").arg(text);
    } else if (!info.isReadable()) {
        problem = tr("You have no permission to read %1.").arg(text);
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty() && !text.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

// ---------------------------------------------------------------- reset state

VolumeResetStateDialog::VolumeResetStateDialog(const Volume& volume, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("volumeResetStateDialog"));
    setWindowTitle(tr("Reset Volume State"));
    auto* layout = new QVBoxLayout(this);
    auto* text = new QLabel(tr("Set the status of volume %1 (now “%2”) without touching its data.")
                                .arg(volume.name, statusText(volume.status)),
                            this);
    text->setWordWrap(true);
    layout->addWidget(text);
    auto* why = new QLabel(this);
    why->setObjectName(QStringLiteral("explanation"));
    why->setWordWrap(true);
    if (volume.status == VolumeStatus::ErrorRestoring)
        why->setText(tr("A restore into this volume failed or was interrupted, so it may hold "
                        "part old and part restored data. Until its status is reset Ember "
                        "neither backs it up nor restores onto it. Restore into it again, or "
                        "check its data, then set it to available."));
    else
        why->setText(tr("Use this only to repair a volume left in a wrong state (as Cinder's "
                        "reset-state does), for example after a failed or interrupted restore "
                        "left it error_restoring."));
    layout->addWidget(why);
    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("state"));
    for (const QString& state : ChainRules::volumeResetStates())
        m_state->addItem(statusIcon(state), statusText(state), state);
    m_state->setCurrentIndex(m_state->findData(VolumeStatus::Available));
    layout->addWidget(m_state);
    okCancelButtons(this, layout, tr("Reset State"));
}

QString VolumeResetStateDialog::state() const
{
    return m_state->currentData().toString();
}

void VolumeResetStateDialog::setState(const QString& state)
{
    m_state->setCurrentIndex(m_state->findData(state));
}

} // namespace ember::ui
