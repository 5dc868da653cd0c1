// Report rows for drawing (report_rows.hpp).
#include "cxgate/dashboard/report_rows.hpp"

#include <cstdio>

namespace cxgate::dashboard {

namespace {

std::string metric_of(const nlohmann::json& row) {
    return row.value("metric", "");
}

}  // namespace

const nlohmann::json& field(const nlohmann::json& j, const char* key) {
    static const nlohmann::json null;
    if (!j.is_object()) return null;
    auto it = j.find(key);
    return it == j.end() ? null : *it;
}

std::optional<RowFigure> headline(const nlohmann::json& row) {
    const auto metric = metric_of(row);
    const char* name = metric == "nps" || metric == "enps" ? "nps"
                       : metric == "csat"                  ? "satisfied_pct"
                                                           : "mean";
    const auto& figure = field(row, name);
    if (!field(figure, "value").is_number()) return std::nullopt;
    RowFigure f;
    f.value = field(figure, "value").get<double>();
    if (field(figure, "margin").is_number()) f.margin = field(figure, "margin").get<double>();
    return f;
}

Axis axis_of(const nlohmann::json& row) {
    const auto metric = metric_of(row);
    if (metric == "nps" || metric == "enps") return {-100, 100, ""};
    if (metric == "csat") return {0, 100, "%"};
    const auto scale = row.value("scale", "");
    int low = 0, high = 0;
    if (std::sscanf(scale.c_str(), "%d-%d", &low, &high) == 2 && high > low)
        return {static_cast<double>(low), static_cast<double>(high), ""};
    return {0, 1, ""};  // yes-no
}

std::string metric_label(const nlohmann::json& row) {
    std::string metric = metric_of(row);
    for (auto& c : metric) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (metric == "ENPS") metric = "eNPS";
    std::string out = metric + " " + row.value("scale", "");
    const auto question = row.value("question", "");
    if (!question.empty() && question != "q1") out += " (" + question + ")";
    return out;
}

}  // namespace cxgate::dashboard
