#pragma once
// Request -> response, as one awaitable function of the request: testable without sockets.
//
// The routes are a table (route_table.hpp; the list is in router.cpp): a path no route
// knows is 404, a known path with another method is 405 with Allow. Every error a route
// answers (an ApiError) becomes its status and JSON body here (api_error.hpp), a full
// queue becomes 503 with Retry-After here, and an exception becomes 500 here: nowhere else.
#include "cxgate/http/api_error.hpp"
#include "cxgate/http/message.hpp"
#include "cxgate/http/route_table.hpp"
#include "cxgate/http/services.hpp"
#include "cxgate/net.hpp"

namespace cxgate::http {

// The response is complete (payload prepared): an answer to HEAD has the Content-Length
// of the body it leaves out.
asio::awaitable<Response> handle_request(Request request, Services& services,
                                         std::string client = {});

// Every route of the API, as handle_request() matches them.
const RouteTable& api_routes();

}  // namespace cxgate::http
