// Fuzz target: a provider's webhook as the HTTP layer hands it to a channel: its signature
// or secret checked first, then the form, JSON or multipart body read into replies (SMS and
// email, quoted text cut) or delivery reports. Anyone on the internet can post to these
// URLs. So that the fuzzer also gets past the checks, this target signs each request the
// way the provider would (Twilio's X-Twilio-Signature over the form, Vonage's sig over the
// parameters, the ?secret= of Kannel, SendGrid and Postmark) on every other run; the
// signature functions are then also checked against themselves: what they sign verifies,
// a changed byte does not.
//
// Input: byte 0 picks the provider, inbound or status, and whether to sign; then a line
// with the Content-Type, a line with the query string, and the body.
// Built by tests/fuzz/CMakeLists.txt (README.md there).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "cxgate/channels/channel.hpp"
#include "cxgate/channels/http_client.hpp"
#include "cxgate/channels/signatures.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/foundation/url.hpp"

using namespace cxgate;
namespace ch = cxgate::channels;
namespace sig = cxgate::signatures;

namespace {

constexpr long long kNow = 1'795'000'000;
constexpr const char* kSecret = "fuzz-secret-0123456789";

struct Provider {
    const char* type;
    config::ChannelKind kind;
    std::map<std::string, std::string> settings;
};

const Provider kProviders[] = {
    {"twilio", config::ChannelKind::sms, {{"account_sid", "AC1"}, {"auth_token", kSecret}}},
    {"vonage",
     config::ChannelKind::sms,
     {{"api_key", "k"},
      {"api_secret", "s"},
      {"signature_secret", kSecret},
      {"signature_method", "sha256"}}},
    {"kannel",
     config::ChannelKind::sms,
     {{"sendsms_url", "http://127.0.0.1:1/cgi-bin/sendsms"},
      {"username", "cx"},
      {"password", "pw"},
      {"secret", kSecret}}},
    {"http",
     config::ChannelKind::sms,
     {{"url", "http://127.0.0.1:1/send"}, {"hmac_secret", kSecret}}},
    {"sendgrid", config::ChannelKind::email, {{"api_key", "SG.x"}, {"secret", kSecret}}},
    {"mailgun",
     config::ChannelKind::email,
     {{"api_key", "k"}, {"domain", "mg.example.com"}, {"webhook_signing_key", kSecret}}},
    {"postmark", config::ChannelKind::email, {{"server_token", "pm"}, {"secret", kSecret}}},
    {"sandbox", config::ChannelKind::sms, {}},
};

struct World {
    asio::io_context io;
    ch::HttpClient http{io};
    std::shared_ptr<config::Config> config = [] {
        auto c = std::make_shared<config::Config>();
        c->server.public_url = "https://cx.example.com/";
        c->api_tokens = {config::ApiToken::from_value("api-token-0123456789")};
        return c;
    }();
    std::vector<std::unique_ptr<ch::Channel>> channels;

    World() {
        for (const auto& p : kProviders) {
            config::ChannelConfig c;
            c.name = std::string(p.type) + "-main";
            c.type = p.type;
            c.kind = p.kind;
            c.from = p.kind == config::ChannelKind::sms ? "+358401110000" : "kysely@example.com";
            c.settings = p.settings;
            channels.push_back(
                ch::make_channel(c, ch::ChannelContext{io, &http, config, "link-secret"}));
        }
    }
};

World* g_world = nullptr;

std::string next_line(std::string_view& rest) {
    const auto newline = rest.find('\n');
    std::string line(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    return line;
}

void sign(const Provider& provider, ch::WebhookRequest& request) {
    const std::string type = provider.type;
    auto add_query = [&](const std::string& pair) {
        request.query += (request.query.empty() ? "" : "&") + pair;
    };
    if (type == "sandbox") {
        request.headers["authorization"] = "Bearer api-token-0123456789";
    } else if (type == "kannel" || type == "sendgrid" || type == "postmark") {
        add_query("secret=" + url::encode(kSecret));
    } else if (type == "twilio") {
        const std::string signed_url = "https://cx.example.com" + request.path +
                                       (request.query.empty() ? "" : "?" + request.query);
        request.headers["x-twilio-signature"] =
            sig::twilio_signature(kSecret, signed_url, ch::form_params(request.body));
    } else if (type == "vonage") {
        auto params = ch::form_params(request.body.empty() ? request.query : request.body);
        std::erase_if(params, [](const auto& p) { return p.first == "sig"; });
        if (auto s = sig::vonage_signature(kSecret, "sha256", params)) {
            if (request.body.empty())
                add_query("sig=" + *s);
            else
                request.body += "&sig=" + *s;
        }
    }
}

// What a signature function signs, it verifies; one byte more or less, it refuses.
void check_signatures(std::string_view text) {
    const std::string a(text.substr(0, text.size() / 2)), b(text.substr(text.size() / 2));
    const sig::Params params{{"msisdn", a}, {"text", b}, {"timestamp", std::to_string(kNow)}};
    const auto twilio = sig::twilio_signature(kSecret, "https://cx.example.com/w?" + a, params);
    if (!sig::twilio_verify(kSecret, "https://cx.example.com/w?" + a, params, twilio)) std::abort();
    if (sig::twilio_verify(kSecret, "https://cx.example.com/w?" + a, params, twilio + "A"))
        std::abort();
    for (const char* method : {"md5hash", "md5", "sha1", "sha256", "sha512"}) {
        auto signature = sig::vonage_signature(kSecret, method, params);
        if (!signature) continue;  // a repeated name, or a name Vonage cannot sign
        auto with_sig = params;
        with_sig.emplace_back("sig", *signature);
        if (!sig::vonage_verify(kSecret, method, with_sig, kNow)) std::abort();
        with_sig.back().second += "0";
        if (sig::vonage_verify(kSecret, method, with_sig, kNow)) std::abort();
    }
    // Untrusted values in every position: no crash, and never accepted with an empty key.
    if (sig::mailgun_verify("", a, b, std::string(text), kNow)) std::abort();
    sig::mailgun_verify(kSecret, a, b, std::string(text), kNow);
    sig::twilio_verify_json(kSecret, "https://cx.example.com/w?bodySHA256=" + a, b,
                            std::string(text));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_world = new World();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned choice = data[0];
    const Provider& provider = kProviders[choice % std::size(kProviders)];
    auto& channel = *g_world->channels[choice % std::size(kProviders)];
    const bool status = (choice / std::size(kProviders)) % 2 == 1;
    const bool signed_request = (choice / (2 * std::size(kProviders))) % 2 == 0;

    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    ch::WebhookRequest request;
    request.method = "POST";
    request.path =
        std::string("/webhooks/") + provider.type + "-main/" + (status ? "status" : "inbound");
    request.headers["content-type"] = next_line(rest);
    request.query = next_line(rest);
    request.body = std::string(rest);
    if (signed_request) sign(provider, request);

    if (status) {
        auto result = channel.parse_status(request, kNow);
        if (auto* reports = std::get_if<std::vector<ch::StatusReport>>(&result)) {
            for (const auto& r : *reports)
                if (r.status.empty()) std::abort();  // a report always says what happened
        } else if (std::get<ch::WebhookError>(result).message.empty()) {
            std::abort();  // a refusal says why
        }
    } else {
        auto result = channel.parse_inbound(request, kNow);
        if (auto* replies = std::get_if<std::vector<ch::InboundReply>>(&result)) {
            for (const auto& r : *replies)
                if (r.from.empty() && std::string(provider.type) != "sandbox") std::abort();
        } else if (std::get<ch::WebhookError>(result).message.empty()) {
            std::abort();
        }
    }
    check_signatures(rest);
    return 0;
}
