// The weekly target check (target_watch.hpp).
#include "cxgate/scheduler/target_watch.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>

#include "cxgate/alerts/alerts.hpp"
#include "cxgate/report/targets.hpp"
#include "cxgate/templates/compose.hpp"

namespace cxgate::scheduler {

namespace {

// A closed week is judged from Monday 08:00: late answers of Sunday evening are in by then,
// and the message reaches managers at the start of their working week.
constexpr long long kJudgedAfter = 8 * 3600;

std::string figure_text(const std::optional<metrics::Figure>& f) {
    if (!f) return "-";
    char text[64];
    if (f->margin)
        std::snprintf(text, sizeof text, "%.1f ± %.1f", f->value, *f->margin);
    else
        std::snprintf(text, sizeof text, "%.1f", f->value);
    return text;
}

std::map<std::string, std::string> fields_of(const report::WeekCheck& c, const report::Week& week) {
    char target[32];
    std::snprintf(target, sizeof target, "%.1f", c.target);
    std::string change;
    if (c.change && c.change->margin) {
        char text[64];
        std::snprintf(text, sizeof text, "%+.1f ± %.1f", c.change->value, *c.change->margin);
        change = text;
    }
    return {{"flow", c.flow},
            {"step", c.step},
            {"metric", metrics::to_string(c.metric)},
            {"week", week.label},
            {"figure", figure_text(c.figure)},
            {"target", target},
            {"n", std::to_string(c.n)},
            {"previous", figure_text(c.previous) + " (n " + std::to_string(c.n_previous) + ")"},
            {"change", change},
            {"summary", report::describe(c, week)}};
}

}  // namespace

TargetWatchResult watch_targets(store::Store& db, const config::Config& config,
                                store::Seconds now) {
    TargetWatchResult out;
    for (const auto& flow : config.flows) {
        const config::Step* targeted = nullptr;
        for (const auto& step : flow.steps)
            if (step.targets) targeted = &step;
        if (!targeted) continue;
        const date::time_zone* zone = nullptr;
        try {
            zone = date::locate_zone(flow.timezone);
        } catch (const std::exception&) {
            zone = date::locate_zone("UTC");
        }
        const auto current = report::week_containing(now, *zone);
        if (now < current.period.since + kJudgedAfter) continue;
        const auto week = report::week_containing(current.period.since - 1, *zone);
        bool unchecked = false;
        for (const auto& step : flow.steps)
            if (step.targets)
                for (const auto& t : step.targets->figures)
                    unchecked =
                        unchecked || !db.target_checked(flow.name, step.id,
                                                        metrics::to_string(t.metric), week.label);
        if (!unchecked) continue;
        for (const auto& c : report::check_week(db, config, flow, week)) {
            const auto metric = metrics::to_string(c.metric);
            if (db.target_checked(c.flow, c.step, metric, week.label)) continue;
            db.record_target_check(store::TargetCheckRow{
                c.flow, c.step, metric, week.label, now, c.n,
                c.figure ? std::optional<double>(c.figure->value) : std::nullopt, c.target,
                c.outcome});
            ++out.checked;
            if (!c.missed && !c.dropped) continue;
            ++out.alerts;
            const auto* step = flow.find_step(c.step);
            const auto& notify = step && !step->targets->notify.empty() ? step->targets->notify
                                                                        : config.alert_managers;
            const auto fields = fields_of(c, week);
            for (const auto& name : notify) {
                auto to = alerts::recipient_named(config, name);
                if (!to) {
                    spdlog::warn(
                        "target check {}: {} cannot be reached (no address on the "
                        "alert channel)",
                        report::describe(c, week), name);
                    continue;
                }
                auto message = templates::compose_plain(config, "target", to->channel, to->address,
                                                        config.defaults.locale, now, fields);
                if (message.body.empty()) message.body = fields.at("summary");
                out.queued_messages.push_back(db.insert_message(message));
            }
            spdlog::info("target check: {} ({} notified)", report::describe(c, week),
                         notify.size());
        }
    }
    return out;
}

}  // namespace cxgate::scheduler
