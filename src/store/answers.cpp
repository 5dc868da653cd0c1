// Reads the answers table joined with its surveys, for reports.
#include "cxgate/store/answers.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "columns.hpp"

namespace cxgate::store {

using namespace detail;

std::vector<AnsweredQuestion> SqliteStore::answered_questions(const AnswerFilter& filter) {
    std::string sql =
        "SELECT s.id, s.flow, s.step, s.event_type, s.staff_id, s.segment, s.channel, "
        "s.timezone, MIN(s.id) OVER (PARTITION BY s.flow, s.step) AS step_order, a.question, "
        "a.question_id, a.metric, s.metric, a.scale_min, a.scale_max, a.low_is_good, a.score, "
        "a.answered_at, s.deal_id FROM answers a JOIN surveys s ON s.id = a.survey_id WHERE 1 = 1";
    if (!filter.flow.empty()) sql += " AND s.flow = :flow";
    if (filter.since) sql += " AND a.answered_at >= :since";
    if (filter.until) sql += " AND a.answered_at < :until";
    sql += " ORDER BY s.flow, step_order, a.question, s.id";
    SQLite::Statement st(db_, sql);
    if (!filter.flow.empty()) st.bind(":flow", filter.flow);
    if (filter.since) st.bind(":since", static_cast<std::int64_t>(*filter.since));
    if (filter.until) st.bind(":until", static_cast<std::int64_t>(*filter.until));
    std::vector<AnsweredQuestion> out;
    while (st.executeStep()) {
        AnsweredQuestion a;
        int i = 0;
        a.survey_id = st.getColumn(i++).getInt64();
        a.flow = text(st.getColumn(i++));
        a.step = text(st.getColumn(i++));
        a.event_type = text(st.getColumn(i++));
        a.staff_id = text(st.getColumn(i++));
        a.segment = text(st.getColumn(i++));
        a.channel = text(st.getColumn(i++));
        a.timezone = text(st.getColumn(i++));
        a.step_order = st.getColumn(i++).getInt64();
        a.question = st.getColumn(i++).getInt();
        a.question_id = text(st.getColumn(i++));
        a.metric = text(st.getColumn(i++));
        a.survey_metric = text(st.getColumn(i++));
        a.scale_min = st.getColumn(i++).getInt();
        a.scale_max = st.getColumn(i++).getInt();
        a.low_is_good = st.getColumn(i++).getInt() != 0;
        a.score = st.getColumn(i++).getInt();
        a.answered_at = st.getColumn(i++).getInt64();
        a.deal_id = text(st.getColumn(i++));
        out.push_back(std::move(a));
    }
    return out;
}

std::vector<CommentRow> SqliteStore::comments(const AnswerFilter& filter) {
    std::string sql =
        "SELECT id, flow, step, metric, locale, timezone, comment, scale_min, scale_max, "
        "low_is_good, score, COALESCE(commented_at, answered_at, updated_at) AS at FROM surveys "
        "WHERE comment IS NOT NULL AND comment <> ''";
    if (!filter.flow.empty()) sql += " AND flow = :flow";
    if (filter.since) sql += " AND COALESCE(commented_at, answered_at, updated_at) >= :since";
    if (filter.until) sql += " AND COALESCE(commented_at, answered_at, updated_at) < :until";
    sql += " ORDER BY at, id";
    SQLite::Statement st(db_, sql);
    if (!filter.flow.empty()) st.bind(":flow", filter.flow);
    if (filter.since) st.bind(":since", static_cast<std::int64_t>(*filter.since));
    if (filter.until) st.bind(":until", static_cast<std::int64_t>(*filter.until));
    std::vector<CommentRow> out;
    while (st.executeStep()) {
        CommentRow c;
        int i = 0;
        c.survey_id = st.getColumn(i++).getInt64();
        c.flow = text(st.getColumn(i++));
        c.step = text(st.getColumn(i++));
        c.metric = text(st.getColumn(i++));
        c.locale = text(st.getColumn(i++));
        c.timezone = text(st.getColumn(i++));
        c.comment = text(st.getColumn(i++));
        c.scale_min = st.getColumn(i++).getInt();
        c.scale_max = st.getColumn(i++).getInt();
        c.low_is_good = st.getColumn(i++).getInt() != 0;
        if (!st.getColumn(i).isNull()) c.score = st.getColumn(i).getInt();
        ++i;
        c.at = st.getColumn(i++).getInt64();
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<SentSurvey> SqliteStore::sent_surveys(const AnswerFilter& filter) {
    std::string sql =
        "SELECT flow, step, event_type, staff_id, segment, channel, timezone, metric, sent_at, "
        "score IS NOT NULL FROM surveys WHERE sent_at IS NOT NULL AND state <> 'failed'";
    if (!filter.flow.empty()) sql += " AND flow = :flow";
    if (filter.since) sql += " AND sent_at >= :since";
    if (filter.until) sql += " AND sent_at < :until";
    SQLite::Statement st(db_, sql);
    if (!filter.flow.empty()) st.bind(":flow", filter.flow);
    if (filter.since) st.bind(":since", static_cast<std::int64_t>(*filter.since));
    if (filter.until) st.bind(":until", static_cast<std::int64_t>(*filter.until));
    std::vector<SentSurvey> out;
    while (st.executeStep()) {
        SentSurvey s;
        int i = 0;
        s.flow = text(st.getColumn(i++));
        s.step = text(st.getColumn(i++));
        s.event_type = text(st.getColumn(i++));
        s.staff_id = text(st.getColumn(i++));
        s.segment = text(st.getColumn(i++));
        s.channel = text(st.getColumn(i++));
        s.timezone = text(st.getColumn(i++));
        s.metric = text(st.getColumn(i++));
        s.sent_at = st.getColumn(i++).getInt64();
        s.answered = st.getColumn(i++).getInt() != 0;
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace cxgate::store
