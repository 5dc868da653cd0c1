#pragma once
// The life of a survey, a message and a survey's alert, as types: each state a value of an
// enum, each allowed step a row of one transition table. The store refuses to write a step
// the table does not hold (IllegalTransition), so a bug that would, say, reopen an expired
// survey fails loudly instead of sending to a customer who was done.
//
// The names are the words the database, the API and the logs use (DESIGN.md).
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cxgate::store {

enum class SurveyState {
    scheduled,   // planned; goes out at due_at
    sending,     // claimed by the dispatcher
    sent,        // the provider took it
    delivered,   // the provider reported delivery
    failed,      // no channel could carry it
    answered,    // scored; a further question or the reason may still come
    commented,   // the reason came
    closed,      // nothing more is awaited
    suppressed,  // a flow rule held it back (reason says which)
    expired,     // no answer before expires_at
    opted_out,   // the customer opted out
    superseded,  // a newer survey went to the same address while this one awaited its answer
};

enum class MessageState {
    queued,     // waits for its turn (or its retry time)
    sending,    // a request to the provider is under way
    sent,       // the provider took it
    delivered,  // the provider reported delivery
    failed,     // refused for good
    unknown,    // the request may have reached the provider, without an answer: never resent
    cancelled,  // dropped before sending (the address opted out)
};

enum class AlertState {
    none,     // no alert (or not decided yet)
    pending,  // decided; waits a little for the reason to come with it
    sent,     // the alert messages are queued
};

// How staff handle an alert once it went out: someone acknowledges it (I am on it), then
// resolves it with what was done; a resolved alert is closed for good. An open alert that
// nobody acknowledges escalates.
enum class AlertHandling {
    open,
    acknowledged,
    resolved,
};

std::string_view to_string(SurveyState state);
std::string_view to_string(MessageState state);
std::string_view to_string(AlertState state);
std::string_view to_string(AlertHandling state);

std::optional<SurveyState> parse_survey_state(std::string_view text);
std::optional<MessageState> parse_message_state(std::string_view text);
std::optional<AlertState> parse_alert_state(std::string_view text);
std::optional<AlertHandling> parse_alert_handling(std::string_view text);

// The transition tables. Staying in a state is always allowed (a row saved for another
// column).
bool can_move(SurveyState from, SurveyState to);
bool can_move(MessageState from, MessageState to);
bool can_move(AlertState from, AlertState to);
bool can_move(AlertHandling from, AlertHandling to);

// No further step leaves these (a survey closed for good, a message that is done).
bool is_final(SurveyState state);
bool is_final(MessageState state);

struct IllegalTransition : std::logic_error {
    using std::logic_error::logic_error;
};

// Throws IllegalTransition naming `what` (e.g. "survey 12") unless the table allows it.
void require_move(SurveyState from, SurveyState to, const std::string& what);
void require_move(MessageState from, MessageState to, const std::string& what);
void require_move(AlertState from, AlertState to, const std::string& what);
void require_move(AlertHandling from, AlertHandling to, const std::string& what);

// JSON (API answers, exports) carries the words, never the enum's number.
NLOHMANN_JSON_SERIALIZE_ENUM(SurveyState, {{SurveyState::scheduled, "scheduled"},
                                           {SurveyState::sending, "sending"},
                                           {SurveyState::sent, "sent"},
                                           {SurveyState::delivered, "delivered"},
                                           {SurveyState::failed, "failed"},
                                           {SurveyState::answered, "answered"},
                                           {SurveyState::commented, "commented"},
                                           {SurveyState::closed, "closed"},
                                           {SurveyState::suppressed, "suppressed"},
                                           {SurveyState::expired, "expired"},
                                           {SurveyState::opted_out, "opted_out"},
                                           {SurveyState::superseded, "superseded"}})
NLOHMANN_JSON_SERIALIZE_ENUM(MessageState, {{MessageState::queued, "queued"},
                                            {MessageState::sending, "sending"},
                                            {MessageState::sent, "sent"},
                                            {MessageState::delivered, "delivered"},
                                            {MessageState::failed, "failed"},
                                            {MessageState::unknown, "unknown"},
                                            {MessageState::cancelled, "cancelled"}})
NLOHMANN_JSON_SERIALIZE_ENUM(AlertState, {{AlertState::none, "none"},
                                          {AlertState::pending, "pending"},
                                          {AlertState::sent, "sent"}})
NLOHMANN_JSON_SERIALIZE_ENUM(AlertHandling, {{AlertHandling::open, "open"},
                                             {AlertHandling::acknowledged, "acknowledged"},
                                             {AlertHandling::resolved, "resolved"}})

}  // namespace cxgate::store
