// The desktop application: `ember`. Opens the catalog at the default place
// (or --catalog), with the embedded default backend ready on first start.
#include "appcontext.h"
#include "appsettings.h"
#include "backendregistry.h"
#include "mainwindow.h"
#include "screenshotdemo.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QTimer>
#include <memory>

namespace {

// Owns the main window; builds a new one when the language changes, so
// every text is retranslated while the jobs and models carry on.
class WindowKeeper : public QObject
{
public:
    explicit WindowKeeper(ember::ui::AppContext& context) : m_context(context) { rebuild(); }
    ember::ui::MainWindow& window() { return *m_window; }

private:
    void rebuild()
    {
        auto fresh = std::make_unique<ember::ui::MainWindow>(m_context);
        connect(fresh.get(), &ember::ui::MainWindow::languageChangeRequested, this,
                [this] { QTimer::singleShot(0, this, &WindowKeeper::replace); });
        fresh->show();
        m_window = std::move(fresh);
    }
    void replace()
    {
        m_window->saveSettings(); // the new window picks up geometry and selection
        std::unique_ptr<ember::ui::MainWindow> old = std::move(m_window);
        rebuild();
        old->hide();
    }

    ember::ui::AppContext& m_context;
    std::unique_ptr<ember::ui::MainWindow> m_window;
};

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Ember"));
    QApplication::setApplicationName(QStringLiteral("Ember"));
    QApplication::setApplicationVersion(QStringLiteral(EMBER_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/ember.svg")));
    ember::ui::installTranslators(ember::ui::effectiveLanguage());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Back up and restore block volumes in Cinder's formats."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption catalogOption(
        QStringLiteral("catalog"),
        QApplication::translate("main", "Use the catalog database at <path>."),
        QApplication::translate("main", "path"), ember::defaultCatalogPath());
    parser.addOption(catalogOption);
    QCommandLineOption demoOption(QStringLiteral("screenshot-demo"),
                                  QStringLiteral("Drive the window for a screenshot scene."),
                                  QStringLiteral("scene"));
    demoOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(demoOption);
    parser.process(app);

    const QString catalogPath = QFileInfo(parser.value(catalogOption)).absoluteFilePath();
    // The default data directory is private; one named with --catalog is the
    // user's choice (the catalog file itself is made private either way).
    const QString dataDirectory = QFileInfo(ember::defaultDataDirectory()).absoluteFilePath();
    if (QFileInfo(catalogPath).absolutePath() == dataDirectory) {
        try {
            ember::privateDataDirectory();
        } catch (const ember::Error&) {
            // AppContext reports the catalog it cannot open.
        }
    }
    QDir().mkpath(QFileInfo(catalogPath).absolutePath());

    ember::ui::AppContext context(catalogPath);
    WindowKeeper keeper(context);
    if (parser.isSet(demoOption)) {
        const QString scene = parser.value(demoOption);
        if (!ember::ui::screenshotScenes().contains(scene)) {
            qCritical("unknown screenshot scene %s", qPrintable(scene));
            return 2;
        }
        ember::ui::startScreenshotDemo(keeper.window(), scene);
    }
    return QApplication::exec();
}
