#include "cxgate/engine/source_mapping.hpp"

#include "cxgate/config/source_language.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "cxgate/foundation/timing.hpp"

namespace cxgate::engine {

using config::as_text;
using config::condition_holds;
using config::lookup;

namespace {

using json = nlohmann::json;

// Times from CRMs: epoch seconds or milliseconds (HubSpot occurredAt), "2026-11-20
// 17:55:00" (Pipedrive, UTC), or ISO 8601; anything else is passed on for parse_event to
// reject with the field's name.
json normalise_time(const json& v) {
    if (v.is_number()) {
        // Beyond year 9999 in milliseconds is no time: parse_event rejects it by name.
        if (v.get<double>() < 0 || v.get<double>() > 253402300799999.0) return v;
        long long n = v.get<long long>();
        if (n > 100000000000LL) n /= 1000;
        return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{n}});
    }
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        if (!s.empty() && s.size() <= 15 && s.find_first_not_of("0123456789") == std::string::npos)
            return normalise_time(json(std::stoll(s)));
        if (s.size() == 19 && s[10] == ' ') return s.substr(0, 10) + "T" + s.substr(11) + "Z";
    }
    return v;
}

void put(json& event, const std::string& target, json value) {
    if (target == "occurred_at") value = normalise_time(value);
    // Event string fields take text; attributes keep the CRM's JSON type.
    if (target.rfind("attributes.", 0) != 0 && !value.is_string() && !value.is_null())
        value = as_text(value);
    auto dot = target.find('.');
    if (dot == std::string::npos) {
        event[target] = std::move(value);
        return;
    }
    event[target.substr(0, dot)][target.substr(dot + 1)] = std::move(value);
}

// Expands a template: "{meta.id}" parts are looked up; a missing one is an error.
std::optional<std::string> expand(const std::string& pattern, const json& body,
                                  std::string* missing) {
    std::string out;
    size_t pos = 0;
    while (pos < pattern.size()) {
        size_t open = pattern.find('{', pos);
        if (open == std::string::npos) {
            out += pattern.substr(pos);
            break;
        }
        size_t close = pattern.find('}', open);
        out += pattern.substr(pos, open - pos);
        std::string path = pattern.substr(open + 1, close - open - 1);
        const json* v = lookup(body, path);
        if (!v || v->is_null()) {
            *missing = path;
            return std::nullopt;
        }
        out += as_text(*v);
        pos = close + 1;
    }
    return out;
}

MappingResult map_one(const config::Source& source, const json& body) {
    MappingResult result;
    MappedEvent mapped;
    std::string type;
    for (const auto& rule : source.types) {
        if (!rule.path.empty()) {
            // A type taken from a field's value through a table: `op` is "map".
            const json* v = lookup(body, rule.path);
            if (rule.op == "map") {
                if (v && as_text(*v) == rule.value) {
                    type = rule.type;
                    break;
                }
                continue;
            }
        }
        if (rule.op == "when" && !condition_holds(rule.value, body)) continue;
        type = rule.type;
        break;
    }
    if (type.empty()) {
        mapped.ignored = "no type rule of source " + source.name + " matched";
        result.events.push_back(std::move(mapped));
        return result;
    }
    json event = json::object();
    event["type"] = type;
    for (const auto& field : source.fields) {
        if (field.path.empty()) {
            put(event, field.target, field.constant);
            continue;
        }
        if (field.path.find('{') != std::string::npos) {
            std::string missing;
            auto text = expand(field.path, body, &missing);
            if (!text) {
                if (!field.required) continue;
                result.error = "missing path " + missing;
                result.field = field.target;
                result.path = missing;
                return result;
            }
            put(event, field.target, *text);
            continue;
        }
        const json* v = lookup(body, field.path);
        if (!v || v->is_null() || (v->is_string() && v->get<std::string>().empty())) {
            if (!field.required) continue;
            result.error = "missing path " + field.path;
            result.field = field.target;
            result.path = field.path;
            return result;
        }
        put(event, field.target, *v);
    }
    mapped.event = std::move(event);
    result.events.push_back(std::move(mapped));
    return result;
}

}  // namespace

MappingResult map_body(const config::Source& source, const json& body) {
    if (!body.is_array()) return map_one(source, body);
    // HubSpot delivers up to 100 events per request, as a JSON array; each element is
    // mapped on its own, and one that cannot be is reported without failing the others.
    MappingResult all;
    for (size_t i = 0; i < body.size(); ++i) {
        auto one = map_one(source, body[i]);
        if (!one.error.empty()) {
            MappedEvent failed;
            failed.error = "[" + std::to_string(i) + "]: " + one.error;
            failed.field = std::move(one.field);
            failed.path = std::move(one.path);
            one.events = {std::move(failed)};
        }
        for (auto& e : one.events) {
            e.index = static_cast<int>(i);
            all.events.push_back(std::move(e));
        }
    }
    return all;
}

}  // namespace cxgate::engine
