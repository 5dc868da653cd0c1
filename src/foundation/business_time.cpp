// Business time: the hours a team works, for escalating an alert nobody has acknowledged.
// An alert raised on Friday evening must not reach the lead on Saturday morning because
// "4 hours" passed in the night; it is 4 hours of the flow's send window on business days.
#include <chrono>

#include "cxgate/foundation/timing.hpp"

namespace cxgate::timing {

namespace {

using std::chrono::minutes;

date::sys_days local_date(TimePoint t, const date::time_zone& zone) {
    const auto local = date::floor<date::days>(date::zoned_seconds{&zone, t}.get_local_time());
    return date::sys_days{local.time_since_epoch()};
}

bool business_day(TimePoint t, const date::time_zone& zone, const Calendar& calendar) {
    return !calendar.is_day_off(local_date(t, zone));
}

// The earliest instant >= t inside the window on a business day. A window open every day
// of a year of holidays would never end the loop; 800 steps cover two years of days off.
TimePoint next_business_instant(TimePoint t, const SendWindow& window, const date::time_zone& zone,
                                const Calendar& calendar) {
    for (int i = 0; i < 800; ++i) {
        t = next_in_window(t, window, zone, calendar);
        if (business_day(t, zone, calendar)) return t;
        t = local_day(t, zone).end;
    }
    return t;
}

}  // namespace

TimePoint add_business_time(TimePoint start, std::chrono::seconds amount, const SendWindow& window,
                            const date::time_zone& zone, const Calendar& calendar) {
    auto t = next_business_instant(start, window, zone, calendar);
    // Minute by minute inside an open span, jumping over closed ones: a span's end is where
    // the next business instant after a minute is no longer that minute. Escalations ask
    // for hours, so this is at most a few thousand steps.
    auto left = std::chrono::duration_cast<minutes>(amount);
    const auto rest = amount - std::chrono::duration_cast<std::chrono::seconds>(left);
    while (left > minutes{0}) {
        const auto next = t + minutes{1};
        const auto open = next_business_instant(next, window, zone, calendar);
        left -= minutes{1};
        t = left > minutes{0} ? open : next;
    }
    return t + rest;
}

}  // namespace cxgate::timing
