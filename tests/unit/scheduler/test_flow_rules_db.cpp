// Flow rules through the real writer code on an SQLite file (record_event -> run_due_work
// -> handle_inbound): one survey awaiting an answer per address (issue 5), reminders over
// holidays, and recontact and fatigue counted from sends and scheduled surveys.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "../support/config_dir.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/ingest.hpp"
#include "cxgate/replies/conversation.hpp"
#include "cxgate/scheduler/due_work.hpp"
#include "cxgate/store/database.hpp"

namespace fs = std::filesystem;
using namespace cxgate;

namespace {

struct World : testing::ConfigDir {
    explicit World(const std::string& flow) : ConfigDir({{"f", flow}}, "comment_window: 2h") {
        INFO(diagnostics.to_string());
        REQUIRE(config);
    }

    store::Seconds s(const char* iso) {
        return timing::parse_iso8601(iso)->time_since_epoch().count();
    }

    std::int64_t event(const std::string& id, const std::string& type, const char* now) {
        auto t = *timing::parse_iso8601(now);
        auto body = nlohmann::json::parse(R"({"type":"","contact":{"phone":"0401234567"}})");
        body["id"] = id;
        body["type"] = type;
        auto parsed = engine::parse_event(body, *config, t);
        REQUIRE(parsed.event);
        auto out = engine::record_event(*db, *config, *parsed.event, t);
        REQUIRE(out.surveys.size() == 1);
        return out.surveys[0].id;
    }
    scheduler::PassResult pass(const char* now) {
        return scheduler::run_due_work(*db, *config, s(now));
    }
    // What the dispatcher does once the provider took the message.
    void mark_sent(std::int64_t id, const char* now) {
        SQLite::Statement st(
            db->database(),
            "UPDATE surveys SET state = 'sent', sent_at = ? WHERE id = ? AND state = 'sending'");
        st.bind(1, static_cast<std::int64_t>(s(now)));
        st.bind(2, static_cast<std::int64_t>(id));
        CHECK(st.exec() == 1);
    }
    replies::ReplyOutcome reply(const std::string& text, const std::string& provider_id,
                                const char* now) {
        return replies::handle_inbound(*db, *config, {"sms", provider_id, "+358401234567", text},
                                       s(now));
    }
    store::SurveyRow survey(std::int64_t id) { return *db->find_survey(id); }
};

const char* kFlow = R"(flow: f
send_window: { days: mon-fri, from: "09:00", to: "20:00" }
steps:
  - { id: close, on: deal.won, survey: { metric: nps }, channel: sms, expires: 3d }
  - { id: call, on: call.completed, survey: { metric: csat }, channel: sms, on_waiting: { wait: 3d } }
  - { id: why-call, on: call.why, survey: { metric: csat }, channel: sms, follow_up: why }
  - { id: meeting, on: meeting.completed, survey: { metric: csat }, channel: sms, follow_up: why }
  - { id: close-later, on: deal.won.later, survey: { metric: nps }, channel: sms, on_waiting: { wait: 1d } }
  - { id: quick, on: call.quick, survey: { metric: csat }, channel: sms, on_waiting: { wait: 1h } }
  - { id: skipped, on: call.skip, survey: { metric: csat }, channel: sms, on_waiting: skip }
)";

const char* kReminders = R"(flow: r
calendar: fi
send_window: { mon-fri: "09:00-20:00" }
steps:
  - id: close
    on: deal.won
    survey: { metric: nps }
    channel: sms
    reminder: { after: 1 business day, max: 2 }
    expires: 14d
)";

}  // namespace

TEST_CASE("on_waiting: supersede (the default): the newer survey goes, a late reply goes to it") {
    World w(kFlow);
    auto nps = w.event("won", "deal.won", "2026-11-16T10:00:00+02:00");
    CHECK(w.pass("2026-11-16T10:00:00+02:00").claimed == 1);
    w.mark_sent(nps, "2026-11-16T10:00:05+02:00");

    // Wednesday: the meeting CSAT is due while the NPS still awaits its score.
    auto csat = w.event("met", "meeting.completed", "2026-11-18T14:00:00+02:00");
    auto pass = w.pass("2026-11-18T14:00:00+02:00");
    CHECK(pass.claimed == 1);
    CHECK(pass.superseded == 1);
    CHECK(pass.held == 0);
    auto older = w.survey(nps);
    CHECK(store::to_string(older.state) == "superseded");
    CHECK(older.superseded_by == csat);
    CHECK(older.reason == "superseded: survey " + std::to_string(csat) +
                              " (f/meeting) went to +358401234567 while this one still awaited "
                              "its answer");
    CHECK_FALSE(older.next_reminder_at);
    CHECK(store::to_string(w.survey(csat).state) == "sending");
    w.mark_sent(csat, "2026-11-18T14:00:05+02:00");

    // The reply "4" is the CSAT's (the newest), then its "why?".
    auto out = w.reply("4", "in-1", "2026-11-18T15:00:00+02:00");
    CHECK(out.outcome == "score");
    CHECK(out.survey_id == csat);
    CHECK(w.reply("Nopea palvelu", "in-2", "2026-11-18T15:01:00+02:00").outcome == "comment");
    CHECK(w.survey(csat).comment == "Nopea palvelu");
}

TEST_CASE("on_waiting: supersede closes an answered survey whose \"why?\" is still awaited") {
    World w(kFlow);
    auto first = w.event("why", "call.why", "2026-11-16T10:00:00+02:00");
    CHECK(w.pass("2026-11-16T10:00:00+02:00").claimed == 1);
    w.mark_sent(first, "2026-11-16T10:00:05+02:00");
    CHECK(w.reply("2", "in-1", "2026-11-16T10:30:00+02:00").outcome == "score");  // asks why
    auto second = w.event("met", "meeting.completed", "2026-11-16T11:00:00+02:00");
    auto pass = w.pass("2026-11-16T11:00:00+02:00");
    CHECK(pass.claimed == 1);
    CHECK(pass.superseded == 1);
    auto closed = w.survey(first);
    CHECK(store::to_string(closed.state) == "closed");
    CHECK(closed.score == 2);  // it keeps its answer
    CHECK(closed.superseded_by == second);
    CHECK(closed.reason.find("still awaited its \"why?\"") != std::string::npos);
}

TEST_CASE("on_waiting: wait: a CSAT due while the NPS is open waits, the reply goes to the NPS") {
    World w(kFlow);
    auto nps = w.event("won", "deal.won", "2026-11-16T10:00:00+02:00");
    CHECK(w.pass("2026-11-16T10:00:00+02:00").claimed == 1);
    w.mark_sent(nps, "2026-11-16T10:00:05+02:00");

    auto csat = w.event("call", "call.completed", "2026-11-17T10:00:00+02:00");
    auto held = w.pass("2026-11-17T10:00:00+02:00");
    CHECK(held.claimed == 0);
    CHECK(held.held == 1);
    auto waiting = w.survey(csat);
    CHECK(store::to_string(waiting.state) == "scheduled");
    CHECK(waiting.held_by == nps);
    CHECK(waiting.reason.rfind("waiting: survey " + std::to_string(nps) + " (f/close)", 0) == 0);
    CHECK(waiting.reason.find("(on_waiting: wait up to 3d)") != std::string::npos);
    CHECK(waiting.wait_until == w.s("2026-11-20T10:00:00+02:00"));
    // A held survey is not "next due": the scheduler waits for the NPS to end instead.
    CHECK(w.pass("2026-11-17T10:00:30+02:00").held == 0);  // unchanged, not rewritten

    auto out = w.reply("9", "in-1", "2026-11-17T11:00:00+02:00");
    CHECK(out.outcome == "score");
    CHECK(out.survey_id == nps);

    auto released = w.pass("2026-11-17T11:00:01+02:00");
    CHECK(released.claimed == 1);
    auto sending = w.survey(csat);
    CHECK(store::to_string(sending.state) == "sending");
    CHECK_FALSE(sending.held_by);
    CHECK(sending.reason.empty());
}

TEST_CASE("on_waiting: wait: at most its duration, then the older survey is superseded") {
    World w(kFlow);
    auto nps = w.event("won", "deal.won", "2026-11-16T10:00:00+02:00");
    w.pass("2026-11-16T10:00:00+02:00");
    w.mark_sent(nps, "2026-11-16T10:00:05+02:00");
    auto csat = w.event("quick", "call.quick", "2026-11-16T12:00:00+02:00");
    CHECK(w.pass("2026-11-16T12:00:00+02:00").held == 1);
    auto result = scheduler::run_due_work(*w.db, *w.config, w.s("2026-11-16T12:30:00+02:00"));
    CHECK(result.claimed == 0);
    CHECK(result.next_due == w.s("2026-11-16T13:00:00+02:00"));  // wakes up when the wait ends
    auto pass = w.pass("2026-11-16T13:00:00+02:00");
    CHECK(pass.claimed == 1);
    CHECK(pass.superseded == 1);
    CHECK(store::to_string(w.survey(nps).state) == "superseded");
    CHECK(store::to_string(w.survey(csat).state) == "sending");
}

TEST_CASE("on_waiting: skip: the due survey is dropped while an older one awaits its answer") {
    World w(kFlow);
    auto nps = w.event("won", "deal.won", "2026-11-16T10:00:00+02:00");
    w.pass("2026-11-16T10:00:00+02:00");
    w.mark_sent(nps, "2026-11-16T10:00:05+02:00");
    auto csat = w.event("skip", "call.skip", "2026-11-16T12:00:00+02:00");
    auto pass = w.pass("2026-11-16T12:00:00+02:00");
    CHECK(pass.claimed == 0);
    CHECK(pass.skipped == 1);
    auto skipped = w.survey(csat);
    CHECK(store::to_string(skipped.state) == "suppressed");
    CHECK(skipped.reason == "skipped: survey " + std::to_string(nps) +
                                " (f/close) still awaited its answer on +358401234567 "
                                "(on_waiting: skip)");
    CHECK(store::to_string(w.survey(nps).state) == "sent");  // untouched
}

TEST_CASE(
    "one at a time: the comment window holds a waiting survey, then the send window decides") {
    World w(kFlow);
    auto first = w.event("why", "call.why", "2026-11-16T17:00:00+02:00");
    CHECK(w.pass("2026-11-16T17:00:00+02:00").claimed == 1);
    w.mark_sent(first, "2026-11-16T17:00:05+02:00");
    CHECK(w.reply("2", "in-1", "2026-11-16T18:30:00+02:00").outcome == "score");  // asks why

    auto second = w.event("won", "deal.won.later", "2026-11-16T18:45:00+02:00");
    CHECK(w.pass("2026-11-16T18:45:00+02:00").held == 1);  // the "why?" is awaited until 20:30
    CHECK(w.pass("2026-11-16T20:00:00+02:00").claimed == 0);
    // 20:31: the comment window closed, but so did the send window: next opening Tuesday 09:00.
    CHECK(w.pass("2026-11-16T20:31:00+02:00").claimed == 0);
    auto moved = w.survey(second);
    CHECK(store::to_string(moved.state) == "scheduled");
    CHECK_FALSE(moved.held_by);
    CHECK(*moved.due_at == w.s("2026-11-17T09:00:00+02:00"));
    CHECK(w.pass("2026-11-17T09:00:00+02:00").claimed == 1);
}

TEST_CASE("one at a time: of two surveys due in one pass on one address, the second waits") {
    // The pass saves its surveys together at its end; the second must still see the first
    // as being sent, not as scheduled.
    World w(kFlow);
    auto nps = w.event("won", "deal.won", "2026-11-16T10:00:00+02:00");
    auto csat = w.event("call", "call.completed", "2026-11-16T10:00:00+02:00");
    auto pass = w.pass("2026-11-16T10:00:00+02:00");
    CHECK(pass.claimed == 1);
    CHECK(pass.held == 1);
    CHECK(store::to_string(w.survey(nps).state) == "sending");
    const auto waiting = w.survey(csat);
    CHECK(store::to_string(waiting.state) == "scheduled");
    CHECK(waiting.held_by == nps);
    CHECK(waiting.reason.find("is being sent") != std::string::npos);
}

TEST_CASE("one at a time: the open survey's expiry releases the waiting one") {
    World w(kFlow);
    auto nps = w.event("won", "deal.won", "2026-11-16T10:00:00+02:00");
    w.pass("2026-11-16T10:00:00+02:00");
    w.mark_sent(nps, "2026-11-16T10:00:05+02:00");
    auto csat = w.event("call", "call.completed", "2026-11-16T12:00:00+02:00");
    CHECK(w.pass("2026-11-16T12:00:00+02:00").held == 1);
    // The NPS expires 3 days after its due time; the CSAT goes in the same pass.
    auto pass = w.pass("2026-11-19T10:00:00+02:00");
    CHECK(pass.expired == 1);
    CHECK(pass.claimed == 1);
    CHECK(store::to_string(w.survey(nps).state) == "expired");
    CHECK(store::to_string(w.survey(csat).state) == "sending");
}

TEST_CASE("reminders: business days skip the flow's holidays, in the contact's zone") {
    World w(kReminders);
    auto t = *timing::parse_iso8601("2026-12-23T10:00:00+02:00");
    auto body = nlohmann::json::parse(
        R"({"id":"won","type":"deal.won","contact":{"phone":"0401234567","timezone":"Europe/Stockholm"}})");
    auto parsed = engine::parse_event(body, *w.config, t);
    REQUIRE(parsed.event);
    auto id = engine::record_event(*w.db, *w.config, *parsed.event, t).surveys.at(0).id;
    CHECK(w.survey(id).timezone == "Europe/Stockholm");
    CHECK(w.pass("2026-12-23T10:00:00+02:00").claimed == 1);
    w.mark_sent(id, "2026-12-23T10:00:05+02:00");
    // Wednesday 09:00 Stockholm + 1 business day: 24-27 Dec are days off in fi.yaml.
    CHECK(*w.survey(id).next_reminder_at == w.s("2026-12-28T09:00:00+01:00"));
    CHECK(w.pass("2026-12-28T08:59:00+01:00").reminded == 0);
    CHECK(w.pass("2026-12-28T09:00:00+01:00").reminded == 1);
    // The second: Tuesday 29 Dec, same local time.
    CHECK(*w.survey(id).next_reminder_at == w.s("2026-12-29T09:00:00+01:00"));
}

TEST_CASE("recontact and fatigue count from sends and scheduled surveys in the database") {
    const char* flows = R"(flow: a
recontact: 7d
steps:
  - { id: late, on: x.late, survey: { metric: nps }, channel: sms, delay: 5d }
  - { id: now, on: x.now, survey: { metric: csat }, channel: sms }
)";
    World w(flows);
    auto record = [&](const char* id, const char* type, const char* now) {
        auto t = *timing::parse_iso8601(now);
        auto body = nlohmann::json::parse(R"({"contact":{"phone":"0401234567"}})");
        body["id"] = id;
        body["type"] = type;
        auto parsed = engine::parse_event(body, *w.config, t);
        REQUIRE(parsed.event);
        return engine::record_event(*w.db, *w.config, *parsed.event, t).surveys.at(0);
    };
    // The event on 1 Nov schedules a survey for 6 Nov; it goes out then.
    auto first = record("e1", "x.late", "2026-11-01T10:00:00+02:00");
    CHECK(store::to_string(first.state) == "scheduled");
    CHECK(w.pass("2026-11-06T10:00:00+02:00").claimed == 1);
    w.mark_sent(first.id, "2026-11-06T10:00:00+02:00");
    // 7 Nov: the same step again, due 12 Nov: six days after the send, recontact (7d)
    // applies (six days after the first event would not have counted: sends count).
    auto second = record("e2", "x.late", "2026-11-07T10:00:00+02:00");
    CHECK(store::to_string(second.state) == "suppressed");
    CHECK(second.reason.rfind("recontact: contact already surveyed at step late of flow a at "
                              "2026-11-06T08:00:00Z",
                              0) == 0);
    // The journey's other step is never held back by it.
    CHECK(store::to_string(record("e3", "x.now", "2026-11-08T10:00:00+02:00").state) ==
          "scheduled");
    // 9 Nov: due 14 Nov, eight days after the send.
    CHECK(store::to_string(record("e4", "x.late", "2026-11-09T10:00:00+02:00").state) ==
          "scheduled");
}

TEST_CASE("fatigue counts a survey of another flow still scheduled") {
    World w(R"(flow: a
steps:
  - { id: late, on: x.late, survey: { metric: nps }, channel: sms, delay: 5d }
)");
    // A second flow file in the same configuration.
    std::ofstream(w.root / "flows/b.yaml")
        << "flow: b\nsteps:\n  - { id: now, on: x.now, survey: { metric: csat }, channel: sms }\n";
    std::ofstream(w.root / "cxgate.yaml", std::ios::app) << "fatigue: { max: 1, per: 14d }\n";
    auto loaded = config::load((w.root / "cxgate.yaml").string());
    INFO(loaded.diagnostics.to_string());
    REQUIRE(loaded.config);
    w.config = loaded.config;
    auto record = [&](const char* id, const char* type, const char* now) {
        auto t = *timing::parse_iso8601(now);
        auto body = nlohmann::json::parse(R"({"contact":{"phone":"0401234567"}})");
        body["id"] = id;
        body["type"] = type;
        auto parsed = engine::parse_event(body, *w.config, t);
        REQUIRE(parsed.event);
        return engine::record_event(*w.db, *w.config, *parsed.event, t).surveys.at(0);
    };
    CHECK(store::to_string(record("e1", "x.late", "2026-11-01T10:00:00+02:00").state) ==
          "scheduled");  // 6 Nov
    auto blocked = record("e2", "x.now", "2026-11-02T10:00:00+02:00");
    CHECK(store::to_string(blocked.state) == "suppressed");
    CHECK(blocked.reason.rfind("fatigue: ", 0) == 0);
    // 6 Nov + 14 days = 20 Nov.
    CHECK(store::to_string(record("e3", "x.now", "2026-11-20T10:00:00+02:00").state) ==
          "scheduled");
}

// A CRM that sends the deal rather than the person leaves the name out: the survey still
// greets the customer by the name an earlier event gave, and a new name replaces it.
TEST_CASE("an event without the contact's name takes the name an earlier event gave") {
    World w(kFlow);
    const auto record = [&](const std::string& id, const std::string& type, const char* name) {
        const auto t = *timing::parse_iso8601("2026-11-23T10:00:00+02:00");
        auto body = nlohmann::json::parse(R"({"contact":{"id":"crm-9","phone":"0401234567"}})");
        body["id"] = id;
        body["type"] = type;
        if (name) body["contact"]["name"] = name;
        auto parsed = engine::parse_event(body, *w.config, t);
        REQUIRE(parsed.event);
        const auto out = engine::record_event(*w.db, *w.config, *parsed.event, t);
        REQUIRE(out.surveys.size() == 1);
        return w.survey(out.surveys[0].id).contact_name;
    };
    CHECK(record("e1", "meeting.completed", "Maija") == "Maija");
    CHECK(record("e2", "call.completed", nullptr) == "Maija");
    CHECK(record("e3", "deal.won", "Maija Virtanen") == "Maija Virtanen");
    CHECK(w.db->find_contact("crm-9")->name == "Maija Virtanen");
}
