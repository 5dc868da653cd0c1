#pragma once
// POST /v1/events/{source}: a CRM's webhook body, mapped to events by the source's
// `sources:` entry in cxgate.yaml, then recorded through the same path as POST /v1/events.
#include <string>

#include "cxgate/http/api_error.hpp"
#include "cxgate/http/services.hpp"
#include "cxgate/net.hpp"

namespace cxgate::http {

asio::awaitable<Reply> post_source_event(const Request& request, Services& services,
                                         const std::string& source,
                                         const std::string& query_secret);

}  // namespace cxgate::http
