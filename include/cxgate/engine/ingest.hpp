#pragma once
// Recording an event and the surveys it causes, in one writer transaction.
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::engine {

struct EventOutcome {
    std::string event_id;
    bool duplicate = false;                 // the id was seen before: nothing new was scheduled
    std::vector<store::SurveyRow> surveys;  // scheduled and suppressed ones
    // Per scheduled survey: an older survey awaits its answer on the same address, and what
    // the step's on_waiting will do about it (Decision::waiting_note). Not stored.
    std::map<std::int64_t, std::string> notes;
};

// Runs on the writer thread. Idempotent on event.id.
EventOutcome record_event(store::Store& db, const config::Config& config, const Event& event,
                          timing::TimePoint now);

// The 202 body: {"event": id, "duplicate": bool, "scheduled": [...], "suppressed": [...]}.
nlohmann::json to_json(const EventOutcome& outcome);
nlohmann::json survey_json(const store::SurveyRow& survey);

}  // namespace cxgate::engine
