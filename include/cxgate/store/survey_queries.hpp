#pragma once
// The questions the daemon asks about surveys, each named for what it decides. The rules
// that several components share live here once: which survey awaits the customer on an
// address (the reply matcher, the scheduler's supersede and the planner's history all ask
// it), and what is due.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

// A contact's surveys (and other contacts' on the same deal) that were not suppressed, as
// the planner weighs them.
struct HistoryRow {
    std::int64_t id = 0;
    std::string flow, step;
    SurveyState state = SurveyState::scheduled;
    Seconds at = 0;  // sent_at when sent, else due_at
    std::string deal_id, contact_id, address;
    bool counts = false;    // went out or will (not expired or opted out before its turn)
    bool awaiting = false;  // awaits the customer (or is being sent) right now
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
// Which answered surveys an export reads, a page at a time.
struct ResponsePage {
    std::string flow;                     // empty: every flow
    std::string step;                     // empty: every step
    std::optional<Seconds> since, until;  // answered_at in [since, until)
    // Only the surveys of these staff members (a person's or a team's own); an empty list
    // matches nothing. Without it: everyone's.
    std::optional<std::vector<std::string>> staff;
    bool alerted_only = false;  // only those whose low score alerted someone
    bool newest_first = false;  // the dashboard's lists; exports read oldest first
    // The last row of the previous page: (answered_at, id). Rows after it (before it, newest
    // first) come next.
    std::optional<std::pair<Seconds, std::int64_t>> after;
    size_t limit = 1000;
};

class SurveyQueries {
  public:
    // The newest survey on `address` that waits for something from the customer: a score
    // (sent, delivered), or a further question's answer or the comment (answered, while its
    // comment window is open). A reply on that address belongs to it. Matched on the address
    // alone: an email reply may arrive through another email channel's inbound route than the
    // one that sent it, and a survey that failed over from email to SMS is answered on its new
    // address.
    virtual std::optional<SurveyRow> waiting_survey_for(const std::string& address,
                                                        Seconds now) = 0;

    // The survey (other than `except`) that stands in the way of a new one on `address`: one
    // that awaits the customer as above, or one still being sent. At most one exists per
    // address, so a reply always belongs to one question.
    virtual std::optional<SurveyRow> survey_in_the_way(const std::string& address,
                                                       std::int64_t except, Seconds now) = 0;
    virtual std::vector<HistoryRow> survey_history(const std::string& contact_id,
                                                   const std::string& deal_id, Seconds now) = 0;

    // Scheduled surveys due by `now`, at most `limit`; held ones (waiting for another survey on
    // their address) last, so they never crowd out surveys that can go in a pass at the limit.
    virtual std::vector<SurveyRow> due_surveys(Seconds now, size_t limit) = 0;

    // Sent surveys whose next reminder is due and that have reminders left and time to run.
    virtual std::vector<SurveyRow> reminders_due(Seconds now, size_t limit) = 0;

    // Surveys whose alert waited for the reason long enough.
    virtual std::vector<SurveyRow> alerts_due(Seconds now) = 0;

    // Unanswered surveys past their expiry become `expired`; returns how many.
    virtual int expire_unanswered(Seconds now) = 0;

    // Answered surveys whose comment window ended without the comment are `closed`; returns
    // how many.
    virtual int close_ended_comment_windows(Seconds now) = 0;

    // The earliest instant at which any of the above, a message retry or a click settling has
    // work to do: the scheduler sleeps until then.
    virtual std::optional<Seconds> next_due() = 0;

    // The locale of the newest survey sent to `address` (a STOP or HELP answer speaks it).
    virtual std::optional<std::string> latest_locale(const std::string& address) = 0;

    // A page of answered surveys (a score recorded) in the order they were answered
    // (answered_at, then id): after the page's cursor, at most `limit`.
    virtual std::vector<SurveyRow> answered_surveys(const ResponsePage& page) = 0;

    // Every survey in id order (`cxgate simulate` prints what changed).
    virtual std::vector<SurveyRow> all_surveys() = 0;

  protected:
    ~SurveyQueries() = default;
};

}  // namespace cxgate::store
