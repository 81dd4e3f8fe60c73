// A backend options page built from the plugin's option schema
// (BackendType::options): one field per option, of the option's kind, with
// its label, default and help as tooltip; secrets as password fields (kept in
// the keyring); advanced options behind an "Advanced" toggle; every problem
// from optionProblems() shown under the form and blocking Next. A backend
// without special needs uses it as is; a richer page (S3's bucket offer)
// derives from it.
#pragma once

#include "backendwizard.h"

#include <QHash>

class QCheckBox;
class QFormLayout;
class QLabel;
class QWidget;

namespace ember::ui {

class SchemaOptionsPage : public BackendOptionsPage
{
    Q_OBJECT
public:
    // `type` must be a registered backend type (findBackendType).
    SchemaOptionsPage(const QString& type, QWidget* parent = nullptr);

    QString backendType() const override { return m_type.type; }
    void load(const BackendConfig& backend) override;
    // Set fields only: an option left at its default is not written.
    QJsonObject options() const override;
    QMap<QString, QString> secrets() const override;
    bool isComplete() const override;
    bool validatePage() override;

    const BackendType& schema() const { return m_type; }
    // The editor of an option (QLineEdit, QSpinBox, QDoubleSpinBox,
    // QCheckBox or QComboBox), named "option_<key>" for tests. Null if unknown.
    QWidget* editor(const QString& key) const;
    // The current problems (optionProblems of the form's values), as shown.
    QStringList problems() const;

protected:
    // Where derived pages add their own widgets, below the form.
    QVBoxLayout* extraLayout() const { return m_extra; }
    void refreshProblems();

private:
    QWidget* createEditor(const OptionSpec& spec, QWidget* parent);
    void setEditorValue(const OptionSpec& spec, const QJsonValue& value);
    // The form's values as options (set fields only), and every value that
    // does not parse as its option's kind, one sentence each.
    QJsonObject formOptions(QStringList* parseProblems) const;

    BackendType m_type;
    QHash<QString, QWidget*> m_editors;
    QVBoxLayout* m_extra = nullptr;
    QLabel* m_problems = nullptr;
    QCheckBox* m_showAdvanced = nullptr;
    QWidget* m_advanced = nullptr;
    // The options of the backend being edited: those stay written even when
    // set back to their default, or the wizard would keep the old value.
    QJsonObject m_loaded;
    bool m_editing = false;
    QStringList m_shownProblems;
};

} // namespace ember::ui
