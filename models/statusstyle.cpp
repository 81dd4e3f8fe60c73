#include "statusstyle.h"

#include "records.h"

#include <QCoreApplication>
#include <QFile>
#include <QHash>
#include <QPainter>
#include <QPixmap>

#include <functional>

namespace ember::ui {

namespace {

// An icon at 16 and 32 pixels, each drawn by `draw` on a transparent,
// antialiased pixmap.
QIcon paintedIcon(const std::function<void(QPainter& painter, int size)>& draw)
{
    QIcon icon;
    for (int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        draw(painter, size);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

enum class PadlockStyle
{
    Closed,       // protected
    ShortShackle, // immutable (Object Lock)
    Keyhole       // encrypted
};

// The padlocks of protection, Object Lock and encryption, on a 16-unit grid.
void drawPadlock(QPainter& painter, int size, const QColor& body, PadlockStyle style)
{
    const qreal unit = size / 16.0;
    // The shackle, then the body.
    painter.setPen(QPen(body, 1.6 * unit));
    painter.setBrush(Qt::NoBrush);
    painter.drawArc(QRectF(4.5 * unit, 1.5 * unit, 7 * unit, 9 * unit), 0, 180 * 16);
    if (style != PadlockStyle::ShortShackle) {
        painter.drawLine(QPointF(4.5 * unit, 6 * unit), QPointF(4.5 * unit, 8 * unit));
        painter.drawLine(QPointF(11.5 * unit, 6 * unit), QPointF(11.5 * unit, 8 * unit));
    }
    painter.setPen(Qt::NoPen);
    painter.setBrush(body);
    painter.drawRoundedRect(QRectF(2.5 * unit, 7 * unit, 11 * unit, 8 * unit), unit, unit);
    if (style == PadlockStyle::Keyhole) {
        painter.setBrush(Qt::white);
        painter.drawEllipse(QRectF(7 * unit, 9.5 * unit, 2 * unit, 2 * unit));
    }
}

} // namespace

QColor statusColor(const QString& status)
{
    if (status == BackupStatus::Available)
        return QColor(0x2e, 0x7d, 0x32); // green
    if (status == BackupStatus::Error || status == BackupStatus::ErrorDeleting ||
        status == VolumeStatus::ErrorRestoring)
        return QColor(0xc6, 0x28, 0x28); // red
    if (status == BackupStatus::Creating || status == BackupStatus::Restoring ||
        status == BackupStatus::Deleting || status == VolumeStatus::BackingUp)
        return QColor(0x15, 0x65, 0xc0); // blue: work in progress
    if (status == VolumeStatus::InUse)
        return QColor(0xef, 0x6c, 0x00); // orange
    return QColor(0x61, 0x61, 0x61);
}

QIcon statusIcon(const QString& status)
{
    static QHash<QString, QIcon> cache;
    auto found = cache.constFind(status);
    if (found != cache.constEnd())
        return *found;
    const QIcon icon = paintedIcon([color = statusColor(status)](QPainter& painter, int size) {
        painter.setPen(QPen(color.darker(130), size / 16.0));
        painter.setBrush(color);
        const qreal margin = size * 0.2;
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin));
    });
    cache.insert(status, icon);
    return icon;
}

QIcon protectedIcon()
{
    // Violet: stands apart from the status colours.
    static const QIcon cached = paintedIcon([](QPainter& painter, int size) {
        drawPadlock(painter, size, QColor(0x6a, 0x1b, 0x9a), PadlockStyle::Closed);
    });
    return cached;
}

QIcon immutableIcon()
{
    // The SVG comes with the widgets' resources; the models alone paint a padlock.
    const QString svg = QStringLiteral(":/icons/immutable.svg");
    if (QFile::exists(svg))
        return QIcon(svg);
    // Teal, shackle without its legs: apart from protection's violet.
    static const QIcon painted = paintedIcon([](QPainter& painter, int size) {
        drawPadlock(painter, size, QColor(0x00, 0x69, 0x5c), PadlockStyle::ShortShackle);
    });
    return painted;
}

QIcon encryptedIcon()
{
    const QString svg = QStringLiteral(":/icons/encrypted.svg");
    if (QFile::exists(svg))
        return QIcon(svg);
    const QIcon themed = QIcon::fromTheme(QStringLiteral("emblem-locked"));
    if (!themed.isNull())
        return themed;
    // Slate with a keyhole: apart from protection and Object Lock.
    static const QIcon painted = paintedIcon([](QPainter& painter, int size) {
        drawPadlock(painter, size, QColor(0x37, 0x47, 0x4f), PadlockStyle::Keyhole);
    });
    return painted;
}

QString statusText(const QString& status)
{
    // Cinder's status names stay recognisable; only the words are translated.
    if (status == BackupStatus::Creating)
        return QCoreApplication::translate("Status", "creating");
    if (status == BackupStatus::Available)
        return QCoreApplication::translate("Status", "available");
    if (status == BackupStatus::Deleting)
        return QCoreApplication::translate("Status", "deleting");
    if (status == BackupStatus::Deleted)
        return QCoreApplication::translate("Status", "deleted");
    if (status == BackupStatus::Error)
        return QCoreApplication::translate("Status", "error");
    if (status == BackupStatus::ErrorDeleting)
        return QCoreApplication::translate("Status", "error deleting");
    if (status == BackupStatus::Restoring)
        return QCoreApplication::translate("Status", "restoring");
    if (status == VolumeStatus::InUse)
        return QCoreApplication::translate("Status", "in use");
    if (status == VolumeStatus::BackingUp)
        return QCoreApplication::translate("Status", "backing up");
    if (status == VolumeStatus::ErrorRestoring)
        return QCoreApplication::translate("Status", "error restoring");
    return status;
}

} // namespace ember::ui
