#include "cxgate/engine/plan.hpp"

#include <algorithm>

namespace cxgate::engine {

const date::time_zone& zone_for(const config::Flow& flow, const Contact& contact) {
    if (!contact.timezone.empty()) {
        try {
            return *date::locate_zone(contact.timezone);
        } catch (const std::exception&) {
        }
    }
    return *date::locate_zone(flow.timezone);
}

std::string address_for(const config::ChannelConfig& channel, const Contact& contact) {
    return channel.kind == config::ChannelKind::sms ? contact.phone : contact.email;
}

namespace {

// Recontact counts from when a survey went out (or is due to go out), not from the
// event that caused it, so a burst of events cannot crowd a contact's week.
bool recently_surveyed(const config::Flow& flow, const History& history, timing::TimePoint due,
                       const date::time_zone& zone, timing::TimePoint* last) {
    if (!flow.recontact) return false;
    const timing::Calendar no_holidays;
    for (const auto& prior : history.surveys) {
        if (prior.flow != flow.name) continue;
        auto window_end = timing::add_delay(prior.at, *flow.recontact, zone, no_holidays);
        if (prior.at <= due && due < window_end) {
            *last = prior.at;
            return true;
        }
        // A prior survey scheduled later than this one also blocks it: one survey per window.
        if (prior.at > due) {
            auto ours_end = timing::add_delay(due, *flow.recontact, zone, no_holidays);
            if (prior.at < ours_end) {
                *last = prior.at;
                return true;
            }
        }
    }
    return false;
}

}  // namespace

std::vector<Decision> plan(const config::Config& config, const Event& event, const History& history,
                           timing::TimePoint now) {
    std::vector<Decision> decisions;
    const timing::Calendar calendar;  // holiday calendars arrive with the flows issue
    // Surveys this same event schedules count for recontact too.
    History seen = history;
    for (const auto& flow : config.flows) {
        for (const auto& step : flow.steps) {
            if (std::find(step.on.begin(), step.on.end(), event.type) == step.on.end()) continue;
            Decision d;
            d.flow = &flow;
            d.step = &step;
            const auto& zone = zone_for(flow, event.contact);

            d.due_at =
                timing::due_time(event.occurred_at, step.delay, flow.send_window, zone, calendar);
            d.expires_at = timing::add_delay(d.due_at, step.expires, zone, calendar);
            // Late events (a CRM replaying yesterday) go out now, inside the window.
            if (d.due_at < now)
                d.due_at = timing::next_in_window(now, flow.send_window, zone, calendar);

            bool any_address = false;
            for (const auto& name : step.channels) {
                const auto* channel = config.find_channel(name);
                if (!channel) continue;
                auto address = address_for(*channel, event.contact);
                if (address.empty()) continue;
                any_address = true;
                if (history.opted_out.count(address)) continue;
                d.channel = name;
                d.address = address;
                break;
            }

            timing::TimePoint last{};
            if (!any_address) {
                d.reason = "no_address";
                d.detail = "the contact has no address for channel(s) of step " + step.id;
            } else if (d.channel.empty()) {
                d.reason = "opted_out";
                d.detail = "every address of the contact for this step has opted out";
            } else if (d.expires_at <= now) {
                d.reason = "expired";
                d.detail =
                    "the survey would have expired at " + timing::format_iso8601(d.expires_at);
            } else if (recently_surveyed(flow, seen, d.due_at, zone, &last)) {
                d.reason = "recontact";
                d.detail = "contact already surveyed in flow " + flow.name + " at " +
                           timing::format_iso8601(last) + " (recontact " +
                           timing::to_string(*flow.recontact) + ")";
            } else {
                d.scheduled = true;
                seen.surveys.push_back({flow.name, step.id, "scheduled", d.due_at});
            }
            decisions.push_back(std::move(d));
        }
    }
    return decisions;
}

}  // namespace cxgate::engine
