#include <doctest/doctest.h>

#include "cxgate/foundation/passwords.hpp"

using namespace cxgate;

TEST_CASE("passwords: an Argon2id string with its own salt, checked against the password") {
    const auto stored = passwords::hash("correct horse battery");
    REQUIRE(stored);
    CHECK(stored->rfind("$argon2id$v=19$", 0) == 0);
    CHECK(passwords::verify("correct horse battery", *stored));
    CHECK_FALSE(passwords::verify("correct horse batterY", *stored));
    CHECK_FALSE(passwords::verify("", *stored));
    // A second hash of the same password has another salt.
    const auto again = passwords::hash("correct horse battery");
    REQUIRE(again);
    CHECK(*again != *stored);
    CHECK(passwords::verify("correct horse battery", *again));
    CHECK_FALSE(passwords::needs_rehash(*stored));
}

TEST_CASE("passwords: anything but an Argon2id string never verifies") {
    for (const char* stored : {"", "correct horse battery", "$2y$10$abcdefghijklmnopqrstuv",
                               "$argon2id$v=19$m=65536,t=2,p=1$broken"})
        CHECK_MESSAGE(!passwords::verify("correct horse battery", stored), stored);
    // A string made at a lower cost than today's asks to be hashed again.
    CHECK(passwords::needs_rehash("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA"));
}

TEST_CASE("passwords: too short, too long or empty is refused before hashing") {
    CHECK(passwords::weakness("") == "the password is empty");
    CHECK(passwords::weakness("seven77") == "the password is shorter than 8 characters");
    CHECK(passwords::weakness("eight888").empty());
    CHECK(passwords::weakness(std::string(257, 'x')) ==
          "the password is longer than 256 characters");
}
