#pragma once
// JSON that comes from outside the process (request bodies, provider webhooks and
// answers), read with limits, and JSON written back that never throws on a bad byte.
//
// Why a helper instead of nlohmann::json::parse: nlohmann parses without recursion, but
// copying, comparing and dumping a value recurse once per level, so a 10 KB body of
// nested brackets overflowed the stack of whoever touched it next. parse() stops at
// max_depth while parsing, before anything is built. A number too large for a double
// ("1e999") made nlohmann throw out_of_range, which nobody caught (500); here it is a
// 400 naming the member. Every parse of outside JSON goes through here.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cxgate::json_input {

// Levels of objects and arrays: {"a": {"b": [1]}} has three. Event bodies use three or
// four, CRM webhooks (HubSpot, Pipedrive) up to about eight.
inline constexpr size_t kMaxDepth = 64;

struct Parsed {
    std::optional<nlohmann::json> value;  // empty on error
    std::string field;  // "body", or the member that was refused: "deal_id", "items[2].amount"
    std::string error;  // what was wrong, without the field
    // "body: malformed JSON at byte 12", "deal_id: number out of range (1e999)"
    std::string message() const { return field + ": " + error; }
};

// Strict RFC 8259 (the whole text is one value; UTF-8 checked by nlohmann), at most
// max_depth levels deep, every number finite.
Parsed parse(std::string_view text, size_t max_depth = kMaxDepth);

// The same, for text where a bad body only means "nothing to read" (a provider's answer
// to a send, a JSON-valued form field): the value, or a discarded one (is_discarded()).
nlohmann::json parse_or_discarded(std::string_view text, size_t max_depth = kMaxDepth);

// dump() with invalid UTF-8 replaced by U+FFFD instead of an exception: for answers
// built from stored rows, which may predate the checks at the entry points.
std::string dump(const nlohmann::json& value, int indent = -1);

}  // namespace cxgate::json_input
