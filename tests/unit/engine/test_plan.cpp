#include <doctest/doctest.h>

#include <cstdlib>

#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/plan.hpp"

using namespace cxgate;

namespace {

std::shared_ptr<const config::Config> bundled() {
    setenv("CXGATE_API_TOKEN", "unit-test-token-0123456789", 1);
    static auto loaded = config::load(std::string(CXGATE_SOURCE_DIR) + "/cxgate.yaml");
    REQUIRE(loaded.config);
    return loaded.config;
}

timing::TimePoint at(const char* iso) {
    return *timing::parse_iso8601(iso);
}

engine::Event event(const config::Config& c, const std::string& json_text, timing::TimePoint now) {
    auto parsed = engine::parse_event(nlohmann::json::parse(json_text), c, now);
    INFO(parsed.error);
    REQUIRE(parsed.event);
    return *parsed.event;
}

}  // namespace

TEST_CASE("engine: an event is normalised, phone to E.164, locale defaulted") {
    auto c = bundled();
    auto now = at("2026-11-16T10:00:00+02:00");
    auto e = event(
        *c,
        R"({"id":"e","type":"meeting.completed","contact":{"phone":"040 123 4567","email":"A@B.fi"}})",
        now);
    CHECK(e.contact.phone == "+358401234567");
    CHECK(e.contact.email == "a@b.fi");
    CHECK(e.contact.id == "+358401234567");
    CHECK(e.contact.locale == "fi");
    CHECK(e.occurred_at == now);
}

TEST_CASE("engine: invalid events name the field") {
    auto c = bundled();
    auto now = at("2026-11-16T10:00:00+02:00");
    auto error = [&](const char* text) {
        return engine::parse_event(nlohmann::json::parse(text), *c, now).error;
    };
    CHECK(error(R"({"type":"x","contact":{"phone":"0401234567"}})").rfind("id:", 0) == 0);
    CHECK(error(R"({"id":"e","type":"x","contact":{}})").rfind("contact:", 0) == 0);
    CHECK(error(R"({"id":"e","type":"x","contact":{"phone":"12"}})").rfind("contact.phone:", 0) ==
          0);
    CHECK(error(R"({"id":"e","type":"x","contact":{"email":"nope"}})").rfind("contact.email:", 0) ==
          0);
    CHECK(error(R"({"id":"e","type":"x","contact":{"phone":"0401234567","locale":"de"}})")
              .rfind("contact.locale:", 0) == 0);
    CHECK(
        error(R"({"id":"e","type":"x","occurred_at":"yesterday","contact":{"phone":"0401234567"}})")
            .rfind("occurred_at:", 0) == 0);
    CHECK(error(R"({"id":"e","type":"x","contact":{"phone":"0401234567"},"staff":{"name":"x"}})")
              .rfind("staff.id:", 0) == 0);
}

TEST_CASE("engine: delay, business day and window decide the due time") {
    auto c = bundled();
    auto now = at("2026-11-20T19:55:00+02:00");  // Friday evening
    auto booking = event(
        *c, R"({"id":"e","type":"appointment.booked","contact":{"phone":"0401234567"}})", now);
    auto d = engine::plan(*c, booking, {}, now);
    REQUIRE(d.size() == 1);
    CHECK(d[0].scheduled);
    CHECK(d[0].channel == "sms");
    CHECK(timing::format_iso8601(d[0].due_at) == "2026-11-23T07:00:00Z");  // Monday 09:00 Helsinki

    auto thursday = at("2026-11-19T15:00:00+02:00");
    auto won = event(
        *c, R"({"id":"w","type":"deal.won","contact":{"phone":"0401234567","email":"m@x.fi"}})",
        thursday);
    auto close = engine::plan(*c, won, {}, thursday);
    REQUIRE(close.size() == 1);
    CHECK(close[0].channel == "email");  // first channel with an address
    CHECK(timing::format_iso8601(close[0].due_at) == "2026-11-20T13:00:00Z");  // Friday 15:00
    CHECK(timing::format_iso8601(close[0].expires_at) == "2026-11-27T13:00:00Z");
}

TEST_CASE("engine: suppression reasons") {
    auto c = bundled();
    auto now = at("2026-11-16T10:00:00+02:00");
    auto e = event(
        *c, R"({"id":"e","type":"deal.won","contact":{"phone":"0401234567","email":"m@x.fi"}})",
        now);

    engine::History opted;
    opted.opted_out = {"m@x.fi"};
    auto d = engine::plan(*c, e, opted, now);
    CHECK(d[0].scheduled);
    CHECK(d[0].channel == "sms");  // email opted out: the next channel
    opted.opted_out.insert("+358401234567");
    d = engine::plan(*c, e, opted, now);
    CHECK_FALSE(d[0].scheduled);
    CHECK(d[0].reason == "opted_out");

    // The journey's earlier steps never hold back the close NPS.
    engine::History recent;
    recent.surveys.push_back({"mortgage-funnel", "meeting", cxgate::store::SurveyState::sent,
                              at("2026-11-12T10:00:00+02:00")});
    CHECK(engine::plan(*c, e, recent, now)[0].scheduled);
    // A second booking within the booking step's 30 days is a repeat.
    recent.surveys.push_back({"mortgage-funnel", "booking", cxgate::store::SurveyState::sent,
                              at("2026-11-01T10:00:00+02:00")});
    auto booked = event(
        *c, R"({"id":"b","type":"appointment.booked","contact":{"phone":"0401234567"}})", now);
    CHECK(engine::plan(*c, booked, recent, now)[0].reason == "recontact");
    recent.surveys.back().at = at("2026-10-01T10:00:00+02:00");
    CHECK(engine::plan(*c, booked, recent, now)[0].scheduled);

    // A landline (09...) cannot take the SMS: the step's other channel, else suppressed.
    auto landline = event(
        *c, R"({"id":"l","type":"meeting.completed","contact":{"phone":"09 1234 5678"}})", now);
    d = engine::plan(*c, landline, {}, now);
    CHECK(d[0].reason == "no_mobile_number");
    CHECK(d[0].detail.find("+358912345678 cannot take SMS") != std::string::npos);
    auto landline_and_email = event(
        *c, R"({"id":"l2","type":"deal.lost","contact":{"phone":"0800 123 456","email":"m@x.fi"}})",
        now);
    d = engine::plan(*c, landline_and_email, {}, now);
    CHECK(d[0].scheduled);
    CHECK(d[0].channel == "email");

    auto email_only =
        event(*c, R"({"id":"e2","type":"meeting.completed","contact":{"email":"m@x.fi"}})", now);
    CHECK(engine::plan(*c, email_only, {}, now)[0].reason == "no_address");

    auto late = event(
        *c,
        R"({"id":"e3","type":"deal.won","occurred_at":"2026-10-01T10:00:00+03:00","contact":{"phone":"0401234567"}})",
        now);
    CHECK(engine::plan(*c, late, {}, now)[0].reason == "expired");

    auto recent_past = event(
        *c,
        R"({"id":"e4","type":"deal.won","occurred_at":"2026-11-12T10:00:00+02:00","contact":{"phone":"0401234567"}})",
        now);
    auto r = engine::plan(*c, recent_past, {}, now);
    CHECK(r[0].scheduled);
    CHECK(r[0].due_at == now);  // overdue but not expired: at once
}
