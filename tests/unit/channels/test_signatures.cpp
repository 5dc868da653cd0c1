#include <doctest/doctest.h>

#include <string>

#include "cxgate/channels/signatures.hpp"
#include "cxgate/foundation/crypto.hpp"

namespace sig = cxgate::signatures;
namespace crypto = cxgate::crypto;
using sig::Params;

// Where an expected value below was not published by the provider, it was computed
// independently with the openssl command line (OpenSSL 3.0) and the command is given.

// ---- Helpers -------------------------------------------------------------------------

TEST_CASE("signatures: helpers match their standard test vectors") {
    // RFC 4648 section 10.
    CHECK(crypto::base64_encode("") == "");
    CHECK(crypto::base64_encode("f") == "Zg==");
    CHECK(crypto::base64_encode("fo") == "Zm8=");
    CHECK(crypto::base64_encode("foo") == "Zm9v");
    CHECK(crypto::base64_encode("foob") == "Zm9vYg==");
    CHECK(crypto::base64_encode("fooba") == "Zm9vYmE=");
    CHECK(crypto::base64_encode("foobar") == "Zm9vYmFy");

    CHECK(crypto::hex_lower(std::string("\x00\x7f\x80\xff", 4)) == "007f80ff");

    // FIPS 180-2 appendix B.1, and the empty message.
    CHECK(crypto::sha256_hex("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(crypto::sha256_hex("") ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    CHECK(crypto::constant_time_equals("", ""));
    CHECK(crypto::constant_time_equals("abc", "abc"));
    CHECK_FALSE(crypto::constant_time_equals("abc", "abd"));
    CHECK_FALSE(crypto::constant_time_equals("abc", "abcd"));
    CHECK_FALSE(crypto::constant_time_equals("", "a"));
}

// ---- Generic HMAC-SHA256 -------------------------------------------------------------

TEST_CASE("signatures: hmac_sha256 matches RFC 4231 and accepts a sha256= prefix") {
    // RFC 4231 test case 2.
    const std::string expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    CHECK(crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?") == expected);

    // printf '%s' '{"event":"delivered","id":"abc"}' | openssl dgst -sha256 -hmac 'whsec-test'
    const std::string body = R"({"event":"delivered","id":"abc"})";
    const std::string mac = "59e9215e9187362f35da6bffb1699b22557542907fcc70a010bbc44b895b5e39";
    CHECK(crypto::hmac_sha256_hex("whsec-test", body) == mac);
    CHECK(crypto::hmac_sha256_verify("whsec-test", body, mac));
    CHECK(crypto::hmac_sha256_verify("whsec-test", body, "sha256=" + mac));
    CHECK(
        crypto::hmac_sha256_verify("whsec-test", body,
                                   "sha256=59E9215E9187362F35DA6BFFB1699B22557542907FCC70A010BBC44B"
                                   "895B5E39"));
}

TEST_CASE("signatures: hmac_sha256_verify refuses forgeries and missing parts") {
    const std::string body = R"({"event":"delivered","id":"abc"})";
    const std::string mac = "59e9215e9187362f35da6bffb1699b22557542907fcc70a010bbc44b895b5e39";
    CHECK_FALSE(crypto::hmac_sha256_verify("whsec-other", body, mac));           // wrong key
    CHECK_FALSE(crypto::hmac_sha256_verify("whsec-test", body + " ", mac));      // altered body
    CHECK_FALSE(crypto::hmac_sha256_verify("whsec-test", body, mac.substr(1)));  // truncated
    CHECK_FALSE(crypto::hmac_sha256_verify("whsec-test", body, ""));             // missing header
    CHECK_FALSE(crypto::hmac_sha256_verify("whsec-test", body, "sha256="));      // prefix only
    CHECK_FALSE(crypto::hmac_sha256_verify("whsec-test", body, "sha1=" + mac));  // other algorithm
    CHECK_FALSE(crypto::hmac_sha256_verify("whsec-test", body, " " + mac));      // no trimming
    CHECK_FALSE(crypto::hmac_sha256_verify("", body, crypto::hmac_sha256_hex("", body)));  // no key
}

// ---- Twilio --------------------------------------------------------------------------

namespace {
const std::string kTwilioToken = "12345";
const std::string kTwilioUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

// The worked example of https://www.twilio.com/docs/usage/webhooks/webhooks-security,
// X-Twilio-Signature "0/KCTR6DLpKmkAf8muzZqo1nDgQ=".
Params twilio_docs_params() {
    return {{"CallSid", "CA1234567890ABCDE"},
            {"Caller", "+12349013030"},
            {"Digits", "1234"},
            {"From", "+12349013030"},
            {"To", "+18005551212"}};
}

// twilio-python tests/unit/test_request_validator.py: the same URL and token with
// different phone numbers, expected "RSOYDt4T1cUTdK1PDd93/VVr8B8=". Both published
// values are right, each for its own parameters; both were recomputed with
//   printf '%s' "$URL$SORTED_NAME_VALUE_PAIRS" | openssl dgst -sha1 -hmac 12345 -binary | base64
Params twilio_python_params() {
    return {{"CallSid", "CA1234567890ABCDE"},
            {"Digits", "1234"},
            {"From", "+14158675309"},
            {"To", "+18005551212"},
            {"Caller", "+14158675309"}};
}
}  // namespace

TEST_CASE("signatures: Twilio documentation example") {
    CHECK(sig::twilio_signature(kTwilioToken, kTwilioUrl, twilio_docs_params()) ==
          "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    CHECK(sig::twilio_verify(kTwilioToken, kTwilioUrl, twilio_docs_params(),
                             "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));

    // The order received does not matter: fields are sorted before signing.
    const Params docs = twilio_docs_params();
    const Params reversed(docs.rbegin(), docs.rend());
    CHECK(sig::twilio_verify(kTwilioToken, kTwilioUrl, reversed, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
}

TEST_CASE("signatures: Twilio example from twilio-python's tests") {
    CHECK(sig::twilio_signature(kTwilioToken, kTwilioUrl, twilio_python_params()) ==
          "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    CHECK(sig::twilio_verify(kTwilioToken, kTwilioUrl, twilio_python_params(),
                             "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    // Each example's signature belongs to its own parameters only.
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, kTwilioUrl, twilio_python_params(),
                                   "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
}

TEST_CASE("signatures: Twilio URL is tried with and without the default port") {
    const auto params = twilio_python_params();
    // Expected values from twilio-python's test_validation_adds_port_on_https /
    // _on_http: signatures Twilio computed over the URL with an explicit :443 / :80.
    CHECK(sig::twilio_verify(kTwilioToken, kTwilioUrl, params, "kvajT1Ptam85bY51eRf/AJRuM3w="));
    const std::string http_url = "http://mycompany.com/myapp.php?foo=1&bar=2";
    CHECK(sig::twilio_verify(kTwilioToken, http_url, params, "0ZXoZLH/DfblKGATFgpif+LLRf4="));

    // And the reverse: our URL has the explicit port, Twilio signed without it.
    CHECK(sig::twilio_verify(kTwilioToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                             params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    CHECK(sig::twilio_verify(kTwilioToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                             params, "kvajT1Ptam85bY51eRf/AJRuM3w="));

    // The default port of the other scheme is not a variant.
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, kTwilioUrl, params,
                                   sig::twilio_signature(kTwilioToken,
                                                         "https://mycompany.com:80/myapp.php"
                                                         "?foo=1&bar=2",
                                                         params)));
    // Nor is dropping a non-default port (twilio-python strips any port on https; this
    // module does not: a URL with :8443 was configured with :8443).
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
                                   params, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    // twilio-python's test_validation_removes_port_on_http: http with port 1234 as given.
    CHECK(sig::twilio_verify(kTwilioToken, "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
                             params, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
}

TEST_CASE("signatures: Twilio port variants keep user info, IPv6 hosts and bare hosts intact") {
    const Params none;
    auto check_pair = [&](const std::string& without, const std::string& with) {
        CAPTURE(without);
        const auto s_without = sig::twilio_signature(kTwilioToken, without, none);
        const auto s_with = sig::twilio_signature(kTwilioToken, with, none);
        CHECK(sig::twilio_verify(kTwilioToken, without, none, s_with));
        CHECK(sig::twilio_verify(kTwilioToken, with, none, s_without));
    };
    check_pair("https://user:p%3Ass@hooks.example.com/sms",
               "https://user:p%3Ass@hooks.example.com:443/sms");
    check_pair("https://[2001:db8::1]/sms?x=1", "https://[2001:db8::1]:443/sms?x=1");
    check_pair("https://hooks.example.com", "https://hooks.example.com:443");
    check_pair("https://hooks.example.com?a=b", "https://hooks.example.com:443?a=b");
    check_pair("HTTP://hooks.example.com/sms", "HTTP://hooks.example.com:80/sms");

    // Not a URL Twilio would call: only the string as given is tried.
    const std::string odd = "ftp://hooks.example.com/sms";
    CHECK(sig::twilio_verify(kTwilioToken, odd, none,
                             sig::twilio_signature(kTwilioToken, odd, none)));
    CHECK_FALSE(sig::twilio_verify(
        kTwilioToken, odd, none,
        sig::twilio_signature(kTwilioToken, "ftp://hooks.example.com:443/sms", none)));
}

TEST_CASE("signatures: Twilio repeated fields are signed with their values sorted") {
    // twilio-python test_compute_signature_duplicate_multi_dict: Digits sent as 5678
    // then 1234, expected "IK+Dwps556ElfBT0I3Rgjkr1wJU=", i.e. the string ends
    // "Digits1234Digits5678SidCA123SidAccountAC123".
    const Params sent = {
        {"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"}};
    CHECK(sig::twilio_signature(kTwilioToken, kTwilioUrl, sent) == "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
    const Params other_order = {
        {"Digits", "1234"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Sid", "CA123"}};
    CHECK(
        sig::twilio_verify(kTwilioToken, kTwilioUrl, other_order, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));

    // Dropping one of the values, or keeping only the last as a map would, breaks it.
    const Params last_only = {{"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "1234"}};
    CHECK_FALSE(
        sig::twilio_verify(kTwilioToken, kTwilioUrl, last_only, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
}

TEST_CASE("signatures: Twilio forged requests are refused") {
    const std::string good = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
    const auto params = twilio_docs_params();
    CHECK_FALSE(sig::twilio_verify("54321", kTwilioUrl, params, good));  // wrong token

    auto altered = params;
    altered[2].second = "9999";  // Digits
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, kTwilioUrl, altered, good));

    auto added = params;
    added.emplace_back("Body", "STOP");
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, kTwilioUrl, added, good));

    auto removed = params;
    removed.pop_back();
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, kTwilioUrl, removed, good));

    // Moving a field into the URL changes the signed string even if the bytes are close.
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, kTwilioUrl + "&baz=3", params, good));
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, "https://evil.example/myapp.php?foo=1&bar=2",
                                   params, good));

    CHECK_FALSE(sig::twilio_verify(kTwilioToken, kTwilioUrl, params, ""));  // missing header
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, kTwilioUrl, params, good.substr(0, 27)));
    CHECK_FALSE(
        sig::twilio_verify(kTwilioToken, kTwilioUrl, params, "0/kctr6dlpkmkaf8muzzqo1ndgq="));
    CHECK_FALSE(sig::twilio_verify(kTwilioToken, kTwilioUrl, params, good + " "));

    // No token configured: refused even with the signature computed over "".
    CHECK_FALSE(
        sig::twilio_verify("", kTwilioUrl, params, sig::twilio_signature("", kTwilioUrl, params)));
}

TEST_CASE("signatures: Twilio JSON body is bound through bodySHA256") {
    // twilio-python tests: body {"property": "value", "boolean": true}, its SHA-256
    // 0a1ff763..., and the URL-only signature "a9nBmqA0ju/hNViExpshrM61xv4=".
    const std::string body = R"({"property": "value", "boolean": true})";
    const std::string hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    const std::string url = kTwilioUrl + "&bodySHA256=" + hash;
    CHECK(crypto::sha256_hex(body) == hash);
    CHECK(sig::twilio_verify_json(kTwilioToken, url, body, "a9nBmqA0ju/hNViExpshrM61xv4="));

    CHECK_FALSE(
        sig::twilio_verify_json(kTwilioToken, url, body + " ", "a9nBmqA0ju/hNViExpshrM61xv4="));
    CHECK_FALSE(sig::twilio_verify_json("54321", url, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
    CHECK_FALSE(sig::twilio_verify_json(kTwilioToken, url, body, ""));
}

TEST_CASE("signatures: Twilio JSON without a usable bodySHA256 is refused") {
    const std::string body = R"({"survey":"nps","score":9})";
    const std::string hash = crypto::sha256_hex(body);

    // No bodySHA256: even a correct URL signature does not cover the body.
    const std::string bare = "https://gw.example.com/hooks/twilio?flow=nps";
    CHECK_FALSE(sig::twilio_verify_json(kTwilioToken, bare, body,
                                        sig::twilio_signature(kTwilioToken, bare, {})));

    // Correctly signed URL whose bodySHA256 is of another body.
    const std::string other = "https://gw.example.com/hooks/twilio?bodySHA256=" +
                              crypto::sha256_hex(R"({"survey":"nps","score":0})");
    CHECK_FALSE(sig::twilio_verify_json(kTwilioToken, other, body,
                                        sig::twilio_signature(kTwilioToken, other, {})));

    // Two bodySHA256 parameters: which one Twilio meant is ambiguous.
    const std::string twice =
        "https://gw.example.com/hooks/twilio?bodySHA256=" + hash + "&bodySHA256=" + hash;
    CHECK_FALSE(sig::twilio_verify_json(kTwilioToken, twice, body,
                                        sig::twilio_signature(kTwilioToken, twice, {})));

    // The name is matched exactly.
    const std::string lower = "https://gw.example.com/hooks/twilio?bodysha256=" + hash;
    CHECK_FALSE(sig::twilio_verify_json(kTwilioToken, lower, body,
                                        sig::twilio_signature(kTwilioToken, lower, {})));
}

TEST_CASE("signatures: Twilio JSON accepts the port variants too") {
    const std::string body = R"({"survey":"nps","score":9})";
    // printf '%s' '{"survey":"nps","score":9}' | sha256sum
    const std::string hash = "fb3fd6ebcda9b9f825a49e685e4fe162d1b53364cddb7d7676c799c5d403b5a9";
    REQUIRE(crypto::sha256_hex(body) == hash);
    // printf '%s' "https://gw.example.com:443/hooks/twilio?bodySHA256=$hash" |
    //   openssl dgst -sha1 -hmac 12345 -binary | base64
    const std::string signed_with_port = "jb8y9SlwngA3mFP4t1x7M/LW8is=";
    CHECK(sig::twilio_verify_json(kTwilioToken,
                                  "https://gw.example.com/hooks/twilio?bodySHA256=" + hash, body,
                                  signed_with_port));
    // Upper-case hex in the URL still names the same digest.
    std::string upper = hash;
    for (auto& c : upper)
        if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 32);
    const std::string url_upper = "https://gw.example.com/hooks/twilio?bodySHA256=" + upper;
    CHECK(sig::twilio_verify_json(kTwilioToken, url_upper, body,
                                  sig::twilio_signature(kTwilioToken, url_upper, {})));
}

// ---- Vonage --------------------------------------------------------------------------
// Expected values from the Vonage PHP SDK's test/Client/SignatureTest.php (an inbound
// SMS signed with secret "my_secret_key_for_testing" under every method), each
// recomputed with the openssl command line:
//   S='&message-timestamp=2013-11-21
//   15:27:30&messageId=020000001B0FE827&msisdn=14843472194&text=Test
//   again&timestamp=1385047698&to=13239877404&type=text' md5hash: printf '%s'
//   "${S}my_secret_key_for_testing" | openssl dgst -md5 HMACs:   printf '%s' "$S" | openssl dgst
//   -sha256 -hmac my_secret_key_for_testing  (etc.)

namespace {
const std::string kVonageSecret = "my_secret_key_for_testing";
const long long kVonageTimestamp = 1385047698;

Params vonage_inbound(const std::string& sig_value) {
    // Deliberately not in sorted order: "messageId" sorts after "message-timestamp"
    // because '-' (0x2d) < 'I' (0x49) in byte order.
    return {{"type", "text"},
            {"to", "13239877404"},
            {"msisdn", "14843472194"},
            {"messageId", "020000001B0FE827"},
            {"message-timestamp", "2013-11-21 15:27:30"},
            {"text", "Test again"},
            {"timestamp", "1385047698"},
            {"sig", sig_value}};
}

struct VonageVector {
    const char* method;
    const char* sig;
};
const VonageVector kVonageVectors[] = {
    {"md5hash", "d2e7b1dc968737c5998ad624e02f90b7"},
    {"md5", "DDEBD46008C2D4E93CCE578A332A52D5"},
    {"sha1", "27D0D05C2876C7CB1720DBCDBA4D492E1E55C09A"},
    {"sha256", "DDB8397C2B90AAC7F3882D306475C9A5058C92322EEF43C92B298B6E0FC0D330"},
    {"sha512",
     "E0D3C650F8C9D1A5C174D10DDDBFB003E561F59B265616208B0487C5D819481CD3C311D59CF6165ECD1139622D5BA"
     "3A"
     "256C0D763AC4A9AD9144B5A426B94FE82"},
};

std::string lower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return s;
}
std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return s;
}
}  // namespace

TEST_CASE("signatures: Vonage SDK vectors for every signing method") {
    for (const auto& v : kVonageVectors) {
        CAPTURE(v.method);
        // The sig parameter itself is excluded from what is signed.
        CHECK(sig::vonage_signature(kVonageSecret, v.method, vonage_inbound(v.sig)) == v.sig);
        CHECK(sig::vonage_signature(kVonageSecret, v.method, vonage_inbound("ignored")) == v.sig);
        CHECK(sig::vonage_verify(kVonageSecret, v.method, vonage_inbound(v.sig), kVonageTimestamp));
        // Case carries no meaning.
        CHECK(sig::vonage_verify(kVonageSecret, v.method, vonage_inbound(lower(v.sig)),
                                 kVonageTimestamp));
        CHECK(sig::vonage_verify(kVonageSecret, v.method, vonage_inbound(upper(v.sig)),
                                 kVonageTimestamp));
    }
}

TEST_CASE("signatures: Vonage replaces & and = in values") {
    // Vonage PHP SDK vector: text "Test with & and =" is signed as "Test with _ and _".
    //   printf '%s' '&keyword=TEST&message-timestamp=2017-04-04
    //   22:57:47&messageId=0B00000042AC53BD&msisdn=14843472194&nonce=929d6744-bd28-42c8-b6cf-31d5b4f43732&text=Test
    //   with _ and _&timestamp=1491346667&to=12192259404&type=textmy_secret_key_for_testing' |
    //   openssl dgst -md5
    const Params params = {{"keyword", "TEST"},
                           {"message-timestamp", "2017-04-04 22:57:47"},
                           {"messageId", "0B00000042AC53BD"},
                           {"msisdn", "14843472194"},
                           {"nonce", "929d6744-bd28-42c8-b6cf-31d5b4f43732"},
                           {"sig", "e06d9763e3fd0b9c31beb5fc2fcb011c"},
                           {"text", "Test with & and ="},
                           {"timestamp", "1491346667"},
                           {"to", "12192259404"},
                           {"type", "text"}};
    CHECK(sig::vonage_verify(kVonageSecret, "md5hash", params, 1491346667));

    // Vonage Python SDK (http_client/tests/test_auth.py) vectors for HMAC-MD5 with
    // secret "signature_secret", recomputed with e.g.
    //   printf '%s' '&param1=value_1&param2=value_2&timestamp=1234567890' |
    //     openssl dgst -md5 -hmac signature_secret
    CHECK(sig::vonage_signature(
              "signature_secret", "md5",
              {{"param1", "value&1"}, {"param2", "value=2"}, {"timestamp", "1234567890"}}) ==
          "2BBF0ABAFB2C55E5AF6231513896A2AC");
    CHECK(sig::vonage_verify("signature_secret", "md5",
                             {{"param", "value"},
                              {"timestamp", "1234567890"},
                              {"sig", "655a4d0b7f064dff438defc52b012cf5"}},
                             1234567890));
}

TEST_CASE("signatures: Vonage refuses stale or future timestamps") {
    const auto params = vonage_inbound("d2e7b1dc968737c5998ad624e02f90b7");
    CHECK(sig::vonage_verify(kVonageSecret, "md5hash", params, kVonageTimestamp + 300));
    CHECK(sig::vonage_verify(kVonageSecret, "md5hash", params, kVonageTimestamp - 300));
    CHECK_FALSE(
        sig::vonage_verify(kVonageSecret, "md5hash", params, kVonageTimestamp + 301));  // replay
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", params, kVonageTimestamp - 301));
    CHECK(sig::vonage_verify(kVonageSecret, "md5hash", params, kVonageTimestamp + 3000, 3600));
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", params, kVonageTimestamp + 1, 0));
    // Today's clock against a 2013 message.
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", params, 1'767'225'600));
}

TEST_CASE("signatures: Vonage forged or malformed requests are refused") {
    const std::string good = "d2e7b1dc968737c5998ad624e02f90b7";
    const long long now = kVonageTimestamp;

    CHECK_FALSE(sig::vonage_verify("another_secret", "md5hash", vonage_inbound(good), now));
    CHECK_FALSE(
        sig::vonage_verify(kVonageSecret, "sha256", vonage_inbound(good), now));  // wrong method
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "hmac", vonage_inbound(good), now));  // unknown
    CHECK(sig::vonage_signature(kVonageSecret, "MD5HASH", vonage_inbound(good)) == std::nullopt);

    auto altered = vonage_inbound(good);
    altered[5].second = "Test agaim";  // text
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", altered, now));

    auto added = vonage_inbound(good);
    added.emplace_back("keyword", "STOP");
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", added, now));

    // A changed timestamp is caught by the signature, not just the window.
    auto moved = vonage_inbound(good);
    moved[6].second = "1385047699";
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", moved, now));

    auto no_sig = vonage_inbound(good);
    no_sig.pop_back();
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", no_sig, now));
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", vonage_inbound(""), now));

    auto two_sigs = vonage_inbound(good);
    two_sigs.emplace_back("sig", good);
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", two_sigs, now));

    auto repeated = vonage_inbound(good);
    repeated.emplace_back("text", "Test again");
    CHECK(sig::vonage_signature(kVonageSecret, "md5hash", repeated) == std::nullopt);
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", repeated, now));

    // Without a timestamp there is no replay protection: refused even though this
    // signature is right for the remaining parameters.
    Params no_timestamp = vonage_inbound(good);
    no_timestamp.erase(no_timestamp.begin() + 6);
    no_timestamp.back().second = *sig::vonage_signature(kVonageSecret, "md5hash", no_timestamp);
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", no_timestamp, now));

    Params bad_timestamp = vonage_inbound(good);
    bad_timestamp[6].second = "1385047698.0";
    bad_timestamp.back().second = *sig::vonage_signature(kVonageSecret, "md5hash", bad_timestamp);
    CHECK_FALSE(sig::vonage_verify(kVonageSecret, "md5hash", bad_timestamp, now));
}

TEST_CASE("signatures: Vonage refuses an empty secret") {
    // Vonage PHP SDK vector signed md5hash with an empty secret:
    //   printf '%s' '&message-timestamp=2013-11-21
    //   17:31:42&messageId=030000002A264B8B&msisdn=14843472194&text=Message
    //   test&timestamp=1385055102&to=14849970568&type=text' | openssl dgst -md5
    // It is a genuine signature, and exactly what a forger can produce when no secret
    // is configured.
    const Params params = {{"message-timestamp", "2013-11-21 17:31:42"},
                           {"messageId", "030000002A264B8B"},
                           {"msisdn", "14843472194"},
                           {"text", "Message test"},
                           {"timestamp", "1385055102"},
                           {"to", "14849970568"},
                           {"type", "text"},
                           {"sig", "f0bfad43bd90cf1ea1f1525c18ba4dab"}};
    CHECK_FALSE(sig::vonage_verify("", "md5hash", params, 1385055102));
    CHECK(sig::vonage_signature("", "md5hash", params) == std::nullopt);
}

// ---- Mailgun -------------------------------------------------------------------------
// token and timestamp are the sample from
// https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks;
// the page publishes no signing key, so the signature is ours:
//   printf '%s' '1770920772e0b5477167110d68991efc6b9f89f0a11066af27834600e123' |
//     openssl dgst -sha256 -hmac 'cxgate-test-signing-key'

namespace {
const std::string kMailgunKey = "cxgate-test-signing-key";
const std::string kMailgunTimestamp = "1770920772";
const long long kMailgunNow = 1770920772;
const std::string kMailgunToken = "e0b5477167110d68991efc6b9f89f0a11066af27834600e123";
const std::string kMailgunSignature =
    "bde220aa2068961ebb2d73e65220ece719dbddaade9b655728afee10ece878f4";
}  // namespace

TEST_CASE("signatures: Mailgun signature verifies") {
    CHECK(crypto::hmac_sha256_hex(kMailgunKey, kMailgunTimestamp + kMailgunToken) ==
          kMailgunSignature);
    CHECK(sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken, kMailgunSignature,
                              kMailgunNow));
    CHECK(sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken,
                              upper(kMailgunSignature), kMailgunNow));
    CHECK(sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken, kMailgunSignature,
                              kMailgunNow + 300));
    CHECK(sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken, kMailgunSignature,
                              kMailgunNow - 300));
}

TEST_CASE("signatures: Mailgun forged, stale and malformed requests are refused") {
    CHECK_FALSE(sig::mailgun_verify("other-key", kMailgunTimestamp, kMailgunToken,
                                    kMailgunSignature, kMailgunNow));
    CHECK_FALSE(sig::mailgun_verify(kMailgunKey, "1770920773", kMailgunToken, kMailgunSignature,
                                    kMailgunNow));
    std::string token = kMailgunToken;
    token[0] = 'f';
    CHECK_FALSE(
        sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, token, kMailgunSignature, kMailgunNow));
    // Mailgun signs timestamp + token with no separator, so moving a digit from one to
    // the other keeps the HMAC valid; the time window is what refuses it (the shortened
    // timestamp is decades old).
    CHECK_FALSE(sig::mailgun_verify(kMailgunKey, "177092077", "2" + kMailgunToken,
                                    kMailgunSignature, kMailgunNow));

    CHECK_FALSE(
        sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken, "", kMailgunNow));
    CHECK_FALSE(sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken,
                                    kMailgunSignature.substr(0, 63), kMailgunNow));
    CHECK_FALSE(
        sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, "", kMailgunSignature, kMailgunNow));
    CHECK_FALSE(
        sig::mailgun_verify(kMailgunKey, "", kMailgunToken, kMailgunSignature, kMailgunNow));
    CHECK_FALSE(sig::mailgun_verify(kMailgunKey, "-1770920772", kMailgunToken, kMailgunSignature,
                                    kMailgunNow));
    CHECK_FALSE(sig::mailgun_verify("", kMailgunTimestamp, kMailgunToken,
                                    crypto::hmac_sha256_hex("", kMailgunTimestamp + kMailgunToken),
                                    kMailgunNow));

    // Replayed later: correctly signed, but the timestamp is outside the window.
    CHECK_FALSE(sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken,
                                    kMailgunSignature, kMailgunNow + 301));
    CHECK_FALSE(sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken,
                                    kMailgunSignature, kMailgunNow - 301));
    CHECK(sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken, kMailgunSignature,
                              kMailgunNow + 900, 900));
}

TEST_CASE("signatures: a reused Mailgun token is refused by the replay cache") {
    sig::ReplayCache cache;
    auto accept = [&](long long now) {
        return sig::mailgun_verify(kMailgunKey, kMailgunTimestamp, kMailgunToken, kMailgunSignature,
                                   now) &&
               cache.first_use(kMailgunToken, now);
    };
    CHECK(accept(kMailgunNow));
    CHECK_FALSE(accept(kMailgunNow));        // immediate replay
    CHECK_FALSE(accept(kMailgunNow + 299));  // still inside the timestamp window
    CHECK(cache.first_use("another-token", kMailgunNow + 1));
}

TEST_CASE("signatures: ReplayCache forgets tokens after the window") {
    sig::ReplayCache cache(600, 100);
    CHECK(cache.first_use("a", 1000));
    CHECK(cache.first_use("b", 1100));
    CHECK_FALSE(cache.first_use("a", 1599));
    CHECK(cache.size() == 2);
    CHECK(cache.first_use("a", 1600));  // 600 s after first seen: forgotten
    CHECK_FALSE(cache.first_use("b", 1699));
    CHECK(cache.first_use("b", 1700));
    CHECK(cache.size() == 2);
    // A clock stepping backwards does not evict anything.
    CHECK_FALSE(cache.first_use("a", 0));
}

TEST_CASE("signatures: ReplayCache is bounded and evicts the oldest first") {
    sig::ReplayCache cache(600, 3);
    CHECK(cache.first_use("t1", 10));
    CHECK(cache.first_use("t2", 11));
    CHECK(cache.first_use("t3", 12));
    CHECK(cache.size() == 3);
    CHECK(cache.first_use("t4", 13));  // evicts t1
    CHECK(cache.size() == 3);
    CHECK_FALSE(cache.first_use("t2", 14));
    CHECK_FALSE(cache.first_use("t4", 14));
    CHECK(cache.first_use("t1", 14));  // forgotten to stay within capacity

    // Long tokens live on the heap, short ones inline; both are looked up by content.
    sig::ReplayCache strings(600, 1000);
    const std::string long_token(200, 'x');
    CHECK(strings.first_use(long_token, 1));
    int fresh = 0;
    for (int i = 0; i < 500; ++i) fresh += strings.first_use("k" + std::to_string(i), 2) ? 1 : 0;
    CHECK(fresh == 500);
    CHECK_FALSE(strings.first_use(std::string(200, 'x'), 3));
    CHECK_FALSE(strings.first_use("k499", 3));
}

// ---- cxgate's own (X-Cxgate-Signature) ------------------------------------------------

namespace {
const std::string kCxSecret = "whsec-test-0123456789abcdef";
const std::string kCxBody = R"({"type":"alert.opened"})";
constexpr long long kCxNow = 1'795'000'000;
}  // namespace

TEST_CASE("signatures: a cxgate webhook is v1= hex HMAC-SHA256 of timestamp.body") {
    // printf '%s' '1795000000.{"type":"alert.opened"}' |
    //   openssl dgst -sha256 -hmac 'whsec-test-0123456789abcdef'
    const std::string expected =
        "v1=25d57a8bb4150d1562f6ed08106bbefdfde4be09a93428f417371ed824d83849";
    CHECK(sig::sign_cxgate_webhook(kCxSecret, kCxNow, kCxBody) == expected);
    CHECK(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, expected, kCxNow));
    // Upper-case hex, and a list while the secret is being replaced.
    std::string upper = expected;
    for (size_t i = 3; i < upper.size(); ++i)
        if (upper[i] >= 'a' && upper[i] <= 'f') upper[i] = static_cast<char>(upper[i] - 32);
    CHECK(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, upper, kCxNow));
    CHECK(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody,
                                     "v1=" + std::string(64, '0') + ", " + expected, kCxNow));
    CHECK_THROWS(sig::sign_cxgate_webhook("", kCxNow, kCxBody));
}

TEST_CASE("signatures: a cxgate webhook outside the window, tampered or unsigned is refused") {
    const auto good = sig::sign_cxgate_webhook(kCxSecret, kCxNow, kCxBody);
    // The replay window: 300 s either way by default, both ends included.
    CHECK(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, good, kCxNow + 300));
    CHECK(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, good, kCxNow - 300));
    CHECK_FALSE(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, good, kCxNow + 301));
    CHECK_FALSE(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, good, kCxNow - 301));
    CHECK(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, good, kCxNow + 3000, 3600));
    // A replayed copy with a fresh timestamp but the old signature.
    CHECK_FALSE(sig::verify_cxgate_webhook(kCxSecret, "1795000400", kCxBody, good, kCxNow + 400));
    // The body, one byte changed; the wrong secret; no signature; another scheme.
    CHECK_FALSE(sig::verify_cxgate_webhook(kCxSecret, "1795000000", R"({"type":"alert.opened" })",
                                           good, kCxNow));
    CHECK_FALSE(sig::verify_cxgate_webhook("another-secret-0123456789", "1795000000", kCxBody, good,
                                           kCxNow));
    CHECK_FALSE(sig::verify_cxgate_webhook("", "1795000000", kCxBody, good, kCxNow));
    CHECK_FALSE(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, "", kCxNow));
    CHECK_FALSE(
        sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, good.substr(3), kCxNow));
    CHECK_FALSE(sig::verify_cxgate_webhook(kCxSecret, "1795000000", kCxBody, "v0=" + good.substr(3),
                                           kCxNow));
    // Timestamps that are not plain Unix seconds, and one signed as written ("0" first).
    for (const char* ts : {"", "-1", "1795000000.5", " 1795000000", "1e9", "17950000000000"}) {
        CAPTURE(ts);
        CHECK_FALSE(sig::verify_cxgate_webhook(kCxSecret, ts, kCxBody, good, kCxNow));
    }
    CHECK_FALSE(sig::verify_cxgate_webhook(kCxSecret, "01795000000", kCxBody, good, kCxNow));
}
