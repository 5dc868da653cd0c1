#include "cxgate/config/yaml_reader.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace cxgate::config {

namespace {
int edit_distance(const std::string& a, const std::string& b) {
    std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = static_cast<int>(i);
        for (size_t j = 1; j <= b.size(); ++j) {
            int subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string in_quotes(const std::string& s) {
    return "\"" + s + "\"";
}
}  // namespace

std::optional<std::string> closest(const std::string& word, const std::set<std::string>& options) {
    std::optional<std::string> best;
    int best_distance = 3;
    for (const auto& option : options) {
        int d = edit_distance(word, option);
        if (d < best_distance) {
            best_distance = d;
            best = option;
        }
    }
    return best;
}

namespace {
std::optional<std::string> expand(const std::string& text, std::string* missing,
                                  bool unset_is_empty) {
    std::string out;
    size_t pos = 0;
    while (true) {
        size_t start = text.find("${", pos);
        if (start == std::string::npos) break;
        size_t end = text.find('}', start + 2);
        if (end == std::string::npos) break;
        out.append(text, pos, start - pos);
        std::string name = text.substr(start + 2, end - start - 2);
        const char* value = std::getenv(name.c_str());
        if (value == nullptr && !unset_is_empty) {
            if (missing) *missing = name;
            return std::nullopt;
        }
        if (value) out += value;
        pos = end + 1;
    }
    out.append(text, pos, std::string::npos);
    return out;
}
}  // namespace

std::optional<std::string> expand_env(const std::string& text, std::string* missing) {
    return expand(text, missing, false);
}

std::string expand_env_or_empty(const std::string& text) {
    return *expand(text, nullptr, true);
}

void YamlReader::error(const YAML::Mark& at, const std::string& message) {
    diag_.error(file_, at.line + 1, at.column + 1, message);
}
void YamlReader::error(const YAML::Node& at, const std::string& message) {
    error(at.Mark(), message);
}
void YamlReader::warning(const YAML::Node& at, const std::string& message) {
    diag_.warning(file_, at.Mark().line + 1, at.Mark().column + 1, message);
}

bool YamlReader::expect_map(const YAML::Node& node, const std::string& what) {
    if (node.IsMap()) return true;
    error(node, what + " must be a mapping of keys to values");
    return false;
}

void YamlReader::check_duplicate_keys(const YAML::Node& document) {
    check_duplicate_keys(document, 0);
}

void YamlReader::check_duplicate_keys(const YAML::Node& node, int depth) {
    // Configuration nests a few levels; the bound only stops a pathological document.
    if (depth > 64) return;
    if (node.IsMap()) {
        std::map<std::string, YAML::Mark> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
            // Copies: yaml-cpp's iterator hands out a temporary proxy (see read_window).
            const YAML::Node key = it->first;
            const YAML::Node value = it->second;
            if (key.IsScalar()) {
                auto [first, inserted] = seen.emplace(key.Scalar(), key.Mark());
                if (!inserted)
                    error(key, "duplicate key " + in_quotes(key.Scalar()) + " (first at line " +
                                   std::to_string(first->second.line + 1) +
                                   "; only the first would be read)");
            }
            check_duplicate_keys(value, depth + 1);
        }
    } else if (node.IsSequence()) {
        for (const auto& item : node) check_duplicate_keys(item, depth + 1);
    }
}

void YamlReader::check_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                            const std::string& where) {
    if (!map.IsMap()) return;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (allowed.count(key)) continue;
        std::string message = "unknown key " + in_quotes(key) + " in " + where;
        if (auto suggestion = closest(key, allowed))
            message += " (did you mean " + in_quotes(*suggestion) + "?)";
        error(it->first, message);
    }
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& node, const std::string& what) {
    if (!node.IsScalar()) {
        error(node, what + " must be a single value");
        return std::nullopt;
    }
    if (!need_secrets_) return expand_env_or_empty(node.Scalar());
    std::string missing;
    auto expanded = expand_env(node.Scalar(), &missing);
    if (!expanded) {
        error(node, what + ": environment variable " + missing + " is not set");
        return std::nullopt;
    }
    return expanded;
}

std::optional<std::string> YamlReader::string(const YAML::Node& map, const std::string& key,
                                              bool required) {
    const YAML::Node node = map[key];
    if (!node) {
        if (required) error(map, "missing required key " + in_quotes(key));
        return std::nullopt;
    }
    return scalar(node, in_quotes(key));
}

std::optional<int> YamlReader::integer(const YAML::Node& map, const std::string& key, int min,
                                       int max, bool required) {
    auto text = string(map, key, required);
    if (!text) return std::nullopt;
    try {
        size_t used = 0;
        int value = std::stoi(*text, &used);
        if (used != text->size()) throw std::invalid_argument("trailing");
        if (value < min || value > max) {
            error(map[key], in_quotes(key) + " must be between " + std::to_string(min) + " and " +
                                std::to_string(max) + ", got " + *text);
            return std::nullopt;
        }
        return value;
    } catch (const std::exception&) {
        error(map[key], in_quotes(key) + " must be a whole number, got " + in_quotes(*text));
        return std::nullopt;
    }
}

std::optional<bool> YamlReader::boolean(const YAML::Node& map, const std::string& key) {
    auto text = string(map, key);
    if (!text) return std::nullopt;
    if (*text == "true" || *text == "yes" || *text == "on") return true;
    if (*text == "false" || *text == "no" || *text == "off") return false;
    error(map[key], in_quotes(key) + " must be true or false, got " + in_quotes(*text));
    return std::nullopt;
}

std::optional<timing::Delay> YamlReader::delay(const YAML::Node& map, const std::string& key,
                                               bool required) {
    auto text = string(map, key, required);
    if (!text) return std::nullopt;
    std::string why;
    auto parsed = timing::parse_delay(*text, &why);
    if (!parsed) error(map[key], in_quotes(key) + ": " + why);
    return parsed;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const YAML::Node& map,
                                                                const std::string& key,
                                                                bool required) {
    const YAML::Node node = map[key];
    if (!node) {
        if (required) error(map, "missing required key " + in_quotes(key));
        return std::nullopt;
    }
    std::vector<std::string> out;
    if (node.IsScalar()) {
        if (auto v = scalar(node, in_quotes(key))) out.push_back(*v);
        return out;
    }
    if (!node.IsSequence()) {
        error(node, in_quotes(key) + " must be a value or a list of values");
        return std::nullopt;
    }
    for (const auto& item : node)
        if (auto v = scalar(item, "each item of " + in_quotes(key))) out.push_back(*v);
    return out;
}

}  // namespace cxgate::config
