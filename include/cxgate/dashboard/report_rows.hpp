#pragma once
// Reading a report row of the analysis API (GET /v1/reports, report::to_json) for drawing:
// its headline figure, the axis its metric lives on, and its name.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace cxgate::dashboard {

// j[key] when j is an object that has it, else null: the API's rows leave out what a row
// does not have (a target, a response rate), and reading a missing key of a const JSON
// object is undefined.
const nlohmann::json& field(const nlohmann::json& j, const char* key);

struct RowFigure {
    double value = 0;
    std::optional<double> margin;
};

// NPS and eNPS: the score; CSAT: % satisfied; CES: the mean. Nothing when n is 0.
std::optional<RowFigure> headline(const nlohmann::json& row);

struct Axis {
    double min = 0, max = 100;
    std::string unit;  // "%" for CSAT, "" otherwise
};
// NPS -100..100, CSAT 0..100 %, CES its scale ("1-7": 1..7; yes-no: 0..1).
Axis axis_of(const nlohmann::json& row);

// "NPS 0-10", "CES 1-5 (q2)".
std::string metric_label(const nlohmann::json& row);

}  // namespace cxgate::dashboard
