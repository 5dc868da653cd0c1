#include "cxgate/alerts/alerts.hpp"

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

// The address of a person on a channel: email for email channels, phone for SMS.
std::string address_on(const config::ChannelConfig& channel, const std::string& email,
                       const std::string& phone) {
    return channel.kind == config::ChannelKind::email ? email : phone;
}

}  // namespace

std::optional<Recipient> recipient_named(const config::Config& config, const std::string& name) {
    if (auto it = config.alert_targets.find(name); it != config.alert_targets.end()) {
        if (it->second.channel.empty() || it->second.address.empty()) return std::nullopt;
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
    auto rendered = templates::render_alert(config, survey.anonymous ? nameless(survey) : survey,
                                            config.defaults.locale, alert);
    store::MessageRow m;
    m.survey_id = survey.id;
    m.kind = "alert";
    m.channel = to.channel;
    m.address = to.address;
    m.locale = config.defaults.locale;
    if (const auto* ch = config.find_channel(to.channel);
        ch && ch->kind == config::ChannelKind::email)
        m.subject = rendered.subject;
    m.body = rendered.body;
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
