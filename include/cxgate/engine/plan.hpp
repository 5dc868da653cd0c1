#pragma once
// Which surveys an event causes: a pure function of configuration, event, the contact's
// history and the current instant. The daemon calls it inside the writer's transaction
// with history read in the same transaction, so two events for one contact can never
// both pass a recontact rule.
//
// The order of the rules, for each step the event starts (steps taken by priority, highest
// first; ties in configuration order: flow files by name, steps as written):
//   condition (`if:`) -> no_address | no_mobile_number -> opted_out -> expired
//   -> arbitration -> recontact -> fatigue
// Distinct steps of one flow are one designed journey: recontact limits repeats of the same
// step for a contact, and fatigue counts flows, not steps, so neither ever holds back a
// flow's own next step.
// Before any step is planned, `cancel_on` cancels pending surveys of the steps that name
// this event's type. A step that wins arbitration suppresses the pending lower-priority
// surveys it collides with, but only once it is itself scheduled.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/store/states.hpp"

namespace cxgate::engine {

struct PriorSurvey {
    PriorSurvey() = default;
    PriorSurvey(std::string flow_, std::string step_, store::SurveyState state_,
                timing::TimePoint at_)
        : flow(std::move(flow_)), step(std::move(step_)), state(state_), at(at_) {}

    std::string flow;
    std::string step;
    store::SurveyState state = store::SurveyState::scheduled;
    timing::TimePoint at;  // sent_at when sent, else due_at
    std::int64_t id = 0;
    std::string deal_id;
    bool same_contact = true;  // false: another contact's survey on the same deal
    bool pending = false;      // scheduled, not yet sent: may be cancelled or lose arbitration
    bool counts = true;        // went out or will: counts for recontact and fatigue
    std::string address;       // where it went (or will go)
    bool awaiting = false;     // awaits the customer's answer on that address right now
};

struct History {
    std::set<std::string> opted_out;   // addresses (E.164 phones, emails)
    std::vector<PriorSurvey> surveys;  // this contact's (and deal's) surveys not suppressed
};

struct Decision {
    const config::Flow* flow = nullptr;
    const config::Step* step = nullptr;
    bool scheduled = false;
    // why it was suppressed: condition, no_address, no_mobile_number, opted_out, expired,
    // arbitration, recontact, fatigue
    std::string reason;
    std::string detail;  // a sentence for people
    // Scheduled while an older survey awaits its answer on the same address: what will
    // happen at the due time if it still does (the step's on_waiting), for the 202.
    std::string waiting_note;
    std::string channel;  // first channel with an address that is not opted out
    std::string address;
    std::string timezone;  // the zone it was planned in (contact's, else flow's)
    timing::TimePoint due_at{};
    timing::TimePoint expires_at{};
};

// An earlier survey that this event takes back: cancelled by `cancel_on`, or beaten in
// arbitration by a survey this event schedules.
struct Displacement {
    std::int64_t survey_id = 0;
    std::string flow, step;
    std::string reason;  // cancelled, arbitration
    std::string detail;
};

struct Plan {
    std::vector<Decision> decisions;
    std::vector<Displacement> displaced;
};

// The time zone a survey is scheduled in: the contact's wins over the flow's (which is
// defaults.timezone unless the flow names one).
const date::time_zone& zone_for(const config::Flow& flow, const Contact& contact);
// The address a contact has for a channel kind ("" when none).
std::string address_for(const config::ChannelConfig& channel, const Contact& contact);
// What `if:` conditions see: {"contact": {...}, "staff": {...}, "event": {id, type,
// occurred_at, deal_id}, "attributes": {...}}; contact fields as received, with phone,
// email and locale normalised.
nlohmann::json condition_document(const Event& event);

Plan plan_event(const config::Config& config, const Event& event, const History& history,
                timing::TimePoint now);
// The decisions of plan_event alone.
std::vector<Decision> plan(const config::Config& config, const Event& event, const History& history,
                           timing::TimePoint now);

}  // namespace cxgate::engine
