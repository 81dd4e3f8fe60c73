// The key commands (encryption at rest): master keys in the OS keyring through
// KeyStore, their key files and paper keys, rotation, and the key checks other
// commands make (backend-add, the encryption fields of backup-show/list).
// A key's material is written only where the user asked (stdout, a new file
// of mode 0600, a paper key PDF) and never logged.
#include "command.h"

#include "keys.h"

#ifdef EMBER_HAVE_SECRETS
#include "keystore.h"
#include "paperkey.h"
#endif

#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonArray>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <unistd.h>

namespace ember::cli {

namespace {

const QString schemeOption = QStringLiteral("backup_ember_encryption");
const QString keyOption = QStringLiteral("ember_encryption_key");

// The fingerprint a backend encrypts new backups with (empty when it does not).
QString backendKey(const BackendConfig& backend)
{
    if (backend.options.value(schemeOption).toString() != QLatin1String("aes-256-gcm"))
        return {};
    return backend.options.value(keyOption).toString().trimmed();
}

} // namespace

QJsonObject backupEncryptionJson(Context& context, const Backup& backup)
{
    QJsonObject json;
    json[QStringLiteral("encryption")] =
        backup.isEncrypted() ? QJsonValue(backup.encryption) : QJsonValue(QJsonValue::Null);
    json[QStringLiteral("encryption_key")] = backup.isEncrypted()
                                                 ? QJsonValue(backup.encryptionKeyFingerprint)
                                                 : QJsonValue(QJsonValue::Null);
    QString problem;
    if (backup.isEncrypted()) {
        try {
            problem = context.backups().keyProblem(backup);
        } catch (const Error& error) {
            problem = QStringLiteral("key not available: %1").arg(error.message());
        }
    }
    json[QStringLiteral("key_problem")] =
        problem.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(problem);
    return json;
}

QString backupEncryptionText(const QJsonObject& encryption)
{
    const QJsonValue scheme = encryption.value(QStringLiteral("encryption"));
    if (!scheme.isString())
        return QStringLiteral("-");
    return encryption.value(QStringLiteral("key_problem")).isString()
               ? QStringLiteral("%1 (key not available)").arg(scheme.toString())
               : scheme.toString();
}

#ifdef EMBER_HAVE_SECRETS

KeyStore& Context::keys()
{
    std::lock_guard lock(keyStoreMutex);
    if (!keyStore) {
        privateDataDirectory();
        keyStore = std::make_unique<KeyStore>(secrets.keyring());
    }
    return *keyStore;
}

void checkEncryptionKey(Context& context, BackendConfig& backend)
{
    const QString typed = backendKey(backend);
    if (typed.isEmpty())
        return;
    QString fingerprint;
    try {
        fingerprint = context.keys().resolve(typed);
    } catch (const Error& error) {
        throw Error(QStringLiteral("Backend %1 was not added: %2 Its master key must be in this "
                                   "host's key store: make one with ember-cli key-create (then "
                                   "export it) or bring one with ember-cli key-import.")
                        .arg(backend.name, error.message()));
    }
    const std::optional<KeyInfo> info = context.keys().info(fingerprint);
    if (!info)
        throw Error(QStringLiteral("Backend %1 was not added: key %2 is not in this host's key "
                                   "store (see ember-cli key-list).")
                        .arg(backend.name, fingerprint));
    if (!info->exported)
        throw Error(QStringLiteral("Backend %1 was not added: key %2 has never been exported, so "
                                   "this host holds its only copy; export it first: ember-cli "
                                   "key-export %2 --paper key.pdf (or --output FILE) and keep "
                                   "the copy safe; a lost key means lost backups.")
                        .arg(backend.name, fingerprint));
    // The full fingerprint, so a later key with the same prefix changes nothing.
    backend.options[keyOption] = fingerprint;
}

namespace {

struct KeyUse
{
    QStringList backends;
    QStringList backups; // ids of the backups wrapped by the key
};

// Which backends encrypt with each key and which backups need it.
std::map<QString, KeyUse> keyUses(Context& context)
{
    std::map<QString, KeyUse> uses;
    Catalog& catalog = context.backups().catalog();
    for (const BackendConfig& backend : catalog.backends()) {
        const QString fingerprint = backendKey(backend);
        if (!fingerprint.isEmpty())
            uses[fingerprint].backends.append(backend.name);
    }
    for (const Backup& backup : catalog.backups())
        if (backup.isEncrypted() && !backup.encryptionKeyFingerprint.isEmpty())
            uses[backup.encryptionKeyFingerprint].backups.append(backup.id);
    return uses;
}

QString secretText(const KeyInfo& info)
{
    if (info.kind == QLatin1String("x25519"))
        return info.canUnwrap ? QStringLiteral("private key here") : QStringLiteral("public only");
    return info.canUnwrap ? QStringLiteral("secret key here") : QStringLiteral("not here");
}

QString yesNo(bool value)
{
    return value ? QStringLiteral("yes") : QStringLiteral("no");
}

QJsonObject keyJson(const KeyInfo& info, const KeyUse& use)
{
    QJsonObject json;
    json[QStringLiteral("fingerprint")] = info.fingerprint;
    json[QStringLiteral("kind")] = info.kind;
    json[QStringLiteral("label")] = info.label;
    json[QStringLiteral("created_at")] = apiTime(info.created);
    json[QStringLiteral("can_unwrap")] = info.canUnwrap;
    json[QStringLiteral("secret")] = secretText(info);
    json[QStringLiteral("exported")] = info.exported;
    json[QStringLiteral("backends")] = QJsonArray::fromStringList(use.backends);
    json[QStringLiteral("backups")] = double(use.backups.size());
    json[QStringLiteral("backup_ids")] = QJsonArray::fromStringList(use.backups);
    return json;
}

QList<QPair<QString, QString>> keyProperties(const KeyInfo& info, const KeyUse& use)
{
    return {{QStringLiteral("fingerprint"), info.fingerprint},
            {QStringLiteral("kind"), info.kind},
            {QStringLiteral("label"), orDash(info.label)},
            {QStringLiteral("created_at"), apiTime(info.created)},
            {QStringLiteral("secret"), secretText(info)},
            {QStringLiteral("exported"), yesNo(info.exported)},
            {QStringLiteral("backends"), orDash(use.backends.join(QStringLiteral(", ")))},
            {QStringLiteral("backups"), QString::number(use.backups.size())}};
}

KeyInfo keyInfoOf(Context& context, const QString& fingerprint)
{
    const std::optional<KeyInfo> info = context.keys().info(fingerprint);
    if (!info)
        throw Error(QStringLiteral("No key %1 in this host's key store (see ember-cli key-list).")
                        .arg(fingerprint));
    return *info;
}

KeySet keySetOf(Context& context, const QString& fingerprint)
{
    const std::optional<KeySet> key = context.keys().find(fingerprint);
    if (!key)
        throw Error(QStringLiteral("No key %1 in this host's key store (see ember-cli key-list).")
                        .arg(fingerprint));
    return *key;
}

// Creates `path` (mode 0600; an existing file is never replaced) holding `data`.
void writeNewFile(const QString& path, const QByteArray& data)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int error = errno;
        if (error == EEXIST)
            throw Error(QStringLiteral("%1 exists already: a key is never written over a file; "
                                       "choose another name or remove that file first.")
                            .arg(path));
        throw Error(QStringLiteral("Cannot create %1: %2")
                        .arg(path, QString::fromLocal8Bit(std::strerror(error))));
    }
    qsizetype written = 0;
    int error = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + written, size_t(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error = errno;
            break;
        }
        written += n;
    }
    if (error == 0 && ::fsync(fd) != 0)
        error = errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error != 0) {
        ::unlink(name.constData());
        throw Error(QStringLiteral("Cannot write %1: %2")
                        .arg(path, QString::fromLocal8Bit(std::strerror(error))));
    }
}

int keyCreate(Context& context, QCommandLineParser& parser)
{
    const QString kindName = optionValue(parser, "kind").trimmed().toLower();
    KeySet::Kind kind = KeySet::Kind::Symmetric;
    if (kindName == QLatin1String("x25519"))
        kind = KeySet::Kind::X25519;
    else if (!kindName.isEmpty() && kindName != QLatin1String("aes-256"))
        throw Error(QStringLiteral("Unknown key kind '%1': use aes-256 (one secret key) or x25519 "
                                   "(a key pair; hosts with only the public half back up but "
                                   "cannot restore).")
                        .arg(kindName));
    const KeySet key = generateKeySet(kind, optionValue(parser, "label"));
    const KeyInfo info = context.keys().add(key);
    context.printObject(keyJson(info, {}), keyProperties(info, {}));
    holdNotice(QStringLiteral("WARNING: key %1 exists only on this host: export it before "
                              "any backend uses it (ember-cli key-export %1 --paper key.pdf); "
                              "a lost key means lost backups.")
                   .arg(info.fingerprint));
    return 0;
}

int keyList(Context& context, QCommandLineParser&)
{
    const QList<KeyInfo> keys = context.keys().list();
    const std::map<QString, KeyUse> uses = keyUses(context);
    auto useOf = [&](const KeyInfo& info) {
        const auto it = uses.find(info.fingerprint);
        return it == uses.end() ? KeyUse{} : it->second;
    };
    printList(
        context, keys, [&](const KeyInfo& info) { return keyJson(info, useOf(info)); },
        {QStringLiteral("Fingerprint"), QStringLiteral("Kind"), QStringLiteral("Label"),
         QStringLiteral("Created"), QStringLiteral("Secret"), QStringLiteral("Exported"),
         QStringLiteral("Backends"), QStringLiteral("Backups")},
        [&](const KeyInfo& info) {
            const KeyUse use = useOf(info);
            return QStringList{info.fingerprint,
                               info.kind,
                               orDash(info.label),
                               apiTime(info.created),
                               secretText(info),
                               yesNo(info.exported),
                               orDash(use.backends.join(QStringLiteral(", "))),
                               QString::number(use.backups.size())};
        });
    return 0;
}

int keyShow(Context& context, QCommandLineParser& parser)
{
    const QString fingerprint = context.keys().resolve(parser.positionalArguments().first());
    const KeyInfo info = keyInfoOf(context, fingerprint);
    const std::map<QString, KeyUse> uses = keyUses(context);
    const auto it = uses.find(fingerprint);
    const KeyUse use = it == uses.end() ? KeyUse{} : it->second;
    context.printObject(keyJson(info, use), keyProperties(info, use));
    return 0;
}

int keyExport(Context& context, QCommandLineParser& parser)
{
    const QString fingerprint = context.keys().resolve(parser.positionalArguments().first());
    const KeySet key = keySetOf(context, fingerprint);
    const bool publicOnly = parser.isSet(QStringLiteral("public"));
    if (publicOnly && key.kind != KeySet::Kind::X25519)
        throw Error(QStringLiteral("Key %1 is an AES-256 key: it has no public half (--public is "
                                   "for x25519 keys). Export the whole key and keep it secret.")
                        .arg(fingerprint));
    const KeyPart part = publicOnly ? KeyPart::PublicOnly : KeyPart::Full;
    const QString output = optionValue(parser, "output");
    const QString paper = optionValue(parser, "paper");
    QStringList written;
    if (!paper.isEmpty()) {
        if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
            throw Error(QStringLiteral("The paper key needs fonts, which this run of ember-cli "
                                       "has not loaded."));
        // Created first, so the PDF gets mode 0600 and never replaces a file.
        writeNewFile(paper, {});
        try {
            writePaperKeyPdf(key, part, paper);
        } catch (...) {
            QFile::remove(paper);
            throw;
        }
        written << paper;
    }
    if (!output.isEmpty()) {
        writeNewFile(output, exportKeyText(key, part).toUtf8());
        written << output;
    }
    const bool wholeKey = part == KeyPart::Full && key.canUnwrap();
    if (written.isEmpty()) {
        const QString keyText = exportKeyText(key, part);
        if (context.format == Format::Json)
            context.printJson(
                QJsonObject{{QStringLiteral("fingerprint"), fingerprint},
                            {QStringLiteral("part"),
                             wholeKey ? QStringLiteral("full") : QStringLiteral("public")},
                            {QStringLiteral("key_text"), keyText}});
        else
            printOut(keyText);
    }
    // Only a copy of the secret protects against losing this host.
    if (wholeKey)
        context.keys().markExported(fingerprint);
    if (!written.isEmpty()) {
        QStringList absolute;
        for (const QString& file : written)
            absolute << QFileInfo(file).absoluteFilePath();
        const QString what = wholeKey ? QStringLiteral("whole key") : QStringLiteral("public key");
        context.printObject(
            QJsonObject{{QStringLiteral("fingerprint"), fingerprint},
                        {QStringLiteral("part"),
                         wholeKey ? QStringLiteral("full") : QStringLiteral("public")},
                        {QStringLiteral("files"), QJsonArray::fromStringList(absolute)}},
            {{QStringLiteral("fingerprint"), fingerprint},
             {QStringLiteral("exported"), what},
             {QStringLiteral("files"), absolute.join(QStringLiteral(", "))}});
    }
    return 0;
}

int keyImport(Context& context, QCommandLineParser& parser)
{
    const QString source = parser.positionalArguments().isEmpty()
                               ? QStringLiteral("-")
                               : parser.positionalArguments().first();
    QFile file;
    const bool fromStdin = source == QLatin1String("-");
    const bool opened = fromStdin ? file.open(stdin, QIODevice::ReadOnly)
                                  : (file.setFileName(source), file.open(QIODevice::ReadOnly));
    if (!opened)
        throw Error(
            QStringLiteral("Cannot read %1: %2")
                .arg(fromStdin ? QStringLiteral("standard input") : source, file.errorString()));
    // A key file or a paper key's text is a few kilobytes; more is not a key.
    const qint64 limit = 1 << 20;
    const QByteArray data = file.read(limit + 1);
    if (data.size() > limit)
        throw Error(QStringLiteral("%1 is larger than 1 MiB: not a key file or paper key text.")
                        .arg(fromStdin ? QStringLiteral("Standard input") : source));
    KeySet key;
    try {
        key = importKeyText(QString::fromUtf8(data));
    } catch (const Error& error) {
        throw Error(
            QStringLiteral("No key imported from %1: %2")
                .arg(fromStdin ? QStringLiteral("standard input") : source, error.message()));
    }
    const KeyInfo info = context.keys().add(key, true);
    const std::map<QString, KeyUse> uses = keyUses(context);
    const auto it = uses.find(info.fingerprint);
    const KeyUse use = it == uses.end() ? KeyUse{} : it->second;
    context.printObject(keyJson(info, use), keyProperties(info, use));
    return 0;
}

QString describeUse(const KeyUse& use)
{
    QStringList parts;
    if (!use.backends.isEmpty())
        parts << QStringLiteral("backend%1 %2 encrypt%3 with it")
                     .arg(use.backends.size() == 1 ? QString() : QStringLiteral("s"),
                          use.backends.join(QStringLiteral(", ")),
                          use.backends.size() == 1 ? QStringLiteral("s") : QString());
    if (!use.backups.isEmpty())
        parts << QStringLiteral("%1 backup%2 need%3 it (%4)")
                     .arg(use.backups.size())
                     .arg(use.backups.size() == 1 ? QString() : QStringLiteral("s"),
                          use.backups.size() == 1 ? QStringLiteral("s") : QString(),
                          use.backups.join(QStringLiteral(", ")));
    return parts.join(QStringLiteral(" and "));
}

int keyRemove(Context& context, QCommandLineParser& parser)
{
    const QString fingerprint = context.keys().resolve(parser.positionalArguments().first());
    keyInfoOf(context, fingerprint);
    const std::map<QString, KeyUse> uses = keyUses(context);
    const auto it = uses.find(fingerprint);
    if (it != uses.end()) {
        const QString use = describeUse(it->second);
        if (!parser.isSet(QStringLiteral("force")))
            throw Error(QStringLiteral("Key %1 is still needed: %2. Switch those backends to "
                                       "another key (ember-cli key-rotate %1 does both) first; "
                                       "--force removes it anyway, and then those backups cannot "
                                       "be restored unless the key is imported again.")
                            .arg(fingerprint, use));
        holdNotice(QStringLiteral("WARNING: key %1 removed although %2: those backups cannot be "
                                  "restored here unless the key is imported again.")
                       .arg(fingerprint, use));
    }
    context.keys().remove(fingerprint);
    printOut(QStringLiteral("Key %1 removed.\n").arg(fingerprint));
    return 0;
}

int keyRotate(Context& context, QCommandLineParser& parser)
{
    const QString oldFingerprint = context.keys().resolve(parser.positionalArguments().first());
    const KeySet old = keySetOf(context, oldFingerprint);
    if (!old.canUnwrap())
        throw Error(QStringLiteral("Key %1 cannot be rotated here: only its public half is here, "
                                   "and the private half is needed to unwrap the backups' data "
                                   "keys. Import the whole key (ember-cli key-import) first.")
                        .arg(oldFingerprint));
    const KeySet fresh = rotatedKey(
        old, parser.isSet(QStringLiteral("label")) ? optionValue(parser, "label") : QString());
    context.keys().add(fresh);
    const BackupService::KeyRotationReport report = withProgress([&](OperationControl& control) {
        return context.backups().rotateKey(oldFingerprint, fresh, control);
    });

    QJsonArray refused;
    QStringList refusedText;
    for (const auto& [backupId, reason] : report.refused) {
        refused.append(QJsonObject{{QStringLiteral("backup_id"), backupId},
                                   {QStringLiteral("reason"), reason}});
        refusedText << QStringLiteral("%1: %2").arg(backupId, reason);
    }
    const bool oldFree = report.refused.isEmpty();
    const QString advice =
        oldFree ? QStringLiteral("No backup needs the old key %1 any more: remove it with "
                                 "ember-cli key-remove %1 once the new key is exported.")
                      .arg(oldFingerprint)
                : QStringLiteral("Keep the old key %1: the %2 refused backup%3 still need%4 it.")
                      .arg(oldFingerprint)
                      .arg(report.refused.size())
                      .arg(report.refused.size() == 1 ? QString() : QStringLiteral("s"),
                           report.refused.size() == 1 ? QStringLiteral("s") : QString());
    context.printObject(
        QJsonObject{{QStringLiteral("old_fingerprint"), oldFingerprint},
                    {QStringLiteral("new_fingerprint"), fresh.fingerprint},
                    {QStringLiteral("rewrapped"), QJsonArray::fromStringList(report.rewrapped)},
                    {QStringLiteral("refused"), refused},
                    {QStringLiteral("backends_switched"),
                     QJsonArray::fromStringList(report.backendsSwitched)},
                    {QStringLiteral("old_key_removable"), oldFree},
                    {QStringLiteral("advice"), advice}},
        {{QStringLiteral("old key"), oldFingerprint},
         {QStringLiteral("new key"), fresh.fingerprint},
         {QStringLiteral("rewrapped"), QString::number(report.rewrapped.size())},
         {QStringLiteral("refused"), refusedText.isEmpty()
                                         ? QStringLiteral("0")
                                         : QStringLiteral("%1 (%2)")
                                               .arg(refusedText.size())
                                               .arg(refusedText.join(QStringLiteral("; ")))},
         {QStringLiteral("backends switched"),
          orDash(report.backendsSwitched.join(QStringLiteral(", ")))},
         {QStringLiteral("next step"), advice}});
    holdNotice(QStringLiteral("WARNING: the new key %1 exists only on this host: export it now "
                              "(ember-cli key-export %1 --paper key.pdf); a lost key means lost "
                              "backups.")
                   .arg(fresh.fingerprint));
    return 0;
}

} // namespace

QList<Command> keyCommands()
{
    const auto text = &valueOption;
    const auto flag = &flagOption;
    QList<Command> list;
    list << Command{
        QStringLiteral("key-create"),
        QString(),
        QStringLiteral("Creates a master key for encrypted backends and keeps it in the OS "
                       "keyring; export it before a backend uses it."),
        [=](QCommandLineParser& p) {
            p.addOption(text("kind",
                             "aes-256 (default: one secret key) or x25519 (a key pair: a host "
                             "holding only the public half backs up but cannot restore).",
                             "KIND"));
            p.addOption(text("label", "A label to recognise the key by.", "TEXT"));
        },
        keyCreate,
        0,
        0};
    list << Command{QStringLiteral("key-list"),
                    QString(),
                    QStringLiteral("Lists the master keys here: fingerprint, kind, label, which "
                                   "halves are here, whether a copy was exported, and which "
                                   "backends and how many backups use each."),
                    {},
                    keyList,
                    0,
                    0};
    list << Command{QStringLiteral("key-show"),
                    QStringLiteral("FINGERPRINT"),
                    QStringLiteral("Shows a master key (a unique fingerprint prefix of 4 or more "
                                   "hex digits is enough)."),
                    {},
                    keyShow,
                    1,
                    1};
    list << Command{
        QStringLiteral("key-export"),
        QStringLiteral("FINGERPRINT"),
        QStringLiteral("Writes a master key's text to standard output, a new file, or a "
                       "printable paper key (PDF with a QR code); marks the key exported."),
        [=](QCommandLineParser& p) {
            p.addOption(flag("public", "Only the public half of an x25519 key (for hosts that "
                                       "back up but must not restore)."));
            p.addOption(
                text("output", "Write the key file here (mode 0600; never overwritten).", "FILE"));
            p.addOption(text("paper", "Write the paper key, an A4 PDF, here (never overwritten).",
                             "FILE.pdf"));
        },
        keyExport,
        1,
        1};
    list << Command{
        QStringLiteral("key-import"),
        QStringLiteral("[FILE|-]"),
        QStringLiteral("Imports a master key from a key file, a paper key's text (typed, or "
                       "extracted from the PDF) or standard input (- or no argument)."),
        {},
        keyImport,
        0,
        1};
    list << Command{
        QStringLiteral("key-remove"),
        QStringLiteral("FINGERPRINT"),
        QStringLiteral("Removes a master key from this host; refused while backends use it or "
                       "backups need it."),
        [=](QCommandLineParser& p) {
            p.addOption(flag("force", "Remove it anyway: the backups that need it can then no "
                                      "longer be restored here."));
        },
        keyRemove,
        1,
        1};
    list << Command{
        QStringLiteral("key-rotate"),
        QStringLiteral("FINGERPRINT"),
        QStringLiteral("Makes a new master key (same block-MAC key), re-wraps the data keys of "
                       "the backups using the old one without rewriting their objects, and "
                       "switches its backends to the new key."),
        [=](QCommandLineParser& p) {
            p.addOption(text("label",
                             "The new key's label (default: the old one's, \"(rotated)\" "
                             "appended).",
                             "TEXT"));
        },
        keyRotate,
        1,
        1};
    return list;
}

#else // no keyring support in this build

void checkEncryptionKey(Context&, BackendConfig& backend)
{
    if (!backendKey(backend).isEmpty())
        throw Error(QStringLiteral("Backend %1 was not added: encryption needs master keys from "
                                   "the OS keyring, and this build of ember-cli has no keyring "
                                   "support.")
                        .arg(backend.name));
}

QList<Command> keyCommands()
{
    return {};
}

#endif

} // namespace ember::cli
