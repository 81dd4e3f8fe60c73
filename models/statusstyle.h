// How a status looks everywhere: a colour and a small round icon, so a
// failed backup or a busy volume stands out in any view.
#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

namespace ember::ui {

QColor statusColor(const QString& status);
QIcon statusIcon(const QString& status);
// A small padlock: a protected backup (never pruned).
QIcon protectedIcon();
// A padlock with a clock: a backup locked by S3 Object Lock until a date
// (:/icons/immutable.svg).
QIcon immutableIcon();
// A closed padlock: a backup encrypted at rest (:/icons/encrypted.svg, else
// the theme's emblem-locked, else painted).
QIcon encryptedIcon();
// The status as shown to users (translated).
QString statusText(const QString& status);

} // namespace ember::ui
