// The dashboard's language choice, the journey's periods and the pages' escaping.
#include <doctest/doctest.h>

#include "cxgate/dashboard/pages.hpp"
#include "cxgate/dashboard/report_rows.hpp"
#include "cxgate/foundation/timing.hpp"

using namespace cxgate;

TEST_CASE("dashboard: the user's language, else the browser's first of fi/sv/en, else English") {
    using dashboard::Lang;
    CHECK(dashboard::pick_language("sv", "fi-FI,fi;q=0.9") == Lang::sv);
    CHECK(dashboard::pick_language("", "fi-FI,fi;q=0.9,en;q=0.8") == Lang::fi);
    CHECK(dashboard::pick_language("", "de-DE, sv-FI;q=0.8") == Lang::sv);
    CHECK(dashboard::pick_language("", "de-DE") == Lang::en);
    CHECK(dashboard::pick_language("", "") == Lang::en);
    CHECK(std::string(dashboard::words(Lang::fi).log_in) == "Kirjaudu");
}

TEST_CASE("dashboard: 28 whole local days, the 28 before, and 12 ISO weeks ending this one") {
    const auto& helsinki = *date::locate_zone("Europe/Helsinki");
    // Monday 30 Nov 2026, 09:00 in Helsinki (UTC+2).
    const auto now = timing::parse_iso8601("2026-11-30T07:00:00Z")->time_since_epoch().count();
    const auto p = dashboard::journey_periods(now, helsinki);
    auto iso = [](long long t) {
        return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{t}});
    };
    CHECK(iso(p.until) == "2026-11-30T22:00:00Z");           // midnight after today
    CHECK(iso(p.since) == "2026-11-02T22:00:00Z");           // 3 Nov, 28 days with today
    CHECK(iso(p.previous_since) == "2026-10-05T21:00:00Z");  // 6 Oct, still summer time
    REQUIRE(p.week_starts.size() == 12);
    CHECK(p.week_labels.back() == "2026-W49");
    CHECK(p.week_labels.front() == "2026-W38");
    CHECK(iso(p.week_starts.back()) == "2026-11-29T22:00:00Z");
    for (size_t i = 1; i < p.week_starts.size(); ++i)
        CHECK(p.week_starts[i] > p.week_starts[i - 1]);
}

TEST_CASE("dashboard: a row's headline figure and axis, as the API's JSON gives them") {
    auto nps = nlohmann::json::parse(
        R"({"metric":"nps","scale":"0-10","n":3,"nps":{"value":33.3,"margin":50.1}})");
    CHECK(dashboard::headline(nps)->value == doctest::Approx(33.3));
    CHECK(dashboard::axis_of(nps).min == -100);
    auto ces = nlohmann::json::parse(
        R"({"metric":"ces","scale":"1-7","n":0,"mean":null,"question":"q2"})");
    CHECK_FALSE(dashboard::headline(ces));
    CHECK(dashboard::axis_of(ces).max == 7);
    CHECK(dashboard::metric_label(ces) == "CES 1-7 (q2)");
}

TEST_CASE("dashboard: text from users and configuration is escaped on every page") {
    dashboard::Frame f;
    f.email = "<b>@example.com";
    f.title = "x\"y";
    f.flows = {{"<flow>", "/?flow=%3Cflow%3E"}};
    f.flow = "<flow>";
    const auto page = dashboard::page(f, "");
    CHECK(page.find("<b>@") == std::string::npos);
    CHECK(page.find("&lt;b&gt;@example.com") != std::string::npos);
    CHECK(page.find("<flow>") == std::string::npos);
    const auto login = dashboard::login_page(dashboard::Lang::en, "c0ffee", "\"><script>", "");
    CHECK(login.find("<script>") == std::string::npos);
    CHECK(login.find("value=\"c0ffee\"") != std::string::npos);
}
