// Helpers shared by the libFuzzer targets: turning the fuzzer's bytes into the
// arguments of a parser, and stopping loudly when a property does not hold.
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace ember::fuzz {

inline QByteArray bytes(const uint8_t* data, size_t size)
{
    return QByteArray(reinterpret_cast<const char*>(data), qsizetype(size));
}

// Takes the text up to the first '\n' (without it) off the front of `input`;
// the whole input when there is no '\n'. Lets one seed file carry a parser's
// small arguments (a prefix, a marker) on its first lines, readable as text.
inline QByteArray takeLine(QByteArray& input)
{
    const qsizetype newline = input.indexOf('\n');
    if (newline < 0) {
        QByteArray line = input;
        input.clear();
        return line;
    }
    QByteArray line = input.left(newline);
    input.remove(0, newline + 1);
    return line;
}

// A property of a parser's result that must hold for every input: abort()
// makes libFuzzer save the input as a crash.
#define EMBER_FUZZ_CHECK(condition, ...)                                                           \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "property violated: %s\n", #condition);                           \
            std::fprintf(stderr, __VA_ARGS__);                                                     \
            std::fprintf(stderr, "\n");                                                            \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

} // namespace ember::fuzz
