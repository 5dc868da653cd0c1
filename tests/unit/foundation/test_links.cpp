#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cxgate/foundation/links.hpp"

using namespace cxgate::links;

namespace {
const std::string kSecret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t kNow = 1'800'000'000;

// Replaces the character at i with another one of the same base64url/hex alphabet.
std::string flip(std::string token, size_t i) {
    token[i] = token[i] == 'A' ? 'B' : 'A';
    return token;
}
}  // namespace

TEST_CASE("answer token: a fresh token verifies and names its survey and expiry") {
    auto token = answer_token(kSecret, {42, kNow + 3600}, "00112233445566778899aabb");
    auto checked = check_answer_token(kSecret, token, kNow);
    CHECK(checked.status == TokenStatus::valid);
    CHECK(checked.token.survey_id == 42);
    CHECK(checked.token.expires_at == kNow + 3600);
    // URL-safe as it stands: no escaping needed in a path segment.
    CHECK(token.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") ==
          std::string::npos);
    CHECK(answer_url("https://cx.example.com/", token, 9) ==
          "https://cx.example.com/r/" + token + "/9");
    CHECK(answer_url("https://cx.example.com", token) == "https://cx.example.com/r/" + token);
}

TEST_CASE("answer token: random nonces make every token different, each valid") {
    auto a = answer_token(kSecret, {42, kNow + 60}, "aaaaaaaaaaaaaaaaaaaaaaaa");
    auto b = answer_token(kSecret, {42, kNow + 60}, "bbbbbbbbbbbbbbbbbbbbbbbb");
    CHECK(a != b);
    CHECK(check_answer_token(kSecret, a, kNow).status == TokenStatus::valid);
    CHECK(check_answer_token(kSecret, b, kNow).status == TokenStatus::valid);
}

TEST_CASE("answer token: any edited character is refused") {
    auto token = answer_token(kSecret, {42, kNow + 3600}, "00112233445566778899aabb");
    for (size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '.') continue;
        auto edited = flip(token, i);
        if (edited == token) continue;
        auto status = check_answer_token(kSecret, edited, kNow).status;
        CAPTURE(i);
        CHECK(status != TokenStatus::valid);
        CHECK(status != TokenStatus::expired);  // an edited expiry is not "expired" either
    }
}

TEST_CASE("answer token: a MAC from another survey or another secret does not verify") {
    auto for_42 = answer_token(kSecret, {42, kNow + 3600}, "00112233445566778899aabb");
    auto for_43 = answer_token(kSecret, {43, kNow + 3600}, "00112233445566778899aabb");
    // Survey 43's payload with survey 42's MAC: the wrong-survey forgery.
    auto forged = for_43.substr(0, for_43.find('.')) + for_42.substr(for_42.find('.'));
    CHECK(check_answer_token(kSecret, forged, kNow).status == TokenStatus::bad_signature);
    CHECK(check_answer_token("another-secret", for_42, kNow).status == TokenStatus::bad_signature);
    // An unsubscribe token never passes as an answer token.
    CHECK(check_answer_token(kSecret, unsubscribe_token(kSecret, "a@example.com"), kNow).status !=
          TokenStatus::valid);
}

TEST_CASE("answer token: expired at its expiry second, and only when the MAC is right") {
    auto token = answer_token(kSecret, {7, kNow}, "00112233445566778899aabb");
    CHECK(check_answer_token(kSecret, token, kNow - 1).status == TokenStatus::valid);
    auto at = check_answer_token(kSecret, token, kNow);
    CHECK(at.status == TokenStatus::expired);
    CHECK(at.token.survey_id == 7);  // the page can still say which survey closed
    CHECK(check_answer_token(kSecret, token, kNow + 86400 * 365).status == TokenStatus::expired);
    CHECK(kDefaultAnswerLifetime == 30 * 24 * 3600);
}

TEST_CASE("answer token: malformed input") {
    for (const std::string& bad : std::vector<std::string>{
             "", ".", "abc", "abc.", ".abcdef", "!!!.0123", std::string(500, 'A') + ".x",
             "MTI.00112233445566778899aabbccddeeff"}) {
        CAPTURE(bad);
        CHECK(check_answer_token(kSecret, bad, kNow).status == TokenStatus::malformed);
    }
}
