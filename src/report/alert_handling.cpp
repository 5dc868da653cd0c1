// The alert handling report of alert_handling.hpp.
#include "cxgate/report/alert_handling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cxgate/foundation/timing.hpp"

namespace cxgate::report {

namespace {

std::optional<double> median(std::vector<double> values) {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::optional<double> mean(const std::vector<double>& values) {
    if (values.empty()) return std::nullopt;
    double sum = 0;
    for (double v : values) sum += v;
    return sum / static_cast<double>(values.size());
}

std::string group_of(const store::AlertFacts& a, const std::string& by,
                     const config::Config& config) {
    if (by == "flow") return a.flow;
    if (by == "step") return a.flow + "/" + a.step;
    if (by == "staff") return a.staff_id;
    if (by == "team") return config.team_of(a.staff_id);
    if (by == "segment") return a.segment;
    return "";
}

// "45s", "12m", "2h 05m", "3d 04h": the scale a reader compares alert times at.
std::string duration(std::optional<double> seconds) {
    if (!seconds) return "-";
    const long long s = std::llround(*seconds);
    char out[32];
    if (s < 60)
        std::snprintf(out, sizeof out, "%llds", s);
    else if (s < 3600)
        std::snprintf(out, sizeof out, "%lldm", s / 60);
    else if (s < 86400)
        std::snprintf(out, sizeof out, "%lldh %02lldm", s / 3600, s % 3600 / 60);
    else
        std::snprintf(out, sizeof out, "%lldd %02lldh", s / 86400, s % 86400 / 3600);
    return out;
}

std::string iso_utc(long long t) {
    return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{t}});
}

}  // namespace

const std::vector<std::string>& alert_groupings() {
    static const std::vector<std::string> all{"flow", "step", "staff", "team", "segment"};
    return all;
}

std::vector<AlertHandlingRow> alert_handling(const std::vector<store::AlertFacts>& alerts,
                                             const std::string& by, const config::Config& config) {
    struct Times {
        AlertHandlingRow row;
        std::vector<double> to_acknowledge, to_resolve;
    };
    std::map<std::string, Times> groups;
    for (const auto& a : alerts) {
        auto& g = groups[group_of(a, by, config)];
        ++g.row.opened;
        if (a.level > 0) ++g.row.escalated;
        if (a.acknowledged_at) {
            ++g.row.acknowledged;
            g.to_acknowledge.push_back(static_cast<double>(*a.acknowledged_at - a.opened_at));
        }
        if (a.resolved_at) {
            ++g.row.resolved;
            g.to_resolve.push_back(static_cast<double>(*a.resolved_at - a.opened_at));
            if (!a.resolution.empty()) ++g.row.resolutions[a.resolution];
        }
        if (a.state != store::AlertHandling::resolved) ++g.row.unresolved;
    }
    std::vector<AlertHandlingRow> out;
    for (auto& [group, g] : groups) {
        g.row.group = group;
        g.row.median_acknowledge_seconds = median(g.to_acknowledge);
        g.row.mean_acknowledge_seconds = mean(g.to_acknowledge);
        g.row.median_resolve_seconds = median(g.to_resolve);
        g.row.mean_resolve_seconds = mean(g.to_resolve);
        out.push_back(std::move(g.row));
    }
    return out;
}

nlohmann::json to_json(const std::vector<AlertHandlingRow>& rows, const AlertHandlingQuery& query) {
    auto seconds = [](std::optional<double> v) {
        return v ? nlohmann::json(*v) : nlohmann::json();
    };
    nlohmann::json out{{"since", iso_utc(query.since)},
                       {"until", iso_utc(query.until)},
                       {"by", query.by},
                       {"rows", nlohmann::json::array()}};
    if (!query.flow.empty()) out["flow"] = query.flow;
    for (const auto& r : rows) {
        nlohmann::json row{{"opened", r.opened},
                           {"acknowledged", r.acknowledged},
                           {"resolved", r.resolved},
                           {"escalated", r.escalated},
                           {"unresolved", r.unresolved},
                           {"median_seconds_to_acknowledge", seconds(r.median_acknowledge_seconds)},
                           {"mean_seconds_to_acknowledge", seconds(r.mean_acknowledge_seconds)},
                           {"median_seconds_to_resolve", seconds(r.median_resolve_seconds)},
                           {"mean_seconds_to_resolve", seconds(r.mean_resolve_seconds)},
                           {"resolutions", r.resolutions}};
        if (!query.by.empty()) row[query.by] = r.group;
        out["rows"].push_back(std::move(row));
    }
    return out;
}

std::string to_text(const std::vector<AlertHandlingRow>& rows, const AlertHandlingQuery& query) {
    std::string out = "alerts opened " + iso_utc(query.since) + " .. " + iso_utc(query.until) +
                      (query.flow.empty() ? "" : " in " + query.flow) + "\n";
    char line[256];
    const std::string head = query.by.empty() ? "all" : query.by;
    std::snprintf(line, sizeof line, "%-24s %7s %7s %7s %7s %7s %12s %12s\n", head.c_str(),
                  "opened", "acked", "resolved", "escal.", "open", "to ack (med)", "to res (med)");
    out += line;
    for (const auto& r : rows) {
        const std::string group = query.by.empty() ? "all" : r.group.empty() ? "(none)" : r.group;
        std::snprintf(line, sizeof line, "%-24s %7d %7d %7d %7d %7d %12s %12s\n", group.c_str(),
                      r.opened, r.acknowledged, r.resolved, r.escalated, r.unresolved,
                      duration(r.median_acknowledge_seconds).c_str(),
                      duration(r.median_resolve_seconds).c_str());
        out += line;
    }
    if (rows.empty()) out += "(no alerts)\n";
    return out;
}

}  // namespace cxgate::report
