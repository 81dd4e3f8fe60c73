#include "tlsoptionsbox.h"

#include "dialogbuttons.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace ember::ui {

namespace {

// "caCertFile" alone, or "swiftCaCertFile" after the prefix "swift".
QString childName(const QString& prefix, const QString& name)
{
    if (prefix.isEmpty())
        return name;
    return prefix + name.front().toUpper() + name.mid(1);
}

} // namespace

TlsOptionsBox::TlsOptionsBox(const QString& namePrefix, const QString& insecureWarning,
                             QWidget* parent)
    : QGroupBox(tr("TLS"), parent)
{
    auto* form = new QFormLayout(this);
    auto* caRow = new QHBoxLayout;
    m_caCertFile = new QLineEdit(this);
    m_caCertFile->setObjectName(childName(namePrefix, QStringLiteral("caCertFile")));
    m_caCertFile->setPlaceholderText(tr("the system's trusted certificates"));
    caRow->addWidget(m_caCertFile);
    caRow->addWidget(browseButton(this, m_caCertFile, tr("Bro&wse…"), tr("CA Certificate File"),
                                  QFileDialog::ExistingFile,
                                  tr("Certificates (*.pem *.crt *.cer);;All files (*)")));
    auto* caLabel = new QLabel(tr("CA c&ertificate file:"), this);
    caLabel->setBuddy(m_caCertFile); // a row of widgets has no buddy of its own
    form->addRow(caLabel, caRow);
    m_insecure = new QCheckBox(tr("Do not check &certificates (insecure)"), this);
    m_insecure->setObjectName(childName(namePrefix, QStringLiteral("insecure")));
    form->addRow(QString(), m_insecure);
    m_insecureWarning = new QLabel(insecureWarning, this);
    m_insecureWarning->setObjectName(childName(namePrefix, QStringLiteral("insecureWarning")));
    m_insecureWarning->setStyleSheet(QStringLiteral("color: #c62828"));
    m_insecureWarning->setWordWrap(true);
    m_insecureWarning->setVisible(false);
    form->addRow(m_insecureWarning);

    connect(m_insecure, &QCheckBox::toggled, m_insecureWarning, &QLabel::setVisible);
}

QString TlsOptionsBox::caCertFileProblem() const
{
    const QString caFile = m_caCertFile->text().trimmed();
    if (!caFile.isEmpty() && !QFileInfo(caFile).isFile())
        return tr("The CA certificate file %1 does not exist.").arg(caFile);
    return {};
}

} // namespace ember::ui
