#include "cxgate/engine/plan.hpp"

#include "cxgate/engine/channel_choice.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>

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

nlohmann::json condition_document(const Event& event) {
    using json = nlohmann::json;
    json contact = json::object();
    if (auto it = event.raw.find("contact"); it != event.raw.end() && it->is_object())
        contact = *it;
    const Contact& c = event.contact;
    auto put = [](json& j, const char* key, const std::string& value) {
        if (!value.empty()) j[key] = value;
    };
    put(contact, "id", c.id);
    put(contact, "phone", c.phone);
    put(contact, "email", c.email);
    put(contact, "locale", c.locale);
    json staff = json::object();
    if (auto it = event.raw.find("staff"); it != event.raw.end() && it->is_object()) staff = *it;
    if (event.staff) {
        put(staff, "id", event.staff->id);
        put(staff, "name", event.staff->name);
        put(staff, "email", event.staff->email);
        put(staff, "phone", event.staff->phone);
    }
    json ev{{"id", event.id},
            {"type", event.type},
            {"occurred_at", timing::format_iso8601(event.occurred_at)}};
    put(ev, "deal_id", event.deal_id);
    return json{{"contact", contact},
                {"staff", staff},
                {"event", ev},
                {"attributes", event.attributes.is_object() ? event.attributes : json::object()}};
}

namespace {

const timing::Calendar kNoHolidays;

struct Rank {
    int priority = 0;
    std::optional<timing::Delay> window;
};

// A prior survey's priority and window come from the configuration running now; a step
// that no longer exists ranks 0 and claims no window.
Rank rank_of(const config::Config& config, const std::string& flow, const std::string& step) {
    const auto* f = config.find_flow(flow);
    const auto* s = f ? f->find_step(step) : nullptr;
    if (!s) return {};
    return {s->priority, s->arbitration};
}

bool within(timing::TimePoint a, timing::TimePoint b, const timing::Delay& window,
            const date::time_zone& zone) {
    const auto [early, late] = std::minmax(a, b);
    return late < timing::add_delay(early, window, zone, kNoHolidays);
}

std::string name_of(const std::string& flow, const std::string& step, const std::string& ours) {
    return flow == ours ? step : flow + "/" + step;
}

bool excluded(const PriorSurvey& prior, const std::vector<const PriorSurvey*>& displaced) {
    return std::find(displaced.begin(), displaced.end(), &prior) != displaced.end();
}

// Recontact counts from when a survey went out (or is due to go out), not from the
// event that caused it, so a burst of events cannot crowd a contact's week. Only surveys
// of the same step count: the flow's other steps are the journey and always go.
bool recently_surveyed(const config::Flow& flow, const config::Step& step, const History& history,
                       timing::TimePoint due, const date::time_zone& zone,
                       const std::vector<const PriorSurvey*>& skip, timing::TimePoint* last) {
    if (!step.recontact) return false;
    for (const auto& prior : history.surveys) {
        if (prior.flow != flow.name || prior.step != step.id || !prior.same_contact ||
            !prior.counts)
            continue;
        if (excluded(prior, skip)) continue;
        auto window_end = timing::add_delay(prior.at, *step.recontact, zone, kNoHolidays);
        if (prior.at <= due && due < window_end) {
            *last = prior.at;
            return true;
        }
        // A prior survey scheduled later than this one also blocks it: one survey per window.
        if (prior.at > due) {
            auto ours_end = timing::add_delay(due, *step.recontact, zone, kNoHolidays);
            if (prior.at < ours_end) {
                *last = prior.at;
                return true;
            }
        }
    }
    return false;
}

// The budget across flows: no window of length `per` may see more than `max` flows survey
// the contact (sent, or scheduled to be) once this one is added. The flow's own surveys
// make it one of them already, so its next step never adds a flow. The fullest window that
// holds `due` starts at one of the surveys, so only those starts are tried.
bool over_budget(const config::Fatigue& fatigue, const std::string& flow, const History& history,
                 timing::TimePoint due, const date::time_zone& zone,
                 const std::vector<const PriorSurvey*>& skip, std::vector<std::string>* others) {
    std::vector<const PriorSurvey*> counted;
    for (const auto& prior : history.surveys)
        if (prior.same_contact && prior.counts && !excluded(prior, skip)) counted.push_back(&prior);
    std::vector<timing::TimePoint> starts{due};
    for (const auto* prior : counted) starts.push_back(prior->at);
    std::sort(starts.begin(), starts.end());
    for (const auto start : starts) {
        if (start > due) break;
        const auto end = timing::add_delay(start, fatigue.per, zone, kNoHolidays);
        if (due >= end) continue;
        std::set<std::string> flows;
        for (const auto* prior : counted)
            if (prior->at >= start && prior->at < end) flows.insert(prior->flow);
        if (flows.count(flow)) continue;
        if (static_cast<int>(flows.size()) + 1 > fatigue.max) {
            others->assign(flows.begin(), flows.end());
            return true;
        }
    }
    return false;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

bool related(const PriorSurvey& prior, const Event& event) {
    return prior.same_contact || (!event.deal_id.empty() && prior.deal_id == event.deal_id);
}

struct Candidate {
    const config::Flow* flow;
    const config::Step* step;
};

}  // namespace

Plan plan_event(const config::Config& config, const Event& event, const History& history,
                timing::TimePoint now) {
    Plan out;
    // Surveys this same event schedules count for recontact, fatigue and arbitration too.
    History seen = history;
    const std::string deal_note = event.deal_id.empty() ? "" : " (deal " + event.deal_id + ")";

    // cancel_on first: what this event ends must not block what it starts.
    for (const auto& flow : config.flows) {
        for (const auto& step : flow.steps) {
            const auto& cancel = step.cancel_on;
            if (std::find(cancel.begin(), cancel.end(), event.type) == cancel.end()) continue;
            for (auto& prior : seen.surveys) {
                if (!prior.pending || prior.flow != flow.name || prior.step != step.id) continue;
                if (!related(prior, event)) continue;
                out.displaced.push_back({prior.id, prior.flow, prior.step, "cancelled",
                                         event.type + " event " + event.id + deal_note +
                                             " cancels pending step " + step.id + " (cancel_on)"});
                prior.pending = prior.counts = false;
                prior.state = store::SurveyState::suppressed;
            }
        }
    }

    std::vector<Candidate> candidates;
    for (const auto& flow : config.flows)
        for (const auto& step : flow.steps)
            if (std::find(step.on.begin(), step.on.end(), event.type) != step.on.end())
                candidates.push_back({&flow, &step});
    // Highest priority first, so a winner is planned before the steps it beats; ties keep
    // configuration order, which makes the outcome deterministic.
    std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
        return a.step->priority > b.step->priority;
    });

    // Built for the first step with an if: (most steps have none, and the document copies
    // the event's contact and staff).
    std::optional<nlohmann::json> doc;
    for (const auto& [flow_ptr, step_ptr] : candidates) {
        const auto& flow = *flow_ptr;
        const auto& step = *step_ptr;
        Decision d;
        d.flow = &flow;
        d.step = &step;
        const auto& zone = zone_for(flow, event.contact);
        d.timezone = zone.name();

        d.due_at = timing::due_time(event.occurred_at, step.delay, step.at_minute, flow.send_window,
                                    zone, flow.calendar);
        d.expires_at = timing::add_delay(d.due_at, step.expires, zone, flow.calendar);
        // Late events (a CRM replaying yesterday) go out now, inside the window.
        if (d.due_at < now)
            d.due_at = timing::next_in_window(now, flow.send_window, zone, flow.calendar);

        const auto choice = choose_channel(
            config, step.channels,
            ContactAddresses{event.contact.phone, event.contact.email,
                             event.contact.phone_is_mobile},
            [&](const std::string& address) { return history.opted_out.count(address) > 0; });
        const bool any_address = choice.any_address, landline = choice.landline;
        if (choice.channel) {
            d.channel = choice.channel->name;
            d.address = choice.address;
        }

        // Arbitration against every related survey that went out or is still to go.
        std::string lost_to;
        std::vector<PriorSurvey*> beaten;
        for (auto& prior : seen.surveys) {
            if (!related(prior, event) || !(prior.pending || prior.counts)) continue;
            const Rank theirs = rank_of(config, prior.flow, prior.step);
            const std::string them = name_of(prior.flow, prior.step, flow.name);
            if (theirs.priority >= step.priority) {
                // Ties go to the survey planned first (it is already in the history).
                if (theirs.window && within(prior.at, d.due_at, *theirs.window, zone)) {
                    lost_to = them + " (priority " + std::to_string(theirs.priority) + ") " +
                              (theirs.priority == step.priority ? "was planned first and " : "") +
                              "wins within " + timing::to_string(*theirs.window) + " over " +
                              step.id + " (priority " + std::to_string(step.priority) + ")";
                    break;
                }
            } else if (prior.pending && step.arbitration &&
                       within(prior.at, d.due_at, *step.arbitration, zone)) {
                beaten.push_back(&prior);
            }
        }
        std::vector<const PriorSurvey*> skip(beaten.begin(), beaten.end());

        timing::TimePoint last{};
        std::vector<std::string> other_flows;
        if (step.condition &&
            !step.condition->evaluate(doc ? *doc : doc.emplace(condition_document(event)))) {
            d.reason = "condition";
            d.detail = "step " + step.id + " has if: " + step.condition->source() +
                       ", which is false for this event";
        } else if (!any_address && landline) {
            d.reason = "no_mobile_number";
            d.detail = "the contact's phone " + event.contact.phone +
                       " cannot take SMS (not a mobile number) and step " + step.id +
                       " has no other channel the contact has an address for";
        } else if (!any_address) {
            d.reason = "no_address";
            d.detail = "the contact has no address for channel(s) of step " + step.id;
        } else if (d.channel.empty()) {
            d.reason = "opted_out";
            d.detail = "every address of the contact for this step has opted out";
        } else if (d.expires_at <= now) {
            d.reason = "expired";
            d.detail = "the survey would have expired at " + timing::format_iso8601(d.expires_at);
        } else if (!lost_to.empty()) {
            d.reason = "arbitration";
            d.detail = lost_to;
        } else if (recently_surveyed(flow, step, seen, d.due_at, zone, skip, &last)) {
            d.reason = "recontact";
            d.detail = "contact already surveyed at step " + step.id + " of flow " + flow.name +
                       " at " + timing::format_iso8601(last) + " (recontact " +
                       timing::to_string(*step.recontact) + ")";
        } else if (config.fatigue && over_budget(*config.fatigue, flow.name, seen, d.due_at, zone,
                                                 skip, &other_flows)) {
            d.reason = "fatigue";
            d.detail = "contact already surveyed by " + std::to_string(other_flows.size()) +
                       " other flow(s) within " + timing::to_string(config.fatigue->per) + " (" +
                       joined(other_flows) + "; fatigue max " +
                       std::to_string(config.fatigue->max) + " flows)";
        } else {
            d.scheduled = true;
            for (auto* prior : beaten) {
                const Rank theirs = rank_of(config, prior->flow, prior->step);
                out.displaced.push_back(
                    {prior->id, prior->flow, prior->step, "arbitration",
                     step.id + " (priority " + std::to_string(step.priority) + ") wins within " +
                         timing::to_string(*step.arbitration) + " over " +
                         name_of(prior->flow, prior->step, flow.name) + " (priority " +
                         std::to_string(theirs.priority) + "), event " + event.id + deal_note});
                prior->pending = prior->counts = false;
                prior->state = store::SurveyState::suppressed;
            }
            for (const auto& prior : seen.surveys) {
                if (!prior.awaiting || prior.address != d.address) continue;
                const std::string older = "survey " + std::to_string(prior.id) + " (" +
                                          name_of(prior.flow, prior.step, flow.name) +
                                          ") awaits its answer on " + d.address + "; ";
                switch (step.on_waiting) {
                    case config::OnWaiting::supersede:
                        d.waiting_note = older +
                                         "if it still does when this one is due, it is "
                                         "superseded (on_waiting: supersede)";
                        break;
                    case config::OnWaiting::wait:
                        d.waiting_note = older +
                                         "if it still does when this one is due, this one "
                                         "waits up to " +
                                         timing::to_string(step.wait_max) +
                                         " for it, then supersedes it (on_waiting: wait)";
                        break;
                    case config::OnWaiting::skip:
                        d.waiting_note = older +
                                         "if it still does when this one is due, this one is "
                                         "skipped (on_waiting: skip)";
                        break;
                }
                break;
            }
            PriorSurvey self{flow.name, step.id, store::SurveyState::scheduled, d.due_at};
            self.deal_id = event.deal_id;
            self.pending = true;
            self.address = d.address;
            seen.surveys.push_back(self);
        }
        out.decisions.push_back(std::move(d));
    }
    return out;
}

std::vector<Decision> plan(const config::Config& config, const Event& event, const History& history,
                           timing::TimePoint now) {
    return plan_event(config, event, history, now).decisions;
}

}  // namespace cxgate::engine
