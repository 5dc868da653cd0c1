#pragma once
// How every report writes a figure: one decimal, and {value, margin} in JSON with a margin
// left out (n < 2) as null, so a blank is never mistaken for a margin of zero. Private to
// src/report/.
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cxgate/foundation/metrics.hpp"
#include "cxgate/report/compare.hpp"

namespace cxgate::report::detail {

inline std::string fmt(double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.1f", v);
    return buffer;
}

inline double one_decimal(double v) {
    return std::round(v * 10) / 10;
}

inline nlohmann::json figure_json(const std::optional<metrics::Figure>& f) {
    if (!f) return nullptr;
    return {{"value", one_decimal(f->value)},
            {"margin", f->margin ? nlohmann::json(one_decimal(*f->margin)) : nullptr}};
}

// The unit of a difference between two figures of a metric, after its number.
inline const char* difference_unit(metrics::Metric metric) {
    if (metric == metrics::Metric::nps || metric == metrics::Metric::enps) return " points";
    if (metric == metrics::Metric::csat) return " percentage points";
    return " on the scale";
}

// count of n as a percentage with its 95% margin; none when n is 0.
inline std::optional<metrics::Figure> share(int count, int n) {
    if (n == 0) return std::nullopt;
    const double p = static_cast<double>(count) / n;
    return metrics::Figure{100.0 * p, metrics::proportion_margin(p, n)};
}

// A difference between two groups' percentages in words: `too_few` when a group had fewer
// than two, the noise verdict when it is within its margin, else
// "<what> higher (lower) by X ± Y points<after>".
inline std::string group_verdict(const Difference& d, const std::string& too_few,
                                 const std::string& what, const std::string& after) {
    if (!d.margin) return too_few;
    if (!d.distinguishable) return "not distinguishable from noise at this n";
    return what + (d.value < 0 ? " lower" : " higher") + " by " + fmt(std::fabs(d.value)) + " ± " +
           fmt(*d.margin) + " points" + after;
}

inline nlohmann::json difference_json(const Difference& d, const std::string& verdict) {
    return {{"value", one_decimal(d.value)},
            {"margin", d.margin ? nlohmann::json(one_decimal(*d.margin)) : nullptr},
            {"distinguishable", d.distinguishable},
            {"verdict", verdict}};
}

}  // namespace cxgate::report::detail
