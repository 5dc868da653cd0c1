#include "cxgate/http/page_security.hpp"

#include <boost/beast/core/string.hpp>

namespace cxgate::http {

namespace {

// "https://cx.example.com:8443/path" -> "cx.example.com:8443".
std::string_view authority_of(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    url.remove_prefix(scheme + 3);
    return url.substr(0, url.find('/'));
}

}  // namespace

void set_page_headers(Response& res) {
    res.set(beast_http::field::content_type, "text/html; charset=utf-8");
    res.set(beast_http::field::cache_control, "no-store");
    res.set(beast_http::field::server, "cxgate");
    res.set("X-Robots-Tag", "noindex, nofollow");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'");
}

Response page_response(const Request& request, beast_http::status status, std::string body) {
    Response res{status, request.version()};
    set_page_headers(res);
    res.body() = std::move(body);
    return res;
}

Response see_other(const Request& request, const std::string& location) {
    Response res{beast_http::status::see_other, request.version()};
    res.set(beast_http::field::location, location);
    res.set(beast_http::field::cache_control, "no-store");
    res.set(beast_http::field::server, "cxgate");
    return res;
}

bool from_another_site(const Request& request, const std::string& public_url) {
    using boost::beast::iequals;
    const auto site = request["Sec-Fetch-Site"];
    if (!site.empty()) return iequals(site, "cross-site") || iequals(site, "same-site");
    const auto origin = request[beast_http::field::origin];
    if (origin.empty() || origin == "null") return false;
    const auto from = authority_of(origin);
    return from.empty() || !(iequals(from, request[beast_http::field::host]) ||
                             iequals(from, authority_of(public_url)));
}

}  // namespace cxgate::http
