#pragma once
// The insight commands' text output: each table is drawn from the same JSON the API
// answers (report/*.hpp to_json), so the terminal and the API never disagree. Private to
// src/cli/.
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace cxgate::cli {

void compare_table(std::ostream& out, const nlohmann::json& comparison);
// by: the sales report's cell (week, staff, team, segment) or empty for one cell.
void sales_table(std::ostream& out, const nlohmann::json& sales, const std::string& by);
void win_rates_table(std::ostream& out, const nlohmann::json& win_rates);
void retention_table(std::ostream& out, const nlohmann::json& retention);
void themes_table(std::ostream& out, const nlohmann::json& themes);
void targets_table(std::ostream& out, const nlohmann::json& targets);

}  // namespace cxgate::cli
