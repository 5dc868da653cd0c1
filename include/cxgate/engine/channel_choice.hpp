#pragma once
// Which of a step's channels carries a survey to a contact: the first, in the step's order,
// for which the contact has an address that has not opted out and can take it (an SMS needs
// a mobile number). One rule for the three moments it is asked: when the event plans the
// survey (engine/plan), when it falls due (scheduler/due_work: the address may have opted
// out since) and when a channel fails (channels/delivery: failover to the next one).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cxgate/config/config.hpp"

namespace cxgate::engine {

struct ContactAddresses {
    std::string phone, email;
    bool phone_is_mobile = true;  // false: a landline or service number (no SMS)
};

// The phone's mobile flag from the number itself (libphonenumber), for addresses read back
// from the store.
ContactAddresses addresses_of(std::string phone, std::string email);

struct ChannelChoice {
    const config::ChannelConfig* channel = nullptr;  // null: none can carry it
    std::string address;
    bool any_address = false;  // some channel had an address able to take it (maybe opted out)
    bool landline = false;     // an SMS channel was passed over: the phone is not mobile
};

// `after`: only channels after this one in the list (a failover never goes back); empty:
// from the first.
ChannelChoice choose_channel(const config::Config& config, const std::vector<std::string>& channels,
                             const ContactAddresses& contact,
                             const std::function<bool(const std::string&)>& opted_out,
                             std::string_view after = {});

}  // namespace cxgate::engine
