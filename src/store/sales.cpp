// Sales outcomes (sales.hpp).
#include "cxgate/store/sales.hpp"

#include <SQLiteCpp/Statement.h>

#include "columns.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

void SqliteStore::record_sales_event(const SalesEventRow& row) {
    auto st = cached(db_,
                     "INSERT INTO sales_events (event_id, kind, deal_id, staff_id, segment, "
                     "timezone, occurred_at, value, currency) VALUES (?,?,?,?,?,?,?,?,?) "
                     "ON CONFLICT(event_id) DO NOTHING");
    st->bind(1, row.event_id);
    st->bind(2, row.kind);
    st->bind(3, row.deal_id);
    st->bind(4, row.staff_id);
    st->bind(5, row.segment);
    st->bind(6, row.timezone);
    st->bind(7, static_cast<std::int64_t>(row.occurred_at));
    if (row.value)
        st->bind(8, *row.value);
    else
        st->bind(8);
    st->bind(9, row.currency);
    st->exec();
}

std::vector<SalesEventRow> SqliteStore::sales_events(const AnswerFilter& filter) {
    std::string sql =
        "SELECT event_id, kind, deal_id, staff_id, segment, timezone, occurred_at, value, "
        "currency FROM sales_events WHERE 1 = 1";
    if (filter.since) sql += " AND occurred_at >= :since";
    if (filter.until) sql += " AND occurred_at < :until";
    sql += " ORDER BY occurred_at, event_id";
    SQLite::Statement st(db_, sql);
    if (filter.since) st.bind(":since", static_cast<std::int64_t>(*filter.since));
    if (filter.until) st.bind(":until", static_cast<std::int64_t>(*filter.until));
    std::vector<SalesEventRow> out;
    while (st.executeStep()) {
        SalesEventRow r;
        r.event_id = text(st.getColumn(0));
        r.kind = text(st.getColumn(1));
        r.deal_id = text(st.getColumn(2));
        r.staff_id = text(st.getColumn(3));
        r.segment = text(st.getColumn(4));
        r.timezone = text(st.getColumn(5));
        r.occurred_at = st.getColumn(6).getInt64();
        if (!st.getColumn(7).isNull()) r.value = st.getColumn(7).getDouble();
        r.currency = text(st.getColumn(8));
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace cxgate::store
