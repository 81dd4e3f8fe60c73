// ember-cli: back up and restore volumes from the command line, with the
// cinder client's commands (see app/cli/cli.cpp).
#include "cli/cli.h"

#include <QCoreApplication>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ember-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("ember"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EMBER_VERSION));
    return ember::cli::run(QCoreApplication::arguments());
}
