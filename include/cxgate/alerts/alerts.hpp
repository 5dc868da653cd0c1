#pragma once
// Alerts to the people a low score concerns: the staff member the survey was about,
// their team lead (from the staff directory), and named targets such as "#sales-alerts".
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::alerts {

// The step's rule, if the survey has a score and the step (still) has an alert.
bool should_alert(const config::Config& config, const store::SurveyRow& survey);

// One queued message per resolvable recipient; unresolvable ones (a staff member with
// no email) are skipped and logged by the caller through `skipped`.
std::vector<store::MessageRow> alert_messages(const config::Config& config,
                                              const store::SurveyRow& survey, store::Seconds now,
                                              std::vector<std::string>* skipped);

}  // namespace cxgate::alerts
