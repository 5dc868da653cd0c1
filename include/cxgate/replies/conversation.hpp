#pragma once
// What an inbound message does to the conversation: record the score, ask "why?",
// take the comment, thank, alert, or opt the address out. Runs on the writer thread
// inside one transaction together with the inbound row, so a crash between any two of
// these steps leaves nothing half done.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::replies {

struct InboundMessage {
    std::string channel;      // the configured channel name it arrived on
    std::string provider_id;  // the provider's message id: the idempotency key
    std::string from;         // as the provider sent it; normalised here
    std::string text;
};

struct ReplyOutcome {
    bool duplicate = false;
    // score, retry, comment, ignored_after_retry, opted_out, opted_in, help, no_open_survey
    std::string outcome;
    std::optional<std::int64_t> survey_id;
    std::optional<int> score;
    std::vector<std::int64_t> queued_messages;  // to hand to the dispatcher
};

ReplyOutcome handle_inbound(SQLite::Database& db, const config::Config& config,
                            const InboundMessage& message, store::Seconds now);

// An answer from the email's answer page (POST /r/{token}): the score the person
// confirmed and the optional "why?" typed on the same page. The survey id comes from a
// verified token.
struct PageAnswer {
    std::int64_t survey_id = 0;
    int score = 0;
    std::string comment;
};

struct PageAnswerOutcome {
    // recorded; already_answered (a second submit, or a reply got there first: nothing
    // changes); closed (expired, opted out, not sent); out_of_range; no_survey
    enum class Result { recorded, already_answered, closed, out_of_range, no_survey };
    Result result = Result::no_survey;
    std::optional<store::SurveyRow> survey;     // as it is after the call
    std::vector<std::int64_t> queued_messages;  // alerts, to hand to the dispatcher
};

// Records the score through the same path as a reply (alerts, reports, state machine),
// in the caller's transaction.
PageAnswerOutcome answer_from_page(SQLite::Database& db, const config::Config& config,
                                   const PageAnswer& answer, store::Seconds now);

// Queues the alert messages of a survey and marks its alert sent.
std::vector<std::int64_t> send_alert(SQLite::Database& db, const config::Config& config,
                                     store::SurveyRow& survey, store::Seconds now);

}  // namespace cxgate::replies
