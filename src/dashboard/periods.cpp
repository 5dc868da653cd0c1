// The periods of the journey page (pages.hpp): whole local days, so the reports read the
// daily rollups and no answer one by one.
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::dashboard {

namespace {

long long midnight(date::local_days day, const date::time_zone& zone) {
    // Where midnight does not exist (a DST change at 00:00) the day starts when the clocks
    // resume; where it comes twice, at the first.
    const auto info = zone.get_info(date::local_seconds{day.time_since_epoch()});
    if (info.result == date::local_info::nonexistent)
        return info.second.begin.time_since_epoch().count();
    return zone.to_sys(date::local_seconds{day.time_since_epoch()}, date::choose::earliest)
        .time_since_epoch()
        .count();
}

}  // namespace

JourneyPeriods journey_periods(long long now, const date::time_zone& zone) {
    const auto local = zone.to_local(date::sys_seconds{std::chrono::seconds{now}});
    const auto today = date::floor<date::days>(local);
    JourneyPeriods p;
    p.until = midnight(today + date::days{1}, zone);
    p.since = midnight(today - date::days{27}, zone);
    p.previous_since = midnight(today - date::days{55}, zone);
    const date::weekday day{today};
    const auto monday = today - (day - date::Monday);
    for (int k = 11; k >= 0; --k) {
        const auto start = midnight(monday - date::weeks{k}, zone);
        p.week_starts.push_back(start);
        p.week_labels.push_back(
            timing::iso_week_label(timing::TimePoint{std::chrono::seconds{start}}, zone));
    }
    return p;
}

}  // namespace cxgate::dashboard
