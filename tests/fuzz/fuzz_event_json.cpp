// Fuzz target: a POST /v1/events body, from the bytes to a validated event. Bodies come from
// CRMs and scripts we do not control, so no byte sequence may crash, throw or build a value
// that cannot be written back. Built by tests/fuzz/CMakeLists.txt (README.md there).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "bundled_config.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/timing.hpp"

using namespace cxgate;

namespace {

std::shared_ptr<const config::Config> g_config;

}  // namespace

// The bundled cxgate.yaml and flows, as `cxgate check` would load them without secrets.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_config = fuzz::bundled_config();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = json_input::parse(text);
    if (!parsed.value) {
        if (parsed.error.empty()) std::abort();  // a refusal always says why
        return 0;
    }
    // What was accepted can be written back and reads as the same value.
    auto again = json_input::parse(json_input::dump(*parsed.value));
    if (!again.value || *again.value != *parsed.value) std::abort();

    static const auto received_at = *timing::parse_iso8601("2026-11-16T10:00:00+02:00");
    auto event = engine::parse_event(*parsed.value, *g_config, received_at);
    if (event.event.has_value() == !event.error.empty()) std::abort();  // exactly one of them
    if (event.event) json_input::dump(event.event->attributes);
    return 0;
}
