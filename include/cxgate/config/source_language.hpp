#pragma once
// The little language of `sources:` in cxgate.yaml (docs/flow-tools.md), shared by the
// loader, which checks it, and engine/source_mapping, which applies it to CRM bodies.
//
// Paths: `current.status`, `person.phone[0].value`, `properties.email.value`; a name is
// any run of characters but `.` and `[`; `[N]` indexes an array. Conditions (`when:`):
// clauses joined by `&&`, each `path == literal`, `path != literal`, `path` (present and
// not null, false or "") or `!path`; literals are "text", 'text', numbers, true, false,
// null. Values compare as text (42 == "42").
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace cxgate::config {

// Checks a path's syntax; returns the error ("empty name at byte 8") or nullopt.
std::optional<std::string> check_path(const std::string& path);
// Checks a `when:` condition; returns the error or nullopt.
std::optional<std::string> check_condition(const std::string& condition);
// The value at `path`, or nullptr when any part of it is missing.
const nlohmann::json* lookup(const nlohmann::json& body, const std::string& path);
bool condition_holds(const std::string& condition, const nlohmann::json& body);
// A value as the text conditions compare: strings as they are, whole numbers without a
// fraction, null as "null", anything else as JSON.
std::string as_text(const nlohmann::json& value);

}  // namespace cxgate::config
