#pragma once
// Rows as the rest of the daemon sees them, and the SQL that reads and writes them.
// Every function here runs on a DB thread, inside whatever transaction the caller's
// job is in.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/states.hpp"

namespace cxgate::store {

using Seconds = std::int64_t;  // Unix time in seconds, UTC

// A question of a survey as the survey keeps it (the flow may change later).
struct SurveyQuestion {
    std::string id;      // "q1", or the id the flow gave it
    std::string metric;  // nps, enps, csat, ces
    int scale_min = 1, scale_max = 5;
    bool low_is_good = false;
    std::string template_name;  // empty: the metric's template
};

struct SurveyRow {
    std::int64_t id = 0;
    std::string event_id, event_type, flow, flow_version, step, metric;
    int scale_min = 0, scale_max = 10;
    bool low_is_good = false, follow_up_why = false;
    std::string contact_id, contact_name, locale, segment;
    std::string staff_id, staff_name, staff_email, staff_phone;
    std::string channels;  // JSON array of channel names, in order of preference
    std::string channel, address;
    SurveyState state = SurveyState::scheduled;
    std::string reason;
    std::optional<Seconds> due_at, expires_at, sent_at, answered_at, commented_at, closed_at;
    std::optional<int> score;
    std::string comment;
    int retries = 0, reminders_sent = 0, reminders_max = 0;
    std::optional<Seconds> next_reminder_at, comment_until;
    AlertState alert_state = AlertState::none;
    std::optional<Seconds> alert_due_at;
    Seconds created_at = 0, updated_at = 0;
    std::string deal_id;   // from the event; arbitration and cancel_on match on it
    std::string timezone;  // the zone the survey was planned in; empty: the flow's
    // Due, but waiting while this survey on the same address awaits its answer.
    std::optional<std::int64_t> held_by;
    std::string suppressed_by;  // the event that cancelled it or beat it in arbitration
    // metric/scale/low_is_good above are the first question's (reports, pages and alerts
    // read them), asked with this template (empty: the metric's). A step of several
    // questions, or one whose question has its own id, keeps all of them in `questions`.
    std::string template_name;
    std::vector<SurveyQuestion> questions;
    // The question that awaits its answer: 0 until the first is answered; past the last
    // (== question_count) once every question has one.
    int question = 0;
    // Closed as `superseded` when this newer survey went to the same address.
    std::optional<std::int64_t> superseded_by;
    // Held (held_by) with on_waiting: wait: it goes at this instant at the latest,
    // superseding the survey it waits for.
    std::optional<Seconds> wait_until;
    // Of an anonymous flow: unlinked from the person once it closes (personal_data.hpp).
    bool anonymous = false;
};

int question_count(const SurveyRow& s);
SurveyQuestion question_at(const SurveyRow& s, int index);  // 0: the first

// One answered question (table answers): reports count these, one row per question.
struct AnswerRow {
    int question = 0;
    std::string question_id, metric;
    int scale_min = 0, scale_max = 10;
    bool low_is_good = false;
    int score = 0;
    Seconds answered_at = 0;
};

struct MessageRow {
    std::int64_t id = 0;
    std::optional<std::int64_t> survey_id;
    std::string kind;  // survey, reminder, why, retry, thanks, alert, reply, optout, help
    std::string channel, address, locale, subject, body;
    MessageState state = MessageState::queued;
    std::string provider_id, error;
    int attempts = 0;
    Seconds created_at = 0;
    std::optional<Seconds> sent_at;
    std::optional<Seconds> next_attempt_at;  // a retry waits until then
    std::string error_code;                  // the provider's own code ("21610", "406")
    std::string encoding;                    // SMS: gsm7 or ucs2
    std::optional<int> segments;             // SMS parts
    std::optional<Seconds> delivered_at;

    // Not stored. Set when a survey or reminder is claimed for sending: the survey's scale
    // and the time its answer links stop working, for the email's score buttons.
    struct AnswerLinks {
        int scale_min = 0, scale_max = 10;
        Seconds expires_at = 0;
    };
    std::optional<AnswerLinks> answer_links;
};

// A survey's scale and expiry (none when it has no expiry): what its answer links need.
struct SurveyScale {
    int scale_min = 0, scale_max = 10;
    std::optional<Seconds> expires_at;
};

// A survey as read earlier in a transaction, and as it is to be saved in the same one.
struct SurveyChange {
    SurveyRow read;
    SurveyRow row;
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class Records {
  public:
    // Records (or replaces: a page's Send after a click) the answer to question `index`.
    virtual void record_answer(const SurveyRow& s, int index, int score, Seconds now) = 0;
    virtual std::vector<AnswerRow> answers_of(std::int64_t survey_id) = 0;
    virtual std::int64_t insert_survey(const SurveyRow& row) = 0;

    // Writes every mutable column. Throws IllegalTransition when the stored state (or alert
    // state) may not move to the row's.
    virtual void save_survey(const SurveyRow& row) = 0;
    // save_survey for a caller that read the surveys earlier in this same transaction and
    // changed nothing else of them since: each change holds a survey as read and as it is
    // to be written, each survey at most once. Writes the columns in which they differ,
    // without reading the surveys again (the scheduler's claim of 500 due surveys spent a
    // fifth of its time on that lookup), the surveys that change the same columns in one
    // statement: with the triggers on surveys, a statement per survey cost SQLite about as
    // much again as the row it wrote (a tenth of that claim, bench_scale_claim). Every
    // transition is checked, against the row as read, before anything is written.
    virtual void save_survey_changes(const std::vector<SurveyChange>& changes) = 0;
    virtual std::optional<SurveyRow> find_survey(std::int64_t id) = 0;
    // Moves a survey being sent (`sending`) to `sent` at `now`, as save_survey would write it;
    // false when it is no longer being sent (opted out, closed or erased meanwhile). Every
    // send's result takes this path: a narrow lookup and an UPDATE of the columns a send
    // changes, instead of reading the whole row twice and comparing it.
    virtual bool mark_survey_sent(std::int64_t id, Seconds now) = 0;
    virtual std::optional<SurveyScale> survey_scale(std::int64_t id) = 0;
    virtual std::int64_t insert_message(const MessageRow& row) = 0;
    virtual std::optional<MessageRow> find_message(std::int64_t id) = 0;
    // The dispatcher's claim: a queued message that is due (no retry time, or one reached)
    // moves to `sending` with one more attempt, in one UPDATE, and comes back as claimed;
    // nullopt when it is not queued (claimed, cancelled or sent meanwhile) or not due yet.
    virtual std::optional<MessageRow> claim_queued_message(std::int64_t id, Seconds now) = 0;
    virtual void set_message_state(std::int64_t id, MessageState state,
                                   const std::string& provider_id, const std::string& error,
                                   Seconds now) = 0;

    // A send's success: the message being sent (`sending`) becomes `sent` at `now` with the
    // provider's id, as update_message would write it (error and retry time cleared), in
    // one UPDATE of the columns a send changes. False, and nothing written, when the
    // message is not being sent.
    virtual bool mark_message_sent(std::int64_t id, const std::string& provider_id,
                                   Seconds now) = 0;
    // Writes every mutable column of a message (state, provider id, errors, retry time).
    // Throws IllegalTransition when the stored state may not move to the row's.
    virtual void update_message(const MessageRow& row, Seconds now) = 0;
    virtual bool is_opted_out(const std::string& address) = 0;

    // Opts an address out of everything pending; returns true the first time.
    virtual bool opt_out_address(const std::string& address, const std::string& source,
                                 Seconds now) = 0;

    // A value kept in the database across restarts (e.g. the secret for unsubscribe links),
    // created with make() the first time it is asked for.
    virtual std::string setting(const std::string& key,
                                const std::function<std::string()>& make) = 0;
    virtual void put_setting(const std::string& key, const std::string& value) = 0;

  protected:
    ~Records() = default;
};

}  // namespace cxgate::store
