// /webhooks/{channel}/inbound and /webhooks/{channel}/status: what providers send us,
// in their own formats. Each channel's adapter verifies the signature and reads the body
// (channels/adapters.hpp); nothing is recorded on a bad signature (403) or a bad body.
// Kannel's sms-service and dlr-url fetch with GET; everyone else POSTs.
#include <cctype>
#include <tuple>

#include <nlohmann/json.hpp>

#include "cxgate/channels/delivery.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/foundation/utf8.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/replies/conversation.hpp"

namespace cxgate::http {

namespace {

using json = nlohmann::json;
using status = beast_http::status;

// The request as the channel adapters read it: header names in lower case.
channels::WebhookRequest webhook_request(const Request& request) {
    channels::WebhookRequest w;
    w.method = std::string(request.method_string());
    auto [path, query] = url::split_target(request.target());
    w.path = path;
    w.query = query;
    for (const auto& field : request) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        w.headers[name] = std::string(field.value());
    }
    w.body = request.body();
    return w;
}

// What a webhook identifies things by must be valid UTF-8 of a sane length: such a value
// is looked up, stored and shown, and repairing it would make two different ids one.
// Refused with 400, which a provider does not retry (free text is repaired instead).
std::optional<channels::WebhookError> check_text_fields(const std::string& id,
                                                        const std::string& from,
                                                        const std::string& status = "") {
    for (const auto& [name, value, limit] :
         {std::tuple{"id", &id, 200}, std::tuple{"from", &from, 320},
          std::tuple{"status", &status, 100}}) {
        if (!utf8::valid(*value))
            return channels::WebhookError{400, std::string(name) + ": not valid UTF-8"};
        if (utf8::length(*value) > static_cast<size_t>(limit))
            return channels::WebhookError{
                400, std::string(name) + ": longer than " + std::to_string(limit) + " characters"};
    }
    return std::nullopt;
}

// A refused webhook: counted, and a bad signature logged (rate-limited, without the
// query string, which may hold a secret).
ApiError refused(const Request& request, Services& s, const std::string& channel,
                 const channels::WebhookError& error) {
    if (error.status == 403) {
        s.counters.auth_failures++;
        log_refusal(s, "webhook " + loggable_path(request.target()) + " on channel " +
                           loggable_path(channel, 40) + ": 403 " + error.message);
    }
    s.counters.inbound_rejected++;
    return ApiError{static_cast<status>(error.status), error.message};
}

// The answer the provider's API expects (an empty TwiML, "OK", ...).
Response provider_ok(const Request& request, const channels::Channel& channel) {
    auto reply = channel.webhook_reply();
    Response res{status::ok, request.version()};
    res.set(beast_http::field::content_type, reply.content_type);
    res.body() = reply.body;
    return res;
}

// The channel a webhook's URL names, when the running configuration has it.
std::shared_ptr<channels::Channel> webhook_channel(Services& s, const config::Config& config,
                                                   const std::string& name) {
    auto channel = s.dispatcher.channel(name);
    return channel && config.find_channel(name) ? channel : nullptr;
}

bool is_sandbox(const config::Config& config, const std::string& channel) {
    return config.find_channel(channel)->type == "sandbox";
}

}  // namespace

asio::awaitable<Reply> webhook_inbound(const Request& request, Services& s, const Target& target) {
    const auto& channel_name = target.param("channel");
    auto config = s.config();
    auto channel = webhook_channel(s, *config, channel_name);
    if (!channel) co_return ApiError{status::not_found, "no channel " + channel_name};
    const auto now = s.clock.now().time_since_epoch().count();
    auto parsed = channel->parse_inbound(webhook_request(request), now);
    if (auto* error = std::get_if<channels::WebhookError>(&parsed))
        co_return refused(request, s, channel_name, *error);
    auto replies = std::get<std::vector<channels::InboundReply>>(std::move(parsed));
    for (auto& reply : replies) {
        if (auto error = check_text_fields(reply.provider_id, reply.from))
            co_return refused(request, s, channel_name, *error);
        reply.text = utf8::repair(reply.text);
    }
    json results = json::array();
    for (auto& reply : replies) {
        replies::InboundMessage message{channel_name, reply.provider_id, reply.from, reply.text};
        if (message.provider_id.empty()) message.provider_id = "anon-" + random_hex(12);
        auto job = [config, message, now](store::Store& db) {
            return replies::handle_inbound(db, *config, message, now);
        };
        auto outcome = co_await s.writer.execute(std::move(job));
        if (outcome.duplicate)
            s.counters.inbound_duplicate++;
        else
            s.counters.inbound_accepted++;
        s.dispatcher.enqueue(outcome.queued_messages);
        if (!outcome.queued_messages.empty()) s.scheduler.poke();
        json r{{"outcome", outcome.outcome},
               {"duplicate", outcome.duplicate},
               {"id", message.provider_id}};
        if (outcome.survey_id) r["survey"] = *outcome.survey_id;
        if (outcome.score) r["score"] = *outcome.score;
        results.push_back(r);
    }
    // The sandbox answers with what happened (for `cxgate reply`); providers get the
    // answer their API expects.
    if (is_sandbox(*config, channel_name))
        co_return json_response(request, status::ok,
                                json_input::dump(results.size() == 1 ? results[0] : results));
    co_return provider_ok(request, *channel);
}

// Delivery reports, idempotent on (message id, status).
asio::awaitable<Reply> webhook_status(const Request& request, Services& s, const Target& target) {
    const auto& channel_name = target.param("channel");
    auto config = s.config();
    auto channel = webhook_channel(s, *config, channel_name);
    if (!channel) co_return ApiError{status::not_found, "no channel " + channel_name};
    const auto now = s.clock.now().time_since_epoch().count();
    auto parsed = channel->parse_status(webhook_request(request), now);
    if (auto* error = std::get_if<channels::WebhookError>(&parsed))
        co_return refused(request, s, channel_name, *error);
    auto reports = std::get<std::vector<channels::StatusReport>>(std::move(parsed));
    for (auto& report : reports) {
        if (auto error = check_text_fields(report.provider_id, "", report.status))
            co_return refused(request, s, channel_name, *error);
        report.error = utf8::repair(report.error);
        report.error_code = utf8::repair(report.error_code);
    }
    size_t matched = 0, duplicates = 0;
    for (const auto& report : reports) {
        auto job = [config, channel_name, report, now](store::Store& db) {
            return channels::apply_status_report(db, *config, channel_name, report, now);
        };
        auto outcome = co_await s.writer.execute(std::move(job));
        matched += outcome.matched;
        duplicates += outcome.duplicate;
        if (!outcome.queued_messages.empty()) {
            s.dispatcher.enqueue(outcome.queued_messages);
            s.scheduler.poke();
        }
    }
    if (is_sandbox(*config, channel_name))
        co_return json_response(
            request, status::ok,
            json_input::dump(json{
                {"reports", reports.size()}, {"matched", matched}, {"duplicates", duplicates}}));
    co_return provider_ok(request, *channel);
}

}  // namespace cxgate::http
