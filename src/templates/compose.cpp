#include "cxgate/templates/compose.hpp"
#include "cxgate/foundation/html.hpp"

#include <algorithm>

#include "cxgate/foundation/sms_encoding.hpp"
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

const std::string* find_question_template(const config::Config& config, const std::string& locale,
                                          const std::string& named, const std::string& metric) {
    // The step's own wording in the contact's language beats the metric's generic one, and
    // either beats another language.
    for (const auto& candidate : {locale, config.defaults.locale, std::string("en")}) {
        if (!named.empty())
            if (auto it = config.templates.find(candidate + "/" + named + ".txt");
                it != config.templates.end())
                return &it->second;
        if (auto it = config.templates.find(candidate + "/" + metric + ".txt");
            it != config.templates.end())
            return &it->second;
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
            return escape_html ? html::escape(s) : s;
        };
        return true;
    }();
    (void)installed;
    HtmlScope scope(html);
    return mstch::render(source, ctx);
}

namespace {

// At most `limit` characters (UTF-8 code points), cut at a code point boundary: a name is
// data from outside, and a message must not grow with it (an SMS is billed per part).
std::string cap(const std::string& text, size_t limit) {
    size_t chars = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (chars++ == limit)
            return text.substr(0, i) + "...";  // ASCII: "…" would make an SMS UCS-2
    }
    return text;
}

}  // namespace

std::string first_name(const std::string& name) {
    auto start = name.find_first_not_of(' ');
    if (start == std::string::npos) return "";
    auto space = name.find(' ', start);
    return cap(name.substr(start, space == std::string::npos ? std::string::npos : space - start),
               kMaxFirstName);
}

Fields survey_fields(const config::Config& config, const store::SurveyRow& s,
                     std::optional<int> question) {
    // The question being asked (or last asked): its scale is what a reply must give.
    const int index = std::min(question.value_or(s.question), store::question_count(s) - 1);
    const auto q = store::question_at(s, index);
    const metrics::Scale question_scale{q.scale_min, q.scale_max};
    Fields out{{"contact", "name", cap(s.contact_name, kMaxName)},
               {"contact", "first_name", first_name(s.contact_name)},
               {"contact", "address", s.address},
               {"contact", "segment", cap(s.segment, kMaxName)},
               {"staff", "id", s.staff_id},
               {"staff", "name", cap(s.staff_name, kMaxName)},
               {"staff", "first_name", first_name(s.staff_name)},
               {"staff", "email", s.staff_email},
               {"scale", "min", std::to_string(q.scale_min)},
               {"scale", "max", std::to_string(q.scale_max)},
               {"", "flow", s.flow},
               {"", "step", s.step},
               {"", "metric", q.metric},
               {"question", "id", q.id},
               {"question", "number", std::to_string(index + 1)},
               {"question", "of", std::to_string(store::question_count(s))},
               {"", "survey_id", std::to_string(s.id)},
               {"", "public_url", config.server.public_url}};
    if (s.score) out.push_back({"", "score", std::to_string(*s.score)});
    if (!s.comment.empty()) out.push_back({"", "comment", cap(s.comment, kMaxComment)});
    // Templates distinguish "1 = very easy" from "5 = very easy" wordings, and a yes/no
    // question ("Vastaa KYLLÄ tai EI") from a scale.
    out.push_back({"", "low_is_good", q.low_is_good});
    out.push_back({"", "yes_no", metrics::is_yes_no(question_scale)});
    return out;
}

mstch::map survey_context(const config::Config& config, const store::SurveyRow& s) {
    return to_mstch(survey_fields(config, s));
}

void add_alert_fields(Fields& fields, const AlertFields& alert) {
    fields.push_back({"alert", "id", std::to_string(alert.id)});
    fields.push_back({"alert", "level", std::to_string(alert.level)});
    fields.push_back({"alert", "escalated", alert.level > 0});
    if (!alert.url.empty()) fields.push_back({"alert", "url", alert.url});
}

Fields plain_fields(const config::Config& config) {
    return Fields{{"", "public_url", config.server.public_url}};
}

mstch::map plain_context(const config::Config& config) {
    return to_mstch(plain_fields(config));
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
                     const std::string& locale, const detail::Fields& ctx) {
    // Messages are plain text: SMS, the email's text part and its subject. The email's
    // HTML part escapes that text when it is built (channels/email_format.cpp).
    Rendered out;
    if (const auto* body = find_template(config, locale, name + ".txt"))
        out.body = trim_end(detail::render_fields(*body, ctx));
    if (const auto* subject = find_template(config, locale, name + ".subject.txt"))
        out.subject = trim_end(detail::render_fields(*subject, ctx));
    else if (const auto* fallback = find_template(config, locale, "subject.txt"))
        out.subject = trim_end(detail::render_fields(*fallback, ctx));
    return out;
}

// Only email has a subject; an SMS carries the body alone, with LF newlines, and is
// stored with its encoding and segment count (what the provider will bill). A chat
// message is a card (alert_card.hpp) or a subject and a text, sent as they are.
void finish(const config::Config& config, store::MessageRow& m) {
    const auto* ch = config.find_channel(m.channel);
    if (ch && (ch->kind == config::ChannelKind::email || ch->kind == config::ChannelKind::chat))
        return;
    m.subject.clear();
    m.body = sms::normalize_newlines(m.body);
    auto info = sms::analyze(m.body);
    m.encoding = sms::to_string(info.encoding);
    m.segments = info.segments;
}

}  // namespace

Rendered render(const config::Config& config, const store::SurveyRow& survey,
                const std::string& kind, const std::string& locale) {
    if (kind != "survey" && kind != "question")
        return render_with(config, kind, locale, detail::survey_fields(config, survey));
    // The question's own template (the step's wording), else its metric's.
    const int index = kind == "survey" ? 0 : survey.question;
    const auto q = store::question_at(survey, index);
    const auto question_ctx = detail::survey_fields(config, survey, index);
    Rendered out;
    if (const auto* body =
            detail::find_question_template(config, locale, q.template_name, q.metric))
        out.body = trim_end(detail::render_fields(*body, question_ctx));
    const std::string subject_name = q.template_name.empty() ? q.metric : q.template_name;
    if (const auto* subject = find_template(config, locale, subject_name + ".subject.txt"))
        out.subject = trim_end(detail::render_fields(*subject, question_ctx));
    else if (const auto* generic = find_template(config, locale, q.metric + ".subject.txt"))
        out.subject = trim_end(detail::render_fields(*generic, question_ctx));
    else if (const auto* fallback = find_template(config, locale, "subject.txt"))
        out.subject = trim_end(detail::render_fields(*fallback, question_ctx));
    return out;
}

Rendered render_alert(const config::Config& config, const store::SurveyRow& survey,
                      const std::string& locale, const AlertFields& alert) {
    auto fields = detail::survey_fields(config, survey);
    detail::add_alert_fields(fields, alert);
    return render_with(config, "alert", locale, fields);
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

const std::vector<std::string>& target_fields() {
    static const std::vector<std::string> fields{"flow",   "step", "metric",   "week",   "figure",
                                                 "target", "n",    "previous", "change", "summary"};
    return fields;
}

void finish_message(const config::Config& config, store::MessageRow& message) {
    finish(config, message);
}

store::MessageRow compose_plain(const config::Config& config, const std::string& kind,
                                const std::string& channel, const std::string& address,
                                const std::string& locale, store::Seconds now,
                                const std::map<std::string, std::string>& fields) {
    auto ctx = detail::plain_fields(config);
    for (const auto& field : fields) {
        // A field of the caller's replaces the common one of its name.
        auto same = std::find_if(ctx.begin(), ctx.end(), [&](const detail::Field& f) {
            return f.group.empty() && f.name == field.first;
        });
        if (same != ctx.end())
            same->value = field.second;
        else
            ctx.push_back({"", field.first, field.second});
    }
    auto rendered = render_with(config, kind, locale, ctx);
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
