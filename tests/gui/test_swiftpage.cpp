// The Swift page's connection test against the real Swift of the `swift`
// fixture (tests/services/swift.sh): the wizard logs in, shows the storage URL
// and account usage and passes every step; then a wrong key fails at the
// login step in plain words and Finish stays disabled.
#include "backendwizard.h"
#include "catalogsnapshot.h"
#include "swifttestsupport.h"
#include "wizardtestsupport.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QTreeWidget>
#include <QUuid>

using namespace ember;
using namespace ember::ui;

class TestSwiftPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testPageAgainstRealSwift()
    {
        const QMap<QString, QString> facts = ember::test::swiftFacts();
        QVERIFY2(!facts.value("SWIFT_AUTH_URL").isEmpty(),
                 "no Swift: run through ctest (fixture swift)");

        BackendWizard wizard(std::make_shared<CatalogSnapshot>(), std::nullopt);
        QWizardPage* page = ember::ui::test::openOptionsPage(wizard, QStringLiteral("swift-gui"),
                                                             QStringLiteral("swift"));
        QCOMPARE(wizard.currentId(), wizard.optionsPageId(QStringLiteral("swift")));
        page->findChild<QLineEdit*>("swiftAuthUrl")->setText(facts.value("SWIFT_AUTH_URL"));
        page->findChild<QLineEdit*>("swiftUser")->setText(facts.value("SWIFT_USER"));
        page->findChild<QLineEdit*>("swiftKey")->setText(facts.value("SWIFT_KEY"));
        const QString container =
            QStringLiteral("gui-%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
        page->findChild<QLineEdit*>("swiftContainer")->setText(container);
        wizard.next();
        QCOMPARE(wizard.currentId(), int(BackendWizard::TestPageId));

        auto* test = wizard.currentPage()->findChild<ConnectionTestWidget*>("connectionTest");
        QTRY_VERIFY_WITH_TIMEOUT(test->isFinished(), 25000);
        QVERIFY2(test->passed(), qPrintable(ember::ui::test::checkLines(wizard)));
        const QString shown = ember::ui::test::checkLines(wizard);
        QVERIFY2(shown.contains("storage URL: http"), qPrintable(shown));
        QVERIFY2(shown.contains("account usage:"), qPrintable(shown));
        for (const char* step : {"authenticate", "container", "write", "read", "delete"})
            QVERIFY2(shown.contains(QLatin1String(step)), step);
        QVERIFY(shown.contains(container));
        QVERIFY(wizard.button(QWizard::FinishButton)->isEnabled());
        QVERIFY(!shown.contains(facts.value("SWIFT_KEY")));

        // Back, a wrong key, test again.
        wizard.back();
        page->findChild<QLineEdit*>("swiftKey")->setText(QStringLiteral("not-the-key"));
        wizard.next();
        QTRY_VERIFY_WITH_TIMEOUT(test->isFinished(), 25000);
        QVERIFY(!test->passed());
        const QString refused = ember::ui::test::checkLines(wizard);
        QVERIFY2(refused.contains("rejected the credentials"), qPrintable(refused));
        QVERIFY(!refused.contains("not-the-key"));
        QVERIFY(!wizard.button(QWizard::FinishButton)->isEnabled());
        QVERIFY(wizard.currentPage()->findChild<QLabel*>("summary")->text().contains("failed"));
    }
};

QTEST_MAIN(TestSwiftPage)
#include "test_swiftpage.moc"
