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

std::vector<WonCustomer> SqliteStore::won_customers(const RetentionFilter& filter) {
    std::string types;
    for (size_t i = 0; i < filter.event_types.size(); ++i) types += i ? ",?" : "?";
    // The return: the contact's first event of a retention type after the win, within the
    // window (events_by_contact). The NPS score: by deal when the win names one
    // (surveys_by_deal), else by contact before the win (surveys_by_contact).
    std::string sql =
        "SELECT w.event_id, w.deal_id, e.contact_id, w.staff_id, w.segment, w.occurred_at, ";
    sql += filter.event_types.empty()
               ? "NULL"
               : "(SELECT MIN(l.occurred_at) FROM events l WHERE l.contact_id = e.contact_id "
                 "AND l.type IN (" +
                     types +
                     ") AND l.id <> w.event_id AND l.occurred_at > w.occurred_at "
                     "AND l.occurred_at <= w.occurred_at + ?)";
    sql +=
        ", CASE WHEN w.deal_id <> '' THEN (SELECT a.score FROM answers a JOIN surveys s ON "
        "s.id = a.survey_id WHERE s.deal_id = w.deal_id AND a.metric = 'nps' ORDER BY "
        "a.answered_at DESC, a.survey_id DESC LIMIT 1) ELSE (SELECT a.score FROM answers a "
        "JOIN surveys s ON s.id = a.survey_id WHERE s.contact_id = e.contact_id AND "
        "a.metric = 'nps' AND a.answered_at <= w.occurred_at ORDER BY a.answered_at DESC, "
        "a.survey_id DESC LIMIT 1) END "
        "FROM sales_events w JOIN events e ON e.id = w.event_id WHERE w.kind = 'won'";
    if (filter.since) sql += " AND w.occurred_at >= ?";
    if (filter.until) sql += " AND w.occurred_at < ?";
    sql += " ORDER BY w.occurred_at, w.event_id";
    SQLite::Statement st(db_, sql);
    int at = 1;
    for (const auto& type : filter.event_types) st.bind(at++, type);
    if (!filter.event_types.empty()) st.bind(at++, static_cast<std::int64_t>(filter.within));
    if (filter.since) st.bind(at++, static_cast<std::int64_t>(*filter.since));
    if (filter.until) st.bind(at++, static_cast<std::int64_t>(*filter.until));
    std::vector<WonCustomer> out;
    while (st.executeStep()) {
        WonCustomer w;
        w.event_id = text(st.getColumn(0));
        w.deal_id = text(st.getColumn(1));
        w.contact_id = text(st.getColumn(2));
        w.staff_id = text(st.getColumn(3));
        w.segment = text(st.getColumn(4));
        w.won_at = st.getColumn(5).getInt64();
        if (!st.getColumn(6).isNull()) w.returned_at = st.getColumn(6).getInt64();
        if (!st.getColumn(7).isNull()) w.nps = st.getColumn(7).getInt();
        out.push_back(std::move(w));
    }
    return out;
}

}  // namespace cxgate::store
