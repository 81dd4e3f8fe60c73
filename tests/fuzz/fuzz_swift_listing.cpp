// One page of a Swift container listing as the server sends it. The input is
// the prefix on the first line, the marker on the second, then the body
// (Swift's JSON listing). Properties: every name returned is under the prefix,
// and a page that goes on moves past its marker (else list() never ends).
#include "fuzzsupport.h"
#include "records.h"
#include "swiftlisting.h"

using namespace ember;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QByteArray input = fuzz::bytes(data, size);
    const QString prefix = QString::fromUtf8(fuzz::takeLine(input));
    const QString marker = QString::fromUtf8(fuzz::takeLine(input));
    const QString container = QStringLiteral("volumebackups");
    try {
        const swift::ListingPage page = swift::parseListingPage(input, container, prefix, marker);
        for (const QString& name : page.names)
            EMBER_FUZZ_CHECK(name.startsWith(prefix) && !name.isEmpty(),
                             "name '%s' is outside the prefix '%s'", qPrintable(name),
                             qPrintable(prefix));
        if (!page.nextMarker.isEmpty() && !marker.isEmpty())
            EMBER_FUZZ_CHECK(page.nextMarker.toUtf8() > marker.toUtf8(),
                             "the next marker '%s' does not move past '%s'",
                             qPrintable(page.nextMarker), qPrintable(marker));
    } catch (const Error&) {
        // A refusal with a message is the expected answer to a bad listing.
    }
    return 0;
}
