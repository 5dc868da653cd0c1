#pragma once
// Turning a CRM's webhook body (Pipedrive, HubSpot, ...) into cxgate events, as the
// `sources:` section of cxgate.yaml says. Pure functions of the source and the body;
// the events they produce go through parse_event and record_event like any other.
//
// Paths and conditions: config/source_language.hpp. A value with `{path}` inside is a
// template (`pipedrive-{meta.id}-{current.status}`).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"

namespace cxgate::engine {

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
