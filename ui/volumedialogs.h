// Adding a volume: an existing image file or block device, or a new sparse
// image file of a given size.
#pragma once

#include "records.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;
class QComboBox;
class QDialogButtonBox;

namespace ember::ui {

class AddVolumeDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AddVolumeDialog(const QString& defaultDirectory, QWidget* parent = nullptr);

    bool createsNewImage() const;
    QString path() const;
    QString name() const;
    qint64 sizeBytes() const;

    // For tests and the screenshot demo.
    void setExisting(const QString& path, const QString& name);
    void setNewImage(const QString& path, qint64 sizeBytes, const QString& name);

private:
    void browse();
    void validate();

    QString m_defaultDirectory;
    QRadioButton* m_existing = nullptr;
    QRadioButton* m_newImage = nullptr;
    QLineEdit* m_path = nullptr;
    QLineEdit* m_name = nullptr;
    QSpinBox* m_size = nullptr;
    QComboBox* m_sizeUnit = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

// Cinder's reset-state for a volume: the new status, and why a volume left
// error_restoring needs it.
class VolumeResetStateDialog : public QDialog
{
    Q_OBJECT
public:
    explicit VolumeResetStateDialog(const Volume& volume, QWidget* parent = nullptr);
    QString state() const;
    void setState(const QString& state);

private:
    QComboBox* m_state = nullptr;
};

} // namespace ember::ui
