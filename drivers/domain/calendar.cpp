// Calendar expressions as systemd reads OnCalendar= (systemd.time(7)), and
// their elapse times computed the way systemd computes them: field by field
// (year, month, day, weekday, hour, minute, second), local time resolved like
// mktime(3) with tm_isdst = -1, so that runs near a daylight saving change
// fall where `systemd-analyze calendar` says they fall.
#include "calendar.h"

#include "records.h"

#include <QFile>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>
#include <cctype>
#include <climits>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

namespace ember {

namespace {

constexpr int minYear = 1970;
constexpr int maxYear = 2199;
constexpr int allWeekdays = 127;      // Mon = bit 0 ... Sun = bit 6
constexpr int maxListEntries = 241;   // systemd refuses longer lists
constexpr int maxSearchRounds = 1000; // systemd's safety valve
constexpr qint64 daySeconds = 86400;

// One list entry: "start", "start..stop" (repeat 1), "start/repeat" or
// "start..stop/repeat". stop is -1 when there is none, repeat 0 when none.
struct Component
{
    int start = 0;
    int stop = -1;
    int repeat = 0;

    auto key() const { return std::tuple(start, stop, repeat); }
};
// No entries: "*" (any value).
using Chain = std::vector<Component>;

// A broken-down local time; fields may be out of range until normalized.
struct Fields
{
    qint64 year = 1970;
    qint64 month = 1; // 1..12
    qint64 day = 1;
    qint64 hour = 0;
    qint64 minute = 0;
    qint64 second = 0;
};

qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12).
qint64 daysFromCivil(qint64 year, qint64 month, qint64 day)
{
    year -= month <= 2;
    const qint64 era = floorDiv(year, 400);
    const qint64 yearOfEra = year - era * 400;
    const qint64 dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const qint64 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

void civilFromDays(qint64 days, qint64& year, qint64& month, qint64& day)
{
    days += 719468;
    const qint64 era = floorDiv(days, 146097);
    const qint64 dayOfEra = days - era * 146097;
    const qint64 yearOfEra =
        (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 monthIndex = (5 * dayOfYear + 2) / 153;
    day = dayOfYear - (153 * monthIndex + 2) / 5 + 1;
    month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
    year = yearOfEra + era * 400 + (month <= 2);
}

// Seconds since the epoch of a wall-clock reading taken as if it were UTC;
// out-of-range fields carry over as mktime(3) carries them.
qint64 wallSeconds(const Fields& f)
{
    const qint64 monthIndex = f.month - 1;
    const qint64 year = f.year + floorDiv(monthIndex, 12);
    const qint64 month = monthIndex - floorDiv(monthIndex, 12) * 12 + 1;
    const qint64 days = daysFromCivil(year, month, 1) + f.day - 1;
    return days * daySeconds + f.hour * 3600 + f.minute * 60 + f.second;
}

Fields fieldsOfWall(qint64 wall)
{
    Fields f;
    const qint64 days = floorDiv(wall, daySeconds);
    qint64 rest = wall - days * daySeconds;
    civilFromDays(days, f.year, f.month, f.day);
    f.hour = rest / 3600;
    rest %= 3600;
    f.minute = rest / 60;
    f.second = rest % 60;
    return f;
}

// 0 = Monday ... 6 = Sunday.
int weekdayOf(const Fields& f)
{
    const qint64 days = daysFromCivil(f.year, f.month, f.day);
    return int(days + 3 - floorDiv(days + 3, 7) * 7);
}

// Local time of one zone, with mktime(3)'s resolution of wall-clock times
// that occur twice (the offset of the previous conversion wins, as glibc's
// guess does) or not at all (the time is read with the offset before the
// change, which lands after it: 02:30 in a spring-forward gap is 03:30).
class Clock
{
public:
    explicit Clock(const QTimeZone& zone)
    {
        if (!zone.isValid() || !zone.hasTransitions()) {
            fixed_ = true;
            fixedOffset_ = zone.isValid() ? zone.offsetFromUtc(QDateTime::currentDateTimeUtc()) : 0;
        } else {
            zone_ = zone;
        }
    }

    int offsetAt(qint64 utc)
    {
        if (fixed_)
            return fixedOffset_;
        if (utc >= cacheFrom_ && utc < cacheTo_)
            return cachedOffset_;
        const QDateTime at = QDateTime::fromSecsSinceEpoch(utc, Qt::UTC);
        cachedOffset_ = zone_.offsetFromUtc(at);
        // Remember the whole span without a transition: the search asks
        // about nearby instants over and over.
        const QTimeZone::OffsetData before = zone_.previousTransition(at.addSecs(1));
        const QTimeZone::OffsetData after = zone_.nextTransition(at);
        cacheFrom_ = before.atUtc.isValid() ? before.atUtc.toSecsSinceEpoch() : LLONG_MIN;
        cacheTo_ = after.atUtc.isValid() ? after.atUtc.toSecsSinceEpoch() : LLONG_MAX;
        if (cacheFrom_ > utc || cacheTo_ <= utc) {
            cacheFrom_ = utc;
            cacheTo_ = utc + 1;
        }
        return cachedOffset_;
    }

    // The wall-clock fields at `utc`; the conversion's offset becomes the
    // preferred one for ambiguous times.
    Fields fieldsAt(qint64 utc)
    {
        preferredOffset_ = offsetAt(utc);
        return fieldsOfWall(utc + preferredOffset_);
    }

    // mktime(3): carries out-of-range fields, resolves the wall-clock time
    // to an instant and rewrites `f` with that instant's wall-clock fields.
    qint64 normalize(Fields& f)
    {
        const qint64 utc = resolve(wallSeconds(f));
        f = fieldsAt(utc);
        return utc;
    }

private:
    bool isDaylight(qint64 utc) const
    {
        return zone_.isDaylightTime(QDateTime::fromSecsSinceEpoch(utc, Qt::UTC));
    }

    qint64 resolve(qint64 wall)
    {
        if (fixed_)
            return wall - fixedOffset_;
        const qint64 guess = wall - preferredOffset_;
        const int guessOffset = offsetAt(guess);
        if (guessOffset == preferredOffset_)
            return guess;
        const qint64 second = wall - guessOffset;
        if (offsetAt(second) == guessOffset)
            return second;
        // A wall-clock time that does not exist: take the reading on the
        // daylight saving side, as glibc does.
        const bool guessDaylight = isDaylight(guess);
        if (guessDaylight != isDaylight(second))
            return guessDaylight ? guess : second;
        return std::max(guess, second);
    }

    bool fixed_ = false;
    int fixedOffset_ = 0;
    QTimeZone zone_;
    qint64 cacheFrom_ = 1;
    qint64 cacheTo_ = 0;
    int cachedOffset_ = 0;
    int preferredOffset_ = 0;
};

const char* const weekdayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
const char* const longWeekdayNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};

bool startsWithNoCase(const std::string& text, size_t at, const char* prefix)
{
    for (size_t i = 0; prefix[i]; ++i) {
        if (at + i >= text.size())
            return false;
        if (std::tolower(static_cast<unsigned char>(text[at + i])) !=
            std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    }
    return true;
}

bool equalsNoCase(const std::string& text, const char* word)
{
    return text.size() == std::char_traits<char>::length(word) && startsWithNoCase(text, 0, word);
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// The characters systemd accepts in a time zone name, and a zoneinfo file
// behind it (systemd checks the file; Qt must know the zone too).
bool isKnownZone(const std::string& name, QTimeZone* zone)
{
    if (name.empty() || name.front() == '/' || name.back() == '/')
        return false;
    char previous = 0;
    for (char c : name) {
        const bool plain = isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           c == '-' || c == '_' || c == '+' || c == '/';
        if (!plain || (c == '/' && previous == '/'))
            return false;
        previous = c;
    }
    QFile file(QStringLiteral("/usr/share/zoneinfo/") + QString::fromStdString(name));
    if (!file.open(QIODevice::ReadOnly) || file.read(4) != "TZif")
        return false;
    const QTimeZone candidate(QByteArray::fromStdString(name));
    if (!candidate.isValid())
        return false;
    *zone = candidate;
    return true;
}

// What an expression says, normalized.
struct Parsed
{
    bool valid = false;
    QString expression;
    int weekdays = -1; // bit set, -1: every day
    bool endOfMonth = false;
    Chain year, month, day, hour, minute, second;
    bool utc = false;
    QString zoneName; // an IANA name, empty for local time (or UTC)
    QTimeZone zone;

    // The first elapse at or after the second `base` (strictly after it when
    // `strict`), in seconds since the epoch.
    std::optional<qint64> nextFrom(qint64 base, bool strict, Clock& clock) const;
    Clock makeClock() const
    {
        if (utc)
            return Clock(QTimeZone::utc());
        if (!zoneName.isEmpty())
            return Clock(zone);
        return Clock(QTimeZone::systemTimeZone());
    }
};

// ---- parsing ---------------------------------------------------------------

class Parser
{
public:
    Parser(const QString& expression, Parsed& spec) : expression_(expression), spec_(spec) {}

    void run();

private:
    [[noreturn]] void fail(const QString& detail) const
    {
        throw Error(QStringLiteral("calendar expression '%1': %2").arg(expression_, detail));
    }
    // The text from `at` to the next space, to name the part not understood.
    QString partAt(size_t at) const
    {
        const size_t end = text_.find(' ', at);
        return QString::fromStdString(text_.substr(at, end == std::string::npos ? end : end - at));
    }
    char at(size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
    void skipSpaces()
    {
        while (at(pos_) == ' ')
            ++pos_;
    }

    void parseWeekdays();
    int parseDate(); // 1 when the date was a @timestamp (no time follows)
    void parseTime();
    Chain parseChain(size_t& cursor, bool seconds, const char* field);
    int parseNumber(size_t& cursor, bool seconds, const char* field);
    void parseTimestamp(size_t cursor);

    QString expression_;
    Parsed& spec_;
    std::string text_;
    size_t pos_ = 0;
};

void Parser::run()
{
    std::string text = expression_.toStdString();
    // A trailing " UTC" (any case), else a trailing IANA zone name.
    if (text.size() >= 4 && startsWithNoCase(text, text.size() - 4, " UTC")) {
        spec_.utc = true;
        text.resize(text.size() - 4);
    } else if (const size_t space = text.rfind(' '); space != std::string::npos) {
        QTimeZone zone;
        const std::string name = text.substr(space + 1);
        if (isKnownZone(name, &zone)) {
            spec_.zoneName = QString::fromStdString(name);
            spec_.zone = zone;
            text.resize(space);
        }
    }
    if (text.empty())
        fail(QStringLiteral("no date or time given"));
    text_ = text;

    const Component zero{0, -1, 0};
    const Component one{1, -1, 0};
    auto timeAtMidnight = [&] {
        spec_.hour = {zero};
        spec_.minute = {zero};
        spec_.second = {zero};
    };
    if (equalsNoCase(text, "minutely")) {
        spec_.second = {zero};
    } else if (equalsNoCase(text, "hourly")) {
        spec_.minute = {zero};
        spec_.second = {zero};
    } else if (equalsNoCase(text, "daily")) {
        timeAtMidnight();
    } else if (equalsNoCase(text, "monthly")) {
        spec_.day = {one};
        timeAtMidnight();
    } else if (equalsNoCase(text, "annually") || equalsNoCase(text, "yearly") ||
               equalsNoCase(text, "anually")) { // systemd accepts this misspelling too
        spec_.month = {one};
        spec_.day = {one};
        timeAtMidnight();
    } else if (equalsNoCase(text, "weekly")) {
        spec_.weekdays = 1;
        timeAtMidnight();
    } else if (equalsNoCase(text, "quarterly")) {
        spec_.month = {one, Component{4, -1, 0}, Component{7, -1, 0}, Component{10, -1, 0}};
        spec_.day = {one};
        timeAtMidnight();
    } else if (equalsNoCase(text, "biannually") || equalsNoCase(text, "bi-annually") ||
               equalsNoCase(text, "semiannually") || equalsNoCase(text, "semi-annually")) {
        spec_.month = {one, Component{7, -1, 0}};
        spec_.day = {one};
        timeAtMidnight();
    } else {
        spec_.weekdays = 0;
        parseWeekdays();
        if (parseDate() == 0)
            parseTime();
        if (pos_ < text_.size())
            fail(QStringLiteral("unexpected '%1'").arg(partAt(pos_)));
    }
}

void Parser::parseWeekdays()
{
    int rangeStart = -1;
    bool first = true;
    for (;;) {
        int found = -1;
        size_t length = 0;
        for (int day = 0; day < 7 && found < 0; ++day) {
            for (const char* name : {longWeekdayNames[day], weekdayNames[day]}) {
                if (startsWithNoCase(text_, pos_, name)) {
                    found = day;
                    length = std::char_traits<char>::length(name);
                    break;
                }
            }
        }
        if (found < 0) {
            if (first)
                return; // no weekdays: the date follows
            fail(QStringLiteral("unknown weekday '%1'").arg(partAt(pos_).section(',', 0, 0)));
        }
        const char after = at(pos_ + length);
        if (after != '\0' && after != '-' && after != '.' && after != ',' && after != ' ')
            fail(QStringLiteral("unknown weekday '%1'").arg(partAt(pos_).section(',', 0, 0)));
        spec_.weekdays |= 1 << found;
        if (rangeStart >= 0) {
            if (rangeStart > found)
                fail(QStringLiteral(
                         "weekday range ending in '%1' runs backwards (ranges go Mon..Sun)")
                         .arg(QString::fromStdString(text_.substr(pos_, length))));
            for (int day = rangeStart + 1; day < found; ++day)
                spec_.weekdays |= 1 << day;
        }
        pos_ += length;

        if (at(pos_) == '\0')
            return;
        if (at(pos_) == ' ') {
            skipSpaces();
            return;
        }
        if (at(pos_) == '.') {
            if (rangeStart >= 0 || at(pos_ + 1) != '.')
                fail(QStringLiteral("bad weekday range in '%1'").arg(partAt(0)));
            rangeStart = found;
            pos_ += 2;
        } else if (at(pos_) == '-') {
            if (rangeStart >= 0)
                fail(QStringLiteral("bad weekday range in '%1'").arg(partAt(0)));
            rangeStart = found;
            pos_ += 1;
        } else if (at(pos_) == ',') {
            rangeStart = -1;
            pos_ += 1;
        }
        if (at(pos_) == '\0' || at(pos_) == ' ') {
            skipSpaces();
            if (rangeStart >= 0)
                fail(QStringLiteral("weekday range in '%1' has no end").arg(partAt(0)));
            return;
        }
        first = false;
    }
}

int Parser::parseNumber(size_t& cursor, bool seconds, const char* field)
{
    const size_t begin = cursor;
    if (!isDigit(at(cursor))) {
        if (at(cursor) == ' ' || at(cursor) == '\0')
            fail(QStringLiteral("a %1 is missing at position %2")
                     .arg(QLatin1String(field))
                     .arg(cursor + 1));
        if (std::isalpha(static_cast<unsigned char>(at(cursor))))
            fail(QStringLiteral("'%1' is not understood (expected a weekday such as Mon..Fri, "
                                "a date, a time or a word such as daily)")
                     .arg(partAt(cursor)));
        fail(QStringLiteral("'%1' is not a %2 (a number, a list, a range or '*')")
                 .arg(partAt(cursor), QLatin1String(field)));
    }
    qint64 value = 0;
    while (isDigit(at(cursor))) {
        value = value * 10 + (at(cursor) - '0');
        if (value > INT_MAX) {
            size_t end = cursor;
            while (isDigit(at(end)))
                ++end;
            fail(QStringLiteral("%1 %2 is too large")
                     .arg(QLatin1String(field),
                          QString::fromStdString(text_.substr(begin, end - begin))));
        }
        ++cursor;
    }
    if (seconds && at(cursor) == '.' && at(cursor + 1) != '.')
        fail(QStringLiteral("fractional seconds are not supported ('%1')").arg(partAt(begin)));
    return int(value);
}

Chain Parser::parseChain(size_t& cursor, bool seconds, const char* field)
{
    if (at(cursor) == '*') {
        ++cursor;
        if (seconds)
            return {Component{0, -1, 1}};
        return {};
    }
    Chain chain;
    for (;;) {
        if (int(chain.size()) >= maxListEntries)
            fail(QStringLiteral("the %1 list has more than %2 entries")
                     .arg(QLatin1String(field))
                     .arg(maxListEntries));
        const size_t begin = cursor;
        Component part;
        part.start = parseNumber(cursor, seconds, field);
        if (at(cursor) == '.' && at(cursor + 1) == '.') {
            cursor += 2;
            part.stop = parseNumber(cursor, seconds, field);
            part.repeat = 1;
        }
        if (at(cursor) == '/') {
            ++cursor;
            part.repeat = parseNumber(cursor, seconds, field);
            if (part.repeat == 0)
                fail(QStringLiteral("%1 '%2' repeats every 0")
                         .arg(QLatin1String(field), partAt(begin).section(',', 0, 0)));
        } else if (seconds && part.stop >= 0 && part.start + part.repeat > part.stop) {
            fail(QStringLiteral("%1 range '%2' is empty")
                     .arg(QLatin1String(field), partAt(begin).section(',', 0, 0)));
        }
        const char next = at(cursor);
        if (next != '\0' && next != ' ' && next != ',' && next != '-' && next != '~' && next != ':')
            fail(QStringLiteral("'%1' is not a %2 (a number, a list, a range or '*')")
                     .arg(partAt(begin).section(',', 0, 0), QLatin1String(field)));
        chain.push_back(part);
        if (next != ',')
            return chain;
        ++cursor;
    }
}

void Parser::parseTimestamp(size_t cursor)
{
    // @SECONDS since the epoch, read as strtoul(3) reads it.
    while (at(cursor) == ' ' || at(cursor) == '\t')
        ++cursor;
    bool negative = false;
    if (at(cursor) == '+' || at(cursor) == '-')
        negative = text_[cursor++] == '-';
    if (!isDigit(at(cursor)))
        fail(QStringLiteral("'%1' is not a @timestamp").arg(partAt(0)));
    qint64 value = 0;
    while (isDigit(at(cursor))) {
        value = value * 10 + (at(cursor) - '0');
        if (value > 100000000000LL) // far beyond the last year allowed
            fail(QStringLiteral("timestamp '%1' is out of range").arg(partAt(0)));
        ++cursor;
    }
    if (negative && value != 0)
        fail(QStringLiteral("timestamp '%1' is before 1970").arg(partAt(0)));
    const Fields f = fieldsOfWall(value);
    spec_.utc = true;
    spec_.year = {Component{int(f.year), -1, 0}};
    spec_.month = {Component{int(f.month), -1, 0}};
    spec_.day = {Component{int(f.day), -1, 0}};
    spec_.hour = {Component{int(f.hour), -1, 0}};
    spec_.minute = {Component{int(f.minute), -1, 0}};
    spec_.second = {Component{int(f.second), -1, 0}};
    pos_ = cursor;
}

int Parser::parseDate()
{
    if (at(pos_) == '\0')
        return 0;
    if (at(pos_) == '@') {
        parseTimestamp(pos_ + 1);
        return 1;
    }
    size_t cursor = pos_;
    Chain first = parseChain(cursor, false, "date part");
    if (at(cursor) == '\0' || at(cursor) == ':')
        return 0; // a time, not a date
    if (at(cursor) == '~')
        spec_.endOfMonth = true;
    else if (at(cursor) != '-')
        fail(QStringLiteral("'%1' is not a date (year-month-day or month-day)").arg(partAt(pos_)));
    ++cursor;
    Chain second = parseChain(cursor, false, spec_.endOfMonth ? "day" : "date part");
    if (at(cursor) == '\0' || at(cursor) == ' ') {
        spec_.month = first;
        spec_.day = second;
        pos_ = cursor;
        skipSpaces();
        return 0;
    }
    if (spec_.endOfMonth)
        fail(QStringLiteral("'~' goes between month and day only ('%1')").arg(partAt(pos_)));
    if (at(cursor) == '~')
        spec_.endOfMonth = true;
    else if (at(cursor) != '-')
        fail(QStringLiteral("'%1' is not a date (year-month-day or month-day)").arg(partAt(pos_)));
    ++cursor;
    Chain third = parseChain(cursor, false, "day");
    if (at(cursor) != '\0' && at(cursor) != ' ')
        fail(QStringLiteral("'%1' is not a date (year-month-day or month-day)").arg(partAt(pos_)));
    spec_.year = first;
    spec_.month = second;
    spec_.day = third;
    pos_ = cursor;
    skipSpaces();
    return 0;
}

void Parser::parseTime()
{
    const Component zero{0, -1, 0};
    if (at(pos_) == '\0') {
        spec_.hour = {zero};
        spec_.minute = {zero};
        spec_.second = {zero};
        return;
    }
    const size_t begin = pos_;
    Chain hour = parseChain(pos_, false, "hour");
    if (at(pos_) != ':')
        fail(QStringLiteral("'%1' is not a time (hour:minute[:second])").arg(partAt(begin)));
    ++pos_;
    Chain minute = parseChain(pos_, false, "minute");
    Chain second = {zero};
    if (at(pos_) != '\0') {
        if (at(pos_) != ':')
            fail(QStringLiteral("'%1' is not a time (hour:minute[:second])").arg(partAt(begin)));
        ++pos_;
        second = parseChain(pos_, true, "second");
        if (at(pos_) != '\0')
            fail(QStringLiteral("unexpected '%1' after the time").arg(partAt(pos_)));
    }
    spec_.hour = hour;
    spec_.minute = minute;
    spec_.second = second;
}

// Sorted, without duplicates, ranges cut to a whole number of repetitions;
// a range of one value becomes that value.
void normalizeChain(Chain& chain)
{
    for (Component& part : chain) {
        if (part.stop > part.start && part.repeat > 0)
            part.stop -= (part.stop - part.start) % part.repeat;
        if ((part.stop > part.start && part.repeat > 0 && part.start + part.repeat > part.stop) ||
            part.start == part.stop) {
            part.repeat = 0;
            part.stop = -1;
        }
    }
    std::sort(chain.begin(), chain.end(),
              [](const Component& a, const Component& b) { return a.key() < b.key(); });
    chain.erase(
        std::unique(chain.begin(), chain.end(),
                    [](const Component& a, const Component& b) { return a.key() == b.key(); }),
        chain.end());
}

QString formatComponent(const Component& part, int width)
{
    QString text = QStringLiteral("%1").arg(part.start, width, 10, QLatin1Char('0'));
    if (part.stop > 0)
        text += QStringLiteral("..%1").arg(part.stop, width, 10, QLatin1Char('0'));
    if (part.repeat > 0 && !(part.stop > 0 && part.repeat == 1))
        text += QStringLiteral("/%1").arg(part.repeat);
    return text;
}

void checkChain(const Chain& chain, int from, int to, bool endOfMonth, const char* field,
                const std::function<void(const QString&)>& fail)
{
    for (const Component& part : chain) {
        // At most 28 days counted from the month's end; systemd lowers that
        // limit by 3 for every further entry of the list, and so must we to
        // accept what it accepts.
        if (endOfMonth)
            to -= 3;
        const QString shown = formatComponent(part, 1);
        if (part.start < from || part.start > to)
            fail(QStringLiteral("%1 %2 is out of range %3..%4")
                     .arg(QLatin1String(field))
                     .arg(part.start)
                     .arg(from)
                     .arg(to));
        if (part.repeat > to - from)
            fail(QStringLiteral("%1 '%2' repeats beyond its range %3..%4")
                     .arg(QLatin1String(field), shown)
                     .arg(from)
                     .arg(to));
        if (part.stop >= 0) {
            if (part.stop < from || part.stop > to)
                fail(QStringLiteral("%1 %2 is out of range %3..%4")
                         .arg(QLatin1String(field))
                         .arg(part.stop)
                         .arg(from)
                         .arg(to));
            if (part.start + part.repeat > part.stop)
                fail(QStringLiteral("%1 range '%2' is empty").arg(QLatin1String(field), shown));
        } else if (endOfMonth ? part.start - part.repeat < from : part.start + part.repeat > to) {
            fail(QStringLiteral("%1 '%2' never repeats within %3..%4")
                     .arg(QLatin1String(field), shown)
                     .arg(from)
                     .arg(to));
        }
    }
}

void fixYears(Chain& chain)
{
    // Two-digit years: 12 -> 2012, 89 -> 1989.
    auto fix = [](int& year) {
        if (year >= 0 && year < 70)
            year += 2000;
        else if (year >= 70 && year < 100)
            year += 1900;
    };
    for (Component& part : chain) {
        fix(part.start);
        if (part.stop >= 0)
            fix(part.stop);
    }
}

// ---- searching -------------------------------------------------------------

// The earliest value >= `value` the chain allows; none when it allows none.
// `endOfMonthDay`, when set, turns entries counted from the month's end ("~") into days.
std::optional<qint64> earliestMatch(const Chain& chain, qint64 value,
                                    const std::function<int(int)>& endOfMonthDay)
{
    if (chain.empty())
        return value; // "*"
    std::optional<qint64> best;
    for (const Component& part : chain) {
        qint64 start = part.start;
        qint64 stop = part.stop;
        if (endOfMonthDay) {
            start = endOfMonthDay(part.start);
            stop = endOfMonthDay(part.stop);
            if (stop > 0)
                std::swap(start, stop);
        }
        if (start >= value) {
            if (!best || start < *best)
                best = start;
        } else if (part.repeat > 0) {
            const qint64 steps = (value - start + part.repeat - 1) / part.repeat;
            const qint64 candidate = start + part.repeat * steps;
            if ((!best || candidate < *best) && (stop < 0 || candidate <= stop))
                best = candidate;
        }
    }
    return best;
}

std::optional<qint64> Parsed::nextFrom(qint64 base, bool strict, Clock& clock) const
{
    // The search moves a cursor forward field by field, the way systemd's
    // find_next() does, so that both agree even where local time jumps.
    Fields c = clock.fieldsAt(base);
    // `strict`: the cursor's own second is already past (systemd's extra µs).
    bool past = strict;

    // mktime(3) on a copy: -1 when the fields cannot be used (beyond the last
    // year, or normalizing went backwards), 0 when normalizing changed them
    // (`c` moves to the normalized time, lower fields reset), 1 when in range.
    auto inRange = [&](Fields& f) -> int {
        if (f.year > maxYear)
            return -1;
        Fields t = f;
        clock.normalize(t);
        int order = 0;
        auto compare = [](qint64 a, qint64 b) { return a < b ? -1 : a > b ? 1 : 0; };
        if ((order = compare(t.year, f.year)) != 0)
            t.month = 1;
        else if ((order = compare(t.month, f.month)) != 0)
            t.day = 1;
        else if ((order = compare(t.day, f.day)) != 0)
            t.hour = 0;
        else if ((order = compare(t.hour, f.hour)) != 0)
            t.minute = 0;
        else if ((order = compare(t.minute, f.minute)) != 0)
            t.second = 0;
        else
            order = compare(t.second, f.second);
        if (order < 0)
            return -1;
        if (order > 0)
            f = t;
        return order == 0 ? 1 : 0;
    };
    auto endOfMonthDay = [&](int fromEnd) {
        // Day `fromEnd` counted back from the month's end, through mktime(3)
        // as systemd does (it moves the preferred offset too).
        Fields t = c;
        t.month += 1;
        t.day = 1 - fromEnd;
        const qint64 month = c.month;
        clock.normalize(t);
        return t.month == month ? int(t.day) : -1;
    };
    auto resetBelowDay = [&] {
        c.hour = c.minute = c.second = 0;
        past = false;
    };

    for (int round = 0; round < maxSearchRounds; ++round) {
        clock.normalize(c);

        if (const auto year = earliestMatch(this->year, c.year, {})) {
            if (*year != c.year) {
                c = Fields{*year, 1, 1, 0, 0, 0};
                past = false;
            }
        } else {
            return std::nullopt;
        }
        if (inRange(c) <= 0)
            return std::nullopt;

        int state = 1;
        if (const auto month = earliestMatch(this->month, c.month, {})) {
            if (*month != c.month) {
                c.month = *month;
                c.day = 1;
                resetBelowDay();
            }
            state = inRange(c);
        } else {
            state = -1;
        }
        if (state < 0) {
            c = Fields{c.year + 1, 1, 1, 0, 0, 0};
            past = false;
            continue;
        }
        if (state == 0)
            continue;

        std::function<int(int)> fromEnd;
        if (endOfMonth)
            fromEnd = endOfMonthDay;
        if (const auto day = earliestMatch(this->day, c.day, fromEnd)) {
            if (*day != c.day) {
                c.day = *day;
                resetBelowDay();
            }
            state = inRange(c);
        } else {
            state = -1;
        }
        if (state < 0) {
            c.month += 1;
            c.day = 1;
            resetBelowDay();
            continue;
        }
        if (state == 0)
            continue;

        if (weekdays >= 0 && weekdays < allWeekdays) {
            Fields t = c;
            clock.normalize(t);
            if (!(weekdays & (1 << weekdayOf(t)))) {
                c.day += 1;
                resetBelowDay();
                continue;
            }
        }

        if (const auto hour = earliestMatch(this->hour, c.hour, {})) {
            if (*hour != c.hour) {
                c.hour = *hour;
                c.minute = c.second = 0;
                past = false;
            }
            state = inRange(c);
        } else {
            state = -1;
        }
        if (state < 0) {
            c.day += 1;
            resetBelowDay();
            continue;
        }
        if (state == 0)
            continue; // the hour may not exist on this day (daylight saving)

        if (const auto minute = earliestMatch(this->minute, c.minute, {})) {
            if (*minute != c.minute) {
                c.minute = *minute;
                c.second = 0;
                past = false;
            }
            state = inRange(c);
        } else {
            state = -1;
        }
        if (state < 0) {
            c.hour += 1;
            c.minute = c.second = 0;
            past = false;
            continue;
        }
        if (state == 0)
            continue;

        if (const auto second = earliestMatch(this->second, c.second + (past ? 1 : 0), {})) {
            c.second = *second;
            past = false;
            state = inRange(c);
        } else {
            state = -1;
        }
        if (state < 0) {
            c.minute += 1;
            c.second = 0;
            past = false;
            continue;
        }
        if (state == 0)
            continue;

        Fields result = c;
        return clock.normalize(result);
    }
    return std::nullopt; // no progress: systemd gives up here as well
}

} // namespace

struct CalendarSpec::Data : Parsed
{
};

namespace {

// A last word that reads like a time zone name ("Europe/Berln", "PST").
bool looksLikeZone(const QString& word)
{
    static const QRegularExpression zoneLike(
        QStringLiteral("^(?:[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)+|[A-Z][A-Z0-9+-]{2,})$"));
    return zoneLike.match(word).hasMatch();
}

} // namespace

CalendarSpec CalendarSpec::parse(const QString& expression)
{
    CalendarSpec spec;
    Data& d = *spec.d;
    d.expression = expression;
    try {
        Parser(expression, d).run();
    } catch (const Error&) {
        // When all but an unknown zone name is fine, say that.
        const qsizetype space = expression.lastIndexOf(QLatin1Char(' '));
        const QString word = space < 0 ? QString() : expression.mid(space + 1);
        if (looksLikeZone(word) && isValid(expression.left(space)))
            throw Error(QStringLiteral("calendar expression '%1': unknown time zone '%2' "
                                       "(UTC or a name in /usr/share/zoneinfo, e.g. Europe/Berlin)")
                            .arg(expression, word));
        const QString trimmed = expression.trimmed();
        if (trimmed != expression && isValid(trimmed))
            throw Error(QStringLiteral("calendar expression '%1': remove the spaces at its start "
                                       "or end")
                            .arg(expression));
        throw;
    }

    auto fail = [&](const QString& detail) {
        throw Error(QStringLiteral("calendar expression '%1': %2").arg(expression, detail));
    };
    if (d.weekdays <= 0 || d.weekdays >= allWeekdays)
        d.weekdays = -1;
    if (d.endOfMonth && d.day.empty())
        d.endOfMonth = false;
    fixYears(d.year);
    for (Chain* chain : {&d.year, &d.month, &d.day, &d.hour, &d.minute, &d.second})
        normalizeChain(*chain);
    checkChain(d.year, minYear, maxYear, false, "year", fail);
    checkChain(d.month, 1, 12, false, "month", fail);
    checkChain(d.day, 1, 31, d.endOfMonth, "day", fail);
    checkChain(d.hour, 0, 23, false, "hour", fail);
    checkChain(d.minute, 0, 59, false, "minute", fail);
    checkChain(d.second, 0, 59, false, "second", fail);
    d.valid = true;
    return spec;
}

bool CalendarSpec::isValid(const QString& expression, QString* error)
{
    try {
        parse(expression);
        if (error)
            error->clear();
        return true;
    } catch (const Error& e) {
        if (error)
            *error = e.message();
        return false;
    }
}

CalendarSpec::CalendarSpec() : d(std::make_unique<Data>()) {}

CalendarSpec::CalendarSpec(const CalendarSpec& other) : d(std::make_unique<Data>(*other.d)) {}

CalendarSpec& CalendarSpec::operator=(const CalendarSpec& other)
{
    if (this != &other)
        *d = *other.d;
    return *this;
}

CalendarSpec::~CalendarSpec() = default;

QString CalendarSpec::normalized() const
{
    if (!d->valid)
        return {};
    auto chainText = [](const Chain& chain, int width, bool seconds) {
        if (chain.empty())
            return QStringLiteral("*");
        if (seconds) {
            for (const Component& part : chain)
                if (part.start == 0 && part.stop < 0 && part.repeat == 1)
                    return QStringLiteral("*");
        }
        QStringList parts;
        for (const Component& part : chain)
            parts << formatComponent(part, width);
        return parts.join(QLatin1Char(','));
    };
    QString text;
    if (d->weekdays > 0 && d->weekdays < allWeekdays) {
        // Runs of three or more days as ranges, shorter ones as lists.
        QStringList runs;
        for (int day = 0; day < 7;) {
            if (!(d->weekdays & (1 << day))) {
                ++day;
                continue;
            }
            int last = day;
            while (last + 1 < 7 && (d->weekdays & (1 << (last + 1))))
                ++last;
            QString run = QLatin1String(weekdayNames[day]);
            if (last == day + 1)
                run += QLatin1Char(',') + QLatin1String(weekdayNames[last]);
            else if (last > day + 1)
                run += QStringLiteral("..") + QLatin1String(weekdayNames[last]);
            runs << run;
            day = last + 1;
        }
        text = runs.join(QLatin1Char(',')) + QLatin1Char(' ');
    }
    text += chainText(d->year, 4, false) + QLatin1Char('-') + chainText(d->month, 2, false) +
            QLatin1Char(d->endOfMonth ? '~' : '-') + chainText(d->day, 2, false) +
            QLatin1Char(' ') + chainText(d->hour, 2, false) + QLatin1Char(':') +
            chainText(d->minute, 2, false) + QLatin1Char(':') + chainText(d->second, 2, true);
    if (d->utc)
        text += QStringLiteral(" UTC");
    else if (!d->zoneName.isEmpty())
        text += QLatin1Char(' ') + d->zoneName;
    return text;
}

QString CalendarSpec::expression() const
{
    return d->expression;
}

namespace {

// The whole second of `after` (floor) and whether the search must pass it.
std::pair<qint64, bool> searchBase(const QDateTime& after)
{
    const qint64 msecs = after.toMSecsSinceEpoch();
    if (msecs < 0)
        return {0, false}; // nothing elapses before 1970
    return {msecs / 1000, true};
}

QDateTime utcTime(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
}

} // namespace

std::optional<QDateTime> CalendarSpec::nextAfter(const QDateTime& after) const
{
    if (!d->valid || !after.isValid())
        return std::nullopt;
    Clock clock = d->makeClock();
    const auto [base, strict] = searchBase(after);
    if (const auto next = d->nextFrom(base, strict, clock))
        return utcTime(*next);
    return std::nullopt;
}

QList<QDateTime> CalendarSpec::next(const QDateTime& after, int count) const
{
    QList<QDateTime> result;
    if (!d->valid || !after.isValid())
        return result;
    Clock clock = d->makeClock();
    auto [base, strict] = searchBase(after);
    while (result.size() < count) {
        const auto next = d->nextFrom(base, strict, clock);
        if (!next)
            break;
        result << utcTime(*next);
        base = *next;
        strict = true;
    }
    return result;
}

std::optional<QDateTime> CalendarSpec::latestAtOrBefore(const QDateTime& at,
                                                        const QDateTime& notBefore) const
{
    if (!d->valid || !at.isValid())
        return std::nullopt;
    Clock clock = d->makeClock();
    // Elapses are whole seconds: look in [low, high].
    const qint64 high = at.toMSecsSinceEpoch() >= 0 ? at.toMSecsSinceEpoch() / 1000 : -1;
    qint64 low = 0;
    if (notBefore.isValid()) {
        const qint64 msecs = notBefore.toMSecsSinceEpoch();
        low = std::max<qint64>(0, msecs / 1000 + (msecs % 1000 > 0 ? 1 : 0));
    }
    if (low > high)
        return std::nullopt;
    auto atOrAfter = [&](qint64 second) { return d->nextFrom(second, false, clock); };
    const std::optional<qint64> first = atOrAfter(low);
    if (!first || *first > high)
        return std::nullopt;
    // Bisection on "is there an elapse in [middle, top]": a few dozen
    // searches whatever the distance and however frequent the schedule.
    qint64 known = *first; // an elapse; the latest one lies in [known, top]
    qint64 top = high;
    while (known < top) {
        const qint64 middle = known + (top - known + 1) / 2;
        const auto later = atOrAfter(middle);
        if (later && *later <= top)
            known = *later;
        else
            top = middle - 1;
    }
    return utcTime(known);
}

} // namespace ember
