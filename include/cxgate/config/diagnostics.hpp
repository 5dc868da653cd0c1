#pragma once
// Errors found in configuration, each pointing at the place operations must fix.
#include <string>
#include <vector>

namespace cxgate::config {

struct Diagnostic {
    enum class Severity { error, warning };
    Severity severity = Severity::error;
    std::string file;
    int line = 0;    // 1-based; 0 when the problem is the file as a whole
    int column = 0;  // 1-based
    std::string message;

    // "flows/x.yaml:12:5: error: unknown key \"delai\" (did you mean \"delay\"?)"
    std::string to_string() const;
};

struct Diagnostics {
    std::vector<Diagnostic> items;

    void error(std::string file, int line, int column, std::string message);
    void warning(std::string file, int line, int column, std::string message);
    bool has_errors() const;
    std::string to_string() const;  // one diagnostic per line
};

}  // namespace cxgate::config
