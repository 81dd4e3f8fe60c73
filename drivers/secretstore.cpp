#include "secretstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QThread>
#include <qt6keychain/keychain.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcSecrets, "ember.secrets")

namespace ember {

struct SecretStore::KeyringOutcome
{
    QKeychain::Error error = QKeychain::NoError;
    QString errorString;
    QString value;
};

namespace {

// Carries a job's outcome from the keychain thread to the caller's thread
// through a queued signal (safe even if the SecretStore is gone by then).
class KeyringReply : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void done(int error, const QString& errorString, const QString& value);
};

struct KeychainThread
{
    QThread* thread = nullptr;
    QObject* context = nullptr; // lives in `thread`; jobs are posted to it
};

void stopKeychainThread();

KeychainThread& keychainThread()
{
    static KeychainThread instance;
    static std::once_flag once;
    std::call_once(once, [] {
        instance.thread = new QThread;
        instance.thread->setObjectName(QStringLiteral("ember-keychain"));
        instance.context = new QObject;
        instance.context->moveToThread(instance.thread);
        instance.thread->start();
        qAddPostRoutine(stopKeychainThread);
    });
    return instance;
}

void stopKeychainThread()
{
    KeychainThread& instance = keychainThread();
    QObject* context = instance.context;
    QMetaObject::invokeMethod(
        context, [context] { delete context; }, Qt::QueuedConnection);
    instance.thread->quit();
    if (instance.thread->wait(5000))
        delete instance.thread;
}

using JobKind = int; // SecretStore::Operation as an int, for the helpers below
constexpr JobKind ReadOperation = 0, WriteOperation = 1, RemoveOperation = 2;

// Runs on the keychain thread.
void startKeyringJob(JobKind operation, const QString& key, const QString& value,
                     const std::function<void(int, const QString&, const QString&)>& done)
{
    QKeychain::Job* job = nullptr;
    if (operation == ReadOperation) {
        job = new QKeychain::ReadPasswordJob(SecretStore::keyringService());
    } else if (operation == WriteOperation) {
        auto* writeJob = new QKeychain::WritePasswordJob(SecretStore::keyringService());
        writeJob->setTextData(value);
        job = writeJob;
    } else {
        job = new QKeychain::DeletePasswordJob(SecretStore::keyringService());
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // QtKeychain's own fallback is a plain QSettings file
    job->setKey(key);
    QObject::connect(
        job, &QKeychain::Job::finished, job, [operation, done](QKeychain::Job* finished) {
            QString secret;
            if (operation == ReadOperation && finished->error() == QKeychain::NoError)
                secret = static_cast<QKeychain::ReadPasswordJob*>(finished)->textData();
            done(int(finished->error()), finished->errorString(), secret);
        });
    job->start();
}

void postToKeychainThread(std::function<void()> work)
{
    QMetaObject::invokeMethod(keychainThread().context, std::move(work), Qt::QueuedConnection);
}

bool keyringUnreachable(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError;
}

QString describeSecret(const QString& backendName, const QString& key)
{
    if (key == QLatin1String("backup_swift_key"))
        return QStringLiteral("the Swift key of backend '%1'").arg(backendName);
    return QStringLiteral("secret %1 of backend '%2'").arg(key, backendName);
}

// ---------------------------------------------------------------- file fallback

std::mutex& fileMutex()
{
    static std::mutex mutex;
    return mutex;
}

// {"version": 1, "backends": {"<backend>": {"<key>": "<value>"}}}
QJsonObject loadSecretsFile(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly))
        throw Error(
            QStringLiteral("cannot read the secrets file %1: %2").arg(path, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject())
        throw Error(QStringLiteral("the secrets file %1 is damaged (%2); fix or delete it and "
                                   "store the secrets again")
                        .arg(path, parseError.errorString()));
    struct stat status = {};
    if (::stat(QFile::encodeName(path).constData(), &status) == 0 && (status.st_mode & 077)) {
        ::chmod(QFile::encodeName(path).constData(), 0600);
        qCWarning(lcSecrets).noquote()
            << QStringLiteral("%1 was readable by other users; its mode is now 0600").arg(path);
    }
    return document.object().value(QStringLiteral("backends")).toObject();
}

void saveSecretsFile(const QString& path, const QJsonObject& backends)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const QByteArray bytes = QJsonDocument(QJsonObject{{QStringLiteral("version"), 1},
                                                       {QStringLiteral("backends"), backends}})
                                 .toJson(QJsonDocument::Indented);
    // Created 0600 from the start and renamed into place, so no reader ever
    // sees a half-written file or a moment of looser permissions.
    const QByteArray temporary = QFile::encodeName(path) + ".tmp-" + QByteArray::number(::getpid());
    const int fd = ::open(temporary.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        throw Error(QStringLiteral("cannot write the secrets file %1: %2")
                        .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    ::fchmod(fd, 0600);
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t count =
            ::write(fd, bytes.constData() + written, size_t(bytes.size() - written));
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0) {
            const QString reason = QString::fromLocal8Bit(std::strerror(errno));
            ::close(fd);
            ::unlink(temporary.constData());
            throw Error(QStringLiteral("cannot write the secrets file %1: %2").arg(path, reason));
        }
        written += count;
    }
    ::fsync(fd);
    ::close(fd);
    if (::rename(temporary.constData(), QFile::encodeName(path).constData()) != 0) {
        const QString reason = QString::fromLocal8Bit(std::strerror(errno));
        ::unlink(temporary.constData());
        throw Error(QStringLiteral("cannot replace the secrets file %1: %2").arg(path, reason));
    }
}

std::optional<QString> fileRead(const QString& path, const QString& backendName, const QString& key)
{
    std::lock_guard lock(fileMutex());
    const QJsonObject backend = loadSecretsFile(path).value(backendName).toObject();
    if (!backend.contains(key))
        return std::nullopt;
    return backend.value(key).toString();
}

// Sets (or with no value removes) one secret; returns whether the file changed.
bool fileUpdate(const QString& path, const QString& backendName, const QString& key,
                const std::optional<QString>& value)
{
    std::lock_guard lock(fileMutex());
    QJsonObject backends = loadSecretsFile(path);
    QJsonObject backend = backends.value(backendName).toObject();
    if (!value && !backend.contains(key))
        return false;
    if (value)
        backend.insert(key, *value);
    else
        backend.remove(key);
    if (backend.isEmpty())
        backends.remove(backendName);
    else
        backends.insert(backendName, backend);
    saveSecretsFile(path, backends);
    return true;
}

} // namespace

SecretStore::SecretStore(QObject* parent)
    : QObject(parent),
      m_allowFileFallback(qEnvironmentVariable("EMBER_ALLOW_FILE_SECRETS") == QLatin1String("1"))
{
    qRegisterMetaType<ember::SecretResult>();
}

SecretStore::~SecretStore() = default;

void SecretStore::setFallbackFile(const QString& path)
{
    m_fallbackFile = path;
}

QString SecretStore::fallbackFile() const
{
    return m_fallbackFile.isEmpty() ? defaultDataDirectory() + QStringLiteral("/secrets.json")
                                    : m_fallbackFile;
}

void SecretStore::setAllowFileFallback(bool allow)
{
    m_allowFileFallback = allow;
}

bool SecretStore::fileFallbackAllowed() const
{
    return m_allowFileFallback;
}

QString SecretStore::keyringService()
{
    return QStringLiteral("ember");
}

QString SecretStore::keyringKey(const QString& backendName, const QString& key)
{
    // One entry whatever the spelling: Backup-Swift-Key is backup_swift_key.
    QString name = key.trimmed().toLower();
    name.replace(QLatin1Char('-'), QLatin1Char('_'));
    return QStringLiteral("%1/%2").arg(backendName, name);
}

void SecretStore::warn(const QString& message)
{
    qCWarning(lcSecrets).noquote() << message;
    Q_EMIT warning(message);
}

SecretResult SecretStore::finish(Operation operation, const QString& backendName,
                                 const QString& key, const QString& value,
                                 const KeyringOutcome& outcome)
{
    SecretResult result;
    result.backendName = backendName;
    result.key = key;
    const QString path = fallbackFile();
    const QString what = describeSecret(backendName, key);
    try {
        if (outcome.error == QKeychain::NoError) {
            result.ok = true;
            if (operation == Operation::Read) {
                result.found = true;
                result.value = outcome.value;
            } else if (m_allowFileFallback || QFile::exists(path)) {
                // The keyring holds it now: drop an older copy from the file.
                fileUpdate(path, backendName, key, std::nullopt);
            }
            return result;
        }
        if (outcome.error == QKeychain::EntryNotFound &&
            (operation == Operation::Read || operation == Operation::Remove)) {
            result.ok = true;
            if (operation == Operation::Remove) {
                if (QFile::exists(path))
                    fileUpdate(path, backendName, key, std::nullopt);
            } else if (m_allowFileFallback && QFile::exists(path)) {
                if (const std::optional<QString> stored = fileRead(path, backendName, key)) {
                    result.found = true;
                    result.value = *stored;
                    result.fromFile = true;
                    warn(QStringLiteral("reading %1 from %2 (mode 0600), not from the OS keyring")
                             .arg(what, path));
                }
            }
            return result;
        }
        if (!keyringUnreachable(outcome.error)) {
            result.error = QStringLiteral("the OS keyring refused access to %1: %2")
                               .arg(what, outcome.errorString);
            return result;
        }
        const QString reason = outcome.errorString.isEmpty()
                                   ? QStringLiteral("no Secret Service answered")
                                   : outcome.errorString;
        if (!m_allowFileFallback) {
            result.error =
                QStringLiteral("no OS keyring is available (%1) to keep %2. Start a Secret "
                               "Service such as GNOME Keyring or KWallet in this session, or "
                               "allow storing secrets in %3 (mode 0600) with "
                               "EMBER_ALLOW_FILE_SECRETS=1")
                    .arg(reason, what, path);
            return result;
        }
        result.fromFile = true;
        result.ok = true;
        if (operation == Operation::Write) {
            warn(QStringLiteral("no OS keyring available (%1): storing %2 in %3 (mode 0600)")
                     .arg(reason, what, path));
            fileUpdate(path, backendName, key, value);
        } else if (operation == Operation::Remove) {
            fileUpdate(path, backendName, key, std::nullopt);
        } else {
            if (const std::optional<QString> stored = fileRead(path, backendName, key)) {
                warn(QStringLiteral("no OS keyring available (%1): reading %2 from %3 (mode 0600)")
                         .arg(reason, what, path));
                result.found = true;
                result.value = *stored;
            }
        }
    } catch (const Error& error) {
        result.ok = false;
        result.error = error.message();
    }
    return result;
}

void SecretStore::runAsync(Operation operation, const QString& backendName, const QString& key,
                           const QString& value)
{
    auto* reply = new KeyringReply;
    connect(
        reply, &KeyringReply::done, this,
        [this, operation, backendName, key, value](int error, const QString& errorString,
                                                   const QString& secret) {
            const SecretResult result =
                finish(operation, backendName, key, value,
                       KeyringOutcome{QKeychain::Error(error), errorString, secret});
            if (operation == Operation::Read)
                Q_EMIT readFinished(result);
            else if (operation == Operation::Write)
                Q_EMIT writeFinished(result);
            else
                Q_EMIT removeFinished(result);
        },
        Qt::QueuedConnection);
    reply->moveToThread(keychainThread().thread);
    const QString keyringName = keyringKey(backendName, key);
    postToKeychainThread([reply, operation, keyringName, value] {
        startKeyringJob(int(operation), keyringName, value,
                        [reply](int error, const QString& errorString, const QString& secret) {
                            Q_EMIT reply->done(error, errorString, secret);
                            reply->deleteLater();
                        });
    });
}

SecretResult SecretStore::runBlocking(Operation operation, const QString& backendName,
                                      const QString& key, const QString& value)
{
    if (QThread::currentThread() == keychainThread().thread)
        throw Error(
            QStringLiteral("internal error: a blocking keyring call on the keychain thread"));
    auto promise = std::make_shared<std::promise<KeyringOutcome>>();
    std::future<KeyringOutcome> future = promise->get_future();
    const QString keyringName = keyringKey(backendName, key);
    postToKeychainThread([promise, operation, keyringName, value] {
        startKeyringJob(
            int(operation), keyringName, value,
            [promise](int error, const QString& errorString, const QString& secret) {
                promise->set_value(KeyringOutcome{QKeychain::Error(error), errorString, secret});
            });
    });
    if (future.wait_for(std::chrono::seconds(m_blockingTimeoutSeconds)) !=
        std::future_status::ready)
        throw Error(QStringLiteral("the OS keyring did not answer within %1 s (is it waiting for "
                                   "an unlock prompt?) while accessing %2")
                        .arg(m_blockingTimeoutSeconds)
                        .arg(describeSecret(backendName, key)));
    return finish(operation, backendName, key, value, future.get());
}

void SecretStore::read(const QString& backendName, const QString& key)
{
    runAsync(Operation::Read, backendName, key, {});
}

void SecretStore::write(const QString& backendName, const QString& key, const QString& value)
{
    runAsync(Operation::Write, backendName, key, value);
}

void SecretStore::remove(const QString& backendName, const QString& key)
{
    runAsync(Operation::Remove, backendName, key, {});
}

std::optional<QString> SecretStore::readBlocking(const QString& backendName, const QString& key)
{
    const SecretResult result = runBlocking(Operation::Read, backendName, key, {});
    if (!result.ok)
        throw Error(result.error);
    if (!result.found)
        return std::nullopt;
    return result.value;
}

void SecretStore::writeBlocking(const QString& backendName, const QString& key,
                                const QString& value)
{
    const SecretResult result = runBlocking(Operation::Write, backendName, key, value);
    if (!result.ok)
        throw Error(result.error);
}

void SecretStore::removeBlocking(const QString& backendName, const QString& key)
{
    const SecretResult result = runBlocking(Operation::Remove, backendName, key, {});
    if (!result.ok)
        throw Error(result.error);
}

BackendSecrets SecretStore::readSecretsBlocking(const QString& backendName, const QStringList& keys)
{
    BackendSecrets secrets;
    for (const QString& key : keys) {
        if (const std::optional<QString> value = readBlocking(backendName, key))
            secrets.insert(key, *value);
    }
    return secrets;
}

SecretProvider SecretStore::provider()
{
    return provider([this]() -> SecretStore& { return *this; });
}

SecretProvider SecretStore::provider(std::function<SecretStore&()> open)
{
    return [open = std::move(open)](const BackendConfig& backend) -> BackendSecrets {
        const BackendType* type = findBackendType(backend.type);
        if (!type || type->secretKeys.isEmpty())
            return {};
        SecretStore& store = open();
        std::lock_guard lock(store.m_providerMutex);
        return store.readSecretsBlocking(backend.name, type->secretKeys);
    };
}

} // namespace ember

#include "secretstore.moc"
