// Flow language semantics through config::load and engine::plan_event: conditions,
// cancel_on, arbitration, recontact counted from sends, the fatigue budget, time zones and
// holiday calendars named by flows.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/plan.hpp"

namespace fs = std::filesystem;
using namespace cxgate;

namespace {

using FlowFiles = std::map<std::string, std::string>;

struct Flows {
    fs::path root;
    std::shared_ptr<const config::Config> config;
    config::Diagnostics diagnostics;

    explicit Flows(const FlowFiles& flows, const std::string& extra = "") {
        root = fs::temp_directory_path() / ("cxgate-rules-" + std::to_string(std::rand()));
        fs::create_directories(root / "flows");
        setenv("CXGATE_TEST_TOKEN", "unit-test-token-0123456789", 1);
        std::ofstream(root / "cxgate.yaml")
            << "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
               "defaults: { timezone: Europe/Helsinki }\n"
               "channels:\n"
               "  sms: { type: sandbox, kind: sms }\n"
               "  email: { type: sandbox, kind: email }\n"
               "templates_dir: "
            << CXGATE_SOURCE_DIR << "/templates\ncalendars_dir: " << CXGATE_SOURCE_DIR
            << "/calendars\n"
            << extra;
        for (const auto& [name, text] : flows)
            std::ofstream(root / "flows" / (name + ".yaml")) << text;
        auto loaded = config::load((root / "cxgate.yaml").string());
        diagnostics = loaded.diagnostics;
        config = loaded.config;
    }
    ~Flows() { fs::remove_all(root); }
    std::string flow_file(const std::string& name) const {
        return (root / "flows" / (name + ".yaml")).lexically_normal().string();
    }
};

const char* kSales = R"(flow: sales
timezone: Europe/Helsinki
calendar: fi
extra_days_off: [2026-12-31]
send_window: { mon-fri: "09:00-20:00", sat: "10:00-14:00" }
steps:
  - id: meeting
    on: meeting.completed
    survey: { metric: csat }
    channel: sms
    delay: 1d
    priority: 5
    cancel_on: [deal.lost]
  - id: close
    on: [deal.won, deal.lost]
    survey: { metric: nps }
    channel: [email, sms]
    delay: 1 business day
    at: "10:00"
    priority: 10
    arbitration: 48h
  - id: premium-call
    on: call.completed
    if: contact.segment == "premium" and attributes.amount >= 100000
    survey: { metric: csat }
    channel: sms
)";

timing::TimePoint at(const char* iso) {
    return *timing::parse_iso8601(iso);
}

engine::Event event(const config::Config& c, const std::string& json_text, timing::TimePoint now) {
    auto parsed = engine::parse_event(nlohmann::json::parse(json_text), c, now);
    INFO(parsed.error);
    REQUIRE(parsed.event);
    return *parsed.event;
}

engine::PriorSurvey prior(const char* flow, const char* step, const char* state,
                          timing::TimePoint when, std::int64_t id, bool pending) {
    engine::PriorSurvey p{flow, step, *cxgate::store::parse_survey_state(state), when};
    p.id = id;
    p.pending = pending;
    return p;
}

std::string local(timing::TimePoint t, const char* zone = "Europe/Helsinki") {
    return timing::format_local(t, *date::locate_zone(zone));
}

}  // namespace

TEST_CASE("flow rules: the sales flow loads with calendar, windows, priorities") {
    Flows f(FlowFiles{{"sales", kSales}});
    INFO(f.diagnostics.to_string());
    REQUIRE(f.config);
    const auto& flow = f.config->flows.at(0);
    CHECK(flow.calendar_name == "fi+extra_days_off");
    CHECK(flow.calendar.is_day_off(date::sys_days{date::year{2026} / 12 / 24}));
    CHECK(flow.calendar.is_day_off(date::sys_days{date::year{2026} / 12 / 31}));
    CHECK(flow.send_window.spans.size() == 6);
    CHECK(flow.find_step("close")->priority == 10);
    CHECK(flow.find_step("close")->at_minute == 600);
    CHECK(flow.find_step("meeting")->cancel_on == std::vector<std::string>{"deal.lost"});
    CHECK(flow.find_step("premium-call")->condition.has_value());
}

TEST_CASE("flow rules: if: conditions over contact and attributes") {
    Flows f(FlowFiles{{"sales", kSales}});
    REQUIRE(f.config);
    const auto now = at("2026-11-16T10:00:00+02:00");
    struct Case {
        const char* name;
        const char* body;
        bool scheduled;
    };
    const std::vector<Case> cases = {
        {"premium and large", R"({"segment":"premium"},"attributes":{"amount":150000})", true},
        {"premium, exactly 100000", R"({"segment":"premium"},"attributes":{"amount":100000})",
         true},
        {"premium but small", R"({"segment":"premium"},"attributes":{"amount":99999})", false},
        {"basic segment", R"({"segment":"basic"},"attributes":{"amount":150000})", false},
        {"no amount at all", R"({"segment":"premium"})", false},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        std::string body = c.body;
        // {"segment":...} is the contact; add a phone to it.
        body.insert(1, R"("phone":"0401234567",)");
        auto e =
            event(*f.config,
                  std::string(R"({"id":"c","type":"call.completed","contact":)") + body + "}", now);
        auto d = engine::plan(*f.config, e, {}, now);
        REQUIRE(d.size() == 1);
        CHECK(d[0].scheduled == c.scheduled);
        if (!c.scheduled) {
            CHECK(d[0].reason == "condition");
            CHECK(d[0].detail.find("contact.segment == \"premium\"") != std::string::npos);
        }
    }
}

TEST_CASE("flow rules: if: parse errors are config errors at file:line:column") {
    std::string flow = kSales;
    flow.replace(flow.find("attributes.amount >= 100000"), 27, "attributes.amount >== 100000");
    Flows f(FlowFiles{{"sales", flow}});
    CHECK_FALSE(f.config);
    INFO(f.diagnostics.to_string());
    // Line 24: `if: ` at column 5, the value at column 9; ">=" is read at offset 51, and the
    // stray "=" at offset 53 is where the parser stops: column 9 + 53.
    const auto text = f.diagnostics.to_string();
    CHECK(text.find(f.flow_file("sales") + ":24:62: error:") != std::string::npos);
    CHECK(text.find("step \"premium-call\": \"if\":") != std::string::npos);

    Flows quoted(FlowFiles{{"q",
                            "flow: q\nsteps:\n  - id: a\n    on: x\n    if: \"segment == 1\"\n"
                            "    survey: { metric: nps }\n    channel: sms\n"}});
    CHECK_FALSE(quoted.config);
    // Unknown root "segment" at offset 0 inside the quotes: column 9 + 1.
    CHECK(quoted.diagnostics.to_string().find(quoted.flow_file("q") + ":5:10: error:") !=
          std::string::npos);
}

TEST_CASE("flow rules: unknown calendar, bad at:, bad window are config errors") {
    Flows f(FlowFiles{{"x",
                       "flow: x\ncalendar: atlantis\nsend_window: { mon-fri: \"09:00\" }\nsteps:\n"
                       "  - id: a\n    on: x\n    at: \"25:00\"\n    survey: { metric: nps }\n"
                       "    channel: sms\n    cancel_on: [x]\n"}});
    CHECK_FALSE(f.config);
    const auto text = f.diagnostics.to_string();
    INFO(text);
    CHECK(text.find(f.flow_file("x") + ":2:11: error: unknown calendar \"atlantis\"") !=
          std::string::npos);
    CHECK(text.find(f.flow_file("x") +
                    ":3:14: error: \"send_window\": send window for \"mon-fri\"") !=
          std::string::npos);
    CHECK(text.find(f.flow_file("x") + ":7:9: error: step \"a\": \"at\" must be a local time") !=
          std::string::npos);
    CHECK(text.find("\"x\" both starts and cancels this step") != std::string::npos);
}

TEST_CASE("flow rules: holidays and windows of the flow's calendar decide due times") {
    Flows f(FlowFiles{{"sales", kSales}});
    REQUIRE(f.config);
    struct Case {
        const char* name;
        const char* type;
        const char* occurred;
        const char* expected;
    };
    const std::vector<Case> cases = {
        {"close before Christmas: next business day 10:00 is the 28th", "deal.won",
         "2026-12-23T15:00:00+02:00", "2026-12-28T10:00:00+02:00"},
        {"close before the company day off 31 Dec and New Year", "deal.won",
         "2026-12-30T15:00:00+02:00", "2027-01-04T10:00:00+02:00"},
        {"close before Midsummer Eve", "deal.won", "2026-06-18T12:00:00+03:00",
         "2026-06-22T10:00:00+03:00"},
        {"meeting Friday 11:00 + 1d: Saturday's window", "meeting.completed",
         "2026-11-20T11:00:00+02:00", "2026-11-21T11:00:00+02:00"},
        {"meeting Friday 19:00 + 1d: Monday 09:00", "meeting.completed",
         "2026-11-20T19:00:00+02:00", "2026-11-23T09:00:00+02:00"},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        const auto now = at(c.occurred);
        auto e = event(*f.config,
                       std::string(R"({"id":"e","type":")") + c.type +
                           R"(","contact":{"phone":"0401234567"}})",
                       now);
        auto d = engine::plan(*f.config, e, {}, now);
        REQUIRE(d.size() == 1);
        CHECK(d[0].scheduled);
        CHECK(local(d[0].due_at) == c.expected);
    }
}

TEST_CASE("flow rules: the contact's time zone wins over the flow's, which wins over defaults") {
    Flows f(FlowFiles{{"sales", kSales},
                      {"nozone",
                       "flow: nozone\nsteps:\n  - id: a\n    on: x.y\n    survey: { metric: nps }\n"
                       "    channel: sms\n    at: \"10:00\"\n"}},
            "");
    REQUIRE(f.config);
    CHECK(f.config->find_flow("nozone")->timezone == "Europe/Helsinki");  // defaults.timezone
    const auto now = at("2026-11-16T12:00:00+02:00");
    auto ny = event(
        *f.config,
        R"({"id":"n","type":"deal.won","contact":{"phone":"0401234567","timezone":"America/New_York"}})",
        now);
    auto d = engine::plan(*f.config, ny, {}, now);
    REQUIRE(d.size() == 1);
    CHECK(d[0].timezone == "America/New_York");
    // Monday 05:00 EST + 1 business day = Tuesday, at 10:00 New York time.
    CHECK(local(d[0].due_at, "America/New_York") == "2026-11-17T10:00:00-05:00");

    auto fi = event(*f.config, R"({"id":"h","type":"x.y","contact":{"phone":"0401234567"}})", now);
    auto h = engine::plan(*f.config, fi, {}, now);
    REQUIRE(h.size() == 1);
    CHECK(h[0].timezone == "Europe/Helsinki");
    CHECK(local(h[0].due_at) == "2026-11-17T10:00:00+02:00");
}

TEST_CASE("flow rules: cancel_on cancels pending surveys of the contact or the deal") {
    Flows f(FlowFiles{{"sales", kSales}});
    REQUIRE(f.config);
    const auto now = at("2026-11-20T20:00:00+02:00");  // Friday evening
    const auto monday = at("2026-11-23T09:00:00+02:00");

    SUBCASE("same contact") {
        engine::History h;
        h.surveys.push_back(prior("sales", "meeting", "scheduled", monday, 7, true));
        auto e =
            event(*f.config,
                  R"({"id":"lost-1","type":"deal.lost","contact":{"phone":"0401234567"}})", now);
        auto p = engine::plan_event(*f.config, e, h, now);
        REQUIRE(p.displaced.size() == 1);
        CHECK(p.displaced[0].survey_id == 7);
        CHECK(p.displaced[0].reason == "cancelled");
        CHECK(p.displaced[0].detail.find("deal.lost event lost-1") != std::string::npos);
        REQUIRE(p.decisions.size() == 1);
        CHECK(p.decisions[0].scheduled);  // the NPS still goes
    }
    SUBCASE("same deal, another contact; without the deal id nothing is cancelled") {
        engine::History h;
        auto other = prior("sales", "meeting", "scheduled", monday, 8, true);
        other.same_contact = false;
        other.deal_id = "D-42";
        h.surveys.push_back(other);
        auto with_deal = event(
            *f.config,
            R"({"id":"l2","type":"deal.lost","deal_id":"D-42","contact":{"phone":"0409999999"}})",
            now);
        CHECK(with_deal.deal_id == "D-42");
        auto p = engine::plan_event(*f.config, with_deal, h, now);
        REQUIRE(p.displaced.size() == 1);
        CHECK(p.displaced[0].detail.find("(deal D-42)") != std::string::npos);

        auto in_attributes = event(
            *f.config,
            R"({"id":"l3","type":"deal.lost","attributes":{"deal_id":42},"contact":{"phone":"0409999999"}})",
            now);
        CHECK(in_attributes.deal_id == "42");
        CHECK(engine::plan_event(*f.config, in_attributes, h, now).displaced.empty());
    }
    SUBCASE("a meeting survey already sent is not cancelled") {
        engine::History h;
        h.surveys.push_back(prior("sales", "meeting", "sent", now, 9, false));
        auto e = event(*f.config,
                       R"({"id":"l4","type":"deal.lost","contact":{"phone":"0401234567"}})", now);
        CHECK(engine::plan_event(*f.config, e, h, now).displaced.empty());
    }
}

TEST_CASE("flow rules: arbitration by priority within the winner's window") {
    Flows f(FlowFiles{{"sales", kSales}});
    REQUIRE(f.config);
    const auto now = at("2026-11-16T10:00:00+02:00");  // Monday
    const auto won =
        event(*f.config, R"({"id":"won","type":"deal.won","contact":{"phone":"0401234567"}})", now);
    const auto meeting =
        event(*f.config,
              R"({"id":"m","type":"meeting.completed","contact":{"phone":"0401234567"}})", now);

    struct Case {
        const char* name;
        const char* prior_step;
        const char* prior_state;
        const char* prior_at;
        bool pending;
        bool new_is_close;  // else a new meeting
        bool scheduled;
        const char* reason;
        bool displaced;
    };
    const std::vector<Case> cases = {
        {"close beats a pending meeting due within 48h", "meeting", "scheduled",
         "2026-11-17T10:00:00+02:00", true, true, true, "", true},
        {"a pending meeting 3 days away is outside the window", "meeting", "scheduled",
         "2026-11-20T10:00:00+02:00", true, true, true, "", false},
        {"a meeting already sent cannot be taken back; close still goes", "meeting", "sent",
         "2026-11-16T09:00:00+02:00", false, true, true, "", false},
        {"a new meeting loses to a close due within 48h", "close", "scheduled",
         "2026-11-17T10:00:00+02:00", true, false, false, "arbitration", false},
        {"a new meeting loses to a close sent within 48h", "close", "sent",
         "2026-11-15T12:00:00+02:00", false, false, false, "arbitration", false},
        {"a new meeting 3 days after a close goes", "close", "sent", "2026-11-14T09:00:00+02:00",
         false, false, true, "", false},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        engine::History h;
        h.surveys.push_back(
            prior("sales", c.prior_step, c.prior_state, at(c.prior_at), 3, c.pending));
        auto p = engine::plan_event(*f.config, c.new_is_close ? won : meeting, h, now);
        REQUIRE(p.decisions.size() == 1);
        CHECK(p.decisions[0].scheduled == c.scheduled);
        CHECK(p.decisions[0].reason == c.reason);
        CHECK(p.displaced.size() == (c.displaced ? 1u : 0u));
        if (c.displaced) {
            CHECK(p.displaced[0].reason == "arbitration");
            CHECK(p.displaced[0].detail.rfind("close (priority 10) wins within 48h over meeting "
                                              "(priority 5)",
                                              0) == 0);
        }
        if (std::string(c.reason) == "arbitration")
            CHECK(p.decisions[0].detail.rfind("close (priority 10) wins within 48h", 0) == 0);
    }
}

TEST_CASE("flow rules: arbitration ties go to the survey planned first") {
    const char* flows = R"(flow: a
arbitration: 48h
priority: 3
steps:
  - { id: one, on: x.y, survey: { metric: nps }, channel: sms, if: exists contact.phone }
  - { id: two, on: x.y, survey: { metric: csat }, channel: sms }
)";
    // (Without the `if:`, check would refuse the flow: "two" could never be sent.)
    Flows f(FlowFiles{{"a", flows}});
    INFO(f.diagnostics.to_string());
    REQUIRE(f.config);
    const auto now = at("2026-11-16T10:00:00+02:00");
    auto e = event(*f.config, R"({"id":"t","type":"x.y","contact":{"phone":"0401234567"}})", now);
    auto d = engine::plan(*f.config, e, {}, now);
    REQUIRE(d.size() == 2);
    CHECK(d[0].step->id == "one");
    CHECK(d[0].scheduled);
    CHECK(d[1].reason == "arbitration");
    CHECK(d[1].detail ==
          "one (priority 3) was planned first and wins within 48h over two (priority 3)");
}

TEST_CASE("flow rules: recontact counts from sends, not from events") {
    Flows f(FlowFiles{
        {"r",
         "flow: r\nrecontact: 7d\nsteps:\n  - { id: a, on: [x.y, x.z], survey: { metric: nps }, "
         "channel: sms }\n"}});
    REQUIRE(f.config);
    const auto now = at("2026-11-16T10:00:00+02:00");
    auto e = event(*f.config, R"({"id":"r","type":"x.y","contact":{"phone":"0401234567"}})", now);
    struct Case {
        const char* name;
        const char* at;  // sent_at, else due_at (as ingest loads it)
        bool counts;
        bool scheduled;
    };
    const std::vector<Case> cases = {
        {"sent 3 days ago (its event was 10 days ago)", "2026-11-13T10:00:00+02:00", true, false},
        {"sent 8 days ago", "2026-11-08T10:00:00+02:00", true, true},
        {"scheduled for in 5 days", "2026-11-21T10:00:00+02:00", true, false},
        {"expired 3 days ago without being sent", "2026-11-13T10:00:00+02:00", false, true},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        engine::History h;
        auto p = prior("r", "a", "sent", at(c.at), 1, false);
        p.counts = c.counts;
        h.surveys.push_back(p);
        auto d = engine::plan(*f.config, e, h, now);
        CHECK(d[0].scheduled == c.scheduled);
        if (!c.scheduled) CHECK(d[0].reason == "recontact");
    }
}

TEST_CASE("flow rules: the fatigue budget across flows") {
    Flows f(
        {{"a",
          "flow: a\nsteps:\n  - { id: one, on: x.y, survey: { metric: nps }, channel: sms }\n"},
         {"b",
          "flow: b\nsteps:\n  - { id: two, on: x.z, survey: { metric: csat }, channel: sms }\n"}},
        "fatigue: { max: 1, per: 14d }\n");
    INFO(f.diagnostics.to_string());
    REQUIRE(f.config);
    REQUIRE(f.config->fatigue);
    const auto now = at("2026-11-16T10:00:00+02:00");
    auto e = event(*f.config, R"({"id":"f","type":"x.z","contact":{"phone":"0401234567"}})", now);
    struct Case {
        const char* name;
        const char* at;
        bool counts;
        bool same_contact;
        bool scheduled;
    };
    const std::vector<Case> cases = {
        {"flow a sent 10 days ago blocks flow b", "2026-11-06T10:00:00+02:00", true, true, false},
        {"flow a sent 15 days ago does not", "2026-11-01T10:00:00+02:00", true, true, true},
        {"flow a scheduled in 5 days blocks", "2026-11-21T10:00:00+02:00", true, true, false},
        {"flow a never sent (expired) does not", "2026-11-10T10:00:00+02:00", false, true, true},
        {"another contact on the deal does not", "2026-11-10T10:00:00+02:00", true, false, true},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        engine::History h;
        auto p = prior("a", "one", "sent", at(c.at), 1, false);
        p.counts = c.counts;
        p.same_contact = c.same_contact;
        h.surveys.push_back(p);
        auto d = engine::plan(*f.config, e, h, now);
        CHECK(d[0].scheduled == c.scheduled);
        if (!c.scheduled) {
            CHECK(d[0].reason == "fatigue");
            CHECK(d[0].detail ==
                  "contact already surveyed by 1 other flow(s) within 14d (a; fatigue max 1 "
                  "flows)");
        }
    }

    SUBCASE("max 2 per 14d: two flows fit, a third does not") {
        Flows g(
            FlowFiles{
                {"a",
                 "flow: a\nsteps:\n  - { id: one, on: x.y, survey: { metric: nps }, channel: sms "
                 "}\n"}},
            "fatigue: { max: 2, per: 14d }\n");
        REQUIRE(g.config);
        auto e2 =
            event(*g.config, R"({"id":"g","type":"x.y","contact":{"phone":"0401234567"}})", now);
        engine::History h;
        h.surveys.push_back(prior("b", "one", "sent", at("2026-11-06T10:00:00+02:00"), 1, false));
        CHECK(engine::plan(*g.config, e2, h, now)[0].scheduled);
        h.surveys.push_back(prior("c", "one", "sent", at("2026-11-10T10:00:00+02:00"), 2, false));
        auto d = engine::plan(*g.config, e2, h, now);
        CHECK(d[0].reason == "fatigue");
        CHECK(d[0].detail ==
              "contact already surveyed by 2 other flow(s) within 14d (b, c; fatigue max 2 flows)");
    }

    SUBCASE("a flow's own steps are one journey: fatigue never holds back its next step") {
        Flows g(
            FlowFiles{
                {"a",
                 "flow: a\nsteps:\n  - { id: one, on: x.y, survey: { metric: nps }, channel: "
                 "sms }\n  - { id: two, on: x.z, survey: { metric: csat }, channel: sms }\n"}},
            "fatigue: { max: 1, per: 14d }\n");
        REQUIRE(g.config);
        auto next =
            event(*g.config, R"({"id":"n","type":"x.z","contact":{"phone":"0401234567"}})", now);
        engine::History h;
        h.surveys.push_back(prior("a", "one", "sent", at("2026-11-13T10:00:00+02:00"), 1, false));
        h.surveys.push_back(prior("a", "two", "sent", at("2026-11-14T10:00:00+02:00"), 2, false));
        CHECK(engine::plan(*g.config, next, h, now)[0].scheduled);
        // Another flow is what the budget counts: had flow b surveyed the contact yesterday,
        // the window from then on would see b and a.
        h.surveys.push_back(prior("b", "x", "sent", at("2026-11-15T10:00:00+02:00"), 3, false));
        CHECK(engine::plan(*g.config, next, h, now)[0].reason == "fatigue");
    }
}

TEST_CASE("flow rules: recontact limits repeats of one step, never the journey's other steps") {
    Flows f(FlowFiles{{"j",
                       "flow: j\nrecontact: 7d\nsteps:\n"
                       "  - { id: booking, on: booked, survey: { metric: ces }, channel: sms }\n"
                       "  - { id: meeting, on: met, survey: { metric: csat }, channel: sms }\n"
                       "  - { id: call, on: called, survey: { metric: csat }, channel: sms, "
                       "recontact: 1d }\n"}});
    INFO(f.diagnostics.to_string());
    REQUIRE(f.config);
    const auto now = at("2026-11-25T14:00:00+02:00");  // Wednesday
    engine::History h;
    h.surveys.push_back(prior("j", "booking", "sent", at("2026-11-23T10:10:00+02:00"), 1, false));
    // Monday's booking CES does not hold back Wednesday's meeting CSAT.
    auto met = event(*f.config, R"({"id":"m","type":"met","contact":{"phone":"0401234567"}})", now);
    CHECK(engine::plan(*f.config, met, h, now)[0].scheduled);
    // A second booking within the flow's 7 days is a repeat of the step.
    auto booked =
        event(*f.config, R"({"id":"b","type":"booked","contact":{"phone":"0401234567"}})", now);
    auto d = engine::plan(*f.config, booked, h, now);
    CHECK(d[0].reason == "recontact");
    CHECK(d[0].detail ==
          "contact already surveyed at step booking of flow j at 2026-11-23T08:10:00Z "
          "(recontact 7d)");
    // Calls three and five business days apart both go (the step's own 1d).
    h.surveys.push_back(prior("j", "call", "sent", at("2026-11-30T11:00:00+02:00"), 2, false));
    const auto later = at("2026-12-02T11:00:00+02:00");
    auto called =
        event(*f.config, R"({"id":"c","type":"called","contact":{"phone":"0401234567"}})", later);
    CHECK(engine::plan(*f.config, called, h, later)[0].scheduled);
    // Two calls on one day: one survey.
    const auto same_day = at("2026-11-30T15:00:00+02:00");
    auto again = event(*f.config, R"({"id":"c2","type":"called","contact":{"phone":"0401234567"}})",
                       same_day);
    CHECK(engine::plan(*f.config, again, h, same_day)[0].reason == "recontact");
}

TEST_CASE("flow rules: the three send window shapes and holidays: true") {
    struct Case {
        const char* name;
        const char* window;
        size_t spans;
        bool respects_holidays;
    };
    const std::vector<Case> cases = {
        {"one span", R"({ days: mon-fri, from: "09:00", to: "20:00", holidays: true })", 0, false},
        {"per weekday", R"({ mon-fri: "09:00-20:00", sat: "10:00-14:00" })", 6, true},
        {"per weekday, open on holidays", R"({ mon-sun: "10:00-18:00", holidays: true })", 7,
         false},
        {"per weekday with a list",
         "\n  mon: [\"09:00-12:00\", \"13:00-17:00\"]\n  sun: \"22:00-02:00\"", 3, true},
        {"a list of spans",
         "\n  - { days: mon-fri, from: \"09:00\", to: \"20:00\" }\n  - { days: sat, from: "
         "\"10:00\", "
         "to: \"14:00\" }",
         6, true},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        Flows f(FlowFiles{{"w", std::string("flow: w\nsend_window: ") + c.window +
                                    "\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, "
                                    "channel: sms }\n"}});
        INFO(f.diagnostics.to_string());
        REQUIRE(f.config);
        const auto& w = f.config->flows.at(0).send_window;
        CHECK(w.spans.size() == c.spans);
        CHECK(w.respects_holidays == c.respects_holidays);
    }

    Flows defaults(FlowFiles{{"d",
                              "flow: d\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, "
                              "channel: sms }\n"}},
                   "fatigue: { max: 2, per: 30d }\n");
    REQUIRE(defaults.config);
    CHECK(defaults.config->fatigue->max == 2);
    CHECK(defaults.config->flows.at(0).calendar.holidays.empty());  // no calendar named
}

TEST_CASE("flow rules: the bundled funnel takes defaults.calendar and has no arbitration") {
    setenv("CXGATE_API_TOKEN", "unit-test-token-0123456789", 1);
    auto loaded = config::load(std::string(CXGATE_SOURCE_DIR) + "/cxgate.yaml");
    INFO(loaded.diagnostics.to_string());
    REQUIRE(loaded.config);
    const auto* flow = loaded.config->find_flow("mortgage-funnel");
    REQUIRE(flow);
    CHECK(flow->calendar_name == "fi");
    CHECK(flow->calendar.is_day_off(date::sys_days{date::year{2027} / 6 / 25}));  // Midsummer Eve
    // Every touchpoint is surveyed: no step can take another's survey away.
    for (const auto& step : flow->steps) {
        CAPTURE(step.id);
        CHECK(step.priority == 0);
        CHECK_FALSE(step.arbitration);
    }
}
