// The outbox of outbound events (outbound_events.hpp).
#include "cxgate/store/outbound_events.hpp"

#include <SQLiteCpp/Statement.h>

#include "columns.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

constexpr const char* kColumns =
    "id, event_id, receiver, type, survey_id, payload, state, attempts, created_at, "
    "next_attempt_at, finished_at, error";

OutboundState parse_state(const std::string& word) {
    if (word == "pending") return OutboundState::pending;
    if (word == "delivered") return OutboundState::delivered;
    if (word == "failed") return OutboundState::failed;
    throw std::runtime_error("outbound event: unknown state '" + word + "' in the database");
}

OutboundEventRow read_row(SQLite::Statement& st) {
    OutboundEventRow r;
    r.id = st.getColumn(0).getInt64();
    r.event_id = st.getColumn(1).getString();
    r.receiver = st.getColumn(2).getString();
    r.type = st.getColumn(3).getString();
    r.survey_id = st.getColumn(4).getInt64();
    r.payload = st.getColumn(5).getString();
    r.state = parse_state(st.getColumn(6).getString());
    r.attempts = st.getColumn(7).getInt();
    r.created_at = st.getColumn(8).getInt64();
    r.next_attempt_at = optional_int(st.getColumn(9));
    r.finished_at = optional_int(st.getColumn(10));
    r.error = text(st.getColumn(11));
    return r;
}

std::vector<OutboundEventRow> read_rows(SQLite::Statement& st) {
    std::vector<OutboundEventRow> out;
    while (st.executeStep()) out.push_back(read_row(st));
    return out;
}

// The row behind `id` in its receiver's queue for its survey becomes the head, due at `now`.
void promote_next(SQLite::Database& db, std::int64_t id, Seconds now) {
    auto st = cached(db,
                     "UPDATE outbound_events SET next_attempt_at = ?1 WHERE id = (SELECT MIN(p.id) "
                     "FROM outbound_events p, outbound_events done WHERE done.id = ?2 AND "
                     "p.state = 'pending' AND p.receiver = done.receiver AND p.survey_id = "
                     "done.survey_id)");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, static_cast<std::int64_t>(id));
    st->exec();
}

}  // namespace

void SqliteStore::queue_outbound_event(const OutboundEventRow& row) {
    auto st = cached(db_,
                     "INSERT INTO outbound_events (event_id, receiver, type, survey_id, payload, "
                     "created_at, next_attempt_at) VALUES (?1,?2,?3,?4,?5,?6, CASE WHEN EXISTS "
                     "(SELECT 1 FROM outbound_events WHERE state = 'pending' AND receiver = ?2 "
                     "AND survey_id = ?4) THEN NULL ELSE ?6 END)");
    st->bind(1, row.event_id);
    st->bind(2, row.receiver);
    st->bind(3, row.type);
    st->bind(4, static_cast<std::int64_t>(row.survey_id));
    st->bind(5, row.payload);
    st->bind(6, static_cast<std::int64_t>(row.created_at));
    st->exec();
}

std::vector<OutboundEventRow> SqliteStore::outbound_events_due(Seconds now, size_t limit) {
    // Only heads have a next_attempt_at (migration 17): the rows behind one wait, whatever
    // its retry time, so a retry holds the survey's later events back.
    auto st = cached(db_, std::string("SELECT ") + kColumns +
                              " FROM outbound_events WHERE state = 'pending' AND "
                              "next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, static_cast<std::int64_t>(limit));
    return read_rows(*st);
}

void SqliteStore::outbound_delivered(std::int64_t id, int attempts, Seconds now) {
    auto st = cached(db_,
                     "UPDATE outbound_events SET state = 'delivered', payload = '', attempts = ?, "
                     "finished_at = ?, error = NULL WHERE id = ? AND state = 'pending'");
    st->bind(1, attempts);
    st->bind(2, static_cast<std::int64_t>(now));
    st->bind(3, static_cast<std::int64_t>(id));
    if (st->exec() > 0) promote_next(db_, id, now);
}

void SqliteStore::outbound_retry(std::int64_t id, int attempts, Seconds next_attempt_at,
                                 const std::string& error) {
    auto st = cached(db_,
                     "UPDATE outbound_events SET attempts = ?, next_attempt_at = ?, error = ? "
                     "WHERE id = ? AND state = 'pending'");
    st->bind(1, attempts);
    st->bind(2, static_cast<std::int64_t>(next_attempt_at));
    bind_text(*st, 3, error);
    st->bind(4, static_cast<std::int64_t>(id));
    st->exec();
}

void SqliteStore::outbound_failed(std::int64_t id, int attempts, Seconds now,
                                  const std::string& error) {
    auto st = cached(db_,
                     "UPDATE outbound_events SET state = 'failed', payload = '', attempts = ?, "
                     "finished_at = ?, error = ? WHERE id = ? AND state = 'pending'");
    st->bind(1, attempts);
    st->bind(2, static_cast<std::int64_t>(now));
    bind_text(*st, 3, error);
    st->bind(4, static_cast<std::int64_t>(id));
    if (st->exec() > 0) promote_next(db_, id, now);
}

OutboundCounts SqliteStore::outbound_counts() {
    auto st = cached(db_, "SELECT state, count(*) FROM outbound_events GROUP BY state");
    OutboundCounts out;
    while (st->executeStep()) {
        const auto state = parse_state(st->getColumn(0).getString());
        const long long n = st->getColumn(1).getInt64();
        if (state == OutboundState::pending) out.pending = n;
        if (state == OutboundState::delivered) out.delivered = n;
        if (state == OutboundState::failed) out.failed = n;
    }
    return out;
}

size_t SqliteStore::prune_outbound_events(Seconds before, size_t limit) {
    auto st = cached(db_,
                     "DELETE FROM outbound_events WHERE id IN (SELECT id FROM outbound_events "
                     "WHERE state <> 'pending' AND finished_at < ? LIMIT ?)");
    st->bind(1, static_cast<std::int64_t>(before));
    st->bind(2, static_cast<std::int64_t>(limit));
    return static_cast<size_t>(st->exec());
}

std::vector<OutboundEventRow> SqliteStore::outbound_events_of_survey(std::int64_t survey_id) {
    auto st = cached(db_, std::string("SELECT ") + kColumns +
                              " FROM outbound_events WHERE survey_id = ? ORDER BY id");
    st->bind(1, static_cast<std::int64_t>(survey_id));
    return read_rows(*st);
}

}  // namespace cxgate::store
