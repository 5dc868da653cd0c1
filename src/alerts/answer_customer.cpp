// Answering the customer from an alert: a staff member's own words (or a reply template's,
// edited) sent on the survey's channel to the address that answered, kept on the survey's
// thread as a message of kind "reply". It counts as handling the alert: an open alert is
// acknowledged by whoever answered, so it escalates no further.
#include <spdlog/spdlog.h>

#include "cxgate/alerts/alerts.hpp"
#include "cxgate/foundation/utf8.hpp"

namespace cxgate::alerts {

namespace {

// An SMS answer stays within four GSM-7 parts (or nine UCS-2 ones); an email may say more.
constexpr size_t kMaxSmsAnswer = 600;
constexpr size_t kMaxEmailAnswer = 4000;
constexpr size_t kMaxAnswerBy = 100;
constexpr std::string_view kTemplatePrefix = "reply-";

}  // namespace

std::vector<ReplyDraft> reply_drafts(const config::Config& config, const store::SurveyRow& survey) {
    std::vector<ReplyDraft> out;
    // The customer's language: the survey's locale, with the default's templates when that
    // locale has none.
    for (const auto& locale : {survey.locale, config.defaults.locale}) {
        const std::string prefix = locale + "/" + std::string(kTemplatePrefix);
        for (auto it = config.templates.lower_bound(prefix);
             it != config.templates.end() && it->first.starts_with(prefix); ++it) {
            auto name = it->first.substr(locale.size() + 1);
            if (!name.ends_with(".txt") || name.ends_with(".subject.txt")) continue;
            name = name.substr(0, name.size() - 4);
            const auto rendered = templates::render(config, survey, name, locale);
            out.push_back({name.substr(kTemplatePrefix.size()), rendered.body});
        }
        if (!out.empty()) break;
    }
    return out;
}

std::string why_not_answerable(store::Store& db, const config::Config& config,
                               const store::SurveyRow& survey) {
    // An anonymous survey's answer is not tied to a person (and once closed, no address
    // is kept); an erased one has no address left.
    if (survey.anonymous) return "the survey is anonymous: its answer is not linked to anyone";
    if (survey.address.empty() || survey.channel.empty())
        return "the customer's address is no longer kept";
    const auto* channel = config.find_channel(survey.channel);
    if (!channel || channel->kind == config::ChannelKind::chat)
        return "the survey's channel \"" + survey.channel + "\" is no longer configured";
    if (db.is_opted_out(survey.address))
        return "the customer has opted out of messages on this address";
    return {};
}

CustomerAnswerResult answer_customer(store::Store& db, const config::Config& config,
                                     std::int64_t alert_id, const CustomerAnswer& answer,
                                     store::Seconds now) {
    CustomerAnswerResult out;
    out.alert = db.alert(alert_id);
    auto survey = out.alert ? db.find_survey(out.alert->survey_id) : std::nullopt;
    if (!out.alert || !survey) {
        out.not_found = true;
        out.error = "no alert " + std::to_string(alert_id);
        return out;
    }
    const std::string by = utf8::repair(answer.by);
    // Normalised like a template's text: trailing blank lines are an editor's, not words.
    std::string text = utf8::repair(answer.text);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    if (by.empty()) {
        out.error = "by: say who you are";
        return out;
    }
    if (utf8::length(by) > kMaxAnswerBy) {
        out.error = "by: at most " + std::to_string(kMaxAnswerBy) + " characters";
        return out;
    }
    if (text.empty()) {
        out.error = "text: write the answer to send";
        return out;
    }
    if (auto why = why_not_answerable(db, config, *survey); !why.empty()) {
        out.error = why;
        return out;
    }
    const auto* channel = config.find_channel(survey->channel);
    const size_t max = channel->kind == config::ChannelKind::sms ? kMaxSmsAnswer : kMaxEmailAnswer;
    if (utf8::length(text) > max) {
        out.error = "text: at most " + std::to_string(max) + " characters on " + survey->channel;
        return out;
    }

    store::MessageRow m;
    m.survey_id = survey->id;
    m.kind = "reply";
    m.channel = survey->channel;
    m.address = survey->address;
    m.locale = survey->locale.empty() ? config.defaults.locale : survey->locale;
    // reply.subject.txt, else the locale's subject.txt.
    m.subject = templates::render(config, *survey, "reply", m.locale).subject;
    m.body = text;
    m.created_at = now;
    templates::finish_message(config, m);
    out.message_id = db.insert_message(m);

    auto a = *out.alert;
    if (a.state == store::AlertHandling::open) {
        a.state = store::AlertHandling::acknowledged;
        a.acknowledged_at = now;
        a.acknowledged_by = by;
        a.escalate_at.reset();
        db.save_alert(a);
    }
    spdlog::info("alert {} (survey {}): {} answered the customer on {} (message {})", a.id,
                 a.survey_id, by, m.channel, *out.message_id);
    out.alert = a;
    return out;
}

}  // namespace cxgate::alerts
