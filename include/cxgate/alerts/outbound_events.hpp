#pragma once
// Outbound events for a CRM (`outbound_events:` receivers): what each one says, and
// recording it in the outbox (store/outbound_events.hpp) inside the transaction of the
// change it tells of. A survey's events are written in the order things happened to it, so
// the outbox's order is the order a receiver gets them in (channels/outbound_sender.hpp).
//
//   survey.answered   the first question's score was recorded (again, when the answer page's
//                     Send changed the score a settled click gave)
//   survey.commented  the "why?" comment was recorded
//   alert.opened      a low score opened the survey's alert
//   alert.resolved    someone resolved it (page or API), with what was done
//
// It lives in alerts/ because that is the lowest component both of its callers see: the
// alert's life (here) and the conversation that records answers and comments (replies/).
//
// Surveys of anonymous flows send none: an event names the contact, and an anonymous
// survey must not be linked to its person (config::Flow::anonymous).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::alerts {

inline constexpr const char* kSurveyAnswered = "survey.answered";
inline constexpr const char* kSurveyCommented = "survey.commented";
inline constexpr const char* kAlertOpened = "alert.opened";
inline constexpr const char* kAlertResolved = "alert.resolved";

// The body posted (docs/crm-events.md): {id, type, created_at, survey: {...}, alert: {...}}.
// Empty facts are left out rather than sent as "", so a receiver tests for presence. The
// comment goes in survey.commented and the alert events, never in survey.answered (which
// is about the score, and may come before the person has finished writing).
nlohmann::json outbound_payload(const std::string& event_id, const std::string& type,
                                const store::SurveyRow& survey,
                                const std::vector<store::AnswerRow>& answers,
                                const store::AlertRow* alert, store::Seconds now);

// Queues the event for every receiver that takes its type and the survey's flow, with one
// event id for all of them; the caller's transaction commits it with the change. Returns
// the rows written (0 without receivers, or for an anonymous survey).
int record_outbound_event(store::Store& db, const config::Config& config, const std::string& type,
                          const store::SurveyRow& survey, const store::AlertRow* alert,
                          store::Seconds now);

}  // namespace cxgate::alerts
