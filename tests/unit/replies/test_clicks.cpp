#include <doctest/doctest.h>

#include "survey_fixture.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <filesystem>

#include "cxgate/replies/clicks.hpp"
#include "cxgate/replies/conversation.hpp"
#include "cxgate/scheduler/due_work.hpp"
#include "cxgate/store/database.hpp"

using namespace cxgate;
using replies::Click;
using replies::decide_clicks;

namespace {

constexpr store::Seconds W = 60;

Click click(std::int64_t id, int score, store::Seconds at, store::Seconds last = -1) {
    return Click{id, score, at, last < 0 ? at : last};
}

std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

TEST_CASE("clicks: a single click settles after the window and wins") {
    std::vector<Click> one{click(1, 8, 100)};
    auto open = decide_clicks(one, 159, W);
    CHECK_FALSE(open.winner);
    CHECK(open.settles_at == 160);
    CHECK(open.void_ids.empty());

    auto settled = decide_clicks(one, 160, W);
    REQUIRE(settled.winner);
    CHECK(settled.winner->id == 1);
    CHECK(settled.winner->score == 8);
    CHECK(settled.winner_settled_at == 160);
    CHECK_FALSE(settled.settles_at);
}

TEST_CASE("clicks: a scanner's burst of every score is void, in any order") {
    std::vector<Click> burst;
    for (int score = 0; score <= 10; ++score)
        burst.push_back(click(score + 1, score, 100 + score / 4));
    std::reverse(burst.begin(), burst.end());
    CHECK(decide_clicks(burst, 150, W).settles_at == 162);  // not decided while open
    CHECK(decide_clicks(burst, 150, W).void_ids.empty());
    auto d = decide_clicks(burst, 1000, W);
    CHECK_FALSE(d.winner);
    CHECK(d.void_ids.size() == 11);
    CHECK_FALSE(d.settles_at);

    // Two different scores are enough.
    auto two = decide_clicks({click(1, 9, 100), click(2, 10, 159)}, 1000, W);
    CHECK_FALSE(two.winner);
    CHECK(sorted(two.void_ids) == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("clicks: a click less than the window after a burst joins it; later starts afresh") {
    std::vector<Click> burst{click(1, 0, 100), click(2, 5, 101), click(3, 10, 102)};

    auto joined = burst;
    joined.push_back(click(4, 8, 161));  // 59 s after the burst's last click
    auto d = decide_clicks(joined, 1000, W);
    CHECK_FALSE(d.winner);
    CHECK(d.void_ids.size() == 4);

    auto fresh = burst;
    fresh.push_back(click(4, 8, 162));  // the window after the burst's last click
    CHECK(decide_clicks(fresh, 200, W).void_ids.size() == 3);  // burst decided, click open
    CHECK(decide_clicks(fresh, 200, W).settles_at == 222);
    d = decide_clicks(fresh, 222, W);
    REQUIRE(d.winner);
    CHECK(d.winner->id == 4);
    CHECK(d.winner->score == 8);
    CHECK(sorted(d.void_ids) == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("clicks: the burst chains click to click, through repeats of a score") {
    // 3 clicked at 100 and again at 150; 7 at 200 is 50 s after the latest click.
    auto d = decide_clicks({click(1, 3, 100, 150), click(2, 7, 200)}, 1000, W);
    CHECK_FALSE(d.winner);
    CHECK(d.void_ids.size() == 2);
    // Without the repeat, 7 comes 100 s after 3: two bursts, and 3 wins.
    d = decide_clicks({click(1, 3, 100), click(2, 7, 200)}, 1000, W);
    REQUIRE(d.winner);
    CHECK(d.winner->score == 3);
    CHECK(d.closed_ids == std::vector<std::int64_t>{2});
    // A repeat keeps its burst open until the window after it.
    CHECK(decide_clicks({click(1, 3, 100, 150)}, 200, W).settles_at == 210);
}

TEST_CASE("clicks: a double click of one score counts once, from its first click") {
    auto d = decide_clicks({click(1, 9, 100), click(2, 9, 130)}, 190, W);
    REQUIRE(d.winner);
    CHECK(d.winner->id == 1);
    CHECK(d.winner_settled_at == 190);
    CHECK(d.closed_ids == std::vector<std::int64_t>{2});
    CHECK(decide_clicks({click(1, 9, 100), click(2, 9, 130)}, 189, W).settles_at == 190);
}

TEST_CASE("clicks: no clicks, nothing to do") {
    auto d = decide_clicks({}, 1000, W);
    CHECK_FALSE(d.winner);
    CHECK_FALSE(d.settles_at);
    CHECK(d.void_ids.empty());
}

namespace {

struct Fixture {
    std::unique_ptr<store::SqliteStore> db;
    config::Config config;
    std::int64_t id = 0;

    explicit Fixture(store::SurveyState state = store::SurveyState::sent) {
        db = testing::fresh_database("cxgate-unit-clicks-");
        auto s = testing::sent_email_nps(state);
        s.expires_at = 100000;
        id = db->insert_survey(s);
    }
    replies::ClickOutcome click(int score, store::Seconds now) {
        return replies::record_click(*db, config, id, score, now);
    }
    replies::SettleOutcome settle(store::Seconds now) {
        return replies::settle_clicks(*db, config, now, 500);
    }
    int clicks(const std::string& state) {
        SQLite::Statement st(db->database(), "SELECT COUNT(*) FROM answer_clicks WHERE state = ?");
        st.bind(1, state);
        st.executeStep();
        return st.getColumn(0).getInt();
    }
    store::SurveyRow survey() { return *db->find_survey(id); }
};

}  // namespace

TEST_CASE("clicks in the database: a person's click becomes the score once settled") {
    Fixture f;
    auto first = f.click(8, 2000);
    CHECK(first.result == replies::ClickOutcome::Result::pending);
    CHECK(first.new_burst);
    CHECK(first.settles_at == 2060);
    auto again = f.click(8, 2010);  // a reload: one row, the burst settles later
    CHECK_FALSE(again.new_burst);
    CHECK(f.clicks("pending") == 1);

    CHECK(f.settle(2069).recorded == 0);
    CHECK_FALSE(f.survey().score);
    auto pass = scheduler::run_due_work(*f.db, f.config, 2069);
    CHECK(pass.next_due == 2070);

    pass = scheduler::run_due_work(*f.db, f.config, 2070);
    CHECK(pass.clicks_recorded == 1);
    auto s = f.survey();
    CHECK(s.score == 8);
    CHECK(store::to_string(s.state) == "answered");
    CHECK(s.answered_at == 2070);
    CHECK(s.comment_until);  // a reason may still come, from the page or by reply
    CHECK(f.clicks("recorded") == 1);
    CHECK(f.db->database().execAndGet("SELECT COUNT(*) FROM messages").getInt() ==
          0);  // the page asked

    // An answered survey ignores further clicks.
    CHECK(f.click(3, 2100).result == replies::ClickOutcome::Result::ignored);
    CHECK(f.clicks("pending") == 0);
}

TEST_CASE("clicks in the database: a burst of different scores records nothing") {
    Fixture f;
    for (int score = 0; score <= 10; ++score) f.click(score, 2000 + score / 5);
    f.click(4, 2003);  // fetched twice
    CHECK(f.clicks("pending") == 11);
    auto out = f.settle(2063);
    CHECK(out.voided == 11);
    CHECK(out.recorded == 0);
    CHECK_FALSE(f.survey().score);
    CHECK(store::to_string(f.survey().state) == "sent");
    CHECK(f.clicks("void") == 11);

    // A person's click after the burst's window starts afresh and counts.
    CHECK(f.click(9, 2100).new_burst);
    CHECK(f.settle(2160).recorded == 1);
    CHECK(f.survey().score == 9);
}

TEST_CASE("clicks in the database: the page's Send wins over pending clicks") {
    Fixture f;
    f.click(3, 2000);
    auto sent = replies::answer_from_page(*f.db, f.config, {f.id, 9, "Hyvä", {}}, 2010);
    CHECK(sent.result == replies::PageAnswerOutcome::Result::recorded);
    CHECK(f.clicks("closed") == 1);
    CHECK(f.settle(3000).recorded == 0);
    CHECK(f.survey().score == 9);
    CHECK(store::to_string(f.survey().state) == "commented");
}

TEST_CASE("clicks in the database: a Send after the click settled finishes that answer") {
    Fixture f;
    f.click(3, 2000);
    CHECK(f.settle(2060).recorded == 1);
    CHECK(f.survey().score == 3);
    auto sent = replies::answer_from_page(*f.db, f.config, {f.id, 4, "Hidas", {}}, 2100);
    CHECK(sent.result == replies::PageAnswerOutcome::Result::recorded);
    auto s = f.survey();
    CHECK(s.score == 4);
    CHECK(s.comment == "Hidas");
    CHECK(store::to_string(s.state) == "commented");
    CHECK_FALSE(s.comment_until);
    // Once only.
    auto again = replies::answer_from_page(*f.db, f.config, {f.id, 1, "again", {}}, 2200);
    CHECK(again.result == replies::PageAnswerOutcome::Result::already_answered);
    CHECK(f.survey().score == 4);
}

TEST_CASE("clicks in the database: surveys that do not await a score ignore clicks") {
    for (auto state : {store::SurveyState::expired, store::SurveyState::opted_out,
                       store::SurveyState::answered, store::SurveyState::scheduled}) {
        Fixture f(state);
        CHECK(f.click(8, 2000).result == replies::ClickOutcome::Result::ignored);
        CHECK(f.clicks("pending") == 0);
    }
    Fixture f;
    CHECK(f.click(11, 2000).result == replies::ClickOutcome::Result::ignored);  // off the scale

    // Pending when the survey stops awaiting its score: closed, not recorded.
    f.click(8, 2000);
    f.db->database().exec("UPDATE surveys SET state = 'expired'");
    CHECK(f.settle(2060).recorded == 0);
    CHECK(f.clicks("closed") == 1);
    CHECK_FALSE(f.survey().score);
}

TEST_CASE("clicks in the database: a click that settles after the survey's expiry is too late") {
    Fixture f;
    f.db->database().exec("UPDATE surveys SET expires_at = 2030");
    f.click(8, 2000);
    CHECK(f.settle(2060).recorded == 0);
    CHECK_FALSE(f.survey().score);
}

TEST_CASE("clicks in the database: the settle window comes from the configuration") {
    Fixture f;
    f.config.defaults.click_settle = std::chrono::seconds{120};
    CHECK(f.click(7, 2000).settles_at == 2120);
    CHECK(f.settle(2119).recorded == 0);
    CHECK(f.settle(2120).recorded == 1);
}
