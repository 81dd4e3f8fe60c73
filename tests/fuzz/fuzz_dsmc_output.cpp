// What IBM's dsmc prints (stdout and stderr together), read as the TSM driver
// reads it: parseDsmcOutput, then the counts and sizes of its summary lines.
// Properties: counts and sizes are never negative, and every error or warning
// line found is one of the output's lines.
#include "dsmcoutput.h"
#include "fuzzsupport.h"

using namespace ember::tsm;

namespace {

void checkNumbers(const QString& text)
{
    if (const auto count = parseDsmcCount(text))
        EMBER_FUZZ_CHECK(*count >= 0, "negative count %lld from '%s'", qlonglong(*count),
                         qPrintable(text));
    if (const auto bytes = parseDsmcBytes(text))
        EMBER_FUZZ_CHECK(*bytes >= 0, "negative size %lld from '%s'", qlonglong(*bytes),
                         qPrintable(text));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(ember::fuzz::bytes(data, size));
    const DsmcOutput output = parseDsmcOutput(text);
    for (const QString& line : output.errorLines)
        EMBER_FUZZ_CHECK(!dsmcMessageId(line).isEmpty(), "error line without a message id: '%s'",
                         qPrintable(line));
    for (const QString& line : output.warningLines)
        EMBER_FUZZ_CHECK(!dsmcMessageId(line).isEmpty(), "warning line without a message id: '%s'",
                         qPrintable(line));
    int keysAsked = 0;
    for (auto it = output.values.cbegin(); it != output.values.cend(); ++it) {
        checkNumbers(it.value());
        // As the driver asks: by key, through the "anywhere in a line" search
        // (a few keys only: each search reads every line).
        if (++keysAsked > 8)
            continue;
        if (const auto count = output.count(it.key()))
            EMBER_FUZZ_CHECK(*count >= 0, "negative count for '%s'", qPrintable(it.key()));
        if (const auto bytes = output.bytes(it.key()))
            EMBER_FUZZ_CHECK(*bytes >= 0, "negative size for '%s'", qPrintable(it.key()));
    }
    // The summary keys the TSM driver reads, wherever they appear.
    for (const char* key :
         {"Total number of objects backed up", "Total number of objects failed",
          "Total number of bytes inspected", "Total number of bytes transferred",
          "Total number of objects restored", "Total number of objects deleted"}) {
        const QString name = QString::fromLatin1(key);
        (void)output.count(name);
        (void)output.bytes(name);
    }
    checkNumbers(text);
    (void)output.hasMessage(QStringLiteral("ANS1025E"));
    (void)output.value(QStringLiteral("Server Name"));
    return 0;
}
