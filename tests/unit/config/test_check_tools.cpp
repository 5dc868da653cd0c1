// `cxgate check`: every problem in one run, each at its exact file:line:column.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cxgate/config/config.hpp"
#include "cxgate/config/flow_versions.hpp"
#include "cxgate/config/lint.hpp"

namespace fs = std::filesystem;
using cxgate::config::load;

namespace {

struct Dir {
    fs::path root;
    Dir(const std::string& flow_yaml, const std::string& extra_config = "") {
        root = fs::temp_directory_path() / ("cxgate-check-" + std::to_string(std::rand()));
        fs::create_directories(root / "flows");
        fs::copy(fs::path(CXGATE_SOURCE_DIR) / "templates", root / "templates",
                 fs::copy_options::recursive);
        setenv("CXGATE_TEST_TOKEN", "unit-test-token-0123456789", 1);
        write("cxgate.yaml",
              "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
              "channels:\n"
              "  sms: { type: sandbox, kind: sms }\n"
              "  email: { type: sandbox, kind: email }\n" +
                  extra_config);
        write("flows/f.yaml", flow_yaml);
    }
    ~Dir() { fs::remove_all(root); }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(root / name) << text;
    }
    std::string file() const { return (root / "cxgate.yaml").string(); }
    std::string flow() const { return (root / "flows/f.yaml").lexically_normal().string(); }
};

bool has(const cxgate::config::Diagnostics& d, const std::string& text) {
    return d.to_string().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("check: every error of a flow in one run, each at its position") {
    Dir dir(
        "flow: many\n"                                           // 1
        "arbitration: 7d\n"                                      // 2
        "steps:\n"                                               // 3
        "  - id: a\n"                                            // 4
        "    on: deal.won\n"                                     // 5
        "    survey: { metric: nps }\n"                          // 6
        "    channel: sms\n"                                     // 7
        "    delai: 10m\n"                                       // 8
        "  - id: b\n"                                            // 9
        "    on: deal.won\n"                                     // 10
        "    survey: { metric: csat }\n"                         // 11
        "    channel: sms\n"                                     // 12
        "    delay: 1x\n"                                        // 13
        "  - id: c\n"                                            // 14
        "    on: [call.done, deal.won, call.done]\n"             // 15
        "    survey: { metric: csat, scale: 1-5 }\n"             // 16
        "    channel: smss\n"                                    // 17
        "    alert: { when: \"score <= 2\", notify: [boss] }\n"  // 18
        "    reminder: { after: 10d, max: 1 }\n"                 // 19
        "    expires: 7d\n");                                    // 20
    fs::remove(dir.root / "templates/sv/csat.txt");
    auto r = load(dir.file());
    const auto f = dir.flow();
    INFO(r.diagnostics.to_string());
    CHECK_FALSE(r.config);
    // Unknown key with a suggestion.
    CHECK(has(r.diagnostics,
              f + ":8:5: error: unknown key \"delai\" in a step (did you mean \"delay\"?)"));
    // A bad duration.
    CHECK(has(r.diagnostics, f + ":13:12: error: \"delay\":"));
    // An undefined channel and an unknown alert target.
    CHECK(has(r.diagnostics,
              f + ":17:14: error: step \"c\": undefined channel \"smss\" (did you mean \"sms\"?)"));
    CHECK(has(r.diagnostics, f + ":18:43: error: step \"c\": unknown alert target \"boss\""));
    // An unreachable step: "a" is planned first for every deal.won and wins arbitration.
    CHECK(has(r.diagnostics, f + ":10:9: error: step \"b\" can never be sent: step \"a\" (line 4, "
                                 "priority 0, arbitration 7d) takes the same event"));
    // Reachable for call.done, not for deal.won: a warning on that item.
    CHECK(has(r.diagnostics, f + ":15:21: warning: step \"c\" is never sent for \"deal.won\""));
    CHECK(has(r.diagnostics,
              f + ":15:31: warning: step \"c\": event type \"call.done\" is listed twice"));
    // A template a step needs in a configured locale, at the step's metric.
    CHECK(has(r.diagnostics, f + ":11:23: error: step \"b\": no csat template for locale sv"));
    CHECK(has(r.diagnostics, f + ":16:23: error: step \"c\": no csat template for locale sv"));
    // A reminder that comes after expiry.
    CHECK(has(r.diagnostics, f + ":19:15: warning: step \"c\": the reminder (after 10d) comes "
                                 "after the survey expires (7d)"));
}

TEST_CASE("check: a wrong type is reported where it is") {
    Dir dir(
        "flow: types\n"
        "steps:\n"
        "  - id: a\n"
        "    on: deal.won\n"
        "    survey: nps\n"
        "    channel: { name: sms }\n"
        "    reminder: { after: 2d, max: many }\n");
    auto r = load(dir.file());
    const auto f = dir.flow();
    INFO(r.diagnostics.to_string());
    CHECK(has(r.diagnostics,
              f + ":5:13: error: step \"a\": \"survey\" must be a mapping of keys to values"));
    CHECK(has(r.diagnostics, f + ":6:14: error: \"channel\" must be a value or a list of values"));
    CHECK(has(r.diagnostics, f + ":7:33: error: \"max\" must be a whole number, got \"many\""));
}

TEST_CASE("check: steps on one event are fine with recontact, or with a delay past arbitration") {
    Dir dir(
        "flow: ok\n"
        "recontact: 2d\n"
        "arbitration: 2d\n"
        "steps:\n"
        "  - id: a\n"
        "    on: deal.won\n"
        "    survey: { metric: nps }\n"
        "    channel: sms\n"
        "  - id: b\n"
        "    on: deal.won\n"
        "    survey: { metric: csat }\n"
        "    channel: sms\n"
        "    delay: 5d\n"
        "  - id: c\n"
        "    on: deal.won\n"
        "    survey: { metric: csat }\n"
        "    channel: email\n");
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    CHECK(r.config);  // b is 5 days later, c reaches contacts without a phone
    CHECK_FALSE(has(r.diagnostics, "never be sent"));
    CHECK_FALSE(has(r.diagnostics, "never sent"));
    // Still, arbitration can take surveys of the journey away: each loser is told.
    CHECK(has(r.diagnostics,
              "warning: step \"b\" (priority 0) loses to step \"a\" of this "
              "flow (priority 0, arbitration 2d)"));
}

TEST_CASE("check: rules that take a journey's own steps away are warned about") {
    Dir dir(
        "flow: journey\n"                 // 1
        "steps:\n"                        // 2
        "  - id: meeting\n"               // 3
        "    on: meeting.completed\n"     // 4
        "    survey: { metric: csat }\n"  // 5
        "    channel: sms\n"              // 6
        "    priority: 5\n"               // 7
        "  - id: call\n"                  // 8
        "    on: call.completed\n"        // 9
        "    survey: { metric: csat }\n"  // 10
        "    channel: sms\n"              // 11
        "    on_waiting: skip\n"          // 12
        "  - id: close\n"                 // 13
        "    on: deal.won\n"              // 14
        "    survey: { metric: nps }\n"   // 15
        "    channel: sms\n"              // 16
        "    priority: 10\n"              // 17
        "    arbitration: 48h\n"          // 18
        "    recontact: 30d\n");          // 19
    auto r = load(dir.file());
    const auto f = dir.flow();
    INFO(r.diagnostics.to_string());
    CHECK(r.config);  // warnings only
    CHECK(has(r.diagnostics, f + ":3:9: warning: step \"meeting\" (priority 5) loses to step "
                                 "\"close\" of this flow (priority 10, arbitration 48h)"));
    CHECK(has(r.diagnostics,
              f + ":8:9: warning: step \"call\" (priority 0) loses to step \"close\""));
    CHECK(has(r.diagnostics, f + ":12:17: warning: step \"call\" is skipped whenever an earlier "
                                 "survey of the journey still awaits its answer"));
    // Recontact counts repeats of one step only, and the winner itself loses nothing.
    CHECK_FALSE(has(r.diagnostics, "step \"close\" (priority 10) loses"));
    CHECK_FALSE(has(r.diagnostics, "recontact"));
}

TEST_CASE("check: templates per step and question, with the metric's as the fallback") {
    Dir dir(
        "flow: words\n"                                                       // 1
        "steps:\n"                                                            // 2
        "  - id: call\n"                                                      // 3
        "    on: call.completed\n"                                            // 4
        "    survey: { metric: csat }\n"                                      // 5
        "    template: call-csat\n"                                           // 6
        "    channel: sms\n"                                                  // 7
        "  - id: booking\n"                                                   // 8
        "    on: booked\n"                                                    // 9
        "    survey:\n"                                                       // 10
        "      - { metric: ces, scale: 1-5, low_is_good: true }\n"            // 11
        "      - { id: easy, metric: ces, scale: yes-no, template: eazy }\n"  // 12
        "    channel: sms\n"                                                  // 13
        "  - id: bad\n"                                                       // 14
        "    on: x\n"                                                         // 15
        "    survey: [ { metric: nps }, { metric: csat }, { metric: ces }, { metric: ces } ]\n"
        "    channel: sms\n");
    // call-csat exists in fi and en only.
    fs::remove(dir.root / "templates/sv/call-csat.txt");
    auto r = load(dir.file());
    const auto f = dir.flow();
    INFO(r.diagnostics.to_string());
    CHECK(has(r.diagnostics, f + ":6:15: warning: step \"call\": no call-csat template for locale "
                                 "sv"));
    CHECK(has(r.diagnostics, "the csat template is used there"));
    CHECK(has(r.diagnostics, f + ":12:59: error: step \"booking\": no template \"eazy\" in any "
                                 "locale"));
    CHECK(has(r.diagnostics, f + ":16:13: error: step \"bad\": \"survey\" asks one to three "
                                 "questions, got 4"));
}

TEST_CASE("check: sources: secrets, conditions, paths and fields at their positions") {
    Dir dir(
        "flow: f\nsteps:\n  - id: a\n    on: deal.won\n    survey: { metric: nps }\n    channel: "
        "sms\n",
        "sources:\n"                                                              // 5
        "  pipedrive:\n"                                                          // 6
        "    secret: plaintext-secret-value\n"                                    // 7
        "    types:\n"                                                            // 8
        "      - { type: deal.won, when: 'current.status = \"won\"' }\n"          // 9
        "    fields:\n"                                                           // 10
        "      id: \"pd-{meta.id\"\n"                                             // 11
        "      contact.phnoe: person.phone[0].value\n"                            // 12
        "      contact.email: person..email\n"                                    // 13
        "  hubspot:\n"                                                            // 14
        "    secret: ${CXGATE_TEST_TOKEN}\n"                                      // 15
        "    type_from: { path: propertyValue, map: { closedwon: deal.won } }\n"  // 16
        "    fields:\n"                                                           // 17
        "      contact.email: properties.email.value\n");                         // 18
    auto r = load(dir.file());
    const auto f = dir.file();
    INFO(r.diagnostics.to_string());
    CHECK_FALSE(r.config);
    CHECK(has(
        r.diagnostics,
        f + ":7:13: error: source \"pipedrive\": \"secret\" is a secret; write it as ${ENV_VAR}"));
    CHECK(has(r.diagnostics,
              f + ":9:33: error: source \"pipedrive\": condition: use == to compare, not ="));
    CHECK(
        has(r.diagnostics,
            f + ":11:11: error: source \"pipedrive\": field \"id\": missing } in \"pd-{meta.id\""));
    CHECK(has(r.diagnostics, f + ":12:7: error: source \"pipedrive\": unknown event field "
                                 "\"contact.phnoe\" (did you mean \"contact.phone\"?)"));
    CHECK(has(r.diagnostics, f + ":13:22: error: source \"pipedrive\": field \"contact.email\": "
                                 "empty name at byte 8 of \"person..email\""));
    CHECK(has(r.diagnostics, f + ":18:7: error: source \"hubspot\": \"fields\" needs \"id\""));
}

TEST_CASE("check: the longest closed stretch of a send window") {
    std::string why;
    auto w = cxgate::timing::parse_send_window("mon-fri", "09:00", "20:00", &why);
    REQUIRE(w);
    CHECK(cxgate::config::longest_closed_stretch(*w) == (4 + 48 + 9) * 3600);
    CHECK(cxgate::config::longest_closed_stretch(cxgate::timing::SendWindow{}) == 0);
}

TEST_CASE("flow versions: a survey keeps the flow version it was created with") {
    using namespace cxgate::config;
    Config v1;
    Flow f;
    f.name = "funnel";
    f.version = "aaa";
    Step s;
    s.id = "close";
    s.reminder = Reminder{{cxgate::timing::Delay::Unit::days, 2}, 1};
    f.steps.push_back(s);
    v1.flows.push_back(f);

    auto v2 = std::make_shared<Config>();
    Flow g = f;
    g.version = "bbb";
    g.steps[0].reminder->after.amount = 5;
    v2->flows.push_back(g);
    v2 = carry_forward(v1, v2);
    REQUIRE(v2->flow_for("funnel", "aaa"));
    CHECK(v2->flow_for("funnel", "aaa")->steps[0].reminder->after.amount == 2);
    CHECK(v2->flow_for("funnel", "bbb")->steps[0].reminder->after.amount == 5);
    CHECK(v2->flow_for("funnel", "zzz")->version == "bbb");  // unknown: the current one
    CHECK(v2->flow_for("other", "aaa") == nullptr);

    // A third reload keeps both earlier versions; going back to "aaa" revives it.
    auto v3 = std::make_shared<Config>();
    Flow h = f;
    h.version = "ccc";
    v3->flows.push_back(h);
    v3 = carry_forward(*v2, v3);
    CHECK(v3->retired_flows.size() == 2);
    auto v4 = std::make_shared<Config>();
    v4->flows.push_back(f);
    v4 = carry_forward(*v3, v4);
    CHECK(v4->retired_flows.count("funnel@aaa") == 0);
    CHECK(v4->retired_flows.count("funnel@bbb") == 1);
    CHECK(v4->retired_flows.count("funnel@ccc") == 1);
}

TEST_CASE("check: reachability: delays, expiry and conditions") {
    Dir dir(
        "flow: r\n"                      // 1
        "arbitration: 7d\n"              // 2
        "steps:\n"                       // 3
        "  - id: a\n"                    // 4
        "    on: [x, y, z]\n"            // 5
        "    survey: { metric: nps }\n"  // 6
        "    channel: sms\n"             // 7
        "  - id: later\n"                // 8
        "    on: x\n"                    // 9
        "    survey: { metric: nps }\n"  // 10
        "    channel: sms\n"             // 11
        "    delay: 1h\n"                // 12
        "  - id: short\n"                // 13
        "    on: y\n"                    // 14
        "    survey: { metric: nps }\n"  // 15
        "    channel: sms\n"             // 16
        "    expires: 30d\n"             // 17
        "  - id: far\n"                  // 18
        "    on: z\n"                    // 19
        "    survey: { metric: nps }\n"  // 20
        "    channel: sms\n"             // 21
        "    delay: 3d\n");              // 22
    auto r = load(dir.file());
    const auto f = dir.flow();
    INFO(r.diagnostics.to_string());
    // 1h later is within 7 days even with weekends and holidays counted.
    CHECK(has(r.diagnostics, f + ":9:9: error: step \"later\" can never be sent"));
    // A late event may find "a" expired (7d) and "short" (30d) not: reachable.
    CHECK_FALSE(has(r.diagnostics, "step \"short\" can never"));
    // 3 days plus up to 4 days of holidays may reach past 7 days: not reported.
    CHECK_FALSE(has(r.diagnostics, "step \"far\" can never"));
}
