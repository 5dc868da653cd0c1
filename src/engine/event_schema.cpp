#include "cxgate/engine/event_schema.hpp"

#include <set>

#include "cxgate/config/event_fields.hpp"

namespace cxgate::engine {

namespace {

using json = nlohmann::json;

json field_schema(const config::EventField& f) {
    json s = json::object();
    if (f.type.find('|') == std::string::npos) {
        s["type"] = f.type;
    } else {
        json types = json::array();
        for (size_t start = 0; start <= f.type.size();) {
            auto bar = f.type.find('|', start);
            types.push_back(f.type.substr(start, bar == std::string::npos ? bar : bar - start));
            if (bar == std::string::npos) break;
            start = bar + 1;
        }
        s["type"] = types;
    }
    s["description"] = f.description;
    if (f.max_chars) s["maxLength"] = f.max_chars;
    return s;
}

// An object with the fields under `parent`; attributes take anything.
json object_schema(const std::string& parent) {
    json properties = json::object();
    json required = json::array();
    for (const auto* f : config::event_fields_under(parent)) {
        const std::string name = parent.empty() ? f->path : f->path.substr(parent.size() + 1);
        json s = field_schema(*f);
        if (f->type == "object" && f->path != "attributes") {
            json inner = object_schema(f->path);
            inner["description"] = f->description;
            s = std::move(inner);
        }
        properties[name] = std::move(s);
        if (f->required) required.push_back(name);
    }
    json out{{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
    if (!required.empty()) out["required"] = required;
    return out;
}

}  // namespace

json event_json_schema(const config::Config& config) {
    json schema = object_schema("");
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    schema["$id"] = config.server.public_url + "/v1/schema/event.json";
    schema["title"] = "cxgate event";
    schema["description"] =
        "A business event for POST /v1/events. What the schema cannot say is checked by "
        "the daemon and refused with 400 naming the field: a parsable phone for the region, a "
        "plausible email, an ISO 8601 time with offset, a known time zone, value with currency.";
    auto& props = schema["properties"];
    props["contact"]["anyOf"] =
        json::array({json{{"required", {"phone"}}}, json{{"required", {"email"}}}});
    props["contact"]["properties"]["locale"]["enum"] = config.defaults.locales;
    props["currency"]["pattern"] = "^[A-Z]{3}$";
    props["value"]["minimum"] = 0;
    props["value"]["maximum"] = 1e12;
    schema["dependentRequired"] = {{"value", {"currency"}}};
    // The event types this configuration's flows act on; others are recorded and plan
    // nothing.
    std::set<std::string> types;
    for (const auto& flow : config.flows)
        for (const auto& step : flow.steps) {
            types.insert(step.on.begin(), step.on.end());
            types.insert(step.cancel_on.begin(), step.cancel_on.end());
        }
    if (!types.empty()) props["type"]["examples"] = types;
    return schema;
}

}  // namespace cxgate::engine
