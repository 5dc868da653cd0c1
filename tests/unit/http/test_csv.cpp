#include <doctest/doctest.h>

#include "cxgate/http/csv.hpp"

using namespace cxgate::http;

TEST_CASE("csv: cells that a spreadsheet would run as a formula get a leading quote") {
    // OWASP "CSV Injection": =, +, -, @, TAB and CR start a formula.
    CHECK(csv::cell("=HYPERLINK(\"http://evil.example\",\"click\")") ==
          "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"");
    CHECK(csv::cell("+1+cmd|' /C calc'!A0") == "\"'+1+cmd|' /C calc'!A0\"");
    CHECK(csv::cell("-2+3") == "\"'-2+3\"");
    CHECK(csv::cell("@SUM(A1:A9)") == "\"'@SUM(A1:A9)\"");
    CHECK(csv::cell("\t=1+1") == "\"'\t=1+1\"");
    CHECK(csv::cell("\r=1+1") == "\"'\r=1+1\"");
    CHECK(csv::cell("\n=1+1") == "\"'\n=1+1\"");
}

TEST_CASE("csv: ordinary text is quoted as RFC 4180 says and otherwise unchanged") {
    CHECK(csv::cell("") == "\"\"");
    CHECK(csv::cell("Hyvä palvelu, kiitos") == "\"Hyvä palvelu, kiitos\"");
    CHECK(csv::cell("sanoi \"ok\"") == "\"sanoi \"\"ok\"\"\"");
    CHECK(csv::cell("rivi 1\nrivi 2") == "\"rivi 1\nrivi 2\"");
    CHECK(csv::cell("a=b") == "\"a=b\"");  // only a leading character matters
    CHECK(csv::cell("bad \xE4\xFF") == "\"bad \xEF\xBF\xBD\xEF\xBF\xBD\"");
    CHECK(csv::row({"1", csv::cell("x"), ""}) == "1,\"x\",\r\n");
}

TEST_CASE("csv: a report's rows as a table, figures in two columns, formulas neutralised") {
    const auto rows = nlohmann::json::parse(R"([
        {"segment": "=cmd|' /C calc'!A0", "n": 3, "nps": {"value": 33.3, "margin": null}},
        {"segment": "retail", "n": 1, "mean": {"value": 4.0, "margin": 1.2}, "low_is_good": false}
    ])");
    // Columns as keys first appear (each row's keys sorted, as nlohmann::json keeps them).
    CHECK(cxgate::http::csv::table(rows) ==
          "\"n\",\"nps_margin\",\"nps_value\",\"segment\",\"low_is_good\",\"mean_margin\","
          "\"mean_value\"\r\n"
          "3,,33.3,\"'=cmd|' /C calc'!A0\",,,\r\n"
          "1,,,\"retail\",false,1.2,4.0\r\n");
}
