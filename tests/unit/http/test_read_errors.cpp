#include <doctest/doctest.h>

#include <boost/beast/http/error.hpp>

#include "cxgate/http/server.hpp"

using namespace cxgate::http;
using error = boost::beast::http::error;
using boost::beast::http::status;

TEST_CASE("read errors: too large or malformed requests get their status") {
    auto answer = [](error e, std::string_view target = "") {
        return read_error_answer(make_error_code(e), target, 65536);
    };
    CHECK(answer(error::body_limit)->status == status::payload_too_large);
    CHECK(answer(error::body_limit)->message == "body larger than 65536 bytes");
    // A head over the limit: a request line that was never complete means 414, else 431.
    CHECK(answer(error::header_limit, "")->status == status::uri_too_long);
    CHECK(answer(error::header_limit, "/" + std::string(9000, 'a'))->status ==
          status::uri_too_long);
    CHECK(answer(error::header_limit, "/healthz")->status ==
          status::request_header_fields_too_large);
    for (auto e : {error::bad_method, error::bad_target, error::bad_version, error::bad_field,
                   error::bad_value, error::bad_content_length, error::bad_transfer_encoding,
                   error::bad_chunk, error::bad_line_ending}) {
        CAPTURE(make_error_code(e).message());
        CHECK(answer(e)->status == status::bad_request);
    }
    // Nobody to answer.
    CHECK_FALSE(answer(error::end_of_stream));
    CHECK_FALSE(answer(error::partial_message));
    CHECK_FALSE(read_error_answer(boost::asio::error::connection_reset, "", 1));
}
