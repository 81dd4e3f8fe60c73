#include "paperkey.h"

#include <QFile>
#include <QFileInfo>
#include <QFont>
#include <QFontDatabase>
#include <QFontMetricsF>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>

#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace ember {

QImage qrCodeImage(const QByteArray& text, int moduleSize)
{
    if (moduleSize < 1)
        throw Error(QStringLiteral("A QR code needs modules of at least one pixel."));
    // Binary mode (8-bit data): the key text is encoded as it is, line breaks included.
    const std::unique_ptr<QRcode, void (*)(QRcode*)> code(
        QRcode_encodeData(int(text.size()),
                          reinterpret_cast<const unsigned char*>(text.constData()), 0,
                          QR_ECLEVEL_M),
        QRcode_free);
    if (!code)
        throw Error(QStringLiteral("Cannot make a QR code of %1 bytes: %2")
                        .arg(text.size())
                        .arg(QString::fromLocal8Bit(std::strerror(errno))));
    const int quietZone = 4;
    const int modules = code->width + 2 * quietZone;
    QImage image(modules * moduleSize, modules * moduleSize, QImage::Format_Grayscale8);
    image.fill(Qt::white);
    for (int y = 0; y < code->width; ++y) {
        for (int x = 0; x < code->width; ++x) {
            // Bit 0 of each byte: the module is dark.
            if ((code->data[y * code->width + x] & 1) == 0)
                continue;
            for (int dy = 0; dy < moduleSize; ++dy) {
                uchar* line = image.scanLine((y + quietZone) * moduleSize + dy);
                std::fill_n(line + (x + quietZone) * moduleSize, moduleSize, uchar(0));
            }
        }
    }
    return image;
}

namespace {

QFont fixedFont(qreal pointSize)
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setStyleHint(QFont::Monospace);
    font.setFixedPitch(true);
    font.setPointSizeF(pointSize);
    return font;
}

QFont textFont(qreal pointSize, bool bold = false)
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::GeneralFont);
    font.setPointSizeF(pointSize);
    font.setBold(bold);
    return font;
}

} // namespace

void writePaperKeyPdf(const KeySet& key, KeyPart part, const QString& pdfPath)
{
    const QString keyText = exportKeyText(key, part);
    // Owner-only from the first byte: the page holds the whole key.
    QFile file(pdfPath);
    const QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate, ownerOnly) ||
        !file.setPermissions(ownerOnly))
        throw Error(QStringLiteral("Cannot write the paper key to %1: %2")
                        .arg(QFileInfo(pdfPath).absoluteFilePath(), file.errorString()));
    QPdfWriter writer(&file);
    writer.setTitle(QStringLiteral("Ember paper key %1").arg(key.fingerprint));
    writer.setCreator(QStringLiteral("Ember"));
    writer.setResolution(300);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                     QMarginsF(18, 15, 18, 15), QPageLayout::Millimeter));
    QPainter painter;
    if (!painter.begin(&writer))
        throw Error(QStringLiteral("Cannot write the paper key to %1: the file cannot be "
                                   "opened for writing.")
                        .arg(QFileInfo(pdfPath).absoluteFilePath()));
    const QRectF page = writer.pageLayout().paintRectPixels(writer.resolution()).toRectF();
    const qreal width = page.width();
    qreal y = 0;
    auto write = [&](const QString& text, const QFont& font, qreal spaceAfter = 0) {
        painter.setFont(font);
        const QRectF box(0, y, width, page.height() - y);
        const QRectF used = painter.boundingRect(box, Qt::TextWordWrap, text);
        painter.drawText(box, Qt::TextWordWrap, text);
        y += used.height() + spaceAfter;
    };

    // Everything but the key text lies above or below it, never beside it, so a
    // text extraction (pdftotext -layout) gives the armored block on lines of its own.
    const bool secretIncluded = part == KeyPart::Full && key.canUnwrap();
    write(QStringLiteral("Ember paper key"), textFont(22, true), 40);
    const QString what =
        key.kind == KeySet::Kind::Symmetric
            ? QStringLiteral("AES-256 master key (it encrypts and decrypts backups)")
        : secretIncluded
            ? QStringLiteral("X25519 key pair, private half included (it restores backups)")
            : QStringLiteral("X25519 public key only (it makes backups but cannot restore them)");
    write(QStringLiteral("Fingerprint:  %1\nLabel:  %2\nCreated:  %3\nKind:  %4\nPrinted:  %5")
              .arg(key.fingerprint, key.label.isEmpty() ? QStringLiteral("-") : key.label,
                   key.created.toUTC().toString(Qt::ISODate), what,
                   QDateTime::currentDateTimeUtc().toString(Qt::ISODate)),
          textFont(11), 40);
    write(QStringLiteral(
              "How to restore: install Ember, then run \"ember-cli key-import\" and type the key "
              "text below (spaces and case do not matter; each line ends with a 2-character "
              "checksum, so a mistyped line is named), or scan the QR code and import the text "
              "it holds. Then add the backend (or rescan it) and restore as usual.%1")
              .arg(secretIncluded
                       ? QStringLiteral("\nKeep this page safe: anyone holding it can read the "
                                        "backups made with this key, and without this key "
                                        "(or another copy of it) they cannot be restored.")
                       : QString()),
          textFont(10), 50);

    // The key text, large enough to read and retype; line numbers are drawn as
    // outlines (not text) so the extracted text is exactly the key's.
    const QFont mono = fixedFont(13);
    // A painter path takes the font's size in device pixels.
    QFont numberFont = mono;
    numberFont.setPixelSize(qRound(mono.pointSizeF() * writer.resolution() / 72.0));
    const QFontMetricsF metrics(mono, &writer);
    const qreal lineHeight = metrics.lineSpacing() * 1.25;
    const qreal numberWidth = metrics.horizontalAdvance(QStringLiteral("00  "));
    const QStringList lines = keyText.split(QLatin1Char('\n'));
    int materialLine = 0;
    bool inArmor = false;
    bool inMaterial = false; // after the blank line that ends the armor's header
    painter.setFont(mono);
    for (const QString& line : lines) {
        if (line.startsWith(QLatin1String("-----BEGIN"))) {
            inArmor = true;
        } else if (line.startsWith(QLatin1String("-----END"))) {
            inArmor = inMaterial = false;
        } else if (inArmor && !inMaterial && line.trimmed().isEmpty()) {
            inMaterial = true;
        } else if (inMaterial && !line.trimmed().isEmpty()) {
            QPainterPath number;
            number.addText(QPointF(0, y + metrics.ascent()), numberFont,
                           QStringLiteral("%1").arg(++materialLine, 2, 10, QLatin1Char('0')));
            painter.fillPath(number, QColor(110, 110, 110));
        }
        painter.setPen(Qt::black);
        painter.drawText(QPointF(numberWidth, y + metrics.ascent()), line);
        y += lineHeight;
    }
    y += 40;

    // The same text as a QR code, about 70 mm wide, below the text.
    const QImage code = qrCodeImage(keyText.toUtf8(), 1);
    const qreal side = std::min(70.0 / 25.4 * writer.resolution(), page.height() - y);
    if (side < 30.0 / 25.4 * writer.resolution())
        throw Error(
            QStringLiteral("The key text is too long for one page: %1 lines.").arg(lines.size()));
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.drawImage(QRectF(0, y, side, side), code);
    if (!painter.end())
        throw Error(QStringLiteral("Cannot write the paper key to %1.")
                        .arg(QFileInfo(pdfPath).absoluteFilePath()));
}

} // namespace ember
