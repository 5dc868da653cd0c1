#pragma once
// The questions the daemon asks about outgoing messages, each named for what it decides.
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

// Queued messages whose retry time (if any) has come, oldest first: ids only.
std::vector<std::int64_t> queued_messages_due(SQLite::Database& db, Seconds now, size_t limit);
// Messages left `sending` (a crash in the middle of a request): recovery decides each.
std::vector<MessageRow> messages_in_flight(SQLite::Database& db);
// The messages a provider knows by its own id on a channel (a status report names them).
std::vector<MessageRow> messages_by_provider_id(SQLite::Database& db, const std::string& channel,
                                                const std::string& provider_id);
// A survey's messages in the order they were created.
std::vector<MessageRow> messages_of_survey(SQLite::Database& db, std::int64_t survey_id);
// Messages created after `id`, in order (`cxgate simulate` prints what was sent).
std::vector<MessageRow> messages_after(SQLite::Database& db, std::int64_t id);

// The newest `limit` messages (oldest of them first), optionally only to one address or of
// one kind: `cxgate outbox`.
struct OutboxFilter {
    std::string address, kind;  // empty: any
    int limit = 20;
};
std::vector<MessageRow> outbox(SQLite::Database& db, const OutboxFilter& filter);

}  // namespace cxgate::store
