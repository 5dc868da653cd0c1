#pragma once
// E.164 normalisation of recipient phone numbers (libphonenumber), so that SMS
// sends, deduplication and opt-out lookups all see one spelling of a number.
#include <optional>
#include <string>
#include <string_view>

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

// Region for a survey locale: "fi" -> "FI", "sv" -> "SE", "en" -> "GB", else "".
std::string region_for_locale(std::string_view locale);

}  // namespace cxgate::phone
