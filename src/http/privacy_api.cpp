// One person's data over the API (admin scope): POST /v1/privacy/export (an access
// request) and POST /v1/privacy/forget (erasure), GET /v1/privacy/audit. The person is
// named in the JSON body, never in the URL, so no access log or proxy keeps the key.
#include <nlohmann/json.hpp>

#include "cxgate/foundation/authorization.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/callers.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/privacy/person.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

namespace {

using json = nlohmann::json;
using status = beast_http::status;

struct PersonRequest {
    privacy::PersonKeys keys;
    store::PersonSelector selector;
    bool drop_answers = false;
};

std::variant<PersonRequest, ApiError> read_person(const Request& request,
                                                  const config::Config& config, bool forgetting) {
    auto body = json_input::parse(request.body());
    if (!body.value) return ApiError{status::bad_request, body.message(), body.field};
    const auto& in = *body.value;
    if (!in.is_object()) return ApiError{status::bad_request, "expected a JSON object"};
    PersonRequest out;
    for (const auto& [key, value] : in.items()) {
        std::string* into = key == "phone"     ? &out.keys.phone
                            : key == "email"   ? &out.keys.email
                            : key == "contact" ? &out.keys.contact
                            : key == "event"   ? &out.keys.event
                                               : nullptr;
        if (into) {
            if (!value.is_string())
                return ApiError{status::bad_request, key + ": expected text", key};
            *into = value.get<std::string>();
        } else if (key == "drop_answers" && forgetting) {
            if (!value.is_boolean())
                return ApiError{status::bad_request, "drop_answers: expected true or false", key};
            out.drop_answers = value.get<bool>();
        } else {
            return ApiError{status::bad_request,
                            key + ": not a field here (phone, email, contact, event" +
                                (forgetting ? ", drop_answers)" : ")"),
                            key};
        }
    }
    std::string error;
    auto selector = privacy::selector_for(out.keys, config, &error);
    if (!selector) {
        const auto colon = error.find(':');
        return ApiError{status::bad_request, error,
                        colon != std::string::npos && colon < 8 ? error.substr(0, colon) : ""};
    }
    out.selector = std::move(*selector);
    return out;
}

// The audit names the token by its fingerprint, never the token.
std::string actor(const Request& request) {
    auto token = authorization::credentials(request[beast_http::field::authorization], "Bearer");
    if (!token) return "api";
    return "token:" + crypto::sha256_hex(*token).substr(0, 8);
}

}  // namespace

asio::awaitable<Reply> post_privacy_export(const Request& request, Services& s, const Target&) {
    const auto config = s.config();
    const auto who = co_await authenticate(request, s, config::Scope::admin);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    auto person = read_person(request, *config, false);
    if (const auto* error = std::get_if<ApiError>(&person)) co_return *error;
    const auto now = s.clock.now().time_since_epoch().count();
    auto job = [p = std::get<PersonRequest>(std::move(person)), by = actor(request),
                now](store::Store& db) {
        return privacy::export_person(db, p.selector, p.keys.kinds(), by, now);
    };
    const auto out = co_await s.writer.execute(std::move(job));
    co_return json_response(request, out.value("found", false) ? status::ok : status::not_found,
                            json_input::dump(out));
}

asio::awaitable<Reply> post_privacy_forget(const Request& request, Services& s, const Target&) {
    const auto config = s.config();
    const auto who = co_await authenticate(request, s, config::Scope::admin);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    auto person = read_person(request, *config, true);
    if (const auto* error = std::get_if<ApiError>(&person)) co_return *error;
    const auto now = s.clock.now().time_since_epoch().count();
    auto job = [p = std::get<PersonRequest>(std::move(person)), by = actor(request),
                now](store::Store& db) {
        return privacy::forget(db, p.selector, p.keys.kinds(), by, p.drop_answers, now);
    };
    // The writer empties the WAL after this commit, before the answer (db_thread.cpp).
    const auto done = co_await s.writer.execute(std::move(job));
    json out{{"found", done.found},
             {"audit_id", done.audit_id},
             {"erased", privacy::to_json(done.counts)}};
    co_return json_response(request, status::ok, json_input::dump(out));
}

asio::awaitable<Reply> get_privacy_audit(const Request& request, Services& s,
                                         const Target& target) {
    const auto who = co_await authenticate(request, s, config::Scope::admin);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    size_t limit = 100;
    if (const auto& given = target.query_value("limit"); !given.empty()) {
        try {
            limit = std::stoul(given);
        } catch (const std::exception&) {
            co_return ApiError{status::bad_request, "limit: expected a number", "limit"};
        }
        limit = std::min<size_t>(std::max<size_t>(limit, 1), 10000);
    }
    auto job = [limit](store::Store& db) { return db.privacy_audit(limit); };
    json out = json::array();
    for (const auto& row : co_await s.reader.execute(std::move(job)))
        out.push_back(privacy::to_json(row));
    co_return json_response(request, status::ok, json_input::dump(out));
}

}  // namespace cxgate::http
