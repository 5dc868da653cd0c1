#pragma once
// The fields of a business event (POST /v1/events), one table read by everything that
// knows the format: the parser (unknown fields and text limits), the CRM source mappings
// (which fields a `fields:` entry may fill), the JSON Schema the daemon serves at
// GET /v1/schema/event.json, and the unit test that holds docs/reference.md to it.
#include <cstddef>
#include <string>
#include <vector>

namespace cxgate::config {

struct EventField {
    std::string path;  // "contact.phone"; a dot only below contact, staff, attributes
    // JSON Schema type(s): "string", "object", "number", "string|integer".
    std::string type;
    bool required = false;      // within its parent, when the parent is there
    size_t max_chars = 0;       // a text's longest accepted value in code points; 0: no text
    bool from_sources = false;  // a CRM source's `fields:` may fill it
    std::string description;    // the reference's wording (and the schema's)
};

const std::vector<EventField>& event_fields();

// The fields directly under `parent` ("" for the top level, "contact", "staff").
std::vector<const EventField*> event_fields_under(const std::string& parent);

}  // namespace cxgate::config
