#include <doctest/doctest.h>

#include "cxgate/foundation/authorization.hpp"

using cxgate::authorization::credentials;

TEST_CASE("authorization: the scheme is case-insensitive (RFC 7235 section 2.1)") {
    CHECK(credentials("Bearer abc", "Bearer") == "abc");
    CHECK(credentials("bearer abc", "Bearer") == "abc");
    CHECK(credentials("BEARER abc", "Bearer") == "abc");
    CHECK(credentials("Bearer   abc  ", "Bearer") == "abc");
    CHECK(credentials("basic dXNlcjpwYXNz", "Basic") == "dXNlcjpwYXNz");
    CHECK_FALSE(credentials("Bearer", "Bearer"));
    CHECK_FALSE(credentials("Bearer ", "Bearer"));
    CHECK_FALSE(credentials("Bearerabc", "Bearer"));
    CHECK_FALSE(credentials("Basic abc", "Bearer"));
    CHECK_FALSE(credentials("", "Bearer"));
}
