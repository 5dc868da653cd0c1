// bench_reports: how long cxgate's reports take over two years of answers, beside what SQLite
// itself needs to aggregate the same answers row by row. The target is 50 ms per report at
// 1,000,000 answered surveys; the reports read the store's daily rollups (kept by triggers as
// each answer is written) for the whole days of their period and the answers of the days its
// ends cut, so the baseline is what they would cost without the rollups.
//
// It fills a SQLite file (--db) with that many answered surveys of the bundled
// mortgage-funnel flow, or reuses one that this build would fill the same way (same count,
// schema version and flow file: a marker in its settings says so): deals going booking -> meeting
// -> 0-2 follow-up calls -> close over 2024-12-01..2026-11-30, 20 staff (4 team leads), 5 segments,
// deterministic scores (fixed seed). Every row goes through the store's own write path
// (insert_survey, record_answer, save_survey, as the daemon records a reply), so whatever the store
// keeps beside the answers is there too. Then, on read-only connections opened as the daemon's
// readers open them, it times (each --runs times after one warm-up run, median, min and max):
//   a. the journey: every step over all time (GET /v1/reports?flow=mortgage-funnel&by=step);
//   b. each step's weeks over the last year (by=step,week&since=2025-12-01&until=2026-12-01);
//   c. before and after: 28 days either side of 2026-06-01 (GET /v1/compare);
//   d. the journey over 28 days from and to 12:30 local, ends that cut two days;
//   e. the dashboard's journey page (GET /) as a manager sees it on 2026-11-30: its three
//      reports (28 days, the 28 before, 12 weeks by step), the sales line, the markers, and the
//      HTML drawn from them; the target there is 100 ms.
// The baseline of each, timed in the same run on the same file: hand-written SQL giving the
// same cells' sufficient statistics (count, sum, sum of squares, top/bottom two points,
// promoters/detractors; and sent/answered for the response rates the reports carry).
//
// Usage: bench_reports [--db PATH] [--answers N] [--runs N] [--config FILE] [--commit SHA]
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "cxgate/report/compare.hpp"
#include "cxgate/report/parameters.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"

namespace {

using namespace cxgate;
using store::Seconds;
using Clock = std::chrono::steady_clock;

const std::string kFlow = "mortgage-funnel";
const std::string kFirstDay = "2024-12-01", kEndDay = "2026-12-01";  // [first, end), flow's zone
const std::string kLastYear = "2025-12-01";
const std::string kBefore = "2026-05-04..2026-06-01", kAfter = "2026-06-01..2026-06-29";
// A period whose ends cut days (12:30 local): those two days are read answer by answer.
const std::string kMidDaySince = "2026-05-04T12:30:00+03:00",
                  kMidDayUntil = "2026-06-01T12:30:00+03:00";
const std::string kPageNow = "2026-11-30T12:00:00+02:00";  // the journey page's today
const std::string kChangeDay = "2026-06-01";  // a new booking script: booking CES improves
constexpr double kTargetMs = 50;
constexpr double kPageTargetMs = 100;  // the journey page, all its reports and its HTML
constexpr Seconds kDay = 86400;
constexpr size_t kBatch = 10000;  // surveys per transaction while filling
constexpr std::uint64_t kSeed = 20261201;
const std::string kFillMarker = "bench_reports.fill";  // settings key: what filled the file
// The journey's steps as flows/mortgage-funnel.yaml names them, in funnel order.
enum class Role : std::uint8_t { booking, meeting, follow_up_call, close };
const std::array<std::string, 4> kStepIds{"booking", "meeting", "follow-up-call", "close"};
constexpr std::array<double, 4> kAnswerRate{0.55, 0.50, 0.35, 0.45};  // of a deal's surveys
constexpr size_t at(Role role) {
    return static_cast<size_t>(role);
}

struct Options {
    std::string db = "/tmp/cxgate-bench-reports.db";
    long answers = 1'000'000;
    int runs = 5;
    std::string config_file;
    std::string commit;  // empty: asked of git in the source tree
};

// The repository this file was compiled from (CMake passes absolute paths).
std::filesystem::path source_tree() {
    return std::filesystem::path(CXGATE_SOURCE_DIR);
}

std::optional<Options> parse_options(int argc, char** argv) {
    Options o;
    o.config_file = (source_tree() / "cxgate.yaml").string();
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i], value = argv[i + 1];
        char* end = nullptr;
        const long number = std::strtol(value.c_str(), &end, 10);
        const bool positive = *end == '\0' && number > 0;
        if (name == "--db")
            o.db = value;
        else if (name == "--config")
            o.config_file = value;
        else if (name == "--commit")
            o.commit = value;
        else if (name == "--answers" && positive)
            o.answers = number;
        else if (name == "--runs" && positive && number <= 1000)
            o.runs = static_cast<int>(number);
        else
            return std::nullopt;
    }
    if (argc % 2 == 0) return std::nullopt;  // an option without its value
    return o;
}

std::string command_output(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return out;
    std::array<char, 256> buffer{};
    while (fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
    pclose(pipe);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

// "8c444b3", and whether uncommitted changes under src/ or include/ went into this binary.
std::string commit_description(const Options& o) {
    if (!o.commit.empty()) return o.commit + " (as given)";
    const std::string git = "git -C '" + source_tree().string() + "' ";
    const auto head = command_output(git + "rev-parse --short HEAD 2>/dev/null");
    if (head.empty()) return "unknown (no git at " + source_tree().string() + "; pass --commit)";
    const auto changed = command_output(git + "status --porcelain -- src include | wc -l");
    if (changed == "0") return head + " (src/ and include/ clean)";
    return head + " + uncommitted changes in " + changed +
           " files under src/ and include/ (compiled into this binary)";
}

// 1,000,000. Built forwards: string::insert here trips GCC 12's false -Wrestrict at -O3.
std::string with_commas(long n) {
    const auto digits = std::to_string(n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// std::mt19937_64's sequence is fixed by the standard and the distributions are our own, so
// the data are the same with any standard library.
class Random {
  public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    int below(int n) { return std::min(n - 1, static_cast<int>(uniform() * n)); }
    bool chance(double p) { return uniform() < p; }
    double normal() {  // Irwin-Hall: close enough to a standard normal for scores
        double sum = 0;
        for (int i = 0; i < 12; ++i) sum += uniform();
        return sum - 6;
    }
    double exponential(double mean) { return -mean * std::log1p(-uniform()); }
    int weighted(const std::vector<double>& weights) {
        double total = 0;
        for (double w : weights) total += w;
        double at = uniform() * total;
        for (size_t i = 0; i < weights.size(); ++i)
            if ((at -= weights[i]) < 0) return static_cast<int>(i);
        return static_cast<int>(weights.size()) - 1;
    }

  private:
    std::mt19937_64 engine_;
};

std::string staff_id(int number) {
    return (number < 10 ? "s-0" : "s-") + std::to_string(number);
}

// s-01..s-20; s-01, s-06, s-11 and s-16 each lead themselves and the next four.
void add_staff(config::Config& config) {
    static const std::array<const char*, 20> names{
        "Aino Virtanen",   "Eero Korhonen",  "Helmi Nieminen",  "Onni Mäkinen",
        "Ella Hämäläinen", "Leo Laine",      "Sofia Heikkinen", "Elias Koskinen",
        "Olivia Järvinen", "Väinö Lehtonen", "Aada Lehtinen",   "Eino Saarinen",
        "Lilja Salminen",  "Toivo Heinonen", "Isla Niemi",      "Oliver Heikkilä",
        "Linnea Kinnunen", "Leevi Salonen",  "Venla Turunen",   "Akseli Lindholm"};
    for (int number = 1; number <= 20; ++number) {
        config::StaffMember member;
        member.id = staff_id(number);
        member.name = names[static_cast<size_t>(number - 1)];
        member.email = member.id + "@bank.example";
        const int lead = 1 + (number - 1) / 5 * 5;
        if (lead != number) member.lead = staff_id(lead);
        config.staff[member.id] = member;
    }
}

const std::vector<std::string> kSegments{"first-home", "refinance", "investment", "private-banking",
                                         "business-owner"};
const std::vector<std::string> kLocales{"fi", "sv", "en"};
const std::map<std::string, std::vector<std::string>> kComments{
    {"fi",
     {"Neuvoja oli ystävällinen ja asiantunteva", "Jouduin odottamaan jonossa",
      "Korko on liian kallis"}},
    {"sv", {"Vänlig rådgivare", "Fick vänta länge i kö", "Räntan är för dyr"}},
    {"en", {"Friendly advisor", "Had to wait in a queue", "The price is too expensive"}}};

// One answered survey before it is written: compact, so two years of them fit in memory and
// go in in time order (survey ids grow with time, as in the daemon).
struct PlannedSurvey {
    Seconds event_at = 0, sent_at = 0, answered_at = 0;
    std::int32_t deal = 0;
    Role role = Role::booking;
    std::uint8_t staff = 0, segment = 0, locale = 0, visit = 0;  // visit: which call (0, 1)
    bool won = false, by_email = false;
    std::int8_t comment = -1;  // into kComments of its locale; -1: no "why?" answer
    std::array<std::int8_t, 3> scores{};
};

// Where an average answer sits on its scale (0: the worst end, 1: the best), the staff
// member's quality (-1..1, more after the new booking script) moving it a little.
int draw_score(const store::SurveyQuestion& q, double quality, Random& random) {
    const auto metric = metrics::parse_metric(q.metric).value_or(metrics::Metric::csat);
    const double typical = metric == metrics::Metric::csat ? 0.76 : 0.72;
    const double position = std::clamp(typical + 0.06 * quality + 0.24 * random.normal(), 0.0, 1.0);
    const int from_worst = static_cast<int>(std::lround(position * (q.scale_max - q.scale_min)));
    return q.low_is_good ? q.scale_max - from_worst : q.scale_min + from_worst;
}

std::vector<store::SurveyQuestion> questions_of(const config::Step& step) {
    std::vector<store::SurveyQuestion> out;
    for (const auto& q : step.questions)
        out.push_back({q.id, metrics::to_string(q.metric), q.scale.min, q.scale.max, q.low_is_good,
                       q.template_name});
    return out;
}

struct Journey {
    const config::Flow* flow = nullptr;
    std::array<const config::Step*, 4> steps{};  // by Role
    const config::Step& step(Role role) const { return *steps[at(role)]; }
};

// Deals at random days of [first, end), office hours; each touchpoint answered at its step's
// rate, answers arriving minutes (SMS) or hours (email) after the survey went out.
std::vector<PlannedSurvey> plan_answers(long count, Seconds first, Seconds end,
                                        const Journey& journey, Seconds change_at) {
    Random random(kSeed);
    std::vector<PlannedSurvey> out;
    out.reserve(static_cast<size_t>(count) + 8);
    const int days = static_cast<int>((end - first) / kDay);
    std::array<std::vector<store::SurveyQuestion>, 4> questions;
    for (size_t r = 0; r < questions.size(); ++r) questions[r] = questions_of(*journey.steps[r]);
    auto office_hours = [&](Seconds day) {
        return first + (day - first) / kDay * kDay + 8 * 3600 + random.below(10 * 3600);
    };
    for (std::int32_t deal = 1; static_cast<long>(out.size()) < count; ++deal) {
        PlannedSurvey base;
        base.deal = deal;
        base.staff = static_cast<std::uint8_t>(random.below(20));
        base.segment = static_cast<std::uint8_t>(random.weighted({35, 25, 15, 10, 15}));
        base.locale = static_cast<std::uint8_t>(random.weighted({80, 12, 8}));
        base.won = random.chance(0.55);
        std::vector<std::pair<Role, Seconds>> touches{
            {Role::booking, office_hours(first + random.below(days) * kDay)}};
        touches.push_back(
            {Role::meeting, office_hours(touches[0].second + (2 + random.below(13)) * kDay)});
        const int calls = random.weighted({20, 40, 40});
        for (int c = 0; c < calls; ++c)
            touches.push_back(
                {Role::follow_up_call, office_hours(touches[1].second + (3 + 2 * c) * kDay)});
        touches.push_back(
            {Role::close, office_hours(touches.back().second + (3 + random.below(19)) * kDay)});
        const double quality = ((base.staff * 7) % 20) / 9.5 - 1;
        int visit = 0;
        for (const auto& [role, event_at] : touches) {
            if (!random.chance(kAnswerRate[at(role)])) continue;
            PlannedSurvey p = base;
            p.role = role;
            p.visit = static_cast<std::uint8_t>(role == Role::follow_up_call ? visit++ : 0);
            p.event_at = event_at;
            p.by_email = role == Role::close && random.chance(0.85);  // SMS when email fails
            p.sent_at = event_at + (role == Role::booking ? 600 : role == Role::close ? kDay : 60);
            p.answered_at =
                p.sent_at + 20 +
                static_cast<Seconds>(std::min(
                    p.by_email ? random.exponential(6 * 3600.0) : random.exponential(2400.0),
                    5.0 * kDay));
            const bool new_script = role == Role::booking && p.answered_at >= change_at;
            const auto& asked = questions[at(role)];
            for (size_t q = 0; q < asked.size() && q < p.scores.size(); ++q)
                p.scores[q] = static_cast<std::int8_t>(
                    draw_score(asked[q], quality + (new_script ? 1.5 : 0), random));
            if (random.chance(0.25)) p.comment = static_cast<std::int8_t>(random.below(3));
            if (p.answered_at < end && static_cast<long>(out.size()) < count) out.push_back(p);
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const PlannedSurvey& a, const PlannedSurvey& b) {
        return a.sent_at < b.sent_at;
    });
    return out;
}

Seconds approximate_seconds(const timing::Delay& d) {
    using U = timing::Delay::Unit;
    const Seconds unit = d.unit == U::seconds   ? 1
                         : d.unit == U::minutes ? 60
                         : d.unit == U::hours   ? 3600
                                                : kDay;
    return unit * d.amount;
}

// What engine::record_event puts in a survey row for this step of the flow.
store::SurveyRow survey_of_step(const config::Flow& flow, const config::Step& step) {
    store::SurveyRow s;
    s.flow = flow.name;
    s.flow_version = flow.version;
    s.step = step.id;
    const auto& first = step.first();
    s.metric = metrics::to_string(first.metric);
    s.scale_min = first.scale.min;
    s.scale_max = first.scale.max;
    s.low_is_good = first.low_is_good;
    s.template_name = first.template_name;
    if (step.questions.size() > 1 || first.id != "q1") s.questions = questions_of(step);
    s.follow_up_why = step.follow_up_why;
    s.channels = nlohmann::json(step.channels).dump();
    s.reminders_max = step.reminder ? step.reminder->max : 0;
    s.timezone = flow.timezone;
    return s;
}

// Each survey as it went out, then answered as replies::apply_score records a reply: every
// answer (record_answer), then the survey's own score, state and comment (save_survey).
void write_answers(store::SqliteStore& store, const config::Config& config, const Journey& journey,
                   const std::vector<PlannedSurvey>& planned) {
    std::array<store::SurveyRow, 4> rows_of_step;
    for (size_t r = 0; r < rows_of_step.size(); ++r)
        rows_of_step[r] = survey_of_step(*journey.flow, *journey.steps[r]);
    const Seconds comment_window = approximate_seconds(config.defaults.comment_window);
    for (size_t begin = 0; begin < planned.size(); begin += kBatch) {
        SQLite::Transaction transaction(store.database());
        for (size_t i = begin; i < std::min(planned.size(), begin + kBatch); ++i) {
            const auto& p = planned[i];
            const auto& step = journey.step(p.role);
            auto row = rows_of_step[at(p.role)];
            const auto deal = std::to_string(p.deal);
            row.event_id = "evt-" + deal + "-" + step.id + (p.visit ? "-2" : "");
            row.event_type = step.on.size() > 1 && !p.won ? step.on[1] : step.on[0];
            row.contact_id = "c-" + deal;
            row.contact_name = "Asiakas " + deal;
            row.locale = kLocales[p.locale];
            row.segment = kSegments[p.segment];
            const auto& staff = config.staff.at(staff_id(p.staff + 1));
            row.staff_id = staff.id;
            row.staff_name = staff.name;
            row.staff_email = staff.email;
            row.channel = p.by_email ? "email" : "sms";
            row.address = p.by_email ? "c-" + deal + "@example.com"
                                     : "+35840" + std::to_string(1000000 + p.deal);
            row.deal_id = "deal-" + deal;
            row.created_at = p.event_at;
            row.due_at = p.sent_at;
            row.sent_at = p.sent_at;
            row.expires_at = p.sent_at + approximate_seconds(step.expires);
            row.updated_at = p.sent_at;
            row.state = store::SurveyState::sent;
            row.id = store.insert_survey(row);

            const int questions = store::question_count(row);
            for (int q = 0; q < questions; ++q)
                store.record_answer(row, q, p.scores[static_cast<size_t>(q)],
                                    p.answered_at + 30 * q);
            row.score = p.scores[0];
            row.answered_at = p.answered_at;
            row.question = questions;
            row.state = store::SurveyState::answered;
            row.comment_until = p.answered_at + comment_window;
            if (p.comment >= 0) {
                row.state = store::SurveyState::commented;
                row.comment = kComments.at(row.locale)[static_cast<size_t>(p.comment)];
                row.commented_at = p.answered_at + 90;
                row.comment_until.reset();
            }
            row.updated_at = row.commented_at.value_or(p.answered_at);
            store.save_survey(row);
        }
        transaction.commit();
        if ((begin / kBatch) % 20 == 19)
            std::cerr << "  " << with_commas(static_cast<long>(begin + kBatch)) << "\n";
    }
}

long answered_surveys(SQLite::Database& db) {
    SQLite::Statement st(db, "SELECT COUNT(*) FROM surveys WHERE flow = ? AND score IS NOT NULL");
    st.bind(1, kFlow);
    return st.executeStep() ? st.getColumn(0).getInt64() : 0;
}

// What a fill wrote. A file is reused only when this build would write the same: a newer
// schema (an index, a rollup kept by record_answer) or another flow file means filling again.
std::string fill_description(long answers, const Journey& journey) {
    return "answers=" + std::to_string(answers) + " seed=" + std::to_string(kSeed) +
           " schema=" + std::to_string(store::schema_version()) + " flow=" + journey.flow->version;
}

// The fill marker of an existing file; empty when it has none (not a file of ours).
std::string fill_marker_of(const std::string& path) {
    auto db = store::open_for_reading(path);
    if (!db->tableExists("settings")) return "";
    SQLite::Statement st(*db, "SELECT value FROM settings WHERE key = ?");
    st.bind(1, kFillMarker);
    return st.executeStep() ? st.getColumn(0).getString() : "";
}

// Reuses the file when its marker says this build would fill it the same way; fills it
// otherwise, in PATH.filling renamed when complete, so an interrupted fill is started over,
// never taken for a full one. A file without our marker is left alone.
bool prepare_database(const Options& o, const config::Config& config, const Journey& journey) {
    const auto wanted = fill_description(o.answers, journey);
    if (std::filesystem::exists(o.db)) {
        const auto found = fill_marker_of(o.db);
        if (found == wanted) {
            std::cout << "database: reused " << o.db << " (" << found << ")\n";
            return true;
        }
        if (found.empty()) {
            std::cerr << o.db << " was not filled by bench_reports: give another --db\n";
            return false;
        }
        std::cout << "database: " << o.db << " was filled as " << found << "; this run needs "
                  << wanted << ": filling it again\n";
        for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(o.db + suffix);
    }
    const std::string filling = o.db + ".filling";
    for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(filling + suffix);
    const auto& zone = report::zone_for(config, kFlow);
    const auto start = Clock::now();
    const auto planned = plan_answers(o.answers, *report::read_time(kFirstDay, zone),
                                      *report::read_time(kEndDay, zone), journey,
                                      *report::read_time(kChangeDay, zone));
    std::printf("database: planned %s answered surveys in %.1f s; writing %s\n",
                with_commas(static_cast<long>(planned.size())).c_str(), ms_since(start) / 1000,
                o.db.c_str());
    std::fflush(stdout);
    {
        store::SqliteStore store(store::open_for_writing(filling));
        write_answers(store, config, journey, planned);
        store.put_setting(kFillMarker, wanted);
    }  // the last connection closing checkpoints the WAL into the file
    if (std::filesystem::exists(filling + "-wal"))
        throw std::runtime_error(filling + "-wal left behind");
    std::filesystem::rename(filling, o.db);
    const double seconds = ms_since(start) / 1000;
    std::printf("database: filled in %.1f s (%s answered surveys/s, batches of %zu; %s)\n", seconds,
                with_commas(std::lround(static_cast<double>(o.answers) / seconds)).c_str(), kBatch,
                wanted.c_str());
    return true;
}

// The cells' sufficient statistics, aggregated by SQLite itself: each figure and its margin
// (NPS, % satisfied, mean and its s) follows from these without reading a row again. Weeks
// are Monday-based in UTC+2 by integer arithmetic (ISO weeks in Helsinki without DST).
class Baseline {
  public:
    explicit Baseline(SQLite::Database& db) : db_(db) {}

    long answers(bool by_week, std::optional<long long> since, std::optional<long long> until) {
        const std::string week = by_week ? ", (a.answered_at + 266400) / 604800" : "";
        return run("SELECT s.step, a.question, a.metric" + week +
                       ", COUNT(*), SUM(a.score), SUM(a.score * a.score), "
                       "SUM(a.score >= a.scale_max - 1), SUM(a.score <= a.scale_min + 1), "
                       "SUM(a.score >= 9), SUM(a.score <= 6) "
                       "FROM answers a JOIN surveys s ON s.id = a.survey_id WHERE s.flow = :flow" +
                       bounds("a.answered_at", since, until) + " GROUP BY 1, 2, 3" +
                       (by_week ? ", 4" : ""),
                   since, until, by_week ? 4 : 3);
    }

    long sent(bool by_week, std::optional<long long> since, std::optional<long long> until) {
        const std::string week = by_week ? ", (sent_at + 266400) / 604800" : "";
        return run("SELECT step, metric" + week +
                       ", COUNT(*), SUM(score IS NOT NULL) FROM surveys "
                       "WHERE flow = :flow AND sent_at IS NOT NULL AND state <> 'failed'" +
                       bounds("sent_at", since, until) + " GROUP BY 1, 2" + (by_week ? ", 3" : ""),
                   since, until, by_week ? 3 : 2);
    }

  private:
    static std::string bounds(const std::string& column, std::optional<long long> since,
                              std::optional<long long> until) {
        return (since ? " AND " + column + " >= :since" : "") +
               (until ? " AND " + column + " < :until" : std::string());
    }

    // The sum of each cell's count (column `count_column`).
    long run(const std::string& sql, std::optional<long long> since, std::optional<long long> until,
             int count_column) {
        SQLite::Statement st(db_, sql);
        st.bind(":flow", kFlow);
        if (since) st.bind(":since", static_cast<std::int64_t>(*since));
        if (until) st.bind(":until", static_cast<std::int64_t>(*until));
        long total = 0;
        while (st.executeStep()) total += st.getColumn(count_column).getInt64();
        return total;
    }

    SQLite::Database& db_;
};

struct Timing {
    double first_ms = 0, median_ms = 0, min_ms = 0, max_ms = 0;
    long answers = 0;  // what the run counted, to check both sides read the same rows
};

// One warm-up run (the file's pages into the OS cache), then `runs` timed ones.
Timing time_runs(int runs, const std::function<long()>& run) {
    Timing t;
    auto start = Clock::now();
    t.answers = run();
    t.first_ms = ms_since(start);
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        start = Clock::now();
        run();
        ms.push_back(ms_since(start));
    }
    std::sort(ms.begin(), ms.end());
    const size_t mid = ms.size() / 2;
    t.median_ms = ms.size() % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
    t.min_ms = ms.front();
    t.max_ms = ms.back();
    return t;
}

long answers_in(const std::vector<report::ReportRow>& rows) {
    long n = 0;
    for (const auto& row : rows) n += row.result.n;
    return n;
}

template <typename T>
T parsed(std::variant<T, report::ParameterError> result) {
    if (auto* error = std::get_if<report::ParameterError>(&result))
        throw std::runtime_error("bad parameter " + error->message);
    return std::get<T>(std::move(result));
}

struct Case {
    std::string name;
    std::function<long()> cxgate, baseline;
};

}  // namespace

int main(int argc, char** argv) try {
    const auto options = parse_options(argc, argv);
    if (!options) {
        std::cerr << "usage: bench_reports [--db PATH] [--answers N] [--runs N] [--config FILE] "
                     "[--commit SHA]\n";
        return 2;
    }
    const auto& o = *options;
    setenv("CXGATE_API_TOKEN", "bench-reports-api-token-0123456789", 0);  // kept if already set
    auto loaded = config::load(o.config_file);
    if (!loaded.config) {
        std::cerr << loaded.diagnostics.to_string();
        return 2;
    }
    config::Config config = *loaded.config;
    add_staff(config);
    Journey journey{config.find_flow(kFlow), {}};
    for (size_t r = 0; journey.flow && r < kStepIds.size(); ++r)
        if (!(journey.steps[r] = journey.flow->find_step(kStepIds[r]))) journey.flow = nullptr;
    if (!journey.flow) {
        std::cerr << o.config_file << ": no flow " << kFlow << " with steps booking, meeting, "
                  << "follow-up-call and close\n";
        return 2;
    }

    std::cout << "bench_reports: commit " << commit_description(o) << "\n";
    if (!prepare_database(o, config, journey)) return 1;

    store::SqliteStore reader(store::open_for_reading(o.db));
    auto baseline_db = store::open_for_reading(o.db);
    Baseline baseline(*baseline_db);
    {
        SQLite::Statement rows(*baseline_db, "SELECT COUNT(*) FROM answers");
        rows.executeStep();
        const int version = baseline_db->execAndGet("PRAGMA user_version").getInt();
        std::cout << "database: " << with_commas(answered_surveys(*baseline_db))
                  << " answered surveys, " << with_commas(rows.getColumn(0).getInt64())
                  << " answer rows, " << std::filesystem::file_size(o.db) / (1 << 20)
                  << " MiB, schema version " << version << " (this build writes "
                  << store::schema_version() << ")\n";
    }

    const auto journey_query =
        parsed(report::parse_query({{"flow", kFlow}, {"by", "step"}}, config));
    const auto weekly_query = parsed(report::parse_query(
        {{"flow", kFlow}, {"by", "step,week"}, {"since", kLastYear}, {"until", kEndDay}}, config));
    const auto compare_query = parsed(report::resolve(
        reader, parsed(report::parse_compare(
                    {{"flow", kFlow}, {"before", kBefore}, {"after", kAfter}}, config))));
    const auto mid_day_query = parsed(report::parse_query(
        {{"flow", kFlow}, {"by", "step"}, {"since", kMidDaySince}, {"until", kMidDayUntil}},
        config));
    const auto page_periods =
        dashboard::journey_periods(timing::parse_iso8601(kPageNow)->time_since_epoch().count(),
                                   report::zone_for(config, kFlow));
    auto answers_on_page = [](const dashboard::JourneyData& d) {
        long n = 0;
        for (const auto* report : {&d.current, &d.previous, &d.weekly})
            for (const auto& row : (*report)["rows"]) n += row.value("n", 0L);
        return n;
    };
    const std::vector<Case> cases{
        {"a. journey: by step, all time",
         [&] { return answers_in(report::run_report(reader, config, journey_query)); },
         [&] {
             baseline.sent(false, std::nullopt, std::nullopt);
             return baseline.answers(false, std::nullopt, std::nullopt);
         }},
        {"b. by step,week, last year",
         [&] { return answers_in(report::run_report(reader, config, weekly_query)); },
         [&] {
             baseline.sent(true, weekly_query.since, weekly_query.until);
             return baseline.answers(true, weekly_query.since, weekly_query.until);
         }},
        {"c. compare: 28 d before/after",
         [&] {
             long n = 0;
             for (const auto& row : report::compare(reader, config, compare_query))
                 n += row.n_before + row.n_after;
             return n;
         },
         [&] {
             const auto& q = compare_query;
             return baseline.answers(false, q.before.since, q.before.until) +
                    baseline.answers(false, q.after.since, q.after.until);
         }},
        {"d. by step, 28 d from 12:30",
         [&] { return answers_in(report::run_report(reader, config, mid_day_query)); },
         [&] {
             baseline.sent(false, mid_day_query.since, mid_day_query.until);
             return baseline.answers(false, mid_day_query.since, mid_day_query.until);
         }},
        {"e. journey page (GET /), html",
         [&] {
             const auto data =
                 dashboard::read_journey(reader, config, kFlow, {}, page_periods, true);
             dashboard::Frame frame;
             frame.flow = kFlow;
             const auto& words = dashboard::words(dashboard::Lang::en);
             const auto html = dashboard::page(frame, dashboard::journey(data, words));
             if (html.size() < 1000) throw std::runtime_error("the journey page came out empty");
             return answers_on_page(data);
         },
         [&] {
             const auto& p = page_periods;
             baseline.sent(false, p.since, p.until);
             baseline.sent(false, p.previous_since, p.since);
             baseline.sent(true, p.week_starts.front(), p.until);
             return baseline.answers(false, p.since, p.until) +
                    baseline.answers(false, p.previous_since, p.since) +
                    baseline.answers(true, p.week_starts.front(), p.until);
         }},
    };

    std::printf(
        "\n%d timed runs per case after one warm-up run; read-only connections "
        "(store::open_for_reading); times in ms\n\n",
        o.runs);
    std::printf("%-31s %9s %9s %9s %9s | %9s %9s | %19s | %s\n", "case", "median", "min", "max",
                "warm-up", "baseline", "ratio", "answers read", "target");
    for (const auto& c : cases) {
        const auto mine = time_runs(o.runs, c.cxgate);
        const auto theirs = time_runs(o.runs, c.baseline);
        const std::string answers =
            mine.answers == theirs.answers
                ? with_commas(mine.answers)
                : with_commas(mine.answers) + "!=" + with_commas(theirs.answers);
        std::printf("%-31s %9.1f %9.1f %9.1f %9.1f | %9.1f %8.3fx | %19s | %s\n", c.name.c_str(),
                    mine.median_ms, mine.min_ms, mine.max_ms, mine.first_ms, theirs.median_ms,
                    mine.median_ms / theirs.median_ms, answers.c_str(),
                    mine.median_ms < (c.name[0] == 'e' ? kPageTargetMs : kTargetMs) ? "yes" : "no");
    }
    std::printf(
        "\nbaseline: hand-written SQL over the same file, median of %d; ratio: cxgate / "
        "baseline. The baselines of a and b include the sent/answered aggregate for the "
        "response rates.\n",
        o.runs);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "bench_reports: " << e.what() << "\n";
    return 1;
}
