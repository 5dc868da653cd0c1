// The dashboard's login and logout (routes.hpp). A login checks the form's own CSRF token
// (double-submitted in a cookie: there is no session yet to carry one), then the throttle
// of the account and of the address, then the password on the password threads; only then
// does it open a session. Every answer that is not a success looks the same whether the
// email exists or not.
#include <spdlog/spdlog.h>

#include "cxgate/accounts/sessions.hpp"
#include "cxgate/accounts/throttle.hpp"
#include "cxgate/dashboard/pages.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/callers.hpp"
#include "cxgate/http/page_security.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

namespace {

using status = beast_http::status;

dashboard::Lang language(const Request& request) {
    return dashboard::pick_language("", request[beast_http::field::accept_language]);
}

// The login form with a fresh CSRF token in its cookie.
Response login_form(const Request& request, const config::Config& config, status code,
                    const std::string& email, const std::string& message) {
    const auto csrf = random_hex(32);
    auto res = page_response(request, code,
                             dashboard::login_page(language(request), csrf, email, message));
    res.insert(beast_http::field::set_cookie,
               accounts::cookie(accounts::kLoginCookie, csrf, 3600, over_https(request, config)));
    return res;
}

}  // namespace

asio::awaitable<Reply> get_login(const Request& request, Services& s, const Target&) {
    // (GCC 12 miscompiles a co_await inside an if condition: keep it a statement.)
    const auto caller = co_await session_caller(request, s);
    if (caller) co_return see_other(request, "/");
    co_return login_form(request, *s.config(), status::ok, "", "");
}

asio::awaitable<Reply> post_login(const Request& request, Services& s, const Target& target) {
    auto config = s.config();
    const auto& w = dashboard::words(language(request));
    if (from_another_site(request, config->server.public_url)) {
        log_refusal(s, "403 for POST /login: from another site");
        co_return page_response(request, status::forbidden,
                                dashboard::message_page(language(request), w.log_in, w.forbidden));
    }
    auto form = url::parse_form(request.body());
    const auto email = accounts::normal_email(form["email"]);
    const auto expected =
        accounts::cookie_value(request[beast_http::field::cookie], accounts::kLoginCookie);
    if (!accounts::csrf_matches(expected, form["csrf"]))
        // An old tab or a forged form: a fresh form, nothing tried.
        co_return login_form(request, *config, status::forbidden, email, "");
    if (email.empty() || email.size() > 254 || form["password"].size() > 1024)
        co_return login_form(request, *config, status::unauthorized, email, w.wrong_login);

    const auto account = accounts::account_key(email);
    const auto address = accounts::address_key(client_address(request, target, *config));
    const auto now = s.clock.now().time_since_epoch().count();
    struct Attempt {
        std::optional<store::UserRow> user;
        store::LoginFailures account, address;
    };
    // Jobs are named before co_await: GCC 12 destroys a lambda temporary in a co_await twice.
    auto look_up = [email, account, address](store::Store& db) {
        return Attempt{db.find_user_by_email(email), db.login_failures(account),
                       db.login_failures(address)};
    };
    const auto attempt = co_await s.reader.execute(std::move(look_up));
    store::Seconds wait = 0, wait_address = 0;
    const bool locked_account = accounts::locked(attempt.account, now, &wait);
    if (accounts::locked(attempt.address, now, &wait_address) || locked_account) {
        log_refusal(s, "429 for POST /login: throttled after failed logins");
        auto res =
            login_form(request, *config, status::too_many_requests, email, w.too_many_logins);
        res.set(beast_http::field::retry_after, std::to_string(std::max(wait, wait_address)));
        co_return res;
    }
    const auto& user = attempt.user;
    const bool usable = user && !user->disabled;
    std::string password = std::move(form["password"]);
    std::string stored = usable ? user->password_hash : "";
    const auto matched = co_await s.password_checks->verify(std::move(password), std::move(stored));
    if (!matched) {
        auto res = login_form(request, *config, status::service_unavailable, email, w.busy);
        res.set(beast_http::field::retry_after, "1");
        co_return res;
    }
    if (!*matched || !usable) {
        auto count_failure = [account, address, now](store::Store& db) {
            db.set_login_failures(account,
                                  accounts::after_failure(db.login_failures(account), now,
                                                          accounts::kAccountFailuresAllowed));
            db.set_login_failures(address,
                                  accounts::after_failure(db.login_failures(address), now,
                                                          accounts::kAddressFailuresAllowed));
            return true;
        };
        co_await s.writer.execute(std::move(count_failure));
        s.counters.auth_failures++;
        log_refusal(s, "401 for POST /login: wrong email or password");
        co_return login_form(request, *config, status::unauthorized, email, w.wrong_login);
    }
    auto session = accounts::open_session(user->id, now);
    auto open = [account, row = session.row, now](store::Store& db) {
        db.clear_login_failures(account);
        db.end_expired_sessions(now);
        db.add_session(row);
        return true;
    };
    co_await s.writer.execute(std::move(open));
    spdlog::info("dashboard login: {} ({})", user->email, store::to_string(user->role));
    const bool secure = over_https(request, *config);
    auto res = see_other(request, "/");
    res.insert(beast_http::field::set_cookie,
               accounts::cookie(accounts::kSessionCookie, session.token, accounts::kSessionLifetime,
                                secure));
    res.insert(beast_http::field::set_cookie,
               accounts::cookie(accounts::kLoginCookie, "", 0, secure));
    co_return res;
}

asio::awaitable<Reply> post_logout(const Request& request, Services& s, const Target&) {
    auto config = s.config();
    auto caller = co_await session_caller(request, s);
    auto form = url::parse_form(request.body());
    if (caller && (from_another_site(request, config->server.public_url) ||
                   !accounts::csrf_matches(caller->csrf, form["csrf"]))) {
        log_refusal(s, "403 for POST /logout: missing or wrong CSRF token");
        const auto lang = language(request);
        co_return page_response(request, status::forbidden,
                                dashboard::message_page(lang, dashboard::words(lang).log_out,
                                                        dashboard::words(lang).forbidden));
    }
    if (caller) {
        auto end = [hash = caller->session_hash](store::Store& db) {
            db.end_session(hash);
            return true;
        };
        co_await s.writer.execute(std::move(end));
    }
    auto res = see_other(request, "/login");
    res.insert(beast_http::field::set_cookie,
               accounts::cookie(accounts::kSessionCookie, "", 0, over_https(request, *config)));
    co_return res;
}

}  // namespace cxgate::http
