#include <doctest/doctest.h>

#include "cxgate/foundation/metrics.hpp"
#include "cxgate/report/query.hpp"

using namespace cxgate::metrics;
using namespace cxgate::report;

TEST_CASE("report table: a margin left out (n < 2) is printed as -, as README says") {
    ReportQuery query;
    std::vector<ReportRow> rows;
    rows.push_back({{"close"},
                    "f",
                    compute(Metric::nps, {0, 10}, false, {9}),
                    {0, 10},
                    false,
                    "",
                    0,
                    std::nullopt,
                    std::nullopt});
    rows.push_back({{"meeting"},
                    "f",
                    compute(Metric::csat, {1, 5}, false, {2}),
                    {1, 5},
                    false,
                    "",
                    0,
                    std::nullopt,
                    std::nullopt});
    rows.push_back({{"both"},
                    "f",
                    compute(Metric::nps, {0, 10}, false, {0, 7, 7, 9, 9, 9}),
                    {0, 10},
                    false,
                    "",
                    0,
                    std::nullopt,
                    std::nullopt});
    const cxgate::config::Config config;
    const auto table = to_table(rows, query, config);
    INFO(table);
    CHECK(table.find("NPS 100.0 ±-") != std::string::npos);
    CHECK(table.find("0.0% ±- sat") != std::string::npos);
    CHECK(table.find("2.0 ±-") != std::string::npos);  // the mean of one answer
    CHECK(table.find("NPS 33.3 ±") != std::string::npos);
    CHECK(table.find("NPS 33.3 ±-") == std::string::npos);
}
