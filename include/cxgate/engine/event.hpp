#pragma once
// A business event as POST /v1/events receives it, validated and normalised.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::engine {

struct Contact {
    std::string id;     // contact.id, else the phone, else the email
    std::string phone;  // E.164, empty when none
    // The phone can take SMS (a mobile number): 09..., 020..., 0800... numbers are valid
    // phones but an SMS to them can only fail.
    bool phone_is_mobile = true;
    std::string email;  // lower-cased, empty when none
    std::string name;
    std::string locale;    // one of the configured locales
    std::string timezone;  // empty: the flow's
    std::string segment;
};

struct Staff {
    std::string id;
    std::string name;
    std::string email;
    std::string phone;
};

struct Event {
    std::string id;
    std::string type;
    timing::TimePoint occurred_at;
    timing::TimePoint received_at;
    Contact contact;
    std::optional<Staff> staff;
    // The deal this event belongs to: top-level `deal_id`, else `attributes.deal_id` (a
    // string or an integer). Arbitration and cancel_on match surveys by contact or by deal.
    std::string deal_id;
    // What the deal is worth (a won deal's value), in `currency` (ISO 4217, "EUR"); reports
    // sum values won per currency, never across currencies.
    std::optional<double> value;
    std::string currency;
    nlohmann::json attributes = nlohmann::json::object();
    nlohmann::json raw;  // the body as received, kept for audit
};

// Either an event or an error that names the field ("contact.phone: not a valid phone
// number for region FI: \"040 123\"").
struct ParsedEvent {
    std::optional<Event> event;
    std::string error;
    std::string field;  // the field the error names ("contact.phone"); the API's "field"
};

ParsedEvent parse_event(const nlohmann::json& body, const config::Config& config,
                        timing::TimePoint received_at);

// The longest accepted value of each text field of an event, in characters (code points):
// "contact.name" -> 200. A longer one is refused with 400 naming the field and the limit.
const std::map<std::string, size_t>& field_limits();
size_t max_field_chars(const std::string& field);

}  // namespace cxgate::engine
