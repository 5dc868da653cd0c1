// The inbound and optouts tables, as the reply side uses them.
#include "cxgate/store/inbound.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "statement_cache.hpp"

namespace cxgate::store {

bool SqliteStore::inbound_seen(const std::string& channel, const std::string& provider_id) {
    auto st = cached(db_, "SELECT 1 FROM inbound WHERE channel = ? AND provider_id = ?");
    st->bind(1, channel);
    st->bind(2, provider_id);
    return st->executeStep();
}

void SqliteStore::record_inbound(const InboundRow& row) {
    auto st = cached(db_,
                     "INSERT INTO inbound (channel, provider_id, from_addr, text, received_at, "
                     "survey_id, outcome) VALUES (?,?,?,?,?,?,?)");
    st->bind(1, row.channel);
    st->bind(2, row.provider_id);
    st->bind(3, row.from);
    st->bind(4, row.text);
    st->bind(5, static_cast<std::int64_t>(row.received_at));
    if (row.survey_id)
        st->bind(6, static_cast<std::int64_t>(*row.survey_id));
    else
        st->bind(6);
    st->bind(7, row.outcome);
    st->exec();
}

void SqliteStore::opt_in_address(const std::string& address) {
    auto st = cached(db_, "DELETE FROM optouts WHERE address = ?");
    st->bind(1, address);
    st->exec();
}

}  // namespace cxgate::store
