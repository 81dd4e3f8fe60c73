// JSON text exactly as Python's json.dumps writes it (ensure_ascii, and
// either the default ", "/": " separators or indent=N with "," and ": "),
// so the files and records we write are byte-identical to Cinder's.
#pragma once

#include <QByteArray>
#include <QJsonValue>

namespace ember::PythonJson {

struct Style
{
    int indent = -1;       // -1: one line, like json.dumps(obj)
    bool sortKeys = false; // QJsonObject iterates in sorted order anyway
};

QByteArray dumps(const QJsonValue& value, Style style = {});
// A JSON string literal with Python's ensure_ascii escaping, quotes included.
QByteArray quote(const QString& text);

} // namespace ember::PythonJson
