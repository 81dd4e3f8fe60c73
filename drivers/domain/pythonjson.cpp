#include "pythonjson.h"

#include <QVariant>

#include <QJsonArray>
#include <QJsonObject>
#include <charconv>
#include <cmath>

namespace ember::PythonJson {

QByteArray quote(const QString& text)
{
    QByteArray out;
    out.reserve(text.size() + 2);
    out.append('"');
    static const char hex[] = "0123456789abcdef";
    for (const QChar character : text) {
        const ushort code = character.unicode();
        switch (code) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default:
            if (code < 0x20 || code > 0x7e) {
                // UTF-16 units, surrogates included, exactly as Python escapes them.
                out.append("\\u");
                out.append(hex[(code >> 12) & 0xf]);
                out.append(hex[(code >> 8) & 0xf]);
                out.append(hex[(code >> 4) & 0xf]);
                out.append(hex[code & 0xf]);
            } else {
                out.append(char(code));
            }
        }
    }
    out.append('"');
    return out;
}

namespace {

void write(const QJsonValue& value, const Style& style, int depth, QByteArray& out)
{
    const bool pretty = style.indent >= 0;
    auto newline = [&](int level) {
        out.append('\n');
        out.append(QByteArray(level * style.indent, ' '));
    };
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out.append("null");
        break;
    case QJsonValue::Bool:
        out.append(value.toBool() ? "true" : "false");
        break;
    case QJsonValue::Double: {
        // Qt keeps integers parsed from JSON text as 64-bit integers: print
        // them exactly, as Python's int does, not through a double.
        if (const QVariant exact = value.toVariant(); exact.typeId() == QMetaType::LongLong) {
            out.append(QByteArray::number(exact.toLongLong()));
            break;
        }
        const double number = value.toDouble();
        if (std::floor(number) == number && std::fabs(number) < 9.007199254740992e15)
            out.append(QByteArray::number(qint64(number)));
        else {
            // Shortest round-trip text, as Python's float repr.
            char buffer[64];
            const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
            out.append(buffer, qsizetype(result.ptr - buffer));
        }
        break;
    }
    case QJsonValue::String:
        out.append(quote(value.toString()));
        break;
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        if (array.isEmpty()) {
            out.append("[]");
            break;
        }
        out.append('[');
        bool first = true;
        for (const QJsonValue& item : array) {
            if (!first)
                out.append(pretty ? "," : ", ");
            first = false;
            if (pretty)
                newline(depth + 1);
            write(item, style, depth + 1, out);
        }
        if (pretty)
            newline(depth);
        out.append(']');
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        if (object.isEmpty()) {
            out.append("{}");
            break;
        }
        out.append('{');
        bool first = true;
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!first)
                out.append(pretty ? "," : ", ");
            first = false;
            if (pretty)
                newline(depth + 1);
            out.append(quote(it.key()));
            out.append(": ");
            write(it.value(), style, depth + 1, out);
        }
        if (pretty)
            newline(depth);
        out.append('}');
        break;
    }
    }
}

} // namespace

QByteArray dumps(const QJsonValue& value, Style style)
{
    QByteArray out;
    write(value, style, 0, out);
    return out;
}

} // namespace ember::PythonJson
