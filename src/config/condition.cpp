#include "cxgate/config/condition.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>

namespace cxgate::config {

using nlohmann::json;

namespace detail {

// A key of an object or an index into an array.
using Segment = std::variant<std::string, std::size_t>;

struct Operand {
    bool is_path = false;
    std::vector<Segment> path;
    json literal;
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
    std::vector<json> list;                                      // in
};

}  // namespace detail

namespace {

using detail::CompareOp;
using detail::ConditionNode;
using detail::Operand;
using detail::Segment;
using NodePtr = std::shared_ptr<const ConditionNode>;

constexpr std::array<std::string_view, 4> kRoots{"contact", "staff", "event", "attributes"};
constexpr std::string_view kRootHint = "(use contact, staff, event or attributes)";
// Deep enough for any condition a person writes; bounded so a hostile or generated source
// cannot overflow the stack of the recursive parser or evaluator.
constexpr int kMaxDepth = 64;

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
    json value;                   // string, number, true, false, null
    std::vector<Segment> path;    // path
    std::size_t root_length = 0;  // path: bytes of the root name
};

// Thrown inside the parser only; parse() turns it into a ConditionError.
struct Failure {
    std::size_t offset;
    std::string message;
};

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
// Hyphens are allowed inside names because event attributes come from other systems
// ("order-id"); the language has no minus operator, so this is unambiguous.
bool is_name_char(char c) {
    return is_name_start(c) || is_digit(c) || c == '-';
}

std::string in_quotes(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::optional<Tok> keyword(std::string_view word) {
    if (word == "and") return Tok::kw_and;
    if (word == "or") return Tok::kw_or;
    if (word == "not") return Tok::kw_not;
    if (word == "in") return Tok::kw_in;
    if (word == "exists") return Tok::kw_exists;
    if (word == "true") return Tok::kw_true;
    if (word == "false") return Tok::kw_false;
    if (word == "null") return Tok::kw_null;
    return std::nullopt;
}

std::string path_to_string(const std::vector<Segment>& path) {
    std::string out;
    for (const auto& segment : path) {
        if (const auto* name = std::get_if<std::string>(&segment)) {
            if (!out.empty()) out += '.';
            out += *name;
        } else {
            out += "[" + std::to_string(std::get<std::size_t>(segment)) + "]";
        }
    }
    return out;
}

const char* op_text(Tok t) {
    switch (t) {
        case Tok::eq:
            return "==";
        case Tok::ne:
            return "!=";
        case Tok::lt:
            return "<";
        case Tok::le:
            return "<=";
        case Tok::gt:
            return ">";
        case Tok::ge:
            return ">=";
        default:
            return "?";
    }
}

class Parser {
  public:
    explicit Parser(std::string_view source) : src_(source) {}

    NodePtr parse() {
        advance();
        if (tok_.kind == Tok::end) fail(tok_.offset, "empty condition");
        NodePtr root = parse_or();
        if (tok_.kind == Tok::rparen)
            fail(tok_.offset, "unbalanced parentheses: \")\" has no matching \"(\"");
        if (tok_.kind != Tok::end)
            fail(tok_.offset, "expected \"and\", \"or\" or end of input after " + describe(prev_) +
                                  ", got " + describe(tok_));
        return root;
    }

    std::vector<std::string> take_paths() { return std::move(paths_); }

  private:
    [[noreturn]] static void fail(std::size_t offset, std::string message) {
        throw Failure{offset, std::move(message)};
    }

    // How a token appears in a message: its source text, or "end of input".
    std::string describe(const Token& t) const {
        if (t.kind == Tok::end) return "end of input";
        std::string_view text = src_.substr(t.offset, t.length);
        constexpr std::size_t kMax = 40;
        std::string shown(text.substr(0, kMax));
        if (text.size() > kMax) shown += "...";
        // A string token already carries its quotes.
        return t.kind == Tok::string ? shown : in_quotes(shown);
    }

    // ---- lexer: one token of lookahead, produced on demand so that the first problem in
    // source order is the one reported.

    void advance() {
        prev_ = std::move(tok_);
        has_prev_ = started_;
        started_ = true;
        tok_ = lex();
    }

    // " after \"and\"", or nothing at the start of the source.
    std::string after_prev() const { return has_prev_ ? " after " + describe(prev_) : ""; }

    Token lex() {
        while (pos_ < src_.size() && (src_[pos_] == ' ' || src_[pos_] == '\t' ||
                                      src_[pos_] == '\n' || src_[pos_] == '\r'))
            ++pos_;
        Token t;
        t.offset = pos_;
        if (pos_ >= src_.size()) return t;
        const char c = src_[pos_];
        const char next = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
        auto single = [&](Tok kind, std::size_t length) {
            t.kind = kind;
            t.length = length;
            pos_ += length;
            return t;
        };
        switch (c) {
            case '(':
                return single(Tok::lparen, 1);
            case ')':
                return single(Tok::rparen, 1);
            case '[':
                return single(Tok::lbracket, 1);
            case ']':
                return single(Tok::rbracket, 1);
            case ',':
                return single(Tok::comma, 1);
            case '<':
                return next == '=' ? single(Tok::le, 2) : single(Tok::lt, 1);
            case '>':
                return next == '=' ? single(Tok::ge, 2) : single(Tok::gt, 1);
            case '=':
                if (next == '=') return single(Tok::eq, 2);
                fail(pos_, "use \"==\" to compare, not \"=\"");
            case '!':
                if (next == '=') return single(Tok::ne, 2);
                fail(pos_, "use \"not\" instead of \"!\"");
            case '&':
                fail(pos_, "use \"and\" instead of \"&&\"");
            case '|':
                fail(pos_, "use \"or\" instead of \"||\"");
            case '\'':
                fail(pos_, "strings use double quotes: \"like this\"");
            case '"':
                return lex_string();
            default:
                break;
        }
        if (c == '-' || is_digit(c)) return lex_number();
        if (is_name_start(c)) return lex_word();
        fail(pos_, "unexpected character " + in_quotes(character_at(pos_)));
    }

    // The whole UTF-8 sequence starting at `at`, so messages never show half a character.
    std::string character_at(std::size_t at) const {
        const auto lead = static_cast<unsigned char>(src_[at]);
        std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        return std::string(src_.substr(at, std::min(length, src_.size() - at)));
    }

    Token lex_string() {
        Token t;
        t.kind = Tok::string;
        t.offset = pos_;
        std::string value;
        ++pos_;
        while (true) {
            if (pos_ >= src_.size()) fail(t.offset, "unterminated string: missing closing \"");
            const char c = src_[pos_];
            if (c == '"') break;
            if (c == '\\') {
                const char e = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
                switch (e) {
                    case '"':
                        value += '"';
                        break;
                    case '\\':
                        value += '\\';
                        break;
                    case 'n':
                        value += '\n';
                        break;
                    case 't':
                        value += '\t';
                        break;
                    case '\0':
                        if (pos_ + 1 >= src_.size())
                            fail(t.offset, "unterminated string: missing closing \"");
                        [[fallthrough]];
                    default:
                        fail(pos_, "unknown escape " + in_quotes("\\" + character_at(pos_ + 1)) +
                                       " in string (use \\\", \\\\, \\n or \\t)");
                }
                pos_ += 2;
                continue;
            }
            value += c;
            ++pos_;
        }
        ++pos_;
        t.length = pos_ - t.offset;
        t.value = std::move(value);
        return t;
    }

    Token lex_number() {
        Token t;
        t.kind = Tok::number;
        t.offset = pos_;
        if (src_[pos_] == '-') {
            ++pos_;
            if (pos_ >= src_.size() || !is_digit(src_[pos_]))
                fail(pos_, "expected a digit after \"-\"");
        }
        while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
        bool decimal = false;
        if (pos_ < src_.size() && src_[pos_] == '.') {
            ++pos_;
            if (pos_ >= src_.size() || !is_digit(src_[pos_]))
                fail(pos_, "expected a digit after the decimal point");
            while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
            decimal = true;
        }
        if (pos_ < src_.size() && (is_name_char(src_[pos_]) || src_[pos_] == '.')) {
            std::size_t end = pos_;
            while (end < src_.size() && (is_name_char(src_[end]) || src_[end] == '.')) ++end;
            fail(t.offset, "invalid number " + in_quotes(src_.substr(t.offset, end - t.offset)) +
                               " (write numbers like 42, -7 or 3.5)");
        }
        t.length = pos_ - t.offset;
        const char* first = src_.data() + t.offset;
        const char* last = src_.data() + pos_;
        if (decimal) {
            double d = 0;
            auto [ptr, ec] = std::from_chars(first, last, d);
            if (ec != std::errc() || ptr != last)
                fail(t.offset,
                     "number " + in_quotes(src_.substr(t.offset, t.length)) + " is out of range");
            t.value = d;
        } else {
            std::int64_t i = 0;
            auto [ptr, ec] = std::from_chars(first, last, i);
            if (ec != std::errc() || ptr != last)
                fail(t.offset,
                     "number " + in_quotes(src_.substr(t.offset, t.length)) + " is out of range");
            t.value = i;
        }
        return t;
    }

    Token lex_word() {
        Token t;
        t.offset = pos_;
        while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
        const std::string_view word = src_.substr(t.offset, pos_ - t.offset);
        if (auto kw = keyword(word)) {
            t.kind = *kw;
            t.length = word.size();
            if (t.kind == Tok::kw_true) t.value = true;
            if (t.kind == Tok::kw_false) t.value = false;
            if (t.kind == Tok::kw_null) t.value = nullptr;
            return t;
        }
        // "AND" would otherwise be reported as an unknown root, which hides the real mistake.
        if (keyword(lower(word)))
            fail(t.offset, "keywords are lower case: write " + in_quotes(lower(word)));
        t.kind = Tok::path;
        t.root_length = word.size();
        t.path.emplace_back(std::string(word));
        while (pos_ < src_.size()) {
            if (src_[pos_] == '.') {
                ++pos_;
                const std::size_t start = pos_;
                while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
                if (pos_ == start) fail(pos_, "expected a name after \".\" in a path");
                t.path.emplace_back(std::string(src_.substr(start, pos_ - start)));
            } else if (src_[pos_] == '[') {
                ++pos_;
                const std::size_t start = pos_;
                while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
                if (pos_ == start)
                    fail(pos_, "expected an index (0, 1, 2, ...) after \"[\" in a path");
                std::size_t index = 0;
                auto [ptr, ec] = std::from_chars(src_.data() + start, src_.data() + pos_, index);
                if (ec != std::errc()) fail(start, "index is out of range");
                if (pos_ >= src_.size() || src_[pos_] != ']')
                    fail(pos_, "expected \"]\" after the index in a path");
                ++pos_;
                t.path.emplace_back(index);
            } else {
                break;
            }
        }
        t.length = pos_ - t.offset;
        return t;
    }

    // ---- parser

    void enter(std::size_t offset) {
        if (++depth_ > kMaxDepth)
            fail(offset, "condition is nested too deeply (more than " + std::to_string(kMaxDepth) +
                             " levels)");
    }

    NodePtr parse_or() {
        std::vector<NodePtr> children{parse_and()};
        while (tok_.kind == Tok::kw_or) {
            advance();
            children.push_back(parse_and());
        }
        return combine(ConditionNode::Kind::any, std::move(children));
    }

    NodePtr parse_and() {
        std::vector<NodePtr> children{parse_not()};
        while (tok_.kind == Tok::kw_and) {
            advance();
            children.push_back(parse_not());
        }
        return combine(ConditionNode::Kind::all, std::move(children));
    }

    static NodePtr combine(ConditionNode::Kind kind, std::vector<NodePtr> children) {
        if (children.size() == 1) return children.front();
        auto node = std::make_shared<ConditionNode>();
        node->kind = kind;
        node->children = std::move(children);
        return node;
    }

    static NodePtr negate(NodePtr child) {
        auto node = std::make_shared<ConditionNode>();
        node->kind = ConditionNode::Kind::negate;
        node->children.push_back(std::move(child));
        return node;
    }

    NodePtr parse_not() {
        if (tok_.kind != Tok::kw_not) return parse_primary();
        enter(tok_.offset);
        advance();
        NodePtr child = parse_not();
        --depth_;
        return negate(std::move(child));
    }

    NodePtr parse_primary() {
        switch (tok_.kind) {
            case Tok::lparen: {
                enter(tok_.offset);
                const std::size_t open = tok_.offset;
                advance();
                NodePtr inner = parse_or();
                if (tok_.kind == Tok::end)
                    fail(open, "unbalanced parentheses: \"(\" is never closed");
                if (tok_.kind != Tok::rparen)
                    fail(tok_.offset, "expected \"and\", \"or\" or \")\" after " + describe(prev_) +
                                          ", got " + describe(tok_));
                advance();
                --depth_;
                return inner;
            }
            case Tok::kw_exists:
                return parse_exists();
            case Tok::path:
            case Tok::string:
            case Tok::number:
            case Tok::kw_true:
            case Tok::kw_false:
            case Tok::kw_null:
                return parse_comparison();
            case Tok::rparen:
                if (prev_.kind == Tok::lparen) fail(tok_.offset, "empty parentheses");
                [[fallthrough]];
            default:
                fail(tok_.offset,
                     "expected a condition" + after_prev() + ", got " + describe(tok_));
        }
    }

    NodePtr parse_exists() {
        auto node = std::make_shared<ConditionNode>();
        node->kind = ConditionNode::Kind::exists;
        advance();
        if (tok_.kind == Tok::lparen) {
            advance();
            if (tok_.kind != Tok::path)
                fail(tok_.offset, "expected a path after \"exists(\", got " + describe(tok_));
            node->lhs = path_operand(false);
            if (tok_.kind != Tok::rparen)
                fail(tok_.offset,
                     "expected \")\" after the path in \"exists(...)\", got " + describe(tok_));
            advance();
            return node;
        }
        if (tok_.kind != Tok::path)
            fail(tok_.offset, "expected a path after \"exists\", got " + describe(tok_));
        node->lhs = path_operand(false);
        return node;
    }

    // Consumes the current path token, which the caller has checked.
    Operand path_operand(bool value_position) {
        const std::string_view root = src_.substr(tok_.offset, tok_.root_length);
        if (std::find(kRoots.begin(), kRoots.end(), root) == kRoots.end()) {
            std::string message = "unknown root " + in_quotes(root) + " ";
            // A lone word where a value belongs is most often text that lost its quotes.
            if (value_position && tok_.path.size() == 1)
                message +=
                    "(use contact, staff, event or attributes, or put text in double "
                    "quotes: \"" +
                    std::string(root) + "\")";
            else
                message += kRootHint;
            fail(tok_.offset, message);
        }
        Operand operand;
        operand.is_path = true;
        operand.path = tok_.path;
        std::string text = path_to_string(operand.path);
        if (std::find(paths_.begin(), paths_.end(), text) == paths_.end())
            paths_.push_back(std::move(text));
        advance();
        return operand;
    }

    static bool is_literal(Tok kind) {
        return kind == Tok::string || kind == Tok::number || kind == Tok::kw_true ||
               kind == Tok::kw_false || kind == Tok::kw_null;
    }

    // Consumes an operand if the current token is one.
    std::optional<Operand> operand(bool value_position) {
        if (tok_.kind == Tok::path) return path_operand(value_position);
        if (!is_literal(tok_.kind)) return std::nullopt;
        Operand literal;
        literal.literal = tok_.value;
        advance();
        return literal;
    }

    NodePtr parse_comparison() {
        const Token first = tok_;
        Operand lhs = *operand(false);
        auto node = std::make_shared<ConditionNode>();
        node->lhs = std::move(lhs);
        switch (tok_.kind) {
            case Tok::eq:
            case Tok::ne:
            case Tok::lt:
            case Tok::le:
            case Tok::gt:
            case Tok::ge: {
                const Tok op = tok_.kind;
                advance();
                auto rhs = operand(true);
                if (!rhs)
                    fail(tok_.offset, std::string("expected a value after \"") + op_text(op) +
                                          "\", got " + describe(tok_));
                node->kind = ConditionNode::Kind::compare;
                node->op = op == Tok::eq   ? CompareOp::eq
                           : op == Tok::ne ? CompareOp::ne
                           : op == Tok::lt ? CompareOp::lt
                           : op == Tok::le ? CompareOp::le
                           : op == Tok::gt ? CompareOp::gt
                                           : CompareOp::ge;
                node->rhs = std::move(*rhs);
                return node;
            }
            case Tok::kw_in:
                advance();
                node->kind = ConditionNode::Kind::in;
                node->list = parse_list();
                return node;
            case Tok::kw_not:
                advance();
                if (tok_.kind != Tok::kw_in)
                    fail(tok_.offset, "expected \"in\" after \"not\", got " + describe(tok_));
                advance();
                node->kind = ConditionNode::Kind::in;
                node->list = parse_list();
                return negate(std::move(node));
            case Tok::kw_exists:
                fail(tok_.offset, "\"exists\" goes before the path: write \"exists " +
                                      std::string(src_.substr(first.offset, first.length)) + "\"");
            default:
                // `if: false` switches a step off without deleting it; a bare path stays an
                // error because its truthiness would be a guess.
                if (first.kind == Tok::kw_true || first.kind == Tok::kw_false) {
                    node->kind = ConditionNode::Kind::constant;
                    node->constant = first.kind == Tok::kw_true;
                    return node;
                }
                fail(tok_.offset, "expected a comparison (==, !=, <, <=, >, >=, in) after " +
                                      describe(first) + ", got " + describe(tok_));
        }
    }

    std::vector<json> parse_list() {
        if (tok_.kind != Tok::lbracket)
            fail(tok_.offset,
                 "expected a list like [\"a\", \"b\"] after \"in\", got " + describe(tok_));
        advance();
        if (tok_.kind == Tok::rbracket) fail(tok_.offset, "the list after \"in\" is empty");
        std::vector<json> list;
        while (true) {
            if (tok_.kind == Tok::path)
                fail(tok_.offset, "a list holds only strings, numbers, true, false or null, got " +
                                      describe(tok_));
            if (!is_literal(tok_.kind))
                fail(tok_.offset,
                     "expected a value after " + describe(prev_) + ", got " + describe(tok_));
            list.push_back(tok_.value);
            advance();
            if (tok_.kind == Tok::rbracket) break;
            if (tok_.kind != Tok::comma)
                fail(tok_.offset, "expected \",\" or \"]\" after " + describe(prev_) +
                                      " in the list, got " + describe(tok_));
            advance();
        }
        advance();
        return list;
    }

    std::string_view src_;
    std::size_t pos_ = 0;
    Token tok_;
    Token prev_;
    bool started_ = false;   // the first advance() has no previous token to move
    bool has_prev_ = false;  // prev_ is a real token
    int depth_ = 0;
    std::vector<std::string> paths_;
};

// ---- evaluation: every branch handles every JSON type, so nothing here can throw.

const json* resolve(const json& doc, const std::vector<Segment>& path) {
    const json* current = &doc;
    for (const auto& segment : path) {
        if (const auto* name = std::get_if<std::string>(&segment)) {
            if (!current->is_object()) return nullptr;
            auto it = current->find(*name);
            if (it == current->end()) return nullptr;
            current = &*it;
        } else {
            const std::size_t index = std::get<std::size_t>(segment);
            if (!current->is_array() || index >= current->size()) return nullptr;
            current = &(*current)[index];
        }
    }
    return current;
}

const json* value_of(const Operand& operand, const json& doc) {
    return operand.is_path ? resolve(doc, operand.path) : &operand.literal;
}

// -1, 0, 1, or nullopt when the numbers do not order (NaN in a hand-built document).
std::optional<int> compare_numbers(const json& a, const json& b) {
    auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
    // Integers compare exactly: int64 ids and amounts would lose digits as doubles.
    if (a.is_number_integer() && b.is_number_integer()) {
        const bool a_unsigned = a.is_number_unsigned();
        const bool b_unsigned = b.is_number_unsigned();
        if (a_unsigned && b_unsigned) return sign(a.get<std::uint64_t>(), b.get<std::uint64_t>());
        if (!a_unsigned && !b_unsigned) return sign(a.get<std::int64_t>(), b.get<std::int64_t>());
        if (a_unsigned) {
            const auto y = b.get<std::int64_t>();
            return y < 0 ? 1 : sign(a.get<std::uint64_t>(), static_cast<std::uint64_t>(y));
        }
        const auto x = a.get<std::int64_t>();
        return x < 0 ? -1 : sign(static_cast<std::uint64_t>(x), b.get<std::uint64_t>());
    }
    // long double holds every int64 exactly on x86-64, so mixing with a double stays exact.
    const auto x = a.get<long double>();
    const auto y = b.get<long double>();
    if (x < y) return -1;
    if (y < x) return 1;
    if (x == y) return 0;
    return std::nullopt;
}

bool equal(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
    if (a.type() != b.type()) return false;
    return a == b;
}

bool compare(CompareOp op, const json& a, const json& b) {
    if (op == CompareOp::eq) return equal(a, b);
    if (op == CompareOp::ne) return !equal(a, b);
    std::optional<int> order;
    if (a.is_number() && b.is_number()) {
        order = compare_numbers(a, b);
    } else if (a.is_string() && b.is_string()) {
        const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
        order = c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    if (!order) return false;  // type mismatch or not orderable
    switch (op) {
        case CompareOp::lt:
            return *order < 0;
        case CompareOp::le:
            return *order <= 0;
        case CompareOp::gt:
            return *order > 0;
        case CompareOp::ge:
            return *order >= 0;
        default:
            return false;
    }
}

bool evaluate_node(const ConditionNode& node, const json& doc) {
    switch (node.kind) {
        case ConditionNode::Kind::any:
            return std::any_of(node.children.begin(), node.children.end(),
                               [&](const NodePtr& c) { return evaluate_node(*c, doc); });
        case ConditionNode::Kind::all:
            return std::all_of(node.children.begin(), node.children.end(),
                               [&](const NodePtr& c) { return evaluate_node(*c, doc); });
        case ConditionNode::Kind::constant:
            return node.constant;
        case ConditionNode::Kind::negate:
            return !evaluate_node(*node.children.front(), doc);
        case ConditionNode::Kind::exists: {
            const json* v = value_of(node.lhs, doc);
            return v != nullptr && !v->is_null();
        }
        case ConditionNode::Kind::compare: {
            const json* a = value_of(node.lhs, doc);
            const json* b = value_of(node.rhs, doc);
            // A missing value is unequal to everything, and orders with nothing.
            if (a == nullptr || b == nullptr) return node.op == CompareOp::ne;
            return compare(node.op, *a, *b);
        }
        case ConditionNode::Kind::in: {
            const json* a = value_of(node.lhs, doc);
            if (a == nullptr) return false;
            return std::any_of(node.list.begin(), node.list.end(),
                               [&](const json& item) { return equal(*a, item); });
        }
    }
    return false;
}

}  // namespace

Condition::Condition(std::string source, std::shared_ptr<const detail::ConditionNode> root,
                     std::vector<std::string> paths)
    : source_(std::move(source)), root_(std::move(root)), paths_(std::move(paths)) {}

std::variant<Condition, ConditionError> Condition::parse(std::string_view source) {
    Parser parser(source);
    try {
        NodePtr root = parser.parse();
        return Condition(std::string(source), std::move(root), parser.take_paths());
    } catch (const Failure& failure) {
        return ConditionError{static_cast<int>(failure.offset), failure.message};
    }
}

bool Condition::evaluate(const json& doc) const {
    return evaluate_node(*root_, doc);
}

}  // namespace cxgate::config
