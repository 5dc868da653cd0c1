// Alerts as staff handle them (alerts.hpp).
#include "cxgate/store/alerts.hpp"

#include <SQLiteCpp/Statement.h>

#include "columns.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

constexpr const char* kColumns =
    "id, survey_id, state, opened_at, acknowledged_at, acknowledged_by, resolved_at, "
    "resolved_by, resolution, note, level, escalate_at";

AlertRow read_alert(SQLite::Statement& st) {
    AlertRow a;
    a.id = st.getColumn(0).getInt64();
    a.survey_id = st.getColumn(1).getInt64();
    a.state = stored_state(parse_alert_handling, st.getColumn(2).getString(), "alert", a.id);
    a.opened_at = st.getColumn(3).getInt64();
    a.acknowledged_at = optional_int(st.getColumn(4));
    a.acknowledged_by = text(st.getColumn(5));
    a.resolved_at = optional_int(st.getColumn(6));
    a.resolved_by = text(st.getColumn(7));
    a.resolution = text(st.getColumn(8));
    a.note = text(st.getColumn(9));
    a.level = st.getColumn(10).getInt();
    a.escalate_at = optional_int(st.getColumn(11));
    return a;
}

std::optional<AlertRow> alert_from(SQLite::Statement& st) {
    if (!st.executeStep()) return std::nullopt;
    return read_alert(st);
}

}  // namespace

std::int64_t SqliteStore::open_alert(const AlertRow& row) {
    auto st = cached(db_,
                     "INSERT INTO alerts (survey_id, state, opened_at, level, escalate_at) "
                     "VALUES (?,?,?,?,?)");
    st->bind(1, static_cast<std::int64_t>(row.survey_id));
    st->bind(2, std::string(to_string(row.state)));
    st->bind(3, static_cast<std::int64_t>(row.opened_at));
    st->bind(4, row.level);
    bind_optional(*st, 5, row.escalate_at);
    st->exec();
    return db_.getLastInsertRowid();
}

std::optional<AlertRow> SqliteStore::alert(std::int64_t id) {
    auto st = cached(db_, std::string("SELECT ") + kColumns + " FROM alerts WHERE id = ?");
    st->bind(1, static_cast<std::int64_t>(id));
    return alert_from(*st);
}

std::optional<AlertRow> SqliteStore::alert_for_survey(std::int64_t survey_id) {
    auto st = cached(db_, std::string("SELECT ") + kColumns + " FROM alerts WHERE survey_id = ?");
    st->bind(1, static_cast<std::int64_t>(survey_id));
    return alert_from(*st);
}

void SqliteStore::save_alert(const AlertRow& row) {
    auto stored = alert(row.id);
    if (!stored) throw std::runtime_error("alert " + std::to_string(row.id) + ": no such alert");
    require_move(stored->state, row.state, "alert " + std::to_string(row.id));
    auto st = cached(db_,
                     "UPDATE alerts SET state = ?, acknowledged_at = ?, acknowledged_by = ?, "
                     "resolved_at = ?, resolved_by = ?, resolution = ?, note = ?, level = ?, "
                     "escalate_at = ? WHERE id = ?");
    st->bind(1, std::string(to_string(row.state)));
    bind_optional(*st, 2, row.acknowledged_at);
    bind_text(*st, 3, row.acknowledged_by);
    bind_optional(*st, 4, row.resolved_at);
    bind_text(*st, 5, row.resolved_by);
    bind_text(*st, 6, row.resolution);
    bind_text(*st, 7, row.note);
    st->bind(8, row.level);
    bind_optional(*st, 9, row.escalate_at);
    st->bind(10, static_cast<std::int64_t>(row.id));
    st->exec();
}

std::vector<AlertRow> SqliteStore::alerts_to_escalate(Seconds now, int limit) {
    auto st = cached(db_, std::string("SELECT ") + kColumns +
                              " FROM alerts WHERE state = 'open' AND escalate_at IS NOT NULL AND "
                              "escalate_at <= ? ORDER BY escalate_at, id LIMIT ?");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, limit);
    std::vector<AlertRow> out;
    while (st->executeStep()) out.push_back(read_alert(*st));
    return out;
}

std::optional<Seconds> SqliteStore::next_escalation() {
    auto st = cached(db_,
                     "SELECT MIN(escalate_at) FROM alerts WHERE state = 'open' AND "
                     "escalate_at IS NOT NULL");
    if (!st->executeStep()) return std::nullopt;
    return optional_int(st->getColumn(0));
}

std::vector<AlertRow> SqliteStore::alerts_where(const AlertFilter& filter) {
    std::string sql = std::string("SELECT ") + kColumns + " FROM alerts WHERE 1=1";
    if (filter.state) sql += " AND state = ?";
    if (filter.since) sql += " AND opened_at >= ?";
    sql += " ORDER BY opened_at DESC, id DESC LIMIT ?";
    SQLite::Statement st(db_, sql);
    int i = 1;
    if (filter.state) st.bind(i++, std::string(to_string(*filter.state)));
    if (filter.since) st.bind(i++, static_cast<std::int64_t>(*filter.since));
    st.bind(i, filter.limit);
    std::vector<AlertRow> out;
    while (st.executeStep()) out.push_back(read_alert(st));
    return out;
}

AlertTimes SqliteStore::alert_times(std::optional<Seconds> since) {
    SQLite::Statement st(
        db_,
        "SELECT COUNT(*), COUNT(acknowledged_at), COUNT(resolved_at), "
        "SUM(level > 0), SUM(state <> 'resolved'), "
        "COALESCE(SUM(acknowledged_at - opened_at), 0), "
        "COALESCE(SUM(resolved_at - opened_at), 0) FROM alerts WHERE opened_at >= ?");
    st.bind(1, static_cast<std::int64_t>(since.value_or(0)));
    AlertTimes t;
    if (st.executeStep()) {
        t.opened = st.getColumn(0).getInt();
        t.acknowledged = st.getColumn(1).getInt();
        t.resolved = st.getColumn(2).getInt();
        t.escalated = st.getColumn(3).isNull() ? 0 : st.getColumn(3).getInt();
        t.open_now = st.getColumn(4).isNull() ? 0 : st.getColumn(4).getInt();
        t.acknowledge_seconds_sum = st.getColumn(5).getDouble();
        t.resolve_seconds_sum = st.getColumn(6).getDouble();
    }
    return t;
}

std::vector<AlertFacts> SqliteStore::alert_facts(Seconds since, Seconds until,
                                                 const std::string& flow) {
    SQLite::Statement st(
        db_,
        "SELECT a.id, s.flow, s.step, COALESCE(s.staff_id, ''), COALESCE(s.segment, ''), a.state, "
        "a.opened_at, a.acknowledged_at, a.resolved_at, COALESCE(a.resolution, ''), a.level "
        "FROM alerts a JOIN surveys s ON s.id = a.survey_id "
        "WHERE a.opened_at >= ? AND a.opened_at < ? AND (? = '' OR s.flow = ?) "
        "ORDER BY a.opened_at, a.id");
    st.bind(1, static_cast<std::int64_t>(since));
    st.bind(2, static_cast<std::int64_t>(until));
    st.bind(3, flow);
    st.bind(4, flow);
    std::vector<AlertFacts> out;
    while (st.executeStep()) {
        AlertFacts f;
        f.id = st.getColumn(0).getInt64();
        f.flow = st.getColumn(1).getString();
        f.step = st.getColumn(2).getString();
        f.staff_id = st.getColumn(3).getString();
        f.segment = st.getColumn(4).getString();
        f.state = stored_state(parse_alert_handling, st.getColumn(5).getString(), "alert", f.id);
        f.opened_at = st.getColumn(6).getInt64();
        f.acknowledged_at = optional_int(st.getColumn(7));
        f.resolved_at = optional_int(st.getColumn(8));
        f.resolution = st.getColumn(9).getString();
        f.level = st.getColumn(10).getInt();
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace cxgate::store
