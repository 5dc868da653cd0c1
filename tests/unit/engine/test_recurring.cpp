// Recurring relationship surveys: period arithmetic, the release of an audience over sending
// days, and runs that go on where they were after a restart or an edited list.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "../support/config_dir.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/engine/recurring.hpp"
#include "cxgate/scheduler/due_work.hpp"
#include "cxgate/store/database.hpp"

namespace fs = std::filesystem;
using namespace cxgate;

namespace {

date::sys_days day(int y, unsigned m, unsigned d) {
    return date::sys_days{date::year{y} / m / d};
}

config::Schedule every(config::Schedule::Every unit, int count, date::sys_days start) {
    config::Schedule s;
    s.every = unit;
    s.count = count;
    s.start = start;
    return s;
}

struct World : testing::ConfigDir {
    World(const std::string& flow, const std::string& list)
        : ConfigDir({{"pulse", flow}}, "calendar: fi") {
        write_list(list);
        reload();
    }
    void write_list(const std::string& list) const { write("people.csv", list); }
    store::Seconds s(const char* iso) {
        return timing::parse_iso8601(iso)->time_since_epoch().count();
    }
    scheduler::PassResult pass(const char* now) {
        return scheduler::run_due_work(*db, *config, s(now));
    }
    std::vector<std::string> surveyed() {
        std::vector<std::string> out;
        SQLite::Statement st(db->database(), "SELECT contact_id FROM surveys ORDER BY id");
        while (st.executeStep()) out.push_back(st.getColumn(0).getString());
        return out;
    }
};

const char* kPulse = R"(flow: pulse
send_window: { days: mon-fri, from: "09:00", to: "16:00" }
schedule: { every: month, start: 2027-01-04, at: "09:00", per_day: 2, audience: people.csv }
steps:
  - { id: pulse, on: schedule, survey: { metric: enps }, channel: [email, sms] }
)";

const char* kPeople =
    "id,name,email,phone\n"
    "p-1,Aino,aino@example.com,\n"
    "p-2,Bea,bea@example.com,\n"
    "p-3,Cid,,040 100 0103\n"
    "p-4,Dan,dan@example.com,\n"
    "p-5,Eve,eve@example.com,\n";

}  // namespace

TEST_CASE("recurring: periods from the start date; months keep their day, clamped") {
    using E = config::Schedule::Every;
    auto monthly = every(E::month, 1, day(2027, 1, 31));
    CHECK(engine::period_start(monthly, 1) == day(2027, 2, 28));
    CHECK(engine::period_start(monthly, 2) == day(2027, 3, 31));
    CHECK(engine::period_start(monthly, 13) == day(2028, 2, 29));  // a leap year
    CHECK(engine::period_of(monthly, day(2027, 1, 30)) == -1);
    CHECK(engine::period_of(monthly, day(2027, 2, 27)) == 0);
    CHECK(engine::period_of(monthly, day(2027, 2, 28)) == 1);
    CHECK(engine::period_of(monthly, day(2027, 3, 30)) == 1);
    CHECK(engine::period_of(monthly, day(2027, 3, 31)) == 2);
    auto quarterly = every(E::quarter, 1, day(2027, 1, 11));
    CHECK(engine::period_start(quarterly, 3) == day(2027, 10, 11));
    CHECK(engine::period_of(quarterly, day(2027, 7, 10)) == 1);
    CHECK(engine::period_label(quarterly, 4) == "2028-01-11");
    auto fortnightly = every(E::week, 2, day(2027, 1, 4));
    CHECK(engine::period_start(fortnightly, 1) == day(2027, 1, 18));
    CHECK(engine::period_of(fortnightly, day(2027, 1, 17)) == 0);
    CHECK(engine::period_of(fortnightly, day(2027, 1, 18)) == 1);
    auto yearly = every(E::year, 1, day(2028, 2, 29));
    CHECK(engine::period_start(yearly, 1) == day(2029, 2, 28));
}

TEST_CASE("recurring: the audience is released per_day on the days the window opens") {
    World w(kPulse, kPeople);
    REQUIRE(w.config);
    // Friday 1 Jan: the first period has not opened.
    auto before = w.pass("2027-01-01T10:00:00+02:00");
    CHECK(before.schedule_events.empty());
    CHECK(before.next_due == w.s("2027-01-04T09:00:00+02:00"));
    // Monday 4 Jan 09:00: two people, in id order; their surveys go in the same pass.
    auto monday = w.pass("2027-01-04T09:00:00+02:00");
    CHECK(monday.schedule_events.size() == 2);
    CHECK(monday.claimed == 2);
    CHECK(w.surveyed() == std::vector<std::string>{"p-1", "p-2"});
    CHECK(monday.next_due == w.s("2027-01-05T09:00:00+02:00"));
    CHECK(w.pass("2027-01-04T15:00:00+02:00").schedule_events.empty());  // today's are out
    // Tuesday: two more; Wednesday 6 Jan is Epiphany (a holiday in fi): nobody; Thursday: the last.
    CHECK(w.pass("2027-01-05T09:00:00+02:00").schedule_events.size() == 2);
    auto epiphany = w.pass("2027-01-06T12:00:00+02:00");
    CHECK(epiphany.schedule_events.empty());
    CHECK(epiphany.next_due == w.s("2027-01-07T09:00:00+02:00"));
    CHECK(w.pass("2027-01-07T09:00:00+02:00").schedule_events.size() == 1);
    CHECK(w.surveyed() == std::vector<std::string>{"p-1", "p-2", "p-3", "p-4", "p-5"});
    // The event of each person names its period, once.
    auto ids = w.db->database()
                   .execAndGet(
                       "SELECT COUNT(DISTINCT id) FROM events WHERE id LIKE "
                       "'schedule:pulse:2027-01-04:%'")
                   .getInt();
    CHECK(ids == 5);
    auto run = w.db->database()
                   .execAndGet(
                       "SELECT finished_at IS NOT NULL FROM schedule_runs WHERE period = "
                       "'2027-01-04'")
                   .getInt();
    CHECK(run == 1);
    // February: everyone again, from Thursday 4 Feb.
    CHECK(w.pass("2027-02-04T09:00:00+02:00").schedule_events.size() == 2);
}

TEST_CASE("recurring: after a restart and an edited list, the run goes on where it was") {
    World w(kPulse, kPeople);
    REQUIRE(w.config);
    CHECK(w.pass("2027-01-04T09:00:00+02:00").schedule_events.size() == 2);  // p-1, p-2
    // The list changes before Tuesday: p-1 leaves, p-6 joins, and p-0 joins behind the cursor
    // (its id sorts before those reached): it is asked from the next period on.
    w.write_list(
        "id,name,email,phone\n"
        "p-0,Zed,zed@example.com,\n"
        "p-2,Bea,bea@example.com,\n"
        "p-3,Cid,,040 100 0103\n"
        "p-4,Dan,dan@example.com,\n"
        "p-5,Eve,eve@example.com,\n"
        "p-6,Fay,fay@example.com,\n");
    w.reload();
    // The daemon was down until Thursday noon: Monday's to Thursday's quota (4 days minus
    // Epiphany = 3 days, 6 people) is due at once, from where the run was.
    auto late = w.pass("2027-01-07T12:00:00+02:00");
    CHECK(late.schedule_events.size() == 4);
    CHECK(w.surveyed() == std::vector<std::string>{"p-1", "p-2", "p-3", "p-4", "p-5", "p-6"});
    // Replaying a pass records nothing twice.
    CHECK(w.pass("2027-01-07T12:00:01+02:00").schedule_events.empty());
}

TEST_CASE("recurring: check names a bad contact list row, a missing schedule step, bad keys") {
    World w(kPulse,
            "id,name,emial,phone\n"
            "p-1,Aino,,040 123\n");
    CHECK_FALSE(w.diagnostics.to_string().empty());
    const auto text = w.diagnostics.to_string();
    CHECK(text.find("people.csv:1:3: error: unknown column \"emial\" (did you mean \"email\"?)") !=
          std::string::npos);
    CHECK(text.find("people.csv:2:1: error: phone: not a valid phone number") != std::string::npos);

    World no_step(R"(flow: pulse
schedule: { every: fortnight, start: 2027-13-01, audience: people.csv }
steps:
  - { id: a, on: x, survey: { metric: enps }, channel: sms }
)",
                  kPeople);
    const auto errors = no_step.diagnostics.to_string();
    CHECK(errors.find("\"every\" must be week, month, quarter or year") != std::string::npos);
    CHECK(errors.find("\"start\" must be a date YYYY-MM-DD, got \"2027-13-01\"") !=
          std::string::npos);
    CHECK(errors.find("the flow has a schedule but no step with on: schedule") !=
          std::string::npos);
}

TEST_CASE("recurring: the contacts cxgate knows, by segment and recency") {
    World w(R"(flow: rel
send_window: { days: mon-fri, from: "10:00", to: "18:00" }
schedule:
  every: quarter
  start: 2027-01-11
  audience: { contacts: { segment: [premium], seen_within: 30d } }
steps:
  - { id: nps, on: schedule, survey: { metric: nps }, channel: sms }
)",
            kPeople);
    REQUIRE(w.config);
    auto add = [&](const char* id, const char* segment, const char* seen) {
        SQLite::Statement st(w.db->database(),
                             "INSERT INTO contacts (id, phone, segment, updated_at) VALUES (?, ?, "
                             "?, ?)");
        st.bind(1, id);
        st.bind(2, std::string("+35840100") + std::string(id).substr(2));
        st.bind(3, segment);
        st.bind(4, static_cast<std::int64_t>(w.s(seen)));
        st.exec();
    };
    add("c-1001", "premium", "2027-01-02T10:00:00+02:00");
    add("c-1002", "private", "2027-01-02T10:00:00+02:00");
    add("c-1003", "premium", "2026-06-01T10:00:00+03:00");  // not seen within 30 days
    auto pass = w.pass("2027-01-11T10:00:00+02:00");
    CHECK(pass.schedule_events.size() == 1);
    CHECK(w.surveyed() == std::vector<std::string>{"c-1001"});
}
