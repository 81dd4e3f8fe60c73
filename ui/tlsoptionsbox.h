// The "TLS" group of the Swift page and the cloud wizard: a CA certificate
// file with a Browse… button, and the insecure switch with a red warning shown
// only while it is on.
#pragma once

#include <QGroupBox>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace ember::ui {

class TlsOptionsBox : public QGroupBox
{
    Q_OBJECT
public:
    // The children are named caCertFile, insecure and insecureWarning, after
    // namePrefix if one is given ("swift" gives swiftCaCertFile, …); tests
    // find them by these names. insecureWarning says what is at risk without
    // certificate checks, in the page's own words.
    TlsOptionsBox(const QString& namePrefix, const QString& insecureWarning,
                  QWidget* parent = nullptr);

    QLineEdit* caCertFile() const { return m_caCertFile; }
    QCheckBox* insecure() const { return m_insecure; }
    QLabel* insecureWarning() const { return m_insecureWarning; }

    // Why the CA certificate file cannot be used, or empty (none given is fine).
    QString caCertFileProblem() const;

private:
    QLineEdit* m_caCertFile = nullptr;
    QCheckBox* m_insecure = nullptr;
    QLabel* m_insecureWarning = nullptr;
};

} // namespace ember::ui
