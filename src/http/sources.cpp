// POST /v1/events/{source}: CRM webhooks (Pipedrive, HubSpot, ...) as they are.
#include "cxgate/http/sources.hpp"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "cxgate/engine/event.hpp"
#include "cxgate/engine/ingest.hpp"
#include "cxgate/engine/source_mapping.hpp"
#include "cxgate/foundation/authorization.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/http/access.hpp"

namespace cxgate::http {

namespace {

using json = nlohmann::json;
using status = beast_http::status;

std::string base64_decode(const std::string& in) {
    std::string out((in.size() / 4 + 1) * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
    if (n < 0) return {};
    size_t len = static_cast<size_t>(n);
    for (size_t i = in.size(); i > 0 && in[i - 1] == '=' && len > 0; --i) --len;
    out.resize(len);
    return out;
}

// A CRM proves itself with the source's secret: in its header (X-Cxgate-Secret by
// default), as a bearer token, as the password of HTTP Basic auth (Pipedrive's webhook
// settings offer only that), or as ?secret= in the URL. The API token works too.
bool source_authorized(const Request& request, const config::Config& config,
                       const config::Source& source, const std::string& query_secret) {
    if (authorized(request, config, config::Scope::ingest)) return true;
    if (source.secret.empty()) return false;
    auto header = std::string(request[source.secret_header]);
    if (!header.empty() && constant_time_equals(header, source.secret)) return true;
    const auto auth = request[beast_http::field::authorization];
    if (auto bearer = authorization::credentials(auth, "Bearer");
        bearer && constant_time_equals(std::string(*bearer), source.secret))
        return true;
    if (auto basic = authorization::credentials(auth, "Basic")) {
        auto decoded = base64_decode(std::string(*basic));
        auto colon = decoded.find(':');
        if (colon != std::string::npos &&
            constant_time_equals(decoded.substr(colon + 1), source.secret))
            return true;
    }
    return !query_secret.empty() && constant_time_equals(query_secret, source.secret);
}

}  // namespace

asio::awaitable<Reply> post_source_event(const Request& request, Services& s,
                                         const std::string& name, const std::string& query_secret) {
    auto config = s.config();
    auto it = config->sources.find(name);
    if (it == config->sources.end())
        co_return ApiError{status::not_found, "no source " + name, "source"};
    const auto& source = it->second;
    if (!source_authorized(request, *config, source, query_secret)) {
        s.counters.auth_failures++;
        log_refusal(
            s, "401 for POST /v1/events/" + loggable_path(name, 40) + ": missing or wrong secret");
        co_return ApiError{status::unauthorized, "missing or wrong source secret"};
    }
    auto body = json_input::parse(request.body());
    if (!body.value) {
        s.counters.events_rejected++;
        co_return ApiError{status::bad_request, body.message(), body.field};
    }
    auto mapped = engine::map_body(source, *body.value);
    if (!mapped.error.empty()) {
        s.counters.events_rejected++;
        spdlog::warn("source {}: {} (for {})", name, mapped.error, mapped.field);
        co_return ApiError{status::unprocessable_entity,
                           "source " + name + ": " + mapped.error + " (for " + mapped.field + ")",
                           mapped.field, mapped.path};
    }
    const auto now = s.clock.now();
    std::vector<engine::Event> events;
    json ignored = json::array();
    // A batch (an array body) is taken element by element: the good ones are recorded and
    // the bad ones listed under "rejected" with their index. The CRM retries a request as a
    // whole, so answering 4xx for one bad element would lose or endlessly retry the good
    // ones. Only when nothing could be recorded is the answer the first element's error.
    json rejected = json::array();
    beast_http::status first_rejection = status::ok;
    for (auto& m : mapped.events) {
        if (!m.ignored.empty()) {
            ignored.push_back(m.ignored);
            continue;
        }
        if (!m.error.empty()) {
            s.counters.events_rejected++;
            spdlog::warn("source {}: {} (for {})", name, m.error, m.field);
            if (first_rejection == status::ok) first_rejection = status::unprocessable_entity;
            auto item = error_json(ApiError{
                status::unprocessable_entity,
                "source " + name + ": " + m.error + " (for " + m.field + ")", m.field, m.path});
            item["index"] = m.index;
            item["status"] = 422;
            rejected.push_back(std::move(item));
            continue;
        }
        auto parsed = engine::parse_event(m.event, *config, now);
        if (!parsed.event) {
            s.counters.events_rejected++;
            const std::string message =
                "source " + name + ": " +
                (m.index >= 0 ? "[" + std::to_string(m.index) + "]: " : "") +
                "mapped event: " + parsed.error;
            if (m.index < 0) co_return ApiError{status::bad_request, message, parsed.field};
            if (first_rejection == status::ok) first_rejection = status::bad_request;
            auto item = error_json(ApiError{status::bad_request, message, parsed.field});
            item["index"] = m.index;
            item["status"] = 400;
            rejected.push_back(std::move(item));
            continue;
        }
        events.push_back(std::move(*parsed.event));
    }
    if (events.empty() && !rejected.empty()) {
        json body = rejected[0];
        body.erase("index");
        body.erase("status");
        body["rejected"] = rejected;
        co_return json_response(request, first_rejection, body.dump());
    }
    std::vector<engine::EventOutcome> outcomes;
    if (!events.empty()) {
        // One writer job for the whole body: the elements that could be mapped are recorded
        // together or not at all.
        auto job = [config, events = std::move(events), now](store::Store& db) {
            std::vector<engine::EventOutcome> out;
            for (const auto& e : events) out.push_back(engine::record_event(db, *config, e, now));
            return out;
        };
        outcomes = co_await s.writer.execute(std::move(job));
        s.scheduler.poke();
    }
    json results = json::array();
    for (const auto& o : outcomes) {
        (o.duplicate ? s.counters.events_duplicate : s.counters.events_accepted)++;
        results.push_back(engine::to_json(o));
    }
    co_return json_response(
        request, status::accepted,
        json_input::dump(json{
            {"source", name}, {"events", results}, {"ignored", ignored}, {"rejected", rejected}}));
}

}  // namespace cxgate::http
