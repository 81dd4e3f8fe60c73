// Backend secrets (the Swift key, ...) in the OS keyring through QtKeychain,
// with an explicit, warned-about file fallback for machines without one.
//
// QtKeychain jobs are asynchronous and its job queue is a per-process
// singleton bound to the thread that first used it, so every keyring job runs
// on one long-lived "keychain" thread whose event loop is that thread's main
// loop. The async calls post there and report back through signals (the GUI);
// the blocking calls post there and wait on a future (the CLI, worker
// threads). No nested event loop anywhere.
//
// File fallback: <data dir>/secrets.json, mode 0600, used only when no
// keyring service is reachable (no D-Bus session or Secret Service: CI,
// headless servers) AND the caller allowed it (setAllowFileFallback after
// warning the user, or EMBER_ALLOW_FILE_SECRETS=1). Every use warns.
#pragma once

#include "backendregistry.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <functional>
#include <mutex>
#include <optional>

namespace ember {

struct SecretResult
{
    QString backendName;
    QString key;
    bool ok = false;       // false: `error` says why
    bool found = false;    // read: a value exists
    QString value;         // read: the secret
    QString error;         // plain words, meant for the user
    bool fromFile = false; // the file fallback was used
};

class SecretStore : public QObject
{
    Q_OBJECT

public:
    explicit SecretStore(QObject* parent = nullptr);
    ~SecretStore() override;

    // <defaultDataDirectory()>/secrets.json unless set.
    void setFallbackFile(const QString& path);
    QString fallbackFile() const;
    // Whether a keyring-less machine may keep secrets in the fallback file.
    // Defaults to EMBER_ALLOW_FILE_SECRETS=1.
    void setAllowFileFallback(bool allow);
    bool fileFallbackAllowed() const;
    // How long a blocking call waits for the keyring (it may be prompting the user).
    void setBlockingTimeoutSeconds(int seconds) { m_blockingTimeoutSeconds = seconds; }

    // Asynchronous; each emits its *Finished signal later in this object's thread.
    void read(const QString& backendName, const QString& key);
    void write(const QString& backendName, const QString& key, const QString& value);
    void remove(const QString& backendName, const QString& key);

    // Blocking (CLI and worker threads); throw Error with a user-facing message.
    std::optional<QString> readBlocking(const QString& backendName, const QString& key);
    void writeBlocking(const QString& backendName, const QString& key, const QString& value);
    void removeBlocking(const QString& backendName, const QString& key);
    // The secrets a backend needs (BackendType::secretKeys); absent ones are left out.
    BackendSecrets readSecretsBlocking(const QString& backendName, const QStringList& keys);

    // The one SecretProvider of every app: for a backend, the secrets its type
    // declares (findBackendType(config.type)->secretKeys) read with
    // readSecretsBlocking; none for a type without secrets. Callable from any
    // thread. This store must outlive the provider.
    SecretProvider provider();
    // The same for a store opened on first need: `open` is called only for a
    // type that has secrets (so a local-directory backend never touches the
    // keyring), from any thread, and must return the same store each time.
    static SecretProvider provider(std::function<SecretStore&()> open);

    // The keyring service name and per-secret key used with QtKeychain.
    static QString keyringService();
    static QString keyringKey(const QString& backendName, const QString& key);

Q_SIGNALS:
    void readFinished(const ember::SecretResult& result);
    void writeFinished(const ember::SecretResult& result);
    void removeFinished(const ember::SecretResult& result);
    // Also logged: e.g. that the file fallback was used, and where.
    void warning(const QString& message);

private:
    enum class Operation
    {
        Read,
        Write,
        Remove
    };
    struct KeyringOutcome;
    SecretResult finish(Operation operation, const QString& backendName, const QString& key,
                        const QString& value, const KeyringOutcome& outcome);
    SecretResult runBlocking(Operation operation, const QString& backendName, const QString& key,
                             const QString& value);
    void runAsync(Operation operation, const QString& backendName, const QString& key,
                  const QString& value);
    void warn(const QString& message);

    QString m_fallbackFile;
    bool m_allowFileFallback = false;
    int m_blockingTimeoutSeconds = 120;
    // Provider reads one at a time: parallel transfers asking at once would
    // stack keyring prompts and fallback warnings.
    std::mutex m_providerMutex;
};

} // namespace ember

Q_DECLARE_METATYPE(ember::SecretResult)
