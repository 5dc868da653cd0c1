#pragma once
// Typed access to a YAML document that records every problem with its position instead
// of throwing at the first one, so `cxgate check` can list all errors in one run.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "cxgate/config/diagnostics.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::config {

class YamlReader {
  public:
    YamlReader(std::string file, Diagnostics& diagnostics)
        : file_(std::move(file)), diag_(diagnostics) {}

    const std::string& file() const { return file_; }
    Diagnostics& diagnostics() { return diag_; }

    // false (see LoadOptions): an unset ${ENV} reads as "" instead of being an error.
    void set_need_secrets(bool need) { need_secrets_ = need; }
    bool need_secrets() const { return need_secrets_; }

    void error(const YAML::Node& at, const std::string& message);
    void error(const YAML::Mark& at, const std::string& message);
    void warning(const YAML::Node& at, const std::string& message);

    // Reports keys of `map` not in `allowed`, with a "did you mean" suggestion.
    void check_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                    const std::string& where);
    bool expect_map(const YAML::Node& node, const std::string& what);
    // Reports every key that repeats in any mapping of the document, at the repeat.
    // yaml-cpp keeps both and `map[key]` finds the first, so a pasted second
    // `send_window:` would be ignored without a word.
    void check_duplicate_keys(const YAML::Node& document);

    // Scalars with ${ENV} expanded. Missing optional keys return nullopt silently;
    // required ones report "missing required key".
    std::optional<std::string> string(const YAML::Node& map, const std::string& key,
                                      bool required = false);
    std::optional<int> integer(const YAML::Node& map, const std::string& key, int min, int max,
                               bool required = false);
    std::optional<bool> boolean(const YAML::Node& map, const std::string& key);
    std::optional<timing::Delay> delay(const YAML::Node& map, const std::string& key,
                                       bool required = false);
    // A scalar or a sequence of scalars.
    std::optional<std::vector<std::string>> string_list(const YAML::Node& map,
                                                        const std::string& key,
                                                        bool required = false);
    std::optional<std::string> scalar(const YAML::Node& node, const std::string& what);

  private:
    void check_duplicate_keys(const YAML::Node& node, int depth);

    std::string file_;
    Diagnostics& diag_;
    bool need_secrets_ = true;
};

// Replaces ${NAME} with the environment variable NAME. Returns nullopt and names the
// variable in *missing when it is not set: secrets never fall back to a default.
std::optional<std::string> expand_env(const std::string& text, std::string* missing);
// The same, with an unset variable read as "": for commands that need no secrets.
std::string expand_env_or_empty(const std::string& text);
// The closest candidate within edit distance 2, for "did you mean".
std::optional<std::string> closest(const std::string& word, const std::set<std::string>& options);

}  // namespace cxgate::config
