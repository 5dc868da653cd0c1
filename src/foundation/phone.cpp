#include "cxgate/foundation/phone.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace cxgate::phone {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::string ascii_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The raw number comes from imported customer data and ends up in logs, so keep the
// message on one line and unambiguous.
std::string in_quotes(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

}  // namespace

std::optional<Normalized> normalize(std::string_view raw, std::string_view default_region,
                                    std::string* error) {
    // libphonenumber only knows upper-case region codes; "fi" would be rejected as
    // an unknown country rather than used.
    const std::string region = ascii_upper(default_region);
    const auto fail = [&]() -> std::optional<Normalized> {
        if (error) {
            *error = region.empty()
                         ? "not a valid phone number: " + in_quotes(raw)
                         : "not a valid phone number for region " + region + ": " + in_quotes(raw);
        }
        return std::nullopt;
    };

    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(raw), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return fail();
    }
    // Parse accepts anything digit-shaped ("040 123" becomes +35840123), so only
    // validation tells a real number from a typo. A number of a known type is valid (both
    // run the same pattern matching on the region's metadata, a third of an event's parse),
    // so IsValidNumber is asked only about the rest: it also takes a number of the right
    // length in a region without patterns.
    const auto type = util.GetNumberType(number);
    if (type == PhoneNumberUtil::UNKNOWN && !util.IsValidNumber(number)) return fail();

    Normalized out;
    util.Format(number, PhoneNumberUtil::E164, &out.e164);
    out.mobile_capable =
        type == PhoneNumberUtil::MOBILE || type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
    return out;
}

std::string region_for_locale(std::string_view locale) {
    const std::string lang = ascii_lower(locale);
    if (lang == "fi") return "FI";
    if (lang == "sv") return "SE";
    if (lang == "en") return "GB";
    return "";
}

std::vector<std::string> spellings(std::string_view e164) {
    std::vector<std::string> out;
    auto add = [&out](std::string s) {
        if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end())
            out.push_back(std::move(s));
    };
    add(std::string(e164));
    if (e164.size() < 2 || e164.front() != '+') return out;
    add(std::string(e164.substr(1)));
    add("00" + std::string(e164.substr(1)));
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(e164), "", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return out;
    std::string formatted;
    for (auto format : {PhoneNumberUtil::NATIONAL, PhoneNumberUtil::INTERNATIONAL}) {
        util.Format(number, format, &formatted);
        add(formatted);
        std::string digits;
        for (char c : formatted)
            if (std::isdigit(static_cast<unsigned char>(c)) || c == '+') digits += c;
        add(digits);
    }
    return out;
}

std::string redact(std::string_view address) {
    const auto at = address.find('@');
    if (at != std::string_view::npos)
        return std::string(address.substr(0, std::min<size_t>(at, 1))) + "***" +
               std::string(address.substr(at));
    if (address.size() <= 6) return std::string(address.size(), '*');
    return std::string(address.substr(0, 4)) + std::string(address.size() - 6, '*') +
           std::string(address.substr(address.size() - 2));
}

}  // namespace cxgate::phone
