#pragma once
// Alerts to the people a low score concerns: the staff member the survey was about,
// their team lead (from the staff directory), and named targets such as "#sales-alerts".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::alerts {

// Where a message to a named person goes: a staff member by id (on the alert channel, by
// email or phone as the channel takes), or an alerts.targets name.
struct Recipient {
    std::string channel, address;
};
// None when the name is neither, or the person has no address on that channel.
std::optional<Recipient> recipient_named(const config::Config& config, const std::string& name);

// The step's rule, if the survey has a score and the step (still) has an alert.
bool should_alert(const config::Config& config, const store::SurveyRow& survey);

// One queued message per resolvable recipient; unresolvable ones (a staff member with
// no email) are skipped and logged by the caller through `skipped`.
std::vector<store::MessageRow> alert_messages(const config::Config& config,
                                              const store::SurveyRow& survey, store::Seconds now,
                                              std::vector<std::string>* skipped);

// Queues the survey's alert messages and marks its alert sent; the caller saves the survey
// in the same job, so the alert and its record commit together. Every path that alerts
// (a reply, the answer page, a settled click, a late reason's deadline, a superseded
// survey) comes here. Returns the queued message ids (the dispatcher is told of them).
std::vector<std::int64_t> send_alert(store::Store& db, const config::Config& config,
                                     store::SurveyRow& survey, store::Seconds now);

}  // namespace cxgate::alerts
