#include <doctest/doctest.h>

#include "cxgate/foundation/phone.hpp"

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
