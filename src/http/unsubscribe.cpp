// One-click unsubscribe (RFC 8058), /u/{token}. GET only shows a page with a button,
// because link scanners fetch every link; POST (the mail provider's one-click, or the
// button) opts out. A POST a browser made from another site is refused
// (page_security.hpp): the token in the link is the only credential, and a page elsewhere
// must not spend it.
#include <spdlog/spdlog.h>

#include "cxgate/foundation/phone.hpp"

#include "cxgate/foundation/html.hpp"
#include "cxgate/foundation/links.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/page_security.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

asio::awaitable<Reply> unsubscribe(const Request& request, Services& s, const Target& target) {
    using status = beast_http::status;
    auto address = links::unsubscribe_address(s.link_secret, target.param("token"));
    Response res{status::ok, request.version()};
    set_page_headers(res);
    if (!address) {
        res.result(status::not_found);
        res.body() =
            "<!doctype html><meta name=viewport content=\"width=device-width\"><p>This link is not "
            "valid.</p>";
        co_return res;
    }
    const std::string confirm_page =
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">"
        "<title>Unsubscribe</title><form method=post><p>Stop surveys to " +
        html::escape(*address) +
        "? / Lopetetaanko kyselyt? / Avsluta enkäter?</p><button name=List-Unsubscribe "
        "value=One-Click>"
        "Unsubscribe / Peru tilaus / Avsluta</button></form>";
    // The route table lets only GET and POST through.
    if (request.method() != beast_http::verb::post) {
        res.body() = confirm_page;
        co_return res;
    }
    if (from_another_site(request, s.config()->server.public_url)) {
        // The page with its button: a person who really meant it can press it here.
        log_refusal(s, "unsubscribe POST from another site refused");
        res.result(status::forbidden);
        res.body() = confirm_page;
        co_return res;
    }
    const auto now = s.clock.now().time_since_epoch().count();
    auto job = [addr = *address, now](store::Store& db) {
        return db.opt_out_address(addr, "one-click unsubscribe", now);
    };
    co_await s.writer.execute(std::move(job));
    spdlog::info("unsubscribed {} by one-click link", phone::redact(*address));
    res.body() =
        "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">"
        "<p>Unsubscribed. / Tilaus peruttu. / Avslutat.</p>";
    co_return res;
}

}  // namespace cxgate::http
