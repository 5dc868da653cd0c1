#pragma once
// The `schedule:` key of a flow: a recurring relationship survey (a quarterly NPS, a monthly
// eNPS pulse) sent to a contact list or to the contacts cxgate knows. See config.hpp
// (Schedule) for what it means and scheduler/recurring.hpp for how it runs.
//
//   schedule:
//     every: quarter              # week | month | quarter | year | "2 weeks" | "6 months"
//     start: 2027-01-04           # the first period's local date; the others follow
//     at: "09:00"                 # local time the period opens (default 00:00)
//     per_day: 500                # released per sending day (default: all on the first)
//     audience: lists/customers.csv          # a contact list, relative to cxgate.yaml
//     # audience: { contacts: { segment: [premium], seen_within: 365d } }
//
// A contact list is CSV with a header (id, phone, email, name, locale, timezone, segment,
// staff_id; phone or email required on each row) or JSON lines with the same keys. A bad
// row is reported at its file:line with the column's name.
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "cxgate/config/config.hpp"
#include "cxgate/config/yaml_reader.hpp"

namespace cxgate::config {

// Reads the schedule of a flow; list files resolve against base_dir. Problems go to the
// reader's diagnostics (the flow file's positions, or the list file's lines).
std::optional<Schedule> read_schedule(YamlReader& r, const YAML::Node& node, const Config& c,
                                      const std::filesystem::path& base_dir);

// Reads a contact list (CSV or JSON lines) into members sorted by id.
std::vector<AudienceMember> read_contact_list(const std::string& path, const std::string& display,
                                              const Config& c, Diagnostics& diag);

}  // namespace cxgate::config
