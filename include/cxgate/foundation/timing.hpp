#pragma once
// Time arithmetic for survey scheduling: delays, business days, send windows and
// time zones. Pure functions: the current instant is always passed in, never read.
#include <array>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

namespace cxgate::timing {

using TimePoint = std::chrono::sys_seconds;

// A delay as operations write it in a flow. Minutes and hours are elapsed time;
// days keep the local wall-clock time (a "1d" delay across a DST change is 23 or 25
// hours); business days skip weekends and the calendar's holidays, also keeping the
// local wall-clock time.
struct Delay {
    enum class Unit { seconds, minutes, hours, days, business_days };
    Unit unit = Unit::minutes;
    int amount = 0;
    bool operator==(const Delay&) const = default;
};

// Accepts "0", "30s", "10m", "2h", "7d", "1 business day", "2 business days",
// "10 minutes", "1 hour", "3 days", "1bd". Returns std::nullopt and sets *error
// to a one-line explanation when the text is not a delay.
std::optional<Delay> parse_delay(std::string_view text, std::string* error);
std::string to_string(const Delay& d);

// Days off beyond weekends: the flow's holiday calendar (calendars/<name>.yaml) merged with
// the company's extra days off. Dates are local calendar dates, not UTC instants.
struct Calendar {
    std::set<date::sys_days> holidays;
    bool is_day_off(date::sys_days day) const;  // weekend or holiday
};

// Weekly send window in local time. days[0] is Monday ... days[6] is Sunday.
// from/to are minutes after local midnight; the window is [from, to). When
// to <= from the window crosses midnight (e.g. 22:00-02:00 belongs to the day it opens).
//
// Two shapes: one span on a set of days (days + from/to, `{days: mon-fri, from, to}` in YAML),
// or spans per weekday (`{mon-fri: "09:00-20:00", sat: "10:00-14:00"}`), which, when
// present, replace the first shape entirely.
struct SendWindow {
    struct Span {
        int day = 0;  // 0 = Monday
        int from_minute = 0;
        int to_minute = 24 * 60;
        bool operator==(const Span&) const = default;
    };
    std::array<bool, 7> days{true, true, true, true, true, true, true};
    int from_minute = 0;
    int to_minute = 24 * 60;
    bool respects_holidays = true;  // a holiday closes the window for that day
    std::vector<Span> spans;        // per-weekday spans; empty: days/from/to apply

    // The spans that open on a weekday (0 = Monday), earliest first.
    std::vector<Span> spans_on(int weekday) const;
};

// "mon-fri", "mon-sun", "mon,wed,fri", "sat-sun", "daily", "weekdays"; times "HH:MM".
std::optional<SendWindow> parse_send_window(std::string_view days, std::string_view from,
                                            std::string_view to, std::string* error);
// "HH:MM" -> minutes after midnight.
std::optional<int> parse_time_of_day(std::string_view text);
// Per-weekday spans: each entry is a day set ("mon-fri", "sat", "weekends") and one or more
// ranges "HH:MM-HH:MM" separated by commas ("09:00-12:00, 13:00-17:00"). A day named in two
// entries is an error, so the map reads as a timetable.
std::optional<SendWindow> parse_weekly_window(
    const std::vector<std::pair<std::string, std::string>>& entries, std::string* error);

// start + delay, computed in the given zone for day-based units.
TimePoint add_delay(TimePoint start, const Delay& delay, const date::time_zone& zone,
                    const Calendar& calendar);

// The earliest instant >= t that lies inside the window (local time of the zone).
// Local times that do not exist (spring-forward gap) move to the first instant after
// the gap; ambiguous ones (fall-back) take the earlier instant.
TimePoint next_in_window(TimePoint t, const SendWindow& window, const date::time_zone& zone,
                         const Calendar& calendar);

// The full rule used by the scheduler: (start + delay), then moved into the window.
TimePoint due_time(TimePoint start, const Delay& delay, const SendWindow& window,
                   const date::time_zone& zone, const Calendar& calendar);

// `at:` a local time of day (minutes after midnight). With a day-based delay (days,
// business days) the delay picks the day and `at` replaces its wall-clock time, so
// "1 business day" + "10:00" is the next business day at 10:00 whatever the hour of the
// event. With an elapsed delay (seconds, minutes, hours, 0) it is the first `at` o'clock at
// or after start + delay (that day or the next). Then the window applies as usual.
TimePoint apply_at(TimePoint t, const Delay& delay, int at_minute, const date::time_zone& zone);
TimePoint due_time(TimePoint start, const Delay& delay, std::optional<int> at_minute,
                   const SendWindow& window, const date::time_zone& zone, const Calendar& calendar);

// ISO 8601 with offset or Z ("2026-11-20T19:55:00+02:00", "2026-11-20T17:55:00Z",
// fractional seconds allowed). Returns std::nullopt on anything else.
std::optional<TimePoint> parse_iso8601(std::string_view text);
// UTC, "2026-11-20T17:55:00Z".
std::string format_iso8601(TimePoint t);
// Local time in a zone with offset, "2026-11-20T19:55:00+02:00".
std::string format_local(TimePoint t, const date::time_zone& zone);

// The ISO 8601 week of the local date of t in the zone, "2026-W49": weeks start on Monday
// and belong to the year that holds their Thursday, so 2027-01-01 (a Friday) is in
// "2026-W53" and 2024-12-30 (a Monday) in "2025-W01". Finnish and Swedish offices plan by
// these weeks; a week is decided in local time, so Sunday 23:30 Helsinki is still that week.
std::string iso_week_label(TimePoint t, const date::time_zone& zone);

// The local calendar day that holds t in the zone, as [its first instant, the next day's):
// 23 or 25 hours across a DST change; where midnight does not exist the day starts when
// the clocks resume.
// start plus `amount` of business time: time inside the window on days that are not days
// off (weekends and the calendar's holidays), whatever the window says of weekends. A start
// outside it counts from the next opening. Minute resolution.
TimePoint add_business_time(TimePoint start, std::chrono::seconds amount, const SendWindow& window,
                            const date::time_zone& zone, const Calendar& calendar);

struct LocalDay {
    TimePoint start, end;
};
LocalDay local_day(TimePoint t, const date::time_zone& zone);

}  // namespace cxgate::timing
