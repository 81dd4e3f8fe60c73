// Calendar expressions in systemd's OnCalendar syntax (systemd.time(7)), so a
// schedule reads the way an administrator writes a timer:
//   daily, weekly, hourly, minutely, monthly, yearly/annually, quarterly, semiannually
//   Mon..Fri 02:00            weekdays (lists "Mon,Wed", ranges "Mon..Fri")
//   *-*-* 00/6:00             year-month-day hour:minute[:second]; "*" any,
//                             lists "1,15", ranges "1..5", repetition "a/b"
//   *-02~03                   "~": days counted from the month's end
//   2026-12-24 18:00 UTC      an optional time zone (UTC or an IANA name)
// Times without a zone are local time. Next elapse times follow
// `systemd-analyze calendar` exactly (the tests compare them); seconds are
// whole (fractions refused).
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <memory>
#include <optional>

namespace ember {

class CalendarSpec
{
public:
    // Throws Error naming the part that is not understood, e.g.
    // "calendar expression 'Mon..Fry 02:00': unknown weekday 'Fry'".
    static CalendarSpec parse(const QString& expression);
    // True when parse() would accept it; `error` gets parse()'s message.
    static bool isValid(const QString& expression, QString* error = nullptr);

    CalendarSpec();
    CalendarSpec(const CalendarSpec& other);
    CalendarSpec& operator=(const CalendarSpec& other);
    ~CalendarSpec();

    // systemd's "Normalized form", e.g. "daily" -> "*-*-* 00:00:00",
    // "Mon..Fri 02:00" -> "Mon..Fri *-*-* 02:00:00".
    QString normalized() const;
    QString expression() const; // as given
    // The first elapse strictly after `after` (any time spec; the result is in
    // UTC). Empty when the expression never elapses again (e.g. a past date).
    std::optional<QDateTime> nextAfter(const QDateTime& after) const;
    // Up to `count` elapses after `after`, in order.
    QList<QDateTime> next(const QDateTime& after, int count) const;
    // The latest elapse at or before `at`, searched back no further than
    // `notBefore` (for "was a run due since the last one"). Empty when none.
    std::optional<QDateTime> latestAtOrBefore(const QDateTime& at,
                                              const QDateTime& notBefore) const;

private:
    struct Data;
    std::unique_ptr<Data> d;
};

} // namespace ember
