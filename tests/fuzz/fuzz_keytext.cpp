// Key files and paper keys typed back in (importKeyText), and the
// "ember_encryption" record of a backup's `_metadata` (Envelope::fromJson):
// both read untrusted text. Either refuses with an Error or what it accepts is
// consistent: an imported key matches its fingerprint and survives its own
// export; an accepted envelope survives its own JSON.
#include "fuzzsupport.h"
#include "keys.h"
#include "sealing.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace ember;

namespace {

void importKey(const QByteArray& input)
{
    KeySet key;
    try {
        key = importKeyText(QString::fromUtf8(input));
    } catch (const Error&) {
        return; // refused with a message: fine
    }
    const QByteArray material = key.kind == KeySet::Kind::Symmetric ? key.secret : key.publicKey;
    EMBER_FUZZ_CHECK(material.size() == 32 && key.macKey.size() == 32,
                     "key of %lld/%lld bytes accepted", qlonglong(material.size()),
                     qlonglong(key.macKey.size()));
    EMBER_FUZZ_CHECK(key.fingerprint == keyFingerprint(key.kind, material),
                     "fingerprint %s does not match", qPrintable(key.fingerprint));
    KeySet again;
    try {
        again = importKeyText(exportKeyText(key));
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(false, "the export of an imported key does not import: %s", error.what());
    }
    EMBER_FUZZ_CHECK(again.fingerprint == key.fingerprint && again.secret == key.secret &&
                         again.publicKey == key.publicKey && again.macKey == key.macKey,
                     "key %s changed in an export round trip", qPrintable(key.fingerprint));
}

void readEnvelope(const QByteArray& input)
{
    const QJsonDocument document = QJsonDocument::fromJson(input);
    if (!document.isObject())
        return;
    Envelope envelope;
    try {
        envelope = Envelope::fromJson(document.object());
    } catch (const Error&) {
        return;
    }
    EMBER_FUZZ_CHECK(envelope.wrappedKeys.size() == kObjectNonceSize + 64 + kObjectTagSize,
                     "wrapped key of %lld bytes accepted", qlonglong(envelope.wrappedKeys.size()));
    Envelope again;
    try {
        again = Envelope::fromJson(envelope.toJson());
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(false, "an accepted envelope's own JSON is refused: %s", error.what());
    }
    EMBER_FUZZ_CHECK(again.toJson() == envelope.toJson(), "envelope changed in a JSON round trip");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = fuzz::bytes(data, size);
    importKey(input);
    readEnvelope(input);
    return 0;
}
