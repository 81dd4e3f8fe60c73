// Calendar expressions (drivers/domain/calendar.h) as a user types them into
// the schedule editor or `ember-cli schedule-add`: parse() answers with a
// CalendarSpec or an Error, never crashes and never searches without end.
// An accepted expression's normalized form reads back to itself, its next
// elapses come strictly after the base time and in order, and the latest
// elapse before a time lies inside the window asked for.
#include "calendar.h"
#include "fuzzsupport.h"
#include "records.h"

#include <QTimeZone>

#include <cstdlib>

using namespace ember;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    // Local time with daylight saving, so that its gaps and repeated hours
    // are part of every search.
    setenv("TZ", "Europe/Berlin", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > 512)
        return 0; // longer inputs only repeat list entries
    const QString expression = QString::fromUtf8(fuzz::bytes(data, size));
    CalendarSpec spec;
    try {
        spec = CalendarSpec::parse(expression);
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(error.message().startsWith(QStringLiteral("calendar expression '")),
                         "an error that does not name the expression: %s",
                         qPrintable(error.message()));
        QString message;
        EMBER_FUZZ_CHECK(!CalendarSpec::isValid(expression, &message) && message == error.message(),
                         "isValid disagrees with parse");
        return 0;
    }
    EMBER_FUZZ_CHECK(CalendarSpec::isValid(expression), "isValid refuses what parse accepts");
    EMBER_FUZZ_CHECK(spec.expression() == expression, "the expression is not kept as given");

    const QString normalized = spec.normalized();
    QString again;
    try {
        again = CalendarSpec::parse(normalized).normalized();
    } catch (const Error& error) {
        EMBER_FUZZ_CHECK(false, "the normalized form '%s' does not parse: %s",
                         qPrintable(normalized), qPrintable(error.message()));
    }
    EMBER_FUZZ_CHECK(again == normalized, "normalized '%s' normalizes to '%s'",
                     qPrintable(normalized), qPrintable(again));

    // Two base times: 2027-06-15 10:00 UTC, and 2027-10-31 00:20 UTC, just
    // before Berlin's hour that happens twice.
    for (qint64 base : {qint64(1813053600), qint64(1824942000)}) {
        const QDateTime after = QDateTime::fromSecsSinceEpoch(base, Qt::UTC);
        const QList<QDateTime> elapses = spec.next(after, 4);
        QDateTime previous = after;
        for (const QDateTime& elapse : elapses) {
            EMBER_FUZZ_CHECK(elapse.isValid() && elapse.timeSpec() == Qt::UTC,
                             "an elapse not in UTC");
            EMBER_FUZZ_CHECK(elapse > previous, "'%s': elapse %s does not follow %s",
                             qPrintable(normalized), qPrintable(elapse.toString(Qt::ISODate)),
                             qPrintable(previous.toString(Qt::ISODate)));
            previous = elapse;
        }
        const QDateTime until = after.addDays(40);
        if (const auto latest = spec.latestAtOrBefore(until, after)) {
            EMBER_FUZZ_CHECK(
                *latest >= after && *latest <= until, "'%s': latest elapse %s outside %s..%s",
                qPrintable(normalized), qPrintable(latest->toString(Qt::ISODate)),
                qPrintable(after.toString(Qt::ISODate)), qPrintable(until.toString(Qt::ISODate)));
        } else {
            EMBER_FUZZ_CHECK(elapses.isEmpty() || elapses.first() > until,
                             "'%s': no latest elapse before %s though %s elapses",
                             qPrintable(normalized), qPrintable(until.toString(Qt::ISODate)),
                             qPrintable(elapses.first().toString(Qt::ISODate)));
        }
    }
    return 0;
}
