#pragma once
// Runs of recurring surveys: one row per flow and period (a quarter, a month), with how far
// the run has come through its audience, so a restart goes on where it stopped and a period
// is never surveyed twice.
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct ScheduleRun {
    std::string flow, period;
    Seconds opens_at = 0;
    long released = 0;   // people released as events so far
    std::string cursor;  // the last one's contact id
};

// Opens the period's run unless it exists.
void open_schedule_run(SQLite::Database& db, const std::string& flow, const std::string& period,
                       Seconds opens_at);
// The flow's runs that are not finished, oldest first.
std::vector<ScheduleRun> unfinished_schedule_runs(SQLite::Database& db, const std::string& flow);
// Saves how far the run came; `finished_at` set ends it.
void save_schedule_run(SQLite::Database& db, const ScheduleRun& run,
                       std::optional<Seconds> finished_at);

}  // namespace cxgate::store
