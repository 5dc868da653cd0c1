#include <doctest/doctest.h>

#include "../support/config_dir.hpp"
#include "cxgate/report/alert_handling.hpp"

using namespace cxgate;

// The alert handling report: counts per group and the time to acknowledge and to resolve,
// median and mean over the alerts that got there.

namespace {

store::AlertFacts fact(const std::string& staff, long long opened, std::optional<long long> ack,
                       std::optional<long long> resolved, int level = 0,
                       const std::string& resolution = "") {
    store::AlertFacts a;
    a.flow = "f";
    a.step = "meeting";
    a.staff_id = staff;
    a.opened_at = opened;
    a.acknowledged_at = ack;
    a.resolved_at = resolved;
    a.level = level;
    a.resolution = resolution;
    a.state = resolved ? store::AlertHandling::resolved
              : ack    ? store::AlertHandling::acknowledged
                       : store::AlertHandling::open;
    return a;
}

}  // namespace

TEST_CASE("alert handling: counts, medians and means per staff member and team") {
    testing::ConfigDir dir({{"f",
                             "flow: f\nsteps:\n  - id: meeting\n    on: m\n    survey: { metric: "
                             "csat }\n    channel: sms\n"}},
                           "",
                           "staff:\n  - { id: s-1, name: Lead }\n  - { id: s-7, name: A, lead: "
                           "s-1 }\n  - { id: s-8, name: B, lead: s-1 }\n");
    REQUIRE(dir.config);
    const std::vector<store::AlertFacts> alerts{
        fact("s-7", 0, 600, 3600, 0, "called_back"),  // 10 min, 1 h
        fact("s-7", 0, 1200, std::nullopt),           // 20 min, open still
        fact("s-7", 0, 3000, 7200, 1, "solved"),      // 50 min after an escalation, 2 h
        fact("s-8", 0, std::nullopt, std::nullopt, 2),
    };
    auto by_staff = report::alert_handling(alerts, "staff", *dir.config);
    REQUIRE(by_staff.size() == 2);
    const auto& a = by_staff[0];
    CHECK(a.group == "s-7");
    CHECK(a.opened == 3);
    CHECK(a.acknowledged == 3);
    CHECK(a.resolved == 2);
    CHECK(a.escalated == 1);
    CHECK(a.unresolved == 1);
    CHECK(*a.median_acknowledge_seconds == doctest::Approx(1200));
    CHECK(*a.mean_acknowledge_seconds == doctest::Approx(1600));
    CHECK(*a.median_resolve_seconds == doctest::Approx(5400));  // even count: the middle two
    CHECK(a.resolutions.at("called_back") == 1);
    CHECK(a.resolutions.at("solved") == 1);
    const auto& b = by_staff[1];
    CHECK(b.group == "s-8");
    CHECK(b.unresolved == 1);
    CHECK(b.escalated == 1);
    CHECK_FALSE(b.median_acknowledge_seconds);  // nobody acknowledged: no time, not zero

    auto by_team = report::alert_handling(alerts, "team", *dir.config);
    REQUIRE(by_team.size() == 1);
    CHECK(by_team[0].group == "s-1");
    CHECK(by_team[0].opened == 4);

    report::AlertHandlingQuery q{"", "staff", 0, 86400};
    auto text = report::to_text(by_staff, q);
    CHECK(text.find("s-7") != std::string::npos);
    CHECK(text.find("20m") != std::string::npos);     // s-7's median to acknowledge
    CHECK(text.find("1h 30m") != std::string::npos);  // s-7's median to resolve
    auto json = report::to_json(by_staff, q);
    CHECK(json["rows"][0]["staff"] == "s-7");
    CHECK(json["rows"][1]["median_seconds_to_acknowledge"].is_null());
}
