#include <doctest/doctest.h>

#include <string>

#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/utf8.hpp"

using namespace cxgate;

namespace {
const std::string fffd = "\xEF\xBF\xBD";

std::string nested(size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}
}  // namespace

TEST_CASE("utf8: valid and invalid sequences") {
    CHECK(utf8::valid(""));
    CHECK(utf8::valid("plain ASCII"));
    CHECK(utf8::valid("Åsa, yhdeksän, 🙂"));
    CHECK_FALSE(utf8::valid("\xE4"));  // Latin-1 'ä' alone
    CHECK_FALSE(utf8::valid("%E4%FF decoded: \xE4\xFF"));
    CHECK_FALSE(utf8::valid("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(utf8::valid("\xED\xA0\x80"));      // a surrogate
    CHECK_FALSE(utf8::valid("\xF4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(utf8::valid("\xE2\x82"));          // cut short
}

TEST_CASE("utf8: repair replaces each maximal invalid subpart with U+FFFD") {
    CHECK(utf8::repair("ok ä") == "ok ä");
    CHECK(utf8::repair("a\xE4\xFF"
                       "b") == "a" + fffd + fffd + "b");
    // The Unicode Standard's example (section 3.9, U+FFFD substitution): a truncated
    // three-byte sequence is one replacement, not two.
    CHECK(utf8::repair("\xE2\x82"
                       "x") == fffd + "x");
    CHECK(utf8::repair("\xC0\xAF") == fffd + fffd);
    CHECK(utf8::valid(utf8::repair("\xF0\x9F\x99")));
}

TEST_CASE("utf8: length counts code points") {
    CHECK(utf8::length("") == 0);
    CHECK(utf8::length("Asa") == 3);
    CHECK(utf8::length("Åsa") == 3);
    CHECK(utf8::length("🙂") == 1);
}

TEST_CASE("json_input: nesting is limited while parsing") {
    CHECK(json_input::parse(nested(json_input::kMaxDepth)).value);
    auto deep = json_input::parse(nested(json_input::kMaxDepth + 1));
    CHECK_FALSE(deep.value);
    CHECK(deep.field == "body");
    CHECK(deep.message() == "body: JSON nested deeper than 64 levels");
    // What crashed the daemon: 5,000 levels in 10 KB, and 100,000.
    CHECK_FALSE(json_input::parse(nested(5000)).value);
    CHECK_FALSE(json_input::parse(nested(100000)).value);
    std::string objects;
    for (int i = 0; i < 100; ++i) objects += "{\"a\":";
    objects += "1" + std::string(100, '}');
    CHECK(json_input::parse(objects).error == "JSON nested deeper than 64 levels");
}

TEST_CASE("json_input: errors name the field or the byte") {
    auto bad = json_input::parse("{\"id\": ");
    CHECK_FALSE(bad.value);
    CHECK(bad.message().rfind("body: malformed JSON at byte", 0) == 0);
    CHECK(json_input::parse("").field == "body");
    CHECK_FALSE(json_input::parse("{} {}").value);  // one value, nothing after it

    auto overflow = json_input::parse(R"({"id": "e", "deal_id": 1e999})");
    CHECK_FALSE(overflow.value);
    CHECK(overflow.message() == "deal_id: number out of range (1e999)");
    auto inner = json_input::parse(R"({"attributes": {"items": [1, 2, {"amount": -1e400}]}})");
    CHECK(inner.field == "attributes.items[2].amount");
    CHECK(json_input::parse("1e999").field == "body");

    // Invalid UTF-8 inside a string is malformed JSON (nlohmann checks it).
    CHECK_FALSE(json_input::parse("{\"a\": \"\xE4\xFF\"}").value);
}

TEST_CASE("json_input: a good body parses as nlohmann would") {
    const std::string text =
        R"({"id": "evt-1", "n": 18446744073709551615, "neg": -9223372036854775808, "f": 1.5,
            "a": [true, null, "x"], "o": {}})";
    auto parsed = json_input::parse(text);
    REQUIRE(parsed.value);
    CHECK(*parsed.value == nlohmann::json::parse(text));
    CHECK(parsed.value->at("n").is_number_unsigned());
}

TEST_CASE("json_input: dump replaces invalid UTF-8 instead of throwing") {
    nlohmann::json j{{"comment", std::string("bad \xE4\xFF")}};
    CHECK_THROWS(j.dump());
    CHECK(json_input::dump(j) == "{\"comment\":\"bad " + fffd + fffd + "\"}");
}

TEST_CASE("utf8: append encodes every code point UTF-8 can carry, and U+FFFD for the rest") {
    struct Case {
        char32_t code_point;
        std::string bytes;
    };
    const Case cases[] = {
        {U'a', "a"},
        {0xE4, "\xC3\xA4"},              // ä: two bytes (a Latin-1 byte decoded)
        {0x20AC, "\xE2\x82\xAC"},        // €: three
        {0x1F600, "\xF0\x9F\x98\x80"},   // an emoji from a UTF-16 surrogate pair: four
        {0x10FFFF, "\xF4\x8F\xBF\xBF"},  // the last code point
        {0xD800, "\xEF\xBF\xBD"},        // a lone surrogate
        {0x110000, "\xEF\xBF\xBD"},      // beyond Unicode
    };
    for (const auto& c : cases) {
        std::string out = "x";
        utf8::append(out, c.code_point);
        CHECK(out == "x" + c.bytes);
        CHECK(utf8::valid(out));
    }
}
