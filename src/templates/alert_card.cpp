// The card of alert_card.hpp as JSON, both ways.
#include "cxgate/templates/alert_card.hpp"

#include <nlohmann/json.hpp>

#include "cxgate/foundation/json_input.hpp"

namespace cxgate::templates {

void to_json(nlohmann::json& j, const AlertCard& card) {
    auto facts = nlohmann::json::array();
    for (const auto& [label, value] : card.facts)
        facts.push_back({{"label", label}, {"value", value}});
    auto actions = nlohmann::json::array();
    for (const auto& action : card.actions)
        actions.push_back({{"label", action.label}, {"url", action.url}});
    j = nlohmann::json{{"event", card.event},
                       {"survey_id", card.survey_id},
                       {"created_at", card.created_at},
                       {"title", card.title},
                       {"text", card.text},
                       {"facts", std::move(facts)},
                       {"actions", std::move(actions)}};
    if (card.alert_id) j["alert_id"] = *card.alert_id;
}

void from_json(const nlohmann::json& j, AlertCard& card) {
    card = AlertCard{};
    j.at("title").get_to(card.title);
    if (j.contains("text")) j.at("text").get_to(card.text);
    if (j.contains("event")) j.at("event").get_to(card.event);
    if (j.contains("survey_id")) j.at("survey_id").get_to(card.survey_id);
    if (j.contains("alert_id") && !j.at("alert_id").is_null())
        card.alert_id = j.at("alert_id").get<std::int64_t>();
    if (j.contains("created_at")) j.at("created_at").get_to(card.created_at);
    if (j.contains("facts"))
        for (const auto& fact : j.at("facts"))
            card.facts.emplace_back(fact.at("label").get<std::string>(),
                                    fact.at("value").get<std::string>());
    if (j.contains("actions"))
        for (const auto& action : j.at("actions"))
            card.actions.push_back(
                {action.at("label").get<std::string>(), action.at("url").get<std::string>()});
}

std::optional<AlertCard> parse_alert_card(std::string_view body) {
    const auto json = json_input::parse_or_discarded(body);
    if (!json.is_object() || !json.contains("title")) return std::nullopt;
    try {
        return json.get<AlertCard>();
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

}  // namespace cxgate::templates
