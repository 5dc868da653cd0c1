#pragma once
// Answered questions with the survey facts reports group them by: one row per answer, in
// funnel order (flows by name, steps in the order they first appear, questions in order).
// Reports (src/report) decide the grouping and the figures; the store only reads.
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct AnsweredQuestion {
    std::int64_t survey_id = 0;
    std::string flow, step, event_type;      // event_type: the outcome (deal.won, ...)
    std::string staff_id, segment, channel;  // empty when the survey had none
    std::string deal_id;                     // empty when the event named no deal
    std::string timezone;                    // the survey's zone; empty: unknown
    std::int64_t step_order = 0;             // the step's first survey id: funnel order
    int question = 0;                        // its place in the step (0: the first)
    std::string question_id, metric;
    std::string survey_metric;  // the survey's own (its first question's) metric
    int scale_min = 0, scale_max = 10;
    bool low_is_good = false;
    int score = 0;
    Seconds answered_at = 0;
};

// A survey's "why?" comment, with its score and the facts themes are read by.
struct CommentRow {
    std::int64_t survey_id = 0;
    std::string flow, step, metric, locale, timezone, comment;
    int scale_min = 0, scale_max = 10;
    bool low_is_good = false;
    std::optional<int> score;
    Seconds at = 0;  // commented_at, else answered_at
};

// A survey that reached the customer (sent, and not failed), with the facts reports group
// it by: the denominator of a response rate.
struct SentSurvey {
    std::string flow, step, event_type, staff_id, segment, channel, timezone, metric;
    Seconds sent_at = 0;
    bool answered = false;  // a score was recorded
};

struct AnswerFilter {
    std::string flow;  // empty: every flow
    std::optional<Seconds> since,
        until;  // answered_at (sent_at for sent_surveys) in [since, until)
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class ReportQueries {
  public:
    virtual std::vector<AnsweredQuestion> answered_questions(const AnswerFilter& filter) = 0;

    // Surveys with a comment, of one flow or all, commented in [since, until), oldest first.
    virtual std::vector<CommentRow> comments(const AnswerFilter& filter) = 0;

    // Surveys sent in [since, until) (sent_at) that did not fail, of one flow or all.
    virtual std::vector<SentSurvey> sent_surveys(const AnswerFilter& filter) = 0;

  protected:
    ~ReportQueries() = default;
};

}  // namespace cxgate::store
