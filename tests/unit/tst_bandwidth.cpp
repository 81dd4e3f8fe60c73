// Placeholder: bandwidth schedules and token buckets
#include <QtTest>

class TestBandwidth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void notWrittenYet() { QFAIL("placeholder: bandwidth schedules and token buckets"); }
};

QTEST_GUILESS_MAIN(TestBandwidth)
#include "tst_bandwidth.moc"
