// The printable paper key: a master key's text (crypto/keys.h,
// exportKeyText) on one A4 page, in a large monospace font with line
// numbers, and the same text as a QR code (libqrencode, error correction M),
// with the fingerprint, label, date and how to restore from it. Typing the
// text back (importKeyText) or scanning the QR code gives the key again.
#pragma once

#include "keys.h"

#include <QImage>
#include <QString>

namespace ember {

// The QR code of `text`: black modules `moduleSize` pixels wide on white, a
// 4-module quiet zone. Throws Error when libqrencode cannot encode it.
QImage qrCodeImage(const QByteArray& text, int moduleSize);

// Writes the page to `pdfPath` (QPdfWriter). Needs a QGuiApplication (fonts).
// Throws Error naming the file when it cannot be written.
void writePaperKeyPdf(const KeySet& key, KeyPart part, const QString& pdfPath);

} // namespace ember
