// Migration 12's SQL, written by functions because its triggers repeat one upsert per way a
// row can change (added, removed, its survey's facts changed) with the sign flipped.
#include "rollups_schema.hpp"

#include <SQLiteCpp/Statement.h>

#include <map>
#include <vector>

#include <date/tz.h>

#include "cxgate/foundation/timing.hpp"

namespace cxgate::store::detail {

namespace {

// Score points 0..10 above the scale's minimum: every scale a flow may use (0-10 at most).
constexpr int kPoints = 11;

// The survey facts a rollup row is keyed by; S is the survey's record (s, old, new).
std::string survey_facts(const std::string& S) {
    return "COALESCE(" + S + ".flow, ''), COALESCE(" + S + ".step, ''), COALESCE(" + S +
           ".event_type, ''), CASE WHEN g.staff THEN COALESCE(" + S +
           ".staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(" + S +
           ".segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(" + S +
           ".channel, '') ELSE '' END, COALESCE(" + S + ".timezone, '')";
}

const char* kFactColumns = "flow, step, event_type, staff_id, segment, channel, zone";

std::string points(const char* format_prefix) {
    std::string out;
    for (int k = 0; k < kPoints; ++k)
        out += std::string(k ? ", " : "") + format_prefix + std::to_string(k);
    return out;
}

// Adds (sign "1") or removes (sign "-1") the answers A of surveys S at every grain: one
// upsert for the rows `from_where` yields.
std::string count_answers(const std::string& sign, const std::string& S, const std::string& A,
                          const std::string& from_where) {
    std::string counts;
    for (int k = 0; k < kPoints; ++k)
        counts += ", " + sign + " * (" + A + ".score - " + A + ".scale_min = " + std::to_string(k) +
                  " AND " + A + ".score <= " + A + ".scale_max)";
    std::string add;
    for (int k = 0; k < kPoints; ++k)
        add += ", c" + std::to_string(k) + " = c" + std::to_string(k) + " + excluded.c" +
               std::to_string(k);
    return "INSERT INTO answer_rollups (grain, " + std::string(kFactColumns) +
           ", day, day_end, question, question_id, metric, survey_metric, scale_min, scale_max, "
           "low_is_good, first_survey, n, " +
           points("c") + ") SELECT g.grain, " + survey_facts(S) + ", " + A + ".day, " + A +
           ".day_end, " + A + ".question, " + A + ".question_id, " + A + ".metric, " + S +
           ".metric, " + A + ".scale_min, " + A + ".scale_max, " + A + ".low_is_good, " + A +
           ".survey_id, " + sign + " * (" + A + ".score BETWEEN " + A + ".scale_min AND " + A +
           ".scale_max AND " + A + ".score - " + A + ".scale_min < " + std::to_string(kPoints) +
           ")" + counts + " FROM rollup_grains g, " + from_where + " AND " + A +
           ".day IS NOT NULL ON CONFLICT (grain, flow, day, zone, step, question, event_type, "
           "staff_id, segment, channel, question_id, metric, survey_metric, scale_min, "
           "scale_max, low_is_good) DO UPDATE SET n = n + excluded.n, first_survey = "
           "MIN(first_survey, excluded.first_survey)" +
           add + ";\n";
}

// Whether survey S reached the customer: sent, and not failed since.
std::string reached(const std::string& S) {
    return "(" + S + ".sent_day IS NOT NULL AND COALESCE(" + S + ".state <> 'failed', 0))";
}

std::string count_sent(const std::string& sign, const std::string& S) {
    return "INSERT INTO sent_rollups (grain, " + std::string(kFactColumns) +
           ", day, day_end, metric, sent, answered) SELECT g.grain, " + survey_facts(S) + ", " + S +
           ".sent_day, " + S + ".sent_day_end, " + S + ".metric, " + sign + ", " + sign + " * (" +
           S + ".score IS NOT NULL) FROM rollup_grains g WHERE " + reached(S) +
           " ON CONFLICT (grain, flow, day, zone, step, event_type, staff_id, segment, channel, "
           "metric) DO UPDATE SET sent = sent + excluded.sent, answered = answered + "
           "excluded.answered;\n";
}

// The survey facts a rollup keeps, changed between old and new.
std::string facts_changed() {
    std::string out;
    for (const char* column :
         {"flow", "step", "event_type", "staff_id", "segment", "channel", "timezone", "metric"})
        out += std::string(out.empty() ? "" : " OR ") + "old." + column + " IS NOT new." + column;
    return "(" + out + ")";
}

const date::time_zone& zone_named(const std::string& name) {
    static const date::time_zone* utc = date::locate_zone("UTC");
    if (name.empty()) return *utc;
    // Zones are looked up by name in a sorted table; the few a database holds are kept.
    thread_local std::map<std::string, const date::time_zone*> known;
    auto [it, inserted] = known.try_emplace(name, utc);
    if (inserted) {
        try {
            it->second = date::locate_zone(name);
        } catch (const std::exception&) {
            // an unknown name reads as UTC, as reports read it
        }
    }
    return *it->second;
}

}  // namespace

DayBounds local_day_of(Seconds t, const std::string& zone) {
    const auto day =
        timing::local_day(timing::TimePoint{std::chrono::seconds{t}}, zone_named(zone));
    return {day.start.time_since_epoch().count(), day.end.time_since_epoch().count()};
}

std::string rollups_migration() {
    std::string sql = R"sql(
ALTER TABLE answers ADD COLUMN day INTEGER;
ALTER TABLE answers ADD COLUMN day_end INTEGER;
ALTER TABLE surveys ADD COLUMN sent_day INTEGER;
ALTER TABLE surveys ADD COLUMN sent_day_end INTEGER;
CREATE INDEX surveys_by_sent ON surveys (sent_at);
CREATE TABLE rollup_grains (
  grain   INTEGER PRIMARY KEY,
  staff   INTEGER NOT NULL,
  segment INTEGER NOT NULL,
  channel INTEGER NOT NULL
);
INSERT INTO rollup_grains VALUES (0, 0, 0, 0), (1, 1, 0, 0), (2, 0, 1, 0), (3, 0, 0, 1),
                                 (4, 1, 1, 1);
CREATE TABLE answer_rollups (
  grain        INTEGER NOT NULL,
  flow         TEXT NOT NULL,
  day          INTEGER NOT NULL,
  zone         TEXT NOT NULL,
  step         TEXT NOT NULL,
  question     INTEGER NOT NULL,
  event_type   TEXT NOT NULL,
  staff_id     TEXT NOT NULL,
  segment      TEXT NOT NULL,
  channel      TEXT NOT NULL,
  question_id  TEXT NOT NULL,
  metric       TEXT NOT NULL,
  survey_metric TEXT NOT NULL,
  scale_min    INTEGER NOT NULL,
  scale_max    INTEGER NOT NULL,
  low_is_good  INTEGER NOT NULL,
  day_end      INTEGER NOT NULL,
  first_survey INTEGER NOT NULL,
  n            INTEGER NOT NULL,
)sql";
    for (int k = 0; k < kPoints; ++k) sql += "  c" + std::to_string(k) + " INTEGER NOT NULL,\n";
    sql +=
        R"sql(  PRIMARY KEY (grain, flow, day, zone, step, question, event_type, staff_id, segment,
               channel, question_id, metric, survey_metric, scale_min, scale_max, low_is_good)
) WITHOUT ROWID;
CREATE TABLE sent_rollups (
  grain      INTEGER NOT NULL,
  flow       TEXT NOT NULL,
  day        INTEGER NOT NULL,
  zone       TEXT NOT NULL,
  step       TEXT NOT NULL,
  event_type TEXT NOT NULL,
  staff_id   TEXT NOT NULL,
  segment    TEXT NOT NULL,
  channel    TEXT NOT NULL,
  metric     TEXT NOT NULL,
  day_end    INTEGER NOT NULL,
  sent       INTEGER NOT NULL,
  answered   INTEGER NOT NULL,
  PRIMARY KEY (grain, flow, day, zone, step, event_type, staff_id, segment, channel, metric)
) WITHOUT ROWID;
)sql";
    const std::string survey_of_new = "surveys s WHERE s.id = new.survey_id";
    const std::string survey_of_old = "surveys s WHERE s.id = old.survey_id";
    sql += "CREATE TRIGGER answer_rollups_insert AFTER INSERT ON answers BEGIN\n" +
           count_answers("1", "s", "new", survey_of_new) + "END;\n";
    sql += "CREATE TRIGGER answer_rollups_update AFTER UPDATE ON answers BEGIN\n" +
           count_answers("-1", "s", "old", survey_of_old) +
           count_answers("1", "s", "new", survey_of_new) + "END;\n";
    sql += "CREATE TRIGGER answer_rollups_delete AFTER DELETE ON answers BEGIN\n" +
           count_answers("-1", "s", "old", survey_of_old) + "END;\n";
    // A survey's answers move with its facts (none change today once it is created; an
    // erasure or a correction may).
    sql +=
        "CREATE TRIGGER answer_rollups_survey AFTER UPDATE OF flow, step, event_type, "
        "staff_id, segment, channel, timezone, metric ON surveys WHEN " +
        facts_changed() + " BEGIN\n" +
        count_answers("-1", "old", "a", "answers a WHERE a.survey_id = old.id") +
        count_answers("1", "new", "a", "answers a WHERE a.survey_id = new.id") + "END;\n";
    sql += "CREATE TRIGGER sent_rollups_insert AFTER INSERT ON surveys BEGIN\n" +
           count_sent("1", "new") + "END;\n";
    sql +=
        "CREATE TRIGGER sent_rollups_update AFTER UPDATE OF sent_day, sent_day_end, state, "
        "score, flow, step, event_type, staff_id, segment, channel, timezone, metric ON "
        "surveys WHEN " +
        reached("old") + " <> " + reached("new") + " OR (" + reached("new") +
        " AND (old.sent_day IS NOT new.sent_day OR (old.score IS NULL) <> (new.score IS NULL) "
        "OR " +
        facts_changed() + ")) BEGIN\n" + count_sent("-1", "old") + count_sent("1", "new") +
        "END;\n";
    sql += "CREATE TRIGGER sent_rollups_delete AFTER DELETE ON surveys BEGIN\n" +
           count_sent("-1", "old") + "END;\n";
    return sql;
}

void fill_local_days(SQLite::Database& db) {
    struct Dated {
        std::int64_t id;
        int question;
        Seconds at;
        std::string zone;
    };
    auto read = [&](const char* sql) {
        std::vector<Dated> out;
        SQLite::Statement st(db, sql);
        while (st.executeStep())
            out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getInt(),
                           st.getColumn(2).getInt64(),
                           st.getColumn(3).isNull() ? "" : st.getColumn(3).getString()});
        return out;
    };
    {
        SQLite::Statement set(
            db, "UPDATE answers SET day = ?, day_end = ? WHERE survey_id = ? AND question = ?");
        for (const auto& a : read("SELECT a.survey_id, a.question, a.answered_at, s.timezone FROM "
                                  "answers a JOIN surveys s ON s.id = a.survey_id")) {
            const auto day = local_day_of(a.at, a.zone);
            set.bind(1, static_cast<std::int64_t>(day.start));
            set.bind(2, static_cast<std::int64_t>(day.end));
            set.bind(3, a.id);
            set.bind(4, a.question);
            set.exec();
            set.reset();
        }
    }
    SQLite::Statement set(db, "UPDATE surveys SET sent_day = ?, sent_day_end = ? WHERE id = ?");
    for (const auto& s :
         read("SELECT id, 0, sent_at, timezone FROM surveys WHERE sent_at IS NOT NULL")) {
        const auto day = local_day_of(s.at, s.zone);
        set.bind(1, static_cast<std::int64_t>(day.start));
        set.bind(2, static_cast<std::int64_t>(day.end));
        set.bind(3, s.id);
        set.exec();
        set.reset();
    }
}

}  // namespace cxgate::store::detail
