// The channel rule of channel_choice.hpp.
#include "cxgate/engine/channel_choice.hpp"

#include <algorithm>

#include "cxgate/foundation/phone.hpp"

namespace cxgate::engine {

ContactAddresses addresses_of(std::string phone, std::string email) {
    ContactAddresses out{std::move(phone), std::move(email), true};
    if (!out.phone.empty()) {
        const auto number = phone::normalize(out.phone, "", nullptr);
        out.phone_is_mobile = number && number->mobile_capable;
    }
    return out;
}

ChannelChoice choose_channel(const config::Config& config, const std::vector<std::string>& channels,
                             const ContactAddresses& contact,
                             const std::function<bool(const std::string&)>& opted_out,
                             std::string_view after) {
    ChannelChoice out;
    auto it = channels.begin();
    if (!after.empty()) {
        it = std::find(channels.begin(), channels.end(), after);
        if (it == channels.end()) return out;
        ++it;
    }
    for (; it != channels.end(); ++it) {
        const auto* channel = config.find_channel(*it);
        // A chat channel reaches staff, never a customer (`cxgate check` refuses it in a
        // step; a flow version kept from before a reload may still name one).
        if (!channel || channel->kind == config::ChannelKind::chat) continue;
        const bool sms = channel->kind == config::ChannelKind::sms;
        const std::string& address = sms ? contact.phone : contact.email;
        if (address.empty()) continue;
        if (sms && !contact.phone_is_mobile) {
            // A landline or service number: the step's next channel, if any, instead.
            out.landline = true;
            continue;
        }
        out.any_address = true;
        if (opted_out(address)) continue;
        out.channel = channel;
        out.address = address;
        return out;
    }
    return out;
}

}  // namespace cxgate::engine
