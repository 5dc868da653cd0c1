// Send windows: parsing the day sets and HH:MM spans operations write, and the earliest
// instant at or after a time that lies inside a window.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cxgate/foundation/timing.hpp"
#include "timing_common.hpp"

namespace cxgate::timing {

using namespace detail;

namespace {

int monday_based_index(date::local_days day) {
    return static_cast<int>(date::weekday{day}.iso_encoding()) - 1;
}

constexpr std::string_view kDayNames[7][2] = {
    {"mon", "monday"}, {"tue", "tuesday"},  {"wed", "wednesday"}, {"thu", "thursday"},
    {"fri", "friday"}, {"sat", "saturday"}, {"sun", "sunday"},
};

std::optional<int> parse_day_name(std::string_view s) {
    s = trim(s);
    for (int i = 0; i < 7; ++i) {
        if (s == kDayNames[i][0] || s == kDayNames[i][1]) return i;
    }
    return std::nullopt;
}

// Enough days to pass a full year of holidays plus slack; beyond that the window can never
// open (no day enabled, or every enabled day a holiday) and searching further is pointless.
constexpr int kWindowSearchDays = 400;

}  // namespace

std::optional<SendWindow> parse_send_window(std::string_view days, std::string_view from,
                                            std::string_view to, std::string* error) {
    const auto fail = [&](std::string message) -> std::optional<SendWindow> {
        set_error(error, std::move(message));
        return std::nullopt;
    };
    const std::string days_text(trim(days));
    const auto bad_days = [&](std::string_view what) {
        return fail("unknown send window day \"" + std::string(trim(what)) + "\" in \"" +
                    days_text +
                    "\"; expected day names (mon..sun), ranges like \"mon-fri\", lists like "
                    "\"mon,wed,fri\", or daily/weekdays/weekends");
    };

    SendWindow window;
    window.days.fill(false);
    const std::string d = lower(days_text);
    if (d == "daily") {
        window.days.fill(true);
    } else if (d == "weekdays") {
        for (int i = 0; i < 5; ++i) window.days[i] = true;
    } else if (d == "weekends") {
        window.days[5] = window.days[6] = true;
    } else {
        if (d.empty()) return bad_days("");
        std::string_view rest = d;
        while (true) {
            const auto comma = rest.find(',');
            const std::string_view item = trim(rest.substr(0, comma));
            if (item.empty()) return bad_days(item);
            const auto dash = item.find('-');
            if (dash == std::string_view::npos) {
                const auto day = parse_day_name(item);
                if (!day) return bad_days(item);
                window.days[*day] = true;
            } else {
                const auto first = parse_day_name(item.substr(0, dash));
                const auto last = parse_day_name(item.substr(dash + 1));
                // Name the misspelled end when there is one; "mon-" has none to name.
                if (!first || !last) {
                    const std::string_view bad =
                        trim(!first ? item.substr(0, dash) : item.substr(dash + 1));
                    return bad_days(bad.empty() ? item : bad);
                }
                // Ranges may wrap ("fri-mon") because the week is a cycle.
                for (int i = *first;; i = (i + 1) % 7) {
                    window.days[i] = true;
                    if (i == *last) break;
                }
            }
            if (comma == std::string_view::npos) break;
            rest = rest.substr(comma + 1);
        }
    }

    const auto from_minute = parse_time_of_day(from);
    if (!from_minute || *from_minute == 24 * 60) {
        return fail("invalid send window start \"" + std::string(trim(from)) +
                    "\"; expected HH:MM between 00:00 and 23:59");
    }
    const auto to_minute = parse_time_of_day(to);
    if (!to_minute) {
        return fail("invalid send window end \"" + std::string(trim(to)) +
                    "\"; expected HH:MM between 00:00 and 24:00");
    }
    // Equal bounds would read as either "never" or "all day"; make the operator say which.
    if (*from_minute == *to_minute) {
        return fail("send window start and end are the same (" + std::string(trim(from)) + "-" +
                    std::string(trim(to)) + "); use 00:00-24:00 for the whole day");
    }
    window.from_minute = *from_minute;
    window.to_minute = *to_minute;
    window.respects_holidays = true;
    return window;
}

std::vector<SendWindow::Span> SendWindow::spans_on(int weekday) const {
    std::vector<Span> out;
    if (spans.empty()) {
        if (days[weekday]) out.push_back({weekday, from_minute, to_minute});
        return out;
    }
    for (const auto& span : spans)
        if (span.day == weekday) out.push_back(span);
    std::sort(out.begin(), out.end(),
              [](const Span& a, const Span& b) { return a.from_minute < b.from_minute; });
    return out;
}

std::optional<SendWindow> parse_weekly_window(
    const std::vector<std::pair<std::string, std::string>>& entries, std::string* error) {
    SendWindow window;
    window.days.fill(false);
    std::array<std::string, 7> named_by;
    if (entries.empty()) {
        set_error(error, "a send window needs at least one day, e.g. mon-fri: \"09:00-20:00\"");
        return std::nullopt;
    }
    for (const auto& [days, ranges] : entries) {
        std::string_view rest = ranges;
        bool first = true;
        while (true) {
            const auto comma = rest.find(',');
            const std::string_view range = trim(rest.substr(0, comma));
            const auto dash = range.find('-');
            if (dash == std::string_view::npos) {
                set_error(error, "send window for \"" + days +
                                     "\": expected \"HH:MM-HH:MM\", got \"" + std::string(range) +
                                     "\"");
                return std::nullopt;
            }
            // parse_send_window validates the day set and both times with its own messages.
            auto one =
                parse_send_window(days, range.substr(0, dash), range.substr(dash + 1), error);
            if (!one) return std::nullopt;
            for (int d = 0; d < 7; ++d) {
                if (!one->days[d]) continue;
                if (first && !named_by[d].empty()) {
                    set_error(error, "send window: " + std::string(kDayNames[d][0]) +
                                         " is in both \"" + named_by[d] + "\" and \"" + days +
                                         "\"; give each day once, with comma-separated ranges");
                    return std::nullopt;
                }
                named_by[d] = days;
                window.days[d] = true;
                window.spans.push_back({d, one->from_minute, one->to_minute});
            }
            first = false;
            if (comma == std::string_view::npos) break;
            rest = rest.substr(comma + 1);
        }
    }
    // Keep from/to meaningful for code that only reads the simple shape.
    window.from_minute = window.spans.front().from_minute;
    window.to_minute = window.spans.front().to_minute;
    return window;
}

TimePoint next_in_window(TimePoint t, const SendWindow& window, const date::time_zone& zone,
                         const Calendar& calendar) {
    // A window that crosses midnight may have opened yesterday and still be open at t.
    const date::local_days today = date::floor<date::days>(zone.to_local(t));
    for (date::local_days day = today - date::days{1}; day <= today + date::days{kWindowSearchDays};
         day += date::days{1}) {
        if (window.respects_holidays && calendar.holidays.count(as_sys_days(day)) != 0) continue;
        for (const auto& span : window.spans_on(monday_based_index(day))) {
            const int from = std::clamp(span.from_minute, 0, 24 * 60 - 1);
            const int to = std::clamp(span.to_minute, 0, 24 * 60);
            const bool crosses_midnight = to <= from;
            const TimePoint open = resolve_local(day + std::chrono::minutes{from}, zone);
            const date::local_days close_day = crosses_midnight ? day + date::days{1} : day;
            const TimePoint close = resolve_local(close_day + std::chrono::minutes{to}, zone);
            // Both bounds can fall in the same DST gap, leaving nothing to send in that day.
            if (open >= close) continue;
            // Spans are visited in order of opening, so the first one still open at t gives
            // the earliest instant >= t inside any span.
            if (t < close) return std::max(t, open);
        }
    }
    // No window opens within the search horizon (no day selected, or every selected day a
    // holiday): returning t sends rather than parking the message forever. parse_send_window
    // never yields a window without days, so only a hand-built window or calendar gets here.
    return t;
}

}  // namespace cxgate::timing
