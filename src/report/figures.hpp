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

}  // namespace cxgate::report::detail
