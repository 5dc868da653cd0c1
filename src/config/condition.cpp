// The `if:` language's evaluator, and Condition, which holds a parsed tree.
#include "cxgate/config/condition.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "condition_syntax.hpp"

namespace cxgate::config {

using nlohmann::json;

namespace detail {

namespace {

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

}  // namespace

bool evaluate_node(const ConditionNode& node, const json& doc) {
    switch (node.kind) {
        case ConditionNode::Kind::any:
            return std::any_of(node.children.begin(), node.children.end(),
                               [&](const std::shared_ptr<const ConditionNode>& c) {
                                   return evaluate_node(*c, doc);
                               });
        case ConditionNode::Kind::all:
            return std::all_of(node.children.begin(), node.children.end(),
                               [&](const std::shared_ptr<const ConditionNode>& c) {
                                   return evaluate_node(*c, doc);
                               });
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

}  // namespace detail

Condition::Condition(std::string source, std::shared_ptr<const detail::ConditionNode> root,
                     std::vector<std::string> paths)
    : source_(std::move(source)), root_(std::move(root)), paths_(std::move(paths)) {}

std::variant<Condition, ConditionError> Condition::parse(std::string_view source) {
    try {
        auto parsed = detail::parse_condition(source);
        return Condition(std::string(source), std::move(parsed.root), std::move(parsed.paths));
    } catch (const detail::Failure& failure) {
        return ConditionError{static_cast<int>(failure.offset), failure.message};
    }
}

bool Condition::evaluate(const json& doc) const {
    return detail::evaluate_node(*root_, doc);
}

}  // namespace cxgate::config
