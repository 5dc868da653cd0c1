#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include "cxgate/config/config.hpp"
#include "cxgate/config/event_fields.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/event_schema.hpp"
#include "cxgate/foundation/json_input.hpp"

using namespace cxgate;

// Event validation at the edge: what POST /v1/events and the CRM sources accept.

namespace {

std::shared_ptr<const config::Config> bundled() {
    setenv("CXGATE_API_TOKEN", "unit-test-token-0123456789", 1);
    static auto loaded = config::load(std::string(CXGATE_SOURCE_DIR) + "/cxgate.yaml");
    REQUIRE(loaded.config);
    return loaded.config;
}

engine::ParsedEvent parse(const std::string& text) {
    auto body = json_input::parse(text);
    REQUIRE(body.value);
    return engine::parse_event(*body.value, *bundled(),
                               *timing::parse_iso8601("2026-11-16T10:00:00+02:00"));
}

std::string with_deal(const std::string& deal) {
    return R"({"id":"e","type":"deal.won","contact":{"phone":"0401234567"},"deal_id":)" + deal +
           "}";
}

}  // namespace

TEST_CASE("event: a numeric deal id is kept exactly as its decimal text") {
    CHECK(parse(with_deal("42")).event->deal_id == "42");
    CHECK(parse(with_deal("-7")).event->deal_id == "-7");
    CHECK(parse(with_deal("9223372036854775807")).event->deal_id == "9223372036854775807");
    // Unsigned 64-bit ids used to be read as signed: both of these became "-1" and "-2",
    // and two deals' surveys were taken for one.
    CHECK(parse(with_deal("18446744073709551615")).event->deal_id == "18446744073709551615");
    CHECK(parse(with_deal("18446744073709551614")).event->deal_id == "18446744073709551614");
    CHECK(parse(with_deal("\"crm-77\"")).event->deal_id == "crm-77");
    auto in_attributes = parse(
        R"({"id":"e","type":"deal.won","contact":{"phone":"0401234567"},"attributes":{"deal_id":18446744073709551615}})");
    CHECK(in_attributes.event->deal_id == "18446744073709551615");
}

TEST_CASE("event: a deal id that is not an integer is refused, naming the field") {
    for (const char* bad : {"1.5", "1e3", "1.0", "123456789012345678901234567890", "true", "[1]"}) {
        CAPTURE(bad);
        auto r = parse(with_deal(bad));
        CHECK_FALSE(r.event);
        CHECK(r.error.rfind("deal_id: ", 0) == 0);
    }
    auto r = parse(
        R"({"id":"e","type":"deal.won","contact":{"phone":"0401234567"},"attributes":{"deal_id":2.5}})");
    CHECK(r.error.rfind("attributes.deal_id: ", 0) == 0);
}

TEST_CASE("event: text fields are capped, and the error names the field and its limit") {
    auto event_with = [](const std::string& contact_extra, const std::string& rest = "") {
        return R"({"id":"e","type":"deal.won","contact":{"phone":"0401234567")" + contact_extra +
               "}" + rest + "}";
    };
    auto q = [](const std::string& s) { return "\"" + s + "\""; };
    // The report: a 30,000-character name became a 197-segment SMS.
    auto r = parse(event_with(",\"name\":" + q(std::string(30000, 'x'))));
    CHECK_FALSE(r.event);
    CHECK(r.error == "contact.name: longer than 200 characters");
    // Characters, not bytes: 200 of "ä" (400 bytes) is a name of 200 characters.
    std::string a200;
    for (int i = 0; i < 200; ++i) a200 += "ä";
    CHECK(parse(event_with(",\"name\":" + q(a200))).event);
    CHECK(parse(event_with(",\"name\":" + q(a200 + "x"))).error ==
          "contact.name: longer than 200 characters");
    CHECK(parse(event_with(",\"segment\":" + q(std::string(101, 's')))).error ==
          "contact.segment: longer than 100 characters");
    CHECK(parse(event_with(",\"id\":" + q(std::string(201, 'c')))).error ==
          "contact.id: longer than 200 characters");
    CHECK(parse(event_with("",
                           ",\"staff\":{\"id\":\"s-7\",\"name\":" + q(std::string(201, 'n')) + "}"))
              .error == "staff.name: longer than 200 characters");
    CHECK(parse(event_with("", ",\"staff\":{\"id\":" + q(std::string(201, 'i')) + "}")).error ==
          "staff.id: longer than 200 characters");
    CHECK(parse(event_with("", ",\"deal_id\":" + q(std::string(201, 'd')))).error ==
          "deal_id: longer than 200 characters");
    CHECK(parse(R"({"id":")" + std::string(201, 'e') +
                R"(","type":"deal.won","contact":{"phone":"0401234567"}})")
              .error == "id: longer than 200 characters");
    CHECK(parse(R"({"id":"e","type":")" + std::string(101, 't') +
                R"(","contact":{"phone":"0401234567"}})")
              .error == "type: longer than 100 characters");
    CHECK(engine::max_field_chars("contact.email") == 254);
}

TEST_CASE("event: the field at fault comes as data, the message starts with it") {
    struct Case {
        const char* body;
        const char* field;
    };
    for (const auto& c : {
             Case{R"([1])", "body"},
             Case{R"({"type":"deal.won","contact":{"phone":"0401234567"}})", "id"},
             Case{R"({"id":"e","type":"deal.won","contact":{"phone":"12"}})", "contact.phone"},
             Case{R"({"id":"e","type":"deal.won","contact":{"email":"x"}})", "contact.email"},
             Case{R"({"id":"e","type":"deal.won","contact":{"phone":"0401234567"},"staff":{}})",
                  "staff.id"},
             Case{R"({"id":"e","type":"deal.won","contact":{"phone":"0401234567"},"deal_id":1.5})",
                  "deal_id"},
             // A key with a colon in it: cutting the message at its first colon named "a".
             Case{R"({"id":"e","type":"deal.won","contact":{"phone":"0401234567"},"a:b":1})",
                  "a:b"},
         }) {
        CAPTURE(c.body);
        auto r = parse(c.body);
        CHECK_FALSE(r.event);
        CHECK(r.field == c.field);
        CHECK(r.error.rfind(std::string(c.field) + ": ", 0) == 0);
    }
    CHECK(parse(with_deal("42")).field.empty());
}

TEST_CASE("event: a misspelt field is refused by name, under contact and staff too") {
    auto top = parse(R"({"id":"e","type":"t","contact":{"phone":"0401234567"},"atributes":{}})");
    CHECK_FALSE(top.event);
    CHECK(top.field == "atributes");
    auto contact =
        parse(R"({"id":"e","type":"t","contact":{"phone":"0401234567","emial":"a@b.fi"}})");
    CHECK_FALSE(contact.event);
    CHECK(contact.field == "contact.emial");
    CHECK(contact.error == "contact.emial: unknown field");
    auto staff = parse(
        R"({"id":"e","type":"t","contact":{"phone":"0401234567"},"staff":{"id":"s","mail":"x"}})");
    CHECK_FALSE(staff.event);
    CHECK(staff.field == "staff.mail");
}

TEST_CASE("event schema: the fields the parser reads, required where it requires them") {
    const auto schema = engine::event_json_schema(*bundled());
    CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(schema["additionalProperties"] == false);
    CHECK(schema["required"] == nlohmann::json::array({"id", "type", "contact"}));
    const auto& props = schema["properties"];
    for (const auto& f : config::event_fields()) {
        CAPTURE(f.path);
        const auto dot = f.path.find('.');
        const auto& s =
            dot == std::string::npos
                ? props.at(f.path)
                : props.at(f.path.substr(0, dot))["properties"].at(f.path.substr(dot + 1));
        CHECK(s.contains("description"));
        if (f.max_chars) CHECK(s["maxLength"] == f.max_chars);
    }
    CHECK(props["contact"]["additionalProperties"] == false);
    CHECK(props["contact"]["properties"]["locale"]["enum"] ==
          nlohmann::json::array({"fi", "sv", "en"}));
    CHECK(props["staff"]["required"] == nlohmann::json::array({"id"}));
    CHECK(props["deal_id"]["type"] == nlohmann::json::array({"string", "integer"}));
    CHECK(props["attributes"]["type"] == "object");
    CHECK_FALSE(props["attributes"].contains("additionalProperties"));
    // The event types the bundled funnel acts on are offered as examples.
    const auto& types = props["type"]["examples"];
    CHECK(std::find(types.begin(), types.end(), "deal.won") != types.end());
}
