// When a digest goes and which days it tells of (digests.hpp).
#include <cstdio>

#include "cxgate/scheduler/digests.hpp"

namespace cxgate::scheduler {

namespace {

using config::Digest;

long long local_midnight(date::local_days day, const date::time_zone& zone) {
    // A midnight that does not exist (a DST jump at 00:00) starts at the first instant after.
    return zone.to_sys(date::local_seconds{day.time_since_epoch()}, date::choose::earliest)
        .time_since_epoch()
        .count();
}

bool day_off(const Digest& d, date::local_days day) {
    return d.business_days_only && d.calendar.is_day_off(date::sys_days{day.time_since_epoch()});
}

// 0 = Monday.
int weekday_of(date::local_days day) {
    return static_cast<int>(date::weekday{day}.iso_encoding()) - 1;
}

// The business day before `day` (a fortnight of holidays at most is looked through).
date::local_days day_before(const Digest& d, date::local_days day) {
    auto before = day - date::days{1};
    for (int i = 0; i < 14 && day_off(d, before); ++i) before -= date::days{1};
    return before;
}

// The day a weekly digest's period ends: its weekday in the week of `day`.
date::local_days nominal_day(const Digest& d, date::local_days day) {
    return day - date::days{weekday_of(day)} + date::days{d.weekday};
}

std::string date_key(date::local_days day) {
    const date::year_month_day ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

}  // namespace

DigestPeriod digest_period(const Digest& d, date::local_days day, const date::time_zone& zone) {
    DigestPeriod p;
    p.key = date_key(day);
    p.due_at =
        zone.to_sys(date::local_seconds{day.time_since_epoch()} + std::chrono::minutes{d.at_minute},
                    date::choose::earliest)
            .time_since_epoch()
            .count();
    if (d.every == Digest::Every::week) {
        // Weeks stay whole and in step whatever day a holiday moved the digest to, so no
        // answer falls between two digests or into both.
        const auto end =
            nominal_day(d, day) > day ? nominal_day(d, day) - date::days{7} : nominal_day(d, day);
        p.period = {local_midnight(end - date::days{7}, zone), local_midnight(end, zone)};
        p.previous = {local_midnight(end - date::days{14}, zone), p.period.since};
    } else {
        const auto start = day_before(d, day);
        const auto before = day_before(d, start);
        p.period = {local_midnight(start, zone), local_midnight(day, zone)};
        p.previous = {local_midnight(before, zone), p.period.since};
    }
    return p;
}

std::optional<DigestPeriod> digest_due(const Digest& d, store::Seconds now) {
    const date::time_zone* zone = nullptr;
    try {
        zone = date::locate_zone(d.timezone);
    } catch (const std::exception&) {
        zone = date::locate_zone("UTC");
    }
    const auto today =
        date::floor<date::days>(zone->to_local(date::sys_seconds{std::chrono::seconds{now}}));
    if (d.every == Digest::Every::day) {
        if (day_off(d, today)) return std::nullopt;
    } else {
        // The week's digest day, moved past days off when it must fall on a business day.
        auto day = nominal_day(d, today);
        for (int i = 0; i < 6 && day_off(d, day); ++i) day += date::days{1};
        if (day != today) return std::nullopt;
    }
    auto p = digest_period(d, today, *zone);
    // Not before its time; after it, any pass of the same local day makes it (a daemon down
    // at 08:00 sends it when it is back), never a later day: a week-old digest is noise.
    if (now < p.due_at) return std::nullopt;
    return p;
}

}  // namespace cxgate::scheduler
