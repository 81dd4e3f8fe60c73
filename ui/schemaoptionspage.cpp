#include "schemaoptionspage.h"

#include "dialogbuttons.h"
#include "problemlabel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QVBoxLayout>

#include <climits>
#include <cmath>

namespace ember::ui {

namespace {

// Doubles hold integers exactly up to 2^53: the widest range a
// QDoubleSpinBox can offer an Integer option without rounding.
constexpr double kExactIntegerLimit = 9007199254740992.0;

bool fitsInt(double value)
{
    return value >= double(INT_MIN) && value <= double(INT_MAX);
}

QString valueText(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (std::floor(number) == number && std::fabs(number) < kExactIntegerLimit)
            return QString::number(qint64(number));
        return QString::number(number, 'g', 15);
    }
    case QJsonValue::String:
        return value.toString();
    default:
        return {};
    }
}

// Paths naming a file (a CA bundle, a ceph.conf, a keyring), not a directory.
bool namesFile(const QString& key)
{
    for (const char* hint : {"file", "conf", "keyring", "cert", "optfile", "dsmc"})
        if (key.contains(QLatin1String(hint)))
            return true;
    return false;
}

} // namespace

SchemaOptionsPage::SchemaOptionsPage(const QString& type, QWidget* parent)
    : BackendOptionsPage(parent)
{
    if (const BackendType* registered = findBackendType(type))
        m_type = *registered;
    else
        m_type.type = type;
    setObjectName(QStringLiteral("%1Page").arg(type));
    setTitle(m_type.displayName.isEmpty() ? type : m_type.displayName);
    setSubTitle(m_type.description);

    QVBoxLayout* layout = scrollingLayout();
    QWidget* content = layout->parentWidget();
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    layout->addLayout(form);

    m_showAdvanced = new QCheckBox(tr("Show &advanced options"), content);
    m_showAdvanced->setObjectName(QStringLiteral("showAdvanced"));
    layout->addWidget(m_showAdvanced);
    m_advanced = new QWidget(content);
    m_advanced->setObjectName(QStringLiteral("advancedOptions"));
    auto* advancedForm = new QFormLayout(m_advanced);
    advancedForm->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    advancedForm->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_advanced);
    m_advanced->setVisible(false);
    connect(m_showAdvanced, &QCheckBox::toggled, m_advanced, &QWidget::setVisible);

    bool anyAdvanced = false;
    for (const OptionSpec& spec : std::as_const(m_type.options)) {
        QWidget* parentWidget = spec.advanced ? m_advanced : content;
        QWidget* editor = createEditor(spec, parentWidget);
        m_editors.insert(spec.key, editor);
        QString toolTip = spec.help;
        if (!spec.defaultValue.isNull() && !spec.secret)
            toolTip += tr("\nDefault: %1").arg(valueText(spec.defaultValue));
        toolTip += QStringLiteral("\n(%1)").arg(spec.key);
        editor->setToolTip(toolTip.trimmed());
        auto* label = new QLabel((spec.label.isEmpty() ? spec.key : spec.label) + QLatin1Char(':'),
                                 parentWidget);
        label->setBuddy(editor);
        label->setToolTip(editor->toolTip());
        QFormLayout* target = spec.advanced ? advancedForm : form;
        if (spec.kind == OptionSpec::Kind::Path) {
            auto* row = new QHBoxLayout;
            row->addWidget(editor);
            row->addWidget(browseButton(parentWidget, static_cast<QLineEdit*>(editor),
                                        tr("Browse…"), spec.label.isEmpty() ? spec.key : spec.label,
                                        namesFile(spec.key) ? QFileDialog::ExistingFile
                                                            : QFileDialog::Directory));
            target->addRow(label, row);
        } else {
            target->addRow(label, editor);
        }
        anyAdvanced = anyAdvanced || spec.advanced;
    }
    m_showAdvanced->setVisible(anyAdvanced);

    m_extra = new QVBoxLayout;
    layout->addLayout(m_extra);
    m_problems = problemLabel(content);
    layout->addWidget(m_problems);
    layout->addStretch(1);
    refreshProblems();
}

QWidget* SchemaOptionsPage::createEditor(const OptionSpec& spec, QWidget* parent)
{
    QWidget* editor = nullptr;
    const auto changed = [this] { refreshProblems(); };
    const bool numeric =
        spec.kind == OptionSpec::Kind::Integer || spec.kind == OptionSpec::Kind::Number;
    if (spec.kind == OptionSpec::Kind::Boolean) {
        auto* box = new QCheckBox(parent);
        box->setChecked(spec.defaultValue.toBool(false));
        connect(box, &QCheckBox::toggled, this, changed);
        editor = box;
    } else if (spec.kind == OptionSpec::Kind::Choice) {
        auto* box = new QComboBox(parent);
        // No default (or an empty one): "not set" comes first, so the form
        // writes nothing until a choice is made.
        if (spec.defaultValue.toString().isEmpty())
            box->addItem(spec.required ? tr("(choose one)") : tr("(not set)"), QString());
        for (const QString& choice : spec.choices)
            if (!choice.isEmpty()) // "none" is the "not set" entry above
                box->addItem(choice, choice);
        box->setCurrentIndex(qMax(0, box->findData(spec.defaultValue.toString())));
        connect(box, &QComboBox::currentIndexChanged, this, changed);
        editor = box;
    } else if (numeric && spec.defaultValue.isDouble()) {
        const double minimum = std::max(spec.minimum, -kExactIntegerLimit);
        const double maximum = std::min(spec.maximum, kExactIntegerLimit);
        const double initial = spec.defaultValue.toDouble();
        if (spec.kind == OptionSpec::Kind::Integer && fitsInt(minimum) && fitsInt(maximum)) {
            auto* box = new QSpinBox(parent);
            box->setRange(int(minimum), int(maximum));
            box->setValue(int(initial));
            connect(box, &QSpinBox::valueChanged, this, changed);
            editor = box;
        } else {
            // Beyond int (a 5 GiB object size): a double spin box, whole
            // numbers only for an Integer option.
            auto* box = new QDoubleSpinBox(parent);
            box->setDecimals(spec.kind == OptionSpec::Kind::Integer ? 0 : 3);
            box->setRange(minimum, maximum);
            box->setValue(initial);
            connect(box, &QDoubleSpinBox::valueChanged, this, changed);
            editor = box;
        }
        static_cast<QAbstractSpinBox*>(editor)->setAlignment(Qt::AlignRight);
        // 52,428,800 reads better than 52428800.
        static_cast<QAbstractSpinBox*>(editor)->setGroupSeparatorShown(true);
    } else {
        // Text, Path, Url, secrets, and numbers without a default (empty =
        // not set, so no number is forced on the user).
        auto* edit = new QLineEdit(parent);
        if (spec.secret) {
            edit->setEchoMode(QLineEdit::Password);
            edit->setPlaceholderText(tr("kept in the keyring"));
        } else if (!spec.defaultValue.isNull() && !valueText(spec.defaultValue).isEmpty()) {
            edit->setPlaceholderText(tr("default: %1").arg(valueText(spec.defaultValue)));
        } else if (spec.required) {
            edit->setPlaceholderText(tr("required"));
        }
        if (numeric)
            edit->setValidator(new QRegularExpressionValidator(
                QRegularExpression(spec.kind == OptionSpec::Kind::Integer
                                       ? QStringLiteral("-?[0-9]*")
                                       : QStringLiteral("-?[0-9]*[.]?[0-9]*([eE][-+]?[0-9]*)?")),
                edit));
        connect(edit, &QLineEdit::textChanged, this, changed);
        editor = edit;
    }
    editor->setObjectName(QStringLiteral("option_%1").arg(spec.key));
    return editor;
}

void SchemaOptionsPage::setEditorValue(const OptionSpec& spec, const QJsonValue& value)
{
    QWidget* editor = m_editors.value(spec.key);
    if (auto* box = qobject_cast<QCheckBox*>(editor)) {
        box->setChecked(value.isString() ? value.toString() == QLatin1String("true")
                                         : value.toBool(false));
    } else if (auto* box = qobject_cast<QComboBox*>(editor)) {
        const QString text = valueText(value);
        if (!text.isEmpty() && box->findData(text) < 0)
            box->addItem(text, text); // an unknown choice stays visible (and reported)
        box->setCurrentIndex(qMax(0, box->findData(text)));
    } else if (auto* box = qobject_cast<QSpinBox*>(editor)) {
        box->setValue(int(value.toDouble(spec.defaultValue.toDouble())));
    } else if (auto* box = qobject_cast<QDoubleSpinBox*>(editor)) {
        box->setValue(value.toDouble(spec.defaultValue.toDouble()));
    } else if (auto* edit = qobject_cast<QLineEdit*>(editor)) {
        edit->setText(valueText(value));
    }
}

void SchemaOptionsPage::load(const BackendConfig& backend)
{
    m_loaded = backend.options;
    m_editing = true;
    for (const OptionSpec& spec : std::as_const(m_type.options)) {
        if (spec.secret) {
            // The stored secret stays in the keyring; typing one replaces it.
            if (auto* edit = qobject_cast<QLineEdit*>(m_editors.value(spec.key)))
                edit->setPlaceholderText(tr("kept in the keyring; type to replace it"));
            continue;
        }
        setEditorValue(spec, backend.options.contains(spec.key) ? backend.options.value(spec.key)
                                                                : spec.defaultValue);
        if (spec.advanced && backend.options.contains(spec.key))
            m_showAdvanced->setChecked(true);
    }
    refreshProblems();
}

QJsonObject SchemaOptionsPage::formOptions(QStringList* parseProblems) const
{
    QJsonObject result;
    for (const OptionSpec& spec : std::as_const(m_type.options)) {
        if (spec.secret)
            continue;
        QWidget* editor = m_editors.value(spec.key);
        QJsonValue value;
        if (auto* box = qobject_cast<QCheckBox*>(editor)) {
            value = box->isChecked();
        } else if (auto* box = qobject_cast<QComboBox*>(editor)) {
            const QString choice = box->currentData().toString();
            if (!choice.isEmpty())
                value = choice;
        } else if (auto* box = qobject_cast<QSpinBox*>(editor)) {
            value = qint64(box->value());
        } else if (auto* box = qobject_cast<QDoubleSpinBox*>(editor)) {
            value = spec.kind == OptionSpec::Kind::Integer ? QJsonValue(qint64(box->value()))
                                                           : QJsonValue(box->value());
        } else if (auto* edit = qobject_cast<QLineEdit*>(editor)) {
            const QString text = edit->text().trimmed();
            if (!text.isEmpty()) {
                try {
                    value = parseOptionValue(spec, text);
                } catch (const std::exception& error) {
                    if (parseProblems)
                        parseProblems->append(QString::fromUtf8(error.what()));
                    continue;
                }
            } else if (m_loaded.contains(spec.key) && !spec.defaultValue.isNull()) {
                // Cleared while editing: back to the default, written so it
                // replaces the stored value.
                value = spec.defaultValue;
            }
        }
        if (value.isNull() || value.isUndefined())
            continue;
        const bool atDefault =
            value == spec.defaultValue || (value.isDouble() && spec.defaultValue.isDouble() &&
                                           value.toDouble() == spec.defaultValue.toDouble());
        if (!atDefault || m_loaded.contains(spec.key))
            result.insert(spec.key, value);
    }
    return result;
}

QJsonObject SchemaOptionsPage::options() const
{
    return formOptions(nullptr);
}

QMap<QString, QString> SchemaOptionsPage::secrets() const
{
    QMap<QString, QString> result;
    for (const OptionSpec& spec : std::as_const(m_type.options)) {
        if (!spec.secret)
            continue;
        if (auto* edit = qobject_cast<QLineEdit*>(m_editors.value(spec.key)))
            if (!edit->text().isEmpty())
                result.insert(spec.key, edit->text());
    }
    return result;
}

QWidget* SchemaOptionsPage::editor(const QString& key) const
{
    return m_editors.value(key);
}

QStringList SchemaOptionsPage::problems() const
{
    return m_shownProblems;
}

void SchemaOptionsPage::refreshProblems()
{
    QStringList problems;
    const QJsonObject options = formOptions(&problems);
    // Options the form does not show (set by ember-cli) are checked too.
    QJsonObject all = m_loaded;
    for (const OptionSpec& spec : std::as_const(m_type.options))
        all.remove(spec.key);
    for (auto it = options.begin(); it != options.end(); ++it)
        all.insert(it.key(), it.value());
    problems += optionProblems(m_type, all);
    // A new backend needs its required secrets; an edited one keeps the stored ones.
    if (!m_editing) {
        const QMap<QString, QString> entered = secrets();
        for (const OptionSpec& spec : std::as_const(m_type.options))
            if (spec.secret && spec.required && !entered.contains(spec.key))
                problems.append(tr("Enter the %1 (it is kept in the keyring).")
                                    .arg(spec.label.isEmpty() ? spec.key : spec.label));
    }
    problems.removeDuplicates();
    m_problems->setText(problems.join(u'\n'));
    m_problems->setVisible(!problems.isEmpty());
    if (problems == m_shownProblems)
        return;
    m_shownProblems = problems;
    Q_EMIT completeChanged();
}

bool SchemaOptionsPage::isComplete() const
{
    return m_shownProblems.isEmpty() && BackendOptionsPage::isComplete();
}

bool SchemaOptionsPage::validatePage()
{
    refreshProblems();
    return m_shownProblems.isEmpty();
}

} // namespace ember::ui
