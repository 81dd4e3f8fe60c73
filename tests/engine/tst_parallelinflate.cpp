// Placeholder: parallel decoding of one object
#include <QtTest>

class TestParallelInflate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void notWrittenYet() { QFAIL("placeholder: parallel decoding of one object"); }
};

QTEST_GUILESS_MAIN(TestParallelInflate)
#include "tst_parallelinflate.moc"
