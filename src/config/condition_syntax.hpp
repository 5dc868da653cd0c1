#pragma once
// Private to src/config/: the `if:` language's tokens and tree (condition.hpp has the
// grammar), shared by its lexer (condition_lexer.cpp), parser (condition_parser.cpp) and
// evaluator (condition.cpp).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/condition.hpp"

namespace cxgate::config::detail {

// A key of an object or an index into an array.
using Segment = std::variant<std::string, std::size_t>;

struct Operand {
    bool is_path = false;
    std::vector<Segment> path;
    nlohmann::json literal;
};

enum class CompareOp { eq, ne, lt, le, gt, ge };

struct ConditionNode {
    enum class Kind { any, all, negate, compare, in, exists, constant };
    Kind kind = Kind::compare;
    bool constant = false;                                       // constant
    std::vector<std::shared_ptr<const ConditionNode>> children;  // any, all, negate
    Operand lhs;                                                 // compare, in, exists
    Operand rhs;                                                 // compare
    CompareOp op = CompareOp::eq;                                // compare
    std::vector<nlohmann::json> list;                            // in
};

enum class Tok {
    end,
    path,
    string,
    number,
    kw_and,
    kw_or,
    kw_not,
    kw_in,
    kw_exists,
    kw_true,
    kw_false,
    kw_null,
    lparen,
    rparen,
    lbracket,
    rbracket,
    comma,
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
};

struct Token {
    Tok kind = Tok::end;
    std::size_t offset = 0;
    std::size_t length = 0;
    nlohmann::json value;         // string, number, true, false, null
    std::vector<Segment> path;    // path
    std::size_t root_length = 0;  // path: bytes of the root name
};

// Thrown inside the parser only; parse() turns it into a ConditionError.
struct Failure {
    std::size_t offset;
    std::string message;
};

inline std::string in_quotes(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

// Tokens on demand, one at a time, so that the first problem in source order is the one
// reported. Throws Failure.
class ConditionLexer {
  public:
    explicit ConditionLexer(std::string_view source) : src_(source) {}

    Token next();

  private:
    [[noreturn]] static void fail(std::size_t offset, std::string message) {
        throw Failure{offset, std::move(message)};
    }
    std::string character_at(std::size_t at) const;
    Token lex_string();
    Token lex_number();
    Token lex_word();

    std::string_view src_;
    std::size_t pos_ = 0;
};

// The parsed tree and the paths it reads, each once in order of appearance. Throws Failure.
struct ParsedCondition {
    std::shared_ptr<const ConditionNode> root;
    std::vector<std::string> paths;
};
ParsedCondition parse_condition(std::string_view source);

// Never throws, whatever the document holds.
bool evaluate_node(const ConditionNode& node, const nlohmann::json& doc);

}  // namespace cxgate::config::detail
