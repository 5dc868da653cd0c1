// The `if:` language's parser: recursive descent over condition.hpp's grammar, one token of
// lookahead, every mistake a Failure at the byte where it was seen.
#include <algorithm>
#include <array>
#include <optional>

#include "condition_syntax.hpp"

namespace cxgate::config::detail {

namespace {

using nlohmann::json;
using NodePtr = std::shared_ptr<const ConditionNode>;

constexpr std::array<std::string_view, 4> kRoots{"contact", "staff", "event", "attributes"};
constexpr std::string_view kRootHint = "(use contact, staff, event or attributes)";
// Deep enough for any condition a person writes; bounded so a hostile or generated source
// cannot overflow the stack of the recursive parser or evaluator.
constexpr int kMaxDepth = 64;

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
    explicit Parser(std::string_view source) : src_(source), lexer_(source) {}

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

    // One token of lookahead, produced on demand so that the first problem in source order
    // is the one reported.
    void advance() {
        prev_ = std::move(tok_);
        has_prev_ = started_;
        started_ = true;
        tok_ = lexer_.next();
    }

    // " after \"and\"", or nothing at the start of the source.
    std::string after_prev() const { return has_prev_ ? " after " + describe(prev_) : ""; }

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
    Token tok_;
    Token prev_;
    bool started_ = false;   // the first advance() has no previous token to move
    bool has_prev_ = false;  // prev_ is a real token
    int depth_ = 0;
    std::vector<std::string> paths_;
    ConditionLexer lexer_;
};

}  // namespace

ParsedCondition parse_condition(std::string_view source) {
    Parser parser(source);
    NodePtr root = parser.parse();
    return {std::move(root), parser.take_paths()};
}

}  // namespace cxgate::config::detail
