#pragma once
// Turning a CRM's webhook body (Pipedrive, HubSpot, ...) into cxgate events, as the
// `sources:` section of cxgate.yaml says. Pure functions of the source and the body;
// the events they produce go through parse_event and record_event like any other.
//
// Paths: `current.status`, `person.phone[0].value`, `properties.email.value`; a name is
// any run of characters but `.` and `[`; `[N]` indexes an array. A value with `{path}`
// inside is a template (`pipedrive-{meta.id}-{current.status}`).
// Conditions (`when:`): clauses joined by `&&`, each `path == literal`, `path != literal`,
// `path` (present and not null, false or "") or `!path`; literals are "text", 'text',
// numbers, true, false, null. Values compare as text (42 == "42").
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"

namespace cxgate::engine {

// Checks a path's syntax; returns the error ("empty name at byte 8") or nullopt.
std::optional<std::string> check_path(const std::string& path);
// Checks a `when:` condition; returns the error or nullopt.
std::optional<std::string> check_condition(const std::string& condition);
// The value at `path`, or nullptr when any part of it is missing.
const nlohmann::json* lookup(const nlohmann::json& body, const std::string& path);
bool condition_holds(const std::string& condition, const nlohmann::json& body);

struct MappedEvent {
    nlohmann::json event;  // an event body for parse_event
    std::string ignored;   // non-empty: no type rule matched; why
    // An element of an array body that could not be mapped ("[3]: missing path ..."): the
    // other elements still are (a CRM retries a batch as a whole, so one bad element must
    // not hold back the rest forever). field and path as in MappingResult.
    std::string error, field, path;
    int index = -1;  // the element's index in an array body; -1 for an object body
};

struct MappingResult {
    std::vector<MappedEvent> events;  // one per element when the body is an array
    // An object body that could not be mapped (an array body reports per element):
    std::string error;  // "missing path person.phone[0].value"
    std::string field;  // the event field whose path is missing
    std::string path;   // the missing path
};

MappingResult map_body(const config::Source& source, const nlohmann::json& body);

}  // namespace cxgate::engine
