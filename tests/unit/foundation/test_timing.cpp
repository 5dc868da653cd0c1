#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cxgate/foundation/timing.hpp"

namespace {

using namespace cxgate::timing;
using namespace std::chrono_literals;

const date::time_zone& helsinki() {
    return *date::locate_zone("Europe/Helsinki");
}
const date::time_zone& new_york() {
    return *date::locate_zone("America/New_York");
}

// Every instant in these tests is spelled out with its offset so that a failure reads like
// the calendar, and so that the real clock can never leak in.
TimePoint at(const std::string& iso) {
    const auto t = parse_iso8601(iso);
    REQUIRE_MESSAGE(t.has_value(), "bad test instant " << iso);
    return *t;
}

Delay delay(const std::string& text) {
    std::string error;
    const auto d = parse_delay(text, &error);
    REQUIRE_MESSAGE(d.has_value(), "bad test delay " << text << ": " << error);
    return *d;
}

SendWindow window(const std::string& days, const std::string& from, const std::string& to) {
    std::string error;
    const auto w = parse_send_window(days, from, to, &error);
    REQUIRE_MESSAGE(w.has_value(), "bad test window: " << error);
    return *w;
}

date::sys_days day(int y, unsigned m, unsigned d) {
    return date::sys_days{date::year{y} / date::month{m} / date::day{d}};
}

}  // namespace

TEST_CASE("timing: Friday evening event waits for Monday morning in Helsinki") {
    const Calendar calendar;
    // 2026-11-20 is a Friday; 19:55 + 10 minutes misses the 20:00 close.
    const TimePoint due = due_time(at("2026-11-20T19:55:00+02:00"), delay("10m"),
                                   window("mon-fri", "09:00", "20:00"), helsinki(), calendar);
    CHECK(format_local(due, helsinki()) == "2026-11-23T09:00:00+02:00");
    CHECK(format_iso8601(due) == "2026-11-23T07:00:00Z");
}

TEST_CASE("timing: next_in_window in a weekday window") {
    const Calendar calendar;
    const SendWindow w = window("mon-fri", "09:00", "20:00");
    struct Case {
        const char* name;
        const char* t;
        const char* expected;
    };
    const std::vector<Case> cases = {
        {"inside is unchanged", "2026-11-18T12:34:56+02:00", "2026-11-18T12:34:56+02:00"},
        {"at opening is unchanged", "2026-11-18T09:00:00+02:00", "2026-11-18T09:00:00+02:00"},
        {"before opening waits for same day", "2026-11-18T06:15:00+02:00",
         "2026-11-18T09:00:00+02:00"},
        {"at closing is outside", "2026-11-18T20:00:00+02:00", "2026-11-19T09:00:00+02:00"},
        {"after closing goes to next day", "2026-11-18T21:00:00+02:00",
         "2026-11-19T09:00:00+02:00"},
        {"Saturday goes to Monday", "2026-11-21T12:00:00+02:00", "2026-11-23T09:00:00+02:00"},
        {"Sunday late goes to Monday", "2026-11-22T23:59:59+02:00", "2026-11-23T09:00:00+02:00"},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        CHECK(format_local(next_in_window(at(c.t), w, helsinki(), calendar), helsinki()) ==
              c.expected);
    }
}

TEST_CASE("timing: holidays close the window only when the window respects them") {
    Calendar calendar;
    calendar.holidays.insert(day(2026, 11, 23));  // the Monday
    SendWindow w = window("mon-fri", "09:00", "20:00");
    const TimePoint saturday = at("2026-11-21T12:00:00+02:00");

    CHECK(format_local(next_in_window(saturday, w, helsinki(), calendar), helsinki()) ==
          "2026-11-24T09:00:00+02:00");
    w.respects_holidays = false;
    CHECK(format_local(next_in_window(saturday, w, helsinki(), calendar), helsinki()) ==
          "2026-11-23T09:00:00+02:00");
}

TEST_CASE("timing: a window that never opens returns t unchanged") {
    Calendar calendar;
    SendWindow none = window("mon", "09:00", "17:00");
    none.days.fill(false);
    const TimePoint t = at("2026-11-20T19:55:00+02:00");
    CHECK(next_in_window(t, none, helsinki(), calendar) == t);

    // Every enabled day a holiday for more than the search horizon.
    SendWindow mondays = window("mon", "09:00", "17:00");
    for (auto d = day(2026, 11, 23); d < day(2028, 1, 1); d += date::days{7}) {
        calendar.holidays.insert(d);
    }
    CHECK(next_in_window(t, mondays, helsinki(), calendar) == t);
}

TEST_CASE("timing: business days keep the local wall time") {
    Calendar calendar;
    struct Case {
        const char* name;
        const char* start;
        const char* delay;
        const char* expected;
    };
    const std::vector<Case> cases = {
        {"Friday + 1 -> Monday", "2026-11-20T14:00:00+02:00", "1 business day",
         "2026-11-23T14:00:00+02:00"},
        {"Thursday + 1 -> Friday", "2026-11-19T14:00:00+02:00", "1bd", "2026-11-20T14:00:00+02:00"},
        {"Friday + 2 -> Tuesday", "2026-11-20T14:00:00+02:00", "2 business days",
         "2026-11-24T14:00:00+02:00"},
        {"Saturday + 1 -> Monday", "2026-11-21T10:00:00+02:00", "1 business day",
         "2026-11-23T10:00:00+02:00"},
        {"Sunday + 1 -> Monday", "2026-11-22T10:00:00+02:00", "1 business day",
         "2026-11-23T10:00:00+02:00"},
        {"Monday + 5 -> next Monday", "2026-11-16T08:00:00+02:00", "5 business days",
         "2026-11-23T08:00:00+02:00"},
        {"zero is unchanged", "2026-11-21T10:00:00+02:00", "0 business days",
         "2026-11-21T10:00:00+02:00"},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        CHECK(format_local(add_delay(at(c.start), delay(c.delay), helsinki(), calendar),
                           helsinki()) == c.expected);
    }

    SUBCASE("a holiday on Monday pushes to Tuesday") {
        calendar.holidays.insert(day(2026, 11, 23));
        CHECK(format_local(add_delay(at("2026-11-20T14:00:00+02:00"), delay("1 business day"),
                                     helsinki(), calendar),
                           helsinki()) == "2026-11-24T14:00:00+02:00");
    }
    SUBCASE("business days are counted on the local date, not the UTC date") {
        // 00:30 Friday in Helsinki is still Thursday in UTC.
        CHECK(format_local(
                  add_delay(at("2026-11-20T00:30:00+02:00"), delay("1bd"), helsinki(), calendar),
                  helsinki()) == "2026-11-23T00:30:00+02:00");
    }
}

TEST_CASE("timing: calendar days off") {
    Calendar calendar;
    calendar.holidays.insert(day(2026, 12, 24));
    CHECK_FALSE(calendar.is_day_off(day(2026, 11, 20)));  // Friday
    CHECK(calendar.is_day_off(day(2026, 11, 21)));        // Saturday
    CHECK(calendar.is_day_off(day(2026, 11, 22)));        // Sunday
    CHECK(calendar.is_day_off(day(2026, 12, 24)));        // Thursday holiday
}

TEST_CASE("timing: DST week in Europe/Helsinki") {
    const Calendar calendar;
    const auto& z = helsinki();

    SUBCASE("1d across spring forward keeps wall time, 23 h elapse") {
        const TimePoint start = at("2026-03-28T12:00:00+02:00");
        const TimePoint end = add_delay(start, delay("1d"), z, calendar);
        CHECK(format_local(end, z) == "2026-03-29T12:00:00+03:00");
        CHECK(end - start == 23h);
    }
    SUBCASE("1d across fall back keeps wall time, 25 h elapse") {
        const TimePoint start = at("2026-10-24T12:00:00+03:00");
        const TimePoint end = add_delay(start, delay("1 day"), z, calendar);
        CHECK(format_local(end, z) == "2026-10-25T12:00:00+02:00");
        CHECK(end - start == 25h);
    }
    SUBCASE("hours are elapsed time across either change") {
        const TimePoint spring = at("2026-03-29T02:30:00+02:00");
        const TimePoint spring_end = add_delay(spring, delay("2h"), z, calendar);
        CHECK((spring_end - spring).count() == 7200);
        CHECK(format_local(spring_end, z) == "2026-03-29T05:30:00+03:00");

        const TimePoint autumn = at("2026-10-25T02:30:00+03:00");
        const TimePoint autumn_end = add_delay(autumn, delay("2 hours"), z, calendar);
        CHECK((autumn_end - autumn).count() == 7200);
        CHECK(format_local(autumn_end, z) == "2026-10-25T03:30:00+02:00");
    }
    SUBCASE("1d landing in the gap moves to the end of the gap") {
        const TimePoint end = add_delay(at("2026-03-28T03:30:00+02:00"), delay("1d"), z, calendar);
        CHECK(format_local(end, z) == "2026-03-29T04:00:00+03:00");
    }
    SUBCASE("1d landing in the repeated hour takes the earlier instant") {
        const TimePoint end = add_delay(at("2026-10-24T03:30:00+03:00"), delay("1d"), z, calendar);
        CHECK(format_iso8601(end) == "2026-10-25T00:30:00Z");
        CHECK(format_local(end, z) == "2026-10-25T03:30:00+03:00");
    }
    SUBCASE("zero days leaves an instant in the repeated hour alone") {
        const TimePoint later_twin = at("2026-10-25T03:30:00+02:00");
        CHECK(add_delay(later_twin, delay("0d"), z, calendar) == later_twin);
    }
    SUBCASE("a window opening in the gap opens when the gap ends") {
        const SendWindow w = window("daily", "03:30", "20:00");
        const TimePoint open = next_in_window(at("2026-03-29T00:00:00+02:00"), w, z, calendar);
        CHECK(format_local(open, z) == "2026-03-29T04:00:00+03:00");
        CHECK(format_iso8601(open) == "2026-03-29T01:00:00Z");
        // The day before and after are ordinary.
        CHECK(format_local(next_in_window(at("2026-03-28T00:00:00+02:00"), w, z, calendar), z) ==
              "2026-03-28T03:30:00+02:00");
        CHECK(format_local(next_in_window(at("2026-03-29T21:00:00+03:00"), w, z, calendar), z) ==
              "2026-03-30T03:30:00+03:00");
    }
    SUBCASE("a window entirely inside the gap does not open that day") {
        const SendWindow w = window("daily", "03:10", "03:50");
        CHECK(format_local(next_in_window(at("2026-03-29T00:00:00+02:00"), w, z, calendar), z) ==
              "2026-03-30T03:10:00+03:00");
    }
    SUBCASE("mon-sun 09:00-20:00 across each change opens at local 09:00") {
        const SendWindow w = window("mon-sun", "09:00", "20:00");
        const TimePoint spring = next_in_window(at("2026-03-28T21:00:00+02:00"), w, z, calendar);
        CHECK(format_local(spring, z) == "2026-03-29T09:00:00+03:00");
        CHECK(format_iso8601(spring) == "2026-03-29T06:00:00Z");
        const TimePoint autumn = next_in_window(at("2026-10-24T21:00:00+03:00"), w, z, calendar);
        CHECK(format_local(autumn, z) == "2026-10-25T09:00:00+02:00");
        CHECK(format_iso8601(autumn) == "2026-10-25T07:00:00Z");
    }
    SUBCASE("due_time combines a day delay and the window across the change") {
        // Saturday 19:30 + 1d is Sunday 19:30 local, inside the window, 23 h later.
        const TimePoint start = at("2026-03-28T19:30:00+02:00");
        const TimePoint due =
            due_time(start, delay("1d"), window("daily", "09:00", "20:00"), z, calendar);
        CHECK(format_local(due, z) == "2026-03-29T19:30:00+03:00");
        CHECK(due - start == 23h);
    }
}

TEST_CASE("timing: a window crossing midnight belongs to the day it opens") {
    const Calendar calendar;
    const auto& z = helsinki();
    struct Case {
        const char* name;
        const char* days;
        const char* t;
        const char* expected;
    };
    const std::vector<Case> cases = {
        {"23:30 is inside", "daily", "2026-11-18T23:30:00+02:00", "2026-11-18T23:30:00+02:00"},
        {"01:00 next day is inside", "daily", "2026-11-19T01:00:00+02:00",
         "2026-11-19T01:00:00+02:00"},
        {"02:00 closes", "daily", "2026-11-19T02:00:00+02:00", "2026-11-19T22:00:00+02:00"},
        {"03:00 waits for 22:00", "daily", "2026-11-19T03:00:00+02:00",
         "2026-11-19T22:00:00+02:00"},
        {"Saturday 01:00 is in Friday's window", "fri", "2026-11-21T01:00:00+02:00",
         "2026-11-21T01:00:00+02:00"},
        {"Friday 01:00 is not, Thursday is off", "fri", "2026-11-20T01:00:00+02:00",
         "2026-11-20T22:00:00+02:00"},
        {"Saturday 03:00 waits a week", "fri", "2026-11-21T03:00:00+02:00",
         "2026-11-27T22:00:00+02:00"},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        const SendWindow w = window(c.days, "22:00", "02:00");
        CHECK(format_local(next_in_window(at(c.t), w, z, calendar), z) == c.expected);
    }
}

TEST_CASE("timing: America/New_York contact") {
    const Calendar calendar;
    const auto& z = new_york();
    // Friday 16:55 EST + 10 minutes misses a 17:00 close; Monday 09:00 EST is 14:00Z.
    const TimePoint due = due_time(at("2026-11-20T21:55:00Z"), delay("10 minutes"),
                                   window("weekdays", "09:00", "17:00"), z, calendar);
    CHECK(format_local(due, z) == "2026-11-23T09:00:00-05:00");
    CHECK(format_iso8601(due) == "2026-11-23T14:00:00Z");

    // US spring forward 2026-03-08 02:00 -> 03:00: a 1d delay from Saturday is 23 h.
    const TimePoint start = at("2026-03-07T10:00:00-05:00");
    const TimePoint end = add_delay(start, delay("1d"), z, calendar);
    CHECK(format_local(end, z) == "2026-03-08T10:00:00-04:00");
    CHECK(end - start == 23h);
}

TEST_CASE("timing: parse_delay accepts the documented forms") {
    using U = Delay::Unit;
    struct Case {
        const char* text;
        Delay expected;
        const char* canonical;
    };
    const std::vector<Case> cases = {
        {"0", {U::minutes, 0}, "0m"},
        {"30s", {U::seconds, 30}, "30s"},
        {"10m", {U::minutes, 10}, "10m"},
        {"2h", {U::hours, 2}, "2h"},
        {"7d", {U::days, 7}, "7d"},
        {"1bd", {U::business_days, 1}, "1 business day"},
        {"10 minutes", {U::minutes, 10}, "10m"},
        {"1 minute", {U::minutes, 1}, "1m"},
        {"1 hour", {U::hours, 1}, "1h"},
        {"3 hours", {U::hours, 3}, "3h"},
        {"1 day", {U::days, 1}, "1d"},
        {"3 days", {U::days, 3}, "3d"},
        {"1 business day", {U::business_days, 1}, "1 business day"},
        {"2 business days", {U::business_days, 2}, "2 business days"},
        {"  2 Business  Days ", {U::business_days, 2}, "2 business days"},
        {"10M", {U::minutes, 10}, "10m"},
        {"2H", {U::hours, 2}, "2h"},
        {"30 seconds", {U::seconds, 30}, "30s"},
    };
    for (const auto& c : cases) {
        const std::string text = c.text;
        CAPTURE(text);
        std::string error;
        const auto d = parse_delay(c.text, &error);
        REQUIRE(d.has_value());
        CHECK(*d == c.expected);
        CHECK(error.empty());
        CHECK(to_string(*d) == c.canonical);
        // The canonical text must parse back to the same delay.
        CHECK(parse_delay(to_string(*d), nullptr) == d);
    }
}

TEST_CASE("timing: parse_delay rejects garbage with a clear error") {
    struct Case {
        const char* text;
        const char* error_contains;
    };
    const std::vector<Case> cases = {
        {"abc", R"(expected a duration like "10m", "2h", "7d" or "1 business day", got "abc")"},
        {"", "expected a duration"},
        {"   ", "expected a duration"},
        {"-5m", "cannot be negative"},
        {" -1 day", "cannot be negative"},
        {"5", "has no unit"},
        {"10x", R"(got "10x")"},
        {"m10", "expected a duration"},
        {"1.5h", "expected a duration"},
        {"10 m inutes", "expected a duration"},
        {"1 business", "expected a duration"},
        {"+5m", "expected a duration"},
        {"99999999999999999999m", "too long"},
        {"100000d", "too long"},
    };
    for (const auto& c : cases) {
        const std::string text = c.text;
        CAPTURE(text);
        std::string error;
        CHECK_FALSE(parse_delay(c.text, &error).has_value());
        CHECK_MESSAGE(error.find(c.error_contains) != std::string::npos, error);
    }
    CHECK_FALSE(parse_delay("abc", nullptr).has_value());  // a null error sink is allowed
}

TEST_CASE("timing: parse_time_of_day") {
    CHECK(parse_time_of_day("00:00") == 0);
    CHECK(parse_time_of_day("09:30") == 9 * 60 + 30);
    CHECK(parse_time_of_day("9:30") == 9 * 60 + 30);
    CHECK(parse_time_of_day("23:59") == 23 * 60 + 59);
    CHECK(parse_time_of_day("24:00") == 24 * 60);
    CHECK_FALSE(parse_time_of_day("24:01").has_value());
    CHECK_FALSE(parse_time_of_day("12:60").has_value());
    CHECK_FALSE(parse_time_of_day("1200").has_value());
    CHECK_FALSE(parse_time_of_day("12:0").has_value());
    CHECK_FALSE(parse_time_of_day("-1:00").has_value());
    CHECK_FALSE(parse_time_of_day("").has_value());
    CHECK_FALSE(parse_time_of_day("ab:cd").has_value());
}

TEST_CASE("timing: parse_send_window accepts day sets and times") {
    using Days = std::array<bool, 7>;
    struct Case {
        const char* days;
        Days expected;
    };
    const std::vector<Case> cases = {
        {"mon-fri", {1, 1, 1, 1, 1, 0, 0}},     {"mon-sun", {1, 1, 1, 1, 1, 1, 1}},
        {"sat-sun", {0, 0, 0, 0, 0, 1, 1}},     {"mon,wed,fri", {1, 0, 1, 0, 1, 0, 0}},
        {"mon-wed,fri", {1, 1, 1, 0, 1, 0, 0}}, {"daily", {1, 1, 1, 1, 1, 1, 1}},
        {"weekdays", {1, 1, 1, 1, 1, 0, 0}},    {"weekends", {0, 0, 0, 0, 0, 1, 1}},
        {"MON-FRI", {1, 1, 1, 1, 1, 0, 0}},     {" Mon , Wed - Thu ", {1, 0, 1, 1, 0, 0, 0}},
        {"fri-mon", {1, 0, 0, 0, 1, 1, 1}},     {"sun", {0, 0, 0, 0, 0, 0, 1}},
        {"Daily", {1, 1, 1, 1, 1, 1, 1}},
    };
    for (const auto& c : cases) {
        const std::string days = c.days;
        CAPTURE(days);
        std::string error;
        const auto w = parse_send_window(c.days, "09:00", "20:00", &error);
        REQUIRE_MESSAGE(w.has_value(), error);
        CHECK(w->days == c.expected);
        CHECK(w->from_minute == 9 * 60);
        CHECK(w->to_minute == 20 * 60);
        CHECK(w->respects_holidays);
    }

    const auto whole_day = parse_send_window("daily", "00:00", "24:00", nullptr);
    REQUIRE(whole_day.has_value());
    CHECK(whole_day->from_minute == 0);
    CHECK(whole_day->to_minute == 24 * 60);

    const auto overnight = parse_send_window("daily", "22:00", "02:00", nullptr);
    REQUIRE(overnight.has_value());
    CHECK(overnight->from_minute == 22 * 60);
    CHECK(overnight->to_minute == 2 * 60);
}

TEST_CASE("timing: parse_send_window rejects bad input with a clear error") {
    struct Case {
        const char* days;
        const char* from;
        const char* to;
        const char* error_contains;
    };
    const std::vector<Case> cases = {
        {"mon-fryday", "09:00", "20:00", R"(unknown send window day "fryday")"},
        {"", "09:00", "20:00", "unknown send window day"},
        {"mon,,fri", "09:00", "20:00", "unknown send window day"},
        {"mon-", "09:00", "20:00", R"(day "mon-")"},
        {"everyday", "09:00", "20:00", R"(day "everyday")"},
        {"mon-fri", "9am", "20:00", R"(invalid send window start "9am")"},
        {"mon-fri", "24:00", "20:00", "between 00:00 and 23:59"},
        {"mon-fri", "09:00", "25:00", R"(invalid send window end "25:00")"},
        {"mon-fri", "09:00", "", "invalid send window end"},
        {"mon-fri", "09:00", "09:00", "same"},
        {"mon-fri", "00:00", "00:00", "00:00-24:00"},
    };
    for (const auto& c : cases) {
        const std::string days = c.days;
        CAPTURE(days);
        const std::string from = c.from;
        CAPTURE(from);
        const std::string to = c.to;
        CAPTURE(to);
        std::string error;
        CHECK_FALSE(parse_send_window(c.days, c.from, c.to, &error).has_value());
        CHECK_MESSAGE(error.find(c.error_contains) != std::string::npos, error);
    }
}

TEST_CASE("timing: ISO 8601 parsing and formatting") {
    const TimePoint expected =
        date::sys_days{date::year{2026} / 11 / 20} + std::chrono::hours{17} + 55min;
    const std::vector<const char*> same_instant = {
        "2026-11-20T19:55:00+02:00", "2026-11-20T17:55:00Z",
        "2026-11-20T17:55:00.123Z",  "2026-11-20T19:55:00+0200",
        "2026-11-20T12:55:00-05:00", "2026-11-20T17:55:00+00:00",
        "2026-11-20t17:55:00z",      " 2026-11-20T17:55:00Z ",
        "2026-11-20T23:25:00+05:30", "2026-11-20T19:55:00.999999+02:00",
    };
    for (const char* text : same_instant) {
        const std::string input = text;
        CAPTURE(input);
        const auto t = parse_iso8601(text);
        REQUIRE(t.has_value());
        CHECK(*t == expected);
    }

    const std::vector<const char*> rejected = {
        "2026-11-20T19:55:00",  // no offset: ambiguous, the contact's zone is unknown here
        "2026-11-20",
        "",
        "garbage",
        "2026-11-20T19:55Z",
        "2026-02-30T10:00:00Z",
        "2026-13-01T10:00:00Z",
        "2026-11-20T24:00:00Z",
        "2026-11-20T19:60:00Z",
        "2026-11-20T19:55:00+2:00",
        "2026-11-20T19:55:00+02:",
        "2026-11-20T19:55:00+02:00junk",
        "2026-11-20T19:55:00.Z",
        "2026/11/20T19:55:00Z",
    };
    for (const char* text : rejected) {
        const std::string input = text;
        CAPTURE(input);
        CHECK_FALSE(parse_iso8601(text).has_value());
    }

    CHECK(format_iso8601(expected) == "2026-11-20T17:55:00Z");
    CHECK(format_local(expected, helsinki()) == "2026-11-20T19:55:00+02:00");
    CHECK(format_local(expected, new_york()) == "2026-11-20T12:55:00-05:00");
    CHECK(parse_iso8601(format_local(expected, helsinki())) == expected);
    CHECK(parse_iso8601(format_iso8601(expected)) == expected);
}

TEST_CASE("ISO 8601 week labels in the zone's local date") {
    const auto& helsinki = *date::locate_zone("Europe/Helsinki");
    const auto& utc = *date::locate_zone("UTC");
    struct Case {
        const char* at;
        const char* week;
    };
    // Weeks start on Monday and belong to the year of their Thursday.
    const std::vector<Case> cases = {
        {"2026-11-30T10:00:00+02:00", "2026-W49"},
        {"2026-12-31T12:00:00+02:00", "2026-W53"},  // 2026 starts on a Thursday: 53 weeks
        {"2027-01-01T12:00:00+02:00", "2026-W53"},  // a Friday in the next calendar year
        {"2027-01-03T23:59:00+02:00", "2026-W53"},  // that week's Sunday
        {"2027-01-04T00:00:00+02:00", "2027-W01"},
        {"2024-12-30T09:00:00+02:00",
         "2025-W01"},  // a week that starts in one year, ends in the next
        {"2025-12-29T09:00:00+02:00", "2026-W01"},
        {"2026-01-01T09:00:00+02:00", "2026-W01"},
        {"2021-01-03T09:00:00+02:00", "2020-W53"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.at);
        CHECK(iso_week_label(*parse_iso8601(c.at), helsinki) == c.week);
    }
    // Sunday 22:30 UTC is already Monday 00:30 in Helsinki: the week is the local one.
    const auto late_sunday = *parse_iso8601("2026-12-06T22:30:00Z");
    CHECK(iso_week_label(late_sunday, utc) == "2026-W49");
    CHECK(iso_week_label(late_sunday, helsinki) == "2026-W50");
}

// format_iso8601 and format_local write the text themselves; it must be date::format's, in
// every zone the tests know and across offsets that change (DST, historical local mean time,
// half-hour zones, negative offsets), leap days and the ends of years.
TEST_CASE("timing: the ISO 8601 text is date::format's") {
    const char* zones[] = {
        "Europe/Helsinki",    "America/New_York", "America/St_Johns", "Asia/Kolkata",
        "Australia/Adelaide", "Pacific/Chatham",  "Europe/Stockholm", "UTC"};
    // From 1850 (local mean time) to 2100, about every 11 days and 7 hours and 13 seconds.
    const auto first = date::sys_days{date::year{1850} / 1 / 1};
    const auto last = date::sys_days{date::year{2100} / 12 / 31};
    const std::chrono::seconds step = std::chrono::hours{24 * 11 + 7} + std::chrono::seconds{13};
    int checked = 0;
    for (auto t = TimePoint{first}; t < TimePoint{last}; t += step) {
        CHECK(format_iso8601(t) == date::format("%FT%TZ", t));
        for (const char* name : zones) {
            const auto& zone = *date::locate_zone(name);
            const auto expected = date::format("%FT%T%Ez", date::zoned_seconds{&zone, t});
            const auto got = format_local(t, zone);
            if (got != expected) CHECK_MESSAGE(got == expected, name);
        }
        ++checked;
    }
    CHECK(checked > 8000);
    CHECK(format_iso8601(TimePoint{date::sys_days{date::year{2024} / 2 / 29}} + 86399s) ==
          "2024-02-29T23:59:59Z");
    CHECK(format_local(TimePoint{date::sys_days{date::year{2026} / 12 / 31}} + 22h, helsinki()) ==
          "2027-01-01T00:00:00+02:00");
}
