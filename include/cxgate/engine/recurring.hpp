#pragma once
// Recurring relationship surveys (a flow's `schedule:`, see config/schedule.hpp): the
// periods, the release of the audience over sending days, and the events they make.
//
// Each period opens at its start date's `at` (local time of the flow). From then on the
// audience, sorted by contact id, is released `per_day` people per sending day: a sending
// day is one on which the flow's send window opens (weekends and holidays of its calendar
// are skipped when its window is closed on them). Each released person becomes one event
// of type `schedule` with the id "schedule:<flow>:<period>:<contact id>" and `occurred_at`
// the opening of its sending day, recorded through engine::record_event like any other
// event, so windows, calendars, recontact, fatigue and opt-outs apply, and the id makes it
// once per person and period. Progress is durable (table schedule_runs: a cursor over the
// sorted audience and the number released), so a restart or a reload goes on where it
// was, and a contact list edited during a run neither skips nor repeats anyone reached.
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/store.hpp"

#include "cxgate/config/config.hpp"
#include "cxgate/engine/ingest.hpp"

namespace cxgate::engine {

// Pure period arithmetic on local dates: the start of period n (0 = `start`), and the
// period holding a date (-1 before the first). Month-based periods keep the day of month,
// clamped to the month's last day (a start on the 31st opens on 28 or 29 February).
date::sys_days period_start(const config::Schedule& s, long n);
long period_of(const config::Schedule& s, date::sys_days day);
// "2027-01-04": a period is named by its start date.
std::string period_label(const config::Schedule& s, long n);
// When period n opens: its start date at `at`, in the zone.
timing::TimePoint period_opens(const config::Schedule& s, long n, const date::time_zone& zone);
// The opening of the k-th sending day (0: the first) at or after `opens`.
timing::TimePoint sending_day(const config::Flow& flow, timing::TimePoint opens, long k,
                              const date::time_zone& zone);

struct ScheduleResult {
    std::vector<EventOutcome> events;        // what each released person's event planned
    std::vector<std::string> rejected;       // people whose event was refused, with the reason
    std::optional<store::Seconds> next_due;  // the next sending day or period opening
};

// Releases, by `now`, the people due of every scheduled flow's open runs (at most `limit`
// in one call), in the caller's transaction.
ScheduleResult run_schedules(store::Store& db, const config::Config& config, store::Seconds now,
                             size_t limit);

}  // namespace cxgate::engine
