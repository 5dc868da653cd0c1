#include <doctest/doctest.h>

#include "cxgate/foundation/phone.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <string>

using cxgate::phone::normalize;
using cxgate::phone::region_for_locale;

TEST_CASE("phone: Finnish mobile in national format") {
    std::string error;
    const auto n = normalize("040 123 4567", "FI", &error);
    REQUIRE(n.has_value());
    CHECK(n->e164 == "+358401234567");
    CHECK(n->mobile_capable);
    CHECK(error.empty());

    const auto compact = normalize("0401234567", "FI", &error);
    REQUIRE(compact.has_value());
    CHECK(compact->e164 == "+358401234567");
    CHECK(compact->mobile_capable);
}

TEST_CASE("phone: international format needs no default region") {
    std::string error;
    const auto n = normalize("+358 40 1234567", "", &error);
    REQUIRE(n.has_value());
    CHECK(n->e164 == "+358401234567");
    CHECK(n->mobile_capable);

    // The + prefix wins over the default region.
    const auto se = normalize("+46 70 123 45 67", "FI", &error);
    REQUIRE(se.has_value());
    CHECK(se->e164 == "+46701234567");
    CHECK(se->mobile_capable);
}

TEST_CASE("phone: region code is case-insensitive") {
    const auto n = normalize("040 123 4567", "fi", nullptr);
    REQUIRE(n.has_value());
    CHECK(n->e164 == "+358401234567");
}

TEST_CASE("phone: Helsinki landline is valid but not mobile") {
    const auto n = normalize("09 1234567", "FI", nullptr);
    REQUIRE(n.has_value());
    CHECK(n->e164 == "+35891234567");
    CHECK_FALSE(n->mobile_capable);
}

TEST_CASE("phone: invalid numbers") {
    std::string error;
    // Parses as +35840123 but is too short to be a real number.
    CHECK_FALSE(normalize("040 123", "FI", &error).has_value());
    CHECK(error == R"(not a valid phone number for region FI: "040 123")");

    error.clear();
    CHECK_FALSE(normalize("abc", "FI", &error).has_value());
    CHECK(error == R"(not a valid phone number for region FI: "abc")");

    error.clear();
    CHECK_FALSE(normalize("", "FI", &error).has_value());
    CHECK(error == R"(not a valid phone number for region FI: "")");

    // A national number with no region to interpret it in.
    error.clear();
    CHECK_FALSE(normalize("0401234567", "", &error).has_value());
    CHECK(error == R"(not a valid phone number: "0401234567")");

    CHECK_FALSE(normalize("040 123", "FI", nullptr).has_value());
    CHECK_FALSE(normalize("040\n123", "FI", &error).has_value());
    CHECK(error == R"(not a valid phone number for region FI: "040\x0a123")");
}

TEST_CASE("phone: region_for_locale") {
    CHECK(region_for_locale("fi") == "FI");
    CHECK(region_for_locale("sv") == "SE");
    CHECK(region_for_locale("en") == "GB");
    CHECK(region_for_locale("FI") == "FI");
    CHECK(region_for_locale("de") == "");
    CHECK(region_for_locale("") == "");
    CHECK(region_for_locale("fi-FI") == "");
}

// normalize asks IsValidNumber only about numbers of no known type; what it accepts must be
// what IsValidNumber accepts, for every kind of number: mobiles, landlines, toll-free and
// premium numbers, the non-geographic +800 and +882, regions sharing a calling code (+1,
// +44, +7), and typos of every length.
TEST_CASE("phone: valid exactly when libphonenumber's IsValidNumber says so") {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    const char* prefixes[] = {"+35840", "+358050", "+3589",  "+358800", "+358600", "+35820",
                              "+4670",  "+468",    "+46771", "+447700", "+44207",  "+44800",
                              "+1212",  "+1800",   "+1684",  "+7495",   "+7700",   "+800",
                              "+882",   "+979",    "+290",   "+3906",   "+39347",  "+999"};
    int valid = 0, checked = 0;
    for (const char* prefix : prefixes) {
        for (int digits = 0; digits <= 9; ++digits) {
            std::string raw = prefix;
            for (int i = 0; i < digits; ++i) raw += static_cast<char>('1' + (i * 7 + digits) % 9);
            PhoneNumber number;
            const bool parses = util.Parse(raw, "FI", &number) == PhoneNumberUtil::NO_PARSING_ERROR;
            const bool expected = parses && util.IsValidNumber(number);
            const auto got = normalize(raw, "FI", nullptr);
            CHECK_MESSAGE(got.has_value() == expected, raw);
            if (got) {
                const auto type = util.GetNumberType(number);
                CHECK(got->mobile_capable == (type == PhoneNumberUtil::MOBILE ||
                                              type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE));
            }
            valid += expected;
            ++checked;
        }
    }
    // Both sides of the comparison are exercised.
    CHECK(valid > 20);
    CHECK(checked - valid > 20);
}
