#pragma once
// The JSON Schema (draft 2020-12) of a POST /v1/events body, built from the same field
// table the parser reads (config/event_fields.hpp) and this configuration's locales and
// event types, so that what the daemon serves is what it accepts.
#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"

namespace cxgate::engine {

nlohmann::json event_json_schema(const config::Config& config);

}  // namespace cxgate::engine
