// Placeholder: restore paths: MD5 choice, block check, stages, zeros
#include <QtTest>

class TestRestorePaths : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void notWrittenYet()
    {
        QFAIL("placeholder: restore paths: MD5 choice, block check, stages, zeros");
    }
};

QTEST_GUILESS_MAIN(TestRestorePaths)
#include "tst_restorepaths.moc"
