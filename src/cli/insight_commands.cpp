// `cxgate report`, `compare`, `sales`, `themes` and `mark` (insight_commands.hpp).
#include "cxgate/cli/insight_commands.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cxgate/cli/command_support.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/report/alert_handling.hpp"
#include "cxgate/report/parameters.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "insight_tables.hpp"

namespace cxgate::cli {

namespace {

std::map<std::string, std::string> without_empty(const std::map<std::string, std::string>& in) {
    std::map<std::string, std::string> out;
    for (const auto& [name, value] : in)
        if (!value.empty()) out[name] = value;
    return out;
}

// A reading connection to the daemon's database (or --db); null after printing why not.
std::unique_ptr<store::Store> open_store(const config::Config& config,
                                         const std::string& db_override, const char* command) {
    try {
        return std::make_unique<store::SqliteStore>(
            store::open_for_reading(db_override.empty() ? config.store.path : db_override));
    } catch (const std::exception& e) {
        std::cerr << "cxgate " << command << ": " << e.what() << "\n";
        return nullptr;
    }
}

}  // namespace

// `cxgate report`: the same parameters as GET /v1/reports, read by the same code.
int report_command(const std::string& file, const std::string& db_override,
                   const std::map<std::string, std::string>& options, bool as_json) {
    auto config = load_or_report(file);
    if (!config) return 2;
    auto parsed = report::parse_query(without_empty(options), *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed)) {
        std::cerr << "cxgate report: --" << error->message << "\n";
        return 2;
    }
    const auto& query = std::get<report::ReportQuery>(parsed);
    if (!query.flow.empty() && !config->find_flow(query.flow))
        std::cerr << "cxgate report: note: no flow " << query.flow << " in the configuration\n";
    auto db = open_store(*config, db_override, "report");
    if (!db) return 1;
    auto rows = report::run_report(*db, *config, query);
    if (as_json)
        std::cout << json_input::dump(report::to_json(rows, query, *config), 2) << "\n";
    else
        std::cout << report::to_table(rows, query, *config);
    return 0;
}

int compare_command(const std::string& file, const std::string& db_override,
                    const std::map<std::string, std::string>& options, bool as_json) {
    auto config = load_or_report(file);
    if (!config) return 2;
    auto parsed = report::parse_compare(without_empty(options), *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed)) {
        std::cerr << "cxgate compare: --" << error->message << "\n";
        return 2;
    }
    auto db = open_store(*config, db_override, "compare");
    if (!db) return 1;
    auto resolved = report::resolve(*db, std::get<report::CompareRequest>(parsed));
    if (auto* error = std::get_if<report::ParameterError>(&resolved)) {
        std::cerr << "cxgate compare: --" << error->message << "\n";
        return 2;
    }
    const auto& query = std::get<report::CompareQuery>(resolved);
    const auto out = report::to_json(report::compare(*db, *config, query), query);
    if (as_json) {
        std::cout << json_input::dump(out, 2) << "\n";
        return 0;
    }
    compare_table(std::cout, out);
    return 0;
}

int sales_command(const std::string& file, const std::string& db_override,
                  const std::map<std::string, std::string>& options, SalesView view, bool as_json) {
    auto config = load_or_report(file);
    if (!config) return 2;
    auto asked = without_empty(options);
    auto fail = [](const report::ParameterError& error) {
        std::cerr << "cxgate sales: --" << error.message << "\n";
        return 2;
    };
    if (view != SalesView::win_rates && asked.count("flow"))
        return fail({"flow", "flow: only with --win-rates"});
    if (view != SalesView::retention && asked.count("as_of"))
        return fail({"as-of", "as-of: only with --retention"});
    if (view == SalesView::retention && config->sales.retention.events.empty()) {
        std::cerr << "cxgate sales: --retention: no retention events configured (sales.retention."
                     "events: the event types that mean a won customer came back)\n";
        return 2;
    }
    std::optional<report::SalesQuery> sales_query;
    std::optional<report::RetentionQuery> retention_query;
    if (view == SalesView::cells) {
        auto parsed = report::parse_sales(asked, *config);
        if (auto* error = std::get_if<report::ParameterError>(&parsed)) return fail(*error);
        sales_query = std::get<report::SalesQuery>(parsed);
    } else if (view == SalesView::retention) {
        auto parsed = report::parse_retention(asked, *config);
        if (auto* error = std::get_if<report::ParameterError>(&parsed)) return fail(*error);
        retention_query = std::get<report::RetentionQuery>(parsed);
    } else {
        for (const auto& [name, _] : asked)
            if (name != "flow") return fail({name, name + ": not with --win-rates"});
    }
    auto db = open_store(*config, db_override, "sales");
    if (!db) return 1;
    nlohmann::json out;
    if (sales_query)
        out = report::to_json(report::sales_report(*db, *config, *sales_query), *sales_query,
                              *config);
    else if (retention_query)
        out = report::to_json(
            report::retention_report(*db, *config, *retention_query,
                                     std::chrono::duration_cast<std::chrono::seconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count()),
            *retention_query);
    else
        out = report::to_json(report::win_rate_by_answer(*db, asked["flow"]));
    if (as_json)
        std::cout << json_input::dump(out, 2) << "\n";
    else if (sales_query)
        sales_table(std::cout, out, sales_query->by);
    else if (retention_query)
        retention_table(std::cout, out);
    else
        win_rates_table(std::cout, out);
    return 0;
}

int themes_command(const std::string& file, const std::string& db_override,
                   const std::map<std::string, std::string>& options, bool as_json) {
    auto config = load_or_report(file);
    if (!config) return 2;
    auto parsed = report::parse_themes(without_empty(options), *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed)) {
        std::cerr << "cxgate themes: --" << error->message << "\n";
        return 2;
    }
    auto db = open_store(*config, db_override, "themes");
    if (!db) return 1;
    try {
        const auto out = report::to_json(
            report::theme_report(*db, *config, std::get<report::ThemeQuery>(parsed)));
        if (as_json)
            std::cout << json_input::dump(out, 2) << "\n";
        else
            themes_table(std::cout, out);
    } catch (const std::runtime_error& e) {
        std::cerr << "cxgate themes: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

int targets_command(const std::string& file, const std::string& db_override,
                    const std::map<std::string, std::string>& options, bool as_json) {
    auto config = load_or_report(file);
    if (!config) return 2;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto parsed = report::parse_targets(without_empty(options), *config, now);
    if (auto* error = std::get_if<report::ParameterError>(&parsed)) {
        std::cerr << "cxgate targets: --" << error->message << "\n";
        return 2;
    }
    auto db = open_store(*config, db_override, "targets");
    if (!db) return 1;
    const auto out =
        report::to_json(report::target_report(*db, *config, std::get<report::TargetQuery>(parsed)));
    if (as_json)
        std::cout << json_input::dump(out, 2) << "\n";
    else
        targets_table(std::cout, out);
    return 0;
}

int mark_add(const std::string& file, const std::string& override_url, const std::string& label,
             const std::string& flow, const std::string& at) {
    auto config = load_or_report(file);
    if (!config) return 2;
    nlohmann::json body{{"label", label}};
    if (!flow.empty()) body["flow"] = flow;
    if (!at.empty()) body["at"] = at;
    return post_json(base_url(*config, override_url) + "/v1/marks", api_token(*config),
                     body.dump());
}

int mark_list(const std::string& file, const std::string& db_override, const std::string& flow,
              bool as_json) {
    auto config = load_or_report(file);
    if (!config) return 2;
    auto db = open_store(*config, db_override, "mark list");
    if (!db) return 1;
    const auto marks = db->marks(flow);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : marks) {
        const auto at = timing::format_iso8601(timing::TimePoint{std::chrono::seconds{m.at}});
        if (as_json)
            out.push_back(
                {{"id", m.id},
                 {"label", m.label},
                 {"at", at},
                 {"flow", m.flow.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.flow)}});
        else
            std::cout << m.id << "  " << at << "  " << (m.flow.empty() ? "(every flow)" : m.flow)
                      << "  " << m.label << "\n";
    }
    if (as_json)
        std::cout << json_input::dump(out, 2) << "\n";
    else if (marks.empty())
        std::cout << "(no markers)\n";
    return 0;
}

int alerts_command(const std::string& file, const std::string& db_override,
                   const std::map<std::string, std::string>& options, bool as_json) {
    auto config = load_or_report(file);
    if (!config) return 2;
    const auto given = without_empty(options);
    const auto option = [&](const char* name) {
        auto it = given.find(name);
        return it == given.end() ? std::string() : it->second;
    };
    report::AlertHandlingQuery query;
    query.flow = option("flow");
    query.by = option("by");
    const auto& groupings = report::alert_groupings();
    if (!query.by.empty() &&
        std::find(groupings.begin(), groupings.end(), query.by) == groupings.end()) {
        std::cerr << "cxgate alerts: --by: one of flow, step, staff, team, segment\n";
        return 2;
    }
    const auto& zone = report::zone_for(*config, query.flow);
    query.until = 253402300799;  // 9999-12-31: no end
    for (auto [name, into] : {std::pair{"since", &query.since}, std::pair{"until", &query.until}}) {
        if (option(name).empty()) continue;
        auto t = report::read_time(option(name), zone);
        if (!t) {
            std::cerr << "cxgate alerts: --" << name
                      << ": a date (2026-11-01) or an ISO 8601 time with offset\n";
            return 2;
        }
        *into = *t;
    }
    auto db = open_store(*config, db_override, "alerts");
    if (!db) return 1;
    const auto rows = report::alert_handling(db->alert_facts(query.since, query.until, query.flow),
                                             query.by, *config);
    if (as_json)
        std::cout << json_input::dump(report::to_json(rows, query), 2) << "\n";
    else
        std::cout << report::to_text(rows, query);
    return 0;
}

}  // namespace cxgate::cli
