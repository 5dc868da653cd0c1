// Answered surveys a page at a time: oldest first for exports, newest first for the
// dashboard's lists, narrowed to a person's or a team's staff, and to those that alerted.
#include <doctest/doctest.h>

#include "../replies/survey_fixture.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/report/parameters.hpp"

using namespace cxgate;

namespace {

// 30 answered surveys, one a minute: staff s-0, s-1, s-2 in turn; every fifth alerted.
std::unique_ptr<store::SqliteStore> answered() {
    auto db = testing::fresh_database("cxgate-unit-pages");
    for (int i = 0; i < 30; ++i) {
        auto s = testing::sent_email_nps(store::SurveyState::sent);
        s.staff_id = "s-" + std::to_string(i % 3);
        s.step = i % 2 ? "close" : "meeting";
        s.id = db->insert_survey(s);
        s.score = i % 11;
        s.answered_at = 2000 + 60 * i;
        s.state = store::SurveyState::answered;
        if (i % 5 == 0) s.alert_state = store::AlertState::sent;
        db->save_survey(s);
    }
    return db;
}

std::vector<long long> times(const std::vector<store::SurveyRow>& rows) {
    std::vector<long long> out;
    for (const auto& r : rows) out.push_back(*r.answered_at);
    return out;
}

}  // namespace

TEST_CASE("response pages: newest first, page by page, every survey exactly once") {
    auto db = answered();
    store::ResponsePage page;
    page.newest_first = true;
    page.limit = 7;
    std::vector<long long> seen;
    for (int pages = 0; pages < 10; ++pages) {
        const auto rows = db->answered_surveys(page);
        for (auto t : times(rows)) seen.push_back(t);
        if (rows.size() < page.limit) break;
        page.after = std::pair{*rows.back().answered_at, rows.back().id};
    }
    REQUIRE(seen.size() == 30);
    for (size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] < seen[i - 1]);
    // Oldest first is still the exports' order.
    store::ResponsePage oldest;
    oldest.limit = 3;
    CHECK(times(db->answered_surveys(oldest)) == std::vector<long long>{2000, 2060, 2120});
}

TEST_CASE("response pages: only the staff asked for, the step asked for, the alerted ones") {
    auto db = answered();
    store::ResponsePage page;
    page.limit = 100;
    page.staff = std::vector<std::string>{"s-1"};
    auto rows = db->answered_surveys(page);
    CHECK(rows.size() == 10);
    for (const auto& r : rows) CHECK(r.staff_id == "s-1");
    page.staff = std::vector<std::string>{"s-1", "s-2"};
    CHECK(db->answered_surveys(page).size() == 20);
    page.staff = std::vector<std::string>{};  // a team of nobody sees nothing
    CHECK(db->answered_surveys(page).empty());
    page.staff.reset();
    page.step = "close";
    CHECK(db->answered_surveys(page).size() == 15);
    page.step.clear();
    page.alerted_only = true;
    rows = db->answered_surveys(page);
    CHECK(rows.size() == 6);
    for (const auto& r : rows) CHECK(r.alert_state == store::AlertState::sent);
}

TEST_CASE("response pages: staff= names one person, team= the staff of that lead") {
    config::Config c;
    auto add = [&](const std::string& id, const std::string& lead) {
        config::StaffMember m;
        m.id = id;
        m.lead = lead;
        c.staff[id] = m;
    };
    add("lead-1", "");
    add("s-1", "lead-1");
    add("s-2", "lead-1");
    add("s-3", "lead-2");
    CHECK(c.team_of("s-1") == "lead-1");
    CHECK(c.team_of("lead-1") == "lead-1");
    CHECK(c.team_of("nobody").empty());
    CHECK(report::staff_of({{"team", "lead-1"}}, c) ==
          std::vector<std::string>{"lead-1", "s-1", "s-2"});
    CHECK(report::staff_of({{"staff", "s-3"}, {"team", "lead-1"}}, c) ==
          std::vector<std::string>{"s-3"});
    CHECK(report::staff_of({{"team", "lead-9"}}, c) == std::vector<std::string>{});
    CHECK_FALSE(report::staff_of({{"flow", "cx"}}, c));
}
