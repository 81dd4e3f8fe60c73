#include "dsmcoutput.h"

#include <QRegularExpression>
#include <cmath>

namespace ember::tsm {

namespace {

// Digits in groups joined by one separator: "1,024", "1 024,50", "12'345.6".
const QRegularExpression& numberPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(\\d+(?:[.,'\\x{00A0}\\x{202F} ]\\d+)*)"));
    return pattern;
}

bool isSeparator(QChar c)
{
    return c == u',' || c == u'.' || c == u'\'' || c == u' ' || c == QChar(0x00A0) ||
           c == QChar(0x202F);
}

struct ParsedNumber
{
    QString integerDigits;
    QString fractionDigits;
    qsizetype consumed = 0;
};

std::optional<ParsedNumber> parseNumber(const QString& text, bool allowFraction)
{
    const QRegularExpressionMatch match = numberPattern().match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const QString number = match.captured(1);

    // The last '.' or ',' is a decimal mark when it is not followed by exactly
    // three digits, or when the other mark already served as grouping
    // ("1,024.000" is ambiguous in theory; dsmc prints two decimals).
    qsizetype decimalAt = -1;
    if (allowFraction) {
        const qsizetype lastDot = number.lastIndexOf(u'.');
        const qsizetype lastComma = number.lastIndexOf(u',');
        const qsizetype last = std::max(lastDot, lastComma);
        if (last >= 0) {
            const QChar mark = number.at(last);
            const qsizetype digitsAfter = number.size() - last - 1;
            const bool markRepeats = number.indexOf(mark) != last;
            const QChar other = mark == u'.' ? u',' : u'.';
            const bool otherBefore = number.indexOf(other) >= 0 && number.indexOf(other) < last;
            if (!markRepeats && (digitsAfter != 3 || otherBefore))
                decimalAt = last;
        }
    }

    ParsedNumber parsed;
    parsed.consumed = match.capturedEnd(1);
    for (qsizetype i = 0; i < number.size(); ++i) {
        const QChar c = number.at(i);
        if (isSeparator(c))
            continue;
        if (decimalAt >= 0 && i > decimalAt)
            parsed.fractionDigits.append(c);
        else
            parsed.integerDigits.append(c);
    }
    return parsed;
}

} // namespace

std::optional<qint64> parseDsmcCount(const QString& text)
{
    const auto parsed = parseNumber(text, false);
    if (!parsed || parsed->integerDigits.size() > 18)
        return std::nullopt;
    bool ok = false;
    const qint64 value = parsed->integerDigits.toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

std::optional<qint64> parseDsmcBytes(const QString& text)
{
    const auto parsed = parseNumber(text, true);
    if (!parsed || parsed->integerDigits.size() > 18)
        return std::nullopt;
    bool ok = false;
    const qint64 whole = parsed->integerDigits.toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    double fraction = 0;
    if (!parsed->fractionDigits.isEmpty())
        fraction = (QStringLiteral("0.") + parsed->fractionDigits).toDouble();

    static const QRegularExpression unitPattern(QStringLiteral("^\\s*([KMGTP]?)(?:B\\b|bytes?\\b)"),
                                                QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch unit = unitPattern.match(text.mid(parsed->consumed));
    int shift = 0;
    if (unit.hasMatch() && !unit.captured(1).isEmpty()) {
        const QString prefixes = QStringLiteral("KMGTP");
        shift = 10 * (int(prefixes.indexOf(unit.captured(1).toUpper())) + 1);
    }
    const double multiplier = std::ldexp(1.0, shift);
    if (double(whole) * multiplier > 9.0e18)
        return std::nullopt;
    return qint64(whole) * qint64(multiplier) + qint64(std::llround(fraction * multiplier));
}

QString dsmcMessageId(const QString& line)
{
    static const QRegularExpression pattern(QStringLiteral("\\b(AN[RS]\\d{4}[EISWK])\\b"));
    const QRegularExpressionMatch match = pattern.match(line);
    return match.hasMatch() ? match.captured(1) : QString();
}

DsmcOutput parseDsmcOutput(const QString& text)
{
    DsmcOutput output;
    QString normalized = text;
    normalized.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    normalized.replace(u'\r', u'\n');
    output.lines = normalized.split(u'\n');
    while (!output.lines.isEmpty() && output.lines.constLast().trimmed().isEmpty())
        output.lines.removeLast();

    for (const QString& line : std::as_const(output.lines)) {
        const QString id = dsmcMessageId(line);
        if (!id.isEmpty()) {
            const QChar severity = id.back();
            if (severity == u'E' || severity == u'S')
                output.errorLines.append(line.trimmed());
            else if (severity == u'W')
                output.warningLines.append(line.trimmed());
        }
        const qsizetype colon = line.indexOf(u':');
        if (colon > 0) {
            const QString key = line.left(colon).trimmed();
            if (!key.isEmpty())
                output.values.insert(key, line.mid(colon + 1).trimmed());
        }
    }
    return output;
}

namespace {

// The value after `key` and its ':' anywhere in a line, for lines with text
// before the key (timestamps in logs, message ids); the last match wins.
QString findValue(const DsmcOutput& output, const QString& key)
{
    const auto exact = output.values.constFind(key);
    if (exact != output.values.cend())
        return exact.value();
    for (auto it = output.lines.crbegin(); it != output.lines.crend(); ++it) {
        const qsizetype at = it->indexOf(key, 0, Qt::CaseInsensitive);
        if (at < 0)
            continue;
        qsizetype pos = at + key.size();
        while (pos < it->size() && it->at(pos).isSpace())
            ++pos;
        if (pos < it->size() && it->at(pos) == u':')
            return it->mid(pos + 1).trimmed();
    }
    return {};
}

} // namespace

std::optional<qint64> DsmcOutput::count(const QString& key) const
{
    const QString text = findValue(*this, key);
    return text.isEmpty() ? std::nullopt : parseDsmcCount(text);
}

std::optional<qint64> DsmcOutput::bytes(const QString& key) const
{
    const QString text = findValue(*this, key);
    return text.isEmpty() ? std::nullopt : parseDsmcBytes(text);
}

bool DsmcOutput::hasMessage(const QString& messageId) const
{
    for (const QString& line : lines) {
        if (dsmcMessageId(line) == messageId)
            return true;
    }
    return false;
}

} // namespace ember::tsm
