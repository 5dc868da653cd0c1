// The message questions of message_queries.hpp.
#include "cxgate/store/message_queries.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "row_select.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

// Never tried first, oldest first, then retries by when they are due: each read from
// messages_by_retry (next_attempt_at, its NULLs in id order), never every queued message.
std::vector<std::int64_t> SqliteStore::queued_messages_due(Seconds now, size_t limit) {
    std::vector<std::int64_t> ids;
    {
        auto st = cached(db_,
                         "SELECT id FROM messages INDEXED BY messages_by_retry WHERE state = "
                         "'queued' AND next_attempt_at IS NULL ORDER BY id LIMIT ?");
        st->bind(1, static_cast<std::int64_t>(limit));
        while (st->executeStep()) ids.push_back(st->getColumn(0).getInt64());
    }
    if (ids.size() >= limit) return ids;
    auto st = cached(db_,
                     "SELECT id FROM messages INDEXED BY messages_by_retry WHERE state = 'queued' "
                     "AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, static_cast<std::int64_t>(limit - ids.size()));
    while (st->executeStep()) ids.push_back(st->getColumn(0).getInt64());
    return ids;
}

std::vector<std::pair<std::int64_t, std::string>> SqliteStore::queued_channels(
    const std::vector<std::int64_t>& ids, Seconds now) {
    std::string list = "[";
    for (const auto id : ids) list += (list.size() > 1 ? "," : "") + std::to_string(id);
    list += "]";
    // One statement for any number of ids (an IN list would be a statement per length);
    // CROSS JOIN keeps the list outside, so each id is a lookup by rowid.
    auto st = cached(db_,
                     "SELECT m.id, m.channel FROM json_each(?1) AS j CROSS JOIN messages AS m "
                     "ON m.id = j.value WHERE m.state = 'queued' AND "
                     "(m.next_attempt_at IS NULL OR m.next_attempt_at <= ?2)");
    st->bind(1, list);
    st->bind(2, static_cast<std::int64_t>(now));
    std::vector<std::pair<std::int64_t, std::string>> out;
    while (st->executeStep())
        out.emplace_back(st->getColumn(0).getInt64(), st->getColumn(1).getString());
    return out;
}

std::vector<MessageRow> SqliteStore::messages_in_flight() {
    return messages_where(db_, "state = 'sending'");
}

std::vector<MessageRow> SqliteStore::messages_by_provider_id(const std::string& channel,
                                                             const std::string& provider_id) {
    return messages_where(db_, "channel = ? AND provider_id = ?", {channel, provider_id});
}

std::vector<MessageRow> SqliteStore::messages_of_survey(std::int64_t survey_id) {
    return messages_where(db_, "survey_id = ?", {std::to_string(survey_id)}, "ORDER BY id");
}

std::vector<MessageRow> SqliteStore::messages_after(std::int64_t id) {
    return messages_where(db_, "id > ?", {std::to_string(id)}, "ORDER BY id");
}

std::vector<MessageRow> SqliteStore::outbox(const OutboxFilter& filter) {
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
    return messages_where(db_,
                          "id IN (SELECT id FROM messages WHERE " + where +
                              " ORDER BY id DESC LIMIT " + std::to_string(filter.limit) + ")",
                          args, "ORDER BY id");
}

}  // namespace cxgate::store
