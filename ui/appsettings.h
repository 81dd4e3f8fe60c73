// The application's own preferences (QSettings) and its translations.
#pragma once

#include <QString>
#include <QStringList>

class QApplication;
class QTranslator;

namespace ember::ui {

namespace SettingsKey {
inline const QString MaxConcurrentJobs = QStringLiteral("jobs/maxConcurrent");
inline const QString Language = QStringLiteral("ui/language"); // "" = system, "en", "zh_CN"
// The source the window showed last: "local" or "cloud:<name>".
inline const QString LastSource = QStringLiteral("ui/lastSource");
} // namespace SettingsKey

int maxConcurrentJobs();
void setMaxConcurrentJobs(int jobs);
QString languageSetting();
void setLanguageSetting(const QString& language);
QString lastSourceSetting();
void setLastSourceSetting(const QString& sourceId);

// Language codes the application ships (besides English, the source).
QStringList availableLanguages();
QString languageDisplayName(const QString& code);
// The language to use: the setting, else the system locale if shipped, else English.
QString effectiveLanguage();
// Replaces the application's translators with those of `language`.
void installTranslators(const QString& language);

} // namespace ember::ui
