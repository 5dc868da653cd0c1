#include "cxgate/alerts/alerts.hpp"

#include <nlohmann/json.hpp>

#include "cxgate/alerts/card.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/templates/compose.hpp"

namespace cxgate::alerts {

namespace {

const config::Step* step_of(const config::Config& config, const store::SurveyRow& survey) {
    const auto* flow = config.flow_for(survey.flow, survey.flow_version);
    return flow ? flow->find_step(survey.step) : nullptr;
}

// What an alert may tell of an anonymous survey: the answer, not who gave it.
store::SurveyRow nameless(const store::SurveyRow& survey) {
    auto copy = survey;
    copy.contact_id = "anonymous";
    copy.contact_name.clear();
    copy.address.clear();
    copy.deal_id.clear();
    return copy;
}

// The address of a person on a channel: email for email channels, phone for SMS; none on
// a chat channel (config refuses one as alerts.channel).
std::string address_on(const config::ChannelConfig& channel, const std::string& email,
                       const std::string& phone) {
    switch (channel.kind) {
        case config::ChannelKind::email:
            return email;
        case config::ChannelKind::sms:
            return phone;
        case config::ChannelKind::chat:
            return "";
    }
    return "";
}

}  // namespace

std::optional<Recipient> recipient_named(const config::Config& config, const std::string& name) {
    if (auto it = config.alert_targets.find(name); it != config.alert_targets.end()) {
        const auto* channel = config.find_channel(it->second.channel);
        if (!channel) return std::nullopt;
        // A chat channel's URL decides the room; the message names the target instead.
        if (channel->kind == config::ChannelKind::chat) return Recipient{channel->name, name};
        if (it->second.address.empty()) return std::nullopt;
        return Recipient{it->second.channel, it->second.address};
    }
    auto member = config.staff.find(name);
    const auto* channel = config.find_channel(config.alert_channel);
    if (member == config.staff.end() || !channel) return std::nullopt;
    auto address = address_on(*channel, member->second.email, member->second.phone);
    if (address.empty()) return std::nullopt;
    return Recipient{channel->name, address};
}

bool should_alert(const config::Config& config, const store::SurveyRow& survey) {
    const auto* step = step_of(config, survey);
    return step && step->alert && survey.score && step->alert->matches(*survey.score);
}

store::MessageRow alert_message(const config::Config& config, const store::SurveyRow& survey,
                                const Recipient& to, const templates::AlertFields& alert,
                                store::Seconds now) {
    // Alerts are read by staff, so they use the daemon's default locale. An anonymous
    // survey's alert says what was answered, never by whom.
    const auto shown = survey.anonymous ? nameless(survey) : survey;
    auto rendered = templates::render_alert(config, shown, config.defaults.locale, alert);
    store::MessageRow m;
    m.survey_id = survey.id;
    m.kind = "alert";
    m.channel = to.channel;
    m.address = to.address;
    m.locale = config.defaults.locale;
    const auto* ch = config.find_channel(to.channel);
    if (ch && ch->kind == config::ChannelKind::email) m.subject = rendered.subject;
    m.body = rendered.body;
    // A chat channel (Slack, Teams, a signed webhook) shows a card of the same words, with
    // the alert's page as its action.
    if (ch && ch->kind == config::ChannelKind::chat) {
        m.subject = rendered.subject;
        m.body = json_input::dump(nlohmann::json(alert_card(config, shown, rendered, now, alert)));
    }
    m.created_at = now;
    templates::finish_message(config, m);
    return m;
}

std::vector<store::MessageRow> alert_messages(const config::Config& config,
                                              const store::SurveyRow& survey, store::Seconds now,
                                              std::vector<std::string>* skipped,
                                              const templates::AlertFields& alert) {
    std::vector<store::MessageRow> out;
    const auto* step = step_of(config, survey);
    if (!step || !step->alert) return out;
    const auto* staff_channel = config.find_channel(config.alert_channel);
    for (const auto& target : step->alert->notify) {
        std::string channel_name, address;
        if (target == "staff") {
            if (staff_channel) {
                channel_name = staff_channel->name;
                address = address_on(*staff_channel, survey.staff_email, survey.staff_phone);
            }
        } else if (target == "team-lead") {
            auto member = config.staff.find(survey.staff_id);
            auto lead = member == config.staff.end() ? config.staff.end()
                                                     : config.staff.find(member->second.lead);
            if (lead != config.staff.end() && staff_channel) {
                channel_name = staff_channel->name;
                address = address_on(*staff_channel, lead->second.email, lead->second.phone);
            }
        } else if (config.alert_targets.count(target)) {
            if (auto named = recipient_named(config, target)) {
                channel_name = named->channel;
                address = named->address;
            }
        }
        if (channel_name.empty() || address.empty()) {
            if (skipped) skipped->push_back(target);
            continue;
        }
        out.push_back(alert_message(config, survey, {channel_name, address}, alert, now));
    }
    return out;
}

}  // namespace cxgate::alerts
