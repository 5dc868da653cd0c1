#pragma once
// Step conditions: the `if:` of a flow step, a small expression language evaluated over the
// event. Parsing happens once when configuration loads, so `cxgate check` can point at the
// exact byte of a mistake; evaluation is pure and never throws, whatever the event holds.
//
// Grammar (lowest precedence first; keywords are lower case):
//
//   condition  := or
//   or         := and ("or" and)*
//   and        := not ("and" not)*
//   not        := "not" not | primary
//   primary    := "(" condition ")" | "true" | "false"
//               | "exists" path | "exists" "(" path ")"
//               | operand ("==" | "!=" | "<" | "<=" | ">" | ">=") operand
//               | operand ["not"] "in" "[" literal ("," literal)* "]"
//   operand    := path | literal
//   path       := root ("." name | "[" index "]")*     root: contact, staff, event, attributes
//   literal    := "string" | 42 | -7 | 3.5 | -0.25 | true | false | null
//
// `exists` is a prefix: `exists staff.email`, `exists(staff.email)`. Strings take \" \\ \n \t.
//
// Evaluation over {"contact": {...}, "staff": {...}, "event": {...}, "attributes": {...}}:
//  - A path is missing when a key or index is absent. Every comparison with a missing path is
//    false, except != and `not in`, which are true. `exists` is true when the path is present
//    and not null (producers often send null for "no value").
//  - Numbers compare numerically (1 == 1.0). Strings compare byte-wise, so ISO dates order.
//  - Values of different types are never equal: == is false, != is true, and <, <=, >, >= are
//    false. true/false/null, arrays and objects only support == and !=.
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxgate::config {

struct ConditionError {
    int offset = 0;  // 0-based byte offset into the source
    std::string message;
    bool operator==(const ConditionError&) const = default;
};

namespace detail {
struct ConditionNode;
}

class Condition {
  public:
    static std::variant<Condition, ConditionError> parse(std::string_view source);

    bool evaluate(const nlohmann::json& doc) const;
    const std::string& source() const { return source_; }
    // The paths it reads, each once in order of appearance ("attributes.amount",
    // "contact.tags[0]"), so `cxgate check` can compare them with what events carry.
    std::vector<std::string> paths() const { return paths_; }

  private:
    Condition(std::string source, std::shared_ptr<const detail::ConditionNode> root,
              std::vector<std::string> paths);

    std::string source_;
    // Immutable and shared: copying a Condition (configuration is copied on reload) is cheap.
    std::shared_ptr<const detail::ConditionNode> root_;
    std::vector<std::string> paths_;
};

}  // namespace cxgate::config
