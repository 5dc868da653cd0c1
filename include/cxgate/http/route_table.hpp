#pragma once
// Routes as a table: (methods, path pattern) -> handler.
//
// A pattern is a path whose segments are either literal ("v1") or a capture ("{id}"),
// which matches one whole non-empty segment: "/webhooks/{channel}/inbound". A path that no
// pattern matches is 404; a path that some pattern matches, but for other methods, is 405
// with Allow listing the methods those patterns answer. HEAD is answered only where a
// route lists it (it must have no side effects; handle_request() drops the body). When
// several routes match, the first added wins.
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cxgate/http/api_error.hpp"
#include "cxgate/net.hpp"

namespace cxgate::http {

// What a handler learns from the request target besides the request itself.
struct Target {
    std::string path;                           // without the query, as sent
    std::map<std::string, std::string> params;  // the pattern's captures: {id} -> "42"
    std::map<std::string, std::string> query;   // ?flow=x&since=... decoded
    std::string client;  // the client's address as the server counts it (an IPv6 /64)
    // The capture or query value, or "" when absent.
    const std::string& param(const std::string& name) const;
    const std::string& query_value(const std::string& name) const;
};

class RouteTable {
  public:
    using Handler = std::function<asio::awaitable<Reply>(const Request&, Services&, const Target&)>;

    // Throws std::invalid_argument on a malformed pattern (a programming error).
    void add(std::initializer_list<beast_http::verb> methods, std::string_view pattern,
             Handler handler);

    struct Match {
        const Handler* handler = nullptr;           // a route answers this method here
        std::map<std::string, std::string> params;  // its captures
        std::string_view pattern;                   // the route's pattern, for logs and tests
        std::string allow;  // no handler, path known: "GET, HEAD"; both empty: no route
    };
    Match match(beast_http::verb method, std::string_view path) const;

  private:
    struct Route {
        std::string pattern;
        std::vector<beast_http::verb> methods;
        std::vector<std::string> segments;  // "{name}" for a capture
        Handler handler;
    };
    std::vector<Route> routes_;
};

}  // namespace cxgate::http
