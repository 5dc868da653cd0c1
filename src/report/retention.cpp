// Retention beside experience (retention.hpp).
#include "cxgate/report/retention.hpp"

#include <set>

#include "cxgate/foundation/timing.hpp"

#include "figures.hpp"

namespace cxgate::report {

using namespace cxgate::report::detail;

namespace {

std::string nps_group(const std::optional<int>& score) {
    if (!score) return "no NPS answer";
    return *score >= 9 ? "promoter" : *score <= 6 ? "detractor" : "passive";
}

nlohmann::json group_json(const RetentionGroup& g) {
    return {{"group", g.group},
            {"customers", g.customers},
            {"returned", g.returned},
            {"share", figure_json(g.share)}};
}

}  // namespace

RetentionReport retention_report(store::Store& db, const config::Config& config,
                                 const RetentionQuery& query, long long now) {
    RetentionReport report;
    report.event_types = config.sales.retention.events;
    report.within_days = config.sales.retention.within_days;
    report.everyone.group = "everyone";
    const std::vector<std::string> groups{"promoter", "passive", "detractor", "no NPS answer"};
    for (const auto& g : groups) {
        RetentionGroup group;
        group.group = g;
        report.by_nps.push_back(group);
    }
    if (report.event_types.empty()) return report;

    store::RetentionFilter filter;
    filter.since = query.since;
    filter.until = query.until;
    filter.event_types = report.event_types;
    filter.within = 86400LL * report.within_days;
    std::set<std::string> deals_seen;
    for (const auto& won : db.won_customers(filter)) {
        if (!won.deal_id.empty() && !deals_seen.insert(won.deal_id).second) continue;
        if (won.won_at + filter.within > query.as_of.value_or(now)) {
            ++report.pending;
            continue;
        }
        const int returned = won.returned_at ? 1 : 0;
        ++report.everyone.customers;
        report.everyone.returned += returned;
        for (auto& g : report.by_nps)
            if (g.group == nps_group(won.nps)) {
                ++g.customers;
                g.returned += returned;
            }
    }
    report.everyone.share = share(report.everyone.returned, report.everyone.customers);
    for (auto& g : report.by_nps) g.share = share(g.returned, g.customers);
    const auto& promoters = report.by_nps[0].share;
    const auto& detractors = report.by_nps[2].share;
    if (promoters && detractors) {
        report.detractors_vs_promoters = difference(*promoters, *detractors);
        report.verdict = group_verdict(*report.detractors_vs_promoters,
                                       "too few customers to tell (fewer than 2 in a group)",
                                       "return rate", " for detractors than for promoters");
    } else {
        report.verdict = "no promoters or no detractors among the customers counted";
    }
    return report;
}

nlohmann::json to_json(const RetentionReport& report, const RetentionQuery& query) {
    nlohmann::json out{
        {"events", report.event_types},
        {"within_days", report.within_days},
        {"timezone", query.timezone},
        {"as_of", query.as_of ? nlohmann::json(timing::format_iso8601(
                                    timing::TimePoint{std::chrono::seconds{*query.as_of}}))
                              : nlohmann::json(nullptr)},
        {"pending", report.pending},
        {"everyone", group_json(report.everyone)},
        {"by_nps", nlohmann::json::array()}};
    for (const auto& g : report.by_nps) out["by_nps"].push_back(group_json(g));
    if (report.detractors_vs_promoters)
        out["difference"] = difference_json(*report.detractors_vs_promoters, report.verdict);
    else
        out["difference"] = {{"verdict", report.verdict}};
    return out;
}

}  // namespace cxgate::report
