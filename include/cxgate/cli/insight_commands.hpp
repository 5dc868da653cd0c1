#pragma once
// The commands that read results: `cxgate report`, `cxgate compare`, and change markers
// (`cxgate mark add|list`). Each takes the same parameters as its API route, read by the
// same code (report/parameters.hpp).
#include <map>
#include <string>

namespace cxgate::cli {

// options: the report's parameters by name (flow, by, step, ..., since, until); empty ones
// are left out.
int report_command(const std::string& file, const std::string& db_override,
                   const std::map<std::string, std::string>& options, bool as_json);

// options: flow, the filters, and mark + days or before + after.
int compare_command(const std::string& file, const std::string& db_override,
                    const std::map<std::string, std::string>& options, bool as_json);

// Experience beside sales (options: by, since, until); the win rate by the answer given
// earlier in the deal (options: flow); or the retention of won customers by NPS group
// (options: since, until). A table, or with as_json the API's JSON.
enum class SalesView { cells, win_rates, retention };
int sales_command(const std::string& file, const std::string& db_override,
                  const std::map<std::string, std::string>& options, SalesView view, bool as_json);

// The themes of the comments (options: flow, step, since, until): a table, or JSON.
int themes_command(const std::string& file, const std::string& db_override,
                   const std::map<std::string, std::string>& options, bool as_json);

// Each targeted step's figure of a week against its target and the four weeks before
// (options: flow, week; default the last whole week): a table, or JSON.
int targets_command(const std::string& file, const std::string& db_override,
                    const std::map<std::string, std::string>& options, bool as_json);

// How alerts were handled (options: flow, by = flow|step|staff|team|segment, since, until;
// all time by default): counts and the time to acknowledge and to resolve.
int alerts_command(const std::string& file, const std::string& db_override,
                   const std::map<std::string, std::string>& options, bool as_json);

// Through the running daemon (POST /v1/marks), so the marker is durable before it answers.
int mark_add(const std::string& file, const std::string& override_url, const std::string& label,
             const std::string& flow, const std::string& at);
int mark_list(const std::string& file, const std::string& db_override, const std::string& flow,
              bool as_json);

}  // namespace cxgate::cli
