#pragma once
// The questions the daemon asks about outgoing messages, each named for what it decides.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

// The newest `limit` messages (oldest of them first), optionally only to one address or of
// one kind: `cxgate outbox`.
struct OutboxFilter {
    std::string address, kind;  // empty: any
    int limit = 20;
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class MessageQueries {
  public:
    // Queued messages whose retry time (if any) has come: those never tried, oldest first,
    // then retries in order of their time. Ids only.
    virtual std::vector<std::int64_t> queued_messages_due(Seconds now, size_t limit) = 0;

    // Of `ids`, those queued and due at `now` (no retry time, or one reached), each with its
    // channel, in one statement: the dispatcher's look, before it takes a channel's token,
    // for a whole batch of new messages instead of a read of each.
    virtual std::vector<std::pair<std::int64_t, std::string>> queued_channels(
        const std::vector<std::int64_t>& ids, Seconds now) = 0;

    // Messages left `sending` (a crash in the middle of a request): recovery decides each.
    virtual std::vector<MessageRow> messages_in_flight() = 0;

    // The messages a provider knows by its own id on a channel (a status report names them).
    virtual std::vector<MessageRow> messages_by_provider_id(const std::string& channel,
                                                            const std::string& provider_id) = 0;

    // A survey's messages in the order they were created.
    virtual std::vector<MessageRow> messages_of_survey(std::int64_t survey_id) = 0;

    // Messages created after `id`, in order (`cxgate simulate` prints what was sent).
    virtual std::vector<MessageRow> messages_after(std::int64_t id) = 0;
    virtual std::vector<MessageRow> outbox(const OutboxFilter& filter) = 0;

  protected:
    ~MessageQueries() = default;
};

}  // namespace cxgate::store
