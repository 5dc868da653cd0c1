// Every answer to its staff member (share_answers.hpp).
#include "cxgate/scheduler/share_answers.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "cxgate/scheduler/digests.hpp"
#include "cxgate/templates/compose.hpp"

namespace cxgate::scheduler {

namespace {

constexpr const char* kCursor = "share_answers_cursor";
// Never shared once older than this: see share_answers.hpp.
constexpr store::Seconds kMaxAge = 86400;

using detail::first_name;
using detail::metric_name;
using detail::step_of;

bool any_shared_at_once(const config::Config& config) {
    for (const auto& flow : config.flows)
        for (const auto& step : flow.steps)
            if (step.share_answers == config::ShareAnswers::immediately) return true;
    return false;
}

store::Seconds wait_seconds(const timing::Delay& d) {
    using U = timing::Delay::Unit;
    switch (d.unit) {
        case U::seconds:
            return d.amount;
        case U::minutes:
            return d.amount * 60LL;
        case U::hours:
            return d.amount * 3600LL;
        case U::days:
        case U::business_days:
            return d.amount * 86400LL;
    }
    return 0;
}

// "New answer" in the staff member's language.
const char* new_answer(const std::string& locale) {
    if (locale == "fi") return "Uusi vastaus";
    if (locale == "sv") return "Nytt svar";
    return "New answer";
}

// The survey's staff member on the alert channel: their email or phone, as the survey
// recorded it from its event, else as the staff directory has it.
std::string address_of(const config::Config& config, const config::ChannelConfig& channel,
                       const store::SurveyRow& s) {
    const auto member = config.staff.find(s.staff_id);
    const bool known = member != config.staff.end();
    if (channel.kind == config::ChannelKind::email)
        return !s.staff_email.empty() ? s.staff_email : known ? member->second.email : "";
    if (channel.kind == config::ChannelKind::sms)
        return !s.staff_phone.empty() ? s.staff_phone : known ? member->second.phone : "";
    return "";
}

store::MessageRow shared_message(const config::Config& config, const store::SurveyRow& s,
                                 const config::ChannelConfig& channel, const std::string& address,
                                 store::Seconds now) {
    const auto locale = staff_locale(config, s.staff_id);
    const std::string score = metric_name(s.metric) + " " + std::to_string(*s.score) + " (" +
                              std::to_string(s.scale_min) + "-" + std::to_string(s.scale_max) + ")";
    store::MessageRow m;
    m.survey_id = s.id;  // erasing the customer deletes it with their survey's messages
    m.kind = "shared";
    m.channel = channel.name;
    m.address = address;
    m.locale = locale;
    m.subject = std::string(new_answer(locale)) + ": " + score + " (" + s.step + ")";
    m.body = std::string(new_answer(locale)) + ": " + s.flow + " / " + s.step + ", " + score;
    if (!s.contact_name.empty()) m.body += ", " + first_name(s.contact_name);
    if (!s.comment.empty()) m.body += ": \"" + s.comment + "\"";
    m.created_at = now;
    templates::finish_message(config, m);
    return m;
}

}  // namespace

ShareResult share_answers(store::Store& db, const config::Config& config, store::Seconds now,
                          size_t limit) {
    ShareResult out;
    if (!any_shared_at_once(config)) return out;
    const auto* channel = config.find_channel(config.alert_channel);
    if (!channel) return out;
    long long at = 0, id = 0;
    const auto stored = db.setting(kCursor, [&] { return std::to_string(now) + ":0"; });
    if (std::sscanf(stored.c_str(), "%lld:%lld", &at, &id) != 2) at = now;
    store::ResponsePage page;
    page.since = std::max<store::Seconds>(at, now - kMaxAge);
    page.until = now + 1;  // answers of this very second too
    if (at >= *page.since)
        page.after = std::make_pair(static_cast<store::Seconds>(at), static_cast<std::int64_t>(id));
    page.limit = limit;
    const auto wait = wait_seconds(config.defaults.alert_comment_wait);
    const auto answers = db.answered_surveys(page);
    out.more = answers.size() >= limit;
    bool moved = false;
    for (const auto& s : answers) {
        // In the order answered: an answer still awaiting its "why?" stops the page, so the
        // cursor never passes an answer that was not looked at.
        const auto answered = s.answered_at.value_or(0);
        const bool ready =
            !s.comment.empty() || s.state != store::SurveyState::answered || answered + wait <= now;
        if (!ready) {
            out.more = false;
            break;
        }
        at = answered;
        id = s.id;
        moved = true;
        const auto* step = step_of(config, s);
        if (!step || step->share_answers != config::ShareAnswers::immediately || !s.score ||
            s.anonymous || s.staff_id.empty())
            continue;
        const auto address = address_of(config, *channel, s);
        if (address.empty()) continue;
        out.queued_messages.push_back(
            db.insert_message(shared_message(config, s, *channel, address, now)));
        ++out.shared;
    }
    if (moved) db.put_setting(kCursor, std::to_string(at) + ":" + std::to_string(id));
    return out;
}

}  // namespace cxgate::scheduler
