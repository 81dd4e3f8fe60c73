// CalendarSpec against the real thing: every expression here is also given to
// `systemd-analyze calendar` (one batched call per zone and base time), and
// acceptance, the normalized form and the next five elapses must agree.
// Hand-written expressions cover each feature of systemd.time(7); a seeded
// generator composes a few hundred more; the comparison runs in UTC and in
// Europe/Berlin (local time with daylight saving), with base times next to
// the changes of daylight saving, month ends and leap days.
#include "calendar.h"
#include "records.h"

#include <QElapsedTimer>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>
#include <QTimeZone>

#include <ctime>
#include <random>

using namespace ember;

namespace {

const QString systemdAnalyze = QStringLiteral("/usr/bin/systemd-analyze");
constexpr int iterations = 5;

struct Expected
{
    bool accepted = false;
    bool gaveUp = false; // systemd could not compute the next elapse
    QString normalized;
    QList<qint64> elapses; // seconds since the epoch, UTC
};

qint64 utcSeconds(const QString& text)
{
    // "2027-01-15 23:00:00"
    QDateTime time = QDateTime::fromString(text, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    time.setTimeZone(QTimeZone::utc());
    return time.toSecsSinceEpoch();
}

// One systemd-analyze run over the expressions, read back per expression.
// systemd stops at an expression whose next elapse it cannot compute (its
// search gives up after 1000 rounds, which happens near some changes of
// daylight saving): that one is marked and the run goes on after it.
QHash<QString, Expected> askSystemd(const QStringList& expressions, qint64 base,
                                    const QByteArray& zone, QString* problem)
{
    QHash<QString, Expected> answers;
    QStringList remaining = expressions;
    while (!remaining.isEmpty()) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("TZ"), QString::fromLatin1(zone));
        environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
        environment.insert(QStringLiteral("SYSTEMD_COLORS"), QStringLiteral("0"));
        environment.insert(QStringLiteral("SYSTEMD_PAGER"), QString());
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        const QStringList arguments{
            QStringLiteral("calendar"), QStringLiteral("--base-time=@%1").arg(base),
            QStringLiteral("--iterations=%1").arg(iterations), QStringLiteral("--")};
        process.start(systemdAnalyze, arguments + remaining);
        if (!process.waitForFinished(120000)) {
            *problem =
                QStringLiteral("systemd-analyze did not finish: %1").arg(process.errorString());
            return {};
        }
        const QStringList lines = QString::fromUtf8(process.readAll()).split(QLatin1Char('\n'));

        static const QRegularExpression elapseLine(
            QStringLiteral("^\\s*(?:Next elapse|Iter\\. #\\d+): \\w+ (\\d{4}-\\d\\d-\\d\\d "
                           "\\d\\d:\\d\\d:\\d\\d) (\\S+)$"));
        static const QRegularExpression inUtcLine(QStringLiteral(
            "^\\s*\\(in UTC\\): \\w+ (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) UTC$"));
        const QString failedPrefix = QStringLiteral("Failed to parse calendar specification '");
        const QString gaveUpPrefix = QStringLiteral("Failed to determine next elapse for '");
        const QString originalPrefix = QStringLiteral("  Original form: ");
        const QString normalizedPrefix = QStringLiteral("Normalized form: ");

        Expected* current = nullptr;
        std::optional<QString> original;
        for (const QString& line : lines) {
            if (line.startsWith(failedPrefix) || line.startsWith(gaveUpPrefix)) {
                const bool gaveUp = line.startsWith(gaveUpPrefix);
                const qsizetype begin = gaveUp ? gaveUpPrefix.size() : failedPrefix.size();
                const qsizetype end = line.lastIndexOf(QStringLiteral("': "));
                Expected answer;
                answer.gaveUp = gaveUp;
                answers[line.mid(begin, end - begin)] = answer;
                current = nullptr;
                original.reset();
            } else if (line.startsWith(originalPrefix)) {
                original = line.mid(originalPrefix.size());
            } else if (line.startsWith(normalizedPrefix)) {
                // Without an "Original form" line the expression was already normalized.
                const QString normalized = line.mid(normalizedPrefix.size());
                current = &answers[original.value_or(normalized)];
                *current = Expected{true, false, normalized, {}};
                original.reset();
            } else if (!current) {
                continue;
            } else if (const auto match = elapseLine.match(line); match.hasMatch()) {
                current->elapses << (match.captured(2) == QLatin1String("UTC")
                                         ? utcSeconds(match.captured(1))
                                         : -1); // the "(in UTC)" line follows
            } else if (const auto utc = inUtcLine.match(line); utc.hasMatch()) {
                if (current->elapses.isEmpty()) {
                    *problem = QStringLiteral("unexpected line: %1").arg(line);
                    return {};
                }
                current->elapses.last() = utcSeconds(utc.captured(1));
            }
        }
        QStringList unanswered;
        for (const QString& expression : remaining)
            if (!answers.contains(expression))
                unanswered << expression;
        if (unanswered.size() == remaining.size()) {
            *problem =
                QStringLiteral("systemd-analyze said nothing about '%1'").arg(remaining.first());
            return {};
        }
        remaining = unanswered;
    }
    for (const QString& expression : expressions) {
        if (answers[expression].elapses.contains(-1)) {
            *problem = QStringLiteral("an elapse of '%1' without its UTC time").arg(expression);
            return {};
        }
    }
    return answers;
}

// Compares our answers with systemd's; returns the differences, one a line.
QStringList compareWithSystemd(const QStringList& expressions, qint64 base, const QByteArray& zone,
                               int* accepted, int* gaveUp)
{
    QString problem;
    const QHash<QString, Expected> expected = askSystemd(expressions, base, zone, &problem);
    if (!problem.isEmpty())
        return {problem};
    QStringList differences;
    const QDateTime after = QDateTime::fromSecsSinceEpoch(base, Qt::UTC);
    for (const QString& expression : expressions) {
        const Expected& want = expected[expression];
        QString error;
        const bool ours = CalendarSpec::isValid(expression, &error);
        const QString where =
            QStringLiteral("[TZ=%1 base %2] '%3'")
                .arg(QString::fromLatin1(zone), after.toString(Qt::ISODate), expression);
        if (want.gaveUp) {
            ++*gaveUp;
            continue;
        }
        if (want.accepted && !ours && error.contains(QStringLiteral("fractional seconds")))
            continue; // fractions of a second are refused on purpose
        if (ours != want.accepted) {
            differences << QStringLiteral("%1: systemd %2, we %3 %4")
                               .arg(where,
                                    want.accepted ? QStringLiteral("accepts")
                                                  : QStringLiteral("rejects"),
                                    ours ? QStringLiteral("accept") : QStringLiteral("reject"),
                                    error);
            continue;
        }
        if (!ours)
            continue;
        ++*accepted;
        const CalendarSpec spec = CalendarSpec::parse(expression);
        if (spec.normalized() != want.normalized) {
            differences << QStringLiteral("%1: normalized '%2', systemd '%3'")
                               .arg(where, spec.normalized(), want.normalized);
            continue;
        }
        QList<qint64> elapses;
        for (const QDateTime& time : spec.next(after, iterations))
            elapses << time.toSecsSinceEpoch();
        if (elapses != want.elapses) {
            auto show = [](const QList<qint64>& list) {
                QStringList texts;
                for (qint64 seconds : list)
                    texts << QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate);
                return texts.join(QLatin1Char(' '));
            };
            differences << QStringLiteral("%1: elapses %2, systemd %3")
                               .arg(where, show(elapses), show(want.elapses));
        }
    }
    return differences;
}

// Every feature of systemd.time(7)'s calendar events, written by hand.
QStringList handWritten()
{
    return {
        // shorthands, any case
        QStringLiteral("minutely"),
        QStringLiteral("hourly"),
        QStringLiteral("daily"),
        QStringLiteral("monthly"),
        QStringLiteral("weekly"),
        QStringLiteral("yearly"),
        QStringLiteral("annually"),
        QStringLiteral("quarterly"),
        QStringLiteral("semiannually"),
        QStringLiteral("semi-annually"),
        QStringLiteral("biannually"),
        QStringLiteral("Daily"),
        QStringLiteral("WEEKLY"),
        QStringLiteral("hourly UTC"),
        QStringLiteral("daily Europe/Berlin"),
        // weekdays: lists, ranges, long names, old "-" ranges, trailing comma
        QStringLiteral("Mon..Fri 02:00"),
        QStringLiteral("Sat,Sun"),
        QStringLiteral("Sat,Sun 10:00"),
        QStringLiteral("Monday..Wednesday,Friday"),
        QStringLiteral("mon-wed,sat"),
        QStringLiteral("Mon,"),
        QStringLiteral("Tue, 12:00"),
        QStringLiteral("Mon..Sun"),
        QStringLiteral("Sun,Mon,Tue"),
        QStringLiteral("Mon,Wed,Fri *-*-* 08:30:15"),
        QStringLiteral("Thu..Sat,Mon"),
        QStringLiteral("Fri *-*-13"),
        QStringLiteral("Mon  12:00"),
        // dates: *, values, lists, ranges, repetitions, two-digit years, month-day only
        QStringLiteral("*-*-* 00/6:00"),
        QStringLiteral("2026-12-24 18:00 UTC"),
        QStringLiteral("2027-01-01"),
        QStringLiteral("2027-*-01 00:00"),
        QStringLiteral("27-6-1"),
        QStringLiteral("2027..2029-02-28"),
        QStringLiteral("2027/2-01-01"),
        QStringLiteral("2026..2040/3-07-04 12:00"),
        QStringLiteral("*-1,4,7,10-1"),
        QStringLiteral("*-2..4-1"),
        QStringLiteral("*-1/2-1"),
        QStringLiteral("*-3..11/4-15"),
        QStringLiteral("12-25"),
        QStringLiteral("02-29"),
        QStringLiteral("*-02-29 12:00"),
        QStringLiteral("*-*-1,15"),
        QStringLiteral("*-*-1..5"),
        QStringLiteral("*-*-1/7"),
        QStringLiteral("*-*-5..25/5"),
        QStringLiteral("*-*-31"),
        QStringLiteral("*-*-30,31 23:59"),
        QStringLiteral("*-4-31"),
        QStringLiteral("2028-02-29 00:00:00"),
        QStringLiteral("2025-01-01"),
        // "~": days counted from the month's end
        QStringLiteral("*-02~03"),
        QStringLiteral("*-*~01"),
        QStringLiteral("*~1"),
        QStringLiteral("*-*~1..7/2"),
        QStringLiteral("*-*~5/2"),
        QStringLiteral("*-*~1,3,5 12:00"),
        QStringLiteral("2027-*~1"),
        QStringLiteral("*-02~01 06:00"),
        QStringLiteral("*-*~28"),
        QStringLiteral("Mon *-*~1..7"),
        QStringLiteral("*-*~*"),
        // times: hh:mm, hh:mm:ss, lists, ranges, repetitions
        QStringLiteral("12:00"),
        QStringLiteral("*:30"),
        QStringLiteral("*:0/15"),
        QStringLiteral("*:*:0/10"),
        QStringLiteral("*:*:*"),
        QStringLiteral("*:*:0..5"),
        QStringLiteral("*:1..1"),
        QStringLiteral("8..18:00"),
        QStringLiteral("8..18/2:00"),
        QStringLiteral("9,12,15:30:45"),
        QStringLiteral("*-*-* 01..03:15:10"),
        QStringLiteral("0..2/3:00"),
        QStringLiteral("00:00:00"),
        QStringLiteral("23:59:59"),
        QStringLiteral("*:*:59"),
        QStringLiteral("*:59:59"),
        QStringLiteral("*:*:0/1"),
        QStringLiteral("*:*:5/20,7"),
        QStringLiteral("*-*-* 4:5:6"),
        // time zones
        QStringLiteral("*-*-* 12:00 Europe/Berlin"),
        QStringLiteral("Mon..Fri 02:00 America/New_York"),
        QStringLiteral("*-*-* 02:30 Europe/Berlin"),
        QStringLiteral("hourly Australia/Lord_Howe"),
        QStringLiteral("*-*-* 02:30 Australia/Lord_Howe"),
        QStringLiteral("daily Asia/Kolkata"),
        QStringLiteral("daily Etc/GMT+5"),
        QStringLiteral("daily utc"),
        QStringLiteral("daily GMT"),
        QStringLiteral("*:0/20 Europe/London"),
        QStringLiteral("weekly America/Sao_Paulo"),
        QStringLiteral("@1700000000"),
        QStringLiteral("@2000000000"),
        QStringLiteral("@0"),
    };
}

// Expressions systemd refuses; we must refuse them as well.
QStringList invalidOnes()
{
    return {
        QStringLiteral(""),
        QStringLiteral("*"),
        QStringLiteral("5"),
        QStringLiteral("*/2"),
        QStringLiteral("1..5/2"),
        QStringLiteral("Mon..Fry 02:00"),
        QStringLiteral("Mond"),
        QStringLiteral("Fri..Mon"),
        QStringLiteral("Mon.."),
        QStringLiteral("Mon..Wed..Fri"),
        QStringLiteral("Mon.Tue"),
        QStringLiteral("daily "),
        QStringLiteral(" daily"),
        QStringLiteral("12:00 "),
        QStringLiteral("25:00"),
        QStringLiteral("12:60"),
        QStringLiteral("12:00:60"),
        QStringLiteral("*-13-01"),
        QStringLiteral("*-*-32"),
        QStringLiteral("*-*-0"),
        QStringLiteral("*-0-1"),
        QStringLiteral("1969-01-01"),
        QStringLiteral("2200-01-01"),
        QStringLiteral("*-*-* 20/5:00"),
        QStringLiteral("*-*-30/5"),
        QStringLiteral("*:*:5..5"),
        QStringLiteral("*:0/0"),
        QStringLiteral("*-*~29"),
        QStringLiteral("2027~02-01"),
        QStringLiteral("*~02~01"),
        QStringLiteral("*-*-1/31"),
        QStringLiteral("*-*-* 12:00:00:00"),
        QStringLiteral("12"),
        QStringLiteral("UTC"),
        QStringLiteral("daily UTC+1"),
        QStringLiteral("daily Europe/Nowhere"),
        QStringLiteral("daily europe/berlin"),
        QStringLiteral("2027-01-01T12:00"),
        QStringLiteral("*-*-* 5..3:00"),
        QStringLiteral("*-*-* 99999999999:00"),
        QStringLiteral("@1700000000 12:00"),
        QStringLiteral("@"),
        QStringLiteral("**:00"),
        QStringLiteral("Mon 12"),
        QStringLiteral("*-*-*-*"),
        QStringLiteral("1,,2:00"),
        QStringLiteral("1,:00"),
        QStringLiteral("weekly Mon"),
        QStringLiteral("Mon,Tuesday2"),
        QStringLiteral("*:00/60"),
        QStringLiteral("*-*-* 0..23/24:00"),
        QStringLiteral("00:00 Mon"),
    };
}

// Valid-looking expressions from a seeded generator: every field form in
// random combinations (some of them out of range, which both must refuse).
QStringList generated(int count)
{
    std::mt19937 random(14); // fixed: the same expressions on every run
    auto pick = [&](int n) { return int(random() % unsigned(n)); };
    auto chance = [&](int percent) { return pick(100) < percent; };
    auto number = [&](int low, int high, bool pad) {
        const int value = low + pick(high - low + 1);
        return pad && chance(50) ? QStringLiteral("%1").arg(value, 2, 10, QLatin1Char('0'))
                                 : QString::number(value);
    };
    // One field: "*", a value, a range, a repetition or a list of those.
    auto field = [&](int low, int high, int starPercent) -> QString {
        if (chance(starPercent))
            return QStringLiteral("*");
        auto item = [&]() -> QString {
            const int a = low + pick(high - low + 1);
            const int b = a + pick(std::max(1, high - a + 1));
            const int step = 1 + pick(std::max(1, (high - low) / 2));
            switch (pick(5)) {
            case 0:
            case 1:
                return QString::number(a);
            case 2:
                return QStringLiteral("%1..%2").arg(a).arg(b);
            case 3:
                return QStringLiteral("%1/%2").arg(a).arg(step);
            default:
                return QStringLiteral("%1..%2/%3").arg(a).arg(b).arg(step);
            }
        };
        QString text = item();
        for (int more = pick(3) == 0 ? 1 + pick(2) : 0; more > 0; --more)
            text += QLatin1Char(',') + item();
        return text;
    };
    static const char* const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char* const longDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};
    static const char* const zones[] = {"UTC",        "Europe/Berlin",       "America/New_York",
                                        "Asia/Tokyo", "Australia/Lord_Howe", "Europe/London",
                                        "utc"};
    static const char* const shorthands[] = {"minutely", "hourly",    "daily",
                                             "monthly",  "weekly",    "yearly",
                                             "annually", "quarterly", "semiannually"};
    auto dayName = [&](int day) { return QLatin1String(chance(20) ? longDays[day] : days[day]); };

    QStringList expressions;
    while (expressions.size() < count) {
        QString text;
        if (chance(6)) {
            text = QLatin1String(shorthands[pick(9)]);
        } else {
            QStringList parts;
            if (chance(35)) {
                QStringList weekdays;
                for (int n = 1 + pick(2); n > 0; --n) {
                    const int a = pick(7);
                    if (chance(40))
                        weekdays << dayName(a) + QLatin1String(chance(80) ? ".." : "-") +
                                        dayName(a + pick(7 - a));
                    else
                        weekdays << dayName(a);
                }
                parts << weekdays.join(QLatin1Char(','));
            }
            if (chance(75)) {
                const bool fromEnd = chance(15);
                const QString month = field(1, 12, 60);
                const QString day = fromEnd ? field(1, 28, 30) : field(1, 31, 55);
                const QString separator = QLatin1String(fromEnd ? "~" : "-");
                if (chance(60)) {
                    const QString year = chance(60)   ? QStringLiteral("*")
                                         : chance(20) ? number(26, 40, false)
                                                      : field(2026, 2040, 0);
                    parts << year + QLatin1Char('-') + month + separator + day;
                } else {
                    parts << month + separator + day;
                }
            }
            if (chance(80) || parts.isEmpty()) {
                QString time = field(0, 23, 25) + QLatin1Char(':') + field(0, 59, 25);
                if (chance(50))
                    time += QLatin1Char(':') + field(0, 59, 40);
                parts << time;
            }
            text = parts.join(QLatin1Char(' '));
        }
        if (chance(20))
            text += QLatin1Char(' ') + QLatin1String(zones[pick(7)]);
        if (!expressions.contains(text))
            expressions << text;
    }
    return expressions;
}

QString text(const std::optional<QDateTime>& time)
{
    return time ? time->toString(Qt::ISODate) : QStringLiteral("none");
}

// The generated expressions with a few characters changed, dropped or
// doubled: mostly refused, some accepted; both parsers must agree which.
QStringList mutated(const QStringList& sources, int count)
{
    std::mt19937 random(1414);
    auto pick = [&](int n) { return int(random() % unsigned(n)); };
    const QString alphabet = QStringLiteral("0123456789*-~:.,/ MonTuFriSadlyUTCEBn");
    QStringList expressions;
    while (expressions.size() < count) {
        QString text = sources[pick(int(sources.size()))];
        for (int edits = 1 + pick(2); edits > 0 && !text.isEmpty(); --edits) {
            const int at = pick(int(text.size()));
            switch (pick(3)) {
            case 0:
                text.remove(at, 1);
                break;
            case 1:
                text.insert(at, alphabet[pick(int(alphabet.size()))]);
                break;
            default:
                text.insert(at, text[at]);
                break;
            }
        }
        if (!expressions.contains(text))
            expressions << text;
    }
    return expressions;
}

qint64 at(const char* utc)
{
    return utcSeconds(QString::fromLatin1(utc));
}

// Sets the process's local zone (QDateTime and QTimeZone::systemTimeZone
// follow TZ) and puts it back afterwards.
class LocalZone
{
public:
    explicit LocalZone(const QByteArray& zone)
        : old_(qgetenv("TZ")), hadOld_(qEnvironmentVariableIsSet("TZ"))
    {
        qputenv("TZ", zone);
        tzset();
    }
    ~LocalZone()
    {
        if (hadOld_)
            qputenv("TZ", old_);
        else
            qunsetenv("TZ");
        tzset();
    }

private:
    QByteArray old_;
    bool hadOld_;
};

} // namespace

class TestCalendar : public QObject
{
    Q_OBJECT

private:
    void compareAll(const QByteArray& zone, const QList<qint64>& bases)
    {
        LocalZone local(zone);
        QCOMPARE(QTimeZone::systemTimeZoneId(), zone);
        const QStringList composed = generated(300);
        QStringList expressions = handWritten() + invalidOnes() + composed + mutated(composed, 150);
        expressions.removeDuplicates();
        QStringList differences;
        int accepted = 0;
        int gaveUp = 0;
        for (qint64 base : bases)
            differences += compareWithSystemd(expressions, base, zone, &accepted, &gaveUp);
        qInfo("TZ=%s: %lld expressions at %lld base times, %d accepted comparisons, "
              "%d where systemd gave up, %lld differences",
              zone.constData(), qlonglong(expressions.size()), qlonglong(bases.size()), accepted,
              gaveUp, qlonglong(differences.size()));
        for (const QString& difference : differences.mid(0, 40))
            qWarning("%s", qPrintable(difference));
        QVERIFY(accepted > bases.size() * 300);
        QCOMPARE(differences.size(), 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(systemdAnalyze))
            QFAIL("systemd-analyze is not installed (package systemd)");
    }

    void matchesSystemdInUtc()
    {
        compareAll("UTC", {at("2026-12-07 06:00:00"), at("2027-02-27 23:59:59"),
                           at("2028-02-28 12:34:56"), at("2026-12-31 23:59:30")});
    }

    void matchesSystemdInBerlin()
    {
        // Next to both changes of daylight saving (the hour that is missing
        // in March, the hour that happens twice in October), and inside the
        // repeated hour itself.
        compareAll("Europe/Berlin", {at("2027-03-27 23:30:00"), at("2027-10-30 22:30:00"),
                                     at("2027-10-31 01:10:00"), at("2027-06-15 10:00:00")});
    }

    void matchesSystemdInNewYorkAndLordHowe()
    {
        // Changes at 02:00 local time in the United States; Lord Howe Island
        // moves its clocks by half an hour.
        compareAll("America/New_York", {at("2027-03-14 06:30:00"), at("2027-11-07 05:20:00"),
                                        at("2027-11-07 06:10:00")});
        compareAll("Australia/Lord_Howe", {at("2027-04-03 14:20:00"), at("2027-10-02 15:10:00")});
    }

    void errorsNameTheBadPart()
    {
        auto errorOf = [](const QString& expression) {
            try {
                CalendarSpec::parse(expression);
            } catch (const Error& error) {
                return error.message();
            }
            return QString();
        };
        QCOMPARE(errorOf(QStringLiteral("Mon..Fry 02:00")),
                 QStringLiteral("calendar expression 'Mon..Fry 02:00': unknown weekday 'Fry'"));
        QVERIFY(errorOf(QStringLiteral("*:*:1.5")).contains(QStringLiteral("fractional seconds")));
        QVERIFY(errorOf(QStringLiteral("*:*:1.5")).contains(QStringLiteral("'1.5'")));
        QVERIFY(errorOf(QStringLiteral("25:00")).contains(QStringLiteral("hour 25")));
        QVERIFY(errorOf(QStringLiteral("*-13-01")).contains(QStringLiteral("month 13")));
        QVERIFY(errorOf(QStringLiteral("*-*-* 20/5:00")).contains(QStringLiteral("20/5")));
        QVERIFY(errorOf(QStringLiteral("Fri..Mon")).contains(QStringLiteral("backwards")));
        QCOMPARE(errorOf(QStringLiteral("Mon..Fri 02:00 Europe/Berln")),
                 QStringLiteral("calendar expression 'Mon..Fri 02:00 Europe/Berln': unknown time "
                                "zone 'Europe/Berln' (UTC or a name in /usr/share/zoneinfo, e.g. "
                                "Europe/Berlin)"));
        QVERIFY(errorOf(QStringLiteral("daily PST"))
                    .contains(QStringLiteral("unknown time zone 'PST'")));
        QVERIFY(errorOf(QStringLiteral("*-*-* 12:00 europe/berlin"))
                    .contains(QStringLiteral("'europe/berlin'")));
        QVERIFY(errorOf(QStringLiteral("Mon..Fry 02:00 Europe/Berln"))
                    .contains(QStringLiteral("'Fry'")));
        QVERIFY(errorOf(QStringLiteral("2027-01-01T12:00"))
                    .contains(QStringLiteral("'2027-01-01T12:00'")));
        QVERIFY(errorOf(QStringLiteral("*-*-* 12:00 garbage")).contains(QStringLiteral("'12:00'")));
        QVERIFY(errorOf(QStringLiteral("")).contains(QStringLiteral("no date or time")));
        QVERIFY(errorOf(QStringLiteral("daily "))
                    .contains(QStringLiteral("spaces at its start or end")));
        QVERIFY(errorOf(QStringLiteral("weekly Mon"))
                    .contains(QStringLiteral("'weekly' is not understood")));
        QVERIFY(errorOf(QStringLiteral("12:")).contains(QStringLiteral("a minute is missing")));
        QVERIFY(errorOf(QStringLiteral("*-*~8,27/4")).contains(QStringLiteral("day 27")));
        QString error;
        QVERIFY(!CalendarSpec::isValid(QStringLiteral("*/2"), &error));
        QVERIFY(error.contains(QStringLiteral("'*/2'")));
        QVERIFY(CalendarSpec::isValid(QStringLiteral("Mon..Fri 02:00"), &error));
        QVERIFY(error.isEmpty());
    }

    void copiesAndExpression()
    {
        const CalendarSpec spec = CalendarSpec::parse(QStringLiteral("Mon..Fri 02:00"));
        CalendarSpec copy(spec);
        QCOMPARE(copy.expression(), QStringLiteral("Mon..Fri 02:00"));
        QCOMPARE(copy.normalized(), QStringLiteral("Mon..Fri *-*-* 02:00:00"));
        CalendarSpec assigned;
        QVERIFY(!assigned.nextAfter(QDateTime::currentDateTimeUtc()));
        assigned = spec;
        QCOMPARE(assigned.normalized(), spec.normalized());
        const QDateTime after = QDateTime::fromSecsSinceEpoch(at("2027-01-15 12:00:00"), Qt::UTC);
        QCOMPARE(text(assigned.nextAfter(after)), QStringLiteral("2027-01-18T02:00:00Z"));
        // Strictly after: an elapse at `after` itself is not the next one;
        // the result is in UTC whatever zone `after` is given in.
        const CalendarSpec hourly = CalendarSpec::parse(QStringLiteral("hourly UTC"));
        const QDateTime onTheHour =
            QDateTime::fromSecsSinceEpoch(at("2027-01-15 12:00:00"), QTimeZone("Asia/Tokyo"));
        const auto next = hourly.nextAfter(onTheHour);
        QVERIFY(next);
        QCOMPARE(next->timeSpec(), Qt::UTC);
        QCOMPARE(next->toSecsSinceEpoch(), at("2027-01-15 13:00:00"));
        QVERIFY(!CalendarSpec::parse(QStringLiteral("2025-01-01 UTC")).nextAfter(onTheHour));
    }

    void latestAtOrBeforeAgreesWithForwardSearch()
    {
        LocalZone local("Europe/Berlin");
        const QStringList expressions{
            QStringLiteral("minutely"),        QStringLiteral("hourly"),
            QStringLiteral("daily"),           QStringLiteral("Mon..Fri 02:00"),
            QStringLiteral("*-*-01 *:*:*"),    QStringLiteral("*-*-* 00/6:00 UTC"),
            QStringLiteral("*-02~03"),         QStringLiteral("*:0/20 America/New_York"),
            QStringLiteral("quarterly"),       QStringLiteral("*:*:0/7"),
            QStringLiteral("2027-03-28 02:30")};
        const QDateTime from = QDateTime::fromSecsSinceEpoch(at("2027-01-20 07:13:00"), Qt::UTC);
        for (const QString& expression : expressions) {
            const CalendarSpec spec = CalendarSpec::parse(expression);
            for (int days : {0, 1, 3, 17, 45}) {
                const QDateTime notBefore = from;
                const QDateTime until = from.addSecs(qint64(days) * 86400 + 3 * 3600 + 7);
                // Forward: the last elapse of next() up to `until`.
                std::optional<QDateTime> forward;
                for (auto time = spec.nextAfter(notBefore.addSecs(-1)); time && *time <= until;
                     time = spec.nextAfter(*time))
                    forward = time;
                QCOMPARE(text(spec.latestAtOrBefore(until, notBefore)), text(forward));
            }
        }
        // An elapse exactly at either end counts.
        const CalendarSpec daily = CalendarSpec::parse(QStringLiteral("daily UTC"));
        const QDateTime midnight =
            QDateTime::fromSecsSinceEpoch(at("2027-01-20 00:00:00"), Qt::UTC);
        QCOMPARE(text(daily.latestAtOrBefore(midnight, midnight)), text(midnight));
        QCOMPARE(text(daily.latestAtOrBefore(midnight.addSecs(-1), midnight.addSecs(-3600))),
                 text(std::nullopt));
        QCOMPARE(text(daily.latestAtOrBefore(midnight, midnight.addSecs(1))), text(std::nullopt));
    }

    void searchesAreFast()
    {
        LocalZone local("Europe/Berlin");
        const QDateTime now = QDateTime::fromSecsSinceEpoch(at("2028-05-01 10:00:00"), Qt::UTC);
        const QStringList expressions{QStringLiteral("minutely"),
                                      QStringLiteral("*:*:*"),
                                      QStringLiteral("Mon..Fri 02:00 Europe/Berlin"),
                                      QStringLiteral("*-02-29 12:00"),
                                      QStringLiteral("Fri *-*-13"),
                                      QStringLiteral("*-*-31 *:*:0/5"),
                                      QStringLiteral("yearly")};
        for (const QString& expression : expressions) {
            const CalendarSpec spec = CalendarSpec::parse(expression);
            QElapsedTimer timer;
            timer.start();
            constexpr int rounds = 20;
            for (int round = 0; round < rounds; ++round) {
                QCOMPARE(spec.next(now, 5).size(), 5);
                // A month off, or a year: the latest due run is found by
                // bisection, not by stepping through every minute.
                QVERIFY(spec.latestAtOrBefore(now, now.addDays(-400)));
            }
            const double perRound = double(timer.nsecsElapsed()) / 1e6 / rounds;
            qInfo("%s: %.3f ms for next(5) and latestAtOrBefore over 400 days",
                  qPrintable(expression), perRound);
            QVERIFY2(perRound < 5.0, qPrintable(expression));
        }
    }
};

QTEST_GUILESS_MAIN(TestCalendar)
#include "tst_calendar.moc"
