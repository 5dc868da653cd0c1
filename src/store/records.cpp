#include "cxgate/store/records.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "columns.hpp"
#include "rollups_schema.hpp"
#include "row_select.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

const char* kSurveyColumns =
    "id, event_id, event_type, flow, flow_version, step, metric, scale_min, scale_max, "
    "low_is_good, follow_up_why, contact_id, contact_name, locale, segment, staff_id, "
    "staff_name, staff_email, staff_phone, channels, channel, address, state, reason, due_at, "
    "expires_at, sent_at, answered_at, commented_at, closed_at, score, comment, retries, "
    "reminders_sent, reminders_max, next_reminder_at, comment_until, alert_state, alert_due_at, "
    "created_at, updated_at, deal_id, timezone, held_by, suppressed_by, template, questions, "
    "question, superseded_by, wait_until, sent_day, sent_day_end, anonymous";

// Columns after id, for INSERT placeholders and the UPDATE's WHERE index.
int survey_column_count() {
    static const int n = [] {
        int commas = 0;
        for (const char* p = kSurveyColumns; *p; ++p) commas += *p == ',';
        return commas;  // columns - 1 (id)
    }();
    return n;
}

// A survey's questions as the `questions` column keeps them ("" when it asks one plain one).
std::string questions_json(const std::vector<SurveyQuestion>& questions) {
    if (questions.empty()) return "";
    nlohmann::json out = nlohmann::json::array();
    for (const auto& q : questions)
        out.push_back({{"id", q.id},
                       {"metric", q.metric},
                       {"scale_min", q.scale_min},
                       {"scale_max", q.scale_max},
                       {"low_is_good", q.low_is_good},
                       {"template", q.template_name}});
    return out.dump();
}

std::vector<SurveyQuestion> questions_from_json(const std::string& text) {
    std::vector<SurveyQuestion> out;
    if (text.empty()) return out;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& q : j) {
        if (!q.is_object()) continue;
        SurveyQuestion sq;
        sq.id = q.value("id", "");
        sq.metric = q.value("metric", "csat");
        sq.scale_min = q.value("scale_min", 1);
        sq.scale_max = q.value("scale_max", 5);
        sq.low_is_good = q.value("low_is_good", false);
        sq.template_name = q.value("template", "");
        out.push_back(std::move(sq));
    }
    return out;
}

// A column's value as SQLite keeps it: NULL, an integer or text.
using Value = std::variant<std::monostate, std::int64_t, std::string>;

Value text_or_null(const std::string& s) {
    if (s.empty()) return std::monostate{};
    return s;
}

template <typename T>
Value int_or_null(const std::optional<T>& v) {
    if (!v) return std::monostate{};
    return static_cast<std::int64_t>(*v);
}

// Every column after id, in kSurveyColumns order, as the row writes them.
std::vector<Value> survey_values(const SurveyRow& r) {
    std::vector<Value> v;
    v.reserve(static_cast<size_t>(survey_column_count()));
    v.emplace_back(r.event_id);
    v.emplace_back(r.event_type);
    v.emplace_back(r.flow);
    v.emplace_back(r.flow_version);
    v.emplace_back(r.step);
    v.emplace_back(r.metric);
    v.emplace_back(std::int64_t{r.scale_min});
    v.emplace_back(std::int64_t{r.scale_max});
    v.emplace_back(std::int64_t{r.low_is_good ? 1 : 0});
    v.emplace_back(std::int64_t{r.follow_up_why ? 1 : 0});
    v.emplace_back(r.contact_id);
    v.push_back(text_or_null(r.contact_name));
    v.emplace_back(r.locale);
    v.push_back(text_or_null(r.segment));
    v.push_back(text_or_null(r.staff_id));
    v.push_back(text_or_null(r.staff_name));
    v.push_back(text_or_null(r.staff_email));
    v.push_back(text_or_null(r.staff_phone));
    v.emplace_back(r.channels);
    v.push_back(text_or_null(r.channel));
    v.push_back(text_or_null(r.address));
    v.emplace_back(std::string(to_string(r.state)));
    v.push_back(text_or_null(r.reason));
    v.push_back(int_or_null(r.due_at));
    v.push_back(int_or_null(r.expires_at));
    v.push_back(int_or_null(r.sent_at));
    v.push_back(int_or_null(r.answered_at));
    v.push_back(int_or_null(r.commented_at));
    v.push_back(int_or_null(r.closed_at));
    v.push_back(int_or_null(r.score));
    v.push_back(text_or_null(r.comment));
    v.emplace_back(std::int64_t{r.retries});
    v.emplace_back(std::int64_t{r.reminders_sent});
    v.emplace_back(std::int64_t{r.reminders_max});
    v.push_back(int_or_null(r.next_reminder_at));
    v.push_back(int_or_null(r.comment_until));
    v.emplace_back(std::string(to_string(r.alert_state)));
    v.push_back(int_or_null(r.alert_due_at));
    v.emplace_back(static_cast<std::int64_t>(r.created_at));
    v.emplace_back(static_cast<std::int64_t>(r.updated_at));
    v.push_back(text_or_null(r.deal_id));
    v.push_back(text_or_null(r.timezone));
    v.push_back(int_or_null(r.held_by));
    v.push_back(text_or_null(r.suppressed_by));
    v.push_back(text_or_null(r.template_name));
    v.push_back(text_or_null(questions_json(r.questions)));
    v.emplace_back(std::int64_t{r.question});
    v.push_back(int_or_null(r.superseded_by));
    v.push_back(int_or_null(r.wait_until));
    // The local day it was sent on, for the sent rollups (rollups_schema.hpp).
    std::optional<DayBounds> sent_day;
    if (r.sent_at) sent_day = local_day_of(*r.sent_at, r.timezone);
    v.push_back(sent_day ? Value{sent_day->start} : Value{});
    v.push_back(sent_day ? Value{sent_day->end} : Value{});
    v.emplace_back(std::int64_t{r.anonymous ? 1 : 0});
    return v;
}

void bind_value(SQLite::Statement& st, int index, const Value& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value))
        st.bind(index, *i);
    else if (const auto* t = std::get_if<std::string>(&value))
        st.bind(index, *t);
    else
        st.bind(index);
}

// Whether the column as stored is what a save would write. Compared in place: copying each
// of the row's fifty-odd columns into a string to compare it was a tenth of a claim's cost.
bool stored_as(const SQLite::Column& c, const Value& value) {
    if (std::holds_alternative<std::monostate>(value)) return c.isNull();
    if (c.isNull()) return false;
    if (const auto* i = std::get_if<std::int64_t>(&value))
        return c.isInteger() && c.getInt64() == *i;
    if (c.isInteger()) return false;
    const auto* bytes = static_cast<const char*>(c.getBlob());
    return std::string_view(bytes ? bytes : "", static_cast<size_t>(c.getBytes())) ==
           std::get<std::string>(value);
}

// One survey's every column, for reading it and for comparing a save with it.
const std::string& survey_by_id() {
    static const std::string sql =
        std::string("SELECT ") + kSurveyColumns + " FROM surveys WHERE id = ?";
    return sql;
}

// Binds every column after id, in kSurveyColumns order, starting at index 1.
void bind_survey(SQLite::Statement& st, const SurveyRow& r) {
    int i = 1;
    for (const auto& value : survey_values(r)) bind_value(st, i++, value);
}

// The names of the columns after id, in kSurveyColumns order.
const std::vector<std::string>& survey_column_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        std::string columns = std::string(kSurveyColumns).substr(4);  // without "id, "
        size_t start = 0;
        while (start < columns.size()) {
            size_t comma = columns.find(',', start);
            std::string name = columns.substr(
                start, comma == std::string::npos ? std::string::npos : comma - start);
            while (!name.empty() && name.front() == ' ') name.erase(0, 1);
            out.push_back(name);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        return out;
    }();
    return names;
}

SurveyRow read_survey(SQLite::Statement& st) {
    SurveyRow r;
    int i = 0;
    r.id = st.getColumn(i++).getInt64();
    r.event_id = text(st.getColumn(i++));
    r.event_type = text(st.getColumn(i++));
    r.flow = text(st.getColumn(i++));
    r.flow_version = text(st.getColumn(i++));
    r.step = text(st.getColumn(i++));
    r.metric = text(st.getColumn(i++));
    r.scale_min = st.getColumn(i++).getInt();
    r.scale_max = st.getColumn(i++).getInt();
    r.low_is_good = st.getColumn(i++).getInt() != 0;
    r.follow_up_why = st.getColumn(i++).getInt() != 0;
    r.contact_id = text(st.getColumn(i++));
    r.contact_name = text(st.getColumn(i++));
    r.locale = text(st.getColumn(i++));
    r.segment = text(st.getColumn(i++));
    r.staff_id = text(st.getColumn(i++));
    r.staff_name = text(st.getColumn(i++));
    r.staff_email = text(st.getColumn(i++));
    r.staff_phone = text(st.getColumn(i++));
    r.channels = text(st.getColumn(i++));
    r.channel = text(st.getColumn(i++));
    r.address = text(st.getColumn(i++));
    r.state = stored_state(parse_survey_state, text(st.getColumn(i++)), "survey", r.id);
    r.reason = text(st.getColumn(i++));
    r.due_at = optional_int(st.getColumn(i++));
    r.expires_at = optional_int(st.getColumn(i++));
    r.sent_at = optional_int(st.getColumn(i++));
    r.answered_at = optional_int(st.getColumn(i++));
    r.commented_at = optional_int(st.getColumn(i++));
    r.closed_at = optional_int(st.getColumn(i++));
    if (auto score = optional_int(st.getColumn(i++))) r.score = static_cast<int>(*score);
    r.comment = text(st.getColumn(i++));
    r.retries = st.getColumn(i++).getInt();
    r.reminders_sent = st.getColumn(i++).getInt();
    r.reminders_max = st.getColumn(i++).getInt();
    r.next_reminder_at = optional_int(st.getColumn(i++));
    r.comment_until = optional_int(st.getColumn(i++));
    r.alert_state = stored_state(parse_alert_state, text(st.getColumn(i++)), "alert", r.id);
    r.alert_due_at = optional_int(st.getColumn(i++));
    r.created_at = st.getColumn(i++).getInt64();
    r.updated_at = st.getColumn(i++).getInt64();
    r.deal_id = text(st.getColumn(i++));
    r.timezone = text(st.getColumn(i++));
    r.held_by = optional_int(st.getColumn(i++));
    r.suppressed_by = text(st.getColumn(i++));
    r.template_name = text(st.getColumn(i++));
    r.questions = questions_from_json(text(st.getColumn(i++)));
    r.question = st.getColumn(i++).getInt();
    r.superseded_by = optional_int(st.getColumn(i++));
    r.wait_until = optional_int(st.getColumn(i++));
    // sent_day, sent_day_end: derived from sent_at for the rollups, never read back.
    i += 2;
    r.anonymous = st.getColumn(i++).getInt() != 0;
    return r;
}

// Writes the survey's columns at `changed` (indexes into `values`, kSurveyColumns order).
void update_columns(SQLite::Database& db, std::int64_t id, const std::vector<Value>& values,
                    const std::vector<size_t>& changed) {
    if (changed.empty()) return;
    const auto& names = survey_column_names();
    std::string sql = "UPDATE surveys SET ";
    for (size_t i = 0; i < changed.size(); ++i) sql += (i ? ", " : "") + names[changed[i]] + " = ?";
    sql += " WHERE id = ?";
    auto st = store::cached(db, sql);
    int index = 1;
    for (const auto i : changed) bind_value(*st, index++, values[i]);
    st->bind(index, id);
    st->exec();
}

}  // namespace

std::int64_t SqliteStore::insert_survey(const SurveyRow& row) {
    static const std::string sql = [] {
        std::string columns = std::string(kSurveyColumns).substr(4);  // without "id, "
        std::string placeholders;
        for (int i = 0; i < survey_column_count(); ++i) placeholders += i ? ",?" : "?";
        return "INSERT INTO surveys (" + columns + ") VALUES (" + placeholders + ")";
    }();
    auto st = store::cached(db_, sql);
    bind_survey(*st, row);
    st->exec();
    return db_.getLastInsertRowid();
}

// Writes only the columns whose value changed. A claim changes three or four of the
// columns; writing all of them rewrote the entries of every index on surveys (about twenty)
// and dirtied ten times the pages: 500 surveys claimed took 52 ms and 3.9 MB of WAL instead
// of 4 ms and 190 kB (issue 15, bench/scale). The rollup and anonymity triggers compare old
// and new values, so a column left out because it did not change fires nothing they would.
void SqliteStore::save_survey(const SurveyRow& row) {
    const auto& names = survey_column_names();
    const auto values = survey_values(row);
    std::vector<size_t> changed;
    {
        auto stored = store::cached(db_, survey_by_id());
        stored->bind(1, static_cast<std::int64_t>(row.id));
        if (!stored->executeStep()) return;  // gone (erased): nothing to update
        const auto what = "survey " + std::to_string(row.id);
        const auto column = [&](const char* name) {
            const auto at = std::find(names.begin(), names.end(), name) - names.begin();
            return text(stored->getColumn(static_cast<int>(at) + 1));
        };
        require_move(stored_state(parse_survey_state, column("state"), "survey", row.id), row.state,
                     what);
        require_move(stored_state(parse_alert_state, column("alert_state"), "alert", row.id),
                     row.alert_state, what + " alert");
        for (size_t i = 0; i < values.size(); ++i)
            if (!stored_as(stored->getColumn(static_cast<int>(i) + 1), values[i]))
                changed.push_back(i);
    }
    update_columns(db_, row.id, values, changed);
}

void SqliteStore::save_survey_changes(const std::vector<SurveyChange>& changes) {
    // One statement writes up to kRows surveys; smaller groups go in statements of halving
    // size, so a set of changed columns has at most seven shapes in the statement cache.
    constexpr size_t kRows = 64;
    struct Write {
        std::int64_t id;
        std::vector<Value> values;
    };
    std::map<std::vector<size_t>, std::vector<Write>> by_columns;
    std::unordered_set<std::int64_t> seen;
    for (const auto& [read, row] : changes) {
        if (!seen.insert(row.id).second)
            throw std::invalid_argument("survey " + std::to_string(row.id) +
                                        " changed twice in one save");
        const auto what = "survey " + std::to_string(row.id);
        require_move(read.state, row.state, what);
        require_move(read.alert_state, row.alert_state, what + " alert");
        const auto before = survey_values(read);
        auto values = survey_values(row);
        std::vector<size_t> changed;
        for (size_t i = 0; i < values.size(); ++i)
            if (before[i] != values[i]) changed.push_back(i);
        if (!changed.empty()) by_columns[changed].push_back({row.id, std::move(values)});
    }
    const auto& names = survey_column_names();
    for (const auto& [columns, writes] : by_columns) {
        size_t done = 0;
        while (done < writes.size()) {
            size_t rows = kRows;
            while (rows > writes.size() - done) rows /= 2;
            // WITH v(id, c0, c1, ...) AS (VALUES (?, ?, ?), ...)
            // UPDATE surveys SET name0 = v.c0, ... FROM v WHERE surveys.id = v.id
            std::string tuple = "(?";
            for (size_t c = 0; c < columns.size(); ++c) tuple += ", ?";
            tuple += ")";
            std::string sql = "WITH v(id";
            for (size_t c = 0; c < columns.size(); ++c) sql += ", c" + std::to_string(c);
            sql += ") AS (VALUES ";
            for (size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + tuple;
            sql += ") UPDATE surveys SET ";
            for (size_t c = 0; c < columns.size(); ++c)
                sql += (c ? ", " : "") + names[columns[c]] + " = v.c" + std::to_string(c);
            sql += " FROM v WHERE surveys.id = v.id";
            auto st = store::cached(db_, sql);
            int index = 1;
            for (size_t r = done; r < done + rows; ++r) {
                st->bind(index++, writes[r].id);
                for (const auto c : columns) bind_value(*st, index++, writes[r].values[c]);
            }
            st->exec();
            done += rows;
        }
    }
}

bool SqliteStore::mark_survey_sent(std::int64_t id, Seconds now) {
    std::string zone;
    {
        auto st =
            store::cached(db_, "SELECT timezone FROM surveys WHERE id = ? AND state = 'sending'");
        st->bind(1, static_cast<std::int64_t>(id));
        if (!st->executeStep()) return false;
        zone = text(st->getColumn(0));
    }
    // sent_day and sent_day_end as survey_values derives them, for the sent rollups' trigger.
    const auto day = local_day_of(now, zone);
    auto st = store::cached(db_,
                            "UPDATE surveys SET state = 'sent', sent_at = ?1, updated_at = ?1, "
                            "sent_day = ?2, sent_day_end = ?3 WHERE id = ?4");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, static_cast<std::int64_t>(day.start));
    st->bind(3, static_cast<std::int64_t>(day.end));
    st->bind(4, static_cast<std::int64_t>(id));
    st->exec();
    return true;
}

std::optional<SurveyScale> SqliteStore::survey_scale(std::int64_t id) {
    auto st =
        store::cached(db_, "SELECT scale_min, scale_max, expires_at FROM surveys WHERE id = ?");
    st->bind(1, static_cast<std::int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    return SurveyScale{st->getColumn(0).getInt(), st->getColumn(1).getInt(),
                       optional_int(st->getColumn(2))};
}

std::optional<SurveyRow> SqliteStore::find_survey(std::int64_t id) {
    auto st = store::cached(db_, survey_by_id());
    st->bind(1, static_cast<std::int64_t>(id));
    if (!st->executeStep()) return std::nullopt;
    return read_survey(*st);
}

std::vector<SurveyRow> surveys_where(SQLite::Database& db, const std::string& where_sql,
                                     const std::vector<std::string>& args,
                                     const std::string& tail_sql, const std::string& indexed_by) {
    auto st = store::cached(db, std::string("SELECT ") + kSurveyColumns + " FROM surveys " +
                                    indexed_by + " WHERE " + where_sql + " " + tail_sql);
    for (size_t i = 0; i < args.size(); ++i) st->bind(static_cast<int>(i + 1), args[i]);
    std::vector<SurveyRow> out;
    while (st->executeStep()) out.push_back(read_survey(*st));
    return out;
}

int question_count(const SurveyRow& s) {
    return s.questions.empty() ? 1 : static_cast<int>(s.questions.size());
}

SurveyQuestion question_at(const SurveyRow& s, int index) {
    if (index >= 0 && index < static_cast<int>(s.questions.size()))
        return s.questions[static_cast<size_t>(index)];
    return SurveyQuestion{"q1", s.metric, s.scale_min, s.scale_max, s.low_is_good, s.template_name};
}

void SqliteStore::record_answer(const SurveyRow& s, int index, int score, Seconds now) {
    const auto q = question_at(s, index);
    auto st = store::cached(
        db_,
        "INSERT INTO answers (survey_id, question, question_id, metric, scale_min, scale_max, "
        "low_is_good, score, answered_at, day, day_end) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(survey_id, question) DO UPDATE SET score = excluded.score, "
        "answered_at = excluded.answered_at, day = excluded.day, day_end = excluded.day_end");
    st->bind(1, static_cast<std::int64_t>(s.id));
    st->bind(2, index);
    st->bind(3, q.id);
    st->bind(4, q.metric);
    st->bind(5, q.scale_min);
    st->bind(6, q.scale_max);
    st->bind(7, q.low_is_good ? 1 : 0);
    st->bind(8, score);
    st->bind(9, static_cast<std::int64_t>(now));
    const auto day = local_day_of(now, s.timezone);  // for the answer rollups
    st->bind(10, static_cast<std::int64_t>(day.start));
    st->bind(11, static_cast<std::int64_t>(day.end));
    st->exec();
}

std::vector<AnswerRow> SqliteStore::answers_of(std::int64_t survey_id) {
    auto st = store::cached(db_,
                            "SELECT question, question_id, metric, scale_min, scale_max, "
                            "low_is_good, score, answered_at FROM answers WHERE survey_id = ? "
                            "ORDER BY question");
    st->bind(1, static_cast<std::int64_t>(survey_id));
    std::vector<AnswerRow> out;
    while (st->executeStep()) {
        AnswerRow a;
        a.question = st->getColumn(0).getInt();
        a.question_id = st->getColumn(1).getString();
        a.metric = st->getColumn(2).getString();
        a.scale_min = st->getColumn(3).getInt();
        a.scale_max = st->getColumn(4).getInt();
        a.low_is_good = st->getColumn(5).getInt() != 0;
        a.score = st->getColumn(6).getInt();
        a.answered_at = st->getColumn(7).getInt64();
        out.push_back(std::move(a));
    }
    return out;
}

bool SqliteStore::opt_out_address(const std::string& address, const std::string& source,
                                  Seconds now) {
    auto insert =
        store::cached(db_,
                      "INSERT INTO optouts (address, opted_out_at, source) VALUES (?,?,?) "
                      "ON CONFLICT(address) DO NOTHING");
    insert->bind(1, address);
    insert->bind(2, static_cast<std::int64_t>(now));
    insert->bind(3, source);
    const bool first_time = insert->exec() > 0;
    // Every survey that could still write to or wait on this address stops here.
    auto close =
        store::cached(db_,
                      "UPDATE surveys SET state = 'opted_out', reason = 'opted_out: ' || ?, "
                      "updated_at = ? WHERE address = ? AND state IN "
                      "('scheduled', 'sending', 'sent', 'delivered', 'answered')");
    close->bind(1, source);
    close->bind(2, static_cast<std::int64_t>(now));
    close->bind(3, address);
    close->exec();
    auto drop = store::cached(
        db_,
        "UPDATE messages SET state = 'cancelled', error = 'opted out', updated_at = ? "
        "WHERE address = ? AND state = 'queued'");
    drop->bind(1, static_cast<std::int64_t>(now));
    drop->bind(2, address);
    drop->exec();
    return first_time;
}

std::string SqliteStore::setting(const std::string& key, const std::function<std::string()>& make) {
    {
        auto get = store::cached(db_, "SELECT value FROM settings WHERE key = ?");
        get->bind(1, key);
        if (get->executeStep()) return get->getColumn(0).getString();
    }
    auto value = make();
    auto put = store::cached(db_, "INSERT INTO settings (key, value) VALUES (?, ?)");
    put->bind(1, key);
    put->bind(2, value);
    put->exec();
    return value;
}

void SqliteStore::put_setting(const std::string& key, const std::string& value) {
    auto put = store::cached(db_,
                             "INSERT INTO settings (key, value) VALUES (?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    put->bind(1, key);
    put->bind(2, value);
    put->exec();
}

bool SqliteStore::is_opted_out(const std::string& address) {
    // An opt-out whose person was erased is kept under a keyed hash (personal_data.hpp).
    const auto key = erased_optout_key(address);
    // Two lookups by key: "address IN (?, ?)" built a temporary b-tree for the list on
    // every call, and this runs for every survey claimed.
    auto st = store::cached(db_, "SELECT 1 FROM optouts WHERE address = ?");
    for (const auto* candidate : {&address, &key}) {
        st->reset();
        st->bind(1, *candidate);
        if (st->executeStep()) return true;
    }
    return false;
}

}  // namespace cxgate::store
