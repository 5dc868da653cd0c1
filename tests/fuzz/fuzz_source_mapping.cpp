// Fuzz target: a CRM's webhook body (POST /v1/events/{source}) through the `sources:`
// mappings of cxgate.yaml, here the documented Pipedrive and HubSpot ones, and on through
// parse_event. A CRM sends what it likes, in batches: each element maps to an event, is
// ignored with a reason, or fails with the field and path it lacked; nothing throws.
// Built by tests/fuzz/CMakeLists.txt (README.md there).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/source_mapping.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/timing.hpp"

using namespace cxgate;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const config::Config> g_config;

// docs/flow-tools.md's two examples.
constexpr std::string_view kSources = R"(
sources:
  pipedrive:
    secret: ${CXGATE_FUZZ_SOURCE_SECRET}
    types:
      - { type: deal.won,  when: 'meta.object == "deal" && current.status == "won" && previous.status != "won"' }
      - { type: deal.lost, when: 'meta.object == "deal" && current.status == "lost" && previous.status != "lost"' }
    fields:
      id: "pipedrive-deal-{current.id}-{current.status}"
      occurred_at: meta.timestamp
      contact.id: "pipedrive-person-{current.person_id}"
      contact.phone: current.phone?
      contact.email: current.email?
      contact.name: current.person_name?
      contact.locale: { const: fi }
      staff.id: "pd-user-{current.user_id}"
      attributes.deal_value: current.value?
  hubspot:
    secret: ${CXGATE_FUZZ_SOURCE_SECRET}
    type_from: { path: propertyValue, map: { closedwon: deal.won, closedlost: deal.lost } }
    fields:
      id: "hubspot-{eventId}"
      occurred_at: occurredAt
      contact.id: "hubspot-deal-{objectId}"
      contact.email: properties.email.value
)";

}  // namespace

// The bundled cxgate.yaml with the two sources added, in a scratch directory beside links
// to the bundled flows, templates and calendars.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const fs::path source(CXGATE_SOURCE_DIR);
    const auto dir =
        fs::temp_directory_path() / ("cxgate-fuzz-sources-" + std::to_string(getpid()));
    fs::create_directories(dir);
    for (const char* sub : {"flows", "templates", "calendars"}) {
        fs::remove(dir / sub);
        fs::create_directory_symlink(source / sub, dir / sub);
    }
    std::ifstream in(source / "cxgate.yaml");
    std::stringstream text;
    text << in.rdbuf() << kSources;
    std::ofstream(dir / "cxgate.yaml") << text.str();
    auto loaded =
        config::load((dir / "cxgate.yaml").string(), config::LoadOptions{.need_secrets = false});
    fs::remove_all(dir);
    if (!loaded.config || loaded.config->sources.size() != 2) {
        std::fputs(loaded.diagnostics.to_string().c_str(), stderr);
        std::abort();
    }
    g_config = loaded.config;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = json_input::parse(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!parsed.value) return 0;
    static const auto received_at = *timing::parse_iso8601("2026-11-23T10:00:00+02:00");
    for (const auto& [name, source] : g_config->sources) {
        auto result = engine::map_body(source, *parsed.value);
        if (!result.error.empty()) {
            // A body that failed as a whole is never an array (those fail per element),
            // and maps nothing.
            if (parsed.value->is_array() || !result.events.empty()) std::abort();
            continue;
        }
        if (parsed.value->is_array() && result.events.size() > parsed.value->size()) std::abort();
        for (const auto& mapped : result.events) {
            const bool failed = !mapped.error.empty(), ignored = !mapped.ignored.empty();
            if (failed && ignored) std::abort();
            if (failed || ignored) continue;
            auto event = engine::parse_event(mapped.event, *g_config, received_at);
            if (event.event.has_value() == !event.error.empty()) std::abort();
        }
    }
    return 0;
}
