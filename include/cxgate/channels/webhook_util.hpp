#pragma once
// Reading webhook bodies the way providers send them.
#include <optional>
#include <string>

#include "cxgate/channels/channel.hpp"
#include "cxgate/channels/signatures.hpp"

namespace cxgate::channels {

// Every name=value pair of a form body, in arrival order, repeats kept (Twilio signs all).
signatures::Params form_params(const std::string& body);
// The first value of a field, or "" (for reading, not for signing).
std::string field(const signatures::Params& params, const std::string& name);
const std::string& header(const WebhookRequest& request, const std::string& lower_name);
bool is_form(const WebhookRequest& request);
// The bearer token of an Authorization header, or "".
std::string bearer_token(const WebhookRequest& request);
// The shared secret given in the webhook URL's query (?secret=...), compared in constant time.
bool query_secret_matches(const WebhookRequest& request, const std::string& secret);

}  // namespace cxgate::channels
