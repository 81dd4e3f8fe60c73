// Placeholder: being written.
#include <QTest>
class Placeholder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void notWrittenYet() { QFAIL("not written yet"); }
};
QTEST_MAIN(Placeholder)
#include "test_gui_keys.moc"
