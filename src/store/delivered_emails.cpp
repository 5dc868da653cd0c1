// The delivered_emails table (delivered_emails.hpp): a sandbox email as it was built.
#include "cxgate/store/delivered_emails.hpp"

#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>

#include "cxgate/store/sqlite_store.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

void SqliteStore::keep_delivered_email(std::int64_t message_id, const DeliveredEmail& email) {
    // Selected from the message row itself: a row that is gone or whose address an erasure
    // wiped gets no copy.
    auto st = cached(db_,
                     "INSERT OR REPLACE INTO delivered_emails (message_id, sender, sender_name, "
                     "headers, text, html) SELECT id, ?, ?, ?, ?, ? FROM messages "
                     "WHERE id = ? AND address <> ''");
    st->bind(1, email.from);
    st->bind(2, email.from_name);
    st->bind(3, nlohmann::json(email.headers).dump());
    st->bind(4, email.text);
    st->bind(5, email.html);
    st->bind(6, static_cast<std::int64_t>(message_id));
    st->exec();
}

std::optional<DeliveredEmail> SqliteStore::delivered_email(std::int64_t message_id) {
    // `cxgate outbox` may read a database whose daemon, of an older version, has not yet
    // migrated it: such a database holds no email, which is the answer.
    if (!has_delivered_emails_) {
        auto table = cached(db_,
                            "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'delivered_emails'");
        has_delivered_emails_ = table->executeStep();
    }
    if (!*has_delivered_emails_) return std::nullopt;
    auto st = cached(db_,
                     "SELECT sender, sender_name, headers, text, html FROM delivered_emails "
                     "WHERE message_id = ?");
    st->bind(1, static_cast<std::int64_t>(message_id));
    if (!st->executeStep()) return std::nullopt;
    DeliveredEmail e;
    e.from = st->getColumn(0).getString();
    e.from_name = st->getColumn(1).getString();
    const auto headers = nlohmann::json::parse(st->getColumn(2).getString(), nullptr, false);
    if (headers.is_array())
        for (const auto& h : headers)
            if (h.is_string()) e.headers.push_back(h.get<std::string>());
    e.text = st->getColumn(3).getString();
    e.html = st->getColumn(4).getString();
    return e;
}

}  // namespace cxgate::store
