#include "cxgate/engine/recurring.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>

#include "cxgate/engine/event.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::engine {

namespace {

using json = nlohmann::json;
using timing::TimePoint;

int months_per_period(const config::Schedule& s) {
    switch (s.every) {
        case config::Schedule::Every::month:
            return s.count;
        case config::Schedule::Every::quarter:
            return 3 * s.count;
        case config::Schedule::Every::year:
            return 12 * s.count;
        case config::Schedule::Every::week:
            return 0;
    }
    return 0;
}

TimePoint tp(store::Seconds s) {
    return TimePoint{std::chrono::seconds{s}};
}

// A local date and minute of day as an instant; a time that does not exist (the spring-forward
// hour) is the first instant after the gap, an ambiguous one the earlier instant.
TimePoint local_instant(date::sys_days day, int minute, const date::time_zone& zone) {
    const date::local_seconds local{day.time_since_epoch() + std::chrono::minutes{minute}};
    const auto info = zone.get_info(local);
    if (info.result == date::local_info::nonexistent) return info.second.begin;
    return date::zoned_seconds{&zone, local, date::choose::earliest}.get_sys_time();
}

date::sys_days local_day(TimePoint t, const date::time_zone& zone) {
    const auto local = date::floor<date::days>(date::zoned_seconds{&zone, t}.get_local_time());
    return date::sys_days{local.time_since_epoch()};
}

struct Member {
    std::string id;
    json contact;
    std::string staff_id;
};

json contact_json(const std::string& id, const std::string& phone, const std::string& email,
                  const std::string& name, const std::string& locale, const std::string& timezone,
                  const std::string& segment) {
    json c{{"id", id}};
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) c[key] = value;
    };
    put("phone", phone);
    put("email", email);
    put("name", name);
    put("locale", locale);
    put("timezone", timezone);
    put("segment", segment);
    return c;
}

// The next `n` people of the audience after `cursor`, in id order.
std::vector<Member> next_members(store::Store& db, const config::Schedule& s,
                                 const std::string& cursor, size_t n, store::Seconds now,
                                 const date::time_zone& zone) {
    std::vector<Member> out;
    if (!s.known_contacts) {
        auto it = std::upper_bound(
            s.members.begin(), s.members.end(), cursor,
            [](const std::string& c, const config::AudienceMember& m) { return c < m.id; });
        for (; it != s.members.end() && out.size() < n; ++it)
            out.push_back({it->id,
                           contact_json(it->id, it->phone, it->email, it->name, it->locale,
                                        it->timezone, it->segment),
                           it->staff_id});
        return out;
    }
    // The contacts cxgate knows, read afresh each time: one who arrives during the run is
    // surveyed if the cursor has not passed them.
    std::optional<store::Seconds> seen_since;
    if (s.seen_within) {
        // seen_within counts back from now: the same arithmetic as a delay, backwards.
        const auto forward = timing::add_delay(tp(now), *s.seen_within, zone, {});
        seen_since = now - (forward.time_since_epoch().count() - now);
    }
    for (const auto& c : db.contacts_after(cursor, s.segments, seen_since, n))
        out.push_back(
            {c.id, contact_json(c.id, c.phone, c.email, c.name, c.locale, c.timezone, c.segment),
             ""});
    return out;
}

}  // namespace

date::sys_days period_start(const config::Schedule& s, long n) {
    if (s.every == config::Schedule::Every::week) return s.start + date::days{7L * s.count * n};
    const date::year_month_day first{s.start};
    const auto ym =
        date::year_month{first.year(), first.month()} + date::months{months_per_period(s) * n};
    const date::year_month_day_last last{ym.year(), date::month_day_last{ym.month()}};
    const auto day = std::min(first.day(), last.day());
    return date::sys_days{ym / day};
}

long period_of(const config::Schedule& s, date::sys_days day) {
    if (day < s.start) return -1;
    if (s.every == config::Schedule::Every::week) return (day - s.start).count() / (7L * s.count);
    const date::year_month_day a{s.start}, b{day};
    const long months = (static_cast<int>(b.year()) - static_cast<int>(a.year())) * 12L +
                        (static_cast<long>(static_cast<unsigned>(b.month())) -
                         static_cast<long>(static_cast<unsigned>(a.month())));
    long n = months / months_per_period(s);
    while (n > 0 && period_start(s, n) > day) --n;
    while (period_start(s, n + 1) <= day) ++n;
    return n;
}

std::string period_label(const config::Schedule& s, long n) {
    return date::format("%F", period_start(s, n));
}

TimePoint period_opens(const config::Schedule& s, long n, const date::time_zone& zone) {
    return local_instant(period_start(s, n), s.at_minute, zone);
}

TimePoint sending_day(const config::Flow& flow, TimePoint opens, long k,
                      const date::time_zone& zone) {
    auto slot = timing::next_in_window(opens, flow.send_window, zone, flow.calendar);
    for (long i = 0; i < k; ++i) {
        const auto next_day = local_instant(local_day(slot, zone) + date::days{1}, 0, zone);
        slot = timing::next_in_window(next_day, flow.send_window, zone, flow.calendar);
    }
    return slot;
}

ScheduleResult run_schedules(store::Store& db, const config::Config& config, store::Seconds now,
                             size_t limit) {
    ScheduleResult out;
    auto wake_at = [&](TimePoint t) {
        const auto s = t.time_since_epoch().count();
        if (s > now && (!out.next_due || s < *out.next_due)) out.next_due = s;
    };
    size_t budget = limit;
    for (const auto& flow : config.flows) {
        if (!flow.schedule) continue;
        const auto& schedule = *flow.schedule;
        const auto& zone = *date::locate_zone(flow.timezone);
        // The period open now, if any, gets its run; earlier runs not finished go on.
        long n = period_of(schedule, local_day(tp(now), zone));
        if (n >= 0 && period_opens(schedule, n, zone) > tp(now)) --n;
        wake_at(period_opens(schedule, n + 1, zone));
        if (n >= 0) {
            db.open_schedule_run(flow.name, period_label(schedule, n),
                                 period_opens(schedule, n, zone).time_since_epoch().count());
        }
        auto runs = db.unfinished_schedule_runs(flow.name);
        for (auto& run : runs) {
            // How many people the sending days begun by now allow, and when the next begins.
            long allowed = 0;
            TimePoint next_day{};
            if (schedule.per_day <= 0) {
                const auto first = sending_day(flow, tp(run.opens_at), 0, zone);
                allowed = first <= tp(now) ? std::numeric_limits<long>::max() : 0;
                next_day = first;
            } else {
                long days = 0;
                for (; days < 100000; ++days) {
                    next_day = sending_day(flow, tp(run.opens_at), days, zone);
                    if (next_day > tp(now)) break;
                }
                allowed = days * static_cast<long>(schedule.per_day);
            }
            const long want = std::min<long>(allowed - run.released, static_cast<long>(budget));
            if (want <= 0) {
                if (budget > 0) wake_at(next_day);
                continue;
            }
            const auto members =
                next_members(db, schedule, run.cursor, static_cast<size_t>(want), now, zone);
            for (const auto& m : members) {
                // Released on the sending day its place in the run falls on.
                const long day = schedule.per_day > 0 ? run.released / schedule.per_day : 0;
                const auto released_at = sending_day(flow, tp(run.opens_at), day, zone);
                json body{{"id", "schedule:" + flow.name + ":" + run.period + ":" + m.id},
                          {"type", "schedule"},
                          {"occurred_at", timing::format_iso8601(released_at)},
                          {"contact", m.contact},
                          {"attributes", {{"schedule", flow.name}, {"period", run.period}}}};
                if (!m.staff_id.empty()) body["staff"] = {{"id", m.staff_id}};
                auto parsed = parse_event(body, config, tp(now));
                if (parsed.event)
                    out.events.push_back(record_event(db, config, *parsed.event, tp(now)));
                else
                    out.rejected.push_back(flow.name + " " + run.period + " contact " + m.id +
                                           ": " + parsed.error);
                run.cursor = m.id;
                ++run.released;
                --budget;
            }
            const bool finished = static_cast<long>(members.size()) < want;
            db.save_schedule_run(run, finished ? std::optional<store::Seconds>(now) : std::nullopt);
            if (!finished) {
                // More today (the pass ran out of budget) or on the next sending day.
                if (budget == 0)
                    out.next_due = now;
                else
                    wake_at(next_day);
            }
        }
    }
    return out;
}

}  // namespace cxgate::engine
