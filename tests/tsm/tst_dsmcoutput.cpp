// Reading dsmc's output: numbers in every locale dsmc prints, summary keys
// with text around them, ANS message classification.
#include "dsmcoutput.h"

#include <QTest>

using namespace ember::tsm;

class DsmcOutputTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void counts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("plain") << "1" << qint64(1);
        QTest::newRow("comma groups") << "1,024" << qint64(1024);
        QTest::newRow("dot groups") << "1.024" << qint64(1024);
        QTest::newRow("space groups") << "1 024" << qint64(1024);
        QTest::newRow("nbsp groups") << QStringLiteral("1\u00a0024\u00a0000") << qint64(1024000);
        QTest::newRow("apostrophe groups") << "12'345'678" << qint64(12345678);
        QTest::newRow("millions") << "3,000,000" << qint64(3000000);
        QTest::newRow("leading blanks") << "        17" << qint64(17);
        QTest::newRow("trailing text") << "1,024 objects" << qint64(1024);
        QTest::newRow("zero") << "0" << qint64(0);
    }
    void counts()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const auto value = parseDsmcCount(text);
        QVERIFY2(value.has_value(), qPrintable(text));
        QCOMPARE(*value, expected);
    }

    void notCounts()
    {
        QVERIFY(!parseDsmcCount(QString()).has_value());
        QVERIFY(!parseDsmcCount(QStringLiteral("none")).has_value());
        QVERIFY(!parseDsmcCount(QStringLiteral("  -")).has_value());
        QVERIFY(!parseDsmcCount(QStringLiteral("99999999999999999999999")).has_value());
    }

    void bytes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("bytes") << "512  B" << qint64(512);
        QTest::newRow("no unit") << "17" << qint64(17);
        QTest::newRow("no unit grouped") << "1.024" << qint64(1024);
        QTest::newRow("KB") << "2.00 KB" << qint64(2048);
        QTest::newRow("MB grouped en") << "1,024.00 MB" << (qint64(1) << 30);
        QTest::newRow("MB grouped de") << "1.024,00 MB" << (qint64(1) << 30);
        QTest::newRow("MB grouped fr") << "1 024,00 MB" << (qint64(1) << 30);
        QTest::newRow("fraction en") << "1.50 KB" << qint64(1536);
        QTest::newRow("fraction de") << "1,50 KB" << qint64(1536);
        QTest::newRow("fraction fr") << "1 024,50 KB" << qint64(1024 * 1024 + 512);
        QTest::newRow("GB") << "3.50 GB" << qint64(3758096384);
        QTest::newRow("TB") << "1.00 TB" << (qint64(1) << 40);
        QTest::newRow("lower case") << "4.00 kb" << qint64(4096);
        QTest::newRow("grouped bytes") << "1,048,576  B  11/27/2026 07:55:00" << qint64(1048576);
        QTest::newRow("word bytes") << "3,000 bytes" << qint64(3000);
    }
    void bytes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const auto value = parseDsmcBytes(text);
        QVERIFY2(value.has_value(), qPrintable(text));
        QCOMPARE(*value, expected);
    }

    void messageIds()
    {
        QCOMPARE(dsmcMessageId(QStringLiteral("ANS1025E Session rejected: Authentication failure")),
                 QStringLiteral("ANS1025E"));
        QCOMPARE(dsmcMessageId(QStringLiteral("11/27/2026 08:00:01 ANS1017E Session rejected")),
                 QStringLiteral("ANS1017E"));
        QCOMPARE(dsmcMessageId(QStringLiteral("ANR0406I Session 12 started")),
                 QStringLiteral("ANR0406I"));
        QVERIFY(dsmcMessageId(QStringLiteral("Total number of objects failed: 0")).isEmpty());
        QVERIFY(dsmcMessageId(QStringLiteral("XANS1025E")).isEmpty());
    }

    void summaryBlock()
    {
        const QString text = QStringLiteral(
            "IBM Spectrum Protect\r\n"
            "Command Line Backup-Archive Client Interface\n"
            "  Client Version 8, Release 1, Level 15.0\n"
            "Session established with server SERVER1: Linux/x86_64\n"
            "ANS1809W A session with the server was lost. Client will try to reconnect.\n"
            "\n"
            "Total number of objects inspected:          1\n"
            "Total number of objects backed up:      1,024\n"
            "Total number of objects failed:             0\n"
            "Total number of bytes transferred:    1.024,00 MB\n"
            "11/27/2026 08:00:01 Total number of objects deleted: 3\n"
            "ANS1301E Server detected system error\n"
            "ANS1228S Sending of object '/dev/x' failed\n");
        const DsmcOutput output = parseDsmcOutput(text);
        auto count = [&](const char* key) {
            return output.count(QString::fromLatin1(key)).value_or(-1);
        };
        QCOMPARE(count("Total number of objects inspected"), qint64(1));
        QCOMPARE(count("Total number of objects backed up"), qint64(1024));
        QCOMPARE(count("Total number of objects failed"), qint64(0));
        QCOMPARE(output.bytes(QStringLiteral("Total number of bytes transferred")).value_or(-1),
                 qint64(1) << 30);
        // A key with text before it (a log timestamp) is still found.
        QCOMPARE(count("Total number of objects deleted"), qint64(3));
        QVERIFY(!output.count(QStringLiteral("Total number of objects restored")).has_value());
        QCOMPARE(output.value(QStringLiteral("Session established with server SERVER1")),
                 QStringLiteral("Linux/x86_64"));
        QCOMPARE(output.errorLines,
                 (QStringList{QStringLiteral("ANS1301E Server detected system error"),
                              QStringLiteral("ANS1228S Sending of object '/dev/x' failed")}));
        QCOMPARE(output.warningLines.size(), 1);
        QVERIFY(output.hasMessage(QStringLiteral("ANS1809W")));
        QVERIFY(!output.hasMessage(QStringLiteral("ANS1025E")));
        QCOMPARE(output.lines.first(), QStringLiteral("IBM Spectrum Protect"));
    }
};

QTEST_GUILESS_MAIN(DsmcOutputTest)
#include "tst_dsmcoutput.moc"
