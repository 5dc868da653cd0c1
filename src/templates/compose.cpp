#include "cxgate/templates/compose.hpp"

#include <algorithm>

#include "cxgate/channels/email_format.hpp"
#include "cxgate/channels/sms_encoding.hpp"
#include "render.hpp"

namespace cxgate::templates {

namespace detail {

const std::string* find_template(const config::Config& config, const std::string& locale,
                                 const std::string& file) {
    for (const auto& candidate : {locale, config.defaults.locale, std::string("en")}) {
        auto it = config.templates.find(candidate + "/" + file);
        if (it != config.templates.end()) return &it->second;
    }
    return nullptr;
}

namespace {
// mstch has one global escape function; whether it escapes is decided per thread, so
// the writer thread composing an SMS and the event loop rendering a page never race.
thread_local bool escape_html = false;

struct HtmlScope {
    bool saved = escape_html;
    explicit HtmlScope(bool html) { escape_html = html; }
    ~HtmlScope() { escape_html = saved; }
};
}  // namespace

std::string render(const std::string& source, const mstch::map& ctx, bool html) {
    static const bool installed = [] {
        mstch::config::escape = [](const std::string& s) {
            return escape_html ? channels::html_escape(s) : s;
        };
        return true;
    }();
    (void)installed;
    HtmlScope scope(html);
    return mstch::render(source, ctx);
}

std::string first_name(const std::string& name) {
    auto space = name.find(' ');
    return space == std::string::npos ? name : name.substr(0, space);
}

mstch::map survey_context(const config::Config& config, const store::SurveyRow& s) {
    mstch::map contact{{"name", s.contact_name},
                       {"first_name", first_name(s.contact_name)},
                       {"address", s.address},
                       {"segment", s.segment}};
    mstch::map staff{{"id", s.staff_id},
                     {"name", s.staff_name},
                     {"first_name", first_name(s.staff_name)},
                     {"email", s.staff_email}};
    mstch::map scale{{"min", std::to_string(s.scale_min)}, {"max", std::to_string(s.scale_max)}};
    mstch::map ctx{{"contact", contact},
                   {"staff", staff},
                   {"scale", scale},
                   {"flow", s.flow},
                   {"step", s.step},
                   {"metric", s.metric},
                   {"survey_id", std::to_string(s.id)},
                   {"public_url", config.server.public_url}};
    if (s.score) ctx.emplace("score", std::to_string(*s.score));
    if (!s.comment.empty()) ctx.emplace("comment", s.comment);
    // Templates distinguish "1 = very easy" from "5 = very easy" wordings.
    ctx.emplace("low_is_good", s.low_is_good);
    return ctx;
}

mstch::map plain_context(const config::Config& config) {
    return mstch::map{{"public_url", config.server.public_url}};
}

}  // namespace detail

namespace {

using detail::find_template;

// SMS bodies and subjects are single texts: strip the newline editors leave at the end.
std::string trim_end(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

Rendered render_with(const config::Config& config, const std::string& name,
                     const std::string& locale, const mstch::map& ctx) {
    // Messages are plain text: SMS, the email's text part and its subject. The email's
    // HTML part escapes that text when it is built (channels/email_format.cpp).
    Rendered out;
    if (const auto* body = find_template(config, locale, name + ".txt"))
        out.body = trim_end(detail::render(*body, ctx, false));
    if (const auto* subject = find_template(config, locale, name + ".subject.txt"))
        out.subject = trim_end(detail::render(*subject, ctx, false));
    else if (const auto* fallback = find_template(config, locale, "subject.txt"))
        out.subject = trim_end(detail::render(*fallback, ctx, false));
    return out;
}

// Only email has a subject; an SMS carries the body alone, with LF newlines, and is
// stored with its encoding and segment count (what the provider will bill).
void finish(const config::Config& config, store::MessageRow& m) {
    const auto* ch = config.find_channel(m.channel);
    if (ch && ch->kind == config::ChannelKind::email) return;
    m.subject.clear();
    m.body = sms::normalize_newlines(m.body);
    auto info = sms::analyze(m.body);
    m.encoding = sms::to_string(info.encoding);
    m.segments = info.segments;
}

}  // namespace

Rendered render(const config::Config& config, const store::SurveyRow& survey,
                const std::string& kind, const std::string& locale) {
    const std::string name = kind == "survey" ? survey.metric : kind;
    return render_with(config, name, locale, detail::survey_context(config, survey));
}

store::MessageRow compose(const config::Config& config, const store::SurveyRow& survey,
                          const std::string& kind, store::Seconds now) {
    auto rendered = render(config, survey, kind, survey.locale);
    store::MessageRow m;
    m.survey_id = survey.id;
    m.kind = kind;
    m.channel = survey.channel;
    m.address = survey.address;
    m.locale = survey.locale;
    m.subject = rendered.subject;
    m.body = rendered.body;
    m.created_at = now;
    finish(config, m);
    return m;
}

void finish_message(const config::Config& config, store::MessageRow& message) { finish(config, message); }

store::MessageRow compose_plain(const config::Config& config, const std::string& kind,
                                const std::string& channel, const std::string& address,
                                const std::string& locale, store::Seconds now) {
    auto rendered = render_with(config, kind, locale, detail::plain_context(config));
    store::MessageRow m;
    m.kind = kind;
    m.channel = channel;
    m.address = address;
    m.locale = locale;
    m.subject = rendered.subject;
    m.body = rendered.body;
    m.created_at = now;
    finish(config, m);
    return m;
}

}  // namespace cxgate::templates
