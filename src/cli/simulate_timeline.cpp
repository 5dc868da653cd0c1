// The timeline `cxgate simulate` prints: a text line per entry for people, or one JSON
// object per line for tools.
#include <iostream>

#include "simulation.hpp"

namespace cxgate::cli::detail {

using json = nlohmann::json;

std::string Timeline::when(Seconds t) const {
    return date::format("%a %F %R %Z", date::zoned_seconds{&zone_, tp(t)});
}

void Timeline::add(const Entry& e) {
    if (json_) {
        json j{{"time", timing::format_local(tp(e.at), zone_)}, {"kind", e.kind}};
        if (e.survey) {
            j["survey"] = e.survey->id;
            j["flow"] = e.survey->flow;
            j["step"] = e.survey->step;
            j["metric"] = e.survey->metric;
        }
        if (!e.channel.empty()) j["channel"] = e.channel;
        if (!e.address.empty()) j["address"] = e.address;
        if (!e.locale.empty()) j["locale"] = e.locale;
        if (!e.reason.empty()) j["reason"] = e.reason;
        if (!e.detail.empty()) j["detail"] = e.detail;
        for (auto it = e.extra.begin(); it != e.extra.end(); ++it) j[it.key()] = it.value();
        std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
        return;
    }
    std::string stamp = e.at == last_ ? std::string(25, ' ') : when(e.at);
    stamp.resize(25, ' ');
    last_ = e.at;
    std::string label = e.kind;
    label.resize(11, ' ');
    std::cout << stamp << label << e.text << "\n";
}

std::pair<std::string, std::string> split_reason(const std::string& reason) {
    auto colon = reason.find(": ");
    if (colon == std::string::npos) return {reason, ""};
    return {reason.substr(0, colon), reason.substr(colon + 2)};
}

std::string survey_label(const store::SurveyRow& s) {
    return s.step + " #" + std::to_string(s.id) + " (" + s.metric + ")";
}

}  // namespace cxgate::cli::detail
