#pragma once
// How reports name and place a cell: "(none)" for a missing value, a staff member's team,
// the zone a week is read in. Private to src/report/.
#include <map>
#include <string>

#include <date/tz.h>

#include "cxgate/config/config.hpp"

namespace cxgate::report::detail {

inline std::string or_none(const std::string& value) {
    return value.empty() ? "(none)" : value;
}

// The team of a staff member (config::Config::team_of).
inline std::string team_of(const config::Config& config, const std::string& staff_id) {
    return config.team_of(staff_id);
}

// Reads the zones once per report; an unknown or missing zone reads as the fallback.
class Zones {
  public:
    explicit Zones(const std::string& fallback) : fallback_(locate(fallback, nullptr)) {}
    const date::time_zone& of(const std::string& name) {
        if (name.empty()) return *fallback_;
        auto [it, inserted] = zones_.try_emplace(name, nullptr);
        if (inserted) it->second = locate(name, fallback_);
        return *it->second;
    }

  private:
    static const date::time_zone* locate(const std::string& name, const date::time_zone* or_else) {
        try {
            return date::locate_zone(name);
        } catch (const std::exception&) {
            return or_else ? or_else : date::locate_zone("UTC");
        }
    }
    const date::time_zone* fallback_;
    std::map<std::string, const date::time_zone*> zones_;
};

}  // namespace cxgate::report::detail
