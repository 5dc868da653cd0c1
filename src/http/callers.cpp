// Tokens and dashboard sessions (callers.hpp).
#include "cxgate/http/callers.hpp"

#include <boost/beast/core/string.hpp>

#include "cxgate/accounts/sessions.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/services.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

namespace {

ApiError forbidden(const Request& request, Services& s, const std::string& why) {
    log_refusal(s, "403 for " + std::string(request.method_string()) + " " +
                       loggable_path(request.target()) + ": " + why);
    return ApiError{beast_http::status::forbidden, why};
}

}  // namespace

asio::awaitable<std::optional<Caller>> session_caller(const Request& request, Services& s) {
    const auto token =
        accounts::cookie_value(request[beast_http::field::cookie], accounts::kSessionCookie);
    if (token.empty() || token.size() > 128) co_return std::nullopt;
    const auto hash = accounts::token_hash(token);
    const auto now = s.clock.now().time_since_epoch().count();
    struct Found {
        store::SessionRow session;
        store::UserRow user;
    };
    // Jobs are named before co_await: GCC 12 destroys a lambda temporary in a co_await twice.
    auto find = [hash](store::Store& db) -> std::optional<Found> {
        auto session = db.find_session(hash);
        if (!session) return std::nullopt;
        auto user = db.find_user(session->user_id);
        if (!user) return std::nullopt;
        return Found{*session, *user};
    };
    auto found = co_await s.reader.execute(std::move(find));
    if (!found || found->user.disabled || !accounts::session_valid(found->session, now))
        co_return std::nullopt;
    if (auto expiry = accounts::renewed_expiry(found->session, now)) {
        auto touch = [hash, now, expiry = *expiry](store::Store& db) {
            db.touch_session(hash, now, expiry);
            return true;
        };
        co_await s.writer.execute(std::move(touch));
    }
    Caller caller;
    caller.viewer = accounts::viewer_of(found->user, *s.config());
    caller.session_hash = hash;
    caller.csrf = found->session.csrf;
    co_return caller;
}

asio::awaitable<std::variant<Caller, ApiError>> authenticate(const Request& request, Services& s,
                                                             config::Scope scope) {
    const auto check = check_token(request, *s.config(), scope);
    if (check == TokenCheck::ok) co_return Caller{};
    const bool reads =
        request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
    if (check == TokenCheck::missing && scope == config::Scope::read && reads) {
        // (GCC 12 miscompiles a co_await inside an if condition: keep it a statement.)
        auto caller = co_await session_caller(request, s);
        if (caller) co_return std::move(*caller);
    }
    co_return refused(request, s, check, scope);
}

std::optional<ApiError> narrow(const Caller& caller, std::map<std::string, std::string>& parameters,
                               const Request& request, Services& s) {
    if (!caller.viewer) return std::nullopt;
    if (auto why = accounts::narrow(*caller.viewer, parameters)) return forbidden(request, s, *why);
    return std::nullopt;
}

std::optional<ApiError> needs_everything(const Caller& caller, const Request& request,
                                         Services& s) {
    if (!caller.viewer) return std::nullopt;
    if (auto why = accounts::needs_everything(*caller.viewer)) return forbidden(request, s, *why);
    return std::nullopt;
}

bool over_https(const Request& request, const config::Config& config) {
    return config.server.public_url.rfind("https://", 0) == 0 ||
           boost::beast::iequals(request["X-Forwarded-Proto"], "https");
}

std::string client_address(const Request& request, const Target& target,
                           const config::Config& config) {
    if (config.server.max_connections_per_address != 0) return target.client;
    std::string_view forwarded = request["X-Forwarded-For"];
    const auto comma = forwarded.rfind(',');
    if (comma != std::string_view::npos) forwarded.remove_prefix(comma + 1);
    while (!forwarded.empty() && forwarded.front() == ' ') forwarded.remove_prefix(1);
    return forwarded.empty() ? target.client : std::string(forwarded.substr(0, 64));
}

}  // namespace cxgate::http
