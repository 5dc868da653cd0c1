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
#include "cxgate/store/store.hpp"

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

ReplyOutcome handle_inbound(store::Store& db, const config::Config& config,
                            const InboundMessage& message, store::Seconds now);

// An answer from the email's answer page (POST /r/{token}): the score the person
// confirmed and the optional "why?" typed on the same page. The survey id comes from a
// verified token.
struct PageAnswer {
    std::int64_t survey_id = 0;
    int score = 0;  // the first question's
    std::string comment;
    // The step's further questions, in order, as the form gave them (unanswered: empty).
    std::vector<std::optional<int>> more;
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
PageAnswerOutcome answer_from_page(store::Store& db, const config::Config& config,
                                   const PageAnswer& answer, store::Seconds now);

// A click on an email's score link (GET /r/{token}/{score} without a prefetch hint): kept
// as a pending click until it settles or is voided (replies/clicks.hpp). The survey id
// comes from a verified token. Only a survey awaiting its score (sent, delivered) takes
// clicks; a repeat of a score already pending in the open burst only extends it.
struct ClickOutcome {
    enum class Result { pending, ignored };
    Result result = Result::ignored;
    bool new_burst = false;  // the first pending click of a burst: the scheduler must know
    std::optional<store::Seconds> settles_at;
};
ClickOutcome record_click(store::Store& db, const config::Config& config, std::int64_t survey_id,
                          int score, store::Seconds now);

// The scheduler's part: decides the pending clicks of surveys whose burst may have settled
// by `now` (at most `limit` surveys): a settled click becomes the score through the same
// path as a reply or the answer page; bursts of different scores are voided; clicks of a
// survey that no longer awaits its score (answered, expired, opted out) are closed.
struct SettleOutcome {
    int recorded = 0, voided = 0;
    std::vector<std::int64_t> queued_messages;  // alerts
};
SettleOutcome settle_clicks(store::Store& db, const config::Config& config, store::Seconds now,
                            size_t limit);

}  // namespace cxgate::replies
