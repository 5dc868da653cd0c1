// The inbound and optouts tables, as the reply side uses them.
#include "cxgate/store/inbound.hpp"

#include <SQLiteCpp/Statement.h>

#include "cxgate/store/statement_cache.hpp"

namespace cxgate::store {

bool inbound_seen(SQLite::Database& db, const std::string& channel,
                  const std::string& provider_id) {
    auto st = cached(db, "SELECT 1 FROM inbound WHERE channel = ? AND provider_id = ?");
    st->bind(1, channel);
    st->bind(2, provider_id);
    return st->executeStep();
}

void record_inbound(SQLite::Database& db, const InboundRow& row) {
    auto st = cached(db,
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

void opt_in_address(SQLite::Database& db, const std::string& address) {
    auto st = cached(db, "DELETE FROM optouts WHERE address = ?");
    st->bind(1, address);
    st->exec();
}

}  // namespace cxgate::store
