#include "cxgate/http/csv.hpp"

#include <algorithm>

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

namespace {

// The row's cells by column name, nested objects one level down.
std::vector<std::pair<std::string, const nlohmann::json*>> flatten(const nlohmann::json& row) {
    std::vector<std::pair<std::string, const nlohmann::json*>> out;
    for (auto it = row.begin(); it != row.end(); ++it) {
        if (it->is_object() && !it->empty()) {
            for (auto inner = it->begin(); inner != it->end(); ++inner)
                out.emplace_back(it.key() + "_" + inner.key(), &inner.value());
        } else {
            out.emplace_back(it.key(), &it.value());
        }
    }
    return out;
}

std::string value_cell(const nlohmann::json& v) {
    if (v.is_null()) return "";
    if (v.is_number() || v.is_boolean()) return v.dump();
    if (v.is_string()) return cell(v.get<std::string>());
    return cell(v.dump());
}

}  // namespace

std::string table(const nlohmann::json& rows) {
    std::vector<std::string> columns;
    for (const auto& row : rows)
        for (const auto& [name, _] : flatten(row))
            if (std::find(columns.begin(), columns.end(), name) == columns.end())
                columns.push_back(name);
    std::vector<std::string> header;
    header.reserve(columns.size());
    for (const auto& c : columns) header.push_back(cell(c));
    std::string out = csv::row(header);
    for (const auto& r : rows) {
        const auto cells = flatten(r);
        std::vector<std::string> line;
        line.reserve(columns.size());
        for (const auto& c : columns) {
            auto it = std::find_if(cells.begin(), cells.end(),
                                   [&](const auto& kv) { return kv.first == c; });
            line.push_back(it == cells.end() ? "" : value_cell(*it->second));
        }
        out += csv::row(line);
    }
    return out;
}

}  // namespace cxgate::http::csv
