// Flow timing rules (issue 4): `at:`, send windows per weekday, holiday calendars from
// calendars/*.yaml, business-day chains, DST both ways and a contact in New York. Every
// instant is written with its offset, so a failure reads like the calendar.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cxgate/config/calendar.hpp"
#include "cxgate/foundation/timing.hpp"

namespace {

using namespace cxgate::timing;

const date::time_zone& zone(const char* name) {
    return *date::locate_zone(name);
}

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

SendWindow weekly(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string error;
    auto w = parse_weekly_window(entries, &error);
    REQUIRE_MESSAGE(w.has_value(), "bad test window: " << error);
    return *w;
}

SendWindow simple(const std::string& days, const std::string& from, const std::string& to) {
    std::string error;
    auto w = parse_send_window(days, from, to, &error);
    REQUIRE_MESSAGE(w.has_value(), "bad test window: " << error);
    return *w;
}

const Calendar& finland() {
    static const Calendar calendar = [] {
        cxgate::config::Diagnostics diag;
        auto file = cxgate::config::load_calendar(
            std::string(CXGATE_SOURCE_DIR) + "/calendars/fi.yaml", diag);
        REQUIRE(file);
        return cxgate::config::to_timing_calendar(*file);
    }();
    return calendar;
}

struct Case {
    const char* name;
    const char* start;
    const char* delay;
    int at_minute;  // -1: no `at:`
    const char* expected;
};

void run(const std::vector<Case>& cases, const SendWindow& window, const date::time_zone& z,
         const Calendar& calendar) {
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        std::optional<int> at_minute;
        if (c.at_minute >= 0) at_minute = c.at_minute;
        const TimePoint due = due_time(at(c.start), delay(c.delay), at_minute, window, z, calendar);
        CHECK(format_local(due, z) == c.expected);
    }
}

}  // namespace

TEST_CASE("flow timing: send windows per weekday") {
    const auto& z = zone("Europe/Helsinki");
    const SendWindow w = weekly({{"mon-fri", "09:00-20:00"}, {"sat", "10:00-14:00"}});
    const Calendar none;
    run(
        {
            {"Friday evening waits for Saturday 10:00", "2026-11-20T20:30:00+02:00", "0", -1,
             "2026-11-21T10:00:00+02:00"},
            {"Saturday noon is inside", "2026-11-21T12:00:00+02:00", "0", -1,
             "2026-11-21T12:00:00+02:00"},
            {"Saturday 14:00 closes until Monday", "2026-11-21T14:00:00+02:00", "0", -1,
             "2026-11-23T09:00:00+02:00"},
            {"Sunday waits for Monday", "2026-11-22T11:00:00+02:00", "0", -1,
             "2026-11-23T09:00:00+02:00"},
            {"weekday morning waits for 09:00", "2026-11-24T07:00:00+02:00", "0", -1,
             "2026-11-24T09:00:00+02:00"},
            {"1d from Friday 11:00 is Saturday 11:00", "2026-11-20T11:00:00+02:00", "1d", -1,
             "2026-11-21T11:00:00+02:00"},
            {"1d from Friday 19:00 misses Saturday's window", "2026-11-20T19:00:00+02:00", "1d", -1,
             "2026-11-23T09:00:00+02:00"},
        },
        w, z, none);

    SUBCASE("two ranges on a day, and a range crossing midnight") {
        const SendWindow split = weekly({{"mon-thu", "09:00-12:00, 13:00-17:00"},
                                         {"fri", "09:00-12:00, 13:00-17:00, 22:00-02:00"}});
        CHECK(split.spans.size() == 11);
        run(
            {
                {"lunch break", "2026-11-18T12:30:00+02:00", "0", -1, "2026-11-18T13:00:00+02:00"},
                {"Friday night opens at 22:00", "2026-11-20T18:00:00+02:00", "0", -1,
                 "2026-11-20T22:00:00+02:00"},
                {"Saturday 01:00 is in Friday's span", "2026-11-21T01:00:00+02:00", "0", -1,
                 "2026-11-21T01:00:00+02:00"},
                {"Saturday 03:00 waits for Monday", "2026-11-21T03:00:00+02:00", "0", -1,
                 "2026-11-23T09:00:00+02:00"},
            },
            split, z, none);
    }
    SUBCASE("a day twice, a bad range and a bad day are errors") {
        std::string error;
        CHECK_FALSE(
            parse_weekly_window({{"mon-fri", "09:00-20:00"}, {"fri", "10:00-12:00"}}, &error));
        CHECK(error.find("fri is in both") != std::string::npos);
        CHECK_FALSE(parse_weekly_window({{"sat", "10:00"}}, &error));
        CHECK(error.find("HH:MM-HH:MM") != std::string::npos);
        CHECK_FALSE(parse_weekly_window({{"caturday", "10:00-12:00"}}, &error));
        CHECK(error.find("caturday") != std::string::npos);
    }
}

TEST_CASE("flow timing: at: a local time of day") {
    const auto& z = zone("Europe/Helsinki");
    const SendWindow always = simple("daily", "00:00", "24:00");
    const Calendar none;
    run(
        {
            {"1 business day at 10:00 from Monday 15:00", "2026-11-16T15:00:00+02:00",
             "1 business day", 600, "2026-11-17T10:00:00+02:00"},
            {"1 business day at 10:00 from Friday 08:00", "2026-11-20T08:00:00+02:00",
             "1 business day", 600, "2026-11-23T10:00:00+02:00"},
            {"2d at 18:30", "2026-11-16T09:00:00+02:00", "2d", 18 * 60 + 30,
             "2026-11-18T18:30:00+02:00"},
            {"no delay, before 10:00: today", "2026-11-16T08:00:00+02:00", "0", 600,
             "2026-11-16T10:00:00+02:00"},
            {"no delay, after 10:00: tomorrow", "2026-11-16T15:00:00+02:00", "0", 600,
             "2026-11-17T10:00:00+02:00"},
            {"2h then the next 10:00", "2026-11-16T09:00:00+02:00", "2h", 600,
             "2026-11-17T10:00:00+02:00"},
            // DST: spring forward 2026-03-29 03:00 -> 04:00, fall back 2026-10-25 04:00 -> 03:00.
            {"spring: 1d at 10:00 across the change", "2026-03-28T15:00:00+02:00", "1d", 600,
             "2026-03-29T10:00:00+03:00"},
            {"spring: at 03:30 falls in the gap, moves to 04:00", "2026-03-28T15:00:00+02:00", "1d",
             3 * 60 + 30, "2026-03-29T04:00:00+03:00"},
            {"autumn: 1d at 10:00 across the change", "2026-10-24T15:00:00+03:00", "1d", 600,
             "2026-10-25T10:00:00+02:00"},
            {"autumn: at 03:30 exists twice, the earlier", "2026-10-24T15:00:00+03:00", "1d",
             3 * 60 + 30, "2026-10-25T03:30:00+03:00"},
        },
        always, z, none);

    SUBCASE("the window still applies after at:") {
        run({{"at 07:00 outside 09-20 waits for 09:00", "2026-11-16T15:00:00+02:00",
              "1 business day", 7 * 60, "2026-11-17T09:00:00+02:00"}},
            simple("mon-fri", "09:00", "20:00"), z, none);
    }
}

TEST_CASE("flow timing: fi holidays in business days and windows") {
    const auto& z = zone("Europe/Helsinki");
    const SendWindow weekdays = simple("mon-fri", "09:00", "20:00");
    run(
        {
            {"Christmas: Wed 23 Dec + 1bd skips 24-27 Dec", "2026-12-23T15:00:00+02:00",
             "1 business day", 600, "2026-12-28T10:00:00+02:00"},
            {"Christmas Eve morning waits for the 28th", "2026-12-24T09:30:00+02:00", "0", -1,
             "2026-12-28T09:00:00+02:00"},
            {"Midsummer: Thu 18 Jun + 1bd skips the Eve", "2026-06-18T12:00:00+03:00",
             "1 business day", -1, "2026-06-22T12:00:00+03:00"},
            {"Midsummer Eve event waits for Monday", "2026-06-19T12:00:00+03:00", "10m", -1,
             "2026-06-22T09:00:00+03:00"},
            {"Easter chain: Thu 2 Apr + 1bd -> Tue 7 Apr", "2026-04-02T12:00:00+03:00",
             "1 business day", -1, "2026-04-07T12:00:00+03:00"},
            {"Easter chain: Thu 2 Apr + 3bd -> Thu 9 Apr", "2026-04-02T12:00:00+03:00",
             "3 business days", -1, "2026-04-09T12:00:00+03:00"},
            {"Ascension Thursday: Wed 13 May + 1bd -> Fri 15 May", "2026-05-13T12:00:00+03:00",
             "1 business day", -1, "2026-05-15T12:00:00+03:00"},
            {"New Year: Thu 31 Dec 2026 + 1bd -> Mon 4 Jan 2027", "2026-12-31T12:00:00+02:00",
             "1 business day", -1, "2027-01-04T12:00:00+02:00"},
            {"Independence Day on Sunday changes nothing", "2026-12-04T12:00:00+02:00",
             "1 business day", -1, "2026-12-07T12:00:00+02:00"},
        },
        weekdays, z, finland());

    SUBCASE("a window that says holidays: true stays open on Christmas Eve") {
        SendWindow open = weekdays;
        open.respects_holidays = false;
        run({{"Christmas Eve 09:30 goes", "2026-12-24T09:30:00+02:00", "0", -1,
              "2026-12-24T09:30:00+02:00"}},
            open, z, finland());
    }
}

TEST_CASE("flow timing: a contact in America/New_York") {
    const auto& z = zone("America/New_York");
    const SendWindow w = weekly({{"mon-fri", "09:00-17:00"}, {"sat", "10:00-12:00"}});
    const Calendar none;
    run(
        {
            {"Friday 16:55 + 10m goes Saturday 10:00 EST", "2026-11-20T21:55:00Z", "10m", -1,
             "2026-11-21T10:00:00-05:00"},
            {"1 business day at 10:00 from Friday", "2026-11-20T15:00:00Z", "1 business day", 600,
             "2026-11-23T10:00:00-05:00"},
            // US spring forward 2026-03-08 02:00 -> 03:00 (a Sunday).
            {"spring: Friday + 1 business day at 09:30 is Monday EDT", "2026-03-06T12:00:00-05:00",
             "1 business day", 9 * 60 + 30, "2026-03-09T09:30:00-04:00"},
            // US fall back 2026-11-01 02:00 -> 01:00 (a Sunday).
            {"autumn: Saturday 11:00 + 1d lands on Sunday, waits for Monday EST",
             "2026-10-31T11:00:00-04:00", "1d", -1, "2026-11-02T09:00:00-05:00"},
        },
        w, z, none);
}
