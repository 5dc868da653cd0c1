#pragma once
// Private to src/store/: the daily rollups reports read instead of every answer (migration
// 12), and the local days they are keyed by.
//
// Each answer and each sent survey is added to its day's rollup rows by SQL triggers, in the
// transaction that writes it, so the rollups can never disagree with the rows they count,
// whatever statement changes them (an answer replaced, a survey failing after it was sent,
// a row erased). A day is the local calendar day of the survey's zone; the store writes it
// beside the instant (answers.day, surveys.sent_day) because SQLite knows no IANA zones.
//
// Rows are kept at five grains, so that a report reads the coarsest one that still holds
// every dimension it groups or filters by: the step, question and outcome only (the journey,
// weeks, before and after), that plus the staff member, the segment or the channel, or all.
#include <string>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store::detail {

// The SQL of migration 12: the day columns, the rollup tables and their triggers, the
// index of surveys by sent_at.
std::string rollups_migration();

// After migration 12: writes the local day of every answer and sent survey recorded before
// it (the triggers then count them), inside the migration's transaction.
void fill_local_days(SQLite::Database& db);

// The local day that holds t in the zone (IANA name; empty or unknown: UTC), [start, end).
struct DayBounds {
    Seconds start = 0, end = 0;
};
DayBounds local_day_of(Seconds t, const std::string& zone);

}  // namespace cxgate::store::detail
