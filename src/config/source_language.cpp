// The path and condition language of CRM sources (config/source_language.hpp).
#include "cxgate/config/source_language.hpp"

#include <cmath>
#include <cstdlib>
#include <vector>

namespace cxgate::config {

namespace {

using json = nlohmann::json;

struct Part {
    std::string name;  // empty for an index
    long index = -1;
};

std::optional<std::vector<Part>> split_path(const std::string& path, std::string* error) {
    std::vector<Part> parts;
    size_t i = 0;
    auto fail = [&](const std::string& why) {
        if (error) *error = why + " at byte " + std::to_string(i + 1) + " of \"" + path + "\"";
        return std::nullopt;
    };
    if (path.empty()) return fail("empty path");
    bool expect_name = true;
    while (i < path.size()) {
        char c = path[i];
        if (c == '[') {
            size_t close = path.find(']', i);
            if (close == std::string::npos) return fail("missing ]");
            std::string digits = path.substr(i + 1, close - i - 1);
            if (digits.empty() || digits.size() > 9 ||
                digits.find_first_not_of("0123456789") != std::string::npos)
                return fail("an index must be a number");
            parts.push_back({"", std::stol(digits)});
            i = close + 1;
            expect_name = false;
            continue;
        }
        if (c == '.') {
            if (expect_name) return fail("empty name");
            ++i;
            expect_name = true;
            if (i == path.size()) return fail("empty name");
            continue;
        }
        if (!expect_name) return fail("expected . or [");
        size_t end = path.find_first_of(".[", i);
        if (end == std::string::npos) end = path.size();
        std::string name = path.substr(i, end - i);
        if (name.find_first_of(" \t\"'=!&]") != std::string::npos) return fail("bad character");
        parts.push_back({name, -1});
        i = end;
        expect_name = false;
    }
    if (expect_name) return fail("empty name");
    return parts;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

struct Clause {
    std::string path;
    std::string op;  // ==, !=, truthy, falsy
    std::string literal;
};

std::vector<std::string> split_and(const std::string& text) {
    std::vector<std::string> out;
    std::string current;
    char quote = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quote) {
            if (c == quote) quote = 0;
            current += c;
        } else if (c == '"' || c == '\'') {
            quote = c;
            current += c;
        } else if (c == '&' && i + 1 < text.size() && text[i + 1] == '&') {
            out.push_back(current);
            current.clear();
            ++i;
        } else {
            current += c;
        }
    }
    out.push_back(current);
    return out;
}

std::optional<Clause> parse_clause(const std::string& raw, std::string* error) {
    std::string text = trim(raw);
    Clause c;
    size_t op = std::string::npos;
    char quote = 0;
    for (size_t i = 0; i + 1 < text.size(); ++i) {
        if (quote) {
            if (text[i] == quote) quote = 0;
            continue;
        }
        if (text[i] == '"' || text[i] == '\'') {
            quote = text[i];
            continue;
        }
        if ((text[i] == '=' || text[i] == '!') && text[i + 1] == '=') {
            op = i;
            break;
        }
    }
    if (op == std::string::npos) {
        if (text.find('=') != std::string::npos) {
            if (error) *error = "use == to compare, not = (in \"" + text + "\")";
            return std::nullopt;
        }
        c.op = "truthy";
        if (!text.empty() && text[0] == '!') {
            c.op = "falsy";
            text = trim(text.substr(1));
        }
        c.path = text;
    } else {
        c.op = text.substr(op, 2);
        c.path = trim(text.substr(0, op));
        std::string lit = trim(text.substr(op + 2));
        if (lit.empty()) {
            if (error) *error = "missing value after " + c.op + " in \"" + trim(raw) + "\"";
            return std::nullopt;
        }
        if (lit.front() == '"' || lit.front() == '\'') {
            if (lit.size() < 2 || lit.back() != lit.front()) {
                if (error) *error = "unterminated string in \"" + trim(raw) + "\"";
                return std::nullopt;
            }
            c.literal = lit.substr(1, lit.size() - 2);
        } else {
            char* end = nullptr;
            std::strtod(lit.c_str(), &end);
            if (lit != "true" && lit != "false" && lit != "null" && (!end || *end != '\0')) {
                if (error)
                    *error = "expected a quoted string, number, true, false or null, got \"" + lit +
                             "\"";
                return std::nullopt;
            }
            c.literal = lit;
        }
    }
    std::string why;
    if (!split_path(c.path, &why)) {
        if (error) *error = why;
        return std::nullopt;
    }
    return c;
}

}  // namespace

std::string as_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "null";
    if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
    if (v.is_number_float()) {
        double d = v.get<double>();
        if (std::abs(d) < 9e15 && d == static_cast<double>(static_cast<long long>(d)))
            return std::to_string(static_cast<long long>(d));
        return v.dump();
    }
    return v.dump();
}

namespace {

bool truthy(const json* v) {
    return v && !v->is_null() && !(v->is_boolean() && !v->get<bool>()) &&
           !(v->is_string() && v->get<std::string>().empty());
}

}  // namespace

std::optional<std::string> check_path(const std::string& path) {
    std::string error;
    if (split_path(path, &error)) return std::nullopt;
    return error;
}

std::optional<std::string> check_condition(const std::string& condition) {
    if (trim(condition).empty()) return std::string("empty condition");
    for (const auto& clause : split_and(condition)) {
        std::string error;
        if (!parse_clause(clause, &error)) return error;
    }
    return std::nullopt;
}

const json* lookup(const json& body, const std::string& path) {
    auto parts = split_path(path, nullptr);
    if (!parts) return nullptr;
    const json* at = &body;
    for (const auto& part : *parts) {
        if (part.name.empty()) {
            if (!at->is_array() || part.index >= static_cast<long>(at->size())) return nullptr;
            at = &(*at)[static_cast<size_t>(part.index)];
        } else {
            if (!at->is_object()) return nullptr;
            auto it = at->find(part.name);
            if (it == at->end()) return nullptr;
            at = &*it;
        }
    }
    return at;
}

bool condition_holds(const std::string& condition, const json& body) {
    for (const auto& raw : split_and(condition)) {
        auto clause = parse_clause(raw, nullptr);
        if (!clause) return false;
        const json* v = lookup(body, clause->path);
        if (clause->op == "truthy") {
            if (!truthy(v)) return false;
        } else if (clause->op == "falsy") {
            if (truthy(v)) return false;
        } else {
            // A missing value equals nothing (== false, != true), like null.
            bool equal = v ? as_text(*v) == clause->literal : clause->literal == "null";
            if ((clause->op == "==") != equal) return false;
        }
    }
    return true;
}

}  // namespace cxgate::config
