#pragma once
// What every email channel sends besides subject and text: an HTML part, a Message-ID,
// Reply-To, and RFC 8058 one-click unsubscribe headers.
#include <string>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::channels {

struct FormattedEmail {
    std::string message_id;  // "<cx-42.3f9a...@example.com>"
    std::string text;
    std::string html;
    std::string unsubscribe_url;
    std::vector<std::string> headers;  // "Name: value"
};

FormattedEmail format_email(const config::Config& config, const config::ChannelConfig& channel,
                            const std::string& link_secret, const store::MessageRow& message);

}  // namespace cxgate::channels
