#include "cxgate/channels/email_format.hpp"

#include "cxgate/util/links.hpp"
#include "cxgate/util/random.hpp"

namespace cxgate::channels {

std::string html_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

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
    // Alerts go to staff; only customer messages carry an unsubscribe footer.
    const bool customer = message.kind != "alert";
    std::string html = "<!doctype html><html><body style=\"font-family:sans-serif\">";
    size_t start = 0;
    while (start <= message.body.size()) {
        auto nl = message.body.find('\n', start);
        auto line =
            message.body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        html += line.empty() ? "<br>" : "<p>" + html_escape(line) + "</p>";
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    if (customer)
        html += "<p style=\"font-size:small;color:#666\"><a href=\"" +
                html_escape(e.unsubscribe_url) + "\">Unsubscribe / Peru tilaus / Avsluta</a></p>";
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
