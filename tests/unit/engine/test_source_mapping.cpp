// CRM webhook bodies as Pipedrive and HubSpot send them, mapped to events.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cxgate/config/config.hpp"
#include "cxgate/config/source_language.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/source_mapping.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace cxgate;

namespace {

// The sources section of docs/flow-tools.md, loaded through the real configuration code.
const char* kSources = R"(sources:
  pipedrive:
    secret: ${CXGATE_TEST_SOURCE_SECRET}
    types:
      - { type: deal.won,  when: 'meta.object == "deal" && current.status == "won" && previous.status != "won"' }
      - { type: deal.lost, when: 'meta.object == "deal" && current.status == "lost" && previous.status != "lost"' }
    fields:
      id: "pipedrive-deal-{current.id}-{current.status}"
      occurred_at: meta.timestamp
      contact.id: "pipedrive-person-{current.person_id}"
      contact.phone: current.9dc80c8d4b1a7e6f3c2b1a0d9e8f7a6b5c4d3e2f?
      contact.email: current.5e8f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f?
      contact.name: current.person_name?
      contact.locale: { const: fi }
      staff.id: "pd-user-{current.user_id}"
      staff.name: current.owner_name?
      attributes.deal_value: current.value?
      attributes.currency: current.currency?
  hubspot:
    secret: ${CXGATE_TEST_SOURCE_SECRET}
    type_from: { path: properties.lifecyclestage.value, map: { customer: deal.won } }
    fields:
      id: "hubspot-{vid}-{properties.lifecyclestage.value}"
      occurred_at: properties.lifecyclestage.timestamp
      contact.id: "hubspot-{vid}"
      contact.phone: properties.phone.value?
      contact.email: properties.email.value?
      contact.name: properties.firstname.value?
      contact.locale: properties.hs_language.value?
      staff.id: "hubspot-owner-{properties.hubspot_owner_id.value}?"
  hubspot-deals:
    secret: ${CXGATE_TEST_SOURCE_SECRET}
    type_from: { path: propertyValue, map: { closedwon: deal.won, closedlost: deal.lost } }
    fields:
      id: "hubspot-{eventId}"
      occurred_at: occurredAt
      contact.id: "hubspot-deal-{objectId}"
      contact.email: properties.email.value
)";

struct Loaded {
    fs::path root;
    config::LoadResult result;
    Loaded() {
        root = fs::temp_directory_path() / ("cxgate-sources-" + std::to_string(std::rand()));
        fs::create_directories(root / "flows");
        fs::copy(fs::path(CXGATE_SOURCE_DIR) / "templates", root / "templates",
                 fs::copy_options::recursive);
        setenv("CXGATE_TEST_TOKEN", "unit-test-token-0123456789", 1);
        setenv("CXGATE_TEST_SOURCE_SECRET", "source-secret-0123456789", 1);
        std::ofstream(root / "cxgate.yaml") << "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
                                               "channels:\n"
                                               "  sms: { type: sandbox, kind: sms }\n"
                                               "  email: { type: sandbox, kind: email }\n"
                                            << kSources;
        std::ofstream(root / "flows/f.yaml")
            << "flow: f\nsteps:\n  - id: a\n    on: [deal.won, deal.lost]\n    survey: { metric: "
               "nps }\n    channel: [email, sms]\n";
        result = config::load((root / "cxgate.yaml").string());
    }
    ~Loaded() { fs::remove_all(root); }
};

json read_json(const std::string& name) {
    std::ifstream in(fs::path(CXGATE_SOURCE_DIR) / "tests/data/sources" / name);
    return json::parse(in);
}

}  // namespace

TEST_CASE("sources: paths, templates and conditions") {
    json body = json::parse(R"({"a": {"b": [{"c": 1}, {"c": "x"}]}, "s": "won", "n": 42})");
    REQUIRE(config::lookup(body, "a.b[1].c"));
    CHECK(*config::lookup(body, "a.b[1].c") == "x");
    CHECK(config::lookup(body, "a.b[2].c") == nullptr);
    CHECK(config::lookup(body, "a.x") == nullptr);
    CHECK(config::check_path("a..b") ==
          std::optional<std::string>("empty name at byte 3 of \"a..b\""));
    CHECK(config::check_path("a.b[x]").has_value());
    CHECK(config::check_path("a.b[0].c") == std::nullopt);
    CHECK(config::condition_holds("s == \"won\" && n == 42", body));
    CHECK(config::condition_holds("s != 'lost' && a.b", body));
    CHECK_FALSE(config::condition_holds("s == \"won\" && missing.path == \"x\"", body));
    CHECK(config::condition_holds("missing.path != \"x\" && !missing.path", body));
    CHECK(config::check_condition("s = \"won\"").has_value());
    CHECK(config::check_condition("s == ").has_value());
    CHECK(config::check_condition("s == won").has_value());
}

TEST_CASE("sources: a Pipedrive v1 deal webhook (won) becomes a deal.won event") {
    Loaded l;
    INFO(l.result.diagnostics.to_string());
    REQUIRE(l.result.config);
    const auto& source = l.result.config->sources.at("pipedrive");
    auto body = read_json("pipedrive-deal-won.json");
    auto mapped = engine::map_body(source, body);
    REQUIRE(mapped.error.empty());
    REQUIRE(mapped.events.size() == 1);
    const auto& e = mapped.events[0].event;
    CHECK(e["id"] == "pipedrive-deal-4242-won");
    CHECK(e["type"] == "deal.won");
    CHECK(e["occurred_at"] == "2026-11-20T17:55:00Z");
    CHECK(e["contact"]["id"] == "pipedrive-person-555");
    CHECK(e["contact"]["phone"] == "040 123 4567");
    CHECK(e["contact"]["locale"] == "fi");
    CHECK(e["staff"]["id"] == "pd-user-123");
    CHECK(e["attributes"]["deal_value"] == 250000);
    // Through the normal ingest validation.
    auto parsed = engine::parse_event(e, *l.result.config, timing::TimePoint{});
    INFO(parsed.error);
    REQUIRE(parsed.event);
    CHECK(parsed.event->contact.phone == "+358401234567");

    // The same deal updated again (a note added): previous.status is already won.
    body["previous"] = {{"status", "won"}};
    auto again = engine::map_body(source, body);
    REQUIRE(again.events.size() == 1);
    CHECK(again.events[0].ignored == "no type rule of source pipedrive matched");

    // Lost, with the person's phone field left empty: still mapped (optional path).
    body["current"]["status"] = "lost";
    body["previous"]["status"] = "open";
    body["current"]["9dc80c8d4b1a7e6f3c2b1a0d9e8f7a6b5c4d3e2f"] = nullptr;
    auto lost = engine::map_body(source, body);
    REQUIRE(lost.error.empty());
    CHECK(lost.events[0].event["type"] == "deal.lost");
    CHECK(lost.events[0].event["id"] == "pipedrive-deal-4242-lost");
    CHECK_FALSE(lost.events[0].event["contact"].contains("phone"));

    // A required path that is missing is named.
    body["current"].erase("user_id");
    auto missing = engine::map_body(source, body);
    CHECK(missing.error == "missing path current.user_id");
    CHECK(missing.field == "staff.id");
    CHECK(missing.path == "current.user_id");
}

TEST_CASE("sources: HubSpot bodies: a workflow webhook and a subscription batch") {
    Loaded l;
    REQUIRE(l.result.config);
    auto contact = engine::map_body(l.result.config->sources.at("hubspot"),
                                    read_json("hubspot-contact-workflow.json"));
    REQUIRE(contact.error.empty());
    REQUIRE(contact.events.size() == 1);
    const auto& e = contact.events[0].event;
    CHECK(e["id"] == "hubspot-951-customer");
    CHECK(e["type"] == "deal.won");
    CHECK(e["occurred_at"] == "2026-11-20T17:55:00Z");  // epoch milliseconds
    CHECK(e["contact"]["email"] == "Maija.Virtanen@example.com");
    CHECK(e["contact"]["locale"] == "sv");
    CHECK(e["staff"]["id"] == "hubspot-owner-41");
    auto parsed = engine::parse_event(e, *l.result.config, timing::TimePoint{});
    INFO(parsed.error);
    CHECK(parsed.event);

    // Subscription webhooks batch events in an array; each is mapped on its own, and the
    // missing contact email is named with the element's index, without failing the others.
    auto batch = engine::map_body(l.result.config->sources.at("hubspot-deals"),
                                  read_json("hubspot-deal-batch.json"));
    CHECK(batch.error.empty());
    REQUIRE(batch.events.size() == 2);
    CHECK(batch.events[0].error == "[0]: missing path properties.email.value");
    CHECK(batch.events[0].field == "contact.email");
    CHECK(batch.events[0].index == 0);
    CHECK(batch.events[1].error.empty());
    CHECK(batch.events[1].index == 1);
    CHECK(batch.events[1].ignored.size() > 0);
    auto with_email = read_json("hubspot-deal-batch.json");
    for (auto& item : with_email)
        item["properties"] = {{"email", {{"value", "buyer@example.com"}}}};
    auto ok = engine::map_body(l.result.config->sources.at("hubspot-deals"), with_email);
    REQUIRE(ok.error.empty());
    REQUIRE(ok.events.size() == 2);
    CHECK(ok.events[0].event["id"] == "hubspot-3816279340");
    CHECK(ok.events[0].event["type"] == "deal.won");
    CHECK(ok.events[1].ignored.size() > 0);  // appointmentscheduled has no type
}
