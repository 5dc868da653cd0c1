#pragma once
// Holiday calendars: the dates on which business-day delays do not count and send windows
// stay closed. A country file (calendars/fi.yaml) lists public holidays and customary days
// off as explicit dates; operations add company days off in a file of the same format with
// `calendar: company`, and the two are merged. Explicit dates rather than rules, so anyone
// can read and check the file, and a wrong rule cannot silently move a holiday.
//
//   calendar: fi
//   name: Finland public holidays and customary days off
//   days:
//     - { date: 2026-01-01, name: "Uudenvuodenpäivä / New Year's Day" }
#include <map>
#include <optional>
#include <set>
#include <string>

#include <date/date.h>

#include "cxgate/config/diagnostics.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::config {

struct CalendarFile {
    std::string id, name;
    // Local calendar dates (not UTC instants), as timing::Calendar expects.
    std::set<date::sys_days> days;
    std::map<date::sys_days, std::string> names;
};

// Reads and validates one calendar file. Every problem (YAML syntax, missing or unknown keys,
// dates that do not exist such as 2026-02-30, a date listed twice) goes to `diag` with its
// 1-based line and column, all of them in one pass; returns std::nullopt if there was any.
std::optional<CalendarFile> load_calendar(const std::string& path, Diagnostics& diag);

// The union of two calendars, typically a country file and a company days-off file. The id
// and name join both ("fi+company"); a date in both keeps both names ("A; B").
CalendarFile merge(const CalendarFile& base, const CalendarFile& extra);

// The days off in the form the scheduler uses.
timing::Calendar to_timing_calendar(const CalendarFile& file);

}  // namespace cxgate::config
