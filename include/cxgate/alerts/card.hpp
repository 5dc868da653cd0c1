#pragma once
// The card an alert shows on a chat channel (Slack, Teams, a signed webhook): the alert
// template's words, with the answer's facts apart so a room can scan them.
#include "cxgate/config/config.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/templates/alert_card.hpp"
#include "cxgate/templates/compose.hpp"

namespace cxgate::alerts {

// survey: as the alert may show it (an anonymous survey's without who answered);
// rendered: its alert template in the recipient's locale, whose words the facts' labels
// follow too (`locale`, empty: defaults.locale). The title is the rendered subject, else "Low
// score: CSAT 2 (meeting)". alert: the alert's id, escalation level and page (its link becomes the
// card's action, "Acknowledge or resolve"; an escalated alert's event is "alert.escalated").
templates::AlertCard alert_card(const config::Config& config, const store::SurveyRow& survey,
                                const templates::Rendered& rendered, store::Seconds now,
                                const templates::AlertFields& alert = {},
                                const std::string& locale = {});

}  // namespace cxgate::alerts
