#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/channel.hpp"
#include "cxgate/channels/email_reply.hpp"
#include "cxgate/channels/http_client.hpp"
#include "cxgate/channels/multipart.hpp"
#include "cxgate/channels/signatures.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "cxgate/foundation/url.hpp"

using namespace cxgate;
namespace ch = cxgate::channels;
namespace sig = cxgate::signatures;
namespace crypto = cxgate::crypto;

// Webhook parsing of the provider adapters: every channel verifies before it reads, so
// each provider is tried with a valid request, a forged one, one without its signature
// or secret, and malformed bodies. send() talks to providers and is covered by the
// integration tests against fake provider servers.

namespace {

constexpr long long kNow = 1'795'000'000;  // 2026-11-18
const std::string kNowText = std::to_string(kNow);

struct Fixture {
    asio::io_context io;
    ch::HttpClient http{io};
    std::shared_ptr<config::Config> config = [] {
        auto c = std::make_shared<config::Config>();
        c->server.public_url = "https://cx.example.com/";
        c->api_tokens = {config::ApiToken::from_value("api-token-1")};
        return c;
    }();

    std::unique_ptr<ch::Channel> make(const std::string& type,
                                      std::map<std::string, std::string> settings,
                                      config::ChannelKind kind = config::ChannelKind::sms) {
        config::ChannelConfig c;
        c.name = type + "-main";
        c.type = type;
        c.kind = kind;
        c.from = kind == config::ChannelKind::sms ? "+358401110000" : "kysely@example.com";
        c.from_name = "Kysely";
        c.settings = std::move(settings);
        return ch::make_channel(c, ch::ChannelContext{io, &http, config, "link-secret"});
    }
};

ch::WebhookRequest post(std::string body, std::map<std::string, std::string> headers = {},
                        std::string query = "") {
    return ch::WebhookRequest{"POST", "/webhooks/x/inbound", std::move(query), std::move(headers),
                              std::move(body)};
}

const std::map<std::string, std::string> kForm = {
    {"content-type", "application/x-www-form-urlencoded"}};
const std::map<std::string, std::string> kJson = {{"content-type", "application/json"}};

std::string encode_form(const sig::Params& params) {
    std::string out;
    for (const auto& [k, v] : params)
        out += (out.empty() ? "" : "&") + url::encode(k) + "=" + url::encode(v);
    return out;
}

template <class Result>
int status_of(const Result& result) {
    if (auto* e = std::get_if<ch::WebhookError>(&result)) return e->status;
    return 200;
}

template <class Result>
std::string message_of(const Result& result) {
    if (auto* e = std::get_if<ch::WebhookError>(&result)) return e->message;
    return "";
}

// By value: the results passed in are temporaries.
std::vector<ch::InboundReply> replies(const ch::Channel::InboundResult& r) {
    REQUIRE_MESSAGE(status_of(r) == 200, message_of(r));
    return std::get<std::vector<ch::InboundReply>>(r);
}

std::vector<ch::StatusReport> reports(const ch::Channel::StatusResult& r) {
    REQUIRE_MESSAGE(status_of(r) == 200, message_of(r));
    return std::get<std::vector<ch::StatusReport>>(r);
}

std::string multipart_body(const std::string& boundary,
                           const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields)
        out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
               "\"\r\n\r\n" + value + "\r\n";
    return out + "--" + boundary + "--\r\n";
}

// ---- Vonage helpers ----

const std::string kVonageSecret = "vonage-signing-secret";

sig::Params vonage_signed(sig::Params params, const std::string& secret = kVonageSecret,
                          const std::string& method = "md5hash") {
    auto s = sig::vonage_signature(secret, method, params);
    REQUIRE(s);
    params.emplace_back("sig", *s);
    return params;
}

sig::Params vonage_inbound_params(const std::string& timestamp = kNowText) {
    return {{"msisdn", "358401234567"},
            {"to", "358401110000"},
            {"messageId", "0A0000001234567B"},
            {"text", "9 hyvä palvelu"},
            {"type", "unicode"},
            {"keyword", "9"},
            {"message-timestamp", "2026-11-18 10:00:00"},
            {"timestamp", timestamp},
            {"nonce", "aaf9c0e2-6d1e-4b6d-9c53-5a1d0b0e8f11"}};
}

// ---- Mailgun helpers ----

const std::string kMailgunKey = "mailgun-signing-key";

struct MailgunSignature {
    std::string timestamp, token, signature;
};

MailgunSignature mailgun_sign(const std::string& token, long long timestamp = kNow) {
    const auto ts = std::to_string(timestamp);
    return {ts, token, crypto::hmac_sha256_hex(kMailgunKey, ts + token)};
}

std::string mailgun_event(const MailgunSignature& s, const std::string& event_data) {
    return R"({"signature":{"timestamp":")" + s.timestamp + R"(","token":")" + s.token +
           R"(","signature":")" + s.signature + R"("},"event-data":)" + event_data + "}";
}

// ---- ECDSA (SendGrid Signed Event Webhook) helpers ----

struct EcKey {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{EVP_EC_gen("P-256"), &EVP_PKEY_free};

    std::string public_key_base64() const {
        unsigned char* der = nullptr;
        const int length = i2d_PUBKEY(key.get(), &der);
        REQUIRE(length > 0);
        std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
        OPENSSL_free(der);
        return crypto::base64_encode(out);
    }

    std::string sign_base64(const std::string& data) const {
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
        REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1);
        size_t length = 0;
        const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
        REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &length, bytes, data.size()) == 1);
        std::string out(length, '\0');
        REQUIRE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                               bytes, data.size()) == 1);
        out.resize(length);
        return crypto::base64_encode(out);
    }
};

}  // namespace

// ---- Every adapter --------------------------------------------------------------------

TEST_CASE(
    "adapters: make_channel builds each provider, all with outside effects and a JSON reply") {
    Fixture f;
    for (const auto* type : {"vonage", "http", "sendgrid", "mailgun", "postmark"}) {
        CAPTURE(type);
        auto channel = f.make(type, {});
        REQUIRE(channel);
        CHECK(channel->has_outside_effect());
        CHECK(channel->webhook_reply().content_type == "application/json");
        CHECK(channel->webhook_reply().body == "{}");
    }
    // No provider adapter works without the HTTP client.
    config::ChannelConfig c;
    c.name = "v";
    c.type = "vonage";
    CHECK_THROWS(ch::make_channel(c, ch::ChannelContext{f.io, nullptr, f.config, ""}));
}

TEST_CASE("adapters: webhooks without any secret configured are refused with 403") {
    Fixture f;
    const std::string form =
        "from=%2B358401234567&text=9&id=m1&timestamp=" + kNowText + "&token=t&signature=s&sig=x";
    const auto json = R"({"from":"+358401234567","text":"9","id":"m1","status":"delivered"})";
    for (const auto* type : {"vonage", "http", "sendgrid", "mailgun", "postmark"}) {
        CAPTURE(type);
        auto channel = f.make(type, {});
        CHECK(status_of(channel->parse_inbound(post(form, kForm, "secret="), kNow)) == 403);
        CHECK(status_of(channel->parse_status(post(json, kJson, "secret="), kNow)) == 403);
    }
}

// ---- Vonage ---------------------------------------------------------------------------

TEST_CASE("adapters: vonage inbound accepts signed GET, form and JSON webhooks") {
    Fixture f;
    auto vonage = f.make(
        "vonage", {{"api_key", "k"}, {"api_secret", "s"}, {"signature_secret", kVonageSecret}});
    const auto params = vonage_signed(vonage_inbound_params());

    SUBCASE("GET query") {
        ch::WebhookRequest request{
            "GET", "/webhooks/vonage-main/inbound", encode_form(params), {}, ""};
        const auto& r = replies(vonage->parse_inbound(request, kNow));
        REQUIRE(r.size() == 1);
        CHECK(r[0].provider_id == "0A0000001234567B");
        CHECK(r[0].from == "+358401234567");
        CHECK(r[0].text == "9 hyvä palvelu");
    }
    SUBCASE("POST form") {
        const auto& r = replies(vonage->parse_inbound(post(encode_form(params), kForm), kNow));
        REQUIRE(r.size() == 1);
        CHECK(r[0].from == "+358401234567");
    }
    SUBCASE("POST JSON") {
        std::string json = "{";
        for (const auto& [k, v] : params)
            json += (json.size() > 1 ? "," : "") + ("\"" + k + "\":\"" + v + "\"");
        json += "}";
        const auto& r = replies(vonage->parse_inbound(post(json, kJson), kNow));
        REQUIRE(r.size() == 1);
        CHECK(r[0].text == "9 hyvä palvelu");
    }
    SUBCASE("an HMAC signature method from the settings") {
        auto sha =
            f.make("vonage", {{"signature_secret", kVonageSecret}, {"signature_method", "sha256"}});
        const auto hmac_params = vonage_signed(vonage_inbound_params(), kVonageSecret, "sha256");
        CHECK(status_of(sha->parse_inbound(post(encode_form(hmac_params), kForm), kNow)) == 200);
        // ...and an md5hash signature is then wrong.
        CHECK(status_of(sha->parse_inbound(post(encode_form(params), kForm), kNow)) == 403);
    }
    SUBCASE("binary messages carry no text") {
        auto binary = vonage_inbound_params();
        binary[4].second = "binary";
        CHECK(replies(vonage->parse_inbound(post(encode_form(vonage_signed(binary)), kForm), kNow))
                  .empty());
    }
}

TEST_CASE("adapters: vonage inbound refuses forged, unsigned, stale and unconfigured webhooks") {
    Fixture f;
    auto vonage = f.make(
        "vonage", {{"api_key", "k"}, {"api_secret", "s"}, {"signature_secret", kVonageSecret}});

    auto forged = vonage_signed(vonage_inbound_params());
    forged[3].second = "1 huono";  // text changed after signing
    CHECK(status_of(vonage->parse_inbound(post(encode_form(forged), kForm), kNow)) == 403);

    auto wrong_secret = vonage_signed(vonage_inbound_params(), "another-secret");
    CHECK(status_of(vonage->parse_inbound(post(encode_form(wrong_secret), kForm), kNow)) == 403);

    CHECK(status_of(vonage->parse_inbound(post(encode_form(vonage_inbound_params()), kForm),
                                          kNow)) == 403);

    auto stale = vonage_signed(vonage_inbound_params(std::to_string(kNow - 3600)));
    CHECK(status_of(vonage->parse_inbound(post(encode_form(stale), kForm), kNow)) == 403);

    // The signature secret is optional for sending only.
    auto unsigned_channel = f.make("vonage", {{"api_key", "k"}, {"api_secret", "s"}});
    auto good = vonage_signed(vonage_inbound_params());
    CHECK(status_of(unsigned_channel->parse_inbound(post(encode_form(good), kForm), kNow)) == 403);
    CHECK(status_of(unsigned_channel->parse_status(post(encode_form(good), kForm), kNow)) == 403);
}

TEST_CASE("adapters: vonage malformed webhooks are 400 once signed") {
    Fixture f;
    auto vonage = f.make("vonage", {{"signature_secret", kVonageSecret}});
    sig::Params no_sender = {
        {"to", "358401110000"}, {"messageId", "0A1"}, {"text", "9"}, {"timestamp", kNowText}};
    CHECK(status_of(vonage->parse_inbound(post(encode_form(vonage_signed(no_sender)), kForm),
                                          kNow)) == 400);
    CHECK(status_of(vonage->parse_inbound(post("{\"msisdn\":", kJson), kNow)) == 400);
    CHECK(status_of(vonage->parse_inbound(post("[1,2]", kJson), kNow)) == 400);
    sig::Params no_status = {
        {"messageId", "0A1"}, {"msisdn", "358401234567"}, {"timestamp", kNowText}};
    CHECK(status_of(vonage->parse_status(post(encode_form(vonage_signed(no_status)), kForm),
                                         kNow)) == 400);
}

TEST_CASE("adapters: vonage delivery receipts map to delivery states") {
    Fixture f;
    auto vonage = f.make("vonage", {{"signature_secret", kVonageSecret}});
    auto dlr = [&](const std::string& status, const std::string& err_code) {
        sig::Params p = {{"msisdn", "358401234567"}, {"to", "Kysely"},
                         {"network-code", "24405"},  {"messageId", "0A0000001234567B"},
                         {"price", "0.03"},          {"status", status},
                         {"scts", "2611181000"},     {"err-code", err_code},
                         {"client-ref", "cx-42"},    {"message-timestamp", "2026-11-18 10:00:00"},
                         {"timestamp", kNowText}};
        return vonage->parse_status(post(encode_form(vonage_signed(p)), kForm), kNow);
    };
    {
        const auto& r = reports(dlr("delivered", "0"));
        REQUIRE(r.size() == 1);
        CHECK(r[0].provider_id == "0A0000001234567B");
        CHECK(r[0].status == "delivered");
        CHECK(r[0].error.empty());
    }
    {
        const auto& r = reports(dlr("failed", "6"));
        REQUIRE(r.size() == 1);
        CHECK(r[0].status == "failed");
        CHECK(r[0].error == "failed: anti-spam rejection");
        CHECK(r[0].error_code == "DLR 6");
    }
    CHECK(reports(dlr("rejected", "4"))[0].status == "failed");
    CHECK(reports(dlr("expired", "3"))[0].status == "undelivered");
    CHECK(reports(dlr("accepted", "0")).empty());
    CHECK(reports(dlr("buffered", "0")).empty());
    CHECK(reports(dlr("unknown", "1")).empty());

    sig::Params p = {{"messageId", "0A1"}, {"status", "delivered"}, {"timestamp", kNowText}};
    auto forged = vonage_signed(p);
    forged[0].second = "0A2";
    CHECK(status_of(vonage->parse_status(post(encode_form(forged), kForm), kNow)) == 403);
    CHECK(status_of(vonage->parse_status(post(encode_form(p), kForm), kNow)) == 403);
}

// ---- Sandbox --------------------------------------------------------------------------

TEST_CASE("adapters: sandbox webhooks take the API token as a Bearer header only") {
    Fixture f;
    auto sandbox = f.make("sandbox", {});
    const std::map<std::string, std::string> bearer = {
        {"content-type", "application/x-www-form-urlencoded"},
        {"authorization", "Bearer api-token-1"}};
    const auto& r =
        replies(sandbox->parse_inbound(post("from=%2B358401234567&text=9&id=s1", bearer), kNow));
    REQUIRE(r.size() == 1);
    CHECK(r[0].text == "9");
    // The token in the form (or the JSON body) is not read: 403, and the answer says where
    // the token goes.
    const auto in_form = sandbox->parse_inbound(
        post("from=%2B358401234567&text=9&id=s2&token=api-token-1", kForm), kNow);
    CHECK(status_of(in_form) == 403);
    CHECK(message_of(in_form).find("Authorization: Bearer <token>") != std::string::npos);
    const auto in_json = sandbox->parse_inbound(
        post(R"({"from":"+358401234567","text":"9","token":"api-token-1"})", kJson), kNow);
    CHECK(status_of(in_json) == 403);
    CHECK(status_of(sandbox->parse_status(post(R"({"id":"x","status":"delivered"})", kJson),
                                          kNow)) == 403);
}

// ---- Kannel ---------------------------------------------------------------------------

TEST_CASE("adapters: kannel MO by get-url and by post-url (the text is the body)") {
    Fixture f;
    auto kannel = f.make("kannel", {{"sendsms_url", "http://127.0.0.1:1/cgi-bin/sendsms"},
                                    {"username", "cx"},
                                    {"password", "pw"},
                                    {"secret", "s3cret"}});
    SUBCASE("get-url: everything in the query") {
        ch::WebhookRequest request{
            "GET",
            "/webhooks/kannel-main/inbound",
            "secret=s3cret&from=%2B358401234567&to=12345&text=9+kymppi&id=u1",
            {},
            ""};
        const auto& r = replies(kannel->parse_inbound(request, kNow));
        REQUIRE(r.size() == 1);
        CHECK(r[0].text == "9 kymppi");
        CHECK(r[0].provider_id == "u1");
    }
    SUBCASE("post-url: UTF-8 body, sender in X-Kannel-From") {
        const auto& r =
            replies(kannel->parse_inbound(post("9 – kiitos\nhyvä palvelu",
                                               {{"content-type", "text/plain; charset=\"UTF-8\""},
                                                {"x-kannel-from", "+358401234567"},
                                                {"x-kannel-to", "12345"}},
                                               "secret=s3cret&id=u2"),
                                          kNow));
        REQUIRE(r.size() == 1);
        CHECK(r[0].from == "+358401234567");
        CHECK(r[0].text == "9 – kiitos\nhyvä palvelu");
        CHECK(r[0].provider_id == "u2");
    }
    SUBCASE("post-url: sender in the URL, no id, UTF-16BE body (no mo-recode)") {
        const std::string utf16{
            "\x00"
            "9\x00 \x00\xe4\xd8\x3d\xde\x00",
            10};
        const auto& r = replies(
            kannel->parse_inbound(post(utf16, {{"content-type", "text/plain; charset=UTF-16BE"}},
                                       "secret=s3cret&from=%2B358401234567"),
                                  kNow));
        REQUIRE(r.size() == 1);
        CHECK(r[0].from == "+358401234567");
        CHECK(r[0].text == "9 ä😀");
        CHECK(r[0].provider_id.empty());  // the router names it
    }
    SUBCASE("post-url: refused without the secret or a sender; binary data carries no text") {
        CHECK(status_of(kannel->parse_inbound(
                  post("9", {{"content-type", "text/plain"}, {"x-kannel-from", "+3584"}},
                       "secret=wrong"),
                  kNow)) == 403);
        CHECK(status_of(kannel->parse_inbound(
                  post("9", {{"content-type", "text/plain"}}, "secret=s3cret"), kNow)) == 400);
        CHECK(replies(kannel->parse_inbound(post(std::string("\x01\x02", 2),
                                                 {{"content-type", "application/octet-stream"},
                                                  {"x-kannel-from", "+358401234567"}},
                                                 "secret=s3cret&id=u3"),
                                            kNow))
                  .empty());
    }
}

// ---- Generic HTTP ---------------------------------------------------------------------

TEST_CASE("adapters: http webhooks are authenticated by an HMAC of the raw body") {
    Fixture f;
    const std::string secret = "http-hmac-secret";
    auto http = f.make("http", {{"url", "https://sms.example.com/send"}, {"hmac_secret", secret}});
    const std::string body = R"({"from":"+358401234567","text":"8 ok","id":"in-1"})";
    const auto mac = crypto::hmac_sha256_hex(secret, body);

    const auto& r = replies(http->parse_inbound(
        post(body, {{"content-type", "application/json"}, {"x-signature", mac}}), kNow));
    REQUIRE(r.size() == 1);
    CHECK(r[0].provider_id == "in-1");
    CHECK(r[0].from == "+358401234567");
    CHECK(r[0].text == "8 ok");
    CHECK(status_of(http->parse_inbound(post(body, {{"x-signature", "sha256=" + mac}}), kNow)) ==
          200);

    // Forged: the body changed after signing, or signed with another key.
    auto changed = body;
    changed.replace(changed.find("8 ok"), 4, "1 no");
    CHECK(status_of(http->parse_inbound(post(changed, {{"x-signature", mac}}), kNow)) == 403);
    CHECK(status_of(http->parse_inbound(
              post(body, {{"x-signature", crypto::hmac_sha256_hex("other", body)}}), kNow)) == 403);
    CHECK(status_of(http->parse_inbound(post(body), kNow)) == 403);
    CHECK(status_of(http->parse_status(post(body), kNow)) == 403);

    // Malformed once authenticated.
    auto signed_post = [&](const std::string& b) {
        return post(b, {{"content-type", "application/json"},
                        {"x-signature", crypto::hmac_sha256_hex(secret, b)}});
    };
    CHECK(status_of(http->parse_inbound(signed_post("{\"from\":"), kNow)) == 400);
    CHECK(status_of(http->parse_inbound(signed_post("\"text\""), kNow)) == 400);
    CHECK(message_of(http->parse_inbound(signed_post(R"({"text":"9","id":"a"})"), kNow)) ==
          "from: required");
    CHECK(message_of(http->parse_inbound(signed_post(R"({"from":"+358401234567","text":"9"})"),
                                         kNow)) == "id: required");
}

TEST_CASE("adapters: http status webhooks with configured field names, forms and arrays") {
    Fixture f;
    const std::string secret = "s3cr3t";
    auto http = f.make("http", {{"url", "https://sms.example.com/send"},
                                {"hmac_secret", secret},
                                {"signature_header", "X-Gateway-Signature"},
                                {"status_id_field", "data.message_id"},
                                {"status_field", "data.state"},
                                {"from_field", "sender"},
                                {"text_field", "message"},
                                {"id_field", "uuid"}});
    auto signed_post = [&](const std::string& b,
                           std::map<std::string, std::string> headers = kJson) {
        headers["x-gateway-signature"] = crypto::hmac_sha256_hex(secret, b);
        return post(b, headers);
    };
    {
        const auto& r = reports(http->parse_status(
            signed_post(
                R"({"data":{"message_id":"p-77","state":"undelivered"},"error":"absent","error_code":"27"})"),
            kNow));
        REQUIRE(r.size() == 1);
        CHECK(r[0].provider_id == "p-77");
        CHECK(r[0].status == "undelivered");
        CHECK(r[0].error == "absent");
        CHECK(r[0].error_code == "27");
    }
    {
        const auto& r = reports(http->parse_status(
            signed_post(
                R"([{"data":{"message_id":1,"state":"delivered"}},{"data":{"message_id":"2","state":"sent"}}])"),
            kNow));
        REQUIRE(r.size() == 2);
        CHECK(r[0].provider_id == "1");
        CHECK(r[1].status == "sent");
    }
    CHECK(status_of(http->parse_status(signed_post(R"({"data":{"message_id":"p","state":"read"}})"),
                                       kNow)) == 400);
    CHECK(status_of(http->parse_status(signed_post(R"({"data":{"state":"delivered"}})"), kNow)) ==
          400);
    // The default header name is not the configured one.
    const std::string b = R"({"data":{"message_id":"p","state":"delivered"}})";
    CHECK(status_of(http->parse_status(
              post(b, {{"x-signature", crypto::hmac_sha256_hex(secret, b)}}), kNow)) == 403);

    // A form body with the configured inbound field names.
    const std::string form = "sender=%2B358401234567&message=10+loistava&uuid=u-1";
    const auto& r = replies(http->parse_inbound(signed_post(form, kForm), kNow));
    REQUIRE(r.size() == 1);
    CHECK(r[0].from == "+358401234567");
    CHECK(r[0].text == "10 loistava");
    CHECK(r[0].provider_id == "u-1");
}

// ---- SendGrid -------------------------------------------------------------------------

TEST_CASE("adapters: sendgrid inbound parse reads multipart mail with the URL secret") {
    Fixture f;
    auto sendgrid = f.make("sendgrid", {{"api_key", "SG.x"}, {"secret", "parse-secret"}},
                           config::ChannelKind::email);
    const std::string boundary = "xYzZY";
    const std::map<std::string, std::string> headers = {
        {"content-type", "multipart/form-data; boundary=" + boundary}};
    const std::string mail_headers =
        "Received: by mx.sendgrid.net\r\nMessage-ID:\r\n <CAF=abc123@mail.gmail.com>\r\nSubject: "
        "Re: Kysely\r\n";
    const auto body = multipart_body(
        boundary,
        {{"headers", mail_headers},
         {"from", "Matti Meikäläinen <Matti@Example.com>"},
         {"to", "kysely@example.com"},
         {"subject", "Re: Kysely"},
         {"text",
          "9 - hyvä palvelu\r\n\r\nOn Mon, 23 Nov 2026 at 10:00, Kysely <kysely@example.com> "
          "wrote:\r\n"
          "> Kuinka todennäköisesti suosittelisit meitä?\r\n"},
         {"html", "<div>9 - hyvä palvelu</div>"},
         {"envelope", R"({"to":["kysely@example.com"],"from":"matti@example.com"})"},
         {"charsets",
          R"({"to":"UTF-8","from":"UTF-8","subject":"UTF-8","text":"UTF-8","html":"UTF-8"})"},
         {"SPF", "pass"}});

    const auto& r =
        replies(sendgrid->parse_inbound(post(body, headers, "secret=parse-secret"), kNow));
    REQUIRE(r.size() == 1);
    CHECK(r[0].from == "Matti@Example.com");
    CHECK(r[0].text == "9 - hyvä palvelu");
    CHECK(r[0].provider_id == "CAF=abc123@mail.gmail.com");

    CHECK(status_of(sendgrid->parse_inbound(post(body, headers, "secret=wrong"), kNow)) == 403);
    CHECK(status_of(sendgrid->parse_inbound(post(body, headers), kNow)) == 403);

    // Truncated post, and one that is not multipart.
    CHECK(status_of(sendgrid->parse_inbound(
              post(body.substr(0, body.size() / 2), headers, "secret=parse-secret"), kNow)) == 400);
    CHECK(status_of(sendgrid->parse_inbound(post("{}", kJson, "secret=parse-secret"), kNow)) ==
          400);
    const auto no_from = multipart_body(boundary, {{"text", "9"}});
    CHECK(message_of(sendgrid->parse_inbound(post(no_from, headers, "secret=parse-secret"),
                                             kNow)) == "from: required");
}

TEST_CASE(
    "adapters: sendgrid inbound converts Latin-1 fields and falls back to HTML and a content "
    "hash") {
    Fixture f;
    auto sendgrid = f.make("sendgrid", {{"secret", "parse-secret"}}, config::ChannelKind::email);
    const std::string boundary = "----=_Part_1";
    const std::map<std::string, std::string> headers = {
        {"content-type", "multipart/form-data; boundary=\"" + boundary + "\""}};
    const auto latin1 = multipart_body(
        boundary, {{"from", "anna@example.se"},
                   {"subject", "Re: Enk\xe4t"},
                   {"text", "10 - j\xe4ttebra\r\n\r\nSkickat fr\xe5n min iPhone\r\n"},
                   {"charsets", R"({"from":"UTF-8","text":"iso-8859-1"})"}});
    const auto& r =
        replies(sendgrid->parse_inbound(post(latin1, headers, "secret=parse-secret"), kNow));
    REQUIRE(r.size() == 1);
    CHECK(r[0].text == "10 - jättebra");
    CHECK(r[0].provider_id.rfind("sha256:", 0) == 0);
    // The same mail posted again has the same id, so it is recognised as a duplicate.
    CHECK(replies(sendgrid->parse_inbound(post(latin1, headers, "secret=parse-secret"), kNow))[0]
              .provider_id == r[0].provider_id);

    const auto html_only = multipart_body(
        boundary, {{"from", "<liisa@example.fi>"},
                   {"html", "<html><body><p>7&nbsp;&ndash; ok</p><p>kiitos</p></body></html>"}});
    const auto& h =
        replies(sendgrid->parse_inbound(post(html_only, headers, "secret=parse-secret"), kNow));
    REQUIRE(h.size() == 1);
    CHECK(h[0].from == "liisa@example.fi");
    CHECK(h[0].text == "7 – ok\nkiitos");

    const auto raw =
        multipart_body(boundary, {{"from", "a@b.fi"}, {"email", "From: a@b.fi\r\n\r\n9\r\n"}});
    CHECK(status_of(sendgrid->parse_inbound(post(raw, headers, "secret=parse-secret"), kNow)) ==
          400);
}

TEST_CASE("adapters: sendgrid events with the URL secret map to delivery states") {
    Fixture f;
    auto sendgrid = f.make("sendgrid", {{"secret", "events-secret"}}, config::ChannelKind::email);
    const std::string events = R"([
      {"email":"a@example.com","timestamp":1795000000,"event":"processed","sg_message_id":"W86EgYT6SQKk0lRflfLRsA.filterdrecv-p3las1-1-5D1E57A9-36.0"},
      {"email":"a@example.com","timestamp":1795000001,"event":"delivered","sg_message_id":"W86EgYT6SQKk0lRflfLRsA.filterdrecv-p3las1-1-5D1E57A9-36.0","response":"250 OK"},
      {"email":"b@example.com","timestamp":1795000002,"event":"bounce","type":"bounce","status":"5.1.1","reason":"550 5.1.1 user unknown","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"},
      {"email":"c@example.com","event":"dropped","reason":"Bounced Address","sg_message_id":"Xyz.filter0002"},
      {"email":"d@example.com","event":"spamreport","sg_message_id":"Qrs.filter3"},
      {"email":"e@example.com","event":"deferred","sg_message_id":"Tuv.filter4"},
      {"email":"e@example.com","event":"open","sg_message_id":"Tuv.filter4"},
      {"email":"e@example.com","event":"click","sg_message_id":"Tuv.filter4","url":"https://x"}
    ])";
    const auto& r =
        reports(sendgrid->parse_status(post(events, kJson, "secret=events-secret"), kNow));
    REQUIRE(r.size() == 4);
    CHECK(r[0].provider_id == "W86EgYT6SQKk0lRflfLRsA");
    CHECK(r[0].status == "delivered");
    CHECK(r[1].provider_id == "14c5d75ce93.dfd.64b469");
    CHECK(r[1].status == "bounced");
    CHECK(r[1].error == "550 5.1.1 user unknown");
    CHECK(r[1].error_code == "5.1.1 bounce");
    CHECK(r[2].provider_id == "Xyz");
    CHECK(r[2].status == "bounced");
    CHECK(r[2].error == "Bounced Address");
    CHECK(r[3].provider_id == "Qrs");
    CHECK(r[3].status == "complained");

    CHECK(status_of(sendgrid->parse_status(post(events, kJson, "secret=nope"), kNow)) == 403);
    CHECK(status_of(sendgrid->parse_status(post(events, kJson), kNow)) == 403);
    CHECK(status_of(sendgrid->parse_status(post("[{\"event\":", kJson, "secret=events-secret"),
                                           kNow)) == 400);
    CHECK(status_of(sendgrid->parse_status(post("[1]", kJson, "secret=events-secret"), kNow)) ==
          400);
    CHECK(status_of(sendgrid->parse_status(
              post("[{\"email\":\"a@b\"}]", kJson, "secret=events-secret"), kNow)) == 400);
    CHECK(status_of(sendgrid->parse_status(
              post("[{\"event\":\"delivered\"}]", kJson, "secret=events-secret"), kNow)) == 400);
}

TEST_CASE("adapters: sendgrid signed event webhook is verified with the ECDSA public key") {
    Fixture f;
    EcKey key;
    auto sendgrid = f.make("sendgrid", {{"webhook_public_key", key.public_key_base64()}},
                           config::ChannelKind::email);
    const std::string body =
        R"([{"email":"a@example.com","event":"delivered","sg_message_id":"Abc.filter1"}])";
    const std::string timestamp = kNowText;
    auto headers = kJson;
    headers["x-twilio-email-event-webhook-timestamp"] = timestamp;
    headers["x-twilio-email-event-webhook-signature"] = key.sign_base64(timestamp + body);

    const auto& r = reports(sendgrid->parse_status(post(body, headers), kNow));
    REQUIRE(r.size() == 1);
    CHECK(r[0].provider_id == "Abc");

    // PEM armour around the key is accepted too.
    auto pem =
        f.make("sendgrid",
               {{"webhook_public_key", "-----BEGIN PUBLIC KEY-----\n" + key.public_key_base64() +
                                           "\n-----END PUBLIC KEY-----\n"}},
               config::ChannelKind::email);
    CHECK(status_of(pem->parse_status(post(body, headers), kNow)) == 200);

    // Forged body, forged timestamp, another key, missing headers; the URL secret does
    // not replace the signature once a key is configured.
    auto changed = body;
    changed.replace(changed.find("delivered"), 9, "spamreport");
    CHECK(status_of(sendgrid->parse_status(post(changed, headers), kNow)) == 403);
    auto other_time = headers;
    other_time["x-twilio-email-event-webhook-timestamp"] = std::to_string(kNow + 1);
    CHECK(status_of(sendgrid->parse_status(post(body, other_time), kNow)) == 403);
    EcKey other;
    auto other_signed = headers;
    other_signed["x-twilio-email-event-webhook-signature"] = other.sign_base64(timestamp + body);
    CHECK(status_of(sendgrid->parse_status(post(body, other_signed), kNow)) == 403);
    auto garbage = headers;
    garbage["x-twilio-email-event-webhook-signature"] = "not base64!";
    CHECK(status_of(sendgrid->parse_status(post(body, garbage), kNow)) == 403);
    CHECK(status_of(sendgrid->parse_status(post(body, kJson), kNow)) == 403);
    auto with_secret =
        f.make("sendgrid", {{"webhook_public_key", key.public_key_base64()}, {"secret", "s"}},
               config::ChannelKind::email);
    CHECK(status_of(with_secret->parse_status(post(body, kJson, "secret=s"), kNow)) == 403);

    // A key that is not a key refuses everything.
    auto broken = f.make("sendgrid", {{"webhook_public_key", "AAAA"}}, config::ChannelKind::email);
    CHECK(status_of(broken->parse_status(post(body, headers), kNow)) == 403);

    // Malformed JSON that is correctly signed is a 400.
    const std::string bad = "[{";
    auto bad_headers = headers;
    bad_headers["x-twilio-email-event-webhook-signature"] = key.sign_base64(timestamp + bad);
    CHECK(status_of(sendgrid->parse_status(post(bad, bad_headers), kNow)) == 400);
}

// ---- Mailgun --------------------------------------------------------------------------

TEST_CASE("adapters: mailgun inbound routes are signed, and a token is accepted once") {
    Fixture f;
    auto mailgun = f.make(
        "mailgun",
        {{"api_key", "key"}, {"domain", "mg.example.com"}, {"webhook_signing_key", kMailgunKey}},
        config::ChannelKind::email);
    auto form = [&](const MailgunSignature& s, const std::string& sender = "matti@example.com") {
        return encode_form(
            {{"recipient", "kysely@mg.example.com"},
             {"sender", sender},
             {"from", "Matti <matti@example.com>"},
             {"subject", "Re: Kysely"},
             {"body-plain", "8\r\n\r\n-----Original Message-----\r\nFrom: Kysely\r\n"},
             {"stripped-text", ""},
             {"Message-Id", "<20261118100000.1.ABC@mail.example.com>"},
             {"timestamp", s.timestamp},
             {"token", s.token},
             {"signature", s.signature}});
    };
    const auto s = mailgun_sign("token-inbound-1");
    const auto& r = replies(mailgun->parse_inbound(post(form(s), kForm), kNow));
    REQUIRE(r.size() == 1);
    CHECK(r[0].from == "matti@example.com");
    CHECK(r[0].text == "8");
    CHECK(r[0].provider_id == "20261118100000.1.ABC@mail.example.com");

    // Replayed: the same correctly signed post again.
    auto replay = mailgun->parse_inbound(post(form(s), kForm), kNow + 5);
    CHECK(status_of(replay) == 403);
    CHECK(message_of(replay).find("replay") != std::string::npos);
    // Also through another Mailgun channel object (a reload builds new ones).
    auto reloaded =
        f.make("mailgun", {{"webhook_signing_key", kMailgunKey}}, config::ChannelKind::email);
    CHECK(status_of(reloaded->parse_inbound(post(form(s), kForm), kNow + 5)) == 403);

    // Forged: wrong signature, a valid signature for another token, stale, missing.
    auto forged = mailgun_sign("token-inbound-2");
    forged.signature[0] = forged.signature[0] == 'a' ? 'b' : 'a';
    CHECK(status_of(mailgun->parse_inbound(post(form(forged), kForm), kNow)) == 403);
    auto swapped = mailgun_sign("token-inbound-3");
    swapped.token = "token-inbound-4";
    CHECK(status_of(mailgun->parse_inbound(post(form(swapped), kForm), kNow)) == 403);
    CHECK(status_of(mailgun->parse_inbound(
              post(form(mailgun_sign("token-inbound-5", kNow - 3600)), kForm), kNow)) == 403);
    CHECK(status_of(mailgun->parse_inbound(post("sender=a%40b.fi&body-plain=9", kForm), kNow)) ==
          403);
    // A forgery does not use up the token: the real post still goes through.
    const auto real = mailgun_sign("token-inbound-2");
    CHECK(status_of(mailgun->parse_inbound(post(form(real), kForm), kNow)) == 200);

    // Malformed once signed.
    CHECK(status_of(mailgun->parse_inbound(post(form(mailgun_sign("token-inbound-6"), ""), kForm),
                                           kNow)) == 200);
    const auto no_sender = mailgun_sign("token-inbound-7");
    CHECK(message_of(mailgun->parse_inbound(post(encode_form({{"body-plain", "9"},
                                                              {"timestamp", no_sender.timestamp},
                                                              {"token", no_sender.token},
                                                              {"signature", no_sender.signature}}),
                                                 kForm),
                                            kNow)) == "sender: required");
    CHECK(status_of(mailgun->parse_inbound(post("{}", kJson), kNow)) == 400);
}

TEST_CASE(
    "adapters: mailgun inbound multipart prefers stripped-text and finds the Message-Id in "
    "message-headers") {
    Fixture f;
    auto mailgun =
        f.make("mailgun", {{"webhook_signing_key", kMailgunKey}}, config::ChannelKind::email);
    const auto s = mailgun_sign("token-multipart-1");
    const std::string boundary = "4f1d0c35a9c84bc2a0e4b7d4dbd0a0bb";
    std::string body = multipart_body(
        boundary, {{"sender", "anna@example.se"},
                   {"body-plain",
                    "10\n\nDen mån 23 nov. 2026 kl 10:00 skrev Kysely <kysely@example.com>:\n> Hur "
                    "troligt...\n"},
                   {"stripped-text", "10 fantastiskt"},
                   {"message-headers",
                    R"([["Received","by mx"],["Message-Id","<abc.123@mail.example.se>"]])"},
                   {"timestamp", s.timestamp},
                   {"token", s.token},
                   {"signature", s.signature}});
    // An attachment part is skipped.
    body.insert(
        0, "--" + boundary +
               "\r\nContent-Disposition: form-data; name=\"attachment-1\"; filename=\"a.txt\"\r\n"
               "Content-Type: text/plain\r\n\r\nsender=evil@example.com\r\n");
    const auto& r = replies(mailgun->parse_inbound(
        post(body, {{"content-type", "multipart/form-data; boundary=" + boundary}}), kNow));
    REQUIRE(r.size() == 1);
    CHECK(r[0].from == "anna@example.se");
    CHECK(r[0].text == "10 fantastiskt");
    CHECK(r[0].provider_id == "abc.123@mail.example.se");
}

TEST_CASE("adapters: mailgun event webhooks map to delivery states and refuse replays") {
    Fixture f;
    auto mailgun =
        f.make("mailgun", {{"webhook_signing_key", kMailgunKey}}, config::ChannelKind::email);
    auto event = [&](const std::string& token, const std::string& data) {
        return mailgun->parse_status(post(mailgun_event(mailgun_sign(token), data), kJson), kNow);
    };
    {
        const auto& r = reports(event(
            "tok-ev-1",
            R"({"event":"delivered","id":"x","message":{"headers":{"message-id":"20261118.1@mg.example.com"}},"delivery-status":{"code":250,"message":"OK"}})"));
        REQUIRE(r.size() == 1);
        CHECK(r[0].provider_id == "20261118.1@mg.example.com");
        CHECK(r[0].status == "delivered");
    }
    {
        const auto& r = reports(event(
            "tok-ev-2",
            R"({"event":"failed","severity":"permanent","reason":"bounce","message":{"headers":{"message-id":"<20261118.2@mg.example.com>"}},"delivery-status":{"code":550,"message":"5.1.1 The email account does not exist","description":"No such user"}})"));
        REQUIRE(r.size() == 1);
        CHECK(r[0].provider_id == "20261118.2@mg.example.com");
        CHECK(r[0].status == "bounced");
        CHECK(r[0].error == "No such user");
        CHECK(r[0].error_code == "SMTP 550");
    }
    CHECK(
        reports(
            event(
                "tok-ev-3",
                R"({"event":"failed","severity":"temporary","message":{"headers":{"message-id":"m3"}}})"))
            .empty());
    CHECK(reports(event("tok-ev-4",
                        R"({"event":"complained","message":{"headers":{"message-id":"m4"}}})"))[0]
              .status == "complained");
    CHECK(reports(
              event("tok-ev-5", R"({"event":"opened","message":{"headers":{"message-id":"m5"}}})"))
              .empty());
    CHECK(reports(event("tok-ev-6",
                        R"({"event":"accepted","message":{"headers":{"message-id":"m6"}}})"))
              .empty());

    // Replay of tok-ev-1.
    CHECK(status_of(event("tok-ev-1",
                          R"({"event":"delivered","message":{"headers":{"message-id":"m1"}}})")) ==
          403);
    // Forged and unsigned.
    auto forged = mailgun_sign("tok-ev-7");
    forged.signature = crypto::hmac_sha256_hex("wrong-key", forged.timestamp + forged.token);
    CHECK(status_of(mailgun->parse_status(
              post(mailgun_event(forged, R"({"event":"delivered"})"), kJson), kNow)) == 403);
    CHECK(status_of(mailgun->parse_status(post(R"({"event-data":{"event":"delivered"}})", kJson),
                                          kNow)) == 403);
    // Malformed.
    CHECK(status_of(mailgun->parse_status(post("{\"signature\":", kJson), kNow)) == 400);
    CHECK(status_of(event("tok-ev-8", R"("x")")) == 400);
    CHECK(status_of(event("tok-ev-9", R"({"severity":"permanent"})")) == 400);
    CHECK(status_of(event("tok-ev-10", R"({"event":"delivered","message":{}})")) == 400);
}

// ---- Postmark -------------------------------------------------------------------------

TEST_CASE("adapters: postmark inbound webhook with the URL secret") {
    Fixture f;
    auto postmark = f.make("postmark", {{"server_token", "pm"}, {"secret", "pm-secret"}},
                           config::ChannelKind::email);
    const std::string body = R"({
      "FromName": "Matti", "From": "matti@example.com",
      "FromFull": {"Email": "matti@example.com", "Name": "Matti", "MailboxHash": ""},
      "To": "kysely@inbound.postmarkapp.com", "Subject": "Re: Kysely",
      "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
      "TextBody": "6\n\nLähetetty iPhonesta\n\n> Kuinka...",
      "StrippedTextReply": ""
    })";
    const auto& r = replies(postmark->parse_inbound(post(body, kJson, "secret=pm-secret"), kNow));
    REQUIRE(r.size() == 1);
    CHECK(r[0].provider_id == "22c74902-a0c1-4511-804f-341342852c90");
    CHECK(r[0].from == "matti@example.com");
    CHECK(r[0].text == "6");

    const std::string stripped =
        R"({"From":"Liisa <liisa@example.fi>","MessageID":"m2","TextBody":"long quoted...","StrippedTextReply":"7 ihan ok\n-- \nLiisa"})";
    const auto& s =
        replies(postmark->parse_inbound(post(stripped, kJson, "secret=pm-secret"), kNow));
    REQUIRE(s.size() == 1);
    CHECK(s[0].from == "liisa@example.fi");
    CHECK(s[0].text == "7 ihan ok");

    CHECK(status_of(postmark->parse_inbound(post(body, kJson, "secret=wrong"), kNow)) == 403);
    CHECK(status_of(postmark->parse_inbound(post(body, kJson), kNow)) == 403);
    CHECK(status_of(postmark->parse_inbound(post("{\"From\"", kJson, "secret=pm-secret"), kNow)) ==
          400);
    CHECK(status_of(postmark->parse_inbound(post("[]", kJson, "secret=pm-secret"), kNow)) == 400);
    CHECK(status_of(postmark->parse_inbound(post(R"({"MessageID":"m"})", kJson, "secret=pm-secret"),
                                            kNow)) == 400);
    CHECK(status_of(postmark->parse_inbound(post(R"({"From":"a@b.fi"})", kJson, "secret=pm-secret"),
                                            kNow)) == 400);
}

TEST_CASE("adapters: postmark delivery, bounce and spam webhooks") {
    Fixture f;
    auto postmark = f.make("postmark", {{"secret", "pm-secret"}}, config::ChannelKind::email);
    auto status = [&](const std::string& body) {
        return postmark->parse_status(post(body, kJson, "secret=pm-secret"), kNow);
    };
    {
        const auto& r = reports(status(
            R"({"RecordType":"Delivery","MessageID":"pm-1","Recipient":"a@b.fi","DeliveredAt":"2026-11-18T10:00:00Z","Details":"Test"})"));
        REQUIRE(r.size() == 1);
        CHECK(r[0].provider_id == "pm-1");
        CHECK(r[0].status == "delivered");
    }
    {
        const auto& r = reports(status(
            R"({"RecordType":"Bounce","ID":42,"Type":"HardBounce","TypeCode":1,"MessageID":"pm-2","Description":"The server was unable to deliver your message","Details":"smtp;550 5.1.1 unknown","Email":"x@b.fi","Inactive":true})"));
        REQUIRE(r.size() == 1);
        CHECK(r[0].status == "bounced");
        CHECK(r[0].error ==
              "The server was unable to deliver your message (smtp;550 5.1.1 unknown)");
        CHECK(r[0].error_code == "HardBounce");
    }
    CHECK(
        reports(
            status(
                R"({"RecordType":"Bounce","Type":"SoftBounce","MessageID":"pm-3","Inactive":false})"))
            .empty());
    CHECK(reports(status(R"({"RecordType":"Bounce","Type":"Transient","MessageID":"pm-4"})"))
              .empty());
    CHECK(reports(status(
              R"({"RecordType":"SpamComplaint","Type":"SpamComplaint","MessageID":"pm-5"})"))[0]
              .status == "complained");
    CHECK(reports(status(R"({"RecordType":"Open","MessageID":"pm-6"})")).empty());

    CHECK(status_of(postmark->parse_status(
              post(R"({"RecordType":"Delivery","MessageID":"x"})", kJson), kNow)) == 403);
    CHECK(status_of(status("{")) == 400);
    CHECK(status_of(status(R"({"MessageID":"pm-7"})")) == 400);
    CHECK(status_of(status(R"({"RecordType":"Delivery"})")) == 400);
}

// ---- Shared email helpers -------------------------------------------------------------

TEST_CASE("adapters: strip_quoted_reply keeps what the customer wrote in fi, sv and en clients") {
    using ch::strip_quoted_reply;
    // Gmail (en), attribution wrapped onto two lines too.
    CHECK(
        strip_quoted_reply(
            "9 - hyvä palvelu\n\nOn Mon, 23 Nov 2026 at 10:00, Kysely <kysely@example.com> wrote:\n"
            "> Kuinka todennäköisesti suosittelisit meitä?\n> 0-10") == "9 - hyvä palvelu");
    CHECK(strip_quoted_reply("9 - hyvä palvelu\r\n\r\nOn Mon, 23 Nov 2026 at 10:00, Kysely <\r\n"
                             "kysely@example.com> wrote:\r\n\r\n> Kuinka ...\r\n") ==
          "9 - hyvä palvelu");
    // Gmail (fi, sv) and Apple Mail (fi).
    CHECK(strip_quoted_reply(
              "8\n\nma 23.11.2026 klo 10.00 Kysely <kysely@example.com> kirjoitti:\n\n> Kuinka") ==
          "8");
    CHECK(strip_quoted_reply(
              "8\n\nma 23.11.2026 klo 10.00 Kysely <\nkysely@example.com> kirjoitti:\n> Kuinka") ==
          "8");
    CHECK(strip_quoted_reply(
              "10\n\nDen mån 23 nov. 2026 kl 10:00 skrev Kysely <kysely@example.com>:\n> Hur") ==
          "10");
    CHECK(
        strip_quoted_reply(
            "7 ok\n\nKysely <kysely@example.com> kirjoitti 23.11.2026 kello 10.00:\n\n> Kuinka") ==
        "7 ok");
    // Outlook in English, Finnish and Swedish.
    CHECK(
        strip_quoted_reply(
            "5\r\nPalvelu oli hidasta.\r\n\r\n-----Original Message-----\r\nFrom: Kysely\r\nSent: "
            "Monday\r\n\r\nKuinka...") == "5\nPalvelu oli hidasta.");
    CHECK(strip_quoted_reply("6\n\n-----Alkuperäinen viesti-----\nLähettäjä: Kysely") == "6");
    CHECK(strip_quoted_reply(
              "6\n\n________________________________\nLähettäjä: Kysely <k@e.com>\nLähetetty: "
              "maanantai 23. marraskuuta 2026 10.00\nAihe: Kysely") == "6");
    CHECK(strip_quoted_reply("4 dålig\n\nFrån: Kysely <k@e.com>\nSkickat: den 23 november 2026 "
                             "10:00\nÄmne: Enkät") == "4 dålig");
    // Mobile signatures and the signature delimiter.
    CHECK(strip_quoted_reply("10\n\nLähetetty iPhonesta") == "10");
    CHECK(strip_quoted_reply("10\n\nSent from my iPhone\n\n> On ... wrote:") == "10");
    CHECK(strip_quoted_reply("9\nSkickat från min iPhone") == "9");
    CHECK(strip_quoted_reply("9 - kiitos\n-- \nMatti\n040 123 4567") == "9 - kiitos");
    CHECK(strip_quoted_reply("9 - kiitos\n--\nMatti") == "9 - kiitos");
    // Interleaved quoting keeps the customer's lines; plain text is untouched.
    CHECK(strip_quoted_reply("> Kuinka tyytyväinen olit?\n8\n> Miksi?\nNopea palvelu") ==
          "8\nNopea palvelu");
    CHECK(strip_quoted_reply("  9 \n\nErittäin hyvä palvelu, kiitos!  \n") ==
          "9\n\nErittäin hyvä palvelu, kiitos!");
    CHECK(strip_quoted_reply("") == "");
    // The customer's last line is kept even right before an attribution line.
    CHECK(strip_quoted_reply("Kiitos\nma 23.11.2026 klo 10.00 Kysely <k@e.com> kirjoitti:\n> x") ==
          "Kiitos");
    CHECK(strip_quoted_reply(
              "On time, 9\nma 23.11.2026 klo 10.00 Kysely <k@e.com> kirjoitti:\n> x") ==
          "On time, 9");
    CHECK(strip_quoted_reply("On the whole good, 8") == "On the whole good, 8");
}

TEST_CASE("adapters: email address helpers") {
    CHECK(ch::extract_address("Matti Meikäläinen <matti@example.com>") == "matti@example.com");
    CHECK(ch::extract_address("\"Meikäläinen, Matti <x>\" <matti@example.com>") ==
          "matti@example.com");
    CHECK(ch::extract_address("  matti@example.com ") == "matti@example.com");
    CHECK(ch::extract_address("") == "");
    CHECK(ch::format_mailbox("", "a@b.fi") == "a@b.fi");
    CHECK(ch::format_mailbox("Kysely", "a@b.fi") == "Kysely <a@b.fi>");
    CHECK(ch::format_mailbox("Oy Ab, \"Asiakas\"palvelu", "a@b.fi") ==
          "\"Oy Ab, \\\"Asiakas\\\"palvelu\" <a@b.fi>");
    CHECK(ch::format_mailbox("Evil\r\nBcc: x@y", "a@b.fi") == "\"EvilBcc: x@y\" <a@b.fi>");
    CHECK(
        ch::header_field("Subject: x\r\nmessage-id: \r\n <a@b>\r\nX: y\r\n\r\nMessage-ID: <body@x>",
                         "Message-ID") == "<a@b>");
    CHECK(ch::header_field("Subject: x\r\n", "Message-ID") == "");
    CHECK(ch::strip_angle_brackets(" <a@b> ") == "a@b");
    CHECK(ch::strip_angle_brackets("a@b") == "a@b");
    CHECK(ch::html_to_text("<head><title>t</title><style>p{}</style></head><p>a  &amp;\n b</p><!-- "
                           "c --><br/>&#228;&#xe5;") == "a & b\näå");
}

TEST_CASE("adapters: multipart parser") {
    CHECK(ch::multipart_boundary("multipart/form-data; boundary=abc") == "abc");
    CHECK(ch::multipart_boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b:c\"") ==
          "a b:c");
    CHECK_FALSE(ch::multipart_boundary("multipart/mixed; boundary=abc"));
    CHECK_FALSE(ch::multipart_boundary("multipart/form-data"));
    CHECK_FALSE(ch::multipart_boundary("multipart/form-data; boundary=\"\""));

    const std::string body =
        "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\n"
        "Content-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--b  \r\n"
        "content-disposition: form-data;\r\n name=\"semi;colon\"; filename=\"f \\\"q\\\".txt\"\r\n"
        "Content-Type: text/plain\r\n\r\nline1\r\n--bnot-a-boundary\r\nline3\r\n--b--\r\nepilogue";
    auto parsed = ch::parse_multipart(body, "b");
    REQUIRE(std::holds_alternative<std::vector<ch::MultipartPart>>(parsed));
    const auto& parts = std::get<std::vector<ch::MultipartPart>>(parsed);
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].name == "a");
    CHECK(parts[0].data == "1");
    CHECK(parts[1].name == "empty");
    CHECK(parts[1].data == "");
    CHECK(parts[2].name == "semi;colon");
    CHECK(parts[2].filename == "f \"q\".txt");
    CHECK(parts[2].content_type == "text/plain");
    CHECK(parts[2].data == "line1\r\n--bnot-a-boundary\r\nline3");
    const auto fields = ch::multipart_fields(parts);
    REQUIRE(fields.size() == 2);
    CHECK(fields[1].first == "empty");

    // Bare LF line ends.
    auto lf =
        ch::parse_multipart("--b\nContent-Disposition: form-data; name=\"x\"\n\nv\n--b--\n", "b");
    REQUIRE(std::holds_alternative<std::vector<ch::MultipartPart>>(lf));
    CHECK(std::get<std::vector<ch::MultipartPart>>(lf)[0].data == "v");

    auto is_error = [](const auto& r) { return std::holds_alternative<std::string>(r); };
    CHECK(is_error(ch::parse_multipart("", "b")));
    CHECK(is_error(
        ch::parse_multipart("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv", "b")));
    CHECK(is_error(ch::parse_multipart("--b\r\nContent-Disposition: form-data; name=\"x\"", "b")));
    CHECK(is_error(ch::parse_multipart("--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--", "b")));
    CHECK(is_error(ch::parse_multipart("--b\r\nno colon here\r\n\r\nv\r\n--b--", "b")));
    std::string many;
    for (int i = 0; i < 5; ++i)
        many += "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n";
    many += "--b--";
    CHECK(is_error(ch::parse_multipart(many, "b", 4)));
    CHECK_FALSE(is_error(ch::parse_multipart(many, "b", 5)));
}

TEST_CASE("adapters: JSON webhooks refuse deep nesting and numbers out of range with 400") {
    // Both used to escape as exceptions or be accepted: nlohmann's out_of_range for 1e999
    // (a 500 the provider retries for good) and depth that overflowed the stack later.
    Fixture f;
    const std::string deep = std::string(5000, '[') + std::string(5000, ']');
    auto http = f.make("http", {{"url", "https://sms.example.com/send"}, {"hmac_secret", "k"}});
    auto sandbox = f.make("sandbox", {});
    auto postmark = f.make("postmark", {{"server_token", "pm"}, {"secret", "pm-secret"}},
                           config::ChannelKind::email);
    auto sendgrid = f.make("sendgrid", {{"secret", "events-secret"}}, config::ChannelKind::email);
    auto mailgun =
        f.make("mailgun", {{"webhook_signing_key", kMailgunKey}}, config::ChannelKind::email);
    auto signed_http = [&](const std::string& b) {
        return post(b, {{"content-type", "application/json"},
                        {"x-signature", crypto::hmac_sha256_hex("k", b)}});
    };
    const std::map<std::string, std::string> bearer = {{"content-type", "application/json"},
                                                       {"authorization", "Bearer api-token-1"}};
    for (const std::string& value : {deep, std::string("1e999")}) {
        CAPTURE(value.substr(0, 10));
        const std::string body =
            R"({"from":"+358401234567","text":"8","id":"in-1","x":)" + value + "}";
        const std::string limit = value == deep ? "body: JSON nested deeper than 64 levels"
                                                : "x: number out of range (1e999)";
        ch::Channel::InboundResult in;
        CHECK_NOTHROW(in = http->parse_inbound(signed_http(body), kNow));
        CHECK(message_of(in) == limit);
        CHECK_NOTHROW(in = sandbox->parse_inbound(post(body, bearer), kNow));
        CHECK(message_of(in) == limit);
        CHECK_NOTHROW(in = postmark->parse_inbound(post(body, kJson, "secret=pm-secret"), kNow));
        CHECK(message_of(in) == limit);
        ch::Channel::StatusResult st;
        CHECK_NOTHROW(st = sendgrid->parse_status(post(body, kJson, "secret=events-secret"), kNow));
        CHECK(message_of(st) == limit);
        CHECK_NOTHROW(st = mailgun->parse_status(post(body, kJson), kNow));
        CHECK(message_of(st) == limit);
    }
}
