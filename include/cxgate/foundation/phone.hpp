#pragma once
// E.164 normalisation of recipient phone numbers (libphonenumber), so that SMS
// sends, deduplication and opt-out lookups all see one spelling of a number.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cxgate::phone {

struct Normalized {
    std::string e164;     // "+358401234567"
    bool mobile_capable;  // MOBILE or FIXED_LINE_OR_MOBILE: worth sending an SMS to
};

// default_region: ISO 3166 region such as "FI", used when the number has no
// +country prefix (may be empty when every number is international).
// Returns std::nullopt and sets *error (when error is not null), e.g.
// `not a valid phone number for region FI: "040 123"`, when parsing fails or the
// number is not valid for its region.
std::optional<Normalized> normalize(std::string_view raw, std::string_view default_region,
                                    std::string* error);

// Every way an E.164 number is commonly written, so that a search for one person finds
// the rows where a provider or a CRM spelled it its own way: "+358401234567",
// "358401234567", "00358401234567", "040 1234567", "0401234567", "+358 40 1234567".
std::vector<std::string> spellings(std::string_view e164);

// An address for a log line: enough to tell two apart, not enough to reach the person
// ("+358*******67", "a***@example.com"). Logs outlive an erasure (cxgate forget).
std::string redact(std::string_view address);

// Region for a survey locale: "fi" -> "FI", "sv" -> "SE", "en" -> "GB", else "".
std::string region_for_locale(std::string_view locale);

}  // namespace cxgate::phone
