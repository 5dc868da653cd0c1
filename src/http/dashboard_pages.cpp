// The dashboard's pages (routes.hpp): each reads the same reports the API answers, with the
// parameters narrowed to the viewer's role first, and draws them (dashboard/pages.hpp).
#include <cstdio>

#include "cxgate/accounts/roles.hpp"
#include "cxgate/alerts/alerts.hpp"
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/callers.hpp"
#include "cxgate/http/page_security.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/report/compare.hpp"
#include "cxgate/report/parameters.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/report/sales.hpp"
#include "cxgate/report/themes.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

namespace {

using status = beast_http::status;
using json = nlohmann::json;
using Parameters = std::map<std::string, std::string>;

// What a page needs before it reads anything: the viewer, their language, the flow and the
// filters as narrowed for them; or the answer that ends the request (to /login, 403, 404).
struct PageStart {
    Caller caller;
    dashboard::Lang lang = dashboard::Lang::en;
    const config::Flow* flow = nullptr;
    Parameters filters;  // staff, team, segment, channel, outcome
    std::string filter_query;
};

asio::awaitable<std::variant<PageStart, Response>> start_page(const Request& request, Services& s,
                                                              const Target& target,
                                                              const config::Config& config) {
    auto caller = co_await session_caller(request, s);
    if (!caller) co_return see_other(request, "/login");
    PageStart p;
    p.lang = dashboard::pick_language(caller->viewer->locale,
                                      request[beast_http::field::accept_language]);
    const auto& w = dashboard::words(p.lang);
    const auto& name = target.query_value("flow");
    p.flow = name.empty() ? (config.flows.empty() ? nullptr : &config.flows.front())
                          : config.find_flow(name);
    if (!p.flow)
        co_return page_response(request, status::not_found,
                                dashboard::message_page(p.lang, w.flow, name.empty() ? "" : name));
    for (const char* f : {"staff", "team", "segment", "channel", "outcome", "step"})
        if (!target.query_value(f).empty()) p.filters[f] = target.query_value(f);
    if (auto why = accounts::narrow(*caller->viewer, p.filters)) {
        log_refusal(s, "403 for GET " + loggable_path(request.target()) + ": " + *why);
        co_return page_response(request, status::forbidden,
                                dashboard::message_page(p.lang, w.forbidden, *why));
    }
    for (const auto& [k, v] : p.filters)
        if (k != "step") p.filter_query += "&" + k + "=" + url::encode(v);
    p.caller = std::move(*caller);
    co_return p;
}

dashboard::Frame frame(const PageStart& p, const config::Config& config, const std::string& title,
                       const std::string& section = "") {
    const auto& w = dashboard::words(p.lang);
    dashboard::Frame f;
    f.lang = p.lang;
    f.title = title;
    f.email = p.caller.viewer->email;
    f.csrf = p.caller.csrf;
    f.scope_text = accounts::sees_everything(*p.caller.viewer)  ? w.everything
                   : p.caller.viewer->role == store::Role::lead ? w.your_team
                                                                : w.your_results;
    f.flow = p.flow->name;
    f.section = section;
    f.sees_everything = accounts::sees_everything(*p.caller.viewer);
    f.filters = p.filter_query;
    for (const auto& flow : config.flows)
        f.flows.emplace_back(flow.name, "/?flow=" + url::encode(flow.name) + p.filter_query);
    return f;
}

}  // namespace

asio::awaitable<Reply> get_journey(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    auto started = co_await start_page(request, s, target, *config);
    if (auto* done = std::get_if<Response>(&started)) co_return std::move(*done);
    auto& p = std::get<PageStart>(started);
    const auto now = s.clock.now().time_since_epoch().count();
    const auto periods = dashboard::journey_periods(now, report::zone_for(*config, p.flow->name));

    const bool with_sales = accounts::sees_everything(*p.caller.viewer) && p.filters.empty();
    // Jobs are named before co_await: GCC 12 destroys a lambda temporary in a co_await twice.
    auto read = [config, flow = p.flow->name, filters = p.filters, periods,
                 with_sales](store::Store& db) {
        return dashboard::read_journey(db, *config, flow, filters, periods, with_sales);
    };
    auto data = co_await s.reader.execute(std::move(read));
    const auto& w = dashboard::words(p.lang);
    co_return page_response(
        request, status::ok,
        dashboard::page(frame(p, *config, w.journey, "journey"), dashboard::journey(data, w)));
}

asio::awaitable<Reply> get_drill(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    auto started = co_await start_page(request, s, target, *config);
    if (auto* done = std::get_if<Response>(&started)) co_return std::move(*done);
    auto& p = std::get<PageStart>(started);
    const auto& w = dashboard::words(p.lang);
    std::string by = target.query_value("by");
    if (by != "team" && by != "segment" && by != "channel" && by != "outcome") by = "staff";
    const auto now = s.clock.now().time_since_epoch().count();
    const auto periods = dashboard::journey_periods(now, report::zone_for(*config, p.flow->name));
    auto read = [config, flow = p.flow->name, by, filters = p.filters, periods](store::Store& db) {
        return dashboard::read_drill(db, *config, flow, by, filters, periods);
    };
    auto data = co_await s.reader.execute(std::move(read));
    co_return page_response(
        request, status::ok,
        dashboard::page(frame(p, *config, w.drill_down), dashboard::drill_down(data, w)));
}

asio::awaitable<Reply> get_comparison(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    auto started = co_await start_page(request, s, target, *config);
    if (auto* done = std::get_if<Response>(&started)) co_return std::move(*done);
    auto& p = std::get<PageStart>(started);
    const auto& w = dashboard::words(p.lang);
    Parameters q = p.filters;
    q["flow"] = p.flow->name;
    for (const char* name : {"mark", "days"})
        if (!target.query_value(name).empty()) q[name] = target.query_value(name);
    std::string api_query;
    for (const auto& [k, v] : q)
        api_query += (api_query.empty() ? "" : "&") + k + "=" + url::encode(v);
    auto parsed = report::parse_compare(q, *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed))
        co_return page_response(request, status::bad_request,
                                dashboard::message_page(p.lang, w.compare, error->message));
    auto compare = [config, asked = std::get<report::CompareRequest>(parsed)](
                       store::Store& db) -> std::variant<json, report::ParameterError> {
        auto resolved = report::resolve(db, asked);
        if (auto* error = std::get_if<report::ParameterError>(&resolved)) return *error;
        const auto& query = std::get<report::CompareQuery>(resolved);
        return report::to_json(report::compare(db, *config, query), query);
    };
    auto result = co_await s.reader.execute(std::move(compare));
    if (auto* error = std::get_if<report::ParameterError>(&result))
        co_return page_response(request, status::not_found,
                                dashboard::message_page(p.lang, w.compare, error->message));
    co_return page_response(
        request, status::ok,
        dashboard::page(frame(p, *config, w.compare),
                        dashboard::comparison(std::get<json>(result), api_query, w)));
}

namespace {

// The responses list and the alerts inbox differ only in which surveys they list.
asio::awaitable<Reply> survey_list_page(const Request& request, Services& s, const Target& target,
                                        bool alerts) {
    auto config = s.config();
    auto started = co_await start_page(request, s, target, *config);
    if (auto* done = std::get_if<Response>(&started)) co_return std::move(*done);
    auto& p = std::get<PageStart>(started);
    const auto& w = dashboard::words(p.lang);
    std::optional<std::pair<long long, std::int64_t>> after;
    if (const auto& cursor = target.query_value("after"); !cursor.empty()) {
        long long at = 0, id = 0;
        char tail = 0;
        if (std::sscanf(cursor.c_str(), "%lld.%lld%c", &at, &id, &tail) != 2 || at < 0 || id < 0)
            co_return page_response(
                request, status::bad_request,
                dashboard::message_page(p.lang, w.responses, "after: " + cursor));
        after = std::pair{at, static_cast<std::int64_t>(id)};
    }
    auto read = [config, flow = p.flow->name, filters = p.filters, alerts,
                 after](store::Store& db) {
        return dashboard::read_survey_list(db, *config, flow, filters, alerts, after);
    };
    auto list = co_await s.reader.execute(std::move(read));
    // Each alert's page, for those who see the inbox: the same signed link its messages
    // carry, so handling from the dashboard is the page's own (acknowledge, answer, resolve).
    const auto now = s.clock.now().time_since_epoch().count();
    for (const auto& [survey_id, alert] : list.alert_of)
        list.handle_url.emplace(survey_id,
                                alerts::alert_link(*config, s.link_secret, alert.id, now) +
                                    "?l=" + std::string(dashboard::code(p.lang)));
    co_return page_response(request, status::ok,
                            dashboard::page(frame(p, *config, alerts ? w.alerts : w.responses,
                                                  alerts ? "alerts" : "responses"),
                                            dashboard::survey_list(list, *config, w)));
}

}  // namespace

asio::awaitable<Reply> get_themes_page(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    auto started = co_await start_page(request, s, target, *config);
    if (auto* done = std::get_if<Response>(&started)) co_return std::move(*done);
    auto& p = std::get<PageStart>(started);
    const auto& w = dashboard::words(p.lang);
    // Comments cannot be narrowed to a person's in a theme's share: for those who see all.
    if (auto why = accounts::needs_everything(*p.caller.viewer)) {
        log_refusal(s, "403 for GET " + loggable_path(request.target()) + ": " + *why);
        co_return page_response(request, status::forbidden,
                                dashboard::message_page(p.lang, w.forbidden, *why));
    }
    auto parsed = report::parse_themes({{"flow", p.flow->name}}, *config);
    if (auto* error = std::get_if<report::ParameterError>(&parsed))
        co_return page_response(request, status::bad_request,
                                dashboard::message_page(p.lang, w.themes, error->message));
    auto read = [config, query = std::get<report::ThemeQuery>(parsed)](store::Store& db) {
        return report::to_json(report::theme_report(db, *config, query));
    };
    const auto body = co_await s.reader.execute(std::move(read));
    co_return page_response(request, status::ok,
                            dashboard::page(frame(p, *config, w.themes, "themes"),
                                            dashboard::themes(body, p.flow->name, w)));
}

asio::awaitable<Reply> get_responses_page(const Request& request, Services& s,
                                          const Target& target) {
    return survey_list_page(request, s, target, false);
}

asio::awaitable<Reply> get_alerts_page(const Request& request, Services& s, const Target& target) {
    return survey_list_page(request, s, target, true);
}

}  // namespace cxgate::http
