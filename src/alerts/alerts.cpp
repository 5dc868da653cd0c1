#include "cxgate/alerts/alerts.hpp"

#include <algorithm>

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

// A staff member on a channel: their email or phone as the channel takes, in their language.
std::optional<Recipient> staff_on(const config::Config& config,
                                  const config::ChannelConfig* channel, const std::string& id,
                                  const std::string& email, const std::string& phone) {
    if (!channel) return std::nullopt;
    auto address = address_on(*channel, email, phone);
    if (address.empty()) return std::nullopt;
    return Recipient{channel->name, address, config.locale_of(id)};
}

template <class T>
bool names(const std::vector<T>& values, const T& value) {
    return values.empty() || std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

std::optional<Recipient> recipient_named(const config::Config& config, const std::string& name) {
    if (auto it = config.alert_targets.find(name); it != config.alert_targets.end()) {
        const auto* channel = config.find_channel(it->second.channel);
        if (!channel) return std::nullopt;
        const auto& locale = config.locale_of(name);
        // A chat channel's URL decides the room; the message names the target instead.
        if (channel->kind == config::ChannelKind::chat)
            return Recipient{channel->name, name, locale};
        if (it->second.address.empty()) return std::nullopt;
        return Recipient{it->second.channel, it->second.address, locale};
    }
    auto member = config.staff.find(name);
    if (member == config.staff.end()) return std::nullopt;
    return staff_on(config, config.find_channel(config.alert_channel), name, member->second.email,
                    member->second.phone);
}

bool route_matches(const config::Config& config, const config::AlertRoute& route,
                   const store::SurveyRow& survey) {
    return names(route.flows, survey.flow) && names(route.steps, survey.step) &&
           names(route.segments, survey.segment) && names(route.metrics, survey.metric) &&
           (route.teams.empty() || names(route.teams, config.team_of(survey.staff_id)));
}

bool should_alert(const config::Config& config, const store::SurveyRow& survey) {
    if (!survey.score) return false;
    const auto* step = step_of(config, survey);
    if (step && step->alert && step->alert->matches(*survey.score)) return true;
    return std::any_of(config.alert_routes.begin(), config.alert_routes.end(), [&](const auto& r) {
        return r.when && r.when->matches(*survey.score) && route_matches(config, r, survey);
    });
}

std::vector<Recipient> alert_recipients(const config::Config& config,
                                        const store::SurveyRow& survey,
                                        std::vector<std::string>* skipped) {
    std::vector<Recipient> out;
    const auto add = [&](const std::string& target, const config::ChannelConfig* staff_channel) {
        std::optional<Recipient> to;
        if (target == "staff") {
            to = staff_on(config, staff_channel, survey.staff_id, survey.staff_email,
                          survey.staff_phone);
        } else if (target == "team-lead") {
            auto member = config.staff.find(survey.staff_id);
            auto lead = member == config.staff.end() ? config.staff.end()
                                                     : config.staff.find(member->second.lead);
            if (lead != config.staff.end())
                to = staff_on(config, staff_channel, lead->first, lead->second.email,
                              lead->second.phone);
        } else if (auto member = config.staff.find(target); member != config.staff.end()) {
            to =
                staff_on(config, staff_channel, target, member->second.email, member->second.phone);
        } else {
            to = recipient_named(config, target);
        }
        if (!to) {
            if (skipped) skipped->push_back(target);
            return;
        }
        // Two rules naming the same person (the step's team-lead, a route's lead id) send
        // one message.
        const bool seen = std::any_of(out.begin(), out.end(), [&](const Recipient& r) {
            return r.channel == to->channel && r.address == to->address;
        });
        if (!seen) out.push_back(*to);
    };
    const auto* alert_channel = config.find_channel(config.alert_channel);
    const auto* step = step_of(config, survey);
    if (step && step->alert && survey.score && step->alert->matches(*survey.score))
        for (const auto& target : step->alert->notify) add(target, alert_channel);
    for (const auto& route : config.alert_routes) {
        if (!route_matches(config, route, survey)) continue;
        if (route.when && !(survey.score && route.when->matches(*survey.score))) continue;
        const auto* channel =
            route.channel.empty() ? alert_channel : config.find_channel(route.channel);
        for (const auto& target : route.notify) add(target, channel);
    }
    return out;
}
store::MessageRow alert_message(const config::Config& config, const store::SurveyRow& survey,
                                const Recipient& to, const templates::AlertFields& alert,
                                store::Seconds now) {
    // In the recipient's language (staff `locale:`, else the default). An anonymous survey's
    // alert says what was answered, never by whom.
    const auto shown = survey.anonymous ? nameless(survey) : survey;
    const auto& locale = to.locale.empty() ? config.defaults.locale : to.locale;
    // The alert's page speaks the recipient's language too.
    auto fields = alert;
    if (!fields.url.empty() && locale != config.defaults.locale) fields.url += "?l=" + locale;
    auto rendered = templates::render_alert(config, shown, locale, fields);
    store::MessageRow m;
    m.survey_id = survey.id;
    m.kind = "alert";
    m.channel = to.channel;
    m.address = to.address;
    m.locale = locale;
    const auto* ch = config.find_channel(to.channel);
    if (ch && ch->kind == config::ChannelKind::email) m.subject = rendered.subject;
    m.body = rendered.body;
    // A chat channel (Slack, Teams, a signed webhook) shows a card of the same words, with
    // the alert's page as its action.
    if (ch && ch->kind == config::ChannelKind::chat) {
        m.subject = rendered.subject;
        m.body = json_input::dump(
            nlohmann::json(alert_card(config, shown, rendered, now, fields, locale)));
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
    for (const auto& to : alert_recipients(config, survey, skipped))
        out.push_back(alert_message(config, survey, to, alert, now));
    return out;
}

}  // namespace cxgate::alerts
