// Reading what IBM's dsmc client prints: the summary block ("Total number of
// objects backed up:        1"), ANSnnnnX messages and sizes such as
// "1,024.00 MB". dsmc formats numbers for the client's locale, so counts and
// sizes may use ',', '.', ' ' or '\'' as thousands separators.
#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace ember::tsm {

// A whole count as dsmc prints it: "1", "1,024", "1.024", "1 024", "12'345".
// Anything after the number (units, text) is ignored. nullopt when the text
// does not start with a number (after blanks).
std::optional<qint64> parseDsmcCount(const QString& text);

// A size with an optional unit, 1024-based as dsmc counts: "512 B",
// "1,024.00 MB", "1.024,00 MB", "1 024,50 KB", "3.50 GB", "17" (bytes).
std::optional<qint64> parseDsmcBytes(const QString& text);

// The message id of an ANS/ANR message line ("ANS1025E"), or empty.
QString dsmcMessageId(const QString& line);

struct DsmcOutput
{
    QStringList lines;
    // "key: value" lines: the key is the text before the first ':' (trimmed),
    // the value the trimmed rest. Later lines win for repeated keys.
    QMap<QString, QString> values;
    QStringList errorLines;   // ANSnnnnE / ANSnnnnS lines, as printed
    QStringList warningLines; // ANSnnnnW lines

    std::optional<qint64> count(const QString& key) const;
    std::optional<qint64> bytes(const QString& key) const;
    QString value(const QString& key) const { return values.value(key); }
    bool hasMessage(const QString& messageId) const;
};

// Splits and classifies dsmc's combined stdout/stderr.
DsmcOutput parseDsmcOutput(const QString& text);

} // namespace ember::tsm
