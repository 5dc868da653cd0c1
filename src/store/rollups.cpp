// Reads the daily rollups (rollups.hpp); the triggers of rollups_schema.cpp write them.
#include "cxgate/store/rollups.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "columns.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

// The rows of one grain whose whole day lies in [since, until), of one flow or all.
std::string whole_days(const std::string& columns, const std::string& table,
                       const TallyFilter& filter, const char* counted) {
    std::string sql =
        "SELECT " + columns + " FROM " + table + " WHERE grain = :grain AND " + counted + " > 0";
    if (!filter.flow.empty()) sql += " AND flow = :flow";
    if (filter.since) sql += " AND day >= :since";
    // day < until as well: the key's range, so the scan stops at the last day.
    if (filter.until) sql += " AND day_end <= :until AND day < :until";
    return sql;
}

void bind(SQLite::Statement& st, const TallyFilter& filter) {
    st.bind(":grain", static_cast<int>(filter.grain));
    if (!filter.flow.empty()) st.bind(":flow", filter.flow);
    if (filter.since) st.bind(":since", static_cast<std::int64_t>(*filter.since));
    if (filter.until) st.bind(":until", static_cast<std::int64_t>(*filter.until));
}

// The conditions bind_span binds: the flow, and the instant in [since, until).
std::string in_span(const AnswerFilter& filter, const char* flow, const char* at) {
    std::string sql;
    if (!filter.flow.empty()) sql += std::string(" AND ") + flow + " = :flow";
    if (filter.since) sql += std::string(" AND ") + at + " >= :since";
    if (filter.until) sql += std::string(" AND ") + at + " < :until";
    return sql;
}

void bind_span(SQLite::Statement& st, const AnswerFilter& filter) {
    if (!filter.flow.empty()) st.bind(":flow", filter.flow);
    if (filter.since) st.bind(":since", static_cast<std::int64_t>(*filter.since));
    if (filter.until) st.bind(":until", static_cast<std::int64_t>(*filter.until));
}

constexpr const char* kFacts =
    "flow, step, event_type, staff_id, segment, channel, zone, day, day_end";

// NULL (a survey's missing staff member, segment, channel or zone) reads as empty, as the
// rollups keep it.
TallyFacts read_facts(SQLite::Statement& st, int& i) {
    TallyFacts f;
    f.flow = text(st.getColumn(i++));
    f.step = text(st.getColumn(i++));
    f.event_type = text(st.getColumn(i++));
    f.staff_id = text(st.getColumn(i++));
    f.segment = text(st.getColumn(i++));
    f.channel = text(st.getColumn(i++));
    f.timezone = text(st.getColumn(i++));
    f.day = st.getColumn(i++).getInt64();
    f.day_end = st.getColumn(i++).getInt64();
    return f;
}

// The facts, then question, question_id, metric, survey_metric, scale_min, scale_max,
// low_is_good and first_survey: what a rollup row and a single answer both give.
AnswerTally read_answer_tally(SQLite::Statement& st, int& i) {
    AnswerTally t;
    t.facts = read_facts(st, i);
    t.question = st.getColumn(i++).getInt();
    t.question_id = text(st.getColumn(i++));
    t.metric = text(st.getColumn(i++));
    t.survey_metric = text(st.getColumn(i++));
    t.scale_min = st.getColumn(i++).getInt();
    t.scale_max = st.getColumn(i++).getInt();
    t.low_is_good = st.getColumn(i++).getInt() != 0;
    t.first_survey = st.getColumn(i++).getInt64();
    return t;
}

// The facts, then metric, sent and answered.
SentTally read_sent_tally(SQLite::Statement& st) {
    SentTally t;
    int i = 0;
    t.facts = read_facts(st, i);
    t.metric = text(st.getColumn(i++));
    t.sent = st.getColumn(i++).getInt64();
    t.answered = st.getColumn(i++).getInt64();
    return t;
}

}  // namespace

std::vector<AnswerTally> SqliteStore::answer_tallies(const TallyFilter& filter) {
    std::string columns = std::string(kFacts) +
                          ", question, question_id, metric, survey_metric, scale_min, "
                          "scale_max, low_is_good, first_survey";
    constexpr int kPoints = 11;
    for (int k = 0; k < kPoints; ++k) columns += ", c" + std::to_string(k);
    SQLite::Statement st(db_, whole_days(columns, "answer_rollups", filter, "n"));
    bind(st, filter);
    std::vector<AnswerTally> out;
    while (st.executeStep()) {
        int i = 0;
        auto t = read_answer_tally(st, i);
        const int points = std::min(kPoints, t.scale_max - t.scale_min + 1);
        t.counts.at.assign(static_cast<size_t>(std::max(points, 0)), 0);
        for (int k = 0; k < points; ++k)
            t.counts.at[static_cast<size_t>(k)] = st.getColumn(i + k).getInt64();
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<SentTally> SqliteStore::sent_tallies(const TallyFilter& filter) {
    SQLite::Statement st(db_, whole_days(std::string(kFacts) + ", metric, sent, answered",
                                         "sent_rollups", filter, "sent"));
    bind(st, filter);
    std::vector<SentTally> out;
    while (st.executeStep()) out.push_back(read_sent_tally(st));
    return out;
}

std::optional<RollupQueries::DaysCut> SqliteStore::days_cut_at(const std::string& flow, Seconds t) {
    // No day is two long: the lower bound on day keeps the search on the key.
    std::string cut;
    for (const char* table : {"answer_rollups", "sent_rollups"})
        cut += std::string(cut.empty() ? "" : " UNION ALL ") + "SELECT day, day_end FROM " + table +
               " WHERE grain = 0 AND (?1 = '' OR flow = ?1) AND day < ?2 AND day > ?2 - 172800 "
               "AND day_end > ?2";
    auto st = cached(db_, "SELECT MIN(day), MAX(day_end) FROM (" + cut + ")");
    st->bind(1, flow);
    st->bind(2, static_cast<std::int64_t>(t));
    if (!st->executeStep() || st->getColumn(0).isNull()) return std::nullopt;
    return DaysCut{st->getColumn(0).getInt64(), st->getColumn(1).getInt64()};
}

std::vector<AnswerTally> SqliteStore::answers_one_by_one(const AnswerFilter& filter) {
    // The rollup triggers' rules (rollups_schema.cpp): a score on its scale, a day recorded.
    std::string sql =
        "SELECT s.flow, s.step, s.event_type, s.staff_id, s.segment, s.channel, s.timezone, "
        "a.day, a.day_end, a.question, a.question_id, a.metric, s.metric, a.scale_min, "
        "a.scale_max, a.low_is_good, a.survey_id, a.score FROM answers a JOIN surveys s ON s.id "
        "= a.survey_id WHERE a.day IS NOT NULL AND a.score BETWEEN a.scale_min AND a.scale_max "
        "AND a.score - a.scale_min < 11";
    SQLite::Statement st(db_, sql + in_span(filter, "s.flow", "a.answered_at"));
    bind_span(st, filter);
    std::vector<AnswerTally> out;
    while (st.executeStep()) {
        int i = 0;
        auto t = read_answer_tally(st, i);
        t.counts.add(st.getColumn(i++).getInt() - t.scale_min, 1);
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<SentTally> SqliteStore::sent_one_by_one(const AnswerFilter& filter) {
    std::string sql =
        "SELECT flow, step, event_type, staff_id, segment, channel, timezone, sent_day, "
        "sent_day_end, metric, 1, score IS NOT NULL FROM surveys WHERE sent_day IS NOT NULL AND "
        "COALESCE(state <> 'failed', 0)";
    SQLite::Statement st(db_, sql + in_span(filter, "flow", "sent_at"));
    bind_span(st, filter);
    std::vector<SentTally> out;
    while (st.executeStep()) out.push_back(read_sent_tally(st));
    return out;
}

}  // namespace cxgate::store
