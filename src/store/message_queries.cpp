// The message questions of message_queries.hpp.
#include "cxgate/store/message_queries.hpp"

#include <SQLiteCpp/Statement.h>

#include "cxgate/store/statement_cache.hpp"
#include "row_select.hpp"

namespace cxgate::store {

std::vector<std::int64_t> queued_messages_due(SQLite::Database& db, Seconds now, size_t limit) {
    auto st = cached(db,
                     "SELECT id FROM messages WHERE state = 'queued' AND (next_attempt_at IS NULL "
                     "OR next_attempt_at <= ?) ORDER BY id LIMIT ?");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, static_cast<std::int64_t>(limit));
    std::vector<std::int64_t> ids;
    while (st->executeStep()) ids.push_back(st->getColumn(0).getInt64());
    return ids;
}

std::vector<MessageRow> messages_in_flight(SQLite::Database& db) {
    return messages_where(db, "state = 'sending'");
}

std::vector<MessageRow> messages_by_provider_id(SQLite::Database& db, const std::string& channel,
                                                const std::string& provider_id) {
    return messages_where(db, "channel = ? AND provider_id = ?", {channel, provider_id});
}

std::vector<MessageRow> messages_of_survey(SQLite::Database& db, std::int64_t survey_id) {
    return messages_where(db, "survey_id = ?", {std::to_string(survey_id)}, "ORDER BY id");
}

std::vector<MessageRow> messages_after(SQLite::Database& db, std::int64_t id) {
    return messages_where(db, "id > ?", {std::to_string(id)}, "ORDER BY id");
}

std::vector<MessageRow> outbox(SQLite::Database& db, const OutboxFilter& filter) {
    std::string where = "1 = 1";
    std::vector<std::string> args;
    if (!filter.address.empty()) {
        where += " AND address = ?";
        args.push_back(filter.address);
    }
    if (!filter.kind.empty()) {
        where += " AND kind = ?";
        args.push_back(filter.kind);
    }
    return messages_where(db,
                          "id IN (SELECT id FROM messages WHERE " + where +
                              " ORDER BY id DESC LIMIT " + std::to_string(filter.limit) + ")",
                          args, "ORDER BY id");
}

}  // namespace cxgate::store
