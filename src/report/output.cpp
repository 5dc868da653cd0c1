// A report as JSON (the API, the dashboard) and as a table (the CLI).
#include <cmath>
#include <cstdio>

#include "cxgate/foundation/timing.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/report/targets.hpp"
#include "figures.hpp"

namespace cxgate::report {

using namespace cxgate::metrics;
using namespace cxgate::report::detail;

namespace {

// "33.3 ±40.1"; a margin left out (n < 2) is shown as "-", as the JSON's null, so a blank
// is never mistaken for a margin of zero.
std::string figure(const std::optional<Figure>& f, const char* unit = "") {
    if (!f) return "-";
    return fmt(f->value) + unit + " ±" + (f->margin ? fmt(*f->margin) : std::string("-"));
}

std::string joined(const std::vector<std::string>& by) {
    std::string out;
    for (const auto& d : by) out += (out.empty() ? "" : ",") + d;
    return out;
}

// The staff directory's name for a staff member or a team's lead; empty when unknown.
std::string name_of(const config::Config& config, const std::string& staff_id) {
    auto it = config.staff.find(staff_id);
    return it == config.staff.end() ? "" : it->second.name;
}

// A cell's value as a person reads it: staff and teams by name when the directory has one.
std::string shown(const config::Config& config, const std::string& dimension,
                  const std::string& value) {
    if (dimension != "staff" && dimension != "team") return value;
    const auto name = name_of(config, value);
    return name.empty() ? value : name;
}

}  // namespace

nlohmann::json to_json(const std::vector<ReportRow>& rows, const ReportQuery& query,
                       const config::Config& config) {
    nlohmann::json out{{"by", joined(query.by)}, {"rows", nlohmann::json::array()}};
    if (!query.flow.empty()) out["flow"] = query.flow;
    if (query.since)
        out["since"] =
            timing::format_iso8601(timing::TimePoint{std::chrono::seconds{*query.since}});
    if (query.until)
        out["until"] =
            timing::format_iso8601(timing::TimePoint{std::chrono::seconds{*query.until}});
    for (const auto& row : rows) {
        const auto& r = row.result;
        nlohmann::json j;
        for (size_t d = 0; d < query.by.size(); ++d) {
            const auto& dimension = query.by[d];
            j[dimension] = row.groups[d];
            if (dimension == "staff" || dimension == "team") {
                const auto name = name_of(config, row.groups[d]);
                j[dimension + "_name"] =
                    name.empty() ? nlohmann::json(nullptr) : nlohmann::json(name);
            }
        }
        j["flow"] = row.flow;
        j["metric"] = to_string(r.metric);
        j["scale"] = to_string(row.scale);
        j["n"] = r.n;
        if (!row.question.empty()) j["question"] = row.question;
        if (r.metric == Metric::nps || r.metric == Metric::enps) {
            j["nps"] = figure_json(r.nps);
            j["promoters_pct"] = one_decimal(r.promoters_pct);
            j["passives_pct"] = one_decimal(r.passives_pct);
            j["detractors_pct"] = one_decimal(r.detractors_pct);
        } else if (r.metric == Metric::csat) {
            j["satisfied_pct"] = figure_json(r.satisfied_pct);
            j["mean"] = figure_json(r.mean);
        } else {
            j["mean"] = figure_json(r.mean);
            j["easy_pct"] = figure_json(r.easy_pct);
            j["low_is_good"] = row.low_is_good;
        }
        if (row.response_rate) {
            auto rate = figure_json(row.response_rate->pct);
            rate["sent"] = row.response_rate->sent;
            rate["answered"] = row.response_rate->answered;
            j["response_rate"] = rate;
        } else {
            j["response_rate"] = nullptr;
        }
        if (row.target) {
            const auto reached = headline(r);
            j["target"] = {{"value", *row.target},
                           {"met", reached ? nlohmann::json(reaches(reached->value, *row.target,
                                                                    r.metric, row.low_is_good))
                                           : nlohmann::json(nullptr)}};
        }
        out["rows"].push_back(j);
    }
    return out;
}

std::string to_table(const std::vector<ReportRow>& rows, const ReportQuery& query,
                     const config::Config& config) {
    char line[320];
    std::string out;
    // The cell's values: 20 columns for the first dimension, 12 for a second.
    auto cell_columns = [&](const std::vector<std::string>& values) {
        char text[128];
        if (values.size() == 2)
            std::snprintf(text, sizeof text, "%-20s %-12s", values[0].c_str(), values[1].c_str());
        else
            std::snprintf(text, sizeof text, "%-20s", values[0].c_str());
        return std::string(text);
    };
    std::snprintf(line, sizeof line, "%s %-18s %-6s %5s  %-16s %-16s %-16s %s\n",
                  cell_columns(query.by).c_str(), "flow", "metric", "n", "score (95% MoE)",
                  "mean (95% MoE)", "response rate", "target");
    out += line;
    for (const auto& row : rows) {
        const auto& r = row.result;
        std::string headline, mean = figure(r.mean);
        if (r.metric == Metric::nps || r.metric == Metric::enps)
            headline = "NPS " + figure(r.nps);
        else if (r.metric == Metric::csat)
            headline = figure(r.satisfied_pct, "%") + " sat";
        else
            headline = figure(r.easy_pct, "%") + " easy";
        std::vector<std::string> cells;
        for (size_t d = 0; d < query.by.size(); ++d) {
            auto value = shown(config, query.by[d], row.groups[d]);
            // The first question of a step reads as the step; the others as step/question.
            if (query.by[d] == "step" && row.question_index > 0) value += "/" + row.question;
            cells.push_back(value);
        }
        const std::string rate =
            row.response_rate ? figure(row.response_rate->pct, "%") : std::string("-");
        std::string target = "-";
        if (row.target) {
            const auto reached = report::headline(r);
            target =
                fmt(*row.target) +
                (!reached                                                          ? ""
                 : reaches(reached->value, *row.target, r.metric, row.low_is_good) ? " (met)"
                                                                                   : " (missed)");
        }
        std::snprintf(line, sizeof line, "%s %-18s %-6s %5d  %-16s %-16s %-16s %s\n",
                      cell_columns(cells).c_str(), row.flow.c_str(), to_string(r.metric).c_str(),
                      r.n, headline.c_str(), mean.c_str(), rate.c_str(), target.c_str());
        out += line;
    }
    if (rows.empty()) out += "(no answers yet)\n";
    return out;
}

}  // namespace cxgate::report
