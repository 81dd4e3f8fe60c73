#include "appsettings.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>
#include <memory>
#include <vector>

namespace ember::ui {

int maxConcurrentJobs()
{
    return qBound(1, QSettings().value(SettingsKey::MaxConcurrentJobs, 2).toInt(), 16);
}

void setMaxConcurrentJobs(int jobs)
{
    QSettings().setValue(SettingsKey::MaxConcurrentJobs, jobs);
}

QString languageSetting()
{
    return QSettings().value(SettingsKey::Language).toString();
}

void setLanguageSetting(const QString& language)
{
    QSettings().setValue(SettingsKey::Language, language);
}

QString lastSourceSetting()
{
    return QSettings().value(SettingsKey::LastSource, QStringLiteral("local")).toString();
}

void setLastSourceSetting(const QString& sourceId)
{
    QSettings().setValue(SettingsKey::LastSource, sourceId);
}

QStringList availableLanguages()
{
    return {QStringLiteral("en"), QStringLiteral("zh_CN")};
}

QString languageDisplayName(const QString& code)
{
    if (code == QLatin1String("zh_CN"))
        return QStringLiteral("简体中文");
    if (code == QLatin1String("en"))
        return QStringLiteral("English");
    return QApplication::translate("Settings", "System language");
}

QString effectiveLanguage()
{
    const QString chosen = languageSetting();
    if (availableLanguages().contains(chosen))
        return chosen;
    for (const QString& name : QLocale::system().uiLanguages()) {
        QString code = name;
        code.replace(QLatin1Char('-'), QLatin1Char('_'));
        if (code.startsWith(QLatin1String("zh_CN")) || code.startsWith(QLatin1String("zh_Hans")) ||
            code == QLatin1String("zh"))
            return QStringLiteral("zh_CN");
        if (code.startsWith(QLatin1String("en")))
            return QStringLiteral("en");
    }
    return QStringLiteral("en");
}

void installTranslators(const QString& language)
{
    static std::vector<std::unique_ptr<QTranslator>> installed;
    for (auto& translator : installed)
        QCoreApplication::removeTranslator(translator.get());
    installed.clear();
    // English too: its file holds the plural forms ("1 backup", "2 backups").
    auto own = std::make_unique<QTranslator>();
    if (own->load(QStringLiteral(":/i18n/ember_%1.qm").arg(language))) {
        QCoreApplication::installTranslator(own.get());
        installed.push_back(std::move(own));
    }
    if (language == QLatin1String("en"))
        return;
    // Qt's own strings (standard buttons, file dialogs).
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(QStringLiteral("qtbase_%1").arg(language),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt.get());
        installed.push_back(std::move(qt));
    }
}

} // namespace ember::ui
