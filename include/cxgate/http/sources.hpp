#pragma once
// POST /v1/events/{source}: a CRM's webhook body, mapped to events by the source's
// `sources:` entry in cxgate.yaml, then recorded through the same path as POST /v1/events.
#include <string>

#include "cxgate/http/router.hpp"

namespace cxgate::http {

asio::awaitable<Response> post_source_event(const Request& request, Services& services,
                                            const std::string& source,
                                            const std::string& query_secret);

}  // namespace cxgate::http
