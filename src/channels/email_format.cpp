#include "cxgate/channels/email_format.hpp"
#include "cxgate/foundation/html.hpp"

#include "cxgate/foundation/links.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/templates/mail_parts.hpp"
#include "cxgate/templates/pages.hpp"

namespace cxgate::channels {

namespace {

// The score buttons: one table row of links to {public_url}/r/{token}/{score}. Mail
// clients ignore <style> blocks and scripts and many block images, so this is a
// presentation table with inline styles only (Outlook's Word engine draws td
// backgrounds and padding, not those of inline links). Cells are narrow enough for
// 0-10 on a 360 px phone. A click only opens the answer page: see answer_page.cpp
// for why a GET never records a score.
struct ScoreLink {
    int score = 0;
    std::string label;  // the number, or "Kyllä" / "Ei" on a yes/no question
    std::string url;
};

std::string score_buttons_html(const std::vector<ScoreLink>& links, const std::string& prompt) {
    std::string html;
    if (!prompt.empty())
        html +=
            "<p style=\"margin:16px 0 8px 0\"><strong>" + html::escape(prompt) + "</strong></p>";
    html +=
        "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
        "style=\"border-collapse:separate;border-spacing:3px;margin:0 0 16px 0\"><tr>";
    for (const auto& [score, label, url] : links) {
        html +=
            "<td align=\"center\" bgcolor=\"#1a56db\" style=\"background-color:#1a56db;"
            "border-radius:6px;min-width:26px\"><a href=\"" +
            html::escape(url) +
            "\" style=\"display:block;padding:10px 4px;min-width:22px;font-family:Arial,"
            "sans-serif;font-size:16px;font-weight:bold;line-height:20px;color:#ffffff;"
            "text-decoration:none;text-align:center\">" +
            html::escape(label) + "</a></td>";
    }
    html += "</tr></table>";
    return html;
}

}  // namespace

FormattedEmail format_email(const config::Config& config, const config::ChannelConfig& channel,
                            const std::string& link_secret, const store::MessageRow& message) {
    FormattedEmail e;
    auto at = channel.from.find('@');
    const std::string domain =
        at == std::string::npos ? "cxgate.invalid" : channel.from.substr(at + 1);
    e.message_id = "<cx-" + std::to_string(message.id) + "." + random_hex(8) + "@" + domain + ">";
    e.unsubscribe_url =
        links::unsubscribe_url(config.server.public_url, link_secret, message.address);
    e.text = message.body;
    // Survey emails carry their scale as links; the token is fresh per send (a retry
    // or a reminder gets its own), and binds survey and expiry under the link secret.
    std::vector<ScoreLink> score_links;
    std::string prompt;
    if (message.answer_links && message.survey_id) {
        const auto& a = *message.answer_links;
        auto token =
            links::answer_token(link_secret, {*message.survey_id, a.expires_at}, random_hex(12));
        const bool yes_no = a.scale_min == 0 && a.scale_max == 1;
        for (int v : templates::answer_values(a.scale_min, a.scale_max))
            score_links.push_back({v, templates::answer_label(config, message.locale, yes_no, v),
                                   links::answer_url(config.server.public_url, token, v)});
        prompt = templates::buttons_prompt(config, message.locale);
        e.text += "\n\n" + prompt + "\n";
        for (const auto& link : score_links) e.text += link.label + ": " + link.url + "\n";
    }
    // Alerts, shared answers and digests go to staff; only customer messages carry an
    // unsubscribe footer.
    const bool customer =
        message.kind != "alert" && message.kind != "digest" && message.kind != "shared";
    std::string html =
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\"></head><body "
        "style=\"font-family:sans-serif\">";
    // A digest wrote its own HTML (tables of figures); other messages' is made from the text.
    const auto parts =
        message.kind == "digest" ? templates::parse_mail_parts(message.body) : std::nullopt;
    if (parts) {
        e.text = parts->text;
        html += parts->html;
    }
    size_t start = parts ? message.body.size() + 1 : 0;
    while (start <= message.body.size()) {
        auto nl = message.body.find('\n', start);
        auto line =
            message.body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        html += line.empty() ? "<br>" : "<p>" + html::escape(line) + "</p>";
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    if (!score_links.empty()) html += score_buttons_html(score_links, prompt);
    if (customer)
        html += "<p style=\"font-size:small;color:#666\"><a href=\"" +
                html::escape(e.unsubscribe_url) + "\">Unsubscribe / Peru tilaus / Avsluta</a></p>";
    html += "</body></html>";
    e.html = std::move(html);
    e.headers.push_back("Message-ID: " + e.message_id);
    if (!channel.reply_to.empty()) e.headers.push_back("Reply-To: " + channel.reply_to);
    if (customer) {
        e.headers.push_back("List-Unsubscribe: <" + e.unsubscribe_url +
                            ">, <mailto:" + channel.from + "?subject=unsubscribe>");
        e.headers.push_back("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    }
    return e;
}

}  // namespace cxgate::channels
