#pragma once
// What the HTML pages (the answer page /r/..., the unsubscribe page /u/..., the dashboard)
// share: headers that keep them out of frames, caches, search indexes and other
// sites' Referer, and the check that refuses a state-changing POST a browser made from
// another site (a hidden form on some page, CSRF).
#include <string>

#include "cxgate/http/message.hpp"

namespace cxgate::http {

// text/html; a CSP that allows nothing but inline style, forms posted to this site and no
// framing (plus X-Frame-Options for browsers without frame-ancestors), no-store, noindex,
// no referrer, nosniff.
void set_page_headers(Response& response);

// A page: `body` with the headers above.
Response page_response(const Request& request, beast_http::status status, std::string body);
// 303 to `location` (after a login, a logout, or to the login form), never cached.
Response see_other(const Request& request, const std::string& location);

// Whether a browser says this request comes from another site: Sec-Fetch-Site is
// "cross-site" or "same-site", or (for browsers without Fetch Metadata) Origin names a
// host other than this request's Host and the configured public URL. "Origin: null" is
// what our own pages send (Referrer-Policy: no-referrer), so it is not another site. A
// request with neither header does not come from a browser page (a mail provider's
// RFC 8058 one-click is made server to server) and is not refused here.
bool from_another_site(const Request& request, const std::string& public_url);

}  // namespace cxgate::http
