#pragma once
// Runs of recurring surveys: one row per flow and period (a quarter, a month), with how far
// the run has come through its audience, so a restart goes on where it stopped and a period
// is never surveyed twice.
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct ScheduleRun {
    std::string flow, period;
    Seconds opens_at = 0;
    long released = 0;   // people released as events so far
    std::string cursor;  // the last one's contact id
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class ScheduleRuns {
  public:
    // Opens the period's run unless it exists.
    virtual void open_schedule_run(const std::string& flow, const std::string& period,
                                   Seconds opens_at) = 0;

    // The flow's runs that are not finished, oldest first.
    virtual std::vector<ScheduleRun> unfinished_schedule_runs(const std::string& flow) = 0;

    // Saves how far the run came; `finished_at` set ends it.
    virtual void save_schedule_run(const ScheduleRun& run, std::optional<Seconds> finished_at) = 0;

  protected:
    ~ScheduleRuns() = default;
};

}  // namespace cxgate::store
