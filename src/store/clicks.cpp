// The answer_clicks table.
#include "cxgate/store/clicks.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "statement_cache.hpp"

namespace cxgate::store {

namespace {

std::vector<ClickRow> read_clicks(CachedStatement& st) {
    std::vector<ClickRow> out;
    while (st->executeStep())
        out.push_back(ClickRow{st->getColumn(0).getInt64(), st->getColumn(1).getInt(),
                               st->getColumn(2).getInt64(), st->getColumn(3).getInt64(),
                               st->getColumn(4).getString()});
    return out;
}

constexpr const char* kClickColumns = "id, score, clicked_at, last_clicked_at, state";

}  // namespace

std::vector<ClickRow> SqliteStore::pending_clicks(std::int64_t survey_id) {
    auto st = cached(db_, std::string("SELECT ") + kClickColumns +
                              " FROM answer_clicks WHERE survey_id = ? AND state = 'pending' "
                              "ORDER BY clicked_at, id");
    st->bind(1, static_cast<std::int64_t>(survey_id));
    return read_clicks(st);
}

std::vector<ClickRow> SqliteStore::clicks_of_survey(std::int64_t survey_id) {
    auto st = cached(db_, std::string("SELECT ") + kClickColumns +
                              " FROM answer_clicks WHERE survey_id = ? ORDER BY clicked_at, id");
    st->bind(1, static_cast<std::int64_t>(survey_id));
    return read_clicks(st);
}

std::vector<ClickRow> SqliteStore::open_burst(std::int64_t survey_id, Seconds now) {
    auto st = cached(db_, std::string("SELECT ") + kClickColumns +
                              " FROM answer_clicks WHERE survey_id = ? AND state = 'pending' AND "
                              "settle_at > ?");
    st->bind(1, static_cast<std::int64_t>(survey_id));
    st->bind(2, static_cast<std::int64_t>(now));
    return read_clicks(st);
}

void SqliteStore::insert_click(std::int64_t survey_id, int score, Seconds now, Seconds settle_at) {
    auto st = cached(db_,
                     "INSERT INTO answer_clicks (survey_id, score, clicked_at, last_clicked_at, "
                     "settle_at, state) VALUES (?1, ?2, ?3, ?3, ?4, 'pending')");
    st->bind(1, static_cast<std::int64_t>(survey_id));
    st->bind(2, score);
    st->bind(3, static_cast<std::int64_t>(now));
    st->bind(4, static_cast<std::int64_t>(settle_at));
    st->exec();
}

void SqliteStore::touch_click(std::int64_t click_id, Seconds now) {
    auto st = cached(db_, "UPDATE answer_clicks SET last_clicked_at = ? WHERE id = ?");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, static_cast<std::int64_t>(click_id));
    st->exec();
}

void SqliteStore::move_burst_settling(std::int64_t survey_id, Seconds settle_at,
                                      std::optional<Seconds> now) {
    if (now) {
        auto st = cached(db_,
                         "UPDATE answer_clicks SET settle_at = ?1 WHERE survey_id = ?2 AND "
                         "state = 'pending' AND settle_at > ?3");
        st->bind(1, static_cast<std::int64_t>(settle_at));
        st->bind(2, static_cast<std::int64_t>(survey_id));
        st->bind(3, static_cast<std::int64_t>(*now));
        st->exec();
        return;
    }
    auto st = cached(db_,
                     "UPDATE answer_clicks SET settle_at = ?1 WHERE survey_id = ?2 AND "
                     "state = 'pending'");
    st->bind(1, static_cast<std::int64_t>(settle_at));
    st->bind(2, static_cast<std::int64_t>(survey_id));
    st->exec();
}

void SqliteStore::decide_clicks(const std::vector<std::int64_t>& ids, const std::string& state,
                                Seconds now) {
    auto st = cached(
        db_,
        "UPDATE answer_clicks SET state = ?1, decided_at = ?2 WHERE id = ?3 AND state = 'pending'");
    for (auto id : ids) {
        st->reset();
        st->bind(1, state);
        st->bind(2, static_cast<std::int64_t>(now));
        st->bind(3, static_cast<std::int64_t>(id));
        st->exec();
    }
}

void SqliteStore::close_pending_clicks(std::int64_t survey_id, Seconds now) {
    auto st = cached(db_,
                     "UPDATE answer_clicks SET state = 'closed', decided_at = ?1 "
                     "WHERE survey_id = ?2 AND state = 'pending'");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, static_cast<std::int64_t>(survey_id));
    st->exec();
}

void SqliteStore::mark_click_recorded(std::int64_t click_id) {
    auto st = cached(db_, "UPDATE answer_clicks SET state = 'recorded' WHERE id = ?");
    st->bind(1, static_cast<std::int64_t>(click_id));
    st->exec();
}

bool SqliteStore::has_recorded_click(std::int64_t survey_id) {
    auto st = cached(
        db_, "SELECT 1 FROM answer_clicks WHERE survey_id = ? AND state = 'recorded' LIMIT 1");
    st->bind(1, static_cast<std::int64_t>(survey_id));
    return st->executeStep();
}

std::vector<std::int64_t> SqliteStore::surveys_with_settled_clicks(Seconds now, size_t limit) {
    // Named: SQLite took answer_clicks_by_survey for the DISTINCT and read every click
    // (tests/unit/store/test_query_plans.cpp).
    auto st = cached(db_,
                     "SELECT DISTINCT survey_id FROM answer_clicks INDEXED BY "
                     "answer_clicks_by_settle WHERE state = 'pending' AND settle_at <= ? LIMIT ?");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, static_cast<std::int64_t>(limit));
    std::vector<std::int64_t> out;
    while (st->executeStep()) out.push_back(st->getColumn(0).getInt64());
    return out;
}

}  // namespace cxgate::store
