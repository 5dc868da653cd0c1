#pragma once
// Which surveys an event causes: a pure function of configuration, event, the contact's
// history and the current instant. The daemon calls it inside the writer's transaction
// with history read in the same transaction, so two events for one contact can never
// both pass a recontact rule.
#include <set>
#include <string>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"

namespace cxgate::engine {

struct PriorSurvey {
    std::string flow;
    std::string step;
    std::string state;
    timing::TimePoint at;  // sent_at when sent, else due_at
};

struct History {
    std::set<std::string> opted_out;   // addresses (E.164 phones, emails)
    std::vector<PriorSurvey> surveys;  // this contact's surveys that were not suppressed
};

struct Decision {
    const config::Flow* flow = nullptr;
    const config::Step* step = nullptr;
    bool scheduled = false;
    std::string reason;   // why it was suppressed: opted_out, no_address, recontact, expired
    std::string detail;   // a sentence for people
    std::string channel;  // first channel with an address that is not opted out
    std::string address;
    timing::TimePoint due_at{};
    timing::TimePoint expires_at{};
};

// The time zone a survey is scheduled in: the contact's wins over the flow's.
const date::time_zone& zone_for(const config::Flow& flow, const Contact& contact);
// The address a contact has for a channel kind ("" when none).
std::string address_for(const config::ChannelConfig& channel, const Contact& contact);

std::vector<Decision> plan(const config::Config& config, const Event& event, const History& history,
                           timing::TimePoint now);

}  // namespace cxgate::engine
