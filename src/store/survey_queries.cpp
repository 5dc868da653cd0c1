// The survey questions of survey_queries.hpp. The awaiting rule is written once, below.
#include "cxgate/store/survey_queries.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "columns.hpp"

#include "row_select.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

// A survey awaits the customer: its score (sent, delivered) or, answered, a further
// question's answer or its "why?" while the comment window is open. `now` is the SQL
// parameter holding the current instant.
std::string awaits_customer(const std::string& now) {
    return "(state IN ('sent', 'delivered') OR (state = 'answered' AND comment_until > " + now +
           "))";
}

// ... or is about to: a survey being sent is awaited too.
std::string awaits_or_sending(const std::string& now) {
    return "(state = 'sending' OR " + awaits_customer(now) + ")";
}

}  // namespace

std::optional<SurveyRow> SqliteStore::waiting_survey_for(const std::string& address, Seconds now) {
    auto rows = surveys_where(db_, "address = ?1 AND " + awaits_customer("?2"),
                              {address, std::to_string(now)},
                              "ORDER BY COALESCE(sent_at, due_at) DESC, id DESC LIMIT 1");
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

// Asked for every survey the scheduler claims, and nearly always answered "none": MIN(id)
// reads the address's few index entries with no sort, where ORDER BY id LIMIT 1 built a
// temporary b-tree for every call (the index is ordered by state, not id). The row is read
// only when there is one.
std::optional<SurveyRow> SqliteStore::survey_in_the_way(const std::string& address,
                                                        std::int64_t except, Seconds now) {
    static const std::string sql =
        "SELECT MIN(id) FROM surveys WHERE address = ?1 AND id <> ?2 AND " +
        awaits_or_sending("?3");
    std::int64_t id = 0;
    {
        auto st = cached(db_, sql);
        st->bind(1, address);
        st->bind(2, static_cast<std::int64_t>(except));
        st->bind(3, static_cast<std::int64_t>(now));
        if (!st->executeStep() || st->getColumn(0).isNull()) return std::nullopt;
        id = st->getColumn(0).getInt64();
    }
    return find_survey(id);
}

std::vector<HistoryRow> SqliteStore::survey_history(const std::string& contact_id,
                                                    const std::string& deal_id, Seconds now) {
    auto st = cached(db_,
                     "SELECT id, flow, step, state, COALESCE(sent_at, due_at), deal_id, "
                     "contact_id, sent_at IS NOT NULL OR state IN ('scheduled', 'sending'), "
                     "address, " +
                         awaits_or_sending("?3") +
                         " FROM surveys WHERE (contact_id = ?1 OR (?2 <> '' AND deal_id = ?2)) "
                         "AND state <> 'suppressed'");
    st->bind(1, contact_id);
    st->bind(2, deal_id);
    st->bind(3, static_cast<std::int64_t>(now));
    std::vector<HistoryRow> out;
    while (st->executeStep()) {
        HistoryRow h;
        h.id = st->getColumn(0).getInt64();
        h.flow = text(st->getColumn(1));
        h.step = text(st->getColumn(2));
        h.state = parse_survey_state(text(st->getColumn(3))).value_or(SurveyState::closed);
        h.at = st->getColumn(4).getInt64();
        h.deal_id = text(st->getColumn(5));
        h.contact_id = text(st->getColumn(6));
        h.counts = st->getColumn(7).getInt() != 0;
        h.address = text(st->getColumn(8));
        h.awaiting = st->getColumn(9).getInt() != 0;
        out.push_back(std::move(h));
    }
    return out;
}

// The scheduler's every-pass questions name their index (INDEXED BY): without ANALYZE's
// statistics SQLite takes `state = ?` for a selective equality and plans them on
// surveys_by_due (state, due_at), reading every survey of that state, a million of them when
// a million wait (issue 15). Named, each reads only the rows it returns, and a statement
// whose index is gone fails to prepare instead of slowing down unnoticed;
// tests/unit/store/test_query_plans.cpp checks every one of them.
std::vector<SurveyRow> SqliteStore::due_surveys(Seconds now, size_t limit) {
    // Held surveys (waiting for another survey on their address) come after every survey
    // that can go, each group in order of due time.
    auto due = surveys_where(
        db_, "state = 'scheduled' AND held_by IS NULL AND due_at <= ?", {std::to_string(now)},
        "ORDER BY due_at, id LIMIT " + std::to_string(limit), "INDEXED BY surveys_due");
    if (due.size() >= limit) return due;
    auto held = surveys_where(db_, "state = 'scheduled' AND held_by IS NOT NULL AND due_at <= ?",
                              {std::to_string(now)},
                              "ORDER BY due_at, id LIMIT " + std::to_string(limit - due.size()),
                              "INDEXED BY surveys_held");
    due.insert(due.end(), std::make_move_iterator(held.begin()),
               std::make_move_iterator(held.end()));
    return due;
}

std::vector<SurveyRow> SqliteStore::reminders_due(Seconds now, size_t limit) {
    return surveys_where(
        db_,
        "state IN ('sent', 'delivered') AND next_reminder_at <= ?1 "
        "AND reminders_sent < reminders_max AND (expires_at IS NULL OR expires_at > ?1)",
        {std::to_string(now)}, "ORDER BY next_reminder_at LIMIT " + std::to_string(limit),
        "INDEXED BY surveys_by_reminder");
}

std::vector<SurveyRow> SqliteStore::alerts_due(Seconds now) {
    return surveys_where(db_, "alert_state = 'pending' AND alert_due_at <= ?",
                         {std::to_string(now)}, "", "INDEXED BY surveys_by_alert");
}

int SqliteStore::expire_unanswered(Seconds now) {
    auto st = cached(db_,
                     "UPDATE surveys INDEXED BY surveys_by_expiry SET state = 'expired', "
                     "reason = 'expired: no answer before expiry', next_reminder_at = NULL, "
                     "updated_at = ?1 WHERE state IN ('sent', 'delivered') AND expires_at <= ?1");
    st->bind(1, static_cast<std::int64_t>(now));
    return st->exec();
}

int SqliteStore::close_ended_comment_windows(Seconds now) {
    auto st = cached(db_,
                     "UPDATE surveys INDEXED BY surveys_by_comment SET state = 'closed', "
                     "closed_at = ?1, comment_until = NULL, updated_at = ?1 "
                     "WHERE state = 'answered' AND comment_until <= ?1");
    st->bind(1, static_cast<std::int64_t>(now));
    return st->exec();
}

// The earliest instant any of the pass's questions has something due: one index entry read
// per line. A held survey is due again at the earlier of its wait's end and its expiry.
std::optional<Seconds> SqliteStore::next_due() {
    auto st = cached(
        db_,
        "SELECT MIN(t) FROM ("
        " SELECT MIN(due_at) AS t FROM surveys INDEXED BY surveys_due"
        " WHERE state = 'scheduled' AND held_by IS NULL"
        " UNION ALL SELECT MIN(COALESCE(MIN(wait_until, expires_at), wait_until, expires_at))"
        " FROM surveys INDEXED BY surveys_held_until"
        " WHERE state = 'scheduled' AND held_by IS NOT NULL"
        " UNION ALL SELECT MIN(next_reminder_at) FROM surveys INDEXED BY surveys_by_reminder"
        " WHERE state IN ('sent', 'delivered') AND reminders_sent < reminders_max"
        " UNION ALL SELECT MIN(expires_at) FROM surveys INDEXED BY surveys_by_expiry"
        " WHERE state IN ('sent', 'delivered')"
        " UNION ALL SELECT MIN(alert_due_at) FROM surveys INDEXED BY surveys_by_alert"
        " WHERE alert_state = 'pending'"
        " UNION ALL SELECT MIN(comment_until) FROM surveys INDEXED BY surveys_by_comment"
        " WHERE state = 'answered'"
        " UNION ALL SELECT MIN(next_attempt_at) FROM messages INDEXED BY messages_by_retry"
        " WHERE state = 'queued'"
        " UNION ALL SELECT MIN(settle_at) FROM answer_clicks INDEXED BY answer_clicks_by_settle"
        " WHERE state = 'pending')");
    if (st->executeStep() && !st->getColumn(0).isNull()) return st->getColumn(0).getInt64();
    return std::nullopt;
}

std::optional<std::string> SqliteStore::latest_locale(const std::string& address) {
    auto st = cached(db_, "SELECT locale FROM surveys WHERE address = ? ORDER BY id DESC LIMIT 1");
    st->bind(1, address);
    if (!st->executeStep()) return std::nullopt;
    return st->getColumn(0).getString();
}

std::vector<SurveyRow> SqliteStore::answered_surveys(const ResponsePage& page) {
    // An anonymous survey is listed once it is unlinked from its person (personal_data.hpp).
    std::string where = "score IS NOT NULL AND NOT (anonymous = 1 AND address IS NOT NULL)";
    std::vector<std::string> args;
    if (!page.flow.empty()) {
        where += " AND flow = ?";
        args.push_back(page.flow);
    }
    if (page.since) {
        where += " AND answered_at >= ?";
        args.push_back(std::to_string(*page.since));
    }
    if (page.until) {
        where += " AND answered_at < ?";
        args.push_back(std::to_string(*page.until));
    }
    if (!page.step.empty()) {
        where += " AND step = ?";
        args.push_back(page.step);
    }
    if (page.staff) {
        // One placeholder per id: a team is a handful of people, never a long list.
        where += " AND staff_id IN (NULL";
        for (const auto& id : *page.staff) {
            where += ", ?";
            args.push_back(id);
        }
        where += ")";
    }
    if (page.alerted_only) where += " AND alert_state = 'sent'";
    const char* later = page.newest_first ? "<" : ">";
    if (page.after) {
        where += std::string(" AND (answered_at ") + later + " ? OR (answered_at = ? AND id " +
                 later + " ?))";
        args.push_back(std::to_string(page.after->first));
        args.push_back(std::to_string(page.after->first));
        args.push_back(std::to_string(page.after->second));
    }
    return surveys_where(db_, where, args,
                         std::string(page.newest_first ? "ORDER BY answered_at DESC, id DESC"
                                                       : "ORDER BY answered_at, id") +
                             " LIMIT " + std::to_string(page.limit));
}

std::vector<SurveyRow> SqliteStore::all_surveys() {
    return surveys_where(db_, "1 = 1", {}, "ORDER BY id");
}

}  // namespace cxgate::store
