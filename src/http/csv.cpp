#include "cxgate/http/csv.hpp"

#include "cxgate/foundation/utf8.hpp"

namespace cxgate::http::csv {

std::string cell(std::string_view text) {
    const std::string clean = utf8::repair(text);
    std::string out = "\"";
    // LF too: some spreadsheets trim a leading line break and then see the formula.
    if (!clean.empty() &&
        std::string_view("=+-@\t\r\n").find(clean.front()) != std::string_view::npos)
        out += '\'';
    for (char c : clean) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string row(const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        out += cells[i];
    }
    out += "\r\n";
    return out;
}

}  // namespace cxgate::http::csv
