#include "cxgate/foundation/timing.hpp"

#include <date/iso_week.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "timing_common.hpp"

namespace cxgate::timing {

using namespace detail;

namespace {

using std::chrono::seconds;

// Operators type "1  business   day" as readily as "1 business day"; treat both alike.
std::string collapse_spaces(std::string_view s) {
    std::string out;
    bool in_space = false;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            in_space = true;
            continue;
        }
        if (in_space && !out.empty()) out.push_back(' ');
        in_space = false;
        out.push_back(c);
    }
    return out;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Fixed-width unsigned field; the ISO and HH:MM grammars never allow signs or spaces here,
// which std::from_chars alone would not enforce for the width.
std::optional<int> fixed_digits(std::string_view s, std::size_t pos, std::size_t width) {
    if (pos + width > s.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (!is_digit(s[i])) return std::nullopt;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

struct UnitName {
    std::string_view text;
    Delay::Unit unit;
};

constexpr UnitName kUnitNames[] = {
    {"s", Delay::Unit::seconds},
    {"sec", Delay::Unit::seconds},
    {"secs", Delay::Unit::seconds},
    {"second", Delay::Unit::seconds},
    {"seconds", Delay::Unit::seconds},
    {"m", Delay::Unit::minutes},
    {"min", Delay::Unit::minutes},
    {"mins", Delay::Unit::minutes},
    {"minute", Delay::Unit::minutes},
    {"minutes", Delay::Unit::minutes},
    {"h", Delay::Unit::hours},
    {"hr", Delay::Unit::hours},
    {"hrs", Delay::Unit::hours},
    {"hour", Delay::Unit::hours},
    {"hours", Delay::Unit::hours},
    {"d", Delay::Unit::days},
    {"day", Delay::Unit::days},
    {"days", Delay::Unit::days},
    {"bd", Delay::Unit::business_days},
    {"business day", Delay::Unit::business_days},
    {"business days", Delay::Unit::business_days},
};

// Caps keep the chrono arithmetic far from overflow and the business-day walk short;
// ten years is well beyond any survey follow-up.
int max_amount(Delay::Unit unit) {
    switch (unit) {
        case Delay::Unit::seconds:
            return 10 * 366 * 24 * 3600;
        case Delay::Unit::minutes:
            return 10 * 366 * 24 * 60;
        case Delay::Unit::hours:
            return 10 * 366 * 24;
        case Delay::Unit::days:
            return 10 * 366;
        case Delay::Unit::business_days:
            return 10 * 262;
    }
    return 0;
}

}  // namespace

std::optional<Delay> parse_delay(std::string_view text, std::string* error) {
    const std::string original(text);
    const auto fail = [&](std::string message) -> std::optional<Delay> {
        set_error(error, std::move(message));
        return std::nullopt;
    };
    const auto garbage = [&] {
        return fail(R"(expected a duration like "10m", "2h", "7d" or "1 business day", got ")" +
                    original + "\"");
    };

    const std::string s = lower(trim(text));
    if (s.empty()) return garbage();
    if (s.front() == '-') return fail("a delay cannot be negative, got \"" + original + "\"");

    std::size_t digits = 0;
    while (digits < s.size() && is_digit(s[digits])) ++digits;
    if (digits == 0) return garbage();

    int amount = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + digits, amount);
    if (ec == std::errc::result_out_of_range) {
        return fail("delay \"" + original + "\" is too long (at most 10 years)");
    }
    if (ec != std::errc{} || ptr != s.data() + digits) return garbage();

    const std::string unit_text = collapse_spaces(std::string_view(s).substr(digits));
    if (unit_text.empty()) {
        // A bare "0" is unambiguous; any other bare number could mean minutes or days.
        if (amount == 0) return Delay{Delay::Unit::minutes, 0};
        return fail("delay \"" + original + "\" has no unit; write e.g. \"" + s + "m\" or \"" + s +
                    "d\"");
    }
    for (const auto& name : kUnitNames) {
        if (unit_text == name.text) {
            if (amount > max_amount(name.unit)) {
                return fail("delay \"" + original + "\" is too long (at most 10 years)");
            }
            return Delay{name.unit, amount};
        }
    }
    return garbage();
}

std::string to_string(const Delay& d) {
    std::string n = std::to_string(d.amount);
    switch (d.unit) {
        case Delay::Unit::seconds:
            return n + "s";
        case Delay::Unit::minutes:
            return n + "m";
        case Delay::Unit::hours:
            return n + "h";
        case Delay::Unit::days:
            return n + "d";
        case Delay::Unit::business_days:
            return n + (d.amount == 1 ? " business day" : " business days");
    }
    return n;
}

bool Calendar::is_day_off(date::sys_days day) const {
    const date::weekday wd{day};
    return wd == date::Saturday || wd == date::Sunday || holidays.count(day) != 0;
}

std::optional<int> parse_time_of_day(std::string_view text) {
    const std::string_view s = trim(text);
    const auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2) return std::nullopt;
    if (s.size() != colon + 3) return std::nullopt;
    const auto hour = fixed_digits(s, 0, colon);
    const auto minute = fixed_digits(s, colon + 1, 2);
    if (!hour || !minute) return std::nullopt;
    // "24:00" is the only way to say "until the end of the day" in HH:MM.
    if (*hour == 24 && *minute == 0) return 24 * 60;
    if (*hour > 23 || *minute > 59) return std::nullopt;
    return *hour * 60 + *minute;
}

TimePoint add_delay(TimePoint start, const Delay& delay, const date::time_zone& zone,
                    const Calendar& calendar) {
    switch (delay.unit) {
        case Delay::Unit::seconds:
            return start + seconds{delay.amount};
        case Delay::Unit::minutes:
            return start + std::chrono::minutes{delay.amount};
        case Delay::Unit::hours:
            return start + std::chrono::hours{delay.amount};
        case Delay::Unit::days:
        case Delay::Unit::business_days:
            break;
    }
    // Round-tripping through local time would move an instant in the repeated fall-back hour
    // to its earlier twin, so a zero delay must not touch it.
    if (delay.amount == 0) return start;

    const date::local_seconds local = zone.to_local(start);
    date::local_days day = date::floor<date::days>(local);
    const seconds time_of_day = local - day;

    if (delay.unit == Delay::Unit::days) {
        day += date::days{delay.amount};
    } else {
        // Walk day by day: holidays are arbitrary dates, so there is no closed form. Negative
        // amounts (never produced by parse_delay) walk backwards symmetrically.
        const int step = delay.amount > 0 ? 1 : -1;
        for (long long remaining = std::llabs(delay.amount); remaining > 0; --remaining) {
            do {
                day += date::days{step};
            } while (calendar.is_day_off(as_sys_days(day)));
        }
    }
    return resolve_local(day + time_of_day, zone);
}

TimePoint due_time(TimePoint start, const Delay& delay, const SendWindow& window,
                   const date::time_zone& zone, const Calendar& calendar) {
    return next_in_window(add_delay(start, delay, zone, calendar), window, zone, calendar);
}

TimePoint apply_at(TimePoint t, const Delay& delay, int at_minute, const date::time_zone& zone) {
    const date::local_seconds local = zone.to_local(t);
    const date::local_days day = date::floor<date::days>(local);
    const TimePoint same_day = resolve_local(day + std::chrono::minutes{at_minute}, zone);
    const bool day_based = delay.amount > 0 && (delay.unit == Delay::Unit::days ||
                                                delay.unit == Delay::Unit::business_days);
    if (day_based || same_day >= t) return same_day;
    return resolve_local(day + date::days{1} + std::chrono::minutes{at_minute}, zone);
}

TimePoint due_time(TimePoint start, const Delay& delay, std::optional<int> at_minute,
                   const SendWindow& window, const date::time_zone& zone,
                   const Calendar& calendar) {
    TimePoint t = add_delay(start, delay, zone, calendar);
    if (at_minute) t = apply_at(t, delay, *at_minute, zone);
    return next_in_window(t, window, zone, calendar);
}

std::optional<TimePoint> parse_iso8601(std::string_view text) {
    const std::string_view s = trim(text);
    // YYYY-MM-DDTHH:MM:SS is 19 characters; an offset or Z must follow.
    if (s.size() < 20) return std::nullopt;
    if (s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') return std::nullopt;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    const auto year = fixed_digits(s, 0, 4);
    const auto month = fixed_digits(s, 5, 2);
    const auto mday = fixed_digits(s, 8, 2);
    const auto hour = fixed_digits(s, 11, 2);
    const auto minute = fixed_digits(s, 14, 2);
    const auto second = fixed_digits(s, 17, 2);
    if (!year || !month || !mday || !hour || !minute || !second) return std::nullopt;
    if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
    const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                   date::day{static_cast<unsigned>(*mday)}};
    if (!ymd.ok()) return std::nullopt;

    std::size_t pos = 19;
    if (s[pos] == '.' || s[pos] == ',') {
        // Sub-second precision is dropped: the scheduler works in whole seconds and the
        // fraction is non-negative, so truncation is the floor.
        ++pos;
        const std::size_t digits_start = pos;
        while (pos < s.size() && is_digit(s[pos])) ++pos;
        if (pos == digits_start) return std::nullopt;
    }
    if (pos >= s.size()) return std::nullopt;

    seconds offset{0};
    const char sign = s[pos];
    if (sign == 'Z' || sign == 'z') {
        ++pos;
    } else if (sign == '+' || sign == '-') {
        ++pos;
        const auto off_hour = fixed_digits(s, pos, 2);
        if (!off_hour || *off_hour > 23) return std::nullopt;
        pos += 2;
        int off_minute = 0;
        if (pos < s.size()) {
            if (s[pos] == ':') ++pos;
            const auto m = fixed_digits(s, pos, 2);
            if (!m || *m > 59) return std::nullopt;
            off_minute = *m;
            pos += 2;
        }
        offset = std::chrono::hours{*off_hour} + std::chrono::minutes{off_minute};
        if (sign == '-') offset = -offset;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;

    const seconds local = date::sys_days{ymd}.time_since_epoch() + std::chrono::hours{*hour} +
                          std::chrono::minutes{*minute} + seconds{*second};
    return TimePoint{local - offset};
}

namespace {

// "2026-11-23T09:00:00" and the offset's "+02:00" written with snprintf: date::format goes
// through an ostringstream and its locale, and took 2 us a call, several calls an event
// (the event's conditions, each survey's due and expiry in the answer). Years outside
// 0000-9999 go to date::format, whose spelling of them this does not repeat.
std::optional<std::string> civil_text(date::local_seconds local, std::chrono::seconds offset,
                                      bool utc) {
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) return std::nullopt;
    const date::hh_mm_ss time{local - day};
    char buffer[32];
    int n = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", year,
                          static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                          static_cast<int>(time.hours().count()),
                          static_cast<int>(time.minutes().count()),
                          static_cast<int>(time.seconds().count()));
    if (utc) {
        buffer[n++] = 'Z';
    } else {
        const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(offset).count();
        const long magnitude = std::labs(minutes);
        n += std::snprintf(buffer + n, sizeof buffer - static_cast<size_t>(n), "%c%02ld:%02ld",
                           minutes < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
    }
    return std::string(buffer, static_cast<size_t>(n));
}

}  // namespace

std::string format_iso8601(TimePoint t) {
    if (auto text = civil_text(date::local_seconds{t.time_since_epoch()}, {}, true))
        return std::move(*text);
    return date::format("%FT%TZ", t);
}

std::string format_local(TimePoint t, const date::time_zone& zone) {
    const auto offset = zone.get_info(t).offset;
    if (auto text = civil_text(date::local_seconds{(t + offset).time_since_epoch()}, offset, false))
        return std::move(*text);
    return date::format("%FT%T%Ez", date::zoned_seconds{&zone, t});
}

std::string iso_week_label(TimePoint t, const date::time_zone& zone) {
    const auto local = date::floor<date::days>(date::zoned_seconds{&zone, t}.get_local_time());
    // iso_week counts on calendar dates; the local date is that date.
    const iso_week::year_weeknum_weekday week{date::sys_days{local.time_since_epoch()}};
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-W%02u", static_cast<int>(week.year()),
                  static_cast<unsigned>(week.weeknum()));
    return buffer;
}

LocalDay local_day(TimePoint t, const date::time_zone& zone) {
    const auto day = date::floor<date::days>(date::zoned_seconds{&zone, t}.get_local_time());
    // choose::earliest: a midnight repeated by a fall-back starts the day at its first
    // occurrence; a midnight skipped by a spring-forward maps to the end of the gap.
    auto at_midnight = [&](date::local_days d) {
        return date::floor<std::chrono::seconds>(zone.to_sys(d, date::choose::earliest));
    };
    return {at_midnight(day), at_midnight(day + date::days{1})};
}

}  // namespace cxgate::timing
