#include "cxgate/config/diagnostics.hpp"

namespace cxgate::config {

std::string Diagnostic::to_string() const {
    std::string out = file;
    if (line > 0) {
        out += ":" + std::to_string(line) + ":" + std::to_string(column > 0 ? column : 1);
    }
    out += severity == Severity::error ? ": error: " : ": warning: ";
    out += message;
    return out;
}

void Diagnostics::error(std::string file, int line, int column, std::string message) {
    items.push_back(
        {Diagnostic::Severity::error, std::move(file), line, column, std::move(message)});
}

void Diagnostics::warning(std::string file, int line, int column, std::string message) {
    items.push_back(
        {Diagnostic::Severity::warning, std::move(file), line, column, std::move(message)});
}

bool Diagnostics::has_errors() const {
    for (const auto& d : items)
        if (d.severity == Diagnostic::Severity::error) return true;
    return false;
}

std::string Diagnostics::to_string() const {
    std::string out;
    for (const auto& d : items) out += d.to_string() + "\n";
    return out;
}

}  // namespace cxgate::config
