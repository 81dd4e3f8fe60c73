// ember-cli: back up and restore volumes from the command line, with the
// cinder client's commands (see app/cli/cli.cpp).
#include "cli/cli.h"
#include "cli/log.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QStringList>

#include <cstring>
#include <memory>

namespace {

// key-export --paper draws a PDF and needs fonts, hence a QGuiApplication;
// every other command runs without a display on a QCoreApplication.
bool needsFonts(int argc, char** argv)
{
    bool keyExport = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "key-export") == 0)
            keyExport = true;
        else if (keyExport && (std::strcmp(argv[i], "--paper") == 0 ||
                               std::strncmp(argv[i], "--paper=", 8) == 0))
            return true;
    }
    return false;
}

// What the platform plugin says while it starts (e.g. that XDG_RUNTIME_DIR is
// unset) is about the display, not the command: debug output only, so stderr
// keeps its one ERROR line on failure.
QStringList g_startupMessages;
void collectStartupMessage(QtMsgType, const QMessageLogContext&, const QString& message)
{
    g_startupMessages.append(message);
}

} // namespace

int main(int argc, char** argv)
{
    std::unique_ptr<QCoreApplication> app;
    if (needsFonts(argc, argv)) {
        // Fonts only: no window is shown, so no display is needed.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
            qEnvironmentVariableIsEmpty("DISPLAY") &&
            qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        const QtMessageHandler previous = qInstallMessageHandler(collectStartupMessage);
        app = std::make_unique<QGuiApplication>(argc, argv);
        qInstallMessageHandler(previous);
        for (const QString& message : g_startupMessages)
            qCDebug(lcCli).noquote() << message;
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("ember-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("ember"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EMBER_VERSION));
    return ember::cli::run(QCoreApplication::arguments());
}
