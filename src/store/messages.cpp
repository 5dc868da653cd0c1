// The messages table: outgoing messages, one row each, with their state and the provider's
// answer.
#include <SQLiteCpp/Statement.h>

#include "columns.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "row_select.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

const char* kMessageColumns =
    "id, survey_id, kind, channel, address, locale, subject, body, state, provider_id, error, "
    "attempts, created_at, sent_at, next_attempt_at, error_code, encoding, segments, delivered_at";

MessageRow read_message(SQLite::Statement& st) {
    MessageRow m;
    int i = 0;
    m.id = st.getColumn(i++).getInt64();
    m.survey_id = optional_int(st.getColumn(i++));
    m.kind = text(st.getColumn(i++));
    m.channel = text(st.getColumn(i++));
    m.address = text(st.getColumn(i++));
    m.locale = text(st.getColumn(i++));
    m.subject = text(st.getColumn(i++));
    m.body = text(st.getColumn(i++));
    m.state = stored_state(parse_message_state, text(st.getColumn(i++)), "message", m.id);
    m.provider_id = text(st.getColumn(i++));
    m.error = text(st.getColumn(i++));
    m.attempts = st.getColumn(i++).getInt();
    m.created_at = st.getColumn(i++).getInt64();
    m.sent_at = optional_int(st.getColumn(i++));
    m.next_attempt_at = optional_int(st.getColumn(i++));
    m.error_code = text(st.getColumn(i++));
    m.encoding = text(st.getColumn(i++));
    if (auto segments = optional_int(st.getColumn(i++))) m.segments = static_cast<int>(*segments);
    m.delivered_at = optional_int(st.getColumn(i++));
    return m;
}

void check_message_move(SQLite::Database& db, std::int64_t id, MessageState to) {
    auto stored = store::cached(db, "SELECT state FROM messages WHERE id = ?");
    stored->bind(1, static_cast<std::int64_t>(id));
    if (stored->executeStep())
        require_move(stored_state(parse_message_state, text(stored->getColumn(0)), "message", id),
                     to, "message " + std::to_string(id));
}

}  // namespace

std::int64_t SqliteStore::insert_message(const MessageRow& m) {
    auto st =
        store::cached(db_,
                      "INSERT INTO messages (survey_id, kind, channel, address, locale, subject, "
                      "body, state, provider_id, error, attempts, created_at, sent_at, updated_at, "
                      "next_attempt_at, error_code, encoding, segments) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    int i = 1;
    bind_optional(*st, i++, m.survey_id);
    st->bind(i++, m.kind);
    st->bind(i++, m.channel);
    st->bind(i++, m.address);
    bind_text(*st, i++, m.locale);
    bind_text(*st, i++, m.subject);
    st->bind(i++, m.body);
    st->bind(i++, std::string(to_string(m.state)));
    bind_text(*st, i++, m.provider_id);
    bind_text(*st, i++, m.error);
    st->bind(i++, m.attempts);
    st->bind(i++, static_cast<std::int64_t>(m.created_at));
    bind_optional(*st, i++, m.sent_at);
    st->bind(i++, static_cast<std::int64_t>(m.created_at));
    bind_optional(*st, i++, m.next_attempt_at);
    bind_text(*st, i++, m.error_code);
    bind_text(*st, i++, m.encoding);
    bind_optional(*st, i++, m.segments);
    st->exec();
    return db_.getLastInsertRowid();
}

void SqliteStore::update_message(const MessageRow& m, Seconds now) {
    check_message_move(db_, m.id, m.state);
    // An address wiped by an erasure while the send was under way stays wiped: the
    // dispatcher records the result from the row it claimed, which still has it.
    auto st =
        store::cached(db_,
                      "UPDATE messages SET channel = ?, "
                      "address = CASE WHEN address = '' THEN '' ELSE ? END, "
                      "state = ?, provider_id = ?, "
                      "error = ?, attempts = ?, sent_at = ?, next_attempt_at = ?, error_code = ?, "
                      "delivered_at = ?, updated_at = ? WHERE id = ?");
    int i = 1;
    st->bind(i++, m.channel);
    st->bind(i++, m.address);
    st->bind(i++, std::string(to_string(m.state)));
    bind_text(*st, i++, m.provider_id);
    bind_text(*st, i++, m.error);
    st->bind(i++, m.attempts);
    bind_optional(*st, i++, m.sent_at);
    bind_optional(*st, i++, m.next_attempt_at);
    bind_text(*st, i++, m.error_code);
    bind_optional(*st, i++, m.delivered_at);
    st->bind(i++, static_cast<std::int64_t>(now));
    st->bind(i++, static_cast<std::int64_t>(m.id));
    st->exec();
}

bool SqliteStore::mark_message_sent(std::int64_t id, const std::string& provider_id, Seconds now) {
    // The WHERE is update_message's check; channel and address stay out of the SET, so
    // SQLite leaves the indexes and the trigger on them alone.
    auto st = store::cached(db_,
                            "UPDATE messages SET state = 'sent', provider_id = ?2, error = NULL, "
                            "sent_at = ?3, next_attempt_at = NULL, updated_at = ?3 "
                            "WHERE id = ?1 AND state = 'sending'");
    st->bind(1, static_cast<std::int64_t>(id));
    bind_text(*st, 2, provider_id);
    st->bind(3, static_cast<std::int64_t>(now));
    return st->exec() == 1;
}

std::optional<MessageRow> SqliteStore::find_message(std::int64_t id) {
    auto rows = messages_where(db_, "id = ?", {std::to_string(id)});
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<MessageRow> SqliteStore::claim_queued_message(std::int64_t id, Seconds now) {
    // One statement where the claim took three: reading the whole row, looking its state up
    // again (update_message's check) and writing every column back. The WHERE is the check.
    static const std::string sql =
        std::string(
            "UPDATE messages SET state = 'sending', attempts = attempts + 1, "
            "updated_at = ?2 WHERE id = ?1 AND state = 'queued' AND "
            "(next_attempt_at IS NULL OR next_attempt_at <= ?2) RETURNING ") +
        kMessageColumns;
    auto st = store::cached(db_, sql);
    st->bind(1, static_cast<std::int64_t>(id));
    st->bind(2, static_cast<std::int64_t>(now));
    if (!st->executeStep()) return std::nullopt;
    return read_message(*st);
}

std::vector<MessageRow> messages_where(SQLite::Database& db, const std::string& where_sql,
                                       const std::vector<std::string>& args,
                                       const std::string& tail_sql) {
    auto st = store::cached(db, std::string("SELECT ") + kMessageColumns + " FROM messages WHERE " +
                                    where_sql + " " + tail_sql);
    for (size_t i = 0; i < args.size(); ++i) st->bind(static_cast<int>(i + 1), args[i]);
    std::vector<MessageRow> out;
    while (st->executeStep()) out.push_back(read_message(*st));
    return out;
}

void SqliteStore::set_message_state(std::int64_t id, MessageState to,
                                    const std::string& provider_id, const std::string& error,
                                    Seconds now) {
    check_message_move(db_, id, to);
    const std::string state(to_string(to));
    auto st =
        store::cached(db_,
                      "UPDATE messages SET state = ?, provider_id = COALESCE(?, provider_id), "
                      "error = ?, updated_at = ?, "
                      "sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, "
                      "attempts = attempts + CASE WHEN ? = 'sending' THEN 1 ELSE 0 END "
                      "WHERE id = ?");
    st->bind(1, state);
    bind_text(*st, 2, provider_id);
    bind_text(*st, 3, error);
    st->bind(4, static_cast<std::int64_t>(now));
    st->bind(5, state);
    st->bind(6, static_cast<std::int64_t>(now));
    st->bind(7, state);
    st->bind(8, static_cast<std::int64_t>(id));
    st->exec();
}

}  // namespace cxgate::store
