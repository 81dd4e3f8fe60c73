#include "backendregistry.h"

#include "posixbackend.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QStandardPaths>
#include <QUrl>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#ifdef EMBER_HAVE_SWIFT
#include "swift/swiftbackend.h"
#endif
#ifdef EMBER_HAVE_CEPH
#include "ceph/cephbackend.h"
#endif
#ifdef EMBER_HAVE_TSM
#include "tsm/tsmbackend.h"
#endif
#ifdef EMBER_HAVE_S3
#include "s3/s3backend.h"
#endif

namespace ember {

namespace {
const QString kEmbeddedName = QStringLiteral("local");

[[maybe_unused]] BackendType missingBackendType(const QString& name, const QString& displayName)
{
    BackendType type;
    type.type = name;
    type.displayName = displayName;
    type.available = false;
    type.unavailableReason =
        QStringLiteral("this build of Ember has no %1 support").arg(displayName);
    return type;
}

// The keyring's part of a plugin comes from its schema alone, in schema order.
BackendType registered(BackendType type)
{
    type.secretKeys.clear();
    for (const OptionSpec& spec : std::as_const(type.options))
        if (spec.secret)
            type.secretKeys.append(spec.key);
    return type;
}
} // namespace

const OptionSpec* BackendType::option(const QString& normalizedKey) const
{
    for (const OptionSpec& spec : options)
        if (spec.key == normalizedKey)
            return &spec;
    return nullptr;
}

QStringList BackendType::optionNames() const
{
    QStringList names;
    for (const OptionSpec& spec : options)
        if (!spec.secret)
            names.append(spec.key);
    return names;
}

QString BackendType::locationKey() const
{
    for (const OptionSpec& spec : options)
        if (spec.location)
            return spec.key;
    return {};
}

QJsonValue BackendType::value(const QJsonObject& options, const QString& normalizedKey) const
{
    if (options.contains(normalizedKey))
        return options.value(normalizedKey);
    const OptionSpec* spec = option(normalizedKey);
    return spec ? spec->defaultValue : QJsonValue();
}

const BackendType* findBackendType(const QString& type)
{
    static const QList<BackendType> types = backendTypes();
    for (const BackendType& candidate : types)
        if (candidate.type == type)
            return &candidate;
    return nullptr;
}

// The registration table: one line per backend plugin.
QList<BackendType> backendTypes()
{
    const QList<BackendType> types{
        posixBackendType(),
#ifdef EMBER_HAVE_SWIFT
        swiftBackendType(),
#else
        missingBackendType(QStringLiteral("swift"), QStringLiteral("OpenStack Swift")),
#endif
#ifdef EMBER_HAVE_CEPH
        cephBackendType(),
#else
        missingBackendType(QStringLiteral("ceph"), QStringLiteral("Ceph RBD")),
#endif
#ifdef EMBER_HAVE_TSM
        tsmBackendType(),
#else
        missingBackendType(QStringLiteral("tsm"), QStringLiteral("IBM Spectrum Protect (TSM)")),
#endif
#ifdef EMBER_HAVE_S3
        s3BackendType(),
#else
        missingBackendType(QStringLiteral("s3"), QStringLiteral("Amazon S3 (and compatible)")),
#endif
    };
    QList<BackendType> result;
    for (const BackendType& type : types)
        result.append(registered(type));
    return result;
}

std::unique_ptr<BackupDriver> createDriver(const BackendConfig& config,
                                           const BackendSecrets& secrets)
{
    const BackendType* type = findBackendType(config.type);
    if (!type)
        throw Error(
            QStringLiteral("backend %1 has unknown type '%2'").arg(config.name, config.type));
    // A type whose runtime part is missing may still make drivers (TSM: its
    // backups can be listed and exported without dsmc); one without a
    // factory cannot.
    if (!type->create)
        throw Error(QStringLiteral("backend %1 cannot be used: %2")
                        .arg(config.name, type->unavailableReason.isEmpty()
                                              ? QStringLiteral("its type has no driver")
                                              : type->unavailableReason));
    return type->create(config, secrets);
}

QString normalizedOptionName(const QString& name)
{
    QString normalized = name.trimmed().toLower();
    normalized.replace(QLatin1Char('-'), QLatin1Char('_'));
    return normalized;
}

QStringList backendOptionNames(const QString& type)
{
    const BackendType* found = findBackendType(type);
    return found ? found->optionNames() : QStringList();
}

namespace {
// Edits (insert, delete, substitute) that turn `a` into `b`.
int editDistance(const QString& a, const QString& b)
{
    QList<int> previous(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        QList<int> current(b.size() + 1);
        current[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j)
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1,
                                   previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        previous = current;
    }
    return previous[b.size()];
}

// The known name closest to `normalized`, when it is close enough to be a typo.
QString closestName(const QString& normalized, const QStringList& known)
{
    QString closest;
    int best = std::numeric_limits<int>::max();
    for (const QString& candidate : known) {
        const int distance = editDistance(normalized, candidate);
        if (distance < best) {
            best = distance;
            closest = candidate;
        }
    }
    if (!closest.isEmpty() && best <= std::max<qsizetype>(3, closest.size() / 4))
        return closest;
    return {};
}

// The secret `normalized` names, in the schema's spelling (empty: not a secret).
QString secretNamed(const BackendType& type, const QString& normalized)
{
    for (const QString& secret : type.secretKeys)
        if (normalizedOptionName(secret) == normalized)
            return secret;
    for (const OptionSpec& spec : type.options)
        if (spec.secret && spec.key == normalized)
            return spec.key;
    return {};
}

QString unknownOptionMessage(const BackendType& type, const QString& name)
{
    const QStringList known = type.optionNames();
    const QString closest = closestName(normalizedOptionName(name), known);
    if (!closest.isEmpty())
        return QStringLiteral("Unknown option '%1' for a %2 backend: did you mean %3? (see "
                              "ember-cli backend-add --help)")
            .arg(name, type.type, closest);
    return QStringLiteral("Unknown option '%1' for a %2 backend; its options are: %3.")
        .arg(name, type.type,
             known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", ")));
}
} // namespace

QString checkedOptionName(const BackendType& type, const QString& backendName, const QString& name)
{
    const QString normalized = normalizedOptionName(name);
    if (const QString secret = secretNamed(type, normalized); !secret.isEmpty())
        throw Error(QStringLiteral("%1 is a secret and never goes into the configuration: "
                                   "store it with 'ember-cli backend-set-secret %2 %3' (it "
                                   "reads the value from standard input).")
                        .arg(name, backendName, secret));
    if (type.optionNames().contains(normalized))
        return normalized;
    throw Error(unknownOptionMessage(type, name));
}

namespace {
QString formatBound(const OptionSpec& option, double bound)
{
    if (option.kind == OptionSpec::Kind::Integer)
        return QString::number(qint64(bound));
    return QString::number(bound, 'g', 15);
}

// "between 1 and 64", "of at least 0", or nothing.
QString rangePhrase(const OptionSpec& option)
{
    const bool hasMinimum = std::isfinite(option.minimum);
    const bool hasMaximum = std::isfinite(option.maximum);
    if (hasMinimum && hasMaximum)
        return QStringLiteral(" between %1 and %2")
            .arg(formatBound(option, option.minimum), formatBound(option, option.maximum));
    if (hasMinimum)
        return QStringLiteral(" of at least %1").arg(formatBound(option, option.minimum));
    if (hasMaximum)
        return QStringLiteral(" of at most %1").arg(formatBound(option, option.maximum));
    return {};
}

// The unit Cinder's and Ember's option names imply.
QString unitPhrase(const OptionSpec& option)
{
    if (option.key.contains(QLatin1String("size")) || option.key.endsWith(QLatin1String("_bytes")))
        return QStringLiteral(" of bytes");
    if (option.key.contains(QLatin1String("timeout")) ||
        option.key.endsWith(QLatin1String("_seconds")))
        return QStringLiteral(" of seconds");
    return {};
}

// What an option's value must be, for messages: "a whole number of bytes
// between 65536 and 5368709120", "one of zlib, bz2, ...".
QString expectation(const OptionSpec& option)
{
    switch (option.kind) {
    case OptionSpec::Kind::Integer:
        return QStringLiteral("a whole number") + unitPhrase(option) + rangePhrase(option);
    case OptionSpec::Kind::Number:
        return QStringLiteral("a number") + unitPhrase(option) + rangePhrase(option);
    case OptionSpec::Kind::Boolean:
        return QStringLiteral("true or false");
    case OptionSpec::Kind::Choice:
        return QStringLiteral("one of ") + option.choices.join(QStringLiteral(", "));
    case OptionSpec::Kind::Url:
        return QStringLiteral("a URL such as https://host:port/path");
    case OptionSpec::Kind::Path:
        return QStringLiteral("a path");
    case OptionSpec::Kind::Text:
        break;
    }
    return QStringLiteral("text");
}

Error valueError(const OptionSpec& option, const QString& text)
{
    return Error(
        QStringLiteral("%1 must be %2, not '%3'").arg(option.key, expectation(option), text));
}

bool inRange(const OptionSpec& option, double number)
{
    return number >= option.minimum && number <= option.maximum;
}

// A stored value as the text parseOptionValue reads; nullopt for values no
// option kind takes (arrays, objects).
std::optional<QString> storedText(const QJsonValue& value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return std::nullopt;
}

// The problem with one option's value (empty: none). Values stored as text
// (older configurations) are read as parseOptionValue reads the command line.
QString valueProblem(const OptionSpec& option, const QJsonValue& value)
{
    if (value.isNull() || value.isUndefined())
        return {};
    const std::optional<QString> text = storedText(value);
    const bool textKind = option.kind == OptionSpec::Kind::Text ||
                          option.kind == OptionSpec::Kind::Path ||
                          option.kind == OptionSpec::Kind::Url;
    // A flag is not a name, a path or a number (nor is a number a path or URL).
    if (!text || (value.isBool() && option.kind != OptionSpec::Kind::Boolean) ||
        (value.isDouble() && textKind && option.kind != OptionSpec::Kind::Text))
        return QStringLiteral("%1 must be %2, not %3")
            .arg(option.key, expectation(option),
                 text              ? *text
                 : value.isArray() ? QStringLiteral("a list")
                                   : QStringLiteral("an object"));
    try {
        parseOptionValue(option, *text);
    } catch (const Error& error) {
        return error.message();
    }
    return {};
}

bool isUnset(const QJsonValue& value)
{
    return value.isNull() || value.isUndefined() ||
           (value.isString() && value.toString().trimmed().isEmpty());
}
} // namespace

QJsonValue parseOptionValue(const OptionSpec& option, const QString& text)
{
    const QString trimmed = text.trimmed();
    switch (option.kind) {
    case OptionSpec::Kind::Integer: {
        bool ok = false;
        const qint64 number = trimmed.toLongLong(&ok);
        if (!ok || !inRange(option, double(number)))
            throw valueError(option, text);
        return double(number);
    }
    case OptionSpec::Kind::Number: {
        bool ok = false;
        const double number = trimmed.toDouble(&ok);
        if (!ok || !std::isfinite(number) || !inRange(option, number))
            throw valueError(option, text);
        return number;
    }
    case OptionSpec::Kind::Boolean:
        if (trimmed.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0 ||
            trimmed == QLatin1String("1"))
            return true;
        if (trimmed.compare(QLatin1String("false"), Qt::CaseInsensitive) == 0 ||
            trimmed == QLatin1String("0"))
            return false;
        throw valueError(option, text);
    case OptionSpec::Kind::Choice:
        // Cinder ignores the case of choices; the schema's spelling is stored.
        for (const QString& choice : option.choices)
            if (choice.compare(trimmed, Qt::CaseInsensitive) == 0)
                return choice;
        throw valueError(option, text);
    case OptionSpec::Kind::Url: {
        if (trimmed.isEmpty())
            return trimmed;
        const QUrl url(trimmed, QUrl::StrictMode);
        if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty())
            throw valueError(option, text);
        return trimmed;
    }
    case OptionSpec::Kind::Path:
    case OptionSpec::Kind::Text:
        break;
    }
    return trimmed;
}

QStringList optionProblems(const BackendType& type, const QJsonObject& options)
{
    QStringList problems;
    QSet<QString> badValues;
    for (auto it = options.begin(); it != options.end(); ++it) {
        const QString normalized = normalizedOptionName(it.key());
        if (const QString secret = secretNamed(type, normalized); !secret.isEmpty()) {
            problems.append(QStringLiteral("%1 is a secret and never goes into the "
                                           "configuration: keep it in the keyring (ember-cli "
                                           "backend-set-secret).")
                                .arg(it.key()));
            continue;
        }
        const OptionSpec* spec = type.option(normalized);
        if (!spec) {
            problems.append(unknownOptionMessage(type, it.key()));
            continue;
        }
        if (const QString problem = valueProblem(*spec, it.value()); !problem.isEmpty()) {
            problems.append(problem);
            badValues.insert(spec->key);
        }
    }
    for (const OptionSpec& spec : type.options) {
        if (spec.secret || badValues.contains(spec.key))
            continue;
        const QJsonValue value = type.value(options, spec.key);
        if (isUnset(value)) {
            if (spec.required)
                problems.append(QStringLiteral("%1 is required: %2")
                                    .arg(spec.key, spec.help.isEmpty() ? spec.label : spec.help));
            continue;
        }
        if (!spec.check)
            continue;
        const QString problem = spec.check(value, options);
        if (!problem.isEmpty())
            problems.append(problem.contains(spec.key)
                                ? problem
                                : QStringLiteral("%1: %2").arg(spec.key, problem));
    }
    return problems;
}

ConnectionReport testBackendConnection(const BackendConfig& config, const BackendSecrets& secrets)
{
    if (const BackendType* type = findBackendType(config.type); type && type->probe)
        return type->probe(config, secrets);
    ConnectionReport report;
    report.checks.append(
        {QStringLiteral("backend type"), false,
         QStringLiteral("this build cannot use backends of type '%1'").arg(config.type)});
    return report;
}

QString defaultDataDirectory()
{
    const QString home = qEnvironmentVariable("EMBER_HOME");
    if (!home.isEmpty())
        return QDir::cleanPath(home);
    QString base = qEnvironmentVariable("XDG_DATA_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/ember");
}

QString defaultCatalogPath()
{
    return defaultDataDirectory() + QStringLiteral("/catalog.sqlite");
}

QString privateDataDirectory()
{
    const QString directory = defaultDataDirectory();
    if (!QDir().mkpath(directory))
        throw Error(QStringLiteral("Cannot create the data directory %1: %2.")
                        .arg(directory, QString::fromLocal8Bit(std::strerror(errno))));
    struct stat info = {};
    const QByteArray native = QFile::encodeName(directory);
    // Only one's own directory: a shared one set on purpose keeps its mode.
    if (::stat(native.constData(), &info) == 0 && info.st_uid == ::geteuid() &&
        (info.st_mode & 0077) != 0)
        ::chmod(native.constData(), 0700);
    return directory;
}

BackendConfig embeddedDefaultBackend()
{
    BackendConfig config;
    config.name = kEmbeddedName;
    config.type = QStringLiteral("posix");
    config.isDefault = true;
    config.createdAt = QDateTime::currentDateTimeUtc();
    config.options[QStringLiteral("backup_posix_path")] =
        defaultDataDirectory() + QStringLiteral("/backups");
    config.options[QStringLiteral("backup_compression_algorithm")] = QStringLiteral("zlib");
    config.options[QStringLiteral("backup_file_size")] = 1999994880.0;
    config.options[QStringLiteral("backup_sha_block_size_bytes")] = 32768.0;
    return config;
}

} // namespace ember
