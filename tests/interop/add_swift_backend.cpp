// Test helper until ember-cli has a command for it: configures a Swift backend
// in the catalog of $EMBER_HOME and stores its key in the secret store, the
// way the backend wizard does. The key is read from stdin (one line), never
// from the command line.
//
//   ember-test-add-swift-backend NAME [--default] OPTION=VALUE... <<< "$KEY"
//
// OPTION names are Cinder's (backup_swift_auth_url, backup_swift_user,
// backup_swift_container, backup_swift_object_size, ...). Values that look
// like numbers are stored as numbers.
#include "backendregistry.h"
#include "catalog.h"
#include "operation.h"
#include "secretstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTextStream>
#include <cstdio>

using namespace ember;

namespace {

QJsonValue optionValue(const QString& text)
{
    bool isInteger = false;
    const qint64 integer = text.toLongLong(&isInteger);
    if (isInteger)
        return integer;
    bool isNumber = false;
    const double number = text.toDouble(&isNumber);
    if (isNumber)
        return number;
    if (text == QLatin1String("true") || text == QLatin1String("false"))
        return text == QLatin1String("true");
    return text;
}

int usage()
{
    std::fputs("usage: ember-test-add-swift-backend NAME [--default] OPTION=VALUE... "
               "(key on stdin)\n",
               stderr);
    return 2;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication application(argc, argv);
    const QStringList arguments = application.arguments().mid(1);
    if (arguments.isEmpty() || arguments.first().startsWith(QLatin1Char('-')))
        return usage();

    BackendConfig backend;
    backend.name = arguments.first();
    backend.type = QStringLiteral("swift");
    backend.createdAt = QDateTime::currentDateTimeUtc();
    for (const QString& argument : arguments.mid(1)) {
        if (argument == QLatin1String("--default")) {
            backend.isDefault = true;
            continue;
        }
        const qsizetype equals = argument.indexOf(QLatin1Char('='));
        if (equals <= 0)
            return usage();
        backend.options.insert(argument.left(equals), optionValue(argument.mid(equals + 1)));
    }

    QTextStream input(stdin);
    const QString key = input.readLine().trimmed();
    if (key.isEmpty()) {
        std::fputs("no Swift key on stdin\n", stderr);
        return 2;
    }
    try {
        Catalog catalog(defaultCatalogPath());
        SecretStore secrets;
        QObject::connect(&secrets, &SecretStore::warning, [](const QString& message) {
            std::fprintf(stderr, "WARNING: %s\n", qPrintable(message));
        });
        secrets.writeBlocking(backend.name, QStringLiteral("backup_swift_key"), key);
        catalog.upsertBackend(backend);
    } catch (const Error& error) {
        std::fprintf(stderr, "ERROR: %s\n", qPrintable(error.message()));
        return 1;
    }
    return 0;
}
