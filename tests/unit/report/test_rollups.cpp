// Reports read daily rollups that triggers keep; these tests hold them to the answers
// themselves: every figure of every report equals the one computed from the raw rows, over
// periods that end at midnight and mid-day, in three zones across both DST changes, after
// answers were replaced, surveys failed after sending and a survey's facts changed.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <random>
#include <tuple>

#include "../replies/survey_fixture.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/report/query.hpp"

using namespace cxgate;

namespace {

long long at(const char* iso) {
    return timing::parse_iso8601(iso)->time_since_epoch().count();
}

// What a report row says, keyed by what it is about.
// (cell, flow, metric, question id, question index, scale, low is good)
using RowKey = std::tuple<std::vector<std::string>, std::string, std::string, std::string, int,
                          std::string, bool>;
struct Said {
    int n = 0;
    double figure = 0, margin = -1;
    int sent = -1, answered = -1;
};

double headline(const metrics::MetricResult& r, double* margin) {
    std::optional<metrics::Figure> f;
    if (r.nps)
        f = r.nps;
    else if (r.satisfied_pct)
        f = r.satisfied_pct;
    else if (r.easy_pct)
        f = r.easy_pct;
    if (!f) return 0;
    *margin = f->margin.value_or(-1);
    return f->value;
}

std::map<RowKey, Said> said(const std::vector<report::ReportRow>& rows) {
    std::map<RowKey, Said> out;
    for (const auto& r : rows) {
        Said s;
        s.n = r.result.n;
        s.figure = headline(r.result, &s.margin);
        if (r.response_rate) {
            s.sent = r.response_rate->sent;
            s.answered = r.response_rate->answered;
        }
        const RowKey key{r.groups,     r.flow,           metrics::to_string(r.result.metric),
                         r.question,   r.question_index, metrics::to_string(r.scale),
                         r.low_is_good};
        CHECK_MESSAGE(out.count(key) == 0, "two rows of one cell");
        out[key] = s;
    }
    return out;
}

std::string team(const config::Config& config, const std::string& staff) {
    auto it = config.staff.find(staff);
    if (staff.empty() || it == config.staff.end()) return "(none)";
    return it->second.lead.empty() ? staff : it->second.lead;
}

// The report worked out from every answer and sent survey one by one.
std::map<RowKey, Said> by_hand(store::Store& db, const config::Config& config,
                               const report::ReportQuery& q) {
    store::AnswerFilter filter;
    filter.flow = q.flow;
    filter.since = q.since;
    filter.until = q.until;
    const bool by_step = std::find(q.by.begin(), q.by.end(), "step") != q.by.end();
    auto value = [&](const std::string& d, const std::string& step, const std::string& staff,
                     const std::string& segment, const std::string& channel,
                     const std::string& outcome, const std::string& zone, long long t) {
        auto none = [](const std::string& v) { return v.empty() ? std::string("(none)") : v; };
        if (d == "step") return step;
        if (d == "staff") return none(staff);
        if (d == "team") return team(config, staff);
        if (d == "segment") return none(segment);
        if (d == "channel") return none(channel);
        if (d == "week")
            return timing::iso_week_label(timing::TimePoint{std::chrono::seconds{t}},
                                          *date::locate_zone(zone.empty() ? "UTC" : zone));
        return outcome;
    };
    auto wanted = [&](const std::string& step, const std::string& staff, const std::string& segment,
                      const std::string& channel) {
        const auto& w = q.where;
        return (w.step.empty() || w.step == step) && (w.staff.empty() || w.staff == staff) &&
               (w.segment.empty() || w.segment == segment) &&
               (w.channel.empty() || w.channel == channel) &&
               (w.team.empty() || w.team == team(config, staff));
    };
    using RateKey = std::tuple<std::vector<std::string>, std::string, std::string>;
    std::map<RateKey, std::pair<int, int>> rates;
    for (const auto& s : db.sent_surveys(filter)) {
        if (!wanted(s.step, s.staff_id, s.segment, s.channel)) continue;
        std::vector<std::string> cell;
        for (const auto& d : q.by)
            cell.push_back(value(d, s.step, s.staff_id, s.segment, s.channel, s.event_type,
                                 s.timezone, s.sent_at));
        auto& rate = rates[{cell, s.flow, s.metric}];
        ++rate.first;
        rate.second += s.answered;
    }
    struct Group {
        std::vector<int> scores;
        metrics::Scale scale;
        bool low_is_good = false;
        std::string survey_metric;
    };
    std::map<RowKey, Group> groups;
    for (const auto& a : db.answered_questions(filter)) {
        if (!wanted(a.step, a.staff_id, a.segment, a.channel)) continue;
        std::vector<std::string> cell;
        for (const auto& d : q.by)
            cell.push_back(value(d, a.step, a.staff_id, a.segment, a.channel, a.event_type,
                                 a.timezone, a.answered_at));
        auto& g =
            groups[{cell, a.flow, a.metric, by_step ? a.question_id : "", by_step ? a.question : 0,
                    metrics::to_string(metrics::Scale{a.scale_min, a.scale_max}), a.low_is_good}];
        g.scores.push_back(a.score);
        g.scale = {a.scale_min, a.scale_max};
        g.low_is_good = a.low_is_good;
        g.survey_metric = a.survey_metric;
    }
    std::map<RowKey, Said> out;
    for (const auto& [key, g] : groups) {
        const auto metric = *metrics::parse_metric(std::get<2>(key));
        const auto result = metrics::compute(metric, g.scale, g.low_is_good, g.scores);
        if (result.n == 0) continue;  // only scores off the scale: no answer to report
        Said s;
        s.n = result.n;
        s.figure = headline(result, &s.margin);
        if (auto it = rates.find({std::get<0>(key), std::get<1>(key), g.survey_metric});
            it != rates.end()) {
            s.sent = it->second.first;
            s.answered = it->second.second;
        }
        out[key] = s;
    }
    return out;
}

struct StepKind {
    const char* step;
    const char* event_type;
    std::vector<store::SurveyQuestion> questions;
};

// Three zones (one recorded none) over March and early April 2026: New York moves its clocks
// on the 8th, Helsinki on the 29th.
void fill(store::SqliteStore& db) {
    const std::vector<StepKind> kinds{
        {"booking", "booking.created", {{"q1", "ces", 1, 5, true, ""}}},
        {"meeting",
         "meeting.held",
         {{"csat", "csat", 1, 5, false, ""}, {"ease", "ces", 1, 7, false, ""}}},
        {"close", "deal.won", {{"q1", "nps", 0, 10, false, ""}}},
        {"close", "deal.lost", {{"q1", "nps", 0, 10, false, ""}}},
    };
    const std::vector<std::string> zones{"Europe/Helsinki", "America/New_York", ""};
    const std::vector<std::string> staff{"s1", "s2", "s3", "s4", ""};
    const std::vector<std::string> segments{"private", "business", ""};
    std::mt19937_64 random(20261130);
    auto below = [&](size_t n) { return static_cast<size_t>(random() % n); };
    const long long first = at("2026-03-01T00:00:00Z"), last = at("2026-04-06T00:00:00Z");
    for (int i = 0; i < 900; ++i) {
        const auto& kind = kinds[below(kinds.size())];
        store::SurveyRow s = testing::sent_email_nps(store::SurveyState::sent);
        s.flow = below(5) == 0 ? "g" : "f";
        s.step = kind.step;
        s.event_type = kind.event_type;
        s.metric = kind.questions[0].metric;
        s.scale_min = kind.questions[0].scale_min;
        s.scale_max = kind.questions[0].scale_max;
        s.low_is_good = kind.questions[0].low_is_good;
        if (kind.questions.size() > 1) s.questions = kind.questions;
        s.timezone = zones[below(zones.size())];
        s.staff_id = staff[below(staff.size())];
        s.segment = segments[below(segments.size())];
        s.channel = below(2) ? "sms" : "email";
        const bool sent = below(10) != 0;
        s.state = sent ? store::SurveyState::sent : store::SurveyState::scheduled;
        s.sent_at =
            sent ? std::optional<long long>(
                       first + static_cast<long long>(below(static_cast<size_t>(last - first))))
                 : std::nullopt;
        s.id = db.insert_survey(s);
        if (!sent) continue;
        if (below(8) == 0) {  // the provider reported it failed
            s.state = store::SurveyState::failed;
            db.save_survey(s);
            continue;
        }
        if (below(5) < 2) continue;  // not answered
        const long long answered = *s.sent_at + static_cast<long long>(below(3 * 86400));
        for (size_t q = 0; q < kind.questions.size(); ++q) {
            const auto& question = kind.questions[q];
            const int span = question.scale_max - question.scale_min + 1;
            // Now and then a score outside the scale, which no figure counts.
            const int score =
                below(40) == 0
                    ? question.scale_max + 1
                    : question.scale_min + static_cast<int>(below(static_cast<size_t>(span)));
            db.record_answer(s, static_cast<int>(q), score, answered + static_cast<long long>(q));
        }
        if (below(10) == 0)  // the customer changed their mind a day later
            db.record_answer(s, 0, kind.questions[0].scale_min, answered + 86400);
        s.state = store::SurveyState::answered;
        s.score = kind.questions[0].scale_min;
        s.answered_at = answered;
        db.save_survey(s);
        if (below(30) == 0) {  // a correction: the survey belonged to another segment
            s.segment = "corrected";
            db.save_survey(s);
        }
    }
}

config::Config staff_config() {
    config::Config config;
    for (const char* id : {"s1", "s2", "s3", "s4"}) {
        config::StaffMember m;
        m.id = id;
        m.name = id;
        if (std::string(id) != "s1" && std::string(id) != "s3") m.lead = "s1";
        config.staff[id] = m;
    }
    return config;
}

}  // namespace

TEST_CASE("rollups: every report equals the one worked out answer by answer") {
    auto db = testing::fresh_database("cxgate-rollups-");
    fill(*db);
    const auto config = staff_config();
    struct Period {
        const char* name;
        std::optional<long long> since, until;
    };
    const std::vector<Period> periods{
        {"all time", std::nullopt, std::nullopt},
        {"since a Helsinki midnight", at("2026-03-16T00:00:00+02:00"), std::nullopt},
        {"until mid-day", std::nullopt, at("2026-03-20T13:17:00Z")},
        {"Helsinki weeks", at("2026-03-09T00:00:00+02:00"), at("2026-03-30T00:00:00+03:00")},
        {"New York days across its DST change", at("2026-03-05T00:00:00-05:00"),
         at("2026-03-12T00:00:00-04:00")},
        {"mid-day to mid-day", at("2026-03-03T10:30:00Z"), at("2026-03-31T16:45:00Z")},
        {"under two days", at("2026-03-28T22:00:00Z"), at("2026-03-30T05:00:00Z")},
        {"empty", at("2026-03-10T00:00:00Z"), at("2026-03-10T00:00:00Z")},
    };
    const std::vector<std::vector<std::string>> bys{{"step"},
                                                    {"step", "week"},
                                                    {"week"},
                                                    {"staff"},
                                                    {"team", "step"},
                                                    {"segment", "step"},
                                                    {"channel", "outcome"},
                                                    {"staff", "segment"},
                                                    {"outcome"}};
    int compared = 0;
    for (const auto& period : periods) {
        for (const auto& by : bys) {
            for (int filtered = 0; filtered < 3; ++filtered) {
                report::ReportQuery q;
                q.by = by;
                q.since = period.since;
                q.until = period.until;
                if (filtered == 1) q.flow = "f";
                if (filtered == 2) {
                    q.where.segment = "private";
                    q.where.step = "meeting";
                }
                INFO(std::string(period.name)
                     << ", by " << by[0] << (by.size() > 1 ? "," + by[1] : "") << ", filter "
                     << filtered);
                const auto expected = by_hand(*db, config, q);
                const auto got = said(report::run_report(*db, config, q));
                for (const auto& [key, e] : expected)
                    if (!got.count(key))
                        MESSAGE("missing: " << std::get<0>(key)[0] << " " << std::get<1>(key) << " "
                                            << std::get<2>(key) << " n=" << e.n);
                for (const auto& [key, e] : got)
                    if (!expected.count(key))
                        MESSAGE("extra: " << std::get<0>(key)[0] << " " << std::get<1>(key) << " "
                                          << std::get<2>(key) << " n=" << e.n);
                REQUIRE(got.size() == expected.size());
                for (const auto& [key, e] : expected) {
                    auto it = got.find(key);
                    REQUIRE(it != got.end());
                    CHECK(it->second.n == e.n);
                    CHECK(it->second.figure == doctest::Approx(e.figure));
                    CHECK(it->second.margin == doctest::Approx(e.margin));
                    CHECK(it->second.sent == e.sent);
                    CHECK(it->second.answered == e.answered);
                    ++compared;
                }
            }
        }
    }
    MESSAGE(compared << " report rows compared");
    CHECK(compared > 1000);
}

TEST_CASE("rollups: steps keep funnel order, the order their first surveys came in") {
    auto db = testing::fresh_database("cxgate-rollups-order-");
    fill(*db);
    report::ReportQuery q;
    q.flow = "f";
    const auto rows = report::run_report(*db, staff_config(), q);
    std::vector<std::string> steps;
    for (const auto& r : rows)
        if (steps.empty() || steps.back() != r.groups[0]) steps.push_back(r.groups[0]);
    // As answered_questions orders them: by each step's first survey.
    std::vector<std::string> expected;
    store::AnswerFilter all;
    all.flow = "f";
    for (const auto& a : db->answered_questions(all))
        if (expected.empty() || expected.back() != a.step) expected.push_back(a.step);
    CHECK(steps == expected);
}

TEST_CASE("rollups: a database from before them gets them on upgrade, its answers counted") {
    const auto path =
        (std::filesystem::temp_directory_path() / "cxgate-rollups-upgrade.db").string();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    {
        store::SqliteStore db(store::open_for_writing(path));
        fill(db);
        // Back to schema 11: what migrations 12 and later added, gone; the answers and
        // surveys stay.
        db.database().exec(R"sql(
DROP INDEX surveys_by_sent; CREATE INDEX surveys_by_due ON surveys(state, due_at);
DROP INDEX surveys_due; DROP INDEX surveys_held; DROP INDEX surveys_held_until;
DROP TRIGGER digest_quote_wiped; DROP TRIGGER digest_quote_deleted; DROP TABLE digest_answers;
DROP TABLE digest_runs;
DROP TABLE outbound_events; DROP TABLE alerts; DROP TRIGGER delivered_email_wiped; DROP TABLE delivered_emails;
DROP INDEX contacts_by_phone; DROP INDEX contacts_by_email; DROP INDEX inbound_by_from;
DROP INDEX inbound_by_survey; DROP INDEX inbound_by_time; DROP INDEX messages_unattached;
DROP INDEX messages_by_created; DROP INDEX events_by_received; DROP INDEX surveys_by_commented;
DROP TABLE privacy_audit; DROP TRIGGER anonymous_unlink; DROP TRIGGER anonymous_message_done;
DROP TRIGGER anonymous_inbound; ALTER TABLE surveys DROP COLUMN anonymous;
DROP TABLE sessions; DROP TABLE users; DROP TABLE login_failures; DROP INDEX surveys_by_answered;
DROP TRIGGER answer_rollups_insert; DROP TRIGGER answer_rollups_update;
DROP TRIGGER answer_rollups_delete; DROP TRIGGER answer_rollups_survey;
DROP TRIGGER sent_rollups_insert; DROP TRIGGER sent_rollups_update;
DROP TRIGGER sent_rollups_delete;
DROP TABLE answer_rollups; DROP TABLE sent_rollups; DROP TABLE rollup_grains;
ALTER TABLE answers DROP COLUMN day; ALTER TABLE answers DROP COLUMN day_end;
ALTER TABLE surveys DROP COLUMN sent_day; ALTER TABLE surveys DROP COLUMN sent_day_end;
PRAGMA user_version = 11;
)sql");
    }
    store::SqliteStore db(store::open_for_writing(path));
    CHECK(db.database().execAndGet("PRAGMA user_version").getInt() == store::schema_version());
    const auto config = staff_config();
    for (const auto& by : std::vector<std::vector<std::string>>{{"step"}, {"staff", "week"}}) {
        report::ReportQuery q;
        q.by = by;
        const auto expected = by_hand(db, config, q);
        const auto got = said(report::run_report(db, config, q));
        CHECK(got.size() == expected.size());
        for (const auto& [key, e] : expected) {
            auto it = got.find(key);
            REQUIRE(it != got.end());
            CHECK(it->second.n == e.n);
            CHECK(it->second.sent == e.sent);
            CHECK(it->second.answered == e.answered);
        }
    }
}
