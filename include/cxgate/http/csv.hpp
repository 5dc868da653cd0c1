#pragma once
// CSV for GET /v1/responses?format=csv (RFC 4180), safe to open in a spreadsheet.
//
// Comments and names come from customers. A cell that starts with =, +, -, @, TAB or CR
// is a formula to Excel, LibreOffice and Google Sheets ("=HYPERLINK(...)" becomes a live
// link, DDE payloads run commands), so such a cell gets a leading single quote, as the
// OWASP "CSV Injection" guidance says; the quote shows, the formula does not run. Every
// text cell is quoted, with quotes doubled, so commas and newlines stay inside it.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxgate::http::csv {

// One text cell, quoted and neutralised; invalid UTF-8 becomes U+FFFD.
std::string cell(std::string_view text);

// A line of cells already made with cell() (or numbers), comma-separated, CRLF-ended.
std::string row(const std::vector<std::string>& cells);

// A report's rows (JSON objects) as a CSV table: one column per key, in the order keys first
// appear (each row's sorted, as nlohmann::json keeps them), an absent one empty; a figure {value,
// margin} becomes two columns (nps_value, nps_margin), other nested values their JSON text. Numbers
// are written as numbers, text through cell().
std::string table(const nlohmann::json& rows);

}  // namespace cxgate::http::csv
