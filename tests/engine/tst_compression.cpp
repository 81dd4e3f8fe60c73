// The codecs write streams that Cinder's Python modules read, and read what
// those modules write.
#include "compression.h"
#include "testsupport.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QtTest>

using namespace ember;

namespace {
template <typename Function> bool throwsError(Function function)
{
    try {
        function();
    } catch (const ember::Error&) {
        return true;
    }
    return false;
}
} // namespace

namespace {
QByteArray sampleData(qint64 size, quint32 seed)
{
    return ember::test::mixedSample(size, seed);
}

// Runs a Python snippet with Debian's interpreter (it has zstd for Cinder).
QByteArray python(const QString& script, const QByteArray& input)
{
    QProcess process;
    process.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), script});
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000) || process.exitCode() != 0)
        qFatal("python failed: %s", process.readAllStandardError().constData());
    return process.readAllStandardOutput();
}

const char* moduleFor(Codec codec)
{
    switch (codec) {
    case Codec::Zlib:
        return "zlib";
    case Codec::Bz2:
        return "bz2";
    case Codec::Zstd:
        return "zstd";
    case Codec::None:
        break;
    }
    return "";
}
} // namespace

class CompressionTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void namesFollowCinder()
    {
        QCOMPARE(parseCompression(QStringLiteral("GZIP")).tag, QStringLiteral("gzip"));
        QVERIFY(parseCompression(QStringLiteral("gzip")).codec == Codec::Zlib);
        QVERIFY(parseCompression(QStringLiteral("bzip2")).codec == Codec::Bz2);
        QVERIFY(parseCompression(QStringLiteral("off")).codec == Codec::None);
        QVERIFY(parseCompression(QStringLiteral("No")).codec == Codec::None);
        QVERIFY(throwsError([&] { parseCompression(QStringLiteral("lzma")); }));
        QVERIFY(codecForTag(QStringLiteral("bzip2")) == Codec::Bz2);
        QVERIFY(throwsError([&] { codecForTag(QStringLiteral("snappy")); }));
    }

    void pythonReadsOurPieces_data()
    {
        QTest::addColumn<int>("codec");
        QTest::addColumn<QString>("engine");
        QTest::newRow("zlib/isal") << int(Codec::Zlib) << QStringLiteral("isal");
        QTest::newRow("zlib/zlib") << int(Codec::Zlib) << QStringLiteral("zlib");
        QTest::newRow("bz2") << int(Codec::Bz2) << QString();
        QTest::newRow("zstd") << int(Codec::Zstd) << QString();
    }
    void pythonReadsOurPieces()
    {
        QFETCH(int, codec);
        QFETCH(QString, engine);
        const QByteArray data = sampleData(3 * 1048576 + 12345, 7);
        // Several independently compressed pieces, joined as the engine joins them.
        auto encoder = makeEncoder(Codec(codec), engine, data.size(), 2);
        QByteArray stream;
        for (qint64 at = 0; at < data.size(); at += 1048576) {
            const qint64 length = std::min<qint64>(1048576, data.size() - at);
            if (encoder->encodesPieces())
                encoder->appendEncoded(encoder->encodePiece(data.constData() + at, size_t(length)),
                                       stream);
            else
                encoder->appendRaw(data.constData() + at, size_t(length), stream);
        }
        encoder->finish(stream);
        QVERIFY(stream.size() < data.size());
        const QString script = QStringLiteral("import sys, hashlib, %1\n"
                                              "d = %1.decompress(sys.stdin.buffer.read())\n"
                                              "print(hashlib.sha256(d).hexdigest(), len(d))")
                                   .arg(QString::fromLatin1(moduleFor(Codec(codec))));
        const QByteArray expected =
            QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex() + ' ' +
            QByteArray::number(data.size()) + '\n';
        QCOMPARE(python(script, stream), expected);
        // And our own decoder, fed in odd-sized slices.
        auto decoder = makeDecoder(Codec(codec));
        QByteArray back;
        for (qint64 at = 0; at < stream.size(); at += 7777)
            decoder->feed(stream.constData() + at,
                          size_t(std::min<qint64>(7777, stream.size() - at)),
                          [&back](const char* bytes, size_t length) {
                              back.append(bytes, qsizetype(length));
                          });
        decoder->finish();
        QCOMPARE(back.size(), data.size());
        QVERIFY(back == data);
    }

    void weReadPythonStreams_data()
    {
        QTest::addColumn<int>("codec");
        QTest::newRow("zlib") << int(Codec::Zlib);
        QTest::newRow("bz2") << int(Codec::Bz2);
        QTest::newRow("zstd") << int(Codec::Zstd);
    }
    void weReadPythonStreams()
    {
        QFETCH(int, codec);
        const QByteArray data = sampleData(2 * 1048576 + 3, 11);
        // Cinder's calls: zlib.compress(d) (level 6), bz2.compress(d) (9), zstd.compress(d) (3).
        const QString script =
            QStringLiteral(
                "import sys, %1\nsys.stdout.buffer.write(%1.compress(sys.stdin.buffer.read()))")
                .arg(QString::fromLatin1(moduleFor(Codec(codec))));
        const QByteArray stream = python(script, data);
        QVERIFY(decompressWhole(Codec(codec), stream) == data);
    }

    void truncatedStreamsAreErrors_data() { weReadPythonStreams_data(); }
    void truncatedStreamsAreErrors()
    {
        QFETCH(int, codec);
        const QByteArray data = sampleData(300000, 3);
        QByteArray stream = compressWhole(Codec(codec), data);
        stream.chop(stream.size() / 3);
        QVERIFY(throwsError([&] { decompressWhole(Codec(codec), stream); }));
    }

    void corruptZlibIsAnError()
    {
        const QByteArray data = sampleData(300000, 5);
        QByteArray stream = compressWhole(Codec::Zlib, data, QStringLiteral("isal"));
        stream[stream.size() - 2] =
            char(stream[stream.size() - 2] ^ 0x40); // inside the Adler-32 trailer
        QVERIFY(throwsError([&] { decompressWhole(Codec::Zlib, stream); }));
    }
};

QTEST_GUILESS_MAIN(CompressionTest)
#include "tst_compression.moc"
