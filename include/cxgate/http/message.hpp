#pragma once
// The request and response types every HTTP file speaks: Beast messages with string bodies
// (bodies are bounded by server.max_body_bytes before they are read, so a string holds them).
#include <boost/beast/http.hpp>

namespace cxgate::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

}  // namespace cxgate::http
