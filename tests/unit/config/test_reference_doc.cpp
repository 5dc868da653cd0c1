#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/config/event_fields.hpp"
#include "cxgate/config/keys.hpp"

using namespace cxgate;

// docs/reference.md against the loader's own tables: every key a table accepts is
// documented in that table's section, and the section names no key the loader would refuse.

namespace {

struct DocTable {
    int line = 0;
    std::vector<std::vector<std::string>> rows;  // cells, trimmed, header and separator left out
};

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> cells(const std::string& row) {
    std::vector<std::string> out;
    std::string cell;
    bool code = false;
    // Split on the table's bars, not on a `|` inside backticks ("string|integer").
    for (size_t i = 1; i < row.size(); ++i) {
        const char c = row[i];
        if (c == '`') code = !code;
        if (c == '|' && !code && (i == 0 || row[i - 1] != '\\')) {
            out.push_back(trim(cell));
            cell.clear();
        } else {
            cell += c;
        }
    }
    return out;
}

// The tables after each `<!-- keys: ID -->` or `<!-- event-fields -->` marker, by marker.
std::map<std::string, DocTable> marked_tables(const std::string& text) {
    std::map<std::string, DocTable> out;
    std::istringstream in(text);
    std::string line, marker;
    int number = 0;
    DocTable* table = nullptr;
    int header_rows = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string t = trim(line);
        if (t.rfind("<!-- keys: ", 0) == 0 || t == "<!-- event-fields -->") {
            marker =
                t == "<!-- event-fields -->" ? "event-fields" : trim(t.substr(11, t.size() - 15));
            auto [it, inserted] = out.emplace(marker, DocTable{number, {}});
            CHECK_MESSAGE(inserted, "docs/reference.md:", number, ": a second section for ",
                          marker);
            table = &it->second;
            header_rows = 0;
            continue;
        }
        if (!table) continue;
        if (t.empty() || t.front() != '|') {
            CHECK_MESSAGE(header_rows == 2, "docs/reference.md:", table->line, ": ", marker,
                          ": the marker must be followed by a table with a header row");
            table = nullptr;
            continue;
        }
        if (header_rows < 2) {
            ++header_rows;
            continue;
        }
        table->rows.push_back(cells(t));
    }
    return out;
}

// "`listen`" -> "listen"; anything else is kept as it is, so the mismatch shows.
std::string unquote(const std::string& cell) {
    if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`')
        return cell.substr(1, cell.size() - 2);
    return cell;
}

std::set<std::string> first_column(const DocTable& table) {
    std::set<std::string> out;
    for (const auto& row : table.rows)
        if (!row.empty()) out.insert(unquote(row[0]));
    return out;
}

std::string reference() {
    std::ifstream in(std::string(CXGATE_SOURCE_DIR) + "/docs/reference.md");
    REQUIRE_MESSAGE(in, "docs/reference.md is missing");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string joined(const std::set<std::string>& keys) {
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
    return out;
}

void check_same(const std::string& marker, const std::set<std::string>& documented,
                const std::set<std::string>& loader) {
    std::set<std::string> missing, extra;
    for (const auto& k : loader)
        if (!documented.count(k)) missing.insert(k);
    for (const auto& k : documented)
        if (!loader.count(k)) extra.insert(k);
    CHECK_MESSAGE(missing.empty(), marker, ": not documented: ", joined(missing));
    CHECK_MESSAGE(extra.empty(), marker, ": documented, but the loader refuses: ", joined(extra));
}

}  // namespace

TEST_CASE("reference: every key table of the loader has its documented table, key for key") {
    const auto tables = marked_tables(reference());
    for (const auto* table : config::key_tables()) {
        CAPTURE(table->id);
        auto found = tables.find(table->id);
        REQUIRE_MESSAGE(found != tables.end(), "no <!-- keys: ", table->id,
                        " --> section in docs/reference.md");
        check_same(table->id, first_column(found->second), table->keys);
    }
}

TEST_CASE("reference: every channel type's own keys, and which are required") {
    const auto tables = marked_tables(reference());
    for (const auto& [type, schema] : config::channel_schemas()) {
        const std::string marker = "channel." + type;
        auto found = tables.find(marker);
        REQUIRE_MESSAGE(found != tables.end(), "no <!-- keys: ", marker, " --> section");
        std::set<std::string> loader(schema.required.begin(), schema.required.end());
        loader.insert(schema.optional.begin(), schema.optional.end());
        check_same(marker, first_column(found->second), loader);
        for (const auto& row : found->second.rows) {
            if (row.size() < 4) continue;
            const bool required =
                std::count(schema.required.begin(), schema.required.end(), unquote(row[0])) > 0;
            CHECK_MESSAGE((row[3].rfind("yes", 0) == 0) == required, marker, ": ", row[0], " is ",
                          required ? "required" : "optional", " for the loader");
        }
    }
}

TEST_CASE("reference: no section documents a table the loader does not have") {
    std::set<std::string> known{"event-fields"};
    for (const auto* table : config::key_tables()) known.insert(table->id);
    for (const auto& [type, schema] : config::channel_schemas()) known.insert("channel." + type);
    for (const auto& [marker, table] : marked_tables(reference()))
        CHECK_MESSAGE(known.count(marker), "docs/reference.md:", table.line,
                      ": <!-- keys: ", marker, " --> names no table of the loader");
}

TEST_CASE("reference: the event fields, their limits and which are required") {
    const auto tables = marked_tables(reference());
    auto found = tables.find("event-fields");
    REQUIRE_MESSAGE(found != tables.end(), "no <!-- event-fields --> section");
    std::set<std::string> fields;
    for (const auto& f : config::event_fields()) fields.insert(f.path);
    check_same("event fields", first_column(found->second), fields);
    for (const auto& row : found->second.rows) {
        REQUIRE(row.size() >= 4);
        for (const auto& f : config::event_fields()) {
            if (f.path != unquote(row[0])) continue;
            CAPTURE(f.path);
            CHECK((row[2].rfind("yes", 0) == 0) == f.required);
            const std::string limit = f.max_chars ? std::to_string(f.max_chars) : "-";
            CHECK(row[3] == limit);
        }
    }
}
